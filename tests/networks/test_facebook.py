"""The Facebook adapter: exact Graph requests, error mapping, and a contract with its emulator."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import Sandboxes, Scripted, jpeg_bytes, make_account
from PIL import Image
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from publisher.core.clock import FakeClock
from publisher.core.errors import (
    AuthError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.model import Comment, Media, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks.base import CHUNK_SIZE, FindResult, Tokens
from publisher.networks.facebook import ABOUT_LIMIT, COMMENT_LIMIT, FacebookAdapter
from publisher.networks.graph import DEFAULT_RATE_WAIT
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.facebook import FacebookEmulator, UsageBudget
from publisher.sandbox.faults import Faults

PAGE = "4242"
TOKEN = "EAAG-facebook-test-token-0001"  # pragma: allowlist secret
APP_SECRET = "fb-app-secret-test"
GRAPH = "https://graph.facebook.com/v25.0"
VIDEO = "https://graph-video.facebook.com/v25.0"
MB = 1024 * 1024

Handler = Callable[[httpx.Request], httpx.Response]


def ok(body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def graph_error(code: int, status: int = 400, **fields: Any) -> httpx.Response:
    error = {"message": f"error {code}", "type": "OAuthException", "code": code, **fields}
    return httpx.Response(status, json={"error": error})


def fb_account(**fields: Any) -> Any:
    defaults: dict[str, Any] = {"account_id": PAGE, "token_env": "FB_TOKEN"}
    defaults.update(fields)
    return make_account("facebook", **defaults)


def adapter_for(
    client: httpx.Client,
    clock: FakeClock,
    app_secret: str | None = None,
    token: str = TOKEN,
    **account: Any,
) -> FacebookAdapter:
    extras = {"app_secret": Secret(app_secret, "FB_APP_SECRET")} if app_secret else {}
    if app_secret:
        account.setdefault("extra_token_envs", {"app_secret": "FB_APP_SECRET"})
    tokens = Tokens(Secret(token, "FB_TOKEN"), extras)
    return FacebookAdapter(fb_account(**account), tokens, client, None, clock)


def mock_adapter(recorder: Scripted, clock: FakeClock, **kwargs: Any) -> FacebookAdapter:
    return adapter_for(httpx.Client(transport=recorder), clock, **kwargs)


def form_of(request: httpx.Request) -> tuple[dict[str, str], dict[str, bytes]]:
    """The form fields and uploaded files of a urlencoded or multipart request."""
    builder = EnvironBuilder(
        method=request.method,
        data=request.content,
        content_type=request.headers.get("content-type", ""),
    )
    parsed = Request(builder.get_environ())
    files = {name: storage.read() for name, storage in parsed.files.items()}
    return parsed.form.to_dict(), files


def query_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.url.query.decode()))


def post(text: str = "Hello", *media: Media, **options: Any) -> RenderedPost:
    return RenderedPost("p1", "facebook", (text,), media=media, options=options, title="Title")


def photo(tmp_path: Path, name: str = "a.jpg", alt: str = "") -> Media:
    path = tmp_path / name
    Image.new("RGB", (8, 6), "red").save(path, "JPEG")
    return Media(path, name, "photo", alt=alt, size=path.stat().st_size, image_format="JPEG")


def sparse_video(tmp_path: Path, size: int, name: str = "clip.mp4") -> Media:
    """A sparse file with a marker byte at each 4 MiB boundary, to check chunk offsets."""
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.truncate(size)
        for index, offset in enumerate(range(0, size, CHUNK_SIZE)):
            handle.seek(offset)
            handle.write(bytes([65 + index]))
    return Media(path, name, "video", size=size)


def assert_authorized(request: httpx.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url)


# -- exact requests ---------------------------------------------------------------------------


def test_publish_text_with_link_posts_to_the_page_feed(clock: FakeClock) -> None:
    recorder = Scripted(ok({"id": f"{PAGE}_77"}))
    adapter = mock_adapter(recorder, clock)

    ref = adapter.publish(post("Новости", link="https://example.org/a"), "key1")

    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == f"{GRAPH}/{PAGE}/feed"
    assert_authorized(request)
    form, files = form_of(request)
    assert form == {"message": "Новости", "link": "https://example.org/a"}
    assert files == {}
    assert ref.remote_id == f"{PAGE}_77"
    assert ref.url == f"https://www.facebook.com/{PAGE}_77"
    assert ref.parts == (f"{PAGE}_77",)
    assert ref.published_at == clock.now()


def test_graph_version_is_a_setting(clock: FakeClock) -> None:
    recorder = Scripted(ok({"id": PAGE, "name": "Администрация"}))
    adapter = mock_adapter(recorder, clock, settings={"graph_version": "v27.0"})

    info = adapter.verify()

    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.path == f"/v27.0/{PAGE}"
    assert query_of(request) == {"fields": "id,name"}
    assert_authorized(request)
    assert (info.name, info.id, info.url) == (
        "Администрация",
        PAGE,
        f"https://www.facebook.com/{PAGE}",
    )


def test_app_secret_signs_every_call_with_appsecret_proof(clock: FakeClock) -> None:
    recorder = Scripted(ok({"id": f"{PAGE}_1"}), ok({"id": PAGE, "name": "P"}))
    adapter = mock_adapter(recorder, clock, app_secret=APP_SECRET)
    proof = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()

    adapter.publish(post(), "k")
    adapter.verify()

    assert form_of(recorder.requests[0])[0]["appsecret_proof"] == proof
    assert query_of(recorder.requests[1])["appsecret_proof"] == proof


def test_publish_one_photo_uploads_source_with_the_message(
    clock: FakeClock, tmp_path: Path
) -> None:
    recorder = Scripted(ok({"id": "501", "post_id": f"{PAGE}_88"}))
    adapter = mock_adapter(recorder, clock)
    media = photo(tmp_path, alt="Площадь")

    ref = adapter.publish(post("Фото", media), "k")

    (request,) = recorder.requests
    assert (request.method, str(request.url)) == ("POST", f"{GRAPH}/{PAGE}/photos")
    assert_authorized(request)
    form, files = form_of(request)
    assert form == {"message": "Фото", "alt_text_custom": "Площадь"}
    assert files == {"source": media.path.read_bytes()}
    assert (ref.remote_id, ref.parts) == (f"{PAGE}_88", (f"{PAGE}_88",))


def test_publish_album_uploads_unpublished_photos_then_attaches_them(
    clock: FakeClock, tmp_path: Path
) -> None:
    recorder = Scripted(ok({"id": "601"}), ok({"id": "602"}), ok({"id": f"{PAGE}_90"}))
    adapter = mock_adapter(recorder, clock)
    first, second = photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")

    ref = adapter.publish(post("Альбом", first, second), "k")

    uploads, feed = recorder.requests[:2], recorder.requests[2]
    for request, media in zip(uploads, (first, second), strict=True):
        assert (request.method, str(request.url)) == ("POST", f"{GRAPH}/{PAGE}/photos")
        form, files = form_of(request)
        assert form == {"published": "false"}
        assert files == {"source": media.path.read_bytes()}
    assert str(feed.url) == f"{GRAPH}/{PAGE}/feed"
    assert form_of(feed)[0] == {
        "message": "Альбом",
        "attached_media[0]": '{"media_fbid":"601"}',
        "attached_media[1]": '{"media_fbid":"602"}',
    }
    assert ref.remote_id == f"{PAGE}_90"
    assert ref.parts == (f"{PAGE}_90", "601", "602")


def test_album_whose_post_fails_deletes_its_uploaded_photos(
    clock: FakeClock, tmp_path: Path
) -> None:
    recorder = Scripted(
        ok({"id": "601"}), ok({"id": "602"}), graph_error(100), ok({"success": True}), ok({})
    )
    adapter = mock_adapter(recorder, clock)

    with pytest.raises(Rejected):
        adapter.publish(post("x", photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")), "k")

    deletes = [(r.method, str(r.url)) for r in recorder.requests[3:]]
    assert deletes == [("DELETE", f"{GRAPH}/601"), ("DELETE", f"{GRAPH}/602")]


def test_album_whose_post_answer_is_lost_keeps_its_photos(clock: FakeClock, tmp_path: Path) -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("answer lost", request=request)

    recorder = Scripted(ok({"id": "601"}), ok({"id": "602"}), lost)
    adapter = mock_adapter(recorder, clock)

    with pytest.raises(Transient) as caught:
        adapter.publish(post("x", photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")), "k")

    assert caught.value.uncertain
    assert len(recorder.requests) == 3  # no retry of the post, no deletion of its photos


def video_server(size: int, fail_first_transfer: bool = False) -> Handler:
    """A scripted legacy upload: 4 MiB chunks, optionally one 1363037 at the first transfer."""
    state = {"received": 0, "failed": not fail_first_transfer}

    def answer(request: httpx.Request) -> httpx.Response:
        form, files = form_of(request)
        phase = form["upload_phase"]
        if phase == "start":
            end = min(CHUNK_SIZE, size)
            return ok(
                {
                    "video_id": "900",
                    "upload_session_id": "s1",
                    "start_offset": "0",
                    "end_offset": str(end),
                }
            )
        if phase == "transfer":
            if not state["failed"]:
                state["failed"] = True
                data = {"start_offset": "0", "end_offset": str(MB)}
                return graph_error(6000, error_subcode=1363037, error_data=data)
            state["received"] = int(form["start_offset"]) + len(files["video_file_chunk"])
            end = min(state["received"] + CHUNK_SIZE, size)
            return ok({"start_offset": str(state["received"]), "end_offset": str(end)})
        return ok({"success": True})

    return answer


def test_publish_video_uploads_in_chunks_and_finishes_with_the_text(
    clock: FakeClock, tmp_path: Path
) -> None:
    size = 2 * CHUNK_SIZE + MB
    server = video_server(size)
    recorder = Scripted(*([server] * 5))
    adapter = mock_adapter(recorder, clock)
    media = sparse_video(tmp_path, size)

    ref = adapter.publish(post("Видео", media), "k")

    start, *transfers, finish = recorder.requests
    assert all(str(r.url) == f"{VIDEO}/{PAGE}/videos" for r in recorder.requests)
    assert form_of(start)[0] == {"upload_phase": "start", "file_size": str(size)}
    chunks = [form_of(r) for r in transfers]
    assert [form["start_offset"] for form, _ in chunks] == [
        "0",
        str(CHUNK_SIZE),
        str(2 * CHUNK_SIZE),
    ]
    assert [len(files["video_file_chunk"]) for _, files in chunks] == [CHUNK_SIZE, CHUNK_SIZE, MB]
    assert [files["video_file_chunk"][:1] for _, files in chunks] == [b"A", b"B", b"C"]
    assert all(form["upload_session_id"] == "s1" for form, _ in chunks)
    assert all(int(r.headers["content-length"]) < CHUNK_SIZE + 4096 for r in transfers)
    assert form_of(finish)[0] == {
        "upload_phase": "finish",
        "upload_session_id": "s1",
        "title": "Title",
        "description": "Видео",
    }
    assert (ref.remote_id, ref.parts, ref.extra) == ("900", ("900",), {"kind": "video"})
    assert ref.url == f"https://www.facebook.com/{PAGE}/videos/900"


def test_video_upload_resumes_from_the_offsets_of_error_1363037(
    clock: FakeClock, tmp_path: Path
) -> None:
    size = CHUNK_SIZE + MB
    server = video_server(size, fail_first_transfer=True)
    recorder = Scripted(*([server] * 6))
    adapter = mock_adapter(recorder, clock)

    adapter.publish(post("v", sparse_video(tmp_path, size)), "k")

    transfers = [form_of(r) for r in recorder.requests[1:-1]]
    sent = [(form["start_offset"], len(files["video_file_chunk"])) for form, files in transfers]
    assert sent == [("0", CHUNK_SIZE), ("0", MB), (str(MB), CHUNK_SIZE)]


def test_gif_animation_goes_through_the_video_upload(clock: FakeClock, tmp_path: Path) -> None:
    path = tmp_path / "a.gif"
    frames = [Image.new("RGB", (4, 4), color) for color in ("red", "blue")]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    size = path.stat().st_size
    server = video_server(size)
    recorder = Scripted(*([server] * 3))
    adapter = mock_adapter(recorder, clock)

    adapter.publish(post("gif", Media(path, "a.gif", "animation", image_format="GIF")), "k")

    assert [form_of(r)[0]["upload_phase"] for r in recorder.requests] == [
        "start",
        "transfer",
        "finish",
    ]
    assert form_of(recorder.requests[1])[1]["video_file_chunk"] == path.read_bytes()


@pytest.mark.parametrize(
    "kinds",
    [("document",), ("video", "photo"), ("photo", "animation")],
)
def test_media_a_page_post_cannot_hold_are_refused_before_any_call(
    kinds: tuple[str, ...], clock: FakeClock, tmp_path: Path
) -> None:
    recorder = Scripted()
    adapter = mock_adapter(recorder, clock)
    media = [Media(tmp_path / f"f{i}", f"f{i}", kind) for i, kind in enumerate(kinds)]

    with pytest.raises(Rejected) as caught:
        adapter.publish(post("x", *media), "k")

    assert caught.value.hint
    assert recorder.requests == []


def test_update_posts_the_new_message(clock: FakeClock) -> None:
    recorder = Scripted(ok({"success": True}))
    adapter = mock_adapter(recorder, clock)
    ref = RemoteRef("facebook", f"{PAGE}_5", parts=(f"{PAGE}_5",))

    assert adapter.update(ref, post("Исправлено")) == ref

    (request,) = recorder.requests
    assert (request.method, str(request.url)) == ("POST", f"{GRAPH}/{PAGE}_5")
    assert_authorized(request)
    assert form_of(request)[0] == {"message": "Исправлено"}


def test_update_of_a_video_changes_its_description(clock: FakeClock) -> None:
    recorder = Scripted(ok({"success": True}))
    adapter = mock_adapter(recorder, clock)

    adapter.update(RemoteRef("facebook", "900", extra={"kind": "video"}), post("Новое"))

    assert str(recorder.requests[0].url) == f"{GRAPH}/900"
    assert form_of(recorder.requests[0])[0] == {"description": "Новое"}


def test_delete_removes_every_part_and_ignores_parts_already_gone(clock: FakeClock) -> None:
    gone = graph_error(100, error_subcode=33, type="GraphMethodException")
    recorder = Scripted(ok({"success": True}), gone, ok({"success": True}))
    adapter = mock_adapter(recorder, clock)

    adapter.delete(RemoteRef("facebook", f"{PAGE}_9", parts=(f"{PAGE}_9", "601", "602")))

    assert [(r.method, str(r.url)) for r in recorder.requests] == [
        ("DELETE", f"{GRAPH}/{PAGE}_9"),
        ("DELETE", f"{GRAPH}/601"),
        ("DELETE", f"{GRAPH}/602"),
    ]
    for request in recorder.requests:
        assert_authorized(request)
        assert request.content == b""


def test_find_matches_the_text_among_recent_posts(clock: FakeClock) -> None:
    feed = {
        "data": [
            {"id": f"{PAGE}_2", "message": "Другое", "created_time": "2026-12-01T08:00:00+0000"},
            {"id": f"{PAGE}_1", "message": "Искомое", "created_time": "2026-12-01T07:30:00+0000"},
        ]
    }
    recorder = Scripted(ok(feed), ok({"data": []}))
    adapter = mock_adapter(recorder, clock)

    found = adapter.find("k", post("Искомое"))
    absent = adapter.find("k", post("Нет такого"))

    request = recorder.requests[0]
    assert (request.method, request.url.path) == ("GET", f"/v25.0/{PAGE}/feed")
    assert query_of(request) == {"fields": "id,message,created_time", "limit": "25"}
    assert_authorized(request)
    assert isinstance(found, RemoteRef)
    assert found.remote_id == f"{PAGE}_1"
    assert found.published_at is not None and found.published_at.hour == 7
    assert absent is FindResult.ABSENT


def test_find_cannot_tell_for_a_post_without_text(clock: FakeClock) -> None:
    recorder = Scripted()
    adapter = mock_adapter(recorder, clock)

    assert adapter.find("k", post("")) is FindResult.UNKNOWN
    assert recorder.requests == []


# -- error mapping ------------------------------------------------------------------------------

BUC_HEADER = {
    "X-Business-Use-Case-Usage": json.dumps(
        {PAGE: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 5}]}
    )
}


@pytest.mark.parametrize(
    ("response", "expected", "wait"),
    [
        (graph_error(190, error_subcode=460), AuthError, None),
        (graph_error(190, error_subcode=463), AuthError, None),
        (graph_error(102), AuthError, None),
        (graph_error(104), AuthError, None),
        (graph_error(10, status=403), AuthError, None),
        (graph_error(200, status=403), AuthError, None),
        (graph_error(4, is_transient=True), RateLimited, DEFAULT_RATE_WAIT),
        (graph_error(17), RateLimited, DEFAULT_RATE_WAIT),
        (graph_error(32), RateLimited, DEFAULT_RATE_WAIT),
        (graph_error(613), RateLimited, DEFAULT_RATE_WAIT),
        (
            httpx.Response(400, json={"error": {"code": 80001}}, headers=BUC_HEADER),
            RateLimited,
            300.0,
        ),
        (graph_error(1), Transient, None),
        (graph_error(2, status=500), Transient, None),
        (graph_error(9007, is_transient=True), Transient, None),
        (httpx.Response(502, text="<html>Bad gateway</html>"), Transient, None),
        (graph_error(368), Rejected, None),
        (graph_error(506), Rejected, None),
        (graph_error(100), Rejected, None),
        (graph_error(1609005), Rejected, None),
        (graph_error(100, error_subcode=33), NotFound, None),
        (
            httpx.Response(400, json={"error": {"code": 100, "message": "Object does not exist"}}),
            NotFound,
            None,
        ),
        (graph_error(803), NotFound, None),
    ],
)
def test_graph_errors_map_to_our_errors(
    response: httpx.Response, expected: type[NetworkError], wait: float | None, clock: FakeClock
) -> None:
    adapter = mock_adapter(Scripted(), clock)

    with pytest.raises(expected) as caught:
        adapter._unwrap(response, "publish")

    assert caught.value.network == "facebook"
    if wait is not None:
        assert isinstance(caught.value, RateLimited)
        assert caught.value.retry_after == wait


def test_auth_hints_name_the_secret_and_the_missing_permission(clock: FakeClock) -> None:
    adapter = mock_adapter(Scripted(), clock)

    with pytest.raises(AuthError) as expired:
        adapter._unwrap(graph_error(190, error_subcode=460), "verify")
    with pytest.raises(AuthError) as permission:
        adapter._unwrap(graph_error(200, status=403), "publish")

    assert "FB_TOKEN" in expired.value.hint
    assert "FB_TOKEN" in permission.value.hint
    assert "pages_manage_posts" in permission.value.hint


def test_policy_block_and_duplicate_say_what_to_do(clock: FakeClock) -> None:
    adapter = mock_adapter(Scripted(), clock)

    for code in (368, 506):
        with pytest.raises(Rejected) as caught:
            adapter._unwrap(graph_error(code), "publish")
        assert caught.value.hint
        assert f"code {code}" in caught.value.detail


def test_no_token_appears_in_any_error(clock: FakeClock, tmp_path: Path) -> None:
    echo = {
        "message": f"Invalid OAuth access token {TOKEN} in https://graph.facebook.com/?access_token={TOKEN}",
        "code": 190,
        "fbtrace_id": "A1",
    }

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect with Authorization: Bearer {TOKEN}")

    answers: list[httpx.Response | Handler] = [
        httpx.Response(400, json={"error": echo}),
        httpx.Response(400, json={"error": {**echo, "code": 100}}),
        httpx.Response(500, text=f"oops {TOKEN}"),
        *([broken] * 8),
    ]
    adapter = mock_adapter(Scripted(*answers), clock, app_secret=APP_SECRET)
    errors: list[NetworkError] = []
    for _ in range(4):
        with pytest.raises(NetworkError) as caught:
            adapter.verify()
        errors.append(caught.value)

    assert len(errors) == 4
    for error in errors:
        text = f"{error} {error.detail} {error.hint} {error!r}"
        assert TOKEN not in text
        assert APP_SECRET not in text


def test_rate_limit_answer_is_waited_out_and_retried(clock: FakeClock) -> None:
    recorder = Scripted(graph_error(4, is_transient=True), ok({"id": f"{PAGE}_3"}))
    adapter = mock_adapter(recorder, clock)
    before = clock.monotonic()

    ref = adapter.publish(post(), "k")

    assert ref.remote_id == f"{PAGE}_3"
    assert clock.monotonic() - before == DEFAULT_RATE_WAIT
    assert len(recorder.requests) == 2


# -- contract with the emulator -------------------------------------------------------------------


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("facebook")


def sandbox_adapter(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    **kwargs: Any,
) -> FacebookAdapter:
    return adapter_for(sandboxes.client(sandbox), clock, **kwargs)


def emulator_of(sandbox: Sandbox) -> FacebookEmulator:
    emulator = sandbox.emulators["facebook"]
    assert isinstance(emulator, FacebookEmulator)
    return emulator


def live_posts(sandbox: Sandbox) -> list[dict[str, Any]]:
    posts: list[dict[str, Any]] = sandbox.show()["facebook"]["posts"]
    return posts


def test_contract_publish_update_find_delete(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    adapter = sandbox_adapter(sandbox, sandboxes, clock)

    info = adapter.verify()
    ref = adapter.publish(post("Первый пост", link="https://example.org/news"), "k")
    adapter.update(ref, post("Первый пост, исправленный"))
    found = adapter.find("k", post("Первый пост, исправленный"))

    assert info.id == PAGE
    assert isinstance(found, RemoteRef) and found.remote_id == ref.remote_id
    (shown,) = live_posts(sandbox)
    assert (shown["id"], shown["text"], shown["link"]) == (
        ref.remote_id,
        "Первый пост, исправленный",
        "https://example.org/news",
    )

    adapter.delete(ref)
    adapter.delete(ref)  # already gone is fine

    assert live_posts(sandbox) == []
    assert adapter.find("k", post("Первый пост, исправленный")) is FindResult.ABSENT


def test_contract_album_and_its_photos_are_deleted_together(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    secret = emulator_of(sandbox).app_secret
    adapter = sandbox_adapter(sandbox, sandboxes, clock, app_secret=secret)
    media = [photo(tmp_path, f"{i}.jpg", alt=f"фото {i}") for i in range(3)]

    ref = adapter.publish(post("Альбом", *media), "k")

    (shown,) = live_posts(sandbox)
    assert [m["alt"] for m in shown["media"]] == ["фото 0", "фото 1", "фото 2"]
    assert len(ref.parts) == 4
    adapter.delete(ref)
    photos = sandbox.store.read("facebook")["photos"]
    assert all(item["deleted"] for item in photos.values())


def test_contract_single_photo(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    adapter = sandbox_adapter(sandbox, sandboxes, clock)

    ref = adapter.publish(post("Одно фото", photo(tmp_path)), "k")

    (shown,) = live_posts(sandbox)
    assert shown["id"] == ref.remote_id and shown["media"][0]["kind"] == "photo"
    adapter.delete(ref)
    assert live_posts(sandbox) == []


def test_contract_video_is_uploaded_in_chunks(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    emulator_of(sandbox).chunk_size = MB
    sent: list[httpx.Request] = []
    client = sandboxes.client(sandbox)
    client.event_hooks["request"].append(sent.append)
    adapter = adapter_for(client, clock)
    media = sparse_video(tmp_path, 3 * MB + 123)

    ref = adapter.publish(post("Видео", media), "k")
    adapter.update(ref, post("Видео, новое описание"))

    transfers = [r for r in sent if int(r.headers.get("content-length", "0")) > MB // 2]
    assert len(transfers) == 3
    assert all(int(r.headers["content-length"]) < MB + 4096 for r in transfers)
    state = sandbox.store.read("facebook")
    video = state["videos"][ref.remote_id]
    assert sandbox.store.file_path(video["file"]).read_bytes() == media.path.read_bytes()
    (shown,) = live_posts(sandbox)
    assert shown["text"] == "Видео, новое описание"
    adapter.delete(ref)
    assert live_posts(sandbox) == []


def test_contract_gif_animation_stays_animated(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    path = tmp_path / "a.gif"
    frames = [Image.new("RGB", (4, 4), color) for color in ("red", "blue")]
    frames[0].save(path, save_all=True, append_images=frames[1:])

    adapter.publish(post("gif", Media(path, "a.gif", "animation", image_format="GIF")), "k")

    html = emulator_of(sandbox).feed_html(sandbox.store.read("facebook"))
    assert 'class="fb-gif"' in html and ".gif" in html


def test_contract_page_burst_limit_is_waited_out(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    emulator_of(sandbox).page_burst.limit = 1
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    before = clock.monotonic()

    adapter.publish(post("x", photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")), "k")

    assert len(live_posts(sandbox)) == 1
    assert clock.monotonic() - before >= 2 * DEFAULT_RATE_WAIT


def test_contract_page_budget_waits_for_the_regain_time(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    emulator_of(sandbox).page_budget = UsageBudget(clock, 1, 60.0)
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    adapter.verify()
    before = clock.monotonic()

    adapter.publish(post("после паузы"), "k")

    assert clock.monotonic() - before == 60.0  # estimated_time_to_regain_access: 1 minute
    assert len(live_posts(sandbox)) == 1


def test_contract_long_page_budget_wait_is_left_to_the_engine(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    emulator_of(sandbox).page_budget = UsageBudget(clock, 1, 3600.0)
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    adapter.verify()

    with pytest.raises(RateLimited) as caught:
        adapter.publish(post("слишком рано"), "k")

    assert caught.value.retry_after == 3600.0
    assert live_posts(sandbox) == []


class FirstRequestFaults(Faults):
    """Inject ``kind`` into the first request only."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.pending = [kind]

    def draw(self, network: str) -> str | None:
        return self.pending.pop() if self.pending else None


