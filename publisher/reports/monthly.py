"""The monthly report: what was published, moderated and answered in one month, with charts.

Figures come from the repository only: publications from the result files (``published_at``),
formats from rendering each published post for its network (a post withdrawn since is not
counted), moderation actions from ``moderation/log``, citizens' messages from ``content/inbox``
and the time of each answer from the message's result file (``published_at``). Answer times
are counted in working hours on the production calendar, as deadlines are. Charts are SVG drawn
here (bars, text, lines), so the report needs no plotting library and no external file.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from markupsafe import Markup

from publisher.content.load import Content
from publisher.content.render import render_post
from publisher.core.capabilities import NETWORK_TABLE, network_title
from publisher.core.errors import PublisherError
from publisher.core.i18n import N_, _, decimal, language
from publisher.core.labels import category_label
from publisher.core.model import Post, RenderedPost, ResultEntry
from publisher.core.names import AccountNames
from publisher.core.resources import DATA_DIR
from publisher.core.shapes import moment_of
from publisher.core.workcalendar import WorkCalendar
from publisher.engine.workspace import Workspace
from publisher.inbox.items import INBOX_DIR, OPEN_SOURCE, InboxItem, load_inbox_rules
from publisher.moderation.log import LogEntry, read_log
from publisher.reports.charts import BAR_COLOR, Chart, bar_chart, grouped_bar_chart, svg
from publisher.reports.health import health_parts
from publisher.reports.pages import render
from publisher.reports.reach import Part, Reach, reach_of, reach_parts
from publisher.state.stats import AuditEntry, read_stats

FORMATS = ("text", "photo", "album", "video", "document", "poll", "thread")
MODERATION_ACTIONS = ("deleted", "hidden", "review", "banned")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: operations in a result file that are not a post's publication
_NOT_POSTS = ("profile", "reply")

LABELS = {
    "text": N_("Text only"),
    "photo": N_("Photo"),
    "album": N_("Album"),
    "video": N_("Video"),
    "document": N_("Document"),
    "poll": N_("Poll"),
    "thread": N_("Thread"),
    "deleted": N_("deleted"),
    "hidden": N_("hidden"),
    "review": N_("left for a person"),
    "banned": N_("author banned"),
}
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
COLORS = {
    "vk": "#0077ff",
    "telegram": "#29a9eb",
    "ok": "#ee8208",
    "max": "#7b4dff",
    "facebook": "#3b5998",
    "instagram": "#d62976",
    "x": "#14171a",
}
STYLE_FILE = DATA_DIR / "site" / "site.css"


def label(key: str) -> str:
    """The reader's word for a format, action or category key (the key itself if unknown)."""
    return _(LABELS[key]) if key in LABELS else category_label(key)


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """An ISO week as far as it lies in the month: key ``2026-W49``, label ``30.11–06.12``."""

    key: str
    label: str


@dataclass(frozen=True)
class Answer:
    """One citizen's message and how long its answer took, in working hours."""

    path: str
    network: str
    category: str
    received: datetime | None
    due: datetime | None
    answered: datetime | None
    hours: float | None = None
    allowed: float | None = None
    closed: bool = False
    #: the account the message came to (older messages name none)
    account: str = ""
    #: ``open`` for a message found outside our accounts; its department (``departments.yml``)
    source: str = ""
    department: str = ""

    @property
    def late(self) -> bool:
        return self.due is not None and self.answered is not None and self.answered > self.due


@dataclass(frozen=True)
class AccountPosts:
    """One account's publications in the month, week by week."""

    network: str
    #: the account's name (an entry naming none: its network)
    name: str
    #: week key -> publications
    weeks: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.weeks.values())


