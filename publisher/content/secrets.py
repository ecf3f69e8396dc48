"""Tokens committed by mistake: every text file of the repository is searched for one.

A token must live only in a CI secret. ``check`` reads every tracked (or new and not ignored)
text file: posts and accounts, and also ``publisher.yml``, ``moderation.yml``, inbox files,
design files, workflows, the README. A line holding a token of one of the networks or Git hosts
(``redact.TOKEN_SHAPES``), or a long random value assigned to a key named like a secret, is an
error at its file and line; the line itself is never printed. A line carrying
``pragma: allowlist secret`` (detect-secrets' marker) is left alone: test fixtures, examples.
Binary files (a NUL byte in the first 8,000, as Git decides) are skipped.

Speed: files are known by Git blob id and ``cache`` remembers the ids of clean files, so a warm
check reads none; listing the files outside the content and accounts folders (which ``tree``
has listed already) adds 20-45 ms to a warm check of 10,000 posts, and a scan of all of them
with no cache takes 1.4 s on two busy cores (the old scan of fewer files: 1.1-1.8 s).
detect-secrets was measured for the cold scan and not used: its full scan took 11 ms per post
file (10,000 posts: about two minutes), its keyword detector alone 1.1 ms,
and its import (which pulls in ``requests``) 130 ms. One regular expression of all the token
shapes took 0.4 ms per post (Cyrillic text defeats its literal prefixes), so each text is first
cut into runs of 20+ token characters (6 µs per post) and only those few runs are matched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from publisher.core.errors import Diagnostic, Severity
from publisher.core.i18n import _
from publisher.core.packing import typed
from publisher.core.parallel import fork_map
from publisher.core.redact import (
    assigned_secret,
    looks_like_token,
    may_be_token_shaped,
    register,
    secret_words_in,
    token_shaped,
)
from publisher.state.cache import LEGACY_DIR, Cache
from publisher.state.tree import Tree, blob_id, git_files, scope_filter

#: detect-secrets' marker: a line with it holds a fake token on purpose
ALLOW_MARKER = "pragma: allowlist secret"
#: what GitHub and GitLab accept as the name of a secret or CI variable
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: a run of characters a token is made of, long enough to be one
_RUN = re.compile(r"[A-Za-z0-9_.:%~+/=-]{20,}")
_SNIFF = 8000
#: never read: what these hold is not text
_BINARY_SUFFIXES = frozenset(
    {
        *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic", ".bmp", ".tif", ".ico"),
        *(".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mp3", ".ogg", ".wav", ".pdf"),
        *(".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".ttf", ".otf", ".woff", ".woff2"),
        *(".docx", ".xlsx", ".pptx", ".odt", ".pickle", ".pyc", ".mo"),
    }
)
#: walked past outside Git (inside it, .gitignore decides)
_SKIPPED_DIRS = frozenset({".git", LEGACY_DIR, "node_modules", ".venv", "__pycache__"})


def scan_for_tokens(
    repo: Path,
    tree: Tree | None = None,
    cache: Cache | None = None,
    scope: Iterable[str] | None = None,
) -> list[Diagnostic]:
    """Lines holding a token in the repository's text files (``scope``: just some files or
    folders). Files the ``cache`` knows clean by content are not read again."""
    wanted = scope_filter(scope)
    todo = [
        (rel, digest)
        for rel, digest in repository_files(repo, tree)
        if wanted(rel)
        and not _binary_name(rel)
        and (cache is None or digest is None or not cache.known_clean(digest))
    ]
    found = fork_map(partial(_scan_file, repo), todo, _SCANNED)
    problems: list[Diagnostic] = []
    for (rel, _digest), (lines, digest) in zip(todo, found, strict=True):
        problems.extend(_committed(rel, line) for line in lines)
        if cache is not None and not lines and digest is not None:
            cache.mark_clean(digest)
    return problems


def repository_files(repo: Path, tree: Tree | None) -> Iterator[tuple[str, str | None]]:
    """Every file of the repository with its blob id where Git knows it unchanged: the
    ``tree``'s files (already listed) and the others that Git tracks or would add."""
    folders = tree.folders if tree is not None else ()
    if tree is not None:
        yield from tree.files.items()
    listed = _from_git(repo, folders)
    if listed is None:
        listed = dict.fromkeys(_walk(repo, folders))
    yield from sorted(listed.items())


