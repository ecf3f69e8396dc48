"""A sweep's decisions as text for the terminal and the CI log (citizens' names and words
without escape sequences or control characters)."""

from __future__ import annotations

from publisher.core.escape import one_line
from publisher.core.i18n import _
from publisher.core.labels import moderation_label, rule_label
from publisher.moderation.sweep import Outcome, SweepReport

_LABELS = {"delete": "✗", "hide": "◐", "review": "?", "ban": "✗", "keep": "✓"}


def action_label(action: str) -> str:
    labels = {
        "delete": _("delete"),
        "hide": _("hide"),
        "review": _("for a person to decide"),
        "ban": _("delete and ban the author"),
        "keep": _("keep"),
    }
    return labels.get(action, action)


def sweep_text(report: SweepReport, dry_run: bool) -> str:
    lines = [line for item in report.outcomes for line in outcome_lines(item)]
    return "\n".join([*lines, sweep_summary(report, dry_run)])


def outcome_lines(item: Outcome) -> list[str]:
    """One decision's line, with the bans it brought and the network's error: ``moderate``
    prints them the moment the decision is carried out."""
    comment = item.comment
    excerpt = " ".join(one_line(comment.text).split())[:60]
    author = one_line(comment.author_name or comment.author_id)
    lines = [
        f"{_LABELS.get(item.action, '·')} {action_label(item.action)} {item.where or item.account} "
        f"{author}: «{excerpt}» "
        f"[{', '.join(map(moderation_label, item.decision.categories))}; "
        f"{rule_label(item.decision.rule)}]"
    ]
    if item.ban_until:
        lines.append("    " + _("author banned until {until}", until=item.ban_until))
    if item.banned_elsewhere:
        others = ", ".join(item.banned_elsewhere)
        lines.append("    " + _("and banned on {accounts} too", accounts=others))
    if item.error:
        lines.append(f"    {item.error}")
    return lines


def decision_lines(item: Outcome) -> list[str]:
    """A person's decision on a filed comment as it was carried out, and who approved it."""
    lines = outcome_lines(item)
    lines[0] = _("decision: {line}", line=lines[0])
    if item.approved_by:
        lines.insert(1, "    " + _("approved by {who}", who=one_line(item.approved_by)))
    return lines


def sweep_summary(report: SweepReport, dry_run: bool) -> str:
    """What follows the decisions' lines: the people's decisions carried out, the decision
    files that cannot be (with their line and fix), the accounts not read, and the counts."""
    lines = [line for item in report.decisions for line in decision_lines(item)]
    for problem in report.problems:
        where = f"{problem.path}:{problem.line}"
        lines.append(f"{where}: {problem.message} {problem.hint}".rstrip())
    for account, error in report.failed_accounts.items():
        lines.append(_("{account}: not read: {error}", account=account, error=error))
    summary = _(
        "Comments read: {read}, actions: {count}.", read=report.read, count=len(report.outcomes)
    )
    filed = sum(1 for item in report.outcomes if item.action == "review")
    if filed:
        summary += " " + _("Sent to a person: {count} (moderation/review/).", count=filed)
    if dry_run:
        summary += " " + _("(dry run: nothing was changed)")
    lines.append(summary)
    return "\n".join(lines)
