"""Precision and recall of "should be filed" for messages from open sources.

The set is ``tests/inbox/open_messages.tsv`` (label file or skip, category, text), written before
the classifier was tuned, then tuned on: its figures are in-sample. ``open_messages_holdout.tsv``
was written after the tuning and never tuned against: its figures (under "holdout") are the
honest estimate. Each message goes through the inbox's own classifier
(``sort_message`` with the package's rules, as ``inbox collect`` sorts a message found in the
open); a filed message's category is compared with the label's too. The numbers go into
``bench/results.json`` under "open_relevance"; other keys are kept.

    python bench/open_relevance.py            # print the summary, write results.json
    python bench/open_relevance.py --errors   # also list every disagreement
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from moderation_eval import Row, write  # the same labelled rows and results file
from moderation_eval import load as load_rows

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "tests" / "inbox" / "open_messages.tsv"
HOLDOUT = ROOT / "tests" / "inbox" / "open_messages_holdout.tsv"
KEY = "open_relevance"


def load(path: Path = DATASET) -> list[Row]:
    """The labelled messages."""
    return load_rows(path)


def evaluate(rows: list[Row]) -> tuple[dict[str, Any], list[tuple[Row, bool, str]]]:
    """Metrics over ``rows`` and the rows where the classifier and the label disagree."""
    from publisher.inbox.items import load_inbox_rules, sort_message

    rules = load_inbox_rules(ROOT / "bench", None)  # the package's rules, no repository's
    start = time.perf_counter()
    sorted_rows = [(row, sort_message(row.text, rules)) for row in rows]
    seconds = time.perf_counter() - start
    tp = sum(1 for row, got in sorted_rows if row.label == "file" and got.relevant)
    fp = sum(1 for row, got in sorted_rows if row.label != "file" and got.relevant)
    fn = sum(1 for row, got in sorted_rows if row.label == "file" and not got.relevant)
    right_category = sum(
        1
        for row, got in sorted_rows
        if row.label == "file" and got.relevant and got.category == row.category
    )
    metrics = {
        "messages": len(rows),
        "to_file": tp + fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "filed_wrongly": fp,
        "missed": fn,
        "category_accuracy": round(right_category / tp, 4) if tp else 1.0,
        "ms_per_message": round(1000 * seconds / len(rows), 3) if rows else 0.0,
    }
    errors = [
        (row, got.relevant, got.category)
        for row, got in sorted_rows
        if (row.label == "file") != got.relevant
    ]
    return metrics, errors


def main(argv: list[str]) -> None:
    metrics, errors = evaluate(load())
    holdout, missed = evaluate(load(HOLDOUT))
    metrics["holdout"] = holdout
    errors += missed
    if "--errors" in argv:
        for row, filed, category in errors:
            print(f"{row.label:5} -> {'file' if filed else 'skip':5} {category:12} {row.text}")
    for key, value in metrics.items():
        print(f"{key}: {value}")
    write(metrics, key=KEY)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
