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
from publisher.core.model import ResultEntry
from publisher.sandbox.app import Sandbox
from publisher.state.result_files import ResultFiles

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
    assert commit.message.startswith("publisher: модерация")
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


def answered_message(run: Run) -> Path:
    """A citizen's question under the VK post, filed, answered in an approved commit, and the
    answer published by one apply."""
    post = run.post_id("vk")
    run.sandbox.add_comment("vk", post, "Когда закончат ремонт на Ленина?", "601", "Анна")
    assert run("inbox", "collect").exit_code == 0
    (item,) = sorted((run.repo / "content/inbox").rglob("vk-*.md"))
    item.write_text(item.read_text(encoding="utf-8") + "К 15 декабря.\n", encoding="utf-8")
    repository = git.Repo(run.repo)
    repository.git.add("--all")
    repository.git.commit("-m", "Answer to a citizen")
    applied = run("apply")
    assert applied.exit_code == 0, applied.output
    return item


def answers(run: Run) -> list[str]:
    comments = run.sandbox.show()["vk"]["posts"][0]["comments"]
    return [c["text"] for c in comments if c["text"] == "К 15 декабря."]


def test_an_answer_is_committed_as_answered_once_and_nothing_drifts(run: Run) -> None:
    item = answered_message(run)
    repository = git.Repo(run.repo)
    rel = item.relative_to(run.repo).as_posix()
    result_file = rel[: -len(".md")] + ".published.yml"
    assert repository.git.status("--porcelain") == "", "the status is committed, not left over"
    assert sorted(repository.head.commit.stats.files) == [rel, result_file], "one result commit"
    assert "status: answered" in repository.git.show(f"HEAD:{rel}")
    assert rel not in run("inbox", "status").output, "no longer open"
    published = yaml.safe_load((run.repo / result_file).read_text(encoding="utf-8"))
    head = repository.head.commit.hexsha

    run.clock.advance(3600)
    plan = run("plan").output
    assert "ответить" not in plan and "ответов 0" in plan, "the plan has no row for it"
    again = run("apply")

    assert again.exit_code == 0, again.output
    assert repository.head.commit.hexsha == head, "a second apply changes nothing"
    assert repository.git.status("--porcelain") == ""
    assert answers(run) == ["К 15 декабря."]
    assert yaml.safe_load((run.repo / result_file).read_text(encoding="utf-8")) == published


def test_an_answer_whose_status_was_lost_is_marked_not_sent_again(run: Run) -> None:
    """What earlier versions left in CI: the answer recorded as sent, the status line still
    ``new`` (its change was never committed). The answer is not sent again; the status is
    committed once, and the time of the answer stays the time it went out."""
    item = answered_message(run)
    repository = git.Repo(run.repo)
    rel = item.relative_to(run.repo).as_posix()
    result_file = run.repo / (rel[: -len(".md")] + ".published.yml")
    item.write_text(item.read_text("utf-8").replace("status: answered", "status: new"), "utf-8")
    repository.git.commit("-am", "The file as an earlier version's CI run left it")
    sent_at = yaml.safe_load(result_file.read_text(encoding="utf-8"))["networks"]["vk"]
    run.clock.advance(86400)

    plan = run("plan")
    applied = run("apply")

    assert "ответить" not in plan.output and "ответов 0" in plan.output
    assert applied.exit_code == 0, applied.output
    assert answers(run) == ["К 15 декабря."], "not answered twice"
    assert "status: answered" in repository.git.show(f"HEAD:{rel}")
    assert repository.git.status("--porcelain") == ""
    now = yaml.safe_load(result_file.read_text(encoding="utf-8"))["networks"]["vk"]
    assert now["published_at"] == sent_at["published_at"] and now["at"] == sent_at["at"]
    head = repository.head.commit.hexsha
    assert run("apply").exit_code == 0 and repository.head.commit.hexsha == head


def test_a_message_whose_status_cannot_be_set_alone_is_not_answered(run: Run) -> None:
    post = run.post_id("vk")
    run.sandbox.add_comment("vk", post, "Когда закончат ремонт на Ленина?", "601", "Анна")
    assert run("inbox", "collect").exit_code == 0
    (item,) = sorted((run.repo / "content/inbox").rglob("vk-*.md"))
    text = item.read_text(encoding="utf-8").replace("status: new\n", "")
    item.write_text(text + "К 15 декабря.\n", encoding="utf-8")

    checked, plan = run("check"), run("plan")

    assert checked.exit_code == 1 and "status" in checked.output, checked.output
    assert "ответить" not in plan.output
    assert answers(run) == []


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
    assert "восстановлено" in git.Repo(run.repo).head.commit.message
    missing = run("moderate", "restore", "vk-999-deleted")
    assert missing.exit_code == 1 and "moderation/log" in missing.output


@pytest.mark.parametrize("found", [True, False])
def test_an_interrupted_answer_is_settled_by_a_person(run: Run, found: bool) -> None:
    """An answer whose run died after its intent: the person looks and says; one found there
    keeps the time it went out (the intent's), one not found is sent by the next apply."""
    post = run.post_id("vk")
    run.sandbox.add_comment("vk", post, "Когда закончат ремонт на Ленина?", "601", "Анна")
    assert run("inbox", "collect").exit_code == 0
    (item,) = sorted((run.repo / "content/inbox").rglob("vk-*.md"))
    item.write_text(item.read_text(encoding="utf-8") + "К 15 декабря.\n", encoding="utf-8")
    rel = item.relative_to(run.repo).as_posix()
    result_file = rel[: -len(".md")] + ".published.yml"
    intent = ResultEntry(network="vk", state="intent", account="vk", at="2026-12-01T10:00:00+03:00")
    ResultFiles(run.repo).record(result_file, rel, intent)
    repository = git.Repo(run.repo)
    repository.git.add("--all")
    repository.git.commit("-m", "Answer, and the intent of the run that died")
    assert f"publisher resolve {rel} vk" in run("plan").output
    run.clock.advance(86400)

    how = ["--url", "https://vk.com/wall-1001_1?reply=7"] if found else ["--absent"]
    resolved = run("resolve", rel, "vk", *how)
    applied = run("apply")

    assert resolved.exit_code == 0, resolved.output
    assert applied.exit_code == 0, applied.output
    entry = yaml.safe_load((run.repo / result_file).read_text(encoding="utf-8"))["networks"]["vk"]
    assert entry["state"] == "published"
    if found:
        assert entry["published_at"] == "2026-12-01T10:00:00+03:00"
        assert answers(run) == [], "the person found it: not sent again"
    else:
        assert answers(run) == ["К 15 декабря."]
    assert "status: answered" in repository.git.show(f"HEAD:{rel}")
    assert repository.git.status("--porcelain") == ""
