"""What a network shows of an account's page, for ``accounts audit`` (account health).

The regional recommendations for official pages ask for a description with contacts and a link
to the official site, an avatar and a cover, the state-organisation mark where the network
shows one, a way for citizens to write, open comments and regular posts. A fact the network's
API does not show is ``None``: the audit then judges by the account's file, or says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccountFacts:
    """An account's page as the network shows it now; ``None``: its API does not say."""

    description: str | None = None
    website: str | None = None
    avatar: bool | None = None
    cover: bool | None = None
    #: the network's verification tick
    verified: bool | None = None
    #: the network's state-organisation mark (VK's «Государственная организация»)
    state_mark: bool | None = None
    #: citizens can write to the account (VK community messages)
    messages_open: bool | None = None
    #: citizens can comment under posts
    comments_open: bool | None = None
