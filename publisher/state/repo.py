"""Git at the edge: the current commit, result commits, pushing with rebase-and-retry, history.

Result commits contain only machine-owned result files (``*published.yml``) and the status line
of the citizens' messages a run answered; nothing else a person wrote is staged or changed. Their
messages carry trailers (``Source:``, ``Approved-by:``,
``Approval:``) so ``git log`` answers who approved what; ``build_message`` keeps every part of a
message on its own line, so no title or name can add a trailer of its own.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import git

from publisher.core.errors import RepoError
from publisher.core.escape import one_line
from publisher.core.i18n import _

RESULT_SUBJECT_PREFIX = "publisher:"
PUSH_ATTEMPTS = 5
TRAILER_KEYS = ("Source", "Approved-by", "Approval", "Approval-skipped", "Run")


def build_message(subject: str, lines: Iterable[str] = (), trailers: Iterable[str] = ()) -> str:
    """A commit message: one subject line, one line per item, then the trailer block.

    Every part is made one printable line, so a post id or an approver's name holding a line
    break cannot start a paragraph or an ``Approved-by:`` line; trailers must be ``Key: value``
    with one of ``TRAILER_KEYS``, and the block is always the message's last paragraph.
    """
    body = [f"- {one_line(line)}" for line in lines]
    block = []
    for trailer in trailers:
        key, _sep, value = trailer.partition(":")
        if key not in TRAILER_KEYS:
            raise ValueError(f"not a publisher trailer: {key!r}")
        if one_line(value):
            block.append(f"{key}: {one_line(value)}")
    paragraphs = [one_line(subject), "\n".join(body), "\n".join(block)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def open_repo(path: Path) -> git.Repo | None:
    """The Git repository at ``path``, or None when it is not one."""
    try:
        return git.Repo(path, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def head_sha(path: Path) -> str:
    repo = open_repo(path)
    if repo is None:
        return ""
    try:
        return repo.head.commit.hexsha
    except ValueError:
        return ""


def last_commit_touching(path: Path, rel: str) -> str:
    """The newest commit that changed (or removed) ``rel`` (a file or a folder), result files
    left out; empty when there is none."""
    repo = open_repo(path)
    if repo is None:
        return ""
    try:
        return str(
            repo.git.log("-1", "--format=%H", "--", rel, ":(exclude,glob)**/*published.yml")
        ).strip()
    except git.GitCommandError:
        return ""


def author_name(path: Path) -> str:
    """Who runs publisher here, as Git knows them (for ``--skip-approval``)."""
    repo = open_repo(path)
    if repo is None:
        return ""
    try:
        return str(repo.git.var("GIT_AUTHOR_IDENT")).rsplit(">", 1)[0] + ">"
    except git.GitCommandError:
        return ""


def commit_author(path: Path, sha: str) -> str:
    """``Name <email>`` of the author of commit ``sha``; empty when it cannot be read."""
    repo = open_repo(path)
    if repo is None:
        return ""
    try:
        return str(repo.git.log("-1", "--format=%an <%ae>", sha)).strip()
    except git.GitCommandError:
        return ""


def commit_results(path: Path, files: Iterable[str], message: str) -> str | None:
    """Commit exactly ``files`` (result files, messages marked answered) with ``message``;
    return the new commit's sha."""
    repo = open_repo(path)
    changed = sorted(set(files))
    if repo is None or not changed:
        return None
    try:
        repo.git.add("--", *changed)
        if not repo.git.diff("--cached", "--name-only", "--", *changed).strip():
            return None
        repo.git.commit("-m", message, "--only", "--", *changed)
    except git.GitCommandError as exc:
        raise RepoError(
            _("Could not commit the results: {error}", error=_git_error(exc)),
            _("The results are saved in the files; commit them by hand."),
        ) from None
    return repo.head.commit.hexsha


def file_at(path: Path, rev: str, rel: str) -> str | None:
    """The text of ``rel`` at ``rev`` (``sha``, ``sha^``); None where it is absent or unreadable."""
    repo = open_repo(path)
    if repo is None:
        return None
    try:
        return str(repo.git.show(f"{rev}:{rel}", strip_newline_in_stdout=False))
    except (git.GitCommandError, ValueError):
        return None


