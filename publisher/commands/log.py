"""``publisher log``: the publication history as the terminal shows it (``engine.history``)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from publisher.core.i18n import _
from publisher.engine.history import LoggedCommit, publisher_commits


def log_text(repo: Path, limit: int, zone: ZoneInfo) -> str:
    """The newest ``limit`` result commits, each with its results and who approved them, at
    the local time of ``zone`` (the configured one)."""
    items = publisher_commits(repo, limit)
    if not items:
        return _("Nothing has been published from this repository yet.")
    return "\n".join(line for item in items for line in _commit_lines(item, zone))


def _commit_lines(item: LoggedCommit, zone: ZoneInfo) -> list[str]:
    when = item.when.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    lines = [f"{item.sha[:10]}  {when}  {item.subject}"]
    if not item.machine:
        warning = _(
            "Not a publisher commit: it also changes files a person writes. "
            "Its approvals are not shown."
        )
        lines.append(f"    ⚠ {warning}")
    lines += [f"    {line}" for line in item.lines]
    lines += [f"    {_trailer_label(key)}: {value}" for key, value in item.provenance]
    return lines


def _trailer_label(key: str) -> str:
    labels = {
        "Source": _("Source commit"),
        "Approved-by": _("Approved by"),
        "Approval": _("Merge request"),
        "Run": _("CI run"),
    }
    return labels.get(key, key)
