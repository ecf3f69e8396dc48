"""Carry out a plan: accounts in parallel, each account's calls in order behind its rate limit
(shared by accounts where the network counts per token: ``runtime.limiter_for``).

Every call is recorded around itself: an ``intent`` before a post is sent, the result the moment
the network answers. An intent found by a later run is reconciled with ``Adapter.find`` before
anything is sent again, so a crash or a re-run never posts twice. An account that fails does not
stop the others; a revoked token stops only its own account.

Before each new post the adapter sees the next few (``Adapter.prepare``): it may work ahead on
what nobody can see (Instagram's media containers), and it says when the network's budget or
publishing limit cannot take the post now. Then this post and the rest of that network are left
for the next run (exit code 3) instead of waiting for hours; short waits the network asks for
are made by ``ApiClient``.

Each result is told to a ``Watch`` the moment it is recorded (from the account's thread), and
so are the bytes of a large upload as they go, so the command shows the run as it happens.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import partial

from publisher.content.confine import MediaEscaped, verified
from publisher.content.profiles import field_hashes, only, sent_values
from publisher.content.render import rendered_media_hash
from publisher.core.clock import Clock
from publisher.core.errors import (
    AuthError,
    NetworkError,
    NotFound,
    PostingLimit,
    PublisherError,
    RateLimited,
    Rejected,
)
from publisher.core.i18n import _
from publisher.core.model import (
    Action,
    ActionKind,
    Plan,
    Profile,
    RemoteRef,
    RenderedPost,
    ResultEntry,
)
from publisher.core.names import AccountNames
from publisher.core.progress import LARGE_UPLOAD, Watch, counting_sent, upload_counter
from publisher.core.redact import redact
from publisher.engine.plan import idempotency_key, manual_step, recorded_fields
from publisher.networks.base import Adapter, FindResult
from publisher.state.result_files import ResultFiles

#: how many of a network's next actions the adapter is shown to work ahead on
LOOKAHEAD = 8


class Outcome(StrEnum):
    """How one action ended."""

    DONE = "done"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"
    #: a step only a person can take (a profile field no API sets) is still to be done
    MANUAL = "manual"


@dataclass(frozen=True)
class Result:
    """One action and how it ended, for the report and the commit message."""

    action: Action
    outcome: Outcome
    ref: RemoteRef | None = None
    message: str = ""
    hint: str = ""
    #: the profile fields still waiting for a person (``publisher accounts done``)
    manual: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Who and what a run publishes for: recorded with every result."""

    source_commit: str = ""
    approved_by: tuple[str, ...] = ()
    approval: str = ""
    run_id: str = ""
    skipped_by: str = ""


@dataclass
class Approvals:
    """Provenance of each post a run changes, and the default for everything else.

    ``engine.approval`` fills it in; it lives here, beside ``Provenance``, because the
    workspace that applies and commits a plan must not import the gate that checks it."""

    default: Provenance
    per_post: dict[str, Provenance] = field(default_factory=dict)

    def all(self) -> list[Provenance]:
        return [self.default, *self.per_post.values()]

    def trailers(self) -> list[str]:
        """``Source:``, ``Approved-by:``, ``Approval:`` lines, each value once."""
        lines: list[str] = []
        for key, values in (
            ("Source", [p.source_commit for p in self.all()]),
            ("Approved-by", [a for p in self.all() for a in p.approved_by]),
            ("Approval", [p.approval for p in self.all()]),
            ("Approval-skipped", [p.skipped_by for p in self.all()]),
            ("Run", [p.run_id for p in self.all()]),
        ):
            for value in dict.fromkeys(v for v in values if v):
                lines.append(f"{key}: {value}")
        return lines


@dataclass
class ApplyReport:
    """Everything a run did."""

    results: list[Result] = field(default_factory=list)

    @property
    def failed(self) -> list[Result]:
        """Everything not done: failed, uncertain, or skipped for the next run (a step left
        for a person is none of these: see ``manual``)."""
        return [r for r in self.results if r.outcome not in (Outcome.DONE, Outcome.MANUAL)]

    @property
    def manual(self) -> list[Result]:
        """The results with profile fields still waiting for a person."""
        return [r for r in self.results if r.manual]

    def done(self, *kinds: ActionKind) -> list[Result]:
        return [
            r
            for r in self.results
            if r.outcome is Outcome.DONE and (not kinds or r.action.kind in kinds)
        ]


