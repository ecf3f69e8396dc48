"""Every internal key a person may meet has a Russian label in one table per kind."""

from __future__ import annotations

import re

import pytest

from publisher.core import i18n
from publisher.core.labels import (
    ACTION_KINDS,
    INBOX_CATEGORIES,
    MODERATION_CATEGORIES,
    OUTCOMES,
    RULE_KINDS,
    SPAM_SIGNALS,
    category_label,
    rule_label,
)
from publisher.core.resources import DATA_DIR
from publisher.moderation.detector import SEVERITY

RULE_ID = re.compile(r"\b[a-z_]+:[a-z]")


@pytest.fixture(autouse=True)
def _russian() -> object:
    i18n.set_language("ru")
    yield
    i18n.set_language("ru")


def test_every_table_entry_is_translated() -> None:
    for table in (
        ACTION_KINDS,
        OUTCOMES,
        INBOX_CATEGORIES,
        MODERATION_CATEGORIES,
        RULE_KINDS,
        SPAM_SIGNALS,
    ):
        for key, msgid in table.items():
            assert i18n._(msgid) != msgid, f"no Russian for {key!r}"


def test_inbox_categories_of_the_data_file_all_have_labels() -> None:
    text = (DATA_DIR / "inbox.yml").read_text(encoding="utf-8")
    block = text.split("\ncategories:\n", 1)[1]
    keys = re.findall(r"^  ([a-z_]+):", block, re.M)
    assert keys and set(keys) <= set(INBOX_CATEGORIES)
    assert category_label("transport") == "транспорт"
    assert category_label("improvement") == "благоустройство"


def test_spam_signals_and_moderation_categories_all_have_labels() -> None:
    signals = re.findall(
        r"^([a-z_]+)\t\d", (DATA_DIR / "moderation" / "spam.txt").read_text(), re.M
    )
    assert signals and set(signals) <= set(SPAM_SIGNALS)
    assert set(SEVERITY) <= set(MODERATION_CATEGORIES)


@pytest.mark.parametrize(
    "rule",
    [
        "spam:phone+casino_hint+credit",
        "spam:repeated:posts+link",
        "obscene:root:бля",
        "obscene:quoted:хуй",
        "insult:person:дурак",
        "insult:дурак",
        "unlawful:threat:phrase",
        "unlawful:drugs:job",
        "unlawful:call:убить",
        "custom",
    ],
)
def test_rule_ids_read_as_russian(rule: str) -> None:
    label = rule_label(rule)
    assert not RULE_ID.search(label), label
    assert not re.search(r"\b(?:spam|obscene|insult|unlawful|custom|casino_hint)\b", label)


def test_a_rule_label_names_the_signals() -> None:
    assert rule_label("spam:phone+casino_hint+credit") == (
        "спам: номер телефона, намёк на азартные игры, займы"
    )
    assert rule_label("obscene:root:бля") == "нецензурная брань: мат, «бля»"


def test_an_unknown_key_is_shown_as_written_not_lost() -> None:
    assert category_label("potholes") == "potholes"
    assert rule_label("own:words") == "own: «words»"


@pytest.mark.parametrize(
    ("rule", "hidden"),
    [("obscene:root:корень", "корень"), ("insult:person:дурак", "дурак")],
)
def test_a_public_page_names_the_rule_without_the_word_it_matched(rule: str, hidden: str) -> None:
    assert hidden in rule_label(rule)
    assert hidden not in rule_label(rule, reveal=False)
    assert rule_label(rule, reveal=False).startswith(rule_label(rule).split(":")[0])
