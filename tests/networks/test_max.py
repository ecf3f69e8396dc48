"""The Max adapter: exact requests, error mapping, and the contract against its emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandboxes, Scripted, make_account
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.core.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.model import Comment, Media, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks.base import CHUNK_SIZE, ApiClient, FindResult, Tokens
from publisher.networks.max import (
    DEFAULT_RETRY_AFTER,
    NOT_READY_ROUNDS,
    AttachmentNotReady,
    MaxAdapter,
    split_messages,
    upload_type,
)
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token

API = "https://platform-api2.max.ru"
TOKEN = "max-test-token-5f0c1a9e77"
CHAT = "-70123"
STAMP = 1796115600000  # 2026-12-01 09:00 UTC in ms
IMAGE_URL = "https://iu.oneme.ru/upload.do?id=1"
FILE_URL = "https://fu.oneme.ru/upload.do?id=2"
VIDEO_URL = "https://vu.okcdn.ru/upload.do?id=3"


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
        transport = Scripted(transport)
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
    script = Scripted(sent("mid.1", "Привет"))

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
    script = Scripted(sent("mid.1"))

    adapter(script, clock).publish(post(silent=True, link_preview=False, link="x"), "k")

    request = script.requests[0]
    assert request.url.params["disable_link_preview"] == "true"
    assert body(request)["notify"] is False


def test_publish_photos_uploads_each_then_sends_one_message(
    clock: FakeClock, photo: Media, tmp_path: Path
) -> None:
    second = medium(tmp_path, "b.png", "photo")
    script = Scripted(
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
    script = Scripted(
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
    script = Scripted(ok({"url": FILE_URL}), ok({"token": "FT"}), *never)

    with pytest.raises(AttachmentNotReady):
        adapter(script, clock).publish(post("План", document), "k")

    assert len(script.requests) == 2 + sends
    assert script.pending == []


def test_documents_follow_as_messages_of_their_own(
    clock: FakeClock, photo: Media, tmp_path: Path
) -> None:
    first, second = medium(tmp_path, "a.pdf", "document"), medium(tmp_path, "b.docx", "document")
    script = Scripted(
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
    script = Scripted(
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
    script = Scripted(ok({"url": VIDEO_URL, "token": "VT"}), sent("mid.1"))
    script.on("POST", r"//vu\.okcdn\.ru/.*", httpx.Response(200, text="<retval>1</retval>"))

    adapter(script, clock).publish(post("", video), "k")

    [upload] = [s for s in script.received if s.request.url.host == "vu.okcdn.ru"]
    chunks = upload.chunks
    assert sum(chunks) > size
    assert len(chunks) > 2
    assert max(chunks) <= CHUNK_SIZE
    assert upload.request.extensions["timeout"]["read"] == 300.0


# -- update, delete, find, verify --------------------------------------------------------------


def test_update_puts_new_text_and_keeps_attachments(clock: FakeClock) -> None:
    script = Scripted(ok({"success": True}))
    ref = RemoteRef("max", "mid.1", "https://max.ru/c/1/x", ("mid.1", "mid.2"))

    assert adapter(script, clock).update(ref, post("<i>Новый</i>")) == ref

    (request,) = script.requests
    assert (request.method, str(request.url)) == ("PUT", f"{API}/messages?message_id=mid.1")
    assert request.headers["Authorization"] == TOKEN
    assert body(request) == {"text": "<i>Новый</i>", "format": "html", "attachments": None}


def test_update_refused_with_success_false_is_rejected(clock: FakeClock) -> None:
    script = Scripted(ok({"success": False, "message": "edit is not allowed"}))

    with pytest.raises(Rejected, match="edit is not allowed"):
        adapter(script, clock).update(RemoteRef("max", "mid.1"), post())


def test_delete_removes_every_part_last_first_and_skips_gone_ones(clock: FakeClock) -> None:
    script = Scripted(fail(404, "not.found", "Message not found"), ok({"success": True}))

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
    script = Scripted(ok({"messages": newest_first}))

    found = adapter(script, clock).find("k", post("<b>Привет</b>  &amp; мир", photo, first, second))

    assert str(script.requests[0].url) == f"{API}/messages?chat_id=-70123&count=50"
    assert isinstance(found, RemoteRef)
    assert (found.remote_id, found.parts) == ("mid.1", ("mid.1", "mid.2", "mid.3"))


def test_find_says_absent_when_no_recent_message_has_the_text(clock: FakeClock) -> None:
    script = Scripted(ok({"messages": [message("mid.1", "Другое")]}))

    assert adapter(script, clock).find("k", post("Наш пост")) is FindResult.ABSENT


def test_find_cannot_tell_a_post_without_text(clock: FakeClock, photo: Media) -> None:
    script = Scripted()

    assert adapter(script, clock).find("k", post("", photo)) is FindResult.UNKNOWN
    assert script.requests == []


def test_verify_reads_the_bot(clock: FakeClock) -> None:
    me = {"user_id": 42, "first_name": "Пресс-бот", "username": "press_bot", "is_bot": True}
    script = Scripted(ok(me))

    info = adapter(script, clock).verify()

    assert str(script.requests[0].url) == f"{API}/me"
    assert (info.name, info.id, info.url) == ("Пресс-бот", "42", "https://max.ru/press_bot")


def test_base_url_setting_does_not_move_the_api_host(clock: FakeClock) -> None:
    """No account file decides where the token goes (the setting once did)."""
    script = Scripted(ok({"user_id": 1}))

    adapter(script, clock, settings={"base_url": "https://max.example.org/"}).verify()

    assert str(script.requests[0].url) == f"{API}/me"


def test_account_id_must_be_a_number(clock: FakeClock) -> None:
    with pytest.raises(ConfigError, match="account_id"):
        adapter(Scripted(), clock, account_id="@city_channel").publish(post(), "k")


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
        adapter(Scripted(), clock)._unwrap(response, "send message")

    assert says in f"{raised.value} {raised.value.hint}"


@pytest.mark.parametrize(
    ("headers", "wait"), [({"Retry-After": "7"}, 7.0), ({}, DEFAULT_RETRY_AFTER)]
)
def test_rate_limit_waits_as_told_or_a_few_seconds(
    clock: FakeClock, headers: dict[str, str], wait: float
) -> None:
    response = fail(429, "too.many.requests", "Too many requests", **headers)

    with pytest.raises(RateLimited) as raised:
        adapter(Scripted(), clock)._unwrap(response, "send message")

    assert raised.value.retry_after == wait


def echo_token(status: int) -> httpx.Response:
    return fail(status, "verify.token", f"Invalid access_token {TOKEN}")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
def test_no_error_shows_the_token(clock: FakeClock, status: int) -> None:
    answers = [echo_token(status) for _ in range(ApiClient.MAX_ATTEMPTS)]

    with pytest.raises(NetworkError) as raised:
        adapter(Scripted(*answers), clock).verify()

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
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("max")


@pytest.fixture
def live(sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock) -> MaxAdapter:
    account = make_account("max", account_id=CHAT, token_env="MAX_TOKEN")
    tokens = Tokens(Secret("sandbox-max-main", "MAX_TOKEN"))
    return MaxAdapter(account, tokens, sandboxes.client(sandbox), clock=clock)


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
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    account = make_account("max", account_id=CHAT)
    client = MaxAdapter(
        account, Tokens(Secret("sandbox-max-main")), sandboxes.client(sandbox), clock=clock
    )
    with pytest.raises(AuthError, match="deprecated"):
        client.api.call("GET", "https://platform-api.max.ru/me", "verify")


# -- comments, moderation, replies, profile ---------------------------------------------------

BOT_ID = 42
ME = {"user_id": BOT_ID, "first_name": "Пресс-бот", "username": "press_bot", "is_bot": True}
POST_REF = RemoteRef("max", "mid.1", f"https://max.ru/c/{CHAT}/AbC", ("mid.1",))


def comment_item(
    cid: str,
    stamp: int = STAMP,
    user_id: int = 7,
    name: str = "Иван Петров",
    text: str = "Когда починят?",
    reply_to: str = "",
    username: str | None = None,
) -> dict[str, Any]:
    """A comment as M2's ``CommentMessage`` shows it."""
    link = None
    if reply_to:
        link = {"type": "reply", "message": {"mid": reply_to, "seq": 1, "text": "…"}}
    return {
        "sender": {"user_id": user_id, "name": name, "username": username, "is_bot": False},
        "recipient": {"chat_id": int(CHAT), "chat_type": "channel", "user_id": None},
        "timestamp": stamp,
        "link": link,
        "body": {"mid": cid, "seq": 1, "text": text, "attachments": None, "markup": None},
    }


