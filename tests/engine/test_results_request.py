"""A drawn contest's results post offered for approval as a request on the Git host: opened
once, from a branch whose one commit sets ``status: ready``; found, not opened again; a refusal
keeps the draft and warns; without a Git host a person is told what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import FORGE_ENVS, FakeRequests, Publisher

from publisher.cli import Deps, main
from publisher.engine.contests import ContestReport, ResultsDraft, pseudonym
from publisher.engine.results_request import offer_results, request_branch
from publisher.engine.workspace import open_workspace

CONTEST = """---
title: Конкурс рисунков
networks: [vk]
contest:
  entry: comment
  closes: 2026-12-05 18:00
  winners: 1
---

Нарисуйте ёлку и пришлите в комментарии.
"""
POST = "2026/12/konkurs"
RESULTS = "content/2026/12/konkurs-itogi.md"
BRANCH = "publisher/itogi-2026-12-konkurs"


def contest_clone(make_repo: Callable[..., Path], tmp_path: Path, post: str = CONTEST) -> Path:
    """A clone of a bare ``origin`` holding the contest post, as CI checks it out."""
    source = make_repo({"content/2026/12/konkurs.md": post})
    origin = tmp_path / "origin.git"
    git.Repo.clone_from(source, origin, bare=True)
    return Path(git.Repo.clone_from(origin, tmp_path / "clone").working_dir)


def drawn_in_ci(run: Publisher, forge: FakeRequests | None, kind: str = "github") -> Result:
    """Publish the contest, let a resident enter, and run ``apply --push`` after the closing
    time in CI (``forge``) or, with None, outside it."""
    assert run("apply", "--push").exit_code == 0
    [published] = run.feed("vk")
    run.sandboxes().add_comment("vk", str(published["id"]), "Моя ёлка", "501", "Житель")
    run.clock.advance(5 * 86400)
    env = FORGE_ENVS[kind] if forge is not None else {}
    args = ["--repo", str(run.repo), "--sandbox", str(run.state), "apply", "--push"]
    return CliRunner().invoke(main, args, obj=Deps(run.clock, env, forge))


def origin(run: Publisher) -> git.Repo:
    return git.Repo(run.repo.parent / "origin.git")


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_the_run_that_draws_opens_one_request_whose_commit_sets_ready(
    kind: str,
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    run = publisher(contest_clone(make_repo, tmp_path))
    forge = FakeRequests(kind)
    result = drawn_in_ci(run, forge, kind)
    assert result.exit_code == 0, result.output

    [opened] = forge.opened
    winner = pseudonym("vk:501")
    if kind == "github":
        assert (opened["head"]["ref"], opened["base"]["ref"]) == (BRANCH, "main")
        body = opened["body"]
    else:
        assert (opened["source_branch"], opened["target_branch"]) == (BRANCH, "main")
        assert opened["remove_source_branch"] is True
        body = opened["description"]
    assert opened["title"] == "Итоги конкурса: Конкурс рисунков"
    assert winner in body
    assert f"publisher contest verify {POST}" in body
    assert f"publisher contest winners {POST}" in body
    assert "впишите" in body and "Слияние" in body
    assert "Открыт запрос" in result.output and opened.get("html_url", opened.get("web_url")) in (
        result.output
    )

    remote = origin(run)
    main_tip = remote.commit("main")
    branch_tip = remote.commit(BRANCH)
    assert branch_tip.parents == (main_tip,), "one commit on top of the pushed draft"
    assert [d.a_path for d in main_tip.diff(branch_tip)] == [RESULTS]
    draft = remote.git.show(f"main:{RESULTS}")
    ready = remote.git.show(f"{BRANCH}:{RESULTS}")
    assert "status: draft" in draft and winner in draft
    assert ready == draft.replace("status: draft", "status: ready", 1)
    assert run.git("status", "--porcelain") == "" and run.git("branch", "--show-current") == "main"

    run.clock.advance(3600)
    again = CliRunner().invoke(
        main,
        ["--repo", str(run.repo), "--sandbox", str(run.state), "apply", "--push"],
        obj=Deps(run.clock, FORGE_ENVS[kind], forge),
    )
    assert again.exit_code == 0, again.output
    assert len(forge.opened) == 1 and len(forge.sent("POST", ".*")) == 1, "the next run opens none"
    assert remote.commit(BRANCH) == branch_tip


def test_a_rerun_finds_the_request_and_pushes_nothing(
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    run = publisher(contest_clone(make_repo, tmp_path))
    forge = FakeRequests("github")
    assert drawn_in_ci(run, forge).exit_code == 0
    tip = origin(run).commit(BRANCH)
    ws = open_workspace(run.repo, run.clock, FORGE_ENVS["github"])
    report = ContestReport(results={POST: ResultsDraft(POST, "Конкурс", RESULTS, 1, ("u-1",))})
    [found] = offer_results(ws, report, pushed=True, transport=forge)
    assert not found.opened and not found.error
    assert found.url == "https://github.test/city/smm/pull/1"
    assert len(forge.sent("POST", ".*")) == 1 and origin(run).commit(BRANCH) == tip


def test_an_open_request_of_the_branch_is_found_and_none_opened(
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    run = publisher(contest_clone(make_repo, tmp_path))
    existing = {"head": {"ref": BRANCH}, "html_url": "https://github.test/city/smm/pull/9"}
    forge = FakeRequests("github", [existing])
    result = drawn_in_ci(run, forge)
    assert result.exit_code == 0, result.output
    assert forge.sent("POST", ".*") == []
    assert BRANCH not in [h.name for h in origin(run).heads], "nothing pushed for it"
    assert "уже есть: https://github.test/city/smm/pull/9" in result.output


def test_a_branch_already_pushed_is_not_pushed_again(
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    """A run that pushed the branch and then lost the API answer: the next try opens the
    request from the branch as it is."""
    run = publisher(contest_clone(make_repo, tmp_path))
    assert run("apply", "--push").exit_code == 0
    someone = origin(run).commit("main")
    origin(run).create_head(BRANCH, someone)
    forge = FakeRequests("github")
    ws = open_workspace(run.repo, run.clock, FORGE_ENVS["github"])
    report = ContestReport(results={POST: ResultsDraft(POST, "Конкурс", RESULTS, 1, ("u-1",))})
    [opened] = offer_results(ws, report, pushed=True, transport=forge)
    assert opened.opened and origin(run).commit(BRANCH) == someone
    assert forge.opened[0]["head"]["ref"] == BRANCH


@pytest.mark.parametrize(
    "refusal",
    [
        httpx.Response(
            403, json={"message": "GitHub Actions is not permitted to create pull requests"}
        ),
        httpx.ConnectError("connection refused"),
    ],
)
def test_a_refused_request_keeps_the_draft_and_warns(
    refusal: Any,
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    run = publisher(contest_clone(make_repo, tmp_path))
    forge = FakeRequests("github", refuse=refusal)
    result = drawn_in_ci(run, forge)
    assert result.exit_code == 0, result.output  # as a refused plan comment: a warning only
    assert "запрос на согласование итогов" in result.output and "не открыт" in result.output
    assert forge.opened == []
    draft = origin(run).git.show(f"main:{RESULTS}")
    assert "status: draft" in draft, "the draft is committed and pushed all the same"


def test_a_push_refused_keeps_the_draft_and_opens_nothing(
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    run = publisher(contest_clone(make_repo, tmp_path))
    hook = run.repo.parent / "origin.git" / "hooks" / "pre-receive"
    hook.write_text(  # the host takes the results on main and refuses every other branch
        "#!/bin/sh\nwhile read old new ref; do\n"
        '  case "$ref" in refs/heads/publisher/*) exit 1;; esac\ndone\n'
    )
    hook.chmod(0o755)
    forge = FakeRequests("github")
    result = drawn_in_ci(run, forge)
    assert result.exit_code == 0, result.output
    assert "не открыт" in result.output and BRANCH in result.output
    assert forge.sent("POST", ".*") == []
    assert "status: draft" in origin(run).git.show(f"main:{RESULTS}")


def test_without_a_git_host_a_person_is_told_what_to_do(
    make_repo: Callable[..., Path],
    tmp_path: Path,
    publisher: Callable[[Path], Publisher],
) -> None:
    run = publisher(contest_clone(make_repo, tmp_path))
    result = drawn_in_ci(run, None)
    assert result.exit_code == 0, result.output
    assert "Запрос не открыт" in result.output and "status: ready" in result.output
    assert [h.name for h in origin(run).heads] == ["main"]


def test_the_branch_name_is_valid_and_distinct_whatever_the_id() -> None:
    assert request_branch("2026/12/konkurs") == BRANCH
    odd = ["2026/12/a..b:main", "2026/12/ёлка", "2026/12/--x@{1}", "2026/12/ёжик"]
    names = [request_branch(post) for post in odd]
    assert len(set(names)) == len(names)
    for name in names:
        git.Git().check_ref_format(f"refs/heads/{name}")
        assert name.startswith("publisher/itogi-") and ":" not in name and ".." not in name
