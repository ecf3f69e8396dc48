"""Wall time of ``publisher apply`` to all seven networks against their rate-limit bound.

A scratch Git repository under /tmp gets the project's ``publisher.yml``, ``accounts/*.md`` and
``design/`` and N posts (default 200) aimed at vk, ok, telegram, max, facebook, instagram and x.
Each post is a bundle with a short Russian text, a short numbered override for X (X refuses
duplicate texts), and one 1080x1080 JPEG
(Instagram takes no post without a photo, and one post goes to every network as it is).

``publisher --sandbox S apply`` then runs as a subprocess with
``PUBLISHER_SANDBOX_FAULTS=latency=100ms``. A small wrapper around the CLI counts the HTTP calls
each network's adapter sends (``ApiClient._send``: Facebook and Instagram share a host, so the
transport cannot tell them apart), notes when each network's last call ended, counts the
rate-limit answers adapters got (``RateLimited``: floods and spent budgets alike) and the requests
the sandbox refused for going over a rate limit (``Sandbox.refusals``: VK error 6, OK
FLOOD_BLOCKED, 429 ...; goal 0, the limiter keeps headroom), and prints progress every 10
seconds. The CLI's report gives, per network, the posts done and left over.

The model of the bound. Networks run in parallel; one network's calls go one after another,
each at least ``1/r`` after the previous (``r`` = ``requests_per_second``, the rate the adapter
declares from the reference) and each taking the latency ``L``, which the limiter overlaps with
the wait for the next slot. Budgets cap how many posts a network can take now:

- Instagram: the content publishing limit, 50 posts per rolling 24 h (reference §2 "Quota";
  the sandbox starts empty, so k = min(n, 50)); its BUC budget, 4800 calls per 24 h, is far
  from binding;
- X: ``POST /2/tweets`` 100 per user per 15-minute window (reference §3 "Errors & rate
  limits"), so k = min(n, 100) in a run shorter than the window;
- VK: about 50 posts a day per community, then error 214 (networks-ru.md, VK "Errors & rate
  limits" [uncertain]; the sandbox's ``posts_per_day``), so k = min(n, 50);
- the others: no budget a run of this size reaches (Telegram's 20 messages a minute to a
  channel is a rate, already in ``r``), so k = n.

A network that may publish k of n posts needs ``c = calls * k / done`` calls (its measured calls
per published post, scaled to what the budget allows, so a network that stopped early is not
rewarded), and no run can beat ``c * max(1/r, L)`` for it. The bound is the slowest network's;
the goal is wall <= 1.25x the bound, and every network must publish exactly its k (the rest left
for the next run, exit code 3). A plain sequential run does every network one after another and
waits for each call's slot and then its answer: ``sum(c * (1/r + L))``; the ratio of the wall
time to it is reported, as issue #10 asks.

    .venv/bin/python bench/apply_throughput.py             # 200 posts, about ten minutes
    .venv/bin/python bench/apply_throughput.py --posts 40  # shorter
    .venv/bin/python bench/apply_throughput.py --results /tmp/apply.json
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

from check_plan import GIT_ENV, RESULTS, ROOT, git_commit, post_body, post_title

PYTHON = sys.executable
SCRATCH = Path("/tmp/publisher-bench/apply")
NETWORKS = ("vk", "ok", "telegram", "max", "facebook", "instagram", "x")
LATENCY = 0.1
GOAL = 1.25
#: requests the sandbox refuses for going over a rate limit (VK error 6, OK FLOOD_BLOCKED, 429)
FLOOD_GOAL = 0
X_TEXTS = (
    "Подробности — на странице администрации.",
    "Вопросы задавайте в комментариях.",
    "Следите за новостями района.",
)

#: runs the CLI with every network's HTTP calls counted and timed where adapters send them,
#: the rate-limit answers adapters got, and the requests the sandbox refused as floods
WRAPPER = """
import json, sys, threading, time
from collections import Counter
from publisher.core.errors import RateLimited
from publisher.networks import base
from publisher.sandbox.app import Sandbox

out, argv = sys.argv[1], sys.argv[2:]
counts, last, limited, boxes = Counter(), {}, Counter(), []
lock, start = threading.Lock(), time.monotonic()
original = base.ApiClient._send
attempt = base.ApiClient._attempt
transport = Sandbox.transport

