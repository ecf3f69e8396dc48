"""Telegram: posts in a channel through the Bot API (10.1).

The bot token sits in the URL path (``/bot<token>/<method>``) [verified: T2, T5], so every
error detail goes through ``redact``; ``ApiClient`` already redacts transport errors. Text is
the HTML subset Telegram parses (``parse_mode=HTML``).

A post may need several messages: a photo or album carries the text as its caption when the
text fits the 1024-character caption limit; a longer text follows the media as its own message;
documents and GIFs go in messages of their own (Telegram does not mix them with photos in one
album [verified: T1 sendMediaGroup]); a poll comes last. Every message id is kept, so delete
removes them all. Bots cannot read a channel's history, so ``find`` cannot tell whether an
interrupted post exists [uncertain: no history API]; a person settles it (``publisher resolve``).
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

import httpx

from ..errors import AuthError, NetworkError, NotFound, RateLimited, Rejected, Transient
from ..i18n import N_, _
from ..model import Media, Poll, RemoteRef, RenderedPost
from ..redact import redact
from ..render import utf16_length, visible_text
from .base import UPLOAD_TIMEOUT, AccountInfo, Adapter, Capabilities, MediaRules, json_body

API_BASE = "https://api.telegram.org"
MB = 1024 * 1024
CAPTION_LIMIT = 1024
#: a retry_after is not always given with 429 [uncertain]; Telegram's usual floor
DEFAULT_RETRY_AFTER = 5.0
_GROUPABLE = ("photo", "video")
_NOT_MODIFIED = "message is not modified"


@dataclass
class _Outbox:
    """Messages sent so far for one post, and which one carries its text."""

    ids: list[int] = field(default_factory=list)
    text_message: int = 0
    text_in_caption: bool = False


class TelegramAdapter(Adapter):
    """A channel on Telegram: text, photos and video albums, GIFs, documents, polls."""

    name = "telegram"
    title = "Telegram"
    base_urls: ClassVar[tuple[str, ...]] = (API_BASE,)
    capabilities = Capabilities(
        text_format="telegram_html",
        text_limit=4096,  # 1–4096 characters after entity parsing [verified: T1]
        # Telegram counts in UTF-16 code units [uncertain: the Bot API docs say "characters"]
        length_unit="utf16",
        caption_limit=CAPTION_LIMIT,  # [verified: T1]
        media={
            # multipart uploads: photo ≤10 MB, w+h ≤10000, ratio ≤20 [verified: T1, T5]
            "photo": MediaRules(
                max_bytes=10 * MB,
                formats=frozenset({"JPEG", "PNG", "WEBP"}),
                max_side_sum=10000,
                max_aspect=20.0,
            ),
            "video": MediaRules(max_bytes=50 * MB),  # other files ≤50 MB [verified: T1, T5]
            "animation": MediaRules(max_bytes=50 * MB),
            "document": MediaRules(max_bytes=50 * MB),
        },
        max_media=10,  # an album holds 2–10 items [verified: T1]
        polls=True,
        poll_max_options=12,  # [verified: T1 10.1]
        poll_option_limit=100,
        poll_question_limit=300,
        can_edit=True,  # channel posts have no edit window [verified: T1]
        can_delete=True,
        delete_window_hours=48.0,  # deleteMessage: only messages < 48 h old [verified: T1]
        silent=True,  # disable_notification
        link_preview=True,  # link_preview_options.is_disabled
        comments=True,  # through the channel's linked discussion group [verified: T1]
        delete_comment=True,
        hide_comment=False,
        ban=True,  # banChatMember in the discussion group
        profile=frozenset({"title", "description", "avatar"}),
        requests_per_second=1.0,  # ≈1 message/s per chat [verified: T3 FloodLimit]
        can_find=False,
    )
    token_help = N_(
        "Create a bot with @BotFather (/newbot) and keep the token it prints as the CI secret. "
        "Add the bot to the channel as an administrator with only 'Post messages', 'Edit "
        "messages of others' and 'Delete messages of others' (plus 'Change channel info' for "
        "the profile); in the discussion group it needs 'Delete messages' and 'Ban users' for "
        "moderation. /revoke in @BotFather issues a new token if the old one leaks."
    )

    # -- calls -----------------------------------------------------------------------------

    def _url(self, method: str) -> str:
        return f"{API_BASE}/bot{self.tokens.main.reveal()}/{method}"

    def _call(self, method: str, params: dict[str, Any], *, creates: bool = False) -> Any:
        return self.api.call("POST", self._url(method), method, creates=creates, json=params)

    def _upload(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, IO[bytes], str]]
    ) -> Any:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        return self.api.call(
            "POST",
            self._url(method),
            method,
            creates=True,
            data=form,
            files=files,
            timeout=UPLOAD_TIMEOUT,
        )

    def _unwrap(self, response: httpx.Response, op: str) -> Any:
        body = json_body(response, self.name, op)
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        if not isinstance(body, dict):
            raise Transient(self.name, op, f"HTTP {response.status_code}: unexpected answer")
        code = int(body.get("error_code") or response.status_code)
        detail = redact(str(body.get("description") or f"HTTP {code}"))
        parameters = body.get("parameters") or {}
        if code == 429:
            wait = float(parameters.get("retry_after") or DEFAULT_RETRY_AFTER)
            raise RateLimited(self.name, op, detail, retry_after=wait)
        if code in (401, 404):
            # an unknown or revoked token answers 401, a malformed one 404 [verified: T3]
            raise self.auth_error(op, detail)
        if code == 403:
            raise AuthError(self.name, op, detail, self._rights_hint())
        if code >= 500:
            raise Transient(self.name, op, detail)
        if "not found" in detail.lower() and "message" in detail.lower():
            raise NotFound(self.name, op, detail)
        raise Rejected(self.name, op, detail)

    def _rights_hint(self) -> str:
        return _(
            "Make the bot an administrator of {chat} with the rights to post, edit and delete "
            "messages.",
            chat=self.account.account_id,
        )

    # -- the interface -----------------------------------------------------------------------

    def verify(self) -> AccountInfo:
        me = self._call("getMe", {})
        chat = self._call("getChat", {"chat_id": self.account.account_id})
        title = str(chat.get("title") or chat.get("username") or me.get("username", ""))
        return AccountInfo(self.name, title, str(chat.get("id", "")), self._chat_url())

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        outbox = _Outbox()
        try:
            self._send_post(post, outbox)
        except NetworkError:
            self._roll_back(outbox.ids)
            raise
        first = outbox.text_message or outbox.ids[0]
        return RemoteRef(
            self.name,
            str(first),
            self._message_url(first),
            tuple(str(i) for i in outbox.ids),
            self.clock.now(),
            {"text_message": outbox.text_message, "text_in_caption": outbox.text_in_caption},
        )

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        message = int(ref.extra.get("text_message") or ref.remote_id)
        base = {"chat_id": self.account.account_id, "message_id": message, "parse_mode": "HTML"}
        if ref.extra.get("text_in_caption"):
            if _visible_length(post.text) > CAPTION_LIMIT:
                raise Rejected(
                    self.name,
                    "editMessageCaption",
                    _(
                        "the new text is longer than a caption may be ({limit})",
                        limit=CAPTION_LIMIT,
                    ),
                )
            method, params = "editMessageCaption", {**base, "caption": post.text}
        else:
            method, params = "editMessageText", {**base, "text": post.text, **self._preview(post)}
        try:
            self._call(method, params)
        except Rejected as error:
            if _NOT_MODIFIED not in error.detail:
                raise
        return ref

    def delete(self, ref: RemoteRef) -> None:
        for part in ref.parts or (ref.remote_id,):
            with contextlib.suppress(NotFound):
                self._delete_message(int(part))

    def _delete_message(self, message_id: int) -> None:
        params = {"chat_id": self.account.account_id, "message_id": message_id}
        try:
            self._call("deleteMessage", params)
        except Rejected as error:
            if "can't be deleted" in error.detail:
                raise Rejected(
                    self.name,
                    "deleteMessage",
                    _(
                        "Telegram deletes only messages younger than 48 hours: {detail}",
                        detail=error.detail,
                    ),
                    _("Delete the post in the channel by hand."),
                ) from None
            raise

    def _roll_back(self, sent: list[int]) -> None:
        for message_id in reversed(sent):
            with contextlib.suppress(NetworkError):
                self._delete_message(message_id)

    # -- sending one post ---------------------------------------------------------------------

    def _send_post(self, post: RenderedPost, outbox: _Outbox) -> None:
        caption = post.text if post.text and _visible_length(post.text) <= CAPTION_LIMIT else ""
        album = [m for m in post.media if m.kind in _GROUPABLE]
        singles = [m for m in post.media if m.kind == "animation"]
        documents = [m for m in post.media if m.kind == "document"]
        for group in (album, *([m] for m in singles), documents):
            if group:
                text = caption if not outbox.text_message else ""
                self._send_media(group, text, post, outbox)
        if post.text and not outbox.text_message:
            result = self._call("sendMessage", self._text_params(post), creates=True)
            self._sent(outbox, [result], text=True, caption=False)
        if post.poll is not None:
            result = self._call("sendPoll", self._poll_params(post.poll, post), creates=True)
            self._sent(outbox, [result], text=False, caption=False)

    def _send_media(
        self, media: list[Media], caption: str, post: RenderedPost, outbox: _Outbox
    ) -> None:
        with _open_all(media) as files:
            if len(media) == 1:
                result = self._send_single(media[0], files, caption, post)
                results = [result]
            else:
                results = self._send_album(media, files, caption, post)
        self._sent(outbox, results, text=bool(caption), caption=bool(caption))

    def _send_single(
        self,
        media: Media,
        files: dict[str, tuple[str, IO[bytes], str]],
        caption: str,
        post: RenderedPost,
    ) -> Any:
        method, field_name = _SINGLE[media.kind]
        params = {"chat_id": self.account.account_id, **self._common(post)}
        if caption:
            params.update(caption=caption, parse_mode="HTML")
        only = next(iter(files.values()))
        return self._upload(method, params, {field_name: only})

    def _send_album(
        self,
        media: list[Media],
        files: dict[str, tuple[str, IO[bytes], str]],
        caption: str,
        post: RenderedPost,
    ) -> list[Any]:
        items: list[dict[str, Any]] = []
        for index, item in enumerate(media):
            entry: dict[str, Any] = {"type": item.kind, "media": f"attach://file{index}"}
            if index == 0 and caption:
                entry.update(caption=caption, parse_mode="HTML")
            items.append(entry)
        params = {"chat_id": self.account.account_id, "media": items, **self._common(post)}
        result = self._upload("sendMediaGroup", params, files)
        return list(result) if isinstance(result, list) else [result]

    def _sent(self, outbox: _Outbox, results: list[Any], *, text: bool, caption: bool) -> None:
        ids = [int(r["message_id"]) for r in results if isinstance(r, dict)]
        outbox.ids.extend(ids)
        if text and ids:
            outbox.text_message = ids[0]
            outbox.text_in_caption = caption

    def _common(self, post: RenderedPost) -> dict[str, Any]:
        return {"disable_notification": True} if post.options.get("silent") else {}

    def _preview(self, post: RenderedPost) -> dict[str, Any]:
        if post.options.get("link_preview") is False:
            return {"link_preview_options": {"is_disabled": True}}
        return {}

    def _text_params(self, post: RenderedPost) -> dict[str, Any]:
        return {
            "chat_id": self.account.account_id,
            "text": post.text,
            "parse_mode": "HTML",
            **self._preview(post),
            **self._common(post),
        }

    def _poll_params(self, poll: Poll, post: RenderedPost) -> dict[str, Any]:
        return {
            "chat_id": self.account.account_id,
            "question": poll.question,
            "options": [{"text": option} for option in poll.options],
            "is_anonymous": True,  # channels take anonymous polls only [uncertain: refused]
            "allows_multiple_answers": poll.multiple,
            **self._common(post),
        }

    # -- links -------------------------------------------------------------------------------

    def _chat_url(self) -> str:
        chat = self.account.account_id
        if chat.startswith("@"):
            return f"https://t.me/{chat[1:]}"
        if chat.startswith("-100"):
            return f"https://t.me/c/{chat[4:]}"
        return ""

    def _message_url(self, message_id: int) -> str:
        base = self._chat_url()
        return f"{base}/{message_id}" if base else ""


_SINGLE = {
    "photo": ("sendPhoto", "photo"),
    "video": ("sendVideo", "video"),
    "animation": ("sendAnimation", "animation"),
    "document": ("sendDocument", "document"),
}


def _visible_length(text: str) -> int:
    return utf16_length(visible_text(text, "telegram_html"))


@contextlib.contextmanager
def _open_all(media: list[Media]) -> Iterator[dict[str, tuple[str, IO[bytes], str]]]:
    """Open every file for a streamed multipart upload, named ``file0``, ``file1``, ..."""
    with contextlib.ExitStack() as stack:
        files: dict[str, tuple[str, IO[bytes], str]] = {}
        for index, item in enumerate(media):
            handle = stack.enter_context(open(item.path, "rb"))
            mime = mimetypes.guess_type(item.path.name)[0] or "application/octet-stream"
            files[f"file{index}"] = (item.path.name, handle, mime)
        yield files
