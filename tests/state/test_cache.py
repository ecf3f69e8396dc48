"""The cache: a warm run redoes nothing, and any change that matters is noticed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import jpeg_bytes, mp4_bytes, write_files

from publisher.content import context, stylecheck
from publisher.content import load as content_module
from publisher.core import parallel
from publisher.core.config import load_config
from publisher.core.i18n import set_language
from publisher.engine.workspace import open_workspace
from publisher.networks import NETWORKS
from publisher.state.cache import (
    CACHE_FILE,
    RENDERS_FILE,
    cache_dir,
)

POST = """---
title: Субботник
networks: [vk, telegram]
---
Приходите в субботу в парк.
"""


class Counter:
    """Wraps a function and counts its calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def check(repo: Path, only: list[str] | None = None) -> list[tuple[str, int, str]]:
    ws = open_workspace(repo)
    result = ws.check(ws.load(), only=only)
    return [(d.path, d.line, d.code) for d in result.diagnostics]


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    posts = {f"content/2026/0{i}/post.md": POST for i in range(1, 6)}
    return make_repo(posts)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter:
    return Counter(monkeypatch, content_module, "_load_post")


def test_a_warm_check_loads_nothing_and_finds_the_same(repo: Path, loads: Counter) -> None:
    write_files(repo, {"content/2026/01/post.md": POST.replace("[vk, telegram]", "[vk, vkk]")})
    cold = check(repo)
    assert loads.calls == 5

    warm = check(repo)

    assert loads.calls == 5
    assert warm == cold
    assert ("content/2026/01/post.md", 3, "unknown-network") in warm


def test_an_edited_post_alone_is_loaded_again(repo: Path, loads: Counter) -> None:
    check(repo)
    long_text = POST + "Очень длинный текст. " * 250  # over Telegram's 4096
    write_files(repo, {"content/2026/02/post.md": long_text})

    found = check(repo)

    assert loads.calls == 6
    assert [code for path, _line, code in found if path == "content/2026/02/post.md"] == [
        "too-long"
    ]


def test_a_media_file_that_appears_clears_the_error(repo: Path, loads: Counter) -> None:
    photo = "media:\n  - file: photo.jpg\n    alt: Площадь\n"
    with_photo = POST.replace("---\nПриходите", f"{photo}---\nПриходите")
    write_files(repo, {"content/2026/03/post.md": with_photo})
    assert ("content/2026/03/post.md", 5, "media-missing") in check(repo)

    write_files(repo, {"content/2026/03/photo.jpg": jpeg_bytes()})

    assert check(repo) == []
    assert loads.calls == 5 + 1  # the post was loaded again, though its file is the same


def test_an_account_removed_turns_up_in_every_cached_post(repo: Path) -> None:
    assert check(repo) == []

    (repo / "accounts/telegram.md").unlink()

    assert [code for _path, _line, code in check(repo)] == ["no-account"] * 5


def test_messages_follow_the_language(repo: Path) -> None:
    write_files(repo, {"content/2026/01/post.md": POST.replace("title: Субботник\n", "")})
    ws = open_workspace(repo)
    russian = ws.check(ws.load()).diagnostics[0].message

    set_language("en")
    ws = open_workspace(repo)
    english = ws.check(ws.load()).diagnostics[0].message

    assert "заголов" in russian
    assert english == "The post has no title."


def test_a_damaged_cache_is_ignored_and_replaced(repo: Path, loads: Counter) -> None:
    check(repo)
    cache_file = cache_dir(repo) / CACHE_FILE
    cache_file.write_bytes(b"\x95\x06not msgpack")

    assert check(repo) == []
    assert loads.calls == 10
    assert len(msgspec.msgpack.decode(cache_file.read_bytes())[2]) == 5


def test_a_cache_made_by_other_code_is_ignored(repo: Path, loads: Counter) -> None:
    check(repo)
    cache_file = cache_dir(repo) / CACHE_FILE
    document = msgspec.msgpack.decode(cache_file.read_bytes())
    document[1] = "another version"
    cache_file.write_bytes(msgspec.msgpack.encode(document))

    check(repo)

    assert loads.calls == 10


def test_a_token_pasted_into_a_checked_file_is_found(repo: Path) -> None:
    assert check(repo) == []
    token = "vk1.a." + "x" * 40
    write_files(repo, {"content/2026/04/post.md": POST + f"\nТокен: {token}\n"})

    assert ("content/2026/04/post.md", 7, "token-committed") in check(repo)


@pytest.mark.parametrize("first", ["cold", "after a clean run"])
def test_a_token_pasted_into_a_result_file_is_found(repo: Path, first: str) -> None:
    result_files = "content/2026/04/post.published.yml"
    clean = "post: 2026/04/post\nnetworks:\n  vk:\n    state: published\n"
    write_files(repo, {result_files: clean})
    if first == "after a clean run":
        assert check(repo) == []
    token = "vk1.a." + "x" * 40

    write_files(repo, {result_files: clean + f"    url: https://vk.com/?access_token={token}\n"})

    assert (result_files, 5, "token-committed") in check(repo)
    assert (result_files, 5, "token-committed") in check(repo)


def test_a_result_file_broken_after_a_clean_read_is_reported(repo: Path) -> None:
    result_files = "content/2026/05/post.published.yml"
    write_files(
        repo, {result_files: "post: 2026/05/post\nnetworks:\n  vk:\n    state: published\n"}
    )
    assert check(repo) == []

    write_files(repo, {result_files: "post: [unclosed\n"})

    assert (result_files, 2, "result-file") in check(repo)


