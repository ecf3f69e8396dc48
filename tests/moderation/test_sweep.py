"""The sweep's book: the log entries it adds, the history it counts removals in, its cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from publisher.core.errors import PublisherError
from publisher.moderation.log import LogEntry, read_log
from publisher.moderation.sweep import ModerationBook, removals_by

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")


def entry(action: str, at: datetime | None, author: str = "77", network: str = "vk") -> LogEntry:
    return LogEntry(network, "1", action, at, author_id=author)


def test_removals_count_the_authors_deletions_and_hidings_since_a_moment() -> None:
    day = timedelta(days=1)
    history = [
        entry("deleted", NOW - 2 * day),
        entry("hidden", NOW - 3 * day),
        entry("deleted", NOW - 40 * day),  # before the window
        entry("review", NOW - day),  # not a removal
        entry("banned", NOW - day),  # not a removal
        entry("deleted", NOW - day, author="78"),
        entry("deleted", NOW - day, network="ok"),
        entry("deleted", None),  # no readable time: not counted, not a crash
    ]
    assert removals_by(history, "vk", "77", NOW - 30 * day) == 2


def test_a_time_written_without_an_offset_is_in_the_windows_zone() -> None:
    since = datetime(2026, 12, 3, 12, 0, tzinfo=MSK)  # 09:00 UTC
    history = [entry("deleted", datetime(2026, 12, 3, 11, 30)), entry("deleted", NOW)]
    assert removals_by(history, "vk", "77", since) == 1


def test_the_book_names_each_entry_and_counts_this_runs_entries_too(tmp_path: Path) -> None:
    book = ModerationBook(tmp_path)
    assert book.log(entry("deleted", NOW)) == "vk-1-deleted"
    assert [e.id for e in book.history()] == ["vk-1-deleted"]
    assert book.save(NOW) == ["moderation/log/2026-12.yml"], "an unchanged cursor is not written"
    assert [e.id for e in read_log(tmp_path)] == ["vk-1-deleted"]
    later = ModerationBook(tmp_path)
    later.log(entry("banned", NOW))
    assert [e.action for e in later.history()] == ["deleted", "banned"]


def test_the_cursor_is_written_and_read_back(tmp_path: Path) -> None:
    book = ModerationBook(tmp_path)
    book.advance("vk", NOW, {"2", "1"})
    assert book.save(NOW) == ["moderation/state.yml"]
    again = ModerationBook(tmp_path)
    assert again.seen("vk") == {"1", "2"}
    assert again.since("vk") == NOW - timedelta(minutes=10)


def test_a_quiet_sweep_leaves_the_cursor_and_writes_nothing(tmp_path: Path) -> None:
    book = ModerationBook(tmp_path)
    book.advance("vk", NOW, {"1"})
    book.save(NOW)
    quiet = ModerationBook(tmp_path)
    quiet.advance("vk", NOW + timedelta(hours=1), {"1"})
    assert quiet.save(NOW + timedelta(hours=1)) == []
    assert ModerationBook(tmp_path).since("vk") == NOW - timedelta(minutes=10)


@pytest.mark.parametrize("text", ["vk: [1\n", "- vk\n", b"vk: \xff\n"])
def test_a_damaged_cursor_is_an_error_not_a_traceback(tmp_path: Path, text: str | bytes) -> None:
    path = tmp_path / "moderation/state.yml"
    path.parent.mkdir(parents=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(PublisherError, match=r"state\.yml"):
        ModerationBook(tmp_path)
