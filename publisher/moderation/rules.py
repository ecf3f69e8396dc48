"""Moderation rules: ``moderation.yml`` in the repository, reviewed by pull request.

The decree lists what is removed: content that breaks the law, spam, insults and obscene
language; offenders may be blacklisted under each network's rules. Legitimate criticism is never
removed. The file says, per category, what to do (``delete``, ``hide`` or ``review`` by a
person), which extra words and patterns count, who is never moderated automatically, how repeat
offenders are banned, and whether night hours are quieter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from publisher.core.errors import ConfigError
from publisher.core.i18n import _
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

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category, DEFAULT_CATEGORIES.get(category, CategoryRule()))

    def allowed(self, network: str, author_id: str) -> bool:
        return f"{network}:{author_id}" in self.allowlist

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


def load_rules(repo: Path, timezone: str = "Europe/Moscow") -> Rules:
    """Read ``moderation.yml`` (optional); every mistake is explained with the file name."""
    path = repo / RULES_FILE
    if not path.exists():
        return Rules(categories=DEFAULT_CATEGORIES, timezone=timezone)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise ConfigError(
                _("{file} must list settings as lines like name: value.", file=RULES_FILE)
            )
        return _build(data, timezone)
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


def _build(data: dict[str, Any], timezone: str) -> Rules:
    categories = dict(DEFAULT_CATEGORIES)
    for name, raw in mapping(data.get("categories"), "categories").items():
        if name not in CATEGORIES:
            raise ValueError(_("unknown category '{name}'", name=name))
        categories[name] = _category(name, mapping(raw, "categories", name))
    policy = mapping(data.get("blacklist"), "blacklist")
    default_steps = [{"removals": 2, "ban_days": 7}, {"removals": 3}]
    steps = tuple(
        _ban_step(mapping(step, "blacklist", "steps"))
        for step in sequence(policy.get("steps", default_steps), "blacklist", "steps")
    )
    quiet = data.get("quiet_hours")
    return Rules(
        categories=categories,
        allowlist=frozenset(str(a) for a in sequence(data.get("allowlist"), "allowlist")),
        window_days=int(policy.get("window_days", 30)),
        ban_steps=steps,
        quiet_hours=_quiet(mapping(quiet, "quiet_hours")) if quiet else None,
        recent_days=int(data.get("recent_days", 14)),
        timezone=timezone,
    )


def _ban_step(step: Mapping[str, Any]) -> BanStep:
    return BanStep(int(step["removals"]), int(step.get("ban_days", 0)))


def _category(name: str, raw: Mapping[str, Any]) -> CategoryRule:
    base = DEFAULT_CATEGORIES[name]
    action = raw.get("action", base.action)
    fallback = raw.get("fallback", base.fallback)
    if action not in ACTIONS or fallback not in ACTIONS:
        raise ValueError(
            _(
                "category '{name}': action must be one of {actions}",
                name=name,
                actions=", ".join(ACTIONS),
            )
        )
    return CategoryRule(
        action=action,
        fallback=fallback,
        words=tuple(str(w) for w in sequence(raw.get("words"), "categories", name, "words")),
        patterns=tuple(
            str(p) for p in sequence(raw.get("patterns"), "categories", name, "patterns")
        ),
    )


def _quiet(raw: Mapping[str, Any]) -> QuietHours:
    still = raw.get("still_remove", ["obscene", "spam"])
    return QuietHours(
        start=time.fromisoformat(str(raw["start"])),
        end=time.fromisoformat(str(raw["end"])),
        still_remove=tuple(str(c) for c in sequence(still, "quiet_hours", "still_remove")),
    )
