"""``publisher apply`` as the terminal shows it; the flow itself is ``engine.publish``."""

from __future__ import annotations

from collections.abc import Callable

from publisher.content.check import CheckResult
from publisher.core.i18n import _
from publisher.core.model import Plan
from publisher.engine.apply import ApplyReport
from publisher.engine.publish import Progress
from publisher.reports import plan_report as report


class ApplyPrinter(Progress):
    """Shows the errors that hold posts back (on ``warn``), what was done and the commit."""

    def __init__(self, echo: Callable[[str], None], warn: Callable[[str], None]) -> None:
        self.echo, self.warn = echo, warn

    def checked(self, check: CheckResult, plan: Plan) -> None:
        if check.errors:
            self.warn(report.diagnostics_text(check.errors))

    def applied(self, plan: Plan, outcome: ApplyReport) -> None:
        self.echo(report.apply_text(plan, outcome))

    def committed(self, sha: str) -> None:
        self.echo(_("Results recorded in commit {sha}.", sha=sha[:10]))
