"""Reading the networks' answers: the small parsers every adapter shares.

Each is lenient in the same way: a value the network left out or sent in another shape reads as
``None``, ``0`` or ``{}``, and the adapter's error table decides what that means.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import Any

import httpx

from publisher.core.errors import Transient
from publisher.core.redact import redact


def json_body(response: httpx.Response, network: str, op: str) -> Any:
    """Parse a JSON response body or explain that the network answered something else."""
    try:
        return response.json()
    except ValueError:
        snippet = redact(response.text, limit=200)
        raise Transient(
            network, op, f"HTTP {response.status_code}, not JSON: {snippet!r}"
        ) from None


def json_or_none(response: httpx.Response) -> Any:
    """The JSON body, or None when the body is not JSON (an HTML error page, nothing)."""
    try:
        return response.json()
    except ValueError:
        return None


def as_dict(value: object) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_int(value: object) -> int:
    """``value`` as an integer (``12`` or ``"12"``), 0 when it is not one."""
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def retry_after(response: httpx.Response) -> float | None:
    """The seconds of a ``Retry-After`` header, or None when there is no usable one."""
    try:
        return max(float(response.headers["Retry-After"]), 0.0)
    except (KeyError, ValueError):
        return None


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time with its zone (``2026-12-01T09:00:00+0000``, ``…00.000Z``), else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def status_keys(status: int) -> tuple[str, str]:
    """The keys an HTTP status is looked up by in an error table: ``"404"``, then ``"4xx"``.

    Strings, so that they never meet a network's own numeric error codes.
    """
    return str(status), f"{status // 100}xx"


def mime_type(name: str) -> str:
    """The media type an upload declares for a file name."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
