"""Moderation and citizens' messages on a network with several accounts, on the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import Sandboxes

from publisher.cli import Deps, main
from publisher.commands.exits import EXIT_PARTIAL

DISTRICT = """---
network: vk
id: "1001"
token_env: VK_USER_TOKEN
default: true
secrets:
  community: VK_COMMUNITY_TOKEN
---
Администрация района.
"""
BRATSKOE = """---
network: vk
id: "1002"
token_env: BRATSKOE_VK_TOKEN
secrets:
  community: BRATSKOE_VK_COMMUNITY_TOKEN
---
Братское сельское поселение.
"""
CONFIG = "timezone: Europe/Moscow\ndefault_networks: [vk]\n"
NEWS = """---
title: Ремонт дорог
accounts: [district-vk, bratskoe-vk]
---

Начали ремонт дорог на улице Ленина.
"""
RULES = """categories:
  obscene:
    words: [гадослово]
blacklist:
  steps:
    - removals: 2
      ban_days: 7
"""


class Run:
    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.clock = sandboxes.clock

    def __call__(self, *args: str) -> Result:
        prefix = ["--repo", str(self.repo), "--sandbox", str(self.sandboxes.state)]
        return CliRunner().invoke(main, [*prefix, *args], obj=Deps(self.clock, {}))

    def posts(self) -> dict[int, dict[str, Any]]:
        """The sandbox's VK posts by community id."""
        posts = self.sandboxes().show()["vk"]["posts"]
        return {-int(post["owner_id"]): post for post in posts}

    def comment(self, group: int, text: str, author: str = "501") -> str:
        post = self.posts()[group]["id"]
        return self.sandboxes().add_comment("vk", str(post), text, author, "Тролль")

    def banned(self) -> dict[int, list[str]]:
        """Banned user ids by community id."""
        bans = self.sandboxes().store.read("vk").get("bans", {})
        return {int(gid): sorted(users) for gid, users in bans.items() if users}

    def texts(self, group: int) -> list[str]:
        return [c["text"] for c in self.posts()[group]["comments"]]

    def commit(self, message: str) -> None:
        repository = git.Repo(self.repo)
        repository.git.add("--all")
        repository.git.commit("-m", message)

    def log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for path in sorted((self.repo / "moderation/log").glob("*.yml")):
            entries.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
        return entries


