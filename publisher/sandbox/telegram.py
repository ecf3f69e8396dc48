"""The Telegram Bot API emulator: channels, messages, albums, polls, Telegram's errors and limits.

What it holds to (reference ``networks-ru.md`` section 3):

- ``https://api.telegram.org/bot<token>/<method>``; methods are case-insensitive; parameters
  come from the query, a form, a JSON body or multipart, files as ``attach://<name>``
  [verified: T2, T5]. Answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code",
  "description", "parameters"}`` with the HTTP status equal to the code [verified: T2, T3].
- HTML entities: only Telegram's tag whitelist; text 1–4096 and caption 0–1024 characters after
  entity parsing, counted in UTF-16 units [verified: T1; unit uncertain]; albums of 2–10 items;
  polls of 1–12 options.
- At most 20 messages a minute per channel, else 429 with ``retry_after`` [verified: T3, T4];
  ``deleteMessage`` only for messages younger than 48 hours [verified: T1].
- A revoked token answers 401 Unauthorized; a missing one 404 Not Found [verified: T3].
"""

from __future__ import annotations

import html
import json
import math
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, ClassVar

from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .core import Emulator, next_id

HOST = "api.telegram.org"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALBUM_SIZE = (2, 10)
POLL_OPTIONS = (1, 12)
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
PHOTO_LIMIT = 10 * 1024 * 1024
FILE_LIMIT = 50 * 1024 * 1024
MESSAGES_PER_MINUTE = 20
MESSAGES_PER_SECOND = 30
DELETE_WINDOW = 48 * 3600
BOT = {"id": 7000000001, "is_bot": True, "first_name": "Sandbox bot", "username": "sandbox_bot"}

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "tg-time", "code", "pre", "blockquote",
}  # fmt: skip
_SENDERS = {
    "sendmessage": "text",
    "sendphoto": "photo",
    "sendvideo": "video",
    "sendanimation": "animation",
    "senddocument": "document",
    "sendpoll": "poll",
}


