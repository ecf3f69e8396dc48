"""Plans, results and diagnostics as terminal text, PR-comment Markdown, JSON or CI annotations.

Pure formatting: every function takes data and returns a string. What a person or a network
wrote (titles, texts, file names, reasons) goes through ``escape``: printable on a terminal,
literal in Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from publisher.content.render import visible_text
from publisher.core.errors import Diagnostic
from publisher.core.escape import (
    html_inline,
    markdown_cell,
    markdown_code,
    markdown_fence,
    markdown_inline,
    one_line,
    printable,
)
from publisher.core.i18n import N_, _
from publisher.core.model import Action, ActionKind, Plan
from publisher.reports.names import AccountNames

PREVIEW_CHARS = 280
#: the width of the plan's network column (wider where an account follows the network)
NETWORK_COLUMN = 10
PLAN_COMMENT_MARKER = "<!-- publisher-plan -->"


_KIND_LABELS = {
    ActionKind.CREATE: N_("create"),
    ActionKind.UPDATE: N_("update"),
    ActionKind.REPLACE: N_("replace"),
    ActionKind.DELETE: N_("delete"),
    ActionKind.NOOP: N_("no change"),
    ActionKind.WAIT: N_("waits"),
    ActionKind.BLOCKED: N_("blocked"),
    ActionKind.MANUAL: N_("by hand"),
    ActionKind.REPLY: N_("reply"),
    ActionKind.MOVE: N_("moved"),
}


def kind_label(kind: ActionKind) -> str:
    return _(_KIND_LABELS[kind])


_SYMBOLS = {
    ActionKind.CREATE: "+",
    ActionKind.UPDATE: "~",
    ActionKind.REPLACE: "±",
    ActionKind.DELETE: "-",
    ActionKind.NOOP: "=",
    ActionKind.WAIT: "…",
    ActionKind.BLOCKED: "!",
    ActionKind.MANUAL: "✎",
    ActionKind.REPLY: "↩",
    ActionKind.MOVE: "→",
}


def severity_label(diagnostic: Diagnostic) -> str:
    return _("error") if diagnostic.is_error else _("warning")


# --- diagnostics -------------------------------------------------------------------------------


def diagnostics_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{one_line(d.path)}:{d.line}: {severity_label(d)}: {one_line(d.message)}")
        if d.hint:
            lines.append(f"    → {one_line(d.hint)}")
    return "\n".join(lines)


def diagnostics_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: annotations on the lines of the pull request."""
    lines = []
    for d in diagnostics:
        level = "error" if d.is_error else "warning"
        text = f"{d.message} {d.hint}".strip()
        lines.append(
            f"::{level} file={_gh(d.path, True)},line={d.line},title=publisher::{_gh(text, False)}"
        )
    return "\n".join(lines)


