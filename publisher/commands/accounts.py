"""``publisher accounts``: correctly sized copies of profile images, the dynamic cover, and the
profile steps only a person can take (listed until someone confirms them: ``accounts done``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.content.confine import verified
from publisher.content.cover import Fit, cover_data, fit_image, load_template, render_cover
from publisher.content.load import Content, read_media
from publisher.content.profiles import (
    IMAGE_RULES,
    IMAGES_DIR,
    PROFILE_FIELDS,
    ImageRule,
    check_image,
)
from publisher.core.capabilities import network_title
from publisher.core.errors import ConfigError, NetworkError
from publisher.core.escape import markdown_code, markdown_inline, markdown_link, one_line
from publisher.core.i18n import _
from publisher.core.model import Profile
from publisher.core.names import AccountNames
from publisher.core.progress import Watch
from publisher.engine.apply import profile_entry
from publisher.engine.audit import AuditReport, audit_accounts, record_audit
from publisher.engine.plan import done_command, manual_step, settings_url
from publisher.engine.runtime import build_adapters
from publisher.state.result_files import RESULT_FILE_ERRORS, ResultFiles, result_file_problem
from publisher.state.stats import read_stats, write_stats

if TYPE_CHECKING:
    import httpx

    from publisher.engine.workspace import Workspace

FITTED_DIR = "design/fitted"
COVER_FILE = "design/generated/cover.png"


@dataclass(frozen=True)
class Fitted:
    """A copy made for one account's avatar or cover, or why none could be."""

    account: str
    #: the account's file, to write ``target`` into
    path: str
    field: str
    source: str
    #: the copy's path ("" where the source is too small for one: ``fit.too_small``)
    target: str
    fit: Fit
    #: the account's network, and what it takes (its minimum and best size)
    network: str
    rule: ImageRule


def fit_images(ws: Workspace, content: Content, out: str = FITTED_DIR) -> list[Fitted]:
    """A copy of each avatar and cover the network would refuse, at the size it wants, named
    after the image and the account (two accounts of one network may want different sizes
    of images of one name); none where the source is too small (see ``fit_image``)."""
    made: list[Fitted] = []
    for account in content.accounts:
        profile = content.profiles.get(account.name)
        for field in ("avatar", "cover"):
            media = getattr(profile, field) if profile else None
            rule = IMAGE_RULES.get(account.network, {}).get(field)
            if media is None or rule is None or not check_image(account, field, media):
                continue
            name = f"{Path(media.rel).stem}-{account.name}-{field}.jpg"
            fit = fit_image(verified(media), rule, ws.repo / out / name)
            target = "" if fit.too_small else f"{out}/{name}"
            made.append(
                Fitted(
                    account.name, account.path, field, media.rel, target, fit, account.network, rule
                )
            )
    return made


def fit_report(item: Fitted) -> str:
    """What ``accounts fit`` did with one image, in words: what it cut off and the size it
    made, or why it made no copy."""
    fit, (width, height) = item.fit, item.fit.size
    if fit.too_small:
        return _(
            "{account}: the {field} {source} is {width}×{height} px{cropped}; {network} needs "
            "at least {min_w}×{min_h}. No copy is made: publisher does not enlarge images (they "
            "come out blurred). Use a larger image.",
            account=item.account,
            field=item.field,
            source=item.source,
            width=width,
            height=height,
            cropped=_(" once cropped to the network's shape") if fit.cropped else "",
            network=network_title(item.network),
            min_w=item.rule.min_width,
            min_h=item.rule.min_height,
        )
    done = [_crop_words(fit)] if fit.cropped else []
    if fit.scaled:
        done.append(_("scaled down to {width}×{height}", width=width, height=height))
    elif (width, height) != item.rule.best:
        done.append(
            _(
                "left at {width}×{height}, under the best {best_w}×{best_h}: it is not enlarged",
                width=width,
                height=height,
                best_w=item.rule.best[0],
                best_h=item.rule.best[1],
            )
        )
    return _(
        "{account}: {field} {source} → {target} ({done}); put this path into {path}",
        account=item.account,
        field=item.field,
        source=item.source,
        target=item.target,
        done="; ".join(done),
        path=item.path,
    )


def _crop_words(fit: Fit) -> str:
    """What the crop cut off, side by side."""
    left, top, right, bottom = fit.kept
    width, height = fit.source
    if left or right != width:
        return _(
            "cropped {left} px on the left and {right} px on the right",
            left=left,
            right=width - right,
        )
    return _(
        "cropped {top} px at the top and {bottom} px at the bottom", top=top, bottom=height - bottom
    )


@dataclass(frozen=True)
class CoverResult:
    """The cover drawn, and where it went: each account by its network, and by its title
    where the network has several (``AccountNames.short``)."""

    path: str
    uploaded: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]


