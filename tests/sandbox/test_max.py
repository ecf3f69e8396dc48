"""The Max emulator against the reference (networks-ru.md, section 4)."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from conftest import Sandboxes
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token

API = "https://platform-api2.max.ru"
TOKEN = "sandbox-max-main"
AUTH = {"Authorization": TOKEN}
CHAT = -70123


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("max")


@pytest.fixture
def http(sandbox: Sandbox, sandboxes: Sandboxes) -> httpx.Client:
    return sandboxes.client(sandbox)


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


def test_two_sandboxes_in_one_process(sandboxes: Sandboxes) -> None:
    first, second = sandboxes("max"), sandboxes("max")

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


# -- comments under channel posts ---------------------------------------------------------------


def new_post(http: httpx.Client, text: str = "Пост") -> str:
    mid: str = send(http, {"text": text}).json()["message"]["body"]["mid"]
    return mid


def comments(http: httpx.Client, mid: str, **params: Any) -> httpx.Response:
    return api(http, "GET", f"/messages/{mid}/comments", params=params)


def comment_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["body"]["mid"] for m in response.json()["messages"]]


def test_comments_list_newest_first_as_comment_messages(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    mid = new_post(http)
    first = sandbox.add_comment("max", mid, "Первый", "5001", "Иван Петров")
    clock.advance(1)
    second = sandbox.add_comment("max", mid, "Второй", "5002", "Мария", reply_to=first)

    answer = comments(http, mid)

    assert comment_ids(answer) == [second, first]
    newest = answer.json()["messages"][0]
    assert newest["sender"] == {
        "user_id": 5002,
        "first_name": "Мария",
        "last_name": None,
        "username": None,
        "is_bot": False,
        "name": "Мария",
    }
    assert newest["recipient"] == {"chat_id": CHAT, "chat_type": "channel", "user_id": None}
    assert newest["timestamp"] == 1796115601000
    assert newest["body"]["text"] == "Второй"
    assert newest["link"]["type"] == "reply"
    assert newest["link"]["message"]["mid"] == first
    assert newest["link"]["sender"]["user_id"] == 5001
    assert "url" not in newest


def test_comments_count_before_after_and_ids(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    mid = new_post(http)
    ids = []
    for n in range(4):
        clock.advance(1)
        ids.append(sandbox.add_comment("max", mid, f"№{n}", "5001", "Иван"))
    stamps = [1796115601000 + 1000 * n for n in range(4)]

    assert comment_ids(comments(http, mid, count=2)) == [ids[3], ids[2]]
    assert comment_ids(comments(http, mid, before=stamps[2])) == [ids[1], ids[0]]
    assert comment_ids(comments(http, mid, after=stamps[1])) == [ids[3], ids[2]]
    assert comment_ids(comments(http, mid, comment_ids=f"{ids[0]},{ids[3]}")) == [ids[3], ids[0]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"count": 101}, "Field 'count' value (101) must be at most 100"),
        ({"count": 0}, "Field 'count' value (0) must be at least 1"),
        ({"before": "yesterday"}, "Invalid value for parameter before: yesterday"),
        ({"after": "-5"}, "Invalid value for parameter after: -5"),
    ],
)
def test_comments_parameters_are_checked(
    http: httpx.Client, params: dict[str, Any], message: str
) -> None:
    mid = new_post(http)

    assert error(comments(http, mid, **params)) == (400, "proto.payload", message)


def test_comments_of_an_unknown_or_deleted_post_are_not_found(http: httpx.Client) -> None:
    mid = new_post(http)
    api(http, "DELETE", "/messages", params={"message_id": mid})

    assert error(comments(http, mid))[:2] == (404, "not.found")
    assert error(comments(http, "mid.unknown"))[:2] == (404, "not.found")


def test_comments_need_the_token(http: httpx.Client) -> None:
    mid = new_post(http)

    response = http.get(f"{API}/messages/{mid}/comments")

    assert error(response) == (401, "verify.token", "Invalid access_token")


def test_bot_comments_as_itself_with_a_reply_link(sandbox: Sandbox, http: httpx.Client) -> None:
    mid = new_post(http)
    asked = sandbox.add_comment("max", mid, "Вопрос", "5001", "Иван")
    bot = api(http, "GET", "/me").json()

    answer = api(
        http,
        "POST",
        f"/messages/{mid}/comments",
        json={"text": "<b>Ответ</b>", "format": "html", "link": {"type": "reply", "mid": asked}},
    )

    assert answer.status_code == 200, answer.text
    message = answer.json()["message"]
    assert message["sender"]["user_id"] == bot["user_id"]
    assert message["sender"]["is_bot"] is True
    assert message["body"]["text"] == "Ответ"
    assert message["body"]["markup"] == [{"type": "strong", "from": 0, "length": 5}]
    assert message["link"]["message"]["mid"] == asked
    one = api(http, "GET", f"/messages/{mid}/comments/{message['body']['mid']}")
    assert one.json()["body"]["text"] == "Ответ"
    (post,) = sandbox.show()["max"]["posts"]
    assert post["comments"][1] == {
        "id": message["body"]["mid"],
        "text": "Ответ",
        "author_id": str(bot["user_id"]),
        "author_name": "Бот песочницы",
        "hidden": False,
        "reply_to": asked,
        "from_account": True,
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"text": ""}, "Field 'text' must not be empty"),
        ({"text": None}, "Field 'text' must not be empty"),
        ({"text": "я" * 4001}, "Field 'text' size (4001) must be at most 4000"),
        ({"text": "Ок", "format": "bbcode"}, "Invalid format: bbcode"),
        ({"text": "Ок", "link": {"type": "forward", "mid": "x"}}, "Only a reply link"),
        ({"text": "Ок", "link": {"type": "reply", "mid": "mid.x"}}, "Invalid link"),
    ],
)
def test_comment_payload_is_checked(
    http: httpx.Client, payload: dict[str, Any], message: str
) -> None:
    mid = new_post(http)

    status, code, text = error(api(http, "POST", f"/messages/{mid}/comments", json=payload))

    assert (status, code) == (400, "proto.payload")
    assert text.startswith(message)


def test_comment_under_an_unknown_post_is_not_found(http: httpx.Client) -> None:
    response = api(http, "POST", "/messages/mid.none/comments", json={"text": "Ок"})

    assert error(response) == (404, "not.found", "Message not found")


def test_delete_comment_then_it_is_gone(sandbox: Sandbox, http: httpx.Client) -> None:
    mid = new_post(http)
    cid = sandbox.add_comment("max", mid, "Мат", "5001", "Иван")
    path = f"/messages/{mid}/comments"

    missing = api(http, "DELETE", path)
    removed = api(http, "DELETE", path, params={"comment_id": cid})
    again = api(http, "DELETE", path, params={"comment_id": cid})

    assert error(missing) == (400, "proto.payload", "Missing required parameter: comment_id")
    assert removed.json() == {"success": True}
    assert error(again) == (404, "not.found", "Comment not found")
    assert comment_ids(comments(http, mid)) == []
    assert sandbox.show()["max"]["posts"][0]["comments"] == []
    with pytest.raises(ValueError, match="no comment"):
        sandbox.add_comment("max", mid, "Ответ", "5002", "Мария", reply_to=cid)


def test_add_comment_checks_what_a_citizen_can_do(sandbox: Sandbox, http: httpx.Client) -> None:
    mid = new_post(http)

    with pytest.raises(ValueError, match="direct"):
        sandbox.add_comment("max", mid, "Привет", "5001", "Иван", direct=True)
    with pytest.raises(ValueError, match="no post"):
        sandbox.add_comment("max", "mid.none", "Привет", "5001", "Иван")
    with pytest.raises(ValueError, match="numbers"):
        sandbox.add_comment("max", mid, "Привет", "ivan", "Иван")
    with pytest.raises(ValueError, match="text"):
        sandbox.add_comment("max", mid, "  ", "5001", "Иван")


# -- members and the channel's profile ----------------------------------------------------------


def test_block_member_for_good_and_they_cannot_comment(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    mid = new_post(http)
    path = f"/chats/{CHAT}/members"

    removed = api(http, "DELETE", path, params={"user_id": 5001})
    blocked = api(http, "DELETE", path, params={"user_id": 6002, "block": "true"})

    assert removed.json() == blocked.json() == {"success": True}
    assert sandbox.show()["max"]["banned"] == [{"user_id": "6002", "until": None}]
    sandbox.add_comment("max", mid, "Я только удалён", "5001", "Иван")
    with pytest.raises(ValueError, match="blocked"):
        sandbox.add_comment("max", mid, "А я заблокирован", "6002", "Спамер")


def test_block_member_needs_a_user_id(http: httpx.Client) -> None:
    path = f"/chats/{CHAT}/members"

    assert error(api(http, "DELETE", path)) == (
        400,
        "proto.payload",
        "Missing required parameter: user_id",
    )
    assert error(api(http, "DELETE", path, params={"user_id": "x"}))[:2] == (400, "proto.payload")


def test_patch_chat_sets_title_and_icon_from_an_upload(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    _, photos = upload(http, "image", "logo.png", png())
    token = next(iter(photos["photos"].values()))["token"]

    answer = api(
        http,
        "PATCH",
        f"/chats/{CHAT}",
        json={"title": "Администрация", "icon": {"token": token}, "description": "Игнор"},
    )

    assert answer.status_code == 200, answer.text
    chat = answer.json()
    assert (chat["chat_id"], chat["type"], chat["title"]) == (CHAT, "channel", "Администрация")
    assert chat["icon"]["url"].startswith("https://")
    assert chat["description"] is None
    assert api(http, "GET", f"/chats/{CHAT}").json()["title"] == "Администрация"
    profile = sandbox.show()["max"]["profile"]
    assert profile["title"] == "Администрация"
    assert (profile["description"], profile["website"], profile["cover"]) == (None, None, None)
    assert sandbox.store.file_path(profile["avatar"]).read_bytes() == png()


def test_patch_chat_takes_the_photos_answer_as_icon(sandbox: Sandbox, http: httpx.Client) -> None:
    _, photos = upload(http, "image", "logo.png", png())

    answer = api(http, "PATCH", f"/chats/{CHAT}", json={"icon": photos})

    assert answer.status_code == 200, answer.text
    assert sandbox.show()["max"]["profile"]["avatar"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"title": ""}, "Field 'title' size (0) must be at least 1"),
        ({"title": "я" * 201}, "Field 'title' size (201) must be at most 200"),
        ({"title": 5}, "Field 'title' must be a string"),
        ({"icon": {"token": "nope"}}, "Invalid photo token provided"),
        ({"icon": "logo.png"}, "Field 'icon' must be an object"),
    ],
)
def test_patch_chat_checks_the_fields(
    sandbox: Sandbox, http: httpx.Client, payload: dict[str, Any], message: str
) -> None:
    answer = api(http, "PATCH", f"/chats/{CHAT}", json=payload)

    assert error(answer) == (400, "proto.payload", message)
    assert sandbox.show()["max"]["profile"]["title"] in (None, f"Канал {CHAT}")


def test_patch_chat_refuses_a_video_token_as_icon(http: httpx.Client) -> None:
    slot = api(http, "POST", "/uploads", params={"type": "video"}).json()

    answer = api(http, "PATCH", f"/chats/{CHAT}", json={"icon": {"token": slot["token"]}})

    assert error(answer) == (400, "proto.payload", "Invalid photo token provided")


def test_feed_html_shows_the_header_and_escaped_comments(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    mid = new_post(http)
    sandbox.add_comment("max", mid, "<img src=x onerror=alert(1)>", "5001", "<b>Иван</b>")
    _, photos = upload(http, "image", "logo.png", png())
    api(http, "PATCH", f"/chats/{CHAT}", json={"title": "Город & область", "icon": photos})

    page = sandbox.emulators["max"].feed_html(sandbox.store.read("max"))

    assert "Город &amp; область" in page
    assert '<img class="max-icon" src="/files/' in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;Иван&lt;/b&gt;" in page
    assert "<img src=x" not in page
