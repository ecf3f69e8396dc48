"""The moderation sweep: read new comments, decide, remove or hide, ban repeat offenders, log.

The sweep goes over every account (not every network: a network may have several), with the
account's adapter and rules (``rules.account_rules``). A cursor per account
(``moderation/state.yml``) remembers when the last sweep ran and which comments it already
decided, so nothing is read twice or missed. Every action goes into the moderation log
(``moderation/log/YYYY-MM.yml``, read and written by ``moderation.log``) under its account. Both
files are machine-owned and committed together; files written when they were kept per network
read as about each network's default account.

A comment judged ``review`` is filed for a person (``moderation.review``); a merged decision in
its file is carried out by the next sweep (``carry_out``), logged with who approved it, and its
outcome written into the file. Nothing is removed on a doubtful verdict without that decision.

Each account keeps its own blacklist: an author's removals are counted on it and bans placed on
it, unless ``blacklist: {shared: [vk]}`` has every account of the network keep one (the
removals count together and a ban bans on each).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from publisher.core.capabilities import Capabilities
from publisher.core.errors import Diagnostic, NetworkError, PublisherError
from publisher.core.i18n import _
from publisher.core.model import Account, Comment, RemoteRef, ResultEntry, by_account
from publisher.core.progress import Watch
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
from publisher.moderation.review import (
    Review,
    record_outcome,
    render_review,
    review_path,
    write_review,
)
from publisher.moderation.rules import Rules
from publisher.networks.base import Adapter

STATE_FILE = "moderation/state.yml"
EXCERPT = 80
#: comments are read again this long before the last sweep, in case a network is late to list
OVERLAP = timedelta(minutes=10)
#: what a comment's ``extra`` says about its author rather than where it was written (a
#: Telegram channel commenting as itself): kept when the author is banned on another account
AUTHOR_EXTRA = ("sender_chat_id",)


@dataclass
class Outcome:
    """One comment the sweep acted on (or would, in a dry run), on one account."""

    comment: Comment
    decision: Decision
    action: str
    account: str = ""
    done: bool = False
    error: str = ""
    ban_until: str = ""
    log_id: str = ""
    #: the other accounts the author was banned on too (a shared blacklist)
    banned_elsewhere: list[str] = field(default_factory=list)
    #: what would be done without a person (for ``review``: what the file proposes)
    proposed: str = ""
    #: who approved the person's decision this outcome carries out
    approved_by: str = ""
    #: the account as a person reads it ("ВКонтакте · Братское …"; see ``core.names``)
    where: str = ""


@dataclass
class SweepReport:
    """What a sweep decided and did, and which accounts it could not read (and why)."""

    outcomes: list[Outcome] = field(default_factory=list)
    read: int = 0
    failed_accounts: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: the people's decisions carried out (or tried) in this run
    decisions: list[Outcome] = field(default_factory=list)
    #: the review files whose decision cannot be carried out, and why
    problems: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Decided:
    """A person's decision on a filed comment, ready to carry out: the file, the log entry of
    the comment's sending for review (the author's id is kept there only), and who approved
    the decision."""

    review: Review
    entry: LogEntry
    approved_by: str


@dataclass(frozen=True)
class Moderated:
    """One account as the sweep sees it: its adapter, its rules, and the accounts that keep
    one blacklist with it (itself among them)."""

    adapter: Adapter
    rules: Rules
    blacklist: frozenset[str]


def blacklist_of(account: Account, accounts: Iterable[Account], rules: Rules) -> frozenset[str]:
    """The accounts whose blacklist ``account`` keeps: every account of its network when the
    rules share the network's blacklist, else itself alone."""
    if account.network not in rules.shared_blacklist:
        return frozenset({account.name})
    return frozenset(a.name for a in accounts if a.network == account.network) | {account.name}


