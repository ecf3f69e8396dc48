"""Account profiles: what ``accounts/<name>.md`` asks each network to show, and image rules.

The body of an account file is its description; ``title``, ``website``, ``avatar`` and ``cover``
come from the front matter (image paths are relative to the repository root, inside ``design/``).
Planning compares each field's hash with the recorded one, so only what changed is sent; fields a
network's API cannot set become manual steps with a link to the network's settings page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from publisher.content.render import render_text
from publisher.core.errors import Diagnostic, Severity
from publisher.core.i18n import _
from publisher.core.model import Account, Media, Profile

if TYPE_CHECKING:
    from publisher.state.cache import Cache

PROFILE_FIELDS = ("title", "description", "website", "avatar", "cover")
#: the folder an account's avatar and cover must be in (its path from the repository root):
#: nothing else in the repository, such as ``.git/config``, may become a profile image
IMAGES_DIR = "design"


@dataclass(frozen=True)
class ImageRule:
    """What a network takes for an avatar or a cover, and the size ``accounts fit`` makes."""

    min_width: int
    min_height: int
    best: tuple[int, int]
    aspect_tolerance: float = 0.05

    @property
    def aspect(self) -> float:
        return self.best[0] / self.best[1]


#: avatar and cover rules per network. Sizes the reference marks [verified] are cited; the rest
#: are the networks' published recommendations [uncertain] and only produce check errors when an
#: image is clearly smaller or of another shape.
IMAGE_RULES: dict[str, dict[str, ImageRule]] = {
    # cover ≥795×200, 1590×400 recommended [uncertain: V3 doc comment]; avatar ≥200 px square
    "vk": {"avatar": ImageRule(200, 200, (400, 400)), "cover": ImageRule(795, 200, (1590, 400))},
    "telegram": {"avatar": ImageRule(160, 160, (640, 640))},
    "ok": {"avatar": ImageRule(190, 190, (640, 640))},
    "max": {"avatar": ImageRule(160, 160, (640, 640))},
    "facebook": {
        "avatar": ImageRule(180, 180, (720, 720)),
        "cover": ImageRule(400, 150, (1640, 624)),
    },
    "x": {"avatar": ImageRule(200, 200, (400, 400))},
}


def profile_for(
    account: Account, avatar: Media | None, cover: Media | None, cache: Cache | None = None
) -> Profile:
    """The profile an account file describes, with the description as plain text (through
    ``cache``, when there is one)."""
    description = account.description
    if cache is None:
        plain = render_text(description, "plain")
    else:
        plain = cache.text(f"plain\0{description}", lambda: render_text(description, "plain"))
    return Profile(
        network=account.network,
        title=account.title,
        description=plain,
        website=account.website,
        avatar=avatar,
        cover=cover,
    )


def field_hashes(profile: Profile) -> dict[str, str]:
    """A short hash of every field that is set, to tell which ones changed."""
    hashes: dict[str, str] = {}
    for name, value in profile.fields().items():
        raw = value.sha256 if isinstance(value, Media) else str(value)
        hashes[name] = hashlib.sha256(raw.encode()).hexdigest()[:16]
    return hashes


#: the fields whose text a result file keeps (``sent_values``), to show the next change
TEXT_FIELDS = ("title", "description", "website")


def recorded_values(extra: Mapping[str, object]) -> dict[str, str]:
    """The text fields a result entry's ``extra`` says were sent (``values``); anything else a
    hand-edited file holds there is ignored."""
    values = extra.get("values")
    if not isinstance(values, Mapping):
        return {}
    return {k: v for k, v in values.items() if k in TEXT_FIELDS and isinstance(v, str)}


def sent_values(
    recorded: Mapping[str, object], profile: Profile, sent: Iterable[str]
) -> dict[str, str]:
    """The text fields as the network has them after sending ``sent`` of ``profile``: those
    recorded before (a result entry's ``extra``), with the sent ones updated."""
    values = recorded_values(recorded)
    values.update({name: str(getattr(profile, name)) for name in sent if name in TEXT_FIELDS})
    return values


def only(profile: Profile, names: set[str]) -> Profile:
    """The profile with just the named fields kept."""
    empty: dict[str, object] = {
        "title": "",
        "description": "",
        "website": "",
        "avatar": None,
        "cover": None,
    }
    return replace(profile, **{k: v for k, v in empty.items() if k not in names})  # type: ignore[arg-type]


def check_image(account: Account, field: str, media: Media) -> list[Diagnostic]:
    """An avatar or cover that the network would refuse or crop badly, with the size needed."""
    rule = IMAGE_RULES.get(account.network, {}).get(field)
    if rule is None or not media.width:
        return []
    ratio = media.width / max(1, media.height)
    small = media.width < rule.min_width or media.height < rule.min_height
    shape = abs(ratio - rule.aspect) > rule.aspect * rule.aspect_tolerance
    if not (small or shape):
        return []
    return [
        Diagnostic(
            account.path,
            account.lines.get(field, 1),
            Severity.ERROR,
            _(
                "The {field} is {width}×{height} px; {network} needs at least {min_w}×{min_h} "
                "with the shape of {best_w}×{best_h}.",
                field=field,
                width=media.width,
                height=media.height,
                network=account.network,
                min_w=rule.min_width,
                min_h=rule.min_height,
                best_w=rule.best[0],
                best_h=rule.best[1],
            ),
            _(
                "Use a larger image: publisher accounts fit crops and scales images down, but "
                "never enlarges them."
            )
            if small
            else _("Run publisher accounts fit to make a copy of the right size."),
            "profile-image",
        )
    ]
