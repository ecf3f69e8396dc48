"""A sweep's decisions as text for the terminal and the CI log (citizens' names and words
without escape sequences or control characters)."""

from __future__ import annotations

from publisher.core.escape import one_line
from publisher.core.i18n import _
from publisher.moderation.sweep import Outcome, SweepReport

_LABELS = {"delete": "✗", "hide": "◐", "review": "?"}


def action_label(action: str) -> str:
    labels = {
        "delete": _("delete"),
        "hide": _("hide"),
        "review": _("for a person to decide"),
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
        f"{_LABELS.get(item.action, '·')} {action_label(item.action)} {item.account} "
        f"{author}: «{excerpt}» "
        f"[{', '.join(item.decision.categories)}; {item.decision.rule}]"
    ]
    if item.ban_until:
        lines.append("    " + _("author banned until {until}", until=item.ban_until))
    if item.banned_elsewhere:
        others = ", ".join(item.banned_elsewhere)
        lines.append("    " + _("and banned on {accounts} too", accounts=others))
    if item.error:
        lines.append(f"    {item.error}")
    return lines


def sweep_summary(report: SweepReport, dry_run: bool) -> str:
    """What follows the decisions' lines: the accounts not read, and the counts."""
    lines: list[str] = []
    for account, error in report.failed_accounts.items():
        lines.append(_("{account}: not read: {error}", account=account, error=error))
    summary = _(
        "Comments read: {read}, actions: {count}.", read=report.read, count=len(report.outcomes)
    )
    if dry_run:
        summary += " " + _("(dry run: nothing was changed)")
    lines.append(summary)
    return "\n".join(lines)
