"""``publisher check``: the style fixes as a GitHub review (``--format github-review``) and as
suggestions on the merge request (``--suggest``), which never change check's own verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result
from conftest import Scripted

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock

NEWS = """---
title: Ремонт
networks: [vk]
---

Данного дома нет.
В целях экономии свет выключат.
"""
DRAFT = NEWS.replace("title: Ремонт", "title: Черновик\nstatus: draft")
PATCH = "@@ -0,0 +1,7 @@\n" + "".join(f"+{line}\n" for line in NEWS.splitlines())
GITHUB_PR = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "city/smm",
    "GITHUB_TOKEN": "ghs_read_only_token",
    "GITHUB_API_URL": "https://api.github.test",
    "GITHUB_REF": "refs/pull/7/merge",
}
GITLAB_MR = {
    "GITLAB_CI": "true",
    "CI_PROJECT_ID": "42",
    "GITLAB_TOKEN": "glpat-reporter",
    "CI_API_V4_URL": "https://gl.test/api/v4",
    "CI_MERGE_REQUEST_IID": "3",
}


def check(
    repo: Path, clock: FakeClock, env: dict[str, str], forge: Scripted | None, *args: str
) -> Result:
    deps = Deps(clock, env, forge_transport=forge)
    return CliRunner().invoke(main, ["--repo", str(repo), "check", *args], obj=deps)


def pull_request(scripted: Scripted, review: Any) -> Scripted:
    files = [{"filename": "content/news.md", "status": "added", "patch": PATCH}]
    return (
        scripted.on("GET", "/repos/city/smm/pulls/7/files", files)
        .on("GET", "/repos/city/smm/pulls/7/comments", [])
        .on("POST", "/repos/city/smm/pulls/7/reviews", review)
    )


def test_github_review_format_is_the_review_of_every_fix_of_the_posts_that_go_out(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"content/news.md": NEWS, "content/draft.md": DRAFT})
    result = check(repo, clock, {}, None, "--format", "github-review")
    assert result.exit_code == 0, result.output
    review = json.loads(result.output)
    assert review["event"] == "COMMENT"
    [comment] = review["comments"]
    assert {k: comment[k] for k in ("path", "line", "side")} == {
        "path": "content/news.md",
        "line": 6,
        "side": "RIGHT",
    }
    assert comment["body"].endswith("\n```suggestion\nЭтого дома нет.\n```")
    assert "Стиль: «Данного» → «Этого»" in comment["body"]


def test_suggestions_are_posted_as_one_review_on_the_pull_request(
    make_repo: Callable[..., Path], clock: FakeClock, scripted: Scripted
) -> None:
    repo = make_repo({"content/news.md": NEWS, "content/draft.md": DRAFT})
    forge = pull_request(scripted, {"html_url": "https://github.test/city/smm/pull/7#r-1"})
    result = check(repo, clock, GITHUB_PR, forge, "--format", "github", "--suggest")
    assert result.exit_code == 0, result.output
    assert "::warning file=content/news.md,line=6" in result.output, "the annotations stay"
    assert "Предложения по стилю: отправлено 1, уже были 0" in result.output
    assert "https://github.test/city/smm/pull/7#r-1" in result.output
    [sent] = forge.sent("POST", "/reviews")
    [comment] = json.loads(sent.content)["comments"]
    assert (comment["path"], comment["line"]) == ("content/news.md", 6)


def test_a_forks_read_only_token_only_earns_a_warning(
    make_repo: Callable[..., Path], clock: FakeClock, scripted: Scripted
) -> None:
    repo = make_repo({"content/news.md": NEWS})
    forbidden = httpx.Response(403, json={"message": "Resource not accessible by integration"})
    result = check(repo, clock, GITHUB_PR, pull_request(scripted, forbidden), "--suggest")
    assert result.exit_code == 0, "the check itself passed: style findings are warnings"
    assert "Предупреждение: предложения по стилю не отправлены" in result.output
    assert "403" in result.output and "ghs_read_only_token" not in result.output
    broken = NEWS.replace("title: Ремонт\n", "")
    (repo / "content/news.md").write_text(broken, encoding="utf-8")
    again = check(repo, clock, GITHUB_PR, pull_request(Scripted(), forbidden), "--suggest")
    assert again.exit_code == 1, "an error in a file still fails the check"


def test_outside_a_merge_request_nothing_is_sent(
    make_repo: Callable[..., Path], clock: FakeClock, scripted: Scripted
) -> None:
    repo = make_repo({"content/news.md": NEWS})
    result = check(repo, clock, {}, scripted, "--suggest")
    assert result.exit_code == 0
    assert "Это не задача CI запроса на слияние: исправления стиля не предложены." in result.output
    assert scripted.requests == []


def test_gitlab_gets_a_thread_with_a_suggestion(
    make_repo: Callable[..., Path], clock: FakeClock, scripted: Scripted
) -> None:
    repo = make_repo({"content/news.md": NEWS})
    refs = {"base_sha": "b" * 40, "start_sha": "s" * 40, "head_sha": "h" * 40}
    diffs = [{"old_path": "content/news.md", "new_path": "content/news.md", "diff": PATCH}]
    base = "/projects/42/merge_requests/3"
    forge = (
        scripted.on("GET", f"{base}/diffs", diffs)
        .on("GET", f"{base}/discussions", [])
        .on("POST", f"{base}/discussions", httpx.Response(201, json={"id": "d"}))
        .on("GET", base, {"web_url": "https://gl.test/mr/3", "diff_refs": refs})
    )
    result = check(repo, clock, GITLAB_MR, forge, "--suggest")
    assert result.exit_code == 0, result.output
    [sent] = forge.sent("POST", "/discussions")
    thread = json.loads(sent.content)
    assert thread["position"]["new_line"] == 6 and thread["position"]["head_sha"] == "h" * 40
    assert thread["body"].endswith("```suggestion:-0+0\nЭтого дома нет.\n```")