class Applier:
    """Runs the changing actions of a plan and records each result in the result file at once."""

    def __init__(
        self,
        result_files: ResultFiles,
        adapters: Mapping[str, Adapter],
        clock: Clock,
        provenance: Provenance,
        unavailable: Mapping[str, NetworkError] | None = None,
        per_post: Mapping[str, Provenance] | None = None,
        claim: str = "",
        owners: Mapping[tuple[str, str], str] | None = None,
        watch: Watch[Result] | None = None,
    ) -> None:
        self.result_files = result_files
        #: told of each result as it completes, from the account's thread
        self.watch: Watch[Result] = watch or Watch()
        self.names = AccountNames(())
        self.adapters = adapters
        self.clock = clock
        self.provenance = provenance
        #: provenance by result file, when posts came through different merge requests
        self.per_post = dict(per_post or {})
        #: this run's claim, carried by its intents (see ``engine.claims``)
        self.claim = claim
        self.unavailable = dict(unavailable or {})
        #: (account, remote id) -> the result file that records it: a post found on the network
        #: after a crash is ours only if no other post owns it
        self.owners = dict(owners or {})
        #: accounts stopped for the rest of this run (revoked token, long rate limit)
        self.stopped: dict[str, NetworkError] = {}
        #: accounts that take no more new posts this run (a posting quota); the rest goes on
        self.full: dict[str, PostingLimit] = {}

    def run(self, plan: Plan) -> ApplyReport:
        """Everything but the reposts, then the reposts: they repost what the first part has
        just published (each reads its source's result when its turn comes)."""
        carry_moves(self.result_files, plan)
        self.names = AccountNames(plan.accounts)
        report = ApplyReport()
        self.watch.begin(len(plan.pending))
        moved = [a for a in plan.pending if a.kind is ActionKind.MOVE]
        rest = [a for a in plan.pending if a.kind is not ActionKind.MOVE]
        report.results.extend(self._told(Result(action, Outcome.DONE)) for action in moved)
        report.results.extend(self._run_parallel([a for a in rest if a.repost_from is None]))
        report.results.extend(self._run_parallel([a for a in rest if a.repost_from is not None]))
        order = {id(a): i for i, a in enumerate(plan.actions)}
        report.results.sort(key=lambda r: order.get(id(r.action), 0))
        return report

    def _run_parallel(self, actions: list[Action]) -> list[Result]:
        """``actions``, accounts in parallel."""
        by_account: dict[str, list[Action]] = {}
        for action in actions:
            by_account.setdefault(action.account_key, []).append(action)
        if not by_account:
            return []
        with ThreadPoolExecutor(max_workers=len(by_account)) as pool:
            futures = [pool.submit(self._run_account, n, a) for n, a in by_account.items()]
            return [result for future in futures for result in future.result()]

    def _run_account(self, account: str, actions: list[Action]) -> list[Result]:
        """One account's actions, in order (accounts sharing a token may share its rate
        limiter: see ``runtime.limiter_for``)."""
        stop: NetworkError | None = self.unavailable.get(account) or self.stopped.get(account)
        results: list[Result] = []
        for index, action in enumerate(actions):
            blocked = stop or (self.full.get(account) if _posts(action) else None)
            if blocked is not None and action.kind is not ActionKind.MANUAL:
                results.append(self._told(self._leave(action, blocked)))
                continue
            held = self._prepare(actions, index)
            results.append(self._told(held or self._attempt(action)))
            stop = stop or self.stopped.get(account)
        return results

    def _told(self, result: Result) -> Result:
        """Tell the watch that ``result``'s action has completed."""
        self.watch.item(result)
        self.watch.advance()
        return result

    def _prepare(self, actions: list[Action], index: int) -> Result | None:
        """Let the adapter work ahead on the next new posts, before this one's intent.

        Returns a SKIPPED result when the network's budget cannot take this post now: it and
        the rest of the network's actions are left for the next run, and nothing is recorded
        for them (no intent was written). Any other error is left for ``publish`` to meet again
        and record in the usual way.
        """
        action = actions[index]
        if not _uploads(action):
            return None
        upcoming = [
            (a.rendered, idempotency_key(a.post_id, a.account_key, a.rendered.content_hash))
            for a in actions[index : index + LOOKAHEAD]
            if _uploads(a) and a.rendered is not None and _files_error(a) is None
        ]
        try:
            self.adapters[action.account_key].prepare(upcoming)
        except RateLimited as error:
            self._note_limit(action.account_key, error)
            return self._leave(action, error, detail=True)
        except PublisherError:
            return None
        return None

    def _note_limit(self, account: str, error: NetworkError) -> None:
        """Stop the account for this run, or, for a posting quota, stop only its new posts."""
        if isinstance(error, PostingLimit):
            self.full.setdefault(account, error)
        else:
            self.stopped.setdefault(account, error)

    def _leave(self, action: Action, cause: NetworkError, detail: bool = False) -> Result:
        """Skip the action for the next run (see ``_unreserve``)."""
        self._unreserve(action, f"{type(cause).__name__}: {redact(cause.detail)}")
        return _skipped(action, cause, detail)

    def _unreserve(self, action: Action, error: str) -> None:
        """A post this run reserved (``reserve``) but never sent gets its intent replaced by
        ``failed``, so the next run publishes it without first looking for it (Telegram could
        not look, and would ask a person)."""
        previous = self.result_files.read(action.result_file_path).get(action.account_key)
        reserved = (
            previous is not None
            and previous.state == "intent"
            and bool(self.claim)
            and previous.extra.get("claim") == self.claim
        )
        if reserved and _fresh_create(action):
            self._record(action, self._failed_entry(action, error))

    def _attempt(self, action: Action) -> Result:
        try:
            with counting_sent(self._upload_counter(action)):
                return self._execute(action)
        except NetworkError as error:
            return self._failed(action, error)

    def _upload_counter(self, action: Action) -> Callable[[int], None]:
        """What counts the bytes the action sends: told to the watch when its files are large
        (a small upload is over before a person could read the count)."""
        total = sum(m.size for m in action.rendered.media) if action.rendered else 0
        if total < LARGE_UPLOAD:
            return _ignore
        where = self.names.title(action.network, action.account_key)
        return upload_counter(self.watch, f"{where}: {action.post_id}", total)

    def _execute(self, action: Action) -> Result:
        if action.kind is ActionKind.MANUAL and action.profile is None:
            return Result(action, Outcome.MANUAL, message=action.reason)  # a person answers
        if action.kind is ActionKind.MANUAL:
            return self._set_profile(self._reader(action.account_key), action)
        adapter = self.adapters[action.account_key]
        _check_files(action)
        if action.profile is not None:
            return self._set_profile(adapter, action)
        if action.kind is ActionKind.REPLY:
            return self._reply(adapter, action)
        assert action.kind is ActionKind.DELETE or action.rendered is not None
        if action.kind is ActionKind.UPDATE:
            assert action.ref is not None and action.rendered is not None
            ref = adapter.update(action.ref, action.rendered)
            self._record_published(action, action.rendered, ref, "", "update")
            return Result(action, Outcome.DONE, ref)
        if action.kind is ActionKind.DELETE:
            self._delete(adapter, action)
            return Result(action, Outcome.DONE, action.ref)
        way = self._way(adapter, action)
        if way is None:
            return self._without_source(action)
        if action.kind is ActionKind.CREATE:
            return self._create(action, way)
        return self._replace(adapter, action, way)

    def _reader(self, account: str) -> Adapter | None:
        """The account's adapter to look at the network with (a step left for a person), unless
        it is missing or this run stopped it."""
        return None if account in self.stopped else self.adapters.get(account)

    def _way(self, adapter: Adapter, action: Action) -> _Way | None:
        """How a create or replace sends the post: published afresh, or reposted from the
        publication its source account has in the result file now (None: it has none)."""
        rendered = action.rendered
        assert rendered is not None
        source = action.repost_from
        if source is None:
            return _Way(partial(adapter.publish, rendered), partial(_find, adapter, rendered))
        origin = self.result_files.read(action.result_file_path).get(source.name)
        if origin is None or origin.state != "published":
            return None
        ref = origin.ref()
        marks = {"repost_of": source.name, "source_id": ref.remote_id}

        def look(_key: str) -> RemoteRef | FindResult:
            found = adapter.find_repost(source, ref)
            return _marked(found, marks) if isinstance(found, RemoteRef) else found

        return _Way(lambda _key: _marked(adapter.repost(source, ref, rendered), marks), look)

    def _without_source(self, action: Action) -> Result:
        """A repost whose source has no publication (it failed, or was left for later, in
        this run) waits for the next run; nothing was sent."""
        assert action.repost_from is not None
        message = _(
            "left for the next run: {account} has not published the post",
            account=action.repost_from.name,
        )
        self._unreserve(action, message)
        return Result(action, Outcome.SKIPPED, message=message)

    def _set_profile(self, adapter: Adapter | None, action: Action) -> Result:
        """Send the profile fields the network can set, and record them with the fields a
        person was asked to set that the network now shows as wanted. The other manual fields
        stay pending, unrecorded, until the network shows them or a person confirms them
        (``publisher accounts done``)."""
        assert action.profile is not None
        done: tuple[str, ...] = ()
        if action.fields and adapter is not None:
            done = adapter.set_profile(only(action.profile, set(action.fields)))
        seen = shown_as_wanted(adapter, action.profile, action.manual)
        pending = tuple(name for name in action.manual if name not in seen)
        if done or seen:
            previous = self.result_files.read(action.result_file_path).get(action.account_key)
            by = dict.fromkeys(seen, NETWORK_CONFIRMED)
            self._record(action, profile_entry(action, previous, (*done, *seen), by, self._now()))
        notes = [_("the network shows it now: {fields}", fields=", ".join(seen))] if seen else []
        if pending and adapter is not None and seen:  # the step, for the rest of its fields
            notes.append(manual_step(adapter.account, adapter.capabilities, pending))
        elif pending:
            notes.append(action.reason)
        outcome = Outcome.MANUAL if pending and not (done or seen) else Outcome.DONE
        return Result(action, outcome, message="; ".join(notes), manual=pending)

    def _reply(self, adapter: Adapter, action: Action) -> Result:
        """Answer a citizen where they asked and record it (the run then marks the message
        answered: ``Workspace.mark_answered``)."""
        assert action.comment is not None and action.rendered is not None
        self._record(
            action,
            ResultEntry(
                network=action.network,
                state="intent",
                account=action.account,
                at=self._now(),
                content_hash=action.rendered.content_hash,
            ),
        )
        ref = adapter.reply(action.comment, action.rendered.text)
        self._record_published(action, action.rendered, ref, "", "reply")
        return Result(action, Outcome.DONE, ref)

    def _create(self, action: Action, way: _Way) -> Result:
        rendered = action.rendered
        assert rendered is not None
        key = idempotency_key(action.post_id, action.account_key, rendered.content_hash)
        if action.ref is not None:
            found = self._reconcile(action, rendered, way)
            if found is not None:
                return found
        self._record(action, intent_for(action, self.claim, self._now()))
        ref = way.send(key)
        self._record_published(action, rendered, ref, key, "create")
        return Result(action, Outcome.DONE, ref)

    def _replace(self, adapter: Adapter, action: Action, way: _Way) -> Result:
        """Delete the old post and publish the new one, with an intent recorded before either.

        A run killed anywhere in between leaves that intent (naming the old post); the next run
        plans a replace again (``plan._plan_intent``): it deletes the old post (already gone is
        fine), then looks for the new one before sending it, like an interrupted create.
        """
        assert action.ref is not None and action.rendered is not None
        previous = self.result_files.read(action.result_file_path).get(action.account_key)
        resumed = previous is not None and previous.state == "intent"
        if not resumed:
            self._record(action, replace_intent(action, self.claim, self._now()))
        try:
            with contextlib.suppress(NotFound):
                adapter.delete(action.ref)
        except NetworkError:
            if previous is not None and not resumed:  # the old post stays: so does its record
                self._record(action, previous)
            raise
        if resumed:  # look with the key the interrupted run sent, then claim it for this run
            found = self._reconcile(action, action.rendered, way)
            if found is not None:
                return found
            self._record(action, replace_intent(action, self.claim, self._now()))
        key = idempotency_key(action.post_id, action.account_key, action.rendered.content_hash)
        ref = way.send(key)
        self._record_published(action, action.rendered, ref, key, "replace")
        return Result(action, Outcome.DONE, ref)

    def _reconcile(self, action: Action, rendered: RenderedPost, way: _Way) -> Result | None:
        """An earlier run sent this post and died before recording: is it there?"""
        assert action.ref is not None
        previous = self.result_files.read(action.result_file_path).get(action.account_key)
        key = previous.key if previous else ""
        found = way.look(key)
        owner = (
            self.owners.get((action.account_key, found.remote_id), action.result_file_path)
            if isinstance(found, RemoteRef)
            else action.result_file_path
        )
        if owner != action.result_file_path:  # the same text, published for another post
            return self._uncertain(
                action,
                _(
                    "an earlier run was interrupted while publishing; the network shows a post "
                    "with the same text, but it belongs to another post ({file})",
                    file=owner,
                ),
            )
        if isinstance(found, RemoteRef):
            self._record_published(action, rendered, found, key, "reconcile")
            return Result(
                action,
                Outcome.DONE,
                found,
                _("found on the network after an interrupted run; not posted again"),
            )
        if found is FindResult.ABSENT:
            return None
        return self._uncertain(
            action,
            _(
                "an earlier run was interrupted while publishing, and this network cannot "
                "tell whether the post exists"
            ),
        )

    def _uncertain(self, action: Action, message: str) -> Result:
        """Whether the post went out is for a person to say (``publisher resolve``)."""
        return Result(
            action,
            Outcome.UNCERTAIN,
            message=message,
            hint=_(
                "Look at the account. Then run: publisher resolve {post} {network} --url LINK "
                "(if it is there) or --absent (if not).",
                post=action.post_id,
                network=action.account_key,
            ),
        )

    def _delete(self, adapter: Adapter, action: Action) -> None:
        assert action.ref is not None
        with contextlib.suppress(NotFound):
            adapter.delete(action.ref)
        previous = self.result_files.read(action.result_file_path).get(action.account_key)
        base = previous or ResultEntry(
            network=action.network, state="deleted", account=action.account
        )
        self._record(
            action, replace(base, state="deleted", at=self._now(), error="", operation="delete")
        )

    def _record_published(
        self, action: Action, rendered: RenderedPost, ref: RemoteRef, key: str, operation: str
    ) -> None:
        previous = self.result_files.read(action.result_file_path).get(action.account_key)
        published_at = _published_at(previous, ref, operation) or self._now()
        self._record(
            action,
            ResultEntry(
                network=action.network,
                state="published",
                account=action.account,
                remote_id=ref.remote_id,
                url=ref.url,
                parts=ref.parts,
                content_hash=rendered.content_hash,
                media_hash=rendered_media_hash(rendered),
                source_hash=rendered.source_hash,
                key=key or (previous.key if previous else ""),
                at=self._now(),
                published_at=published_at,
                operation=operation,
                extra=dict(ref.extra),
            ),
        )

    def _failed(self, action: Action, error: NetworkError) -> Result:
        message = redact(error.detail)
        if isinstance(error, AuthError) or (
            isinstance(error, RateLimited) and error.retry_after > 0
        ):
            self._note_limit(action.account_key, error)
        if error.uncertain:
            return Result(
                action,
                Outcome.UNCERTAIN,
                message=message,
                hint=_(
                    "The answer was lost after the post was sent; the next run checks the network "
                    "before sending it again."
                ),
            )
        previous = self.result_files.read(action.result_file_path).get(action.account_key)
        if previous is not None and previous.state == "published":
            entry = replace(previous, error=f"{type(error).__name__}: {message}", at=self._now())
        else:
            entry = self._failed_entry(action, f"{type(error).__name__}: {message}")
        self._record(action, entry)
        limited = action.account_key in self.stopped or action.account_key in self.full
        if limited and isinstance(error, RateLimited):
            # a spent budget is no fault of the post: it waits for the next run like the rest
            return _skipped(action, error, detail=True)
        return Result(action, Outcome.FAILED, message=message, hint=error.hint)

    def _failed_entry(self, action: Action, error: str) -> ResultEntry:
        """A ``failed`` result: the next run sends the post without looking for it first."""
        return ResultEntry(
            network=action.network,
            state="failed",
            account=action.account,
            at=self._now(),
            error=error,
            operation=action.kind.value,
        )

    def _record(self, action: Action, entry: ResultEntry) -> None:
        """Write one entry at once, stamped with the commit and the approval it came from."""
        p = self.per_post.get(action.result_file_path, self.provenance)
        if entry.state != "failed":
            entry = replace(
                entry,
                source_commit=p.source_commit,
                approved_by=p.approved_by,
                approval=p.approval or (f"skipped by {p.skipped_by}" if p.skipped_by else ""),
            )
        self.result_files.record(action.result_file_path, action.post_id, entry)

    def _now(self) -> str:
        return _iso(self.clock.now())


