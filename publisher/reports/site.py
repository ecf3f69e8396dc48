"""A static site of the repository: every post as each network will show it, and the records.

``build_site`` writes plain HTML pages (flat, linked relatively, so they open from a folder, an
artifact or the Git host's Pages), one shipped stylesheet and fonts, and copies of the photos.
There is no JavaScript and nothing is loaded from elsewhere: each page forbids it with a
Content-Security-Policy. All text is escaped; Telegram's and Max's HTML is reduced to the tags
those networks show. Personal data (authors' names, comment excerpts) stays out of the site
unless ``personal_data`` is set, since Pages are public even for a private repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from publisher.content.check import CheckResult
from publisher.content.confine import MediaEscaped, verified
from publisher.content.load import Content
from publisher.content.render import counter, render_post, sanitize_html, utf16_length, visible_text
from publisher.content.xtext import thread_items
from publisher.core.capabilities import NETWORK_TABLE, Capabilities, network_title
from publisher.core.errors import Diagnostic
from publisher.core.i18n import N_, _, language
from publisher.core.model import (
    Account,
    Action,
    ActionKind,
    LedgerEntry,
    Media,
    Plan,
    Post,
    RenderedPost,
)
from publisher.core.resources import DATA_DIR, FONTS_DIR
from publisher.core.shapes import moment_of
from publisher.engine.workspace import Workspace
from publisher.inbox.items import InboxItem, load_inbox_rules, open_items
from publisher.moderation.log import LogEntry, read_log
from publisher.reports import monthly
from publisher.reports.plan_report import kind_label

DATA = DATA_DIR / "site"
FONTS = FONTS_DIR
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'none'"
)
#: the tab's icon, so that browsers do not ask for a missing /favicon.ico
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="#15325b"/>'
    '<path d="M9 24V8h14v16h-4V12h-6v12z" fill="#fff"/></svg>\n'
)
#: how many answered messages the inbox page lists (the newest)
ANSWERED_SHOWN = 50
UNIT_LABELS = {"chars": N_("characters"), "utf16": N_("UTF-16 units"), "x_weighted": N_("weighted")}


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _empty(text: str) -> str:
    return _p("empty", text)


def _p(css: str, text: str) -> str:
    return f'<p class="{css}">{esc(text)}</p>'


def _span(css: str, text: str) -> str:
    return f'<span class="{css}">{esc(text)}</span>'


def _h2(text: str) -> str:
    return f"<h2>{esc(text)}</h2>"


def _link(url: str, text: str, css: str = "") -> str:
    return f'<a{_css(css)} href="{esc(url)}" rel="nofollow">{esc(text)}</a>'


def local_time(moment: datetime | None, ws: Workspace) -> str:
    return moment.astimezone(ws.config.zone).strftime("%d.%m.%Y %H:%M") if moment else "—"


def text_html(text: str, caps: Capabilities) -> str:
    """A post's text for a preview (line breaks kept by the stylesheet)."""
    if caps.text_format == "plain":
        return esc(text)
    return sanitize_html(text, caps.text_format, link_rel="nofollow")


# --- the site --------------------------------------------------------------------------------


