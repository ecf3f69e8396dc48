"""``publisher stats collect``: the networks' reach figures into ``stats/YYYY-MM.yml``."""

from __future__ import annotations

from collections.abc import Callable

from publisher.core.i18n import _
from publisher.core.progress import Watch
from publisher.engine.publish import record
from publisher.engine.stats import StatsReport, collect_stats
from publisher.engine.workspace import Workspace
from publisher.reports.names import AccountNames
from publisher.state.repo import build_message


def collect(
    ws: Workspace,
    *,
    commit: bool = True,
    push: bool = False,
    shown: Callable[[StatsReport], None] = lambda _told: None,
    committed: Callable[[str], None] = lambda _told: None,
    watch: Watch[str] | None = None,
) -> StatsReport:
    """Read the figures, write the month's file and commit it (only that file). ``shown``
    gets the report before the commit and push, ``committed`` the commit."""
    content = ws.load()
    report = collect_stats(ws, content, watch)
    names = AccountNames(content.accounts)
    report.titles = {a.name: names.title(a.network, a.name) for a in content.accounts}
    shown(report)
    if commit:
        subject = "publisher: " + _(
            "reach figures, {posts} posts, {accounts} accounts",
            posts=report.posts,
            accounts=len(report.accounts),
        )
        lines = [f"{report.title(name)}: {error}" for name, error in sorted(report.failed.items())]
        record(ws, report.files, build_message(subject, lines), push, committed)
    return report
