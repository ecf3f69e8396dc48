"""departments.yml: who answers which message, and mistakes named at their line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from publisher.core.errors import ConfigError
from publisher.inbox.departments import department_problems, load_departments

GOOD = """default: general
departments:
  roads:
    title: Отдел дорожного хозяйства
    reviewers: ["@ivanov", "@akhtarsk/roads"]
    categories: [roads]
    working_hours: {start: "08:00", end: "17:00", lunch: ["12:00", "13:00"]}
  water:
    title: Водоканал
    reviewers: ["@vodokanal"]
    phrases: [водоканал, ливнёвк]
  general:
    title: Общий отдел
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "departments.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_phrases_first_then_categories_then_the_default(tmp_path: Path) -> None:
    departments = load_departments(write(tmp_path, GOOD))
    assert departments.route("Водоканал, где вода? Яма на дороге", "roads").key == "water"
    assert departments.route("Яма на дороге", "roads").key == "roads"  # type: ignore[union-attr]
    assert departments.route("Где справка?", "other").key == "general"  # type: ignore[union-attr]
    assert load_departments(tmp_path / "none").route("Яма", "roads") is None


def test_a_department_counts_deadlines_in_its_own_hours(tmp_path: Path) -> None:
    roads = load_departments(write(tmp_path, GOOD)).by_key["roads"]
    assert roads.calendar is not None and roads.mentions == "@ivanov @akhtarsk/roads"
    monday = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert roads.calendar.add(monday, "2h").hour == 9  # 17:00 ends its day, at 08:00 it goes on


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace('"@vodokanal"', '"vodokanal <script>"'), 10, "@"),
        (GOOD.replace("default: general", "default: mayor"), 1, "mayor"),
        (GOOD.replace("    title: Водоканал", "    head: Водоканал"), 9, "head"),
        (GOOD.replace("  general:", "  Общий:"), 12, "Общий"),
        (GOOD + "extra: 1\n", 14, "extra"),
    ],
)
def test_a_mistake_is_named_at_its_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_departments(tmp_path)
    assert raised.value.message.startswith(f"departments.yml:{line}: "), raised.value.message
    assert words in raised.value.message + raised.value.hint
    assert department_problems(tmp_path)[0].line == line
