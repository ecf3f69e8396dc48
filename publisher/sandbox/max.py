"""The Max Bot API (0.0.32) as the sandbox plays it: channel messages, uploads, errors, limits.

Hosts: ``platform-api2.max.ru`` (the API; the deprecated ``platform-api.max.ru`` refuses every
call) and the upload hosts ``POST /uploads`` hands out, one per type: images on ``iu.oneme.ru``,
files on ``fu.oneme.ru``, video and audio on ``vu.okcdn.ru`` [verified: M1]. The token is the raw
``Authorization`` header [verified: M1, M2]; errors are an HTTP status plus
``{"code", "message"}`` [verified: M1]. Choices where the reference is silent are marked
[uncertain] and kept in one place each.

Comments under channel posts (``/messages/{mid}/comments``: list newest first with ``count``,
``before``, ``after`` in ms and ``comment_ids``; one by id; post as the bot with a ``reply`` link;
delete by ``comment_id``) follow the official TS client, the only source [uncertain: M2, absent
from M1]. ``DELETE /chats/{id}/members?block=true`` blocks a user for good (every sandbox chat
has a link, so ``block`` always applies) and a blocked citizen cannot comment (``add_comment``).
``PATCH /chats/{id}`` sets the title (1–200) and the icon from an image upload token; the
description is read-only [verified: M1].

Several channels (``accounts.SandboxAccount``): a bot token is an administrator of the channels it
is declared with; anything it does in or reads from another chat answers 403 [verified: M1, "no
right"] with ``{"code": "access.denied"}`` [uncertain: the code and text]. A token declared
nowhere answers 401 ``verify.token``; 30 requests a second are per token [verified: M1].

State (``max.json``): ``chats`` by id (title, icon, description), ``messages`` (text as sent and
as shown, attachments with the stored file names, times in ms), ``comments`` (under a post, with
the sender, a reply link and a deleted flag), ``bans`` by chat and user, upload ``slots`` and
attachment ``tokens``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from publisher.core.clock import Clock
from publisher.sandbox.accounts import Owners, SandboxAccount, token_digest
from publisher.sandbox.core import Emulator, Store, next_id
from publisher.sandbox.figures import followers, grown
from publisher.sandbox.pages import render

API_HOST = "platform-api2.max.ru"
OLD_API_HOST = "platform-api.max.ru"
IMAGE_HOST = "iu.oneme.ru"
FILE_HOST = "fu.oneme.ru"
VIDEO_HOST = "vu.okcdn.ru"
UPLOAD_HOSTS = {"image": IMAGE_HOST, "video": VIDEO_HOST, "audio": VIDEO_HOST, "file": FILE_HOST}

RATE_PER_SECOND = 30  # [verified: M1]
TEXT_LIMIT = 4000  # [verified: M1]
MAX_IMAGE_SIDE = 7680  # [verified: M1]
MESSAGES_DEFAULT, MESSAGES_MAX = 50, 100  # GET /messages count [verified: M1]
#: ``ChatPatch.title`` length [verified: M1]
TITLE_MIN, TITLE_MAX = 1, 200
MB = 1024 * 1024
BOT_NAME = "Бот песочницы"
SIZE_LIMITS = {"image": 50 * MB, "video": 250 * MB, "audio": 256 * MB, "file": 4096 * MB}
EXTENSIONS = {
    "image": {".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".heic"},
    "video": {".mp4", ".mov", ".mkv", ".webm"},
    "audio": {".mp3", ".wav", ".m4a", ".ogg", ".aac", ".flac"},
}
#: ``type=file`` takes "common formats" [verified: M1]; which ones it refuses is [uncertain]:
#: executables and scripts here
FORBIDDEN_FILE_EXTENSIONS = {".exe", ".bat", ".cmd", ".com", ".scr", ".msi", ".vbs", ".js", ".jar"}
#: AttachmentRequest types [verified: M1]; there is no poll
ATTACHMENT_TYPES = frozenset(
    {
        "image",
        "video",
        "audio",
        "file",
        "sticker",
        "contact",
        "inline_keyboard",
        "location",
        "share",
    }
)
#: the generic validation code real answers carry ("Field 'text' size (4001) must be at most
#: 4000", "Missing required parameter: type") [uncertain: client libraries, not M1]
INVALID = "proto.payload"
NOT_READY_MESSAGE = "Key: errors.process.attachment.file.not.processed"  # [verified: M1]
MARKUP_TYPES = {
    "b": "strong",
    "strong": "strong",
    "i": "emphasized",
    "em": "emphasized",
    "del": "strikethrough",
    "s": "strikethrough",
    "ins": "underline",
    "u": "underline",
    "a": "link",
    "pre": "monospaced",
    "code": "monospaced",
    "mark": "highlighted",
    "h1": "heading",
}


def _api(path: str, endpoint: str, method: str) -> Rule:
    return Rule(path, endpoint=endpoint, methods=[method], host=API_HOST)


def _upload_rule(host: str) -> Rule:
    return Rule("/upload.do", endpoint="upload_data", methods=["POST"], host=host)


class MaxEmulator(Emulator):
    """platform-api2.max.ru and its upload hosts."""

    network = "max"
    hosts = (API_HOST, OLD_API_HOST, IMAGE_HOST, FILE_HOST, VIDEO_HOST)
    rules: ClassVar[list[Rule]] = [
        _api("/me", "me", "GET"),
        _api("/uploads", "uploads", "POST"),
        _api("/messages", "send", "POST"),
        _api("/messages", "edit", "PUT"),
        _api("/messages", "remove", "DELETE"),
        _api("/messages", "list", "GET"),
        _api("/messages/<mid>", "message", "GET"),
        _api("/messages/<mid>/comments", "comments", "GET"),
        _api("/messages/<mid>/comments", "comment_send", "POST"),
        _api("/messages/<mid>/comments", "comment_remove", "DELETE"),
        _api("/messages/<mid>/comments/<cid>", "comment", "GET"),
        _api("/chats/<int(signed=True):chat_id>", "chat", "GET"),
        _api("/chats/<int(signed=True):chat_id>", "chat_edit", "PATCH"),
        _api("/chats/<int(signed=True):chat_id>/members", "member_remove", "DELETE"),
        *(_upload_rule(host) for host in sorted(set(UPLOAD_HOSTS.values()))),
        Rule("/", endpoint="deprecated", host=OLD_API_HOST),
        Rule("/<path:path>", endpoint="deprecated", host=OLD_API_HOST),
    ]
    #: handlers that answer without the bot token (upload hosts use signed URLs)
    open_endpoints = frozenset({"upload_data", "deprecated"})

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__(store, clock)
        # the API and the upload hosts share paths' shapes, so this map routes by host too
        rules = [rule.empty() for rule in self.rules]
        self.url_map = Map(rules, strict_slashes=False, host_matching=True)

    def __call__(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except NoRoute:
            return self.not_found(request)
        except MethodNotAllowed:
            return _error(405, "method.not.allowed", "Method is not allowed")
        except HTTPException as exc:
            return _error(exc.code or 400, INVALID, exc.description or "")
        if endpoint not in self.open_endpoints:
            refusal = self._guard(request)
            if refusal is not None:
                return refusal
        response: Response = getattr(self, f"on_{endpoint}")(request, **values)
        return response

    def not_found(self, request: Request) -> Response:
        return _error(404, "not.found", f"Path {request.path} is not recognized")

    def fault_response(self, kind: str) -> Response:
        if kind == "rate429":
            return _too_many()
        return _error(500, "internal.error", "Internal server error")  # [uncertain: code]

    # -- token and rate limit --------------------------------------------------------------

    def _guard(self, request: Request) -> Response | None:
        """401 for a missing, malformed or revoked token; 429 beyond 30 requests a second."""
        token = _token(request)
        owners = Owners(self.store.read(self.network))
        if not token or self.is_revoked(token) or (owners.declared and not owners.knows(token)):
            # the example answer of M1 [verified]; its status is 401 in M2/M3 [verified]
            return _error(401, "verify.token", "Invalid access_token")
        if not self.rates.allow(f"max:{token_digest(token)}", RATE_PER_SECOND):
            return _too_many()
        return None

    def on_deprecated(self, request: Request, path: str = "") -> Response:
        # the old host is switched off ("not allowed" in M3); status and code [uncertain]
        return _error(403, "not.allowed", f"Host {OLD_API_HOST} is deprecated, use {API_HOST}")

    # -- bot --------------------------------------------------------------------------------

    def on_me(self, request: Request) -> Response:
        return self.json(self._bot(_token(request)))

    def _bot(self, token: str) -> dict[str, Any]:
        user_id = int(token_digest(token)[:8], 16)
        return {
            "user_id": user_id,
            "first_name": BOT_NAME,
            "last_name": None,
            "username": f"sandbox{user_id}_bot",
            "is_bot": True,
            "last_activity_time": self._now_ms(),
            "name": BOT_NAME,
            "description": None,
            "commands": None,
        }

    # -- uploads ----------------------------------------------------------------------------

    def on_uploads(self, request: Request) -> Response:
        kind = request.args.get("type")
        if not kind:
            return _error(400, INVALID, "Missing required parameter: type")
        if kind == "photo":
            # type=photo is no longer supported [verified: M1]; the wording is [uncertain]
            return _error(400, INVALID, "Upload type 'photo' is not supported, use 'image'")
        if kind not in UPLOAD_HOSTS:
            return _error(400, INVALID, f"Invalid upload type: {kind}")
        with self.store.transaction(self.network) as state:
            slot_id = str(next_id(state, "next_slot"))
            slot: dict[str, Any] = {"type": kind, "used": False}
            answer = {"url": f"https://{UPLOAD_HOSTS[kind]}/upload.do?id={slot_id}"}
            if kind in ("video", "audio"):
                # video and audio tokens come with the url [verified: M1]
                slot["token"] = _new_token(state, kind)
                answer["token"] = slot["token"]
                state.setdefault("tokens", {})[slot["token"]] = {"type": kind, "file": ""}
            state.setdefault("slots", {})[slot_id] = slot
        return self.json(answer)

    def on_upload_data(self, request: Request) -> Response:
        """One file per url, in the multipart field ``data`` [verified: M1, M2]."""
        slot_id = request.args.get("id", "")
        slot = self.store.read(self.network).get("slots", {}).get(slot_id)
        if slot is None or slot["used"] or UPLOAD_HOSTS[slot["type"]] != request.host:
            # [uncertain] the upload hosts' own error shape is not documented
            return _error(400, "upload.invalid", "Upload url is invalid or already used")
        field = request.files.get("data")
        if field is None or not field.filename:
            return _error(400, INVALID, "Missing required parameter: data")
        suffix = Path(field.filename).suffix.lower()
        if not _extension_allowed(slot["type"], suffix):
            return _error(400, INVALID, "File extension is forbidden")  # [verified: M1]
        with self.store.transaction(self.network) as state:
            state["slots"][slot_id]["used"] = True
        stored, size = self.store.save_upload(field.stream, suffix=suffix)
        problem = self._check_upload(slot["type"], stored, size)
        if problem:
            self.store.file_path(stored).unlink(missing_ok=True)
            return _error(400, INVALID, problem)
        return self._finish_upload(slot, stored, field.filename, size)

    def _check_upload(self, kind: str, stored: str, size: int) -> str:
        """Why the stored upload is refused, or "" (size and image side [verified: M1])."""
        if size > SIZE_LIMITS[kind]:
            return f"File size {size} exceeds the limit of {SIZE_LIMITS[kind]} bytes"
        if kind != "image" or stored.endswith(".heic"):
            return ""
        try:
            with Image.open(self.store.file_path(stored)) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError):
            return "Invalid image"
        if max(width, height) > MAX_IMAGE_SIDE:
            return f"Image is too big: {width}x{height}, at most {MAX_IMAGE_SIDE} px a side"
        return ""

    def _finish_upload(self, slot: dict[str, Any], stored: str, name: str, size: int) -> Response:
        """Record the file under its attachment token and answer as each host does."""
        kind = slot["type"]
        with self.store.transaction(self.network) as state:
            tokens = state.setdefault("tokens", {})
            token = slot.get("token") or _new_token(state, kind)
            # images are ready at once; video, audio and files are processed first
            tokens[token] = {"type": kind, "file": stored, "name": name, "size": size}
            tokens[token]["ready"] = kind == "image"
        if kind == "image":
            photo_key = hashlib.sha256(token.encode()).hexdigest()[:24]
            return self.json({"photos": {photo_key: {"token": token}}})
        if kind == "file":
            return self.json({"token": token})
        # video/audio hosts answer a "retval" [verified: M1]; its exact body is [uncertain]
        return Response("<retval>1</retval>", content_type="text/xml")

    # -- messages ---------------------------------------------------------------------------

    def on_send(self, request: Request) -> Response:
        chat_id, refusal = _chat_param(request)
        if refusal is not None:
            return refusal
        body = _json_body(request)
        if body is None:
            return _error(400, INVALID, "Invalid request payload")
        token = _token(request)
        with self.store.transaction(self.network) as state:
            refusal = _refusal(state, token, chat_id)
            if refusal is not None:
                return refusal
            content = _content(state, body, keep=None)
            if isinstance(content, Response):
                return content
            message = self._new_message(state, chat_id, content, body, request)
        return self.json({"message": self._message_json(message, token)})

    def _new_message(
        self,
        state: dict[str, Any],
        chat_id: int,
        content: dict[str, Any],
        body: dict[str, Any],
        request: Request,
    ) -> dict[str, Any]:
        chat = _chat(state, chat_id)
        chat["seq"] += 1
        serial = next_id(state, "next_message")
        digest = hashlib.sha256(f"{chat_id}:{serial}".encode()).hexdigest()
        message = {
            "mid": f"mid.{digest[:32]}",
            "chat_id": chat_id,
            "seq": chat["seq"],
            "timestamp": self._now_ms(),
            **content,
            "notify": body.get("notify") is not False,
            "link_preview": request.args.get("disable_link_preview", "false").lower() != "true",
            "url": f"https://max.ru/c/{chat_id}/{digest[32:43]}",
            "deleted": False,
            "edited_at": None,
        }
        state.setdefault("messages", []).append(message)
        return message

    def on_edit(self, request: Request) -> Response:
        """PUT /messages: ``text`` replaces; ``attachments`` null keeps, [] removes [M1]."""
        mid = request.args.get("message_id")
        if not mid:
            return _error(400, INVALID, "Missing required parameter: message_id")
        body = _json_body(request)
        if body is None:
            return _error(400, INVALID, "Invalid request payload")
        with self.store.transaction(self.network) as state:
            message = _live_message(state, mid)
            if message is None:
                return _message_not_found()
            refusal = _refusal(state, _token(request), message["chat_id"])
            if refusal is not None:
                return refusal
            content = _content(state, body, keep=message)
            if isinstance(content, Response):
                return content
            message.update(content, edited_at=self._now_ms())
        return self.json({"success": True})

    def on_remove(self, request: Request) -> Response:
        mid = request.args.get("message_id")
        if not mid:
            return _error(400, INVALID, "Missing required parameter: message_id")
        with self.store.transaction(self.network) as state:
            message = _live_message(state, mid)
            if message is None:
                # a deleted or unknown message: 404 [uncertain: might be success:false]
                return _message_not_found()
            refusal = _refusal(state, _token(request), message["chat_id"])
            if refusal is not None:
                return refusal
            message.update(deleted=True, deleted_at=self._now_ms())
        return self.json({"success": True})

    def on_list(self, request: Request) -> Response:
        """GET /messages by ``chat_id`` (newest first, ``count`` 1–100) or ``message_ids``."""
        count = _count_param(request)
        if isinstance(count, Response):
            return count
        state = self.store.read(self.network)
        live = [m for m in state.get("messages", []) if not m["deleted"]]
        if request.args.get("message_ids"):
            wanted = set(request.args["message_ids"].split(","))
            chosen = [m for m in live if m["mid"] in wanted]
        elif request.args.get("chat_id"):
            chat = request.args["chat_id"]
            chosen = [m for m in live if str(m["chat_id"]) == chat.strip()]
        else:
            return _error(400, INVALID, "Missing required parameter: chat_id or message_ids")
        newest = sorted(chosen, key=lambda m: (m["timestamp"], m["seq"]), reverse=True)[:count]
        token = _token(request)
        for chat_id in dict.fromkeys(m["chat_id"] for m in newest):
            refusal = _refusal(state, token, chat_id)
            if refusal is not None:
                return refusal
        return self.json({"messages": [self._message_json(m, token) for m in newest]})

    def on_message(self, request: Request, mid: str) -> Response:
        state = self.store.read(self.network)
        message = _live_message(state, mid)
        if message is None:
            return _message_not_found()
        refusal = _refusal(state, _token(request), message["chat_id"])
        if refusal is not None:
            return refusal
        return self.json(self._message_json(message, _token(request)))

    def _message_json(self, message: dict[str, Any], token: str) -> dict[str, Any]:
        """A stored message as the API shows it (schema ``Message``)."""
        chat_id = message["chat_id"]
        bot = self._bot(token)
        created = int(message["timestamp"]) // 1000
        return {
            "sender": {k: bot[k] for k in ("user_id", "first_name", "username", "is_bot")},
            "recipient": {
                "chat_id": chat_id,
                "chat_type": "channel" if chat_id < 0 else "chat",
                "user_id": None,
            },
            "timestamp": message["timestamp"],
            "link": None,
            "body": {
                "mid": message["mid"],
                "seq": message["seq"],
                "text": message["text"],
                "attachments": [_attachment_json(a) for a in message["attachments"]] or None,
                "markup": message["markup"] or None,
            },
            "url": message["url"],
            # views grown since the post appeared [uncertain: TamTam's MessageStat, not in M1]
            "stat": {"views": grown(f"max{message['mid']}", "views", created, self.now())},
        }

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    # -- comments under channel posts [uncertain: M2 only] ------------------------------------

    def on_comments(self, request: Request, mid: str) -> Response:
        """``GET /messages/{mid}/comments``: newest first, ``count`` 1–100 (default like
        ``GET /messages`` [uncertain]), ``before``/``after`` exclusive times in ms [uncertain]."""
        count = _count_param(request)
        if isinstance(count, Response):
            return count
        bounds = _time_bounds(request)
        if isinstance(bounds, Response):
            return bounds
        state = self.store.read(self.network)
        post = _live_message(state, mid)
        if post is None:
            return _message_not_found()
        refusal = _refusal(state, _token(request), post["chat_id"])
        if refusal is not None:
            return refusal
        chosen = [c for c in _live_comments(state, mid) if _within(c["timestamp"], *bounds)]
        if request.args.get("comment_ids"):
            wanted = set(request.args["comment_ids"].split(","))
            chosen = [c for c in chosen if c["mid"] in wanted]
        newest = sorted(chosen, key=lambda c: (c["timestamp"], c["seq"]), reverse=True)[:count]
        return self.json({"messages": [_comment_json(state, c) for c in newest]})

    def on_comment(self, request: Request, mid: str, cid: str) -> Response:
        state = self.store.read(self.network)
        post = _live_message(state, mid)
        refusal = _refusal(state, _token(request), post["chat_id"]) if post else None
        if refusal is not None:
            return refusal
        comment = _live_comment(state, mid, cid) if post else None
        if comment is None:
            return _comment_not_found()
        return self.json(_comment_json(state, comment))

    def on_comment_send(self, request: Request, mid: str) -> Response:
        """``POST /messages/{mid}/comments {text, format, link}``: a comment by the bot."""
        body = _json_body(request)
        if body is None:
            return _error(400, INVALID, "Invalid request payload")
        bot = self._bot(_token(request))
        sender = {k: bot[k] for k in ("user_id", "first_name", "last_name", "username", "is_bot")}
        with self.store.transaction(self.network) as state:
            post = _live_message(state, mid)
            if post is None:
                return _message_not_found()
            refusal = _refusal(state, _token(request), post["chat_id"])
            if refusal is not None:
                return refusal
            content = _comment_content(state, mid, body)
            if isinstance(content, Response):
                return content
            comment = self._new_comment(state, post, content, {**sender, "name": bot["name"]})
            answer = _comment_json(state, comment)
        return self.json({"message": answer})

    def on_comment_remove(self, request: Request, mid: str) -> Response:
        """``DELETE /messages/{mid}/comments?comment_id=``; a gone one is 404 [uncertain]."""
        cid = request.args.get("comment_id")
        if not cid:
            return _error(400, INVALID, "Missing required parameter: comment_id")
        with self.store.transaction(self.network) as state:
            post = _live_message(state, mid)
            if post is None:
                return _message_not_found()
            refusal = _refusal(state, _token(request), post["chat_id"])
            if refusal is not None:
                return refusal
            comment = _live_comment(state, mid, cid)
            if comment is None:
                return _comment_not_found()
            comment.update(deleted=True, deleted_at=self._now_ms())
        return self.json({"success": True})

    def _new_comment(
        self,
        state: dict[str, Any],
        post: dict[str, Any],
        content: dict[str, Any],
        sender: dict[str, Any],
    ) -> dict[str, Any]:
        serial = next_id(state, "next_comment")
        digest = hashlib.sha256(f"comment:{post['mid']}:{serial}".encode()).hexdigest()
        comment = {
            "mid": f"mid.{digest[:32]}",
            "post": post["mid"],
            "chat_id": post["chat_id"],
            "seq": serial,
            "timestamp": self._now_ms(),
            **content,
            "sender": sender,
            "from_account": bool(sender.get("is_bot")),
            "deleted": False,
        }
        state.setdefault("comments", []).append(comment)
        return comment

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A citizen comments under the channel post ``post_id`` (a ``mid``).

        Direct messages to the bot exist in Max but reach it only by long polling or a
        webhook, which the adapter does not use, so they are not emulated.
        """
        if direct:
            raise ValueError("max: direct messages to the bot are not emulated")
        if not text.strip():
            raise ValueError("max: a comment needs text")
        if not author_id.lstrip("-").isdigit():
            raise ValueError(f"max: user ids are numbers, not {author_id!r}")
        with self.store.transaction(self.network) as state:
            post = _live_message(state, post_id)
            if post is None:
                raise ValueError(f"max: no post {post_id}")
            if author_id in state.get("bans", {}).get(str(post["chat_id"]), {}):
                raise ValueError(f"max: user {author_id} is blocked in chat {post['chat_id']}")
            if reply_to and _live_comment(state, post_id, reply_to) is None:
                raise ValueError(f"max: no comment {reply_to} under post {post_id}")
            sender = _citizen(int(author_id), author_name)
            content = {**_text_fields(text, None), "reply_to": reply_to}
            return str(self._new_comment(state, post, content, sender)["mid"])

    # -- chats: profile and members -------------------------------------------------------

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared chat (a channel when its id is negative), named by its title."""
        raw = account.id.strip()
        if not raw.lstrip("-").isdigit():
            raise ValueError(f"max: {raw!r} is not a chat id")
        chat = _chat(state, int(raw))
        if account.title:
            chat["title"] = account.title
        return str(int(raw))

    def set_by_hand(self, account_id: str, **fields: str) -> None:
        """The channel's title and description, as its owner sets them in the app."""
        unknown = set(fields) - {"title", "description"}
        if unknown:
            raise ValueError(f"max: no profile field {sorted(unknown)} to set by hand")
        with self.store.transaction(self.network) as state:
            _chat(state, int(account_id)).update(fields)

    def on_chat(self, request: Request, chat_id: int) -> Response:
        with self.store.transaction(self.network) as state:
            refusal = _refusal(state, _token(request), chat_id)
            if refusal is not None:
                return refusal
            chat = _chat(state, chat_id)
        members = followers(f"max{chat_id}", self.now())
        return self.json({**_chat_json(chat), "participants_count": members})

    def on_chat_edit(self, request: Request, chat_id: int) -> Response:
        """``PATCH /chats/{id}`` with a ``ChatPatch``: ``title`` 1–200, ``icon`` as an image
        payload [verified: M1]. ``pin`` and ``notify`` are accepted and not modelled; other
        fields (``description``) are ignored [uncertain]."""
        body = _json_body(request)
        if body is None:
            return _error(400, INVALID, "Invalid request payload")
        with self.store.transaction(self.network) as state:
            refusal = _refusal(state, _token(request), chat_id)
            if refusal is not None:
                return refusal
            changes = _chat_patch(state, body)
            if isinstance(changes, Response):
                return changes
            chat = _chat(state, chat_id)
            chat.update(changes, last_event_time=self._now_ms())
        return self.json(_chat_json(chat))

    def on_member_remove(self, request: Request, chat_id: int) -> Response:
        """``DELETE /chats/{id}/members?user_id=…&block=true`` [verified: M1].

        Subscribers are not modelled, so removing alone changes nothing here; ``block=true``
        (applied in chats with a link, which every sandbox chat has) blocks for good.
        """
        raw = request.args.get("user_id")
        if not raw:
            return _error(400, INVALID, "Missing required parameter: user_id")
        if not raw.lstrip("-").isdigit():
            return _error(400, INVALID, f"Invalid value for parameter user_id: {raw}")
        block = request.args.get("block", "false").lower() == "true"
        with self.store.transaction(self.network) as state:
            refusal = _refusal(state, _token(request), chat_id)
            if refusal is not None:
                return refusal
            _chat(state, chat_id)
            if block:
                bans = state.setdefault("bans", {}).setdefault(str(chat_id), {})
                bans[str(int(raw))] = {"until": None, "at": self._now_ms()}
        return self.json({"success": True})

    # -- what the sandbox shows -------------------------------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        """Posts with their comments, the channel's profile and the blocked users."""
        live = [m for m in state.get("messages", []) if not m["deleted"]]
        posts = [
            {
                "id": m["mid"],
                "account": str(m["chat_id"]),
                "chat_id": m["chat_id"],
                "text": m["text"],
                "html": m["html"],
                "url": m["url"],
                "media": [_media_view(a) for a in m["attachments"]],
                "poll": None,
                "published_at": _iso(m["timestamp"]),
                "edited_at": _iso(m["edited_at"]) if m["edited_at"] else None,
                "notify": m["notify"],
                "link_preview": m["link_preview"],
                "comments": _comments_view(state, m["mid"]),
            }
            for m in sorted(live, key=lambda m: (m["timestamp"], m["seq"]))
        ]
        banned = [
            {"user_id": user_id, "until": ban["until"]}
            for bans in state.get("bans", {}).values()
            for user_id, ban in bans.items()
        ]
        chats = state.get("chats", {})
        channels = [c for c in chats.values() if c["type"] == "channel"]
        return {
            "posts": posts,
            "chats": list(chats.values()),
            "profile": _profile_view(channels[0] if channels else None),
            "profiles": {key: _profile_view(chat) for key, chat in chats.items()},
            "banned": banned,
        }

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each channel as Max shows it: its header, then posts top to bottom (media above the
        text) with their comments."""
        posts = self.public_view(state)["posts"]
        channels = [
            {
                "chat": chat,
                "icon": _icon_source(chat),
                "posts": [p for p in posts if p["chat_id"] == chat["chat_id"]],
            }
            for chat in state.get("chats", {}).values()
        ]
        return render("max.html", channels=channels)


# -- request parsing ----------------------------------------------------------------------------


def _token(request: Request) -> str:
    """The raw ``Authorization`` value; a "Bearer …" form is not a Max token [verified: M1]."""
    value = request.headers.get("Authorization", "").strip()
    return "" if " " in value else value


def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _chat_param(request: Request) -> tuple[int, Response | None]:
    raw = request.args.get("chat_id") or request.args.get("user_id")
    if not raw:
        return 0, _error(400, INVALID, "Missing required parameter: chat_id or user_id")
    try:
        return int(raw), None
    except ValueError:
        return 0, _error(400, INVALID, f"Invalid value for parameter chat_id: {raw}")


def _count_param(request: Request) -> int | Response:
    raw = request.args.get("count", str(MESSAGES_DEFAULT))
    try:
        count = int(raw)
    except ValueError:
        return _error(400, INVALID, f"Invalid value for parameter count: {raw}")
    if count < 1:
        return _error(400, INVALID, f"Field 'count' value ({count}) must be at least 1")
    if count > MESSAGES_MAX:
        return _error(400, INVALID, f"Field 'count' value ({count}) must be at most 100")
    return count


def _time_bounds(request: Request) -> tuple[int | None, int | None] | Response:
    """``before`` and ``after`` of ``GET …/comments``: times in ms [uncertain]."""
    bounds: list[int | None] = []
    for name in ("before", "after"):
        raw = request.args.get(name)
        if raw is not None and not raw.isdigit():
            return _error(400, INVALID, f"Invalid value for parameter {name}: {raw}")
        bounds.append(int(raw) if raw is not None else None)
    return bounds[0], bounds[1]


def _within(stamp: int, before: int | None, after: int | None) -> bool:
    return (before is None or stamp < before) and (after is None or stamp > after)


# -- message content ----------------------------------------------------------------------------


def _content(
    state: dict[str, Any], body: dict[str, Any], keep: dict[str, Any] | None
) -> dict[str, Any] | Response:
    """Validate a NewMessageBody; return the stored fields or the error answer.

    ``keep`` is the message being edited: a null ``text`` or ``attachments`` keeps its value.
    """
    text, fmt = body.get("text"), body.get("format")
    if text is not None and not isinstance(text, str):
        return _error(400, INVALID, "Field 'text' must be a string")
    if text is not None and _utf16(text) > TEXT_LIMIT:
        # the limit applies to the field as sent, markup included [uncertain]
        return _error(400, INVALID, f"Field 'text' size ({_utf16(text)}) must be at most 4000")
    if fmt not in (None, "markdown", "html"):
        return _error(400, INVALID, f"Invalid format: {fmt}")
    content = _text_fields(text, fmt) if text is not None or keep is None else _kept_text(keep)
    raw_attachments = body.get("attachments")
    if raw_attachments is None:
        attachments = list(keep["attachments"]) if keep else []
    else:
        resolved = _resolve_attachments(state, raw_attachments)
        if isinstance(resolved, Response):
            return resolved
        attachments = resolved
    if not content["text"] and not attachments:
        return _error(400, INVALID, "Message must have text or attachments")  # [uncertain]
    return {**content, "attachments": attachments}


def _text_fields(text: str | None, fmt: str | None) -> dict[str, Any]:
    """What is stored of a text: as sent, as shown (tags stripped for HTML) and its markup."""
    if fmt != "html" or not text:
        return {"html": None, "format": fmt, "text": text or "", "markup": []}
    parser = _MaxHtml()
    parser.feed(text)
    parser.close()
    return {"html": text, "format": fmt, "text": "".join(parser.parts), "markup": parser.markup}


def _comment_content(
    state: dict[str, Any], mid: str, body: dict[str, Any]
) -> dict[str, Any] | Response:
    """Validate a comment's body: text required (comments have no attachments in M2), the
    4000 limit of messages [uncertain], and a ``reply`` link to a live comment of the post
    (comments cannot be forwarded [uncertain: a client's notes])."""
    text, fmt = body.get("text"), body.get("format")
    if not isinstance(text, str) or not text.strip():
        return _error(400, INVALID, "Field 'text' must not be empty")
    if _utf16(text) > TEXT_LIMIT:
        return _error(400, INVALID, f"Field 'text' size ({_utf16(text)}) must be at most 4000")
    if fmt not in (None, "markdown", "html"):
        return _error(400, INVALID, f"Invalid format: {fmt}")
    link = body.get("link")
    reply_to = ""
    if link is not None:
        if not isinstance(link, dict) or link.get("type") != "reply":
            return _error(400, INVALID, "Only a reply link is allowed in a comment")
        if _live_comment(state, mid, str(link.get("mid") or "")) is None:
            return _error(400, INVALID, f"Invalid link: comment {link.get('mid')} not found")
        reply_to = str(link["mid"])
    return {**_text_fields(text, fmt), "reply_to": reply_to}


def _chat_patch(state: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | Response:
    """The changes a ``ChatPatch`` asks for, or the error answer; nothing applied yet."""
    changes: dict[str, Any] = {}
    title = body.get("title")
    if title is not None:
        if not isinstance(title, str):
            return _error(400, INVALID, "Field 'title' must be a string")
        size = _utf16(title)
        if size < TITLE_MIN:
            return _error(400, INVALID, f"Field 'title' size ({size}) must be at least 1")
        if size > TITLE_MAX:
            return _error(400, INVALID, f"Field 'title' size ({size}) must be at most 200")
        changes["title"] = title
    icon = body.get("icon")
    if icon is not None:
        if not isinstance(icon, dict):
            return _error(400, INVALID, "Field 'icon' must be an object")
        resolved = _resolve_image(state, icon)
        if isinstance(resolved, Response):
            return resolved
        image = resolved[0]
        changes["icon"] = {"file": image.get("file") or "", "url": _image_url(image)}
    return changes


def _kept_text(message: dict[str, Any]) -> dict[str, Any]:
    return {k: message[k] for k in ("html", "format", "text", "markup")}


class _MaxHtml(HTMLParser):
    """Max's HTML subset: supported tags become markup, every other tag is stripped [M1]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int, str]] = []
        self.markup: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in MARKUP_TYPES:
            self.open.append((tag, self.length, dict(attrs).get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            name, start, url = self.open[index]
            if name == tag:
                del self.open[index]
                self._mark(MARKUP_TYPES[tag], start, url)
                return

    def _mark(self, kind: str, start: int, url: str) -> None:
        if self.length == start:
            return
        element: dict[str, Any] = {"type": kind, "from": start, "length": self.length - start}
        if kind == "link":
            element["url"] = url
        self.markup.append(element)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += _utf16(data)


def _resolve_attachments(state: dict[str, Any], raw: Any) -> list[dict[str, Any]] | Response:
    """Turn requested attachments into stored ones, enforcing the file and readiness rules."""
    if not isinstance(raw, list):
        return _error(400, INVALID, "Field 'attachments' must be an array")
    resolved: list[dict[str, Any]] = []
    for item in raw:
        stored = _resolve_one(state, item)
        if isinstance(stored, Response):
            return stored
        resolved.extend(stored)
    content = [a for a in resolved if a["type"] != "inline_keyboard"]
    if any(a["type"] == "file" for a in content) and len(content) > 1:
        # [uncertain: client libraries' notes; M1 says a file "must be the only attachment"]
        return _error(400, INVALID, "Must be only one file attachment in message")
    return _check_ready(state, resolved)


def _resolve_one(state: dict[str, Any], item: Any) -> list[dict[str, Any]] | Response:
    kind = item.get("type") if isinstance(item, dict) else None
    if kind not in ATTACHMENT_TYPES:
        return _error(400, INVALID, f"Unknown attachment type: {kind}")
    payload = item.get("payload") or {}
    if kind == "image":
        return _resolve_image(state, payload)
    if kind in ("video", "audio", "file"):
        entry = _token_entry(state, payload.get("token"), kind)
        if entry is None:
            return _error(400, INVALID, f"Invalid {kind} token provided")
        return [entry]
    return [{"type": kind, "payload": payload}]


def _resolve_image(
    state: dict[str, Any], payload: dict[str, Any]
) -> list[dict[str, Any]] | Response:
    """An image by ``photos`` (upload answer), ``token`` or external ``url`` [verified: M1]."""
    if payload.get("url"):
        return [{"type": "image", "token": "", "file": "", "name": "", "url": payload["url"]}]
    photos = payload.get("photos")
    tokens = [p.get("token") for p in photos.values()] if isinstance(photos, dict) else []
    if not tokens:
        tokens = [payload.get("token")]
    entries = [_token_entry(state, token, "image") for token in tokens]
    if not entries or any(e is None for e in entries):
        return _error(400, INVALID, "Invalid photo token provided")
    return [e for e in entries if e is not None]


def _token_entry(state: dict[str, Any], token: Any, kind: str) -> dict[str, Any] | None:
    """The stored attachment of an upload token of ``kind`` (tokens are type-specific)."""
    entry = state.get("tokens", {}).get(token) if isinstance(token, str) else None
    if entry is None or entry["type"] != kind:
        return None
    return {"type": kind, "token": token, **{k: entry.get(k) for k in ("file", "name", "size")}}


def _check_ready(
    state: dict[str, Any], resolved: list[dict[str, Any]]
) -> list[dict[str, Any]] | Response:
    """The first send with a fresh video/audio/file token fails once [verified: M1, M2].

    Deterministic for tests: the failed attempt marks the token processed; a token whose file
    never arrived stays not ready.
    """
    tokens = state.get("tokens", {})
    waiting = [tokens[a["token"]] for a in resolved if a.get("token") in tokens]
    waiting = [entry for entry in waiting if not entry.get("ready")]
    if not waiting:
        return resolved
    for entry in waiting:
        entry["ready"] = bool(entry.get("file"))
    # its HTTP status is [uncertain]; 400 like every other refused payload
    return _error(400, "attachment.not.ready", NOT_READY_MESSAGE)


def _image_url(stored: dict[str, Any]) -> str:
    """Where Max serves an uploaded file: made up from its token [uncertain: shape]."""
    return str(stored.get("url") or f"https://i.oneme.ru/i?r={stored['token'][:16]}")


def _attachment_json(stored: dict[str, Any]) -> dict[str, Any]:
    kind = stored["type"]
    if kind not in ("image", "video", "audio", "file"):
        return {"type": kind, "payload": stored.get("payload")}
    url = _image_url(stored)
    payload: dict[str, Any] = {"url": url, "token": stored["token"]}
    if kind == "image":
        payload["photo_id"] = int(hashlib.sha256(url.encode()).hexdigest()[:12], 16)
    answer: dict[str, Any] = {"type": kind, "payload": payload}
    if kind == "file":
        answer.update(filename=stored["name"], size=stored["size"])
    return answer


# -- state helpers ------------------------------------------------------------------------------


def _refusal(state: dict[str, Any], token: str, chat_id: int) -> Response | None:
    """403 for a chat the bot does not administer (every chat, before declarations)."""
    if Owners(state).may(token, str(chat_id)):
        return None
    return _error(403, "access.denied", f"Bot is not an administrator of chat {chat_id}")


def _chat(state: dict[str, Any], chat_id: int) -> dict[str, Any]:
    """The chat, created on first use."""
    chats = state.setdefault("chats", {})
    if str(chat_id) not in chats:
        kind = "channel" if chat_id < 0 else "chat"
        title = f"Канал {chat_id}" if kind == "channel" else f"Чат {chat_id}"
        chats[str(chat_id)] = {"chat_id": chat_id, "type": kind, "title": title, "seq": 0}
    chat: dict[str, Any] = chats[str(chat_id)]
    return chat


def _live_comments(state: dict[str, Any], post_mid: str) -> list[dict[str, Any]]:
    return [c for c in state.get("comments", []) if c["post"] == post_mid and not c["deleted"]]


def _live_comment(state: dict[str, Any], post_mid: str, cid: str) -> dict[str, Any] | None:
    return next((c for c in _live_comments(state, post_mid) if c["mid"] == cid), None)


def _citizen(user_id: int, name: str) -> dict[str, Any]:
    """A person as Max's ``User`` shows them; sandbox citizens have no username."""
    first, _, last = name.partition(" ")
    return {
        "user_id": user_id,
        "first_name": first,
        "last_name": last or None,
        "username": None,
        "is_bot": False,
        "name": name,
    }


def _comment_json(state: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
    """A comment as M2's ``CommentMessage`` shows it: a ``Message`` without url and stat."""
    chat_id = comment["chat_id"]
    return {
        "sender": comment["sender"],
        "recipient": {
            "chat_id": chat_id,
            "chat_type": "channel" if chat_id < 0 else "chat",
            "user_id": None,
        },
        "timestamp": comment["timestamp"],
        "link": _reply_link(state, comment),
        "body": _comment_body(comment),
    }


def _comment_body(comment: dict[str, Any]) -> dict[str, Any]:
    return {
        "mid": comment["mid"],
        "seq": comment["seq"],
        "text": comment["text"],
        "attachments": None,
        "markup": comment["markup"] or None,
    }


def _reply_link(state: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any] | None:
    """``LinkedMessage`` of type ``reply`` for an answer to another comment [verified: M1]."""
    if not comment["reply_to"]:
        return None
    parents = [c for c in state.get("comments", []) if c["mid"] == comment["reply_to"]]
    if not parents:
        return None
    parent = parents[0]
    return {"type": "reply", "sender": parent["sender"], "message": _comment_body(parent)}


def _chat_json(chat: dict[str, Any]) -> dict[str, Any]:
    """A chat as the API shows it (schema ``Chat`` [verified: M1])."""
    icon = chat.get("icon")
    return {
        "chat_id": chat["chat_id"],
        "type": chat["type"],
        "status": "active",
        "title": chat["title"],
        "icon": {"url": icon["url"]} if icon else None,
        "last_event_time": chat.get("last_event_time", 0),
        "participants_count": 1,
        "is_public": chat["type"] == "channel",
        "link": _chat_link(chat),
        "description": chat.get("description"),
    }


def _chat_link(chat: dict[str, Any]) -> str:
    return f"https://max.ru/c/{chat['chat_id']}"


def _live_message(state: dict[str, Any], mid: str) -> dict[str, Any] | None:
    for message in state.get("messages", []):
        if message["mid"] == mid and not message["deleted"]:
            found: dict[str, Any] = message
            return found
    return None


def _new_token(state: dict[str, Any], kind: str) -> str:
    serial = next_id(state, "next_token")
    return hashlib.sha256(f"{kind}:{serial}".encode()).hexdigest()[:43]


def _extension_allowed(kind: str, suffix: str) -> bool:
    if kind == "file":
        return suffix not in FORBIDDEN_FILE_EXTENSIONS
    return suffix in EXTENSIONS[kind]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


# -- answers ------------------------------------------------------------------------------------


def _error(status: int, code: str, message: str) -> Response:
    return Emulator.json({"code": code, "message": message}, status)


def _too_many() -> Response:
    # 429 beyond 30 rps [verified: M1]; its code and a Retry-After header are [uncertain]:
    # none is sent, so clients must back off on their own
    return _error(429, "too.many.requests", "Too many requests")


def _message_not_found() -> Response:
    return _error(404, "not.found", "Message not found")


def _comment_not_found() -> Response:
    return _error(404, "not.found", "Comment not found")  # [uncertain: code and text]


# -- the feed page ------------------------------------------------------------------------------


def _media_view(stored: dict[str, Any]) -> dict[str, Any]:
    return {k: stored.get(k, "") for k in ("type", "file", "name", "url")}


def _comments_view(state: dict[str, Any], post_mid: str) -> list[dict[str, Any]]:
    """The live comments of a post, oldest first (Max cannot hide one)."""
    return [
        {
            "id": c["mid"],
            "text": c["text"],
            "author_id": str(c["sender"]["user_id"]),
            "author_name": c["sender"].get("name") or "",
            "hidden": False,
            "reply_to": c["reply_to"],
            "from_account": c["from_account"],
        }
        for c in sorted(_live_comments(state, post_mid), key=lambda c: (c["timestamp"], c["seq"]))
    ]


def _profile_view(chat: dict[str, Any] | None) -> dict[str, Any]:
    """A chat's profile: title and icon file; Max has no website or cover, and the
    description is what the app set (None in the sandbox)."""
    icon = (chat or {}).get("icon") or {}
    return {
        "title": chat["title"] if chat else None,
        "description": (chat or {}).get("description"),
        "website": None,
        "avatar": icon.get("file") or icon.get("url") or None,
        "cover": None,
    }


def _icon_source(chat: dict[str, Any]) -> str:
    icon = chat.get("icon") or {}
    return f"/files/{icon['file']}" if icon.get("file") else str(icon.get("url") or "")
