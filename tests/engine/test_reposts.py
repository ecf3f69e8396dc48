"""``repost_from:``: the post's other accounts on the source's network repost its publication
there instead of publishing it afresh. Plans and apply with in-memory walls: reposts go after
the source, wait for it, and are never sent twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import yaml
from conftest import plan_of

from publisher.commands.plan import make_plan
from publisher.content.load import Content
from publisher.content.render import render_post, rendered_media_hash
from publisher.core.capabilities import Capabilities, all_capabilities
from publisher.core.clock import FakeClock
from publisher.core.config import Config
from publisher.core.errors import NetworkError, Rejected, Transient
from publisher.core.i18n import set_language
from publisher.core.model import (
    Account,
    ActionKind,
    Plan,
    Post,
    RemoteRef,
    RenderedPost,
    ResultEntry,
)
from publisher.core.redact import Secret
from publisher.engine.apply import Applier, ApplyReport, Outcome, Provenance, intent_for
from publisher.engine.plan import PlanContext
from publisher.engine.publish import PublishOptions, publish
from publisher.engine.workspace import Workspace
from publisher.networks.base import AccountInfo, Adapter, FindResult, Tokens
from publisher.sandbox.app import Sandbox
from publisher.state.result_files import ResultFiles

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CAPS = all_capabilities()


def account(name: str, network: str) -> Account:
    return Account(
        name=name, path=f"accounts/{name}.md", network=network, account_id="1", token_env="T"
    )


ACCOUNTS = (
    account("district-vk", "vk"),
    account("bratskoe-vk", "vk"),
    account("olginskoe-vk", "vk"),
    account("district-tg", "telegram"),
    account("head-tg", "telegram"),
    account("district-ok", "ok"),
    account("bratskoe-ok", "ok"),
)
FAIR = Post(
    id="fair",
    path="content/fair.md",
    title="Ярмарка",
    body="Ярмарка в субботу на площади.",
    networks=(),
    accounts=("district-vk", "bratskoe-vk", "district-tg", "head-tg"),
    repost_from=("district-vk", "district-tg"),
)


def plan_for(post: Post, entries: dict[str, ResultEntry] | None = None, claim: str = "") -> Plan:
    ctx = PlanContext(Config(), CAPS, NOW, claim)
    return plan_of(Content((post,), ACCOUNTS), {post.result_file_path: entries or {}}, ctx)


def rows(plan: Plan) -> dict[str, tuple[ActionKind, str]]:
    """Each account's action and where it reposts from ("" where it publishes itself)."""
    return {a.account: (a.kind, a.repost_from.name if a.repost_from else "") for a in plan.actions}


def live(name: str, network: str, remote_id: str, **extra: Any) -> ResultEntry:
    """``FAIR`` as published on ``name``."""
    rendered = render_post(FAIR, network, CAPS[network], None, name)
    return ResultEntry(
        network=network,
        state="published",
        account=name,
        remote_id=remote_id,
        content_hash=rendered.content_hash,
        media_hash=rendered_media_hash(rendered),
        published_at=NOW.isoformat(),
        extra=extra,
    )


# -- the plan -------------------------------------------------------------------------------


def test_the_other_accounts_of_the_sources_network_repost_it_in_the_same_run() -> None:
    set_language("ru")
    plan = plan_for(FAIR)

    assert rows(plan) == {
        "district-vk": (ActionKind.CREATE, ""),
        "bratskoe-vk": (ActionKind.CREATE, "district-vk"),
        "district-tg": (ActionKind.CREATE, ""),
        "head-tg": (ActionKind.CREATE, "district-tg"),
    }
    bratskoe = next(a for a in plan.actions if a.account == "bratskoe-vk")
    assert bratskoe.reason == "репост из district-vk"


def test_a_repost_of_a_source_already_live_goes_out_with_its_account_alone() -> None:
    entries = {"district-vk": live("district-vk", "vk", "5")}
    post = replace(FAIR, accounts=("district-vk", "bratskoe-vk"), repost_from=("district-vk",))

    plan = plan_for(post, entries)

    assert [(a.account, a.kind) for a in plan.pending] == [("bratskoe-vk", ActionKind.CREATE)]
    assert plan.pending[0].repost_from == ACCOUNTS[0]


