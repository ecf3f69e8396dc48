"""The Max emulator against the reference (networks-ru.md, section 4)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from publisher.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token

API = "https://platform-api2.max.ru"
TOKEN = "sandbox-max-main"
AUTH = {"Authorization": TOKEN}
CHAT = -70123


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox("max")


@pytest.fixture
def http(sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client]) -> httpx.Client:
    return sandbox_http(sandbox)


def api(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {**AUTH, **kwargs.pop("headers", {})}
    return http.request(method, API + path, headers=headers, **kwargs)


def error(response: httpx.Response) -> tuple[int, str, str]:
    data = response.json()
    return response.status_code, data["code"], data["message"]


def send(http: httpx.Client, payload: dict[str, Any], chat: int = CHAT) -> httpx.Response:
    return api(http, "POST", "/messages", params={"chat_id": chat}, json=payload)


def png(width: int = 32, height: int = 24) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(buffer, "PNG")
    return buffer.getvalue()


def upload(http: httpx.Client, kind: str, name: str, data: bytes) -> tuple[dict[str, Any], Any]:
    """Both upload steps: the slot answer and the upload host's answer."""
    slot = api(http, "POST", "/uploads", params={"type": kind}).json()
    answer = http.post(slot["url"], files={"data": (name, data)})
    assert answer.status_code == 200, answer.text
    if answer.headers["content-type"].startswith("application/json"):
        return slot, answer.json()
    return slot, answer.text


def image_attachment(http: httpx.Client) -> dict[str, Any]:
    _, photos = upload(http, "image", "a.png", png())
    return {"type": "image", "payload": photos}


def file_attachment(http: httpx.Client, name: str = "plan.pdf") -> dict[str, Any]:
    _, answer = upload(http, "file", name, b"%PDF-1.4")
    return {"type": "file", "payload": {"token": answer["token"]}}


# -- auth, hosts, limits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": f"Bearer {TOKEN}"}],
    ids=["missing", "empty", "bearer"],
)
def test_token_must_be_the_raw_authorization_header(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    response = http.get(f"{API}/me", headers=headers, params={"access_token": TOKEN})

    assert error(response) == (401, "verify.token", "Invalid access_token")


def test_revoked_token_is_refused(sandbox: Sandbox, http: httpx.Client) -> None:
    assert api(http, "GET", "/me").status_code == 200
    revoke_token(sandbox.store, TOKEN)

    assert error(api(http, "GET", "/me"))[:2] == (401, "verify.token")


def test_me_describes_the_bot(http: httpx.Client) -> None:
    me = api(http, "GET", "/me").json()

    assert me["is_bot"] is True
    assert {"user_id", "first_name", "username", "last_activity_time"} <= set(me)


def test_deprecated_host_refuses_every_call(http: httpx.Client) -> None:
    response = http.get("https://platform-api.max.ru/me", headers=AUTH)

    status, code, message = error(response)
    assert (status, code) == (403, "not.allowed")
    assert "platform-api2.max.ru" in message


def test_unknown_path_and_wrong_method_answer_in_max_shape(http: httpx.Client) -> None:
    assert error(api(http, "GET", "/nowhere"))[:2] == (404, "not.found")
    assert error(api(http, "PATCH", "/messages"))[:2] == (405, "method.not.allowed")


def test_thirty_requests_a_second_per_token(http: httpx.Client, clock: FakeClock) -> None:
    for _ in range(30):
        assert api(http, "GET", "/me").status_code == 200

    assert error(api(http, "GET", "/me"))[:2] == (429, "too.many.requests")
    assert api(http, "GET", "/me", headers={"Authorization": "other-token"}).status_code == 200
    clock.advance(1.0)
    assert api(http, "GET", "/me").status_code == 200


@pytest.mark.parametrize(("kind", "status", "code"), [("rate429", 429, "too.many.requests")])
def test_fault_answers_use_max_error_shape(
    sandbox: Sandbox, kind: str, status: int, code: str
) -> None:
    response = sandbox.emulators["max"].fault_response(kind)

    assert response.status_code == status
    assert response.get_json()["code"] == code
    assert sandbox.emulators["max"].fault_response("error500").status_code == 500


def test_two_sandboxes_in_one_process(make_sandbox: Callable[..., Sandbox]) -> None:
    first, second = make_sandbox("max"), make_sandbox("max")

    assert first.emulators["max"] is not second.emulators["max"]


# -- uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Missing required parameter: type"),
        ({"type": "photo"}, "Upload type 'photo' is not supported, use 'image'"),
        ({"type": "sticker"}, "Invalid upload type: sticker"),
    ],
)
def test_upload_type_is_required_and_checked(
    http: httpx.Client, params: dict[str, str], message: str
) -> None:
    response = api(http, "POST", "/uploads", params=params)

    assert error(response) == (400, "proto.payload", message)


