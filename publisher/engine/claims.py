"""Who is publishing a post right now: claims carried by intent records.

Every ``apply`` gets a claim (host, process id, random part). Its intent records carry it. A
later run that finds another run's intent must not reconcile it while that run may still be
publishing: on the same host it asks whether the process lives; from another host (CI runners)
it waits until the claim is older than ``CLAIM_TTL``. A dead run's intent is reconciled at once.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

#: longer than any CI run may take (the workflows time out at 30 minutes)
CLAIM_TTL = timedelta(minutes=45)


def new_claim() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_alive(claim: str, since: str, now: datetime) -> bool:
    """True while the run that made ``claim`` may still be publishing."""
    host, _sep, rest = claim.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        return _process_alive(int(pid_text))
    try:
        started = datetime.fromisoformat(since)
    except ValueError:
        return False
    return now - started < CLAIM_TTL


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        # this process: its own claim was recognised before; another one of its claims was
        # made by an earlier run in the same process, which has finished
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
