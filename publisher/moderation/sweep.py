"""The moderation sweep: read new comments, decide, remove or hide, ban repeat offenders, log.

A cursor per network (``moderation/state.yml``) remembers when the last sweep ran and which
comments it already decided, so nothing is read twice or missed. Every action goes into the
moderation log (``moderation/log/YYYY-MM.yml``, read and written by ``moderation.log``). Both
files are machine-owned and committed together.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from publisher.core.capabilities import Capabilities
from publisher.core.errors import NetworkError, PublisherError
from publisher.core.i18n import _
from publisher.core.model import Comment, RemoteRef, ResultEntry
from publisher.core.redact import redact
from publisher.core.shapes import moment_of
from publisher.moderation.detector import Context, Decision, Detector
from publisher.moderation.log import (
    REMOVALS,
    LogEntry,
    append_log,
    read_log,
    write_machine_file,
)
from publisher.moderation.rules import Rules
from publisher.networks.base import Adapter

STATE_FILE = "moderation/state.yml"
EXCERPT = 80
#: comments are read again this long before the last sweep, in case a network is late to list
OVERLAP = timedelta(minutes=10)


@dataclass
class Outcome:
    """One comment the sweep acted on (or would, in a dry run)."""

    comment: Comment
    decision: Decision
    action: str
    done: bool = False
    error: str = ""
    ban_until: str = ""
    log_id: str = ""


@dataclass
class SweepReport:
    """What a sweep decided and did, and which networks it could not read."""

    outcomes: list[Outcome] = field(default_factory=list)
    read: int = 0
    failed_networks: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class ModerationBook:
    """The cursor and the log in the repository; written atomically."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.state: dict[str, Any] = _read_state(repo / STATE_FILE)
        self.new_entries: list[LogEntry] = []
        self.changed = False

    def since(self, network: str) -> datetime | None:
        raw = (self.state.get(network) or {}).get("last_sweep")
        return datetime.fromisoformat(raw) - OVERLAP if raw else None

    def seen(self, network: str) -> set[str]:
        return set((self.state.get(network) or {}).get("seen", []))

    def advance(self, network: str, now: datetime, seen: Iterable[str]) -> None:
        """Move the network's cursor when the sweep met new comments; a quiet sweep leaves it
        (and the file) as it was, so it commits nothing and reads the same window next time."""
        if set(seen) == self.seen(network):
            return
        self.state[network] = {
            "last_sweep": now.isoformat(timespec="seconds"),
            "seen": sorted(set(seen)),
        }
        self.changed = True

    def log(self, entry: LogEntry) -> str:
        """Add an entry to this run's log under its id, ``network-comment-action``."""
        logged = replace(entry, id=f"{entry.network}-{entry.comment}-{entry.action}")
        self.new_entries.append(logged)
        return logged.id

    def history(self, months: int = 3) -> list[LogEntry]:
        """Log entries of the last months, older first, including this run's."""
        return read_log(self.repo, months) + self.new_entries

    def save(self, now: datetime) -> list[str]:
        """Write the state and this run's log entries; return the files written."""
        written: list[str] = []
        if self.changed:
            write_machine_file(self.repo / STATE_FILE, self.state)
            written.append(STATE_FILE)
        if self.new_entries:
            written.append(append_log(self.repo, now, self.new_entries))
        return written


def removals_by(history: Sequence[LogEntry], network: str, author: str, since: datetime) -> int:
    """How many of an author's comments were removed on a network since a moment (an entry
    without a readable time does not count; one without an offset is in ``since``'s zone)."""
    return sum(
        1
        for entry in history
        if entry.network == network
        and entry.author_id == author
        and entry.action in REMOVALS
        and (at := moment_of(entry.at, since.tzinfo)) is not None
        and at >= since
    )