def find_tokens(text: str) -> list[int]:
    """Numbers of the lines of ``text`` that hold a token (marked lines excepted).

    Quick answers, each the one the full search would give: a run of characters
    ``token_shaped`` rules out, on one of the ASCII lines the text ends with when none of them
    holds a word of a secret's key (``assigned_secret`` would say no for each), is passed
    without looking at its line. So a result file of two networks is searched in 21 µs, not 49
    (a cold plan searches 10,000 of them); a post in 9-10 µs, as before.
    """
    numbers: list[int] = []
    number, counted = 1, 0
    quiet = -1  # where the ASCII lines free of a secret's word start (worked out if needed)
    for run in _RUN.finditer(text):
        value = run.group()
        start = text.rfind("\n", 0, run.start()) + 1
        if not may_be_token_shaped(value):
            if quiet < 0:
                quiet = _quiet_end(text)
            if start >= quiet:
                continue
        number += text.count("\n", counted, start)
        counted = start
        if numbers and numbers[-1] == number:
            continue
        end = text.find("\n", run.end())
        line = text[start : end if end >= 0 else len(text)]
        if ALLOW_MARKER not in line and (token_shaped(value) or assigned_secret(line)):
            numbers.append(number)
    return numbers


def _quiet_end(text: str) -> int:
    """Where the ASCII lines that end ``text`` start, if none of them holds a word of a
    secret's key; else past the end."""
    start = len(text)
    for line in reversed(text.split("\n")):
        if not line.isascii():
            break
        start -= len(line) + 1
    start = max(start, 0)
    return len(text) + 1 if secret_words_in(text[start:]) else start


def env_name_problem(value: str) -> tuple[str, str] | None:
    """What is wrong with ``value`` where the name of an environment variable belongs
    (``token_env``, ``secrets:``), as a message and a hint that never quote it; None if it is
    a name. A value that looks like a token is registered, so ``redact`` masks it anywhere."""
    if looks_like_token(value):
        register(value)
        return (
            _("The value looks like a token; the name of an environment variable belongs here."),
            _(
                "Revoke this token on the network (it is in the repository's history now), put "
                "a new one into a CI secret and write the secret's name here, e.g. VK_TOKEN."
            ),
        )
    if not _ENV_NAME.fullmatch(value):
        return (
            _("This is not the name of an environment variable."),
            _("Write the name of the CI secret: Latin letters, digits and '_', e.g. VK_TOKEN."),
        )
    return None


def _scan_file(repo: Path, item: tuple[str, str | None]) -> tuple[list[int], str | None]:
    """Lines with a token in one file, and the file's blob id (worked out if not known)."""
    rel, digest = item
    path = repo / rel
    try:
        if path.is_symlink():  # may point outside the repository; Git stores only the link
            return [], None
        data = path.read_bytes()
    except OSError:
        return [], None
    digest = digest or blob_id(data)
    if b"\0" in data[:_SNIFF]:
        return [], digest
    return find_tokens(data.decode("utf-8", "replace")), digest


#: a file's scan as a worker sends it back (``_scan_file``)
_SCANNED = typed(tuple[list[int], str | None])


def _committed(rel: str, line: int) -> Diagnostic:
    return Diagnostic(
        rel,
        line,
        Severity.ERROR,
        _("This line looks like an access token committed to the repository."),
        _(
            "Remove it, revoke the token on the network, and keep the new one only in a CI "
            "secret named by token_env."
        ),
        "token-committed",
    )


def _binary_name(rel: str) -> bool:
    name = rel.rpartition("/")[2]
    return "." in name and name[name.rindex(".") :].lower() in _BINARY_SUFFIXES


def _from_git(repo: Path, folders: tuple[str, ...]) -> dict[str, str | None] | None:
    """Files outside ``folders`` that Git tracks or would add: path -> blob id, None where
    the working tree differs. None as a whole outside Git."""
    spec = ("--", ".", *(f":(exclude){folder}" for folder in folders))
    return git_files(repo, spec, ignored=False)


def _walk(repo: Path, folders: tuple[str, ...]) -> Iterator[str]:
    """Files outside ``folders``, by walking the file system (no Git)."""
    skipped = {repo / folder for folder in folders}
    for root, dirs, names in os.walk(repo):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS and Path(root, d) not in skipped]
        for name in names:
            path = Path(root, name)
            if path not in skipped and not path.is_symlink():
                yield path.relative_to(repo).as_posix()
