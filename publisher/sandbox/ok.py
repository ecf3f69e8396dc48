"""Emulator of the Odnoklassniki API: ``api.ok.ru/fb.do`` and the photo and video upload hosts.

What it checks, as OK does: ``application_key`` present (101), a valid access token (103 missing,
102 revoked), the exact ``sig`` (104), at most ``RATE_PER_SECOND`` calls a second per token (8),
required parameters and content limits (100), unknown methods (3), unknown topics (300), unknown
discussions (106), photos (121) and comments (141). Every error is ``{"error_code", "error_msg",
"error_data"}`` with HTTP 200 and the code in the ``invocation-error`` header [verified: O1, O4].

Comments live in each topic's discussion (``discussions.getComments`` with anchors, ``addDiscussion
Comment``, ``deleteDiscussionComment``); deleting with ``block_author=true`` is the only way to
blacklist, for good, and a blacklisted citizen cannot comment (``add_comment``). The group's
avatar is set with ``group.setMainPhoto``; its name, description and cover only through OK's UI.

Signatures are checked against the application's secret: ``register_app`` sets one, any other
``application_key`` uses ``DEFAULT_APP_SECRET``, the value the CLI substitutes in the sandbox.
A ``session_secret_key`` is accepted the same way (``register_session``, else
``DEFAULT_SESSION_SECRET``).

Several groups (``accounts.SandboxAccount``): an access token administers the groups it is declared
with. Posting, uploading, setting the avatar, commenting as the group and deleting comments in
another group answer 10 "PERMISSION_DENIED" [uncertain: OK may answer 50 NOT_ADMIN; the code
list is O1's]; reading a group and its comments needs no rights. A token declared nowhere gets
102 "Session expired", as a made-up one would [uncertain: 103 is also possible]. The limit of
``RATE_PER_SECOND`` calls a second is per token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import shutil
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from publisher.sandbox.accounts import Owners, SandboxAccount, token_digest
from publisher.sandbox.core import UPLOAD_COPY_CHUNK, Emulator, Store, next_id
from publisher.sandbox.figures import followers, grown
from publisher.sandbox.pages import render

NETWORK = "ok"
API_HOST = "api.ok.ru"
#: OK's upload hosts are *.mycdn.me; these two names are our choice [uncertain]
PHOTO_UPLOAD_HOST = "pu.mycdn.me"
VIDEO_UPLOAD_HOST = "vu.mycdn.me"

DEFAULT_APP_SECRET = "sandbox-ok-app_secret"
DEFAULT_SESSION_SECRET = "sandbox-ok-session_secret"
UNSIGNED_PARAMS = frozenset({"access_token", "session_key", "sig"})

#: OK documents no numbers for these [uncertain]; they match the adapter's settings
RATE_PER_SECOND = 3
TEXT_LIMIT = 32000
MAX_MEDIA = 10
POLL_MAX_ANSWERS = 10
POLL_QUESTION_LIMIT = 255
POLL_ANSWER_LIMIT = 100
PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "GIF"})
UPLOAD_TTL_MS = 24 * 3600 * 1000
#: [verified: O1]
VIDEO_MAX_BYTES = 2 * 1024 * 1024 * 1024
VIDEO_TITLE_LIMIT = 1000
VIDEO_DESCRIPTION_LIMIT = 4000

TOPIC_ID_BASE = 155_000_000_000_000
#: topics one ``mediatopic.getByIds`` call names [uncertain: not documented; 100]
TOPICS_PER_CALL = 100
VIDEO_ID_BASE = 7_000_000_000
MEDIA_TYPES = frozenset({"text", "photo", "movie", "link", "poll"})

#: discussions: only group topics are emulated [GROUP_TOPIC: uncertain, used by OK's SDKs]
DISCUSSION_TYPES = frozenset({"GROUP_TOPIC"})
#: getComments page sizes: not documented [uncertain]
COMMENTS_DEFAULT_COUNT = 10
COMMENTS_MAX_COUNT = 100
COMMENT_ID_BASE = 6_900_000_000_000
#: the user behind the sandbox's token, who administers every group
ADMIN_USER_ID = "571000000001"
ADMIN_USER_NAME = "Администратор"
#: ``fields`` of discussions.getComments -> key in the answer [verified: O2 names, O3 keys]
COMMENT_FIELDS = {
    "ID": "id",
    "TEXT": "text",
    "AUTHOR_ID": "author_id",
    "AUTHOR_NAME": "author_name",
    "DATE": "date_ms",
    "REPLY_TO_COMMENT_ID": "reply_to_comment_id",
    "REPLY_TO_ID": "reply_to_id",
}
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


class OkApiError(Exception):
    """An OK error answer raised inside a handler; the state transaction is then not saved."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def missing(name: str) -> OkApiError:
    return OkApiError(100, f"PARAM : Missing required parameter {name}")


