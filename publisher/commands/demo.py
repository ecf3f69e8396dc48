"""``publisher demo``: the whole flow on a scratch copy of the example content and a new sandbox."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import git

from publisher.commands.accounts import audit, cover
from publisher.commands.apply import ApplyPrinter, contest_lines
from publisher.commands.contest import verification_text
from publisher.commands.exits import published_exit
from publisher.commands.inbox import collect
from publisher.commands.moderate import sweep
from publisher.commands.session import declare_accounts, open_sandbox
from publisher.commands.stats import collect as collect_stats
from publisher.content.check import CheckResult
from publisher.core.capabilities import network_title
from publisher.core.clock import Clock
from publisher.core.config import CONFIG_FILE, load_config
from publisher.core.i18n import _
from publisher.core.model import Plan
from publisher.core.names import AccountNames
from publisher.engine.contest_verify import verify_contest
from publisher.engine.contests import ContestReport
from publisher.engine.live import LiveReport
from publisher.engine.publish import Progress, publish
from publisher.engine.results_request import ResultsRequest
from publisher.engine.workspace import Workspace, open_workspace
from publisher.inbox.departments import load_departments
from publisher.inbox.items import OPEN_SOURCE, read_items
from publisher.moderation.report import sweep_text
from publisher.moderation.review import read_reviews
from publisher.reports import plan_report as report
from publisher.reports.site import build_site
from publisher.sandbox.app import Sandbox
from publisher.state.live_files import live_file_path, read_live_file
from publisher.state.result_files import ResultFiles

EXAMPLE_PARTS = ("content", "accounts", "design", CONFIG_FILE, "monitoring.yml", "departments.yml")


def run_demo(
    source: Path, out: Path | None, echo: Callable[[str], None], clock: Clock | None
) -> int:
    """Copy the examples, then check, plan and apply them against a fresh sandbox, and build
    the site into ``site/`` beside them; the exit code of that ``apply``."""
    work = out or Path(tempfile.mkdtemp(prefix="publisher-demo-"))
    repo, state = work / "repo", work / "sandbox"
    clock = clock or Clock()
    _copy_examples(source, repo, clock)
    sandbox = open_sandbox(repo, state, clock)
    ws = open_workspace(repo, clock, env={}, sandbox_dir=state, transport=sandbox.transport())
    declare_accounts(sandbox, ws)
    published = publish(ws, progress=_DemoPrinter(echo, repo, state))
    _citizens(ws, sandbox, echo)
    _refused(ws, echo)
    _contest(ws, sandbox, echo)
    _live(ws, sandbox, echo)
    _figures(repo, state, clock, echo)
    _audit(ws, echo)
    site = work / "site"
    build_site(ws, ws.load(), site)
    echo("")
    echo(_("Where to look:"))
    echo(_("  the feeds in a browser:  publisher sandbox serve --state {state}", state=state))
    echo(_("    then open http://127.0.0.1:8765/"))
    echo(_("  the same as JSON:        publisher sandbox show --state {state} --json", state=state))
    echo(_("  the history:             publisher --repo {repo} log", repo=repo))
    echo(_("  the site (previews, statuses, reports): open {page}", page=site / "index.html"))
    return published_exit(published)


class _DemoPrinter(ApplyPrinter):
    """What ``apply`` shows, after the whole check and plan under the commands' names."""

    def __init__(self, echo: Callable[[str], None], repo: Path, state: Path) -> None:
        super().__init__(echo, echo)
        self.repo, self.state = repo, state

    def checked(self, check: CheckResult, plan: Plan) -> None:
        self.echo(_("== 1. publisher check: {path}", path=self.repo))
        if check.diagnostics:
            self.echo(report.diagnostics_text(check.diagnostics))
        self.echo(report.check_summary(check.diagnostics))
        self.echo("")
        self.echo(_("== 2. publisher plan"))
        self.echo(report.plan_text(plan))
        self.echo("")
        self.echo(_("== 3. publisher apply (sandbox: {path})", path=self.state))


