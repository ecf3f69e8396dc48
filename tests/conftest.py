"""Shared fixtures: a clean environment, a fake clock, the in-process sandbox, temp repositories."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from publisher.content.context import build_context
from publisher.content.load import Content
from publisher.core import i18n
from publisher.core.clock import FakeClock
from publisher.core.model import Account, Plan
from publisher.engine.plan import PlanContext, ResultEntries, build_plan, renderings_wanted
from publisher.engine.workspace import Workspace, open_workspace
from publisher.sandbox.app import Sandbox
from publisher.sandbox.faults import Faults


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's tokens, language or sandbox faults."""
    for name in list(os.environ):
        if (
            name.startswith(("PUBLISHER_", "GITHUB_", "GITLAB_", "CI_"))
            or name.endswith(("_TOKEN", "_SECRET"))
            or name in ("CI", "GITLAB_CI")
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Officer")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "officer@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Officer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "officer@example.org")
    i18n.set_language("ru")
    yield
    i18n.set_language("ru")


@pytest.fixture(autouse=True)
def user_cache_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The user cache folder (publisher's cache of a folder outside Git) of this test alone."""
    home = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Sandboxes:
    """The tests' one way to the sandbox. ``sandboxes("vk", faults=...)`` builds a sandbox of
    the named networks (all if none) over ``sandboxes.state``, with the test's clock and no
    faults unless given; ``sandboxes.client(box)`` is an httpx client into it, closed when the
    test ends. Sandboxes over one folder share the networks' state, as two processes would."""

    def __init__(self, state: Path, clock: FakeClock) -> None:
        self.state = state
        self.clock = clock
        self._clients: list[httpx.Client] = []

    def __call__(
        self, *networks: str, faults: Faults | None = None, state: Path | None = None
    ) -> Sandbox:
        return Sandbox(
            state or self.state,
            clock=self.clock,
            faults=faults or Faults(),
            networks=networks or None,
        )

    def client(self, sandbox: Sandbox) -> httpx.Client:
        client = httpx.Client(transport=sandbox.transport())
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()


@pytest.fixture
def sandboxes(tmp_path: Path, clock: FakeClock) -> Iterator[Sandboxes]:
    """Sandboxes and their clients for this test (see ``Sandboxes``)."""
    factory = Sandboxes(tmp_path / "sandbox", clock)
    yield factory
    factory.close()


def make_account(network: str, **fields: Any) -> Account:
    """An account for adapter tests, with sensible defaults per field."""
    defaults: dict[str, Any] = {
        "name": network,
        "path": f"accounts/{network}.md",
        "network": network,
        "account_id": "1",
        "token_env": f"{network.upper()}_TOKEN",
    }
    defaults.update(fields)
    return Account(**defaults)


def plan_of(
    content: Content, result_entries: ResultEntries, ctx: PlanContext, preview: bool = False
) -> Plan:
    """``build_plan`` with the renderings it asks for, made as a run makes them (no cache)."""
    wanted = renderings_wanted(content, result_entries, ctx, preview)
    context = build_context(content, ctx.config, ctx.capabilities, render=wanted.render)
    return build_plan(content, context.renderings, result_entries, ctx, wanted.unchanged)


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def jpeg_bytes(width: int = 1080, height: int = 1080, color: str = "navy") -> bytes:
    """A real JPEG image, small on disk."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def mp4_bytes(seconds: float, timescale: int = 1000) -> bytes:
    """The smallest MP4 whose header states a play time: ``ftyp`` and a ``moov`` holding only
    ``mvhd`` (version 0: times, timescale, duration, then 80 bytes of rate, matrix and ids)."""
    import struct

    def box(name: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), name) + payload

    duration = round(seconds * timescale)
    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, timescale, duration) + bytes(80))
    return box(b"ftyp", b"isom\0\0\2\0isommp41") + box(b"moov", mvhd)


VK_ACCOUNT = """---
network: vk
id: "1001"
token_env: VK_USER_TOKEN
secrets:
  community: VK_COMMUNITY_TOKEN
---
Описание сообщества.
"""

TELEGRAM_ACCOUNT = """---
network: telegram
id: "@test_channel"
token_env: TELEGRAM_BOT_TOKEN
---
Описание канала.
"""

BASE_CONFIG = """timezone: Europe/Moscow
default_networks: [vk, telegram]
"""


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A temporary Git repository with the given files committed (accounts for vk and telegram
    unless ``accounts=False``)."""
    import git

    def build(files: dict[str, str | bytes] | None = None, accounts: bool = True) -> Path:
        root = tmp_path / "repo"
        root.mkdir()
        base: dict[str, str | bytes] = {"publisher.yml": BASE_CONFIG}
        if accounts:
            base.update({"accounts/vk.md": VK_ACCOUNT, "accounts/telegram.md": TELEGRAM_ACCOUNT})
        base.update(files or {})
        write_files(root, base)
        repo = git.Repo.init(root, initial_branch="main")
        repo.git.add("--all")
        repo.git.commit("-m", "Initial content")
        return root

    return build


OK_ACCOUNT = """---
network: ok
id: "70000001234567"
token_env: OK_ACCESS_TOKEN
secrets:
  app_secret: OK_APP_SECRET
settings:
  application_key: CBAPUBLICKEYEXAMPLE
---
Группа администрации.
"""

INSTAGRAM_ACCOUNT = """---
network: instagram
id: "17841400000000001"
token_env: INSTAGRAM_TOKEN
---
Фото и новости администрации.
"""


class Publisher:
    """Runs publisher commands through the CLI on one repository and one sandbox."""

    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.state, self.clock = sandboxes.state, sandboxes.clock

    def __call__(self, *args: str) -> Any:
        from click.testing import CliRunner

        from publisher.cli import Deps, main

        prefix = ["--repo", str(self.repo), "--sandbox", str(self.state)]
        return CliRunner().invoke(main, [*prefix, *args], obj=Deps(self.clock, {}))

    def feed(self, network: str) -> list[dict[str, Any]]:
        posts: list[dict[str, Any]] = self.sandboxes().show()[network]["posts"]
        return posts

    def git(self, *args: str) -> str:
        import git

        return str(git.Repo(self.repo).git.execute(["git", *args]))

    def texts(self, network: str) -> list[str]:
        """The text of every post in the network's sandbox feed."""
        return [str(post.get("text") or post.get("caption") or "") for post in self.feed(network)]

    def received(self) -> bytes:
        """Every byte the sandbox networks keep: their state and the files uploaded to them."""
        files = sorted(p for p in self.state.rglob("*") if p.is_file())
        return b"".join(p.read_bytes() for p in files)


@pytest.fixture
def sandboxed(tmp_path: Path, clock: FakeClock) -> Callable[..., Workspace]:
    """``sandboxed(repo, faults=...)``: the repository's workspace on a fresh sandbox."""

    def build(repo: Path, faults: Faults | None = None) -> Workspace:
        state = tmp_path / "sandbox"
        sandbox = Sandbox(state, clock=clock, faults=faults or Faults())
        return open_workspace(repo, clock, {}, sandbox_dir=state, transport=sandbox.transport())

    return build


@pytest.fixture
def publisher(sandboxes: Sandboxes) -> Callable[[Path], Publisher]:
    """``publisher(repo)``: the CLI on ``repo`` with the test's sandbox folder."""
    return lambda repo: Publisher(repo, sandboxes)


# -- a scripted network ----------------------------------------------------------------------

#: what a scripted route answers: a response, a JSON body (answered with 200), an exception to
#: raise (a dropped connection), or a function of the request that gives one of these
Answer = httpx.Response | dict[str, Any] | list[Any] | Exception | Callable[[httpx.Request], Any]


@dataclass
class Sent:
    """One request as the scripted network received it."""

    request: httpx.Request
    #: the sizes of the body's pieces as a socket read them: a file is streamed, not held whole
    chunks: list[int]

    @property
    def body(self) -> bytes:
        return self.request.content

    @property
    def form(self) -> dict[str, str]:
        """The fields of a urlencoded body (the first value of each)."""
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Route:
    """Requests a scripted network answers alike, and the answers still to give."""

    method: str | None
    url: re.Pattern[str]
    answers: list[Answer]
    last: Answer | None = None

    def matches(self, request: httpx.Request) -> bool:
        return _matches(self.method, self.url, request)


class Scripted(httpx.BaseTransport):
    """A network that answers from a script and records every request, for adapter tests.

    ``.on(method, pattern, ...)`` adds answers for the requests whose method (None: any) and URL
    match; ``Scripted(a, b)`` answers the requests no route takes with ``a``, then ``b``.
    ``pattern`` is a regular expression the end of the URL, its query left out, must match:
    ``/2/tweets``, ``/method/wall\\.post``, ``//pu\\.vk\\.com/.*``. The first route that
    matches answers (in the order of ``on``); its answers are given in turn and the last one
    repeats. A request nothing answers fails the test. Bodies are read piece by piece, as a
    socket reads them (``Sent.chunks``).
    """

    def __init__(self, *answers: Answer) -> None:
        self.routes: list[Route] = []
        #: tried after every route
        self.anything = Route(None, _end_of_url(".*"), list(answers))
        self.received: list[Sent] = []

    def on(self, method: str | None, pattern: str, *answers: Answer) -> Scripted:
        url = _end_of_url(pattern)
        for route in self.routes:
            if (route.method, route.url) == (method, url):
                route.answers.extend(answers)
                return self
        self.routes.append(Route(method, url, list(answers)))
        return self

    @property
    def requests(self) -> list[httpx.Request]:
        return [sent.request for sent in self.received]

    @property
    def pending(self) -> list[Answer]:
        """The scripted answers no request has had yet."""
        return [answer for route in (*self.routes, self.anything) for answer in route.answers]

    def sent(self, method: str | None, pattern: str) -> list[httpx.Request]:
        """The requests received whose method and URL match, as ``on`` matches them."""
        url = _end_of_url(pattern)
        return [request for request in self.requests if _matches(method, url, request)]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        pieces = [bytes(piece) for piece in request.stream]
        request.stream = httpx.ByteStream(b"".join(pieces))
        request.read()
        self.received.append(Sent(request, [len(piece) for piece in pieces]))
        answer = self._next(request)
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)

    def _next(self, request: httpx.Request) -> Answer:
        for route in (*self.routes, self.anything):
            if route.matches(request) and (route.answers or route.last is not None):
                if route.answers:
                    route.last = route.answers.pop(0)
                return route.last
        raise AssertionError(f"unscripted request: {request.method} {request.url}")


