"""The VK adapter: exact requests, error mapping, redaction, and contracts with its emulator."""

from __future__ import annotations

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
from publisher.errors import AuthError, ConfigError, NotFound, RateLimited, Rejected, Transient
from publisher.model import Media, MediaKind, Poll, RemoteRef, RenderedPost
from publisher.networks.base import FindResult, Tokens
from publisher.networks.vk import VkAdapter
from publisher.redact import Secret
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import Faults

API = "https://api.vk.com/method/"
TOKEN = "vk1.a.user-token-0123456789abcdef"
COMMUNITY_TOKEN = "vk1.a.community-token-fedcba9876543210"
UPLOAD_URL = "https://pu.vk.com/c851130/upload.php?act=do_add&gid=123&upload=t1"
MB = 1024 * 1024

Answer = Any


class FakeVk:
    """A MockTransport handler: canned answers per VK method (or upload host), every request kept.

    Upload bodies are streamed chunk by chunk, as a socket would read them, and the chunk sizes
    are recorded, so tests can tell that a file was never read into memory whole.
    """

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = {
            key: list(value) if isinstance(value, list) else value for key, value in answers.items()
        }
        self.requests: list[httpx.Request] = []
        self.chunks: dict[str, list[int]] = {}
        self.uploads: list[bytes] = []

    @staticmethod
    def name_of(request: httpx.Request) -> str:
        if request.url.host == "api.vk.com":
            return request.url.path.rsplit("/", 1)[-1]
        return request.url.host

    def handle(self, request: httpx.Request) -> httpx.Response:
        name = self.name_of(request)
        if request.url.host == "api.vk.com":
            request.read()
        else:
            self._stream_upload(name, request)
        self.requests.append(request)
        answer = self.answers[name]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if callable(answer):
            answer = answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)

    def _stream_upload(self, name: str, request: httpx.Request) -> None:
        """Read an upload body chunk by chunk; keep its start for assertions."""
        head = bytearray()
        assert isinstance(request.stream, httpx.SyncByteStream)
        for chunk in request.stream:
            self.chunks.setdefault(name, []).append(len(chunk))
            if len(head) < 256 * 1024:
                head += chunk
        self.uploads.append(bytes(head))

    def calls(self) -> list[str]:
        return [self.name_of(request) for request in self.requests]

    def form(self, name: str, index: int = 0) -> dict[str, str]:
        matching = [r for r in self.requests if self.name_of(r) == name]
        return dict(parse_qsl(matching[index].content.decode(), keep_blank_values=True))

    def request(self, name: str, index: int = 0) -> httpx.Request:
        return [r for r in self.requests if self.name_of(r) == name][index]


class StreamingTransport(httpx.BaseTransport):
    """Like MockTransport, but the handler decides whether to read the body."""

    def __init__(self, fake: FakeVk) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.fake.handle(request)


def ok(payload: Any) -> dict[str, Any]:
    return {"response": payload}


