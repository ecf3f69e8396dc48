"""X's text rules: the weighted length X counts, and how a rendered post becomes a thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from publisher.content.xtext import ThreadItem, thread_items, weighted_length
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.model import Media, Poll, RenderedPost


def rendered(*parts: str, media: tuple[Media, ...] = (), poll: Poll | None = None) -> RenderedPost:
    return RenderedPost("p", "x", parts or ("",), media=media, poll=poll)


def photo(tmp_path: Path) -> Media:
    path = tmp_path / "a.jpg"
    Image.new("RGB", (8, 8), "red").save(path, "JPEG")
    return Media(path, "a.jpg", "photo", size=path.stat().st_size, image_format="JPEG")


# -- weighted length ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("Привет, мир", 11),
        ("мэрия.рф", 8),
        ("https://мэрия.рф", 23),
        ("gov.ru", 23),
        ("См. https://example.com/very/long/path", 27),
        ("…", 2),
        ("№", 2),
        ("₽", 2),
        ("«»—", 3),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 2),
        ("e\u0301", 1),
        ("я" * 280, 280),
        ("中" * 141, 282),
        ("Сайт: gov.ru.", 13 - 6 + 23),
        ("press@gov.ru", 12),
        ("❤️ 🇷🇺", 5),
        # an unqualified © or ® is an emoji to twitter-text, as with its variation selector
        ("© 2026", 7),
        ("®\ufe0f", 2),
    ],
)
def test_weighted_length_matches_twitter_text_vectors(text: str, length: int) -> None:
    assert weighted_length(text) == length


def test_weighted_length_puts_280_cyrillic_letters_within_the_limit_and_281_over() -> None:
    assert weighted_length("я" * 280) <= NETWORK_TABLE["x"].capabilities.text_limit
    assert weighted_length("я" * 281) > NETWORK_TABLE["x"].capabilities.text_limit


# -- threads --------------------------------------------------------------------------------------


def test_thread_items_put_media_on_the_first_part(tmp_path: Path) -> None:
    items = thread_items(rendered("один", "два", media=(photo(tmp_path),)))
    assert items == [ThreadItem("один", media=True), ThreadItem("два")]


def test_thread_items_append_the_poll_question_to_a_single_text_post() -> None:
    poll = Poll("Вам удобно?", ("Да", "Нет"))
    assert thread_items(rendered("Опрос жителей.", poll=poll)) == [
        ThreadItem("Опрос жителей.\n\nВам удобно?", poll=True)
    ]


def test_thread_items_put_the_poll_into_a_last_reply_with_media_or_a_thread(
    tmp_path: Path,
) -> None:
    poll = Poll("Вам удобно?", ("Да", "Нет"))
    with_media = thread_items(rendered("Текст", media=(photo(tmp_path),), poll=poll))
    assert with_media[-1] == ThreadItem("Вам удобно?", poll=True)
    threaded = thread_items(rendered("один", "два", poll=poll))
    assert threaded == [ThreadItem("один"), ThreadItem("два"), ThreadItem("Вам удобно?", poll=True)]


def test_thread_items_use_a_reply_when_the_question_does_not_fit() -> None:
    poll = Poll("Вопрос?", ("Да", "Нет"))
    items = thread_items(rendered("я" * 275, poll=poll))
    assert items == [ThreadItem("я" * 275), ThreadItem("Вопрос?", poll=True)]
