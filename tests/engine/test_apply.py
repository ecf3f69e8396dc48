"""Apply with in-memory adapters: record every result at once, never post twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from conftest import plan_of

from publisher.content.load import Content
from publisher.content.render import source_hash
from publisher.core.capabilities import Capabilities
from publisher.core.clock import FakeClock
from publisher.core.config import Config
from publisher.core.errors import AuthError, NetworkError, RateLimited, Rejected, Transient
from publisher.core.model import (
    Account,
    Action,
    ActionKind,
    Plan,
    Post,
    Profile,
    RemoteRef,
    RenderedPost,
)
from publisher.core.redact import Secret
from publisher.engine.apply import Applier, Outcome, Provenance, intent_for
from publisher.engine.plan import PlanContext
from publisher.networks.base import AccountInfo, Adapter, FindResult, Tokens
from publisher.state.result_files import ResultFiles

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class FakeAdapter(Adapter):
    """Keeps posts in a dict; ``fail_next`` makes the next publish raise that error."""

    name: ClassVar[str] = "fake"
    title: ClassVar[str] = "Fake"
    capabilities: ClassVar[Capabilities] = Capabilities(
        text_format="plain", text_limit=1000, can_edit=True, can_find=True
    )
    base_urls: ClassVar[tuple[str, ...]] = ()

    def __init__(self, network: str, find_mode: str = "list") -> None:
        account = Account(name=network, path="", network=network, account_id="1", token_env="T")
        super().__init__(account, Tokens(Secret("t0ken-value")), httpx.Client())
        self.network = network
        self.posts: dict[str, str] = {}
        self.calls: list[str] = []
        self.fail_next: list[NetworkError] = []
        self.lose_answer = False
        self.find_mode = find_mode

    def _read(self, response: httpx.Response, op: str) -> Any:  # pragma: no cover
        return response.json()

    def verify(self) -> AccountInfo:
        return AccountInfo(self.network, "n", "1")

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        self.calls.append("publish")
        if self.fail_next:
            raise self.fail_next.pop(0)
        remote_id = str(len(self.posts) + 1)
        self.posts[remote_id] = post.text
        if self.lose_answer:
            self.lose_answer = False
            raise Transient(self.network, "publish", "answer lost", uncertain=True)
        return RemoteRef(self.network, remote_id, f"https://fake/{remote_id}")

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        self.calls.append("update")
        self.posts[ref.remote_id] = post.text
        return ref

    def delete(self, ref: RemoteRef) -> None:
        self.calls.append("delete")
        self.posts.pop(ref.remote_id, None)

    def find(self, key: str, post: RenderedPost) -> RemoteRef | FindResult:
        self.calls.append("find")
        if self.find_mode == "unknown":
            return FindResult.UNKNOWN
        for remote_id, text in self.posts.items():
            if text == post.text:
                return RemoteRef(self.network, remote_id, f"https://fake/{remote_id}")
        return FindResult.ABSENT


CAPS = {"vk": FakeAdapter.capabilities, "telegram": FakeAdapter.capabilities}
ACCOUNTS = tuple(Account(name=n, path="", network=n, account_id="1", token_env="T") for n in CAPS)
POST = Post(id="p", path="content/p.md", title="T", body="Текст", networks=("vk", "telegram"))


def run(
    tmp_path: Path,
    adapters: dict[str, FakeAdapter],
    post: Post = POST,
    unavailable: dict[str, NetworkError] | None = None,
    now: datetime = NOW,
):  # type: ignore[no-untyped-def]
    result_files = ResultFiles(tmp_path)
    result_entries = {post.result_file_path: result_files.read(post.result_file_path)}
    plan = plan_of(Content((post,), ACCOUNTS), result_entries, PlanContext(Config(), CAPS, now))
    applier = Applier(
        result_files, adapters, FakeClock(now), Provenance("abc123", ("Анна",), "PR#1"), unavailable
    )
    return applier.run(plan), result_files.read(post.result_file_path)


@pytest.fixture
def adapters() -> dict[str, FakeAdapter]:
    return {"vk": FakeAdapter("vk"), "telegram": FakeAdapter("telegram")}


def test_publishes_and_records_with_provenance(tmp_path: Path, adapters: dict) -> None:
    report, entries = run(tmp_path, adapters)
    assert [r.outcome for r in report.results] == [Outcome.DONE, Outcome.DONE]
    assert entries["vk"].state == "published" and entries["vk"].url == "https://fake/1"
    assert entries["vk"].approved_by == ("Анна",) and entries["vk"].source_commit == "abc123"
    again, _ = run(tmp_path, adapters)
    assert again.results == []
    assert adapters["vk"].calls == ["publish"]


def test_edit_updates_in_place(tmp_path: Path, adapters: dict) -> None:
    run(tmp_path, adapters)
    edited = replace(POST, body="Исправлено")
    report, entries = run(tmp_path, adapters, edited)
    assert {r.action.kind for r in report.results} == {ActionKind.UPDATE}
    assert adapters["vk"].posts == {"1": "Исправлено"}
    assert entries["vk"].operation == "update"
    assert entries["vk"].source_hash == source_hash(edited, "vk", CAPS["vk"])


def test_the_result_file_keeps_what_the_text_was_rendered_from(
    tmp_path: Path, adapters: dict
) -> None:
    _report, entries = run(tmp_path, adapters)
    text = (tmp_path / POST.result_file_path).read_text(encoding="utf-8")

    assert entries["vk"].source_hash == source_hash(POST, "vk", CAPS["vk"])
    assert f"source_hash: {entries['vk'].source_hash}" in text


def test_withdrawn_is_deleted(tmp_path: Path, adapters: dict) -> None:
    run(tmp_path, adapters)
    run(tmp_path, adapters, replace(POST, status="withdrawn"))
    _, entries = run(tmp_path, adapters, replace(POST, status="withdrawn"))
    assert adapters["vk"].posts == {} and entries["vk"].state == "deleted"
    assert adapters["vk"].calls == ["publish", "delete"]


def test_failure_on_one_network_does_not_stop_the_other(tmp_path: Path, adapters: dict) -> None:
    adapters["vk"].fail_next = [Rejected("vk", "wall.post", "text refused")]
    report, entries = run(tmp_path, adapters)
    outcomes = {r.action.network: r.outcome for r in report.results}
    assert outcomes == {"vk": Outcome.FAILED, "telegram": Outcome.DONE}
    assert entries["vk"].state == "failed" and "text refused" in entries["vk"].error
    retry, entries = run(tmp_path, adapters)
    assert [r.action.network for r in retry.results] == ["vk"]
    assert entries["vk"].state == "published"
    assert adapters["telegram"].calls == ["publish"]


def test_lost_answer_is_reconciled_not_posted_twice(tmp_path: Path, adapters: dict) -> None:
    adapters["vk"].lose_answer = True
    report, entries = run(tmp_path, adapters)
    assert report.results[0].outcome is Outcome.UNCERTAIN
    assert entries["vk"].state == "intent"
    again, entries = run(tmp_path, adapters)
    assert again.results[0].outcome is Outcome.DONE
    assert adapters["vk"].calls == ["publish", "find"]
    assert len(adapters["vk"].posts) == 1 and entries["vk"].state == "published"


def test_the_time_of_publication_is_never_a_later_runs(tmp_path: Path, adapters: dict) -> None:
    """A post found after its answer was lost went out when the intent was written; an edit
    a day later keeps that time."""
    adapters["vk"].lose_answer = True
    run(tmp_path, adapters)
    _, found = run(tmp_path, adapters, now=NOW + timedelta(hours=1))
    _, edited = run(tmp_path, adapters, replace(POST, body="Исправлено"), now=NOW + timedelta(1))

    assert found["vk"].operation == "reconcile" and edited["vk"].operation == "update"
    assert found["vk"].published_at == edited["vk"].published_at == NOW.isoformat()
    assert edited["vk"].at == (NOW + timedelta(1)).isoformat()
    assert edited["telegram"].published_at == NOW.isoformat()


def test_unknown_after_interruption_is_left_for_a_person(tmp_path: Path) -> None:
    adapters = {"vk": FakeAdapter("vk", "unknown"), "telegram": FakeAdapter("telegram")}
    adapters["vk"].lose_answer = True
    run(tmp_path, adapters)
    report, entries = run(tmp_path, adapters)
    assert report.results[0].outcome is Outcome.UNCERTAIN
    assert "publisher resolve" in report.results[0].hint
    assert adapters["vk"].calls == ["publish", "find"]
    assert entries["vk"].state == "intent"


def test_crash_before_the_result_is_written_is_reconciled(tmp_path: Path, adapters: dict) -> None:
    """A process killed between the network call and the record leaves only the intent."""

    class Crash(BaseException):
        pass

    original = ResultFiles.record
    calls = {"n": 0}

    def crashing_record(self: ResultFiles, rel: str, post_id: str, entry: Any) -> None:
        if entry.network == "vk" and entry.state == "published":
            calls["n"] += 1
            raise Crash
        original(self, rel, post_id, entry)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ResultFiles, "record", crashing_record)
        with pytest.raises(Crash):
            run(tmp_path, {"vk": adapters["vk"]})
    _, entries = run(tmp_path, adapters)
    assert entries["vk"].state == "published"
    assert len(adapters["vk"].posts) == 1
    assert adapters["vk"].calls == ["publish", "find"]


def test_auth_error_stops_only_that_network(tmp_path: Path, adapters: dict) -> None:
    second = replace(POST, id="q", path="content/q.md")
    adapters["vk"].fail_next = [AuthError("vk", "wall.post", "token revoked", "Renew VK_TOKEN")]
    result_files = ResultFiles(tmp_path)
    tree = Content((POST, second), ACCOUNTS)
    plan = plan_of(tree, {}, PlanContext(Config(), CAPS, NOW))
    report = Applier(result_files, adapters, FakeClock(NOW), Provenance()).run(plan)
    vk = [r.outcome for r in report.results if r.action.network == "vk"]
    assert vk == [Outcome.FAILED, Outcome.SKIPPED]
    assert "Renew VK_TOKEN" in report.results[0].hint
    assert [r.outcome for r in report.results if r.action.network == "telegram"] == [
        Outcome.DONE,
        Outcome.DONE,
    ]


def test_unavailable_network_is_skipped_with_the_secret_named(
    tmp_path: Path, adapters: dict
) -> None:
    missing = AuthError("vk", "token", "VK_TOKEN is not set", "Add the secret VK_TOKEN")
    report, _ = run(tmp_path, {"telegram": adapters["telegram"]}, unavailable={"vk": missing})
    vk = next(r for r in report.results if r.action.network == "vk")
    assert vk.outcome is Outcome.SKIPPED and "VK_TOKEN" in vk.hint


# -- working ahead and budgets (``Adapter.prepare``) ----------------------------------------


class OverBudget(FakeAdapter):
    """A network whose budget is spent: ``prepare`` says so before anything is sent."""

    def prepare(self, upcoming: Any) -> None:
        raise RateLimited(self.network, "publish", "budget spent for today", 86400)


def test_reserved_intent_of_a_post_left_over_is_released(tmp_path: Path) -> None:
    """``apply --push`` reserves new posts with intents; one it then leaves unsent must not
    look interrupted to the next run (Telegram could not look, a person would be asked)."""
    result_files = ResultFiles(tmp_path)
    result_entries = {POST.result_file_path: result_files.read(POST.result_file_path)}
    plan = plan_of(Content((POST,), ACCOUNTS), result_entries, PlanContext(Config(), CAPS, NOW))
    for action in plan.pending:
        result_files.record(
            action.result_file_path, action.post_id, intent_for(action, "run-1", "t")
        )
    adapters = {"vk": FakeAdapter("vk"), "telegram": OverBudget("telegram")}
    applier = Applier(result_files, adapters, FakeClock(NOW), Provenance(), claim="run-1")
    report = applier.run(plan)
    outcomes = {r.action.network: r.outcome for r in report.results}
    assert outcomes == {"vk": Outcome.DONE, "telegram": Outcome.SKIPPED}
    (skipped,) = report.failed
    assert "budget spent for today" in skipped.message
    entries = result_files.read(POST.result_file_path)
    assert entries["vk"].state == "published"
    assert entries["telegram"].state == "failed" and "budget spent" in entries["telegram"].error
    assert adapters["telegram"].calls == []


def test_prepare_sees_the_next_new_posts_in_order(tmp_path: Path) -> None:
    seen: list[list[str]] = []

    class Watching(FakeAdapter):
        def prepare(self, upcoming: list[tuple[RenderedPost, str]]) -> None:
            seen.append([post.post_id for post, _key in upcoming])

    posts = tuple(replace(POST, id=f"p{n}", path=f"content/p{n}.md") for n in range(3))
    result_files = ResultFiles(tmp_path)
    result_entries = {p.result_file_path: result_files.read(p.result_file_path) for p in posts}
    plan = plan_of(Content(posts, ACCOUNTS), result_entries, PlanContext(Config(), CAPS, NOW))
    adapters = {"vk": Watching("vk"), "telegram": FakeAdapter("telegram")}
    Applier(result_files, adapters, FakeClock(NOW), Provenance()).run(plan)
    assert seen == [["p0", "p1", "p2"], ["p1", "p2"], ["p2"]]


class ShowingAdapter(FakeAdapter):
    """A network whose profile reads back as ``shown``, or fails to be read."""

    def __init__(self, shown: dict[str, str] | NetworkError) -> None:
        super().__init__("instagram")
        self.shown = shown

    def shown_profile(self) -> dict[str, str]:
        if isinstance(self.shown, NetworkError):
            raise self.shown
        return self.shown


def profile_step(tmp_path: Path, adapter: ShowingAdapter) -> tuple[Any, dict[str, Any]]:
    """Apply a profile action that asks a person for the title and the description."""
    profile = Profile("instagram", title="Район", description="Новости района.")
    action = Action(
        ActionKind.MANUAL,
        "accounts/ig",
        "instagram",
        "ig",
        post_path="accounts/ig.md",
        result_file_path="accounts/ig.published.yml",
        profile=profile,
        manual=("title", "description"),
        reason="поменяйте вручную",
    )
    files = ResultFiles(tmp_path)
    applier = Applier(files, {"ig": adapter}, FakeClock(NOW), Provenance("abc123"))
    return applier.run(Plan((action,))), files.read("accounts/ig.published.yml")


@pytest.mark.parametrize(
    "shown",
    [
        {},
        {"title": "Другое", "description": "Новости района. Старые."},
        Transient("instagram", "read profile", "HTTP 500"),
    ],
)
def test_a_step_nobody_took_is_not_recorded_and_is_no_failure(
    tmp_path: Path, shown: dict[str, str] | NetworkError
) -> None:
    report, entries = profile_step(tmp_path, ShowingAdapter(shown))

    assert [r.outcome for r in report.results] == [Outcome.MANUAL]
    assert report.results[0].manual == ("title", "description")
    assert report.failed == [] and report.done() == [] and entries == {}


def test_a_field_the_network_shows_as_wanted_is_recorded_as_confirmed(tmp_path: Path) -> None:
    adapter = ShowingAdapter({"title": "Район", "description": "  Новости\nрайона. "})

    report, entries = profile_step(tmp_path, adapter)

    assert [r.outcome for r in report.results] == [Outcome.DONE]
    extra = entries["ig"].extra
    assert sorted(extra["fields"]) == ["description", "title"]
    assert extra["confirmed_by"] == {"title": "network", "description": "network"}
