"""Odnoklassniki (OK): group topics through the signed ``fb.do`` API.

Every call is a form POST to ``https://api.ok.ru/fb.do`` carrying ``method``,
``application_key``, ``format=json``, the method's parameters, ``access_token`` and ``sig``, the
MD5 signature of the sorted parameters [verified: O1]. Errors come as
``{"error_code", "error_msg", "error_data"}`` with HTTP 200 and the code repeated in the
``invocation-error`` header [verified: O1, O4].

Account file: ``account_id`` is the group id (digits), ``settings.application_key`` the public
application key, ``token_env`` an access token of a group administrator,
``secrets: app_secret`` the application's secret key, or ``secrets: session_secret``
a ``session_secret_key`` that then signs instead [verified: O1].

Comments live in the topic's discussion (``discussions.*``, type ``GROUP_TOPIC``). OK has no
stand-alone group ban: an author is blacklisted only by deleting one of their comments with
``block_author=true``, for good [verified: O2]. So ``ban`` deletes the comment it is given and
takes no end date, and the moderation engine calls ``ban`` instead of ``delete_comment`` when it
wants both. Comments cannot be hidden, and the API has no direct messages for us. Of the profile,
only the avatar has an API (``group.setMainPhoto``); title, description and cover are set by hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

import httpx

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import (
    AuthError,
    ConfigError,
    NotFound,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import FiguresRead, PostFigures, batches, count
from publisher.core.i18n import N_, _
from publisher.core.model import Comment, Media, Poll, Profile, RemoteRef, RenderedPost
from publisher.core.redact import redact, register
from publisher.networks.base import (
    CHUNK_SIZE,
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    ErrorMap,
    Failure,
    Rule,
    shown_texts,
)
from publisher.networks.http import as_int, json_body, json_or_none, retry_after, status_keys

API_URL = "https://api.ok.ru/fb.do"
GROUP_URL = "https://ok.ru/group/{gid}"
TOPIC_URL = "https://ok.ru/group/{gid}/topic/{topic_id}"
#: topics a ``mediatopic.getByIds`` call names [uncertain: not documented]
TOPICS_BATCH = 100
PROFILE_URL = "https://ok.ru/profile/{uid}"

#: parameters left out of the signature [verified: O1 dev/methods]
UNSIGNED_PARAMS = frozenset({"access_token", "session_key", "sig"})

VIDEO_TITLE_LIMIT = 1000  # [verified: O1 video.update]

#: How long to wait on OK's blocking codes. The numbers are our policy, not documented values:
#: FLOOD_BLOCKED (8) is what a burst of calls gets, so wait one minute and let ApiClient retry;
#: ACTION_BLOCKED (7) means "back off minutes"; LIMIT_REACHED (11) is a quota: stop for an hour.
FLOOD_WAIT = 60.0
ACTION_BLOCKED_WAIT = 300.0
LIMIT_REACHED_WAIT = 3600.0
HTTP_429_WAIT = 1.0

#: OK's error codes -> our classes [verified: O1 errors]
ERRORS: ErrorMap = {
    **dict.fromkeys((1, 2), Transient),  # UNKNOWN, SERVICE
    7: Rule(RateLimited, wait=ACTION_BLOCKED_WAIT),  # ACTION_BLOCKED
    8: Rule(RateLimited, wait=FLOOD_WAIT),  # FLOOD_BLOCKED
    11: Rule(RateLimited, wait=LIMIT_REACHED_WAIT),  # LIMIT_REACHED
    # discussion, album, photo, comment not found; NOT_FOUND
    **dict.fromkeys((106, 120, 121, 141, 300), NotFound),
    # IP_BLOCKED, NOT_OWNER, NOT_ADMIN, session expired or invalid: renew the token
    **dict.fromkeys((9, 24, 50, 102, 103), AuthError),
    10: Rule(  # PERMISSION_DENIED
        AuthError,
        hint=N_(
            "The OK token lacks a permission: request VALUABLE_ACCESS, GROUP_CONTENT, "
            "PHOTO_CONTENT and VIDEO_CONTENT, then renew {env}."
        ),
    ),
    101: Rule(  # PARAM_API_KEY
        AuthError,
        hint=N_("Check settings.application_key in {path}: OK does not know this application key."),
    ),
    104: Rule(  # PARAM_SIGNATURE
        AuthError,
        hint=N_(
            "OK refused the request signature: check the application secret key in {secret_env} "
            "and that the token belongs to this application (account {account})."
        ),
    ),
    "429": Rule(RateLimited, wait=HTTP_429_WAIT),
    "5xx": Transient,
    **dict.fromkeys(("401", "403"), AuthError),
    "404": NotFound,
}

PHOTO_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}

#: the discussion of a group topic [verified: O2 discussionType; the value GROUP_TOPIC is
#: uncertain, it is what OK's SDKs pass]
DISCUSSION_TYPE = "GROUP_TOPIC"
#: what discussions.getComments returns per comment [verified: O2 fields, O3 response names]
COMMENT_FIELDS = ",".join(
    f"comment.{name}"
    for name in ("ID", "TEXT", "AUTHOR_ID", "AUTHOR_NAME", "DATE", "REPLY_TO_COMMENT_ID")
)
#: comments per page: no documented maximum [uncertain]; 100 like OK's own clients (O3)
COMMENTS_PAGE = 100
#: the most comments read under one topic in one call of ``comments``
MAX_COMMENTS = 1000
#: OK writes comment dates without a zone in Moscow time when ``date_ms`` is missing [uncertain]
MOSCOW = timezone(timedelta(hours=3))


def signing_secret(access_token: str, application_secret_key: str) -> str:
    """The secret of a session: ``lower(md5(access_token + application_secret_key))`` [O1]."""
    digest = hashlib.md5((access_token + application_secret_key).encode("utf-8"))
    return digest.hexdigest().lower()


def sign(params: Mapping[str, str], secret: str) -> str:
    """OK's ``sig``: md5 of the sorted ``key=value`` pairs (no separator) plus the secret.

    ``access_token``, ``session_key`` and ``sig`` are left out [verified: O1, O4]. The text is
    hashed as UTF-8 [uncertain: O3 hashes ASCII, which cannot carry Cyrillic].
    """
    base = "".join(f"{key}={params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    return hashlib.md5((base + secret).encode("utf-8")).hexdigest()


def compact_json(value: Any) -> str:
    """Serialise once, compactly and without escaping Cyrillic: the signed text is the sent text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def poll_item(poll: Poll) -> dict[str, Any]:
    """The ``poll`` media item of ``mediatopic.post`` [verified: O1 ui.postMediatopic]."""
    choice = "MultipleChoice" if poll.multiple else "SingleChoice"
    return {
        "type": "poll",
        "question": poll.question,
        "answers": [{"text": option} for option in poll.options],
        "options": f"{choice},AnonymousVoting",
    }