def vk_error(
    code: int, message: str = "error", params: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {"error": {"error_code": code, "error_msg": message, "request_params": params or []}}


@pytest.fixture
def tokens() -> Tokens:
    return Tokens(
        Secret(TOKEN, "VK_TOKEN"), {"community": Secret(COMMUNITY_TOKEN, "VK_COMMUNITY_TOKEN")}
    )


@pytest.fixture
def adapter_for(clock: FakeClock, tokens: Tokens) -> Iterator[Callable[[FakeVk], VkAdapter]]:
    clients: list[httpx.Client] = []

    def build(fake: FakeVk) -> VkAdapter:
        client = httpx.Client(transport=StreamingTransport(fake))
        clients.append(client)
        account = make_account("vk", account_id="123", token_env="VK_TOKEN")
        return VkAdapter(account, tokens, client, clock=clock)

    yield build
    for client in clients:
        client.close()


def photo_file(tmp_path: Path, name: str = "a.jpg", size: tuple[int, int] = (40, 30)) -> Media:
    path = tmp_path / name
    Image.new("RGB", size, "red").save(path)
    fmt = {".gif": "GIF", ".png": "PNG"}.get(path.suffix, "JPEG")
    kind: MediaKind = "animation" if fmt == "GIF" else "photo"
    return Media(
        path,
        name,
        kind,
        alt=f"alt {name}",
        size=path.stat().st_size,
        width=size[0],
        height=size[1],
        image_format=fmt,
    )


def video_file(tmp_path: Path, megabytes: int = 5) -> Media:
    path = tmp_path / "clip.mp4"
    with open(path, "wb") as handle:
        handle.truncate(megabytes * MB)  # sparse: a few MB on paper, nothing on disk
    return Media(path, "clip.mp4", "video", alt="Clip", size=megabytes * MB)


def rendered(text: str = "Привет, город!", **fields: Any) -> RenderedPost:
    return RenderedPost("post-1", "vk", (text,), **fields)


def assert_api_call(request: httpx.Request, method: str) -> None:
    assert request.method == "POST"
    assert str(request.url) == API + method
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert TOKEN not in str(request.url)
    assert TOKEN not in request.content.decode()


# -- exact requests ------------------------------------------------------------------------


def test_publish_text_posts_to_the_community_wall(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"wall.post": ok({"post_id": 42})})
    ref = adapter_for(fake).publish(rendered(), "a1b2c3")

    assert fake.calls() == ["wall.post"]
    assert_api_call(fake.requests[0], "wall.post")
    assert fake.form("wall.post") == {
        "owner_id": "-123",
        "from_group": "1",
        "message": "Привет, город!",
        "guid": "a1b2c3",
        "v": "5.199",
    }
    assert ref == RemoteRef(
        "vk", "42", "https://vk.com/wall-123_42", ("42",), clock.now(), {"attachments": []}
    )


