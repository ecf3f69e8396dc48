"""Long commands as a person sees them: a line per action the moment it completes and, on a
terminal, a progress bar with counts, time left and the bytes of large uploads.

The bar is ``rich``'s: it redraws one region of the terminal from its own thread while the
lines scroll above it, estimates the time left, and does so across threads; click's
``progressbar`` can only redraw its own line, so a line printed from another thread breaks it.
Where the output is no terminal (CI, a pipe, a test's ``CliRunner``), there is no bar: each line
is written and flushed as it happens (``click.echo`` flushes), so a 20-second apply in CI is
not 20 seconds of silence. Lines come from several threads (accounts run in parallel); one lock
keeps every line whole and in completion order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from publisher.core.i18n import _
from publisher.core.progress import Watch

T = TypeVar("T")

MB = 1024 * 1024
#: a large upload is told in CI at each quarter of its bytes
QUARTERS = 4


class Board(Watch[T]):
    """Shows a ``Watch``: each item's lines as it is told, and the bar on a terminal.

    ``lines`` says an item in the user's words; ``echo`` writes a line where there is no bar;
    ``console`` is the terminal (default: the standard output, when it is one). Use it as a
    context manager, or ``close`` it, so the bar leaves the terminal before the summary.
    """

    def __init__(
        self,
        title: str,
        lines: Callable[[T], Iterable[str]],
        echo: Callable[[str], None],
        console: Console | None = None,
    ) -> None:
        self.title, self.lines, self.echo = title, lines, echo
        self.console = console
        self._lock = threading.Lock()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._uploads: dict[str, TaskID] = {}
        self._quarters: dict[str, int] = {}

    def begin(self, total: int) -> None:
        with self._lock:
            console = self.console or Console()
            if total <= 0 or not console.is_terminal or self._bar is not None:
                return
            self._bar = _bar(console)
            self._task = self._bar.add_task(self.title, total=total)
            self._bar.start()

    def item(self, item: T) -> None:
        with self._lock:
            for line in self.lines(item):
                if self._bar is not None:
                    self._bar.console.print(Text(line), soft_wrap=True)
                else:
                    self.echo(line)

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            if self._bar is not None and self._task is not None:
                self._bar.advance(self._task, steps)

    def sent(self, label: str, done: int, total: int) -> None:
        with self._lock:
            if self._bar is not None:
                self._show_upload(self._bar, label, done, total)
                return
            quarter = done * QUARTERS // total if total else QUARTERS
            if quarter > self._quarters.get(label, 0):
                self._quarters[label] = quarter
                self.echo(
                    _(
                        "{label}: sent {done} of {total} MB",
                        label=label,
                        done=done // MB,
                        total=total // MB,
                    )
                )

    def _show_upload(self, bar: Progress, label: str, done: int, total: int) -> None:
        """The upload's own row under the bar, gone once its bytes are all sent."""
        task = self._uploads.get(label)
        if task is None:
            task = self._uploads[label] = bar.add_task(label, total=total, bytes=True)
        bar.update(task, completed=done)
        if done >= total:
            bar.remove_task(task)

    def close(self) -> None:
        """Take the bar off the terminal (the lines stay); nothing to do without one."""
        with self._lock:
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def __enter__(self) -> Board[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class _Count(ProgressColumn):
    """Steps done of all (``3 из 7``), or megabytes sent of a large upload's."""

    def render(self, task: Task) -> Text:
        total = int(task.total or 0)
        if task.fields.get("bytes"):
            done_mb, total_mb = int(task.completed) // MB, total // MB
            return Text(_("{done} of {total} MB", done=done_mb, total=total_mb))
        return Text(_("{done} of {total}", done=int(task.completed), total=total))


def _bar(console: Console) -> Progress:
    """The bar: what, how far, counts, time left. It vanishes when stopped (``transient``):
    the lines printed above it and the summary after it are what stay on the screen."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        _Count(),
        TextColumn(_("left")),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