#: who confirmed a manual step, when the network itself showed it done
NETWORK_CONFIRMED = "network"


def shown_as_wanted(
    adapter: Adapter | None, profile: Profile, names: Iterable[str]
) -> tuple[str, ...]:
    """Those of the fields ``names`` the network shows as ``profile`` wants them, where its
    API reads them back (spaces and line breaks aside); none when it cannot or does not
    answer."""
    wanted = profile.fields()
    names = [name for name in names if isinstance(wanted.get(name), str)]
    if adapter is None or not names:
        return ()
    try:
        shown = adapter.shown_profile()
    except NetworkError:
        return ()
    return tuple(
        name for name in names if name in shown and shown[name].split() == str(wanted[name]).split()
    )


def profile_entry(
    action: Action,
    previous: ResultEntry | None,
    names: Iterable[str],
    confirmed_by: Mapping[str, str],
    at: str,
) -> ResultEntry:
    """The account's result entry with the fields ``names`` recorded as the profile wants
    them now, and who confirmed the manual ones (``confirmed_by``: field -> a person, or
    ``NETWORK_CONFIRMED``)."""
    assert action.profile is not None
    extra = dict(previous.extra) if previous is not None else {}
    fields = recorded_fields(previous)
    wanted = field_hashes(action.profile)
    fields.update({name: wanted[name] for name in names if name in wanted})
    earlier = extra.get("confirmed_by")
    confirmed = {**(earlier if isinstance(earlier, dict) else {}), **confirmed_by}
    extra.pop("manual", None)
    values = sent_values(extra, action.profile, names)  # the text the network has now
    extra.update(fields=fields, confirmed_by=confirmed, values=values)
    if not confirmed:
        extra.pop("confirmed_by")
    return ResultEntry(
        network=action.network,
        state="published",
        account=action.account,
        content_hash=hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:32],
        at=at,
        operation="profile",
        extra=extra,
    )


