"""Wall time of ``publisher apply`` to all seven networks against their rate-limit bound.

A scratch Git repository under /tmp gets the project's ``publisher.yml``, ``accounts/*.md`` and
``design/`` and N posts (default 200) aimed at vk, ok, telegram, max, facebook, instagram and x.
Each post is a bundle with a short Russian text, a short numbered override for X (X refuses
duplicate texts), and one 1080x1080 JPEG
(Instagram takes no post without a photo, and one post goes to every network as it is).

``publisher --sandbox S apply`` then runs as a subprocess with
``PUBLISHER_SANDBOX_FAULTS=latency=100ms``. A small wrapper around the CLI counts the HTTP calls
each network's adapter sends (``ApiClient._send``: Facebook and Instagram share a host, so the
transport cannot tell them apart), notes when each network's last call ended, and prints
progress every 10 seconds.

Networks run in parallel and each spaces its calls by ``1/requests_per_second``, so the bound
on the wall time is the slowest network. For ``n`` calls at ``r`` per second with latency ``L``:

- brief bound: ``n / r + n * L`` per network (the rate limit, plus the latency of each call);
- strict bound: ``n * max(1 / r, L)`` (calls of one network go one after another, and the
  limiter overlaps the latency with the wait for the next slot, so no run can beat this).

The goal is wall ≤ 1.25x the brief bound (the strict ratio is reported too); the ratio to a
sequential run (sum over networks instead of max) shows what running networks in parallel buys.

    .venv/bin/python bench/apply_throughput.py             # 200 posts, several minutes
    .venv/bin/python bench/apply_throughput.py --posts 40  # shorter
"""

from __future__ import annotations

import argparse
import colorsys
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from check_plan import GIT_ENV, RESULTS, ROOT, git_commit, post_body, post_title, save

PYTHON = str(ROOT / ".venv" / "bin" / "python")
SCRATCH = Path("/tmp/publisher-bench/apply")
NETWORKS = ("vk", "ok", "telegram", "max", "facebook", "instagram", "x")
LATENCY = 0.1
GOAL = 1.25
X_TEXTS = (
    "Подробности — на странице администрации.",
    "Вопросы задавайте в комментариях.",
    "Следите за новостями района.",
)

#: runs the CLI with every network's HTTP calls counted and timed where adapters send them
WRAPPER = """
import json, sys, threading, time
from collections import Counter
from publisher.networks import base

out, argv = sys.argv[1], sys.argv[2:]
counts, last = Counter(), {}
lock, start = threading.Lock(), time.monotonic()
original = base.ApiClient._send

def counting(self, *args, **kwargs):
    try:
        return original(self, *args, **kwargs)
    finally:
        now = time.monotonic() - start
        with lock:
            counts[self.network] += 1
            last[self.network] = now

def progress():
    while True:
        time.sleep(10)
        done = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"  [{time.monotonic() - start:4.0f} s] calls so far: {done}", file=sys.stderr)

base.ApiClient._send = counting
threading.Thread(target=progress, daemon=True).start()
from publisher.cli import main
try:
    main(argv, prog_name="publisher")
finally:
    with open(out, "w") as handle:
        json.dump({"calls": dict(counts), "last_call_s": last}, handle)
"""


def write_photo(path: Path, index: int) -> None:
    """A 1080x1080 JPEG of about 25 KB: a coloured sky, a sun, green ground."""
    from PIL import Image, ImageDraw

    sky = tuple(int(255 * c) for c in colorsys.hsv_to_rgb((index * 0.137) % 1, 0.6, 0.9))
    image = Image.new("RGB", (1080, 1080), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 760, 1080, 1080), fill=(40, 90, 40))
    draw.ellipse((380, 180, 700, 500), fill=(255, 220, 120), outline=(0, 0, 0), width=6)
    image.save(path, "JPEG", quality=70, optimize=True)


def post_text(index: int, rng: random.Random) -> str:
    """A post bundle's ``index.md``: every network, one photo, a short text for X."""
    title, tags = post_title(rng)
    head = [
        "---",
        f"title: {title}",
        f"networks: [{', '.join(NETWORKS)}]",
        "status: ready",
        f"tags: [{', '.join(tags)}]",
        "media:",
        "  - file: photo.jpg",
        f"    alt: Иллюстрация к посту {index}",
        "overrides:",
        "  x:",
        f"    text: {title}. {rng.choice(X_TEXTS)} Выпуск {index}.",
        "---",
        "",
    ]
    return "\n".join(head) + post_body(rng, sentences=(3, 5))


def write_post(repo: Path, index: int, rng: random.Random) -> None:
    folder = repo / "content" / "2026" / f"{1 + index % 12:02d}" / f"post-{index:04d}"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(post_text(index, rng), encoding="utf-8")
    write_photo(folder / "photo.jpg", index)


def make_repo(posts: int) -> Path:
    """A fresh repository with the project's settings, accounts, design and ``posts`` posts."""
    repo = SCRATCH / "repo"
    shutil.rmtree(SCRATCH, ignore_errors=True)
    repo.mkdir(parents=True)
    shutil.copy(ROOT / "publisher.yml", repo)
    shutil.copytree(ROOT / "accounts", repo / "accounts")
    shutil.copytree(ROOT / "design", repo / "design", ignore=shutil.ignore_patterns("generated"))
    rng = random.Random(posts)
    for index in range(posts):
        write_post(repo, index, rng)
    git_commit(repo, f"{posts} posts for every network")
    return repo


