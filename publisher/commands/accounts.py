"""``publisher accounts``: correctly sized copies of profile images, and the dynamic cover."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.content.confine import verified
from publisher.content.cover import Fit, cover_data, fit_image, load_template, render_cover
from publisher.content.load import Content, read_media
from publisher.content.profiles import IMAGE_RULES, IMAGES_DIR, ImageRule, check_image
from publisher.core.capabilities import network_title
from publisher.core.errors import NetworkError
from publisher.core.i18n import _
from publisher.core.model import Profile
from publisher.engine.runtime import build_adapters
from publisher.reports.names import AccountNames

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
    ws: Workspace, upload: bool, forge_transport: httpx.BaseTransport | None = None
) -> CoverResult:
    """``accounts cover``: in CI, an upload needs every change since the last run approved
    (the cover's template and the account files decide what goes out)."""
    from publisher.engine.approval import require_approved_history  # Git and the Git host

    if upload:
        require_approved_history(ws, forge_transport)
    return refresh_cover(ws, ws.load(), upload)


def refresh_cover(ws: Workspace, content: Content, upload: bool) -> CoverResult:
    """Draw the dynamic cover; upload it to every account whose network takes covers (each
    of a network's accounts)."""
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
        return names.short(accounts[name].network, name)

    uploaded: list[str] = []
    failed: list[tuple[str, str]] = []
    with ws.http_client() as http:
        adapters = build_adapters(accounts, ws.env, http, ws.clock, ws.sandbox_dir is not None)
        for name, error in adapters.unavailable.items():
            failed.append((where(name), error.message))
        for name, adapter in adapters.ready.items():
            try:
                adapter.set_profile(Profile(accounts[name].network, cover=media))
                uploaded.append(where(name))
            except NetworkError as error:
                failed.append((where(name), error.message))
    return CoverResult(COVER_FILE, tuple(uploaded), tuple(failed))
