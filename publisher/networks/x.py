"""X (formerly Twitter): posts and threads on an account through API v2.

Auth is either an OAuth 2.0 user access token (``Authorization: Bearer``) or, when
``extra_token_envs`` names ``api_key``, ``api_secret`` and ``access_token_secret``, OAuth 1.0a
user context with the access token in ``token_env`` [verified: X1 "Auth"]. OAuth 1.0a tokens do
not expire, which suits CI; OAuth 2.0 user tokens last two hours.

A long text arrives already split into ``post.parts`` (the renderer counts with
``weighted_length``; X's text rules live in ``content.xtext``); the parts are chained as
replies. Media go on the first part. X has no poll question field, so a poll goes on a
single-part post without media with its question appended to the text when that still fits,
and otherwise into an extra reply at the end of the thread whose text is the question. X has
no idempotency field: ``key`` is not sent, and ``find`` matches the first part's text instead.

Citizens answer a post by replying in its conversation: ``comments`` reads them with the recent
search (``conversation_id:``), which only covers the last seven days. The account can hide a
reply in its own conversations and answer it; it cannot delete someone else's reply, and blocking
is Enterprise-only, so ``delete_comment`` and ``ban`` are unsupported. Direct messages are left
out. The profile's name, bio and website go through ``PUT /2/users/me`` and the avatar through
``PUT /2/users/me/profile_image``; X has no v2 endpoint for the banner.

References in comments: X1 = shared/reference/networks-meta-x.md section 3, S# its sources.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from publisher.content.xtext import (
    INVALID_CHARS,
    TEXT_LIMIT,
    ThreadItem,
    comparable_text,
    thread_items,
    weighted_length,
)
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.clock import Clock
from publisher.core.errors import (
    AuthError,
    NetworkError,
    NotFound,
    PostingLimit,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import FiguresRead, PostFigures, batches, count
from publisher.core.i18n import N_, _
from publisher.core.model import Account, Comment, Media, Profile, RemoteRef, RenderedPost
from publisher.core.redact import Secret, redact
from publisher.networks.base import (
    CHUNK_SIZE,
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    ErrorMap,
    Failure,
    FindResult,
    RateLimiter,
    Rule,
    Tokens,
)
from publisher.networks.http import json_body, json_or_none, parse_time, status_keys

API_BASE = "https://api.x.com"
#: ids a ``GET /2/tweets`` call takes [verified: X1]
LOOKUP_BATCH = 100
POLL_MINUTES = 1440
ALT_TEXT_LIMIT = 1000
#: STATUS checks of one upload before we give up on X's processing
MAX_STATUS_CHECKS = 120
#: how long to wait when a 429 carries no usable reset header
DEFAULT_RATE_WAIT = 60.0
#: a usage cap (monthly credits) lifts at the earliest next day [uncertain: X1 pricing]
USAGE_CAP_WAIT = 24 * 3600.0
FIND_WINDOW = 10
OAUTH1_ROLES = ("api_key", "api_secret", "access_token_secret")

#: the recent search covers the last seven days [verified: X1 "Read replies"]
SEARCH_WINDOW = timedelta(days=7)
#: a ``since_id`` this close to the window's edge could be refused by the time X reads it
SEARCH_MARGIN = timedelta(minutes=5)
SEARCH_PAGE = 100
#: the most replies one ``comments`` call reads (ten pages)
MAX_COMMENTS = 1000
REPLY_FIELDS = "author_id,created_at,in_reply_to_user_id,referenced_tweets,conversation_id"
#: X ids are snowflakes: milliseconds since this epoch, shifted left by 22 bits [decided: the
#: documented "X IDs" layout; the since_id error X gives names the same ids, S10]
SNOWFLAKE_EPOCH_MS = 1288834974657
SNOWFLAKE_SHIFT = 22
#: profile text fields: our name, X's parameter and its length limit in characters (the v1.1
#: limits; PUT /2/users/me documents none) [uncertain: X1 "Account profile", S12, S14]
PROFILE_TEXT = (("title", "name", 50), ("description", "description", 160), ("website", "url", 100))
_LEADING_MENTIONS = re.compile(r"^(?:@[A-Za-z0-9_]{1,15}\s+)+")

# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# OAuth 1.0a HMAC-SHA1 [verified: X1 "Auth"; S8 creating-a-signature], signed by oauthlib


@dataclass(frozen=True)
class OAuth1Credentials:
    """The four OAuth 1.0a secrets of one account (app key pair + the user's access token)."""

    consumer_key: str
    consumer_secret: str
    token: str
    token_secret: str


class OAuth1Auth(httpx.Auth):
    """Signs every request as it is sent, so a retried request gets a fresh nonce and time.

    Only the query is signed: every body this adapter sends is JSON or multipart, which OAuth
    1.0a leaves out of the signature (RFC 5849 3.4.1.3.1). oauthlib does the signing; authlib's
    httpx ``OAuth1Auth`` would empty such bodies (authlib issue 543). ``nonce`` None lets
    oauthlib draw one.
    """

    def __init__(
        self,
        credentials: Callable[[], OAuth1Credentials],
        timestamp: Callable[[], int],
        nonce: Callable[[], str] | None = None,
    ) -> None:
        self.credentials = credentials
        self.timestamp = timestamp
        self.nonce = nonce

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        from oauthlib.oauth1 import Client  # here: only OAuth 1.0a accounts of X need it

        keys = self.credentials()
        client = Client(
            keys.consumer_key,
            client_secret=keys.consumer_secret,
            resource_owner_key=keys.token,
            resource_owner_secret=keys.token_secret,
            nonce=self.nonce() if self.nonce else None,
            timestamp=str(self.timestamp()),
        )
        method: Any = request.method  # a str; the stubs want a Literal of the verbs
        _uri, headers, _body = client.sign(str(request.url), method)
        request.headers["Authorization"] = headers["Authorization"]
        yield request


class BearerAuth(httpx.Auth):
    """OAuth 2.0 user context: the access token as a bearer token."""

    def __init__(self, token: Secret) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token.reveal()}"
        yield request


