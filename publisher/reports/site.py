"""A static site of the repository: every post as each network will show it, and the records.

``build_site`` writes plain HTML pages (flat, linked relatively, so they open from a folder, an
artifact or the Git host's Pages), one shipped stylesheet and fonts, and copies of the photos.
There is no JavaScript and nothing is loaded from elsewhere: each page forbids it with a
Content-Security-Policy. Each page is built as data first (the dataclasses below), then
rendered by its template in ``reports/templates``, which escapes all text; Telegram's and Max's
HTML is reduced by nh3 to the tags those networks show, and only that is passed as markup.
Personal data (authors' names, comment excerpts) stays out of the site unless ``personal_data``
is set, since Pages are public even for a private repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from markupsafe import Markup, escape

from publisher.content.check import CheckResult
from publisher.content.confine import MediaEscaped, verified
from publisher.content.load import Content
from publisher.content.profiles import PROFILE_FIELDS
from publisher.content.render import counter, render_post, sanitize_html, utf16_length, visible_text
from publisher.content.xtext import thread_items
from publisher.core.capabilities import NETWORK_TABLE, Capabilities, network_title
from publisher.core.dates import parse_moment, spoken_time
from publisher.core.errors import Diagnostic
from publisher.core.figures import FIGURES
from publisher.core.i18n import N_, _, language
from publisher.core.labels import rule_label
from publisher.core.model import (
    Account,
    Action,
    ActionKind,
    Media,
    Plan,
    Post,
    RenderedPost,
    ResultEntry,
    Target,
)
from publisher.core.progress import Watch
from publisher.core.resources import DATA_DIR, FONTS_DIR
from publisher.core.shapes import moment_of
from publisher.engine.plan import targets_with_live
from publisher.engine.workspace import Workspace
from publisher.inbox.items import InboxItem, load_inbox_rules, open_items
from publisher.moderation.log import LogEntry, read_log
from publisher.reports import monthly
from publisher.reports.names import AccountNames
from publisher.reports.pages import render
from publisher.reports.plan_report import field_label, kind_label
from publisher.reports.reach import FIGURE_LABELS, PostReach, reach_by_post, shown_figure

DATA = DATA_DIR / "site"
FONTS = FONTS_DIR
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
#: how many answered messages the inbox page lists (the newest)
ANSWERED_SHOWN = 50
UNIT_LABELS = {"chars": N_("characters"), "utf16": N_("UTF-16 units"), "x_weighted": N_("weighted")}


def local_time(moment: datetime | None, ws: Workspace) -> str:
    return moment.astimezone(ws.config.zone).strftime("%d.%m.%Y %H:%M") if moment else "—"


def text_html(text: str, caps: Capabilities) -> Markup:
    """A post's text for a preview (line breaks kept by the stylesheet): escaped plain text, or
    the network's HTML cleaned by nh3 (``sanitize_html``), the one HTML a page takes as is."""
    if caps.text_format == "plain":
        return escape(text)
    return Markup(sanitize_html(text, caps.text_format, link_rel="nofollow"))


# --- the site --------------------------------------------------------------------------------


@dataclass
class _Site:
    """What every page needs: the output folder, copied files, plan and records."""

    ws: Workspace
    content: Content
    out: Path
    personal_data: bool
    plan: Plan
    result_entries: Mapping[str, Mapping[str, ResultEntry]]
    checked: CheckResult
    now: datetime
    copied: dict[Path, str] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    #: hears of each page the moment it is written
    watch: Watch[Path] = field(default_factory=Watch)

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

    @cached_property
    def names(self) -> AccountNames:
        return AccountNames(self.content.accounts)

    @cached_property
    def reach(self) -> dict[str, list[PostReach]]:
        """Each post's last reach figures on each account, by post id (``stats collect``)."""
        return reach_by_post(self.ws, self.content, self.result_entries)

    def action(self, path: str, account: str) -> Action | None:
        """The plan's action for the file at ``path`` on ``account`` (by name)."""
        return next(
            (a for a in self.plan.actions if a.post_path == path and a.account_key == account),
            None,
        )

    def post_page(self, post: Post) -> str:
        if post.id not in self.slugs:
            slug = _slug(post.id, "post")
            taken = set(self.slugs.values())
            candidate, number = f"post-{slug}.html", 2
            while candidate in taken:
                candidate, number = f"post-{slug}-{number}.html", number + 1
            self.slugs[post.id] = candidate
        return self.slugs[post.id]

    def write(self, name: str, template: str, title: str, active: str, **context: object) -> None:
        """Render ``template`` (a page of ``base.html``) into ``name``."""
        path = self.out / name
        page = render(template, layout=_layout(title, active, self.now_text()), **context)
        path.write_text(page, encoding="utf-8")
        self.written.append(path)
        self.watch.item(path)
        self.watch.advance()

    def now_text(self) -> str:
        return local_time(self.now, self.ws)

    def diagnostics(self, path: str) -> list[Diagnostic]:
        return [d for d in self.checked.diagnostics if d.path == path]


