"""Attacks on people's moderation decisions in CI: a decision on a filed comment acts only when
it came through an approved, merged request, like an answer to a citizen; the job's own filing
and outcome commits need none, and a decision smuggled into one of them does not act."""

from __future__ import annotations

import json

import git
import httpx
import yaml
from security.test_approval import Ci, ci, commit

from publisher.moderation.log import read_log
from publisher.moderation.review import REVIEW_DIR

__all__ = ["ci"]  # the fixture, shared with the approval gate's tests

DOUBTFUL = "Мэр, вы взяточник"
JOB = "Test Officer <officer@example.org>"
MALLORY = "Mallory <mallory@city.example>"


def filed(ci: Ci) -> str:
    """A doubtful comment swept in CI; its review file, committed by the job."""
    box = ci.sandboxes()
    box.add_comment("vk", str(box.show()["vk"]["posts"][0]["id"]), DOUBTFUL, "501", "Житель")
    result = ci("moderate")
    assert result.exit_code == 0, result.output
    files = git.Repo(ci.repo).head.commit.stats.files
    (rel,) = [str(p) for p in files if str(p).startswith(REVIEW_DIR)]
    return rel


def decided(ci: Ci, rel: str, value: str) -> str:
    return (
        (ci.repo / rel).read_text(encoding="utf-8").replace("decision:\n", f"decision: {value}\n")
    )


def comments(ci: Ci) -> list[str]:
    return [str(c["text"]) for c in ci.sandboxes().show()["vk"]["posts"][0]["comments"]]


def test_an_approved_decision_is_carried_out_and_names_its_approvers(ci: Ci) -> None:
    rel = filed(ci)
    ci.forge.merge(commit(ci.repo, {rel: decided(ci, rel, "remove")}, "Решение"))
    result = ci("moderate")
    assert result.exit_code == 0, result.output
    assert comments(ci) == []
    done = read_log(ci.repo)[-1]
    assert done.action == "deleted" and done.approved_by.startswith("chief (https://github.test/")
    again = ci("moderate")
    assert again.exit_code == 0, "the job's outcome commit needs no approval"


def test_a_directly_pushed_decision_removes_nothing(ci: Ci) -> None:
    rel = filed(ci)
    pushed = commit(ci.repo, {rel: decided(ci, rel, "ban")}, "Удалить", author=MALLORY)
    result = ci("moderate")
    assert result.exit_code == 1 and rel in result.output and pushed[:10] in result.output
    assert comments(ci) == [DOUBTFUL] and ci.sandboxes().show()["vk"]["banned"] == []


def test_a_decision_smuggled_into_a_job_commit_removes_nothing(ci: Ci) -> None:
    rel = filed(ci)
    commit(ci.repo, {rel: decided(ci, rel, "remove")}, "publisher: moderation, 1 actions\n", JOB)
    result = ci("moderate")
    assert result.exit_code == 1 and rel in result.output, result.output
    assert comments(ci) == [DOUBTFUL]


def test_a_file_the_job_adds_with_a_decision_in_it_is_not_its_own(ci: Ci) -> None:
    rel = f"{REVIEW_DIR}/vk-77.md"
    front = {"account": "vk", "network": "vk", "post": "1", "comment": "77", "decision": "ban"}
    text = f"---\n{yaml.safe_dump(front)}---\n"
    commit(ci.repo, {rel: text}, "publisher: moderation, 1 actions\n", JOB)
    result = ci("moderate")
    assert result.exit_code == 1 and rel in result.output, result.output


def test_the_comments_to_decide_are_kept_in_one_issue_updated_in_place(ci: Ci) -> None:
    issues: list[dict[str, object]] = []

    def create(request: httpx.Request) -> dict[str, object]:
        issues.append({**json.loads(request.content), "number": 5, "html_url": "https://gh/i/5"})
        return issues[-1]

    def edit(request: httpx.Request) -> dict[str, object]:
        issues[0].update(json.loads(request.content))
        return issues[0]

    ci.forge.on("GET", "/repos/city/smm/issues", lambda _request: issues)
    ci.forge.on("POST", "/repos/city/smm/issues", create)
    ci.forge.on("PATCH", r"/repos/city/smm/issues/5", edit)
    rel = filed(ci)
    assert issues == [], "moderate keeps the issue only when asked"
    assert "https://gh/i/5" in ci("moderate", "--issue").output
    assert rel in str(issues[0]["body"]) and "взяточник" in str(issues[0]["body"])
    assert issues[0]["title"] == "Комментарии, ждущие решения модератора"
    ci.forge.merge(commit(ci.repo, {rel: decided(ci, rel, "keep")}, "Решение"))
    assert ci("moderate", "--issue").exit_code == 0
    assert len(issues) == 1 and rel not in str(issues[0]["body"])
    assert "Ни один комментарий не ждёт решения." in str(issues[0]["body"])