def test_image_upload_gives_photo_tokens_on_its_own_host(http: httpx.Client) -> None:
    slot, answer = upload(http, "image", "a.png", png())

    assert slot["url"].startswith("https://iu.oneme.ru/upload.do?")
    assert "token" not in slot
    ((photo,),) = [list(answer["photos"].values())]
    assert set(photo) == {"token"}


def test_video_token_comes_with_the_upload_url(http: httpx.Client) -> None:
    slot, answer = upload(http, "video", "clip.mp4", b"\0" * 1024)

    assert slot["url"].startswith("https://vu.okcdn.ru/")
    assert slot["token"]
    assert answer == "<retval>1</retval>"


def test_file_upload_answers_a_token(http: httpx.Client) -> None:
    slot, answer = upload(http, "file", "plan.pdf", b"%PDF")

    assert slot["url"].startswith("https://fu.oneme.ru/")
    assert set(answer) == {"token"}


def test_upload_url_takes_one_file(http: httpx.Client) -> None:
    slot = api(http, "POST", "/uploads", params={"type": "file"}).json()
    assert http.post(slot["url"], files={"data": ("a.pdf", b"1")}).status_code == 200

    again = http.post(slot["url"], files={"data": ("b.pdf", b"2")})

    assert error(again)[:2] == (400, "upload.invalid")


def test_upload_needs_the_data_field(http: httpx.Client) -> None:
    slot = api(http, "POST", "/uploads", params={"type": "image"}).json()

    response = http.post(slot["url"], files={"file": ("a.png", png())})

    assert error(response) == (400, "proto.payload", "Missing required parameter: data")


@pytest.mark.parametrize(("kind", "name"), [("file", "setup.exe"), ("image", "a.webp")])
def test_forbidden_extension_is_refused(http: httpx.Client, kind: str, name: str) -> None:
    slot = api(http, "POST", "/uploads", params={"type": kind}).json()

    response = http.post(slot["url"], files={"data": (name, b"MZ")})

    assert error(response) == (400, "proto.payload", "File extension is forbidden")


def test_image_side_is_at_most_7680(http: httpx.Client) -> None:
    slot = api(http, "POST", "/uploads", params={"type": "image"}).json()

    response = http.post(slot["url"], files={"data": ("wide.png", png(7681, 1))})

    assert error(response)[:2] == (400, "proto.payload")
    assert "7681x1" in error(response)[2]


# -- messages ---------------------------------------------------------------------------------


def test_send_answers_the_message_with_mid_and_public_url(http: httpx.Client) -> None:
    payload = {"text": 'Уборка <b>улиц</b> и <a href="https://city.ru">план</a>', "format": "html"}

    answer = send(http, payload).json()["message"]

    assert answer["recipient"] == {"chat_id": CHAT, "chat_type": "channel", "user_id": None}
    assert answer["body"]["mid"].startswith("mid.")
    assert answer["body"]["text"] == "Уборка улиц и план"
    assert answer["body"]["markup"] == [
        {"type": "strong", "from": 7, "length": 4},
        {"type": "link", "from": 14, "length": 4, "url": "https://city.ru"},
    ]
    assert answer["url"].startswith("https://max.ru/c/-70123/")
    assert answer["timestamp"] == 1796115600000


