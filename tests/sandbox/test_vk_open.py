"""The VK emulator's other people's communities: search, reading their walls, and our
community's comment on them, in VK's shapes and with VK's errors."""

from __future__ import annotations

import pytest
from conftest import Sandboxes
from sandbox.test_vk import COMMUNITY, USER, Vk

from publisher.core.clock import FakeClock


@pytest.fixture
def vk(sandboxes: Sandboxes, clock: FakeClock) -> Vk:
    sandbox = sandboxes("vk")
    return Vk(sandbox, sandboxes.client(sandbox), clock)


def community(vk: Vk, name: str = "podslushano", **flags: bool) -> str:
    return vk.sandbox.add_community("vk", name, "Подслушано в Ахтарске", **flags)


def test_newsfeed_search_pages_with_next_from_until_the_last_page(vk: Vk) -> None:
    gid = community(vk)
    for n in range(5):
        vk.sandbox.add_open_post("vk", gid, f"В Ахтарске яма номер {n}", "601", "Анна", age=60)
    vk.sandbox.add_open_post("vk", gid, "Про другое", "601", "Анна", age=60)

    first = vk.call("newsfeed.search", q="Ахтарск", count=2, extended=1)
    second = vk.call("newsfeed.search", q="Ахтарск", count=2, start_from=first["next_from"])
    last = vk.call("newsfeed.search", q="Ахтарск", count=2, start_from=second["next_from"])

    assert first["total_count"] == 5 and len(first["items"]) == 2
    assert [i["text"][-1] for i in first["items"] + second["items"] + last["items"]] == list(
        "43210"
    )
    assert "next_from" not in last
    assert {g["id"] for g in first["groups"]} == {int(gid)}
    assert first["profiles"][0]["first_name"] == "Анна"


def test_newsfeed_search_keeps_to_start_time_and_leaves_closed_walls_out(vk: Vk) -> None:
    open_wall, closed = community(vk), community(vk, "secret", closed=True)
    vk.sandbox.add_open_post("vk", open_wall, "Ахтарск старое", "601", "Анна", age=3 * 86_400)
    vk.sandbox.add_open_post("vk", open_wall, "Ахтарск новое", "601", "Анна", age=60)
    vk.sandbox.add_open_post("vk", closed, "Ахтарск тайное", "601", "Анна", age=60)

    default = vk.call("newsfeed.search", q="Ахтарск")  # a day back unless told
    wider = vk.call("newsfeed.search", q="Ахтарск", start_time=vk.emulator.now() - 4 * 86_400)

    assert [i["text"] for i in default["items"]] == ["Ахтарск новое"]
    assert [i["text"] for i in wider["items"]] == ["Ахтарск новое", "Ахтарск старое"]


def test_search_errors_are_shaped_as_vk_gives_them(vk: Vk) -> None:
    gid = community(vk, closed=True)
    assert vk.error("newsfeed.search", COMMUNITY, q="Ахтарск")["error_code"] == 27
    assert vk.error("newsfeed.search", q="Ахтарск", start_from="garbage")["error_code"] == 100
    assert vk.error("wall.get", domain="nobody_here")["error_code"] == 100
    assert vk.error("wall.get", owner_id=f"-{gid}")["error_code"] == 15
    assert vk.error("wall.search", domain="podslushano", query="Мира")["error_code"] == 15
    missing = vk.raw("newsfeed.search", USER, q="Ахтарск")  # no v
    assert missing["error"]["error_code"] == 8


def test_wall_search_and_wall_get_by_short_name_page_by_offset(vk: Vk) -> None:
    gid = community(vk)
    for n in range(3):
        vk.sandbox.add_open_post("vk", gid, f"Улица Мира, фонарь {n}", "601", "Анна")
    vk.sandbox.add_open_post("vk", gid, "Котики", "602", "Иван")

    found = vk.call("wall.search", domain="podslushano", query="Мира", count=2, offset=1)
    wall = vk.call("wall.get", domain="podslushano", count=100, extended=1)

    assert found["count"] == 3 and [i["text"][-1] for i in found["items"]] == ["1", "0"]
    assert wall["count"] == 4 and wall["items"][0]["owner_id"] == -int(gid)
    assert {p["id"] for p in wall["profiles"]} == {601, 602}


def test_our_community_comments_on_another_wall_where_it_may(vk: Vk) -> None:
    vk.post(message="Наш пост")  # our community, 123, exists
    gid = community(vk)
    post = vk.sandbox.add_open_post("vk", gid, "Когда починят свет?", "601", "Анна")
    answer = vk.call(
        "wall.createComment",
        owner_id=f"-{gid}",
        post_id=post,
        from_group=123,
        message="Завтра.",
    )
    comments = vk.call("wall.getComments", owner_id=f"-{gid}", post_id=post)
    assert comments["items"][0]["from_id"] == -123 and answer["comment_id"]


def test_a_wall_closed_to_communities_or_to_comments_refuses_our_comment(vk: Vk) -> None:
    vk.post(message="Наш пост")
    no_groups = community(vk, "no_groups", groups_comment=False)
    post = vk.sandbox.add_open_post("vk", no_groups, "Когда починят свет?", "601", "Анна")
    refused = vk.error(
        "wall.createComment", owner_id=f"-{no_groups}", post_id=post, from_group=123, message="Да"
    )
    assert refused["error_code"] == 15
    # nobody of ours runs another community: it cannot be made to speak there
    as_them = vk.error(
        "wall.createComment", owner_id=f"-{no_groups}", post_id=post, from_group=no_groups
    )
    assert as_them["error_code"] in (15, 100)
