"""Instagram Platform (Facebook Login path) emulator: containers, resumable video, publishing.

Publishing is Meta's two-step protocol [verified: S5 content publishing]: ``POST /{ig-user}/media``
makes a container (an image Instagram downloads from a public URL, a video uploaded to
``rupload.facebook.com``, or a carousel of such items), ``GET /{container}`` reports its
``status_code``, and ``POST /{ig-user}/media_publish`` turns a FINISHED container into a post.

Graph calls go to ``graph.facebook.com``, which the Facebook emulator owns (the sandbox routes by
host), so this class declares only the upload host. The Facebook emulator hands over every graph
request for which ``handles(path)`` is true by calling this emulator with the request.

Comments (reference "Read comments", "Moderate"): ``GET /{media}/comments`` lists top-level
comments newest first with nested ``fields`` (``from{id,username}``, ``replies{...}``, whose
first page comes expanded); ``GET|POST /{comment}/replies`` reads and answers (one level deep:
an answer to a reply joins its top-level comment; hidden comments cannot be answered);
``POST /{comment}`` ``hide``; ``DELETE /{comment}`` (its replies go too); ``POST
/{media}/comments`` comments as the account. There is no block API and no direct messages. The
profile (name, bio, website, picture) has no API either: ``edit_profile`` is the person in the app.

Several accounts (``accounts.SandboxAccount``): a token runs the accounts it is declared with; on
anything of another account Graph answers 100/33 "does not exist, cannot be loaded due to
missing permissions" [verified: S2 error handling, the answer for an object a token may not
see], and a token declared nowhere 190 [verified: S5 "190 token"]. The BUC budget and the
publishing quota are each account's own [verified: S5, S6].
"""

from __future__ import annotations

import base64
import json
import math
import re
import string
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

from markupsafe import Markup
from mutagen import MutagenError
from mutagen.mp4 import MP4
from PIL import Image, UnidentifiedImageError
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from publisher.core.clock import Clock
from publisher.sandbox.accounts import Owners, SandboxAccount
from publisher.sandbox.core import Emulator, Store, next_id
from publisher.sandbox.figures import followers, grown
from publisher.sandbox.pages import render

NETWORK = "instagram"
RUPLOAD_HOST = "rupload.facebook.com"
UPLOAD_PREFIX = "/ig-api-upload/"
VERSION = re.compile(r"v\d+\.0")
#: edges of an IG user that only Instagram has, so they are ours whatever the id
#: the media insights the emulator answers, and the figure each grows like (``figures``)
MEDIA_INSIGHTS = {
    "views": "views",
    "reach": "reach",
    "likes": "reactions",
    "comments": "comments",
    "shares": "reposts",
    "saved": "saved",
    "total_interactions": "reactions",
}
#: media metrics Meta withdrew on 2025-04-21 [verified: Meta's IG Media Insights reference]
WITHDRAWN_METRICS = frozenset({"impressions", "plays", "video_views", "clips_replays_count"})
OWNER_EDGES = frozenset({"media", "media_publish", "content_publishing_limit"})
#: real IG professional account ids start like this; lets ``handles`` claim an unseen account
IG_USER_PREFIX = "1784"
#: first id the emulator hands out for containers and media (looks like a real IG id)
FIRST_ID = 17_900_000_000_000_001

MB = 1024 * 1024
CAPTION_LIMIT = 2200  # [verified: S6, S7]
HASHTAG_LIMIT = 30  # [verified: S6, S7]
MENTION_LIMIT = 20  # [verified: S6, S7]
#: "8 MB" [verified: S6, S7]; read as MiB [uncertain], the adapter's capability says the same
IMAGE_MAX_BYTES = 8 * MB
VIDEO_MAX_BYTES = 300 * MB  # Reels [verified: S6, S7]
#: a Reel plays 3 s to 15 min [verified: S6, S7]
VIDEO_SECONDS = (3.0, 15 * 60.0)
#: width / height from 4:5 to 1.91:1 [verified: S6, S7]; a hair of rounding is allowed
MIN_ASPECT, MAX_ASPECT, ASPECT_SLACK = 0.8, 1.91, 0.005
CAROUSEL_MIN, CAROUSEL_MAX = 2, 10  # [verified: S6]
QUOTA_TOTAL = 50  # the reference value of content_publishing_limit [verified: S5]
DAY = 86400.0
CONTAINER_TTL = DAY  # EXPIRED when not published within 24 h [verified: S5]
#: seconds Instagram takes to process a container when nobody asks (emulator's choice)
IMAGE_PROCESSING = 5.0
VIDEO_PROCESSING = 30.0
#: first bytes 4..8 of an MP4 or QuickTime file
VIDEO_ATOMS = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"})
SHORTCODE_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
HASHTAG = re.compile(r"(?<![\w&])#\w+")
MENTION = re.compile(r"(?<![\w.])@[\w.]+")
#: a comment's length [uncertain: not documented for comments; the caption's limit]
COMMENT_LIMIT = 2200
#: ``limit`` of the comments and replies edges: default and largest [uncertain]
COMMENTS_DEFAULT_LIMIT = 25
COMMENTS_MAX_LIMIT = 50
#: replies expanded inside a comment by ``fields=replies{...}`` [uncertain: Graph's default]
NESTED_REPLIES_LIMIT = 25
#: what a comment answers without ``fields`` [verified: S5 comment moderation sample]
DEFAULT_COMMENT_FIELDS = "timestamp,text,id"
PROFILE_KEYS = ("title", "description", "website", "avatar", "cover")

NOT_READY_MESSAGE = "The media is not ready for publishing, please wait for a moment"
MISSING_OBJECT = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due "
    "to missing permissions, or does not support this operation. Please read the Graph API "
    "documentation at https://developers.facebook.com/docs/graph-api"
)

NO_SUBCODE = 0


