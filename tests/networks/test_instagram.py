"""The Instagram adapter: exact requests, error mapping, and contracts against its emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

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
from publisher.networks import instagram as adapter_module
from publisher.networks.base import CHUNK_SIZE, FindResult, Tokens
from publisher.networks.instagram import InstagramAdapter
from publisher.redact import Secret
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import parse_faults
from publisher.sandbox.instagram import InstagramEmulator

GRAPH = "https://graph.facebook.com/v25.0"
RUPLOAD = "https://rupload.facebook.com/ig-api-upload/v25.0"
USER = "17841400000000001"
TOKEN = "ig-page-token-3f9a7c"
MEDIA_BASE = "https://media.example.org/repo"
AUTH = f"Bearer {TOKEN}"
QUOTA_OK = {"data": [{"quota_usage": 3, "config": {"quota_total": 50, "quota_duration": 86400}}]}
PERMALINK = {
    "id": "m1",
    "permalink": "https://www.instagram.com/p/DAbc/",
    "timestamp": "2026-12-01T09:00:00+0000",
}


@dataclass
class Sent:
    """One request as the network saw it: its body arrives in chunks."""

    request: httpx.Request
    chunks: list[int]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Recorder(httpx.BaseTransport):
    """Answers from a script and records every request, reading bodies chunk by chunk."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.sent: list[Sent] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        chunks = [bytes(chunk) for chunk in request.stream]
        self.sent.append(Sent(request, [len(c) for c in chunks], b"".join(chunks)))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(request) if callable(answer) else answer


def ok(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


def graph_error(
    code: int,
    subcode: int = 0,
    status: int = 400,
    message: str = "boom",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, **extra}
    if subcode:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error}, headers=headers)


def status_answer(code: str, text: str = "") -> httpx.Response:
    return ok({"id": "c", "status_code": code, "status": text or code.title()})


def adapter_with(
    transport: httpx.BaseTransport, clock: FakeClock, **settings: Any
) -> InstagramAdapter:
    account = make_account(
        "instagram",
        account_id=USER,
        settings={"media_base_url": MEDIA_BASE, **settings},
    )
    tokens = Tokens(Secret(TOKEN, "INSTAGRAM_TOKEN"))
    return InstagramAdapter(account, tokens, httpx.Client(transport=transport), clock=clock)


def photo(
    folder: Path, name: str = "фото 1.jpg", alt: str = "", size: tuple[int, int] = (1080, 1080)
) -> Media:
    path = folder / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (10, 120, 200)).save(path, "JPEG")
    return Media(
        path=path,
        rel=f"content/{name}",
        kind="photo",
        alt=alt,
        size=path.stat().st_size,
        width=size[0],
        height=size[1],
        image_format="JPEG",
    )


def video(folder: Path, size: int, name: str = "clip.mp4") -> Media:
    """A sparse MP4-looking file: an ftyp box, then a hole."""
    path = folder / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"\x00\x00\x00\x18ftypmp42")
        handle.truncate(size)
    return Media(path=path, rel=f"content/{name}", kind="video", size=size)


def post_of(*media: Media, text: str = "Субботник в парке", **options: Any) -> RenderedPost:
    return RenderedPost("p1", "instagram", (text,), media=media, options=options)


def assert_graph(sent: Sent, method: str, path: str, query: str = "") -> None:
    request = sent.request
    assert request.method == method
    assert str(request.url) == f"{GRAPH}/{path}" + (f"?{query}" if query else "")
    assert request.headers["authorization"] == AUTH
    assert TOKEN not in str(request.url) and TOKEN.encode() not in sent.body


# -- publish: exact requests -----------------------------------------------------------------


