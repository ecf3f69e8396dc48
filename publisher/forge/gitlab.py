"""GitLab API v4: the merge request of a commit, its approvals, and the plan note.

Endpoints (https://docs.gitlab.com/api/): ``GET /projects/:id/repository/commits/:sha/
merge_requests`` (``state``, ``target_branch``, ``sha`` the head, ``merge_commit_sha``),
``GET /projects/:id/merge_requests/:iid/approvals`` (``approved_by[].user`` and
``approved_by[].approved_at``), ``GET .../merge_requests/:iid/versions`` (one diff version per
push: ``head_commit_sha``, ``created_at``) and ``GET .../merge_requests/:iid/commits``
(``author_name``, ``author_email``, ``message``). GitLab records no commit per approval, unlike
a GitHub review's ``commit_id``: an approval counts only if given after the merged head was
pushed, so an approval of an earlier head does not cover commits added later.

Style suggestions: ``GET /projects/:id/merge_requests/:iid`` (``diff_refs``: ``base_sha``,
``start_sha``, ``head_sha``), ``GET .../merge_requests/:iid/diffs`` (GitLab 15.7+; each file's
``new_path``, ``old_path``, ``deleted_file`` and ``diff``, its unified diff), ``GET
.../merge_requests/:iid/discussions`` (each one's ``notes`` with ``body`` and ``position``) and
``POST .../merge_requests/:iid/discussions`` with a ``body`` and a ``position`` of
``position_type: text``, the three SHAs, ``old_path``, ``new_path`` and ``new_line`` (a line
the request adds has only a new line). A body's ```` ```suggestion:-0+0 ```` block replaces that
one line when the author applies it. The Reporter token of the plan note may start threads.

A contest's results: ``GET /projects/:id/merge_requests`` with ``source_branch`` (every state
when ``state`` is left out; ``source_branch`` and ``web_url`` of each) finds the request of a
branch, and ``POST /projects/:id/merge_requests`` with ``source_branch``, ``target_branch``,
``title``, ``description`` and ``remove_source_branch`` opens one (201; 409 when one is open
for the branch already). The publish job's ``GITLAB_TOKEN`` (``api`` scope, Developer or
Maintainer) may do both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from publisher.content.stylecheck import LineFix
from publisher.core.errors import ApprovalError
from publisher.core.i18n import _
from publisher.core.redact import Secret
from publisher.forge.base import SUGGESTION_MARKER, Approval, Forge, added_lines, identities


class GitLab(Forge):
    """``CI_API_V4_URL``, ``CI_PROJECT_ID`` and a token in ``GITLAB_TOKEN`` (API scope)."""

    name = "GitLab"
    #: GitLab refuses a note over 1,000,000 characters
    comment_limit = 1_000_000
    suggestion_info = "suggestion:-0+0"

    def __init__(
        self,
        api_url: str,
        project: str,
        token: Secret,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(api_url, token, transport)
        self.project = quote(project, safe="")
        #: each changed file's path before the request (a renamed file's old name), by new path
        self._old_paths: dict[str, str] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str], transport: httpx.BaseTransport | None) -> GitLab:
        token = env.get("GITLAB_TOKEN", "")
        if not token:
            raise ApprovalError(
                _("GITLAB_TOKEN is not set: cannot check who approved the merge."),
                _("Add a project access token with the read_api and api scopes as GITLAB_TOKEN."),
            )
        api = env.get("CI_API_V4_URL", "https://gitlab.com/api/v4")
        return cls(api, env["CI_PROJECT_ID"], Secret(token, "GITLAB_TOKEN"), transport)

    def _headers(self) -> dict[str, str]:
        return {"PRIVATE-TOKEN": self.token.reveal()}

    def approval_for(self, sha: str, branch: str = "") -> Approval:
        requests = self._get(f"/projects/{self.project}/repository/commits/{sha}/merge_requests")
        merged = [r for r in _list(requests) if r.get("state") == "merged"]
        if not merged:
            raise ApprovalError(
                _("Commit {sha} did not come through a merged pull request.", sha=sha[:10]),
                _("Changes reach the networks only through an approved pull request."),
            )
        request = _best(merged, sha, branch)
        iid = int(request["iid"])
        base = f"/projects/{self.project}/merge_requests/{iid}"
        data = self._get(f"{base}/approvals")
        approved = data.get("approved_by", []) if isinstance(data, dict) else []
        pushed = _pushed_at(_list(self._get_all(f"{base}/versions")), str(request.get("sha", "")))
        commits = _list(self._get_all(f"{base}/commits"))
        author = str(request.get("author", {}).get("username", ""))
        fields = ("author_name", "author_email")
        writers = identities(
            [author, *(str(c.get(k, "")) for c in commits for k in fields)],
            [str(c.get("message", "")) for c in commits],
        )
        names = sorted(
            str(a["user"].get("username", ""))
            for a in _list(approved)
            if isinstance(a.get("user"), dict)
            and not _BOT.match(str(a["user"].get("username", "")))
            and not writers & {str(a["user"].get(k, "")).lower() for k in ("username", "name")}
            and _covers(_moment(a.get("approved_at")), pushed)
        )
        url = str(request.get("web_url", ""))
        return Approval(iid, url, author, tuple(names), True, str(request.get("target_branch", "")))

    def upsert_comment(self, number: int, body: str, marker: str) -> str:
        base = f"/projects/{self.project}/merge_requests/{number}/notes"
        notes = _list(self._get(base, per_page=100))
        mine = next((n for n in notes if marker in str(n.get("body", ""))), None)
        if mine is not None:
            self._send("PUT", f"{base}/{mine['id']}", json={"body": body})
        else:
            self._send("POST", base, json={"body": body})
        return ""

    def upsert_issue(self, title: str, body: str, marker: str) -> str:
        """One open issue for the team, edited in place (found by its marker)."""
        base = f"/projects/{self.project}/issues"
        issues = _list(self._get(base, state="opened", per_page=100))
        mine = next((i for i in issues if marker in str(i.get("description", ""))), None)
        text = f"{marker}\n{body}"
        if mine is not None:
            result = self._send("PUT", f"{base}/{mine['iid']}", json={"description": text})
        else:
            result = self._send("POST", base, json={"title": title, "description": text})
        return str(result.get("web_url", "")) if isinstance(result, dict) else ""

    def find_request(self, head: str) -> str | None:
        """Without ``state`` GitLab lists requests in every state."""
        base = f"/projects/{self.project}/merge_requests"
        requests = self._get(base, source_branch=head, per_page=100)
        mine = [r for r in _list(requests) if r.get("source_branch") == head]
        return str(mine[0].get("web_url", "")) if mine else None

    def open_request(self, head: str, base: str, title: str, body: str) -> str:
        request = {
            "source_branch": head,
            "target_branch": base,
            "title": title,
            "description": body,
            "remove_source_branch": True,
        }
        result = self._send("POST", f"/projects/{self.project}/merge_requests", json=request)
        return str(result.get("web_url", "")) if isinstance(result, dict) else ""

    def _added_lines(self, number: int) -> dict[str, dict[int, str]]:
        diffs = self._get_all(f"/projects/{self.project}/merge_requests/{number}/diffs", pages=30)
        self._old_paths = {
            str(d["new_path"]): str(d.get("old_path") or d["new_path"])
            for d in _list(diffs)
            if d.get("new_path")
        }
        return {
            str(d["new_path"]): added_lines(str(d["diff"]))
            for d in _list(diffs)
            if not d.get("deleted_file") and d.get("new_path") and d.get("diff")
        }

    def _posted(self, number: int) -> set[tuple[str, int, str]]:
        discussions = self._get_all(f"/projects/{self.project}/merge_requests/{number}/discussions")
        found = set()
        for discussion in _list(discussions):
            for note in _list(discussion.get("notes")):
                position = note.get("position") or {}
                body = str(note.get("body"))
                if SUGGESTION_MARKER in body and isinstance(position.get("new_line"), int):
                    found.add((str(position.get("new_path")), int(position["new_line"]), body))
        return found

    def _post_suggestions(self, number: int, fixes: Sequence[LineFix]) -> str:
        """One thread per suggestion on its line (GitLab has no review of many at once)."""
        base = f"/projects/{self.project}/merge_requests/{number}"
        request = self._get(base)
        refs = request.get("diff_refs") if isinstance(request, dict) else None
        if not isinstance(refs, dict):
            raise ApprovalError(_("GitLab gave no diff of merge request !{number}.", number=number))
        url = str(request.get("web_url", "")) if isinstance(request, dict) else ""
        for fix in fixes:
            position = {
                "position_type": "text",
                "base_sha": refs.get("base_sha"),
                "start_sha": refs.get("start_sha"),
                "head_sha": refs.get("head_sha"),
                "old_path": self._old_paths.get(fix.path, fix.path),
                "new_path": fix.path,
                "new_line": fix.line,
            }
            body = self.suggestion_body(fix)
            self._send("POST", f"{base}/discussions", json={"body": body, "position": position})
        return url


#: the users behind project and group access tokens (``project_42_bot_<hash>``); a token is
#: not a person, and one may sit in a merge request pipeline that runs the request's own code
_BOT = re.compile(r"^(project|group)_\d+_bot")


def _best(merged: list[dict[str, Any]], sha: str, branch: str) -> dict[str, Any]:
    """The request merged into ``branch`` (the one whose merge or squash commit is ``sha``
    first); another branch's request only when there is none, so its check names the target."""
    into = [r for r in merged if r.get("target_branch") == branch] or merged
    return next(
        (r for r in into if sha in (r.get("merge_commit_sha"), r.get("squash_commit_sha"))),
        into[0],
    )


def _pushed_at(versions: list[dict[str, Any]], head: str) -> datetime | None:
    """When the merged head was first pushed to the request (None when unknown)."""
    times = [_moment(v.get("created_at")) for v in versions if v.get("head_commit_sha") == head]
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _covers(approved: datetime | None, pushed: datetime | None) -> bool:
    """An approval given after the merged head was pushed; unknown times never count."""
    return approved is not None and pushed is not None and approved >= pushed


def _moment(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
