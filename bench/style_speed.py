"""Speed of the style linter, and a check that an optimisation changes none of its results.

Lints, in one process and in this order:

- ``bench``: the bodies of the 10,000 posts that ``bench/check_plan.py`` generates (same
  generators, same seed, so the same texts ``publisher check`` lints there);
- ``eval``: the sentences of ``tests/content/style/sentences.tsv`` (``bench/style_eval.py``'s set);
- ``mixed``: 2,000 of those bodies with two to four eval sentences spliced in, so the findings
  of every category are compared too (the generated posts themselves are plain text);
- ``content``: the repository's own ``content/**/*.md``, as whole files and as bodies;
- ``rules``: the eval sentences and content bodies again with a repository's ``StyleRules``
  (extra phrases, ignored words, a phrase and a category, a shorter sentence limit).

It prints the time per post of the ``bench`` group (the dictionaries are loaded before the
timing starts; per-word caches start empty, as in a fresh ``publisher check``) and of the rest.

    .venv/bin/python bench/style_speed.py --save /tmp/style-before.json    # baseline
    .venv/bin/python bench/style_speed.py --compare /tmp/style-before.json # after a change
    .venv/bin/python bench/style_speed.py --posts 1000                     # quicker
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from check_plan import post_body, post_title  # noqa: E402

from publisher.content.style import StyleRules, lint  # noqa: E402

BENCH_SIZE = 10_000  # check_plan.py's goal size; its seed is the size
MIXED = 2_000
SENTENCES = ROOT / "tests" / "content" / "style" / "sentences.tsv"
RULES = StyleRules(
    extra={
        "cliche": [{"phrase": "шикарный", "suggestion": "красивый"}, {"phrase": "от души"}],
        "formula": [{"phrase": "сообщает пресс-служба ; как ... сообщили"}],
        "bureaucratic": [{"phrase": "данный|=сей ... вопрос", "suggestion": "этот"}],
    },
    ignore=frozenset({"мероприятие", "в рамках", "passive", "осуществлять"}),
    max_sentence_words=12,
)


def bench_bodies(size: int) -> list[str]:
    """The bodies of check_plan.py's generated posts, in its order (title drawn first)."""
    rng = random.Random(BENCH_SIZE)
    bodies = []
    for _index in range(size):
        post_title(rng)
        bodies.append(post_body(rng))
    return bodies


def eval_sentences() -> list[str]:
    lines = SENTENCES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if line.strip() and not line.startswith("#")]


def mixed_texts(bodies: Sequence[str], sentences: Sequence[str]) -> list[str]:
    """Plain bodies with press-release sentences spliced in between their sentences."""
    rng = random.Random(1)
    texts = []
    for body in bodies[:MIXED]:
        pieces = body.split(". ")
        for sentence in rng.sample(list(sentences), rng.randint(2, 4)):
            pieces.insert(rng.randint(0, len(pieces)), sentence.rstrip("."))
        texts.append(". ".join(pieces))
    return texts


def content_texts() -> list[str]:
    """Every content file whole (front matter and all) and its body alone."""
    texts = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        parts = text.split("\n---", 1) if text.startswith("---") else ["", text]
        texts.append(parts[-1].split("\n", 1)[-1].strip("\n"))
    return texts


def report_data(text: str, rules: StyleRules | None) -> dict[str, Any]:
    return lint(text, rules).as_json()


def run(posts: int) -> tuple[dict[str, list[dict[str, Any]]], dict[str, float]]:
    """All reports by group, and the seconds each group took."""
    groups: dict[str, tuple[list[str], StyleRules | None]] = {
        "bench": (bench_bodies(posts), None),
        "eval": (eval_sentences(), None),
    }
    groups["mixed"] = (mixed_texts(groups["bench"][0], groups["eval"][0]), None)
    groups["content"] = (content_texts(), None)
    groups["rules"] = (groups["eval"][0] + groups["content"][0], RULES)
    lint("")  # load pymorphy3 and the lists outside the timing
    reports: dict[str, list[dict[str, Any]]] = {}
    seconds: dict[str, float] = {}
    for name, (texts, rules) in groups.items():
        started = time.perf_counter()
        reports[name] = [report_data(text, rules) for text in texts]
        seconds[name] = time.perf_counter() - started
    return reports, seconds


def compare(reports: dict[str, list[dict[str, Any]]], path: Path) -> int:
    """Print every report that differs from the saved ones; return how many differ."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    differ = 0
    for name, items in reports.items():
        before = saved.get(name, [])
        if len(before) < len(items):
            print(f"{name}: {path} has {len(before)} reports, this run {len(items)}")
            differ += 1
        for index, (old, new) in enumerate(zip(before, items, strict=False)):
            if old != new:
                differ += 1
                if differ <= 10:
                    print(f"{name}[{index}] differs:\n  before {old}\n  after  {new}")
    return differ


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=BENCH_SIZE, help="bench posts to lint")
    parser.add_argument("--save", type=Path, help="write every report to this JSON file")
    parser.add_argument("--compare", type=Path, help="fail unless the reports equal this file's")
    args = parser.parse_args(argv)
    reports, seconds = run(args.posts)
    counted = {name: len(items) for name, items in reports.items()}
    findings = sum(len(r["findings"]) for r in reports["bench"])
    print(
        f"bench: {counted['bench']} posts in {seconds['bench']:.2f} s, "
        f"{1000 * seconds['bench'] / max(1, counted['bench']):.3f} ms per post "
        f"({findings} findings)"
    )
    for name in ("eval", "mixed", "content", "rules"):
        print(
            f"{name}: {counted[name]} texts in {seconds[name]:.2f} s, "
            f"{1000 * seconds[name] / max(1, counted[name]):.3f} ms per text"
        )
    if args.save:
        args.save.write_text(json.dumps(reports, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"saved {sum(counted.values())} reports to {args.save}")
    if args.compare:
        differ = compare(reports, args.compare)
        if differ:
            print(f"{differ} reports differ from {args.compare}")
            return 1
        print(f"all {sum(counted.values())} reports identical to {args.compare}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
