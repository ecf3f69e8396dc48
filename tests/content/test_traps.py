"""YAML traps a press officer falls into get a hint in Russian at their line: a poll answer
split at its comma, a photo without a description, a date written day first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import jpeg_bytes, write_files

from publisher.content.load import load_content
from publisher.core.config import Config
from publisher.core.errors import Severity
from publisher.networks import NETWORKS


def load(root: Path, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    write_files(root, files)
    return load_content(root, Config(), NETWORKS)


def test_a_poll_answer_split_at_its_comma_is_a_warning_with_the_quotes_to_add(
    tmp_path: Path,
) -> None:
    text = "---\ntitle: Опрос\npoll:\n  question: Удобно?\n  options: [Да, удобно, Нет]\n---\nТ\n"
    content = load(tmp_path, {"content/p.md": text})

    (warning,) = content.diagnostics
    assert (warning.line, warning.severity, warning.code) == (5, Severity.WARNING, "poll-comma")
    assert "«удобно»" in warning.message and "«Да»" in warning.message
    assert 'options: ["Да, удобно", ...]' in warning.hint
    assert content.posts[0].poll.options == ("Да", "удобно", "Нет"), "still loaded as written"
    assert content.broken_posts == frozenset(), "a warning holds nothing back"


@pytest.mark.parametrize(
    "options", ["[Да, Нет]", '["Да, удобно", Нет]', "[1, 2]", "[Горку, Ярмарку, iPhone]"]
)
def test_poll_answers_that_start_with_a_capital_raise_nothing(tmp_path: Path, options: str) -> None:
    text = f"---\ntitle: О\npoll:\n  question: В?\n  options: {options}\n---\nТ\n"
    assert load(tmp_path, {"content/p.md": text}).diagnostics == ()


def test_a_photo_without_alt_is_a_warning_for_blind_readers(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Фото\nmedia:\n  - a.jpg\n  - file: b.jpg\n    alt: Ёлка\n  - c.mp4\n---\nТ\n"
    )
    files = {
        "content/p/index.md": text,
        "content/p/a.jpg": jpeg_bytes(),
        "content/p/b.jpg": jpeg_bytes(),
        "content/p/c.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    }
    content = load(tmp_path, files)

    found = [(d.line, d.severity, d.code) for d in content.diagnostics]
    assert found == [(4, Severity.WARNING, "media-alt")], "the photo alone: a video has no alt"
    assert (
        "незрячим" in content.diagnostics[0].hint and "file: a.jpg" in content.diagnostics[0].hint
    )


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("20.12.2026 10:00", "publish_at: 2026-12-20 10:00"),
        ("5.1.2027 9:30", "publish_at: 2027-01-05 09:30"),
        ("20/12/2026", "publish_at: 2026-12-20 10:00"),
        ("2026-12-20", "Добавьте время: publish_at: 2026-12-20 10:00"),
        ("31.02.2026 10:00", "2026-12-31 10:00 или 2026-12-31T10:00:00+03:00"),  # no such day
        ("завтра", "2026-12-31 10:00 или 2026-12-31T10:00:00+03:00"),
    ],
)
def test_a_date_written_day_first_gets_the_same_date_year_first(
    tmp_path: Path, written: str, hint: str
) -> None:
    text = f"---\ntitle: Т\npublish_at: {written}\n---\nТекст.\n"
    (error,) = load(tmp_path, {"content/p.md": text}).diagnostics

    assert (error.line, error.code, error.is_error) == (3, "publish-at", True)
    assert hint in error.hint