def _gh(value: str, is_property: bool) -> str:
    value = printable(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    return {
        "file": d.path,
        "line": d.line,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
    }


def check_summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return _("Check passed: no problems found.")
    return _("Errors: {errors}, warnings: {warnings}.", errors=errors, warnings=warnings)


# --- plans -------------------------------------------------------------------------------------


def plan_summary(plan: Plan) -> str:
    return _(
        "Plan: create {create}, update {update}, replace {replace}, delete {delete}, "
        "waiting {wait}, blocked {blocked}, by hand {manual}, replies {reply}.",
        create=plan.count(ActionKind.CREATE),
        update=plan.count(ActionKind.UPDATE),
        replace=plan.count(ActionKind.REPLACE),
        delete=plan.count(ActionKind.DELETE),
        wait=plan.count(ActionKind.WAIT),
        blocked=plan.count(ActionKind.BLOCKED),
        manual=sum(1 for a in plan.actions if a.manual),
        reply=plan.count(ActionKind.REPLY),
    )


def _length(action: Action) -> str:
    rendered = action.rendered
    if rendered is None or not rendered.limit:
        return ""
    parts = len(rendered.parts)
    suffix = _(", {n} parts", n=parts) if parts > 1 else ""
    return f"{rendered.length}/{rendered.limit}{suffix}"


def _preview(action: Action, limit: int = PREVIEW_CHARS) -> str:
    rendered = action.rendered
    if rendered is None:
        return ""
    text = rendered.text
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return text


def where(action: Action, names: AccountNames) -> str:
    """The network an action is on, and its account where the network has several."""
    return names.short(action.network, action.account_key)


def plan_text(plan: Plan, show_noop: bool = False) -> str:
    lines: list[str] = []
    names = AccountNames(plan.accounts)
    shown = [a for a in plan.actions if show_noop or a.kind is not ActionKind.NOOP]
    width = max([NETWORK_COLUMN, *(len(where(a, names)) for a in shown)])
    for action in shown:
        head = f"{_SYMBOLS[action.kind]} {kind_label(action.kind):<14} "
        head += f"{where(action, names):<{width}} "
        head += one_line(action.post_id)
        length = _length(action)
        if length:
            head += f"  [{length}]"
        lines.append(head)
        if action.reason:
            lines.append(f"    {one_line(action.reason)}")
        if action.changes_something and action.rendered is not None:
            for line in printable(_preview(action)).splitlines() or [""]:
                lines.append(f"    │ {line}")
    lines.append(plan_summary(plan))
    return "\n".join(lines)


def _table_headers() -> list[str]:
    return [_("Action"), _("Network"), _("Post"), _("Length"), _("Note")]


def plan_markdown(plan: Plan, diagnostics: Sequence[Diagnostic] = (), style: str = "") -> str:
    """The pull-request comment: summary, a table of changes, previews, problems."""
    title = _("Publication plan")
    out = [PLAN_COMMENT_MARKER, f"### {title}", "", f"**{plan_summary(plan)}**", ""]
    shown = [a for a in plan.actions if a.kind is not ActionKind.NOOP]
    names = AccountNames(plan.accounts)
    if shown:
        out += [
            "| " + " | ".join(_table_headers()) + " |",
            "|---|---|---|---|---|",
        ]
        for a in shown:
            out.append(
                f"| {_SYMBOLS[a.kind]} {kind_label(a.kind)} | {markdown_inline(where(a, names))} | "
                f"{markdown_cell(markdown_code(a.post_id))} | {_length(a)} | "
                f"{markdown_inline(a.reason)} |"
            )
        out.append("")
    for action in shown:
        if action.rendered is not None and action.changes_something:
            out += _markdown_preview(action, names)
    if diagnostics:
        problems = _("Problems")
        out += [f"#### {problems}", ""]
        for d in diagnostics:
            out.append(
                f"- **{severity_label(d)}** {markdown_code(f'{d.path}:{d.line}')} — "
                f"{markdown_inline(d.message)}"
                + (f" — {markdown_inline(d.hint)}" if d.hint else "")
            )
        out.append("")
    if style:
        out += [style, ""]
    return "\n".join(out).rstrip() + "\n"


def _markdown_preview(action: Action, names: AccountNames) -> list[str]:
    rendered = action.rendered
    assert rendered is not None
    title = f"{kind_label(action.kind)}: {where(action, names)} — {action.post_id}"
    lines = [f"<details><summary>{html_inline(title)}</summary>", ""]
    for number, part in enumerate(rendered.parts, 1):
        if len(rendered.parts) > 1:
            lines.append(_("Part {number}:", number=number))
        lines += markdown_fence(visible_text(part, rendered.text_format))
    if rendered.media:
        files = ", ".join(markdown_inline(m.rel.rsplit("/", 1)[-1]) for m in rendered.media)
        lines.append(_("Media: {names}", names=files))
    if rendered.poll:
        options = " / ".join(markdown_inline(o) for o in rendered.poll.options)
        question = markdown_inline(rendered.poll.question)
        lines.append(_("Poll: {question} ({options})", question=question, options=options))
    lines += ["", "</details>", ""]
    return lines


def action_dict(action: Action, titles: Mapping[str, str]) -> dict[str, Any]:
    """One action for a program (``titles``: each account's title by its name)."""
    rendered = action.rendered
    return {
        "action": action.kind.value,
        "post": action.post_id,
        "network": action.network,
        "account": action.account,
        "account_title": titles.get(action.account, ""),
        "file": action.post_path,
        "reason": action.reason,
        "text": list(rendered.parts) if rendered else None,
        "length": rendered.length if rendered else None,
        "limit": rendered.limit if rendered else None,
        "media": [m.rel for m in rendered.media] if rendered else [],
        "poll": rendered.poll.question if rendered and rendered.poll else None,
        "remote_id": action.ref.remote_id if action.ref else None,
        "url": action.ref.url if action.ref else None,
    }


def plan_json(plan: Plan, diagnostics: Iterable[Diagnostic] = ()) -> str:
    counts = {kind.value: plan.count(kind) for kind in ActionKind}
    titles = {account.name: account.title for account in plan.accounts}
    document = {
        "summary": counts,
        "actions": [action_dict(a, titles) for a in plan.actions],
        "diagnostics": [diagnostic_dict(d) for d in diagnostics],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


# --- apply results -----------------------------------------------------------------------------


def _outcome_label(result: Any) -> str:
    from publisher.engine.apply import Outcome

    labels = {
        Outcome.DONE: "✓",
        Outcome.FAILED: "✗",
        Outcome.UNCERTAIN: "?",
        Outcome.SKIPPED: "–",
        Outcome.MANUAL: _SYMBOLS[ActionKind.MANUAL],
    }
    return labels[result.outcome]


def apply_text(plan: Plan, report: Any) -> str:
    """What a run did, one line per action, with links and the fix for each failure."""
    lines: list[str] = []
    names = AccountNames(plan.accounts)
    for result in report.results:
        action = result.action
        line = f"{_outcome_label(result)} {kind_label(action.kind)} {where(action, names)}: "
        line += one_line(action.post_id)
        if result.ref is not None and result.ref.url and action.kind is not ActionKind.DELETE:
            line += f" → {one_line(result.ref.url)}"
        lines.append(line)
        if result.message:
            lines.append(f"    {one_line(result.message)}")
        if result.hint:
            lines.append(f"    → {one_line(result.hint)}")
    for action in plan.actions:
        if action.kind is ActionKind.WAIT:
            lines.append(
                f"{_SYMBOLS[action.kind]} {kind_label(action.kind)} {where(action, names)}: "
                f"{one_line(action.post_id)} — {one_line(action.reason)}"
            )
    blocked = [a for a in plan.actions if a.kind is ActionKind.BLOCKED]
    if not report.results and not blocked:
        lines.append(_("Nothing to publish: the networks match the repository."))
    lines.append(
        _("Done: {done}, failed: {failed}.", done=len(report.done()), failed=len(report.failed))
    )
    lines += [f"  {line}" for line in _not_done(blocked, names) + _by_hand(report, names)]
    return "\n".join(lines)


def _not_done(blocked: Sequence[Action], names: AccountNames) -> list[str]:
    """What the plan could not do, and why: one line per reason, with the accounts and posts
    it holds (a live post not changed, or a post not published)."""
    groups: dict[tuple[bool, str], tuple[dict[str, None], dict[str, None]]] = {}
    for action in blocked:
        places, posts = groups.setdefault((action.ref is not None, action.reason), ({}, {}))
        places[where(action, names)] = None
        posts[action.post_id] = None
    lines = []
    for (live, reason), (places, posts) in groups.items():
        values = {
            "places": ", ".join(places),
            "reason": reason,
            "posts": ", ".join(posts),
        }
        if live:
            line = _("not changed on {places}: {reason} ({posts})", **values)
        else:
            line = _("not published on {places}: {reason} ({posts})", **values)
        lines.append(one_line(line))
    return lines


def _by_hand(report: Any, names: AccountNames) -> list[str]:
    """The profile fields still waiting for a person, and how to say they are done."""
    from publisher.engine.plan import done_command

    return [
        one_line(
            _(
                "by hand on {place}: {fields}; when done: {command}",
                place=where(result.action, names),
                fields=", ".join(result.manual),
                command=done_command(result.action.account_key, result.manual),
            )
        )
        for result in report.manual
    ]
