"""Rate limiters follow what the network counts: VK's limit is per user token, so communities
run by one administrator share it; Telegram's 20 a minute are per chat, so two channels of one
bot are paced apart, within the bot's 30 a second over every chat."""

from __future__ import annotations

import httpx
import pytest

from publisher.core.clock import FakeClock
from publisher.core.errors import AuthError
from publisher.core.model import Account
from publisher.engine.runtime import Adapters, build_adapters
from publisher.networks.base import RateLimiter


def account(name: str, network: str, token_env: str) -> Account:
    ids = {"vk": str(1000 + len(name)), "telegram": f"@{name.replace('-', '_')}"}
    return Account(name, f"accounts/{name}.md", network, ids.get(network, "1"), token_env)


def built(clock: FakeClock, *accounts: Account, sandbox: bool = True) -> Adapters:
    mapping = {a.name: a for a in accounts}
    return build_adapters(mapping, {}, httpx.Client(), clock, sandbox=sandbox)


def limiter(adapters: Adapters, name: str) -> RateLimiter:
    found = adapters.ready[name].api.limiter
    assert found is not None
    return found


def test_vk_communities_of_one_user_token_share_its_limiter(clock: FakeClock) -> None:
    adapters = built(
        clock,
        account("district-vk", "vk", "VK_USER_TOKEN"),
        account("a-vk", "vk", "VK_USER_TOKEN"),
        account("b-vk", "vk", "VK_USER_TOKEN"),
        account("youth-vk", "vk", "VK_YOUTH_TOKEN"),
    )

    shared = limiter(adapters, "district-vk")
    assert limiter(adapters, "a-vk") is shared
    assert limiter(adapters, "b-vk") is shared
    assert limiter(adapters, "youth-vk") is not shared


def test_one_communitys_calls_make_another_of_the_same_token_wait(clock: FakeClock) -> None:
    adapters = built(
        clock, account("district-vk", "vk", "VK_USER_TOKEN"), account("a-vk", "vk", "VK_USER_TOKEN")
    )

    for name in ("district-vk", "a-vk", "district-vk"):
        with limiter(adapters, name).pace():
            pass

    assert clock.monotonic() == pytest.approx(2 / 3)  # 3 a second over both: a third apart


def test_the_same_token_on_two_networks_shares_nothing(clock: FakeClock) -> None:
    adapters = built(clock, account("vk", "vk", "TOKEN"), account("ok", "ok", "TOKEN"))

    assert limiter(adapters, "vk") is not limiter(adapters, "ok")


def test_two_channels_of_one_bot_are_paced_apart_within_the_bot(clock: FakeClock) -> None:
    adapters = built(
        clock,
        account("telegram", "telegram", "TELEGRAM_BOT_TOKEN"),
        account("head-tg", "telegram", "TELEGRAM_BOT_TOKEN"),
    )
    district, head = limiter(adapters, "telegram"), limiter(adapters, "head-tg")

    with district.pace():
        pass
    with head.pace():
        pass
    assert clock.monotonic() == pytest.approx(1 / 30)  # only the bot's 30 a second
    with district.pace():
        pass
    assert clock.monotonic() == pytest.approx(3.0)  # the channel's 20 a minute
    assert district is not head
    assert district.within is not None and district.within is head.within


def test_the_bots_limit_holds_over_every_chat(clock: FakeClock) -> None:
    channels = [account(f"tg-{i}", "telegram", "TELEGRAM_BOT_TOKEN") for i in range(45)]
    adapters = built(clock, *channels)
    seen: list[float] = []

    for _round in range(3):
        for channel in channels:
            with limiter(adapters, channel.name).pace():
                seen.append(clock.monotonic())
                clock.advance(0.01)

    gaps = [later - earlier for earlier, later in zip(seen, seen[30:], strict=False)]
    assert min(gaps) > 1.0  # no second sees 31 messages from the bot


def test_channels_of_different_bots_share_no_limiter(clock: FakeClock) -> None:
    adapters = built(
        clock,
        account("telegram", "telegram", "TELEGRAM_BOT_TOKEN"),
        account("culture-tg", "telegram", "TELEGRAM_CULTURE_BOT_TOKEN"),
    )

    district, culture = limiter(adapters, "telegram"), limiter(adapters, "culture-tg")
    assert district.within is not culture.within


def test_an_account_without_its_secret_is_unavailable_and_takes_no_limiter(
    clock: FakeClock,
) -> None:
    adapters = built(clock, account("telegram", "telegram", "TELEGRAM_BOT_TOKEN"), sandbox=False)

    assert adapters.ready == {}
    assert isinstance(adapters.unavailable["telegram"], AuthError)
