"""GitLab API v4: the merge request of a commit, its approvals, and the plan note."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from ..errors import ApprovalError
from ..i18n import _
from ..redact import Secret
from .base import Approval, Forge


class GitLab(Forge):
    """``CI_API_V4_URL``, ``CI_PROJECT_ID`` and a token in ``GITLAB_TOKEN`` (API scope)."""

    name = "GitLab"

    def __init__(
        self,
        api_url: str,
        project: str,
        token: Secret,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(api_url, token, transport)
        self.project = quote(project, safe="")

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

    def approval_for(self, sha: str) -> Approval:
        requests = self._get(f"/projects/{self.project}/repository/commits/{sha}/merge_requests")
        merged = [r for r in _list(requests) if r.get("state") == "merged"]
        if not merged:
            raise ApprovalError(
                _("Commit {sha} did not come through a merged pull request.", sha=sha[:10]),
                _("Changes reach the networks only through an approved pull request."),
            )
        request = next(
            (r for r in merged if sha in (r.get("merge_commit_sha"), r.get("squash_commit_sha"))),
            merged[0],
        )
        iid = int(request["iid"])
        data = self._get(f"/projects/{self.project}/merge_requests/{iid}/approvals")
        author = str(request.get("author", {}).get("username", ""))
        approved = data.get("approved_by", []) if isinstance(data, dict) else []
        names = sorted(
            str(a.get("user", {}).get("username", ""))
            for a in approved
            if isinstance(a, dict) and a.get("user", {}).get("username") != author
        )
        return Approval(iid, str(request.get("web_url", "")), author, tuple(names), True)

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


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