def build_site(
    ws: Workspace,
    content: Content,
    out: Path,
    *,
    personal_data: bool = False,
    watch: Watch[Path] | None = None,
) -> list[Path]:
    """Write the site into ``out``; return every page and file written (``watch`` hears of
    each page as it is written)."""
    out.mkdir(parents=True, exist_ok=True)
    site = _Site(
        ws=ws,
        content=content,
        out=out,
        personal_data=personal_data,
        plan=ws.plan(content),
        result_entries=ws.result_entries(content),
        checked=ws.check(content),
        now=ws.clock.now(),
        watch=watch or Watch(),
    )
    site.watch.begin(page_count(site))
    site.written.extend(copy_assets(out))
    for post in content.posts:
        site.post_page(post)
    site.write("index.html", "index.html", _("Posts"), "index", **index_context(site))
    for post in content.posts:
        site.write(
            site.post_page(post), "post.html", post.title, "index", **post_context(site, post)
        )
    site.write("archive.html", "archive.html", _("Archive"), "archive", **archive_context(site))
    site.write(
        "accounts.html", "accounts.html", _("Accounts"), "accounts", **accounts_context(site)
    )
    site.write(
        "moderation.html",
        "moderation.html",
        _("Moderation log"),
        "moderation",
        **moderation_context(site),
    )
    site.write("inbox.html", "inbox.html", _("Citizens' messages"), "inbox", **inbox_context(site))
    write_reports(site)
    return [*site.written, *(out / name for name in sorted(set(site.copied.values())))]


def page_count(site: _Site) -> int:
    """How many pages ``build_site`` writes: the post pages, the five of the menu, and the
    monthly reports (the current month's twice: under its name and as ``report.html``)."""
    months = report_months(site)
    current = monthly.current_month(site.now, site.ws.config.zone)
    return len(site.content.posts) + 5 + len(months) + (current in months)


def copy_assets(out: Path) -> list[Path]:
    """The stylesheet, its fonts and the tab's icon (so that browsers do not ask for a missing
    /favicon.ico), shipped with the package."""
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    written = []
    for source in (DATA / "site.css", *(FONTS / name for name in FONT_FILES), DATA / "favicon.svg"):
        shutil.copyfile(source, assets / source.name)
        written.append(assets / source.name)
    return written


NAV = (
    ("index", "index.html", N_("Posts")),
    ("archive", "archive.html", N_("Archive")),
    ("accounts", "accounts.html", N_("Accounts")),
    ("moderation", "moderation.html", N_("Moderation log")),
    ("inbox", "inbox.html", N_("Citizens' messages")),
    ("report", "report.html", N_("Monthly report")),
)


# --- what the templates show -------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    current: bool = False


@dataclass(frozen=True)
class Layout:
    """What ``base.html`` needs: the page's title, the navigation and the footer."""

    lang: str
    title: str
    brand: str
    built: str
    nav: tuple[Link, ...]


@dataclass(frozen=True)
class Chip:
    """A small label in a list (``chips``), a link when ``url`` is set."""

    css: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class Cell:
    """A table cell: text, a link when ``url`` is set, and a warning ``flag`` after it."""

    text: str
    url: str = ""
    flag: str = ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    css: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    head: tuple[str, ...]
    rows: tuple[Row, ...]


def _layout(title: str, active: str, generated: str) -> Layout:
    return Layout(
        lang=language(),
        title=title,
        brand=_("Official accounts"),
        built=_("Built by publisher on {time}.", time=generated),
        nav=tuple(Link(href, _(name), key == active) for key, href, name in NAV),
    )


def _cells(*texts: str) -> tuple[Cell, ...]:
    return tuple(Cell(text) for text in texts)


