"""Doubtful comments go to a person: one file per comment under ``moderation/review/``.

The sweep files every comment it judges ``review`` (the detector is unsure, or quiet hours hold
a removal back) as ``moderation/review/<account>-<comment>.md``: front matter with the account,
network, post, link, comment id, the author's pseudonym (as the inbox minimises a name: the
author's id stays in the moderation log only), the text, the rule (its id and as people read it),
the proposed action, and an empty ``decision:``. A person writes ``decision: remove``, ``keep``
or ``ban`` and has the change merged like any other; the next ``publisher moderate`` carries it
out, logs it with who approved it, and writes the outcome into the file (``outcome:``,
``approved_by:``, ``done_at:``), so it is never carried out again.

A decision is believed only for a comment the sweep itself sent for review on that account (a
``review`` entry in the log): a file added by hand for another comment, or one whose account,
comment or post differs from the log's, is refused with its file and line. The machine's own
changes to these files (a new file, an outcome added to a decided one) are told apart from a
person's here (:func:`machine_change`), for the approval gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from publisher.core.errors import Diagnostic, Severity
from publisher.core.escape import markdown_code, one_line, printable
from publisher.core.front_matter import FrontMatter, FrontMatterError, read_front_matter
from publisher.core.i18n import _
from publisher.core.labels import rule_label
from publisher.core.model import Comment
from publisher.inbox.items import pseudonym
from publisher.moderation.log import LogEntry
from publisher.state.atomic import write_atomic

REVIEW_DIR = "moderation/review"
DECISIONS = ("remove", "keep", "ban")
#: what the machine writes into a decided file
OUTCOME_KEYS = ("outcome", "approved_by", "done_at")
EXCERPT = 100
_DECISION_LINE = re.compile(r"^decision:[^\n]*$", re.MULTILINE)
_NAME = re.compile(r"[^0-9A-Za-z_.-]")


@dataclass(frozen=True)
class Review:
    """A filed comment: what the file says, where each field is, and what is wrong with it."""

    path: str
    account: str = ""
    network: str = ""
    post: str = ""
    link: str = ""
    comment: str = ""
    author: str = ""
    text: str = ""
    rule: str = ""
    proposed: str = ""
    #: ``remove``, ``keep``, ``ban``, or empty while a person has not decided
    decision: str = ""
    #: what the machine did about the decision; empty until it was carried out
    outcome: str = ""
    lines: Mapping[str, int] | None = None
    problems: tuple[Diagnostic, ...] = ()

    @property
    def pending(self) -> bool:
        """Waiting for a person's decision."""
        return not self.problems and not self.decision and not self.outcome

    @property
    def due(self) -> bool:
        """Decided and not yet carried out."""
        return not self.problems and bool(self.decision) and not self.outcome

    def line(self, key: str) -> int:
        return (self.lines or {}).get(key, 1)


def review_path(account: str, comment_id: str) -> str:
    """``moderation/review/<account>-<comment>.md`` (comment ids repeat across accounts)."""
    return f"{REVIEW_DIR}/{_NAME.sub('_', f'{account}-{comment_id}')}.md"


def render_review(comment: Comment, account: str, rule: str, proposed: str, filed: datetime) -> str:
    """The file for a comment sent for review, its decision empty."""
    front = {
        "account": account,
        "network": comment.network,
        "post": comment.post_id,
        "link": comment.url,
        "comment": comment.id,
        "author": pseudonym(comment),
        "filed": filed.isoformat(timespec="minutes"),
        "text": printable(comment.text),
        "rule": rule,
        "rule_label": rule_label(rule),
        "proposed": proposed,
    }
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    hint = _(
        "Write after decision: remove (take the comment down), keep (leave it) or ban (take it "
        "down and ban the author), and have the change merged: the next publisher moderate "
        "carries it out."
    )
    return f"---\n{header}decision:\n---\n\n{hint}\n"


