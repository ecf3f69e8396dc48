"""End to end: the CLI in a temporary Git repository against the in-process sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest
from click.testing import CliRunner, Result
from conftest import Sandboxes, jpeg_bytes, write_files

from publisher.cli import Deps, main
from publisher.sandbox.core import revoke_token

POST = """---
title: Ёлка на площади
networks: [vk, telegram]
media:
  - file: a.jpg
    alt: Ёлка
  - file: b.jpg
    alt: Горка
poll:
  question: Что добавить?
  options: [Горку, Ярмарку]
---

Ёлку **нарядили**. Приходите [на площадь](https://example.org)!
"""

NEWS = """---
title: Вывоз мусора
networks: [vk, telegram]
---

Мусор в праздники вывозят по графику.
"""


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {
            "content/2026/12/elka/index.md": POST,
            "content/2026/12/elka/a.jpg": jpeg_bytes(),
            "content/2026/12/elka/b.jpg": jpeg_bytes(1200, 800, "darkgreen"),
            "content/2026/12/news.md": NEWS,
        }
    )


class Cli:
    """Runs publisher commands against one repository and one sandbox."""

    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.state, self.clock = sandboxes.state, sandboxes.clock
        self.env: dict[str, str] = {}

    def __call__(self, *args: str, sandbox: bool = True) -> Result:
        prefix = ["--repo", str(self.repo)]
        if sandbox:
            prefix += ["--sandbox", str(self.state)]
        runner = CliRunner()
        return runner.invoke(main, [*prefix, *args], obj=Deps(self.clock, self.env))

    def feed(self, network: str) -> list[dict[str, Any]]:
        posts: list[dict[str, Any]] = self.sandboxes().show()[network]["posts"]
        return posts


@pytest.fixture
def cli(repo: Path, sandboxes: Sandboxes) -> Cli:
    return Cli(repo, sandboxes)


def last_commit(repo: Path) -> git.Commit:
    return git.Repo(repo).head.commit


def test_check_passes_on_good_content(cli: Cli) -> None:
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "Проверка пройдена" in result.output


def test_plan_shows_each_network_text_and_summary(cli: Cli) -> None:
    result = cli("plan")
    assert result.exit_code == 0, result.output
    assert "создать" in result.output
    assert "Ёлку нарядили. Приходите на площадь (https://example.org)!" in result.output
    assert "<b>нарядили</b>" in result.output
    assert "План: создать 4, изменить 2" in result.output  # and the two account profiles


def test_apply_publishes_records_and_commits(cli: Cli, repo: Path) -> None:
    result = cli("apply")
    assert result.exit_code == 0, result.output
    vk = cli.feed("vk")
    assert {p["text"] for p in vk} == {
        "Ёлку нарядили. Приходите на площадь (https://example.org)!",
        "Мусор в праздники вывозят по графику.",
    }
    telegram_texts = " ".join(str(p.get("text")) for p in cli.feed("telegram"))
    assert "Мусор в праздники" in telegram_texts
    result_files = (repo / "content/2026/12/elka/published.yml").read_text(encoding="utf-8")
    assert "state: published" in result_files and "vk.com/wall-1001_" in result_files
    commit = last_commit(repo)
    assert commit.message.startswith("publisher:")
    assert set(commit.stats.files) == {
        "content/2026/12/elka/published.yml",
        "content/2026/12/news.published.yml",
        "accounts/vk.published.yml",
        "accounts/telegram.published.yml",
    }
    assert "Source: " in commit.message


def test_second_apply_makes_no_network_call(cli: Cli, repo: Path) -> None:
    assert cli("apply").exit_code == 0
    head = last_commit(repo).hexsha
    before = json.dumps(cli.sandboxes().show(), sort_keys=True)
    cli.env["PUBLISHER_SANDBOX_FAULTS"] = "reset=1"  # any network call would now fail
    result = cli("apply")
    assert result.exit_code == 0, result.output
    assert "Нечего публиковать" in result.output
    assert json.dumps(cli.sandboxes().show(), sort_keys=True) == before
    assert last_commit(repo).hexsha == head


def test_edit_updates_and_withdraw_deletes(cli: Cli, repo: Path) -> None:
    assert cli("apply").exit_code == 0
    news = repo / "content/2026/12/news.md"
    news.write_text(NEWS.replace("по графику", "по новому графику"), encoding="utf-8")
    plan = cli("plan")
    assert "изменить" in plan.output
    assert cli("apply").exit_code == 0
    assert any("по новому графику" in p["text"] for p in cli.feed("vk"))
    news.write_text(NEWS.replace("networks:", "status: withdrawn\nnetworks:"), encoding="utf-8")
    assert cli("apply").exit_code == 0
    assert not any("мусор" in str(p["text"]).lower() for p in cli.feed("vk"))


def test_failure_of_one_network_exits_3_and_next_run_retries_only_it(cli: Cli) -> None:
    cli.env["PUBLISHER_SANDBOX_FAULTS"] = "telegram.error500=1"
    result = cli("apply")
    assert result.exit_code == 3, result.output
    assert len(cli.feed("vk")) == 2 and cli.feed("telegram") == []
    cli.env.pop("PUBLISHER_SANDBOX_FAULTS")
    retry = cli("apply")
    assert retry.exit_code == 0, retry.output
    assert len(cli.feed("vk")) == 2
    assert len({p["text"] for p in cli.feed("telegram") if p.get("text")}) >= 1


def test_revoked_token_names_the_secret_and_stops_only_that_network(cli: Cli) -> None:
    revoke_token(cli.sandboxes().store, "sandbox-vk-main")
    result = cli("apply")
    assert result.exit_code == 3
    assert "VK_USER_TOKEN" in result.output
    assert cli.feed("vk") == [] and cli.feed("telegram") != []


def test_token_set_in_the_environment_is_used_and_never_shown(cli: Cli, repo: Path) -> None:
    secret = "vk1.a.SECRETSECRETSECRETSECRET123"  # pragma: allowlist secret
    cli.env["VK_USER_TOKEN"] = secret
    revoke_token(cli.sandboxes().store, secret)
    result = cli("apply")
    assert result.exit_code == 3
    assert secret not in result.output
    for path in repo.rglob("*.yml"):
        assert secret not in path.read_text(encoding="utf-8")
    assert secret not in last_commit(repo).message


def test_broken_yaml_gets_file_line_and_exit_1(cli: Cli, repo: Path) -> None:
    write_files(repo, {"content/bad.md": "---\ntitle: A\nnetworks: [vk\n---\nT\n"})
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "content/bad.md:3: ошибка:" in result.output or "content/bad.md:4: ошибка:" in result.output
    )
    assert "Traceback" not in result.output


def test_check_github_format_prints_annotations(cli: Cli, repo: Path) -> None:
    write_files(repo, {"content/bad.md": "---\ntitle: A\nnetworks: [vkontakte]\n---\nT\n"})
    result = cli("check", "--format", "github")
    assert result.exit_code == 1
    assert "::error file=content/bad.md,line=3,title=publisher::" in result.output


def test_text_over_the_limit_is_an_error_with_the_count(cli: Cli, repo: Path) -> None:
    body = "Очень длинный текст. " * 250
    write_files(repo, {"content/long.md": f"---\ntitle: L\nnetworks: [telegram]\n---\n{body}\n"})
    result = cli("check", "--format", "json")
    problems = json.loads(result.output)
    assert result.exit_code == 1
    assert any(p["code"] == "too-long" and p["file"] == "content/long.md" for p in problems)


def test_committed_token_is_an_error(cli: Cli, repo: Path) -> None:
    token = "vk1.a.abcdefghijklmnopqrstuvwxyz0123"  # pragma: allowlist secret
    write_files(repo, {"accounts/notes.md": f"token: {token}\n"})
    result = cli("check")
    assert result.exit_code == 1
    assert "accounts/notes.md:1" in result.output


def test_english_on_request(cli: Cli) -> None:
    result = cli("--lang", "en", "check")
    assert "Check passed" in result.output


def test_real_networks_outside_ci_need_an_explicit_skip_approval(cli: Cli) -> None:
    refused = cli("apply", "--no-commit", sandbox=False)
    assert refused.exit_code == 1
    assert "--skip-approval" in refused.output


def test_missing_token_outside_the_sandbox_fails_that_network_clearly(cli: Cli) -> None:
    result = cli("apply", "--no-commit", "--skip-approval", sandbox=False)
    assert result.exit_code == 3
    assert "VK_USER_TOKEN" in result.output and "TELEGRAM_BOT_TOKEN" in result.output


def test_future_post_waits(cli: Cli, repo: Path) -> None:
    scheduled = NEWS.replace("networks:", "publish_at: 2030-01-01 10:00\nnetworks:")
    write_files(repo, {"content/2026/12/news.md": scheduled})
    result = cli("apply")
    assert result.exit_code == 0
    assert "2030-01-01 10:00" in result.output
    assert all("Мусор" not in str(p["text"]) for p in cli.feed("vk"))


def test_new_creates_a_post_from_the_template(cli: Cli, repo: Path) -> None:
    result = cli("new", "Каток у школы", "--date", "2026-12-05", sandbox=False)
    assert result.exit_code == 0, result.output
    path = repo / "content/2026/12/katok-u-shkoly/index.md"
    assert path.exists()
    left = cli("check", "content/2026/12/katok-u-shkoly", "--format", "json")
    assert left.exit_code == 1, "a post left with the template's text is an error"
    assert {p["code"] for p in json.loads(left.output)} == {"template-text"}
    head, _dashes, _body = path.read_text(encoding="utf-8").rpartition("---\n")
    path.write_text(f"{head}---\n\nКаток зальют к 25 декабря.\n", encoding="utf-8")
    assert cli("check", "content/2026/12/katok-u-shkoly").exit_code == 0


def test_log_shows_who_and_what(cli: Cli) -> None:
    cli("apply")
    result = cli("log", sandbox=False)
    assert result.exit_code == 0
    assert "publisher:" in result.output and "vk" in result.output


def test_sandbox_show_json(cli: Cli) -> None:
    cli("apply")
    result = CliRunner().invoke(main, ["sandbox", "show", "--state", str(cli.state), "--json"])
    data = json.loads(result.output)
    assert len(data["vk"]["posts"]) == 2


def test_a_post_too_long_for_one_network_goes_out_on_the_others(cli: Cli, repo: Path) -> None:
    body = "Очень длинный текст. " * 250
    write_files(
        repo, {"content/long.md": f"---\ntitle: L\nnetworks: [vk, telegram]\n---\n{body}\n"}
    )
    result = cli("apply")
    assert result.exit_code == 1
    assert "content/long.md" in result.output
    assert "Текст длиннее 4096 знаков для Telegram: 5249" in result.output
    assert not any("Очень длинный" in str(p["text"]) for p in cli.feed("telegram"))
    assert any("Очень длинный" in str(p["text"]) for p in cli.feed("vk")), "VK takes it"


def test_hold_all_holds_a_post_back_everywhere(cli: Cli, repo: Path) -> None:
    body = "Очень длинный текст. " * 250
    text = f"---\ntitle: L\nnetworks: [vk, telegram]\nhold: all\n---\n{body}\n"
    write_files(repo, {"content/long.md": text})
    result = cli("apply")
    assert result.exit_code == 1
    assert "Мусор в праздники" in str(cli.feed("vk")), "the other posts go out"
    for network in ("vk", "telegram"):
        assert not any("Очень длинный" in str(p["text"]) for p in cli.feed(network)), network


def test_the_console_entry_point_lets_the_collector_run_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run keeps its posts to the end: the collector must not walk them every 700 objects."""
    import gc

    from publisher import cli as cli_module

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(cli_module, "main", lambda **kwargs: started.append(kwargs))
    before = gc.get_threshold()
    try:
        cli_module.run()
        assert gc.get_threshold()[0] >= 50_000
    finally:
        gc.set_threshold(*before)
    assert started == [{"prog_name": "publisher"}]
