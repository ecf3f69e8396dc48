"""The reports' pages and charts: templates in ``reports/templates``, autoescaped (see
``core.templates``)."""

from __future__ import annotations

from pathlib import Path

from publisher.core import templates

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render(name: str, **context: object) -> str:
    return templates.render(TEMPLATES, name, **context)