def _end_of_url(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?:{pattern})$")


def _matches(method: str | None, regex: re.Pattern[str], request: httpx.Request) -> bool:
    url = request.url.copy_with(query=None, fragment=None)
    return method in (None, request.method) and regex.search(str(url)) is not None


@pytest.fixture
def scripted() -> Scripted:
    """A scripted network with no answers yet: ``scripted.on("POST", "/2/tweets", ...)``."""
    return Scripted()


# -- a Git host's requests --------------------------------------------------------------------

FORGE_ENVS: dict[str, dict[str, str]] = {
    "github": {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "city/smm",
        "GITHUB_TOKEN": "ghs_forge_token_value",
        "GITHUB_API_URL": "https://api.github.test",
    },
    "gitlab": {
        "GITLAB_CI": "true",
        "CI_PROJECT_ID": "city/smm",
        "GITLAB_TOKEN": "glpat-forge-token-value",
        "CI_API_V4_URL": "https://gitlab.test/api/v4",
    },
}


class FakeRequests(Scripted):
    """A GitHub or GitLab that keeps the requests opened on it (``opened``, as the API lists
    them), lists them by head branch as each host filters, and fails the test if a request
    leaves its API address or lacks its token. ``refuse`` answers every new request with it."""

    def __init__(
        self,
        kind: str,
        existing: list[dict[str, Any]] | None = None,
        refuse: Answer | None = None,
    ) -> None:
        super().__init__()
        self.kind, self.refuse = kind, refuse
        self.opened: list[dict[str, Any]] = list(existing or [])
        path = (
            "/repos/city/smm/pulls" if kind == "github" else "/projects/city%2Fsmm/merge_requests"
        )
        self.host = "api.github.test" if kind == "github" else "gitlab.test"
        self.on("GET", path, self._list)
        self.on("POST", path, self._open)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == self.host, request.url
        if self.kind == "github":
            assert request.headers["Authorization"] == "Bearer ghs_forge_token_value"
        else:
            assert request.headers["PRIVATE-TOKEN"] == "glpat-forge-token-value"
        return super().handle_request(request)

    def head(self, request: dict[str, Any]) -> str:
        return str(request["head"]["ref"] if self.kind == "github" else request["source_branch"])

    def _list(self, request: httpx.Request) -> list[dict[str, Any]]:
        if self.kind == "github":
            owner, _sep, branch = request.url.params["head"].partition(":")
            assert owner == "city" and request.url.params["state"] == "all"
        else:
            branch = request.url.params["source_branch"]
            assert "state" not in request.url.params  # every state
        return [r for r in self.opened if self.head(r) == branch]

    def _open(self, request: httpx.Request) -> Answer:
        if self.refuse is not None:
            return self.refuse
        sent = json.loads(request.content)
        number = len(self.opened) + 1
        if self.kind == "github":
            made = {
                **sent,
                "number": number,
                "state": "open",
                "head": {"ref": sent["head"]},
                "base": {"ref": sent["base"]},
                "html_url": f"https://github.test/city/smm/pull/{number}",
            }
        else:
            made = {**sent, "iid": number, "state": "opened"}
            made["web_url"] = f"https://gitlab.test/city/smm/-/merge_requests/{number}"
        self.opened.append(made)
        return httpx.Response(201, json=made)
