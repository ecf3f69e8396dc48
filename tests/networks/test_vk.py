"""The VK adapter: exact requests, error mapping, redaction, and contracts with its emulator."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import Sandboxes, Scripted, Sent, jpeg_bytes, make_account
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.core.errors import AuthError, ConfigError, NotFound, RateLimited, Rejected, Transient
from publisher.core.model import Comment, Media, MediaKind, Poll, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks import vk as vk_module
from publisher.networks.base import FindResult, Tokens
from publisher.networks.vk import VkAdapter
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import Faults
from publisher.sandbox.vk import register_community_token

API = "https://api.vk.com/method/"
TOKEN = "vk1.a.user-token-0123456789abcdef"  # pragma: allowlist secret
COMMUNITY_TOKEN = "vk1.a.community-token-fedcba9876543210"  # pragma: allowlist secret
UPLOAD_URL = "https://pu.vk.com/c851130/upload.php?act=do_add&gid=123&upload=t1"
MB = 1024 * 1024

Answer = Any


class FakeVk(Scripted):
    """The scripted network, with answers per VK method (or upload host) and readers by name.

    Upload bodies are streamed chunk by chunk, as a socket would read them, and the chunk sizes
    are recorded, so tests can tell that a file was never read into memory whole.
    """

    def __init__(self, answers: dict[str, Answer]) -> None:
        super().__init__()
        for name, answer in answers.items():
            queue = answer if isinstance(answer, list) else [answer]
            self.on(None, rf"/method/{re.escape(name)}|//{re.escape(name)}/.*", *queue)

    @staticmethod
    def name_of(request: httpx.Request) -> str:
        if request.url.host == "api.vk.com":
            return request.url.path.rsplit("/", 1)[-1]
        return request.url.host

    @property
    def chunks(self) -> dict[str, list[int]]:
        """The chunk sizes of the bodies each upload host received."""
        sizes: dict[str, list[int]] = {}
        for sent in self._uploads():
            sizes.setdefault(sent.request.url.host, []).extend(sent.chunks)
        return sizes

    @property
    def uploads(self) -> list[bytes]:
        """The start of every upload body, for assertions."""
        return [sent.body[: 256 * 1024] for sent in self._uploads()]

    def _uploads(self) -> list[Sent]:
        return [sent for sent in self.received if sent.request.url.host != "api.vk.com"]

    def calls(self) -> list[str]:
        return [self.name_of(request) for request in self.requests]

    def form(self, name: str, index: int = 0) -> dict[str, str]:
        return dict(parse_qsl(self.request(name, index).content.decode(), keep_blank_values=True))

    def request(self, name: str, index: int = 0) -> httpx.Request:
        return [r for r in self.requests if self.name_of(r) == name][index]


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
        client = httpx.Client(transport=fake)
        clients.append(client)
        account = make_account(
            "vk",
            account_id="123",
            token_env="VK_TOKEN",
            extra_token_envs={"community": "VK_COMMUNITY_TOKEN"},
        )
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


def test_vk_daily_post_limit_is_a_budget_until_midnight_in_moscow(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    """214 says "a limit on posts per day is reached": the rest waits for tomorrow's run."""
    adapter = adapter_for(FakeVk({}))
    message = "Access to adding post denied: a limit on posts per day is reached"
    response = httpx.Response(200, json=vk_error(214, message))
    with pytest.raises(RateLimited) as caught:
        adapter._unwrap(response, "wall.post")
    assert caught.value.retry_after == 12 * 3600.0  # the fake clock is at 12:00 in Moscow
    assert "50" in caught.value.hint


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
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("vk")


@pytest.fixture
def on_sandbox(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
) -> Callable[..., VkAdapter]:
    def build(token: str = "sandbox-vk-main", sandbox: Sandbox = sandbox) -> VkAdapter:
        account = make_account("vk", account_id="123", token_env="VK_TOKEN")
        return VkAdapter(
            account, Tokens(Secret(token, "VK_TOKEN")), sandboxes.client(sandbox), clock=clock
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
    sandboxes: Sandboxes, on_sandbox: Callable[..., VkAdapter], clock: FakeClock
) -> None:
    faulty = sandboxes("vk", faults=ScriptedFaults(["rate429", "error500"]))
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