# --- posts -------------------------------------------------------------------------------------


def status_label(status: str) -> str:
    labels = {"draft": _("draft"), "ready": _("ready"), "withdrawn": _("withdrawn")}
    return labels.get(status, status)


def post_targets(site: _Site, post: Post) -> list[Target]:
    """The post's accounts and any other it is still published on, in the plan's order."""
    entries = site.result_entries.get(post.result_file_path, {})
    return targets_with_live(post, entries, site.content)


@dataclass(frozen=True)
class IndexRow:
    href: str
    title: str
    path: str
    status: str
    status_label: str
    publish_at: str
    chips: tuple[Chip, ...]
    #: "errors: 2" when the check found errors, else "warnings: 1" when it found warnings
    errors: str
    warnings: str


def index_context(site: _Site) -> dict[str, object]:
    head = (_("Post"), _("Status"), _("Publish at"), _("Networks"), _("Problems"))
    return {
        "no_posts": _("No posts yet."),
        "all_published": _("Everything is published as written."),
        "summary": _plan_summary(site.plan),
        "head": head,
        "rows": [_index_row(site, post) for post in site.content.posts],
    }


def _plan_summary(plan: Plan) -> list[Chip]:
    kinds = [k for k in ActionKind if k is not ActionKind.NOOP and plan.count(k)]
    return [Chip(f"kind-{k.value}", f"{kind_label(k)}: {plan.count(k)}") for k in kinds]


def _index_row(site: _Site, post: Post) -> IndexRow:
    problems = site.diagnostics(post.path)
    errors = sum(1 for d in problems if d.is_error)
    return IndexRow(
        href=site.post_page(post),
        title=post.title,
        path=post.path,
        status=post.status,
        status_label=status_label(post.status),
        publish_at=local_time(post.publish_at, site.ws),
        chips=tuple(_target_chip(site, post, t) for t in post_targets(site, post)),
        errors=_("errors: {count}", count=errors) if errors else "",
        warnings=_("warnings: {count}", count=len(problems)) if problems else "",
    )


def _target_chip(site: _Site, post: Post, target: Target) -> Chip:
    """The account's name and where the post stands there (a link to the published copy)."""
    state = publication(site, post, target.name)
    name = site.names.title(target.network, target.name)
    text = f"{name}: {state.text}" + (f"; {state.then}" if state.then else "")
    return Chip(f"net-{target.network} {state.css}", text, state.url)


@dataclass(frozen=True)
class Publication:
    """Where a post stands on one account, as a reader says it: "опубликовано 6 декабря в
    19:49" (with the link), "ждёт 15 января 10:00", "снят", "ошибка: ...", or the plan's action
    when nothing was sent yet; ``then`` is what the merge changes on a published copy."""

    css: str
    text: str
    url: str = ""
    then: str = ""


#: how much of a network's error message a status shows
ERROR_SHOWN = 160


def publication(site: _Site, post: Post, account: str) -> Publication:
    entry = site.result_entries.get(post.result_file_path, {}).get(account)
    action = site.action(post.path, account)
    kind = action.kind if action else ActionKind.NOOP
    then = kind_label(kind) if kind is not ActionKind.NOOP else ""
    if entry is None or entry.state == "intent":
        return _unpublished(site, post, kind, entry is not None)
    if entry.state == "published":
        moment = parse_moment(entry.published_at or entry.at)
        when = spoken_time(moment, site.ws.config.zone, site.now) if moment else ""
        text = _("published {when}", when=when) if when else _("published")
        return Publication("state-published", text, entry.url, then)
    if entry.state == "deleted":
        return Publication("state-deleted", _("taken down"), then=then)
    error = " ".join(entry.error.split())[:ERROR_SHOWN] or _("no details")
    return Publication("state-failed", _("error: {error}", error=error), then=then)


def _unpublished(site: _Site, post: Post, kind: ActionKind, sent: bool) -> Publication:
    if sent:
        return Publication("state-failed", _("sent, not confirmed: look on the network"))
    if kind is ActionKind.WAIT and post.publish_at is not None:
        when = spoken_time(post.publish_at, site.ws.config.zone, site.now)
        return Publication("state-waiting", _("waits for {when}", when=when))
    return Publication(f"kind-{kind.value}", kind_label(kind))


