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
- Every channel is created with a linked discussion supergroup (``getChat().linked_chat_id``);
  every channel post is copied into it (``is_automatic_forward``, ``sender_chat`` = the channel,
  ``forward_origin`` = the post, sent by the service user 777000) and a comment is a group
  message replying to that copy, ``message_thread_id`` = the copy's id [verified: T1 fields;
  linkage uncertain]. The bot gets the copies, comments and private messages as updates
  (``getUpdates``: ``offset`` confirms, that is drops, every update before it; updates live
  24 hours; ``allowed_updates`` is remembered) but never its own messages [verified: T1].
- Moderation: ``deleteMessage`` in the group (48 h), ``banChatMember`` (``until_date`` under
  30 s or over 366 days ahead = for good), ``unbanChatMember``, ``banChatSenderChat``,
  ``unbanChatSenderChat``; a banned author cannot comment. Profile: ``setChatTitle`` (1–128),
  ``setChatDescription`` (0–255), ``setChatPhoto`` (an uploaded file only) [verified: T1];
  the error texts for these are [uncertain].
- ``forwardMessage`` and ``copyMessage`` (``chat_id``, ``from_chat_id``, ``message_id``;
  ``copyMessage`` may set a new ``caption``): a forward carries ``forward_origin`` (type
  ``channel``, the source chat and message), a copy has no link to its source and answers only
  ``{"message_id"}`` [verified: T1]. A missing message is "message to forward not found"
  [verified: public bug reports] or "message to copy not found" [uncertain]; a source chat the
  bot does not know, or is not in, is "chat not found" [verified: public bug reports].
- Several channels and bots (``accounts.SandboxAccount``, the key of a channel being its numeric
  id): each bot token is an administrator of the channels it is declared with and of their
  discussion groups. Anything else answers 403 "Forbidden: bot is not a member of the channel
  chat" (``supergroup chat`` for a group) [verified: public bug reports quoting the API];
  chats nobody declared answer 400 "chat not found" [uncertain]; a token declared nowhere
  answers 401. Each bot has its own identity
  (``getMe``), its own updates (a channel's posts and comments reach the bots of that channel)
  and its own 30 messages a second; the 20 a minute are per chat [verified: T3, T4]. Without
  declarations one bot (``BOT``) runs every channel, created on first use.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, ClassVar

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from publisher.sandbox.accounts import Owners, SandboxAccount, token_digest
from publisher.sandbox.core import Emulator, next_id
from publisher.sandbox.figures import followers
from publisher.sandbox.pages import render

HOST = "api.telegram.org"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALBUM_SIZE = (2, 10)
POLL_OPTIONS = (1, 12)
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
PHOTO_LIMIT = 10 * 1024 * 1024
#: a photo's width + height, and its longer side / shorter side [verified: T1 sendPhoto]
PHOTO_SIDE_SUM = 10000
PHOTO_ASPECT = 20
#: what an album may hold; animations go alone [verified: T1 sendMediaGroup]
ALBUM_TYPES = ("photo", "video", "document", "audio")
FILE_LIMIT = 50 * 1024 * 1024
MESSAGES_PER_MINUTE = 20
MESSAGES_PER_SECOND = 30
DELETE_WINDOW = 48 * 3600
BOT = {"id": 7000000001, "is_bot": True, "first_name": "Бот песочницы", "username": "sandbox_bot"}
#: declared bots' ids: this plus a number made from the token's digest
DECLARED_BOT_BASE = 7_100_000_000
#: who sends the automatic copies of channel posts, and comments sent as a channel [T1 docs]
SERVICE_USER = {"id": 777000, "is_bot": False, "first_name": "Telegram"}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
FIRST_CHAT = -1001000000000
UPDATE_LIFETIME = 24 * 3600
UPDATES_LIMIT = 100
TITLE_LIMIT = 128
DESCRIPTION_LIMIT = 255
BAN_FOREVER_BELOW = 30
BAN_FOREVER_ABOVE = 366 * 24 * 3600
DEFAULT_UPDATES = ("message", "channel_post")

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "tg-time", "code", "pre", "blockquote",
}  # fmt: skip
_MODERATION = ("banchatmember", "unbanchatmember", "banchatsenderchat", "unbanchatsenderchat")
_PROFILE = {
    "setchattitle": ("title", TITLE_LIMIT),
    "setchatdescription": ("description", DESCRIPTION_LIMIT),
    "setchatphoto": ("photo", 0),
}
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


@dataclass(frozen=True)
class _Bot:
    """The bot a request's token belongs to: the token, its queue of updates (``key``, empty
    for the one bot of a sandbox without declarations) and the ``User`` it is."""

    token: str
    key: str
    user: dict[str, Any]


