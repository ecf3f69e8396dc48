"""The Instagram adapter: exact requests, error mapping, and contracts against its emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import Sandboxes, Scripted, Sent, make_account, mp4_bytes
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.core.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotFound,
    PostingLimit,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.model import Comment, Media, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks import instagram as adapter_module
from publisher.networks.base import CHUNK_SIZE, FindResult, Tokens
from publisher.networks.instagram import InstagramAdapter
from publisher.sandbox import instagram as emulator_module
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
    transport = Scripted(
        ok(QUOTA_OK),
        ok({"id": "c1"}),
        status_answer("IN_PROGRESS"),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter = adapter_with(transport, clock)
    ref = adapter.publish(post_of(photo(tmp_path, alt="Дети сажают деревья")), "ab" * 16)

    sent = transport.received
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
    # the first status query a moment after the container was made, the next one as long after
    assert clock.monotonic() == 2 * adapter_module.POLL_FIRST_DELAY
    assert ref == RemoteRef(
        "instagram",
        "m1",
        "https://www.instagram.com/p/DAbc/",
        ("m1",),
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )


def test_publish_carousel_of_photo_and_video(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(
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

    sent = transport.received
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
    transport = Scripted(
        ok(QUOTA_OK),
        ok({"id": "c1", "uri": f"{RUPLOAD}/c1"}),
        ok({"success": True, "message": "Upload successful."}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter_with(transport, clock).publish(post_of(video(tmp_path, size), text="Видео"), "k")

    sent = transport.received
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
    transport = Scripted(
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
    transport = Scripted(
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
    assert transport.received[2].chunks == transport.received[3].chunks == [CHUNK_SIZE, 10]


def test_upload_goes_only_to_metas_upload_host(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(
        ok(QUOTA_OK),
        ok({"id": "c1", "uri": "https://evil.example.org/steal"}),
        ok({"success": True}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
    )
    adapter_with(transport, clock).publish(post_of(video(tmp_path, 100)), "k")
    assert str(transport.received[2].request.url) == f"{RUPLOAD}/c1"


def test_graph_version_setting(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(ok({"id": USER, "username": "city"}))
    adapter_with(transport, clock, graph_version="v27.0").verify()
    url = str(transport.received[0].request.url)
    assert url == f"https://graph.facebook.com/v27.0/{USER}?fields=id%2Cusername"


def test_close_comments_option(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(
        ok(QUOTA_OK),
        ok({"id": "c1"}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        graph_error(100),  # refused: best effort, the post is live already
        ok(PERMALINK),
    )
    post = post_of(photo(tmp_path), close_comments=True, silent=True, unknown="x")
    ref = adapter_with(transport, clock).publish(post, "k")
    assert_graph(transport.received[4], "POST", "m1")
    assert transport.received[4].form == {"comment_enabled": "false"}
    assert ref.remote_id == "m1"


def test_lost_permalink_does_not_fail_a_live_post(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(
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
    transport = Scripted(ok({}))
    with pytest.raises(Rejected) as caught:
        adapter_with(transport, clock).publish(post_of(), "k")
    assert caught.value.hint and transport.received == []


def test_gif_animation_is_rejected(tmp_path: Path, clock: FakeClock) -> None:
    gif = Media(path=tmp_path / "a.gif", rel="a.gif", kind="animation", image_format="GIF")
    transport = Scripted(ok({}))
    with pytest.raises(Rejected, match="animation"):
        adapter_with(transport, clock).publish(post_of(gif), "k")
    assert transport.received == []


def test_photo_without_media_base_url_is_a_config_error(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(ok({}))
    adapter = adapter_with(transport, clock, media_base_url=None)
    with pytest.raises(ConfigError) as caught:
        adapter.publish(post_of(photo(tmp_path)), "k")
    assert "accounts/instagram.md" in caught.value.message
    assert "media_base_url" in caught.value.message + caught.value.hint
    assert transport.received == []


def test_spent_quota_leaves_the_post_for_later(tmp_path: Path, clock: FakeClock) -> None:
    spent = {"data": [{"quota_usage": 50, "config": {"quota_total": 50}}]}
    transport = Scripted(ok(spent))
    with pytest.raises(RateLimited) as caught:
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    assert caught.value.retry_after == adapter_module.QUOTA_WAIT
    assert len(transport.received) == 1


def test_container_error_is_rejected_with_its_status(tmp_path: Path, clock: FakeClock) -> None:
    failed = status_answer("ERROR", "Error: Media upload has failed with error code 2207026")
    transport = Scripted(ok(QUOTA_OK), ok({"id": "c1"}), failed)
    with pytest.raises(Rejected, match="2207026") as caught:
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    assert caught.value.hint


def test_expired_container_is_transient(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(ok(QUOTA_OK), ok({"id": "c1"}), status_answer("EXPIRED"))
    with pytest.raises(Transient):
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")


def quota(used: int, total: int = 50) -> httpx.Response:
    return ok({"data": [{"quota_usage": used, "config": {"quota_total": total}}]})


def test_containers_are_made_ahead_within_the_quota_and_used_in_order(
    tmp_path: Path, clock: FakeClock
) -> None:
    transport = Scripted(
        quota(48),
        ok({"id": "c1"}),
        ok({"id": "c2"}),
        status_answer("FINISHED"),
        ok({"id": "m1"}),
        ok(PERMALINK),
        status_answer("FINISHED"),
        ok({"id": "m2"}),
        ok(PERMALINK),
        quota(50),
    )
    adapter = adapter_with(transport, clock)
    posts = [post_of(photo(tmp_path, f"{n}.jpg"), text=f"Пост {n}") for n in range(4)]
    upcoming = [(post, f"k{n}") for n, post in enumerate(posts)]
    adapter.prepare(upcoming)
    # two posts left in the 24 h quota: two containers, not four
    assert [s.form.get("caption") for s in transport.received[1:]] == ["Пост 0", "Пост 1"]

    adapter.publish(*upcoming[0])
    adapter.prepare(upcoming[1:])  # nothing new: the quota has room for one more only
    adapter.publish(*upcoming[1])
    published = [
        s.form["creation_id"] for s in transport.received if "media_publish" in str(s.request.url)
    ]
    assert published == ["c1", "c2"]
    assert len(transport.received) == 9  # one quota read, no second container for either post

    with pytest.raises(RateLimited, match="50 of 50") as caught:
        adapter.prepare(upcoming[2:])  # the quota is read again before giving up
    assert caught.value.retry_after == adapter_module.QUOTA_WAIT
    assert len(transport.received) == 10


def test_a_container_made_ahead_is_polled_at_once(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(
        ok(QUOTA_OK), ok({"id": "c1"}), status_answer("FINISHED"), ok({"id": "m1"}), ok(PERMALINK)
    )
    adapter = adapter_with(transport, clock)
    post = post_of(photo(tmp_path))
    adapter.prepare([(post, "k")])
    clock.advance(5)  # earlier posts went out meanwhile
    adapter.publish(post, "k")
    assert clock.monotonic() == 5
    assert len(transport.received) == 5


def test_polling_is_bounded(tmp_path: Path, clock: FakeClock) -> None:
    transport = Scripted(ok(QUOTA_OK), ok({"id": "c1"}), status_answer("IN_PROGRESS"))
    with pytest.raises(Transient, match="still processing"):
        adapter_with(transport, clock).publish(post_of(photo(tmp_path)), "k")
    polls = len(transport.received) - 2
    # 1 s after the container, then gaps of 1, 2, 4, ... 32, 60, 60, 60, 60 s: 5 minutes
    assert polls == 11
    assert adapter_module.POLL_TIMEOUT <= clock.monotonic() <= adapter_module.POLL_TIMEOUT + 60
    assert not any("media_publish" in str(s.request.url) for s in transport.received)


# -- update, delete, find, verify ------------------------------------------------------------


def test_update_is_refused(clock: FakeClock) -> None:
    assert InstagramAdapter.capabilities.can_edit is False
    with pytest.raises(Rejected):
        adapter_with(Scripted(ok({})), clock).update(RemoteRef("instagram", "m1"), post_of())


def test_delete(clock: FakeClock) -> None:
    transport = Scripted(ok({"success": True}))
    adapter_with(transport, clock).delete(RemoteRef("instagram", "m1", parts=("m1",)))
    (sent,) = transport.received
    assert_graph(sent, "DELETE", "m1")


def test_delete_of_a_gone_post_is_fine(clock: FakeClock) -> None:
    transport = Scripted(graph_error(100, 33), graph_error(100, 33))
    adapter_with(transport, clock).delete(RemoteRef("instagram", "m1"))
    assert_graph(transport.received[1], "GET", "m1", "fields=id")


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
        adapter_with(Scripted(*answers), clock).delete(RemoteRef("instagram", "m1"))
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
    transport = Scripted(ok(listing))
    found = adapter_with(transport, clock).find("k", post_of())
    query = "fields=id%2Ccaption%2Cpermalink%2Ctimestamp&limit=25"
    assert_graph(transport.received[0], "GET", f"{USER}/media", query)
    assert found == RemoteRef(
        "instagram", "m1", "https://i/p/1/", ("m1",), datetime(2026, 12, 1, 8, tzinfo=UTC)
    )


def test_find_absent_and_unknown(clock: FakeClock) -> None:
    transport = Scripted(ok({"data": [{"id": "m2", "caption": "Другой"}]}))
    adapter = adapter_with(transport, clock)
    assert adapter.find("k", post_of()) is FindResult.ABSENT
    assert adapter.find("k", post_of(text="")) is FindResult.UNKNOWN
    assert len(transport.received) == 1


def test_verify(clock: FakeClock) -> None:
    transport = Scripted(ok({"id": USER, "username": "city_hall"}))
    info = adapter_with(transport, clock).verify()
    assert_graph(transport.received[0], "GET", USER, "fields=id%2Cusername")
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
    ("quota", graph_error(9, 2207042), PostingLimit, 3600.0),
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
    adapter = adapter_with(Scripted(ok({})), clock)
    with pytest.raises(expected) as caught:
        adapter._unwrap(response, "publish")
    error = caught.value
    assert type(error) is expected
    if isinstance(error, RateLimited):
        assert error.retry_after == wait
    if isinstance(error, AuthError):
        assert "INSTAGRAM_TOKEN" in error.hint


def test_fetch_error_hints_at_media_base_url(clock: FakeClock) -> None:
    adapter = adapter_with(Scripted(ok({})), clock)
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
    adapter = adapter_with(Scripted(ok({})), clock)
    with pytest.raises(NetworkError) as caught:
        adapter._unwrap(echo, "publish")
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.hint


def test_no_token_in_connection_errors(clock: FakeClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.headers['authorization']}")

    with pytest.raises(Transient) as caught:
        adapter_with(Scripted(refuse), clock).verify()
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
def sandbox(sandboxes: Sandboxes, repo: Path) -> Sandbox:
    box = sandboxes("instagram")
    box.media_roots[MEDIA_BASE] = repo
    return box


@pytest.fixture
def live(sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock) -> InstagramAdapter:
    return sandbox_adapter(sandbox, sandboxes.client(sandbox), clock)


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


def test_contract_a_reel_over_fifteen_minutes_is_refused_with_a_russian_hint(
    live: InstagramAdapter, sandbox: Sandbox, repo: Path
) -> None:
    path = repo / "content" / "long.mp4"
    path.parent.mkdir()
    path.write_bytes(mp4_bytes(15 * 60 + 5))
    reel = Media(path=path, rel="content/long.mp4", kind="video", size=path.stat().st_size)

    with pytest.raises(Rejected, match="2207026") as caught:
        live.publish(post_of(reel), "k")

    assert caught.value.hint.startswith("Instagram не смог обработать медиафайл.")
    assert "от 3 с до 15 мин" in caught.value.hint
    assert posts(sandbox) == []


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
    sandboxes: Sandboxes,
    repo: Path,
    clock: FakeClock,
) -> None:
    box = sandboxes("instagram", faults=parse_faults("rate429=0.15,error500=0.15,seed=4"))
    box.media_roots[MEDIA_BASE] = repo
    adapter = sandbox_adapter(box, sandboxes.client(box), clock)
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
    sandbox: Sandbox, sandboxes: Sandboxes, repo: Path, clock: FakeClock
) -> None:
    adapter = sandbox_adapter(
        sandbox, sandboxes.client(sandbox), clock, media_base_url="https://private.example.org"
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


# -- comments: exact requests ----------------------------------------------------------------

REPLY_FIELDS = "id,text,timestamp,username,from{id,username},hidden,user"
COMMENT_FIELDS = (
    "id,text,timestamp,username,from{id,username},hidden,parent_id,user,"
    "replies{id,text,timestamp,username,from{id,username},hidden,user}"
)
MEDIA_URL = "https://www.instagram.com/p/DAbc/"
MEDIA_REF = RemoteRef("instagram", "m1", MEDIA_URL, ("m1",))


def query_of(sent: Sent) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(sent.request.url)).query).items()}


def assert_get(sent: Sent, path: str, query: dict[str, str]) -> None:
    assert sent.request.method == "GET"
    url = urlsplit(str(sent.request.url))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{GRAPH}/{path}"
    assert query_of(sent) == query
    assert sent.request.headers["authorization"] == AUTH and TOKEN not in str(sent.request.url)


def item(
    comment_id: str, minute: int, author: str = "42", name: str = "citizen", **extra: Any
) -> dict[str, Any]:
    return {
        "id": comment_id,
        "text": f"текст {comment_id}",
        "timestamp": f"2026-12-01T10:{minute:02d}:00+0000",
        "username": name,
        "from": {"id": author, "username": name},
        "hidden": False,
        **extra,
    }


def page(data: list[dict[str, Any]], after: str = "") -> dict[str, Any]:
    """A Graph page; ``after`` set means there is a next page."""
    body: dict[str, Any] = {"data": data}
    if data:
        body["paging"] = {"cursors": {"before": "B", "after": after or "END"}}
        if after:
            body["paging"]["next"] = f"{GRAPH}/next?after={after}"
    return body


def comment_of(comment_id: str = "c1", parent_id: str = "") -> Comment:
    return Comment(
        "instagram",
        comment_id,
        "текст",
        "42",
        post_id="m1",
        parent_id=parent_id,
        extra={"hidden": False, "permalink": MEDIA_URL},
    )


def test_comments_read_every_page_and_reply(clock: FakeClock) -> None:
    own = {"id": USER}
    thread = item(
        "c2",
        5,
        replies=page(
            [item("r1", 6, author="43", name="neighbour"), item("r2", 7, author="9", user=own)],
            after="R",
        ),
    )
    transport = Scripted(
        ok(page([thread, item("c3", 9, author=USER, name="city")], after="A")),
        ok(page([item("r3", 8, name="citizen")])),
        ok(page([item("c1", 1)])),
    )
    found = adapter_with(transport, clock).comments(MEDIA_REF)

    first = {"fields": COMMENT_FIELDS, "limit": "50"}
    assert_get(transport.received[0], "m1/comments", first)
    assert_get(
        transport.received[1], "c2/replies", {"fields": REPLY_FIELDS, "limit": "50", "after": "R"}
    )
    assert_get(transport.received[2], "m1/comments", {**first, "after": "A"})
    assert len(transport.received) == 3
    # oldest first; the account's own comment (from.id) and reply (``user``) are left out
    assert [(c.id, c.parent_id) for c in found] == [
        ("c1", ""),
        ("c2", ""),
        ("r1", "c2"),
        ("r3", "c2"),
    ]
    reply = found[2]
    assert reply == Comment(
        network="instagram",
        id="r1",
        text="текст r1",
        author_id="43",
        author_name="neighbour",
        author_url="https://www.instagram.com/neighbour/",
        post_id="m1",
        parent_id="c2",
        created_at=datetime(2026, 12, 1, 10, 6, tzinfo=UTC),
        url=f"{MEDIA_URL}c/c2/r/r1/",
        extra={"hidden": False, "permalink": MEDIA_URL},
    )
    assert found[0].url == f"{MEDIA_URL}c/c1/"


def test_comments_since_is_strict_and_applied_locally(clock: FakeClock) -> None:
    transport = Scripted(ok(page([item("c3", 3), item("c2", 2, hidden=True), item("c1", 1)])))
    since = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)
    found = adapter_with(transport, clock).comments(MEDIA_REF, since)
    assert [c.id for c in found] == ["c3"]
    assert "since" not in query_of(transport.received[0])


def test_comments_without_permalink_or_author(clock: FakeClock) -> None:
    bare = {"id": "c1", "text": "x", "timestamp": "2026-12-01T10:00:00+0000", "username": "anon"}
    transport = Scripted(ok(page([bare, {"text": "no id"}])))
    (found,) = adapter_with(transport, clock).comments(RemoteRef("instagram", "m1"))
    assert (found.author_id, found.author_name, found.url) == ("", "anon", "")
    assert found.extra == {"hidden": False, "permalink": ""}


def test_comments_are_bounded(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adapter_module, "MAX_COMMENTS", 100)
    endless = page([item(f"c{n}", n % 60) for n in range(50)], after="MORE")
    transport = Scripted(ok(endless))
    found = adapter_with(transport, clock).comments(MEDIA_REF)
    assert len(transport.received) == 2 and len(found) == 100


def test_delete_comment(clock: FakeClock) -> None:
    transport = Scripted(ok({"success": True}), graph_error(100, 33))
    adapter = adapter_with(transport, clock)
    adapter.delete_comment(comment_of())
    adapter.delete_comment(comment_of())  # already gone: fine
    assert_graph(transport.received[0], "DELETE", "c1")
    assert len(transport.received) == 2


def test_hide_comment(clock: FakeClock) -> None:
    transport = Scripted(ok({"success": True}), graph_error(100, 33))
    adapter = adapter_with(transport, clock)
    adapter.hide_comment(comment_of())
    adapter.hide_comment(comment_of())  # gone meanwhile: nothing left to hide
    assert_graph(transport.received[0], "POST", "c1")
    assert transport.received[0].form == {"hide": "true"}


def test_reply_as_the_account(clock: FakeClock) -> None:
    transport = Scripted(ok({"id": "r9"}))
    ref = adapter_with(transport, clock).reply(comment_of(), "Спасибо, передали в ЖКХ")
    assert_graph(transport.received[0], "POST", "c1/replies")
    assert transport.received[0].form == {"message": "Спасибо, передали в ЖКХ"}
    assert ref == RemoteRef(
        "instagram",
        "r9",
        f"{MEDIA_URL}c/c1/r/r9/",
        ("r9",),
        clock.now(),
        extra={"parent_id": "c1"},
    )


def test_reply_to_a_reply_goes_to_its_thread(clock: FakeClock) -> None:
    transport = Scripted(ok({"id": "r9"}))
    ref = adapter_with(transport, clock).reply(comment_of("r1", parent_id="c1"), "Ответ")
    assert_graph(transport.received[0], "POST", "c1/replies")
    assert ref.extra == {"parent_id": "c1"}


def test_too_long_reply_is_refused_before_sending(clock: FakeClock) -> None:
    transport = Scripted(ok({"id": "r9"}))
    with pytest.raises(Rejected) as caught:
        adapter_with(transport, clock).reply(comment_of(), "я" * 2201)
    assert caught.value.hint and transport.received == []


def test_what_instagram_cannot_do(clock: FakeClock) -> None:
    caps = InstagramAdapter.capabilities
    assert (caps.comments, caps.delete_comment, caps.hide_comment, caps.reply) == (
        True,
        True,
        True,
        True,
    )
    assert (caps.messages, caps.ban, caps.max_ban_days, caps.restore_comment) == (
        False,
        False,
        0,
        False,
    )
    assert caps.profile == frozenset() and "cover" not in caps.profile_fields
    assert caps.settings_url == "https://www.instagram.com/accounts/edit/"
    transport = Scripted(ok({}))
    adapter = adapter_with(transport, clock)
    profile = Profile("instagram", title="Администрация", description="Новости города")
    for attempt in (
        lambda: adapter.ban(comment_of(), None),
        lambda: adapter.messages(),
        lambda: adapter.set_profile(profile),
    ):
        with pytest.raises(Rejected) as caught:
            attempt()
        assert caught.value.hint
    assert transport.received == []


# -- comments: errors ------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["comments", "delete_comment", "hide_comment", "reply"])
def test_comment_calls_name_the_secret_and_permission(clock: FakeClock, op: str) -> None:
    adapter = adapter_with(Scripted(graph_error(10, message="(#10) Permission denied")), clock)
    calls = {
        "comments": lambda: adapter.comments(MEDIA_REF),
        "delete_comment": lambda: adapter.delete_comment(comment_of()),
        "hide_comment": lambda: adapter.hide_comment(comment_of()),
        "reply": lambda: adapter.reply(comment_of(), "Ответ"),
    }
    with pytest.raises(AuthError) as caught:
        calls[op]()
    assert caught.value.op == op
    assert "INSTAGRAM_TOKEN" in caught.value.hint
    assert "instagram_manage_comments" in caught.value.hint


def test_expired_token_on_comments(clock: FakeClock) -> None:
    adapter = adapter_with(Scripted(graph_error(190, 463)), clock)
    with pytest.raises(AuthError) as caught:
        adapter.comments(MEDIA_REF)
    assert "INSTAGRAM_TOKEN" in caught.value.hint


def test_comment_rate_limit_waits_then_gives_up(clock: FakeClock) -> None:
    transport = Scripted(graph_error(17), ok({"success": True}))
    adapter_with(transport, clock).hide_comment(comment_of())
    assert len(transport.received) == 2 and clock.monotonic() == 60.0
    long_wait = Scripted(graph_error(80002, headers=buc(30)))
    with pytest.raises(RateLimited) as caught:
        adapter_with(long_wait, clock).delete_comment(comment_of())
    assert caught.value.retry_after == 1800.0 and len(long_wait.received) == 1


def test_reply_to_a_hidden_comment_is_rejected(clock: FakeClock) -> None:
    refused = graph_error(100, message="(#100) You cannot reply to a hidden comment.")
    with pytest.raises(Rejected, match="hidden"):
        adapter_with(Scripted(refused), clock).reply(comment_of(), "Ответ")


def test_lost_reply_answer_is_uncertain(clock: FakeClock) -> None:
    def cut(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset")

    with pytest.raises(Transient) as caught:
        adapter_with(Scripted(cut), clock).reply(comment_of(), "Ответ")
    assert caught.value.uncertain


@pytest.mark.parametrize("op", ["comments", "delete_comment", "hide_comment", "reply"])
def test_no_token_in_comment_errors(clock: FakeClock, op: str) -> None:
    echo = graph_error(1, message=f"Invalid token {TOKEN}", error_user_msg=f"access_token={TOKEN}")
    adapter = adapter_with(Scripted(echo), clock)
    calls = {
        "comments": lambda: adapter.comments(MEDIA_REF),
        "delete_comment": lambda: adapter.delete_comment(comment_of()),
        "hide_comment": lambda: adapter.hide_comment(comment_of()),
        "reply": lambda: adapter.reply(comment_of(), "Ответ"),
    }
    with pytest.raises(NetworkError) as caught:
        calls[op]()
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.hint


# -- contract: comments against the emulator -------------------------------------------------


def instagram_view(sandbox: Sandbox) -> dict[str, Any]:
    view: dict[str, Any] = sandbox.show()["instagram"]
    return view


def shown_comments(sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    (post,) = posts(sandbox)
    return {c["id"]: c for c in post["comments"]}


def test_contract_read_reply_hide_delete(
    live: InstagramAdapter, sandbox: Sandbox, repo: Path, clock: FakeClock
) -> None:
    ref = live.publish(post_of(photo(repo)), "k")
    clock.advance(60)
    asked = sandbox.add_comment("instagram", ref.remote_id, "Когда уберут снег?", "501", "ivan")
    clock.advance(60)
    (comment,) = live.comments(ref)
    assert (comment.id, comment.text, comment.author_id, comment.author_name) == (
        asked,
        "Когда уберут снег?",
        "501",
        "ivan",
    )
    assert comment.author_url == "https://www.instagram.com/ivan/"
    assert comment.url == f"{ref.url}c/{asked}/" and comment.created_at is not None

    answer = live.reply(comment, "Сегодня до 18:00")
    assert answer.extra == {"parent_id": asked} and answer.url.endswith(f"/r/{answer.remote_id}/")
    shown = shown_comments(sandbox)
    assert shown[answer.remote_id]["from_account"] is True
    assert shown[answer.remote_id]["reply_to"] == asked
    assert [c.id for c in live.comments(ref)] == [asked]  # our answer is not a new message

    live.hide_comment(comment)
    assert shown_comments(sandbox)[asked]["hidden"] is True
    (hidden,) = live.comments(ref)
    assert hidden.extra["hidden"] is True
    with pytest.raises(Rejected):
        live.reply(hidden, "Ещё ответ")  # Instagram does not answer hidden comments

    live.delete_comment(comment)
    assert shown_comments(sandbox) == {}  # its replies went with it
    assert live.comments(ref) == []
    live.delete_comment(comment)  # already gone: fine
    live.hide_comment(comment)


def test_contract_threads_pages_and_since(
    live: InstagramAdapter,
    sandbox: Sandbox,
    repo: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # small pages on the emulator's side, so a few comments span several of them
    monkeypatch.setattr(emulator_module, "COMMENTS_MAX_LIMIT", 3)
    monkeypatch.setattr(emulator_module, "NESTED_REPLIES_LIMIT", 2)
    ref = live.publish(post_of(photo(repo)), "k")
    first = sandbox.add_comment("instagram", ref.remote_id, "первый", "1", "a")
    for n in range(5):  # more than one expanded page of replies
        clock.advance(1)
        sandbox.add_comment("instagram", ref.remote_id, f"ответ {n}", "2", "b", reply_to=first)
    for n in range(7):  # more than one page of comments
        clock.advance(1)
        sandbox.add_comment("instagram", ref.remote_id, f"комментарий {n}", "3", "c")
    found = live.comments(ref)
    assert len(found) == 13
    assert found[0].id == first and {c.parent_id for c in found[1:6]} == {first}
    assert [c.created_at for c in found] == sorted(c.created_at or clock.now() for c in found)
    since = found[-10].created_at
    assert [c.id for c in live.comments(ref, since)] == [c.id for c in found[-9:]]


def test_contract_reply_to_a_reply_joins_the_thread(
    live: InstagramAdapter, sandbox: Sandbox, repo: Path
) -> None:
    ref = live.publish(post_of(photo(repo)), "k")
    top = sandbox.add_comment("instagram", ref.remote_id, "вопрос", "1", "a")
    sandbox.add_comment("instagram", ref.remote_id, "и у меня", "2", "b", reply_to=top)
    nested = [c for c in live.comments(ref) if c.parent_id]
    answer = live.reply(nested[0], "Ответ обоим")
    assert shown_comments(sandbox)[answer.remote_id]["reply_to"] == top


def test_contract_no_ban_and_no_profile_edit(
    live: InstagramAdapter, sandbox: Sandbox, repo: Path
) -> None:
    ref = live.publish(post_of(photo(repo)), "k")
    asked = sandbox.add_comment("instagram", ref.remote_id, "спам", "7", "spammer")
    (comment,) = live.comments(ref)
    with pytest.raises(Rejected):
        live.ban(comment, None)
    assert instagram_view(sandbox)["banned"] == []
    sandbox.add_comment("instagram", ref.remote_id, "снова", "7", "spammer", reply_to=asked)

    before = instagram_view(sandbox)["profile"]
    with pytest.raises(Rejected):
        live.set_profile(Profile("instagram", title="Новое имя", website="https://city.example"))
    assert instagram_view(sandbox)["profile"] == before
    assert before["cover"] is None


def test_contract_comments_through_the_facebook_emulator(
    sandboxes: Sandboxes,
    repo: Path,
    clock: FakeClock,
) -> None:
    """In the full sandbox graph.facebook.com belongs to Facebook, which hands over IG paths."""
    box = sandboxes("facebook", "instagram")
    box.media_roots[MEDIA_BASE] = repo
    account = make_account("instagram", account_id=USER, settings={"media_base_url": MEDIA_BASE})
    tokens = Tokens(Secret("sandbox-instagram-main", "INSTAGRAM_TOKEN"))
    adapter = InstagramAdapter(account, tokens, sandboxes.client(box), clock=clock)
    ref = adapter.publish(post_of(photo(repo)), "k")
    asked = box.add_comment("instagram", ref.remote_id, "Вопрос", "5", "olga")
    (comment,) = adapter.comments(ref)
    answer = adapter.reply(comment, "Ответ")
    adapter.hide_comment(comment)
    shown = {c["id"]: c for c in box.show()["instagram"]["posts"][0]["comments"]}
    assert shown[asked]["hidden"] is True and answer.remote_id in shown
    adapter.delete_comment(comment)
    assert box.show()["instagram"]["posts"][0]["comments"] == []
    assert box.show()["facebook"]["posts"] == []


def test_contract_since_after_a_while(
    live: InstagramAdapter, sandbox: Sandbox, repo: Path, clock: FakeClock
) -> None:
    ref = live.publish(post_of(photo(repo)), "k")
    sandbox.add_comment("instagram", ref.remote_id, "старый", "1", "a")
    seen = clock.now()
    clock.advance(timedelta(minutes=5).total_seconds())
    new = sandbox.add_comment("instagram", ref.remote_id, "новый", "2", "b")
    assert [c.id for c in live.comments(ref, seen)] == [new]
