"""Facebook Page adapter: posts, photos, albums and chunked video uploads through the Graph API.

Reference: networks-meta-x.md section 1 (Facebook Pages). Every call goes to
``https://graph.facebook.com/<version>/`` with the Page token in an ``Authorization: Bearer``
header, so it never appears in a URL or a logged form body; Graph accepts the header for every
method [uncertain: the SDK sends ``access_token`` as a parameter, S1 session.py]. When the
account names an app secret (``extra_token_envs["app_secret"]``) each call also carries
``appsecret_proof`` [verified: S1 session.py].

The Graph API has no idempotency field, so the publish key is not sent; ``find`` recognises an
interrupted publish by the post's text in the Page feed instead.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import httpx

from ..errors import AuthError, NetworkError, NotFound, Rejected, Transient
from ..errors import RateLimited as RateLimitedError
from ..i18n import N_, _
from ..model import Media, RemoteRef, RenderedPost
from ..redact import redact
from .base import (
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    Capabilities,
    FindResult,
    MediaRules,
    json_body,
)

GRAPH_HOST = "https://graph.facebook.com"
WEB_HOST = "https://www.facebook.com"
DEFAULT_VERSION = "v25.0"  # pinned by Business SDK 25.0.2 [verified: S1, S2]

MB = 1024 * 1024
GB = 1024 * MB
#: post text limit; not in the official docs [uncertain], widely quoted
TEXT_LIMIT = 63206
#: photo size limit [uncertain: 4-10 MB in different sources]; the larger documented value
PHOTO_MAX_BYTES = 10 * MB
#: video size limit [uncertain: 1-10 GB]
VIDEO_MAX_BYTES = 10 * GB
#: photos in one post: no documented maximum for attached_media [uncertain: ~10 in practice]
MAX_MEDIA = 10

#: how long to wait on a rate-limit answer without a hint in X-Business-Use-Case-Usage
DEFAULT_RATE_WAIT = 60.0
#: how often one video upload may be told to resend from other offsets (subcode 1363037)
MAX_OFFSET_RESUMES = 5

AUTH_CODES = frozenset({102, 104, 190})
RATE_CODES = frozenset({4, 17, 32, 341, 613})
#: Business Use Case throttling codes, 80001 (Pages) and its siblings [verified: S3]
BUC_CODES = range(80000, 80015)
TRANSIENT_CODES = frozenset({1, 2})
NOT_FOUND_CODES = frozenset({803})
OBJECT_MISSING_SUBCODE = 33
POLICY_BLOCK_CODE = 368
DUPLICATE_CODE = 506
LINK_SCRAPE_CODE = 1609005
OFFSET_MISMATCH_SUBCODE = 1363037

VIDEO_KINDS = ("video", "animation")


@dataclass(frozen=True)
class GraphError:
    """The ``error`` object of a Graph API answer [verified: S2 error handling]."""

    code: int
    subcode: int = 0
    message: str = ""
    kind: str = ""
    trace: str = ""
    transient: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Any) -> GraphError:
        if not isinstance(raw, Mapping):
            return cls(code=0, message=str(raw))
        data = raw.get("error_data")
        if isinstance(data, str):
            data = _json_object(data)
        return cls(
            code=_as_int(raw.get("code")),
            subcode=_as_int(raw.get("error_subcode")),
            message=str(raw.get("message", "")),
            kind=str(raw.get("type", "")),
            trace=str(raw.get("fbtrace_id", "")),
            transient=bool(raw.get("is_transient", False)),
            data=data if isinstance(data, Mapping) else {},
        )

    def describe(self) -> str:
        code = f"{self.code}/{self.subcode}" if self.subcode else str(self.code)
        trace = f", fbtrace_id {self.trace}" if self.trace else ""
        return f"{self.message} (code {code}{trace})"


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


class FacebookAdapter(Adapter):
    """A Facebook Page, written to with a non-expiring Page access token."""

    name = "facebook"
    title = "Facebook"
    base_urls = (GRAPH_HOST,)
    capabilities = Capabilities(
        text_format="plain",
        mixed_media=False,  # one video, or several photos [verified: S1 create_feed, create_video]
        text_limit=TEXT_LIMIT,
        media={
            "photo": MediaRules(
                max_bytes=PHOTO_MAX_BYTES,
                formats=frozenset({"JPEG", "PNG", "GIF", "BMP", "TIFF"}),
            ),
            "video": MediaRules(max_bytes=VIDEO_MAX_BYTES),
            # Animations go through the video upload, which keeps a GIF moving (a GIF sent
            # to /photos shows as a still) and takes MP4 animations too; so no format list.
            "animation": MediaRules(max_bytes=PHOTO_MAX_BYTES),
        },
        max_media=MAX_MEDIA,
        polls=False,  # no poll parameter on feed/photos [verified: S1 create_feed]
        can_edit=True,  # POST /{post-id} message [verified: S1 PagePost.api_update]
        can_delete=True,
        silent=False,
        link_preview=True,
        comments=True,
        delete_comment=True,
        hide_comment=True,
        ban=True,  # POST /{page-id}/blocked [verified: S1 create_blocked]
        profile=frozenset({"description", "website", "avatar", "cover"}),
        # Client pacing only: Graph throttles by budgets (X-App-Usage, BUC per Page), not rps.
        requests_per_second=5.0,
        can_find=True,
    )
    token_help = N_(
        "Create a Meta app of the Business type with Facebook Login for Business and request "
        "only pages_show_list, pages_read_engagement, pages_manage_posts and publish_video "
        "(add pages_manage_engagement and pages_read_user_engagement for comments). Log in as "
        "a Page admin, exchange the user token for a long-lived one and take the Page's "
        "non-expiring token from GET /me/accounts, or issue a System User token with only this "
        "Page assigned. Put it in the account's token variable; optionally put the app secret "
        "under secrets: app_secret so every call is signed with appsecret_proof."
    )

    @property
    def page_id(self) -> str:
        return self.account.account_id

    @property
    def version(self) -> str:
        return str(self.account.settings.get("graph_version", DEFAULT_VERSION))

    # -- the interface -------------------------------------------------------------------

    def verify(self) -> AccountInfo:
        payload = self._get(self.page_id, "verify", {"fields": "id,name"})
        page = str(payload.get("id", self.page_id))
        return AccountInfo(self.name, str(payload.get("name", "")), page, f"{WEB_HOST}/{page}")

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
                return self._post_ref(str(item["id"]), _parse_time(item.get("created_time")))
        return FindResult.ABSENT

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
            files = {"source": (media.path.name, handle, _mime(media.path))}
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
            files = {"source": (media.path.name, handle, _mime(media.path))}
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
        )
        session = str(start["upload_session_id"])
        video_id = str(start["video_id"])
        self._transfer(media.path, session, int(start["start_offset"]), int(start["end_offset"]))
        finish = {"upload_phase": "finish", "upload_session_id": session}
        finish.update(_without_empty({"title": post.title, "description": post.text}))
        self._post(f"{self.page_id}/videos", "publish", finish, creates=True)
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
        reply = self._post(f"{self.page_id}/videos", "upload video", data, files=files)
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

    def _url(self, path: str) -> str:
        return f"{GRAPH_HOST}/{self.version}/{path}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.main.reveal()}"}

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
        return self.api.call("GET", self._url(path), op, params=query, headers=self._headers())

    def _delete(self, path: str, op: str) -> Any:
        params = self._proof()
        return self.api.call("DELETE", self._url(path), op, params=params, headers=self._headers())

    def _post(
        self,
        path: str,
        op: str,
        data: dict[str, str],
        *,
        files: dict[str, Any] | None = None,
        creates: bool = False,
    ) -> Any:
        kwargs: dict[str, Any] = {"data": {**data, **self._proof()}, "headers": self._headers()}
        if files:
            kwargs["files"] = files
            kwargs["timeout"] = UPLOAD_TIMEOUT
        return self.api.call("POST", self._url(path), op, creates=creates, **kwargs)

    # -- errors -------------------------------------------------------------------------------

    def _unwrap(self, response: httpx.Response, op: str) -> Any:
        payload = json_body(response, self.name, op)
        if isinstance(payload, Mapping) and "error" in payload:
            raise self._error_for(GraphError.parse(payload["error"]), response, op)
        if response.status_code >= 500:
            raise Transient(self.name, op, f"HTTP {response.status_code}")
        if response.is_error:
            raise Rejected(self.name, op, redact(f"HTTP {response.status_code}: {payload}"))
        return payload

    def _error_for(self, error: GraphError, response: httpx.Response, op: str) -> NetworkError:
        """Map a Graph error by its code and subcode, never by HTTP status [S2]."""
        detail = redact(error.describe())
        code = error.code
        if error.subcode == OFFSET_MISMATCH_SUBCODE:
            start, end = _resume_offsets(error.data)
            return UploadOffsetMismatch(self.name, op, detail, start, end)
        if code in RATE_CODES or code in BUC_CODES:
            return RateLimitedError(self.name, op, detail, _rate_wait(response))
        if code in AUTH_CODES:
            return self.auth_error(op, detail)
        if code == 10 or 200 <= code <= 299:
            return self._permission_error(op, detail)
        if error.transient or code in TRANSIENT_CODES or response.status_code >= 500:
            return Transient(self.name, op, detail)
        if _is_missing_object(error):
            return NotFound(self.name, op, detail)
        return Rejected(self.name, op, detail, _rejection_hint(code))

    def _permission_error(self, op: str, detail: str) -> AuthError:
        hint = _(
            "The token in {env} lacks a permission: grant pages_manage_posts "
            "(and publish_video for videos) to the app, then issue a new Page token.",
            env=self.account.token_env,
        )
        return AuthError(self.name, op, detail, hint)


def _rejection_hint(code: int) -> str:
    if code == POLICY_BLOCK_CODE:
        return _(
            "Facebook has blocked posting for a policy violation: a person must review "
            "the Page's notifications before anything is published again."
        )
    if code == DUPLICATE_CODE:
        return _(
            "Facebook refused a duplicate of a recent post: check whether it is already on the "
            "Page."
        )
    if code == LINK_SCRAPE_CODE:
        return _("Facebook could not read the attached link: check that the URL opens.")
    return ""


def _is_missing_object(error: GraphError) -> bool:
    """``(#100)`` subcode 33 "Object with ID ... does not exist", or code 803."""
    if error.code in NOT_FOUND_CODES:
        return True
    return error.code == 100 and (
        error.subcode == OBJECT_MISSING_SUBCODE or "does not exist" in error.message
    )


def _rate_wait(response: httpx.Response) -> float:
    """Seconds until the Page's budget returns, from X-Business-Use-Case-Usage [S2, S3]."""
    usage = _json_object(response.headers.get("x-business-use-case-usage", ""))
    minutes = 0
    for entries in usage.values():
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping):
                minutes = max(minutes, _as_int(entry.get("estimated_time_to_regain_access")))
    return minutes * 60.0 if minutes > 0 else DEFAULT_RATE_WAIT


def _resume_offsets(data: Mapping[str, Any]) -> tuple[int, int]:
    return _as_int(data.get("start_offset")), _as_int(data.get("end_offset"))


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _parse_time(value: Any) -> datetime | None:
    """Graph's ``created_time``, e.g. ``2026-12-01T09:00:00+0000``."""
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def _mime(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _without_empty(values: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in values.items() if value}
