"""Work spread over forked workers gives what serial work gives, also for each item a worker
cannot send back as it is: the parent works that one out itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest
from conftest import write_files

from publisher.content import context, secrets
from publisher.content import load as content_module
from publisher.core import parallel
from publisher.core.packing import Codec
from publisher.engine import workspace
from publisher.engine.workspace import open_workspace
from publisher.reports.plan_report import plan_json
from publisher.state.cache import cache_dir

#: over a third of Telegram's 4096 characters: check renders it to count its length
POST = (
    """---
title: Пост {n}
networks: [vk, telegram]
---
Приходите в субботу в парк, номер {n}.
"""
    + "Очень длинный текст. " * 80
)
#: more than MessagePack's 64-bit integers hold: this post cannot come back from a worker
BIG = POST.replace(
    "---\nПриходите",
    "overrides:\n  telegram:\n    big: 123456789012345678901234567890\n---\nПриходите",
)
#: a result file whose free-form ``extra`` holds a date (it would come back as a string)
RESULTS = """post: p03
networks:
  vk:
    state: published
    remote_id: '7'
    extra:
      when: 2026-01-01
"""
TOKEN = "ghp_R8mKq2LxV7nT4wZp9sJc3HdF6bYg1NuE5aQo"  # pragma: allowlist secret
#: a worker's bytes that decode into nothing (0xc1 is never used in MessagePack)
FORGED: Codec[Any] = Codec(lambda _value: b"\xc1", lambda data: parallel._CHUNK.decode(data))


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    files: dict[str, str | bytes] = {
        f"content/p{n:02d}.md": POST.format(n=n) for n in range(12) if n != 5
    }
    files["content/p05.md"] = BIG.format(n=5)
    files["content/p03.published.yml"] = RESULTS
    files["notes.md"] = f"Токен: {TOKEN}\n"
    return make_repo(files)


class HereCalls:
    """Counts the calls of a function made in this process (a forked worker's are its own)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
        self.calls: list[str] = []
        original, parent = getattr(owner, name), os.getpid()

        def counted(*args: Any, **kwargs: Any) -> Any:
            if os.getpid() == parent:
                self.calls.append(str(args[1]))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def checked_plan(
    repo: Path, cores: int, monkeypatch: pytest.MonkeyPatch, cache: dict[str, bytes] | None = None
) -> tuple[Any, ...]:
    """Check and plan on ``cores`` cores (2: two workers for 12 posts), from a cold cache or
    from the ``cache`` files given."""
    monkeypatch.setattr(parallel, "cores", lambda: cores)
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 2)
    if cache_dir(repo).exists():
        for path in cache_dir(repo).iterdir():
            path.unlink()
    for name, data in (cache or {}).items():
        (cache_dir(repo) / name).write_bytes(data)
    ws = open_workspace(repo)
    result, plan = ws.checked_plan(ws.load())
    found = [(d.path, d.line, d.code) for d in result.diagnostics]
    return found, plan_json(plan, result.diagnostics)


def test_a_post_a_worker_cannot_send_is_loaded_and_rendered_here(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = checked_plan(repo, 1, monkeypatch)
    loads = HereCalls(monkeypatch, content_module, "_load_post")
    renders = HereCalls(monkeypatch, context, "render_post")

    forked = checked_plan(repo, 2, monkeypatch)

    assert forked == serial
    assert ("notes.md", 1, "token-committed") in serial[0]
    assert loads.calls == [str(repo / "content/p05.md")]
    assert set(renders.calls) == {"vk", "telegram"}  # p05's renderings only
    assert len(renders.calls) == 2


def test_a_partial_check_without_a_cache_works_out_here_what_a_worker_cannot_send(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def partial(cores: int) -> list[tuple[str, int, str]]:
        monkeypatch.setattr(parallel, "cores", lambda: cores)
        ws = open_workspace(repo)
        result = ws.check(ws.load(["content"]), only=["content"])
        return [(d.path, d.line, d.code) for d in result.diagnostics]

    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 2)
    serial = partial(1)
    loads = HereCalls(monkeypatch, content_module, "_load_post")
    renders = HereCalls(monkeypatch, context, "render_post")

    forked = partial(2)

    assert forked == serial
    assert loads.calls == [str(repo / "content/p05.md")]
    assert renders.calls == ["telegram"]  # p05's, to count its length there


def test_forged_results_of_each_worker_are_refused_and_worked_out_here(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = checked_plan(repo, 1, monkeypatch)
    for owner, name in (
        (content_module, "_LOADED"),
        (content_module, "_READ"),
        (secrets, "_SCANNED"),
        (context, "_WORKED"),
    ):
        monkeypatch.setattr(owner, name, FORGED)
    loads = HereCalls(monkeypatch, content_module, "_load_post")

    forked = checked_plan(repo, 2, monkeypatch)

    assert forked == serial
    assert len(loads.calls) == 12


def test_result_files_a_worker_cannot_send_are_read_here(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts known to the cache, result files new to it: those are read in a pass of their
    own, and what does not come back from a worker is read here."""
    checked_plan(repo, 1, monkeypatch)
    warm = {path.name: path.read_bytes() for path in cache_dir(repo).iterdir()}
    write_files(repo, {f"content/p{n:02d}.published.yml": RESULTS for n in range(12)})
    git.Repo(repo).git.add("--all")
    git.Repo(repo).git.commit("-m", "results")
    serial = checked_plan(repo, 1, monkeypatch, warm)
    monkeypatch.setattr(content_module, "_READ", FORGED)
    reads = HereCalls(monkeypatch, content_module, "_read_result_file")

    forked = checked_plan(repo, 2, monkeypatch, warm)

    assert forked == serial
    assert len(reads.calls) == 12


def test_style_reports_that_do_not_come_back_from_the_child_are_made_here(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial check lints its posts in a child meanwhile; if what the child sends does not
    decode, the parent lints them itself and finds the same."""
    text = "В целях реализации мероприятий по благоустройству было осуществлено проведение работ."
    write_files(repo, {"content/press.md": POST.format(n=1).replace("Приходите", text)})
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(workspace, "_LINTED", FORGED)
    workspace.LINTED.clear()

    ws = open_workspace(repo)
    result = ws.check(ws.load(["content/press.md"]), only=["content/press.md"])

    assert {d.code for d in result.diagnostics} >= {"style-bureaucratic", "style-passive"}
