"""Reposts between our own accounts (``repost_from:``): VK's ``wall.repost`` and Telegram's
``forwardMessage``, request by request, with their errors and the look after a crash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import Scripted, make_account

from publisher.core.clock import FakeClock
from publisher.core.errors import AuthError, NotFound, PostingLimit, Rejected, Transient
from publisher.core.i18n import set_language
from publisher.core.model import RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks import ADAPTERS, adapter_class
from publisher.networks.base import Adapter, FindResult, Tokens
from publisher.networks.telegram import TelegramAdapter
from publisher.networks.vk import VkAdapter

VK_TOKEN = "vk1.a.user-token-0123456789abcdef"  # pragma: allowlist secret
BOT_TOKEN = "123456789:AAHsecretsecretsecretsecretsecret12"  # pragma: allowlist secret
BOT = f"https://api.telegram.org/bot{BOT_TOKEN}"

DISTRICT_VK = make_account("vk", name="district-vk", account_id="1001", token_env="VK_TOKEN")
BRATSKOE_VK = make_account("vk", name="bratskoe-vk", account_id="1002", token_env="VK_TOKEN")
DISTRICT_TG = make_account(
    "telegram", name="district-tg", account_id="@district", token_env="BOT_TOKEN"
)
HEAD_TG = make_account("telegram", name="head-tg", account_id="@head", token_env="BOT_TOKEN")


@pytest.fixture
def http(scripted: Scripted) -> Iterator[httpx.Client]:
    with httpx.Client(transport=scripted) as client:
        yield client


def vk(http: httpx.Client, clock: FakeClock) -> VkAdapter:
    return VkAdapter(BRATSKOE_VK, Tokens(Secret(VK_TOKEN, "VK_TOKEN")), http, clock=clock)


def telegram(http: httpx.Client, clock: FakeClock) -> TelegramAdapter:
    return TelegramAdapter(HEAD_TG, Tokens(Secret(BOT_TOKEN, "BOT_TOKEN")), http, clock=clock)


def rendered(network: str, **options: Any) -> RenderedPost:
    return RenderedPost(post_id="fair", network=network, parts=("Ярмарка",), options=options)


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


def vk_error(code: int, message: str = "error") -> dict[str, Any]:
    return {"error": {"error_code": code, "error_msg": message, "request_params": []}}


def tg_error(code: int, description: str) -> httpx.Response:
    return httpx.Response(code, json={"ok": False, "error_code": code, "description": description})


SOURCE_VK = RemoteRef("vk", "5", "https://vk.com/wall-1001_5", ("5",))


# -- VK -------------------------------------------------------------------------------------


def test_vk_reposts_the_source_wall_post_into_the_community_with_the_user_token(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    scripted.on("POST", r"/method/wall\.repost", {"response": {"success": 1, "post_id": 7}})

    ref = vk(http, clock).repost(DISTRICT_VK, SOURCE_VK, rendered("vk", silent=True))

    (request,) = scripted.requests
    assert form(request) == {
        "object": "wall-1001_5",
        "group_id": "1002",
        "mute_notifications": "1",
        "v": "5.199",
    }
    assert request.headers["Authorization"] == f"Bearer {VK_TOKEN}"
    assert VK_TOKEN not in str(request.url)
    assert (ref.remote_id, ref.url, ref.parts) == ("7", "https://vk.com/wall-1002_7", ("7",))
    assert ref.published_at == clock.now()


def test_vk_repost_without_silent_sends_no_mute_flag(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    scripted.on("POST", r"/method/wall\.repost", {"response": {"success": 1, "post_id": 8}})

    vk(http, clock).repost(DISTRICT_VK, SOURCE_VK, rendered("vk"))

    assert "mute_notifications" not in form(scripted.requests[0])


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (vk_error(214, "Access to adding post denied"), Rejected),
        (vk_error(214, "Access to adding post denied: a limit on posts per day"), PostingLimit),
        (vk_error(27, "Group authorization failed"), AuthError),
        (vk_error(104, "Not found"), NotFound),
    ],
)
def test_vk_repost_errors_come_from_the_adapters_one_table(
    scripted: Scripted, http: httpx.Client, clock: FakeClock, answer: Any, error: type[Exception]
) -> None:
    scripted.on("POST", r"/method/wall\.repost", answer)

    with pytest.raises(error):
        vk(http, clock).repost(DISTRICT_VK, SOURCE_VK, rendered("vk"))


def test_vk_repost_whose_answer_is_lost_is_uncertain_and_not_sent_again(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    scripted.on("POST", r"/method/wall\.repost", httpx.ReadTimeout("lost"))

    with pytest.raises(Transient) as raised:
        vk(http, clock).repost(DISTRICT_VK, SOURCE_VK, rendered("vk"))

    assert raised.value.uncertain
    assert len(scripted.requests) == 1


def test_vk_repost_from_an_account_with_a_malformed_id_sends_nothing(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    broken = make_account("vk", name="broken", account_id="district", token_env="VK_TOKEN")

    with pytest.raises(Rejected):
        vk(http, clock).repost(broken, SOURCE_VK, rendered("vk"))

    assert scripted.requests == []


def wall_item(post_id: int, copied: dict[str, Any] | None = None, text: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {"id": post_id, "owner_id": -1002, "date": 1_700_000_000, "text": text}
    if copied is not None:
        item["copy_history"] = [copied]
    return item


def test_vk_finds_the_repost_of_the_source_post_among_the_latest_on_its_wall(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    items = [
        wall_item(9, text="Ярмарка"),  # the same text, published afresh: not the repost
        wall_item(8, {"owner_id": -1001, "id": 4}),  # a repost of another post
        wall_item(7, {"owner_id": -1003, "id": 5}),  # the same post id on another wall
        wall_item(6, {"owner_id": -1001, "id": 5}),
    ]
    scripted.on("POST", r"/method/wall\.get", {"response": {"count": 4, "items": items}})

    found = vk(http, clock).find_repost(DISTRICT_VK, SOURCE_VK)

    assert isinstance(found, RemoteRef)
    assert (found.remote_id, found.url) == ("6", "https://vk.com/wall-1002_6")
    assert found.published_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert form(scripted.requests[0])["owner_id"] == "-1002"


def test_vk_says_absent_when_no_recent_post_reposts_the_source(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    items = [wall_item(3, text="Ярмарка"), {"id": 2, "copy_history": []}]
    scripted.on("POST", r"/method/wall\.get", {"response": {"count": 2, "items": items}})

    assert vk(http, clock).find_repost(DISTRICT_VK, SOURCE_VK) is FindResult.ABSENT


# -- Telegram -------------------------------------------------------------------------------


def forwarded(message_id: int) -> dict[str, Any]:
    return {"ok": True, "result": {"message_id": message_id, "chat": {"id": -1002}, "date": 1}}


def test_telegram_forwards_each_message_of_the_source_post_in_order(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    scripted.on("POST", "/forwardMessage", forwarded(40), forwarded(41), forwarded(42))
    source = RemoteRef("telegram", "11", "https://t.me/district/11", ("10", "11", "12"))

    ref = telegram(http, clock).repost(DISTRICT_TG, source, rendered("telegram", silent=True))

    bodies = [sent.json() for sent in scripted.received]
    assert bodies == [
        {
            "chat_id": "@head",
            "from_chat_id": "@district",
            "message_id": number,
            "disable_notification": True,
        }
        for number in (10, 11, 12)
    ]
    assert all(str(r.url) == f"{BOT}/forwardMessage" for r in scripted.requests)
    # the message that carries the text in the source carries it in the repost too
    assert (ref.remote_id, ref.parts, ref.url) == ("41", ("40", "41", "42"), "https://t.me/head/41")


def test_telegram_forward_failing_part_way_takes_back_what_it_forwarded(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    scripted.on("POST", "/forwardMessage", forwarded(40), tg_error(400, "Bad Request: oops"))
    scripted.on("POST", "/deleteMessage", {"ok": True, "result": True})
    source = RemoteRef("telegram", "10", "", ("10", "11"))

    with pytest.raises(Rejected):
        telegram(http, clock).repost(DISTRICT_TG, source, rendered("telegram"))

    (deleted,) = scripted.sent("POST", "/deleteMessage")
    assert json.loads(deleted.content) == {"chat_id": "@head", "message_id": 40}


@pytest.mark.parametrize(
    ("answer", "error", "hint"),
    [
        (tg_error(400, "Bad Request: message to forward not found"), NotFound, ""),
        (tg_error(400, "Bad Request: chat not found"), Rejected, "head-tg"),
        (tg_error(400, "Bad Request: message can't be forwarded"), Rejected, "Restrict"),
        (tg_error(403, "Forbidden: bot is not a member of the channel chat"), AuthError, "@head"),
    ],
)
def test_telegram_forward_errors_come_from_the_adapters_one_table(
    scripted: Scripted,
    http: httpx.Client,
    clock: FakeClock,
    answer: httpx.Response,
    error: type[Exception],
    hint: str,
) -> None:
    set_language("en")
    scripted.on("POST", "/forwardMessage", answer)

    with pytest.raises(error) as raised:
        telegram(http, clock).repost(DISTRICT_TG, RemoteRef("telegram", "10"), rendered("telegram"))

    assert hint in getattr(raised.value, "hint", "")
    assert BOT_TOKEN not in str(raised.value.args)


def test_telegram_cannot_tell_whether_a_forward_went_out(
    scripted: Scripted, http: httpx.Client, clock: FakeClock
) -> None:
    found = telegram(http, clock).find_repost(DISTRICT_TG, RemoteRef("telegram", "10"))

    assert found is FindResult.UNKNOWN
    assert scripted.requests == []


# -- the capability table -------------------------------------------------------------------


@pytest.mark.parametrize("network", list(ADAPTERS))
def test_a_network_reposts_exactly_when_its_capabilities_say_so(network: str) -> None:
    cls = adapter_class(network)
    assert (cls.repost is not Adapter.repost) == cls.capabilities.repost
