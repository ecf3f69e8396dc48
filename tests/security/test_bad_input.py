"""Bad input never stops the run: each mistake is an error at its file and line, ``check`` and
``apply`` exit 1, and the other posts still go out."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_CONFIG, Publisher, write_files
from PIL import Image

from publisher.content.render import MAX_THREAD_PARTS, split_thread
from publisher.content.xtext import weighted_length

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
        run, {"content/2026/12/long.md": front + body}, "content/2026/12/long.md:5"
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


@pytest.mark.parametrize(
    ("setting", "line"),
    [
        ("networks: {vk: abc}\n", 3),
        ("networks:\n  telegram: {}\n  vk: [1, 2]\n", 5),
        ("inbox: [1]\n", 3),
        ("style: 5\n", 3),
        ("style:\n  extra: 5\n", 4),
        ("style:\n  ignore: passive\n", 4),
        ('content_dir: "a\\0b"\n', 3),
        ('media_dir: "content/\\0"\n', 3),
        ("networks:\n  x:\n    max_thread: 0\n", 5),
        ("networks:\n  vk: {}\n  x:\n    max_thread: yes\n", 6),
    ],
)
@pytest.mark.parametrize("command", ["check", "plan"])
def test_a_wrong_kind_of_setting_in_publisher_yml_is_an_error_at_its_line(
    run: Publisher, setting: str, line: int, command: str
) -> None:
    write_files(run.repo, {"publisher.yml": BASE_CONFIG + setting})
    result = run(command)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"publisher.yml:{line}:" in result.output
    assert "Traceback" not in result.output
    assert run.texts("vk") == []


@pytest.mark.parametrize(
    ("rules", "where"),
    [
        ("[1]\n", "moderation.yml"),
        ("categories: [1]\n", "moderation.yml:1:"),
        ("categories: {obscene: abc}\n", "moderation.yml:1:"),
        ("categories:\n  spam:\n    words: реклама\n", "moderation.yml:3:"),
        ("allowlist: vk:1\n", "moderation.yml:1:"),
        ("blacklist: [1]\n", "moderation.yml:1:"),
        ("quiet_hours: [22, 7]\n", "moderation.yml:1:"),
    ],
)
def test_a_wrong_kind_of_value_in_moderation_yml_is_an_error(
    run: Publisher, rules: str, where: str
) -> None:
    write_files(run.repo, {"moderation.yml": rules})
    result = run("moderate", "--dry-run")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert where in result.output
    assert "Traceback" not in result.output


def inbox_file(front: str) -> str:
    """A filed citizen's message with an officer's answer; ``front`` starts at line 5."""
    return (
        "---\nnetwork: vk\nid: '1001_7'\nstatus: new\n"
        f"{front}---\n\n> Когда уберут снег?\n\n## Ответ\n\nНа этой неделе.\n"
    )


INBOX_FILE = "content/inbox/2026/12/vk-1001_7.md"


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("reply_to: abc\n", 5),
        ("reply_to:\n  post: '3'\n  extra: [1]\n", 7),
        ("reply_to: {extra: abc}\n", 5),
        ("due: [1]\n", 5),
        ("received: 2026-12-01\ndue: завтра\n", 6),
        ("due: 2026-12-10 18:00\n", 5),  # no offset: it cannot be compared with now
    ],
)
def test_a_broken_line_in_an_inbox_file_is_an_error_and_the_rest_goes_out(
    run: Publisher, front: str, line: int
) -> None:
    where = f"{INBOX_FILE}:{line}"
    assert_located(run, {INBOX_FILE: inbox_file(front)}, where)
    planned = run("plan")
    assert planned.exit_code == 1, planned.output
    assert planned.exception is None or isinstance(planned.exception, SystemExit)
    assert where in planned.output
    status = run("inbox", "status")
    assert status.exit_code == 1, status.output
    assert status.exception is None or isinstance(status.exception, SystemExit)
    assert where in status.output
    assert INBOX_FILE in status.output.split(where, 1)[1]  # still listed after the error


def test_an_inbox_file_without_its_id_is_an_error_not_a_crash(run: Publisher) -> None:
    text = inbox_file("reply_to: {post: '3'}\n").replace("id: '1001_7'\n", "")
    assert_located(run, {INBOX_FILE: text}, f"{INBOX_FILE}:1")


@pytest.mark.parametrize(
    "damaged",
    [
        inbox_file("reply_to: {post: '3'\n").encode(),  # an unclosed flow mapping
        inbox_file("- a list\n").encode(),
        inbox_file("").encode("cp1251"),  # saved by an editor in another encoding
        inbox_file("").replace("status: new\n---\n", "status: new\n").encode(),  # not closed
        "---\n- network: vk\n---\n\n> Когда уберут снег?\n".encode(),  # a list, not fields
    ],
)
def test_an_inbox_file_with_damaged_front_matter_is_an_error_not_skipped(
    run: Publisher, damaged: bytes
) -> None:
    assert_located(run, {INBOX_FILE: damaged}, f"{INBOX_FILE}:1")


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({"calendar.yml": "2026: [1]\n"}, "calendar.yml:1:"),
        ({"calendar.yml": "2026:\n  holidays: 2026-12-31\n"}, "calendar.yml:2:"),
        ({"calendar.yml": "[2026]\n"}, "calendar.yml"),
        ({"publisher.yml": BASE_CONFIG + "inbox:\n  deadlines: [8h]\n"}, "inbox.deadlines"),
        ({"publisher.yml": BASE_CONFIG + "inbox:\n  working_hours: 9-18\n"}, "publisher.yml"),
    ],
)
def test_a_wrong_kind_of_value_in_the_inbox_settings_is_an_error(
    run: Publisher, files: dict[str, str | bytes], where: str
) -> None:
    write_files(run.repo, files)
    result = run("inbox", "collect", "--no-commit")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert where in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({"content/inbox/state.yml": "vk:\n  last_collect: вчера\n"}, "content/inbox/state.yml:2:"),
        ({"content/inbox/state.yml": "vk: {last_collect: [\n"}, "content/inbox/state.yml:2:"),
        ({"moderation/log/2026-11.yml": "- {action: deleted}\n- '---'\n"}, "2026-11.yml:2:"),
    ],
)
def test_a_damaged_machine_file_stops_collect_at_its_line(
    run: Publisher, files: dict[str, str | bytes], where: str
) -> None:
    write_files(run.repo, files)
    result = run("inbox", "collect", "--no-commit")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert where in result.output
    assert "Traceback" not in result.output


def test_a_cover_template_that_is_a_list_is_an_error(run: Publisher) -> None:
    write_files(run.repo, {"design/cover.yml": "- background: cover.png\n"})
    result = run("accounts", "cover")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "design/cover.yml" in result.output


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ('link: "javascript:alert(document.domain)"\n', 3),
        ("link: //evil.example/x\n", 3),
        ("overrides:\n  telegram:\n    link: file:///etc/passwd\n", 4),
    ],
)
def test_a_link_that_is_not_a_web_address_is_an_error(
    run: Publisher, front: str, line: int
) -> None:
    post = f"---\ntitle: Ссылка\n{front}---\n\nПодробности по ссылке.\n"
    assert_located(run, {"content/2026/12/link.md": post}, f"content/2026/12/link.md:{line}:")
    assert "javascript" not in run.received().decode("utf-8", "replace")
