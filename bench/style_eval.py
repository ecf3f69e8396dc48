"""How well the style linter separates press-release wording from plain text.

Runs ``publisher.content.style.lint`` on every sentence of
``tests/content/style/sentences.tsv`` and prints the share flagged in each half (goal: at
least 90% of «press», at most 10% of «plain»), the mean score of each half and the time
taken; the numbers go to ``bench/results.json`` under "style".

    python bench/style_eval.py            # summary
    python bench/style_eval.py -v         # and every sentence the linter gets wrong
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.content.style import lint  # noqa: E402

SENTENCES = ROOT / "tests" / "content" / "style" / "sentences.tsv"
RESULTS = ROOT / "bench" / "results.json"


def main(verbose: bool) -> None:
    rows = [
        line.split("\t", 1)
        for line in SENTENCES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    started = time.perf_counter()
    lint("")  # load the dictionaries outside the timing
    loaded = time.perf_counter()
    flagged: dict[str, int] = {"press": 0, "plain": 0}
    total: dict[str, int] = {"press": 0, "plain": 0}
    scores: dict[str, float] = {"press": 0.0, "plain": 0.0}
    for label, sentence in rows:
        report = lint(sentence)
        total[label] += 1
        flagged[label] += bool(report.findings)
        scores[label] += report.score
        if verbose and bool(report.findings) != (label == "press"):
            print(f"wrong ({label}): {sentence}")
            for finding in report.findings:
                print(f"    {finding.category}: {sentence[finding.start : finding.end]}")
    finished = time.perf_counter()
    result = {
        label: {
            "sentences": total[label],
            "flagged": flagged[label],
            "share_flagged": round(flagged[label] / total[label], 3),
            "mean_score": round(scores[label] / total[label], 2),
        }
        for label in ("press", "plain")
    }
    summary = {
        **result,
        "goal_met": result["press"]["share_flagged"] >= 0.9
        and result["plain"]["share_flagged"] <= 0.1,
        "load_seconds": round(loaded - started, 2),
        "ms_per_sentence": round(1000 * (finished - loaded) / len(rows), 2),
    }
    for label, goal in (("press", "goal >= 90%"), ("plain", "goal <= 10%")):
        r = result[label]
        print(
            f"{label}: {r['flagged']}/{r['sentences']} flagged ({r['share_flagged']:.1%}, {goal}),"
            f" mean score {r['mean_score']}"
        )
    print(
        f"{summary['ms_per_sentence']} ms per sentence, dictionaries loaded in "
        f"{summary['load_seconds']} s"
    )
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing["style"] = summary
    RESULTS.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