# ---------------------------------------------------------------------------------------------
# The adapter

#: the key of an error whose text calls the post a duplicate
DUPLICATE = "duplicate"
DUPLICATE_RULE = Rule(
    Rejected,
    hint=N_("X refuses a text identical to a recent post of this account: change the text."),
)
#: X's problem types (``…/2/problems/<kind>``), v1.1 error codes [verified: X1 "Errors"; S12]
#: and HTTP statuses -> our classes
ERRORS: ErrorMap = {
    **dict.fromkeys(
        ("rate-limit-exceeded", 88, 185, "429"), Rule(RateLimited, wait=DEFAULT_RATE_WAIT)
    ),
    "usage-capped": Rule(RateLimited, wait=USAGE_CAP_WAIT),
    **dict.fromkeys((130, 131, "5xx"), Transient),  # over capacity, internal error
    **dict.fromkeys(
        (
            "client-forbidden",
            "not-authorized-for-resource",
            "oauth1-permissions",
            "unsupported-authentication",
            *(32, 64, 89, 135, 215, 220, 226, 326),
            "401",
        ),
        AuthError,
    ),
    **dict.fromkeys(("resource-not-found", 8, 34, 144, "404"), NotFound),
    **dict.fromkeys((DUPLICATE, 187), DUPLICATE_RULE),
}
_RATE_HEADER_FAMILIES = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
_MIME = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
}


