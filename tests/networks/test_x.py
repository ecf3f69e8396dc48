"""The X adapter: exact requests, error mapping, OAuth 1.0a, and the contract with its emulator."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from conftest import Sandboxes, Scripted, make_account
from PIL import Image

from publisher.core.clock import FakeClock
from publisher.core.errors import (
    AuthError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.model import Comment, Media, Poll, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks.base import CHUNK_SIZE, FindResult, Tokens
from publisher.networks.x import (
    OAuth1Auth,
    OAuth1Credentials,
    XAdapter,
    snowflake_after,
)
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import revoke_token
from publisher.sandbox.faults import parse_faults

TOKEN = "x-user-token-0123456789"
API = "https://api.x.com"
MB = 1024 * 1024

# -- helpers --------------------------------------------------------------------------------------


def created(tweet_id: str, text: str = "") -> httpx.Response:
    body = {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}
    return httpx.Response(201, json=body)


def problem(
    status: int, kind: str | None = None, detail: str = "", **headers: str
) -> httpx.Response:
    body = {
        "title": "Problem",
        "detail": detail,
        "type": f"https://api.twitter.com/2/problems/{kind}" if kind else "about:blank",
        "status": status,
    }
    return httpx.Response(status, json=body, headers=headers)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture
def make_adapter(scripted: Scripted, clock: FakeClock) -> Iterator[Callable[..., XAdapter]]:
    clients: list[httpx.Client] = []

    def build(tokens: Tokens | None = None, **fields: Any) -> XAdapter:
        http = httpx.Client(transport=scripted)
        clients.append(http)
        defaults: dict[str, Any] = {"account_id": "42", "settings": {"handle": "city"}}
        account = make_account("x", **{**defaults, **fields})
        return XAdapter(account, tokens or Tokens(Secret(TOKEN, "X_TOKEN")), http, clock=clock)

    yield build
    for client in clients:
        client.close()


def rendered(
    *parts: str, media: tuple[Media, ...] = (), poll: Poll | None = None, **options: Any
) -> RenderedPost:
    return RenderedPost("p", "x", parts or ("",), media=media, poll=poll, options=options)


def photo(tmp_path: Path, name: str = "a.jpg", alt: str = "") -> Media:
    path = tmp_path / name
    Image.new("RGB", (8, 8), "red").save(path, "JPEG")
    return Media(path, name, "photo", alt=alt, size=path.stat().st_size, image_format="JPEG")


def video(tmp_path: Path, size: int, name: str = "v.mp4") -> Media:
    """A sparse MP4-looking file of ``size`` bytes."""
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.write(b"\x00\x00\x00\x18ftypmp42")
        handle.truncate(size)
    return Media(path, name, "video", size=size)


OAUTH1_ENVS = {
    "api_key": "X_API_KEY",
    "api_secret": "X_API_SECRET",
    "access_token_secret": "X_ACCESS_SECRET",
}


def oauth1_tokens() -> Tokens:
    extras = {
        "api_key": Secret("consumer-key-abc", "X_API_KEY"),
        "api_secret": Secret("consumer-secret-def", "X_API_SECRET"),
        "access_token_secret": Secret("token-secret-ghi", "X_ACCESS_SECRET"),
    }
    return Tokens(Secret("access-token-jkl", "X_TOKEN"), extras)


# -- OAuth 1.0a -----------------------------------------------------------------------------------


def percent_encode(value: str) -> str:
    """RFC 3986 as OAuth 1.0a wants it: only ``A-Za-z0-9-._~`` stay as they are."""
    return quote(value, safe="-._~")


def rfc5849_signature(
    method: str,
    url: str,
    params: Iterable[tuple[str, str]],
    consumer_secret: str,
    token_secret: str,
) -> str:
    """RFC 5849 section 3.4 written out, the reference oauthlib's signatures are checked against:
    ``url`` has no query; ``params`` are the query parameters plus every ``oauth_*`` one."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    parameter_string = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join((method.upper(), percent_encode(url), percent_encode(parameter_string)))
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signed(request: httpx.Request, credentials: OAuth1Credentials, nonce: str, at: int) -> str:
    """The ``Authorization`` header ``OAuth1Auth`` puts on ``request``."""
    flow = OAuth1Auth(lambda: credentials, lambda: at, lambda: nonce).auth_flow(request)
    return next(flow).headers["Authorization"]


def oauth_fields(header: str) -> dict[str, str]:
    """The ``key="value"`` fields of an OAuth header, still percent-encoded."""
    assert header.startswith("OAuth ")
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


DOC_PARAMS = [
    ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
    ("include_entities", "true"),
]
DOC_OAUTH = [
    ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
    ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
    ("oauth_signature_method", "HMAC-SHA1"),
    ("oauth_timestamp", "1318622958"),
    (
        "oauth_token",
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",  # pragma: allowlist secret
    ),
    ("oauth_version", "1.0"),
]
DOC_CREDENTIALS = OAuth1Credentials(
    "xvz1evFS4wEEPTGEFPHBog",
    "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",  # pragma: allowlist secret
    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
)


@pytest.mark.parametrize(
    ("host", "signature"),
    [
        # docs.x.com "Creating a signature" (the page now uses api.x.com) and its older
        # api.twitter.com edition
        ("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4="),
        ("api.twitter.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk="),
    ],
)
def test_oauth1_signature_matches_the_documented_example(host: str, signature: str) -> None:
    url = f"https://{host}/1.1/statuses/update.json"
    reference = rfc5849_signature(
        "post",
        url,
        [*DOC_PARAMS, *DOC_OAUTH],
        DOC_CREDENTIALS.consumer_secret,
        DOC_CREDENTIALS.token_secret,
    )
    # the documented parameters travel in the query here: the adapter signs queries only
    request = httpx.Request("POST", url, params=DOC_PARAMS)
    nonce, timestamp = DOC_OAUTH[1][1], int(DOC_OAUTH[3][1])
    header = signed(request, DOC_CREDENTIALS, nonce, timestamp)
    assert reference == signature
    assert unquote(oauth_fields(header)["oauth_signature"]) == signature


