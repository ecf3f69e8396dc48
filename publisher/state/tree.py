"""The files under some folders of the repository and the identity of each one's content.

A file's identity is its Git blob id: SHA-1 of ``blob <size>\\0`` and the bytes. Git's index
already holds it for every tracked file, and ``git diff-files`` tells (from file stat data, without
reading contents) which of those differ in the working tree, so a repository of 50,000 posts is
listed in a few hundred milliseconds and only changed or untracked files are read. That is what
lets a warm ``check`` skip every unchanged post, and a pull request's check read only the files it
touches. Outside Git (or if Git fails) every file is read and hashed the same way, so the
identities, and the cache keyed by them, are the same.

Files Git marks ``assume-unchanged`` or ``skip-worktree`` are taken at the index's word.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

#: modes in ``git ls-files -s`` whose blob id is not the file's bytes (symlinks, submodules)
NOT_PLAIN_FILES = ("120000", "160000")


@dataclass(frozen=True)
class Tree:
    """Files under the scanned folders: repository path -> Git blob id of its content."""

    repo: Path
    #: the folders scanned (a file is complete only under these)
    folders: tuple[str, ...]
    #: in path order (``scan_tree`` builds it so)
    files: dict[str, str]

    def under(self, folder: str) -> Iterator[str]:
        """Repository paths under ``folder`` (or the file itself), sorted (``files`` is)."""
        prefix = folder.rstrip("/") + "/"
        return (rel for rel in self.files if rel.startswith(prefix) or rel == folder)

    def digest(self, rel: str) -> str | None:
        return self.files.get(rel)

    @cached_property
    def prefixes(self) -> tuple[str, ...]:
        """What the path of a file under the scanned folders starts with."""
        return tuple(f"{folder}/" for folder in self.folders)


def narrowed(scope: Iterable[str] | None) -> tuple[str, ...] | None:
    """``scope`` as given, or None where it names the whole repository (``""`` or ``.``)."""
    if scope is None:
        return None
    names = tuple(scope)
    return None if any(name.strip("/") in ("", ".") for name in names) else names


def scope_filter(scope: Iterable[str] | None) -> Callable[[str], bool]:
    """Whether a repository path is one of the files, or under one of the folders, of
    ``scope`` (None, ``""`` or ``.`` mean the whole repository)."""
    names = narrowed(scope)
    if names is None:
        return lambda path: True
    names = tuple(name.strip("/") for name in names)
    folders = tuple(f"{name}/" for name in names)
    return lambda path: path in names or path.startswith(folders)


def blob_id(data: bytes) -> str:
    """Git's id of a blob with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def file_blob_id(path: Path) -> str | None:
    try:
        return blob_id(path.read_bytes())
    except OSError:
        return None


def scan_tree(repo: Path, folders: Iterable[str]) -> Tree:
    """Every file under ``folders`` (paths relative to ``repo``) with its blob id."""
    wanted = [f.rstrip("/") for f in folders]
    listed = _from_git(repo, wanted)
    if listed is None:
        listed = {rel: None for rel in _walk(repo, wanted)}
    files: dict[str, str] = {}
    for rel, known in sorted(listed.items()):
        digest = known or file_blob_id(repo / rel)
        if digest is not None:
            files[rel] = digest
    return Tree(repo, tuple(wanted), files)


def _from_git(repo: Path, folders: list[str]) -> dict[str, str | None] | None:
    """Path -> blob id for files Git knows unchanged; None for changed and untracked files.

    None as a whole when this is not a Git work tree or Git fails: the caller then walks.
    """
    present = [f for f in folders if (repo / f).exists()]
    if not present:
        return {}
    # ignored files too: a post someone has not added yet is still checked
    return git_files(repo, ("--", *present), ignored=True)


def git_files(repo: Path, spec: tuple[str, ...], ignored: bool) -> dict[str, str | None] | None:
    """Plain files Git tracks or would add under the pathspec ``spec``: path -> blob id, None
    where the working tree differs and for untracked files (with ``ignored``, ignored ones too).

    Symlinks and submodules are left out: their blob id is not a file's bytes. None as a whole
    when Git cannot run here.
    """
    others = ("ls-files", "--others", "-z", *(() if ignored else ("--exclude-standard",)))
    staged, changed, untracked = git_all(
        repo,
        ("ls-files", "--stage", "-z", *spec),
        ("diff-files", "--name-only", "--relative", "-z", *spec),
        (*others, *spec),
    )
    if staged is None or changed is None or untracked is None:
        return None
    listed: dict[str, str | None] = {}
    for record in staged:
        meta, _tab, rel = record.partition("\t")
        mode, digest, _stage = meta.split(" ")
        if mode not in NOT_PLAIN_FILES:
            listed[rel] = digest
    for rel in changed:
        if rel in listed:
            listed[rel] = None
    listed.update(dict.fromkeys(untracked))
    return listed


def git_all(repo: Path, *commands: tuple[str, ...]) -> list[list[str] | None]:
    """NUL-separated records of each Git command (None for one that could not run); the
    commands run at the same time, as they only read."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    started: list[subprocess.Popen[bytes] | None] = []
    for args in commands:
        try:
            started.append(
                subprocess.Popen(
                    ["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        except OSError:
            started.append(None)
    return [_records(process) for process in started]


def _records(process: subprocess.Popen[bytes] | None) -> list[str] | None:
    if process is None:
        return None
    output, _errors = process.communicate()
    if process.returncode != 0:
        return None
    return [r for r in output.decode("utf-8", "surrogateescape").split("\0") if r]


def _walk(repo: Path, folders: list[str]) -> Iterator[str]:
    """Every file under the folders, by walking the file system (no Git)."""
    for folder in folders:
        base = repo / folder
        if base.is_file():
            yield folder
            continue
        for root, dirs, names in os.walk(base):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                yield (Path(root) / name).relative_to(repo).as_posix()