def citizen_comment(cid: str = "mid.c1", **extra: Any) -> Comment:
    fields: dict[str, Any] = {
        "text": "Текст",
        "author_id": "7",
        "author_name": "Иван",
        "post_id": "mid.1",
        "url": POST_REF.url,
        "extra": {"message_id": "mid.1"},
        **extra,
    }
    return Comment("max", cid, **fields)


def test_capabilities_declare_what_the_api_offers() -> None:
    caps = MaxAdapter.capabilities

    assert (caps.comments, caps.reply, caps.delete_comment) == (True, True, True)
    assert (caps.messages, caps.hide_comment, caps.restore_comment) == (False, False, False)
    assert (caps.ban, caps.max_ban_days) == (True, 0)
    assert caps.profile == frozenset({"title", "avatar"})
    assert caps.settings_url == "https://max.ru/"


def test_comments_pages_back_in_time_and_come_oldest_first(clock: FakeClock) -> None:
    first_page = [comment_item(f"mid.c{n}", STAMP + n) for n in range(120, 20, -1)]
    second_page = [
        comment_item("mid.c21", STAMP + 21),  # the boundary again: dropped as a repeat
        comment_item("mid.c20", STAMP + 20, user_id=BOT_ID, name="Пресс-бот"),
        comment_item("mid.c19", STAMP + 19, reply_to="mid.c5", username="ivan"),
    ]
    script = Scripted(ok(ME), ok({"messages": first_page}), ok({"messages": second_page}))

    found = adapter(script, clock).comments(POST_REF)

    me, page_one, page_two = script.requests
    assert str(me.url) == f"{API}/me"
    assert (page_one.method, str(page_one.url)) == (
        "GET",
        f"{API}/messages/mid.1/comments?count=100",
    )
    assert page_one.headers["Authorization"] == TOKEN
    assert page_two.url.params["before"] == str(STAMP + 21 + 1)
    assert [c.id for c in found] == ["mid.c19", *(f"mid.c{n}" for n in range(21, 121))]
    reply = found[0]
    assert reply == Comment(
        network="max",
        id="mid.c19",
        text="Когда починят?",
        author_id="7",
        author_name="Иван Петров",
        author_url="https://max.ru/ivan",
        post_id="mid.1",
        parent_id="mid.c5",
        created_at=datetime(2026, 12, 1, 9, 0, 0, 19000, tzinfo=UTC),
        url=POST_REF.url,
        extra={"message_id": "mid.1"},
    )
    assert found[1].author_url == "" and found[1].parent_id == ""