class TelegramEmulator(Emulator):
    """Channels the sandbox's bots administer: made on first use, or declared with their bots."""

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
                bot = _bot_of(state, token)
                result = self._dispatch(state, bot, method.lower(), params, request)
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
        self,
        state: dict[str, Any],
        bot: _Bot,
        method: str,
        params: dict[str, Any],
        request: Request,
    ) -> Any:
        if method == "getme":
            return bot.user
        if method == "getchat":
            return _chat_full(self._chat(state, params, bot))
        if method == "getchatmembercount":  # subscribers, growing a little each day
            return followers(f"telegram{self._chat(state, params, bot)['id']}", self.now())
        if method in _SENDERS:
            return self._send(state, bot, _SENDERS[method], params, request)
        if method == "sendmediagroup":
            return self._send_group(state, bot, params, request)
        if method in ("forwardmessage", "copymessage"):
            return self._forward(state, bot, params, copy=method == "copymessage")
        if method in ("editmessagetext", "editmessagecaption"):
            return self._edit(state, bot, params, caption=method == "editmessagecaption")
        if method == "deletemessage":
            return self._delete(state, bot, params)
        if method == "getupdates":
            return self._get_updates(state, bot, params)
        if method in _MODERATION:
            return self._moderate(state, bot, method, params)
        if method in _PROFILE:
            return self._set_info(state, bot, method, params, request)
        raise BotApiError(404, "Not Found")

    def _chat(self, state: dict[str, Any], params: dict[str, Any], bot: _Bot) -> dict[str, Any]:
        """The chat ``chat_id`` names, if the bot is in it; without declarations a channel is
        made on first use."""
        raw = str(params.get("chat_id") or "").strip()
        if not raw:
            raise bad_request("chat_id is empty")
        chat = _find_chat(state, raw)
        if chat is None and Owners(state).declared:
            raise bad_request("chat not found")
        if chat is None:
            chat = self._new_channel(state, raw)
        account = _account_key(chat)
        if account is not None and not Owners(state).may(bot.token, account):
            kind = "supergroup" if chat.get("type") == "supergroup" else "channel"
            raise BotApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def _new_channel(self, state: dict[str, Any], raw: str) -> dict[str, Any]:
        """A channel named ``@username`` or ``-100…``, with its discussion group."""
        if raw.startswith("@") and len(raw) > 1:
            number = FIRST_CHAT - next_id(state, "next_chat")
            chat = {"id": number, "type": "channel", "username": raw[1:], "title": raw[1:]}
        elif raw.startswith("-") and raw[1:].isdigit():
            chat = {"id": int(raw), "type": "channel", "title": f"Канал {raw}"}
        else:
            raise bad_request("chat not found")
        state.setdefault("chats", {})[str(chat["id"])] = chat
        self._link_group(state, chat)
        return chat

    def _link_group(self, state: dict[str, Any], channel: dict[str, Any]) -> None:
        """A new channel comes with its discussion supergroup, linked both ways."""
        number = FIRST_CHAT - next_id(state, "next_chat")
        state["chats"][str(number)] = {
            "id": number,
            "type": "supergroup",
            "title": _discussion_title(channel["title"]),
            "linked_chat_id": channel["id"],
        }
        channel["linked_chat_id"] = number

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared channel (``@username`` or ``-100…``), named by its title, with its
        discussion group; its key is its numeric id."""
        raw = account.id.strip()
        chat = _find_chat(state, raw)
        if chat is None:
            try:
                chat = self._new_channel(state, raw)
            except BotApiError:
                raise ValueError(f"telegram: {raw!r} is not a @channel or a -100… id") from None
        if chat.get("type", "channel") != "channel":
            raise ValueError(f"telegram: {raw} is not a channel")
        if account.title:
            chat["title"] = account.title
            group = state["chats"].get(str(chat.get("linked_chat_id")))
            if group is not None:
                group["title"] = _discussion_title(account.title)
        return str(chat["id"])

    def _admit(self, chat: dict[str, Any], bot: _Bot, count: int = 1) -> None:
        """Telegram's flood limits: ≈20 messages a minute in one chat, ≈30 a second a bot."""
        key = f"chat:{chat['id']}"
        for _ in range(count):
            if not self.rates.allow(key, MESSAGES_PER_MINUTE / 60, window=60):
                wait = max(1, math.ceil(self.rates.retry_after(key, 60)))
                raise BotApiError(429, f"Too Many Requests: retry after {wait}", wait)
            if not self.rates.allow(f"bot:{bot.key}", MESSAGES_PER_SECOND):
                raise BotApiError(429, "Too Many Requests: retry after 1", 1)

    # -- sending -------------------------------------------------------------------------------

    def _send(
        self,
        state: dict[str, Any],
        bot: _Bot,
        kind: str,
        params: dict[str, Any],
        request: Request,
    ) -> dict[str, Any]:
        chat = self._chat(state, params, bot)
        message = self._new_message(state, chat, params, bot)
        if kind == "text":
            message.update(_text_fields(params.get("text", ""), TEXT_LIMIT, required=True))
        elif kind == "poll":
            message["poll"] = _poll(params)
        else:
            message.update(_text_fields(params.get("caption", ""), CAPTION_LIMIT))
            message["media"] = [self._file(kind, params.get(kind), request)]
        self._admit(chat, bot)
        return self._store(state, message)

    def _send_group(
        self, state: dict[str, Any], bot: _Bot, params: dict[str, Any], request: Request
    ) -> list[dict[str, Any]]:
        chat = self._chat(state, params, bot)
        items = params.get("media")
        if isinstance(items, str):
            items = json.loads(items)
        if not isinstance(items, list) or not ALBUM_SIZE[0] <= len(items) <= ALBUM_SIZE[1]:
            raise bad_request("media must include 2-10 items")
        kinds = {item.get("type") for item in items}
        unusable = sorted(str(kind) for kind in kinds - set(ALBUM_TYPES))
        if unusable:  # the text of Telegram's answer, seen in public bug reports [uncertain]
            raise bad_request(
                f"can't parse InputMedia: type \"{unusable[0]}\" can't be used in sendMediaGroup"
            )
        if "document" in kinds and kinds != {"document"}:
            raise bad_request("documents can't be mixed with other media types")
        group = str(next_id(state, "next_group", 13_000_000_000))
        messages = []
        for item in items:
            message = self._new_message(state, chat, params, bot)
            message.update(_text_fields(item.get("caption", ""), CAPTION_LIMIT))
            message["media"] = [self._file(str(item.get("type")), item.get("media"), request)]
            message["media_group_id"] = group
            messages.append(message)
        self._admit(chat, bot, len(messages))
        return [self._store(state, m) for m in messages]

    def _forward(
        self, state: dict[str, Any], bot: _Bot, params: dict[str, Any], copy: bool
    ) -> dict[str, Any]:
        """``forwardMessage`` / ``copyMessage`` of one message into ``chat_id``."""
        raw = str(params.get("from_chat_id") or "").strip()
        if not raw:
            raise bad_request("from_chat_id is empty")
        source = _find_chat(state, raw)
        account = _account_key(source) if source is not None else None
        if source is None or (account and not Owners(state).may(bot.token, account)):
            raise bad_request("chat not found")
        original = self._message(state, source["id"], _integer(params.get("message_id")))
        if original is None or original.get("deleted"):
            raise bad_request(f"message to {'copy' if copy else 'forward'} not found")
        chat = self._chat(state, params, bot)
        message = self._new_message(state, chat, params, bot)
        message.update({k: original[k] for k in ("text", "html", "media", "poll") if k in original})
        link = {"chat": _chat_object(source), "message_id": original["message_id"]}
        if copy:
            if "caption" in params and original.get("media"):
                message.update(_text_fields(params["caption"], CAPTION_LIMIT))
            message["copy_of"] = link
        else:
            message["forwarded"] = {**link, "origin": _origin(source, original)}
        self._admit(chat, bot)
        stored = self._store(state, message)
        return {"message_id": stored["message_id"]} if copy else stored

    def _new_message(
        self, state: dict[str, Any], chat: dict[str, Any], params: dict[str, Any], bot: _Bot
    ) -> dict[str, Any]:
        chat["next_message"] = int(chat.get("next_message", 1))
        message = {
            "chat": chat["id"],
            "date": self.now(),
            "silent": bool(params.get("disable_notification")),
            "link_preview": not _disabled_preview(params),
        }
        if chat.get("type", "channel") != "channel":
            message["from"] = bot.user
        reply = _json_param(params.get("reply_parameters"))
        if isinstance(reply, dict) and reply.get("message_id"):
            self._thread_reply(state, chat, message, int(reply["message_id"]))
        return message

    def _thread_reply(
        self, state: dict[str, Any], chat: dict[str, Any], message: dict[str, Any], target: int
    ) -> None:
        """Make ``message`` a reply, in the same discussion thread as what it answers."""
        replied = self._message(state, chat["id"], target)
        if replied is None:
            raise bad_request("message to be replied not found")
        message["reply_to"] = target
        thread = replied.get("thread") or (target if replied.get("forward_of") else 0)
        if thread:
            message["thread"] = thread

    def _message(self, state: dict[str, Any], chat: int, message_id: int) -> dict[str, Any] | None:
        for message in state.get("messages", []):
            alive = not message.get("deleted")
            if alive and message["chat"] == chat and message["message_id"] == message_id:
                found: dict[str, Any] = message
                return found
        return None

    def _store(self, state: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
        chat = state["chats"][str(message["chat"])]
        chat["next_message"] = int(chat.get("next_message", 1))
        message["message_id"] = chat["next_message"]
        chat["next_message"] += 1
        state.setdefault("messages", []).append(message)
        rendered = self._render(state, message)
        if chat.get("type", "channel") == "channel":
            self._update(state, "channel_post", rendered, _audience(state, chat))
            self._auto_forward(state, chat, message)
        return rendered

    def _render(self, state: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
        """The Message object, with the message it replies to (one level, as Telegram does)."""
        chat = state["chats"][str(message["chat"])]
        result = _message_object(message, chat)
        replied = self._message(state, message["chat"], int(message.get("reply_to") or 0))
        if replied is not None:
            result["reply_to_message"] = _message_object(replied, chat)
        return result

    def _auto_forward(
        self, state: dict[str, Any], channel: dict[str, Any], post: dict[str, Any]
    ) -> None:
        """Telegram copies each channel post into the discussion group [verified: T1]."""
        group = state["chats"].get(str(channel.get("linked_chat_id")))
        if group is None:
            return
        copy: dict[str, Any] = {
            key: post[key] for key in ("date", "text", "html", "media", "poll") if key in post
        }
        copy.update(
            {
                "chat": group["id"],
                "from": SERVICE_USER,
                "sender_chat": _chat_object(channel),
                "forward_of": {"message_id": post["message_id"], "date": post["date"]},
            }
        )
        self._store(state, copy)
        self._update(state, "message", self._render(state, copy), _audience(state, group))

    def _update(
        self, state: dict[str, Any], kind: str, message: dict[str, Any], bots: list[str]
    ) -> None:
        """Queue an update for the ``bots`` (their keys) whose ``allowed_updates`` take it."""
        remembered = state.get("allowed_updates", {})
        wanted = [bot for bot in bots if kind in (remembered.get(bot) or DEFAULT_UPDATES)]
        if not wanted:
            return
        update_id = next_id(state, "next_update", 100_000_001)
        entry = {
            "update_id": update_id,
            "kind": kind,
            "date": self.now(),
            "message": message,
            "bots": wanted,
        }
        state.setdefault("updates", []).append(entry)

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
        if kind == "photo":
            self._check_photo(stored)
        return {"kind": kind, "file": stored, "name": upload.filename or "", "size": size}

    def _check_photo(self, stored: str) -> None:
        """Telegram refuses a photo it cannot read, or one too large or too narrow.

        The error texts are Telegram's own, as bots see them [uncertain: not in T1].
        """
        path = self.store.file_path(stored)
        try:
            with Image.open(path) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError):
            path.unlink(missing_ok=True)
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        longer, shorter = max(width, height), max(1, min(width, height))
        if width + height > PHOTO_SIDE_SUM or longer / shorter > PHOTO_ASPECT:
            path.unlink(missing_ok=True)
            raise bad_request("PHOTO_INVALID_DIMENSIONS")

    # -- editing and deleting ----------------------------------------------------------------

    def _find(
        self, state: dict[str, Any], bot: _Bot, params: dict[str, Any], action: str
    ) -> dict[str, Any]:
        chat = self._chat(state, params, bot)
        wanted = int(params.get("message_id") or 0)
        messages: list[dict[str, Any]] = state.get("messages", [])
        for message in messages:
            alive = not message.get("deleted")
            if alive and message["chat"] == chat["id"] and message["message_id"] == wanted:
                return message
        raise bad_request(f"message to {action} not found")

    def _edit(self, state: dict[str, Any], bot: _Bot, params: dict[str, Any], caption: bool) -> Any:
        message = self._find(state, bot, params, "edit")
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
        copy = self._copy_of(state, message)
        if copy is not None:  # Telegram edits the discussion group's copy too
            copy.update(fields, edited=self.now())
        return self._render(state, message)

    def _copy_of(self, state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any] | None:
        """The automatic copy of a channel post in its discussion group, if any."""
        group = state["chats"][str(post["chat"])].get("linked_chat_id")
        for message in state.get("messages", []):
            origin = message.get("forward_of") or {}
            if (
                message["chat"] == group
                and origin.get("message_id") == post["message_id"]
                and not message.get("deleted")
            ):
                found: dict[str, Any] = message
                return found
        return None

    def _delete(self, state: dict[str, Any], bot: _Bot, params: dict[str, Any]) -> bool:
        message = self._find(state, bot, params, "delete")
        if self.now() - int(message["date"]) >= DELETE_WINDOW:
            raise bad_request("message can't be deleted")
        message["deleted"] = True
        return True

    # -- updates -------------------------------------------------------------------------------

    def _get_updates(
        self, state: dict[str, Any], bot: _Bot, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """The bot's pending updates, oldest first; ``offset`` confirms (drops, for this bot)
        every update before it."""
        queue = [u for u in state.get("updates", []) if self.now() - u["date"] < UPDATE_LIFETIME]
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or UPDATES_LIMIT), 1), UPDATES_LIMIT)
        mine = [u for u in queue if bot.key in u["bots"]]
        if offset > 0:
            confirmed = [u for u in mine if u["update_id"] < offset]
        else:
            confirmed = mine[: len(mine) + offset] if offset < 0 else []
        for update in confirmed:
            update["bots"] = [key for key in update["bots"] if key != bot.key]
        state["updates"] = [u for u in queue if u["bots"]]
        allowed = _json_param(params.get("allowed_updates"))
        if isinstance(allowed, list):  # remembered for the updates to come [verified: T1]
            remembered = state.setdefault("allowed_updates", {})
            remembered[bot.key] = [str(kind) for kind in allowed]
        kept = [u for u in mine if bot.key in u["bots"]]
        return [{"update_id": u["update_id"], u["kind"]: u["message"]} for u in kept[:limit]]

    # -- moderation ----------------------------------------------------------------------------

    def _moderate(
        self, state: dict[str, Any], bot: _Bot, method: str, params: dict[str, Any]
    ) -> bool:
        chat = self._chat(state, params, bot)
        if chat.get("type", "channel") == "private":
            raise bad_request("method is available for supergroup and channel chats only")
        if method in ("banchatsenderchat", "unbanchatsenderchat"):
            sender = str(params.get("sender_chat_id") or "")
            if not sender.startswith("-"):
                raise bad_request("invalid sender_chat_id specified")
            banned_chats: dict[str, int] = chat.setdefault("banned_senders", {})
            if method == "banchatsenderchat":
                banned_chats[sender] = 0
            else:
                banned_chats.pop(sender, None)
            return True
        user = self._known_user(state, bot, params.get("user_id"))
        banned: dict[str, int] = chat.setdefault("banned", {})
        if method == "unbanchatmember":
            banned.pop(user, None)
        else:
            banned[user] = self._ban_end(params.get("until_date"))
        return True

    def _known_user(self, state: dict[str, Any], bot: _Bot, raw: Any) -> str:
        user = str(raw or "")
        if not user.isdigit():
            raise bad_request("invalid user_id specified")
        if user == str(bot.user["id"]):
            raise bad_request("can't restrict self")
        if user not in state.get("users", {}):
            raise bad_request("PARTICIPANT_ID_INVALID")
        return user

    def _ban_end(self, raw: Any) -> int:
        """``until_date``; under 30 s or over 366 days ahead means for good (0)."""
        until = int(raw or 0)
        left = until - self.now()
        return until if BAN_FOREVER_BELOW <= left <= BAN_FOREVER_ABOVE else 0

    def _banned(self, group: dict[str, Any], author: dict[str, Any]) -> bool:
        sender = author.get("sender_chat")
        if sender:
            return str(sender["id"]) in group.get("banned_senders", {})
        until = group.get("banned", {}).get(str(author["from"]["id"]))
        return until is not None and (until == 0 or until > self.now())

    # -- profile -------------------------------------------------------------------------------

    def _set_info(
        self,
        state: dict[str, Any],
        bot: _Bot,
        method: str,
        params: dict[str, Any],
        request: Request,
    ) -> bool:
        chat = self._chat(state, params, bot)
        if chat.get("type", "channel") == "private":
            raise bad_request("chat not found")
        if method == "setchatphoto":
            photo = request.files.get("photo")
            if photo is None:
                raise bad_request("photo must be uploaded as an InputFile")
            chat["photo"] = self._file("photo", "photo", request)["file"]
            return True
        field, limit = _PROFILE[method]
        value = str(params.get(field) or "")
        if field == "title" and not value.strip():
            raise bad_request("chat title can't be empty")
        if utf16(value) > limit:
            raise bad_request(f"chat {field} is too long")
        if chat.get(field, "") == value:
            raise bad_request(f"chat {field} is not modified")
        chat[field] = value
        return True

    # -- citizens --------------------------------------------------------------------------------

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A citizen comments under channel post ``post_id`` (``"<id>"``, or ``"<chat>/<id>"``
        when several channels have one) or, with ``direct``, writes in private to the bot of
        the channel ``post_id`` names (empty: of the first channel declared)."""
        if not text.strip() or utf16(text) > TEXT_LIMIT:
            raise ValueError("a comment has 1-4096 characters")
        with self.store.transaction(self.network) as state:
            author = self._author(state, author_id, author_name)
            if direct:
                return self._private_message(state, author, text, _bots_of(state, post_id))
            post = self._post(state, post_id)
            copy = self._copy_of(state, post)
            if copy is None:
                raise ValueError(f"post {post_id} has no discussion thread")
            group = state["chats"][str(copy["chat"])]
            if self._banned(group, author):
                raise ValueError(f"{author_id} is banned from {group['title']}")
            message = {"chat": group["id"], "date": self.now(), **author, "text": text}
            self._thread_reply(state, group, message, int(reply_to or copy["message_id"]))
            if message.get("thread") != copy["message_id"]:
                raise ValueError(f"comment {reply_to} is not under post {post_id}")
            return self._citizen_said(state, message, _audience(state, group))

    def _author(self, state: dict[str, Any], author_id: str, name: str) -> dict[str, Any]:
        """``from`` (and ``sender_chat`` for an id like ``-100…``: a comment as a channel)."""
        if author_id.startswith("-") and author_id[1:].isdigit():
            sender = {"id": int(author_id), "type": "channel", "title": name}
            return {"from": CHANNEL_BOT, "sender_chat": sender}
        if not author_id.isdigit():
            raise ValueError(f"a Telegram user id is a number, not {author_id!r}")
        user = {"id": int(author_id), "is_bot": False, "first_name": name}
        state.setdefault("users", {})[author_id] = user
        return {"from": user}

    def _post(self, state: dict[str, Any], post_id: str) -> dict[str, Any]:
        chat_ref, _, number = post_id.rpartition("/")
        channels = [
            c
            for c in state.get("chats", {}).values()
            if c.get("type", "channel") == "channel"
            and (not chat_ref or chat_ref in (str(c["id"]), f"@{c.get('username', '')}"))
        ]
        posts = [
            m
            for c in channels
            if (m := self._message(state, c["id"], int(number or 0))) is not None
        ]
        if len(posts) != 1:
            raise ValueError(f"no single channel post {post_id}: use <@channel>/<id>")
        return posts[0]

    def _private_message(
        self, state: dict[str, Any], author: dict[str, Any], text: str, bots: list[str]
    ) -> str:
        if "sender_chat" in author:
            raise ValueError("a channel cannot write to a bot in private")
        user = author["from"]
        chats = state.setdefault("chats", {})
        chat = chats.setdefault(
            str(user["id"]), {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        )
        return self._citizen_said(
            state, {"chat": chat["id"], "date": self.now(), **author, "text": text}, bots
        )

    def _citizen_said(self, state: dict[str, Any], message: dict[str, Any], bots: list[str]) -> str:
        message["html"] = html.escape(message["text"], quote=False)
        rendered = self._store(state, message)
        self._update(state, "message", rendered, bots)
        return str(message["message_id"])

    # -- views ---------------------------------------------------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        chats = state.get("chats", {})
        channels = [c for c in chats.values() if c.get("type", "channel") == "channel"]
        posts = []
        for message in state.get("messages", []):
            chat = chats.get(str(message["chat"]), {})
            if message.get("deleted") or chat.get("type", "channel") != "channel":
                continue
            posts.append(
                {
                    "id": str(message["message_id"]),
                    "account": _account_ref(chat),
                    "chat": message["chat"],
                    "text": message.get("text", ""),
                    "html": message.get("html", ""),
                    "url": _url(chat, message["message_id"]),
                    "media": [m["file"] for m in message.get("media", [])],
                    "poll": message.get("poll"),
                    "media_group_id": message.get("media_group_id"),
                    "published_at": _iso(message["date"]),
                    "repost_of": _source(message),
                    "comments": self._thread(state, message),
                }
            )
        return {
            "posts": posts,
            "channels": channels,
            "profile": _profile(channels[0] if channels else {}),
            "profiles": {_account_ref(channel): _profile(channel) for channel in channels},
            "banned": self._bans(chats),
            "messages": self._private_messages(state),
        }

    def _thread(self, state: dict[str, Any], post: dict[str, Any]) -> list[dict[str, Any]]:
        """The comments under a channel post: its copy's thread in the discussion group."""
        copy = self._copy_of(state, post)
        if copy is None:
            return []
        return [
            _comment_view(m, copy["message_id"])
            for m in state.get("messages", [])
            if m["chat"] == copy["chat"]
            and m.get("thread") == copy["message_id"]
            and not m.get("deleted")
        ]

    def _bans(self, chats: dict[str, Any]) -> list[dict[str, Any]]:
        bans = []
        for chat in chats.values():
            for user, until in chat.get("banned", {}).items():
                if until == 0 or until > self.now():
                    bans.append({"user_id": user, "until": _iso(until) if until else None})
            bans.extend({"user_id": s, "until": None} for s in chat.get("banned_senders", {}))
        return bans

    def _private_messages(self, state: dict[str, Any]) -> list[dict[str, Any]]:
        chats = state.get("chats", {})
        return [
            {**_comment_view(m, 0), "chat": str(m["chat"])}
            for m in state.get("messages", [])
            if chats.get(str(m["chat"]), {}).get("type") == "private" and not m.get("deleted")
        ]

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each channel as Telegram shows it: its header, then its posts (an album's messages
        as one card) with their comments underneath."""
        view = self.public_view(state)
        channels = []
        for channel in view["channels"]:
            cards = _cards([p for p in view["posts"] if p["chat"] == channel["id"]])
            for card in cards:
                card["html"] = _shown_html(card["html"])
            channels.append({"profile": _profile(channel), "cards": cards})
        return render("telegram.html", channels=channels)


def _bot_of(state: dict[str, Any], token: str) -> _Bot:
    """The bot behind ``token``: the sandbox's one bot, or (once channels are declared) the
    declared bot it is; a token declared nowhere is refused as Telegram refuses a bad one."""
    owners = Owners(state)
    if not owners.declared:
        return _Bot(token, "", BOT)
    if not owners.knows(token):
        raise BotApiError(401, "Unauthorized")
    digest = token_digest(token)
    number = DECLARED_BOT_BASE + int(digest[:6], 16)
    user = {"id": number, "is_bot": True, "first_name": BOT["first_name"]}
    return _Bot(token, digest, {**user, "username": f"sandbox{number}_bot"})


def _find_chat(state: dict[str, Any], raw: str) -> dict[str, Any] | None:
    """The known chat ``raw`` names (its id or ``@username``)."""
    chats: dict[str, dict[str, Any]] = state.get("chats", {})
    for chat in chats.values():
        if raw in (str(chat["id"]), f"@{chat.get('username', '')}"):
            return chat
    return None


def _account_key(chat: dict[str, Any]) -> str | None:
    """The declared account a chat belongs to: a channel is its own, a discussion group its
    channel's; a private chat with a citizen has none (every bot may answer it)."""
    if chat.get("type") == "private":
        return None
    if chat.get("type") == "supergroup" and chat.get("linked_chat_id"):
        return str(chat["linked_chat_id"])
    return str(chat["id"])


