"""An emulator of X API v2: posts and threads, media uploads, limits and X's error shapes.

It answers at ``api.x.com`` and the old ``api.twitter.com``. Bodies are JSON; errors are
problem objects whose ``type`` carries the ``api.twitter.com/2/problems/…`` prefix real
responses use, and an unknown path gets the v1.1 shape ``{"errors": [{"code": 34}]}``. Every
answer carries the ``x-rate-limit-*`` headers of its 15-minute window; posting adds the
``x-app-limit-24hour-*`` and ``x-user-limit-24hour-*`` ones [verified: X1 "Errors & rate limits"].

The sandbox has one account, ``@sandbox_city``, behind every token that is not revoked (OAuth 2.0
bearer or OAuth 1.0a; signatures are not checked, as the sandbox does not know the secrets, but
their fields, timestamp and nonce are). It answers to any user id in a path: the account is
"created on first use" under the id the configuration gives it. Once accounts are declared
(``accounts.SandboxAccount``, keyed by user id), each token is the account it is declared with: its
posts, media, limits and profile are that account's; deleting another account's post or hiding
replies in its conversations answers 403 as X does [verified: X1 "Edit / delete", "Moderate"],
and a token declared nowhere answers 401.

Like X, responses show text HTML-escaped with URLs as ``t.co`` links and a link to attached
media at the end, and a reply to someone else's post starts with their ``@username``; the state
keeps what was sent. Post ids are snowflakes made from the clock, as X's are, so a ``since_id``
means a time.

Citizens (``add_comment``) reply in a post's conversation; the account reads replies with the
recent search (last seven days), hides them, answers them, and sets its name, bio, website and
avatar. Blocking answers 403 (Enterprise only); there are no direct messages.

References in comments: X1 = shared/reference/networks-meta-x.md section 3.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

from markupsafe import Markup
from mutagen import MutagenError
from mutagen.mp4 import MP4
from twitter_text import extract_urls_with_indices, parse_tweet
from twitter_text.has_invalid_characters import has_invalid_characters
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from publisher.sandbox.accounts import Owners, SandboxAccount
from publisher.sandbox.core import Emulator, next_id
from publisher.sandbox.figures import followers, grown
from publisher.sandbox.pages import render

NETWORK = "x"
#: the weighted length a post may have on a non-Premium account [verified: X1 "Limits"]
TEXT_LIMIT = 280
#: post ids are snowflakes: milliseconds since this epoch, shifted left by 22 bits [decided: the
#: documented "X IDs" layout; the since_id error X gives names the same ids, S10]
SNOWFLAKE_EPOCH_MS = 1288834974657
SNOWFLAKE_SHIFT = 22
PROBLEMS = "https://api.twitter.com/2/problems/"
MB = 1024 * 1024
WINDOW = 15 * 60
DAY = 24 * 3600
#: requests per 15 minutes per user [verified: X1 "Errors & rate limits"; the timeline and
#: metadata numbers are not listed there: uncertain]
LIMITS: dict[str, int] = {
    "tweets_create": 100,
    "tweets_delete": 50,
    "users_me": 75,
    # GET /2/tweets: 900 a window per user [uncertain: X1 lists it per tier]
    "tweets_lookup": 900,
    "user_tweets": 900,
    "media_upload": 500,
    "media_chunked": 1875,
    "media_status": 1000,
    "media_metadata": 500,
    "search_recent": 300,
    "tweets_hide": 50,
    # not listed in X1 [uncertain]
    "users_update": 50,
    "profile_image": 50,
    "blocking": 50,
}
#: posts per 24 hours per app [verified: X1]; the per-user daily cap is not documented for
#: pay-per-use, so it is the same number [uncertain]
DAILY_POSTS_APP = 10_000
DAILY_POSTS_USER = 10_000
#: how far ahead an injected 429 says the window resets (a real window ends within 15 min)
FAULT_RESET_SECS = 5
OAUTH_SKEW_SECS = 300
MEDIA_TTL_SECS = DAY
MAX_SEGMENT_BYTES = 5 * MB
MAX_SEGMENTS = 1000
ALT_TEXT_LIMIT = 1000
POLL_OPTION_LIMIT = 25
POLL_MINUTES = (5, 10080)
#: categories and their size limit and accepted types [verified: X1 "Limits"]
CATEGORIES: dict[str, tuple[int, frozenset[str]]] = {
    "tweet_image": (5 * MB, frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})),
    "tweet_gif": (15 * MB, frozenset({"image/gif"})),
    "tweet_video": (512 * MB, frozenset({"video/mp4", "video/quicktime"})),
}
_SUFFIX = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}
_KEY_PREFIX = {"tweet_image": "3", "tweet_gif": "16", "tweet_video": "7"}
_MEDIA_TYPE = {"tweet_image": "photo", "tweet_gif": "animated_gif", "tweet_video": "video"}
#: a video's shortest and longest play time, ms [verified: X1 "Limits", S8 best practices]
VIDEO_MILLIS = (500, 140_000)
#: how processing fails for a file that is not what its category says [uncertain: the text]
_INVALID_MEDIA = {
    "code": 1,
    "name": "InvalidMedia",
    "message": "Invalid or Unsupported media, Reason: UnsupportedMedia.",
}
#: STATUS calls move a video through these states [verified: X1 "Publish"]
_PROCESSING = ("pending", "in_progress", "succeeded")
_OAUTH_FIELDS = (
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_token",
)
_OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
_RATE_HEADERS = "x.sandbox.rate_headers"
_DEFAULT_FIELDS = ("id", "text", "edit_history_tweet_ids")
_OPTIONAL_FIELDS = frozenset(
    {"author_id", "conversation_id", "created_at", "in_reply_to_user_id", "referenced_tweets"}
)
#: the recent search's reach [verified: X1 "Read replies"]
SEARCH_WINDOW_SECS = 7 * DAY
SEARCH_QUERY_LIMIT = 512
_CONVERSATION_QUERY = re.compile(r"^\s*conversation_id:(\d+)\s*$")
#: replies one conversation can have hidden [verified: S8 hide-replies introduction]
MAX_HIDDEN = 725
#: ``PUT /2/users/me`` fields and their limits in characters: the v1.1 limits, as v2 documents
#: none [uncertain: X1 "Account profile", S12, S14]
PROFILE_LIMITS = {"name": 50, "description": 160, "url": 100, "location": 30}
_USER_FIELDS = ("description", "url", "location")


class _Reply(Exception):
    """Stops a handler with the answer X would give (an error, mostly)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class XEmulator(Emulator):
    """X API v2 for one account: posts, threads, deletes, the timeline and media uploads."""

    network: ClassVar[str] = NETWORK
    hosts: ClassVar[tuple[str, ...]] = ("api.x.com", "api.twitter.com")
    rules: ClassVar[list[Rule]] = [
        Rule("/2/tweets", methods=["POST"], endpoint="create_tweet"),
        Rule("/2/tweets", methods=["GET"], endpoint="lookup_tweets"),
        Rule("/2/tweets/<tweet_id>", methods=["DELETE"], endpoint="delete_tweet"),
        Rule("/2/tweets/search/recent", methods=["GET"], endpoint="search_recent"),
        Rule("/2/tweets/<tweet_id>/hidden", methods=["PUT"], endpoint="hide_reply"),
        Rule("/2/users/me", methods=["GET"], endpoint="users_me"),
        Rule("/2/users/me", methods=["PUT"], endpoint="update_profile"),
        Rule("/2/users/me/profile_image", methods=["PUT"], endpoint="update_profile_image"),
        Rule("/2/users/<user_id>/blocking", methods=["POST"], endpoint="blocking"),
        Rule("/2/users/<user_id>/blocking/<target>", methods=["DELETE"], endpoint="blocking"),
        Rule("/2/users/<user_id>/tweets", methods=["GET"], endpoint="user_tweets"),
        Rule("/2/media/upload", methods=["POST"], endpoint="media_upload"),
        Rule("/2/media/upload", methods=["GET"], endpoint="media_status"),
        Rule("/2/media/upload/initialize", methods=["POST"], endpoint="media_initialize"),
        Rule("/2/media/upload/<media_id>/append", methods=["POST"], endpoint="media_append"),
        Rule("/2/media/upload/<media_id>/finalize", methods=["POST"], endpoint="media_finalize"),
        Rule("/2/media/metadata", methods=["POST"], endpoint="media_metadata"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._nonces: set[str] = set()

    def __call__(self, request: Request) -> Response:
        try:
            response = super().__call__(request)
        except _Reply as reply:
            response = reply.response
        for name, value in request.environ.get(_RATE_HEADERS, {}).items():
            response.headers[name] = value
        return response

    def not_found(self, request: Request) -> Response:
        # unknown routes answer in the v1.1 shape [verified: X1 "Errors"]
        body = {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
        return self.json(body, 404)

    def fault_response(self, kind: str) -> Response:
        if kind == "rate429":
            reset = self.now() + FAULT_RESET_SECS
            headers = {
                "x-rate-limit-limit": str(LIMITS["tweets_create"]),
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            }
            return _problem(429, "Too Many Requests", "Too Many Requests", headers=headers)
        return _problem(503, "Service Unavailable", "Service Unavailable")

    # -- posts ----------------------------------------------------------------------------

    def on_create_tweet(self, request: Request) -> Response:
        """``POST /2/tweets`` [verified: X1 "Publish"]."""
        me = self._begin(request, "tweets_create", daily=True)
        body = _json_object(request)
        with self.store.transaction(NETWORK) as state:
            tweet = self._new_tweet(state, me, body)
            shown = {
                "id": tweet["id"],
                "text": _shown_text(tweet),
                "edit_history_tweet_ids": [tweet["id"]],
            }
        return self.json({"data": shown}, 201)

    def _new_tweet(
        self, state: dict[str, Any], me: Mapping[str, Any], body: Mapping[str, Any]
    ) -> dict[str, Any]:
        text = body.get("text", "")
        if not isinstance(text, str):
            raise _Reply(_invalid("$.text", text, "$.text: string expected"))
        media_ids = _media_ids(body)
        poll = _poll(body)
        _check_exclusive(body)
        if not text and not media_ids and poll is None:
            raise _Reply(_invalid("$.text", "", "$.text: required without media or poll"))
        _check_text(text)
        self._check_duplicate(state, me, text)
        media = self._attachable(state, me, media_ids)
        parent = self._reply_parent(state, body)
        return self._record_tweet(state, str(me["id"]), text, parent, media, poll)

    def _record_tweet(
        self,
        state: dict[str, Any],
        author_id: str,
        text: str,
        parent: Mapping[str, Any] | None,
        media: list[str] | None = None,
        poll: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new post in the state: a snowflake id from the clock, its conversation, and the
        ``@mentions`` X puts before a reply to someone else."""
        tweet_id = self._snowflake(state)
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": text,
            "author_id": author_id,
            "created_at": self._timestamp(),
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "in_reply_to": parent["id"] if parent else None,
            "in_reply_to_user_id": parent["author_id"] if parent else None,
            "mentions": _reply_mentions(state, parent, author_id),
            "media": media or [],
            "poll": poll,
            "hidden": False,
            "deleted": False,
        }
        state.setdefault("tweets", {})[tweet_id] = tweet
        return tweet

    def _snowflake(self, state: dict[str, Any]) -> str:
        """Milliseconds since X's epoch shifted by 22 bits, kept increasing within one
        millisecond [decided: X IDs]."""
        millis = int(self.clock.now().timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
        value = max(int(state.get("next_tweet", 0)), millis << SNOWFLAKE_SHIFT)
        state["next_tweet"] = value + 1
        return str(value)

    def _check_duplicate(self, state: dict[str, Any], me: Mapping[str, Any], text: str) -> None:
        """The same text twice from one account is refused [verified: X1 "Publish", S10]."""
        if not text:
            return
        for tweet in _live(state):
            if tweet["author_id"] == me["id"] and tweet["text"] == text:
                detail = "You are not allowed to create a Tweet with duplicate content."
                raise _Reply(_problem(403, "Forbidden", detail))

    def _attachable(
        self, state: dict[str, Any], me: Mapping[str, Any], media_ids: list[str]
    ) -> list[str]:
        """Check media ids: ours, processed, not expired; 1–4 photos or one video/GIF."""
        records = state.get("media", {})
        kinds = []
        for media_id in media_ids:
            record = records.get(media_id)
            usable = (
                record is not None
                and record["owner"] == me["id"]
                and record["state"] == "succeeded"
                and record["expires"] > self.now()
            )
            if not usable:
                message = f"$.media.media_ids: media {media_id} is unknown, expired or unprocessed"
                raise _Reply(_invalid("$.media.media_ids", media_id, message))
            kinds.append(record["category"])
        moving = [k for k in kinds if k != "tweet_image"]
        if moving and len(kinds) > 1:
            message = "$.media.media_ids: a video or GIF must be the only media of a post"
            raise _Reply(_invalid("$.media.media_ids", ",".join(media_ids), message))
        return media_ids

    def _reply_parent(
        self, state: dict[str, Any], body: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        reply = body.get("reply")
        if reply is None:
            return None
        target = reply.get("in_reply_to_tweet_id") if isinstance(reply, Mapping) else None
        if not isinstance(target, str) or not target.isdigit():
            message = "$.reply.in_reply_to_tweet_id: is missing but it is required"
            raise _Reply(_invalid("$.reply", json.dumps(reply), message))
        parent = state.get("tweets", {}).get(target)
        if parent is None or parent["deleted"]:
            # [verified: S10 node-twitter-api-v2 #366, v1.1 code 385]
            detail = "You attempted to reply to a Tweet that is deleted or not visible to you."
            raise _Reply(_problem(403, "Forbidden", detail))
        parent_view: Mapping[str, Any] = parent
        return parent_view

    def on_delete_tweet(self, request: Request, tweet_id: str) -> Response:
        """``DELETE /2/tweets/{id}`` → ``{"data": {"deleted": true}}`` [verified: X1]."""
        me = self._begin(request, "tweets_delete")
        with self.store.transaction(NETWORK) as state:
            tweet = state.get("tweets", {}).get(tweet_id)
            if tweet is None or tweet["deleted"]:
                raise _Reply(_not_found("tweet", "id", tweet_id))
            if tweet["author_id"] != me["id"]:
                detail = "You are not authorized to delete this Tweet."
                raise _Reply(_problem(403, "Forbidden", detail, "not-authorized-for-resource"))
            tweet["deleted"] = True
        return self.json({"data": {"deleted": True}})

    # -- users ----------------------------------------------------------------------------

    def on_users_me(self, request: Request) -> Response:
        """``GET /2/users/me``; ``user.fields`` may add the bio, website and location, and
        ``public_metrics`` the followers (growing a little each day)."""
        me = self._begin(request, "users_me")
        wanted = request.args.get("user.fields", "").split(",")
        extra = tuple(f for f in _USER_FIELDS if f in wanted)
        view = _user_view(me, extra)
        if "public_metrics" in wanted:
            view["public_metrics"] = {
                "followers_count": followers(f"x{me['id']}", self.now()),
                "following_count": 12,
                "tweet_count": sum(1 for t in _live(self.store.read(NETWORK))),
                "listed_count": 3,
            }
        return self.json({"data": view})

    def on_lookup_tweets(self, request: Request) -> Response:
        """``GET /2/tweets?ids=`` (1–100 ids) with ``tweet.fields=public_metrics``: figures
        grown since each post appeared; a missing or deleted id is listed under ``errors``
        [verified: X1 "Read"]."""
        self._begin(request, "tweets_lookup")
        ids = [i for i in request.args.get("ids", "").split(",") if i]
        if not ids or len(ids) > 100 or not all(i.isdigit() for i in ids):
            detail = "The `ids` query parameter value is not between 1 and 100 numeric ids"
            raise _Reply(_problem(400, "Invalid Request", detail, "invalid-request"))
        metrics = "public_metrics" in request.args.get("tweet.fields", "").split(",")
        tweets = {t["id"]: t for t in _live(self.store.read(NETWORK))}
        data, errors = [], []
        for tweet_id in ids:
            tweet = tweets.get(tweet_id)
            if tweet is None:
                errors.append(_missing_tweet(tweet_id))
                continue
            view: dict[str, Any] = {
                "id": tweet_id,
                "text": _shown_text(tweet),
                "edit_history_tweet_ids": [tweet_id],
            }
            if metrics:
                view["public_metrics"] = self._public_metrics(tweet)
            data.append(view)
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return self.json(body)

    def _public_metrics(self, tweet: Mapping[str, Any]) -> dict[str, int]:
        key, created, now = f"x{tweet['id']}", _epoch(tweet["created_at"]), self.now()
        return {
            "retweet_count": grown(key, "reposts", created, now),
            "reply_count": grown(key, "comments", created, now),
            "like_count": grown(key, "reactions", created, now),
            "quote_count": grown(key, "saved", created, now) // 2,
            "bookmark_count": grown(key, "saved", created, now),
            "impression_count": grown(key, "views", created, now),
        }

    def on_update_profile(self, request: Request) -> Response:
        """``PUT /2/users/me`` ``{name, description, url, location}``: only the fields sent
        change [verified: X1 "Account profile", S11]; limits from v1.1 [uncertain: S14]."""
        me = self._begin(request, "users_update")
        changes = _profile_changes(_json_object(request))
        with self.store.transaction(NETWORK) as state:
            account = _account(state, me["id"])
            account.update(changes)
            view = _user_view(account, _USER_FIELDS)
        return self.json({"data": view})

    def on_update_profile_image(self, request: Request) -> Response:
        """``PUT /2/users/me/profile_image`` ``{"media_id"}``: an uploaded, processed image of
        ours becomes the avatar [verified: X1 "Account profile", S11]."""
        me = self._begin(request, "profile_image")
        media_id = _json_object(request).get("media_id")
        if not isinstance(media_id, str) or not media_id.isdigit():
            raise _Reply(_invalid("$.media_id", str(media_id), "$.media_id: a media id string"))
        with self.store.transaction(NETWORK) as state:
            record = self._media(state, me, media_id)
            if record["category"] != "tweet_image" or record["state"] != "succeeded":
                message = "$.media_id: an uploaded image is required"
                raise _Reply(_invalid("$.media_id", media_id, message))
            account = _account(state, me["id"])
            account["profile_image"] = record["file"]
            view = _user_view(account, ())
        return self.json({"data": view})

    def on_blocking(self, request: Request, user_id: str, target: str = "") -> Response:
        """Block and unblock are Enterprise-only [verified: X1 "Moderate"]; the answer's shape
        is X's client-forbidden problem [uncertain: X1 fidelity checklist]."""
        self._begin(request, "blocking")
        detail = "This endpoint is available to Enterprise access only."
        extra = {"reason": "client-not-enrolled", "required_enrollment": "Enterprise"}
        raise _Reply(_problem(403, "Client Forbidden", detail, "client-forbidden", extra=extra))

    def on_user_tweets(self, request: Request, user_id: str) -> Response:
        """``GET /2/users/{id}/tweets``: the account's posts, newest first, replies included
        (any id names the sandbox's one account until accounts are declared)."""
        me = self._begin(request, "user_tweets")
        count = _int_param(request, "max_results", 10, (5, 100))
        offset = _pagination_offset(request)
        fields = _requested_fields(request)
        state = self.store.read(NETWORK)
        author = user_id if Owners(state).declared else me["id"]
        tweets = sorted(
            (t for t in _live(state) if t["author_id"] == author),
            key=lambda t: int(t["id"]),
            reverse=True,
        )
        if "replies" in request.args.get("exclude", "").split(","):
            tweets = [t for t in tweets if t["in_reply_to"] is None]
        page = tweets[offset : offset + count]
        return self.json(_timeline_page(page, fields, offset + count < len(tweets), offset + count))

    # -- replies ----------------------------------------------------------------------------

    def on_search_recent(self, request: Request) -> Response:
        """``GET /2/tweets/search/recent?query=conversation_id:{id}``: the conversation's
        posts of the last seven days, newest first, paged with ``next_token``, authors in
        ``includes.users`` with ``expansions=author_id`` [verified: X1 "Read replies"].

        Only the ``conversation_id:`` operator is understood here.
        """
        self._begin(request, "search_recent")
        root = _conversation_query(request.args.get("query"))
        count = _int_param(request, "max_results", 10, (10, 100))
        offset = _pagination_offset(request, "next_token")
        since = self._since_id(request.args.get("since_id"))
        fields = _requested_fields(request)
        expand = "author_id" in request.args.get("expansions", "").split(",")
        state = self.store.read(NETWORK)
        horizon = self.now() - SEARCH_WINDOW_SECS
        found = sorted(
            (
                t
                for t in _live(state)
                if t["conversation_id"] == root
                and int(t["id"]) > since
                and _epoch(t["created_at"]) >= horizon
            ),
            key=lambda t: int(t["id"]),
            reverse=True,
        )
        page = found[offset : offset + count]
        body = _timeline_page(page, fields, offset + count < len(found), offset + count)
        if expand and page:
            authors = dict.fromkeys(t["author_id"] for t in page)
            body["includes"] = {"users": [_user_view(_user(state, a), ()) for a in authors]}
        return self.json(body)

    def _since_id(self, raw: str | None) -> int:
        """A ``since_id`` must be a post of the last seven days: X answers 400 otherwise
        [verified: S10, the message X gives]."""
        if raw is None:
            return 0
        if not raw.isdigit():
            raise _Reply(_invalid("since_id", raw, "since_id: a post id is required"))
        edge = self.now() - SEARCH_WINDOW_SECS
        smallest = (edge * 1000 - SNOWFLAKE_EPOCH_MS) << SNOWFLAKE_SHIFT
        if int(raw) < smallest:
            when = datetime.fromtimestamp(edge, UTC)
            message = (
                f"'since_id' must be a tweet id created after {when:%Y-%m-%dT%H:%MZ}. "
                f"Please use a 'since_id' that is larger than {smallest}"
            )
            raise _Reply(_invalid("since_id", raw, message))
        return int(raw)

    def on_hide_reply(self, request: Request, tweet_id: str) -> Response:
        """``PUT /2/tweets/{id}/hidden`` ``{"hidden": bool}``: a reply by someone else in a
        conversation the account started; hiding twice succeeds [verified: X1, S8]. The 403
        for anything else is assumed [uncertain: shape]."""
        me = self._begin(request, "tweets_hide")
        hidden = _json_object(request).get("hidden")
        if not isinstance(hidden, bool):
            raise _Reply(_invalid("$.hidden", str(hidden), "$.hidden: a boolean is required"))
        with self.store.transaction(NETWORK) as state:
            tweets = state.get("tweets", {})
            tweet = tweets.get(tweet_id)
            if tweet is None or tweet["deleted"]:
                raise _Reply(_not_found("tweet", "tweet_id", tweet_id))
            root = tweets.get(tweet["conversation_id"])
            ours = root is not None and root["author_id"] == me["id"]
            if not ours or not tweet["in_reply_to"] or tweet["author_id"] == me["id"]:
                detail = "You can only hide or unhide replies to conversations you started."
                raise _Reply(_problem(403, "Forbidden", detail))
            if hidden and not tweet.get("hidden") and _hidden_count(state, root) >= MAX_HIDDEN:
                detail = f"A conversation can have at most {MAX_HIDDEN} hidden replies."
                raise _Reply(_problem(403, "Forbidden", detail))
            tweet["hidden"] = hidden
        return self.json({"data": {"hidden": hidden}})

    def add_comment(
        self,
        post_id: str,
        text: str,
        author_id: str,
        author_name: str,
        reply_to: str = "",
        direct: bool = False,
    ) -> str:
        """A citizen replies to the post (or to ``reply_to``, a post in its conversation)."""
        if direct:
            raise ValueError("x: the sandbox has no direct messages (the adapter reads none)")
        if not text.strip() or weighted_length(text) > TEXT_LIMIT:
            raise ValueError("x: a reply has 1 to 280 weighted characters")
        with self.store.transaction(NETWORK) as state:
            ours = _ours(state)
            tweets = state.get("tweets", {})
            post = tweets.get(post_id)
            if post is None or post["deleted"] or post["author_id"] not in ours:
                raise ValueError(f"x: no live post {post_id} of the account")
            parent = tweets.get(reply_to or post_id)
            same = parent is not None and parent["conversation_id"] == post["conversation_id"]
            if parent is None or parent["deleted"] or not same:
                raise ValueError(f"x: no live post {reply_to} in that conversation")
            if author_id in ours or author_id in state.get("blocked", {}):
                raise ValueError(f"x: user {author_id} cannot reply to the account")
            users = state.setdefault("users", {})
            known = users.get(author_id, {})
            username = known.get("username") or f"user{author_id}"
            users[author_id] = {"id": author_id, "name": author_name, "username": username}
            tweet = self._record_tweet(state, author_id, text, parent)
        return str(tweet["id"])

    # -- media ----------------------------------------------------------------------------

    def on_media_upload(self, request: Request) -> Response:
        """``POST /2/media/upload``: a one-shot image upload, or the older ``command=`` form."""
        command = request.values.get("command", "").upper()
        if command == "INIT":
            return self.on_media_initialize(request)
        if command == "APPEND":
            return self.on_media_append(request, request.values.get("media_id", ""))
        if command == "FINALIZE":
            return self.on_media_finalize(request, request.values.get("media_id", ""))
        if command:
            raise _Reply(_invalid("command", command, "command: INIT, APPEND or FINALIZE"))
        return self._simple_upload(request)

    def _simple_upload(self, request: Request) -> Response:
        """Multipart ``media`` or JSON base64 ``media``, with ``media_category``."""
        me = self._begin(request, "media_upload")
        payload = request.get_json(silent=True) if request.is_json else None
        fields: Mapping[str, Any] = payload if isinstance(payload, dict) else request.form
        category = str(fields.get("media_category", "tweet_image"))
        if category != "tweet_image":
            message = "media_category: video and GIF files use the chunked upload"
            raise _Reply(_invalid("media_category", category, message))
        name, size = self._save_simple(request, fields)
        media_type = _sniff(self.store.file_path(name))
        _check_media(category, media_type, size)
        with self.store.transaction(NETWORK) as state:
            record = self._new_media(state, me, category, media_type, size)
            record.update(file=name, state="succeeded")
        return self.json({"data": _media_view(record, image=True)})

    def _save_simple(self, request: Request, fields: Mapping[str, Any]) -> tuple[str, int]:
        upload = request.files.get("media")
        if upload is not None:
            return self.store.save_upload(upload.stream, _SUFFIX.get(upload.mimetype, ""))
        encoded = fields.get("media")
        if not isinstance(encoded, str) or not encoded:
            raise _Reply(_invalid("media", "", "media: is missing but it is required"))
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise _Reply(_invalid("media", "", "media: not valid base64")) from None
        return self.store.save_upload(io.BytesIO(raw))

    def on_media_initialize(self, request: Request) -> Response:
        """``POST /2/media/upload/initialize`` ``{media_type, total_bytes, media_category}``."""
        me = self._begin(request, "media_chunked")
        payload = request.get_json(silent=True) if request.is_json else None
        fields: Mapping[str, Any] = payload if isinstance(payload, dict) else request.values
        media_type = str(fields.get("media_type", ""))
        total = _int_value(fields.get("total_bytes"), "total_bytes")
        category = str(fields.get("media_category", "tweet_image"))
        _check_media(category, media_type, total)
        with self.store.transaction(NETWORK) as state:
            record = self._new_media(state, me, category, media_type, total)
        return self.json({"data": _media_view(record)})

    def on_media_append(self, request: Request, media_id: str) -> Response:
        """One chunk: multipart ``media`` + ``segment_index`` 0–999."""
        me = self._begin(request, "media_chunked")
        segment = _int_value(request.values.get("segment_index"), "segment_index")
        if not 0 <= segment < MAX_SEGMENTS:
            raise _Reply(_invalid("segment_index", str(segment), "segment_index: 0 to 999"))
        upload: FileStorage | None = request.files.get("media")
        if upload is None:
            raise _Reply(_invalid("media", "", "media: is missing but it is required"))
        record = self._media(self.store.read(NETWORK), me, media_id)
        if record["state"] != "uploading":
            raise _Reply(_invalid("media_id", media_id, "media_id: upload already finalized"))
        name, size = self.store.save_upload(upload.stream, _SUFFIX.get(record["media_type"], ""))
        if size > MAX_SEGMENT_BYTES:
            self.store.file_path(name).unlink()
            raise _Reply(_invalid("media", str(size), "media: a segment is at most 5 MB"))
        with self.store.transaction(NETWORK) as state:
            state["media"][media_id]["segments"][str(segment)] = [name, size]
        return self.json({"data": {"expires_at": record["expires"]}})

    def on_media_finalize(self, request: Request, media_id: str) -> Response:
        """Join the segments; a video or GIF then starts processing."""
        me = self._begin(request, "media_chunked")
        with self.store.transaction(NETWORK) as state:
            record = self._media(state, me, media_id)
            if record["state"] != "uploading":
                raise _Reply(_invalid("media_id", media_id, "media_id: already finalized"))
            record["file"] = self._join_segments(record)
            path = self.store.file_path(record["file"])
            sniffed = _sniff(path)
            if record["category"] == "tweet_image":
                _check_media("tweet_image", sniffed, record["size"])
                record["state"] = "succeeded"
            else:
                record["state"] = "pending"
                record["error"] = _processing_error(record["category"], sniffed, path)
        return self.json({"data": _media_view(record)})

    def _join_segments(self, record: dict[str, Any]) -> str:
        """Concatenate the segments into the first one's file, in chunks."""
        segments = record["segments"]
        order = sorted(int(index) for index in segments)
        total = sum(size for _name, size in segments.values())
        if not order or order != list(range(len(order))) or total != record["size"]:
            message = "Segments do not add up to provided total file size."
            raise _Reply(_invalid("media_id", record["id"], message))
        first = self.store.file_path(segments["0"][0])
        with open(first, "ab") as out:
            for index in order[1:]:
                part = self.store.file_path(segments[str(index)][0])
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, MB)
                part.unlink()
        record["segments"] = {}
        return first.name

    def on_media_status(self, request: Request) -> Response:
        """``GET /2/media/upload?command=STATUS&media_id=``: each call moves processing on."""
        me = self._begin(request, "media_status")
        if request.args.get("command", "").upper() != "STATUS":
            raise _Reply(_invalid("command", request.args.get("command", ""), "command: STATUS"))
        media_id = request.args.get("media_id", "")
        with self.store.transaction(NETWORK) as state:
            record = self._media(state, me, media_id)
            if record["state"] == "uploading":
                raise _Reply(_invalid("media_id", media_id, "media_id: not finalized"))
            _advance(record)
        return self.json({"data": _media_view(record)})

    def on_media_metadata(self, request: Request) -> Response:
        """``POST /2/media/metadata`` ``{"id", "metadata": {"alt_text": {"text"}}}``."""
        me = self._begin(request, "media_metadata")
        body = _json_object(request)
        media_id = body.get("id")
        metadata = body.get("metadata")
        alt = metadata.get("alt_text", {}).get("text") if isinstance(metadata, dict) else None
        if not isinstance(media_id, str) or not isinstance(alt, str):
            raise _Reply(_invalid("$.id", str(media_id), "$.id and $.metadata.alt_text.text"))
        if len(alt) > ALT_TEXT_LIMIT:
            raise _Reply(_invalid("$.metadata.alt_text.text", alt[:20], "at most 1000 chars"))
        with self.store.transaction(NETWORK) as state:
            self._media(state, me, media_id)["alt"] = alt
        data = {"id": media_id, "associated_metadata": {"alt_text": {"text": alt}}}
        return self.json({"data": data})

    def _new_media(
        self,
        state: dict[str, Any],
        me: Mapping[str, Any],
        category: str,
        media_type: str,
        size: int,
    ) -> dict[str, Any]:
        media_id = str(next_id(state, "next_media", start=1_880_000_000_000_000_001))
        record: dict[str, Any] = {
            "id": media_id,
            "media_key": f"{_KEY_PREFIX[category]}_{media_id}",
            "category": category,
            "media_type": media_type,
            "size": size,
            "owner": me["id"],
            "state": "uploading",
            "segments": {},
            "file": None,
            "alt": "",
            "expires": self.now() + MEDIA_TTL_SECS,
            "checks": 0,
        }
        state.setdefault("media", {})[media_id] = record
        return record

    def _media(self, state: dict[str, Any], me: Mapping[str, Any], media_id: str) -> dict[str, Any]:
        record = state.get("media", {}).get(media_id)
        if record is None or record["owner"] != me["id"] or record["expires"] <= self.now():
            raise _Reply(_not_found("media", "media_id", media_id))
        media: dict[str, Any] = record
        return media

    # -- auth and limits --------------------------------------------------------------------

    def _begin(self, request: Request, bucket: str, *, daily: bool = False) -> dict[str, Any]:
        """Authenticate and count the request; answer 401 or 429 the way X does."""
        token = self._authenticate(request)
        with self.store.transaction(NETWORK) as state:
            owners = Owners(state)
            if owners.declared and not owners.knows(token):
                raise _Reply(_unauthorized())
            me = _me(state, owners.accounts_of(token))
            allowed, headers = self._spend(state, f"{bucket}:{me['id']}", LIMITS[bucket], WINDOW)
            if daily:
                allowed &= self._spend_daily(state, me["id"], headers)
        request.environ[_RATE_HEADERS] = headers
        if not allowed:
            raise _Reply(_problem(429, "Too Many Requests", "Too Many Requests"))
        return me

    def _spend(
        self, state: dict[str, Any], key: str, limit: int, window: int, prefix: str = "x-rate-limit"
    ) -> tuple[bool, dict[str, str]]:
        """Count one request in a fixed window; return whether it fits and the headers."""
        now = self.now()
        counters = state.setdefault("limits", {})
        counter = counters.get(key)
        if counter is None or now >= counter["reset"]:
            counter = {"reset": now + window, "used": 0}
        allowed = counter["used"] < limit
        counter["used"] += int(allowed)
        counters[key] = counter
        headers = {
            f"{prefix}-limit": str(limit),
            f"{prefix}-remaining": str(limit - counter["used"]),
            f"{prefix}-reset": str(counter["reset"]),
        }
        return allowed, headers

    def _spend_daily(self, state: dict[str, Any], user_id: str, headers: dict[str, str]) -> bool:
        app_ok, app = self._spend(state, "posts:app", DAILY_POSTS_APP, DAY, "x-app-limit-24hour")
        user_ok, user = self._spend(
            state, f"posts:{user_id}", DAILY_POSTS_USER, DAY, "x-user-limit-24hour"
        )
        headers.update(app)
        headers.update(user)
        return app_ok and user_ok

    def _authenticate(self, request: Request) -> str:
        """The token of a bearer or OAuth 1.0a header; 401 if missing, malformed or revoked."""
        scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            token = value.strip()
        elif scheme == "OAuth":
            token = self._oauth1_token(value)
        else:
            token = ""
        if not token or self.is_revoked(token):
            raise _Reply(_unauthorized())
        return token

    def _oauth1_token(self, header: str) -> str:
        """Check an OAuth 1.0a header's fields, timestamp and nonce; return its token."""
        fields = {k: unquote(v) for k, v in _OAUTH_PARAM.findall(header)}
        complete = all(fields.get(name) for name in _OAUTH_FIELDS)
        if not complete or fields["oauth_signature_method"] != "HMAC-SHA1":
            return ""
        timestamp = fields["oauth_timestamp"]
        fresh = timestamp.isdigit() and abs(int(timestamp) - self.now()) <= OAUTH_SKEW_SECS
        nonce = fields["oauth_nonce"]
        if not fresh or nonce in self._nonces:
            return ""
        self._nonces.add(nonce)
        return fields["oauth_token"]

    def _timestamp(self) -> str:
        return self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")

    # -- what people see --------------------------------------------------------------------

    def open_account(self, state: dict[str, Any], account: SandboxAccount) -> str:
        """A declared account: its user id, handle and name."""
        user_id = account.id.strip()
        if not user_id.isdigit():
            raise ValueError(f"x: {user_id!r} is not a user id")
        users = state.setdefault("users", {})
        user = users.setdefault(
            user_id,
            {"id": user_id, "name": f"Аккаунт {user_id}", "username": f"sandbox_{user_id}"},
        )
        user.update({"name": account.title} if account.title else {})
        user.update({"username": account.username} if account.username else {})
        return user_id

    def public_view(self, state: dict[str, Any]) -> dict[str, Any]:
        """Live posts, newest first (``account``: the author's user id); a thread is one post
        with its later parts in ``thread`` and the replies in its conversation in
        ``comments``; the (first) account and its profile, each account's; nobody banned (X
        offers no ban but to Enterprise)."""
        threads, owner = _threads(state)
        comments = _comments_by_post(state, owner)
        posts = []
        for root, parts in threads:
            view = _post_view(root, state)
            view["thread"] = [_post_view(part, state) for part in parts]
            if view["poll"] is None:
                view["poll"] = next((p["poll"] for p in view["thread"] if p["poll"]), None)
            view["comments"] = comments.get(root["id"], [])
            posts.append(view)
        banned = [
            {"user_id": user_id, "until": until}
            for user_id, until in state.get("blocked", {}).items()
        ]
        accounts = {uid: _user(state, uid) for uid in _ours(state)}
        first = next(iter(accounts.values()), {})
        return {
            "account": first,
            "posts": posts,
            "profile": _profile_view(first),
            "profiles": {uid: _profile_view(user) for uid, user in accounts.items()},
            "banned": banned,
        }

    def feed_html(self, state: dict[str, Any]) -> Markup:
        """Each account as X shows it: its profile, then its threads with their replies."""
        view = self.public_view(state)
        accounts = [
            {
                "username": str(_user(state, uid)["username"]),
                "profile": profile,
                "posts": [post for post in view["posts"] if post["account"] == uid],
            }
            for uid, profile in view["profiles"].items()
        ]
        return render("x.html", accounts=accounts)


# -- request parsing ------------------------------------------------------------------------


def _json_object(request: Request) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise _Reply(_invalid("$", "", "Request body must be a JSON object"))
    return body


def _int_value(value: object, name: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise _Reply(_invalid(name, str(value), f"{name}: an integer is required")) from None


def _int_param(request: Request, name: str, default: int, bounds: tuple[int, int]) -> int:
    raw = request.args.get(name)
    value = default if raw is None else _int_value(raw, name)
    if not bounds[0] <= value <= bounds[1]:
        message = f"The `{name}` query parameter value [{value}] is not between {bounds}"
        raise _Reply(_invalid(name, str(value), message))
    return value


def _pagination_offset(request: Request, name: str = "pagination_token") -> int:
    """Where a page starts: timelines take ``pagination_token``, search ``next_token``."""
    token = request.args.get(name)
    if token is None:
        return 0
    if not token.startswith("p") or not token[1:].isdigit():
        raise _Reply(_invalid(name, token, f"{name}: invalid"))
    return int(token[1:])


def _conversation_query(query: str | None) -> str:
    """The conversation id of ``conversation_id:{id}``, the one operator understood here."""
    if not query:
        raise _Reply(_invalid("query", "", "query: is missing but it is required"))
    if len(query) > SEARCH_QUERY_LIMIT:
        message = f"query: at most {SEARCH_QUERY_LIMIT} characters"
        raise _Reply(_invalid("query", query[:40], message))
    match = _CONVERSATION_QUERY.match(query)
    if match is None:
        message = "query: the sandbox understands only conversation_id:<id>"
        raise _Reply(_invalid("query", query, message))
    return match.group(1)


def _profile_changes(body: Mapping[str, Any]) -> dict[str, str]:
    """Check a ``PUT /2/users/me`` body: known fields, strings within their limits."""
    unknown = sorted(set(body) - set(PROFILE_LIMITS))
    if unknown or not body:
        where = f"$.{unknown[0]}" if unknown else "$"
        message = f"{where}: only {', '.join(PROFILE_LIMITS)} may be set"
        raise _Reply(_invalid(where, "", message))
    changes: dict[str, str] = {}
    for key, value in body.items():
        if not isinstance(value, str):
            raise _Reply(_invalid(f"$.{key}", str(value), f"$.{key}: a string is required"))
        if len(value) > PROFILE_LIMITS[key]:
            message = f"$.{key}: at most {PROFILE_LIMITS[key]} characters"
            raise _Reply(_invalid(f"$.{key}", value[:20], message))
        if key == "name" and not value.strip():
            raise _Reply(_invalid("$.name", value, "$.name: cannot be empty"))
        if key == "url" and value and "://" not in value:
            value = "http://" + value  # as v1.1 documents [verified: S12]
        changes[key] = value
    return changes


def _requested_fields(request: Request) -> tuple[str, ...]:
    wanted = request.args.get("tweet.fields", "").split(",")
    return _DEFAULT_FIELDS + tuple(f for f in wanted if f in _OPTIONAL_FIELDS)


def _media_ids(body: Mapping[str, Any]) -> list[str]:
    media = body.get("media")
    if media is None:
        return []
    ids = media.get("media_ids") if isinstance(media, Mapping) else None
    valid = (
        isinstance(ids, list)
        and 1 <= len(ids) <= 4
        and all(isinstance(i, str) and i.isdigit() for i in ids)
    )
    if not valid:
        message = "$.media.media_ids: 1 to 4 media id strings"
        raise _Reply(_invalid("$.media.media_ids", json.dumps(ids), message))
    return list(ids)  # type: ignore[arg-type]


def _poll(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """``poll.options`` 2–4 × 1–25 chars, ``duration_minutes`` 5–10080 [verified: X1]."""
    poll = body.get("poll")
    if poll is None:
        return None
    options = poll.get("options") if isinstance(poll, Mapping) else None
    minutes = poll.get("duration_minutes") if isinstance(poll, Mapping) else None
    options_ok = (
        isinstance(options, list)
        and 2 <= len(options) <= 4
        and all(isinstance(o, str) and 1 <= len(o) <= POLL_OPTION_LIMIT for o in options)
    )
    if not options_ok:
        message = "$.poll.options: 2 to 4 options of 1 to 25 characters"
        raise _Reply(_invalid("$.poll.options", json.dumps(options), message))
    if not isinstance(minutes, int) or not POLL_MINUTES[0] <= minutes <= POLL_MINUTES[1]:
        message = "$.poll.duration_minutes: from 5 to 10080"
        raise _Reply(_invalid("$.poll.duration_minutes", str(minutes), message))
    return {"options": list(options), "duration_minutes": minutes}  # type: ignore[arg-type]


def _check_exclusive(body: Mapping[str, Any]) -> None:
    """``media``, ``poll``, ``quote_tweet_id`` and ``card_uri`` exclude each other [X1]."""
    present = [k for k in ("media", "poll", "quote_tweet_id", "card_uri") if body.get(k)]
    if len(present) > 1:
        message = f"$.{present[0]} and $.{present[1]} are mutually exclusive"
        raise _Reply(_invalid(f"$.{present[1]}", "", message))


def _check_text(text: str) -> None:
    """Refuse characters X calls invalid and text over 280 weighted characters.

    The over-length answer is a 403 like v1.1's code 186 [uncertain: v2 shape].
    """
    if has_invalid_characters(text):
        raise _Reply(_invalid("$.text", "", "$.text: contains invalid characters"))
    length = weighted_length(text)
    if length > TEXT_LIMIT:
        detail = f"Tweet needs to be a bit shorter (weighted length {length} > {TEXT_LIMIT})."
        raise _Reply(_problem(403, "Forbidden", detail))


# -- X's text rules ----------------------------------------------------------------------------
# They come from twitter-text-parser, a port of X's twitter-text that passes its conformance
# suite, and never from the adapter's side (publisher.content.xtext): the emulator checks the
# adapter's count, it does not repeat it (tests/sandbox/test_x_text.py compares the two).


def weighted_length(text: str) -> int:
    """The length X counts against its limit (twitter-text v3)."""
    return int(parse_tweet(text).weightedLength)


def replace_urls(text: str, replacement: Callable[[str], str]) -> str:
    """``text`` with each URL X recognises replaced (X shows them as t.co links)."""
    pieces: list[str] = []
    position = 0
    for url in extract_urls_with_indices(text):
        start, end = url["indices"]
        pieces += [text[position:start], replacement(text[start:end])]
        position = end
    return "".join([*pieces, text[position:]])


def _sniff(path: Any) -> str:
    """The media type a file's first bytes show."""
    with open(path, "rb") as handle:
        head = handle.read(12)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return "application/octet-stream"


def _check_media(category: str, media_type: str, size: int) -> None:
    if category not in CATEGORIES:
        message = "media_category: tweet_image, tweet_gif or tweet_video"
        raise _Reply(_invalid("media_category", category, message))
    limit, types = CATEGORIES[category]
    if media_type not in types:
        message = f"media_type: {media_type or 'unknown'} is not accepted for {category}"
        raise _Reply(_invalid("media_type", media_type, message))
    if not 0 < size <= limit:
        message = f"total_bytes: {size} is over the {limit // MB} MB limit of {category}"
        raise _Reply(_invalid("total_bytes", str(size), message))


# -- answers ----------------------------------------------------------------------------------


def _problem(
    status: int,
    title: str,
    detail: str,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> Response:
    body = {
        "title": title,
        "detail": detail,
        "type": PROBLEMS + kind if kind else "about:blank",
        "status": status,
        **(extra or {}),
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        headers=headers,
        content_type="application/problem+json",
    )


def _invalid(parameter: str, value: str, message: str) -> Response:
    """400 invalid-request with X's nested ``errors`` [verified: X1 "Errors", S10]."""
    body = {
        "errors": [{"parameters": {parameter: [value]}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": PROBLEMS + "invalid-request",
    }
    return Response(json.dumps(body, ensure_ascii=False), 400, content_type="application/json")


def _not_found(resource: str, parameter: str, value: str) -> Response:
    detail = f"Could not find {resource} with {parameter}: [{value}]."
    extra = {
        "resource_type": resource,
        "resource_id": value,
        "parameter": parameter,
        "value": value,
    }
    return _problem(404, "Not Found Error", detail, "resource-not-found", extra=extra)


def _unauthorized() -> Response:
    return _problem(401, "Unauthorized", "Unauthorized")


def _media_view(record: Mapping[str, Any], image: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record["id"],
        "media_key": record["media_key"],
        "expires_after_secs": MEDIA_TTL_SECS,
    }
    if record["state"] != "uploading":
        view["size"] = record["size"]
    if image:
        view["image"] = {"image_type": record["media_type"]}
    if record["state"] in ("pending", "in_progress", "failed") or record.get("checks"):
        view["processing_info"] = _processing_info(record)
    return view


def _processing_info(record: Mapping[str, Any]) -> dict[str, Any]:
    state = record["state"]
    info: dict[str, Any] = {"state": state}
    if state in ("pending", "in_progress"):
        info["check_after_secs"] = 1 if state == "pending" else 2
    if state == "in_progress":
        info["progress_percent"] = 50
    if state == "succeeded":
        info["progress_percent"] = 100
    if state == "failed":
        info["error"] = record.get("error") or _INVALID_MEDIA
    return info


def _processing_error(category: str, sniffed: str, path: Path) -> dict[str, Any] | None:
    """Why processing will fail (None if it will not): the file is not of its category, or a
    video plays outside 0.5–140 s. The text of a video too long is one X gave (quoted in
    plhery/node-twitter-api-v2#243, a v1.1 upload of 2022) [uncertain: v2 and the too-short
    text]. A video whose header states no length (the tests' short stand-ins) is not judged
    by length [decided]."""
    if sniffed not in CATEGORIES[category][1]:
        return _INVALID_MEDIA
    seconds = _video_seconds(path) if category == "tweet_video" else None
    if seconds is None:
        return None
    millis, (low, high) = round(seconds * 1000), VIDEO_MILLIS
    if millis > high:
        message = f"Duration {_spoken(millis)} exceeds max duration of {_spoken(high)}"
    elif millis < low:
        message = f"Duration {_spoken(millis)} is below min duration of {_spoken(low)}"
    else:
        return None
    return {"code": 3, "name": "UnsupportedMedia", "message": message}


def _video_seconds(path: Path) -> float | None:
    """The play time an MP4/MOV header states, read on the emulator's own (mutagen); None
    if it states none (or 0, as a fragmented file's does)."""
    try:
        seconds = float(MP4(path).info.length)
    except (MutagenError, OSError):
        return None
    return seconds if seconds > 0 else None


def _spoken(millis: int) -> str:
    """A length as X's processing error says it: ``2.minutes+29.seconds+350.milliseconds``."""
    minutes, rest = divmod(millis, 60_000)
    seconds, millis = divmod(rest, 1000)
    units = ((minutes, "minutes"), (seconds, "seconds"), (millis, "milliseconds"))
    return "+".join(f"{value}.{unit}" for value, unit in units if value) or "0.milliseconds"


def _advance(record: dict[str, Any]) -> None:
    """One STATUS call moves a video one state on; a file that is no video fails."""
    record["checks"] = record.get("checks", 0) + 1
    state = record["state"]
    if state not in _PROCESSING[:-1]:
        return
    following = _PROCESSING[_PROCESSING.index(state) + 1]
    if following == "succeeded" and record.get("error"):
        following = "failed"
    record["state"] = following


def _timeline_page(
    page: Sequence[Mapping[str, Any]], fields: tuple[str, ...], more: bool, next_offset: int
) -> dict[str, Any]:
    meta: dict[str, Any] = {"result_count": len(page)}
    if not page:
        return {"meta": meta}
    meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
    if more:
        meta["next_token"] = f"p{next_offset}"
    return {"data": [_api_tweet(t, fields) for t in page], "meta": meta}


def _api_tweet(tweet: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": tweet["id"],
        "text": _shown_text(tweet),
        "edit_history_tweet_ids": [tweet["id"]],
        "author_id": tweet["author_id"],
        "conversation_id": tweet["conversation_id"],
        "created_at": tweet["created_at"],
    }
    if tweet["in_reply_to"]:
        values["in_reply_to_user_id"] = tweet["in_reply_to_user_id"]
        values["referenced_tweets"] = [{"type": "replied_to", "id": tweet["in_reply_to"]}]
    return {name: values[name] for name in fields if name in values}


def _shown_text(tweet: Mapping[str, Any]) -> str:
    """Text as X returns it: a reply's leading ``@mentions``, ``&<>`` escaped, URLs as t.co
    links, a link to attached media."""
    escaped = tweet["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    shown = replace_urls(escaped, lambda url: _tco(tweet["id"], url))
    if tweet["media"]:
        shown = f"{shown} {_tco(tweet['id'], 'media')}".strip()
    mentions = "".join(f"@{name} " for name in tweet.get("mentions") or [])
    return str(mentions + shown)


def _tco(tweet_id: str, url: str) -> str:
    slug = base64.urlsafe_b64encode(hashlib.sha1(f"{tweet_id}{url}".encode()).digest())
    return "https://t.co/" + slug.decode()[:10]


# -- state ------------------------------------------------------------------------------------


def _me(state: dict[str, Any], declared: list[str]) -> dict[str, Any]:
    """The account a token is: the first one it is declared with, else the sandbox's one
    account (made on first use)."""
    if declared:
        user: dict[str, Any] = state["users"][declared[0]]
        return user
    me: dict[str, Any] = state.setdefault(
        "me", {"id": "1500000001", "name": "Пресс-служба (песочница)", "username": "sandbox_city"}
    )
    return me


def _account(state: dict[str, Any], user_id: str) -> dict[str, Any]:
    """One of the sandbox's accounts by id, to change its profile."""
    me: dict[str, Any] = state.get("me", {})
    if me.get("id") == user_id:
        return me
    user: dict[str, Any] = state["users"][user_id]
    return user


def _ours(state: Mapping[str, Any]) -> list[str]:
    """The ids of the sandbox's accounts: the declared ones, else its one account (if made)."""
    declared = list(state.get("accounts", {}))
    me = state.get("me", {}).get("id")
    return declared or ([me] if me else [])


def _user(state: Mapping[str, Any], user_id: str) -> Mapping[str, Any]:
    """The account or a citizen known to the sandbox."""
    me: Mapping[str, Any] = state.get("me", {})
    if me.get("id") == user_id:
        return me
    fallback = {"id": user_id, "name": f"user{user_id}", "username": f"user{user_id}"}
    user: Mapping[str, Any] = state.get("users", {}).get(user_id, fallback)
    return user


def _user_view(user: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    view = {k: user[k] for k in ("id", "name", "username")}
    view.update({k: user.get(k, "") for k in fields})
    return view


def _reply_mentions(
    state: Mapping[str, Any], parent: Mapping[str, Any] | None, author_id: str
) -> list[str]:
    """Who a reply names first: the parent's author and those the parent named, not the
    replier [decided: X's reply context]."""
    if parent is None:
        return []
    names = [_user(state, parent["author_id"])["username"], *(parent.get("mentions") or [])]
    own = _user(state, author_id)["username"]
    return [n for n in dict.fromkeys(names) if n != own]


def _hidden_count(state: Mapping[str, Any], root: Mapping[str, Any]) -> int:
    return sum(
        1
        for t in _live(state)
        if t["conversation_id"] == root["conversation_id"] and t.get("hidden")
    )


def _epoch(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp).timestamp())


def _missing_tweet(tweet_id: str) -> dict[str, Any]:
    """An id ``GET /2/tweets`` cannot find, as X lists it under ``errors`` [verified: X1]."""
    return {
        "value": tweet_id,
        "detail": f"Could not find tweet with ids: [{tweet_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": tweet_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _live(state: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [t for t in state.get("tweets", {}).values() if not t["deleted"]]


Thread = tuple[dict[str, Any], list[dict[str, Any]]]


def _threads(state: Mapping[str, Any]) -> tuple[list[Thread], dict[str, str]]:
    """The account's live posts grouped into threads, newest first, and the thread root of
    each post: a reply to a live post of the same author joins that post's thread; a reply
    whose parent is gone stands alone. Replies in others' names, and the account's answers
    to them, are comments, not posts."""
    tweets = state.get("tweets", {})
    ours = _ours(state)
    live = sorted(_live(state), key=lambda t: int(t["id"]))
    roots: dict[str, Thread] = {}
    owner: dict[str, str] = {}
    for tweet in live:
        if _is_comment(tweet, tweets, ours):
            continue
        parent = tweets.get(tweet["in_reply_to"] or "")
        joined = parent and not parent["deleted"] and parent["author_id"] == tweet["author_id"]
        if joined and parent["id"] in owner:
            owner[tweet["id"]] = owner[parent["id"]]
            roots[owner[tweet["id"]]][1].append(tweet)
        else:
            owner[tweet["id"]] = tweet["id"]
            roots[tweet["id"]] = (tweet, [])
    threads = sorted(roots.values(), key=lambda pair: int(pair[0]["id"]), reverse=True)
    return threads, owner


def _is_comment(tweet: Mapping[str, Any], tweets: Mapping[str, Any], ours: list[str]) -> bool:
    """A citizen's post, or one of ours answering someone else's."""
    if tweet["author_id"] not in ours:
        return True
    parent = tweets.get(tweet["in_reply_to"] or "")
    return parent is not None and parent["author_id"] != tweet["author_id"]


def _comments_by_post(
    state: Mapping[str, Any], owner: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Each thread's replies, oldest first: a reply belongs to the thread of its nearest
    live post up its chain of parents; one with none is not shown."""
    tweets = state.get("tweets", {})
    ours = _ours(state)
    found: dict[str, list[dict[str, Any]]] = {}
    for tweet in sorted(_live(state), key=lambda t: int(t["id"])):
        if tweet["id"] in owner or not _is_comment(tweet, tweets, ours):
            continue
        ancestor = tweets.get(tweet["in_reply_to"] or "")
        while ancestor is not None and ancestor["id"] not in owner:
            ancestor = tweets.get(ancestor["in_reply_to"] or "")
        if ancestor is not None:
            found.setdefault(owner[ancestor["id"]], []).append(_comment_view(tweet, state))
    return found


def _comment_view(tweet: Mapping[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": tweet["id"],
        "text": tweet["text"],
        "author_id": tweet["author_id"],
        "author_name": _user(state, tweet["author_id"])["name"],
        "hidden": bool(tweet.get("hidden")),
        "reply_to": tweet["in_reply_to"],
        "from_account": tweet["author_id"] in _ours(state),
    }


def _profile_view(me: Mapping[str, Any]) -> dict[str, Any]:
    """What the profile shows; X has no banner endpoint, so no cover is ever set."""
    return {
        "title": me.get("name", ""),
        "description": me.get("description", ""),
        "website": me.get("url", ""),
        "avatar": me.get("profile_image"),
        "cover": None,
    }


def _post_view(tweet: Mapping[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    records = state.get("media", {})
    media = [
        {
            "type": _MEDIA_TYPE[records[m]["category"]],
            "file": records[m]["file"],
            "alt": records[m]["alt"],
        }
        for m in tweet["media"]
        if m in records
    ]
    username = _user(state, tweet["author_id"])["username"]
    return {
        "id": tweet["id"],
        "account": tweet["author_id"],
        "text": tweet["text"],
        "url": f"https://x.com/{username}/status/{tweet['id']}",
        "media": media,
        "poll": tweet["poll"],
        "published_at": tweet["created_at"],
        "reply_to": tweet["in_reply_to"],
    }
