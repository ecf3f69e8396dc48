"""Profile images: copies of the right size, and the dynamic cover checked by its pixels."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

from publisher.content.cover import (
    BOLD,
    REGULAR,
    CoverTemplate,
    Slot,
    cover_data,
    fit_image,
    render_cover,
    russian_date,
)
from publisher.content.profiles import IMAGE_RULES
from publisher.core.model import Post

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def post(title: str, publish_at: datetime | None) -> Post:
    return Post(
        id=title,
        path=f"content/{title}.md",
        title=title,
        body="T",
        networks=("vk",),
        publish_at=publish_at,
    )


def test_russian_date() -> None:
    assert russian_date(NOW.date()) == "29 ноября, воскресенье"


def test_cover_data_picks_next_scheduled_and_latest_posts() -> None:
    posts = [
        post("Старый", datetime(2026, 11, 1, tzinfo=UTC)),
        post("Свежий", datetime(2026, 11, 28, tzinfo=UTC)),
        post("Крещение", datetime(2027, 1, 15, tzinfo=UTC)),
        post("Позже", datetime(2027, 2, 1, tzinfo=UTC)),
    ]
    data = cover_data(posts, NOW)
    assert data["date"] == "29 ноября, воскресенье"
    assert data["next"] == "15 января — Крещение"
    assert (data["latest1"], data["latest2"]) == ("Свежий", "Старый")


def test_fit_makes_the_networks_size_from_any_shape_and_says_what_it_cut(tmp_path: Path) -> None:
    source = tmp_path / "wide.png"
    Image.new("RGB", (3000, 600), "navy").save(source)
    rule = IMAGE_RULES["vk"]["cover"]

    fit = fit_image(source, rule, tmp_path / "out.jpg")

    with Image.open(tmp_path / "out.jpg") as fitted:
        assert fitted.size == (1590, 400)
    assert fit.kept == (307, 0, 2692, 600), "the middle 2385×600 of the 3000×600"
    assert (fit.cropped, fit.scaled, fit.too_small) == (True, True, False)


def test_fit_never_enlarges_a_small_source_to_pass_the_minimum(tmp_path: Path) -> None:
    source = tmp_path / "small.png"
    Image.new("RGB", (120, 120), "navy").save(source)  # Telegram needs at least 160×160
    target = tmp_path / "out.jpg"

    fit = fit_image(source, IMAGE_RULES["telegram"]["avatar"], target)

    assert fit.too_small and fit.size == (120, 120)
    assert not target.exists(), "no copy: only an enlarged (blurred) one would pass"


def test_fit_keeps_a_source_between_the_minimum_and_the_best_size(tmp_path: Path) -> None:
    source = tmp_path / "tall.png"
    Image.new("RGB", (300, 500), "navy").save(source)  # Telegram: ≥160×160, best 640×640

    fit = fit_image(source, IMAGE_RULES["telegram"]["avatar"], tmp_path / "out.jpg")

    with Image.open(tmp_path / "out.jpg") as fitted:
        assert fitted.size == (300, 300), "cropped to a square, not scaled up to 640"
    assert (fit.kept, fit.scaled, fit.too_small) == ((0, 100, 300, 400), False, False)


def test_fit_says_when_the_crop_leaves_too_little(tmp_path: Path) -> None:
    source = tmp_path / "strip.png"
    Image.new("RGB", (3000, 150), "navy").save(source)  # VK's cover: ≥795×200, 1590×400

    fit = fit_image(source, IMAGE_RULES["vk"]["cover"], tmp_path / "out.jpg")

    assert fit.too_small and fit.cropped and fit.size == (596, 150)


def _glyph(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    image = Image.new("L", (60, 60))
    ImageDraw.Draw(image).text((5, 5), text, font=font, fill=255)
    return image.tobytes()


def test_cover_renders_cyrillic_text_within_the_image(tmp_path: Path) -> None:
    template = CoverTemplate(
        background=None,
        size=(1590, 400),
        slots=(
            Slot("{date}", 60, 50, 56, bold=True),
            Slot("Скоро: {next}", 60, 150, 36, max_width=600),
        ),
        color="#1f4e79",
    )
    long_title = "Очень длинное название мероприятия, которое не помещается в строку " * 3
    data = {"date": "29 ноября, воскресенье", "next": long_title}
    path = render_cover(template, data, tmp_path / "cover.png")
    with Image.open(path) as image:
        image = image.convert("RGB")
        assert image.size == (1590, 400)
        background = Image.new("RGB", image.size, "#1f4e79")
        changed = ImageChops.difference(image, background).getbbox()
    assert changed is not None
    left, top, right, bottom = changed
    assert left >= 60 and top >= 50 and bottom <= 400
    assert right <= 60 + 1590 - 80, "the first slot fits the image width"
    with Image.open(path) as image:
        second_line = image.convert("RGB").crop((0, 150, 1590, 200))
        inked = ImageChops.difference(second_line, Image.new("RGB", second_line.size, "#1f4e79"))
        assert inked.getbbox() is not None and inked.getbbox()[2] <= 60 + 600, "shrunk to fit"
    for font_path in (REGULAR, BOLD):
        font = ImageFont.truetype(str(font_path), 40)
        for letter in "ЖЩЁжщё":
            assert _glyph(font, letter) != _glyph(font, "\ue000"), "Cyrillic glyphs exist"
