"""Typed reads of settings a person wrote in YAML.

A value of the wrong kind (a word where settings were expected, a list where a word was) is a
``ShapeError`` naming the setting; the loader that knows the file turns it into its own error
with the file's name and the line (``line_of``), never a traceback from ``.get`` or ``dict()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

import yaml

from publisher.core.i18n import _


class ShapeError(ValueError):
    """A value of the wrong kind at ``keys`` (the path of names from the top of the file),
    with how to write it instead."""

    def __init__(self, message: str, keys: tuple[str, ...], hint: str) -> None:
        super().__init__(message)
        self.keys = keys
        self.hint = hint


def mapping(value: object, *keys: str) -> Mapping[str, Any]:
    """The settings under ``keys``: name: value lines, or nothing at all (none)."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise ShapeError(
        _(
            "'{setting}' must list settings below it as lines like name: value, not '{value}'.",
            setting=".".join(keys),
            value=_shown(value),
        ),
        keys,
        _("Write the settings below it, indented, one per line, as in the README's example."),
    )


def sequence(value: object, *keys: str) -> list[Any]:
    """The list under ``keys``, or an empty one when nothing is written."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise ShapeError(
        _(
            "'{setting}' must be a list like [a, b], not '{value}'.",
            setting=".".join(keys),
            value=_shown(value),
        ),
        keys,
        _("Write the items in square brackets, like [a, b], or one per line after '- '."),
    )


def moment_of(value: object, zone: tzinfo | None = None) -> datetime | None:
    """A time as YAML gives it (a datetime, or ISO text); one written without an offset is
    local to ``zone`` (naive without one). None when there is none: absent, a bare date, or
    text that is not a time."""
    found: datetime | None
    if isinstance(value, datetime):
        found = value
    else:
        try:
            found = datetime.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            return None
    if found is None or found.tzinfo or zone is None:
        return found
    return found.replace(tzinfo=zone)


def line_of(text: str, *keys: str | int) -> int:
    """The line of the deepest of ``keys`` (names in mappings, indexes in lists) found in the
    YAML ``text``; 1 when none is."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 1
    line = 1
    for key in keys:
        if isinstance(key, int) and isinstance(node, yaml.SequenceNode) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
            continue
        if not isinstance(node, yaml.MappingNode):
            break
        found = next((pair for pair in node.value if _named(pair[0], key)), None)
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    return line


def _named(node: yaml.Node, key: str | int) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == key


def _shown(value: object) -> str:
    """The wrong value as the message quotes it: short, whatever its size."""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
