"""Wall time of ``publisher apply`` to all seven networks against their rate-limit bound.

A scratch Git repository under /tmp gets the project's ``publisher.yml``, ``design/``, accounts
and N posts (default 200). Each post is a bundle with a short Russian text, a short numbered
override for X (X refuses duplicate texts), and one 1080x1080 JPEG (Instagram takes no post
without a photo, and one post goes to every network as it is). Two scenarios:

- one account a network (the default; key ``apply_throughput`` in the results): the project's
  account of each network (its default one where the example repository has several), every
  post to all seven;
- ``--accounts`` (key ``apply_throughput_accounts``), issue #16's figure: three VK communities,
  ``district-vk`` (the default), ``settlements/a-vk`` and ``settlements/b-vk``, all run with one
  administrator's user token ``VK_USER_TOKEN``; two Telegram channels of one bot,
  ``telegram`` (the default) and ``head-tg``; one account on each other network. Every post
  goes to the default accounts of all seven networks (``networks:``); every second one also to
  the head's channel (``accounts: [head-tg]``), every third also to both settlements (the
  ``settlements`` group of ``publisher.yml``).

``publisher --sandbox S apply`` then runs as a subprocess with
``PUBLISHER_SANDBOX_FAULTS=latency=100ms``. A small wrapper around the CLI counts, per account,
the HTTP calls its adapter sends (``ApiClient._send``), when its last call ended, the
rate-limit answers it got (``RateLimited``: floods and spent budgets alike) and how its posts
ended (done, left for the next run, failed); per network, the requests the sandbox refused for
going over a rate limit (``Sandbox.refusals``: VK error 6, OK FLOOD_BLOCKED, 429 ...; goal 0,
the limiter keeps headroom). It prints progress every 10 seconds.

The model of the bound. Accounts run in parallel. The calls a network counts against one limit
form a lane: they go one after another, each at least ``1/r`` after the previous and each
taking the latency ``L``, which the limiter overlaps with the wait for the next slot. The lanes
(references: ``shared/reference/networks-ru.md`` and ``networks-meta-x.md``):

- VK: one lane per user token, whichever community it posts to: ≤3 requests a second per user
  token [verified: V3, V6] (VK "Errors & rate limits"). The three communities share it;
- Telegram: one lane per channel, 20 messages a minute per chat [verified: T3, T4; channels:
  uncertain], and one per bot over all its chats, ≈30 messages a second [verified: T3
  FloodLimit, T4 FAQ quote]: the two channels are paced apart, within the bot;
- the others: one lane per account (each has its own token), at the rate its adapter declares
  from the reference (``requests_per_second``: OK 3 [uncertain], Max 10 [verified: M1 allows
  30], Facebook 5, Instagram 2, X 1 a second).

Budgets cap how many of the posts aimed at an account it can take now:

- VK: about 50 posts a day per community, then error 214 [uncertain: 2017 news, V6] (the
  sandbox's ``posts_per_day``): k = min(n, 50) per community, 150 for three;
- Instagram: the content publishing limit, 50 posts per rolling 24 h per account [verified: S5
  reference, S6] (the sandbox starts empty, so k = min(n, 50)); its BUC budget, 4800 calls per
  24 h, is far from binding;
- X: ``POST /2/tweets`` 100 per user per 15-minute window [verified: S8 rate-limits], so
  k = min(n, 100) in a run shorter than the window;
- the others: no budget a run of this size reaches (Telegram's 20 a minute is a rate, already
  in ``r``), so k = n.

An account that may publish k of its n posts needs ``c = calls * k / done`` calls (its measured
calls per published post, scaled to what the budget allows, so an account that stopped early
is not rewarded); a lane needs the sum of its accounts' ``c``, and no run can beat
``c * max(1/r, L)`` for it. The bound is the slowest lane's; the goal is wall <= 1.25x the
bound, and every account must publish exactly its k (the rest left for the next run, exit
code 3). A plain sequential run does every account one after another and waits for each call's
slot and then its answer: ``sum(c * (1/r + L))``; the ratio of the wall time to it is reported,
as issue #10 asks.

    .venv/bin/python bench/apply_throughput.py             # 200 posts, about ten minutes
    .venv/bin/python bench/apply_throughput.py --accounts  # several accounts a network
    .venv/bin/python bench/apply_throughput.py --posts 40  # shorter
    .venv/bin/python bench/apply_throughput.py --results /tmp/apply.json
"""

from __future__ import annotations

import argparse
import colorsys
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from check_plan import GIT_ENV, RESULTS, ROOT, git_commit, post_body, post_title

