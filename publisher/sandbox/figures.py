"""Plausible reach figures for the emulators: growing with time, the same for the same moment.

A real post gathers most of its views in its first day and a few more for weeks; an account
gains a few followers a day. Every figure here is computed from the post's (or account's) id
and the sandbox clock, never stored or drawn at random, so a test reading it twice at one moment
reads one number, and the demo's report looks like a month of real figures.
"""

from __future__ import annotations

import hashlib

#: the views a post reaches about half of in this many hours
HALF_LIFE_HOURS = 12.0
#: figure -> its share of the post's views: likes are a few per cent of them, reposts fewer
SHARES = {
    "views": 1.0,
    "reach": 0.8,
    "reactions": 0.04,
    "reposts": 0.006,
    "comments": 0.01,
    "saved": 0.005,
}
#: an account's followers on 2026-01-01, and how many it gains a day, at most
FOLLOWERS_BASE = 20_000
FOLLOWERS_PER_DAY = 12
#: the day followers are counted from (2026-01-01, UTC)
EPOCH = 1_767_225_600


def _seed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big")


def grown(key: str, figure: str, created: int, now: int) -> int:
    """``figure`` of the post ``key`` created at ``created`` (Unix seconds), at ``now``."""
    share = SHARES.get(figure, 0.01)
    audience = 300 + _seed(key) % 4700  # the views a post of this account would reach
    hours = max(0, now - created) / 3600
    settled = 1 - 0.5 ** (hours / HALF_LIFE_HOURS)
    tail = 1 + min(hours, 24 * 90) / (24 * 60)  # a slow gain for weeks after
    jitter = 0.8 + (_seed(f"{key}:{figure}") % 40) / 100
    value = int(audience * settled * tail * share * jitter)
    # no figure outgrows the views: a post is not reached, liked or shared unseen
    return value if figure == "views" else min(value, grown(key, "views", created, now))


def followers(key: str, now: int) -> int:
    """Followers of the account ``key`` at ``now``: a base of its own, a few more each day."""
    days = max(0, now - EPOCH) // 86_400
    seed = _seed(key)
    per_day = 1 + seed % FOLLOWERS_PER_DAY
    return 1_000 + seed % FOLLOWERS_BASE + days * per_day
