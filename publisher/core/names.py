"""How a reader is told which account something is on, in every report.

A repository with one account per network names the network alone, by its title: "ВКонтакте"
(never its key, "vk"). Where a network has several accounts (the district's VK community and a rural
settlement's), the account follows the network: "ВКонтакте · Братское сельское поселение", its
title from its file, or its name when it has none. An account the records name but the
repository no longer has (its file removed) is named by its name, so that two of them never
read alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from publisher.core.capabilities import network_title
from publisher.core.model import Account

SEPARATOR = " · "


class AccountNames:
    """The words for each account of a repository (``accounts``: all of them)."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        accounts = tuple(accounts)
        per_network = Counter(a.network for a in accounts)
        self.known = {a.name for a in accounts}
        #: account name -> what follows its network, for accounts on a network with several
        self.titles = {a.name: a.title or a.name for a in accounts if per_network[a.network] > 1}

    def suffix(self, network: str, account: str) -> str:
        """What to write after the network to tell the account ("" when the network says it)."""
        if account in self.titles:
            return self.titles[account]
        if account and account != network and account not in self.known:
            return account
        return ""

    def title(self, network: str, account: str) -> str:
        """The network's title and the account where needed: ``ВКонтакте · Братское …``
        (everywhere a person reads: a network's key such as ``vk`` is never shown)."""
        return _joined(network_title(network), self.suffix(network, account))


def _joined(network: str, suffix: str) -> str:
    return f"{network}{SEPARATOR}{suffix}" if suffix else network