def post_context(site: _Site, post: Post) -> dict[str, object]:
    facts = [
        (_("File"), post.path),
        (_("Status"), status_label(post.status)),
        (_("Publish at"), local_time(post.publish_at, site.ws)),
        (_("Tags"), ", ".join(post.tags) or "—"),
    ]
    cards = (preview_card(site, post, t) for t in post_targets(site, post))
    return {
        "figures_title": _("Reach"),
        "figures": post_figures(site, post),
        "facts": facts,
        "problems_title": _("Problems found by the check"),
        "problems": site.diagnostics(post.path),
        "previews_title": _("How each network will show it"),
        "cards": [card for card in cards if card is not None],
    }


def post_figures(site: _Site, post: Post) -> monthly.Table | None:
    """The post's last figures on each account it went to, as ``stats collect`` read them
    ("нет данных" where the network does not give a figure, and on an account whose network
    gives none of a post, such as a Telegram channel); None before any were read."""
    found = {r.account: r.figures for r in site.reach.get(post.id, [])}
    if not found:
        return None
    networks = {}
    for account, entry in site.result_entries.get(post.result_file_path, {}).items():
        if entry.state == "published" and (account in found or not _gives_post_figures(entry)):
            networks[account] = entry.network
    order = list(NETWORK_TABLE)
    accounts = sorted(networks, key=lambda a: (order.index(networks[a]), a))
    head = [_("Account"), *(_(FIGURE_LABELS[f]) for f in FIGURES)]
    rows = [
        [
            site.names.title(networks[a], a),
            *(shown_figure(networks[a], f, getattr(found.get(a), f, None)) for f in FIGURES),
        ]
        for a in accounts
    ]
    return monthly.Table(head, rows)


def _gives_post_figures(entry: ResultEntry) -> bool:
    spec = NETWORK_TABLE.get(entry.network)
    return spec is not None and bool(set(FIGURES) & spec.capabilities.stats)


# --- one network's preview -------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """The account a preview is shown under."""

    name: str
    handle: str
    avatar: str


@dataclass(frozen=True)
class Tile:
    """A photo, video or document as the page shows it (``url`` of its copy in ``media/``)."""

    kind: str
    url: str
    name: str
    alt: str


@dataclass(frozen=True)
class PollView:
    question: str
    options: tuple[str, ...]
    #: "Anonymous poll" or "Several answers allowed"
    note: str


_NO_TEXT = Markup()


@dataclass(frozen=True)
class Part:
    """A piece of a preview: a post (feed), a message (Telegram, Max), a caption under the
    photos (Instagram) or a post of a thread (X)."""

    text: Markup = _NO_TEXT
    grid: tuple[Tile, ...] = ()
    poll: PollView | None = None
    #: Max: a document sent as a message of its own
    file: Tile | None = None
    link: str = ""
    #: X: "123/280", the part's own weighted length
    length: str = ""
    over: bool = False


@dataclass(frozen=True)
class Screen:
    """What the network shows: ``layout`` is feed, messages, photo or thread."""

    layout: str
    who: Who
    parts: tuple[Part, ...]
    #: Instagram: what is missing when there is no photo
    note: str = ""


@dataclass(frozen=True)
class Note:
    css: str
    text: str


@dataclass(frozen=True)
class Status:
    """The planned action, its reason, and where the post stands on the account."""

    kind: str
    label: str
    reason: str = ""
    state: Publication | None = None


@dataclass(frozen=True)
class Card:
    network: str
    #: the account's name (its file name; the network's when it has no file)
    account: str
    #: the card's id on the page: ``net-vk`` (the network's default account), or
    #: ``net-vk-bratskoe-vk`` for another of its accounts
    anchor: str
    title: str
    screen: Screen
    #: length against the limit, thread and caption notes
    notes: tuple[Note, ...]
    flags: tuple[str, ...]
    status: Status


def _who(site: _Site, network: str, account: Account | None) -> Who:
    """The account's name, handle and picture as its network shows them above a post."""
    if account is None:
        return Who(network_title(network), "", "")
    profile = site.content.profiles.get(account.name)
    avatar = site.media_url(profile.avatar) if profile and profile.avatar else ""
    handle = str(account.settings.get("handle") or account.account_id).lstrip("@")
    return Who(account.title or network_title(network), handle, avatar)