def cover(
    ws: Workspace,
    upload: bool,
    forge_transport: httpx.BaseTransport | None = None,
    watch: Watch[str] | None = None,
) -> CoverResult:
    """``accounts cover``: in CI, an upload needs every change since the last run approved
    (the cover's template and the account files decide what goes out)."""
    from publisher.engine.approval import require_approved_history  # Git and the Git host

    if upload:
        require_approved_history(ws, forge_transport)
    return refresh_cover(ws, ws.load(), upload, watch or Watch())


def refresh_cover(
    ws: Workspace, content: Content, upload: bool, watch: Watch[str] | None = None
) -> CoverResult:
    """Draw the dynamic cover; upload it to every account whose network takes covers (each
    of a network's accounts). ``watch`` hears of each account tried, and the place of each
    upload the moment it is done."""
    watch = watch or Watch()
    template = load_template(ws.repo)
    target = ws.repo / COVER_FILE
    render_cover(template, cover_data(content.posts, ws.clock.now()), target)
    if not upload:
        return CoverResult(COVER_FILE, (), ())
    media, problems = read_media(ws.repo, target, ws.repo / IMAGES_DIR)
    if media is None:
        return CoverResult(COVER_FILE, (), tuple(("cover", p.message) for p in problems))
    accounts = {
        a.name: a
        for a in content.accounts
        if a.network in ws.capabilities and "cover" in ws.capabilities[a.network].profile
    }
    names = AccountNames(content.accounts)

    def where(name: str) -> str:
        return names.title(accounts[name].network, name)

    uploaded: list[str] = []
    failed: list[tuple[str, str]] = []
    with ws.http_client() as http:
        adapters = build_adapters(accounts, ws.env, http, ws.clock, ws.sandbox_dir is not None)
        for name, error in adapters.unavailable.items():
            failed.append((where(name), error.message))
        watch.begin(len(adapters.ready))
        for name, adapter in adapters.ready.items():
            try:
                adapter.set_profile(Profile(accounts[name].network, cover=media))
                uploaded.append(where(name))
                watch.item(where(name))
            except NetworkError as error:
                failed.append((where(name), error.message))
            watch.advance()
    return CoverResult(COVER_FILE, tuple(uploaded), tuple(failed))


#: marks the Git host issue that ``accounts manual --issue`` keeps up to date
MANUAL_MARKER = "<!-- publisher-manual -->"


@dataclass(frozen=True)
class ManualStep:
    """Profile fields a person still has to set by hand on one account."""

    account: str
    network: str
    #: the account's file
    file: str
    #: the account as plans name it (``instagram · Братское …`` where the network has several)
    place: str
    fields: tuple[str, ...]
    #: the network's settings page, where the person sets them
    url: str
    #: what the person runs once they have (``accounts done``)
    command: str
    #: the step as the plan words it
    step: str

    def text(self) -> str:
        return f"✎ {one_line(self.place)}: {one_line(self.step)}"

    def markdown(self) -> str:
        link = markdown_link(_("settings"), self.url) if self.url else "—"
        step = _(
            "set by hand: {fields} — {url}; when done: {command}",
            fields=markdown_inline(", ".join(self.fields)),
            url=link,
            command=markdown_code(self.command),
        )
        return f"- **{markdown_inline(self.place)}** ({markdown_code(self.file)}): {step}"


@dataclass(frozen=True)
class ManualSteps:
    """The profile steps people still have to take by hand, one per account."""

    steps: list[ManualStep]

    def output(self, fmt: str) -> str:
        """As ``text``, ``markdown`` (the issue) or ``json``."""
        if fmt == "json":
            rows = [{k: v for k, v in asdict(step).items() if k != "place"} for step in self.steps]
            return json.dumps(rows, ensure_ascii=False, indent=2)
        title = _("Profile steps to take by hand: {count}.", count=len(self.steps))
        if fmt == "markdown":
            return "\n".join([f"### {title}", *(step.markdown() for step in self.steps)])
        return "\n".join([title, *(step.text() for step in self.steps)])


def manual_steps(ws: Workspace) -> ManualSteps:
    """Every profile step waiting for a person, as the plan has it."""
    content = ws.load()
    names = AccountNames(content.accounts)
    steps = []
    for action in ws.manual_steps(content):
        account = content.account(action.account)
        assert account is not None  # a profile action is an account's
        caps = ws.capabilities[account.network]
        steps.append(
            ManualStep(
                account=account.name,
                network=account.network,
                file=account.path,
                place=names.title(account.network, account.name),
                fields=action.manual,
                url=settings_url(account, caps),
                command=done_command(account.name, action.manual),
                step=manual_step(account, caps, action.manual),
            )
        )
    return ManualSteps(steps)


