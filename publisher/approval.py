"""Who approved what: the merged, reviewed request behind every post a run publishes.

In CI the Git host is asked, for the commit that last changed each post, which merged request
brought it and who approved it; any post without enough approvals stops the whole run before
anything is posted. Outside CI, publishing to real networks needs an explicit
``--skip-approval``, which is written into the result commit. The sandbox needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from .engine.apply import Provenance
from .errors import ApprovalError
from .forge import Approval, detect
from .i18n import _
from .model import Plan
from .repo import author_name, last_commit_touching

if TYPE_CHECKING:
    from .workspace import Workspace


@dataclass
class Approvals:
    """Provenance of each post a run changes, and the default for everything else."""

    default: Provenance
    per_post: dict[str, Provenance] = field(default_factory=dict)

    def all(self) -> list[Provenance]:
        return [self.default, *self.per_post.values()]

    def trailers(self) -> list[str]:
        """``Source:``, ``Approved-by:``, ``Approval:`` lines, each value once."""
        lines: list[str] = []
        for key, values in (
            ("Source", [p.source_commit for p in self.all()]),
            ("Approved-by", [a for p in self.all() for a in p.approved_by]),
            ("Approval", [p.approval for p in self.all()]),
            ("Approval-skipped", [p.skipped_by for p in self.all()]),
            ("Run", [p.run_id for p in self.all()]),
        ):
            for value in dict.fromkeys(v for v in values if v):
                lines.append(f"{key}: {value}")
        return lines


def collect_approvals(
    ws: Workspace,
    plan: Plan,
    skip: bool,
    forge_transport: httpx.BaseTransport | None = None,
) -> Approvals:
    """Check the approval of every post the plan changes; raise ApprovalError if one lacks it."""
    head = ws.head()
    run_id = _run_id(ws)
    approvals = Approvals(Provenance(source_commit=head, run_id=run_id))
    if not plan.pending:
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
    cache: dict[str, Approval] = {}
    for action in plan.pending:
        path = action.post_path or _post_path_of(action.ledger_path)
        sha = last_commit_touching(ws.repo, path) or head
        if sha not in cache:
            cache[sha] = forge.approval_for(sha)
            cache[sha].check(ws.config.approvals)
        approval = cache[sha]
        approvals.per_post[action.ledger_path] = Provenance(
            source_commit=sha, approved_by=approval.approvers, approval=approval.url, run_id=run_id
        )
    return approvals


def _post_path_of(ledger_path: str) -> str:
    if ledger_path.endswith("/published.yml"):
        return ledger_path[: -len("published.yml")] + "index.md"
    return ledger_path[: -len(".published.yml")] + ".md"


def _run_id(ws: Workspace) -> str:
    env = ws.env
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return env.get("CI_JOB_URL", "")
