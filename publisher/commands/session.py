"""The workspace a command acts on: the repository, and the sandbox when ``--sandbox`` is given.

``cli.py`` imports this module at start-up for ``Deps``, so it imports nothing heavy itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from publisher.core.clock import Clock
    from publisher.engine.workspace import Workspace
    from publisher.sandbox.app import Sandbox
    from publisher.sandbox.faults import Faults


@dataclass
class Deps:
    """What tests may inject: a clock, an environment, the Git host's HTTP (defaults: real)."""

    clock: Clock | None = None
    env: Mapping[str, str] | None = None
    forge_transport: httpx.BaseTransport | None = None


def open_session(repo: Path, sandbox_dir: Path | None, deps: Deps) -> Workspace:
    """The workspace of ``repo``; with ``sandbox_dir``, every network call goes to the sandbox
    kept there (faults from ``PUBLISHER_SANDBOX_FAULTS``)."""
    from publisher.core.clock import Clock
    from publisher.engine.workspace import open_workspace

    clock = deps.clock or Clock()
    transport = None
    if sandbox_dir is not None:
        env = deps.env if deps.env is not None else os.environ
        faults = _faults(env.get("PUBLISHER_SANDBOX_FAULTS"))
        transport = open_sandbox(repo, sandbox_dir, clock, faults).transport()
    return open_workspace(repo, clock, deps.env, sandbox_dir, transport)


def open_sandbox(repo: Path, state: Path, clock: Clock, faults: Faults | None = None) -> Sandbox:
    """The sandbox kept in ``state``, serving the repository's files at ``media_base_url``
    (``faults`` None: from the process's environment)."""
    from publisher.core.config import load_config
    from publisher.sandbox.app import Sandbox

    sandbox = Sandbox(state, clock=clock, faults=faults)
    config, _problems = load_config(repo)
    if config.media_base_url:
        sandbox.media_roots[config.media_base_url] = repo
    return sandbox


def declare_accounts(sandbox: Sandbox, ws: Workspace) -> None:
    """Make the sandbox hold the repository's accounts, each with the tokens a run without
    secrets is given (``runtime.sandbox_token``): then a token used on another account's
    community, channel or page is refused as the network would refuse it. A network whose
    adapter declares a community token role (VK) gets that token too."""
    from publisher.engine.runtime import read_tokens
    from publisher.engine.workspace import primary_secrets
    from publisher.sandbox.accounts import SandboxAccount

    content = ws.load()
    primary = primary_secrets(content)
    for account in content.accounts:
        tokens = read_tokens(account, {}, True, primary.get(account.network))
        community = tokens.extras.get("community")
        sandbox.declare(
            SandboxAccount(
                account.network,
                account.account_id,
                tokens=(tokens.main.reveal(),),
                community_tokens=(community.reveal(),) if community else (),
                title=account.title,
                username=str(account.settings.get("handle") or "").lstrip("@"),
            )
        )


def _faults(spec: str | None) -> Faults:
    from publisher.core.errors import ConfigError
    from publisher.core.i18n import _
    from publisher.sandbox.faults import FaultSpecError, parse_faults

    try:
        return parse_faults(spec)
    except FaultSpecError as exc:
        raise ConfigError(_("PUBLISHER_SANDBOX_FAULTS: {error}", error=exc)) from None
