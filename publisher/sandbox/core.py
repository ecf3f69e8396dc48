"""The sandbox's shared machinery: persistent state, uploads, rate windows, the emulator base.

Each network's emulator (``sandbox/<network>.py``) subclasses ``Emulator``: it routes its API
paths with werkzeug, keeps its state as JSON under the state directory, and answers in that
network's own shapes. State is read and written under a file lock, so several processes (two
``apply`` runs, a served web page) can share one directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol

from markupsafe import Markup
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from publisher.core.clock import Clock
from publisher.sandbox.accounts import (
    SandboxAccount,
    check_declared,
    record_declared,
    token_digest,
)
from publisher.state.atomic import write_atomic

UPLOAD_COPY_CHUNK = 1024 * 1024
SANDBOX_TOKEN_PREFIX = "sandbox-"


class Store:
    """State of every emulated network under one directory, shared safely between processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "files").mkdir(exist_ok=True)
        self._thread_lock = threading.RLock()

    def _path(self, network: str) -> Path:
        return self.root / f"{network}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock, open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read(self, network: str) -> dict[str, Any]:
        with self._locked():
            return self._load(network)

    def _load(self, network: str) -> dict[str, Any]:
        path = self._path(network)
        if not path.exists():
            return {}
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    @contextlib.contextmanager
    def transaction(self, network: str) -> Iterator[dict[str, Any]]:
        """Yield the network's state; it is saved atomically if the block ends normally."""
        with self._locked():
            state = self._load(network)
            yield state
            self._save(network, state)

    def _save(self, network: str, state: dict[str, Any]) -> None:
        text = json.dumps(state, ensure_ascii=False, indent=1)
        write_atomic(self._path(network), text, prefix=f".{network}.", durable=False)

    def save_upload(self, stream: IO[bytes], suffix: str = "") -> tuple[str, int]:
        """Copy an uploaded file to disk in chunks; return its file name and size."""
        fd, tmp = tempfile.mkstemp(dir=self.root / "files", suffix=suffix)
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, UPLOAD_COPY_CHUNK)
            size = out.tell()
        return Path(tmp).name, size

    def file_path(self, name: str) -> Path:
        return self.root / "files" / Path(name).name

    def networks(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.json") if not p.stem.startswith("_"))


class RateWindow:
    """Counts requests per key in a sliding one-second window, on the injected clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        #: requests refused so far (what ``make bench`` reports as flood errors)
        self.refused = 0

    def allow(self, key: str, per_second: float, window: float = 1.0) -> bool:
        now = self.clock.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and now - seen[0] >= window:
                seen.popleft()
            if len(seen) >= per_second * window:
                self.refused += 1
                return False
            seen.append(now)
            return True

    def retry_after(self, key: str, window: float = 1.0) -> float:
        """Seconds until ``key`` may be served again."""
        now = self.clock.monotonic()
        with self._lock:
            seen = self._seen.get(key)
            return max(0.0, window - (now - seen[0])) if seen else 0.0


Handler = Callable[..., Response]


class SandboxView(Protocol):
    """What an emulator sees of the sandbox around it (``app.Sandbox``): the other emulators
    (Instagram's Graph paths arrive at Facebook's host) and what "the internet" serves."""

    @property
    def emulators(self) -> Mapping[str, Emulator]: ...

    def fetch_public(self, url: str) -> Path | None: ...


class Emulator:
    """Base of every network emulator: routing, JSON answers, token bookkeeping."""

    network: ClassVar[str]
    hosts: ClassVar[tuple[str, ...]]
    rules: ClassVar[list[Rule]]
    #: werkzeug URL converters the rules use (Facebook's ``<version:v>``)
    converters: ClassVar[dict[str, Any]] = {}

    sandbox: SandboxView

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.rates = RateWindow(clock)
        # each Map gets copies: werkzeug binds a Rule to one Map, and a process may hold
        # several sandboxes
        self.url_map = Map(
            [rule.empty() for rule in self.rules], strict_slashes=False, converters=self.converters
        )

    def __call__(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except NotFound:
            return self.not_found(request)
        except HTTPException as exc:
            return Response(exc.description or "", status=exc.code or 400)
        handler: Handler = getattr(self, f"on_{endpoint}")
        return handler(request, **values)

    def not_found(self, request: Request) -> Response:
        return Response("Not Found", status=404)

    def fault_response(self, kind: str) -> Response:
        """This network's answer when rate-limited (``rate429``) or broken (``error500``)."""
        raise NotImplementedError

    @staticmethod
    def json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(data, ensure_ascii=False)
        return Response(body, status=status, headers=headers, content_type="application/json")

    def now(self) -> int:
        return int(self.clock.now().timestamp())

    def is_revoked(self, token: str) -> bool:
        state = self.store.read("_tokens")
        return token_digest(token) in state.get("revoked", [])

    def refusals(self) -> int:
        """Requests refused so far for going over a rate limit (VK error 6, OK FLOOD_BLOCKED,
        429), not counting injected faults."""
        return self.rates.refused

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        """The state as ``sandbox show --json`` prints it: ``{"posts": [...], ...}``."""
        return {"posts": state.get("posts", [])}

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """An HTML fragment showing the feed the way this network shows it (a template of
        ``sandbox/templates`` rendered by ``sandbox.pages``: all text escaped)."""
        return Markup()

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """What a citizen does: comment under post ``post_id`` (the id ``public_view`` shows),
        or send the account a direct message; return the new comment's id."""
        raise NotImplementedError(f"{self.network}: the sandbox has no comments")

    def add_community(
        self, screen_name: str, name: str, closed: bool = False, groups_comment: bool = True
    ) -> str:
        """Someone else's community or public page, for the open sources ``inbox collect``
        reads (``monitoring.yml``); return its id."""
        raise NotImplementedError(f"{self.network}: the sandbox has no other people's pages")

    def add_open_post(
        self, community: str, text: str, author_id: str, author_name: str, age: int = 0
    ) -> str:
        """A resident's post on another community's wall, ``age`` seconds ago; its id."""
        raise NotImplementedError(f"{self.network}: the sandbox has no other people's pages")

    def add_repost(self, post_id: str, author_id: str, author_name: str) -> str:
        """What a citizen does for a contest: repost post ``post_id`` to their own page."""
        raise NotImplementedError(f"{self.network}: the sandbox shows no reposts")

    def add_vote(self, post_id: str, author_id: str, author_name: str, answer: int) -> None:
        """What a citizen does for a contest: vote for ``answer`` (from 1) in the post's poll."""
        raise NotImplementedError(f"{self.network}: the sandbox shows no voters")

    def stream(self, video: str, status: str) -> None:
        """What a broadcaster's encoder does: start (``started``) or end (``finished``) the
        stream of broadcast ``video``."""
        raise NotImplementedError(f"{self.network}: the sandbox has no broadcasts")

    def set_by_hand(self, account_id: str, **fields: str) -> None:
        """What a person does in the network's own settings: set the profile's ``title``,
        ``description`` or ``website`` of the account ``account_id`` (for the demo and the
        tests of steps no API takes). ValueError for a field the network has not."""
        raise NotImplementedError(f"{self.network}: the sandbox has no profile to set by hand")

    def declare(self, account: SandboxAccount) -> None:
        """Hold ``account`` from now on, run by its tokens (see ``sandbox.accounts``)."""
        check_declared(account, self.network)
        with self.store.transaction(self.network) as state:
            record_declared(state, self.open_account(state, account), account)

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """Make (or find) ``account`` in this network's state, named by its title; return the
        key the network's permission checks use for it."""
        raise NotImplementedError(f"{self.network}: the sandbox holds no declared accounts")


def revoke_token(store: Store, token: str) -> None:
    """Make every emulator refuse ``token`` from now on, as a revoked real token would be."""
    with store.transaction("_tokens") as state:
        revoked = state.setdefault("revoked", [])
        if token_digest(token) not in revoked:
            revoked.append(token_digest(token))


def next_id(state: dict[str, Any], counter: str = "next_id", start: int = 1) -> int:
    """A per-network increasing id kept in the state."""
    value = int(state.get(counter, start))
    state[counter] = value + 1
    return value