@dataclass(frozen=True)
class MonthlyReport:
    """The figures of one month."""

    month: str
    start: datetime
    end: datetime
    weeks: tuple[Week, ...]
    #: network -> week key -> publications
    posts: Mapping[str, Mapping[str, int]]
    #: format -> publications
    formats: Mapping[str, int]
    #: moderation category -> action -> log entries
    moderation: Mapping[str, Mapping[str, int]]
    received: int
    #: answers sent in the month
    answers: tuple[Answer, ...]
    #: messages without an answer whose deadline had passed at ``cutoff``
    overdue: tuple[Answer, ...] = ()
    open: int = 0
    cutoff: datetime | None = None
    networks: tuple[str, ...] = field(default_factory=tuple)
    #: the publications of each account that published, and of every other account of a
    #: network with several, in the order of ``networks`` then by name
    accounts: tuple[AccountPosts, ...] = ()
    #: how the report names the accounts
    names: AccountNames = field(default_factory=lambda: AccountNames(()), compare=False)
    #: every message received in the month (by source and department: ``group_rows``)
    messages: tuple[Answer, ...] = ()
    #: department key -> its name (``departments.yml``)
    departments: Mapping[str, str] = field(default_factory=dict)
    #: the reach figures of the month's posts and the accounts' followers (``stats collect``)
    reach: Reach = field(default_factory=Reach)
    #: the month's last ``accounts audit`` by account
    health: Mapping[str, AuditEntry] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def in_time(self) -> int:
        return sum(1 for a in self.answers if not a.late)

    @property
    def late(self) -> int:
        return sum(1 for a in self.answers if a.late)

    @property
    def total_posts(self) -> int:
        return sum(self.network_total(n) for n in self.posts)

    def network_total(self, network: str) -> int:
        return sum(self.posts.get(network, {}).values())

    def median_hours(self) -> float | None:
        hours = [a.hours for a in self.answers if a.hours is not None]
        return statistics.median(hours) if hours else None

    @property
    def title(self) -> str:
        return _("Report for {month}", month=month_name(self.month))


def month_name(month: str) -> str:
    """``2026-12`` -> ``December 2026`` in the reader's language."""
    year, number = month.split("-")
    return f"{_(MONTHS[int(number) - 1])} {year}"


def parse_month(month: str, zone: tzinfo) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's first, in the local zone."""
    match = _MONTH.match(month.strip())
    if not match:
        raise PublisherError(
            _("Cannot read the month '{value}'.", value=month),
            _("Write it as YYYY-MM, for example 2026-12."),
        )
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=zone)
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, following


def current_month(now: datetime, zone: tzinfo) -> str:
    return now.astimezone(zone).strftime("%Y-%m")


def month_weeks(start: datetime, end: datetime) -> tuple[Week, ...]:
    """The ISO weeks that touch the month, each labelled with its days inside the month."""
    first, last = start.date(), (end - timedelta(days=1)).date()
    weeks: list[Week] = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        lo, hi = max(monday, first), min(monday + timedelta(days=6), last)
        year, number, _day = monday.isocalendar()
        span = f"{lo:%d.%m}" if lo == hi else f"{lo:%d.%m}–{hi:%d.%m}"
        weeks.append(Week(f"{year}-W{number:02d}", span))
        monday += timedelta(days=7)
    return tuple(weeks)


def week_key(moment: date) -> str:
    year, number, _day = moment.isocalendar()
    return f"{year}-W{number:02d}"


def monthly_report(ws: Workspace, content: Content, month: str) -> MonthlyReport:
    """Every figure of ``month`` (``YYYY-MM``) from the repository's files."""
    zone = ws.config.zone
    start, end = parse_month(month, zone)
    result_entries = ws.result_entries(content)
    accounts, formats = _publications(ws, content, result_entries, start, end)
    names = AccountNames(content.accounts)
    posts = _per_network(accounts)
    networks = tuple(n for n in NETWORK_TABLE if n in posts)
    calendar = load_inbox_rules(ws.repo, ws.config.inbox).calendar
    cutoff = min(ws.clock.now().astimezone(zone), end)
    answers = [answer_for(item, result_entries, calendar, zone) for item in content.inbox]
    return MonthlyReport(
        month=month,
        start=start,
        end=end,
        weeks=month_weeks(start, end),
        posts=posts,
        formats=formats,
        moderation=moderation_counts(read_log(ws.repo, skip_damaged=True), zone, start, end),
        received=sum(1 for a in answers if a.received and start <= a.received < end),
        answers=tuple(a for a in answers if a.answered and start <= a.answered < end),
        overdue=tuple(a for a in answers if _overdue_at(a, cutoff)),
        open=sum(1 for a in answers if _open_at(a, cutoff)),
        cutoff=cutoff,
        networks=networks,
        accounts=_with_quiet_accounts(accounts, content, names, networks),
        names=names,
        messages=tuple(a for a in answers if a.received and start <= a.received < end),
        departments=_department_names(ws),
        reach=reach_of(ws, content, start, end),
        health=read_stats(ws.repo, month).audit,
    )


