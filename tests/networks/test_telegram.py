"""Telegram adapter: the exact Bot API requests, error mapping, and the emulator contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import jpeg_bytes, make_account

from publisher.clock import FakeClock
from publisher.errors import AuthError, NotFound, RateLimited, Rejected, Transient
from publisher.model import Media, Poll, RemoteRef, RenderedPost
from publisher.networks.base import FindResult, Tokens
from publisher.networks.telegram import TelegramAdapter
from publisher.redact import Secret
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import parse_faults

TOKEN = "123456789:AAHsecretsecretsecretsecretsecret12"
BASE = f"https://api.telegram.org/bot{TOKEN}"


def adapter(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock
) -> TelegramAdapter:
    account = make_account("telegram", account_id="@city_news", token_env="TELEGRAM_BOT_TOKEN")
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return TelegramAdapter(account, Tokens(Secret(TOKEN, "TELEGRAM_BOT_TOKEN")), http, clock=clock)


def ok(result: Any) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": result})


def message(message_id: int) -> dict[str, Any]:
    return {"message_id": message_id, "chat": {"id": -1001, "type": "channel"}, "date": 1}


def photo(tmp_path: Path, name: str = "a.jpg") -> Media:
    path = tmp_path / name
    path.write_bytes(jpeg_bytes(400, 300))
    return Media(path=path, rel=f"content/{name}", kind="photo", size=path.stat().st_size)


def post(text: str = "<b>Привет</b>", **fields: Any) -> RenderedPost:
    return RenderedPost(post_id="p", network="telegram", parts=(text,), **fields)


class Recorder:
    """A MockTransport handler answering from a queue and keeping every request."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0)

    def json(self, index: int) -> dict[str, Any]:
        return dict(json.loads(self.requests[index].content))


def test_text_post_is_one_send_message_with_html_and_options(clock: FakeClock) -> None:
    calls = Recorder(ok(message(10)))
    ref = adapter(calls, clock).publish(
        post(options={"silent": True, "link_preview": False}), "key"
    )
    assert str(calls.requests[0].url) == f"{BASE}/sendMessage"
    assert calls.json(0) == {
        "chat_id": "@city_news",
        "text": "<b>Привет</b>",
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
        "disable_notification": True,
    }
    assert ref.remote_id == "10" and ref.parts == ("10",)
    assert ref.url == "https://t.me/city_news/10"
    assert ref.extra == {"text_message": 10, "text_in_caption": False}


def test_album_carries_the_caption_and_the_poll_follows(tmp_path: Path, clock: FakeClock) -> None:
    calls = Recorder(ok([message(20), message(21)]), ok(message(22)))
    media = (photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg"))
    ref = adapter(calls, clock).publish(
        post(media=media, poll=Poll("Что?", ("Да", "Нет"), multiple=True)), "key"
    )
    group = calls.requests[0]
    assert str(group.url) == f"{BASE}/sendMediaGroup"
    body = group.content.decode("utf-8", "replace")
    assert 'name="file0"; filename="a.jpg"' in body and 'name="file1"' in body
    items = json.loads(body.split('name="media"')[1].split("\r\n\r\n", 1)[1].split("\r\n--")[0])
    assert items == [
        {
            "type": "photo",
            "media": "attach://file0",
            "caption": "<b>Привет</b>",
            "parse_mode": "HTML",
        },
        {"type": "photo", "media": "attach://file1"},
    ]
    assert calls.json(1)["options"] == [{"text": "Да"}, {"text": "Нет"}]
    assert calls.json(1)["allows_multiple_answers"] is True
    assert calls.json(1)["is_anonymous"] is True
    assert ref.parts == ("20", "21", "22")
    assert ref.extra == {"text_message": 20, "text_in_caption": True}


def test_text_too_long_for_a_caption_goes_after_the_media(tmp_path: Path, clock: FakeClock) -> None:
    calls = Recorder(ok(message(30)), ok(message(31)))
    long_text = "я" * 1500
    ref = adapter(calls, clock).publish(post(long_text, media=(photo(tmp_path),)), "key")
    assert str(calls.requests[0].url).endswith("/sendPhoto")
    assert b'name="caption"' not in calls.requests[0].content
    assert calls.json(1)["text"] == long_text
    assert ref.extra == {"text_message": 31, "text_in_caption": False}


def test_later_failure_deletes_what_was_sent(tmp_path: Path, clock: FakeClock) -> None:
    bad_poll = httpx.Response(
        400,
        json={"ok": False, "error_code": 400, "description": "Bad Request: poll must have options"},
    )
    calls = Recorder(ok(message(40)), bad_poll, ok(True))
    with pytest.raises(Rejected):
        adapter(calls, clock).publish(post(poll=Poll("?", ("a", "b"))), "key")
    assert str(calls.requests[2].url).endswith("/deleteMessage")
    assert calls.json(2) == {"chat_id": "@city_news", "message_id": 40}


def test_update_edits_text_or_caption_and_accepts_not_modified(clock: FakeClock) -> None:
    not_modified = httpx.Response(
        400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message is not modified: specified new message content",
        },
    )
    calls = Recorder(ok(message(10)), not_modified)
    client = adapter(calls, clock)
    text_ref = RemoteRef("telegram", "10", extra={"text_message": 10, "text_in_caption": False})
    client.update(text_ref, post("Новый"))
    caption_ref = RemoteRef("telegram", "20", extra={"text_message": 20, "text_in_caption": True})
    client.update(caption_ref, post("Новый"))
    assert str(calls.requests[0].url).endswith("/editMessageText")
    assert calls.json(0)["text"] == "Новый" and calls.json(0)["message_id"] == 10
    assert str(calls.requests[1].url).endswith("/editMessageCaption")
    assert calls.json(1)["caption"] == "Новый"


