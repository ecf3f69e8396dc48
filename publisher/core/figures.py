"""Reach figures as the networks give them: one post's figures, and what a network cannot tell.

A figure a network does not give is ``None`` (shown as "нет данных"), never zero: zero views
and "no way to know the views" are different answers to a press service.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Figure = Literal["views", "reach", "reactions", "reposts", "comments"]
#: every post figure, in the order reports show them
FIGURES: tuple[Figure, ...] = ("views", "reach", "reactions", "reposts", "comments")
#: a network's per-account figure (``Capabilities.stats`` lists it when the API gives it)
FOLLOWERS = "followers"


@dataclass(frozen=True)
class PostFigures:
    """What a network says of one post now; ``None`` where it says nothing."""

    views: int | None = None
    reach: int | None = None
    reactions: int | None = None
    reposts: int | None = None
    comments: int | None = None

    def known(self) -> dict[str, int]:
        """The figures given, by name."""
        found = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: value for name, value in found.items() if value is not None}


def count(value: object) -> int | None:
    """A figure from an API answer or a file: a whole number ≥ 0, or None for anything else
    (a string, a negative number, a bool, a float with a fraction)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    return None


@dataclass(frozen=True)
class FiguresRead:
    """One account's post figures as read in one go: by remote id (a post the network no
    longer has is left out), and why figures the network could give are missing this time
    (a token without the statistics right), in the reader's words."""

    posts: dict[str, PostFigures]
    gaps: tuple[str, ...] = ()


def batches(items: list[str], size: int) -> list[list[str]]:
    """``items`` in runs of at most ``size`` (an API that takes that many ids a call)."""
    return [items[start : start + size] for start in range(0, len(items), size)]
