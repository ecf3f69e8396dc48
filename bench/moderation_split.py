"""Freeze the held-out third of the moderation labelled set (run once; its output is committed).

The comments written for issue #21 (``new_rows.tsv``, label, category, text) were written
before the detector was tuned for them. A fixed-seed draw, by label, puts a third of the whole
set's size among them into ``tests/moderation/heldout.tsv``, which nobody reads while tuning
(``tests/moderation/test_heldout.py`` pins its hash); the rest join the tuning part,
``tests/moderation/comments.tsv``. The comments labelled before #21 were tuned on already, so
none of them is held out.

    python bench/moderation_split.py NEW_ROWS.tsv
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUNING = ROOT / "tests" / "moderation" / "comments.tsv"
HELDOUT = ROOT / "tests" / "moderation" / "heldout.tsv"
HEADER = "label\tcategory\ttext\n"
SEED = 21


def split(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """(tuning, held-out): a third of the whole set's size drawn from ``new``, by label."""
    target = round((len(old) + len(new)) / 3)
    share = target / len(new)
    rng = random.Random(SEED)
    held: list[str] = []
    for label in sorted({row.split("\t", 1)[0] for row in new}):
        rows = sorted(row for row in new if row.startswith(label + "\t"))
        rng.shuffle(rows)
        held += rows[: round(len(rows) * share)]
    chosen = set(held)
    return old + [row for row in new if row not in chosen], sorted(held)


def main(argv: list[str]) -> None:
    old = TUNING.read_text(encoding="utf-8").splitlines()[1:]
    new = [line for line in Path(argv[0]).read_text(encoding="utf-8").splitlines() if line]
    tuning, held = split(old, new)
    TUNING.write_text(HEADER + "".join(row + "\n" for row in tuning), encoding="utf-8")
    HELDOUT.write_text(HEADER + "".join(row + "\n" for row in held), encoding="utf-8")
    print(f"tuning: {len(tuning)}, held-out: {len(held)}")


if __name__ == "__main__":
    main(sys.argv[1:])
