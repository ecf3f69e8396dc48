"""Wall-clock time of ``publisher check`` and ``publisher plan`` on large repositories.

For each size a scratch Git repository of realistic Russian posts is generated under /tmp
(year/month folders, accounts ``vk`` and ``telegram``, every post for both). Each command runs
as a subprocess, as CI runs it:

- cold: the first run after deleting the cache (``.git/publisher-cache/``);
- warm: the best of three runs with the cache in place.

Both are measured twice: on the new repository, where nothing is published yet (a plan renders
every post), and after every post but the newest 1% is recorded as published, with the result
files apply writes (rendered by publisher's own code, committed), as a press service's
repository is (a plan shown renders only the new posts; it reads every result file).

The baseline is the least any tool must do: a fresh Python process that reads every post file
and parses its front matter with PyYAML's ``CSafeLoader`` (best of three). The ratios to it are
the figures; goals apply to 10k posts (check: warm ≤ 1x, cold ≤ 6x; plan: warm ≤ 2x; plan of
the published repository: cold ≤ 4.5x). The "pull request" figure edits 10 posts after a warm
run and times ``publisher check`` of just those paths (goal < 0.5 s).
The OS page cache is warm in every run (dropping it needs root), so "cold" means cold for
publisher's own cache only. Bytecode is compiled first (``compileall``), as an installed package
has it, so no run pays for compiling publisher's modules.

    .venv/bin/python bench/check_plan.py                     # 1k, 10k and 50k posts
    .venv/bin/python bench/check_plan.py --sizes 1000,10000  # shorter
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PUBLISHER = str(BIN / "publisher")
PYTHON = str(BIN / "python")
RESULTS = ROOT / "bench" / "results.json"
SCRATCH = Path("/tmp/publisher-bench")
NETWORKS = ("vk", "telegram")
#: the ratio to the baseline each figure must stay within at ``GOAL_SIZE`` posts
GOALS = {"check warm": 1.0, "check cold": 6.0, "plan warm": 2.0, "published plan cold": 4.5}
#: the share of posts not published yet in the second repository
NEW_SHARE = 0.01
#: (key prefix, label) of the repository before and after ``publish_all_but_newest``
STAGES = (("", ""), ("published ", f", {100 - NEW_SHARE * 100:.0f}% published"))
GOAL_PR_SECONDS = 0.5
GOAL_SIZE = 10_000
PR_FILES = 10
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}

TOPICS = (
    ("Ремонт дороги на улице {street}", ["дороги"]),
    ("Отключение воды на улице {street}", ["жкх"]),
    ("Новый маршрут автобуса до {dest}", ["транспорт"]),
    ("Субботник в {place}", ["благоустройство"]),
    ("Приём граждан в администрации", ["приём"]),
    ("Ярмарка выходного дня на {square}", ["торговля"]),
    ("Прививочная кампания в поликлинике", ["здоровье"]),
    ("Запись в первый класс", ["образование"]),
    ("Праздник в {place}", ["праздники"]),
    ("Штормовое предупреждение", ["безопасность"]),
)
STREETS = ("Ленина", "Победы", "Мира", "Красной", "Азовской", "Набережной", "Садовой", "Школьной")
PLACES = ("Центральном парке", "Доме культуры", "сквере у школы № 2", "парке Победы")
SQUARES = ("Театральной площади", "набережной", "рынке", "стадионе")
DESTINATIONS = ("станицы Ольгинской", "посёлка Ахтарского", "хутора Садки", "вокзала")
SENTENCES = (
    "С {day} по {day2} число работы пройдут на участке от улицы {street} до улицы Мира.",
    "Просим жителей заранее запастись водой и проверить краны перед отключением.",
    "Подрядчик обещает закончить укладку асфальта до конца месяца.",
    "Автобус будет ходить каждые {minutes} минут с шести утра до десяти вечера.",
    "Приходите в {place} к {hour}:00, инвентарь и перчатки выдадут на месте.",
    "Вопросы можно задать в комментариях: ответим в рабочее время.",
    "Подробный график опубликован на [сайте администрации](https://prahtarsk.ru/news).",
    "Глава района проведёт приём лично, записаться можно по телефону 8 (86143) 2-{num}.",
    "На ярмарке будут фермеры из соседних станиц: мёд, овощи, рыба и выпечка.",
    "**Важно:** возьмите с собой паспорт и полис ОМС.",
    "Заявления принимают в МФЦ и через портал госуслуг.",
    "Спасатели и медики будут дежурить весь день.",
    "Детей без взрослых на лёд не отпускайте.",
    "Если заметили прорыв трубы, звоните в диспетчерскую по номеру 05.",
    "Парковка на {square} на это время будет закрыта.",
    "Спасибо всем, кто пришёл в прошлый раз: вместе мы высадили {num} деревьев.",
    "Ветер усилится до {minutes} метров в секунду, не оставляйте машины под деревьями.",
    "Расписание может измениться, следите за новостями на странице.",
)
LIST_ITEMS = (
    "- возьмите с собой документы",
    "- приходите заранее, очередь движется быстро",
    "- уточните адрес по телефону",
    "- следите за объявлениями в группе",
)


def fill(template: str, rng: random.Random) -> str:
    """A template with its placeholders filled by random plausible values."""
    return template.format(
        street=rng.choice(STREETS),
        place=rng.choice(PLACES),
        square=rng.choice(SQUARES),
        dest=rng.choice(DESTINATIONS),
        day=rng.randint(1, 14),
        day2=rng.randint(15, 28),
        minutes=rng.choice((15, 20, 25, 30)),
        hour=rng.randint(8, 18),
        num=rng.randint(10, 99),
    )


def post_body(rng: random.Random, sentences: tuple[int, int] = (3, 8)) -> str:
    """A post text: a few sentences in one or two paragraphs, sometimes with a list."""
    chosen = [fill(s, rng) for s in rng.sample(SENTENCES, rng.randint(*sentences))]
    cut = rng.randint(1, len(chosen))
    paragraphs = [" ".join(chosen[:cut])]
    if rng.random() < 0.3:
        items = ";\n".join(rng.sample(LIST_ITEMS, 3))
        paragraphs.append(f"Что важно знать:\n\n{items}.")
    if chosen[cut:]:
        paragraphs.append(" ".join(chosen[cut:]))
    return "\n\n".join(paragraphs) + "\n"


def post_title(rng: random.Random) -> tuple[str, list[str]]:
    """A post title and its tags."""
    title, tags = rng.choice(TOPICS)
    return fill(title, rng), tags


def front_matter(fields: dict[str, object]) -> str:
    """YAML front matter in the style people write it (flow lists, no quoting)."""
    lines = ["---"]
    for key, value in fields.items():
        rendered = f"[{', '.join(map(str, value))}]" if isinstance(value, list) else value
        lines.append(f"{key}: {rendered}")
    return "\n".join([*lines, "---", ""])


def write_post(repo: Path, index: int, rng: random.Random) -> Path:
    """Write post number ``index`` into its year/month folder; return its path."""
    year, month = 2019 + index % 8, 1 + (index // 8) % 12
    title, tags = post_title(rng)
    fields: dict[str, object] = {"title": title, "networks": list(NETWORKS)}
    fields |= {"status": "ready", "tags": tags}
    path = repo / "content" / str(year) / f"{month:02d}" / f"post-{index:05d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter(fields) + "\n" + post_body(rng), encoding="utf-8")
    return path


def copy_account(network: str, target: Path) -> None:
    """Copy ``accounts/<network>.md`` without its avatar and cover lines."""
    text = (ROOT / "accounts" / f"{network}.md").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not re.match(r"(avatar|cover):", line)]
    (target / f"{network}.md").write_text("\n".join(kept) + "\n", encoding="utf-8")


def write_config(repo: Path, networks: Sequence[str]) -> None:
    """The project's ``publisher.yml`` with ``default_networks`` set to ``networks``."""
    text = (ROOT / "publisher.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^default_networks:.*$", f"default_networks: [{', '.join(networks)}]", text)
    (repo / "publisher.yml").write_text(text, encoding="utf-8")


