"""A request opened for a branch, and found again by its head branch, on GitHub and GitLab."""

from __future__ import annotations

import json

import httpx
import pytest
from conftest import FORGE_ENVS, FakeRequests, Scripted

from publisher.core.errors import ApprovalError
from publisher.forge import detect

BRANCH = "publisher/itogi-2026-12-konkurs"


def test_github_opens_a_pull_request_with_head_base_title_and_body() -> None:
    fake = FakeRequests("github")
    forge = detect(FORGE_ENVS["github"], fake)
    assert forge is not None
    assert forge.find_request(BRANCH) is None
    url = forge.open_request(BRANCH, "main", "Итоги", "Тело")
    assert url == "https://github.test/city/smm/pull/1"
    [post] = fake.sent("POST", "/repos/city/smm/pulls")
    assert json.loads(post.content) == {
        "title": "Итоги",
        "head": BRANCH,
        "base": "main",
        "body": "Тело",
    }
    [listed] = fake.sent("GET", "/repos/city/smm/pulls")
    assert listed.url.params["head"] == f"city:{BRANCH}"
    assert listed.url.params["state"] == "all"
    assert forge.find_request(BRANCH) == url


def test_gitlab_opens_a_merge_request_that_removes_its_branch() -> None:
    fake = FakeRequests("gitlab")
    forge = detect(FORGE_ENVS["gitlab"], fake)
    assert forge is not None
    assert forge.find_request(BRANCH) is None
    url = forge.open_request(BRANCH, "main", "Итоги", "Тело")
    assert url == "https://gitlab.test/city/smm/-/merge_requests/1"
    [post] = fake.sent("POST", "/projects/city%2Fsmm/merge_requests")
    assert json.loads(post.content) == {
        "source_branch": BRANCH,
        "target_branch": "main",
        "title": "Итоги",
        "description": "Тело",
        "remove_source_branch": True,
    }
    assert forge.find_request(BRANCH) == url


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_a_closed_or_merged_request_counts_and_another_branch_does_not(kind: str) -> None:
    """A request a person closed is an answer; a host that ignores the filter and lists every
    request still finds only the branch's own."""
    head = {"head": {"ref": "other"}} if kind == "github" else {"source_branch": "other"}
    mine = {"head": {"ref": BRANCH}} if kind == "github" else {"source_branch": BRANCH}
    other = {**head, "html_url": "https://x/1", "web_url": "https://x/1"}
    closed = {**mine, "state": "closed", "html_url": "https://x/2", "web_url": "https://x/2"}
    everything = Scripted().on("GET", ".*", [other, closed])
    env = FORGE_ENVS[kind]
    forge = detect(env, everything)
    assert forge is not None and forge.find_request(BRANCH) == "https://x/2"
    alone = detect(env, Scripted().on("GET", ".*", [other]))
    assert alone is not None and alone.find_request(BRANCH) is None


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_a_refusal_is_an_approval_error_without_the_token(kind: str) -> None:
    refused = httpx.Response(422, json={"message": "A pull request already exists"})
    fake = FakeRequests(kind, refuse=refused)
    forge = detect(FORGE_ENVS[kind], fake)
    assert forge is not None
    with pytest.raises(ApprovalError) as caught:
        forge.open_request(BRANCH, "main", "Итоги", "Тело")
    assert "422" in caught.value.message
    assert forge.token.reveal() not in caught.value.message
