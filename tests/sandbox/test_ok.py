"""The OK emulator against the reference: signing, errors, limits, uploads and views."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandboxes
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.ok import (
    ADMIN_USER_ID,
    COMMENTS_MAX_COUNT,
    POLL_MAX_ANSWERS,
    RATE_PER_SECOND,
    TEXT_LIMIT,
    register_app,
    register_session,
)

API = "https://api.ok.ru/fb.do"
TOKEN = "sandbox-ok-main"
APP_SECRET = "sandbox-ok-app_secret"
GID = "70000000000001"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def signed(
    method: str,
    token: str = TOKEN,
    secret: str | None = None,
    app_key: str = "CBAPUBLIC",
    **params: str,
) -> dict[str, str]:
    """A signed fb.do form, computed here independently of the adapter."""
    fields = {"method": method, "application_key": app_key, "format": "json", **params}
    key = secret if secret is not None else md5(token + APP_SECRET)
    fields["sig"] = md5("".join(f"{k}={fields[k]}" for k in sorted(fields)) + key)
    fields["access_token"] = token
    return fields


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("ok")


@pytest.fixture
def http(sandbox: Sandbox, sandboxes: Sandboxes) -> httpx.Client:
    return sandboxes.client(sandbox)


@pytest.fixture
def call(http: httpx.Client, clock: FakeClock) -> Callable[..., Any]:
    """Call a method and return its JSON; the clock moves on so the rate limit stays quiet."""

    def run(method: str, **params: str) -> Any:
        clock.advance(1)
        return http.post(API, data=signed(method, **params)).json()

    return run


def assert_ok_error(response: httpx.Response, code: int, name: str) -> None:
    assert response.status_code == 200
    assert response.headers["invocation-error"] == str(code)
    body = response.json()
    assert set(body) == {"error_code", "error_msg", "error_data"}
    assert body["error_code"] == code
    assert body["error_msg"].startswith(f"{name} : ")
    assert body["error_data"] is None


def topic_attachment(*media: dict[str, Any]) -> str:
    return json.dumps({"media": list(media), "onBehalfOfGroup": "true"}, ensure_ascii=False)


def text_item(text: str = "Привет") -> dict[str, Any]:
    return {"type": "text", "text": text}


def post_topic(call: Callable[..., Any], *media: dict[str, Any]) -> Any:
    return call("mediatopic.post", type="GROUP_THEME", gid=GID, attachment=topic_attachment(*media))


def image_bytes(image_format: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, image_format)
    return buffer.getvalue()


def upload_photos(http: httpx.Client, call: Callable[..., Any], *images: bytes) -> list[str]:
    server = call("photosV2.getUploadUrl", gid=GID, count=str(len(images)))
    files = {f"pic{i}": (f"p{i}", data, "image/jpeg") for i, data in enumerate(images, 1)}
    answer = http.post(server["upload_url"], files=files).json()
    return [answer["photos"][pid]["token"] for pid in server["photo_ids"]]


def start_video(call: Callable[..., Any], size: int) -> Any:
    return call("video.getUploadUrl", gid=GID, file_name="clip.mp4", file_size=str(size))


def send_chunk(http: httpx.Client, url: str, start: int, data: bytes, total: int) -> httpx.Response:
    headers = {"Content-Range": f"bytes {start}-{start + len(data) - 1}/{total}"}
    return http.post(url, content=data, headers=headers)


# ---- authentication and signatures --------------------------------------------------------


def test_aiookru_signature_vector_is_accepted(sandbox: Sandbox, http: httpx.Client) -> None:
    token = "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"  # pragma: allowlist secret
    register_app(sandbox.store, "ABCDEFGHIGKLMNOPK", "ABC123DEF456GHI789JKL123")
    fields = {
        "application_key": "ABCDEFGHIGKLMNOPK",
        "format": "json",
        "method": "events.get",
        "access_token": token,
        "sig": "232c8eb921951c4dba9b72606f9ddb4c",
    }
    # the signature passes; the method is simply not emulated
    assert_ok_error(http.post(API, data=fields), 3, "METHOD")
    fields["sig"] = "0" * 32
    assert_ok_error(http.post(API, data=fields), 104, "PARAM_SIGNATURE")


def test_bad_signature_is_error_104(http: httpx.Client) -> None:
    fields = signed("group.getInfo", uids=GID, fields="name")
    fields["uids"] = "1"  # changed after signing
    response = http.post(API, data=fields)
    assert_ok_error(response, 104, "PARAM_SIGNATURE")
    assert response.json()["error_msg"] == "PARAM_SIGNATURE : Invalid signature"


def test_signature_with_another_app_secret_is_refused(http: httpx.Client) -> None:
    fields = signed("group.getInfo", secret=md5(TOKEN + "other"), uids=GID, fields="name")
    assert_ok_error(http.post(API, data=fields), 104, "PARAM_SIGNATURE")


def test_session_secret_signs(sandbox: Sandbox, http: httpx.Client) -> None:
    default = signed("group.getInfo", secret="sandbox-ok-session_secret", uids=GID, fields="n")
    assert http.post(API, data=default).json()[0]["uid"] == GID
    register_session(sandbox.store, "tok-2", "SESSION2")
    own = signed("group.getInfo", token="tok-2", secret="SESSION2", uids=GID, fields="n")
    assert http.post(API, data=own).json()[0]["uid"] == GID


def test_signed_query_string_works_too(http: httpx.Client) -> None:
    assert http.get(API, params=signed("group.getInfo", uids=GID, fields="name")).json()


def test_path_form_of_the_api(http: httpx.Client) -> None:
    fields = signed("group.getInfo", uids=GID, fields="name")
    del fields["method"]  # named by the path; it still takes part in the signature
    response = http.post("https://api.ok.ru/api/group/getInfo", data=fields)
    assert response.json()[0]["uid"] == GID


@pytest.mark.parametrize(
    ("drop", "code", "name"),
    [
        ("application_key", 101, "PARAM_API_KEY"),
        ("access_token", 103, "PARAM_SESSION_KEY"),
        ("sig", 104, "PARAM_SIGNATURE"),
        ("method", 100, "PARAM"),
    ],
)
def test_missing_common_parameter(http: httpx.Client, drop: str, code: int, name: str) -> None:
    fields = signed("group.getInfo", uids=GID, fields="name")
    del fields[drop]
    assert_ok_error(http.post(API, data=fields), code, name)


def test_revoked_token_is_error_102(sandbox: Sandbox, http: httpx.Client) -> None:
    revoke_token(sandbox.store, TOKEN)
    response = http.post(API, data=signed("group.getInfo", uids=GID, fields="name"))
    assert_ok_error(response, 102, "PARAM_SESSION_EXPIRED")


def test_unknown_method_is_error_3(call: Callable[..., Any]) -> None:
    assert call("wall.post")["error_code"] == 3


def test_rate_limit_per_token_is_flood_blocked(http: httpx.Client, clock: FakeClock) -> None:
    fields = signed("group.getInfo", uids=GID, fields="name")
    for _ in range(RATE_PER_SECOND):
        assert http.post(API, data=fields).json()[0]["uid"] == GID
    assert_ok_error(http.post(API, data=fields), 8, "FLOOD_BLOCKED")
    other = signed("group.getInfo", token="another-token", uids=GID, fields="name")
    assert http.post(API, data=other).json()[0]["uid"] == GID
    clock.advance(1)
    assert http.post(API, data=fields).json()[0]["uid"] == GID


def test_fault_responses(sandbox: Sandbox) -> None:
    emulator = sandbox.emulators["ok"]
    flood = emulator.fault_response("rate429")
    assert flood.status_code == 200
    assert flood.headers["invocation-error"] == "8"
    assert json.loads(flood.get_data())["error_code"] == 8
    assert emulator.fault_response("error500").status_code == 502


# ---- methods ------------------------------------------------------------------------------


def test_group_get_info_creates_the_group(call: Callable[..., Any], sandbox: Sandbox) -> None:
    assert call("group.getInfo", uids=GID, fields="uid,name") == [
        {"uid": GID, "name": f"Группа {GID}"}
    ]
    assert GID in sandbox.show()["ok"]["groups"]
    assert call("group.getInfo", uids=GID)["error_code"] == 100


def test_text_topic_and_public_view(call: Callable[..., Any], sandbox: Sandbox) -> None:
    topic_id = post_topic(call, text_item("Привет, <район>"))
    assert isinstance(topic_id, str) and topic_id.isdigit()
    (post,) = sandbox.show()["ok"]["posts"]
    assert post == {
        "id": topic_id,
        "account": GID,
        "group": GID,
        "text": "Привет, <район>",
        "url": f"https://ok.ru/group/{GID}/topic/{topic_id}",
        "media": [],
        "link": None,
        "poll": None,
        "published_at": "2026-12-01T09:00:01+00:00",
        "comments": [],
    }
    html = sandbox.emulators["ok"].feed_html(sandbox.store.read("ok"))
    assert "Привет, &lt;район&gt;" in html and "<район>" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gid": GID, "attachment": topic_attachment(text_item())}, "type"),
        ({"type": "GROUP_THEME", "attachment": topic_attachment(text_item())}, "gid"),
        ({"type": "GROUP_THEME", "gid": GID}, "attachment"),
        ({"type": "GROUP_THEME", "gid": GID, "attachment": "{not json"}, "JSON"),
        ({"type": "GROUP_THEME", "gid": GID, "attachment": topic_attachment()}, "media"),
        (
            {"type": "GROUP_THEME", "gid": GID, "attachment": topic_attachment({"type": "gif"})},
            "unknown media type",
        ),
        (
            {"type": "GROUP_THEME", "gid": GID, "attachment": topic_attachment(text_item(""))},
            "text",
        ),
    ],
)
def test_topic_parameter_validation(
    call: Callable[..., Any], params: dict[str, str], message: str
) -> None:
    answer = call("mediatopic.post", **params)
    assert answer["error_code"] == 100
    assert message in answer["error_msg"]


def test_text_limit(call: Callable[..., Any]) -> None:
    assert post_topic(call, text_item("a" * (TEXT_LIMIT + 1)))["error_code"] == 100
    assert isinstance(post_topic(call, text_item("a" * TEXT_LIMIT)), str)


def test_poll_validation(call: Callable[..., Any], sandbox: Sandbox) -> None:
    def poll(question: str, answers: list[str], options: str = "SingleChoice") -> Any:
        item = {
            "type": "poll",
            "question": question,
            "answers": [{"text": a} for a in answers],
            "options": options,
        }
        return post_topic(call, item)

    assert poll("", ["Да"])["error_code"] == 100
    assert poll("Q?", [])["error_code"] == 100
    assert poll("Q?", ["x"] * (POLL_MAX_ANSWERS + 1))["error_code"] == 100
    assert poll("Q?", ["Да", ""])["error_code"] == 100
    assert isinstance(poll("Q?", ["Да", "Нет"], "MultipleChoice,AnonymousVoting"), str)
    (shown,) = sandbox.show()["ok"]["posts"]
    assert shown["poll"] == {
        "question": "Q?",
        "options": ["Да", "Нет"],
        "multiple": True,
        "anonymous": True,
    }


def test_link_item(call: Callable[..., Any], sandbox: Sandbox) -> None:
    assert post_topic(call, {"type": "link", "url": "ftp://x"})["error_code"] == 100
    post_topic(call, text_item(), {"type": "link", "url": "https://city.example"})
    assert sandbox.show()["ok"]["posts"][0]["link"] == "https://city.example"


def test_delete_topic(call: Callable[..., Any], sandbox: Sandbox) -> None:
    topic_id = post_topic(call, text_item())
    assert call("mediatopic.deleteTopic", gid=GID)["error_code"] == 100
    assert call("mediatopic.deleteTopic", gid="1", topic_id=topic_id)["error_code"] == 300
    assert call("mediatopic.deleteTopic", gid=GID, topic_id=topic_id) == {"success": True}
    assert sandbox.show()["ok"]["posts"] == []
    assert call("mediatopic.deleteTopic", gid=GID, topic_id=topic_id)["error_code"] == 300


# ---- photo uploads ------------------------------------------------------------------------


def test_photo_upload_flow(http: httpx.Client, call: Callable[..., Any], sandbox: Sandbox) -> None:
    server = call("photosV2.getUploadUrl", gid=GID, count="2")
    assert set(server) == {"upload_url", "photo_ids", "expires_ms", "ttl_ms"}
    assert server["upload_url"].startswith("https://pu.mycdn.me/upload.do?")
    assert len(server["photo_ids"]) == 2
    files = {
        "pic1": ("a.jpg", image_bytes(), "image/jpeg"),
        "pic2": ("b.png", image_bytes("PNG"), "image/png"),
    }
    answer = http.post(server["upload_url"], files=files).json()
    assert set(answer["photos"]) == set(server["photo_ids"])
    tokens = [answer["photos"][pid]["token"] for pid in server["photo_ids"]]
    post_topic(call, text_item(), {"type": "photo", "list": [{"id": t} for t in tokens]})
    (post,) = sandbox.show()["ok"]["posts"]
    assert [Path(name).suffix for name in post["media"]] == [".jpg", ".png"]
    assert sandbox.store.file_path(post["media"][0]).read_bytes() == image_bytes()
    html = sandbox.emulators["ok"].feed_html(sandbox.store.read("ok"))
    assert f'<img src="/files/{post["media"][0]}"' in html


def test_photo_upload_refuses_non_images_and_unknown_sessions(
    http: httpx.Client, call: Callable[..., Any]
) -> None:
    server = call("photosV2.getUploadUrl", gid=GID)
    bad = http.post(server["upload_url"], files={"pic1": ("x.jpg", b"not an image")})
    assert_ok_error(bad, 100, "PARAM")
    empty = http.post(server["upload_url"], files={"file": ("x.jpg", image_bytes())})
    assert_ok_error(empty, 100, "PARAM")
    unknown = http.post("https://pu.mycdn.me/upload.do?sid=nope", files={"pic1": ("x", b"")})
    assert_ok_error(unknown, 100, "PARAM")


def test_photo_upload_session_expires(
    http: httpx.Client, call: Callable[..., Any], clock: FakeClock
) -> None:
    server = call("photosV2.getUploadUrl", gid=GID)
    clock.advance(server["ttl_ms"] / 1000 + 1)
    response = http.post(server["upload_url"], files={"pic1": ("a.jpg", image_bytes())})
    assert_ok_error(response, 100, "PARAM")


def test_topic_with_unknown_photo_token(call: Callable[..., Any]) -> None:
    answer = post_topic(call, {"type": "photo", "list": [{"id": "forged"}]})
    assert answer["error_code"] == 100


def test_media_count_limit(http: httpx.Client, call: Callable[..., Any]) -> None:
    tokens = upload_photos(http, call, *[image_bytes()] * 11)
    answer = post_topic(call, {"type": "photo", "list": [{"id": t} for t in tokens]})
    assert answer["error_code"] == 100
    assert isinstance(post_topic(call, {"type": "photo", "list": [{"id": tokens[0]}]}), str)


# ---- video uploads ------------------------------------------------------------------------


def test_chunked_video_upload(
    http: httpx.Client, call: Callable[..., Any], sandbox: Sandbox
) -> None:
    data = bytes(range(256)) * 40  # 10240 bytes
    server = start_video(call, len(data))
    assert server["upload_url"].startswith("https://vu.mycdn.me/upload.do?")
    url, vid = server["upload_url"], server["video_id"]
    movie = {"type": "movie", "list": [{"id": vid}]}
    assert send_chunk(http, url, 0, data[:4096], len(data)).status_code == 200
    assert post_topic(call, movie)["error_code"] == 100  # not fully uploaded yet
    gap = send_chunk(http, url, 8192, data[8192:], len(data))
    assert_ok_error(gap, 100, "PARAM")
    assert send_chunk(http, url, 0, data[:4096], len(data)).status_code == 200  # resent chunk
    assert send_chunk(http, url, 4096, data[4096:8192], len(data)).status_code == 200
    assert send_chunk(http, url, 8192, data[8192:], len(data)).status_code == 200
    assert call("video.update", vid=str(vid), title="Сессия") == {"success": True}
    post_topic(call, text_item(), movie)
    (post,) = sandbox.show()["ok"]["posts"]
    assert sandbox.store.file_path(post["media"][0]).read_bytes() == data
    assert "<video" in sandbox.emulators["ok"].feed_html(sandbox.store.read("ok"))


def test_video_chunk_must_match_its_range(http: httpx.Client, call: Callable[..., Any]) -> None:
    server = start_video(call, 100)
    url = server["upload_url"]
    short = http.post(url, content=b"x" * 10, headers={"Content-Range": "bytes 0-49/100"})
    assert_ok_error(short, 100, "PARAM")
    assert_ok_error(http.post(url, content=b"x" * 10), 100, "PARAM")
    wrong_total = http.post(url, content=b"x" * 10, headers={"Content-Range": "bytes 0-9/99"})
    assert_ok_error(wrong_total, 100, "PARAM")
    assert send_chunk(http, url, 0, b"y" * 100, 100).status_code == 200


def test_multipart_video_upload(http: httpx.Client, call: Callable[..., Any]) -> None:
    server = start_video(call, 5)
    assert http.post(server["upload_url"], files={"data": ("v.mp4", b"12345")}).status_code == 200
    movie = {"type": "movie", "list": [{"id": server["video_id"]}]}
    assert isinstance(post_topic(call, movie), str)


def test_video_upload_url_validation(call: Callable[..., Any], http: httpx.Client) -> None:
    assert start_video(call, 3 * 1024**3)["error_code"] == 100
    assert call("video.getUploadUrl", gid=GID, file_name="a.mp4")["error_code"] == 100
    assert call("video.getUploadUrl", gid=GID, file_size="5")["error_code"] == 100
    assert call("video.update", vid="404", title="x")["error_code"] == 300
    server = start_video(call, 5)
    long_title = call("video.update", vid=str(server["video_id"]), title="x" * 1001)
    assert long_title["error_code"] == 100
    forged = http.post(server["upload_url"].replace("sid=", "sid=x"), content=b"1")
    assert_ok_error(forged, 100, "PARAM")


# ---- discussions: comments, replies, deletion and the blacklist ---------------------------


def discussion(call: Callable[..., Any], method: str, topic_id: str, **params: str) -> Any:
    keys = ("entityId", "entityType") if method.endswith("addDiscussionComment") else None
    id_key, type_key = keys or ("discussionId", "discussionType")
    return call(method, **{id_key: topic_id, type_key: "GROUP_TOPIC"}, **params)


def comment_ids(answer: Any) -> list[str]:
    return [comment["id"] for comment in answer["comments"]]


@pytest.fixture
def topic(call: Callable[..., Any]) -> str:
    topic_id: str = post_topic(call, text_item("Ремонт дорог"))
    return topic_id


def test_citizen_comments_are_read_with_anchors(
    call: Callable[..., Any], sandbox: Sandbox, topic: str, clock: FakeClock
) -> None:
    when = int(clock.now().timestamp() * 1000)
    ids = [
        sandbox.add_comment("ok", topic, f"Вопрос {n}", str(5000 + n), "Житель") for n in range(5)
    ]
    first = discussion(
        call, "discussions.getComments", topic, anchor="FIRST", direction="FORWARD", count="2"
    )
    assert comment_ids(first) == ids[:2]
    assert (first["has_more"], first["discussionId"], first["discussionType"]) == (
        True,
        topic,
        "GROUP_TOPIC",
    )
    second = discussion(
        call,
        "discussions.getComments",
        topic,
        anchor=first["anchor"],
        direction="FORWARD",
        count="2",
    )
    third = discussion(call, "discussions.getComments", topic, anchor=second["anchor"], count="2")
    assert comment_ids(second) == ids[2:4]
    assert (comment_ids(third), third["has_more"]) == (ids[4:], False)
    last = discussion(
        call, "discussions.getComments", topic, anchor="LAST", direction="BACKWARD", count="3"
    )
    assert (comment_ids(last), last["has_more"]) == (ids[2:], True)
    older = discussion(
        call, "discussions.getComments", topic, anchor=last["anchor"], direction="BACKWARD"
    )
    assert (comment_ids(older), older["has_more"]) == (ids[:2], False)
    comment = first["comments"][0]
    assert comment == {
        "id": ids[0],
        "text": "Вопрос 0",
        "author_id": "5000",
        "author_name": "Житель",
        "date_ms": when,
    }


def test_get_comments_answers_only_the_fields_asked(
    call: Callable[..., Any], sandbox: Sandbox, topic: str
) -> None:
    sandbox.add_comment("ok", topic, "Вопрос", "5001", "Житель")
    answer = discussion(call, "discussions.getComments", topic, fields="comment.TEXT")
    assert set(answer["comments"][0]) == {"id", "text"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"discussionId": None}, 100),
        ({"discussionType": None}, 100),
        ({"discussionId": "1"}, 106),
        ({"discussionType": "USER_PHOTO"}, 100),
        ({"count": str(COMMENTS_MAX_COUNT + 1)}, 100),
        ({"count": "0"}, 100),
        ({"direction": "AROUND"}, 100),
        ({"anchor": "bm90LWFuLWFuY2hvcg"}, 100),
        ({"anchor": "UNREAD"}, 100),
    ],
)
def test_get_comments_validation(
    call: Callable[..., Any], topic: str, params: dict[str, str | None], code: int
) -> None:
    fields = {"discussionId": topic, "discussionType": "GROUP_TOPIC"} | params
    answer = call("discussions.getComments", **{k: v for k, v in fields.items() if v is not None})
    assert answer["error_code"] == code


def test_deleted_topic_has_no_discussion(call: Callable[..., Any], topic: str) -> None:
    call("mediatopic.deleteTopic", gid=GID, topic_id=topic)
    answer = discussion(call, "discussions.getComments", topic)
    assert answer["error_code"] == 106
    assert answer["error_msg"].startswith("PARAM_DISCUSSION : ")


def test_group_replies_as_admin(call: Callable[..., Any], sandbox: Sandbox, topic: str) -> None:
    question = sandbox.add_comment("ok", topic, "Когда?", "5001", "Иван")
    answer = discussion(
        call,
        "discussions.addDiscussionComment",
        topic,
        comment="Летом <b>2027</b>",
        reply_to_comment_id=question,
        as_admin="true",
    )
    assert answer["author_id"] == GID and answer["reply_to_comment_id"] == question
    personal = discussion(call, "discussions.addDiscussionComment", topic, comment="Лично")
    assert personal["author_id"] == ADMIN_USER_ID
    (post,) = sandbox.show()["ok"]["posts"]
    assert post["comments"][1] == {
        "id": answer["id"],
        "text": "Летом <b>2027</b>",
        "author_id": GID,
        "author_name": f"Группа {GID}",
        "hidden": False,
        "reply_to": question,
        "from_account": True,
    }
    html = sandbox.emulators["ok"].feed_html(sandbox.store.read("ok"))
    assert "Летом &lt;b&gt;2027&lt;/b&gt;" in html and "<b>2027" not in html
    assert 'class="ok-comment from-account"' in html


def test_add_comment_validation(call: Callable[..., Any], sandbox: Sandbox, topic: str) -> None:
    add = "discussions.addDiscussionComment"
    assert discussion(call, add, topic)["error_code"] == 100  # no comment text
    assert call(add, entityId=topic, comment="x")["error_code"] == 100
    assert call(add, entityId="1", entityType="GROUP_TOPIC", comment="x")["error_code"] == 106
    unknown = discussion(call, add, topic, comment="x", reply_to_comment_id="404")
    assert unknown["error_code"] == 141
    assert unknown["error_msg"].startswith("PARAM_COMMENT_ID : ")


def test_delete_comment_and_block_author(
    call: Callable[..., Any], sandbox: Sandbox, topic: str
) -> None:
    keep = sandbox.add_comment("ok", topic, "Спасибо", "5001", "Иван")
    spam = sandbox.add_comment("ok", topic, "Спам", "6002", "Бот")
    delete = "discussions.deleteDiscussionComment"
    assert discussion(call, delete, topic)["error_code"] == 100  # no comment_id
    assert discussion(call, delete, topic, comment_id=spam, block_author="true") == {
        "success": True
    }
    assert discussion(call, delete, topic, comment_id=spam)["error_code"] == 141
    view = sandbox.show()["ok"]
    assert [c["id"] for c in view["posts"][0]["comments"]] == [keep]
    assert view["banned"] == [{"user_id": "6002", "until": None}]
    assert comment_ids(discussion(call, "discussions.getComments", topic)) == [keep]
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", topic, "Снова", "6002", "Бот")
    assert discussion(call, delete, topic, comment_id=keep, mark_as_spam="true")["success"]
    (stored,) = [c for c in sandbox.store.read("ok")["posts"][0]["comments"] if c["id"] == keep]
    assert stored["deleted"] and stored["spam"]


def test_group_cannot_block_itself(call: Callable[..., Any], topic: str) -> None:
    own = discussion(call, "discussions.addDiscussionComment", topic, comment="x", as_admin="true")
    answer = discussion(
        call,
        "discussions.deleteDiscussionComment",
        topic,
        comment_id=own["id"],
        block_author="true",
    )
    assert answer["error_code"] == 100


def test_anchor_of_a_deleted_comment_still_pages(
    call: Callable[..., Any], sandbox: Sandbox, topic: str
) -> None:
    ids = [sandbox.add_comment("ok", topic, f"№{n}", str(5000 + n), "Ж") for n in range(3)]
    page = discussion(call, "discussions.getComments", topic, count="1")
    discussion(call, "discussions.deleteDiscussionComment", topic, comment_id=ids[0])
    rest = discussion(call, "discussions.getComments", topic, anchor=page["anchor"])
    assert comment_ids(rest) == ids[1:]


def test_citizen_comment_errors(call: Callable[..., Any], sandbox: Sandbox, topic: str) -> None:
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", topic, "x", "5001", "Ж", direct=True)
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", "404", "x", "5001", "Ж")
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", topic, "  ", "5001", "Ж")
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", topic, "x", "5001", "Ж", reply_to="404")
    closed = call(
        "mediatopic.post",
        type="GROUP_THEME",
        gid=GID,
        attachment=json.dumps({"media": [text_item()], "disableComments": "true"}),
    )
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", closed, "x", "5001", "Ж")
    first = sandbox.add_comment("ok", topic, "x", "5001", "Ж")
    answer = sandbox.add_comment("ok", topic, "y", "5002", "Ж", reply_to=first)
    (post,) = [p for p in sandbox.show()["ok"]["posts"] if p["id"] == topic]
    assert post["comments"][1]["reply_to"] == first and post["comments"][1]["id"] == answer


# ---- the group's profile -------------------------------------------------------------------


def test_profile_starts_empty(sandbox: Sandbox, call: Callable[..., Any]) -> None:
    empty = dict.fromkeys(("title", "description", "website", "avatar", "cover"))
    assert sandbox.show()["ok"]["profile"] == empty
    call("group.getInfo", uids=GID, fields="uid,name")
    assert sandbox.show()["ok"]["profile"] == {
        "title": f"Группа {GID}",
        "description": "",
        "website": "",
        "avatar": None,
        "cover": None,
    }
    assert sandbox.show()["ok"]["banned"] == []


def test_set_main_photo(http: httpx.Client, call: Callable[..., Any], sandbox: Sandbox) -> None:
    server = call("photosV2.getUploadUrl", gid=GID)
    (photo_id,) = server["photo_ids"]
    unknown = call("group.setMainPhoto", group_id=GID, photo_id=photo_id)
    assert unknown["error_code"] == 121  # not uploaded yet
    http.post(server["upload_url"], files={"pic1": ("a.jpg", image_bytes(), "image/jpeg")})
    assert call("group.setMainPhoto", group_id=GID)["error_code"] == 100
    assert call("group.setMainPhoto", group_id="999", photo_id=photo_id)["error_code"] == 121
    assert call("group.setMainPhoto", group_id=GID, photo_id=photo_id) == {"success": True}
    profile = sandbox.show()["ok"]["profile"]
    assert sandbox.store.file_path(profile["avatar"]).read_bytes() == image_bytes()
    html = sandbox.emulators["ok"].feed_html(sandbox.store.read("ok"))
    assert f'<img class="ok-avatar" src="/files/{profile["avatar"]}"' in html
    assert f"<h2>Группа {GID}</h2>" in html
    assert call("group.getInfo", uids=GID, fields="uid,name") == [
        {"uid": GID, "name": f"Группа {GID}"}
    ]
