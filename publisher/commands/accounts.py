"""``publisher accounts``: correctly sized copies of profile images, and the dynamic cover."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.content.confine import verified
from publisher.content.cover import cover_data, fit_image, load_template, render_cover
from publisher.content.load import Content, read_media
from publisher.content.profiles import IMAGE_RULES, IMAGES_DIR, check_image
from publisher.core.errors import NetworkError
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
    """A copy made for one account's avatar or cover."""

    account: str
    #: the account's file, to write ``target`` into
    path: str
    field: str
    source: str
    target: str


def fit_images(ws: Workspace, content: Content, out: str = FITTED_DIR) -> list[Fitted]:
    """A copy of each avatar and cover the network would refuse, at the size it wants, named
    after the image and the account (two accounts of one network may want different sizes
    of images of one name)."""
    made: list[Fitted] = []
    for account in content.accounts:
        profile = content.profiles.get(account.name)
        for field in ("avatar", "cover"):
            media = getattr(profile, field) if profile else None
            rule = IMAGE_RULES.get(account.network, {}).get(field)
            if media is None or rule is None or not check_image(account, field, media):
                continue
            name = f"{Path(media.rel).stem}-{account.name}-{field}.jpg"
            fit_image(verified(media), rule, ws.repo / out / name)
            made.append(Fitted(account.name, account.path, field, media.rel, f"{out}/{name}"))
    return made


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
