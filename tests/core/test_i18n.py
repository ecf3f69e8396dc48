"""Every user-facing message has a Russian translation, and the compiled catalogue is current."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from publisher.core import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "publisher" / "locale" / "ru" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def code_messages() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "publisher"),
        keywords={"_": None, "N_": None, "ngettext": (1, 2), "NP_": (1, 2)},
        comment_tags=(),
    )
    messages: set[str] = set()
    for _file, _line, message, _comments, _context in found:
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def catalog():  # type: ignore[no-untyped-def]
    with open(LOCALE / "publisher.po", "rb") as handle:
        return read_po(handle, locale="ru")


def test_every_message_has_a_russian_translation_with_the_same_placeholders() -> None:
    translations = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog() if m.id}
    missing = sorted(m for m in code_messages() if m not in translations)
    assert not missing, f"untranslated (run `make messages` and translate): {missing[:5]}"
    for msgid, message in translations.items():
        text = message.string if isinstance(message.string, str) else message.string[0]
        assert text, f"empty translation for {msgid!r}"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_compiled_catalogue_is_up_to_date() -> None:
    with open(LOCALE / "publisher.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog():
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, (
                f"stale publisher.mo for {message.id!r}: run `make messages`"
            )


def test_language_switch() -> None:
    i18n.set_language("en")
    assert i18n._("Check passed: no problems found.") == "Check passed: no problems found."
    i18n.set_language("ru")
    assert i18n._("Check passed: no problems found.").startswith("Проверка пройдена")


def test_no_translation_hides_inside_an_f_string() -> None:
    """Message extraction cannot see ``_()`` inside an f-string: such text stays English."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "publisher").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""f["'].*\{_\(["']""", line)
    ]
    assert not offenders, offenders
