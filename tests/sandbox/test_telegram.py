"""The Telegram emulator against the reference: shapes, HTML rules, limits, the 48-hour rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from conftest import jpeg_bytes

from publisher.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token

TOKEN = "42:sandbox-token"


@pytest.fixture
def api(make_sandbox: Callable[..., Sandbox]) -> Callable[..., httpx.Response]:
    sandbox = make_sandbox("telegram")
    client = httpx.Client(transport=sandbox.transport())

    def call(method: str, token: str = TOKEN, **kwargs: Any) -> httpx.Response:
        return client.post(f"https://api.telegram.org/bot{token}/{method}", **kwargs)

    call.sandbox = sandbox  # type: ignore[attr-defined]
    return call


def send(api: Callable[..., httpx.Response], text: str) -> httpx.Response:
    return api("sendMessage", json={"chat_id": "@news", "text": text, "parse_mode": "HTML"})


def test_send_message_answers_a_message_object(api: Callable[..., httpx.Response]) -> None:
    answer = send(api, "<b>Привет</b> &amp; пока")
    assert answer.status_code == 200
    result = answer.json()["result"]
    assert result["message_id"] == 1 and result["text"] == "Привет & пока"
    assert result["chat"]["username"] == "news" and result["chat"]["type"] == "channel"
    assert send(api, "второй").json()["result"]["message_id"] == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<p>абзац</p>", 'Unsupported start tag "p"'),
        ("<b>не закрыт", "end tag"),
        ("", "message text is empty"),
        ("я" * 4097, "message is too long"),
    ],
)
def test_bad_text_is_a_400_in_telegram_shape(
    api: Callable[..., httpx.Response], text: str, fragment: str
) -> None:
    answer = send(api, text)
    assert answer.status_code == 400
    body = answer.json()
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request:") and fragment in body["description"]


def test_length_counts_visible_text_in_utf16(api: Callable[..., httpx.Response]) -> None:
    assert send(api, "<b>" + "я" * 4096 + "</b>").status_code == 200
    assert send(api, "😀" * 2049).status_code == 400  # 4098 UTF-16 units


def test_media_group_with_attach_references(api: Callable[..., httpx.Response]) -> None:
    files = {"a": ("a.jpg", jpeg_bytes(), "image/jpeg"), "b": ("b.jpg", jpeg_bytes(), "image/jpeg")}
    media = '[{"type":"photo","media":"attach://a","caption":"<i>Ёлка</i>","parse_mode":"HTML"},'
    media += '{"type":"photo","media":"attach://b"}]'
    answer = api("sendMediaGroup", data={"chat_id": "@news", "media": media}, files=files)
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["result"]
    assert first["caption"] == "Ёлка" and first["media_group_id"] == second["media_group_id"]
    view = api.sandbox.show()["telegram"]["posts"]  # type: ignore[attr-defined]
    assert len(view) == 2 and all(p["media"] for p in view)


def test_media_group_needs_two_to_ten_items_and_no_mixed_documents(
    api: Callable[..., httpx.Response],
) -> None:
    one = api(
        "sendMediaGroup",
        data={"chat_id": "@news", "media": '[{"type":"photo","media":"attach://a"}]'},
        files={"a": ("a.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert one.status_code == 400
    mixed = '[{"type":"photo","media":"attach://a"},{"type":"document","media":"attach://b"}]'
    files = {"a": ("a.jpg", jpeg_bytes(), "image/jpeg"), "b": ("b.pdf", b"%PDF", "application/pdf")}
    assert (
        api("sendMediaGroup", data={"chat_id": "@news", "media": mixed}, files=files).status_code
        == 400
    )


def test_caption_limit(api: Callable[..., httpx.Response]) -> None:
    files = {"photo": ("a.jpg", jpeg_bytes(), "image/jpeg")}
    answer = api("sendPhoto", data={"chat_id": "@news", "caption": "я" * 1025}, files=files)
    assert answer.status_code == 400 and "caption is too long" in answer.json()["description"]


def test_polls_must_be_anonymous_in_channels_and_within_limits(
    api: Callable[..., httpx.Response],
) -> None:
    base = {"chat_id": "@news", "question": "Где каток?"}
    assert api("sendPoll", json={**base, "options": [{"text": "Тут"}]}).status_code == 200
    assert api("sendPoll", json={**base, "options": ["x"] * 13}).status_code == 400
    named = {**base, "options": ["a", "b"], "is_anonymous": False}
    assert api("sendPoll", json=named).status_code == 400


def test_edit_and_not_modified(api: Callable[..., httpx.Response]) -> None:
    send(api, "один")
    edit = {"chat_id": "@news", "message_id": 1, "text": "два", "parse_mode": "HTML"}
    assert api("editMessageText", json=edit).json()["result"]["text"] == "два"
    again = api("editMessageText", json=edit)
    assert again.status_code == 400 and "message is not modified" in again.json()["description"]
    missing = api("editMessageText", json={**edit, "message_id": 99})
    assert "message to edit not found" in missing.json()["description"]


def test_delete_only_within_48_hours(api: Callable[..., httpx.Response], clock: FakeClock) -> None:
    send(api, "один")
    send(api, "два")
    assert api("deleteMessage", json={"chat_id": "@news", "message_id": 1}).json()["result"] is True
    gone = api("deleteMessage", json={"chat_id": "@news", "message_id": 1})
    assert "message to delete not found" in gone.json()["description"]
    clock.advance(timedelta(hours=48).total_seconds())
    old = api("deleteMessage", json={"chat_id": "@news", "message_id": 2})
    assert old.status_code == 400 and "can't be deleted" in old.json()["description"]


def test_twenty_messages_a_minute_per_channel(
    api: Callable[..., httpx.Response], clock: FakeClock
) -> None:
    for number in range(20):
        assert send(api, f"{number}").status_code == 200
    limited = send(api, "21")
    assert limited.status_code == 429
    assert limited.json()["parameters"]["retry_after"] == 60
    clock.advance(60)
    assert send(api, "21").status_code == 200


def test_tokens(api: Callable[..., httpx.Response]) -> None:
    revoke_token(api.sandbox.store, TOKEN)  # type: ignore[attr-defined]
    assert send(api, "x").status_code == 401
    assert api("sendMessage", token="", json={}).status_code == 404
    assert api("getMe", token="other:token").json()["result"]["is_bot"] is True


def test_faults_answer_in_telegram_shape(make_sandbox: Callable[..., Sandbox]) -> None:
    emulator = make_sandbox("telegram").emulators["telegram"]
    limited = emulator.fault_response("rate429")
    assert limited.status_code == 429 and b'"retry_after": 3' in limited.get_data()
    assert emulator.fault_response("error500").status_code == 502


def test_feed_html_escapes_and_groups_albums(api: Callable[..., httpx.Response]) -> None:
    send(api, "<b>a &lt;script&gt;</b>")
    page = api.sandbox.emulators["telegram"].feed_html(  # type: ignore[attr-defined]
        api.sandbox.store.read("telegram")  # type: ignore[attr-defined]
    )
    assert "<script>" not in page and "tg-post" in page
