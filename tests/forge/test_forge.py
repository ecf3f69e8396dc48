"""The Git host: approvals of the merged request, and the plan comment updated in place."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from conftest import Scripted

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


class FakeGitHub(Scripted):
    """The few GitHub REST calls publisher makes, scripted; the comments it keeps."""

    def __init__(
        self,
        reviews: list[dict[str, Any]],
        merged: bool = True,
        commits: list[dict[str, Any]] | None = None,
        base: str = "main",
    ) -> None:
        super().__init__(httpx.Response(404, json={"message": "Not Found"}))
        self.comments: list[dict[str, Any]] = []
        pull = {
            "number": 7,
            "html_url": "https://github.test/city/smm/pull/7",
            "user": {"login": "officer"},
            "head": {"sha": HEAD},
            "base": {"ref": base},
            "merge_commit_sha": SHA,
            "merged_at": "2026-12-01T09:00:00Z" if merged else None,
        }
        repo = "/repos/city/smm"
        self.on(None, f"{repo}/commits/{SHA}/pulls", [pull])
        self.on(None, f"{repo}/pulls/7/reviews", reviews)
        self.on(None, f"{repo}/pulls/7/commits", commits or [])
        self.on("GET", f"{repo}/issues/7/comments", lambda request: self.comments)
        self.on("POST", f"{repo}/issues/7/comments", self._create)
        self.on("PATCH", f"{repo}/issues/comments/99", self._edit)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer ghs_secret_token_value"
        return super().handle_request(request)

    def _create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)["body"]
        self.comments.append({"id": 99, "body": body, "html_url": "https://c/99"})
        return httpx.Response(201, json=self.comments[-1])

    def _edit(self, request: httpx.Request) -> dict[str, Any]:
        self.comments[0]["body"] = json.loads(request.content)["body"]
        return self.comments[0]


def github(fake: FakeGitHub) -> GitHub:
    forge = detect(GITHUB_ENV, fake)
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
    broken = Scripted(
        httpx.Response(403, json={"message": "Resource not accessible by integration"})
    )
    forge = detect(GITHUB_ENV, broken)
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

    def create(request: httpx.Request) -> httpx.Response:
        notes.append({"id": 5, "body": json.loads(request.content)["body"]})
        return httpx.Response(201, json=notes[-1])

    def edit(request: httpx.Request) -> dict[str, Any]:
        notes[0]["body"] = json.loads(request.content)["body"]
        return notes[0]

    merge_request = {
        "iid": 3,
        "state": "merged",
        "merge_commit_sha": SHA,
        "web_url": "https://gl/mr/3",
        "author": {"username": "officer"},
        "sha": HEAD,
        "target_branch": "main",
    }
    approved = [
        {"user": {"username": "officer"}, "approved_at": "2026-12-01T10:00:00Z"},
        {"user": {"username": "chief"}, "approved_at": "2026-12-01T10:00:00Z"},
    ]
    pushed = {"head_commit_sha": HEAD, "created_at": "2026-12-01T09:00:00.000Z"}
    gitlab = (
        Scripted(httpx.Response(404))
        .on(None, f"/repository/commits/{SHA}/merge_requests", [merge_request])
        .on(None, "/merge_requests/3/approvals", {"approved_by": approved})
        .on(None, "/merge_requests/3/versions", [pushed])
        .on(None, "/merge_requests/3/commits", [])
        .on("GET", "/merge_requests/3/notes", lambda request: notes)
        .on("POST", "/merge_requests/3/notes", create)
        .on("PUT", "/merge_requests/3/notes/5", edit)
    )

    env = {
        "GITLAB_CI": "true",
        "CI_PROJECT_ID": "42",
        "GITLAB_TOKEN": "glpat-secret",
        "CI_API_V4_URL": "https://gl/api/v4",
    }
    forge = detect(env, gitlab)
    assert isinstance(forge, GitLab)
    approval = forge.approval_for(SHA)
    assert approval.approvers == ("chief",) and approval.url == "https://gl/mr/3"
    forge.upsert_comment(3, "<!-- m --> a", "<!-- m -->")
    forge.upsert_comment(3, "<!-- m --> b", "<!-- m -->")
    assert len(notes) == 1 and notes[0]["body"].endswith("b")
    assert all(r.headers["PRIVATE-TOKEN"] == "glpat-secret" for r in gitlab.requests)
