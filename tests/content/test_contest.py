"""``contest:`` and ``live:`` in a post: what they say, and every mistake at its line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import write_files

from publisher.content.load import load_content
from publisher.core.config import Config
from publisher.core.model import Contest, Live
from publisher.networks import NETWORKS

MSK = ZoneInfo("Europe/Moscow")


def load_post(tmp_path: Path, front: str):  # type: ignore[no-untyped-def]
    text = f"---\ntitle: Конкурс рисунков\nnetworks: [vk]\n{front}---\n\nРисуйте ёлку!\n"
    write_files(tmp_path, {"content/2026/12/konkurs.md": text})
    content = load_content(tmp_path, Config(), NETWORKS)
    return content.posts[0], [(d.line, d.code, d.message) for d in content.diagnostics]


def test_a_contest_is_read_with_its_local_closing_time(tmp_path: Path) -> None:
    post, problems = load_post(
        tmp_path,
        "contest:\n  entry: comment\n  keyword: Ёлка\n  closes: 2026-12-25 18:00\n  winners: 3\n",
    )
    assert problems == []
    assert post.contest == Contest("comment", datetime(2026, 12, 25, 18, tzinfo=MSK), 3, "Ёлка")


def test_one_winner_by_default(tmp_path: Path) -> None:
    post, _problems = load_post(tmp_path, "contest:\n  entry: repost\n  closes: 2026-12-25\n")
    assert post.contest is None  # a date without a time is not a closing time
    post, problems = load_post(tmp_path, "contest:\n  entry: repost\n  closes: 2026-12-25 12:00\n")
    assert problems == [] and post.contest is not None and post.contest.winners == 1


def test_unknown_entry_kind_bad_winners_and_a_seed_are_errors_at_their_lines(
    tmp_path: Path,
) -> None:
    post, problems = load_post(
        tmp_path,
        "contest:\n  entry: like\n  closes: 2026-12-25 18:00\n  winners: 0\n  seed: deadbeef\n",
    )
    assert post.contest is None
    assert sorted((line, code) for line, code, _m in problems) == [
        (5, "contest-entry"),
        (7, "contest-winners"),
        (8, "contest-seed"),
    ]
    messages = {code: message for _l, code, message in problems}
    assert messages["contest-entry"] == "Неизвестный способ участия 'like'."


def test_closing_before_publication_is_an_error(tmp_path: Path) -> None:
    _post, problems = load_post(
        tmp_path,
        "publish_at: 2026-12-20 10:00\ncontest:\n  entry: comment\n  closes: 2026-12-19 10:00\n",
    )
    assert [(line, code) for line, code, _m in problems] == [(7, "contest-closes")]


def test_a_keyword_needs_comments_and_a_poll_entry_needs_a_poll(tmp_path: Path) -> None:
    _post, problems = load_post(
        tmp_path,
        "contest:\n  entry: poll\n  keyword: ёлка\n  closes: 2026-12-25 18:00\n",
    )
    assert sorted(code for _l, code, _m in problems) == ["contest-keyword", "contest-poll"]


def test_winners_that_are_not_a_number_and_unknown_settings(tmp_path: Path) -> None:
    _post, problems = load_post(
        tmp_path,
        "contest:\n  entry: comment\n  closes: 2026-12-25 18:00\n  winners: true\n  prize: 1\n",
    )
    assert sorted(code for _l, code, _m in problems) == ["contest-field", "contest-winners"]


def test_a_contest_that_is_not_settings(tmp_path: Path) -> None:
    _post, problems = load_post(tmp_path, "contest: yes\n")
    assert [code for _l, code, _m in problems] == ["contest"]


def test_a_live_broadcast(tmp_path: Path) -> None:
    post, problems = load_post(
        tmp_path, "live:\n  starts: 2026-12-25 18:00\n  title: Прямой эфир с главой\n"
    )
    assert problems == []
    assert post.live == Live(datetime(2026, 12, 25, 18, tzinfo=MSK), "Прямой эфир с главой")


def test_a_live_broadcast_without_a_start(tmp_path: Path) -> None:
    post, problems = load_post(tmp_path, "live:\n  title: Эфир\n  key: abc\n")
    assert post.live is None
    assert sorted(code for _l, code, _m in problems) == ["live-field", "live-starts"]
