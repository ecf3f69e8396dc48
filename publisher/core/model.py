"""Typed data that flows through publisher: content in, rendered posts, plans and results out.

Everything is a frozen dataclass so that loading, rendering and planning stay pure and a value
seen in one place cannot change behind another's back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

V = TypeVar("V")
MediaKind = Literal["photo", "video", "animation", "document"]
Status = Literal["draft", "ready", "withdrawn"]
TextFormat = Literal["plain", "telegram_html", "max_html"]
#: what to do with a changed post on a network that cannot edit it (``on_edit_unsupported``)
EditFallback = Literal["blocked", "replace"]
#: how a person takes part in a contest: a comment (with ``keyword`` if set), a repost, a vote
EntryKind = Literal["comment", "repost", "poll"]


@dataclass(frozen=True)
class Media:
    """A file attached to a post, resolved against the post's folder."""

    path: Path
    rel: str
    kind: MediaKind
    alt: str = ""
    size: int = 0
    sha256: str = ""
    width: int = 0
    height: int = 0
    image_format: str = ""
    #: a video's play time as its MP4/MOV header states it; None for other kinds, or when the
    #: header cannot be read (the network then judges it alone)
    seconds: float | None = None
    #: the folder loading confined the file to (resolved); None for a file not loaded from the
    #: repository, which is never uploaded or copied (see ``confine.verified``)
    root: Path | None = None


@dataclass(frozen=True)
class Poll:
    """A poll attached to a post."""

    question: str
    options: tuple[str, ...]
    multiple: bool = False


@dataclass(frozen=True)
class Contest:
    """``contest:`` in a post: how to take part, when it closes, how many win.

    Nothing here chooses the draw's seed: that is the commit the post was published from
    (``engine.contests``), fixed before anyone can enter."""

    entry: EntryKind
    closes: datetime
    winners: int = 1
    #: for ``entry: comment``: only comments containing this word (case-insensitive) count
    keyword: str = ""


@dataclass(frozen=True)
class Live:
    """``live:`` in a post: a broadcast the post announces, starting at ``starts``."""

    starts: datetime
    #: the broadcast's name on the network (the post's title when empty)
    title: str = ""


@dataclass(frozen=True)
class Override:
    """Per-network changes to a post: replacement text and network options."""

    text: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Post:
    """One post as a person wrote it, validated."""

    id: str
    path: str
    title: str
    body: str
    #: the names under ``networks:`` (networks, groups or accounts; see ``content.targets``)
    networks: tuple[str, ...]
    status: Status = "ready"
    publish_at: datetime | None = None
    media: tuple[Media, ...] = ()
    poll: Poll | None = None
    overrides: Mapping[str, Override] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)
    #: the names under ``accounts:`` (accounts or groups)
    accounts: tuple[str, ...] = ()
    #: ``repost_from:``: the accounts (at most one a network) whose publication the post's
    #: other accounts on that network repost instead of publishing it afresh
    repost_from: tuple[str, ...] = ()
    #: ``hold: all``: an error that concerns one network holds the post back everywhere
    hold_all: bool = False
    #: ``on_edit_unsupported:`` for this post (None: its account's, else publisher.yml's)
    on_edit_unsupported: EditFallback | None = None
    #: ``contest:``: the post runs a contest (``engine.contests`` draws it when it closes)
    contest: Contest | None = None
    #: ``live:``: the post announces a broadcast (``engine.live``)
    live: Live | None = None

    @cached_property  # asked for about ten times per post by a plan
    def result_file_path(self) -> str:
        """Where the machine-owned results of this post live (repository-relative)."""
        return result_file_path(self.path)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)


def result_file_path(path: str) -> str:
    """Where the results of the post file at ``path`` live: ``published.yml`` beside a
    bundle's ``index.md``, else ``<name>.published.yml``."""
    if path.endswith("/index.md"):
        return path[: -len("index.md")] + "published.yml"
    return path[: -len(".md")] + ".published.yml"


@dataclass(frozen=True)
class Account:
    """One of the administration's accounts on a network (``accounts/<name>.md``)."""

    name: str
    path: str
    network: str
    account_id: str
    token_env: str
    title: str = ""
    description: str = ""
    avatar: str = ""
    cover: str = ""
    website: str = ""
    extra_token_envs: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    #: the account a post's ``networks: [vk]`` means when the network has several
    default: bool = False
    #: moderation.yml's settings this account's comments are moderated by instead, as its file
    #: writes them (``moderation.rules.account_rules`` reads them)
    moderation: Mapping[str, Any] = field(default_factory=dict)
    #: ``on_edit_unsupported:`` for this account's posts (None: publisher.yml's)
    on_edit_unsupported: EditFallback | None = None


def by_account(found: Mapping[str, V], defaults: Mapping[str, str]) -> dict[str, V]:
    """A machine-owned file's records (cursors) by account: one written under a network's
    name before a network could have several accounts is its default account's (``defaults``:
    network -> that account's name), unless that account has a record of its own."""
    return {
        defaults.get(key, key) if defaults.get(key, key) not in found else key: value
        for key, value in found.items()
    }


@dataclass(frozen=True)
class Target:
    """Where a post goes: one of our accounts, by its name (``accounts/<name>.md``), on its
    network. A network a post names with no account file for it is a target too, named after
    the network, with no account: its plan row says the file is missing."""

    name: str
    network: str
    account: Account | None = None


@dataclass(frozen=True)
class RenderedPost:
    """A post as one network will show it: text parts, media, poll and options."""

    post_id: str
    network: str
    parts: tuple[str, ...]
    media: tuple[Media, ...] = ()
    poll: Poll | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    length: int = 0
    limit: int = 0
    content_hash: str = ""
    title: str = ""
    #: the form of ``parts``: plain text, or the network's HTML
    text_format: TextFormat = "plain"
    #: identity of everything the rendering was made from (``render.source_hash``)
    source_hash: str = ""

    @property
    def text(self) -> str:
        return self.parts[0] if self.parts else ""


