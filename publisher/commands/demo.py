"""``publisher demo``: the whole flow on a scratch copy of the example content and a new sandbox."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import git

from publisher.commands.accounts import cover
from publisher.commands.apply import ApplyPrinter
from publisher.commands.exits import published_exit
from publisher.commands.inbox import collect
from publisher.commands.moderate import sweep
from publisher.commands.session import declare_accounts, open_sandbox
from publisher.content.check import CheckResult
from publisher.core.capabilities import network_title
from publisher.core.clock import Clock
from publisher.core.config import CONFIG_FILE
from publisher.core.i18n import _
from publisher.core.model import Plan
from publisher.engine.publish import publish
from publisher.engine.workspace import Workspace, open_workspace
from publisher.inbox.items import OPEN_SOURCE, read_items
from publisher.moderation.report import sweep_text
from publisher.reports import plan_report as report
from publisher.reports.site import build_site
from publisher.sandbox.app import Sandbox

EXAMPLE_PARTS = ("content", "accounts", "design", CONFIG_FILE, "monitoring.yml", "departments.yml")


def run_demo(
    source: Path, out: Path | None, echo: Callable[[str], None], clock: Clock | None
) -> int:
    """Copy the examples, then check, plan and apply them against a fresh sandbox, and build
    the site into ``site/`` beside them; the exit code of that ``apply``."""
    work = out or Path(tempfile.mkdtemp(prefix="publisher-demo-"))
    repo, state = work / "repo", work / "sandbox"
    _copy_examples(source, repo)
    clock = clock or Clock()
    sandbox = open_sandbox(repo, state, clock)
    ws = open_workspace(repo, clock, env={}, sandbox_dir=state, transport=sandbox.transport())
    declare_accounts(sandbox, ws)
    published = publish(ws, progress=_DemoPrinter(echo, repo, state))
    _citizens(ws, sandbox, echo)
    _refused(ws, echo)
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
)


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
    echo(sweep_text(sweep(ws), dry_run=False))
    echo("")
    echo(_("== 5. publisher inbox collect (our accounts, and local public pages on VK)"))
    filed = set(collect(ws).filed)
    for item in read_items(ws.repo):
        if item.path in filed:
            where = _("open source") if item.source == OPEN_SOURCE else item.account
            echo(
                _(
                    "Filed {path} ({where}) → {department}",
                    path=item.path,
                    where=where,
                    department=item.department or "—",
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


def _copy_examples(source: Path, repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_PARTS:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("*published.yml"))
        elif src.is_file():
            shutil.copy2(src, repo / name)
    repository = git.Repo.init(repo)
    with repository.config_writer() as writer:
        writer.set_value("user", "name", "publisher demo")
        writer.set_value("user", "email", "demo@publisher.invalid")
    repository.git.add("--all")
    repository.git.commit("-m", "Example content")