class XAdapter(Adapter):
    """An X account: posts and threads with photos, a video or GIF, or a poll."""

    name = "x"
    title = NETWORK_TABLE["x"].title
    base_urls: ClassVar[tuple[str, ...]] = (API_BASE,)
    errors = ERRORS
    capabilities = NETWORK_TABLE["x"].capabilities
    token_help = N_(
        "In the X Developer Console create an app with 'Read and write' permissions. Simplest "
        "for CI: generate its API key and secret and the account's OAuth 1.0a access token and "
        "secret (they do not expire); put the access token into token_env and name the other "
        "three under secrets: as api_key, api_secret and access_token_secret. "
        "Alternatively put an OAuth 2.0 user access token (Authorization Code with PKCE, "
        "scopes tweet.read tweet.write tweet.moderate.write users.read media.write) into "
        "token_env; it expires after two hours."
    )

    def __init__(
        self,
        account: Account,
        tokens: Tokens,
        http: httpx.Client,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(account, tokens, http, limiter, clock)
        #: source of OAuth 1.0a nonces; tests set it to get fixed signatures (None: oauthlib's)
        self.nonce: Callable[[], str] | None = None
        #: (posts left, reset epoch) of each posting window, from the last ``POST /2/tweets``
        self._post_windows: list[tuple[int, float]] = []

    @property
    def handle(self) -> str:
        return str(self.account.settings.get("handle") or "i").lstrip("@")

    @property
    def uses_oauth1(self) -> bool:
        """OAuth 1.0a when the account names all three extra secrets."""
        return all(role in self.account.extra_token_envs for role in OAUTH1_ROLES)

    # -- the one place that knows X's errors ----------------------------------------------

    def _read(self, response: httpx.Response, op: str) -> Any:
        self._note_post_windows(response)
        status = response.status_code
        if status < 300:
            return self._success(response, op)
        body = json_or_none(response)
        problem = _describe_problem(body) or redact(response.text, limit=200)
        detail = redact(f"HTTP {status}: {problem}")
        keys = (*_problem_keys(body), *_duplicate(detail), *status_keys(status))
        return Failure(keys, detail, self._reset_wait(response))

    def _success(self, response: httpx.Response, op: str) -> Any:
        """The body of a 2xx; a 200 that carries only ``errors`` is a failure too."""
        if response.status_code == 204 or not response.content:
            return {}
        body = json_body(response, self.name, op)
        if isinstance(body, dict) and "data" not in body and body.get("errors"):
            error = body["errors"][0]
            return Failure(_problem_keys(error), redact(_describe_problem(error)))
        return body

    def _note_post_windows(self, response: httpx.Response) -> None:
        """Remember what ``POST /2/tweets`` still allows: its 15-minute window and the daily
        caps, from the ``x-*-limit-*`` headers of its answer [verified: X1 "Errors & rate
        limits"]."""
        try:
            request = response.request
        except RuntimeError:  # a bare Response built in a test has none
            return
        if request.method != "POST" or not request.url.path.endswith("/2/tweets"):
            return
        windows = []
        for family in _RATE_HEADER_FAMILIES:
            left = _header_number(response, f"{family}-remaining")
            reset = _header_number(response, f"{family}-reset")
            if left is not None and reset is not None:
                windows.append((int(left), reset))
        self._post_windows = windows

    def prepare(self, upcoming: Sequence[tuple[RenderedPost, str]]) -> None:
        """Leave the post for a later run when a posting window cannot take its parts and
        will not reset within the wait ``ApiClient`` would make: 100 posts a 15-minute window
        [verified: X1 "Errors & rate limits"], so the 101st of a run waits for the next one."""
        if not upcoming:
            return
        needed = len(thread_items(upcoming[0][0]))
        now = self.clock.now().timestamp()
        for left, reset in self._post_windows:
            if left < needed and reset - now > self.api.MAX_RATE_WAIT:
                detail = (
                    f"posting limit reached: {left} posts left until "
                    f"{datetime.fromtimestamp(reset, UTC):%Y-%m-%d %H:%M} UTC"
                )
                raise PostingLimit(self.name, "publish", detail, reset - now)

    def _reset_wait(self, response: httpx.Response) -> float | None:
        """Seconds until X lifts a limit, from whichever reset header is exhausted (else the
        first one), or None when the answer has none."""
        now = self.clock.now().timestamp()
        resets = [_header_number(response, f"{family}-reset") for family in _RATE_HEADER_FAMILIES]
        exhausted = [
            reset
            for family, reset in zip(_RATE_HEADER_FAMILIES, resets, strict=True)
            if reset is not None and _header_number(response, f"{family}-remaining") == 0
        ]
        candidates = exhausted or [r for r in resets[:1] if r is not None]
        return max(1.0, max(candidates) - now) if candidates else None

    # -- calls ----------------------------------------------------------------------------

    def _auth(self) -> httpx.Auth:
        if not self.uses_oauth1:
            return BearerAuth(self.tokens.main)
        return OAuth1Auth(
            self._oauth1_credentials,
            lambda: int(self.clock.now().timestamp()),
            self.nonce,
        )

    def _oauth1_credentials(self) -> OAuth1Credentials:
        return OAuth1Credentials(
            consumer_key=self.tokens.get("api_key").reveal(),
            consumer_secret=self.tokens.get("api_secret").reveal(),
            token=self.tokens.main.reveal(),
            token_secret=self.tokens.get("access_token_secret").reveal(),
        )

    def _call(self, method: str, path: str, op: str, **kwargs: Any) -> dict[str, Any]:
        answer = self.api.call(method, API_BASE + path, op, auth=self._auth(), **kwargs)
        if not isinstance(answer, dict):
            raise Transient(self.name, op, f"unexpected answer of type {type(answer).__name__}")
        return answer

    # -- the adapter interface ------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """``GET /2/users/me``: the token works and names its user."""
        user = _data(self._call("GET", "/2/users/me", "verify"))
        username = str(user.get("username", ""))
        url = f"https://x.com/{username}" if username else ""
        return AccountInfo(self.name, str(user.get("name", "")), str(user.get("id", "")), url)

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        """Upload the media, then post the thread part by part; undo a half-posted thread."""
        _check_media_mix(post.media, self.name)
        media_ids = [self._upload(media) for media in post.media]
        posted: list[str] = []
        try:
            for item in thread_items(post):
                reply_to = posted[-1] if posted else None
                body = self._tweet_body(item, post, media_ids, reply_to)
                posted.append(self._create(body))
        except NetworkError as exc:
            self._undo(posted, exc)
            raise
        return self._ref(posted, self.clock.now())

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """X edits need Premium, so the planner never calls this (``can_edit`` is False)."""
        raise Rejected(self.name, "update", "posts cannot be edited without X Premium")

    def delete(self, ref: RemoteRef) -> None:
        """Delete every part, the last reply first; a part already gone is fine."""
        for tweet_id in reversed(ref.parts or (ref.remote_id,)):
            try:
                self._call("DELETE", f"/2/tweets/{tweet_id}", "delete")
            except NotFound:
                continue

    # -- reach figures ----------------------------------------------------------------------

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """``GET /2/tweets`` with ≤100 ``ids`` and ``tweet.fields=public_metrics``
        [verified: X1]: impressions, likes, reposts and quotes, replies. A deleted post comes
        back under ``errors``, not ``data`` (a batch of deleted posts only: NotFound)."""
        found: dict[str, PostFigures] = {}
        for batch in batches([ref.remote_id for ref in refs], LOOKUP_BATCH):
            params = {"ids": ",".join(batch), "tweet.fields": "public_metrics"}
            try:
                answer = self._call("GET", "/2/tweets", "post_figures", params=params)
            except NotFound:
                continue
            for item in answer.get("data") or []:
                metrics = item.get("public_metrics") or {} if isinstance(item, dict) else {}
                reposts = [count(metrics.get(k)) for k in ("retweet_count", "quote_count")]
                found[str(item.get("id"))] = PostFigures(
                    views=count(metrics.get("impression_count")),
                    reactions=count(metrics.get("like_count")),
                    reposts=None if None in reposts else sum(r or 0 for r in reposts),
                    comments=count(metrics.get("reply_count")),
                )
        return FiguresRead(found)

    def followers(self) -> int:
        """``GET /2/users/me`` with ``user.fields=public_metrics``: ``followers_count``."""
        params = {"user.fields": "public_metrics"}
        user = _data(self._call("GET", "/2/users/me", "followers", params=params))
        metrics = user.get("public_metrics")
        found = count(metrics.get("followers_count")) if isinstance(metrics, dict) else None
        if found is None:
            raise Transient(self.name, "followers", "no followers_count in the answer")
        return found

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """Look for the first part's text among the account's latest posts.

        A thread found with fewer parts than it should have was cut short by the crash: its
        parts are deleted and the post reported absent, so it is published again whole.
        """
        items = thread_items(post)
        wanted = comparable_text(items[0].text)
        if not wanted:
            return FindResult.UNKNOWN  # a media-only post has no text to recognise
        tweets = self._timeline(max(FIND_WINDOW, 2 * len(items)))
        root = next(
            (t for t in tweets if _is_root(t) and comparable_text(t.get("text", "")) == wanted),
            None,
        )
        if root is None:
            return FindResult.ABSENT
        parts = sorted(
            (str(t["id"]) for t in tweets if t.get("conversation_id") == root["id"]), key=int
        )
        if len(parts) < len(items):
            self._delete_quietly(parts)
            return FindResult.ABSENT
        return self._ref(parts, parse_time(root.get("created_at")))

    # -- replies, moderation and the profile ---------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Replies in the post's conversation, oldest first, newer than ``since`` if given.

        The recent search sees only the last seven days [verified: X1 "Read replies"]: older
        replies are not returned. The account's own posts (the thread's parts, our answers)
        are left out.
        """
        params: dict[str, Any] = {
            "query": f"conversation_id:{ref.remote_id}",
            "tweet.fields": REPLY_FIELDS,
            "expansions": "author_id",
            "max_results": SEARCH_PAGE,
        }
        since_id = self._since_id(since)
        if since_id:
            params["since_id"] = since_id
        own = {ref.remote_id, *ref.parts}
        found: list[Comment] = []
        for tweets, users in self._search_pages(params):
            found += [
                self._comment(tweet, users, ref.remote_id, own)
                for tweet in tweets
                if not self._is_own(tweet, users, own)
            ]
        if since is not None:
            found = [c for c in found if c.created_at is None or c.created_at > since]
        return sorted(found, key=_comment_order)

    def hide_comment(self, comment: Comment) -> None:
        """``PUT /2/tweets/{id}/hidden`` ``{"hidden": true}``: only replies in our own
        conversations; hiding twice is fine, and a reply already gone too [verified: X1]."""
        path = f"/2/tweets/{comment.id}/hidden"
        try:
            self._call("PUT", path, "hide_comment", json={"hidden": True})
        except NotFound:
            return

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer a reply with a post of ours in the same conversation (``POST /2/tweets``
        with ``reply.in_reply_to_tweet_id``) [verified: X1 "Publish"]."""
        _check_reply_text(text, self.name)
        body = {"text": text, "reply": {"in_reply_to_tweet_id": comment.id}}
        answer = self._call("POST", "/2/tweets", "reply", creates=True, json=body)
        tweet_id = str(_data(answer)["id"])
        url = f"https://x.com/{self.handle}/status/{tweet_id}"
        return RemoteRef(self.name, tweet_id, url, (tweet_id,), self.clock.now())

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Name, bio and website in one ``PUT /2/users/me``, then the avatar; a cover is not
        sent (no v2 endpoint). Every value is checked before anything is sent."""
        fields = profile.fields()
        body = _profile_body(fields, self.name)
        avatar = profile.avatar if "avatar" in fields else None
        if avatar is not None:
            _check_avatar(avatar, self.name)
        if body:
            # only the fields sent change [uncertain: X1 "Account profile", S11]
            self._call("PUT", "/2/users/me", "set_profile", json=body)
        if avatar is not None:
            media_id, _processing = self._upload_simple(avatar)
            body_image = {"media_id": media_id}
            self._call("PUT", "/2/users/me/profile_image", "set_profile", json=body_image)
        done = {name for name, _key, _limit in PROFILE_TEXT if name in fields}
        done |= {"avatar"} if avatar is not None else set()
        return tuple(n for n in ("title", "description", "website", "avatar") if n in done)

    def _since_id(self, since: datetime | None) -> str:
        """The id X would give a post made right after ``since``: search takes ids, not times.

        A ``since_id`` older than the seven-day window is refused with 400 [verified: S10], so
        none is sent then; the results are filtered by time in any case.
        """
        if since is None or since <= self.clock.now() - SEARCH_WINDOW + SEARCH_MARGIN:
            return ""
        return str(snowflake_after(since))

    def _search_pages(
        self, params: dict[str, Any]
    ) -> Iterator[tuple[list[Mapping[str, Any]], dict[str, Mapping[str, Any]]]]:
        """``GET /2/tweets/search/recent`` page by page (``next_token``), up to
        ``MAX_COMMENTS`` posts: each page's posts and its authors by id."""
        for _page in range(MAX_COMMENTS // SEARCH_PAGE):
            answer = self._call("GET", "/2/tweets/search/recent", "comments", params=params)
            tweets = [t for t in answer.get("data") or [] if isinstance(t, Mapping) and "id" in t]
            includes = answer.get("includes") or {}
            users = {
                str(u["id"]): u
                for u in includes.get("users") or []
                if isinstance(u, Mapping) and "id" in u
            }
            yield tweets, users
            token = (answer.get("meta") or {}).get("next_token")
            if not token:
                return
            params = {**params, "next_token": token}

    def _is_own(
        self, tweet: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]], own: set[str]
    ) -> bool:
        """A part of the thread or a post of the account (by id, or by handle if known)."""
        author = str(tweet.get("author_id", ""))
        if str(tweet["id"]) in own or author == self.account.account_id:
            return True
        username = str(users.get(author, {}).get("username", "")).lower()
        handle = str(self.account.settings.get("handle") or "").lstrip("@").lower()
        return bool(handle) and username == handle

    def _comment(
        self,
        tweet: Mapping[str, Any],
        users: Mapping[str, Mapping[str, Any]],
        post_id: str,
        own: set[str],
    ) -> Comment:
        tweet_id = str(tweet["id"])
        author_id = str(tweet.get("author_id", ""))
        user = users.get(author_id, {})
        username = str(user.get("username", ""))
        parent = _replied_to(tweet)
        created = parse_time(tweet.get("created_at"))
        return Comment(
            network=self.name,
            id=tweet_id,
            text=_reply_text(str(tweet.get("text", ""))),
            author_id=author_id,
            author_name=str(user.get("name") or username),
            author_url=f"https://x.com/{username}" if username else "",
            post_id=post_id,
            parent_id="" if parent in own else parent,
            created_at=created.astimezone(UTC) if created else None,
            url=f"https://x.com/{username or 'i/web'}/status/{tweet_id}",
            extra={
                "conversation_id": str(tweet.get("conversation_id", post_id)),
                "username": username,
                "in_reply_to_user_id": str(tweet.get("in_reply_to_user_id", "")),
            },
        )

    # -- publishing steps -----------------------------------------------------------------

    def _tweet_body(
        self, item: ThreadItem, post: RenderedPost, media_ids: list[str], reply_to: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"text": item.text}
        if item.media and media_ids:
            body["media"] = {"media_ids": media_ids}
        if item.poll and post.poll is not None:
            minutes = int(post.options.get("poll_minutes", POLL_MINUTES))
            body["poll"] = {"options": list(post.poll.options), "duration_minutes": minutes}
        if reply_to is not None:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        return body

    def _create(self, body: dict[str, Any]) -> str:
        """``POST /2/tweets`` → 201 ``{"data": {"id", "text"}}`` [verified: X1 "Publish"]."""
        answer = self._call("POST", "/2/tweets", "publish", creates=True, json=body)
        return str(_data(answer)["id"])

    def _undo(self, posted: list[str], exc: NetworkError) -> None:
        """Best-effort removal of the parts already posted before ``exc``.

        When the failed call's answer was lost, the part may exist although we never saw its
        id: the thread's conversation is read back so that part goes too.
        """
        if exc.uncertain and posted:
            posted = self._conversation(posted[0]) or posted
        self._delete_quietly(posted)

    def _conversation(self, root_id: str) -> list[str]:
        try:
            tweets = self._timeline(FIND_WINDOW)
        except NetworkError:
            return []
        return sorted(
            (str(t["id"]) for t in tweets if t.get("conversation_id") == root_id), key=int
        )

    def _delete_quietly(self, tweet_ids: list[str]) -> None:
        for tweet_id in reversed(tweet_ids):
            try:
                self._call("DELETE", f"/2/tweets/{tweet_id}", "delete")
            except NetworkError:
                continue

    def _timeline(self, count: int) -> list[dict[str, Any]]:
        """The account's latest posts, replies included, newest first."""
        params = {
            "max_results": min(100, count),
            "tweet.fields": "conversation_id,created_at",
        }
        path = f"/2/users/{self.account.account_id}/tweets"
        answer = self._call("GET", path, "find", params=params)
        tweets = answer.get("data") or []
        return [t for t in tweets if isinstance(t, dict) and "id" in t]

    def _ref(self, parts: list[str], at: datetime | None) -> RemoteRef:
        root = parts[0]
        url = f"https://x.com/{self.handle}/status/{root}"
        return RemoteRef(self.name, root, url, tuple(parts), at)

    # -- media ----------------------------------------------------------------------------

    def _upload(self, media: Media) -> str:
        """Upload one file; return its media id once X has processed it."""
        if media.kind == "photo":
            media_id, processing = self._upload_simple(media)
        else:
            media_id, processing = self._upload_chunked(media)
        if processing:
            self._await_processing(media_id, processing)
        if media.alt:
            self._set_alt_text(media_id, media.alt)
        return media_id

    def _upload_simple(self, media: Media) -> tuple[str, Mapping[str, Any] | None]:
        """``POST /2/media/upload`` multipart ``media`` + ``media_category`` (images)."""
        with open(media.path, "rb") as handle:
            files = {"media": (media.path.name, handle, _mime(media))}
            answer = self._call(
                "POST",
                "/2/media/upload",
                "upload",
                files=files,
                data={"media_category": "tweet_image"},
                timeout=UPLOAD_TIMEOUT,
            )
        data = _data(answer)
        return str(data["id"]), data.get("processing_info")

    def _upload_chunked(self, media: Media) -> tuple[str, Mapping[str, Any] | None]:
        """initialize → append (≤ ``CHUNK_SIZE`` each, read from disk) → finalize."""
        size = media.path.stat().st_size
        category = "tweet_gif" if media.kind == "animation" else "tweet_video"
        init = {"media_type": _mime(media), "total_bytes": size, "media_category": category}
        answer = self._call("POST", "/2/media/upload/initialize", "upload", json=init)
        media_id = str(_data(answer)["id"])
        for index, chunk in enumerate(_chunks(media)):
            self._call(
                "POST",
                f"/2/media/upload/{media_id}/append",
                "upload",
                files={"media": ("chunk", chunk, "application/octet-stream")},
                data={"segment_index": str(index)},
                timeout=UPLOAD_TIMEOUT,
            )
        final = _data(self._call("POST", f"/2/media/upload/{media_id}/finalize", "upload"))
        return media_id, final.get("processing_info")

    def _await_processing(self, media_id: str, processing: Mapping[str, Any]) -> None:
        """Poll ``command=STATUS`` until ``succeeded``, sleeping ``check_after_secs``."""
        for _check in range(MAX_STATUS_CHECKS):
            state = str(processing.get("state", "succeeded"))
            if state == "succeeded":
                return
            if state == "failed":
                error = processing.get("error") or {}
                reason = error.get("message", "") if isinstance(error, dict) else ""
                hint = _(
                    "X could not process the file. Videos: MP4 from 0.5 s to 140 s, up to "
                    "512 MB; GIFs up to 15 MB."
                )
                detail = redact(f"X could not process media: {reason}")
                raise Rejected(self.name, "upload", detail, hint)
            self.clock.sleep(float(processing.get("check_after_secs", 1)))
            params = {"command": "STATUS", "media_id": media_id}
            answer = self._call("GET", "/2/media/upload", "upload", params=params)
            processing = _data(answer).get("processing_info") or {"state": "succeeded"}
        raise Transient(self.name, "upload", f"media {media_id} still processing")

    def _set_alt_text(self, media_id: str, alt: str) -> None:
        body = {"id": media_id, "metadata": {"alt_text": {"text": alt[:ALT_TEXT_LIMIT]}}}
        self._call("POST", "/2/media/metadata", "upload", json=body)


