"""A cache of loaded posts by file content, so a warm ``check`` or ``plan`` skips the parsing.

The key is the post file's bytes and the configuration that shapes loading; an entry also
remembers the size and modification time of each media file it read, and is used only while
they are unchanged. The cache lives in ``.publisher-cache/`` (ignored by Git) and is only ever
an optimisation: any problem reading it means starting from scratch.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import render, stylecheck
from .errors import Diagnostic
from .model import Post

CACHE_DIR = ".publisher-cache"
CACHE_FILE = "posts.pickle"
#: bump when Post, Media or loading change shape, so old caches are ignored
VERSION = 4


@dataclass
class Entry:
    """One post file as loaded, and the media files it depended on."""

    post: Post | None
    problems: list[Diagnostic]
    media: dict[str, tuple[int, int]] = field(default_factory=dict)


class PostCache:
    """Loaded posts by the hash of their file and the loading settings."""

    def __init__(self, repo: Path, salt: str) -> None:
        self.path = repo / CACHE_DIR / CACHE_FILE
        self.salt = salt
        self.entries: dict[str, Entry] = {}
        self.rendered: dict[tuple[str, str], str] = {}
        self.linted: dict[tuple[str, str], Any] = {}
        self._read()
        render.RENDERED.update(self.rendered)
        stylecheck.LINTED.update(self.linted)
        self.used: dict[str, Entry] = {}

    def _read(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                version, entries, rendered, linted = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError, TypeError):
            return
        if version == VERSION:
            self.entries, self.rendered, self.linted = entries, rendered, linted

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self.salt.encode() + data).hexdigest()

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None or not all(_stat(p) == s for p, s in entry.media.items()):
            return None
        self.used[key] = entry
        return entry

    def put(self, key: str, post: Post | None, problems: list[Diagnostic]) -> None:
        media = {str(m.path): _stat(str(m.path)) for m in (post.media if post else ())}
        self.used[key] = Entry(post, problems, media)

    def save(self) -> None:
        """Keep the entries this run used (files since removed drop out) and the renderings."""
        texts = self._texts()
        rendered = {k: v for k, v in render.RENDERED.items() if k[0] in texts}
        linted = {k: v for k, v in stylecheck.LINTED.items() if k[0] in texts}
        unchanged = self.used.keys() == self.entries.keys()
        if (
            unchanged
            and rendered.keys() == self.rendered.keys()
            and linted.keys() == self.linted.keys()
        ):
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                document = (VERSION, self.used, rendered, linted)
                pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            return  # a read-only checkout simply runs without a cache

    def _texts(self) -> set[str]:
        """Every Markdown source the cached posts may render (bodies and overrides)."""
        texts: set[str] = set()
        for entry in self.used.values():
            if entry.post is not None:
                texts.add(entry.post.body)
                texts.update(o.text for o in entry.post.overrides.values() if o.text)
        return texts


def _stat(path: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def salt_of(*parts: Any) -> str:
    return repr(parts)
