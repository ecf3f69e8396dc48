"""Jinja2 for every page publisher writes or serves: the site, the monthly report and its charts,
the sandbox's feeds.

Each layer keeps its templates in its own ``templates`` folder and renders them through
:func:`render`. Every template is autoescaped, so a value is escaped unless it is
:class:`markupsafe.Markup`; only HTML that was already sanitized (a post's text cleaned by nh3)
is marked so, where it is put into the context. A name the context lacks is an error, not an
empty string.

A line break in a template file, with the indentation after it, is layout and not output: the
pages stay as compact as before (no whitespace between tags), and a space an inline element
needs is written on the line (``</b> <small>``) or as ``{{ " " }}`` at a line's end.

Jinja2 costs start-up time: import this module only where pages are built.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup, escape

#: a line break and the indentation that follows it
_LAYOUT = re.compile(r"\n[ \t]*")


class _Compact(Extension):
    """Drops the template file's own line breaks and indentation before Jinja2 parses it."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _LAYOUT.sub("", source)


def number(value: float) -> str:
    """A coordinate as the charts write it: whole numbers as they are, fractions to 0.1."""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def lines(text: str) -> Markup:
    """Escaped text whose line breaks are shown (``<br>``)."""
    return escape(text).replace("\n", Markup("<br>"))


@cache
def environment(folder: Path) -> jinja2.Environment:
    """The templates in ``folder``: autoescaped, strict, compact (compiled once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=[_Compact],
    )
    env.filters["number"] = number
    env.filters["lines"] = lines
    return env


def render(folder: Path, name: str, **context: object) -> str:
    """Template ``name`` from ``folder`` filled with ``context``."""
    return environment(folder).get_template(name).render(context)
