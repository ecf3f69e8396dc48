"""Decide whether a comment breaks the rules: obscene, insult, spam, unlawful, custom.

(Initial version: word lists only; superseded by the morphological detector.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .rules import Rules

Verdict = Literal["remove", "keep", "review"]
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Decision:
    """The detector's answer for one comment."""

    verdict: Verdict
    categories: tuple[str, ...] = ()
    rule: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "categories": list(self.categories), "rule": self.rule}


@dataclass
class Context:
    """What the detector remembers across comments of one sweep (repeated texts = spam)."""

    seen: dict[str, set[str]] = field(default_factory=dict)


class Detector:
    """Classifies comments with the rules' word lists."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def classify(self, text: str, author: str = "", context: Context | None = None) -> Decision:
        words = {w.lower() for w in _WORD.findall(text)}
        for category in ("unlawful", "obscene", "insult", "spam", "custom"):
            rule = self.rules.rule(category)
            hit = next((w for w in rule.words if w.lower() in words), None)
            if hit:
                return Decision("remove", (category,), f"{category}:{hit}")
        return Decision("keep")