# ---------------------------------------------------------------------------------------------
# Helpers


def _check_media_mix(media: tuple[Media, ...], network: str) -> None:
    """X takes 1–4 photos or one video or GIF per post [verified: X1 "Publish"]."""
    moving = [m for m in media if m.kind != "photo"]
    if len(media) > 4 or (moving and len(media) > 1):
        detail = f"{len(media)} media files ({len(moving)} video/GIF) in one post"
        hint = _("X allows up to 4 photos, or one video or GIF, per post.")
        raise Rejected(network, "publish", detail, hint)


def snowflake_after(moment: datetime) -> int:
    """The largest X id of a post made no later than ``moment``'s millisecond: every post
    made after it has a greater id."""
    millis = int(moment.timestamp() * 1000) + 1 - SNOWFLAKE_EPOCH_MS
    return max(0, (millis << SNOWFLAKE_SHIFT) - 1)


def _replied_to(tweet: Mapping[str, Any]) -> str:
    for reference in tweet.get("referenced_tweets") or []:
        if isinstance(reference, Mapping) and reference.get("type") == "replied_to":
            return str(reference.get("id", ""))
    return ""


def _reply_text(text: str) -> str:
    """A reply's text as people read it: X's HTML entities undone, and the leading
    ``@mentions`` X puts before every reply dropped (the app hides them too) [decided]."""
    plain = html.unescape(text)
    stripped = _LEADING_MENTIONS.sub("", plain)
    return stripped if stripped.strip() else plain


