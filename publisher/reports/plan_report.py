"""Plans, results and diagnostics as terminal text, PR-comment Markdown, JSON or CI annotations.

Pure formatting: every function takes data and returns a string. What a person or a network
wrote (titles, texts, file names, reasons) goes through ``escape``: printable on a terminal,
literal in Markdown.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from publisher.content.profiles import PROFILE_FIELDS
from publisher.content.render import visible_text
from publisher.content.stylecheck import PostStyle
from publisher.core.errors import Diagnostic
from publisher.core.escape import (
    html_inline,
    markdown_cell,
    markdown_code,
    markdown_fence,
    markdown_inline,
    markdown_link,
    one_line,
    printable,
)
from publisher.core.i18n import N_, _
from publisher.core.labels import action_label
from publisher.core.model import Action, ActionKind, Media, Plan
from publisher.reports.names import AccountNames

PREVIEW_CHARS = 280
#: the width of the plan's network column (wider where an account follows the network)
NETWORK_COLUMN = 10
PLAN_COMMENT_MARKER = "<!-- publisher-plan -->"


def kind_label(kind: ActionKind) -> str:
    return action_label(kind.value)


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
    return names.title(action.network, action.account_key)


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
        lines += _what_changes(action)
        if action.changes_something and action.rendered is not None:
            for line in printable(_preview(action)).splitlines() or [""]:
                lines.append(f"    │ {line}")
    lines.append(plan_summary(plan))
    return "\n".join(lines)


def _what_changes(action: Action) -> list[str]:
    """For the text plan: the question an answer replies to, a profile's changed fields."""
    lines = []
    if action.comment is not None and action.changes_something:
        question = one_line(action.comment.text)[:QUESTION_CHARS]
        lines.append("    " + _("question: «{text}»", text=question))
    if action.profile is not None and action.kind is not ActionKind.NOOP:
        for _name, label, change in _field_changes(action):
            told = change if isinstance(change, list) else [one_line(change.rel)]
            lines += [f"    {label}:", *(f"    │ {printable(line)}" for line in told)]
    return lines


def _table_headers() -> list[str]:
    return [_("Action"), _("Network"), _("Post"), _("Length"), _("Note")]


#: what the comment keeps for the note of what did not fit (besides the site's address)
TAIL_RESERVE = 800
#: the most errors the comment lists, and the share of its length they may take
ERRORS_SHOWN = 50
ERRORS_SHARE = 3
#: how much of a citizen's question a plan row quotes
QUESTION_CHARS = 120
#: environment variable holding the address of the preview site built for this run (the check
#: workflow sets it to the uploaded site's artifact)
PREVIEW_URL_ENV = "PUBLISHER_PREVIEW_URL"
_FIELD_LABELS = {
    "title": N_("title"),
    "description": N_("description"),
    "website": N_("website"),
    "avatar": N_("avatar"),
    "cover": N_("cover"),
}


def field_label(name: str) -> str:
    """A profile field's name for a reader: «описание», «аватар»."""
    return _(_FIELD_LABELS[name]) if name in _FIELD_LABELS else name


class _Budget:
    """The characters a comment has left; a block goes in whole or not at all."""

    def __init__(self, chars: int) -> None:
        self.left = chars

    def take(self, block: str) -> bool:
        if len(block) + 1 > self.left:
            return False
        self.left -= len(block) + 1
        return True


