"""The Facebook Graph emulator against the reference: params, errors, limits, uploads, views."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandboxes
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.facebook import (
    ABOUT_LIMIT,
    COMMENT_LIMIT,
    TEXT_LIMIT,
    FacebookEmulator,
    UsageBudget,
)

PAGE = "4242"
TOKEN = "sandbox-facebook-main"
GRAPH = "https://graph.facebook.com/v25.0"
VIDEO = "https://graph-video.facebook.com/v25.0"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KB = 1024


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("facebook")


@pytest.fixture
def emulator(sandbox: Sandbox) -> FacebookEmulator:
    emulator = sandbox.emulators["facebook"]
    assert isinstance(emulator, FacebookEmulator)
    return emulator


@pytest.fixture
def http(sandbox: Sandbox, sandboxes: Sandboxes) -> httpx.Client:
    return sandboxes.client(sandbox)


def call(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("headers", AUTH)
    url = path if path.startswith("https://") else f"{GRAPH}/{path}"
    return http.request(method, url, **kwargs)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    assert body["fbtrace_id"]
    return body


def png_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), color).save(buffer, "PNG")
    return buffer.getvalue()


def upload_photo(http: httpx.Client, published: bool = False, page: str = PAGE) -> str:
    data = {} if published else {"published": "false"}
    response = call(
        http, "POST", f"{page}/photos", data=data, files={"source": ("a.png", png_bytes())}
    )
    assert response.status_code == 200, response.text
    photo_id: str = response.json()["id"]
    return photo_id


def feed(http: httpx.Client, **params: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = call(http, "GET", f"{PAGE}/feed", params=params).json()["data"]
    return data


# -- versions, tokens, proofs ---------------------------------------------------------------


@pytest.mark.parametrize("version", ["v25.0", "v27.0", "v3.0"])
def test_any_major_version_prefix_is_accepted(version: str, http: httpx.Client) -> None:
    response = call(http, "GET", f"https://graph.facebook.com/{version}/{PAGE}")

    assert response.status_code == 200
    assert response.json() == {"id": PAGE, "name": f"Страница {PAGE}"}


@pytest.mark.parametrize("version", ["v25.1", "latest", "25.0"])
def test_other_path_prefixes_are_unknown(version: str, http: httpx.Client) -> None:
    response = call(http, "GET", f"https://graph.facebook.com/{version}/{PAGE}")

    assert error_of(response)["code"] == 2500


def test_a_token_is_required(http: httpx.Client) -> None:
    response = call(http, "GET", PAGE, headers={})

    assert response.status_code == 400
    assert error_of(response)["code"] == 104


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({"Authorization": f"Bearer {TOKEN}"}, {}),
        ({"Authorization": f"OAuth {TOKEN}"}, {}),
        ({}, {"access_token": TOKEN}),
    ],
)
def test_token_from_header_or_parameter(
    headers: dict[str, str], params: dict[str, str], http: httpx.Client
) -> None:
    assert call(http, "GET", PAGE, headers=headers, params=params).status_code == 200


def test_revoked_token_gets_190_460(sandbox: Sandbox, http: httpx.Client) -> None:
    revoke_token(sandbox.store, TOKEN)

    error = error_of(call(http, "POST", f"{PAGE}/feed", data={"message": "x"}))

    assert (error["code"], error["error_subcode"], error["type"]) == (190, 460, "OAuthException")


def test_appsecret_proof_is_checked(emulator: FacebookEmulator, http: httpx.Client) -> None:
    good = hmac.new(emulator.app_secret.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()

    assert call(http, "GET", PAGE, params={"appsecret_proof": good}).status_code == 200
    error = error_of(call(http, "GET", PAGE, params={"appsecret_proof": "0" * 64}))
    assert error["code"] == 100 and "appsecret_proof" in error["message"]


def test_two_sandboxes_can_live_in_one_process(tmp_path: Path, sandboxes: Sandboxes) -> None:
    first = sandboxes("facebook", state=tmp_path / "one")
    second = sandboxes("facebook", state=tmp_path / "two")

    for sandbox in (first, second):
        assert call(sandboxes.client(sandbox), "GET", PAGE).status_code == 200


# -- the feed ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["params", "data", "files"])
def test_parameters_come_from_query_form_or_multipart(where: str, http: httpx.Client) -> None:
    fields: dict[str, Any] = {"message": f"Текст из {where}"}
    if where == "files":
        kwargs: dict[str, Any] = {"files": {name: (None, value) for name, value in fields.items()}}
    else:
        kwargs = {where: fields}

    response = call(http, "POST", f"{PAGE}/feed", **kwargs)

    assert response.status_code == 200
    assert response.json()["id"].startswith(f"{PAGE}_")
    assert feed(http)[0]["message"] == f"Текст из {where}"


def test_post_needs_a_message_or_an_attachment(http: httpx.Client) -> None:
    error = error_of(call(http, "POST", f"{PAGE}/feed", data={}))

    assert error["code"] == 100


def test_message_limit(http: httpx.Client) -> None:
    at_limit = call(http, "POST", f"{PAGE}/feed", data={"message": "я" * TEXT_LIMIT})
    over = call(http, "POST", f"{PAGE}/feed", data={"message": "ю" * (TEXT_LIMIT + 1)})

    assert at_limit.status_code == 200
    assert error_of(over)["code"] == 100


@pytest.mark.parametrize(
    ("link", "code"),
    [("ftp://example.org/x", 100), ("not a url", 100), ("https://nowhere.invalid/x", 1609005)],
)
def test_bad_links_are_refused(link: str, code: int, http: httpx.Client) -> None:
    response = call(http, "POST", f"{PAGE}/feed", data={"message": "m", "link": link})

    assert error_of(response)["code"] == code


def test_duplicate_text_is_refused_within_a_day(http: httpx.Client, clock: FakeClock) -> None:
    assert call(http, "POST", f"{PAGE}/feed", data={"message": "Повтор"}).status_code == 200

    assert error_of(call(http, "POST", f"{PAGE}/feed", data={"message": "Повтор"}))["code"] == 506
    clock.advance(24 * 3600 + 1)
    assert call(http, "POST", f"{PAGE}/feed", data={"message": "Повтор"}).status_code == 200


def test_feed_lists_newest_first_with_fields_limit_and_paging(
    http: httpx.Client, clock: FakeClock
) -> None:
    for index in range(3):
        call(http, "POST", f"{PAGE}/feed", data={"message": f"пост {index}"})
        clock.advance(60)

    first = call(http, "GET", f"{PAGE}/feed", params={"fields": "id,message", "limit": "2"}).json()
    after = first["paging"]["cursors"]["after"]
    rest = call(http, "GET", f"{PAGE}/feed", params={"limit": "2", "after": after}).json()

    assert [item["message"] for item in first["data"]] == ["пост 2", "пост 1"]
    assert set(first["data"][0]) == {"id", "message"}
    assert "access_token" not in first["paging"]["next"]
    assert [item["message"] for item in rest["data"]] == ["пост 0"]
    assert rest["data"][0]["created_time"] == "2026-12-01T09:00:00+0000"
    assert "next" not in rest["paging"]


def test_unknown_field_is_refused(http: httpx.Client) -> None:
    error = error_of(call(http, "GET", f"{PAGE}/feed", params={"fields": "id,colour"}))

    assert error["code"] == 100 and "colour" in error["message"]


# -- photos --------------------------------------------------------------------------------------


def test_photo_needs_a_valid_image(http: httpx.Client) -> None:
    missing = call(http, "POST", f"{PAGE}/photos", data={"message": "m"})
    not_image = call(http, "POST", f"{PAGE}/photos", files={"source": ("a.png", b"not an image")})

    assert error_of(missing)["code"] == 324
    assert error_of(not_image)["code"] == 324


def test_photo_over_ten_megabytes_is_refused(http: httpx.Client) -> None:
    big = png_bytes() + b"\0" * (10 * 1024 * KB)

    error = error_of(call(http, "POST", f"{PAGE}/photos", files={"source": ("a.png", big)}))

    assert error["code"] == 100


def test_published_photo_is_a_post(http: httpx.Client) -> None:
    response = call(
        http,
        "POST",
        f"{PAGE}/photos",
        data={"message": "Фото дня", "alt_text_custom": "Мост"},
        files={"source": ("a.png", png_bytes())},
    )

    body = response.json()
    assert set(body) == {"id", "post_id"}
    assert feed(http) == [
        {"id": body["post_id"], "message": "Фото дня", "created_time": "2026-12-01T09:00:00+0000"}
    ]


def test_unpublished_photos_are_attached_once(http: httpx.Client) -> None:
    first, second = upload_photo(http), upload_photo(http)
    assert feed(http) == []

    attach = {
        "message": "Альбом",
        "attached_media[1]": json.dumps({"media_fbid": second}),
        "attached_media[0]": json.dumps({"media_fbid": first}),
    }
    response = call(http, "POST", f"{PAGE}/feed", data=attach)
    again = call(http, "POST", f"{PAGE}/feed", data={**attach, "message": "Ещё раз"})

    assert response.status_code == 200
    assert error_of(again)["code"] == 100


def test_attached_media_must_be_this_pages_unpublished_photo(http: httpx.Client) -> None:
    published = upload_photo(http, published=True)
    foreign = upload_photo(http, page="777")

    for photo_id in (published, foreign, "123"):
        data = {"attached_media[0]": json.dumps({"media_fbid": photo_id})}
        assert error_of(call(http, "POST", f"{PAGE}/feed", data=data))["code"] == 100
    bad_json = call(http, "POST", f"{PAGE}/feed", data={"attached_media[0]": "{"})
    assert error_of(bad_json)["code"] == 100


# -- video upload ------------------------------------------------------------------------------


def start_video(http: httpx.Client, size: int) -> dict[str, str]:
    response = call(
        http,
        "POST",
        f"{VIDEO}/{PAGE}/videos",
        data={"upload_phase": "start", "file_size": str(size)},
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def transfer(http: httpx.Client, session: str, start: int, chunk: bytes) -> httpx.Response:
    data = {"upload_phase": "transfer", "upload_session_id": session, "start_offset": str(start)}
    return call(
        http, "POST", f"{VIDEO}/{PAGE}/videos", data=data, files={"video_file_chunk": ("c", chunk)}
    )


def test_chunked_video_upload_follows_the_server_offsets(
    emulator: FacebookEmulator, sandbox: Sandbox, http: httpx.Client
) -> None:
    emulator.chunk_size = 100 * KB
    content = bytes(range(256)) * 1000  # 256 000 bytes: chunks of 100k, 100k, 56k
    started = start_video(http, len(content))
    assert (started["start_offset"], started["end_offset"]) == ("0", str(100 * KB))

    start, end = 0, int(started["end_offset"])
    while start < end:
        reply = transfer(http, started["upload_session_id"], start, content[start:end]).json()
        start, end = int(reply["start_offset"]), int(reply["end_offset"])
    finish = {
        "upload_phase": "finish",
        "upload_session_id": started["upload_session_id"],
        "title": "Ролик",
        "description": "Описание",
    }
    done = call(http, "POST", f"{VIDEO}/{PAGE}/videos", data=finish)

    assert done.json() == {"success": True}
    video = sandbox.store.read("facebook")["videos"][started["video_id"]]
    assert sandbox.store.file_path(video["file"]).read_bytes() == content
    assert video["file"].endswith(".mp4")
    assert feed(http)[0]["message"] == "Описание"
    again = call(http, "POST", f"{VIDEO}/{PAGE}/videos", data=finish)
    assert error_of(again)["code"] == 100


def test_wrong_offset_or_length_gets_1363037_with_offsets_to_resume(
    emulator: FacebookEmulator, http: httpx.Client
) -> None:
    emulator.chunk_size = 10 * KB
    started = start_video(http, 25 * KB)
    session = started["upload_session_id"]

    wrong_offset = error_of(transfer(http, session, 5, b"x" * 10 * KB))
    wrong_length = error_of(transfer(http, session, 0, b"x" * 3))

    for error in (wrong_offset, wrong_length):
        assert error["error_subcode"] == 1363037
        assert error["error_data"] == {"start_offset": "0", "end_offset": str(10 * KB)}
    assert transfer(http, session, 0, b"x" * 10 * KB).json() == {
        "start_offset": str(10 * KB),
        "end_offset": str(20 * KB),
    }


def test_video_upload_validation(http: httpx.Client) -> None:
    def phase(**data: str) -> dict[str, Any]:
        return error_of(call(http, "POST", f"{VIDEO}/{PAGE}/videos", data=data))

    started = start_video(http, 1000)
    session = started["upload_session_id"]

    assert phase()["code"] == 100
    assert phase(upload_phase="start")["code"] == 100
    assert phase(upload_phase="start", file_size=str(11 * 1024**3))["code"] == 100
    assert phase(upload_phase="transfer", upload_session_id="nope", start_offset="0")["code"] == 100
    assert phase(upload_phase="finish", upload_session_id=session)["code"] == 100  # incomplete
    assert phase(upload_phase="rewind")["code"] == 100


def test_gif_uploaded_as_video_is_shown_animated(
    emulator: FacebookEmulator, sandbox: Sandbox, http: httpx.Client
) -> None:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (4, 4), c) for c in ("red", "blue")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    content = buffer.getvalue()
    started = start_video(http, len(content))
    transfer(http, started["upload_session_id"], 0, content)
    finish = {"upload_phase": "finish", "upload_session_id": started["upload_session_id"]}
    call(http, "POST", f"{VIDEO}/{PAGE}/videos", data=finish)

    html = emulator.feed_html(sandbox.store.read("facebook"))

    assert '<img class="fb-gif" src="/files/' in html and '.gif"' in html


# -- nodes: read, edit, delete ---------------------------------------------------------------------


def test_edit_a_post_message(http: httpx.Client) -> None:
    post_id = call(http, "POST", f"{PAGE}/feed", data={"message": "до"}).json()["id"]

    edited = call(http, "POST", post_id, data={"message": "после"})
    no_message = call(http, "POST", post_id, data={"is_hidden": "true"})
    too_long = call(http, "POST", post_id, data={"message": "x" * (TEXT_LIMIT + 1)})

    assert edited.json() == {"success": True}
    assert call(http, "GET", post_id).json()["message"] == "после"
    assert error_of(no_message)["code"] == 100
    assert error_of(too_long)["code"] == 100


def test_edit_a_page_profile(http: httpx.Client) -> None:
    response = call(http, "POST", PAGE, data={"about": "Официальная страница"})
    fields = call(http, "GET", PAGE, params={"fields": "id,about"}).json()

    assert response.json() == {"success": True}
    assert fields == {"id": PAGE, "about": "Официальная страница"}


def test_delete_a_post_then_it_is_gone(http: httpx.Client) -> None:
    post_id = call(http, "POST", f"{PAGE}/feed", data={"message": "удалить"}).json()["id"]

    assert call(http, "DELETE", post_id).json() == {"success": True}
    for method in ("DELETE", "GET", "POST"):
        error = error_of(
            call(http, method, post_id, data={"message": "x"} if method == "POST" else None)
        )
        assert (error["code"], error["error_subcode"]) == (100, 33)
        assert "does not exist" in error["message"]
    assert feed(http) == []


def test_deleting_a_photo_post_takes_its_photo_but_not_album_photos(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    published = call(http, "POST", f"{PAGE}/photos", files={"source": ("a.png", png_bytes())})
    album_photo = upload_photo(http)
    album = call(
        http,
        "POST",
        f"{PAGE}/feed",
        data={"attached_media[0]": json.dumps({"media_fbid": album_photo})},
    ).json()["id"]

    call(http, "DELETE", published.json()["post_id"])
    call(http, "DELETE", album)

    photos = sandbox.store.read("facebook")["photos"]
    assert photos[published.json()["id"]]["deleted"] is True
    assert photos[album_photo]["deleted"] is False
    assert call(http, "DELETE", album_photo).json() == {"success": True}


# -- rate limits and faults ----------------------------------------------------------------------


def test_every_answer_carries_usage_headers(http: httpx.Client) -> None:
    response = call(http, "GET", PAGE)

    app = json.loads(response.headers["x-app-usage"])
    business = json.loads(response.headers["x-business-use-case-usage"])
    assert set(app) == {"call_count", "total_cputime", "total_time"}
    (usage,) = business[PAGE]
    assert usage["type"] == "pages"
    assert usage["estimated_time_to_regain_access"] == 0


def test_page_burst_over_its_second_gets_code_32(
    emulator: FacebookEmulator, http: httpx.Client, clock: FakeClock
) -> None:
    emulator.page_burst.limit = 2
    for _ in range(2):
        assert call(http, "GET", PAGE).status_code == 200

    assert error_of(call(http, "GET", PAGE))["code"] == 32
    assert call(http, "GET", "777").status_code == 200  # another Page has its own budget
    clock.advance(1.0)
    assert call(http, "GET", PAGE).status_code == 200


def test_page_budget_gets_80001_with_the_time_to_regain(
    emulator: FacebookEmulator, http: httpx.Client, clock: FakeClock
) -> None:
    emulator.page_budget = UsageBudget(clock, 2, 3600.0)
    call(http, "GET", PAGE)
    clock.advance(600)
    second = call(http, "GET", PAGE)

    refused = call(http, "GET", f"{PAGE}/feed")

    assert json.loads(second.headers["x-business-use-case-usage"])[PAGE][0]["call_count"] == 100
    assert error_of(refused)["code"] == 80001
    usage = json.loads(refused.headers["x-business-use-case-usage"])[PAGE][0]
    assert usage["estimated_time_to_regain_access"] == 50  # minutes until the first call ages out
    clock.advance(3000)
    assert call(http, "GET", PAGE).status_code == 200


def test_app_budget_gets_transient_code_4(emulator: FacebookEmulator, http: httpx.Client) -> None:
    emulator.app_budget.limit = 1
    call(http, "GET", PAGE)

    error = error_of(call(http, "GET", "777"))

    assert (error["code"], error["is_transient"]) == (4, True)


def test_objects_are_charged_to_their_page(emulator: FacebookEmulator, http: httpx.Client) -> None:
    photo_id = upload_photo(http)

    response = call(http, "DELETE", photo_id)

    assert PAGE in json.loads(response.headers["x-business-use-case-usage"])


def test_fault_responses_have_graph_shapes(emulator: FacebookEmulator) -> None:
    throttled = emulator.fault_response("rate429")
    broken = emulator.fault_response("error500")

    limited = json.loads(throttled.get_data())["error"]
    assert (limited["code"], limited["is_transient"]) == (4, True)
    assert json.loads(throttled.headers["X-App-Usage"])["call_count"] == 100
    assert broken.status_code == 500
    assert json.loads(broken.get_data())["error"]["code"] == 2


# -- what the demo shows ---------------------------------------------------------------------------


def test_public_view_lists_live_posts_with_media(
    emulator: FacebookEmulator, sandbox: Sandbox, http: httpx.Client
) -> None:
    kept = call(
        http,
        "POST",
        f"{PAGE}/photos",
        data={"message": "Фото"},
        files={"source": ("a.png", png_bytes())},
    )
    gone = call(http, "POST", f"{PAGE}/feed", data={"message": "Удалён"}).json()["id"]
    call(http, "DELETE", gone)

    view = emulator.public_view(sandbox.store.read("facebook"))

    (shown,) = view["posts"]
    assert shown["id"] == kept.json()["post_id"]
    assert shown["text"] == "Фото"
    assert shown["url"] == f"https://www.facebook.com/{shown['id']}"
    assert shown["poll"] is None
    assert shown["published_at"] == "2026-12-01T09:00:00+00:00"
    (media,) = shown["media"]
    assert media["kind"] == "photo" and media["url"] == f"/files/{media['file']}"
    assert sandbox.store.file_path(media["file"]).read_bytes() == png_bytes()
    assert view["pages"][PAGE]["name"] == f"Страница {PAGE}"


def test_feed_html_escapes_text_and_shows_photos(
    emulator: FacebookEmulator, sandbox: Sandbox, http: httpx.Client
) -> None:
    first, second = upload_photo(http), upload_photo(http)
    data = {
        "message": "<script>alert(1)</script>\nвторая строка",
        "attached_media[0]": json.dumps({"media_fbid": first}),
        "attached_media[1]": json.dumps({"media_fbid": second}),
    }
    call(http, "POST", f"{PAGE}/feed", data=data)
    call(
        http,
        "POST",
        f"{PAGE}/feed",
        data={"message": "ссылка", "link": "https://example.org/?a=1&b=2"},
    )

    html = emulator.feed_html(sandbox.store.read("facebook"))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>вторая строка" in html
    assert html.count('<img src="/files/') == 2
    assert 'class="fb-photos fb-photos-2"' in html
    assert 'href="https://example.org/?a=1&amp;b=2"' in html
    assert html.index("ссылка") < html.index("вторая строка")  # newest first


# -- comments ------------------------------------------------------------------------------------


def new_post(http: httpx.Client, text: str = "Пост") -> str:
    post_id: str = call(http, "POST", f"{PAGE}/feed", data={"message": text}).json()["id"]
    return post_id


def comments(http: httpx.Client, node: str, **params: str) -> dict[str, Any]:
    response = call(http, "GET", f"{node}/comments", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def thread(sandbox: Sandbox, http: httpx.Client, clock: FakeClock) -> tuple[str, list[str]]:
    """A post with two comments and a reply to the first, a minute apart."""
    post_id = new_post(http)
    first = sandbox.add_comment("facebook", post_id, "Первый", "501", "Анна")
    clock.advance(60)
    second = sandbox.add_comment("facebook", post_id, "Второй", "502", "Борис")
    clock.advance(60)
    reply = sandbox.add_comment("facebook", post_id, "Ответ", "503", "Вера", reply_to=first)
    return post_id, [first, second, reply]


def test_comments_toplevel_by_default_stream_with_parents(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    post_id, (first, second, reply) = thread(sandbox, http, clock)

    toplevel = comments(http, post_id)["data"]
    stream = comments(
        http, post_id, filter="stream", fields="id,message,from,parent{id},is_hidden"
    )["data"]
    replies = comments(http, first)["data"]

    assert [c["id"] for c in toplevel] == [first, second]
    assert set(toplevel[0]) == {"id", "message", "created_time", "from"}
    assert toplevel[0]["from"] == {"id": "501", "name": "Анна"}
    assert toplevel[0]["created_time"] == "2026-12-01T09:00:00+0000"
    assert stream[2] == {
        "id": reply,
        "message": "Ответ",
        "from": {"id": "503", "name": "Вера"},
        "parent": {"id": first},
        "is_hidden": False,
    }
    assert "parent" not in stream[0]
    assert [c["id"] for c in replies] == [reply]
    assert first.startswith(post_id.split("_")[1] + "_")


def test_comments_order_since_paging_and_summary(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    post_id, (first, second, reply) = thread(sandbox, http, clock)
    since = str(int(clock.now().timestamp()) - 60)

    newest = comments(http, post_id, filter="stream", order="reverse_chronological")["data"]
    recent = comments(http, post_id, filter="stream", since=since)["data"]
    page = comments(http, post_id, filter="stream", limit="2", summary="true")
    rest = call(http, "GET", page["paging"]["next"]).json()

    assert [c["id"] for c in newest] == [reply, second, first]
    assert [c["id"] for c in recent] == [second, reply]
    assert [c["id"] for c in page["data"]] == [first, second]
    assert page["summary"]["total_count"] == 3
    assert "access_token" not in page["paging"]["next"]
    assert [c["id"] for c in rest["data"]] == [reply]
    assert "next" not in rest["paging"] and rest["paging"]["cursors"]["after"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"filter": "all"}, "filter"),
        ({"order": "ranked"}, "order"),
        ({"since": "вчера"}, "since"),
        ({"fields": "id,likes"}, "nonexisting field (likes)"),
    ],
)
def test_comments_parameters_are_checked(
    params: dict[str, str], message: str, http: httpx.Client
) -> None:
    error = error_of(call(http, "GET", f"{new_post(http)}/comments", params=params))

    assert error["code"] == 100 and message in error["message"]


def test_comments_of_a_missing_or_deleted_object_do_not_exist(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    post_id = new_post(http)
    call(http, "DELETE", post_id)

    for node in (post_id, f"{PAGE}_999", "500_1"):
        error = error_of(call(http, "GET", f"{node}/comments"))
        assert (error["code"], error["error_subcode"]) == (100, 33)


def test_comments_of_a_video_or_photo_are_those_of_its_post(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    photo = call(http, "POST", f"{PAGE}/photos", files={"source": ("a.png", png_bytes())}).json()
    comment = sandbox.add_comment("facebook", photo["post_id"], "Красиво", "501", "Анна")

    assert [c["id"] for c in comments(http, photo["id"])["data"]] == [comment]


def test_without_user_engagement_people_have_no_from(
    sandbox: Sandbox, emulator: FacebookEmulator, http: httpx.Client
) -> None:
    post_id = new_post(http)
    person = sandbox.add_comment("facebook", post_id, "Вопрос", "501", "Анна")
    answer = call(http, "POST", f"{person}/comments", data={"message": "Ответ"}).json()["id"]
    emulator.reveals_authors = False

    listed = comments(http, post_id, filter="stream", fields="id,from")["data"]

    assert listed == [
        {"id": person},
        {"id": answer, "from": {"id": PAGE, "name": f"Страница {PAGE}"}},
    ]


def test_the_page_comments_and_replies_as_itself(sandbox: Sandbox, http: httpx.Client) -> None:
    post_id = new_post(http)
    person = sandbox.add_comment("facebook", post_id, "Вопрос", "501", "Анна")

    top = call(http, "POST", f"{post_id}/comments", data={"message": "Комментарий страницы"})
    reply = call(http, "POST", f"{person}/comments", data={"message": "Ответ"})
    nested = call(http, "POST", f"{reply.json()['id']}/comments", data={"message": "ещё"})
    empty = call(http, "POST", f"{person}/comments", data={})
    too_long = call(http, "POST", f"{person}/comments", data={"message": "x" * (COMMENT_LIMIT + 1)})

    assert set(top.json()) == {"id"}
    fields = "id,from,parent,can_comment,permalink_url"
    shown = call(http, "GET", reply.json()["id"], params={"fields": fields}).json()
    assert shown["from"]["id"] == PAGE
    assert shown["parent"]["id"] == person and shown["can_comment"] is False
    number = reply.json()["id"].split("_")[1]
    assert shown["permalink_url"] == f"https://www.facebook.com/{post_id}?comment_id={number}"
    for refused in (nested, empty, too_long):
        assert error_of(refused)["code"] == 100


def test_hide_and_unhide_a_comment(sandbox: Sandbox, http: httpx.Client) -> None:
    post_id = new_post(http)
    person = sandbox.add_comment("facebook", post_id, "Грубость", "501", "Анна")
    own = call(http, "POST", f"{post_id}/comments", data={"message": "Наш"}).json()["id"]

    hidden = call(http, "POST", person, data={"is_hidden": "true"})
    shown = call(http, "GET", person, params={"fields": "is_hidden"}).json()
    unhidden = call(http, "POST", person, data={"is_hidden": "false"})

    assert hidden.json() == unhidden.json() == {"success": True}
    assert shown == {"is_hidden": True}
    assert call(http, "GET", person, params={"fields": "is_hidden"}).json() == {"is_hidden": False}
    assert error_of(call(http, "POST", person, data={"is_hidden": "maybe"}))["code"] == 100
    assert error_of(call(http, "POST", own, data={"is_hidden": "true"}))["code"] == 100
    assert error_of(call(http, "POST", person, data={"message": "правка"}))["code"] == 200


def test_deleting_a_comment_takes_its_replies(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    post_id, (first, second, reply) = thread(sandbox, http, clock)

    assert call(http, "DELETE", first).json() == {"success": True}

    assert [c["id"] for c in comments(http, post_id, filter="stream")["data"]] == [second]
    for method in ("DELETE", "GET"):
        error = error_of(call(http, method, reply))
        assert (error["code"], error["error_subcode"]) == (100, 33)
    response = call(http, "DELETE", second)
    assert PAGE in json.loads(response.headers["x-business-use-case-usage"])


# -- blocking -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["501", "501,502", '["501", 502]'])
def test_block_people_in_any_list_form(value: str, sandbox: Sandbox, http: httpx.Client) -> None:
    blocked = call(http, "POST", f"{PAGE}/blocked", data={"user": value})

    expected = {"501": True} if value == "501" else {"501": True, "502": True}
    assert blocked.json() == expected
    listed = call(http, "GET", f"{PAGE}/blocked").json()["data"]
    assert [b["id"] for b in listed] == list(expected)


def test_a_blocked_person_cannot_comment_until_unblocked(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    post_id = new_post(http)
    sandbox.add_comment("facebook", post_id, "Спам", "501", "Бот")

    call(http, "POST", f"{PAGE}/blocked", data={"user": "501"})
    with pytest.raises(ValueError):
        sandbox.add_comment("facebook", post_id, "Ещё спам", "501", "Бот")
    listed = call(http, "GET", f"{PAGE}/blocked").json()["data"]
    unblocked = call(http, "DELETE", f"{PAGE}/blocked", params={"user": "501"})

    assert listed == [{"id": "501", "name": "Бот"}]
    assert unblocked.json() == {"success": True}
    assert sandbox.add_comment("facebook", post_id, "Извините", "501", "Бот")


def test_blocking_needs_people_and_never_blocks_the_page(http: httpx.Client) -> None:
    assert error_of(call(http, "POST", f"{PAGE}/blocked", data={}))["code"] == 100
    assert error_of(call(http, "POST", f"{PAGE}/blocked", data={"user": "[1"}))["code"] == 100
    assert call(http, "POST", f"{PAGE}/blocked", data={"user": PAGE}).json() == {PAGE: False}
    assert error_of(call(http, "POST", f"{PAGE}_1/blocked", data={"user": "5"}))["code"] == 100


def test_add_comment_checks_what_a_person_can_do(
    sandbox: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    post_id, (first, _second, reply) = thread(sandbox, http, clock)

    nested = sandbox.add_comment("facebook", post_id, "Тоже", "504", "Гоша", reply_to=reply)

    listed = comments(http, post_id, filter="stream", fields="id,parent{id}")["data"]
    assert listed[-1] == {"id": nested, "parent": {"id": first}}  # one level deep
    for kwargs in (
        {"post_id": f"{PAGE}_404"},
        {"post_id": post_id, "text": ""},
        {"post_id": post_id, "reply_to": "1_1"},
        {"post_id": post_id, "direct": True},
    ):
        arguments = {"text": "текст", "author_id": "501", **kwargs}
        with pytest.raises(ValueError):
            sandbox.add_comment("facebook", **arguments)  # type: ignore[arg-type]


# -- the Page's profile ---------------------------------------------------------------------------


def test_profile_fields_picture_and_cover(
    sandbox: Sandbox, emulator: FacebookEmulator, http: httpx.Client
) -> None:
    avatar, cover = upload_photo(http), upload_photo(http)

    info = call(
        http,
        "POST",
        PAGE,
        data={"about": "Кратко", "description": "Подробно", "website": "https://a.example"},
    )
    picture = call(http, "POST", f"{PAGE}/picture", data={"photo": avatar})
    covered = call(http, "POST", PAGE, data={"cover": cover, "offset_y": "30"})

    assert info.json() == picture.json() == covered.json() == {"success": True}
    page = call(http, "GET", PAGE, params={"fields": "about,website,picture,cover{cover_id}"})
    assert page.json()["about"] == "Кратко" and page.json()["cover"] == {"cover_id": cover}
    assert page.json()["picture"]["data"]["url"].startswith("/files/")
    profile = emulator.public_view(sandbox.store.read("facebook"))["profile"]
    photos = sandbox.store.read("facebook")["photos"]
    assert profile == {
        "title": f"Страница {PAGE}",
        "description": "Подробно",
        "website": "https://a.example",
        "avatar": photos[avatar]["file"],
        "cover": photos[cover]["file"],
    }


def test_picture_from_a_public_url(
    sandbox: Sandbox, emulator: FacebookEmulator, http: httpx.Client, tmp_path: Path
) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "logo.png").write_bytes(png_bytes("blue"))
    sandbox.media_roots["https://cdn.example.org/"] = tmp_path / "web"

    fetched = call(
        http, "POST", f"{PAGE}/picture", data={"picture": "https://cdn.example.org/logo.png"}
    )
    private = call(
        http, "POST", f"{PAGE}/picture", data={"picture": "https://intranet.example/x.png"}
    )

    assert fetched.json() == {"success": True}
    assert error_of(private)["code"] == 324
    avatar = emulator.public_view(sandbox.store.read("facebook"))["profile"]["avatar"]
    assert sandbox.store.file_path(avatar).read_bytes() == png_bytes("blue")


def test_profile_values_are_checked(http: httpx.Client) -> None:
    other_page_photo = upload_photo(http, page="777")
    refused = [
        call(http, "POST", PAGE, data={"about": "я" * (ABOUT_LIMIT + 1)}),
        call(http, "POST", PAGE, data={"website": "adm.example"}),
        call(http, "POST", PAGE, data={"name": "Новое имя", "about": "x"}),
        call(http, "POST", PAGE, data={"cover": other_page_photo}),
        call(http, "POST", f"{PAGE}/picture", data={"photo": other_page_photo}),
        call(http, "POST", f"{PAGE}/picture", data={}),
    ]

    for response in refused:
        assert error_of(response)["code"] == 100
    assert "about" not in call(http, "GET", PAGE, params={"fields": "about"}).json()


# -- what the demo shows: comments, profile, bans ------------------------------------------------


def test_public_view_adds_comments_profile_and_bans(
    sandbox: Sandbox, emulator: FacebookEmulator, http: httpx.Client, clock: FakeClock
) -> None:
    _post_id, (first, second, reply) = thread(sandbox, http, clock)
    answer = call(http, "POST", f"{first}/comments", data={"message": "Ответ"}).json()["id"]
    call(http, "POST", second, data={"is_hidden": "true"})
    call(http, "DELETE", reply)
    call(http, "POST", f"{PAGE}/blocked", data={"user": "502"})

    view = emulator.public_view(sandbox.store.read("facebook"))

    (shown,) = view["posts"]
    assert shown["comments"] == [
        {
            "id": first,
            "text": "Первый",
            "author_id": "501",
            "author_name": "Анна",
            "hidden": False,
            "reply_to": "",
            "from_account": False,
        },
        {
            "id": second,
            "text": "Второй",
            "author_id": "502",
            "author_name": "Борис",
            "hidden": True,
            "reply_to": "",
            "from_account": False,
        },
        {
            "id": answer,
            "text": "Ответ",
            "author_id": PAGE,
            "author_name": f"Страница {PAGE}",
            "hidden": False,
            "reply_to": first,
            "from_account": True,
        },
    ]
    assert view["banned"] == [{"user_id": "502", "until": None}]
    assert view["profile"] == {
        "title": f"Страница {PAGE}",
        "description": None,
        "website": None,
        "avatar": None,
        "cover": None,
    }


def test_feed_html_shows_the_page_header_and_comments_escaped(
    sandbox: Sandbox, emulator: FacebookEmulator, http: httpx.Client
) -> None:
    avatar = upload_photo(http)
    call(
        http,
        "POST",
        PAGE,
        data={"description": "<b>Мэрия</b>", "website": "https://a.example/?x=1&y=2"},
    )
    call(http, "POST", f"{PAGE}/picture", data={"photo": avatar})
    post_id = new_post(http)
    bad = sandbox.add_comment("facebook", post_id, "<script>x()</script>", "501", "<Аноним>")
    call(http, "POST", bad, data={"is_hidden": "true"})
    call(http, "POST", f"{bad}/comments", data={"message": "Ответ & привет"})

    html = emulator.feed_html(sandbox.store.read("facebook"))

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;Мэрия&lt;/b&gt;" in html
    assert 'href="https://a.example/?x=1&amp;y=2"' in html
    assert 'class="fb-avatar"' in html
    assert html.index('class="fb-page"') < html.index('class="fb-post"')
    assert "&lt;Аноним&gt;" in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert 'class="fb-comment fb-hidden"' in html
    assert 'class="fb-comment fb-reply"' in html and "Ответ &amp; привет" in html