def _comment_order(comment: Comment) -> tuple[datetime, int]:
    moment = comment.created_at or datetime.min.replace(tzinfo=UTC)
    return moment, int(comment.id) if comment.id.isdigit() else 0


def _check_reply_text(text: str, network: str) -> None:
    """A reply is a post: text within 280 weighted characters, none of X's invalid ones."""
    length = weighted_length(text)
    if not text.strip() or length > TEXT_LIMIT or any(c in INVALID_CHARS for c in text):
        detail = f"reply of weighted length {length} (limit {TEXT_LIMIT}, not empty)"
        hint = _(
            "X takes a reply of 1 to {limit} weighted characters without invisible control "
            "characters; this one counts {length}. Shorten the text.",
            limit=TEXT_LIMIT,
            length=length,
        )
        raise Rejected(network, "reply", detail, hint)


def _profile_body(fields: Mapping[str, object], network: str) -> dict[str, str]:
    """``PUT /2/users/me`` fields; a text over X's limit is refused, never cut."""
    body: dict[str, str] = {}
    for name, key, limit in PROFILE_TEXT:
        if name not in fields:
            continue
        value = unicodedata.normalize("NFC", str(fields[name]).strip())
        if len(value) > limit:
            detail = f"profile {name} of {len(value)} characters (limit {limit})"
            hint = _(
                "X allows at most {limit} characters in the profile's {field}; this one has "
                "{length}. Shorten it in the account file.",
                limit=limit,
                field=name,
                length=len(value),
            )
            raise Rejected(network, "set_profile", detail, hint)
        body[key] = value
    return body


