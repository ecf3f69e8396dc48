"""The Instagram emulator against the reference: containers, uploads, limits, error shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandboxes, mp4_bytes
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.sandbox import instagram as emulator_module
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.instagram import InstagramEmulator

GRAPH = "https://graph.facebook.com/v25.0"
USER = "17841400000000001"
TOKEN = "sandbox-instagram-main"
MEDIA_BASE = "https://media.example.org/repo"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    (folder / "img").mkdir(parents=True)
    return folder


@pytest.fixture
def sandbox(sandboxes: Sandboxes, repo: Path) -> Sandbox:
    """Only Instagram, with graph.facebook.com routed to it (the Facebook emulator delegates)."""
    box = sandboxes("instagram")
    box._by_host["graph.facebook.com"] = box.emulators["instagram"]
    box.media_roots[MEDIA_BASE] = repo
    return box


@pytest.fixture
def emulator(sandbox: Sandbox) -> InstagramEmulator:
    emu = sandbox.emulators["instagram"]
    assert isinstance(emu, InstagramEmulator)
    return emu


@pytest.fixture
def client(sandbox: Sandbox, sandboxes: Sandboxes) -> httpx.Client:
    return sandboxes.client(sandbox)


def jpeg(repo: Path, name: str, size: tuple[int, int] = (1080, 1080), fmt: str = "JPEG") -> str:
    """Write an image under the repository; return its public URL."""
    Image.new("RGB", size, (200, 30, 30)).save(repo / "img" / name, fmt)
    return f"{MEDIA_BASE}/img/{name}"


def call(
    client: httpx.Client,
    method: str,
    path: str,
    token: str | None = TOKEN,
    **kwargs: Any,
) -> httpx.Response:
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"OAuth {token}"
    return client.request(method, f"{GRAPH}/{path}", headers=headers, **kwargs)


def error_of(response: httpx.Response) -> tuple[int, int]:
    error = response.json()["error"]
    assert error["type"] == "OAuthException" and "fbtrace_id" in error
    return error["code"], error.get("error_subcode", 0)


def status(client: httpx.Client, container: str) -> str:
    answer = call(client, "GET", container, params={"fields": "status_code,status"})
    return str(answer.json()["status_code"])


def image_container(client: httpx.Client, url: str, **fields: str) -> str:
    answer = call(client, "POST", f"{USER}/media", data={"image_url": url, **fields})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def publish(client: httpx.Client, container: str) -> httpx.Response:
    return call(client, "POST", f"{USER}/media_publish", data={"creation_id": container})


def published_photo(client: httpx.Client, repo: Path, caption: str = "Привет") -> str:
    container = image_container(client, jpeg(repo, "p.jpg"), caption=caption)
    assert status(client, container) == "IN_PROGRESS"
    assert status(client, container) == "FINISHED"
    answer = publish(client, container)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def video_chunks(size: int, piece: int = 1024 * 1024) -> Iterator[bytes]:
    """An MP4-looking body: an ftyp box, then zeros, streamed in pieces."""
    head = b"\x00\x00\x00\x18ftypmp42"
    yield head
    left = size - len(head)
    while left > 0:
        yield b"\x00" * min(piece, left)
        left -= piece


# -- routing and auth ------------------------------------------------------------------------


def test_handles_only_instagram_graph_paths(emulator: InstagramEmulator) -> None:
    assert emulator.handles(f"/v25.0/{USER}")
    assert emulator.handles("/v19.0/123/media")
    assert emulator.handles("/v25.0/123/media_publish")
    assert emulator.handles("/v25.0/123/content_publishing_limit")
    assert not emulator.handles("/v25.0/123/feed")
    assert not emulator.handles("/v25.0/123")  # a Facebook Page, unknown to Instagram
    assert not emulator.handles("/latest/123/media")
    assert emulator.hosts == ("rupload.facebook.com",)


def test_handles_ids_it_issued(client: httpx.Client, repo: Path, emulator: Any) -> None:
    container = image_container(client, jpeg(repo, "a.jpg"))
    assert emulator.handles(f"/v25.0/{container}")


def test_any_version_is_accepted_and_a_bad_one_refused(client: httpx.Client) -> None:
    assert call(client, "GET", USER).status_code == 200
    answer = client.get(
        f"https://graph.facebook.com/v7.0/{USER}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert answer.status_code == 200
    bad = client.get(
        f"https://graph.facebook.com/latest/{USER}", headers={"Authorization": f"OAuth {TOKEN}"}
    )
    assert error_of(bad)[0] == 2500


def test_missing_token_is_error_104(client: httpx.Client) -> None:
    assert error_of(call(client, "GET", USER, token=None)) == (104, 0)


def test_token_in_query_or_form_is_accepted(client: httpx.Client) -> None:
    answer = client.get(f"{GRAPH}/{USER}", params={"access_token": TOKEN, "fields": "username"})
    assert answer.json() == {"id": USER, "username": f"sandbox_{USER}"}


def test_revoked_token_is_error_190(client: httpx.Client, sandbox: Sandbox) -> None:
    revoke_token(sandbox.store, TOKEN)
    answer = call(client, "GET", USER)
    assert answer.status_code == 400
    assert error_of(answer) == (190, 460)


def test_unknown_field_and_unknown_path(client: httpx.Client) -> None:
    assert error_of(call(client, "GET", USER, params={"fields": "nope"}))[0] == 100
    assert error_of(call(client, "GET", f"{USER}/feed/x"))[0] == 2500


def test_graph_paths_are_not_served_on_the_upload_host(client: httpx.Client) -> None:
    answer = client.get(f"https://rupload.facebook.com/v25.0/{USER}")
    assert answer.status_code == 404


# -- image containers ------------------------------------------------------------------------


def test_image_container_requires_image_url(client: httpx.Client) -> None:
    answer = call(client, "POST", f"{USER}/media", data={"caption": "x"})
    assert error_of(answer) == (100, 0)
    assert "image_url" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    "url",
    [f"{MEDIA_BASE}/img/missing.jpg", f"{MEDIA_BASE}/img/фото.jpg", "https://elsewhere.org/a.jpg"],
)
def test_unfetchable_image_is_9004(client: httpx.Client, repo: Path, url: str) -> None:
    (repo / "img" / "фото.jpg").write_bytes(b"")  # exists, but a non-ASCII URL is never fetched
    answer = call(client, "POST", f"{USER}/media", data={"image_url": url})
    assert error_of(answer) == (9004, 2207052)


def test_percent_encoded_url_is_fetched(client: httpx.Client, repo: Path) -> None:
    jpeg(repo, "фото 1.jpg")
    url = f"{MEDIA_BASE}/img/%D1%84%D0%BE%D1%82%D0%BE%201.jpg"
    image_container(client, url)


@pytest.mark.parametrize(
    ("size", "fmt", "expected"),
    [
        ((1080, 1080), "PNG", (36001, 2207005)),
        ((1000, 1300), "JPEG", (36003, 2207009)),  # taller than 4:5
        ((1000, 500), "JPEG", (36003, 2207009)),  # wider than 1.91:1
    ],
)
def test_image_rules(
    client: httpx.Client, repo: Path, size: tuple[int, int], fmt: str, expected: tuple[int, int]
) -> None:
    answer = call(client, "POST", f"{USER}/media", data={"image_url": jpeg(repo, "x", size, fmt)})
    assert error_of(answer) == expected


@pytest.mark.parametrize("size", [(1080, 1350), (1910, 1000), (200, 200), (2000, 2000)])
def test_image_edges_and_odd_widths_are_accepted(
    client: httpx.Client, repo: Path, size: tuple[int, int]
) -> None:
    image_container(client, jpeg(repo, "edge.jpg", size))


def test_image_over_8_mb_is_36000(
    client: httpx.Client, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(emulator_module, "IMAGE_MAX_BYTES", 100)
    answer = call(client, "POST", f"{USER}/media", data={"image_url": jpeg(repo, "big.jpg")})
    assert error_of(answer) == (36000, 2207004)


def test_caption_limits(client: httpx.Client, repo: Path) -> None:
    url = jpeg(repo, "c.jpg")
    long = call(client, "POST", f"{USER}/media", data={"image_url": url, "caption": "я" * 2201})
    assert error_of(long) == (100, 0)
    tags = " ".join(f"#t{i}" for i in range(31))
    many = call(client, "POST", f"{USER}/media", data={"image_url": url, "caption": tags})
    assert error_of(many) == (100, 2207040)
    image_container(client, url, caption="я" * 2200)


def test_container_finishes_after_one_status_check(client: httpx.Client, repo: Path) -> None:
    container = image_container(client, jpeg(repo, "s.jpg"))
    answer = call(client, "GET", container, params={"fields": "status_code,status"})
    assert answer.json()["status_code"] == "IN_PROGRESS"
    assert answer.json()["id"] == container
    assert status(client, container) == "FINISHED"


def test_container_finishes_by_itself_after_a_while(
    client: httpx.Client, repo: Path, clock: FakeClock
) -> None:
    container = image_container(client, jpeg(repo, "s.jpg"))
    clock.advance(emulator_module.IMAGE_PROCESSING)
    assert status(client, container) == "FINISHED"


def test_container_expires_after_24_hours(
    client: httpx.Client, repo: Path, clock: FakeClock
) -> None:
    container = image_container(client, jpeg(repo, "s.jpg"))
    clock.advance(24 * 3600)
    assert status(client, container) == "EXPIRED"
    assert error_of(publish(client, container)) == (-2, 2207020)


# -- publishing ------------------------------------------------------------------------------


def test_publish_before_finished_is_9007(client: httpx.Client, repo: Path) -> None:
    container = image_container(client, jpeg(repo, "n.jpg"))
    answer = publish(client, container)
    assert error_of(answer) == (9007, 2207027)
    assert answer.json()["error"]["error_user_msg"]


def test_publish_requires_creation_id(client: httpx.Client) -> None:
    answer = call(client, "POST", f"{USER}/media_publish")
    assert error_of(answer) == (100, 0)


def test_publish_makes_media_with_permalink(
    client: httpx.Client, repo: Path, sandbox: Sandbox
) -> None:
    media_id = published_photo(client, repo, caption="Субботник <b>в парке</b>")
    fields = "id,caption,permalink,timestamp,media_type,media_product_type"
    media = call(client, "GET", media_id, params={"fields": fields}).json()
    assert media["caption"] == "Субботник <b>в парке</b>"
    assert media["permalink"].startswith("https://www.instagram.com/p/")
    assert media["timestamp"] == "2026-12-01T09:00:00+0000"
    assert (media["media_type"], media["media_product_type"]) == ("IMAGE", "FEED")
    view = sandbox.show()["instagram"]
    (post,) = view["posts"]
    assert post["id"] == media_id and post["text"] == media["caption"] and post["poll"] is None
    assert post["url"] == media["permalink"]
    assert sandbox.store.file_path(post["media"][0]["file"]).is_file()
    assert view["quota"] == {USER: 1}


def test_a_container_is_published_once(client: httpx.Client, repo: Path) -> None:
    container = image_container(client, jpeg(repo, "o.jpg"))
    status(client, container)
    assert publish(client, container).status_code == 200
    assert status(client, container) == "PUBLISHED"
    assert error_of(publish(client, container))[0] == 100


def test_publishing_limit_and_quota(
    client: httpx.Client, repo: Path, sandbox: Sandbox, clock: FakeClock
) -> None:
    published_photo(client, repo)
    answer = call(
        client, "GET", f"{USER}/content_publishing_limit", params={"fields": "config,quota_usage"}
    )
    assert answer.json() == {
        "data": [{"quota_usage": 1, "config": {"quota_total": 50, "quota_duration": 86400}}]
    }
    with sandbox.store.transaction("instagram") as state:
        state["publishes"][USER] = [clock.now().timestamp() - 24 * 3600 + 60] * 50
    container = image_container(client, jpeg(repo, "q.jpg"))
    status(client, container)
    assert error_of(publish(client, container)) == (9, 2207042)
    clock.advance(60)  # the rolling window frees the 50 older posts
    limit = call(client, "GET", f"{USER}/content_publishing_limit")
    assert limit.json() == {"data": [{"quota_usage": 0}]}
    assert publish(client, container).status_code == 200


# -- carousels -------------------------------------------------------------------------------


def carousel(client: httpx.Client, children: list[str], caption: str = "") -> httpx.Response:
    data = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption}
    return call(client, "POST", f"{USER}/media", data=data)


def items(client: httpx.Client, repo: Path, count: int, ready: bool = True) -> list[str]:
    result = []
    for index in range(count):
        url = jpeg(repo, f"i{index}.jpg")
        child = image_container(client, url, is_carousel_item="true", alt_text=f"alt {index}")
        if ready:
            status(client, child)
        result.append(child)
    return result


@pytest.mark.parametrize("count", [1, 11])
def test_carousel_needs_2_to_10_items(client: httpx.Client, repo: Path, count: int) -> None:
    assert error_of(carousel(client, items(client, repo, count))) == (100, 2207028)


def test_carousel_items_must_be_finished(client: httpx.Client, repo: Path) -> None:
    answer = carousel(client, items(client, repo, 2, ready=False))
    assert error_of(answer) == (9007, 2207027)


def test_carousel_item_cannot_be_published_alone(client: httpx.Client, repo: Path) -> None:
    (child, _) = items(client, repo, 2)
    assert error_of(publish(client, child))[0] == 100


def test_carousel_publishes_all_items(client: httpx.Client, repo: Path, sandbox: Sandbox) -> None:
    children = items(client, repo, 3)
    answer = carousel(client, children, caption="Три фото")
    container = answer.json()["id"]
    assert status(client, container) == "IN_PROGRESS"
    assert status(client, container) == "FINISHED"
    media_id = publish(client, container).json()["id"]
    media = call(client, "GET", media_id, params={"fields": "media_type"}).json()
    assert media["media_type"] == "CAROUSEL_ALBUM"
    (post,) = sandbox.show()["instagram"]["posts"]
    assert [item["alt"] for item in post["media"]] == ["alt 0", "alt 1", "alt 2"]
    html = sandbox.emulators["instagram"].feed_html(sandbox.store.read("instagram"))
    assert html.count("<img ") == 3 and "ig-carousel" in html and "1/3" in html


# -- video: resumable upload -----------------------------------------------------------------


def reels_container(client: httpx.Client, **fields: str) -> dict[str, Any]:
    data = {"media_type": "REELS", "upload_type": "resumable", "caption": "Видео", **fields}
    answer = call(client, "POST", f"{USER}/media", data=data)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def upload(
    client: httpx.Client, uri: str, body: Any, size: int, token: str = TOKEN
) -> httpx.Response:
    headers = {"Authorization": f"OAuth {token}", "offset": "0", "file_size": str(size)}
    return client.post(uri, headers=headers, content=body)


def test_resumable_container_answers_the_upload_uri(client: httpx.Client) -> None:
    created = reels_container(client)
    expected = f"https://rupload.facebook.com/ig-api-upload/v25.0/{created['id']}"
    assert created["uri"] == expected
    assert status(client, created["id"]) == "IN_PROGRESS"
    assert error_of(publish(client, created["id"])) == (9007, 2207027)


def test_video_upload_streams_and_publishes_a_reel(client: httpx.Client, sandbox: Sandbox) -> None:
    created = reels_container(client)
    size = 5 * 1024 * 1024 + 123
    answer = upload(client, created["uri"], video_chunks(size), size)
    assert answer.json() == {"success": True, "message": "Upload successful."}
    assert status(client, created["id"]) == "IN_PROGRESS"
    assert status(client, created["id"]) == "FINISHED"
    media_id = publish(client, created["id"]).json()["id"]
    fields = "media_type,media_product_type,permalink"
    media = call(client, "GET", media_id, params={"fields": fields}).json()
    assert (media["media_type"], media["media_product_type"]) == ("VIDEO", "REELS")
    assert "/reel/" in media["permalink"]
    (post,) = sandbox.show()["instagram"]["posts"]
    assert post["media"][0]["size"] == size
    assert sandbox.store.file_path(post["media"][0]["file"]).stat().st_size == size


def test_upload_checks_headers_size_and_token(client: httpx.Client, sandbox: Sandbox) -> None:
    created = reels_container(client)
    bare = client.post(created["uri"], headers={"Authorization": f"OAuth {TOKEN}"}, content=b"x")
    assert bare.status_code == 400 and bare.json()["debug_info"]["type"] == "ProcessingFailedError"
    short = upload(client, created["uri"], b"\x00" * 10, 20)
    assert short.json()["debug_info"]["retriable"] is True
    revoke_token(sandbox.store, "old-token")
    denied = upload(client, created["uri"], b"\x00" * 10, 10, token="old-token")
    assert denied.status_code == 401
    assert denied.json()["debug_info"]["type"] == "AuthorizationError"
    unknown = upload(client, "https://rupload.facebook.com/ig-api-upload/v25.0/999", b"x", 1)
    assert unknown.status_code == 400


def test_upload_that_is_not_a_video_ends_in_error(client: httpx.Client) -> None:
    created = reels_container(client)
    upload(client, created["uri"], b"GIF89a" + b"\x00" * 100, 106)
    status(client, created["id"])
    answer = call(client, "GET", created["id"], params={"fields": "status_code,status"})
    assert answer.json()["status_code"] == "ERROR"
    assert "2207026" in answer.json()["status"]


@pytest.mark.parametrize(
    ("seconds", "code"),
    [(2.9, "ERROR"), (3.0, "FINISHED"), (15 * 60, "FINISHED"), (15 * 60 + 1, "ERROR")],
)
def test_a_reel_plays_three_seconds_to_fifteen_minutes(
    client: httpx.Client, seconds: float, code: str
) -> None:
    created = reels_container(client)
    body = mp4_bytes(seconds)
    upload(client, created["uri"], body, len(body))
    status(client, created["id"])
    answer = call(client, "GET", created["id"], params={"fields": "status_code,status"})

    assert answer.json()["status_code"] == code
    if code == "ERROR":
        assert answer.json()["status"] == "Error: Media upload has failed with error code 2207026"
        assert error_of(publish(client, created["id"])) == (-1, 2207032)


def test_video_media_type_is_only_for_carousel_items(client: httpx.Client) -> None:
    data = {"media_type": "VIDEO", "upload_type": "resumable"}
    assert error_of(call(client, "POST", f"{USER}/media", data=data))[0] == 100
    data["is_carousel_item"] = "true"
    assert "uri" in call(client, "POST", f"{USER}/media", data=data).json()


def test_video_url_without_upload(client: httpx.Client, repo: Path) -> None:
    data = {"media_type": "REELS"}
    assert "video_url" in call(client, "POST", f"{USER}/media", data=data).text
    (repo / "img" / "v.mp4").write_bytes(b"".join(video_chunks(2000)))
    data["video_url"] = f"{MEDIA_BASE}/img/v.mp4"
    container = call(client, "POST", f"{USER}/media", data=data).json()["id"]
    assert status(client, container) == "IN_PROGRESS"
    assert status(client, container) == "FINISHED"


# -- delete, edit, list ----------------------------------------------------------------------


def test_delete_media(client: httpx.Client, repo: Path, sandbox: Sandbox) -> None:
    media_id = published_photo(client, repo)
    assert call(client, "DELETE", media_id).json() == {"success": True}
    assert error_of(call(client, "GET", media_id)) == (100, 33)
    again = call(client, "DELETE", media_id)
    assert error_of(again) == (100, 33)
    assert "Unsupported delete request" in again.json()["error"]["message"]
    assert sandbox.show()["instagram"]["posts"] == []


def test_containers_cannot_be_deleted(client: httpx.Client, repo: Path) -> None:
    container = image_container(client, jpeg(repo, "d.jpg"))
    assert error_of(call(client, "DELETE", container)) == (100, 33)


def test_only_comment_enabled_can_change(client: httpx.Client, repo: Path) -> None:
    media_id = published_photo(client, repo)
    refused = call(client, "POST", media_id, data={"caption": "new"})
    assert error_of(refused) == (100, 0)
    done = call(client, "POST", media_id, data={"comment_enabled": "false"})
    assert done.json() == {"success": True}
    fields = {"fields": "is_comment_enabled"}
    assert call(client, "GET", media_id, params=fields).json()["is_comment_enabled"] is False


def test_media_list_pages_newest_first(client: httpx.Client, repo: Path) -> None:
    ids = [published_photo(client, repo, caption=f"пост {n}") for n in range(3)]
    params = {"fields": "id,caption", "limit": "2"}
    first = call(client, "GET", f"{USER}/media", params=params).json()
    assert [m["id"] for m in first["data"]] == ids[:0:-1]
    assert TOKEN not in first["paging"]["next"]
    after = first["paging"]["cursors"]["after"]
    second = call(client, "GET", f"{USER}/media", params={**params, "after": after}).json()
    assert second["data"] == [{"id": ids[0], "caption": "пост 0"}]
    assert "next" not in second["paging"]


def test_user_fields(client: httpx.Client, repo: Path) -> None:
    published_photo(client, repo)
    answer = call(client, "GET", USER, params={"fields": "id,username,media_count"})
    assert answer.json() == {"id": USER, "username": f"sandbox_{USER}", "media_count": 1}


# -- rate limits and faults ------------------------------------------------------------------


def test_business_use_case_limit_is_80002(
    client: httpx.Client, emulator: InstagramEmulator, clock: FakeClock
) -> None:
    emulator.buc_calls, emulator.buc_window = 2, 120.0
    assert call(client, "GET", USER).status_code == 200
    assert call(client, "GET", USER).status_code == 200
    limited = call(client, "GET", USER)
    assert error_of(limited) == (80002, 0)
    assert limited.json()["error"]["is_transient"] is True
    usage = json.loads(limited.headers["X-Business-Use-Case-Usage"])
    assert usage[USER][0]["estimated_time_to_regain_access"] == 2
    clock.advance(120)
    assert call(client, "GET", USER).status_code == 200


@pytest.mark.parametrize(("kind", "code", "http"), [("rate429", 80002, 400), ("error500", 2, 500)])
def test_fault_responses(emulator: InstagramEmulator, kind: str, code: int, http: int) -> None:
    response = emulator.fault_response(kind)
    assert response.status_code == http
    body = json.loads(response.get_data())
    assert body["error"]["code"] == code and body["error"]["is_transient"] is True
    if kind == "rate429":
        usage = json.loads(response.headers["X-Business-Use-Case-Usage"])
        assert usage["sandbox"][0]["estimated_time_to_regain_access"] == 1


# -- views -----------------------------------------------------------------------------------


def test_feed_html_escapes_text(client: httpx.Client, repo: Path, sandbox: Sandbox) -> None:
    published_photo(client, repo, caption="<script>alert(1)</script>\nвторая строка")
    html = sandbox.emulators["instagram"].feed_html(sandbox.store.read("instagram"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="/files/' in html and "<br>" in html
    assert f"@sandbox_{USER}" in html


# -- comments --------------------------------------------------------------------------------

FIELDS = (
    "id,text,timestamp,username,from{id,username},hidden,parent_id,user,"
    "replies{id,text,timestamp,username,from{id,username},hidden,user}"
)


def comments(client: httpx.Client, media_id: str, **params: str) -> dict[str, Any]:
    answer = call(client, "GET", f"{media_id}/comments", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_handles_comment_paths_of_ids_it_issued(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator
) -> None:
    media_id = published_photo(client, repo)
    comment = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    assert emulator.handles(f"/v25.0/{media_id}/comments")
    assert emulator.handles(f"/v25.0/{comment}")
    assert emulator.handles(f"/v25.0/{comment}/replies")
    assert not emulator.handles("/v25.0/123_456/comments")  # a Facebook post
    assert not emulator.handles("/v25.0/123456/comments")
    assert not emulator.handles(f"/v25.0/{int(comment) + 1000}/replies")  # not issued


def test_the_facebook_emulator_hands_comment_paths_over(
    sandboxes: Sandboxes,
    repo: Path,
) -> None:
    box = sandboxes("facebook", "instagram")
    box.media_roots[MEDIA_BASE] = repo
    http = sandboxes.client(box)
    media_id = published_photo(http, repo)
    comment = box.add_comment("instagram", media_id, "вопрос", "501", "ivan")
    listed = comments(http, media_id, fields="id,text")
    assert listed["data"] == [{"id": comment, "text": "вопрос"}]
    answer = call(http, "POST", f"{comment}/replies", data={"message": "ответ"})
    assert answer.status_code == 200 and "id" in answer.json()
    assert call(http, "POST", comment, data={"hide": "true"}).json() == {"success": True}
    assert call(http, "DELETE", comment).json() == {"success": True}


def test_comments_newest_first_with_nested_fields(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, clock: FakeClock
) -> None:
    media_id = published_photo(client, repo)
    first = emulator.add_comment(media_id, "первый", "501", "ivan")
    clock.advance(60)
    reply = emulator.add_comment(media_id, "ответ", "502", "olga", reply_to=first)
    clock.advance(60)
    second = emulator.add_comment(media_id, "второй", "503", "")
    body = comments(client, media_id, fields=FIELDS)
    assert [c["id"] for c in body["data"]] == [second, first]
    newest, oldest = body["data"]
    assert newest["from"] == {"id": "503", "username": "user503"} and "replies" not in newest
    assert "parent_id" not in oldest and "user" not in oldest
    assert oldest["hidden"] is False and oldest["timestamp"].endswith("+0000")
    (nested,) = oldest["replies"]["data"]
    assert nested == {
        "id": reply,
        "text": "ответ",
        "timestamp": nested["timestamp"],
        "username": "olga",
        "from": {"id": "502", "username": "olga"},
        "hidden": False,
    }
    assert "next" not in oldest["replies"]["paging"]
    assert "next" not in body["paging"]


def test_comment_default_and_unknown_fields(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator
) -> None:
    media_id = published_photo(client, repo)
    comment = emulator.add_comment(media_id, "текст", "501", "ivan")
    (plain,) = comments(client, media_id)["data"]
    assert set(plain) == {"id", "text", "timestamp"}
    for bad in ("nope", "from{nope}", "replies{id", "{id}"):
        answer = call(client, "GET", f"{media_id}/comments", params={"fields": bad})
        assert error_of(answer) == (100, 0)
    got = call(client, "GET", comment, params={"fields": "id,media{id},like_count,from"})
    assert got.json() == {
        "id": comment,
        "media": {"id": media_id},
        "like_count": 0,
        "from": {"id": "501", "username": "ivan"},
    }


def test_comments_page_by_limit_and_after(
    client: httpx.Client,
    repo: Path,
    emulator: InstagramEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(emulator_module, "COMMENTS_MAX_LIMIT", 4)
    media_id = published_photo(client, repo)
    ids = [emulator.add_comment(media_id, f"к {n}", "501", "ivan") for n in range(6)]
    first = comments(client, media_id, fields="id", limit="50")  # clamped to the largest
    assert len(first["data"]) == 4 and "next" in first["paging"]
    after = first["paging"]["cursors"]["after"]
    second = comments(client, media_id, fields="id", limit="50", after=after)
    assert [c["id"] for c in first["data"] + second["data"]] == ids[::-1]
    assert "next" not in second["paging"]


def test_many_replies_continue_on_the_replies_edge(
    client: httpx.Client,
    repo: Path,
    emulator: InstagramEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(emulator_module, "NESTED_REPLIES_LIMIT", 3)
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    replies = [emulator.add_comment(media_id, f"о {n}", "502", "o", reply_to=top) for n in range(5)]
    (item,) = comments(client, media_id, fields="id,replies{id,text}")["data"]
    expanded = item["replies"]
    assert [r["id"] for r in expanded["data"]] == replies[:3]
    next_url = expanded["paging"]["next"]
    assert f"/v25.0/{top}/replies?" in next_url and TOKEN not in next_url
    after = expanded["paging"]["cursors"]["after"]
    rest = call(client, "GET", f"{top}/replies", params={"fields": "id", "after": after})
    assert [r["id"] for r in rest.json()["data"]] == replies[3:]
    first = call(client, "GET", f"{top}/replies", params={"fields": "id,parent_id"}).json()
    assert first["data"][0] == {"id": replies[0], "parent_id": top}


def test_replies_as_the_account(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, sandbox: Sandbox
) -> None:
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    nested = emulator.add_comment(media_id, "и я", "502", "olga", reply_to=top)
    answer = call(client, "POST", f"{nested}/replies", data={"message": "Ответ"})
    reply_id = answer.json()["id"]
    got = call(client, "GET", reply_id, params={"fields": "parent_id,user,from,username"})
    assert got.json() == {
        "id": reply_id,
        "parent_id": top,  # an answer to a reply joins the top-level comment
        "user": {"id": USER},
        "from": {"id": USER, "username": f"sandbox_{USER}"},
        "username": f"sandbox_{USER}",
    }
    own = call(client, "POST", f"{media_id}/comments", data={"message": "От администрации"})
    view = {c["id"]: c for c in sandbox.show()["instagram"]["posts"][0]["comments"]}
    assert view[reply_id] == {
        "id": reply_id,
        "text": "Ответ",
        "author_id": USER,
        "author_name": f"sandbox_{USER}",
        "hidden": False,
        "reply_to": top,
        "from_account": True,
    }
    assert view[own.json()["id"]]["reply_to"] == ""
    fields = {"fields": "comments_count"}
    assert call(client, "GET", media_id, params=fields).json()["comments_count"] == 4


@pytest.mark.parametrize("message", ["", "   ", "я" * 2201])
def test_reply_message_is_checked(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, message: str
) -> None:
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    answer = call(client, "POST", f"{top}/replies", data={"message": message})
    assert error_of(answer) == (100, 0)
    assert (
        error_of(call(client, "POST", f"{media_id}/comments", data={"message": message}))[0] == 100
    )


def test_hide_and_unhide(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, sandbox: Sandbox
) -> None:
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "грубость", "501", "ivan")
    assert call(client, "POST", top, data={"hide": "true"}).json() == {"success": True}
    (listed,) = comments(client, media_id, fields="id,hidden")["data"]
    assert listed == {"id": top, "hidden": True}  # the owner still sees hidden comments
    refused = call(client, "POST", f"{top}/replies", data={"message": "ответ"})
    assert error_of(refused) == (100, 0) and "hidden" in refused.json()["error"]["message"]
    assert call(client, "POST", top, data={"hide": "false"}).json() == {"success": True}
    assert sandbox.show()["instagram"]["posts"][0]["comments"][0]["hidden"] is False
    assert error_of(call(client, "POST", top, data={})) == (100, 0)


def test_own_comments_cannot_be_hidden(client: httpx.Client, repo: Path) -> None:
    media_id = published_photo(client, repo)
    own = call(client, "POST", f"{media_id}/comments", data={"message": "Наш"}).json()["id"]
    assert error_of(call(client, "POST", own, data={"hide": "true"})) == (100, 0)


def test_delete_comment_takes_its_replies(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, sandbox: Sandbox
) -> None:
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    nested = emulator.add_comment(media_id, "ответ", "502", "olga", reply_to=top)
    other = emulator.add_comment(media_id, "другой", "503", "petr")
    assert call(client, "DELETE", top).json() == {"success": True}
    shown = sandbox.show()["instagram"]["posts"][0]["comments"]
    assert [c["id"] for c in shown] == [other]
    for gone in (top, nested):
        assert error_of(call(client, "GET", gone)) == (100, 33)
    again = call(client, "DELETE", top)
    assert error_of(again) == (100, 33) and "Unsupported delete request" in again.text
    assert error_of(call(client, "GET", f"{top}/replies")) == (100, 33)
    assert error_of(call(client, "POST", top, data={"hide": "true"})) == (100, 33)


def test_comments_of_deleted_media_are_gone(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator
) -> None:
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    call(client, "DELETE", media_id)
    assert error_of(call(client, "GET", f"{media_id}/comments")) == (100, 33)
    assert error_of(call(client, "GET", top)) == (100, 33)
    with pytest.raises(ValueError):
        emulator.add_comment(media_id, "ещё", "501", "ivan")


def test_comment_calls_need_a_token_and_count_against_the_budget(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, sandbox: Sandbox
) -> None:
    media_id = published_photo(client, repo)
    top = emulator.add_comment(media_id, "вопрос", "501", "ivan")
    assert error_of(call(client, "GET", f"{media_id}/comments", token=None)) == (104, 0)
    revoke_token(sandbox.store, "sandbox-revoked")
    assert error_of(call(client, "DELETE", top, token="sandbox-revoked")) == (190, 460)
    emulator.buc_calls, emulator.buc_window = 0, 60.0
    assert error_of(call(client, "POST", top, data={"hide": "true"})) == (80002, 0)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"direct": True}, "direct"),
        ({"text": ""}, "characters"),
        ({"text": "я" * 2201}, "characters"),
        ({"reply_to": "17900000000009999"}, "no comment"),
    ],
)
def test_add_comment_refuses(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, kwargs: Any, problem: str
) -> None:
    media_id = published_photo(client, repo)
    args = {"post_id": media_id, "text": "текст", "author_id": "1", "author_name": "a", **kwargs}
    with pytest.raises(ValueError, match=problem):
        emulator.add_comment(**args)


def test_no_comments_when_turned_off(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator
) -> None:
    media_id = published_photo(client, repo)
    call(client, "POST", media_id, data={"comment_enabled": "false"})
    with pytest.raises(ValueError, match="turned off"):
        emulator.add_comment(media_id, "текст", "1", "a")


# -- the profile -----------------------------------------------------------------------------


def test_the_profile_cannot_be_changed_through_the_api(
    client: httpx.Client, repo: Path, sandbox: Sandbox
) -> None:
    published_photo(client, repo)
    for field in ("biography", "name", "website", "profile_picture_url"):
        assert error_of(call(client, "POST", USER, data={field: "x"})) == (100, 33)
    view = sandbox.show()["instagram"]
    assert view["profile"] == {
        "title": f"sandbox_{USER}",
        "description": None,
        "website": None,
        "avatar": None,
        "cover": None,
    }
    assert view["banned"] == []


def test_profile_edited_in_the_app_shows(
    client: httpx.Client, repo: Path, emulator: InstagramEmulator, sandbox: Sandbox
) -> None:
    media_id = published_photo(client, repo)
    emulator.edit_profile(
        USER,
        name="Администрация <города>",
        biography="Новости & объявления",
        website="https://city.example",
        profile_picture="avatar.jpg",
    )
    fields = {"fields": "name,biography,website,profile_picture_url"}
    assert call(client, "GET", USER, params=fields).json() == {
        "id": USER,
        "name": "Администрация <города>",
        "biography": "Новости & объявления",
        "website": "https://city.example",
        "profile_picture_url": "/files/avatar.jpg",
    }
    assert sandbox.show()["instagram"]["profile"] == {
        "title": "Администрация <города>",
        "description": "Новости & объявления",
        "website": "https://city.example",
        "avatar": "avatar.jpg",
        "cover": None,
    }
    with pytest.raises(ValueError):
        emulator.edit_profile(USER, cover="c.jpg")
    top = emulator.add_comment(media_id, "<b>жирный</b>", "501", "ivan")
    emulator.add_comment(media_id, "ответ", "502", "olga", reply_to=top)
    call(client, "POST", top, data={"hide": "true"})
    page = emulator.feed_html(sandbox.store.read("instagram"))
    assert page.index('class="ig-profile"') < page.index('class="ig-post"')
    assert "Администрация &lt;города&gt;" in page and "Новости &amp; объявления" in page
    assert '<img class="ig-avatar" src="/files/avatar.jpg"' in page
    assert "<b>жирный" not in page and "&lt;b&gt;жирный&lt;/b&gt;" in page
    assert 'class="ig-comment ig-hidden"' in page and "(скрыт)" in page
    assert 'class="ig-comment ig-reply"' in page
