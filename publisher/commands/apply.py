"""``publisher apply`` as the terminal shows it; the flow itself is ``engine.publish``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console

from publisher.commands.progress import Board
from publisher.content.check import CheckResult
from publisher.core.capabilities import network_title
from publisher.core.i18n import _
from publisher.core.model import Plan
from publisher.core.names import AccountNames
from publisher.core.progress import Watch
from publisher.engine.apply import ApplyReport, Result
from publisher.engine.contests import ContestReport
from publisher.engine.live import LiveReport
from publisher.engine.publish import Progress
from publisher.engine.results_request import ResultsRequest
from publisher.reports import plan_report as report


class ApplyPrinter(Progress):
    """Shows the errors that hold posts back (on ``warn``), each action the moment it completes
    (with a progress bar on a terminal), then the counts and the commit."""

    def __init__(
        self,
        echo: Callable[[str], None],
        warn: Callable[[str], None],
        console: Console | None = None,
    ) -> None:
        self.echo, self.warn, self.console = echo, warn, console
        self.board: Board[Result] | None = None

    def checked(self, check: CheckResult, plan: Plan) -> None:
        if check.errors:
            self.warn(report.diagnostics_text(check.errors))

    def actions(self, plan: Plan) -> Watch[Result]:
        names = AccountNames(plan.accounts)
        self.board = Board(
            _("Publishing"), lambda r: report.result_lines(r, names), self.echo, self.console
        )
        return self.board

    def applied(self, plan: Plan, outcome: ApplyReport) -> None:
        self.close()
        self.echo(report.apply_summary(plan, outcome))

    def contested(self, report: ContestReport) -> None:
        for line in contest_lines(report):
            self.echo(line)
        for (post, account), error in sorted(report.failed.items()):
            self.warn(
                _(
                    "Contest {post}: entrants not read on {account}: {error}",
                    post=post,
                    account=network_title(account) if account else "—",
                    error=error,
                )
            )

    def requested(self, requests: Sequence[ResultsRequest]) -> None:
        lines, warnings = request_lines(requests)
        for line in lines:
            self.echo(line)
        for line in warnings:
            self.warn(line)

    def broadcast(self, report: LiveReport) -> None:
        for (post, account), url in sorted(report.created.items()):
            self.echo(
                _(
                    "Broadcast created for {post} on {account}: {url}; the announcement links "
                    "to it. The stream key: publisher live key {post}",
                    post=post,
                    account=network_title(account),
                    url=url,
                )
            )
        for (post, account), url in sorted(report.ended.items()):
            self.echo(
                _(
                    "Broadcast of {post} on {account} has ended: {url}",
                    post=post,
                    account=network_title(account),
                    url=url,
                )
            )
        for (post, account), error in sorted(report.failed.items()):
            self.warn(
                _(
                    "Broadcast of {post} on {account}: {error}",
                    post=post,
                    account=network_title(account) if account else "—",
                    error=error,
                )
            )

    def committed(self, sha: str) -> None:
        self.echo(_("Results recorded in commit {sha}.", sha=sha[:10]))

    def close(self) -> None:
        """Take the bar off the terminal, also when the run failed half-way."""
        if self.board is not None:
            self.board.close()


def contest_lines(report: ContestReport) -> list[str]:
    """A line for each draw made and each results post prepared (what becomes of the post is
    told once it is committed: ``request_lines``)."""
    lines = [
        _(
            "Contest {post} drawn: {count} winners; check it with publisher contest verify {post}.",
            post=post,
            count=len(drawn.winners),
        )
        for post, drawn in sorted(report.drawn.items())
    ]
    lines += [
        _("Results post prepared as a draft: {path}.", path=path)
        for _post, path in sorted((p, d.path) for p, d in report.results.items())
    ]
    return lines


def request_lines(requests: Sequence[ResultsRequest]) -> tuple[list[str], list[str]]:
    """What to tell of the requests: lines to show, and warnings."""
    lines: list[str] = []
    warnings: list[str] = []
    for request in requests:
        if request.manual:
            lines.append(
                _(
                    "No request opened for {path} (no Git host here, or the results were not "
                    "pushed): write the winners' names in and set status: ready in a merge "
                    "request.",
                    path=request.path,
                )
            )
        elif request.error:
            warnings.append(
                _(
                    "Warning: the request for the results {path} was not opened: {error}. The "
                    "draft is committed: write the winners' names in and set status: ready in a "
                    "merge request by hand.",
                    path=request.path,
                    error=request.error,
                )
            )
        elif request.opened:
            lines.append(
                _(
                    "Request opened to approve the results {path}: {url}. Write the winners' "
                    "names in before merging; merging publishes them.",
                    path=request.path,
                    url=request.url,
                )
            )
        else:
            lines.append(
                _(
                    "The request for the results {path} exists already: {url}",
                    path=request.path,
                    url=request.url,
                )
            )
    return lines, warnings