def invalid(detail: str) -> OkApiError:
    return OkApiError(100, f"PARAM : {detail}")


def register_app(store: Store, application_key: str, secret: str) -> None:
    """Make the sandbox know an application's secret key (sandbox state, not a real secret)."""
    with store.transaction(NETWORK) as state:
        state.setdefault("apps", {})[application_key] = secret


def register_session(store: Store, access_token: str, session_secret: str) -> None:
    """Make the sandbox know the ``session_secret_key`` that goes with ``access_token``."""
    with store.transaction(NETWORK) as state:
        state.setdefault("sessions", {})[token_digest(access_token)] = session_secret


def expected_sig(params: dict[str, str], secret: str) -> str:
    """The signature OK computes: sorted ``key=value`` pairs, then the secret, md5 [O1]."""
    base = "".join(f"{k}={params[k]}" for k in sorted(params) if k not in UNSIGNED_PARAMS)
    return hashlib.md5((base + secret).encode("utf-8")).hexdigest()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


class OkEmulator(Emulator):
    """OK's REST gateway and upload hosts, in process."""

    network = NETWORK
    hosts = (API_HOST, PHOTO_UPLOAD_HOST, VIDEO_UPLOAD_HOST)
    rules: ClassVar[list[Rule]] = [
        Rule("/fb.do", endpoint="fb_do", methods=["GET", "POST"]),
        Rule("/api/<group>/<name>", endpoint="api_path", methods=["GET", "POST"]),
        Rule("/upload.do", endpoint="upload", methods=["POST"]),
    ]

    # ---- answers -------------------------------------------------------------------------

    def error(self, code: int, message: str) -> Response:
        """OK's error answer: HTTP 200, the body and the ``invocation-error`` header."""
        body = {"error_code": code, "error_msg": message, "error_data": None}
        return self.json(body, headers={"invocation-error": str(code)})

    def fault_response(self, kind: str) -> Response:
        if kind == "rate429":
            return self.error(8, "FLOOD_BLOCKED : Too many requests")
        return Response("<html><body>502 Bad Gateway</body></html>", status=502)

    # ---- the REST gateway ----------------------------------------------------------------

    def on_fb_do(self, request: Request) -> Response:
        params = {key: request.values[key] for key in request.values}
        return self._dispatch(params)

    def on_api_path(self, request: Request, group: str, name: str) -> Response:
        params = {key: request.values[key] for key in request.values}
        params["method"] = f"{group}.{name}"
        return self._dispatch(params)

    def _dispatch(self, params: dict[str, str]) -> Response:
        try:
            self._authenticate(params)
            handler = getattr(self, "api_" + params["method"].replace(".", "_"), None)
            if handler is None:
                raise OkApiError(3, f"METHOD : Method {params['method']} not found")
            with self.store.transaction(NETWORK) as state:
                result = handler(state, params)
        except OkApiError as exc:
            return self.error(exc.code, exc.message)
        return self.json(result)

    def _authenticate(self, params: dict[str, str]) -> None:
        """Key, token, signature and rate, in the order OK reports them [order uncertain]."""
        if not params.get("method"):
            raise missing("method")
        if not params.get("application_key"):
            raise OkApiError(101, "PARAM_API_KEY : Application key is missing")
        token = params.get("access_token") or params.get("session_key") or ""
        if not token:
            raise OkApiError(103, "PARAM_SESSION_KEY : No session key")
        state = self.store.read(NETWORK)
        if not self._signature_ok(state, params, token):
            raise OkApiError(104, "PARAM_SIGNATURE : Invalid signature")
        owners = Owners(state)
        if self.is_revoked(token) or (owners.declared and not owners.knows(token)):
            raise OkApiError(102, "PARAM_SESSION_EXPIRED : Session expired")
        if not self.rates.allow(f"{NETWORK}:{token_digest(token)}", RATE_PER_SECOND):
            raise OkApiError(8, "FLOOD_BLOCKED : Too many requests")

    def _signature_ok(self, state: dict[str, Any], params: dict[str, str], token: str) -> bool:
        app_secret = state.get("apps", {}).get(params["application_key"], DEFAULT_APP_SECRET)
        session = state.get("sessions", {}).get(token_digest(token), DEFAULT_SESSION_SECRET)
        sig = params.get("sig", "").lower()
        secrets = (_md5(token + app_secret).lower(), session)
        return any(sig == expected_sig(params, secret) for secret in secrets)

    # ---- methods (state is saved only if the method returns) ------------------------------

    def api_group_getInfo(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """Each group's ``uid`` and the asked ``name`` and ``description`` [uncertain]."""
        uids = _required(params, "uids")
        fields = {f.strip().lower() for f in _required(params, "fields").split(",")}
        groups = [(uid.strip(), self._group(state, uid.strip())) for uid in uids.split(",")]
        answer = []
        for uid, group in groups:
            info: dict[str, Any] = {
                k: group.get(k, "") for k in ("name", "description") if k in fields
            }
            if "members_count" in fields:  # growing a little each day
                info["members_count"] = followers(f"ok{uid}", self.now())
            answer.append({"uid": uid, **info})
        return answer

    def api_mediatopic_getByIds(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """The topics ``topic_ids`` names with their like, reshare and comment summaries,
        grown since each appeared [uncertain: the shape public clients read]; a deleted or
        unknown id is left out."""
        wanted = [t.strip() for t in _required(params, "topic_ids").split(",") if t.strip()]
        if len(wanted) > TOPICS_PER_CALL:
            raise invalid(f"topic_ids: at most {TOPICS_PER_CALL}")
        live = {p["id"]: p for p in state.get("posts", []) if not p["deleted"]}
        topics = []
        for topic_id in wanted:
            topic = live.get(topic_id)
            if topic is None:
                continue
            key = f"ok{topic_id}"
            created = int(datetime.fromisoformat(topic["published_at"]).timestamp())
            grow = partial(grown, key, created=created, now=self.now())
            topics.append(
                {
                    "id": topic_id,
                    "like_summary": {"count": grow("reactions")},
                    "reshare_summary": {"count": grow("reposts")},
                    "discussion_summary": {"comments_count": len(topic.get("comments", []))},
                }
            )
        return {"media_topics": topics}

    def set_by_hand(self, account_id: str, **fields: str) -> None:
        """The group's name (``title``) and description, which only OK's site changes."""
        names = {"title": "name", "description": "description"}
        unknown = set(fields) - set(names)
        if unknown:
            raise ValueError(f"ok: no profile field {sorted(unknown)} to set by hand")
        with self.store.transaction(self.network) as state:
            self._group(state, account_id).update({names[k]: v for k, v in fields.items()})

    def api_group_setMainPhoto(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """The group's avatar from a photo uploaded to its ``photosV2.getUploadUrl`` URL,
        named by the photo id that call gave [verified: O2; answer uncertain]."""
        gid = _required(params, "group_id")
        photo_id = _required(params, "photo_id")
        group = self._admin_group(state, params, gid)
        photos = state.get("photos", {}).values()
        photo = next((p for p in photos if p["photo_id"] == photo_id and p["gid"] == gid), None)
        if photo is None:
            raise OkApiError(121, f"PARAM_PHOTO_ID : Invalid photo id {photo_id}")
        group["avatar"] = photo["file"]
        return {"success": True}

    # ---- discussions (comments under topics) ------------------------------------------------

    def api_discussions_getComments(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """A page of a topic's comments from an anchor [verified: O2 params, O3 response]."""
        topic = _discussion(state, params, "discussionId", "discussionType")
        count = _count(params.get("count", str(COMMENTS_DEFAULT_COUNT)))
        direction = params.get("direction", "FORWARD")
        if direction not in ("FORWARD", "BACKWARD"):
            raise invalid(f"direction {direction!r} is not emulated")
        comments = topic.get("comments", [])
        anchor = params.get("anchor", "FIRST")
        page, more = _page(comments, _cursor(comments, anchor, direction), direction, count)
        fields = _comment_fields(params.get("fields", ""))
        edge = (page[-1] if direction == "FORWARD" else page[0]) if page else None
        return {
            "comments": [_comment_out(comment, fields) for comment in page],
            "has_more": more,
            "anchor": _anchor(edge["id"]) if edge else anchor,
            "discussionId": topic["id"],
            "discussionType": params["discussionType"],
        }

    def api_discussions_addDiscussionComment(
        self, state: dict[str, Any], params: dict[str, str]
    ) -> Any:
        """A comment by the token's user, or by the group itself with ``as_admin=true``
        [verified: O2 (2017) params; answer: the new comment, uncertain]."""
        topic = _discussion(state, params, "entityId", "entityType")
        text = _required(params, "comment")
        reply_to = params.get("reply_to_comment_id", "")
        parent = _live_comment(topic, reply_to) if reply_to else None
        if params.get("as_admin") == "true":
            author = (topic["group"], self._admin_group(state, params, topic["group"])["name"])
        else:
            author = (ADMIN_USER_ID, ADMIN_USER_NAME)
        comment = self._new_comment(state, topic, text, author, parent, from_account=True)
        return _comment_out(comment, _comment_fields(params.get("fields", "")))

    def api_discussions_deleteDiscussionComment(
        self, state: dict[str, Any], params: dict[str, str]
    ) -> Any:
        """Delete a comment; ``block_author=true`` blacklists its author for good [O2]."""
        topic = _discussion(state, params, "discussionId", "discussionType")
        self._admin_group(state, params, topic["group"])
        comment = _live_comment(topic, _required(params, "comment_id"))
        if params.get("block_author") == "true":
            if comment["from_account"]:
                raise invalid("the group cannot block itself")
            bans = state.setdefault("bans", {}).setdefault(topic["group"], {})
            bans[comment["author_id"]] = {"until": None, "at": self.clock.now().isoformat()}
        comment["deleted"] = True
        comment["spam"] = params.get("mark_as_spam") == "true"
        return {"success": True}  # [uncertain: answer shape]

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A citizen comments under topic ``post_id``; OK gives us no direct messages."""
        if direct:
            raise ValueError("ok: the API offers no direct messages to a group")
        if not text.strip():
            raise ValueError("ok: a comment needs text")
        with self.store.transaction(NETWORK) as state:
            topic = _live_topic(state, post_id)
            if topic is None:
                raise ValueError(f"ok: no topic {post_id}")
            if topic["comments_disabled"]:
                raise ValueError(f"ok: comments are closed under topic {post_id}")
            if author_id in state.get("bans", {}).get(topic["group"], {}):
                raise ValueError(f"ok: user {author_id} is blacklisted by group {topic['group']}")
            parent = _find_comment(topic, reply_to) if reply_to else None
            if reply_to and parent is None:
                raise ValueError(f"ok: no comment {reply_to} under topic {post_id}")
            author = (author_id, author_name)
            return str(self._new_comment(state, topic, text, author, parent)["id"])

    def _new_comment(
        self,
        state: dict[str, Any],
        topic: dict[str, Any],
        text: str,
        author: tuple[str, str],
        parent: dict[str, Any] | None,
        from_account: bool = False,
    ) -> dict[str, Any]:
        comment = {
            "id": str(COMMENT_ID_BASE + next_id(state, "next_comment_id")),
            "text": text,
            "author_id": author[0],
            "author_name": author[1],
            "date_ms": self._now_ms(),
            "reply_to_comment_id": parent["id"] if parent else "",
            "reply_to_id": parent["author_id"] if parent else "",
            "from_account": from_account,
            "deleted": False,
            "spam": False,
        }
        topic.setdefault("comments", []).append(comment)
        return comment

    def api_photosV2_getUploadUrl(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        gid = _required(params, "gid")
        count = _positive_int(params.get("count", "1"), "count")
        self._admin_group(state, params, gid)
        photo_ids = [str(next_id(state, "next_photo_id", 900_000)) for _ in range(count)]
        sid = _md5(f"photo-session-{next_id(state, 'next_session')}")
        expires = self._now_ms() + UPLOAD_TTL_MS
        sessions = state.setdefault("photo_sessions", {})
        sessions[sid] = {"gid": gid, "photo_ids": photo_ids, "expires_ms": expires}
        url = f"https://{PHOTO_UPLOAD_HOST}/upload.do?sid={sid}&photoIds={','.join(photo_ids)}"
        return {
            "upload_url": url,
            "photo_ids": photo_ids,
            "expires_ms": expires,
            "ttl_ms": UPLOAD_TTL_MS,
        }

    def api_video_getUploadUrl(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        file_name = _required(params, "file_name")
        size = _positive_int(_required(params, "file_size"), "file_size")
        if size > VIDEO_MAX_BYTES:
            raise invalid("file_size exceeds 2 GB")
        gid = params.get("gid", "")
        if gid:
            self._admin_group(state, params, gid)
        video_id = VIDEO_ID_BASE + next_id(state, "next_video_id")
        name, _size = self.store.save_upload(io.BytesIO(), suffix=Path(file_name).suffix)
        sid = _md5(f"video-session-{video_id}")
        state.setdefault("videos", {})[str(video_id)] = {
            "gid": gid,
            "file": name,
            "file_name": file_name,
            "size": size,
            "received": 0,
            "sid": sid,
            "title": "",
        }
        url = f"https://{VIDEO_UPLOAD_HOST}/upload.do?id={video_id}&sid={sid}"
        return {"upload_url": url, "video_id": video_id}

    def api_video_update(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        video = _video(state, _required(params, "vid"))
        if video["gid"]:
            self._admin_group(state, params, video["gid"])
        title = params.get("title", video["title"])
        if len(title) > VIDEO_TITLE_LIMIT:
            raise invalid(f"title is longer than {VIDEO_TITLE_LIMIT} characters")
        if len(params.get("description", "")) > VIDEO_DESCRIPTION_LIMIT:
            raise invalid(f"description is longer than {VIDEO_DESCRIPTION_LIMIT} characters")
        video["title"] = title
        return {"success": True}  # [uncertain: answer shape]

    def api_mediatopic_post(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """Create a topic; answers its id as a JSON string [uncertain, O1]."""
        if _required(params, "type") != "GROUP_THEME":
            raise invalid("only type=GROUP_THEME is emulated")
        gid = _required(params, "gid")
        self._admin_group(state, params, gid)
        attachment = _attachment(_required(params, "attachment"))
        topic = self._topic(state, gid, attachment)
        topic["link_preview"] = params.get("text_link_preview", "") == "true"
        state.setdefault("posts", []).append(topic)
        return topic["id"]

    def api_mediatopic_deleteTopic(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """[uncertain: method name from public clients O3, O4, answer from an O4 test]."""
        gid = _required(params, "gid")
        topic_id = _required(params, "topic_id")
        self._admin_group(state, params, gid)
        for post in state.get("posts", []):
            if post["id"] == topic_id and post["group"] == gid and not post["deleted"]:
                post["deleted"] = True
                return {"success": True}
        raise OkApiError(300, f"NOT_FOUND : Topic {topic_id} not found")

    # ---- topics --------------------------------------------------------------------------

    def _topic(self, state: dict[str, Any], gid: str, attachment: dict[str, Any]) -> dict[str, Any]:
        self._group(state, gid)
        topic_id = str(TOPIC_ID_BASE + next_id(state, "next_topic_id"))
        topic: dict[str, Any] = {
            "id": topic_id,
            "group": gid,
            "url": f"https://ok.ru/group/{gid}/topic/{topic_id}",
            "text": "",
            "media": [],
            "videos": [],
            "link": None,
            "poll": None,
            "on_behalf_of_group": attachment.get("onBehalfOfGroup") == "true",
            "comments_disabled": attachment.get("disableComments") == "true",
            "published_at": self.clock.now().isoformat(),
            "deleted": False,
        }
        for item in attachment["media"]:
            self._add_item(state, topic, item)
        if len(topic["media"]) + len(topic["videos"]) > MAX_MEDIA:
            raise invalid(f"more than {MAX_MEDIA} photos and videos")
        return topic

    def _add_item(self, state: dict[str, Any], topic: dict[str, Any], item: Any) -> None:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in MEDIA_TYPES:
            raise invalid(f"unknown media type {kind!r}")
        if kind == "text":
            topic["text"] += _text(item)
        elif kind == "photo":
            topic["media"] += [_photo_file(state, ref) for ref in _list(item)]
        elif kind == "movie":
            topic["videos"] += [_movie_file(state, ref) for ref in _list(item)]
        elif kind == "link":
            topic["link"] = _link(item)
        else:
            topic["poll"] = _poll(item)

    def _group(self, state: dict[str, Any], gid: str) -> dict[str, Any]:
        """The group, created on first use."""
        if not gid.isdigit():
            raise invalid(f"gid {gid!r} is not a group id")
        groups = state.setdefault("groups", {})
        group: dict[str, Any] = groups.setdefault(gid, {"name": f"Группа {gid}"})
        return group

    def _admin_group(
        self, state: dict[str, Any], params: dict[str, str], gid: str
    ) -> dict[str, Any]:
        """The group, if the call's token administers it (every group, before declarations)."""
        token = params.get("access_token") or params.get("session_key") or ""
        if not Owners(state).may(token, gid):
            raise OkApiError(10, f"PERMISSION_DENIED : No permission to administer group {gid}")
        return self._group(state, gid)

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared group: its number, named by its title."""
        gid = account.id.strip()
        if not gid.isdigit():
            raise ValueError(f"ok: {gid!r} is not a group number")
        group = self._group(state, gid)
        if account.title:
            group["name"] = account.title
        return gid

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    # ---- upload hosts --------------------------------------------------------------------

    def on_upload(self, request: Request) -> Response:
        try:
            if request.host.split(":")[0] == VIDEO_UPLOAD_HOST:
                return self._upload_video(request)
            return self.json(self._upload_photos(request))
        except OkApiError as exc:
            return self.error(exc.code, exc.message)

    def _upload_photos(self, request: Request) -> dict[str, Any]:
        """Multipart ``pic1``, ``pic2``... -> ``{"photos": {photo_id: {"token"}}}`` [O1, O3]."""
        with self.store.transaction(NETWORK) as state:
            session = state.get("photo_sessions", {}).get(request.args.get("sid", ""))
            if session is None or session["expires_ms"] < self._now_ms():
                raise invalid("upload session is unknown or expired")
            answer: dict[str, Any] = {}
            for index, photo_id in enumerate(session["photo_ids"], 1):
                upload = request.files.get(f"pic{index}")
                if upload is not None:
                    token = self._store_photo(state, session["gid"], photo_id, upload.stream)
                    answer[photo_id] = {"token": token}
            if not answer:
                raise invalid("no file in fields pic1, pic2...")
        return {"photos": answer}

    def _store_photo(self, state: dict[str, Any], gid: str, photo_id: str, stream: Any) -> str:
        name, size = self.store.save_upload(stream)
        path = self.store.file_path(name)
        image_format = _image_format(path)
        if size > PHOTO_MAX_BYTES or image_format not in PHOTO_FORMATS:
            path.unlink(missing_ok=True)
            raise invalid(f"photo {photo_id}: not a JPEG/PNG/GIF image up to 20 MB")
        final = path.with_suffix("." + image_format.lower().replace("jpeg", "jpg"))
        path.rename(final)
        token = _md5(f"photo-token-{photo_id}-{final.name}")
        state.setdefault("photos", {})[token] = {
            "photo_id": photo_id,
            "file": final.name,
            "gid": gid,
        }
        return token

    def _upload_video(self, request: Request) -> Response:
        """One multipart ``data`` file, or chunks with ``Content-Range`` [O1; details uncertain]."""
        with self.store.transaction(NETWORK) as state:
            video = state.get("videos", {}).get(request.args.get("id", ""))
            if video is None or video["sid"] != request.args.get("sid"):
                raise invalid("unknown video upload")
            if request.mimetype == "multipart/form-data":
                self._video_whole(video, request)
            else:
                self._video_chunk(video, request)
        return Response("", status=200)

    def _video_whole(self, video: dict[str, Any], request: Request) -> None:
        upload = request.files.get("data")
        if upload is None:
            raise missing("data")
        with open(self.store.file_path(video["file"]), "wb") as out:
            shutil.copyfileobj(upload.stream, out, UPLOAD_COPY_CHUNK)
            video["received"] = out.tell()
        if video["received"] != video["size"]:
            raise invalid(f"uploaded {video['received']} bytes, announced {video['size']}")

    def _video_chunk(self, video: dict[str, Any], request: Request) -> None:
        match = _CONTENT_RANGE.match(request.headers.get("Content-Range", ""))
        if match is None:
            raise invalid("Content-Range header missing or malformed")
        start, end, total = (int(group) for group in match.groups())
        if total != video["size"] or end < start or end >= total:
            raise invalid(f"Content-Range {start}-{end}/{total} does not fit the upload")
        if end < video["received"]:
            return  # a chunk sent again after a lost answer: already stored
        if start != video["received"]:
            raise invalid(f"Content-Range starts at {start}, expected {video['received']}")
        path = self.store.file_path(video["file"])
        with open(path, "ab") as out:
            shutil.copyfileobj(request.stream, out, UPLOAD_COPY_CHUNK)
            written = out.tell() - start
            if written != end - start + 1:
                out.truncate(start)
                raise invalid(f"chunk has {written} bytes, Content-Range says {end - start + 1}")
        video["received"] = end + 1

    # ---- views ---------------------------------------------------------------------------

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        posts = [
            {
                "id": post["id"],
                "account": post["group"],
                "group": post["group"],
                "text": post["text"],
                "url": post["url"],
                "media": post["media"] + post["videos"],
                "link": post["link"],
                "poll": post["poll"],
                "published_at": post["published_at"],
                "comments": _comments_view(post),
            }
            for post in state.get("posts", [])
            if not post["deleted"]
        ]
        banned = [
            {"user_id": user_id, "until": ban["until"]}
            for bans in state.get("bans", {}).values()
            for user_id, ban in bans.items()
        ]
        groups = state.get("groups", {})
        return {
            "posts": posts,
            "groups": groups,
            "profile": _profile_view(next(iter(groups.values()), None)),
            "profiles": {gid: _profile_view(group) for gid, group in groups.items()},
            "banned": banned,
        }

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each group as OK shows it: its header, then its topics newest first."""
        groups = state.get("groups", {})
        live = [post for post in reversed(state.get("posts", [])) if not post["deleted"]]
        sections = [
            {
                "profile": _profile_view(group),
                "topics": [
                    {"post": post, "group": group["name"], "comments": _comments_view(post)}
                    for post in live
                    if post["group"] == gid
                ],
            }
            for gid, group in groups.items()
        ]
        return render("ok.html", groups=sections)


# ---- validation helpers ---------------------------------------------------------------------


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value.strip():
        raise missing(name)
    return value


def _positive_int(value: str, name: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise invalid(f"{name} must be a positive integer")
    return int(value)


def _count(value: str) -> int:
    count = _positive_int(value, "count")
    if count > COMMENTS_MAX_COUNT:
        raise invalid(f"count must be at most {COMMENTS_MAX_COUNT}")
    return count


# ---- discussions ----------------------------------------------------------------------------


def _live_topic(state: dict[str, Any], topic_id: str) -> dict[str, Any] | None:
    posts = state.get("posts", [])
    return next((p for p in posts if p["id"] == topic_id and not p["deleted"]), None)


def _discussion(
    state: dict[str, Any], params: dict[str, str], id_key: str, type_key: str
) -> dict[str, Any]:
    """The live topic a discussion call names, or OK's errors 100 / 106."""
    topic_id = _required(params, id_key)
    kind = _required(params, type_key)
    if kind not in DISCUSSION_TYPES:
        raise invalid(f"{type_key} {kind!r} is not emulated")
    topic = _live_topic(state, topic_id)
    if topic is None:
        raise OkApiError(106, f"PARAM_DISCUSSION : Invalid discussion id {topic_id}")
    return topic


def _find_comment(topic: dict[str, Any], comment_id: str) -> dict[str, Any] | None:
    comments = topic.get("comments", [])
    return next((c for c in comments if c["id"] == comment_id and not c["deleted"]), None)


def _live_comment(topic: dict[str, Any], comment_id: str) -> dict[str, Any]:
    comment = _find_comment(topic, comment_id)
    if comment is None:
        raise OkApiError(141, f"PARAM_COMMENT_ID : Invalid comment id {comment_id}")
    return comment


def _anchor(comment_id: str) -> str:
    """An opaque paging anchor that points at one comment."""
    return base64.urlsafe_b64encode(f"c:{comment_id}".encode()).decode().rstrip("=")


def _cursor(comments: list[dict[str, Any]], anchor: str, direction: str) -> int:
    """Where a page starts: before the first, after the last, or next to the anchor's comment
    (``UNREAD`` is not emulated)."""
    if anchor == "FIRST":
        return 0
    if anchor == "LAST":
        return len(comments)
    try:
        decoded = base64.urlsafe_b64decode(anchor + "=" * (-len(anchor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    ids = [comment["id"] for comment in comments]
    if not decoded.startswith("c:") or decoded[2:] not in ids:
        raise invalid(f"anchor {anchor!r} is not valid")
    index = ids.index(decoded[2:])
    return index + 1 if direction == "FORWARD" else index


def _page(
    comments: list[dict[str, Any]], cursor: int, direction: str, count: int
) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``count`` live comments on one side of ``cursor``, oldest first; more left?"""
    if direction == "FORWARD":
        after = [c for c in comments[cursor:] if not c["deleted"]]
        return after[:count], len(after) > count
    before = [c for c in comments[:cursor] if not c["deleted"]]
    return before[-count:], len(before) > count


def _comment_fields(text: str) -> list[str]:
    """The answer keys ``fields`` asks for (``comment.TEXT``...); all of them when absent."""
    names = [name.strip().upper().removeprefix("COMMENT.") for name in text.split(",")]
    keys = [COMMENT_FIELDS[name] for name in names if name in COMMENT_FIELDS]
    return keys or list(COMMENT_FIELDS.values())


def _comment_out(comment: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """A comment as OK answers it: the id and the asked fields that have a value."""
    answer = {key: comment[key] for key in keys if comment[key] not in ("", None)}
    return {"id": comment["id"]} | answer


def _comments_view(post: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": comment["id"],
            "text": comment["text"],
            "author_id": comment["author_id"],
            "author_name": comment["author_name"],
            "hidden": False,  # OK cannot hide a comment, only delete it
            "reply_to": comment["reply_to_comment_id"],
            "from_account": comment["from_account"],
        }
        for comment in post.get("comments", [])
        if not comment["deleted"]
    ]


def _profile_view(group: dict[str, Any] | None) -> dict[str, Any]:
    """A group's profile: only its avatar can change through the API."""
    if group is None:
        return dict.fromkeys(("title", "description", "website", "avatar", "cover"))
    return {
        "title": group["name"],
        "description": group.get("description", ""),
        "website": group.get("website", ""),
        "avatar": group.get("avatar"),
        "cover": group.get("cover"),
    }


def _attachment(text: str) -> dict[str, Any]:
    try:
        attachment = json.loads(text)
    except ValueError:
        raise invalid("attachment is not valid JSON") from None
    media = attachment.get("media") if isinstance(attachment, dict) else None
    if not isinstance(media, list) or not media:
        raise invalid("attachment.media must be a non-empty list")
    result: dict[str, Any] = attachment
    return result


def _text(item: dict[str, Any]) -> str:
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise invalid("text item without text")
    if len(text) > TEXT_LIMIT:
        raise invalid(f"text is longer than {TEXT_LIMIT} characters")
    return text


def _list(item: dict[str, Any]) -> list[Any]:
    refs = item.get("list")
    if not isinstance(refs, list) or not refs:
        raise invalid(f"{item.get('type')} item without list")
    return refs


def _photo_file(state: dict[str, Any], ref: Any) -> str:
    token = ref.get("id") if isinstance(ref, dict) else None
    photo = state.get("photos", {}).get(token)
    if photo is None:
        raise invalid(f"unknown photo token {token!r}")
    file_name: str = photo["file"]
    return file_name


def _movie_file(state: dict[str, Any], ref: Any) -> str:
    video_id = str(ref.get("id")) if isinstance(ref, dict) else ""
    video = state.get("videos", {}).get(video_id)
    if video is None or video["received"] != video["size"]:
        raise invalid(f"video {video_id!r} is unknown or not fully uploaded")
    file_name: str = video["file"]
    return file_name


def _video(state: dict[str, Any], video_id: str) -> dict[str, Any]:
    video: dict[str, Any] | None = state.get("videos", {}).get(video_id)
    if video is None:
        raise OkApiError(300, f"NOT_FOUND : Video {video_id} not found")
    return video


def _link(item: dict[str, Any]) -> str:
    url = item.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise invalid("link item needs an http(s) url")
    return url


def _poll(item: dict[str, Any]) -> dict[str, Any]:
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise invalid("poll without question")
    if len(question) > POLL_QUESTION_LIMIT:
        raise invalid(f"poll question is longer than {POLL_QUESTION_LIMIT} characters")
    answers = item.get("answers")
    if not isinstance(answers, list) or not 1 <= len(answers) <= POLL_MAX_ANSWERS:
        raise invalid(f"a poll needs 1 to {POLL_MAX_ANSWERS} answers")
    texts = [_answer(answer) for answer in answers]
    options = str(item.get("options", "")).split(",")
    return {
        "question": question,
        "options": texts,
        "multiple": "MultipleChoice" in options,
        "anonymous": "AnonymousVoting" in options,
    }


def _answer(answer: Any) -> str:
    text = answer.get("text") if isinstance(answer, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise invalid("poll answer without text")
    if len(text) > POLL_ANSWER_LIMIT:
        raise invalid(f"poll answer is longer than {POLL_ANSWER_LIMIT} characters")
    return text


def _image_format(path: Path) -> str:
    try:
        with Image.open(path) as image:
            return str(image.format or "")
    except (UnidentifiedImageError, OSError):
        return ""