PYTHON = sys.executable
SCRATCH = Path("/tmp/publisher-bench/apply")
NETWORKS = ("vk", "ok", "telegram", "max", "facebook", "instagram", "x")
LATENCY = 0.1
GOAL = 1.25
#: requests the sandbox refuses for going over a rate limit (VK error 6, OK FLOOD_BLOCKED, 429)
FLOOD_GOAL = 0
#: a Telegram bot's messages a second over all its chats [verified: T3 FloodLimit, T4]
BOT_PER_SECOND = 30.0
X_TEXTS = (
    "Подробности — на странице администрации.",
    "Вопросы задавайте в комментариях.",
    "Следите за новостями района.",
)
SETTLEMENT = """---
network: vk
# Сообщество сельского поселения; ключ того же администратора, что у сообщества района
id: "{id}"
title: {title}
token_env: VK_USER_TOKEN
avatar: design/avatar.png
---

Новости поселения: дороги, вода, праздники, приём главы поселения.
"""
HEAD = """---
network: telegram
# Канал главы района; тот же бот, что у канала администрации
id: "@prahtarsk_glava"
title: Глава Приморско-Ахтарского района
token_env: TELEGRAM_BOT_TOKEN
avatar: design/avatar.png
---

Канал главы Приморско-Ахтарского района.
"""
#: the ``--accounts`` scenario's accounts beside the default ones: file, text
EXTRA_ACCOUNTS = {
    "settlements/a-vk.md": SETTLEMENT.format(id="217005001", title="Ахтарское поселение"),
    "settlements/b-vk.md": SETTLEMENT.format(id="217005002", title="Бриньковское поселение"),
    "head-tg.md": HEAD,
}
GROUPS = {"settlements": ["a-vk", "b-vk"]}
#: beside its networks' default accounts, every second post goes to the head's channel and
#: every third to the settlements' group
EVERY = {"head-tg": 2, "settlements": 3}

#: runs the CLI with every account's HTTP calls counted and timed where adapters send them,
#: the rate-limit answers adapters got, how each account's posts ended, and the requests the
#: sandbox refused as floods
WRAPPER = """
import json, sys, threading, time
from collections import Counter
from publisher.core.errors import RateLimited
from publisher.engine.apply import Applier
from publisher.networks import base
from publisher.sandbox.app import Sandbox

out, argv = sys.argv[1], sys.argv[2:]
counts, last, limited, boxes, posts = Counter(), {}, Counter(), [], {}
lock, start = threading.Lock(), time.monotonic()
send, attempt, init = base.ApiClient._send, base.ApiClient._attempt, base.Adapter.__init__
transport, run = Sandbox.transport, Applier.run

def keeping(self):
    boxes.append(self)
    return transport(self)

def naming(self, account, *args, **kwargs):
    init(self, account, *args, **kwargs)
    self.api.account = account.name

def noting(self, *args, **kwargs):
    try:
        return attempt(self, *args, **kwargs)
    except RateLimited:
        with lock:
            limited[getattr(self, "account", self.network)] += 1
        raise

def counting(self, *args, **kwargs):
    try:
        return send(self, *args, **kwargs)
    finally:
        now = time.monotonic() - start
        with lock:
            counts[getattr(self, "account", self.network)] += 1
            last[getattr(self, "account", self.network)] = now

def tallying(self, plan):
    report = run(self, plan)
    for result in report.results:
        if result.action.profile is None:
            row = posts.setdefault(result.action.account_key, Counter())
            row[str(result.outcome)] += 1
    return report

def progress():
    while True:
        time.sleep(10)
        done = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"  [{time.monotonic() - start:4.0f} s] calls so far: {done}", file=sys.stderr)

base.ApiClient._send = counting
base.ApiClient._attempt = noting
base.Adapter.__init__ = naming
Sandbox.transport = keeping
Applier.run = tallying
threading.Thread(target=progress, daemon=True).start()
from publisher.cli import main
try:
    main(argv, prog_name="publisher")
finally:
    floods = Counter()
    for box in boxes:
        floods.update(box.refusals())
    seen = {"calls": dict(counts), "last_call_s": last, "floods": dict(floods), "posts": posts}
    with open(out, "w") as handle:
        json.dump({**seen, "rate_limited": dict(limited)}, handle)
"""


@dataclass(frozen=True)
class Target:
    """One account of the scratch repository and the posts aimed at it."""

    name: str
    network: str
    token_env: str
    #: how many of the posts go to it
    aimed: int