def preview_card(site: _Site, post: Post, target: Target) -> Card | None:
    """One account's card: the post as its network shows it there, its length and status."""
    network = target.network
    caps = site.ws.capabilities.get(network)
    if caps is None:
        return None
    options = site.ws.config.network_options.get(network)
    rendered = render_post(post, network, caps, options, target.name)
    who = _who(site, network, target.account)
    screen = _SCREENS.get(network, _feed_screen)(site, rendered, caps, who)
    return Card(
        network=network,
        account=target.name,
        anchor=_anchor(site, target),
        title=site.names.title(network, target.name),
        screen=screen,
        notes=_length_notes(rendered, caps),
        flags=_option_flags(rendered, caps),
        status=_status(site, post, target.name),
    )


def _anchor(site: _Site, target: Target) -> str:
    """``net-vk`` for the account a post naming just the network goes to (and for a network
    with no account file), ``net-vk-<name>`` for the network's other accounts."""
    default = site.content.default_account(target.network)
    if target.name == target.network or (default is not None and default.name == target.name):
        return f"net-{target.network}"
    return f"net-{target.network}-{_slug(target.name, 'account')}"


def _slug(name: str, fallback: str) -> str:
    """A name as a part of a file name or an element's id (Latin letters, digits, dashes)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or fallback


def _text(text: str, caps: Capabilities) -> Markup:
    return text_html(text, caps) if text else _NO_TEXT


def _tiles(site: _Site, media: Sequence[Media]) -> tuple[Tile, ...]:
    return tuple(Tile(m.kind, site.media_url(m), m.path.name, m.alt) for m in media)


def _poll(rendered: RenderedPost) -> PollView | None:
    poll = rendered.poll
    if poll is None:
        return None
    note = _("Several answers allowed") if poll.multiple else _("Anonymous poll")
    return PollView(poll.question, tuple(poll.options), note)


ScreenOf = Callable[[_Site, RenderedPost, Capabilities, Who], Screen]


def _feed_screen(site: _Site, rendered: RenderedPost, caps: Capabilities, who: Who) -> Screen:
    """VK, OK and Facebook: author, text, photo grid, poll, link."""
    part = Part(
        text=_text(rendered.text, caps),
        grid=_tiles(site, rendered.media),
        poll=_poll(rendered),
        link=str(rendered.options.get("link") or ""),
    )
    return Screen("feed", who, (part,))


def _max_screen(site: _Site, rendered: RenderedPost, caps: Capabilities, who: Who) -> Screen:
    """Max: the channel's message with media above the text; files as messages of their own."""
    visual = [m for m in rendered.media if m.kind != "document"]
    files = [m for m in rendered.media if m.kind == "document"]
    first = Part(text=_text(rendered.text, caps), grid=_tiles(site, visual))
    parts = [first] if first.text or first.grid else []
    parts += [Part(file=tile) for tile in _tiles(site, files)]
    return Screen("messages", who, tuple(parts))


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


def _telegram_screen(site: _Site, rendered: RenderedPost, caps: Capabilities, who: Who) -> Screen:
    parts = []
    for message in telegram_messages(rendered, caps):
        if message.kind == "media":
            media = _tiles(site, [rendered.media[i] for i in message.media])
            caption = _text(rendered.text, caps) if message.caption else _NO_TEXT
            parts.append(Part(text=caption, grid=media))
        elif message.kind == "text":
            parts.append(Part(text=_text(rendered.text, caps)))
        else:
            parts.append(Part(poll=_poll(rendered)))
    return Screen("messages", who, tuple(parts))


def _instagram_screen(site: _Site, rendered: RenderedPost, caps: Capabilities, who: Who) -> Screen:
    """Instagram: the photo (or a carousel of them) first, the caption under the name."""
    handle = who.handle if who.handle and not who.handle.isdigit() else who.name
    part = Part(text=escape(rendered.text), grid=_tiles(site, rendered.media))
    missing = _("Instagram needs a photo or a video.")
    return Screen("photo", Who(handle, "", who.avatar), (part,), missing)


def _x_screen(site: _Site, rendered: RenderedPost, caps: Capabilities, who: Who) -> Screen:
    """X: the thread as it will be posted, each part with its own weighted length."""
    count = counter(caps.length_unit)
    parts = []
    for item in thread_items(rendered):
        length = count(item.text)
        part = Part(
            text=_text(item.text, caps),
            grid=_tiles(site, rendered.media) if item.media else (),
            poll=_poll(rendered) if item.poll else None,
            length=f"{length}/{caps.text_limit}",
            over=length > caps.text_limit,
        )
        parts.append(part)
    return Screen("thread", who, tuple(parts))


