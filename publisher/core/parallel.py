"""Spread CPU-bound work over the machine's cores: parsing, checking and linting many posts.

Workers are forked, so they inherit the function and its inputs from the parent: nothing is
pickled on the way in, only results on the way out (they must be picklable). Where forking is
not available, or the work is small or the machine has one core, everything runs here, in order;
the results are the same either way.

The results carry text from the repository, and the parent runs in the job that holds every
token, so they come back through ``safe_loads``: an unpickler that builds only publisher's own
types and plain values (no other class or function a pickle could name and call). A stream
that names anything else is refused, whatever wrote it.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")
R = TypeVar("R")

#: below this many items per worker, starting workers costs more than it saves
MIN_PER_WORKER = 250
#: what a worker's results may be built from besides publisher's own types
_PLAIN_TYPES = {
    "builtins": frozenset({"set", "frozenset", "bytearray", "complex", "slice", "range"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "pathlib": frozenset({"Path", "PosixPath", "PurePath", "PurePosixPath"}),
    "collections": frozenset({"OrderedDict", "defaultdict", "Counter"}),
    "copyreg": frozenset({"_reconstructor"}),
}

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[func(item) for item in items]``, on several cores when that pays off."""
    count = min(workers or cores(), len(items) // MIN_PER_WORKER)
    if count < 2:
        return [func(item) for item in items]
    import multiprocessing  # only when there is work to spread: it costs startup time

    if "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    global _job
    _job = (func, items)
    try:
        step = -(-len(items) // (count * 4))  # a few chunks per worker evens out slow ones
        chunks = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
        with multiprocessing.get_context("fork").Pool(count) as pool:
            parts = pool.map(_run_chunk, chunks)
    finally:
        _job = None
    return [result for part in parts for result in safe_loads(part)]


def _run_chunk(bounds: tuple[int, int]) -> bytes:
    assert _job is not None, "fork_map's worker started without its job"
    func, items = _job
    return _dumps([func(items[i]) for i in range(*bounds)])


class _PlainPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        """A time zone by its name: its own pickle calls ``getattr``, which ``safe_loads``
        does not allow (it could reach any method of an allowed object)."""
        if isinstance(obj, ZoneInfo):
            return _zone, (obj.key,)
        return NotImplemented


def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _PlainPickler(buffer).dump(value)
    return buffer.getvalue()


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        own = module == "publisher" or module.startswith("publisher.")
        if own or name in _PLAIN_TYPES.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused to build {module}.{name}")


def safe_loads(data: bytes) -> Any:
    """A worker's pickled results, built only from publisher's types and plain values."""
    return _PlainUnpickler(io.BytesIO(data)).load()


class Background:
    """A function running in a forked child; ``result()`` waits for it (None if it failed)."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid, self._fd = pid, fd

    def result(self) -> Any:
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self._pid, 0)
            return safe_loads(data) if data else None
        except Exception:  # the work was only ever a head start
            return None


def in_background(func: Callable[[], Any]) -> Background | None:
    """Start ``func()`` in a forked child, to overlap it with work here (None where forking is
    not available, there is a single core, or threads run here, which a fork would copy in
    whatever state they are: then the caller does the work itself)."""
    import threading

    if cores() < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(_dumps(func()))
        finally:
            os._exit(0)
    os.close(write_fd)
    return Background(pid, read_fd)
