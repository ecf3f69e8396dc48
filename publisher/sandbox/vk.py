"""The VKontakte API v5.199 emulator: community walls, uploads, polls, VK's errors and limits.

What it holds to (reference ``networks-ru.md`` section 1):

- ``https://api.vk.com/method/<name>`` (alias ``api.vk.ru``), GET or POST, form or multipart;
  ``v`` is required (error 8); the token comes in ``Authorization: Bearer`` or ``access_token``;
  success is ``{"response": ...}``, an error ``{"error": {error_code, error_msg,
  request_params}}`` with HTTP 200, and ``request_params`` echoes what was sent [verified: V1, V2].
- User-only methods answer error 27 to a community token [verified: V1, V5]. A token is a
  community token when it starts with ``sandbox-vk-community`` or was registered with
  ``register_community_token``; a revoked token gets error 5.
- ≤3 requests/s per user token and ≤20 per community token, else error 6 [verified: V3, V6].
- Uploads go to signed URLs on separate hosts with VK's field names (``photo``, ``video_file``,
  ``file``); the photo host answers ``{"server", "photo": "<json string>", "hash"}`` and
  ``photos.saveWallPhoto`` checks the hash [verified: V2 upload/wall-photo].
- ``guid`` makes a repeated ``wall.post`` on the same wall within an hour return the first post
  [uncertain: duration]; about 50 posts a day per wall, then error 214 [uncertain].
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .core import Emulator, Store, next_id, token_digest

API_HOSTS = ("api.vk.com", "api.vk.ru")
UPLOAD_HOST = "pu.vk.com"
VIDEO_UPLOAD_HOST = "vu.vk.com"
COMMUNITY_TOKEN_PREFIX = "sandbox-vk-community"
MB = 1024 * 1024

#: the wall photo album VK reports for wall uploads
WALL_ALBUM_ID = -14
UPLOAD_SERVER = 851_130
#: signs upload answers so that ``photos.saveWallPhoto`` can check the hash
_SIGNING_KEY = b"publisher-sandbox-vk"

_ATTACHMENT = re.compile(
    r"^(photo|video|audio|doc|page|note|poll|album|market|market_album|audio_playlist)"
    r"(-?\d+)_(\d+)(?:_[0-9A-Za-z]+)?$"
)
_OWN_KINDS = {"photo": "photos", "video": "videos", "doc": "docs", "poll": "polls"}
_VIDEO_EXTENSIONS = frozenset(
    {".avi", ".mp4", ".3gp", ".mpeg", ".mpg", ".mov", ".mp3", ".flv", ".wmv"}
)
_FORBIDDEN_DOC_EXTENSIONS = frozenset({".mp3", ".exe", ".bat", ".cmd", ".com", ".msi", ".apk"})
_DOC_TYPES = {".gif": 3, ".txt": 1, ".pdf": 1, ".doc": 1, ".docx": 1, ".zip": 2, ".rar": 2}


class VkApiError(Exception):
    """An API error as VK reports it: a code and a message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def invalid_param(name: str) -> VkApiError:
    """Error 100, VK's answer to a missing or invalid parameter."""
    return VkApiError(100, f"One of the parameters specified was missing or invalid: {name}")


def register_community_token(store: Store, token: str) -> None:
    """Make the emulator treat ``token`` as a community token (whatever its value)."""
    with store.transaction("vk") as state:
        known = state.setdefault("community_tokens", [])
        if token_digest(token) not in known:
            known.append(token_digest(token))


