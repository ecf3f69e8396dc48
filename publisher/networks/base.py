"""The one interface every network adapter implements, and the pieces they share.

An adapter is built with the account, its tokens and an ``httpx.Client``; it never reads the
environment. It declares what it can do as ``Capabilities`` (data, read by check and plan) and
turns that network's error responses into our ``NetworkError`` classes in exactly one place:
``_unwrap`` hands each answer to the adapter's reader (``_read``), and a ``Failure`` the reader
finds is looked up in the adapter's ``errors`` table (``error_for``).
"""

from __future__ import annotations

import gc
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar

import httpx

from publisher.core.capabilities import Capabilities
from publisher.core.clock import Clock
from publisher.core.errors import AuthError, NetworkError, RateLimited, Rejected, Transient
from publisher.core.figures import FiguresRead
from publisher.core.health import AccountFacts
from publisher.core.i18n import _
from publisher.core.model import (
    Account,
    Broadcast,
    Comment,
    Entrant,
    EntryKind,
    Profile,
    RemoteRef,
    RenderedPost,
)
from publisher.core.progress import note_sent
from publisher.core.redact import Secret, redact

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
CHUNK_SIZE = 4 * 1024 * 1024


class FindResult(Enum):
    """Answer of ``Adapter.find`` when it could not return a reference."""

    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AccountInfo:
    """What ``verify`` learned about the account behind a token."""

    network: str
    name: str
    id: str
    url: str = ""


@dataclass(frozen=True)
class OpenQuery:
    """What ``inbox collect`` reads outside our accounts (``monitoring.yml``): messages newer
    than ``since`` that mention a phrase, anywhere the network searches and in the
    ``search_in`` communities; every post and comment of the ``communities`` (comments under
    the posts newer than ``posts_since``)."""

    since: datetime
    until: datetime
    posts_since: datetime
    phrases: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    search_in: tuple[str, ...] = ()


class Tokens:
    """The secrets of one account: ``main`` plus named extras (VK's community token)."""

    def __init__(self, main: Secret, extras: Mapping[str, Secret] | None = None) -> None:
        self.main = main
        self.extras = dict(extras or {})

    def get(self, role: str) -> Secret:
        """The token for ``role``, falling back to the main one when no extra is set."""
        return self.extras.get(role, self.main)


class RateLimiter:
    """Paces calls to one network below its documented limit, on the injected clock.

    The network allows ``per_second * window`` calls in any ``window`` seconds (VK: 3 in 1 s,
    Telegram: 20 in 60 s). Calls are spaced ``1 / per_second`` apart, and a call starts only
    ``window + MARGIN`` after the *answer* to the call that many calls before it. The network
    received that call before it answered, so however requests are delayed on the way (latency,
    a busy interpreter, clock jitter), none of the network's windows sees more than its limit.
    Timing windows from sends instead, as this once did, met the limit exactly on paper and
    went over it whenever one request travelled slower than a later one (VK error 6, OK
    FLOOD_BLOCKED). The headroom costs one call's latency and ``MARGIN`` per window. Calls go
    one at a time (the lock is held for the call), as each network's calls do anyway.

    ``within`` is a wider limit the calls also count against: Telegram paces each chat at its
    20 a minute, within its bot's 30 a second over all chats. A call waits for its turn here,
    then there (where other chats' calls may go between).
    """

    #: added to every window: the network's clock and ours need not tick alike
    MARGIN = 0.05

    def __init__(
        self,
        per_second: float,
        clock: Clock,
        window: float = 1.0,
        within: RateLimiter | None = None,
    ) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.limit = max(1, round(per_second * window)) if per_second > 0 else 0
        self.span = window + self.MARGIN
        self.clock = clock
        self.within = within
        self._last_start: float | None = None
        #: when the answers to the last ``limit`` calls came back
        self._answered: deque[float] = deque(maxlen=max(self.limit, 1))
        self._lock = threading.Lock()

    @contextmanager
    def pace(self) -> Iterator[None]:
        """Wait for the next call's turn (here, then ``within``); the block is the call."""
        wider = self.within.pace() if self.within is not None else nullcontext()
        if not self.limit:
            with wider:
                yield
            return
        with self._lock:
            now = self.clock.monotonic()
            start = now
            if self._last_start is not None:
                start = max(start, self._last_start + self.interval)
            if len(self._answered) == self.limit:
                start = max(start, self._answered[0] + self.span)
            self.clock.sleep(start - now)
            with wider:
                self._last_start = max(start, self.clock.monotonic())
                try:
                    yield
                finally:
                    self._answered.append(self.clock.monotonic())


Unwrap = Callable[[httpx.Response, str], Any]


