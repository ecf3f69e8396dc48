"""Several accounts per network: each declared account is run by its own tokens, posts land on
their own account's wall, a token used on another account gets the network's own refusal,
reposts and forwards record their source, and ``sandbox show`` names each post's account."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import Sandboxes, jpeg_bytes
from werkzeug.test import Client

from publisher.cli import main
from publisher.core.clock import FakeClock
from publisher.sandbox.accounts import SandboxAccount, check_declared
from publisher.sandbox.app import Sandbox
from publisher.sandbox.web import FeedPage

#: two accounts per network, each with a token of its own (one more for VK's communities)
DISTRICT, VILLAGE = "217001234", "217005678"
TG_DISTRICT, TG_HEAD = "@district_news", "@head_of_district"
GROUP_A, GROUP_B = "70000000000001", "70000000000002"
CHAT_A, CHAT_B = -71000000001, -71000000002
PAGE_A, PAGE_B = "100090001", "100090002"
IG_A, IG_B = "17841400000000001", "17841400000000002"
X_A, X_B = "1600000000000000001", "1600000000000000002"
MEDIA = "https://press.example/media"

ACCOUNTS = (
    SandboxAccount(
        "vk", DISTRICT, ("vk-user-a",), ("vk-community-a",), title="Администрация района"
    ),
    SandboxAccount("vk", VILLAGE, ("vk-user-b",), ("vk-community-b",), title="Сельское поселение"),
    SandboxAccount("telegram", TG_DISTRICT, ("tg-bot-a",), title="Район: новости"),
    SandboxAccount("telegram", TG_HEAD, ("tg-bot-b",), title="Глава района"),
    SandboxAccount("ok", GROUP_A, ("ok-token-a",), title="Район в ОК"),
    SandboxAccount("ok", GROUP_B, ("ok-token-b",), title="Поселение в ОК"),
    SandboxAccount("max", str(CHAT_A), ("max-bot-a",), title="Район в Max"),
    SandboxAccount("max", str(CHAT_B), ("max-bot-b",), title="Поселение в Max"),
    SandboxAccount("facebook", PAGE_A, ("fb-page-a",), title="Район"),
    SandboxAccount("facebook", PAGE_B, ("fb-page-b",), title="Поселение"),
    SandboxAccount("instagram", IG_A, ("ig-token-a",), username="district"),
    SandboxAccount("instagram", IG_B, ("ig-token-b",), username="village"),
    SandboxAccount("x", X_A, ("x-token-a",), title="Район", username="district_adm"),
    SandboxAccount("x", X_B, ("x-token-b",), title="Поселение", username="village_adm"),
)


@pytest.fixture
def sandbox(sandboxes: Sandboxes, tmp_path: Path) -> Sandbox:
    box = sandboxes()
    box.declare(*ACCOUNTS)
    box.media_roots[MEDIA] = tmp_path / "media"
    return box


@pytest.fixture
def http(sandbox: Sandbox, sandboxes: Sandboxes) -> httpx.Client:
    return sandboxes.client(sandbox)


def posts(sandbox: Sandbox, network: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sandbox.show()[network]["posts"]
    return found


# -- declaring ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "problem"),
    [
        (SandboxAccount("ok", "1", ("t",)), "is for ok"),
        (SandboxAccount("vk", " ", ("t",)), "needs its id"),
        (SandboxAccount("vk", "1", ()), "needs a token"),
        (SandboxAccount("vk", "1", ("t", " ")), "empty token"),
        (SandboxAccount("vk", "1", ("t",), ("c",)), ""),
    ],
)
def test_a_declaration_is_checked(account: SandboxAccount, problem: str) -> None:
    if not problem:
        check_declared(account, "vk")
        return
    with pytest.raises(ValueError, match=problem):
        check_declared(account, "vk")


@pytest.mark.parametrize(
    "account",
    [
        SandboxAccount("telegram", "@x", ("t",), ("c",)),
        SandboxAccount("vk", "club-x", ("t",)),
        SandboxAccount("telegram", "news", ("t",)),
        SandboxAccount("ok", "group", ("t",)),
        SandboxAccount("max", "chat", ("t",)),
        SandboxAccount("facebook", "1_2", ("t",)),
        SandboxAccount("instagram", "name", ("t",)),
        SandboxAccount("x", "@name", ("t",)),
        SandboxAccount("myspace", "1", ("t",)),
    ],
)
def test_an_account_the_network_cannot_have_is_refused(
    sandboxes: Sandboxes, account: SandboxAccount
) -> None:
    with pytest.raises(ValueError):
        sandboxes().declare(account)


def test_a_community_token_belongs_to_one_community(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="community token"):
        sandbox.declare(SandboxAccount("vk", "999", ("vk-user-a",), ("vk-community-a",)))
    state = sandbox.store.read("vk")
    assert "999" not in state["accounts"]
    # declaring again adds tokens, and keeps no token's value
    sandbox.declare(SandboxAccount("vk", DISTRICT, ("vk-user-c",)))
    text = json.dumps(sandbox.store.read("vk"))
    assert len(sandbox.store.read("vk")["accounts"][DISTRICT]["tokens"]) == 2
    assert "vk-user-c" not in text and "vk-community-a" not in text


def test_declarations_are_kept_for_the_next_run(sandboxes: Sandboxes, sandbox: Sandbox) -> None:
    again = sandboxes("vk")
    assert set(again.store.read("vk")["accounts"]) == {DISTRICT, VILLAGE}
    assert again.show()["vk"]["profiles"][VILLAGE]["title"] == "Сельское поселение"


# -- VK -------------------------------------------------------------------------------------


class Vk:
    def __init__(self, http: httpx.Client, clock: FakeClock) -> None:
        self.http, self.clock = http, clock

    def raw(self, method: str, token: str, **params: Any) -> dict[str, Any]:
        self.clock.advance(1)
        data = {"v": "5.199", **{key: str(value) for key, value in params.items()}}
        answer = self.http.post(
            f"https://api.vk.com/method/{method}",
            data=data,
            headers={"Authorization": f"Bearer {token}"},
        )
        body: dict[str, Any] = answer.json()
        return body

    def call(self, method: str, token: str, **params: Any) -> Any:
        body = self.raw(method, token, **params)
        assert "error" not in body, body
        return body["response"]

    def error(self, method: str, token: str, **params: Any) -> tuple[int, str]:
        error = self.raw(method, token, **params)["error"]
        return error["error_code"], error["error_msg"]

    def post(self, token: str, gid: str, text: str) -> int:
        answer = self.call("wall.post", token, owner_id=f"-{gid}", from_group=1, message=text)
        return int(answer["post_id"])


@pytest.fixture
def vk(http: httpx.Client, clock: FakeClock) -> Vk:
    return Vk(http, clock)


def test_vk_each_community_gets_its_own_posts(vk: Vk, sandbox: Sandbox) -> None:
    first = vk.post("vk-user-a", DISTRICT, "Новости района")
    second = vk.post("vk-user-b", VILLAGE, "Новости поселения")
    shown = {post["id"]: post for post in posts(sandbox, "vk")}
    assert shown[str(first)]["account"] == DISTRICT
    assert shown[str(second)]["account"] == VILLAGE
    assert shown[str(first)]["repost_of"] is None
    [item] = vk.call("wall.get", "vk-user-b", owner_id=f"-{VILLAGE}")["items"]
    assert item["text"] == "Новости поселения"


def test_vk_one_user_may_administer_every_community(vk: Vk, sandbox: Sandbox) -> None:
    sandbox.declare(
        SandboxAccount("vk", DISTRICT, ("vk-admin",)), SandboxAccount("vk", VILLAGE, ("vk-admin",))
    )
    vk.post("vk-admin", DISTRICT, "Раз")
    vk.post("vk-admin", VILLAGE, "Два")
    assert [post["account"] for post in posts(sandbox, "vk")] == [DISTRICT, VILLAGE]
    groups = vk.call(
        "groups.getById", "vk-user-a", group_ids=f"{DISTRICT},{VILLAGE}", fields="is_admin"
    )["groups"]
    assert [group["is_admin"] for group in groups] == [1, 0]


def test_vk_a_user_of_another_community_is_refused(vk: Vk) -> None:
    post = vk.post("vk-user-a", DISTRICT, "Новость района")
    owner = {"owner_id": f"-{DISTRICT}"}
    assert vk.error("wall.post", "vk-user-b", message="Чужое", **owner) == (
        214,
        "Access to adding post denied",
    )
    assert vk.error("wall.delete", "vk-user-b", post_id=post, **owner)[0] == 210
    assert vk.error("wall.edit", "vk-user-b", post_id=post, message="x", **owner)[0] == 15
    comment = vk.call("wall.createComment", "vk-user-b", post_id=post, message="Жду", **owner)
    deletion = vk.error(
        "wall.deleteComment", "vk-user-b", comment_id=comment["comment_id"], **owner
    )
    assert deletion[0] == 211
    assert vk.error("groups.ban", "vk-user-b", group_id=DISTRICT, owner_id=501)[0] == 15
    assert vk.error("photos.getWallUploadServer", "vk-user-b", group_id=DISTRICT)[0] == 15
    # reading a community's wall needs no administrator
    assert vk.call("wall.get", "vk-user-b", **owner)["count"] == 1


def test_vk_a_community_token_acts_only_for_its_community(vk: Vk) -> None:
    assert vk.call("groups.edit", "vk-community-a", group_id=DISTRICT, description="Район") == 1
    refused = vk.error("groups.edit", "vk-community-a", group_id=VILLAGE, description="Чужое")
    assert refused == (15, "Access denied: no access to call this method")
    crop = {"crop_x2": 795, "crop_y2": 200}
    cover = vk.error(
        "photos.getOwnerCoverPhotoUploadServer", "vk-community-a", group_id=VILLAGE, **crop
    )
    assert cover[0] == 15
    assert vk.error("messages.getConversations", "vk-community-a", group_id=VILLAGE)[0] == 15
    post = vk.post("vk-user-b", VILLAGE, "Новость")
    comment = {"owner_id": f"-{VILLAGE}", "post_id": post, "message": "Ответ"}
    assert vk.error("wall.createComment", "vk-community-a", **comment)[0] == 15
    assert vk.call("wall.createComment", "vk-community-b", **comment)["comment_id"]


def test_vk_an_undeclared_token_is_refused_once_communities_are_declared(vk: Vk) -> None:
    code, message = vk.error("wall.get", "sandbox-vk-main", owner_id=f"-{DISTRICT}")
    assert (code, message) == (5, "User authorization failed: invalid access_token (4).")


def test_vk_daily_limit_is_each_community_s_own(vk: Vk, sandbox: Sandbox) -> None:
    emulator = sandbox.emulators["vk"]
    emulator.posts_per_day = 2
    vk.post("vk-user-a", DISTRICT, "Раз")
    vk.post("vk-user-a", DISTRICT, "Два")
    owner = {"owner_id": f"-{DISTRICT}"}
    assert vk.error("wall.post", "vk-user-a", message="Три", **owner)[0] == 214
    assert vk.post("vk-user-b", VILLAGE, "Раз")


def test_vk_repost_into_another_community(vk: Vk, sandbox: Sandbox) -> None:
    source = vk.post("vk-user-a", DISTRICT, "Глава района поздравляет")
    sandbox.declare(SandboxAccount("vk", VILLAGE, ("vk-user-a",)))
    answer = vk.call(
        "wall.repost",
        "vk-user-a",
        object=f"wall-{DISTRICT}_{source}",
        group_id=VILLAGE,
        message="Присоединяемся",
    )
    assert answer["success"] == 1 and answer["reposts_count"] == 1
    assert set(answer) == {
        "success",
        "post_id",
        "reposts_count",
        "wall_repost_count",
        "mail_repost_count",
        "likes_count",
    }
    [shown] = [p for p in posts(sandbox, "vk") if p["id"] == str(answer["post_id"])]
    assert shown["account"] == VILLAGE and shown["text"] == "Присоединяемся"
    assert shown["repost_of"] == {"account": DISTRICT, "id": str(source)}
    wall = f"-{VILLAGE}_{answer['post_id']},-{DISTRICT}_{source}"
    repost, original = vk.call("wall.getById", "vk-user-a", posts=wall)["items"]
    assert repost["from_id"] == -int(VILLAGE)
    assert repost["copy_history"][0]["id"] == source
    assert repost["copy_history"][0]["text"] == "Глава района поздравляет"
    assert original["reposts"]["count"] == 1
    page = FeedPage(sandbox.store.root).page()
    assert "Репост из Администрация района" in page


def test_vk_repost_is_refused_where_vk_refuses_it(vk: Vk) -> None:
    source = vk.post("vk-user-a", DISTRICT, "Новость")
    wall = f"wall-{DISTRICT}_{source}"
    assert vk.error("wall.repost", "vk-user-a", object=wall, group_id=VILLAGE) == (
        214,
        "Access to adding post denied",
    )
    assert vk.error("wall.repost", "vk-community-b", object=wall, group_id=VILLAGE)[0] == 27
    for bad in (f"wall-{DISTRICT}_999", "photo-1_2", "wall-x_1", ""):
        assert vk.error("wall.repost", "vk-user-b", object=bad, group_id=VILLAGE)[0] == 100
    assert vk.error("wall.repost", "vk-user-b", object=wall, message="я" * 16385)[0] == 100
    # without group_id the repost lands on the user's own wall
    own = vk.call("wall.repost", "vk-user-b", object=wall)
    assert own["post_id"] and own["reposts_count"] == 1


# -- Telegram -------------------------------------------------------------------------------


def tg(http: httpx.Client, token: str, method: str, **params: Any) -> httpx.Response:
    return http.post(f"https://api.telegram.org/bot{token}/{method}", json=params)


def tg_result(answer: httpx.Response) -> Any:
    body = answer.json()
    assert body["ok"], body
    return body["result"]


def test_telegram_each_channel_gets_its_own_posts(http: httpx.Client, sandbox: Sandbox) -> None:
    tg_result(tg(http, "tg-bot-a", "sendMessage", chat_id=TG_DISTRICT, text="Район"))
    tg_result(tg(http, "tg-bot-b", "sendMessage", chat_id=TG_HEAD, text="Глава"))
    shown = posts(sandbox, "telegram")
    assert [(p["account"], p["text"]) for p in shown] == [
        (TG_DISTRICT, "Район"),
        (TG_HEAD, "Глава"),
    ]
    view = sandbox.show()["telegram"]
    assert view["profiles"][TG_HEAD]["title"] == "Глава района"


def test_telegram_a_bot_not_in_the_channel_is_refused(http: httpx.Client) -> None:
    answer = tg(http, "tg-bot-b", "sendMessage", chat_id=TG_DISTRICT, text="Чужое")
    assert answer.status_code == 403
    assert answer.json()["description"] == "Forbidden: bot is not a member of the channel chat"
    group = tg_result(tg(http, "tg-bot-a", "getChat", chat_id=TG_DISTRICT))["linked_chat_id"]
    moderation = tg(http, "tg-bot-b", "banChatMember", chat_id=group, user_id=501)
    assert moderation.status_code == 403
    assert "supergroup chat" in moderation.json()["description"]
    unknown = tg(http, "tg-bot-a", "sendMessage", chat_id="@nobody", text="x")
    assert (unknown.status_code, unknown.json()["description"]) == (
        400,
        "Bad Request: chat not found",
    )
    stranger = tg(http, "sandbox-telegram-main", "getMe")
    assert stranger.status_code == 401


def test_telegram_bots_are_apart(http: httpx.Client, sandbox: Sandbox) -> None:
    me_a = tg_result(tg(http, "tg-bot-a", "getMe"))
    me_b = tg_result(tg(http, "tg-bot-b", "getMe"))
    assert me_a["id"] != me_b["id"] and me_a["is_bot"] and me_b["username"].endswith("_bot")
    post = tg_result(tg(http, "tg-bot-a", "sendMessage", chat_id=TG_DISTRICT, text="Район"))
    emulator = sandbox.emulators["telegram"]
    emulator.add_comment(str(post["message_id"]), "Спасибо", "501", "Житель")
    emulator.add_comment(TG_HEAD, "Вопрос главе", "502", "Жительница", direct=True)
    updates_a = tg_result(tg(http, "tg-bot-a", "getUpdates"))
    updates_b = tg_result(tg(http, "tg-bot-b", "getUpdates"))
    kinds_a = [next(k for k in u if k != "update_id") for u in updates_a]
    assert kinds_a == ["channel_post", "message", "message"]
    assert [u["message"]["text"] for u in updates_b] == ["Вопрос главе"]
    answer = tg(http, "tg-bot-b", "sendMessage", chat_id=502, text="Ответ главы")
    assert tg_result(answer)["chat"]["type"] == "private"
    # confirming its updates drops them for that bot only
    last = updates_a[-1]["update_id"]
    assert tg_result(tg(http, "tg-bot-a", "getUpdates", offset=last + 1)) == []
    assert len(tg_result(tg(http, "tg-bot-b", "getUpdates"))) == 1


def test_telegram_30_a_second_is_each_bot_s_own(http: httpx.Client, sandbox: Sandbox) -> None:
    extra = "@district_culture"
    sandbox.declare(SandboxAccount("telegram", extra, ("tg-bot-a",)))
    for index in range(30):
        chat = TG_DISTRICT if index < 15 else extra
        tg_result(tg(http, "tg-bot-a", "sendMessage", chat_id=chat, text=f"№{index}"))
    refused = tg(http, "tg-bot-a", "sendMessage", chat_id=extra, text="Ещё")
    assert refused.status_code == 429
    assert refused.json()["parameters"] == {"retry_after": 1}
    tg_result(tg(http, "tg-bot-b", "sendMessage", chat_id=TG_HEAD, text="Своё"))


def test_telegram_forward_and_copy_between_channels(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.declare(SandboxAccount("telegram", TG_HEAD, ("tg-bot-a",)))
    source = tg_result(tg(http, "tg-bot-a", "sendMessage", chat_id=TG_HEAD, text="Слово главы"))
    ids = {"from_chat_id": TG_HEAD, "message_id": source["message_id"]}
    forwarded = tg_result(tg(http, "tg-bot-a", "forwardMessage", chat_id=TG_DISTRICT, **ids))
    assert forwarded["text"] == "Слово главы"
    origin = forwarded["forward_origin"]
    assert origin["type"] == "channel" and origin["message_id"] == source["message_id"]
    assert origin["chat"]["username"] == TG_HEAD[1:]
    assert "is_automatic_forward" not in forwarded
    copied = tg_result(tg(http, "tg-bot-a", "copyMessage", chat_id=TG_DISTRICT, **ids))
    assert set(copied) == {"message_id"}
    shown = {p["id"]: p for p in posts(sandbox, "telegram") if p["account"] == TG_DISTRICT}
    assert shown[str(forwarded["message_id"])]["repost_of"] == {
        "account": TG_HEAD,
        "id": str(source["message_id"]),
        "kind": "forward",
        "title": "Глава района",
    }
    assert shown[str(copied["message_id"])]["repost_of"]["kind"] == "copy"
    assert shown[str(copied["message_id"])]["text"] == "Слово главы"
    page = FeedPage(sandbox.store.root).page()
    assert "Переслано из Глава района" in page and "Скопировано из Глава района" in page


def test_telegram_forward_is_refused_where_telegram_refuses_it(http: httpx.Client) -> None:
    source = tg_result(tg(http, "tg-bot-b", "sendMessage", chat_id=TG_HEAD, text="Глава"))
    ids = {"from_chat_id": TG_HEAD, "message_id": source["message_id"]}
    # the source is not the bot's
    answer = tg(http, "tg-bot-a", "forwardMessage", chat_id=TG_DISTRICT, **ids)
    assert (answer.status_code, answer.json()["description"]) == (
        400,
        "Bad Request: chat not found",
    )
    # the target is not the bot's
    answer = tg(http, "tg-bot-b", "copyMessage", chat_id=TG_DISTRICT, **ids)
    assert answer.status_code == 403
    for method, what in (("forwardMessage", "forward"), ("copyMessage", "copy")):
        missing = tg(http, "tg-bot-b", method, chat_id=TG_HEAD, from_chat_id=TG_HEAD, message_id=99)
        assert missing.json()["description"] == f"Bad Request: message to {what} not found"
    bad = tg(
        http, "tg-bot-b", "forwardMessage", chat_id=TG_HEAD, from_chat_id=TG_HEAD, message_id="x"
    )
    assert bad.status_code == 400


# -- OK -------------------------------------------------------------------------------------


def ok(http: httpx.Client, clock: FakeClock, token: str, method: str, **params: str) -> Any:
    clock.advance(1)
    fields = {"method": method, "application_key": "CBAPUBLIC", "format": "json", **params}
    secret = hashlib.md5((token + "sandbox-ok-app_secret").encode()).hexdigest()
    base = "".join(f"{key}={fields[key]}" for key in sorted(fields))
    fields["sig"] = hashlib.md5((base + secret).encode()).hexdigest()
    fields["access_token"] = token
    return http.post("https://api.ok.ru/fb.do", data=fields).json()


def topic(http: httpx.Client, clock: FakeClock, token: str, gid: str, text: str) -> Any:
    attachment = json.dumps({"media": [{"type": "text", "text": text}]}, ensure_ascii=False)
    return ok(
        http, clock, token, "mediatopic.post", type="GROUP_THEME", gid=gid, attachment=attachment
    )


def test_ok_each_group_gets_its_own_topics(
    http: httpx.Client, clock: FakeClock, sandbox: Sandbox
) -> None:
    first = topic(http, clock, "ok-token-a", GROUP_A, "Район")
    second = topic(http, clock, "ok-token-b", GROUP_B, "Поселение")
    shown = {p["id"]: p["account"] for p in posts(sandbox, "ok")}
    assert shown == {first: GROUP_A, second: GROUP_B}
    refused = topic(http, clock, "ok-token-b", GROUP_A, "Чужое")
    assert refused["error_code"] == 10
    assert refused["error_msg"].startswith("PERMISSION_DENIED : ")
    deletion = ok(http, clock, "ok-token-b", "mediatopic.deleteTopic", gid=GROUP_A, topic_id=first)
    assert deletion["error_code"] == 10
    upload = ok(http, clock, "ok-token-b", "photosV2.getUploadUrl", gid=GROUP_A)
    assert upload["error_code"] == 10
    # reading another group needs no rights; an undeclared token has no session
    info = ok(http, clock, "ok-token-b", "group.getInfo", uids=GROUP_A, fields="name")
    assert info == [{"uid": GROUP_A, "name": "Район в ОК"}]
    assert (
        ok(http, clock, "sandbox-ok-main", "group.getInfo", uids=GROUP_A, fields="name")[
            "error_code"
        ]
        == 102
    )


# -- Max ------------------------------------------------------------------------------------


def max_api(
    http: httpx.Client, token: str, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    return http.request(
        method, f"https://platform-api2.max.ru{path}", headers={"Authorization": token}, **kwargs
    )


def test_max_each_channel_gets_its_own_posts(http: httpx.Client, sandbox: Sandbox) -> None:
    for token, chat, text in (("max-bot-a", CHAT_A, "Район"), ("max-bot-b", CHAT_B, "Посёлок")):
        sent = max_api(
            http, token, "POST", "/messages", params={"chat_id": chat}, json={"text": text}
        )
        assert sent.status_code == 200, sent.text
    assert [(p["account"], p["text"]) for p in posts(sandbox, "max")] == [
        (str(CHAT_A), "Район"),
        (str(CHAT_B), "Посёлок"),
    ]
    mid = posts(sandbox, "max")[0]["id"]
    for method, path, kwargs in (
        ("POST", "/messages", {"params": {"chat_id": CHAT_A}, "json": {"text": "Чужое"}}),
        ("PUT", "/messages", {"params": {"message_id": mid}, "json": {"text": "x"}}),
        ("DELETE", "/messages", {"params": {"message_id": mid}}),
        ("GET", f"/messages/{mid}", {}),
        ("GET", f"/messages/{mid}/comments", {}),
        ("PATCH", f"/chats/{CHAT_A}", {"json": {"title": "Чужое"}}),
        ("DELETE", f"/chats/{CHAT_A}/members", {"params": {"user_id": 501, "block": "true"}}),
    ):
        refused = max_api(http, "max-bot-b", method, path, **kwargs)
        assert refused.status_code == 403, (method, path)
        assert refused.json()["code"] == "access.denied"
    assert max_api(http, "sandbox-max-main", "GET", "/me").status_code == 401


# -- Facebook -------------------------------------------------------------------------------


def graph(http: httpx.Client, token: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return http.request(
        method,
        f"https://graph.facebook.com/v25.0/{path}",
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )


def test_facebook_each_page_gets_its_own_posts(http: httpx.Client, sandbox: Sandbox) -> None:
    first = graph(http, "fb-page-a", "POST", f"{PAGE_A}/feed", data={"message": "Район"})
    second = graph(http, "fb-page-b", "POST", f"{PAGE_B}/feed", data={"message": "Посёлок"})
    shown = {p["id"]: p["account"] for p in posts(sandbox, "facebook")}
    assert shown == {first.json()["id"]: PAGE_A, second.json()["id"]: PAGE_B}
    write = graph(http, "fb-page-b", "POST", f"{PAGE_A}/feed", data={"message": "Чужое"})
    assert write.status_code == 400 and write.json()["error"]["code"] == 200
    delete = graph(http, "fb-page-b", "DELETE", first.json()["id"])
    assert delete.json()["error"]["code"] == 200
    read = graph(http, "fb-page-b", "GET", f"{PAGE_A}/feed")
    assert read.json()["error"]["code"] == 10
    nobody = graph(http, "fb-page-a", "GET", "555/feed").json()["error"]
    assert (nobody["code"], nobody["error_subcode"]) == (100, 33)
    assert (
        graph(http, "sandbox-facebook-main", "GET", f"{PAGE_A}/feed").json()["error"]["code"] == 190
    )


# -- Instagram ------------------------------------------------------------------------------


def test_instagram_each_account_publishes_its_own(
    http: httpx.Client, sandbox: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.jpg").write_bytes(jpeg_bytes())
    url = {"image_url": f"{MEDIA}/a.jpg", "caption": "Район"}
    for token, user in (("ig-token-a", IG_A), ("ig-token-b", IG_B)):
        container = graph(http, token, "POST", f"{user}/media", data=url).json()["id"]
        graph(http, token, "GET", container, params={"fields": "status_code"})
        published = graph(
            http, token, "POST", f"{user}/media_publish", data={"creation_id": container}
        )
        assert published.status_code == 200, published.text
    assert sorted(p["account"] for p in posts(sandbox, "instagram")) == [IG_A, IG_B]
    [media_a] = [p["id"] for p in posts(sandbox, "instagram") if p["account"] == IG_A]
    for method, path, kwargs in (
        ("POST", f"{IG_A}/media", {"data": url}),
        ("GET", f"{IG_A}/content_publishing_limit", {}),
        ("GET", media_a, {"params": {"fields": "caption"}}),
        ("DELETE", media_a, {}),
    ):
        error = graph(http, "ig-token-b", method, path, **kwargs).json()["error"]
        assert (error["code"], error["error_subcode"]) == (100, 33), (method, path)
    assert graph(http, "sandbox-instagram-main", "GET", IG_A).json()["error"]["code"] == 190
    profiles = sandbox.show()["instagram"]["accounts"]
    assert profiles == {IG_A: "district", IG_B: "village"}


# -- X --------------------------------------------------------------------------------------


def x(http: httpx.Client, token: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return http.request(
        method, f"https://api.x.com{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


def test_x_each_token_is_its_account(http: httpx.Client, sandbox: Sandbox) -> None:
    me = x(http, "x-token-b", "GET", "/2/users/me").json()["data"]
    assert me == {"id": X_B, "name": "Поселение", "username": "village_adm"}
    first = x(http, "x-token-a", "POST", "/2/tweets", json={"text": "Район"}).json()["data"]["id"]
    x(http, "x-token-b", "POST", "/2/tweets", json={"text": "Посёлок"})
    shown = {p["text"]: p for p in posts(sandbox, "x")}
    assert shown["Район"]["account"] == X_A
    assert shown["Район"]["url"] == f"https://x.com/district_adm/status/{first}"
    assert shown["Посёлок"]["account"] == X_B
    delete = x(http, "x-token-b", "DELETE", f"/2/tweets/{first}")
    assert delete.status_code == 403
    assert delete.json()["type"].endswith("/not-authorized-for-resource")
    assert x(http, "sandbox-x-main", "GET", "/2/users/me").status_code == 401
    # the same text from two accounts is no duplicate
    assert x(http, "x-token-b", "POST", "/2/tweets", json={"text": "Район"}).status_code == 201
    timeline = x(http, "x-token-b", "GET", f"/2/users/{X_A}/tweets").json()["data"]
    assert [t["text"] for t in timeline] == ["Район"]


# -- what people see ------------------------------------------------------------------------


def test_show_json_names_each_post_s_account(vk: Vk, http: httpx.Client, sandbox: Sandbox) -> None:
    vk.post("vk-user-a", DISTRICT, "Район")
    vk.post("vk-user-b", VILLAGE, "Поселение")
    tg_result(tg(http, "tg-bot-b", "sendMessage", chat_id=TG_HEAD, text="Глава"))
    result = CliRunner().invoke(
        main, ["sandbox", "show", "--state", str(sandbox.store.root), "--json"]
    )
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert [p["account"] for p in view["vk"]["posts"]] == [DISTRICT, VILLAGE]
    assert [p["account"] for p in view["telegram"]["posts"]] == [TG_HEAD]
    assert set(view["vk"]["profiles"]) == {DISTRICT, VILLAGE}


def test_the_page_shows_each_account_apart(vk: Vk, sandbox: Sandbox) -> None:
    vk.post("vk-user-b", VILLAGE, "Новости поселения")
    html = Client(FeedPage(sandbox.store.root)).get("/").get_data(as_text=True)
    vk_part = html.split('id="vk"')[1].split('id="telegram"')[0]
    district = vk_part.index("Администрация района")
    village = vk_part.index("Сельское поселение")
    assert vk_part.count('class="vk-feed"') == 2
    empty = vk_part.index("Здесь пока ничего не опубликовано.")
    assert district < empty < village < vk_part.index("Новости поселения")
    assert "<h2>ВКонтакте</h2>" in html and "<h2>Одноклассники</h2>" in html
    for title in ("Район: новости", "Глава района", "Район в Max", "Поселение в Max", "@village"):
        assert title in html
    for english in ("Channel ", "Sandbox Page", "Sandbox bot", " Chat<"):
        assert english not in html
