"""Front matter: the YAML fields at the top of a Markdown file, each with its line in the file.

Every file with front matter (posts, accounts, inbox messages) is read here. python-frontmatter's
YAML handler finds the front matter (a line of three or more dashes opens it and the next one
closes it) and splits it off; the YAML between is composed once with the safe loader, which gives
both the values and the node marks, so each problem and each field is placed at its line of the
file (the mark's line plus the lines above the YAML). This is reading only: a person's file is
never written back through python-frontmatter, whose ``dump`` sorts the keys and drops comments.

Aliases (``&name`` and ``*name``) are refused: a few lines of them can stand for a value of
billions of items ("billion laughs"), which turning it into text would never finish, and no file
here has a use for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from publisher.core import quick_yaml
from publisher.core.i18n import _

#: python-frontmatter's YAML handler: its ``FM_BOUNDARY`` is a line of three or more dashes
HANDLER = YAMLHandler()
#: the key of the body's first line in ``FrontMatter.lines``
BODY = "__body__"


@dataclass(frozen=True)
class FrontMatter:
    """A file's front matter values, where each field is, and the text below it."""

    data: dict[str, Any]
    #: the line (1-based, in the file) of each top-level field (``title``), of each item of a
    #: list (``media[0]``), of each key one level down (``overrides.vk``), and of the body
    #: (``BODY``)
    lines: dict[str, int]
    #: the text below the front matter, without the blank lines around it
    body: str
    #: where the YAML is in the text (from the end of the opening line to the closing line),
    #: for a change to one line of it
    span: tuple[int, int] = field(compare=False)


class FrontMatterError(ValueError):
    """Front matter that cannot be read: the line of the problem, what it is, how to fix it."""

    def __init__(self, line: int, message: str, hint: str = "", code: str = "yaml") -> None:
        super().__init__(message)
        self.line, self.message, self.hint, self.code = line, message, hint, code


class NoFrontMatter(FrontMatterError):
    """The file does not start with a line of dashes: it has no front matter at all."""


def read_front_matter(text: str) -> FrontMatter:
    """Split ``text`` (a leading byte order mark ignored) and read its front matter; raise
    ``FrontMatterError`` at the line of the first problem."""
    bom = len("\ufeff") if text.startswith("\ufeff") else 0
    text = text[bom:]
    opening = HANDLER.FM_BOUNDARY.match(text)  # what ``HANDLER.detect`` looks for
    if opening is None:
        raise NoFrontMatter(
            1,
            _("The file has no front matter."),
            _("Start it with a line '---', the fields (title: ...), and another '---'."),
            "no-front-matter",
        )
    try:
        raw, body = HANDLER.split(text)
    except ValueError:
        raise FrontMatterError(
            1, _("The front matter is not closed."), _("Add a line '---'.")
        ) from None
    # the YAML starts where the opening line ends (the dashes' pattern may take blank lines too)
    start = bom + opening.end()
    first = text.count("\n", 0, opening.end()) + 1  # the file's line of the YAML's line 0
    quick = quick_yaml.read_with_lines(raw)  # most front matter: see quick_yaml
    if quick is not None:
        data, lines = quick[0], {name: line + first for name, line in quick[1].items()}
    else:
        node, data = _compose_and_load(raw, first)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise FrontMatterError(
                1, _("The front matter must be a list of fields like 'title: ...'.")
            )
        lines = _field_lines(node, first)
    lines[BODY] = body_line(text, body)
    return FrontMatter(data, lines, body.strip("\n"), (start, start + len(raw)))


def body_of(text: str) -> str:
    """The text below the front matter (without the blank lines above it), read even when the
    YAML is broken; ``text`` itself when it has no closed front matter."""
    unmarked = text.removeprefix("\ufeff")
    if not HANDLER.detect(unmarked):
        return text
    try:
        return HANDLER.split(unmarked)[1].lstrip("\n")
    except ValueError:
        return text


def body_line(text: str, body: str) -> int:
    """The line of the body's first non-blank line (1 when the body is empty)."""
    stripped = body.lstrip("\n")
    if not stripped.rstrip("\n"):
        return 1
    return text.count("\n", 0, len(text) - len(stripped)) + 1


