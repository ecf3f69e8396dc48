"""Reach in the monthly report and on the site: the figures ``stats collect`` wrote.

A month's posts are those published in it; their figures are the last ones read, in that
month's file or in one of the next two (a post of the 30th is read again in the next month).
Only figures of posts the result files record on that account, under the same remote id, are
shown: a record someone added to a stats file by hand names no recorded post and is left out.
A figure a network does not give reads "нет данных", never 0, with the network's reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from publisher.content.load import Content
from publisher.core.capabilities import NETWORK_TABLE, network_title
from publisher.core.figures import FIGURES, FOLLOWERS, PostFigures
from publisher.core.i18n import N_, _
from publisher.core.model import ResultEntry
from publisher.engine.stats import recorded_posts
from publisher.engine.workspace import Workspace
from publisher.reports.charts import Chart, bar_chart
from publisher.reports.names import AccountNames
from publisher.state.stats import STATS_DIR, PostStats, StatsFile, latest, read_stats

#: how many months after a post's own the figures read of it are looked for
LOOK_AHEAD = 2
#: the posts the report lists as the month's best
TOP_POSTS = 10
FIGURE_LABELS = {
    "views": N_("Views"),
    "reach": N_("Reach"),
    "reactions": N_("Reactions"),
    "reposts": N_("Reposts"),
    "comments": N_("Comments"),
}
REACH_COLOR = "#1f7a8c"
GROWTH_COLOR = "#27865a"


@dataclass(frozen=True)
class PostReach:
    """One post's last figures on one account."""

    post: str
    title: str
    account: str
    network: str
    url: str
    figures: PostFigures


@dataclass(frozen=True)
class Growth:
    """An account's followers on the first and last day of the month figures were read."""

    account: str
    network: str
    first: int
    last: int

    @property
    def gained(self) -> int:
        return self.last - self.first


@dataclass(frozen=True)
class Reach:
    """The month's figures: per post and account, and each account's followers."""

    posts: tuple[PostReach, ...] = ()
    growth: tuple[Growth, ...] = ()
    #: account -> why figures its network gives were missing when last read
    gaps: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """A part of the report: its chart (by file name), its table and notes under it."""

    title: str
    chart_name: str
    chart: Chart
    head: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: tuple[str, ...] = field(default_factory=tuple)


def _next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def month_files(ws: Workspace, month: str) -> dict[str, StatsFile]:
    """The month's stats file and the next ``LOOK_AHEAD`` months' (absent ones are empty)."""
    months = [month]
    for _step in range(LOOK_AHEAD):
        months.append(_next_month(months[-1]))
    return {m: read_stats(ws.repo, m) for m in months}


def all_files(ws: Workspace) -> dict[str, StatsFile]:
    """Every month's stats file in the repository."""
    folder = ws.repo / STATS_DIR
    months = sorted(p.stem for p in folder.glob("*.yml")) if folder.is_dir() else []
    return {m: read_stats(ws.repo, m) for m in months if _is_month(m)}


def _is_month(name: str) -> bool:
    year, _sep, number = name.partition("-")
    return year.isdigit() and len(year) == 4 and number.isdigit() and 1 <= int(number) <= 12


def reach_of(ws: Workspace, content: Content, start: datetime, end: datetime) -> Reach:
    """The figures of the posts published from ``start`` to ``end`` (the month)."""
    month = start.strftime("%Y-%m")
    files = month_files(ws, month)
    entries = ws.result_entries(content)
    posts = _recorded_figures(content, entries, latest(files), start, end)
    return Reach(tuple(posts), tuple(_growth(files[month])), latest_gaps(files))


def reach_by_post(
    ws: Workspace, content: Content, entries: Mapping[str, Mapping[str, ResultEntry]]
) -> dict[str, list[PostReach]]:
    """Each post's last figures on each account, by post id (the posts' pages on the site)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    found: dict[str, list[PostReach]] = {}
    for item in _recorded_figures(content, entries, latest(all_files(ws)), epoch, None):
        found.setdefault(item.post, []).append(item)
    return found


def _recorded_figures(
    content: Content,
    entries: Mapping[str, Mapping[str, ResultEntry]],
    figures: Mapping[tuple[str, str], PostStats],
    start: datetime,
    end: datetime | None,
) -> list[PostReach]:
    titles = {post.id: post.title for post in content.posts}
    found: list[PostReach] = []
    for account, recorded in recorded_posts(content, entries, start).items():
        for item in recorded:
            stats = figures.get((item.post, account))
            published = datetime.fromisoformat(item.entry.published_at)
            if stats is None or stats.remote_id != item.entry.remote_id:
                continue
            if end is not None and published >= end:
                continue
            entry = item.entry
            title = titles.get(item.post, item.post)
            found.append(
                PostReach(item.post, title, account, entry.network, entry.url, stats.figures)
            )
    return found


def latest_gaps(files: Mapping[str, StatsFile]) -> dict[str, list[str]]:
    """Each account's gaps as the last file that read it says."""
    found: dict[str, list[str]] = {}
    for month in sorted(files):
        found.update(files[month].gaps)
    return {account: reasons for account, reasons in found.items() if reasons}


def _growth(stats: StatsFile) -> list[Growth]:
    growth = []
    for account, days in sorted(stats.followers.items()):
        if days:
            ordered = [days[day] for day in sorted(days)]
            network = stats.networks.get(account, "")
            growth.append(Growth(account, network, ordered[0], ordered[-1]))
    return growth


