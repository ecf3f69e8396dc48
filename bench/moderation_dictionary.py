"""Every word of the morphological dictionary, said alone, through the moderation detector.

The labelled comments show the detector the words their writers thought of; the dictionary of
pymorphy3 (about 400,000 words in their first form) shows it the rest. Each word is classified
in the comment "Вот <слово>": removed alone, it must be mat, a slur or an insulting phrase by
itself. Anything else removed is an ordinary word that a spam, drug or threat pattern happens to
fit (the first run found "прикопали": gardening read as a drug cache; "гадание": a museum's
yuletide evening read as a fortune teller's ad; "интимный": a lecture on hygiene read as an
adult ad). Goal: none. Results go into ``bench/results.json`` under "moderation_dictionary".

    python bench/moderation_dictionary.py            # all first forms, about two minutes
    python bench/moderation_dictionary.py --limit 5000
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation_eval import RESULTS, write  # noqa: E402

from publisher.moderation.detector import Detector, morph  # noqa: E402
from publisher.moderation.rules import Rules  # noqa: E402

#: the rules a word may be removed by on its own
OWN_RULES = ("obscene:", "insult:slur:", "insult:phrase")


def first_forms(limit: int | None = None) -> Iterator[str]:
    """The dictionary's words in their first form (a lemma), each once, in its order."""
    words = (
        word
        for word, _tag, _normal, _paradigm, index in morph().dictionary.iter_known_words()
        if index == 0 and word.isalpha()
    )
    return itertools.islice(dict.fromkeys(words), limit)


def scan(limit: int | None = None) -> tuple[int, dict[str, str]]:
    """How many words were checked, and the ordinary ones removed alone, with their rule."""
    detector = Detector(Rules(), model=False)
    checked, ordinary = 0, {}
    for word in first_forms(limit):
        checked += 1
        decision = detector.classify(f"Вот {word}")
        if decision.verdict == "remove" and not decision.rule.startswith(OWN_RULES):
            ordinary[word] = decision.rule
    return checked, ordinary


def main(argv: list[str]) -> None:
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else None
    started = time.perf_counter()
    checked, ordinary = scan(limit)
    seconds = round(time.perf_counter() - started, 1)
    for word, rule in ordinary.items():
        print(f"{rule:32} {word}")
    print(f"words: {checked}, ordinary words removed alone: {len(ordinary)} (goal 0), {seconds} s")
    if limit is None:
        figures = {"words": checked, "ordinary_removed": sorted(ordinary), "seconds": seconds}
        write({**figures, "goal_met": not ordinary}, RESULTS, "moderation_dictionary")


if __name__ == "__main__":
    main(sys.argv[1:])