_SCREENS: dict[str, ScreenOf] = {
    "telegram": _telegram_screen,
    "max": _max_screen,
    "instagram": _instagram_screen,
    "x": _x_screen,
}


def _length_notes(rendered: RenderedPost, caps: Capabilities) -> tuple[Note, ...]:
    unit = _(UNIT_LABELS.get(caps.length_unit, caps.length_unit))
    over = rendered.length > rendered.limit and len(rendered.parts) == 1
    text = _(
        "Length {length} of {limit} ({unit})",
        length=rendered.length,
        limit=rendered.limit,
        unit=unit,
    )
    notes = [Note("length over" if over else "length", text)]
    posts = len(thread_items(rendered)) if caps.thread else len(rendered.parts)
    if posts > 1:
        notes.append(Note("thread-note", _("Thread of {count} posts", count=posts)))
    if rendered.media and 0 < caps.caption_limit < min(rendered.length, caps.text_limit):
        note = _(
            "Longer than a caption ({limit}): the text follows the photos as its own message.",
            limit=caps.caption_limit,
        )
        notes.append(Note("note", note))
    return tuple(notes)


def _option_flags(rendered: RenderedPost, caps: Capabilities) -> tuple[str, ...]:
    flags = []
    if caps.silent and rendered.options.get("silent"):
        flags.append(_("without sound"))
    if rendered.options.get("close_comments"):
        flags.append(_("comments closed"))
    return tuple(flags)


def _status(site: _Site, post: Post, account: str) -> Status:
    action = site.action(post.path, account)
    kind = action.kind if action else ActionKind.NOOP
    return Status(
        kind=kind.value,
        label=kind_label(kind),
        reason=action.reason if action else "",
        state=publication(site, post, account),
    )


# --- archive, accounts, moderation, inbox ------------------------------------------------------


@dataclass(frozen=True)
class ArchiveRow:
    published: str
    #: the post's page; none when its file was removed (``title`` is then its path)
    href: str
    title: str
    chips: tuple[Chip, ...]


def archive_context(site: _Site) -> dict[str, object]:
    """Published posts, newest first, with a link to the copy on each account."""
    rows = []
    posts = {p.result_file_path: p for p in site.content.posts}
    for rel, entries in site.result_entries.items():
        times = {n: monthly.published_at(e, site.ws.config.zone) for n, e in entries.items()}
        live = {n: entries[n] for n, moment in times.items() if moment is not None}
        moments = [moment for moment in times.values() if moment is not None]
        if moments:
            rows.append((min(moments), rel, live))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return {
        "nothing_published": _("Nothing has been published yet."),
        "removed": _("(file removed)"),
        "head": (_("Published"), _("Post"), _("Networks")),
        "rows": [_archive_row(site, posts.get(rel), rel, first, live) for first, rel, live in rows],
    }


def _archive_row(
    site: _Site, post: Post | None, rel: str, first: datetime, live: Mapping[str, ResultEntry]
) -> ArchiveRow:
    return ArchiveRow(
        published=local_time(first, site.ws),
        href=site.post_page(post) if post else "",
        title=post.title if post else rel,
        chips=tuple(_archive_link(site, key, live[key]) for key in _in_network_order(live)),
    )


def _in_network_order(entries: Mapping[str, ResultEntry]) -> list[str]:
    """The keys (accounts) of ``entries`` on known networks, in registry order, then by name."""
    order = {network: index for index, network in enumerate(NETWORK_TABLE)}
    known = [key for key, entry in entries.items() if entry.network in order]
    return sorted(known, key=lambda key: (order[entries[key].network], key))


def _archive_link(site: _Site, account: str, entry: ResultEntry) -> Chip:
    network = entry.network
    name = site.names.title(network, account)
    if entry.state == "deleted":
        deleted = _("deleted")
        return Chip(f"net-{network} deleted", f"{name}: {deleted}")
    return Chip(f"net-{network}", name, entry.url or "")


