"""Profile steps only a person can take: listed in the plan, the apply output, the site and a
Git host issue until someone confirms them (``accounts done``) or the network shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import httpx
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import Publisher, Scripted, write_files

from publisher.cli import Deps, main
from publisher.commands.accounts import MANUAL_MARKER
from publisher.core.capabilities import network_title

INSTAGRAM = """---
network: instagram
id: "17841400000000001"
title: Администрация района
token_env: INSTAGRAM_TOKEN
---
Новости района.
"""
RESULT_FILE = "accounts/instagram.published.yml"


def ok(run: Publisher, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def head(run: Publisher) -> str:
    return git.Repo(run.repo).head.commit.hexsha


@pytest.fixture
def run(make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]) -> Publisher:
    runner = publisher(make_repo({"accounts/instagram.md": INSTAGRAM}))
    ok(runner, "apply")
    return runner


def test_a_step_by_hand_stays_pending_until_a_person_confirms_it(run: Publisher) -> None:
    """Nothing is recorded for what nobody did: each plan and apply lists the step again, a
    second apply commits nothing, and the person's confirmation is a commit naming them."""
    assert not (run.repo / RESULT_FILE).exists()
    before = head(run)
    applied = ok(run, "apply")
    assert head(run) == before, "nothing to record"
    assert "✎ вручную Instagram: accounts/instagram" in applied
    assert (
        "  вручную в Instagram: title, description; когда сделаете: "
        "publisher accounts done instagram title description"
    ) in applied
    assert "вручную 1" in ok(run, "plan")
    listed = ok(run, "accounts", "manual")
    assert (
        listed.startswith("Шаги вручную в профилях: 1.") and "instagram.com/accounts/edit" in listed
    )

    done = ok(run, "accounts", "done", "instagram", "title", "description")

    commit = git.Repo(run.repo).head.commit
    assert "коммит" in done and commit.hexsha != before
    assert str(commit.message).startswith("instagram: вручную сделано: title, description")
    assert "Подтвердил(а): Test Officer <officer@example.org>" in str(commit.message)
    assert sorted(commit.stats.files) == [RESULT_FILE]
    entry = yaml.safe_load((run.repo / RESULT_FILE).read_text("utf-8"))["networks"]["instagram"]
    assert entry["extra"]["confirmed_by"] == dict.fromkeys(
        ["title", "description"], "Test Officer <officer@example.org>"
    )
    assert "вручную 0" in ok(run, "plan")
    assert ok(run, "accounts", "manual").startswith("Шаги вручную в профилях: 0.")
    confirmed = head(run)
    assert "вручную в" not in ok(run, "apply") and head(run) == confirmed

    write_files(run.repo, {"accounts/instagram.md": INSTAGRAM.replace("района.", "района!")})
    plan = ok(run, "plan")
    assert "вручную 1" in plan and "поменяйте вручную: description " in plan, "changed again"


def test_the_network_showing_the_new_value_settles_the_step(run: Publisher) -> None:
    sandbox = run.sandboxes()
    sandbox.set_by_hand("instagram", "17841400000000001", title="Администрация района")

    partly = ok(run, "apply")

    assert "  вручную в Instagram: description;" in partly, "the description still waits"
    entry = yaml.safe_load((run.repo / RESULT_FILE).read_text("utf-8"))["networks"]["instagram"]
    assert entry["extra"]["confirmed_by"] == {"title": "network"}
    assert RESULT_FILE in git.Repo(run.repo).head.commit.stats.files
    sandbox.set_by_hand("instagram", "17841400000000001", description="Новости\nрайона.")

    settled = ok(run, "apply")

    assert "сеть уже показывает новое: description" in settled and "вручную в" not in settled
    assert "вручную 0" in ok(run, "plan")
    last = head(run)
    ok(run, "apply")
    assert head(run) == last


