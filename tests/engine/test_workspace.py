"""The workspace's run: load, then the context (renderings and findings) once, then check and
plan read it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_CONFIG, INSTAGRAM_ACCOUNT, Publisher, jpeg_bytes, write_files

from publisher.content import context
from publisher.core.model import Action, ActionKind, Plan
from publisher.engine.workspace import open_workspace
from publisher.state.cache import cache_dir

POST = """---
title: Субботник
networks: [vk, telegram]
---
Приходите в субботу в парк.
"""
#: over a third of Telegram's 4096: check counts its rendered length
LONG = POST + "Очень длинный текст. " * 80


class Renders:
    """Counts the posts rendered (by path and network)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, str]] = []
        original = context.render_post

        def counted(post, network, *args):  # type: ignore[no-untyped-def]
            self.calls.append((post.path, network))
            return original(post, network, *args)

        monkeypatch.setattr(context, "render_post", counted)


def posts(plan: Plan) -> list[Action]:
    """The plan's actions about posts (not the accounts' profiles)."""
    return [a for a in plan.actions if a.post_path.startswith("content/")]


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"content/short.md": POST, "content/long.md": LONG})


@pytest.fixture
def published(repo: Path, publisher: Callable[[Path], Publisher]) -> Publisher:
    """Both posts published on both networks, and no cache left: the next run is cold."""
    run = publisher(repo)
    assert run("apply").exit_code == 0
    shutil.rmtree(cache_dir(repo))
    return run


def test_check_and_plan_render_each_post_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renders = Renders(monkeypatch)
    ws = open_workspace(repo)

    result, plan = ws.checked_plan(ws.load())

    assert sorted(renders.calls) == sorted(
        (f"content/{name}.md", network)
        for name in ("short", "long")
        for network in ("vk", "telegram")
    )
    assert result.diagnostics == ()
    assert {a.kind for a in posts(plan)} == {ActionKind.CREATE}


def test_a_check_renders_only_the_posts_near_a_limit(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = Renders(monkeypatch)
    ws = open_workspace(repo)

    ws.check(ws.load())

    assert renders.calls == [("content/long.md", "telegram")]


def test_a_cold_preview_renders_no_post_that_went_out_unchanged(
    repo: Path, published: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(repo, {"content/short.md": POST.replace("субботу", "воскресенье")})
    renders = Renders(monkeypatch)
    ws = open_workspace(repo)

    _result, plan = ws.checked_plan(ws.load(), preview=True)

    # long.md is live as it is on both networks: not rendered, not even for check's length
    assert sorted(renders.calls) == [("content/short.md", "telegram"), ("content/short.md", "vk")]
    assert [(a.kind, a.network) for a in plan.actions if a.post_id == "short"] == [
        (ActionKind.UPDATE, "vk"),
        (ActionKind.UPDATE, "telegram"),
    ]
    unchanged = [a for a in plan.actions if a.post_id == "long"]
    assert [(a.kind, a.rendered) for a in unchanged] == [(ActionKind.NOOP, None)] * 2


def test_a_preview_does_not_check_again_a_post_live_everywhere_as_it_is(
    repo: Path, published: Publisher
) -> None:
    """A finding about a settled post (a rule that came after it went out) is check's to
    report; the preview shows what changes. Apply's plan still checks every post."""
    write_files(repo, {"publisher.yml": "style:\n  max_sentence_words: 2\n"})
    ws = open_workspace(repo)

    preview, _plan = ws.checked_plan(ws.load(), preview=True)
    full, _plan = ws.checked_plan(ws.load())

    assert not [d for d in preview.diagnostics if d.path == "content/short.md"]
    assert [d for d in full.diagnostics if d.path == "content/short.md"]
    assert [d for d in ws.check(ws.load()).diagnostics if d.path == "content/short.md"]


def test_a_plan_for_apply_renders_every_post(
    repo: Path, published: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = Renders(monkeypatch)
    ws = open_workspace(repo)

    _result, plan = ws.checked_plan(ws.load())

    assert len(renders.calls) == 4
    assert all(a.kind is ActionKind.NOOP and a.rendered is not None for a in posts(plan))


def test_the_plan_command_shows_the_unchanged_posts_text_where_asked(
    published: Publisher,
) -> None:
    shown = published("plan", "--all")
    document = json.loads(published("plan", "--format", "json").output)

    assert shown.exit_code == 0, shown.output
    assert "/4096]" in shown.output
    actions = [a for a in document["actions"] if a["file"].startswith("content/")]
    assert len(actions) == 4 and all(action["text"] for action in actions)
    assert {action["action"] for action in document["actions"]} == {"noop"}


def test_content_loaded_by_another_run_does_not_use_this_runs_cache(repo: Path) -> None:
    ws = open_workspace(repo)
    other = open_workspace(repo).load()
    ws.load()

    result = ws.check(other)

    assert result.diagnostics == ()
    assert ws._cache(other) is None


def test_a_post_too_long_for_instagram_is_held_there_and_the_plan_says_why(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    body = "Каток открыт каждый день. " * 88 + "Приходите!"  # 2,298 characters
    post = "---\ntitle: Каток\nnetworks: [vk, instagram]\nmedia:\n  - file: a.jpg\n"
    post += f"    alt: Каток\n---\n\n{body}\n"
    repo = make_repo(
        {
            "publisher.yml": BASE_CONFIG + "media_base_url: https://example.org/\n",
            "accounts/instagram.md": INSTAGRAM_ACCOUNT,
            "content/katok/index.md": post,
            "content/katok/a.jpg": jpeg_bytes(),
        }
    )
    ws = open_workspace(repo)
    result, plan = ws.checked_plan(ws.load())

    assert [(d.code, d.line, d.targets) for d in result.errors] == [("too-long", 9, ("instagram",))]
    rows = {a.network: (a.kind, a.reason) for a in posts(plan)}
    reason = "Текст длиннее 2200 знаков для Instagram: 2298 (content/katok/index.md:9)"
    assert rows == {"vk": (ActionKind.CREATE, ""), "instagram": (ActionKind.BLOCKED, reason)}
    shown = publisher(repo)("plan").output
    assert f"    {reason}" in shown and "файле есть ошибки" not in shown