def intent_for(action: Action, claim: str, at: str) -> ResultEntry:
    """The record written before a post is sent: what, with which key, by which run, and for
    a repost, from which account (a person settling it by hand keeps that)."""
    assert action.rendered is not None
    extra = {"claim": claim} if claim else {}
    if action.repost_from is not None:
        extra["repost_of"] = action.repost_from.name
    return ResultEntry(
        network=action.network,
        state="intent",
        account=action.account,
        key=idempotency_key(action.post_id, action.account_key, action.rendered.content_hash),
        content_hash=action.rendered.content_hash,
        at=at,
        extra=extra,
    )


def replace_intent(action: Action, claim: str, at: str) -> ResultEntry:
    """The intent of a replace: the new post's key and the old post, to delete on a re-run."""
    assert action.ref is not None
    ref = action.ref
    entry = intent_for(action, claim, at)
    return replace(
        entry,
        remote_id=ref.remote_id,
        url=ref.url,
        parts=ref.parts,
        operation="replace",
        extra={**ref.extra, **entry.extra},
    )


def carry_moves(result_files: ResultFiles, plan: Plan) -> None:
    """Move the result files of moved posts to their new places, before anything is recorded
    there (a second call finds them moved already)."""
    for action in moves(plan):
        result_files.move(action.moved_from, action.result_file_path)