@dataclass(frozen=True)
class AccountCard:
    network: str
    name: str
    #: the cover's copy in ``media/``, if any
    cover: str
    who: Who
    network_title: str
    path: str
    account_id: str
    description: str
    website: str
    status: Status | None
    #: on a network with several accounts: that posts naming just the network come here
    note: str = ""
    #: the profile fields the plan changes
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    """A profile field the plan changes: its text as last sent and as it will be (``known``:
    the old text is recorded), or the address of its new image's thumbnail."""

    label: str
    old: str = ""
    new: str = ""
    known: bool = True
    image: str = ""


@dataclass(frozen=True)
class AccountGroup:
    """A network's accounts on the accounts page."""

    network: str
    title: str
    cards: tuple[AccountCard, ...]


def accounts_context(site: _Site) -> dict[str, object]:
    """Every account, in folders too, by network in the registry's order (a network's default
    account first, then by file)."""
    order = {network: index for index, network in enumerate(NETWORK_TABLE)}
    accounts = sorted(
        site.content.accounts,
        key=lambda a: (order.get(a.network, len(order)), a.network, not a.default, a.path),
    )
    groups: dict[str, list[AccountCard]] = {}
    for account in accounts:
        groups.setdefault(account.network, []).append(_account_card(site, account))
    return {
        "no_accounts": _("No accounts yet."),
        "changes_title": _("What the merge changes"),
        "unknown_old": _("(the earlier text was not recorded)"),
        "groups": [
            AccountGroup(network, network_title(network), tuple(cards))
            for network, cards in groups.items()
        ],
    }


def _account_card(site: _Site, account: Account) -> AccountCard:
    profile = site.content.profiles.get(account.name)
    action = site.action(account.path, account.name)
    several = bool(site.names.suffix(account.network, account.name))
    return AccountCard(
        network=account.network,
        name=account.name,
        cover=site.media_url(profile.cover) if profile and profile.cover else "",
        who=_who(site, account.network, account),
        network_title=network_title(account.network),
        path=account.path,
        account_id=str(account.account_id),
        description=profile.description if profile else account.description,
        website=account.website or "",
        status=Status(action.kind.value, kind_label(action.kind), action.reason)
        if action
        else None,
        note=_("The default account: posts that name only the network go here.")
        if several and account.default
        else "",
        changes=_field_changes(site, action) if action else (),
    )


def _field_changes(site: _Site, action: Action) -> tuple[FieldChange, ...]:
    """What the plan changes in the profile: old and new text, thumbnails of new images."""
    profile = action.profile
    if profile is None or action.kind is ActionKind.NOOP:
        return ()
    changes = []
    for name in (n for n in PROFILE_FIELDS if n in action.fields or n in action.manual):
        value = getattr(profile, name, None)
        if isinstance(value, Media):
            changes.append(FieldChange(field_label(name), image=site.media_url(value)))
        else:
            old = action.previous.get(name)
            known = old is not None
            changes.append(FieldChange(field_label(name), old or "", str(value or ""), known))
    return tuple(changes)


def moderation_context(site: _Site) -> dict[str, object]:
    entries = sorted(
        read_log(site.ws.repo, skip_damaged=True), key=lambda e: str(e.at or ""), reverse=True
    )
    head = [_("Time"), _("Network"), _("Category"), _("Action"), _("Rule"), _("Comment")]
    if site.personal_data:
        head += [_("Author"), _("Excerpt")]
    return {
        "empty_log": _("The moderation log is empty."),
        "head": head,
        "rows": [_log_row(site, e) for e in entries],
    }


def _log_row(site: _Site, entry: LogEntry) -> Row:
    moment = moment_of(entry.at, site.ws.config.zone)
    action = _ban_text(site, monthly.label(entry.action), entry.ban_until)
    link = entry.link
    cells = [
        *_cells(
            local_time(moment, site.ws),
            site.names.title(entry.network, entry.account),
            monthly.label(entry.main_category),
            action,
            rule_label(entry.rule, reveal=False),
        ),
        Cell(_("open"), link) if link else Cell("—"),
    ]
    if site.personal_data:
        cells += _cells(entry.author_name or entry.author_id, entry.excerpt)
    return Row(tuple(cells))


def _ban_text(site: _Site, action: str, until: object) -> str:
    if not until:
        return action
    if until == "forever":
        return _("{action} for good", action=action)
    moment = moment_of(until, site.ws.config.zone)
    return _("{action} until {time}", action=action, time=local_time(moment, site.ws))


@dataclass(frozen=True)
class Pending:
    """An answer to a citizen that the merge will publish."""

    path: str
    network: str
    kind: str
    label: str
    text: str
    #: the citizen's question (only on a site with personal data)
    question: str = ""


