"""The exit codes of the commands (listed in ``cli.py``'s docstring and the README)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publisher.engine.publish import PublishReport

EXIT_OK = 0
#: content, config or approval problems (nothing was published for the broken posts)
EXIT_PROBLEMS = 1
#: partial apply: some actions failed; they are recorded and the next run retries them
EXIT_PARTIAL = 3


def published_exit(report: PublishReport) -> int:
    """The exit code of ``apply`` (and of the demo, which runs the same flow)."""
    if report.partial:
        return EXIT_PARTIAL
    return EXIT_PROBLEMS if report.problems else EXIT_OK
