"""Moderation rules: ``moderation.yml`` in the repository, reviewed by pull request.

The decree lists what is removed: content that breaks the law, spam, insults and obscene
language; offenders may be blacklisted under each network's rules. Legitimate criticism is never
removed. The file says, per category, what to do (``delete``, ``hide`` or ``review`` by a
person), which extra words and patterns count, who is never moderated automatically, how repeat
offenders are banned, and whether night hours are quieter.

An account may have rules of its own: a ``moderation:`` block in ``accounts/<name>.md`` sets
some of these settings again for that account's comments (``account_rules``); every setting it
names replaces moderation.yml's, a category field by field. It may set only what is listed in
``OVERRIDABLE``: anything else is an error, never silently ignored. Accounts of one network keep
their own blacklists unless ``blacklist: {shared: [vk]}`` makes them keep one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import ConfigError, Diagnostic, Severity
from publisher.core.front_matter import FrontMatterError, read_front_matter
from publisher.core.i18n import _
from publisher.core.model import Account
from publisher.core.shapes import ShapeError, line_of, mapping, sequence

RULES_FILE = "moderation.yml"
CATEGORIES = ("obscene", "insult", "spam", "unlawful", "custom")
Action = Literal["delete", "hide", "review", "keep"]
ACTIONS = ("delete", "hide", "review", "keep")


@dataclass(frozen=True)
class CategoryRule:
    """What happens to a comment of one category."""

    action: Action = "delete"
    #: when the network cannot hide: ``delete`` or ``review``
    fallback: Action = "review"
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class BanStep:
    """The n-th removal within the window bans for ``days`` (0 = for good)."""

    removals: int
    days: int


@dataclass(frozen=True)
class QuietHours:
    """At night only the listed categories are removed automatically; the rest wait."""

    start: time
    end: time
    still_remove: tuple[str, ...] = ("obscene", "spam")

    def active(self, moment: datetime) -> bool:
        now = moment.time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


@dataclass(frozen=True)
class Rules:
    """Everything ``moderation.yml`` says, with defaults that suit a press service."""

    categories: Mapping[str, CategoryRule] = field(default_factory=dict)
    allowlist: frozenset[str] = frozenset()
    window_days: int = 30
    ban_steps: tuple[BanStep, ...] = (BanStep(2, 7), BanStep(3, 0))
    quiet_hours: QuietHours | None = None
    recent_days: int = 14
    timezone: str = "Europe/Moscow"
    #: networks whose accounts keep one blacklist (``blacklist: {shared: [vk]}``): removals on
    #: any of them count together, and a ban bans on each of them
    shared_blacklist: frozenset[str] = frozenset()

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category, DEFAULT_CATEGORIES.get(category, CategoryRule()))

    def allowed(self, network: str, account: str, author_id: str) -> bool:
        """The author is never moderated automatically: ``vk:12345`` on every account of the
        network, ``district-vk:12345`` on that account only."""
        return f"{network}:{author_id}" in self.allowlist or (
            f"{account}:{author_id}" in self.allowlist
        )

    def ban_days(self, removals: int) -> int | None:
        """Days of ban after the ``removals``-th removal (0 = for good), None = no ban."""
        steps = [s for s in self.ban_steps if s.removals <= removals]
        return max(steps, key=lambda s: s.removals).days if steps else None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))


DEFAULT_CATEGORIES: dict[str, CategoryRule] = {
    "obscene": CategoryRule("delete"),
    "insult": CategoryRule("hide", fallback="delete"),
    "spam": CategoryRule("delete"),
    "unlawful": CategoryRule("delete"),
    "custom": CategoryRule("review"),
}


#: what an account's ``moderation:`` block may set, down to each key (None: a value)
_CATEGORY_FIELDS = dict.fromkeys(("action", "fallback", "words", "patterns"))
OVERRIDABLE: Mapping[str, Any] = {
    "categories": dict.fromkeys(CATEGORIES, _CATEGORY_FIELDS),
    "allowlist": None,
    "blacklist": {"window_days": None, "steps": [{"removals": None, "ban_days": None}]},
    "quiet_hours": dict.fromkeys(("start", "end", "still_remove")),
}
#: what reading rules raises for a mistake in them
_MISTAKES = (ShapeError, TypeError, ValueError, KeyError)


def load_rules(repo: Path, timezone: str = "Europe/Moscow") -> Rules:
    """Read ``moderation.yml`` (optional); every mistake is explained with the file name."""
    base = Rules(categories=DEFAULT_CATEGORIES, timezone=timezone)
    path = repo / RULES_FILE
    if not path.exists():
        return base
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise ConfigError(
                _("{file} must list settings as lines like name: value.", file=RULES_FILE)
            )
        return _build(data, base)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            _(
                "{file}:{line}: the YAML cannot be read.",
                file=RULES_FILE,
                line=mark.line + 1 if mark else 1,
            ),
            _("Check indentation and colons on that line."),
        ) from None
    except ShapeError as exc:
        raise ConfigError(
            _("{file}:{line}: {error}", file=RULES_FILE, line=line_of(text, *exc.keys), error=exc),
            exc.hint,
        ) from None
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigError(
            _("{file}: {error}", file=RULES_FILE, error=exc),
            _("Compare it with the example in the README."),
        ) from None


def account_rules(repo: Path, base: Rules, account: Account) -> Rules:
    """The rules for one account's comments: ``base`` (moderation.yml's) with the account's
    ``moderation:`` block on top; ConfigError at the block's line if it cannot be used."""
    if not account.moderation:
        return base
    try:
        return _overridden(base, account.moderation)
    except _MISTAKES as exc:
        problem = _override_problem(repo, account, exc)
        raise ConfigError(
            f"{problem.path}:{problem.line}: {problem.message}", problem.hint
        ) from None


