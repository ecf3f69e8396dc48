"""One publishing run at a time in a clone: an OS lock on a file in the Git directory.

``apply``, ``moderate``, ``inbox collect``, ``accounts cover --upload`` and ``resolve`` post to
networks or write result files. Two of them at once in one clone would both read a post as new
and both publish it. The lock is ``fcntl.flock`` on ``<git common dir>/publisher-apply.lock``
(outside the work tree, shared by every worktree of the clone): the kernel releases it when the
process ends, however it ends, so a killed run never leaves a stale lock for a person to remove.
The standard library is enough here; the ``filelock`` package wraps the same call on Unix.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from publisher.core.errors import RepoError
from publisher.core.i18n import _

LOCK_NAME = "publisher-apply.lock"
#: how long a second run waits for the first one to finish before it gives up (exit 1)
WAIT_SECONDS = 600.0
_POLL_SECONDS = 0.2


def lock_path(repo: Path) -> Path:
    """``<git common dir>/publisher-apply.lock``; the repository folder itself outside Git."""
    from publisher.state.repo import open_repo

    git_repo = open_repo(repo)
    folder = Path(git_repo.common_dir) if git_repo is not None else repo
    return folder / LOCK_NAME


@contextlib.contextmanager
def run_lock(repo: Path, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the clone's run lock; wait up to ``WAIT_SECONDS`` for another run (``on_wait`` is
    called once if it must), then raise ``RepoError``."""
    path = lock_path(repo)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, on_wait)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd: int, path: Path, on_wait: Callable[[], None]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    waited = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise RepoError(
                    _(
                        "another publisher run (apply, moderate, inbox collect, resolve or a "
                        "cover upload) is already going on in this folder ({file}); nothing "
                        "was done, so that nothing is published twice",
                        file=path,
                    ),
                    _("Wait until it ends, then run the command again."),
                ) from None
            if not waited:
                on_wait()
                waited = True
            time.sleep(_POLL_SECONDS)
