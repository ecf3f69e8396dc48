"""Facebook Page adapter: posts, photos, albums and chunked video uploads through the Graph API.

Reference: networks-meta-x.md section 1 (Facebook Pages). Every call goes to
``https://graph.facebook.com/<version>/`` (video uploads to ``graph-video.facebook.com``) with
the Page token in an ``Authorization: Bearer`` header, so it never appears in a URL or a logged
form body; Graph accepts the header for every method [uncertain: the SDK sends
``access_token`` as a parameter, S1 session.py]. When the
account names an app secret (``extra_token_envs["app_secret"]``) each call also carries
``appsecret_proof`` [verified: S1 session.py].

The Graph API has no idempotency field, so the publish key is not sent; ``find`` recognises an
interrupted publish by the post's text in the Page feed instead.

Comments are read per post with ``filter=stream`` (replies included, each naming its ``parent``)
and moderated with the same Page token: hide (``is_hidden``), delete, reply as the Page, and
block the author on the Page (for good: the ``blocked`` edge has no end date). Messenger needs
``pages_messaging`` and a webhook, so direct messages are not read. The Page's name cannot be
changed through the API; its description, website, picture and cover can.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import httpx

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import AuthError, NetworkError, NotFound, Rejected, Transient
from publisher.core.figures import FiguresRead, PostFigures, count
from publisher.core.i18n import N_, _
from publisher.core.model import Comment, Media, Profile, RemoteRef, RenderedPost
from publisher.core.redact import redact
from publisher.networks.base import (
    UPLOAD_TIMEOUT,
    AccountInfo,
    Failure,
    FindResult,
    shown_texts,
)
from publisher.networks.graph import (
    GRAPH_HOST,
    GraphAdapter,
    insight_values,
    paged,
    summary_count,
)
from publisher.networks.http import as_dict, as_int, mime_type, parse_time

#: a post's counts in one read: reactions and comments as summaries, shares [verified: S1]
POST_COUNTS = "shares,reactions.limit(0).summary(true),comments.limit(0).summary(true)"
#: the post insights read: the 2025 replacements of post_impressions and
#: post_impressions_unique [verified: Meta's Pages API changelog, deprecated metrics]
POST_METRICS = {"views": "post_media_view", "reach": "post_total_media_view_unique"}
INSIGHTS_GAP = N_(
    "{network} gave no views or reach: {error}. Insights need a token of a person with the "
    "ANALYZE task on the Page (permission read_insights)."
)

#: video uploads go to the Video API host: "Videos must be published to graph-video.facebook.com
#: instead of the regular Graph API URL" [verified: developers.facebook.com/docs/graph-api/
#: video-uploads; the Video API publishing guide's examples use it too]
VIDEO_HOST = "https://graph-video.facebook.com"
WEB_HOST = "https://www.facebook.com"

#: a comment's text limit [uncertain: ~8000, not in the official docs]
COMMENT_LIMIT = 8000
#: ``about``, the Page's short description [uncertain: 255 in the Edit Page Info form]
ABOUT_LIMIT = 255
#: comments asked for per page of results, and read at most per post
COMMENTS_PAGE_SIZE = 100
MAX_COMMENTS = 1000
#: every field the moderation needs; ``from`` only comes with pages_read_user_engagement
#: [verified: S1 Comment fields; uncertain: when ``from`` is left out]
COMMENT_FIELDS = "id,message,created_time,from,parent{id},is_hidden,permalink_url"
#: the permissions a missing-permission answer points to, by operation [verified: S2; the ones
#: for blocking uncertain]
PERMISSIONS = {
    "comments": "pages_read_engagement, pages_read_user_engagement",
    "delete_comment": "pages_manage_engagement",
    "hide_comment": "pages_manage_engagement",
    "reply": "pages_manage_engagement",
    "ban": "pages_manage_metadata, pages_manage_engagement",
    "unban": "pages_manage_metadata, pages_manage_engagement",
    "set_profile": "pages_manage_metadata",
}
#: what any other operation (publishing) needs
PUBLISH_PERMISSIONS = "pages_manage_posts, publish_video"

#: how often one video upload may be told to resend from other offsets (subcode 1363037)
MAX_OFFSET_RESUMES = 5

OFFSET_MISMATCH_SUBCODE = 1363037

VIDEO_KINDS = ("video", "animation")


class UploadOffsetMismatch(NetworkError):
    """Graph wants a video chunk resent from other offsets (subcode 1363037).

    Deliberately neither ``Transient`` nor ``RateLimited``: the ApiClient must not resend the
    same chunk; the upload loop picks the offsets from ``error_data`` and continues.
    """

    def __init__(self, network: str, op: str, detail: str, start: int, end: int) -> None:
        super().__init__(network, op, detail)
        self.start = start
        self.end = end


class FileSlice(io.RawIOBase):
    """The bytes ``[start, end)`` of an open file, read lazily so httpx streams one chunk.

    httpx measures it with ``seek``/``tell`` (there is no ``fileno``), reads it in small
    pieces, and the ApiClient's ``seek(0)`` before a retry rewinds to the slice's start.
    """

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        self._handle = handle
        self._start = start
        self._length = max(0, end - start)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._length - self._position
        if remaining <= 0:
            return 0
        view = memoryview(buffer).cast("B")
        self._handle.seek(self._start + self._position)
        data = self._handle.read(min(len(view), remaining))
        view[: len(data)] = data
        self._position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = min(max(0, base + offset), self._length)
        return self._position

    def tell(self) -> int:
        return self._position


class FacebookAdapter(GraphAdapter):
    """A Facebook Page, written to with a non-expiring Page access token."""

    name = "facebook"
    title = NETWORK_TABLE["facebook"].title
    base_urls = (GRAPH_HOST, VIDEO_HOST)
    capabilities = NETWORK_TABLE["facebook"].capabilities
    token_help = N_(
        "Create a Meta app of the Business type with Facebook Login for Business and request "
        "only pages_show_list, pages_read_engagement, pages_manage_posts and publish_video "
        "(add pages_manage_engagement and pages_read_user_engagement for comments, "
        "pages_manage_metadata for the profile and blocking). Log in as "
        "a Page admin, exchange the user token for a long-lived one and take the Page's "
        "non-expiring token from GET /me/accounts, or issue a System User token with only this "
        "Page assigned. Put it in the account's token variable; optionally put the app secret "
        "under secrets: app_secret so every call is signed with appsecret_proof."
    )

    @property
    def page_id(self) -> str:
        return self.account.account_id

    # -- the interface -------------------------------------------------------------------

    def verify(self) -> AccountInfo:
        payload = self._get(self.page_id, "verify", {"fields": "id,name"})
        page = str(payload.get("id", self.page_id))
        return AccountInfo(self.name, str(payload.get("name", "")), page, f"{WEB_HOST}/{page}")

    # -- reach figures ----------------------------------------------------------------------

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """Each post's reactions, comments and shares (``POST_COUNTS``), then its
        ``/insights``: ``post_media_view`` (views) and ``post_total_media_view_unique``
        (reach), which replaced ``post_impressions*`` in 2025 [verified: Meta's Pages API
        changelog]. Insights need the Page's ANALYZE task (``read_insights``): without it the
        counts are kept and the gap said. A deleted post is left out."""
        found: dict[str, PostFigures] = {}
        gaps: list[str] = []
        for ref in refs:
            try:
                post = as_dict(self._get(ref.remote_id, "post_figures", {"fields": POST_COUNTS}))
            except NotFound:
                continue
            figures = PostFigures(
                reactions=summary_count(post, "reactions"),
                comments=summary_count(post, "comments"),
                # Graph leaves ``shares`` out of a post nobody shared [uncertain]: that is 0
                reposts=count(as_dict(post.get("shares")).get("count", 0)),
            )
            if not gaps:
                try:
                    figures = self._with_insights(ref.remote_id, figures)
                except AuthError as error:
                    gaps.append(_(INSIGHTS_GAP, network=self.title, error=error.detail))
            found[ref.remote_id] = figures
        return FiguresRead(found, tuple(gaps))

    def _with_insights(self, post_id: str, figures: PostFigures) -> PostFigures:
        params = {"metric": ",".join(POST_METRICS.values())}
        values = insight_values(self._get(f"{post_id}/insights", "post_insights", params))
        return replace(
            figures,
            views=values.get(POST_METRICS["views"]),
            reach=values.get(POST_METRICS["reach"]),
        )

    def followers(self) -> int:
        """The Page's ``followers_count`` [verified: S1 Page fields]."""
        page = as_dict(self._get(self.page_id, "followers", {"fields": "followers_count"}))
        found = count(page.get("followers_count"))
        if found is None:
            raise Transient(self.name, "followers", "no followers_count in the answer")
        return found

    def shown_profile(self) -> Mapping[str, str]:
        """The Page's ``name`` (which only a person can change), ``about`` and ``website``
        [verified: S1 Page fields]."""
        page = self._get(self.page_id, "read profile", {"fields": "name,about,website"})
        page = page if isinstance(page, dict) else {}
        return shown_texts(
            title=page.get("name"), description=page.get("about"), website=page.get("website")
        )

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        """Publish as a text/link post, one photo, a photo album or one video."""
        self._check_media(post.media)
        videos = [m for m in post.media if m.kind in VIDEO_KINDS]
        if videos:
            return self._publish_video(post, videos[0])
        if len(post.media) == 1:
            return self._publish_photo(post, post.media[0])
        if post.media:
            return self._publish_album(post)
        return self._publish_text(post)

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """Replace the text; a video's text is its description [uncertain: Video update]."""
        field_name = "description" if ref.extra.get("kind") == "video" else "message"
        self._post(ref.remote_id, "update", {field_name: post.text})
        return ref

    def delete(self, ref: RemoteRef) -> None:
        """Delete the post, then the unpublished album photos it carried; gone is fine."""
        for object_id in ref.parts or (ref.remote_id,):
            try:
                self._delete(object_id, "delete")
            except NotFound:
                continue

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """Look for the post's text among the Page's 25 latest posts."""
        wanted = post.text.strip()
        if not wanted:
            return FindResult.UNKNOWN  # a media-only post cannot be recognised by its text
        params = {"fields": "id,message,created_time", "limit": "25"}
        payload = self._get(f"{self.page_id}/feed", "find", params)
        for item in payload.get("data", []):
            if str(item.get("message", "")).strip() == wanted:
                return self._post_ref(str(item["id"]), parse_time(item.get("created_time")))
        return FindResult.ABSENT

    # -- comments, moderation and replies ---------------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Every comment and reply under the post, oldest first, the Page's own left out.

        ``since`` goes to Graph in whole seconds and is applied again here, strictly.
        """
        params = {
            "filter": "stream",  # replies too, each with its ``parent`` [S1; uncertain]
            "order": "chronological",
            "fields": COMMENT_FIELDS,
            "limit": str(COMMENTS_PAGE_SIZE),
        }
        if since is not None:
            params["since"] = str(int(since.timestamp()))
        found: list[Comment] = []
        pages = MAX_COMMENTS // COMMENTS_PAGE_SIZE
        edge = f"{ref.remote_id}/comments"
        for item in paged(lambda query: self._get(edge, "comments", query), params, pages):
            comment = self._comment(item, ref)
            if comment is None:
                continue
            if since is not None and comment.created_at is not None and comment.created_at <= since:
                continue
            found.append(comment)
        return sorted(found, key=lambda c: c.created_at or datetime.min.replace(tzinfo=UTC))

    def _comment(self, item: Mapping[str, Any], ref: RemoteRef) -> Comment | None:
        """One comment, or None for the Page's own (or one without an id).

        Without pages_read_user_engagement Graph leaves ``from`` out [uncertain], so the
        author is then unknown (and cannot be banned).

        No author link is built: ``from.id`` of a person is page-scoped and opens no profile.
        """
        author = item.get("from") or {}
        author_id = str(author.get("id", ""))
        comment_id = str(item.get("id", ""))
        if not comment_id or author_id == self.page_id:
            return None
        parent = item.get("parent") or {}
        created = parse_time(item.get("created_time"))
        return Comment(
            network=self.name,
            id=comment_id,
            text=str(item.get("message", "")),
            author_id=author_id,
            author_name=str(author.get("name", "")),
            post_id=ref.remote_id,
            parent_id=str(parent.get("id", "")),
            created_at=created.astimezone(UTC) if created else None,
            url=str(item.get("permalink_url") or _comment_url(ref.remote_id, comment_id)),
            extra={"hidden": bool(item.get("is_hidden", False))},
        )

    def delete_comment(self, comment: Comment) -> None:
        """``DELETE /{comment-id}``; its replies go with it. Already gone is fine."""
        try:
            self._delete(comment.id, "delete_comment")
        except NotFound:
            return

    def hide_comment(self, comment: Comment) -> None:
        """``POST /{comment-id} is_hidden=true``: its author and friends still see it [S1]."""
        try:
            self._post(comment.id, "hide_comment", {"is_hidden": "true"})
        except NotFound:
            return

    def ban(self, comment: Comment, until: datetime | None) -> None:
        """Block the author on the Page, for good: ``POST /{page-id}/blocked user=<from.id>``.

        The answer maps each id to whether it was blocked [uncertain: shape]. A temporary ban
        is refused rather than turned into a permanent one.
        """
        if until is not None:
            raise Rejected(
                self.name,
                "ban",
                _("Facebook blocks a person only for good, not until a date."),
                _("Block for good, or hide the person's comments instead."),
            )
        if not comment.author_id:
            raise Rejected(
                self.name,
                "ban",
                _("Facebook did not say who wrote the comment, so the author cannot be blocked."),
                _(
                    "Grant pages_read_user_engagement to the app, put a new Page token in {env} "
                    "and read the comments again.",
                    env=self.account.token_env,
                ),
            )
        payload = self._post(f"{self.page_id}/blocked", "ban", {"user": comment.author_id})
        if isinstance(payload, Mapping) and payload.get(comment.author_id) is False:
            detail = redact(f"user {comment.author_id} was not blocked: {payload}")
            raise Rejected(self.name, "ban", detail)

    def unban(self, author_id: str) -> None:
        """``DELETE /{page-id}/blocked?user=<id>`` [verified: S1, S2]."""
        self._delete(f"{self.page_id}/blocked", "unban", {"user": author_id})

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer as the Page under the comment's thread.

        Replies are one level deep: a reply to a reply goes under its top-level comment
        [uncertain: Graph refuses comments on a reply, ``can_comment`` false].
        """
        if len(text) > COMMENT_LIMIT:
            raise self._too_long("reply", len(text), COMMENT_LIMIT, _("Shorten the reply."))
        thread = comment.parent_id or comment.id
        payload = self._post(f"{thread}/comments", "reply", {"message": text}, creates=True)
        reply_id = str(payload["id"])
        return RemoteRef(
            network=self.name,
            remote_id=reply_id,
            url=_comment_url(comment.post_id, reply_id) if comment.post_id else "",
            parts=(reply_id,),
            published_at=self.clock.now(),
            extra={"parent_id": thread},
        )

    # -- the Page's profile ---------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Description and website in one ``POST /{page-id}``, then the picture, then the cover.

        The description goes to both ``about`` (the short text the Page shows, at most
        ``ABOUT_LIMIT``) and ``description`` [verified: S1 Page.api_update; limit uncertain].
        The title is not sent: the API cannot rename a Page.
        """
        wanted = profile.fields()
        info: dict[str, str] = {}
        if "description" in wanted:
            if len(profile.description) > ABOUT_LIMIT:
                hint = _("Shorten the description in the account file.")
                raise self._too_long("set_profile", len(profile.description), ABOUT_LIMIT, hint)
            info.update(about=profile.description, description=profile.description)
        if "website" in wanted:
            info["website"] = profile.website
        done: list[str] = [name for name in ("description", "website") if name in wanted]
        if info:
            self._post(self.page_id, "set_profile", info)
        if profile.avatar is not None:
            # POST /{page-id}/picture photo=<photo id> [verified: S1 create_picture]
            self._set_image(profile.avatar, f"{self.page_id}/picture", "photo", {})
            done.append("avatar")
        if profile.cover is not None:
            # POST /{page-id} cover=<photo id> [verified: S1; uncertain: unpublished photo]
            extra = {"no_feed_story": "true"}
            self._set_image(profile.cover, self.page_id, "cover", extra)
            done.append("cover")
        return tuple(done)

    def _set_image(self, media: Media, path: str, key: str, extra: dict[str, str]) -> None:
        """Upload the image as an unpublished Page photo, then point ``key`` at it."""
        photo_id = self._upload_unpublished_photo(media)
        try:
            self._post(path, "set_profile", {key: photo_id, **extra})
        except NetworkError:
            self._discard([photo_id])
            raise

    def _too_long(self, op: str, length: int, limit: int, hint: str) -> Rejected:
        detail = _(
            "The text is {length} characters; {network} allows {limit}.",
            length=length,
            network=self.title,
            limit=limit,
        )
        return Rejected(self.name, op, detail, hint)

    # -- publishing flows ------------------------------------------------------------------

    def _publish_text(self, post: RenderedPost) -> RemoteRef:
        link = post.options.get("link") or ""
        data = _without_empty({"message": post.text, "link": str(link)})
        payload = self._post(f"{self.page_id}/feed", "publish", data, creates=True)
        return self._post_ref(str(payload["id"]))

    def _publish_photo(self, post: RenderedPost, media: Media) -> RemoteRef:
        """One photo: POST /{page}/photos with ``source`` [verified: S1 create_photo]."""
        data = _without_empty({"message": post.text, "alt_text_custom": media.alt})
        with open(media.path, "rb") as handle:
            files = {"source": (media.path.name, handle, mime_type(media.path.name))}
            payload = self._post(
                f"{self.page_id}/photos", "publish", data, files=files, creates=True
            )
        post_id = str(payload.get("post_id") or f"{self.page_id}_{payload['id']}")
        return self._post_ref(post_id)

    def _publish_album(self, post: RenderedPost) -> RemoteRef:
        """Unpublished photos first, then one feed post attaching them [verified: S1, S3]."""
        photo_ids: list[str] = []
        try:
            for media in post.media:
                photo_ids.append(self._upload_unpublished_photo(media))
            data = _without_empty({"message": post.text})
            for index, photo_id in enumerate(photo_ids):
                data[f"attached_media[{index}]"] = _compact_json({"media_fbid": photo_id})
            payload = self._post(f"{self.page_id}/feed", "publish", data, creates=True)
        except NetworkError as exc:
            if not exc.uncertain:  # an uncertain post may exist and need its photos
                self._discard(photo_ids)
            raise
        post_id = str(payload["id"])
        return self._post_ref(post_id, parts=(post_id, *photo_ids))

    def _upload_unpublished_photo(self, media: Media) -> str:
        data = _without_empty({"published": "false", "alt_text_custom": media.alt})
        with open(media.path, "rb") as handle:
            files = {"source": (media.path.name, handle, mime_type(media.path.name))}
            payload = self._post(f"{self.page_id}/photos", "upload photo", data, files=files)
        return str(payload["id"])

    def _publish_video(self, post: RenderedPost, media: Media) -> RemoteRef:
        """Legacy chunked upload: start, transfer chunks, finish [verified: S1 video_uploader].

        The answer names the video, not its feed post, so the video id is the remote id.
        """
        size = media.path.stat().st_size
        start = self._post(
            f"{self.page_id}/videos",
            "upload video",
            {"upload_phase": "start", "file_size": str(size)},
            host=VIDEO_HOST,
        )
        session = str(start["upload_session_id"])
        video_id = str(start["video_id"])
        self._transfer(media.path, session, int(start["start_offset"]), int(start["end_offset"]))
        finish = {"upload_phase": "finish", "upload_session_id": session}
        finish.update(_without_empty({"title": post.title, "description": post.text}))
        self._post(f"{self.page_id}/videos", "publish", finish, creates=True, host=VIDEO_HOST)
        return RemoteRef(
            network=self.name,
            remote_id=video_id,
            url=f"{WEB_HOST}/{self.page_id}/videos/{video_id}",
            parts=(video_id,),
            published_at=self.clock.now(),
            extra={"kind": "video"},
        )

    def _transfer(self, path: Path, session: str, start: int, end: int) -> None:
        """Send the chunks the server asks for until its start and end offsets meet."""
        resumes = 0
        with open(path, "rb") as handle:
            while start < end:
                try:
                    start, end = self._send_chunk(handle, path.name, session, start, end)
                except UploadOffsetMismatch as exc:
                    resumes += 1
                    if resumes > MAX_OFFSET_RESUMES:
                        raise Transient(self.name, exc.op, exc.detail) from None
                    start, end = exc.start, exc.end

    def _send_chunk(
        self, handle: BinaryIO, name: str, session: str, start: int, end: int
    ) -> tuple[int, int]:
        data = {
            "upload_phase": "transfer",
            "upload_session_id": session,
            "start_offset": str(start),
        }
        chunk = cast(IO[bytes], FileSlice(handle, start, end))
        files = {"video_file_chunk": (name, chunk, "application/octet-stream")}
        reply = self._post(
            f"{self.page_id}/videos", "upload video", data, files=files, host=VIDEO_HOST
        )
        next_start, next_end = int(reply["start_offset"]), int(reply["end_offset"])
        if next_start <= start and next_start < next_end:
            raise Transient(self.name, "upload video", f"upload stuck at offset {start}")
        return next_start, next_end

    def _discard(self, object_ids: Sequence[str]) -> None:
        """Best-effort removal of objects uploaded for a post that then failed."""
        for object_id in object_ids:
            try:
                self._delete(object_id, "clean up")
            except NetworkError:
                continue

    def _check_media(self, media: Sequence[Media]) -> None:
        """Refuse, before any call, the media mixes a Page post cannot hold."""
        if any(m.kind == "document" for m in media):
            hint = _("Facebook Pages do not take documents: remove the file from this network.")
            raise Rejected(self.name, "publish", "documents are not supported", hint)
        videos = sum(1 for m in media if m.kind in VIDEO_KINDS)
        if videos and len(media) > 1:
            hint = _("A Facebook post holds one video or several photos, not both.")
            raise Rejected(self.name, "publish", "a video cannot share a post", hint)

    def _post_ref(
        self, post_id: str, published_at: datetime | None = None, parts: tuple[str, ...] = ()
    ) -> RemoteRef:
        return RemoteRef(
            network=self.name,
            remote_id=post_id,
            url=f"{WEB_HOST}/{post_id}",
            parts=parts or (post_id,),
            published_at=published_at or self.clock.now(),
        )

    # -- HTTP ---------------------------------------------------------------------------------

    def _proof(self) -> dict[str, str]:
        """``appsecret_proof`` = hex HMAC-SHA256(app secret, token) [verified: S1 session.py]."""
        secret = self.tokens.extras.get("app_secret")
        if not secret:
            return {}
        token = self.tokens.main.reveal().encode()
        digest = hmac.new(secret.reveal().encode(), token, hashlib.sha256).hexdigest()
        return {"appsecret_proof": digest}

    def _get(self, path: str, op: str, params: dict[str, str]) -> Any:
        query = {**params, **self._proof()}
        return self.api.call("GET", self.graph_url(path), op, params=query, headers=self.bearer())

    def _delete(self, path: str, op: str, params: dict[str, str] | None = None) -> Any:
        query = {**(params or {}), **self._proof()}
        url = self.graph_url(path)
        return self.api.call("DELETE", url, op, params=query, headers=self.bearer())

    def _post(
        self,
        path: str,
        op: str,
        data: dict[str, str],
        *,
        files: dict[str, Any] | None = None,
        creates: bool = False,
        host: str = GRAPH_HOST,
    ) -> Any:
        kwargs: dict[str, Any] = {"data": {**data, **self._proof()}, "headers": self.bearer()}
        if files:
            kwargs["files"] = files
            kwargs["timeout"] = UPLOAD_TIMEOUT
        return self.api.call("POST", self.graph_url(path, host), op, creates=creates, **kwargs)

    # -- errors -------------------------------------------------------------------------------

    def _read(self, response: httpx.Response, op: str) -> Any:
        """Graph's reader, and one answer that is not an error but a request: resend the video
        chunk from other offsets (subcode 1363037), handled by the upload loop."""
        answer = super()._read(response, op)
        if isinstance(answer, Failure) and _is_offset_mismatch(answer):
            start, end = _resume_offsets(answer.data)
            raise UploadOffsetMismatch(self.name, op, answer.detail, start, end)
        return answer

    def permissions(self, op: str) -> str:
        return PERMISSIONS.get(op, PUBLISH_PERMISSIONS)


def _is_offset_mismatch(failure: Failure) -> bool:
    """Subcode 1363037, whatever the code: its (code, subcode) key says so."""
    return any(isinstance(key, tuple) and key[1] == OFFSET_MISMATCH_SUBCODE for key in failure.keys)


def _resume_offsets(data: Mapping[str, Any]) -> tuple[int, int]:
    return as_int(data.get("start_offset")), as_int(data.get("end_offset"))


def _comment_url(post_id: str, comment_id: str) -> str:
    """A link to a comment when Graph gave no ``permalink_url`` [uncertain: the comment's own
    number, after the ``_``, is what ``comment_id`` takes]."""
    return f"{WEB_HOST}/{post_id}?comment_id={comment_id.rsplit('_', 1)[-1]}"


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _without_empty(values: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in values.items() if value}
