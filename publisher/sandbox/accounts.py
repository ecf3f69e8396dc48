"""The accounts each emulated network holds, and which token may act for which.

A network with no declared account makes communities, channels and pages on first
use and lets every token run every one (one account per network, as most tests want). Once a
``SandboxAccount`` is declared there (``Sandbox.declare``), the network holds many accounts,
each run by its own tokens: a token declared nowhere is refused as an invalid token, and a
declared token acting for an account it was not declared with gets the network's permission
error. The declarations live in the network's state (``accounts``, token digests only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def token_digest(token: str) -> str:
    """How the sandbox stores a token: never the value, only a digest."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SandboxAccount:
    """One community, channel, page or profile the sandbox holds, and the tokens that run it."""

    #: vk, telegram, ok, max, facebook, instagram or x
    network: str
    #: the id as the network (and ``accounts/*.md``) names it: a VK community number, a
    #: Telegram ``@channel`` or ``-100…`` id, an OK group number, a Max chat id, a Facebook Page
    #: id, an Instagram professional account id, an X user id
    id: str
    #: tokens that run it: a VK administrator's user tokens, Telegram and Max bot tokens, OK
    #: access tokens, Facebook Page tokens, Instagram tokens, the X account's tokens. One token
    #: may be declared with several accounts (one VK user who administers them all, one bot
    #: in several channels)
    tokens: tuple[str, ...]
    #: VK only: community tokens, each tied to this one community
    community_tokens: tuple[str, ...] = ()
    #: its name as the network shows it (empty: a Russian name made from the id)
    title: str = ""
    #: the handle, where the network has one (an X or Instagram username)
    username: str = ""


class Owners:
    """Which declared account each token may act for, read from one network's state."""

    def __init__(self, state: Mapping[str, Any]) -> None:
        self.accounts: Mapping[str, Any] = state.get("accounts", {})

    @property
    def declared(self) -> bool:
        """Whether the network holds declared accounts (else every token runs everything)."""
        return bool(self.accounts)

    def _holds(self, entry: Mapping[str, Any], token: str) -> bool:
        digest = token_digest(token)
        return digest in entry["tokens"] or digest in entry["community_tokens"]

    def knows(self, token: str) -> bool:
        """Whether ``token`` was declared with some account."""
        return any(self._holds(entry, token) for entry in self.accounts.values())

    def may(self, token: str, account: str) -> bool:
        """Whether ``token`` may act for ``account``; any token may before any declaration."""
        if not self.declared:
            return True
        entry = self.accounts.get(account)
        return entry is not None and self._holds(entry, token)

    def accounts_of(self, token: str) -> list[str]:
        """The declared accounts ``token`` runs, in the order they were declared."""
        return [key for key, entry in self.accounts.items() if self._holds(entry, token)]

    def is_community_token(self, token: str) -> bool:
        digest = token_digest(token)
        return any(digest in entry["community_tokens"] for entry in self.accounts.values())

    def tokens_of(self, account: str) -> list[str]:
        """The digests of the tokens that run ``account`` (none if it is not declared)."""
        entry = self.accounts.get(account)
        return [*entry["tokens"], *entry["community_tokens"]] if entry else []


def check_declared(account: SandboxAccount, network: str) -> None:
    """Refuse a declaration the sandbox cannot hold (ValueError naming what is wrong)."""
    if account.network != network:
        raise ValueError(f"{network}: the account {account.id!r} is for {account.network}")
    if not account.id.strip():
        raise ValueError(f"{network}: an account needs its id")
    tokens = (*account.tokens, *account.community_tokens)
    if not account.tokens and not account.community_tokens:
        raise ValueError(f"{network}: the account {account.id} needs a token")
    if any(not isinstance(token, str) or not token.strip() for token in tokens):
        raise ValueError(f"{network}: the account {account.id} has an empty token")
    if account.community_tokens and network != "vk":
        raise ValueError(f"{network}: only VK has community tokens")


def record_declared(state: dict[str, Any], key: str, account: SandboxAccount) -> None:
    """Note in the network's state that ``account`` (``key`` there) is run by its tokens; a
    community token stays tied to one community."""
    owners = state.setdefault("accounts", {})
    community = {token_digest(token) for token in account.community_tokens}
    for other, entry in owners.items():
        if other != key and community & set(entry["community_tokens"]):
            raise ValueError(f"vk: a community token of club{other} is declared again")
    entry = owners.setdefault(key, {"tokens": [], "community_tokens": []})
    for field, tokens in (
        ("tokens", account.tokens),
        ("community_tokens", account.community_tokens),
    ):
        entry[field] = list(dict.fromkeys([*entry[field], *map(token_digest, tokens)]))