def _check_avatar(avatar: Media, network: str) -> None:
    """The avatar goes through the simple image upload: a photo X takes in posts."""
    known = avatar.image_format in ("", "JPEG", "PNG", "GIF", "WEBP")
    if avatar.kind != "photo" or not known:
        detail = f"avatar {avatar.rel} is not a JPEG, PNG, GIF or WEBP image"
        hint = _("X takes a JPEG, PNG, GIF or WEBP image as the avatar.")
        raise Rejected(network, "set_profile", detail, hint)


def _chunks(media: Media) -> Iterator[bytes]:
    with open(media.path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


def _mime(media: Media) -> str:
    if media.image_format in _MIME:
        return _MIME[media.image_format]
    return _MIME.get(media.path.suffix.lower(), "video/mp4")


def _data(answer: Mapping[str, Any]) -> Mapping[str, Any]:
    data = answer.get("data")
    return data if isinstance(data, Mapping) else {}


def _problem_kind(body: Any) -> str:
    """``invalid-request`` from ``https://api.(x|twitter).com/2/problems/invalid-request``."""
    if not isinstance(body, Mapping):
        return ""
    problem_type = str(body.get("type", ""))
    if "/problems/" not in problem_type:
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            problem_type = str(errors[0].get("type", ""))
    return problem_type.rsplit("/problems/", 1)[1] if "/problems/" in problem_type else ""


def _problem_keys(body: Any) -> tuple[str | int, ...]:
    """A problem's kind and a v1.1 error's code, whichever the body has."""
    kind, code = _problem_kind(body), _v1_code(body)
    return (*((kind,) if kind else ()), *((code,) if code is not None else ()))


def _duplicate(detail: str) -> tuple[str, ...]:
    return (DUPLICATE,) if "duplicate" in detail.lower() else ()


def _v1_code(body: Any) -> int | None:
    """The code of a v1.1-shaped error ``{"errors": [{"code": 88, "message"}]}``."""
    if not isinstance(body, Mapping):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        code = errors[0].get("code")
        return code if isinstance(code, int) else None
    return None


def _describe_problem(body: Any) -> str:
    """Title, detail and the first nested message of a problem or v1.1 error body."""
    if not isinstance(body, Mapping):
        return ""
    pieces = [str(body[k]) for k in ("title", "detail", "message") if body.get(k)]
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        nested = errors[0].get("message") or errors[0].get("detail")
        if nested:
            pieces.append(str(nested))
    return ": ".join(pieces)


def _header_number(response: httpx.Response, name: str) -> float | None:
    try:
        return float(response.headers[name])
    except (KeyError, ValueError):
        return None


def _is_root(tweet: Mapping[str, Any]) -> bool:
    return bool(tweet.get("conversation_id", tweet.get("id")) == tweet.get("id"))
