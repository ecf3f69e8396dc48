"""The Max adapter: exact requests, error mapping, and the contract against its emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import make_account
from PIL import Image

from publisher.clock import FakeClock
from publisher.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.model import Media, RemoteRef, RenderedPost
from publisher.networks.base import CHUNK_SIZE, ApiClient, FindResult, Tokens
from publisher.networks.max import (
    DEFAULT_RETRY_AFTER,
    NOT_READY_ROUNDS,
    AttachmentNotReady,
    MaxAdapter,
    split_messages,
    upload_type,
)
from publisher.redact import Secret
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token

API = "https://platform-api2.max.ru"
TOKEN = "max-test-token-5f0c1a9e77"
CHAT = "-70123"
STAMP = 1796115600000  # 2026-12-01 09:00 UTC in ms
IMAGE_URL = "https://iu.oneme.ru/upload.do?id=1"
FILE_URL = "https://fu.oneme.ru/upload.do?id=2"
VIDEO_URL = "https://vu.okcdn.ru/upload.do?id=3"

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler answering in order and remembering every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer


def ok(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


def fail(status: int, code: str, message: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message}, headers=headers)


def message(
    mid: str, text: str = "", attachments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "recipient": {"chat_id": int(CHAT), "chat_type": "channel", "user_id": None},
        "timestamp": STAMP,
        "body": {"mid": mid, "seq": 1, "text": text, "attachments": attachments},
        "url": f"https://max.ru/c/{CHAT}/{mid}",
    }


def sent(mid: str, text: str = "") -> httpx.Response:
    return ok({"message": message(mid, text)})


def adapter(
    transport: httpx.BaseTransport | Callable[[httpx.Request], httpx.Response],
    clock: FakeClock,
    **account: Any,
) -> MaxAdapter:
    if not isinstance(transport, httpx.BaseTransport):
        transport = httpx.MockTransport(transport)
    fields: dict[str, Any] = {"account_id": CHAT, "token_env": "MAX_TOKEN", **account}
    return MaxAdapter(
        make_account("max", **fields),
        Tokens(Secret(TOKEN, "MAX_TOKEN")),
        httpx.Client(transport=transport),
        clock=clock,
    )


def post(text: str = "<b>Привет</b>", *media: Media, **options: Any) -> RenderedPost:
    return RenderedPost("2026/news", "max", (text,), media=media, options=options)


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture
def photo(tmp_path: Path) -> Media:
    path = tmp_path / "a.jpg"
    Image.new("RGB", (40, 30), "navy").save(path)
    return Media(path, "a.jpg", "photo", size=path.stat().st_size, image_format="JPEG")


def medium(tmp_path: Path, name: str, kind: str, size: int = 64) -> Media:
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.truncate(size)
    return Media(path, name, kind, size=size)  # type: ignore[arg-type]


# -- publish ----------------------------------------------------------------------------------


def test_publish_text_sends_one_html_message_with_raw_token_header(clock: FakeClock) -> None:
    script = Script(sent("mid.1", "Привет"))

    ref = adapter(script, clock).publish(post(), "k" * 64)

    (request,) = script.requests
    assert request.method == "POST"
    assert str(request.url) == f"{API}/messages?chat_id=-70123&disable_link_preview=false"
    assert request.headers["Authorization"] == TOKEN
    assert body(request) == {
        "text": "<b>Привет</b>",
        "format": "html",
        "attachments": [],
        "notify": True,
    }
    assert ref == RemoteRef(
        "max",
        "mid.1",
        f"https://max.ru/c/{CHAT}/mid.1",
        ("mid.1",),
        published_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )


def test_publish_silent_without_link_preview(clock: FakeClock) -> None:
    script = Script(sent("mid.1"))

    adapter(script, clock).publish(post(silent=True, link_preview=False, link="x"), "k")

    request = script.requests[0]
    assert request.url.params["disable_link_preview"] == "true"
    assert body(request)["notify"] is False


def test_publish_photos_uploads_each_then_sends_one_message(
    clock: FakeClock, photo: Media, tmp_path: Path
) -> None:
    second = medium(tmp_path, "b.png", "photo")
    script = Script(
        ok({"url": IMAGE_URL}),
        ok({"photos": {"p1": {"token": "T1"}}}),
        ok({"url": IMAGE_URL + "1"}),
        ok({"token": "T2"}),  # some clients see a bare token for images
        sent("mid.1"),
    )

    adapter(script, clock).publish(post("", photo, second), "k")

    slot, upload, _, _, send = script.requests
    assert (slot.method, str(slot.url)) == ("POST", f"{API}/uploads?type=image")
    assert slot.headers["Authorization"] == TOKEN
    assert (upload.method, str(upload.url)) == ("POST", IMAGE_URL)
    assert "Authorization" not in upload.headers
    assert b'name="data"; filename="a.jpg"' in upload.content
    assert b"Content-Type: image/jpeg" in upload.content
    assert body(send) == {
        "text": None,
        "format": "html",
        "attachments": [
            {"type": "image", "payload": {"photos": {"p1": {"token": "T1"}}}},
            {"type": "image", "payload": {"token": "T2"}},
        ],
        "notify": True,
    }


def test_publish_video_uses_token_of_upload_url_and_waits_until_ready(
    clock: FakeClock, tmp_path: Path
) -> None:
    video = medium(tmp_path, "clip.mp4", "video")
    script = Script(
        ok({"url": VIDEO_URL, "token": "VT"}),
        httpx.Response(200, text="<retval>1</retval>"),
        fail(400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed"),
        sent("mid.1"),
    )

    ref = adapter(script, clock).publish(post("Видео", video), "k")

    assert str(script.requests[0].url) == f"{API}/uploads?type=video"
    assert str(script.requests[1].url) == VIDEO_URL
    assert body(script.requests[3])["attachments"] == [
        {"type": "video", "payload": {"token": "VT"}}
    ]
    assert ref.remote_id == "mid.1"
    assert clock.monotonic() == ApiClient.BACKOFF


def test_publish_gives_up_when_the_attachment_never_gets_ready(
    clock: FakeClock, tmp_path: Path
) -> None:
    document = medium(tmp_path, "plan.pdf", "document")
    sends = NOT_READY_ROUNDS * ApiClient.MAX_ATTEMPTS
    never = [fail(400, "attachment.not.ready") for _ in range(sends)]
    script = Script(ok({"url": FILE_URL}), ok({"token": "FT"}), *never)

    with pytest.raises(AttachmentNotReady):
        adapter(script, clock).publish(post("План", document), "k")

    assert len(script.requests) == 2 + sends
    assert script.answers == []


def test_documents_follow_as_messages_of_their_own(
    clock: FakeClock, photo: Media, tmp_path: Path
) -> None:
    first, second = medium(tmp_path, "a.pdf", "document"), medium(tmp_path, "b.docx", "document")
    script = Script(
        ok({"url": IMAGE_URL}),
        ok({"photos": {"p": {"token": "PT"}}}),
        ok({"url": FILE_URL}),
        ok({"token": "F1"}),
        ok({"url": FILE_URL}),
        ok({"token": "F2"}),
        sent("mid.1", "Текст"),
        sent("mid.2"),
        sent("mid.3"),
    )

    ref = adapter(script, clock).publish(post("Текст", photo, first, second), "k")

    assert str(script.requests[2].url) == f"{API}/uploads?type=file"
    messages = [body(r) for r in script.requests[6:]]
    assert [m["text"] for m in messages] == ["Текст", None, None]
    assert [m["attachments"][0]["type"] for m in messages] == ["image", "file", "file"]
    assert messages[2]["attachments"] == [{"type": "file", "payload": {"token": "F2"}}]
    assert ref.parts == ("mid.1", "mid.2", "mid.3")


def test_split_messages_puts_the_text_with_the_first_document_when_no_picture() -> None:
    files = [
        {"type": "file", "payload": {"token": "1"}},
        {"type": "file", "payload": {"token": "2"}},
    ]

    assert split_messages("Текст", files) == [("Текст", [files[0]]), (None, [files[1]])]
    assert split_messages("Текст", []) == [("Текст", [])]


def test_publish_deletes_what_was_sent_when_a_later_message_fails(
    clock: FakeClock, photo: Media, tmp_path: Path
) -> None:
    document = medium(tmp_path, "a.pdf", "document")
    script = Script(
        ok({"url": IMAGE_URL}),
        ok({"photos": {"p": {"token": "PT"}}}),
        ok({"url": FILE_URL}),
        ok({"token": "F1"}),
        sent("mid.1"),
        fail(400, "proto.payload", "Must be only one file attachment in message"),
        ok({"success": True}),
    )

    with pytest.raises(Rejected, match="only one file"):
        adapter(script, clock).publish(post("Текст", photo, document), "k")

    rollback = script.requests[-1]
    assert (rollback.method, str(rollback.url)) == ("DELETE", f"{API}/messages?message_id=mid.1")


@pytest.mark.parametrize(
    ("name", "kind", "image_format", "expected"),
    [
        ("a.jpg", "photo", "JPEG", "image"),
        ("a.gif", "animation", "GIF", "image"),
        ("a.mp4", "animation", "", "video"),
        ("a.mov", "video", "", "video"),
        ("a.pdf", "document", "", "file"),
    ],
)
def test_upload_type_per_media_kind(name: str, kind: str, image_format: str, expected: str) -> None:
    media = Media(Path(name), name, kind, image_format=image_format)  # type: ignore[arg-type]

    assert upload_type(media) == expected


def test_large_video_is_streamed_in_chunks_with_the_upload_timeout(
    clock: FakeClock, tmp_path: Path
) -> None:
    size = 6 * 1024 * 1024
    video = medium(tmp_path, "big.mp4", "video", size)
    chunks: list[int] = []
    timeouts: list[Any] = []
    script = Script(ok({"url": VIDEO_URL, "token": "VT"}), sent("mid.1"))

    class Streaming(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "vu.okcdn.ru":
                chunks.extend(len(chunk) for chunk in request.stream)  # type: ignore[union-attr]
                timeouts.append(request.extensions["timeout"])
                return httpx.Response(200, text="<retval>1</retval>", request=request)
            request.read()
            return script(request)

    adapter(Streaming(), clock).publish(post("", video), "k")

    assert sum(chunks) > size
    assert len(chunks) > 2
    assert max(chunks) <= CHUNK_SIZE
    assert timeouts[0]["read"] == 300.0


# -- update, delete, find, verify --------------------------------------------------------------


def test_update_puts_new_text_and_keeps_attachments(clock: FakeClock) -> None:
    script = Script(ok({"success": True}))
    ref = RemoteRef("max", "mid.1", "https://max.ru/c/1/x", ("mid.1", "mid.2"))

    assert adapter(script, clock).update(ref, post("<i>Новый</i>")) == ref

    (request,) = script.requests
    assert (request.method, str(request.url)) == ("PUT", f"{API}/messages?message_id=mid.1")
    assert request.headers["Authorization"] == TOKEN
    assert body(request) == {"text": "<i>Новый</i>", "format": "html", "attachments": None}


def test_update_refused_with_success_false_is_rejected(clock: FakeClock) -> None:
    script = Script(ok({"success": False, "message": "edit is not allowed"}))

    with pytest.raises(Rejected, match="edit is not allowed"):
        adapter(script, clock).update(RemoteRef("max", "mid.1"), post())


def test_delete_removes_every_part_last_first_and_skips_gone_ones(clock: FakeClock) -> None:
    script = Script(fail(404, "not.found", "Message not found"), ok({"success": True}))

    adapter(script, clock).delete(RemoteRef("max", "mid.1", parts=("mid.1", "mid.2")))

    assert [(r.method, str(r.url)) for r in script.requests] == [
        ("DELETE", f"{API}/messages?message_id=mid.2"),
        ("DELETE", f"{API}/messages?message_id=mid.1"),
    ]


def test_find_matches_the_visible_text_and_the_documents_after_it(
    clock: FakeClock, photo: Media, tmp_path: Path
) -> None:
    first, second = medium(tmp_path, "a.pdf", "document"), medium(tmp_path, "b.pdf", "document")

    def file_message(mid: str, name: str) -> dict[str, Any]:
        return message(mid, "", [{"type": "file", "payload": {}, "filename": name, "size": 1}])

    newest_first = [
        message("mid.9", "Другой пост"),
        file_message("mid.3", "b.pdf"),
        file_message("mid.2", "a.pdf"),
        message("mid.1", "Привет & мир", [{"type": "image", "payload": {}}]),
        message("mid.0", "Старый пост"),
    ]
    script = Script(ok({"messages": newest_first}))

    found = adapter(script, clock).find("k", post("<b>Привет</b>  &amp; мир", photo, first, second))

    assert str(script.requests[0].url) == f"{API}/messages?chat_id=-70123&count=50"
    assert isinstance(found, RemoteRef)
    assert (found.remote_id, found.parts) == ("mid.1", ("mid.1", "mid.2", "mid.3"))


def test_find_says_absent_when_no_recent_message_has_the_text(clock: FakeClock) -> None:
    script = Script(ok({"messages": [message("mid.1", "Другое")]}))

    assert adapter(script, clock).find("k", post("Наш пост")) is FindResult.ABSENT


def test_find_cannot_tell_a_post_without_text(clock: FakeClock, photo: Media) -> None:
    script = Script()

    assert adapter(script, clock).find("k", post("", photo)) is FindResult.UNKNOWN
    assert script.requests == []


def test_verify_reads_the_bot(clock: FakeClock) -> None:
    me = {"user_id": 42, "first_name": "Пресс-бот", "username": "press_bot", "is_bot": True}
    script = Script(ok(me))

    info = adapter(script, clock).verify()

    assert str(script.requests[0].url) == f"{API}/me"
    assert (info.name, info.id, info.url) == ("Пресс-бот", "42", "https://max.ru/press_bot")


def test_base_url_setting_moves_every_api_call(clock: FakeClock) -> None:
    script = Script(ok({"user_id": 1}))

    adapter(script, clock, settings={"base_url": "https://max.example.org/"}).verify()

    assert str(script.requests[0].url) == "https://max.example.org/me"


def test_account_id_must_be_a_number(clock: FakeClock) -> None:
    with pytest.raises(ConfigError, match="account_id"):
        adapter(Script(), clock, account_id="@city_channel").publish(post(), "k")


# -- errors -----------------------------------------------------------------------------------

ERRORS = [
    (fail(401, "verify.token", "Invalid access_token"), AuthError, "MAX_TOKEN"),
    (fail(403, "access.denied", "No access to chat"), AuthError, "-70123"),
    (fail(404, "not.found", "Message not found"), NotFound, "not found"),
    (fail(400, "proto.payload", "Field 'text' size (4001) must be at most 4000"), Rejected, "4001"),
    (fail(405, "method.not.allowed", "Method is not allowed"), Rejected, "405"),
    (fail(400, "attachment.not.ready"), AttachmentNotReady, "attachment.not.ready"),
    (fail(500, "internal.error"), Transient, "500"),
    (fail(503, "service.unavailable"), Transient, "503"),
    (httpx.Response(502, text="<html>Bad gateway</html>"), Transient, "Bad gateway"),
]


@pytest.mark.parametrize(("response", "error", "says"), ERRORS)
def test_error_answers_map_to_our_errors(
    clock: FakeClock, response: httpx.Response, error: type[NetworkError], says: str
) -> None:
    response.request = httpx.Request("POST", f"{API}/messages")

    with pytest.raises(error) as raised:
        adapter(Script(), clock)._unwrap(response, "send message")

    assert says in f"{raised.value} {raised.value.hint}"


@pytest.mark.parametrize(
    ("headers", "wait"), [({"Retry-After": "7"}, 7.0), ({}, DEFAULT_RETRY_AFTER)]
)
def test_rate_limit_waits_as_told_or_a_few_seconds(
    clock: FakeClock, headers: dict[str, str], wait: float
) -> None:
    response = fail(429, "too.many.requests", "Too many requests", **headers)

    with pytest.raises(RateLimited) as raised:
        adapter(Script(), clock)._unwrap(response, "send message")

    assert raised.value.retry_after == wait


def echo_token(status: int) -> httpx.Response:
    return fail(status, "verify.token", f"Invalid access_token {TOKEN}")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
def test_no_error_shows_the_token(clock: FakeClock, status: int) -> None:
    answers = [echo_token(status) for _ in range(ApiClient.MAX_ATTEMPTS)]

    with pytest.raises(NetworkError) as raised:
        adapter(Script(*answers), clock).verify()

    shown = f"{raised.value} {raised.value.detail} {raised.value.hint} {raised.value!r}"
    assert TOKEN not in shown


def test_a_dropped_connection_does_not_show_the_token(clock: FakeClock) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused {request.headers['Authorization']}")

    with pytest.raises(Transient) as raised:
        adapter(drop, clock).verify()

    assert TOKEN not in str(raised.value)


# -- contract against the emulator ------------------------------------------------------------


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox("max")


@pytest.fixture
def live(
    sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client], clock: FakeClock
) -> MaxAdapter:
    account = make_account("max", account_id=CHAT, token_env="MAX_TOKEN")
    tokens = Tokens(Secret("sandbox-max-main", "MAX_TOKEN"))
    return MaxAdapter(account, tokens, sandbox_http(sandbox), clock=clock)


def posts(sandbox: Sandbox) -> list[dict[str, Any]]:
    view: list[dict[str, Any]] = sandbox.show()["max"]["posts"]
    return view


def test_contract_publish_update_delete(sandbox: Sandbox, live: MaxAdapter, photo: Media) -> None:
    ref = live.publish(post("<b>Субботник</b> в парке &amp; сквере", photo), "k")

    (shown,) = posts(sandbox)
    assert (shown["id"], shown["url"]) == (ref.remote_id, ref.url)
    assert shown["text"] == "Субботник в парке & сквере"
    assert [m["type"] for m in shown["media"]] == ["image"]

    live.update(ref, post("<b>Субботник</b> перенесён"))
    (edited,) = posts(sandbox)
    assert edited["text"] == "Субботник перенесён"
    assert edited["edited_at"] and len(edited["media"]) == 1

    live.delete(ref)
    live.delete(ref)
    assert posts(sandbox) == []


def test_contract_video_and_document_uploads(
    sandbox: Sandbox, live: MaxAdapter, tmp_path: Path, clock: FakeClock
) -> None:
    video = medium(tmp_path, "clip.mp4", "video", 3 * 1024 * 1024)
    document = medium(tmp_path, "plan.pdf", "document")
    rendered = post("План работ", video, document)

    ref = live.publish(rendered, "k")

    shown = posts(sandbox)
    assert [p["id"] for p in shown] == list(ref.parts)
    assert [[m["type"] for m in p["media"]] for p in shown] == [["video"], ["file"]]
    stored = sandbox.store.file_path(shown[0]["media"][0]["file"])
    assert stored.stat().st_size == 3 * 1024 * 1024
    assert clock.monotonic() > 0  # both fresh uploads were "processing" once
    assert live.find("k", rendered) == ref


def test_contract_rate_limit_answer_is_waited_out(live: MaxAdapter, clock: FakeClock) -> None:
    for _ in range(30):
        live.verify()
    assert clock.monotonic() == 0

    live.verify()

    assert clock.monotonic() == DEFAULT_RETRY_AFTER


def test_contract_revoked_token_names_the_secret(sandbox: Sandbox, live: MaxAdapter) -> None:
    revoke_token(sandbox.store, "sandbox-max-main")

    with pytest.raises(AuthError) as raised:
        live.verify()

    assert "MAX_TOKEN" in raised.value.hint


def test_contract_too_long_text_is_rejected(live: MaxAdapter) -> None:
    with pytest.raises(Rejected, match="must be at most 4000"):
        live.publish(post("я" * 4001), "k")


def test_contract_deprecated_host_is_refused(
    sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client], clock: FakeClock
) -> None:
    old = make_account("max", account_id=CHAT, settings={"base_url": "https://platform-api.max.ru"})
    client = MaxAdapter(old, Tokens(Secret("sandbox-max-main")), sandbox_http(sandbox), clock=clock)

    with pytest.raises(AuthError, match="deprecated"):
        client.verify()