def push(path: Path, remote: str = "origin", attempts: int = PUSH_ATTEMPTS) -> None:
    """Push the current branch; if someone pushed first, rebase onto theirs and try again."""
    repo = open_repo(path)
    if repo is None:
        raise RepoError(_("{path} is not a Git repository.", path=path))
    branch = repo.active_branch.name
    last = ""
    for _attempt in range(attempts):
        try:
            repo.git.push(remote, f"HEAD:refs/heads/{branch}")
            return
        except git.GitCommandError as exc:
            last = _git_error(exc)
        try:
            _pull_rebase(repo, remote, branch)
        except git.GitCommandError as exc:
            _abort_rebase(repo)
            raise RepoError(
                _(
                    "Could not rebase the results onto {branch}: {error}",
                    branch=branch,
                    error=_git_error(exc),
                ),
                _("Resolve the conflict in the result files and push by hand."),
            ) from None
    raise RepoError(
        _("The push was rejected {n} times: {error}", n=attempts, error=last),
        _("Run publisher apply --push again; nothing will be published twice."),
    )


def _pull_rebase(repo: git.Repo, remote: str, branch: str) -> None:
    """Rebase onto the remote; conflicts in result files are merged entry by entry.

    Two runs may record results in the same file (both set an account's profile, for
    example): each network's entry is taken from the side that recorded it last, so both
    runs' results are kept. A conflict in a file a person wrote stops the rebase.
    """
    try:
        repo.git.pull("--rebase", remote, branch)
        return
    except git.GitCommandError:
        if not _unmerged(repo):
            raise
    for _step in range(100):
        conflicted = _unmerged(repo)
        if not conflicted:
            return
        if not all(is_result_file(p) for p in conflicted):
            raise git.GitCommandError("rebase", 1, b"conflict in a file a person wrote")
        for rel in conflicted:
            merged = merge_results(repo.git.show(f":2:{rel}"), repo.git.show(f":3:{rel}"))
            (Path(repo.working_tree_dir or ".") / rel).write_text(merged, encoding="utf-8")
            repo.git.add(rel)
        try:
            repo.git.execute(["git", "-c", "core.editor=true", "rebase", "--continue"])
        except git.GitCommandError:
            if not _unmerged(repo):
                raise


def _unmerged(repo: git.Repo) -> list[str]:
    output = str(repo.git.diff("--name-only", "--diff-filter=U"))
    return [line for line in output.splitlines() if line]


def is_result_file(rel: str) -> bool:
    return rel.endswith("published.yml")


def merge_results(ours: str, theirs: str) -> str:
    """Both versions of a result file, each network's newer entry kept."""
    import yaml

    from publisher.state.result_files import HEADER

    mine = yaml.safe_load(ours) or {}
    other = yaml.safe_load(theirs) or {}
    networks = dict(mine.get("networks") or {})
    for name, entry in (other.get("networks") or {}).items():
        current = networks.get(name)
        if current is None or str(entry.get("at", "")) >= str(current.get("at", "")):
            networks[name] = entry
    document = {"post": mine.get("post") or other.get("post"), "networks": networks}
    return HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def push_once(path: Path, remote: str = "origin") -> bool:
    """Push the current branch once; False when the remote has commits we lack."""
    repo = open_repo(path)
    if repo is None:
        raise RepoError(_("{path} is not a Git repository.", path=path))
    try:
        repo.git.push(remote, f"HEAD:refs/heads/{repo.active_branch.name}")
    except git.GitCommandError:
        return False
    return True


def remote_has_branch(path: Path, branch: str, remote: str = "origin") -> bool:
    """Whether ``remote`` has the branch; RepoError when the remote cannot be asked."""
    repo = _repo(path)
    try:
        return bool(str(repo.git.ls_remote("--heads", remote, f"refs/heads/{branch}")).strip())
    except git.GitCommandError as exc:
        raise RepoError(
            _("Cannot read the branches of {remote}: {error}", remote=remote, error=_git_error(exc))
        ) from None