@dataclass
class _Site:
    """What every page needs: the output folder, copied files, plan and records."""

    ws: Workspace
    content: Content
    out: Path
    personal_data: bool
    plan: Plan
    recorded: Mapping[str, Mapping[str, LedgerEntry]]
    checked: CheckResult
    now: datetime
    copied: dict[Path, str] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    def media_url(self, media: Media) -> str:
        """Copy a file into ``media/`` once (named by its hash) and return its address."""
        if media.path not in self.copied:
            digest = media.sha256[:16] or hashlib.sha256(str(media.path).encode()).hexdigest()[:16]
            name = f"media/{digest}{media.path.suffix.lower()}"
            target = self.out / name
            if not target.exists():
                with contextlib.suppress(MediaEscaped):  # only what loading confined is copied
                    source = verified(media)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
            self.copied[media.path] = name
        return self.copied[media.path]

    def action(self, path: str, network: str) -> Action | None:
        return next(
            (a for a in self.plan.actions if a.post_path == path and a.network == network), None
        )

    def post_page(self, post: Post) -> str:
        if post.id not in self.slugs:
            slug = re.sub(r"[^A-Za-z0-9_-]+", "-", post.id).strip("-") or "post"
            taken = set(self.slugs.values())
            candidate, number = f"post-{slug}.html", 2
            while candidate in taken:
                candidate, number = f"post-{slug}-{number}.html", number + 1
            self.slugs[post.id] = candidate
        return self.slugs[post.id]

    def write(self, name: str, title: str, body: str, active: str = "") -> None:
        path = self.out / name
        path.write_text(layout(title, body, active, self.now_text()), encoding="utf-8")
        self.written.append(path)

    def now_text(self) -> str:
        return local_time(self.now, self.ws)

    def diagnostics(self, path: str) -> list[Diagnostic]:
        return [d for d in self.checked.diagnostics if d.path == path]


def build_site(
    ws: Workspace, content: Content, out: Path, *, personal_data: bool = False
) -> list[Path]:
    """Write the site into ``out``; return every page and file written."""
    out.mkdir(parents=True, exist_ok=True)
    site = _Site(
        ws=ws,
        content=content,
        out=out,
        personal_data=personal_data,
        plan=ws.plan(content),
        recorded=ws.recorded(content),
        checked=ws.check(content),
        now=ws.clock.now(),
    )
    site.written.extend(copy_assets(out))
    for post in content.posts:
        site.post_page(post)
    site.write("index.html", _("Posts"), index_body(site), "index")
    for post in content.posts:
        site.write(site.post_page(post), post.title, post_body(site, post), "index")
    site.write("archive.html", _("Archive"), archive_body(site), "archive")
    site.write("accounts.html", _("Accounts"), accounts_body(site), "accounts")
    site.write("moderation.html", _("Moderation log"), moderation_body(site), "moderation")
    site.write("inbox.html", _("Citizens' messages"), inbox_body(site), "inbox")
    write_reports(site)
    return [*site.written, *(out / name for name in sorted(set(site.copied.values())))]


def copy_assets(out: Path) -> list[Path]:
    """The stylesheet and its fonts, shipped with the package."""
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    written = []
    for source in (DATA / "site.css", *(FONTS / name for name in FONT_FILES)):
        shutil.copyfile(source, assets / source.name)
        written.append(assets / source.name)
    (assets / "favicon.svg").write_text(FAVICON, encoding="utf-8")
    return [*written, assets / "favicon.svg"]


NAV = (
    ("index", "index.html", N_("Posts")),
    ("archive", "archive.html", N_("Archive")),
    ("accounts", "accounts.html", N_("Accounts")),
    ("moderation", "moderation.html", N_("Moderation log")),
    ("inbox", "inbox.html", N_("Citizens' messages")),
    ("report", "report.html", N_("Monthly report")),
)


def _current(active: bool) -> str:
    return ' aria-current="page"' if active else ""


def _css(name: str) -> str:
    return f' class="{name}"' if name else ""


def layout(title: str, body: str, active: str, generated: str) -> str:
    """A whole page: head with the stylesheet and the policy, navigation, body, footer."""
    links = "".join(
        f'<a href="{href}"{_current(key == active)}>{esc(_(name))}</a>' for key, href, name in NAV
    )
    brand = esc(_("Official accounts"))
    built = esc(_("Built by publisher on {time}.", time=generated))
    return (
        f'<!doctype html>\n<html lang="{language()}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)} — {brand}</title>"
        f'<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="assets/site.css"></head><body>'
        f'<header class="top"><div class="brand">{brand}</div>'
        f"<nav>{links}</nav></header>"
        f'<main class="page"><h1>{esc(title)}</h1>{body}</main>'
        f'<footer class="bottom">{built}'
        "</footer></body></html>\n"
    )


# --- posts -------------------------------------------------------------------------------------