def test_a_repost_waits_while_its_source_is_not_live_nor_published_by_this_run() -> None:
    set_language("ru")
    other_run = ResultEntry(
        network="vk",
        state="intent",
        account="district-vk",
        at=NOW.isoformat(),
        extra={"claim": "ci-runner:1:abcd"},
    )

    plan = plan_for(FAIR, {"district-vk": other_run})

    bratskoe = next(a for a in plan.actions if a.account == "bratskoe-vk")
    assert rows(plan)["district-vk"] == (ActionKind.WAIT, "")
    assert bratskoe.kind is ActionKind.WAIT and bratskoe.repost_from is None
    assert bratskoe.reason == "ждёт, пока district-vk опубликует пост"


def test_a_live_repost_follows_its_source_and_is_never_edited() -> None:
    entries = {
        "district-vk": live("district-vk", "vk", "5"),
        "bratskoe-vk": live("bratskoe-vk", "vk", "7", repost_of="district-vk", source_id="5"),
    }
    post = replace(FAIR, accounts=("district-vk", "bratskoe-vk"), repost_from=("district-vk",))

    plan = plan_for(replace(post, body="Ярмарка переносится на воскресенье."), entries)

    assert rows(plan) == {
        "district-vk": (ActionKind.UPDATE, ""),
        "bratskoe-vk": (ActionKind.NOOP, ""),
    }


def test_a_repost_is_made_again_when_its_source_is_published_anew() -> None:
    entries = {
        "district-vk": live("district-vk", "vk", "6"),  # replaced since the repost was made
        "bratskoe-vk": live("bratskoe-vk", "vk", "7", repost_of="district-vk", source_id="5"),
    }
    post = replace(FAIR, accounts=("district-vk", "bratskoe-vk"), repost_from=("district-vk",))

    plan = plan_for(post, entries)

    bratskoe = next(a for a in plan.actions if a.account == "bratskoe-vk")
    assert (bratskoe.kind, bratskoe.repost_from) == (ActionKind.REPLACE, ACCOUNTS[0])
    assert bratskoe.ref is not None and bratskoe.ref.remote_id == "7"


def test_a_repost_no_longer_asked_for_is_replaced_rather_than_edited() -> None:
    entries = {
        "district-vk": live("district-vk", "vk", "5"),
        "bratskoe-vk": live("bratskoe-vk", "vk", "7", repost_of="district-vk", source_id="5"),
    }
    post = replace(FAIR, accounts=("district-vk", "bratskoe-vk"), repost_from=(), body="Новое")

    plan = plan_for(post, entries)

    assert rows(plan)["bratskoe-vk"] == (ActionKind.REPLACE, "")


def test_a_network_without_reposts_publishes_afresh_and_says_so() -> None:
    set_language("ru")
    post = replace(FAIR, accounts=("district-ok", "bratskoe-ok"), repost_from=("district-ok",))

    plan = plan_for(post)

    assert rows(plan) == {
        "district-ok": (ActionKind.CREATE, ""),
        "bratskoe-ok": (ActionKind.CREATE, ""),
    }
    bratskoe = next(a for a in plan.actions if a.account == "bratskoe-ok")
    assert bratskoe.reason == "Одноклассники: репост недоступен, пост публикуется заново"


# -- apply ----------------------------------------------------------------------------------


