"""Rule ids as a reader names them on the site's moderation log."""

from __future__ import annotations

import pytest

from publisher.moderation.rule_names import rule_name


@pytest.mark.parametrize(
    ("rule", "name"),
    [
        ("spam:phone+casino_hint+credit", "спам: номер телефона, казино, кредиты"),
        ("spam:link+repeated:3f2a", "спам: сторонняя ссылка, повтор сообщения"),
        ("obscene:root:корень", "нецензурная брань: мат"),
        ("insult:person:дурак", "оскорбление: оскорбление человека"),
        ("unlawful:threat:phrase", "противоправное: угроза"),
        ("spam:never-heard-of", "спам"),
        ("custom", "собственное правило пресс-службы"),
        ("<script>:x", "собственное правило пресс-службы"),
        ("", "—"),
    ],
)
def test_rule_names_are_russian_and_hide_the_matched_word(rule: str, name: str) -> None:
    assert rule_name(rule) == name
