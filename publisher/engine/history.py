"""``publisher log``: the commits publisher made, and who approved what they recorded.

A commit message is text anyone can write: a person can commit "publisher: 3 done" with an
``Approved-by: Mayor`` line of their own. So a commit counts as publisher's only when it has
one parent and changes nothing but machine-owned files (result files, the moderation log, new
messages in the inbox, the status line of an answered one), and who approved, which commit and
which merge request come from the result entries that commit recorded, not from its message. A
``publisher:`` commit that also changes files a person writes is listed with a warning and none
of its claims. Only the CI run's address is taken from the message, from its trailer block as
``git interpret-trailers`` reads it (the last paragraph only). Everything printed is stripped
of escape sequences and controls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import git

from publisher.core.escape import one_line
from publisher.core.front_matter import read_front_matter
from publisher.core.model import ResultEntry
from publisher.inbox.items import INBOX_DIR, marked_answered
from publisher.inbox.items import STATE_FILE as INBOX_STATE
from publisher.moderation.log import LOG_DIR
from publisher.moderation.review import REVIEW_DIR
from publisher.moderation.review import machine_change as machine_review_change
from publisher.moderation.sweep import STATE_FILE as MODERATION_STATE
from publisher.state.contest_files import RESULTS_SUFFIX, is_contest_file
from publisher.state.live_files import is_live_file
from publisher.state.repo import RESULT_SUBJECT_PREFIX, file_at, is_result_file, open_repo
from publisher.state.result_files import RESULT_FILE_ERRORS, parse_entries


@dataclass(frozen=True)
class LoggedCommit:
    """One ``publisher:`` commit as ``publisher log`` shows it; every string is one line."""

    sha: str
    #: when it was committed (``publisher log`` shows it in the configured zone)
    when: datetime
    subject: str
    #: the per-result lines of the message (``- create vk: ... [done] url``, the account after
    #: the network where its name is not the network's: ``- create vk · bratskoe-vk: ...``)
    lines: tuple[str, ...]
    #: False when the commit also changes files a person writes: nothing in it is trusted
    machine: bool
    #: (key, value): ``Source``, ``Approved-by``, ``Approval`` from the recorded results,
    #: ``Run`` from the trailer block
    provenance: tuple[tuple[str, str], ...]


def is_machine_change(
    status: str, rel: str, texts: Callable[[], tuple[str | None, str | None]] | None = None
) -> bool:
    """Whether a change of ``rel`` (Git status letter ``status``) is one only publisher makes.

    Result files, the moderation and inbox cursors and the moderation log are machine-owned;
    ``inbox collect`` files a new message, and ``apply`` sets an answered message's status line
    (``texts`` gives the file before and after the change, to tell that change from any other);
    any other change to a message (an answer) is a person's edit. Likewise ``moderate`` files
    a doubtful comment with no decision and writes the outcome under a decision; writing the
    decision is a person's edit. The approval gate and
    ``publisher log`` share this one rule.
    """
    if is_result_file(rel) or rel in (INBOX_STATE, MODERATION_STATE):
        return True
    if rel.startswith(LOG_DIR + "/") or is_contest_file(rel) or is_live_file(rel):
        return True
    if rel.startswith(REVIEW_DIR + "/"):
        return texts is not None and machine_review_change(status, *texts())
    if rel.endswith(RESULTS_SUFFIX) and status == "A" and texts is not None:
        return is_draft(texts()[1])
    if not rel.startswith(INBOX_DIR + "/"):
        return False
    if status == "A":
        return True
    if status != "M" or texts is None:
        return False
    before, after = texts()
    return before is not None and after is not None and marked_answered(before, after)


def is_draft(text: str | None) -> bool:
    """A post file that says ``status: draft``: a contest's results post as ``apply`` writes
    it, which nothing publishes until a person sets it ready in an approved request."""
    if text is None:
        return False
    try:
        return str(read_front_matter(text).data.get("status", "")).strip() == "draft"
    except ValueError:
        return False


def change_texts(path: Path, sha: str, rel: str) -> Callable[[], tuple[str | None, str | None]]:
    """The text of ``rel`` before commit ``sha`` (at its first parent) and after it, when asked
    (for ``is_machine_change``)."""
    return lambda: (file_at(path, f"{sha}^", rel), file_at(path, sha, rel))


def publisher_commits(path: Path, limit: int = 50) -> list[LoggedCommit]:
    """The newest ``limit`` commits whose subject says publisher made them, newest first."""
    repo = open_repo(path)
    if repo is None:
        return []
    try:
        commits = list(repo.iter_commits(max_count=limit * 5))
    except (ValueError, git.GitCommandError):
        return []
    claimed = [c for c in commits if str(c.message).startswith(RESULT_SUBJECT_PREFIX)]
    return [_logged(repo, commit) for commit in claimed[:limit]]


def _logged(repo: git.Repo, commit: git.Commit) -> LoggedCommit:
    message = str(commit.message)
    subject, _sep, rest = message.partition("\n")
    files = _changed_files(repo, commit)
    root = Path(repo.working_tree_dir or ".")
    machine = len(commit.parents) <= 1 and all(
        is_machine_change(st, f, change_texts(root, commit.hexsha, f)) for st, f in files
    )
    lines = tuple(one_line(line[2:]) for line in rest.splitlines() if line.startswith("- "))
    return LoggedCommit(
        sha=commit.hexsha,
        when=commit.committed_datetime,
        subject=one_line(subject),
        lines=lines if machine else (),
        machine=machine,
        provenance=_provenance(repo, commit, [rel for _st, rel in files]) if machine else (),
    )


def _changed_files(repo: git.Repo, commit: git.Commit) -> list[tuple[str, str]]:
    """(status letter, path) of each file the commit changed."""
    output = repo.git.diff_tree(
        "--no-commit-id", "--name-status", "--no-renames", "-r", "--root", "-z", commit.hexsha
    )
    fields = [name for name in str(output).split("\0") if name]
    return [(status[:1], rel) for status, rel in zip(fields[::2], fields[1::2], strict=True)]


def _provenance(
    repo: git.Repo, commit: git.Commit, files: list[str]
) -> tuple[tuple[str, str], ...]:
    """Source, approvers and merge request of the entries the commit recorded, then the run."""
    parent = commit.parents[0].hexsha if commit.parents else ""
    values: dict[tuple[str, str], None] = {}
    for rel in filter(is_result_file, files):
        before = _entries(repo, parent, rel) if parent else {}
        for account, entry in _entries(repo, commit.hexsha, rel).items():
            if before.get(account) == entry:
                continue
            for key, value in (
                ("Source", entry.source_commit),
                *(("Approved-by", name) for name in entry.approved_by),
                ("Approval", entry.approval),
            ):
                if one_line(value):
                    values[(key, one_line(value))] = None
    ordered = sorted(values, key=lambda kv: ("Source", "Approved-by", "Approval").index(kv[0]))
    runs = [(k, one_line(v)) for k, v in commit.trailers_list if k == "Run" and one_line(v)]
    return (*ordered, *dict.fromkeys(runs))


def _entries(repo: git.Repo, sha: str, rel: str) -> dict[str, ResultEntry]:
    """A result file's entries at a commit; none when absent there or unreadable."""
    try:
        return parse_entries(str(repo.git.show(f"{sha}:{rel}")))
    except (git.GitCommandError, *RESULT_FILE_ERRORS):
        return {}