class ModerationBook:
    """The cursors and the log in the repository; written atomically.

    ``defaults`` (network -> the name of its default account) says which account the cursors
    and log entries written per network are about.
    """

    def __init__(self, repo: Path, defaults: Mapping[str, str] | None = None) -> None:
        self.repo = repo
        self.defaults = dict(defaults or {})
        self.state: dict[str, Any] = by_account(_read_state(repo / STATE_FILE), self.defaults)
        self.new_entries: list[LogEntry] = []
        self.changed = False
        #: review files written this run (new ones and decided ones)
        self.reviews: list[str] = []

    def since(self, account: str) -> datetime | None:
        raw = (self.state.get(account) or {}).get("last_sweep")
        return datetime.fromisoformat(raw) - OVERLAP if raw else None

    def seen(self, account: str) -> set[str]:
        return set((self.state.get(account) or {}).get("seen", []))

    def advance(self, account: str, now: datetime, seen: Iterable[str]) -> None:
        """Move the account's cursor when the sweep met new comments; a quiet sweep leaves it
        (and the file) as it was, so it commits nothing and reads the same window next time."""
        if set(seen) == self.seen(account):
            return
        self.state[account] = {
            "last_sweep": now.isoformat(timespec="seconds"),
            "seen": sorted(set(seen)),
        }
        self.changed = True

    def log(self, entry: LogEntry) -> str:
        """Add an entry to this run's log under its id, ``account-comment-action``."""
        logged = replace(entry, id=f"{entry.account_key}-{entry.comment}-{entry.action}")
        self.new_entries.append(logged)
        return logged.id

    def file_review(self, rel: str, text: str) -> None:
        """File a comment for a person, once."""
        if write_review(self.repo, rel, text):
            self.reviews.append(rel)

    def decided(self, review: Review, outcome: str, approved_by: str, now: datetime) -> None:
        """Write a carried-out decision's outcome into its file."""
        record_outcome(self.repo, review.path, outcome, approved_by, now)
        self.reviews.append(review.path)

    def history(self, months: int = 3) -> list[LogEntry]:
        """Log entries of the last months, older first, including this run's."""
        return read_log(self.repo, months, defaults=self.defaults) + self.new_entries

    def save(self, now: datetime) -> list[str]:
        """Write the state and this run's log entries; return the files written."""
        written: list[str] = []
        if self.changed:
            write_machine_file(self.repo / STATE_FILE, self.state)
            written.append(STATE_FILE)
        if self.new_entries:
            written.append(append_log(self.repo, now, self.new_entries))
        return written + sorted(set(self.reviews))


def removals_by(
    history: Sequence[LogEntry], accounts: Collection[str], author: str, since: datetime
) -> int:
    """How many of an author's comments were removed on the accounts since a moment (an entry
    without a readable time does not count; one without an offset is in ``since``'s zone)."""
    return sum(
        1
        for entry in history
        if entry.account_key in accounts
        and entry.author_id == author
        and entry.action in REMOVALS
        and (at := moment_of(entry.at, since.tzinfo)) is not None
        and at >= since
    )


