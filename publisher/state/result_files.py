"""Machine-owned result files: what was published where, recorded the moment it happened.

Each post has a sidecar (``<post>.published.yml``, or ``published.yml`` inside a bundle) that only
publisher writes, so no line a person wrote is ever touched. Every write replaces the whole file
atomically (temporary file + rename): a crash leaves the old record or the new one, never half.
An ``intent`` entry is written before a post is sent; a result replaces it the moment the network
answers, so a re-run after a crash knows which posts may already exist.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from publisher.core import quick_yaml
from publisher.core.errors import Diagnostic, Severity
from publisher.core.i18n import _
from publisher.core.model import ResultEntry
from publisher.state.atomic import write_atomic

HEADER = (
    "# Этот файл ведёт publisher: здесь записано, где опубликован пост. Не редактируйте его.\n"
    "# Machine-owned: written by publisher apply. Do not edit by hand.\n"
)
_FIELD_NAMES = {f.name for f in fields(ResultEntry)}
#: what reading a damaged result file raises
RESULT_FILE_ERRORS = (yaml.YAMLError, AttributeError, TypeError, ValueError, OSError)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TUPLE_FIELDS = ("parts", "approved_by")


class ResultFiles:
    """Reads and writes the result files of one repository; safe across threads.

    ``aliases`` (network -> its default account) files an entry written before accounts were
    named under the account it is about, so it is found, updated and rewritten under that
    account (see ``with_aliases``)."""

    def __init__(self, repo: Path, aliases: Mapping[str, str] | None = None) -> None:
        self.repo = repo
        self.aliases: Mapping[str, str] = aliases or {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.written: set[str] = set()

    def _lock(self, rel: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(rel, threading.Lock())

    def read(self, rel: str) -> dict[str, ResultEntry]:
        """Entries of one result file by account; an absent file has none."""
        path = self.repo / rel
        if not path.exists():
            return {}
        return with_aliases(parse_entries(path.read_text(encoding="utf-8")), self.aliases)

    def post_of(self, rel: str) -> str:
        """The id of the post a result file was written for ("" if it cannot be read)."""
        try:
            data = yaml.load((self.repo / rel).read_text(encoding="utf-8"), Loader=_LOADER)
        except RESULT_FILE_ERRORS:
            return ""
        return str(data.get("post") or "") if isinstance(data, dict) else ""

    def move(self, old: str, new: str) -> None:
        """Carry a moved post's result file to its new place (once; it is never overwritten)."""
        source, target = self.repo / old, self.repo / new
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            self.written.update((old, new))

    def record(self, rel: str, post_id: str, entry: ResultEntry) -> None:
        """Replace one account's entry in a result file, atomically."""
        with self._lock(rel):
            entries = self.read(rel)
            entries[entry.account_key] = entry
            self._write(rel, post_id, entries)
            self.written.add(rel)

    def _write(self, rel: str, post_id: str, entries: Mapping[str, ResultEntry]) -> None:
        document = {
            "post": post_id,
            "networks": {name: entry_to_dict(entries[name], name) for name in sorted(entries)},
        }
        text = HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
        write_atomic(self.repo / rel, text, prefix=".published.")


class EmptyResultFile(ValueError):
    """A result file with nothing in it: publisher never writes one, so it was damaged."""


@dataclass(frozen=True)
class ResultFile:
    """A result file as read: the id of the post it was written for, and its entries."""

    post: str
    entries: dict[str, ResultEntry]


def parse_entries(text: str) -> dict[str, ResultEntry]:
    """A result file's entries by network (``RESULT_FILE_ERRORS`` if someone broke or emptied it:
    such a file must hold its post back, not read as "never published")."""
    return parse_result_file(text).entries


def parse_result_file(text: str) -> ResultFile:
    """A result file's post and entries by account (``RESULT_FILE_ERRORS`` as
    ``parse_entries``).

    The file lists entries under ``networks:``, each keyed by the account it is about (the
    account's name is its file name: ``vk`` for ``accounts/vk.md``), with ``network:`` written
    where the key is not the network's name. Files written when a repository could have one
    account per network key each entry by its network and name the account inside it: they
    read the same way.
    """
    data = quick_yaml.read(text)
    if data is None:
        data = yaml.load(text, Loader=_LOADER)
    if data is None:
        raise EmptyResultFile(text)
    networks = data.get("networks")
    if not isinstance(networks, dict):
        raise ValueError(networks)
    found = (entry_from_dict(str(name), raw) for name, raw in networks.items())
    return ResultFile(str(data.get("post") or ""), {entry.account_key: entry for entry in found})


def with_aliases(
    entries: dict[str, ResultEntry], aliases: Mapping[str, str]
) -> dict[str, ResultEntry]:
    """``entries`` with an old entry keyed by a network and naming no account put under the
    account that network's posts go to now (``aliases``: network -> account). An entry the
    account has under its own name wins: it was written later."""
    if not aliases:
        return entries
    renamed = dict(entries)
    for key, entry in entries.items():
        account = aliases.get(key, key)
        if entry.account or key != entry.network or account == key:
            continue
        del renamed[key]
        renamed.setdefault(account, entry)
    return renamed


def entry_to_dict(entry: ResultEntry, key: str = "") -> dict[str, Any]:
    """An entry as YAML-friendly data, leaving out empty fields (and the network where the
    entry's ``key`` names it)."""
    raw = asdict(entry)
    if raw["network"] == (key or entry.network):
        raw.pop("network")
    result: dict[str, Any] = {}
    for name, value in raw.items():
        if value in ("", (), [], {}, None):
            continue
        result[name] = list(value) if isinstance(value, tuple) else value
    return result


def entry_from_dict(key: str, raw: Mapping[str, Any]) -> ResultEntry:
    """The entry written under ``key`` (its account, or in older files its network), from its
    fields as read: lists as tuples of text, scalars as text (but ``extra``, kept as it is),
    unknown fields left out. Built in one pass over the fields: a plan reads 20,000 of them."""
    given = dict(raw)
    network = str(given.pop("network", "") or key)
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in _FIELD_NAMES:
            continue
        if name in _TUPLE_FIELDS:
            values[name] = tuple(str(v) for v in value or ())
        else:
            values[name] = str(value) if name != "extra" and value is not None else value
    values.setdefault("state", "failed")
    return ResultEntry(network=network, **values)


def result_file_problem(rel: str, error: Exception) -> Diagnostic:
    """A result file that cannot be read (someone edited it by hand); its post is held back."""
    mark = getattr(error, "problem_mark", None)
    if isinstance(error, EmptyResultFile):
        message = _("The result file is empty; its post is not published again until it is fixed.")
    else:
        message = _(
            "The result file cannot be read ({error}); its post is not published again until "
            "it is fixed.",
            error=type(error).__name__,
        )
    return Diagnostic(
        rel,
        mark.line + 1 if mark is not None else 1,
        Severity.ERROR,
        message,
        _("Restore it from Git history (git checkout -- {file}).", file=rel),
        "result-file",
    )
