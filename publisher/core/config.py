"""``publisher.yml`` -> a frozen ``Config``; every setting has a sensible default."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from publisher.core.errors import ConfigError, Diagnostic, Severity
from publisher.core.i18n import _
from publisher.core.model import EditFallback
from publisher.core.shapes import ShapeError, line_of, mapping, sequence

CONFIG_FILE = "publisher.yml"

#: how many parts a thread (X) may have before check warns, unless ``max_thread`` says otherwise
DEFAULT_MAX_THREAD = 4

#: style categories whose findings come from phrase lists, so a repository can add entries to them
PHRASE_CATEGORIES: tuple[str, ...] = ("formula", "bureaucratic", "cliche", "passive")


@dataclass(frozen=True)
class StyleRules:
    """``style:`` in publisher.yml: a repository's additions to the linter's built-in lists.

    ``extra``: category (one of ``PHRASE_CATEGORIES``) -> entries ``{"phrase", "suggestion"}``
    (and a ``"replace"`` fix, see ``content.style``) in the data files' syntax. ``ignore``: words
    or phrases the repository allows (matched by lemma, so «мероприятие» allows every form), or
    whole category ids such as ``"long_sentence"``.
    ``strict``: findings are errors, not warnings.
    """

    extra: Mapping[str, Sequence[Mapping[str, str]]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    max_sentence_words: int = 25
    strict: bool = False

    def __post_init__(self) -> None:
        for category in self.extra:
            if category not in PHRASE_CATEGORIES:
                raise ValueError(_("Unknown style category: {category}", category=category))


@dataclass(frozen=True)
class ContestRules:
    """``contests:`` in publisher.yml, by ``<network>:<user id>`` as the network numbers people.

    ``staff`` never win (the press service's own people); each group of ``linked`` is one
    person on several networks, who enters once however many of them they enter on. The
    operator writes the links (from what an entrant asks for, after checking it is them):
    an entrant's own claim in a comment could name anyone's account."""

    staff: frozenset[str] = frozenset()
    linked: tuple[tuple[str, ...], ...] = ()


#: a person on a network as ``contests:`` names them: ``vk:12345``, ``telegram:777``
_PERSON = re.compile(r"[a-z]+:[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Config:
    """The repository's settings."""

    timezone: str = "Europe/Moscow"
    language: str = ""
    default_networks: tuple[str, ...] = ("vk", "telegram")
    content_dir: str = "content"
    accounts_dir: str = "accounts"
    #: a folder under ``content_dir`` that any post may take media from (besides its own)
    media_dir: str = ""
    media_base_url: str = ""
    on_edit_unsupported: EditFallback = "blocked"
    delete_when_file_removed: bool = True
    strict: bool = False
    approvals: int = 1
    network_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: citizens' messages: deadlines, working hours, keyword rules (see data/inbox.yml)
    inbox: Mapping[str, Any] = field(default_factory=dict)
    #: the style linter's settings
    style: StyleRules = field(default_factory=StyleRules)
    #: named lists of accounts (or networks) a post may name in ``accounts:`` or ``networks:``
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: ``networks: <network>: max_thread:``, by network (not an option sent with posts)
    max_thread: Mapping[str, int] = field(default_factory=dict)
    #: ``accounts audit`` warns about an account that posts less often than this (the regional
    #: recommendations for official pages ask for regular posts; 3 a week is our default)
    min_posts_per_week: int = 3
    #: ``contests:``: who may not win, and who is one person across networks
    contests: ContestRules = field(default_factory=ContestRules)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def thread_limit(self, network: str) -> int:
        """The most parts a thread on ``network`` may have before check warns."""
        return self.max_thread.get(network, DEFAULT_MAX_THREAD)


_FIELDS = {
    "timezone",
    "language",
    "default_networks",
    "content_dir",
    "accounts_dir",
    "media_dir",
    "media_base_url",
    "on_edit_unsupported",
    "delete_when_file_removed",
    "strict",
    "approvals",
    "networks",
    "inbox",
    "style",
    "groups",
    "min_posts_per_week",
    "contests",
}


def load_config(repo: Path) -> tuple[Config, list[Diagnostic]]:
    """Read ``publisher.yml`` (optional); return the config and any problems found in it."""
    path = repo / CONFIG_FILE
    if not path.exists():
        return Config(), []
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ConfigError(
            _(
                "{file}:{line}: the YAML cannot be read: {problem}",
                file=CONFIG_FILE,
                line=line,
                problem=getattr(exc, "problem", str(exc)),
            ),
            _("Check indentation and colons on that line."),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(_("Cannot read {file}: {error}", file=CONFIG_FILE, error=exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(
            _("{file} must list settings as lines like name: value.", file=CONFIG_FILE)
        )
    try:
        config, problems = _build(data)
    except ShapeError as exc:
        raise ConfigError(
            _("{file}:{line}: {error}", file=CONFIG_FILE, line=line_of(text, *exc.keys), error=exc),
            exc.hint,
        ) from None
    _check_folders(repo, config, text)
    return config, problems


def _check_folders(repo: Path, config: Config, text: str) -> None:
    """Content, accounts and media folders inside the repository (symlinks followed), never
    the repository itself or a dot-folder such as ``.git``; the media folder under content."""
    for name in ("content_dir", "accounts_dir", "media_dir"):
        value = str(getattr(config, name))
        if name == "media_dir" and not value:
            continue
        # content_dir is checked first, so it can be resolved for media_dir
        within = (repo / config.content_dir if name == "media_dir" else repo).resolve()
        if not _inside(repo, value, within):
            raise ConfigError(
                _(
                    "{file}:{line}: {setting} must name a folder inside {within}, not '{value}'.",
                    file=CONFIG_FILE,
                    line=line_of(text, name),
                    setting=name,
                    within=config.content_dir if name == "media_dir" else _("the repository"),
                    value=value,
                ),
                _("Write a path from the repository root, such as content or content/media."),
            )


def _inside(repo: Path, value: str, within: Path) -> bool:
    """``value`` names a folder strictly under ``within`` and under no dot-folder; a NUL byte
    names no folder at all (the system refuses it)."""
    if "\0" in value or Path(value).is_absolute():
        return False
    target = (repo / value).resolve()
    return (
        target != within
        and target.is_relative_to(within)
        and not any(part.startswith(".") for part in target.relative_to(repo.resolve()).parts)
    )


def _build(data: dict[str, Any]) -> tuple[Config, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    for key in data:
        if key not in _FIELDS:
            close = difflib.get_close_matches(str(key), sorted(_FIELDS), n=1)
            hint = _("Did you mean '{name}'?", name=close[0]) if close else ""
            problems.append(
                Diagnostic(
                    CONFIG_FILE,
                    1,
                    Severity.WARNING,
                    _("Unknown setting '{name}'.", name=key),
                    hint,
                    "config-unknown",
                )
            )
    timezone = str(data.get("timezone", Config.timezone))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            _("Unknown time zone '{zone}' in {file}.", zone=timezone, file=CONFIG_FILE),
            _("Use a name such as Europe/Moscow."),
        ) from None
    fallback = data.get("on_edit_unsupported", "blocked")
    if fallback not in ("blocked", "replace"):
        raise ConfigError(
            _("on_edit_unsupported must be 'blocked' or 'replace', not '{value}'.", value=fallback)
        )
    networks = data.get("default_networks", list(Config.default_networks))
    options = data.get("networks") or {}
    if not isinstance(networks, list) or not isinstance(options, dict):
        raise ConfigError(
            _(
                "default_networks must be a list like [vk, telegram], and networks must list "
                "settings under each network name."
            )
        )
    style = style_rules(mapping(data.get("style"), "style"))
    network_options, max_thread = _network_settings(options)
    config = Config(
        timezone=timezone,
        language=str(data.get("language", "")),
        default_networks=tuple(str(n) for n in networks),
        content_dir=str(data.get("content_dir", Config.content_dir)),
        accounts_dir=str(data.get("accounts_dir", Config.accounts_dir)),
        media_dir=str(data.get("media_dir") or "").strip("/"),
        media_base_url=str(data.get("media_base_url", "")),
        on_edit_unsupported=fallback,
        delete_when_file_removed=bool(data.get("delete_when_file_removed", True)),
        strict=bool(data.get("strict", False)),
        approvals=_approvals(data.get("approvals", 1)),
        network_options=network_options,
        inbox=dict(mapping(data.get("inbox"), "inbox")),
        style=style,
        groups={
            str(name).strip().lower(): tuple(
                str(member).strip().lower() for member in sequence(value, "groups", str(name))
            )
            for name, value in mapping(data.get("groups"), "groups").items()
        },
        max_thread=max_thread,
        min_posts_per_week=_min_posts(data.get("min_posts_per_week", 3)),
        contests=contest_rules(mapping(data.get("contests"), "contests")),
    )
    return config, problems


def _min_posts(value: object) -> int:
    """``min_posts_per_week``: a whole number from 0 (no cadence check) up."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(
            _(
                "min_posts_per_week must be a whole number of posts, 0 or more, not '{value}'.",
                value=value,
            )
        )
    return value


def contest_rules(settings: Mapping[str, Any]) -> ContestRules:
    """``contests: {staff: [vk:1], linked: [[vk:2, telegram:3]]}``."""
    staff = [_person(v, "staff") for v in sequence(settings.get("staff"), "contests", "staff")]
    linked = tuple(
        tuple(_person(v, "linked") for v in sequence(group, "contests", "linked"))
        for group in sequence(settings.get("linked"), "contests", "linked")
    )
    return ContestRules(frozenset(staff), linked)


def _person(value: object, key: str) -> str:
    text = str(value).strip()
    if not _PERSON.fullmatch(text):
        raise ShapeError(
            _("'{value}' in contests.{key} is not a network and a user id.", value=text, key=key),
            ("contests", key),
            _("Write the network and the person's id on it, such as vk:12345 or telegram:777."),
        )
    return text


def _network_settings(
    options: Mapping[str, Any],
) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """``networks:``: each network's options sent with its posts, and apart from them the
    settings publisher itself reads (``max_thread``)."""
    sent: dict[str, dict[str, Any]] = {}
    max_thread: dict[str, int] = {}
    for name, value in options.items():
        network = str(name)
        settings = dict(mapping(value, "networks", network))
        if "max_thread" in settings:
            max_thread[network] = _max_thread(settings.pop("max_thread"), network)
        sent[network] = settings
    return sent, max_thread


def _max_thread(value: object, network: str) -> int:
    """``networks: <network>: max_thread:``: a whole number of at least 1."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ShapeError(
        _(
            "'networks: {network}: max_thread' must be a whole number of at least 1, not "
            "'{value}'.",
            network=network,
            value=value,
        ),
        ("networks", network, "max_thread"),
        _("Write, for example, max_thread: 4 (how many posts a thread may have)."),
    )


def _approvals(value: object) -> int:
    """``approvals:`` is a whole number of at least 1: ``0``, ``-1``, ``"1"`` or ``true`` would
    let a post out with fewer approvals than the team meant (``True`` is an int to Python)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ConfigError(
        _(
            "{file}: approvals must be a whole number of at least 1, not '{value}'.",
            file=CONFIG_FILE,
            value=value,
        ),
        _("Write, for example, approvals: 1 (how many people other than the author approve)."),
    )


def style_rules(settings: Mapping[str, Any]) -> StyleRules:
    """``style:`` in publisher.yml: ``extra``, ``ignore``, ``max_sentence_words``, ``strict``."""
    try:
        return StyleRules(
            extra={
                str(k): sequence(v, "style", "extra", str(k))
                for k, v in mapping(settings.get("extra"), "style", "extra").items()
            },
            ignore=frozenset(str(i) for i in sequence(settings.get("ignore"), "style", "ignore")),
            max_sentence_words=int(settings.get("max_sentence_words", 25)),
            strict=bool(settings.get("strict", False)),
        )
    except ShapeError:
        raise  # load_config puts it at its line in publisher.yml
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            _("The style settings in publisher.yml cannot be used: {error}", error=exc),
            _("Compare them with the README's example."),
        ) from None