class BotApiError(Exception):
    """An error as Telegram reports it."""

    def __init__(self, code: int, description: str, retry_after: int = 0) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(what: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {what}")


class _Entities(HTMLParser):
    """Parses Telegram HTML the way the Bot API does: whitelist, nesting, visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.offset = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        spoiler = tag == "span" and ("class", "tg-spoiler") in attrs
        if tag not in _ALLOWED_TAGS or (tag == "span" and not spoiler):
            position = self.getpos()[1]
            raise bad_request(
                f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset {position}'
            )
        if tag == "a" and not dict(attrs).get("href"):
            raise bad_request("can't parse entities: a tag without href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise bad_request(
                f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\""
            )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(source: str) -> str:
    """The visible text of Telegram HTML; raise Bad Request as Telegram would."""
    parser = _Entities()
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise bad_request(f"can't parse entities: Can't find end tag for \"{parser.stack[-1]}\"")
    return "".join(parser.text)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramEmulator(Emulator):
    """Channels the sandbox's bot administers, created on first use."""

    network = "telegram"
    hosts: ClassVar[tuple[str, ...]] = (HOST,)
    rules: ClassVar[list[Rule]] = [
        Rule("/bot<path:token>/<method>", endpoint="method", methods=["GET", "POST"]),
    ]

    def on_method(self, request: Request, token: str, method: str) -> Response:
        try:
            self._check_token(token)
            params = _params(request)
            with self.store.transaction(self.network) as state:
                result = self._dispatch(state, method.lower(), params, request)
            return self.json({"ok": True, "result": result})
        except BotApiError as error:
            return self._error(error)

    def not_found(self, request: Request) -> Response:
        return self._error(BotApiError(404, "Not Found"))

    def fault_response(self, kind: str) -> Response:
        if kind == "rate429":
            return self._error(BotApiError(429, "Too Many Requests: retry after 3", 3))
        return self._error(BotApiError(502, "Bad Gateway"))

    def _error(self, error: BotApiError) -> Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.code,
            "description": error.description,
        }
        if error.retry_after:
            body["parameters"] = {"retry_after": error.retry_after}
        return self.json(body, status=error.code)

    def _check_token(self, token: str) -> None:
        if not token:
            raise BotApiError(404, "Not Found")
        if self.is_revoked(token):
            raise BotApiError(401, "Unauthorized")

    # -- dispatch ----------------------------------------------------------------------------

    def _dispatch(
        self, state: dict[str, Any], method: str, params: dict[str, Any], request: Request
    ) -> Any:
        if method == "getme":
            return BOT
        if method == "getchat":
            return _chat_object(self._chat(state, params))
        if method in _SENDERS:
            return self._send(state, _SENDERS[method], params, request)
        if method == "sendmediagroup":
            return self._send_group(state, params, request)
        if method in ("editmessagetext", "editmessagecaption"):
            return self._edit(state, params, caption=method == "editmessagecaption")
        if method == "deletemessage":
            return self._delete(state, params)
        raise BotApiError(404, "Not Found")

    def _chat(self, state: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        raw = str(params.get("chat_id") or "").strip()
        if not raw:
            raise bad_request("chat_id is empty")
        chats: dict[str, dict[str, Any]] = state.setdefault("chats", {})
        for chat in chats.values():
            if raw in (str(chat["id"]), f"@{chat.get('username', '')}"):
                return chat
        if raw.startswith("@"):
            number = -1001000000000 - next_id(state, "next_chat")
            chat = {"id": number, "username": raw[1:], "title": raw[1:]}
        elif raw.lstrip("-").isdigit():
            chat = {"id": int(raw), "title": f"Channel {raw}"}
        else:
            raise bad_request("chat not found")
        chats[str(chat["id"])] = chat
        return chat

    def _admit(self, chat: dict[str, Any], count: int = 1) -> None:
        """Telegram's flood limits: ≈20 messages a minute in one channel, ≈30 a second."""
        key = f"chat:{chat['id']}"
        for _ in range(count):
            if not self.rates.allow(key, MESSAGES_PER_MINUTE / 60, window=60):
                wait = max(1, math.ceil(self.rates.retry_after(key, 60)))
                raise BotApiError(429, f"Too Many Requests: retry after {wait}", wait)
            if not self.rates.allow("all", MESSAGES_PER_SECOND):
                raise BotApiError(429, "Too Many Requests: retry after 1", 1)

    # -- sending -------------------------------------------------------------------------------

    def _send(
        self, state: dict[str, Any], kind: str, params: dict[str, Any], request: Request
    ) -> dict[str, Any]:
        chat = self._chat(state, params)
        message = self._new_message(state, chat, params)
        if kind == "text":
            message.update(_text_fields(params.get("text", ""), TEXT_LIMIT, required=True))
        elif kind == "poll":
            message["poll"] = _poll(params)
        else:
            message.update(_text_fields(params.get("caption", ""), CAPTION_LIMIT))
            message["media"] = [self._file(kind, params.get(kind), request)]
        self._admit(chat)
        return self._store(state, message)

    def _send_group(
        self, state: dict[str, Any], params: dict[str, Any], request: Request
    ) -> list[dict[str, Any]]:
        chat = self._chat(state, params)
        items = params.get("media")
        if isinstance(items, str):
            items = json.loads(items)
        if not isinstance(items, list) or not ALBUM_SIZE[0] <= len(items) <= ALBUM_SIZE[1]:
            raise bad_request("media must include 2-10 items")
        kinds = {item.get("type") for item in items}
        if "document" in kinds and kinds != {"document"}:
            raise bad_request("documents can't be mixed with other media types")
        group = str(next_id(state, "next_group", 13_000_000_000))
        messages = []
        for item in items:
            message = self._new_message(state, chat, params)
            message.update(_text_fields(item.get("caption", ""), CAPTION_LIMIT))
            message["media"] = [self._file(str(item.get("type")), item.get("media"), request)]
            message["media_group_id"] = group
            messages.append(message)
        self._admit(chat, len(messages))
        return [self._store(state, m) for m in messages]

    def _new_message(
        self, state: dict[str, Any], chat: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        chat["next_message"] = int(chat.get("next_message", 1))
        return {
            "chat": chat["id"],
            "date": self.now(),
            "silent": bool(params.get("disable_notification")),
            "link_preview": not _disabled_preview(params),
        }

    def _store(self, state: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
        chat = state["chats"][str(message["chat"])]
        message["message_id"] = chat["next_message"]
        chat["next_message"] += 1
        state.setdefault("messages", []).append(message)
        return _message_object(message, chat)

    def _file(self, kind: str, reference: Any, request: Request) -> dict[str, Any]:
        """An uploaded file (multipart field or ``attach://name``), stored on disk."""
        name = str(reference or "")
        if name.startswith("attach://"):
            name = name.removeprefix("attach://")
        upload: FileStorage | None = request.files.get(name) or request.files.get(kind)
        if upload is None:
            raise bad_request(f"there is no {kind} in the request")
        limit = PHOTO_LIMIT if kind == "photo" else FILE_LIMIT
        stored, size = self.store.save_upload(upload.stream, _suffix(upload.filename))
        if size > limit:
            self.store.file_path(stored).unlink(missing_ok=True)
            raise BotApiError(413, "Request Entity Too Large")
        return {"kind": kind, "file": stored, "name": upload.filename or "", "size": size}

    # -- editing and deleting ----------------------------------------------------------------

    def _find(self, state: dict[str, Any], params: dict[str, Any], action: str) -> dict[str, Any]:
        chat = self._chat(state, params)
        wanted = int(params.get("message_id") or 0)
        messages: list[dict[str, Any]] = state.get("messages", [])
        for message in messages:
            alive = not message.get("deleted")
            if alive and message["chat"] == chat["id"] and message["message_id"] == wanted:
                return message
        raise bad_request(f"message to {action} not found")

    def _edit(self, state: dict[str, Any], params: dict[str, Any], caption: bool) -> Any:
        message = self._find(state, params, "edit")
        has_media = bool(message.get("media"))
        if caption != has_media:
            what = (
                "there is no caption in the message to edit"
                if caption
                else ("there is no text in the message to edit")
            )
            raise bad_request(what)
        field, limit = ("caption", CAPTION_LIMIT) if caption else ("text", TEXT_LIMIT)
        fields = _text_fields(params.get(field, ""), limit, required=not caption)
        if fields["html"] == message.get("html", ""):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.update(fields, edited=self.now())
        return _message_object(message, state["chats"][str(message["chat"])])

    def _delete(self, state: dict[str, Any], params: dict[str, Any]) -> bool:
        message = self._find(state, params, "delete")
        if self.now() - int(message["date"]) >= DELETE_WINDOW:
            raise bad_request("message can't be deleted")
        message["deleted"] = True
        return True

    # -- views ---------------------------------------------------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        chats = state.get("chats", {})
        posts = []
        for message in state.get("messages", []):
            if message.get("deleted"):
                continue
            chat = chats.get(str(message["chat"]), {})
            posts.append(
                {
                    "id": str(message["message_id"]),
                    "chat": message["chat"],
                    "text": message.get("text", ""),
                    "html": message.get("html", ""),
                    "url": _url(chat, message["message_id"]),
                    "media": [m["file"] for m in message.get("media", [])],
                    "poll": message.get("poll"),
                    "media_group_id": message.get("media_group_id"),
                    "published_at": _iso(message["date"]),
                }
            )
        return {"posts": posts, "channels": list(chats.values())}

    def feed_html(self, state: dict[str, Any]) -> str:
        """The channel as Telegram shows it: an album's messages as one card."""
        cards: list[dict[str, Any]] = []
        albums: dict[str, dict[str, Any]] = {}
        for post in self.public_view(state)["posts"]:
            group = post["media_group_id"]
            card = albums.get(group) if group else None
            if card is None:
                card = {"media": [], "html": "", "poll": None, "url": post["url"]}
                cards.append(card)
                if group:
                    albums[group] = card
            card["media"] += post["media"]
            card["html"] = card["html"] or post["html"]
            card["poll"] = card["poll"] or post["poll"]
        return "".join(_card_html(card) for card in cards)


def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = request.args.to_dict()
    params.update(request.form.to_dict())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            params.update(body)
    return params


def _disabled_preview(params: dict[str, Any]) -> bool:
    options = params.get("link_preview_options") or {}
    if isinstance(options, str):
        options = json.loads(options)
    return bool(isinstance(options, dict) and options.get("is_disabled"))


def _text_fields(source: Any, limit: int, required: bool = False) -> dict[str, Any]:
    source = str(source or "")
    visible = parse_html(source)
    if required and not visible.strip():
        raise bad_request("message text is empty")
    if utf16(visible) > limit:
        raise bad_request("message is too long" if required else "message caption is too long")
    return {"html": source, "text": visible}


def _poll(params: dict[str, Any]) -> dict[str, Any]:
    question = str(params.get("question") or "")
    options = params.get("options")
    if isinstance(options, str):
        options = json.loads(options)
    if not question or len(question) > POLL_QUESTION_LIMIT:
        raise bad_request("poll question length must be between 1 and 300")
    if not isinstance(options, list) or not POLL_OPTIONS[0] <= len(options) <= POLL_OPTIONS[1]:
        raise bad_request("poll must have 1-12 options")
    texts = [str(o.get("text") if isinstance(o, dict) else o) for o in options]
    if any(not t or len(t) > POLL_OPTION_LIMIT for t in texts):
        raise bad_request("poll options length must be between 1 and 100")
    if params.get("is_anonymous") in (False, "false"):
        raise bad_request("non-anonymous polls can't be sent to channel chats")
    return {
        "question": question,
        "options": texts,
        "multiple": params.get("allows_multiple_answers") in (True, "true"),
    }


def _chat_object(chat: dict[str, Any]) -> dict[str, Any]:
    result = {"id": chat["id"], "type": "channel", "title": chat.get("title", "")}
    if chat.get("username"):
        result["username"] = chat["username"]
    return result


def _message_object(message: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "message_id": message["message_id"],
        "chat": _chat_object(chat),
        "date": message["date"],
    }
    if message.get("media"):
        result[message["media"][0]["kind"]] = {"file_id": message["media"][0]["file"]}
        if message.get("text"):
            result["caption"] = message["text"]
    elif message.get("poll"):
        result["poll"] = message["poll"]
    else:
        result["text"] = message.get("text", "")
    if message.get("media_group_id"):
        result["media_group_id"] = message["media_group_id"]
    return result


def _url(chat: dict[str, Any], message_id: int) -> str:
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message_id}"
    return f"https://t.me/c/{str(chat.get('id', ''))[4:]}/{message_id}"


def _suffix(filename: str | None) -> str:
    name = filename or ""
    return name[name.rfind(".") :] if "." in name else ""


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def _poll_html(poll: dict[str, Any]) -> str:
    options = "".join(f"<li>{html.escape(o)}</li>" for o in poll["options"])
    return f'<div class="tg-poll"><b>{html.escape(poll["question"])}</b><ul>{options}</ul></div>'


def _card_html(card: dict[str, Any]) -> str:
    images = "".join(f'<img src="/files/{html.escape(f)}" alt="">' for f in card["media"])
    text = f'<div class="tg-text">{card["html"]}</div>' if card["html"] else ""
    poll = _poll_html(card["poll"]) if card["poll"] else ""
    url = html.escape(card["url"])
    return (
        f'<div class="tg-post"><div class="tg-album">{images}</div>{text}{poll}'
        f'<small><a href="{url}">{url}</a></small></div>'
    )
