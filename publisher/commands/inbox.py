"""``publisher inbox``: file citizens' messages with a deadline, and show what is due."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publisher.core.errors import ConfigError, Diagnostic
from publisher.core.i18n import _
from publisher.core.progress import Watch
from publisher.engine.workspace import Workspace
from publisher.inbox.departments import Departments, department_problems, load_departments
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
        message = "publisher: " + _("inbox, {count} new messages", count=len(report.filed)) + "\n"
        record(ws, report.files, message, push, committed)
    return report


@dataclass(frozen=True)
class InboxStatus:
    """Open messages by deadline (overdue first), and the filed ones that cannot be read."""

    items: list[OpenItem]
    problems: list[Diagnostic]
    departments: Departments = field(default_factory=Departments)

    def output(self, fmt: str) -> str:
        """As ``text``, ``markdown`` or ``json``, by department, with counts by category and
        network."""
        if fmt == "json":
            return json.dumps(status_json(self.items), ensure_ascii=False, indent=2)
        return status_text(self.items, fmt == "markdown", self.departments)


def read_status(ws: Workspace) -> InboxStatus:
    """The open messages at this moment, and the filed ones that cannot be read (and
    ``departments.yml`` if it cannot be)."""
    filed = read_items(ws.repo)
    problems = [problem for item in filed for problem in item.problems]
    unusable = department_problems(ws.repo)
    departments = Departments() if unusable else load_departments(ws.repo)
    return InboxStatus(open_items(filed, ws.clock.now()), problems + unusable, departments)


def post_overdue_issue(
    ws: Workspace, status: InboxStatus, forge_transport: httpx.BaseTransport | None = None
) -> str | None:
    """Keep one Git host issue listing the overdue messages, then those nearing their
    deadline, each department's group mentioning its reviewers; its URL, or None outside CI."""
    from publisher.forge import detect  # the HTTP client: only when posting

    forge = detect(ws.env, forge_transport)
    if forge is None:
        return None
    raised = [item for item in status.items if item.overdue or item.nearing]
    body = status_text(raised, True, status.departments)
    return forge.upsert_issue(_("Overdue citizens' messages"), body, OVERDUE_MARKER)


@dataclass(frozen=True)
class Answered:
    """What ``inbox done`` recorded: the files, and the commit (None: not a Git repository)."""

    files: list[str]
    commit: str | None


def confirm_answered(ws: Workspace, rel: str) -> Answered:
    """Record that a person sent the answer written in the message's file by hand (where the
    network or the page would not take it through the API), naming them, and mark the message
    answered; one commit. The answer must be in the file: what was sent is what was approved."""
    from publisher.core.model import ResultEntry
    from publisher.engine.plan import answered
    from publisher.state.repo import author_name, build_message, commit_results
    from publisher.state.result_files import ResultFiles

    content = ws.load()
    item = next((i for i in content.inbox if i.path == rel.strip("/")), None)
    if item is None:
        raise ConfigError(
            _("There is no message {file}.", file=rel),
            _("Use the path publisher inbox status lists."),
        )
    files = ResultFiles(ws.repo)
    if item.status in ("answered", "closed") or answered(files.read(item.result_file_path)):
        raise ConfigError(_("{file} is answered already.", file=item.path))
    if not item.answer:
        raise ConfigError(
            _("{file} has no answer under '## Ответ'.", file=item.path),
            _("Write there the answer you sent, merge it, then run this again."),
        )
    person = author_name(ws.repo)
    if not person:
        raise ConfigError(
            _("Git does not know who you are: the record names the person."),
            _('Run: git config user.name "Your Name"; git config user.email you@example.org'),
        )
    now = ws.clock.now().isoformat(timespec="seconds")
    entry = ResultEntry(
        network=item.network,
        state="published",
        account=item.account,
        url=item.link,
        at=now,
        published_at=now,
        operation="reply",
        extra={"sent_by_hand": person},
    )
    files.record(item.result_file_path, item.path, entry)
    changed = [item.result_file_path, *ws.mark_answered(ws.load())]
    subject = _("{file}: answered by hand", file=item.path)
    message = build_message(subject, [_("Confirmed by {person}.", person=person)])
    return Answered(changed, commit_results(ws.repo, changed, message))
