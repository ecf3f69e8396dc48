"""Moments as a reader says them, in the configured zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from publisher.core.dates import parse_moment, spoken_day, spoken_time

MOSCOW = ZoneInfo("Europe/Moscow")


def test_a_moment_in_local_time_with_the_month_in_the_genitive() -> None:
    moment = datetime(2026, 12, 6, 16, 49, tzinfo=UTC)
    assert spoken_time(moment, MOSCOW) == "6 декабря в 19:49"
    assert spoken_time(datetime(2026, 12, 31, 21, 30, tzinfo=UTC), MOSCOW) == "1 января в 00:30"


def test_the_year_only_when_it_is_not_this_year() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    assert spoken_day(datetime(2027, 1, 15, 7, tzinfo=UTC), MOSCOW, now) == "15 января 2027 г."
    assert spoken_day(datetime(2026, 3, 1, 7, tzinfo=UTC), MOSCOW, now) == "1 марта"


@pytest.mark.parametrize("text", ["", "вчера", "2026-12-06 19:49", "2026-13-40T00:00:00Z"])
def test_no_moment_from_what_is_no_time_or_has_no_zone(text: str) -> None:
    assert parse_moment(text) is None


def test_a_z_time_and_an_offset_are_read() -> None:
    assert parse_moment("2026-12-06T16:49:00Z") == datetime(2026, 12, 6, 16, 49, tzinfo=UTC)
    assert parse_moment(" 2026-12-06T19:49:00+03:00 ") == datetime(2026, 12, 6, 16, 49, tzinfo=UTC)