@dataclass(frozen=True)
class RemoteRef:
    """Where a published post lives on a network.

    ``remote_id`` names the post; ``parts`` lists every message that makes it up when a network
    needs several (a Telegram album plus its poll, an X thread), so delete can remove them all.
    """

    network: str
    remote_id: str
    url: str = ""
    parts: tuple[str, ...] = ()
    published_at: datetime | None = None
    #: adapter-private facts needed later (VK's attachment list for wall.edit, ...)
    extra: Mapping[str, Any] = field(default_factory=dict)


class ActionKind(StrEnum):
    """What the plan will do for one post on one network."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "noop"
    WAIT = "wait"
    BLOCKED = "blocked"
    MANUAL = "manual"
    REPLY = "reply"
    MOVE = "move"


@dataclass(frozen=True)
class Action:
    """One step of a plan: a post on a network and what to do with it."""

    kind: ActionKind
    post_id: str
    network: str
    account: str = ""
    rendered: RenderedPost | None = None
    ref: RemoteRef | None = None
    reason: str = ""
    post_path: str = ""
    result_file_path: str = ""
    #: for an account: the profile it describes, the fields to send and those to set by hand
    profile: Profile | None = None
    fields: tuple[str, ...] = ()
    manual: tuple[str, ...] = ()
    #: for an account: its text fields as publisher last sent them (``values`` in its result
    #: file; none for fields sent before it kept them), to show what a change replaces
    previous: Mapping[str, str] = field(default_factory=dict)
    #: for a citizen's message: the comment the answer replies to
    comment: Comment | None = None
    #: for a moved post: the result file left at its old place, to move to ``result_file_path``
    moved_from: str = ""
    #: for a repost: the account whose publication of the post this account reposts
    repost_from: Account | None = None

    @property
    def account_key(self) -> str:
        """The account acted on, by name (a network with no account file: the network)."""
        return self.account or self.network

    @property
    def changes_something(self) -> bool:
        return self.kind in (
            ActionKind.CREATE,
            ActionKind.UPDATE,
            ActionKind.REPLACE,
            ActionKind.DELETE,
            ActionKind.MANUAL,
            ActionKind.REPLY,
            ActionKind.MOVE,
        )


@dataclass(frozen=True)
class Plan:
    """Every action for every post and network, in a stable order."""

    actions: tuple[Action, ...]
    warnings: tuple[str, ...] = ()
    #: the repository's accounts, for a report to name the one each action is on
    accounts: tuple[Account, ...] = ()

    def count(self, kind: ActionKind) -> int:
        return sum(1 for a in self.actions if a.kind is kind)

    @property
    def pending(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.changes_something)


@dataclass(frozen=True)
class ResultEntry:
    """What is recorded about one post on one network (the machine-owned sidecar)."""

    network: str
    state: Literal["intent", "published", "deleted", "failed"]
    account: str = ""
    remote_id: str = ""
    url: str = ""
    parts: tuple[str, ...] = ()
    content_hash: str = ""
    media_hash: str = ""
    #: what the published text was rendered from (``render.source_hash``); files written
    #: before it was recorded have none, and their posts are rendered to be compared
    source_hash: str = ""
    key: str = ""
    at: str = ""
    published_at: str = ""
    source_commit: str = ""
    approved_by: tuple[str, ...] = ()
    approval: str = ""
    error: str = ""
    operation: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def ref(self) -> RemoteRef:
        return RemoteRef(self.network, self.remote_id, self.url, self.parts, extra=self.extra)

    @property
    def account_key(self) -> str:
        """What the entry is filed under in its result file: its account (older entries
        naming none: their network)."""
        return self.account or self.network


@dataclass(frozen=True)
class Comment:
    """A comment under one of our posts, or a message sent to the account.

    ``post_id`` is the network's id of the post it answers (empty for a direct message);
    ``parent_id`` the comment it replies to, if any. ``extra`` keeps what the adapter needs
    to act on it later (Telegram's discussion chat, OK's discussion id, ...).
    """

    network: str
    id: str
    text: str
    author_id: str
    author_name: str = ""
    author_url: str = ""
    post_id: str = ""
    parent_id: str = ""
    created_at: datetime | None = None
    url: str = ""
    is_direct: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entrant:
    """A person who took part in a contest on one network, as its API shows them.

    ``person`` is the network's id of the person (VK user id, Telegram user id); ``at`` when
    they took part, where the network says (a vote has no time); ``text`` the comment, for a
    keyword. Only the engine sees names and links: the contest file keeps a pseudonym."""

    network: str
    person: str
    name: str = ""
    url: str = ""
    at: datetime | None = None
    text: str = ""


@dataclass(frozen=True)
class Broadcast:
    """A live broadcast on one account: its video, where people watch it, and its state
    (``waiting``, ``started``, ``finished``). The stream key is never part of it: only
    ``Adapter.stream_key`` hands it out, as a ``Secret``."""

    video: str
    url: str
    status: str = "waiting"


@dataclass(frozen=True)
class Profile:
    """An account's profile as ``accounts/<name>.md`` describes it, ready for one network."""

    network: str
    title: str = ""
    description: str = ""
    website: str = ""
    avatar: Media | None = None
    cover: Media | None = None

    def fields(self) -> dict[str, object]:
        """The fields that are set, by name (``title``, ``description``, ...)."""
        values = {
            "title": self.title,
            "description": self.description,
            "website": self.website,
            "avatar": self.avatar,
            "cover": self.cover,
        }
        return {name: value for name, value in values.items() if value}
