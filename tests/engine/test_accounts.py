"""Several accounts on one network, end to end on the in-process sandbox: each post goes to the
accounts it names, each account's results are kept apart, and nothing goes out twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
import pytest
import yaml

from publisher.core.clock import FakeClock
from publisher.core.model import ActionKind
from publisher.engine.publish import PublishOptions, publish
from publisher.engine.workspace import Workspace, open_workspace
from publisher.sandbox.app import Sandbox

DISTRICT = '---\nnetwork: vk\nid: "1001"\ntoken_env: VK_USER_TOKEN\ndefault: true\n---\nРайон.\n'
BRATSKOE = '---\nnetwork: vk\nid: "1002"\ntoken_env: VK_USER_TOKEN\n---\nБратское поселение.\n'
HEAD = '---\nnetwork: telegram\nid: "@head_channel"\ntoken_env: TELEGRAM_BOT_TOKEN\n---\nГлава.\n'
ACCOUNTS = {
    "accounts/district-vk.md": DISTRICT,
    "accounts/settlements/bratskoe-vk.md": BRATSKOE,
    "accounts/head-tg.md": HEAD,
}
ALL = "---\ntitle: Ярмарка\naccounts: [everyone]\n---\n\nЯрмарка в субботу на площади.\n"
LOCAL = "---\ntitle: Сход\naccounts: [bratskoe-vk]\n---\n\nСход граждан в Братском.\n"
DISTRICT_ONLY = "---\ntitle: Приём\nnetworks: [vk]\n---\n\nПриём граждан в среду.\n"
CONFIG = "timezone: Europe/Moscow\ngroups:\n  everyone: [vk, bratskoe-vk, head-tg]\n"


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {
            "publisher.yml": CONFIG,
            **ACCOUNTS,
            "content/fair.md": ALL,
            "content/meeting.md": LOCAL,
            "content/office.md": DISTRICT_ONLY,
        },
        accounts=False,
    )


def wall(ws: Workspace) -> list[tuple[str, str]]:
    """(owner, text) of every post on the sandbox's VK walls."""
    assert ws.sandbox_dir is not None
    posts = Sandbox(ws.sandbox_dir, clock=ws.clock).show()["vk"]["posts"]
    return sorted((str(p.get("owner_id")), str(p.get("text"))) for p in posts)


