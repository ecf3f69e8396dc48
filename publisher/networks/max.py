"""Max (МАКС): posts in a channel through the Max Bot API 0.0.32.

The bot must be an administrator of the channel with the right to write posts (and to edit and
delete them). Every call goes to ``https://platform-api2.max.ru`` (the old
``platform-api.max.ru`` is deprecated) with the raw token in the ``Authorization`` header, no
"Bearer" [verified: M1, M2, M3]; no setting moves it.

A post is one message ``POST /messages?chat_id=…`` with text in Max's HTML subset
(``format: "html"``) and attachments made of upload tokens. A ``file`` attachment must be alone in
its message ("Must be only one file attachment in message" [uncertain: a client library's notes,
not M1]), so documents follow the first message as messages of their own and ``RemoteRef.parts``
lists them all. Errors are an HTTP status plus ``{"code", "message"}`` [verified: M1].

Comments under channel posts (``/messages/{mid}/comments``: list, answer, delete) are known only
from the official TS client, which added them in August 2026; the OpenAPI schema (M1) does not
have them yet [uncertain: M2 only]. They are used because nothing else reads comments: direct
messages need long polling (``GET /updates``, "not for production" [verified: M1]) or a webhook
on a public endpoint, so ``messages`` stays unsupported. Bans block the author in the channel
(``DELETE /chats/{id}/members?block=true``), for good only; the profile sets the title and the
icon (``PATCH /chats/{id}``); the description cannot be written [verified: M1].
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import FiguresRead, PostFigures, batches, count
from publisher.core.i18n import N_, _
from publisher.core.model import Comment, Media, Profile, RemoteRef, RenderedPost
from publisher.core.redact import redact
from publisher.networks.base import (
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    ErrorMap,
    Failure,
    FindResult,
    Rule,
    shown_texts,
)
from publisher.networks.http import (
    as_dict,
    json_body,
    json_or_none,
    mime_type,
    retry_after,
    status_keys,
)

BASE_URL = "https://platform-api2.max.ru"
#: wait when a 429 carries no Retry-After (its presence is [uncertain] in the reference)
DEFAULT_RETRY_AFTER = 3.0
#: ``attachment.not.ready``: the network still processes a fresh upload [verified: M1, M2].
#: ApiClient already retries it as Transient (1, 2, 4 s); these outer rounds wait longer for
#: big videos, growing linearly like the official clients do.
NOT_READY_ROUNDS = 4
NOT_READY_DELAY = 5.0
#: ``GET /messages`` returns 50 messages by default, at most 100 [verified: M1]
FIND_WINDOW = 50
#: message ids a ``GET /messages`` call names: as many as its ``count`` takes (1–100) [verified: M1]
MESSAGES_BATCH = 100

#: ``GET …/comments`` takes ``count`` 1–100 [uncertain: M2 and a Python client's notes]
COMMENTS_PAGE = 100
#: at most this many comments are read under one message
MAX_COMMENTS = 1000
#: ``ChatPatch.title`` is 1–200 long [verified: M1], counted like the text (UTF-16 units)
TITLE_LIMIT = 200

OP_SEND = "send message"
OP_UPLOAD_SLOT = "get upload url"
OP_UPLOAD_DATA = "upload file"
OP_UPLOAD_MEDIA = "upload video"
OP_COMMENTS = "list comments"
OP_DELETE_COMMENT = "delete comment"
OP_REPLY = "reply to comment"
OP_BAN = "block member"
OP_PROFILE = "edit channel"


class AttachmentNotReady(Transient):
    """Max has not finished processing an uploaded file; sending again later works."""


def admin_rights_hint(op: str) -> str:
    """What the bot lacks: the right the refused operation needs [verified: M1 rights]."""
    if op == OP_BAN:
        return N_(
            "Give the bot the right to remove subscribers (add_remove_members) in the Max "
            "channel {chat}."
        )
    if op == OP_PROFILE:
        return N_(
            "Give the bot the right to change channel info (change_chat_info) in the Max "
            "channel {chat}."
        )
    return N_(
        "Make the bot an administrator of the Max channel {chat} with the right to write "
        "posts (and to edit and delete them)."
    )


#: Max's error ``code``s and HTTP statuses -> our classes [verified: M1]
ERRORS: ErrorMap = {
    "attachment.not.ready": AttachmentNotReady,
    "401": AuthError,
    "403": Rule(AuthError, hint=admin_rights_hint),
    "404": NotFound,
    "429": Rule(RateLimited, wait=DEFAULT_RETRY_AFTER),
    "5xx": Transient,
}


class MaxAdapter(Adapter):
    """A Max channel: HTML text, photos, videos and documents; editable at any age."""

    name = "max"
    title = NETWORK_TABLE["max"].title
    errors = ERRORS
    base_urls: ClassVar[tuple[str, ...]] = (BASE_URL,)
    capabilities = NETWORK_TABLE["max"].capabilities
    token_help = N_(
        "Create a bot with @MasterBot in MAX (the bot platform needs a verified organisation "
        "account), copy the token it gives, and add the bot to the channel as an administrator "
        "with the right to write posts (plus edit and delete posts, and change channel info if "
        "you manage the title or avatar). Put the token into the secret named by token_env; "
        "send /revoke to @MasterBot to replace a leaked token."
    )

    #: the bot's user id, read once by ``comments``
    _bot_id: str | None = None

    # -- the one place that knows Max's errors --------------------------------------------

    def _read(self, response: httpx.Response, op: str) -> Any:
        if response.is_success:
            return self._success(response, op)
        code, message = _error_fields(response)
        status = response.status_code
        detail = redact(f"HTTP {status} {code}: {message}" if code else f"HTTP {status}: {message}")
        keys = (code, *status_keys(status)) if code else status_keys(status)
        return Failure(keys, detail, retry_after(response))

    def _success(self, response: httpx.Response, op: str) -> Any:
        if op == OP_UPLOAD_MEDIA:
            # the video host answers a "retval", not JSON [verified: M1]; the token came earlier
            return response.text
        body = json_body(response, self.name, op)
        if isinstance(body, dict) and body.get("success") is False:
            return Failure(("refused",), redact(f"refused: {body.get('message', '')}"))
        return body

    # -- small helpers ----------------------------------------------------------------------

    @property
    def chat_id(self) -> int:
        """The channel's numeric id (channels have negative ids)."""
        try:
            return int(str(self.account.account_id).strip())
        except ValueError:
            raise ConfigError(
                _(
                    "Account {account}: account_id must be the numeric id of the Max channel "
                    "(for example -70123456), not {value}.",
                    account=self.account.name,
                    value=self.account.account_id,
                )
            ) from None

    def _auth(self) -> dict[str, str]:
        return {"Authorization": self.tokens.main.reveal()}

    def _call(self, method: str, path: str, op: str, **kwargs: Any) -> Any:
        """One call to the Bot API host, with the token in the header."""
        return self.api.call(method, BASE_URL + path, op, headers=self._auth(), **kwargs)

    # -- the adapter interface --------------------------------------------------------------

    def verify(self) -> AccountInfo:
        me = self._call("GET", "/me", "verify token")
        username = str(me.get("username") or "")
        return AccountInfo(
            network=self.name,
            name=str(me.get("first_name") or me.get("name") or username),
            id=str(me.get("user_id", "")),
            url=f"https://max.ru/{username}" if username else "",
        )

    def shown_profile(self) -> Mapping[str, str]:
        """The channel's ``title`` and ``description`` (which only the app changes) from
        ``GET /chats/{id}`` [verified: M1 Chat]."""
        chat = as_dict(self._call("GET", f"/chats/{self.chat_id}", "read profile"))
        return shown_texts(title=chat.get("title"), description=chat.get("description"))

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """``GET /messages?message_ids=`` (≤100 a call, as ``count``): each channel post's
        ``stat.views`` [uncertain: TamTam's ``MessageStat``, which M1 does not list]. Max
        gives no reactions, reposts or comments of a post (``capabilities.stats_gap``)."""
        found: dict[str, PostFigures] = {}
        for batch in batches([ref.remote_id for ref in refs], MESSAGES_BATCH):
            params = {"message_ids": ",".join(batch), "count": len(batch)}
            answer = as_dict(self._call("GET", "/messages", "post_figures", params=params))
            for message in answer.get("messages") or []:
                body, stat = as_dict(message.get("body")), as_dict(message.get("stat"))
                found[str(body.get("mid"))] = PostFigures(views=count(stat.get("views")))
        return FiguresRead(found)

    def followers(self) -> int:
        """The channel's ``participants_count`` from ``GET /chats/{id}`` [verified: M1]."""
        chat = as_dict(self._call("GET", f"/chats/{self.chat_id}", "followers"))
        members = count(chat.get("participants_count"))
        if members is None:
            raise Transient(self.name, "followers", "no participants_count in the answer")
        return members

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        """Upload every file, then send the post's messages; roll back if a later one fails.

        Max has no idempotency field, so ``key`` is not sent; ``find`` matches by text.
        """
        chat_id = self.chat_id
        attachments = [self._upload(media) for media in post.media]
        sent: list[dict[str, Any]] = []
        try:
            for text, group in split_messages(post.text, attachments):
                sent.append(self._send(chat_id, text, group, post.options))
        except NetworkError:
            self._delete_quietly(_mid(message) for message in sent)
            raise
        return _ref(self.name, sent)

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """Replace the text of the post's first message; ``attachments: null`` keeps the media."""
        body = {"text": post.text, "format": "html", "attachments": None}
        self._call(
            "PUT", "/messages", "edit message", params={"message_id": ref.remote_id}, json=body
        )
        return ref

    def delete(self, ref: RemoteRef) -> None:
        """Delete the trailing document messages first and the main message last."""
        for mid in reversed(ref.parts or (ref.remote_id,)):
            try:
                self._delete_message(mid)
            except NotFound:
                continue

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """Look for the post's text among the channel's last messages.

        A post without text cannot be told from any other media post, so that stays UNKNOWN.
        """
        wanted = _normalize(visible_text(post.text))
        if not wanted:
            return FindResult.UNKNOWN
        params = {"chat_id": self.chat_id, "count": FIND_WINDOW}
        messages = self._call("GET", "/messages", "list messages", params=params).get("messages")
        newest_first: list[dict[str, Any]] = list(messages or [])
        for index, message in enumerate(newest_first):
            if _normalize(_body(message).get("text") or "") == wanted:
                later = list(reversed(newest_first[:index]))
                documents = _trailing_documents(later, _document_names(post.media, message))
                return _ref(self.name, [message, *documents])
        return FindResult.ABSENT

    # -- comments, moderation and replies ---------------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Comments under every message of the post, oldest first, the bot's own left out.

        Documents travel as messages of their own and each message has its own comments, so
        all of ``ref.parts`` are read. ``since`` goes to Max as ``after`` (ms) and is applied
        again here, strictly. A message deleted in the app has no comments: NotFound is none.
        """
        bot = self._bot_user_id()
        after = int(since.timestamp() * 1000) if since is not None else None
        found: dict[str, Comment] = {}
        for mid in ref.parts or (ref.remote_id,):
            try:
                items = list(self._comment_items(mid, after))
            except NotFound:
                continue
            for item in items:
                comment = self._comment(item, ref, mid)
                if comment.author_id == bot or _older(comment, since):
                    continue
                found[comment.id] = comment
        return sorted(found.values(), key=_comment_order)

    def _comment_items(self, mid: str, after: int | None) -> Iterator[Mapping[str, Any]]:
        """``GET /messages/{mid}/comments`` page by page, newest first [uncertain: M2].

        ``before``/``after`` are times in ms [uncertain: a Python client's notes]; whether
        they are inclusive is not known, so the next page asks ``before`` = oldest seen + 1 ms
        (no comment sharing that millisecond is lost) and repeats are dropped by id.
        """
        params: dict[str, Any] = {"count": COMMENTS_PAGE}
        if after is not None:
            params["after"] = after
        seen: set[str] = set()
        for _page in range(MAX_COMMENTS // COMMENTS_PAGE):
            answer = self._call("GET", _comments_path(mid), OP_COMMENTS, params=params)
            page = [m for m in answer.get("messages") or [] if isinstance(m, Mapping)]
            fresh = [m for m in page if _mid(m) not in seen]
            seen.update(_mid(m) for m in fresh)
            yield from fresh
            stamps = [m["timestamp"] for m in page if isinstance(m.get("timestamp"), int)]
            if len(page) < COMMENTS_PAGE or not fresh or not stamps:
                return
            params = {**params, "before": min(stamps) + 1}

    def _comment(self, item: Mapping[str, Any], ref: RemoteRef, mid: str) -> Comment:
        """One comment (a ``Message`` without ``url`` [M2]).

        A comment has no link of its own, so ``url`` is the post's public link; the author's
        profile link exists only for users with a username [uncertain: max.ru/<username>].
        """
        sender, link = as_dict(item.get("sender")), as_dict(item.get("link"))
        replied = as_dict(link.get("message")) if link.get("type") == "reply" else {}
        username = str(sender.get("username") or "")
        return Comment(
            network=self.name,
            id=_mid(item),
            text=str(_body(item).get("text") or ""),
            author_id=str(sender.get("user_id", "")),
            author_name=_user_name(sender),
            author_url=f"https://max.ru/{username}" if username else "",
            post_id=ref.remote_id,
            parent_id=str(replied.get("mid") or ""),
            created_at=_time(item.get("timestamp")),
            url=ref.url,
            extra={"message_id": mid},
        )

    def _bot_user_id(self) -> str:
        """The bot's user id (``GET /me``, once): comments it wrote are the account's own."""
        if self._bot_id is None:
            me = self._call("GET", "/me", "verify token")
            self._bot_id = str(me.get("user_id", ""))
        return self._bot_id

    def delete_comment(self, comment: Comment) -> None:
        """``DELETE /messages/{mid}/comments?comment_id=`` [uncertain: M2]; gone is fine."""
        params = {"comment_id": comment.id}
        try:
            self._call(
                "DELETE", _comments_path(_message_of(comment)), OP_DELETE_COMMENT, params=params
            )
        except NotFound:
            return

    def ban(self, comment: Comment, until: datetime | None) -> None:
        """Remove the author from the channel's subscribers and block them, for good.

        ``DELETE /chats/{id}/members?user_id=…&block=true`` [verified: M1]; the block has no
        end date, so a temporary ban is refused rather than made permanent. The comment
        itself stays: the sweep deletes it first.
        """
        if until is not None:
            raise Rejected(
                self.name,
                OP_BAN,
                _("{network} blocks a person only for good, not until a date.", network=self.title),
                _("Block for good, or delete the person's comments instead."),
            )
        if not comment.author_id.lstrip("-").isdigit():
            raise Rejected(self.name, OP_BAN, redact(f"no user id: {comment.author_id!r}"))
        params = {"user_id": comment.author_id, "block": "true"}
        self._call("DELETE", f"/chats/{self.chat_id}/members", OP_BAN, params=params)

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer under the same post as the bot, linked to the comment as a reply.

        ``POST /messages/{mid}/comments {text, format, link}`` [uncertain: M2]. Sent once
        (``creates=True``): a lost answer must not post the reply twice.
        """
        mid = _message_of(comment)
        body = {"text": text, "format": "html", "link": {"type": "reply", "mid": comment.id}}
        answer = self._call("POST", _comments_path(mid), OP_REPLY, creates=True, json=body)
        message = as_dict(as_dict(answer).get("message"))
        reply_id = _mid(message)
        if not reply_id:
            raise Transient(self.name, OP_REPLY, "no comment id in the answer", uncertain=True)
        return RemoteRef(
            network=self.name,
            remote_id=reply_id,
            url=comment.url,
            parts=(reply_id,),
            published_at=_time(message.get("timestamp")) or self.clock.now(),
            extra={"message_id": mid, "reply_to": comment.id},
        )

    # -- the channel's profile --------------------------------------------------------------

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Title and icon in one ``PATCH /chats/{id}`` [verified: M1].

        The icon is uploaded like a post image and sent as ``{"token": …}``. Description,
        website and cover are not sent: Max has no API for them.
        """
        patch: dict[str, Any] = {}
        done: list[str] = []
        if "title" in profile.fields():
            patch["title"] = self._checked_title(profile.title)
            done.append("title")
        if profile.avatar is not None:
            patch["icon"] = {"token": self._image_token(profile.avatar)}
            done.append("avatar")
        if patch:
            self._call("PATCH", f"/chats/{self.chat_id}", OP_PROFILE, json=patch)
        return tuple(done)

    def _checked_title(self, title: str) -> str:
        length = _utf16_length(title)
        if length > TITLE_LIMIT:
            raise Rejected(
                self.name,
                OP_PROFILE,
                _(
                    "The title has {length} characters; {network} takes at most {limit}.",
                    length=length,
                    network=self.title,
                    limit=TITLE_LIMIT,
                ),
                _("Shorten the title in the account file."),
            )
        return title

    def _image_token(self, media: Media) -> str:
        """Upload an image and return its token (the first one of a ``photos`` answer)."""
        payload = self._upload(media)["payload"]
        photos = payload.get("photos")
        tokens = [payload.get("token")]
        if isinstance(photos, Mapping):
            tokens = [as_dict(p).get("token") for p in photos.values()]
        token = next((str(t) for t in tokens if t), "")
        if not token:
            raise Transient(self.name, OP_UPLOAD_DATA, "no image token in the upload answer")
        return token

    # -- publishing steps -------------------------------------------------------------------

    def _upload(self, media: Media) -> dict[str, Any]:
        """Get an upload URL, stream the file to it, and return the message attachment."""
        kind = upload_type(media)
        slot = self._call("POST", "/uploads", OP_UPLOAD_SLOT, params={"type": kind})
        url = str(slot.get("url") or "")
        if not url:
            raise Transient(self.name, OP_UPLOAD_SLOT, "no upload url in the answer")
        op = OP_UPLOAD_MEDIA if kind == "video" else OP_UPLOAD_DATA
        name = media.path.name
        mime = mime_type(name)
        with open(media.path, "rb") as handle:
            # the upload host has its own signed URL: our token is not sent there [verified: M2]
            result = self.api.call(
                "POST", url, op, files={"data": (name, handle, mime)}, timeout=UPLOAD_TIMEOUT
            )
        return self._attachment(kind, slot, result)

    def _attachment(self, kind: str, slot: Mapping[str, Any], result: Any) -> dict[str, Any]:
        """The attachment object for a finished upload (reference "Publish", "Upload")."""
        if kind == "video":
            token = slot.get("token")  # video tokens come with the upload url [verified: M1]
            payload: dict[str, Any] = {"token": token}
        elif kind == "image" and isinstance(result, dict) and result.get("photos"):
            token = result["photos"]
            payload = {"photos": token}
        else:
            token = result.get("token") if isinstance(result, dict) else None
            payload = {"token": token}
        if not token:
            raise Transient(self.name, OP_UPLOAD_DATA, f"no {kind} token in the upload answer")
        return {"type": kind, "payload": payload}

    def _send(
        self,
        chat_id: int,
        text: str | None,
        attachments: list[dict[str, Any]],
        options: Mapping[str, Any],
    ) -> dict[str, Any]:
        """Send one message, waiting while Max still processes its attachments.

        Every message of a post is sent with ``creates=True``: an answer lost after the
        request went out must not be retried blindly, or the channel would show it twice.
        """
        params = {
            "chat_id": chat_id,
            "disable_link_preview": _flag(not options.get("link_preview", True)),
        }
        body = {
            "text": text,
            "format": "html",
            "attachments": attachments,
            "notify": not options.get("silent", False),
        }
        for round_number in range(1, NOT_READY_ROUNDS + 1):
            try:
                answer = self._call(
                    "POST", "/messages", OP_SEND, creates=True, params=params, json=body
                )
                return dict(answer["message"])
            except AttachmentNotReady:
                if round_number == NOT_READY_ROUNDS:
                    raise
                self.clock.sleep(NOT_READY_DELAY * round_number)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delete_message(self, mid: str) -> None:
        self._call("DELETE", "/messages", "delete message", params={"message_id": mid})

    def _delete_quietly(self, mids: Iterable[str]) -> None:
        """Best-effort removal of the messages of a post that failed half-way."""
        for mid in mids:
            try:
                self._delete_message(mid)
            except NetworkError:
                continue


def upload_type(media: Media) -> str:
    """The ``type`` of ``POST /uploads`` for a medium: image, video or file."""
    if media.kind == "photo":
        return "image"
    if media.kind == "animation":
        is_gif = media.image_format == "GIF" or media.path.suffix.lower() == ".gif"
        return "image" if is_gif else "video"
    if media.kind == "video":
        return "video"
    return "file"


def split_messages(
    text: str, attachments: Sequence[dict[str, Any]]
) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """The messages a post becomes: text with images and videos, then one per document.

    With no image or video, the first document travels with the text.
    """
    files = [a for a in attachments if a["type"] == "file"]
    visual = [a for a in attachments if a["type"] != "file"]
    first = visual if visual or not files else [files.pop(0)]
    return [(text or None, first), *((None, [f]) for f in files)]


class _Visible(HTMLParser):
    """Collects the text of Max HTML the way the message body shows it (tags removed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(markup: str) -> str:
    """What a Max message's ``body.text`` holds for HTML we sent: the text without tags."""
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _normalize(text: str) -> str:
    return " ".join(text.split())


def _body(message: Mapping[str, Any]) -> Mapping[str, Any]:
    return as_dict(message.get("body"))


def _mid(message: Mapping[str, Any]) -> str:
    return str(_body(message).get("mid", ""))


def _ref(network: str, messages: Sequence[Mapping[str, Any]]) -> RemoteRef:
    """The reference of a post made of ``messages``; the first one carries text and URL."""
    first = messages[0]
    stamp = first.get("timestamp")
    published = datetime.fromtimestamp(stamp / 1000, UTC) if isinstance(stamp, int) else None
    return RemoteRef(
        network=network,
        remote_id=_mid(first),
        url=str(first.get("url") or ""),
        parts=tuple(_mid(m) for m in messages),
        published_at=published,
    )


def _document_names(media: Sequence[Media], main: Mapping[str, Any]) -> list[str]:
    """File names of the documents sent as messages of their own after ``main``."""
    names = [m.path.name for m in media if upload_type(m) == "file"]
    main_files = [a for a in _body(main).get("attachments") or [] if a.get("type") == "file"]
    return names[len(main_files) :]


def _trailing_documents(
    later: Sequence[Mapping[str, Any]], names: Sequence[str]
) -> list[Mapping[str, Any]]:
    """The text-less one-file messages right after the main one, matched by file name."""
    found: list[Mapping[str, Any]] = []
    for message, name in zip(later, names, strict=False):
        attachments = _body(message).get("attachments") or []
        single_file = len(attachments) == 1 and attachments[0].get("type") == "file"
        if _body(message).get("text") or not single_file or attachments[0].get("filename") != name:
            break
        found.append(message)
    return found


def _comments_path(mid: str) -> str:
    return f"/messages/{quote(mid, safe='')}/comments"


def _message_of(comment: Comment) -> str:
    """The channel message a comment is under (a document message's, or the post's)."""
    return str(comment.extra.get("message_id") or comment.post_id)


def _user_name(user: Mapping[str, Any]) -> str:
    """A ``User``'s display name: ``name``, else first and last name [verified: M1]."""
    if user.get("name"):
        return str(user["name"])
    parts = (user.get("first_name"), user.get("last_name"))
    return " ".join(str(p) for p in parts if p)


def _time(stamp: Any) -> datetime | None:
    """A Max time (ms since the epoch, UTC [verified: M1]) as an aware datetime."""
    return datetime.fromtimestamp(stamp / 1000, UTC) if isinstance(stamp, int) else None


def _older(comment: Comment, since: datetime | None) -> bool:
    return since is not None and comment.created_at is not None and comment.created_at <= since


def _comment_order(comment: Comment) -> tuple[datetime, str]:
    return (comment.created_at or datetime.min.replace(tzinfo=UTC), comment.id)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _error_fields(response: httpx.Response) -> tuple[str, str]:
    """``code`` and ``message`` of an error answer, or a snippet when it is not JSON."""
    body = json_or_none(response)
    if body is None:
        return "", redact(response.text, limit=200)
    if not isinstance(body, dict):
        return "", redact(body, limit=200)
    message = body.get("message") or body.get("error") or ""
    return str(body.get("code") or ""), str(message)


def _flag(value: bool) -> str:
    return "true" if value else "false"
