"""The sandbox's web page and each emulator's feed: templates in ``sandbox/templates``,
autoescaped (see ``core.templates``). Jinja2 is loaded with the first page, not with the
emulators, which most runs use without a page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from markupsafe import Markup

from publisher.core.config import Config
from publisher.core.dates import parse_moment, spoken_time
from publisher.core.i18n import _

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: the time zone the page being drawn shows times in (the repository's ``timezone``); a
#: context variable, so that each emulator's feed needs no zone parameter of its own
_ZONE: ContextVar[str] = ContextVar("zone", default=Config.timezone)


@contextmanager
def in_zone(zone: str) -> Iterator[None]:
    """Draw the pages inside in ``zone``."""
    token = _ZONE.set(zone)
    try:
        yield
    finally:
        _ZONE.reset(token)


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
        "deleted": _("Comment deleted"),
        "poll_votes": _("0 votes"),
        "poll_left": _("{hours} h left"),
        "repost": _("Repost from"),
        "forwarded": _("Forwarded from"),
        "copied": _("Copied from"),
        "edited": _("edited"),
    }


def when(stamp: object, zone: str = "", now: datetime | None = None) -> str:
    """An emulator's ISO time (or Unix seconds) as the networks show it: "7 декабря в 06:02"
    in ``zone`` (by default the page's, see ``in_zone``); the text as it is when it is no
    time."""
    if isinstance(stamp, int | float) and not isinstance(stamp, bool):
        moment: datetime | None = datetime.fromtimestamp(stamp, ZoneInfo("UTC"))
    else:
        moment = parse_moment(str(stamp or ""))
    if moment is None:
        return str(stamp or "")
    return spoken_time(moment, ZoneInfo(zone or _ZONE.get()), now)


def render(name: str, **context: object) -> Markup:
    """Template ``name`` filled with ``context``, the ``labels`` and ``when``: HTML, put into
    the page as it is."""
    from publisher.core import templates

    return Markup(templates.render(TEMPLATES, name, labels=labels(), when=when, **context))
