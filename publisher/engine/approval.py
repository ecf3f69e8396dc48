"""Who approved what: the merged, reviewed request behind everything a run publishes.

In CI the Git host is asked, for every commit since the last recorded run that changed a path
still different from then (a post, its photos, an account, ``publisher.yml``, ``moderation.yml``,
``monitoring.yml``, ``departments.yml``, a cover template, an answer to a citizen...), which
request brought it, whether it was merged into the publishing branch and who approved its
merged head; one change without enough approvals
stops the whole run before anything is posted. The commit that last changed each post is checked
too, and names the post's source in its results. Before the first recorded run only those
commits and the last ones of the settings, accounts and designs are checked.

The last recorded run is the ``Source:`` of the newest result commit written by this job's own
Git identity (``git config user.email`` in the workflow). Commits by that identity with a
``publisher:`` subject that only change machine-owned files (results, moderation and inbox state,
the moderation log, newly filed citizens' messages, the status line of an answered one) need no
approval; every other commit does,
whoever wrote it, so editing a result file by hand (say, to have a post sent again) needs a
request too. An answer to a citizen goes out only when the last commit that changed its file is
an approved request's, so a message filed by the job with an answer already in it does not.

Git does not authenticate authors: someone who may push to the publishing branch directly could
forge the job's identity and, with it, a result commit that makes the history before it look
checked. Protect the branch (changes only through requests); this check catches direct pushes,
swapped files and hand edits that slip through, not a deliberate forgery by a maintainer.

Outside CI, publishing to real networks needs an explicit ``--skip-approval``, which is written
into the result commit. The sandbox needs neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from publisher.core.config import CONFIG_FILE
from publisher.core.errors import ApprovalError
from publisher.core.i18n import _
from publisher.core.model import Action, ActionKind, Plan
from publisher.engine.apply import Approvals, Provenance
from publisher.engine.history import change_texts, is_machine_change
from publisher.forge import Approval, Forge, detect
from publisher.inbox.departments import DEPARTMENTS_FILE
from publisher.moderation.monitoring import MONITORING_FILE
from publisher.moderation.rules import RULES_FILE
from publisher.state.repo import (
    RESULT_SUBJECT_PREFIX,
    Change,
    author_name,
    changed_paths,
    changes_since,
    commit_author,
    committer_email,
    current_branch,
    file_at,
    is_shallow,
    last_commit_touching,
    last_recorded_run,
)

if TYPE_CHECKING:
    from publisher.engine.workspace import Workspace


def collect_approvals(
    ws: Workspace,
    plan: Plan,
    skip: bool,
    forge_transport: httpx.BaseTransport | None = None,
) -> Approvals:
    """Check that every change since the last recorded run and the last change of every post the
    plan changes come from approved requests; raise ApprovalError at the first that does not."""
    head = ws.head()
    run_id = _run_id(ws)
    approvals = Approvals(Provenance(source_commit=head, run_id=run_id))
    # a step left for a person only looks at the network: it changes nothing there
    pending = [a for a in plan.pending if a.kind is not ActionKind.MANUAL]
    if not pending:
        return approvals
    forge = detect(ws.env, forge_transport)
    if forge is None:
        if skip:
            approvals.default = Provenance(head, skipped_by=author_name(ws.repo), run_id=run_id)
        elif ws.sandbox_dir is None:
            raise ApprovalError(
                _("Outside CI nothing is published to real networks without an approved merge."),
                _(
                    "Publish from CI after the merge, or add --skip-approval if you must; it is "
                    "recorded in the result commit."
                ),
            )
        return approvals
    gate = _Gate(forge, ws.config.approvals, _branch(ws))
    _check_history(ws, gate)
    for action in pending:
        path = _source_path(action.post_path or _post_path_of(action.result_file_path))
        for rel in _media_elsewhere(action, path):  # a single-file post's photo, media_dir
            gate.require(last_commit_touching(ws.repo, rel) or head, [rel])
        sha = last_commit_touching(ws.repo, path) or head
        approval = gate.require(sha, [path])
        approvals.per_post[action.result_file_path] = Provenance(
            source_commit=sha, approved_by=approval.approvers, approval=approval.url, run_id=run_id
        )
    return approvals


def require_approved_history(
    ws: Workspace, forge_transport: httpx.BaseTransport | None = None
) -> None:
    """In CI, before a command acts on the networks by the repository's rules (moderation by
    ``moderation.yml``, the cover by its template): every change since the last recorded run
    must come from an approved request. Outside CI a person runs it and answers for it."""
    forge = detect(ws.env, forge_transport)
    if forge is not None:
        _check_history(ws, _Gate(forge, ws.config.approvals, _branch(ws)))


def decision_approver(
    ws: Workspace, forge_transport: httpx.BaseTransport | None = None
) -> Callable[[str], str]:
    """Who approved the decision in a review file (``moderation/review/``), like an answer to a
    citizen: the last commit that changed the file must be committed, and in CI come from a
    merged request with enough approvals (its approvers and address are returned); outside CI
    the commit's author answers for it. Raises ApprovalError when the decision must not act."""
    forge = detect(ws.env, forge_transport)
    gate = _Gate(forge, ws.config.approvals, _branch(ws)) if forge is not None else None

    def approve(rel: str) -> str:
        path = ws.repo / rel
        text = path.read_text(encoding="utf-8") if path.is_file() else None
        sha = last_commit_touching(ws.repo, rel)
        if not sha or file_at(ws.repo, "HEAD", rel) != text:
            raise ApprovalError(
                _("The decision is not committed, so it is not carried out."),
                _("Commit it and have the request merged; the next moderate carries it out."),
            )
        if gate is None:
            return commit_author(ws.repo, sha)
        approval = gate.require(sha, [rel])
        return f"{', '.join(approval.approvers)} ({approval.url})"

    return approve


