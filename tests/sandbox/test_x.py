"""The X emulator against the reference: validation, error shapes, limits, uploads, the feed."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest
from conftest import Sandboxes, mp4_bytes
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import parse_faults
from publisher.sandbox.x import DAY, LIMITS, WINDOW

API = "https://api.x.com"
AUTH = {"Authorization": "Bearer sandbox-x-main"}
MB = 1024 * 1024
INVALID = "https://api.twitter.com/2/problems/invalid-request"


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("x")


@pytest.fixture
def http(sandbox: Sandbox, sandboxes: Sandboxes) -> httpx.Client:
    return sandboxes.client(sandbox)


def tweet(http: httpx.Client, **body: Any) -> httpx.Response:
    return http.post(f"{API}/2/tweets", json=body, headers=AUTH)


def jpeg(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def upload_photo(http: httpx.Client, data: bytes | None = None) -> str:
    files = {"media": ("a.jpg", data or jpeg(), "image/jpeg")}
    answer = http.post(
        f"{API}/2/media/upload", files=files, data={"media_category": "tweet_image"}, headers=AUTH
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["id"])


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42"


def upload_video(http: httpx.Client, content: bytes = MP4_HEAD + b"\0" * 100) -> str:
    """The chunked flow up to finalize; returns the media id (still processing)."""
    init = {"media_type": "video/mp4", "total_bytes": len(content), "media_category": "tweet_video"}
    answer = http.post(f"{API}/2/media/upload/initialize", json=init, headers=AUTH)
    assert answer.status_code == 200, answer.text
    media_id = str(answer.json()["data"]["id"])
    for index, start in enumerate(range(0, len(content), 64)):
        chunk = {"media": ("blob", content[start : start + 64], "application/octet-stream")}
        appended = http.post(
            f"{API}/2/media/upload/{media_id}/append",
            files=chunk,
            data={"segment_index": str(index)},
            headers=AUTH,
        )
        assert appended.status_code == 200, appended.text
    return media_id


def status(http: httpx.Client, media_id: str) -> httpx.Response:
    params = {"command": "STATUS", "media_id": media_id}
    return http.get(f"{API}/2/media/upload", params=params, headers=AUTH)


def processed_video(http: httpx.Client) -> str:
    media_id = upload_video(http)
    http.post(f"{API}/2/media/upload/{media_id}/finalize", headers=AUTH)
    while status(http, media_id).json()["data"]["processing_info"]["state"] != "succeeded":
        pass
    return media_id


def assert_invalid(answer: httpx.Response, fragment: str = "") -> None:
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["type"] == INVALID
    assert body["title"] == "Invalid Request"
    assert fragment in body["errors"][0]["message"]


# -- posts ----------------------------------------------------------------------------------------


def test_create_answers_201_with_id_text_and_limit_headers(
    http: httpx.Client, clock: FakeClock
) -> None:
    answer = tweet(http, text="Привет, город")
    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["text"] == "Привет, город"
    assert data["edit_history_tweet_ids"] == [data["id"]]
    now = int(clock.now().timestamp())
    headers = answer.headers
    assert headers["x-rate-limit-limit"] == "100"
    assert headers["x-rate-limit-remaining"] == "99"
    assert int(headers["x-rate-limit-reset"]) == now + WINDOW
    assert headers["x-app-limit-24hour-limit"] == "10000"
    assert headers["x-user-limit-24hour-remaining"] == "9999"
    assert int(headers["x-user-limit-24hour-reset"]) == now + DAY


def test_create_shows_urls_as_tco_links_and_escapes_entities(http: httpx.Client) -> None:
    text = tweet(http, text="A & B <см. https://example.com/x>").json()["data"]["text"]
    assert text.startswith("A &amp; B &lt;см. https://t.co/")
    assert "example.com" not in text


def test_weighted_limit_is_280(http: httpx.Client) -> None:
    assert tweet(http, text="я" * 280).status_code == 201
    refused = tweet(http, text="ю" * 281)
    assert refused.status_code == 403
    assert "shorter" in refused.json()["detail"]
    assert tweet(http, text="ссылка https://example.com/" + "a" * 300).status_code == 201


def test_invalid_characters_are_refused(http: httpx.Client) -> None:
    assert_invalid(tweet(http, text="bad\ufffe"), "invalid characters")


def test_text_is_required_without_media_or_poll(http: httpx.Client) -> None:
    assert_invalid(tweet(http, text=""), "$.text")
    assert_invalid(http.post(f"{API}/2/tweets", content=b"not json", headers=AUTH))


def test_duplicate_text_is_forbidden_until_the_first_is_deleted(http: httpx.Client) -> None:
    first = tweet(http, text="Одно и то же").json()["data"]["id"]
    refused = tweet(http, text="Одно и то же")
    assert refused.status_code == 403
    assert refused.json() == {
        "title": "Forbidden",
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "status": 403,
    }
    http.delete(f"{API}/2/tweets/{first}", headers=AUTH)
    assert tweet(http, text="Одно и то же").status_code == 201


@pytest.mark.parametrize(
    ("poll", "fragment"),
    [
        ({"options": ["один"], "duration_minutes": 60}, "options"),
        ({"options": ["1", "2", "3", "4", "5"], "duration_minutes": 60}, "options"),
        ({"options": ["а" * 26, "б"], "duration_minutes": 60}, "options"),
        ({"options": ["", "б"], "duration_minutes": 60}, "options"),
        ({"options": ["а", "б"], "duration_minutes": 4}, "duration_minutes"),
        ({"options": ["а", "б"], "duration_minutes": 10081}, "duration_minutes"),
        ({"options": ["а", "б"]}, "duration_minutes"),
    ],
)
def test_poll_limits(http: httpx.Client, poll: dict[str, Any], fragment: str) -> None:
    assert_invalid(tweet(http, text="Опрос", poll=poll), fragment)


def test_poll_within_limits_is_kept(http: httpx.Client, sandbox: Sandbox) -> None:
    poll = {"options": ["а" * 25, "б", "в", "г"], "duration_minutes": 10080}
    assert tweet(http, text="Опрос", poll=poll).status_code == 201
    assert sandbox.show()["x"]["posts"][0]["poll"] == poll


def test_media_and_poll_are_mutually_exclusive(http: httpx.Client) -> None:
    media_id = upload_photo(http)
    poll = {"options": ["а", "б"], "duration_minutes": 60}
    answer = tweet(http, text="Оба", media={"media_ids": [media_id]}, poll=poll)
    assert_invalid(answer, "mutually exclusive")


def test_reply_to_a_missing_post_is_forbidden(http: httpx.Client) -> None:
    answer = tweet(http, text="Ответ", reply={"in_reply_to_tweet_id": "999"})
    assert answer.status_code == 403
    assert "deleted or not visible" in answer.json()["detail"]
    assert_invalid(tweet(http, text="Ответ", reply={}), "in_reply_to_tweet_id")


def test_delete_answers_deleted_true_then_not_found(http: httpx.Client) -> None:
    tweet_id = tweet(http, text="Удалить").json()["data"]["id"]
    answer = http.delete(f"{API}/2/tweets/{tweet_id}", headers=AUTH)
    assert (answer.status_code, answer.json()) == (200, {"data": {"deleted": True}})
    again = http.delete(f"{API}/2/tweets/{tweet_id}", headers=AUTH)
    assert again.status_code == 404
    assert again.json()["type"].endswith("/problems/resource-not-found")
    assert again.headers["x-rate-limit-limit"] == "50"


# -- auth -----------------------------------------------------------------------------------------


def test_missing_or_revoked_token_is_401(http: httpx.Client, sandbox: Sandbox) -> None:
    missing = http.get(f"{API}/2/users/me")
    assert missing.status_code == 401
    assert missing.json() == {
        "title": "Unauthorized",
        "detail": "Unauthorized",
        "type": "about:blank",
        "status": 401,
    }
    assert http.get(f"{API}/2/users/me", headers=AUTH).status_code == 200
    revoke_token(sandbox.store, "sandbox-x-main")
    assert http.get(f"{API}/2/users/me", headers=AUTH).status_code == 401


def _oauth(timestamp: int, nonce: str) -> dict[str, str]:
    fields = {
        "oauth_consumer_key": "key",
        "oauth_nonce": nonce,
        "oauth_signature": "c2ln",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(timestamp),
        "oauth_token": "user-token",
        "oauth_version": "1.0",
    }
    value = ", ".join(f'{k}="{v}"' for k, v in fields.items())
    return {"Authorization": f"OAuth {value}"}


def test_oauth1_header_needs_fresh_time_and_unused_nonce(
    http: httpx.Client, clock: FakeClock
) -> None:
    now = int(clock.now().timestamp())
    assert http.get(f"{API}/2/users/me", headers=_oauth(now, "n1")).status_code == 200
    assert http.get(f"{API}/2/users/me", headers=_oauth(now, "n1")).status_code == 401
    assert http.get(f"{API}/2/users/me", headers=_oauth(now - 3600, "n2")).status_code == 401


def test_users_me_names_the_sandbox_account(http: httpx.Client) -> None:
    data = http.get(f"{API}/2/users/me", headers=AUTH).json()["data"]
    assert data["username"] == "sandbox_city"
    assert set(data) == {"id", "name", "username"}


def test_old_host_answers_too(http: httpx.Client) -> None:
    answer = http.get("https://api.twitter.com/2/users/me", headers=AUTH)
    assert answer.status_code == 200


def test_unknown_path_answers_the_v1_not_found_shape(http: httpx.Client) -> None:
    answer = http.get(f"{API}/2/nothing", headers=AUTH)
    assert answer.status_code == 404
    assert answer.json() == {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}


# -- rate limits ----------------------------------------------------------------------------------


def test_posting_is_limited_to_100_per_15_minutes(http: httpx.Client, clock: FakeClock) -> None:
    for number in range(LIMITS["tweets_create"]):
        assert tweet(http, text=f"Пост {number}").status_code == 201
    refused = tweet(http, text="Сто первый")
    assert refused.status_code == 429
    assert refused.json()["title"] == "Too Many Requests"
    assert refused.headers["x-rate-limit-remaining"] == "0"
    reset = int(refused.headers["x-rate-limit-reset"])
    clock.advance(reset - clock.now().timestamp())
    assert tweet(http, text="Сто первый").status_code == 201


def test_deleting_is_limited_to_50_per_15_minutes(http: httpx.Client) -> None:
    answers = [http.delete(f"{API}/2/tweets/{n}", headers=AUTH) for n in range(51)]
    assert {a.status_code for a in answers[:50]} == {404}
    assert answers[50].status_code == 429


def test_faults_answer_with_xs_own_429_and_503(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.faults = parse_faults("x.rate429=1")
    limited = http.get(f"{API}/2/users/me", headers=AUTH)
    assert limited.status_code == 429
    assert limited.json()["type"] == "about:blank"
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert int(limited.headers["x-rate-limit-reset"]) > sandbox.clock.now().timestamp()
    sandbox.faults = parse_faults("x.error500=1")
    broken = http.get(f"{API}/2/users/me", headers=AUTH)
    assert broken.status_code == 503
    assert broken.json()["title"] == "Service Unavailable"


# -- timeline -------------------------------------------------------------------------------------


def test_user_timeline_lists_newest_first_with_requested_fields(http: httpx.Client) -> None:
    root = tweet(http, text="Корень").json()["data"]["id"]
    reply = tweet(http, text="Ответ", reply={"in_reply_to_tweet_id": root}).json()["data"]["id"]
    params = {"max_results": "5", "tweet.fields": "conversation_id,created_at"}
    body = http.get(f"{API}/2/users/42/tweets", params=params, headers=AUTH).json()
    assert [t["id"] for t in body["data"]] == [reply, root]
    assert body["data"][0]["conversation_id"] == root
    assert set(body["data"][0]) == {
        "id",
        "text",
        "edit_history_tweet_ids",
        "conversation_id",
        "created_at",
    }
    assert body["meta"] == {"result_count": 2, "newest_id": reply, "oldest_id": root}
    excluded = http.get(
        f"{API}/2/users/42/tweets", params={"exclude": "replies"}, headers=AUTH
    ).json()
    assert [t["id"] for t in excluded["data"]] == [root]


def test_user_timeline_pages_and_checks_max_results(http: httpx.Client) -> None:
    for number in range(7):
        tweet(http, text=f"Пост {number}")
    first = http.get(f"{API}/2/users/42/tweets", params={"max_results": 5}, headers=AUTH).json()
    token = first["meta"]["next_token"]
    params = {"max_results": 5, "pagination_token": token}
    second = http.get(f"{API}/2/users/42/tweets", params=params, headers=AUTH).json()
    assert len(first["data"]) == 5 and len(second["data"]) == 2
    assert "next_token" not in second["meta"]
    for bad in ("4", "101", "many"):
        answer = http.get(f"{API}/2/users/42/tweets", params={"max_results": bad}, headers=AUTH)
        assert_invalid(answer, "max_results")


def test_user_timeline_of_an_empty_account_has_only_meta(http: httpx.Client) -> None:
    body = http.get(f"{API}/2/users/42/tweets", headers=AUTH).json()
    assert body == {"meta": {"result_count": 0}}


# -- media ----------------------------------------------------------------------------------------


def test_simple_image_upload_then_post(http: httpx.Client, sandbox: Sandbox) -> None:
    answer = http.post(
        f"{API}/2/media/upload",
        files={"media": ("a.jpg", jpeg(), "image/jpeg")},
        data={"media_category": "tweet_image"},
        headers=AUTH,
    )
    data = answer.json()["data"]
    assert data["media_key"] == f"3_{data['id']}"
    assert data["expires_after_secs"] == DAY
    assert "processing_info" not in data
    assert answer.headers["x-rate-limit-limit"] == "500"
    posted = tweet(http, text="Фото", media={"media_ids": [data["id"]]})
    assert posted.status_code == 201
    assert posted.json()["data"]["text"].startswith("Фото https://t.co/")
    [media] = sandbox.show()["x"]["posts"][0]["media"]
    assert media["type"] == "photo"
    assert sandbox.store.file_path(media["file"]).read_bytes() == jpeg()


def test_simple_upload_accepts_base64_json(http: httpx.Client) -> None:
    body = {"media": base64.b64encode(jpeg()).decode(), "media_category": "tweet_image"}
    answer = http.post(f"{API}/2/media/upload", json=body, headers=AUTH)
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("content", "category", "fragment"),
    [
        (b"not an image at all", "tweet_image", "media_type"),
        (jpeg(), "tweet_video", "chunked"),
        (b"\xff\xd8\xff" + b"\0" * (5 * MB), "tweet_image", "total_bytes"),
    ],
)
def test_simple_upload_refuses_wrong_files(
    http: httpx.Client, content: bytes, category: str, fragment: str
) -> None:
    answer = http.post(
        f"{API}/2/media/upload",
        files={"media": ("f", content, "application/octet-stream")},
        data={"media_category": category},
        headers=AUTH,
    )
    assert_invalid(answer, fragment)


def test_simple_upload_needs_the_media_field(http: httpx.Client) -> None:
    answer = http.post(
        f"{API}/2/media/upload", data={"media_category": "tweet_image"}, headers=AUTH
    )
    assert_invalid(answer, "media")


def test_chunked_video_processes_over_status_calls(http: httpx.Client) -> None:
    media_id = upload_video(http)
    finalized = http.post(f"{API}/2/media/upload/{media_id}/finalize", headers=AUTH).json()
    assert finalized["data"]["processing_info"] == {"state": "pending", "check_after_secs": 1}
    assert finalized["data"]["media_key"] == f"7_{media_id}"
    refused = tweet(http, text="Рано", media={"media_ids": [media_id]})
    assert_invalid(refused, "unprocessed")
    states = [status(http, media_id).json()["data"]["processing_info"]["state"] for _ in range(3)]
    assert states == ["in_progress", "succeeded", "succeeded"]
    assert tweet(http, text="Видео", media={"media_ids": [media_id]}).status_code == 201


def test_a_file_that_is_no_video_fails_processing(http: httpx.Client) -> None:
    media_id = upload_video(http, b"garbage" * 20)
    http.post(f"{API}/2/media/upload/{media_id}/finalize", headers=AUTH)
    status(http, media_id)
    info = status(http, media_id).json()["data"]["processing_info"]
    assert info["state"] == "failed"
    assert info["error"]["name"] == "InvalidMedia"


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (
            149.35,
            "Duration 2.minutes+29.seconds+350.milliseconds exceeds max duration of "
            "2.minutes+20.seconds",
        ),
        (0.3, "Duration 300.milliseconds is below min duration of 500.milliseconds"),
    ],
)
def test_a_video_outside_half_a_second_to_140_seconds_fails_processing(
    http: httpx.Client, seconds: float, message: str
) -> None:
    media_id = upload_video(http, mp4_bytes(seconds))
    http.post(f"{API}/2/media/upload/{media_id}/finalize", headers=AUTH)
    states = [status(http, media_id).json()["data"]["processing_info"] for _ in range(2)]

    assert states[0]["state"] == "in_progress", "refused once processed, as X does"
    assert states[1] == {
        "state": "failed",
        "error": {"code": 3, "name": "UnsupportedMedia", "message": message},
    }
    assert_invalid(tweet(http, text="Видео", media={"media_ids": [media_id]}))


@pytest.mark.parametrize("seconds", [0.5, 140.0])
def test_a_video_of_exactly_the_limits_is_processed(http: httpx.Client, seconds: float) -> None:
    media_id = upload_video(http, mp4_bytes(seconds))
    http.post(f"{API}/2/media/upload/{media_id}/finalize", headers=AUTH)
    states = [status(http, media_id).json()["data"]["processing_info"]["state"] for _ in range(2)]
    assert states == ["in_progress", "succeeded"]


def test_old_command_form_of_the_chunked_upload(http: httpx.Client) -> None:
    content = MP4_HEAD + b"\0" * 50
    init = http.post(
        f"{API}/2/media/upload",
        data={
            "command": "INIT",
            "media_type": "video/mp4",
            "total_bytes": str(len(content)),
            "media_category": "tweet_video",
        },
        headers=AUTH,
    )
    media_id = init.json()["data"]["id"]
    appended = http.post(
        f"{API}/2/media/upload",
        data={"command": "APPEND", "media_id": media_id, "segment_index": "0"},
        files={"media": ("blob", content, "application/octet-stream")},
        headers=AUTH,
    )
    assert appended.status_code == 200
    final = http.post(
        f"{API}/2/media/upload", params={"command": "FINALIZE", "media_id": media_id}, headers=AUTH
    )
    assert final.json()["data"]["processing_info"]["state"] == "pending"


def test_finalize_checks_that_segments_add_up(http: httpx.Client) -> None:
    init = {"media_type": "video/mp4", "total_bytes": 1000, "media_category": "tweet_video"}
    media_id = http.post(f"{API}/2/media/upload/initialize", json=init, headers=AUTH).json()[
        "data"
    ]["id"]
    http.post(
        f"{API}/2/media/upload/{media_id}/append",
        files={"media": ("blob", MP4_HEAD, "application/octet-stream")},
        data={"segment_index": "0"},
        headers=AUTH,
    )
    answer = http.post(f"{API}/2/media/upload/{media_id}/finalize", headers=AUTH)
    assert_invalid(answer, "total file size")


@pytest.mark.parametrize(
    ("init", "fragment"),
    [
        (
            {"media_type": "video/mp4", "total_bytes": 513 * MB, "media_category": "tweet_video"},
            "total_bytes",
        ),
        (
            {"media_type": "image/gif", "total_bytes": 16 * MB, "media_category": "tweet_gif"},
            "total_bytes",
        ),
        (
            {"media_type": "video/avi", "total_bytes": 10, "media_category": "tweet_video"},
            "media_type",
        ),
        (
            {"media_type": "video/mp4", "total_bytes": 10, "media_category": "story"},
            "media_category",
        ),
        ({"media_type": "video/mp4", "media_category": "tweet_video"}, "total_bytes"),
    ],
)
def test_initialize_checks_type_size_and_category(
    http: httpx.Client, init: dict[str, Any], fragment: str
) -> None:
    answer = http.post(f"{API}/2/media/upload/initialize", json=init, headers=AUTH)
    assert_invalid(answer, fragment)


def test_append_checks_segment_index_and_media(http: httpx.Client) -> None:
    media_id = upload_video(http)
    blob = {"media": ("blob", b"x", "application/octet-stream")}
    url = f"{API}/2/media/upload/{media_id}/append"
    answer = http.post(url, files=blob, data={"segment_index": "1000"}, headers=AUTH)
    assert_invalid(answer, "segment_index")
    assert_invalid(http.post(url, data={"segment_index": "0"}, headers=AUTH), "media")


def test_media_count_and_mix_rules(http: httpx.Client) -> None:
    photos = [upload_photo(http) for _ in range(5)]
    assert_invalid(tweet(http, text="Пять", media={"media_ids": photos}), "1 to 4")
    assert tweet(http, text="Четыре", media={"media_ids": photos[:4]}).status_code == 201
    clip = processed_video(http)
    mixed = tweet(http, text="Смесь", media={"media_ids": [clip, photos[4]]})
    assert_invalid(mixed, "only media")


def test_media_ids_expire_after_a_day(http: httpx.Client, clock: FakeClock) -> None:
    media_id = upload_photo(http)
    clock.advance(DAY + 1)
    assert_invalid(tweet(http, text="Поздно", media={"media_ids": [media_id]}), "expired")
    assert status(http, media_id).status_code == 404


def test_alt_text_is_stored_and_limited(http: httpx.Client, sandbox: Sandbox) -> None:
    media_id = upload_photo(http)
    body = {"id": media_id, "metadata": {"alt_text": {"text": "Мост через реку"}}}
    answer = http.post(f"{API}/2/media/metadata", json=body, headers=AUTH)
    assert answer.json()["data"]["associated_metadata"]["alt_text"]["text"] == "Мост через реку"
    too_long = {"id": media_id, "metadata": {"alt_text": {"text": "я" * 1001}}}
    assert_invalid(http.post(f"{API}/2/media/metadata", json=too_long, headers=AUTH))
    tweet(http, text="С описанием", media={"media_ids": [media_id]})
    assert sandbox.show()["x"]["posts"][0]["media"][0]["alt"] == "Мост через реку"


# -- what people see ------------------------------------------------------------------------------


def test_public_view_groups_threads_and_drops_deleted_posts(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    root = tweet(http, text="Часть 1").json()["data"]["id"]
    second = tweet(http, text="Часть 2", reply={"in_reply_to_tweet_id": root}).json()["data"]["id"]
    tweet(http, text="Часть 3", reply={"in_reply_to_tweet_id": second})
    alone = tweet(http, text="Отдельно").json()["data"]["id"]
    view = sandbox.show()["x"]
    assert [p["id"] for p in view["posts"]] == [alone, root]
    thread = view["posts"][1]
    assert [p["text"] for p in thread["thread"]] == ["Часть 2", "Часть 3"]
    assert thread["url"] == f"https://x.com/sandbox_city/status/{root}"
    assert {"id", "text", "url", "media", "poll", "published_at"} <= set(thread)
    http.delete(f"{API}/2/tweets/{root}", headers=AUTH)
    orphan = sandbox.show()["x"]["posts"][1]
    assert (orphan["id"], orphan["reply_to"]) == (second, root)
    assert [p["text"] for p in orphan["thread"]] == ["Часть 3"]


def test_feed_html_escapes_text_and_shows_media_polls_and_threads(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    media_id = upload_photo(http)
    root = tweet(http, text="<b>Мост</b>", media={"media_ids": [media_id]}).json()["data"]["id"]
    poll = {"options": ["Да", "Нет"], "duration_minutes": 60}
    tweet(http, text="Нравится?", poll=poll, reply={"in_reply_to_tweet_id": root})
    page = sandbox.emulators["x"].feed_html(sandbox.store.read("x"))
    assert "&lt;b&gt;Мост&lt;/b&gt;" in page and "<b>Мост</b>" not in page
    assert '<img src="/files/' in page
    assert "<li>Да</li>" in page
    assert 'class="x-reply"' in page


# -- replies, moderation and the profile ----------------------------------------------------------

SNOWFLAKE_EPOCH_MS = 1288834974657


def search(http: httpx.Client, **params: Any) -> httpx.Response:
    return http.get(f"{API}/2/tweets/search/recent", params=params, headers=AUTH)


def hide(http: httpx.Client, tweet_id: str, hidden: Any = True) -> httpx.Response:
    return http.put(f"{API}/2/tweets/{tweet_id}/hidden", json={"hidden": hidden}, headers=AUTH)


def a_post(http: httpx.Client, text: str = "Новость") -> str:
    answer = tweet(http, text=text)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["data"]["id"])


def test_post_ids_are_snowflakes_of_the_clock(http: httpx.Client, clock: FakeClock) -> None:
    first = int(a_post(http, "Первый"))
    second = int(a_post(http, "Второй"))
    millis = int(clock.now().timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
    assert first >> 22 == millis and second == first + 1
    clock.advance(1)
    assert int(a_post(http, "Третий")) >> 22 == millis + 1000


def test_search_finds_the_conversation_newest_first_with_authors(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    root = a_post(http)
    a_post(http, "Другая новость")
    ivan = sandbox.add_comment("x", root, "Вопрос & <ответ>", "7001", "Иван")
    olga = sandbox.add_comment("x", root, "Согласна", "7002", "Ольга", reply_to=ivan)
    answer = search(
        http,
        query=f"conversation_id:{root}",
        max_results=10,
        expansions="author_id",
        **{"tweet.fields": "author_id,created_at,referenced_tweets,conversation_id"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [t["id"] for t in body["data"]] == [olga, ivan, root]
    newest = body["data"][0]
    assert newest["referenced_tweets"] == [{"type": "replied_to", "id": ivan}]
    assert newest["text"] == "@user7001 @sandbox_city Согласна"
    assert body["data"][1]["text"] == "@sandbox_city Вопрос &amp; &lt;ответ&gt;"
    assert body["data"][2]["text"] == "Новость"
    users = {u["id"]: u for u in body["includes"]["users"]}
    assert users["7001"] == {"id": "7001", "name": "Иван", "username": "user7001"}
    assert users["1500000001"]["username"] == "sandbox_city"
    assert body["meta"] == {"result_count": 3, "newest_id": olga, "oldest_id": root}
    assert "x-rate-limit-remaining" in answer.headers


def test_search_pages_with_next_token_and_checks_its_parameters(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    root = a_post(http)
    for number in range(12):
        sandbox.add_comment("x", root, f"Комментарий {number}", str(7000 + number), "Житель")
    query = f"conversation_id:{root}"
    first = search(http, query=query, max_results=10).json()
    assert len(first["data"]) == 10 and "includes" not in first
    token = first["meta"]["next_token"]
    rest = search(http, query=query, max_results=10, next_token=token).json()
    assert len(rest["data"]) == 3 and "next_token" not in rest["meta"]
    assert_invalid(search(http, query=query, max_results=5), "max_results")
    assert_invalid(search(http, query=query, next_token="zzz"), "next_token")
    assert_invalid(search(http), "query")
    assert_invalid(search(http, query="from:sandbox_city"), "conversation_id")
    assert_invalid(search(http, query="conversation_id:1 " + "x" * 512), "512")


def test_search_since_id_and_the_seven_day_window(
    http: httpx.Client, sandbox: Sandbox, clock: FakeClock
) -> None:
    root = a_post(http)
    old = sandbox.add_comment("x", root, "Давно", "7001", "Иван")
    clock.advance(8 * DAY)
    fresh = sandbox.add_comment("x", root, "Недавно", "7002", "Ольга")
    clock.advance(60)
    newest = sandbox.add_comment("x", root, "Только что", "7003", "Пётр")
    query = f"conversation_id:{root}"
    assert [t["id"] for t in search(http, query=query).json()["data"]] == [newest, fresh]
    since = search(http, query=query, since_id=fresh).json()
    assert [t["id"] for t in since["data"]] == [newest]
    stale = search(http, query=query, since_id=old)
    assert_invalid(stale, "'since_id' must be a tweet id created after")
    assert_invalid(search(http, query=query, since_id="abc"), "since_id")


def test_search_is_limited_to_300_per_15_minutes(http: httpx.Client, sandbox: Sandbox) -> None:
    root = a_post(http)
    query = f"conversation_id:{root}"
    assert search(http, query=query).headers["x-rate-limit-limit"] == "300"
    with sandbox.store.transaction("x") as state:
        state["limits"]["search_recent:1500000001"]["used"] = LIMITS["search_recent"] - 1
    assert search(http, query=query).headers["x-rate-limit-remaining"] == "0"
    refused = search(http, query=query)
    assert refused.status_code == 429
    assert refused.json()["title"] == "Too Many Requests"


def test_hide_reply_in_our_conversation_twice_and_unhide(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    root = a_post(http)
    spam = sandbox.add_comment("x", root, "Спам", "7001", "Спамер")
    for _ in range(2):
        answer = hide(http, spam)
        assert answer.status_code == 200 and answer.json() == {"data": {"hidden": True}}
    [post] = sandbox.show()["x"]["posts"]
    assert post["comments"][0]["hidden"] is True
    assert hide(http, spam, False).json() == {"data": {"hidden": False}}
    assert sandbox.show()["x"]["posts"][0]["comments"][0]["hidden"] is False


def test_hide_reply_refuses_what_is_not_a_reply_of_others_in_our_conversation(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    root = a_post(http)
    ivan = sandbox.add_comment("x", root, "Вопрос", "7001", "Иван")
    ours = tweet(http, text="Ответ", reply={"in_reply_to_tweet_id": ivan}).json()["data"]["id"]
    for target in (root, ours):
        answer = hide(http, target)
        assert answer.status_code == 403
        assert "conversations you started" in answer.json()["detail"]
    missing = hide(http, "1999999999999999999")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/problems/resource-not-found")
    assert_invalid(hide(http, ivan, "yes"), "hidden")


def test_hide_reply_is_limited_to_50_per_15_minutes(http: httpx.Client, sandbox: Sandbox) -> None:
    root = a_post(http)
    reply = sandbox.add_comment("x", root, "Спам", "7001", "Спамер")
    assert hide(http, reply).headers["x-rate-limit-limit"] == "50"
    with sandbox.store.transaction("x") as state:
        state["limits"]["tweets_hide:1500000001"]["used"] = LIMITS["tweets_hide"] - 1
    assert hide(http, reply).status_code == 200
    assert hide(http, reply).status_code == 429


def test_a_conversation_hides_at_most_725_replies(http: httpx.Client, sandbox: Sandbox) -> None:
    root = a_post(http)
    first = sandbox.add_comment("x", root, "Спам", "7001", "Спамер")
    second = sandbox.add_comment("x", root, "Ещё спам", "7001", "Спамер")
    with sandbox.store.transaction("x") as state:
        state["tweets"][first]["hidden"] = True
        for index in range(724):
            fake = {**state["tweets"][first], "id": str(index), "hidden": True}
            state["tweets"][str(index)] = fake
    assert hide(http, second).status_code == 403


def test_account_answers_a_reply_with_the_citizens_mention(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    root = a_post(http)
    ivan = sandbox.add_comment("x", root, "Вопрос", "7001", "Иван")
    answer = tweet(http, text="Ответ", reply={"in_reply_to_tweet_id": ivan})
    assert answer.json()["data"]["text"] == "@user7001 Ответ"
    [post] = sandbox.show()["x"]["posts"]
    assert post["thread"] == []
    assert [(c["text"], c["from_account"]) for c in post["comments"]] == [
        ("Вопрос", False),
        ("Ответ", True),
    ]


def test_add_comment_refuses_what_a_citizen_cannot_do(http: httpx.Client, sandbox: Sandbox) -> None:
    root = a_post(http)
    other = a_post(http, "Другой пост")
    reply_elsewhere = sandbox.add_comment("x", other, "Там", "7001", "Иван")
    with pytest.raises(ValueError):
        sandbox.add_comment("x", root, "Личное", "7001", "Иван", direct=True)
    with pytest.raises(ValueError):
        sandbox.add_comment("x", "123", "Куда?", "7001", "Иван")
    with pytest.raises(ValueError):
        sandbox.add_comment("x", root, "я" * 281, "7001", "Иван")
    with pytest.raises(ValueError):
        sandbox.add_comment("x", root, "Не туда", "7001", "Иван", reply_to=reply_elsewhere)
    with pytest.raises(ValueError):
        sandbox.add_comment("x", reply_elsewhere, "На комментарий", "7002", "Ольга")
    http.delete(f"{API}/2/tweets/{root}", headers=AUTH)
    with pytest.raises(ValueError):
        sandbox.add_comment("x", root, "Поздно", "7001", "Иван")


def test_comments_of_a_deleted_post_disappear_with_it(http: httpx.Client, sandbox: Sandbox) -> None:
    root = a_post(http, "Часть 1")
    second = tweet(http, text="Часть 2", reply={"in_reply_to_tweet_id": root}).json()["data"]
    sandbox.add_comment("x", root, "К первой части", "7001", "Иван")
    sandbox.add_comment("x", root, "Ко второй", "7002", "Ольга", reply_to=second["id"])
    [post] = sandbox.show()["x"]["posts"]
    assert [c["text"] for c in post["comments"]] == ["К первой части", "Ко второй"]
    http.delete(f"{API}/2/tweets/{root}", headers=AUTH)
    [orphan] = sandbox.show()["x"]["posts"]
    assert [c["text"] for c in orphan["comments"]] == ["Ко второй"]


def test_blocking_is_enterprise_only(http: httpx.Client) -> None:
    answer = http.post(
        f"{API}/2/users/1500000001/blocking", json={"target_user_id": "7001"}, headers=AUTH
    )
    assert answer.status_code == 403
    assert answer.json()["type"].endswith("/problems/client-forbidden")
    assert answer.json()["reason"] == "client-not-enrolled"
    undo = http.delete(f"{API}/2/users/1500000001/blocking/7001", headers=AUTH)
    assert undo.status_code == 403


def update_profile(http: httpx.Client, **body: Any) -> httpx.Response:
    return http.put(f"{API}/2/users/me", json=body, headers=AUTH)


def test_update_profile_changes_only_the_fields_sent(http: httpx.Client, sandbox: Sandbox) -> None:
    answer = update_profile(http, name="Администрация", url="city.example.ru")
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["url"] == "http://city.example.ru"
    update_profile(http, description="Официально.\nБез выходных.")
    profile = sandbox.show()["x"]["profile"]
    assert profile == {
        "title": "Администрация",
        "description": "Официально.\nБез выходных.",
        "website": "http://city.example.ru",
        "avatar": None,
        "cover": None,
    }
    me = http.get(
        f"{API}/2/users/me", params={"user.fields": "description,url"}, headers=AUTH
    ).json()
    assert me["data"]["description"] == "Официально.\nБез выходных."
    assert "location" not in me["data"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "Т" * 51}, "name"),
        ({"description": "о" * 161}, "description"),
        ({"url": "https://e.ru/" + "a" * 88}, "url"),
        ({"location": "г" * 31}, "location"),
        ({"name": "  "}, "name"),
        ({"name": 5}, "name"),
        ({"banner": "x"}, "banner"),
        ({}, "$"),
    ],
)
def test_update_profile_checks_fields_and_limits(
    http: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    assert_invalid(update_profile(http, **body), fragment)


def test_update_profile_takes_texts_at_the_limits(http: httpx.Client) -> None:
    answer = update_profile(
        http, name="Т" * 50, description="о" * 160, url="https://e.ru/" + "a" * 87
    )
    assert answer.status_code == 200, answer.text


def test_profile_image_takes_an_uploaded_image(http: httpx.Client, sandbox: Sandbox) -> None:
    media_id = upload_photo(http)
    answer = http.put(f"{API}/2/users/me/profile_image", json={"media_id": media_id}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    avatar = sandbox.show()["x"]["profile"]["avatar"]
    assert sandbox.store.file_path(avatar).read_bytes()[:3] == b"\xff\xd8\xff"
    page = sandbox.emulators["x"].feed_html(sandbox.store.read("x"))
    assert f'class="x-avatar" src="/files/{avatar}"' in page


def test_profile_image_refuses_unknown_media_and_videos(http: httpx.Client) -> None:
    url = f"{API}/2/users/me/profile_image"
    missing = http.put(url, json={"media_id": "123"}, headers=AUTH)
    assert missing.status_code == 404
    assert_invalid(http.put(url, json={"media_id": processed_video(http)}, headers=AUTH))
    assert_invalid(http.put(url, json={}, headers=AUTH), "media_id")


def test_feed_html_shows_the_profile_and_escaped_comments_with_hidden_ones_marked(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    update_profile(http, name="<Мэрия>", description="Город & люди", url="https://city.ru")
    root = a_post(http)
    sandbox.add_comment("x", root, "<script>alert(1)</script>", "7001", "Иван <Грозный>")
    spam = sandbox.add_comment("x", root, "Спам", "7002", "Спамер")
    hide(http, spam)
    page = sandbox.emulators["x"].feed_html(sandbox.store.read("x"))
    assert '<header class="x-profile">' in page and "<h2>&lt;Мэрия&gt;</h2>" in page
    assert "Город &amp; люди" in page and 'href="https://city.ru"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Иван &lt;Грозный&gt;" in page
    assert 'class="x-comment x-hidden"' in page


def test_a_poll_reads_as_x_shows_a_new_one_in_russian(http: httpx.Client, sandbox: Sandbox) -> None:
    from publisher.sandbox.web import FeedPage

    tweet(http, text="Опрос", poll={"options": ["Да", "Нет"], "duration_minutes": 1440})

    page = FeedPage(sandbox.store.root).page()

    assert "0 голосов · осталось 24 ч" in page
    assert "Poll" not in page and "Опрос ·" not in page
