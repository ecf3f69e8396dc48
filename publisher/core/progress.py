"""How long work tells where it is while it runs: ``apply``, ``moderate``, ``inbox collect``,
``site build``, ``accounts cover --upload`` and large uploads.

The work never prints: it tells a ``Watch`` how much there is, each thing done as it completes,
and the bytes of a large upload as they go. The command that runs it shows that (a line per
action, and a progress bar on a terminal: ``commands.progress``). Accounts run in threads, so a
watch may be called from several threads at once; the ones that print serialize themselves.

Uploads are counted where every request goes out (``ApiClient``), without handing a watch to
each adapter: the work names a listener for its thread with ``counting_sent``, and
``note_sent`` tells it the bytes of each request sent while it is named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

#: uploads this large or more are told byte by byte (``Watch.sent``); smaller ones are quick
LARGE_UPLOAD = 16 * 1024 * 1024


class Watch(Generic[T]):
    """What long work tells as it goes; by default nothing. Implementations must be safe to
    call from several threads at once."""

    def begin(self, total: int) -> None:
        """There are ``total`` steps to take (0: nothing to do)."""

    def item(self, item: T) -> None:
        """Something worth a line is done (an action, a decision, a file)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more of the ``total`` are done."""

    def sent(self, label: str, done: int, total: int) -> None:
        """``done`` of the ``total`` bytes of the large upload named ``label`` are sent."""


_listener: ContextVar[Callable[[int], None] | None] = ContextVar("upload_listener", default=None)


@contextmanager
def counting_sent(listener: Callable[[int], None]) -> Iterator[None]:
    """Tell ``listener`` the size of every request body this thread sends until the block ends."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def note_sent(size: int) -> None:
    """A request of ``size`` bytes went out: tell the listener named for this thread, if any."""
    listener = _listener.get()
    if listener is not None and size > 0:
        listener(size)


def upload_counter(watch: Watch[T], label: str, total: int) -> Callable[[int], None]:
    """A ``counting_sent`` listener that tells ``watch`` the running count of bytes sent."""
    done = 0

    def count(size: int) -> None:
        nonlocal done
        done = min(total, done + size)
        watch.sent(label, done, total)

    return count