def status_label(status: str) -> str:
    labels = {"draft": _("draft"), "ready": _("ready"), "withdrawn": _("withdrawn")}
    return labels.get(status, status)


def post_networks(site: _Site, post: Post) -> list[str]:
    """The post's networks and any other network it is still published on, registry order."""
    entries = site.recorded.get(post.ledger_path, {})
    wanted = set(post.networks) | {n for n, e in entries.items() if e.state == "published"}
    return [n for n in NETWORK_TABLE if n in wanted]


def index_body(site: _Site) -> str:
    rows = "".join(_index_row(site, post) for post in site.content.posts)
    head = "".join(
        f"<th>{esc(h)}</th>"
        for h in (_("Post"), _("Status"), _("Publish at"), _("Networks"), _("Problems"))
    )
    summary = _plan_summary(site.plan)
    if not site.content.posts:
        return _empty(_("No posts yet."))
    return (
        f'{summary}<table class="posts"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _plan_summary(plan: Plan) -> str:
    kinds = [k for k in ActionKind if k is not ActionKind.NOOP and plan.count(k)]
    if not kinds:
        return _p("summary", _("Everything is published as written."))
    items = "".join(
        f'<li class="chip kind-{k.value}">{esc(kind_label(k))}: {plan.count(k)}</li>' for k in kinds
    )
    return f'<ul class="summary chips">{items}</ul>'


def _index_row(site: _Site, post: Post) -> str:
    chips = "".join(_network_chip(site, post, n) for n in post_networks(site, post))
    problems = site.diagnostics(post.path)
    errors = sum(1 for d in problems if d.is_error)
    flag = (
        _span("bad", _("errors: {count}", count=errors))
        if errors
        else (esc(_("warnings: {count}", count=len(problems))) if problems else "—")
    )
    return (
        f'<tr><td><a href="{esc(site.post_page(post))}">{esc(post.title)}</a>'
        f'<br><small class="path">{esc(post.path)}</small></td>'
        f'<td><span class="status status-{esc(post.status)}">{esc(status_label(post.status))}'
        f"</span></td><td>{esc(local_time(post.publish_at, site.ws))}</td>"
        f'<td><ul class="chips">{chips}</ul></td><td>{flag}</td></tr>'
    )


def _network_chip(site: _Site, post: Post, network: str) -> str:
    action = site.action(post.path, network)
    kind = action.kind if action else ActionKind.NOOP
    entry = site.recorded.get(post.ledger_path, {}).get(network)
    text = f"{network_title(network)}: {kind_label(kind)}"
    if entry is not None and entry.state == "published" and entry.url:
        text_html = f'<a href="{esc(entry.url)}" rel="nofollow">{esc(text)}</a>'
    else:
        text_html = esc(text)
    return f'<li class="chip net-{esc(network)} kind-{kind.value}">{text_html}</li>'


def post_body(site: _Site, post: Post) -> str:
    meta = [
        (_("File"), post.path),
        (_("Status"), status_label(post.status)),
        (_("Publish at"), local_time(post.publish_at, site.ws)),
        (_("Tags"), ", ".join(post.tags) or "—"),
    ]
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta)
    cards = "".join(preview_card(site, post, n) for n in post_networks(site, post))
    return (
        f'<dl class="facts">{facts}</dl>{_diagnostics_html(site.diagnostics(post.path))}'
        + _h2(_("How each network will show it"))
        + f'<div class="previews">{cards}</div>'
    )


def _diagnostics_html(problems: Sequence[Diagnostic]) -> str:
    if not problems:
        return ""
    items = "".join(
        f'<li class="{"bad" if d.is_error else "warn"}">{esc(d.path)}:{d.line}: '
        f"{esc(d.message)}{' — ' + esc(d.hint) if d.hint else ''}</li>"
        for d in problems
    )
    return _h2(_("Problems found by the check")) + f'<ul class="problems">{items}</ul>'


# --- one network's preview -------------------------------------------------------------------


@dataclass(frozen=True)
class _Who:
    """The account a preview is shown under."""

    name: str
    handle: str
    avatar: str


