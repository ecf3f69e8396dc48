"""Deadlines in working hours and days on the Russian production calendar."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from publisher.core.errors import ConfigError
from publisher.core.workcalendar import load_calendar

MSK = ZoneInfo("Europe/Moscow")
CALENDAR = load_calendar(None)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (at(2026, 12, 1, 10, 0), "4h", at(2026, 12, 1, 15, 0)),  # across lunch
        (at(2026, 11, 27, 16, 30), "4h", at(2026, 11, 30, 11, 30)),  # Friday evening → Monday
        (at(2026, 11, 28, 10, 0), "8h", at(2026, 11, 30, 18, 0)),  # Saturday → Monday's end
        (at(2026, 12, 30, 17, 0), "8h", at(2027, 1, 11, 17, 0)),  # New Year holidays
        (at(2026, 11, 3, 17, 0), "1h", at(2026, 11, 5, 10, 0)),  # shortened day, then 4 Nov
        (at(2026, 12, 1, 7, 0), "1h", at(2026, 12, 1, 10, 0)),  # before opening hours
        (at(2026, 11, 30, 12, 0), "3d", at(2026, 12, 3, 18, 0)),
    ],
)
def test_deadlines(start: datetime, duration: str, due: datetime) -> None:
    assert CALENDAR.add(start, duration) == due


def test_working_hours_between_is_the_inverse() -> None:
    start = at(2026, 11, 27, 16, 30)
    assert CALENDAR.working_hours_between(start, CALENDAR.add(start, "8h")) == pytest.approx(8)


def test_repository_calendar_overrides_a_year(tmp_path: Path) -> None:
    (tmp_path / "calendar.yml").write_text("2026:\n  holidays: [2026-12-01]\n", encoding="utf-8")
    calendar = load_calendar(tmp_path)
    assert not calendar.is_working_day(at(2026, 12, 1).date())
    assert calendar.is_working_day(at(2026, 11, 4).date()), "2026 replaced as a whole"


def test_bad_duration_is_explained() -> None:
    with pytest.raises(ConfigError) as error:
        CALENDAR.add(at(2026, 12, 1, 9), "завтра")
    assert "завтра" in error.value.message and "8h" in error.value.hint
