"""``publisher check``: every problem of the repository, or of the files a request changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from publisher.content.check import CheckResult
from publisher.core.errors import Diagnostic
from publisher.engine.workspace import Workspace
from publisher.reports import plan_report as report
from publisher.state.tree import narrowed


def check_files(ws: Workspace, paths: Sequence[str], strict: bool) -> CheckResult:
    """Check the posts under ``paths`` (as given on the command line), or everything."""
    only = narrowed([_repo_relative(ws.repo, p) for p in paths] or None)
    return ws.check(ws.load(only), strict=strict, only=only)


def check_output(diagnostics: Sequence[Diagnostic], fmt: str) -> str:
    """The diagnostics as ``text``, ``github`` (workflow annotations) or ``json``."""
    if fmt == "json":
        items = [report.diagnostic_dict(d) for d in diagnostics]
        return json.dumps(items, ensure_ascii=False, indent=2)
    listed = report.diagnostics_github if fmt == "github" else report.diagnostics_text
    parts = [listed(diagnostics)] if diagnostics else []
    return "\n".join([*parts, report.check_summary(diagnostics)])


def _repo_relative(repo: Path, path: str) -> str:
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else (Path.cwd() / candidate)
    try:
        return absolute.resolve().relative_to(repo).as_posix()
    except ValueError:
        return candidate.as_posix()