def moves(plan: Plan) -> list[Action]:
    """The plan's moved posts (their result files are carried, no network is touched)."""
    return [a for a in plan.actions if a.kind is ActionKind.MOVE]


def reserve(result_files: ResultFiles, plan: Plan, claim: str, at: str) -> list[str]:
    """Write intents for every new post of the plan at once (before any is sent), so that a
    run on another machine sees them once they are pushed; return the files written."""
    carry_moves(result_files, plan)
    files = [f for a in moves(plan) for f in (a.moved_from, a.result_file_path)]
    for action in plan.pending:
        if action.kind is ActionKind.CREATE and action.ref is None and action.rendered:
            result_files.record(
                action.result_file_path, action.post_id, intent_for(action, claim, at)
            )
            files.append(action.result_file_path)
    return sorted(set(files))


def _published_at(previous: ResultEntry | None, ref: RemoteRef, operation: str) -> str:
    """When the post (or answer) appeared on the network, where something knows ("": it is
    appearing now). An edit keeps the time of publication; a post found after an interrupted
    run appeared then, so the network's time or the intent's is taken, never this run's."""
    if operation == "update" and previous is not None and previous.state == "published":
        return previous.published_at or (_iso(ref.published_at) if ref.published_at else "")
    if ref.published_at is not None:
        return _iso(ref.published_at)
    if operation == "reconcile" and previous is not None and previous.state == "intent":
        return previous.at
    return ""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _files_error(action: Action) -> MediaEscaped | None:
    """Why a file the action would upload may not be read (see ``confine``), or None."""
    if action.kind in (ActionKind.DELETE, ActionKind.REPLY):
        return None
    files = [*(action.rendered.media if action.rendered else ())]
    if action.profile is not None:
        files += [m for m in (action.profile.avatar, action.profile.cover) if m is not None]
    for media in files:
        try:
            verified(media)
        except MediaEscaped as error:
            return error
    return None


