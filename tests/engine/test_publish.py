"""``engine.publish``: the one flow of ``apply`` (the command and the demo both run it).

On a temp repository and the in-process sandbox: what the flow reports and commits, what it
tells its caller at each step, and that it stops before sending anything it may not send.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
import httpx
import pytest

from publisher.content.check import CheckResult
from publisher.core.clock import FakeClock
from publisher.core.errors import ApprovalError
from publisher.core.model import Plan
from publisher.engine.apply import ApplyReport
from publisher.engine.publish import Progress, PublishOptions, publish, record
from publisher.engine.workspace import Workspace, open_workspace
from publisher.sandbox.app import Sandbox
from publisher.sandbox.faults import parse_faults

NEWS = "---\ntitle: Вывоз мусора\nnetworks: [vk, telegram]\n---\n\nМусор вывозят по графику.\n"
CONCERT = "---\ntitle: Концерт\nnetworks: [vk, telegram]\n---\n\nКонцерт в субботу.\n"
#: a date that does not exist: check stops this post, the others go out
BROKEN = "---\ntitle: Сбой\nnetworks: [vk]\npublish_at: 2026-02-30 10:00\n---\n\nТекст.\n"
POSTS = {"content/news.md": NEWS, "content/concert.md": CONCERT}
RESULT_FILES = ["content/concert.published.yml", "content/news.published.yml"]


class Steps(Progress):
    """Remembers what the flow told it, in order."""

    def __init__(self) -> None:
        self.told: list[str] = []
        self.commits: list[str] = []

    def checked(self, check: CheckResult, plan: Plan) -> None:
        self.told.append("checked")

    def applied(self, plan: Plan, outcome: ApplyReport) -> None:
        self.told.append("applied")

    def committed(self, sha: str) -> None:
        self.told.append("committed")
        self.commits.append(sha)


def feed(ws: Workspace, network: str) -> list[str]:
    assert ws.sandbox_dir is not None
    posts = Sandbox(ws.sandbox_dir, clock=ws.clock).show()[network]["posts"]
    return [str(post.get("text")) for post in posts]


def test_publish_sends_the_plan_records_it_in_one_commit_and_tells_each_step(
    make_repo: Callable[..., Path], sandboxed: Callable[..., Workspace]
) -> None:
    repo = make_repo(POSTS)
    source = git.Repo(repo).head.commit.hexsha
    ws, steps = sandboxed(repo), Steps()

    report = publish(ws, progress=steps)

    assert steps.told == ["checked", "applied", "committed"]
    assert report.commit == steps.commits[0] == git.Repo(repo).head.commit.hexsha
    assert not report.partial and not report.problems and not report.pushed
    assert {(r.action.network, r.action.post_id) for r in report.outcome.done()} >= {
        (network, post) for network in ("vk", "telegram") for post in ("news", "concert")
    }
    assert any("Мусор вывозят" in text for text in feed(ws, "vk"))
    commit = git.Repo(repo).head.commit
    profiles = ["accounts/telegram.published.yml", "accounts/vk.published.yml"]
    assert sorted(commit.stats.files) == [*profiles, *RESULT_FILES]
    assert str(commit.message).startswith("publisher: ")
    assert f"Source: {source}" in str(commit.message)


def test_publish_without_commit_leaves_the_results_in_the_files(
    make_repo: Callable[..., Path], sandboxed: Callable[..., Workspace]
) -> None:
    repo = make_repo(POSTS)
    head = git.Repo(repo).head.commit.hexsha
    steps = Steps()

    report = publish(sandboxed(repo), PublishOptions(commit=False), steps)

    assert steps.told == ["checked", "applied"]
    assert report.commit is None
    assert git.Repo(repo).head.commit.hexsha == head
    assert all((repo / rel).is_file() for rel in RESULT_FILES)


def test_publish_to_real_networks_outside_ci_stops_before_anything_is_sent(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo(POSTS)
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    env = {"VK_USER_TOKEN": "vk1.a.token", "TELEGRAM_BOT_TOKEN": "123:token"}
    ws, steps = open_workspace(repo, clock, env, transport=transport), Steps()

    with pytest.raises(ApprovalError):
        publish(ws, progress=steps)

    assert steps.told == ["checked"]
    assert sent == []
    assert not any((repo / rel).exists() for rel in RESULT_FILES)


def test_publish_holds_back_a_post_with_errors_and_sends_the_others(
    make_repo: Callable[..., Path], sandboxed: Callable[..., Workspace]
) -> None:
    repo = make_repo({**POSTS, "content/broken.md": BROKEN})

    report = publish(sandboxed(repo))

    assert report.problems and not report.partial
    assert [d.path for d in report.check.errors] == ["content/broken.md"]
    assert "broken" not in {action.post_id for action in report.plan.pending}
    assert {r.action.post_id for r in report.outcome.done()} >= {"news", "concert"}


def test_publish_reports_a_partial_run_and_still_records_what_was_done(
    make_repo: Callable[..., Path], sandboxed: Callable[..., Workspace]
) -> None:
    repo = make_repo(POSTS)

    report = publish(sandboxed(repo, parse_faults("telegram.error500=1")))

    assert report.partial
    assert {r.action.network for r in report.outcome.failed} == {"telegram"}
    assert {r.action.network for r in report.outcome.done()} == {"vk"}
    assert report.commit == git.Repo(repo).head.commit.hexsha


def test_publish_with_push_claims_the_posts_then_pushes_the_results(
    make_repo: Callable[..., Path], sandboxed: Callable[..., Workspace], tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    git.Repo.clone_from(make_repo(POSTS), origin, bare=True)
    clone = tmp_path / "clone"
    git.Repo.clone_from(origin, clone)

    report = publish(sandboxed(clone), PublishOptions(push=True))

    assert report.pushed and report.commit
    remote = git.Repo(origin)
    assert remote.head.commit.hexsha == report.commit
    subjects = [str(c.message).partition("\n")[0] for c in remote.iter_commits()]
    assert subjects[1] == "publisher: резерв постов: 2", "the claims went out before the posts"


def test_record_commits_nothing_and_tells_nothing_when_no_file_changed(
    make_repo: Callable[..., Path], sandboxed: Callable[..., Workspace]
) -> None:
    repo = make_repo(POSTS)
    told: list[str] = []

    sha = record(sandboxed(repo), ["content/news.md"], "publisher: x\n", False, told.append)

    assert sha is None and told == []
