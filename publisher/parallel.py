"""Spread CPU-bound work over the machine's cores: parsing, checking and linting many posts.

Workers are forked, so they inherit the function and its inputs from the parent: nothing is
pickled on the way in, only results on the way out (they must be picklable). Where forking is
not available, or the work is small or the machine has one core, everything runs here, in order;
the results are the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many items per worker, starting workers costs more than it saves
MIN_PER_WORKER = 250

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
    return [result for part in parts for result in part]


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None, "fork_map's worker started without its job"
    func, items = _job
    return [func(items[i]) for i in range(*bounds)]


class Background:
    """A function running in a forked child; ``result()`` waits for it (None if it failed)."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid, self._fd = pid, fd

    def result(self) -> Any:
        import pickle

        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self._pid, 0)
            return pickle.loads(data) if data else None
        except Exception:  # the work was only ever a head start
            return None


def in_background(func: Callable[[], Any]) -> Background | None:
    """Start ``func()`` in a forked child, to overlap it with work here (None where forking is
    not available, there is a single core, or threads run here, which a fork would copy in
    whatever state they are: then the caller does the work itself)."""
    import threading

    if cores() < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    import pickle

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(pickle.dumps(func()))
        finally:
            os._exit(0)
    os.close(write_fd)
    return Background(pid, read_fd)