def _who(site: _Site, network: str) -> _Who:
    account = site.content.account_for(network)
    if account is None:
        return _Who(network_title(network), "", "")
    profile = site.content.profiles.get(account.name)
    avatar = site.media_url(profile.avatar) if profile and profile.avatar else ""
    handle = str(account.settings.get("handle") or account.account_id).lstrip("@")
    return _Who(account.title or network_title(network), handle, avatar)


def _avatar(who: _Who) -> str:
    if who.avatar:
        return f'<img class="avatar" src="{esc(who.avatar)}" alt="">'
    return f'<span class="avatar letter" aria-hidden="true">{esc(who.name[:1])}</span>'


def preview_card(site: _Site, post: Post, network: str) -> str:
    """One network's card: the post as that network shows it, its length and its status."""
    caps = site.ws.capabilities.get(network)
    if caps is None:
        return ""
    rendered = render_post(post, network, caps, site.ws.config.network_options.get(network))
    who = _who(site, network)
    body = _BODIES.get(network, _feed_body)(site, rendered, caps, who)
    return (
        f'<article class="card net-{esc(network)}" id="net-{esc(network)}" '
        f'data-network="{esc(network)}"><h3 class="card-title">{esc(network_title(network))}</h3>'
        f'<div class="screen">{body}</div>'
        f'<footer class="card-foot">{_length_html(rendered, caps)}'
        f"{_options_html(rendered, caps)}{_status_html(site, post, network)}</footer></article>"
    )


def _head(who: _Who, note: str = "") -> str:
    small = f"<small>{esc(note)}</small>" if note else ""
    return f'<header class="who">{_avatar(who)}<div><b>{esc(who.name)}</b>{small}</div></header>'


def _text_block(text: str, caps: Capabilities) -> str:
    return f'<div class="text">{text_html(text, caps)}</div>' if text else ""


def _media_grid(site: _Site, media: Sequence[Media]) -> str:
    if not media:
        return ""
    tiles = "".join(_media_tile(site, m) for m in media)
    return f'<div class="media-grid n{min(len(media), 5)}">{tiles}</div>'


def _media_tile(site: _Site, media: Media) -> str:
    url = esc(site.media_url(media))
    if media.kind == "video":
        return f'<video src="{url}" controls preload="metadata"></video>'
    if media.kind == "document":
        return f'<a class="document" href="{url}">📄 {esc(media.path.name)}</a>'
    return f'<img src="{url}" alt="{esc(media.alt)}" loading="lazy">'


def _poll_html(rendered: RenderedPost) -> str:
    poll = rendered.poll
    if poll is None:
        return ""
    options = "".join(f"<li>{esc(o)}</li>" for o in poll.options)
    kind = _("Several answers allowed") if poll.multiple else _("Anonymous poll")
    return (
        f'<div class="poll"><b class="question">{esc(poll.question)}</b>'
        f"<small>{esc(kind)}</small><ol>{options}</ol></div>"
    )


def _link_html(rendered: RenderedPost) -> str:
    link = str(rendered.options.get("link") or "")
    if not link:
        return ""
    return f'<a class="link-card" href="{esc(link)}" rel="nofollow">{esc(link)}</a>'


Body = Callable[[_Site, RenderedPost, Capabilities, _Who], str]


def _feed_body(site: _Site, rendered: RenderedPost, caps: Capabilities, who: _Who) -> str:
    """VK, OK and Facebook: author, text, photo grid, poll, link."""
    return (
        _head(who)
        + _text_block(rendered.text, caps)
        + _media_grid(site, rendered.media)
        + _poll_html(rendered)
        + _link_html(rendered)
    )


def _max_body(site: _Site, rendered: RenderedPost, caps: Capabilities, who: _Who) -> str:
    """Max: the channel's message with media above the text; files as messages of their own."""
    visual = [m for m in rendered.media if m.kind != "document"]
    files = [m for m in rendered.media if m.kind == "document"]
    first = _media_grid(site, visual) + _text_block(rendered.text, caps)
    bubbles = [first] + [_media_tile(site, m) for m in files]
    return _head(who) + "".join(f'<div class="bubble">{b}</div>' for b in bubbles if b)