def test_comments_since_goes_as_after_and_is_applied_strictly(clock: FakeClock) -> None:
    since = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    answer = [comment_item("mid.new", STAMP + 1), comment_item("mid.same", STAMP)]
    script = Scripted(ok(ME), ok({"messages": answer}))

    found = adapter(script, clock).comments(POST_REF, since)

    assert script.requests[1].url.params["after"] == str(STAMP)
    assert [c.id for c in found] == ["mid.new"]


def test_comments_read_every_message_of_the_post_and_skip_a_deleted_one(
    clock: FakeClock,
) -> None:
    ref = RemoteRef("max", "mid.1", POST_REF.url, ("mid.1", "mid.2", "mid.3"))
    script = Scripted(
        ok(ME),
        ok({"messages": [comment_item("mid.a", STAMP + 2)]}),
        fail(404, "not.found", "Message not found"),
        ok({"messages": [comment_item("mid.b", STAMP + 1)]}),
    )

    found = adapter(script, clock).comments(ref)

    paths = [r.url.path for r in script.requests[1:]]
    assert paths == [f"/messages/{mid}/comments" for mid in ("mid.1", "mid.2", "mid.3")]
    assert [(c.id, c.post_id, c.extra["message_id"]) for c in found] == [
        ("mid.b", "mid.1", "mid.3"),
        ("mid.a", "mid.1", "mid.1"),
    ]


