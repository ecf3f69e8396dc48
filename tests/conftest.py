"""Shared fixtures: a clean environment, a fake clock, the in-process sandbox, temp repositories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from publisher import i18n
from publisher.clock import FakeClock
from publisher.model import Account
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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(tmp_path: Path, clock: FakeClock) -> Callable[..., Sandbox]:
    """Build a sandbox over a temp state directory: ``make_sandbox("vk", faults=...)``."""

    def build(*networks: str, faults: Faults | None = None) -> Sandbox:
        return Sandbox(
            tmp_path / "sandbox", clock=clock, faults=faults or Faults(), networks=networks or None
        )

    return build


@pytest.fixture
def sandbox_http() -> Callable[[Sandbox], httpx.Client]:
    """An httpx client whose requests go to the sandbox's emulators."""
    clients: list[httpx.Client] = []

    def build(sandbox: Sandbox) -> httpx.Client:
        client = httpx.Client(transport=sandbox.transport())
        clients.append(client)
        return client

    yield build  # type: ignore[misc]
    for client in clients:
        client.close()


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
