"""What earlier runs worked out about each file, so a warm ``check`` or ``plan`` redoes nothing.

Entries are keyed by a file's content (its Git blob id, see ``tree``), its path, and everything
that shapes the result: the configuration, the networks, the message language and the code of
publisher itself. A post's entry holds the loaded post and its problems, the identities of the
media files it read (the entry is used only while they are unchanged), and what was derived
from it: check findings and each network's rendering. Result files are cached by content too,
parsed; files found free of tokens are remembered by content.

The cache is plain data, never code: MessagePack files (``core.packing``) decoded into the
expected types, each entry checked on its own, so a damaged or forged entry is a cache miss and
nothing in it can run. It lives outside the work tree, in the Git directory
(``.git/publisher-cache/``, see ``cache_dir``), so a pull request cannot bring one along;
``check`` reports a cache file committed to the repository (``tracked_caches``). The files: the
entries, the renderings (read only by plan and apply: they are the bulk) and an index of post
ids by path (for ``check FILE``). It is only ever an optimisation: any problem reading it means
starting from scratch, and a read-only checkout runs without it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from publisher.core.errors import Diagnostic, Severity
from publisher.core.i18n import _, language
from publisher.core.model import Post, RenderedPost
from publisher.core.packing import (
    DECODE_ERRORS,
    ENCODE_ERRORS,
    ENCODER,
    decoder,
    packed,
    plain,
    typed,
)
from publisher.core.parallel import fork_map
from publisher.core.resources import PACKAGE_DIR
from publisher.state.atomic import write_atomic
from publisher.state.result_files import ResultFile
from publisher.state.tree import Tree, git_all

#: the cache's folder in the Git directory
CACHE_NAME = "publisher-cache"
#: where earlier versions kept their pickles, in the work tree: never read now, and committed
#: files there are an error of ``check``
LEGACY_DIR = ".publisher-cache"
#: committed files that look like a cache (Git pathspecs, relative to the repository)
CACHE_PATHSPECS = tuple(
    f":(glob,icase)**/{pattern}" for pattern in (f"{LEGACY_DIR}/**", "*.pickle", "*.pkl")
)
CACHE_FILE = "cache.msgpack"
#: each network's rendering of the posts, kept apart: only plan and apply read it
RENDERS_FILE = "renders.msgpack"
RENDER_KEY = "render:"
#: each post file's id by path and content, for checking a few files against all the others
INDEX_FILE = "ids.msgpack"
#: bump when the stored data changes shape (code changes are noticed by themselves)
VERSION = 9

T = TypeVar("T")


@dataclass
class Entry:
    """One post file as loaded, what it depended on, and what was derived from it."""

    post: Post | None
    problems: list[Diagnostic]
    #: identity of each media file the post named, as loading saw it (see ``Cache.identity``)
    media: dict[str, str] = field(default_factory=dict)
    #: results computed from the post, by a key naming what they depend on: renderings
    #: (``RENDER_KEY``) and check findings (lists of diagnostics: only those are stored)
    derived: dict[str, Any] = field(default_factory=dict)


# -- the stored shapes: decoding checks every value against these types ------------------------


class _Time(msgspec.Struct, array_like=True, frozen=True):
    """An aware time with its zone by name (MessagePack alone would bring it back in UTC)."""

    iso: str
    zone: str = ""

    @classmethod
    def of(cls, value: datetime) -> _Time:
        zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else ""
        return cls(value.isoformat(), zone)

    def value(self) -> datetime:
        """The time (ValueError if it is not an aware time or names no known zone)."""
        parsed = datetime.fromisoformat(self.iso)
        if parsed.tzinfo is None:
            raise ValueError(self.iso)
        return parsed.astimezone(ZoneInfo(self.zone)) if self.zone else parsed


class _StoredEntry(msgspec.Struct, array_like=True, frozen=True):
    post: Post | None
    publish_at: _Time | None
    problems: list[Diagnostic]
    media: dict[str, str]
    derived: dict[str, list[Diagnostic]]


class _Document(msgspec.Struct, array_like=True):
    """The entries file: entries and parsed result files by key, each decoded when needed."""

    version: int
    code: str
    entries: dict[str, msgspec.Raw]
    result_files: dict[str, msgspec.Raw]
    clean: set[str]
    #: texts derived from other texts, by a key naming what they were derived from
    texts: dict[str, str]


class _Renders(msgspec.Struct, array_like=True, frozen=True):
    version: int
    code: str
    #: each entry's renderings (``dict[str, RenderedPost]``) by entry key
    renders: dict[str, msgspec.Raw]


class _Index(msgspec.Struct, array_like=True, frozen=True):
    version: int
    code: str
    salt: str
    ids: dict[str, tuple[str, str]]


_DOCUMENT = msgspec.msgpack.Decoder(_Document)
_ENTRY = decoder(_StoredEntry)
_RENDERS = msgspec.msgpack.Decoder(_Renders)
_RENDERINGS = decoder(dict[str, RenderedPost])
_RESULT_FILE = msgspec.msgpack.Decoder(ResultFile)
_INDEX = msgspec.msgpack.Decoder(_Index)


class Cache:
    """Posts, derived results, parsed result files and token-free files, by content."""

    def __init__(self, repo: Path, tree: Tree, salt: str) -> None:
        self.folder = cache_dir(repo)
        self.path = self.folder / CACHE_FILE
        self.renders_path = self.folder / RENDERS_FILE
        self.repo = repo.resolve()
        self.tree = tree
        self.base_salt = salt
        self.salt = f"{salt}\0{language()}"
        self._old = self._read()
        #: entries of this run by repository path of the post file
        self.by_path: dict[str, Entry] = {}
        self._keys: dict[str, str] = {}
        self.result_files: dict[str, ResultFile] = {}
        self.clean: set[str] = set()
        self.texts: dict[str, str] = {}
        self._render_keys: dict[tuple[str, str, int, int], tuple[str, Any, Any]] = {}
        #: the stored form of entries, renderings and result files this run left as they were
        self._raw: dict[str, msgspec.Raw] = {}
        self._raw_renders: dict[str, msgspec.Raw] = {}
        self._raw_result_files: dict[str, msgspec.Raw] = {}
        #: posts (by path) whose entry, or renderings, this run changed
        self._dirty: set[str] = set()
        self._dirty_renders: set[str] = set()
        self._changed = False
        #: whether the renderings file was read (or found missing) this run
        self._renders_read = False
        self._renders_changed = False

    def _read(self) -> _Document:
        empty = _Document(VERSION, code_fingerprint(), {}, {}, set(), {})
        document = _decode(_DOCUMENT, _load(self.path))
        if document is None or (document.version, document.code) != (empty.version, empty.code):
            return empty
        return document

    def read_renders(self) -> None:
        """Bring the stored renderings into this run's entries (once, on first need)."""
        if self._renders_read:
            return
        self._renders_read = True
        stored = _decode(_RENDERS, _load(self.renders_path))
        if stored is None or (stored.version, stored.code) != (VERSION, self._old.code):
            self._renders_changed = True
            return
        for rel, entry in self.by_path.items():
            raw = stored.renders.get(self._keys.get(rel, ""))
            renders = _decode(_RENDERINGS, raw)
            if raw is None or renders is None or not _renders_fit(entry, renders):
                continue  # none, damaged or forged: rendered again, and then stored
            self._raw_renders[rel] = raw
            for key, value in renders.items():
                entry.derived.setdefault(key, value)

    # -- posts ------------------------------------------------------------------------------

    def get(self, rel: str) -> Entry | None:
        """The entry for the post file at ``rel`` as it is now, if an earlier run left one."""
        key = self._key(rel)
        raw = self._old.entries.get(key) if key else None
        if raw is None:
            return None
        entry = _decode_entry(raw, rel)
        if entry is None or any(self.identity(p) != i for p, i in entry.media.items()):
            return None
        self.by_path[rel] = entry
        self._raw[rel] = raw
        return entry

    def put(self, rel: str, entry: Entry, stored: msgspec.Raw | None = None) -> None:
        """Keep the entry loaded now for the post file at ``rel`` (``stored``: its stored form,
        from ``encode_entry``, if the loading worker sent it: it is not encoded again)."""
        self.by_path[rel] = entry
        if stored is None:
            self._dirty.add(rel)
        else:
            self._raw[rel] = stored

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
            self._note_change(rel, key)
        return entry.derived[key]  # type: ignore[no-any-return]

    def _note_change(self, rel: str, key: str) -> None:
        if key.startswith(RENDER_KEY):
            self._dirty_renders.add(rel)
        else:
            self._dirty.add(rel)

    def derive_many(self, rels: list[str], compute: Callable[[int], object]) -> None:
        """Call ``compute(i)`` for each of ``rels`` (on all cores when there are many), keeping
        what each call derived, through ``derived``, for the post at ``rels[i]``."""

        def run(index: int) -> dict[str, Any]:
            compute(index)
            entry = self.by_path.get(rels[index])
            return entry.derived if entry is not None else {}

        found = fork_map(run, range(len(rels)), _DERIVED)
        for rel, derived in zip(rels, found, strict=True):
            entry = self.by_path.get(rel)
            if entry is not None and derived is not entry.derived:
                for key in derived.keys() - entry.derived.keys():
                    self._note_change(rel, key)
                entry.derived.update(derived)

    def render_key(self, account: str, network: str, caps: Any, defaults: Any) -> str:
        """The key of a rendering for one account on a network with these capabilities and
        options (worked out once per run: the objects are the same for every post)."""
        memo = (account, network, id(caps), id(defaults))
        found = self._render_keys.get(memo)
        if found is None:  # the objects are kept with the key, so their ids stay theirs
            found = (RENDER_KEY + salt_of(account, network, caps, defaults)[:24], caps, defaults)
            self._render_keys[memo] = found
        return found[0]

    def has(self, rel: str, key: str) -> bool:
        entry = self.by_path.get(rel)
        return entry is not None and key in entry.derived

    # -- result files and token scans --------------------------------------------------------

    def result_file(self, digest: str, parse: Callable[[], ResultFile]) -> ResultFile:
        """A result file by its content (parse errors are not cached: they raise)."""
        found = self.known_result_file(digest)
        if found is None:
            found = parse()
            self.keep_result_file(digest, found)
        return found

    def known_result_file(self, digest: str) -> ResultFile | None:
        """The result file with this content, if this run or the last one parsed it."""
        if digest not in self.result_files:
            raw = self._old.result_files.get(digest)
            found = _decode(_RESULT_FILE, raw)
            if raw is None or found is None or not _result_file_fits(found):
                return None
            self._raw_result_files[digest] = raw
            self.result_files[digest] = found
        return self.result_files[digest]

    def keep_result_file(self, digest: str, found: ResultFile) -> None:
        self.result_files[digest] = found
        self._changed = True

    def keep_encoded_result_file(
        self, digest: str, data: bytes, found: ResultFile | None = None
    ) -> None:
        """A result file parsed elsewhere, in the stored form (``encode_result_file``);
        ``found``: ``data`` decoded already (``decode_result_file``)."""
        found = found or decode_result_file(data)
        if found is not None:
            self._raw_result_files[digest] = msgspec.Raw(data)
            self.keep_result_file(digest, found)

    def known_clean(self, digest: str) -> bool:
        """Whether this run or the last found the file with this content free of tokens (or
        holds the fact named so)."""
        if digest in self.clean:
            return True
        if digest in self._old.clean:
            self.clean.add(digest)
            return True
        return False

    def mark_clean(self, digest: str) -> None:
        self.clean.add(digest)
        self._changed = True

    # -- texts ------------------------------------------------------------------------------

    def text(self, source: str, compute: Callable[[], str]) -> str:
        """``compute()``, a text derived from ``source`` alone (an account's description as
        plain text), kept across runs: otherwise a warm check would load the Markdown library
        just for the accounts' descriptions (0.02-0.06 s of a 0.45 s check of 10,000 posts)."""
        key = hashlib.sha256(source.encode()).hexdigest()
        found = self.texts.get(key) or self._old.texts.get(key)
        if found is None:
            found = compute()
            self._changed = True
        self.texts[key] = found
        return found

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        """Keep what this run used or made (entries of removed files drop out), atomically.

        Entries this run left as they were are written back as they were read, without being
        encoded again. Renderings are written only if this run read the renderings file or
        there was none (a run that did not read it cannot tell what else it held)."""
        keys = {rel: self._keys[rel] for rel in self.by_path if rel in self._keys}
        entries = self._stored(keys, self._raw, self._dirty, _encode_entry)
        unchanged = (
            not self._changed
            and entries.keys() == self._old.entries.keys()
            and not self._dirty & keys.keys()
            and self.result_files.keys() == self._old.result_files.keys()
            and self.clean == self._old.clean
            and self.texts.keys() == self._old.texts.keys()
        )
        if not unchanged:
            result_files = {
                digest: self._raw_result_files.get(digest) or encode_result_file(found)
                for digest, found in self.result_files.items()
            }
            kept = {digest: raw for digest, raw in result_files.items() if raw is not None}
            document = _Document(VERSION, self._old.code, entries, kept, self.clean, self.texts)
            if _dump(self.path, ENCODER.encode(document)):
                self._old, self._changed = document, False
                self._raw.update({rel: entries[key] for rel, key in keys.items() if key in entries})
                self._dirty.clear()
        if not unchanged or not (self.folder / INDEX_FILE).exists():
            self._save_index()  # the ids follow from the entries: unchanged entries, same ids
        changed = self._renders_changed or bool(self._dirty_renders)
        if changed and (self._renders_read or not self.renders_path.exists()):
            renders = self._stored(keys, self._raw_renders, self._dirty_renders, _encode_renders)
            stored = _Renders(VERSION, self._old.code, renders)
            if _dump(self.renders_path, ENCODER.encode(stored)):
                self._renders_changed = False
                self._dirty_renders.clear()

    def _stored(
        self,
        keys: dict[str, str],
        raw: dict[str, msgspec.Raw],
        dirty: set[str],
        encode: Callable[[Entry], msgspec.Raw | None],
    ) -> dict[str, msgspec.Raw]:
        """Each entry's stored form by key: as read if unchanged, else encoded now (entries
        that cannot be stored faithfully are left out)."""
        stored: dict[str, msgspec.Raw] = {}
        for rel, key in keys.items():
            found = raw.get(rel) if rel not in dirty else None
            if found is None:
                found = encode(self.by_path[rel])
            if found is not None:
                stored[key] = found
        return stored

    def _save_index(self) -> None:
        index = {
            rel: (digest, entry.post.id)
            for rel, entry in self.by_path.items()
            if entry.post is not None and (digest := self.tree.digest(rel)) is not None
        }
        if read_id_index(self.repo, self.base_salt) != index:
            stored = _Index(VERSION, self._old.code, self.base_salt, index)
            _dump(self.folder / INDEX_FILE, ENCODER.encode(stored))