@dataclass(frozen=True)
class TelegramMessage:
    """One message of a Telegram post: media (by index in the post) with or without the text
    as caption, the text alone, or the poll."""

    kind: str
    media: tuple[int, ...] = ()
    caption: bool = False


def telegram_messages(rendered: RenderedPost, caps: Capabilities) -> list[TelegramMessage]:
    """The messages Telegram gets, in the adapter's order: the album (photos and videos), each
    GIF, the documents; the text as the first one's caption when it fits, else a message of
    its own; the poll last."""
    text = rendered.text
    fits = bool(text) and utf16_length(visible_text(text, "telegram_html")) <= caps.caption_limit
    kinds = [m.kind for m in rendered.media]
    groups = [tuple(i for i, k in enumerate(kinds) if k in ("photo", "video"))]
    groups += [(i,) for i, k in enumerate(kinds) if k == "animation"]
    groups += [tuple(i for i, k in enumerate(kinds) if k == "document")]
    messages: list[TelegramMessage] = []
    for group in (g for g in groups if g):
        messages.append(TelegramMessage("media", group, caption=fits and not messages))
    if text and not (fits and messages):
        messages.append(TelegramMessage("text"))
    if rendered.poll is not None:
        messages.append(TelegramMessage("poll"))
    return messages


def _telegram_body(site: _Site, rendered: RenderedPost, caps: Capabilities, who: _Who) -> str:
    bubbles = []
    for message in telegram_messages(rendered, caps):
        if message.kind == "media":
            media = [rendered.media[i] for i in message.media]
            caption = _text_block(rendered.text, caps) if message.caption else ""
            bubbles.append(_media_grid(site, media) + caption)
        elif message.kind == "text":
            bubbles.append(_text_block(rendered.text, caps))
        else:
            bubbles.append(_poll_html(rendered))
    return _head(who) + "".join(f'<div class="bubble">{b}</div>' for b in bubbles)


def _instagram_body(site: _Site, rendered: RenderedPost, caps: Capabilities, who: _Who) -> str:
    """Instagram: the photo (or a carousel of them) first, the caption under the name."""
    handle = who.handle if who.handle and not who.handle.isdigit() else who.name
    if not rendered.media:
        media = _p("missing", _("Instagram needs a photo or a video."))
    elif len(rendered.media) == 1:
        media = f'<div class="square">{_media_tile(site, rendered.media[0])}</div>'
    else:
        media = _carousel(site, rendered.media)
    caption = (
        f'<p class="caption"><b>{esc(handle)}</b> {esc(rendered.text)}</p>' if rendered.text else ""
    )
    return _head(_Who(handle, "", who.avatar)) + media + caption


def _carousel(site: _Site, media: Sequence[Media]) -> str:
    slides = "".join(
        f'<div class="slide">{_media_tile(site, m)}'
        f'<span class="count">{i}/{len(media)}</span></div>'
        for i, m in enumerate(media, 1)
    )
    dots = "".join('<i aria-hidden="true"></i>' for _m in media)
    return f'<div class="carousel">{slides}</div><div class="dots">{dots}</div>'


def _x_body(site: _Site, rendered: RenderedPost, caps: Capabilities, who: _Who) -> str:
    """X: the thread as it will be posted, each part with its own weighted length."""
    count = counter(caps.length_unit)
    handle = f"@{who.handle}" if who.handle else ""
    parts = []
    for item in thread_items(rendered):
        media = _media_grid(site, rendered.media) if item.media else ""
        poll = _poll_html(rendered) if item.poll else ""
        length = count(item.text)
        over = " over" if length > caps.text_limit else ""
        parts.append(
            f'<div class="tweet">{_avatar(who)}<div class="tweet-main"><b>{esc(who.name)}</b> '
            f"<small>{esc(handle)}</small>{_text_block(item.text, caps)}{media}{poll}"
            f'<small class="part-length{over}">{length}/{caps.text_limit}</small></div></div>'
        )
    return f'<div class="thread">{"".join(parts)}</div>'


