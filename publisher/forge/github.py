"""GitHub REST: the pull request of a commit, its reviews, and the plan comment.

Endpoints (https://docs.github.com/en/rest): ``GET /repos/{o}/{r}/commits/{sha}/pulls`` (pull
requests associated with a commit; ``merged_at``, ``merge_commit_sha``, ``base.ref`` the branch it
went into, ``head.sha``), ``GET /repos/{o}/{r}/pulls/{n}/reviews`` (each review's ``state`` and the
``commit_id`` it was given on) and ``GET /repos/{o}/{r}/pulls/{n}/commits`` (at most 250 commits,
each with ``author.login`` and ``commit.author``/``commit.message`` for ``Co-authored-by:``).

Style suggestions: ``GET /repos/{o}/{r}/pulls/{n}/files`` (at most 3000 files; each file's
``filename`` and ``patch``, the unified diff, absent for a binary or very large file), ``GET
/repos/{o}/{r}/pulls/{n}/comments`` (review comments: ``path``, ``line``, ``body``) and ``POST
/repos/{o}/{r}/pulls/{n}/reviews`` with ``event: COMMENT``, a ``body`` and ``comments`` of
``path``, ``line`` (in the file as the request's head has it), ``side: RIGHT`` and ``body``; a
comment on a line outside the diff makes GitHub refuse the whole review (422), so only lines
the request adds are sent. A body's ```` ```suggestion ```` block replaces the line when the
author applies it. Creating a review needs the ``pull-requests: write`` permission the plan
comment already has; a fork's read-only token is refused (403) like the comment.

A contest's results: ``GET /repos/{o}/{r}/pulls`` with ``state=all`` and ``head=owner:branch``
(each request's ``head.ref`` and ``html_url``) finds the request of a branch, and ``POST
/repos/{o}/{r}/pulls`` with ``title``, ``head`` (a branch of this repository), ``base`` and
``body`` opens one (201; 422 when one is open for the branch already). The job's token needs
``pull-requests: write``, and the repository setting "Allow GitHub Actions to create and approve
pull requests" must be on, else GitHub answers 403. A request opened with ``GITHUB_TOKEN``
starts no workflow run (GitHub's rule against loops), so its checks wait for a person's push.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from publisher.content.stylecheck import LineFix
from publisher.core.errors import ApprovalError
from publisher.core.i18n import _
from publisher.core.redact import Secret
from publisher.forge.base import SUGGESTION_MARKER, Approval, Forge, added_lines, identities

API_VERSION = "2022-11-28"


class GitHub(Forge):
    """``GITHUB_API_URL``, ``GITHUB_REPOSITORY`` and the job's ``GITHUB_TOKEN``."""

    name = "GitHub"
    #: GitHub refuses a body over 65,536 characters; this keeps a margin
    comment_limit = 65_000
    suggestion_info = "suggestion"

    def __init__(
        self,
        api_url: str,
        repository: str,
        token: Secret,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(api_url, token, transport)
        self.repository = repository

    @classmethod
    def from_env(cls, env: Mapping[str, str], transport: httpx.BaseTransport | None) -> GitHub:
        token = env.get("GITHUB_TOKEN", "")
        if not token:
            raise ApprovalError(
                _("GITHUB_TOKEN is not set: cannot check who approved the merge."),
                _("Pass it to the step: env: GITHUB_TOKEN: ${{ github.token }}"),
            )
        api = env.get("GITHUB_API_URL", "https://api.github.com")
        return cls(api, env["GITHUB_REPOSITORY"], Secret(token, "GITHUB_TOKEN"), transport)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token.reveal()}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        }

    def approval_for(self, sha: str, branch: str = "") -> Approval:
        pulls = self._get(f"/repos/{self.repository}/commits/{sha}/pulls")
        merged = [p for p in _list(pulls) if p.get("merged_at")]
        if not merged:
            raise ApprovalError(
                _("Commit {sha} did not come through a merged pull request.", sha=sha[:10]),
                _("Changes reach the networks only through an approved pull request."),
            )
        pull = _best(merged, sha, branch)
        number = int(pull["number"])
        reviews = self._get_all(f"/repos/{self.repository}/pulls/{number}/reviews")
        commits = self._get_all(f"/repos/{self.repository}/pulls/{number}/commits")
        author = str(pull.get("user", {}).get("login", ""))
        head = str(pull.get("head", {}).get("sha", ""))
        writers = _writers(author, _list(commits))
        return Approval(
            number=number,
            url=str(pull.get("html_url", "")),
            author=author,
            approvers=tuple(
                a for a in approvers(_list(reviews), author, head) if a.lower() not in writers
            ),
            merged=True,
            target=str(pull.get("base", {}).get("ref", "")),
        )

    def upsert_comment(self, number: int, body: str, marker: str) -> str:
        base = f"/repos/{self.repository}/issues"
        comments = _list(self._get(f"{base}/{number}/comments", per_page=100))
        mine = next((c for c in comments if marker in str(c.get("body", ""))), None)
        if mine is not None:
            result = self._send("PATCH", f"{base}/comments/{mine['id']}", json={"body": body})
        else:
            result = self._send("POST", f"{base}/{number}/comments", json={"body": body})
        return str(result.get("html_url", "")) if isinstance(result, dict) else ""

    def upsert_issue(self, title: str, body: str, marker: str) -> str:
        """One open issue for the team, edited in place (found by its marker)."""
        base = f"/repos/{self.repository}/issues"
        issues = _list(self._get(base, state="open", per_page=100))
        mine = next((i for i in issues if marker in str(i.get("body", ""))), None)
        text = f"{marker}\n{body}"
        if mine is not None:
            result = self._send("PATCH", f"{base}/{mine['number']}", json={"body": text})
        else:
            result = self._send("POST", base, json={"title": title, "body": text})
        return str(result.get("html_url", "")) if isinstance(result, dict) else ""

    def find_request(self, head: str) -> str | None:
        """``head`` is filtered as ``owner:branch``, the form GitHub documents for it."""
        owner = self.repository.split("/", 1)[0]
        pulls = self._get(
            f"/repos/{self.repository}/pulls", state="all", head=f"{owner}:{head}", per_page=100
        )
        mine = [p for p in _list(pulls) if p.get("head", {}).get("ref") == head]
        return str(mine[0].get("html_url", "")) if mine else None

    def open_request(self, head: str, base: str, title: str, body: str) -> str:
        request = {"title": title, "head": head, "base": base, "body": body}
        result = self._send("POST", f"/repos/{self.repository}/pulls", json=request)
        return str(result.get("html_url", "")) if isinstance(result, dict) else ""

    def _added_lines(self, number: int) -> dict[str, dict[int, str]]:
        files = self._get_all(f"/repos/{self.repository}/pulls/{number}/files", pages=30)
        return {
            str(f["filename"]): added_lines(str(f["patch"]))
            for f in _list(files)
            if f.get("status") != "removed" and f.get("filename") and f.get("patch")
        }

    def _posted(self, number: int) -> set[tuple[str, int, str]]:
        comments = self._get_all(f"/repos/{self.repository}/pulls/{number}/comments")
        return {
            (str(c.get("path")), int(c["line"]), str(c.get("body")))
            for c in _list(comments)
            if isinstance(c.get("line"), int) and SUGGESTION_MARKER in str(c.get("body"))
        }

    def _post_suggestions(self, number: int, fixes: Sequence[LineFix]) -> str:
        """One review holding every suggestion, so the author gets one notification."""
        review = {
            "event": "COMMENT",
            "body": review_summary(len(fixes)),
            "comments": [
                {"path": f.path, "line": f.line, "side": "RIGHT", "body": self.suggestion_body(f)}
                for f in fixes
            ],
        }
        result = self._send("POST", f"/repos/{self.repository}/pulls/{number}/reviews", json=review)
        return str(result.get("html_url", "")) if isinstance(result, dict) else ""


