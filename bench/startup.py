"""How long ``publisher --help`` takes (best of 5); goal under 0.3 s (imports are lazy)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

GOAL = 0.3
RESULTS = Path(__file__).resolve().parent / "results.json"


def measure(runs: int = 5) -> float:
    command = [sys.executable, "-m", "publisher", "--help"]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    seconds = round(measure(), 3)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["startup"] = {"help_seconds": seconds, "goal": GOAL, "met": seconds < GOAL}
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"publisher --help: {seconds} s (goal < {GOAL} s) {'ok' if seconds < GOAL else 'MISSED'}")


if __name__ == "__main__":
    main()
