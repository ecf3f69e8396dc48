"""``publisher stats collect`` end to end on the sandbox: the month's file, its commit, reruns,
a month boundary, a network that is down, a deleted post and a file edited by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import OK_ACCOUNT, Sandboxes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock

NEWS = """---
title: Ремонт дорог
networks: [vk, telegram, ok]
---

Начали ремонт дорог на улице Ленина.
"""
DAY = 86_400


class Run:
    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.clock: FakeClock = sandboxes.clock

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            main,
            ["--repo", str(self.repo), "--sandbox", str(self.sandboxes.state), *args],
            obj=Deps(self.clock, env or {}),
        )

    def stats(self, month: str = "2026-12") -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load((self.repo / f"stats/{month}.yml").read_text())
        return data

    def head(self) -> git.Commit:
        return git.Repo(self.repo).head.commit


@pytest.fixture
def run(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Run:
    repo = make_repo({"content/news.md": NEWS, "accounts/ok.md": OK_ACCOUNT})
    runner = Run(repo, sandboxes)
    applied = runner("apply")
    assert applied.exit_code == 0, applied.output
    return runner


def test_collect_writes_the_months_file_and_commits_it_alone(run: Run) -> None:
    run.clock.advance(2 * DAY)
    (run.repo / "content/draft.md").write_text("черновик, не коммитить\n", encoding="utf-8")
    result = run("stats", "collect")
    assert result.exit_code == 0, result.output
    stats = run.stats()
    vk = stats["posts"]["news"]["vk"]
    assert vk["views"] > vk["reach"] > vk["reactions"] > 0 and vk["network"] == "vk"
    ok = stats["posts"]["news"]["ok"]
    assert "views" not in ok and ok["reactions"] > 0, "OK gives no views: none is written"
    assert "telegram" not in stats["posts"]["news"], "a bot reads no figures of a channel post"
    assert set(stats["followers"]) == {"vk", "telegram", "ok"}
    assert stats["followers"]["telegram"]["days"]["2026-12-03"] > 0
    assert "нет данных: Боты Telegram не видят просмотров" in result.output
    commit = run.head()
    assert list(commit.stats.files) == ["stats/2026-12.yml"]
    assert commit.message.startswith("publisher: охват, постов: 1, аккаунтов: 3")
    assert "draft.md" in git.Repo(run.repo).git.status("--porcelain"), "left as the person left it"


def test_a_rerun_the_same_day_updates_in_place(run: Run) -> None:
    run.clock.advance(DAY)
    assert run("stats", "collect").exit_code == 0
    first = run.stats()
    run.clock.advance(3 * 3600)
    assert run("stats", "collect").exit_code == 0
    second = run.stats()
    assert list(second["followers"]["vk"]["days"]) == ["2026-12-02"], "one figure a day"
    assert second["posts"]["news"]["vk"]["views"] > first["posts"]["news"]["vk"]["views"]
    assert len(second["posts"]) == 1
    commits = [c.message for c in git.Repo(run.repo).iter_commits(max_count=3)]
    assert sum(m.startswith("publisher: охват") for m in commits) == 2
    run.clock.advance(DAY)
    assert run("stats", "collect").exit_code == 0
    days = run.stats()["followers"]["vk"]["days"]
    assert list(days) == ["2026-12-02", "2026-12-03"]
    assert days["2026-12-03"] > days["2026-12-02"], "followers grow day by day"


def test_a_new_month_starts_a_new_file_and_leaves_the_old_one(run: Run) -> None:
    run.clock.advance(29 * DAY + 3600)  # 2026-12-30 10:00 UTC
    assert run("stats", "collect").exit_code == 0
    december = (run.repo / "stats/2026-12.yml").read_text()
    run.clock.advance(2 * DAY)
    assert run("stats", "collect").exit_code == 0
    assert (run.repo / "stats/2026-12.yml").read_text() == december
    january = run.stats("2027-01")
    assert list(january["followers"]["vk"]["days"]) == ["2027-01-01"]
    assert january["posts"]["news"]["vk"]["views"] > 0


def test_a_network_down_leaves_the_others_written_and_fails_the_run(run: Run) -> None:
    run.clock.advance(DAY)
    result = run("stats", "collect", env={"PUBLISHER_SANDBOX_FAULTS": "ok.error500=1"})
    assert result.exit_code == 3, result.output
    assert "Одноклассники: охват не прочитан" in result.output
    stats = run.stats()
    assert "vk" in stats["posts"]["news"] and "ok" not in stats["posts"]["news"]
    assert "ok" not in stats["followers"]
    assert "Одноклассники:" in run.head().message, "the commit says what was not read"


def test_a_deleted_post_keeps_its_last_figures_and_is_named(run: Run) -> None:
    run.clock.advance(DAY)
    assert run("stats", "collect").exit_code == 0
    before = run.stats()["posts"]["news"]["vk"]
    box = run.sandboxes()
    with box.store.transaction("vk") as state:
        for post in state["posts"]:
            post["deleted"] = True
    run.clock.advance(DAY)
    result = run("stats", "collect")
    assert result.exit_code == 0, result.output
    assert "ВКонтакте: поста news в сети больше нет" in result.output
    after = run.stats()["posts"]["news"]["vk"]
    assert after["gone"] is True and after["views"] == before["views"]


def test_a_file_edited_by_hand_is_reported_and_written_over_cleanly(run: Run) -> None:
    run.clock.advance(DAY)
    assert run("stats", "collect").exit_code == 0
    path = run.repo / "stats/2026-12.yml"
    planned = run("plan", "--all").output
    data = run.stats()
    data["posts"]["news"]["vk"]["views"] = "миллион"
    data["posts"]["news"]["vk"]["reach"] = -5
    data["posts"]["fake"] = {"vk": {"remote_id": "1", "views": 10**9, "network": "vk"}}
    data["followers"]["vk"]["days"]["2026-12-01"] = "много"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run("plan", "--all").output == planned, "nothing that goes out reads the file"
    run.clock.advance(3600)
    result = run("stats", "collect")
    assert result.exit_code == 0, result.output
    assert "stats/2026-12.yml правили вручную" in result.output
    clean = run.stats()
    assert isinstance(clean["posts"]["news"]["vk"]["views"], int)
    assert "2026-12-01" not in clean["followers"]["vk"]["days"]
    assert clean["posts"]["fake"]["vk"]["views"] == 10**9, "a record kept as it was written"
    assert path.read_text().startswith("# Этот файл ведёт publisher")


def test_a_file_that_is_not_yaml_is_written_anew(run: Run) -> None:
    run.clock.advance(DAY)
    (run.repo / "stats").mkdir()
    (run.repo / "stats/2026-12.yml").write_text("posts: [unclosed\n\t:", encoding="utf-8")
    result = run("stats", "collect")
    assert result.exit_code == 0, result.output
    assert "правили вручную" in result.output
    assert run.stats()["posts"]["news"]["vk"]["views"] > 0


def test_posts_older_than_the_window_are_not_read_again(run: Run) -> None:
    run.clock.advance(46 * DAY)
    result = run("stats", "collect")
    assert result.exit_code == 0, result.output
    stats = run.stats("2027-01")
    assert stats["posts"] == {}, "figures of old posts hardly move: not read"
    assert stats["followers"]["vk"]["days"], "followers are read every time"