def test_each_post_goes_to_the_accounts_it_names(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    ws = sandboxed(repo)

    _check, plan = ws.checked_plan(ws.load())

    rows = sorted(
        (a.post_id, a.account, a.network) for a in plan.actions if a.kind is ActionKind.CREATE
    )
    assert rows == [
        ("fair", "bratskoe-vk", "vk"),
        ("fair", "district-vk", "vk"),
        ("fair", "head-tg", "telegram"),
        ("meeting", "bratskoe-vk", "vk"),
        ("office", "district-vk", "vk"),
    ]


def test_apply_posts_on_each_wall_records_each_account_and_a_rerun_sends_nothing(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    ws = sandboxed(repo)

    report = publish(ws, PublishOptions(commit=True))

    assert not report.problems and not report.outcome.failed
    assert wall(ws) == [
        ("-1001", "Приём граждан в среду."),
        ("-1001", "Ярмарка в субботу на площади."),
        ("-1002", "Сход граждан в Братском."),
        ("-1002", "Ярмарка в субботу на площади."),
    ]
    recorded = yaml.safe_load((repo / "content/fair.published.yml").read_text("utf-8"))
    entries = recorded["networks"]
    assert sorted(entries) == ["bratskoe-vk", "district-vk", "head-tg"]
    assert entries["bratskoe-vk"]["network"] == "vk"
    assert entries["bratskoe-vk"]["account"] == "bratskoe-vk"
    assert entries["district-vk"]["remote_id"] != "" and "network" in entries["head-tg"]
    assert not git.Repo(repo).is_dirty(untracked_files=True)

    again = publish(sandboxed(repo), PublishOptions(commit=True))

    assert not again.outcome.results
    assert len(wall(ws)) == 4


def test_dropping_an_account_from_a_post_deletes_it_there_only(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    publish(sandboxed(repo), PublishOptions(commit=True))
    fair = ALL.replace("accounts: [everyone]", "accounts: [district-vk, head-tg]")
    (repo / "content/fair.md").write_text(fair, encoding="utf-8")
    ws = sandboxed(repo)

    _check, plan = ws.checked_plan(ws.load())

    changing = [(a.kind, a.account) for a in plan.pending if a.post_id == "fair"]
    assert changing == [(ActionKind.DELETE, "bratskoe-vk")]


def test_a_result_file_from_one_account_per_network_reads_as_that_account(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    """Written before accounts had names of their own: keyed by the network, naming the
    account inside. The post is live there: nothing is sent again."""
    publish(sandboxed(repo), PublishOptions(commit=True))
    path = repo / "content/office.published.yml"
    document = yaml.safe_load(path.read_text("utf-8"))
    document["networks"] = {"vk": document["networks"]["district-vk"]}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    ws = sandboxed(repo)

    _check, plan = ws.checked_plan(ws.load())

    office = [(a.kind, a.account) for a in plan.actions if a.post_id == "office"]
    assert office == [(ActionKind.NOOP, "district-vk")]


def test_an_entry_naming_no_account_is_the_default_accounts_and_an_edit_files_it_there(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    """Written before entries named their account: keyed by the network, no account inside.
    It is the default account's publication: not sent again; an edit updates that post and
    rewrites the entry under the account's name, leaving no second entry behind."""
    publish(sandboxed(repo), PublishOptions(commit=True))
    path = repo / "content/office.published.yml"
    document = yaml.safe_load(path.read_text("utf-8"))
    old = {k: v for k, v in document["networks"]["district-vk"].items() if k != "account"}
    document["networks"] = {"vk": old}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    git.Repo(repo).git.commit("-qam", "an old result file")
    ws = sandboxed(repo)

    _check, plan = ws.checked_plan(ws.load())

    office = [(a.kind, a.account) for a in plan.actions if a.post_id == "office"]
    assert office == [(ActionKind.NOOP, "district-vk")]

    edited = DISTRICT_ONLY.replace("в среду", "в четверг")
    (repo / "content/office.md").write_text(edited, encoding="utf-8")
    git.Repo(repo).git.commit("-qam", "edit")
    report = publish(sandboxed(repo), PublishOptions(commit=True))

    assert [(r.action.kind, r.action.account) for r in report.outcome.results] == [
        (ActionKind.UPDATE, "district-vk")
    ]
    assert ("-1001", "Приём граждан в четверг.") in wall(ws)
    assert len(wall(ws)) == 4
    rewritten = yaml.safe_load(path.read_text("utf-8"))["networks"]
    assert list(rewritten) == ["district-vk"]
    assert rewritten["district-vk"]["remote_id"] == old["remote_id"]


@pytest.mark.parametrize(
    ("named", "post", "account"),
    [("bratskoe-vk", "meeting", "bratskoe-vk"), ("vk", "office", "district-vk")],
)
def test_a_person_resolves_an_uncertain_post_by_account_or_by_network(
    repo: Path, sandboxed: Callable[[Path], Workspace], named: str, post: str, account: str
) -> None:
    from publisher.commands.resolve import resolve_uncertain
    from publisher.core.model import ResultEntry
    from publisher.state.result_files import ResultFiles

    path = f"content/{post}.published.yml"
    ResultFiles(repo).record(
        path, post, ResultEntry("vk", "intent", account=account, at="2026-12-01T10:00:00+03:00")
    )

    written = resolve_uncertain(sandboxed(repo), post, named, "https://vk.com/wall-1_7", "", False)

    entry = ResultFiles(repo).read(written)[account]
    assert (entry.state, entry.remote_id, entry.network) == ("published", "wall-1_7", "vk")


def test_sandbox_tokens_follow_the_secret_names() -> None:
    from publisher.engine.runtime import sandbox_token

    shared = sandbox_token("vk", "main", "VK_USER_TOKEN", "VK_USER_TOKEN")
    own = sandbox_token("vk", "community", "VK_OLGINSKOE_TOKEN", "VK_COMMUNITY_TOKEN")

    assert shared == "sandbox-vk-main" == sandbox_token("vk", "main")
    assert own.startswith("sandbox-vk-community") and own != "sandbox-vk-community"
    assert own == sandbox_token("vk", "community", "VK_OLGINSKOE_TOKEN", "VK_COMMUNITY_TOKEN")


def test_a_sandbox_that_holds_the_accounts_takes_each_post_from_its_own_token(
    repo: Path, tmp_path: Path, clock: FakeClock
) -> None:
    from publisher.commands.session import declare_accounts

    state = tmp_path / "declared"
    sandbox = Sandbox(state, clock=clock)
    ws = open_workspace(repo, clock, {}, sandbox_dir=state, transport=sandbox.transport())
    declare_accounts(sandbox, ws)

    report = publish(ws, PublishOptions(commit=True))

    assert not report.outcome.failed and len(report.outcome.done()) >= 5
    channels = {str(p["account"]) for p in sandbox.show()["telegram"]["posts"]}
    assert channels == {"@head_channel"}


def test_sandbox_show_names_the_account_of_each_post_where_a_network_has_several(
    repo: Path, sandboxed: Callable[[Path], Workspace]
) -> None:
    from publisher.commands.sandbox import show_text

    ws = sandboxed(repo)
    publish(ws, PublishOptions(commit=True))
    assert ws.sandbox_dir is not None

    shown = show_text(ws.sandbox_dir, as_json=False).splitlines()

    vk = [line for line in shown if "Сход граждан" in line]
    assert vk and all(line.strip().startswith("1002 [") for line in vk)
    telegram = [line for line in shown if line.startswith("  ") and "@head_channel" in line]
    assert telegram == []  # one channel on that network: nothing to tell apart