def _audience(state: dict[str, Any], chat: dict[str, Any]) -> list[str]:
    """The bots (their keys) that get a chat's updates: the one bot, or the chat's declared
    ones."""
    owners = Owners(state)
    return owners.tokens_of(_account_key(chat) or "") if owners.declared else [""]


def _bots_of(state: dict[str, Any], channel: str) -> list[str]:
    """The bots a citizen reaches by writing to the bot of ``channel`` (empty: the first
    declared channel's)."""
    owners = Owners(state)
    if not owners.declared:
        return [""]
    chat = _find_chat(state, channel) if channel else None
    if channel and chat is None:
        raise ValueError(f"no channel {channel}")
    key = _account_key(chat) if chat else next(iter(owners.accounts))
    return owners.tokens_of(key or "")


def _account_ref(chat: dict[str, Any]) -> str:
    """A channel as ``accounts/*.md`` names it: ``@username``, else its numeric id."""
    return f"@{chat['username']}" if chat.get("username") else str(chat.get("id", ""))


def _source(message: dict[str, Any]) -> dict[str, Any] | None:
    """Where a forwarded or copied message comes from, for ``sandbox show``."""
    link = message.get("forwarded") or message.get("copy_of")
    if link is None:
        return None
    return {
        "account": _account_ref(link["chat"]),
        "id": str(link["message_id"]),
        "kind": "forward" if message.get("forwarded") else "copy",
        "title": link["chat"].get("title", ""),
    }