# -- comments, moderation, replies and the profile: exact requests ---------------------------

POST = RemoteRef("vk", "42", "https://vk.com/wall-123_42", ("42",))
T0 = 1_764_579_600  # 2025-12-01 09:00 UTC


def form_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def vk_comment(cid: int, author: int = 555, **fields: Any) -> dict[str, Any]:
    base = {"id": cid, "from_id": author, "date": T0 + cid, "text": f"c{cid}", "post_id": 42}
    return {**base, "owner_id": -123, "parents_stack": [], **fields}


def citizen(cid: int, author: int = 555) -> Comment:
    return Comment("vk", str(cid), "text", str(author), post_id="42")


PEOPLE = {
    "profiles": [
        {"id": 555, "first_name": "Иван", "last_name": "Петров", "screen_name": "ivan"},
        {"id": 556, "first_name": "Мария", "last_name": "Ли"},
    ],
    "groups": [{"id": 77, "name": "Соседи", "screen_name": "sosedi"}],
}


def test_comments_read_every_page_and_long_threads(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    top = [vk_comment(i) for i in range(1, 101)]
    long_thread = {"count": 12, "items": [vk_comment(200, parents_stack=[101])]}
    rest = [
        vk_comment(101, 556, thread=long_thread),
        vk_comment(102, -123),  # the community's own answer: left out
        vk_comment(103, deleted=True, text=""),
        vk_comment(104, -77, thread={"count": 1, "items": [vk_comment(300, parents_stack=[104])]}),
    ]
    replies = [vk_comment(200 + i, parents_stack=[101], reply_to_comment=101) for i in range(12)]

    def answer(request: httpx.Request) -> dict[str, Any]:
        form = form_of(request)
        if form.get("comment_id"):
            return ok({"count": 12, "current_level_count": 12, "items": replies, **PEOPLE})
        page = top if form["offset"] == "0" else rest
        return ok({"count": 130, "current_level_count": 104, "items": page, **PEOPLE})

    fake = FakeVk({"wall.getComments": answer})
    comments = adapter_for(fake).comments(POST)

    assert fake.calls() == ["wall.getComments"] * 3
    assert_api_call(fake.requests[0], "wall.getComments")
    assert fake.form("wall.getComments") == {
        "owner_id": "-123",
        "post_id": "42",
        "offset": "0",
        "count": "100",
        "sort": "asc",
        "preview_length": "0",
        "extended": "1",
        "fields": "screen_name",
        "thread_items_count": "10",
        "v": "5.199",
    }
    assert fake.form("wall.getComments", 1)["offset"] == "100"
    thread = fake.form("wall.getComments", 2)
    assert (thread["comment_id"], thread["offset"]) == ("101", "0")
    assert "thread_items_count" not in thread
    ids = [c.id for c in comments]
    assert ids == [str(i) for i in [*range(1, 102), 104, *range(200, 212), 300]]
    first, reply, group = comments[0], comments[102], comments[101]
    assert first == Comment(
        "vk",
        "1",
        "c1",
        "555",
        "Иван Петров",
        "https://vk.com/ivan",
        "42",
        "",
        datetime.fromtimestamp(T0 + 1, UTC),
        "https://vk.com/wall-123_42?reply=1",
        extra={"owner_id": "-123", "thread_id": ""},
    )
    assert (reply.parent_id, reply.author_url) == ("101", "https://vk.com/ivan")
    assert comments[100].author_url == "https://vk.com/id556"  # no screen name: the id link
    assert reply.url == "https://vk.com/wall-123_42?reply=200&thread=101"
    assert (group.author_name, group.author_url) == ("Соседи", "https://vk.com/sosedi")


def test_comments_since_keeps_newer_ones_and_their_thread(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    old_with_new_reply = vk_comment(
        1, thread={"count": 1, "items": [vk_comment(50, parents_stack=[1], reply_to_comment=1)]}
    )
    items = [old_with_new_reply, vk_comment(2), vk_comment(40)]
    fake = FakeVk({"wall.getComments": ok({"count": 4, "current_level_count": 3, "items": items})})
    since = datetime.fromtimestamp(T0 + 10, UTC)
    comments = adapter_for(fake).comments(POST, since=since)
    assert [(c.id, c.parent_id) for c in comments] == [("40", ""), ("50", "1")]
    assert fake.calls() == ["wall.getComments"]


def test_comments_are_bounded(
    adapter_for: Callable[[FakeVk], VkAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vk_module, "MAX_ITEMS", 250)
    endless = ok({"count": 10**6, "current_level_count": 10**6, "items": [vk_comment(1)] * 100})
    fake = FakeVk({"wall.getComments": endless})
    assert len(adapter_for(fake).comments(POST)) == 250
    assert fake.calls() == ["wall.getComments"] * 3


def test_comments_of_a_post_gone_are_none(adapter_for: Callable[[FakeVk], VkAdapter]) -> None:
    fake = FakeVk({"wall.getComments": vk_error(104, "Not found")})
    assert adapter_for(fake).comments(POST) == []


def test_delete_comment_and_one_already_gone(adapter_for: Callable[[FakeVk], VkAdapter]) -> None:
    fake = FakeVk({"wall.deleteComment": [ok(1), vk_error(104, "Not found")]})
    adapter = adapter_for(fake)
    adapter.delete_comment(citizen(77))
    adapter.delete_comment(citizen(77))  # gone already: fine
    assert_api_call(fake.requests[0], "wall.deleteComment")
    assert fake.form("wall.deleteComment") == {"owner_id": "-123", "comment_id": "77", "v": "5.199"}


def test_direct_messages_cannot_be_deleted_or_hidden(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk({})
    adapter = adapter_for(fake)
    message = Comment("vk", "5", "text", "555", is_direct=True, extra={"peer_id": 555})
    with pytest.raises(Rejected):
        adapter.delete_comment(message)
    with pytest.raises(Rejected):
        adapter.hide_comment(citizen(1))
    assert fake.requests == []


def test_ban_until_a_date_or_for_good(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"groups.ban": ok(1)})
    adapter = adapter_for(fake)
    until = clock.now() + timedelta(days=30)
    adapter.ban(citizen(1, 555), until)
    adapter.ban(citizen(2, 556), None)
    assert_api_call(fake.requests[0], "groups.ban")
    assert fake.form("groups.ban") == {
        "group_id": "123",
        "owner_id": "555",
        "end_date": str(int(until.timestamp())),
        "v": "5.199",
    }
    assert fake.form("groups.ban", 1) == {"group_id": "123", "owner_id": "556", "v": "5.199"}


def test_ban_longer_than_a_year_is_refused_before_asking(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"groups.ban": ok(1)})
    adapter = adapter_for(fake)
    adapter.ban(citizen(1), clock.now() + timedelta(days=365))
    with pytest.raises(Rejected) as caught:
        adapter.ban(citizen(1), clock.now() + timedelta(days=366))
    assert "365" in str(caught.value)
    assert fake.calls() == ["groups.ban"]


def test_reply_is_a_threaded_comment_from_the_community(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"wall.createComment": ok({"comment_id": 90, "parents_stack": [77]})})
    adapter = adapter_for(fake)
    ref = adapter.reply(citizen(77), "Спасибо, передали в службу.")
    assert_api_call(fake.requests[0], "wall.createComment")
    form = fake.form("wall.createComment")
    guid = form.pop("guid")
    assert form == {
        "owner_id": "-123",
        "post_id": "42",
        "from_group": "123",
        "message": "Спасибо, передали в службу.",
        "reply_to_comment": "77",
        "v": "5.199",
    }
    assert len(guid) == 32
    adapter.reply(citizen(77), "Спасибо, передали в службу.")
    assert fake.form("wall.createComment", 1)["guid"] == guid  # a retry is the same comment
    assert ref == RemoteRef(
        "vk",
        "90",
        "https://vk.com/wall-123_42?reply=90&thread=77",
        ("90",),
        clock.now(),
        {"post_id": "42", "reply_to": "77"},
    )


def test_a_lost_reply_answer_is_uncertain(adapter_for: Callable[[FakeVk], VkAdapter]) -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("answer lost", request=request)

    fake = FakeVk({"wall.createComment": lost})
    with pytest.raises(Transient) as caught:
        adapter_for(fake).reply(citizen(77), "Ответ")
    assert caught.value.uncertain
    assert fake.calls() == ["wall.createComment"]


def test_reply_to_a_direct_message_uses_the_community_token(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    fake = FakeVk({"messages.send": ok(501)})
    adapter = adapter_for(fake)
    message = Comment("vk", "9", "Вопрос", "555", is_direct=True, extra={"peer_id": 555})
    ref = adapter.reply(message, "Ответ")
    request = fake.request("messages.send")
    assert request.headers["Authorization"] == f"Bearer {COMMUNITY_TOKEN}"
    assert TOKEN not in request.content.decode() and COMMUNITY_TOKEN not in str(request.url)
    form = fake.form("messages.send")
    random_id = int(form.pop("random_id"))
    assert form == {"group_id": "123", "peer_id": "555", "message": "Ответ", "v": "5.199"}
    assert 0 < random_id < 2**31
    adapter.reply(message, "Ответ")
    assert fake.form("messages.send", 1)["random_id"] == str(random_id)
    adapter.reply(message, "Другой ответ")
    assert fake.form("messages.send", 2)["random_id"] != str(random_id)
    assert ref == RemoteRef(
        "vk", "501", "https://vk.com/gim123?sel=555", ("501",), clock.now(), {"peer_id": 555}
    )


def vk_message(mid: int, peer: int, out: int = 0, date: int | None = None) -> dict[str, Any]:
    author = -123 if out else peer
    when = T0 + mid if date is None else date
    return {
        "id": mid,
        "date": when,
        "peer_id": peer,
        "from_id": author,
        "text": f"m{mid}",
        "out": out,
    }


def conversation(peer: int, last: dict[str, Any], kind: str = "user") -> dict[str, Any]:
    return {"conversation": {"peer": {"id": peer, "type": kind}}, "last_message": last}


def test_messages_read_conversations_then_histories(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    conversations = [
        conversation(555, vk_message(30, 555, out=1)),
        conversation(2000000001, vk_message(29, 2000000001), "chat"),  # a chat: left out
        conversation(556, vk_message(20, 556)),
        conversation(557, vk_message(5, 557)),  # nothing since
    ]
    histories = {
        "555": [vk_message(30, 555, out=1), vk_message(25, 555), vk_message(8, 555)],
        "556": [vk_message(20, 556), vk_message(15, 556)],
    }

    def history(request: httpx.Request) -> dict[str, Any]:
        items = histories[form_of(request)["peer_id"]]
        return ok({"count": len(items), "items": items, **PEOPLE})

    fake = FakeVk(
        {
            "messages.getConversations": ok({"count": 4, "items": conversations, **PEOPLE}),
            "messages.getHistory": history,
        }
    )
    since = datetime.fromtimestamp(T0 + 10, UTC)
    messages = adapter_for(fake).messages(since)

    assert fake.calls() == [
        "messages.getConversations",
        "messages.getHistory",
        "messages.getHistory",
    ]
    for request in fake.requests:
        assert request.headers["Authorization"] == f"Bearer {COMMUNITY_TOKEN}"
    assert fake.form("messages.getConversations") == {
        "group_id": "123",
        "offset": "0",
        "count": "200",
        "filter": "all",
        "extended": "1",
        "v": "5.199",
    }
    assert fake.form("messages.getHistory") == {
        "group_id": "123",
        "peer_id": "555",
        "offset": "0",
        "count": "200",
        "extended": "1",
        "v": "5.199",
    }
    assert [m.id for m in messages] == ["15", "20", "25"]
    first = messages[0]
    assert first == Comment(
        "vk",
        "15",
        "m15",
        "556",
        "Мария Ли",
        "https://vk.com/id556",
        created_at=datetime.fromtimestamp(T0 + 15, UTC),
        url="https://vk.com/gim123?sel=556",
        is_direct=True,
        extra={"peer_id": 556},
    )


def test_messages_need_a_community_token(clock: FakeClock) -> None:
    fake = FakeVk({})
    with httpx.Client(transport=fake) as client:
        adapter = VkAdapter(
            make_account("vk", account_id="123", token_env="VK_TOKEN"),
            Tokens(Secret(TOKEN, "VK_TOKEN")),
            client,
            clock=clock,
        )
        with pytest.raises(AuthError) as caught:
            adapter.messages()
        message = Comment("vk", "9", "Вопрос", "555", is_direct=True, extra={"peer_id": 555})
        with pytest.raises(AuthError):
            adapter.reply(message, "Ответ")
    assert "accounts/vk.md" in caught.value.hint and "messages" in caught.value.hint
    assert fake.requests == []  # never the administrator's own inbox


def profile_image(tmp_path: Path, name: str, size: tuple[int, int]) -> Media:
    path = tmp_path / name
    path.write_bytes(jpeg_bytes(*size))
    return Media(path, name, "photo", size=path.stat().st_size, width=size[0], height=size[1])


OWNER_UPLOAD = "https://pu.vk.com/c851130/upload.php?act=owner_photo&oid=-123&upload=t2"
COVER_UPLOAD = "https://pu.vk.com/c851130/upload.php?act=owner_cover&gid=123&upload=t3"


def profile_answers() -> dict[str, Answer]:
    def upload(request: httpx.Request) -> dict[str, Any]:
        if "owner_cover" in str(request.url):
            return {"photo": "cover-photo", "hash": "hc"}
        return {"server": 851130, "photo": "owner-photo", "hash": "ho"}

    return {
        "groups.edit": ok(1),
        "photos.getOwnerPhotoUploadServer": ok({"upload_url": OWNER_UPLOAD}),
        "photos.saveOwnerPhoto": ok({"photo_hash": "x", "photo_src": "https://sun/x.jpg"}),
        "photos.getOwnerCoverPhotoUploadServer": ok({"upload_url": COVER_UPLOAD}),
        "photos.saveOwnerCoverPhoto": ok({"images": [{"url": "https://sun/c.jpg"}]}),
        "pu.vk.com": upload,
    }


def test_set_profile_sends_every_field(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    fake = FakeVk(profile_answers())
    avatar = profile_image(tmp_path, "avatar.jpg", (400, 400))
    cover = profile_image(tmp_path, "cover.jpg", (1590, 400))
    profile = Profile(
        "vk", "Администрация", "О городе.\nВторая строка.", "https://city.ru", avatar, cover
    )
    done = adapter_for(fake).set_profile(profile)

    assert done == ("title", "description", "website", "avatar", "cover")
    assert fake.calls() == [
        "groups.edit",
        "photos.getOwnerPhotoUploadServer",
        "pu.vk.com",
        "photos.saveOwnerPhoto",
        "photos.getOwnerCoverPhotoUploadServer",
        "pu.vk.com",
        "photos.saveOwnerCoverPhoto",
    ]
    community = f"Bearer {COMMUNITY_TOKEN}"
    tokens = {fake.name_of(r): r.headers.get("Authorization") for r in fake.requests}
    assert tokens["groups.edit"] == community
    assert tokens["photos.getOwnerCoverPhotoUploadServer"] == community
    assert tokens["photos.saveOwnerCoverPhoto"] == community
    assert tokens["photos.getOwnerPhotoUploadServer"] == f"Bearer {TOKEN}"  # user token only
    assert tokens["photos.saveOwnerPhoto"] == f"Bearer {TOKEN}"
    assert fake.form("groups.edit") == {
        "group_id": "123",
        "title": "Администрация",
        "description": "О городе.\nВторая строка.",
        "website": "https://city.ru",
        "v": "5.199",
    }
    assert fake.form("photos.getOwnerPhotoUploadServer") == {"owner_id": "-123", "v": "5.199"}
    uploads = [r for r in fake.requests if fake.name_of(r) == "pu.vk.com"]
    assert [str(r.url) for r in uploads] == [OWNER_UPLOAD, COVER_UPLOAD]
    assert all("Authorization" not in r.headers for r in uploads)
    assert b'name="photo"; filename="avatar.jpg"' in fake.uploads[0]
    assert b'name="photo"; filename="cover.jpg"' in fake.uploads[1]
    assert fake.form("photos.saveOwnerPhoto") == {
        "server": "851130",
        "hash": "ho",
        "photo": "owner-photo",
        "v": "5.199",
    }
    assert fake.form("photos.getOwnerCoverPhotoUploadServer") == {
        "group_id": "123",
        "crop_x": "0",
        "crop_y": "0",
        "crop_x2": "1590",
        "crop_y2": "400",
        "v": "5.199",
    }
    assert fake.form("photos.saveOwnerCoverPhoto") == {
        "photo": "cover-photo",
        "hash": "hc",
        "v": "5.199",
    }


def test_set_profile_sends_only_the_fields_given(
    adapter_for: Callable[[FakeVk], VkAdapter], tmp_path: Path
) -> None:
    fake = FakeVk(profile_answers())
    adapter = adapter_for(fake)
    assert adapter.set_profile(Profile("vk", description="Только описание")) == ("description",)
    assert fake.form("groups.edit") == {
        "group_id": "123",
        "description": "Только описание",
        "v": "5.199",
    }
    avatar = profile_image(tmp_path, "a.jpg", (300, 300))
    assert adapter.set_profile(Profile("vk", avatar=avatar)) == ("avatar",)
    assert fake.calls().count("groups.edit") == 1
    assert "photos.getOwnerCoverPhotoUploadServer" not in fake.calls()
    assert adapter.set_profile(Profile("vk")) == ()


@pytest.mark.parametrize(("field", "limit"), [("title", 48), ("description", 4000)])
def test_set_profile_refuses_text_over_the_limit_and_cuts_nothing(
    adapter_for: Callable[[FakeVk], VkAdapter], field: str, limit: int
) -> None:
    fake = FakeVk(profile_answers())
    adapter = adapter_for(fake)
    assert adapter.set_profile(Profile("vk", **{field: "я" * limit})) == (field,)
    with pytest.raises(Rejected) as caught:
        adapter.set_profile(Profile("vk", website="https://city.ru", **{field: "я" * (limit + 1)}))
    assert str(limit + 1) in str(caught.value) and str(limit) in str(caught.value)
    assert "accounts/vk.md" in caught.value.hint
    assert fake.calls() == ["groups.edit"]


def test_set_profile_cover_needs_a_community_token(clock: FakeClock, tmp_path: Path) -> None:
    fake = FakeVk(profile_answers())
    with httpx.Client(transport=fake) as client:
        adapter = VkAdapter(
            make_account("vk", account_id="123", token_env="VK_TOKEN"),
            Tokens(Secret(TOKEN, "VK_TOKEN")),
            client,
            clock=clock,
        )
        cover = profile_image(tmp_path, "c.jpg", (1590, 400))
        with pytest.raises(AuthError) as caught:
            adapter.set_profile(Profile("vk", title="Новое имя", cover=cover))
        assert "photos" in caught.value.hint
        assert fake.requests == []  # nothing half-done
        # without a community token, groups.edit goes with the user token (it takes both)
        assert adapter.set_profile(Profile("vk", title="Новое имя")) == ("title",)
    assert fake.request("groups.edit").headers["Authorization"] == f"Bearer {TOKEN}"


def test_capabilities_for_comments_and_profile() -> None:
    caps = VkAdapter.capabilities
    assert (caps.comments, caps.messages, caps.reply) == (True, True, True)
    assert (caps.delete_comment, caps.hide_comment) == (True, False)
    assert (caps.ban, caps.max_ban_days) == (True, 365)
    assert caps.profile == {"title", "description", "website", "avatar", "cover"}
    assert caps.settings_url.format(id="123") == "https://vk.com/club123?act=edit"


# -- errors of these calls -----------------------------------------------------------------


def test_community_token_auth_errors_name_its_secret(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk({"groups.edit": vk_error(15, "Access denied: no access to call this method")})
    with pytest.raises(AuthError) as caught:
        adapter_for(fake).set_profile(Profile("vk", title="Имя"))
    assert "VK_COMMUNITY_TOKEN" in caught.value.hint
    assert "VK error 15" in caught.value.detail


def test_user_token_auth_errors_on_comments_name_the_user_secret(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk({"wall.getComments": vk_error(5, "User authorization failed")})
    with pytest.raises(AuthError) as caught:
        adapter_for(fake).comments(POST)
    assert "VK_TOKEN" in caught.value.hint and "VK_COMMUNITY_TOKEN" not in caught.value.hint
    fake = FakeVk({"groups.ban": vk_error(27, "Group authorization failed")})
    with pytest.raises(AuthError) as caught:
        adapter_for(fake).ban(citizen(1), None)
    assert "пользовательский токен" in caught.value.hint


def test_a_person_who_never_wrote_cannot_be_answered(
    adapter_for: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk(
        {"messages.send": vk_error(901, "Can't send messages for users without permission")}
    )
    message = Comment("vk", "9", "Вопрос", "555", is_direct=True, extra={"peer_id": 555})
    with pytest.raises(Rejected) as caught:
        adapter_for(fake).reply(message, "Ответ")
    assert "VK error 901" in caught.value.detail and caught.value.hint


def test_rate_limits_on_comments_are_waited_out(
    adapter_for: Callable[[FakeVk], VkAdapter], clock: FakeClock
) -> None:
    page = ok({"count": 1, "current_level_count": 1, "items": [vk_comment(1)]})
    fake = FakeVk({"wall.getComments": [vk_error(6, "Too many requests per second"), page]})
    assert [c.id for c in adapter_for(fake).comments(POST)] == ["1"]
    assert clock.monotonic() == 1.0
    fake = FakeVk({"wall.deleteComment": vk_error(29, "Rate limit reached")})
    with pytest.raises(RateLimited):
        adapter_for(fake).delete_comment(citizen(1))


@pytest.mark.parametrize(
    ("method", "act"),
    [
        ("wall.getComments", lambda a: a.comments(POST)),
        ("wall.deleteComment", lambda a: a.delete_comment(citizen(1))),
        ("groups.ban", lambda a: a.ban(citizen(1), None)),
        ("wall.createComment", lambda a: a.reply(citizen(1), "Ответ")),
        ("groups.edit", lambda a: a.set_profile(Profile("vk", title="Имя"))),
        ("messages.getConversations", lambda a: a.messages()),
    ],
)
@pytest.mark.parametrize("code", [5, 15, 100, 901])
def test_no_token_in_errors_of_these_calls(
    adapter_for: Callable[[FakeVk], VkAdapter],
    method: str,
    act: Callable[[VkAdapter], object],
    code: int,
) -> None:
    echoed = [{"key": "access_token", "value": TOKEN}, {"key": "token", "value": COMMUNITY_TOKEN}]
    body = vk_error(code, f"failed for {TOKEN} / {COMMUNITY_TOKEN}", echoed)
    with pytest.raises(Exception) as caught:
        act(adapter_for(FakeVk({method: body})))
    error = caught.value
    for text in (str(error), repr(error), getattr(error, "detail", ""), getattr(error, "hint", "")):
        assert TOKEN not in text and COMMUNITY_TOKEN not in text


# -- contracts with the emulator: comments, moderation, messages, profile -----------------


@pytest.fixture
def on_sandbox_with_community(
    sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock
) -> Callable[..., VkAdapter]:
    def build(community: str = "sandbox-vk-community") -> VkAdapter:
        account = make_account(
            "vk",
            account_id="123",
            token_env="VK_TOKEN",
            extra_token_envs={"community": "VK_COMMUNITY_TOKEN"},
        )
        tokens = Tokens(
            Secret("sandbox-vk-main", "VK_TOKEN"),
            {"community": Secret(community, "VK_COMMUNITY_TOKEN")},
        )
        return VkAdapter(account, tokens, sandboxes.client(sandbox), clock=clock)

    return build


def test_contract_citizen_comments_reply_delete_ban(
    on_sandbox_with_community: Callable[..., VkAdapter], sandbox: Sandbox, clock: FakeClock
) -> None:
    adapter = on_sandbox_with_community()
    ref = adapter.publish(rendered("Ремонт дорог"), "k")
    first = sandbox.add_comment("vk", ref.remote_id, "Когда починят?", "1001", "Иван Петров")
    clock.advance(60)
    spam = sandbox.add_comment("vk", ref.remote_id, "Купи <b>дёшево</b>", "1002", "Спамер", first)

    question, junk = adapter.comments(ref)
    assert (question.id, question.author_name, question.text) == (
        first,
        "Иван Петров",
        "Когда починят?",
    )
    assert (junk.id, junk.parent_id, junk.text) == (spam, first, "Купи <b>дёшево</b>")
    assert question.created_at == clock.now() - timedelta(seconds=60)
    assert adapter.comments(ref, since=question.created_at) == [junk]

    answer = adapter.reply(question, "В мае.")
    view = sandbox.show()["vk"]["posts"][0]["comments"]
    mine = next(c for c in view if c["id"] == answer.remote_id)
    assert mine["from_account"] and mine["reply_to"] == first and mine["text"] == "В мае."
    assert [c.id for c in adapter.comments(ref)] == [first, spam]  # our answer is left out

    adapter.delete_comment(junk)
    adapter.delete_comment(junk)  # already gone: fine
    assert spam not in [c["id"] for c in sandbox.show()["vk"]["posts"][0]["comments"]]

    until = clock.now() + timedelta(days=7)
    adapter.ban(junk, until)
    adapter.ban(question, None)
    banned = {b["user_id"]: b["until"] for b in sandbox.show()["vk"]["banned"]}
    assert banned == {"1002": until.isoformat(), "1001": None}
    with pytest.raises(ValueError):
        sandbox.add_comment("vk", ref.remote_id, "Снова спам", "1002", "Спамер")
    clock.advance(8 * 86_400)  # the temporary ban is over
    assert sandbox.add_comment("vk", ref.remote_id, "Я вернулся", "1002", "Спамер")
    with pytest.raises(ValueError):
        sandbox.add_comment("vk", ref.remote_id, "А я нет", "1001", "Иван Петров")


def test_contract_direct_messages(
    on_sandbox_with_community: Callable[..., VkAdapter], sandbox: Sandbox, clock: FakeClock
) -> None:
    adapter = on_sandbox_with_community()
    adapter.verify()
    sandbox.add_comment("vk", "123", "Здравствуйте! Вопрос про ЖКХ.", "1003", "Пётр", direct=True)
    [message] = adapter.messages()
    assert (
        message.is_direct and message.author_name == "Пётр" and message.extra == {"peer_id": 1003}
    )
    ref = adapter.reply(message, "Добрый день, ответим.")
    again = adapter.reply(message, "Добрый день, ответим.")  # a retry: not sent twice
    assert ref.remote_id == again.remote_id
    shown = sandbox.show()["vk"]["messages"]
    assert [(m["text"], m["from_account"]) for m in shown] == [
        ("Здравствуйте! Вопрос про ЖКХ.", False),
        ("Добрый день, ответим.", True),
    ]
    assert adapter.messages() == [message]  # the community's own answer is left out
    assert adapter.messages(since=message.created_at) == []
    clock.advance(5)
    sandbox.add_comment("vk", "123", "Спасибо!", "1003", "Пётр", direct=True)
    assert [m.text for m in adapter.messages(since=message.created_at)] == ["Спасибо!"]


def test_contract_community_token_without_the_messages_right(
    on_sandbox_with_community: Callable[..., VkAdapter], sandbox: Sandbox
) -> None:
    token = "vk1.a.limited-community-token-000111"  # pragma: allowlist secret
    register_community_token(sandbox.store, token, rights=["manage", "photos"])
    with pytest.raises(AuthError) as caught:
        on_sandbox_with_community(token).messages()
    assert "VK_COMMUNITY_TOKEN" in caught.value.hint
    assert token not in str(caught.value)


def test_contract_set_profile(
    on_sandbox_with_community: Callable[..., VkAdapter], sandbox: Sandbox, tmp_path: Path
) -> None:
    adapter = on_sandbox_with_community()
    avatar = profile_image(tmp_path, "avatar.jpg", (400, 400))
    cover = profile_image(tmp_path, "cover.jpg", (1590, 400))
    profile = Profile("vk", "Администрация города", "Официально.", "https://city.ru", avatar, cover)
    assert adapter.set_profile(profile) == ("title", "description", "website", "avatar", "cover")
    shown = sandbox.show()["vk"]["profile"]
    assert (shown["title"], shown["description"], shown["website"]) == (
        "Администрация города",
        "Официально.",
        "https://city.ru",
    )
    assert sandbox.store.file_path(shown["avatar"]).read_bytes() == avatar.path.read_bytes()
    assert sandbox.store.file_path(shown["cover"]).read_bytes() == cover.path.read_bytes()

    small = profile_image(tmp_path, "small.jpg", (600, 150))
    with pytest.raises(Rejected):
        adapter.set_profile(Profile("vk", cover=small))
    tiny = profile_image(tmp_path, "tiny.jpg", (100, 100))
    with pytest.raises(Rejected) as caught:
        adapter.set_profile(Profile("vk", avatar=tiny))
    assert "VK error 5706" in caught.value.detail
    assert sandbox.show()["vk"]["profile"] == shown
