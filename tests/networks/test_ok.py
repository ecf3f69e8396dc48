"""The OK adapter: signing, the exact requests, error mapping, and a contract with its emulator."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import Sandboxes, Scripted, jpeg_bytes, make_account
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
from publisher.core.model import Comment, Media, Poll, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks.base import CHUNK_SIZE, FindResult, Tokens
from publisher.networks.ok import (
    ACTION_BLOCKED_WAIT,
    FLOOD_WAIT,
    LIMIT_REACHED_WAIT,
    MAX_COMMENTS,
    OkAdapter,
    compact_json,
    sign,
    signing_secret,
)
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import Faults

GID = "70000000000001"
TOKEN = "TOKEN123-ok-test"
APP_SECRET = "APPSECRET-ok-test"
APP_KEY = "CBAPUBLIC"
API = "https://api.ok.ru/fb.do"


def ok_account(**fields: Any) -> Any:
    defaults: dict[str, Any] = {
        "account_id": GID,
        "token_env": "OK_TOKEN",
        "extra_token_envs": {"app_secret": "OK_APP_SECRET"},
        "settings": {"application_key": APP_KEY},
    }
    defaults.update(fields)
    return make_account("ok", **defaults)


def ok_tokens(token: str = TOKEN, app_secret: str = APP_SECRET, **extras: str) -> Tokens:
    secrets = {"app_secret": Secret(app_secret, "OK_APP_SECRET")}
    secrets.update({role: Secret(value, f"OK_{role.upper()}") for role, value in extras.items()})
    return Tokens(Secret(token, "OK_TOKEN"), secrets)


def make_adapter(
    recorder: Scripted, clock: FakeClock, account: Any = None, tokens: Tokens | None = None
) -> OkAdapter:
    http = httpx.Client(transport=recorder)
    return OkAdapter(account or ok_account(), tokens or ok_tokens(), http, clock=clock)


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def reply(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


def ok_error(code: int, message: str) -> httpx.Response:
    body = {"error_code": code, "error_msg": message, "error_data": None}
    return httpx.Response(200, json=body, headers={"invocation-error": str(code)})


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def assert_signed(fields: dict[str, str], method: str) -> None:
    """The request is a signed fb.do call of ``method``, checked independently of the adapter."""
    assert fields["method"] == method
    assert fields["application_key"] == APP_KEY
    assert fields["format"] == "json"
    assert fields["access_token"] == TOKEN
    signed = {k: v for k, v in fields.items() if k not in ("access_token", "sig")}
    base = "".join(f"{k}={signed[k]}" for k in sorted(signed))
    assert fields["sig"] == md5(base + md5(TOKEN + APP_SECRET))


def rendered(text: str = "Привет", **fields: Any) -> RenderedPost:
    return RenderedPost(post_id="2026/hello", network="ok", parts=(text,), **fields)


def photo(tmp_path: Path, name: str, image_format: str = "JPEG") -> Media:
    path = tmp_path / name
    Image.new("RGB", (8, 6), "red").save(path, image_format)
    return Media(path, name, "photo", size=path.stat().st_size, image_format=image_format)


def video(tmp_path: Path, size: int, name: str = "clip.mp4") -> Media:
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.truncate(size)  # sparse: a few MB on disk cost nothing
    return Media(path, name, "video", size=size)


# ---- signing ------------------------------------------------------------------------------


def test_signature_matches_the_aiookru_vector() -> None:
    secret = signing_secret(
        "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7",  # pragma: allowlist secret
        "ABC123DEF456GHI789JKL123",
    )
    params = {
        "application_key": "ABCDEFGHIGKLMNOPK",
        "format": "json",
        "method": "events.get",
        "access_token": (
            "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"  # pragma: allowlist secret
        ),
    }
    assert secret == "b1a2b89707a94624c43afae67d59274c"
    assert sign(params, secret) == "232c8eb921951c4dba9b72606f9ddb4c"


def test_signature_of_cyrillic_attachment_hashes_utf8() -> None:
    attachment = compact_json({"media": [{"type": "text", "text": "Привет"}]})
    params = {
        "application_key": "CBAPUBLIC",
        "format": "json",
        "method": "mediatopic.post",
        "gid": "70000000000001",
        "type": "GROUP_THEME",
        "attachment": attachment,
        "access_token": "TOKEN123",
    }
    secret = signing_secret("TOKEN123", "APPSECRET")
    assert attachment == '{"media":[{"type":"text","text":"Привет"}]}'
    assert secret == "831bf4191f221bda92ea5cd5dd86a1eb"
    assert sign(params, secret) == "ce8ebf80d850ce357e7f9aab8865aabf"


def test_signature_ignores_sig_and_session_key() -> None:
    base = {"method": "x", "application_key": "k"}
    noisy = {**base, "sig": "old", "session_key": "s", "access_token": "t"}
    assert sign(noisy, "secret") == sign(base, "secret")


def test_session_secret_signs_instead_of_the_app_secret(clock: FakeClock) -> None:
    recorder = Scripted(reply([{"uid": GID, "name": "Мэрия"}]))
    account = ok_account(extra_token_envs={"session_secret": "OK_SESSION_SECRET"})
    tokens = Tokens(Secret(TOKEN, "OK_TOKEN"), {"session_secret": Secret("SESSIONSECRET", "OK_SS")})
    make_adapter(recorder, clock, account, tokens).verify()
    fields = form(recorder.requests[0])
    signed = {k: v for k, v in fields.items() if k not in ("access_token", "sig")}
    assert fields["sig"] == sign(signed, "SESSIONSECRET")


def test_missing_application_key_is_a_config_error(clock: FakeClock) -> None:
    adapter = make_adapter(Scripted(), clock, ok_account(settings={}))
    with pytest.raises(ConfigError) as caught:
        adapter.verify()
    assert "accounts/ok.md" in caught.value.message
    assert "application_key" in caught.value.message


def test_missing_app_secret_is_a_config_error(clock: FakeClock) -> None:
    account = ok_account(extra_token_envs={})
    adapter = make_adapter(Scripted(), clock, account, Tokens(Secret(TOKEN, "OK_TOKEN")))
    with pytest.raises(ConfigError) as caught:
        adapter.verify()
    assert "accounts/ok.md" in caught.value.message
    assert "app_secret" in caught.value.message


# ---- exact requests -----------------------------------------------------------------------


def test_verify_calls_group_get_info(clock: FakeClock) -> None:
    recorder = Scripted(reply([{"uid": GID, "name": "Мэрия"}]))
    info = make_adapter(recorder, clock).verify()
    request = recorder.requests[0]
    assert (request.method, str(request.url)) == ("POST", API)
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    fields = form(request)
    assert_signed(fields, "group.getInfo")
    assert (fields["uids"], fields["fields"]) == (GID, "uid,name")
    assert (info.name, info.id, info.url) == ("Мэрия", GID, f"https://ok.ru/group/{GID}")


def test_verify_of_unknown_group_is_a_config_error(clock: FakeClock) -> None:
    with pytest.raises(ConfigError):
        make_adapter(Scripted(reply([])), clock).verify()


def test_publish_text(clock: FakeClock) -> None:
    recorder = Scripted(reply("155000000000042"))
    ref = make_adapter(recorder, clock).publish(rendered(), "ab" * 16)
    (request,) = recorder.requests
    assert (request.method, str(request.url)) == ("POST", API)
    fields = form(request)
    assert_signed(fields, "mediatopic.post")
    assert (fields["type"], fields["gid"]) == ("GROUP_THEME", GID)
    assert fields["attachment"] == (
        '{"media":[{"type":"text","text":"Привет"}],"onBehalfOfGroup":"true"}'
    )
    assert "text_link_preview" not in fields
    assert ref == RemoteRef(
        "ok",
        "155000000000042",
        f"https://ok.ru/group/{GID}/topic/155000000000042",
        ("155000000000042",),
        clock.now(),
        {"gid": GID, "videos": []},
    )


def test_publish_accepts_a_numeric_topic_id(clock: FakeClock) -> None:
    ref = make_adapter(Scripted(reply(77)), clock).publish(rendered(), "k")
    assert ref.remote_id == "77"


def test_publish_with_options_link_and_poll(clock: FakeClock) -> None:
    recorder = Scripted(reply("1"))
    post = rendered(
        poll=Poll("Куда пойдём?", ("В парк", "В музей"), multiple=True),
        options={
            "link": "https://city.example/news",
            "link_preview": False,
            "close_comments": True,
            "silent": True,
            "unknown": 1,
        },
    )
    make_adapter(recorder, clock).publish(post, "k")
    fields = form(recorder.requests[0])
    assert fields["text_link_preview"] == "false"
    assert json.loads(fields["attachment"]) == {
        "media": [
            {"type": "text", "text": "Привет"},
            {"type": "link", "url": "https://city.example/news"},
            {
                "type": "poll",
                "question": "Куда пойдём?",
                "answers": [{"text": "В парк"}, {"text": "В музей"}],
                "options": "MultipleChoice,AnonymousVoting",
            },
        ],
        "onBehalfOfGroup": "true",
        "disableComments": "true",
    }


def test_single_choice_poll_without_text(clock: FakeClock) -> None:
    recorder = Scripted(reply("1"))
    make_adapter(recorder, clock).publish(rendered("", poll=Poll("Да?", ("Да", "Нет"))), "k")
    media = json.loads(form(recorder.requests[0])["attachment"])["media"]
    assert [item["type"] for item in media] == ["poll"]
    assert media[0]["options"] == "SingleChoice,AnonymousVoting"


def test_publish_photos_uploads_pic_fields_then_posts_tokens(
    clock: FakeClock, tmp_path: Path
) -> None:
    upload_url = "https://pu.mycdn.me/upload.do?sid=abc&photoIds=p1,p2"
    recorder = Scripted(
        reply({"upload_url": upload_url, "photo_ids": ["p1", "p2"], "expires_ms": 1, "ttl_ms": 1}),
        reply({"photos": {"p2": {"token": "T2"}, "p1": {"token": "T1"}}}),
        reply("9"),
    )
    media = (photo(tmp_path, "a.jpg"), photo(tmp_path, "b.png", "PNG"))
    make_adapter(recorder, clock).publish(rendered(media=media), "k")
    get_url, upload, post = recorder.requests
    assert_signed(form(get_url), "photosV2.getUploadUrl")
    assert (form(get_url)["gid"], form(get_url)["count"]) == (GID, "2")
    assert (upload.method, str(upload.url)) == ("POST", upload_url)
    assert upload.headers["content-type"].startswith("multipart/form-data")
    body = upload.content
    assert b'name="pic1"; filename="a.jpg"' in body
    assert b'name="pic2"; filename="b.png"' in body
    assert b"Content-Type: image/png" in body
    assert TOKEN.encode() not in body and b"sig=" not in body
    media_items = json.loads(form(post)["attachment"])["media"]
    assert media_items[1] == {"type": "photo", "list": [{"id": "T1"}, {"id": "T2"}]}


def test_publish_video_uploads_in_chunks_then_names_it(clock: FakeClock, tmp_path: Path) -> None:
    size = 2 * CHUNK_SIZE + 1000
    upload_url = "https://vu.mycdn.me/upload.do?id=5&sid=s"
    recorder = Scripted(
        reply({"upload_url": upload_url, "video_id": 5}),
        httpx.Response(200),
        httpx.Response(200),
        httpx.Response(200),
        reply({"success": True}),
        reply("10"),
    )
    post = rendered(media=(video(tmp_path, size),), title="Заседание")
    ref = make_adapter(recorder, clock).publish(post, "k")
    get_url, *chunks, update, create = recorder.requests
    assert_signed(form(get_url), "video.getUploadUrl")
    fields = form(get_url)
    assert (fields["gid"], fields["file_name"], fields["file_size"]) == (GID, "clip.mp4", str(size))
    assert [c.headers["content-range"] for c in chunks] == [
        f"bytes 0-{CHUNK_SIZE - 1}/{size}",
        f"bytes {CHUNK_SIZE}-{2 * CHUNK_SIZE - 1}/{size}",
        f"bytes {2 * CHUNK_SIZE}-{size - 1}/{size}",
    ]
    assert all(str(c.url) == upload_url and c.method == "POST" for c in chunks)
    assert [len(c.content) for c in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 1000]
    assert_signed(form(update), "video.update")
    assert (form(update)["vid"], form(update)["title"]) == ("5", "Заседание")
    media_items = json.loads(form(create)["attachment"])["media"]
    assert media_items[1] == {"type": "movie", "list": [{"id": "5"}]}
    assert ref.extra["videos"] == ["5"]


def test_update_is_refused(clock: FakeClock) -> None:
    adapter = make_adapter(Scripted(), clock)
    assert OkAdapter.capabilities.can_edit is False
    with pytest.raises(Rejected) as caught:
        adapter.update(RemoteRef("ok", "1", parts=("1",)), rendered())
    assert caught.value.hint


def test_delete_calls_delete_topic(clock: FakeClock) -> None:
    recorder = Scripted(reply({"success": True}))
    make_adapter(recorder, clock).delete(RemoteRef("ok", "42", parts=("42",), extra={"gid": "9"}))
    fields = form(recorder.requests[0])
    assert_signed(fields, "mediatopic.deleteTopic")
    assert (fields["gid"], fields["topic_id"]) == ("9", "42")


def test_delete_of_a_topic_already_gone_is_fine(clock: FakeClock) -> None:
    recorder = Scripted(ok_error(300, "NOT_FOUND : Topic not found"))
    make_adapter(recorder, clock).delete(RemoteRef("ok", "42"))
    assert form(recorder.requests[0])["gid"] == GID


def test_find_cannot_tell(clock: FakeClock) -> None:
    recorder = Scripted()
    assert make_adapter(recorder, clock).find("k", rendered()) is FindResult.UNKNOWN
    assert recorder.requests == []
    assert OkAdapter.capabilities.can_find is False


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "error", "retry_after"),
    [
        (ok_error(102, "PARAM_SESSION_EXPIRED : Session expired"), AuthError, None),
        (ok_error(103, "PARAM_SESSION_KEY : Invalid session key"), AuthError, None),
        (ok_error(104, "PARAM_SIGNATURE : Invalid signature"), AuthError, None),
        (ok_error(10, "PERMISSION_DENIED : GROUP_CONTENT"), AuthError, None),
        (ok_error(9, "IP_BLOCKED : blocked"), AuthError, None),
        (ok_error(101, "PARAM_API_KEY : bad key"), AuthError, None),
        (ok_error(50, "NOT_ADMIN : not admin"), AuthError, None),
        (ok_error(1, "UNKNOWN : error"), Transient, None),
        (ok_error(2, "SERVICE : unavailable"), Transient, None),
        (ok_error(7, "ACTION_BLOCKED : blocked"), RateLimited, ACTION_BLOCKED_WAIT),
        (ok_error(8, "FLOOD_BLOCKED : flood"), RateLimited, FLOOD_WAIT),
        (ok_error(11, "LIMIT_REACHED : limit"), RateLimited, LIMIT_REACHED_WAIT),
        (ok_error(100, "PARAM : text too long"), Rejected, None),
        (ok_error(4, "REQUEST : bad request"), Rejected, None),
        (ok_error(106, "PARAM_DISCUSSION : bad id"), NotFound, None),
        (ok_error(120, "PARAM_ALBUM_ID"), NotFound, None),
        (ok_error(121, "PARAM_PHOTO_ID"), NotFound, None),
        (ok_error(141, "PARAM_COMMENT_ID"), NotFound, None),
        (ok_error(300, "NOT_FOUND : gone"), NotFound, None),
        (httpx.Response(200, headers={"invocation-error": "102"}), AuthError, None),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), Transient, None),
        (httpx.Response(429, headers={"Retry-After": "7"}), RateLimited, 7.0),
        (httpx.Response(404, text="no"), NotFound, None),
        (httpx.Response(403, text="no"), AuthError, None),
        (httpx.Response(200, text="<html>"), Transient, None),
    ],
)
def test_error_responses_map_to_our_errors(
    clock: FakeClock, response: httpx.Response, error: type[NetworkError], retry_after: float
) -> None:
    adapter = make_adapter(Scripted(), clock)
    with pytest.raises(error) as caught:
        adapter._unwrap(response, "publish")
    assert type(caught.value) is error
    if retry_after is not None:
        assert isinstance(caught.value, RateLimited)
        assert caught.value.retry_after == retry_after


def test_auth_error_hints_name_the_secret(clock: FakeClock) -> None:
    adapter = make_adapter(Scripted(), clock)
    with pytest.raises(AuthError) as expired:
        adapter._unwrap(ok_error(102, "PARAM_SESSION_EXPIRED"), "verify")
    assert "OK_TOKEN" in expired.value.hint
    with pytest.raises(AuthError) as bad_sig:
        adapter._unwrap(ok_error(104, "PARAM_SIGNATURE : Invalid signature"), "verify")
    assert "OK_APP_SECRET" in bad_sig.value.hint


def test_empty_success_body_is_none(clock: FakeClock) -> None:
    assert make_adapter(Scripted(), clock)._unwrap(httpx.Response(200), "upload") is None


def test_flood_is_waited_out_then_retried(clock: FakeClock) -> None:
    recorder = Scripted(ok_error(8, "FLOOD_BLOCKED"), reply([{"uid": GID, "name": "G"}]))
    make_adapter(recorder, clock).verify()
    assert len(recorder.requests) == 2
    assert clock.monotonic() >= FLOOD_WAIT


def test_no_token_or_secret_in_raised_errors(clock: FakeClock) -> None:
    derived = signing_secret(TOKEN, APP_SECRET)
    echo = f"PARAM : access_token={TOKEN} app={APP_SECRET} secret={derived}"
    for code in (100, 102, 104, 8, 1, 300, 10):
        recorder = Scripted(*[ok_error(code, echo)] * 4)
        with pytest.raises(NetworkError) as caught:
            make_adapter(recorder, clock).publish(rendered(), "k")
        text = f"{caught.value} {caught.value.detail} {caught.value.hint}"
        for secret in (TOKEN, APP_SECRET, derived):
            assert secret not in text


# ---- contract with the emulator -----------------------------------------------------------


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("ok")


@pytest.fixture
def sandbox_adapter(sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock) -> OkAdapter:
    tokens = ok_tokens("sandbox-ok-main", "sandbox-ok-app_secret")
    return OkAdapter(ok_account(), tokens, sandboxes.client(sandbox), clock=clock)


def live_posts(sandbox: Sandbox) -> list[dict[str, Any]]:
    posts: list[dict[str, Any]] = sandbox.show()["ok"]["posts"]
    return posts


def test_contract_publish_and_delete_with_photos_video_and_poll(
    sandbox: Sandbox, sandbox_adapter: OkAdapter, tmp_path: Path
) -> None:
    sandbox_adapter.chunk_size = 1024 * 1024
    media = (
        photo(tmp_path, "a.jpg"),
        photo(tmp_path, "b.gif", "GIF"),
        video(tmp_path, 3 * 1024 * 1024 + 5),
    )
    post = rendered(
        "Новости\nрайона", media=media, poll=Poll("Вопрос?", ("Да", "Нет")), title="Видео"
    )
    assert sandbox_adapter.verify().id == GID
    ref = sandbox_adapter.publish(post, "k")
    (shown,) = live_posts(sandbox)
    assert (shown["id"], shown["url"], shown["text"]) == (ref.remote_id, ref.url, post.text)
    assert len(shown["media"]) == 3
    files = [sandbox.store.file_path(name) for name in shown["media"]]
    assert files[2].stat().st_size == 3 * 1024 * 1024 + 5
    assert files[0].read_bytes() == media[0].path.read_bytes()
    assert shown["poll"]["options"] == ["Да", "Нет"]
    sandbox_adapter.delete(ref)
    assert live_posts(sandbox) == []
    sandbox_adapter.delete(ref)  # already gone: fine


def test_contract_flood_reply_then_success(sandbox: Sandbox, sandbox_adapter: OkAdapter) -> None:
    for _ in range(4):  # the emulator allows 3 calls a second per token, then FLOOD_BLOCKED
        sandbox_adapter.verify()
    assert sandbox.clock.monotonic() >= FLOOD_WAIT


class ScriptedFaults(Faults):
    """Faults that fire in a fixed order, then never again."""

    def __init__(self, *kinds: str | None) -> None:
        super().__init__()
        self.script: Iterator[str | None] = iter(kinds)

    def draw(self, network: str) -> str | None:
        return next(self.script, None)


@pytest.mark.parametrize("fault", ["rate429", "error500"])
def test_contract_fault_then_success(
    sandboxes: Sandboxes,
    clock: FakeClock,
    fault: str,
) -> None:
    sandbox = sandboxes("ok", faults=ScriptedFaults(fault))
    tokens = ok_tokens("sandbox-ok-main", "sandbox-ok-app_secret")
    adapter = OkAdapter(ok_account(), tokens, sandboxes.client(sandbox), clock=clock)
    ref = adapter.publish(rendered(), "k")
    assert [post["id"] for post in live_posts(sandbox)] == [ref.remote_id]


def test_contract_wrong_app_secret_is_an_auth_error(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    tokens = ok_tokens("sandbox-ok-main", "wrong-secret")
    adapter = OkAdapter(ok_account(), tokens, sandboxes.client(sandbox), clock=clock)
    with pytest.raises(AuthError) as caught:
        adapter.verify()
    assert "104" in caught.value.detail
    assert "OK_APP_SECRET" in caught.value.hint


def test_contract_revoked_token_is_an_auth_error(
    sandbox: Sandbox, sandbox_adapter: OkAdapter
) -> None:
    revoke_token(sandbox.store, "sandbox-ok-main")
    with pytest.raises(AuthError) as caught:
        sandbox_adapter.publish(rendered(), "k")
    assert "OK_TOKEN" in caught.value.hint
    assert "sandbox-ok-main" not in str(caught.value)


def test_contract_too_long_text_is_rejected(sandbox_adapter: OkAdapter) -> None:
    limit = OkAdapter.capabilities.text_limit
    with pytest.raises(Rejected):
        sandbox_adapter.publish(rendered("я" * (limit + 1)), "k")
    assert sandbox_adapter.publish(rendered("я" * limit), "k").remote_id


# ---- comments, moderation, replies and profile: exact requests ---------------------------

TOPIC = "155000000000042"
TOPIC_REF = RemoteRef(
    "ok", TOPIC, f"https://ok.ru/group/{GID}/topic/{TOPIC}", (TOPIC,), extra={"gid": GID}
)
FIELDS = (
    "comment.ID,comment.TEXT,comment.AUTHOR_ID,comment.AUTHOR_NAME,comment.DATE,"
    "comment.REPLY_TO_COMMENT_ID"
)
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def raw_comment(cid: str, minutes: int, author: str = "5001", **fields: Any) -> dict[str, Any]:
    date_ms = int((T0 + timedelta(minutes=minutes)).timestamp() * 1000)
    return {
        "id": cid,
        "text": f"Текст {cid}",
        "author_id": author,
        "author_name": "Иван Петров",
        "date_ms": date_ms,
        **fields,
    }


def a_comment(cid: str = "c1", author: str = "5001") -> Comment:
    return Comment(
        "ok",
        cid,
        "Спам",
        author,
        post_id=TOPIC,
        url=TOPIC_REF.url,
        extra={"discussion_id": TOPIC, "discussion_type": "GROUP_TOPIC", "gid": GID},
    )


def test_comment_capabilities_are_declared() -> None:
    caps = OkAdapter.capabilities
    assert (caps.comments, caps.messages, caps.reply) == (True, False, True)
    assert (caps.delete_comment, caps.hide_comment) == (True, False)
    assert (caps.ban, caps.max_ban_days) == (True, 0)
    assert caps.profile == frozenset({"avatar"})
    assert caps.settings_url.format(id=GID) == f"https://ok.ru/group/{GID}/settings"


def test_comments_follow_the_anchor_and_skip_the_group(clock: FakeClock) -> None:
    recorder = Scripted(
        reply(
            {
                "comments": [raw_comment("c1", 1), raw_comment("g1", 2, author=GID)],
                "has_more": True,
                "anchor": "A1",
            }
        ),
        reply(
            {
                "comments": [raw_comment("c2", 3, reply_to_comment_id="c1")],
                "has_more": False,
                "anchor": "A2",
            }
        ),
    )
    found = make_adapter(recorder, clock).comments(TOPIC_REF)
    first, second = (form(request) for request in recorder.requests)
    assert_signed(first, "discussions.getComments")
    expected = {
        "discussionId": TOPIC,
        "discussionType": "GROUP_TOPIC",
        "anchor": "FIRST",
        "direction": "FORWARD",
        "count": "100",
        "fields": FIELDS,
    }
    assert {key: first[key] for key in expected} == expected
    assert second["anchor"] == "A1"
    assert [c.id for c in found] == ["c1", "c2"]
    assert found[0] == Comment(
        network="ok",
        id="c1",
        text="Текст c1",
        author_id="5001",
        author_name="Иван Петров",
        author_url="https://ok.ru/profile/5001",
        post_id=TOPIC,
        parent_id="",
        created_at=T0 + timedelta(minutes=1),
        url=TOPIC_REF.url,
        extra={"discussion_id": TOPIC, "discussion_type": "GROUP_TOPIC", "gid": GID},
    )
    assert found[1].parent_id == "c1"


def test_comments_since_keeps_only_newer_ones(clock: FakeClock) -> None:
    page = {
        "comments": [raw_comment("c1", 1), raw_comment("c2", 5), raw_comment("c3", 9)],
        "has_more": False,
        "anchor": "A",
    }
    found = make_adapter(Scripted(reply(page)), clock).comments(
        TOPIC_REF, since=T0 + timedelta(minutes=5)
    )
    assert [c.id for c in found] == ["c3"]


def test_comments_without_date_ms_read_moscow_dates(clock: FakeClock) -> None:
    item = {"id": "c1", "text": "x", "author_id": "7", "date": "2026-12-01 12:30:00"}
    page = {"comments": [item], "has_more": False}
    (found,) = make_adapter(Scripted(reply(page)), clock).comments(TOPIC_REF)
    assert found.created_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_comments_of_a_quiet_topic(clock: FakeClock) -> None:
    recorder = Scripted(reply({"has_more": False}))
    assert make_adapter(recorder, clock).comments(TOPIC_REF) == []
    with pytest.raises(Transient):
        make_adapter(Scripted(reply([1, 2])), clock).comments(TOPIC_REF)


def test_comments_are_bounded(clock: FakeClock) -> None:
    calls = iter(range(1000))

    def endless(request: httpx.Request) -> httpx.Response:
        n = next(calls)
        items = [raw_comment(f"c{n}-{i}", n) for i in range(int(form(request)["count"]))]
        return reply({"comments": items, "has_more": True, "anchor": f"A{n}"})

    recorder = Scripted(*[endless] * 20)
    found = make_adapter(recorder, clock).comments(TOPIC_REF)
    assert len(found) == MAX_COMMENTS
    assert len(recorder.requests) == MAX_COMMENTS // 100


def test_comments_stop_when_the_anchor_does_not_move(clock: FakeClock) -> None:
    page = {"comments": [raw_comment("c1", 1)], "has_more": True, "anchor": "FIRST"}
    recorder = Scripted(reply(page))
    assert len(make_adapter(recorder, clock).comments(TOPIC_REF)) == 1
    assert len(recorder.requests) == 1


def test_delete_comment(clock: FakeClock) -> None:
    recorder = Scripted(reply({"success": True}))
    make_adapter(recorder, clock).delete_comment(a_comment())
    fields = form(recorder.requests[0])
    assert_signed(fields, "discussions.deleteDiscussionComment")
    assert (fields["discussionId"], fields["discussionType"], fields["comment_id"]) == (
        TOPIC,
        "GROUP_TOPIC",
        "c1",
    )
    assert "block_author" not in fields


@pytest.mark.parametrize("code", [141, 106])
def test_delete_comment_already_gone_is_fine(clock: FakeClock, code: int) -> None:
    recorder = Scripted(ok_error(code, "PARAM_COMMENT_ID : Invalid comment id"))
    make_adapter(recorder, clock).delete_comment(a_comment())
    assert len(recorder.requests) == 1


def test_delete_comment_refused_answer(clock: FakeClock) -> None:
    with pytest.raises(Rejected):
        make_adapter(Scripted(reply({"success": False})), clock).delete_comment(a_comment())


def test_hide_comment_and_messages_are_unsupported(clock: FakeClock) -> None:
    recorder = Scripted()
    adapter = make_adapter(recorder, clock)
    with pytest.raises(Rejected):
        adapter.hide_comment(a_comment())
    with pytest.raises(Rejected):
        adapter.messages()
    assert recorder.requests == []


def test_ban_deletes_the_comment_and_blocks_its_author(clock: FakeClock) -> None:
    recorder = Scripted(reply({"success": True}))
    make_adapter(recorder, clock).ban(a_comment(), None)
    fields = form(recorder.requests[0])
    assert_signed(fields, "discussions.deleteDiscussionComment")
    assert (fields["comment_id"], fields["block_author"]) == ("c1", "true")


def test_temporary_ban_is_refused_without_a_request(clock: FakeClock) -> None:
    recorder = Scripted()
    with pytest.raises(Rejected) as caught:
        make_adapter(recorder, clock).ban(a_comment(), T0 + timedelta(days=7))
    assert caught.value.hint
    assert recorder.requests == []


def test_ban_of_a_comment_already_gone_is_rejected(clock: FakeClock) -> None:
    recorder = Scripted(ok_error(141, "PARAM_COMMENT_ID : Invalid comment id"))
    with pytest.raises(Rejected) as caught:
        make_adapter(recorder, clock).ban(a_comment(), None)
    assert "141" in caught.value.detail and caught.value.hint


def test_reply_as_the_group(clock: FakeClock) -> None:
    recorder = Scripted(reply({"id": "r9", "text": "Спасибо"}))
    ref = make_adapter(recorder, clock).reply(a_comment(), "Спасибо, передали в ЖКХ.")
    fields = form(recorder.requests[0])
    assert_signed(fields, "discussions.addDiscussionComment")
    expected = {
        "entityId": TOPIC,
        "entityType": "GROUP_TOPIC",
        "comment": "Спасибо, передали в ЖКХ.",
        "reply_to_comment_id": "c1",
        "as_admin": "true",
    }
    assert {key: fields[key] for key in expected} == expected
    assert ref == RemoteRef(
        "ok",
        "r9",
        TOPIC_REF.url,
        ("r9",),
        clock.now(),
        {"discussion_id": TOPIC, "discussion_type": "GROUP_TOPIC", "gid": GID},
    )


@pytest.mark.parametrize("answer", ["r9", {"comment": {"id": "r9"}}])
def test_reply_reads_other_answer_shapes(clock: FakeClock, answer: Any) -> None:
    assert make_adapter(Scripted(reply(answer)), clock).reply(a_comment(), "x").remote_id == "r9"


def test_reply_without_an_id_is_uncertain_and_not_retried(clock: FakeClock) -> None:
    recorder = Scripted(reply({"unexpected": 1}))
    with pytest.raises(Transient) as caught:
        make_adapter(recorder, clock).reply(a_comment(), "x")
    assert caught.value.uncertain
    assert len(recorder.requests) == 1


def avatar(tmp_path: Path) -> Media:
    path = tmp_path / "logo.jpg"
    path.write_bytes(jpeg_bytes(640, 640))
    return Media(path, "logo.jpg", "photo", size=path.stat().st_size, image_format="JPEG")


def test_set_profile_uploads_the_avatar_and_sends_nothing_else(
    clock: FakeClock, tmp_path: Path
) -> None:
    upload_url = "https://pu.mycdn.me/upload.do?sid=s&photoIds=p7"
    recorder = Scripted(
        reply({"upload_url": upload_url, "photo_ids": ["p7"], "expires_ms": 1, "ttl_ms": 1}),
        reply({"photos": {"p7": {"token": "T7"}}}),
        reply({"success": True}),
    )
    profile = Profile(
        "ok",
        title="Администрация",
        description="Официальная группа",
        website="https://city.example",
        avatar=avatar(tmp_path),
        cover=avatar(tmp_path),
    )
    assert make_adapter(recorder, clock).set_profile(profile) == ("avatar",)
    get_url, upload, set_photo = recorder.requests
    assert_signed(form(get_url), "photosV2.getUploadUrl")
    assert (form(get_url)["gid"], form(get_url)["count"]) == (GID, "1")
    assert str(upload.url) == upload_url
    assert b'name="pic1"; filename="logo.jpg"' in upload.content
    fields = form(set_photo)
    assert_signed(fields, "group.setMainPhoto")
    assert (fields["group_id"], fields["photo_id"]) == (GID, "p7")
    sent = b"".join(request.content for request in recorder.requests)
    for value in ("Администрация", "Официальная группа", "city.example"):
        assert value.encode() not in sent


def test_set_profile_without_avatar_sends_nothing(clock: FakeClock) -> None:
    recorder = Scripted()
    profile = Profile("ok", title="Администрация", description="Текст")
    assert make_adapter(recorder, clock).set_profile(profile) == ()
    assert recorder.requests == []


# ---- comments, moderation, replies and profile: errors -----------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda adapter: adapter.comments(TOPIC_REF),
        lambda adapter: adapter.delete_comment(a_comment()),
        lambda adapter: adapter.ban(a_comment(), None),
        lambda adapter: adapter.reply(a_comment(), "x"),
    ],
)
def test_moderation_auth_errors_name_the_token(
    clock: FakeClock, call: Callable[[OkAdapter], Any]
) -> None:
    echo = f"PARAM_SESSION_EXPIRED : access_token={TOKEN}"
    with pytest.raises(AuthError) as caught:
        call(make_adapter(Scripted(ok_error(102, echo)), clock))
    assert "OK_TOKEN" in caught.value.hint
    assert TOKEN not in f"{caught.value} {caught.value.detail} {caught.value.hint}"


def test_missing_permission_on_delete_is_an_auth_error(clock: FakeClock) -> None:
    recorder = Scripted(ok_error(10, "PERMISSION_DENIED : GROUP_CONTENT"))
    with pytest.raises(AuthError):
        make_adapter(recorder, clock).delete_comment(a_comment())


def test_comments_flood_is_waited_out(clock: FakeClock) -> None:
    page = {"comments": [raw_comment("c1", 1)], "has_more": False}
    recorder = Scripted(ok_error(8, "FLOOD_BLOCKED"), reply(page))
    assert len(make_adapter(recorder, clock).comments(TOPIC_REF)) == 1
    assert clock.monotonic() >= FLOOD_WAIT


def test_long_limit_on_ban_is_rate_limited(clock: FakeClock) -> None:
    recorder = Scripted(ok_error(11, "LIMIT_REACHED : limit"))
    with pytest.raises(RateLimited) as caught:
        make_adapter(recorder, clock).ban(a_comment(), None)
    assert caught.value.retry_after == LIMIT_REACHED_WAIT


def test_no_secret_in_moderation_errors(clock: FakeClock) -> None:
    derived = signing_secret(TOKEN, APP_SECRET)
    echo = f"PARAM : access_token={TOKEN} app={APP_SECRET} secret={derived}"
    for code in (100, 104, 1, 141):
        recorder = Scripted(*[ok_error(code, echo)] * 4)
        with pytest.raises(NetworkError) as caught:
            make_adapter(recorder, clock).ban(a_comment(), None)
        text = f"{caught.value} {caught.value.detail} {caught.value.hint}"
        for secret in (TOKEN, APP_SECRET, derived):
            assert secret not in text


# ---- comments, moderation, replies and profile: contract with the emulator ---------------


def test_contract_citizen_comment_reply_ban(
    sandbox: Sandbox, sandbox_adapter: OkAdapter, clock: FakeClock
) -> None:
    ref = sandbox_adapter.publish(rendered("Ремонт дорог"), "k")
    first = sandbox.add_comment("ok", ref.remote_id, "Когда починят?", "5001", "Иван")
    clock.advance(60)
    spam = sandbox.add_comment("ok", ref.remote_id, "Купите <b>часы</b>", "6002", "Бот")
    found = sandbox_adapter.comments(ref)
    assert [(c.id, c.author_id, c.author_name) for c in found] == [
        (first, "5001", "Иван"),
        (spam, "6002", "Бот"),
    ]
    assert found[0].created_at is not None
    assert [c.id for c in sandbox_adapter.comments(ref, since=found[0].created_at)] == [spam]

    answer = sandbox_adapter.reply(found[0], "Летом, по плану.")
    (post,) = live_posts(sandbox)
    shown = {c["id"]: c for c in post["comments"]}
    assert shown[answer.remote_id]["from_account"] is True
    assert shown[answer.remote_id]["reply_to"] == first
    assert [c.id for c in sandbox_adapter.comments(ref)] == [first, spam]  # our reply left out

    sandbox_adapter.ban(found[1], None)
    view = sandbox.show()["ok"]
    assert view["banned"] == [{"user_id": "6002", "until": None}]
    assert spam not in [c["id"] for c in view["posts"][0]["comments"]]
    with pytest.raises(ValueError):
        sandbox.add_comment("ok", ref.remote_id, "Снова спам", "6002", "Бот")

    sandbox_adapter.delete_comment(found[0])
    sandbox_adapter.delete_comment(found[0])  # already gone: fine
    assert [c["id"] for c in live_posts(sandbox)[0]["comments"]] == [answer.remote_id]
    assert sandbox_adapter.comments(ref) == []


def test_contract_many_comments_over_pages(sandbox: Sandbox, sandbox_adapter: OkAdapter) -> None:
    ref = sandbox_adapter.publish(rendered(), "k")
    ids = [sandbox.add_comment("ok", ref.remote_id, f"№{n}", str(5000 + n)) for n in range(105)]
    assert [c.id for c in sandbox_adapter.comments(ref)] == ids


def test_contract_set_profile_sets_the_avatar(
    sandbox: Sandbox, sandbox_adapter: OkAdapter, tmp_path: Path
) -> None:
    media = avatar(tmp_path)
    profile = Profile("ok", title="Новое имя", description="Описание", avatar=media)
    assert sandbox_adapter.set_profile(profile) == ("avatar",)
    shown = sandbox.show()["ok"]["profile"]
    assert sandbox.store.file_path(shown["avatar"]).read_bytes() == media.path.read_bytes()
    assert shown["title"] == f"Группа {GID}"  # the name has no API: unchanged
    assert shown["description"] == ""
