"""Atomic writes: a reader (or a crash) sees the old file or the new one, never a part of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, prefix: str = ".", durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (text as UTF-8), creating its folder if needed.

    The data goes to a temporary file in the same folder (``<prefix><random>.tmp``, hidden by
    the default prefix), is flushed to the disk when ``durable``,
    and is renamed over ``path`` (a rename within one file system is atomic). On any failure the
    temporary file is removed and ``path`` is left as it was. The file is readable by its owner
    only, as ``mkstemp`` creates it. ``durable=False`` skips the flush, for files whose loss in
    a power cut costs nothing (a cache, the sandbox's state).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
