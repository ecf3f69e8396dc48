"""The sandbox's web page and each emulator's feed: templates in ``sandbox/templates``,
autoescaped (see ``core.templates``). Jinja2 is loaded with the first page, not with the
emulators, which most runs use without a page."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render(name: str, **context: object) -> Markup:
    """Template ``name`` filled with ``context``: HTML, put into the page as it is."""
    from publisher.core import templates

    return Markup(templates.render(TEMPLATES, name, **context))