def git_commit(repo: Path, message: str) -> None:
    """``git init`` (if needed), add everything and commit, quietly."""
    env = {**os.environ, **GIT_ENV}
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], check=True, env=env)


def publish_all_but_newest(repo: Path, share: float) -> int:
    """Record every post but the newest ``share`` as published, as ``publisher apply`` does
    (the renderings are publisher's, in this process), and commit; return how many posts."""
    sys.path.insert(0, str(ROOT))
    from publisher.content.render import rendered_media_hash
    from publisher.core.model import ActionKind, ResultEntry
    from publisher.engine.workspace import open_workspace
    from publisher.state.result_files import ResultFiles

    workspace = open_workspace(repo)
    _result, plan = workspace.checked_plan(workspace.load())
    creates = [a for a in plan.actions if a.kind is ActionKind.CREATE and a.rendered]
    paths = sorted({a.post_path for a in creates})
    published = set(paths[: len(paths) - int(len(paths) * share)])
    result_files, now = ResultFiles(repo), "2026-01-01T09:00:00+00:00"
    for number, action in enumerate(a for a in creates if a.post_path in published):
        assert action.rendered is not None
        entry = ResultEntry(
            network=action.network,
            state="published",
            account=action.account,
            remote_id=str(number),
            url=f"https://example.org/{action.network}/{number}",
            content_hash=action.rendered.content_hash,
            media_hash=rendered_media_hash(action.rendered),
            source_hash=action.rendered.source_hash,
            at=now,
            published_at=now,
            operation="create",
        )
        result_files.record(action.result_file_path, action.post_id, entry)
    drop_cache(repo)
    git_commit(repo, f"publisher: {len(published)} published")
    return len(published)