def test_comments_are_bounded(clock: FakeClock) -> None:
    pages = [
        ok({"messages": [comment_item(f"mid.{p}.{n}", STAMP - p * 100 - n) for n in range(100)]})
        for p in range(20)
    ]
    script = Scripted(ok(ME), *pages)

    found = adapter(script, clock).comments(POST_REF)

    assert len(found) == 1000
    assert len(script.requests) == 1 + 10


def test_delete_comment_under_its_message_and_gone_is_fine(clock: FakeClock) -> None:
    script = Scripted(ok({"success": True}), fail(404, "not.found", "Comment not found"))
    client = adapter(script, clock)
    comment = citizen_comment(extra={"message_id": "mid.2"})

    client.delete_comment(comment)
    client.delete_comment(comment)

    request = script.requests[0]
    assert request.method == "DELETE"
    assert str(request.url) == f"{API}/messages/mid.2/comments?comment_id=mid.c1"
    assert request.headers["Authorization"] == TOKEN


def test_delete_comment_refused_is_an_error(clock: FakeClock) -> None:
    script = Scripted(ok({"success": False, "message": "cannot delete"}))

    with pytest.raises(Rejected, match="cannot delete"):
        adapter(script, clock).delete_comment(citizen_comment())


def test_ban_blocks_the_author_in_the_channel_for_good(clock: FakeClock) -> None:
    script = Scripted(ok({"success": True}))

    adapter(script, clock).ban(citizen_comment(), None)

    (request,) = script.requests
    assert request.method == "DELETE"
    assert str(request.url) == f"{API}/chats/-70123/members?user_id=7&block=true"


def test_a_temporary_ban_is_refused_not_made_permanent(clock: FakeClock) -> None:
    script = Scripted()

    with pytest.raises(Rejected) as raised:
        adapter(script, clock).ban(citizen_comment(), datetime(2027, 1, 1, tzinfo=UTC))

    assert "МАКС" in raised.value.message
    assert script.requests == []


def test_ban_needs_a_user_id(clock: FakeClock) -> None:
    with pytest.raises(Rejected, match="no user id"):
        adapter(Scripted(), clock).ban(citizen_comment(author_id=""), None)


def test_reply_posts_html_linked_to_the_comment(clock: FakeClock) -> None:
    answer = comment_item("mid.r1", STAMP + 5, user_id=BOT_ID, text="Завтра", reply_to="mid.c1")
    script = Scripted(ok({"message": answer}))

    ref = adapter(script, clock).reply(citizen_comment(), "<b>Завтра</b>")

    (request,) = script.requests
    assert (request.method, str(request.url)) == ("POST", f"{API}/messages/mid.1/comments")
    assert body(request) == {
        "text": "<b>Завтра</b>",
        "format": "html",
        "link": {"type": "reply", "mid": "mid.c1"},
    }
    assert ref == RemoteRef(
        "max",
        "mid.r1",
        POST_REF.url,
        ("mid.r1",),
        published_at=datetime(2026, 12, 1, 9, 0, 0, 5000, tzinfo=UTC),
        extra={"message_id": "mid.1", "reply_to": "mid.c1"},
    )