def plan_markdown(
    plan: Plan,
    diagnostics: Sequence[Diagnostic] = (),
    style: Sequence[PostStyle] = (),
    *,
    limit: int,
    site_url: str = "",
    reviews: Sequence[str] = (),
) -> str:
    """The merge request's comment, at most ``limit`` characters (the Git host's), the most
    important first: the summary and where the preview site is, errors, a table of what
    changes, what is held back and what waits; then collapsed sections: each answer with the
    citizen's question, each profile change, each post's text, warnings, the comments waiting
    for a moderator's decision (``reviews``: a line each), style. What does not
    fit is counted at the end and left to the preview site. Style findings appear only in the
    style section, which holds the posts the request changes (``style``)."""
    names = AccountNames(plan.accounts)
    budget = _Budget(limit - TAIL_RESERVE - len(site_url))  # the note at the end links it too
    out = _head(plan, site_url)
    budget.take("\n".join(out))
    left_out: list[str] = []
    problems = [d for d in diagnostics if not d.code.startswith("style-")]
    errors = [d for d in problems if d.is_error]
    out += _errors(errors, budget, limit // ERRORS_SHARE, left_out)
    out += _changes_table(plan, names, budget, left_out)
    details = [
        *(_reply_details(a, names) for a in plan.actions if _is_answer(a)),
        *(
            _profile_details(a, names)
            for a in plan.actions
            if a.kind is not ActionKind.NOOP and a.profile
        ),
    ]
    posts = _post_details(plan, names)
    out += _fitting(details, budget, left_out, N_("answers and profiles: {count}"))
    out += _fitting(posts, budget, left_out, N_("texts of posts: {count}"))
    warnings = [d for d in problems if not d.is_error]
    title = _("Warnings ({count})", count=len(warnings))
    lines = [_problem_line(d) for d in warnings]
    out += _collapsed(title, lines, budget, left_out, N_("warnings: {count}"))
    title = _("Comments waiting for a moderator's decision ({count})", count=len(reviews))
    out += _collapsed(
        title, reviews, budget, left_out, N_("comments waiting for a decision: {count}")
    )
    out += _style_section(style, budget, left_out)
    if left_out:
        out += [_left_out_note(left_out, site_url), ""]
    return "\n".join(out).rstrip() + "\n"


def _head(plan: Plan, site_url: str) -> list[str]:
    title = _("Publication plan")
    return [
        PLAN_COMMENT_MARKER,
        f"### {title}",
        "",
        f"**{plan_summary(plan)}**",
        "",
        _site_line(site_url),
        "",
    ]


def _site_line(site_url: str) -> str:
    if site_url.lower().startswith(("https://", "http://")):
        link = markdown_link(_("the preview site"), site_url)
        return _("How each post will look on each network: {link}.", link=link)
    return _(
        "No preview site was given to this run ({variable}): open the site-preview artifact of "
        "the check job, or build it with {command}.",
        variable=markdown_code(PREVIEW_URL_ENV),
        command=markdown_code("publisher site build --out _site --personal-data"),
    )


def _problem_line(d: Diagnostic) -> str:
    return (
        f"- **{severity_label(d)}** {markdown_code(f'{d.path}:{d.line}')} — "
        f"{markdown_inline(d.message)}" + (f" — {markdown_inline(d.hint)}" if d.hint else "")
    )


def _errors(
    errors: Sequence[Diagnostic], budget: _Budget, share: int, left_out: list[str]
) -> list[str]:
    """Errors stay in sight, up to ``ERRORS_SHOWN`` of them and a share of the comment."""
    if not errors:
        return []
    heading = _("Errors ({count})", count=len(errors))
    out = [f"#### {heading}", ""]
    allowed = _Budget(min(share, budget.left))
    shown = 0
    for d in errors[:ERRORS_SHOWN]:
        line = _problem_line(d)
        if not allowed.take(line):
            break
        out.append(line)
        shown += 1
    if shown < len(errors):
        left_out.append(
            _("errors: {count} (publisher check lists them all)", count=len(errors) - shown)
        )
    out.append("")
    budget.take("\n".join(out))
    return out


def _is_answer(action: Action) -> bool:
    return action.comment is not None and action.rendered is not None and action.changes_something


def _row(action: Action, names: AccountNames) -> str:
    note = markdown_inline(action.reason)
    if action.comment is not None and action.comment.text:
        question = _quoted(action.comment.text, QUESTION_CHARS)
        note = "; ".join(n for n in (note, _("question: «{text}»", text=question)) if n)
    cells = (
        f"{_SYMBOLS[action.kind]} {kind_label(action.kind)}",
        markdown_inline(where(action, names)),
        markdown_cell(markdown_code(action.post_id)),
        _length(action),
        markdown_cell(note),
    )
    return "| " + " | ".join(cells) + " |"


def _quoted(text: str, limit: int) -> str:
    line = one_line(text)
    return markdown_inline(line if len(line) <= limit else line[: limit - 1].rstrip() + "…")


def _grouped_rows(actions: Sequence[Action], names: AccountNames) -> list[str]:
    """One row per post and action, its networks together: the table of a large plan."""
    groups: dict[tuple[str, ActionKind, str], list[Action]] = {}
    for action in actions:
        groups.setdefault((action.post_id, action.kind, action.reason), []).append(action)
    return [
        f"| {_SYMBOLS[kind]} {kind_label(kind)} | "
        f"{markdown_cell(', '.join(markdown_inline(where(a, names)) for a in group))} | "
        f"{markdown_cell(markdown_code(post))} |  | {markdown_cell(markdown_inline(reason))} |"
        for (post, kind, reason), group in groups.items()
    ]


def _changes_table(
    plan: Plan, names: AccountNames, budget: _Budget, left_out: list[str]
) -> list[str]:
    """What changes and what is held back, then what waits: a row per network, or, when that
    does not fit, a row per post with its networks together; rows that still do not fit are
    counted."""
    shown = [a for a in plan.actions if a.kind not in (ActionKind.NOOP, ActionKind.WAIT)]
    shown += [a for a in plan.actions if a.kind is ActionKind.WAIT]
    if not shown:
        return []
    head = ["| " + " | ".join(_table_headers()) + " |", "|---|---|---|---|---|"]
    rows = [_row(a, names) for a in shown]
    if len("\n".join([*head, *rows])) + 1 > budget.left:
        rows = _grouped_rows(shown, names)
    out = list(head)
    budget.take("\n".join(head))
    for number, row in enumerate(rows):
        if not budget.take(row):
            left_out.append(_("rows of the plan: {count}", count=len(rows) - number))
            break
        out.append(row)
    return [*out, ""]


def _fitting(blocks: Sequence[str], budget: _Budget, left_out: list[str], what: str) -> list[str]:
    """The blocks that fit, in order; the others are counted as ``what``."""
    out = [block for block in blocks if budget.take(block)]
    if len(out) < len(blocks):
        left_out.append(_(what, count=len(blocks) - len(out)))
    return out


def _collapsed(
    title: str, items: Sequence[str], budget: _Budget, left_out: list[str], leftover: str
) -> list[str]:
    """A collapsed section with as many of ``items`` as fit; the others are counted as
    ``leftover`` (a message with ``{count}``)."""
    if not items:
        return []
    head = [f"<details><summary>{html_inline(title)}</summary>", ""]
    tail = ["", "</details>", ""]
    shown = (
        [item for item in items if budget.take(item)] if budget.take("\n".join(head + tail)) else []
    )
    if len(shown) < len(items):
        left_out.append(_(leftover, count=len(items) - len(shown)))
    return [*head, *shown, *tail] if shown else []


def _style_section(style: Sequence[PostStyle], budget: _Budget, left_out: list[str]) -> list[str]:
    if not style:
        return []
    lowest = style[0]
    title = _(
        "Style of the posts ({count}); the lowest score: {score}/10 ({post})",
        count=len(style),
        score=lowest.score,
        post=lowest.post_id,
    )
    blocks = [s.markdown for s in style]
    return _collapsed(title, blocks, budget, left_out, N_("style of posts: {count}"))


def _left_out_note(left_out: Sequence[str], site_url: str) -> str:
    where_to = (
        markdown_link(_("the preview site"), site_url)
        if site_url.lower().startswith(("https://", "http://"))
        else markdown_code("publisher plan")
    )
    return _(
        "Did not fit into the comment: {items}. See them all on {place}.",
        items="; ".join(left_out),
        place=where_to,
    )


def _details(summary: str, body: list[str]) -> str:
    return "\n".join(
        [f"<details><summary>{html_inline(summary)}</summary>", "", *body, "", "</details>", ""]
    )


def _reply_details(action: Action, names: AccountNames) -> str:
    """An answer to a citizen with the question it answers."""
    assert action.comment is not None and action.rendered is not None
    rendered = action.rendered
    body = [_("The citizen's question:"), *markdown_fence(action.comment.text)]
    body += [_("The answer:"), *markdown_fence(visible_text(rendered.text, rendered.text_format))]
    return _details(f"{kind_label(action.kind)}: {where(action, names)} — {action.post_id}", body)


def _field_changes(action: Action) -> list[tuple[str, str, list[str] | Media]]:
    """Each changed profile field (name, label): the diff of its text, or its new image."""
    profile = action.profile
    assert profile is not None
    changes: list[tuple[str, str, list[str] | Media]] = []
    for name in (n for n in PROFILE_FIELDS if n in action.fields or n in action.manual):
        label = field_label(name)
        if name in action.manual:
            label = _("{field} (by hand)", field=label)
        value = getattr(profile, name, None)
        if isinstance(value, Media):
            changes.append((name, label, value))
        else:
            diff = text_diff(action.previous.get(name), str(value or ""))
            changes.append((name, label, diff))
    return changes


def _profile_details(action: Action, names: AccountNames) -> str:
    """What a profile change replaces: the old and new text of each field, and new images."""
    body: list[str] = []
    for name, label, change in _field_changes(action):
        if isinstance(change, Media):
            size = f", {change.width}×{change.height}" if change.width else ""
            body.append(
                _(
                    "New {field}: {file}{size} (see it on the preview site)",
                    field=markdown_inline(label),
                    file=markdown_code(change.rel),
                    size=size,
                )
            )
            continue
        unknown = name not in action.previous
        note = " " + _("(the earlier text was not recorded)") if unknown else ""
        body += [f"**{markdown_inline(label)}**{note}", *markdown_fence("\n".join(change), "diff")]
    summary = f"{kind_label(action.kind)}: {where(action, names)} — {action.post_id}"
    return _details(summary, body)


def text_diff(old: str | None, new: str) -> list[str]:
    """``old`` and ``new`` line by line: ``- `` removed, ``+ `` added, two spaces kept; only the
    added lines when the old text is unknown (None)."""
    if old is None:
        return [f"+ {line}" for line in new.splitlines() or [""]]
    return [d for d in difflib.ndiff(old.splitlines(), new.splitlines()) if not d.startswith("? ")]


def _post_details(plan: Plan, names: AccountNames) -> list[str]:
    """One collapsed section per post: its text once for all networks that show the same."""
    by_post: dict[str, list[Action]] = {}
    for action in plan.actions:
        if action.rendered is not None and action.changes_something and action.comment is None:
            by_post.setdefault(action.post_id, []).append(action)
    return [_post_block(post, actions, names) for post, actions in by_post.items()]


def _post_block(post: str, actions: list[Action], names: AccountNames) -> str:
    kinds: dict[ActionKind, list[str]] = {}
    variants: dict[tuple[object, ...], list[Action]] = {}
    for action in actions:
        kinds.setdefault(action.kind, []).append(where(action, names))
        variants.setdefault(_variant(action), []).append(action)
    summary = f"{post} — " + "; ".join(f"{kind_label(k)}: {', '.join(w)}" for k, w in kinds.items())
    body: list[str] = []
    for same in variants.values():
        if len(variants) > 1:
            body += ["", f"**{markdown_inline(', '.join(where(a, names) for a in same))}**"]
        body += _rendering(same[0])
    return _details(summary, body[1:] if body[:1] == [""] else body)


def _variant(action: Action) -> tuple[object, ...]:
    """What a reader of the network sees: networks that show the same share one preview."""
    rendered = action.rendered
    assert rendered is not None
    parts = tuple(visible_text(p, rendered.text_format) for p in rendered.parts)
    return (parts, tuple(m.rel for m in rendered.media), rendered.poll)


def _rendering(action: Action) -> list[str]:
    rendered = action.rendered
    assert rendered is not None
    lines: list[str] = []
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
    names = AccountNames(plan.accounts)
    lines = [line for result in report.results for line in result_lines(result, names)]
    return "\n".join([*lines, apply_summary(plan, report)])


def result_lines(result: Any, names: AccountNames) -> list[str]:
    """One action's line (with its link), and the reason and the fix when it was not done:
    ``apply`` prints them the moment the action completes."""
    action = result.action
    line = f"{_outcome_label(result)} {kind_label(action.kind)} {where(action, names)}: "
    line += one_line(action.post_id)
    if result.ref is not None and result.ref.url and action.kind is not ActionKind.DELETE:
        line += f" → {one_line(result.ref.url)}"
    lines = [line]
    if result.message:
        lines.append(f"    {one_line(result.message)}")
    if result.hint:
        lines.append(f"    → {one_line(result.hint)}")
    return lines


def apply_summary(plan: Plan, report: Any) -> str:
    """What follows the actions' lines: the posts that wait, the counts, what was not done."""
    lines: list[str] = []
    names = AccountNames(plan.accounts)
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
