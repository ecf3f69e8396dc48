"""Plain YAML read without PyYAML's constructor: result files, and front matter as people write it.

A plan reads every result file and post of the repository (10,000 of each in a large one).
PyYAML's ``CSafeLoader`` takes 0.09 ms for a result file and 0.023 ms for a post's front
matter: most of it is the Python that builds and resolves each value, not libyaml. Both are
mostly in a narrow form: block mappings indented by two, sequences of scalars, scalars on one
line. ``read`` reads exactly that form (a result file in 0.03 ms, a front matter in 0.01 ms),
and gives up (None) on anything else, which is then read by PyYAML as before: a file edited by
hand, damaged, or written in another style reads the same either way.

What is read here is what PyYAML would build. A plain scalar is resolved by the loader's own
implicit resolvers: a string stays a string; an integer is taken only in plain decimal form, a
boolean, null or time as PyYAML builds it; a float or any other tag gives up. A quoted scalar
must be single-quoted. A sequence is of scalars: in block form (``- item``, at its key's indent
or two more) or a flow ``[a, b]`` of plain scalars on one line. Gives up too: indented comment
lines, tabs, ``\\r`` and any character YAML reads as a line break or refuses, other flow
collections, anchors, tags, repeated keys, a key with no value, other indents, a scalar over
two lines.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: builds a time as the safe loader does (the only value here PyYAML's own code builds)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
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
#: an item of a flow sequence: a plain scalar without ``:`` or ``?`` (scanners differ on them)
_ITEM = (
    r"(?:[^\s#,\[\]{}'\"?:&*!|>%@`-]|-(?=[0-9]))"
    r"(?:[^\s#,\[\]{}:?]++| (?=[^\s#,\[\]{}:?]))*+"
)
#: one line: its indent; ``- `` or a key, ``:`` and a space if a value follows; the value:
#: single-quoted, plain, an empty flow collection, or a flow sequence of plain scalars
_LINE = re.compile(
    r"( *)(- |([A-Za-z_][A-Za-z0-9_]{0,99}):(?: |$))"
    rf"(?:'((?:[^']++|'')*+)'|({_PLAIN})|(\[\]|\{{\}})|\[ *({_ITEM}(?: *, *{_ITEM})*+) *\])?"
)
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOW: dict[str, Any] = {"[]": list, "{}": dict}


#: a line read: its number in the text (from 0), its indent, its key (None for an item of a
#: sequence), and its value if it has one on the line (``_NO_VALUE`` if not)
Line = tuple[int, int, str | None, Any]
_NO_VALUE = object()


class _NotPlain(Exception):
    """The text is not in the form ``read`` reads."""


def read(text: str) -> dict[str, Any] | None:
    """What ``yaml.load(text, CSafeLoader)`` gives for a mapping in this form; None if ``text``
    is in another form (PyYAML must read it)."""
    found = read_with_lines(text)
    return found[0] if found is not None else None


def read_with_lines(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """``read``, and the line (from 0) of each top-level key, of each item of a top-level
    sequence (``key[0]``) and of each key one level down (``key.sub``): where PyYAML's nodes
    start."""
    lines = _lines(text)
    if not lines:
        return None
    try:
        data, end = _mapping(lines, 0, 0)
    except _NotPlain:
        return None
    return (data, _top_lines(lines, data)) if end == len(lines) else None


def _lines(text: str) -> list[Line] | None:
    """Each line of ``text`` with content, read; None if one is not in this form."""
    if not text.endswith("\n") or _FOREIGN.search(text):
        return None
    lines: list[Line] = []
    resolvers = _LOADER.yaml_implicit_resolvers
    unresolved = None not in resolvers and not _LOADER.yaml_path_resolvers
    try:
        for number, line in enumerate(text[:-1].split("\n")):
            if not line or line.startswith("#"):
                continue
            found = _LINE.fullmatch(line)
            if found is None:
                return None
            indent, lead, key, quoted, plain, flow, items = found.groups()
            if quoted is not None:
                value: Any = quoted.replace("''", "'")
            elif plain is not None:  # a string if no resolver looks at its first character
                value = plain if unresolved and plain[0] not in resolvers else _plain(plain)
            elif flow is not None:
                value = _FLOW[flow]()
            elif items is not None:
                value = [_plain(item.strip()) for item in items.split(",")]
            elif lead[-1] == " ":  # "- " or "key: " with nothing after it
                return None
            else:
                value = _NO_VALUE
            if key is not None:
                key = _KEYS.get(key) or _key(key)
            lines.append((number, len(indent), key, value))
    except _NotPlain:
        return None
    return lines


def _mapping(lines: list[Line], start: int, indent: int) -> tuple[dict[Any, Any], int]:
    """The mapping whose keys are at ``indent`` from ``lines[start]``, and the line after it."""
    result: dict[Any, Any] = {}
    at, count = start, len(lines)
    while at < count and lines[at][1] == indent and lines[at][2] is not None:
        _number, _indent, name, value = lines[at]
        if name in result:
            raise _NotPlain(name)
        at += 1
        below = lines[at] if at < count else None
        if value is not _NO_VALUE:
            result[name] = value
        elif below is not None and below[2] is None and below[1] in (indent, indent + 2):
            result[name], at = _sequence(lines, at, below[1])
        elif below is not None and below[2] is not None and below[1] == indent + 2:
            result[name], at = _mapping(lines, at, indent + 2)
        else:
            raise _NotPlain(name)  # an empty value, or one indented otherwise
    return result, at


def _sequence(lines: list[Line], start: int, indent: int) -> tuple[list[Any], int]:
    items = []
    at = start
    while at < len(lines) and lines[at][1] == indent and lines[at][2] is None:
        items.append(lines[at][3])
        at += 1
    return items, at


def _top_lines(lines: list[Line], data: dict[str, Any]) -> dict[str, int]:
    """The line of each top-level key, of each item of its sequence and each key of its
    mapping (``lines`` are known to be in this form, and to make ``data``)."""
    found: dict[str, int] = {}
    name, index = "", 0
    for number, indent, key, value in lines:
        if indent == 0 and key is not None:
            name, index = key, 0
            found[name] = number
            if type(value) is list:  # a flow sequence: its items are on its line
                found.update((f"{name}[{i}]", number) for i in range(len(value)))
        elif key is None and type(data[name]) is list:
            found[f"{name}[{index}]"] = number
            index += 1
        elif indent == 2 and key is not None:
            found[f"{name}.{key}"] = number
    return found


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
    if tag == _TIMESTAMP:
        try:
            return _CONSTRUCTOR.construct_yaml_timestamp(yaml.ScalarNode(tag, text))
        except ValueError:  # no such day or time: PyYAML reports it
            raise _NotPlain(text) from None
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