def inbox_context(site: _Site) -> dict[str, object]:
    """Open messages by deadline (overdue first), answers waiting for the merge, answered ones."""
    items = open_items(site.content.inbox, site.now)
    by_path = {i.path: i for i in site.content.inbox}
    head = [_("Due"), _("Network"), _("Category"), _("Received"), _("Message")]
    head += [_("Author")] if site.personal_data else []
    rows = tuple(_open_row(site, o.path, o.overdue, by_path[o.path]) for o in items)
    return {
        "no_open": _("No open messages."),
        "waiting": Table(_("Waiting for an answer"), tuple(head), rows),
        "pending_title": _("Answers to be published after the merge"),
        "question_label": _("The citizen's question:"),
        "answer_label": _("The answer:"),
        "pending": _pending_answers(site),
        "answered": _answered(site),
    }


def _open_row(site: _Site, path: str, overdue: bool, item: InboxItem) -> Row:
    zone = site.ws.config.zone
    due = moment_of(item.due, zone)
    received = moment_of(item.received, zone)
    cells = [
        Cell(local_time(due, site.ws), flag=_("OVERDUE") if overdue else ""),
        *_cells(
            site.names.title(item.network, item.account),
            monthly.label(item.category or "other"),
            local_time(received, site.ws),
        ),
        Cell(_question(site, item), item.link),
    ]
    if site.personal_data:
        cells.append(Cell(item.author))
    return Row(tuple(cells), "overdue" if overdue else "")


#: how much of a citizen's question a table shows
QUESTION_SHOWN = 200


def _question(site: _Site, item: InboxItem) -> str:
    """The citizen's question, shortened; on a public site (no personal data) its place only."""
    if not site.personal_data:
        return _("message (its text is shown on a site built with personal data)")
    question = " ".join(item.question.split())
    return question if len(question) <= QUESTION_SHOWN else question[: QUESTION_SHOWN - 1] + "…"


def _pending_answers(site: _Site) -> list[Pending]:
    return [
        Pending(
            a.post_path,
            site.names.title(a.network, a.account_key),
            a.kind.value,
            kind_label(a.kind),
            _shown(site, a.network, a.rendered.text),
            a.comment.text if site.personal_data else "",
        )
        for a in site.plan.actions
        if a.comment is not None
        and a.rendered is not None
        and not site.result_entries.get(a.result_file_path)
    ]


def _shown(site: _Site, network: str, text: str) -> str:
    """What a reader sees of a text in a network's format."""
    caps = site.ws.capabilities.get(network)
    return visible_text(text, caps.text_format) if caps else text


def _answered(site: _Site) -> Table:
    zone = site.ws.config.zone
    calendar = load_inbox_rules(site.ws.repo, site.ws.config.inbox).calendar
    answers = [
        monthly.answer_for(item, site.result_entries, calendar, zone) for item in site.content.inbox
    ]
    done = sorted(
        (a for a in answers if a.answered), key=lambda a: a.answered or site.now, reverse=True
    )[:ANSWERED_SHOWN]
    by_path = {i.path: i for i in site.content.inbox}
    head = (_("Answered"), _("Network"), _("Message"), _("Answer time"), _("Deadline allowed"))
    rows = tuple(
        Row(
            _cells(
                local_time(a.answered, site.ws),
                site.names.title(a.network, a.account),
                _question(site, by_path[a.path]) if a.path in by_path else a.path,
                monthly.hours_text(a.hours),
                monthly.hours_text(a.allowed),
            ),
            "late" if a.late else "",
        )
        for a in done
    )
    return Table(_("Answered"), head, rows)


# --- reports -----------------------------------------------------------------------------------


def report_months(site: _Site) -> list[str]:
    """Months with any publication, moderation action or message, and the current month."""
    zone = site.ws.config.zone
    moments: list[datetime | None] = [site.now]
    for entries in site.result_entries.values():
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
        context = {"months": _months_nav(months, month), "report": monthly.report_view(report)}
        site.write(f"report-{month}.html", "report.html", report.title, "report", **context)
        if month == current:
            site.write("report.html", "report.html", report.title, "report", **context)


def _months_nav(months: Iterable[str], active: str) -> list[Link]:
    return [Link(f"report-{m}.html", monthly.month_name(m), m == active) for m in months]
