"""The command line speaks Russian by default, English with ``--lang en``: our help texts and
click's own words ("Usage:", "No such command", "Missing argument", "Invalid value")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from publisher.cli import Deps, main
from publisher.core import i18n


@pytest.fixture(autouse=True)
def _restore_language() -> object:
    yield
    i18n.set_language("ru")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), obj=Deps(env={}), prog_name="publisher")
    return result.exit_code, str(result.output)


def test_help_is_russian_by_default_and_english_on_request() -> None:
    code, russian = invoke("--help")
    assert code == 0
    assert "Использование: publisher [OPTIONS] COMMAND [ARGS]..." in russian
    assert "Папка репозитория (по умолчанию — текущая)." in russian
    assert "Показать эту справку и выйти." in russian
    assert "История публикаций из git log." in russian, "the subcommands' short help too"
    assert "Usage:" not in russian and "Show this message" not in russian
    code, english = invoke("--lang", "en", "--help")
    assert code == 0
    assert "Usage: publisher" in english and "Repository folder" in english
    assert "Show this message and exit." in english, "click keeps the option; not its language"
    assert not any("а" <= ch <= "я" for ch in english)


def test_every_subcommand_and_option_has_russian_help() -> None:
    for path in (["check"], ["apply"], ["inbox", "status"], ["accounts", "done"], ["site"]):
        code, text = invoke(*path, "--help")
        assert code == 0, text
        for line in text.splitlines()[1:]:  # after the usage line (names)
            words = [w for w in line.split() if w.isalpha() and w.isascii() and len(w) > 3]
            prose = [w for w in words if w.islower() and w not in ("publisher", "apply")]
            assert len(prose) < 3, f"English in `{' '.join(path)} --help`: {line!r}"


def test_usage_errors_are_russian() -> None:
    code, missing = invoke("new")
    assert code == 2
    assert "Ошибка: Не хватает аргумента 'TITLE'." in missing
    assert "Справка: publisher new --help" in missing
    code, unknown = invoke("publsh")
    assert code == 2 and "Нет такой команды: 'publsh'." in unknown
    code, invalid = invoke("--lang", "de", "log")
    assert code == 2 and "Неверное значение '--lang'" in invalid
    code, english = invoke("--lang=en", "publsh")
    assert code == 2 and "No such command 'publsh'." in english


def test_the_language_option_is_read_before_the_subcommand_only() -> None:
    from publisher.commands.helptext import RootGroup

    assert isinstance(main, RootGroup)
    assert main.asked_language(["--repo", "x", "--lang", "en", "log"]) == "en"
    assert main.asked_language(["new", "--lang", "en"]) is None, "a post titled --lang"
    assert main.asked_language(["--lang"]) is None
