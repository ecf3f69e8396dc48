"""Text a person or a network wrote, made inert where publisher prints or posts it.

Every place that puts such text into Markdown (the plan comment, the inbox issue), into HTML
(``<summary>``), into a commit message or onto a terminal goes through one of these functions,
so a title cannot open a table row, close a ``<details>``, ping ``@someone``, add a commit
trailer or move the cursor.
"""

from __future__ import annotations

import html
import re

#: ANSI escape sequences (CSI, OSC, and two-character ones), 7-bit and 8-bit forms
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
)
#: C0 and C1 controls (tab and newline kept apart), DEL, and bidirectional overrides
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")
#: every ASCII punctuation character may be backslash-escaped in CommonMark
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
#: GitHub and GitLab turn ``@name`` into a ping, ``#12``, ``!12`` (and on GitLab ``~label``,
#: ``%milestone``, ``&epic``, ``$snippet``) into a reference that notifies or links
_REFERENCE = re.compile(r"([@#!~%&$])(?=\w)")
_WORD_JOINER = "\u2060"


def printable(text: str) -> str:
    """``text`` without escape sequences or control characters; tabs and newlines stay."""
    if _CONTROLS.search(text) is None:  # every escape sequence starts with a control character
        return text
    return _CONTROLS.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks become spaces, controls are dropped."""
    return printable(_LINE_BREAKS.sub(" ", text)).replace("\t", " ").strip()


def _no_references(text: str) -> str:
    return _REFERENCE.sub(r"\1" + _WORD_JOINER, text)


def markdown_inline(text: str) -> str:
    """Literal text inside a Markdown line or table cell: no markup, links, HTML or pings."""
    return _no_references(_MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line(text)))


def markdown_code(text: str) -> str:
    """An inline code span that shows ``text`` exactly, whatever backticks it holds."""
    line = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {line} {fence}" if line else ""


def markdown_cell(text: str) -> str:
    """Markdown already escaped, made safe in a table cell (GFM splits cells at every ``|``)."""
    return text.replace("|", "\\|")


def markdown_fence(text: str, info: str = "text") -> list[str]:
    """A fenced code block no line of ``text`` can close: the fence outgrows its backticks."""
    body = printable(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, body, fence]


def html_inline(text: str) -> str:
    """Literal text inside an HTML element of a comment (``<summary>``): escaped, no pings."""
    return _no_references(html.escape(one_line(text)))


def markdown_link(label: str, url: str) -> str:
    """A Markdown link to a web address; any other address (``javascript:``) is left out."""
    target = one_line(url)
    if not re.match(r"https?://", target, re.IGNORECASE):
        return markdown_inline(label)
    for char, code in (("<", "%3C"), (">", "%3E"), (" ", "%20"), ("\\", "%5C")):
        target = target.replace(char, code)
    return f"[{markdown_inline(label)}](<{target}>)"
