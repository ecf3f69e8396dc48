"""The VK emulator against the reference: parameters, error shapes, limits, uploads, views."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from publisher.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.vk import VkEmulator, register_community_token

USER = "sandbox-vk-main"
COMMUNITY = "sandbox-vk-community"
MB = 1024 * 1024


@dataclass
class Vk:
    """A client of the emulated VK API with a paced fake clock."""

    sandbox: Sandbox
    http: httpx.Client
    clock: FakeClock

    @property
    def emulator(self) -> VkEmulator:
        emulator = self.sandbox.emulators["vk"]
        assert isinstance(emulator, VkEmulator)
        return emulator

    def raw(
        self, method: str, token: str | None = USER, host: str = "api.vk.com", **params: Any
    ) -> dict[str, Any]:
        """One API call as sent, answered as JSON; no pacing."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = {key: str(value) for key, value in params.items()}
        response = self.http.post(f"https://{host}/method/{method}", data=data, headers=headers)
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    def call(self, method: str, token: str | None = USER, **params: Any) -> Any:
        """A paced call (a second apart) that must succeed; its ``response``."""
        self.clock.advance(1)
        body = self.raw(method, token, **{"v": "5.199", **params})
        assert "error" not in body, body
        return body["response"]

    def error(self, method: str, token: str | None = USER, **params: Any) -> dict[str, Any]:
        """A paced call that must fail; its ``error`` object."""
        self.clock.advance(1)
        body = self.raw(method, token, **{"v": "5.199", **params})
        assert "error" in body, body
        error: dict[str, Any] = body["error"]
        return error

    def upload(self, url: str, field: str, path: Path, name: str | None = None) -> dict[str, Any]:
        with open(path, "rb") as handle:
            response = self.http.post(url, files={field: (name or path.name, handle)})
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    def photo(self, path: Path, gid: int = 123) -> str:
        """The whole wall-photo flow; the attachment id."""
        server = self.call("photos.getWallUploadServer", group_id=gid)
        uploaded = self.upload(server["upload_url"], "photo", path)
        [photo] = self.call("photos.saveWallPhoto", group_id=gid, **uploaded)
        return f"photo{photo['owner_id']}_{photo['id']}"

    def post(self, **params: Any) -> int:
        post_id: int = self.call("wall.post", owner_id=-123, from_group=1, **params)["post_id"]
        return post_id

    def view(self) -> dict[str, Any]:
        return self.emulator.public_view(self.sandbox.store.read("vk"))


@pytest.fixture
def vk(
    make_sandbox: Callable[..., Sandbox],
    sandbox_http: Callable[[Sandbox], httpx.Client],
    clock: FakeClock,
) -> Vk:
    sandbox = make_sandbox("vk")
    return Vk(sandbox, sandbox_http(sandbox), clock)


def image(tmp_path: Path, name: str = "a.jpg", size: tuple[int, int] = (40, 30)) -> Path:
    path = tmp_path / name
    Image.new("RGB" if not name.endswith(".png") else "1", size).save(path)
    return path


def sparse(tmp_path: Path, name: str, megabytes: int) -> Path:
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.truncate(megabytes * MB)
    return path


# -- conventions, tokens, errors -----------------------------------------------------------


def test_v_is_required(vk: Vk) -> None:
    body = vk.raw("wall.post", owner_id=-123, message="x")
    assert body["error"]["error_code"] == 8
    assert body["error"]["error_msg"] == "Invalid request: v (version) is required"
    old = vk.raw("wall.post", v="5.50", owner_id=-123, message="x")
    assert old["error"]["error_code"] == 8
    assert "below 5.81" in old["error"]["error_msg"]


def test_error_shape_echoes_request_params(vk: Vk) -> None:
    body = vk.raw("wall.post", token=None, v="5.199", access_token="user-tok", owner_id=-1)
    error = body["error"]
    assert set(error) == {"error_code", "error_msg", "request_params"}
    assert error["error_code"] == 100
    # like VK, the echo can carry the token: adapters must never surface it
    assert {"key": "access_token", "value": "user-tok"} in error["request_params"]
    assert {"key": "method", "value": "wall.post"} in error["request_params"]
    assert {"key": "owner_id", "value": "-1"} in error["request_params"]


