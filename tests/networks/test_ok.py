"""The OK adapter: signing, the exact requests, error mapping, and a contract with its emulator."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

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
from publisher.model import Media, Poll, RemoteRef, RenderedPost
from publisher.networks.base import CHUNK_SIZE, FindResult, Tokens
from publisher.networks.ok import (
    ACTION_BLOCKED_WAIT,
    FLOOD_WAIT,
    LIMIT_REACHED_WAIT,
    OkAdapter,
    compact_json,
    sign,
    signing_secret,
)
from publisher.redact import Secret
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import Faults

GID = "70000000000001"
TOKEN = "TOKEN123-ok-test"
APP_SECRET = "APPSECRET-ok-test"
APP_KEY = "CBAPUBLIC"
API = "https://api.ok.ru/fb.do"

Handler = Callable[[httpx.Request], httpx.Response]


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


class Recorder:
    """A MockTransport handler that records requests and answers from a script."""

    def __init__(self, *answers: httpx.Response | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer


def make_adapter(
    recorder: Recorder, clock: FakeClock, account: Any = None, tokens: Tokens | None = None
) -> OkAdapter:
    http = httpx.Client(transport=httpx.MockTransport(recorder))
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
        "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7", "ABC123DEF456GHI789JKL123"
    )
    params = {
        "application_key": "ABCDEFGHIGKLMNOPK",
        "format": "json",
        "method": "events.get",
        "access_token": "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7",
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
    recorder = Recorder(reply([{"uid": GID, "name": "Мэрия"}]))
    account = ok_account(extra_token_envs={"session_secret": "OK_SESSION_SECRET"})
    tokens = Tokens(Secret(TOKEN, "OK_TOKEN"), {"session_secret": Secret("SESSIONSECRET", "OK_SS")})
    make_adapter(recorder, clock, account, tokens).verify()
    fields = form(recorder.requests[0])
    signed = {k: v for k, v in fields.items() if k not in ("access_token", "sig")}
    assert fields["sig"] == sign(signed, "SESSIONSECRET")


def test_missing_application_key_is_a_config_error(clock: FakeClock) -> None:
    adapter = make_adapter(Recorder(), clock, ok_account(settings={}))
    with pytest.raises(ConfigError) as caught:
        adapter.verify()
    assert "accounts/ok.md" in caught.value.message
    assert "application_key" in caught.value.message


def test_missing_app_secret_is_a_config_error(clock: FakeClock) -> None:
    account = ok_account(extra_token_envs={})
    adapter = make_adapter(Recorder(), clock, account, Tokens(Secret(TOKEN, "OK_TOKEN")))
    with pytest.raises(ConfigError) as caught:
        adapter.verify()
    assert "accounts/ok.md" in caught.value.message
    assert "app_secret" in caught.value.message


# ---- exact requests -----------------------------------------------------------------------


def test_verify_calls_group_get_info(clock: FakeClock) -> None:
    recorder = Recorder(reply([{"uid": GID, "name": "Мэрия"}]))
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
        make_adapter(Recorder(reply([])), clock).verify()


def test_publish_text(clock: FakeClock) -> None:
    recorder = Recorder(reply("155000000000042"))
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
    ref = make_adapter(Recorder(reply(77)), clock).publish(rendered(), "k")
    assert ref.remote_id == "77"


def test_publish_with_options_link_and_poll(clock: FakeClock) -> None:
    recorder = Recorder(reply("1"))
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
    recorder = Recorder(reply("1"))
    make_adapter(recorder, clock).publish(rendered("", poll=Poll("Да?", ("Да", "Нет"))), "k")
    media = json.loads(form(recorder.requests[0])["attachment"])["media"]
    assert [item["type"] for item in media] == ["poll"]
    assert media[0]["options"] == "SingleChoice,AnonymousVoting"


def test_publish_photos_uploads_pic_fields_then_posts_tokens(
    clock: FakeClock, tmp_path: Path
) -> None:
    upload_url = "https://pu.mycdn.me/upload.do?sid=abc&photoIds=p1,p2"
    recorder = Recorder(
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
    recorder = Recorder(
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
    adapter = make_adapter(Recorder(), clock)
    assert OkAdapter.capabilities.can_edit is False
    with pytest.raises(Rejected) as caught:
        adapter.update(RemoteRef("ok", "1", parts=("1",)), rendered())
    assert caught.value.hint


def test_delete_calls_delete_topic(clock: FakeClock) -> None:
    recorder = Recorder(reply({"success": True}))
    make_adapter(recorder, clock).delete(RemoteRef("ok", "42", parts=("42",), extra={"gid": "9"}))
    fields = form(recorder.requests[0])
    assert_signed(fields, "mediatopic.deleteTopic")
    assert (fields["gid"], fields["topic_id"]) == ("9", "42")


def test_delete_of_a_topic_already_gone_is_fine(clock: FakeClock) -> None:
    recorder = Recorder(ok_error(300, "NOT_FOUND : Topic not found"))
    make_adapter(recorder, clock).delete(RemoteRef("ok", "42"))
    assert form(recorder.requests[0])["gid"] == GID


def test_find_cannot_tell(clock: FakeClock) -> None:
    recorder = Recorder()
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
    adapter = make_adapter(Recorder(), clock)
    with pytest.raises(error) as caught:
        adapter._unwrap(response, "publish")
    assert type(caught.value) is error
    if retry_after is not None:
        assert isinstance(caught.value, RateLimited)
        assert caught.value.retry_after == retry_after


def test_auth_error_hints_name_the_secret(clock: FakeClock) -> None:
    adapter = make_adapter(Recorder(), clock)
    with pytest.raises(AuthError) as expired:
        adapter._unwrap(ok_error(102, "PARAM_SESSION_EXPIRED"), "verify")
    assert "OK_TOKEN" in expired.value.hint
    with pytest.raises(AuthError) as bad_sig:
        adapter._unwrap(ok_error(104, "PARAM_SIGNATURE : Invalid signature"), "verify")
    assert "OK_APP_SECRET" in bad_sig.value.hint


def test_empty_success_body_is_none(clock: FakeClock) -> None:
    assert make_adapter(Recorder(), clock)._unwrap(httpx.Response(200), "upload") is None


def test_flood_is_waited_out_then_retried(clock: FakeClock) -> None:
    recorder = Recorder(ok_error(8, "FLOOD_BLOCKED"), reply([{"uid": GID, "name": "G"}]))
    make_adapter(recorder, clock).verify()
    assert len(recorder.requests) == 2
    assert clock.monotonic() >= FLOOD_WAIT


def test_no_token_or_secret_in_raised_errors(clock: FakeClock) -> None:
    derived = signing_secret(TOKEN, APP_SECRET)
    echo = f"PARAM : access_token={TOKEN} app={APP_SECRET} secret={derived}"
    for code in (100, 102, 104, 8, 1, 300, 10):
        recorder = Recorder(*[ok_error(code, echo)] * 4)
        with pytest.raises(NetworkError) as caught:
            make_adapter(recorder, clock).publish(rendered(), "k")
        text = f"{caught.value} {caught.value.detail} {caught.value.hint}"
        for secret in (TOKEN, APP_SECRET, derived):
            assert secret not in text


# ---- contract with the emulator -----------------------------------------------------------


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox("ok")


@pytest.fixture
def sandbox_adapter(
    sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client], clock: FakeClock
) -> OkAdapter:
    tokens = ok_tokens("sandbox-ok-main", "sandbox-ok-app_secret")
    return OkAdapter(ok_account(), tokens, sandbox_http(sandbox), clock=clock)


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
    make_sandbox: Callable[..., Sandbox],
    sandbox_http: Callable[[Sandbox], httpx.Client],
    clock: FakeClock,
    fault: str,
) -> None:
    sandbox = make_sandbox("ok", faults=ScriptedFaults(fault))
    tokens = ok_tokens("sandbox-ok-main", "sandbox-ok-app_secret")
    adapter = OkAdapter(ok_account(), tokens, sandbox_http(sandbox), clock=clock)
    ref = adapter.publish(rendered(), "k")
    assert [post["id"] for post in live_posts(sandbox)] == [ref.remote_id]


def test_contract_wrong_app_secret_is_an_auth_error(
    sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client], clock: FakeClock
) -> None:
    tokens = ok_tokens("sandbox-ok-main", "wrong-secret")
    adapter = OkAdapter(ok_account(), tokens, sandbox_http(sandbox), clock=clock)
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
