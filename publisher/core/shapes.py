"""Typed reads of settings a person wrote in YAML.

A value of the wrong kind (a word where settings were expected, a list where a word was) is a
``ShapeError`` naming the setting; the loader that knows the file turns it into its own error
with the file's name and the line (``line_of``), never a traceback from ``.get`` or ``dict()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from publisher.core.errors import ConfigError, Diagnostic, Severity
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


def known_keys(data: Mapping[str, Any], known: tuple[str, ...], *keys: str) -> None:
    """ShapeError at the first key of ``data`` (the settings under ``keys``) not in ``known``:
    a misspelt setting is an error, never silently ignored."""
    for key in data:
        if key not in known:
            raise ShapeError(
                _("Unknown setting '{setting}'.", setting=".".join((*keys, str(key)))),
                (*keys, str(key)),
                _("Settings here: {names}.", names=", ".join(known)),
            )


def read_settings(path: Path, name: str) -> tuple[str, Mapping[str, Any]]:
    """The text of the settings file ``path`` (shown as ``name``) and its settings; ConfigError
    at the line YAML cannot read, or when the file is not name: value lines."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            _(
                "{file}:{line}: the YAML cannot be read.",
                file=name,
                line=mark.line + 1 if mark else 1,
            ),
            _("Check indentation and colons on that line."),
        ) from None
    if data is None:
        return text, {}
    if not isinstance(data, dict):
        raise ConfigError(_("{file} must list settings as lines like name: value.", file=name))
    return text, data


def settings_error(name: str, text: str, exc: ShapeError) -> ConfigError:
    """The ConfigError for ``exc`` met in the settings file ``name`` (its ``text``): the file,
    the line of the setting, what is wrong and how to write it."""
    path = (int(key) if key.isdigit() else key for key in exc.keys)  # list items by index
    line = line_of(text, *path)
    return ConfigError(_("{file}:{line}: {error}", file=name, line=line, error=exc), exc.hint)


def settings_problems(name: str, load: Callable[[], object]) -> list[Diagnostic]:
    """For ``check``: the mistake ``load`` (the loader of the settings file ``name``) meets,
    as a diagnostic at its line."""
    try:
        load()
    except ConfigError as error:
        found = re.match(rf"{re.escape(name)}:(\d+): ", error.message)
        message = error.message[found.end() :] if found else error.message
        line = int(found.group(1)) if found else 1
        return [Diagnostic(name, line, Severity.ERROR, message, error.hint, "settings")]
    return []
