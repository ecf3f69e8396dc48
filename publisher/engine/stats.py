"""``stats collect``: read each network's figures of the recorded posts and each account's
followers, and put them into the month's machine-owned file (``state.stats``).

The posts are those the result files record as published in the last ``RECENT_DAYS`` days:
figures of older posts hardly move, and VK keeps reach for the last 300 posts only. Each
account is read with its own adapter (rate limits as ``runtime.limiter_for`` sets them); an
account that fails is named with its error and the others' figures are written all the same.
A figure a network cannot give is left out (reported as "нет данных", not zero).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from publisher.content.load import Content
from publisher.core.errors import NetworkError
from publisher.core.figures import FIGURES, FOLLOWERS, FiguresRead
from publisher.core.i18n import _
from publisher.core.model import ResultEntry
from publisher.core.progress import Watch
from publisher.engine.workspace import Workspace
from publisher.networks.base import Adapter
from publisher.state.stats import PostStats, StatsFile, read_stats, write_stats

#: figures are read for posts published this many days ago or later [decided]
RECENT_DAYS = 45
#: operations in a result file that are no post of ours (a profile, an answer)
_NOT_POSTS = ("profile", "reply")


@dataclass(frozen=True)
class Recorded:
    """A post as its result file records it on one account."""

    post: str
    account: str
    entry: ResultEntry


@dataclass
class StatsReport:
    """What a collection read, what it could not and why, and the file it wrote."""

    month: str
    #: (post, account) whose figures were read
    read: list[tuple[str, str]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    #: account -> why it could not be read (in the reader's words)
    failed: dict[str, str] = field(default_factory=dict)
    #: account -> what its network cannot tell, or could not this time
    gaps: dict[str, list[str]] = field(default_factory=dict)
    #: (post, account) the network no longer has
    gone: list[tuple[str, str]] = field(default_factory=list)
    #: the month's file was edited by hand: it was rewritten from what could be read
    damaged: bool = False
    files: list[str] = field(default_factory=list)
    #: account -> how a reader is told it ("ВКонтакте · Братское …"), set by the command
    titles: dict[str, str] = field(default_factory=dict)

    def title(self, account: str) -> str:
        return self.titles.get(account, account)

    @property
    def posts(self) -> int:
        """How many posts figures were read of (on any account)."""
        return len({post for post, _account in self.read})


def recorded_posts(
    content: Content, entries: Mapping[str, Mapping[str, ResultEntry]], since: datetime
) -> dict[str, list[Recorded]]:
    """Published posts (not profiles, answers or withdrawn posts) by account, from their
    result files as the workspace reads them (an entry naming no account is its network's
    default account's), published at ``since`` or later."""
    post_ids = {post.result_file_path: post.id for post in content.posts}
    found: dict[str, list[Recorded]] = {}
    for rel, by_account in entries.items():
        post = post_ids.get(rel)
        if post is None:
            continue
        for account, entry in by_account.items():
            if entry.state != "published" or entry.operation in _NOT_POSTS:
                continue
            if not entry.remote_id or not _since(entry.published_at, since):
                continue
            found.setdefault(account, []).append(Recorded(post, account, entry))
    return found


def _since(raw: str, since: datetime) -> bool:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return False
    return moment.tzinfo is not None and moment >= since


def collect_stats(ws: Workspace, content: Content, watch: Watch[str] | None = None) -> StatsReport:
    """Read every account's figures now and write them into this month's file (not
    committed here: ``commands.stats`` commits)."""
    watch = watch or Watch()
    now = ws.clock.now().astimezone(ws.config.zone)
    month, day, at = now.strftime("%Y-%m"), now.date().isoformat(), now.isoformat("T", "seconds")
    posts = recorded_posts(content, ws.result_entries(content), now - timedelta(days=RECENT_DAYS))
    book = read_stats(ws.repo, month)
    report = StatsReport(month, damaged=book.damaged)
    accounts = [a.name for a in content.accounts if ws.capabilities[a.network].stats]
    with ws.http_client() as http:
        adapters = ws.adapters_for(content, accounts, http)
        for name, error in adapters.unavailable.items():
            report.failed[name] = error.message
        watch.begin(len(adapters.ready))
        for name, adapter in sorted(adapters.ready.items()):
            _read_account(adapter, posts.get(name, []), book, report, (day, at))
            report.accounts.append(name)
            watch.item(name)
            watch.advance()
    report.files = [write_stats(ws.repo, book)]
    return report


def _read_account(
    adapter: Adapter,
    recorded: list[Recorded],
    book: StatsFile,
    report: StatsReport,
    when: tuple[str, str],
) -> None:
    """One account's post figures and followers into ``book``; its failure into ``report``."""
    name, caps = adapter.account.name, adapter.capabilities
    day, at = when
    errors: list[str] = []
    if set(FIGURES) - caps.stats and caps.stats_gap:
        report.gaps.setdefault(name, []).append(_(caps.stats_gap))
    if recorded and set(FIGURES) & caps.stats:
        try:
            read = adapter.post_figures([r.entry.ref() for r in recorded])
        except NetworkError as error:
            errors.append(error.message)
        else:
            _keep_figures(recorded, read, book, report, at)
            book.gaps[name] = list(read.gaps)
    if FOLLOWERS in caps.stats:
        try:
            book.followers.setdefault(name, {})[day] = adapter.followers()
            book.networks[name] = adapter.account.network
        except NetworkError as error:
            errors.append(error.message)
    if errors:
        report.failed[name] = "; ".join(errors)


def _keep_figures(
    recorded: list[Recorded], read: FiguresRead, book: StatsFile, report: StatsReport, at: str
) -> None:
    for item in recorded:
        entry, key = item.entry, (item.post, item.account)
        figures = read.posts.get(entry.remote_id)
        if figures is None:  # deleted on the network: the figures last read stay
            report.gone.append(key)
            if key in book.posts:
                book.posts[key] = replace(book.posts[key], gone=True)
            continue
        book.posts[key] = PostStats(
            item.post,
            item.account,
            entry.network,
            entry.remote_id,
            entry.url,
            entry.published_at,
            at,
            figures,
        )
        report.read.append(key)
    if read.gaps:
        report.gaps.setdefault(recorded[0].account, []).extend(read.gaps)