def _department_names(ws: Workspace) -> dict[str, str]:
    """Department key -> name; keys alone when ``departments.yml`` cannot be read (``check``
    reports it)."""
    from publisher.inbox.departments import load_departments

    try:
        return {d.key: d.name for d in load_departments(ws.repo).items}
    except PublisherError:
        return {}


def _publications(
    ws: Workspace,
    content: Content,
    result_entries: Mapping[str, Mapping[str, ResultEntry]],
    start: datetime,
    end: datetime,
) -> tuple[list[AccountPosts], dict[str, int]]:
    """Publications per account per week, and the formats they used: the posts that are on
    the network, by the time each appeared there (a withdrawn post, deleted since, is not a
    publication to report)."""
    by_result_file = {post.result_file_path: post for post in content.posts}
    accounts: dict[str, AccountPosts] = {}
    formats = dict.fromkeys(FORMATS, 0)
    for rel, entries in result_entries.items():
        if rel.startswith(INBOX_DIR + "/"):
            continue
        for account, entry in entries.items():
            moment = published_at(entry, ws.config.zone) if entry.state == "published" else None
            if moment is None or not start <= moment < end:
                continue
            found = accounts.setdefault(account, AccountPosts(entry.network, account, {}))
            weeks = dict(found.weeks)
            weeks[week_key(moment.date())] = weeks.get(week_key(moment.date()), 0) + 1
            accounts[account] = AccountPosts(found.network, account, weeks)
            for name in _formats(ws, by_result_file.get(rel), entry.network, account):
                formats[name] += 1
    return list(accounts.values()), formats


def _per_network(accounts: Iterable[AccountPosts]) -> dict[str, dict[str, int]]:
    """The accounts' publications added up per network, week by week."""
    posts: dict[str, dict[str, int]] = {}
    for account in accounts:
        weeks = posts.setdefault(account.network, {})
        for week, count in account.weeks.items():
            weeks[week] = weeks.get(week, 0) + count
    return posts


def _with_quiet_accounts(
    accounts: list[AccountPosts],
    content: Content,
    names: AccountNames,
    networks: Sequence[str],
) -> tuple[AccountPosts, ...]:
    """``accounts``, and each account of a network with several that published nothing (a
    settlement's silent month shows as a row of zeros), in the order of ``networks``."""
    found = {a.name for a in accounts}
    quiet = [
        AccountPosts(a.network, a.name, {})
        for a in content.accounts
        if a.network in networks and a.name not in found and names.suffix(a.network, a.name)
    ]
    order = {network: index for index, network in enumerate(networks)}
    everyone = [a for a in (*accounts, *quiet) if a.network in order]
    return tuple(sorted(everyone, key=lambda a: (order[a.network], a.name)))


def published_at(entry: ResultEntry, zone: tzinfo) -> datetime | None:
    """When a post appeared on the network (local time), if this entry records a post."""
    if entry.state not in ("published", "deleted") or entry.operation in _NOT_POSTS:
        return None
    return _local(entry.published_at, zone)


def _formats(ws: Workspace, post: Post | None, network: str, account: str) -> tuple[str, ...]:
    caps = ws.capabilities.get(network)
    if post is None or caps is None:
        return ()
    options = ws.config.network_options.get(network)
    return formats_of(render_post(post, network, caps, options, account))


def formats_of(rendered: RenderedPost) -> tuple[str, ...]:
    """What a publication is made of: text only, a photo, an album, a video, a poll, a thread."""
    found: list[str] = []
    media = rendered.media
    if len(media) > 1:
        found.append("album")
    elif media:
        kind = media[0].kind
        found.append({"video": "video", "document": "document"}.get(kind, "photo"))
    if rendered.poll is not None:
        found.append("poll")
    if len(rendered.parts) > 1:
        found.append("thread")
    return tuple(found) or ("text",)


def moderation_counts(
    entries: Iterable[LogEntry], zone: tzinfo, start: datetime, end: datetime
) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for entry in entries:
        at = moment_of(entry.at, zone)
        if at is None or not start <= at < end:
            continue
        actions = counts.setdefault(entry.main_category, {})
        actions[entry.action] = actions.get(entry.action, 0) + 1
    return counts


def answered_at(
    item: InboxItem, result_entries: Mapping[str, Mapping[str, ResultEntry]], zone: tzinfo
) -> datetime | None:
    """When the answer to a message was published (``published_at`` of its result file; files
    written before it was recorded for answers: ``at``)."""
    for entry in result_entries.get(item.result_file_path, {}).values():
        if entry.state == "published":
            return _local(entry.published_at or entry.at, zone)
    return None


