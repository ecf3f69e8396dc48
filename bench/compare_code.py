"""``check`` and ``plan`` of this code against an earlier commit's, on the same machine, in turn.

Ratios to a baseline move with the machine's load (the read-and-parse baseline is I/O and C,
publisher is Python), so "no figure more than 10% worse than before" is judged here: the same
two repositories as ``check_plan.py`` (10,000 posts, none published / 99% published), each
command cold (no cache) and warm (three runs after it), the old code and this code taking
turns for ``--rounds`` rounds; each figure is the median of its runs (a best-of figure moved
by 8% between two runs of this script). CPU seconds (user + system of the process and its
workers) are given too: they move less with other work on the machine.

The old code runs from a detached Git work tree of ``--old`` (default: the last commit before
issue #15's work), with Python's bytecode compiled first; every run starts in the scratch
folder, so that the current directory cannot put this checkout's package first on the path.
The repositories' account files lose ``default: true`` and ``publisher.yml`` its ``groups:``
(the old code does not know them; with one account per network they change nothing).

    .venv/bin/python bench/compare_code.py                 # against the commit before #15
    .venv/bin/python bench/compare_code.py --old HEAD~10 --rounds 9
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_plan as bench  # the repositories are check_plan's

#: the last commit before issue #15's work began
BEFORE_ISSUE_15 = "67d3624"
SCRATCH = bench.SCRATCH / "compare"
COMMANDS = ("check", "plan")
STAGES = ("new", "published")
#: the most a figure of this code may exceed the old one's (issue #15)
ALLOWED = 1.10


def run(tree: Path, argv: Sequence[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``python -m publisher ARGV`` with ``tree``'s package."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [bench.PYTHON, "-m", "publisher", *argv],
        cwd=SCRATCH,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def old_tree(revision: str) -> Path:
    """A detached work tree of ``revision``, its bytecode compiled."""
    tree = SCRATCH / "old-code"
    remove_tree(tree)
    subprocess.run(
        ["git", "-C", str(bench.ROOT), "worktree", "add", "-q", "--detach", str(tree), revision],
        check=True,
    )
    subprocess.run([bench.PYTHON, "-m", "compileall", "-q", str(tree / "publisher")], check=True)
    return tree


def remove_tree(tree: Path) -> None:
    """The old code's work tree gone, and forgotten by Git."""
    subprocess.run(
        ["git", "-C", str(bench.ROOT), "worktree", "remove", "--force", str(tree)],
        capture_output=True,
    )
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["git", "-C", str(bench.ROOT), "worktree", "prune"], capture_output=True)


def make_repos() -> dict[str, Path]:
    """The two repositories, for either code: {stage: path}."""
    made = bench.make_repo(bench.GOAL_SIZE)
    repos: dict[str, Path] = {}
    for stage in STAGES:
        if stage == "published":
            bench.publish_all_but_newest(made, bench.NEW_SHARE)
        target = _copy(made, SCRATCH / stage)
        strip_new_settings(target)
        repos[stage] = target
    return repos


def strip_new_settings(repo: Path) -> None:
    """Drop what the old code does not read, and commit."""
    for account in (repo / "accounts").glob("*.md"):
        text = account.read_text(encoding="utf-8")
        account.write_text(re.sub(r"(?m)^default: true\n", "", text), encoding="utf-8")
    config = repo / "publisher.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^groups:\n(?:  .*\n)*", "", text), encoding="utf-8")
    bench.git_commit(repo, "without settings the old code does not know")


def measure(trees: dict[str, Path], repos: dict[str, Path], rounds: int) -> dict[str, float]:
    """Median wall and CPU seconds of each (code, stage, command, cold|warm), codes in turn.
    Each code has its own copy of each repository, so neither reads the other's cache."""
    copies = {
        (code, stage): _copy(repo, SCRATCH / f"{code}-{stage}")
        for code in trees
        for stage, repo in repos.items()
    }
    runs: dict[str, list[float]] = {}
    for _round in range(rounds):
        for code, tree in trees.items():
            for stage in STAGES:
                repo = copies[(code, stage)]
                for command in COMMANDS:
                    argv = ["--repo", str(repo), command]
                    bench.drop_cache(repo)
                    _keep(runs, f"{code} {stage} {command} cold", run(tree, argv))
                    for _ in range(3):
                        _keep(runs, f"{code} {stage} {command} warm", run(tree, argv))
        print(f"round {_round + 1} of {rounds}", flush=True)
    return {key: statistics.median(values) for key, values in runs.items()}


def _copy(repo: Path, target: Path) -> Path:
    """A clone of ``repo`` (a clone, not a copy of the folder: Git may be packing the
    repository's objects in the background after a commit, and a fresh clone's index knows
    its files, where a copy's new file times would make Git read every file at each run)."""
    subprocess.run(["git", "-C", str(repo), "-c", "gc.autoDetach=false", "gc", "--auto", "-q"])
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(repo), str(target)], check=True)
    return target


def _keep(runs: dict[str, list[float]], key: str, measured: tuple[float, float]) -> None:
    for name, value in zip(("wall", "cpu"), measured, strict=True):
        runs.setdefault(f"{key} {name}", []).append(value)


def report(medians: dict[str, float], revision: str) -> dict[str, object]:
    """Rows of new/old per figure, printed and returned for results.json."""
    rows = []
    for stage in STAGES:
        for command in COMMANDS:
            for kind in ("warm", "cold"):
                figure = f"{stage} {command} {kind}"
                new, old = medians[f"new {figure} wall"], medians[f"old {figure} wall"]
                cpu_new, cpu_old = medians[f"new {figure} cpu"], medians[f"old {figure} cpu"]
                rows.append(
                    {
                        "figure": figure,
                        "old_s": round(old, 3),
                        "new_s": round(new, 3),
                        "ratio": round(new / old, 2),
                        "cpu_ratio": round(cpu_new / cpu_old, 2),
                        "met": new / old <= ALLOWED,
                    }
                )
    print(f"\n{'figure':28} {'old':>8} {'new':>8} {'new/old':>8} {'cpu':>6}")
    for row in rows:
        print(
            f"{row['figure']:28} {row['old_s']:>7.3f}s {row['new_s']:>7.3f}s "
            f"{row['ratio']:>7.2f}x {row['cpu_ratio']:>5.2f}x"
            + ("" if row["met"] else "  worse by more than 10%")
        )
    return {"old": revision, "allowed": ALLOWED, "rows": rows, "load_average": os.getloadavg()[0]}


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default=BEFORE_ISSUE_15, help="the earlier commit")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [bench.PYTHON, "-m", "compileall", "-q", str(bench.ROOT / "publisher")], check=True
    )
    trees = {"old": old_tree(args.old), "new": bench.ROOT}
    try:
        results = report(measure(trees, make_repos(), args.rounds), args.old)
    finally:
        remove_tree(trees["old"])
    bench.save("compare_code", results)


if __name__ == "__main__":
    main(sys.argv[1:])