def post_manual_issue(
    ws: Workspace, steps: ManualSteps, forge_transport: httpx.BaseTransport | None = None
) -> str | None:
    """Keep one Git host issue listing the steps (edited in place, like the overdue messages'
    issue); its URL, or None outside CI."""
    from publisher.forge import detect  # the HTTP client: only when posting

    forge = detect(ws.env, forge_transport)
    if forge is None:
        return None
    title = _("Profile steps to take by hand")
    return forge.upsert_issue(title, steps.output("markdown"), MANUAL_MARKER)


@dataclass(frozen=True)
class Confirmed:
    """What ``accounts done`` recorded: the result file, and the commit (None: not a Git
    repository)."""

    path: str
    commit: str | None


def confirm_done(ws: Workspace, name: str, fields: Sequence[str]) -> Confirmed:
    """Record that a person set ``fields`` of the account ``name`` (a network's name means its
    default account) by hand, and commit it naming them (Git's ``user.name``)."""
    from publisher.state.repo import author_name, build_message, commit_results

    content = ws.load()
    default = content.default_account(name)
    account = content.account(name) or default
    if account is None:
        raise ConfigError(
            _("There is no account '{name}' in accounts/.", name=name),
            _("Use the account's file name, as publisher accounts manual lists it."),
        )
    step = next((a for a in ws.manual_steps(content) if a.account == account.name), None)
    waiting = step.manual if step is not None else ()
    _check_waiting(account.name, fields, waiting)
    assert step is not None
    person = author_name(ws.repo)
    if not person:
        raise ConfigError(
            _("Git does not know who you are: the confirmation names the person."),
            _('Run: git config user.name "Your Name"; git config user.email you@example.org'),
        )
    rel = step.result_file_path
    files = ResultFiles(ws.repo, content.account_aliases)
    try:
        previous = files.read(rel).get(account.name)
    except RESULT_FILE_ERRORS as error:  # a damaged file is never written over
        problem = result_file_problem(rel, error)
        raise ConfigError(
            f"{problem.path}:{problem.line}: {problem.message}", problem.hint
        ) from None
    done = tuple(dict.fromkeys(fields))
    now = ws.clock.now().isoformat(timespec="seconds")
    files.record(
        rel, step.post_id, profile_entry(step, previous, done, dict.fromkeys(done, person), now)
    )
    subject = _("{account}: set by hand: {fields}", account=account.name, fields=", ".join(done))
    message = build_message(subject, [_("Confirmed by {person}.", person=person)])
    return Confirmed(rel, commit_results(ws.repo, [rel], message))


def _check_waiting(account: str, fields: Sequence[str], waiting: Sequence[str]) -> None:
    """ConfigError unless every one of ``fields`` is a profile field that waits for a person."""
    unknown = [f for f in fields if f not in PROFILE_FIELDS]
    if unknown:
        raise ConfigError(
            _("Unknown profile field: {fields}.", fields=", ".join(unknown)),
            _("Profile fields: {fields}.", fields=", ".join(PROFILE_FIELDS)),
        )
    extra = [f for f in fields if f not in waiting]
    if extra:
        hint = (
            _("Waiting for a person there: {fields}.", fields=", ".join(waiting))
            if waiting
            else _("Nothing waits for a person on this account.")
        )
        raise ConfigError(
            _(
                "{account}: {fields} does not wait to be set by hand.",
                account=account,
                fields=", ".join(extra),
            ),
            hint,
        )


@dataclass(frozen=True)
class Audited:
    """What ``accounts audit`` found, the month's file it recorded it in, and the commit."""

    report: AuditReport
    path: str
    commit: str | None


def audit(ws: Workspace, *, commit: bool = True, push: bool = False) -> Audited:
    """Audit every account, record the findings in this month's ``stats/YYYY-MM.yml`` (the
    monthly report's table reads them there) and commit that file alone."""
    from publisher.engine.publish import record
    from publisher.state.repo import build_message

    content = ws.load()
    report = audit_accounts(ws, content)
    now = ws.clock.now().astimezone(ws.config.zone)
    stats = read_stats(ws.repo, now.strftime("%Y-%m"))
    record_audit(stats, report, content, now.isoformat("T", "seconds"))
    path = write_stats(ws.repo, stats)
    sha = None
    if commit:
        warnings = len(report.findings) - len(report.errors)
        subject = "publisher: " + _(
            "accounts audit, {warnings} warnings, {errors} errors",
            warnings=warnings,
            errors=len(report.errors),
        )
        sha = record(ws, [path], build_message(subject), push, lambda _sha: None)
    return Audited(report, path, sha)
