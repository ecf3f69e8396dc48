"""``departments.yml``: which department answers which messages, and who reviews its answers.

Each filed message gets a ``department:``. The first department whose phrases the message has
answers it; else the first whose categories include the message's category; else the
``default`` one. A department names its responsible person, contacts, working hours (its
deadlines count in them) and its reviewers on the Git host as ``@handles`` (``@user`` or
``@org/team``, as in ``CODEOWNERS``): the inbox's issue mentions them next to its messages::

    default: general
    departments:
      roads:
        title: Отдел ЖКХ и дорожного хозяйства
        person: Иванов Иван Иванович
        contacts: "+7 86143 2-11-11, zhkh@akhtarsk.example"
        working_hours: {start: "08:00", end: "17:00", lunch: ["12:00", "13:00"]}
        reviewers: ["@ivanov", "@akhtarsk/zhkh"]
        categories: [roads, utilities]
        phrases: [ливнёвк, дорожн]
      general:
        title: Общий отдел
        reviewers: ["@press"]

Phrases are word beginnings in lower case, as the inbox's own keyword lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core.errors import ConfigError, Diagnostic
from publisher.core.i18n import _
from publisher.core.shapes import (
    ShapeError,
    known_keys,
    mapping,
    read_settings,
    sequence,
    settings_error,
    settings_problems,
)
from publisher.core.workcalendar import WorkCalendar, load_calendar

DEPARTMENTS_FILE = "departments.yml"
TOP_KEYS = ("default", "departments")
KEYS = ("title", "person", "contacts", "working_hours", "reviewers", "categories", "phrases")
#: a Git host user or team, as CODEOWNERS names them
_HANDLE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]{1,100})?")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")


@dataclass(frozen=True)
class Department:
    """One department: who answers, when, and who reviews its answers."""

    key: str
    title: str = ""
    person: str = ""
    contacts: str = ""
    reviewers: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    #: its own working hours, when they differ from the inbox's
    calendar: WorkCalendar | None = None

    @property
    def name(self) -> str:
        return self.title or self.key

    @property
    def mentions(self) -> str:
        return " ".join(self.reviewers)


@dataclass(frozen=True)
class Departments:
    """Every department in the file's order, and the one for everything else."""

    items: tuple[Department, ...] = ()
    default: str = ""
    by_key: Mapping[str, Department] = field(default_factory=dict)

    def route(self, text: str, category: str) -> Department | None:
        """The department that answers a message (None: the file names none for it)."""
        lowered = " ".join(text.lower().split())
        for department in self.items:
            if any(re.search(r"(?<!\w)" + re.escape(p), lowered) for p in department.phrases):
                return department
        for department in self.items:
            if category in department.categories:
                return department
        return self.by_key.get(self.default)


def load_departments(repo: Path) -> Departments:
    """``departments.yml`` (none: no departments); ConfigError at the line of a mistake."""
    path = repo / DEPARTMENTS_FILE
    if not path.exists():
        return Departments()
    text, data = read_settings(path, DEPARTMENTS_FILE)
    try:
        return _build(repo, data)
    except ShapeError as exc:
        raise settings_error(DEPARTMENTS_FILE, text, exc) from None
    except ConfigError as exc:  # working hours the calendar cannot read
        raise ConfigError(f"{DEPARTMENTS_FILE}: {exc.message}", exc.hint) from None


def department_problems(repo: Path) -> list[Diagnostic]:
    """For ``check``: the mistake that keeps ``departments.yml`` from being used."""
    return settings_problems(DEPARTMENTS_FILE, lambda: load_departments(repo))


def _build(repo: Path, data: Mapping[str, Any]) -> Departments:
    known_keys(data, TOP_KEYS)
    items = tuple(
        _department(repo, str(key), mapping(raw, "departments", str(key)))
        for key, raw in mapping(data.get("departments"), "departments").items()
    )
    by_key = {d.key: d for d in items}
    default = str(data.get("default") or "")
    if default and default not in by_key:
        raise ShapeError(
            _("There is no department '{name}'.", name=default),
            ("default",),
            _("Departments: {names}.", names=", ".join(by_key) or "—"),
        )
    return Departments(items, default, by_key)


def _department(repo: Path, key: str, raw: Mapping[str, Any]) -> Department:
    known_keys(raw, KEYS, "departments", key)
    if not _KEY.fullmatch(key):
        raise ShapeError(
            _("'{name}' cannot name a department.", name=key[:40]),
            ("departments", key),
            _("Use Latin lower-case letters, digits, - and _, like roads."),
        )
    hours = raw.get("working_hours")
    return Department(
        key=key,
        title=_text(raw, "title"),
        person=_text(raw, "person"),
        contacts=_text(raw, "contacts"),
        reviewers=tuple(_handle(v, key, i) for i, v in enumerate(_list(raw, key, "reviewers"))),
        categories=tuple(str(v) for v in _list(raw, key, "categories")),
        phrases=tuple(str(v).lower() for v in _list(raw, key, "phrases") if str(v).strip()),
        calendar=load_calendar(repo, dict(mapping(hours, "departments", key, "working_hours")))
        if hours is not None
        else None,
    )


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else " ".join(str(value).split())


def _list(raw: Mapping[str, Any], department: str, key: str) -> list[Any]:
    return sequence(raw.get(key), "departments", department, key)


def _handle(value: object, department: str, index: int) -> str:
    text = str(value).strip()
    if not _HANDLE.fullmatch(text):
        raise ShapeError(
            _("'{value}' is not a reviewer's @handle.", value=text[:60]),
            ("departments", department, "reviewers", str(index)),
            _("Write Git host users and teams as CODEOWNERS does: @ivanov, @akhtarsk/zhkh."),
        )
    return text