_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _BadTimestamp(Exception):
    """A value shaped like a date or time that is none (``2026-02-30``, ``+25:00``)."""

    def __init__(self, mark_line: int, value: str) -> None:
        super().__init__(value)
        self.mark_line, self.value = mark_line, value


class _Loader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, with an impossible date anywhere reported at its line (PyYAML would
    raise a bare ValueError from deep inside)."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _BadTimestamp(node.start_mark.line, str(node.value)) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _compose_and_load(raw: str, first: int) -> tuple[yaml.Node | None, Any]:
    """Parse the front matter once: the node tree (for line numbers) and the values; a problem
    is raised at its line of the file (``first`` is the file's line of the YAML's line 0)."""
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        alias = _alias_line(node) if "&" in raw or "*" in raw else None  # none without them
        if alias is not None:
            raise FrontMatterError(
                alias + first,
                _("The front matter repeats a value by reference (&name and *name)."),
                _("Write the value out in full instead of the reference."),
                "yaml-alias",
            )
        return node, loader.construct_document(node) if node is not None else None
    except _BadTimestamp as exc:
        raise FrontMatterError(
            exc.mark_line + first,
            _("'{value}' is not a real date or time.", value=exc.value),
            _(
                "Check the day of the month and the offset (from -12:00 to +14:00), as in "
                "2026-12-31 10:00 or 2026-12-31T10:00:00+03:00; quote it if it is not a date."
            ),
            "timestamp",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark and problem.startswith(_COLON_PROBLEM):
            colon = _colon_in_value(raw, mark.line)
            if colon is not None:
                raise FrontMatterError(mark.line + first, *colon, "yaml-colon") from None
        raise FrontMatterError(
            mark.line + first if mark else 1,
            _("The front matter is not valid YAML: {problem}.", problem=problem),
            _("Check the colon after each field name, the quotes and the indentation."),
        ) from None
    finally:
        loader.dispose()


#: what PyYAML says of a colon and a space inside a value (``title: Приём: график``): "... here"
#: or, from its C parser, "... in this context"
_COLON_PROBLEM = "mapping values are not allowed"
#: a ``name: value`` line whose value is not quoted, with any comment after it
_FIELD_LINE = re.compile(r"^\s*(?P<name>[\w.-]+):\s+(?P<value>[^\s\"'\[{|>].*?)(?:\s+#.*)?$")


def _colon_in_value(raw: str, index: int) -> tuple[str, str] | None:
    """The message and hint for a value on YAML line ``index`` that has a colon and a space
    in it (YAML reads the colon as the start of a field), with the line written in quotes;
    None if the line is not one ``name: value``."""
    lines = raw.splitlines()
    found = _FIELD_LINE.match(lines[index]) if index < len(lines) else None
    if found is None or not re.search(r":(\s|$)", found["value"]):
        return None  # the colon is elsewhere: a field indented too far, say
    value = found["value"].rstrip().replace("\\", "\\\\").replace('"', '\\"')
    quoted = f'{found["name"]}: "{value}"'
    if found["name"] == "title":
        return (
            _("The title has a colon and a space in it: YAML reads them as a new field."),
            _("Put the title in quotes: {line}", line=quoted),
        )
    return (
        _(
            "The value of '{field}' has a colon and a space in it: YAML reads them as a new field.",
            field=found["name"],
        ),
        _("Put the value in quotes: {line}", line=quoted),
    )


def _alias_line(node: yaml.Node | None) -> int | None:
    """The YAML line of the first value used twice through an alias, or None.

    Each node is visited once, so this is linear in the size of the front matter.
    """
    seen: set[int] = set()
    todo = [node] if node is not None else []
    while todo:
        current = todo.pop()
        if id(current) in seen:
            return int(current.start_mark.line)
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            todo.extend(part for pair in current.value for part in pair)
    return None


def _field_lines(node: yaml.Node | None, first: int) -> dict[str, int]:
    """The file's line of every top-level field, list item (a[0]) and nested key (a.b)."""
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        name = str(key.value)
        lines[name] = key.start_mark.line + first
        if isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                lines[f"{name}[{index}]"] = item.start_mark.line + first
        if isinstance(value, yaml.MappingNode):
            for sub_key, _sub in value.value:
                lines[f"{name}.{sub_key.value}"] = sub_key.start_mark.line + first
    return lines
