"""What earlier runs worked out about each file, so a warm ``check`` or ``plan`` redoes nothing.

Entries are keyed by a file's content (its Git blob id, see ``tree``), its path, and everything
that shapes the result: the configuration, the networks, the message language and the code of
publisher itself. A post's entry holds the loaded post and its problems, the identities of the
media files it read (the entry is used only while they are unchanged), and what was derived
from it: check findings, style report, each network's rendering. Result files are cached by
content too, parsed; files found free of tokens are remembered by content.

The cache lives in ``.publisher-cache/`` (it ignores itself in Git) as a few pickles: the
entries, the renderings (read only by plan and apply: they are the bulk), an index of post ids
by path (for ``check FILE``), and the networks' capabilities. It is only ever an optimisation:
any problem reading it means starting from scratch, and a read-only checkout runs without it.
Pickles run code when loaded, so a cache must never come from anyone a job with secrets does
not trust (the publish workflow restores none).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from .errors import Diagnostic
from .i18n import language
from .model import LedgerEntry, Post
from .parallel import fork_map
from .tree import Tree

CACHE_DIR = ".publisher-cache"
CACHE_FILE = "cache.pickle"
#: each network's rendering of the posts, kept apart: only plan and apply read it
RENDERS_FILE = "renders.pickle"
RENDER_KEY = "render:"
#: each post file's id by path and content, for checking a few files against all the others
INDEX_FILE = "ids.pickle"
CAPABILITIES_FILE = "capabilities.pickle"
#: bump when the pickled document changes shape (code changes are noticed by themselves)
VERSION = 5

T = TypeVar("T")


@dataclass
class Entry:
    """One post file as loaded, what it depended on, and what was derived from it."""

    post: Post | None
    problems: list[Diagnostic]
    #: identity of each media file the post named, as loading saw it (see ``Cache.identity``)
    media: dict[str, str] = field(default_factory=dict)
    #: results computed from the post, by a key naming what they depend on
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Document:
    """The pickled file."""

    version: int
    code: str
    entries: dict[str, Entry]
    ledgers: dict[str, dict[str, LedgerEntry]]
    clean: set[str]


class Cache:
    """Posts, derived results, parsed result files and token-free files, by content."""

    def __init__(self, repo: Path, tree: Tree, salt: str) -> None:
        self.path = repo / CACHE_DIR / CACHE_FILE
        self.renders_path = repo / CACHE_DIR / RENDERS_FILE
        self.repo = repo.resolve()
        self.tree = tree
        self.base_salt = salt
        self.salt = f"{salt}\0{language()}"
        self._old = self._read()
        #: entries of this run by repository path of the post file
        self.by_path: dict[str, Entry] = {}
        self._keys: dict[str, str] = {}
        self.ledgers: dict[str, dict[str, LedgerEntry]] = {}
        self.clean: set[str] = set()
        self._render_keys: dict[tuple[str, int, int], tuple[str, Any, Any]] = {}
        self._changed = False
        #: whether the renderings file was read (or found missing) this run
        self._renders_read = False
        self._renders_changed = False

    def _read(self) -> _Document:
        empty = _Document(VERSION, code_fingerprint(), {}, {}, set())
        document = _load(self.path)
        if not isinstance(document, _Document):
            return empty
        if (document.version, document.code) != (empty.version, empty.code):
            return empty
        return document

    def read_renders(self) -> None:
        """Bring the stored renderings into this run's entries (once, on first need)."""
        if self._renders_read:
            return
        self._renders_read = True
        stored = _load(self.renders_path)
        if not isinstance(stored, tuple) or stored[:2] != (VERSION, self._old.code):
            self._renders_changed = True
            return
        renders: dict[str, dict[str, Any]] = stored[2]
        for rel, entry in self.by_path.items():
            for key, value in renders.get(self._keys.get(rel, ""), {}).items():
                entry.derived.setdefault(key, value)

    # -- posts ------------------------------------------------------------------------------

    def get(self, rel: str) -> Entry | None:
        """The entry for the post file at ``rel`` as it is now, if an earlier run left one."""
        key = self._key(rel)
        entry = self._old.entries.get(key) if key else None
        if entry is None or any(self.identity(p) != i for p, i in entry.media.items()):
            return None
        self.by_path[rel] = entry
        return entry

    def put(self, rel: str, entry: Entry) -> None:
        self.by_path[rel] = entry
        self._changed = True

    def _key(self, rel: str) -> str | None:
        if rel not in self._keys:
            digest = self.tree.digest(rel)
            if digest is None:
                return None
            self._keys[rel] = hashlib.sha256(f"{self.salt}\0{rel}\0{digest}".encode()).hexdigest()
        return self._keys[rel]

    def identity(self, path: str | Path) -> str:
        """A media file's identity: its blob id if scanned, else size and modification time."""
        target = Path(path)
        if not target.is_absolute():
            target = self.repo / target
        try:
            rel = target.relative_to(self.repo).as_posix()
        except ValueError:
            rel = ""
        digest = self.tree.digest(rel)
        if digest is not None:
            return digest
        try:
            info = os.stat(target)
        except OSError:
            return "missing"
        return f"{info.st_size}:{info.st_mtime_ns}"

    def derived(self, rel: str, key: str, compute: Callable[[], T], stored: bool = True) -> T:
        """A result derived from the post at ``rel`` (computed once per content and ``key``).

        A rendering (``key`` starting with ``RENDER_KEY``) is looked up in the renderings file
        unless ``stored`` is false: check renders only the posts it checks, and the file is
        large, so it leaves it unread.
        """
        entry = self.by_path.get(rel)
        if entry is None:
            return compute()
        wanted_from_file = stored and key.startswith(RENDER_KEY) and not self._renders_read
        if wanted_from_file and key not in entry.derived:
            self.read_renders()
        if key not in entry.derived:
            entry.derived[key] = compute()
            self._note_change(key)
        return entry.derived[key]  # type: ignore[no-any-return]

    def _note_change(self, key: str) -> None:
        if key.startswith(RENDER_KEY):
            self._renders_changed = True
        else:
            self._changed = True

    def derive_many(self, rels: list[str], compute: Callable[[int], object]) -> None:
        """Call ``compute(i)`` for each of ``rels`` (on all cores when there are many), keeping
        what each call derived, through ``derived``, for the post at ``rels[i]``."""

        def run(index: int) -> dict[str, Any]:
            compute(index)
            entry = self.by_path.get(rels[index])
            return entry.derived if entry is not None else {}

        for rel, derived in zip(rels, fork_map(run, range(len(rels))), strict=True):
            entry = self.by_path.get(rel)
            if entry is not None and derived is not entry.derived:
                for key in derived.keys() - entry.derived.keys():
                    self._note_change(key)
                entry.derived.update(derived)

    def render_key(self, network: str, caps: Any, defaults: Any) -> str:
        """The key of a network's rendering with these capabilities and options (worked out
        once per run: the objects are the same for every post)."""
        memo = (network, id(caps), id(defaults))
        found = self._render_keys.get(memo)
        if found is None:  # the objects are kept with the key, so their ids stay theirs
            found = (RENDER_KEY + salt_of(network, caps, defaults)[:24], caps, defaults)
            self._render_keys[memo] = found
        return found[0]

    def has(self, rel: str, key: str) -> bool:
        entry = self.by_path.get(rel)
        return entry is not None and key in entry.derived

    # -- result files and token scans --------------------------------------------------------

    def ledger(
        self, digest: str, parse: Callable[[], dict[str, LedgerEntry]]
    ) -> dict[str, LedgerEntry]:
        """A result file's entries by its content (parse errors are not cached: they raise)."""
        if digest not in self.ledgers:
            found = self._old.ledgers.get(digest)
            self.ledgers[digest] = found if found is not None else parse()
            self._changed |= found is None
        return self.ledgers[digest]

    def known_clean(self, digest: str) -> bool:
        if digest in self._old.clean:
            self.clean.add(digest)
            return True
        return False

    def mark_clean(self, digest: str) -> None:
        self.clean.add(digest)
        self._changed = True

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        """Keep what this run used or made (entries of removed files drop out), atomically.

        Renderings are written only if this run read the renderings file or there was none
        (a run that did not read it cannot tell what else it held)."""
        keys = {rel: self._keys[rel] for rel in self.by_path if rel in self._keys}
        unchanged = (
            not self._changed
            and set(keys.values()) == self._old.entries.keys()
            and self.ledgers.keys() == self._old.ledgers.keys()
            and self.clean == self._old.clean
        )
        if not unchanged:
            entries = {keys[rel]: _without_renders(self.by_path[rel]) for rel in keys}
            document = _Document(VERSION, self._old.code, entries, self.ledgers, self.clean)
            if _dump(self.path, document):
                self._old, self._changed = document, False
        if not unchanged or not (self.repo / CACHE_DIR / INDEX_FILE).exists():
            self._save_index()  # the ids follow from the entries: unchanged entries, same ids
        if self._renders_changed and (self._renders_read or not self.renders_path.exists()):
            renders = {
                keys[rel]: {k: v for k, v in e.derived.items() if k.startswith(RENDER_KEY)}
                for rel, e in self.by_path.items()
                if rel in keys
            }
            if _dump(self.renders_path, (VERSION, self._old.code, renders)):
                self._renders_changed = False

    def _save_index(self) -> None:
        index = {
            rel: (digest, entry.post.id)
            for rel, entry in self.by_path.items()
            if entry.post is not None and (digest := self.tree.digest(rel)) is not None
        }
        if read_id_index(self.repo, self.base_salt) != index:
            _dump(
                self.repo / CACHE_DIR / INDEX_FILE, (VERSION, self._old.code, self.base_salt, index)
            )


