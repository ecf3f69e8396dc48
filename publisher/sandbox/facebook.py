"""Emulator of the Facebook Graph API for Pages: feed, photos, chunked video upload, edit, delete.

Reference: networks-meta-x.md section 1. Paths are versioned (any ``vNN.0``); parameters come
from the query string, a form or multipart body; the token from ``Authorization: Bearer|OAuth``
or ``access_token``. Errors are ``{"error": {message, type, code, error_subcode, fbtrace_id,
is_transient, error_data}}``. Every authenticated answer carries ``X-App-Usage`` and
``X-Business-Use-Case-Usage``; three budgets are enforced (numbers are ours, the reference
gives only formulas: app 200 x users per hour, Page 4800 x engaged users per 24 h):

- the app: ``app_budget`` calls per hour for all Pages -> code 4 (``is_transient``);
- a Page, short burst: ``page_burst`` calls per second -> code 32;
- a Page, BUC: ``page_budget`` calls per rolling hour -> code 80001, with
  ``estimated_time_to_regain_access`` (minutes) in X-Business-Use-Case-Usage.

Each budget is a ``UsageBudget`` whose ``limit`` tests may lower on the emulator instance.
Pages are created on first use and the sandbox's token is admin everywhere, until Pages are
declared (``accounts.SandboxAccount``): then each Page token runs the Pages it is declared with. A
write to another declared Page answers 200 "(#200) Permissions error", a read 10 (Page Public
Content Access) [uncertain: Graph's wording varies by edge]; an object of no declared Page is
100/33 "does not exist, cannot be loaded due to missing permissions" [verified: S2 error
handling]; a token declared nowhere is 190 "Invalid OAuth access token" [verified: S2]. The
app's budget is shared by every Page, the Page budgets are each Page's own.

Comments (reference "Read comments", "Moderate"): ``GET /{object}/comments`` with ``filter``,
``order``, ``since``, ``limit``/``after`` and nested ``fields`` (``parent{id}``); replies are one
level deep; ``POST /{comment}`` ``is_hidden``; ``DELETE /{comment}`` (its replies go too);
``POST /{object}/comments`` answers as the Page; ``/{page}/blocked`` blocks for good and a
blocked person cannot comment. Set ``reveals_authors = False`` to act as a token without
pages_read_user_engagement (no ``from`` on people's comments). The profile: ``POST /{page}``
(``about`` at most 255, ``description``, ``website``, ``cover=<photo id>``; the name is refused),
``POST /{page}/picture`` (``photo=<photo id>`` or ``picture=<url>``). Messenger is not emulated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import math
import re
import secrets
import shutil
import threading
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage
from werkzeug.routing import BaseConverter, Rule
from werkzeug.wrappers import Request, Response

from publisher.core.clock import Clock
from publisher.sandbox.accounts import Owners, SandboxAccount
from publisher.sandbox.core import SANDBOX_TOKEN_PREFIX, Emulator, Store, next_id
from publisher.sandbox.figures import followers, grown
from publisher.sandbox.instagram import InstagramEmulator
from publisher.sandbox.pages import render

NETWORK = "facebook"
GRAPH_HOST = "graph.facebook.com"
#: "Videos must be published to graph-video.facebook.com instead of the regular Graph API URL"
#: (developers.facebook.com/docs/graph-api/video-uploads): the emulator serves the Page's
#: ``/videos`` edge only there, and nothing else there, so an adapter using the wrong host fails
VIDEO_HOST = "graph-video.facebook.com"
#: a POST to a node's ``videos`` edge: ``/v25.0/<node>/videos``
VIDEO_EDGE = re.compile(r"/v\d+\.0/[^/]+/videos/?")
TEXT_LIMIT = 63206  # [uncertain] mirrors the adapter's declared limit
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # [uncertain]
VIDEO_MAX_BYTES = 10 * 1024 * 1024 * 1024  # [uncertain]
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "GIF", "BMP", "TIFF"})
#: bytes the server asks for per transfer call (the real value varies [uncertain])
TRANSFER_CHUNK = 4 * 1024 * 1024
#: a duplicate text within this many seconds is refused with code 506 [uncertain: window]
DUPLICATE_WINDOW = 24 * 3600
FEED_DEFAULT_LIMIT = 25
FEED_MAX_LIMIT = 100
COMMENTS_MAX_LIMIT = 100  # [uncertain] the documented maximum of ``limit`` varies by edge
COMMENT_LIMIT = 8000  # [uncertain] mirrors the adapter
ABOUT_LIMIT = 255  # [uncertain] the Edit Page Info form's limit for ``about``
APP_CALLS_PER_HOUR = 10000
PAGE_CALLS_PER_SECOND = 10
PAGE_CALLS_PER_HOUR = 4800
APP_KEY = "app"
FIRST_OBJECT_ID = 100000000000001
DOCS = "https://developers.facebook.com/docs/graph-api"


class VersionConverter(BaseConverter):
    """A Graph API version segment: ``v25.0``, ``v27.0`` ... [verified: S1, S2]."""

    regex = r"v\d+\.0"


class UsageBudget:
    """Calls per key in a sliding window, with the share used and when room comes back."""

    def __init__(self, clock: Clock, limit: int, window: float) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.refused = 0

    def _recent(self, key: str) -> deque[float]:
        now = self.clock.monotonic()
        calls = self._calls.setdefault(key, deque())
        while calls and now - calls[0] >= self.window:
            calls.popleft()
        return calls

    def charge(self, key: str) -> bool:
        """Count one call for ``key``; False (and not counted) when the budget is spent."""
        with self._lock:
            calls = self._recent(key)
            if len(calls) >= self.limit:
                self.refused += 1
                return False
            calls.append(self.clock.monotonic())
            return True

    def percent(self, key: str) -> int:
        with self._lock:
            used = len(self._recent(key))
        return min(100, used * 100 // max(self.limit, 1))

    def regain_seconds(self, key: str) -> float:
        with self._lock:
            calls = self._recent(key)
            if len(calls) < self.limit or not calls:
                return 0.0
            return calls[0] + self.window - self.clock.monotonic()


def _version_rule(path: str, endpoint: str, method: str) -> Rule:
    return Rule(f"/<version:version>{path}", endpoint=endpoint, methods=[method])


class FacebookEmulator(Emulator):
    """graph.facebook.com (and graph-video for uploads) for one app whose token administers
    every Page."""

    network = NETWORK
    hosts = (GRAPH_HOST, VIDEO_HOST)
    rules: ClassVar[list[Rule]] = [
        _version_rule("/<node>/feed", "create_post", "POST"),
        _version_rule("/<node>/feed", "read_feed", "GET"),
        _version_rule("/<node>/photos", "create_photo", "POST"),
        _version_rule("/<node>/videos", "upload_video", "POST"),
        _version_rule("/<node>/comments", "read_comments", "GET"),
        _version_rule("/<node>/comments", "create_comment", "POST"),
        _version_rule("/<node>/blocked", "read_blocked", "GET"),
        _version_rule("/<node>/blocked", "block_users", "POST"),
        _version_rule("/<node>/blocked", "unblock_users", "DELETE"),
        _version_rule("/<node>/picture", "set_picture", "POST"),
        _version_rule("/<node>/insights", "read_insights", "GET"),
        _version_rule("/<node>", "read_node", "GET"),
        _version_rule("/<node>", "update_node", "POST"),
        _version_rule("/<node>", "delete_node", "DELETE"),
    ]
    #: the app secret ``appsecret_proof`` is checked against (the CLI's sandbox default)
    app_secret = f"{SANDBOX_TOKEN_PREFIX}{NETWORK}-app_secret"
    chunk_size = TRANSFER_CHUNK
    #: False acts as a token without pages_read_user_engagement: people's comments come
    #: without ``from`` [uncertain: reference "Read comments"]
    reveals_authors = True
    #: False acts as a token of a person without the ANALYZE task on the Page: insights are
    #: refused with (#10) [uncertain: the message Graph words]
    grants_insights = True

    converters: ClassVar[dict[str, Any]] = {"version": VersionConverter}

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__(store, clock)
        self.app_budget = UsageBudget(clock, APP_CALLS_PER_HOUR, 3600.0)
        self.page_burst = UsageBudget(clock, PAGE_CALLS_PER_SECOND, 1.0)
        self.page_budget = UsageBudget(clock, PAGE_CALLS_PER_HOUR, 3600.0)

    # -- the request pipeline: token, proof, budgets, then the endpoint ----------------------

    def __call__(self, request: Request) -> Response:
        misrouted = self._refuse_wrong_host(request)
        if misrouted is not None:
            return misrouted
        instagram = self.sandbox.emulators.get("instagram") if hasattr(self, "sandbox") else None
        if isinstance(instagram, InstagramEmulator) and instagram.handles(request.path):
            # Instagram's Graph API shares graph.facebook.com; the sandbox routes by host,
            # so the Facebook emulator hands Instagram's paths over
            return instagram(request)
        params = _params(request)
        token = _token(request, params)
        if not token:
            return self.error(104, "An access token is required to request this resource.")
        if self.is_revoked(token):
            return self.error(
                190,
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons.",
                subcode=460,
            )
        proof = params.get("appsecret_proof")
        if proof is not None and not hmac.compare_digest(proof, self.proof_for(token)):
            return self.error(
                100, "Invalid appsecret_proof provided in the API argument", "GraphMethodException"
            )
        state = self.store.read(self.network)
        page = _page_of_path(state, request.path)
        refused = self._refuse_other_page(Owners(state), request, token, page)
        if refused is not None:
            return refused
        response = self._refuse_over_budget(page) or super().__call__(request)
        response.headers.update(self._usage_headers(page))
        return response

    def _refuse_other_page(
        self, owners: Owners, request: Request, token: str, page: str
    ) -> Response | None:
        """A token declared nowhere, or one acting on a Page it does not run (nothing is
        refused before Pages are declared)."""
        if not owners.declared or owners.may(token, page):
            return None
        if not owners.knows(token):
            return self.error(190, "Invalid OAuth access token - Cannot parse access token")
        verb = request.method.lower()
        if page not in owners.accounts:
            return self.no_object(page, verb)
        if verb == "get":
            return self.error(
                10,
                "(#10) This endpoint requires the 'pages_read_engagement' permission or the "
                "'Page Public Content Access' feature.",
            )
        return self.error(200, "(#200) Permissions error")

    def _refuse_wrong_host(self, request: Request) -> Response | None:
        """A video upload anywhere but the Video API host, or anything else there.

        The real answers are not documented [uncertain]: an unknown path's error is used.
        """
        video = request.method == "POST" and VIDEO_EDGE.fullmatch(request.path) is not None
        on_video_host = request.host.split(":")[0].lower() == VIDEO_HOST
        if video and not on_video_host:
            return self.error(
                100, f"(#100) Videos must be uploaded to {VIDEO_HOST}", "GraphMethodException"
            )
        if on_video_host and not video:
            return self.error(
                100, f"(#100) {VIDEO_HOST} serves only video uploads", "GraphMethodException"
            )
        return None

    def refusals(self) -> int:
        budgets = (self.app_budget, self.page_burst, self.page_budget)
        return super().refusals() + sum(budget.refused for budget in budgets)

    def proof_for(self, token: str) -> str:
        key = self.app_secret.encode()
        return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()

    def _refuse_over_budget(self, page: str) -> Response | None:
        if not self.app_budget.charge(APP_KEY):
            return self.error(4, "(#4) Application request limit reached", transient=True)
        if not self.page_burst.charge(page):
            return self.error(32, "(#32) Page request limit reached")
        if not self.page_budget.charge(page):
            return self.error(
                80001,
                "(#80001) There have been too many calls to this Page account. Wait a bit and "
                f"try again. For more info, please refer to {DOCS}/overview/rate-limiting.",
            )
        return None

    def _usage_headers(self, page: str) -> dict[str, str]:
        app = self.app_budget.percent(APP_KEY)
        share = max(self.page_budget.percent(page), self.page_burst.percent(page))
        regain = max(self.page_budget.regain_seconds(page), self.page_burst.regain_seconds(page))
        usage = {
            "type": "pages",
            "call_count": share,
            "total_cputime": share,
            "total_time": share,
            "estimated_time_to_regain_access": math.ceil(regain / 60) if regain > 0 else 0,
        }
        return {
            "X-App-Usage": json.dumps({"call_count": app, "total_cputime": app, "total_time": app}),
            "X-Business-Use-Case-Usage": json.dumps({page: [usage]}),
        }

    # -- answers ------------------------------------------------------------------------------

    def error(
        self,
        code: int,
        message: str,
        kind: str = "OAuthException",
        *,
        subcode: int = 0,
        status: int = 400,
        transient: bool = False,
        data: dict[str, Any] | None = None,
    ) -> Response:
        """A Graph error body [verified: S2 error handling; S1 exceptions.py]."""
        body: dict[str, Any] = {"message": message, "type": kind, "code": code}
        if subcode:
            body["error_subcode"] = subcode
        if transient:
            body["is_transient"] = True
        if data is not None:
            body["error_data"] = data
        body["fbtrace_id"] = secrets.token_urlsafe(8)
        return self.json({"error": body}, status=status)

    def missing(self, name: str) -> Response:
        return self.error(100, f"(#100) The parameter {name} is required")

    def no_object(self, node: str, verb: str) -> Response:
        return self.error(
            100,
            f"Unsupported {verb} request. Object with ID '{node}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation. Please read "
            f"the Graph API documentation at {DOCS}",
            "GraphMethodException",
            subcode=33,
        )

    def too_long(self, name: str) -> Response:
        return self.error(100, f"(#100) Param {name} must be at most {TEXT_LIMIT} characters long")

    def not_found(self, request: Request) -> Response:
        return self.error(2500, f"Unknown path components: {request.path}")

    def fault_response(self, kind: str) -> Response:
        """Graph's own throttling (code 4, transient) or service error (code 2) answers."""
        if kind == "rate429":
            response = self.error(4, "(#4) Application request limit reached", transient=True)
            response.headers["X-App-Usage"] = json.dumps(
                {"call_count": 100, "total_cputime": 100, "total_time": 100}
            )
            return response
        return self.error(
            2,
            "An unexpected error has occurred. Please retry your request later.",
            status=500,
            transient=True,
        )

    # -- POST /{page}/feed --------------------------------------------------------------------

    def on_create_post(self, request: Request, version: str, node: str) -> Response:
        params = _params(request)
        message = params.get("message", "")
        link = params.get("link", "")
        if len(message) > TEXT_LIMIT:
            return self.too_long("message")
        refused = self._check_link(link)
        if refused:
            return refused
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "post")
            photos = self._attachable_photos(state, page, params)
            if isinstance(photos, Response):
                return photos
            if not (message or link or photos):
                return self.error(100, "(#100) Missing message or attachment")
            if not (link or photos) and self._is_duplicate(state, page, message):
                return self.error(506, "(#506) Duplicate status message")
            media = [_photo_media(photo) for photo in photos]
            post = self._new_post(state, page, message, link, media)
            for photo in photos:
                photo["post_id"] = post["id"]
        return self.json({"id": post["id"]})

    def _check_link(self, link: str) -> Response | None:
        if not link:
            return None
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return self.error(100, "(#100) The link URL is not properly formatted")
        if parts.hostname.endswith(".invalid"):  # RFC 2606: can never be fetched
            return self.error(
                1609005,
                "Error Posting Link: The link you tried to post could not be scraped.",
                "FacebookApiException",
            )
        return None

    def _attachable_photos(
        self, state: dict[str, Any], page: str, params: dict[str, str]
    ) -> list[dict[str, Any]] | Response:
        """The photos named by ``attached_media[i]``: unpublished, this Page's, unused."""
        photos: list[dict[str, Any]] = []
        for name, raw in _attached_media(params):
            try:
                photo_id = str(json.loads(raw)["media_fbid"])
            except (ValueError, KeyError, TypeError):
                return self.error(100, f"(#100) Param {name} must be a JSON object")
            photo = state.get("photos", {}).get(photo_id)
            usable = photo and not photo["deleted"] and photo["page_id"] == page
            if not usable or photo["published"] or photo["post_id"] or photo in photos:
                return self.error(
                    100, f"(#100) {name}: {photo_id} is not an unattached unpublished photo"
                )
            photos.append(photo)
        return photos

    def _is_duplicate(self, state: dict[str, Any], page: str, message: str) -> bool:
        since = self.now() - DUPLICATE_WINDOW
        return any(
            post["message"] == message and post["created_time"] >= since
            for post in _live_posts(state)
            if post["page_id"] == page
        )

    # -- POST /{page}/photos ------------------------------------------------------------------

    def on_create_photo(self, request: Request, version: str, node: str) -> Response:
        params = _params(request)
        message = params.get("message", "")
        if len(message) > TEXT_LIMIT:
            return self.too_long("message")
        saved = self._save_photo(request.files.get("source"), params.get("url", ""))
        if isinstance(saved, Response):
            return saved
        name, image_format = saved
        published = params.get("published", "true").lower() != "false"
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                self.store.file_path(name).unlink(missing_ok=True)
                return self.no_object(node, "post")
            photo = {
                "id": str(next_id(state, start=FIRST_OBJECT_ID)),
                "page_id": page,
                "file": name,
                "format": image_format,
                "alt": params.get("alt_text_custom", ""),
                "message": message,
                "published": published,
                "post_id": "",
                "created_time": self.now(),
                "deleted": False,
            }
            state.setdefault("photos", {})[photo["id"]] = photo
            if not published:
                return self.json({"id": photo["id"]})
            post = self._new_post(state, page, message, "", [_photo_media(photo)])
            photo["post_id"] = post["id"]
        return self.json({"id": photo["id"], "post_id": post["id"]})

    def _save_photo(self, upload: FileStorage | None, url: str) -> tuple[str, str] | Response:
        """Store the photo from ``source`` or a public ``url``; check its size and format."""
        if upload is not None:
            name, size = self.store.save_upload(upload.stream, Path(upload.filename or "").suffix)
        elif url and (local := self.sandbox.fetch_public(url)) is not None:
            with open(local, "rb") as handle:
                name, size = self.store.save_upload(handle, local.suffix)
        else:
            return self.error(324, "(#324) Requires upload file")
        path = self.store.file_path(name)
        if size > PHOTO_MAX_BYTES:
            path.unlink(missing_ok=True)
            return self.error(100, f"(#100) The photo is larger than {PHOTO_MAX_BYTES} bytes")
        image_format = _image_format(path)
        if image_format not in PHOTO_FORMATS:
            path.unlink(missing_ok=True)
            return self.error(324, "(#324) Missing or invalid image file")
        return name, image_format

    # -- POST /{page}/videos (legacy chunked upload) ------------------------------------------

    def on_upload_video(self, request: Request, version: str, node: str) -> Response:
        """``upload_phase`` start / transfer / finish [verified: S1 video_uploader.py]."""
        params = _params(request)
        phase = params.get("upload_phase", "")
        if phase == "start":
            return self._video_start(node, params)
        if phase == "transfer":
            return self._video_transfer(node, params, request.files.get("video_file_chunk"))
        if phase == "finish":
            return self._video_finish(node, params)
        if not phase:
            return self.missing("upload_phase")
        return self.error(100, "(#100) upload_phase must be one of start, transfer, finish")

    def _video_start(self, node: str, params: dict[str, str]) -> Response:
        size = _int_or_none(params.get("file_size"))
        if size is None:
            return self.missing("file_size")
        if not 0 < size <= VIDEO_MAX_BYTES:
            return self.error(100, f"(#100) file_size must be from 1 to {VIDEO_MAX_BYTES}")
        name, _ = self.store.save_upload(io.BytesIO(b""), ".part")
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "post")
            session = {
                "id": str(next_id(state, start=FIRST_OBJECT_ID)),
                "video_id": str(next_id(state, start=FIRST_OBJECT_ID)),
                "page_id": page,
                "file_size": size,
                "received": 0,
                "file": name,
                "finished": False,
            }
            state.setdefault("sessions", {})[session["id"]] = session
        return self.json(
            {
                "video_id": session["video_id"],
                "start_offset": "0",
                "end_offset": str(self._chunk_end(session)),
                "upload_session_id": session["id"],
            }
        )

    def _video_transfer(
        self, node: str, params: dict[str, str], chunk: FileStorage | None
    ) -> Response:
        start = _int_or_none(params.get("start_offset"))
        if start is None:
            return self.missing("start_offset")
        if chunk is None:
            return self.missing("video_file_chunk")
        chunk_name, chunk_size = self.store.save_upload(chunk.stream)
        chunk_path = self.store.file_path(chunk_name)
        try:
            with self.store.transaction(self.network) as state:
                session = self._open_session(state, node, params)
                if isinstance(session, Response):
                    return session
                expected = (session["received"], self._chunk_end(session))
                if start != expected[0] or chunk_size != expected[1] - expected[0]:
                    return self._offset_mismatch(*expected)
                with (
                    open(self.store.file_path(session["file"]), "ab") as out,
                    open(chunk_path, "rb") as data,
                ):
                    shutil.copyfileobj(data, out, 1024 * 1024)
                session["received"] += chunk_size
        finally:
            chunk_path.unlink(missing_ok=True)
        return self.json(
            {"start_offset": str(session["received"]), "end_offset": str(self._chunk_end(session))}
        )

    def _offset_mismatch(self, start: int, end: int) -> Response:
        """Subcode 1363037 with the offsets to resume from [verified: S1 video_uploader.py]."""
        return self.error(
            6000,
            "There was a problem uploading your video file. Please try again.",
            subcode=1363037,
            data={"start_offset": str(start), "end_offset": str(end)},
        )

    def _video_finish(self, node: str, params: dict[str, str]) -> Response:
        description = params.get("description", "")
        if len(description) > TEXT_LIMIT:
            return self.too_long("description")
        with self.store.transaction(self.network) as state:
            session = self._open_session(state, node, params)
            if isinstance(session, Response):
                return session
            if session["received"] != session["file_size"]:
                return self.error(100, "(#100) The video file upload is not complete")
            session["finished"] = True
            name, video_format = self._name_video_file(session["file"])
            video = {
                "id": session["video_id"],
                "page_id": session["page_id"],
                "file": name,
                "size": session["file_size"],
                "format": video_format,
                "title": params.get("title", ""),
                "description": description,
                "created_time": self.now(),
                "deleted": False,
            }
            state.setdefault("videos", {})[video["id"]] = video
            media = [
                {
                    "kind": "video",
                    "id": video["id"],
                    "file": video["file"],
                    "alt": "",
                    "format": video["format"],
                }
            ]
            post = self._new_post(state, video["page_id"], description, "", media)
            post["video_id"] = video["id"]
            video["post_id"] = post["id"]
        return self.json({"success": True})

    def _name_video_file(self, name: str) -> tuple[str, str]:
        """Give the assembled upload the suffix its content has, so the feed page can play it."""
        path = self.store.file_path(name)
        with open(path, "rb") as handle:
            video_format = "gif" if handle.read(4) == b"GIF8" else "mp4"
        final = path.with_suffix(f".{video_format}")
        path.rename(final)
        return final.name, video_format

    def _open_session(
        self, state: dict[str, Any], node: str, params: dict[str, str]
    ) -> dict[str, Any] | Response:
        session_id = params.get("upload_session_id", "")
        if not session_id:
            return self.missing("upload_session_id")
        session: dict[str, Any] | None = state.get("sessions", {}).get(session_id)
        if session is None or session["finished"] or session["page_id"] != node:
            return self.error(100, f"(#100) Invalid upload_session_id {session_id}")
        return session

    def _chunk_end(self, session: dict[str, Any]) -> int:
        return int(min(session["received"] + self.chunk_size, session["file_size"]))

    # -- GET /{page}/feed ---------------------------------------------------------------------

    def on_read_feed(self, request: Request, version: str, node: str) -> Response:
        params = _params(request)
        fields = _fields(params, "id,message,created_time")
        unknown = fields - POST_FIELDS
        if unknown:
            return self._nonexisting_field(sorted(unknown)[0], "Post")
        limit = min(max(_int_or_none(params.get("limit")) or FEED_DEFAULT_LIMIT, 1), FEED_MAX_LIMIT)
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "get")
            posts = [p for p in reversed(_live_posts(state)) if p["page_id"] == page]
        start = _after_index(posts, params.get("after", ""))
        window = posts[start : start + limit]
        data = [_select(_post_fields(post), fields) for post in window]
        paging: dict[str, Any] = {}
        if window:
            paging["cursors"] = {"before": _cursor(window[0]), "after": _cursor(window[-1])}
        if start + limit < len(posts):
            query = f"fields={','.join(sorted(fields))}&limit={limit}&after={_cursor(window[-1])}"
            paging["next"] = f"https://graph.facebook.com/{version}/{node}/feed?{query}"
        return self.json({"data": data, "paging": paging} if paging else {"data": data})

    # -- GET / POST / DELETE /{node} ----------------------------------------------------------

    def on_read_node(self, request: Request, version: str, node: str) -> Response:
        params = _params(request)
        with self.store.transaction(self.network) as state:
            found = self._describe_node(state, node)
        if found is None:
            return self.no_object(node, "get")
        node_type, values = found
        if node_type == "Post":
            values = {**values, **self._post_counts(state, node)}
        fields = _field_tree(params.get("fields", ",".join(DEFAULT_FIELDS[node_type])))
        unknown = set(fields) - set(values) - OPTIONAL_FIELDS.get(node_type, frozenset())
        if unknown:
            return self._nonexisting_field(sorted(unknown)[0], node_type)
        return self.json(_select_tree(values, fields))

    def _describe_node(self, state: dict[str, Any], node: str) -> tuple[str, dict[str, Any]] | None:
        post = _find_post(state, node)
        if post is not None:
            return "Post", _post_fields(post)
        for table, node_type in (("photos", "Photo"), ("videos", "Video")):
            item = state.get(table, {}).get(node)
            if item is not None:
                return None if item["deleted"] else (node_type, _object_fields(item))
        comment = state.get("comments", {}).get(node)
        if comment is not None:
            return None if comment["deleted"] else ("Comment", self._comment_fields(state, comment))
        page = self._page(state, node)
        return None if page is None else ("Page", self._page_fields(state, page))

    def _post_counts(self, state: dict[str, Any], node: str) -> dict[str, Any]:
        """A post's ``reactions`` and ``comments`` summaries and its ``shares``, grown since it
        appeared (``sandbox.figures``); the comments are those people left."""
        post = _find_post(state, node)
        assert post is not None
        created, now = int(post["created_time"]), self.now()
        comments = [
            c
            for c in state.get("comments", {}).values()
            if c.get("post_id") == node and not c["deleted"]
        ]
        reactions = grown(f"facebook{node}", "reactions", created, now)
        return {
            "reactions": {"data": [], "summary": {"total_count": reactions}},
            "comments": {"data": [], "summary": {"total_count": len(comments)}},
            "shares": {"count": grown(f"facebook{node}", "reposts", created, now)},
        }

    def on_read_insights(self, request: Request, version: str, node: str) -> Response:
        """``GET /{post-id}/insights?metric=``: lifetime values of the post metrics of 2025
        (``post_media_view``, ``post_total_media_view_unique``, ...); a withdrawn metric such
        as ``post_impressions`` is an invalid metric (100) [verified: Meta's deprecation
        notes], and a token without the ANALYZE task gets (#10)."""
        params = _params(request)
        state = self.store.read(self.network)
        post = _find_post(state, node)
        if post is None:
            return self.no_object(node, "get")
        if not self.grants_insights:
            return self.error(10, "(#10) This endpoint requires the 'read_insights' permission")
        metrics = [m.strip() for m in params.get("metric", "").split(",") if m.strip()]
        if not metrics:
            return self.error(
                3001,
                "No metric was specified to be fetched. Please specify one or more metrics to "
                "be fetched and try again.",
                subcode=1504028,
            )
        unknown = [m for m in metrics if m not in POST_INSIGHTS]
        if unknown:
            return self.error(
                100, f"(#100) The value must be a valid insights metric: {unknown[0]}"
            )
        created, now = int(post["created_time"]), self.now()
        data = [
            {
                "name": metric,
                "period": "lifetime",
                "values": [
                    {"value": grown(f"facebook{node}", POST_INSIGHTS[metric], created, now)}
                ],
                "title": metric,
                "id": f"{node}/insights/{metric}/lifetime",
            }
            for metric in metrics
        ]
        return self.json({"data": data})

    def _page_fields(self, state: dict[str, Any], page: str) -> dict[str, Any]:
        """The Page's stored fields, with ``picture`` and ``cover`` once they are set, and its
        followers (growing a little each day)."""
        values = dict(state["pages"][page])
        values["followers_count"] = followers(f"facebook{page}", self.now())
        images = state.get("profile_images", {}).get(page, {})
        if "avatar" in images:
            url = f"/files/{images['avatar']}"
            values["picture"] = {"data": {"url": url, "is_silhouette": False}}
        if "cover" in images:
            cover = images["cover"]
            values["cover"] = {
                "id": cover["photo_id"],
                "cover_id": cover["photo_id"],
                "source": f"/files/{cover['file']}",
                "offset_x": cover["offset_x"],
                "offset_y": cover["offset_y"],
            }
        return values

    def on_update_node(self, request: Request, version: str, node: str) -> Response:
        params = _params(request)
        too_long = next((k for k in TEXT_PARAMS if len(params.get(k, "")) > TEXT_LIMIT), None)
        if too_long:
            return self.too_long(too_long)
        with self.store.transaction(self.network) as state:
            post = _find_post(state, node)
            if post is not None:
                return self._update_post(state, post, params)
            video = state.get("videos", {}).get(node)
            if video is not None and not video["deleted"]:
                return self._update_video(state, video, params)
            comment = state.get("comments", {}).get(node)
            if comment is not None and not comment["deleted"]:
                return self._update_comment(comment, params)
            if node in state.get("photos", {}) or self._page(state, node) is None:
                return self.no_object(node, "post")
            return self._update_page(state, node, params)

    def _update_post(
        self, state: dict[str, Any], post: dict[str, Any], params: dict[str, str]
    ) -> Response:
        """``POST /{post-id}`` ``message`` [verified: S1 PagePost.api_update]."""
        if "message" not in params:
            return self.missing("message")
        post["message"] = params["message"]
        post["updated_time"] = self.now()
        video = state.get("videos", {}).get(post.get("video_id", ""))
        if video is not None:
            video["description"] = params["message"]
        return self.json({"success": True})

    def _update_video(
        self, state: dict[str, Any], video: dict[str, Any], params: dict[str, str]
    ) -> Response:
        if "description" not in params and "name" not in params and "title" not in params:
            return self.missing("description")
        video["title"] = params.get("name", params.get("title", video["title"]))
        if "description" in params:
            video["description"] = params["description"]
            post = _find_post(state, video.get("post_id", ""))
            if post is not None:
                post["message"] = params["description"]
                post["updated_time"] = self.now()
        return self.json({"success": True})

    def _update_page(self, state: dict[str, Any], page: str, params: dict[str, str]) -> Response:
        """Profile fields and ``cover`` of ``POST /{page-id}`` [verified: S1 Page.api_update]."""
        if "name" in params:  # [uncertain] no name parameter in S1 Page.api_update
            return self.error(100, "(#100) The Page name cannot be changed through the API")
        changed = {k: v for k, v in params.items() if k in PAGE_PROFILE_FIELDS}
        cover_id = params.get("cover", "")
        if not changed and not cover_id:
            return self.error(100, "(#100) No profile field to update")
        refused = self._check_profile(changed)
        if refused:
            return refused
        if cover_id:
            cover = self._own_photo(state, page, cover_id)
            if cover is None:
                return self.error(
                    100, f"(#100) Param cover: {cover_id} is not a photo of this Page"
                )
            offsets = {k: _int_or_none(params.get(k)) or 0 for k in ("offset_x", "offset_y")}
            images = state.setdefault("profile_images", {}).setdefault(page, {})
            images["cover"] = {"photo_id": cover_id, "file": cover["file"], **offsets}
        state["pages"][page].update(changed)
        state["profile_page"] = page
        return self.json({"success": True})

    def _check_profile(self, changed: dict[str, str]) -> Response | None:
        if len(changed.get("about", "")) > ABOUT_LIMIT:
            return self.error(
                100, f"(#100) Param about must be at most {ABOUT_LIMIT} characters long"
            )
        website = changed.get("website")
        if website is not None and not _is_web_url(website):
            return self.error(100, "(#100) Param website must be a valid URL")
        return None

    def _own_photo(self, state: dict[str, Any], page: str, photo_id: str) -> dict[str, Any] | None:
        photo: dict[str, Any] | None = state.get("photos", {}).get(photo_id)
        if photo is None or photo["deleted"] or photo["page_id"] != page:
            return None
        return photo

    # -- POST /{page}/picture ------------------------------------------------------------------

    def on_set_picture(self, request: Request, version: str, node: str) -> Response:
        """``photo=<photo id>`` of this Page, or ``picture=<public URL>`` [verified: S1]."""
        params = _params(request)
        photo_id, url = params.get("photo", ""), params.get("picture", "")
        if not (photo_id or url):
            return self.error(100, "(#100) Either photo or picture must be specified")
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "post")
            photo = self._own_photo(state, page, photo_id) if photo_id else None
        if photo_id and photo is None:
            return self.error(100, f"(#100) Param photo: {photo_id} is not a photo of this Page")
        if photo is not None:
            file = str(photo["file"])
        else:
            fetched = self._save_photo(None, url)
            if isinstance(fetched, Response):
                return fetched
            file = fetched[0]
        with self.store.transaction(self.network) as state:
            state.setdefault("profile_images", {}).setdefault(page, {})["avatar"] = file
            state["profile_page"] = page
        return self.json({"success": True})

    def on_delete_node(self, request: Request, version: str, node: str) -> Response:
        with self.store.transaction(self.network) as state:
            post = _find_post(state, node)
            if post is not None:
                self._delete_post(state, post)
                return self.json({"success": True})
            comment = state.get("comments", {}).get(node)
            if comment is not None and not comment["deleted"]:
                for item in _live_comments(state):  # its replies go with it
                    if node in (item["id"], item["parent_id"]):
                        item["deleted"] = True
                return self.json({"success": True})
            for table in ("photos", "videos"):
                item = state.get(table, {}).get(node)
                if item is not None and not item["deleted"]:
                    item["deleted"] = True
                    owned = _find_post(state, item.get("post_id", ""))
                    if owned is not None and (table == "videos" or item["published"]):
                        self._delete_post(state, owned)
                    return self.json({"success": True})
        return self.no_object(node, "delete")

    def _delete_post(self, state: dict[str, Any], post: dict[str, Any]) -> None:
        """A post takes its video or its own published photo along; album photos stay."""
        post["deleted"] = True
        for media in post["media"]:
            table = "videos" if media["kind"] == "video" else "photos"
            item = state.get(table, {}).get(media["id"])
            if item is not None and (table == "videos" or item["published"]):
                item["deleted"] = True

    # -- GET /{object}/comments ------------------------------------------------------------

    def on_read_comments(self, request: Request, version: str, node: str) -> Response:
        """A post's (or video's, photo's) comments, or a comment's replies [verified: S1]."""
        params = _params(request)
        raw_fields = params.get("fields", ",".join(DEFAULT_FIELDS["Comment"]))
        fields = _field_tree(raw_fields)
        unknown = set(fields) - COMMENT_FIELDS
        if unknown:
            return self._nonexisting_field(sorted(unknown)[0], "Comment")
        options = self._comment_options(params)
        if isinstance(options, Response):
            return options
        stream, newest_first, since = options
        limit = _int_or_none(params.get("limit")) or FEED_DEFAULT_LIMIT
        limit = min(max(limit, 1), COMMENTS_MAX_LIMIT)
        with self.store.transaction(self.network) as state:
            found = self._comments_under(state, node, stream)
            if found is None:
                return self.no_object(node, "get")
            listed = [c for c in found if c["created_time"] >= since]
            if newest_first:
                listed.reverse()
            start = _after_index(listed, params.get("after", ""))
            window = listed[start : start + limit]
            data = [_select_tree(self._comment_fields(state, c), fields) for c in window]
        body: dict[str, Any] = {"data": data}
        if window:
            body["paging"] = {
                "cursors": {"before": _cursor(window[0]), "after": _cursor(window[-1])}
            }
        if start + limit < len(listed):
            query = {k: v for k, v in params.items() if k not in ("after", "access_token")}
            query.update(fields=raw_fields, limit=str(limit), after=_cursor(window[-1]))
            url = f"https://graph.facebook.com/{version}/{node}/comments?{urlencode(query)}"
            body["paging"]["next"] = url
        if params.get("summary", "").lower() == "true":
            order = "reverse_chronological" if newest_first else "chronological"
            body["summary"] = {"order": order, "total_count": len(listed), "can_comment": True}
        return self.json(body)

    def _comment_options(self, params: dict[str, str]) -> tuple[bool, bool, int] | Response:
        """``filter`` (default toplevel), ``order`` (default chronological), ``since``."""
        chosen = params.get("filter", "toplevel")
        if chosen not in ("toplevel", "stream"):
            return self.error(
                100, "(#100) filter must be one of the following values: toplevel, stream"
            )
        order = params.get("order", "chronological")
        if order not in ("chronological", "reverse_chronological"):
            return self.error(
                100,
                "(#100) order must be one of the following values: chronological, "
                "reverse_chronological",
            )
        since = _timestamp(params.get("since", ""))
        if since is None:
            return self.error(100, "(#100) Param since must be a UNIX timestamp or a date")
        return chosen == "stream", order == "reverse_chronological", since

    def _comments_under(
        self, state: dict[str, Any], node: str, stream: bool
    ) -> list[dict[str, Any]] | None:
        """The live comments of ``node``, oldest first; None if it cannot have any."""
        comment = state.get("comments", {}).get(node)
        if comment is not None:
            if comment["deleted"]:
                return None
            return [c for c in _live_comments(state) if c["parent_id"] == node]
        post = self._commented_post(state, node)
        if post is None:
            return None
        return [
            c
            for c in _live_comments(state)
            if c["post_id"] == post["id"] and (stream or not c["parent_id"])
        ]

    def _commented_post(self, state: dict[str, Any], node: str) -> dict[str, Any] | None:
        """The post behind a post id, or the post a video or a published photo made."""
        post = _find_post(state, node)
        if post is not None:
            return post
        for table in ("videos", "photos"):
            item = state.get(table, {}).get(node)
            if item is not None and not item["deleted"] and item.get("post_id"):
                return _find_post(state, item["post_id"])
        return None

    def _comment_fields(self, state: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": comment["id"],
            "message": comment["message"],
            "created_time": _graph_time(comment["created_time"]),
            "is_hidden": comment["is_hidden"],
            "can_hide": not comment["from_page"],
            "can_remove": True,
            "can_comment": not comment["parent_id"],
            "comment_count": sum(
                1 for c in _live_comments(state) if c["parent_id"] == comment["id"]
            ),
            "like_count": 0,
            "permalink_url": _comment_permalink(comment),
        }
        if comment["from_page"] or self.reveals_authors:
            values["from"] = dict(comment["from"])
        parent = state.get("comments", {}).get(comment["parent_id"])
        if parent is not None:
            values["parent"] = {
                "id": parent["id"],
                "message": parent["message"],
                "created_time": _graph_time(parent["created_time"]),
            }
        return values

    # -- POST /{object}/comments (as the Page) ----------------------------------------------

    def on_create_comment(self, request: Request, version: str, node: str) -> Response:
        """A comment or reply by the Page [verified: S1 create_comment] -> ``{"id"}``."""
        params = _params(request)
        message = params.get("message", "")
        if not (message or params.get("attachment_url") or params.get("attachment_id")):
            return self.error(100, "(#100) Missing message or attachment")
        if len(message) > COMMENT_LIMIT:
            return self.error(
                100, f"(#100) Param message must be at most {COMMENT_LIMIT} characters long"
            )
        with self.store.transaction(self.network) as state:
            target = self._comment_target(state, node)
            if isinstance(target, Response):
                return target
            post, parent_id = target
            page = state["pages"][post["page_id"]]
            author = {"id": page["id"], "name": page["name"]}
            comment = self._new_comment(state, post, parent_id, message, author)
        return self.json({"id": comment["id"]})

    def _comment_target(
        self, state: dict[str, Any], node: str
    ) -> tuple[dict[str, Any], str] | Response:
        """The post and the top-level comment a new comment goes under."""
        parent = state.get("comments", {}).get(node)
        if parent is None:
            post = self._commented_post(state, node)
            return (post, "") if post is not None else self.no_object(node, "post")
        if parent["deleted"]:
            return self.no_object(node, "post")
        if parent["parent_id"]:  # [uncertain] replies are one level deep (can_comment false)
            return self.error(100, "(#100) Comments cannot be added to a reply")
        post = _find_post(state, parent["post_id"])
        return (post, node) if post is not None else self.no_object(node, "post")

    def _new_comment(
        self,
        state: dict[str, Any],
        post: dict[str, Any],
        parent_id: str,
        message: str,
        author: dict[str, str],
    ) -> dict[str, Any]:
        """Comment ids are ``{post's own number}_{comment number}`` [uncertain: reference]."""
        number = next_id(state, start=FIRST_OBJECT_ID)
        comment = {
            "id": f"{post['id'].split('_', 1)[-1]}_{number}",
            "post_id": post["id"],
            "page_id": post["page_id"],
            "parent_id": parent_id,
            "message": message,
            "from": author,
            "from_page": author["id"] == post["page_id"],
            "created_time": self.now(),
            "is_hidden": False,
            "deleted": False,
        }
        state.setdefault("comments", {})[comment["id"]] = comment
        return comment

    def _update_comment(self, comment: dict[str, Any], params: dict[str, str]) -> Response:
        """``is_hidden`` (anyone's, not the Page's own) or ``message`` (the Page's own)."""
        hidden = params.get("is_hidden")
        if hidden is None and "message" not in params:
            return self.missing("is_hidden")
        if hidden is not None and hidden.lower() not in ("true", "false"):
            return self.error(100, "(#100) Param is_hidden must be a boolean")
        if hidden is not None and comment["from_page"]:  # can_hide false [uncertain: text]
            return self.error(100, "(#100) The Page cannot hide its own comment")
        if "message" in params and not comment["from_page"]:
            return self.error(200, "(#200) Only the author can edit a comment")
        if len(params.get("message", "")) > COMMENT_LIMIT:
            return self.error(
                100, f"(#100) Param message must be at most {COMMENT_LIMIT} characters long"
            )
        if hidden is not None:
            comment["is_hidden"] = hidden.lower() == "true"
        if "message" in params:
            comment["message"] = params["message"]
        return self.json({"success": True})

    # -- /{page}/blocked -----------------------------------------------------------------------

    def on_block_users(self, request: Request, version: str, node: str) -> Response:
        """``user`` (or ``uid``, ``asid``, ``psid``): one id, a comma list or a JSON array
        -> ``{"<id>": true}`` [verified: S1 create_blocked; answer shape uncertain]."""
        users = _user_ids(_params(request))
        if users is None:
            return self.error(100, "(#100) Param user must be an array of user ids")
        if not users:
            return self.missing("user")
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "post")
            blocked = state.setdefault("blocked", {}).setdefault(page, {})
            result: dict[str, bool] = {}
            for user in users:
                result[user] = user != page
                if result[user]:
                    entry = {"id": user, "name": _author_name(state, user), "time": self.now()}
                    blocked.setdefault(user, entry)
        return self.json(result)

    def on_unblock_users(self, request: Request, version: str, node: str) -> Response:
        users = _user_ids(_params(request))
        if users is None:
            return self.error(100, "(#100) Param user must be an array of user ids")
        if not users:
            return self.missing("user")
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "delete")
            blocked = state.setdefault("blocked", {}).setdefault(page, {})
            for user in users:
                blocked.pop(user, None)
        return self.json({"success": True})

    def on_read_blocked(self, request: Request, version: str, node: str) -> Response:
        with self.store.transaction(self.network) as state:
            page = self._page(state, node)
            if page is None:
                return self.no_object(node, "get")
            blocked = state.get("blocked", {}).get(page, {})
            data = [{"id": b["id"], "name": b["name"]} for b in blocked.values()]
        return self.json({"data": data})

    # -- what a citizen does --------------------------------------------------------------------

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A person comments under a post (``reply_to``: answer a comment; a reply to a reply
        joins its top-level thread). Messenger is not emulated; a blocked person cannot."""
        if direct:
            raise ValueError("facebook: Messenger is not emulated (it needs pages_messaging)")
        if not text.strip() or len(text) > COMMENT_LIMIT:
            raise ValueError(f"facebook: a comment takes 1 to {COMMENT_LIMIT} characters")
        with self.store.transaction(self.network) as state:
            post = _find_post(state, post_id)
            if post is None:
                raise ValueError(f"facebook: no post {post_id}")
            if author_id in state.get("blocked", {}).get(post["page_id"], {}):
                raise ValueError(f"facebook: {author_id} is blocked by Page {post['page_id']}")
            parent_id = ""
            if reply_to:
                parent = state.get("comments", {}).get(reply_to)
                if parent is None or parent["deleted"] or parent["post_id"] != post["id"]:
                    raise ValueError(f"facebook: no comment {reply_to} under {post_id}")
                parent_id = parent["parent_id"] or parent["id"]
            author = {"id": author_id, "name": author_name}
            comment = self._new_comment(state, post, parent_id, text, author)
        return str(comment["id"])

    def set_by_hand(self, account_id: str, **fields: str) -> None:
        """The Page's name (``title``), which the API cannot change, and its ``about`` and
        ``website``, as a person edits them on Facebook."""
        names = {"title": "name", "description": "about", "website": "website"}
        unknown = set(fields) - set(names)
        if unknown:
            raise ValueError(f"facebook: no profile field {sorted(unknown)} to set by hand")
        with self.store.transaction(self.network) as state:
            page = self._page(state, account_id)
            if page is None:
                raise ValueError(f"facebook: {account_id!r} is not a Page id")
            state["pages"][page].update({names[k]: v for k, v in fields.items()})

    # -- state helpers ------------------------------------------------------------------------

    def _page(self, state: dict[str, Any], node: str) -> str | None:
        """The Page ``node`` names, created on first use; None if it names another object."""
        if "_" in node or node in state.get("photos", {}) or node in state.get("videos", {}):
            return None
        if node in state.get("sessions", {}) or not node:
            return None
        pages = state.setdefault("pages", {})
        pages.setdefault(node, {"id": node, "name": f"Страница {node}"})
        return node

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared Page, named by its title."""
        page = self._page(state, account.id.strip())
        if page is None:
            raise ValueError(f"facebook: {account.id!r} is not a Page id")
        if account.title:
            state["pages"][page]["name"] = account.title
        return page

    def _new_post(
        self,
        state: dict[str, Any],
        page: str,
        message: str,
        link: str,
        media: list[dict[str, Any]],
    ) -> dict[str, Any]:
        post = {
            "id": f"{page}_{next_id(state, start=FIRST_OBJECT_ID)}",
            "page_id": page,
            "message": message,
            "link": link,
            "media": media,
            "created_time": self.now(),
            "deleted": False,
        }
        state.setdefault("posts", []).append(post)
        return post

    def _nonexisting_field(self, name: str, node_type: str) -> Response:
        return self.error(
            100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
        )

    # -- what the demo shows ------------------------------------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        posts = [
            {
                "id": post["id"],
                "account": post["page_id"],
                "text": post["message"],
                "url": f"https://www.facebook.com/{post['id']}",
                "media": [{**media, "url": f"/files/{media['file']}"} for media in post["media"]],
                "poll": None,
                "link": post["link"] or None,
                "published_at": _iso(post["created_time"]),
                "comments": [_comment_view(c) for c in _live_comments(state, post["id"])],
            }
            for post in _live_posts(state)
        ]
        banned = [
            {"user_id": user, "until": None}  # the blocked edge has no end date
            for users in state.get("blocked", {}).values()
            for user in users
        ]
        return {
            "posts": posts,
            "pages": state.get("pages", {}),
            "profile": self._profile_view(state, self._shown_page(state)),
            "profiles": {page: self._profile_view(state, page) for page in state.get("pages", {})},
            "banned": banned,
        }

    def _profile_view(self, state: dict[str, Any], page: str) -> dict[str, Any]:
        """A Page's profile (``profile`` shows the Page last edited, else the latest post's)."""
        record = state.get("pages", {}).get(page, {})
        images = state.get("profile_images", {}).get(page, {})
        cover = images.get("cover")
        return {
            "title": record.get("name"),
            "description": record.get("description") or record.get("about"),
            "website": record.get("website"),
            "avatar": images.get("avatar"),
            "cover": cover["file"] if cover else None,
        }

    def _shown_page(self, state: dict[str, Any]) -> str:
        if state.get("profile_page"):
            return str(state["profile_page"])
        posts = _live_posts(state)
        if posts:
            return str(posts[-1]["page_id"])
        return next(iter(state.get("pages", {})), "")

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each Page as Facebook shows it: its header, then its posts newest first."""
        live = list(reversed(_live_posts(state)))
        pages = [
            {
                "profile": self._profile_view(state, page),
                "posts": [
                    {
                        "post": post,
                        "page": record["name"],
                        "when": datetime.fromtimestamp(post["created_time"], UTC).strftime(
                            "%d.%m.%Y %H:%M"
                        ),
                        "comments": _live_comments(state, post["id"]),
                    }
                    for post in live
                    if post["page_id"] == page
                ],
            }
            for page, record in state.get("pages", {}).items()
        ]
        return render("facebook.html", pages=pages)


POST_FIELDS = frozenset({"id", "message", "created_time", "updated_time", "permalink_url"})
DEFAULT_FIELDS = {
    "Post": ("id", "message", "created_time"),
    "Photo": ("id", "created_time"),
    "Video": ("id", "title", "description", "created_time"),
    "Page": ("id", "name"),
}
PAGE_PROFILE_FIELDS = frozenset({"about", "description", "website", "phone", "emails"})
DEFAULT_FIELDS["Comment"] = ("id", "message", "created_time", "from")
#: fields a node may lack until they are set; asking for them is not an error
#: the post insights the emulator answers, and the figure each grows like (``figures``)
POST_INSIGHTS = {
    "post_media_view": "views",
    "post_total_media_view_unique": "reach",
}
OPTIONAL_FIELDS = {
    "Page": PAGE_PROFILE_FIELDS | {"picture", "cover", "followers_count"},
    "Post": frozenset({"reactions", "comments", "shares"}),
    "Comment": frozenset({"from", "parent", "attachment"}),
}
#: the Comment fields the emulator knows [verified: S1 Comment]
COMMENT_FIELDS = frozenset(
    {
        "id",
        "message",
        "created_time",
        "from",
        "parent",
        "is_hidden",
        "can_hide",
        "can_remove",
        "can_comment",
        "comment_count",
        "like_count",
        "permalink_url",
        "attachment",
    }
)
TEXT_PARAMS = ("message", "description")


def _page_of_path(state: dict[str, Any], path: str) -> str:
    """The Page a request is charged to: the node, a post id's prefix or an object's owner."""
    segments = path.strip("/").split("/")
    node = segments[1] if len(segments) > 1 else ""
    comment = state.get("comments", {}).get(node)
    if comment is not None:
        return str(comment["page_id"])
    if "_" in node:
        return node.split("_", 1)[0]
    for table in ("photos", "videos"):
        owned = state.get(table, {}).get(node)
        if owned:
            return str(owned["page_id"])
    return node


def _params(request: Request) -> dict[str, str]:
    """Graph reads parameters from the query string, a form or a multipart body alike."""
    params = request.args.to_dict()
    params.update(request.form.to_dict())
    return params


def _token(request: Request, params: dict[str, str]) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and value.strip():
        return value.strip()
    return params.get("access_token", "")


_ATTACHED = re.compile(r"^attached_media\[(\d+)\]$")


def _attached_media(params: dict[str, str]) -> Iterator[tuple[str, str]]:
    """``attached_media[i]`` params in index order, or the JSON-array form ``attached_media``."""
    indexed = sorted(
        (int(match.group(1)), name)
        for name in params
        if (match := _ATTACHED.match(name)) is not None
    )
    for _, name in indexed:
        yield name, params[name]
    if "attached_media" in params:
        try:
            items = json.loads(params["attached_media"])
        except ValueError:
            items = [None]
        for index, item in enumerate(items if isinstance(items, list) else [items]):
            yield f"attached_media[{index}]", json.dumps(item)


def _photo_media(photo: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "photo", "id": photo["id"], "file": photo["file"], "alt": photo["alt"]}


def _live_comments(state: dict[str, Any], post_id: str = "") -> list[dict[str, Any]]:
    """Comments not deleted, oldest first (the table keeps creation order), of one post or all."""
    return [
        c
        for c in state.get("comments", {}).values()
        if not c["deleted"] and (not post_id or c["post_id"] == post_id)
    ]


def _comment_permalink(comment: dict[str, Any]) -> str:
    number = comment["id"].rsplit("_", 1)[-1]
    return f"https://www.facebook.com/{comment['post_id']}?comment_id={number}"


def _comment_view(comment: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": comment["id"],
        "text": comment["message"],
        "author_id": comment["from"]["id"],
        "author_name": comment["from"]["name"],
        "hidden": comment["is_hidden"],
        "reply_to": comment["parent_id"],
        "from_account": comment["from_page"],
    }


def _author_name(state: dict[str, Any], user: str) -> str:
    """The name a blocked person last commented under, if any."""
    for comment in reversed(list(state.get("comments", {}).values())):
        if comment["from"]["id"] == user:
            return str(comment["from"]["name"])
    return ""


def _user_ids(params: dict[str, str]) -> list[str] | None:
    """Ids from ``user``/``uid``/``asid``/``psid``: one, comma-separated or a JSON array;
    None when the value cannot be read."""
    raw = next((params[k] for k in ("user", "uid", "asid", "psid") if params.get(k)), "")
    if raw.strip().startswith("["):
        try:
            items = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(items, list) or not all(isinstance(i, (str, int)) for i in items):
            return None
        return [str(i) for i in items]
    return [part.strip() for part in raw.split(",") if part.strip()]


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _timestamp(value: str) -> int | None:
    """Graph's ``since``: UNIX seconds or an ISO 8601 date (UTC if no zone); 0 when empty."""
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _field_tree(raw: str) -> dict[str, set[str]]:
    """``id,from,parent{id,message}`` -> ``{"id": set(), "from": set(), "parent": {...}}``."""
    tree: dict[str, set[str]] = {}
    depth, token = 0, ""
    for char in raw + ",":
        if char == "," and depth == 0:
            name, _, rest = token.partition("{")
            # a field's modifiers (``reactions.limit(0).summary(true)``) shape its edge only
            name = name.strip().split(".", 1)[0]
            if name:
                tree[name] = {f.strip() for f in rest.rstrip("} ").split(",") if f.strip()}
            token = ""
            continue
        depth += (char == "{") - (char == "}")
        token += char
    return tree