#: what residents write under the first VK post in the demo
CITIZENS = (
    ("501", "Сергей К.", "Когда починят освещение на улице Мира? Вечером темно, страшно идти."),
    ("502", "Марина", "Спасибо за ёлку, очень красиво!"),
    ("503", "Аноним", "Купить дешёвые кредиты без справок, пишите +7 900 123-45-67, казино"),
    ("504", "Пётр Иванович", "Каток залили плохо, лёд неровный — переделайте, это позор."),
    ("505", "Гость", "Глава, вы взяточник, каток залить не можете"),
)
#: who decides on the doubtful comment in the demo (a person's commit, as after a merge)
MODERATOR = git.Actor("Модератор пресс-службы", "moderator@publisher.invalid")


#: other people's pages: (short name, title, [(author id, name, post, [comments])])
OPEN_PAGES = (
    (
        "podslushano_ahtarsk",
        "Подслушано в Приморско-Ахтарске",
        (
            (
                "611",
                "Ольга Н.",
                "Подслушано: на улице Мира третий день нет воды, когда дадут?",
                (
                    "У нас на Победы тоже нет воды, управляющая молчит. Сколько можно?",
                    "Поддерживаю!",
                ),
            ),
            ("612", "Игорь", "Продам гараж в Ахтарске, недорого, звоните", ()),
            ("613", "Света", "Кто знает хорошего стоматолога в Ахтарске?", ()),
        ),
    ),
    (
        "typical_ahtarsk",
        "Типичный Приморско-Ахтарск",
        (
            ("614", "Андрей", "Светофор у автостанции в Ахтарске не работает, опасно!", ()),
            ("615", "Марина", "Какой красивый закат над лиманом в Ахтарске", ()),
        ),
    ),
)


def _citizens(ws: Workspace, sandbox: Sandbox, echo: Callable[[str], None]) -> None:
    """Residents comment, and write on local public pages; moderation removes spam, the inbox
    files the questions from our accounts and from the open, each routed to its department."""
    posts = sandbox.show()["vk"]["posts"]
    if not posts:
        return
    for author_id, name, text in CITIZENS:
        sandbox.add_comment("vk", str(posts[0]["id"]), text, author_id, name)
    _open_pages(sandbox)
    echo("")
    echo(_("== 4. publisher moderate (residents commented under the first VK post)"))
    swept = sweep(ws)
    echo(sweep_text(swept, dry_run=False))
    _decide(ws, echo)
    echo("")
    echo(_("== 5. publisher inbox collect (our accounts, and local public pages on VK)"))
    filed = set(collect(ws).filed)
    content = ws.load()
    names, departments = AccountNames(content.accounts), load_departments(ws.repo)
    for item in read_items(ws.repo):
        if item.path in filed:
            where = (
                _("open source")
                if item.source == OPEN_SOURCE
                else names.title(item.network, item.account)
            )
            department = departments.by_key.get(item.department)
            echo(
                _(
                    "Filed {path} ({where}) → {department}",
                    path=item.path,
                    where=where,
                    department=department.name if department else "—",
                )
            )
    echo(_("Write the answer under '## Ответ' in that file, merge, and apply publishes it."))
    echo("")
    echo(_("== 6. publisher accounts cover --upload"))
    drawn = cover(ws, upload=True)
    echo(_("Cover drawn: {path}", path=drawn.path))
    for network in drawn.uploaded:
        echo(_("Uploaded to {network}.", network=network_title(network)))


def _open_pages(sandbox: Sandbox) -> None:
    """Other people's communities with residents' posts and comments (``OPEN_PAGES``)."""
    for screen_name, title, found in OPEN_PAGES:
        community = sandbox.add_community("vk", screen_name, title)
        for author_id, name, text, comments in found:
            post = sandbox.add_open_post("vk", community, text, author_id, name, age=3600)
            for number, comment in enumerate(comments):
                sandbox.add_comment("vk", post, comment, str(700 + number), "Житель")


def _decide(ws: Workspace, echo: Callable[[str], None]) -> None:
    """A person decides on the doubtful comment the sweep filed; the next sweep carries it out."""
    review = next((r for r in read_reviews(ws.repo) if r.pending), None)
    if review is None:
        return
    echo(_("Filed for a person: {path}", path=review.path))
    path = ws.repo / review.path
    text = path.read_text(encoding="utf-8").replace("decision:\n", "decision: remove\n", 1)
    path.write_text(text, encoding="utf-8")
    repository = git.Repo(ws.repo)
    repository.index.add([review.path])
    repository.index.commit("Решение: удалить комментарий", author=MODERATOR, committer=MODERATOR)
    echo("")
    echo(_("== 4a. publisher moderate (the moderator wrote decision: remove and committed it)"))
    echo(sweep_text(sweep(ws), dry_run=False))


