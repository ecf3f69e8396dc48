"""Rendering Markdown per network and counting lengths the way each network counts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.content.render import (
    RENDERER,
    render_post,
    render_text,
    source_hash,
    split_thread,
    utf16_length,
    visible_text,
)
from publisher.core.capabilities import Capabilities, MediaRules
from publisher.core.model import Media, Override, Poll, Post

SOURCE = """# Ёлка

Привет, **жители**! Читайте [новости](https://example.org) и _важное_.

- один
- два

> Цитата

Знаки < и & на месте.
"""


def test_plain_text_keeps_links_and_lists_and_drops_markup() -> None:
    text = render_text(SOURCE, "plain")
    assert text == (
        "Ёлка\n\nПривет, жители! Читайте новости (https://example.org) и важное.\n\n"
        "• один\n• два\n\nЦитата\n\nЗнаки < и & на месте."
    )


def test_telegram_html_uses_only_allowed_tags_and_escapes() -> None:
    text = render_text(SOURCE, "telegram_html")
    assert "<b>Ёлка</b>" in text
    assert '<a href="https://example.org">новости</a>' in text
    assert "<i>важное</i>" in text
    assert "<blockquote>Цитата</blockquote>" in text
    assert "Знаки &lt; и &amp; на месте." in text
    assert "<p>" not in text and "<h1>" not in text


def test_max_html_has_no_blockquote_tag() -> None:
    text = render_text(SOURCE, "max_html")
    assert "<blockquote>" not in text
    assert "<b>жители</b>" in text


def test_bare_link_is_not_repeated_in_plain_text() -> None:
    assert render_text("См. <https://example.org>", "plain") == "См. https://example.org"


def test_ordered_and_nested_lists() -> None:
    text = render_text("1. первый\n2. второй\n    - вложенный\n", "plain")
    assert text == "1. первый\n2. второй\n  • вложенный"


def test_visible_text_counts_after_entity_parsing() -> None:
    assert visible_text("<b>a &amp; b</b>", "telegram_html") == "a & b"
    assert utf16_length("😀я") == 3


def test_thread_split_at_sentences_with_numbering() -> None:
    text = " ".join(f"Предложение номер {i} про уборку снега." for i in range(30))
    parts = split_thread(text, 280, len)
    assert len(parts) > 1
    assert all(len(p) <= 280 for p in parts)
    assert parts[0].endswith(f" 1/{len(parts)}")
    assert all(p.rsplit(" ", 1)[0].endswith(".") for p in parts)
    joined = " ".join(p.rsplit(" ", 1)[0] for p in parts)
    assert joined == text


def test_thread_split_breaks_a_giant_word() -> None:
    parts = split_thread("я" * 700, 280, len)
    assert all(len(p) <= 280 for p in parts) and len(parts) == 3


CAPS = Capabilities(text_format="plain", text_limit=100, polls=False, media={})


def post(**fields: object) -> Post:
    base: dict[str, object] = {
        "id": "p",
        "path": "content/p.md",
        "title": "T",
        "body": "Текст",
        "networks": ("vk",),
    }
    base.update(fields)
    return Post(**base)  # type: ignore[arg-type]


def test_render_post_drops_poll_where_the_network_has_none_and_applies_overrides() -> None:
    p = post(
        poll=Poll("Q?", ("a", "b")),
        overrides={"vk": Override("Другой текст", {"silent": True})},
    )
    rendered = render_post(p, "vk", CAPS, {"link_preview": False})
    assert rendered.poll is None
    assert rendered.parts == ("Другой текст",)
    assert rendered.options == {"link_preview": False, "silent": True}
    assert rendered.length == len("Другой текст") and rendered.limit == 100


def test_content_hash_changes_with_text_and_not_otherwise() -> None:
    a = render_post(post(), "vk", CAPS)
    assert a.content_hash == render_post(post(), "vk", CAPS).content_hash
    assert a.content_hash != render_post(post(body="Новый"), "vk", CAPS).content_hash


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
@pytest.mark.parametrize("fmt", ["plain", "telegram_html", "max_html"])
def test_any_markdown_renders_without_error(fmt: str, text: str) -> None:
    result = render_text(text, fmt)  # type: ignore[arg-type]
    assert isinstance(result, str)


def test_single_line_breaks_are_spaces_and_two_trailing_spaces_break() -> None:
    text = render_text("Строка один\nстрока два.  \nНовая строка", "plain")
    assert text == "Строка один строка два.\nНовая строка"


# -- the source hash ----------------------------------------------------------------------------

PHOTO = Media(path=Path("a.jpg"), rel="content/a.jpg", kind="photo", sha256="ab", alt="Ёлка")
WITH_POLLS = Capabilities("plain", 4096, polls=True, media={"photo": MediaRules(10_000_000)})


@pytest.mark.parametrize(
    ("change", "caps"),
    [
        ({"body": SOURCE + "\nЕщё строка."}, WITH_POLLS),
        ({"overrides": {"vk": Override(text="Свой текст")}}, WITH_POLLS),
        ({"overrides": {"vk": Override(options={"silent": True})}}, WITH_POLLS),
        ({"media": (PHOTO,)}, WITH_POLLS),
        ({"media": (replace(PHOTO, alt="Другая"),)}, WITH_POLLS),
        ({"poll": Poll("Придёте?", ("Да", "Нет"))}, WITH_POLLS),
        ({}, replace(WITH_POLLS, text_format="telegram_html")),
        ({}, replace(WITH_POLLS, text_limit=280, thread=True)),
        ({}, replace(WITH_POLLS, length_unit="utf16")),
    ],
)
def test_the_source_hash_changes_with_whatever_the_content_hash_is_made_from(
    change: dict[str, Any], caps: Capabilities
) -> None:
    post = Post(id="p", path="content/p.md", title="T", body=SOURCE, networks=("vk",))
    before = render_post(post, "vk", WITH_POLLS)
    changed = replace(post, **change)

    after = render_post(changed, "vk", caps)

    assert after.source_hash != before.source_hash
    assert after.source_hash == source_hash(changed, "vk", caps)


def test_the_source_hash_ignores_what_the_network_does_not_take() -> None:
    post = Post(id="p", path="content/p.md", title="T", body=SOURCE, networks=("vk",))
    no_polls = replace(WITH_POLLS, polls=False, media={})
    extra = replace(post, poll=Poll("Придёте?", ("Да", "Нет")), media=(PHOTO,), title="Другой")

    assert source_hash(extra, "vk", no_polls) == source_hash(post, "vk", no_polls)


#: the digest of ``_sample_renderings()`` at each ``RENDERER`` revision
RENDERINGS_DIGEST = {2: "0e7ef3b40721d6051dcd2cfd0adbe15c3073b34ae8eb37445f7ffa6b3d639f06"}


def _sample_renderings() -> str:
    """Every network's rendering of Markdown that uses each construct the renderer knows."""
    from publisher.core.capabilities import all_capabilities

    samples = [
        SOURCE,
        "1. раз\n2. два\n   - вложенный\n\n```\nкод <b>\n```\n\n<script>x</script>~~нет~~ `c`",
        "Ссылка [сюда](javascript:alert(1)) и [туда](mailto:a@b.ru), ![фото](a.jpg).",
        "Длинное предложение номер один. " * 120,
        "Адрес https://example.com/a" + "路" * 130 + " — и конец.",  # X: the URL ends at CJK
    ]
    rendered = [
        [network, sample, render_post(post, network, caps).parts]
        for network, caps in sorted(all_capabilities().items())
        for sample in samples
        for post in [Post(id="p", path="p.md", title="T", body=sample, networks=(network,))]
    ]
    return hashlib.sha256(json.dumps(rendered, ensure_ascii=False).encode()).hexdigest()


def test_the_renderer_revision_changes_with_what_it_renders() -> None:
    """A recorded source hash vouches for a rendering only while ``RENDERER`` stays: if this
    fails, the texts changed; bump ``RENDERER`` and record the new digest under it."""
    assert RENDERINGS_DIGEST.get(RENDERER) == _sample_renderings()
