"""VKontakte: posts on a community wall through VK API v5.199.

Publishing needs a *user* token of a community administrator: ``wall.post``, the wall photo and
video uploads and ``polls.create`` are user-only methods, and a community token gets error 27
[verified: V1, V5]. The community token (``extra_token_envs["community"]``) is for
``groups.edit``, the cover and comment events, none of which publishing needs.

Every call is a POST form carrying ``v=5.199`` with the token in the ``Authorization: Bearer``
header, so the token never sits in a URL [verified: V2 api-requests]. VK reports API errors in
the body of an HTTP 200 (``{"error": {"error_code", "error_msg", "request_params"}}``), and
``request_params`` may echo the token back [verified: V1, V2], so ``_unwrap`` reads the body and
keeps nothing of it but the code and the (redacted) message.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx

from ..clock import Clock
from ..errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from ..i18n import N_, _
from ..model import Account, Media, Poll, RemoteRef, RenderedPost
from ..redact import redact
from .base import (
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    Capabilities,
    FindResult,
    MediaRules,
    RateLimiter,
    Tokens,
    json_body,
)

API_VERSION = "5.199"
DEFAULT_API_BASE = "https://api.vk.com/method"
MB = 1024 * 1024
GB = 1024 * MB

#: error 6 asks for at most 3 (user token) requests per second: one second is enough
PER_SECOND_WAIT = 1.0
#: error 9 (flood control) asks to back off for minutes [verified: V6]; ten is our choice
FLOOD_WAIT = 600.0
#: VK's daily method quotas (error 29) are assumed to reset at midnight Moscow time [uncertain]
QUOTA_ZONE = ZoneInfo("Europe/Moscow")
#: how many recent posts ``find`` reads; a crashed run is found among the last few posts
FIND_WINDOW = 20
VIDEO_NAME_LIMIT = 128
PHOTO_CAPTION_LIMIT = 2048

_TRANSIENT = frozenset({1, 10, 22})
_NOT_FOUND = frozenset({104, 113, 125})
_AUTH = frozenset({5, 7, 15, 210, 211, 212})
_HUMAN_CHECK = frozenset({14, 17, 703})
_WRONG_TOKEN_TYPE = 27
_QUOTA = 29
_POSTING_DENIED = 214


class VkAdapter(Adapter):
    """A community wall on VK: text, photos, video, documents, polls and one link per post."""

    name = "vk"
    title = "ВКонтакте"
    base_urls: ClassVar[tuple[str, ...]] = ("https://api.vk.com",)
    capabilities = Capabilities(
        text_format="plain",
        # ≈16384 characters [uncertain: reference "Limits"]; the emulator enforces the same
        text_limit=16384,
        media={
            # [verified: V2 upload/wall-photo] JPG/PNG/GIF, ≤50 MB, w+h ≤14000, aspect ≤20:1
            "photo": MediaRules(
                max_bytes=50 * MB,
                formats=frozenset({"JPEG", "PNG", "GIF"}),
                max_side_sum=14000,
                max_aspect=20.0,
            ),
            # VK accepts video files up to 256 GB [uncertain: VK's own announcements, not the
            # API reference]; containers AVI/MP4/3GP/MPEG/MOV/FLV/WMV are not Pillow formats
            "video": MediaRules(max_bytes=256 * GB),
            # a GIF goes up as a document so it stays animated; documents ≤200 MB [uncertain:
            # V3 doc comment]
            "animation": MediaRules(max_bytes=200 * MB, formats=frozenset({"GIF"})),
            "document": MediaRules(max_bytes=200 * MB),
        },
        # ≈10 media attachments plus one link [uncertain: reference "Limits"]
        max_media=10,
        polls=True,
        poll_max_options=10,  # 1–10 answers [verified: V1 polls.create]
        # question and answer lengths are not documented [uncertain]: the common defaults
        poll_option_limit=100,
        poll_question_limit=300,
        can_edit=True,
        # an edit window for published community posts is not documented [uncertain]: none
        edit_window_hours=0.0,
        can_delete=True,
        silent=True,  # wall.post mute_notifications [verified: V2 wall.post]
        # VK builds a snippet from an attached link; there is no switch to turn previews off
        link_preview=False,
        comments=True,
        delete_comment=True,
        hide_comment=False,
        ban=True,
        profile=frozenset({"description", "title", "website", "avatar", "cover"}),
        requests_per_second=3.0,  # ≤3 req/s per user token [verified: V3, V6]
        can_find=True,
    )
    token_help = N_(
        "Sign in to VK as an administrator of the community and issue a user access token "
        "for a VK ID app with the scopes wall, photos, video, docs and groups (add offline "
        "for a long-lived legacy token); put it into the secret named by token_env. "
        "Optionally create a community token (community settings, API usage) with the rights "
        "manage, photos and wall and name its secret under secrets: community: it is used for "
        "the description, cover and comments, and cannot publish."
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
        self.group_id = community_id(account)
        self.owner_id = f"-{self.group_id}"
        self.api_base = str(account.settings.get("api_base", DEFAULT_API_BASE)).rstrip("/")

    # -- the one place that knows VK's errors ---------------------------------------------

    def _unwrap(self, response: httpx.Response, op: str) -> Any:
        status = response.status_code
        if status >= 500:
            raise Transient(self.name, op, f"HTTP {status}")
        if status == 429:
            raise RateLimited(self.name, op, "HTTP 429", _retry_after(response))
        if status >= 400:
            raise Rejected(self.name, op, redact(f"HTTP {status}: {response.text[:200]}"))
        body = json_body(response, self.name, op)
        if not isinstance(body, dict):
            raise Transient(self.name, op, f"unexpected answer of type {type(body).__name__}")
        error = body.get("error")
        if isinstance(error, dict):
            raise self._api_error(error, op)
        if error:
            # an upload host's own error: {"error": "...", "error_code": N} [uncertain: V3]
            raise Rejected(self.name, op, redact(f"upload refused: {error}"))
        # an API success is {"response": ...}; an upload host answers a bare object
        return body.get("response", body)

    def _api_error(self, error: Mapping[str, Any], op: str) -> NetworkError:
        """Our error for one VK error object (codes: reference "Errors & rate limits")."""
        code = _int(error.get("error_code"))
        detail = redact(f"VK error {code}: {error.get('error_msg', '')}")
        if code == 6:
            return RateLimited(self.name, op, detail, PER_SECOND_WAIT)
        if code == 9:
            return RateLimited(self.name, op, detail, FLOOD_WAIT)
        if code == _QUOTA:
            return RateLimited(self.name, op, detail, _seconds_until_quota_reset(self.clock))
        if code in _TRANSIENT:
            return Transient(self.name, op, detail)
        if code in _NOT_FOUND:
            return NotFound(self.name, op, detail)
        if code == _WRONG_TOKEN_TYPE:
            return AuthError(self.name, op, detail, self._hint_user_token())
        if code in _HUMAN_CHECK:
            return AuthError(self.name, op, detail, self._hint_human_check())
        if code in _AUTH:
            return self.auth_error(op, detail)
        if code == _POSTING_DENIED:
            hint = _(
                "VK refused a new post on this wall: posting may be closed in the community "
                "settings, or the daily limit of about 50 posts is reached; try again tomorrow."
            )
            return Rejected(self.name, op, detail, hint)
        return Rejected(self.name, op, detail)

    def _hint_user_token(self) -> str:
        return _(
            "This VK method needs a user token of a community administrator, not a community "
            "token: put such a token into {env}.",
            env=self.account.token_env,
        )

    def _hint_human_check(self) -> str:
        return _(
            "VK wants a person to confirm the account behind {env} (captcha, validation or "
            "two-factor check): sign in to VK as its owner, complete the check, then run again.",
            env=self.account.token_env,
        )

    # -- calls ----------------------------------------------------------------------------

    def _call(self, method: str, *, creates: bool = False, **params: object) -> Any:
        """Call an API method with a POST form, ``v`` and the main token in the header."""
        form = {key: _form_value(value) for key, value in params.items() if value is not None}
        form["v"] = API_VERSION
        headers = {"Authorization": f"Bearer {self.tokens.main.reveal()}"}
        url = f"{self.api_base}/{method}"
        return self.api.call("POST", url, method, creates=creates, data=form, headers=headers)

    def _upload(self, url: str, field: str, media: Media, op: str) -> dict[str, Any]:
        """POST one file to an upload host, streamed from disk (no token: the URL is signed)."""
        mime = mimetypes.guess_type(media.path.name)[0] or "application/octet-stream"
        with open(media.path, "rb") as handle:
            files = {field: (media.path.name, handle, mime)}
            answer = self.api.call("POST", url, op, files=files, timeout=UPLOAD_TIMEOUT)
        if not isinstance(answer, dict):
            raise Transient(self.name, op, "upload host answered no object")
        return answer

    # -- the adapter interface ------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """``groups.getById`` with ``is_admin``: the token works and its user runs the wall."""
        op = "groups.getById"
        answer = self._call(op, group_id=self.group_id, fields="is_admin,admin_level")
        # v5.199 answers {"groups": [...], "profiles": [...]}; older versions a bare list
        groups = answer.get("groups", []) if isinstance(answer, dict) else answer
        if not groups:
            raise NotFound(self.name, op, f"community {self.group_id} not found")
        group = groups[0]
        if "is_admin" not in group:
            # VK leaves ``is_admin`` out for a community token: the wrong kind of token
            raise AuthError(self.name, op, "not a user token", self._hint_user_token())
        if _int(group.get("is_admin")) != 1:
            hint = _(
                "The token in {env} does not belong to an administrator of VK community "
                "{group}: issue a user token of an administrator.",
                env=self.account.token_env,
                group=self.group_id,
            )
            raise AuthError(self.name, op, "the token's user is not a community admin", hint)
        screen = group.get("screen_name") or f"club{self.group_id}"
        return AccountInfo(self.name, str(group.get("name", "")), self.group_id, _VK + screen)

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        attachments = self._attachments(post)
        answer = self._call(
            "wall.post",
            creates=True,
            owner_id=self.owner_id,
            from_group=1,
            message=post.text,
            attachments=",".join(attachments) or None,
            guid=key,
            close_comments=1 if post.options.get("close_comments") else None,
            mute_notifications=1 if post.options.get("silent") else None,
        )
        return self._ref(answer["post_id"], attachments, self.clock.now())

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """``wall.edit`` replaces the attachment list [uncertain], so resend the stored one."""
        attachments = ref.extra.get("attachments")
        if attachments is None:
            attachments = self._current_attachments(ref.remote_id)
        self._call(
            "wall.edit",
            owner_id=self.owner_id,
            post_id=ref.remote_id,
            message=post.text,
            attachments=",".join(attachments) or None,
            close_comments=1 if post.options.get("close_comments") else None,
        )
        return self._ref(ref.remote_id, list(attachments), ref.published_at)

    def delete(self, ref: RemoteRef) -> None:
        for post_id in ref.parts or (ref.remote_id,):
            try:
                self._call("wall.delete", owner_id=self.owner_id, post_id=post_id)
            except NotFound:
                continue

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """Look among the wall's latest posts for one with this text and attachment count.

        ``wall.get`` is not in the reference but is a long-standing VK method
        (``{count, items: [post]}``).
        """
        answer = self._call("wall.get", owner_id=self.owner_id, count=FIND_WINDOW)
        expected = _attachment_count(post)
        for item in answer.get("items", []):
            attachments = _attachment_ids(item)
            same_text = str(item.get("text", "")).strip() == post.text.strip()
            if same_text and len(attachments) == expected:
                published = datetime.fromtimestamp(_int(item.get("date")), UTC)
                return self._ref(item["id"], attachments, published)
        return FindResult.ABSENT

    # -- building a post ------------------------------------------------------------------

    def _ref(self, post_id: object, attachments: list[str], at: datetime | None) -> RemoteRef:
        pid = str(post_id)
        return RemoteRef(
            network=self.name,
            remote_id=pid,
            url=f"{_VK}wall{self.owner_id}_{pid}",
            parts=(pid,),
            published_at=at,
            extra={"attachments": list(attachments)},
        )

    def _attachments(self, post: RenderedPost) -> list[str]:
        """Upload the media, create the poll; the attachment list for ``wall.post``."""
        attachments = list(self._upload_media(post))
        if post.poll is not None:
            attachments.append(self._create_poll(post.poll))
        link = post.options.get("link")
        if isinstance(link, str) and link:
            attachments.append(link)  # at most one external URL [verified: V2 wall.post]
        return attachments

    def _upload_media(self, post: RenderedPost) -> Iterator[str]:
        photo_server: str | None = None
        for media in post.media:
            if media.kind == "photo":
                if photo_server is None:
                    photo_server = self._photo_upload_url()
                yield self._upload_photo(photo_server, media)
            elif media.kind == "video":
                yield self._upload_video(media, post.title)
            else:
                yield self._upload_document(media)

    def _photo_upload_url(self) -> str:
        server = self._call("photos.getWallUploadServer", group_id=self.group_id)
        return str(server["upload_url"])

    def _upload_photo(self, upload_url: str, media: Media) -> str:
        """Three steps [verified: V2 upload/wall-photo]: server, POST field ``photo``, save."""
        op = "photos.upload"
        uploaded = self._upload(upload_url, "photo", media, op)
        if uploaded.get("photo") in (None, "", "[]"):
            raise Rejected(self.name, op, f"VK took no photo from {media.rel}")
        saved = self._call(
            "photos.saveWallPhoto",
            group_id=self.group_id,
            photo=uploaded["photo"],
            server=uploaded.get("server"),
            hash=uploaded.get("hash"),
            caption=media.alt[:PHOTO_CAPTION_LIMIT] or None,
        )
        return _attachment_id("photo", saved[0])

    def _upload_video(self, media: Media, title: str) -> str:
        """``video.save`` then POST field ``video_file`` [verified: V2 video.save, V3]."""
        name = (media.alt or title or media.path.stem)[:VIDEO_NAME_LIMIT]
        saved = self._call("video.save", group_id=self.group_id, name=name)
        self._upload(str(saved["upload_url"]), "video_file", media, "video.upload")
        return f"video{saved['owner_id']}_{saved['video_id']}"

    def _upload_document(self, media: Media) -> str:
        """A GIF or document: ``docs.getWallUploadServer``, field ``file``, ``docs.save``."""
        server = self._call("docs.getWallUploadServer", group_id=self.group_id)
        uploaded = self._upload(str(server["upload_url"]), "file", media, "docs.upload")
        saved = self._call("docs.save", file=uploaded.get("file"), title=media.path.name)
        return _attachment_id("doc", saved.get("doc", saved))

    def _create_poll(self, poll: Poll) -> str:
        created = self._call(
            "polls.create",
            owner_id=self.owner_id,
            question=poll.question,
            add_answers=json.dumps(list(poll.options), ensure_ascii=False),
            is_multiple=1 if poll.multiple else 0,
        )
        return _attachment_id("poll", created)

    def _current_attachments(self, post_id: str) -> list[str]:
        """The attachments a post has now, for an edit of a post found after a crash."""
        answer = self._call("wall.getById", posts=f"{self.owner_id}_{post_id}")
        items = answer.get("items", []) if isinstance(answer, dict) else answer
        if not items:
            raise NotFound(self.name, "wall.getById", f"post {self.owner_id}_{post_id}")
        return _attachment_ids(items[0])


_VK = "https://vk.com/"


def community_id(account: Account) -> str:
    """The community id as positive digits; ``-123``, ``club123`` and ``public123`` work too."""
    raw = str(account.account_id).strip()
    for prefix in ("-", "club", "public"):
        raw = raw.removeprefix(prefix)
    if not raw.isdigit():
        message = _(
            "VK account {account}: account_id must be the community id as digits, not {value}.",
            account=account.name,
            value=account.account_id,
        )
        raise ConfigError(message)
    return raw


def _form_value(value: object) -> str:
    return str(int(value)) if isinstance(value, bool) else str(value)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _attachment_id(kind: str, obj: Mapping[str, Any]) -> str:
    """``{type}{owner_id}_{id}`` (plus ``_{access_key}`` when VK gave one) [verified: V2]."""
    base = f"{kind}{obj['owner_id']}_{obj['id']}"
    access_key = obj.get("access_key")
    return f"{base}_{access_key}" if access_key else base


def _attachment_ids(item: Mapping[str, Any]) -> list[str]:
    """The ``attachments`` strings that recreate a post object's attachment list."""
    ids: list[str] = []
    for attachment in item.get("attachments", []):
        kind = attachment.get("type", "")
        obj = attachment.get(kind) or {}
        if kind == "link":
            ids.append(str(obj.get("url", "")))
        elif "owner_id" in obj and "id" in obj:
            ids.append(_attachment_id(kind, obj))
    return ids


def _attachment_count(post: RenderedPost) -> int:
    link = post.options.get("link")
    return len(post.media) + (post.poll is not None) + bool(isinstance(link, str) and link)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("Retry-After", PER_SECOND_WAIT)), 0.0)
    except ValueError:
        return PER_SECOND_WAIT


def _seconds_until_quota_reset(clock: Clock) -> float:
    now = clock.now().astimezone(QUOTA_ZONE)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()
