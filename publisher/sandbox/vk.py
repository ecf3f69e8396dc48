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
- Comments (reference "Read comments", "Moderate"): ``wall.getComments`` (user token; ≤100 a
  page, threads with ≤10 items, text cut to 90 characters unless ``preview_length=0`` [V1
  schema]), ``wall.createComment`` (``from_group`` is the community's id), ``wall.deleteComment``
  (104 for a comment already gone), ``groups.ban`` (``end_date`` ≤ a year ahead or none). A
  banned citizen cannot comment or write to the community; VK has no hidden comments.
- Community messages: ``messages.getConversations``/``getHistory``/``send`` with a community
  token holding the ``messages`` right [V1 schema]; ``send`` needs ``random_id`` and a person
  who wrote to the community first (else error 901).
- Profile (reference "Account profile"): ``groups.edit`` (title ≤48, description ≤4000
  [uncertain]), the owner photo (≥200×200, else 5706 [uncertain]) and the cover (≥795×200
  [uncertain]) uploads. A community token may be registered with a subset of rights; a method
  needing a right it lacks gets error 15 [uncertain: the code VK gives].
- Several communities (``accounts.SandboxAccount``): a user token administers the communities it
  is declared with, a community token only its own. A community token acting for another
  community gets error 15 "Access denied: no access to call this method" [uncertain: the code
  VK gives, seen in public reports]; a user who is no administrator gets 214 "Access to adding
  post denied" from ``wall.post`` and ``wall.repost`` [verified: V1 errors of both methods],
  210 from ``wall.delete`` [verified: V1], 211 from the comment deletions [uncertain] and 15
  elsewhere [uncertain]. Reading a community's wall and comments needs no administrator.
  A token declared nowhere gets error 5, as a made-up token would.
- ``wall.repost(object=wall-<gid>_<pid>, group_id, message, mute_notifications)``: user token
  only; the repost is a post of the target community (``from_id`` the community) with the
  source in ``copy_history`` and the source's ``reposts.count`` raised; the answer is
  ``{success, post_id, reposts_count, wall_repost_count, mail_repost_count, likes_count}``
  [verified: V1 wall.repost]. Without ``group_id`` it lands on the user's own wall [verified:
  V1]. A missing or deleted source is error 100 [uncertain]; reposts count towards the daily
  limit of the target wall [uncertain].
