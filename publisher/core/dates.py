"""Moments as a reader says them: "6 декабря в 19:49", in the configured zone.

The site's statuses and the sandbox's feeds show times this way (the networks do too); tables
keep the compact ``06.12.2026 19:49``. The year is added only when it is not the reference
moment's year, as the networks do.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from publisher.core.i18n import N_, _

#: a day of each month, in the genitive where the language needs it
DAY_OF_MONTH = (
    N_("{day} January"),
    N_("{day} February"),
    N_("{day} March"),
    N_("{day} April"),
    N_("{day} May"),
    N_("{day} June"),
    N_("{day} July"),
    N_("{day} August"),
    N_("{day} September"),
    N_("{day} October"),
    N_("{day} November"),
    N_("{day} December"),
)


def spoken_day(moment: datetime, zone: tzinfo, reference: datetime | None = None) -> str:
    """``6 декабря`` (``6 декабря 2025`` in another year than ``reference``'s)."""
    local = moment.astimezone(zone)
    day = _(DAY_OF_MONTH[local.month - 1], day=local.day)
    if reference is not None and reference.astimezone(zone).year != local.year:
        return _("{day} {year}", day=day, year=local.year)
    return day


def spoken_time(moment: datetime, zone: tzinfo, reference: datetime | None = None) -> str:
    """``6 декабря в 19:49``: the day and the local time of ``moment``."""
    local = moment.astimezone(zone)
    day = spoken_day(moment, zone, reference)
    return _("{day} at {time}", day=day, time=local.strftime("%H:%M"))


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 time as the emulators and result files write it (``Z`` or an offset); None
    when empty, unreadable or without an offset (its zone would be a guess)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
