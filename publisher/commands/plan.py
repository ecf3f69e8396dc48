"""``publisher plan``: what apply would do, as text, JSON or the merge request's comment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.content.check import CheckResult
from publisher.content.load import Content
from publisher.content.stylecheck import style_summary
from publisher.core.config import StyleRules
from publisher.core.errors import ApprovalError
from publisher.core.model import ActionKind, Plan, Post
from publisher.engine.workspace import Workspace
from publisher.reports import plan_report as report

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Planned:
    """The check and the plan, and what the comment needs: the content, the environment (its
    Git host takes comments up to ``comment_limit``), and the address of the preview site
    built for this run."""

    content: Content
    check: CheckResult
    plan: Plan
    style_rules: StyleRules
    env: Mapping[str, str]
    site_url: str = ""
    #: a line for each comment waiting for a moderator's decision (``moderation/review/``)
    reviews: tuple[str, ...] = ()

    @property
    def comment_limit(self) -> int:
        """The longest comment the Git host takes: asked only for the comment, as the Git
        host's client takes 0.06 s to import (of a text plan of 10,000 posts: 2 s)."""
        from publisher.forge import comment_limit

        return comment_limit(self.env)

    def output(self, fmt: str, show_noop: bool = False) -> str:
        """The plan as ``text`` (with the diagnostics), ``markdown`` or ``json``."""
        if fmt == "json":
            return report.plan_json(self.plan, self.check.diagnostics)
        if fmt == "markdown":
            return self.markdown()
        found = self.check.diagnostics
        problems = [report.diagnostics_text(found)] if found else []
        return "\n".join([*problems, report.plan_text(self.plan, show_noop=show_noop)])

    def markdown(self) -> str:
        """The merge request's comment, with the style of every post the request changes."""
        style = style_summary(self.changed_posts(), self.style_rules)
        return report.plan_markdown(
            self.plan,
            self.check.diagnostics,
            style,
            limit=self.comment_limit,
            site_url=self.site_url,
            reviews=self.reviews,
        )

    def changed_posts(self) -> list[Post]:
        """The posts the request changes: those the plan publishes, edits, holds back or
        schedules (a post that stays as published, moves or is deleted is not one)."""
        kept = (ActionKind.NOOP, ActionKind.MOVE, ActionKind.DELETE)
        changing = {a.post_path for a in self.plan.actions if a.kind not in kept}
        return [p for p in self.content.posts if p.path in changing]


def make_plan(ws: Workspace, preview: bool = False) -> Planned:
    """Check, then plan with every post that has an error held back (``preview``: a plan only
    shown, without the text of unchanged posts; see ``Workspace.checked_plan``)."""
    content = ws.load()
    check, plan = ws.checked_plan(content, preview=preview)
    from publisher.moderation.review import pending_lines, read_reviews  # only with files

    site_url = ws.env.get(report.PREVIEW_URL_ENV, "")
    reviews = tuple(pending_lines(read_reviews(ws.repo)))
    return Planned(content, check, plan, ws.config.style, ws.env, site_url, reviews)


@dataclass(frozen=True)
class Posted:
    """Where the plan comment went (``url``), or why it was not posted."""

    url: str = ""
    #: not a merge request's CI job: nothing was sent
    outside: bool = False
    #: what the Git host said when it refused (a fork's read-only token)
    refused: str = ""


def post_plan_comment(
    ws: Workspace, planned: Planned, forge_transport: httpx.BaseTransport | None = None
) -> Posted:
    """Put the plan on the merge request, replacing the comment it put there before."""
    from publisher.forge import detect, request_number  # the HTTP client: only when posting

    number = request_number(ws.env)
    forge = detect(ws.env, forge_transport)
    if forge is None or number is None:
        return Posted(outside=True)
    try:
        return Posted(forge.upsert_comment(number, planned.markdown(), report.PLAN_COMMENT_MARKER))
    except ApprovalError as exc:
        return Posted(refused=exc.message)