def cache_dir(repo: Path) -> Path:
    """Where the cache of the repository at ``repo`` lives: in its Git directory (the work
    tree's own, so linked work trees keep apart), where nothing committed can reach; outside
    Git, in the user's cache folder."""
    try:
        found = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--absolute-git-dir"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        found = None
    if found is not None and found.returncode == 0 and found.stdout.strip():
        return Path(found.stdout.strip()) / CACHE_NAME
    try:
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder
        home = Path(tempfile.gettempdir())
    return home / "publisher" / hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:32]


def tracked_caches(repo: Path) -> list[Diagnostic]:
    """An error at every committed file that looks like a cache or a pickle.

    Publisher keeps its cache in the Git directory and reads none from the work tree, but a
    pickle in the repository runs code in whatever loads it, and ``.publisher-cache/`` is where
    earlier versions looked: a pull request that brings one is an attack or a mistake."""
    listed = git_all(repo, ("ls-files", "-z", "--", *CACHE_PATHSPECS))[0] or []
    return [
        Diagnostic(
            rel,
            1,
            Severity.ERROR,
            _("A cache file is committed to the repository; publisher never reads it."),
            _("Remove it from Git: git rm -r --cached '{path}'", path=rel),
            code="cache-committed",
        )
        for rel in listed
    ]


