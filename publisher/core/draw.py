"""The contest draw: winners from a seed and the entrant list, the same on every machine.

Written out rather than taken from ``random``: the order must stay the same across Python
versions and be easy to redo by hand with any SHA-256 tool, which a library's generator does
not promise. The method:

1. ``digest = sha256(seed + "\\n" + the entrants, sorted and one per line)``: the seed is fixed
   before anyone enters (the commit that published the contest), and the list is what the
   networks showed at closing, so neither the operator after closing nor an entrant before it
   can pick a digest; a change to either gives a new digest.
2. each entrant's ticket is ``sha256(digest + "\\n" + entrant)``; the winners are the entrants
   with the smallest tickets (ties, which SHA-256 does not make, fall to the name).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Draw:
    """What a draw took and what it gave."""

    seed: str
    digest: str
    winners: tuple[str, ...]


def draw_digest(seed: str, entrants: Iterable[str]) -> str:
    """The digest the tickets are drawn from (step 1)."""
    lines = "\n".join([seed, *sorted(set(entrants))])
    return hashlib.sha256(lines.encode()).hexdigest()


def ticket(digest: str, entrant: str) -> str:
    """One entrant's ticket (step 2)."""
    return hashlib.sha256(f"{digest}\n{entrant}".encode()).hexdigest()


def draw(seed: str, entrants: Iterable[str], winners: int) -> Draw:
    """The ``winners`` entrants with the smallest tickets, smallest first (all of them when
    fewer entered)."""
    people = sorted(set(entrants))
    digest = draw_digest(seed, people)
    ranked = sorted(people, key=lambda person: (ticket(digest, person), person))
    return Draw(seed, digest, tuple(ranked[: max(winners, 0)]))
