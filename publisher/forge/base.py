"""What publisher asks of a Git host."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import httpx

from ..errors import ApprovalError
from ..i18n import _
from ..redact import Secret, redact

FORGE_TIMEOUT = httpx.Timeout(20.0, connect=10.0)


@dataclass(frozen=True)
class Approval:
    """The merge request that brought a commit and who approved it."""

    number: int
    url: str
    author: str
    approvers: tuple[str, ...]
    merged: bool

    def check(self, required: int) -> None:
        """Raise ApprovalError unless enough people other than the author approved."""
        if not self.merged:
            raise ApprovalError(
                _("Merge request {url} is not merged.", url=self.url),
                _("Publish only from the main branch after the merge."),
            )
        if len(self.approvers) < required:
            raise ApprovalError(
                _(
                    "Merge request {url} has {count} approvals from people other than its author "
                    "(needed: {required}).",
                    url=self.url,
                    count=len(self.approvers),
                    required=required,
                ),
                _("Ask the head of the press service to approve it; nothing was published."),
            )

    def trailers(self) -> tuple[str, ...]:
        return tuple(f"Approved-by: {name}" for name in self.approvers)


class Forge(ABC):
    """A Git host's API, used with the CI job's own token."""

    name: str

    def __init__(self, api_url: str, token: Secret, transport: httpx.BaseTransport | None) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.http = httpx.Client(transport=transport, timeout=FORGE_TIMEOUT)

    @abstractmethod
    def approval_for(self, sha: str) -> Approval:
        """The merged request that brought ``sha`` and its approvers on the merged head."""

    @abstractmethod
    def upsert_comment(self, number: int, body: str, marker: str) -> str:
        """Create the request's plan comment or edit the one carrying ``marker``; return its URL."""

    @abstractmethod
    def upsert_issue(self, title: str, body: str, marker: str) -> str:
        """Create the open issue carrying ``marker`` or edit it; return its URL."""

    def _get(self, path: str, **params: object) -> object:
        return self._send("GET", path, params=params)

    def _send(self, method: str, path: str, **kwargs: object) -> object:
        url = f"{self.api_url}{path}"
        try:
            response = self.http.request(method, url, headers=self._headers(), **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise ApprovalError(
                _("Cannot reach {forge}: {error}", forge=self.name, error=redact(exc))
            ) from None
        if response.status_code >= 400:
            raise ApprovalError(
                _(
                    "{forge} answered {status} to {method} {path}: {body}",
                    forge=self.name,
                    status=response.status_code,
                    method=method,
                    path=path,
                    body=redact(response.text, limit=200),
                ),
                _("Check that the CI token may read pull requests and write comments."),
            )
        return response.json() if response.content else None

    @abstractmethod
    def _headers(self) -> dict[str, str]: ...