def keeping(self):
    boxes.append(self)
    return transport(self)

def noting(self, *args, **kwargs):
    try:
        return attempt(self, *args, **kwargs)
    except RateLimited:
        with lock:
            limited[self.network] += 1
        raise

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
base.ApiClient._attempt = noting
Sandbox.transport = keeping
threading.Thread(target=progress, daemon=True).start()
from publisher.cli import main
try:
    main(argv, prog_name="publisher")
finally:
    floods = Counter()
    for box in boxes:
        floods.update(box.refusals())
    seen = {"calls": dict(counts), "last_call_s": last, "floods": dict(floods)}
    with open(out, "w") as handle:
        json.dump({**seen, "rate_limited": dict(limited)}, handle)
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
    faults = f"latency={LATENCY * 1000:g}ms"
    env = {**os.environ, **GIT_ENV, "PUBLISHER_SANDBOX_FAULTS": faults, "PYTHONPATH": str(ROOT)}
    argv = ["--repo", str(repo), "--sandbox", str(SCRATCH / "sandbox"), "apply"]
    start = time.perf_counter()
    with log.open("w") as out:
        code = subprocess.run(
            [PYTHON, "-c", WRAPPER, str(counts_file), *argv], stdout=out, env=env
        ).returncode
    wall = time.perf_counter() - start
    return wall, json.loads(counts_file.read_text()), code