def read_reviews(repo: Path) -> list[Review]:
    """Every filed comment, by file name."""
    folder = repo / REVIEW_DIR
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rel = path.relative_to(repo).as_posix()
        try:
            found.append(parse_review(rel, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            found.append(Review(rel, problems=(_unreadable(rel, 1),)))
    return found


def parse_review(rel: str, text: str) -> Review:
    """A review file's fields, with a located problem for each thing a person must fix."""
    try:
        document = read_front_matter(text)
    except FrontMatterError as error:
        return Review(rel, problems=(_unreadable(rel, error.line),))
    data = document.data
    review = Review(
        rel,
        account=_text(data, "account"),
        network=_text(data, "network"),
        post=_text(data, "post"),
        link=_text(data, "link"),
        comment=_text(data, "comment"),
        author=_text(data, "author"),
        text=_text(data, "text"),
        rule=_text(data, "rule"),
        proposed=_text(data, "proposed"),
        decision=_text(data, "decision"),
        outcome=_text(data, "outcome"),
        lines=document.lines,
    )
    problems = [*_decision_problems(review), *_path_problems(review)]
    return replace(review, problems=tuple(problems))


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    return str(value).strip() if not isinstance(value, list | dict) else repr(value)


def _decision_problems(review: Review) -> Iterable[Diagnostic]:
    if review.decision and review.decision not in DECISIONS:
        yield Diagnostic(
            review.path,
            review.line("decision"),
            Severity.ERROR,
            _(
                "The decision '{value}' is not one publisher knows.",
                value=one_line(review.decision)[:40],
            ),
            _("Write 'decision: remove', 'decision: keep' or 'decision: ban', or leave it empty."),
            "moderation-decision",
        )


def _path_problems(review: Review) -> Iterable[Diagnostic]:
    if not review.account or not review.comment:
        yield _unreadable(review.path, 1)
    elif review_path(review.account, review.comment) != review.path:
        yield Diagnostic(
            review.path,
            review.line("account"),
            Severity.ERROR,
            _(
                "This file is about comment {comment} of account {account}, but its name says "
                "otherwise.",
                comment=review.comment,
                account=review.account,
            ),
            _("Decide in the file publisher moderate wrote for that comment."),
            "moderation-decision",
        )


def check_against_log(review: Review, filed: Mapping[str, LogEntry]) -> Review:
    """The review with a problem unless the log has the sweep sending exactly this comment of
    this account (and network and post) for review: ``filed`` maps ``account:comment`` to the
    log's ``review`` entry."""
    entry = filed.get(f"{review.account}:{review.comment}")
    if entry is not None and (entry.network, entry.post) == (review.network, review.post):
        return review
    problem = Diagnostic(
        review.path,
        review.line("comment"),
        Severity.ERROR,
        _(
            "Comment {comment} of account {account} was not sent for review: publisher does not "
            "act on this decision.",
            comment=review.comment,
            account=review.account,
        ),
        _("Decide only in the files publisher moderate writes; delete this one."),
        "moderation-decision",
    )
    return replace(review, problems=(*review.problems, problem))


def reviewed(entries: Iterable[LogEntry]) -> dict[str, LogEntry]:
    """``account:comment`` -> the log entry of the comment's sending for review."""
    return {f"{e.account_key}:{e.comment}": e for e in entries if e.action == "review"}


def with_outcome(text: str, outcome: str, approved_by: str, done: datetime) -> str:
    """``text`` (a decided file) with the outcome written under its decision line."""
    added = yaml.safe_dump(
        {"outcome": outcome, "approved_by": approved_by, "done_at": done.isoformat("T", "seconds")},
        allow_unicode=True,
        sort_keys=False,
        width=100,
    ).rstrip("\n")
    return _DECISION_LINE.sub(lambda m: f"{m.group()}\n{added}", text, count=1)


def record_outcome(repo: Path, rel: str, outcome: str, approved_by: str, done: datetime) -> None:
    """Write the outcome into the file ``rel``."""
    path = repo / rel
    write_atomic(path, with_outcome(path.read_text(encoding="utf-8"), outcome, approved_by, done))


def write_review(repo: Path, rel: str, text: str) -> bool:
    """File a comment unless its file exists (a person may be deciding in it); whether it did."""
    path = repo / rel
    if path.exists():
        return False
    write_atomic(path, text)
    return True


def machine_change(status: str, before: str | None, after: str | None) -> bool:
    """Whether a change of a review file is one only publisher makes: filing a comment
    (a new file with no decision in it) or writing the outcome under a decision."""
    new = _readable(after) if after is not None else None
    if new is None:
        return False
    if status == "A":
        return not new.data.get("decision") and not new.data.get("outcome")
    old = _readable(before) if status == "M" and before is not None else None
    if old is None or old.data.get("outcome") or not new.data.get("outcome"):
        return False
    if old.data.get("decision") not in DECISIONS:
        return False  # an outcome follows a person's decision, never stands in for one
    kept = {k: v for k, v in new.data.items() if k not in OUTCOME_KEYS}
    return kept == old.data and new.body == old.body


def _readable(text: str) -> FrontMatter | None:
    try:
        return read_front_matter(text)
    except FrontMatterError:
        return None


def _unreadable(rel: str, line: int) -> Diagnostic:
    return Diagnostic(
        rel,
        line,
        Severity.ERROR,
        _("The fields at the top of this comment's file cannot be read."),
        _("Restore the file as publisher moderate wrote it (see the file's history)."),
        "moderation-decision",
    )


def pending_lines(reviews: Iterable[Review], markdown: bool = True) -> list[str]:
    """One line per comment waiting for a decision: the file, the account, the rule, the
    proposed action and the text's beginning."""
    out = []
    for review in reviews:
        if not review.pending:
            continue
        text = one_line(review.text)
        excerpt = text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")
        where = markdown_code(review.path) if markdown else review.path
        out.append(
            "- "
            + _(
                "{file} ({account}): {rule}; proposed: {action}. «{text}»",
                file=where,
                account=review.account,
                rule=rule_label(review.rule),
                action=review.proposed,
                text=excerpt,
            )
        )
    return out
