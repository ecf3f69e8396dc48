"""Build the adapters for a run: tokens from the environment, one HTTP client, rate limiters.

This is where the environment is read; adapters never read it themselves. With a sandbox, a
missing token is replaced by a sandbox token, and a token that is set is used as it is (and
masked in every output like any other).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from publisher.core.capabilities import Capabilities
from publisher.core.clock import Clock
from publisher.core.errors import AuthError, NetworkError
from publisher.core.i18n import _
from publisher.core.model import Account
from publisher.core.redact import Secret
from publisher.networks import adapter_class
from publisher.networks.base import Adapter, RateLimiter, Tokens


def sandbox_token(network: str, role: str, secret: str = "", primary: str = "") -> str:
    """The token the sandbox is given when the secret ``secret`` (for ``role``) is not set.

    Accounts that name the same secret get the same token (one VK administrator's key for every
    community, one bot in several channels); another secret gets a token of its own (each VK
    community's own key). The secret of the network's default account (``primary``, or any
    secret when none is given) gets the plain ``sandbox-<network>-<role>``.
    """
    plain = f"sandbox-{network}-{role}"
    if not secret or not primary or secret == primary:
        return plain
    return f"{plain}-{secret.lower()}"


def read_tokens(
    account: Account,
    env: Mapping[str, str],
    sandbox: bool,
    primary: Mapping[str, str] | None = None,
) -> Tokens:
    """The account's secrets from the environment; AuthError names the first missing one.
    (``primary``: the secret names of the network's default account by role, for
    ``sandbox_token``.)"""
    roles = secret_names(account)
    secrets: dict[str, Secret] = {}
    for role, name in roles.items():
        value = env.get(name, "").strip() if name else ""
        if not value and sandbox:
            value = sandbox_token(account.network, role, name, (primary or {}).get(role, ""))
        if not value:
            raise AuthError(
                account.network,
                "token",
                _("the environment variable {env} is not set", env=name or "?"),
                _("Add the secret {env} to the CI environment (see README, tokens).", env=name),
            )
        secrets[role] = Secret(value, name)
    main = secrets.pop("main")
    return Tokens(main, secrets)


def secret_names(account: Account) -> dict[str, str]:
    """The account's secret names by role (``main`` for ``token_env``)."""
    return {"main": account.token_env, **account.extra_token_envs}


@dataclass
class Adapters:
    """Adapters for the accounts a run needs (by account name), and why the others could not
    be built."""

    ready: dict[str, Adapter]
    unavailable: dict[str, NetworkError]


def build_adapters(
    accounts: Mapping[str, Account],
    env: Mapping[str, str],
    http: httpx.Client,
    clock: Clock,
    sandbox: bool,
    primary: Mapping[str, Mapping[str, str]] | None = None,
) -> Adapters:
    """One adapter per account (by name); a missing secret disables its account
    (``primary``: the default accounts' secret names by network, see ``sandbox_token``).

    Rate limiters go where the network counts (``limiter_for``).
    """
    ready: dict[str, Adapter] = {}
    unavailable: dict[str, NetworkError] = {}
    limiters: dict[tuple[str, str], RateLimiter] = {}
    for name, account in accounts.items():
        cls = adapter_class(account.network)
        try:
            tokens = read_tokens(account, env, sandbox, (primary or {}).get(account.network))
        except AuthError as error:
            unavailable[name] = error
            continue
        limiter = limiter_for(account, cls.capabilities, clock, limiters)
        ready[name] = cls(account, tokens, http, limiter=limiter, clock=clock)
    return Adapters(ready, unavailable)


def limiter_for(
    account: Account,
    caps: Capabilities,
    clock: Clock,
    shared: dict[tuple[str, str], RateLimiter],
) -> RateLimiter:
    """The account's rate limiter; ``shared`` holds the limiters of the tokens met so far.

    Accounts that use the same token (the same secret in ``token_env``; its value stays put)
    share one limiter where the network counts calls per token: VK's 3 a second per user token,
    whichever community it posts to, so two adapters pacing themselves apart would together go
    over it. Where the network counts per account (Telegram's 20 a minute per chat), each
    account has its own limiter, within the one its token shares (the bot's 30 a second over
    every chat): one limiter for two channels would halve their pace for nothing.
    """
    token = (account.network, account.token_env)
    if token not in shared:
        rate, window = caps.requests_per_second, caps.rate_window
        if caps.rate_per_account:  # the token's own limit over its accounts (0: none)
            rate, window = caps.token_requests_per_second, 1.0
        shared[token] = RateLimiter(rate, clock, window)
    if not caps.rate_per_account:
        return shared[token]
    return RateLimiter(caps.requests_per_second, clock, caps.rate_window, within=shared[token])