def outcomes(log: Path) -> dict[str, dict[str, int]]:
    """Per network, how many posts apply reported done (✓), failed (✗) and left over (–);
    profile actions (``accounts/…``) are not counted."""
    marks = {"✓": "done", "✗": "failed", "–": "skipped", "?": "uncertain"}
    counts: dict[str, dict[str, int]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        head, _sep, target = line.partition(": ")
        if line[:1] in marks and target and not target.startswith("accounts/"):
            network = head.split()[-1]
            row = counts.setdefault(network, dict.fromkeys(marks.values(), 0))
            row[marks[line[:1]]] += 1
    return counts


def budgets(posts: int) -> dict[str, int]:
    """How many of ``posts`` each network's budget lets one run publish (see the docstring)."""
    from publisher.sandbox.instagram import QUOTA_TOTAL
    from publisher.sandbox.vk import VkEmulator
    from publisher.sandbox.x import LIMITS

    allowed = dict.fromkeys(NETWORKS, posts)
    allowed["instagram"] = min(posts, QUOTA_TOTAL)
    allowed["x"] = min(posts, LIMITS["tweets_create"])
    allowed["vk"] = min(posts, VkEmulator.posts_per_day)
    return allowed


def bounds(
    seen: dict[str, dict[str, float]], done: dict[str, dict[str, int]], posts: int
) -> dict[str, dict[str, float]]:
    """Per network: calls, rate, posts allowed and done, bounds, when its last call ended."""
    from publisher.networks import adapter_class

    allowed = budgets(posts)
    rows = {}
    for network, n in sorted(seen["calls"].items()):
        rate = adapter_class(network).capabilities.requests_per_second
        published = done.get(network, {}).get("done", 0)
        needed = n * allowed[network] / published if published else n
        rows[network] = {
            "calls": n,
            "requests_per_second": round(rate, 3),
            "posts_allowed": allowed[network],
            "posts_done": published,
            "posts_left": done.get(network, {}).get("skipped", 0),
            "calls_needed": round(needed, 1),
            "bound_s": round(needed * max(1 / rate, LATENCY), 2),
            "sequential_s": round(needed * (1 / rate + LATENCY), 2),
            "last_call_s": round(seen["last_call_s"][network], 2),
            "flood_errors": seen["floods"].get(network, 0),
            "rate_limited_answers": seen["rate_limited"].get(network, 0),
        }
    return rows


def figures(wall: float, per_network: dict[str, dict[str, float]]) -> dict[str, object]:
    """The figures saved: the bound, the ratios, and whether each goal is met."""
    bound = max(row["bound_s"] for row in per_network.values())
    sequential = sum(row["sequential_s"] for row in per_network.values())
    budgets_met = all(row["posts_done"] == row["posts_allowed"] for row in per_network.values())
    floods = sum(int(row["flood_errors"]) for row in per_network.values())
    return {
        "wall_s": round(wall, 2),
        "bound_s": bound,
        "bound_network": max(per_network, key=lambda n: per_network[n]["bound_s"]),
        "sequential_s": round(sequential, 2),
        "ratio_to_bound": round(wall / bound, 2),
        "ratio_to_sequential": round(wall / sequential, 2),
        "goal": (
            f"wall <= {GOAL}x bound; every network publishes what its budget allows; "
            f"{FLOOD_GOAL} flood errors"
        ),
        "met": wall <= GOAL * bound and budgets_met and floods <= FLOOD_GOAL,
        "budgets_met": budgets_met,
        "flood_errors": floods,
        "flood_errors_goal": FLOOD_GOAL,
        "networks": per_network,
    }


def print_table(result: dict[str, object]) -> None:
    """Per network: calls, rate, posts allowed/done/left, bound, when done; then the figures
    against their goals."""
    print(
        f"\n{'network':<10} {'calls':>6} {'req/s':>6} {'allowed':>8} {'done':>5} {'left':>5} "
        f"{'bound s':>8} {'seq s':>8} {'done s':>7} {'floods':>6} {'limited':>7}"
    )
    networks: dict[str, dict[str, float]] = result["networks"]  # type: ignore[assignment]
    for name, row in networks.items():
        print(
            f"{name:<10} {row['calls']:>6} {row['requests_per_second']:>6} "
            f"{row['posts_allowed']:>8} {row['posts_done']:>5} {row['posts_left']:>5} "
            f"{row['bound_s']:>8} {row['sequential_s']:>8} {row['last_call_s']:>7} "
            f"{row['flood_errors']:>6} {row['rate_limited_answers']:>7}"
        )
    print(f"\nexit code {result['exit_code']} (3: posts left for the next run)")
    ratio_ok = result["ratio_to_bound"] <= GOAL  # type: ignore[operator]
    print(f"\n{'figure':<40} {'measured':>10} {'goal':>12}  result")
    print(f"{'apply wall time':<40} {result['wall_s']:>8} s")
    print(f"{'bound (' + str(result['bound_network']) + ')':<40} {result['bound_s']:>8} s")
    print(
        f"{'wall / bound':<40} {result['ratio_to_bound']:>9}x {'<= ' + str(GOAL) + 'x':>12}  "
        f"{'pass' if ratio_ok else 'FAIL'}"
    )
    budgets = "yes" if result["budgets_met"] else "no"
    print(
        f"{'every network publishes its budget':<40} {budgets:>10} {'yes':>12}  "
        f"{'pass' if result['budgets_met'] else 'FAIL'}"
    )
    floods_ok = result["flood_errors"] <= FLOOD_GOAL  # type: ignore[operator]
    print(
        f"{'flood errors (refused by the sandbox)':<40} {result['flood_errors']:>10} "
        f"{FLOOD_GOAL:>12}  {'pass' if floods_ok else 'FAIL'}"
    )
    print(f"{'sequential run (modelled)':<40} {result['sequential_s']:>8} s")
    print(f"{'wall / sequential':<40} {result['ratio_to_sequential']:>9}x {'reported':>12}")


def save(path: Path, key: str, value: object) -> None:
    """Store ``value`` under ``key`` in the results file ``path``, keeping the other keys."""
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing[key] = value
    path.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200, help="number of posts (default 200)")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help=f"JSON file the figures are stored in (default {RESULTS.relative_to(ROOT)})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> None:
    args = parse_args(argv)
    posts = args.posts
    print(f"generating {posts} posts with photos…", flush=True)
    repo = make_repo(posts)
    print(f"running publisher apply (latency {LATENCY * 1000:g} ms per call)…", flush=True)
    wall, seen, code = run_apply(repo)
    if code not in (0, 3):
        print(f"apply exited with {code}; see {SCRATCH / 'apply.log'}", file=sys.stderr)
    done = outcomes(SCRATCH / "apply.log")
    result: dict[str, object] = {"posts": posts, "exit_code": code}
    result |= figures(wall, bounds(seen, done, posts))
    result["load_average"] = round(os.getloadavg()[0], 2)
    save(args.results, "apply_throughput", result)
    print_table(result)
    print(f"\nresults in {args.results}; load average {result['load_average']} on {os.cpu_count()}")


if __name__ == "__main__":
    main(sys.argv[1:])
