"""Reading a contest's entrants: VK comments, reposts and poll voters, page by page, against
the emulator; networks that cannot show an entry kind refuse it."""

from __future__ import annotations

import pytest
from conftest import Sandboxes, make_account

from publisher.core.clock import FakeClock
from publisher.core.errors import Rejected
from publisher.core.model import Poll, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks import vk as vk_module
from publisher.networks.base import Tokens
from publisher.networks.telegram import TelegramAdapter
from publisher.networks.vk import VkAdapter
from publisher.sandbox.app import Sandbox
from publisher.sandbox.vk import VkEmulator


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("vk")


@pytest.fixture
def adapter(sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock) -> VkAdapter:
    account = make_account("vk", account_id="123", token_env="VK_TOKEN")
    client = sandboxes.client(sandbox)
    return VkAdapter(account, Tokens(Secret("sandbox-vk-main", "VK_TOKEN")), client, clock=clock)


def publish(adapter: VkAdapter, poll: Poll | None = None) -> RemoteRef:
    post = RenderedPost("konkurs", "vk", ("Конкурс!",), poll=poll)
    return adapter.publish(post, "key-konkurs")


def test_reposts_are_read_over_several_pages(
    adapter: VkAdapter, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vk_module, "REPOSTS_PAGE", 2)
    monkeypatch.setattr(VkEmulator, "entrants_page_max", 2)
    ref = publish(adapter)
    for user in ("501", "502", "503", "504", "505"):
        sandbox.add_repost("vk", ref.remote_id, user, f"Житель {user}")
    found = adapter.entrants(ref, "repost")
    assert sorted(e.person for e in found) == ["501", "502", "503", "504", "505"]
    assert found[0].url == "https://vk.com/id501" and found[0].name == "Житель 501"
    assert found[0].at is not None  # five entrants over pages of two: every page was read


def test_voters_of_a_public_poll_over_several_pages(
    adapter: VkAdapter, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vk_module, "VOTERS_PAGE", 2)
    monkeypatch.setattr(VkEmulator, "entrants_page_max", 2)
    ref = publish(adapter, Poll("Какая ёлка лучше?", ("Первая", "Вторая")))
    for user, answer in (("601", 1), ("602", 2), ("603", 1), ("604", 1), ("605", 2)):
        sandbox.add_vote("vk", ref.remote_id, user, "Житель", answer)
    found = adapter.entrants(ref, "poll")
    assert sorted(e.person for e in found) == ["601", "602", "603", "604", "605"]


def test_commenters_are_entrants_with_their_text(adapter: VkAdapter, sandbox: Sandbox) -> None:
    ref = publish(adapter)
    sandbox.add_comment("vk", ref.remote_id, "Участвую! ёлка", "701", "Анна")
    [entrant] = adapter.entrants(ref, "comment")
    assert (entrant.person, entrant.name, entrant.text) == ("701", "Анна", "Участвую! ёлка")


def test_a_post_without_a_poll_has_no_voters(adapter: VkAdapter) -> None:
    with pytest.raises(Rejected):
        adapter.entrants(publish(adapter), "poll")


def test_an_anonymous_poll_shows_no_voters(adapter: VkAdapter, sandbox: Sandbox) -> None:
    ref = publish(adapter, Poll("Вопрос?", ("Да", "Нет")))
    with sandbox.store.transaction("vk") as state:
        for poll in state["polls"].values():
            poll["anonymous"] = True
    with pytest.raises(Rejected):
        adapter.entrants(ref, "poll")


def test_telegram_cannot_show_reposts_or_voters(clock: FakeClock) -> None:
    import httpx

    account = make_account("telegram", account_id="@kanal")
    with httpx.Client() as client:
        adapter = TelegramAdapter(account, Tokens(Secret("1:x", "T")), client, clock=clock)
        for entry in ("repost", "poll"):
            with pytest.raises(Rejected):
                adapter.entrants(RemoteRef("telegram", "1"), entry)  # type: ignore[arg-type]