def test_publish_options_silent_close_comments_and_link(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk({"wall.post": ok({"post_id": 7})})
    options = {"silent": True, "close_comments": True, "link": "https://city.ru/news/1", "x": 1}
    ref = adapter_for(fake).publish(rendered(options=options), "k")

    form = fake.form("wall.post")
    assert form["mute_notifications"] == "1"
    assert form["close_comments"] == "1"
    assert form["attachments"] == "https://city.ru/news/1"
    assert ref.extra == {"attachments": ["https://city.ru/news/1"]}


def test_publish_photos_uploads_each_to_the_wall_server(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    saved = iter([1, 2])
    fake = FakeVk(
        {
            "photos.getWallUploadServer": ok(
                {"upload_url": UPLOAD_URL, "album_id": -14, "user_id": 5}
            ),
            "pu.vk.com": {"server": 851130, "photo": '[{"photo":"f1"}]', "hash": "h1"},
            "photos.saveWallPhoto": lambda _: ok([{"id": next(saved), "owner_id": -123}]),
            "wall.post": ok({"post_id": 43}),
        }
    )
    media = (photo_file(tmp_path, "a.jpg"), photo_file(tmp_path, "b.png"))
    ref = adapter_for(fake).publish(rendered(media=media), "k")

    assert fake.calls() == [
        "photos.getWallUploadServer",
        "pu.vk.com",
        "photos.saveWallPhoto",
        "pu.vk.com",
        "photos.saveWallPhoto",
        "wall.post",
    ]
    assert fake.form("photos.getWallUploadServer") == {"group_id": "123", "v": "5.199"}
    upload = fake.request("pu.vk.com")
    assert str(upload.url) == UPLOAD_URL
    assert "Authorization" not in upload.headers  # the upload URL is signed; no token there
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert fake.form("photos.saveWallPhoto") == {
        "group_id": "123",
        "photo": '[{"photo":"f1"}]',
        "server": "851130",
        "hash": "h1",
        "caption": "alt a.jpg",
        "v": "5.199",
    }
    assert fake.form("wall.post")["attachments"] == "photo-123_1,photo-123_2"
    assert ref.extra == {"attachments": ["photo-123_1", "photo-123_2"]}


def test_photo_upload_sends_field_photo_with_the_file(
    tmp_path: Path, adapter_for: Callable[[FakeVk], VkAdapter]
) -> None:
    fake = FakeVk(
        {
            "photos.getWallUploadServer": ok({"upload_url": UPLOAD_URL}),
            "pu.vk.com": {"server": 1, "photo": '[{"photo":"f"}]', "hash": "h"},
            "photos.saveWallPhoto": ok([{"id": 9, "owner_id": -123, "access_key": "ak"}]),
            "wall.post": ok({"post_id": 1}),
        }
    )
    media = photo_file(tmp_path)
    adapter_for(fake).publish(rendered(media=(media,)), "k")

    [body] = fake.uploads
    assert b'Content-Disposition: form-data; name="photo"; filename="a.jpg"' in body
    assert b"Content-Type: image/jpeg" in body
    assert media.path.read_bytes() in body
    assert fake.form("wall.post")["attachments"] == "photo-123_9_ak"


def test_an_empty_photo_upload_is_rejected(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    fake = FakeVk(
        {
            "photos.getWallUploadServer": ok({"upload_url": UPLOAD_URL}),
            "pu.vk.com": {"server": 1, "photo": "[]", "hash": "h"},
        }
    )
    with pytest.raises(Rejected, match=r"a\.jpg"):
        adapter_for(fake).publish(rendered(media=(photo_file(tmp_path),)), "k")
    assert "wall.post" not in fake.calls()


def test_publish_video_saves_then_streams_the_file_in_chunks(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    video_url = "https://vu.vk.com/upload.php?act=add_video&vid=7&upload=t"
    fake = FakeVk(
        {
            "video.save": ok(
                {"upload_url": video_url, "video_id": 7, "owner_id": -123, "access_key": "x"}
            ),
            "vu.vk.com": {"video_hash": "abc", "size": 5 * MB, "owner_id": -123, "video_id": 7},
            "wall.post": ok({"post_id": 44}),
        }
    )
    ref = adapter_for(fake).publish(rendered(media=(video_file(tmp_path),), title="Title"), "k")

    assert fake.calls() == ["video.save", "vu.vk.com", "wall.post"]
    assert fake.form("video.save") == {"group_id": "123", "name": "Clip", "v": "5.199"}
    upload = fake.request("vu.vk.com")
    assert str(upload.url) == video_url
    assert "Authorization" not in upload.headers
    chunks = fake.chunks["vu.vk.com"]
    assert sum(chunks) > 5 * MB  # the whole file went out ...
    assert max(chunks) <= 64 * 1024  # ... a chunk at a time, never read whole
    assert fake.form("wall.post")["attachments"] == "video-123_7"
    assert ref.extra["attachments"] == ["video-123_7"]


def test_video_multipart_field_is_video_file(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    fake = FakeVk(
        {
            "video.save": ok(
                {
                    "upload_url": "https://vu.vk.com/upload.php?upload=t",
                    "video_id": 7,
                    "owner_id": -123,
                }
            ),
            "vu.vk.com": {"video_hash": "h", "size": 1, "owner_id": -123, "video_id": 7},
            "wall.post": ok({"post_id": 1}),
        }
    )
    adapter_for(fake).publish(rendered(media=(video_file(tmp_path, 1),)), "k")
    assert b'name="video_file"; filename="clip.mp4"' in fake.uploads[0]
    assert b"Content-Type: video/mp4" in fake.uploads[0]


def test_publish_gif_goes_up_as_a_wall_document(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    doc_url = "https://pu.vk.com/c851130/upload_doc.php?act=add_doc&upload=t"
    fake = FakeVk(
        {
            "docs.getWallUploadServer": ok({"upload_url": doc_url}),
            "pu.vk.com": {"file": "-123|f|sig"},
            "docs.save": ok({"type": "doc", "doc": {"id": 9, "owner_id": -123}}),
            "wall.post": ok({"post_id": 45}),
        }
    )
    adapter_for(fake).publish(rendered(media=(photo_file(tmp_path, "b.gif"),)), "k")

    assert fake.calls() == ["docs.getWallUploadServer", "pu.vk.com", "docs.save", "wall.post"]
    assert fake.form("docs.getWallUploadServer") == {"group_id": "123", "v": "5.199"}
    assert str(fake.request("pu.vk.com").url) == doc_url
    assert b'name="file"; filename="b.gif"' in fake.uploads[0]
    assert fake.form("docs.save") == {"file": "-123|f|sig", "title": "b.gif", "v": "5.199"}
    assert fake.form("wall.post")["attachments"] == "doc-123_9"


def test_publish_poll_creates_it_on_the_community_and_attaches_it(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk(
        {
            "polls.create": ok({"id": 5, "owner_id": -123, "question": "Q", "answers": []}),
            "wall.post": ok({"post_id": 46}),
        }
    )
    poll = Poll("Где поставить каток?", ("У школы", "В парке"), multiple=True)
    adapter_for(fake).publish(rendered(poll=poll, options={"link": "https://x.ru"}), "k")

    assert fake.calls() == ["polls.create", "wall.post"]
    assert_api_call(fake.request("polls.create"), "polls.create")
    assert fake.form("polls.create") == {
        "owner_id": "-123",
        "question": "Где поставить каток?",
        "add_answers": '["У школы", "В парке"]',
        "is_multiple": "1",
        "v": "5.199",
    }
    assert fake.form("wall.post")["attachments"] == "poll-123_5,https://x.ru"


def test_update_resends_the_stored_attachments(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"wall.edit": ok({"post_id": 42})})
    ref = RemoteRef(
        "vk",
        "42",
        "https://vk.com/wall-123_42",
        ("42",),
        clock.now(),
        {"attachments": ["photo-123_1", "poll-123_5"]},
    )
    new = adapter_for(fake).update(ref, rendered("Исправленный текст"))

    assert_api_call(fake.requests[0], "wall.edit")
    assert fake.form("wall.edit") == {
        "owner_id": "-123",
        "post_id": "42",
        "message": "Исправленный текст",
        "attachments": "photo-123_1,poll-123_5",
        "v": "5.199",
    }
    assert new == ref


def test_update_without_stored_attachments_reads_them_first(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    item = {
        "id": 42,
        "text": "old",
        "attachments": [
            {"type": "photo", "photo": {"id": 1, "owner_id": -123}},
            {"type": "link", "link": {"url": "https://x.ru"}},
        ],
    }
    fake = FakeVk({"wall.getById": ok({"items": [item]}), "wall.edit": ok({"post_id": 42})})
    adapter_for(fake).update(RemoteRef("vk", "42"), rendered("new"))

    assert fake.calls() == ["wall.getById", "wall.edit"]
    assert fake.form("wall.getById") == {"posts": "-123_42", "v": "5.199"}
    assert fake.form("wall.edit")["attachments"] == "photo-123_1,https://x.ru"


def test_delete_removes_the_post_and_accepts_one_already_gone(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk({"wall.delete": [ok(1), vk_error(104, "Not found")]})
    adapter = adapter_for(fake)
    adapter.delete(RemoteRef("vk", "42", parts=("42",)))
    adapter.delete(RemoteRef("vk", "42", parts=("42",)))

    assert_api_call(fake.requests[0], "wall.delete")
    assert fake.form("wall.delete") == {"owner_id": "-123", "post_id": "42", "v": "5.199"}
    assert len(fake.requests) == 2


def test_find_matches_a_recent_post_by_text_and_attachments(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    items = [
        {"id": 50, "date": 1_800_000_000, "text": "другой", "attachments": []},
        {
            "id": 49,
            "date": 1_800_000_000,
            "text": "Привет, город!",
            "attachments": [
                {"type": "poll", "poll": {"id": 5, "owner_id": -123}},
            ],
        },
    ]
    fake = FakeVk({"wall.get": ok({"count": 2, "items": items})})
    post = rendered(poll=Poll("Q", ("a", "b")))
    found = adapter_for(fake).find("key", post)

    assert fake.form("wall.get") == {"owner_id": "-123", "count": "20", "v": "5.199"}
    assert isinstance(found, RemoteRef)
    assert (found.remote_id, found.url) == ("49", "https://vk.com/wall-123_49")
    assert found.extra == {"attachments": ["poll-123_5"]}
    assert adapter_for(fake).find("key", rendered("нет такого")) is FindResult.ABSENT


def test_verify_checks_that_the_user_administers_the_community(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    group = {"id": 123, "name": "Администрация", "screen_name": "adm_city", "is_admin": 1}
    fake = FakeVk({"groups.getById": ok({"groups": [group], "profiles": []})})
    info = adapter_for(fake).verify()

    assert fake.form("groups.getById") == {
        "group_id": "123",
        "fields": "is_admin,admin_level",
        "v": "5.199",
    }
    assert (info.name, info.id, info.url) == ("Администрация", "123", "https://vk.com/adm_city")

    fake = FakeVk({"groups.getById": ok({"groups": [{**group, "is_admin": 0}], "profiles": []})})
    with pytest.raises(AuthError) as caught:
        adapter_for(fake).verify()
    assert "VK_TOKEN" in caught.value.hint


@pytest.mark.parametrize("raw", ["123", "-123", "club123", "public123"])
def test_account_id_forms(raw: str, tokens: Tokens) -> None:
    account = make_account("vk", account_id=raw)
    with httpx.Client() as client:
        assert VkAdapter(account, tokens, client).owner_id == "-123"


def test_account_id_must_be_a_number(tokens: Tokens) -> None:
    with httpx.Client() as client, pytest.raises(ConfigError):
        VkAdapter(make_account("vk", account_id="gorod"), tokens, client)


# -- error mapping -------------------------------------------------------------------------

ERRORS = [
    (1, Transient, None),
    (10, Transient, None),
    (5, AuthError, None),
    (7, AuthError, None),
    (15, AuthError, None),
    (17, AuthError, None),
    (14, AuthError, None),
    (703, AuthError, None),
    (210, AuthError, None),
    (27, AuthError, None),
    (6, RateLimited, 1.0),
    (9, RateLimited, 600.0),
    (29, RateLimited, 12 * 3600.0),  # the fake clock is at 12:00 in Moscow
    (8, Rejected, None),
    (100, Rejected, None),
    (214, Rejected, None),
    (219, Rejected, None),
    (222, Rejected, None),
    (104, NotFound, None),
    (113, NotFound, None),
    (125, NotFound, None),
]


@pytest.mark.parametrize(("code", "expected", "wait"), ERRORS)
def test_vk_error_codes_map_to_our_errors(
    adapter_for: Callable[[FakeVk], VkAdapter],
    code: int,
    expected: type[Exception],
    wait: float | None,
) -> None:
    adapter = adapter_for(FakeVk({}))
    response = httpx.Response(200, json=vk_error(code, "message"))
    with pytest.raises(expected) as caught:
        adapter._unwrap(response, "wall.post")
    assert f"VK error {code}" in str(caught.value)
    if wait is not None:
        assert isinstance(caught.value, RateLimited)
        assert caught.value.retry_after == wait


def test_wrong_token_type_hint_asks_for_a_user_token(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    adapter = adapter_for(FakeVk({}))
    with pytest.raises(AuthError) as caught:
        adapter._unwrap(
            httpx.Response(200, json=vk_error(27, "Group authorization failed")), "wall.post"
        )
    assert "VK_TOKEN" in caught.value.hint
    assert "пользовательский токен" in caught.value.hint


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(500, text="<html>nginx</html>"), Transient),
        (httpx.Response(502), Transient),
        (httpx.Response(429, headers={"Retry-After": "7"}), RateLimited),
        (httpx.Response(413, text="too large"), Rejected),
        (httpx.Response(200, text="<html>not json</html>"), Transient),
        (httpx.Response(200, json={"error": "ERR_UPLOAD_BAD_IMAGE", "error_code": 1}), Rejected),
    ],
)
def test_http_level_and_upload_errors(
    adapter_for: Callable[[FakeVk], VkAdapter], response: httpx.Response, expected: type[Exception]
) -> None:
    with pytest.raises(expected):
        adapter_for(FakeVk({}))._unwrap(response, "photos.upload")


def test_a_429_waits_as_long_as_asked(adapter_for: Callable[[FakeVk], VkAdapter]) -> None:
    with pytest.raises(RateLimited) as caught:
        adapter_for(FakeVk({}))._unwrap(httpx.Response(429, headers={"Retry-After": "7"}), "x")
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize("code", [code for code, _, _ in ERRORS])
def test_no_token_in_any_error(adapter_for: Callable[[FakeVk], VkAdapter], code: int) -> None:
    echoed = [
        {"key": "access_token", "value": TOKEN},
        {"key": "oauth", "value": "1"},
        {"key": "method", "value": "wall.post"},
    ]
    body = vk_error(code, f"failed for access_token={TOKEN} and {COMMUNITY_TOKEN}", echoed)
    with pytest.raises(Exception) as caught:
        adapter_for(FakeVk({}))._unwrap(httpx.Response(200, json=body), "wall.post")
    error = caught.value
    for text in (str(error), repr(error), getattr(error, "detail", ""), getattr(error, "hint", "")):
        assert TOKEN not in text
        assert COMMUNITY_TOKEN not in text


def test_error_6_is_retried_after_a_second(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"wall.post": [vk_error(6, "Too many requests per second"), ok({"post_id": 1})]})
    ref = adapter_for(fake).publish(rendered(), "k")
    assert ref.remote_id == "1"
    assert fake.calls() == ["wall.post", "wall.post"]
    assert clock.monotonic() == 1.0


def test_a_lost_wall_post_answer_is_uncertain_and_not_retried(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("answer lost", request=request)

    fake = FakeVk({"wall.post": lost})
    with pytest.raises(Transient) as caught:
        adapter_for(fake).publish(rendered(), "k")
    assert caught.value.uncertain
    assert fake.calls() == ["wall.post"]


# -- contracts with the emulator -----------------------------------------------------------


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox("vk")


@pytest.fixture
def on_sandbox(
    sandbox: Sandbox,
    sandbox_http: Callable[[Sandbox], httpx.Client],
    clock: FakeClock,
) -> Callable[..., VkAdapter]:
    def build(token: str = "sandbox-vk-main", sandbox: Sandbox = sandbox) -> VkAdapter:
        account = make_account("vk", account_id="123", token_env="VK_TOKEN")
        return VkAdapter(
            account, Tokens(Secret(token, "VK_TOKEN")), sandbox_http(sandbox), clock=clock
        )

    return build


def full_post(tmp_path: Path, text: str = "Новость дня") -> RenderedPost:
    media = (
        photo_file(tmp_path, "a.jpg"),
        photo_file(tmp_path, "b.png", (60, 40)),
        video_file(tmp_path, 3),
        photo_file(tmp_path, "c.gif"),
    )
    return rendered(
        text,
        media=media,
        poll=Poll("Вопрос?", ("Да", "Нет")),
        options={"link": "https://city.ru/", "silent": True},
    )


def test_contract_publish_update_delete(
    on_sandbox: Callable[..., VkAdapter], sandbox: Sandbox, tmp_path: Path
) -> None:
    adapter = on_sandbox()
    assert adapter.verify().id == "123"
    post = full_post(tmp_path)
    ref = adapter.publish(post, "key-1")

    [view] = sandbox.show()["vk"]["posts"]
    assert (view["id"], view["url"], view["text"]) == (ref.remote_id, ref.url, "Новость дня")
    assert [m["type"] for m in view["media"]] == ["photo", "photo", "video", "doc"]
    assert view["poll"] == {"question": "Вопрос?", "options": ["Да", "Нет"], "multiple": False}
    assert view["link"] == "https://city.ru/"
    assert view["silent"] is True
    video = sandbox.store.file_path(view["media"][2]["file"])
    assert video.stat().st_size == 3 * MB

    adapter.update(ref, rendered("Исправлено", media=post.media, poll=post.poll))
    [view] = sandbox.show()["vk"]["posts"]
    assert view["text"] == "Исправлено"
    assert len(view["media"]) == 4 and view["poll"] is not None and view["link"]

    adapter.delete(ref)
    assert sandbox.show()["vk"]["posts"] == []
    adapter.delete(ref)  # already gone: fine


def test_contract_same_key_gives_the_same_post(
    on_sandbox: Callable[..., VkAdapter], sandbox: Sandbox
) -> None:
    adapter = on_sandbox()
    first = adapter.publish(rendered(), "same-key")
    again = adapter.publish(rendered(), "same-key")
    assert first.remote_id == again.remote_id
    assert len(sandbox.show()["vk"]["posts"]) == 1


def test_contract_find_after_a_crash(on_sandbox: Callable[..., VkAdapter], tmp_path: Path) -> None:
    adapter = on_sandbox()
    post = rendered(media=(photo_file(tmp_path),))
    ref = adapter.publish(post, "k")
    found = adapter.find("k", post)
    assert isinstance(found, RemoteRef)
    assert (found.remote_id, found.url, found.extra) == (ref.remote_id, ref.url, ref.extra)
    assert adapter.find("k", rendered("Другой текст")) is FindResult.ABSENT


def test_contract_community_token_cannot_publish(
    on_sandbox: Callable[..., VkAdapter], sandbox: Sandbox
) -> None:
    adapter = on_sandbox("sandbox-vk-community")
    with pytest.raises(AuthError) as caught:
        adapter.publish(rendered(), "k")
    assert "VK error 27" in caught.value.detail
    assert "пользовательский токен" in caught.value.hint
    with pytest.raises(AuthError):
        adapter.verify()
    assert sandbox.show()["vk"]["posts"] == []


def test_contract_revoked_token(on_sandbox: Callable[..., VkAdapter], sandbox: Sandbox) -> None:
    revoke_token(sandbox.store, "sandbox-vk-main")
    with pytest.raises(AuthError) as caught:
        on_sandbox().verify()
    assert "VK_TOKEN" in caught.value.hint
    assert "VK error 5" in caught.value.detail


def test_contract_rate_limit_reply_then_success(
    on_sandbox: Callable[..., VkAdapter], sandbox: Sandbox, clock: FakeClock, tmp_path: Path
) -> None:
    # three photos = 1 + 3x2 API calls + wall.post in one instant: over VK's 3 per second
    media = tuple(photo_file(tmp_path, f"{i}.jpg") for i in range(3))
    ref = on_sandbox().publish(rendered(media=media), "k")
    assert clock.monotonic() >= 1.0  # waited after error 6
    assert len(sandbox.show()["vk"]["posts"][0]["media"]) == 3
    assert ref.extra["attachments"][0].startswith("photo-123_")


class ScriptedFaults(Faults):
    """Faults that fail the first requests as scripted, then none."""

    def __init__(self, script: list[str | None]) -> None:
        super().__init__()
        self.script = list(script)

    def draw(self, network: str) -> str | None:
        return self.script.pop(0) if self.script else None


def test_contract_injected_faults_are_retried(
    make_sandbox: Callable[..., Sandbox], on_sandbox: Callable[..., VkAdapter], clock: FakeClock
) -> None:
    faulty = make_sandbox("vk", faults=ScriptedFaults(["rate429", "error500"]))
    ref = on_sandbox(sandbox=faulty).publish(rendered(), "k")
    assert ref.remote_id == faulty.show()["vk"]["posts"][0]["id"]
    assert clock.monotonic() == pytest.approx(3.0)  # 1 s after error 6, then 2 s backoff (500)


def test_contract_error_body_from_the_emulator_is_redacted(
    on_sandbox: Callable[..., VkAdapter], sandbox: Sandbox
) -> None:
    # the emulator echoes request_params; the adapter must not surface them
    with pytest.raises(Rejected) as caught:
        on_sandbox().publish(rendered(""), "k")  # no message, no attachments: error 100
    assert "sandbox-vk-main" not in str(caught.value)
    assert json.dumps(sandbox.show()["vk"]["posts"]) == "[]"
