"""Style fixes offered on the request as review suggestions, through each Git host's real API:
GitHub's pull request review, GitLab's merge request threads; each posted once, only on lines
the request adds, and a read-only token only earns a warning."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import httpx
import pytest
from conftest import Scripted

from publisher.content.stylecheck import LineFix
from publisher.core.errors import ApprovalError
from publisher.forge import comment_limit, detect
from publisher.forge.base import SUGGESTION_MARKER, added_lines
from publisher.forge.github import GitHub
from publisher.forge.gitlab import GitLab

GITHUB_ENV = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "city/smm",
    "GITHUB_TOKEN": "ghs_secret_token_value",
    "GITHUB_API_URL": "https://api.github.test",
}
GITLAB_ENV = {
    "GITLAB_CI": "true",
    "CI_PROJECT_ID": "42",
    "GITLAB_TOKEN": "glpat-secret",
    "CI_API_V4_URL": "https://gl.test/api/v4",
}
PATCH = (
    "@@ -1,4 +1,6 @@\n"
    " ---\n"
    " title: Ремонт\n"
    " ---\n"
    "-Старый текст.\n"
    "+Данного дома нет.\n"
    "+Котельная функционирует.\n"
    "@@ -10,2 +12,3 @@ context\n"
    " Ещё строка.\n"
    "+В настоящее время `код` идёт.\n"
    "\\ No newline at end of file"
)
FIXES = [
    LineFix(
        "content/news.md", 4, "Данного дома нет.", "Этого дома нет.", "Стиль: «Данного» → «Этого»"
    ),
    LineFix(
        "content/news.md", 13, "В настоящее время `код` идёт.", "Сейчас `код` идёт.", "Стиль: …"
    ),
    LineFix("content/news.md", 12, "Ещё строка.", "Ещё строка!", "an unchanged line"),
    LineFix("content/news.md", 5, "Другой текст.", "Иной текст.", "the line changed since"),
    LineFix("content/old.md", 1, "Данный.", "Этот.", "a file the request leaves alone"),
]


class Given:
    """The fixes of the files asked for, as a check makes them; it keeps what it was asked."""

    def __init__(self, fixes: list[LineFix]) -> None:
        self.fixes = fixes
        self.asked: list[set[str]] = []

    def __call__(self, files: Collection[str]) -> list[LineFix]:
        self.asked.append(set(files))
        return [fix for fix in self.fixes if fix.path in files]


def given(fixes: list[LineFix]) -> Given:
    return Given(fixes)


def test_the_lines_a_unified_diff_adds_by_their_new_number() -> None:
    assert added_lines(PATCH) == {
        4: "Данного дома нет.",
        5: "Котельная функционирует.",
        13: "В настоящее время `код` идёт.",
    }
    assert added_lines("@@ -0,0 +1,2 @@\n+a\r\n+b") == {1: "a", 2: "b"}
    assert added_lines("Binary files differ") == {}


def test_each_host_has_its_comment_limit() -> None:
    assert comment_limit(GITHUB_ENV) == 65_000
    assert comment_limit(GITLAB_ENV) == 1_000_000
    assert comment_limit({}) == 65_000, "outside CI: the smaller"


class FakeGitHub(Scripted):
    """A pull request's files, its review comments, and the reviews publisher creates."""

    def __init__(self, refused: bool = False, files: list[dict[str, Any]] | None = None) -> None:
        super().__init__(httpx.Response(404, json={"message": "Not Found"}))
        self.comments: list[dict[str, Any]] = [
            {"path": "content/news.md", "line": 5, "body": "a reviewer's own note", "id": 1}
        ]
        pull = "/repos/city/smm/pulls/7"
        files = files or [
            {"filename": "content/news.md", "status": "modified", "patch": PATCH},
            {"filename": "design/logo.png", "status": "added"},  # binary: no patch
            {"filename": "content/gone.md", "status": "removed", "patch": "@@ -1 +0,0 @@\n-x"},
        ]
        self.on("GET", f"{pull}/files", files)
        self.on("GET", f"{pull}/comments", lambda request: self.comments)
        forbidden = httpx.Response(403, json={"message": "Resource not accessible by integration"})
        self.on("POST", f"{pull}/reviews", forbidden if refused else self._review)

    def _review(self, request: httpx.Request) -> dict[str, Any]:
        review = json.loads(request.content)
        self.comments += [{**comment, "id": 100} for comment in review["comments"]]
        return {"id": 9, "html_url": "https://github.test/city/smm/pull/7#pullrequestreview-9"}


def github(transport: Scripted) -> GitHub:
    forge = detect(GITHUB_ENV, transport)
    assert isinstance(forge, GitHub)
    return forge


def test_github_gets_one_review_with_a_suggestion_on_each_added_line() -> None:
    fake, fixes = FakeGitHub(), given(FIXES)
    done = github(fake).suggest(7, fixes)
    assert fixes.asked == [{"content/news.md"}], "only the files the request changes are linted"
    assert (done.posted, done.already, done.outside_diff) == (2, 0, 2)
    assert done.url.endswith("#pullrequestreview-9")
    [sent] = fake.sent("POST", "/repos/city/smm/pulls/7/reviews")
    assert sent.headers["Authorization"] == "Bearer ghs_secret_token_value"
    review = json.loads(sent.content)
    assert review["event"] == "COMMENT" and SUGGESTION_MARKER in review["body"]
    assert "2" in review["body"]
    first, second = review["comments"]
    assert {k: first[k] for k in ("path", "line", "side")} == {
        "path": "content/news.md",
        "line": 4,
        "side": "RIGHT",
    }
    assert first["body"] == (
        f"{SUGGESTION_MARKER}\nСтиль: «Данного» → «Этого»\n\n```suggestion\nЭтого дома нет.\n```"
    )
    assert second["line"] == 13 and "```suggestion\nСейчас `код` идёт.\n```" in second["body"]


