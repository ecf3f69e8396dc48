"""``publisher accounts audit``: each page against the recommendations for official pages,
each finding with its fix, recorded in the month's stats file and shown in the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import Sandboxes, jpeg_bytes, make_account

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.core.config import load_config
from publisher.core.errors import ConfigError
from publisher.engine.audit import cadence
from publisher.engine.workspace import open_workspace
from publisher.reports.monthly import monthly_report, report_html, report_markdown

GOOD_VK = """---
network: vk
id: "1001"
token_env: VK_USER_TOKEN
secrets:
  community: VK_COMMUNITY_TOKEN
website: https://city.example.ru
avatar: design/avatar.jpg
cover: design/cover.jpg
---
Администрация города. Приёмная: +7 (861) 234-56-78, priem@city.example.ru.
"""
BARE_VK = """---
network: vk
id: "1001"
token_env: VK_USER_TOKEN
secrets:
  community: VK_COMMUNITY_TOKEN
---
Описание сообщества.
"""
NEWS = """---
title: Новость {n}
networks: [vk]
---

Новость номер {n}.
"""
IMAGES: dict[str, str | bytes] = {
    "design/avatar.jpg": jpeg_bytes(400, 400),
    "design/cover.jpg": jpeg_bytes(1590, 400),
}


class Run:
    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.clock: FakeClock = sandboxes.clock

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        prefix = ["--repo", str(self.repo), "--sandbox", str(self.sandboxes.state)]
        return CliRunner().invoke(main, [*prefix, *args], obj=Deps(self.clock, env or {}))

    def set_page(self, **flags: Any) -> None:
        with self.sandboxes().store.transaction("vk") as state:
            state["groups"]["1001"].update(flags)

    def audit_entry(self, account: str = "vk") -> dict[str, Any]:
        data = yaml.safe_load((self.repo / "stats/2026-12.yml").read_text(encoding="utf-8"))
        entry: dict[str, Any] = data["audit"][account]
        return entry


@pytest.fixture
def repo_with(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Callable[..., Run]:
    def build(account: str, posts: int = 0, config: str = "") -> Run:
        files: dict[str, str | bytes] = {"accounts/vk.md": account, **IMAGES}
        files["publisher.yml"] = "timezone: Europe/Moscow\ndefault_networks: [vk]\n" + config
        files.update({f"content/news-{n}.md": NEWS.format(n=n) for n in range(posts)})
        run = Run(make_repo(files, accounts=False), sandboxes)
        applied = run("apply")
        assert applied.exit_code == 0, applied.output
        return run

    return build


def test_a_page_as_recommended_has_no_findings(repo_with: Callable[..., Run]) -> None:
    run = repo_with(GOOD_VK, posts=2, config="min_posts_per_week: 0\n")
    run.set_page(is_government_organization=1, verified=1)
    result = run("accounts", "audit")
    assert result.exit_code == 0, result.output
    assert "Проверка пройдена" in result.output
    assert run.audit_entry()["findings"] == []
    ws = open_workspace(run.repo, run.clock, {})
    markdown = report_markdown(monthly_report(ws, ws.load(), "2026-12"))
    assert "| ВКонтакте | в порядке |" in markdown


def test_each_finding_says_how_to_fix_it_and_warnings_do_not_fail(
    repo_with: Callable[..., Run],
) -> None:
    run = repo_with(BARE_VK, posts=1)
    run.set_page(wall=0, can_message=0)
    result = run("accounts", "audit")
    assert result.exit_code == 0, result.output
    checks = [f["check"] for f in run.audit_entry()["findings"]]
    assert checks == [
        "contacts",
        "website",
        "avatar",
        "cover",
        "state-mark",
        "messages",
        "comments",
        "cadence",
    ]
    for finding in run.audit_entry()["findings"]:
        assert finding["severity"] == "warning"
        assert any("а" <= ch <= "я" for ch in finding["fix"]), finding
    assert "отметку государственной организации" in result.output
    assert "За последние 4 нед. постов: 1 — меньше 3 в неделю." in result.output
    assert "Предупреждений: 8" in result.output or "предупреждений: 8" in result.output


def test_a_page_that_cannot_be_read_is_an_error(repo_with: Callable[..., Run]) -> None:
    run = repo_with(GOOD_VK, posts=1)
    result = run("accounts", "audit", env={"PUBLISHER_SANDBOX_FAULTS": "vk.error500=1"})
    assert result.exit_code == 1, result.output
    assert "не удалось прочитать страницу" in result.output
    assert run.audit_entry()["findings"][0]["severity"] == "error"


def test_a_rerun_replaces_the_audit_and_stats_collect_keeps_it(
    repo_with: Callable[..., Run],
) -> None:
    run = repo_with(BARE_VK, posts=1)
    run.set_page(wall=0)
    assert run("accounts", "audit").exit_code == 0
    assert "comments" in [f["check"] for f in run.audit_entry()["findings"]]
    run.set_page(wall=1)
    run.clock.advance(3600)
    assert run("accounts", "audit").exit_code == 0
    assert "comments" not in [f["check"] for f in run.audit_entry()["findings"]]
    assert run("stats", "collect").exit_code == 0
    assert run.audit_entry()["findings"], "collecting figures keeps the audit"


def test_hand_edited_findings_are_escaped_or_dropped(repo_with: Callable[..., Run]) -> None:
    run = repo_with(BARE_VK, posts=1)
    assert run("accounts", "audit").exit_code == 0
    path = run.repo / "stats/2026-12.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["audit"]["vk"]["findings"][0]["message"] = "<script>alert(1)</script> | колонка"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ws = open_workspace(run.repo, run.clock, {})
    report = monthly_report(ws, ws.load(), "2026-12")
    page = report_html(report)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "\\| колонка" in report_markdown(report), "a | cannot break the table"
    data["audit"]["vk"]["findings"].append({"check": "x", "severity": "fatal", "message": "?"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    markdown = report_markdown(monthly_report(ws, ws.load(), "2026-12"))
    assert "Состояние аккаунтов" not in markdown, "a damaged audit never reads «в порядке»"


def test_cadence_counts_the_last_four_weeks() -> None:
    account = make_account("vk", path="accounts/vk.md")
    assert cadence(account, 12, 4, 3) == []
    (short,) = cadence(account, 11, 4, 3)
    assert short.code == "audit-cadence" and not short.is_error
    assert cadence(account, 0, 4, 0) == []


@pytest.mark.parametrize("value", ["-1", "три", "true", "2.5"])
def test_min_posts_per_week_must_be_a_whole_number(tmp_path: Path, value: str) -> None:
    (tmp_path / "publisher.yml").write_text(f"min_posts_per_week: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(tmp_path)
    (tmp_path / "publisher.yml").write_text("min_posts_per_week: 5\n", encoding="utf-8")
    assert load_config(tmp_path)[0].min_posts_per_week == 5