class ApiClient:
    """The one place adapters call their network: rate limit, retry, redaction, error mapping.

    ``call`` sends a request, hands the response to the adapter's ``unwrap`` (which returns the
    payload or raises our error) and retries what may be retried: a rate-limit answer after the
    wait the network asks for (up to ``MAX_RATE_WAIT``), a server error or a connection that
    failed before the request was sent, with backoff. ``creates=True`` marks the call that makes
    a post appear: if its answer is lost after the request went out, the post may exist, so the
    error is marked ``uncertain`` and is not retried here; the engine reconciles first.
    Each request sent is counted for the progress of a large upload (``core.progress``).
    """

    MAX_ATTEMPTS = 4
    MAX_RATE_WAIT = 60.0
    BACKOFF = 1.0

    def __init__(
        self,
        network: str,
        http: httpx.Client,
        unwrap: Unwrap,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.network = network
        self.http = http
        self.unwrap = unwrap
        self.limiter = limiter
        self.clock = clock or Clock()

    def call(self, method: str, url: str, op: str, *, creates: bool = False, **kwargs: Any) -> Any:
        """Send one request and return its payload, retrying what is safe to retry."""
        for attempt in range(1, self.MAX_ATTEMPTS + 1):
            try:
                return self._attempt(method, url, op, creates, kwargs)
            except RateLimited as exc:
                if attempt == self.MAX_ATTEMPTS or exc.retry_after > self.MAX_RATE_WAIT:
                    raise
                self.clock.sleep(exc.retry_after)
            except Transient as exc:
                if exc.uncertain or attempt == self.MAX_ATTEMPTS:
                    raise
                self.clock.sleep(self.BACKOFF * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self, method: str, url: str, op: str, creates: bool, kwargs: dict[str, Any]
    ) -> Any:
        response = self._send(method, url, op, creates, kwargs)
        payload = self.unwrap(response, op)
        del response
        _release_chunk(kwargs)
        return payload

    def _send(
        self, method: str, url: str, op: str, creates: bool, kwargs: dict[str, Any]
    ) -> httpx.Response:
        _rewind(kwargs)
        kwargs.setdefault("timeout", TIMEOUT)
        pace = self.limiter.pace() if self.limiter is not None else nullcontext()
        try:
            with pace:
                response = self.http.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise Transient(self.network, op, redact(_describe(exc))) from None
        except httpx.TransportError as exc:
            detail = redact(_describe(exc))
            raise Transient(self.network, op, detail, uncertain=creates) from None
        note_sent(int(response.request.headers.get("Content-Length", 0)))
        return response


def _release_chunk(kwargs: dict[str, Any]) -> None:
    """Free an uploaded chunk now rather than whenever the garbage collector runs.

    httpx links each response and its stream in a reference cycle, and the response keeps its
    request, whose body is the chunk. Left to the collector, a chunked upload piles up several
    chunks in memory; one young-generation collection per chunk keeps it at one.
    """
    files = kwargs.get("files")
    parts = list(files.values()) if isinstance(files, dict) else []
    bodies = [kwargs.get("content"), *(p[1] for p in parts if isinstance(p, tuple))]
    if any(isinstance(b, bytes) and len(b) >= CHUNK_SIZE // 4 for b in bodies):
        gc.collect(1)


def _rewind(kwargs: dict[str, Any]) -> None:
    """Put uploaded files back at their start, so a retried request sends them whole."""
    files = kwargs.get("files") or {}
    values = files.values() if isinstance(files, dict) else (v for _, v in files)
    for value in values:
        handle = value[1] if isinstance(value, tuple) else value
        if hasattr(handle, "seek"):
            handle.seek(0)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


ErrorKey = int | str | tuple[int, int]


@dataclass(frozen=True)
class Failure:
    """An error answer as the adapter's reader saw it, before it becomes one of our errors.

    ``keys`` are what the adapter's error table is looked up by, most specific first: the
    network's own codes (numbers), its named kinds (strings) and the HTTP status
    (``"404"``, ``"4xx"``: see ``http.status_keys``).
    """

    keys: tuple[ErrorKey, ...]
    #: what went wrong, already redacted
    detail: str
    #: the wait the answer itself asks for (a header, a field), if it names one
    retry_after: float | None = None
    #: anything else a caller needs from the answer (Graph's ``error_data``)
    data: Mapping[str, Any] = field(default_factory=dict)


#: a hint's message id, or a function of the operation that picks one
Hint = str | Callable[[str], str]


@dataclass(frozen=True)
class Rule:
    """One row of an adapter's error table: our class for a code, and what goes with it."""

    error: type[NetworkError]
    #: a message id marked with ``N_``, filled from ``Adapter.hint_fields``; for an AuthError
    #: without one, the hint names the secret to renew
    hint: Hint = ""
    #: for a RateLimited class: the seconds to wait when the answer does not say, or a function
    #: of the clock (a quota that resets at midnight)
    wait: float | Callable[[Clock], float] = 0.0


#: a network's error codes and kinds -> our classes, in the manner of httpx's exception map
ErrorMap = Mapping[ErrorKey, Rule | type[NetworkError]]

#: what a code missing from the table means: the network refused the request as sent
REFUSED = Rule(Rejected)


class Adapter(ABC):
    """One network behind one small interface; ``capabilities`` says what it can do."""

    name: ClassVar[str]
    title: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    base_urls: ClassVar[tuple[str, ...]]
    token_help: ClassVar[str] = ""
    #: this network's error codes and kinds -> our classes (see ``error_for``)
    errors: ClassVar[ErrorMap] = {}

    def __init__(
        self,
        account: Account,
        tokens: Tokens,
        http: httpx.Client,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.account = account
        self.tokens = tokens
        self.clock = clock or Clock()
        self.api = ApiClient(self.name, http, self._unwrap, limiter, self.clock)

    @abstractmethod
    def _read(self, response: httpx.Response, op: str) -> Any:
        """The payload of a successful answer, or the ``Failure`` an error answer reports.

        The only place that knows where this network puts its error codes.
        """

    def _unwrap(self, response: httpx.Response, op: str) -> Any:
        """Every answer's one way in (``ApiClient`` calls it): its payload, or our error."""
        answer = self._read(response, op)
        if isinstance(answer, Failure):
            raise self.error_for(answer, op)
        return answer

    def error_for(self, failure: Failure, op: str) -> NetworkError:
        """Our error for a failed answer: the first of its keys found in ``errors`` decides,
        and a failure none of whose keys is there was refused (``Rejected``)."""
        rule = next((self.errors[key] for key in failure.keys if key in self.errors), REFUSED)
        if not isinstance(rule, Rule):
            rule = Rule(rule)
        msgid = rule.hint(op) if callable(rule.hint) else rule.hint
        hint = _(msgid, **self.hint_fields(op)) if msgid else ""
        if issubclass(rule.error, RateLimited):
            wait = failure.retry_after
            if wait is None:
                wait = rule.wait(self.clock) if callable(rule.wait) else rule.wait
            limited = rule.error(self.name, op, failure.detail, wait)
            limited.hint = hint
            return limited
        if issubclass(rule.error, AuthError) and not hint:
            return self.auth_error(op, failure.detail)
        return rule.error(self.name, op, failure.detail, hint)

    def hint_fields(self, op: str) -> dict[str, object]:
        """The values an error hint may name: ``{env}``, ``{account}``, ``{path}``, ``{chat}``."""
        return {
            "env": self.account.token_env,
            "account": self.account.name,
            "path": self.account.path,
            "chat": self.account.account_id,
            "network": self.name,
        }

    @abstractmethod
    def verify(self) -> AccountInfo:
        """Check that the token works and has the rights; raise AuthError if not."""

    @abstractmethod
    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        """Publish ``post``; ``key`` identifies it for idempotency and reconciliation."""

    @abstractmethod
    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """Change a published post in place (only when ``capabilities.can_edit``)."""

    @abstractmethod
    def delete(self, ref: RemoteRef) -> None:
        """Remove a published post and every message that makes it up."""

    def prepare(self, upcoming: Sequence[tuple[RenderedPost, str]]) -> None:
        """Before ``publish(*upcoming[0])``: the posts (with their keys) this run sends next.

        An adapter may start work nobody can see for them (Instagram creates media containers
        ahead, so they are processed while earlier posts go out), and raises ``RateLimited``
        when the network's budget or publishing limit cannot take ``upcoming[0]`` now, so the
        engine leaves it and the rest for the next run before recording any intent. It never
        makes anything visible, so a crash after it leaves nothing to reconcile.
        """
        return None

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """After an interrupted publish: is the post there? ``UNKNOWN`` if we cannot tell."""
        return FindResult.UNKNOWN

    def repost(self, source: Account, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """Repost ``ref``, the post as our account ``source`` published it on this network,
        onto this account (``capabilities.repost``); ``post`` is this account's rendering, for
        its options (``silent``). Returns the repost, which ``delete`` removes."""
        raise self.unsupported("repost")

    def find_repost(self, source: Account, ref: RemoteRef) -> RemoteRef | FindResult:
        """After an interrupted repost: is the repost of ``ref`` there? ``UNKNOWN`` if we
        cannot tell."""
        return FindResult.UNKNOWN

    # -- comments, moderation and replies (declared by ``capabilities``) -----------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Comments under a published post, oldest first, newer than ``since`` if given."""
        raise self.unsupported("comments")

    def messages(self, since: datetime | None = None) -> list[Comment]:
        """Direct messages to the account (``capabilities.messages``), oldest first."""
        raise self.unsupported("messages")

    def open_messages(self, query: OpenQuery) -> list[Comment]:
        """Posts and comments by anyone, found in the open (see ``OpenQuery``), oldest first;
        each with ``extra["owner_id"]`` (the wall) and ``extra["kind"]`` (post or comment)."""
        raise self.unsupported("open_messages")

    def delete_comment(self, comment: Comment) -> None:
        """Remove a comment (``capabilities.delete_comment``); one already gone is fine."""
        raise self.unsupported("delete_comment")

    def hide_comment(self, comment: Comment) -> None:
        """Hide a comment from everyone but its author (``capabilities.hide_comment``)."""
        raise self.unsupported("hide_comment")

    def ban(self, comment: Comment, until: datetime | None) -> None:
        """Blacklist the comment's author until ``until`` (None: for good) (``ban``)."""
        raise self.unsupported("ban")

    def restore_comment(self, comment: Comment) -> None:
        """Bring back a deleted comment (``capabilities.restore_comment``)."""
        raise self.unsupported("restore_comment")

    def unban(self, author_id: str) -> None:
        """Lift a ban (``capabilities.ban``)."""
        raise self.unsupported("unban")

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer a comment or message as the account (``capabilities.reply``)."""
        raise self.unsupported("reply")

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Set the profile fields the network's API allows (``capabilities.profile``);
        return the names of the fields set."""
        raise self.unsupported("set_profile")

    def shown_profile(self) -> Mapping[str, str]:
        """The profile's text fields (``title``, ``description``, ``website``) as the network
        shows them now, where its API reads them back: a step a person takes by hand (a field
        no API sets) is seen done here. Empty where the network cannot tell."""
        return {}

    # -- reach figures (declared by ``capabilities.stats``) ------------------------------------

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """What the network says now of the published posts ``refs``, by remote id, batched
        where its API batches; a post it no longer has is left out."""
        raise self.unsupported("post_figures")

    def followers(self) -> int:
        """How many people follow the account now (``"followers" in capabilities.stats``)."""
        raise self.unsupported("followers")

    def account_facts(self) -> AccountFacts:
        """The account's page as the network shows it now (``accounts audit``): its profile's
        text where the API reads it back, and nothing else unless the adapter knows more."""
        shown = self.shown_profile()
        return AccountFacts(description=shown.get("description"), website=shown.get("website"))

    # -- contests (``capabilities.contest_entries``) ------------------------------------------

    def entrants(self, ref: RemoteRef, entry: EntryKind) -> list[Entrant]:
        """Everyone who took part in a contest under ``ref`` by ``entry``: commenters from
        ``comments`` here; an adapter whose network shows reposts or voters adds those."""
        if entry != "comment" or not self.capabilities.comments:
            raise self.unsupported(f"contest:{entry}")
        return [
            Entrant(c.network, c.author_id, c.author_name, c.author_url, c.created_at, c.text)
            for c in self.comments(ref)
            if c.author_id and not c.is_direct
        ]

    # -- broadcasts (``capabilities.live``) ----------------------------------------------------

    def start_live(self, title: str, description: str) -> Broadcast:
        """Create a broadcast waiting for its stream. The network's answer carries the stream
        key, which is dropped here: ``stream_key`` asks for it when a person needs it."""
        raise self.unsupported("start_live")

    def stream_key(self, broadcast: Broadcast) -> tuple[str, Secret]:
        """The server address and the stream key of ``broadcast``, for the broadcaster."""
        raise self.unsupported("stream_key")

    def live_status(self, broadcast: Broadcast) -> Broadcast:
        """The broadcast as the network shows it now (its ``status``)."""
        raise self.unsupported("live_status")

    def stop_live(self, broadcast: Broadcast) -> None:
        """End the broadcast."""
        raise self.unsupported("stop_live")

    def unsupported(self, op: str) -> Rejected:
        """The error for an operation this network's API does not offer."""
        return Rejected(
            self.name,
            op,
            _("{network} has no API for this", network=self.title),
            _("Do it by hand in the network's own interface."),
        )

    def auth_error(self, op: str, detail: str, role: str = "main") -> AuthError:
        """An AuthError whose hint names the secret to renew."""
        env = self.account.token_env
        if role != "main":
            env = self.account.extra_token_envs.get(role, env)
        hint = _(
            "Renew the secret {env} (network {network}, account {account}).",
            env=env,
            network=self.name,
            account=self.account.name,
        )
        return AuthError(self.name, op, detail, hint)


def shown_texts(**values: object) -> dict[str, str]:
    """``shown_profile``'s answer from what a network gave: the fields it gave as text."""
    return {name: value for name, value in values.items() if isinstance(value, str)}


def new_http_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The httpx client every adapter shares: our timeouts, no redirects, no request logging."""
    return httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=False)
