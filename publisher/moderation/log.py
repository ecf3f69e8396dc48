"""The moderation log: one YAML file a month (``moderation/log/YYYY-MM.yml``), a list of entries.

This module is the log's only reader and writer. An entry records one action on a comment:
network and account, link, author id and name, a short excerpt, category, rule, action and time
(and, for a ban, until when and after how many removals; for a person's decision on a comment
sent for review, who approved it). Entries written before a network
could have several accounts name none: they are about the network's default account. The
file is machine-owned, but it is a file in the repository all the same: a damaged one is
reported with its name and line, never a traceback. Keys publisher does not know are kept on
disk when a month's file is appended to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from publisher.core.errors import PublisherError
from publisher.core.i18n import _
from publisher.core.shapes import line_of, moment_of
from publisher.state.atomic import write_atomic

LOG_DIR = "moderation/log"
HEADER = "# Ведёт publisher: журнал модерации. Не редактируйте вручную.\n"
#: actions that took a comment away from readers
REMOVALS = ("deleted", "hidden")


@dataclass(frozen=True)
class LogEntry:
    """One action of the moderation sweep (or of ``moderate restore``), as the log keeps it."""

    network: str
    comment: str
    action: str
    #: when it was done; naive when a hand-written file gives no offset, None when unreadable
    at: datetime | None
    post: str = ""
    link: str = ""
    author_id: str = ""
    author_name: str = ""
    excerpt: str = ""
    #: every category the detector found, comma-separated, the deciding one first
    category: str = ""
    rule: str = ""
    #: a ban's end (ISO time) or ``forever``; empty unless the action is a ban
    ban_until: str = ""
    #: the author's removals in the policy window that led to a ban
    removals: int | None = None
    #: ``account-comment-action``, what ``moderate restore`` is given; empty in hand-written logs
    id: str = ""
    #: the account (its file name) acted on; empty in entries written before accounts were named
    account: str = ""
    #: who approved the person's decision this entry carries out (``moderation/review/``)
    approved_by: str = ""

    @property
    def account_key(self) -> str:
        """The account the entry is about (an entry naming none: its network's name)."""
        return self.account or self.network

    @property
    def main_category(self) -> str:
        """The category that decided the action (the first one listed), ``other`` if none."""
        return self.category.split(",")[0].strip() or "other"

    def to_yaml(self) -> dict[str, Any]:
        """The entry as the file holds it: these keys, in this order."""
        data: dict[str, Any] = {"network": self.network}
        if self.account:
            data["account"] = self.account
        data |= {
            "comment": self.comment,
            "post": self.post,
            "link": self.link,
            "author_id": self.author_id,
            "author_name": self.author_name,
            "excerpt": self.excerpt,
            "category": self.category,
            "rule": self.rule,
            "action": self.action,
            "at": self.at.isoformat(timespec="seconds") if self.at else "",
        }
        if self.ban_until:
            data["ban_until"] = self.ban_until
        if self.removals is not None:
            data["removals"] = self.removals
        if self.approved_by:
            data["approved_by"] = self.approved_by
        data["id"] = self.id
        return data


def read_log(
    repo: Path,
    months: int | None = None,
    skip_damaged: bool = False,
    defaults: Mapping[str, str] | None = None,
) -> list[LogEntry]:
    """Entries of the last ``months`` monthly files (all when None), older first.

    A damaged file raises a located ``PublisherError``; with ``skip_damaged`` (the reports,
    which show what can be read) it is left out instead. ``defaults`` (network -> the name of
    its default account) names the account of the entries written before accounts were.
    """
    folder = repo / LOG_DIR
    paths = sorted(folder.glob("*.yml")) if folder.is_dir() else []
    entries: list[LogEntry] = []
    for path in paths[-months:] if months else paths:
        try:
            entries.extend(_entry(raw) for raw in _raw_entries(repo, path))
        except PublisherError:
            if not skip_damaged:
                raise
    if not defaults:
        return entries
    return [
        e if e.account or e.network not in defaults else replace(e, account=defaults[e.network])
        for e in entries
    ]


def append_log(repo: Path, now: datetime, entries: Iterable[LogEntry]) -> str:
    """Add entries to the month's file (its other entries stay as they are); return its path."""
    rel = f"{LOG_DIR}/{now:%Y-%m}.yml"
    path = repo / rel
    existing = _raw_entries(repo, path) if path.exists() else []
    write_machine_file(path, existing + [entry.to_yaml() for entry in entries])
    return rel


def removed_comments(entries: Iterable[LogEntry]) -> set[str]:
    """``account:comment`` of the comments moderation removed or hid."""
    return {f"{e.account_key}:{e.comment}" for e in entries if e.action in REMOVALS}


def write_machine_file(path: Path, data: Any) -> None:
    """A machine-owned moderation file (the log or the cursor), written atomically."""
    text = HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    write_atomic(path, text)


def _raw_entries(repo: Path, path: Path) -> list[dict[str, Any]]:
    """A log file's entries as YAML gives them, once every entry is known to be readable."""
    rel = path.relative_to(repo).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError):
        raise _damaged(rel, 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PublisherError(
            _(
                "{file}:{line}: the YAML cannot be read.",
                file=rel,
                line=mark.line + 1 if mark else 1,
            ),
            _("Restore it from Git history; publisher writes it."),
        ) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise _damaged(rel, 1)
    for index, raw in enumerate(data):
        broken = _broken_at(raw)
        if broken is not None:
            raise _damaged(rel, line_of(text, index, *broken))
    return data


def _broken_at(raw: object) -> tuple[str, ...] | None:
    """Where an entry cannot be read: () when it is not a mapping, (key,) when the key's value
    is a list or a mapping; None when it is readable."""
    if not isinstance(raw, dict):
        return ()
    return next(((str(k),) for k, v in raw.items() if isinstance(v, list | dict)), None)


def _damaged(rel: str, line: int) -> PublisherError:
    return PublisherError(
        _("{file}:{line}: publisher cannot read this line.", file=rel, line=line),
        _("Restore it from Git history; publisher writes it."),
    )


def _entry(raw: Mapping[str, Any]) -> LogEntry:
    removals = raw.get("removals")
    return LogEntry(
        network=_text(raw, "network"),
        comment=_text(raw, "comment"),
        action=_text(raw, "action"),
        at=moment_of(raw.get("at")),
        post=_text(raw, "post"),
        link=_text(raw, "link"),
        author_id=_text(raw, "author_id"),
        author_name=_text(raw, "author_name"),
        excerpt=_text(raw, "excerpt"),
        category=_text(raw, "category"),
        rule=_text(raw, "rule"),
        ban_until=_text(raw, "ban_until"),
        removals=removals if isinstance(removals, int) else None,
        id=_text(raw, "id"),
        account=_text(raw, "account"),
        approved_by=_text(raw, "approved_by"),
    )


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value)