class Sweep:
    """One moderation pass over the recent posts of every network that has comments."""

    def __init__(
        self,
        rules: Rules,
        adapters: Mapping[str, Adapter],
        book: ModerationBook,
        now: datetime,
        dry_run: bool = False,
    ) -> None:
        self.rules = rules
        self.detector = Detector(rules)
        self.adapters = adapters
        self.book = book
        self.now = now
        self.dry_run = dry_run
        self.context = Context()

    def run(self, posts: Mapping[str, list[RemoteRef]]) -> SweepReport:
        report = SweepReport()
        for network, refs in posts.items():
            adapter = self.adapters.get(network)
            if adapter is None or not adapter.capabilities.comments:
                continue
            try:
                self._sweep_network(adapter, refs, report)
            except PublisherError as error:
                report.failed_networks[network] = redact(error.message)
        return report

    def _sweep_network(self, adapter: Adapter, refs: list[RemoteRef], report: SweepReport) -> None:
        since = self.book.since(adapter.name)
        seen = self.book.seen(adapter.name)
        for ref in refs:
            for comment in adapter.comments(ref, since):
                report.read += 1
                if comment.id in seen:
                    continue
                seen.add(comment.id)
                outcome = self._decide(adapter, comment)
                if outcome is not None:
                    report.outcomes.append(outcome)
        if not self.dry_run:
            self.book.advance(adapter.name, self.now, seen)

    def _decide(self, adapter: Adapter, comment: Comment) -> Outcome | None:
        if self.rules.allowed(comment.network, comment.author_id):
            return None
        self.context.post = comment.post_id  # repeated text counts per post
        decision = self.detector.classify(comment.text, comment.author_id, self.context)
        if decision.verdict == "keep":
            return None
        action = self._action(decision, adapter.capabilities)
        outcome = Outcome(comment, decision, action)
        if not self.dry_run:
            self._act(adapter, outcome)
        return outcome

    def _action(self, decision: Decision, caps: Capabilities) -> str:
        """The category's action, adjusted to what the network can do and the hour."""
        if decision.verdict == "review":
            return "review"
        category = decision.categories[0] if decision.categories else "custom"
        rule = self.rules.rule(category)
        action: str = rule.action
        quiet = self.rules.quiet_hours
        if (
            quiet
            and quiet.active(self.rules.local(self.now))
            and category not in quiet.still_remove
        ):
            return "review"
        if action == "hide" and not caps.hide_comment:
            action = rule.fallback
        if action == "delete" and not caps.delete_comment:
            action = "hide" if caps.hide_comment else "review"
        return action

    def _act(self, adapter: Adapter, outcome: Outcome) -> None:
        comment = outcome.comment
        ban = self._ban_due(adapter, outcome) if outcome.action != "review" else None
        try:
            if ban is not None and adapter.capabilities.ban_deletes_comment:
                adapter.ban(comment, ban[0])  # removes the comment too
                outcome.action = "delete"
            elif outcome.action == "delete":
                adapter.delete_comment(comment)
            elif outcome.action == "hide":
                adapter.hide_comment(comment)
            outcome.done = True
        except NetworkError as error:
            outcome.error = redact(error.message)
            return
        past = {"delete": "deleted", "hide": "hidden", "review": "review"}[outcome.action]
        outcome.log_id = self.book.log(self._entry(comment, outcome.decision, past))
        if ban is not None:
            self._ban(adapter, outcome, *ban)

    def _ban_due(self, adapter: Adapter, outcome: Outcome) -> tuple[datetime | None, int] | None:
        """(until, removals) when this removal reaches a step of the blacklist policy."""
        comment = outcome.comment
        caps = adapter.capabilities
        window = self.rules.local(self.now) - timedelta(days=self.rules.window_days)
        count = removals_by(self.book.history(), comment.network, comment.author_id, window) + 1
        days = self.rules.ban_days(count)
        if days is None or not caps.ban or (days and caps.max_ban_days == 0):
            return None  # no step reached, no bans here, or only for good while this is temporary
        until = self.now + timedelta(days=min(days, caps.max_ban_days)) if days else None
        return until, count

    def _ban(self, adapter: Adapter, outcome: Outcome, until: datetime | None, count: int) -> None:
        comment = outcome.comment
        if not adapter.capabilities.ban_deletes_comment:
            try:
                adapter.ban(comment, until)
            except NetworkError as error:
                outcome.error = redact(error.message)
                return
        outcome.ban_until = until.isoformat(timespec="seconds") if until else "forever"
        entry = self._entry(comment, outcome.decision, "banned")
        self.book.log(replace(entry, ban_until=outcome.ban_until, removals=count))

    def _entry(self, comment: Comment, decision: Decision, action: str) -> LogEntry:
        text = " ".join(comment.text.split())
        return LogEntry(
            network=comment.network,
            comment=comment.id,
            post=comment.post_id,
            link=comment.url,
            author_id=comment.author_id,
            author_name=comment.author_name,
            excerpt=text[:EXCERPT] + ("…" if len(text) > EXCERPT else ""),
            category=",".join(decision.categories),
            rule=decision.rule,
            action=action,
            at=self.now.replace(microsecond=0),
        )


def recent_posts(
    result_entries: Mapping[str, Mapping[str, ResultEntry]], now: datetime, days: int
) -> dict[str, list[RemoteRef]]:
    """Published posts of the last ``days`` days, by network, from the result files."""
    cutoff = now - timedelta(days=days)
    posts: dict[str, list[RemoteRef]] = {}
    for entries in result_entries.values():
        for network, entry in entries.items():
            if entry.state != "published" or entry.operation == "profile" or not entry.remote_id:
                continue
            published = datetime.fromisoformat(entry.published_at) if entry.published_at else now
            if published >= cutoff:
                posts.setdefault(network, []).append(entry.ref())
    return posts


def _read_state(path: Path) -> dict[str, Any]:
    """The cursor: a mapping of network to its last sweep and the comments it decided."""
    if not path.exists():
        return {}
    with contextlib.suppress(yaml.YAMLError, UnicodeDecodeError):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data is None or isinstance(data, dict):
            return data or {}
    raise PublisherError(
        _("{file} cannot be read.", file=path.name),
        _("Restore it from Git history; publisher writes it."),
    )