def review_summary(count: int) -> str:
    """The body of a review of style suggestions."""
    return f"{SUGGESTION_MARKER}\n" + _(
        "Style: {count} fixes of bureaucratic wording, each ready to apply with one click "
        "(Commit suggestion).",
        count=count,
    )


def approvers(reviews: list[dict[str, Any]], author: str, head: str) -> tuple[str, ...]:
    """People whose latest review approves the merged head commit, the author excluded.

    Bots never count: a pull request's own check job holds a token that may write reviews
    (``pull-requests: write``, for the plan comment), and the code it runs is the request's.
    """
    latest: dict[str, dict[str, Any]] = {}
    for review in reviews:
        user = review.get("user") or {}
        login = str(user.get("login", ""))
        if user.get("type") == "Bot" or login.endswith("[bot]"):
            continue
        if review.get("state") in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[login] = review
    return tuple(
        sorted(
            login
            for login, review in latest.items()
            if review.get("state") == "APPROVED"
            and login != author
            and bool(head)
            and review.get("commit_id") == head
        )
    )


def _best(merged: list[dict[str, Any]], sha: str, branch: str) -> dict[str, Any]:
    """The request merged into ``branch`` (the one whose merge commit is ``sha`` first); another
    branch's request only when there is none, so that its check names the wrong target."""
    into = [p for p in merged if p.get("base", {}).get("ref") == branch] or merged
    return next((p for p in into if p.get("merge_commit_sha") == sha), into[0])


def _writers(author: str, commits: list[dict[str, Any]]) -> frozenset[str]:
    """Who wrote the request: its author, every commit's author, and co-authors."""
    names = [author]
    for commit in commits:
        names.append(str((commit.get("author") or {}).get("login", "")))
        names.append(str(commit.get("commit", {}).get("author", {}).get("email", "")))
        names.append(str(commit.get("commit", {}).get("author", {}).get("name", "")))
    messages = [str(c.get("commit", {}).get("message", "")) for c in commits]
    return identities(names, messages)


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