PROFILES = {
    "ok": (
        '---\nnetwork: ok\nid: "70000001234567"\ntitle: Район\ntoken_env: OK_ACCESS_TOKEN\n'
        "secrets:\n  app_secret: OK_APP_SECRET\nsettings:\n  application_key: CBAPUBLICKEY\n"
        "---\nГруппа района.\n",
        "70000001234567",
        {"title": "Район", "description": "Группа района."},
    ),
    "max": (
        '---\nnetwork: max\nid: "-71234567890"\ntoken_env: MAX_BOT_TOKEN\n---\nКанал района.\n',
        "-71234567890",
        {"description": "Канал района."},
    ),
    "facebook": (
        '---\nnetwork: facebook\nid: "100090001234567"\ntitle: Район\n'
        "token_env: FACEBOOK_PAGE_TOKEN\n---\nСтраница района.\n",
        "100090001234567",
        {"title": "Район"},
    ),
}


@pytest.mark.parametrize("network", list(PROFILES))
def test_each_network_that_reads_its_profile_settles_its_own_steps(
    network: str, make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    text, account_id, by_hand = PROFILES[network]
    run = publisher(make_repo({f"accounts/{network}.md": text}))
    first = ok(run, "apply")
    assert f"вручную в {network_title(network)}: {', '.join(by_hand)};" in first

    run.sandboxes().set_by_hand(network, account_id, **by_hand)
    second = ok(run, "apply")

    assert f"сеть уже показывает новое: {', '.join(by_hand)}" in second
    assert "вручную 0" in ok(run, "plan")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["instagram", "avatarka"], "Неизвестное поле профиля: avatarka."),
        (["instagram", "website"], "instagram: website — не шаг вручную"),
        (["vk", "description"], "vk: description — не шаг вручную"),
        (["nobody", "title"], "В accounts/ нет аккаунта «nobody»."),
    ],
)
def test_only_a_step_that_waits_can_be_confirmed(
    run: Publisher, args: list[str], expected: str
) -> None:
    before = head(run)
    result = run("accounts", "done", *args)
    assert result.exit_code == 1 and expected in result.output, result.output
    assert head(run) == before and not (run.repo / RESULT_FILE).exists()


def test_a_confirmation_names_a_person_or_is_refused(
    run: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(run.repo.parent))  # no global Git identity either
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    result = run("accounts", "done", "instagram", "title")
    assert result.exit_code == 1 and "git config user.name" in result.output, result.output
    assert not (run.repo / RESULT_FILE).exists()


def test_a_damaged_result_file_is_not_written_over(run: Publisher) -> None:
    (run.repo / RESULT_FILE).write_text("networks: [\n", encoding="utf-8")
    result = run("accounts", "done", "instagram", "title")
    assert result.exit_code == 1, result.output
    assert (run.repo / RESULT_FILE).read_text(encoding="utf-8") == "networks: [\n"


def test_steps_recorded_as_done_by_an_earlier_version_are_pending_again(run: Publisher) -> None:
    """Earlier versions wrote the manual fields as set, listing them under ``manual``."""
    ok(run, "accounts", "done", "instagram", "title", "description")
    document = yaml.safe_load((run.repo / RESULT_FILE).read_text("utf-8"))
    extra = document["networks"]["instagram"]["extra"]
    extra["manual"] = extra.pop("confirmed_by") and ["title", "description"]
    (run.repo / RESULT_FILE).write_text(yaml.safe_dump(document), encoding="utf-8")
    assert "вручную 1" in ok(run, "plan")