_BODIES: dict[str, Body] = {
    "telegram": _telegram_body,
    "max": _max_body,
    "instagram": _instagram_body,
    "x": _x_body,
}


def _length_html(rendered: RenderedPost, caps: Capabilities) -> str:
    unit = _(UNIT_LABELS.get(caps.length_unit, caps.length_unit))
    over = rendered.length > rendered.limit and len(rendered.parts) == 1
    text = _(
        "Length {length} of {limit} ({unit})",
        length=rendered.length,
        limit=rendered.limit,
        unit=unit,
    )
    notes = [f'<span class="length{" over" if over else ""}">{esc(text)}</span>']
    posts = len(thread_items(rendered)) if caps.thread else len(rendered.parts)
    if posts > 1:
        notes.append(_span("thread-note", _("Thread of {count} posts", count=posts)))
    if rendered.media and 0 < caps.caption_limit < min(rendered.length, caps.text_limit):
        note = _(
            "Longer than a caption ({limit}): the text follows the photos as its own message.",
            limit=caps.caption_limit,
        )
        notes.append(f'<span class="note">{esc(note)}</span>')
    return f'<p class="lengths">{"".join(notes)}</p>'


def _options_html(rendered: RenderedPost, caps: Capabilities) -> str:
    flags = []
    if caps.silent and rendered.options.get("silent"):
        flags.append(_("without sound"))
    if rendered.options.get("close_comments"):
        flags.append(_("comments closed"))
    return "".join(f'<span class="flag">{esc(f)}</span>' for f in flags)


def _status_html(site: _Site, post: Post, network: str) -> str:
    action = site.action(post.path, network)
    entry = site.recorded.get(post.ledger_path, {}).get(network)
    kind = action.kind if action else ActionKind.NOOP
    parts = [f'<span class="chip kind-{kind.value}">{esc(kind_label(kind))}</span>']
    if action and action.reason:
        parts.append(f'<span class="reason">{esc(action.reason)}</span>')
    if entry is not None and entry.state == "published" and entry.url:
        parts.append(_link(entry.url, _("open"), "published"))
    return f'<p class="status-line">{"".join(parts)}</p>'


# --- archive, accounts, moderation, inbox ------------------------------------------------------


def archive_body(site: _Site) -> str:
    """Published posts, newest first, with a link to each network's copy."""
    rows = []
    posts = {p.ledger_path: p for p in site.content.posts}
    for rel, entries in site.recorded.items():
        times = {n: monthly.published_at(e, site.ws.config.zone) for n, e in entries.items()}
        live = {n: entries[n] for n, moment in times.items() if moment is not None}
        moments = [moment for moment in times.values() if moment is not None]
        if moments:
            rows.append((min(moments), rel, live))
    if not rows:
        return _empty(_("Nothing has been published yet."))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    body = "".join(
        _archive_row(site, posts.get(rel), rel, first, live) for first, rel, live in rows
    )
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("Published"), _("Post"), _("Networks")))
    return f'<table class="archive"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _archive_row(
    site: _Site, post: Post | None, rel: str, first: datetime, live: Mapping[str, LedgerEntry]
) -> str:
    title = (
        f'<a href="{esc(site.post_page(post))}">{esc(post.title)}</a>'
        if post
        else esc(rel) + " " + _span("removed", _("(file removed)"))
    )
    links = "".join(_archive_link(n, live[n]) for n in NETWORK_TABLE if n in live)
    return (
        f"<tr><td>{esc(local_time(first, site.ws))}</td><td>{title}</td>"
        f'<td><ul class="chips">{links}</ul></td></tr>'
    )


def _archive_link(network: str, entry: LedgerEntry) -> str:
    name = esc(network_title(network))
    if entry.state == "deleted":
        deleted = esc(_("deleted"))
        return f'<li class="chip net-{network} deleted">{name}: {deleted}</li>'
    if not entry.url:
        return f'<li class="chip net-{network}">{name}</li>'
    return (
        f'<li class="chip net-{network}"><a href="{esc(entry.url)}" rel="nofollow">{name}</a></li>'
    )


