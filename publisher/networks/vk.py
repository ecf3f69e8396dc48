"""VKontakte: posts on a community wall through VK API v5.199.

Publishing needs a *user* token of a community administrator: ``wall.post``, the wall photo and
video uploads and ``polls.create`` are user-only methods, and a community token gets error 27
[verified: V1, V5]. The community token (``extra_token_envs["community"]``) is for
``groups.edit``, the cover and the community's direct messages, none of which publishing needs.
Reading, deleting and answering comments and banning their authors use the user token too
(``wall.getComments``, ``wall.deleteComment``, ``groups.ban`` are not for community tokens).

Every call is a POST form carrying ``v=5.199`` with the token in the ``Authorization: Bearer``
header, so the token never sits in a URL [verified: V2 api-requests]. VK reports API errors in
the body of an HTTP 200 (``{"error": {"error_code", "error_msg", "request_params"}}``), and
``request_params`` may echo the token back [verified: V1, V2], so ``_read`` reads the body and
keeps nothing of it but the code and the (redacted) message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.clock import Clock
from publisher.core.errors import (
    AuthError,
    ConfigError,
    NotFound,
    PostingLimit,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import FiguresRead, PostFigures, batches, count
from publisher.core.health import AccountFacts
from publisher.core.i18n import N_, _
from publisher.core.model import (
    Account,
    Broadcast,
    Comment,
    Entrant,
    EntryKind,
    Media,
    Poll,
    Profile,
    RemoteRef,
    RenderedPost,
)
from publisher.core.redact import Secret, redact
from publisher.networks.base import (
    UPLOAD_TIMEOUT,
    AccountInfo,
    Adapter,
    ErrorMap,
    Failure,
    FindResult,
    OpenQuery,
    RateLimiter,
    Rule,
    Tokens,
)
from publisher.networks.http import as_int, json_body, mime_type, retry_after, status_keys

API_VERSION = "5.199"
#: the only host the tokens go to (the sandbox serves it too, through its transport)
API_BASE = "https://api.vk.com/method"

#: error 6 asks for at most 3 (user token) requests per second: one second is enough
PER_SECOND_WAIT = 1.0
#: error 9 (flood control) asks to back off for minutes [verified: V6]; ten is our choice
FLOOD_WAIT = 600.0
#: VK's daily method quotas (error 29) are assumed to reset at midnight Moscow time [uncertain]
QUOTA_ZONE = ZoneInfo("Europe/Moscow")
#: how many recent posts ``find`` reads; a crashed run is found among the last few posts
FIND_WINDOW = 20
VIDEO_NAME_LIMIT = 128
PHOTO_CAPTION_LIMIT = 2048
#: ``wall.getComments`` gives ≤100 comments a page and ≤10 replies per thread [verified: V1]
COMMENTS_PAGE = 100
THREAD_ITEMS = 10
#: ``messages.getConversations`` / ``getHistory`` give ≤200 a page [verified: V1 schema]
MESSAGES_PAGE = 200
#: one read returns at most this many comments or messages: bounded work per run
MAX_ITEMS = 1000
#: ``newsfeed.search`` gives ≤200 posts a page [uncertain: VK's schema says "maximum 200"
#: for count; older docs say 30 by default]; ``wall.get`` and ``wall.search`` ≤100 [verified:
#: schema]
NEWSFEED_PAGE = 200
WALL_PAGE = 100
#: ``wall.getReposts`` pages: ≤1000 [uncertain: VK's page for the method, not the reference]
REPOSTS_PAGE = 1000
#: ``polls.getVoters`` pages per answer: ≤1000 [uncertain: as wall.getReposts]
VOTERS_PAGE = 1000
#: a contest reads at most this many reposts or voters: bounded work per run [decided]
MAX_ENTRANTS = 100_000
MAX_BAN_DAYS = NETWORK_TABLE["vk"].capabilities.max_ban_days
#: posts a ``wall.getById`` call names: VK documents no maximum [uncertain]; 100, as its lists
FIGURES_BATCH = 100
#: posts a ``stats.getPostReach`` call names [uncertain: not documented; 30 as public clients]
REACH_BATCH = 30
#: community title and description lengths are not documented [uncertain]: VK's settings form
#: takes 48 and 4000 characters; the emulator enforces the same
TITLE_LIMIT = 48
DESCRIPTION_LIMIT = 4000

USER_TOKEN_HINT = N_(
    "This VK method needs a user token of a community administrator, not a community "
    "token: put such a token into {env}."
)
POSTING_DENIED_HINT = N_(
    "VK refused a new post on this wall: posting may be closed in the community "
    "settings, or the daily limit of about 50 posts is reached; try again tomorrow."
)
#: the key of error 214 when its message speaks of the daily limit on posts
DAILY_POSTS = "214: daily limit"


def seconds_until_quota_reset(clock: Clock) -> float:
    """VK's daily quotas reset at midnight Moscow time [uncertain]: the seconds until then."""
    now = clock.now().astimezone(QUOTA_ZONE)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


#: VK's error codes -> our classes [verified: V1 errors.json; reference "Errors & rate limits"]
ERRORS: ErrorMap = {
    **dict.fromkeys((1, 10, 22), Transient),  # unknown, internal server error, upload error
    6: Rule(RateLimited, wait=PER_SECOND_WAIT),  # too many requests per second
    9: Rule(RateLimited, wait=FLOOD_WAIT),  # flood control
    29: Rule(RateLimited, wait=seconds_until_quota_reset),  # a method's daily quota
    **dict.fromkeys((104, 113, 125), NotFound),  # not found, invalid user id, invalid group id
    # authorization failed, permission denied, access denied, no access to the post's wall,
    # comment or comments
    **dict.fromkeys((5, 7, 15, 210, 211, 212), AuthError),
    27: Rule(AuthError, hint=USER_TOKEN_HINT),  # a community token where a user token is due
    # captcha, validation, two-factor check: a person must confirm the account
    **dict.fromkeys(
        (14, 17, 703),
        Rule(
            AuthError,
            hint=N_(
                "VK wants a person to confirm the account behind {env} (captcha, validation or "
                "two-factor check): sign in to VK as its owner, complete the check, then run "
                "again."
            ),
        ),
    ),
    # the person blocked the community, never wrote to it or forbids messages [V1 errors.json]
    **dict.fromkeys(
        (900, 901, 902),
        Rule(
            Rejected,
            hint=N_(
                "VK does not let the community write to this person: they never wrote to it, "
                "forbade its messages or blocked it. Answer them in a comment instead."
            ),
        ),
    ),
    214: Rule(Rejected, hint=POSTING_DENIED_HINT),  # posting to the wall denied
    # "a limit on posts per day is reached": a budget, not a refusal of this post, so the rest
    # waits for tomorrow's run [uncertain: reference "Errors", V6]
    DAILY_POSTS: Rule(PostingLimit, hint=POSTING_DENIED_HINT, wait=seconds_until_quota_reset),
    "429": Rule(RateLimited, wait=PER_SECOND_WAIT),
    "5xx": Transient,
}