@pytest.mark.parametrize(
    ("params", "content", "message"),
    [
        ({}, b'{"text": "x"}', "Missing required parameter: chat_id or user_id"),
        ({"chat_id": "city"}, b'{"text": "x"}', "Invalid value for parameter chat_id: city"),
        ({"chat_id": CHAT}, b"{not json", "Invalid request payload"),
        ({"chat_id": CHAT}, b'{"text": ""}', "Message must have text or attachments"),
        ({"chat_id": CHAT}, b'{"text": "x", "format": "bbcode"}', "Invalid format: bbcode"),
    ],
)
def test_send_validates_parameters_and_payload(
    http: httpx.Client, params: dict[str, Any], content: bytes, message: str
) -> None:
    response = api(http, "POST", "/messages", params=params, content=content)

    assert error(response) == (400, "proto.payload", message)


def test_text_limit_is_4000_utf16_units_of_the_field_as_sent(http: httpx.Client) -> None:
    assert send(http, {"text": "я" * 4000}).status_code == 200

    emoji = send(http, {"text": "я" * 3999 + "🙂"})
    markup = send(http, {"text": "<b>" + "я" * 3995 + "</b>", "format": "html"})

    assert error(emoji) == (400, "proto.payload", "Field 'text' size (4001) must be at most 4000")
    assert error(markup)[2] == "Field 'text' size (4002) must be at most 4000"