def _select_tree(values: dict[str, Any], fields: dict[str, set[str]]) -> dict[str, Any]:
    """The asked fields; a nested ``{...}`` narrows an object field to its subfields."""
    chosen: dict[str, Any] = {}
    for name, sub in fields.items():
        if name not in values:
            continue
        value = values[name]
        if sub and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in sub}
        chosen[name] = value
    return chosen


def _live_posts(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [post for post in state.get("posts", []) if not post["deleted"]]


def _find_post(state: dict[str, Any], node: str) -> dict[str, Any] | None:
    return next((post for post in _live_posts(state) if post["id"] == node), None)


def _post_fields(post: dict[str, Any]) -> dict[str, Any]:
    values = {
        "id": post["id"],
        "message": post["message"],
        "created_time": _graph_time(post["created_time"]),
        "updated_time": _graph_time(post.get("updated_time", post["created_time"])),
        "permalink_url": f"https://www.facebook.com/{post['id']}",
    }
    if not post["message"]:
        del values["message"]  # Graph omits empty fields
    return values


def _object_fields(item: dict[str, Any]) -> dict[str, Any]:
    values = {"id": item["id"], "created_time": _graph_time(item["created_time"])}
    for name in ("title", "description", "alt_text_custom", "name"):
        if name in item:
            values[name] = item[name]
    return values


def _fields(params: dict[str, str], default: str) -> set[str]:
    return {name.strip() for name in params.get("fields", default).split(",") if name.strip()}


def _select(values: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name in fields}


def _cursor(post: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(str(post["id"]).encode()).decode().rstrip("=")


def _after_index(posts: list[dict[str, Any]], after: str) -> int:
    if not after:
        return 0
    for index, post in enumerate(posts):
        if _cursor(post) == after:
            return index + 1
    return len(posts)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _image_format(path: Path) -> str:
    try:
        with Image.open(path) as image:
            return str(image.format or "")
    except (UnidentifiedImageError, OSError):
        return ""


def _graph_time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()