class VkAdapter(Adapter):
    """A community wall on VK: text, photos, video, documents, polls and one link per post."""

    name = "vk"
    title = NETWORK_TABLE["vk"].title
    base_urls: ClassVar[tuple[str, ...]] = ("https://api.vk.com",)
    errors = ERRORS
    capabilities = NETWORK_TABLE["vk"].capabilities
    token_help = N_(
        "Sign in to VK as an administrator of the community and issue a user access token "
        "for a VK ID app with the scopes wall, photos, video, docs and groups (add offline "
        "for a long-lived legacy token); put it into the secret named by token_env. "
        "Also create a community token (community settings, API usage) with the rights "
        "manage, photos and messages and name its secret under secrets: community: it is used "
        "for the title, description, cover and the community's messages, and cannot publish."
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
        self.group_id = community_id(account)
        self.owner_id = f"-{self.group_id}"
        #: authors of the messages ``open_messages`` found, from the extended answers
        self._open_people: dict[int, Person] = {}

    # -- the one place that knows VK's errors ---------------------------------------------

    def _read(self, response: httpx.Response, op: str) -> Any:
        """VK answers API errors in the body of an HTTP 200; only the code and the message of
        its error object are kept, since ``request_params`` may echo the token."""
        status = response.status_code
        if status >= 400:
            detail = f"HTTP {status}: {redact(response.text, limit=200)}"
            return Failure(status_keys(status), detail, retry_after(response))
        body = json_body(response, self.name, op)
        if not isinstance(body, dict):
            raise Transient(self.name, op, f"unexpected answer of type {type(body).__name__}")
        error = body.get("error")
        if isinstance(error, dict):
            return _api_failure(error)
        if error:
            # an upload host's own error: {"error": "...", "error_code": N} [uncertain: V3]
            return Failure(("upload",), redact(f"upload refused: {error}"))
        # an API success is {"response": ...}; an upload host answers a bare object
        return body.get("response", body)

    # -- calls ----------------------------------------------------------------------------

    def _call(
        self, method: str, *, creates: bool = False, role: str = "main", **params: object
    ) -> Any:
        """Call an API method with a POST form, ``v`` and the ``role``'s token in the header.

        ``role="community"`` uses the community token (the user token when none is set); an
        authorization error then names the community token's secret.
        """
        form = {key: _form_value(value) for key, value in params.items() if value is not None}
        form["v"] = API_VERSION
        token = self.tokens.main if role == "main" else self.tokens.get(role)
        headers = {"Authorization": f"Bearer {token.reveal()}"}
        url = f"{API_BASE}/{method}"
        try:
            return self.api.call("POST", url, method, creates=creates, data=form, headers=headers)
        except AuthError as exc:
            if role == "main" or role not in self.tokens.extras:
                raise
            raise self.auth_error(method, exc.detail, role) from None

    def _require_community_token(self, op: str, right: str) -> None:
        """Stop before a call that only a community token may make (never the user's own
        inbox: with a user token the messages methods read the administrator's private chats)."""
        if "community" not in self.tokens.extras:
            hint = _(
                "This needs a VK community token with the right {right}: create one in the "
                "community settings (API usage) and name its secret under secrets: community "
                "in {path}.",
                right=right,
                path=self.account.path,
            )
            raise AuthError(self.name, op, "no community token configured", hint)

    def _upload(self, url: str, field: str, media: Media, op: str) -> dict[str, Any]:
        """POST one file to an upload host, streamed from disk (no token: the URL is signed)."""
        with open(media.path, "rb") as handle:
            files = {field: (media.path.name, handle, mime_type(media.path.name))}
            answer = self.api.call("POST", url, op, files=files, timeout=UPLOAD_TIMEOUT)
        if not isinstance(answer, dict):
            raise Transient(self.name, op, "upload host answered no object")
        return answer

    # -- the adapter interface ------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """``groups.getById`` with ``is_admin``: the token works and its user runs the wall."""
        op = "groups.getById"
        answer = self._call(op, group_id=self.group_id, fields="is_admin,admin_level")
        # v5.199 answers {"groups": [...], "profiles": [...]}; older versions a bare list
        groups = answer.get("groups", []) if isinstance(answer, dict) else answer
        if not groups:
            raise NotFound(self.name, op, f"community {self.group_id} not found")
        group = groups[0]
        if "is_admin" not in group:
            # VK leaves ``is_admin`` out for a community token: the wrong kind of token
            raise AuthError(
                self.name, op, "not a user token", _(USER_TOKEN_HINT, env=self.account.token_env)
            )
        if as_int(group.get("is_admin")) != 1:
            hint = _(
                "The token in {env} does not belong to an administrator of VK community "
                "{group}: issue a user token of an administrator.",
                env=self.account.token_env,
                group=self.group_id,
            )
            raise AuthError(self.name, op, "the token's user is not a community admin", hint)
        screen = group.get("screen_name") or f"club{self.group_id}"
        return AccountInfo(self.name, str(group.get("name", "")), self.group_id, _VK + screen)

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        attachments = self._attachments(post)
        answer = self._call(
            "wall.post",
            creates=True,
            owner_id=self.owner_id,
            from_group=1,
            message=post.text,
            attachments=",".join(attachments) or None,
            guid=key,
            close_comments=1 if post.options.get("close_comments") else None,
            mute_notifications=1 if post.options.get("silent") else None,
        )
        return self._ref(answer["post_id"], attachments, self.clock.now())

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """``wall.edit`` replaces the attachment list [uncertain], so resend the stored one."""
        attachments = ref.extra.get("attachments")
        if attachments is None:
            attachments = self._current_attachments(ref.remote_id)
        self._call(
            "wall.edit",
            owner_id=self.owner_id,
            post_id=ref.remote_id,
            message=post.text,
            attachments=",".join(attachments) or None,
            close_comments=1 if post.options.get("close_comments") else None,
        )
        return self._ref(ref.remote_id, list(attachments), ref.published_at)

    def delete(self, ref: RemoteRef) -> None:
        for post_id in ref.parts or (ref.remote_id,):
            try:
                self._call("wall.delete", owner_id=self.owner_id, post_id=post_id)
            except NotFound:
                continue

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        """Look among the wall's latest posts for one with this text and attachment count.

        ``wall.get`` is not in the reference but is a long-standing VK method
        (``{count, items: [post]}``).
        """
        answer = self._call("wall.get", owner_id=self.owner_id, count=FIND_WINDOW)
        expected = _attachment_count(post)
        for item in answer.get("items", []):
            attachments = _attachment_ids(item)
            same_text = str(item.get("text", "")).strip() == post.text.strip()
            if same_text and len(attachments) == expected:
                published = datetime.fromtimestamp(as_int(item.get("date")), UTC)
                return self._ref(item["id"], attachments, published)
        return FindResult.ABSENT

    def repost(self, source: Account, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        """``wall.repost`` of the source community's post onto this community's wall, with the
        user token [verified: V1 schema: user token only; ``object``, ``group_id``,
        ``mute_notifications``; answers ``post_id``]. It takes no ``guid``, so ``find_repost``
        is what keeps a re-run from reposting twice."""
        answer = self._call(
            "wall.repost",
            creates=True,
            object=f"wall{self._wall_of(source)}_{ref.remote_id}",
            group_id=self.group_id,
            mute_notifications=1 if post.options.get("silent") else None,
        )
        return self._ref(answer["post_id"], [], self.clock.now())

    def find_repost(self, source: Account, ref: RemoteRef) -> RemoteRef | FindResult:
        """Among the wall's latest posts, the one that copies the source post: a repost's
        ``copy_history`` starts with the post it reposts [uncertain: the order is not
        documented; a repost of an original has just one]."""
        wall = as_int(self._wall_of(source))
        answer = self._call("wall.get", owner_id=self.owner_id, count=FIND_WINDOW)
        for item in answer.get("items", []):
            copied = (item.get("copy_history") or [{}])[0]
            if as_int(copied.get("owner_id")) == wall and str(copied.get("id")) == ref.remote_id:
                published = datetime.fromtimestamp(as_int(item.get("date")), UTC)
                return self._ref(item["id"], [], published)
        return FindResult.ABSENT

    def _wall_of(self, source: Account) -> str:
        """The source community's wall (``-<id>``); a malformed id refuses the repost."""
        try:
            return f"-{community_id(source)}"
        except ConfigError as error:
            raise Rejected(self.name, "wall.repost", error.message, error.hint) from None

    # -- contests -------------------------------------------------------------------------

    def entrants(self, ref: RemoteRef, entry: EntryKind) -> list[Entrant]:
        """Commenters (as ``comments`` reads them), reposters or voters of a contest post."""
        if entry == "repost":
            return self._reposters(ref.remote_id)
        if entry == "poll":
            return self._voters(ref)
        return super().entrants(ref, entry)

    def _reposters(self, post_id: str) -> list[Entrant]:
        """``wall.getReposts`` page by page (``offset``/``count``): each repost is a post whose
        ``from_id`` reposted ours; a community's repost (negative id) is no person."""
        found: list[Entrant] = []
        offset = 0
        while offset < MAX_ENTRANTS:
            page = self._call(
                "wall.getReposts",
                owner_id=self.owner_id,
                post_id=post_id,
                offset=offset,
                count=REPOSTS_PAGE,
            )
            people: dict[int, Person] = {}
            _collect_people(page, people)
            items = list(page.get("items") or [])
            for item in items:
                author = as_int(item.get("from_id") or item.get("owner_id"))
                if author > 0:
                    at = datetime.fromtimestamp(as_int(item.get("date")), UTC)
                    name = people.get(author, Person()).name
                    url = _person_url(author, people)
                    found.append(Entrant(self.name, str(author), name, url, at))
            offset += len(items)
            if len(items) < REPOSTS_PAGE:
                break
        return found

    def _voters(self, ref: RemoteRef) -> list[Entrant]:
        """Who voted in the post's poll: ``polls.getById`` for its answers, then
        ``polls.getVoters`` with every answer, page by page, while an answer has more voters
        than read. An anonymous poll shows no voters (VK refuses: error 15 or 100
        [uncertain]); ``polls.create`` makes public polls unless told ``is_anonymous``."""
        poll_id = _poll_of(ref)
        if not poll_id:
            raise Rejected(self.name, "polls.getVoters", f"post {ref.remote_id} has no poll")
        poll = self._call("polls.getById", owner_id=self.owner_id, poll_id=poll_id)
        answers = [str(a.get("id")) for a in poll.get("answers") or []]
        found: dict[int, Entrant] = {}
        offset = 0
        while answers and offset < MAX_ENTRANTS:
            page = self._call(
                "polls.getVoters",
                owner_id=self.owner_id,
                poll_id=poll_id,
                answer_ids=",".join(answers),
                offset=offset,
                count=VOTERS_PAGE,
            )
            more = False
            for answer in page or []:
                users = answer.get("users") or {}
                for user in users.get("items") or []:
                    person = as_int(user.get("id") if isinstance(user, dict) else user)
                    found.setdefault(
                        person, Entrant(self.name, str(person), url=f"{_VK}id{person}")
                    )
                more = more or as_int(users.get("count")) > offset + VOTERS_PAGE
            offset += VOTERS_PAGE
            if not more:
                break
        return list(found.values())

    # -- broadcasts -----------------------------------------------------------------------

    def start_live(self, title: str, description: str) -> Broadcast:
        """``video.startStreaming`` in the community, without a wall post of VK's own (the
        announcement is ours) [uncertain: the method as VK announced it in 2022; ``wallpost``
        and the answer's ``stream`` object are our reading]. The key in the answer becomes a
        ``Secret`` at once, so nothing this process prints can show it, and is dropped."""
        answer = self._call(
            "video.startStreaming",
            group_id=self.group_id,
            name=title[:VIDEO_NAME_LIMIT],
            description=description or None,
            wallpost=0,
        )
        Secret(str((answer.get("stream") or {}).get("key") or ""), "stream key")
        return self._broadcast(answer)

    def stream_key(self, broadcast: Broadcast) -> tuple[str, Secret]:
        """``video.startStreaming`` with the broadcast's ``video_id`` gives its stream settings
        again [uncertain: VK documents no other way to read a key back]."""
        video_id = broadcast.video.rpartition("_")[2]
        answer = self._call("video.startStreaming", group_id=self.group_id, video_id=video_id)
        stream = answer.get("stream") or {}
        return str(stream.get("url") or ""), Secret(str(stream.get("key") or ""), "stream key")

    def live_status(self, broadcast: Broadcast) -> Broadcast:
        """``video.get`` with ``videos=<owner>_<id>``: a broadcast's ``live_status``
        [uncertain: ``waiting``, ``started``, ``finished`` as VK's video object names them]."""
        answer = self._call("video.get", owner_id=self.owner_id, videos=broadcast.video)
        items = answer.get("items") or []
        if not items:
            raise NotFound(self.name, "video.get", f"video {broadcast.video}")
        status = str(items[0].get("live_status") or broadcast.status)
        return Broadcast(broadcast.video, broadcast.url, status)

    def stop_live(self, broadcast: Broadcast) -> None:
        video_id = broadcast.video.rpartition("_")[2]
        self._call("video.stopStreaming", group_id=self.group_id, video_id=video_id)

    def _broadcast(self, answer: Mapping[str, Any]) -> Broadcast:
        video = f"{as_int(answer.get('owner_id')) or self.owner_id}_{answer.get('video_id')}"
        return Broadcast(video, f"{_VK}video{video}")

    # -- comments, moderation and replies -------------------------------------------------

    def comments(self, ref: RemoteRef, since: datetime | None = None) -> list[Comment]:
        """Citizens' comments under a post, threads included, oldest first.

        ``wall.getComments`` needs the user token [verified: V1 token types]; the post gone
        (error 104 [uncertain: which code VK gives]) means no comments to read.
        """
        try:
            items, people = self._comment_tree(ref.remote_id)
        except NotFound:
            return []
        found = [
            self._comment(ref.remote_id, item, people)
            for item in items
            if not item.get("deleted") and as_int(item.get("from_id")) != int(self.owner_id)
        ]
        fresh = [c for c in found if since is None or (c.created_at and c.created_at > since)]
        return sorted(fresh, key=_chronological)

    def _comment_tree(
        self, post_id: str, owner: str = ""
    ) -> tuple[list[dict[str, Any]], dict[int, Person]]:
        """Every comment of a post, each thread after its top comment, at most ``MAX_ITEMS``.

        A page carries up to ``THREAD_ITEMS`` replies per thread; a longer thread is read on
        its own with ``comment_id`` [verified: V1 wall.getComments].
        """
        people: dict[int, Person] = {}
        items: list[dict[str, Any]] = []
        for top in self._comment_level(post_id, None, people, MAX_ITEMS, owner):
            items.append(top)
            thread = top.get("thread") or {}
            replies = list(thread.get("items") or [])
            budget = MAX_ITEMS - len(items)
            if as_int(thread.get("count")) > len(replies):
                replies = self._comment_level(post_id, as_int(top.get("id")), people, budget, owner)
            items.extend(replies[:budget])
            if len(items) >= MAX_ITEMS:
                break
        return items, people

    def _comment_level(
        self,
        post_id: str,
        thread: int | None,
        people: dict[int, Person],
        limit: int,
        owner: str = "",
    ) -> list[dict[str, Any]]:
        """One level of comments (the post's, or one thread's), page by page; ``owner``: the
        wall (ours when not given)."""
        items: list[dict[str, Any]] = []
        while len(items) < limit:
            page = self._call(
                "wall.getComments",
                role="search" if owner else "main",
                owner_id=owner or self.owner_id,
                post_id=post_id,
                comment_id=thread,
                offset=len(items),
                count=COMMENTS_PAGE,
                sort="asc",
                # VK cuts comments to 90 characters unless told 0 [verified: V1 schema]
                preview_length=0,
                extended=1,
                fields="screen_name",
                thread_items_count=THREAD_ITEMS if thread is None else None,
            )
            _collect_people(page, people)
            batch = list(page.get("items") or [])
            items.extend(batch)
            total = as_int(page.get("current_level_count", page.get("count")))
            if not batch or len(items) >= total:
                break
        return items[:limit]

    def _comment(
        self, post_id: str, item: Mapping[str, Any], people: dict[int, Person], owner: str = ""
    ) -> Comment:
        owner = owner or self.owner_id
        author = as_int(item.get("from_id"))
        stack = [as_int(p) for p in item.get("parents_stack") or []]
        thread = stack[0] if stack else 0
        parent = as_int(item.get("reply_to_comment")) or (stack[-1] if stack else 0)
        comment_id = str(item.get("id", ""))
        return Comment(
            network=self.name,
            id=comment_id,
            text=str(item.get("text", "")),
            author_id=str(author),
            author_name=people.get(author, Person()).name,
            author_url=_person_url(author, people),
            post_id=post_id,
            parent_id=str(parent) if parent else "",
            created_at=datetime.fromtimestamp(as_int(item.get("date")), UTC),
            url=self._comment_url(post_id, comment_id, thread, owner),
            extra={"owner_id": owner, "thread_id": str(thread) if thread else ""},
        )

    def _comment_url(self, post_id: str, comment_id: str, thread: int = 0, owner: str = "") -> str:
        """``wall-GID_PID?reply=CID`` (``&thread=TOP`` in a thread) [uncertain: VK's web links]."""
        url = f"{_VK}wall{owner or self.owner_id}_{post_id}?reply={comment_id}"
        return f"{url}&thread={thread}" if thread else url

    def messages(self, since: datetime | None = None) -> list[Comment]:
        """Citizens' messages to the community, oldest first (community token only)."""
        self._require_community_token("messages.getConversations", "messages")
        people: dict[int, Person] = {}
        raw: list[dict[str, Any]] = []
        for peer in self._conversation_peers(since, people):
            raw.extend(self._history(peer, since, people, MAX_ITEMS - len(raw)))
            if len(raw) >= MAX_ITEMS:
                break
        return sorted((self._direct(item, people) for item in raw), key=_chronological)

    def _conversation_peers(self, since: datetime | None, people: dict[int, Person]) -> list[int]:
        """People whose conversation with the community moved after ``since``.

        Conversations come newest first [verified: V1 schema]; a page with nothing newer than
        ``since`` ends the reading (a pinned old one on top does not). Chats are left out.
        """
        peers: list[int] = []
        offset = 0
        while len(peers) < MAX_ITEMS:
            page = self._call(
                "messages.getConversations",
                role="community",
                group_id=self.group_id,
                offset=offset,
                count=MESSAGES_PAGE,
                filter="all",
                extended=1,
            )
            _collect_people(page, people)
            batch = list(page.get("items") or [])
            fresh = [i for i in batch if _is_after(i.get("last_message") or {}, since)]
            for item in fresh:
                peer = (item.get("conversation") or {}).get("peer") or {}
                if peer.get("type") == "user":
                    peers.append(as_int(peer.get("id")))
            offset += len(batch)
            if not batch or not fresh or offset >= as_int(page.get("count")):
                break
        return peers[:MAX_ITEMS]

    def _history(
        self, peer: int, since: datetime | None, people: dict[int, Person], limit: int
    ) -> list[dict[str, Any]]:
        """A person's messages to the community after ``since``, read newest first."""
        found: list[dict[str, Any]] = []
        offset = 0
        while len(found) < limit:
            page = self._call(
                "messages.getHistory",
                role="community",
                group_id=self.group_id,
                peer_id=peer,
                offset=offset,
                count=MESSAGES_PAGE,
                extended=1,
            )
            _collect_people(page, people)
            batch = list(page.get("items") or [])
            fresh = [m for m in batch if _is_after(m, since)]
            found.extend(m for m in fresh if not m.get("out"))  # ``out``: the community's own
            offset += len(batch)
            if not batch or len(fresh) < len(batch) or offset >= as_int(page.get("count")):
                break
        return found[:limit]

    def _direct(self, item: Mapping[str, Any], people: dict[int, Person]) -> Comment:
        author = as_int(item.get("from_id"))
        peer = as_int(item.get("peer_id")) or author
        return Comment(
            network=self.name,
            id=str(item.get("id", "")),
            text=str(item.get("text", "")),
            author_id=str(author),
            author_name=people.get(author, Person()).name,
            author_url=_person_url(author, people),
            created_at=datetime.fromtimestamp(as_int(item.get("date")), UTC),
            # the community's inbox page for this person [uncertain: VK's web links]
            url=f"{_VK}gim{self.group_id}?sel={peer}",
            is_direct=True,
            extra={"peer_id": peer},
        )

    def delete_comment(self, comment: Comment) -> None:
        """``wall.deleteComment`` with the user token [verified: V1]; one already gone is fine.

        A direct message cannot be taken back from a citizen's inbox.
        """
        if comment.is_direct:
            raise self.unsupported("delete_comment")
        try:
            self._call("wall.deleteComment", owner_id=self.owner_id, comment_id=comment.id)
        except NotFound:
            return

    def restore_comment(self, comment: Comment) -> None:
        """``wall.restoreComment``: VK keeps a deleted comment and can bring it back [V1]."""
        self._call("wall.restoreComment", owner_id=self.owner_id, comment_id=comment.id)

    def unban(self, author_id: str) -> None:
        """``groups.unban`` with the user token [verified: V1]."""
        self._call("groups.unban", group_id=self.group_id, owner_id=author_id)

    def ban(self, comment: Comment, until: datetime | None) -> None:
        """Blacklist the author in the community: ``groups.ban`` with the user token.

        No ``end_date`` bans for good; a date must be at most a year ahead [verified: V2].
        """
        end_date: int | None = None
        if until is not None:
            if until - self.clock.now() > timedelta(days=MAX_BAN_DAYS):
                detail = _(
                    "VK bans for at most {days} days; choose an earlier end or a ban for good.",
                    days=MAX_BAN_DAYS,
                )
                raise Rejected(self.name, "groups.ban", detail)
            end_date = int(until.timestamp())
        self._call(
            "groups.ban", group_id=self.group_id, owner_id=comment.author_id, end_date=end_date
        )

    def reply(self, comment: Comment, text: str) -> RemoteRef:
        """Answer as the community: a threaded comment, or a message in the person's chat.

        A message found on another wall (``extra["owner_id"]``) is answered there, as our
        community (``from_group``: a community's administrator may comment on other walls as
        it where the wall lets communities comment [uncertain: VK documents ``from_group`` only
        as "Group ID"]); a post found in the open is answered by a comment under it.
        """
        if comment.is_direct:
            return self._send_message(comment, text)
        owner = str(comment.extra.get("owner_id") or self.owner_id)
        try:
            answer = self._call(
                "wall.createComment",
                creates=True,
                owner_id=owner,
                post_id=comment.post_id,
                # the community's id, not a flag [verified: V1 schema "Group ID"]
                from_group=self.group_id,
                message=text,
                reply_to_comment=None if comment.extra.get("kind") == "post" else comment.id,
                # the same answer to the same comment is not posted twice [verified: V1 guid]
                guid=_digest(f"{comment.id}:{text}")[:32],
            )
        except (AuthError, Rejected) as error:
            if owner == self.owner_id:
                raise
            raise self._closed_wall(comment, error) from None
        comment_id = str(answer["comment_id"])
        stack = [as_int(p) for p in answer.get("parents_stack") or []]
        return RemoteRef(
            network=self.name,
            remote_id=comment_id,
            url=self._comment_url(comment.post_id, comment_id, stack[0] if stack else 0, owner),
            parts=(comment_id,),
            published_at=self.clock.now(),
            extra={"post_id": comment.post_id, "reply_to": comment.id},
        )

    def _closed_wall(self, comment: Comment, error: AuthError | Rejected) -> Rejected:
        """Another wall refused our community's comment (213: comments closed; 15, 212: the
        wall does not let communities comment [uncertain: which code VK gives]): a person
        answers there by hand."""
        link = comment.url or f"{_VK}wall{comment.extra.get('owner_id')}_{comment.post_id}"
        hint = _(
            "Answer by hand at {link}, then record it: publisher inbox done <file>.", link=link
        )
        return Rejected(self.name, "wall.createComment", error.detail, hint)

    # -- open sources (monitoring.yml) ------------------------------------------------------

    def open_messages(self, query: OpenQuery) -> list[Comment]:
        """Posts and comments about the district anywhere VK lets an app read them.

        ``newsfeed.search`` finds public posts by phrase, ``wall.search`` searches the
        ``search_in`` communities, ``wall.get`` and ``wall.getComments`` read the watched
        communities in full. These are user or service token methods [uncertain for
        newsfeed.search: VK's schema lists user and service]: the ``search`` secret (a service
        key) when the account names one, else its user token. A message several searches find
        comes back once (by wall and id).
        """
        found: dict[tuple[str, str, str], Comment] = {}
        posts = [item for phrase in query.phrases for item in self._newsfeed(phrase, query)]
        for community in query.search_in:
            for phrase in query.phrases:
                posts.extend(self._wall_pages("wall.search", community, query, phrase))
        for post in posts:
            self._found_post(post, found)
        for community in query.communities:
            for post in self._wall_pages("wall.get", community, query):
                self._found_post(post, found, watched=True)
                if _date(post) > query.posts_since:
                    self._found_comments(post, query.since, found)
        fresh = [c for c in found.values() if c.created_at and c.created_at > query.since]
        return sorted(fresh, key=_chronological)

    def _newsfeed(self, phrase: str, query: OpenQuery) -> Iterator[dict[str, Any]]:
        """``newsfeed.search`` page by page (``next_from``) [verified: schema: q, extended,
        count, start_time, end_time, start_from -> {items, count, total_count, next_from}];
        a ``next_from`` met before ends the reading, so a looping answer cannot hold the run."""
        seen: set[str] = set()
        start: str | None = None
        taken = 0
        while taken < MAX_ITEMS:
            page = self._call(
                "newsfeed.search",
                role="search",
                q=phrase,
                extended=1,
                count=NEWSFEED_PAGE,
                start_time=int(query.since.timestamp()),
                end_time=int(query.until.timestamp()),
                start_from=start,
            )
            batch = list(page.get("items") or [])
            self._remember_people(page)
            yield from batch
            taken += len(batch)
            start = str(page.get("next_from") or "")
            if not batch or not start or start in seen:
                return
            seen.add(start)

    def _wall_pages(
        self, method: str, community: str, wanted: OpenQuery, phrase: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """``wall.get`` or ``wall.search`` of a community, newest first, by ``offset`` until a
        page is empty, older than ``since``, or the last (``count``); at most ``MAX_ITEMS``.
        [verified: schema: owner_id or domain, count ≤100, offset, extended; wall.search adds
        query and owners_only]"""
        offset = 0
        while offset < MAX_ITEMS:
            params: dict[str, Any] = {**_wall_params(community), "query": phrase}
            page = self._call(
                method, role="search", **params, count=WALL_PAGE, offset=offset, extended=1
            )
            batch = list(page.get("items") or [])
            self._remember_people(page)
            yield from (p for p in batch if _date(p) > wanted.since)
            offset += len(batch)
            if not batch or offset >= as_int(page.get("count")):
                return
            dated = [_date(p) for p in batch if not p.get("is_pinned")]
            if not dated or min(dated) <= wanted.since:  # newest first: the rest is older
                return

    def _remember_people(self, page: Mapping[str, Any]) -> None:
        _collect_people(page, self._open_people)

    def _found_post(
        self,
        post: Mapping[str, Any],
        found: dict[tuple[str, str, str], Comment],
        watched: bool = False,
    ) -> None:
        """A post found in the open as a message (a repost's own text only; an ad or a post
        of ours is left out); ``watched``: on a community read in full."""
        owner, post_id = str(as_int(post.get("owner_id"))), str(post.get("id", ""))
        if owner == self.owner_id or post.get("marked_as_ads") or not post_id:
            return
        author = as_int(post.get("signer_id")) or as_int(post.get("from_id"))
        names = self._open_people
        found[(owner, post_id, "")] = Comment(
            network=self.name,
            id=post_id,
            text=str(post.get("text", "")),
            author_id=str(author),
            author_name=names.get(author, Person()).name,
            author_url=_person_url(author, names),
            post_id=post_id,
            created_at=_date(post),
            url=f"{_VK}wall{owner}_{post_id}",
            extra={"owner_id": owner, "kind": "post", **({"watched": True} if watched else {})},
        )

    def _found_comments(
        self, post: Mapping[str, Any], since: datetime, found: dict[tuple[str, str, str], Comment]
    ) -> None:
        """The comments under a watched community's post, newer than ``since``."""
        owner, post_id = str(as_int(post.get("owner_id"))), str(post.get("id", ""))
        if as_int((post.get("comments") or {}).get("count")) == 0:
            return
        items, people = self._comment_tree(post_id, owner)
        for item in items:
            author = as_int(item.get("from_id"))
            if item.get("deleted") or author in (int(self.owner_id), as_int(owner)):
                continue
            if _date(item) <= since:
                continue
            comment = self._comment(post_id, item, people, owner)
            extra = {**comment.extra, "kind": "comment", "watched": True}
            found[(owner, post_id, comment.id)] = replace(comment, extra=extra)

    def _send_message(self, comment: Comment, text: str) -> RemoteRef:
        """``messages.send`` with the community token; ``random_id`` from the comment and the
        text, so a retried answer is not delivered twice [verified: V1 random_id]."""
        op = "messages.send"
        self._require_community_token(op, "messages")
        peer = as_int(comment.extra.get("peer_id")) or as_int(comment.author_id)
        answer = self._call(
            op,
            creates=True,
            role="community",
            group_id=self.group_id,
            peer_id=peer,
            random_id=int(_digest(f"{peer}:{comment.id}:{text}")[:8], 16) & 0x7FFFFFFF,
            message=text,
        )
        message_id = str(answer.get("message_id", "")) if isinstance(answer, dict) else str(answer)
        return RemoteRef(
            network=self.name,
            remote_id=message_id,
            url=f"{_VK}gim{self.group_id}?sel={peer}",
            parts=(message_id,),
            published_at=self.clock.now(),
            extra={"peer_id": peer},
        )

    # -- the community's profile ----------------------------------------------------------

    def set_profile(self, profile: Profile) -> tuple[str, ...]:
        """Title, description and website in one ``groups.edit``; then avatar and cover.

        Everything is checked before the first call, so a refusal changes nothing.
        """
        fields = profile.fields()
        texts = {name: str(fields[name]) for name in _TEXT_FIELDS if name in fields}
        self._check_lengths(texts)
        if profile.cover is not None:
            self._require_community_token("photos.getOwnerCoverPhotoUploadServer", "photos")
        if texts:
            # user or community token [verified: V1]; the community one with "manage"
            self._call(
                "groups.edit",
                role="community",
                group_id=self.group_id,
                title=texts.get("title"),
                description=texts.get("description"),
                website=texts.get("website"),
            )
        done = list(texts)
        if profile.avatar is not None:
            self._set_avatar(profile.avatar)
            done.append("avatar")
        if profile.cover is not None:
            self._set_cover(profile.cover)
            done.append("cover")
        return tuple(done)

    def _check_lengths(self, texts: Mapping[str, str]) -> None:
        """Refuse a title or description VK would not take; nothing is cut."""
        for name, limit in (("title", TITLE_LIMIT), ("description", DESCRIPTION_LIMIT)):
            length = len(texts.get(name, ""))
            if length > limit:
                detail = _(
                    "The community {field} has {length} characters; VK takes at most {limit}.",
                    field=name,
                    length=length,
                    limit=limit,
                )
                hint = _("Shorten it in {path}.", path=self.account.path)
                raise Rejected(self.name, "groups.edit", detail, hint)

    def _set_avatar(self, media: Media) -> None:
        """Owner photo: upload server, field ``photo``, ``photos.saveOwnerPhoto``; user token
        only [verified: V1, V2]."""
        server = self._call("photos.getOwnerPhotoUploadServer", owner_id=self.owner_id)
        op = "photos.uploadOwnerPhoto"
        uploaded = self._upload(str(server["upload_url"]), "photo", media, op)
        if uploaded.get("photo") in (None, "", "[]"):
            raise Rejected(self.name, op, f"VK took no photo from {media.rel}")
        self._call(
            "photos.saveOwnerPhoto",
            server=uploaded.get("server"),
            hash=uploaded.get("hash"),
            photo=uploaded["photo"],
        )

    def _set_cover(self, media: Media) -> None:
        """Cover: upload server with the whole image as the crop, field ``photo``, then
        ``photos.saveOwnerCoverPhoto``; community token [verified: V1, V2]. VK wants at least
        795×200 [uncertain]; ``check`` warns about smaller images before this runs."""
        width, height = _image_size(media)
        server = self._call(
            "photos.getOwnerCoverPhotoUploadServer",
            role="community",
            group_id=self.group_id,
            crop_x=0,
            crop_y=0,
            # unknown size (not an image Pillow reads): VK's default crop, 795×200
            crop_x2=width or None,
            crop_y2=height or None,
        )
        op = "photos.uploadCover"
        uploaded = self._upload(str(server["upload_url"]), "photo", media, op)
        if uploaded.get("photo") in (None, "", "[]"):
            raise Rejected(self.name, op, f"VK took no cover from {media.rel}")
        self._call(
            "photos.saveOwnerCoverPhoto",
            role="community",
            photo=uploaded["photo"],
            hash=uploaded.get("hash"),
        )

    # -- reach figures ----------------------------------------------------------------------

    def post_figures(self, refs: Sequence[RemoteRef]) -> FiguresRead:
        """``wall.getById`` for views, likes, reposts and comments [verified: V1 schema], then
        ``stats.getPostReach`` for the reach, which only a community administrator's token
        reads (VK answers 15 or 7 to any other): the other figures are kept and the gap said."""
        found: dict[str, PostFigures] = {}
        for batch in batches([ref.remote_id for ref in refs], FIGURES_BATCH):
            posts = ",".join(f"{self.owner_id}_{post_id}" for post_id in batch)
            answer = self._call("wall.getById", posts=posts)
            items = answer.get("items", []) if isinstance(answer, dict) else answer
            for item in items if isinstance(items, list) else []:
                found[str(item.get("id"))] = PostFigures(
                    views=count(_counter(item, "views")),
                    reactions=count(_counter(item, "likes")),
                    reposts=count(_counter(item, "reposts")),
                    comments=count(_counter(item, "comments")),
                )
        try:
            reach = self._reach(list(found))
        except AuthError as error:
            gap = _(
                "VK gave no reach: {error}. stats.getPostReach needs a token of a community "
                "administrator (and VK keeps statistics of communities with 5000 members or "
                "more, or official ones).",
                error=error.detail,
            )
            return FiguresRead(found, (gap,))
        return FiguresRead({k: replace(v, reach=reach.get(k)) for k, v in found.items()})

    def _reach(self, post_ids: list[str]) -> dict[str, int | None]:
        """Each post's total reach (``reach_total``), ≤ ``REACH_BATCH`` posts a call
        [uncertain: VK documents the limit of the last 300 posts only]."""
        reach: dict[str, int | None] = {}
        for batch in batches(post_ids, REACH_BATCH):
            answer = self._call(
                "stats.getPostReach", owner_id=self.owner_id, post_ids=",".join(batch)
            )
            for item in answer if isinstance(answer, list) else []:
                if isinstance(item, dict):
                    reach[str(item.get("post_id"))] = count(item.get("reach_total"))
        return reach

    def followers(self) -> int:
        """``groups.getById`` with ``members_count`` [verified: V1]."""
        op = "groups.getById"
        answer = self._call(op, group_id=self.group_id, fields="members_count")
        groups = answer.get("groups", []) if isinstance(answer, dict) else answer
        members = count(groups[0].get("members_count")) if groups else None
        if members is None:
            raise NotFound(self.name, op, f"community {self.group_id}: no members_count")
        return members

    # -- account health -------------------------------------------------------------------

    def account_facts(self) -> AccountFacts:
        """``groups.getById`` with the page's fields: ``description``, ``site``, ``photo_200``,
        ``cover.enabled``, ``verified`` [verified: V1]; ``is_government_organization`` (the
        state-organisation mark) [uncertain: VK's own client reads it, the reference does not
        list it]; ``can_message`` (community messages on) and ``wall`` (0 off, 1 open,
        2 limited, 3 closed) [verified: V1 groups object]. The Feedback Platform (ПОС) widget
        has no API field: a person checks it."""
        fields = "description,site,cover,verified,is_government_organization,can_message,wall"
        answer = self._call("groups.getById", group_id=self.group_id, fields=fields)
        groups = answer.get("groups", []) if isinstance(answer, dict) else answer
        if not groups:
            raise NotFound(self.name, "groups.getById", f"community {self.group_id} not found")
        group = groups[0]
        cover = group.get("cover")
        wall = group.get("wall")
        return AccountFacts(
            description=str(group.get("description") or ""),
            website=str(group.get("site") or ""),
            avatar=bool(group.get("photo_200")) and not _default_photo(group),
            cover=bool(cover.get("enabled")) if isinstance(cover, dict) else None,
            verified=_flag(group.get("verified")),
            state_mark=_flag(group.get("is_government_organization")),
            messages_open=_flag(group.get("can_message")),
            comments_open=wall in (1, 2) if isinstance(wall, int) else None,
        )

    # -- building a post ------------------------------------------------------------------

    def _ref(self, post_id: object, attachments: list[str], at: datetime | None) -> RemoteRef:
        pid = str(post_id)
        return RemoteRef(
            network=self.name,
            remote_id=pid,
            url=f"{_VK}wall{self.owner_id}_{pid}",
            parts=(pid,),
            published_at=at,
            extra={"attachments": list(attachments)},
        )

    def _attachments(self, post: RenderedPost) -> list[str]:
        """Upload the media, create the poll; the attachment list for ``wall.post``."""
        attachments = list(self._upload_media(post))
        if post.poll is not None:
            attachments.append(self._create_poll(post.poll))
        link = post.options.get("link")
        if isinstance(link, str) and link:
            attachments.append(link)  # at most one external URL [verified: V2 wall.post]
        return attachments

    def _upload_media(self, post: RenderedPost) -> Iterator[str]:
        photo_server: str | None = None
        for media in post.media:
            if media.kind == "photo":
                if photo_server is None:
                    photo_server = self._photo_upload_url()
                yield self._upload_photo(photo_server, media)
            elif media.kind == "video":
                yield self._upload_video(media, post.title)
            else:
                yield self._upload_document(media)

    def _photo_upload_url(self) -> str:
        server = self._call("photos.getWallUploadServer", group_id=self.group_id)
        return str(server["upload_url"])

    def _upload_photo(self, upload_url: str, media: Media) -> str:
        """Three steps [verified: V2 upload/wall-photo]: server, POST field ``photo``, save."""
        op = "photos.upload"
        uploaded = self._upload(upload_url, "photo", media, op)
        if uploaded.get("photo") in (None, "", "[]"):
            raise Rejected(self.name, op, f"VK took no photo from {media.rel}")
        saved = self._call(
            "photos.saveWallPhoto",
            group_id=self.group_id,
            photo=uploaded["photo"],
            server=uploaded.get("server"),
            hash=uploaded.get("hash"),
            caption=media.alt[:PHOTO_CAPTION_LIMIT] or None,
        )
        return _attachment_id("photo", saved[0])

    def _upload_video(self, media: Media, title: str) -> str:
        """``video.save`` then POST field ``video_file`` [verified: V2 video.save, V3]."""
        name = (media.alt or title or media.path.stem)[:VIDEO_NAME_LIMIT]
        saved = self._call("video.save", group_id=self.group_id, name=name)
        self._upload(str(saved["upload_url"]), "video_file", media, "video.upload")
        return f"video{saved['owner_id']}_{saved['video_id']}"

    def _upload_document(self, media: Media) -> str:
        """A GIF or document: ``docs.getWallUploadServer``, field ``file``, ``docs.save``."""
        server = self._call("docs.getWallUploadServer", group_id=self.group_id)
        uploaded = self._upload(str(server["upload_url"]), "file", media, "docs.upload")
        saved = self._call("docs.save", file=uploaded.get("file"), title=media.path.name)
        return _attachment_id("doc", saved.get("doc", saved))

    def _create_poll(self, poll: Poll) -> str:
        created = self._call(
            "polls.create",
            owner_id=self.owner_id,
            question=poll.question,
            add_answers=json.dumps(list(poll.options), ensure_ascii=False),
            is_multiple=1 if poll.multiple else 0,
        )
        return _attachment_id("poll", created)

    def _current_attachments(self, post_id: str) -> list[str]:
        """The attachments a post has now, for an edit of a post found after a crash."""
        answer = self._call("wall.getById", posts=f"{self.owner_id}_{post_id}")
        items = answer.get("items", []) if isinstance(answer, dict) else answer
        if not items:
            raise NotFound(self.name, "wall.getById", f"post {self.owner_id}_{post_id}")
        return _attachment_ids(items[0])


_VK = "https://vk.com/"


def _flag(value: object) -> bool | None:
    """VK's 0/1 (or true/false) flag; None where the answer has none."""
    if isinstance(value, bool | int):
        return bool(value)
    return None


def _default_photo(group: Mapping[str, Any]) -> bool:
    """VK shows a camera placeholder for a community without a photo [uncertain: its URL]."""
    return "camera_200" in str(group.get("photo_200", ""))


def _counter(item: Mapping[str, Any], name: str) -> object:
    """``item[name]["count"]``, VK's shape of a post's counters; None where it is missing."""
    value = item.get(name)
    return value.get("count") if isinstance(value, dict) else None


def community_id(account: Account) -> str:
    """The community id as positive digits; ``-123``, ``club123`` and ``public123`` work too."""
    raw = str(account.account_id).strip()
    for prefix in ("-", "club", "public"):
        raw = raw.removeprefix(prefix)
    if not raw.isdigit():
        message = _(
            "VK account {account}: account_id must be the community id as digits, not {value}.",
            account=account.name,
            value=account.account_id,
        )
        raise ConfigError(message)
    return raw


def _form_value(value: object) -> str:
    return str(int(value)) if isinstance(value, bool) else str(value)


def _attachment_id(kind: str, obj: Mapping[str, Any]) -> str:
    """``{type}{owner_id}_{id}`` (plus ``_{access_key}`` when VK gave one) [verified: V2]."""
    base = f"{kind}{obj['owner_id']}_{obj['id']}"
    access_key = obj.get("access_key")
    return f"{base}_{access_key}" if access_key else base


def _attachment_ids(item: Mapping[str, Any]) -> list[str]:
    """The ``attachments`` strings that recreate a post object's attachment list."""
    ids: list[str] = []
    for attachment in item.get("attachments", []):
        kind = attachment.get("type", "")
        obj = attachment.get(kind) or {}
        if kind == "link":
            ids.append(str(obj.get("url", "")))
        elif "owner_id" in obj and "id" in obj:
            ids.append(_attachment_id(kind, obj))
    return ids


def _attachment_count(post: RenderedPost) -> int:
    link = post.options.get("link")
    return len(post.media) + (post.poll is not None) + bool(isinstance(link, str) and link)


_TEXT_FIELDS = ("title", "description", "website")


@dataclass(frozen=True)
class Person:
    """Who wrote a comment or message, from an extended answer's ``profiles``/``groups``."""

    name: str = ""
    screen_name: str = ""


def _poll_of(ref: RemoteRef) -> str:
    """The id of the poll among a post's attachments (``poll<owner>_<id>``), or ""."""
    for attachment in ref.extra.get("attachments") or []:
        if str(attachment).startswith("poll"):
            return str(attachment).rpartition("_")[2]
    return ""


def _collect_people(page: Mapping[str, Any], people: dict[int, Person]) -> None:
    """Names from ``profiles`` (users, positive ids) and ``groups`` (negative ids)."""
    for profile in page.get("profiles") or []:
        name = f"{profile.get('first_name', '')} {profile.get('last_name', '')}".strip()
        people[as_int(profile.get("id"))] = Person(name, str(profile.get("screen_name") or ""))
    for group in page.get("groups") or []:
        people[-as_int(group.get("id"))] = Person(
            str(group.get("name", "")), str(group.get("screen_name") or "")
        )


def _person_url(author: int, people: Mapping[int, Person]) -> str:
    screen = people.get(author, Person()).screen_name
    if screen:
        return _VK + screen
    return f"{_VK}id{author}" if author > 0 else f"{_VK}club{-author}"


def _date(item: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(as_int(item.get("date")), UTC)


def _wall_params(community: str) -> dict[str, object]:
    """A watched community as ``wall.get`` and ``wall.search`` take it: its number as the
    wall (``owner_id=-N``), or its short name (``domain``)."""
    raw = community.removeprefix("-")
    for prefix in ("club", "public"):
        if raw.startswith(prefix) and raw[len(prefix) :].isdigit():
            raw = raw[len(prefix) :]
    return {"owner_id": f"-{raw}"} if raw.isdigit() else {"domain": community}


def _is_after(item: Mapping[str, Any], since: datetime | None) -> bool:
    return since is None or datetime.fromtimestamp(as_int(item.get("date")), UTC) > since


def _chronological(comment: Comment) -> tuple[datetime, int]:
    return (comment.created_at or datetime.min.replace(tzinfo=UTC), as_int(comment.id))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _image_size(media: Media) -> tuple[int, int]:
    """The image's size as content loading measured it, or as Pillow reads it."""
    if media.width and media.height:
        return media.width, media.height
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(media.path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return 0, 0


def _api_failure(error: Mapping[str, Any]) -> Failure:
    """One VK error object: its code, or ``DAILY_POSTS`` for error 214 about the daily limit."""
    code = as_int(error.get("error_code"))
    detail = redact(f"VK error {code}: {error.get('error_msg', '')}")
    keys: tuple[int | str, ...] = (code,)
    if code == 214 and "limit" in detail.lower():
        keys = (DAILY_POSTS, code)
    return Failure(keys, detail)
