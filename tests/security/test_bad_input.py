"""Bad input never stops the run: each mistake is an error at its file and line, ``check`` and
``apply`` exit 1, and the other posts still go out."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Publisher, write_files
from PIL import Image

from publisher.networks.x import weighted_length
from publisher.render import MAX_THREAD_PARTS, split_thread

NEWS = "---\ntitle: Вывоз мусора\nnetworks: [vk, telegram]\n---\nМусор вывозят по графику.\n"
HEAD = "---\ntitle: Пост\nnetworks: [vk, telegram]\n"


@pytest.fixture
def run(make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]) -> Publisher:
    return publisher(make_repo({"content/2026/12/news.md": NEWS}))


def assert_located(run: Publisher, files: dict[str, str | bytes], where: str) -> str:
    """Commit ``files``; check and apply report ``where`` (file:line), exit 1, no traceback,
    and the news still goes out. Returns check's output."""
    write_files(run.repo, files)
    checked = run("check")
    assert checked.exit_code == 1, checked.output
    assert checked.exception is None or isinstance(checked.exception, SystemExit)
    assert where in checked.output
    applied = run("apply", "--no-commit")
    assert applied.exit_code == 1, applied.output
    assert "Traceback" not in applied.output
    assert run.texts("vk") == ["Мусор вывозят по графику."]
    return checked.output


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("publish_at: 2026-02-30 10:00:00\n", 4),
        ("publish_at: 2026-12-01T10:00:00+25:00\n", 4),
        ("tags: [праздник, 2026-02-30]\n", 4),
        ("overrides:\n  telegram:\n    silent: 2026-13-01\n", 6),
        ("poll:\n  question: Когда?\n  options: [2026-02-29, 2026-03-01]\n", 6),
    ],
)
def test_an_impossible_date_anywhere_is_an_error_at_its_line(
    run: Publisher, front: str, line: int
) -> None:
    output = assert_located(
        run,
        {"content/2026/12/bad.md": f"{HEAD}{front}---\nТекст.\n"},
        f"content/2026/12/bad.md:{line}",
    )
    assert "несуществующая дата" in output


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("overrides: [vk, telegram]\n", 4),
        ("overrides:\n  vk:\n    text: [один, два]\n", 5),
        ("overrides:\n  telegram:\n    link: {url: x}\n", 5),
        ("poll:\n  question: Что?\n  options: {a: Горку, b: Ярмарку}\n", 4),
        ("poll:\n  question: Что?\n  options: [Горку, [Ярмарку]]\n", 6),
        ("id: ../../etc\n", 4),
        ("id: Ёлка на площади\n", 4),
    ],
)
def test_wrong_types_are_errors_at_their_line(run: Publisher, front: str, line: int) -> None:
    assert_located(
        run,
        {"content/2026/12/bad.md": f"{HEAD}{front}---\nТекст.\n"},
        f"content/2026/12/bad.md:{line}",
    )


def test_a_ten_thousand_line_post_is_too_long_not_a_crash(run: Publisher) -> None:
    body = "".join(f"Строка {n}.\n" for n in range(10_000))
    front = "---\ntitle: Пост\nnetworks: [vk, telegram, x]\n---\n"
    write_files(run.repo, {"accounts/x.md": "---\nnetwork: x\nid: '1'\ntoken_env: X_TOKEN\n---\n"})
    output = assert_located(
        run, {"content/2026/12/long.md": front + body}, "content/2026/12/long.md:2"
    )
    assert "99" in output or str(280 * MAX_THREAD_PARTS) in output


def test_a_ten_megabyte_post_is_refused_unread(run: Publisher) -> None:
    huge = HEAD + "---\n" + "Очень длинный текст. " * 300_000
    output = assert_located(run, {"content/2026/12/huge.md": huge}, "content/2026/12/huge.md:1")
    assert "1024 КБ" in output


@pytest.mark.parametrize("side", [10_000, 20_000])
def test_a_decompression_bomb_image_is_an_error(run: Publisher, side: int) -> None:
    """A 1-bit PNG of 100 or 400 million pixels is a few kilobytes on disk; Pillow warns about
    the first and raises on the second: both must be a located error."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000
    post = HEAD + "media: [bomb.png]\n---\nФото.\n"
    output = assert_located(
        run,
        {"content/2026/12/bomb/index.md": post, "content/2026/12/bomb/bomb.png": buffer.getvalue()},
        "content/2026/12/bomb/index.md:4",
    )
    assert "слишком много пикселей" in output


def test_splitting_a_long_word_into_a_thread_counts_a_bounded_number_of_times() -> None:
    """Cutting a word longer than a part must not count every shorter prefix (quadratic)."""
    calls = 0

    def count(text: str) -> int:
        nonlocal calls
        calls += 1
        return weighted_length(text)

    too_long = "a" * (280 * MAX_THREAD_PARTS + 1)
    assert split_thread(too_long, 280, count) == (too_long,)  # check reports it; not split
    calls = 0
    word = "a" * 8_000
    parts = split_thread(word, 280, count)
    assert len(parts) > 25 and all(weighted_length(p) <= 280 for p in parts)
    assert "".join(p.rsplit(" ", 1)[0] for p in parts) == word
    assert calls < 40 * len(parts)  # one prefix at a time took thousands per part


def test_a_billion_laughs_front_matter_is_an_error(run: Publisher) -> None:
    """Nine tags built from anchors stand for 387 million words; turning them into text would
    never end."""
    levels = "abcdefghi"
    tags = [f"&a [{', '.join(['x'] * 9)}]"]
    tags += [
        f"&{name} [{', '.join([f'*{prev}'] * 9)}]" for prev, name in itertools.pairwise(levels)
    ]
    front = "tags:\n" + "".join(f"  - {tag}\n" for tag in tags)
    output = assert_located(
        run, {"content/2026/12/lol.md": f"{HEAD}{front}---\nТекст.\n"}, "content/2026/12/lol.md:"
    )
    assert "по ссылке" in output
