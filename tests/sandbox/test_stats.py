"""The emulators' statistics methods as the networks document them: figures that grow with a
post's age and are the same at the same moment, and the errors a network gives."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import Sandboxes

from publisher.core.clock import FakeClock
from publisher.sandbox import x as x_sandbox
from publisher.sandbox.accounts import SandboxAccount
from publisher.sandbox.app import Sandbox
from publisher.sandbox.facebook import FacebookEmulator
from publisher.sandbox.figures import followers, grown

VK_USER = "sandbox-vk-main"
DAY = 86_400


def test_figures_grow_with_age_and_are_the_same_at_one_moment() -> None:
    created = 1_780_000_000
    hours = [grown("vk-1_5", "views", created, created + h * 3600) for h in (0, 1, 12, 48, 480)]
    assert hours[0] == 0 and hours == sorted(hours) and len(set(hours)) == 5
    assert grown("vk-1_5", "views", created, created + 99) == grown(
        "vk-1_5", "views", created, created + 99
    )
    assert grown("vk-1_5", "reactions", created, created + DAY) < hours[3]
    assert followers("vk1", created + DAY) > followers("vk1", created)


def vk_call(http: httpx.Client, clock: FakeClock, method: str, token: str, **params: Any) -> Any:
    clock.advance(1)
    data = {"v": "5.199", **{k: str(v) for k, v in params.items()}}
    headers = {"Authorization": f"Bearer {token}"}
    return http.post(f"https://api.vk.com/method/{method}", data=data, headers=headers).json()


@pytest.fixture
def vk(sandboxes: Sandboxes) -> tuple[Sandbox, httpx.Client]:
    box = sandboxes("vk")
    box.emulators["vk"].declare(SandboxAccount("vk", "123", ("admin-token",)))
    box.emulators["vk"].declare(SandboxAccount("vk", "456", ("other-token",)))
    return box, sandboxes.client(box)


def test_vk_wall_getbyid_counts_and_post_reach_for_the_administrator(
    vk: tuple[Sandbox, httpx.Client], clock: FakeClock
) -> None:
    _box, http = vk
    posted = vk_call(http, clock, "wall.post", "admin-token", owner_id=-123, message="Каток")
    post_id = posted["response"]["post_id"]
    clock.advance(DAY)
    (item,) = vk_call(http, clock, "wall.getById", "admin-token", posts=f"-123_{post_id}")[
        "response"
    ]["items"]
    assert item["views"]["count"] > item["likes"]["count"] > 0
    reach = vk_call(
        http, clock, "stats.getPostReach", "admin-token", owner_id=-123, post_ids=post_id
    )
    (stat,) = reach["response"]
    assert stat["post_id"] == post_id and 0 < stat["reach_total"] <= item["views"]["count"]
    assert stat["reach_subscribers"] + stat["reach_viral"] <= stat["reach_total"]
    denied = vk_call(
        http, clock, "stats.getPostReach", "other-token", owner_id=-123, post_ids=post_id
    )
    assert denied["error"]["error_code"] == 15
    assert denied["error"]["error_msg"] == "Access denied: no access to call this method"
    members = vk_call(
        http, clock, "groups.getById", "admin-token", group_id=123, fields="members_count"
    )
    assert members["response"]["groups"][0]["members_count"] > 0


def test_x_lookup_lists_a_deleted_post_under_errors_and_refuses_too_many_ids(
    sandboxes: Sandboxes, clock: FakeClock
) -> None:
    http = sandboxes.client(sandboxes("x"))
    auth = {"Authorization": "Bearer sandbox-x-main"}
    created = http.post("https://api.x.com/2/tweets", json={"text": "Каток"}, headers=auth)
    tweet_id = created.json()["data"]["id"]
    clock.advance(DAY)
    params = {"ids": f"{tweet_id},999", "tweet.fields": "public_metrics"}
    body = http.get("https://api.x.com/2/tweets", params=params, headers=auth).json()
    (data,) = body["data"]
    assert data["public_metrics"]["impression_count"] > data["public_metrics"]["like_count"] > 0
    (error,) = body["errors"]
    assert error["resource_id"] == "999" and error["title"] == "Not Found Error"
    many = {"ids": ",".join(str(n) for n in range(1, 102))}
    answer = http.get("https://api.x.com/2/tweets", params=many, headers=auth)
    assert answer.status_code == 400
    me = http.get(
        "https://api.x.com/2/users/me", params={"user.fields": "public_metrics"}, headers=auth
    ).json()["data"]
    assert me["public_metrics"]["followers_count"] > 0


def test_facebook_insights_answer_the_2025_metrics_and_refuse_withdrawn_ones(
    sandboxes: Sandboxes, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = sandboxes.client(sandboxes("facebook"))
    graph, auth = (
        "https://graph.facebook.com/v25.0",
        {"Authorization": "Bearer sandbox-facebook-main"},
    )
    post = http.post(f"{graph}/4242/feed", data={"message": "Каток"}, headers=auth).json()["id"]
    clock.advance(DAY)
    metric = {"metric": "post_media_view,post_total_media_view_unique"}
    data = http.get(f"{graph}/{post}/insights", params=metric, headers=auth).json()["data"]
    assert [d["name"] for d in data] == ["post_media_view", "post_total_media_view_unique"]
    assert data[0]["values"][0]["value"] > 0 and data[0]["period"] == "lifetime"
    old = http.get(f"{graph}/{post}/insights", params={"metric": "post_impressions"}, headers=auth)
    assert old.status_code == 400 and old.json()["error"]["code"] == 100
    fields = {"fields": "shares,reactions.limit(0).summary(true),comments.limit(0).summary(true)"}
    counts = http.get(f"{graph}/{post}", params=fields, headers=auth).json()
    assert counts["reactions"]["summary"]["total_count"] > 0 and "count" in counts["shares"]
    monkeypatch.setattr(FacebookEmulator, "grants_insights", False)
    refused = http.get(f"{graph}/{post}/insights", params=metric, headers=auth)
    assert refused.json()["error"]["code"] == 10
    page = http.get(f"{graph}/4242", params={"fields": "followers_count"}, headers=auth).json()
    assert page["followers_count"] > 0


def test_telegram_and_max_count_subscribers(sandboxes: Sandboxes, clock: FakeClock) -> None:
    http = sandboxes.client(sandboxes("telegram", "max"))
    count = http.post(
        "https://api.telegram.org/botsandbox-telegram-main/getChatMemberCount",
        json={"chat_id": "@city"},
    ).json()
    assert count["ok"] and count["result"] > 0
    clock.advance(DAY)
    later = http.post(
        "https://api.telegram.org/botsandbox-telegram-main/getChatMemberCount",
        json={"chat_id": "@city"},
    ).json()
    assert later["result"] > count["result"]
    chat = http.get(
        "https://platform-api2.max.ru/chats/-71234567890",
        headers={"Authorization": "sandbox-max-main"},
    )
    assert chat.status_code == 200 and chat.json()["participants_count"] > 1


def test_x_lookup_answers_429_with_its_rate_headers(
    sandboxes: Sandboxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(x_sandbox.LIMITS, "tweets_lookup", 1)
    http = sandboxes.client(sandboxes("x"))
    auth = {"Authorization": "Bearer sandbox-x-main"}
    params = {"ids": "1", "tweet.fields": "public_metrics"}
    first = http.get("https://api.x.com/2/tweets", params=params, headers=auth)
    assert first.status_code == 200 and first.headers["x-rate-limit-remaining"] == "0"
    limited = http.get("https://api.x.com/2/tweets", params=params, headers=auth)
    assert limited.status_code == 429
    assert limited.headers["x-rate-limit-limit"] == "1"
    assert int(limited.headers["x-rate-limit-reset"]) > 0