def read_id_index(repo: Path, salt: str) -> dict[str, tuple[str, str]] | None:
    """Post ids by path and blob id as the last full run saw them (None if unusable)."""
    stored = _decode(_INDEX, _load(cache_dir(repo) / INDEX_FILE))
    if stored is None or (stored.version, stored.code, stored.salt) != (
        VERSION,
        code_fingerprint(),
        salt,
    ):
        return None
    return stored.ids


# -- entries in their stored form -----------------------------------------------------------


def _encode_entry(entry: Entry) -> msgspec.Raw | None:
    """An entry's stored form without its renderings (None if it cannot be stored as is)."""
    stored = _stored_entry(entry)
    return _encoded(stored) if stored is not None else None


def _stored_entry(entry: Entry) -> _StoredEntry | None:
    """The entry as stored, without its renderings (None if it would not come back as is)."""
    post, when = entry.post, None
    if post is not None:
        if not all(plain(override.options) for override in post.overrides.values()):
            return None
        if post.publish_at is not None:
            when, post = _Time.of(post.publish_at), replace(post, publish_at=None)
    derived = {k: v for k, v in entry.derived.items() if not k.startswith(RENDER_KEY)}
    return _StoredEntry(post, when, entry.problems, entry.media, derived)


def _entry_of(stored: _StoredEntry) -> Entry:
    """The entry ``stored`` holds (ValueError if its time is not one, or names no known zone)."""
    post = stored.post
    if post is not None and stored.publish_at is not None:
        try:
            post = replace(post, publish_at=stored.publish_at.value())
        except (KeyError, OSError) as error:  # no such zone
            raise ValueError(stored.publish_at) from error
    return Entry(post, stored.problems, stored.media, dict(stored.derived))