def write_photo(path: Path, index: int) -> None:
    """A 1080x1080 JPEG of about 25 KB: a coloured sky, a sun, green ground."""
    from PIL import Image, ImageDraw

    sky = tuple(int(255 * c) for c in colorsys.hsv_to_rgb((index * 0.137) % 1, 0.6, 0.9))
    image = Image.new("RGB", (1080, 1080), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 760, 1080, 1080), fill=(40, 90, 40))
    draw.ellipse((380, 180, 700, 500), fill=(255, 220, 120), outline=(0, 0, 0), width=6)
    image.save(path, "JPEG", quality=70, optimize=True)


def extra_accounts(index: int) -> list[str]:
    """What post ``index`` names under ``accounts:`` in the ``--accounts`` scenario."""
    return [name for name, every in EVERY.items() if index % every == 0]


def post_text(index: int, rng: random.Random, accounts: Sequence[str]) -> str:
    """A post bundle's ``index.md``: every network, ``accounts``, one photo, a short text for
    X."""
    title, tags = post_title(rng)
    head = [
        "---",
        f"title: {title}",
        f"networks: [{', '.join(NETWORKS)}]",
        *([f"accounts: [{', '.join(accounts)}]"] if accounts else []),
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


def write_post(repo: Path, index: int, rng: random.Random, accounts: Sequence[str]) -> None:
    folder = repo / "content" / "2026" / f"{1 + index % 12:02d}" / f"post-{index:04d}"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(post_text(index, rng, accounts), encoding="utf-8")
    write_photo(folder / "photo.jpg", index)


def front(path: Path) -> dict[str, object]:
    """An account file's front matter."""
    found = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    return found if isinstance(found, dict) else {}


def write_accounts(repo: Path, many: bool) -> None:
    """The project's account of each network (its default one where it has several); with
    ``many``, its VK account as ``district-vk`` and ``EXTRA_ACCOUNTS`` beside them."""
    folder = repo / "accounts"
    folder.mkdir()
    project = sorted((ROOT / "accounts").rglob("*.md"))
    networks = [front(path).get("network") for path in project]
    for path, network in zip(project, networks, strict=True):
        if front(path).get("default") or networks.count(network) == 1:
            name = "district-vk.md" if many and network == "vk" else path.name
            shutil.copy(path, folder / name)
    for name, text in EXTRA_ACCOUNTS.items() if many else ():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def write_config(repo: Path, many: bool) -> None:
    """The project's ``publisher.yml`` with this scenario's groups."""
    config = yaml.safe_load((ROOT / "publisher.yml").read_text(encoding="utf-8"))
    config["groups"] = GROUPS if many else {}
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (repo / "publisher.yml").write_text(text, encoding="utf-8")


def make_repo(posts: int, many: bool) -> Path:
    """A fresh repository with the settings, accounts and design and ``posts`` posts."""
    repo = SCRATCH / "repo"
    shutil.rmtree(SCRATCH, ignore_errors=True)
    repo.mkdir(parents=True)
    write_config(repo, many)
    write_accounts(repo, many)
    shutil.copytree(ROOT / "design", repo / "design", ignore=shutil.ignore_patterns("generated"))
    rng = random.Random(posts)
    for index in range(posts):
        write_post(repo, index, rng, extra_accounts(index) if many else [])
    git_commit(repo, f"{posts} posts for every network")
    return repo


def targets(repo: Path, posts: int, many: bool) -> dict[str, Target]:
    """The repository's accounts by name, with the posts aimed at each."""
    group = {member: name for name, members in GROUPS.items() for member in members}
    found = {}
    for path in sorted((repo / "accounts").rglob("*.md")):
        fields, name = front(path), path.stem
        every = EVERY.get(group.get(name, name), 1) if many else 1
        network, token = str(fields["network"]), str(fields["token_env"])
        found[name] = Target(name, network, token, math.ceil(posts / every))
    order = sorted(found.values(), key=lambda t: (NETWORKS.index(t.network), t.name))
    return {target.name: target for target in order}


@dataclass(frozen=True)
class Seen:
    """What the wrapper saw, by account (floods: by network, as the sandbox counts them)."""

    calls: dict[str, int]
    last_call_s: dict[str, float]
    rate_limited: dict[str, int]
    #: outcome (done, skipped, failed, uncertain) -> how many posts
    posts: dict[str, dict[str, int]]
    floods: dict[str, int]


def run_apply(repo: Path) -> tuple[float, Seen, int]:
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
    return wall, Seen(**json.loads(counts_file.read_text())), code


def budget(target: Target) -> int:
    """How many of the posts aimed at ``target`` its budget lets one run publish."""
    from publisher.sandbox.instagram import QUOTA_TOTAL
    from publisher.sandbox.vk import VkEmulator
    from publisher.sandbox.x import LIMITS

    caps = {"instagram": QUOTA_TOTAL, "x": LIMITS["tweets_create"], "vk": VkEmulator.posts_per_day}
    return min(target.aimed, caps.get(target.network, target.aimed))


def lanes_of(target: Target) -> list[str]:
    """The lanes ``target``'s calls count against (see the docstring)."""
    if target.network == "vk":
        return [f"vk {target.token_env}"]
    if target.network == "telegram":
        return [f"telegram {target.name}", f"telegram bot {target.token_env}"]
    return [f"{target.network} {target.name}"]


def rate_of(lane: str) -> float:
    """A lane's requests a second: its adapter's declared rate, or the bot's."""
    from publisher.networks import adapter_class

    if lane.startswith("telegram bot "):
        return BOT_PER_SECOND
    return float(adapter_class(lane.split()[0]).capabilities.requests_per_second)


@dataclass(frozen=True)
class AccountRow:
    """What one account did: its calls, its posts against its budget, when it was done."""

    network: str
    lanes: list[str]
    calls: int
    posts_aimed: int
    posts_allowed: int
    posts_done: int
    posts_left: int
    posts_failed: int
    #: its calls scaled to what the budget allows (see the docstring)
    calls_needed: float
    last_call_s: float
    rate_limited_answers: int


@dataclass(frozen=True)
class LaneRow:
    """The calls a network counts against one limit, and the least time they take."""

    accounts: list[str]
    requests_per_second: float
    calls_needed: float
    bound_s: float
    sequential_s: float
    last_call_s: float


def per_account(seen: Seen, accounts: dict[str, Target]) -> dict[str, AccountRow]:
    rows = {}
    for name, target in accounts.items():
        calls, outcome = seen.calls.get(name, 0), seen.posts.get(name, {})
        published, allowed = outcome.get("done", 0), budget(target)
        rows[name] = AccountRow(
            network=target.network,
            lanes=lanes_of(target),
            calls=calls,
            posts_aimed=target.aimed,
            posts_allowed=allowed,
            posts_done=published,
            posts_left=outcome.get("skipped", 0),
            posts_failed=outcome.get("failed", 0) + outcome.get("uncertain", 0),
            calls_needed=round(calls * allowed / published if published else calls, 1),
            last_call_s=round(seen.last_call_s.get(name, 0.0), 2),
            rate_limited_answers=seen.rate_limited.get(name, 0),
        )
    return rows


def per_lane(accounts: dict[str, AccountRow]) -> dict[str, LaneRow]:
    members: dict[str, list[str]] = {}
    for name, row in accounts.items():
        for lane in row.lanes:
            members.setdefault(lane, []).append(name)
    rows = {}
    for lane, names in sorted(members.items()):
        rate = rate_of(lane)
        needed = sum(accounts[name].calls_needed for name in names)
        rows[lane] = LaneRow(
            accounts=names,
            requests_per_second=round(rate, 3),
            calls_needed=round(needed, 1),
            bound_s=round(needed * max(1 / rate, LATENCY), 2),
            sequential_s=round(needed * (1 / rate + LATENCY), 2),
            last_call_s=max(accounts[name].last_call_s for name in names),
        )
    return rows


def figures(wall: float, accounts: dict[str, AccountRow], floods: dict[str, int]) -> Figures:
    """The bound, the ratios, and whether each goal is met."""
    lanes = per_lane(accounts)
    slowest = max(lanes, key=lambda lane: lanes[lane].bound_s)
    bound = lanes[slowest].bound_s
    # a plain run sends every account's calls one after another, at its first lane's rate
    sequential = sum(
        row.calls_needed * (1 / rate_of(row.lanes[0]) + LATENCY) for row in accounts.values()
    )
    budgets_met = all(row.posts_done == row.posts_allowed for row in accounts.values())
    flood_errors = sum(floods.values())
    return Figures(
        wall_s=round(wall, 2),
        bound_s=bound,
        bound_lane=slowest,
        sequential_s=round(sequential, 2),
        ratio_to_bound=round(wall / bound, 2),
        ratio_to_sequential=round(wall / sequential, 2),
        goal=(
            f"wall <= {GOAL}x bound; every account publishes what its budget allows; "
            f"{FLOOD_GOAL} flood errors"
        ),
        met=wall <= GOAL * bound and budgets_met and flood_errors <= FLOOD_GOAL,
        budgets_met=budgets_met,
        flood_errors=flood_errors,
        flood_errors_goal=FLOOD_GOAL,
        flood_errors_by_network=floods,
        accounts=accounts,
        lanes=lanes,
    )


@dataclass(frozen=True)
class Figures:
    """What one run measured, as ``bench/results.json`` keeps it."""

    wall_s: float
    bound_s: float
    bound_lane: str
    sequential_s: float
    ratio_to_bound: float
    ratio_to_sequential: float
    goal: str
    met: bool
    budgets_met: bool
    flood_errors: int
    flood_errors_goal: int
    flood_errors_by_network: dict[str, int]
    accounts: dict[str, AccountRow]
    lanes: dict[str, LaneRow]


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def print_table(result: Figures, code: int) -> None:
    """Per account and per lane, then the figures against their goals."""
    print(
        f"\n{'account':<12} {'network':<10} {'calls':>6} {'aimed':>6} {'budget':>6} "
        f"{'done':>5} {'left':>5} {'failed':>6} {'done s':>7} {'limited':>7}"
    )
    for name, row in result.accounts.items():
        print(
            f"{name:<12} {row.network:<10} {row.calls:>6} {row.posts_aimed:>6} "
            f"{row.posts_allowed:>6} {row.posts_done:>5} {row.posts_left:>5} "
            f"{row.posts_failed:>6} {row.last_call_s:>7} {row.rate_limited_answers:>7}"
        )
    print(f"\n{'lane':<34} {'req/s':>6} {'calls':>7} {'bound s':>8} {'seq s':>8} {'done s':>7}")
    for lane, lane_row in result.lanes.items():
        print(
            f"{lane:<34} {lane_row.requests_per_second:>6} {lane_row.calls_needed:>7} "
            f"{lane_row.bound_s:>8} {lane_row.sequential_s:>8} {lane_row.last_call_s:>7}"
        )
    print(f"\nexit code {code} (3: posts left for the next run)")
    print(f"\n{'figure':<40} {'measured':>10} {'goal':>12}  result")
    print(f"{'apply wall time':<40} {result.wall_s:>8} s")
    print(f"{'bound (' + result.bound_lane + ')':<40} {result.bound_s:>8} s")
    print(
        f"{'wall / bound':<40} {result.ratio_to_bound:>9}x {'<= ' + str(GOAL) + 'x':>12}  "
        f"{verdict(result.ratio_to_bound <= GOAL)}"
    )
    met = result.budgets_met
    print(
        f"{'every account publishes its budget':<40} {'yes' if met else 'no':>10} {'yes':>12}  "
        f"{verdict(met)}"
    )
    floods = result.flood_errors
    print(
        f"{'flood errors (refused by the sandbox)':<40} {floods:>10} {FLOOD_GOAL:>12}  "
        f"{verdict(floods <= FLOOD_GOAL)}"
    )
    print(f"{'sequential run (modelled)':<40} {result.sequential_s:>8} s")
    print(f"{'wall / sequential':<40} {result.ratio_to_sequential:>9}x {'reported':>12}")


def save(path: Path, key: str, value: object) -> None:
    """Store ``value`` under ``key`` in the results file ``path``, keeping the other keys."""
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing[key] = value
    path.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200, help="number of posts (default 200)")
    parser.add_argument(
        "--accounts",
        action="store_true",
        help="three VK communities, two Telegram channels, one account on each other network",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help=f"JSON file the figures are stored in (default {RESULTS.relative_to(ROOT)})",
    )
    return parser.parse_args(argv)


def load() -> float:
    """The one-minute load average."""
    return round(os.getloadavg()[0], 2)


def main(argv: Sequence[str]) -> None:
    args = parse_args(argv)
    posts, many = args.posts, args.accounts
    print(f"generating {posts} posts with photos…", flush=True)
    repo = make_repo(posts, many)
    accounts = targets(repo, posts, many)
    print(f"accounts: {', '.join(accounts)}", flush=True)
    print(f"running publisher apply (latency {LATENCY * 1000:g} ms per call)…", flush=True)
    load_before = load()
    wall, seen, code = run_apply(repo)
    if code not in (0, 3):
        print(f"apply exited with {code}; see {SCRATCH / 'apply.log'}", file=sys.stderr)
    result = figures(wall, per_account(seen, accounts), seen.floods)
    loads = {"before": load_before, "after": load()}
    saved = {"posts": posts, "exit_code": code, **asdict(result), "load_average": loads}
    save(args.results, "apply_throughput_accounts" if many else "apply_throughput", saved)
    print_table(result, code)
    print(f"\nresults in {args.results}; load average {loads} on {os.cpu_count()} cpus")


if __name__ == "__main__":
    main(sys.argv[1:])
