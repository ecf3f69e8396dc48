"""Instagram: a professional account through the Instagram Platform with Facebook Login.

Publishing is a two-step protocol [verified: S5 content publishing]: create a media container
(a photo Instagram downloads from a public URL, a video we upload to ``rupload.facebook.com``, or
a carousel of such items), wait until its ``status_code`` is FINISHED, then ``media_publish`` it.
Photos therefore need ``settings["media_base_url"]``: the public URL prefix under which the
repository's media files are served. ``prepare`` makes the containers of the next few posts
while earlier ones are published (they are invisible until ``media_publish``), so a photo's
processing time is spent while other posts go out; the publishing quota (50 posts per rolling
24 h) is read once per run and counted down, and a spent quota leaves the rest for a later run.
Captions cannot be edited; published media can be deleted (Business SDK 25
``IGMedia.api_delete``) where Meta allows it.

The Page token travels in an ``Authorization`` header, never in a URL or a form body: ``Bearer``
for Graph calls, as the Facebook adapter does, and ``OAuth`` for the video upload, the scheme Meta
documents there [verified: S6, S7] (the SDK sends ``access_token`` as a parameter instead [S1]).
Graph errors are ``{"error": {"code", "error_subcode", "message", "is_transient"...}}``
[verified: S2]; the Graph table (``networks.graph``) maps code and subcode, not the HTTP status.

Comments (reference "Read comments", "Moderate") are read per media with their replies expanded
in the same request, and moderated with the same Page token: hide (``hide=true``), delete, and
reply as the account (``POST /{comment}/replies``). Instagram has no API to block a commenter,
and direct messages need the Messaging API with a webhook, so neither is offered. The profile
(name, bio, website, picture) is read-only through the API: a person changes it in the app.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.clock import Clock
from publisher.core.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotFound,
    PostingLimit,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import FiguresRead, PostFigures, count
from publisher.core.i18n import N_, _
from publisher.core.model import Account, Comment, Media, RemoteRef, RenderedPost
from publisher.core.redact import redact
from publisher.networks.base import (
    CHUNK_SIZE,
    UPLOAD_TIMEOUT,
    AccountInfo,
    FindResult,
    RateLimiter,
    Tokens,
    shown_texts,
)
from publisher.networks.graph import (
    GRAPH_HOST,
    QUOTA_WAIT,
    GraphAdapter,
    insight_values,
    next_cursor,
    paged,
)
from publisher.networks.http import as_dict, parse_time

#: our figure -> the media insight metric that gives it [verified: Meta's IG Media Insights]
MEDIA_METRICS = {
    "views": "views",
    "reach": "reach",
    "reactions": "likes",
    "comments": "comments",
    "reposts": "shares",
}
INSIGHTS_GAP = N_(
    "Instagram gave no views or reach: {error}. Insights need the permission "
    "instagram_manage_insights (instagram_business_manage_insights)."
)

RUPLOAD_BASE = "https://rupload.facebook.com"
MB = 1024 * 1024

#: status polling: Meta asks for at most one query a minute for at most five minutes
#: [verified: S6]. A photo is usually ready within seconds, so the first query comes
#: ``POLL_FIRST_DELAY`` after the container was made and the gap doubles up to Meta's minute;
#: a container made ahead (``prepare``) is usually FINISHED at the first query
POLL_FIRST_DELAY = 1.0
POLL_MAX_DELAY = 60.0
POLL_TIMEOUT = 300.0
#: containers made ahead of the post being published: enough to cover a photo's processing
#: while earlier posts go out (about 2 s each at 2 calls a second), few enough that a run that
#: stops early wastes little of the 400 containers a day Meta allows [verified: S6, S7]
PIPELINE_DEPTH = 4
DEFAULT_QUOTA_TOTAL = 50  # "currently 50" [verified: S5]; the answer's quota_total wins
#: how many recent posts ``find`` reads; an interrupted run is among the last few
FIND_LIMIT = 25

#: comments asked for per page, and read at most per post (replies included)
COMMENTS_PAGE_SIZE = 50
MAX_COMMENTS = 1000
#: a comment's text limit [uncertain: not documented for comments; the caption's 2200]
COMMENT_LIMIT = 2200
#: a reply's fields [verified: S1 IGComment; S5 comment moderation]. ``user`` comes only on
#: comments the account wrote itself [S5 IG Comment], which is how its own are left out
#: (``from.id`` is an Instagram-scoped id that need not equal the account's id [uncertain])
REPLY_FIELDS = "id,text,timestamp,username,from{id,username},hidden,user"
COMMENT_FIELDS = (
    "id,text,timestamp,username,from{id,username},hidden,parent_id,user,"
    f"replies{{{REPLY_FIELDS}}}"
)
PROFILE_URL = "https://www.instagram.com/{username}/"
#: the permissions a missing-permission answer points to [verified: S5 comment references]
PUBLISH_PERMISSIONS = "instagram_basic, instagram_content_publish or pages_read_engagement"
COMMENT_PERMISSIONS = "instagram_basic, instagram_manage_comments or pages_read_engagement"
COMMENT_OPS = frozenset({"comments", "delete_comment", "hide_comment", "reply"})


@dataclass(frozen=True)
class Pending:
    """Containers made for a post not yet published: its own (a photo or a Reel), or the
    items of a carousel whose own container is made once they are FINISHED."""

    container_id: str
    children: tuple[str, ...]
    #: ``clock.monotonic()`` when they were made (and a video uploaded): processing starts
    started: float


class InstagramAdapter(GraphAdapter):
    """An Instagram professional account: photos, carousels and Reels with a caption."""

    name = "instagram"
    title = NETWORK_TABLE["instagram"].title
    base_urls: ClassVar[tuple[str, ...]] = (GRAPH_HOST, RUPLOAD_BASE)
    token_help = N_(
        "Link the Instagram professional account to the administration's Facebook Page. In a "
        "Meta app with Facebook Login for Business, log in as a Page admin granting only "
        "instagram_basic, instagram_content_publish, instagram_manage_comments, "
        "pages_show_list and pages_read_engagement; exchange the user token for a long-lived "
        "one (GET /oauth/access_token?grant_type=fb_exchange_token) and read the Page token "
        "from GET /me/accounts: it does not expire. The account id is the Page's "
        "instagram_business_account id. Instagram downloads photos itself, from media_base_url "
        "(publisher.yml or the account's settings), which must serve the repository publicly."
    )
    capabilities = NETWORK_TABLE["instagram"].capabilities

    def __init__(
        self,
        account: Account,
        tokens: Tokens,
        http: httpx.Client,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(account, tokens, http, limiter, clock)
        #: containers made ahead by ``prepare``, by the key of the post they are for
        self._pending: dict[str, Pending] = {}
        #: posts the publishing quota still allows this run (None: not read yet)
        self._quota: int | None = None

    # -- addresses ----------------------------------------------------------------------------

    @property
    def _owner(self) -> str:
        return self.account.account_id

    @property
    def _media_edge(self) -> str:
        return f"{self._owner}/media"

    def _get(self, op: str, path: str, **params: str) -> dict[str, Any]:
        body = self.api.call("GET", self.graph_url(path), op, params=params, headers=self.bearer())
        return as_dict(body)

    def _post(
        self, op: str, path: str, data: Mapping[str, str], *, creates: bool = False
    ) -> dict[str, Any]:
        url = self.graph_url(path)
        body = self.api.call("POST", url, op, creates=creates, data=data, headers=self.bearer())
        return as_dict(body)

    def public_url(self, media: Media) -> str:
        """Where Instagram downloads a photo: ``media_base_url`` + the repository path.

        Meta fetches US-ASCII URLs only [verified: S6], so the path is percent-encoded.
        """
        base = str(self.account.settings.get("media_base_url") or "")
        if not base:
            raise ConfigError(
                _(
                    "{path}: Instagram needs media_base_url (in the account's settings or in "
                    "publisher.yml) to publish photos.",
                    path=self.account.path,
                ),
                _(
                    "Set media_base_url to the public address where the repository's files are "
                    "served (for example the Pages site): Instagram downloads photos from there."
                ),
            )
        return quote(base.rstrip("/"), safe=":/?#[]@!$&'()*+,;=%~") + "/" + quote(media.rel)

    # -- verify -------------------------------------------------------------------------------

    def verify(self) -> AccountInfo:
        body = self._get("verify", self._owner, fields="id,username")
        username = str(body.get("username") or "")
        url = f"https://www.instagram.com/{username}/" if username else ""
        return AccountInfo(self.name, username or self._owner, str(body.get("id", "")), url)

    # -- reach figures ----------------------------------------------------------------------

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """Each media's ``/insights``: views, reach, likes, comments and shares
        (``impressions`` and ``plays`` were withdrawn on 2025-04-21) [verified: Meta's IG
        Media Insights reference]. A metric without data yet comes back missing, not 0. A
        deleted media is left out; a token without ``instagram_manage_insights`` keeps
        ``like_count`` and ``comments_count`` of the media itself, and the gap is said."""
        found: dict[str, PostFigures] = {}
        gaps: list[str] = []
        for ref in refs:
            try:
                found[ref.remote_id] = self._figures_of(ref.remote_id, gaps)
            except NotFound:
                continue
        return FiguresRead(found, tuple(gaps))

    def _figures_of(self, media_id: str, gaps: list[str]) -> PostFigures:
        """The media's insights while the token reads them; its own counts once it does not
        (the reason then goes into ``gaps``, once)."""
        if not gaps:
            try:
                return self._insights(media_id)
            except AuthError as error:
                gaps.append(_(INSIGHTS_GAP, error=error.detail))
        media = self._get("post_figures", media_id, fields="like_count,comments_count")
        return PostFigures(
            reactions=count(media.get("like_count")), comments=count(media.get("comments_count"))
        )

    def _insights(self, media_id: str) -> PostFigures:
        metric = ",".join(MEDIA_METRICS.values())
        values = insight_values(self._get("post_insights", f"{media_id}/insights", metric=metric))
        return PostFigures(**{name: values.get(m) for name, m in MEDIA_METRICS.items()})

    def followers(self) -> int:
        """The IG user's ``followers_count`` [verified: S1 IGUser fields]."""
        body = self._get("followers", self._owner, fields="followers_count")
        found = count(body.get("followers_count"))
        if found is None:
            raise Transient(self.name, "followers", "no followers_count in the answer")
        return found

    def shown_profile(self) -> Mapping[str, str]:
        """``name``, ``biography`` and ``website`` of the IG User: a person sets them in the
        app, the API reads them [uncertain: IG User fields]."""
        body = self._get("read profile", self._owner, fields="name,biography,website")
        return shown_texts(
            title=body.get("name"), description=body.get("biography"), website=body.get("website")
        )

    # -- publish ------------------------------------------------------------------------------

    def prepare(self, upcoming: Sequence[tuple[RenderedPost, str]]) -> None:
        """Make containers for the next posts while earlier ones go out (pipelining).

        Only as many as the publishing quota still allows, at most ``PIPELINE_DEPTH``.
        Containers are invisible until ``media_publish`` and expire unused after 24 h, so
        making them ahead can never post anything twice. Raises RateLimited when the quota
        (or the call budget) leaves no room for the first post: the engine then leaves it and
        the rest for a later run instead of waiting for hours.
        """
        room = self._quota_left()
        for position, (post, key) in enumerate(upcoming[: min(PIPELINE_DEPTH, room)]):
            if key in self._pending:
                continue
            try:
                self._check_publishable(post)
                self._pending[key] = self._start(post)
            except RateLimited:
                if position == 0:
                    raise
                return
            except (NetworkError, ConfigError):
                return  # ``publish`` meets the same problem and reports it for its post

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        """Container(s) → FINISHED → ``media_publish`` → permalink.

        Instagram has no idempotency field, so ``key`` is not sent; ``find`` matches captions.
        Nothing is visible before ``media_publish``, so a failure earlier leaves nothing to undo.
        """
        self._check_publishable(post)
        self._quota_left()
        pending = self._pending.pop(key, None) or self._start(post)
        container_id = self._finish(pending, post)
        edge = f"{self._owner}/media_publish"
        try:
            body = self._post("publish", edge, {"creation_id": container_id}, creates=True)
        except RateLimited as exc:
            if exc.retry_after >= QUOTA_WAIT:
                self._quota = 0
            raise
        if self._quota is not None:
            self._quota -= 1
        media_id = str(body["id"])
        self._apply_options(media_id, post)
        return self._reference(media_id)

    def _check_publishable(self, post: RenderedPost) -> None:
        """Refuse what Instagram cannot show before any call is made."""
        if not post.media:
            raise Rejected(
                self.name,
                "publish",
                "Instagram cannot publish a post without a photo or video",
                _("Add a photo or a video to the post, or remove instagram from its networks."),
            )
        unsupported = sorted({m.kind for m in post.media} - {"photo", "video"})
        if unsupported:
            raise Rejected(
                self.name,
                "publish",
                f"Instagram does not accept {', '.join(unsupported)} files",
                _("Instagram takes JPEG photos and MP4 or MOV videos only; GIFs are not shown."),
            )
        for media in post.media:
            if media.kind == "photo":
                self.public_url(media)

    def _quota_left(self) -> int:
        """Posts the rolling 24 h publishing quota still allows [verified: S5, S6].

        Read once per run from ``content_publishing_limit`` (``quota_total`` wins over the
        documented 50) and counted down as posts go out; read again when the count reaches
        zero, since the window rolls. RateLimited when nothing is left: the post waits for a
        later run.
        """
        if not self._quota:
            edge = f"{self._owner}/content_publishing_limit"
            body = self._get("quota", edge, fields="config,quota_usage")
            entries = body.get("data") or [{}]
            entry = as_dict(entries[0])
            usage = int(entry.get("quota_usage") or 0)
            total = int(as_dict(entry.get("config")).get("quota_total") or DEFAULT_QUOTA_TOTAL)
            self._quota = max(0, total - usage)
            if not self._quota:
                detail = f"publishing quota used: {usage} of {total} posts in 24 h"
                raise PostingLimit(self.name, "publish", detail, QUOTA_WAIT)
        return self._quota

    def _start(self, post: RenderedPost) -> Pending:
        """Make the post's containers without waiting for them: one photo, one Reel, or the
        items of a carousel (whose own container needs them FINISHED first)."""
        if len(post.media) == 1:
            caption = {"caption": post.text} if post.text else {}
            container_id = self._single_container(post.media[0], caption)
            return Pending(container_id, (), self.clock.monotonic())
        children = tuple(self._item_container(media) for media in post.media)
        # processing starts once a video is uploaded, so the clock starts after the uploads
        return Pending("", children, self.clock.monotonic())

    def _finish(self, pending: Pending, post: RenderedPost) -> str:
        """The FINISHED container that makes the post (a carousel's is made here)."""
        container_id, started = pending.container_id, pending.started
        if not container_id:
            self._wait_finished(list(pending.children), started)
            caption = {"caption": post.text} if post.text else {}
            fields = {"media_type": "CAROUSEL", "children": ",".join(pending.children), **caption}
            container_id = str(self._post("container", self._media_edge, fields)["id"])
            started = self.clock.monotonic()
        self._wait_finished([container_id], started)
        return container_id

    def _single_container(self, media: Media, caption: dict[str, str]) -> str:
        if media.kind == "video":
            return self._video_container(media, media_type="REELS", **caption)
        fields = {"image_url": self.public_url(media), **caption, **_alt(media)}
        return str(self._post("container", self._media_edge, fields)["id"])

    def _item_container(self, media: Media) -> str:
        """A carousel item: no caption; a video item is ``VIDEO`` [verified: S5]."""
        if media.kind == "video":
            return self._video_container(media, media_type="VIDEO", is_carousel_item="true")
        fields = {"image_url": self.public_url(media), "is_carousel_item": "true", **_alt(media)}
        return str(self._post("container", self._media_edge, fields)["id"])

    def _video_container(self, media: Media, **fields: str) -> str:
        """Create a resumable video container and upload the file to it [verified: S6, S7]."""
        created = self._post("container", self._media_edge, {"upload_type": "resumable", **fields})
        container_id = str(created["id"])
        self._upload_video(self._upload_url(created.get("uri"), container_id), media)
        return container_id

    def _upload_url(self, uri: object, container_id: str) -> str:
        """The ``uri`` Meta answered, if it is Meta's upload host; the token goes there."""
        if isinstance(uri, str) and uri.startswith(RUPLOAD_BASE + "/"):
            return uri
        return f"{RUPLOAD_BASE}/ig-api-upload/{self.version}/{container_id}"

    def _upload_video(self, url: str, media: Media) -> None:
        """POST the raw file, streamed from disk, with ``offset`` and ``file_size`` headers."""
        size = media.path.stat().st_size
        headers = {
            **self.bearer("OAuth"),
            "offset": "0",
            "file_size": str(size),
            "Content-Length": str(size),
            "Content-Type": "application/octet-stream",
        }
        body = self.api.call(
            "POST",
            url,
            "upload",
            content=FileChunks(media.path),
            headers=headers,
            timeout=UPLOAD_TIMEOUT,
        )
        if as_dict(body).get("success") is False:
            detail = redact(f"video upload refused: {body}")
            raise Transient(self.name, "upload", detail)

    def _wait_finished(self, container_ids: list[str], started: float) -> None:
        """Poll the containers' status until all are FINISHED: the first query
        ``POLL_FIRST_DELAY`` after they were made (at once for containers made ahead), then
        at gaps that double up to a minute, for at most ``POLL_TIMEOUT``."""
        pending, delay = list(container_ids), POLL_FIRST_DELAY
        self.clock.sleep(started + POLL_FIRST_DELAY - self.clock.monotonic())
        while True:
            pending = [cid for cid in pending if not self._is_finished(cid)]
            if not pending:
                return
            waited = self.clock.monotonic() - started
            if waited >= POLL_TIMEOUT:
                detail = f"media container {pending[0]} still processing after {waited:.0f} s"
                raise Transient(self.name, "publish", detail)
            self.clock.sleep(delay)
            delay = min(delay * 2, POLL_MAX_DELAY)

    def _is_finished(self, container_id: str) -> bool:
        """FINISHED is ready; ERROR means the media was refused; EXPIRED needs a new container."""
        body = self._get("status", container_id, fields="status_code,status")
        code = str(body.get("status_code", ""))
        text = redact(f"container {container_id}: {code}: {body.get('status', '')}")
        if code == "ERROR":
            raise Rejected(
                self.name,
                "publish",
                text,
                _(
                    "Instagram could not process the media. Photos: JPEG up to 8 MB, aspect "
                    "ratio from 4:5 to 1.91:1. Videos: MP4 or MOV (H.264), 3 s to 15 min, up "
                    "to 300 MB."
                ),
            )
        if code == "EXPIRED":
            raise Transient(self.name, "publish", text)
        return code in ("FINISHED", "PUBLISHED")

    def _apply_options(self, media_id: str, post: RenderedPost) -> None:
        """``close_comments`` turns comments off [verified: S1 comment_enabled].

        Best effort: the post is already live, and failing now would make the engine
        publish it a second time.
        """
        if not post.options.get("close_comments"):
            return
        try:
            self._post("close_comments", media_id, {"comment_enabled": "false"})
        except NetworkError:
            return

    def _reference(self, media_id: str) -> RemoteRef:
        """The published media with its link; a lost link must not fail a live post."""
        try:
            body = self._get("permalink", media_id, fields="permalink,timestamp")
        except NetworkError:
            body = {}
        published = parse_time(body.get("timestamp")) or self.clock.now()
        permalink = str(body.get("permalink") or "")
        return RemoteRef(self.name, media_id, permalink, (media_id,), published)

    # -- update, delete, find -----------------------------------------------------------------

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """Never called: ``can_edit`` is false because captions cannot be edited."""
        raise Rejected(
            self.name,
            "update",
            "Instagram captions cannot be edited through the API",
            _("Delete the post and publish it again, or edit it in the Instagram app."),
        )

    def delete(self, ref: RemoteRef) -> None:
        for media_id in ref.parts or (ref.remote_id,):
            self._delete_media(media_id)

    def _delete_media(self, media_id: str) -> None:
        """DELETE the media; Graph answers a gone object and an undeletable one alike.

        Both come as error 100/33 ("does not exist ... or does not support this operation"),
        so a follow-up read tells them apart: gone is fine, present means delete by hand.
        """
        manual = _("Delete the post manually in the Instagram app.")
        try:
            self.api.call("DELETE", self.graph_url(media_id), "delete", headers=self.bearer())
        except NotFound:
            if self._exists(media_id):
                detail = f"media {media_id} cannot be deleted through the API"
                raise Rejected(self.name, "delete", detail, manual) from None
        except Rejected as exc:
            raise Rejected(self.name, "delete", exc.detail, manual) from None

    def _exists(self, media_id: str) -> bool:
        try:
            self._get("delete", media_id, fields="id")
        except NotFound:
            return False
        return True

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """Look for the caption among the account's latest media [verified: S1 IGUser/media].

        A post without a caption cannot be told from others, so the answer is UNKNOWN.
        """
        text = post.text.strip()
        if not text:
            return FindResult.UNKNOWN
        fields = "id,caption,permalink,timestamp"
        body = self._get("find", self._media_edge, fields=fields, limit=str(FIND_LIMIT))
        for item in body.get("data") or []:
            entry = as_dict(item)
            if str(entry.get("caption") or "").strip() == text:
                media_id = str(entry["id"])
                published = parse_time(entry.get("timestamp"))
                return RemoteRef(
                    self.name, media_id, str(entry.get("permalink") or ""), (media_id,), published
                )
        return FindResult.ABSENT

    # -- comments, moderation and replies -----------------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Every comment and reply under the media, oldest first, the account's own left out.

        The comments edge documents no ``since`` filter [uncertain: reference "Read comments"],
        and a new reply may sit under an old comment, so every page is read (at most
        ``MAX_COMMENTS`` items, replies included) and ``since`` is applied here, strictly.
        """
        found: list[Comment] = []
        for item, parent_id in itertools.islice(self._comment_items(ref.remote_id), MAX_COMMENTS):
            comment = self._comment(item, ref, parent_id)
            if comment is None:
                continue
            if since is not None and comment.created_at is not None and comment.created_at <= since:
                continue
            found.append(comment)
        return sorted(found, key=lambda c: c.created_at or datetime.min.replace(tzinfo=UTC))

    def _comment_items(self, media_id: str) -> Iterator[tuple[Mapping[str, Any], str]]:
        """Top-level comments, each followed by its replies, with the parent id of each."""
        params = {"fields": COMMENT_FIELDS, "limit": str(COMMENTS_PAGE_SIZE)}
        for item in self._pages(f"{media_id}/comments", params):
            comment_id = str(item.get("id") or "")
            yield item, ""
            for reply in self._replies(item):
                yield reply, comment_id

    def _replies(self, item: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        """The replies expanded in the comment, then the rest from ``/{comment}/replies``."""
        nested = as_dict(item.get("replies"))
        data = [reply for reply in nested.get("data") or [] if isinstance(reply, Mapping)]
        yield from data
        after = next_cursor(nested, data)
        if after and item.get("id"):
            params = {"fields": REPLY_FIELDS, "limit": str(COMMENTS_PAGE_SIZE)}
            yield from self._pages(f"{item['id']}/replies", params, after)

    def _pages(
        self, edge: str, params: dict[str, str], after: str = ""
    ) -> Iterator[Mapping[str, Any]]:
        pages = MAX_COMMENTS // COMMENTS_PAGE_SIZE
        return paged(lambda query: self._get("comments", edge, **query), params, pages, after)

    def _comment(self, item: Mapping[str, Any], ref: RemoteRef, parent_id: str) -> Comment | None:
        """One comment, or None for the account's own (or one without an id)."""
        author = as_dict(item.get("from"))
        author_id = str(author.get("id") or "")
        comment_id = str(item.get("id") or "")
        if not comment_id or self._is_own(item, author_id):
            return None
        username = str(author.get("username") or item.get("username") or "")
        parent = parent_id or str(item.get("parent_id") or "")
        created = parse_time(item.get("timestamp"))
        return Comment(
            network=self.name,
            id=comment_id,
            text=str(item.get("text") or ""),
            author_id=author_id,
            author_name=username,
            author_url=PROFILE_URL.format(username=username) if username else "",
            post_id=ref.remote_id,
            parent_id=parent,
            created_at=created.astimezone(UTC) if created else None,
            url=_comment_url(ref.url, comment_id, parent),
            extra={"hidden": bool(item.get("hidden", False)), "permalink": ref.url},
        )

    def _is_own(self, item: Mapping[str, Any], author_id: str) -> bool:
        """Written by the account: ``user`` names it, or ``from`` is the account itself."""
        user = item.get("user")
        user_id = str(user.get("id") or "") if isinstance(user, Mapping) else str(user or "")
        return self._owner in (author_id, user_id)

    def delete_comment(self, comment: Comment) -> None:
        """``DELETE /{ig-comment-id}`` [verified: S1; S5]; its replies go with it. Gone is fine."""
        try:
            self.api.call(
                "DELETE", self.graph_url(comment.id), "delete_comment", headers=self.bearer()
            )
        except NotFound:
            return

    def hide_comment(self, comment: Comment) -> None:
        """``POST /{ig-comment-id} hide=true``: only its author still sees it [verified: S1]."""
        try:
            self._post("hide_comment", comment.id, {"hide": "true"})
        except NotFound:
            return

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """``POST /{ig-comment-id}/replies message`` as the account [verified: S1; S6].

        Replies are one level deep: a reply to a reply goes to its top-level comment, as
        Instagram itself would do it [verified: S5 IG Comment Replies]. Instagram refuses
        replies to hidden comments; that answer comes back as Rejected.
        """
        if len(text) > COMMENT_LIMIT:
            detail = _(
                "The text is {length} characters; {network} allows {limit}.",
                length=len(text),
                network=self.title,
                limit=COMMENT_LIMIT,
            )
            raise Rejected(self.name, "reply", detail, _("Shorten the reply."))
        thread = comment.parent_id or comment.id
        body = self._post("reply", f"{thread}/replies", {"message": text}, creates=True)
        reply_id = str(body["id"])
        permalink = str(comment.extra.get("permalink") or "")
        return RemoteRef(
            network=self.name,
            remote_id=reply_id,
            url=_comment_url(permalink, reply_id, thread),
            parts=(reply_id,),
            published_at=self.clock.now(),
            extra={"parent_id": thread},
        )

    # -- errors -------------------------------------------------------------------------------

    def permissions(self, op: str) -> str:
        return COMMENT_PERMISSIONS if op in COMMENT_OPS else PUBLISH_PERMISSIONS


class FileChunks:
    """A file's bytes in ``CHUNK_SIZE`` pieces, read from disk as they are sent.

    Iterable again and again (each pass reopens the file), so a retried request resends the
    whole file instead of an exhausted generator.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk


def _comment_url(permalink: str, comment_id: str, parent_id: str = "") -> str:
    """Instagram's web link to a comment, ``{permalink}c/{id}/`` or, for a reply,
    ``{permalink}c/{parent}/r/{id}/`` [uncertain: web URLs, not in the API docs]."""
    if not permalink.startswith("https://www.instagram.com/"):
        return ""
    base = permalink.rstrip("/")
    if parent_id:
        return f"{base}/c/{parent_id}/r/{comment_id}/"
    return f"{base}/c/{comment_id}/"


def _alt(media: Media) -> dict[str, str]:
    """Alt text for image containers (``alt_text``, 2025) [uncertain: carousel items]."""
    return {"alt_text": media.alt} if media.alt else {}
