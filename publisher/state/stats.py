"""The machine-owned reach files: ``stats/YYYY-MM.yml``, written by ``publisher stats collect``.

One file a month holds, for each recorded post read that month, its latest figures on each
account (``posts: <post id>: <account>: {views, reach, ...}``), and each account's followers
day by day (``followers: <account>: {network, days: {YYYY-MM-DD: N}}``). A run replaces what it
read and keeps the rest, so running twice a day updates the day in place and never adds a
second record. Every write replaces the whole file atomically. Nothing that is published reads
these files; a file someone broke by hand is read as far as it can be (a figure that is not a
whole number is dropped) and written over cleanly by the next run, which says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from publisher.core.figures import FIGURES, PostFigures, count
from publisher.state.atomic import write_atomic

STATS_DIR = "stats"
HEADER = (
    "# Этот файл ведёт publisher: охват постов и подписчики аккаунтов. Не редактируйте его.\n"
    "# Machine-owned: written by publisher stats collect. Do not edit by hand.\n"
)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TEXT_FIELDS = ("network", "remote_id", "url", "published_at", "at")


def stats_path(month: str) -> str:
    """The file of ``month`` (``YYYY-MM``), relative to the repository."""
    return f"{STATS_DIR}/{month}.yml"


@dataclass(frozen=True)
class PostStats:
    """One post's figures on one account, as last read."""

    post: str
    account: str
    network: str
    remote_id: str
    url: str = ""
    published_at: str = ""
    #: when the figures were read (ISO 8601)
    at: str = ""
    figures: PostFigures = field(default_factory=PostFigures)
    #: the network no longer has the post (the figures are those last read)
    gone: bool = False


@dataclass(frozen=True)
class AuditFinding:
    """One finding of ``accounts audit`` as recorded: what it checked, how bad, what to do."""

    check: str
    severity: str
    message: str
    fix: str = ""


@dataclass(frozen=True)
class AuditEntry:
    """The last audit of one account in the month."""

    network: str
    at: str
    findings: tuple[AuditFinding, ...] = ()


@dataclass
class StatsFile:
    """A month's figures: posts by (post id, account), followers by account and day."""

    month: str
    posts: dict[tuple[str, str], PostStats] = field(default_factory=dict)
    #: account -> day (``YYYY-MM-DD``) -> followers
    followers: dict[str, dict[str, int]] = field(default_factory=dict)
    #: account -> its network (for followers of an account no post names)
    networks: dict[str, str] = field(default_factory=dict)
    #: account -> why figures its network gives were missing the last time it was read (a
    #: token without the statistics right), in the reader's words
    gaps: dict[str, list[str]] = field(default_factory=dict)
    #: account -> its last ``accounts audit`` in the month
    audit: dict[str, AuditEntry] = field(default_factory=dict)
    #: the file could not be read whole (edited by hand): what was readable is kept
    damaged: bool = False

    @property
    def path(self) -> str:
        return stats_path(self.month)


def read_stats(repo: Path, month: str) -> StatsFile:
    """The month's file; an absent one is empty, a damaged one read as far as it can be."""
    path = repo / stats_path(month)
    if not path.exists():
        return StatsFile(month)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return StatsFile(month, damaged=True)
    if not isinstance(data, dict):
        return StatsFile(month, damaged=True)
    found = StatsFile(month)
    _read_posts(data.get("posts"), found)
    _read_followers(data.get("followers"), found)
    _read_audit(data.get("audit"), found)
    _read_gaps(data.get("gaps"), found)
    return found