#: a careless or hostile post: a forge token's file as its attachment, a token in its text and
#: a date that does not exist (the token is assembled here so that this file holds none)
HOSTILE_FOLDER = "content/2026/12/tak-nelzya"
HOSTILE_POST = """---
title: Так нельзя
networks: [vk, telegram]
publish_at: 2026-02-30 10:00
media:
  - file: ../../../.git/config
    kind: document
---
Ключ бота на всякий случай: {token}
"""


def _refused(ws: Workspace, echo: Callable[[str], None]) -> None:
    """What ``check`` stops in a request: shown on a post written into the copy, then removed."""
    echo("")
    echo(_("== 7. publisher check of a request that must not go out"))
    folder = ws.repo / HOSTILE_FOLDER
    folder.mkdir(parents=True)
    token = "7012345678:" + "AA" + "Demo" * 8 + "x"
    (folder / "index.md").write_text(HOSTILE_POST.format(token=token), encoding="utf-8")
    try:
        result = ws.check(ws.load(only=[HOSTILE_FOLDER]), only=[HOSTILE_FOLDER])
        echo(report.diagnostics_text(result.diagnostics))
        echo(_("Such a post goes to no network until it is fixed; the other posts go out."))
    finally:
        shutil.rmtree(folder)


class _Later(Clock):
    """The demo's clock some days on: what the figures are once people have read the posts."""

    def __init__(self, clock: Clock, days: float) -> None:
        self.clock, self.shift = clock, timedelta(days=days)

    def now(self) -> datetime:
        return self.clock.now() + self.shift

    def monotonic(self) -> float:
        return self.clock.monotonic()

    def sleep(self, seconds: float) -> None:
        self.clock.sleep(seconds)


#: the days after publishing the demo reads the figures on: followers grow between them
FIGURE_DAYS = (1, 3)


def _figures(repo: Path, state: Path, clock: Clock, echo: Callable[[str], None]) -> None:
    """``stats collect`` as if run a day and three days after publishing (the sandbox's
    figures grow with the posts' age), so the report and the site show a real-looking reach."""
    echo("")
    echo(_("== 11. publisher stats collect (a day and three days later)"))
    for days in FIGURE_DAYS:
        later = _Later(clock, days)
        sandbox = open_sandbox(repo, state, later)
        ws = open_workspace(repo, later, env={}, sandbox_dir=state, transport=sandbox.transport())
        report = collect_stats(ws)
        echo(
            _(
                "Figures read: {posts} posts on {accounts} accounts; written to {path}.",
                posts=report.posts,
                accounts=len(report.accounts),
                path=", ".join(report.files),
            )
        )


def _audit(ws: Workspace, echo: Callable[[str], None]) -> None:
    """``accounts audit``: what the example pages lack against the recommendations."""
    echo("")
    echo(_("== 12. publisher accounts audit"))
    findings = audit(ws).report.findings
    echo(report.check_summary(findings))
    echo(_("Each finding and how to fix it: the monthly report's table, or the command itself."))


#: residents who take part in the example contest under its VK post; the last one's comment
#: lacks the keyword («рисунок»), so it does not count
ENTRANTS = (
    ("601", "Аня", "Мой рисунок: ёлка на площади"),
    ("602", "Дима", "Рисунок — море зимой"),
    ("603", "Катя", "Вот мой рисунок!"),
    ("604", "Лев", "Рисунок: каток у школы"),
    ("605", "Оля", "А где посмотреть работы?"),
)


class _AfterClosing(Clock):
    """The real clock moved on to just after ``moment``: the demo does not wait days for its
    contest to close."""

    def __init__(self, base: Clock, moment: datetime) -> None:
        self.base = base
        self.shift = max(moment + timedelta(minutes=1) - base.now(), timedelta(0))

    def now(self) -> datetime:
        return self.base.now() + self.shift

    def monotonic(self) -> float:
        return self.base.monotonic()

    def sleep(self, seconds: float) -> None:
        self.base.sleep(seconds)