def test_no_backtick_run_of_the_line_closes_its_suggestion_block() -> None:
    fix = LineFix("a.md", 1, "x", "Пример: ```код``` и @mayor", "Стиль: «x» → «y»")
    body = github(FakeGitHub()).suggestion_body(fix)
    assert body.endswith("\n````suggestion\nПример: ```код``` и @mayor\n````")


def test_github_posts_each_suggestion_once_however_many_runs_offer_it() -> None:
    fake = FakeGitHub()
    github(fake).suggest(7, given(FIXES))
    again = github(fake).suggest(7, given(FIXES))
    assert (again.posted, again.already) == (0, 2)
    assert len(fake.sent("POST", "/reviews")) == 1, "no empty review either"


def test_a_forks_read_only_token_is_refused_without_the_token_in_the_message() -> None:
    fake = FakeGitHub(refused=True)
    with pytest.raises(ApprovalError) as error:
        github(fake).suggest(7, given(FIXES))
    assert "403" in error.value.message and "ghs_secret" not in error.value.message


def test_nothing_is_sent_when_no_fix_lies_on_the_diff() -> None:
    fake = FakeGitHub()
    done = github(fake).suggest(7, given(FIXES[2:]))
    assert (done.posted, done.outside_diff) == (0, 2)
    assert [r.method for r in fake.requests] == ["GET"], "only the list of files"


class FakeGitLab(Scripted):
    """A merge request's diff refs and diffs, its threads, and the threads publisher starts."""

    def __init__(self, with_refs: bool = True) -> None:
        super().__init__(httpx.Response(404, json={"message": "404 Not found"}))
        self.discussions: list[dict[str, Any]] = []
        request = "/projects/42/merge_requests/3"
        refs = {"base_sha": "b" * 40, "start_sha": "s" * 40, "head_sha": "h" * 40}
        diffs = [
            {
                "old_path": "content/old-name.md",
                "new_path": "content/news.md",
                "renamed_file": True,
                "deleted_file": False,
                "diff": PATCH,
            },
            {"old_path": "x.md", "new_path": "x.md", "deleted_file": True, "diff": "-x"},
        ]
        self.on("GET", f"{request}/diffs", diffs)
        self.on("GET", f"{request}/discussions", lambda _request: self.discussions)
        self.on("POST", f"{request}/discussions", self._start)
        shown = {"iid": 3, "web_url": "https://gl.test/mr/3"} | (
            {"diff_refs": refs} if with_refs else {}
        )
        self.on("GET", request, shown)

    def _start(self, request: httpx.Request) -> httpx.Response:
        thread = json.loads(request.content)
        note = {"body": thread["body"], "position": thread["position"]}
        self.discussions.append({"id": "d1", "notes": [note]})
        return httpx.Response(201, json=self.discussions[-1])


def gitlab(transport: Scripted) -> GitLab:
    forge = detect(GITLAB_ENV, transport)
    assert isinstance(forge, GitLab)
    return forge


def test_gitlab_gets_a_thread_with_a_suggestion_on_each_added_line() -> None:
    fake = FakeGitLab()
    done = gitlab(fake).suggest(3, given(FIXES))
    assert (done.posted, done.already, done.outside_diff) == (2, 0, 2)
    assert done.url == "https://gl.test/mr/3"
    sent = fake.sent("POST", "/merge_requests/3/discussions")
    assert all(r.headers["PRIVATE-TOKEN"] == "glpat-secret" for r in fake.requests)
    first = json.loads(sent[0].content)
    assert first["position"] == {
        "position_type": "text",
        "base_sha": "b" * 40,
        "start_sha": "s" * 40,
        "head_sha": "h" * 40,
        "old_path": "content/old-name.md",
        "new_path": "content/news.md",
        "new_line": 4,
    }
    assert first["body"].endswith("```suggestion:-0+0\nЭтого дома нет.\n```")
    again = gitlab(fake).suggest(3, given(FIXES))
    assert (again.posted, again.already) == (0, 2)
    assert len(fake.sent("POST", "/discussions")) == 2


def test_gitlab_without_diff_refs_is_an_error_not_a_guess() -> None:
    fake = FakeGitLab(with_refs=False)
    with pytest.raises(ApprovalError, match="!3"):
        gitlab(fake).suggest(3, given(FIXES))
    assert not fake.sent("POST", "/discussions")


def test_at_most_thirty_suggestions_a_run_the_rest_next_time() -> None:
    lines = "".join(f"+Данного дома {n} нет.\n" for n in range(40))
    fake = FakeGitHub(files=[{"filename": "a.md", "patch": f"@@ -0,0 +1,40 @@\n{lines}"}])
    many = [
        LineFix("a.md", n + 1, f"Данного дома {n} нет.", f"Этого дома {n} нет.", "Стиль")
        for n in range(40)
    ]
    first = github(fake).suggest(7, given(many))
    assert (first.posted, first.already) == (30, 0)
    second = github(fake).suggest(7, given(many))
    assert (second.posted, second.already) == (10, 30)