class Sweep:
    """One moderation pass over the recent posts of every account that has comments."""

    def __init__(
        self,
        accounts: Mapping[str, Moderated],
        book: ModerationBook,
        now: datetime,
        dry_run: bool = False,
        watch: Watch[Outcome] | None = None,
        titles: Mapping[str, str] | None = None,
    ) -> None:
        self.accounts = accounts
        #: each account's name as a person reads it, by account name
        self.titles: Mapping[str, str] = titles or {}
        #: told of each post read and each decision as it is taken
        self.watch: Watch[Outcome] = watch or Watch()
        self.detectors = {name: Detector(account.rules) for name, account in accounts.items()}
        self.book = book
        self.now = now
        self.dry_run = dry_run
        self.context = Context()

    def run(self, posts: Mapping[str, list[RemoteRef]]) -> SweepReport:
        """Sweep the recent posts of each account (by account name)."""
        report = SweepReport()
        swept = {name: refs for name, refs in posts.items() if self._sweeps(name)}
        self.watch.begin(sum(len(refs) for refs in swept.values()))
        for name, refs in swept.items():
            account = self.accounts[name]
            try:
                self._sweep_account(name, account, refs, report)
            except PublisherError as error:
                report.failed_accounts[name] = redact(error.message)
        return report

    def _sweeps(self, name: str) -> bool:
        """Whether the account is swept: it can be read, and its network has comments."""
        account = self.accounts.get(name)
        return account is not None and account.adapter.capabilities.comments

    def _sweep_account(
        self, name: str, account: Moderated, refs: list[RemoteRef], report: SweepReport
    ) -> None:
        since = self.book.since(name)
        seen = self.book.seen(name)
        for ref in refs:
            for comment in account.adapter.comments(ref, since):
                report.read += 1
                if comment.id in seen:
                    continue
                seen.add(comment.id)
                outcome = self._decide(name, account, comment)
                if outcome is not None:
                    report.outcomes.append(outcome)
                    self.watch.item(outcome)
            self.watch.advance()
        if not self.dry_run:
            self.book.advance(name, self.now, seen)

    def _decide(self, name: str, account: Moderated, comment: Comment) -> Outcome | None:
        rules = account.rules
        if rules.allowed(comment.network, name, comment.author_id):
            return None
        self.context.post = f"{name}/{comment.post_id}"  # repeated text counts per post
        decision = self.detectors[name].classify(comment.text, comment.author_id, self.context)
        if decision.verdict == "keep":
            return None
        caps = account.adapter.capabilities
        action, proposed = (
            self._action(decision, caps, rules),
            self._proposed(decision, caps, rules),
        )
        where = self.titles.get(name, name)
        outcome = Outcome(comment, decision, action, name, proposed=proposed, where=where)
        if not self.dry_run:
            self._act(account, outcome)
        return outcome

    def _action(self, decision: Decision, caps: Capabilities, rules: Rules) -> str:
        """The category's action, adjusted to what the network can do and the hour: a doubtful
        verdict, or a removal quiet hours hold back, goes to a person."""
        if decision.verdict == "review":
            return "review"
        category = decision.categories[0] if decision.categories else "custom"
        quiet = rules.quiet_hours
        if quiet and quiet.active(rules.local(self.now)) and category not in quiet.still_remove:
            return "review"
        return self._planned(decision, caps, rules)

    @staticmethod
    def _planned(decision: Decision, caps: Capabilities, rules: Rules) -> str:
        """The category's action as the network can carry it out."""
        category = decision.categories[0] if decision.categories else "custom"
        rule = rules.rule(category)
        action: str = rule.action
        if action == "hide" and not caps.hide_comment:
            action = rule.fallback
        if action == "delete" and not caps.delete_comment:
            action = "hide" if caps.hide_comment else "review"
        return action

    @classmethod
    def _proposed(cls, decision: Decision, caps: Capabilities, rules: Rules) -> str:
        """What a person is asked to approve: the category's action, or taking the comment
        down where the category itself is left to a person (``action: review``)."""
        planned = cls._planned(decision, caps, rules)
        if planned == "review" and caps.delete_comment:
            return "delete"
        return "hide" if planned == "review" and caps.hide_comment else planned

    def _act(self, account: Moderated, outcome: Outcome) -> None:
        comment, adapter = outcome.comment, account.adapter
        ban = self._ban_due(account, outcome) if outcome.action != "review" else None
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
        outcome.log_id = self.book.log(self._entry(outcome, outcome.account, past))
        if outcome.action == "review":
            rule, proposed = outcome.decision.rule, outcome.proposed
            text = render_review(comment, outcome.account, rule, proposed, self.now)
            self.book.file_review(review_path(outcome.account, comment.id), text)
        if ban is not None:
            self._ban(account, outcome, *ban)

    def carry_out(self, decided: Sequence[Decided], report: SweepReport) -> None:
        """Carry out people's merged decisions on filed comments: take the comment down
        (``remove``, ``ban``: and ban its author for good, on every account sharing the
        blacklist), or leave it (``keep``); log each with who approved it and write the outcome
        into its file. An account that cannot be read now keeps its decisions for next time."""
        for item in decided:
            account = self.accounts.get(item.review.account)
            if account is None:
                continue
            outcome = self._decision_outcome(item)
            if not self.dry_run:
                self._carry_out(account, item, outcome)
            report.decisions.append(outcome)

    def _decision_outcome(self, item: Decided) -> Outcome:
        entry, review = item.entry, item.review
        comment = Comment(
            entry.network,
            entry.comment,
            review.text,
            entry.author_id,
            entry.author_name,
            post_id=entry.post,
            url=entry.link,
        )
        categories = tuple(c for c in entry.category.split(",") if c)
        decision = Decision(
            "remove" if review.decision != "keep" else "keep", categories, entry.rule
        )
        action = {"remove": "delete", "ban": "ban", "keep": "keep"}[review.decision]
        return Outcome(
            comment,
            decision,
            action,
            review.account,
            approved_by=item.approved_by,
            where=self.titles.get(review.account, review.account),
        )

    def _carry_out(self, account: Moderated, item: Decided, outcome: Outcome) -> None:
        adapter, comment = account.adapter, outcome.comment
        caps = adapter.capabilities
        try:
            if outcome.action == "ban" and caps.ban and caps.ban_deletes_comment:
                adapter.ban(comment, None)
                done = "deleted"
            elif outcome.action in ("delete", "ban") and caps.delete_comment:
                adapter.delete_comment(comment)
                done = "deleted"
            elif outcome.action in ("delete", "ban") and caps.hide_comment:
                adapter.hide_comment(comment)
                done = "hidden"
            else:
                done = "kept" if outcome.action == "keep" else "manual"
        except NetworkError as error:
            outcome.error = redact(error.message)
            return  # the file stays decided, not done: tried again next time
        outcome.done = True
        entry = replace(self._entry(outcome, outcome.account, done), approved_by=item.approved_by)
        outcome.log_id = self.book.log(entry)
        if outcome.action == "ban" and caps.ban:
            outcome.ban_until = "forever"
            if not caps.ban_deletes_comment:
                self._ban_for_good(account, outcome)
            else:
                self._log_ban(outcome, outcome.account, 0)
        self.book.decided(item.review, done, item.approved_by, self.now)

    def _ban_for_good(self, account: Moderated, outcome: Outcome) -> None:
        """A person's ``ban``: for good, on the account and those sharing its blacklist."""
        try:
            account.adapter.ban(outcome.comment, None)
        except NetworkError as error:
            outcome.error = redact(error.message)
            return
        self._log_ban(outcome, outcome.account, 0)
        for name in sorted(account.blacklist - {outcome.account}):
            other = self.accounts.get(name)
            if other is None or not other.adapter.capabilities.ban:
                continue
            if other.adapter.capabilities.ban_deletes_comment:
                continue
            try:
                other.adapter.ban(_author_of(outcome.comment), None)
            except NetworkError as error:
                outcome.error = "; ".join(filter(None, (outcome.error, redact(error.message))))
                continue
            outcome.banned_elsewhere.append(self.titles.get(name, name))
            self._log_ban(outcome, name, 0)

    def _ban_due(self, account: Moderated, outcome: Outcome) -> tuple[datetime | None, int] | None:
        """(until, removals) when this removal reaches a step of the blacklist policy."""
        comment, rules = outcome.comment, account.rules
        caps = account.adapter.capabilities
        window = rules.local(self.now) - timedelta(days=rules.window_days)
        history = self.book.history()
        count = removals_by(history, account.blacklist, comment.author_id, window) + 1
        days = rules.ban_days(count)
        if days is None or not caps.ban or (days and caps.max_ban_days == 0):
            return None  # no step reached, no bans here, or only for good while this is temporary
        until = self.now + timedelta(days=min(days, caps.max_ban_days)) if days else None
        return until, count

    def _ban(
        self, account: Moderated, outcome: Outcome, until: datetime | None, count: int
    ) -> None:
        """Ban the author on the account (done already where a ban removes the comment) and
        on the other accounts that keep its blacklist."""
        if not account.adapter.capabilities.ban_deletes_comment:
            try:
                account.adapter.ban(outcome.comment, until)
            except NetworkError as error:
                outcome.error = redact(error.message)
                return
        outcome.ban_until = until.isoformat(timespec="seconds") if until else "forever"
        self._log_ban(outcome, outcome.account, count)
        for name in sorted(account.blacklist - {outcome.account}):
            other = self.accounts.get(name)  # one that could not be built is reported as such
            if other is None or other.adapter.capabilities.ban_deletes_comment:
                continue  # a network that bans only by removing a comment there cannot
            try:
                other.adapter.ban(_author_of(outcome.comment), until)
            except NetworkError as error:
                outcome.error = "; ".join(filter(None, (outcome.error, redact(error.message))))
                continue
            outcome.banned_elsewhere.append(self.titles.get(name, name))
            self._log_ban(outcome, name, count)

    def _log_ban(self, outcome: Outcome, account: str, count: int) -> None:
        entry = self._entry(outcome, account, "banned")
        removals = count or None  # a person's ban counts no removals
        self.book.log(
            replace(
                entry,
                ban_until=outcome.ban_until,
                removals=removals,
                approved_by=outcome.approved_by,
            )
        )

    def _entry(self, outcome: Outcome, account: str, action: str) -> LogEntry:
        comment, decision = outcome.comment, outcome.decision
        text = " ".join(comment.text.split())
        return LogEntry(
            network=comment.network,
            account=account,
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


def _author_of(comment: Comment) -> Comment:
    """The comment's author as another of our accounts on the network bans them: no post,
    chat or thread of the account it was written on, so the adapter bans on its own."""
    extra = {key: comment.extra[key] for key in AUTHOR_EXTRA if key in comment.extra}
    return Comment(
        comment.network, "", "", comment.author_id, comment.author_name, is_direct=True, extra=extra
    )


def recent_posts(
    result_entries: Mapping[str, Mapping[str, ResultEntry]],
    now: datetime,
    days: int,
) -> dict[str, list[RemoteRef]]:
    """Published posts of the last ``days`` days, by account, from the result files (as the
    workspace reads them: an entry written before accounts were named is under its network's
    default account)."""
    cutoff = now - timedelta(days=days)
    posts: dict[str, list[RemoteRef]] = {}
    for entries in result_entries.values():
        for account, entry in entries.items():
            if entry.state != "published" or entry.operation == "profile" or not entry.remote_id:
                continue
            published = datetime.fromisoformat(entry.published_at) if entry.published_at else now
            if published >= cutoff:
                posts.setdefault(account, []).append(entry.ref())
    return posts


def _read_state(path: Path) -> dict[str, Any]:
    """The cursor: a mapping of account to its last sweep and the comments it decided."""
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