def test_publish_one_photo(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1"}),
        status_answer("IN_PROGRESS"),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter = adapter_with(transport, clock)
    ref = adapter.publish(post_of(photo(tmp_path, alt="Дети сажают деревья")), "ab" * 16)

    sent = transport.sent
    assert_graph(sent[0], "GET", f"{USER}/content_publishing_limit", "fields=config%2Cquota_usage")
    assert_graph(sent[1], "POST", f"{USER}/media")
    assert sent[1].form == {
        "image_url": f"{MEDIA_BASE}/content/%D1%84%D0%BE%D1%82%D0%BE%201.jpg",
        "caption": "Субботник в парке",
        "alt_text": "Дети сажают деревья",
    }
    assert_graph(sent[2], "GET", "c1", "fields=status_code%2Cstatus")
    assert_graph(sent[3], "GET", "c1", "fields=status_code%2Cstatus")
    assert_graph(sent[4], "POST", f"{USER}/media_publish")
    assert sent[4].form == {"creation_id": "c1"}
    assert_graph(sent[5], "GET", "m1", "fields=permalink%2Ctimestamp")
    assert len(sent) == 6
    assert clock.monotonic() == adapter_module.POLL_FIRST_DELAY
    assert ref == RemoteRef(
        "instagram",
        "m1",
        "https://www.instagram.com/p/DAbc/",
        ("m1",),
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )


def test_publish_carousel_of_photo_and_video(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1"}),
        ok({"id": "c2", "uri": f"{RUPLOAD}/c2"}),
        ok({"success": True, "message": "Upload successful."}),
        status_answer("FINISHED"),
        status_answer("IN_PROGRESS"),
        status_answer("FINISHED"),
        ok({"id": "c3"}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    media = (photo(tmp_path, "a.jpg"), video(tmp_path, 1000))
    adapter_with(transport, clock).publish(post_of(*media), "k")

    sent = transport.sent
    assert sent[1].form == {"image_url": f"{MEDIA_BASE}/content/a.jpg", "is_carousel_item": "true"}
    assert sent[2].form == {
        "upload_type": "resumable",
        "media_type": "VIDEO",
        "is_carousel_item": "true",
    }
    assert str(sent[3].request.url) == f"{RUPLOAD}/c2"
    assert [str(s.request.url).rsplit("/", 1)[1] for s in sent[4:7]] == [
        "c1?fields=status_code%2Cstatus",
        "c2?fields=status_code%2Cstatus",
        "c2?fields=status_code%2Cstatus",
    ]
    assert_graph(sent[7], "POST", f"{USER}/media")
    assert sent[7].form == {
        "media_type": "CAROUSEL",
        "children": "c1,c2",
        "caption": "Субботник в парке",
    }
    assert sent[9].form == {"creation_id": "c3"}


def test_publish_reel_streams_the_file_in_chunks(tmp_path: Path, clock: FakeClock) -> None:
    size = 2 * CHUNK_SIZE + 1000
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1", "uri": f"{RUPLOAD}/c1"}),
        ok({"success": True, "message": "Upload successful."}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter_with(transport, clock).publish(post_of(video(tmp_path, size), text="Видео"), "k")

    sent = transport.sent
    assert sent[1].form == {"upload_type": "resumable", "media_type": "REELS", "caption": "Видео"}
    upload = sent[2]
    assert upload.request.method == "POST" and str(upload.request.url) == f"{RUPLOAD}/c1"
    headers = upload.request.headers
    assert headers["authorization"] == f"OAuth {TOKEN}"
    assert (headers["offset"], headers["file_size"]) == ("0", str(size))
    assert headers["content-length"] == str(size)
    assert upload.chunks == [CHUNK_SIZE, CHUNK_SIZE, 1000]
    assert upload.body.startswith(b"\x00\x00\x00\x18ftyp")


def test_video_needs_no_media_base_url(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1", "uri": f"{RUPLOAD}/c1"}),
        ok({"success": True}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter = adapter_with(transport, clock, media_base_url="")
    assert adapter.publish(post_of(video(tmp_path, 100)), "k").remote_id == "m1"


def test_retried_upload_resends_the_whole_file(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1", "uri": f"{RUPLOAD}/c1"}),
        httpx.Response(503, text="busy"),
        ok({"success": True}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    size = CHUNK_SIZE + 10
    adapter_with(transport, clock).publish(post_of(video(tmp_path, size)), "k")
    assert transport.sent[2].chunks == transport.sent[3].chunks == [CHUNK_SIZE, 10]


def test_upload_goes_only_to_metas_upload_host(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1", "uri": "https://evil.example.org/steal"}),
        ok({"success": True}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter_with(transport, clock).publish(post_of(video(tmp_path, 100)), "k")
    assert str(transport.sent[2].request.url) == f"{RUPLOAD}/c1"


def test_graph_version_setting(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(ok({"id": USER, "username": "city"}))
    adapter_with(transport, clock, graph_version="v27.0").verify()
    url = str(transport.sent[0].request.url)
    assert url == f"https://graph.facebook.com/v27.0/{USER}?fields=id%2Cusername"


def test_close_comments_option(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1"}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        graph_error(100),  # refused: best effort, the post is live already
        ok(PERMALINK),
    )
    post = post_of(photo(tmp_path), close_comments=True, silent=True, unknown="x")
    ref = adapter_with(transport, clock).publish(post, "k")
    assert_graph(transport.sent[4], "POST", "m1")
    assert transport.sent[4].form == {"comment_enabled": "false"}
    assert ref.remote_id == "m1"


def test_lost_permalink_does_not_fail_a_live_post(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(
        ok(QUOTA_OK),
        ok({"id": "c1"}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        graph_error(100),
    )
    ref = adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    assert (ref.remote_id, ref.url, ref.published_at) == ("m1", "", clock.now())


# -- publish: refusals before and during -----------------------------------------------------


def test_text_only_post_is_rejected_without_calls(clock: FakeClock) -> None:
    transport = Recorder(ok({}))
    with pytest.raises(Rejected) as caught:
        adapter_with(transport, clock).publish(post_of(), "k")
    assert caught.value.hint and transport.sent == []


def test_gif_animation_is_rejected(tmp_path: Path, clock: FakeClock) -> None:
    gif = Media(path=tmp_path / "a.gif", rel="a.gif", kind="animation", image_format="GIF")
    transport = Recorder(ok({}))
    with pytest.raises(Rejected, match="animation"):
        adapter_with(transport, clock).publish(post_of(gif), "k")
    assert transport.sent == []


def test_photo_without_media_base_url_is_a_config_error(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(ok({}))
    adapter = adapter_with(transport, clock, media_base_url=None)
    with pytest.raises(ConfigError) as caught:
        adapter.publish(post_of(photo(tmp_path)), "k")
    assert "accounts/instagram.md" in caught.value.message
    assert "media_base_url" in caught.value.message + caught.value.hint
    assert transport.sent == []


def test_spent_quota_leaves_the_post_for_later(tmp_path: Path, clock: FakeClock) -> None:
    spent = {"data": [{"quota_usage": 50, "config": {"quota_total": 50}}]}
    transport = Recorder(ok(spent))
    with pytest.raises(RateLimited) as caught:
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    assert caught.value.retry_after == adapter_module.QUOTA_WAIT
    assert len(transport.sent) == 1


def test_container_error_is_rejected_with_its_status(tmp_path: Path, clock: FakeClock) -> None:
    failed = status_answer("ERROR", "Error: Media upload has failed with error code 2207026")
    transport = Recorder(ok(QUOTA_OK), ok({"id": "c1"}), failed)
    with pytest.raises(Rejected, match="2207026") as caught:
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    assert caught.value.hint


def test_expired_container_is_transient(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(ok(QUOTA_OK), ok({"id": "c1"}), status_answer("EXPIRED"))
    with pytest.raises(Transient):
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")


def test_polling_is_bounded(tmp_path: Path, clock: FakeClock) -> None:
    transport = Recorder(ok(QUOTA_OK), ok({"id": "c1"}), status_answer("IN_PROGRESS"))
    with pytest.raises(Transient, match="still processing"):
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    polls = len(transport.sent) - 2
    assert polls == 8  # waits 10, 20, 40, 60, 60, 60, 60 s between them
    assert adapter_module.POLL_TIMEOUT <= clock.monotonic() <= adapter_module.POLL_TIMEOUT + 60
    assert not any("media_publish" in str(s.request.url) for s in transport.sent)


# -- update, delete, find, verify ------------------------------------------------------------


def test_update_is_refused(clock: FakeClock) -> None:
    assert InstagramAdapter.capabilities.can_edit is False
    with pytest.raises(Rejected):
        adapter_with(Recorder(ok({})), clock).update(RemoteRef("instagram", "m1"), post_of())


def test_delete(clock: FakeClock) -> None:
    transport = Recorder(ok({"success": True}))
    adapter_with(transport, clock).delete(RemoteRef("instagram", "m1", parts=("m1",)))
    (sent,) = transport.sent
    assert_graph(sent, "DELETE", "m1")


def test_delete_of_a_gone_post_is_fine(clock: FakeClock) -> None:
    transport = Recorder(graph_error(100, 33), graph_error(100, 33))
    adapter_with(transport, clock).delete(RemoteRef("instagram", "m1"))
    assert_graph(transport.sent[1], "GET", "m1", "fields=id")


@pytest.mark.parametrize(
    "answers",
    [
        (graph_error(100, 33), ok({"id": "m1"})),  # still there: deletion unsupported
        (graph_error(100, message="Unsupported delete request"),),
    ],
)
def test_undeletable_post_asks_for_manual_deletion(
    clock: FakeClock, answers: tuple[httpx.Response, ...]
) -> None:
    with pytest.raises(Rejected) as caught:
        adapter_with(Recorder(*answers), clock).delete(RemoteRef("instagram", "m1"))
    assert caught.value.hint


def test_find_matches_the_caption(clock: FakeClock) -> None:
    listing = {
        "data": [
            {"id": "m2", "caption": "Другой пост", "permalink": "https://i/p/2/"},
            {
                "id": "m1",
                "caption": "Субботник в парке ",
                "permalink": "https://i/p/1/",
                "timestamp": "2026-12-01T08:00:00+0000",
            },
        ]
    }
    transport = Recorder(ok(listing))
    found = adapter_with(transport, clock).find("k", post_of())
    query = "fields=id%2Ccaption%2Cpermalink%2Ctimestamp&limit=25"
    assert_graph(transport.sent[0], "GET", f"{USER}/media", query)
    assert found == RemoteRef(
        "instagram", "m1", "https://i/p/1/", ("m1",), datetime(2026, 12, 1, 8, tzinfo=UTC)
    )


def test_find_absent_and_unknown(clock: FakeClock) -> None:
    transport = Recorder(ok({"data": [{"id": "m2", "caption": "Другой"}]}))
    adapter = adapter_with(transport, clock)
    assert adapter.find("k", post_of()) is FindResult.ABSENT
    assert adapter.find("k", post_of(text="")) is FindResult.UNKNOWN
    assert len(transport.sent) == 1


def test_verify(clock: FakeClock) -> None:
    transport = Recorder(ok({"id": USER, "username": "city_hall"}))
    info = adapter_with(transport, clock).verify()
    assert_graph(transport.sent[0], "GET", USER, "fields=id%2Cusername")
    assert (info.name, info.id, info.url) == (
        "city_hall",
        USER,
        "https://www.instagram.com/city_hall/",
    )


# -- error mapping ---------------------------------------------------------------------------


def buc(minutes: int) -> dict[str, str]:
    usage = {USER: [{"type": "instagram", "estimated_time_to_regain_access": minutes}]}
    return {"X-Business-Use-Case-Usage": json.dumps(usage)}


ERRORS: list[tuple[str, httpx.Response, type[NetworkError], float | None]] = [
    ("token expired", graph_error(190, 463), AuthError, None),
    ("session", graph_error(102), AuthError, None),
    ("no permission", graph_error(10), AuthError, None),
    ("permission 200", graph_error(200), AuthError, None),
    ("restricted", graph_error(25, 2207050), AuthError, None),
    ("app limit", graph_error(4, is_transient=True), RateLimited, 60.0),
    ("user limit", graph_error(17), RateLimited, 60.0),
    ("ig buc", graph_error(80002, headers=buc(5)), RateLimited, 300.0),
    ("quota", graph_error(9, 2207042), RateLimited, 3600.0),
    ("unknown", graph_error(1), Transient, None),
    ("service", graph_error(2, status=500, is_transient=True), Transient, None),
    ("not ready", graph_error(9007, 2207027), Transient, None),
    ("create failed", graph_error(-1, 2207032), Transient, None),
    ("download timeout", graph_error(-2, 2207003), Transient, None),
    ("expired", graph_error(-2, 2207020), Transient, None),
    ("fetch", graph_error(9004, 2207052), Rejected, None),
    ("too large", graph_error(36000, 2207004), Rejected, None),
    ("format", graph_error(36001, 2207005), Rejected, None),
    ("aspect", graph_error(36003, 2207009), Rejected, None),
    ("video format", graph_error(352, 2207026), Rejected, None),
    ("carousel size", graph_error(100, 2207028), Rejected, None),
    ("bad param", graph_error(100), Rejected, None),
    ("gone", graph_error(100, 33), NotFound, None),
    ("html 502", httpx.Response(502, text="<html>Bad gateway</html>"), Transient, None),
    ("bare 429", httpx.Response(429), RateLimited, 60.0),
    ("bare 401", httpx.Response(401), AuthError, None),
    ("bare 404", httpx.Response(404), NotFound, None),
    (
        "upload auth",
        httpx.Response(401, json={"debug_info": {"type": "AuthorizationError", "message": "x"}}),
        AuthError,
        None,
    ),
    (
        "upload partial",
        httpx.Response(
            400,
            json={"debug_info": {"retriable": True, "type": "ProcessingFailedError"}},
        ),
        Transient,
        None,
    ),
    (
        "upload refused",
        httpx.Response(
            400,
            json={"debug_info": {"retriable": False, "type": "ProcessingFailedError"}},
        ),
        Rejected,
        None,
    ),
]


@pytest.mark.parametrize(
    ("response", "expected", "wait"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_error_mapping(
    clock: FakeClock,
    response: httpx.Response,
    expected: type[NetworkError],
    wait: float | None,
) -> None:
    adapter = adapter_with(Recorder(ok({})), clock)
    with pytest.raises(expected) as caught:
        adapter._unwrap(response, "publish")
    error = caught.value
    assert type(error) is expected
    if isinstance(error, RateLimited):
        assert error.retry_after == wait
    if isinstance(error, AuthError):
        assert "INSTAGRAM_TOKEN" in error.hint


def test_fetch_error_hints_at_media_base_url(clock: FakeClock) -> None:
    adapter = adapter_with(Recorder(ok({})), clock)
    with pytest.raises(Rejected) as caught:
        adapter._unwrap(graph_error(9004, 2207052), "container")
    assert "media_base_url" in caught.value.hint


@pytest.mark.parametrize("case", ERRORS, ids=[case[0] for case in ERRORS])
def test_no_token_in_errors(clock: FakeClock, case: tuple[Any, ...]) -> None:
    """A network that echoes the token back must not put it into our error text."""
    response: httpx.Response = case[1]
    headers = {k: v for k, v in response.headers.items() if k.lower().startswith("x-business")}
    try:
        echoed = response.json()
    except ValueError:
        echo = httpx.Response(response.status_code, text=f"<p>{TOKEN}</p>", headers=headers)
    else:
        for value in echoed.values():
            value["message"] = f"Invalid token {TOKEN} in access_token={TOKEN}"
            value["error_user_msg"] = f"token {TOKEN}"
        echo = httpx.Response(response.status_code, json=echoed, headers=headers)
    adapter = adapter_with(Recorder(ok({})), clock)
    with pytest.raises(NetworkError) as caught:
        adapter._unwrap(echo, "publish")
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.hint


def test_no_token_in_connection_errors(clock: FakeClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.headers['authorization']}")

    with pytest.raises(Transient) as caught:
        adapter_with(Recorder(refuse), clock).verify()
    assert TOKEN not in str(caught.value)


# -- contract: the adapter against its emulator ----------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def sandbox_adapter(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock, **settings: Any
) -> InstagramAdapter:
    """The adapter on a sandbox where graph.facebook.com reaches the Instagram emulator.

    In the full sandbox the Facebook emulator owns that host and delegates Instagram paths.
    """
    sandbox._by_host["graph.facebook.com"] = sandbox.emulators["instagram"]
    account = make_account(
        "instagram", account_id=USER, settings={"media_base_url": MEDIA_BASE, **settings}
    )
    tokens = Tokens(Secret("sandbox-instagram-main", "INSTAGRAM_TOKEN"))
    return InstagramAdapter(account, tokens, http, clock=clock)


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox], repo: Path) -> Sandbox:
    box = make_sandbox("instagram")
    box.media_roots[MEDIA_BASE] = repo
    return box


@pytest.fixture
def live(
    sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client], clock: FakeClock
) -> InstagramAdapter:
    return sandbox_adapter(sandbox, sandbox_http(sandbox), clock)


def posts(sandbox: Sandbox) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = sandbox.show()["instagram"]["posts"]
    return result


def test_contract_publish_find_delete(live: InstagramAdapter, sandbox: Sandbox, repo: Path) -> None:
    post = post_of(photo(repo, alt="Парк"))
    ref = live.publish(post, "k")
    assert ref.url.startswith("https://www.instagram.com/p/") and ref.parts == (ref.remote_id,)
    (shown,) = posts(sandbox)
    assert (shown["id"], shown["text"], shown["media"][0]["alt"]) == (
        ref.remote_id,
        post.text,
        "Парк",
    )
    found = live.find("k", post)
    assert isinstance(found, RemoteRef) and found.remote_id == ref.remote_id
    live.delete(ref)
    assert posts(sandbox) == []
    assert live.find("k", post) is FindResult.ABSENT
    live.delete(ref)  # already gone: fine


def test_contract_carousel_with_video(live: InstagramAdapter, sandbox: Sandbox, repo: Path) -> None:
    media = (photo(repo, "a.jpg"), photo(repo, "b.jpg", size=(1080, 1350)), video(repo, 5000))
    live.publish(post_of(*media), "k")
    (shown,) = posts(sandbox)
    assert [item["kind"] for item in shown["media"]] == ["photo", "photo", "video"]
    assert shown["media_type"] == "CAROUSEL_ALBUM"


def test_contract_reel_upload(live: InstagramAdapter, sandbox: Sandbox, repo: Path) -> None:
    size = 2 * CHUNK_SIZE + 7
    ref = live.publish(post_of(video(repo, size)), "k")
    assert "/reel/" in ref.url
    (shown,) = posts(sandbox)
    assert sandbox.store.file_path(shown["media"][0]["file"]).stat().st_size == size


def test_contract_rate_limit_then_success(
    live: InstagramAdapter, sandbox: Sandbox, repo: Path, clock: FakeClock
) -> None:
    emulator = sandbox.emulators["instagram"]
    assert isinstance(emulator, InstagramEmulator)
    emulator.buc_calls, emulator.buc_window = 3, 60.0
    live.publish(post_of(photo(repo)), "k")
    assert len(posts(sandbox)) == 1
    assert clock.monotonic() >= 60


def test_contract_faults_are_survived(
    make_sandbox: Callable[..., Sandbox],
    sandbox_http: Callable[[Sandbox], httpx.Client],
    repo: Path,
    clock: FakeClock,
) -> None:
    box = make_sandbox("instagram", faults=parse_faults("rate429=0.15,error500=0.15,seed=4"))
    box.media_roots[MEDIA_BASE] = repo
    adapter = sandbox_adapter(box, sandbox_http(box), clock)
    adapter.publish(post_of(photo(repo)), "k")
    assert len(posts(box)) == 1


def test_contract_spent_quota(live: InstagramAdapter, sandbox: Sandbox, repo: Path) -> None:
    with sandbox.store.transaction("instagram") as state:
        state["publishes"] = {USER: [sandbox.clock.now().timestamp()] * 50}
    with pytest.raises(RateLimited) as caught:
        live.publish(post_of(photo(repo)), "k")
    assert caught.value.retry_after == adapter_module.QUOTA_WAIT


def test_contract_refused_photo(live: InstagramAdapter, repo: Path) -> None:
    with pytest.raises(Rejected, match="2207009"):
        live.publish(post_of(photo(repo, size=(1000, 2000))), "k")


def test_contract_unreachable_media_base_url(
    sandbox: Sandbox, sandbox_http: Callable[[Sandbox], httpx.Client], repo: Path, clock: FakeClock
) -> None:
    adapter = sandbox_adapter(
        sandbox, sandbox_http(sandbox), clock, media_base_url="https://private.example.org"
    )
    with pytest.raises(Rejected) as caught:
        adapter.publish(post_of(photo(repo)), "k")
    assert "media_base_url" in caught.value.hint


def test_contract_verify_and_revoked_token(live: InstagramAdapter, sandbox: Sandbox) -> None:
    info = live.verify()
    assert (info.name, info.id) == (f"sandbox_{USER}", USER)
    revoke_token(sandbox.store, "sandbox-instagram-main")
    with pytest.raises(AuthError) as caught:
        live.verify()
    assert "INSTAGRAM_TOKEN" in caught.value.hint