@dataclass(frozen=True)
class Call:
    """One API call: its parameters and who makes it."""

    params: dict[str, str]
    user_id: int
    community: bool

    def get(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def required(self, name: str) -> str:
        value = self.params.get(name, "")
        if not value:
            raise invalid_param(f"{name} is undefined")
        return value

    def integer(self, name: str, default: int | None = None) -> int:
        raw = self.params.get(name, "")
        if not raw:
            if default is None:
                raise invalid_param(f"{name} is undefined")
            return default
        try:
            return int(raw)
        except ValueError:
            raise invalid_param(f"{name} not integer") from None

    def flag(self, name: str) -> bool:
        return self.params.get(name, "0") not in ("", "0", "false")

    def owner(self) -> int:
        """``owner_id`` if given, else ``-group_id``, else the calling user's own wall."""
        if self.params.get("owner_id"):
            return self.integer("owner_id")
        if self.params.get("group_id"):
            return -abs(self.integer("group_id"))
        return self.user_id


@dataclass(frozen=True)
class MethodSpec:
    handler: str
    community_allowed: bool


#: every emulated method, and whether a community token may call it [verified: V1 token types]
METHODS: dict[str, MethodSpec] = {
    "groups.getById": MethodSpec("groups_get_by_id", True),
    "photos.getWallUploadServer": MethodSpec("photos_get_wall_upload_server", False),
    "photos.saveWallPhoto": MethodSpec("photos_save_wall_photo", False),
    "video.save": MethodSpec("video_save", False),
    "docs.getWallUploadServer": MethodSpec("docs_get_wall_upload_server", True),
    "docs.save": MethodSpec("docs_save", True),
    "polls.create": MethodSpec("polls_create", False),
    "wall.post": MethodSpec("wall_post", False),
    "wall.edit": MethodSpec("wall_edit", False),
    "wall.delete": MethodSpec("wall_delete", False),
    # user or service tokens only [verified: V1]; wall.get the same [uncertain]
    "wall.getById": MethodSpec("wall_get_by_id", False),
    "wall.get": MethodSpec("wall_get", False),
}


class VkEmulator(Emulator):
    """VK's API, photo/document/video upload hosts and community walls."""

    network = "vk"
    hosts: ClassVar[tuple[str, ...]] = (*API_HOSTS, UPLOAD_HOST, VIDEO_UPLOAD_HOST)
    rules: ClassVar[list[Rule]] = [
        Rule("/method/<method>", endpoint="method"),
        Rule("/c<int:server>/upload.php", endpoint="photo_upload"),
        Rule("/c<int:server>/upload_doc.php", endpoint="doc_upload"),
        Rule("/upload.php", endpoint="video_upload"),
    ]

    user_requests_per_second: ClassVar[float] = 3
    community_requests_per_second: ClassVar[float] = 20
    #: ≈16384 characters [uncertain: reference "Limits"]
    message_limit: ClassVar[int] = 16384
    #: ≈10 media attachments plus one link [uncertain]
    max_media: ClassVar[int] = 10
    #: same guid on the same wall → same post within this many seconds [uncertain]
    guid_window: ClassVar[int] = 3600
    #: about 50 posts a day per community, then error 214 [uncertain: 2017 news, V6]
    posts_per_day: ClassVar[int] = 50
    photo_max_bytes: ClassVar[int] = 50 * MB
    photo_max_side_sum: ClassVar[int] = 14000
    photo_max_aspect: ClassVar[float] = 20.0
    doc_max_bytes: ClassVar[int] = 200 * MB
    video_name_limit: ClassVar[int] = 128
    poll_max_answers: ClassVar[int] = 10

    # -- the API endpoint ------------------------------------------------------------------

    def on_method(self, request: Request, method: str) -> Response:
        if request.host not in API_HOSTS:
            return self.not_found(request)
        params = {key: request.values.get(key, "") for key in request.values}
        try:
            payload = self._dispatch(request, method, params)
        except VkApiError as exc:
            return self.json({"error": _error_body(exc, method, params)})
        return self.json({"response": payload})

    def _dispatch(self, request: Request, method: str, params: dict[str, str]) -> Any:
        _check_version(params.get("v", ""))
        token = _token_of(request, params)
        if not token:
            raise VkApiError(5, "User authorization failed: no access_token passed.")
        if self.is_revoked(token):
            raise VkApiError(5, "User authorization failed: invalid access_token (4).")
        spec = METHODS.get(method)
        if spec is None:
            raise VkApiError(3, "Unknown method passed.")
        community = self.is_community_token(token)
        per_second = (
            self.community_requests_per_second if community else self.user_requests_per_second
        )
        if not self.rates.allow(f"vk:{token_digest(token)}", per_second):
            raise VkApiError(6, "Too many requests per second")
        if community and not spec.community_allowed:
            raise VkApiError(
                27, "Group authorization failed: method is unavailable with group auth."
            )
        handler: Callable[[Call], Any] = getattr(self, spec.handler)
        return handler(Call(params, _user_id(token), community))

    def is_community_token(self, token: str) -> bool:
        if token.startswith(COMMUNITY_TOKEN_PREFIX):
            return True
        return token_digest(token) in self.store.read("vk").get("community_tokens", [])

    def fault_response(self, kind: str) -> Response:
        """VK answers a flood of requests with error 6 in an HTTP 200, not with a 429."""
        if kind == "rate429":
            error = VkApiError(6, "Too many requests per second")
            return self.json({"error": _error_body(error, "", {})})
        page = (
            "<html><head><title>500 Internal Server Error</title></head><body>"
            "<center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center>"
            "</body></html>"
        )
        return Response(page, status=500, content_type="text/html")

    # -- groups ----------------------------------------------------------------------------

    def groups_get_by_id(self, call: Call) -> Any:
        raw = call.get("group_id") or call.get("group_ids")
        if not raw:
            raise invalid_param("group_ids is undefined")
        with self.store.transaction("vk") as state:
            groups = [_group(state, _group_number(part)) for part in raw.split(",") if part]
        fields = set(call.get("fields").split(","))
        answer = []
        for group in groups:
            item = {**group, "is_closed": 0, "type": "page"}
            if not call.community and fields & {"is_admin", "admin_level"}:
                # the sandbox's user is an administrator of every community
                item.update(is_admin=1, admin_level=3)
            answer.append(item)
        return {"groups": answer, "profiles": []}

    # -- photos ----------------------------------------------------------------------------

    def photos_get_wall_upload_server(self, call: Call) -> Any:
        owner = call.owner()
        with self.store.transaction("vk") as state:
            ticket = _new_ticket(state, "photo", owner, call.user_id)
        gid = -owner if owner < 0 else 0
        url = (
            f"https://{UPLOAD_HOST}/c{UPLOAD_SERVER}/upload.php?act=do_add"
            f"&mid={call.user_id}&aid={WALL_ALBUM_ID}&gid={gid}&upload={ticket}"
        )
        return {"upload_url": url, "album_id": WALL_ALBUM_ID, "user_id": call.user_id}

    def on_photo_upload(self, request: Request, server: int) -> Response:
        ticket = self._ticket(request, "photo")
        if ticket is None:
            return _upload_error("ERR_UPLOAD_BAD_URL: upload url is invalid or expired", 2)
        upload = request.files.get("photo")
        if upload is None or not upload.filename:
            # VK's answer to a request without the field: an empty photo list
            return self.json({"server": server, "photo": "[]", "hash": _sign(server, "[]")})
        name, size = self.store.save_upload(upload.stream, _suffix(upload))
        problem, image = self._inspect_photo(name, size)
        if problem:
            self.store.file_path(name).unlink(missing_ok=True)
            return _upload_error(problem, 1)
        file_id = secrets.token_hex(8)
        with self.store.transaction("vk") as state:
            state.setdefault("uploaded", {})[file_id] = {
                "kind": "photo",
                "file": name,
                "size": size,
                "owner_id": ticket["owner_id"],
                **image,
            }
        photo = json.dumps([{"photo": file_id, "sizes": [], "kid": request.args["upload"]}])
        return self.json({"server": server, "photo": photo, "hash": _sign(server, photo)})

    def _inspect_photo(self, name: str, size: int) -> tuple[str, dict[str, Any]]:
        """Check a stored upload against the wall-photo rules [verified: V2]."""
        if size > self.photo_max_bytes:
            return "ERR_UPLOAD_FILE_TOO_BIG: photo is larger than 50 MB", {}
        try:
            with Image.open(self.store.file_path(name)) as img:
                fmt, (width, height) = img.format or "", img.size
        except (UnidentifiedImageError, OSError):
            return "ERR_UPLOAD_BAD_IMAGE: file is not an image", {}
        if fmt not in ("JPEG", "PNG", "GIF"):
            return f"ERR_UPLOAD_BAD_IMAGE: format {fmt} is not supported", {}
        if width + height > self.photo_max_side_sum:
            return "ERR_UPLOAD_BAD_IMAGE_SIZE: width + height exceeds 14000 px", {}
        if max(width, height) > self.photo_max_aspect * max(min(width, height), 1):
            return "ERR_UPLOAD_BAD_IMAGE_SIZE: aspect ratio exceeds 1:20", {}
        return "", {"width": width, "height": height, "format": fmt}

    def photos_save_wall_photo(self, call: Call) -> Any:
        photo = call.required("photo")
        server = call.integer("server", 0)
        if not hmac.compare_digest(_sign(server, photo), call.get("hash")):
            raise VkApiError(121, "Invalid hash")
        file_ids = _photo_file_ids(photo)
        with self.store.transaction("vk") as state:
            return [self._save_photo(state, call, file_id) for file_id in file_ids]

    def _save_photo(self, state: dict[str, Any], call: Call, file_id: str) -> dict[str, Any]:
        """Turn an upload into a wall photo; saving the same upload again returns it again."""
        saved = state.setdefault("saved_uploads", {})
        if file_id in saved:
            return _photo_object(state["photos"][saved[file_id]])
        upload = state.get("uploaded", {}).pop(file_id, None)
        if upload is None or upload["kind"] != "photo":
            raise invalid_param("photos_list is invalid")
        if call.get("group_id") and -abs(call.integer("group_id")) != upload["owner_id"]:
            raise invalid_param("group_id does not match the upload")
        photo_id = next_id(state, "next_photo_id", 457_239_017)
        key = f"{upload['owner_id']}_{photo_id}"
        state.setdefault("photos", {})[key] = {
            "id": photo_id,
            "owner_id": upload["owner_id"],
            "user_id": call.user_id,
            "date": self.now(),
            "text": call.get("caption")[:2048],
            "file": upload["file"],
            "width": upload["width"],
            "height": upload["height"],
        }
        saved[file_id] = key
        return _photo_object(state["photos"][key])

    # -- video -----------------------------------------------------------------------------

    def video_save(self, call: Call) -> Any:
        name = call.get("name") or "Video"
        if len(name) > self.video_name_limit:
            raise invalid_param("name is too long")
        owner = call.owner()
        with self.store.transaction("vk") as state:
            video_id = next_id(state, "next_video_id", 456_239_017)
            ticket = _new_ticket(state, "video", owner, call.user_id, video_id=video_id)
            video = {
                "id": video_id,
                "owner_id": owner,
                "title": name,
                "description": call.get("description")[:5000],
                "access_key": secrets.token_hex(9),
                "date": self.now(),
                "file": None,
            }
            state.setdefault("videos", {})[f"{owner}_{video_id}"] = video
        url = (
            f"https://{VIDEO_UPLOAD_HOST}/upload.php?act=add_video"
            f"&oid={owner}&vid={video_id}&upload={ticket}"
        )
        return {
            "upload_url": url,
            "video_id": video_id,
            "owner_id": owner,
            "title": name,
            "description": video["description"],
            "access_key": video["access_key"],
        }

    def on_video_upload(self, request: Request) -> Response:
        ticket = self._ticket(request, "video", VIDEO_UPLOAD_HOST)
        if ticket is None:
            return _upload_error("ERR_UPLOAD_BAD_URL: upload url is invalid or expired", 2)
        upload = request.files.get("video_file")
        if upload is None or not upload.filename:
            return _upload_error("ERR_UPLOAD_NO_FILE: no video_file in the request", 3)
        if Path(upload.filename).suffix.lower() not in _VIDEO_EXTENSIONS:
            return _upload_error("ERR_UPLOAD_BAD_FORMAT: video format is not supported", 4)
        name, size = self.store.save_upload(upload.stream, _suffix(upload))
        key = f"{ticket['owner_id']}_{ticket['video_id']}"
        with self.store.transaction("vk") as state:
            state["videos"][key].update(file=name, size=size)
        return self.json(
            {
                "video_hash": hashlib.sha256(name.encode()).hexdigest()[:16],
                "size": size,
                "owner_id": ticket["owner_id"],
                "video_id": ticket["video_id"],
            }
        )

    # -- documents -------------------------------------------------------------------------

    def docs_get_wall_upload_server(self, call: Call) -> Any:
        owner = call.owner()
        with self.store.transaction("vk") as state:
            ticket = _new_ticket(state, "doc", owner, call.user_id)
        url = (
            f"https://{UPLOAD_HOST}/c{UPLOAD_SERVER}/upload_doc.php?act=add_doc"
            f"&mid={call.user_id}&gid={-owner if owner < 0 else 0}&upload={ticket}"
        )
        return {"upload_url": url}

    def on_doc_upload(self, request: Request, server: int) -> Response:
        ticket = self._ticket(request, "doc")
        if ticket is None:
            return _upload_error("ERR_UPLOAD_BAD_URL: upload url is invalid or expired", 2)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return _upload_error("ERR_UPLOAD_NO_FILE: no file in the request", 3)
        suffix = _suffix(upload)
        if suffix in _FORBIDDEN_DOC_EXTENSIONS:
            return _upload_error("ERR_UPLOAD_BAD_FORMAT: this file type is not allowed", 4)
        name, size = self.store.save_upload(upload.stream, suffix)
        if size > self.doc_max_bytes:
            self.store.file_path(name).unlink(missing_ok=True)
            return _upload_error("ERR_UPLOAD_FILE_TOO_BIG: document is larger than 200 MB", 1)
        file_id = secrets.token_hex(8)
        with self.store.transaction("vk") as state:
            state.setdefault("uploaded", {})[file_id] = {
                "kind": "doc",
                "file": name,
                "size": size,
                "ext": suffix.lstrip("."),
                "title": Path(upload.filename).name,
                "owner_id": ticket["owner_id"],
            }
        token = f"{ticket['owner_id']}|{file_id}|{_sign(UPLOAD_SERVER, file_id)}"
        return self.json({"file": token})

    def docs_save(self, call: Call) -> Any:
        owner, file_id, signature = [*call.required("file").split("|"), "", ""][:3]
        if not hmac.compare_digest(_sign(UPLOAD_SERVER, file_id), signature):
            raise invalid_param("file is invalid")
        with self.store.transaction("vk") as state:
            upload = state.get("uploaded", {}).pop(file_id, None)
            if upload is None or str(upload["owner_id"]) != owner:
                raise invalid_param("file is invalid")
            doc_id = next_id(state, "next_doc_id", 600_000_001)
            doc = {
                "id": doc_id,
                "owner_id": upload["owner_id"],
                "title": call.get("title") or upload["title"],
                "size": upload["size"],
                "ext": upload["ext"],
                "type": _DOC_TYPES.get(f".{upload['ext']}", 8),
                "date": self.now(),
                "file": upload["file"],
            }
            state.setdefault("docs", {})[f"{doc['owner_id']}_{doc_id}"] = doc
        return {"type": "doc", "doc": _doc_object(doc)}

    # -- polls -----------------------------------------------------------------------------

    def polls_create(self, call: Call) -> Any:
        question = call.required("question")
        answers = self._poll_answers(call.get("add_answers"))
        owner = call.owner()
        with self.store.transaction("vk") as state:
            poll_id = next_id(state, "next_poll_id", 800_000_001)
            poll = {
                "id": poll_id,
                "owner_id": owner,
                "author_id": call.user_id,
                "created": self.now(),
                "question": question,
                "answers": answers,
                "multiple": call.flag("is_multiple"),
                "anonymous": call.flag("is_anonymous"),
                "end_date": call.integer("end_date", 0),
            }
            state.setdefault("polls", {})[f"{owner}_{poll_id}"] = poll
        return _poll_object(poll)

    def _poll_answers(self, raw: str) -> list[str]:
        """``add_answers``: a JSON array of 1–10 strings [verified: V1 polls.create]."""
        try:
            answers = json.loads(raw) if raw else None
        except ValueError:
            answers = None
        valid = isinstance(answers, list) and all(isinstance(a, str) and a for a in answers)
        if not valid or not 1 <= len(answers or []) <= self.poll_max_answers:
            raise invalid_param("add_answers is invalid")
        return list(answers or [])

    # -- the wall --------------------------------------------------------------------------

    def wall_post(self, call: Call) -> Any:
        owner = call.owner()
        message = call.get("message")
        with self.store.transaction("vk") as state:
            attachments = self._resolve_attachments(state, call.get("attachments"))
            _check_content(message, attachments, self.message_limit)
            now = self.now()
            guid = call.get("guid")
            repeated = self._post_with_guid(state, owner, guid, now)
            if repeated is not None:
                return {"post_id": repeated["id"]}
            if self._posts_today(state, owner, now) >= self.posts_per_day:
                raise VkApiError(
                    214, "Access to adding post denied: a limit on posts per day is reached"
                )
            if owner < 0:
                _group(state, -owner)
            post = {
                "id": next_id(state, "next_post_id"),
                "owner_id": owner,
                "from_id": owner if owner < 0 and call.flag("from_group") else call.user_id,
                "created_by": call.user_id,
                "date": now,
                "text": message,
                "attachments": attachments,
                "guid": guid,
                "close_comments": call.flag("close_comments"),
                "mute_notifications": call.flag("mute_notifications"),
                "deleted": False,
            }
            state.setdefault("posts", []).append(post)
        return {"post_id": post["id"]}

    def _post_with_guid(
        self, state: dict[str, Any], owner: int, guid: str, now: int
    ) -> dict[str, Any] | None:
        if not guid:
            return None
        for post in _live_posts(state, owner):
            if post.get("guid") == guid and now - post["date"] < self.guid_window:
                return post
        return None

    @staticmethod
    def _posts_today(state: dict[str, Any], owner: int, now: int) -> int:
        walls = (p for p in state.get("posts", []) if p["owner_id"] == owner)
        return sum(1 for p in walls if now - p["date"] < 86_400)

    def _resolve_attachments(self, state: dict[str, Any], raw: str) -> list[dict[str, Any]]:
        """Parse ``attachments`` into stored descriptions; VK's limits apply."""
        items = [part.strip() for part in raw.split(",") if part.strip()]
        links = [item for item in items if item.startswith(("http://", "https://"))]
        if len(links) > 1:
            raise invalid_param("attachments: only one link is allowed")
        if len(items) - len(links) > self.max_media:
            raise invalid_param(f"attachments: more than {self.max_media} attachments")
        return [
            {"type": "link", "url": item} if item in links else _resolve(state, item)
            for item in items
        ]

    def wall_edit(self, call: Call) -> Any:
        with self.store.transaction("vk") as state:
            post = _find_post(state, call.owner(), call.integer("post_id"))
            attachments = self._resolve_attachments(state, call.get("attachments"))
            message = call.get("message")
            _check_content(message, attachments, self.message_limit)
            # the new list replaces the old one [uncertain: reference "Edit / delete"]
            post.update(text=message, attachments=attachments, edited=self.now())
            if "close_comments" in call.params:
                post["close_comments"] = call.flag("close_comments")
        return {"post_id": post["id"]}

    def wall_delete(self, call: Call) -> Any:
        with self.store.transaction("vk") as state:
            post = _find_post(state, call.owner(), call.integer("post_id"))
            post.update(deleted=True, deleted_at=self.now())
        return 1

    def wall_get_by_id(self, call: Call) -> Any:
        wanted = []
        for part in call.required("posts").split(","):
            owner, _, post_id = part.strip().rpartition("_")
            if owner.lstrip("-").isdigit() and post_id.isdigit():
                wanted.append((int(owner), int(post_id)))
        state = self.store.read("vk")
        items = [
            _post_object(state, post)
            for owner, post_id in wanted
            for post in _live_posts(state, owner)
            if post["id"] == post_id
        ]
        return {"items": items}

    def wall_get(self, call: Call) -> Any:
        count = min(max(call.integer("count", 20), 0), 100)
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        posts = sorted(_live_posts(state, call.owner()), key=lambda p: p["id"], reverse=True)
        items = [_post_object(state, post) for post in posts[offset : offset + count]]
        return {"count": len(posts), "items": items}

    # -- uploads ---------------------------------------------------------------------------

    def _ticket(
        self, request: Request, kind: str, host: str = UPLOAD_HOST
    ) -> dict[str, Any] | None:
        """The upload session a signed upload URL names, if the URL is right."""
        if request.host != host or request.method != "POST":
            return None
        ticket: dict[str, Any] | None = (
            self.store.read("vk").get("tickets", {}).get(request.args.get("upload", ""))
        )
        return ticket if ticket is not None and ticket["kind"] == kind else None

    # -- what ``sandbox show`` and the feed page see ---------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        posts = [_post_view(state, post) for post in state.get("posts", []) if not post["deleted"]]
        return {"posts": posts, "groups": list(state.get("groups", {}).values())}

    def feed_html(self, state: dict[str, Any]) -> str:
        posts = sorted(
            (post for post in state.get("posts", []) if not post["deleted"]),
            key=lambda p: p["id"],
            reverse=True,
        )
        articles = "".join(_post_html(state, post) for post in posts)
        return f'<section class="vk-feed">{articles}</section>'


# -- requests and answers ----------------------------------------------------------------


def _check_version(version: str) -> None:
    """``v`` is required and must be at least 5.81 (error 8) [verified: V5, VK answers]."""
    if not version:
        raise VkApiError(8, "Invalid request: v (version) is required")
    major, _, minor = version.partition(".")
    if not (major.isdigit() and minor.isdigit()) or (int(major), int(minor)) < (5, 81):
        raise VkApiError(
            8,
            "Invalid request: versions below 5.81 are deprecated. "
            'Version param should be passed as "v".',
        )


def _token_of(request: Request, params: dict[str, str]) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return params.get("access_token", "")


def _user_id(token: str) -> int:
    """A stable user id per token: the sandbox's administrator behind it."""
    return 100_000 + int(token_digest(token)[:5], 16) % 900_000


def _error_body(exc: VkApiError, method: str, params: dict[str, str]) -> dict[str, Any]:
    """VK's error object; ``request_params`` echoes every parameter, a token included."""
    echoed = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    echoed += [{"key": key, "value": value} for key, value in params.items()]
    return {"error_code": exc.code, "error_msg": exc.message, "request_params": echoed}


def _upload_error(message: str, code: int) -> Response:
    """An upload host's refusal: ``{"error", "error_code"}`` [uncertain: V3 uploadError]."""
    body = {"error": message, "error_code": code, "error_descr": message}
    return Emulator.json(body)


def _sign(server: int, value: str) -> str:
    digest = hmac.new(_SIGNING_KEY, f"{server}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _suffix(upload: FileStorage) -> str:
    return Path(upload.filename or "").suffix.lower()[:10]


def _new_ticket(state: dict[str, Any], kind: str, owner: int, user: int, **extra: Any) -> str:
    ticket = secrets.token_hex(12)
    state.setdefault("tickets", {})[ticket] = {
        "kind": kind,
        "owner_id": owner,
        "user_id": user,
        **extra,
    }
    return ticket


def _photo_file_ids(photo: str) -> list[str]:
    try:
        items = json.loads(photo)
    except ValueError:
        items = None
    ids = [item.get("photo") for item in items or [] if isinstance(item, dict)]
    if not ids or not all(isinstance(i, str) for i in ids):
        raise invalid_param("photos_list is invalid")
    return [str(i) for i in ids]


def _group_number(raw: str) -> int:
    text = raw.strip().lstrip("-")
    for prefix in ("club", "public"):
        text = text.removeprefix(prefix)
    if not text.isdigit():
        raise VkApiError(100, "One of the parameters specified was missing or invalid: group_ids")
    return int(text)


def _group(state: dict[str, Any], gid: int) -> dict[str, Any]:
    """A community, created on first use: the sandbox's account runs every one."""
    groups = state.setdefault("groups", {})
    group: dict[str, Any] = groups.setdefault(
        str(gid), {"id": gid, "name": f"Сообщество {gid}", "screen_name": f"club{gid}"}
    )
    return group


# -- the wall ----------------------------------------------------------------------------


def _check_content(message: str, attachments: list[dict[str, Any]], limit: int) -> None:
    if not message and not attachments:
        raise invalid_param("message is empty or invalid")
    if len(message) > limit:
        raise invalid_param(f"message is too long (more than {limit} characters)")


def _resolve(state: dict[str, Any], item: str) -> dict[str, Any]:
    """One ``{type}{owner}_{id}`` attachment: it must exist (and a video must be uploaded)."""
    match = _ATTACHMENT.match(item)
    if match is None:
        raise invalid_param(f"attachments: {item[:40]} is invalid")
    kind, owner, object_id = match.group(1), match.group(2), match.group(3)
    key = f"{owner}_{object_id}"
    collection = _OWN_KINDS.get(kind)
    if collection is None:
        return {"type": kind, "key": key}
    obj = state.get(collection, {}).get(key)
    if obj is None or (kind == "video" and not obj.get("file")):
        raise invalid_param(f"attachments: {kind}{key} not found")
    return {"type": kind, "key": key}


def _live_posts(state: dict[str, Any], owner: int) -> Iterator[dict[str, Any]]:
    return (
        post for post in state.get("posts", []) if post["owner_id"] == owner and not post["deleted"]
    )


def _find_post(state: dict[str, Any], owner: int, post_id: int) -> dict[str, Any]:
    """A live post, or error 104 [verified: V1 wall.delete errors; wall.edit uncertain]."""
    for post in _live_posts(state, owner):
        if post["id"] == post_id:
            return post
    raise VkApiError(104, "Not found")


# -- VK's object shapes ------------------------------------------------------------------


def _file_url(name: str) -> str:
    return f"https://sun9-1.userapi.com/sandbox/{name}"


def _photo_object(photo: dict[str, Any]) -> dict[str, Any]:
    size = {
        "type": "x",
        "url": _file_url(photo["file"]),
        "width": photo["width"],
        "height": photo["height"],
    }
    return {
        "id": photo["id"],
        "owner_id": photo["owner_id"],
        "album_id": WALL_ALBUM_ID,
        "user_id": photo["user_id"],
        "date": photo["date"],
        "text": photo["text"],
        "sizes": [size],
        "has_tags": False,
    }


def _video_object(video: dict[str, Any]) -> dict[str, Any]:
    fields = ("id", "owner_id", "title", "description", "date", "access_key")
    return {key: video[key] for key in fields}


def _doc_object(doc: dict[str, Any]) -> dict[str, Any]:
    fields = ("id", "owner_id", "title", "size", "ext", "type", "date")
    return {**{key: doc[key] for key in fields}, "url": _file_url(doc["file"])}


def _poll_object(poll: dict[str, Any]) -> dict[str, Any]:
    answers = [
        {"id": index, "text": text, "votes": 0, "rate": 0}
        for index, text in enumerate(poll["answers"], start=1)
    ]
    return {
        "id": poll["id"],
        "owner_id": poll["owner_id"],
        "author_id": poll["author_id"],
        "created": poll["created"],
        "question": poll["question"],
        "votes": 0,
        "answers": answers,
        "anonymous": poll["anonymous"],
        "multiple": poll["multiple"],
        "answer_ids": [],
        "end_date": poll["end_date"],
        "closed": False,
        "is_board": False,
        "can_edit": True,
        "can_vote": True,
        "can_report": False,
        "can_share": True,
    }


_OBJECT_SHAPES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "photo": _photo_object,
    "video": _video_object,
    "doc": _doc_object,
    "poll": _poll_object,
}


def _attachment_object(state: dict[str, Any], attachment: dict[str, Any]) -> dict[str, Any]:
    kind = attachment["type"]
    if kind == "link":
        link = {"url": attachment["url"], "title": "", "description": "", "target": "external"}
        return {"type": "link", "link": link}
    shape = _OBJECT_SHAPES.get(kind)
    stored = state.get(_OWN_KINDS.get(kind, ""), {}).get(attachment["key"])
    if shape is None or stored is None:
        owner, _, object_id = attachment["key"].rpartition("_")
        return {"type": kind, kind: {"id": int(object_id), "owner_id": int(owner)}}
    return {"type": kind, kind: shape(stored)}


def _post_object(state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any]:
    """A post as ``wall.get`` / ``wall.getById`` return it (the fields publisher reads)."""
    obj = {
        "id": post["id"],
        "owner_id": post["owner_id"],
        "from_id": post["from_id"],
        "created_by": post["created_by"],
        "date": post["date"],
        "text": post["text"],
        "post_type": "post",
        "attachments": [_attachment_object(state, a) for a in post["attachments"]],
        "comments": {"count": 0, "can_post": 0 if post["close_comments"] else 1},
        "likes": {"count": 0},
        "reposts": {"count": 0},
        "views": {"count": 0},
        "marked_as_ads": 0,
    }
    if post.get("edited"):
        obj["edited"] = post["edited"]
    return obj


def _media_view(state: dict[str, Any], attachment: dict[str, Any]) -> dict[str, Any] | None:
    kind = attachment["type"]
    if kind not in ("photo", "video", "doc"):
        return None
    stored = state.get(_OWN_KINDS[kind], {}).get(attachment["key"], {})
    name = stored.get("file") or ""
    title = stored.get("title") or stored.get("text") or ""
    return {"type": kind, "id": f"{kind}{attachment['key']}", "file": name, "title": title}


def _poll_view(state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any] | None:
    for attachment in post["attachments"]:
        if attachment["type"] == "poll":
            poll = state.get("polls", {}).get(attachment["key"], {})
            return {
                "question": poll.get("question", ""),
                "options": poll.get("answers", []),
                "multiple": poll.get("multiple", False),
            }
    return None


def _iso(timestamp: int | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None


def _post_view(state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any]:
    media = [_media_view(state, a) for a in post["attachments"]]
    links = [a["url"] for a in post["attachments"] if a["type"] == "link"]
    return {
        "id": str(post["id"]),
        "owner_id": post["owner_id"],
        "text": post["text"],
        "url": f"https://vk.com/wall{post['owner_id']}_{post['id']}",
        "media": [m for m in media if m is not None],
        "poll": _poll_view(state, post),
        "link": links[0] if links else None,
        "published_at": _iso(post["date"]),
        "edited_at": _iso(post.get("edited")),
        "silent": post["mute_notifications"],
        "comments_closed": post["close_comments"],
    }


def _post_html(state: dict[str, Any], post: dict[str, Any]) -> str:
    """One post the way VK's wall shows it: author, text, photo grid, video, docs, poll, link."""
    view = _post_view(state, post)
    esc = html.escape
    author = _author_name(state, post["owner_id"])
    parts = [
        f'<article class="vk-post" id="vk-post{esc(str(post["owner_id"]))}_{post["id"]}">',
        f"<header><strong>{esc(author)}</strong> "
        f'<time datetime="{esc(view["published_at"] or "")}">'
        f"{esc((view['published_at'] or '')[:16].replace('T', ' '))}</time></header>",
    ]
    if view["text"]:
        parts.append(f'<div class="vk-text">{esc(view["text"]).replace(chr(10), "<br>")}</div>')
    parts.extend(_media_html(media) for media in view["media"])
    if view["poll"]:
        parts.append(_poll_html(view["poll"]))
    if view["link"]:
        parts.append(f'<a class="vk-link" href="{esc(view["link"])}">{esc(view["link"])}</a>')
    if view["comments_closed"]:
        parts.append('<footer class="vk-comments-closed">Comments are closed</footer>')
    parts.append("</article>")
    return "".join(parts)


def _author_name(state: dict[str, Any], owner: int) -> str:
    group = state.get("groups", {}).get(str(-owner), {})
    return str(group.get("name") or (f"club{-owner}" if owner < 0 else f"id{owner}"))


def _media_html(media: dict[str, Any]) -> str:
    src = f"/files/{html.escape(media['file'])}"
    title = html.escape(media["title"])
    if media["type"] == "photo" or media["file"].endswith(".gif"):
        return f'<div class="vk-photo"><img src="{src}" alt="{title}"></div>'
    if media["type"] == "video":
        return f'<div class="vk-video"><video src="{src}" controls></video><p>{title}</p></div>'
    return f'<div class="vk-doc"><a href="{src}">{title}</a></div>'


def _poll_html(poll: dict[str, Any]) -> str:
    options = "".join(f"<li>{html.escape(option)}</li>" for option in poll["options"])
    kind = "Multiple choice" if poll["multiple"] else "Single choice"
    return (
        f'<div class="vk-poll"><p class="vk-poll-question">{html.escape(poll["question"])}</p>'
        f"<ul>{options}</ul><small>{kind}</small></div>"
    )
