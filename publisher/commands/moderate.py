"""``publisher moderate``: a sweep over new comments, and undoing one of its decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from publisher.core.progress import Watch
from publisher.engine.approval import require_approved_history
from publisher.engine.publish import record
from publisher.engine.workspace import Restored, Workspace
from publisher.moderation.sweep import Outcome, SweepReport
from publisher.state.repo import build_message

if TYPE_CHECKING:
    import httpx


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

    In CI the rules act only if every change since the last run was approved. ``shown`` gets
    the sweep before its log is committed and pushed, ``committed`` the commit before the push;
    ``watch`` each post read and each decision as it is taken.
    """
    if not dry_run:
        require_approved_history(ws, forge_transport)
    report = ws.moderate(ws.load(), dry_run, watch)
    shown(report)
    if report.files and commit and not dry_run:
        message = f"publisher: moderation, {len(report.outcomes)} actions\n"
        record(ws, report.files, message, push, committed)
    return report


def restore(
    ws: Workspace, log_id: str, shown: Callable[[Restored], None] = lambda _told: None
) -> Restored:
    """Undo a removal where the network allows it, lift the author's ban, commit the log
    (``shown`` gets what was done before the commit)."""
    restored = ws.restore_moderation(ws.load(), log_id)
    shown(restored)
    message = build_message(f"publisher: moderation restore {log_id}")
    record(ws, restored.files, message, push=False, committed=lambda _sha: None)
    return restored