def _section(raw: object, into: StatsFile) -> dict[Any, Any]:
    """A top-level section of the file: none is empty, one that is no mapping is damaged."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        into.damaged = True
        return {}
    return raw


def _read_gaps(raw: object, into: StatsFile) -> None:
    for account, reasons in _section(raw, into).items():
        if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
            into.damaged = True
            continue
        into.gaps[str(account)] = list(reasons)


def _read_posts(raw: object, into: StatsFile) -> None:
    for post, accounts in _section(raw, into).items():
        if not isinstance(accounts, dict):
            into.damaged = True
            continue
        for account, entry in accounts.items():
            read = _post_stats(str(post), str(account), entry)
            if read is None:
                into.damaged = True
                continue
            into.posts[(read.post, read.account)] = read


def _post_stats(post: str, account: str, raw: object) -> PostStats | None:
    """One record, or None where it is not one (its figures are checked one by one)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("remote_id"), str | int):
        return None
    text = {name: str(raw.get(name) or "") for name in _TEXT_FIELDS}
    figures = {name: count(raw.get(name)) for name in FIGURES}
    return PostStats(
        post,
        account,
        text["network"],
        text["remote_id"],
        text["url"],
        text["published_at"],
        text["at"],
        PostFigures(**figures),
        raw.get("gone") is True,
    )


def _read_followers(raw: object, into: StatsFile) -> None:
    for account, entry in _section(raw, into).items():
        days = entry.get("days") if isinstance(entry, dict) else None
        if not isinstance(days, dict):
            into.damaged = True
            continue
        kept = {str(day): count(value) for day, value in days.items()}
        into.followers[str(account)] = {d: v for d, v in kept.items() if v is not None}
        into.networks[str(account)] = str(entry.get("network") or "")
        into.damaged |= len(into.followers[str(account)]) != len(days)


def _read_audit(raw: object, into: StatsFile) -> None:
    for account, entry in _section(raw, into).items():
        items = entry.get("findings") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(items, list):
            into.damaged = True
            continue
        findings = [_finding(item) for item in items]
        kept = tuple(f for f in findings if f is not None)
        if len(kept) != len(findings):  # an account with a finding lost must not read "in order"
            into.damaged = True
            continue
        text = {name: str(entry.get(name) or "") for name in ("network", "at")}
        into.audit[str(account)] = AuditEntry(text["network"], text["at"], kept)


def _finding(raw: object) -> AuditFinding | None:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k), str) for k in ("check", "message")
    ):
        return None
    severity = raw.get("severity")
    if severity not in ("error", "warning"):
        return None
    return AuditFinding(raw["check"], str(severity), raw["message"], str(raw.get("fix") or ""))


def write_stats(repo: Path, stats: StatsFile) -> str:
    """Replace the month's file with ``stats``, atomically; its path."""
    posts: dict[str, dict[str, Any]] = {}
    for (post, account), item in sorted(stats.posts.items()):
        posts.setdefault(post, {})[account] = _post_dict(item)
    followers = {
        account: {"network": stats.networks.get(account, ""), "days": dict(sorted(days.items()))}
        for account, days in sorted(stats.followers.items())
    }
    audit = {
        account: {
            "network": entry.network,
            "at": entry.at,
            "findings": [{k: v for k, v in asdict(f).items() if v} for f in entry.findings],
        }
        for account, entry in sorted(stats.audit.items())
    }
    gaps = {account: reasons for account, reasons in sorted(stats.gaps.items()) if reasons}
    document = {
        "month": stats.month,
        "posts": posts,
        "followers": followers,
        "gaps": gaps,
        "audit": audit,
    }
    text = HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    write_atomic(repo / stats.path, text, prefix=".stats.")
    return stats.path


def _post_dict(item: PostStats) -> dict[str, Any]:
    raw: dict[str, Any] = {name: getattr(item, name) for name in _TEXT_FIELDS}
    raw = {name: value for name, value in raw.items() if value}
    raw.update(item.figures.known())
    if item.gone:
        raw["gone"] = True
    return raw


def latest(files: Mapping[str, StatsFile]) -> dict[tuple[str, str], PostStats]:
    """Each post's figures on each account as last read across ``files`` (by month)."""
    found: dict[tuple[str, str], PostStats] = {}
    for month in sorted(files):
        for key, item in files[month].posts.items():
            if key not in found or item.at >= found[key].at:
                found[key] = item
    return found