def test_tokens_from_header_or_parameter_and_missing(vk: Vk) -> None:
    assert vk.error("wall.post", token=None, message="x")["error_code"] == 5
    assert "no access_token" in vk.error("wall.post", token=None)["error_msg"]
    vk.clock.advance(1)
    by_param = vk.raw("groups.getById", token=None, v="5.199", group_id=1, access_token=USER)
    assert by_param["response"]["groups"][0]["id"] == 1
    assert vk.call("groups.getById", group_id=1)["groups"][0]["id"] == 1


def test_revoked_token_gets_error_5(vk: Vk) -> None:
    revoke_token(vk.sandbox.store, USER)
    error = vk.error("wall.post", owner_id=-123, message="x")
    assert error["error_code"] == 5
    assert "invalid access_token" in error["error_msg"]


def test_unknown_method(vk: Vk) -> None:
    assert vk.error("wall.fly", owner_id=-123)["error_code"] == 3


def test_api_vk_ru_alias(vk: Vk) -> None:
    body = vk.raw("groups.getById", host="api.vk.ru", v="5.199", group_id=5)
    assert body["response"]["groups"][0]["id"] == 5


def test_community_tokens_get_error_27_on_user_only_methods(vk: Vk) -> None:
    error = vk.error("wall.post", token=COMMUNITY, owner_id=-123, message="x")
    assert error["error_code"] == 27
    assert error["error_msg"].startswith("Group authorization failed")
    for method in ("photos.getWallUploadServer", "polls.create", "video.save", "wall.getById"):
        assert vk.error(method, token=COMMUNITY, group_id=123)["error_code"] == 27
    # user-or-community methods work
    assert vk.call("docs.getWallUploadServer", token=COMMUNITY, group_id=123)["upload_url"]
    group = vk.call("groups.getById", token=COMMUNITY, group_id=123, fields="is_admin")
    assert "is_admin" not in group["groups"][0]


def test_registered_community_token(vk: Vk) -> None:
    register_community_token(vk.sandbox.store, "vk1.a.some-community-key")
    error = vk.error("wall.post", token="vk1.a.some-community-key", owner_id=-123, message="x")
    assert error["error_code"] == 27


def test_user_token_rate_limit_is_3_per_second(vk: Vk) -> None:
    answers = [vk.raw("groups.getById", v="5.199", group_id=1) for _ in range(4)]
    assert ["response" in a for a in answers] == [True, True, True, False]
    assert answers[3]["error"]["error_code"] == 6
    assert answers[3]["error"]["error_msg"] == "Too many requests per second"
    vk.clock.advance(1)
    assert "response" in vk.raw("groups.getById", v="5.199", group_id=1)


def test_community_token_rate_limit_is_20_per_second(vk: Vk) -> None:
    answers = [vk.raw("groups.getById", token=COMMUNITY, v="5.199", group_id=1) for _ in range(21)]
    assert sum("response" in a for a in answers) == 20
    assert answers[20]["error"]["error_code"] == 6


def test_fault_responses_have_vk_shapes(vk: Vk) -> None:
    flood = vk.emulator.fault_response("rate429")
    assert flood.status_code == 200
    assert json.loads(flood.get_data())["error"]["error_code"] == 6
    broken = vk.emulator.fault_response("error500")
    assert broken.status_code == 500
    assert broken.content_type.startswith("text/html")


def test_groups_get_by_id(vk: Vk) -> None:
    answer = vk.call("groups.getById", group_id=123, fields="is_admin,admin_level")
    assert answer["profiles"] == []
    [group] = answer["groups"]
    assert group["id"] == 123 and group["screen_name"] == "club123"
    assert group["is_admin"] == 1
    assert vk.error("groups.getById")["error_code"] == 100


# -- wall.post ------------------------------------------------------------------------------


