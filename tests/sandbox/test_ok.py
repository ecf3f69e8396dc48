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
from PIL import Image

from publisher.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.ok import (
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
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox("ok")


@pytest.fixture
def http(sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client]) -> httpx.Client:
    return sandbox_http(sandbox)


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
    token = "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"
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
        "group": GID,
        "text": "Привет, <район>",
        "url": f"https://ok.ru/group/{GID}/topic/{topic_id}",
        "media": [],
        "link": None,
        "poll": None,
        "published_at": "2026-12-01T09:00:01+00:00",
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
