"""check's length shortcut (a text under a third of the limit is never over it once rendered),
threads on X, and a post left with the template's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import BASE_CONFIG, jpeg_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.commands.scaffold import new_post
from publisher.content import render
from publisher.content.check import needs_rendering
from publisher.content.render import measure, render_text, utf16_length
from publisher.content.skeleton import BODY_LINES
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import Severity
from publisher.core.model import Post
from publisher.engine.workspace import open_workspace

FRAGMENTS = (
    "Слово",
    "word",
    "😀",
    "**жирный**",
    "_курсив_",
    "`код`",
    "[ссылка](https://example.org/очень/длинный/адрес?a=1&b=2)",
    "[x](y)",
    "<https://a.ru>",
    "![alt](a.jpg)",
    "&amp;",
    "&copy;",
    "&#128512;",
    "<b>html</b>",
    "a & b < c",
    "\n",
    "\n\n",
    "  \n",
    "\n- пункт",
    "\n* пункт",
    "\n1. пункт",
    "\n10. пункт",
    "\n    - вложенный",
    "\n# Заголовок\n",
    "\n> цитата\n",
    "\n```\nкод\n```\n",
    "\n    отступ\n",
    "\n---\n",
    " ",
    "\t",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60))
def test_rendering_never_triples_a_text(parts: list[str]) -> None:
    source = "".join(parts)
    for fmt, unit in (("plain", "codepoints"), ("telegram_html", "utf16"), ("plain", "utf16")):
        rendered = measure(render_text(source, fmt), fmt, unit)
        written = len(source) if unit == "codepoints" else utf16_length(source)
        assert rendered <= 3 * written + 16, (fmt, source)


def test_reference_links_are_rendered_to_be_counted(make_repo: Callable[..., Path]) -> None:
    url = "https://example.org/" + "a" * 300
    body = "[сайт][1]. " * 60 + f"\n\n[1]: {url}\n"  # 990 characters written, 19,600 rendered
    repo = make_repo({"content/p.md": f"---\ntitle: Ссылки\nnetworks: [vk]\n---\n{body}"})
    ws = open_workspace(repo)

    codes = [d.code for d in ws.check(ws.load()).diagnostics if not d.code.startswith("style")]

    assert codes == ["too-long"]


def test_a_short_text_is_not_rendered_by_check(
    make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo({"content/p.md": "---\ntitle: Коротко\n---\nКороткий текст.\n"})
    calls: list[str] = []
    original = render.render_post

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("render")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_post", counting)
    ws = open_workspace(repo)

    assert ws.check(ws.load()).diagnostics == ()
    assert calls == []


X_ACCOUNT = "---\nnetwork: x\nid: '1'\ntoken_env: X_TOKEN\n---\nНовости.\n"
#: 1,512 characters: a thread of seven posts on X
THREAD = "Автобус № 5 с понедельника ходит по новому расписанию. " * 27


def x_findings(repo: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    ws = open_workspace(repo)
    found = ws.check(ws.load()).diagnostics
    return [(d.code, d.line, d.targets) for d in found if not d.code.startswith("style")]


def test_a_thread_longer_than_max_thread_is_a_warning_for_x_alone(
    make_repo: Callable[..., Path],
) -> None:
    post = f"---\ntitle: Автобус\nnetworks: [vk, x]\n---\n{THREAD}\n"
    repo = make_repo({"accounts/x.md": X_ACCOUNT, "content/p.md": post})
    ws = open_workspace(repo)

    (warning,) = [d for d in ws.check(ws.load()).diagnostics if d.code == "long-thread"]

    assert (warning.line, warning.severity, warning.targets) == (5, Severity.WARNING, ("x",))
    assert "цепочкой из 7 постов; больше 4" in warning.message
    assert "overrides: x: text:" in warning.hint


def test_max_thread_and_an_override_for_x_keep_the_thread_quiet(
    make_repo: Callable[..., Path],
) -> None:
    post = f"---\ntitle: Автобус\nnetworks: [vk, x]\n---\n{THREAD}\n"
    config = BASE_CONFIG + "networks:\n  x:\n    max_thread: 7\n"
    repo = make_repo({"accounts/x.md": X_ACCOUNT, "content/p.md": post, "publisher.yml": config})
    assert x_findings(repo) == []
    assert open_workspace(repo).config.network_options == {"x": {}}, "not sent with the posts"


def test_an_override_for_x_is_its_text(make_repo: Callable[..., Path]) -> None:
    short = "overrides:\n  x:\n    text: Новое расписание автобуса № 5.\n"
    post = f"---\ntitle: Автобус\nnetworks: [vk, x]\n{short}---\n{THREAD}\n"
    assert x_findings(make_repo({"accounts/x.md": X_ACCOUNT, "content/p.md": post})) == []


def test_a_text_that_may_be_a_thread_is_rendered_to_count_its_parts() -> None:
    x = NETWORK_TABLE["x"].capabilities
    one = Post(id="p", path="content/p.md", title="T", body="а" * 80, networks=("x",))
    assert not needs_rendering(one, "x", x), "a third of one post: it stays one post"
    assert needs_rendering(replace(one, body="а" * 100), "x", x)


def test_a_post_left_with_the_templates_text_is_an_error_at_each_line(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo()
    path = new_post(repo, "Каток у школы", "2026-12-05")
    text = path.read_text(encoding="utf-8").replace(
        "# media:\n#   - file: photo.jpg\n#  ", "media:\n  - file: photo.jpg\n "
    )
    path.write_text(text.replace("status: draft", "status: ready"), encoding="utf-8")
    (path.parent / "photo.jpg").write_bytes(jpeg_bytes())
    ws = open_workspace(repo)

    found = [d for d in ws.check(ws.load()).diagnostics if d.code == "template-text"]

    lines = text.splitlines()
    assert [(d.line, d.is_error) for d in found] == [
        (lines.index("  - file: photo.jpg") + 1, True),
        (lines.index(BODY_LINES[0]) + 1, True),
        (lines.index(BODY_LINES[1]) + 1, True),
    ]
    assert "Что на фото" not in found[0].message and BODY_LINES[0] in found[1].message
