"""``publisher apply`` as one flow: check and plan, approvals, claims, apply, commit, push.

The command and the demo both run ``publish``; they differ only in what they show as it goes.
The flow never prints: it tells a ``Progress`` when each step ends, so a caller shows what was
checked and what was published before a later step (an approval, a push) can fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from publisher.content.check import CheckResult
from publisher.content.load import Content
from publisher.core.model import Plan
from publisher.core.progress import Watch
from publisher.engine.apply import ApplyReport, Result, moves
from publisher.engine.approval import Approver
from publisher.engine.contests import ContestReport
from publisher.engine.live import LiveReport
from publisher.engine.results_request import ResultsRequest, offer_results
from publisher.engine.workspace import Workspace, commit_message
from publisher.state.repo import commit_results

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class PublishOptions:
    """What ``publisher apply`` is asked to do besides publishing."""

    commit: bool = True
    push: bool = False
    #: outside CI, publish to real networks without an approved merge (recorded in the commit)
    skip_approval: bool = False
    #: the Git host's HTTP (tests inject it; None: the real one)
    forge_transport: httpx.BaseTransport | None = None


class Progress:
    """What the caller is told as the flow goes, one call per step; by default nothing."""

    def checked(self, check: CheckResult, plan: Plan) -> None:
        """Content checked and planned; nothing approved or sent yet."""

    def actions(self, plan: Plan) -> Watch[Result]:
        """What hears of each of ``plan``'s actions as it completes (from the accounts'
        threads at once), before ``applied``."""
        return Watch()

    def applied(self, plan: Plan, outcome: ApplyReport) -> None:
        """Every action ran, and each result is in its result file."""

    def contested(self, report: ContestReport) -> None:
        """The contests were read and those that closed drawn (``engine.contests``)."""

    def broadcast(self, report: LiveReport) -> None:
        """The broadcasts were created for their announcements and followed (``engine.live``)."""

    def committed(self, sha: str) -> None:
        """The results are in commit ``sha`` (not told when nothing changed), not yet pushed."""

    def requested(self, requests: Sequence[ResultsRequest]) -> None:
        """The results posts written this run were offered for approval (``engine.
        results_request``): after the commit and the push, one entry per post."""


@dataclass(frozen=True)
class PublishReport:
    """What one run checked, planned and did, and where it recorded it."""

    check: CheckResult
    #: the plan carried out: made again when another run claimed posts first (``--push``)
    plan: Plan
    outcome: ApplyReport
    #: the result commit; None when not committing or nothing changed
    commit: str | None = None
    pushed: bool = False
    #: what the run did with the contests
    contests: ContestReport = field(default_factory=ContestReport)
    #: the broadcasts the run created and saw end
    live: LiveReport = field(default_factory=LiveReport)
    #: the requests to approve the contests' results posts the run wrote
    requests: tuple[ResultsRequest, ...] = ()

    @property
    def problems(self) -> bool:
        """Some posts were held back for errors in their files."""
        return bool(self.check.errors)

    @property
    def partial(self) -> bool:
        """Some actions failed or were left for the next run (which retries them)."""
        return bool(self.outcome.failed or self.contests.failed or self.live.failed)


def publish(
    ws: Workspace, options: PublishOptions | None = None, progress: Progress | None = None
) -> PublishReport:
    """Publish what the plan says; ApprovalError before anything is sent if it is not approved.

    With ``push``, the new posts are first claimed in the shared repository (``reserve``),
    which may make the plan again; its approvals are then checked again too.
    """
    options = options or PublishOptions()
    progress = progress or Progress()
    content = ws.load()
    check, plan = ws.checked_plan(content)
    progress.checked(check, plan)
    approve = Approver(ws, options.skip_approval, options.forge_transport)
    approve(plan)
    if options.push and options.commit:
        content, plan = ws.reserve(content, plan, approve)
    plan, live = ws.announce_broadcasts(content, plan)
    outcome = ws.apply(content, plan, approve.current, progress.actions(plan))
    answered = ws.mark_answered(content)
    progress.applied(plan, outcome)
    contests = ws.run_contests(content)
    progress.contested(contests)
    live = ws.follow_broadcasts(content, live)
    progress.broadcast(live)
    report = PublishReport(check, plan, outcome, contests=contests, live=live)
    if not options.commit:
        requests = offer_results(ws, contests, False)
        if requests:
            progress.requested(requests)
        return replace(report, requests=requests)
    message = commit_message(outcome, approve.current)
    files = [*_result_files(ws, content, plan), *answered, *contests.files, *live.files]
    sha = record(ws, files, message, options.push, progress.committed)
    requests = offer_results(ws, contests, options.push, options.forge_transport)
    if requests:
        progress.requested(requests)
    return replace(report, commit=sha, pushed=options.push, requests=requests)


def _result_files(ws: Workspace, content: Content, plan: Plan) -> list[str]:
    """The result files a run commits: every one that exists, and every one a moved post left
    behind (its removal is committed). The run commits with them the messages it marked
    answered (``Workspace.mark_answered``): their status line, nothing else."""
    files = [f for f in ws.result_file_paths(content) if (ws.repo / f).exists()]
    return files + [action.moved_from for action in moves(plan)]


def record(
    ws: Workspace,
    files: Iterable[str],
    message: str,
    push: bool,
    committed: Callable[[str], None],
) -> str | None:
    """Commit ``files`` (``committed`` hears of it before the push can fail), push if asked.

    ``apply``, ``moderate`` and ``inbox collect`` end with it; the commit's sha, or None when
    nothing changed."""
    sha = commit_results(ws.repo, files, message)
    if sha:
        committed(sha)
    if push:
        ws.push()
    return sha