def _contest(ws: Workspace, sandbox: Sandbox, echo: Callable[[str], None]) -> None:
    """Residents enter the example contest; after its closing time apply draws the winners,
    and anyone can check the draw."""
    content = ws.load()
    post = next((p for p in content.posts if p.contest is not None), None)
    if post is None or post.contest is None:
        return
    entries = ResultFiles(ws.repo, content.account_aliases).read(post.result_file_path)
    vk = next((e for e in entries.values() if e.network == "vk" and e.remote_id), None)
    if vk is None:
        return
    for author_id, name, text in ENTRANTS:
        sandbox.add_comment("vk", vk.remote_id, text, author_id, name)
    echo("")
    echo(_("== 8. A contest: residents comment, the contest closes, apply draws the winners"))
    later = _AfterClosing(ws.clock, post.contest.closes)
    after = open_workspace(
        ws.repo, later, env={}, sandbox_dir=ws.sandbox_dir, transport=ws.transport
    )
    publish(after, progress=_QuietPrinter(echo))
    echo("")
    echo(_("== 9. publisher contest verify {post}", post=post.id))
    echo(verification_text(post.id, verify_contest(ws.repo, post.id, post.path)))


class _QuietPrinter(Progress):
    """Of a later run, only what it did with the contests and the broadcasts."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo

    def contested(self, report: ContestReport) -> None:
        for line in contest_lines(report):
            self.echo(line)

    def requested(self, requests: Sequence[ResultsRequest]) -> None:
        ApplyPrinter(self.echo, self.echo).requested(requests)

    def broadcast(self, report: LiveReport) -> None:
        ApplyPrinter(self.echo, self.echo).broadcast(report)

    def committed(self, sha: str) -> None:
        self.echo(_("Results recorded in commit {sha}.", sha=sha[:10]))


def _live(ws: Workspace, sandbox: Sandbox, echo: Callable[[str], None]) -> None:
    """The broadcast apply created for the example announcement goes on air and ends; the
    next run records its end."""
    content = ws.load()
    post = next((p for p in content.posts if p.live is not None), None)
    entries = read_live_file(ws.repo, live_file_path(post.id)) if post else {}
    if post is None or not entries:
        return
    echo("")
    echo(_("== 10. A live broadcast: it goes on air and ends; apply records its link"))
    echo(_("The broadcaster takes the stream key with: publisher live key {post}", post=post.id))
    for account, entry in sorted(entries.items()):
        known = content.account(account)
        network = known.network if known is not None else account
        sandbox.stream(network, entry.broadcast.video, "started")
        sandbox.stream(network, entry.broadcast.video, "finished")
    publish(ws, progress=_QuietPrinter(echo))


def _contests_ahead(repo: Path, clock: Clock) -> None:
    """Move the example contests' closing times a week ahead when they have passed, so the
    demo runs on any date (a contest that closed before publication is a check error)."""
    ahead = (clock.now() + timedelta(days=7)).astimezone(load_config(repo)[0].zone)
    for path in sorted((repo / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = _CLOSES.search(text) if "\ncontest:" in text else None
        if found is None:
            continue
        try:
            closes = datetime.fromisoformat(found.group(1)).replace(tzinfo=ahead.tzinfo)
        except ValueError:
            continue
        if closes <= clock.now():
            new = f"{found.group(0)[: -len(found.group(1))]}{ahead:%Y-%m-%d %H:%M}"
            path.write_text(text.replace(found.group(0), new, 1), encoding="utf-8")


_CLOSES = re.compile(r"\n  closes: (\d{4}-\d{2}-\d{2} \d{2}:\d{2})")


def _copy_examples(source: Path, repo: Path, clock: Clock) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_PARTS:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("*published.yml"))
        elif src.is_file():
            shutil.copy2(src, repo / name)
    _contests_ahead(repo, clock)
    repository = git.Repo.init(repo)
    with repository.config_writer() as writer:
        writer.set_value("user", "name", "publisher demo")
        writer.set_value("user", "email", "demo@publisher.invalid")
    repository.git.add("--all")
    repository.git.commit("-m", "Example content")