def _decode_entry(raw: msgspec.Raw, rel: str) -> Entry | None:
    """The entry stored in ``raw`` for the post file ``rel``; None if it is damaged, of
    another shape, or about another file."""
    stored = _decode(_ENTRY, raw)
    if stored is None or (stored.post is not None and stored.post.path != rel):
        return None
    try:
        return _entry_of(stored)
    except ValueError:
        return None


def decode_entry(raw: bytes | msgspec.Raw) -> Entry:
    """The entry in its stored form ``raw`` (one of ``DECODE_ERRORS`` if it is not one)."""
    return _entry_of(_ENTRY.decode(raw))


def encode_entry(entry: Entry) -> bytes | None:
    """The entry's stored form (``Cache.put`` takes it), None if it would not come back as is."""
    stored = _stored_entry(entry)
    return packed(stored) if stored is not None else None


def _encode_renders(entry: Entry) -> msgspec.Raw | None:
    """The entry's renderings in their stored form; None if it has none (a plan of a
    published repository renders 1 post in 100: the rest are left out of the file, not
    written as empty maps, which took a cold plan of 10,000 posts 0.03 s) or if they cannot
    be stored as they are."""
    renders = {k: v for k, v in entry.derived.items() if k.startswith(RENDER_KEY)}
    if not renders or not all(plain(rendered.options) for rendered in renders.values()):
        return None
    return _encoded(renders)