def stored_capabilities(repo: Path, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Every network's capabilities, as this code declares them; kept in the cache so that a
    check need not import the adapters (and their HTTP client) to read them."""
    path = repo / CACHE_DIR / CAPABILITIES_FILE
    stored = _load(path)
    if isinstance(stored, tuple) and stored[:2] == (VERSION, code_fingerprint()):
        found: dict[str, Any] = stored[2]
        return found
    value = compute()
    _dump(path, (VERSION, code_fingerprint(), value))
    return value


def read_id_index(repo: Path, salt: str) -> dict[str, tuple[str, str]] | None:
    """Post ids by path and blob id as the last full run saw them (None if unusable)."""
    stored = _load(repo / CACHE_DIR / INDEX_FILE)
    if not isinstance(stored, tuple) or stored[:3] != (VERSION, code_fingerprint(), salt):
        return None
    index: dict[str, tuple[str, str]] = stored[3]
    return index


def _without_renders(entry: Entry) -> Entry:
    derived = {k: v for k, v in entry.derived.items() if not k.startswith(RENDER_KEY)}
    return Entry(entry.post, entry.problems, entry.media, derived)


def _load(path: Path) -> Any:
    """A pickled file, or None if it is missing or damaged in any way."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # any damage or old format: start from scratch
        return None


def _dump(path: Path, value: Any) -> bool:
    """Write a pickle atomically; False if the folder is read-only (the cache is optional)."""
    try:
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():  # the folder keeps itself out of Git, as .pytest_cache does
            ignore.write_text("# written by publisher: a cache, never committed\n*\n")
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


@cache
def code_fingerprint() -> str:
    """Size and modification time of every file of the installed package: any change to
    publisher's code or messages makes earlier results unusable."""
    package = Path(__file__).resolve().parent
    parts = []
    for root, _dirs, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith((".py", ".mo", ".yml", ".json")):
                info = os.stat(os.path.join(root, name))
                parts.append(f"{root}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def salt_of(*parts: Any) -> str:
    """A digest naming settings an entry depends on, the same in every process."""
    return hashlib.sha256(stable_repr(parts).encode()).hexdigest()


def stable_repr(value: Any) -> str:
    """``repr`` with sets and mappings in sorted order (their order varies between processes)."""
    if is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(f"{f.name}={stable_repr(getattr(value, f.name))}" for f in fields(value))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, Mapping):
        items = sorted((stable_repr(k), stable_repr(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable_repr(v) for v in value) + "]"
    return repr(value)