def _origin(chat: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """``forward_origin`` of a forwarded message: a channel post, or what a person sent
    [verified: T1 MessageOriginChannel, MessageOriginUser]."""
    if chat.get("type", "channel") == "channel":
        return {
            "type": "channel",
            "date": message["date"],
            "chat": _chat_object(chat),
            "message_id": message["message_id"],
        }
    return {"type": "user", "date": message["date"], "sender_user": message.get("from", {})}


def _discussion_title(channel_title: str) -> str:
    return f"{channel_title}: обсуждение"


def _integer(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise bad_request("message_id is invalid") from None


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
    kind = chat.get("type", "channel")
    result: dict[str, Any] = {"id": chat["id"], "type": kind}
    if kind == "private":
        result["first_name"] = chat.get("first_name", "")
    else:
        result["title"] = chat.get("title", "")
    if chat.get("username"):
        result["username"] = chat["username"]
    return result


def _chat_full(chat: dict[str, Any]) -> dict[str, Any]:
    """``getChat``'s ChatFullInfo: the chat plus its description, photo and linked chat."""
    result = {**_chat_object(chat), "accent_color_id": 0, "max_reaction_count": 11}
    for key in ("description", "linked_chat_id"):
        if chat.get(key):
            result[key] = chat[key]
    if chat.get("photo"):
        file = chat["photo"]
        result["photo"] = {
            "small_file_id": f"{file}:small",
            "small_file_unique_id": f"{file}:s",
            "big_file_id": f"{file}:big",
            "big_file_unique_id": f"{file}:b",
        }
    return result


def _message_object(message: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "message_id": message["message_id"],
        "chat": _chat_object(chat),
        "date": message["date"],
    }
    for key, name in (("from", "from"), ("sender_chat", "sender_chat")):
        if message.get(key):
            result[name] = message[key]
    if message.get("thread"):
        result["message_thread_id"] = message["thread"]
    origin = message.get("forward_of")
    if origin:
        result["is_automatic_forward"] = True
        result["forward_origin"] = {"type": "channel", "chat": message["sender_chat"], **origin}
    if message.get("forwarded"):
        result["forward_origin"] = message["forwarded"]["origin"]
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


def _json_param(value: Any) -> Any:
    """A parameter that may arrive as JSON text (form, query) or as JSON already."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def _url(chat: dict[str, Any], message_id: int) -> str:
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message_id}"
    return f"https://t.me/c/{str(chat.get('id', ''))[4:]}/{message_id}"


def _suffix(filename: str | None) -> str:
    name = filename or ""
    return name[name.rfind(".") :] if "." in name else ""


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def _cards(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An album's messages (one media group) as one card, with all their comments."""
    cards: list[dict[str, Any]] = []
    albums: dict[str, dict[str, Any]] = {}
    for post in posts:
        group = post["media_group_id"]
        card = albums.get(group) if group else None
        if card is None:
            card = {
                "media": [],
                "html": "",
                "poll": None,
                "url": post["url"],
                "comments": [],
                "source": post["repost_of"],
            }
            cards.append(card)
            if group:
                albums[group] = card
        card["media"] += post["media"]
        card["html"] = card["html"] or post["html"]
        card["poll"] = card["poll"] or post["poll"]
        card["comments"] += post["comments"]
    return cards


def _comment_view(message: dict[str, Any], root: int) -> dict[str, Any]:
    author = message.get("sender_chat") or message.get("from") or {}
    reply_to = int(message.get("reply_to") or 0)
    return {
        "id": str(message["message_id"]),
        "text": message.get("text", ""),
        "author_id": str(author.get("id", "")),
        "author_name": author.get("title") or author.get("first_name", ""),
        "hidden": False,  # the Bot API cannot hide a message
        "reply_to": str(reply_to) if reply_to and reply_to != root else "",
        # a bot writes as itself; a citizen writing as a channel comes as Channel_Bot
        "from_account": bool((message.get("from") or {}).get("is_bot"))
        and "sender_chat" not in message,
    }


def _profile(channel: dict[str, Any]) -> dict[str, Any]:
    """What the channel shows about itself; Telegram has no website or cover."""
    return {
        "title": channel.get("title", ""),
        "description": channel.get("description", ""),
        "website": None,
        "avatar": channel.get("photo"),
        "cover": None,
    }


def _shown_html(source: str) -> Markup:
    """A message's HTML for the sandbox page, cleaned by nh3: the parser above checks tags
    and nesting as the Bot API does, not attributes or link schemes, which a page must."""
    import nh3

    clean = nh3.clean(
        source,
        tags=_ALLOWED_TAGS,
        attributes={
            "a": {"href"},
            "span": {"class"},
            "code": {"class"},
            "tg-emoji": {"emoji-id"},
            "tg-time": {"unix", "format"},
        },
        url_schemes={"http", "https", "mailto", "tg"},
        link_rel=None,
    )
    return Markup(clean)
