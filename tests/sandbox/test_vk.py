"""The VK emulator against the reference: parameters, error shapes, limits, uploads, views."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandboxes
from PIL import Image

from publisher.core.clock import FakeClock
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
    sandboxes: Sandboxes,
    clock: FakeClock,
) -> Vk:
    sandbox = sandboxes("vk")
    return Vk(sandbox, sandboxes.client(sandbox), clock)


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


# -- comments -------------------------------------------------------------------------------


def comment(vk: Vk, post_id: int, text: str, author: str = "1001", **kwargs: Any) -> int:
    """A citizen's comment through the sandbox, as ``add_comment`` makes it."""
    name = kwargs.pop("name", "Иван Петров")
    return int(vk.sandbox.add_comment("vk", str(post_id), text, author, name, **kwargs))


def comments_of(vk: Vk, post_id: int, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = vk.call("wall.getComments", owner_id=-123, post_id=post_id, **params)
    return answer


def test_get_comments_shape_threads_and_names(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    top = comment(vk, post_id, "Вопрос")
    vk.clock.advance(10)
    reply = comment(vk, post_id, "Ответ соседа", "1002", name="Мария", reply_to=str(top))
    second = comment(vk, post_id, "Ещё вопрос", "1003", name="Пётр")

    answer = comments_of(vk, post_id, extended=1, thread_items_count=10, preview_length=0)
    assert (answer["count"], answer["current_level_count"]) == (3, 2)
    assert answer["can_post"] == 1
    first, last = answer["items"]
    assert (first["id"], first["from_id"], first["text"]) == (top, 1001, "Вопрос")
    assert (first["owner_id"], first["post_id"], first["parents_stack"]) == (-123, post_id, [])
    assert first["thread"]["count"] == 1
    [threaded] = first["thread"]["items"]
    assert (threaded["id"], threaded["parents_stack"]) == (reply, [top])
    assert (threaded["reply_to_comment"], threaded["reply_to_user"]) == (top, 1001)
    assert last["id"] == second and last["date"] == first["date"] + 10
    names = {p["id"]: (p["first_name"], p["last_name"]) for p in answer["profiles"]}
    assert names == {1001: ("Иван", "Петров"), 1002: ("Мария", ""), 1003: ("Пётр", "")}
    # without thread_items_count the thread comes empty; comment_id reads it
    assert comments_of(vk, post_id)["items"][0]["thread"]["items"] == []
    thread = comments_of(vk, post_id, comment_id=top)
    assert [c["id"] for c in thread["items"]] == [reply]
    assert (thread["count"], thread["current_level_count"]) == (1, 1)
    [item] = vk.call("wall.getById", posts=f"-123_{post_id}")["items"]
    assert item["comments"]["count"] == 3


def test_get_comments_pages_sort_and_preview(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    ids = [comment(vk, post_id, f"{i} " + "слово " * 30) for i in range(5)]
    page = comments_of(vk, post_id, count=2, offset=2, preview_length=0)
    assert [c["id"] for c in page["items"]] == ids[2:4]
    assert [c["id"] for c in comments_of(vk, post_id, sort="desc")["items"]] == ids[::-1]
    assert len(comments_of(vk, post_id, count=500)["items"]) == 5
    # VK cuts comment text to 90 characters unless preview_length=0 [V1 schema]
    assert len(comments_of(vk, post_id)["items"][0]["text"]) == 90
    assert len(comments_of(vk, post_id, preview_length=0)["items"][0]["text"]) > 90


def test_get_comments_errors(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    params = {"owner_id": -123, "post_id": post_id}
    assert vk.error("wall.getComments", token=COMMUNITY, **params)["error_code"] == 27
    assert vk.error("wall.getComments", thread_items_count=11, **params)["error_code"] == 100
    assert vk.error("wall.getComments", sort="random", **params)["error_code"] == 100
    assert vk.error("wall.getComments", comment_id=999, **params)["error_code"] == 100
    assert vk.error("wall.getComments", owner_id=-123, post_id=999)["error_code"] == 104


def test_create_comment_as_the_community_or_the_user(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    top = comment(vk, post_id, "Вопрос")
    params = {"owner_id": -123, "post_id": post_id}
    answer = vk.call("wall.createComment", from_group=123, message="Ответ", **params)
    assert set(answer) == {"comment_id", "parents_stack"} and answer["parents_stack"] == []
    threaded = vk.call(
        "wall.createComment", from_group=123, message="В ветке", reply_to_comment=top, **params
    )
    assert threaded["parents_stack"] == [top]
    own = vk.call("wall.createComment", message="От администратора лично", **params)
    by_token = vk.call("wall.createComment", token=COMMUNITY, message="Токен сообщества", **params)
    authors = {c["id"]: c["from_id"] for c in comments_of(vk, post_id)["items"]}
    assert authors[answer["comment_id"]] == -123 and authors[by_token["comment_id"]] == -123
    assert authors[own["comment_id"]] > 0
    view = {c["id"]: c for c in vk.view()["posts"][0]["comments"]}
    assert view[str(threaded["comment_id"])]["from_account"] is True
    assert view[str(threaded["comment_id"])]["reply_to"] == str(top)
    assert view[str(own["comment_id"])]["from_account"] is False


def test_create_comment_rules(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    params = {"owner_id": -123, "post_id": post_id}
    assert vk.error("wall.createComment", **params)["error_code"] == 100  # no message
    assert vk.error("wall.createComment", from_group=1, message="x", **params)["error_code"] == 100
    bad_reply = vk.error("wall.createComment", message="x", reply_to_comment=999, **params)
    assert bad_reply["error_code"] == 100
    first = vk.call("wall.createComment", from_group=123, message="x", guid="g", **params)
    again = vk.call("wall.createComment", from_group=123, message="x", guid="g", **params)
    assert again == first
    closed = vk.post(message="Без комментариев", close_comments=1)
    error = vk.error("wall.createComment", owner_id=-123, post_id=closed, message="x")
    assert error["error_code"] == 213
    tied = "vk1.a.other-community-token"  # pragma: allowlist secret
    register_community_token(vk.sandbox.store, tied, group_id=999)
    assert vk.error("wall.createComment", token=tied, message="x", **params)["error_code"] == 15


def test_delete_comment_and_deleted_parents(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    top = comment(vk, post_id, "Грубость")
    reply = comment(vk, post_id, "Ответ", "1002", reply_to=str(top))
    alone = comment(vk, post_id, "Спам", "1003")
    assert (
        vk.error("wall.deleteComment", token=COMMUNITY, owner_id=-123, comment_id=top)["error_code"]
        == 27
    )
    assert vk.call("wall.deleteComment", owner_id=-123, comment_id=top) == 1
    assert vk.call("wall.deleteComment", owner_id=-123, comment_id=alone) == 1
    assert vk.error("wall.deleteComment", owner_id=-123, comment_id=alone)["error_code"] == 104
    assert vk.error("wall.deleteComment", owner_id=-123, comment_id=999)["error_code"] == 104
    # a deleted comment whose thread lives on stays as a placeholder
    answer = comments_of(vk, post_id, thread_items_count=10)
    [placeholder] = answer["items"]
    assert placeholder["id"] == top and placeholder["deleted"] is True
    assert "from_id" not in placeholder
    assert [c["id"] for c in placeholder["thread"]["items"]] == [reply]
    assert answer["count"] == 1
    assert [c["id"] for c in vk.view()["posts"][0]["comments"]] == [str(reply)]


def test_add_comment_rules(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    with pytest.raises(ValueError):
        comment(vk, 999, "Нет такого поста")
    with pytest.raises(ValueError):
        comment(vk, post_id, "Без номера", "ivan")
    with pytest.raises(ValueError):
        comment(vk, post_id, "")
    with pytest.raises(ValueError):
        comment(vk, post_id, "Ответ в никуда", reply_to="999")
    closed = vk.post(message="Закрыто", close_comments=1)
    with pytest.raises(ValueError):
        comment(vk, closed, "Нельзя")


# -- bans -----------------------------------------------------------------------------------


def test_groups_ban_for_a_while_and_for_good(vk: Vk) -> None:
    post_id = vk.post(message="Новость")
    comment(vk, post_id, "Оскорбление", "1001")
    now = int(vk.clock.now().timestamp())
    week = now + 7 * 86_400
    assert vk.call("groups.ban", group_id=123, owner_id=1001, end_date=week, reason=3) == 1
    assert vk.call("groups.ban", group_id=123, owner_id=1002, comment="Спам", comment_visible=1)
    banned = {b["user_id"]: b["until"] for b in vk.view()["banned"]}
    assert banned == {"1001": vk.view()["banned"][0]["until"], "1002": None}
    assert banned["1001"].startswith("2026-12-08")
    for user in ("1001", "1002"):
        with pytest.raises(ValueError):
            comment(vk, post_id, "Снова", user)
        with pytest.raises(ValueError):
            vk.sandbox.add_comment("vk", "123", "Личное", user, "X", direct=True)
    vk.clock.advance(8 * 86_400)
    assert comment(vk, post_id, "Исправился", "1001")
    assert [b["user_id"] for b in vk.view()["banned"]] == ["1002"]


def test_groups_ban_rules(vk: Vk) -> None:
    now = int(vk.clock.now().timestamp())
    year = 365 * 86_400
    assert vk.error("groups.ban", token=COMMUNITY, group_id=123, owner_id=1)["error_code"] == 27
    assert vk.error("groups.ban", owner_id=1)["error_code"] == 100
    assert vk.error("groups.ban", group_id=123)["error_code"] == 100
    assert vk.error("groups.ban", group_id=123, owner_id=-123)["error_code"] == 100
    late = vk.error("groups.ban", group_id=123, owner_id=1, end_date=now + year + 60)
    assert late["error_code"] == 100
    assert vk.error("groups.ban", group_id=123, owner_id=1, end_date=now - 1)["error_code"] == 100
    assert vk.error("groups.ban", group_id=123, owner_id=1, reason=5)["error_code"] == 100
    assert vk.call("groups.ban", group_id=123, owner_id=1, end_date=now + year) == 1


# -- the community's profile ---------------------------------------------------------------


def test_groups_edit(vk: Vk) -> None:
    assert vk.call("groups.edit", token=COMMUNITY, group_id=123, title="Город", website="city.ru")
    assert vk.call("groups.edit", group_id=123, description="Описание <b>\nстрока")
    [group] = vk.call("groups.getById", group_id=123, fields="description,site")["groups"]
    assert (group["name"], group["site"]) == ("Город", "city.ru")
    assert group["description"] == "Описание <b>\nстрока"
    profile = vk.view()["profile"]
    assert profile == {
        "title": "Город",
        "description": "Описание <b>\nстрока",
        "website": "city.ru",
        "avatar": None,
        "cover": None,
    }
    assert vk.call("groups.edit", group_id=123, title="я" * 48)
    assert vk.error("groups.edit", group_id=123, title="я" * 49)["error_code"] == 100
    assert vk.error("groups.edit", group_id=123, title=" ")["error_code"] == 100
    assert vk.call("groups.edit", group_id=123, description="я" * 4000)
    assert vk.error("groups.edit", group_id=123, description="я" * 4001)["error_code"] == 100
    assert vk.error("groups.edit", title="x")["error_code"] == 100


def test_community_token_rights_and_community(vk: Vk) -> None:
    limited = "vk1.a.limited-community-token"  # pragma: allowlist secret
    register_community_token(vk.sandbox.store, limited, rights=["photos"], group_id=123)
    assert vk.error("groups.edit", token=limited, group_id=123, title="x")["error_code"] == 15
    managing = "vk1.a.managing-community-token"  # pragma: allowlist secret
    register_community_token(vk.sandbox.store, managing, rights=["manage"], group_id=123)
    assert vk.call("groups.edit", token=managing, group_id=123, title="Город")
    assert vk.error("groups.edit", token=managing, group_id=124, title="x")["error_code"] == 15


def owner_photo(vk: Vk, path: Path) -> dict[str, Any]:
    server = vk.call("photos.getOwnerPhotoUploadServer", owner_id=-123)
    assert server["upload_url"].startswith("https://pu.vk.com/")
    return vk.upload(server["upload_url"], "photo", path)


def test_owner_photo_flow(vk: Vk, tmp_path: Path) -> None:
    assert (
        vk.error("photos.getOwnerPhotoUploadServer", token=COMMUNITY, owner_id=-123)["error_code"]
        == 27
    )
    uploaded = owner_photo(vk, image(tmp_path, "avatar.jpg", (300, 300)))
    assert set(uploaded) == {"server", "photo", "hash"}
    assert vk.error("photos.saveOwnerPhoto", **{**uploaded, "hash": "0" * 32})["error_code"] == 121
    saved = vk.call("photos.saveOwnerPhoto", **uploaded)
    assert saved["saved"] == 1 and saved["photo_src"].startswith("https://")
    assert vk.error("photos.saveOwnerPhoto", **uploaded)["error_code"] == 129  # used up
    avatar = vk.view()["profile"]["avatar"]
    stored = vk.sandbox.store.file_path(avatar)
    assert stored.read_bytes() == (tmp_path / "avatar.jpg").read_bytes()
    [group] = vk.call("groups.getById", group_id=123)["groups"]
    assert group["photo_200"].endswith(avatar)


def test_owner_photo_must_be_200_px(vk: Vk, tmp_path: Path) -> None:
    uploaded = owner_photo(vk, image(tmp_path, "small.jpg", (199, 300)))
    assert vk.error("photos.saveOwnerPhoto", **uploaded)["error_code"] == 5706
    # a wall upload cannot be saved as the community photo, nor the other way round
    server = vk.call("photos.getWallUploadServer", group_id=123)
    wall = vk.upload(server["upload_url"], "photo", image(tmp_path, "w.jpg", (300, 300)))
    assert vk.error("photos.saveOwnerPhoto", **wall)["error_code"] == 129
    avatar = owner_photo(vk, image(tmp_path, "a.jpg", (300, 300)))
    assert vk.error("photos.saveWallPhoto", group_id=123, **avatar)["error_code"] == 100


def cover_server(vk: Vk, **crop: int) -> str:
    server = vk.call("photos.getOwnerCoverPhotoUploadServer", token=COMMUNITY, group_id=123, **crop)
    url: str = server["upload_url"]
    return url


def test_cover_flow(vk: Vk, tmp_path: Path) -> None:
    path = image(tmp_path, "cover.jpg", (1590, 400))
    url = cover_server(vk, crop_x=0, crop_y=0, crop_x2=1590, crop_y2=400)
    uploaded = vk.upload(url, "photo", path)
    assert set(uploaded) == {"photo", "hash"}
    bad = vk.error("photos.saveOwnerCoverPhoto", token=COMMUNITY, photo=uploaded["photo"], hash="0")
    assert bad["error_code"] == 121
    saved = vk.call("photos.saveOwnerCoverPhoto", token=COMMUNITY, **uploaded)
    [picture] = saved["images"]
    assert (picture["width"], picture["height"]) == (1590, 400)
    cover = vk.view()["profile"]["cover"]
    assert vk.sandbox.store.file_path(cover).read_bytes() == path.read_bytes()
    [group] = vk.call("groups.getById", group_id=123, fields="cover")["groups"]
    assert group["cover"]["enabled"] == 1


@pytest.mark.parametrize(
    ("size", "crop"),
    [
        ((700, 200), {}),  # the default crop, 795×200, is larger than the image
        ((1590, 400), {"crop_x2": 700, "crop_y2": 400}),  # a crop under 795×200
        ((800, 190), {"crop_x2": 800, "crop_y2": 190}),
    ],
)
def test_cover_must_be_795_by_200(
    vk: Vk, tmp_path: Path, size: tuple[int, int], crop: dict[str, int]
) -> None:
    uploaded = vk.upload(cover_server(vk, **crop), "photo", image(tmp_path, "c.jpg", size))
    assert uploaded["error"].startswith("ERR_UPLOAD_BAD_IMAGE_SIZE")
    assert vk.view()["profile"]["cover"] is None


def test_cover_crop_is_checked(vk: Vk) -> None:
    params = {"token": COMMUNITY, "group_id": 123}
    upside_down = vk.error("photos.getOwnerCoverPhotoUploadServer", crop_x=800, **params)
    assert upside_down["error_code"] == 100
    limited = "vk1.a.no-photos-community-token"  # pragma: allowlist secret
    register_community_token(vk.sandbox.store, limited, rights=["manage"])
    refused = vk.error("photos.getOwnerCoverPhotoUploadServer", token=limited, group_id=123)
    assert refused["error_code"] == 15


# -- community messages --------------------------------------------------------------------


def write(vk: Vk, text: str, author: str = "1001", name: str = "Иван Петров") -> int:
    return int(vk.sandbox.add_comment("vk", "123", text, author, name, direct=True))


def test_messages_conversations_history_and_send(vk: Vk) -> None:
    first = write(vk, "Здравствуйте")
    vk.clock.advance(5)
    write(vk, "Вопрос", "1002", "Мария")
    vk.clock.advance(5)
    second = write(vk, "Ещё вопрос")
    params = {"token": COMMUNITY, "group_id": 123}

    conversations = vk.call("messages.getConversations", extended=1, **params)
    assert conversations["count"] == 2
    assert [c["conversation"]["peer"]["id"] for c in conversations["items"]] == [1001, 1002]
    newest = conversations["items"][0]
    assert newest["conversation"]["peer"]["type"] == "user"
    assert newest["last_message"]["id"] == second and newest["last_message"]["out"] == 0
    assert {p["id"] for p in conversations["profiles"]} == {1001, 1002}

    history = vk.call("messages.getHistory", peer_id=1001, extended=1, **params)
    assert history["count"] == 2
    assert [m["id"] for m in history["items"]] == [second, first]  # newest first
    assert history["items"][0]["from_id"] == 1001 and history["items"][0]["peer_id"] == 1001
    chronological = vk.call("messages.getHistory", peer_id=1001, rev=1, **params)
    assert [m["id"] for m in chronological["items"]] == [first, second]

    sent = vk.call("messages.send", peer_id=1001, random_id=77, message="Ответ", **params)
    assert isinstance(sent, int)
    again = vk.call("messages.send", peer_id=1001, random_id=77, message="Ответ", **params)
    assert again == sent  # the same random_id: not sent twice
    [reply] = vk.call("messages.getHistory", peer_id=1001, count=1, **params)["items"]
    assert (reply["id"], reply["out"], reply["from_id"]) == (sent, 1, -123)
    shown = vk.view()["messages"]
    assert [(m["author_id"], m["from_account"]) for m in shown][-1] == ("-123", True)


def test_messages_rules(vk: Vk) -> None:
    write(vk, "Здравствуйте")
    params = {"token": COMMUNITY, "group_id": 123}
    never = vk.error("messages.send", peer_id=1005, random_id=1, message="Привет", **params)
    assert never["error_code"] == 901
    assert vk.error("messages.send", peer_id=1001, message="x", **params)["error_code"] == 100
    assert vk.error("messages.send", peer_id=1001, random_id=2, **params)["error_code"] == 100
    too_long = vk.error("messages.send", peer_id=1001, random_id=3, message="я" * 9001, **params)
    assert too_long["error_code"] == 914
    assert vk.error("messages.getConversations", count=201, **params)["error_code"] == 100
    assert vk.error("messages.getConversations", filter="x", **params)["error_code"] == 100
    assert vk.error("messages.getHistory", **params)["error_code"] == 100
    # a community token that is not tied to a community must name it
    assert vk.error("messages.getConversations", token=COMMUNITY)["error_code"] == 100
    # a user token without group_id reads the user's own (empty) inbox
    assert vk.call("messages.getConversations") == {"count": 0, "items": []}
    limited = "vk1.a.no-messages-community-token"  # pragma: allowlist secret
    register_community_token(vk.sandbox.store, limited, rights=["manage", "photos"])
    refused = vk.error("messages.getConversations", token=limited, group_id=123)
    assert refused["error_code"] == 15
    tied = "vk1.a.tied-community-token"  # pragma: allowlist secret
    register_community_token(vk.sandbox.store, tied, group_id=123)
    assert vk.call("messages.getConversations", token=tied)["count"] == 1


# -- views: comments, profile, bans and messages -------------------------------------------


def test_public_view_and_feed_html_show_comments_profile_and_messages(
    vk: Vk, tmp_path: Path
) -> None:
    post_id = vk.post(message="Новость")
    top = comment(vk, post_id, "<script>alert(1)</script>", name="Злой <i>Хакер</i>")
    vk.call(
        "wall.createComment",
        owner_id=-123,
        post_id=post_id,
        from_group=123,
        message="Ответ & спасибо",
        reply_to_comment=top,
    )
    vk.call("groups.edit", group_id=123, title="Город <N>", description="Строка 1\nСтрока 2")
    write(vk, "Личное <письмо>", "1003", "Пётр")
    vk.call("groups.ban", group_id=123, owner_id=1001)

    view = vk.view()
    comments = view["posts"][0]["comments"]
    assert comments[0] == {
        "id": str(top),
        "text": "<script>alert(1)</script>",
        "author_id": "1001",
        "author_name": "Злой <i>Хакер</i>",
        "hidden": False,
        "reply_to": "",
        "from_account": False,
    }
    assert comments[1]["from_account"] is True and comments[1]["author_name"] == "Город <N>"
    assert view["banned"] == [{"user_id": "1001", "until": None}]
    assert view["profile"]["title"] == "Город <N>"
    assert view["messages"][0]["text"] == "Личное <письмо>"

    page = vk.emulator.feed_html(vk.sandbox.store.read("vk"))
    assert "<script>" not in page and "<i>" not in page and "<N>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Ответ &amp; спасибо" in page
    assert "Город &lt;N&gt;" in page and "Строка 1<br>Строка 2" in page
    assert "Личное &lt;письмо&gt;" in page
    assert page.index("Город &lt;N&gt;") < page.index("Новость")  # the header comes first