def answer_for(
    item: InboxItem,
    result_entries: Mapping[str, Mapping[str, ResultEntry]],
    calendar: WorkCalendar,
    zone: tzinfo,
) -> Answer:
    received = _local(item.received, zone)
    due = _local(item.due, zone)
    answered = answered_at(item, result_entries, zone)
    hours = allowed = None
    if received is not None:
        hours = calendar.working_hours_between(received, answered) if answered else None
        allowed = calendar.working_hours_between(received, due) if due else None
    return Answer(
        path=item.path,
        network=item.network,
        category=item.category or "other",
        received=received,
        due=due,
        answered=answered,
        hours=hours,
        allowed=allowed,
        closed=item.status == "closed" and answered is None,
        account=item.account,
        source=item.source,
        department=item.department,
    )


def _local(raw: Any, zone: tzinfo) -> datetime | None:
    found = moment_of(raw, zone)
    return found.astimezone(zone) if found else None


def _open_at(answer: Answer, cutoff: datetime) -> bool:
    """Received before ``cutoff`` and not answered (nor closed) by then."""
    if answer.closed or answer.received is None or answer.received >= cutoff:
        return False
    return answer.answered is None or answer.answered > cutoff


def _overdue_at(answer: Answer, cutoff: datetime) -> bool:
    return _open_at(answer, cutoff) and answer.due is not None and answer.due < cutoff


# --- charts ------------------------------------------------------------------------------------


def report_charts(report: MonthlyReport, titled: bool = True) -> dict[str, str]:
    """The report's charts as SVG documents, by file name (``titled``: the title drawn too)."""
    return {name: svg(chart) for name, chart in chart_data(report, titled).items()}


def chart_data(report: MonthlyReport, titled: bool = True) -> dict[str, Chart]:
    """The report's charts, by file name."""
    moderation = [(label(c), sum(a.values())) for c, a in sorted(report.moderation.items())]
    return {
        "posts.svg": posts_chart(report, titled),
        "formats.svg": bar_chart(
            _("Formats used"),
            [(label(f), report.formats.get(f, 0)) for f in FORMATS],
            titled=titled,
        ),
        "moderation.svg": bar_chart(
            _("Moderation actions by category"), moderation, "#c0392b", titled
        ),
        "answers.svg": bar_chart(_("Answers to citizens"), _answer_bars(report), "#27865a", titled),
        "sources.svg": bar_chart(
            _("Messages by source"), _group_bars(report, source_of), "#2c7fb8", titled
        ),
        "departments.svg": bar_chart(
            _("Messages by department"), _group_bars(report, department_of), "#8e44ad", titled
        ),
        **{p.chart_name: p.chart for p in _figure_parts(report, titled)},
    }


def _figure_parts(report: MonthlyReport, titled: bool = True) -> list[Part]:
    """The parts ``stats collect`` and ``accounts audit`` give the month: reach, health."""
    return [
        *reach_parts(report.reach, report.names, titled),
        *health_parts(report.health, report.names, titled),
    ]


def posts_chart(report: MonthlyReport, titled: bool = True) -> Chart:
    series = [
        (
            network_title(n),
            COLORS.get(n, BAR_COLOR),
            [report.posts[n].get(w.key, 0) for w in report.weeks],
        )
        for n in report.networks
    ]
    title = _("Posts per network per week")
    return grouped_bar_chart(title, [w.label for w in report.weeks], series, titled)


def _answer_bars(report: MonthlyReport) -> list[tuple[str, int]]:
    return [
        (_("received"), report.received),
        (_("answered in time"), report.in_time),
        (_("answered late"), report.late),
        (_("overdue, no answer"), len(report.overdue)),
    ]


# --- text --------------------------------------------------------------------------------------


def hours_text(hours: float | None) -> str:
    """Working hours for a reader: ``3,5 раб. ч``."""
    if hours is None:
        return "—"
    return _("{hours} working h", hours=decimal(hours))


