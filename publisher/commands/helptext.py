"""The command line in the user's language: our help texts and click's own messages.

Click builds a command's help from strings fixed when the module is imported, before
``--lang`` or the config has chosen a language; the classes here keep the English message id
and translate it each time help is shown. Click's own words ("Usage:", "Error: No such
command", "Missing argument") come from ``gettext`` in its modules; ``install`` points them at
our catalogue, which holds their Russian (``CLICK_MESSAGES`` marks them for extraction).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from publisher.core import i18n
from publisher.core.i18n import N_, NP_, _

#: click's messages a person meets, marked so ``make messages`` keeps their Russian
CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Try '{command} {option}' for help."),
    N_("Error: {message}"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("default: {default}"),
    N_("required"),
    N_("Choose from:\n\t{choices}"),
)
CLICK_PLURALS = (
    NP_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    NP_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    NP_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    NP_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
)
CLICK_MODULES: Sequence[ModuleType] = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
)


def install() -> None:
    """Make click's modules speak the current language (click fills the placeholders)."""
    for module in CLICK_MODULES:
        module._ = i18n.translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.translate_plural  # type: ignore[attr-defined]


def _translated(text: str | None) -> str | None:
    return _(inspect.cleandoc(text)) if text else text


class _TranslatedText:
    """A help text kept as its message id and translated when shown."""

    _help_id: str | None

    @property
    def help(self) -> str | None:
        return _translated(self._help_id)

    @help.setter
    def help(self, text: str | None) -> None:
        self._help_id = text


class TranslatedOption(_TranslatedText, click.Option):
    """An option whose help is translated when shown."""


class _TranslatedHelp(_TranslatedText):
    """A command's help, short help and ``--help`` line, translated when shown."""

    _short_help_id: str | None

    @property
    def short_help(self) -> str | None:
        return _translated(self._short_help_id)

    @short_help.setter
    def short_help(self, text: str | None) -> None:
        self._short_help_id = text

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click keeps the ``--help`` option once made; its text follows the language."""
        option: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class TranslatedCommand(_TranslatedHelp, click.Command):
    """A command whose texts are translated when shown."""


class TranslatedGroup(_TranslatedHelp, click.Group):
    """A group whose texts, subcommands and subgroups are translated when shown."""

    command_class = TranslatedCommand
    group_class = type


class RootGroup(TranslatedGroup):
    """``publisher``: picks the language before click parses anything, so that
    ``publisher --lang en --help`` and "No such command" already speak it."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        install()
        env = getattr(extra.get("obj"), "env", None)
        i18n.set_language(self.asked_language(args) or (env or {}).get("PUBLISHER_LANG"))
        return super().make_context(info_name, args, parent, **extra)

    def asked_language(self, args: Sequence[str]) -> str | None:
        """The ``--lang`` value among the options before the subcommand, if any."""
        for index, arg in enumerate(args):
            if arg in self.commands:
                return None
            if arg.startswith("--lang="):
                return arg.partition("=")[2]
            if arg == "--lang" and index + 1 < len(args):
                return args[index + 1]
        return None


def option(*decls: str, **attrs: Any) -> Callable[[Any], Any]:
    """``click.option`` with its help translated when shown."""
    return click.option(*decls, cls=TranslatedOption, **attrs)
