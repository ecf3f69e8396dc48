"""plan(content, renderings, recorded results, capabilities, now) -> Plan. Pure: no I/O, no
network; the posts come rendered (``content.context`` renders what ``renderings_wanted`` names).

The repository says what should exist; the result files say what does exist; the plan is the
difference. For every post and network it picks one action: create, update (edit in place),
replace (delete and post again), delete, wait (``publish_at`` in the future), nothing, or
blocked with the reason. Capabilities decide between update, replace and blocked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from publisher.content.context import Renderings
from publisher.content.load import Content
from publisher.content.profiles import PROFILE_FIELDS, field_hashes, recorded_values
from publisher.content.render import measure, render_text, rendered_media_hash, source_hash
from publisher.content.targets import repost_source
from publisher.core.capabilities import Capabilities, network_title
from publisher.core.config import Config
from publisher.core.i18n import _
from publisher.core.model import (
    Account,
    Action,
    ActionKind,
    EditFallback,
    Plan,
    Post,
    Profile,
    RemoteRef,
    RenderedPost,
    ResultEntry,
    Target,
)
from publisher.engine.claims import claim_alive
from publisher.inbox.items import OPEN_SOURCE, InboxItem
from publisher.networks import NETWORKS
from publisher.state.moves import post_path_of

ResultEntries = Mapping[str, Mapping[str, ResultEntry]]


@dataclass(frozen=True)
class PlanContext:
    """What planning reads besides the content."""

    config: Config
    capabilities: Mapping[str, Capabilities]
    now: datetime
    #: this run's claim: intents it made are its own, not another run's
    claim: str = ""


def idempotency_key(post_id: str, network: str, content_hash: str) -> str:
    """The key sent as VK's ``guid`` and kept with the intent: post + network + content."""
    return hashlib.sha256(f"{post_id}\0{network}\0{content_hash}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Wanted:
    """What planning needs rendered (``renderings_wanted``)."""

    #: the targets (account names) to render each post (by path) for
    render: dict[str, tuple[str, ...]]
    #: for a preview: the (post path, account) left unrendered as unchanged since published
    unchanged: frozenset[tuple[str, str]] = frozenset()

    def settled(self, post: Post, targets: Collection[Target]) -> bool:
        """Whether the post is live on each of its targets from the source it has now."""
        return bool(targets) and all((post.path, t.name) in self.unchanged for t in targets)


def build_plan(
    content: Content,
    renderings: Renderings,
    result_entries: ResultEntries,
    ctx: PlanContext,
    unchanged: Collection[tuple[str, str]] = frozenset(),
) -> Plan:
    """Every action for every post and target, posts in path order, targets in the registry
    order of their networks, then by name.

    ``renderings`` holds each post's rendering for the targets ``renderings_wanted`` names,
    but for those it found ``unchanged``.
    """
    actions: list[Action] = []
    for post in content.posts:
        moved_from = content.moves.get(post.result_file_path, "")
        entries = result_entries.get(moved_from or post.result_file_path, {})
        if moved_from:
            actions.append(_plan_move(post, moved_from))
        first = len(actions)
        for target in targets_with_live(post, entries, content):
            key = (post.path, target.name)
            entry, rendered = entries.get(target.name), renderings.get(key)
            actions.append(_plan_one(post, target, entry, rendered, key in unchanged, content, ctx))
        if post.repost_from or any(e.extra.get("repost_of") for e in entries.values()):
            actions[first:] = _reposts(post, actions[first:], entries, content, ctx)
    actions += profile_actions(content, result_entries, ctx)
    for item in content.inbox:
        reply = _plan_reply(item, result_entries.get(item.result_file_path, {}), content, ctx)
        if reply is not None:
            actions.append(_held_back(reply, content))
    carried = set(content.moves.values())
    for result_file_path in content.orphan_result_files:
        if result_file_path in carried:
            continue
        for name, entry in sorted(result_entries.get(result_file_path, {}).items()):
            actions.append(_plan_orphan(result_file_path, name, entry, ctx))
    return Plan(tuple(actions), accounts=content.accounts)


def profile_actions(
    content: Content, result_entries: ResultEntries, ctx: PlanContext
) -> list[Action]:
    """Each account's profile action, in the order of the accounts (see ``_plan_profile``)."""
    actions = []
    for account in content.accounts:
        if account.network in ctx.capabilities and account.name in content.profiles:
            entry = result_entries.get(account_result_file_path(account), {}).get(account.name)
            action = _plan_profile(account, content.profiles[account.name], entry, ctx)
            actions.append(_held_back(action, content))
    return actions


def renderings_wanted(
    content: Content, result_entries: ResultEntries, ctx: PlanContext, preview: bool = False
) -> Wanted:
    """What must be rendered to plan: every network of every post that is ready.

    A ``preview`` (a plan only shown, with no text for a post that does not change) leaves out
    a network whose result file says the post went out from the same source as it has now
    (``_unchanged``): its action is "nothing to do" without rendering it. A pull request can
    write anything into a result file, so a plan that is carried out never takes its word:
    it renders every post and compares what would be sent.
    """
    render: dict[str, tuple[str, ...]] = {}
    unchanged: set[tuple[str, str]] = set()
    for post in content.posts:
        if post.status != "ready" or post.path in content.broken_posts:
            continue
        entries = result_entries.get(
            content.moves.get(post.result_file_path) or post.result_file_path, {}
        )
        targets = [t for t in content.targets_of(post) if t.network in ctx.capabilities]
        if preview:
            same = {t.name for t in targets if _unchanged(post, t, entries.get(t.name), ctx)}
            unchanged.update((post.path, name) for name in same)
            targets = [t for t in targets if t.name not in same]
        if targets:
            render[post.path] = tuple(t.name for t in targets)
    return Wanted(render, frozenset(unchanged))


def _unchanged(post: Post, target: Target, entry: ResultEntry | None, ctx: PlanContext) -> bool:
    """Whether the post is live on ``target`` and its result file records the source hash the
    post has now (so it would be rendered as it was published), with its account in place."""
    if entry is None or entry.state != "published" or not entry.source_hash:
        return False
    network = target.network
    caps, options = ctx.capabilities[network], ctx.config.network_options.get(network)
    current = source_hash(post, network, caps, options, target.name)
    return entry.source_hash == current and target.account is not None


def _plan_move(post: Post, moved_from: str) -> Action:
    """The post was moved: its result file follows it; no network is touched for that."""
    return Action(
        ActionKind.MOVE,
        post_id=post.id,
        network="",
        post_path=post.path,
        result_file_path=post.result_file_path,
        moved_from=moved_from,
        reason=_("moved from {path}: the publication stays", path=post_path_of(moved_from)),
    )


def _held_back(action: Action, content: Content) -> Action:
    """A profile or reply whose result file is damaged waits until it is fixed."""
    if action.changes_something and action.result_file_path in content.broken_posts:
        reason = _(
            "the result file {file} is damaged: run publisher check", file=action.result_file_path
        )
        return replace(action, kind=ActionKind.BLOCKED, reason=reason)
    return action


def targets_with_live(
    post: Post, entries: Mapping[str, ResultEntry], content: Content
) -> list[Target]:
    """The post's targets, and the accounts it is live on (or being sent to) but no longer
    names: there it is to be deleted."""
    found = {t.name: t for t in content.targets_of(post)}
    for name, entry in entries.items():
        if name not in found and entry.state in ("published", "intent"):
            found[name] = Target(name, entry.network, content.account(name))
    return sorted(
        (t for t in found.values() if t.network in _NETWORK_ORDER),
        key=lambda t: (_NETWORK_ORDER[t.network], t.name),
    )


#: each network's place in the registry (the order of a post's targets)
_NETWORK_ORDER = {network: index for index, network in enumerate(NETWORKS)}


def _base(post: Post, network: str, account: str, ref: RemoteRef | None = None) -> Action:
    """The action's identity; each branch below fills in what to do."""
    return Action(
        ActionKind.NOOP,
        post_id=post.id,
        network=network,
        account=account,
        post_path=post.path,
        result_file_path=post.result_file_path,
        ref=ref,
    )


def _then(
    base: Action,
    kind: ActionKind,
    rendered: RenderedPost,
    ref: RemoteRef | None = None,
    reason: str = "",
) -> Action:
    """``base`` (from ``_base``) with what to do, for the branches every post takes: built
    directly, as ``dataclasses.replace`` took a fifth of a warm plan of 10,000 posts."""
    return Action(
        kind,
        base.post_id,
        base.network,
        base.account,
        rendered,
        ref,
        reason,
        base.post_path,
        base.result_file_path,
    )


def _plan_one(
    post: Post,
    target: Target,
    entry: ResultEntry | None,
    rendered: RenderedPost | None,
    unchanged: bool,
    content: Content,
    ctx: PlanContext,
) -> Action:
    """The action for one post on one target; ``unchanged``: see ``renderings_wanted``."""
    network, account = target.network, target.account
    live = entry is not None and entry.state == "published"
    wanted = target in content.targets_of(post) and post.status == "ready"
    broken = post.path in content.broken_posts
    held = content.held(post, target.name) if wanted and not broken else None
    if rendered is None and wanted and not broken and held is None:  # most rows: built at once
        if not (unchanged and live and entry is not None):
            raise KeyError((post.path, target.name))  # the caller renders what it is asked
        return _base(post, network, target.name, entry.ref())  # unchanged: nothing to do
    base = _base(post, network, target.name)
    if broken:
        return replace(base, kind=ActionKind.BLOCKED, reason=content.held(post, target.name) or "")
    if not wanted:
        return _plan_unwanted(post, entry if live else None, base, ctx)
    if held is not None:  # breaks this network's rule: it alone waits
        return replace(base, kind=ActionKind.BLOCKED, rendered=rendered, reason=held)
    assert rendered is not None  # see above
    caps = ctx.capabilities[network]
    if account is None:
        return replace(
            base,
            kind=ActionKind.BLOCKED,
            rendered=rendered,
            reason=_("no account file for this network in accounts/"),
        )
    if caps.requires_media and not rendered.media:
        return replace(
            base,
            kind=ActionKind.BLOCKED,
            rendered=rendered,
            reason=_("this network publishes only posts with photos or video"),
        )
    if entry is None or not live:
        return _plan_new(post, entry, rendered, base, ctx)
    fallback = (
        post.on_edit_unsupported or account.on_edit_unsupported or ctx.config.on_edit_unsupported
    )
    return _plan_change(entry, rendered, caps, base, ctx, fallback)


def _plan_new(
    post: Post,
    entry: ResultEntry | None,
    rendered: RenderedPost,
    base: Action,
    ctx: PlanContext,
) -> Action:
    if entry is not None and entry.state == "intent":
        return _plan_intent(entry, rendered, base, ctx)
    if post.publish_at is not None and post.publish_at > ctx.now:
        when = post.publish_at.astimezone(ctx.config.zone).strftime("%Y-%m-%d %H:%M")
        return _then(base, ActionKind.WAIT, rendered, reason=_("scheduled for {time}", time=when))
    return _then(base, ActionKind.CREATE, rendered)


def _plan_intent(
    entry: ResultEntry, rendered: RenderedPost, base: Action, ctx: PlanContext
) -> Action:
    """Another run's intent: wait while it may still be publishing, else look first."""
    claim = str(entry.extra.get("claim", ""))
    if claim == ctx.claim and claim:
        return replace(base, kind=ActionKind.CREATE, rendered=rendered)
    if claim and claim_alive(claim, entry.at, ctx.now):
        reason = _("another publisher run is publishing it (since {time})", time=entry.at)
        return replace(base, kind=ActionKind.WAIT, rendered=rendered, reason=reason)
    reason = _("an earlier run was interrupted; publisher looks for the post on the network first")
    kind = ActionKind.REPLACE if entry.operation == "replace" else ActionKind.CREATE
    return replace(base, kind=kind, rendered=rendered, ref=entry.ref(), reason=reason)


def _plan_change(
    entry: ResultEntry,
    rendered: RenderedPost,
    caps: Capabilities,
    base: Action,
    ctx: PlanContext,
    fallback: EditFallback,
) -> Action:
    """A live post changed: edit it in place, or delete and publish it again (``fallback``:
    the post's, its account's or publisher.yml's ``on_edit_unsupported``), or wait."""
    ref = entry.ref()
    if entry.content_hash == rendered.content_hash:
        return _then(base, ActionKind.NOOP, rendered, ref)
    media_changed = entry.media_hash != rendered_media_hash(rendered)
    if not media_changed and caps.can_edit and _within(entry, caps.edit_window_hours, ctx.now):
        return _then(base, ActionKind.UPDATE, rendered, ref)
    if media_changed:
        reason = _("photos, video or poll changed: the post is deleted and published again")
    else:
        reason = _("the network cannot edit posts: it is deleted and published again")
    wants_replace = media_changed or fallback == "replace"
    if wants_replace and caps.can_delete and _within(entry, caps.delete_window_hours, ctx.now):
        return replace(base, kind=ActionKind.REPLACE, rendered=rendered, ref=ref, reason=reason)
    if wants_replace:
        reason = _(
            "{change}, and the network cannot delete the old post: publish a new post instead",
            change=_("photos, video or poll changed")
            if media_changed
            else _("the network cannot edit this post"),
        )
    else:
        reason = _(
            "the network cannot edit this post; set on_edit_unsupported: replace in the post, "
            "the account file or publisher.yml to delete and publish it again"
        )
    return replace(base, kind=ActionKind.BLOCKED, rendered=rendered, ref=ref, reason=reason)


def _reposts(
    post: Post,
    planned: list[Action],
    entries: Mapping[str, ResultEntry],
    content: Content,
    ctx: PlanContext,
) -> list[Action]:
    """The post's actions with ``repost_from:`` applied to the accounts it names a source for.

    Where an account publishes the post anew (create, replace) it reposts the source's
    publication instead, once the source has one or gets one in this run (apply sends reposts
    after everything else); until then it waits. A publication that stays, stays as it is, but
    a repost is never edited: it follows its source, and is made again when the source was
    published anew. A network that cannot repost publishes afresh, and says so.
    """
    targets = content.targets_of(post)
    by_account = {a.account: a for a in planned}
    result: list[Action] = []
    for action in planned:
        target = next((t for t in targets if t.name == action.account), None)
        source = repost_source(post, target, targets) if target is not None else None
        entry = entries.get(action.account)
        if source is None or source.account is None:
            result.append(_stop_editing_a_repost(action, entry, ctx))
        elif not ctx.capabilities[action.network].repost:
            result.append(_no_repost(action))
        else:
            source_action = by_account.get(source.name)
            result.append(_repost(action, entry, source, source_action, entries, ctx))
    return result


def _repost(
    action: Action,
    entry: ResultEntry | None,
    source: Target,
    source_action: Action | None,
    entries: Mapping[str, ResultEntry],
    ctx: PlanContext,
) -> Action:
    """One account's action when it reposts ``source``'s publication (see ``_reposts``)."""
    assert source.account is not None
    origin = entries.get(source.name)
    live = origin is not None and origin.state == "published"
    renewed = source_action is not None and source_action.kind is ActionKind.REPLACE
    going = renewed or (source_action is not None and source_action.kind is ActionKind.CREATE)
    note = _("repost from {account}", account=source.name)
    if action.kind in (ActionKind.CREATE, ActionKind.REPLACE):
        if not (live or going):
            reason = _("waits until {account} publishes it", account=source.name)
            return replace(action, kind=ActionKind.WAIT, ref=None, reason=reason)
        reason = "; ".join(r for r in (note, action.reason) if r)
        return replace(action, repost_from=source.account, reason=reason)
    if entry is None or entry.state != "published" or not entry.extra.get("repost_of"):
        return action  # nothing new is published, or a publication of its own stays
    if action.kind not in (ActionKind.NOOP, ActionKind.UPDATE):
        return action
    same = entry.extra.get("repost_of") == source.name and (
        origin is None or str(entry.extra.get("source_id", "")) in ("", origin.remote_id)
    )
    if renewed or not same:
        if action.rendered is None:  # a preview that did not render it: it shows no change
            return action
        reason = _("the repost is made again from what {account} has now", account=source.name)
        return _renew(action, entry, reason, source.account, ctx)
    return replace(action, kind=ActionKind.NOOP, ref=entry.ref(), reason=note)


def _stop_editing_a_repost(action: Action, entry: ResultEntry | None, ctx: PlanContext) -> Action:
    """A repost the post no longer asks for cannot take an edit: it is published afresh."""
    if action.kind is not ActionKind.UPDATE or entry is None or not entry.extra.get("repost_of"):
        return action
    reason = _("a repost cannot be edited: it is deleted and the post published afresh")
    return _renew(action, entry, reason, None, ctx)


def _renew(
    action: Action, entry: ResultEntry, reason: str, source: Account | None, ctx: PlanContext
) -> Action:
    """Delete a repost and publish the post again (reposted from ``source`` if given), where
    the network can still delete it."""
    caps = ctx.capabilities[action.network]
    ref = entry.ref()
    if caps.can_delete and _within(entry, caps.delete_window_hours, ctx.now):
        return replace(action, kind=ActionKind.REPLACE, ref=ref, reason=reason, repost_from=source)
    reason = _(
        "{reason}, but the network can no longer delete it: delete it by hand, then publish a "
        "new post",
        reason=reason,
    )
    return replace(action, kind=ActionKind.BLOCKED, ref=ref, reason=reason)


def _no_repost(action: Action) -> Action:
    """On a network without reposts the post is published afresh."""
    if action.kind is not ActionKind.CREATE:
        return action
    note = _("{network} cannot repost: published afresh", network=network_title(action.network))
    return replace(action, reason="; ".join(r for r in (note, action.reason) if r))


def _plan_unwanted(post: Post, live: ResultEntry | None, base: Action, ctx: PlanContext) -> Action:
    if live is None:
        reason = _("draft") if post.status == "draft" else ""
        return replace(base, kind=ActionKind.NOOP, reason=reason)
    if post.status == "draft":
        return replace(
            base, kind=ActionKind.NOOP, ref=live.ref(), reason=_("draft; the published post stays")
        )
    return _delete(live, base, ctx)


def _delete(live: ResultEntry, base: Action, ctx: PlanContext) -> Action:
    caps = ctx.capabilities[base.network]
    if not caps.can_delete:
        return replace(
            base,
            kind=ActionKind.BLOCKED,
            ref=live.ref(),
            reason=_("the network cannot delete posts: delete it by hand"),
        )
    if not _within(live, caps.delete_window_hours, ctx.now):
        return replace(
            base,
            kind=ActionKind.BLOCKED,
            ref=live.ref(),
            reason=_(
                "the network deletes only posts younger than {hours} h: delete it by hand",
                hours=int(caps.delete_window_hours),
            ),
        )
    return replace(base, kind=ActionKind.DELETE, ref=live.ref())


def _plan_orphan(
    result_file_path: str, account: str, entry: ResultEntry, ctx: PlanContext
) -> Action:
    """A result file whose post is gone: delete what it published (``account``: its key)."""
    base = Action(
        ActionKind.NOOP,
        post_id=result_file_path,
        network=entry.network,
        account=account,
        result_file_path=result_file_path,
    )
    if entry.state != "published":
        return replace(base, kind=ActionKind.NOOP)
    if not ctx.config.delete_when_file_removed:
        return replace(
            base,
            kind=ActionKind.NOOP,
            ref=entry.ref(),
            reason=_("the post file was removed; delete_when_file_removed is off"),
        )
    return _delete(entry, base, ctx)


def account_result_file_path(account: Account) -> str:
    """Where the results of an account's profile live: ``accounts/<name>.published.yml``."""
    return account.path[: -len(".md")] + ".published.yml"


def recorded_fields(entry: ResultEntry | None) -> dict[str, str]:
    """The hash of each profile field an account's result entry records as set.

    Earlier versions recorded the fields a person was asked to set by hand as set at once,
    listing them under ``manual``: unless someone confirmed them since, they are not."""
    if entry is None:
        return {}
    raw, confirmed, manual = (entry.extra.get(k) for k in ("fields", "confirmed_by", "manual"))
    fields = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    for name in manual if isinstance(manual, list) else ():
        if not isinstance(confirmed, dict) or name not in confirmed:
            fields.pop(str(name), None)
    return fields


def _plan_profile(
    account: Account, profile: Profile, entry: ResultEntry | None, ctx: PlanContext
) -> Action:
    """Send the changed fields the API can set; list the others as steps for a person."""
    caps = ctx.capabilities[account.network]
    wanted = field_hashes(profile)
    recorded = recorded_fields(entry)
    changed = {name for name, digest in wanted.items() if recorded.get(name) != digest}
    base = Action(
        ActionKind.NOOP,
        post_id=f"accounts/{account.name}",
        network=account.network,
        account=account.name,
        post_path=account.path,
        result_file_path=account_result_file_path(account),
        profile=profile,
        previous=recorded_values(entry.extra) if entry is not None else {},
    )
    changed &= set(caps.profile_fields)
    settable = tuple(f for f in PROFILE_FIELDS if f in changed and f in caps.profile)
    manual = tuple(f for f in PROFILE_FIELDS if f in changed and f not in caps.profile)
    if not changed:
        return base
    reasons = [_("profile: {fields}", fields=", ".join(settable))] if settable else []
    if manual:
        reasons.append(manual_step(account, caps, manual))
    kind = ActionKind.UPDATE if settable else ActionKind.MANUAL
    return replace(base, kind=kind, fields=settable, manual=manual, reason="; ".join(reasons))


def manual_step(account: Account, caps: Capabilities, fields: tuple[str, ...]) -> str:
    """What a person is asked to do: the fields, where, and how to say it is done. The step
    stays in the plan until they say so or the network shows the value."""
    return _(
        "set by hand: {fields} — {url}; when done: {command}",
        fields=", ".join(fields),
        url=settings_url(account, caps) or "—",
        command=done_command(account.name, fields),
    )


def settings_url(account: Account, caps: Capabilities) -> str:
    """The page of the network's settings where a person changes the account's profile."""
    bare = re.sub(r"^(-|club|public|@)", "", account.account_id)  # VK's -123, club123
    return caps.settings_url.format(id=bare, username=bare)


def done_command(account: str, fields: Iterable[str]) -> str:
    """The command a person runs once they have set ``fields`` of ``account`` by hand."""
    return f"publisher accounts done {account} {' '.join(fields)}"


def _plan_reply(
    item: InboxItem, entries: Mapping[str, ResultEntry], content: Content, ctx: PlanContext
) -> Action | None:
    """An approved answer to a citizen becomes a reply where they asked, once: a message whose
    result file records its answer is not answered again, whatever its status line says."""
    network = item.network
    if not item.answer or item.status in ("answered", "closed") or network not in ctx.capabilities:
        return None
    if item.problems:  # check reports them; the answer waits until the file is mended
        return None
    if answered(entries):
        return None  # apply marks the file so (``Workspace.mark_answered``)
    replier = _replier(item, content)
    entry, account = entries.get(replier), content.account(replier)
    caps = ctx.capabilities[network]
    text = render_text(item.answer, caps.text_format)
    length = measure(text, "plain" if caps.counts_markup else caps.text_format, caps.length_unit)
    rendered = RenderedPost(
        post_id=item.path,
        network=network,
        parts=(text,),
        length=length,
        limit=caps.text_limit,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        title=item.path,
    )
    base = Action(
        ActionKind.NOOP,
        post_id=item.path,
        network=network,
        account=account.name if account else "",
        post_path=item.path,
        result_file_path=item.result_file_path,
        rendered=rendered,
        comment=item.comment(),
    )
    if entry is not None and entry.state == "intent":
        reason = _(
            "an earlier run was interrupted while replying: check the network, then run "
            "publisher resolve {post} {network}",
            post=item.path,
            network=replier,
        )
        return replace(base, kind=ActionKind.BLOCKED, reason=reason)
    if item.source == OPEN_SOURCE:
        held = _open_answer_held(item, entry, ctx)
        if held is not None:
            return replace(base, kind=held[0], reason=held[1])
    if not caps.reply or account is None:
        reason = _(
            "{network} cannot reply through its API: answer by hand",
            network=network_title(network),
        )
        return replace(base, kind=ActionKind.BLOCKED, reason=reason)
    if length > caps.text_limit:
        reason = _(
            "the answer is {length} characters; {network} allows {limit}",
            length=length,
            network=network,
            limit=caps.text_limit,
        )
        return replace(base, kind=ActionKind.BLOCKED, reason=reason)
    return replace(base, kind=ActionKind.REPLY)


def _open_answer_held(
    item: InboxItem, entry: ResultEntry | None, ctx: PlanContext
) -> tuple[ActionKind, str] | None:
    """An answer to a message found in the open speaks for the administration on someone
    else's page: it goes out only if the style linter finds nothing in it, and where the page
    refused our community's comment (the last try was ``Rejected``) it is a step for a person,
    with the link and the command that records it (``publisher inbox done``)."""
    from publisher.content.style import lint  # the linter's lists load only when needed

    findings = lint(item.answer, ctx.config.style).findings
    if findings:
        first = findings[0]
        reason = _(
            "the answer fails the style check ({count}): {message} — {suggestion}",
            count=len(findings),
            message=first.message,
            suggestion=first.suggestion,
        )
        return ActionKind.BLOCKED, reason
    if entry is not None and entry.state == "failed" and entry.error.startswith("Rejected"):
        reason = _(
            "answer by hand at {link}; when sent: publisher inbox done {file}",
            link=item.link or "—",
            file=item.path,
        )
        return ActionKind.MANUAL, reason
    return None


def answered(entries: Mapping[str, ResultEntry]) -> bool:
    """Whether a message's result file (its ``entries``) records its answer as sent."""
    return any(entry.state == "published" for entry in entries.values())


def _replier(item: InboxItem, content: Content) -> str:
    """The account that answers a citizen: the one the message came to (older messages name
    none: their network's default account)."""
    if item.account:
        return item.account
    account = content.default_account(item.network)
    return account.name if account is not None else item.network


def _within(entry: ResultEntry, hours: float, now: datetime) -> bool:
    """True when the network's time window (0 = none) still allows acting on the post."""
    if not hours or not entry.published_at:
        return True
    published = datetime.fromisoformat(entry.published_at)
    return now - published < timedelta(hours=hours)
