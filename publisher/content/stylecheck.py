"""The style linter wired into the repository: its rules from publisher.yml, findings as
diagnostics at their file and line, a short summary per post for the plan comment, and the
fixes a merge request review can offer to apply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from publisher.content.style import CATEGORY_LABELS, LONG_SENTENCE, Finding, StyleReport, lint
from publisher.core.config import StyleRules
from publisher.core.errors import Diagnostic, Severity
from publisher.core.escape import markdown_code, markdown_inline, one_line
from publisher.core.front_matter import BODY
from publisher.core.i18n import _
from publisher.core.model import Post

#: style reports by (text, rules) within one run (``cache`` keeps each post's findings); a
#: partial check fills it from the child that linted ahead (``Workspace.load``)
LINTED: dict[tuple[str, str], StyleReport] = {}
#: how many different wordings of one phrase a summary line quotes
QUOTED = 3
#: the longest quote of a summary line (a chain of nouns can be long)
QUOTE_CHARS = 60


def post_style(post: Post, rules: StyleRules) -> StyleReport:
    """The post's style report; linting is the slowest part of check, so it is cached."""
    key = (post.body, repr(rules))
    if key not in LINTED:
        LINTED[key] = lint(post.body, rules)
    return LINTED[key]


def style_diagnostics(post: Post, report: StyleReport, as_errors: bool) -> list[Diagnostic]:
    """Each finding at its line in the post's file, with the plain alternative."""
    severity = Severity.ERROR if as_errors else Severity.WARNING
    result = []
    for finding in report.findings:
        line, column = _position(post, finding.start)
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


def _position(post: Post, offset: int) -> tuple[int, int]:
    """The file's line and column of ``offset`` in the post's body."""
    before = post.body[:offset]
    line = post.lines.get(BODY, 1) + before.count("\n")
    return line, offset - (before.rfind("\n") + 1) + 1


@dataclass(frozen=True)
class PostStyle:
    """A post's style for the plan comment: its score and its findings in Markdown."""

    post_id: str
    score: float
    markdown: str


def style_summary(posts: Iterable[Post], rules: StyleRules) -> tuple[PostStyle, ...]:
    """The style of each post that will go out (never a draft or a withdrawn post), lowest score
    first: its score, then one line per phrase with how often the post uses it."""
    scored = [(post_style(post, rules), post) for post in posts if post.status == "ready"]
    scored.sort(key=lambda item: (item[0].score, item[1].id))
    return tuple(
        PostStyle(post.id, report.score, _post_markdown(post, report)) for report, post in scored
    )


def _post_markdown(post: Post, report: StyleReport) -> str:
    score = _("style score {score}/10", score=report.score)
    lines = [f"- {markdown_code(post.id)} — {score}"]
    groups: dict[tuple[str, str], list[str]] = {}
    for finding in report.findings:
        groups.setdefault((finding.category, finding.suggestion), []).append(
            "" if finding.category == LONG_SENTENCE else post.body[finding.start : finding.end]
        )
    for (category, suggestion), found in groups.items():
        label = markdown_inline(_(CATEGORY_LABELS[category]))
        count = f" ×{len(found)}" if len(found) > 1 else ""
        quotes = _quotes(found)
        head = f"{quotes}{count} — {label}" if quotes else f"{label}{count}"
        lines.append(f"  - {head} → {markdown_inline(suggestion)}")
    return "\n".join(lines)


def _quotes(found: list[str]) -> str:
    """The different wordings found (case aside), the first few, each quoted and shortened."""
    seen: dict[str, str] = {}
    for text in found:
        text = one_line(text)
        if text:
            seen.setdefault(text.lower().replace("ё", "е"), text)
    shown = [_shortened(text) for text in list(seen.values())[:QUOTED]]
    more = "…" if len(seen) > QUOTED else ""
    return ", ".join(f"«{markdown_inline(text)}»" for text in shown) + more


def _shortened(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class LineFix:
    """One line of a post's file and the same line with the style fixes applied; a merge
    request review offers it as a suggestion to apply with one click."""

    path: str
    line: int
    before: str
    after: str
    #: what the fix changes and why, as escaped Markdown
    note: str


def style_fixes(post: Post, report: StyleReport) -> list[LineFix]:
    """The fixes of a post that will go out (never a draft or a withdrawn post), one per line:
    every finding on the line with a ``replacement`` applied, the rest of the line kept."""
    if post.status != "ready":
        return []
    by_line: dict[int, list[Finding]] = {}
    for finding in report.findings:
        if finding.replacement and "\n" not in post.body[finding.start : finding.end]:
            by_line.setdefault(_position(post, finding.start)[0], []).append(finding)
    return [_line_fix(post, line, found) for line, found in sorted(by_line.items())]


def _line_fix(post: Post, line: int, found: list[Finding]) -> LineFix:
    start = post.body.rfind("\n", 0, found[0].start) + 1
    end = post.body.find("\n", found[0].start)
    text = post.body[start : end if end >= 0 else len(post.body)]
    after, free = text, len(text)  # fixes go in from the line's end; none may overlap another
    applied = []
    for finding in sorted(found, key=lambda f: f.start, reverse=True):
        if finding.end - start <= free:
            after = (
                after[: finding.start - start] + finding.replacement + after[finding.end - start :]
            )
            free = finding.start - start
            applied.append(finding)
    changes = "; ".join(
        _(
            "«{words}» → «{fix}»",
            words=markdown_inline(post.body[f.start : f.end]),
            fix=markdown_inline(f.replacement),
        )
        for f in reversed(applied)
    )
    note = _("Style: {changes}", changes=changes)
    return LineFix(post.path, line, text.rstrip("\r"), after.rstrip("\r"), note)