def run_apply(repo: Path) -> tuple[float, dict[str, dict[str, float]], int]:
    """Run apply once in a fresh sandbox: wall seconds, what the wrapper saw, exit code."""
    counts_file, log = SCRATCH / "calls.json", SCRATCH / "apply.log"
    env = {**os.environ, **GIT_ENV, "PUBLISHER_SANDBOX_FAULTS": f"latency={LATENCY * 1000:g}ms"}
    argv = ["--repo", str(repo), "--sandbox", str(SCRATCH / "sandbox"), "apply"]
    start = time.perf_counter()
    with log.open("w") as out:
        code = subprocess.run(
            [PYTHON, "-c", WRAPPER, str(counts_file), *argv], stdout=out, env=env
        ).returncode
    wall = time.perf_counter() - start
    return wall, json.loads(counts_file.read_text()), code


def outcomes(log: Path) -> dict[str, int]:
    """How many actions apply reported done (✓), failed (✗) and left for later (–)."""
    marks = {"✓": "done", "✗": "failed", "–": "skipped"}
    counts = dict.fromkeys(marks.values(), 0)
    for line in log.read_text(encoding="utf-8").splitlines():
        if line[:1] in marks:
            counts[marks[line[:1]]] += 1
    return counts


def bounds(seen: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per network: calls, requests per second, both bounds, and when its last call ended."""
    from publisher.networks import adapter_class

    rows = {}
    for network, n in sorted(seen["calls"].items()):
        rate = adapter_class(network).capabilities.requests_per_second
        rows[network] = {
            "calls": n,
            "requests_per_second": rate,
            "brief_bound_s": round(n / rate + n * LATENCY, 2),
            "strict_bound_s": round(n * max(1 / rate, LATENCY), 2),
            "last_call_s": round(seen["last_call_s"][network], 2),
        }
    return rows


def figures(wall: float, per_network: dict[str, dict[str, float]]) -> dict[str, object]:
    """The figures saved to results.json: bounds, ratios, and whether the goal is met."""
    brief = max(row["brief_bound_s"] for row in per_network.values())
    strict = max(row["strict_bound_s"] for row in per_network.values())
    sequential = sum(row["brief_bound_s"] for row in per_network.values())
    return {
        "wall_s": round(wall, 2),
        "bound_s": brief,
        "strict_bound_s": strict,
        "sequential_s": round(sequential, 2),
        "ratio_to_bound": round(wall / brief, 2),
        "ratio_to_strict_bound": round(wall / strict, 2),
        "ratio_to_sequential": round(wall / sequential, 2),
        "goal": f"wall <= {GOAL}x bound",
        "met": wall <= GOAL * brief,
        "networks": per_network,
    }


def print_table(result: dict[str, object]) -> None:
    """Calls per network, then figure, measured, goal, pass/fail."""
    print(
        f"\n{'network':<10} {'calls':>6} {'req/s':>6} {'bound s':>8} {'strict s':>9} {'done s':>7}"
    )
    networks: dict[str, dict[str, float]] = result["networks"]  # type: ignore[assignment]
    for name, row in networks.items():
        print(
            f"{name:<10} {row['calls']:>6} {row['requests_per_second']:>6} "
            f"{row['brief_bound_s']:>8} {row['strict_bound_s']:>9} {row['last_call_s']:>7}"
        )
    print(f"\nactions: {result['actions']} (exit code {result['exit_code']})")
    verdict = "pass" if result["met"] else "FAIL"
    print(f"\n{'figure':<34} {'measured':>9} {'goal':>9}  result")
    print(f"{'apply wall time':<34} {result['wall_s']:>8} s")
    print(f"{'bound (slowest network)':<34} {result['bound_s']:>8} s")
    print(f"{'wall / bound':<34} {result['ratio_to_bound']:>8}x {'<= 1.25x':>9}  {verdict}")
    print(f"{'wall / strict bound':<34} {result['ratio_to_strict_bound']:>8}x")
    print(f"{'wall / sequential bound':<34} {result['ratio_to_sequential']:>8}x")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200, help="number of posts (default 200)")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> None:
    posts = parse_args(argv).posts
    print(f"generating {posts} posts with photos…", flush=True)
    repo = make_repo(posts)
    print(f"running publisher apply (latency {LATENCY * 1000:g} ms per call)…", flush=True)
    wall, seen, code = run_apply(repo)
    if code != 0:
        print(f"apply exited with {code}; see {SCRATCH / 'apply.log'}", file=sys.stderr)
    result = {"posts": posts, "exit_code": code, "actions": outcomes(SCRATCH / "apply.log")}
    result |= figures(wall, bounds(seen))
    result["load_average"] = round(os.getloadavg()[0], 2)
    save("apply_throughput", result)
    print_table(result)
    print(f"\nresults in {RESULTS}; load average now {result['load_average']} on {os.cpu_count()}")


if __name__ == "__main__":
    main(sys.argv[1:])