def _table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    cells = [" | ".join(_md(c) for c in head)]
    lines = [f"| {cells[0]} |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines


def _md(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def posts_rows(report: MonthlyReport) -> list[list[object]]:
    """A row per network; where a network has several accounts, a row per account first and
    the network's total after them."""
    rows: list[list[object]] = []
    names = report.names
    for network in report.networks:
        accounts = [a for a in report.accounts if a.network == network]
        title = network_title(network)
        if any(names.suffix(network, a.name) for a in accounts):
            for account in accounts:
                weekly = [account.weeks.get(w.key, 0) for w in report.weeks]
                rows.append([names.title(network, account.name), *weekly, account.total])
            title = _("{network}, total", network=title)
        counts = [report.posts[network].get(w.key, 0) for w in report.weeks]
        rows.append([title, *counts, sum(counts)])
    totals = [sum(report.posts[n].get(w.key, 0) for n in report.networks) for w in report.weeks]
    rows.append([_("Total"), *totals, report.total_posts])
    return rows


def moderation_rows(report: MonthlyReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for category, actions in sorted(report.moderation.items()):
        counts = [actions.get(a, 0) for a in MODERATION_ACTIONS]
        rows.append([label(category), *counts, sum(actions.values())])
    return rows


def inbox_rows(report: MonthlyReport) -> list[tuple[str, object]]:
    return [
        (_("Messages received"), report.received),
        (_("Answers sent"), report.answered),
        (_("answered in time"), report.in_time),
        (_("answered late"), report.late),
        (_("Median answer time"), hours_text(report.median_hours())),
        (_("Overdue without an answer"), len(report.overdue)),
        (_("Still open"), report.open),
    ]


def report_markdown(report: MonthlyReport, charts: str | None = None) -> str:
    """The report as Markdown; with ``charts`` (a folder), the SVG charts are linked from it."""
    images = chart_data(report) if charts is not None else {}
    prefix = f"{charts.rstrip('/')}/" if charts else ""

    def chart(name: str) -> list[str]:
        return [f"![{images[name].title}]({prefix}{name})", ""] if name in images else []

    lines = [f"# {report.title}", ""]
    lines += ["## " + _("Posts per network per week"), "", *chart("posts.svg")]
    head = [_("Network"), *[w.label for w in report.weeks], _("Total")]
    lines += [*_table(head, posts_rows(report)), ""]
    lines += ["## " + _("Formats used"), "", *chart("formats.svg")]
    rows = [[label(f), report.formats.get(f, 0)] for f in FORMATS]
    lines += [*_table([_("Format"), _("Publications")], rows), ""]
    lines += ["## " + _("Moderation actions by category"), "", *chart("moderation.svg")]
    head = [_("Category"), *[label(a) for a in MODERATION_ACTIONS], _("Total")]
    lines += [*_table(head, moderation_rows(report) or [["—", *[0] * 5]]), ""]
    lines += ["## " + _("Citizens' messages"), "", *chart("answers.svg")]
    lines += [*_table([_("Figure"), _("Value")], inbox_rows(report)), ""]
    lines += _overdue_markdown(report)
    for title, name, key in _GROUPINGS:
        lines += ["## " + _(title), "", *chart(name)]
        lines += [*_table(group_head(), group_rows(report, key)), ""]
    for part in _figure_parts(report):
        lines += ["## " + part.title, "", *chart(part.chart_name), *_table(part.head, part.rows)]
        lines += ["", *(f"- {_md(note)}" for note in part.notes), *([""] if part.notes else [])]
    return "\n".join(lines).rstrip() + "\n"


def _overdue_markdown(report: MonthlyReport) -> list[str]:
    if not report.overdue:
        return []
    head = [_("Message"), _("Network"), _("Category"), _("Due")]
    return ["### " + _("Overdue"), "", *_table(head, overdue_rows(report)), ""]


def overdue_rows(report: MonthlyReport) -> list[list[object]]:
    """The overdue messages: file, where it came (the account where the network has several),
    category, deadline."""
    names = report.names
    return [
        [a.path, names.title(a.network, a.account), label(a.category), _when(a.due)]
        for a in report.overdue
    ]


def _when(moment: datetime | None) -> str:
    return moment.strftime("%d.%m.%Y %H:%M") if moment else "—"


@dataclass(frozen=True)
class Table:
    head: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True)
class Section:
    """A part of the report's page: a chart and its figures, and any overdue messages."""

    title: str
    chart: Chart
    table: Table
    overdue_title: str = ""
    overdue: Table | None = None
    #: what the figures above do not tell, and why (a network that gives no views)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportView:
    """What the report's page shows (``report_body.html``)."""

    title: str
    sections: tuple[Section, ...]


def report_view(report: MonthlyReport) -> ReportView:
    """The report's sections, each chart drawn with its figures beside it (the page's heading
    names the chart, so the chart does not draw its title)."""
    charts = chart_data(report, titled=False)
    overdue = overdue_rows(report)
    sections = (
        Section(
            _("Posts per network per week"),
            charts["posts.svg"],
            Table([_("Network"), *[w.label for w in report.weeks], _("Total")], posts_rows(report)),
        ),
        Section(
            _("Formats used"),
            charts["formats.svg"],
            Table(
                [_("Format"), _("Publications")],
                [[label(f), report.formats.get(f, 0)] for f in FORMATS],
            ),
        ),
        Section(
            _("Moderation actions by category"),
            charts["moderation.svg"],
            Table(
                [_("Category"), *[label(a) for a in MODERATION_ACTIONS], _("Total")],
                moderation_rows(report),
            ),
        ),
        Section(
            _("Citizens' messages"),
            charts["answers.svg"],
            Table([_("Figure"), _("Value")], inbox_rows(report)),
            _("Overdue"),
            Table([_("Message"), _("Network"), _("Category"), _("Due")], overdue)
            if overdue
            else None,
        ),
        *(
            Section(_(title), charts[name], Table(group_head(), group_rows(report, key)))
            for title, name, key in _GROUPINGS
        ),
        *(
            Section(
                part.title, charts[part.chart_name], Table(part.head, part.rows), notes=part.notes
            )
            for part in _figure_parts(report, titled=False)
        ),
    )
    return ReportView(report.title, sections)


def report_html(report: MonthlyReport) -> str:
    """The report as one self-contained HTML page (styles inline, charts inline)."""
    style = STYLE_FILE.read_text(encoding="utf-8") if STYLE_FILE.exists() else ""
    # the shipped stylesheet, not text anyone wrote: escaping would break its quotes
    return render(
        "report_page.html", lang=language(), style=Markup(style), report=report_view(report)
    )


def write_report(report: MonthlyReport, out: Path, fmt: str) -> list[Path]:
    """Write ``report-YYYY-MM.md`` with its SVG charts beside it, or ``report-YYYY-MM.html``."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        page = out / f"report-{report.month}.html"
        page.write_text(report_html(report), encoding="utf-8")
        return [page]
    folder = f"charts-{report.month}"
    (out / folder).mkdir(exist_ok=True)
    written = []
    for name, drawing in report_charts(report).items():
        path = out / folder / name
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + drawing + "\n", encoding="utf-8"
        )
        written.append(path)
    page = out / f"report-{report.month}.md"
    page.write_text(report_markdown(report, folder), encoding="utf-8")
    return [page, *written]


# --- messages by source and by department -------------------------------------------------------


def source_of(report: MonthlyReport, answer: Answer) -> str:
    """Where a message was written: one of our accounts (as the report names it), or the open
    sources of a network."""
    if answer.source == OPEN_SOURCE:
        return _("open sources: {network}", network=network_title(answer.network))
    return report.names.title(answer.network, answer.account)


def department_of(report: MonthlyReport, answer: Answer) -> str:
    if not answer.department:
        return _("No department")
    return report.departments.get(answer.department, answer.department)


Grouping = Callable[[MonthlyReport, Answer], str]
#: the report's sections by group: title, chart file, how a message is grouped
_GROUPINGS: tuple[tuple[str, str, Grouping], ...] = (
    (N_("Messages by source"), "sources.svg", source_of),
    (N_("Messages by department"), "departments.svg", department_of),
)


def group_head() -> list[str]:
    return [_("Group"), _("Received"), _("Answered"), _("Median answer time"), _("Overdue")]


def group_rows(report: MonthlyReport, key: Grouping) -> list[list[object]]:
    """A row per group of the messages received in the month: how many, how many of them
    answered, the median working hours to the answer, how many are overdue now."""
    groups: dict[str, list[Answer]] = {}
    for answer in report.messages:
        groups.setdefault(key(report, answer), []).append(answer)
    overdue = {a.path for a in report.overdue}
    rows: list[list[object]] = []
    for name, found in sorted(groups.items()):
        hours = [a.hours for a in found if a.hours is not None]
        rows.append(
            [
                name,
                len(found),
                sum(1 for a in found if a.answered is not None),
                hours_text(statistics.median(hours) if hours else None),
                sum(1 for a in found if a.path in overdue),
            ]
        )
    return rows or [["—", 0, 0, "—", 0]]


def _group_bars(report: MonthlyReport, key: Grouping) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for answer in report.messages:
        name = key(report, answer)
        counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items())
