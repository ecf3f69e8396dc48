"""The VK emulator's contest and broadcast methods, called as the API is: reposts and poll
voters a page at a time, broadcasts with their stream settings, statuses and errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from conftest import Sandboxes

from publisher.core.clock import FakeClock
from publisher.sandbox.app import Sandbox

USER = "sandbox-vk-main"
COMMUNITY = "sandbox-vk-community"


class Api:
    def __init__(self, sandbox: Sandbox, http: httpx.Client, clock: FakeClock) -> None:
        self.sandbox, self.http, self.clock = sandbox, http, clock

    def raw(self, method: str, token: str = USER, **params: Any) -> dict[str, Any]:
        self.clock.advance(1)
        data = {"v": "5.199", **{k: str(v) for k, v in params.items()}}
        headers = {"Authorization": f"Bearer {token}"}
        body: dict[str, Any] = self.http.post(
            f"https://api.vk.com/method/{method}", data=data, headers=headers
        ).json()
        return body

    def call(self, method: str, **params: Any) -> Any:
        body = self.raw(method, **params)
        assert "error" not in body, body
        return body["response"]

    def error(self, method: str, token: str = USER, **params: Any) -> int:
        body = self.raw(method, token, **params)
        assert "error" in body, body
        return int(body["error"]["error_code"])


@pytest.fixture
def api(sandboxes: Sandboxes, clock: FakeClock) -> Api:
    sandbox = sandboxes("vk")
    return Api(sandbox, sandboxes.client(sandbox), clock)


def poll_post(api: Api) -> tuple[int, int]:
    poll = api.call("polls.create", owner_id=-123, question="Где каток?", add_answers='["A","B"]')
    post = api.call(
        "wall.post",
        owner_id=-123,
        from_group=1,
        message="Голосуйте",
        attachments=f"poll-123_{poll['id']}",
    )
    return int(post["post_id"]), int(poll["id"])


def test_reposts_a_page_at_a_time_with_their_authors(api: Api) -> None:
    post = api.call("wall.post", owner_id=-123, from_group=1, message="Конкурс")["post_id"]
    for user in range(501, 506):
        api.sandbox.add_repost("vk", str(post), str(user), f"Житель {user}")
    first = api.call("wall.getReposts", owner_id=-123, post_id=post, offset=0, count=2)
    rest = api.call("wall.getReposts", owner_id=-123, post_id=post, offset=2, count=1000)
    assert [i["from_id"] for i in first["items"]] == [501, 502]
    assert [i["from_id"] for i in rest["items"]] == [503, 504, 505]
    assert {p["id"] for p in first["profiles"]} == {501, 502}
    assert api.error("wall.getReposts", owner_id=-123, post_id=999) == 104
    assert api.error("wall.getReposts", token=COMMUNITY, owner_id=-123, post_id=post) == 27


def test_voters_per_answer_with_counts_and_pages(api: Api) -> None:
    post, poll = poll_post(api)
    for user, answer in (("601", 1), ("602", 2), ("603", 1)):
        api.sandbox.add_vote("vk", str(post), user, "Житель", answer)
    page = api.call("polls.getVoters", owner_id=-123, poll_id=poll, answer_ids="1,2", count=1)
    assert [(a["answer_id"], a["users"]["count"], a["users"]["items"]) for a in page] == [
        (1, 2, [601]),
        (2, 1, [602]),
    ]
    assert api.call("polls.getById", owner_id=-123, poll_id=poll)["votes"] == 3
    assert api.error("polls.getVoters", owner_id=-123, poll_id=poll, answer_ids="7") == 100
    assert api.error("polls.getVoters", owner_id=-123, poll_id=424242, answer_ids="1") == 100


def test_a_citizen_votes_once_in_a_single_answer_poll(api: Api) -> None:
    post, poll = poll_post(api)
    api.sandbox.add_vote("vk", str(post), "601", "Житель", 1)
    api.sandbox.add_vote("vk", str(post), "601", "Житель", 2)
    page = api.call("polls.getVoters", owner_id=-123, poll_id=poll, answer_ids="1,2")
    assert [a["users"]["items"] for a in page] == [[601], []]
    with pytest.raises(ValueError):
        api.sandbox.add_vote("vk", str(post), "601", "Житель", 3)


def test_a_broadcast_from_creation_to_its_end(api: Api) -> None:
    made = api.call("video.startStreaming", group_id=123, name="Эфир", wallpost=0)
    key = made["stream"]["key"]
    assert made["stream"]["url"].startswith("rtmp://") and key
    video = f"{made['owner_id']}_{made['video_id']}"
    again = api.call("video.startStreaming", group_id=123, video_id=made["video_id"])
    assert again["stream"]["key"] == key and again["video_id"] == made["video_id"]
    [item] = api.call("video.get", owner_id=-123, videos=video)["items"]
    assert item["live_status"] == "waiting"
    api.sandbox.stream("vk", video, "started")
    assert (
        api.call("video.get", owner_id=-123, videos=video)["items"][0]["live_status"] == "started"
    )
    api.call("video.stopStreaming", group_id=123, video_id=made["video_id"])
    assert (
        api.call("video.get", owner_id=-123, videos=video)["items"][0]["live_status"] == "finished"
    )
    assert api.error("video.startStreaming", group_id=123, video_id=made["video_id"]) == 100
    assert key not in json.dumps(api.sandbox.show(), ensure_ascii=False)


def test_broadcast_errors(api: Api) -> None:
    assert api.error("video.startStreaming", token=COMMUNITY, group_id=123) == 27
    assert api.error("video.startStreaming", group_id=123, name="x" * 200) == 100
    assert api.error("video.stopStreaming", group_id=123, video_id=1) == 100
    with pytest.raises(ValueError):
        api.sandbox.stream("vk", "-123_1", "started")
