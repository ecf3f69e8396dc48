"""A contest's results post, offered for approval as a request on the Git host.

``apply`` writes the results post as a draft and commits it with the draw (``engine.contests``).
Once that commit is pushed, and where the job runs on a Git host (``forge.detect``: GitHub
Actions or GitLab CI, with the host's own token and API address from the environment), the run
pushes the branch ``publisher/itogi-<post id>`` with one commit that sets the draft's
``status: ready``, and opens a request from it into the published branch. Merging the request,
with the names written in and the approvals the branch requires, is the approval; nothing is
published before.

Each draft is offered once: by the run that wrote it. The branch name follows from the post id,
so a run that finds a request of that branch (in any state) opens none, and one that finds the
branch pushes nothing to it. A failure is told as a warning: the draft stays committed, and a
person can open the request by hand. No repository file names the host, the branch or the base.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.core.errors import PublisherError, RepoError
from publisher.core.escape import markdown_code, markdown_inline, one_line
from publisher.core.i18n import _
from publisher.engine.contests import ContestReport, ResultsDraft, ready_text
from publisher.engine.history import is_draft
from publisher.state.repo import (
    build_message,
    current_branch,
    file_at,
    push_new_branch,
    remote_has_branch,
)

if TYPE_CHECKING:
    import httpx

    from publisher.engine.workspace import Workspace
    from publisher.forge import Forge

BRANCH_PREFIX = "publisher/itogi-"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class ResultsRequest:
    """What became of one results post: its request (opened now or found), or why none."""

    post: str
    path: str
    url: str = ""
    #: opened by this run (else found, opened before)
    opened: bool = False
    #: why no request was opened: the draft waits for a person to open one
    error: str = ""
    #: no Git host here, or the results were not pushed: nothing was tried
    manual: bool = False


def request_branch(post_id: str) -> str:
    """``publisher/itogi-`` and the post id with ``/`` as ``-``: a valid branch name whatever
    the id holds (another character becomes ``-``, and a short hash of the id keeps two such
    ids apart)."""
    plain = post_id.replace("/", "-")
    safe = _UNSAFE.sub("-", plain).strip("-") or "post"
    if safe != plain:
        safe += "-" + hashlib.sha256(post_id.encode()).hexdigest()[:8]
    return BRANCH_PREFIX + safe


def offer_results(
    ws: Workspace,
    report: ContestReport,
    pushed: bool,
    transport: httpx.BaseTransport | None = None,
) -> tuple[ResultsRequest, ...]:
    """Open a request for each results post the run wrote (``pushed``: its commit is on the
    remote); where there is no Git host or nothing was pushed, say that a person does it."""
    drafts = [report.results[post] for post in sorted(report.results)]
    if not drafts:
        return ()
    from publisher.forge import detect  # the HTTP client: only when there is a draft

    try:
        forge = detect(ws.env, transport) if pushed else None
    except PublisherError as exc:
        return tuple(ResultsRequest(d.post, d.path, error=exc.message) for d in drafts)
    if forge is None:
        return tuple(ResultsRequest(d.post, d.path, manual=True) for d in drafts)
    return tuple(_offer(ws, forge, draft) for draft in drafts)


def _offer(ws: Workspace, forge: Forge, draft: ResultsDraft) -> ResultsRequest:
    branch = request_branch(draft.post)
    try:
        found = forge.find_request(branch)
        if found is not None:
            return ResultsRequest(draft.post, draft.path, found)
        if not remote_has_branch(ws.repo, branch):
            push_new_branch(ws.repo, branch, draft.path, _ready(ws, draft), _message(draft))
        base = current_branch(ws.repo)
        if not base:
            raise RepoError(_("Cannot tell which branch the results were pushed to."))
        url = forge.open_request(branch, base, request_title(draft), request_body(draft))
    except PublisherError as exc:
        return ResultsRequest(draft.post, draft.path, error=exc.message)
    return ResultsRequest(draft.post, draft.path, url, opened=True)


def _ready(ws: Workspace, draft: ResultsDraft) -> str:
    """The committed draft with ``status: ready``; RepoError if it is not the draft any more."""
    text = file_at(ws.repo, "HEAD", draft.path)
    ready = ready_text(text) if text is not None and is_draft(text) else None
    if ready is None or is_draft(ready):
        raise RepoError(_("{path} is not a committed draft.", path=draft.path))
    return ready


def _message(draft: ResultsDraft) -> str:
    subject = _("Contest results ready for approval: {post}", post=draft.post)
    line = _(
        "status: ready in {path}; write the winners' names in before merging.", path=draft.path
    )
    return build_message(subject, [line])


def request_title(draft: ResultsDraft) -> str:
    return one_line(_("Contest results: {title}", title=draft.title))


def request_body(draft: ResultsDraft) -> str:
    """What the reviewers read: the winners by pseudonym, how to check the draw, what to write
    in before merging, and that merging publishes. The title and the id are made inert."""
    winners = "\n".join(f"{n}. {markdown_code(code)}" for n, code in enumerate(draft.winners, 1))
    verify = markdown_code(f"publisher contest verify {draft.post}")
    find = markdown_code(f"publisher contest winners {draft.post}")
    parts = [
        _(
            "The contest \u00ab{title}\u00bb has been drawn: {count} people took part. The winners "
            "by pseudonym, in draw order:",
            title=markdown_inline(draft.title),
            count=draft.entrants,
        ),
        winners or _("Nobody took part."),
        _(
            "Anyone can check the draw: {command} draws it again from the file and the Git history "
            "and compares.",
            command=verify,
        ),
        _(
            "Before merging, write the winners' names into {path} once they agree: {command}, "
            "run with the token, shows the links to their pages in the terminal and writes "
            "them nowhere.",
            path=markdown_code(draft.path),
            command=find,
        ),
        _(
            "This request sets status: ready. Merging it is the approval: the next publisher "
            "apply publishes the results; nothing is published before."
        ),
    ]
    return "\n\n".join(parts)