def test_a_partial_check_reports_only_its_files(repo: Path) -> None:
    for month in ("01", "02"):
        write_files(repo, {f"content/2026/{month}/post.md": POST.replace("title: Субботник\n", "")})

    found = check(repo, only=["content/2026/02/post.md"])

    assert found == [("content/2026/02/post.md", 1, "title")]


def test_plan_reuses_the_renderings_of_an_earlier_run(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = open_workspace(repo)
    ws.checked_plan(ws.load())
    assert (cache_dir(repo) / RENDERS_FILE).exists()
    renders = Counter(monkeypatch, context, "render_post")

    ws = open_workspace(repo)
    _result, plan = ws.checked_plan(ws.load())

    assert renders.calls == 0
    assert len([a for a in plan.actions if a.rendered is not None]) == 10


def test_work_spread_over_cores_finds_what_serial_work_finds(
    make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = {f"content/p{i:02d}.md": POST.replace("Субботник", f"Пост {i}") for i in range(40)}
    posts["content/p07.md"] = POST.replace("title: Субботник\n", "")
    posts["content/p33.md"] = POST + "Очень длинный текст. " * 250
    repo = make_repo(posts)
    serial = check(repo)
    (cache_dir(repo) / CACHE_FILE).unlink()
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 4)

    forked = check(repo)

    assert forked == serial
    assert [code for _path, _line, code in forked] == ["title", "too-long"]


def test_a_partial_check_loads_only_its_posts_and_still_finds_a_duplicate_id(
    repo: Path, loads: Counter
) -> None:
    check(repo)  # a full run leaves the index of ids
    assert loads.calls == 5
    write_files(
        repo,
        {"content/2026/06/new.md": POST.replace("---\nПриход", "id: 2026/01/post\n---\nПриход")},
    )

    found = check(repo, only=["content/2026/06"])

    assert loads.calls == 6
    assert found == [("content/2026/06/new.md", 4, "duplicate-id")]


def test_a_partial_check_without_an_index_loads_the_others_for_their_ids(
    repo: Path, loads: Counter
) -> None:
    write_files(
        repo,
        {"content/2026/00/first.md": POST.replace("---\nПриход", "id: 2026/03/post\n---\nПриход")},
    )

    found = check(repo, only=["content/2026/03/post.md"])

    assert loads.calls == 6
    assert found == [("content/2026/03/post.md", 1, "duplicate-id")]


@pytest.mark.parametrize("cores", [1, 2])
def test_a_partial_check_finds_the_style_problems_whoever_lints(
    repo: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: cores)  # 2: linted in a child meanwhile
    stylecheck.LINTED.clear()
    text = "В целях реализации мероприятий по благоустройству было осуществлено проведение работ."
    write_files(
        repo, {"content/2026/07/press.md": POST.replace("Приходите в субботу в парк.", text)}
    )

    found = check(repo, only=["content/2026/07"])

    assert {code for _path, _line, code in found} >= {"style-bureaucratic", "style-passive"}


def test_the_cache_lives_in_the_git_directory_out_of_the_work_tree(
    make_repo: Callable[..., Path],
) -> None:
    import subprocess

    root = make_repo({"content/p.md": POST})  # no .gitignore of its own
    check(root)

    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--ignored"],
        capture_output=True,
        text=True,
    )
    assert (root / ".git" / "publisher-cache" / CACHE_FILE).exists()
    assert status.stdout == ""


def test_check_of_the_whole_repository_by_name_uses_the_cache(repo: Path, loads: Counter) -> None:
    from click.testing import CliRunner

    from publisher.cli import main

    check(repo)
    result = CliRunner().invoke(main, ["--repo", str(repo), "check", str(repo)])

    assert result.exit_code == 0, result.output
    assert loads.calls == 5


def test_a_post_from_the_cache_is_the_post_as_loaded(
    make_repo: Callable[..., Path], loads: Counter
) -> None:
    full = POST.replace(
        "---\nПриходите",
        "publish_at: 2026-05-01 10:00\nmedia: [photo.jpg, clip.mp4]\npoll:\n  question: Придёте?\n"
        "  options: [Да, Нет]\noverrides:\n  vk:\n    silent: true\n    tags: [a, b]\n"
        "---\nПриходите",
    )
    files = {
        "content/p.md": full,
        "content/photo.jpg": jpeg_bytes(),
        "content/clip.mp4": mp4_bytes(95.5),
    }
    repo = make_repo(files)
    cold, cache = content_module.load_cached(repo, load_config(repo)[0], NETWORKS)
    assert cache is not None
    cache.save()

    warm = open_workspace(repo).load()

    assert loads.calls == 1
    assert warm.posts == cold.posts
    assert [m.seconds for m in warm.posts[0].media] == [None, 95.5], "a video's length too"
    when, loaded_when = warm.posts[0].publish_at, cold.posts[0].publish_at
    assert when is not None and loaded_when is not None
    assert (when.isoformat(), when.tzinfo) == (loaded_when.isoformat(), loaded_when.tzinfo)


def test_an_accounts_description_is_rendered_once_and_again_when_it_changes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm check takes the plain text of each account's description from the cache (so it
    needs no Markdown); an edited description is rendered again and shown as edited."""
    from publisher.content import profiles

    renders = Counter(monkeypatch, profiles, "render_text")
    check(repo)
    first = renders.calls
    assert first > 0

    check(repo)
    again = open_workspace(repo).load()

    assert renders.calls == first
    vk = (repo / "accounts/vk.md").read_text(encoding="utf-8")
    write_files(repo, {"accounts/vk.md": vk.rstrip() + "\n\nПишите нам **в личные сообщения**.\n"})
    edited = open_workspace(repo).load()
    assert renders.calls == first + 1
    assert "Пишите нам в личные сообщения." in edited.profiles["vk"].description
    assert "Пишите нам" not in again.profiles["vk"].description
