"""The style linter wired into the repository: its rules from publisher.yml, findings as
diagnostics at their file and line, and a short summary per post for the plan comment."""

from __future__ import annotations

from collections.abc import Iterable

from publisher.content.style import StyleReport, lint
from publisher.core.config import StyleRules
from publisher.core.errors import Diagnostic, Severity
from publisher.core.escape import markdown_code, markdown_inline
from publisher.core.front_matter import BODY
from publisher.core.i18n import _
from publisher.core.model import Post

#: style reports by (text, rules) within one run (``cache`` keeps each post's findings); a
#: partial check fills it from the child that linted ahead (``Workspace.load``)
LINTED: dict[tuple[str, str], StyleReport] = {}


def post_style(post: Post, rules: StyleRules) -> StyleReport:
    """The post's style report; linting is the slowest part of check, so it is cached."""
    key = (post.body, repr(rules))
    if key not in LINTED:
        LINTED[key] = lint(post.body, rules)
    return LINTED[key]


def style_diagnostics(post: Post, report: StyleReport, as_errors: bool) -> list[Diagnostic]:
    """Each finding at its line in the post's file, with the plain alternative."""
    severity = Severity.ERROR if as_errors else Severity.WARNING
    first_line = post.lines.get(BODY, 1)
    result = []
    for finding in report.findings:
        before = post.body[: finding.start]
        line = first_line + before.count("\n")
        column = finding.start - (before.rfind("\n") + 1) + 1
        result.append(
            Diagnostic(
                post.path,
                line,
                severity,
                _("Style: {message}", message=finding.message),
                finding.suggestion,
                f"style-{finding.category}",
                column,
            )
        )
    return result


def style_summary(posts: Iterable[Post], rules: StyleRules) -> str:
    """Markdown for the plan comment: the score of each post and its first findings."""
    lines = []
    for post in posts:
        report = post_style(post, rules)
        score = _("style score {score}/10", score=report.score)
        lines.append(f"- {markdown_code(post.id)} — {score}")
        for finding in report.findings[:3]:
            quoted, message, suggestion = (
                markdown_inline(text)
                for text in (
                    post.body[finding.start : finding.end],
                    finding.message,
                    finding.suggestion,
                )
            )
            lines.append(f"  - «{quoted}»: {message} → {suggestion}")
    if not lines:
        return ""
    heading = _("Style")
    return "\n".join([f"#### {heading}", "", *lines])
