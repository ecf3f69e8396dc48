"""The cache is data, kept out of the work tree: a committed or forged cache runs nothing.

The attack: a pull request commits ``.publisher-cache/*.pickle`` (``git add -f``) whose
unpickling would run code; the publish job, holding every token, used to load it.
"""

from __future__ import annotations

import os
import pickle
import subprocess
from collections.abc import Callable
from pathlib import Path

import git
import msgspec
import pytest
from click.testing import CliRunner, Result

from publisher.cli import Deps, main
from publisher.core import parallel
from publisher.core.clock import FakeClock
from publisher.core.errors import Diagnostic, Severity
from publisher.core.packing import Codec, typed
from publisher.state.cache import CACHE_FILE, RENDERS_FILE, cache_dir

POST = """---
title: Субботник
networks: [vk, telegram]
---
Приходите в субботу в парк.
"""
PICKLES = ("cache.pickle", "renders.pickle", "ids.pickle", "capabilities.pickle")


class _Payload:
    """Unpickling this makes the folder ``marker``: proof that code from the repository ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def run(repo: Path, clock: FakeClock, *args: str) -> Result:
    state = repo.parent / "sandbox"
    return CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), *args], obj=Deps(clock, {})
    )


def files_of(repo: Path) -> set[str]:
    """Every file of the work tree (the Git directory left out)."""
    return {
        path.relative_to(repo).as_posix()
        for path in repo.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(repo).parts
    }


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"content/2026/01/post.md": POST, "content/2026/02/post.md": POST})


def test_a_committed_pickle_never_runs_and_check_names_it(
    repo: Path, tmp_path: Path, clock: FakeClock
) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    for name in PICKLES:
        (repo / ".publisher-cache").mkdir(exist_ok=True)
        (repo / ".publisher-cache" / name).write_bytes(payload)
    (repo / "content/2026/01/state.pkl").write_bytes(payload)
    git.Repo(repo).git.add("-f", ".publisher-cache", "content/2026/01/state.pkl")
    git.Repo(repo).git.commit("-m", "A helpful speed-up")

    checked = run(repo, clock, "check")
    planned = run(repo, clock, "plan")
    applied = run(repo, clock, "apply")

    assert not marker.exists()
    assert checked.exit_code == 1, checked.output
    for name in PICKLES:
        assert f".publisher-cache/{name}" in checked.output
    assert "content/2026/01/state.pkl" in checked.output
    assert "git rm -r --cached" in checked.output
    assert "state.pkl" in planned.output and "Приходите в субботу в парк." in planned.output
    assert "Готово: 6, не удалось: 0." in applied.output  # the posts still go out


def test_a_pickle_where_the_cache_lives_is_not_loaded(
    repo: Path, tmp_path: Path, clock: FakeClock
) -> None:
    marker = tmp_path / "pwned"
    assert run(repo, clock, "plan").exit_code == 0
    for path in cache_dir(repo).iterdir():
        path.write_bytes(pickle.dumps(_Payload(marker)))

    assert run(repo, clock, "check").exit_code == 0
    assert run(repo, clock, "plan").exit_code == 0
    assert not marker.exists()


def _rewrite_renderings(repo: Path, change: Callable[[dict[str, object]], None]) -> None:
    """Change every stored rendering in place, keeping the file's version and code."""
    path = cache_dir(repo) / RENDERS_FILE
    document = msgspec.msgpack.decode(path.read_bytes())
    for renders in document[2].values():
        for rendering in renders.values():
            change(rendering)
    path.write_bytes(msgspec.msgpack.encode(document))


def _other_post(rendering: dict[str, object]) -> None:
    rendering["post_id"] = "2026/99/elsewhere"
    rendering["parts"] = ["Подделка"]


def _wrong_shape(rendering: dict[str, object]) -> None:
    rendering["parts"] = "Подделка"
    rendering["media"] = [{"path": 1}]


@pytest.mark.parametrize("forge", [_other_post, _wrong_shape])
def test_a_forged_rendering_in_the_cache_is_not_trusted(
    repo: Path, clock: FakeClock, forge: Callable[[dict[str, object]], None]
) -> None:
    assert run(repo, clock, "plan").exit_code == 0
    _rewrite_renderings(repo, forge)

    planned = run(repo, clock, "plan")

    assert planned.exit_code == 0, planned.output
    assert "Подделка" not in planned.output
    assert "Приходите в субботу в парк." in planned.output