class Wall(Adapter):
    """One account's wall in memory: posts of its own and reposts of another wall's posts."""

    name: ClassVar[str] = "vk"
    title: ClassVar[str] = "Wall"
    capabilities: ClassVar[Capabilities] = CAPS["vk"]
    base_urls: ClassVar[tuple[str, ...]] = ()

    def __init__(self, who: Account) -> None:
        super().__init__(who, Tokens(Secret("t0ken-value")), httpx.Client())
        self.posts: dict[str, str] = {}
        self.calls: list[str] = []
        self.fail_next: list[NetworkError] = []

    def _read(self, response: httpx.Response, op: str) -> Any:  # pragma: no cover
        return response.json()

    def verify(self) -> AccountInfo:  # pragma: no cover
        return AccountInfo("vk", self.account.name, "1")

    def _put(self, content: str) -> RemoteRef:
        if self.fail_next:
            raise self.fail_next.pop(0)
        remote_id = str(len(self.posts) + 1)
        self.posts[remote_id] = content
        return RemoteRef("vk", remote_id, f"https://wall/{self.account.name}/{remote_id}")

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        self.calls.append("publish")
        return self._put(post.text)

    def repost(self, source: Account, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        self.calls.append("repost")
        return self._put(f"repost of {source.name}/{ref.remote_id}")

    def find_repost(self, source: Account, ref: RemoteRef) -> RemoteRef | FindResult:
        self.calls.append("find_repost")
        wanted = f"repost of {source.name}/{ref.remote_id}"
        for remote_id, content in self.posts.items():
            if content == wanted:
                return RemoteRef("vk", remote_id, f"https://wall/{self.account.name}/{remote_id}")
        return FindResult.ABSENT

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        self.calls.append("update")
        return ref

    def delete(self, ref: RemoteRef) -> None:
        self.calls.append("delete")
        self.posts.pop(ref.remote_id, None)


VK_POST = replace(FAIR, accounts=("bratskoe-vk", "district-vk", "olginskoe-vk"))


@pytest.fixture
def walls() -> dict[str, Wall]:
    return {a.name: Wall(a) for a in ACCOUNTS if a.network == "vk"}


def apply(
    tmp_path: Path, walls: dict[str, Wall], post: Post = VK_POST, claim: str = ""
) -> tuple[ApplyReport, dict[str, ResultEntry]]:
    result_files = ResultFiles(tmp_path)
    plan = plan_for(post, result_files.read(post.result_file_path), claim)
    applier = Applier(result_files, walls, FakeClock(NOW), Provenance(), claim=claim)
    return applier.run(plan), result_files.read(post.result_file_path)


def test_apply_reposts_after_the_source_is_published_and_records_what_it_reposts(
    tmp_path: Path, walls: dict[str, Wall]
) -> None:
    report, entries = apply(tmp_path, walls)

    assert [r.outcome for r in report.results] == [Outcome.DONE] * 3
    assert walls["district-vk"].posts == {"1": "Ярмарка в субботу на площади."}
    assert walls["bratskoe-vk"].posts == {"1": "repost of district-vk/1"}
    assert walls["olginskoe-vk"].posts == {"1": "repost of district-vk/1"}
    bratskoe = entries["bratskoe-vk"]
    assert bratskoe.state == "published" and bratskoe.url == "https://wall/bratskoe-vk/1"
    assert dict(bratskoe.extra) == {"repost_of": "district-vk", "source_id": "1"}

    again, _ = apply(tmp_path, walls)

    assert again.results == []
    assert walls["bratskoe-vk"].calls == ["repost"]


def test_a_repost_whose_source_failed_waits_for_the_next_run_and_sends_nothing(
    tmp_path: Path, walls: dict[str, Wall]
) -> None:
    set_language("ru")
    walls["district-vk"].fail_next = [Rejected("vk", "wall.post", "refused")]

    report, entries = apply(tmp_path, walls)

    outcomes = {r.action.account: r.outcome for r in report.results}
    assert outcomes == {
        "district-vk": Outcome.FAILED,
        "bratskoe-vk": Outcome.SKIPPED,
        "olginskoe-vk": Outcome.SKIPPED,
    }
    skipped = next(r for r in report.results if r.action.account == "bratskoe-vk")
    assert "district-vk" in skipped.message
    assert walls["bratskoe-vk"].calls == [] and "bratskoe-vk" not in entries

    report, entries = apply(tmp_path, walls)

    assert [r.outcome for r in report.results] == [Outcome.DONE] * 3
    assert walls["bratskoe-vk"].posts == {"1": "repost of district-vk/1"}


def test_a_reserved_repost_whose_source_failed_is_released(
    tmp_path: Path, walls: dict[str, Wall]
) -> None:
    """``apply --push`` reserves new posts with intents: a repost it could not send must
    not look interrupted to the next run (Telegram could not look, a person would be asked)."""
    result_files = ResultFiles(tmp_path)
    for action in plan_for(VK_POST).pending:
        result_files.record(action.result_file_path, action.post_id, intent_for(action, "r1", "t"))
    walls["district-vk"].fail_next = [Rejected("vk", "wall.post", "refused")]

    _report, entries = apply(tmp_path, walls, claim="r1")

    assert entries["bratskoe-vk"].state == "failed"
    assert entries["bratskoe-vk"].extra == {}


class Crash(BaseException):
    """The process dies."""


def test_a_crash_between_the_intent_and_the_result_does_not_repost_twice(
    tmp_path: Path, walls: dict[str, Wall], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ResultFiles.record

    def dying(self: ResultFiles, rel: str, post_id: str, entry: ResultEntry) -> None:
        if entry.account == "bratskoe-vk" and entry.state == "published":
            raise Crash
        original(self, rel, post_id, entry)

    with monkeypatch.context() as patch:
        patch.setattr(ResultFiles, "record", dying)
        with pytest.raises(Crash):
            apply(tmp_path, walls, VK_POST)
    left = ResultFiles(tmp_path).read(VK_POST.result_file_path)["bratskoe-vk"]
    assert left.state == "intent" and left.extra["repost_of"] == "district-vk"

    report, entries = apply(tmp_path, walls)

    bratskoe = next(r for r in report.results if r.action.account == "bratskoe-vk")
    assert bratskoe.outcome is Outcome.DONE and "повторно не публикуется" in bratskoe.message
    assert walls["bratskoe-vk"].posts == {"1": "repost of district-vk/1"}
    assert walls["bratskoe-vk"].calls == ["repost", "find_repost"]
    assert entries["bratskoe-vk"].extra["source_id"] == "1"


def test_a_lost_answer_to_a_repost_is_looked_for_before_reposting_again(
    tmp_path: Path, walls: dict[str, Wall]
) -> None:
    walls["bratskoe-vk"].fail_next = [Transient("vk", "wall.repost", "lost", uncertain=True)]

    report, _entries = apply(tmp_path, walls)

    assert {r.action.account: r.outcome for r in report.results}["bratskoe-vk"] is (
        Outcome.UNCERTAIN
    )
    report, entries = apply(tmp_path, walls)

    assert entries["bratskoe-vk"].state == "published"
    assert walls["bratskoe-vk"].calls == ["repost", "find_repost", "repost"]
    assert list(walls["bratskoe-vk"].posts.values()) == ["repost of district-vk/1"]


def test_a_repost_made_again_after_its_source_was_replaced_replaces_the_old_one(
    tmp_path: Path, walls: dict[str, Wall]
) -> None:
    apply(tmp_path, walls)
    result_files = ResultFiles(tmp_path)
    district = result_files.read(VK_POST.result_file_path)["district-vk"]
    walls["district-vk"].posts = {"2": "Ярмарка в субботу на площади."}
    result_files.record(VK_POST.result_file_path, "fair", replace(district, remote_id="2"))

    report, entries = apply(tmp_path, walls)

    kinds = {r.action.account: (r.action.kind, r.outcome) for r in report.results}
    assert kinds["bratskoe-vk"] == (ActionKind.REPLACE, Outcome.DONE)
    assert list(walls["bratskoe-vk"].posts.values()) == ["repost of district-vk/2"]
    assert entries["bratskoe-vk"].extra["source_id"] == "2"


# -- end to end on the in-process sandbox ---------------------------------------------------

SANDBOX_ACCOUNTS = {
    "accounts/district-vk.md": '---\nnetwork: vk\nid: "1001"\ntoken_env: VK_USER_TOKEN\n'
    "default: true\n---\nРайон.\n",
    "accounts/settlements/bratskoe-vk.md": '---\nnetwork: vk\nid: "1002"\n'
    "token_env: VK_USER_TOKEN\n---\nБратское поселение.\n",
    "accounts/district-tg.md": '---\nnetwork: telegram\nid: "@district_channel"\n'
    "token_env: TELEGRAM_BOT_TOKEN\ndefault: true\n---\nРайон.\n",
    "accounts/head-tg.md": '---\nnetwork: telegram\nid: "@head_channel"\n'
    "token_env: TELEGRAM_BOT_TOKEN\n---\nГлава.\n",
    "accounts/district-ok.md": '---\nnetwork: ok\nid: "70000001"\ntoken_env: OK_TOKEN\n'
    "default: true\nsecrets:\n  app_secret: OK_APP_SECRET\nsettings:\n"
    "  application_key: CBAPUBLICKEY\n---\nРайон.\n",
    "accounts/bratskoe-ok.md": '---\nnetwork: ok\nid: "70000002"\ntoken_env: OK_TOKEN\n'
    "secrets:\n  app_secret: OK_APP_SECRET\nsettings:\n  application_key: CBAPUBLICKEY\n"
    "---\nБратское поселение.\n",
}
FAIR_FILE = (
    "---\ntitle: Ярмарка\naccounts: [district-vk, bratskoe-vk, district-tg, head-tg]\n"
    "repost_from: [district-vk, district-tg]\n---\n\nЯрмарка в субботу на площади.\n"
)


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    files = {"publisher.yml": "timezone: Europe/Moscow\n", **SANDBOX_ACCOUNTS}
    return make_repo({**files, "content/fair.md": FAIR_FILE}, accounts=False)


def feed(ws: Workspace, network: str) -> list[dict[str, Any]]:
    assert ws.sandbox_dir is not None
    posts: list[dict[str, Any]] = Sandbox(ws.sandbox_dir, clock=ws.clock).show()[network]["posts"]
    return posts


def test_a_second_community_shows_the_districts_post_as_a_repost_linking_to_it(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    ws = sandboxed(repo)

    report = publish(ws, PublishOptions(commit=True))

    assert not report.problems and not report.outcome.failed
    posts = {str(p["owner_id"]): p for p in feed(ws, "vk")}
    assert sorted(posts) == ["-1001", "-1002"]
    original, repost = posts["-1001"], posts["-1002"]
    assert original["text"] == "Ярмарка в субботу на площади." and original["repost_of"] is None
    assert repost["text"] == ""
    assert repost["repost_of"] == {"account": original["account"], "id": original["id"]}
    recorded = yaml.safe_load((repo / "content/fair.published.yml").read_text("utf-8"))
    bratskoe = recorded["networks"]["bratskoe-vk"]
    assert bratskoe["url"] == f"https://vk.com/wall-1002_{repost['id']}"
    assert bratskoe["extra"]["repost_of"] == "district-vk"
    assert bratskoe["extra"]["source_id"] == original["id"]

    again = publish(sandboxed(repo), PublishOptions(commit=True))

    assert not again.outcome.done() and not again.outcome.failed and again.commit is None
    assert {r.outcome for r in again.outcome.results} == {Outcome.MANUAL}  # OK's descriptions
    assert len(feed(ws, "vk")) == 2


def test_the_heads_channel_forwards_the_districts_message(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    ws = sandboxed(repo)

    publish(ws, PublishOptions(commit=True))

    messages = feed(ws, "telegram")
    by_channel = {str(m["account"]): m for m in messages}
    assert len(messages) == 2
    (forwarded,) = [m for m in messages if m["repost_of"] is not None]
    (original,) = [m for m in messages if m["repost_of"] is None]
    assert forwarded["repost_of"]["kind"] == "forward"
    assert forwarded["repost_of"]["id"] == original["id"]
    assert forwarded["repost_of"]["account"] == original["account"] != forwarded["account"]
    assert len(by_channel) == 2


def test_the_plan_reads_repost_from_the_source(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    set_language("ru")
    ws = sandboxed(repo)

    text = make_plan(ws).output("text")

    assert "    репост из district-vk" in text and "    репост из district-tg" in text


def test_a_crash_after_the_repost_went_out_is_found_on_the_wall_and_not_reposted_again(
    repo: Path, sandboxed: Callable[[Path], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ResultFiles.record

    def dying(self: ResultFiles, rel: str, post_id: str, entry: ResultEntry) -> None:
        if (rel, entry.account, entry.state) == (FAIR.result_file_path, "bratskoe-vk", "published"):
            raise Crash
        original(self, rel, post_id, entry)

    with monkeypatch.context() as patch:
        patch.setattr(ResultFiles, "record", dying)
        with pytest.raises(Crash):
            publish(sandboxed(repo), PublishOptions(commit=False))
    assert [str(p["owner_id"]) for p in feed(sandboxed(repo), "vk")] == ["-1001", "-1002"]

    report = publish(sandboxed(repo), PublishOptions(commit=True))

    bratskoe = next(r for r in report.outcome.results if r.action.account == "bratskoe-vk")
    assert bratskoe.outcome is Outcome.DONE and "повторно не публикуется" in bratskoe.message
    walls = [str(p["owner_id"]) for p in feed(sandboxed(repo), "vk")]
    assert sorted(walls) == ["-1001", "-1002"]


def test_a_network_without_reposts_publishes_on_both_accounts_with_a_warning(
    make_repo: Callable[..., Path], sandboxed: Callable[[Path], Workspace]
) -> None:
    post = "---\ntitle: Ярмарка\naccounts: [district-ok, bratskoe-ok]\nrepost_from: district-ok\n"
    files = {"publisher.yml": "timezone: Europe/Moscow\n", **SANDBOX_ACCOUNTS}
    repo = make_repo({**files, "content/fair.md": post + "---\n\nЯрмарка.\n"}, accounts=False)
    ws = sandboxed(repo)

    report = publish(ws, PublishOptions(commit=True))

    assert [d.code for d in report.check.warnings] == ["repost"]
    assert not report.outcome.failed
    assert [p["text"] for p in feed(ws, "ok")] == ["Ярмарка.", "Ярмарка."]