class FakeIssues(Scripted):
    """GitHub's issues of one repository: listed, created, edited."""

    def __init__(self) -> None:
        super().__init__(httpx.Response(404, json={"message": "Not Found"}))
        self.issues: list[dict[str, Any]] = [{"number": 3, "body": "<!-- other -->\nx"}]
        self.on("GET", "/repos/city/smm/issues", lambda _request: self.issues)
        self.on("POST", "/repos/city/smm/issues", self._create)
        self.on("PATCH", r"/repos/city/smm/issues/\d+", self._edit)

    def _create(self, request: httpx.Request) -> dict[str, Any]:
        issue = {**json.loads(request.content), "number": 4, "html_url": "https://gh/issues/4"}
        self.issues.append(issue)
        return issue

    def _edit(self, request: httpx.Request) -> dict[str, Any]:
        number = int(request.url.path.rsplit("/", 1)[1])
        issue = next(i for i in self.issues if i["number"] == number)
        issue.update(json.loads(request.content))
        return issue


def test_the_steps_are_kept_in_one_issue_updated_in_place(run: Publisher) -> None:
    forge = FakeIssues()
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "city/smm",
        "GITHUB_TOKEN": "ghs_job_token",
        "GITHUB_API_URL": "https://api.github.test",
    }

    def issue() -> Result:
        prefix = ["--repo", str(run.repo), "--sandbox", str(run.state)]
        deps = Deps(run.clock, env, forge)
        return CliRunner().invoke(main, [*prefix, "accounts", "manual", "--issue"], obj=deps)

    first = issue()
    ok(run, "accounts", "done", "instagram", "title", "description")
    second = issue()

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "https://gh/issues/4" in first.output
    assert [r.method for r in forge.requests] == ["GET", "POST", "GET", "PATCH"]
    mine = [i for i in forge.issues if MANUAL_MARKER in i["body"]]
    assert len(mine) == 1 and mine[0]["title"] == "Профили: шаги вручную"
    assert "Шаги вручную в профилях: 0." in mine[0]["body"]
    assert forge.issues[0]["body"] == "<!-- other -->\nx", "another issue is left alone"


def test_the_issue_lists_each_step_with_its_account_and_how_to_confirm(run: Publisher) -> None:
    markdown = ok(run, "accounts", "manual", "--format", "markdown")
    rows = json.loads(ok(run, "accounts", "manual", "--format", "json"))

    assert markdown.splitlines() == [
        "### Шаги вручную в профилях: 1.",
        "- **Instagram** (` accounts/instagram.md `): поменяйте вручную: title\\, description — "
        "[настройки](<https://www.instagram.com/accounts/edit/>); когда сделаете: "
        "` publisher accounts done instagram title description `",
    ]
    assert rows == [
        {
            "account": "instagram",
            "network": "instagram",
            "file": "accounts/instagram.md",
            "fields": ["title", "description"],
            "url": "https://www.instagram.com/accounts/edit/",
            "command": "publisher accounts done instagram title description",
            "step": rows[0]["step"],
        }
    ]
    assert rows[0]["step"].startswith("поменяйте вручную: title, description — https://")


def test_the_site_keeps_showing_the_step(run: Publisher, tmp_path: Path) -> None:
    ok(run, "site", "build", "--out", str(tmp_path / "site"))
    page = (tmp_path / "site/accounts.html").read_text(encoding="utf-8")
    assert "вручную" in page and "publisher accounts done instagram title description" in page
    ok(run, "accounts", "done", "instagram", "title", "description")
    ok(run, "site", "build", "--out", str(tmp_path / "again"))
    page = (tmp_path / "again/accounts.html").read_text(encoding="utf-8")
    assert "publisher accounts done instagram" not in page


def test_a_step_only_waiting_for_a_person_needs_no_approval_to_be_listed(
    make_repo: Callable[..., Path], clock: Any
) -> None:
    """Outside CI, real networks need an approved merge or --skip-approval; a run with only
    a step by hand to show sends nothing, so it asks for neither."""
    repo = make_repo({"accounts/instagram.md": INSTAGRAM}, accounts=False)
    result = CliRunner().invoke(main, ["--repo", str(repo), "apply"], obj=Deps(clock, {}))
    assert result.exit_code == 0, result.output
    assert "вручную в Instagram: title, description;" in result.output
