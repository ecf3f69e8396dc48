"""The Telegram emulator against the reference: shapes, HTML rules, limits, the 48-hour rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from conftest import Sandboxes, jpeg_bytes

from publisher.core.clock import FakeClock
from publisher.sandbox.core import revoke_token

TOKEN = "42:sandbox-token"


@pytest.fixture
def api(sandboxes: Sandboxes) -> Callable[..., httpx.Response]:
    sandbox = sandboxes("telegram")
    client = sandboxes.client(sandbox)

    def call(method: str, token: str = TOKEN, **kwargs: Any) -> httpx.Response:
        return client.post(f"https://api.telegram.org/bot{token}/{method}", **kwargs)

    call.sandbox = sandbox  # type: ignore[attr-defined]
    return call


def send(api: Callable[..., httpx.Response], text: str) -> httpx.Response:
    return api("sendMessage", json={"chat_id": "@news", "text": text, "parse_mode": "HTML"})


def test_send_message_answers_a_message_object(api: Callable[..., httpx.Response]) -> None:
    answer = send(api, "<b>Привет</b> &amp; пока")
    assert answer.status_code == 200
    result = answer.json()["result"]
    assert result["message_id"] == 1 and result["text"] == "Привет & пока"
    assert result["chat"]["username"] == "news" and result["chat"]["type"] == "channel"
    assert send(api, "второй").json()["result"]["message_id"] == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<p>абзац</p>", 'Unsupported start tag "p"'),
        ("<b>не закрыт", "end tag"),
        ("", "message text is empty"),
        ("я" * 4097, "message is too long"),
    ],
)
def test_bad_text_is_a_400_in_telegram_shape(
    api: Callable[..., httpx.Response], text: str, fragment: str
) -> None:
    answer = send(api, text)
    assert answer.status_code == 400
    body = answer.json()
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request:") and fragment in body["description"]


def test_length_counts_visible_text_in_utf16(api: Callable[..., httpx.Response]) -> None:
    assert send(api, "<b>" + "я" * 4096 + "</b>").status_code == 200
    assert send(api, "😀" * 2049).status_code == 400  # 4098 UTF-16 units


def test_media_group_with_attach_references(api: Callable[..., httpx.Response]) -> None:
    files = {"a": ("a.jpg", jpeg_bytes(), "image/jpeg"), "b": ("b.jpg", jpeg_bytes(), "image/jpeg")}
    media = '[{"type":"photo","media":"attach://a","caption":"<i>Ёлка</i>","parse_mode":"HTML"},'
    media += '{"type":"photo","media":"attach://b"}]'
    answer = api("sendMediaGroup", data={"chat_id": "@news", "media": media}, files=files)
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["result"]
    assert first["caption"] == "Ёлка" and first["media_group_id"] == second["media_group_id"]
    view = api.sandbox.show()["telegram"]["posts"]  # type: ignore[attr-defined]
    assert len(view) == 2 and all(p["media"] for p in view)


def test_media_group_needs_two_to_ten_items_and_no_mixed_documents(
    api: Callable[..., httpx.Response],
) -> None:
    one = api(
        "sendMediaGroup",
        data={"chat_id": "@news", "media": '[{"type":"photo","media":"attach://a"}]'},
        files={"a": ("a.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert one.status_code == 400
    mixed = '[{"type":"photo","media":"attach://a"},{"type":"document","media":"attach://b"}]'
    files = {"a": ("a.jpg", jpeg_bytes(), "image/jpeg"), "b": ("b.pdf", b"%PDF", "application/pdf")}
    assert (
        api("sendMediaGroup", data={"chat_id": "@news", "media": mixed}, files=files).status_code
        == 400
    )


def test_caption_limit(api: Callable[..., httpx.Response]) -> None:
    files = {"photo": ("a.jpg", jpeg_bytes(), "image/jpeg")}
    answer = api("sendPhoto", data={"chat_id": "@news", "caption": "я" * 1025}, files=files)
    assert answer.status_code == 400 and "caption is too long" in answer.json()["description"]


def test_polls_must_be_anonymous_in_channels_and_within_limits(
    api: Callable[..., httpx.Response],
) -> None:
    base = {"chat_id": "@news", "question": "Где каток?"}
    assert api("sendPoll", json={**base, "options": [{"text": "Тут"}]}).status_code == 200
    assert api("sendPoll", json={**base, "options": ["x"] * 13}).status_code == 400
    named = {**base, "options": ["a", "b"], "is_anonymous": False}
    assert api("sendPoll", json=named).status_code == 400


def test_edit_and_not_modified(api: Callable[..., httpx.Response]) -> None:
    send(api, "один")
    edit = {"chat_id": "@news", "message_id": 1, "text": "два", "parse_mode": "HTML"}
    assert api("editMessageText", json=edit).json()["result"]["text"] == "два"
    again = api("editMessageText", json=edit)
    assert again.status_code == 400 and "message is not modified" in again.json()["description"]
    missing = api("editMessageText", json={**edit, "message_id": 99})
    assert "message to edit not found" in missing.json()["description"]


def test_delete_only_within_48_hours(api: Callable[..., httpx.Response], clock: FakeClock) -> None:
    send(api, "один")
    send(api, "два")
    assert api("deleteMessage", json={"chat_id": "@news", "message_id": 1}).json()["result"] is True
    gone = api("deleteMessage", json={"chat_id": "@news", "message_id": 1})
    assert "message to delete not found" in gone.json()["description"]
    clock.advance(timedelta(hours=48).total_seconds())
    old = api("deleteMessage", json={"chat_id": "@news", "message_id": 2})
    assert old.status_code == 400 and "can't be deleted" in old.json()["description"]


def test_twenty_messages_a_minute_per_channel(
    api: Callable[..., httpx.Response], clock: FakeClock
) -> None:
    for number in range(20):
        assert send(api, f"{number}").status_code == 200
    limited = send(api, "21")
    assert limited.status_code == 429
    assert limited.json()["parameters"]["retry_after"] == 60
    clock.advance(60)
    assert send(api, "21").status_code == 200


def test_tokens(api: Callable[..., httpx.Response]) -> None:
    revoke_token(api.sandbox.store, TOKEN)  # type: ignore[attr-defined]
    assert send(api, "x").status_code == 401
    assert api("sendMessage", token="", json={}).status_code == 404
    assert api("getMe", token="other:token").json()["result"]["is_bot"] is True


def test_faults_answer_in_telegram_shape(sandboxes: Sandboxes) -> None:
    emulator = sandboxes("telegram").emulators["telegram"]
    limited = emulator.fault_response("rate429")
    assert limited.status_code == 429 and b'"retry_after": 3' in limited.get_data()
    assert emulator.fault_response("error500").status_code == 502


def test_feed_html_escapes_and_groups_albums(api: Callable[..., httpx.Response]) -> None:
    send(api, "<b>a &lt;script&gt;</b>")
    page = api.sandbox.emulators["telegram"].feed_html(  # type: ignore[attr-defined]
        api.sandbox.store.read("telegram")  # type: ignore[attr-defined]
    )
    assert "<script>" not in page and "tg-post" in page


# -- discussion group, updates, moderation, profile -------------------------------------------


def result(answer: httpx.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


def description(answer: httpx.Response) -> str:
    assert answer.json()["ok"] is False
    return str(answer.json()["description"])


def group_of(api: Callable[..., httpx.Response]) -> int:
    return int(result(api("getChat", json={"chat_id": "@news"}))["linked_chat_id"])


def test_a_channel_has_a_linked_discussion_group(api: Callable[..., httpx.Response]) -> None:
    channel = result(api("getChat", json={"chat_id": "@news"}))
    assert channel["type"] == "channel" and channel["linked_chat_id"] < -1000000000000
    group = result(api("getChat", json={"chat_id": channel["linked_chat_id"]}))
    assert group["type"] == "supergroup" and group["linked_chat_id"] == channel["id"]


def test_a_channel_post_is_copied_into_the_group_and_both_are_updates(
    api: Callable[..., httpx.Response],
) -> None:
    post = result(send(api, "<b>Пост</b>"))
    channel_post, copy = result(api("getUpdates"))
    assert channel_post["channel_post"]["message_id"] == post["message_id"]
    assert copy["update_id"] == channel_post["update_id"] + 1
    message = copy["message"]
    assert message["chat"]["id"] == group_of(api) and message["chat"]["type"] == "supergroup"
    assert message["is_automatic_forward"] is True and message["from"]["id"] == 777000
    assert message["sender_chat"]["id"] == post["chat"]["id"]
    origin = message["forward_origin"]
    assert origin["type"] == "channel" and origin["message_id"] == post["message_id"]
    assert origin["chat"]["id"] == post["chat"]["id"] and message["text"] == "Пост"


def test_comments_reply_to_the_copy_in_its_thread(api: Callable[..., httpx.Response]) -> None:
    post = result(send(api, "Пост"))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    first = sandbox.add_comment("telegram", str(post["message_id"]), "Вопрос", "555", "Иван")
    sandbox.add_comment("telegram", str(post["message_id"]), "Тоже", "556", "Пётр", reply_to=first)
    updates = result(api("getUpdates", json={"allowed_updates": ["message"]}))
    copy, question, follow_up = (u["message"] for u in updates if "message" in u)
    assert question["message_id"] == int(first)
    assert question["message_thread_id"] == copy["message_id"]
    assert question["reply_to_message"]["message_id"] == copy["message_id"]
    assert question["reply_to_message"]["is_automatic_forward"] is True
    assert question["from"] == {"id": 555, "is_bot": False, "first_name": "Иван"}
    assert follow_up["message_thread_id"] == copy["message_id"]
    assert follow_up["reply_to_message"]["message_id"] == int(first)


def test_offset_confirms_earlier_updates_and_negative_offset_keeps_the_last(
    api: Callable[..., httpx.Response],
) -> None:
    for text in ("один", "два", "три"):
        send(api, text)
    ids = [u["update_id"] for u in result(api("getUpdates"))]
    assert len(ids) == 6 and ids == sorted(ids)
    assert len(result(api("getUpdates"))) == 6  # nothing is confirmed without an offset
    assert [u["update_id"] for u in result(api("getUpdates", json={"limit": 2}))] == ids[:2]
    assert [u["update_id"] for u in result(api("getUpdates", json={"offset": ids[2]}))] == ids[2:]
    assert [u["update_id"] for u in result(api("getUpdates"))] == ids[2:]
    assert [u["update_id"] for u in result(api("getUpdates", json={"offset": -1}))] == ids[5:]


def test_updates_live_24_hours_and_allowed_updates_are_remembered(
    api: Callable[..., httpx.Response], clock: FakeClock
) -> None:
    send(api, "старый")
    clock.advance(timedelta(hours=24).total_seconds())
    assert result(api("getUpdates", data={"allowed_updates": '["message"]'})) == []
    send(api, "новый")
    (update,) = result(api("getUpdates"))
    assert "message" in update and update["message"]["text"] == "новый"


def test_the_bot_gets_no_update_for_its_own_reply(api: Callable[..., httpx.Response]) -> None:
    post = result(send(api, "Пост"))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    comment = sandbox.add_comment("telegram", str(post["message_id"]), "Вопрос", "555", "Иван")
    before = len(result(api("getUpdates")))
    group = group_of(api)
    answer = result(
        api(
            "sendMessage",
            json={"chat_id": group, "text": "Ответ", "reply_parameters": {"message_id": comment}},
        )
    )
    assert answer["from"]["is_bot"] is True and answer["message_thread_id"] > 0
    assert answer["reply_to_message"]["message_id"] == int(comment)
    assert len(result(api("getUpdates"))) == before
    missing = api(
        "sendMessage", json={"chat_id": group, "text": "x", "reply_parameters": {"message_id": 99}}
    )
    assert missing.status_code == 400
    assert "message to be replied not found" in description(missing)


def test_private_messages_to_the_bot(api: Callable[..., httpx.Response]) -> None:
    sandbox = api.sandbox  # type: ignore[attr-defined]
    sandbox.add_comment("telegram", "", "Здравствуйте", "557", "Анна", direct=True)
    (update,) = result(api("getUpdates"))
    message = update["message"]
    assert message["chat"] == {"id": 557, "type": "private", "first_name": "Анна"}
    assert message["text"] == "Здравствуйте"
    answer = api("sendMessage", json={"chat_id": 557, "text": "Добрый день"})
    assert result(answer)["chat"]["type"] == "private"
    assert "chat not found" in description(api("sendMessage", json={"chat_id": 558, "text": "x"}))
    assert [m["text"] for m in sandbox.show()["telegram"]["messages"]] == [
        "Здравствуйте",
        "Добрый день",
    ]


def test_deleting_a_comment_hides_it_from_the_post(api: Callable[..., httpx.Response]) -> None:
    post = result(send(api, "Пост"))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    comment = sandbox.add_comment("telegram", str(post["message_id"]), "спам", "555", "Иван")
    gone = {"chat_id": group_of(api), "message_id": int(comment)}
    assert result(api("deleteMessage", json=gone)) is True
    assert sandbox.show()["telegram"]["posts"][0]["comments"] == []
    assert "message to delete not found" in description(api("deleteMessage", json=gone))


@pytest.mark.parametrize(
    ("seconds", "forever"),
    [(None, True), (10, True), (3600, False), (366 * 86400, False), (367 * 86400, True)],
)
def test_ban_chat_member_until_date(
    api: Callable[..., httpx.Response], clock: FakeClock, seconds: int | None, forever: bool
) -> None:
    post = result(send(api, "Пост"))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    sandbox.add_comment("telegram", str(post["message_id"]), "мат", "555", "Иван")
    params: dict[str, Any] = {"chat_id": group_of(api), "user_id": 555}
    if seconds is not None:
        params["until_date"] = int(clock.now().timestamp()) + seconds
    assert result(api("banChatMember", json=params)) is True
    (ban,) = sandbox.show()["telegram"]["banned"]
    assert ban["user_id"] == "555" and (ban["until"] is None) is forever
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", str(post["message_id"]), "ещё", "555", "Иван")
    if not forever:
        clock.advance(seconds or 0)
        sandbox.add_comment("telegram", str(post["message_id"]), "исправился", "555", "Иван")


def test_unban_and_ban_errors(api: Callable[..., httpx.Response]) -> None:
    post = result(send(api, "Пост"))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    sandbox.add_comment("telegram", str(post["message_id"]), "мат", "555", "Иван")
    group = group_of(api)
    result(api("banChatMember", json={"chat_id": group, "user_id": 555}))
    assert result(api("unbanChatMember", json={"chat_id": group, "user_id": 555})) is True
    assert sandbox.show()["telegram"]["banned"] == []
    unknown = api("banChatMember", json={"chat_id": group, "user_id": 999})
    assert unknown.status_code == 400 and "PARTICIPANT_ID_INVALID" in description(unknown)
    assert "invalid user_id" in description(
        api("banChatMember", json={"chat_id": group, "user_id": "x"})
    )


def test_ban_chat_sender_chat(api: Callable[..., httpx.Response]) -> None:
    post = result(send(api, "Пост"))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    sandbox.add_comment("telegram", str(post["message_id"]), "реклама", "-1009999", "Реклама")
    (_copy, advert) = (u["message"] for u in result(api("getUpdates")) if "message" in u)
    assert advert["sender_chat"]["id"] == -1009999 and advert["from"]["id"] == 136817688
    group = group_of(api)
    params = {"chat_id": group, "sender_chat_id": -1009999}
    assert result(api("banChatSenderChat", json=params)) is True
    assert sandbox.show()["telegram"]["banned"] == [{"user_id": "-1009999", "until": None}]
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", str(post["message_id"]), "ещё", "-1009999", "Реклама")
    assert result(api("unbanChatSenderChat", json=params)) is True


def test_set_chat_title_description_and_photo(api: Callable[..., httpx.Response]) -> None:
    chat = {"chat_id": "@news"}
    assert result(api("setChatTitle", json={**chat, "title": "Новости района"})) is True
    assert result(api("setChatDescription", json={**chat, "description": "О нас"})) is True
    photo = {"photo": ("a.jpg", jpeg_bytes(640, 640), "image/jpeg")}
    assert result(api("setChatPhoto", data=chat, files=photo)) is True
    info = result(api("getChat", json=chat))
    assert info["title"] == "Новости района" and info["description"] == "О нас"
    assert info["photo"]["big_file_id"]
    profile = api.sandbox.show()["telegram"]["profile"]  # type: ignore[attr-defined]
    assert profile["title"] == "Новости района" and profile["avatar"]
    assert profile["cover"] is None and profile["website"] is None


@pytest.mark.parametrize(
    ("method", "params", "fragment"),
    [
        ("setChatTitle", {"title": ""}, "title can't be empty"),
        ("setChatTitle", {"title": "я" * 129}, "title is too long"),
        ("setChatDescription", {"description": "я" * 256}, "description is too long"),
        ("setChatDescription", {"description": ""}, "description is not modified"),
        ("setChatPhoto", {"photo": "https://example.org/a.jpg"}, "InputFile"),
    ],
)
def test_profile_limits(
    api: Callable[..., httpx.Response], method: str, params: dict[str, str], fragment: str
) -> None:
    answer = api(method, json={"chat_id": "@news", **params})
    assert answer.status_code == 400 and fragment in description(answer)


def test_add_comment_refuses_what_a_citizen_cannot_do(api: Callable[..., httpx.Response]) -> None:
    sandbox = api.sandbox  # type: ignore[attr-defined]
    send(api, "Пост")
    api("sendMessage", json={"chat_id": "@other", "text": "Другой канал"})
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", "1", "двусмысленно", "555", "Иван")
    assert sandbox.add_comment("telegram", "@other/1", "точно", "555", "Иван")
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", "@news/9", "нет поста", "555", "Иван")
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", "@news/1", "кто?", "ivan", "Иван")
    with pytest.raises(ValueError):
        sandbox.add_comment("telegram", "@news/1", "", "555", "Иван")


def test_editing_a_post_edits_its_copy(api: Callable[..., httpx.Response]) -> None:
    send(api, "старое")
    edit = {"chat_id": "@news", "message_id": 1, "text": "новое"}
    result(api("editMessageText", json=edit))
    sandbox = api.sandbox  # type: ignore[attr-defined]
    sandbox.add_comment("telegram", "1", "Вопрос", "555", "Иван")
    *_, comment = result(api("getUpdates"))
    assert comment["message"]["reply_to_message"]["text"] == "новое"


def test_feed_html_shows_the_header_and_escaped_comments(
    api: Callable[..., httpx.Response],
) -> None:
    api("setChatDescription", json={"chat_id": "@news", "description": "Мы <b>тут</b>"})
    send(api, "Пост")
    sandbox = api.sandbox  # type: ignore[attr-defined]
    sandbox.add_comment("telegram", "1", "<script>alert(1)</script>", "555", "Иван & Co")
    page = sandbox.emulators["telegram"].feed_html(sandbox.store.read("telegram"))
    assert "tg-header" in page and "Мы &lt;b&gt;тут&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Иван &amp; Co" in page and page.index("tg-header") < page.index("tg-comment")


def test_parameters_from_query_form_and_any_method_case(
    api: Callable[..., httpx.Response],
) -> None:
    query = api("SENDMESSAGE", params={"chat_id": "@news", "text": "из запроса"})
    form = api("sendmessage", data={"chat_id": "@news", "text": "из формы"})
    assert query.json()["result"]["text"] == "из запроса"
    assert form.json()["result"]["text"] == "из формы"
    missing = api("sendMessage", json={"text": "без чата"})
    assert missing.status_code == 400 and missing.json()["description"].startswith("Bad Request")
    unknown = api("sendTelepathy", json={"chat_id": "@news"})
    assert unknown.status_code == 404 and unknown.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }


def test_message_ids_grow_per_chat(api: Callable[..., httpx.Response]) -> None:
    first = api("sendMessage", json={"chat_id": "@one", "text": "a"}).json()["result"]
    other = api("sendMessage", json={"chat_id": "-1009876", "text": "b"}).json()["result"]
    second = api("sendMessage", json={"chat_id": "@one", "text": "c"}).json()["result"]
    assert (first["message_id"], other["message_id"], second["message_id"]) == (1, 1, 2)
    assert other["chat"]["id"] == -1009876


@pytest.mark.parametrize(
    ("size", "description"),
    [
        ((9000, 1200), "Bad Request: PHOTO_INVALID_DIMENSIONS"),  # width + height > 10000
        ((2100, 100), "Bad Request: PHOTO_INVALID_DIMENSIONS"),  # ratio 21
        (None, "Bad Request: IMAGE_PROCESS_FAILED"),  # not an image
    ],
)
def test_photos_telegram_cannot_take(
    api: Callable[..., httpx.Response], size: tuple[int, int] | None, description: str
) -> None:
    content = jpeg_bytes(*size) if size else b"not an image"
    files = {"photo": ("p.jpg", content, "image/jpeg")}
    answer = api("sendPhoto", data={"chat_id": "@news"}, files=files)
    assert answer.status_code == 400 and answer.json()["description"] == description
    assert api.sandbox.show()["telegram"]["posts"] == []  # type: ignore[attr-defined]


def test_upload_size_limits(api: Callable[..., httpx.Response]) -> None:
    big = b"\0" * (10 * 1024 * 1024 + 1)
    photo = api("sendPhoto", data={"chat_id": "@news"}, files={"photo": ("p.jpg", big)})
    assert photo.status_code == 413 and photo.json()["error_code"] == 413
    document = api("sendDocument", data={"chat_id": "@news"}, files={"document": ("d.bin", big)})
    assert document.status_code == 200
    assert document.json()["result"]["document"]["file_id"]


def test_animations_go_alone_not_in_albums(api: Callable[..., httpx.Response]) -> None:
    media = '[{"type":"animation","media":"attach://a"},{"type":"photo","media":"attach://b"}]'
    files = {"a": ("a.gif", b"GIF89a"), "b": ("b.jpg", jpeg_bytes(), "image/jpeg")}
    answer = api("sendMediaGroup", data={"chat_id": "@news", "media": media}, files=files)
    assert answer.status_code == 400
    assert 'type "animation" can\'t be used in sendMediaGroup' in answer.json()["description"]
    alone = api("sendAnimation", data={"chat_id": "@news"}, files={"animation": files["a"]})
    assert alone.json()["result"]["animation"]["file_id"]


def test_thirty_messages_a_second_over_all_channels(api: Callable[..., httpx.Response]) -> None:
    for number in range(30):
        answer = api("sendMessage", json={"chat_id": f"@c{number}", "text": "x"})
        assert answer.status_code == 200
    limited = api("sendMessage", json={"chat_id": "@c31", "text": "x"})
    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


def test_public_view_shows_live_posts_with_links_media_and_polls(
    api: Callable[..., httpx.Response], clock: FakeClock
) -> None:
    files = {"photo": ("p.jpg", jpeg_bytes(), "image/jpeg")}
    api("sendPhoto", data={"chat_id": "-1005550001", "caption": "<b>Фото</b>"}, files=files)
    api("sendPoll", json={"chat_id": "-1005550001", "question": "Да?", "options": ["Да", "Нет"]})
    send(api, "удалю")
    api("deleteMessage", json={"chat_id": "@news", "message_id": 1})
    posts = api.sandbox.show()["telegram"]["posts"]  # type: ignore[attr-defined]
    assert [(p["id"], p["text"], p["url"]) for p in posts] == [
        ("1", "Фото", "https://t.me/c/5550001/1"),
        ("2", "", "https://t.me/c/5550001/2"),
    ]
    assert len(posts[0]["media"]) == 1 and posts[0]["poll"] is None
    assert posts[1]["poll"] == {"question": "Да?", "options": ["Да", "Нет"], "multiple": False}
    assert posts[0]["published_at"] == clock.now().isoformat()


def test_forward_and_copy_with_the_one_bot(api: Callable[..., httpx.Response]) -> None:
    """Without declared channels the one bot forwards and copies between any channels: a
    forward is a channel post of its own (an update for the bot), a copy may take a new
    caption, and a source chat nobody knows is refused, not made."""
    post = result(send(api, "<b>Ёлка</b> горит"))
    ids = {"from_chat_id": "@news", "message_id": post["message_id"]}
    forwarded = result(api("forwardMessage", json={"chat_id": "@other", **ids}))
    assert forwarded["forward_origin"]["chat"]["username"] == "news"
    assert forwarded["text"] == "Ёлка горит"
    # the forward is a channel post: its discussion group gets a copy, the bot an update
    updates = result(api("getUpdates", json={}))
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds.count("channel_post") == 2
    photo = result(
        api(
            "sendPhoto",
            data={"chat_id": "@news", "caption": "Старая подпись"},
            files={"photo": ("a.jpg", jpeg_bytes(), "image/jpeg")},
        )
    )
    ids = {"from_chat_id": "@news", "message_id": photo["message_id"], "caption": "Новая"}
    copy = result(api("copyMessage", json={"chat_id": "@other", **ids}))
    view = api.sandbox.show()["telegram"]  # type: ignore[attr-defined]
    [shown] = [
        p for p in view["posts"] if p["account"] == "@other" and p["id"] == str(copy["message_id"])
    ]
    assert shown["text"] == "Новая" and shown["media"] == [photo["photo"]["file_id"]]
    assert shown["repost_of"] == {
        "account": "@news",
        "id": str(photo["message_id"]),
        "kind": "copy",
        "title": "news",
    }
    # a source nobody knows is not made on the way
    unknown = api(
        "forwardMessage", json={"chat_id": "@other", "from_chat_id": "@ghost", "message_id": 1}
    )
    assert description(unknown) == "Bad Request: chat not found"
    assert "@ghost" not in json.dumps(api.sandbox.store.read("telegram"))  # type: ignore[attr-defined]