@pytest.fixture
def make_run(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Callable[..., Run]:
    def build(rules: str = RULES, clean: bool = True, **files: str) -> Run:
        """A repository with two VK communities and a post on each (``clean``: whose check
        finds no error)."""
        repo = make_repo(
            {
                "publisher.yml": CONFIG,
                "accounts/district-vk.md": DISTRICT,
                "accounts/settlements/bratskoe-vk.md": BRATSKOE,
                "content/news.md": NEWS,
                "moderation.yml": rules,
                **files,
            },
            accounts=False,
        )
        run = Run(repo, sandboxes)
        applied = run("apply")
        assert applied.exit_code == (0 if clean else 1), applied.output
        assert sorted(run.posts()) == [1001, 1002]
        return run

    return build


def test_each_account_is_swept_with_its_own_adapter_and_logged_under_it(
    make_run: Callable[..., Run],
) -> None:
    run = make_run()
    run.comment(1001, "Вы гадослово")
    run.comment(1002, "Сами вы гадослово", author="502")
    run.comment(1002, "Когда закончат ремонт?", author="503")
    result = run("moderate")
    assert result.exit_code == 0, result.output
    assert "district-vk" in result.output and "bratskoe-vk" in result.output
    # a VK adapter removes only on its own community's wall: each was removed by its own
    assert run.texts(1001) == []
    assert run.texts(1002) == ["Когда закончат ремонт?"]
    log = sorted(run.log(), key=lambda e: e["account"])
    assert [(e["network"], e["account"], e["action"]) for e in log] == [
        ("vk", "bratskoe-vk", "deleted"),
        ("vk", "district-vk", "deleted"),
    ]
    assert [e["id"].rsplit("-", 2)[0] for e in log] == ["bratskoe-vk", "district-vk"]
    state = yaml.safe_load((run.repo / "moderation/state.yml").read_text(encoding="utf-8"))
    assert sorted(state) == ["bratskoe-vk", "district-vk"], "a cursor per account"
    assert len(state["bratskoe-vk"]["seen"]) == 2 and len(state["district-vk"]["seen"]) == 1
    again = run("moderate")
    assert "действий: 0" in again.output, "nothing is decided twice on either account"


def test_an_accounts_own_rules_keep_what_the_others_remove(make_run: Callable[..., Run]) -> None:
    rules = "categories:\n  custom: {action: delete, words: [шлагбаум]}\n"
    own = BRATSKOE.replace(
        "---\nБратское", "moderation:\n  categories:\n    custom: {words: []}\n---\nБратское"
    )
    run = make_run(rules, **{"accounts/settlements/bratskoe-vk.md": own})
    assert run("check").exit_code == 0
    for group in (1001, 1002):
        run.comment(group, "Опять шлагбаум у школы закрыт", author="504")
    assert run("moderate").exit_code == 0
    assert run.texts(1001) == []
    assert run.texts(1002) == ["Опять шлагбаум у школы закрыт"]
    assert [e["account"] for e in run.log()] == ["district-vk"]


@pytest.mark.parametrize("shared", [True, False])
def test_a_shared_blacklist_counts_and_bans_on_every_account_of_the_network(
    make_run: Callable[..., Run], shared: bool
) -> None:
    rules = RULES.replace("blacklist:\n", "blacklist:\n  shared: [vk]\n") if shared else RULES
    run = make_run(rules)
    run.comment(1001, "Вы гадослово")
    assert run("moderate").exit_code == 0
    run.clock.advance(60)
    run.comment(1002, "И здесь гадослово")
    result = run("moderate")
    assert result.exit_code == 0, result.output
    assert run.texts(1001) == run.texts(1002) == []
    if not shared:
        assert run.banned() == {}, "one removal on each account bans on neither"
        return
    assert run.banned() == {1001: ["501"], 1002: ["501"]}
    assert "district-vk" in result.output.split("заблокирован")[-1]
    bans = [(e["account"], e["removals"]) for e in run.log() if e["action"] == "banned"]
    assert bans == [("bratskoe-vk", 2), ("district-vk", 2)]
    with pytest.raises(ValueError, match="banned"):
        run.comment(1001, "я снова тут")
    deleted = next(
        e for e in run.log() if e["action"] == "deleted" and e["account"] == "bratskoe-vk"
    )
    restored = run("moderate", "restore", deleted["id"])
    assert restored.exit_code == 0, restored.output
    assert run.texts(1002) == ["И здесь гадослово"] and run.texts(1001) == []
    assert run.banned() == {}, "the shared ban is lifted on every account"
    done = [(e["account"], e["action"]) for e in run.log()[-3:]]
    assert done == [
        ("bratskoe-vk", "restored"),
        ("bratskoe-vk", "unbanned"),
        ("district-vk", "unbanned"),
    ]


def test_restore_acts_on_the_account_of_the_entry_only(make_run: Callable[..., Run]) -> None:
    run = make_run()
    for text in ("гадослово раз", "гадослово два"):
        run.comment(1002, text)
        assert run("moderate").exit_code == 0
        run.clock.advance(60)
    run.comment(1001, "гадослово здесь")  # one removal on the district: no ban there
    assert run("moderate").exit_code == 0
    assert run.banned() == {1002: ["501"]}
    first = next(e for e in run.log() if e["action"] == "deleted")
    assert first["account"] == "bratskoe-vk"
    assert run("moderate", "restore", first["id"]).exit_code == 0
    assert run.texts(1002) == ["гадослово раз"] and run.texts(1001) == []
    assert run.banned() == {}
    assert [e["account"] for e in run.log()[-2:]] == ["bratskoe-vk", "bratskoe-vk"]


@pytest.mark.parametrize(
    ("block", "line", "setting"),
    [
        ("moderation:\n  recent_days: 1\n", 8, "moderation.recent_days"),
        (
            "moderation:\n  categories:\n    obscene: {acton: keep}\n",
            9,
            "moderation.categories.obscene.acton",
        ),
        ("moderation:\n  blacklist:\n    shared: []\n", 9, "moderation.blacklist.shared"),
        ("moderation:\n  categories:\n    politics: {action: delete}\n", 9, "politics"),
        ("moderation:\n  categories:\n    obscene: {action: allow}\n", 9, "obscene"),
    ],
)
def test_an_override_that_sets_anything_unknown_is_an_error_not_used(
    make_run: Callable[..., Run], block: str, line: int, setting: str
) -> None:
    hostile = BRATSKOE.replace("---\nБратское", block + "---\nБратское")
    run = make_run(clean=False, **{"accounts/settlements/bratskoe-vk.md": hostile})
    checked = run("check")
    assert checked.exit_code != 0
    assert f"accounts/settlements/bratskoe-vk.md:{line}" in checked.output
    assert setting in checked.output and "модерации" in checked.output
    run.comment(1001, "Вы гадослово")
    run.comment(1002, "Вы гадослово")
    swept = run("moderate")
    assert swept.exit_code == EXIT_PARTIAL, swept.output
    assert "bratskoe-vk" in swept.output and f"bratskoe-vk.md:{line}" in swept.output
    assert run.texts(1001) == [] and run.texts(1002) == ["Вы гадослово"]


def test_a_message_to_the_second_account_is_filed_under_it_and_answered_from_it(
    make_run: Callable[..., Run],
) -> None:
    run = make_run()
    run.comment(1002, "Когда починят дорогу к школе в Братском?", author="601")
    run.sandboxes().add_comment("vk", "1002", "Когда откроют ФАП в Братском?", "602", direct=True)
    run.comment(1001, "Когда уберут снег на площади?", author="603")
    collected = run("inbox", "collect")
    assert collected.exit_code == 0, collected.output
    files = sorted((run.repo / "content/inbox").rglob("*.md"))
    fronts = {path: _front(path) for path in files}
    assert sorted((f["account"], f["reply_to"]["direct"]) for f in fronts.values()) == [
        ("bratskoe-vk", False),
        ("bratskoe-vk", True),
        ("district-vk", False),
    ]
    assert all(path.name.startswith(f["account"] + "-") for path, f in fronts.items())
    state = yaml.safe_load((run.repo / "content/inbox/state.yml").read_text(encoding="utf-8"))
    assert sorted(state) == ["bratskoe-vk", "district-vk"], "a cursor per account"
    status = json.loads(run("inbox", "status", "--format", "json").output)
    assert sorted(item["account"] for item in status["items"]) == [
        "bratskoe-vk",
        "bratskoe-vk",
        "district-vk",
    ]
    text = run("inbox", "status").output
    for path, front in fronts.items():
        line = next(line for line in text.splitlines() if path.name in line)
        assert front["account"] in line
    for path, front in fronts.items():
        if front["account"] == "bratskoe-vk":
            answered = path.read_text(encoding="utf-8") + "Ответ поселения.\n"
            path.write_text(answered, encoding="utf-8")
    run.commit("Answers from the settlement")
    applied = run("apply")
    assert applied.exit_code == 0, applied.output
    assert run.texts(1002)[-1] == "Ответ поселения."
    assert "Ответ поселения." not in run.texts(1001)
    sent = [m for m in run.sandboxes().store.read("vk")["messages"] if m["out"]]
    assert [(m["text"], m["group_id"]) for m in sent] == [("Ответ поселения.", 1002)]
    assert run("inbox", "collect").exit_code == 0
    assert sorted((run.repo / "content/inbox").rglob("*.md")) == files, "nothing filed twice"


def _front(path: Path) -> dict[str, Any]:
    front: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    return front