def override_problems(repo: Path, accounts: Iterable[Account]) -> list[Diagnostic]:
    """For ``check``: each account whose ``moderation:`` block cannot be used, at its line."""
    base = Rules(categories=DEFAULT_CATEGORIES)
    found: list[Diagnostic] = []
    for account in accounts:
        if account.moderation:
            try:
                _overridden(base, account.moderation)
            except _MISTAKES as exc:
                found.append(_override_problem(repo, account, exc))
    return found


def _overridden(base: Rules, override: Mapping[str, Any]) -> Rules:
    _refuse_unknown(override, OVERRIDABLE, ())
    return _build(override, base)


def _refuse_unknown(value: object, known: object, keys: tuple[str, ...]) -> None:
    """ShapeError at the first key of ``value`` that ``known`` (see ``OVERRIDABLE``) lacks."""
    if isinstance(value, Mapping) and isinstance(known, Mapping):
        for key, inner in value.items():
            if key not in known:
                raise ShapeError(
                    _(
                        "'{setting}' cannot be set here",
                        setting=".".join(("moderation", *keys, str(key))),
                    ),
                    (*keys, str(key)),
                    _(
                        "It may set {settings}, as moderation.yml does; write the others in "
                        "moderation.yml.",
                        settings=", ".join(known),
                    ),
                )
            _refuse_unknown(inner, known[key], (*keys, str(key)))
    elif isinstance(value, list) and isinstance(known, list):
        for item in value:
            _refuse_unknown(item, known[0], keys)


def _override_problem(repo: Path, account: Account, exc: Exception) -> Diagnostic:
    keys: tuple[str, ...] = ()
    hint = _("Compare it with the example in the README.")
    if isinstance(exc, ShapeError):
        keys, hint = exc.keys, exc.hint
    return Diagnostic(
        account.path,
        _override_line(repo, account, keys),
        Severity.ERROR,
        _("The account's moderation rules: {error}", error=exc),
        hint,
        "account-moderation",
    )