def test_wall_post_and_read_back(vk: Vk) -> None:
    post_id = vk.post(message="Привет", guid="g1", mute_notifications=1, close_comments=1)
    [item] = vk.call("wall.getById", posts=f"-123_{post_id}")["items"]
    assert (item["id"], item["owner_id"], item["from_id"]) == (post_id, -123, -123)
    assert item["text"] == "Привет"
    assert item["comments"]["can_post"] == 0
    [view] = vk.view()["posts"]
    assert view["silent"] is True and view["comments_closed"] is True
    assert view["url"] == f"https://vk.com/wall-123_{post_id}"


def test_wall_post_needs_a_message_or_attachments(vk: Vk) -> None:
    assert vk.error("wall.post", owner_id=-123)["error_code"] == 100


def test_message_limit_is_16384(vk: Vk) -> None:
    assert vk.post(message="я" * 16384)
    error = vk.error("wall.post", owner_id=-123, message="я" * 16385)
    assert error["error_code"] == 100


def test_attachment_limits(vk: Vk) -> None:
    eleven = ",".join(f"audio1_{i}" for i in range(11))
    assert vk.error("wall.post", owner_id=-123, attachments=eleven)["error_code"] == 100
    assert vk.post(attachments=",".join(f"audio1_{i}" for i in range(10)) + ",https://a.ru")
    two_links = "https://a.ru,https://b.ru"
    assert vk.error("wall.post", owner_id=-123, attachments=two_links)["error_code"] == 100
    assert vk.error("wall.post", owner_id=-123, attachments="photo-123_999")["error_code"] == 100
    assert vk.error("wall.post", owner_id=-123, attachments="bogus")["error_code"] == 100


def test_guid_returns_the_same_post_within_an_hour(vk: Vk) -> None:
    first = vk.post(message="a", guid="same")
    assert vk.post(message="a", guid="same") == first
    vk.clock.advance(3600)
    later = vk.post(message="a", guid="same")
    assert later != first
    vk.call("wall.delete", owner_id=-123, post_id=later)
    assert vk.post(message="a", guid="same") not in (first, later)


def test_posts_per_day_limit_gives_214(vk: Vk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vk.emulator, "posts_per_day", 2)
    vk.post(message="1")
    vk.post(message="2")
    assert vk.error("wall.post", owner_id=-123, message="3")["error_code"] == 214
    vk.clock.advance(86_400)
    assert vk.post(message="4")


def test_wall_edit_replaces_text_and_attachments(vk: Vk, tmp_path: Path) -> None:
    photo = vk.photo(image(tmp_path))
    post_id = vk.post(message="old", attachments=f"{photo},https://a.ru")
    assert vk.call("wall.edit", owner_id=-123, post_id=post_id, message="new") == {
        "post_id": post_id
    }
    [item] = vk.call("wall.getById", posts=f"-123_{post_id}")["items"]
    assert item["text"] == "new" and item["attachments"] == []
    assert item["edited"] > 0


def test_wall_delete_and_missing_posts(vk: Vk) -> None:
    post_id = vk.post(message="x")
    assert vk.call("wall.delete", owner_id=-123, post_id=post_id) == 1
    assert vk.call("wall.getById", posts=f"-123_{post_id}")["items"] == []
    assert vk.error("wall.delete", owner_id=-123, post_id=post_id)["error_code"] == 104
    assert vk.error("wall.edit", owner_id=-123, post_id=post_id, message="y")["error_code"] == 104
    assert vk.error("wall.delete", owner_id=-123)["error_code"] == 100
    assert vk.view()["posts"] == []


def test_wall_get_lists_newest_first(vk: Vk) -> None:
    ids = [vk.post(message=str(i)) for i in range(3)]
    vk.call("wall.delete", owner_id=-123, post_id=ids[1])
    answer = vk.call("wall.get", owner_id=-123, count=20)
    assert answer["count"] == 2
    assert [item["id"] for item in answer["items"]] == [ids[2], ids[0]]
    assert len(vk.call("wall.get", owner_id=-123, count=1)["items"]) == 1
    assert vk.call("wall.get", owner_id=-999)["items"] == []