def _check_files(action: Action) -> None:
    """Refuse the action before anything is sent if it would upload a file that escaped the
    folders loading confined it to, whatever check said (defence in depth)."""
    error = _files_error(action)
    if error is not None:
        raise Rejected(action.network, action.kind.value, error.message, error.hint)


def _posts(action: Action) -> bool:
    """Whether the action puts a new post on the network (a quota of posts applies to it)."""
    return action.kind in (ActionKind.CREATE, ActionKind.REPLACE)


def _fresh_create(action: Action) -> bool:
    """A new post with nothing of an earlier run to reconcile first."""
    return action.kind is ActionKind.CREATE and action.ref is None and action.rendered is not None


def _uploads(action: Action) -> bool:
    """A new post of its own, not a repost: the adapter may work ahead on it (``prepare``)."""
    return _fresh_create(action) and action.repost_from is None


@dataclass(frozen=True)
class _Way:
    """How a create or replace sends its post: ``send(key)`` puts it on the network, and
    ``look(key)`` looks for it there after an interrupted run."""

    send: Callable[[str], RemoteRef]
    look: Callable[[str], RemoteRef | FindResult]


def _ignore(_size: int) -> None:
    """A listener that counts nothing."""


def _find(adapter: Adapter, rendered: RenderedPost, key: str) -> RemoteRef | FindResult:
    return adapter.find(key, rendered)


def _marked(ref: RemoteRef, marks: Mapping[str, str]) -> RemoteRef:
    """A repost's reference with what it reposts in ``extra`` (the plan reads it there)."""
    return replace(ref, extra={**ref.extra, **marks})


def _skipped(action: Action, cause: NetworkError, detail: bool = False) -> Result:
    """Left for the next run; ``detail`` adds the network's reason (to the first one only)."""
    if isinstance(cause, AuthError):
        message = _("skipped: the token of this network does not work")
    else:
        message = _("left for the next run: the network asked to wait")
    if detail and cause.detail:
        message = f"{message} ({redact(cause.detail)})"
    return Result(action, Outcome.SKIPPED, message=message, hint=cause.hint)