def test_fresh_video_is_not_ready_on_first_send(http: httpx.Client) -> None:
    slot = api(http, "POST", "/uploads", params={"type": "video"}).json()
    attachment = {"type": "video", "payload": {"token": slot["token"]}}

    before_upload = send(http, {"text": "Видео", "attachments": [attachment]})
    http.post(slot["url"], files={"data": ("clip.mp4", b"\0" * 64)})
    first = send(http, {"text": "Видео", "attachments": [attachment]})
    second = send(http, {"text": "Видео", "attachments": [attachment]})

    not_ready = (400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed")
    assert error(before_upload) == not_ready
    assert error(first) == not_ready
    assert second.status_code == 200
    assert second.json()["message"]["body"]["attachments"][0]["type"] == "video"


def test_images_are_ready_at_once(http: httpx.Client) -> None:
    answer = send(http, {"text": "", "attachments": [image_attachment(http)]})

    (attachment,) = answer.json()["message"]["body"]["attachments"]
    assert attachment["type"] == "image"
    assert {"photo_id", "token", "url"} <= set(attachment["payload"])


def test_a_file_must_be_alone_in_its_message(http: httpx.Client) -> None:
    document = file_attachment(http)
    send(http, {"text": "x", "attachments": [document]})  # processing, as a fresh file is

    mixed = send(http, {"text": "x", "attachments": [image_attachment(http), document]})
    alone = send(http, {"text": "x", "attachments": [document]})

    assert error(mixed) == (400, "proto.payload", "Must be only one file attachment in message")
    assert alone.status_code == 200
    (attachment,) = alone.json()["message"]["body"]["attachments"]
    assert (attachment["filename"], attachment["size"]) == ("plan.pdf", 8)


def test_upload_tokens_are_specific_to_their_type(http: httpx.Client) -> None:
    token = file_attachment(http)["payload"]["token"]

    as_image = send(http, {"attachments": [{"type": "image", "payload": {"token": token}}]})
    as_video = send(http, {"attachments": [{"type": "video", "payload": {"token": token}}]})
    poll = send(http, {"text": "?", "attachments": [{"type": "poll", "payload": {}}]})

    assert error(as_image) == (400, "proto.payload", "Invalid photo token provided")
    assert error(as_video) == (400, "proto.payload", "Invalid video token provided")
    assert error(poll) == (400, "proto.payload", "Unknown attachment type: poll")


def test_edit_replaces_text_and_keeps_or_removes_attachments(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    mid = send(http, {"text": "Было", "attachments": [image_attachment(http)]}).json()
    mid = mid["message"]["body"]["mid"]

    kept = api(http, "PUT", "/messages", params={"message_id": mid}, json={"text": "Стало"})
    shown = sandbox.show()["max"]["posts"][0]
    removed = api(
        http, "PUT", "/messages", params={"message_id": mid}, json={"text": None, "attachments": []}
    )

    assert kept.json() == {"success": True}
    assert (shown["text"], len(shown["media"])) == ("Стало", 1)
    assert removed.json() == {"success": True}
    assert sandbox.show()["max"]["posts"][0]["media"] == []
    assert sandbox.show()["max"]["posts"][0]["text"] == "Стало"


def test_edit_and_delete_need_a_live_message(http: httpx.Client) -> None:
    mid = send(http, {"text": "Пост"}).json()["message"]["body"]["mid"]

    assert error(api(http, "PUT", "/messages", json={"text": "x"}))[:2] == (400, "proto.payload")
    assert api(http, "DELETE", "/messages", params={"message_id": mid}).json() == {"success": True}
    gone = (404, "not.found", "Message not found")
    assert error(api(http, "DELETE", "/messages", params={"message_id": mid})) == gone
    assert error(api(http, "PUT", "/messages", params={"message_id": mid}, json={})) == gone
    assert error(api(http, "GET", f"/messages/{mid}")) == gone


def test_list_is_newest_first_within_count(http: httpx.Client, clock: FakeClock) -> None:
    mids = []
    for number in range(3):
        mids.append(send(http, {"text": f"Пост {number}"}).json()["message"]["body"]["mid"])
        clock.advance(1.0)
    send(http, {"text": "Другой чат"}, chat=-5)

    listed = api(http, "GET", "/messages", params={"chat_id": CHAT, "count": 2}).json()
    by_ids = api(http, "GET", "/messages", params={"message_ids": f"{mids[0]},{mids[2]}"}).json()

    assert [m["body"]["mid"] for m in listed["messages"]] == [mids[2], mids[1]]
    assert {m["body"]["mid"] for m in by_ids["messages"]} == {mids[0], mids[2]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Missing required parameter: chat_id or message_ids"),
        ({"chat_id": CHAT, "count": 101}, "Field 'count' value (101) must be at most 100"),
        ({"chat_id": CHAT, "count": 0}, "Field 'count' value (0) must be at least 1"),
    ],
)
def test_list_parameters_are_checked(
    http: httpx.Client, params: dict[str, Any], message: str
) -> None:
    assert error(api(http, "GET", "/messages", params=params)) == (400, "proto.payload", message)


# -- what the sandbox shows -------------------------------------------------------------------


def test_public_view_lists_live_posts_with_media(sandbox: Sandbox, http: httpx.Client) -> None:
    photo = image_attachment(http)
    sent = send(
        http, {"text": "<i>Фото</i> дня", "format": "html", "notify": False, "attachments": [photo]}
    )
    gone = send(http, {"text": "Удалим"}).json()["message"]["body"]["mid"]
    api(http, "DELETE", "/messages", params={"message_id": gone})

    (shown,) = sandbox.show()["max"]["posts"]

    message = sent.json()["message"]
    assert shown["id"] == message["body"]["mid"]
    assert (shown["text"], shown["html"]) == ("Фото дня", "<i>Фото</i> дня")
    assert (shown["poll"], shown["notify"], shown["url"]) == (None, False, message["url"])
    assert shown["published_at"] == "2026-12-01T09:00:00+00:00"
    (media,) = shown["media"]
    assert (media["type"], media["name"]) == ("image", "a.png")
    assert sandbox.store.file_path(media["file"]).read_bytes() == png()


def test_feed_html_escapes_text_and_shows_files(sandbox: Sandbox, http: httpx.Client) -> None:
    send(http, {"text": "<script>alert(1)</script>", "attachments": [image_attachment(http)]})

    page = sandbox.emulators["max"].feed_html(sandbox.store.read("max"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert '<img src="/files/' in page
    assert "Канал -70123" in page
