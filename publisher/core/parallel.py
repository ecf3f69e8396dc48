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

The workers are plain ``os.fork`` children reading no task queue: each takes every ``count``-th
chunk of the items, and the parent decodes each chunk as it arrives, while the others are worked
on. Measured on two cores: a pass over 10,000 small items takes 9-12 ms so, 11-27 ms through
``multiprocessing.Pool`` (which also takes 13 ms to import); the restricted unpickler results
used to pass through cost the parent 0.009 ms per loaded post, decoding its MessagePack 0.005.
"""

from __future__ import annotations

import os
import select
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from publisher.core.packing import DECODE_ERRORS, ENCODER, Codec, decoder

T = TypeVar("T")
R = TypeVar("R")

#: below this many items per worker, starting workers costs more than it saves
MIN_PER_WORKER = 250
#: a chunk's frame: its number (4 bytes) and its length (8 bytes), then its bytes
_HEADER = 12
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
    step = -(-len(items) // (count * 4))  # a few chunks per worker evens out slow ones
    chunks = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]

    def encoded(index: int) -> bytes:
        return ENCODER.encode([codec.encode(func(items[i])) for i in range(*chunks[index])])

    results: list[R] = []
    for (start, end), part in zip(chunks, _forked(encoded, len(chunks), count), strict=True):
        results.extend(_decoded(part, items[start:end], func, codec))
    return results


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


def _forked(encoded: Callable[[int], bytes], total: int, count: int) -> Iterator[bytes | None]:
    """``encoded(i)`` for each chunk ``i`` in order, worked out by ``count`` forked children;
    None for a chunk no child sent back."""
    pipes: dict[int, int] = {}  # read end -> child
    buffers: dict[int, bytearray] = {}
    received: dict[int, bytes] = {}
    try:
        for first in range(count):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
                os.close(read_fd)
                _child(encoded, range(first, total, count), write_fd)
            os.close(write_fd)
            pipes[read_fd], buffers[read_fd] = pid, bytearray()
        wanted = 0
        while pipes:
            for fd in select.select(list(pipes), [], [])[0]:
                data = os.read(fd, 1 << 20)
                if data:
                    buffers[fd] += data
                    received.update(_frames(buffers[fd]))
                else:
                    os.close(fd)
                    os.waitpid(pipes.pop(fd), 0)
            while wanted in received:  # decoded here while the children go on
                yield received.pop(wanted)
                wanted += 1
        for index in range(wanted, total):
            yield received.pop(index, None)
    finally:
        for fd, pid in pipes.items():  # only if the parent was interrupted
            os.close(fd)
            os.kill(pid, 9)
            os.waitpid(pid, 0)


def _frames(buffer: bytearray) -> Iterator[tuple[int, bytes]]:
    """The whole frames at the start of ``buffer``, taken out of it."""
    while len(buffer) >= _HEADER:
        length = int.from_bytes(buffer[4:_HEADER], "little")
        if len(buffer) < _HEADER + length:
            return
        yield int.from_bytes(buffer[:4], "little"), bytes(buffer[_HEADER : _HEADER + length])
        del buffer[: _HEADER + length]


def _child(
    encoded: Callable[[int], bytes], chunks: range, write_fd: int
) -> None:  # pragma: no cover - runs in a forked child
    """Send each of ``chunks`` worked out, then end the process (a chunk that fails is left
    for the parent, which raises the error when it does that chunk itself)."""
    try:
        with os.fdopen(write_fd, "wb") as pipe:
            for index in chunks:
                try:
                    part = encoded(index)
                except Exception:
                    continue
                pipe.write(index.to_bytes(4, "little") + len(part).to_bytes(8, "little") + part)
                pipe.flush()
    finally:
        os._exit(0)


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