# -- uploads --------------------------------------------------------------------------------


def test_photo_upload_flow(vk: Vk, tmp_path: Path) -> None:
    server = vk.call("photos.getWallUploadServer", group_id=123)
    assert server["upload_url"].startswith("https://pu.vk.com/")
    assert server["album_id"] == -14
    uploaded = vk.upload(server["upload_url"], "photo", image(tmp_path))
    assert set(uploaded) == {"server", "photo", "hash"}
    assert isinstance(json.loads(uploaded["photo"]), list)

    bad = vk.error("photos.saveWallPhoto", group_id=123, **{**uploaded, "hash": "0" * 32})
    assert bad["error_code"] == 121
    [photo] = vk.call("photos.saveWallPhoto", group_id=123, **uploaded, caption="Подпись")
    assert photo["owner_id"] == -123 and photo["text"] == "Подпись"
    assert photo["sizes"][0]["width"] == 40
    # saving the same upload again returns the same photo
    [again] = vk.call("photos.saveWallPhoto", group_id=123, **uploaded)
    assert again["id"] == photo["id"]

    post_id = vk.post(attachments=f"photo-123_{photo['id']}")
    [item] = vk.call("wall.getById", posts=f"-123_{post_id}")["items"]
    assert item["attachments"][0]["type"] == "photo"
    [view] = vk.view()["posts"]
    stored = vk.sandbox.store.file_path(view["media"][0]["file"])
    assert stored.read_bytes() == (tmp_path / "a.jpg").read_bytes()


def test_photo_upload_without_the_field_gives_an_empty_list(vk: Vk, tmp_path: Path) -> None:
    server = vk.call("photos.getWallUploadServer", group_id=123)
    uploaded = vk.upload(server["upload_url"], "file1", image(tmp_path))
    assert uploaded["photo"] == "[]"
    assert vk.error("photos.saveWallPhoto", group_id=123, **uploaded)["error_code"] == 100


@pytest.mark.parametrize(
    ("name", "size", "problem"),
    [
        ("wide.jpg", (2100, 100), "aspect"),
        ("huge.png", (13000, 1001), "14000"),
    ],
)
def test_photo_rules(
    vk: Vk, tmp_path: Path, name: str, size: tuple[int, int], problem: str
) -> None:
    server = vk.call("photos.getWallUploadServer", group_id=123)
    answer = vk.upload(server["upload_url"], "photo", image(tmp_path, name, size))
    assert problem in answer["error"] and answer["error_code"]


