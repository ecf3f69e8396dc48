"""``publisher moderate``: a sweep over new comments, and undoing one of its decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from publisher.core.i18n import N_, _
from publisher.core.progress import Watch
from publisher.engine.approval import decision_approver, require_approved_history
from publisher.engine.publish import record
from publisher.engine.workspace import Restored, Workspace
from publisher.moderation.review import pending_lines, read_reviews
from publisher.moderation.sweep import Outcome, SweepReport
from publisher.state.repo import build_message

if TYPE_CHECKING:
    import httpx

#: marks the Git host issue that ``moderate`` keeps up to date
REVIEW_MARKER = "<!-- publisher-moderation-review -->"
REVIEW_HOWTO = N_(
    "The moderation sweep was unsure about these comments. In each file write decision: remove, "
    "keep or ban, and have the change merged: the next publisher moderate carries it out."
)


def sweep(
    ws: Workspace,
    *,
    dry_run: bool = False,
    commit: bool = True,
    push: bool = False,
    forge_transport: httpx.BaseTransport | None = None,
    shown: Callable[[SweepReport], None] = lambda _told: None,
    committed: Callable[[str], None] = lambda _told: None,
    watch: Watch[Outcome] | None = None,
) -> SweepReport:
    """Read new comments, act on them by the rules, and commit the log (not on a dry run).

    In CI the rules act only if every change since the last run was approved, and a person's
    decision on a filed comment only if its own request was. ``shown`` gets the sweep before its
    log is committed and pushed, ``committed`` the commit before the push; ``watch`` each post
    read and each decision as it is taken.
    """
    approver = None
    if not dry_run:
        require_approved_history(ws, forge_transport)
        approver = decision_approver(ws, forge_transport)
    report = ws.moderate(ws.load(), dry_run, watch, approver)
    shown(report)
    if report.files and commit and not dry_run:
        count = len(report.outcomes) + len(report.decisions)
        message = "publisher: " + _("moderation, {count} actions", count=count) + "\n"
        record(ws, report.files, message, push, committed)
    return report


def post_review_issue(
    ws: Workspace, forge_transport: httpx.BaseTransport | None = None
) -> str | None:
    """Keep one Git host issue listing the comments waiting for a person's decision (the
    inbox's mechanism: one issue found by its marker, edited in place); its URL, or None outside
    CI or when nothing was ever filed."""
    from publisher.forge import detect  # the HTTP client: only when posting

    forge = detect(ws.env, forge_transport)
    reviews = read_reviews(ws.repo)
    if forge is None or not reviews:
        return None
    lines = pending_lines(reviews) or [_("No comment is waiting for a decision.")]
    body = "\n".join([_(REVIEW_HOWTO), "", *lines])
    return forge.upsert_issue(_("Comments waiting for a moderator's decision"), body, REVIEW_MARKER)


def restore(
    ws: Workspace, log_id: str, shown: Callable[[Restored], None] = lambda _told: None
) -> Restored:
    """Undo a removal where the network allows it, lift the author's ban, commit the log
    (``shown`` gets what was done before the commit)."""
    restored = ws.restore_moderation(ws.load(), log_id)
    shown(restored)
    message = build_message("publisher: " + _("moderation restore {id}", id=log_id))
    record(ws, restored.files, message, push=False, committed=lambda _sha: None)
    return restored