class GraphError(Exception):
    """A Graph API error answer: ``{"error": {"message", "type", "code", "error_subcode"...}}``."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int = NO_SUBCODE,
        user_msg: str = "",
        transient: bool = False,
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.subcode = subcode
        self.user_msg = user_msg
        self.transient = transient
        self.status = status
        self.headers = headers or {}


class UploadError(Exception):
    """An rupload answer: ``{"debug_info": {"retriable", "type", "message"}}`` [uncertain]."""

    def __init__(self, status: int, kind: str, message: str, retriable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.retriable = retriable


class InstagramEmulator(Emulator):
    """The Instagram Graph API of one or more professional accounts, plus the video upload host."""

    network = NETWORK
    hosts: ClassVar[tuple[str, ...]] = (RUPLOAD_HOST,)
    rules: ClassVar[list[Rule]] = [
        Rule(f"{UPLOAD_PREFIX}<version>/<container>", methods=["POST"], endpoint="rupload"),
        Rule("/<version>/<node>", methods=["GET"], endpoint="get_node"),
        Rule("/<version>/<node>", methods=["POST"], endpoint="update_node"),
        Rule("/<version>/<node>", methods=["DELETE"], endpoint="delete_node"),
        Rule("/<version>/<node>/media", methods=["GET"], endpoint="list_media"),
        Rule("/<version>/<node>/media", methods=["POST"], endpoint="create_container"),
        Rule("/<version>/<node>/media_publish", methods=["POST"], endpoint="media_publish"),
        Rule(
            "/<version>/<node>/content_publishing_limit",
            methods=["GET"],
            endpoint="publishing_limit",
        ),
        Rule("/<version>/<node>/comments", methods=["GET"], endpoint="list_comments"),
        Rule("/<version>/<node>/comments", methods=["POST"], endpoint="comment_media"),
        Rule("/<version>/<node>/replies", methods=["GET"], endpoint="list_replies"),
        Rule("/<version>/<node>/replies", methods=["POST"], endpoint="reply"),
        Rule("/<version>/<node>/insights", methods=["GET"], endpoint="media_insights"),
    ]

    #: Instagram's Business Use Case limit per account: 4800 × impressions per rolling 24 h
    #: [verified: S6, S7]; the emulator counts one impression (the smallest account), so 4800
    #: calls a day. Tests shrink it
    buc_calls: int = 4800
    buc_window: float = 86400.0

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__(store, clock)
        self._calls: dict[str, deque[float]] = {}
        self._calls_lock = threading.Lock()

    # -- routing ------------------------------------------------------------------------------

    def handles(self, path: str) -> bool:
        """Whether a ``graph.facebook.com`` request for ``path`` belongs to Instagram.

        True for ``/vNN.0/{id}/media``, ``/media_publish``, ``/content_publishing_limit``, and for
        any path whose first segment after the version is an IG user, container, media or comment
        id this emulator knows, or looks like an IG professional account id (``1784…``). So
        ``/{media}/comments``, ``/{comment}`` and ``/{comment}/replies`` are claimed only for ids
        it issued; a Facebook post's ``/comments`` stays with the Facebook emulator.
        """
        segments = path.strip("/").split("/")
        if len(segments) < 2 or not VERSION.fullmatch(segments[0]):
            return False
        if len(segments) == 3 and segments[2] in OWNER_EDGES:
            return True
        node = segments[1]
        if node.isdigit() and node.startswith(IG_USER_PREFIX):
            return True
        state = self.store.read(NETWORK)
        tables = ("users", "containers", "media", "comments", "accounts")
        return any(node in state.get(table, {}) for table in tables)

    def __call__(self, request: Request) -> Response:
        upload = request.path.startswith(UPLOAD_PREFIX)
        if upload != (request.host.lower() == RUPLOAD_HOST):
            return self.not_found(request)
        try:
            return super().__call__(request)
        except GraphError as exc:
            return self.graph_error(exc)
        except UploadError as exc:
            return self.upload_error(exc)

    def not_found(self, request: Request) -> Response:
        if request.host.lower() == RUPLOAD_HOST:
            return Response("Not Found", status=404)
        return self.graph_error(GraphError(2500, f"Unknown path components: {request.path}"))

    # -- answers ------------------------------------------------------------------------------

    def graph_error(self, exc: GraphError) -> Response:
        error: dict[str, Any] = {
            "message": exc.message,
            "type": "OAuthException",
            "code": exc.code,
            "is_transient": exc.transient,
            "fbtrace_id": f"Sandbox{self.now():x}",
        }
        if exc.subcode:
            error["error_subcode"] = exc.subcode
        if exc.user_msg:
            error["error_user_title"] = exc.message
            error["error_user_msg"] = exc.user_msg
        return self.json({"error": error}, status=exc.status, headers=exc.headers)

    def upload_error(self, exc: UploadError) -> Response:
        info = {"retriable": exc.retriable, "type": exc.kind, "message": exc.message}
        return self.json({"debug_info": info}, status=exc.status)

    def fault_response(self, kind: str) -> Response:
        """Meta's answers: Instagram's BUC limit with a one-minute wait, or a transient 500."""
        if kind == "rate429":
            return self.graph_error(_rate_limit_error("sandbox", minutes=1))
        error = GraphError(
            2,
            "An unexpected error has occurred. Please retry your request later.",
            transient=True,
            status=500,
        )
        return self.graph_error(error)

    # -- common checks ------------------------------------------------------------------------

    def _authorize(self, request: Request, version: str) -> str:
        """The request's token, or the Graph error a missing or revoked one gets."""
        if not VERSION.fullmatch(version):
            raise GraphError(2500, f"Unknown path components: /{version}")
        token = _token_of(request)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        if self.is_revoked(token):
            raise GraphError(
                190,
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons.",
                subcode=460,
            )
        owners = Owners(self.store.read(NETWORK))
        if owners.declared and not owners.knows(token):
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        return token

    def _charge(self, state: dict[str, Any], request: Request, owner: str, node: str) -> None:
        """Refuse a call on an account the token does not run, as Graph hides what a token may
        not see; then count it against the account's BUC budget."""
        if not Owners(state).may(_token_of(request), owner):
            method = request.method.lower()
            raise GraphError(100, MISSING_OBJECT.format(method=method, id=node), subcode=33)
        self._throttle(owner)

    def _throttle(self, owner: str) -> None:
        """Count a call against the account's BUC budget; error 80002 when it is spent."""
        now = self.clock.monotonic()
        with self._calls_lock:
            seen = self._calls.setdefault(owner, deque())
            while seen and now - seen[0] >= self.buc_window:
                seen.popleft()
            if len(seen) < self.buc_calls:
                seen.append(now)
                return
            wait = seen[0] + self.buc_window - now
        raise _rate_limit_error(owner, minutes=max(1, math.ceil(wait / 60)))

    def _user(self, state: dict[str, Any], node: str) -> dict[str, Any]:
        """The IG user ``node``, created on first use (the sandbox account is admin everywhere)."""
        if not node.isdigit() or _is_issued(state, node):
            raise GraphError(100, MISSING_OBJECT.format(method="get", id=node), subcode=33)
        users: dict[str, dict[str, Any]] = state.setdefault("users", {})
        return users.setdefault(node, {"id": node, "username": f"sandbox_{node}"})

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared professional account, with its username and name."""
        node = account.id.strip()
        try:
            user = self._user(state, node)
        except GraphError:
            raise ValueError(f"instagram: {node!r} is not an account id") from None
        if account.username:
            user["username"] = account.username
        if account.title:
            user["name"] = account.title
        return node

    def _now(self) -> float:
        return float(self.clock.now().timestamp())

    # -- GET /{node} --------------------------------------------------------------------------

    def on_get_node(self, request: Request, version: str, node: str) -> Response:
        self._authorize(request, version)
        fields = _fields(request)
        with self.store.transaction(NETWORK) as state:
            if node in state.get("comments", {}):
                comment = _live_comment(state, node, "get")
                self._charge(state, request, comment["owner"], node)
                tree = _field_tree(request.args.get("fields") or DEFAULT_COMMENT_FIELDS)
                return self.json(_comment_json(state, comment, tree, version))
            if node in state.get("containers", {}):
                container = state["containers"][node]
                self._charge(state, request, container["owner"], node)
                return self.json(self._container_fields(container, fields))
            if node in state.get("media", {}):
                media = _live_media(state, node, "get")
                self._charge(state, request, media["owner"], node)
                likes = self._grown(media, "reactions")
                values = {**_media_fields(state, media), "like_count": likes}
                return self.json(_select(fields, values, "IGMedia"))
            self._charge(state, request, node, node)
            user = self._user(state, node)
            values = {**_user_fields(state, user), "followers_count": followers(node, self.now())}
            return self.json(_select(fields, values, "IGUser"))

    def _grown(self, media: dict[str, Any], figure: str) -> int:
        """One of the media's figures, grown since it was published (``sandbox.figures``)."""
        created = datetime.strptime(media["timestamp"], "%Y-%m-%dT%H:%M:%S%z").timestamp()
        return grown(f"instagram{media['id']}", figure, int(created), int(self._now()))

    def on_media_insights(self, request: Request, version: str, node: str) -> Response:
        """``GET /{ig-media-id}/insights?metric=``: lifetime values [verified: Meta's IG Media
        Insights reference]; ``impressions``, ``plays`` and ``video_views`` are withdrawn
        (100 [uncertain: the wording])."""
        self._authorize(request, version)
        with self.store.transaction(NETWORK) as state:
            media = _live_media(state, node, "get")
            self._charge(state, request, media["owner"], node)
            comments = len(_live_comments(state, node))
        metrics = [m.strip() for m in request.args.get("metric", "").split(",") if m.strip()]
        if not metrics:
            raise GraphError(100, "(#100) The parameter metric is required")
        for metric in metrics:
            if metric in WITHDRAWN_METRICS:
                raise GraphError(
                    100,
                    f"(#100) Starting from version v22.0 and above, the {metric} metric is no "
                    "longer supported. Please use views instead.",
                )
            if metric not in MEDIA_INSIGHTS:
                allowed = ", ".join(MEDIA_INSIGHTS)
                raise GraphError(
                    100, f"(#100) metric[0] must be one of the following values: {allowed}"
                )
        values = {name: self._grown(media, figure) for name, figure in MEDIA_INSIGHTS.items()}
        values["comments"] = comments
        values["total_interactions"] = (
            values["likes"] + comments + values["shares"] + values["saved"]
        )
        data = [
            {
                "name": metric,
                "period": "lifetime",
                "values": [{"value": values[metric]}],
                "title": metric.replace("_", " ").capitalize(),
                "id": f"{node}/insights/{metric}/lifetime",
            }
            for metric in metrics
        ]
        return self.json({"data": data})

    def _container_fields(self, container: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        """Answer a status query; asking once is what moves a container to FINISHED."""
        code, text = self._status(container)
        if code == "IN_PROGRESS" and container.get("ready_at") is not None:
            container["checks"] = int(container.get("checks", 0)) + 1
        values = {"id": container["id"], "status_code": code, "status": text}
        return _select(fields, values, "ShadowIGMediaBuilder")

    def _status(self, container: dict[str, Any]) -> tuple[str, str]:
        """``status_code`` and ``status`` of a container now [verified: S5 IG Container]."""
        if container.get("published"):
            return "PUBLISHED", "Published: Media has been successfully published."
        if self._now() - float(container["created"]) >= CONTAINER_TTL:
            return "EXPIRED", "Expired: Media container was not published within 24 hours."
        if container.get("error"):
            return "ERROR", str(container["error"])
        ready_at = container.get("ready_at")
        if ready_at is not None and (container.get("checks") or self._now() >= float(ready_at)):
            return "FINISHED", "Finished: Media has been uploaded and it is complete."
        return "IN_PROGRESS", "In Progress: Media is still being processed."

    # -- POST /{node}: the one edit Instagram allows ------------------------------------------

    def on_update_node(self, request: Request, version: str, node: str) -> Response:
        """``comment_enabled`` is the only field of published media that can change [S1];
        a comment can be hidden; an IG user cannot be changed at all (100/33) [S1]."""
        self._authorize(request, version)
        with self.store.transaction(NETWORK) as state:
            if node in state.get("comments", {}):
                return self.json(self._hide(state, request, node))
            media = _live_media(state, node, "post")
            self._charge(state, request, media["owner"], node)
            value = request.values.get("comment_enabled")
            if value is None:
                raise GraphError(100, "(#100) The parameter comment_enabled is required.")
            media["comment_enabled"] = _truthy(value)
        return self.json({"success": True})

    # -- DELETE /{node} -----------------------------------------------------------------------

    def on_delete_node(self, request: Request, version: str, node: str) -> Response:
        """Delete published media [verified: S1 IGMedia.api_delete] or a comment with its
        replies [verified: S1 IGComment.api_delete; uncertain: replies]; containers cannot be."""
        self._authorize(request, version)
        with self.store.transaction(NETWORK) as state:
            if node in state.get("comments", {}):
                comment = _live_comment(state, node, "delete")
                self._charge(state, request, comment["owner"], node)
                for item in _live_comments(state, comment["media"]):
                    if comment["id"] in (item["id"], item["parent_id"]):
                        item["deleted"] = True
                return self.json({"success": True})
            media = _live_media(state, node, "delete")
            self._charge(state, request, media["owner"], node)
            media["deleted"] = True
            media["deleted_at"] = self._now()
        return self.json({"success": True})

    # -- GET /{ig-user}/media -----------------------------------------------------------------

    def on_list_media(self, request: Request, version: str, node: str) -> Response:
        """The account's live media, newest first, with cursor paging [verified: S1]."""
        self._authorize(request, version)
        fields = _fields(request)
        limit = min(max(_int_param(request, "limit", 25), 1), 100)
        offset = _cursor_offset(request.args.get("after"))
        with self.store.transaction(NETWORK) as state:
            self._charge(state, request, node, node)
            self._user(state, node)
            live = [m for m in _owned_media(state, node) if not m.get("deleted")]
            page = live[offset : offset + limit]
            data = [_select(fields, _media_fields(state, m), "IGMedia") for m in page]
        body: dict[str, Any] = {"data": data}
        if page:
            body["paging"] = _paging(request, offset, len(page), more=offset + limit < len(live))
        return self.json(body)

    # -- GET /{ig-user}/content_publishing_limit ----------------------------------------------

    def on_publishing_limit(self, request: Request, version: str, node: str) -> Response:
        """Posts published through the API in the rolling 24 h [verified: S5, S6]."""
        self._authorize(request, version)
        fields = _fields(request) or ["quota_usage"]
        since = float(_int_param(request, "since", 0))
        with self.store.transaction(NETWORK) as state:
            self._charge(state, request, node, node)
            self._user(state, node)
            usage = self._quota_usage(state, node, since)
        entry: dict[str, Any] = {}
        if "quota_usage" in fields:
            entry["quota_usage"] = usage
        if "config" in fields:
            entry["config"] = {"quota_total": QUOTA_TOTAL, "quota_duration": int(DAY)}
        return self.json({"data": [entry]})

    def _quota_usage(self, state: dict[str, Any], owner: str, since: float = 0.0) -> int:
        start = max(self._now() - DAY, since)
        times = state.get("publishes", {}).get(owner, [])
        return sum(1 for moment in times if float(moment) > start)

    # -- POST /{ig-user}/media ----------------------------------------------------------------

    def on_create_container(self, request: Request, version: str, node: str) -> Response:
        self._authorize(request, version)
        params = request.values
        media_type = params.get("media_type", "").upper()
        item = _truthy(params.get("is_carousel_item", "false"))
        with self.store.transaction(NETWORK) as state:
            self._charge(state, request, node, node)
            self._user(state, node)
            container: dict[str, Any] = {
                "id": str(next_id(state, start=FIRST_ID)),
                "owner": node,
                "created": self._now(),
                "is_carousel_item": item,
                "checks": 0,
            }
            if not item:
                container["caption"] = _checked_caption(params.get("caption", ""))
            answer = self._fill_container(state, container, media_type, request, version)
            state.setdefault("containers", {})[container["id"]] = container
        return self.json(answer)

    def _fill_container(
        self,
        state: dict[str, Any],
        container: dict[str, Any],
        media_type: str,
        request: Request,
        version: str,
    ) -> dict[str, Any]:
        """Set the container's media by type; return the creation answer."""
        if media_type == "CAROUSEL":
            if container["is_carousel_item"]:
                raise GraphError(100, "(#100) A carousel cannot be a carousel item.")
            self._fill_carousel(state, container, request.values.get("children", ""))
        elif media_type in ("REELS", "VIDEO", "STORIES"):
            return self._fill_video(container, media_type, request, version)
        elif media_type in ("", "IMAGE"):
            self._fill_image(container, request.values)
        else:
            raise GraphError(100, f"(#100) Param media_type has an unsupported value: {media_type}")
        return {"id": container["id"]}

    def _fill_image(self, container: dict[str, Any], params: Mapping[str, str]) -> None:
        """Download ``image_url`` as Instagram does and check it against the feed rules."""
        url = params.get("image_url", "")
        if not url:
            raise GraphError(100, "(#100) The parameter image_url is required.")
        path = self._fetch(url)
        _check_image(path)
        with open(path, "rb") as handle:
            name, size = self.store.save_upload(handle, suffix=".jpg")
        container.update(
            media_type="IMAGE",
            items=[
                {"kind": "photo", "file": name, "size": size, "alt": params.get("alt_text", "")}
            ],
            ready_at=self._now() + IMAGE_PROCESSING,
        )

    def _fetch(self, url: str) -> Path:
        """The file behind a public URL; Meta fetches US-ASCII URLs only [verified: S6]."""
        path = None
        if url.isascii() and url.startswith(("http://", "https://")):
            path = self.sandbox.fetch_public(url)
        if path is None:
            raise GraphError(
                9004,
                "(#9004) The media could not be fetched from this uri: " + url,
                subcode=2207052,
                user_msg="The media could not be fetched from the URI provided.",
            )
        return path

    def _fill_video(
        self, container: dict[str, Any], media_type: str, request: Request, version: str
    ) -> dict[str, Any]:
        """A video waits for its bytes on rupload (``upload_type=resumable``) or a public URL."""
        if media_type == "VIDEO" and not container["is_carousel_item"]:
            raise GraphError(
                100,
                "(#100) The VIDEO media type is no longer supported for feed posts. "
                "Please use REELS.",
            )
        container.update(media_type=media_type, items=[], ready_at=None)
        if request.values.get("upload_type") == "resumable":
            uri = f"https://{RUPLOAD_HOST}{UPLOAD_PREFIX}{version}/{container['id']}"
            container["resumable"] = True
            return {"id": container["id"], "uri": uri}
        url = request.values.get("video_url", "")
        if not url:
            raise GraphError(100, "(#100) The parameter video_url is required.")
        with open(self._fetch(url), "rb") as handle:
            name, size = self.store.save_upload(handle, suffix=".mp4")
        self._accept_video(container, name, size)
        return {"id": container["id"]}

    def _accept_video(self, container: dict[str, Any], name: str, size: int) -> None:
        """Store the video; a wrong size, format or length turns the container to ERROR later.

        The ``status`` of an ERROR container names the error subcode [verified: S5 IG
        Container]; Meta's table has no subcode for a length outside 3 s–15 min, so it is the
        one of an unsupported video, 2207026 [uncertain]. A video whose header states no
        length (the tests' short stand-ins) is not judged by length [decided]."""
        container["items"] = [{"kind": "video", "file": name, "size": size, "alt": ""}]
        container["checks"] = 0
        container["ready_at"] = self._now() + VIDEO_PROCESSING
        container.pop("error", None)
        path = self.store.file_path(name)
        if size > VIDEO_MAX_BYTES or not _looks_like_video(path) or not _length_fits(path):
            container["error"] = "Error: Media upload has failed with error code 2207026"

    def _fill_carousel(self, state: dict[str, Any], container: dict[str, Any], raw: str) -> None:
        """2 to 10 FINISHED carousel items of this account [verified: S5, S6]."""
        children = _parse_children(raw)
        if not CAROUSEL_MIN <= len(children) <= CAROUSEL_MAX:
            raise GraphError(
                100,
                "(#100) Carousel validation failed",
                subcode=2207028,
                user_msg="The carousel must contain between 2 and 10 photos or videos.",
            )
        items = []
        for child_id in children:
            child = state.get("containers", {}).get(child_id)
            if child is None or child["owner"] != container["owner"]:
                raise GraphError(100, f"(#100) Param children contains an invalid id: {child_id}")
            if not child.get("is_carousel_item"):
                raise GraphError(100, f"(#100) Media {child_id} is not a carousel item.")
            if self._status(child)[0] != "FINISHED":
                raise GraphError(
                    9007, "Media ID is not available", subcode=2207027, user_msg=NOT_READY_MESSAGE
                )
            items.extend(child["items"])
        container.update(
            media_type="CAROUSEL",
            items=items,
            children=children,
            ready_at=self._now() + IMAGE_PROCESSING,
        )

    # -- POST /{ig-user}/media_publish --------------------------------------------------------

    def on_media_publish(self, request: Request, version: str, node: str) -> Response:
        self._authorize(request, version)
        creation_id = request.values.get("creation_id", "")
        if not creation_id:
            raise GraphError(100, "(#100) The parameter creation_id is required.")
        with self.store.transaction(NETWORK) as state:
            self._charge(state, request, node, node)
            self._user(state, node)
            container = self._publishable(state, node, creation_id)
            media = self._make_media(state, container)
            container["published"] = True
            state.setdefault("publishes", {}).setdefault(node, []).append(self._now())
        return self.json({"id": media["id"]})

    def _publishable(self, state: dict[str, Any], owner: str, creation_id: str) -> dict[str, Any]:
        """The container, if it may be published now; else the error Instagram gives."""
        container: dict[str, Any] | None = state.get("containers", {}).get(creation_id)
        if container is None or container["owner"] != owner or container["is_carousel_item"]:
            raise GraphError(
                100, f"(#100) Param creation_id is not a valid container: {creation_id}"
            )
        code, text = self._status(container)
        if code == "PUBLISHED":
            # [uncertain] the wording Meta uses for a second publish of one container
            raise GraphError(100, "(#100) The media container has already been published.")
        if code == "EXPIRED":
            raise GraphError(-2, "The media container has expired", subcode=2207020)
        if code == "ERROR":
            raise GraphError(-1, f"Media upload has failed: {text}", subcode=2207032)
        if code != "FINISHED":
            raise GraphError(
                9007, "Media ID is not available", subcode=2207027, user_msg=NOT_READY_MESSAGE
            )
        if self._quota_usage(state, owner) >= QUOTA_TOTAL:
            raise GraphError(
                9,
                "(#9) Application request limit reached",
                subcode=2207042,
                user_msg="You reached maximum number of posts that is allowed to be published "
                "by Content Publishing API.",
            )
        return container

    def _make_media(self, state: dict[str, Any], container: dict[str, Any]) -> dict[str, Any]:
        media_id = next_id(state, start=FIRST_ID)
        kind = {"CAROUSEL": "CAROUSEL_ALBUM", "IMAGE": "IMAGE"}.get(
            container["media_type"], "VIDEO"
        )
        product = "REELS" if container["media_type"] == "REELS" else "FEED"
        path = "reel" if product == "REELS" else "p"
        media = {
            "id": str(media_id),
            "owner": container["owner"],
            "container": container["id"],
            "caption": container.get("caption", ""),
            "media_type": kind,
            "media_product_type": product,
            "items": container["items"],
            "timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "permalink": f"https://www.instagram.com/{path}/{_shortcode(media_id)}/",
            "comment_enabled": True,
            "deleted": False,
        }
        state.setdefault("media", {})[media["id"]] = media
        return media

    # -- comments: read, hide, answer -----------------------------------------------------------

    def on_list_comments(self, request: Request, version: str, node: str) -> Response:
        """Top-level comments, newest first [uncertain: order], hidden ones included with
        ``hidden: true`` (the owner sees them) [uncertain: reference "Read comments"]."""
        self._authorize(request, version)
        tree = _field_tree(request.args.get("fields") or DEFAULT_COMMENT_FIELDS)
        with self.store.transaction(NETWORK) as state:
            media = _live_media(state, node, "get")
            self._charge(state, request, media["owner"], node)
            found = [c for c in _live_comments(state, node) if not c["parent_id"]]
            found.reverse()
            return self._comment_page(request, state, found, tree, version)

    def on_list_replies(self, request: Request, version: str, node: str) -> Response:
        """A comment's replies, oldest first [uncertain: order]; none for a deleted comment."""
        self._authorize(request, version)
        tree = _field_tree(request.args.get("fields") or DEFAULT_COMMENT_FIELDS)
        with self.store.transaction(NETWORK) as state:
            comment = _live_comment(state, node, "get")
            self._charge(state, request, comment["owner"], node)
            found = _replies_of(state, comment)
            return self._comment_page(request, state, found, tree, version)

    def _comment_page(
        self,
        request: Request,
        state: dict[str, Any],
        found: list[dict[str, Any]],
        tree: dict[str, Any],
        version: str,
    ) -> Response:
        """One page of ``found`` by ``limit`` and ``after``, with Graph's cursors."""
        limit = min(
            max(_int_param(request, "limit", COMMENTS_DEFAULT_LIMIT), 1), COMMENTS_MAX_LIMIT
        )
        offset = _cursor_offset(request.args.get("after"))
        page = found[offset : offset + limit]
        body: dict[str, Any] = {"data": [_comment_json(state, c, tree, version) for c in page]}
        if page:
            more = offset + limit < len(found)
            body["paging"] = _paging(request, offset, len(page), more)
        return self.json(body)

    def on_comment_media(self, request: Request, version: str, node: str) -> Response:
        """A comment by the account on its own media [verified: S1] -> ``{"id"}``."""
        self._authorize(request, version)
        message = _checked_message(request.values.get("message"))
        with self.store.transaction(NETWORK) as state:
            media = _live_media(state, node, "post")
            self._charge(state, request, media["owner"], node)
            comment = self._new_comment(state, media, "", message, self._owner_author(state, media))
        return self.json({"id": comment["id"]})

    def on_reply(self, request: Request, version: str, node: str) -> Response:
        """An answer by the account [verified: S5 IG Comment Replies]: to a reply it goes to
        the top-level comment; a hidden comment cannot be answered."""
        self._authorize(request, version)
        message = _checked_message(request.values.get("message"))
        with self.store.transaction(NETWORK) as state:
            comment = _live_comment(state, node, "post")
            self._charge(state, request, comment["owner"], node)
            if comment["hidden"]:
                # [uncertain: the code and wording]
                raise GraphError(100, "(#100) You cannot reply to a hidden comment.")
            media = state["media"][comment["media"]]
            thread = comment["parent_id"] or comment["id"]
            author = self._owner_author(state, media)
            reply = self._new_comment(state, media, thread, message, author)
        return self.json({"id": reply["id"]})

    def _hide(self, state: dict[str, Any], request: Request, node: str) -> dict[str, Any]:
        """``hide=true|false`` [verified: S1 IGComment.api_update]; the account's own comments
        cannot be hidden [uncertain: secondary sources; the code and wording]."""
        comment = _live_comment(state, node, "post")
        self._charge(state, request, comment["owner"], node)
        value = request.values.get("hide")
        if value is None:
            raise GraphError(100, "(#100) The parameter hide is required.")
        if comment["by_owner"]:
            raise GraphError(100, "(#100) Comments by the media owner cannot be hidden.")
        comment["hidden"] = _truthy(value)
        return {"success": True}

    def _owner_author(self, state: dict[str, Any], media: dict[str, Any]) -> dict[str, str]:
        username = state.get("users", {}).get(media["owner"], {}).get("username", "")
        return {"id": media["owner"], "username": username}

    def _new_comment(
        self,
        state: dict[str, Any],
        media: dict[str, Any],
        parent_id: str,
        text: str,
        author: dict[str, str],
    ) -> dict[str, Any]:
        comment = {
            "id": str(next_id(state, start=FIRST_ID)),
            "media": media["id"],
            "owner": media["owner"],
            "parent_id": parent_id,
            "text": text,
            "timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "from": dict(author),
            "by_owner": author["id"] == media["owner"],
            "hidden": False,
            "deleted": False,
        }
        state.setdefault("comments", {})[comment["id"]] = comment
        return comment

    # -- what a citizen (and the person with the phone) does ------------------------------------

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A person comments under media ``post_id`` (``reply_to``: answer a comment; an
        answer to a reply joins its top-level comment). Instagram has no bans through the API,
        so nobody is refused for that; direct messages are not emulated."""
        if direct:
            raise ValueError("instagram: direct messages are not emulated (Messaging API)")
        if not text.strip() or len(text) > COMMENT_LIMIT:
            raise ValueError(f"instagram: a comment takes 1 to {COMMENT_LIMIT} characters")
        with self.store.transaction(NETWORK) as state:
            media = state.get("media", {}).get(post_id)
            if media is None or media.get("deleted"):
                raise ValueError(f"instagram: no media {post_id}")
            if not media.get("comment_enabled", True):
                raise ValueError(f"instagram: comments are turned off on {post_id}")
            thread = ""
            if reply_to:
                parent = state.get("comments", {}).get(reply_to)
                if parent is None or parent["deleted"] or parent["media"] != post_id:
                    raise ValueError(f"instagram: no comment {reply_to} under {post_id}")
                thread = parent["parent_id"] or parent["id"]
            username = author_name or f"user{author_id}"
            comment = self._new_comment(
                state, media, thread, text, {"id": author_id, "username": username}
            )
        return str(comment["id"])

    def edit_profile(self, owner: str, **fields: str) -> None:
        """What a person does in the Instagram app: ``name``, ``biography``, ``website``,
        ``profile_picture`` (a file name); the API cannot (reference "Account profile")."""
        allowed = {"name", "biography", "website", "profile_picture"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"instagram: no profile field {sorted(unknown)}")
        with self.store.transaction(NETWORK) as state:
            self._user(state, owner).update(fields)

    def set_by_hand(self, account_id: str, **fields: str) -> None:
        """``edit_profile`` by the profile's field names (``title`` is the display name)."""
        names = {"title": "name", "description": "biography", "website": "website"}
        unknown = set(fields) - set(names)
        if unknown:
            raise ValueError(f"instagram: no profile field {sorted(unknown)} to set by hand")
        self.edit_profile(account_id, **{names[k]: v for k, v in fields.items()})

    # -- POST rupload.facebook.com/ig-api-upload/{version}/{container} ------------------------

    def on_rupload(self, request: Request, version: str, container: str) -> Response:
        """Receive a video body streamed to disk [verified: S6, S7 rupload headers]."""
        token = _authorization(request)
        if not token or self.is_revoked(token):
            raise UploadError(401, "AuthorizationError", "Invalid OAuth access token.")
        offset, size = _upload_headers(request)
        state = self.store.read(NETWORK)
        record = state.get("containers", {}).get(container)
        if not VERSION.fullmatch(version) or not _awaits_upload(record):
            raise UploadError(400, "ProcessingFailedError", "Request processing failed")
        if record is not None and not Owners(state).may(token, record["owner"]):
            # [uncertain] the host's answer to another account's token
            raise UploadError(403, "AuthorizationError", "Not authorized to upload here.")
        if offset != 0:
            # resuming a broken upload is not emulated: the client starts again from offset 0
            raise UploadError(400, "ProcessingFailedError", "Unexpected offset", retriable=True)
        # stream to disk outside the state lock, so a long upload does not block other calls
        name, received = self.store.save_upload(request.stream, suffix=".mp4")
        if received != size:
            self.store.file_path(name).unlink(missing_ok=True)
            message = f"Partial upload: received {received} of {size} bytes"
            raise UploadError(400, "ProcessingFailedError", message, retriable=True)
        with self.store.transaction(NETWORK) as state:
            self._accept_video(state["containers"][container], name, received)
        return self.json({"success": True, "message": "Upload successful."})

    # -- views --------------------------------------------------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        """Live posts, newest first, with their comments; the accounts, their publishing quota
        use, the profile shown, each account's, and (Instagram has no bans through the API) no
        bans."""
        posts = [
            {
                **_public_post(m),
                "comments": [_comment_view(c) for c in _live_comments(state, m["id"])],
            }
            for m in _all_media(state)
            if not m.get("deleted")
        ]
        users = state.get("users", {})
        return {
            "posts": posts,
            "accounts": {uid: u["username"] for uid, u in users.items()},
            "quota": {uid: self._quota_usage(state, uid) for uid in users},
            "quota_total": QUOTA_TOTAL,
            "profile": _profile_view(_shown_user(state)),
            "profiles": {uid: _profile_view(user) for uid, user in users.items()},
            "banned": [],
        }

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each account as Instagram shows it: the profile header, then its posts (the media
        first, the caption under the name, then the comments, hidden ones marked)."""
        live = [media for media in _all_media(state) if not media.get("deleted")]
        accounts = [
            {
                "user": user,
                "profile": _profile_view(user),
                "posts": [
                    {
                        "media": media,
                        "username": user["username"],
                        "comments": _live_comments(state, media["id"]),
                    }
                    for media in live
                    if media["owner"] == uid
                ],
            }
            for uid, user in state.get("users", {}).items()
        ]
        return render("instagram.html", accounts=accounts)


# -- request helpers ------------------------------------------------------------------------


def _authorization(request: Request) -> str:
    """The token of an ``Authorization: OAuth|Bearer <token>`` header."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() in ("oauth", "bearer") else ""


def _token_of(request: Request) -> str:
    """Graph takes the token from the header, the query string or the form [verified: S1]."""
    return _authorization(request) or request.values.get("access_token", "")


def _fields(request: Request) -> list[str]:
    """Names in ``fields=a,b{c}``; nested selections are not emulated."""
    raw = request.args.get("fields", "")
    names = (part.split("{", 1)[0].strip() for part in raw.split(","))
    return [name for name in names if name]


def _int_param(request: Request, name: str, default: int) -> int:
    value = request.values.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise GraphError(100, f"(#100) Param {name} must be an integer") from None


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "1")


def _upload_headers(request: Request) -> tuple[int, int]:
    """The ``offset`` and ``file_size`` headers rupload requires [verified: S6]."""
    values = []
    for name in ("offset", "file_size"):
        raw = request.headers.get(name, "")
        if not raw.isdigit():
            raise UploadError(400, "ProcessingFailedError", f"Missing or invalid {name} header")
        values.append(int(raw))
    return values[0], values[1]


def _parse_children(raw: str) -> list[str]:
    """``children`` as a comma-separated list or a JSON array of container ids."""
    text = raw.strip()
    if text.startswith("["):
        try:
            return [str(item) for item in json.loads(text)]
        except ValueError:
            raise GraphError(100, "(#100) Param children must be an array") from None
    return [part.strip() for part in text.split(",") if part.strip()]


def _checked_caption(caption: str) -> str:
    """Captions: ≤ 2200 characters, ≤ 30 hashtags, ≤ 20 mentions [verified: S6, S7]."""
    if len(caption) > CAPTION_LIMIT:
        raise GraphError(100, f"(#100) Param caption must be at most {CAPTION_LIMIT} characters")
    if (
        len(HASHTAG.findall(caption)) > HASHTAG_LIMIT
        or len(MENTION.findall(caption)) > MENTION_LIMIT
    ):
        raise GraphError(
            100,
            "(#100) The number of hashtags or mentions exceeds the limit",
            subcode=2207040,
            user_msg="A caption can have at most 30 hashtags and 20 @mentions.",
        )
    return caption


def _check_image(path: Path) -> None:
    """Feed image rules: ≤ 8 MB, JPEG, width/height from 4:5 to 1.91:1 [verified: S6, S7].

    Widths outside 320–1440 px are not refused: Instagram scales them [uncertain: the reference
    lists the range as a spec, not as an error], so the emulator accepts them too.
    """
    if path.stat().st_size > IMAGE_MAX_BYTES:
        raise GraphError(36000, "(#36000) Image is too large", subcode=2207004)
    try:
        with Image.open(path) as image:
            image_format, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        image_format, width, height = None, 0, 0
    if image_format != "JPEG":
        raise GraphError(36001, "(#36001) Invalid image format", subcode=2207005)
    ratio = width / height
    if not MIN_ASPECT - ASPECT_SLACK <= ratio <= MAX_ASPECT + ASPECT_SLACK:
        raise GraphError(
            36003,
            "(#36003) The aspect ratio is not supported.",
            subcode=2207009,
            user_msg="The submitted image with aspect ratio "
            f"{width}/{height} cannot be published. Please submit an image with a valid aspect "
            "ratio.",
        )


def _looks_like_video(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(8)
    return len(head) == 8 and head[4:8] in VIDEO_ATOMS


def _length_fits(path: Path) -> bool:
    """Whether the play time the MP4/MOV header states (read on the emulator's own, with
    mutagen) is one a Reel may have; a header that states none (or 0, as a fragmented file's
    does) is not judged."""
    try:
        seconds = float(MP4(path).info.length)
    except (MutagenError, OSError):
        return True
    low, high = VIDEO_SECONDS
    return seconds <= 0 or low <= seconds <= high


def _rate_limit_error(owner: str, minutes: int) -> GraphError:
    """Instagram's BUC error 80002 with the header that says when to retry [verified: S7]."""
    usage = {
        owner: [
            {
                "type": "instagram",
                "call_count": 100,
                "total_cputime": 1,
                "total_time": 1,
                "estimated_time_to_regain_access": minutes,
            }
        ]
    }
    return GraphError(
        80002,
        "There have been too many calls to this Instagram account. Wait a bit and try again.",
        transient=True,
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )


# -- state helpers --------------------------------------------------------------------------


def _is_issued(state: dict[str, Any], node: str) -> bool:
    """Whether ``node`` is an id this emulator handed out (so not a user id)."""
    return FIRST_ID <= int(node) < int(state.get("next_id", FIRST_ID))


def _awaits_upload(container: dict[str, Any] | None) -> bool:
    return bool(container and container.get("resumable") and not container.get("published"))


def _live_media(state: dict[str, Any], node: str, method: str) -> dict[str, Any]:
    media: dict[str, Any] | None = state.get("media", {}).get(node)
    if media is None or media.get("deleted"):
        raise GraphError(100, MISSING_OBJECT.format(method=method, id=node), subcode=33)
    return media


def _all_media(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Every media object, newest first."""
    media = state.get("media", {}).values()
    return sorted(media, key=lambda m: int(m["id"]), reverse=True)


def _owned_media(state: dict[str, Any], owner: str) -> list[dict[str, Any]]:
    return [m for m in _all_media(state) if m["owner"] == owner]


def _select(fields: Iterable[str], values: dict[str, Any], node_type: str) -> dict[str, Any]:
    """Only the asked fields plus ``id``, as Graph answers; unknown fields are an error."""
    result = {"id": values["id"]}
    for name in fields:
        if name not in values:
            raise GraphError(
                100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
            )
        result[name] = values[name]
    return result


def _user_fields(state: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    live = [m for m in _owned_media(state, user["id"]) if not m.get("deleted")]
    return {
        "id": user["id"],
        "username": user["username"],
        "name": user.get("name", user["username"]),
        "media_count": len(live),
        "followers_count": 0,
        "follows_count": 0,
        "biography": user.get("biography", ""),
        "website": user.get("website", ""),
        "profile_picture_url": _file_url(user.get("profile_picture", "")),
    }


def _media_fields(state: dict[str, Any], media: dict[str, Any]) -> dict[str, Any]:
    username = state.get("users", {}).get(media["owner"], {}).get("username", "")
    first = media["items"][0]["file"] if media["items"] else ""
    return {
        "id": media["id"],
        "caption": media["caption"],
        "permalink": media["permalink"],
        "timestamp": media["timestamp"],
        "media_type": media["media_type"],
        "media_product_type": media["media_product_type"],
        "media_url": f"/files/{first}",
        "shortcode": media["permalink"].rstrip("/").rsplit("/", 1)[-1],
        "username": username,
        "is_comment_enabled": media.get("comment_enabled", True),
        "comments_count": len(_live_comments(state, media["id"])),
        "like_count": 0,
        "owner": {"id": media["owner"]},
    }


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _cursor_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        raise GraphError(100, "(#100) Invalid cursor") from None


def _paging(request: Request, offset: int, count: int, more: bool) -> dict[str, Any]:
    paging: dict[str, Any] = {
        "cursors": {"before": _cursor(offset), "after": _cursor(offset + count)}
    }
    if more:
        args = request.args.to_dict()
        args.pop("access_token", None)
        args["after"] = _cursor(offset + count)
        query = "&".join(f"{key}={value}" for key, value in args.items())
        paging["next"] = f"https://graph.facebook.com{request.path}?{query}"
    return paging


def _shortcode(number: int) -> str:
    """Instagram's shortcode: the media id in a base-64 alphabet."""
    code = ""
    while number:
        number, rest = divmod(number, 64)
        code = SHORTCODE_ALPHABET[rest] + code
    return code or SHORTCODE_ALPHABET[0]


def _public_post(media: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": media["id"],
        "account": media["owner"],
        "text": media["caption"],
        "url": media["permalink"],
        "media": [dict(item) for item in media["items"]],
        "poll": None,
        "published_at": media["timestamp"],
        "owner": media["owner"],
        "media_type": media["media_type"],
        "media_product_type": media["media_product_type"],
        "comments_enabled": media.get("comment_enabled", True),
    }


# -- comments -------------------------------------------------------------------------------


def _field_tree(raw: str) -> dict[str, Any]:
    """``fields=a,b{c,d{e}}`` as ``{"a": None, "b": {"c": None, "d": {"e": None}}}``."""
    tree, end = _field_selection(raw, 0)
    if end != len(raw):
        raise GraphError(100, f"(#100) Syntax error in fields at character {end}")
    return tree


def _field_selection(raw: str, pos: int) -> tuple[dict[str, Any], int]:
    """Names from ``pos`` up to a closing brace (not consumed) or the end."""
    tree: dict[str, Any] = {}
    name = ""
    while pos < len(raw) and raw[pos] != "}":
        char = raw[pos]
        if char == "{":
            sub, pos = _field_selection(raw, pos + 1)
            if pos >= len(raw) or not name.strip():
                raise GraphError(100, f"(#100) Syntax error in fields at character {pos}")
            tree[name.strip()], name = sub, ""
        elif char == ",":
            if name.strip():
                tree[name.strip()] = None
            name = ""
        else:
            name += char
        pos += 1
    if name.strip():
        tree[name.strip()] = None
    return tree, pos


def _fields_text(tree: dict[str, Any]) -> str:
    """The inverse of ``_field_tree``."""
    return ",".join(
        name if sub is None else f"{name}{{{_fields_text(sub)}}}" for name, sub in tree.items()
    )


def _no_field(name: str, node_type: str) -> GraphError:
    return GraphError(
        100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
    )


def _live_comment(state: dict[str, Any], node: str, method: str) -> dict[str, Any]:
    """A comment that exists, on media that exists; else Graph's 100/33."""
    comment: dict[str, Any] | None = state.get("comments", {}).get(node)
    media = state.get("media", {}).get(comment["media"], {}) if comment else {}
    if comment is None or comment["deleted"] or not media or media.get("deleted"):
        raise GraphError(100, MISSING_OBJECT.format(method=method, id=node), subcode=33)
    return comment


def _live_comments(state: dict[str, Any], media_id: str) -> list[dict[str, Any]]:
    """The media's comments and replies that are not deleted, oldest first."""
    found = [
        c for c in state.get("comments", {}).values() if c["media"] == media_id and not c["deleted"]
    ]
    return sorted(found, key=lambda c: int(c["id"]))


def _replies_of(state: dict[str, Any], comment: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in _live_comments(state, comment["media"]) if c["parent_id"] == comment["id"]]


def _checked_message(value: str | None) -> str:
    if not value or not value.strip():
        raise GraphError(100, "(#100) The parameter message is required.")
    if len(value) > COMMENT_LIMIT:
        raise GraphError(100, f"(#100) Param message must be at most {COMMENT_LIMIT} characters")
    return value


def _comment_values(state: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
    """IG Comment fields [verified: S1 IGComment]; None marks a field this comment lacks:
    ``parent_id`` on a top-level comment, ``user`` on one the account did not write."""
    media = state.get("media", {}).get(comment["media"], {})
    return {
        "id": comment["id"],
        "text": comment["text"],
        "timestamp": comment["timestamp"],
        "username": comment["from"]["username"],
        "from": dict(comment["from"]),
        "hidden": comment["hidden"],
        "like_count": 0,
        "media": {
            "id": comment["media"],
            "media_product_type": media.get("media_product_type", "FEED"),
        },
        "parent_id": comment["parent_id"] or None,
        "user": {"id": comment["owner"]} if comment["by_owner"] else None,
        "legacy_instagram_comment_id": None,
    }


def _comment_json(
    state: dict[str, Any], comment: dict[str, Any], tree: dict[str, Any], version: str
) -> dict[str, Any]:
    """A comment with the asked fields; ``replies`` expands the first page of its replies."""
    values = _comment_values(state, comment)
    result: dict[str, Any] = {"id": comment["id"]}
    for name, sub in tree.items():
        if name == "replies":
            edge = _nested_replies(state, comment, sub, version)
            if edge is not None:
                result["replies"] = edge
            continue
        if name not in values:
            raise _no_field(name, "IGComment")
        value = values[name]
        if value is None:
            continue
        result[name] = _pick(value, sub, name) if isinstance(value, dict) else value
    return result


def _pick(value: dict[str, Any], sub: dict[str, Any] | None, name: str) -> dict[str, Any]:
    if sub is None:
        return dict(value)
    for key in sub:
        if key not in value:
            raise _no_field(key, name)
    return {key: value[key] for key in sub}


def _nested_replies(
    state: dict[str, Any], comment: dict[str, Any], sub: dict[str, Any] | None, version: str
) -> dict[str, Any] | None:
    """The first page of replies inside a comment, with a ``next`` link to the replies edge
    when there are more; left out when there are none, as Graph leaves out empty edges."""
    replies = _replies_of(state, comment)
    if not replies:
        return None
    tree = sub or _field_tree(DEFAULT_COMMENT_FIELDS)
    page = replies[:NESTED_REPLIES_LIMIT]
    paging: dict[str, Any] = {"cursors": {"before": _cursor(0), "after": _cursor(len(page))}}
    if len(replies) > len(page):
        query = urlencode(
            {"fields": _fields_text(tree), "limit": len(page), "after": _cursor(len(page))}
        )
        paging["next"] = f"https://graph.facebook.com/{version}/{comment['id']}/replies?{query}"
    data = [_comment_json(state, reply, tree, version) for reply in page]
    return {"data": data, "paging": paging}


def _comment_view(comment: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": comment["id"],
        "text": comment["text"],
        "author_id": comment["from"]["id"],
        "author_name": comment["from"]["username"],
        "hidden": comment["hidden"],
        "reply_to": comment["parent_id"],
        "from_account": comment["by_owner"],
    }


# -- the profile ----------------------------------------------------------------------------


def _file_url(name: str) -> str:
    return f"/files/{name}" if name else ""


def _shown_user(state: dict[str, Any]) -> dict[str, Any] | None:
    """The account of the newest live post, else the first account known."""
    users: dict[str, dict[str, Any]] = state.get("users", {})
    live = [m for m in _all_media(state) if not m.get("deleted")]
    if live and live[0]["owner"] in users:
        return users[live[0]["owner"]]
    return next(iter(users.values()), None)


def _profile_view(user: dict[str, Any] | None) -> dict[str, Any]:
    """The profile as ``public_view`` shows it; Instagram has no cover image."""
    if user is None:
        return dict.fromkeys(PROFILE_KEYS)
    return {
        "title": user.get("name") or user["username"],
        "description": user.get("biography") or None,
        "website": user.get("website") or None,
        "avatar": user.get("profile_picture") or None,
        "cover": None,
    }
