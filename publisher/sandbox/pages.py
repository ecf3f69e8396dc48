"""The sandbox's web page and each emulator's feed: templates in ``sandbox/templates``,
autoescaped (see ``core.templates``). Jinja2 is loaded with the first page, not with the
emulators, which most runs use without a page."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from publisher.core.i18n import _

TEMPLATES = Path(__file__).resolve().parent / "templates"


def labels() -> dict[str, str]:
    """The words the feeds show around posts and accounts, in the reader's language (they are
    here, not in the templates, so that the message catalogue finds them)."""
    return {
        "no_posts": _("Nothing published here yet."),
        "comments_closed": _("Comments are closed"),
        "community_messages": _("Community messages"),
        "several_answers": _("Several answers allowed"),
        "one_answer": _("One answer"),
        "hidden": _("hidden"),
        "poll": _("Poll"),
        "hours": _("h"),
        "repost": _("Repost from"),
        "forwarded": _("Forwarded from"),
        "copied": _("Copied from"),
        "edited": _("edited"),
    }


def render(name: str, **context: object) -> Markup:
    """Template ``name`` filled with ``context`` and the ``labels``: HTML, put into the page as
    it is."""
    from publisher.core import templates

    return Markup(templates.render(TEMPLATES, name, labels=labels(), **context))