def accounts_body(site: _Site) -> str:
    if not site.content.accounts:
        return _empty(_("No accounts yet."))
    cards = "".join(_account_card(site, a) for a in site.content.accounts)
    return f'<div class="accounts">{cards}</div>'


def _account_card(site: _Site, account: Account) -> str:
    profile = site.content.profiles.get(account.name)
    cover = (
        f'<img class="cover" src="{esc(site.media_url(profile.cover))}" alt="">'
        if profile and profile.cover
        else '<div class="cover empty-cover"></div>'
    )
    who = _who(site, account.network)
    website = (
        f'<p><a href="{esc(account.website)}" rel="nofollow">{esc(account.website)}</a></p>'
        if account.website
        else ""
    )
    description = profile.description if profile else account.description
    action = site.action(account.path, account.network)
    status = (
        f'<p class="status-line"><span class="chip kind-{action.kind.value}">'
        f"{esc(kind_label(action.kind))}</span> {esc(action.reason)}</p>"
        if action
        else ""
    )
    return (
        f'<article class="account net-{esc(account.network)}" id="account-{esc(account.name)}">'
        f'{cover}<div class="account-main">{_head(who, network_title(account.network))}'
        f'<p class="path">{esc(account.path)} · id {esc(account.account_id)}</p>'
        f'<div class="text">{esc(description)}</div>{website}{status}</div></article>'
    )


def moderation_body(site: _Site) -> str:
    entries = sorted(
        read_log(site.ws.repo, skip_damaged=True), key=lambda e: str(e.at or ""), reverse=True
    )
    if not entries:
        return _empty(_("The moderation log is empty."))
    head = [_("Time"), _("Network"), _("Category"), _("Action"), _("Rule"), _("Comment")]
    if site.personal_data:
        head += [_("Author"), _("Excerpt")]
    rows = "".join(_log_row(site, e) for e in entries)
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f'<table class="log"><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>'