def _derived_fits(derived: dict[str, Any]) -> bool:
    """Whether derived results are renderings (under their keys, with plain options) and
    lists of findings: what comes back from a worker as it went in."""
    return all(
        type(value) is RenderedPost and plain(value.options)
        if key.startswith(RENDER_KEY)
        else type(value) is list and all(type(found) is Diagnostic for found in value)
        for key, value in derived.items()
    )


#: an entry's derived results, as a worker sends them back (``derive_many``)
_DERIVED = typed(dict[str, RenderedPost | list[Diagnostic]], _derived_fits)


def _renders_fit(entry: Entry, renders: dict[str, RenderedPost]) -> bool:
    """Whether stored renderings are of the entry's post (and only renderings)."""
    post_id = entry.post.id if entry.post is not None else None
    return all(k.startswith(RENDER_KEY) and r.post_id == post_id for k, r in renders.items())


def encode_result_file(found: ResultFile) -> msgspec.Raw | None:
    """A result file in its stored form (None if it cannot be stored as it is)."""
    return _encoded(found) if _result_file_fits(found) else None


def decode_result_file(data: bytes) -> ResultFile | None:
    """A result file from its stored form (None if that is damaged or of another shape)."""
    found = _decode(_RESULT_FILE, data)
    return found if found is not None and _result_file_fits(found) else None


def _result_file_fits(found: ResultFile) -> bool:
    return all(name == e.account_key and plain(e.extra) for name, e in found.entries.items())


def _encoded(value: object) -> msgspec.Raw | None:
    try:
        return msgspec.Raw(ENCODER.encode(value))
    except ENCODE_ERRORS:
        return None


def _decode(decoder: msgspec.msgpack.Decoder[T], data: bytes | msgspec.Raw | None) -> T | None:
    """``data`` decoded and checked against the decoder's type; None if missing or unfit."""
    if data is None:
        return None
    try:
        return decoder.decode(data)
    except DECODE_ERRORS:  # damaged, or of another shape
        return None


def _load(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _dump(path: Path, data: bytes) -> bool:
    """Write a file atomically; False if the folder is read-only (the cache is optional)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: it holds texts
        write_atomic(path, data, durable=False)  # a cache lost in a power cut costs one cold run
    except OSError:
        return False
    return True


@cache
def code_fingerprint() -> str:
    """Size and modification time of every file of the installed package: any change to
    publisher's code or messages makes earlier results unusable."""
    package = PACKAGE_DIR
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