def test_delete_removes_every_part_and_ignores_gone_ones(clock: FakeClock) -> None:
    gone = httpx.Response(
        400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message to delete not found",
        },
    )
    calls = Recorder(ok(True), gone, ok(True))
    adapter(calls, clock).delete(RemoteRef("telegram", "1", parts=("1", "2", "3")))
    assert [calls.json(i)["message_id"] for i in range(3)] == [1, 2, 3]


def test_old_message_cannot_be_deleted_and_says_so(clock: FakeClock) -> None:
    old = httpx.Response(
        400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message can't be deleted",
        },
    )
    with pytest.raises(Rejected, match="48"):
        adapter(Recorder(old), clock).delete(RemoteRef("telegram", "1", parts=("1",)))


def test_find_cannot_tell(clock: FakeClock) -> None:
    assert adapter(Recorder(), clock).find("k", post()) is FindResult.UNKNOWN


@pytest.mark.parametrize(
    ("status", "description", "parameters", "error"),
    [
        (401, "Unauthorized", None, AuthError),
        (404, "Not Found", None, AuthError),
        (403, "Forbidden: bot is not a member of the channel chat", None, AuthError),
        (400, "Bad Request: can't parse entities", None, Rejected),
        (400, "Bad Request: message to edit not found", None, NotFound),
        (409, "Conflict", None, Rejected),
        (502, "Bad Gateway", None, Transient),
        (429, "Too Many Requests: retry after 7", {"retry_after": 7}, RateLimited),
    ],
)
def test_errors_map_to_our_classes_without_the_token(
    status: int,
    description: str,
    parameters: dict[str, int] | None,
    error: type[Exception],
    clock: FakeClock,
) -> None:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    answers = [httpx.Response(status, json=body) for _ in range(5)]
    with pytest.raises(error) as raised:
        adapter(Recorder(*answers), clock).publish(post(), "key")
    assert TOKEN not in str(raised.value) and TOKEN not in raised.value.hint  # type: ignore[attr-defined]
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 7
    if status == 401:
        assert "TELEGRAM_BOT_TOKEN" in raised.value.hint  # type: ignore[attr-defined]


def test_transport_errors_never_show_the_token(clock: FakeClock) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out reading {request.url}", request=request)

    with pytest.raises(Transient) as raised:
        adapter(drop, clock).publish(post(), "key")
    assert raised.value.uncertain is True
    assert TOKEN not in str(raised.value)


# -- against the emulator -------------------------------------------------------------------


def sandbox_adapter(sandbox: Sandbox, clock: FakeClock, token: str = TOKEN) -> TelegramAdapter:
    account = make_account("telegram", account_id="@city_news", token_env="TELEGRAM_BOT_TOKEN")
    http = httpx.Client(transport=sandbox.transport())
    return TelegramAdapter(account, Tokens(Secret(token, "TELEGRAM_BOT_TOKEN")), http, clock=clock)


def test_contract_publish_update_delete(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, clock: FakeClock
) -> None:
    sandbox = make_sandbox("telegram")
    client = sandbox_adapter(sandbox, clock)
    assert client.verify().id.startswith("-100")
    media = (photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg"))
    ref = client.publish(post("<b>Ёлка</b> горит", media=media, poll=Poll("Q?", ("a", "b"))), "k")
    feed = sandbox.show()["telegram"]["posts"]
    assert [p["text"] for p in feed] == ["Ёлка горит", "", ""]
    assert feed[0]["media_group_id"] == feed[1]["media_group_id"] and feed[2]["poll"]
    client.update(ref, post("<i>Ёлка</i> горит ярко"))
    assert sandbox.show()["telegram"]["posts"][0]["html"] == "<i>Ёлка</i> горит ярко"
    client.delete(ref)
    assert sandbox.show()["telegram"]["posts"] == []


def test_contract_delete_after_48_hours_is_refused(
    make_sandbox: Callable[..., Sandbox], clock: FakeClock
) -> None:
    sandbox = make_sandbox("telegram")
    client = sandbox_adapter(sandbox, clock)
    ref = client.publish(post(), "k")
    clock.advance(timedelta(hours=49).total_seconds())
    with pytest.raises(Rejected, match="48"):
        client.delete(ref)


def test_contract_rate_limit_reply_is_waited_out(
    make_sandbox: Callable[..., Sandbox], clock: FakeClock
) -> None:
    sandbox = make_sandbox("telegram")
    client = sandbox_adapter(sandbox, clock)
    for number in range(21):
        client.publish(post(f"Пост {number}"), f"k{number}")
    assert len(sandbox.show()["telegram"]["posts"]) == 21
    assert clock.monotonic() >= 60  # the 21st message waited for Telegram's minute window


def test_contract_injected_429_then_success(tmp_path: Path, clock: FakeClock) -> None:
    sandbox = Sandbox(
        tmp_path / "s",
        clock=clock,
        networks=("telegram",),
        faults=parse_faults("rate429=0.5,seed=3"),
    )
    client = sandbox_adapter(sandbox, clock)
    for number in range(5):
        client.publish(post(f"Пост {number}"), f"k{number}")
    assert len(sandbox.show()["telegram"]["posts"]) == 5


def test_contract_revoked_token(make_sandbox: Callable[..., Sandbox], clock: FakeClock) -> None:
    sandbox = make_sandbox("telegram")
    revoke_token(sandbox.store, TOKEN)
    with pytest.raises(AuthError) as raised:
        sandbox_adapter(sandbox, clock).publish(post(), "k")
    assert TOKEN not in str(raised.value)