def test_oauth1_header_carries_every_field_encoded() -> None:
    credentials = OAuth1Credentials("key", "secret", "tok en", "token-secret")
    header = signed(httpx.Request("GET", f"{API}/2/users/me"), credentials, "n/1", 1700000000)
    expected_signature = rfc5849_signature(
        "GET",
        f"{API}/2/users/me",
        [
            ("oauth_consumer_key", "key"),
            ("oauth_nonce", "n/1"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1700000000"),
            ("oauth_token", "tok en"),
            ("oauth_version", "1.0"),
        ],
        "secret",
        "token-secret",
    )
    assert oauth_fields(header) == {
        "oauth_consumer_key": "key",
        "oauth_nonce": "n%2F1",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "1700000000",
        "oauth_token": "tok%20en",
        "oauth_version": "1.0",
        "oauth_signature": _encode(expected_signature),
    }


def _encode(value: str) -> str:
    return value.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def test_signature_base_url_drops_query_and_default_port() -> None:
    credentials = OAuth1Credentials("key", "secret", "token", "token-secret")
    request = httpx.Request("GET", "HTTPS://API.X.com:443/2/users/42/tweets?max_results=10")
    fields = oauth_fields(signed(request, credentials, "n", 1700000000))
    oauth = [(k, unquote(v)) for k, v in fields.items() if k != "oauth_signature"]
    expected = rfc5849_signature(
        "GET",
        "https://api.x.com/2/users/42/tweets",
        [("max_results", "10"), *oauth],
        "secret",
        "token-secret",
    )
    assert unquote(fields["oauth_signature"]) == expected


def test_oauth1_requests_are_signed_over_their_query_with_injected_nonce_and_time(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], clock: FakeClock
) -> None:
    scripted.on(
        "GET", "/2/users/42/tweets", httpx.Response(200, json={"meta": {"result_count": 0}})
    )
    adapter = make_adapter(oauth1_tokens(), extra_token_envs=OAUTH1_ENVS)
    adapter.nonce = lambda: "fixednonce"
    assert adapter.find("k", rendered("Текст")) is FindResult.ABSENT
    request = scripted.requests[0]
    timestamp = str(int(clock.now().timestamp()))
    oauth = [
        ("oauth_consumer_key", "consumer-key-abc"),
        ("oauth_nonce", "fixednonce"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", timestamp),
        ("oauth_token", "access-token-jkl"),
        ("oauth_version", "1.0"),
    ]
    query = list(request.url.params.multi_items())
    assert ("max_results", "10") in query
    signature = rfc5849_signature(
        "GET",
        f"{API}/2/users/42/tweets",
        [*query, *oauth],
        "consumer-secret-def",
        "token-secret-ghi",
    )
    header = request.headers["Authorization"]
    assert header.startswith("OAuth ")
    assert f'oauth_signature="{_encode(signature)}"' in header
    assert f'oauth_timestamp="{timestamp}"' in header


def test_bearer_token_is_used_without_the_oauth1_secrets(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    me = {"data": {"id": "42", "name": "Город", "username": "city"}}
    scripted.on("GET", "/2/users/me", httpx.Response(200, json=me))
    info = make_adapter().verify()
    assert scripted.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert (info.id, info.name, info.url) == ("42", "Город", "https://x.com/city")


# -- publish --------------------------------------------------------------------------------------


def test_publish_text_posts_json_and_returns_the_post_url(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], clock: FakeClock
) -> None:
    scripted.on("POST", "/2/tweets", created("100", "Привет"))
    ref = make_adapter().publish(rendered("Привет"), "a" * 64)
    request = scripted.requests[0]
    assert (request.method, str(request.url)) == ("POST", f"{API}/2/tweets")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert body_of(request) == {"text": "Привет"}
    assert ref == RemoteRef("x", "100", "https://x.com/city/status/100", ("100",), clock.now())


def test_publish_without_handle_uses_the_i_url(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("POST", "/2/tweets", created("100"))
    ref = make_adapter(settings={}).publish(rendered("Привет"), "k")
    assert ref.url == "https://x.com/i/status/100"


def test_publish_chains_thread_parts_as_replies(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("POST", "/2/tweets", created("1"), created("2"), created("3"))
    ref = make_adapter().publish(rendered("один 1/3", "два 2/3", "три 3/3"), "k")
    bodies = [body_of(r) for r in scripted.sent("POST", "/2/tweets")]
    assert bodies == [
        {"text": "один 1/3"},
        {"text": "два 2/3", "reply": {"in_reply_to_tweet_id": "1"}},
        {"text": "три 3/3", "reply": {"in_reply_to_tweet_id": "2"}},
    ]
    assert (ref.remote_id, ref.parts) == ("1", ("1", "2", "3"))


def test_publish_photos_uploads_each_then_sets_alt_text(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    uploaded = [
        httpx.Response(200, json={"data": {"id": "m1", "media_key": "3_m1", "size": 10}}),
        httpx.Response(200, json={"data": {"id": "m2", "media_key": "3_m2", "size": 10}}),
    ]
    scripted.on("POST", "/2/media/upload", *uploaded)
    scripted.on("POST", "/2/media/metadata", httpx.Response(200, json={"data": {"id": "m1"}}))
    scripted.on("POST", "/2/tweets", created("100"))
    media = (photo(tmp_path, "a.jpg", alt="Мост"), photo(tmp_path, "b.jpg"))
    make_adapter().publish(rendered("Фото", media=media), "k")

    uploads = scripted.sent("POST", "/2/media/upload")
    assert len(uploads) == 2
    assert uploads[0].headers["Content-Type"].startswith("multipart/form-data")
    assert uploads[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert b'name="media_category"\r\n\r\ntweet_image' in uploads[0].content
    assert b'name="media"; filename="a.jpg"' in uploads[0].content
    assert b"Content-Type: image/jpeg" in uploads[0].content
    (metadata,) = scripted.sent("POST", "/2/media/metadata")
    assert body_of(metadata) == {"id": "m1", "metadata": {"alt_text": {"text": "Мост"}}}
    (tweet,) = scripted.sent("POST", "/2/tweets")
    assert body_of(tweet) == {"text": "Фото", "media": {"media_ids": ["m1", "m2"]}}


def test_publish_video_uploads_in_chunks_and_waits_for_processing(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path, clock: FakeClock
) -> None:
    size = 2 * CHUNK_SIZE + 1000
    pending = {"state": "pending", "check_after_secs": 5}
    scripted.on(
        "POST", "/2/media/upload/initialize", httpx.Response(200, json={"data": {"id": "77"}})
    )
    scripted.on("POST", "/2/media/upload/77/append", httpx.Response(200, json={"data": {}}))
    finalized = {"data": {"id": "77", "size": size, "processing_info": pending}}
    scripted.on("POST", "/2/media/upload/77/finalize", httpx.Response(200, json=finalized))
    statuses = [
        {"data": {"id": "77", "processing_info": {"state": "in_progress", "check_after_secs": 10}}},
        {"data": {"id": "77", "processing_info": {"state": "succeeded"}}},
    ]
    scripted.on("GET", "/2/media/upload", *(httpx.Response(200, json=s) for s in statuses))
    scripted.on("POST", "/2/tweets", created("100"))
    before = clock.monotonic()

    make_adapter().publish(rendered("Видео", media=(video(tmp_path, size),)), "k")

    (init,) = scripted.sent("POST", "/2/media/upload/initialize")
    assert body_of(init) == {
        "media_type": "video/mp4",
        "total_bytes": size,
        "media_category": "tweet_video",
    }
    appends = scripted.sent("POST", "/2/media/upload/77/append")
    assert [_segment_index(r) for r in appends] == ["0", "1", "2"]
    assert all(len(r.content) <= CHUNK_SIZE + 1024 for r in appends)
    assert len(appends[-1].content) < 2000
    checks = scripted.sent("GET", "/2/media/upload")
    assert [dict(r.url.params) for r in checks] == [{"command": "STATUS", "media_id": "77"}] * 2
    assert clock.monotonic() - before >= 15  # slept check_after_secs 5, then 10
    (tweet,) = scripted.sent("POST", "/2/tweets")
    assert body_of(tweet)["media"] == {"media_ids": ["77"]}


def _segment_index(request: httpx.Request) -> str:
    content = request.content
    marker = b'name="segment_index"\r\n\r\n'
    start = content.index(marker) + len(marker)
    return content[start : content.index(b"\r\n", start)].decode()


def test_publish_animation_uses_the_gif_category(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    path = tmp_path / "a.gif"
    Image.new("P", (4, 4)).save(path, "GIF")
    gif = Media(path, "a.gif", "animation", size=path.stat().st_size, image_format="GIF")
    scripted.on(
        "POST", "/2/media/upload/initialize", httpx.Response(200, json={"data": {"id": "9"}})
    )
    scripted.on("POST", "/2/media/upload/9/append", httpx.Response(200, json={"data": {}}))
    scripted.on(
        "POST", "/2/media/upload/9/finalize", httpx.Response(200, json={"data": {"id": "9"}})
    )
    scripted.on("POST", "/2/tweets", created("100"))
    make_adapter().publish(rendered("", media=(gif,)), "k")
    (init,) = scripted.sent("POST", "/2/media/upload/initialize")
    assert body_of(init)["media_category"] == "tweet_gif"
    assert body_of(init)["media_type"] == "image/gif"
    assert body_of(scripted.sent("POST", "/2/tweets")[0]) == {
        "text": "",
        "media": {"media_ids": ["9"]},
    }


def test_publish_poll_sends_options_and_duration(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("POST", "/2/tweets", created("100"))
    poll = Poll("Когда удобнее?", ("Утром", "Вечером"))
    make_adapter().publish(rendered("Опрос.", poll=poll, poll_minutes=60), "k")
    assert body_of(scripted.requests[0]) == {
        "text": "Опрос.\n\nКогда удобнее?",
        "poll": {"options": ["Утром", "Вечером"], "duration_minutes": 60},
    }


def test_publish_poll_with_media_goes_into_a_reply(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    scripted.on("POST", "/2/media/upload", httpx.Response(200, json={"data": {"id": "m1"}}))
    scripted.on("POST", "/2/tweets", created("1"), created("2"))
    poll = Poll("Когда удобнее?", ("Утром", "Вечером"))
    ref = make_adapter().publish(rendered("Текст", media=(photo(tmp_path),), poll=poll), "k")
    first, second = (body_of(r) for r in scripted.sent("POST", "/2/tweets"))
    assert "poll" not in first and first["media"] == {"media_ids": ["m1"]}
    assert second == {
        "text": "Когда удобнее?",
        "poll": {"options": ["Утром", "Вечером"], "duration_minutes": 1440},
        "reply": {"in_reply_to_tweet_id": "1"},
    }
    assert ref.parts == ("1", "2")


def test_publish_refuses_a_video_with_other_media_before_sending_anything(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    media = (photo(tmp_path), video(tmp_path, 1000))
    with pytest.raises(Rejected) as caught:
        make_adapter().publish(rendered("Текст", media=media), "k")
    assert caught.value.hint
    assert scripted.requests == []


def test_publish_deletes_posted_parts_when_a_later_part_fails(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    detail = "You attempted to reply to a Tweet that is deleted or not visible to you."
    scripted.on("POST", "/2/tweets", created("1"), problem(403, detail=detail))
    scripted.on("DELETE", "/2/tweets/1", httpx.Response(200, json={"data": {"deleted": True}}))
    with pytest.raises(Rejected):
        make_adapter().publish(rendered("один", "два"), "k")
    assert [r.url.path for r in scripted.sent("DELETE", "/2/tweets/1")] == ["/2/tweets/1"]


def test_publish_after_a_lost_answer_also_deletes_the_part_it_could_not_see(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("POST", "/2/tweets", created("1"), httpx.ReadTimeout("lost"))
    timeline = {
        "data": [
            {"id": "2", "text": "два", "conversation_id": "1"},
            {"id": "1", "text": "один", "conversation_id": "1"},
            {"id": "0", "text": "старый", "conversation_id": "0"},
        ]
    }
    scripted.on("GET", "/2/users/42/tweets", httpx.Response(200, json=timeline))
    deleted = httpx.Response(200, json={"data": {"deleted": True}})
    scripted.on("DELETE", "/2/tweets/1", deleted).on("DELETE", "/2/tweets/2", deleted)
    with pytest.raises(Transient) as caught:
        make_adapter().publish(rendered("один", "два"), "k")
    assert caught.value.uncertain
    deletes = [r.url.path for r in scripted.requests if r.method == "DELETE"]
    assert deletes == ["/2/tweets/2", "/2/tweets/1"]


# -- update, delete, find -------------------------------------------------------------------------


def test_update_is_refused_because_x_cannot_edit_without_premium(
    make_adapter: Callable[..., XAdapter],
) -> None:
    assert XAdapter.capabilities.can_edit is False
    with pytest.raises(Rejected):
        make_adapter().update(RemoteRef("x", "1"), rendered("новый"))


def test_delete_removes_every_part_last_first_and_ignores_missing_ones(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    ok = httpx.Response(200, json={"data": {"deleted": True}})
    scripted.on("DELETE", "/2/tweets/3", ok)
    scripted.on("DELETE", "/2/tweets/2", problem(404, "resource-not-found"))
    scripted.on("DELETE", "/2/tweets/1", ok)
    make_adapter().delete(RemoteRef("x", "1", parts=("1", "2", "3")))
    assert [(r.method, str(r.url)) for r in scripted.requests] == [
        ("DELETE", f"{API}/2/tweets/3"),
        ("DELETE", f"{API}/2/tweets/2"),
        ("DELETE", f"{API}/2/tweets/1"),
    ]


def test_find_matches_the_first_part_despite_tco_links_and_entities(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    timeline = {
        "data": [
            {"id": "12", "text": "ещё 2/2", "conversation_id": "11"},
            {
                "id": "11",
                "text": "Дороги &amp; мосты https://t.co/abc 1/2 https://t.co/media",
                "conversation_id": "11",
                "created_at": "2026-12-01T08:00:00.000Z",
            },
        ],
        "meta": {"result_count": 2},
    }
    scripted.on("GET", "/2/users/42/tweets", httpx.Response(200, json=timeline))
    ref = make_adapter().find("k", rendered("Дороги & мосты https://example.com/a 1/2", "ещё 2/2"))
    request = scripted.requests[0]
    assert dict(request.url.params) == {
        "max_results": "10",
        "tweet.fields": "conversation_id,created_at",
    }
    assert isinstance(ref, RemoteRef)
    assert (ref.remote_id, ref.parts) == ("11", ("11", "12"))
    assert ref.published_at is not None and ref.published_at.hour == 8


def test_find_reports_absent_when_no_post_matches(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    timeline = {"data": [{"id": "5", "text": "другое", "conversation_id": "5"}]}
    scripted.on("GET", "/2/users/42/tweets", httpx.Response(200, json=timeline))
    assert make_adapter().find("k", rendered("Текст")) is FindResult.ABSENT


def test_find_deletes_a_thread_cut_short_and_reports_it_absent(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    timeline = {"data": [{"id": "5", "text": "один", "conversation_id": "5"}]}
    scripted.on("GET", "/2/users/42/tweets", httpx.Response(200, json=timeline))
    scripted.on("DELETE", "/2/tweets/5", httpx.Response(200, json={"data": {"deleted": True}}))
    assert make_adapter().find("k", rendered("один", "два")) is FindResult.ABSENT
    assert len(scripted.sent("DELETE", "/2/tweets/5")) == 1


def test_find_cannot_tell_for_a_post_without_text(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    assert make_adapter().find("k", rendered("", media=(photo(tmp_path),))) is FindResult.UNKNOWN
    assert scripted.requests == []


# -- errors ---------------------------------------------------------------------------------------


def _body(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


FAR = "1764590400"  # an hour after the FakeClock's start: never retried within the client

ERRORS = [
    (_body(401, {"title": "Unauthorized", "type": "about:blank", "status": 401}), AuthError),
    (problem(403, "client-forbidden", "client-not-enrolled"), AuthError),
    (problem(403, "not-authorized-for-resource"), AuthError),
    (
        _body(
            403,
            {
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
            },
        ),
        Rejected,
    ),
    (
        problem(400, "invalid-request", "One or more parameters to your request was invalid."),
        Rejected,
    ),
    (problem(404, "resource-not-found"), NotFound),
    (
        _body(200, {"errors": [{"type": "https://api.x.com/2/problems/resource-not-found"}]}),
        NotFound,
    ),
    (problem(429, None, "Too Many Requests", **{"x-rate-limit-reset": FAR}), RateLimited),
    (problem(429, "usage-capped"), RateLimited),
    (_body(429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}), RateLimited),
    (_body(401, {"errors": [{"code": 89, "message": "Invalid or expired token."}]}), AuthError),
    (problem(500, None, "Internal Error"), Transient),
    (httpx.Response(503, text="<html>Over capacity</html>"), Transient),
]


@pytest.mark.parametrize(("answer", "error"), ERRORS)
def test_error_answers_map_to_our_errors(
    scripted: Scripted,
    make_adapter: Callable[..., XAdapter],
    answer: httpx.Response,
    error: type[NetworkError],
) -> None:
    scripted.on("GET", "/2/users/me", answer)
    with pytest.raises(error) as caught:
        make_adapter().verify()
    assert type(caught.value) is error


def test_auth_error_hint_names_the_secret(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("GET", "/2/users/me", problem(401))
    with pytest.raises(AuthError) as caught:
        make_adapter().verify()
    assert "X_TOKEN" in caught.value.hint


def test_duplicate_content_is_rejected_with_a_hint(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    detail = "You are not allowed to create a Tweet with duplicate content."
    scripted.on("POST", "/2/tweets", problem(403, detail=detail))
    with pytest.raises(Rejected) as caught:
        make_adapter().publish(rendered("Повтор"), "k")
    assert "duplicate" in caught.value.detail
    assert caught.value.hint


@pytest.mark.parametrize(
    ("headers", "kind", "wait"),
    [
        ({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "+900"}, None, 900),
        (
            {
                "x-rate-limit-remaining": "40",
                "x-rate-limit-reset": "+300",
                "x-user-limit-24hour-remaining": "0",
                "x-user-limit-24hour-reset": "+7200",
            },
            None,
            7200,
        ),
        ({"x-app-limit-24hour-remaining": "0", "x-app-limit-24hour-reset": "+5000"}, None, 5000),
        ({}, None, 60),
        ({}, "usage-capped", 86400),
    ],
)
def test_rate_limit_wait_comes_from_the_exhausted_reset_header(
    scripted: Scripted,
    make_adapter: Callable[..., XAdapter],
    clock: FakeClock,
    headers: dict[str, str],
    kind: str | None,
    wait: float,
) -> None:
    now = int(clock.now().timestamp())
    absolute = {k: str(now + int(v[1:])) if v.startswith("+") else v for k, v in headers.items()}
    scripted.on("GET", "/2/users/me", problem(429, kind, "Too Many Requests", **absolute))
    adapter = make_adapter()
    adapter.api.MAX_RATE_WAIT = 0.0
    with pytest.raises(RateLimited) as caught:
        adapter.verify()
    assert caught.value.retry_after == wait


def test_no_token_reaches_an_error_text(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    tokens = oauth1_tokens()
    echoed = {
        "title": "Unauthorized",
        "detail": "bad token access-token-jkl with consumer-secret-def / token-secret-ghi",
        "type": "about:blank",
    }
    scripted.on("GET", "/2/users/me", _body(401, echoed))
    scripted.on("POST", "/2/tweets", _body(400, {"detail": f"echo {TOKEN}", "type": "about:blank"}))
    errors: list[NetworkError] = []
    for adapter, action in (
        (make_adapter(tokens, extra_token_envs=OAUTH1_ENVS), lambda a: a.verify()),
        (make_adapter(), lambda a: a.publish(rendered("x"), "k")),
    ):
        with pytest.raises(NetworkError) as caught:
            action(adapter)
        errors.append(caught.value)
    secrets = (TOKEN, "access-token-jkl", "consumer-secret-def", "token-secret-ghi")
    for error in errors:
        text = f"{error} {error.detail} {error.hint} {error!r}"
        assert not any(secret in text for secret in secrets)


# -- contract with the emulator -------------------------------------------------------------------


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("x")


@pytest.fixture
def live(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
) -> Callable[..., XAdapter]:
    def build(tokens: Tokens | None = None, **fields: Any) -> XAdapter:
        account = make_account("x", account_id="42", settings={"handle": "city"}, **fields)
        tokens = tokens or Tokens(Secret("sandbox-x-main", "X_TOKEN"))
        return XAdapter(account, tokens, sandboxes.client(sandbox), clock=clock)

    return build


def test_contract_publish_find_delete_thread(
    live: Callable[..., XAdapter], sandbox: Sandbox
) -> None:
    adapter = live()
    assert adapter.verify().url == "https://x.com/sandbox_city"
    post = rendered("Новости & планы: https://example.com/plan 1/2", "Подробности 2/2")
    ref = adapter.publish(post, "k")
    assert len(ref.parts) == 2
    [shown] = sandbox.show()["x"]["posts"]
    assert shown["id"] == ref.remote_id
    assert [part["id"] for part in shown["thread"]] == [ref.parts[1]]
    assert adapter.find("k", post) == ref
    adapter.delete(ref)
    assert sandbox.show()["x"]["posts"] == []
    assert adapter.find("k", post) is FindResult.ABSENT
    adapter.delete(ref)  # parts already gone: fine


def test_contract_photos_video_and_poll(
    live: Callable[..., XAdapter], sandbox: Sandbox, tmp_path: Path
) -> None:
    adapter = live()
    photos = (photo(tmp_path, "a.jpg", alt="Набережная"), photo(tmp_path, "b.jpg"))
    poll = Poll("Нравится?", ("Да", "Нет"))
    photo_ref = adapter.publish(rendered("Фото", media=photos, poll=poll), "k1")
    film = video(tmp_path, 2 * CHUNK_SIZE + 10)
    video_ref = adapter.publish(rendered("Видео", media=(film,)), "k2")
    posts = {p["id"]: p for p in sandbox.show()["x"]["posts"]}
    with_photos = posts[photo_ref.remote_id]
    assert [m["alt"] for m in with_photos["media"]] == ["Набережная", ""]
    assert with_photos["poll"]["options"] == ["Да", "Нет"]
    assert with_photos["thread"][0]["text"] == "Нравится?"
    [clip] = posts[video_ref.remote_id]["media"]
    assert clip["type"] == "video"
    assert sandbox.store.file_path(clip["file"]).stat().st_size == film.size


def test_contract_video_upload_is_chunked(
    live: Callable[..., XAdapter], sandbox: Sandbox, tmp_path: Path
) -> None:
    paths: list[str] = []
    adapter = live()
    adapter.api.http.event_hooks["request"].append(lambda r: paths.append(r.url.path))
    adapter.publish(rendered("Видео", media=(video(tmp_path, 3 * MB + CHUNK_SIZE),)), "k")
    appends = [p for p in paths if p.endswith("/append")]
    assert len(appends) == 2
    assert paths.count("/2/media/upload") >= 2  # STATUS checks until processing succeeded


def test_contract_rate_limit_reply_then_success(
    live: Callable[..., XAdapter], sandbox: Sandbox, clock: FakeClock
) -> None:
    adapter = live()
    user = adapter.verify().id
    reset = int(clock.now().timestamp()) + 30
    with sandbox.store.transaction("x") as state:
        state["limits"][f"tweets_create:{user}"] = {"reset": reset, "used": 100}
    before = clock.now()
    ref = adapter.publish(rendered("После паузы"), "k")
    assert ref.remote_id
    assert (clock.now() - before).total_seconds() >= 30


def test_contract_injected_429_is_retried_then_raised(
    live: Callable[..., XAdapter], sandbox: Sandbox
) -> None:
    sandbox.faults = parse_faults("x.rate429=1")
    with pytest.raises(RateLimited) as caught:
        live().publish(rendered("Текст"), "k")
    assert 0 < caught.value.retry_after <= 5


def test_contract_half_posted_thread_is_removed(
    live: Callable[..., XAdapter], sandbox: Sandbox
) -> None:
    with pytest.raises(Rejected):
        live().publish(rendered("Первая часть", "я" * 281), "k")
    assert sandbox.show()["x"]["posts"] == []


def test_contract_oauth1_and_revoked_token(live: Callable[..., XAdapter], sandbox: Sandbox) -> None:
    adapter = live(oauth1_tokens(), extra_token_envs=OAUTH1_ENVS)
    ref = adapter.publish(rendered("Подписано OAuth 1.0a"), "k")
    adapter.delete(ref)
    revoke_token(sandbox.store, "access-token-jkl")
    with pytest.raises(AuthError) as caught:
        adapter.verify()
    assert "X_TOKEN" in caught.value.hint


def test_contract_duplicate_text_is_rejected(live: Callable[..., XAdapter]) -> None:
    adapter = live()
    adapter.publish(rendered("Одинаковый текст"), "k1")
    with pytest.raises(Rejected, match="duplicate"):
        adapter.publish(rendered("Одинаковый текст"), "k2")


# -- replies, moderation and the profile ----------------------------------------------------------

SANDBOX_USER = "1500000001"


def search_page(
    tweets: list[dict[str, Any]], users: list[dict[str, str]], next_token: str = ""
) -> httpx.Response:
    meta: dict[str, Any] = {"result_count": len(tweets)}
    if next_token:
        meta["next_token"] = next_token
    return httpx.Response(200, json={"data": tweets, "includes": {"users": users}, "meta": meta})


def reply_tweet(tweet_id: str, author: str, text: str, to: str, at: str) -> dict[str, Any]:
    return {
        "id": tweet_id,
        "text": text,
        "author_id": author,
        "conversation_id": "100",
        "created_at": at,
        "in_reply_to_user_id": "42",
        "referenced_tweets": [{"type": "replied_to", "id": to}],
    }


IVAN = {"id": "7", "name": "Иван", "username": "ivan_p"}
OLGA = {"id": "8", "name": "Ольга", "username": "olga"}
CITY = {"id": "42", "name": "Мэрия", "username": "city"}
POST = RemoteRef("x", "100", "https://x.com/city/status/100", ("100", "101"))


def a_comment(comment_id: str = "300", author: str = "7") -> Comment:
    return Comment("x", comment_id, "Когда починят?", author, post_id="100")


def test_comments_search_the_conversation_page_by_page_oldest_first(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    first = [
        reply_tweet("303", "8", "@ivan_p @city Согласна", "301", "2026-12-01T08:30:00.000Z"),
        reply_tweet("302", "42", "@ivan_p Ответ мэрии", "301", "2026-12-01T08:20:00.000Z"),
        {"id": "101", "text": "Часть 2", "author_id": "42", "conversation_id": "100"},
    ]
    second = [
        reply_tweet("301", "7", "@city Яма &amp; лужа", "101", "2026-12-01T08:10:00.000Z"),
    ]
    scripted.on(
        "GET",
        "/2/tweets/search/recent",
        search_page(first, [OLGA, CITY], next_token="tok2"),
        search_page(second, [IVAN]),
    )
    found = make_adapter().comments(POST)
    pages = scripted.sent("GET", "/2/tweets/search/recent")
    assert dict(pages[0].url.params) == {
        "query": "conversation_id:100",
        "tweet.fields": "author_id,created_at,in_reply_to_user_id,referenced_tweets,"
        "conversation_id",
        "expansions": "author_id",
        "max_results": "100",
    }
    assert pages[1].url.params["next_token"] == "tok2"
    assert [c.id for c in found] == ["301", "303"]
    ivan, olga = found
    assert (ivan.text, ivan.author_name, ivan.parent_id) == ("Яма & лужа", "Иван", "")
    assert ivan.author_url == "https://x.com/ivan_p"
    assert ivan.url == "https://x.com/ivan_p/status/301"
    assert ivan.post_id == "100" and ivan.network == "x"
    assert ivan.created_at == datetime(2026, 12, 1, 8, 10, tzinfo=UTC)
    assert (olga.text, olga.parent_id) == ("Согласна", "301")
    assert olga.extra["username"] == "olga"


def test_comments_since_sends_the_matching_since_id_and_filters_by_time(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], clock: FakeClock
) -> None:
    since = clock.now() - timedelta(hours=1)  # 08:00
    tweets = [
        reply_tweet("302", "7", "новый", "100", "2026-12-01T08:00:01.000Z"),
        reply_tweet("301", "7", "ровно тогда", "100", "2026-12-01T08:00:00.000Z"),
    ]
    scripted.on("GET", "/2/tweets/search/recent", search_page(tweets, [IVAN]))
    found = make_adapter().comments(POST, since)
    [request] = scripted.requests
    since_id = int(request.url.params["since_id"])
    assert since_id == snowflake_after(since)
    # the id X gives a post at 08:00:00.001 is the first one above it
    millis = int(since.timestamp() * 1000) + 1 - 1288834974657
    assert since_id + 1 == millis << 22
    assert [c.text for c in found] == ["новый"]


def test_comments_since_beyond_the_seven_day_window_sends_no_since_id(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], clock: FakeClock
) -> None:
    scripted.on("GET", "/2/tweets/search/recent", search_page([], []))
    make_adapter().comments(POST, clock.now() - timedelta(days=8))
    assert "since_id" not in scripted.requests[0].url.params


def test_comments_read_at_most_a_thousand(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    endless = search_page(
        [reply_tweet("301", "7", "снова", "100", "2026-12-01T08:10:00.000Z")], [IVAN], "more"
    )
    scripted.on("GET", "/2/tweets/search/recent", endless)
    make_adapter().comments(POST)
    assert len(scripted.requests) == 10


def test_comments_skip_the_account_by_handle_when_ids_differ(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    other_id = {**CITY, "id": "99"}
    tweets = [reply_tweet("302", "99", "Ответ", "301", "2026-12-01T08:20:00.000Z")]
    scripted.on("GET", "/2/tweets/search/recent", search_page(tweets, [other_id]))
    assert make_adapter().comments(POST) == []


def test_hide_comment_puts_hidden_true_and_accepts_a_reply_already_gone(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on(
        "PUT",
        "/2/tweets/300/hidden",
        httpx.Response(200, json={"data": {"hidden": True}}),
        problem(404, "resource-not-found"),
    )
    adapter = make_adapter()
    adapter.hide_comment(a_comment())
    adapter.hide_comment(a_comment())
    bodies = [body_of(r) for r in scripted.sent("PUT", "/2/tweets/300/hidden")]
    assert bodies == [{"hidden": True}, {"hidden": True}]


def test_hide_comment_outside_our_conversation_is_rejected(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("PUT", "/2/tweets/300/hidden", problem(403, None, "Forbidden"))
    with pytest.raises(Rejected):
        make_adapter().hide_comment(a_comment())


def test_reply_posts_in_reply_to_the_comment(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], clock: FakeClock
) -> None:
    scripted.on("POST", "/2/tweets", created("400", "@ivan_p Починим завтра"))
    ref = make_adapter().reply(a_comment(), "Починим завтра")
    assert body_of(scripted.requests[0]) == {
        "text": "Починим завтра",
        "reply": {"in_reply_to_tweet_id": "300"},
    }
    assert ref == RemoteRef(
        "x", "400", "https://x.com/city/status/400", ("400",), published_at=clock.now()
    )


@pytest.mark.parametrize("text", ["я" * 281, "   ", "текст\ufeff"])
def test_reply_outside_the_weighted_limit_is_rejected_before_sending(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], text: str
) -> None:
    with pytest.raises(Rejected) as caught:
        make_adapter().reply(a_comment(), text)
    assert caught.value.hint
    assert scripted.requests == []


def test_reply_of_280_cyrillic_letters_is_sent(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("POST", "/2/tweets", created("400"))
    make_adapter().reply(a_comment(), "я" * 280)
    assert len(scripted.requests) == 1


def test_capabilities_declare_what_x_allows() -> None:
    caps = XAdapter.capabilities
    assert (caps.comments, caps.hide_comment, caps.reply) == (True, True, True)
    assert (caps.messages, caps.delete_comment, caps.ban, caps.max_ban_days) == (
        False,
        False,
        False,
        0,
    )
    assert caps.profile == {"title", "description", "website", "avatar"}
    assert caps.settings_url == "https://x.com/settings/profile"


def test_what_x_cannot_do_is_refused_without_a_request(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    adapter = make_adapter()
    for action in (
        lambda: adapter.delete_comment(a_comment()),
        lambda: adapter.ban(a_comment(), None),
        lambda: adapter.messages(),
    ):
        with pytest.raises(Rejected):
            action()
    assert scripted.requests == []


def profile_photo(tmp_path: Path) -> Media:
    return photo(tmp_path, "avatar.jpg")


def test_set_profile_sends_name_bio_and_website_then_the_avatar_but_no_cover(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    scripted.on("PUT", "/2/users/me", httpx.Response(200, json={"data": {"id": "42"}}))
    scripted.on("POST", "/2/media/upload", httpx.Response(200, json={"data": {"id": "55"}}))
    scripted.on("PUT", "/2/users/me/profile_image", httpx.Response(200, json={"data": {}}))
    profile = Profile(
        "x",
        title="Администрация города",
        description="Официальный аккаунт.\nНовости и ответы.",
        website="https://city.example.ru",
        avatar=profile_photo(tmp_path),
        cover=photo(tmp_path, "cover.jpg"),
    )
    done = make_adapter().set_profile(profile)
    assert done == ("title", "description", "website", "avatar")
    assert [(r.method, r.url.path) for r in scripted.requests] == [
        ("PUT", "/2/users/me"),
        ("POST", "/2/media/upload"),
        ("PUT", "/2/users/me/profile_image"),
    ]
    assert body_of(scripted.requests[0]) == {
        "name": "Администрация города",
        "description": "Официальный аккаунт.\nНовости и ответы.",
        "url": "https://city.example.ru",
    }
    assert b'name="media_category"\r\n\r\ntweet_image' in scripted.requests[1].content
    assert body_of(scripted.requests[2]) == {"media_id": "55"}


def test_set_profile_sends_only_the_fields_present(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    scripted.on("PUT", "/2/users/me", httpx.Response(200, json={"data": {"id": "42"}}))
    adapter = make_adapter()
    assert adapter.set_profile(Profile("x", description="Только описание")) == ("description",)
    assert body_of(scripted.requests[0]) == {"description": "Только описание"}
    scripted.received.clear()
    assert adapter.set_profile(Profile("x", cover=photo(tmp_path, "c.jpg"))) == ()
    assert scripted.requests == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Т" * 51),
        ("description", "о" * 161),
        ("website", "https://example.ru/" + "a" * 82),
    ],
)
def test_set_profile_refuses_text_over_xs_limits_before_sending_anything(
    scripted: Scripted,
    make_adapter: Callable[..., XAdapter],
    tmp_path: Path,
    field: str,
    value: str,
) -> None:
    changes: dict[str, Any] = {field: value}
    profile = replace(Profile("x", avatar=profile_photo(tmp_path)), **changes)
    with pytest.raises(Rejected) as caught:
        make_adapter().set_profile(profile)
    assert caught.value.hint
    assert scripted.requests == []


def test_set_profile_takes_texts_exactly_at_the_limits(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("PUT", "/2/users/me", httpx.Response(200, json={"data": {"id": "42"}}))
    website = "https://example.ru/" + "a" * 81
    profile = Profile("x", title="Т" * 50, description="о" * 160, website=website)
    assert make_adapter().set_profile(profile) == ("title", "description", "website")


def test_set_profile_refuses_a_video_avatar(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], tmp_path: Path
) -> None:
    with pytest.raises(Rejected):
        make_adapter().set_profile(Profile("x", avatar=video(tmp_path, 100)))
    assert scripted.requests == []


def test_comments_auth_error_names_the_secret(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("GET", "/2/tweets/search/recent", problem(401))
    with pytest.raises(AuthError) as caught:
        make_adapter().comments(POST)
    assert "X_TOKEN" in caught.value.hint


def test_hide_comment_rate_limit_is_raised_with_the_reset_wait(
    scripted: Scripted, make_adapter: Callable[..., XAdapter], clock: FakeClock
) -> None:
    reset = str(int(clock.now().timestamp()) + 600)
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}
    scripted.on("PUT", "/2/tweets/300/hidden", problem(429, None, "Too Many Requests", **headers))
    adapter = make_adapter()
    adapter.api.MAX_RATE_WAIT = 0.0
    with pytest.raises(RateLimited) as caught:
        adapter.hide_comment(a_comment())
    assert caught.value.retry_after == 600


def test_set_profile_auth_error_with_oauth1_names_the_access_token(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    scripted.on("PUT", "/2/users/me", problem(403, "client-forbidden"))
    adapter = make_adapter(oauth1_tokens(), extra_token_envs=OAUTH1_ENVS)
    with pytest.raises(AuthError) as caught:
        adapter.set_profile(Profile("x", title="Мэрия"))
    assert "X_TOKEN" in caught.value.hint
    assert scripted.requests[0].headers["Authorization"].startswith("OAuth ")


def test_no_token_reaches_the_error_text_of_replies_and_profile(
    scripted: Scripted, make_adapter: Callable[..., XAdapter]
) -> None:
    echo = _body(400, {"detail": f"echo {TOKEN}", "type": "about:blank"})
    scripted.on("GET", "/2/tweets/search/recent", echo)
    scripted.on("POST", "/2/tweets", echo)
    scripted.on("PUT", "/2/tweets/300/hidden", echo)
    scripted.on("PUT", "/2/users/me", echo)
    adapter = make_adapter()
    for action in (
        lambda: adapter.comments(POST),
        lambda: adapter.reply(a_comment(), "Ответ"),
        lambda: adapter.hide_comment(a_comment()),
        lambda: adapter.set_profile(Profile("x", title="Мэрия")),
    ):
        with pytest.raises(NetworkError) as caught:
            action()
        error = caught.value
        assert TOKEN not in f"{error} {error.detail} {error.hint} {error!r}"


# -- replies, moderation and the profile against the emulator -------------------------------------


@pytest.fixture
def city(
    sandbox: Sandbox,
    sandboxes: Sandboxes,
    clock: FakeClock,
) -> XAdapter:
    """The adapter configured with the sandbox account's real id and handle."""
    account = make_account("x", account_id=SANDBOX_USER, settings={"handle": "sandbox_city"})
    tokens = Tokens(Secret("sandbox-x-main", "X_TOKEN"))
    return XAdapter(account, tokens, sandboxes.client(sandbox), clock=clock)


def test_contract_a_citizen_replies_we_read_answer_and_hide(
    city: XAdapter, sandbox: Sandbox, clock: FakeClock
) -> None:
    ref = city.publish(rendered("Ремонт моста 1/2", "Подробности 2/2"), "k")
    first = sandbox.add_comment("x", ref.remote_id, "Когда закончат? <скоро?>", "7001", "Иван")
    clock.advance(60)
    spam = sandbox.add_comment("x", ref.remote_id, "Купите & продайте", "7002", "Спамер")
    [ivan, spammer] = city.comments(ref)
    assert (ivan.id, ivan.text, ivan.author_name) == (first, "Когда закончат? <скоро?>", "Иван")
    assert ivan.author_url == "https://x.com/user7001"
    assert ivan.created_at is not None and ivan.created_at.tzinfo is not None
    assert spammer.id == spam and spammer.text == "Купите & продайте"
    answer = city.reply(ivan, "К пятнице")
    city.hide_comment(spammer)
    city.hide_comment(spammer)  # twice is fine
    assert [c.id for c in city.comments(ref)] == [first, spam]  # our answer is not a comment
    [post] = sandbox.show()["x"]["posts"]
    comments = {c["id"]: c for c in post["comments"]}
    assert comments[spam]["hidden"] is True
    assert comments[answer.remote_id]["from_account"] is True
    assert comments[answer.remote_id]["reply_to"] == first
    assert comments[first]["author_name"] == "Иван"
    clock.advance(60)
    olga = sandbox.add_comment("x", ref.remote_id, "А я согласна", "7003", "Ольга", first)
    [latest] = city.comments(ref, since=spammer.created_at)
    assert (latest.id, latest.parent_id) == (olga, first)


def test_contract_replies_older_than_seven_days_are_not_found(
    city: XAdapter, sandbox: Sandbox, clock: FakeClock
) -> None:
    ref = city.publish(rendered("Старый пост"), "k")
    sandbox.add_comment("x", ref.remote_id, "Давний вопрос", "7001", "Иван")
    clock.advance(8 * 24 * 3600)
    fresh = sandbox.add_comment("x", ref.remote_id, "Свежий вопрос", "7002", "Ольга")
    assert [c.id for c in city.comments(ref)] == [fresh]
    since = clock.now() - timedelta(days=10)
    assert [c.id for c in city.comments(ref, since)] == [fresh]


def test_contract_what_x_cannot_do_and_a_block_made_in_the_app(
    city: XAdapter, sandbox: Sandbox
) -> None:
    ref = city.publish(rendered("Пост"), "k")
    sandbox.add_comment("x", ref.remote_id, "Оскорбление", "7001", "Хам")
    [rude] = city.comments(ref)
    with pytest.raises(Rejected):
        city.delete_comment(rude)
    with pytest.raises(Rejected):
        city.ban(rude, None)
    assert sandbox.show()["x"]["banned"] == []
    # a person can still block in X's own app; the sandbox honours such a block
    with sandbox.store.transaction("x") as state:
        state["blocked"] = {"7001": None}
    with pytest.raises(ValueError):
        sandbox.add_comment("x", ref.remote_id, "Снова", "7001", "Хам")
    assert sandbox.show()["x"]["banned"] == [{"user_id": "7001", "until": None}]


def test_contract_set_profile_shows_in_the_public_view(
    city: XAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    profile = Profile(
        "x",
        title="Администрация",
        description="Официальный аккаунт города",
        website="https://city.example.ru",
        avatar=profile_photo(tmp_path),
        cover=photo(tmp_path, "cover.jpg"),
    )
    assert city.set_profile(profile) == ("title", "description", "website", "avatar")
    shown = sandbox.show()["x"]["profile"]
    assert shown["title"] == "Администрация"
    assert shown["description"] == "Официальный аккаунт города"
    assert shown["website"] == "https://city.example.ru"
    assert shown["cover"] is None
    avatar = sandbox.store.file_path(shown["avatar"])
    assert avatar.read_bytes() == (tmp_path / "avatar.jpg").read_bytes()
    assert city.verify().name == "Администрация"