def test_photo_must_be_an_image_under_50_mb(
    vk: Vk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = vk.call("photos.getWallUploadServer", group_id=123)
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    assert "not an image" in vk.upload(server["upload_url"], "photo", text)["error"]
    monkeypatch.setattr(vk.emulator, "photo_max_bytes", 100)
    too_big = vk.upload(server["upload_url"], "photo", image(tmp_path))
    assert "50 MB" in too_big["error"]


def test_upload_url_must_be_the_one_given(vk: Vk, tmp_path: Path) -> None:
    forged = "https://pu.vk.com/c851130/upload.php?act=do_add&upload=forged"
    assert "error" in vk.upload(forged, "photo", image(tmp_path))


def test_video_flow_streams_a_large_file(vk: Vk, tmp_path: Path) -> None:
    assert vk.error("video.save", group_id=123, name="x" * 129)["error_code"] == 100
    saved = vk.call("video.save", group_id=123, name="Ролик", description="d")
    assert saved["owner_id"] == -123 and saved["upload_url"].startswith("https://vu.vk.com/")
    attachment = f"video-123_{saved['video_id']}"
    # not uploaded yet: not attachable
    assert vk.error("wall.post", owner_id=-123, attachments=attachment)["error_code"] == 100
    assert "error" in vk.upload(saved["upload_url"], "file", sparse(tmp_path, "v.mp4", 1))
    assert "error" in vk.upload(saved["upload_url"], "video_file", sparse(tmp_path, "v.txt", 1))

    answer = vk.upload(saved["upload_url"], "video_file", sparse(tmp_path, "clip.mp4", 4))
    assert answer["size"] == 4 * MB and answer["video_id"] == saved["video_id"]
    vk.post(attachments=attachment)
    [view] = vk.view()["posts"]
    assert view["media"][0]["type"] == "video" and view["media"][0]["title"] == "Ролик"
    assert vk.sandbox.store.file_path(view["media"][0]["file"]).stat().st_size == 4 * MB


def test_document_flow(vk: Vk, tmp_path: Path) -> None:
    server = vk.call("docs.getWallUploadServer", group_id=123)
    song = tmp_path / "a.mp3"
    song.write_bytes(b"ID3")
    assert "error" in vk.upload(server["upload_url"], "file", song)
    uploaded = vk.upload(server["upload_url"], "file", image(tmp_path, "anim.gif"))
    assert set(uploaded) == {"file"}
    forged = uploaded["file"][:-1] + ("0" if uploaded["file"][-1] != "0" else "1")
    assert vk.error("docs.save", file=forged)["error_code"] == 100
    saved = vk.call("docs.save", file=uploaded["file"], title="anim.gif")
    assert saved["type"] == "doc"
    assert saved["doc"]["owner_id"] == -123 and saved["doc"]["ext"] == "gif"
    assert vk.error("docs.save", file=uploaded["file"])["error_code"] == 100  # used once
    vk.post(attachments=f"doc-123_{saved['doc']['id']}")
    assert vk.view()["posts"][0]["media"][0]["type"] == "doc"


def test_document_size_limit(vk: Vk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vk.emulator, "doc_max_bytes", MB)
    server = vk.call("docs.getWallUploadServer", group_id=123)
    answer = vk.upload(server["upload_url"], "file", sparse(tmp_path, "big.pdf", 2))
    assert "200 MB" in answer["error"]


def test_polls_create(vk: Vk) -> None:
    answers = json.dumps(["Да", "Нет"], ensure_ascii=False)
    poll = vk.call("polls.create", owner_id=-123, question="Вопрос?", add_answers=answers)
    assert poll["owner_id"] == -123
    assert [a["text"] for a in poll["answers"]] == ["Да", "Нет"]
    assert poll["multiple"] is False
    eleven = json.dumps([str(i) for i in range(11)])
    assert (
        vk.error("polls.create", owner_id=-123, question="Q", add_answers=eleven)["error_code"]
        == 100
    )
    assert (
        vk.error("polls.create", owner_id=-123, question="Q", add_answers="Да,Нет")["error_code"]
        == 100
    )
    assert vk.error("polls.create", owner_id=-123, add_answers=answers)["error_code"] == 100
    vk.post(message="Голосуем", attachments=f"poll-123_{poll['id']}")
    assert vk.view()["posts"][0]["poll"] == {
        "question": "Вопрос?",
        "options": ["Да", "Нет"],
        "multiple": False,
    }


# -- views ----------------------------------------------------------------------------------


def test_public_view_and_feed_html(vk: Vk, tmp_path: Path) -> None:
    photo = vk.photo(image(tmp_path))
    vk.post(
        message="<script>alert(1)</script>\nвторая строка",
        attachments=f"{photo},https://a.ru/?q=<b>",
    )
    gone = vk.post(message="удалён")
    vk.call("wall.delete", owner_id=-123, post_id=gone)

    view = vk.view()
    [post] = view["posts"]
    assert set(post) >= {"id", "text", "url", "media", "poll", "published_at"}
    assert post["poll"] is None
    assert post["published_at"].startswith("2026-12-01T09:00")
    assert view["groups"][0]["id"] == 123

    page = vk.emulator.feed_html(vk.sandbox.store.read("vk"))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "<br>" in page
    assert f'<img src="/files/{post["media"][0]["file"]}"' in page
    assert "удалён" not in page
    assert "https://a.ru/?q=&lt;b&gt;" in page
