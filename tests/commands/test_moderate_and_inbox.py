"""End to end on the sandbox: moderation sweeps and citizens' messages through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import git
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import Sandboxes

from publisher.cli import Deps, main
from publisher.sandbox.app import Sandbox

NEWS = """---
title: Ремонт дорог
networks: [vk, telegram]
---

Начали ремонт дорог на улице Ленина.
"""
RULES = """categories:
  obscene:
    words: [гадослово]
blacklist:
  window_days: 30
  steps:
    - removals: 2
      ban_days: 7
    - removals: 3
"""


class Run:
    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.state, self.clock = sandboxes.state, sandboxes.clock

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(
            main,
            ["--repo", str(self.repo), "--sandbox", str(self.state), *args],
            obj=Deps(self.clock, {}),
            input=stdin,
        )

    @property
    def sandbox(self) -> Sandbox:
        return self.sandboxes()

    def post_id(self, network: str) -> str:
        posts: list[dict[str, Any]] = self.sandbox.show()[network]["posts"]
        return str(posts[0]["id"])


@pytest.fixture
def run(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Run:
    repo = make_repo({"content/news.md": NEWS, "moderation.yml": RULES})
    runner = Run(repo, sandboxes)
    assert runner("apply").exit_code == 0
    return runner


def test_sweep_removes_keeps_bans_and_commits_the_log(run: Run) -> None:
    post = run.post_id("vk")
    box = run.sandbox
    box.add_comment("vk", post, "Вы гадослово, а не чиновники", "501", "Тролль")
    box.add_comment(
        "vk",
        post,
        "Дорогу ремонтируете отвратительно, позор администрации!",
        "502",
        "Недовольный житель",
    )
    dry = run("moderate", "--dry-run")
    assert dry.exit_code == 0 and "гадослово" in dry.output
    assert len(run.sandbox.show()["vk"]["posts"][0]["comments"]) == 2, "a dry run changes nothing"
    first = run("moderate")
    assert first.exit_code == 0, first.output
    texts = [c["text"] for c in run.sandbox.show()["vk"]["posts"][0]["comments"]]
    assert texts == ["Дорогу ремонтируете отвратительно, позор администрации!"]
    run.clock.advance(3600)
    run.sandbox.add_comment("vk", post, "Опять гадослово пишу", "501", "Тролль")
    second = run("moderate")
    assert second.exit_code == 0, second.output
    banned = run.sandbox.show()["vk"]["banned"]
    assert [str(b["user_id"]) for b in banned] == ["501"]
    log_files = list((run.repo / "moderation/log").glob("*.yml"))
    entries = yaml.safe_load(log_files[0].read_text(encoding="utf-8"))
    assert [e["action"] for e in entries] == ["deleted", "deleted", "banned"]
    assert entries[2]["ban_until"].startswith(str((run.clock.now() + timedelta(days=7)).date()))
    assert entries[0]["author_name"] == "Тролль" and entries[0]["category"] == "obscene"
    commit = git.Repo(run.repo).head.commit
    assert "moderation" in commit.message
    assert any(path.startswith("moderation/log/") for path in commit.stats.files)
    assert "moderation/state.yml" in commit.stats.files, "the cursor moves with the sweep"
    state = yaml.safe_load((run.repo / "moderation/state.yml").read_text(encoding="utf-8"))
    assert len(state["vk"]["seen"]) == 3
    with pytest.raises(ValueError):
        run.sandbox.add_comment("vk", post, "я снова тут", "501", "Тролль")
    head = git.Repo(run.repo).head.commit.hexsha
    third = run("moderate")
    assert "действий: 0" in third.output, "nothing is decided twice"
    assert git.Repo(run.repo).head.commit.hexsha == head, "a quiet sweep commits nothing"


def test_classify_prints_one_json_line_per_comment(run: Run) -> None:
    result = run("moderation", "classify", stdin="Вы гадослово\nСпасибо за дороги!\n")
    lines = [yaml.safe_load(line) for line in result.output.splitlines()]
    assert [line["verdict"] for line in lines] == ["remove", "keep"]
    assert lines[0]["categories"] == ["obscene"]


def test_citizen_question_is_filed_answered_and_marked(run: Run) -> None:
    post = run.post_id("vk")
    run.sandbox.add_comment(
        "vk", post, "Когда закончат ремонт на Ленина? Не проехать!", "601", "Анна Иванова"
    )
    run.sandbox.add_comment("vk", post, "Спасибо!", "602", "Пётр")
    collected = run("inbox", "collect")
    assert collected.exit_code == 0, collected.output
    files = sorted((run.repo / "content/inbox").rglob("vk-*.md"))
    assert len(files) == 1
    assert run("inbox", "collect").exit_code == 0
    assert len(sorted((run.repo / "content/inbox").rglob("vk-*.md"))) == 1, "filed once"
    item = files[0]
    text = item.read_text(encoding="utf-8")
    assert "category: roads" in text and "status: new" in text and "due:" in text
    item.write_text(text + "Закончим к 15 декабря, объезд по Мира.\n", encoding="utf-8")
    repository = git.Repo(run.repo)
    repository.git.add("--all")
    repository.git.commit("-m", "Answer to a citizen")
    plan = run("plan")
    assert "ответить" in plan.output
    applied = run("apply")
    assert applied.exit_code == 0, applied.output
    comments = run.sandbox.show()["vk"]["posts"][0]["comments"]
    assert any(c["text"] == "Закончим к 15 декабря, объезд по Мира." for c in comments)
    assert "status: answered" in item.read_text(encoding="utf-8")
    assert run("apply").output.count("ответить") == 0, "answered once"


def test_inbox_status_lists_overdue_first(run: Run) -> None:
    post = run.post_id("vk")
    run.sandbox.add_comment("vk", post, "Почему не убирают снег во дворе?", "701", "Олег")
    assert run("inbox", "collect").exit_code == 0
    run.clock.advance(timedelta(days=5).total_seconds())
    status = run("inbox", "status")
    assert "ПРОСРОЧЕНО" in status.output and "просрочено 1" in status.output


def test_restore_brings_the_comment_back_and_lifts_the_ban(run: Run) -> None:
    post = run.post_id("vk")
    for text in ("гадослово раз", "гадослово два"):  # the second removal bans for a week
        run.sandbox.add_comment("vk", post, text, "501", "Тролль")
        assert run("moderate").exit_code == 0
        run.clock.advance(60)
    assert [str(b["user_id"]) for b in run.sandbox.show()["vk"]["banned"]] == ["501"]
    log = yaml.safe_load(next((run.repo / "moderation/log").glob("*.yml")).read_text())
    first = next(e for e in log if e["action"] == "deleted")
    result = run("moderate", "restore", first["id"])
    assert result.exit_code == 0, result.output
    view = run.sandbox.show()["vk"]
    assert [c["text"] for c in view["posts"][0]["comments"]] == [first["excerpt"]]
    assert view["banned"] == []
    log = yaml.safe_load(next((run.repo / "moderation/log").glob("*.yml")).read_text())
    assert [e["action"] for e in log][-2:] == ["restored", "unbanned"]
    assert "restore" in git.Repo(run.repo).head.commit.message
    missing = run("moderate", "restore", "vk-999-deleted")
    assert missing.exit_code == 1 and "moderation/log" in missing.output
