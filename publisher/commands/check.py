"""``publisher check``: every problem of the repository, or of the files a request changes, and
the style fixes a merge request review can offer."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.content.check import CheckResult, checked_posts
from publisher.content.load import Content
from publisher.content.stylecheck import LineFix, post_style, style_fixes
from publisher.core.errors import ApprovalError
from publisher.engine.workspace import Workspace
from publisher.reports import plan_report as report
from publisher.state.tree import narrowed

if TYPE_CHECKING:
    import httpx

    from publisher.forge import Suggested


@dataclass(frozen=True)
class Checked:
    """What check found, and what it read: the content and the part of it checked (``only``)."""

    result: CheckResult
    content: Content
    only: tuple[str, ...] | None

    def fixes(self, ws: Workspace, files: Collection[str] | None = None) -> list[LineFix]:
        """The style fixes of the checked posts (of those in ``files`` when given), each a line
        with its replacements; they are linted again where the findings came from the cache,
        so only when asked for, and on a merge request only in the files it changes."""
        rules = ws.config.style
        return [
            fix
            for post in checked_posts(self.content, self.only)
            if files is None or post.path in files
            for fix in style_fixes(post, post_style(post, rules))
        ]


def check_files(ws: Workspace, paths: Sequence[str], strict: bool) -> Checked:
    """Check the posts under ``paths`` (as given on the command line), or everything."""
    only = narrowed([_repo_relative(ws.repo, p) for p in paths] or None)
    content = ws.load(only)
    return Checked(ws.check(content, strict=strict, only=only), content, only)


def check_output(ws: Workspace, checked: Checked, fmt: str) -> str:
    """The diagnostics as ``text``, ``github`` (workflow annotations) or ``json``; or the style
    fixes as the body of a GitHub pull request review (``github-review``)."""
    diagnostics = checked.result.diagnostics
    if fmt == "github-review":
        return review_json(checked.fixes(ws))
    if fmt == "json":
        items = [report.diagnostic_dict(d) for d in diagnostics]
        return json.dumps(items, ensure_ascii=False, indent=2)
    listed = report.diagnostics_github if fmt == "github" else report.diagnostics_text
    parts = [listed(diagnostics)] if diagnostics else []
    return "\n".join([*parts, report.check_summary(diagnostics)])


def review_json(fixes: Sequence[LineFix]) -> str:
    """A review of ``POST /repos/{o}/{r}/pulls/{n}/reviews`` with a suggestion per fixed line
    (GitHub takes it only when every line is one the pull request adds)."""
    from publisher.forge.base import suggestion_body
    from publisher.forge.github import GitHub, review_summary

    review = {
        "event": "COMMENT",
        "body": review_summary(len(fixes)),
        "comments": [
            {
                "path": fix.path,
                "line": fix.line,
                "side": "RIGHT",
                "body": suggestion_body(fix, GitHub.suggestion_info),
            }
            for fix in fixes
        ],
    }
    return json.dumps(review, ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Offered:
    """What came of offering the style fixes on the merge request, or why nothing was sent."""

    suggested: Suggested | None = None
    #: not a merge request's CI job: nothing was sent
    outside: bool = False
    #: what the Git host said when it refused (a fork's read-only token)
    refused: str = ""


def offer_fixes(
    ws: Workspace, checked: Checked, forge_transport: httpx.BaseTransport | None = None
) -> Offered:
    """Offer the style fixes on the lines the merge request adds, as review suggestions."""
    from publisher.forge import detect, request_number  # the HTTP client: only when posting

    number = request_number(ws.env)
    try:
        forge = detect(ws.env, forge_transport)
        if forge is None or number is None:
            return Offered(outside=True)
        return Offered(forge.suggest(number, lambda files: checked.fixes(ws, files)))
    except ApprovalError as exc:
        return Offered(refused=exc.message)


def _repo_relative(repo: Path, path: str) -> str:
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else (Path.cwd() / candidate)
    try:
        return absolute.resolve().relative_to(repo).as_posix()
    except ValueError:
        return candidate.as_posix()