def make_repo(size: int) -> Path:
    """A fresh repository of ``size`` posts under /tmp; return its path."""
    repo = SCRATCH / f"posts-{size}"
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "accounts").mkdir(parents=True)
    for network in NETWORKS:
        copy_account(network, repo / "accounts")
    write_config(repo, NETWORKS)
    rng = random.Random(size)
    for index in range(size):
        write_post(repo, index, rng)
    git_commit(repo, f"{size} posts")
    return repo


BASELINE = """
import sys, pathlib, yaml
n = 0
for path in sorted(pathlib.Path(sys.argv[1], "content").rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    _, head, _ = text.split("---\\n", 2)
    n += len(yaml.load(head, Loader=yaml.CSafeLoader))
"""


def timed(command: Sequence[str], cwd: Path | None = None) -> float:
    """Wall-clock seconds of one subprocess; its output is discarded, its exit code ignored."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def best_of(runs: int, measure: Callable[[], float]) -> float:
    """The smallest of ``runs`` measurements."""
    return min(measure() for _ in range(runs))


def drop_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "publisher-cache", ignore_errors=True)


def measure_command(repo: Path, command: str) -> dict[str, float]:
    """Cold (no cache) and warm (best of 3) seconds of ``publisher --repo R <command>``."""
    argv = [PUBLISHER, "--repo", str(repo), command]
    drop_cache(repo)
    cold = timed(argv)
    warm = best_of(3, lambda: timed(argv))
    return {"cold_s": cold, "warm_s": warm}


def edit_posts(repo: Path, count: int, rng: random.Random) -> list[str]:
    """Append a sentence to ``count`` random posts; return their repository paths."""
    posts = sorted((repo / "content").rglob("*.md"))
    chosen = rng.sample(posts, count)
    for path in chosen:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n" + fill(rng.choice(SENTENCES), rng) + "\n")
    return [p.relative_to(repo).as_posix() for p in chosen]


def measure_pull_request(repo: Path) -> dict[str, float]:
    """``check`` of 10 edited paths: first run after the edit (warm cache) and with no cache."""
    paths = edit_posts(repo, PR_FILES, random.Random(7))
    argv = [PUBLISHER, "--repo", str(repo), "check", *paths]
    after_edit = timed(argv, cwd=repo)
    drop_cache(repo)
    no_cache = timed(argv, cwd=repo)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "--", "."], check=True)
    return {"pr_check_s": after_edit, "pr_check_no_cache_s": no_cache}


def measure_size(size: int, with_pr: bool) -> dict[str, float]:
    """Every figure for one repository size."""
    print(f"[{size}] generating repository…", flush=True)
    start = time.perf_counter()
    repo = make_repo(size)
    print(f"[{size}] generated in {time.perf_counter() - start:.1f} s; measuring", flush=True)
    figures = {"baseline_s": best_of(3, lambda: timed([PYTHON, "-c", BASELINE, str(repo)]))}
    figures |= measure_commands(repo, size, "")
    if with_pr:
        measure_command(repo, "check")  # leave a warm cache behind, as a previous CI run would
        figures |= measure_pull_request(repo)
    start = time.perf_counter()
    published = publish_all_but_newest(repo, NEW_SHARE)
    print(f"[{size}] {published} published in {time.perf_counter() - start:.1f} s", flush=True)
    figures |= measure_commands(repo, size, "published ")
    return {key: round(value, 3) for key, value in figures.items()}


def measure_commands(repo: Path, size: int, stage: str) -> dict[str, float]:
    """``check`` and ``plan``, cold and warm, under keys such as ``published plan_cold_s``."""
    figures: dict[str, float] = {}
    for command in ("check", "plan"):
        for key, value in measure_command(repo, command).items():
            figures[f"{stage}{command}_{key}"] = value
        warm = figures[f"{stage}{command}_warm_s"]
        print(f"[{size}] {stage}{command}: {warm:.2f} s warm", flush=True)
    return figures


def figures_for(size: int, raw: dict[str, float]) -> list[dict[str, object]]:
    """Rows of the report for one size: ratios to the baseline, with goals at 10k."""
    rows: list[dict[str, object]] = [
        {"figure": f"{size} posts: baseline read+parse", "measured": raw["baseline_s"]}
    ]
    for stage, label in STAGES:
        for command in ("check", "plan"):
            for kind in ("warm", "cold"):
                seconds = raw[f"{stage}{command}_{kind}_s"]
                ratio = round(seconds / raw["baseline_s"], 2)
                row: dict[str, object] = {
                    "figure": f"{size} posts{label}: {command} {kind} / baseline",
                    "measured": ratio,
                    "seconds": seconds,
                }
                goal = GOALS.get(f"{stage}{command} {kind}")
                if size == GOAL_SIZE and goal is not None:
                    row |= {"goal": f"<= {goal}x", "met": ratio <= goal}
                rows.append(row)
    if "pr_check_s" in raw:
        rows.append(
            {
                "figure": f"{size} posts: check of {PR_FILES} edited files",
                "measured": raw["pr_check_s"],
                "goal": f"< {GOAL_PR_SECONDS} s",
                "met": raw["pr_check_s"] < GOAL_PR_SECONDS,
            }
        )
        rows.append(
            {"figure": f"{size} posts: same, no cache", "measured": raw["pr_check_no_cache_s"]}
        )
    return rows


def print_table(rows: Sequence[dict[str, object]]) -> None:
    """Figure, measured (with seconds for ratios), goal, pass/fail: one line each."""
    print(f"\n{'figure':<50} {'measured':>18} {'goal':>9}  result")
    for row in rows:
        verdict = "" if "met" not in row else ("pass" if row["met"] else "FAIL")
        if "seconds" in row:
            measured = f"{row['measured']}x ({row['seconds']} s)"
        else:
            measured = f"{row['measured']} s"
        print(f"{row['figure']:<50} {measured:>18} {row.get('goal', ''):>9}  {verdict}")


def save(key: str, value: object) -> None:
    """Store ``value`` under ``key`` in bench/results.json, keeping the other keys."""
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[key] = value
    RESULTS.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,50000",
        help="comma-separated numbers of posts (default: 1000,10000,50000)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> None:
    sizes = [int(s) for s in parse_args(argv).sizes.split(",")]
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "publisher")], check=True)
    results: dict[str, object] = {"load_average": os.getloadavg()[0], "cpus": os.cpu_count()}
    rows: list[dict[str, object]] = []
    for size in sizes:
        raw = measure_size(size, with_pr=size == GOAL_SIZE)
        results[str(size)] = {"seconds": raw, "figures": figures_for(size, raw)}
        rows += figures_for(size, raw)
    save("check_plan", results)
    print_table(rows)
    print(f"\nload average at start: {results['load_average']:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main(sys.argv[1:])
