"""Secrets have one printer: tokens are wrapped in ``Secret`` and masked everywhere they could leak.

Every ``Secret`` registers its value, so ``redact()`` can mask it in any text: URLs (VK and
Telegram put tokens in query strings and paths), exception messages from httpx, error bodies that
echo request parameters back. Patterns catch tokens that were never registered (a token read by
someone else's code, a token pasted into a file): token-shaped query parameters and headers, the
formats of the networks' and Git hosts' tokens (``TOKEN_SHAPES``, shared with the scan of the
repository in ``secrets_scan``), and long random values assigned to a key named like a secret.

Text is masked before it is shortened (``redact(text, limit=...)``): cut first, a token split at
the cut is no longer recognisable and its prefix would be printed.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter

MASK = "****"
_MIN_SECRET_LENGTH = 4

_known: set[str] = set()
_lock = threading.Lock()

#: formats of the tokens of the seven networks and of the Git hosts, specific enough that any
#: match is taken for a token. Max bot tokens have no published format: they are caught as
#: random values assigned to a key (``_ASSIGNED``), as are X OAuth 2.0 user tokens.
TOKEN_SHAPES: dict[str, str] = {
    "VK": r"vk1\.a\.[A-Za-z0-9_-]{20,}",
    "VK (legacy)": r"(?<![0-9a-fA-F])[0-9a-f]{85}(?![0-9a-fA-F])",
    "OK": r"tkn1[A-Za-z0-9]{30,}|(?<![\w-])-[sn]-[A-Za-z0-9_.-]{30,}",
    "Telegram": r"(?<!\d)\d{8,10}:(?:AA[A-Za-z0-9_-]{30,}|[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-]))",
    "Facebook": r"EAA[A-Za-z0-9]{30,}",
    "Instagram": r"IG(?:QV|AA)[A-Za-z0-9_-]{30,}",
    "X": r"A{20,}[A-Za-z0-9%]{20,}|(?<![\w-])\d{5,20}-[A-Za-z0-9]{40}(?![A-Za-z0-9])",
    "GitHub": r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,}",
    "GitLab": (
        r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-[A-Za-z0-9_-]{20,}"
        r"|GR1348941[A-Za-z0-9_-]{20,}"
    ),
}
TOKEN_SHAPE = re.compile("|".join(f"(?:{shape})" for shape in TOKEN_SHAPES.values()))
#: a piece of text every match of one of ``TOKEN_SHAPES`` holds (``may_be_token_shaped``)
_SHAPE_MARKS = (
    *("vk1.a.", "tkn1", "-s-", "-n-", "EAA", "IGQV", "IGAA", "A" * 20),
    *("gh", "github_pat_", "gl", "GR1348941"),
)
_SHAPE_MARK = re.compile("|".join(re.escape(mark) for mark in _SHAPE_MARKS))
#: the shortest match of the shapes with ``:`` (Telegram) or ``-`` (X), and of VK's legacy one
_SHORTEST_PUNCTUATED, _SHORTEST_HEX = 41, 85

#: a key named like a secret, then ``:`` or ``=`` and a long value (group 1)
_ASSIGNED = re.compile(
    r"(?i)(?:token|secret|passw(?:or)?d|api[_-]?key|access[_-]?key|private[_-]?key|stream[_-]?key"
    r"|authorization|bearer)[\w-]*[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|oauth)\s+)?"
    r"([A-Za-z0-9+/_.~-]{20,})"
)
#: one of these is in every key ``_ASSIGNED`` takes for a secret's
_KEY_WORDS = (
    *("token", "secret", "passw", "api", "access", "private", "authorization", "bearer"),
    "stream",  # a broadcast's stream key (``stream_key: …``)
)
_PATTERNS = (
    re.compile(
        r"(?i)((?:access_token|token|client_secret|application_secret_key|sig|key)=)[^&\s\"']+"
    ),
    re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer |oauth )?)[^\s\"',}]+"),
)
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
#: bits per character above which a mixed-case value is taken for random (English words and
#: names of environment variables stay well below it)
_MIN_ENTROPY = 3.5


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


def redact(text: object, limit: int | None = None) -> str:
    """Return ``text`` with every known secret and token-shaped string masked, then cut to
    ``limit`` characters if given."""
    result = str(text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in result:
            result = result.replace(value, MASK)
    for pattern in _PATTERNS:
        result = pattern.sub(lambda m: m.group(1) + MASK, result)
    result = TOKEN_SHAPE.sub(MASK, result)
    result = _ASSIGNED.sub(_mask_value, result)
    if limit is not None and len(result) > limit:
        result = result[:limit] + "…"
    return result


def token_shaped(text: str) -> bool:
    """Whether ``text`` holds a match of ``TOKEN_SHAPE``: the expression runs only where
    ``may_be_token_shaped`` lets a match be (it is the slow part of searching the result files
    apply writes, whose hashes, times and links it rules out)."""
    return may_be_token_shaped(text) and TOKEN_SHAPE.search(text) is not None


def may_be_token_shaped(text: str) -> bool:
    """False only where no match of ``TOKEN_SHAPE`` can be: too short for the shapes that are
    told by ``:``, ``-`` or hex digits alone, and none of the marks of the others."""
    size = len(text)
    if size >= _SHORTEST_HEX or (size >= _SHORTEST_PUNCTUATED and (":" in text or "-" in text)):
        return True
    return _SHAPE_MARK.search(text) is not None


def looks_like_token(value: str) -> bool:
    """Whether ``value`` has a known token format or is a long random string."""
    return TOKEN_SHAPE.search(value) is not None or looks_random(value)


def looks_random(value: str) -> bool:
    """A value of 20+ characters that reads as random: letters and digits, and either mixed
    case with high entropy or 32+ hex digits (app secrets). Names of environment variables
    (``VK_USER_TOKEN_2``) and words do not."""
    if len(value) < 20 or not any(c.isdigit() for c in value):
        return False
    if len(value) >= 32 and all(c in "0123456789abcdef" for c in value.lower()):
        return any(c.isalpha() for c in value)
    has_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return has_case and _entropy(value) >= _MIN_ENTROPY


def assigned_secret(line: str) -> bool:
    """Whether ``line`` assigns a random-looking value to a key named like a secret."""
    if line.isascii() and not secret_words_in(line):
        return False  # a quick answer for most lines (in ASCII, as ``_ASSIGNED`` would give)
    return any(looks_random(m.group(1)) for m in _ASSIGNED.finditer(line))


def secret_words_in(text: str) -> bool:
    """Whether ``text`` holds a word ``_ASSIGNED`` takes for part of a secret's key, in any
    case; without one, none of its ASCII lines assigns a secret."""
    lowered = text.lower()
    return any(word in lowered for word in _KEY_WORDS)


def _mask_value(match: re.Match[str]) -> str:
    """The key kept, the value masked (unless it is the name of an environment variable)."""
    if _ENV_NAME.fullmatch(match.group(1)):
        return match.group()
    start = match.start(1) - match.start()
    return match.group()[:start] + MASK


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