# --- the report's parts ------------------------------------------------------------------------


def gives(network: str, figure: str) -> bool:
    """Whether the network's API gives ``figure`` at all (``Capabilities.stats``)."""
    spec = NETWORK_TABLE.get(network)
    return spec is not None and figure in spec.capabilities.stats


def no_data() -> str:
    return _("no data")


def total(network: str, figure: str, posts: Iterable[PostReach]) -> object:
    """The sum of a figure over ``posts``; "no data" where the network gives none of it."""
    values = [getattr(p.figures, figure) for p in posts]
    known = [v for v in values if v is not None]
    if not gives(network, figure) or not known:
        return no_data()
    return sum(known)


def reach_parts(reach: Reach, names: AccountNames, titled: bool = True) -> list[Part]:
    """Reach per network and per account, the top posts and follower growth; none for a
    month no figures were read in (a repository that never runs ``stats collect``)."""
    if not reach.posts and not reach.growth:
        return []
    return [
        _per_network(reach, titled),
        _per_account(reach, names, titled),
        _top_posts(reach, names, titled),
        _followers(reach, names, titled),
    ]


def _figure_head() -> list[str]:
    return [_(FIGURE_LABELS[f]) for f in FIGURES]


def _networks(reach: Reach) -> list[str]:
    seen = {p.network for p in reach.posts} | {g.network for g in reach.growth}
    return [n for n in NETWORK_TABLE if n in seen]


def _per_network(reach: Reach, titled: bool) -> Part:
    rows: list[list[object]] = []
    bars: list[tuple[str, int]] = []
    notes: list[str] = []
    for network in _networks(reach):
        posts = [p for p in reach.posts if p.network == network]
        figures = [total(network, f, posts) for f in FIGURES]
        read = len(posts) if any(gives(network, f) for f in FIGURES) else no_data()
        rows.append([network_title(network), read, *figures])
        views = figures[0]
        bars.append((network_title(network), views if isinstance(views, int) else 0))
        gap = NETWORK_TABLE[network].capabilities.stats_gap
        if gap:
            notes.append(f"{network_title(network)}: {no_data()}. {_(gap)}")
    title = _("Reach per network")
    chart = bar_chart(_("Views per network"), bars, REACH_COLOR, titled)
    head = [_("Network"), _("Posts read"), *_figure_head()]
    return Part(title, "reach.svg", chart, head, rows, tuple(notes))


def _per_account(reach: Reach, names: AccountNames, titled: bool) -> Part:
    accounts = sorted(
        {(p.network, p.account) for p in reach.posts},
        key=lambda key: (list(NETWORK_TABLE).index(key[0]), key[1]),
    )
    rows: list[list[object]] = []
    bars: list[tuple[str, int]] = []
    for network, account in accounts:
        posts = [p for p in reach.posts if p.account == account]
        figures = [total(network, f, posts) for f in FIGURES]
        rows.append([names.title(network, account), len(posts), *figures])
        shown = sum(v for v in figures[2:] if isinstance(v, int))
        bars.append((names.title(network, account), shown))
    chart = bar_chart(_("Reactions, reposts and comments per account"), bars, REACH_COLOR, titled)
    head = [_("Account"), _("Posts read"), *_figure_head()]
    notes = tuple(
        f"{names.title(network, account)}: {no_data()}. {reason}"
        for network, account in accounts
        for reason in reach.gaps.get(account, ())
    )
    return Part(_("Reach per account"), "reach-accounts.svg", chart, head, rows, notes)


def _engagement(post: PostReach) -> int:
    return sum(getattr(post.figures, f) or 0 for f in ("reactions", "reposts", "comments"))


def _top_posts(reach: Reach, names: AccountNames, titled: bool) -> Part:
    """The month's best posts on any account: by views where the network gives them, then by
    reactions, reposts and comments."""
    ranked = sorted(
        reach.posts, key=lambda p: (p.figures.views or 0, _engagement(p)), reverse=True
    )[:TOP_POSTS]
    rows = [
        [
            p.title,
            names.title(p.network, p.account),
            *(shown_figure(p.network, f, getattr(p.figures, f)) for f in FIGURES),
        ]
        for p in ranked
    ]
    bars = [(_short(p.title), p.figures.views or _engagement(p)) for p in ranked]
    chart = bar_chart(_("Top posts by views"), bars, REACH_COLOR, titled)
    head = [_("Post"), _("Account"), *_figure_head()]
    return Part(_("Top posts"), "top-posts.svg", chart, head, rows)


def shown_figure(network: str, figure: str, value: int | None) -> object:
    """A figure as a reader sees it: "no data" where the network does not give it."""
    return value if value is not None and gives(network, figure) else no_data()


def _short(title: str, limit: int = 24) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _followers(reach: Reach, names: AccountNames, titled: bool) -> Part:
    order = list(NETWORK_TABLE)
    growth = sorted(
        (g for g in reach.growth if gives(g.network, FOLLOWERS)),
        key=lambda g: (order.index(g.network), g.account),
    )
    rows = [[names.title(g.network, g.account), g.first, g.last, g.gained] for g in growth]
    bars = [(names.title(g.network, g.account), max(g.gained, 0)) for g in growth]
    chart = bar_chart(_("New followers in the month"), bars, GROWTH_COLOR, titled)
    head = [_("Account"), _("Followers at the start"), _("Followers at the end"), _("Growth")]
    return Part(_("Follower growth"), "followers.svg", chart, head, rows)
