"""Images for account profiles: copies of the right size, and the dynamic cover.

``fit_image`` crops an avatar or cover to the network's shape and scales it down to the
recommended size, never up. ``render_cover`` draws the dynamic cover from a template in the
repository (``design/cover.yml``: a background image and text slots) and data from the
repository: today's date in Russian, the next scheduled posts, the latest posts. The Cyrillic
font ships with the package (DejaVu Sans), so nothing is downloaded at run time.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont

from publisher.content.confine import IMAGE_FORMATS, confined
from publisher.content.profiles import IMAGES_DIR, ImageRule
from publisher.core.errors import ConfigError
from publisher.core.i18n import _
from publisher.core.model import Post
from publisher.core.resources import FONTS_DIR

FONTS = FONTS_DIR
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
TEMPLATE = "design/cover.yml"

MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def russian_date(day: date) -> str:
    """``29 ноября, воскресенье``."""
    return f"{day.day} {MONTHS[day.month - 1]}, {WEEKDAYS[day.weekday()]}"


@dataclass(frozen=True)
class Fit:
    """What ``fit_image`` did: the part of the source it kept and the size of the copy."""

    #: the source's width and height
    source: tuple[int, int]
    #: the part kept, as (left, top, right, bottom): the whole image where its shape was right
    kept: tuple[int, int, int, int]
    #: the copy's width and height (of the part kept, where nothing was written)
    size: tuple[int, int]
    #: the part kept is smaller than the network's minimum: no copy was written, as only
    #: enlarging it would pass, and an enlarged image is a blurred one
    too_small: bool = False

    @property
    def cropped(self) -> bool:
        return self.kept != (0, 0, *self.source)

    @property
    def scaled(self) -> bool:
        return self.size != (self.kept[2] - self.kept[0], self.kept[3] - self.kept[1])


def fit_image(source: Path, rule: ImageRule, target: Path) -> Fit:
    """Crop ``source`` around its centre to the rule's shape and scale it down to the best
    size, or keep the size of the part kept where that is smaller (never enlarged); write
    nothing where the part kept is under the network's minimum. Says what it did."""
    with Image.open(source) as opened:
        image = opened.convert("RGB")
        width, height = image.size
        kept = _centre(width, height, rule.aspect)
        part = (kept[2] - kept[0], kept[3] - kept[1])
        if part[0] < rule.min_width or part[1] < rule.min_height:
            return Fit((width, height), kept, part, too_small=True)
        large = part[0] >= rule.best[0] and part[1] >= rule.best[1]
        size = rule.best if large else part
        image = image.crop(kept)
        if size != part:
            image = image.resize(size, Image.Resampling.LANCZOS)
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, quality=90)
    return Fit((width, height), kept, size)


def _centre(width: int, height: int, aspect: float) -> tuple[int, int, int, int]:
    """The largest part of a ``width``×``height`` image around its centre with the shape
    ``aspect`` (width / height), as (left, top, right, bottom)."""
    if width / height > aspect:
        new_width = round(height * aspect)
        left = (width - new_width) // 2
        return (left, 0, left + new_width, height)
    new_height = min(height, round(width / aspect))
    top = (height - new_height) // 2
    return (0, top, width, top + new_height)


@dataclass(frozen=True)
class Slot:
    """One line of text on the cover: where, how big, and what (``{date}``, ``{next}``...)."""

    text: str
    x: int
    y: int
    size: int = 40
    color: str = "#ffffff"
    bold: bool = False
    max_width: int = 0


@dataclass(frozen=True)
class CoverTemplate:
    """``design/cover.yml``: background, size, and text slots."""

    background: Path | None
    size: tuple[int, int]
    slots: tuple[Slot, ...]
    color: str = "#1f4e79"
    extras: dict[str, Any] = field(default_factory=dict)


