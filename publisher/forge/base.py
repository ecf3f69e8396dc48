"""What publisher asks of a Git host."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import httpx

from publisher.content.stylecheck import LineFix
from publisher.core.errors import ApprovalError
from publisher.core.escape import printable
from publisher.core.i18n import _
from publisher.core.redact import Secret, redact

FORGE_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
PER_PAGE = 100
#: marks the review suggestions publisher posts, so that a later run posts each one only once
SUGGESTION_MARKER = "<!-- publisher-style -->"
#: the most suggestions one run posts: a request full of them is a request to rewrite
MAX_SUGGESTIONS = 30
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class Approval:
    """The merge request that brought a commit, the branch it went into, and who approved it
    (people who wrote or co-wrote none of its commits, on the head that was merged)."""

    number: int
    url: str
    author: str
    approvers: tuple[str, ...]
    merged: bool
    target: str = ""

    def check(self, required: int, branch: str = "") -> None:
        """Raise ApprovalError unless merged into ``branch`` with enough independent approvals."""
        if not self.merged:
            raise ApprovalError(
                _("Merge request {url} is not merged.", url=self.url),
                _("Publish only from the main branch after the merge."),
            )
        if branch and self.target != branch:
            raise ApprovalError(
                _(
                    "Merge request {url} was merged into '{target}', not into '{branch}' that is "
                    "published.",
                    url=self.url,
                    target=self.target,
                    branch=branch,
                ),
                _("Only a request merged into the publishing branch approves a change."),
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


_CO_AUTHOR = re.compile(r"^co-authored-by:\s*(.*?)\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)


def identities(names: Iterable[str], messages: Iterable[str]) -> frozenset[str]:
    """Every name, e-mail, e-mail user and GitHub login of the given authors and of the
    ``Co-authored-by:`` lines in the commit messages, lower-cased.

    A forge tells who approved by login (GitHub) or username and name (GitLab) but a commit
    names people by name and e-mail, so an approver is matched against all of these forms.
    """
    found: set[str] = {n for n in names if n}
    for message in messages:
        for name, email in _CO_AUTHOR.findall(message):
            found.update((name, email))
    for value in list(found):
        if "@" in value:
            login = _NOREPLY.match(value)
            found.add(login.group(1) if login else value.split("@", 1)[0])
    return frozenset(v.strip().lower() for v in found if v.strip())


@dataclass(frozen=True)
class Suggested:
    """What came of offering fixes on a request: posted now, posted by an earlier run, or on
    lines the request does not add (a Git host takes suggestions only on its diff)."""

    posted: int = 0
    already: int = 0
    outside_diff: int = 0
    url: str = ""


def added_lines(patch: str) -> dict[int, str]:
    """The lines a unified diff of one file adds, by their number in the new file."""
    added: dict[int, str] = {}
    number = 0
    for line in patch.split("\n"):
        hunk = _HUNK.match(line)
        if hunk:
            number = int(hunk.group(1))
        elif line.startswith("+"):
            added[number] = line[1:].rstrip("\r")
            number += 1
        elif line.startswith(" ") or line == "":
            number += 1
    return added


def suggestion_body(fix: LineFix, info: str) -> str:
    """The marker, what the fix does, and the fixed line in a block the author applies
    (``info``: the Git host's word for a suggestion); no backtick run of the line closes it."""
    line = printable(fix.after)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{SUGGESTION_MARKER}\n{fix.note}\n\n{fence}{info}\n{line}\n{fence}"


class Forge(ABC):
    """A Git host's API, used with the CI job's own token."""

    name: str
    #: the longest comment the host takes, in characters
    comment_limit: int
    #: the info string of a suggestion's code block for one line
    suggestion_info: str

    def __init__(self, api_url: str, token: Secret, transport: httpx.BaseTransport | None) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.http = httpx.Client(transport=transport, timeout=FORGE_TIMEOUT)

    @abstractmethod
    def approval_for(self, sha: str, branch: str = "") -> Approval:
        """The merged request that brought ``sha`` (the one merged into ``branch`` when several
        did), its target branch, and its approvers on the merged head who wrote none of its
        commits."""

    @abstractmethod
    def upsert_comment(self, number: int, body: str, marker: str) -> str:
        """Create the request's plan comment or edit the one carrying ``marker``; return its URL."""

    @abstractmethod
    def upsert_issue(self, title: str, body: str, marker: str) -> str:
        """Create the open issue carrying ``marker`` or edit it; return its URL."""

    @abstractmethod
    def find_request(self, head: str) -> str | None:
        """The address of a request from branch ``head`` in any state (open, merged, closed),
        or None: a request a person closed is their answer, not a reason to open another."""

    @abstractmethod
    def open_request(self, head: str, base: str, title: str, body: str) -> str:
        """Open a request to merge branch ``head`` into ``base``; return its URL."""

    def suggest(
        self, number: int, fixes_of: Callable[[Collection[str]], Sequence[LineFix]]
    ) -> Suggested:
        """Offer the fixes of the files the request changes (``fixes_of`` them) as suggestions:
        only on lines the request adds with the text the fix starts from, each once however
        many runs offer it, at most ``MAX_SUGGESTIONS`` a run."""
        added = self._added_lines(number)
        fixes = fixes_of(added.keys()) if added else []
        fitting = [f for f in fixes if added.get(f.path, {}).get(f.line) == f.before]
        posted = self._posted(number) if fitting else set()
        fresh = [f for f in fitting if (f.path, f.line, self.suggestion_body(f)) not in posted]
        sent = fresh[:MAX_SUGGESTIONS]
        url = self._post_suggestions(number, sent) if sent else ""
        return Suggested(len(sent), len(fitting) - len(fresh), len(fixes) - len(fitting), url)

    def suggestion_body(self, fix: LineFix) -> str:
        return suggestion_body(fix, self.suggestion_info)

    @abstractmethod
    def _added_lines(self, number: int) -> dict[str, dict[int, str]]:
        """The lines the request adds, by file and by their number in its head commit."""

    @abstractmethod
    def _posted(self, number: int) -> set[tuple[str, int, str]]:
        """The (file, line, body) of every suggestion publisher has posted on the request."""

    @abstractmethod
    def _post_suggestions(self, number: int, fixes: Sequence[LineFix]) -> str:
        """Post the suggestions; return a link to them ("" when the host gives none)."""

    def _get(self, path: str, **params: object) -> object:
        return self._send("GET", path, params=params)

    def _get_all(self, path: str, pages: int = 10) -> list[object]:
        """Every item of a paginated list (``page``/``per_page``, as GitHub and GitLab take)."""
        items: list[object] = []
        for page in range(1, pages + 1):
            batch = self._get(path, per_page=PER_PAGE, page=page)
            if not isinstance(batch, list):
                break
            items.extend(batch)
            if len(batch) < PER_PAGE:
                break
        return items

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
