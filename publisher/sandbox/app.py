"""The sandbox: every emulated network behind one object, routed by host name.

``Sandbox(state_dir)`` builds the emulators listed in ``EMULATORS``; ``sandbox.transport()``
gives an httpx transport that sends each request to the emulator of its host, in-process and
with no port. Fault injection happens here, so every emulator gets it for free.
``sandbox.declare(SandboxAccount(...), ...)`` makes the sandbox hold several accounts per
network, each with its own tokens (``accounts.SandboxAccount``).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from publisher.core.clock import Clock
from publisher.sandbox.accounts import SandboxAccount
from publisher.sandbox.core import Emulator, Store
from publisher.sandbox.faults import Faults, parse_faults
from publisher.sandbox.transport import SandboxTransport

#: network name -> "module:Class" of its emulator; imported on first use
EMULATORS: dict[str, str] = {
    "vk": "publisher.sandbox.vk:VkEmulator",
    "telegram": "publisher.sandbox.telegram:TelegramEmulator",
    "ok": "publisher.sandbox.ok:OkEmulator",
    "max": "publisher.sandbox.max:MaxEmulator",
    "facebook": "publisher.sandbox.facebook:FacebookEmulator",
    "instagram": "publisher.sandbox.instagram:InstagramEmulator",
    "x": "publisher.sandbox.x:XEmulator",
}


def emulator_class(network: str) -> type[Emulator]:
    module_name, _, class_name = EMULATORS[network].partition(":")
    cls: type[Emulator] = getattr(importlib.import_module(module_name), class_name)
    return cls


class Sandbox:
    """All emulators over one state directory, with one clock and one fault plan."""

    def __init__(
        self,
        state_dir: Path,
        clock: Clock | None = None,
        faults: Faults | None = None,
        networks: tuple[str, ...] | None = None,
    ) -> None:
        self.store = Store(state_dir)
        self.clock = clock or Clock()
        if faults is None:
            faults = parse_faults(os.environ.get("PUBLISHER_SANDBOX_FAULTS"))
        self.faults = faults
        #: public URL prefix -> local folder: what "the internet" serves to emulators that fetch
        #: media by URL (Instagram); the engine maps ``media_base_url`` to the repository here
        self.media_roots: dict[str, Path] = {}
        self.emulators: dict[str, Emulator] = {}
        self._by_host: dict[str, Emulator] = {}
        for name in networks or tuple(EMULATORS):
            emulator = emulator_class(name)(self.store, self.clock)
            emulator.sandbox = self
            self.emulators[name] = emulator
            for host in emulator.hosts:
                self._by_host[host] = emulator

    def declare(self, *accounts: SandboxAccount) -> None:
        """Hold these accounts from now on, kept in the state folder, so every later run over
        it (a served page, another ``apply``) sees them; declaring one again adds its tokens.
        ValueError for an account the sandbox cannot hold."""
        for account in accounts:
            emulator = self.emulators.get(account.network)
            if emulator is None:
                if account.network not in EMULATORS:
                    raise ValueError(f"no emulated network {account.network!r}")
                emulator = emulator_class(account.network)(self.store, self.clock)
            emulator.declare(account)

    def fetch_public(self, url: str) -> Path | None:
        """The local file behind a public media URL, or None if "the internet" has none."""
        url = unquote(url)
        for prefix, root in self.media_roots.items():
            if url.startswith(prefix):
                candidate = (root / url[len(prefix) :].lstrip("/")).resolve()
                if candidate.is_file() and candidate.is_relative_to(root.resolve()):
                    return candidate
        return None

    def emulator_for(self, host: str) -> Emulator | None:
        return self._by_host.get(host.lower())

    def handle(self, emulator: Emulator, request: Request, fault: str | None) -> Response:
        """Answer one request, or the network's own error when a fault says so."""
        if fault in ("rate429", "error500"):
            return emulator.fault_response(fault)
        return emulator(request)

    def refusals(self) -> dict[str, int]:
        """Per network, the requests refused so far for going over a rate limit."""
        return {name: emulator.refusals() for name, emulator in self.emulators.items()}

    def transport(self) -> SandboxTransport:
        return SandboxTransport(self)

    def add_comment(
        self,
        network: str,
        post_id: str,
        text: str,
        author_id: str = "1001",
        author_name: str = "Житель",
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A citizen's comment (or direct message) on ``network``: for the demo and the tests."""
        return self.emulators[network].add_comment(
            post_id, text, author_id, author_name, reply_to, direct
        )

    def add_community(
        self,
        network: str,
        screen_name: str,
        name: str,
        closed: bool = False,
        groups_comment: bool = True,
    ) -> str:
        """Someone else's community on ``network`` (``Emulator.add_community``)."""
        return self.emulators[network].add_community(screen_name, name, closed, groups_comment)

    def add_open_post(
        self,
        network: str,
        community: str,
        text: str,
        author_id: str = "1001",
        author_name: str = "Житель",
        age: int = 0,
    ) -> str:
        """A resident's post on another community's wall (``Emulator.add_open_post``)."""
        return self.emulators[network].add_open_post(community, text, author_id, author_name, age)

    def add_repost(self, network: str, post_id: str, author_id: str, author_name: str) -> str:
        """A citizen reposts a post (a contest entry): for the demo and the tests."""
        return self.emulators[network].add_repost(post_id, author_id, author_name)

    def add_vote(
        self, network: str, post_id: str, author_id: str, author_name: str, answer: int
    ) -> None:
        """A citizen votes in a post's poll (a contest entry): for the demo and the tests."""
        self.emulators[network].add_vote(post_id, author_id, author_name, answer)

    def stream(self, network: str, video: str, status: str) -> None:
        """A broadcast's stream starts or ends (``started``, ``finished``), for the demo."""
        self.emulators[network].stream(video, status)

    def set_by_hand(self, network: str, account_id: str, **fields: str) -> None:
        """A person sets profile fields in the network's own settings (``Emulator.set_by_hand``)."""
        self.emulators[network].set_by_hand(account_id, **fields)

    def show(self) -> dict[str, Any]:
        """Every network's public state, the shape ``sandbox show --json`` prints."""
        return {
            name: emulator.public_view(self.store.read(name))
            for name, emulator in self.emulators.items()
        }
