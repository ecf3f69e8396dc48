"""Broadcasts a post announces (``live:``), at ``apply`` time.

Before a ``live:`` post is sent to an account whose network creates broadcasts through its
API (VK), the broadcast is created (once: ``live/<post id>.yml`` keeps it) and the
announcement carries its link: the link is added to the text as it is sent, and the post's
recorded hashes stay those of its source, so the next plan sees nothing to change. A broadcast
that cannot be created holds that announcement back for the next run. After the publications,
every broadcast not yet over is asked for its state, and the one that has ended is recorded
with its end time: its link is then the recording's.

The stream key is never in this process's hands for long: the network's answer to the creation
carries it, the adapter wraps it as a ``Secret`` (masked in every output) and drops it, and only
``publisher live key``, run by the broadcaster with the token, asks for it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from publisher.core.errors import PublisherError
from publisher.core.i18n import _
from publisher.core.model import Action, ActionKind, Broadcast, Plan, Post, RenderedPost
from publisher.networks.base import Adapter
from publisher.state.live_files import (
    LIVE_FILE_ERRORS,
    LiveEntry,
    live_file_path,
    read_live_file,
    write_live_file,
)

#: the actions that send an announcement's text
_SENDS = (ActionKind.CREATE, ActionKind.UPDATE, ActionKind.REPLACE)


@dataclass
class LiveReport:
    """Broadcasts created and ended by one run, the files written, and what failed."""

    files: list[str] = field(default_factory=list)
    created: dict[tuple[str, str], str] = field(default_factory=dict)
    ended: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (post id, account) -> why
    failed: dict[tuple[str, str], str] = field(default_factory=dict)


def live_actions(plan: Plan, posts: Mapping[str, Post], live: Mapping[str, bool]) -> list[Action]:
    """The plan's actions that send a ``live:`` post to an account that creates broadcasts
    (``live``: by account name)."""
    return [
        a
        for a in plan.actions
        if a.kind in _SENDS
        and a.rendered is not None
        and a.repost_from is None  # a repost shows the original, link and all
        and posts.get(a.post_path) is not None
        and posts[a.post_path].live is not None
        and live.get(a.account_key, False)
    ]


class Broadcasts:
    """Creates, links and follows the broadcasts of one run."""

    def __init__(self, repo: Path, adapters: Mapping[str, Adapter], now: datetime) -> None:
        self.repo, self.adapters, self.now = repo, adapters, now
        self.report = LiveReport()

    def announce(self, plan: Plan, posts: Mapping[str, Post], sending: list[Action]) -> Plan:
        """The plan with each announcement linked to its broadcast (created where missing);
        one whose broadcast cannot be created is left out of this run."""
        linked_actions: dict[int, Action] = {}
        for action in sending:
            post = posts[action.post_path]
            assert action.rendered is not None
            try:
                broadcast = self._broadcast(post, action.account_key)
            except PublisherError as error:
                self.report.failed[(post.id, action.account_key)] = error.message
                continue
            linked_actions[id(action)] = replace(
                action, rendered=linked(action.rendered, broadcast)
            )
        held = {id(a) for a in sending} - set(linked_actions)
        actions = tuple(linked_actions.get(id(a), a) for a in plan.actions if id(a) not in held)
        return replace(plan, actions=actions)

    def _broadcast(self, post: Post, account: str) -> Broadcast:
        rel = live_file_path(post.id)
        entries = read_live_file(self.repo, rel)
        if account in entries:
            return entries[account].broadcast
        adapter = self.adapters.get(account)
        if adapter is None:
            raise PublisherError(_("no token for the account"))
        assert post.live is not None
        broadcast = adapter.start_live(post.live.title or post.title, post.title)
        entries[account] = LiveEntry(broadcast, created=self.now.isoformat())
        write_live_file(self.repo, rel, post.id, entries)
        self._wrote(rel)
        self.report.created[(post.id, account)] = broadcast.url
        return broadcast

    def follow(self, posts: list[Post]) -> None:
        """Ask every broadcast not yet over for its state; record the end of those over."""
        for post in posts:
            rel = live_file_path(post.id)
            try:
                entries = read_live_file(self.repo, rel)
            except LIVE_FILE_ERRORS:
                self.report.failed[(post.id, "")] = _(
                    "{file} is damaged; it is left as it is.", file=rel
                )
                continue
            fresh = dict(entries)
            for account, entry in entries.items():
                adapter = self.adapters.get(account)
                if entry.ended or adapter is None:
                    continue
                try:
                    now = adapter.live_status(entry.broadcast)
                except PublisherError as error:
                    self.report.failed[(post.id, account)] = error.message
                    continue
                ended = self.now.isoformat() if now.status == "finished" else ""
                fresh[account] = replace(entry, broadcast=now, ended=ended)
                if ended:
                    self.report.ended[(post.id, account)] = now.url
            if fresh != entries:
                write_live_file(self.repo, rel, post.id, fresh)
                self._wrote(rel)

    def _wrote(self, rel: str) -> None:
        if rel not in self.report.files:
            self.report.files.append(rel)


def linked(rendered: RenderedPost, broadcast: Broadcast) -> RenderedPost:
    """The announcement as sent: its text with the broadcast's link after it. The hashes stay
    the source's (see the module's docstring)."""
    line = _("Live broadcast: {url}", url=broadcast.url)
    parts = list(rendered.parts) or [""]
    if broadcast.url not in parts[-1]:
        parts[-1] = f"{parts[-1].rstrip()}\n\n{line}".lstrip()
    return replace(rendered, parts=tuple(parts))
