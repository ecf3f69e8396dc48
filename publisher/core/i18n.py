"""User-facing text through gettext: Russian by default, English on request.

Message ids in the code are English; ``locale/ru/LC_MESSAGES/publisher.po`` holds the Russian
text and is compiled to ``publisher.mo`` with ``make messages``. ``tests/test_i18n.py`` fails
when a message has no Russian translation or the compiled catalogue is stale.
"""

from __future__ import annotations

import gettext
import os

from publisher.core.resources import LOCALE_DIR

DOMAIN = "publisher"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str | None) -> str:
    """Switch every later message to ``lang`` (``ru`` or ``en``); return the one chosen."""
    global _translation, _language
    chosen = (lang or os.environ.get("PUBLISHER_LANG") or DEFAULT_LANGUAGE).lower()
    if chosen not in LANGUAGES:
        chosen = DEFAULT_LANGUAGE
    if chosen == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    _language = chosen
    return chosen


def language() -> str:
    """The language messages are currently produced in."""
    return _language


def _(msgid: str, **params: object) -> str:
    """Translate ``msgid`` and fill its ``{named}`` placeholders."""
    text = _translation.gettext(msgid)
    return text.format(**params) if params else text


def N_(msgid: str) -> str:
    """Mark a message for translation where it is defined; ``_()`` translates it when shown."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form for translation; ``translate_plural`` shows it."""
    return singular, plural


def translate(msgid: str) -> str:
    """The translation of ``msgid`` with its placeholders left for the caller (click's own
    messages: click fills them)."""
    return _translation.gettext(msgid)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """The form of a plural message for ``n``, placeholders left for the caller."""
    return _translation.ngettext(singular, plural, n)


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    """Translate a message whose form depends on the number ``n`` (Russian has three)."""
    text = _translation.ngettext(singular, plural, n)
    return text.format(n=n, **params)


set_language(None)


def decimal(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals as the reader writes it: ``3,5`` in Russian, ``3.5`` in
    English (Babel would know every language, but it is a build tool here, not a dependency
    of the program, and publisher speaks two)."""
    written = f"{value:.{digits}f}"
    return written.replace(".", ",") if language() == "ru" else written