def _override_line(repo: Path, account: Account, keys: tuple[str, ...]) -> int:
    """The line of ``moderation.<keys>`` in the account's file (of ``moderation:`` when the
    file cannot be read again)."""
    top = account.lines.get("moderation", 1)
    try:
        text = (repo / account.path).read_text(encoding="utf-8")
        start, end = read_front_matter(text).span
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return top
    return text.count("\n", 0, start) + line_of(text[start:end], "moderation", *keys)


def _build(data: Mapping[str, Any], base: Rules) -> Rules:
    """``base`` with the settings ``data`` gives (moderation.yml's, or an account's block)."""
    categories = dict(base.categories)
    for name, raw in mapping(data.get("categories"), "categories").items():
        if name not in CATEGORIES:
            raise ShapeError(
                _("unknown category '{name}'", name=name),
                ("categories", str(name)),
                _("Categories: {names}.", names=", ".join(CATEGORIES)),
            )
        categories[name] = _category(name, mapping(raw, "categories", name), base.rule(name))
    policy = mapping(data.get("blacklist"), "blacklist")
    steps = base.ban_steps
    if "steps" in policy:
        steps = tuple(
            _ban_step(mapping(step, "blacklist", "steps"))
            for step in sequence(policy["steps"], "blacklist", "steps")
        )
    quiet = base.quiet_hours
    if "quiet_hours" in data:
        given = data["quiet_hours"]
        quiet = _quiet(mapping(given, "quiet_hours")) if given else None
    allowlist = base.allowlist
    if "allowlist" in data:
        allowlist = frozenset(str(a) for a in sequence(data["allowlist"], "allowlist"))
    return Rules(
        categories=categories,
        allowlist=allowlist,
        window_days=int(policy.get("window_days", base.window_days)),
        ban_steps=steps,
        quiet_hours=quiet,
        recent_days=int(data.get("recent_days", base.recent_days)),
        timezone=base.timezone,
        shared_blacklist=_shared(policy) if "shared" in policy else base.shared_blacklist,
    )


def _shared(policy: Mapping[str, Any]) -> frozenset[str]:
    """``blacklist: {shared: [vk]}``: networks, each known."""
    names = [str(n).strip().lower() for n in sequence(policy["shared"], "blacklist", "shared")]
    for name in names:
        if name not in NETWORK_TABLE:
            raise ShapeError(
                _("Unknown network '{name}'.", name=name),
                ("blacklist", "shared"),
                _("Known networks: {names}.", names=", ".join(NETWORK_TABLE)),
            )
    return frozenset(names)


def _ban_step(step: Mapping[str, Any]) -> BanStep:
    return BanStep(int(step["removals"]), int(step.get("ban_days", 0)))


def _category(name: str, raw: Mapping[str, Any], base: CategoryRule) -> CategoryRule:
    """The category's settings: those ``raw`` gives, the others from ``base``."""
    action, fallback = raw.get("action", base.action), raw.get("fallback", base.fallback)
    for key, value in (("action", action), ("fallback", fallback)):
        if value not in ACTIONS:
            raise ShapeError(
                _(
                    "category '{name}': action must be one of {actions}",
                    name=name,
                    actions=", ".join(ACTIONS),
                ),
                ("categories", name, key),
                _("Compare it with the example in the README."),
            )
    words, patterns = base.words, base.patterns
    if "words" in raw:
        words = tuple(str(w) for w in sequence(raw["words"], "categories", name, "words"))
    if "patterns" in raw:
        patterns = tuple(str(p) for p in sequence(raw["patterns"], "categories", name, "patterns"))
    return CategoryRule(
        action=action,
        fallback=fallback,
        words=words,
        patterns=patterns,
    )


def _quiet(raw: Mapping[str, Any]) -> QuietHours:
    still = raw.get("still_remove", ["obscene", "spam"])
    return QuietHours(
        start=time.fromisoformat(str(raw["start"])),
        end=time.fromisoformat(str(raw["end"])),
        still_remove=tuple(str(c) for c in sequence(still, "quiet_hours", "still_remove")),
    )
