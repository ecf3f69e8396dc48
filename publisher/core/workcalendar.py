"""Working time: deadlines counted in working hours or days on the Russian production calendar.

Regional incident-management practice sets answer deadlines in working hours (for example, a
first answer within 8 working hours, 4 for urgent messages), so a message received on Friday
evening is due on Monday. The calendar (holidays, working weekends, shortened pre-holiday days)
is data: ``publisher/data/calendar_ru.yml``, overridden by ``calendar.yml`` in the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from publisher.core.errors import ConfigError
from publisher.core.i18n import _
from publisher.core.resources import DATA_DIR
from publisher.core.shapes import ShapeError, line_of, mapping, sequence

PACKAGE_CALENDAR = DATA_DIR / "calendar_ru.yml"
REPO_CALENDAR = "calendar.yml"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|d)\s*$")


@dataclass(frozen=True)
class WorkCalendar:
    """The office's working day and the production calendar's exceptions."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    lunch: tuple[time, time] | None = (time(13, 0), time(14, 0))
    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    shortened: frozenset[date] = frozenset()
    provisional_years: frozenset[int] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of one day (before and after lunch), in local time."""
        if not self.is_working_day(day):
            return []
        end = datetime.combine(day, self.end)
        if day in self.shortened:
            end -= timedelta(hours=1)
        start = datetime.combine(day, self.start)
        if self.lunch is None:
            return [(start, end)]
        lunch_start = datetime.combine(day, self.lunch[0])
        lunch_end = datetime.combine(day, self.lunch[1])
        return [(start, min(lunch_start, end)), (lunch_end, end)]

    def add_hours(self, moment: datetime, hours: float) -> datetime:
        """``moment`` plus ``hours`` of working time (``moment`` is aware, local zone)."""
        remaining = timedelta(hours=hours)
        zone = moment.tzinfo
        local = moment.replace(tzinfo=None)
        day = local.date()
        for _step in range(3660):  # ten years of days at most
            for begin, finish in self.periods(day):
                begin = max(begin, local)
                if begin >= finish:
                    continue
                if begin + remaining <= finish:
                    return (begin + remaining).replace(tzinfo=zone)
                remaining -= finish - begin
            day += timedelta(days=1)
            local = datetime.combine(day, time(0, 0))
        raise ConfigError(_("The working calendar has no working days ahead."))

    def add_days(self, moment: datetime, days: int) -> datetime:
        """End of the ``days``-th working day after the one ``moment`` falls on."""
        day = moment.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.is_working_day(day)
        end = datetime.combine(day, self.end) - (
            timedelta(hours=1) if day in self.shortened else timedelta()
        )
        return end.replace(tzinfo=moment.tzinfo)

    def add(self, moment: datetime, duration: str) -> datetime:
        """Add a duration written like ``8h`` (working hours) or ``3d`` (working days)."""
        match = _DURATION.match(duration)
        if not match:
            raise ConfigError(
                _("Cannot read the deadline '{value}'.", value=duration),
                _("Write working hours like 8h or working days like 3d."),
            )
        amount, unit = float(match.group(1)), match.group(2)
        return self.add_hours(moment, amount) if unit == "h" else self.add_days(moment, int(amount))

    def working_hours_between(self, start: datetime, finish: datetime) -> float:
        """Working hours from ``start`` to ``finish`` (negative when finish is earlier)."""
        if finish < start:
            return -self.working_hours_between(finish, start)
        total = timedelta()
        zone = start.tzinfo
        day = start.date()
        while day <= finish.date():
            for begin, end in self.periods(day):
                lo = max(begin.replace(tzinfo=zone), start)
                hi = min(end.replace(tzinfo=zone), finish)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600


def load_calendar(repo: Path | None, hours: dict[str, Any] | None = None) -> WorkCalendar:
    """The package calendar, the repository's ``calendar.yml`` on top, the office's hours."""
    years = dict(_read(PACKAGE_CALENDAR))
    if repo is not None and (repo / REPO_CALENDAR).exists():
        years.update(_read(repo / REPO_CALENDAR))
    holidays, weekends, shortened, provisional = set(), set(), set(), set()
    for year, data in years.items():
        holidays.update(_dates(data.get("holidays")))
        weekends.update(_dates(data.get("working_weekends")))
        shortened.update(_dates(data.get("shortened")))
        if data.get("provisional"):
            provisional.add(int(year))
    hours = hours or {}
    lunch = hours.get("lunch", ["13:00", "14:00"])
    return WorkCalendar(
        start=time.fromisoformat(str(hours.get("start", "09:00"))),
        end=time.fromisoformat(str(hours.get("end", "18:00"))),
        lunch=(time.fromisoformat(str(lunch[0])), time.fromisoformat(str(lunch[1])))
        if lunch
        else None,
        holidays=frozenset(holidays),
        working_weekends=frozenset(weekends),
        shortened=frozenset(shortened),
        provisional_years=frozenset(provisional),
    )


def _read(path: Path) -> dict[Any, Any]:
    """A calendar file's years, each with its lists of days."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise ConfigError(_("{file} cannot be read.", file=path.name)) from None
    if not isinstance(data, dict):
        raise ConfigError(_("{file} must list settings as lines like name: value.", file=path.name))
    try:
        return {year: _year(days, str(year)) for year, days in data.items()}
    except ShapeError as exc:
        raise ConfigError(
            _("{file}:{line}: {error}", file=path.name, line=line_of(text, *exc.keys), error=exc),
            exc.hint,
        ) from None


def _year(days: object, year: str) -> dict[str, Any]:
    entry = dict(mapping(days, year))
    for key in ("holidays", "working_weekends", "shortened"):
        entry[key] = sequence(entry.get(key), year, key)
    return entry


def _dates(values: Any) -> set[date]:
    return {v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values or ()}
