"""The YAML publisher writes into result files, read without PyYAML where it is plain enough.

A plan reads every result file of the repository (10,000 in a large one), and PyYAML's
``CSafeLoader`` takes 0.09 ms for one: most of it is the Python that builds and resolves each
value, not libyaml. Result files are written by ``yaml.safe_dump`` in one narrow form: a block
mapping indented by two, sequences of scalars at the indent of their key, scalars on one line.
``read`` reads exactly that form in 0.03 ms, and gives up (None) on anything else, which is
then read by PyYAML as before: a file edited by hand or damaged reads the same either way.

What is read here is what PyYAML would build. A plain scalar is resolved by the loader's own
implicit resolvers: a string stays a string; an integer is taken only in plain decimal form, a
boolean or null as PyYAML takes it; a float, a time or any other tag gives up. A quoted scalar
must be single-quoted. Gives up too: blank or indented comment lines, tabs, ``\\r`` and any
character YAML reads as a line break or refuses, flow collections other than ``[]`` and ``{}``,
anchors, tags, repeated keys, a key with no value, other indents, a scalar over two lines.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
#: a character outside this form: not printable for YAML, a tab or CR, a line break YAML knows
#: (NEL, LS, PS) or a byte-order mark
_FOREIGN = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
#: a plain scalar: words on one line with single spaces, starting with none of YAML's
#: indicators (a dash only before a digit: a negative number), no ``:`` before a space or at
#: the end, no ``#`` (a comment after a space), no flow collection's characters
_PLAIN = (
    r"(?:[^\s#,\[\]{}'\"?:&*!|>%@`-]|-(?=[0-9]))"
    r"(?:[^\s#,\[\]{}:]++|:(?=[^\s#,\[\]{}])| (?=[^\s#,\[\]{}]))*+"
)
#: one line: its indent; ``- `` or a key, ``:`` and a space if a value follows; the value:
#: single-quoted, plain, or an empty flow collection
_LINE = re.compile(
    r"( *)(- |([A-Za-z_][A-Za-z0-9_]{0,99}):(?: |$))"
    rf"(?:'((?:[^']++|'')*+)'|({_PLAIN})|(\[\]|\{{\}}))?"
)
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOW: dict[str, Any] = {"[]": list, "{}": dict}


#: a line read: its indent, its key (None for an item of a sequence), and its value if it has
#: one on the line (``_NO_VALUE`` if not)
Line = tuple[int, str | None, Any]
_NO_VALUE = object()


class _NotPlain(Exception):
    """The text is not in the form ``read`` reads."""


def read(text: str) -> dict[str, Any] | None:
    """What ``yaml.load(text, CSafeLoader)`` gives for a mapping in the form publisher writes;
    None if ``text`` is in another form (PyYAML must read it)."""
    if not text.endswith("\n") or _FOREIGN.search(text):
        return None
    lines: list[Line] = []
    resolvers = _LOADER.yaml_implicit_resolvers
    unresolved = None not in resolvers and not _LOADER.yaml_path_resolvers
    try:
        for line in text[:-1].split("\n"):
            if line.startswith("#"):
                continue
            found = _LINE.fullmatch(line)
            if found is None:
                return None
            indent, lead, key, quoted, plain, flow = found.groups()
            if quoted is not None:
                value: Any = quoted.replace("''", "'")
            elif plain is not None:  # a string if no resolver looks at its first character
                value = plain if unresolved and plain[0] not in resolvers else _plain(plain)
            elif flow is not None:
                value = _FLOW[flow]()
            elif lead[-1] == " ":  # "- " or "key: " with nothing after it
                return None
            else:
                value = _NO_VALUE
            if key is not None:
                key = _KEYS.get(key) or _key(key)
            lines.append((len(indent), key, value))
        data, end = _mapping(lines, 0, 0)
    except _NotPlain:
        return None
    return data if lines and end == len(lines) else None


def _mapping(lines: list[Line], start: int, indent: int) -> tuple[dict[Any, Any], int]:
    """The mapping whose keys are at ``indent`` from ``lines[start]``, and the line after it."""
    result: dict[Any, Any] = {}
    at, count = start, len(lines)
    while at < count and lines[at][0] == indent and lines[at][1] is not None:
        _indent, name, value = lines[at]
        if name in result:
            raise _NotPlain(name)
        at += 1
        if value is not _NO_VALUE:
            result[name] = value
        elif at < count and lines[at][0] == indent and lines[at][1] is None:
            result[name], at = _sequence(lines, at, indent)
        elif at < count and lines[at][0] == indent + 2 and lines[at][1] is not None:
            result[name], at = _mapping(lines, at, indent + 2)
        else:
            raise _NotPlain(name)  # an empty value, or one indented otherwise
    return result, at


def _sequence(lines: list[Line], start: int, indent: int) -> tuple[list[Any], int]:
    items = []
    at = start
    while at < len(lines) and lines[at][0] == indent and lines[at][1] is None:
        items.append(lines[at][2])
        at += 1
    return items, at


#: keys met before (the few names result files use), each a string
_KEYS: dict[str, str] = {}


def _key(text: str) -> str:
    """A key: a plain scalar that is a string (``on`` or ``null`` as a key gives up)."""
    name = _plain(text)
    if not isinstance(name, str) or not name:
        raise _NotPlain(text)
    if len(_KEYS) < 1000:
        _KEYS[text] = name
    return name


def _plain(text: str) -> Any:
    """A plain scalar's value as PyYAML builds it (``_NotPlain`` if not one ``read`` takes)."""
    tag = _tag(text)
    if tag == _STR:
        return text
    if tag == _INT and _DECIMAL.fullmatch(text):
        return int(text)
    if tag == _BOOL:
        return _LOADER.bool_values[text.lower()]
    if tag == _NULL:
        return None
    raise _NotPlain(text)


def _tag(text: str) -> str:
    """The tag the loader's implicit resolvers give a plain scalar (``BaseResolver.resolve``)."""
    resolvers = _LOADER.yaml_implicit_resolvers
    if _LOADER.yaml_path_resolvers:
        raise _NotPlain(text)
    for key in (text[0], None):
        for tag, expression in resolvers.get(key, ()):
            if expression.match(text):
                return str(tag)
    return _STR