def load_template(repo: Path) -> CoverTemplate:
    """Read ``design/cover.yml``; explain what is wrong with it."""
    path = repo / TEMPLATE
    if not path.exists():
        raise ConfigError(
            _("There is no cover template {file}.", file=TEMPLATE),
            _("Create it: background, size [1590, 400] and text slots (see README)."),
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ConfigError(
                _("{file} must list settings as lines like name: value.", file=TEMPLATE)
            )
        slots = tuple(Slot(**raw) for raw in data.get("slots", []))
        size = tuple(int(v) for v in data.get("size", (1590, 400)))
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        raise ConfigError(
            _("{file} cannot be read: {error}", file=TEMPLATE, error=exc),
            _("Each slot needs text, x and y; size is [width, height]."),
        ) from None
    background = data.get("background")
    return CoverTemplate(
        background=_background(repo, str(background)) if background else None,
        size=(size[0], size[1]),
        slots=slots,
        color=str(data.get("color", "#1f4e79")),
    )


def _background(repo: Path, name: str) -> Path:
    """The template's background image, which must be inside ``design/`` like every profile
    image (see ``confine``)."""
    found = confined(repo, name, (repo / IMAGES_DIR,))
    if found is None:
        raise ConfigError(
            _("The image '{file}' is outside the folder {folder}.", file=name, folder=IMAGES_DIR),
            _(
                "Put the image in {folder}/ and write its path from the repository root, "
                "such as {folder}/avatar.png.",
                folder=IMAGES_DIR,
            ),
        )
    return found[0]


def cover_data(posts: Sequence[Post], today: datetime) -> dict[str, str]:
    """What the slots may show: the date, the next scheduled post, the latest posts."""
    upcoming = sorted(
        (p for p in posts if p.status == "ready" and p.publish_at and p.publish_at > today),
        key=lambda p: p.publish_at or today,
    )
    latest = sorted(
        (
            p
            for p in posts
            if p.status == "ready" and (p.publish_at is None or p.publish_at <= today)
        ),
        key=lambda p: (p.publish_at or today, p.path),
        reverse=True,
    )
    data = {"date": russian_date(today.date())}
    data["next"] = f"{_day_month(upcoming[0].publish_at)} — {upcoming[0].title}" if upcoming else ""
    for index in range(3):
        data[f"latest{index + 1}"] = latest[index].title if index < len(latest) else ""
    return data


def _day_month(moment: datetime | None) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]}" if moment else ""


def render_cover(template: CoverTemplate, data: dict[str, str], target: Path) -> Path:
    """Draw the cover: background scaled to size, each slot's text fitted to its width."""
    if template.background is not None and template.background.exists():
        image = _open_background(template.background, template.size)
    else:
        image = Image.new("RGB", template.size, template.color)
    draw = ImageDraw.Draw(image)
    for slot in template.slots:
        text = slot.text.format_map(_Blank(data)).strip()
        if text:
            _draw_fitted(draw, slot, text, template.size[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target)
    return target


def _open_background(path: Path, size: tuple[int, int]) -> Image.Image:
    """The background scaled to the cover's size; an unreadable or oversized (decompression
    bomb) image is a configuration error, not a traceback."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=IMAGE_FORMATS) as background:
                return background.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ConfigError(
            _("'{file}' is not a readable image.", file=path.name),
            _("Save it again as JPEG or PNG."),
        ) from None


def _draw_fitted(draw: ImageDraw.ImageDraw, slot: Slot, text: str, width: int) -> None:
    """Shrink the font until the text fits the slot (never below 12 px), then draw it."""
    room = slot.max_width or (width - slot.x - 20)
    size = slot.size
    font = ImageFont.truetype(str(BOLD if slot.bold else REGULAR), size)
    while size > 12 and draw.textlength(text, font=font) > room:
        size -= 2
        font = ImageFont.truetype(str(BOLD if slot.bold else REGULAR), size)
    while draw.textlength(text, font=font) > room and len(text) > 1:
        text = text[:-2].rstrip() + "…"
    draw.text((slot.x, slot.y), text, font=font, fill=slot.color)


class _Blank(dict[str, str]):
    """Unknown placeholders become empty instead of raising."""

    def __missing__(self, key: str) -> str:
        return ""
