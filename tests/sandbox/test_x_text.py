"""Contract: the X adapter's text rules (content.xtext, our own code) and the X emulator's
(twitter-text-parser, X's rules ported) agree, so a post the renderer fits into 280 weighted
characters is one the emulator accepts, and ``find`` recognises the text the emulator shows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.content import xtext
from publisher.sandbox import x as emulator

CORPUS = [
    "Субботник в парке Горького: приходите в субботу к 10:00!",
    "Подробности на сайте https://mos.ru/news/item/12345/ и в группе vk.com/club1",
    "Запись на приём: gosuslugi.ru, телефон 8 (495) 777-77-77.",
    "Сайт администрации (www.admin-city.ru) работает круглосуточно.",
    "«Ссылка в кавычках: https://example.org/путь?q=1»",
    "Адрес: http://кириллический-домен.рф/страница",
    "Почта: press@city.gov.ru — пишите.",
    "Два адреса подряд: https://a.ru https://b.com/x.",
    "Несколько адресов: example.com, example.net; example.org!",
    "Порт и путь: https://example.com:8080/a/b?c=d#e",
    "Скобки (https://example.com/page) и [example.ru]",
    "Хэштеги #город #новости и упоминание @city_press",
    "Числа 3.14 и 10.30 и 1.5 не ссылки; т.е. и т.д. тоже. г.Москва, ул.Ленина, д.1",
    "Эмодзи: 🎉🎄❄️☃️",
    "Тон кожи 👍🏽 и 👋🏿, семья 👨‍👩‍👧‍👦, флаг 🇷🇺, цифра 1️⃣, сердце ❤️",
    "© Администрация города, 2026. Знак ® и ™",
    # a URL glued to an emoji or to CJK text ends where X's URL characters end
    "Подробнее https://example.com/путь😀😀 тут",
    "https://example.com/路径很长的文字",
    "см. example.com/a😀",
    "https://adm.ru/news?id=5&x=1😀",
    "adm.ru/путь?q=1 и всё",
    "https://adm.ru/«цитата»",
    "Погода ☀ ☁ ☂ ⛄ и часы ⌚ ⏰",
    "中文新闻：城市公园开放。",
    "日本語のテキストとカタカナ、ひらがな。",
    "한국어 뉴스 텍스트",
    "Смесь: Москва 北京 Tokyo 東京 🚇",
    "Ё и ё, й и й (составная), café и cafe\u0301",
    "Кавычки «ёлочки», „лапки“, тире — и –, многоточие…",
    "Стрелки → ← ↑ и математика ≤ ≥ ≠ ∞",
    "Строка\nс переводами\n\nстрок\tи табуляцией",
    "Неразрывный\u00a0пробел и узкий\u202fпробел",
    " ",
    "я" * 281,
    "中" * 141,
    "😀" * 141,
    "https://example.com/" + "a" * 300,
    "Благоустройство: 40 адресов, подробности https://city.ru/blago и gosuslugi.ru/help. 🏗️ " * 3,
]

#: words and links of the kind posts are made of; any sequence of them must count the same
WORDS = [
    *("Москва", "улица", "Ленина,", "новости.", "Привет!", "«Ёлка»", "(подробнее)", "—", "т.е."),
    *("г.Москва", "10.30", "№5", "3,5%", "#новости", "@city_press", "café", "й", "©", "™"),
    *("中文", "日本語", "한국어", "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇷🇺", "1️⃣", "❤️", "☀", "✈️"),
    *("https://mos.ru/news/1", "https://mos.ru/news/1.", "(https://mos.ru/a)", "example.com"),
    *("gosuslugi.ru/help", "www.mos.ru", "mos.ru,", "press@mos.ru", "https://кремль.рф/"),
    *("http://example.org/путь?a=1&b=2", "vk.com/club1!", "t.me/city"),
]


@pytest.mark.parametrize("text", CORPUS)
def test_the_adapter_counts_as_the_emulator_does(text: str) -> None:
    assert xtext.weighted_length(text) == emulator.weighted_length(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.sampled_from([" ", "\n"]))
def test_any_text_of_such_words_counts_the_same(words: list[str], separator: str) -> None:
    text = separator.join(words)
    assert xtext.weighted_length(text) == emulator.weighted_length(text)


@pytest.mark.parametrize("text", CORPUS)
def test_find_recognises_the_text_as_the_emulator_shows_it(text: str) -> None:
    shown = emulator._shown_text({"id": "1", "text": text, "media": True})
    assert xtext.comparable_text(shown) == xtext.comparable_text(text)


def test_the_limit_is_the_same_on_both_sides() -> None:
    assert xtext.TEXT_LIMIT == emulator.TEXT_LIMIT == 280