def _log_row(site: _Site, entry: LogEntry) -> str:
    moment = moment_of(entry.at, site.ws.config.zone)
    action = _ban_text(site, monthly.label(entry.action), entry.ban_until)
    link = entry.link
    cells = [
        esc(local_time(moment, site.ws)),
        esc(network_title(entry.network)),
        esc(monthly.label(entry.main_category)),
        esc(action),
        esc(entry.rule),
        _link(link, _("open")) if link else "—",
    ]
    if site.personal_data:
        cells += [
            esc(entry.author_name or entry.author_id),
            esc(entry.excerpt),
        ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _ban_text(site: _Site, action: str, until: object) -> str:
    if not until:
        return action
    if until == "forever":
        return _("{action} for good", action=action)
    moment = moment_of(until, site.ws.config.zone)
    return _("{action} until {time}", action=action, time=local_time(moment, site.ws))


def inbox_body(site: _Site) -> str:
    """Open messages by deadline (overdue first), answers waiting for the merge, answered ones."""
    items = open_items(site.content.inbox, site.now)
    by_path = {i.path: i for i in site.content.inbox}
    parts = [_h2(_("Waiting for an answer"))]
    if items:
        head = [_("Due"), _("Network"), _("Category"), _("Received"), _("Message")]
        head += [_("Author")] if site.personal_data else []
        rows = "".join(_open_row(site, o.path, o.overdue, by_path[o.path]) for o in items)
        cells = "".join(f"<th>{esc(h)}</th>" for h in head)
        parts.append(
            f'<table class="inbox"><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>'
        )
    else:
        parts.append(_empty(_("No open messages.")))
    parts.append(_pending_answers(site))
    parts.append(_answered(site))
    return "".join(parts)


def _open_row(site: _Site, path: str, overdue: bool, item: InboxItem) -> str:
    zone = site.ws.config.zone
    due = moment_of(item.due, zone)
    received = moment_of(item.received, zone)
    flag = " " + _span("overdue-flag", _("OVERDUE")) if overdue else ""
    link = item.link
    message = f'<a href="{esc(link)}" rel="nofollow">{esc(path)}</a>' if link else esc(path)
    cells = [
        esc(local_time(due, site.ws)) + flag,
        esc(network_title(item.network)),
        esc(monthly.label(item.category or "other")),
        esc(local_time(received, site.ws)),
        message,
    ]
    if site.personal_data:
        cells.append(esc(item.author))
    css = ' class="overdue"' if overdue else ""
    return f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _pending_answers(site: _Site) -> str:
    replies = [
        (a, a.rendered.text)
        for a in site.plan.actions
        if a.comment is not None and a.rendered is not None and not site.recorded.get(a.ledger_path)
    ]
    if not replies:
        return ""
    items = "".join(
        f"<li><b>{esc(a.post_path)}</b> · {esc(network_title(a.network))} · "
        f'<span class="chip kind-{a.kind.value}">{esc(kind_label(a.kind))}</span>'
        f'<div class="text answer">{esc(_shown(site, a.network, text))}</div></li>'
        for a, text in replies
    )
    title = esc(_("Answers to be published after the merge"))
    return f'<h2>{title}</h2><ul class="answers">{items}</ul>'


def _shown(site: _Site, network: str, text: str) -> str:
    """What a reader sees of a text in a network's format."""
    caps = site.ws.capabilities.get(network)
    return visible_text(text, caps.text_format) if caps else text


def _answered(site: _Site) -> str:
    zone = site.ws.config.zone
    calendar = load_inbox_rules(site.ws.repo, site.ws.config.inbox).calendar
    answers = [
        monthly.answer_for(item, site.recorded, calendar, zone) for item in site.content.inbox
    ]
    done = sorted(
        (a for a in answers if a.answered), key=lambda a: a.answered or site.now, reverse=True
    )[:ANSWERED_SHOWN]
    if not done:
        return ""
    head = [_("Answered"), _("Network"), _("Message"), _("Answer time"), _("Deadline allowed")]
    rows = "".join(
        f"<tr{_css('late' if a.late else '')}><td>"
        f"{esc(local_time(a.answered, site.ws))}</td>"
        f"<td>{esc(network_title(a.network))}</td><td>{esc(a.path)}</td>"
        f"<td>{esc(monthly.hours_text(a.hours))}</td><td>{esc(monthly.hours_text(a.allowed))}</td></tr>"
        for a in done
    )
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (
        _h2(_("Answered"))
        + f'<table class="answered"><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>'
    )


# --- reports -----------------------------------------------------------------------------------


def report_months(site: _Site) -> list[str]:
    """Months with any publication, moderation action or message, and the current month."""
    zone = site.ws.config.zone
    moments: list[datetime | None] = [site.now]
    for entries in site.recorded.values():
        moments += [monthly.published_at(e, zone) for e in entries.values()]
    moments += [moment_of(e.at, zone) for e in read_log(site.ws.repo, skip_damaged=True)]
    moments += [moment_of(i.received, zone) for i in site.content.inbox]
    months = {m.astimezone(zone).strftime("%Y-%m") for m in moments if m is not None}
    return sorted(months, reverse=True)


def write_reports(site: _Site) -> None:
    """``report.html`` for the current month and ``report-YYYY-MM.html`` for every month."""
    months = report_months(site)
    current = monthly.current_month(site.now, site.ws.config.zone)
    for month in months:
        report = monthly.monthly_report(site.ws, site.content, month)
        nav = _months_nav(months, month)
        body = nav + monthly.report_fragment(report)
        site.write(f"report-{month}.html", report.title, body, "report")
        if month == current:
            site.write("report.html", report.title, body, "report")


def _months_nav(months: Iterable[str], active: str) -> str:
    links = "".join(
        f'<li><a href="report-{m}.html"{_current(m == active)}>'
        f"{esc(monthly.month_name(m))}</a></li>"
        for m in months
    )
    return f'<nav class="months"><ul>{links}</ul></nav>'