def test_a_cache_entry_of_the_wrong_shape_is_a_miss_not_a_crash(
    repo: Path, clock: FakeClock
) -> None:
    assert run(repo, clock, "check").exit_code == 0
    path = cache_dir(repo) / CACHE_FILE
    document = msgspec.msgpack.decode(path.read_bytes())
    for key in document[2]:
        document[2][key] = [{"id": 1}, None, "problems", {}, {}]
    path.write_bytes(msgspec.msgpack.encode(document))
    (repo / "content/2026/02/post.md").write_text(POST.replace("title: Субботник\n", ""))

    checked = run(repo, clock, "check")

    assert checked.exit_code == 1, checked.output
    assert "content/2026/02/post.md" in checked.output
    assert "Traceback" not in checked.output


def test_the_cache_is_kept_out_of_the_work_tree(repo: Path, clock: FakeClock) -> None:
    before = files_of(repo)

    assert run(repo, clock, "plan").exit_code == 0

    assert files_of(repo) == before
    assert (cache_dir(repo) / CACHE_FILE).exists()
    git_dir = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--absolute-git-dir"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert cache_dir(repo).parent == Path(git_dir)


def test_outside_git_the_cache_goes_to_the_user_cache_folder(
    tmp_path: Path, user_cache_home: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "publisher.yml").write_text("timezone: Europe/Moscow\n")
    (folder / "content").mkdir()
    (folder / "content/post.md").write_text(POST.replace("[vk, telegram]", "[vk]"))

    run(folder, clock, "check")

    assert files_of(folder) == {"publisher.yml", "content/post.md"}
    assert cache_dir(folder).is_relative_to(user_cache_home)
    assert (cache_dir(folder) / CACHE_FILE).exists()


def test_ci_keeps_the_cache_in_the_git_directory_and_publish_restores_none() -> None:
    import yaml

    workflows = Path(__file__).resolve().parents[2] / ".github" / "workflows"
    check_steps = yaml.safe_load((workflows / "check.yml").read_text())["jobs"]["plan"]["steps"]
    cached = [s["with"]["path"] for s in check_steps if "actions/cache" in s.get("uses", "")]

    assert cached == [".git/publisher-cache"]
    assert "actions/cache" not in (workflows / "publish.yml").read_text()


#: what a forged or damaged worker result might be: a pickle that would run code if it were
#: unpickled, MessagePack of another shape (a map, a string, an extension), bytes cut short
def _hostile(marker: Path) -> list[bytes]:
    return [
        pickle.dumps(_Payload(marker)),
        msgspec.msgpack.encode({"__reduce__": ["os.mkdir", str(marker)]}),
        msgspec.msgpack.encode(str(marker)),
        msgspec.msgpack.encode(msgspec.msgpack.Ext(1, b"os.mkdir")),
        msgspec.msgpack.encode([1, 2])[:-1],
    ]


def _answer(number: int) -> tuple[int, int]:
    return number * 3, os.getpid()


@pytest.mark.parametrize("forged", range(5))
def test_a_worker_result_is_taken_only_as_the_declared_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forged: int
) -> None:
    """Whatever bytes come back from a worker, the parent builds nothing from them but a value
    of the declared type; bytes that are not one are refused and the item is worked out here."""
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    marker = tmp_path / "ran"
    data = _hostile(marker)[forged]
    declared = typed(tuple[int, int])
    codec = Codec(lambda _value: data, declared.decode)

    results = parallel.fork_map(_answer, range(8), codec, workers=2)
    background = parallel.in_background(lambda: _answer(1), codec)

    assert results == [_answer(n) for n in range(8)]  # all of them made here, in this process
    assert background is not None and background.result() is None
    assert not marker.exists()


def test_a_forged_chunk_is_refused_and_worked_out_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frame around a worker's results is decoded into its type too."""
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    marker = tmp_path / "ran"

    class Forger:
        def encode(self, _value: object) -> bytes:
            return pickle.dumps(_Payload(marker))

    monkeypatch.setattr(parallel, "ENCODER", Forger())
    results = parallel.fork_map(_answer, range(8), typed(tuple[int, int]), workers=2)

    assert results == [_answer(n) for n in range(8)]
    assert not marker.exists()


def test_worker_results_of_publisher_types_still_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    value = (Diagnostic("a.md", 3, Severity.ERROR, "м"), Path("a/b"), {1, 2})
    codec = typed(tuple[Diagnostic, Path, set[int], int])

    results = parallel.fork_map(lambda _item: (*value, os.getpid()), range(4), codec, workers=2)

    assert [r[:3] for r in results] == [value] * 4
    assert os.getpid() not in {r[3] for r in results}
