"""``publisher contest verify``: redo a contest's draw from its file and the Git history.

Anyone with a clone can run it, without a token. It takes the record as committed (HEAD) and
says where it does not hold: the winners are not what the seed and the entrants give; the draw,
the seed or the entrant list changed after the commit that first wrote the draw, or that commit
was not publisher's own; the seed is not the commit the contest was published from (as the
post's result file records it), is not in the history, or does not come before the contest's
first record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publisher.core.draw import draw
from publisher.core.i18n import _
from publisher.core.model import result_file_path
from publisher.state.contest_files import (
    CONTEST_FILE_ERRORS,
    ContestRecord,
    contest_file_path,
    parse_contest,
)
from publisher.state.repo import (
    RESULT_SUBJECT_PREFIX,
    commit_time,
    commits_touching,
    file_at,
    is_ancestor,
)
from publisher.state.result_files import RESULT_FILE_ERRORS, parse_entries


@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: the record (None when there is no draw to verify), the winners
    the draw gives again, and every way in which the record does not hold."""

    record: ContestRecord | None
    winners: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return self.record is not None and not self.problems


def verify_contest(repo: Path, post_id: str, post_path: str = "") -> Verification:
    """Check the committed draw of the contest of ``post_id`` (its file at ``post_path``, for
    the result file; the record names none)."""
    rel = contest_file_path(post_id)
    text = file_at(repo, "HEAD", rel)
    if text is None:
        return Verification(None, problems=(_("{file} is not in the repository.", file=rel),))
    try:
        record = parse_contest(text)
    except CONTEST_FILE_ERRORS:
        return Verification(None, problems=(_("{file} cannot be read.", file=rel),))
    if record.draw is None:
        return Verification(None, problems=(_("The contest has not been drawn yet."),))
    made = draw(record.seed, record.entrants, record.winners)
    problems: list[str] = []
    if made.winners != record.draw.winners or made.digest != record.draw.digest:
        problems.append(
            _("The winners in the file are not those the seed and the entrant list give.")
        )
    if record.draw.seed != record.seed:
        problems.append(_("The draw names another seed than the contest's."))
    problems.extend(_history_problems(repo, rel, record))
    problems.extend(_seed_problems(repo, record, post_path, rel))
    return Verification(record, made.winners, tuple(problems))


def _history_problems(repo: Path, rel: str, record: ContestRecord) -> list[str]:
    """Only publisher wrote the record, and the draw as first committed is the draw now."""
    commits = commits_touching(repo, rel)
    by_hand = [sha for sha, subject in commits if not subject.startswith(RESULT_SUBJECT_PREFIX)]
    problems = [
        _("The record was changed by hand in commit {sha}.", sha=sha[:10]) for sha in by_hand
    ]
    return problems + _first_draw_problems(repo, rel, record, commits)


def _first_draw_problems(
    repo: Path, rel: str, record: ContestRecord, commits: list[tuple[str, str]]
) -> list[str]:
    """The draw as first committed must be the draw now."""
    for sha, _subject in commits:
        try:
            first = parse_contest(file_at(repo, sha, rel) or "")
        except CONTEST_FILE_ERRORS:
            continue
        if first.draw is None:
            continue
        problems = []
        same = (first.draw, first.entrants, first.seed, first.winners) == (
            record.draw,
            record.entrants,
            record.seed,
            record.winners,
        )
        if not same:
            problems.append(
                _(
                    "The draw, its seed or its entrants changed after commit {sha}, which "
                    "first wrote the draw.",
                    sha=sha[:10],
                )
            )
        return problems
    return [_("No commit in the history wrote this draw.")]


def _seed_problems(repo: Path, record: ContestRecord, post_path: str, rel: str) -> list[str]:
    """The seed must be a commit of this history that came before the record's first commit
    (so before any entrant was written down), and the one the post was published from. Git's
    commit times prove nothing (anyone sets them), so they are not compared."""
    if commit_time(repo, record.seed) is None:
        return [_("The seed {seed} is not a commit in this history.", seed=record.seed[:10])]
    problems = []
    first = next(iter(commits_touching(repo, rel)), None)
    if first is None or not is_ancestor(repo, record.seed, first[0]):
        problems.append(_("The seed commit does not come before the contest's first record."))
    sources = _published_from(repo, post_path)
    if post_path and record.seed not in sources:
        problems.append(
            _("The seed is not the commit the contest was published from (its result file).")
        )
    return problems


def _published_from(repo: Path, post_path: str) -> set[str]:
    if not post_path:
        return set()
    try:
        entries = parse_entries(file_at(repo, "HEAD", result_file_path(post_path)) or "")
    except RESULT_FILE_ERRORS:
        return set()
    return {e.source_commit for e in entries.values() if e.state == "published"}
