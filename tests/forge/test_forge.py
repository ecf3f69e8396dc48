"""The Git host: approvals of the merged request, and the plan comment updated in place."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from publisher.core.errors import ApprovalError
from publisher.forge import detect
from publisher.forge.github import GitHub
from publisher.forge.gitlab import GitLab

SHA = "a" * 40
HEAD = "b" * 40
GITHUB_ENV = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "city/smm",
    "GITHUB_TOKEN": "ghs_secret_token_value",
    "GITHUB_API_URL": "https://api.github.test",
}


def review(login: str, state: str, commit: str = HEAD) -> dict[str, Any]:
    return {"user": {"login": login}, "state": state, "commit_id": commit}


class FakeGitHub:
    """Answers the few GitHub REST calls publisher makes; records every request."""

    def __init__(
        self,
        reviews: list[dict[str, Any]],
        merged: bool = True,
        commits: list[dict[str, Any]] | None = None,
        base: str = "main",
    ) -> None:
        self.reviews = reviews
        self.merged = merged
        self.commits = commits or []
        self.base = base
        self.requests: list[httpx.Request] = []
        self.comments: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.headers["Authorization"] == "Bearer ghs_secret_token_value"
        path = request.url.path
        if path == f"/repos/city/smm/commits/{SHA}/pulls":
            pull = {
                "number": 7,
                "html_url": "https://github.test/city/smm/pull/7",
                "user": {"login": "officer"},
                "head": {"sha": HEAD},
                "base": {"ref": self.base},
                "merge_commit_sha": SHA,
                "merged_at": "2026-12-01T09:00:00Z" if self.merged else None,
            }
            return httpx.Response(200, json=[pull])
        if path == "/repos/city/smm/pulls/7/reviews":
            return httpx.Response(200, json=self.reviews)
        if path == "/repos/city/smm/pulls/7/commits":
            return httpx.Response(200, json=self.commits)
        if path == "/repos/city/smm/issues/7/comments" and request.method == "GET":
            return httpx.Response(200, json=self.comments)
        if path == "/repos/city/smm/issues/7/comments" and request.method == "POST":
            body = json.loads(request.content)["body"]
            self.comments.append({"id": 99, "body": body, "html_url": "https://c/99"})
            return httpx.Response(201, json=self.comments[-1])
        if path == "/repos/city/smm/issues/comments/99" and request.method == "PATCH":
            self.comments[0]["body"] = json.loads(request.content)["body"]
            return httpx.Response(200, json=self.comments[0])
        return httpx.Response(404, json={"message": "Not Found"})


def github(fake: FakeGitHub) -> GitHub:
    forge = detect(GITHUB_ENV, httpx.MockTransport(fake))
    assert isinstance(forge, GitHub)
    return forge


def test_approvers_exclude_the_author_stale_and_withdrawn_reviews() -> None:
    fake = FakeGitHub(
        [
            review("officer", "APPROVED"),
            review("chief", "APPROVED"),
            review("deputy", "APPROVED", commit="c" * 40),
            review("lawyer", "APPROVED"),
            review("lawyer", "CHANGES_REQUESTED"),
            review("editor", "COMMENTED"),
        ]
    )
    approval = github(fake).approval_for(SHA)
    assert approval.approvers == ("chief",)
    assert approval.url.endswith("/pull/7") and approval.number == 7
    approval.check(1)
    with pytest.raises(ApprovalError, match="1"):
        approval.check(2)


def test_unmerged_or_unreviewed_request_is_refused() -> None:
    with pytest.raises(ApprovalError):
        github(FakeGitHub([], merged=False)).approval_for(SHA)
    approval = github(FakeGitHub([review("officer", "APPROVED")])).approval_for(SHA)
    with pytest.raises(ApprovalError) as error:
        approval.check(1)
    assert "ghs_secret" not in str(error.value.message)


def test_plan_comment_is_created_once_then_edited() -> None:
    fake = FakeGitHub([])
    forge = github(fake)
    forge.upsert_comment(7, "<!-- m -->\nплан 1", "<!-- m -->")
    forge.upsert_comment(7, "<!-- m -->\nплан 2", "<!-- m -->")
    assert [r.method for r in fake.requests] == ["GET", "POST", "GET", "PATCH"]
    assert len(fake.comments) == 1 and fake.comments[0]["body"].endswith("план 2")


def test_api_errors_become_approval_errors_without_the_token() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "Resource not accessible by integration"})

    forge = detect(GITHUB_ENV, httpx.MockTransport(broken))
    assert forge is not None
    with pytest.raises(ApprovalError) as error:
        forge.approval_for(SHA)
    assert "403" in error.value.message and "ghs_secret" not in error.value.message


def test_no_forge_outside_ci_and_missing_token_is_explained() -> None:
    assert detect({}) is None
    with pytest.raises(ApprovalError, match="GITHUB_TOKEN"):
        detect({**GITHUB_ENV, "GITHUB_TOKEN": ""})


def test_gitlab_approvals_and_notes() -> None:
    notes: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["PRIVATE-TOKEN"] == "glpat-secret"
        path = request.url.path
        if path.endswith(f"/repository/commits/{SHA}/merge_requests"):
            mr = {
                "iid": 3,
                "state": "merged",
                "merge_commit_sha": SHA,
                "web_url": "https://gl/mr/3",
                "author": {"username": "officer"},
                "sha": HEAD,
                "target_branch": "main",
            }
            return httpx.Response(200, json=[mr])
        if path.endswith("/merge_requests/3/approvals"):
            approved = [
                {"user": {"username": "officer"}, "approved_at": "2026-12-01T10:00:00Z"},
                {"user": {"username": "chief"}, "approved_at": "2026-12-01T10:00:00Z"},
            ]
            return httpx.Response(200, json={"approved_by": approved})
        if path.endswith("/merge_requests/3/versions"):
            pushed = {"head_commit_sha": HEAD, "created_at": "2026-12-01T09:00:00.000Z"}
            return httpx.Response(200, json=[pushed])
        if path.endswith("/merge_requests/3/commits"):
            return httpx.Response(200, json=[])
        if path.endswith("/merge_requests/3/notes") and request.method == "GET":
            return httpx.Response(200, json=notes)
        if path.endswith("/merge_requests/3/notes") and request.method == "POST":
            notes.append({"id": 5, "body": json.loads(request.content)["body"]})
            return httpx.Response(201, json=notes[-1])
        if path.endswith("/merge_requests/3/notes/5") and request.method == "PUT":
            notes[0]["body"] = json.loads(request.content)["body"]
            return httpx.Response(200, json=notes[0])
        return httpx.Response(404)

    env = {
        "GITLAB_CI": "true",
        "CI_PROJECT_ID": "42",
        "GITLAB_TOKEN": "glpat-secret",
        "CI_API_V4_URL": "https://gl/api/v4",
    }
    forge = detect(env, httpx.MockTransport(handler))
    assert isinstance(forge, GitLab)
    approval = forge.approval_for(SHA)
    assert approval.approvers == ("chief",) and approval.url == "https://gl/mr/3"
    forge.upsert_comment(3, "<!-- m --> a", "<!-- m -->")
    forge.upsert_comment(3, "<!-- m --> b", "<!-- m -->")
    assert len(notes) == 1 and notes[0]["body"].endswith("b")
