"""The inbox's classifier on the labelled messages from open sources (bench/open_relevance.py
measures the same): residents' questions to each other are not filed, complaints are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from publisher.inbox.items import load_inbox_rules, sort_message

ROOT = Path(__file__).resolve().parents[2]


def test_the_labelled_set_keeps_its_precision_and_recall() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from open_relevance import evaluate, load

    rows = load()
    metrics, _errors = evaluate(rows)
    assert len(rows) >= 300 and metrics["to_file"] >= 100
    assert metrics["precision"] >= 0.9 and metrics["recall"] >= 0.9, metrics


@pytest.mark.parametrize(
    ("text", "filed"),
    [
        ("Кто знает хорошего стоматолога в Ахтарске?", False),
        ("Где купить запчасти на мотоблок? Подскажите", False),
        ("Почему в парке не горят фонари?", True),  # a question about a public matter
        ("Администрация, почему не выдают участки многодетным?", True),
        ("Продам дом, когда удобно смотреть?", False),
        ("Нет воды третий день на Мира", True),  # a complaint needs no question mark
    ],
)
def test_a_bare_question_is_filed_only_about_a_public_matter(text: str, filed: bool) -> None:
    rules = load_inbox_rules(ROOT / "bench", None)
    assert sort_message(text, rules).relevant is filed
