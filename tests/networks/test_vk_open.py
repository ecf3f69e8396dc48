"""The VK adapter reading open sources: the exact requests, paging that cannot loop, one
message per wall and id whichever search found it, the search token, and answers on other
walls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import make_account
from networks.test_vk import TOKEN, FakeVk, ok, vk_error

from publisher.core.clock import FakeClock
from publisher.core.errors import AuthError, Rejected
from publisher.core.model import Comment
from publisher.core.redact import Secret
from publisher.networks.base import OpenQuery, Tokens
from publisher.networks.vk import VkAdapter

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SERVICE = "service-key-0123456789abcdef"  # pragma: allowlist secret
QUERY = OpenQuery(
    since=NOW - timedelta(days=1),
    until=NOW,
    posts_since=NOW - timedelta(days=3),
    phrases=("Ахтарск",),
)


def post(owner: int, pid: int, text: str, age: int = 600, **extra: Any) -> dict[str, Any]:
    date = int((NOW - timedelta(seconds=age)).timestamp())
    return {"id": pid, "owner_id": owner, "from_id": 601, "date": date, "text": text, **extra}


@pytest.fixture
def adapter(clock: FakeClock) -> Iterator[Callable[[FakeVk], VkAdapter]]:
    clients: list[httpx.Client] = []

    def build(fake: FakeVk) -> VkAdapter:
        client = httpx.Client(transport=fake)
        clients.append(client)
        account = make_account(
            "vk", account_id="123", token_env="VK_TOKEN", extra_token_envs={"search": "VK_KEY"}
        )
        tokens = Tokens(Secret(TOKEN, "VK_TOKEN"), {"search": Secret(SERVICE, "VK_KEY")})
        return VkAdapter(account, tokens, client, clock=clock)

    yield build
    for client in clients:
        client.close()


def test_newsfeed_search_is_read_page_by_page_with_the_search_token(
    adapter: Callable[[FakeVk], VkAdapter],
) -> None:
    fake = FakeVk(
        {
            "newsfeed.search": [
                ok({"items": [post(-5, 1, "Ахтарск 1")], "next_from": "1/-5_1", "count": 2}),
                ok({"items": [post(-5, 2, "Ахтарск 2")], "count": 2}),
            ]
        }
    )
    found = adapter(fake).open_messages(QUERY)

    sent = [s for s in fake.received if s.request.url.path.endswith("newsfeed.search")]
    assert [s.form.get("start_from") for s in sent] == [None, "1/-5_1"]
    assert sent[0].form["q"] == "Ахтарск" and sent[0].form["count"] == "200"
    assert sent[0].form["start_time"] == str(int(QUERY.since.timestamp()))
    assert all(s.request.headers["Authorization"] == f"Bearer {SERVICE}" for s in sent)
    assert [(c.id, c.extra["owner_id"], c.extra["kind"]) for c in found] == [
        ("1", "-5", "post"),
        ("2", "-5", "post"),
    ]
    assert found[0].url == "https://vk.com/wall-5_1"


def test_a_next_from_that_comes_back_ends_the_reading(
    adapter: Callable[[FakeVk], VkAdapter],
) -> None:
    looping = ok({"items": [post(-5, 1, "Ахтарск")], "next_from": "same", "count": 99})
    fake = FakeVk({"newsfeed.search": looping})  # the same page for ever
    found = adapter(fake).open_messages(QUERY)
    assert len(fake.received) == 2 and len(found) == 1


def test_a_watched_wall_is_read_until_its_posts_are_older_than_the_cursor(
    adapter: Callable[[FakeVk], VkAdapter],
) -> None:
    pinned = post(-7, 1, "Правила группы", age=90 * 86_400, is_pinned=1)
    fresh = post(-7, 9, "Когда починят свет?", comments={"count": 1})
    old = post(-7, 8, "Старое", age=2 * 86_400)
    comment = {"id": 50, "from_id": 602, "date": fresh["date"] + 60, "text": "И у нас нет"}
    fake = FakeVk(
        {
            "newsfeed.search": ok({"items": [fresh], "count": 1}),  # found twice
            "wall.get": ok({"items": [pinned, fresh, old], "count": 300}),
            "wall.getComments": ok({"items": [comment], "count": 1, "current_level_count": 1}),
        }
    )
    query = OpenQuery(**{**QUERY.__dict__, "communities": ("podslushano",)})

    found = adapter(fake).open_messages(query)

    walls = [s for s in fake.received if s.request.url.path.endswith("wall.get")]
    assert len(walls) == 1 and walls[0].form["domain"] == "podslushano"
    assert [(c.id, c.extra["kind"]) for c in found] == [("9", "post"), ("50", "comment")]
    assert found[1].extra["owner_id"] == "-7" and found[1].post_id == "9"


def test_our_own_posts_and_ads_are_not_messages(adapter: Callable[[FakeVk], VkAdapter]) -> None:
    items = [post(-123, 1, "Наш пост про Ахтарск"), post(-5, 2, "Ахтарск", marked_as_ads=1)]
    fake = FakeVk({"newsfeed.search": ok({"items": items, "count": 2})})
    assert adapter(fake).open_messages(QUERY) == []


def test_a_revoked_search_token_is_an_auth_error(adapter: Callable[[FakeVk], VkAdapter]) -> None:
    fake = FakeVk({"newsfeed.search": vk_error(5, "User authorization failed")})
    with pytest.raises(AuthError):
        adapter(fake).open_messages(QUERY)


def test_an_answer_goes_to_the_other_wall_and_a_refusal_asks_a_person(
    adapter: Callable[[FakeVk], VkAdapter],
) -> None:
    found = Comment(
        "vk",
        "9",
        "Когда?",
        "601",
        post_id="9",
        url="https://vk.com/wall-7_9",
        extra={"owner_id": "-7", "kind": "post"},
    )
    fake = FakeVk({"wall.createComment": [ok({"comment_id": 77}), vk_error(213, "closed")]})
    built = adapter(fake)

    ref = built.reply(found, "Завтра.")
    with pytest.raises(Rejected) as refused:
        built.reply(found, "Завтра.")

    form = fake.received[0].form
    assert form["owner_id"] == "-7" and form["from_group"] == "123" and form["post_id"] == "9"
    assert "reply_to_comment" not in form
    assert ref.url == "https://vk.com/wall-7_9?reply=77"
    assert "https://vk.com/wall-7_9" in refused.value.hint and "inbox done" in refused.value.hint