class Approver:
    """``collect_approvals`` for a plan that may be made again: the approvals of the last plan
    checked are the ones the run applies and records (see ``Workspace.reserve``)."""

    def __init__(
        self, ws: Workspace, skip: bool, forge_transport: httpx.BaseTransport | None = None
    ) -> None:
        self.ws, self.skip, self.forge_transport = ws, skip, forge_transport
        self.current = Approvals(Provenance(source_commit=""))

    def __call__(self, plan: Plan) -> Approvals:
        self.current = collect_approvals(self.ws, plan, self.skip, self.forge_transport)
        return self.current


class _Gate:
    """Asks the forge about each commit once and checks its request."""

    def __init__(self, forge: Forge, required: int, branch: str) -> None:
        self.forge, self.required, self.branch = forge, required, branch
        self.cache: dict[str, Approval] = {}

    def require(self, sha: str, paths: list[str]) -> Approval:
        """The approved request of ``sha``, or ApprovalError naming the commit and ``paths``."""
        try:
            if sha not in self.cache:
                self.cache[sha] = self.forge.approval_for(sha, self.branch)
            approval = self.cache[sha]
            approval.check(self.required, self.branch)
        except ApprovalError as exc:
            raise ApprovalError(
                _(
                    "Changes to {paths} in commit {sha} are not approved. {reason}",
                    sha=sha[:10],
                    paths=", ".join(paths),
                    reason=exc.message,
                ),
                exc.hint,
            ) from None
        return approval


def _check_history(ws: Workspace, gate: _Gate) -> None:
    """Every change since the last recorded run that still differs from what that run checked
    or wrote must be approved.

    Both ends count: a change to what the run published (its source) and a change to what it
    recorded (its result commit), so that deleting or reverting a result file by hand, which
    would have a post sent again, needs a request too.
    """
    if is_shallow(ws.repo):
        raise ApprovalError(
            _(
                "This clone has only part of the history, so it cannot be told who approved "
                "the changes since the last run; nothing was published."
            ),
            _("Fetch the whole history: fetch-depth: 0 in GitHub Actions, GIT_DEPTH: 0 in GitLab."),
        )
    bot = committer_email(ws.repo)
    run = last_recorded_run(ws.repo, bot)
    if run is None:
        for rel in (
            CONFIG_FILE,
            RULES_FILE,
            MONITORING_FILE,
            DEPARTMENTS_FILE,
            ws.config.accounts_dir,
            "design",
        ):
            sha = last_commit_touching(ws.repo, rel)
            if sha:
                gate.require(sha, [rel])
        return
    changed = changed_paths(ws.repo, run.source) | changed_paths(ws.repo, run.commit)
    for change in reversed(changes_since(ws.repo, run.source)):
        touched = sorted({rel for _status, rel in change.paths if rel in changed})
        if touched and not _machine(ws, change, bot):
            gate.require(change.sha, touched)


def _machine(ws: Workspace, change: Change, bot: str) -> bool:
    """A commit this job's identity wrote that only changed machine-owned files."""
    return (
        change.author_email == bot
        and change.subject.startswith(RESULT_SUBJECT_PREFIX)
        and all(
            is_machine_change(status, rel, change_texts(ws.repo, change.sha, rel))
            for status, rel in change.paths
        )
    )


def _branch(ws: Workspace) -> str:
    """The branch this job publishes: a request must have been merged into it."""
    ref = ws.env.get("GITHUB_REF", "")
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else ""
    branch = branch or ws.env.get("CI_COMMIT_BRANCH", "") or current_branch(ws.repo)
    if not branch:
        raise ApprovalError(
            _("Cannot tell which branch is published: nothing was published."),
            _("Run apply on the publishing branch (git checkout -B main)."),
        )
    return branch


def _media_elsewhere(action: Action, source: str) -> list[str]:
    """The files the action sends that lie outside the post's own file or folder."""
    media = action.rendered.media if action.rendered else ()
    return sorted({m.rel for m in media if not m.rel.startswith(source + "/")})


def _source_path(path: str) -> str:
    """A bundle's folder (its text and photos), or a single-file post."""
    return path[: -len("/index.md")] if path.endswith("/index.md") else path


def _post_path_of(result_file_path: str) -> str:
    if result_file_path.endswith("/published.yml"):
        return result_file_path[: -len("published.yml")] + "index.md"
    return result_file_path[: -len(".published.yml")] + ".md"


def _run_id(ws: Workspace) -> str:
    env = ws.env
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return env.get("CI_JOB_URL", "")