@pytest.mark.parametrize("kind", ["rate429", "error500"])
def test_contract_injected_fault_then_success(
    kind: str,
    sandboxes: Sandboxes,
    clock: FakeClock,
) -> None:
    sandbox = sandboxes("facebook", faults=FirstRequestFaults(kind))
    adapter = sandbox_adapter(sandbox, sandboxes, clock)

    ref = adapter.publish(post("после сбоя"), "k")

    assert [p["id"] for p in live_posts(sandbox)] == [ref.remote_id]


def test_contract_revoked_token_is_an_auth_error(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    revoke_token(sandbox.store, TOKEN)
    adapter = sandbox_adapter(sandbox, sandboxes, clock)

    with pytest.raises(AuthError) as caught:
        adapter.publish(post(), "k")

    assert "FB_TOKEN" in caught.value.hint
    assert "190/460" in caught.value.detail


def test_contract_duplicate_text_is_rejected(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    adapter.publish(post("Одинаковый текст"), "k1")

    with pytest.raises(Rejected) as caught:
        adapter.publish(post("Одинаковый текст"), "k2")

    assert "506" in caught.value.detail


# -- comments, moderation, replies: exact requests ------------------------------------------------

POST_ID = f"{PAGE}_500"
COMMENT_QUERY = {
    "filter": "stream",
    "order": "chronological",
    "fields": "id,message,created_time,from,parent{id},is_hidden,permalink_url",
    "limit": "100",
}


def graph_comment(
    number: int, text: str, author: str | None = "77", minute: int = 0, **fields: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"500_{number}",
        "message": text,
        "created_time": f"2026-12-01T10:{minute:02d}:00+0000",
        "is_hidden": False,
        **fields,
    }
    if author is not None:
        item["from"] = {"id": author, "name": f"Житель {author}"}
    return item


def citizen_comment(comment_id: str = "500_1", author: str = "77", parent: str = "") -> Comment:
    return Comment("facebook", comment_id, "текст", author, post_id=POST_ID, parent_id=parent)


def test_comments_read_every_page_oldest_first_without_the_pages_own(clock: FakeClock) -> None:
    first = {
        "data": [
            graph_comment(1, "Первый", minute=1, permalink_url="https://www.facebook.com/x/1"),
            graph_comment(2, "Ответ страницы", author=PAGE, minute=2),
        ],
        "paging": {"cursors": {"before": "b1", "after": "a1"}, "next": f"{GRAPH}/next"},
    }
    last = {
        "data": [
            graph_comment(3, "Ответ жителя", minute=3, parent={"id": "500_1"}, is_hidden=True),
            graph_comment(4, "Без автора", author=None, minute=4),
        ],
        "paging": {"cursors": {"before": "b2", "after": "a2"}},  # no next: the last page
    }
    recorder = Scripted(ok(first), ok(last))
    adapter = mock_adapter(recorder, clock)

    comments = adapter.comments(RemoteRef("facebook", POST_ID))

    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("GET", f"/v25.0/{POST_ID}/comments")
    ] * 2
    assert query_of(recorder.requests[0]) == COMMENT_QUERY
    assert query_of(recorder.requests[1]) == {**COMMENT_QUERY, "after": "a1"}
    for request in recorder.requests:
        assert_authorized(request)
    assert [c.id for c in comments] == ["500_1", "500_3", "500_4"]
    top, reply, anonymous = comments
    assert (top.network, top.text, top.author_id, top.author_name) == (
        "facebook",
        "Первый",
        "77",
        "Житель 77",
    )
    assert (top.post_id, top.parent_id, top.url) == (POST_ID, "", "https://www.facebook.com/x/1")
    assert top.created_at == datetime(2026, 12, 1, 10, 1, tzinfo=UTC)
    assert top.created_at is not None and top.created_at.tzinfo is UTC
    assert (reply.parent_id, reply.extra["hidden"]) == ("500_1", True)
    assert reply.url == f"https://www.facebook.com/{POST_ID}?comment_id=3"
    assert (anonymous.author_id, anonymous.author_name) == ("", "")


def test_comments_since_is_sent_and_applied_strictly(clock: FakeClock) -> None:
    since = datetime(2026, 12, 1, 10, 2, 30, tzinfo=UTC)
    page = {
        "data": [graph_comment(1, "ровно тогда", minute=2), graph_comment(2, "позже", minute=3)]
    }
    recorder = Scripted(ok(page))
    adapter = mock_adapter(recorder, clock)

    comments = adapter.comments(RemoteRef("facebook", POST_ID), since)

    assert query_of(recorder.requests[0]) == {**COMMENT_QUERY, "since": str(int(since.timestamp()))}
    assert [c.text for c in comments] == ["позже"]


def test_comments_reading_is_bounded(clock: FakeClock) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        number = len(recorder.requests)
        return ok(
            {
                "data": [graph_comment(number, "спам")],
                "paging": {"cursors": {"after": f"a{number}"}, "next": f"{GRAPH}/next"},
            }
        )

    recorder = Scripted(*([endless] * 20))
    adapter = mock_adapter(recorder, clock)

    comments = adapter.comments(RemoteRef("facebook", POST_ID))

    assert len(recorder.requests) == 10  # 1000 comments at 100 a page
    assert len(comments) == 10


def test_delete_and_hide_a_comment_and_gone_is_fine(clock: FakeClock) -> None:
    gone = graph_error(100, error_subcode=33, type="GraphMethodException")
    recorder = Scripted(ok({"success": True}), ok({"success": True}), gone, gone)
    adapter = mock_adapter(recorder, clock)

    adapter.hide_comment(citizen_comment())
    adapter.delete_comment(citizen_comment())
    adapter.hide_comment(citizen_comment())
    adapter.delete_comment(citizen_comment())

    hide, delete = recorder.requests[:2]
    assert (hide.method, str(hide.url)) == ("POST", f"{GRAPH}/500_1")
    assert form_of(hide)[0] == {"is_hidden": "true"}
    assert (delete.method, str(delete.url), delete.content) == ("DELETE", f"{GRAPH}/500_1", b"")
    for request in recorder.requests:
        assert_authorized(request)


def test_ban_blocks_the_author_on_the_page_for_good(clock: FakeClock) -> None:
    recorder = Scripted(ok({"77": True}), ok({"success": True}))
    adapter = mock_adapter(recorder, clock)

    adapter.ban(citizen_comment(), None)
    adapter.unban("77")

    block, unblock = recorder.requests
    assert (block.method, str(block.url)) == ("POST", f"{GRAPH}/{PAGE}/blocked")
    assert form_of(block)[0] == {"user": "77"}
    assert (unblock.method, unblock.url.path) == ("DELETE", f"/v25.0/{PAGE}/blocked")
    assert query_of(unblock) == {"user": "77"}
    assert adapter.capabilities.ban and adapter.capabilities.max_ban_days == 0


def test_ban_refuses_a_date_an_unknown_author_and_a_refusal(clock: FakeClock) -> None:
    recorder = Scripted(ok({"77": False}))
    adapter = mock_adapter(recorder, clock)

    with pytest.raises(Rejected):
        adapter.ban(citizen_comment(), datetime(2026, 12, 8, tzinfo=UTC))
    with pytest.raises(Rejected) as anonymous:
        adapter.ban(citizen_comment(author=""), None)
    assert len(recorder.requests) == 0
    with pytest.raises(Rejected):
        adapter.ban(citizen_comment(), None)

    assert "pages_read_user_engagement" in anonymous.value.hint
    assert "FB_TOKEN" in anonymous.value.hint


def test_reply_answers_as_the_page_in_the_comments_thread(clock: FakeClock) -> None:
    recorder = Scripted(ok({"id": "500_9"}), ok({"id": "500_10"}))
    adapter = mock_adapter(recorder, clock)

    ref = adapter.reply(citizen_comment(), "Спасибо, передали в службу.")
    nested = adapter.reply(citizen_comment("500_3", parent="500_1"), "И вам ответ")

    first, second = recorder.requests
    assert (first.method, str(first.url)) == ("POST", f"{GRAPH}/500_1/comments")
    assert form_of(first)[0] == {"message": "Спасибо, передали в службу."}
    assert_authorized(first)
    assert str(second.url) == f"{GRAPH}/500_1/comments"  # one level deep: the top comment
    assert (ref.network, ref.remote_id, ref.parts) == ("facebook", "500_9", ("500_9",))
    assert ref.url == f"https://www.facebook.com/{POST_ID}?comment_id=9"
    assert ref.published_at == clock.now()
    assert nested.remote_id == "500_10"


def test_reply_over_the_limit_is_refused_and_a_lost_answer_is_not_resent(
    clock: FakeClock,
) -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("answer lost", request=request)

    recorder = Scripted(lost)
    adapter = mock_adapter(recorder, clock)

    with pytest.raises(Rejected):
        adapter.reply(citizen_comment(), "x" * (COMMENT_LIMIT + 1))
    assert recorder.requests == []
    with pytest.raises(Transient) as caught:
        adapter.reply(citizen_comment(), "ответ")

    assert caught.value.uncertain
    assert len(recorder.requests) == 1


def image(tmp_path: Path, name: str, width: int, height: int) -> Media:
    path = tmp_path / name
    path.write_bytes(jpeg_bytes(width, height))
    return Media(path, name, "photo", size=path.stat().st_size, width=width, height=height)


def test_set_profile_sends_every_field_the_api_takes(clock: FakeClock, tmp_path: Path) -> None:
    recorder = Scripted(
        ok({"success": True}),
        ok({"id": "701"}),
        ok({"success": True}),
        ok({"id": "702"}),
        ok({"success": True}),
    )
    adapter = mock_adapter(recorder, clock)
    avatar = image(tmp_path, "avatar.jpg", 720, 720)
    cover = image(tmp_path, "cover.jpg", 1640, 624)
    profile = Profile(
        "facebook",
        title="Администрация",
        description="Официальная страница администрации.",
        website="https://adm.example.ru",
        avatar=avatar,
        cover=cover,
    )

    done = adapter.set_profile(profile)

    info, avatar_upload, picture, cover_upload, cover_set = recorder.requests
    assert (info.method, str(info.url)) == ("POST", f"{GRAPH}/{PAGE}")
    assert form_of(info)[0] == {
        "about": "Официальная страница администрации.",
        "description": "Официальная страница администрации.",
        "website": "https://adm.example.ru",
    }
    for upload, media in ((avatar_upload, avatar), (cover_upload, cover)):
        assert str(upload.url) == f"{GRAPH}/{PAGE}/photos"
        assert form_of(upload) == ({"published": "false"}, {"source": media.path.read_bytes()})
    assert str(picture.url) == f"{GRAPH}/{PAGE}/picture"
    assert form_of(picture)[0] == {"photo": "701"}
    assert str(cover_set.url) == f"{GRAPH}/{PAGE}"
    assert form_of(cover_set)[0] == {"cover": "702", "no_feed_story": "true"}
    for request in recorder.requests:
        assert_authorized(request)
        assert "Администрация" not in request.content.decode(errors="ignore")
    assert done == ("description", "website", "avatar", "cover")


def test_set_profile_sends_only_the_fields_given(clock: FakeClock) -> None:
    recorder = Scripted(ok({"success": True}))
    adapter = mock_adapter(recorder, clock)

    assert adapter.set_profile(Profile("facebook", title="Новое имя")) == ()
    assert adapter.set_profile(Profile("facebook", website="https://a.example")) == ("website",)

    (request,) = recorder.requests
    assert form_of(request)[0] == {"website": "https://a.example"}
    caps = adapter.capabilities
    assert caps.profile == frozenset({"description", "website", "avatar", "cover"})
    assert caps.settings_url.format(id=PAGE) == f"https://www.facebook.com/{PAGE}/settings"
    assert (caps.comments, caps.reply, caps.hide_comment, caps.delete_comment) == (True,) * 4
    assert (caps.messages, caps.restore_comment) == (False, False)


def test_set_profile_refuses_a_description_over_the_limit_before_any_call(
    clock: FakeClock,
) -> None:
    recorder = Scripted()
    adapter = mock_adapter(recorder, clock)

    with pytest.raises(Rejected) as caught:
        adapter.set_profile(Profile("facebook", description="я" * (ABOUT_LIMIT + 1)))

    assert str(ABOUT_LIMIT) in caught.value.detail and caught.value.hint
    assert recorder.requests == []


def test_a_refused_picture_removes_the_photo_uploaded_for_it(
    clock: FakeClock, tmp_path: Path
) -> None:
    recorder = Scripted(ok({"id": "701"}), graph_error(100), ok({"success": True}))
    adapter = mock_adapter(recorder, clock)

    with pytest.raises(Rejected):
        adapter.set_profile(Profile("facebook", avatar=image(tmp_path, "a.jpg", 720, 720)))

    cleanup = recorder.requests[-1]
    assert (cleanup.method, str(cleanup.url)) == ("DELETE", f"{GRAPH}/701")


@pytest.mark.parametrize(
    ("op", "call", "permission"),
    [
        (
            "comments",
            lambda a: a.comments(RemoteRef("facebook", POST_ID)),
            "pages_read_user_engagement",
        ),
        ("hide_comment", lambda a: a.hide_comment(citizen_comment()), "pages_manage_engagement"),
        (
            "delete_comment",
            lambda a: a.delete_comment(citizen_comment()),
            "pages_manage_engagement",
        ),
        ("reply", lambda a: a.reply(citizen_comment(), "ответ"), "pages_manage_engagement"),
        ("ban", lambda a: a.ban(citizen_comment(), None), "pages_manage_metadata"),
        (
            "set_profile",
            lambda a: a.set_profile(Profile("facebook", website="https://a.example")),
            "pages_manage_metadata",
        ),
    ],
)
def test_missing_permission_names_the_secret_and_the_permission(
    op: str, call: Callable[[FacebookAdapter], Any], permission: str, clock: FakeClock
) -> None:
    adapter = mock_adapter(Scripted(graph_error(200, status=403)), clock)

    with pytest.raises(AuthError) as caught:
        call(adapter)

    assert caught.value.op == op
    assert "FB_TOKEN" in caught.value.hint
    assert permission in caught.value.hint


def test_moderation_errors_expired_token_rate_limit_and_no_secret_in_text(
    clock: FakeClock,
) -> None:
    echo = {"message": f"bad token {TOKEN}", "code": 190, "error_subcode": 463}
    recorder = Scripted(
        httpx.Response(400, json={"error": echo}),
        graph_error(32),
        ok({"success": True}),
        httpx.Response(400, json={"error": {**echo, "code": 100}}),
    )
    adapter = mock_adapter(recorder, clock, app_secret=APP_SECRET)

    with pytest.raises(AuthError) as expired:
        adapter.comments(RemoteRef("facebook", POST_ID))
    before = clock.monotonic()
    adapter.hide_comment(citizen_comment())  # code 32: waited out, then done
    with pytest.raises(Rejected) as refused:
        adapter.reply(citizen_comment(), "ответ")

    assert clock.monotonic() - before == DEFAULT_RATE_WAIT
    assert "FB_TOKEN" in expired.value.hint
    for error in (expired.value, refused.value):
        text = f"{error} {error.detail} {error.hint} {error!r}"
        assert TOKEN not in text and APP_SECRET not in text


# -- comments, moderation, profile: contract with the emulator -------------------------------


def test_contract_citizen_comments_are_read_answered_hidden_deleted_and_banned(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    ref = adapter.publish(post("Ремонт дороги на Лесной"), "k")
    question = sandbox.add_comment("facebook", ref.remote_id, "Когда закончат?", "501", "Анна")
    clock.advance(60)
    insult = sandbox.add_comment("facebook", ref.remote_id, "Спам спам", "502", "Бот")

    first = adapter.comments(ref)
    answer = adapter.reply(first[0], "В пятницу.")
    clock.advance(60)
    follow_up = sandbox.add_comment(
        "facebook", ref.remote_id, "Спасибо!", "501", "Анна", reply_to=question
    )
    later = adapter.comments(ref, since=first[-1].created_at)

    assert [(c.id, c.text, c.author_id, c.author_name) for c in first] == [
        (question, "Когда закончат?", "501", "Анна"),
        (insult, "Спам спам", "502", "Бот"),
    ]
    assert [(c.id, c.parent_id) for c in later] == [(follow_up, question)]  # the answer is ours
    (shown,) = live_posts(sandbox)
    assert [(c["id"], c["reply_to"], c["from_account"]) for c in shown["comments"]] == [
        (question, "", False),
        (insult, "", False),
        (answer.remote_id, question, True),
        (follow_up, question, False),
    ]

    adapter.hide_comment(first[1])
    assert next(c for c in live_posts(sandbox)[0]["comments"] if c["id"] == insult)["hidden"]
    adapter.ban(first[1], None)
    adapter.delete_comment(first[1])
    adapter.delete_comment(first[1])  # already gone is fine
    adapter.hide_comment(first[1])

    assert insult not in [c["id"] for c in live_posts(sandbox)[0]["comments"]]
    assert sandbox.show()["facebook"]["banned"] == [{"user_id": "502", "until": None}]
    with pytest.raises(ValueError):
        sandbox.add_comment("facebook", ref.remote_id, "Снова спам", "502", "Бот")
    adapter.unban("502")
    sandbox.add_comment("facebook", ref.remote_id, "Исправился", "502", "Бот")


def test_contract_comments_of_a_video_post_and_every_page_of_them(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    ref = adapter.publish(post("Видео", sparse_video(tmp_path, MB)), "k")
    (shown,) = live_posts(sandbox)
    for number in range(105):
        sandbox.add_comment("facebook", shown["id"], f"комментарий {number}", str(600 + number))

    comments = adapter.comments(ref)

    assert len(comments) == 105
    assert comments[0].text == "комментарий 0" and comments[-1].text == "комментарий 104"
    assert all(c.post_id == ref.remote_id for c in comments)


def test_contract_unknown_authors_cannot_be_banned(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    emulator_of(sandbox).reveals_authors = False
    adapter = sandbox_adapter(sandbox, sandboxes, clock)
    ref = adapter.publish(post("Пост"), "k")
    sandbox.add_comment("facebook", ref.remote_id, "Текст", "501", "Анна")

    (comment,) = adapter.comments(ref)
    with pytest.raises(Rejected):
        adapter.ban(comment, None)

    assert comment.author_id == ""
    assert sandbox.show()["facebook"]["banned"] == []


def test_contract_set_profile_shows_on_the_page(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    secret = emulator_of(sandbox).app_secret
    adapter = sandbox_adapter(sandbox, sandboxes, clock, app_secret=secret)
    avatar = image(tmp_path, "avatar.jpg", 720, 720)
    cover = image(tmp_path, "cover.jpg", 1640, 624)
    profile = Profile(
        "facebook",
        title="Не меняется через API",
        description="Новости и объявления администрации.",
        website="https://adm.example.ru",
        avatar=avatar,
        cover=cover,
    )

    done = adapter.set_profile(profile)

    assert done == ("description", "website", "avatar", "cover")
    shown = sandbox.show()["facebook"]["profile"]
    assert shown["title"] == f"Страница {PAGE}"
    assert (shown["description"], shown["website"]) == (
        "Новости и объявления администрации.",
        "https://adm.example.ru",
    )
    for name, media in (("avatar", avatar), ("cover", cover)):
        assert sandbox.store.file_path(shown[name]).read_bytes() == media.path.read_bytes()
    assert live_posts(sandbox) == []  # the unpublished photos made no posts
    with pytest.raises(Rejected):
        adapter.set_profile(Profile("facebook", website="not a url"))
