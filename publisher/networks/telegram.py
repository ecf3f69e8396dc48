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

Comments live in the channel's linked discussion supergroup (``getChat(channel).linked_chat_id``):
Telegram copies every channel post into it (``is_automatic_forward``, ``forward_origin.message_id``
= the channel post) and a comment is a group message in the thread of that copy
(``message_thread_id`` = the copy's id) [verified: T1 fields; linkage uncertain]. With no history
API, comments and direct messages come from ``getUpdates``, read once per adapter (one run) and
never confirmed, see ``_updates``. Replies are sent by the bot, under the bot's name: the Bot API
cannot write in the group as the channel [uncertain: no send-as parameter in T1].
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import IO, Any, ClassVar

import httpx

from publisher.content.render import utf16_length, visible_text
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.clock import Clock
from publisher.core.errors import (
    AuthError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import count
from publisher.core.i18n import N_, _
from publisher.core.model import Account, Comment, Media, Poll, Profile, RemoteRef, RenderedPost
from publisher.core.redact import redact
from publisher.networks.base import (
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    ErrorMap,
    Failure,
    RateLimiter,
    Rule,
    Tokens,
)
from publisher.networks.http import json_body, mime_type, status_keys

API_BASE = "https://api.telegram.org"
CAPTION_LIMIT = NETWORK_TABLE["telegram"].capabilities.caption_limit
#: a retry_after is not always given with 429 [uncertain]; Telegram's usual floor
DEFAULT_RETRY_AFTER = 5.0
_GROUPABLE = ("photo", "video")
_NOT_MODIFIED = "message is not modified"
#: a missing admin right answers 400, not 403 [uncertain: texts seen from the Bot API]
_NO_RIGHTS = ("not enough rights", "need administrator rights", "chat_admin_required")
_GROUP_METHODS = ("getUpdates", "banChatMember", "banChatSenderChat")
_PROFILE_METHODS = ("setChatTitle", "setChatDescription", "setChatPhoto")
#: getUpdates answers at most 100 updates [verified: T1]
UPDATES_LIMIT = 100
TITLE_LIMIT = 128  # setChatTitle: 1–128 characters [verified: T1, T3 ChatLimit]
DESCRIPTION_LIMIT = 255  # setChatDescription: 0–255 characters [verified: T1, T3 ChatLimit]
DELETE_WINDOW = timedelta(hours=48)  # deleteMessage [verified: T1]
#: banChatMember: an until_date < 30 s or > 366 days ahead bans for good [verified: T1]
BAN_MIN = timedelta(seconds=30)
MAX_BAN_DAYS = NETWORK_TABLE["telegram"].capabilities.max_ban_days
_EPOCH = datetime.fromtimestamp(0, UTC)
#: keys of answers whose description says what happened
NO_RIGHTS = "not enough rights"
MESSAGE_GONE = "message not found"
#: the bot is not in the chat a request names, or there is no such chat [uncertain: text]
CHAT_UNKNOWN = "chat not found"
#: the source channel forbids forwarding ("Restrict saving content") [uncertain: text]
NOT_FORWARDABLE = "can't be forwarded"


def rights_hint(op: str) -> str:
    """What the bot lacks, by the method refused: group moderation, channel info or posting."""
    if op in _GROUP_METHODS:
        return N_(
            "Make the bot an administrator of the discussion group of {chat} with the "
            "rights to delete messages and ban users."
        )
    if op in _PROFILE_METHODS:
        return N_("Give the bot the right to change the channel info in {chat}.")
    return N_(
        "Make the bot an administrator of {chat} with the rights to post, edit and delete messages."
    )


def unknown_chat_hint(op: str) -> str:
    """Which chat the bot cannot see: the channel a forward comes from, or the account's."""
    if op == "forwardMessage":
        return N_(
            "The bot of {account} cannot read the channel the post is forwarded from: make it "
            "an administrator of that channel too."
        )
    return N_(
        "Telegram does not know the chat {chat}, or the bot is not in it: check the id in {path}."
    )


#: the Bot API's ``error_code`` (an HTTP status) and description -> our classes [verified: T1]
ERRORS: ErrorMap = {
    "429": Rule(RateLimited, wait=DEFAULT_RETRY_AFTER),
    # an unknown or revoked token answers 401, a malformed one 404 [verified: T3]
    **dict.fromkeys(("401", "404"), AuthError),
    **dict.fromkeys(("403", NO_RIGHTS), Rule(AuthError, hint=rights_hint)),
    MESSAGE_GONE: NotFound,
    CHAT_UNKNOWN: Rule(Rejected, hint=unknown_chat_hint),
    NOT_FORWARDABLE: Rule(
        Rejected,
        hint=N_(
            "The channel the post is forwarded from forbids forwarding (Restrict saving "
            "content): allow it there, or publish afresh without repost_from."
        ),
    ),
    "5xx": Transient,
}


@dataclass
class _Outbox:
    """Messages sent so far for one post, and which one carries its text."""

    ids: list[int] = field(default_factory=list)
    text_message: int = 0
    text_in_caption: bool = False


class TelegramAdapter(Adapter):
    """A channel on Telegram: text, photos and video albums, GIFs, documents, polls."""

    name = "telegram"
    title = NETWORK_TABLE["telegram"].title
    errors = ERRORS
    base_urls: ClassVar[tuple[str, ...]] = (API_BASE,)
    capabilities = NETWORK_TABLE["telegram"].capabilities
    token_help = N_(
        "Create a bot with @BotFather (/newbot) and keep the token it prints as the CI secret. "
        "Add the bot to the channel as an administrator with only 'Post messages', 'Edit "
        "messages of others' and 'Delete messages of others' (plus 'Change channel info' for "
        "the profile); in the discussion group it needs 'Delete messages' and 'Ban users' for "
        "moderation. /revoke in @BotFather issues a new token if the old one leaks."
    )

    def __init__(
        self,
        account: Account,
        tokens: Tokens,
        http: httpx.Client,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(account, tokens, http, limiter, clock)
        self._channel: dict[str, Any] | None = None
        self._updates_seen: list[dict[str, Any]] | None = None

    # -- calls -----------------------------------------------------------------------------

    def _url(self, method: str) -> str:
        return f"{API_BASE}/bot{self.tokens.main.reveal()}/{method}"

    def _call(self, method: str, params: dict[str, Any], *, creates: bool = False) -> Any:
        return self.api.call("POST", self._url(method), method, creates=creates, json=params)

    def _upload(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, IO[bytes], str]],
        *,
        creates: bool = True,
    ) -> Any:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        return self.api.call(
            "POST",
            self._url(method),
            method,
            creates=creates,
            data=form,
            files=files,
            timeout=UPLOAD_TIMEOUT,
        )

    def _read(self, response: httpx.Response, op: str) -> Any:
        body = json_body(response, self.name, op)
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        if not isinstance(body, dict):
            raise Transient(self.name, op, f"HTTP {response.status_code}: unexpected answer")
        code = int(body.get("error_code") or response.status_code)
        detail = redact(str(body.get("description") or f"HTTP {code}"))
        words = detail.lower()
        # a missing admin right answers 400, not 403 [uncertain: texts seen from the Bot API]
        kinds = [NO_RIGHTS] if any(text in words for text in _NO_RIGHTS) else []
        if "not found" in words and "message" in words:
            kinds.append(MESSAGE_GONE)
        kinds += [kind for kind in (CHAT_UNKNOWN, NOT_FORWARDABLE) if kind in words]
        wait = (body.get("parameters") or {}).get("retry_after")
        status, family = status_keys(code)
        keys = (status, *kinds, family)
        return Failure(keys, detail, float(wait) if wait else None)

    # -- the interface -----------------------------------------------------------------------

    def followers(self) -> int:
        """``getChatMemberCount`` of the channel: its subscribers [verified: T1]. Views of
        posts a bot cannot read (``capabilities.stats_gap``)."""
        op = "getChatMemberCount"
        members = count(self._call(op, {"chat_id": self.account.account_id}))
        if members is None:
            raise Transient(self.name, op, "no member count in the answer")
        return members

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
        message, in_caption = _text_home(ref, post)
        base = {"chat_id": self.account.account_id, "message_id": message, "parse_mode": "HTML"}
        if in_caption:
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
        return replace(
            ref, extra={**ref.extra, "text_message": message, "text_in_caption": in_caption}
        )

    def delete(self, ref: RemoteRef) -> None:
        for part in ref.parts or (ref.remote_id,):
            with contextlib.suppress(NotFound):
                self._delete_message(int(part))

    def _delete_message(self, message_id: int, chat: int | str | None = None) -> None:
        params = {"chat_id": chat or self.account.account_id, "message_id": message_id}
        try:
            self._call("deleteMessage", params)
        except Rejected as error:
            if "can't be deleted" in error.detail:
                raise self._too_old(error.detail, comment=chat is not None) from None
            raise

    def _too_old(self, detail: str, *, comment: bool) -> Rejected:
        hint = (
            _("Delete the comment in the discussion group by hand.")
            if comment
            else _("Delete the post in the channel by hand.")
        )
        return Rejected(
            self.name,
            "deleteMessage",
            _("Telegram deletes only messages younger than 48 hours: {detail}", detail=detail),
            hint,
        )

    def repost(self, source: Account, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """Forward each message of the source channel's post into this channel, in order
        (``forwardMessage``: ``chat_id``, ``from_chat_id``, ``message_id`` [verified: T1]); the
        bot must read the source channel too. One by one, an album arrives as single messages
        [decided: ``forwardMessages`` keeps albums together but skips a message it cannot
        forward without saying so]. A failure part-way deletes what was forwarded."""
        parts = [int(p) for p in (ref.parts or (ref.remote_id,)) if p.isdigit()]
        sent: list[int] = []
        base = {"chat_id": self.account.account_id, "from_chat_id": source.account_id}
        try:
            for message_id in parts:
                params = {**base, "message_id": message_id, **self._common(post)}
                result = self._call("forwardMessage", params, creates=True)
                sent.append(int(result["message_id"]))
        except NetworkError:
            self._roll_back(sent)
            raise
        if not sent:
            raise Rejected(self.name, "forwardMessage", f"no message to forward in {ref.remote_id}")
        forwarded = dict(zip(parts, sent, strict=True))
        main = forwarded.get(int(ref.remote_id) if ref.remote_id.isdigit() else 0, sent[0])
        return RemoteRef(
            self.name, str(main), self._message_url(main), tuple(map(str, sent)), self.clock.now()
        )

    def _roll_back(self, sent: list[int]) -> None:
        for message_id in reversed(sent):
            with contextlib.suppress(NetworkError):
                self._delete_message(message_id)

    # -- comments and direct messages ----------------------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Comments in the discussion threads of every message of the post, oldest first.

        A channel without a discussion group has no comments: the answer is empty.
        """
        channel = self._channel_info()
        group = channel.get("linked_chat_id")
        if not group:
            return []
        messages = [m for m in self._update_messages() if _chat_id(m) == group]
        copies = _thread_roots(messages, int(channel["id"]))
        posts = {int(p) for p in (ref.remote_id, *ref.parts) if p.isdigit()}
        threads = {copies[p] for p in posts if p in copies}
        found = [
            self._comment(m, ref.remote_id, group)
            for m in messages
            if _thread_of(m) in threads and not self._is_own(m, channel)
        ]
        return _newer(found, since)

    def messages(self, since: datetime | None = None) -> list[Comment]:
        """What people wrote to the bot in private chats (from the same cached updates)."""
        found = [
            self._direct(m)
            for m in self._update_messages()
            if (m.get("chat") or {}).get("type") == "private" and not self._is_own(m, {})
        ]
        return _newer(found, since)

    def _update_messages(self) -> list[dict[str, Any]]:
        return [u["message"] for u in self._updates() if isinstance(u.get("message"), dict)]

    def _updates(self) -> list[dict[str, Any]]:
        """The pending updates, fetched once for this adapter's lifetime (one run).

        Bots have no history API, so comments and direct messages are read from ``getUpdates``
        [verified: T1]. No ``offset`` is sent: an offset would confirm, that is delete, the
        updates before it, and the next run (moderation every 15 minutes, the inbox on its own
        schedule) must see them again. Telegram keeps unconfirmed updates for up to 24 hours
        [uncertain: T1 says "not longer than 24 hours"], so a comment older than that is not
        seen, and one call gives at most the 100 oldest pending updates.
        """
        if self._updates_seen is None:
            params = {"limit": UPDATES_LIMIT, "timeout": 0, "allowed_updates": ["message"]}
            try:
                result = self._call("getUpdates", params)
            except Rejected as error:
                if "webhook" not in error.detail.lower():
                    raise
                raise Rejected(
                    self.name,
                    "getUpdates",
                    error.detail,
                    _("The bot has a webhook: delete it (deleteWebhook) to read comments."),
                ) from None
            updates = result if isinstance(result, list) else []
            self._updates_seen = [u for u in updates if isinstance(u, dict)]
        return self._updates_seen

    def _channel_info(self) -> dict[str, Any]:
        """``getChat`` of the channel (its numeric id and discussion group), asked once."""
        if self._channel is None:
            info = self._call("getChat", {"chat_id": self.account.account_id})
            self._channel = info if isinstance(info, dict) else {}
        return self._channel

    def _is_own(self, message: dict[str, Any], channel: dict[str, Any]) -> bool:
        """Sent by this bot, by the channel itself or by the group's anonymous admins."""
        sender = (message.get("sender_chat") or {}).get("id")
        if sender is not None and sender in (channel.get("id"), channel.get("linked_chat_id")):
            return True
        author = message.get("from") or {}
        return bool(author.get("is_bot")) and str(author.get("id")) == self._bot_id()

    def _bot_id(self) -> str:
        # a bot token is "<bot id>:<secret>" [uncertain: widely relied on, not in T1]
        return self.tokens.main.reveal().partition(":")[0]

    def _comment(self, message: dict[str, Any], post_id: str, group: int) -> Comment:
        thread = _thread_of(message)
        parent = (message.get("reply_to_message") or {}).get("message_id")
        comment_id = int(message["message_id"])
        extra: dict[str, Any] = {"chat_id": group, "thread_id": thread}
        sender = message.get("sender_chat") or {}
        if sender.get("id"):
            extra["sender_chat_id"] = sender["id"]
        return Comment(
            network=self.name,
            id=str(comment_id),
            text=_text_of(message),
            author_id=str(sender.get("id") or (message.get("from") or {}).get("id", "")),
            author_name=_name_of(sender or message.get("from") or {}),
            author_url=_profile_url(sender or message.get("from") or {}),
            post_id=post_id,
            parent_id=str(parent) if parent and parent != thread else "",
            created_at=_when(message),
            url=self._comment_url(post_id, comment_id),
            extra=extra,
        )

    def _direct(self, message: dict[str, Any]) -> Comment:
        author = message.get("from") or {}
        return Comment(
            network=self.name,
            id=str(message["message_id"]),
            text=_text_of(message),
            author_id=str(author.get("id", "")),
            author_name=_name_of(author),
            author_url=_profile_url(author),
            created_at=_when(message),
            is_direct=True,
            extra={"chat_id": (message.get("chat") or {}).get("id")},
        )

    # -- moderation and replies -----------------------------------------------------------------

    def delete_comment(self, comment: Comment) -> None:
        """``deleteMessage`` in the group (or private chat); only within 48 hours [verified: T1]."""
        chat = self._chat_of(comment, "deleteMessage")
        sent = comment.created_at
        if sent is not None and self.clock.now() - sent >= DELETE_WINDOW:
            detail = f"message {comment.id} was sent {sent:%Y-%m-%d %H:%M} UTC"
            raise self._too_old(detail, comment=True)
        with contextlib.suppress(NotFound):
            self._delete_message(int(comment.id), chat)

    def ban(self, comment: Comment, until: datetime | None) -> None:
        """Ban the author from the discussion group, so they cannot comment any more.

        A comment sent as a channel bans that channel (``banChatSenderChat``), which Telegram
        does only for good [verified: T1]. The author of a direct message is banned from the
        discussion group too: a bot cannot block a private chat.
        """
        group = self._group_of(comment)
        sender = comment.extra.get("sender_chat_id")
        if sender:
            self._call("banChatSenderChat", {"chat_id": group, "sender_chat_id": sender})
            return
        params: dict[str, Any] = {"chat_id": group, "user_id": int(comment.author_id)}
        if until is not None:
            params["until_date"] = self._ban_end(until)
        self._call("banChatMember", params)

    def unban(self, author_id: str) -> None:
        """``unbanChatMember`` in the discussion group, only if banned [verified: T1]."""
        group = self._channel_info().get("linked_chat_id")
        if not group:
            raise self.unsupported("unbanChatMember")
        params = {"chat_id": int(group), "user_id": int(author_id), "only_if_banned": True}
        self._call("unbanChatMember", params)

    def _ban_end(self, until: datetime) -> int:
        """``until_date``; outside 30 s … 366 days Telegram would ban for good, so refuse."""
        left = until - self.clock.now()
        if left < BAN_MIN or left > timedelta(days=MAX_BAN_DAYS):
            asked = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise Rejected(
                self.name,
                "banChatMember",
                _(
                    "Telegram bans for 30 seconds to {days} days, or for good; asked until "
                    "{until}.",
                    days=MAX_BAN_DAYS,
                    until=asked,
                ),
            )
        return int(until.timestamp())

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer in the comment's thread (or private chat); ``text`` is Telegram HTML."""
        chat = self._chat_of(comment, "sendMessage")
        params = {
            "chat_id": chat,
            "text": text,
            "parse_mode": "HTML",
            "reply_parameters": {"message_id": int(comment.id)},
        }
        result = self._call("sendMessage", params, creates=True)
        message_id = int(result["message_id"])
        url = "" if comment.is_direct else self._comment_url(comment.post_id, message_id)
        return RemoteRef(
            self.name,
            str(message_id),
            url,
            (str(message_id),),
            self.clock.now(),
            {"chat_id": chat},
        )

    def _chat_of(self, comment: Comment, op: str) -> int | str:
        chat = comment.extra.get("chat_id")
        if not chat:
            raise Rejected(
                self.name, op, _("The comment does not say which chat it is in: read it again.")
            )
        return int(chat) if isinstance(chat, int) or str(chat).lstrip("-").isdigit() else chat

    def _group_of(self, comment: Comment) -> int | str:
        if not comment.is_direct:
            return self._chat_of(comment, "banChatMember")
        group = self._channel_info().get("linked_chat_id")
        if not group:
            raise self.unsupported("banChatMember")
        return int(group)

    # -- profile -----------------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Title, description and photo of the channel; there is no cover or website.

        Every length is checked before anything is sent, so a refused description does not
        leave a new title behind. Setting an unchanged title or description is not an error.
        """
        wanted = profile.fields()
        self._check_length("setChatTitle", profile.title, TITLE_LIMIT)
        self._check_length("setChatDescription", profile.description, DESCRIPTION_LIMIT)
        chat = self.account.account_id
        done: list[str] = []
        if "title" in wanted:
            self._set_info("setChatTitle", {"chat_id": chat, "title": profile.title})
            done.append("title")
        if "description" in wanted:
            params = {"chat_id": chat, "description": profile.description}
            self._set_info("setChatDescription", params)
            done.append("description")
        if "avatar" in wanted and profile.avatar is not None:
            with _open_all([profile.avatar]) as files:
                only = next(iter(files.values()))
                self._upload("setChatPhoto", {"chat_id": chat}, {"photo": only}, creates=False)
            done.append("avatar")
        return tuple(done)

    def _check_length(self, op: str, text: str, limit: int) -> None:
        # counted in UTF-16 units like message texts [uncertain: T1 says "characters"]
        if utf16_length(text) > limit:
            raise Rejected(
                self.name,
                op,
                _(
                    "The text is {length} characters long; Telegram takes at most {limit}.",
                    length=utf16_length(text),
                    limit=limit,
                ),
                _("Shorten it in the account file."),
            )

    def _set_info(self, method: str, params: dict[str, Any]) -> None:
        try:
            self._call(method, params)
        except Rejected as error:
            # "chat title is not modified" [uncertain: exact text]
            if "not modified" not in error.detail:
                raise

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

    def _comment_url(self, post_id: str, comment_id: int) -> str:
        """``t.me/<channel>/<post>?comment=<id>`` opens a comment [uncertain: link format]."""
        base = self._message_url(int(post_id)) if post_id.isdigit() else ""
        return f"{base}?comment={comment_id}" if base else ""


_SINGLE = {
    "photo": ("sendPhoto", "photo"),
    "video": ("sendVideo", "video"),
    "animation": ("sendAnimation", "animation"),
    "document": ("sendDocument", "document"),
}


def _text_home(ref: RemoteRef, post: RenderedPost) -> tuple[int, bool]:
    """The message that carries the post's text, and whether the text is its caption.

    A post published without text has no such message (``text_message`` 0). If it has media,
    its first message is a photo, video, GIF or document (media go before a poll), whose
    caption takes the new text; a poll-only post cannot take a text (Telegram refuses).
    """
    text_message = int(ref.extra.get("text_message") or 0)
    if text_message:
        return text_message, bool(ref.extra.get("text_in_caption"))
    published_without_text = "text_message" in ref.extra
    return int(ref.remote_id), published_without_text and bool(post.media)


def _visible_length(text: str) -> int:
    return utf16_length(visible_text(text, "telegram_html"))


@contextlib.contextmanager
def _open_all(media: list[Media]) -> Iterator[dict[str, tuple[str, IO[bytes], str]]]:
    """Open every file for a streamed multipart upload, named ``file0``, ``file1``, ..."""
    with contextlib.ExitStack() as stack:
        files: dict[str, tuple[str, IO[bytes], str]] = {}
        for index, item in enumerate(media):
            handle = stack.enter_context(open(item.path, "rb"))
            mime = mime_type(item.path.name)
            files[f"file{index}"] = (item.path.name, handle, mime)
        yield files


def _chat_id(message: dict[str, Any]) -> Any:
    return (message.get("chat") or {}).get("id")


def _thread_roots(messages: list[dict[str, Any]], channel_id: int) -> dict[int, int]:
    """Channel post id → id of its automatic copy in the discussion group.

    Copies are found among the updates and among the messages comments reply to, so a post
    whose copy arrived more than 24 hours ago is still found through a direct comment on it.
    """
    roots: dict[int, int] = {}
    for message in messages:
        for candidate in (message, message.get("reply_to_message") or {}):
            origin = candidate.get("forward_origin") or {}
            from_channel = (origin.get("chat") or {}).get("id") == channel_id
            if candidate.get("is_automatic_forward") and from_channel:
                roots[int(origin["message_id"])] = int(candidate["message_id"])
    return roots


def _thread_of(message: dict[str, Any]) -> int:
    """The discussion thread a group message belongs to (0 for the copies themselves)."""
    if message.get("is_automatic_forward"):
        return 0
    thread = message.get("message_thread_id")
    if thread is None:
        thread = (message.get("reply_to_message") or {}).get("message_id")
    return int(thread or 0)


def _text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _name_of(author: dict[str, Any]) -> str:
    if author.get("title"):
        return str(author["title"])
    names = (author.get("first_name"), author.get("last_name"))
    return " ".join(str(n) for n in names if n)


def _profile_url(author: dict[str, Any]) -> str:
    username = author.get("username")
    return f"https://t.me/{username}" if username else ""


def _when(message: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(message.get("date") or 0), UTC)


def _newer(found: list[Comment], since: datetime | None) -> list[Comment]:
    """Oldest first; only those sent after ``since`` when it is given."""
    kept = [c for c in found if since is None or (c.created_at and c.created_at > since)]
    return sorted(kept, key=lambda c: (c.created_at or _EPOCH, int(c.id)))
