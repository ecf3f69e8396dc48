"""Secrets have one printer: tokens are wrapped in ``Secret`` and masked everywhere they could leak.

Every ``Secret`` registers its value, so ``redact()`` can mask it in any text: URLs (VK and
Telegram put tokens in query strings and paths), exception messages from httpx, error bodies that
echo request parameters back. Patterns catch token-shaped query parameters even when the value
was never registered (a token read by someone else's code).
"""

from __future__ import annotations

import re
import threading

MASK = "****"
_MIN_SECRET_LENGTH = 4

_known: set[str] = set()
_lock = threading.Lock()

_PATTERNS = (
    re.compile(
        r"(?i)((?:access_token|token|client_secret|application_secret_key|sig|key)=)[^&\s\"']+"
    ),
    re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer |oauth )?)[^\s\"',}]+"),
)


class Secret:
    """A token read from the environment; ``str()`` and ``repr()`` never show it."""

    __slots__ = ("_value", "env")

    def __init__(self, value: str, env: str = "") -> None:
        self._value = value
        self.env = env
        register(value)

    def reveal(self) -> str:
        """The real value, for the one place that sends it to the network."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.env or ''}={MASK})"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def register(value: str) -> None:
    """Remember a secret value so that ``redact`` masks it wherever it appears."""
    if len(value) >= _MIN_SECRET_LENGTH:
        with _lock:
            _known.add(value)


def redact(text: object) -> str:
    """Return ``text`` with every known secret and token-shaped parameter masked."""
    result = str(text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in result:
            result = result.replace(value, MASK)
    for pattern in _PATTERNS:
        result = pattern.sub(lambda m: m.group(1) + MASK, result)
    return result
