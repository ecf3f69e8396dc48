"""Telegram adapter: the exact Bot API requests, error mapping, and the emulator contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandboxes, Scripted, jpeg_bytes, make_account

from publisher.core.clock import FakeClock
from publisher.core.errors import AuthError, NotFound, RateLimited, Rejected, Transient
from publisher.core.model import Comment, Media, Poll, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks.base import FindResult, Tokens
from publisher.networks.telegram import TelegramAdapter
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import parse_faults

TOKEN = "123456789:AAHsecretsecretsecretsecretsecret12"  # pragma: allowlist secret
BASE = f"https://api.telegram.org/bot{TOKEN}"


def adapter(network: Scripted, clock: FakeClock) -> TelegramAdapter:
    account = make_account("telegram", account_id="@city_news", token_env="TELEGRAM_BOT_TOKEN")
    http = httpx.Client(transport=network)
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


def test_text_post_is_one_send_message_with_html_and_options(clock: FakeClock) -> None:
    calls = Scripted(ok(message(10)))
    ref = adapter(calls, clock).publish(
        post(options={"silent": True, "link_preview": False}), "key"
    )
    assert str(calls.requests[0].url) == f"{BASE}/sendMessage"
    assert calls.received[0].json() == {
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
    calls = Scripted(ok([message(20), message(21)]), ok(message(22)))
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
    assert calls.received[1].json()["options"] == [{"text": "Да"}, {"text": "Нет"}]
    assert calls.received[1].json()["allows_multiple_answers"] is True
    assert calls.received[1].json()["is_anonymous"] is True
    assert ref.parts == ("20", "21", "22")
    assert ref.extra == {"text_message": 20, "text_in_caption": True}


def test_text_too_long_for_a_caption_goes_after_the_media(tmp_path: Path, clock: FakeClock) -> None:
    calls = Scripted(ok(message(30)), ok(message(31)))
    long_text = "я" * 1500
    ref = adapter(calls, clock).publish(post(long_text, media=(photo(tmp_path),)), "key")
    assert str(calls.requests[0].url).endswith("/sendPhoto")
    assert b'name="caption"' not in calls.requests[0].content
    assert calls.received[1].json()["text"] == long_text
    assert ref.extra == {"text_message": 31, "text_in_caption": False}


def test_later_failure_deletes_what_was_sent(tmp_path: Path, clock: FakeClock) -> None:
    bad_poll = httpx.Response(
        400,
        json={"ok": False, "error_code": 400, "description": "Bad Request: poll must have options"},
    )
    calls = Scripted(ok(message(40)), bad_poll, ok(True))
    with pytest.raises(Rejected):
        adapter(calls, clock).publish(post(poll=Poll("?", ("a", "b"))), "key")
    assert str(calls.requests[2].url).endswith("/deleteMessage")
    assert calls.received[2].json() == {"chat_id": "@city_news", "message_id": 40}


def test_update_edits_text_or_caption_and_accepts_not_modified(clock: FakeClock) -> None:
    not_modified = httpx.Response(
        400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message is not modified: specified new message content",
        },
    )
    calls = Scripted(ok(message(10)), not_modified)
    client = adapter(calls, clock)
    text_ref = RemoteRef("telegram", "10", extra={"text_message": 10, "text_in_caption": False})
    client.update(text_ref, post("Новый"))
    caption_ref = RemoteRef("telegram", "20", extra={"text_message": 20, "text_in_caption": True})
    client.update(caption_ref, post("Новый"))
    assert str(calls.requests[0].url).endswith("/editMessageText")
    assert (
        calls.received[0].json()["text"] == "Новый" and calls.received[0].json()["message_id"] == 10
    )
    assert str(calls.requests[1].url).endswith("/editMessageCaption")
    assert calls.received[1].json()["caption"] == "Новый"


def test_delete_removes_every_part_and_ignores_gone_ones(clock: FakeClock) -> None:
    gone = httpx.Response(
        400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message to delete not found",
        },
    )
    calls = Scripted(ok(True), gone, ok(True))
    adapter(calls, clock).delete(RemoteRef("telegram", "1", parts=("1", "2", "3")))
    assert [sent.json()["message_id"] for sent in calls.received] == [1, 2, 3]


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
        adapter(Scripted(old), clock).delete(RemoteRef("telegram", "1", parts=("1",)))


def test_find_cannot_tell(clock: FakeClock) -> None:
    assert adapter(Scripted(), clock).find("k", post()) is FindResult.UNKNOWN


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
        adapter(Scripted(*answers), clock).publish(post(), "key")
    assert TOKEN not in str(raised.value) and TOKEN not in raised.value.hint  # type: ignore[attr-defined]
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 7
    if status == 401:
        assert "TELEGRAM_BOT_TOKEN" in raised.value.hint  # type: ignore[attr-defined]


def test_transport_errors_never_show_the_token(clock: FakeClock) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out reading {request.url}", request=request)

    with pytest.raises(Transient) as raised:
        adapter(Scripted(drop), clock).publish(post(), "key")
    assert raised.value.uncertain is True
    assert TOKEN not in str(raised.value)


def media_file(tmp_path: Path, name: str, kind: Any, size: int = 1000) -> Media:
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.truncate(size)
    return Media(path=path, rel=f"content/{name}", kind=kind, size=size)


def test_video_is_one_send_video_streamed_in_chunks(tmp_path: Path, clock: FakeClock) -> None:
    video = media_file(tmp_path, "v.mp4", "video", 3 * 1024 * 1024)
    calls = Scripted(ok(message(50)))
    ref = adapter(calls, clock).publish(
        post("Видео", media=(video,), options={"silent": True}), "key"
    )
    [sent] = calls.received
    assert str(sent.request.url) == f"{BASE}/sendVideo"
    assert sum(sent.chunks) > video.size and max(sent.chunks) <= 1024 * 1024
    assert ref.parts == ("50",) and ref.extra == {"text_message": 50, "text_in_caption": True}


def test_gif_goes_alone_and_documents_make_their_own_album(
    tmp_path: Path, clock: FakeClock
) -> None:
    calls = Scripted(ok(message(60)), ok(message(61)), ok([message(62), message(63)]))
    media = (
        photo(tmp_path),
        media_file(tmp_path, "g.gif", "animation"),
        media_file(tmp_path, "a.pdf", "document"),
        media_file(tmp_path, "b.pdf", "document"),
    )
    ref = adapter(calls, clock).publish(post("Текст", media=media), "key")
    urls = [str(r.url).removeprefix(BASE) for r in calls.requests]
    assert urls == ["/sendPhoto", "/sendAnimation", "/sendMediaGroup"]
    assert b'name="caption"' in calls.requests[0].content
    assert b'name="caption"' not in calls.requests[1].content
    assert b'name="animation"; filename="g.gif"' in calls.requests[1].content
    assert b'"type": "document"' in calls.requests[2].content
    assert ref.remote_id == "60" and ref.parts == ("60", "61", "62", "63")


def test_media_only_post_takes_a_new_text_as_its_caption(tmp_path: Path, clock: FakeClock) -> None:
    calls = Scripted(ok(message(70)), ok(message(70)))
    client = adapter(calls, clock)
    ref = client.publish(post("", media=(photo(tmp_path),)), "key")
    assert ref.extra == {"text_message": 0, "text_in_caption": False}
    assert b'name="caption"' not in calls.requests[0].content
    updated = client.update(ref, post("Подпись", media=(photo(tmp_path),)))
    assert str(calls.requests[1].url) == f"{BASE}/editMessageCaption"
    assert calls.received[1].json() == {
        "chat_id": "@city_news",
        "message_id": 70,
        "parse_mode": "HTML",
        "caption": "Подпись",
    }
    assert updated.extra == {"text_message": 70, "text_in_caption": True}


def test_caption_update_longer_than_a_caption_is_refused(clock: FakeClock) -> None:
    ref = RemoteRef("telegram", "20", extra={"text_message": 20, "text_in_caption": True})
    calls = Scripted()
    with pytest.raises(Rejected):
        adapter(calls, clock).update(ref, post("я" * 1025))
    assert calls.requests == []


def test_verify_asks_for_the_bot_and_the_channel(clock: FakeClock) -> None:
    chat = {"id": -1001234, "type": "channel", "title": "Новости", "username": "city_news"}
    calls = Scripted(ok({"id": 1, "is_bot": True, "username": "city_bot"}), ok(chat))
    info = adapter(calls, clock).verify()
    assert [str(r.url) for r in calls.requests] == [f"{BASE}/getMe", f"{BASE}/getChat"]
    assert calls.received[1].json() == {"chat_id": "@city_news"}
    assert (info.name, info.id, info.url) == ("Новости", "-1001234", "https://t.me/city_news")


def test_numeric_channel_ids_link_through_t_me_c(clock: FakeClock) -> None:
    account = make_account("telegram", account_id="-1001234567", token_env="TELEGRAM_BOT_TOKEN")
    http = httpx.Client(transport=Scripted(ok(message(5))))
    client = TelegramAdapter(account, Tokens(Secret(TOKEN)), http, clock=clock)
    assert client.publish(post(), "key").url == "https://t.me/c/1234567/5"


def test_bot_without_rights_is_an_auth_error_with_a_hint(clock: FakeClock) -> None:
    description = "Forbidden: bot is not a member of the channel chat"
    kicked = httpx.Response(403, json={"ok": False, "error_code": 403, "description": description})
    with pytest.raises(AuthError) as raised:
        adapter(Scripted(kicked), clock).publish(post(), "key")
    assert "@city_news" in raised.value.hint and TOKEN not in raised.value.detail


# -- against the emulator -------------------------------------------------------------------


def sandbox_adapter(http: httpx.Client, clock: FakeClock, token: str = TOKEN) -> TelegramAdapter:
    account = make_account("telegram", account_id="@city_news", token_env="TELEGRAM_BOT_TOKEN")
    return TelegramAdapter(account, Tokens(Secret(token, "TELEGRAM_BOT_TOKEN")), http, clock=clock)


def test_contract_publish_update_delete(
    sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
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


def test_contract_delete_after_48_hours_is_refused(sandboxes: Sandboxes, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    ref = client.publish(post(), "k")
    clock.advance(timedelta(hours=49).total_seconds())
    with pytest.raises(Rejected, match="48"):
        client.delete(ref)


def test_contract_rate_limit_reply_is_waited_out(sandboxes: Sandboxes, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    for number in range(21):
        client.publish(post(f"Пост {number}"), f"k{number}")
    assert len(sandbox.show()["telegram"]["posts"]) == 21
    assert clock.monotonic() >= 60  # the 21st message waited for Telegram's minute window


def test_contract_injected_429_then_success(sandboxes: Sandboxes, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram", faults=parse_faults("rate429=0.5,seed=3"))
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    for number in range(5):
        client.publish(post(f"Пост {number}"), f"k{number}")
    assert len(sandbox.show()["telegram"]["posts"]) == 5


def test_contract_revoked_token(sandboxes: Sandboxes, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram")
    revoke_token(sandbox.store, TOKEN)
    with pytest.raises(AuthError) as raised:
        sandbox_adapter(sandboxes.client(sandbox), clock).publish(post(), "k")
    assert TOKEN not in str(raised.value)


def test_contract_video_gif_and_documents(
    sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    media = (
        media_file(tmp_path, "v.mp4", "video", 2 * 1024 * 1024),
        media_file(tmp_path, "g.gif", "animation"),
        media_file(tmp_path, "a.pdf", "document"),
        media_file(tmp_path, "b.pdf", "document"),
    )
    ref = sandbox_adapter(sandboxes.client(sandbox), clock).publish(
        post("<i>Всё</i> вместе", media=media), "k"
    )
    feed = sandbox.show()["telegram"]["posts"]
    assert [p["id"] for p in feed] == list(ref.parts) and len(feed) == 4
    assert feed[0]["text"] == "Всё вместе" and [p["text"] for p in feed[1:]] == ["", "", ""]
    assert feed[2]["media_group_id"] == feed[3]["media_group_id"] is not None
    stored = sandbox.store.file_path(feed[0]["media"][0])
    assert stored.stat().st_size == 2 * 1024 * 1024


def test_contract_long_text_follows_the_media_and_is_edited_there(
    sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    long_text = "<b>Длинно</b> " + "я" * 1100
    ref = client.publish(post(long_text, media=(photo(tmp_path),)), "k")
    feed = sandbox.show()["telegram"]["posts"]
    assert feed[0]["text"] == "" and feed[1]["html"] == long_text
    client.update(ref, post(long_text + " ещё"))
    assert sandbox.show()["telegram"]["posts"][1]["html"] == long_text + " ещё"
    client.update(ref, post(long_text + " ещё"))  # "message is not modified" is fine


def test_contract_media_only_post_gets_a_caption(
    sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    media = (photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg"))
    ref = client.publish(post("", media=media), "k")
    ref = client.update(ref, post("<b>Теперь</b> с подписью", media=media))
    assert sandbox.show()["telegram"]["posts"][0]["text"] == "Теперь с подписью"
    client.update(ref, post("Ещё раз", media=media))
    assert sandbox.show()["telegram"]["posts"][0]["html"] == "Ещё раз"


def test_contract_failed_poll_takes_the_album_back(
    sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    bad_poll = Poll("Вопрос?", tuple(f"вариант {n}" for n in range(13)))
    media = (photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg"))
    with pytest.raises(Rejected):
        sandbox_adapter(sandboxes.client(sandbox), clock).publish(
            post("Текст", media=media, poll=bad_poll), "k"
        )
    assert sandbox.show()["telegram"]["posts"] == []


def test_contract_photo_too_large_for_telegram_is_rejected(
    sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "wide.jpg"
    path.write_bytes(jpeg_bytes(2100, 100))
    wide = Media(path=path, rel="content/wide.jpg", kind="photo", size=path.stat().st_size)
    with pytest.raises(Rejected, match="PHOTO_INVALID_DIMENSIONS"):
        sandbox_adapter(sandboxes.client(sandboxes("telegram")), clock).publish(
            post(media=(wide,)), "k"
        )


# -- comments, moderation, replies, profile (scripted) --------------------------------------

CHANNEL = -1001111
GROUP = -1002222
NOW = 1_796_115_600  # 2026-12-01 09:00 UTC, the fake clock's start
CHANNEL_CHAT = {"id": CHANNEL, "type": "channel", "title": "Город", "username": "city_news"}


def channel_info(linked: int | None = GROUP) -> dict[str, Any]:
    info: dict[str, Any] = {**CHANNEL_CHAT, "accent_color_id": 0, "max_reaction_count": 11}
    if linked:
        info["linked_chat_id"] = linked
    return info


def copy_of(post_id: int, copy_id: int) -> dict[str, Any]:
    """The automatic copy of channel post ``post_id`` in the discussion group."""
    return {
        "message_id": copy_id,
        "chat": {"id": GROUP, "type": "supergroup", "title": "Город Chat"},
        "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
        "sender_chat": CHANNEL_CHAT,
        "is_automatic_forward": True,
        "forward_origin": {
            "type": "channel",
            "chat": CHANNEL_CHAT,
            "message_id": post_id,
            "date": NOW - 600,
        },
        "date": NOW - 600,
        "text": "пост",
    }


def group_message(
    message_id: int,
    thread: int,
    text: str,
    *,
    author: dict[str, Any] | None = None,
    reply_to: dict[str, Any] | None = None,
    date: int = NOW - 60,
    sender_chat: dict[str, Any] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id,
        "chat": {"id": GROUP, "type": "supergroup", "title": "Город Chat"},
        "from": author or {"id": 555, "is_bot": False, "first_name": "Иван", "username": "ivan"},
        "date": date,
        "message_thread_id": thread,
        "reply_to_message": reply_to or {"message_id": thread},
        "text": text,
    }
    if sender_chat:
        message["sender_chat"] = sender_chat
    return message


def private_message(message_id: int, text: str, date: int = NOW - 30) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "chat": {"id": 557, "type": "private", "first_name": "Анна"},
        "from": {"id": 557, "is_bot": False, "first_name": "Анна", "last_name": "К."},
        "date": date,
        "text": text,
    }


def updates(*messages: dict[str, Any]) -> httpx.Response:
    return ok([{"update_id": 9000 + i, "message": m} for i, m in enumerate(messages)])


def refused(status: int, description: str, **parameters: int) -> httpx.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return httpx.Response(status, json=body)


def comment(**fields: Any) -> Comment:
    values: dict[str, Any] = {
        "network": "telegram",
        "id": "501",
        "text": "спам",
        "author_id": "555",
        "post_id": "10",
        "created_at": datetime.fromtimestamp(NOW - 60, UTC),
        "extra": {"chat_id": GROUP, "thread_id": 500},
    }
    values.update(fields)
    return Comment(**values)


def test_comments_read_pending_updates_once_without_an_offset(clock: FakeClock) -> None:
    own_bot = {"id": 123456789, "is_bot": True, "first_name": "Бот"}
    calls = Scripted(
        ok(channel_info()),
        updates(
            copy_of(10, 500),
            copy_of(11, 600),
            group_message(501, 500, "Когда уберут снег?"),
            group_message(502, 500, "Ответ бота", author=own_bot),
            group_message(503, 600, "Про другой пост"),
            group_message(504, 500, "От канала", sender_chat=CHANNEL_CHAT),
            private_message(7, "Личное"),
            group_message(505, 500, "Согласен", reply_to={"message_id": 501}),
        ),
    )
    client = adapter(calls, clock)
    found = client.comments(RemoteRef("telegram", "10", parts=("10",)))
    assert str(calls.requests[0].url) == f"{BASE}/getChat"
    assert calls.received[0].json() == {"chat_id": "@city_news"}
    assert str(calls.requests[1].url) == f"{BASE}/getUpdates"
    assert calls.received[1].json() == {"limit": 100, "timeout": 0, "allowed_updates": ["message"]}
    assert [c.id for c in found] == ["501", "505"]
    first, second = found
    assert first.text == "Когда уберут снег?" and first.author_id == "555"
    assert first.author_name == "Иван" and first.author_url == "https://t.me/ivan"
    assert first.post_id == "10" and first.parent_id == "" and second.parent_id == "501"
    assert first.url == "https://t.me/city_news/10?comment=501"
    assert first.created_at == datetime.fromtimestamp(NOW - 60, UTC)
    assert first.extra == {"chat_id": GROUP, "thread_id": 500}
    other = client.comments(RemoteRef("telegram", "11", parts=("11",)))
    assert [c.id for c in other] == ["503"] and len(calls.requests) == 2  # one fetch per run


def test_comments_since_and_every_part_of_the_post(clock: FakeClock) -> None:
    calls = Scripted(
        ok(channel_info()),
        updates(
            copy_of(20, 700),
            copy_of(21, 701),
            group_message(710, 701, "новый", date=NOW - 10),
            group_message(702, 700, "старый", date=NOW - 3600),
            group_message(703, 700, "свежий", date=NOW - 20),
        ),
    )
    since = datetime.fromtimestamp(NOW - 1800, UTC)
    found = adapter(calls, clock).comments(RemoteRef("telegram", "20", parts=("20", "21")), since)
    assert [c.id for c in found] == ["703", "710"]  # oldest first
    assert {c.post_id for c in found} == {"20"}


def test_copy_older_than_the_updates_is_found_through_the_reply(clock: FakeClock) -> None:
    calls = Scripted(
        ok(channel_info()),
        updates(group_message(801, 800, "под старым постом", reply_to=copy_of(30, 800))),
    )
    found = adapter(calls, clock).comments(RemoteRef("telegram", "30"))
    assert [c.id for c in found] == ["801"]


def test_channel_without_discussion_group_has_no_comments(clock: FakeClock) -> None:
    calls = Scripted(ok(channel_info(linked=None)))
    assert adapter(calls, clock).comments(RemoteRef("telegram", "10")) == []
    assert len(calls.requests) == 1


def test_comment_sent_as_a_channel_names_that_channel(clock: FakeClock) -> None:
    spam_channel = {"id": -1009999, "type": "channel", "title": "Реклама"}
    channel_bot = {"id": 136817688, "is_bot": True, "first_name": "Channel"}
    calls = Scripted(
        ok(channel_info()),
        updates(
            copy_of(10, 500),
            group_message(501, 500, "Купи", author=channel_bot, sender_chat=spam_channel),
        ),
    )
    (found,) = adapter(calls, clock).comments(RemoteRef("telegram", "10"))
    assert found.author_id == "-1009999" and found.author_name == "Реклама"
    assert found.extra["sender_chat_id"] == -1009999


def test_messages_are_private_chats_from_the_same_updates(clock: FakeClock) -> None:
    calls = Scripted(
        updates(
            copy_of(10, 500),
            private_message(6, "давно", date=NOW - 7200),
            private_message(7, "Когда приём?"),
        )
    )
    found = adapter(calls, clock).messages(since=datetime.fromtimestamp(NOW - 3600, UTC))
    assert len(calls.requests) == 1 and str(calls.requests[0].url).endswith("/getUpdates")
    (message,) = found
    assert message.is_direct and message.id == "7" and message.text == "Когда приём?"
    assert message.author_id == "557" and message.author_name == "Анна К."
    assert message.post_id == "" and message.extra == {"chat_id": 557}


def test_delete_comment_in_the_group_and_gone_is_fine(clock: FakeClock) -> None:
    calls = Scripted(ok(True), refused(400, "Bad Request: message to delete not found"))
    client = adapter(calls, clock)
    client.delete_comment(comment())
    client.delete_comment(comment())
    assert str(calls.requests[0].url) == f"{BASE}/deleteMessage"
    assert calls.received[0].json() == {"chat_id": GROUP, "message_id": 501}


def test_delete_comment_older_than_48_hours_is_refused(clock: FakeClock) -> None:
    calls = Scripted(refused(400, "Bad Request: message can't be deleted"))
    client = adapter(calls, clock)
    old = comment(created_at=clock.now() - timedelta(hours=49))
    with pytest.raises(Rejected, match="48") as raised:
        client.delete_comment(old)
    assert calls.requests == []  # not even tried
    with pytest.raises(Rejected, match="48") as raised:
        client.delete_comment(comment())  # Telegram's own answer says the same
    assert raised.value.hint and TOKEN not in raised.value.hint


def test_ban_for_good_for_a_while_and_a_channel(clock: FakeClock) -> None:
    calls = Scripted(ok(True), ok(True), ok(True))
    client = adapter(calls, clock)
    client.ban(comment(), None)
    until = clock.now() + timedelta(days=7)
    client.ban(comment(), until)
    client.ban(
        comment(author_id="-1009999", extra={"chat_id": GROUP, "sender_chat_id": -1009999}), until
    )
    assert str(calls.requests[0].url) == f"{BASE}/banChatMember"
    assert calls.received[0].json() == {"chat_id": GROUP, "user_id": 555}
    assert calls.received[1].json() == {
        "chat_id": GROUP,
        "user_id": 555,
        "until_date": NOW + 7 * 86400,
    }
    assert str(calls.requests[2].url) == f"{BASE}/banChatSenderChat"
    assert calls.received[2].json() == {"chat_id": GROUP, "sender_chat_id": -1009999}


@pytest.mark.parametrize("length", [timedelta(seconds=10), timedelta(days=367)])
def test_ban_outside_telegram_limits_is_refused_not_made_permanent(
    length: timedelta, clock: FakeClock
) -> None:
    calls = Scripted()
    with pytest.raises(Rejected):
        adapter(calls, clock).ban(comment(), clock.now() + length)
    assert calls.requests == []


def test_ban_the_author_of_a_direct_message_in_the_discussion_group(clock: FakeClock) -> None:
    calls = Scripted(ok(channel_info()), ok(True))
    direct = comment(id="7", post_id="", is_direct=True, extra={"chat_id": 557}, author_id="557")
    adapter(calls, clock).ban(direct, None)
    assert calls.received[1].json() == {"chat_id": GROUP, "user_id": 557}


def test_reply_in_the_thread_and_in_private(clock: FakeClock) -> None:
    calls = Scripted(ok({**message(900), "chat": {"id": GROUP}}), ok(message(8)))
    client = adapter(calls, clock)
    ref = client.reply(comment(), "<b>Спасибо</b>, уберём")
    assert str(calls.requests[0].url) == f"{BASE}/sendMessage"
    assert calls.received[0].json() == {
        "chat_id": GROUP,
        "text": "<b>Спасибо</b>, уберём",
        "parse_mode": "HTML",
        "reply_parameters": {"message_id": 501},
    }
    assert ref.remote_id == "900" and ref.url == "https://t.me/city_news/10?comment=900"
    assert ref.extra == {"chat_id": GROUP}
    direct = comment(id="7", post_id="", is_direct=True, extra={"chat_id": 557})
    answer = client.reply(direct, "Приём по вторникам")
    sent = calls.received[1].json()
    assert sent["chat_id"] == 557 and sent["reply_parameters"] == {"message_id": 7}
    assert answer.url == "" and answer.remote_id == "8"


def test_reply_to_a_comment_that_was_removed(clock: FakeClock) -> None:
    calls = Scripted(refused(400, "Bad Request: message to be replied not found"))
    with pytest.raises(NotFound):
        adapter(calls, clock).reply(comment(), "ответ")


def test_set_profile_sends_title_description_and_photo_only(
    tmp_path: Path, clock: FakeClock
) -> None:
    calls = Scripted(ok(True), ok(True), ok(True))
    avatar = photo(tmp_path, "avatar.jpg")
    profile = Profile(
        "telegram",
        title="Администрация",
        description="Новости района",
        website="https://example.org",
        avatar=avatar,
        cover=photo(tmp_path, "cover.jpg"),
    )
    done = adapter(calls, clock).set_profile(profile)
    assert done == ("title", "description", "avatar")
    assert [str(r.url).rsplit("/", 1)[1] for r in calls.requests] == [
        "setChatTitle",
        "setChatDescription",
        "setChatPhoto",
    ]
    assert calls.received[0].json() == {"chat_id": "@city_news", "title": "Администрация"}
    assert calls.received[1].json() == {"chat_id": "@city_news", "description": "Новости района"}
    body = calls.requests[2].content
    assert b'name="photo"; filename="avatar.jpg"' in body and b'name="chat_id"' in body
    assert b"cover.jpg" not in body and b"example.org" not in b"".join(
        r.content for r in calls.requests
    )


def test_set_profile_only_the_fields_given_and_unchanged_is_fine(clock: FakeClock) -> None:
    calls = Scripted(refused(400, "Bad Request: chat description is not modified"))
    done = adapter(calls, clock).set_profile(Profile("telegram", description="То же"))
    assert done == ("description",) and len(calls.requests) == 1


@pytest.mark.parametrize(("field", "length"), [("description", 256), ("title", 129)])
def test_set_profile_too_long_is_refused_before_anything_is_sent(
    field: str, length: int, clock: FakeClock
) -> None:
    calls = Scripted()
    profile = Profile("telegram", **{"title": "Город", field: "я" * length})
    with pytest.raises(Rejected, match=str(length)):
        adapter(calls, clock).set_profile(profile)
    assert calls.requests == []


def test_settings_url_is_the_channel_link() -> None:
    url = TelegramAdapter.capabilities.settings_url
    assert url.format(id="@city_news", username="city_news") == "https://t.me/city_news"


@pytest.mark.parametrize(
    ("answer", "error", "secret_named"),
    [
        (refused(401, "Unauthorized"), AuthError, True),
        (refused(403, "Forbidden: bot is not a member of the supergroup chat"), AuthError, False),
        (
            refused(409, "Conflict: can't use getUpdates method while webhook is active"),
            Rejected,
            False,
        ),
    ],
)
def test_reading_errors_map_without_the_token(
    answer: httpx.Response, error: type[Exception], secret_named: bool, clock: FakeClock
) -> None:
    with pytest.raises(error) as raised:
        adapter(Scripted(answer), clock).messages()
    value = raised.value
    assert TOKEN not in str(value) and TOKEN not in value.hint  # type: ignore[attr-defined]
    assert value.hint  # type: ignore[attr-defined]
    assert ("TELEGRAM_BOT_TOKEN" in value.hint) is secret_named  # type: ignore[attr-defined]


def test_moderation_rate_limit_is_waited_out(clock: FakeClock) -> None:
    calls = Scripted(refused(429, "Too Many Requests: retry after 4", retry_after=4), ok(True))
    adapter(calls, clock).ban(comment(), None)
    assert len(calls.requests) == 2 and clock.monotonic() >= 4


def test_missing_admin_rights_are_an_auth_error_naming_the_rights(clock: FakeClock) -> None:
    answer = refused(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
    with pytest.raises(AuthError) as raised:
        adapter(Scripted(answer), clock).ban(comment(), None)
    assert TOKEN not in str(raised.value) and "@city_news" in raised.value.hint
    photo_refused = refused(400, "Bad Request: not enough rights to change chat photo")
    with pytest.raises(AuthError) as raised:
        adapter(Scripted(photo_refused), clock).set_profile(Profile("telegram", title="Город"))
    assert "@city_news" in raised.value.hint


# -- comments, moderation, replies, profile against the emulator ----------------------------


def test_contract_citizen_comments_adapter_reads_replies_deletes_and_bans(
    sandboxes: Sandboxes, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    ref = sandbox_adapter(sandboxes.client(sandbox), clock).publish(post("Уборка снега"), "k")
    other = sandbox_adapter(sandboxes.client(sandbox), clock).publish(post("Другое"), "k2")
    first = sandbox.add_comment("telegram", ref.remote_id, "Когда уберут?", "555", "Иван")
    sandbox.add_comment("telegram", ref.remote_id, "Спам <b>", "666", "Спамер", reply_to=first)
    sandbox.add_comment("telegram", other.remote_id, "Про другое", "555", "Иван")
    run = sandbox_adapter(sandboxes.client(sandbox), clock)  # one moderation run
    question, spam = run.comments(ref)
    assert (question.text, question.author_name, question.parent_id) == (
        "Когда уберут?",
        "Иван",
        "",
    )
    assert spam.text == "Спам <b>" and spam.parent_id == question.id
    assert question.url == f"https://t.me/city_news/{ref.remote_id}?comment={question.id}"
    answer = run.reply(question, "<b>Завтра</b> утром")
    run.delete_comment(spam)
    run.delete_comment(spam)  # already gone: fine
    until = clock.now() + timedelta(days=30)
    run.ban(spam, until)
    view = sandbox.show()["telegram"]
    comments = view["posts"][0]["comments"]
    assert [(c["text"], c["from_account"]) for c in comments] == [
        ("Когда уберут?", False),
        ("Завтра утром", True),
    ]
    assert comments[1]["id"] == answer.remote_id and comments[1]["reply_to"] == question.id
    assert view["banned"] == [{"user_id": "666", "until": until.isoformat()}]
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", ref.remote_id, "Снова спам", "666", "Спамер")
    next_run = sandbox_adapter(sandboxes.client(sandbox), clock)  # updates were not consumed
    assert [c.text for c in next_run.comments(other)] == ["Про другое"]
    # a pending update outlives its message: the next run sees the spam again, and deleting
    # it again is fine
    assert [c.id for c in next_run.comments(ref)] == [question.id, spam.id]
    next_run.delete_comment(next_run.comments(ref)[1])


def test_contract_ban_for_good_and_a_comment_as_a_channel(
    sandboxes: Sandboxes, clock: FakeClock
) -> None:
    sandbox = sandboxes("telegram")
    ref = sandbox_adapter(sandboxes.client(sandbox), clock).publish(post(), "k")
    sandbox.add_comment("telegram", ref.remote_id, "мат", "777", "Хам")
    sandbox.add_comment("telegram", ref.remote_id, "реклама", "-1009999", "Реклама")
    run = sandbox_adapter(sandboxes.client(sandbox), clock)
    rude, advert = run.comments(ref)
    assert advert.author_id == "-1009999" and advert.author_name == "Реклама"
    run.ban(rude, None)
    run.ban(advert, clock.now() + timedelta(days=1))  # a channel is banned for good
    assert sandbox.show()["telegram"]["banned"] == [
        {"user_id": "777", "until": None},
        {"user_id": "-1009999", "until": None},
    ]
    for author in ("777", "-1009999"):
        with pytest.raises(ValueError):
            sandbox.add_comment("telegram", ref.remote_id, "ещё", author, "x")


def test_contract_direct_messages_and_reply(sandboxes: Sandboxes, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    client.verify()
    sandbox.add_comment("telegram", "", "Где взять справку?", "557", "Анна", direct=True)
    (message,) = sandbox_adapter(sandboxes.client(sandbox), clock).messages()
    assert message.is_direct and message.text == "Где взять справку?"
    client.reply(message, "В МФЦ")
    messages = sandbox.show()["telegram"]["messages"]
    assert [(m["text"], m["from_account"]) for m in messages] == [
        ("Где взять справку?", False),
        ("В МФЦ", True),
    ]


def test_contract_comments_since_and_48_hours(sandboxes: Sandboxes, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram")
    ref = sandbox_adapter(sandboxes.client(sandbox), clock).publish(post(), "k")
    sandbox.add_comment("telegram", ref.remote_id, "первый", "555", "Иван")
    clock.advance(3600)
    mark = clock.now()
    clock.advance(60)
    sandbox.add_comment("telegram", ref.remote_id, "второй", "556", "Пётр")
    assert [
        c.text for c in sandbox_adapter(sandboxes.client(sandbox), clock).comments(ref, mark)
    ] == ["второй"]
    old = sandbox_adapter(sandboxes.client(sandbox), clock).comments(ref)[0]
    clock.advance(timedelta(hours=48).total_seconds())
    with pytest.raises(Rejected, match="48"):
        sandbox_adapter(sandboxes.client(sandbox), clock).delete_comment(old)


def test_contract_set_profile(sandboxes: Sandboxes, tmp_path: Path, clock: FakeClock) -> None:
    sandbox = sandboxes("telegram")
    client = sandbox_adapter(sandboxes.client(sandbox), clock)
    profile = Profile(
        "telegram",
        title="Администрация района",
        description="Новости и ответы жителям",
        website="https://example.org",
        avatar=photo(tmp_path, "avatar.jpg"),
    )
    assert client.set_profile(profile) == ("title", "description", "avatar")
    shown = sandbox.show()["telegram"]["profile"]
    assert shown["title"] == "Администрация района"
    assert shown["description"] == "Новости и ответы жителям"
    assert shown["avatar"] and shown["website"] is None and shown["cover"] is None
    assert sandbox.store.file_path(shown["avatar"]).read_bytes()[:2] == b"\xff\xd8"
    assert client.set_profile(profile) == ("title", "description", "avatar")  # unchanged: fine
    with pytest.raises(Rejected):
        client.set_profile(Profile("telegram", description="я" * 256))
    assert sandbox.show()["telegram"]["profile"]["description"] == "Новости и ответы жителям"
