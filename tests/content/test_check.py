"""check's length shortcut: a text under a third of the limit is never over it once rendered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.content import render
from publisher.content.render import measure, render_text, utf16_length
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
