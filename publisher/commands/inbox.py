"""``publisher inbox``: file citizens' messages with a deadline, and show what is due."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.core.errors import Diagnostic
from publisher.core.i18n import _
from publisher.core.progress import Watch
from publisher.engine.workspace import Workspace
from publisher.inbox.items import (
    CollectReport,
    OpenItem,
    open_items,
    read_items,
    status_json,
    status_text,
)

if TYPE_CHECKING:
    import httpx

#: marks the Git host issue that ``inbox status --issue`` keeps up to date
OVERDUE_MARKER = "<!-- publisher-inbox -->"


def collect(
    ws: Workspace,
    *,
    commit: bool = True,
    push: bool = False,
    shown: Callable[[CollectReport], None] = lambda _told: None,
    committed: Callable[[str], None] = lambda _told: None,
    watch: Watch[str] | None = None,
) -> CollectReport:
    """File new questions, requests and complaints, and commit them when there are any.

    ``shown`` gets what was filed before the commit and push, ``committed`` the commit,
    ``watch`` each account read and each file as it is written."""
    from publisher.engine.publish import record  # Git and the Git host: not for ``status``

    report = ws.collect_inbox(ws.load(), watch)
    shown(report)
    if report.filed and commit:
        message = f"publisher: inbox, {len(report.filed)} new messages\n"
        record(ws, report.files, message, push, committed)
    return report


@dataclass(frozen=True)
class InboxStatus:
    """Open messages by deadline (overdue first), and the filed ones that cannot be read."""

    items: list[OpenItem]
    problems: list[Diagnostic]

    def output(self, fmt: str) -> str:
        """As ``text``, ``markdown`` or ``json``, with counts by category and network."""
        if fmt == "json":
            return json.dumps(status_json(self.items), ensure_ascii=False, indent=2)
        return status_text(self.items, markdown=fmt == "markdown")


def read_status(ws: Workspace) -> InboxStatus:
    """The open messages at this moment, and the filed ones that cannot be read."""
    filed = read_items(ws.repo)
    problems = [problem for item in filed for problem in item.problems]
    return InboxStatus(open_items(filed, ws.clock.now()), problems)


def post_overdue_issue(
    ws: Workspace, status: InboxStatus, forge_transport: httpx.BaseTransport | None = None
) -> str | None:
    """Keep one Git host issue listing the overdue messages; its URL, or None outside CI."""
    from publisher.forge import detect  # the HTTP client: only when posting

    forge = detect(ws.env, forge_transport)
    if forge is None:
        return None
    overdue = status_text([item for item in status.items if item.overdue], True)
    return forge.upsert_issue(_("Overdue citizens' messages"), overdue, OVERDUE_MARKER)
