"""Spread CPU-bound work over the machine's cores: parsing, checking and linting many posts.

Workers are forked, so they inherit the function and its inputs from the parent: nothing is
sent on the way in. On the way out a worker sends only bytes, the MessagePack form of its
results (``packing``), which the parent decodes into the type the caller declared. The results
carry text from the repository and the parent runs in the job that holds every token, so nothing
in them may decide what the parent builds or runs: bytes of another shape fail to decode. An item
whose result the worker could not encode faithfully, or whose bytes do not decode, or that a
worker failed on, the parent works out itself, so the results are those of the serial path (and
an error the work raises is raised here). Where forking is not available, or the work is small or
the machine has one core, everything runs here, in order.

The workers are plain ``os.fork`` children. The parent hands each the number of its next chunk
as it sends one back, chunks getting smaller towards the end, so the workers end together (with
every other chunk, two workers ended up to 80 ms apart on 10,000 posts); it decodes each chunk
as it arrives, while the workers go on. Measured on two cores: a pass over 10,000 small items
takes 9-12 ms so, 11-27 ms through ``multiprocessing.Pool`` (which also takes 13 ms to import);
the restricted unpickler results used to pass through cost the parent 0.009 ms per loaded post,
decoding its MessagePack 0.005.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from publisher.core.packing import DECODE_ERRORS, ENCODER, Codec, decoder

T = TypeVar("T")
R = TypeVar("R")

#: below this many items per worker, starting workers costs more than it saves
MIN_PER_WORKER = 250
#: the fewest items in a chunk (a chunk costs the parent a few reads)
_MIN_CHUNK = 20
#: a chunk's frame: its number (4 bytes) and its length (8 bytes), then its bytes
_HEADER = 12
#: the buffer of the pipe results come back on (Linux's largest for a user, by default)
_PIPE_SIZE = 1 << 20
#: a chunk's results as sent: each item's bytes, or nil where the parent must work it out
_CHUNK = decoder(list[bytes | None])


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def fork_map(
    func: Callable[[T], R], items: Sequence[T], codec: Codec[R], workers: int | None = None
) -> list[R]:
    """``[func(item) for item in items]``, on several cores when that pays off (``codec``: how
    a result comes back from a worker)."""
    count = min(workers or cores(), len(items) // MIN_PER_WORKER)
    if count < 2 or not hasattr(os, "fork"):
        return [func(item) for item in items]
    chunks = _chunks(len(items), count)

    def encoded(index: int) -> bytes:
        return ENCODER.encode([codec.encode(func(items[i])) for i in range(*chunks[index])])

    results: list[R] = []
    for (start, end), part in zip(chunks, _forked(encoded, len(chunks), count), strict=True):
        results.extend(_decoded(part, items[start:end], func, codec))
    return results


def _chunks(total: int, count: int) -> list[tuple[int, int]]:
    """Bounds of chunks of ``total`` items for ``count`` workers: each a sixth of what is left
    per worker, so the last are small and the workers end together (a worker gives its chunk
    back, and takes the next, as it is done)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < total:
        size = max(-(-(total - start) // (count * 6)), _MIN_CHUNK)
        bounds.append((start, min(start + size, total)))
        start += size
    return bounds


def _decoded(
    part: bytes | None, items: Sequence[T], func: Callable[[T], R], codec: Codec[R]
) -> list[R]:
    """A chunk's results from its bytes; each item they do not bring back is worked out here."""
    found: list[bytes | None] = []
    if part is not None:
        try:
            found = _CHUNK.decode(part)
        except DECODE_ERRORS:
            found = []
    if len(found) != len(items):
        found = [None] * len(items)
    return [_one(data, item, func, codec) for data, item in zip(found, items, strict=True)]


def _one(data: bytes | None, item: T, func: Callable[[T], R], codec: Codec[R]) -> R:
    if data is not None:
        try:
            return codec.decode(data)
        except DECODE_ERRORS:
            pass
    return func(item)


@dataclass
class _Child:
    """A forked worker as the parent sees it: its process, the pipe it takes the numbers of
    chunks from (None once closed), the pipe its results come back on, and their bytes so far."""

    pid: int
    tasks: int | None
    results: int
    buffer: bytearray


def _forked(encoded: Callable[[int], bytes], total: int, count: int) -> Iterator[bytes | None]:
    """``encoded(i)`` for each chunk ``i`` in order, worked out by ``count`` forked children;
    None for a chunk no child sent back. Each child is given the next chunk as it sends one
    back (and one ahead, so that it never waits): a child slowed by other work does less."""
    todo = iter(range(total))
    children: dict[int, _Child] = {}  # by the pipe their results come on
    received: dict[int, bytes | None] = {}
    try:
        for _ in range(count):
            child = _fork(encoded, children.values())
            children[child.results] = child
            for _ahead in range(2):
                _give(child, todo)
        wanted = 0
        while children:
            for fd in select.select(list(children), [], [])[0]:
                child = children[fd]
                data = os.read(fd, 1 << 20)
                if not data:
                    _end(children.pop(fd))
                    continue
                child.buffer += data
                for index, part in _frames(child.buffer):
                    received[index] = part or None  # empty: the child failed on it
                    _give(child, todo)
            while wanted in received:  # decoded here while the children go on
                yield received.pop(wanted)
                wanted += 1
        for index in range(wanted, total):
            yield received.pop(index, None)
    finally:
        for child in children.values():  # only if the parent was interrupted
            os.kill(child.pid, signal.SIGKILL)
            _end(child)


def _fork(encoded: Callable[[int], bytes], others: Iterable[_Child]) -> _Child:
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
        for fd in (tasks_write, results_read, *(fd for c in others for fd in _fds(c))):
            os.close(fd)  # a pipe left open here would never end for its own child
        _child(encoded, tasks_read, results_write)
    os.close(tasks_read)
    os.close(results_write)
    with contextlib.suppress(AttributeError, OSError):  # Linux: a chunk's bytes fit at once,
        fcntl.fcntl(results_read, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)  # the child never waits
    return _Child(pid, tasks_write, results_read, bytearray())


def _fds(child: _Child) -> tuple[int, ...]:
    return (child.results,) if child.tasks is None else (child.results, child.tasks)


def _give(child: _Child, todo: Iterator[int]) -> None:
    """Send the child the number of the next chunk, or the end of its work."""
    if child.tasks is None:
        return
    index = next(todo, None)
    if index is None:
        os.close(child.tasks)
        child.tasks = None
    else:
        os.write(child.tasks, index.to_bytes(4, "little"))


def _end(child: _Child) -> None:
    for fd in _fds(child):
        os.close(fd)
    os.waitpid(child.pid, 0)


def _frames(buffer: bytearray) -> Iterator[tuple[int, bytes]]:
    """The whole frames at the start of ``buffer``, taken out of it."""
    while len(buffer) >= _HEADER:
        length = int.from_bytes(buffer[4:_HEADER], "little")
        if len(buffer) < _HEADER + length:
            return
        yield int.from_bytes(buffer[:4], "little"), bytes(buffer[_HEADER : _HEADER + length])
        del buffer[: _HEADER + length]


def _child(
    encoded: Callable[[int], bytes], tasks: int, results: int
) -> None:  # pragma: no cover - runs in a forked child
    """Work out each chunk the parent names and send it back, then end the process (for a
    chunk that fails, an empty frame: the parent does it itself, and raises its error)."""
    try:
        with os.fdopen(results, "wb") as pipe:
            while (index := _task(tasks)) is not None:
                try:
                    part = encoded(index)
                except Exception:
                    part = b""
                pipe.write(index.to_bytes(4, "little") + len(part).to_bytes(8, "little") + part)
                pipe.flush()
    finally:
        os._exit(0)


def _task(fd: int) -> int | None:  # pragma: no cover - runs in a forked child
    """The number of the next chunk from the parent; None at the end."""
    data = b""
    while len(data) < 4:
        more = os.read(fd, 4 - len(data))
        if not more:
            return None
        data += more
    return int.from_bytes(data, "little")


class Background(Generic[R]):
    """A function running in a forked child; ``result()`` waits for it (None if it failed)."""

    def __init__(self, pid: int, fd: int, codec: Codec[R]) -> None:
        self._pid, self._fd, self._codec = pid, fd, codec

    def result(self) -> R | None:
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self._pid, 0)
            return self._codec.decode(data) if data else None
        except Exception:  # the work was only ever a head start
            return None


def in_background(func: Callable[[], R], codec: Codec[R]) -> Background[R] | None:
    """Start ``func()`` in a forked child, to overlap it with work here (None where forking is
    not available, there is a single core, or threads run here, which a fork would copy in
    whatever state they are: then the caller does the work itself). ``result()`` gives None
    where the result could not be encoded faithfully, or did not decode."""
    import threading

    if cores() < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(codec.encode(func()) or b"")
        finally:
            os._exit(0)
    os.close(write_fd)
    return Background(pid, read_fd, codec)
