"""Typed reads of YAML values: times as YAML gives them, and the line of a value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from publisher.core.shapes import line_of, moment_of

MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2026-12-01T10:00:00+00:00", None, datetime(2026, 12, 1, 10, tzinfo=UTC)),
        (datetime(2026, 12, 1, 10, tzinfo=UTC), MSK, datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01T10:00", None, datetime(2026, 12, 1, 10)),
        ("2026-12-01T10:00", MSK, datetime(2026, 12, 1, 10, tzinfo=MSK)),
        (datetime(2026, 12, 1, 10), MSK, datetime(2026, 12, 1, 10, tzinfo=MSK)),
        ("завтра", MSK, None),
        ("", MSK, None),
        (None, MSK, None),
        (date(2026, 12, 1), MSK, None),  # a bare date is not a moment
        (20261201, MSK, None),
    ],
)
def test_moment_of_reads_a_time_as_yaml_gives_it(
    value: object, zone: ZoneInfo | None, expected: datetime | None
) -> None:
    found = moment_of(value, zone)
    assert found == expected
    assert found is None or (found.tzinfo is None) == (expected is None or expected.tzinfo is None)


LOG = "- network: vk\n  action: deleted\n- network: ok\n  author_id:\n    - 1\n"


@pytest.mark.parametrize(
    ("keys", "line"),
    [((0,), 1), ((1,), 3), ((1, "author_id"), 4), ((1, "missing"), 3), ((5,), 1), (("x",), 1)],
)
def test_line_of_follows_list_indexes_and_names(keys: tuple[str | int, ...], line: int) -> None:
    assert line_of(LOG, *keys) == line
