"""Emulator of the Odnoklassniki API: ``api.ok.ru/fb.do`` and the photo and video upload hosts.

What it checks, as OK does: ``application_key`` present (101), a valid access token (103 missing,
102 revoked), the exact ``sig`` (104), at most ``RATE_PER_SECOND`` calls a second per token (8),
required parameters and content limits (100), unknown methods (3), unknown topics (300). Every
error is ``{"error_code", "error_msg", "error_data"}`` with HTTP 200 and the code in the
``invocation-error`` header [verified: O1, O4].

Signatures are checked against the application's secret: ``register_app`` sets one, any other
``application_key`` uses ``DEFAULT_APP_SECRET``, the value the CLI substitutes in the sandbox.
A ``session_secret_key`` is accepted the same way (``register_session``, else
``DEFAULT_SESSION_SECRET``).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any, ClassVar

from PIL import Image, UnidentifiedImageError
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .core import UPLOAD_COPY_CHUNK, Emulator, Store, next_id, token_digest

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
VIDEO_ID_BASE = 7_000_000_000
MEDIA_TYPES = frozenset({"text", "photo", "movie", "link", "poll"})
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
        if not self._signature_ok(params, token):
            raise OkApiError(104, "PARAM_SIGNATURE : Invalid signature")
        if self.is_revoked(token):
            raise OkApiError(102, "PARAM_SESSION_EXPIRED : Session expired")
        if not self.rates.allow(f"{NETWORK}:{token_digest(token)}", RATE_PER_SECOND):
            raise OkApiError(8, "FLOOD_BLOCKED : Too many requests")

    def _signature_ok(self, params: dict[str, str], token: str) -> bool:
        state = self.store.read(NETWORK)
        app_secret = state.get("apps", {}).get(params["application_key"], DEFAULT_APP_SECRET)
        session = state.get("sessions", {}).get(token_digest(token), DEFAULT_SESSION_SECRET)
        sig = params.get("sig", "").lower()
        secrets = (_md5(token + app_secret).lower(), session)
        return any(sig == expected_sig(params, secret) for secret in secrets)

    # ---- methods (state is saved only if the method returns) ------------------------------

    def api_group_getInfo(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        uids = _required(params, "uids")
        _required(params, "fields")
        return [self._group(state, uid.strip()) | {"uid": uid.strip()} for uid in uids.split(",")]

    def api_photosV2_getUploadUrl(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        gid = _required(params, "gid")
        count = _positive_int(params.get("count", "1"), "count")
        self._group(state, gid)
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
            self._group(state, gid)
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
        attachment = _attachment(_required(params, "attachment"))
        topic = self._topic(state, gid, attachment)
        topic["link_preview"] = params.get("text_link_preview", "") == "true"
        state.setdefault("posts", []).append(topic)
        return topic["id"]

    def api_mediatopic_deleteTopic(self, state: dict[str, Any], params: dict[str, str]) -> Any:
        """[uncertain: method name from public clients O3, O4, answer from an O4 test]."""
        gid = _required(params, "gid")
        topic_id = _required(params, "topic_id")
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
        """The group, created on first use: the sandbox's user administers every group."""
        if not gid.isdigit():
            raise invalid(f"gid {gid!r} is not a group id")
        groups = state.setdefault("groups", {})
        group: dict[str, Any] = groups.setdefault(gid, {"name": f"Группа {gid}"})
        return group

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
                "group": post["group"],
                "text": post["text"],
                "url": post["url"],
                "media": post["media"] + post["videos"],
                "link": post["link"],
                "poll": post["poll"],
                "published_at": post["published_at"],
            }
            for post in state.get("posts", [])
            if not post["deleted"]
        ]
        return {"posts": posts, "groups": state.get("groups", {})}

    def feed_html(self, state: dict[str, Any]) -> str:
        groups = state.get("groups", {})
        live = [post for post in state.get("posts", []) if not post["deleted"]]
        return "\n".join(_topic_html(post, groups) for post in reversed(live))


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


# ---- feed -----------------------------------------------------------------------------------


def _topic_html(post: dict[str, Any], groups: dict[str, Any]) -> str:
    esc = html.escape
    group = groups.get(post["group"], {}).get("name", post["group"])
    parts = [
        '<article class="ok-topic">',
        f"<header><strong>{esc(group)}</strong> <time>{esc(post['published_at'])}</time></header>",
    ]
    if post["text"]:
        parts.append(f"<p>{esc(post['text']).replace(chr(10), '<br>')}</p>")
    parts += [f'<img src="/files/{esc(name)}" alt="">' for name in post["media"]]
    parts += [f'<video src="/files/{esc(name)}" controls></video>' for name in post["videos"]]
    if post["link"]:
        parts.append(f'<a class="ok-link" href="{esc(post["link"])}">{esc(post["link"])}</a>')
    if post["poll"]:
        parts.append(_poll_html(post["poll"]))
    parts.append(f'<footer><a href="{esc(post["url"])}">{esc(post["url"])}</a></footer>')
    parts.append("</article>")
    return "\n".join(parts)


def _poll_html(poll: dict[str, Any]) -> str:
    kind = "multiple" if poll["multiple"] else "single"
    items = "".join(f"<li>{html.escape(option)}</li>" for option in poll["options"])
    question = html.escape(poll["question"])
    return f'<div class="ok-poll {kind}"><strong>{question}</strong><ul>{items}</ul></div>'