def _flag(value: object) -> str:
    return "true" if value else "false"


class OkAdapter(Adapter):
    """Posts topics to an OK group as the group, with photos, videos, a link and a poll."""

    name = "ok"
    title = NETWORK_TABLE["ok"].title
    base_urls = ("https://api.ok.ru",)
    token_help = N_(
        "Register an application on ok.ru (apiok.ru, 'Add application'), ask OK support for the "
        "VALUABLE_ACCESS, GROUP_CONTENT, PHOTO_CONTENT and VIDEO_CONTENT permissions, then get "
        "an access token of a group administrator with exactly those scopes (OAuth, or the "
        "long-lived token shown in the application settings). Put the token in token_env, the "
        "application's secret key in secrets: app_secret (or the session_secret_key "
        "of that long-lived token in secrets: session_secret) and the public "
        "application key in settings.application_key."
    )
    capabilities = NETWORK_TABLE["ok"].capabilities
    errors = ERRORS
    #: bytes per video upload request; a class attribute so tests can make it small
    chunk_size = CHUNK_SIZE

    # ---- configuration and signing -------------------------------------------------------

    def _application_key(self) -> str:
        key = str(self.account.settings.get("application_key") or "").strip()
        if not key:
            raise ConfigError(
                _(
                    "{path}: settings.application_key is missing.",
                    path=self.account.path,
                ),
                _("Add the public key of the OK application to settings.application_key."),
            )
        return key

    def _secret(self, access_token: str) -> str:
        """The signing secret: the session secret if given, else derived from the app secret."""
        extras = self.tokens.extras
        if "session_secret" in extras:
            return extras["session_secret"].reveal()
        if "app_secret" not in extras:
            raise ConfigError(
                _("{path}: secrets: app_secret is missing.", path=self.account.path),
                _(
                    "Name the variable holding the OK application's secret key in "
                    "secrets: app_secret (or a session_secret_key in "
                    "secrets: session_secret)."
                ),
            )
        secret = signing_secret(access_token, extras["app_secret"].reveal())
        register(secret)  # a derived credential: mask it wherever it could appear
        return secret

    def _signed_form(self, method: str, params: Mapping[str, str]) -> dict[str, str]:
        token = self.tokens.main.reveal()
        form = {
            "method": method,
            "application_key": self._application_key(),
            "format": "json",
            **params,
        }
        form["sig"] = sign(form, self._secret(token))
        form["access_token"] = token
        return form

    def _call(
        self, method: str, params: Mapping[str, str], op: str, *, creates: bool = False
    ) -> Any:
        """Call one API method with a signed form body (tokens never sit in the URL)."""
        form = self._signed_form(method, params)
        return self.api.call("POST", API_URL, op, creates=creates, data=form)

    # ---- error mapping -------------------------------------------------------------------

    def _read(self, response: httpx.Response, op: str) -> Any:
        """OK names its error in the body (``error_code``) or only in the ``invocation-error``
        header, with HTTP 200 either way [verified: O1, O4]."""
        status = response.status_code
        if status >= 500 or status == 429:
            return Failure(status_keys(status), f"HTTP {status}", retry_after(response))
        body = json_or_none(response)
        if isinstance(body, dict) and "error_code" in body:
            code = as_int(body["error_code"])
            return Failure((code,), redact(f"{code} {body.get('error_msg', '')}".strip()))
        header = response.headers.get("invocation-error")
        if header is not None:
            code = as_int(header)
            return Failure((code,), str(code))
        if status >= 400:
            return Failure(status_keys(status), f"HTTP {status}")
        if not response.content.strip():
            return None  # the video upload host answers a chunk with an empty body
        return json_body(response, self.name, op)

    def hint_fields(self, op: str) -> dict[str, object]:
        """Also ``{secret_env}``: the secret that signs, the session's or the application's."""
        role = "session_secret" if "session_secret" in self.tokens.extras else "app_secret"
        secret_env = self.account.extra_token_envs.get(role, role)
        return {**super().hint_fields(op), "secret_env": secret_env}

    # ---- the interface -------------------------------------------------------------------

    @property
    def gid(self) -> str:
        return self.account.account_id

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """``mediatopic.getByIds`` (≤100 topics a call [uncertain]): each topic's
        ``like_summary.count``, ``reshare_summary.count`` and
        ``discussion_summary.comments_count`` [uncertain: the fields public clients read]. A
        deleted topic is left out of the answer. OK gives no views (``stats_gap``)."""
        found: dict[str, PostFigures] = {}
        for batch in batches([ref.remote_id for ref in refs], TOPICS_BATCH):
            params = {"topic_ids": ",".join(batch), "fields": "media_topic.*"}
            answer = self._call("mediatopic.getByIds", params, "post_figures")
            topics = answer.get("media_topics") if isinstance(answer, dict) else None
            for topic in topics if isinstance(topics, list) else []:
                found[str(topic.get("id"))] = PostFigures(
                    reactions=count(_summary(topic, "like_summary", "count")),
                    reposts=count(_summary(topic, "reshare_summary", "count")),
                    comments=count(_summary(topic, "discussion_summary", "comments_count")),
                )
        return FiguresRead(found)

    def followers(self) -> int:
        """``group.getInfo`` with ``members_count`` [uncertain: the field public clients read]."""
        params = {"uids": self.gid, "fields": "uid,members_count"}
        groups = self._call("group.getInfo", params, "followers")
        members = count(groups[0].get("members_count")) if groups else None
        if members is None:
            raise NotFound(self.name, "followers", f"group {self.gid}: no members_count")
        return members

    def verify(self) -> AccountInfo:
        """``group.getInfo`` proves the token and signature work and names the group.

        [uncertain: group.getInfo is not in our reference; it is OK's long-standing group
        method and needs no extra permission.]
        """
        groups = self._call("group.getInfo", {"uids": self.gid, "fields": "uid,name"}, "verify")
        if not isinstance(groups, list) or not groups or not isinstance(groups[0], dict):
            raise ConfigError(
                _(
                    "{path}: OK has no group {gid}; check account_id.",
                    path=self.account.path,
                    gid=self.gid,
                )
            )
        name = str(groups[0].get("name") or self.gid)
        return AccountInfo(self.name, name, self.gid, GROUP_URL.format(gid=self.gid))

    def shown_profile(self) -> Mapping[str, str]:
        """The group's ``name`` and ``description``, which only OK's site changes, from
        ``group.getInfo`` [uncertain: as ``verify``]."""
        params = {"uids": self.gid, "fields": "uid,name,description"}
        groups = self._call("group.getInfo", params, "read profile")
        group = groups[0] if isinstance(groups, list) and groups else {}
        group = group if isinstance(group, dict) else {}
        return shown_texts(title=group.get("name"), description=group.get("description"))

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        """Upload media, then ``mediatopic.post`` the group topic (OK has no idempotency field)."""
        photos = [m for m in post.media if m.kind in ("photo", "animation")]
        videos = [m for m in post.media if m.kind == "video"]
        photo_tokens = self._upload_photos(photos)
        video_ids = [self._upload_video(media, post.title) for media in videos]
        params = {
            "type": "GROUP_THEME",
            "gid": self.gid,
            "attachment": compact_json(self._attachment(post, photo_tokens, video_ids)),
        }
        if "link_preview" in post.options:
            params["text_link_preview"] = _flag(post.options["link_preview"])
        answer = self._call("mediatopic.post", params, "publish", creates=True)
        topic_id = _topic_id(answer)
        if not topic_id:
            detail = redact(f"unexpected answer {answer!r}")
            raise Transient(self.name, "publish", detail, uncertain=True)
        url = TOPIC_URL.format(gid=self.gid, topic_id=topic_id)
        extra = {"gid": self.gid, "videos": video_ids}
        return RemoteRef(self.name, topic_id, url, (topic_id,), self.clock.now(), extra)

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        raise Rejected(
            self.name,
            "update",
            "editing topics is not supported (mediatopic.edit is undocumented)",
            _("Odnoklassniki topics cannot be edited: the post is deleted and published again."),
        )

    def delete(self, ref: RemoteRef) -> None:
        """``mediatopic.deleteTopic`` every part; a topic already gone is fine.

        [uncertain: method name used by several public clients (O3, O4), not in the docs we
        could read.] Uploaded videos stay in the group's video section.
        """
        gid = str(ref.extra.get("gid") or self.gid)
        for topic_id in ref.parts or (ref.remote_id,):
            with contextlib.suppress(NotFound):
                answer = self._call(
                    "mediatopic.deleteTopic", {"gid": gid, "topic_id": topic_id}, "delete"
                )
                if isinstance(answer, dict) and answer.get("success") is False:
                    raise Rejected(self.name, "delete", redact(f"unexpected answer {answer!r}"))

    # ---- comments, moderation and replies -------------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Citizens' comments under a topic, oldest first, newer than ``since`` if given.

        ``discussions.getComments`` from the ``FIRST`` anchor forwards, following the anchor
        each page returns while ``has_more`` [verified: O2 params, O3 response]; at most
        ``MAX_COMMENTS``. The group's own comments (our replies) are left out.
        """
        found = [
            comment
            for item in self._comment_items(ref.remote_id)
            if (comment := self._comment(ref, item)) is not None
        ]
        if since is not None:
            found = [c for c in found if c.created_at is None or c.created_at > since]
        return sorted(found, key=lambda c: c.created_at or datetime.min.replace(tzinfo=UTC))

    def _comment_items(self, topic_id: str) -> list[dict[str, Any]]:
        """Every raw comment of a topic's discussion, page by page, bounded."""
        items: list[dict[str, Any]] = []
        anchor = "FIRST"
        while len(items) < MAX_COMMENTS:
            params = {
                "discussionId": topic_id,
                "discussionType": DISCUSSION_TYPE,
                "anchor": anchor,
                "direction": "FORWARD",
                "count": str(min(COMMENTS_PAGE, MAX_COMMENTS - len(items))),
                "fields": COMMENT_FIELDS,
            }
            page = self._call("discussions.getComments", params, "comments")
            if not isinstance(page, dict):
                detail = f"unexpected answer {redact(page, limit=200)!r}"
                raise Transient(self.name, "comments", detail)
            batch = page.get("comments") or []  # left out when there are none [uncertain]
            items += [c for c in batch if isinstance(c, dict)]
            next_anchor = str(page.get("anchor") or "")
            if not batch or not page.get("has_more") or next_anchor in ("", anchor):
                break
            anchor = next_anchor
        return items

    def _comment(self, ref: RemoteRef, item: Mapping[str, Any]) -> Comment | None:
        """One comment as our ``Comment``; None for the group's own and malformed ones.

        [uncertain: a comment made ``as_admin`` is assumed to carry the group id as author.]
        OK has no link to a single comment, so ``url`` is the topic's.
        """
        comment_id = str(item.get("id") or "")
        author = str(item.get("author_id") or "")
        gid = str(ref.extra.get("gid") or self.gid)
        if not comment_id or author == gid:
            return None
        topic_id = ref.remote_id
        return Comment(
            network=self.name,
            id=comment_id,
            text=str(item.get("text") or ""),
            author_id=author,
            author_name=str(item.get("author_name") or ""),
            author_url=PROFILE_URL.format(uid=author) if author else "",
            post_id=topic_id,
            parent_id=str(item.get("reply_to_comment_id") or ""),
            created_at=_comment_time(item),
            url=ref.url or TOPIC_URL.format(gid=gid, topic_id=topic_id),
            extra={"discussion_id": topic_id, "discussion_type": DISCUSSION_TYPE, "gid": gid},
        )

    def delete_comment(self, comment: Comment) -> None:
        """``discussions.deleteDiscussionComment``; a comment already gone is fine [O2]."""
        with contextlib.suppress(NotFound):
            self._delete_comment(comment, "delete_comment", block_author=False)

    def ban(self, comment: Comment, until: datetime | None) -> None:
        """Blacklist the author for good by deleting ``comment`` with ``block_author=true``.

        OK has no other way to ban [verified: O2]: the comment always goes too, and a ban
        with an end date is refused rather than made permanent behind the caller's back.
        """
        if until is not None:
            raise Rejected(
                self.name,
                "ban",
                "OK has no temporary ban (block_author of deleteDiscussionComment is for good)",
                _(
                    "Odnoklassniki can only blacklist an author for good, by deleting their "
                    "comment: ban without an end date, or only delete the comment."
                ),
            )
        try:
            self._delete_comment(comment, "ban", block_author=True)
        except NotFound as exc:
            raise Rejected(
                self.name,
                "ban",
                exc.detail,
                _(
                    "The comment is already gone, and Odnoklassniki blacklists an author only "
                    "while deleting their comment: block them by hand in the group's settings."
                ),
            ) from None

    def _delete_comment(self, comment: Comment, op: str, *, block_author: bool) -> None:
        discussion_id, discussion_type = _discussion(comment)
        params = {
            "discussionId": discussion_id,
            "discussionType": discussion_type,
            "comment_id": comment.id,
        }
        if block_author:
            params["block_author"] = "true"
        answer = self._call("discussions.deleteDiscussionComment", params, op)
        _check_success(answer, self.name, op)

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer as the group: ``discussions.addDiscussionComment`` with ``as_admin``.

        [verified: O2 (2017): entityId, entityType, comment, reply_to_comment_id, as_admin;
        uncertain: the answer's shape, read as the new comment or its id.] ``creates`` keeps
        a lost answer from being retried into a second reply.
        """
        discussion_id, discussion_type = _discussion(comment)
        params = {
            "entityId": discussion_id,
            "entityType": discussion_type,
            "comment": text,
            "reply_to_comment_id": comment.id,
            "as_admin": "true",
        }
        answer = self._call("discussions.addDiscussionComment", params, "reply", creates=True)
        reply_id = _comment_id(answer)
        if not reply_id:
            detail = redact(f"unexpected answer {answer!r}")
            raise Transient(self.name, "reply", detail, uncertain=True)
        gid = str(comment.extra.get("gid") or self.gid)
        url = comment.url or TOPIC_URL.format(gid=gid, topic_id=discussion_id)
        extra = {"discussion_id": discussion_id, "discussion_type": discussion_type, "gid": gid}
        return RemoteRef(self.name, reply_id, url, (reply_id,), self.clock.now(), extra)

    # ---- the group's profile -------------------------------------------------------------

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Set the avatar, the only profile field OK's API takes; send nothing else.

        ``photosV2.getUploadUrl(gid)``, upload ``pic1``, then ``group.setMainPhoto(group_id,
        photo_id)`` with the id from getUploadUrl [verified: O2]. Title, description and cover
        have no API [uncertain: none found] and stay manual steps (``settings_url``).
        """
        if profile.avatar is None:
            return ()
        op = "set_profile"
        ((photo_id, _token),) = self._upload_photo_files([profile.avatar], op)
        params = {"group_id": self.gid, "photo_id": photo_id}
        _check_success(self._call("group.setMainPhoto", params, op), self.name, op)
        return ("avatar",)

    # ---- building the topic --------------------------------------------------------------

    def _attachment(
        self, post: RenderedPost, photo_tokens: Sequence[str], video_ids: Sequence[str]
    ) -> dict[str, Any]:
        """The ``attachment`` object of ``mediatopic.post`` [verified: O1, O2]."""
        media: list[dict[str, Any]] = []
        if post.text:
            media.append({"type": "text", "text": post.text})
        if photo_tokens:
            media.append({"type": "photo", "list": [{"id": token} for token in photo_tokens]})
        if video_ids:
            media.append({"type": "movie", "list": [{"id": vid} for vid in video_ids]})
        link = post.options.get("link")
        if isinstance(link, str) and link:
            media.append({"type": "link", "url": link})
        if post.poll is not None:
            media.append(poll_item(post.poll))
        attachment: dict[str, Any] = {"media": media, "onBehalfOfGroup": "true"}
        if post.options.get("close_comments"):
            attachment["disableComments"] = "true"
        return attachment

    def _upload_photos(self, photos: Sequence[Media]) -> list[str]:
        """Upload a topic's photos; return the tokens its ``photo`` item lists [O1, O3]."""
        if not photos:
            return []
        return [token for _, token in self._upload_photo_files(photos, "upload photo")]

    def _upload_photo_files(self, photos: Sequence[Media], op: str) -> list[tuple[str, str]]:
        """``photosV2.getUploadUrl``, then one multipart POST of ``pic1``, ``pic2``...;
        return ``(photo_id, token)`` per photo, in order [O1, O3]."""
        server = self._call(
            "photosV2.getUploadUrl", {"gid": self.gid, "count": str(len(photos))}, op
        )
        upload_url = str(_field(server, "upload_url", self.name, op))
        photo_ids = [str(pid) for pid in _field(server, "photo_ids", self.name, op)]
        with _opened(photos) as handles:
            files = {
                f"pic{index}": (media.path.name, handle, _photo_mime(media))
                for index, (media, handle) in enumerate(zip(photos, handles, strict=True), 1)
            }
            answer = self.api.call("POST", upload_url, op, files=files, timeout=UPLOAD_TIMEOUT)
        uploaded = _field(answer, "photos", self.name, op)
        return [
            (pid, str(_field(_field(uploaded, pid, self.name, op), "token", self.name, op)))
            for pid in photo_ids[: len(photos)]
        ]

    def _upload_video(self, media: Media, post_title: str) -> str:
        """``video.getUploadUrl``, chunked upload, then ``video.update`` names it [O1]."""
        op = "upload video"
        size = media.path.stat().st_size
        params = {"gid": self.gid, "file_name": media.path.name, "file_size": str(size)}
        server = self._call("video.getUploadUrl", params, op)
        video_id = str(_field(server, "video_id", self.name, op))
        self._send_chunks(str(_field(server, "upload_url", self.name, op)), media.path, size)
        title = (media.alt or post_title or media.path.stem)[:VIDEO_TITLE_LIMIT]
        self._call("video.update", {"vid": video_id, "title": title}, op)
        return video_id

    def _send_chunks(self, upload_url: str, path: Path, size: int) -> None:
        """Resumable upload: ``chunk_size`` bytes per POST with ``Content-Range`` [O1].

        Only one chunk is in memory at a time, and ApiClient can resend a chunk on its own.
        [uncertain: the exact resumable protocol of OK's upload host.]
        """
        with open(path, "rb") as handle:
            start = 0
            while chunk := handle.read(self.chunk_size):
                end = start + len(chunk) - 1
                headers = {
                    "Content-Range": f"bytes {start}-{end}/{size}",
                    "Content-Type": "application/octet-stream",
                }
                self.api.call(
                    "POST",
                    upload_url,
                    "upload video",
                    content=chunk,
                    headers=headers,
                    timeout=UPLOAD_TIMEOUT,
                )
                start = end + 1


@contextlib.contextmanager
def _opened(items: Sequence[Media]) -> Iterator[list[IO[bytes]]]:
    """Open every file for one multipart upload and close them all afterwards."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(open(media.path, "rb")) for media in items]


def _photo_mime(media: Media) -> str:
    return PHOTO_MIME.get(media.image_format.upper(), "application/octet-stream")


def _field(payload: Any, key: str, network: str, op: str) -> Any:
    """``payload[key]``, or a Transient error explaining that OK answered something else."""
    if isinstance(payload, dict) and key in payload:
        return payload[key]
    raise Transient(network, op, f"answer without {key!r}: {redact(payload, limit=200)!r}")


def _discussion(comment: Comment) -> tuple[str, str]:
    """The discussion a comment belongs to: its topic, as ``comments`` recorded it."""
    discussion_id = str(comment.extra.get("discussion_id") or comment.post_id)
    discussion_type = str(comment.extra.get("discussion_type") or DISCUSSION_TYPE)
    return discussion_id, discussion_type


def _comment_time(item: Mapping[str, Any]) -> datetime | None:
    """``date_ms`` (ms since the epoch), else ``date`` in Moscow time [O3; uncertain]."""
    date_ms = item.get("date_ms")
    if isinstance(date_ms, (int, float, str)) and str(date_ms).strip().isdigit():
        return datetime.fromtimestamp(int(date_ms) / 1000, UTC)
    with contextlib.suppress(TypeError, ValueError):
        local = datetime.strptime(str(item.get("date")), "%Y-%m-%d %H:%M:%S")
        return local.replace(tzinfo=MOSCOW).astimezone(UTC)
    return None


def _comment_id(answer: Any) -> str:
    """The new comment's id from addDiscussionComment: a bare id, ``{"id"}`` or
    ``{"comment": {"id"}}`` [uncertain: undocumented answer]."""
    if isinstance(answer, dict):
        inner = answer.get("comment")
        answer = answer.get("id") or (inner.get("id") if isinstance(inner, dict) else None)
    if isinstance(answer, (str, int)) and not isinstance(answer, bool):
        return str(answer).strip()
    return ""


def _check_success(answer: Any, network: str, op: str) -> None:
    """OK answers ``{"success": true}`` or ``true`` [uncertain]; refuse an explicit false."""
    if answer is False or (isinstance(answer, dict) and answer.get("success") is False):
        raise Rejected(network, op, redact(f"unexpected answer {answer!r}"))


def _topic_id(answer: Any) -> str:
    """``mediatopic.post`` answers the topic id as a JSON string or number [uncertain]."""
    if isinstance(answer, (str, int)) and not isinstance(answer, bool):
        return str(answer).strip()
    return ""


def _summary(topic: Mapping[str, Any], name: str, field: str) -> object:
    """``topic[name][field]``: one of a topic's summaries; None where it is missing."""
    summary = topic.get(name)
    return summary.get(field) if isinstance(summary, dict) else None