def test_reply_is_not_sent_twice_when_the_answer_is_lost(clock: FakeClock) -> None:
    calls: list[httpx.Request] = []

    def lost(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(Transient) as raised:
        adapter(lost, clock).reply(citizen_comment(), "Ответ")

    assert raised.value.uncertain
    assert len(calls) == 1


def test_messages_and_hiding_are_not_offered(clock: FakeClock) -> None:
    client = adapter(Scripted(), clock)

    with pytest.raises(Rejected):
        client.messages()
    with pytest.raises(Rejected):
        client.hide_comment(citizen_comment())


def test_set_profile_uploads_the_icon_and_patches_title_and_icon(
    clock: FakeClock, photo: Media
) -> None:
    script = Scripted(
        ok({"url": IMAGE_URL}),
        ok({"photos": {"p1": {"token": "IT"}}}),
        ok({"chat_id": int(CHAT), "title": "Администрация"}),
    )
    profile = Profile("max", title="Администрация", description="Описание", avatar=photo)

    done = adapter(script, clock).set_profile(profile)

    slot, upload, patch = script.requests
    assert str(slot.url) == f"{API}/uploads?type=image"
    assert str(upload.url) == IMAGE_URL
    assert (patch.method, str(patch.url)) == ("PATCH", f"{API}/chats/-70123")
    assert patch.headers["Authorization"] == TOKEN
    assert body(patch) == {"title": "Администрация", "icon": {"token": "IT"}}
    assert done == ("title", "avatar")


def test_set_profile_sends_nothing_max_cannot_set(clock: FakeClock, photo: Media) -> None:
    script = Scripted()
    profile = Profile("max", description="Описание", website="https://city.ru", cover=photo)

    assert adapter(script, clock).set_profile(profile) == ()
    assert script.requests == []


def test_set_profile_title_alone(clock: FakeClock) -> None:
    script = Scripted(ok({"chat_id": int(CHAT)}))

    done = adapter(script, clock).set_profile(Profile("max", title="Город", website="x"))

    assert body(script.requests[0]) == {"title": "Город"}
    assert done == ("title",)


def test_set_profile_refuses_a_title_over_200_without_cutting_it(clock: FakeClock) -> None:
    script = Scripted()

    with pytest.raises(Rejected) as raised:
        adapter(script, clock).set_profile(Profile("max", title="я" * 201))

    assert "201" in raised.value.message and "200" in raised.value.message
    assert script.requests == []


def test_refused_rights_name_what_the_bot_lacks(clock: FakeClock) -> None:
    client = adapter(Scripted(), clock)
    forbidden = fail(403, "access.denied", "Access denied")

    with pytest.raises(AuthError) as ban:
        client._unwrap(forbidden, "block member")
    with pytest.raises(AuthError) as profile:
        client._unwrap(forbidden, "edit channel")

    assert "add_remove_members" in ban.value.hint
    assert "change_chat_info" in profile.value.hint


def test_bad_token_on_comments_names_the_secret(clock: FakeClock) -> None:
    script = Scripted(ok(ME), fail(401, "verify.token", "Invalid access_token"))

    with pytest.raises(AuthError) as raised:
        adapter(script, clock).comments(POST_REF)

    assert "MAX_TOKEN" in raised.value.hint


def test_rate_limited_comments_are_waited_out(clock: FakeClock) -> None:
    script = Scripted(
        ok(ME),
        fail(429, "too.many.requests", "Too many requests", **{"Retry-After": "2"}),
        ok({"messages": [comment_item("mid.c1")]}),
    )

    found = adapter(script, clock).comments(POST_REF)

    assert [c.id for c in found] == ["mid.c1"]
    assert clock.monotonic() == 2.0


@pytest.mark.parametrize("status", [400, 401, 403, 429, 500])
@pytest.mark.parametrize("op", ["delete", "ban", "reply", "profile"])
def test_no_moderation_error_shows_the_token(clock: FakeClock, status: int, op: str) -> None:
    client = adapter(Scripted(*(echo_token(status) for _ in range(ApiClient.MAX_ATTEMPTS))), clock)
    calls: dict[str, Callable[[], object]] = {
        "delete": lambda: client.delete_comment(citizen_comment()),
        "ban": lambda: client.ban(citizen_comment(), None),
        "reply": lambda: client.reply(citizen_comment(), "Ответ"),
        "profile": lambda: client.set_profile(Profile("max", title="Город")),
    }

    with pytest.raises(NetworkError) as raised:
        calls[op]()

    shown = f"{raised.value} {raised.value.detail} {raised.value.hint} {raised.value!r}"
    assert TOKEN not in shown


# -- moderation contract against the emulator ----------------------------------------------------


def test_contract_comment_reply_delete_ban(sandbox: Sandbox, live: MaxAdapter) -> None:
    ref = live.publish(post("Ремонт дороги"), "k")
    asked = sandbox.add_comment("max", ref.remote_id, "Когда закончат?", "5001", "Иван Петров")
    spam = sandbox.add_comment("max", ref.remote_id, "Купите <b>часы</b>", "6002", "Бот")

    first, second = live.comments(ref)
    assert (first.id, first.text, first.author_id, first.author_name) == (
        asked,
        "Когда закончат?",
        "5001",
        "Иван Петров",
    )
    assert (first.post_id, first.url, first.created_at) == (
        ref.remote_id,
        ref.url,
        ref.published_at,
    )
    assert second.text == "Купите <b>часы</b>"

    answer = live.reply(first, "<b>В пятницу</b>")
    (shown,) = posts(sandbox)
    reply = shown["comments"][-1]
    assert (reply["id"], reply["text"], reply["reply_to"]) == (
        answer.remote_id,
        "В пятницу",
        asked,
    )
    assert reply["from_account"] is True
    assert [c.id for c in live.comments(ref)] == [asked, spam]  # our own reply is left out

    live.delete_comment(second)
    live.delete_comment(second)
    live.ban(second, None)
    view = sandbox.show()["max"]
    assert [c["id"] for c in view["posts"][0]["comments"]] == [asked, answer.remote_id]
    assert view["banned"] == [{"user_id": "6002", "until": None}]
    with pytest.raises(ValueError, match="blocked"):
        sandbox.add_comment("max", ref.remote_id, "Снова я", "6002", "Бот")


def test_contract_comments_since_and_pages(
    sandbox: Sandbox, live: MaxAdapter, clock: FakeClock
) -> None:
    ref = live.publish(post("Опрос жителей"), "k")
    for n in range(105):
        clock.advance(0.001)
        sandbox.add_comment("max", ref.remote_id, f"Мнение {n}", str(5000 + n), "Житель")
    middle = clock.now()
    clock.advance(60)
    late = sandbox.add_comment("max", ref.remote_id, "Позже", "7001", "Житель")

    everything = live.comments(ref)
    recent = live.comments(ref, middle)

    assert [c.text for c in everything] == [*(f"Мнение {n}" for n in range(105)), "Позже"]
    assert [c.id for c in recent] == [late]


def test_contract_comments_of_a_deleted_post_are_none(live: MaxAdapter) -> None:
    ref = live.publish(post("Будет удалён"), "k")
    live.delete(ref)

    assert live.comments(ref) == []


def test_contract_set_profile_shows_title_and_icon(
    sandbox: Sandbox, live: MaxAdapter, photo: Media
) -> None:
    profile = Profile("max", title="Администрация города", description="Не меняется", avatar=photo)

    assert live.set_profile(profile) == ("title", "avatar")

    shown = sandbox.show()["max"]["profile"]
    assert shown["title"] == "Администрация города"
    assert shown["description"] is None and shown["cover"] is None
    assert sandbox.store.file_path(shown["avatar"]).read_bytes() == photo.path.read_bytes()


def test_contract_too_long_title_is_refused_by_both(sandbox: Sandbox, sandboxes: Sandboxes) -> None:
    response = sandboxes.client(sandbox).patch(
        f"{API}/chats/{CHAT}", headers={"Authorization": TOKEN}, json={"title": "я" * 201}
    )

    assert response.status_code == 400
    assert "must be at most 200" in response.json()["message"]