- Other people's communities (``add_community``, ``add_open_post``: local public pages and
  residents' posts on them), which no token of ours runs. ``newsfeed.search(q, extended,
  count ≤200, start_time (default a day ago), end_time, start_from)`` answers ``{items, count,
  total_count, next_from}`` newest first, ``next_from`` absent on the last page; ``wall.search
  (owner_id|domain, query, owners_only, count ≤100, offset)`` and ``wall.get`` by ``domain``
  answer ``{count, items}`` with ``profiles``/``groups`` when ``extended`` [verified: the
  methods' schema; uncertain: how VK matches words, the format of next_from]. Both are user or
  service token methods (27 for a community token). A closed community's wall is error 15, an
  unknown short name 100. Our community comments on another wall with ``from_group=<our id>``
  where that wall lets communities comment, else 15; closed comments are 213 [uncertain: the
  codes VK gives].
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from publisher.sandbox.accounts import Owners, SandboxAccount, token_digest
from publisher.sandbox.core import Emulator, Store, next_id
from publisher.sandbox.figures import followers, grown
from publisher.sandbox.pages import render

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

_WALL_OBJECT = re.compile(r"^wall(-?\d+)_(\d+)$")
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


def register_community_token(
    store: Store, token: str, rights: Iterable[str] | None = None, group_id: int | None = None
) -> None:
    """Make the emulator treat ``token`` as a community token (whatever its value).

    ``rights`` limits what it may do (``manage``, ``photos``, ``wall``, ``messages``; None: all);
    ``group_id`` ties it to one community, as a real community token is.
    """
    with store.transaction("vk") as state:
        known = state.setdefault("community_tokens", [])
        if token_digest(token) not in known:
            known.append(token_digest(token))
        info = {"rights": sorted(rights) if rights is not None else None, "group_id": group_id}
        state.setdefault("community_token_info", {})[token_digest(token)] = info


ACCESS_DENIED = "Access denied: no access to call this method"
ADD_POST_DENIED = "Access to adding post denied"
COMMENT_DENIED = "Access to wall's comment denied"


@dataclass(frozen=True)
class Call:
    """One API call: its parameters and who makes it."""

    params: dict[str, str]
    user_id: int
    community: bool
    #: the communities the token may act for (a community token: its own one); None: every one
    groups: frozenset[int] | None = None
    #: other people's communities (``add_community``): no token of ours runs them
    foreign: frozenset[int] = frozenset()

    @property
    def token_group(self) -> int | None:
        """The community a community token belongs to, when it is tied to one."""
        if not self.community or self.groups is None:
            return None
        return min(self.groups)

    def acts_for(self, gid: int, code: int = 15, message: str = ACCESS_DENIED) -> None:
        """Refuse, with VK's error ``code``, a call for a community the token does not run."""
        if not self.runs(gid):
            raise VkApiError(code, message)

    def runs(self, gid: int) -> bool:
        """Whether the token runs community ``gid`` (what ``groups.getById`` calls admin)."""
        return gid not in self.foreign and (self.groups is None or gid in self.groups)

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

    def run_owner(self, code: int = 15, message: str = ACCESS_DENIED) -> int:
        """``owner()``, refused with ``code`` when it is a community the token does not run."""
        owner = self.owner()
        if owner < 0:
            self.acts_for(-owner, code, message)
        return owner


@dataclass(frozen=True)
class MethodSpec:
    handler: str
    community_allowed: bool
    #: the community token's right the method needs [verified: V5 #242 names]
    right: str = ""


#: every emulated method, and whether a community token may call it [verified: V1 token types]
METHODS: dict[str, MethodSpec] = {
    "groups.getById": MethodSpec("groups_get_by_id", True),
    "photos.getWallUploadServer": MethodSpec("photos_get_wall_upload_server", False),
    "photos.saveWallPhoto": MethodSpec("photos_save_wall_photo", False),
    "video.save": MethodSpec("video_save", False),
    # broadcasts [uncertain: video.startStreaming / stopStreaming were announced by VK in
    # 2022; the answer's ``stream`` object (url, key) and ``live_status`` values are our reading]
    "video.startStreaming": MethodSpec("video_start_streaming", False),
    "video.stopStreaming": MethodSpec("video_stop_streaming", False),
    "video.get": MethodSpec("video_get", False),
    "docs.getWallUploadServer": MethodSpec("docs_get_wall_upload_server", True),
    "docs.save": MethodSpec("docs_save", True),
    "polls.create": MethodSpec("polls_create", False),
    # contests: who reposted a post, who voted in a public poll [uncertain: long-standing
    # methods not in the reference; shapes as VK's method pages and public clients show]
    "polls.getById": MethodSpec("polls_get_by_id", False),
    "polls.getVoters": MethodSpec("polls_get_voters", False),
    "wall.getReposts": MethodSpec("wall_get_reposts", False),
    "wall.post": MethodSpec("wall_post", False),
    "wall.repost": MethodSpec("wall_repost", False),
    "wall.edit": MethodSpec("wall_edit", False),
    "wall.delete": MethodSpec("wall_delete", False),
    # user or service tokens only [verified: V1]; wall.get the same [uncertain]
    "wall.getById": MethodSpec("wall_get_by_id", False),
    "wall.get": MethodSpec("wall_get", False),
    # open sources: user or service tokens [uncertain for newsfeed.search: VK's schema]
    "newsfeed.search": MethodSpec("newsfeed_search", False),
    "wall.search": MethodSpec("wall_search", False),
    # comments and moderation [verified: V1 access_token_type]
    "wall.getComments": MethodSpec("wall_get_comments", False),
    "wall.createComment": MethodSpec("wall_create_comment", True, "wall"),
    "wall.deleteComment": MethodSpec("wall_delete_comment", False),
    "wall.restoreComment": MethodSpec("wall_restore_comment", False),
    "groups.ban": MethodSpec("groups_ban", False),
    "groups.unban": MethodSpec("groups_unban", False),
    # the community's profile [verified: V1]
    "groups.edit": MethodSpec("groups_edit", True, "manage"),
    "photos.getOwnerPhotoUploadServer": MethodSpec("photos_get_owner_photo_upload_server", False),
    "photos.saveOwnerPhoto": MethodSpec("photos_save_owner_photo", False),
    "photos.getOwnerCoverPhotoUploadServer": MethodSpec(
        "photos_get_owner_cover_photo_upload_server", True, "photos"
    ),
    "photos.saveOwnerCoverPhoto": MethodSpec("photos_save_owner_cover_photo", True, "photos"),
    # community messages [verified: V1 messages schema]
    "messages.getConversations": MethodSpec("messages_get_conversations", True, "messages"),
    "messages.getHistory": MethodSpec("messages_get_history", True, "messages"),
    "messages.send": MethodSpec("messages_send", True, "messages"),
    # a community administrator's user token [uncertain: community tokens, not emulated]
    "stats.getPostReach": MethodSpec("stats_get_post_reach", False),
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
    #: newsfeed.search gives ≤200 a page [uncertain: VK's schema]
    newsfeed_page_max: ClassVar[int] = 200
    #: wall.getComments: ≤100 a page, ≤10 thread items, text cut to 90 unless told
    #: ``preview_length=0`` [verified: V1 schema]
    comments_page_max: ClassVar[int] = 100
    thread_items_max: ClassVar[int] = 10
    comment_preview_length: ClassVar[int] = 90
    #: groups.ban end_date: at most a year ahead [verified: V2 groups.ban]
    max_ban_seconds: ClassVar[int] = 365 * 86_400
    #: wall.getReposts and polls.getVoters pages: ≤1000 [uncertain]
    entrants_page_max: ClassVar[int] = 1000
    #: community title and description lengths [uncertain: VK's settings form]
    title_limit: ClassVar[int] = 48
    description_limit: ClassVar[int] = 4000
    #: the smallest community photo and cover [uncertain: V3 doc comment, VK's help]
    avatar_min: ClassVar[tuple[int, int]] = (200, 200)
    cover_min: ClassVar[tuple[int, int]] = (795, 200)
    #: messages: ≤200 a page, text ≤9000 [verified: V1 schema]
    messages_page_max: ClassVar[int] = 200
    message_text_limit: ClassVar[int] = 9000
    #: the same random_id to the same person within this many seconds sends nothing new
    #: [uncertain: VK says only "to avoid resending"]
    random_id_window: ClassVar[int] = 3600

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
        state = self.store.read("vk")
        owners = Owners(state)
        if owners.declared and not owners.knows(token):
            raise VkApiError(5, "User authorization failed: invalid access_token (4).")
        community = self.is_community_token(token, state)
        per_second = (
            self.community_requests_per_second if community else self.user_requests_per_second
        )
        if not self.rates.allow(f"vk:{token_digest(token)}", per_second):
            raise VkApiError(6, "Too many requests per second")
        if community and not spec.community_allowed:
            raise VkApiError(
                27, "Group authorization failed: method is unavailable with group auth."
            )
        info = _community_info(state, token) if community else {}
        rights = info.get("rights")
        if community and spec.right and rights is not None and spec.right not in rights:
            raise VkApiError(15, ACCESS_DENIED)
        handler: Callable[[Call], Any] = getattr(self, spec.handler)
        groups = _groups_of(owners, token, info)
        foreign = frozenset(int(g) for g, v in state.get("groups", {}).items() if v.get("foreign"))
        return handler(Call(params, _user_id(token), community, groups, foreign))

    def is_community_token(self, token: str, state: dict[str, Any] | None = None) -> bool:
        """A token with the community prefix, registered or declared as a community's."""
        if token.startswith(COMMUNITY_TOKEN_PREFIX):
            return True
        state = self.store.read("vk") if state is None else state
        registered = token_digest(token) in state.get("community_tokens", [])
        return registered or Owners(state).is_community_token(token)

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared community: its number, named by its title."""
        try:
            gid = _group_number(account.id)
        except VkApiError:
            raise ValueError(f"vk: {account.id!r} is not a community number") from None
        group = _group(state, gid)
        if account.title:
            group["name"] = account.title
        return str(gid)

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
            item = {**_group_object(group, fields), "is_closed": 0, "type": "page"}
            if "members_count" in fields:
                item["members_count"] = followers(f"vk{group['id']}", self.now())
            item.update(_page_flags(group, fields))
            if not call.community and fields & {"is_admin", "admin_level"}:
                # the sandbox's user administers the communities it runs
                admin = call.runs(group["id"])
                item.update(is_admin=int(admin), **({"admin_level": 3} if admin else {}))
            answer.append(item)
        return {"groups": answer, "profiles": []}

    # -- photos ----------------------------------------------------------------------------

    def photos_get_wall_upload_server(self, call: Call) -> Any:
        owner = call.run_owner()
        with self.store.transaction("vk") as state:
            ticket = _new_ticket(state, "photo", owner, call.user_id)
        gid = -owner if owner < 0 else 0
        url = (
            f"https://{UPLOAD_HOST}/c{UPLOAD_SERVER}/upload.php?act=do_add"
            f"&mid={call.user_id}&aid={WALL_ALBUM_ID}&gid={gid}&upload={ticket}"
        )
        return {"upload_url": url, "album_id": WALL_ALBUM_ID, "user_id": call.user_id}

    def on_photo_upload(self, request: Request, server: int) -> Response:
        """The photo host: wall photos, the community's photo and its cover all land here."""
        ticket = self._ticket(request, ("photo", "owner_photo", "cover"))
        if ticket is None:
            return _upload_error("ERR_UPLOAD_BAD_URL: upload url is invalid or expired", 2)
        upload = request.files.get("photo")
        if upload is None or not upload.filename:
            # VK's answer to a request without the field: an empty photo list
            return self.json({"server": server, "photo": "[]", "hash": _sign(server, "[]")})
        name, size = self.store.save_upload(upload.stream, _suffix(upload))
        problem, image = self._inspect_photo(name, size)
        if not problem and ticket["kind"] == "cover":
            problem = self._cover_problem(ticket, image)
        if problem:
            self.store.file_path(name).unlink(missing_ok=True)
            return _upload_error(problem, 1)
        file_id = secrets.token_hex(8)
        with self.store.transaction("vk") as state:
            state.setdefault("uploaded", {})[file_id] = {
                "kind": ticket["kind"],
                "file": name,
                "size": size,
                "owner_id": ticket["owner_id"],
                **image,
            }
        photo = json.dumps([{"photo": file_id, "sizes": [], "kid": request.args["upload"]}])
        if ticket["kind"] == "cover":
            # the cover host answers only {photo, hash} [verified: reference "Account profile"]
            return self.json({"photo": photo, "hash": _sign(UPLOAD_SERVER, photo)})
        return self.json({"server": server, "photo": photo, "hash": _sign(server, photo)})

    def _cover_problem(self, ticket: dict[str, Any], image: dict[str, Any]) -> str:
        """The crop chosen at ``getOwnerCoverPhotoUploadServer`` must fit the image and be at
        least 795×200 [uncertain: V3 doc comment]."""
        x, y, x2, y2 = ticket["crop"]
        if x2 > image["width"] or y2 > image["height"]:
            return "ERR_UPLOAD_BAD_IMAGE_SIZE: the crop is larger than the image"
        if x2 - x < self.cover_min[0] or y2 - y < self.cover_min[1]:
            width, height = self.cover_min
            return f"ERR_UPLOAD_BAD_IMAGE_SIZE: a cover must be at least {width}x{height} px"
        return ""

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
        owner = call.run_owner()
        with self.store.transaction("vk") as state:
            video = self._new_video(state, owner, name, call)
            video_id = video["id"]
            ticket = _new_ticket(state, "video", owner, call.user_id, video_id=video_id)
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

    def _new_video(self, state: dict[str, Any], owner: int, name: str, call: Call) -> Any:
        """A video record of the community or user ``owner``, with no file yet."""
        video_id = next_id(state, "next_video_id", 456_239_017)
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
        return video

    def video_start_streaming(self, call: Call) -> Any:
        """A new broadcast in the community (``group_id``), waiting for its stream; with
        ``video_id``, the stream settings of that broadcast again (not a new one)."""
        owner = call.run_owner()
        with self.store.transaction("vk") as state:
            if call.get("video_id"):
                video = state.get("videos", {}).get(f"{owner}_{call.integer('video_id')}")
                if video is None or not video.get("live"):
                    raise invalid_param("video_id is invalid")
                if video["live_status"] == "finished":
                    raise invalid_param("video_id: the broadcast has ended")
            else:
                name = call.get("name") or "Трансляция"
                if len(name) > self.video_name_limit:
                    raise invalid_param("name is too long")
                video = self._new_video(state, owner, name, call)
                key = f"{video['id']}_{secrets.token_urlsafe(24)}"
                video.update(live=True, live_status="waiting", stream_key=key)
        return {
            "video_id": video["id"],
            "owner_id": owner,
            "name": video["title"],
            "description": video["description"],
            "access_key": video["access_key"],
            "stream": {"url": "rtmp://stream.vkuserlive.com:443/live", "key": video["stream_key"]},
        }

    def video_stop_streaming(self, call: Call) -> Any:
        owner = call.run_owner()
        with self.store.transaction("vk") as state:
            video = state.get("videos", {}).get(f"{owner}_{call.integer('video_id')}")
            if video is None or not video.get("live"):
                raise invalid_param("video_id is invalid")
            video["live_status"] = "finished"
        return {"unique_viewers": 0}

    def video_get(self, call: Call) -> Any:
        """``videos=<owner>_<id>,...``: those videos, broadcasts with their ``live_status``."""
        state = self.store.read("vk")
        items = []
        for key in call.get("videos").split(","):
            video = state.get("videos", {}).get(key.strip())
            if video is not None:
                item = _video_object(video)
                if video.get("live"):
                    item.update(live=1, live_status=video["live_status"])
                items.append(item)
        return {"count": len(items), "items": items}

    def stream(self, video: str, status: str) -> None:
        """The broadcaster's encoder starts (``started``) or stops (``finished``) sending."""
        with self.store.transaction("vk") as state:
            found = state.get("videos", {}).get(video)
            if found is None or not found.get("live"):
                raise ValueError(f"vk: no broadcast {video}")
            found["live_status"] = status

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
        owner = call.run_owner()
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
        owner = call.run_owner()
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

    def polls_get_by_id(self, call: Call) -> Any:
        state = self.store.read("vk")
        return _poll_object(_find_poll(state, call.owner(), call.integer("poll_id")))

    def polls_get_voters(self, call: Call) -> Any:
        """Per answer asked for, its voters' ids (``users: {count, items}``), a page of them
        from ``offset``; an anonymous poll's voters are nobody's to see."""
        count = min(max(call.integer("count", 100), 0), self.entrants_page_max)
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        poll = _find_poll(state, call.owner(), call.integer("poll_id"))
        if poll["anonymous"]:
            # which error VK gives is not documented [uncertain]: an invalid parameter
            raise invalid_param("poll_id: the poll is anonymous")
        try:
            asked = [int(a) for a in call.required("answer_ids").split(",") if a.strip()]
        except ValueError:
            raise invalid_param("answer_ids is invalid") from None
        votes: dict[str, list[int]] = poll.get("votes_by", {})
        answers = []
        for answer in asked:
            if not 1 <= answer <= len(poll["answers"]):
                raise invalid_param("answer_ids is invalid")
            voters = sorted(int(u) for u, chosen in votes.items() if answer in chosen)
            page = voters[offset : offset + count]
            answers.append({"answer_id": answer, "users": {"count": len(voters), "items": page}})
        return answers

    def add_vote(self, post_id: str, author_id: str, author_name: str, answer: int) -> None:
        """A citizen votes for answer ``answer`` (from 1) in the poll of post ``post_id``."""
        if not author_id.isdigit():
            raise ValueError("vk: a citizen has a numeric id")
        with self.store.transaction("vk") as state:
            _remember_user(state, int(author_id), author_name)
            post = _live_post_by_id(state, post_id)
            keys = [a["key"] for a in post["attachments"] if a.get("type") == "poll"]
            poll = state.get("polls", {}).get(keys[0]) if keys else None
            if poll is None:
                raise ValueError(f"vk: post {post_id} has no poll")
            if not 1 <= answer <= len(poll["answers"]):
                raise ValueError(f"vk: the poll has no answer {answer}")
            chosen = poll.setdefault("votes_by", {}).setdefault(author_id, [])
            if poll["multiple"] or not chosen:
                chosen.append(answer)

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
        owner = call.run_owner(214, ADD_POST_DENIED)
        message = call.get("message")
        with self.store.transaction("vk") as state:
            attachments = self._resolve_attachments(state, call.get("attachments"))
            _check_content(message, attachments, self.message_limit)
            now = self.now()
            guid = call.get("guid")
            repeated = self._post_with_guid(state, owner, guid, now)
            if repeated is not None:
                return {"post_id": repeated["id"]}
            post = self._new_post(state, call, owner, message, attachments)
            post.update(
                from_id=owner if owner < 0 and call.flag("from_group") else call.user_id,
                guid=guid,
                close_comments=call.flag("close_comments"),
            )
        return {"post_id": post["id"]}

    def _new_post(
        self,
        state: dict[str, Any],
        call: Call,
        owner: int,
        text: str,
        attachments: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """A post on ``owner``'s wall, within the wall's daily limit (error 214)."""
        now = self.now()
        if self._posts_today(state, owner, now) >= self.posts_per_day:
            raise VkApiError(
                214, "Access to adding post denied: a limit on posts per day is reached"
            )
        if owner < 0:
            _group(state, -owner)
        post = {
            "id": next_id(state, "next_post_id"),
            "owner_id": owner,
            "from_id": owner,
            "created_by": call.user_id,
            "date": now,
            "text": text,
            "attachments": attachments,
            "guid": "",
            "close_comments": False,
            "mute_notifications": call.flag("mute_notifications"),
            "deleted": False,
        }
        state.setdefault("posts", []).append(post)
        return post

    def wall_repost(self, call: Call) -> Any:
        """``wall.repost``: the post named by ``object`` onto the wall of ``group_id`` (else
        the user's own), with ``message`` as the repost's text [verified: V1]."""
        match = _WALL_OBJECT.match(call.required("object"))
        if match is None:
            raise invalid_param("object is invalid")
        target = -abs(call.integer("group_id")) if call.get("group_id") else call.user_id
        if target < 0:
            call.acts_for(-target, 214, ADD_POST_DENIED)
        message = call.get("message")
        if len(message) > self.message_limit:
            raise invalid_param(f"message is too long (more than {self.message_limit} characters)")
        with self.store.transaction("vk") as state:
            try:
                source = _find_post(state, int(match.group(1)), int(match.group(2)))
            except VkApiError:
                raise invalid_param("object is invalid") from None
            post = self._new_post(state, call, target, message, [])
            post["copy_of"] = {"owner_id": source["owner_id"], "id": source["id"]}
            source["reposts"] = int(source.get("reposts", 0)) + 1
        return {
            "success": 1,
            "post_id": post["id"],
            "reposts_count": source["reposts"],
            "wall_repost_count": source["reposts"],
            "mail_repost_count": 0,
            "likes_count": 0,
        }

    def wall_get_reposts(self, call: Call) -> Any:
        """Reposts of a post, oldest first, a page from ``offset``, with their authors."""
        count = min(max(call.integer("count", 20), 0), self.entrants_page_max)
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        post = _find_post(state, call.owner(), call.integer("post_id"))
        origin = {"owner_id": post["owner_id"], "id": post["id"]}
        copies = [
            p
            for p in [*state.get("posts", []), *state.get("citizen_reposts", [])]
            if p.get("copy_of") == origin and not p["deleted"]
        ]
        copies.sort(key=lambda p: (p["date"], p["id"]))
        page = copies[offset : offset + count]
        items = [
            {"id": p["id"], "owner_id": p["owner_id"], "from_id": p["from_id"], "date": p["date"]}
            for p in page
        ]
        return {"items": items, **_people(state, (p["from_id"] for p in page))}

    def add_repost(self, post_id: str, author_id: str, author_name: str) -> str:
        """A citizen reposts post ``post_id`` onto their own wall; the repost's id."""
        if not author_id.isdigit():
            raise ValueError("vk: a citizen has a numeric id")
        user = int(author_id)
        with self.store.transaction("vk") as state:
            _remember_user(state, user, author_name)
            post = _live_post_by_id(state, post_id)
            repost = {
                "id": next_id(state, "next_post_id"),
                "owner_id": user,
                "from_id": user,
                "date": self.now(),
                "deleted": False,
                "copy_of": {"owner_id": post["owner_id"], "id": post["id"]},
            }
            state.setdefault("citizen_reposts", []).append(repost)
            post["reposts"] = int(post.get("reposts", 0)) + 1
        return str(repost["id"])

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
            post = _find_post(state, call.run_owner(), call.integer("post_id"))
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
            owner = call.run_owner(210, "Access to wall's post denied")
            post = _find_post(state, owner, call.integer("post_id"))
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
            self._with_counters(state, post)
            for owner, post_id in wanted
            for post in _live_posts(state, owner)
            if post["id"] == post_id
        ]
        return {"items": items}

    def _with_counters(self, state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any]:
        """A post with views, likes and reposts grown since it appeared (``sandbox.figures``):
        what ``wall.getById`` shows of a post people have been reading."""
        obj = _post_object(state, post)
        key, created, now = f"vk{post['owner_id']}_{post['id']}", int(post["date"]), self.now()
        obj["views"] = {"count": grown(key, "views", created, now)}
        obj["likes"] = {"count": grown(key, "reactions", created, now)}
        obj["reposts"] = {"count": obj["reposts"]["count"] + grown(key, "reposts", created, now)}
        return obj

    def stats_get_post_reach(self, call: Call) -> Any:
        """The reach of the community's posts, for its administrator only (error 15 to any
        other user [uncertain: 7 is seen too]); fields as ``StatsWallpostStat`` has them."""
        owner = call.integer("owner_id")
        if owner >= 0:
            raise invalid_param("owner_id must be a community")
        call.acts_for(-owner)
        state = self.store.read("vk")
        live = {post["id"]: post for post in _live_posts(state, owner)}
        answer = []
        for raw in call.required("post_ids").split(","):
            post = live.get(int(raw)) if raw.strip().isdigit() else None
            if post is None:
                raise invalid_param("post_ids is invalid")
            key, created = f"vk{owner}_{post['id']}", int(post["date"])
            total = grown(key, "reach", created, self.now())
            answer.append(
                {
                    "post_id": post["id"],
                    "reach_total": total,
                    "reach_subscribers": total * 3 // 4,
                    "reach_viral": total // 4,
                    "reach_ads": 0,
                    "links": 0,
                    "to_group": total // 50,
                    "join_group": total // 400,
                    "report": 0,
                    "hide": 0,
                    "unsubscribe": 0,
                }
            )
        return answer

    def wall_get(self, call: Call) -> Any:
        """A wall newest first (``owner_id`` or ``domain``), ``offset``/``count`` ≤100; a
        closed community's wall only for its members (error 15)."""
        count = min(max(call.integer("count", 20), 0), 100)
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        owner = _readable_wall(state, call)
        posts = sorted(_live_posts(state, owner), key=lambda p: p["id"], reverse=True)
        page = posts[offset : offset + count]
        answer = {"count": len(posts), "items": [_post_object(state, post) for post in page]}
        if call.flag("extended"):
            answer.update(_people(state, _post_people(page)))
        return answer

    # -- open sources ----------------------------------------------------------------------

    def newsfeed_search(self, call: Call) -> Any:
        """Public posts with the words of ``q``, newest first, dated from ``start_time``
        (default: a day ago) to ``end_time`` (default: now); ``count`` ≤200, the next page from
        ``start_from`` = the last answer's ``next_from`` (absent on the last page). Closed
        communities' walls are not searched. [verified: schema fields; uncertain: how VK
        matches words, the next_from format]"""
        words = _query_words(call.get("q"))
        count = min(max(call.integer("count", 30), 0), self.newsfeed_page_max)
        now = self.now()
        start = call.integer("start_time", now - 86_400)
        end = call.integer("end_time", now)
        offset = _page_start(call.get("start_from"))
        state = self.store.read("vk")
        closed = {-int(g) for g, v in state.get("groups", {}).items() if v.get("closed")}
        found = [
            post
            for post in state.get("posts", [])
            if not post["deleted"]
            and post["owner_id"] not in closed
            and start <= post["date"] <= end
            and words
            and _has_words(post["text"], words)
        ]
        found.sort(key=lambda p: (p["date"], p["id"]), reverse=True)
        page = found[offset : offset + count]
        answer: dict[str, Any] = {
            "items": [_post_object(state, post) for post in page],
            "count": len(found),
            "total_count": len(found),
        }
        if offset + count < len(found):
            answer["next_from"] = f"{offset + count}/{page[-1]['owner_id']}_{page[-1]['id']}"
        if call.flag("extended"):
            answer.update(_people(state, _post_people(page)))
        return answer

    def wall_search(self, call: Call) -> Any:
        """Posts of one wall (``owner_id`` or ``domain``) with the words of ``query``, newest
        first; ``owners_only`` keeps the owner's own; ``count`` ≤100, ``offset``. [verified:
        schema fields; uncertain: how VK matches words]"""
        words = _query_words(call.required("query"))
        count = min(max(call.integer("count", 20), 0), 100)
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        owner = _readable_wall(state, call)
        found = [
            post
            for post in _live_posts(state, owner)
            if _has_words(post["text"], words)
            and (not call.flag("owners_only") or post["from_id"] == owner)
        ]
        found.sort(key=lambda p: p["id"], reverse=True)
        page = found[offset : offset + count]
        answer = {"count": len(found), "items": [_post_object(state, post) for post in page]}
        if call.flag("extended"):
            answer.update(_people(state, _post_people(page)))
        return answer

    def add_community(
        self, screen_name: str, name: str, closed: bool = False, groups_comment: bool = True
    ) -> str:
        """Someone else's community (a local public page): no token of ours runs it; a
        ``closed`` one shows its wall to members only; ``groups_comment`` lets communities
        comment on its posts. Returns its number."""
        with self.store.transaction("vk") as state:
            gid = next_id(state, "next_foreign_group", 700_001)
            group = _group(state, gid)
            group.update(
                name=name,
                screen_name=screen_name,
                foreign=True,
                closed=closed,
                groups_comment=groups_comment,
            )
        return str(gid)

    def add_open_post(
        self, community: str, text: str, author_id: str, author_name: str, age: int = 0
    ) -> str:
        """A resident's post on ``community``'s wall (its number or short name), ``age``
        seconds ago; returns its id as ``public_view`` shows it."""
        if not author_id.isdigit() or not text:
            raise ValueError("vk: a resident has a numeric id and says something")
        with self.store.transaction("vk") as state:
            gid = _community_named(state, community)
            _remember_user(state, int(author_id), author_name)
            post = {
                "id": next_id(state, "next_post_id"),
                "owner_id": -gid,
                "from_id": int(author_id),
                "created_by": int(author_id),
                "date": self.now() - max(age, 0),
                "text": text,
                "attachments": [],
                "guid": "",
                "close_comments": False,
                "mute_notifications": False,
                "deleted": False,
            }
            state.setdefault("posts", []).append(post)
        return str(post["id"])

    # -- comments --------------------------------------------------------------------------

    def wall_get_comments(self, call: Call) -> Any:
        """One level of a post's comments (or of one thread with ``comment_id``)."""
        count = min(max(call.integer("count", 10), 0), self.comments_page_max)
        offset = max(call.integer("offset", 0), 0)
        sort = call.get("sort", "asc") or "asc"
        if sort not in ("asc", "desc", "smart"):
            raise invalid_param("sort is invalid")
        thread_items = call.integer("thread_items_count", 0)
        if not 0 <= thread_items <= self.thread_items_max:
            raise invalid_param("thread_items_count should be less or equal to 10")
        cut = call.integer("preview_length", self.comment_preview_length)
        state = self.store.read("vk")
        post = _find_post(state, _readable_wall(state, call), call.integer("post_id"))
        root = call.integer("comment_id", 0)
        if root and _find_comment(state, post["owner_id"], root, post["id"]) is None:
            raise invalid_param("comment_id is invalid")
        level = _comment_level(state, post, root)
        if sort == "desc":
            level.reverse()
        shape = _CommentShape(state, cut, thread_items)
        page = level[offset : offset + count]
        live = _post_comments(state, post, root)
        answer: dict[str, Any] = {
            "count": len(live),
            "items": [shape.object(comment) for comment in page],
            "current_level_count": len(level),
            "can_post": 0 if post["close_comments"] else 1,
            "groups_can_post": True,
            "show_reply_button": True,
        }
        if call.flag("extended"):
            answer.update(_people(state, shape.authors))
        return answer

    def wall_create_comment(self, call: Call) -> Any:
        """A comment by the user, or by the community (``from_group=<id>``, or any call with a
        community token) [verified: V1 schema]."""
        message = call.get("message")
        if not message and not call.get("attachments"):
            raise invalid_param("message is undefined")
        with self.store.transaction("vk") as state:
            post = _find_post(state, call.owner(), call.integer("post_id"))
            author = self._comment_author(call, state, post["owner_id"])
            if post["close_comments"]:
                raise VkApiError(213, "Access to adding reply denied")
            parent = self._reply_target(state, post, call.integer("reply_to_comment", 0))
            repeated = self._comment_with_guid(state, post, author, call.get("guid"))
            if repeated is not None:
                return _created(repeated)
            comment = _new_comment(state, post, author, message, parent, self.now())
            comment["guid"] = call.get("guid")
        return _created(comment)

    def _comment_author(self, call: Call, state: dict[str, Any], owner: int) -> int:
        group = call.integer("from_group", 0)
        if group and -group != owner:
            return self._guest_community(call, state, group, owner)
        if call.community or group:
            call.acts_for(-owner)
            return owner
        return call.user_id

    @staticmethod
    def _guest_community(call: Call, state: dict[str, Any], group: int, owner: int) -> int:
        """Our community comments on another wall: its administrator's user token may, where
        that wall lets communities comment [uncertain: the code VK gives otherwise; 15 here].
        A community the sandbox does not hold is error 100, as a made-up one would be."""
        if str(group) not in state.get("groups", {}):
            raise invalid_param("from_group is invalid")
        call.acts_for(group)
        if call.community:
            raise VkApiError(15, ACCESS_DENIED)
        wall = state.get("groups", {}).get(str(-owner), {})
        if owner > 0 or not wall.get("groups_comment", True) or wall.get("closed"):
            raise VkApiError(15, "Access denied: communities cannot comment on this wall")
        return -group

    @staticmethod
    def _reply_target(
        state: dict[str, Any], post: dict[str, Any], comment_id: int
    ) -> dict[str, Any] | None:
        if not comment_id:
            return None
        parent = _find_comment(state, post["owner_id"], comment_id, post["id"])
        if parent is None or parent["deleted"]:
            raise invalid_param("reply_to_comment is invalid")
        return parent

    def _comment_with_guid(
        self, state: dict[str, Any], post: dict[str, Any], author: int, guid: str
    ) -> dict[str, Any] | None:
        """The same ``guid`` from the same author under the same post within an hour gives the
        first comment back [uncertain: VK says only "to avoid repeated comments"]."""
        if not guid:
            return None
        for comment in _post_comments(state, post):
            same = comment.get("guid") == guid and comment["from_id"] == author
            if same and self.now() - comment["date"] < self.guid_window:
                return comment
        return None

    def wall_delete_comment(self, call: Call) -> Any:
        """Error 104 for a comment that is not there (or no longer) [verified: V1 errors]."""
        with self.store.transaction("vk") as state:
            owner = call.run_owner(211, COMMENT_DENIED)
            comment = _find_comment(state, owner, call.integer("comment_id"))
            if comment is None or comment["deleted"]:
                raise VkApiError(104, "Not found")
            comment.update(deleted=True, deleted_at=self.now())
        return 1

    def wall_restore_comment(self, call: Call) -> Any:
        """``wall.restoreComment``: a deleted comment comes back [verified: V1]."""
        with self.store.transaction("vk") as state:
            owner = call.run_owner(211, COMMENT_DENIED)
            comment = _find_comment(state, owner, call.integer("comment_id"))
            if comment is None or not comment["deleted"]:
                raise VkApiError(104, "Not found")
            comment.update(deleted=False, deleted_at=None)
        return 1

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A citizen comments under post ``post_id`` (its ``public_view`` id), or, with
        ``direct``, writes to the community ``post_id`` names (``123``, ``-123``, ``club123``;
        empty: the first community). Banned citizens cannot do either."""
        if not author_id.isdigit() or not text:
            raise ValueError("vk: a citizen has a numeric id and says something")
        user = int(author_id)
        with self.store.transaction("vk") as state:
            _remember_user(state, user, author_name)
            if direct:
                return str(self._citizen_message(state, post_id, user, text))
            post = _live_post_by_id(state, post_id)
            if self._is_banned(state, -post["owner_id"], user):
                raise ValueError(f"vk: user {user} is banned in club{-post['owner_id']}")
            if post["close_comments"]:
                raise ValueError(f"vk: comments under post {post_id} are closed")
            parent = _find_comment(state, post["owner_id"], int(reply_to or 0), post["id"])
            if reply_to and (parent is None or parent["deleted"]):
                raise ValueError(f"vk: no comment {reply_to} under post {post_id}")
            comment = _new_comment(state, post, user, text, parent, self.now())
        return str(comment["id"])

    def _citizen_message(self, state: dict[str, Any], community: str, user: int, text: str) -> int:
        groups = list(state.get("groups", {}))
        if not community and not groups:
            raise ValueError("vk: there is no community to write to")
        gid = _group_number(community) if community else int(groups[0])
        _group(state, gid)
        if self._is_banned(state, gid, user):
            raise ValueError(f"vk: user {user} is banned in club{gid}")
        message = _new_message(state, gid, user, user, text, self.now())
        return int(message["id"])

    # -- moderation ------------------------------------------------------------------------

    def groups_ban(self, call: Call) -> Any:
        """``groups.ban``: for good without ``end_date``, else until it (≤ a year ahead)."""
        gid = abs(call.integer("group_id"))
        call.acts_for(gid)
        target = call.integer("owner_id")
        if target in (0, -gid):
            raise invalid_param("owner_id is invalid")
        end_date = call.integer("end_date", 0)
        now = self.now()
        if end_date and not now < end_date <= now + self.max_ban_seconds:
            raise invalid_param("end_date is invalid")
        reason = call.integer("reason", 0)
        if not 0 <= reason <= 4:
            raise invalid_param("reason is invalid")
        with self.store.transaction("vk") as state:
            _group(state, gid)
            state.setdefault("bans", {}).setdefault(str(gid), {})[str(target)] = {
                "admin_id": call.user_id,
                "date": now,
                "end_date": end_date,
                "reason": reason,
                "comment": call.get("comment"),
                "comment_visible": call.flag("comment_visible"),
            }
        return 1

    def groups_unban(self, call: Call) -> Any:
        """``groups.unban(group_id, owner_id)`` → 1 [verified: V1]."""
        gid = abs(call.integer("group_id"))
        call.acts_for(gid)
        with self.store.transaction("vk") as state:
            state.get("bans", {}).get(str(gid), {}).pop(str(call.integer("owner_id")), None)
        return 1

    def _is_banned(self, state: dict[str, Any], gid: int, user: int) -> bool:
        ban = state.get("bans", {}).get(str(gid), {}).get(str(user))
        return ban is not None and (not ban["end_date"] or ban["end_date"] > self.now())

    # -- the community's profile -----------------------------------------------------------

    def groups_edit(self, call: Call) -> Any:
        """Title, description and website; the lengths are VK's form's [uncertain]."""
        gid = abs(call.integer("group_id"))
        call.acts_for(gid)
        changes: dict[str, str] = {}
        if "title" in call.params:
            title = call.get("title").strip()
            if not title or len(title) > self.title_limit:
                raise invalid_param("title is invalid")
            changes["name"] = title
        if "description" in call.params:
            if len(call.get("description")) > self.description_limit:
                raise invalid_param("description is too long")
            changes["description"] = call.get("description")
        if "website" in call.params:
            changes["site"] = call.get("website")
        with self.store.transaction("vk") as state:
            _group(state, gid).update(changes)
        return 1

    def photos_get_owner_photo_upload_server(self, call: Call) -> Any:
        owner = call.integer("owner_id", call.user_id)
        if owner > 0 and owner != call.user_id:
            raise invalid_param("owner_id is invalid")
        if owner < 0:
            call.acts_for(-owner)
        with self.store.transaction("vk") as state:
            ticket = _new_ticket(state, "owner_photo", owner, call.user_id)
        url = (
            f"https://{UPLOAD_HOST}/c{UPLOAD_SERVER}/upload.php?act=owner_photo"
            f"&oid={owner}&upload={ticket}"
        )
        return {"upload_url": url}

    def photos_save_owner_photo(self, call: Call) -> Any:
        """The community photo; too small an image gets 5706 [uncertain: reference codes]."""
        photo = call.required("photo")
        server = call.integer("server", 0)
        if not hmac.compare_digest(_sign(server, photo), call.get("hash")):
            raise VkApiError(121, "Invalid hash")
        with self.store.transaction("vk") as state:
            upload = _take_upload(state, photo, "owner_photo")
            if upload["width"] < self.avatar_min[0] or upload["height"] < self.avatar_min[1]:
                raise VkApiError(5706, "Photo is too small")
            if upload["owner_id"] < 0:
                call.acts_for(-upload["owner_id"])
                _group(state, -upload["owner_id"])["avatar"] = upload["file"]
        url = _file_url(upload["file"])
        return {
            "photo_hash": _sign(server, upload["file"])[:16],
            "photo_src": url,
            "photo_src_big": url,
            "photo_src_small": url,
            "saved": 1,
            "post_id": 0,
        }

    def photos_get_owner_cover_photo_upload_server(self, call: Call) -> Any:
        """The crop (default 795×200 from the top left) is checked when the file arrives."""
        gid = abs(call.integer("group_id"))
        call.acts_for(gid)
        crop = [
            call.integer("crop_x", 0),
            call.integer("crop_y", 0),
            call.integer("crop_x2", 795),
            call.integer("crop_y2", 200),
        ]
        if min(crop) < 0 or crop[2] <= crop[0] or crop[3] <= crop[1]:
            raise invalid_param("crop is invalid")
        with self.store.transaction("vk") as state:
            ticket = _new_ticket(state, "cover", -gid, call.user_id, crop=crop)
        url = (
            f"https://{UPLOAD_HOST}/c{UPLOAD_SERVER}/upload.php?act=owner_cover"
            f"&gid={gid}&upload={ticket}"
        )
        return {"upload_url": url}

    def photos_save_owner_cover_photo(self, call: Call) -> Any:
        photo = call.required("photo")
        if not hmac.compare_digest(_sign(UPLOAD_SERVER, photo), call.get("hash")):
            raise VkApiError(121, "Invalid hash")
        with self.store.transaction("vk") as state:
            upload = _take_upload(state, photo, "cover")
            call.acts_for(-upload["owner_id"])
            _group(state, -upload["owner_id"])["cover"] = upload["file"]
        image = {"url": _file_url(upload["file"])}
        return {"images": [{**image, "width": upload["width"], "height": upload["height"]}]}

    # -- community messages ----------------------------------------------------------------

    def messages_get_conversations(self, call: Call) -> Any:
        """The community's conversations, latest activity first; a user token without
        ``group_id`` reads the user's own inbox, which is empty in the sandbox."""
        count = call.integer("count", 20)
        if not 0 <= count <= self.messages_page_max:
            raise invalid_param("count should be less or equal to 200")
        if call.get("filter", "all") not in _CONVERSATION_FILTERS:
            raise invalid_param("filter is invalid")
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        gid = self._inbox(call)
        latest: dict[int, dict[str, Any]] = {}
        for message in _inbox_messages(state, gid):
            latest[message["peer_id"]] = message
        ordered = sorted(latest.values(), key=lambda m: m["id"], reverse=True)
        items = [_conversation(m) for m in ordered[offset : offset + count]]
        answer: dict[str, Any] = {"count": len(ordered), "items": items}
        if call.flag("extended"):
            answer.update(_people(state, {m["peer_id"] for m in ordered}))
        return answer

    def messages_get_history(self, call: Call) -> Any:
        count = call.integer("count", 20)
        if not 0 <= count <= self.messages_page_max:
            raise invalid_param("count should be less or equal to 200")
        peer = call.integer("peer_id", 0) or call.integer("user_id", 0)
        if not peer:
            raise invalid_param("peer_id is undefined")
        offset = max(call.integer("offset", 0), 0)
        state = self.store.read("vk")
        gid = self._inbox(call)
        history = [m for m in _inbox_messages(state, gid) if m["peer_id"] == peer]
        if call.integer("rev", 0) != 1:
            history.reverse()
        page = history[offset : offset + count]
        answer: dict[str, Any] = {"count": len(history), "items": [_message(m) for m in page]}
        if call.flag("extended"):
            answer.update(_people(state, {m["from_id"] for m in page} | {peer}))
        return answer

    def messages_send(self, call: Call) -> Any:
        """One message to a person who wrote to the community (else 901) [V1 errors]."""
        peer = call.integer("peer_id", 0) or call.integer("user_id", 0)
        if not peer:
            raise invalid_param("peer_id is undefined")
        if "random_id" not in call.params:
            raise invalid_param("random_id is a required parameter")
        random_id = call.integer("random_id")
        message = call.get("message")
        if not message and not call.get("attachment"):
            raise invalid_param("message is empty or invalid")
        if len(message) > self.message_text_limit:
            raise VkApiError(914, "Message is too long")
        with self.store.transaction("vk") as state:
            gid = self._inbox(call)
            if gid is None:
                raise VkApiError(901, "Can't send messages for users without permission")
            inbox = list(_inbox_messages(state, gid))
            if not any(m["peer_id"] == peer and not m["out"] for m in inbox):
                raise VkApiError(901, "Can't send messages for users without permission")
            for sent in inbox:
                same = sent["out"] and sent["peer_id"] == peer and sent["random_id"] == random_id
                if same and random_id and self.now() - sent["date"] < self.random_id_window:
                    return sent["id"]
            sent = _new_message(state, gid, peer, -gid, message, self.now(), random_id)
        return sent["id"]

    def _inbox(self, call: Call) -> int | None:
        """The community whose messages a call reads: ``group_id`` or the community token's
        own; None for a user token without ``group_id`` (the user's personal inbox)."""
        if call.get("group_id"):
            gid = abs(call.integer("group_id"))
            call.acts_for(gid)
            return gid
        if call.community:
            if call.token_group is None:
                raise invalid_param("group_id is undefined")
            return call.token_group
        return None

    # -- uploads ---------------------------------------------------------------------------

    def _ticket(
        self, request: Request, kind: str | tuple[str, ...], host: str = UPLOAD_HOST
    ) -> dict[str, Any] | None:
        """The upload session a signed upload URL names, if the URL is right."""
        if request.host != host or request.method != "POST":
            return None
        ticket: dict[str, Any] | None = (
            self.store.read("vk").get("tickets", {}).get(request.args.get("upload", ""))
        )
        kinds = (kind,) if isinstance(kind, str) else kind
        return ticket if ticket is not None and ticket["kind"] in kinds else None

    # -- what ``sandbox show`` and the feed page see ---------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        """Posts (each with the ``account`` whose wall it is on), communities, the first
        community's profile and each one's, bans and messages."""
        posts = [
            {**_post_view(state, post), "comments": _comments_view(state, post)}
            for post in state.get("posts", [])
            if not post["deleted"]
        ]
        groups = state.get("groups", {})
        return {
            "posts": posts,
            "groups": list(groups.values()),
            "profile": _profile_view(next(iter(groups.values()), {})),
            "profiles": {gid: _profile_view(group) for gid, group in groups.items()},
            "banned": _banned_view(state, self.now()),
            "messages": _messages_view(state),
        }

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each community as VK shows it: its header, its wall newest first, its messages."""
        live = [post for post in state.get("posts", []) if not post["deleted"]]
        walls = dict.fromkeys(
            [*(-int(gid) for gid in state.get("groups", {})), *(post["owner_id"] for post in live)]
        )
        messages = _messages_view(state)
        communities = [
            {
                "profile": _profile_view(state.get("groups", {}).get(str(-owner), {}))
                | {"title": _author_name(state, owner)},
                "posts": [
                    {
                        "post": post,
                        "view": _post_view(state, post),
                        "author": _author_name(state, post["owner_id"]),
                        "source": _source_name(state, post),
                        "comments": _feed_comments(state, post),
                    }
                    for post in sorted(live, key=lambda p: p["id"], reverse=True)
                    if post["owner_id"] == owner
                ],
                "messages": [m for m in messages if m["account"] == _account_of(owner)],
            }
            for owner in walls
        ]
        return render("vk.html", communities=communities)


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


def _community_info(state: dict[str, Any], token: str) -> dict[str, Any]:
    """A registered community token's rights and community (none: every right, any)."""
    info: dict[str, Any] = state.get("community_token_info", {}).get(token_digest(token), {})
    return info


def _groups_of(owners: Owners, token: str, info: dict[str, Any]) -> frozenset[int] | None:
    """The communities a token may act for: those it is declared with, a registered community
    token's own, or (nothing declared, nothing registered) every one."""
    if owners.declared:
        return frozenset(int(key) for key in owners.accounts_of(token))
    if info.get("group_id") is not None:
        return frozenset({int(info["group_id"])})
    return None


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


def _query_words(query: str) -> list[str]:
    """The words a search looks for, each cut to the part its forms share (VK's search finds
    «Ахтарске» for «Ахтарск» [uncertain: how far VK's morphology goes])."""
    words = re.findall(r"\w+", query.lower().replace("ё", "е"))
    return [w[: max(3, len(w) - 2)] for w in words if len(w) >= 3]


def _has_words(text: str, words: list[str]) -> bool:
    have = re.findall(r"\w+", text.lower().replace("ё", "е"))
    return all(any(word.startswith(w) for word in have) for w in words)


def _page_start(start_from: str) -> int:
    """The offset a ``next_from`` names (``<offset>/<owner>_<id>``); error 100 for another."""
    if not start_from:
        return 0
    head = start_from.partition("/")[0]
    if not head.isdigit():
        raise invalid_param("start_from is invalid")
    return int(head)


def _post_people(posts: Iterable[dict[str, Any]]) -> set[int]:
    return {p["from_id"] for p in posts} | {p["owner_id"] for p in posts}


def _community_named(state: dict[str, Any], name: str) -> int:
    """A community by its short name or number (``club5``, ``-5``, ``5``)."""
    for gid, group in state.get("groups", {}).items():
        if group.get("screen_name") == name:
            return int(gid)
    return _group_number(name)


def _readable_wall(state: dict[str, Any], call: Call) -> int:
    """The wall ``owner_id`` or ``domain`` names; error 100 for a short name nobody has, 15
    for a closed community's wall (members only) [uncertain: the codes VK gives]."""
    domain = call.get("domain")
    if domain and not call.get("owner_id"):
        found = [g for g, v in state.get("groups", {}).items() if v.get("screen_name") == domain]
        if not found:
            raise invalid_param("domain is invalid")
        owner = -int(found[0])
    else:
        owner = call.owner()
    group = state.get("groups", {}).get(str(-owner), {})
    if group.get("closed"):
        raise VkApiError(15, "Access denied: this wall available only for community members")
    return owner


def _live_posts(state: dict[str, Any], owner: int) -> Iterator[dict[str, Any]]:
    return (
        post for post in state.get("posts", []) if post["owner_id"] == owner and not post["deleted"]
    )


def _find_poll(state: dict[str, Any], owner: int, poll_id: int) -> dict[str, Any]:
    poll = state.get("polls", {}).get(f"{owner}_{poll_id}")
    if poll is None:
        raise invalid_param("poll_id is invalid")
    return dict(poll)


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
    chosen = [a for votes in poll.get("votes_by", {}).values() for a in votes]
    answers = [
        {"id": index, "text": text, "votes": chosen.count(index), "rate": 0}
        for index, text in enumerate(poll["answers"], start=1)
    ]
    return {
        "id": poll["id"],
        "owner_id": poll["owner_id"],
        "author_id": poll["author_id"],
        "created": poll["created"],
        "question": poll["question"],
        "votes": len(poll.get("votes_by", {})),
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
        "comments": {
            "count": len(_post_comments(state, post)),
            "can_post": 0 if post["close_comments"] else 1,
        },
        "likes": {"count": 0},
        "reposts": {"count": int(post.get("reposts", 0))},
        "views": {"count": 0},
        "marked_as_ads": 0,
    }
    if post.get("edited"):
        obj["edited"] = post["edited"]
    source = _copied_post(state, post)
    if source is not None:
        obj["copy_history"] = [_post_object(state, source)]
    return obj


def _copied_post(state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any] | None:
    """The live post a repost copies, if it is a repost of one."""
    origin = post.get("copy_of")
    if origin is None:
        return None
    found = [p for p in _live_posts(state, origin["owner_id"]) if p["id"] == origin["id"]]
    return found[0] if found else None


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


def _account_of(owner: int) -> str:
    """The account a wall belongs to, as ``accounts/*.md`` names it: a community's number."""
    return str(-owner if owner < 0 else owner)


def _post_view(state: dict[str, Any], post: dict[str, Any]) -> dict[str, Any]:
    media = [_media_view(state, a) for a in post["attachments"]]
    links = [a["url"] for a in post["attachments"] if a["type"] == "link"]
    origin = post.get("copy_of")
    return {
        "id": str(post["id"]),
        "account": _account_of(post["owner_id"]),
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
        "repost_of": (
            {"account": _account_of(origin["owner_id"]), "id": str(origin["id"])}
            if origin
            else None
        ),
    }


def _source_name(state: dict[str, Any], post: dict[str, Any]) -> str:
    """Whose post a repost copies, for the feed ("" for a post of its own)."""
    origin = post.get("copy_of")
    return _author_name(state, origin["owner_id"]) if origin else ""


def _author_name(state: dict[str, Any], owner: int) -> str:
    group = state.get("groups", {}).get(str(-owner), {})
    return str(group.get("name") or (f"club{-owner}" if owner < 0 else f"id{owner}"))


# -- comments, people and messages ---------------------------------------------------------

_CONVERSATION_FILTERS = frozenset(
    {"all", "archive", "important", "sorted_chats", "unanswered", "unread"}
)


def _live_post_by_id(state: dict[str, Any], post_id: str) -> dict[str, Any]:
    posts: list[dict[str, Any]] = state.get("posts", [])
    for post in posts:
        if str(post["id"]) == str(post_id) and not post["deleted"]:
            return post
    raise ValueError(f"vk: no post {post_id}")


def _find_comment(
    state: dict[str, Any], owner: int, comment_id: int, post_id: int | None = None
) -> dict[str, Any] | None:
    """A comment on ``owner``'s wall (under ``post_id`` if given), deleted ones included."""
    comments: list[dict[str, Any]] = state.get("comments", [])
    for comment in comments:
        same = comment["owner_id"] == owner and comment["id"] == comment_id
        if same and (post_id is None or comment["post_id"] == post_id):
            return comment
    return None


def _post_comments(
    state: dict[str, Any], post: dict[str, Any], thread: int = 0
) -> list[dict[str, Any]]:
    """The live comments of a post (every level), or of one thread."""
    return [
        comment
        for comment in state.get("comments", [])
        if comment["owner_id"] == post["owner_id"]
        and comment["post_id"] == post["id"]
        and not comment["deleted"]
        and (not thread or comment["thread_id"] == thread)
    ]


def _comment_level(state: dict[str, Any], post: dict[str, Any], root: int) -> list[dict[str, Any]]:
    """What one ``wall.getComments`` level lists, oldest first: a thread's live replies, or the
    top comments, a deleted one kept as a placeholder while its thread has live replies."""
    if root:
        return _post_comments(state, post, root)
    everything = [
        c
        for c in state.get("comments", [])
        if c["owner_id"] == post["owner_id"] and c["post_id"] == post["id"]
    ]
    threads = {c["thread_id"] for c in everything if not c["deleted"]}
    return [
        c for c in everything if not c["thread_id"] and (not c["deleted"] or c["id"] in threads)
    ]


class _CommentShape:
    """Comments as ``wall.getComments`` returns them, noting whose names to add."""

    def __init__(self, state: dict[str, Any], cut: int, thread_items: int) -> None:
        self.state = state
        self.cut = cut
        self.thread_items = thread_items
        self.authors: set[int] = set()

    def object(self, comment: dict[str, Any]) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": comment["id"],
            "date": comment["date"],
            "post_id": comment["post_id"],
            "owner_id": comment["owner_id"],
            "parents_stack": [comment["thread_id"]] if comment["thread_id"] else [],
        }
        if comment["deleted"]:
            obj.update(deleted=True, text="")
        else:
            text = comment["text"]
            obj.update(from_id=comment["from_id"], text=text[: self.cut] if self.cut else text)
            self.authors.add(comment["from_id"])
        if comment["reply_to_comment"]:
            obj["reply_to_comment"] = comment["reply_to_comment"]
            obj["reply_to_user"] = comment["reply_to_user"]
        if not comment["thread_id"]:
            obj["thread"] = self._thread(comment)
        return obj

    def _thread(self, comment: dict[str, Any]) -> dict[str, Any]:
        post = {"owner_id": comment["owner_id"], "id": comment["post_id"]}
        replies = _post_comments(self.state, post, comment["id"])
        shown = replies[: self.thread_items]
        return {
            "count": len(replies),
            "items": [self.object(reply) for reply in shown],
            "can_post": True,
            "show_reply_button": True,
            "groups_can_post": True,
        }


def _new_comment(
    state: dict[str, Any],
    post: dict[str, Any],
    author: int,
    text: str,
    parent: dict[str, Any] | None,
    now: int,
) -> dict[str, Any]:
    """A comment in the state; a reply joins its parent's thread (VK threads are one deep)."""
    comment = {
        "id": next_id(state, "next_comment_id"),
        "owner_id": post["owner_id"],
        "post_id": post["id"],
        "from_id": author,
        "date": now,
        "text": text,
        "thread_id": (parent["thread_id"] or parent["id"]) if parent else 0,
        "reply_to_comment": parent["id"] if parent else 0,
        "reply_to_user": parent["from_id"] if parent else 0,
        "deleted": False,
        "guid": "",
    }
    state.setdefault("comments", []).append(comment)
    return comment


def _created(comment: dict[str, Any]) -> dict[str, Any]:
    stack = [comment["thread_id"]] if comment["thread_id"] else []
    return {"comment_id": comment["id"], "parents_stack": stack}


def _remember_user(state: dict[str, Any], user: int, name: str) -> None:
    first, _, last = name.strip().partition(" ")
    users = state.setdefault("users", {})
    if first or str(user) not in users:
        users[str(user)] = {"id": user, "first_name": first or f"id{user}", "last_name": last}


def _user_object(state: dict[str, Any], user: int) -> dict[str, Any]:
    known = state.get("users", {}).get(str(user))
    base = known or {"id": user, "first_name": "Пользователь", "last_name": str(user)}
    return {**base, "screen_name": f"id{user}", "is_closed": False, "can_access_closed": True}


def _people(state: dict[str, Any], ids: Iterable[int]) -> dict[str, Any]:
    """``profiles`` and ``groups`` of an extended answer, for the given authors."""
    wanted = sorted(set(ids))
    groups = [_group(state, -i) for i in wanted if i < 0]
    return {
        "profiles": [_user_object(state, i) for i in wanted if i > 0],
        "groups": [_group_object(group, set()) for group in groups],
    }


def _display_name(state: dict[str, Any], author: int) -> str:
    if author < 0:
        return _author_name(state, author)
    user = _user_object(state, author)
    return f"{user['first_name']} {user['last_name']}".strip()


def _group_object(group: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """A community as ``groups.getById`` shows it; profile fields only when asked for."""
    obj = {key: group[key] for key in ("id", "name", "screen_name")}
    if "description" in fields:
        obj["description"] = group.get("description", "")
    if "site" in fields:
        obj["site"] = group.get("site", "")
    if group.get("avatar"):
        obj["photo_200"] = _file_url(group["avatar"])
    if "cover" in fields:
        images = [{"url": _file_url(group["cover"])}] if group.get("cover") else []
        obj["cover"] = {"enabled": int(bool(images)), "images": images}
    return obj


#: the page's flags ``groups.getById`` gives when asked, and what a new community has: open
#: wall, messages on, neither VK's tick nor the state-organisation mark
PAGE_FLAGS = {"verified": 0, "is_government_organization": 0, "can_message": 1, "wall": 1}


def _page_flags(group: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """The asked page flags of a community (``set_by_hand`` changes them)."""
    return {name: group.get(name, value) for name, value in PAGE_FLAGS.items() if name in fields}


def _take_upload(state: dict[str, Any], photo: str, kind: str) -> dict[str, Any]:
    """The one upload a save call names; error 129 if it is not there [V1 errors]."""
    try:
        [file_id] = _photo_file_ids(photo)
    except (VkApiError, ValueError):
        raise VkApiError(129, "Invalid photo") from None
    upload: dict[str, Any] | None = state.get("uploaded", {}).get(file_id)
    if upload is None or upload["kind"] != kind:
        raise VkApiError(129, "Invalid photo")
    del state["uploaded"][file_id]
    return upload


def _new_message(
    state: dict[str, Any],
    gid: int,
    peer: int,
    author: int,
    text: str,
    now: int,
    random_id: int = 0,
) -> dict[str, Any]:
    in_chat = sum(1 for m in _inbox_messages(state, gid) if m["peer_id"] == peer)
    message = {
        "id": next_id(state, "next_message_id"),
        "group_id": gid,
        "peer_id": peer,
        "from_id": author,
        "date": now,
        "text": text,
        "out": author < 0,
        "random_id": random_id,
        "conversation_message_id": in_chat + 1,
    }
    state.setdefault("messages", []).append(message)
    return message


def _inbox_messages(state: dict[str, Any], gid: int | None) -> Iterator[dict[str, Any]]:
    return (m for m in state.get("messages", []) if gid is not None and m["group_id"] == gid)


def _message(message: dict[str, Any]) -> dict[str, Any]:
    """A message object as ``messages.getHistory`` returns it (the fields publisher reads)."""
    fields = ("id", "date", "peer_id", "from_id", "text", "conversation_message_id", "random_id")
    return {
        **{key: message[key] for key in fields},
        "out": int(message["out"]),
        "attachments": [],
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
    }


def _conversation(last: dict[str, Any]) -> dict[str, Any]:
    peer = {"id": last["peer_id"], "type": "user", "local_id": last["peer_id"]}
    conversation = {
        "peer": peer,
        "last_message_id": last["id"],
        "in_read": last["id"],
        "out_read": last["id"],
        "can_write": {"allowed": True},
    }
    return {"conversation": conversation, "last_message": _message(last)}


# -- what ``sandbox show`` adds for comments, bans, messages and the profile ---------------


def _comments_view(state: dict[str, Any], post: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(comment["id"]),
            "text": comment["text"],
            "author_id": str(comment["from_id"]),
            "author_name": _display_name(state, comment["from_id"]),
            "hidden": False,  # VK cannot hide a comment
            "reply_to": str(comment["reply_to_comment"] or ""),
            "from_account": comment["from_id"] == post["owner_id"],
        }
        for comment in _post_comments(state, post)
    ]


def _feed_comments(state: dict[str, Any], post: dict[str, Any]) -> list[dict[str, Any]]:
    """The comments under a post on the feed page, oldest first: a deleted one stays as the
    mark "comment deleted" (its text is not shown), as moderation left it."""
    shown = []
    for comment in state.get("comments", []):
        if comment["owner_id"] != post["owner_id"] or comment["post_id"] != post["id"]:
            continue
        shown.append(
            {
                "id": str(comment["id"]),
                "text": "" if comment["deleted"] else comment["text"],
                "author_name": _display_name(state, comment["from_id"]),
                "reply_to": str(comment["reply_to_comment"] or ""),
                "from_account": comment["from_id"] == post["owner_id"],
                "deleted": bool(comment["deleted"]),
            }
        )
    return shown


def _profile_view(group: dict[str, Any]) -> dict[str, Any]:
    """A community's profile as ``sandbox show`` prints it."""
    return {
        "title": group.get("name", ""),
        "description": group.get("description", ""),
        "website": group.get("site", ""),
        "avatar": group.get("avatar"),
        "cover": group.get("cover"),
    }


def _banned_view(state: dict[str, Any], now: int) -> list[dict[str, Any]]:
    return [
        {"user_id": user, "until": _iso(ban["end_date"])}
        for bans in state.get("bans", {}).values()
        for user, ban in bans.items()
        if not ban["end_date"] or ban["end_date"] > now
    ]


def _messages_view(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(message["id"]),
            "text": message["text"],
            "author_id": str(message["from_id"]),
            "author_name": _display_name(state, message["from_id"]),
            "peer_id": str(message["peer_id"]),
            "account": str(message["group_id"]),
            "from_account": message["out"],
        }
        for message in state.get("messages", [])
    ]
