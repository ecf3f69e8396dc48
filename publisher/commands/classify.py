"""``publisher moderation classify``: the moderation rules on their own, for tuning them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from publisher.moderation.detector import Context, Detector
from publisher.moderation.rules import load_rules


def classify(repo: Path, lines: Iterable[str]) -> Iterator[str]:
    """The detector's decision on each non-empty line, as one line of JSON each."""
    detector = Detector(load_rules(repo))
    context = Context()
    for line in lines:
        text = line.rstrip("\n")
        if text.strip():
            decision = detector.classify(text, "", context)
            yield json.dumps(decision.as_json(), ensure_ascii=False)