def push_new_branch(
    path: Path, branch: str, rel: str, text: str, message: str, remote: str = "origin"
) -> str:
    """Push, as the new branch ``branch`` of ``remote``, one commit on top of HEAD that sets
    ``rel`` to ``text``; return its sha.

    The commit is built in a separate index, so the work tree, the index and the current branch
    stay as they are, and the push never moves a branch that already exists (no force)."""
    repo = _repo(path)
    try:
        with tempfile.TemporaryDirectory(prefix="publisher-branch-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            source = Path(tmp) / "file"
            source.write_text(text, encoding="utf-8")
            blob = str(repo.git.hash_object("-w", f"--path={rel}", str(source))).strip()
            repo.git.read_tree("HEAD", env=env)
            repo.git.update_index("--add", "--cacheinfo", f"100644,{blob},{rel}", env=env)
            tree = str(repo.git.write_tree(env=env)).strip()
        sha = str(repo.git.commit_tree(tree, "-p", "HEAD", "-m", message)).strip()
        repo.git.push(remote, f"{sha}:refs/heads/{branch}")
    except git.GitCommandError as exc:
        raise RepoError(
            _("Could not push the branch {branch}: {error}", branch=branch, error=_git_error(exc))
        ) from None
    return sha


def _repo(path: Path) -> git.Repo:
    repo = open_repo(path)
    if repo is None:
        raise RepoError(_("{path} is not a Git repository.", path=path))
    return repo


def drop_last_commit_and_pull(path: Path, remote: str = "origin") -> None:
    """Forget our last commit (a reservation that lost the race) and take the remote's."""
    repo = open_repo(path)
    if repo is None:
        raise RepoError(_("{path} is not a Git repository.", path=path))
    try:
        repo.git.reset("--hard", "HEAD~1")
        repo.git.pull("--rebase", remote, repo.active_branch.name)
    except git.GitCommandError as exc:
        raise RepoError(
            _("Could not take the other run's changes: {error}", error=_git_error(exc)),
            _("Run publisher apply --push again."),
        ) from None


def _abort_rebase(repo: git.Repo) -> None:
    with contextlib.suppress(git.GitCommandError):
        repo.git.rebase("--abort")


def _git_error(exc: git.GitCommandError) -> str:
    from publisher.core.redact import redact

    text = str(exc.stderr or exc).strip().splitlines()
    return redact(text[-1] if text else str(exc))


def _trailers(message: str) -> Iterable[tuple[str, str]]:
    """Known trailers of the message's last paragraph, as ``git interpret-trailers`` reads them."""
    for line in message.strip().rpartition("\n\n")[2].splitlines():
        key, sep, value = line.partition(": ")
        if sep and key in TRAILER_KEYS:
            yield key, value.strip()


@dataclass(frozen=True)
class Change:
    """One commit since the last recorded run: who wrote it and what it changed.

    ``paths`` pairs each path with its status letter (``A`` added, ``M``, ``D``, ``R``...); a merge
    is listed with its difference from its first parent, so a change made while merging shows.
    """

    sha: str
    author_email: str
    subject: str
    paths: tuple[tuple[str, str], ...]


def committer_email(path: Path) -> str:
    """The e-mail this job commits results with (``git config user.email`` in the workflow)."""
    repo = open_repo(path)
    if repo is None:
        return ""
    try:
        ident = str(repo.git.var("GIT_COMMITTER_IDENT"))
    except git.GitCommandError:
        return ""
    return ident.partition("<")[2].partition(">")[0].strip().lower()


def current_branch(path: Path) -> str:
    repo = open_repo(path)
    if repo is None:
        return ""
    try:
        return repo.active_branch.name
    except (TypeError, ValueError):
        return ""


@dataclass(frozen=True)
class RecordedRun:
    """The newest run this job recorded: the commit whose approval it checked (``source``) and
    the result commit it wrote (``commit``)."""

    source: str
    commit: str


def last_recorded_run(path: Path, bot_email: str) -> RecordedRun | None:
    """The newest result commit the bot wrote whose ``Source:`` is in its history, or None.

    The whole history is searched (Git filters by author and subject): a depth limit would let
    anyone who pushes enough empty commits turn the run into a "first" one with weaker checks.
    """
    repo = open_repo(path)
    if repo is None or not bot_email:
        return None
    try:
        log = str(
            repo.git.log(
                f"--author=<{re.escape(bot_email)}>",
                "--regexp-ignore-case",
                f"--grep=^{re.escape(RESULT_SUBJECT_PREFIX)}",
                "--format=%H%x00%ae%x00%B%x1e",
                "--no-show-signature",
            )
        )
    except git.GitCommandError:
        return None
    for record in log.split("\x1e"):
        sha, _sep, rest = record.strip().partition("\x00")
        email, _sep, message = rest.partition("\x00")
        if email.lower() != bot_email or not message.startswith(RESULT_SUBJECT_PREFIX):
            continue
        source = dict(_trailers(message)).get("Source", "")
        if source and _is_ancestor(repo, source, sha):
            return RecordedRun(source, sha)
    return None


def is_shallow(path: Path) -> bool:
    """Whether this clone lacks part of its history (``fetch-depth: 1``, ``GIT_DEPTH``)."""
    repo = open_repo(path)
    if repo is None:
        return False
    try:
        return str(repo.git.rev_parse("--is-shallow-repository")).strip() == "true"
    except git.GitCommandError:
        return False


def changes_since(path: Path, base: str) -> list[Change]:
    """Every commit in ``base..HEAD`` with the paths it changed, newest first."""
    repo = open_repo(path)
    if repo is None:
        return []
    try:
        log = str(
            _unquoted(repo).log(
                "--format=%x1e%H%x00%ae%x00%s",
                "--name-status",
                "--no-renames",
                "--diff-merges=first-parent",
                f"{base}..HEAD",
            )
        )
    except git.GitCommandError as exc:
        raise RepoError(_("Cannot read the history: {error}", error=_git_error(exc))) from None
    changes: list[Change] = []
    for record in log.split("\x1e")[1:]:
        head, *lines = record.strip("\n").splitlines()
        sha, email, subject = [*head.split("\x00"), "", ""][:3]
        paths = tuple(
            (status[:1], name)
            for status, _tab, name in (line.partition("\t") for line in lines if "\t" in line)
        )
        changes.append(Change(sha, email.lower(), subject, paths))
    return changes


def changed_paths(path: Path, base: str) -> set[str]:
    """Paths whose content differs between ``base`` and HEAD."""
    repo = open_repo(path)
    if repo is None:
        return set()
    try:
        listing = _unquoted(repo).diff("--name-only", "--no-renames", base, "HEAD")
        return set(str(listing).splitlines())
    except git.GitCommandError as exc:
        raise RepoError(_("Cannot read the history: {error}", error=_git_error(exc))) from None


def _unquoted(repo: git.Repo) -> git.Git:
    """Git for one call that lists paths as they are (``ёлка.md``, not ``"\\321\\221..."``)."""
    return repo.git(c="core.quotePath=false")


def _is_ancestor(repo: git.Repo, older: str, newer: str) -> bool:
    try:
        repo.git.merge_base("--is-ancestor", older, newer)
    except git.GitCommandError:
        return False
    return True


def commits_touching(path: Path, rel: str) -> list[tuple[str, str]]:
    """(sha, subject) of every commit that changed ``rel``, oldest first."""
    repo = open_repo(path)
    if repo is None:
        return []
    try:
        output = str(repo.git.log("--reverse", "--format=%H%x00%s", "--", rel))
    except git.GitCommandError:
        return []
    return [
        (sha, subject)
        for sha, _sep, subject in (line.partition("\0") for line in output.splitlines())
    ]


def commit_time(path: Path, sha: str) -> datetime | None:
    """When ``sha`` was committed, if it is a commit in the history of HEAD; else None."""
    repo = open_repo(path)
    if repo is None or not re.fullmatch(r"[0-9a-f]{7,40}", sha):
        return None
    try:
        commit = repo.commit(sha)
    except (ValueError, git.BadName, git.GitCommandError):
        return None
    if not _is_ancestor(repo, commit.hexsha, "HEAD"):
        return None
    return commit.committed_datetime


def is_ancestor(path: Path, older: str, newer: str) -> bool:
    """Whether commit ``older`` is in the history of ``newer``."""
    repo = open_repo(path)
    return repo is not None and _is_ancestor(repo, older, newer)
