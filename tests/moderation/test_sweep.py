"""The sweep's book: the log entries it adds, the history it counts removals in, its cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import make_account

from publisher.core.errors import PublisherError
from publisher.moderation.log import LogEntry, read_log
from publisher.moderation.rules import Rules
from publisher.moderation.sweep import ModerationBook, blacklist_of, removals_by

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")


def entry(
    action: str, at: datetime | None, author: str = "77", network: str = "vk", account: str = ""
) -> LogEntry:
    return LogEntry(network, "1", action, at, author_id=author, account=account)


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
    assert removals_by(history, {"vk"}, "77", NOW - 30 * day) == 2


def test_removals_count_on_the_accounts_that_keep_one_blacklist() -> None:
    history = [
        entry("deleted", NOW, account="district-vk"),
        entry("deleted", NOW, account="bratskoe-vk"),
        entry("deleted", NOW, account="head-vk"),
        entry("deleted", NOW),  # an older entry naming no account: the account named "vk"
    ]
    assert removals_by(history, {"district-vk"}, "77", NOW) == 1
    assert removals_by(history, {"district-vk", "bratskoe-vk"}, "77", NOW) == 2
    assert removals_by(history, {"vk"}, "77", NOW) == 1


def test_a_time_written_without_an_offset_is_in_the_windows_zone() -> None:
    since = datetime(2026, 12, 3, 12, 0, tzinfo=MSK)  # 09:00 UTC
    history = [entry("deleted", datetime(2026, 12, 3, 11, 30)), entry("deleted", NOW)]
    assert removals_by(history, {"vk"}, "77", since) == 1


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


def test_each_account_has_its_cursor_and_its_own_log_ids(tmp_path: Path) -> None:
    book = ModerationBook(tmp_path)
    book.advance("district-vk", NOW, {"1"})
    book.advance("bratskoe-vk", NOW, {"1", "2"})
    assert book.log(entry("deleted", NOW, account="bratskoe-vk")) == "bratskoe-vk-1-deleted"
    assert book.save(NOW) == ["moderation/state.yml", "moderation/log/2026-12.yml"]
    again = ModerationBook(tmp_path)
    assert again.seen("district-vk") == {"1"} and again.seen("bratskoe-vk") == {"1", "2"}
    assert [(e.account, e.id) for e in read_log(tmp_path)] == [
        ("bratskoe-vk", "bratskoe-vk-1-deleted")
    ]


OLD_STATE = """# Ведёт publisher
vk:
  last_sweep: '2026-12-03T10:00:00+00:00'
  seen: ['5']
ok:
  last_sweep: '2026-12-03T10:00:00+00:00'
  seen: ['7']
"""
OLD_LOG = """- network: vk
  comment: '5'
  author_id: '77'
  action: deleted
  at: '2026-12-03T10:00:00+00:00'
  id: vk-5-deleted
"""


def test_a_cursor_and_log_kept_per_network_are_the_default_accounts(tmp_path: Path) -> None:
    (tmp_path / "moderation/log").mkdir(parents=True)
    (tmp_path / "moderation/state.yml").write_text(OLD_STATE, encoding="utf-8")
    (tmp_path / "moderation/log/2026-12.yml").write_text(OLD_LOG, encoding="utf-8")
    book = ModerationBook(tmp_path, {"vk": "district-vk", "ok": "ok"})
    assert book.seen("district-vk") == {"5"} and book.seen("ok") == {"7"}
    assert book.seen("vk") == set() and book.seen("bratskoe-vk") == set()
    (old,) = book.history()
    assert (old.account, old.id) == ("district-vk", "vk-5-deleted")
    assert removals_by(book.history(), {"district-vk"}, "77", NOW) == 1
    book.advance("district-vk", NOW, {"5", "6"})
    book.save(NOW)
    text = (tmp_path / "moderation/state.yml").read_text(encoding="utf-8")
    assert "district-vk:" in text and "\nvk:" not in text, "written back under the account"
    assert (tmp_path / "moderation/log/2026-12.yml").read_text(encoding="utf-8") == OLD_LOG


def test_only_a_shared_network_has_one_blacklist_for_its_accounts() -> None:
    district = make_account("vk", name="district-vk")
    bratskoe = make_account("vk", name="bratskoe-vk")
    channel = make_account("telegram", name="head-tg")
    accounts = [district, bratskoe, channel]
    assert blacklist_of(district, accounts, Rules()) == {"district-vk"}
    shared = Rules(shared_blacklist=frozenset({"vk"}))
    assert blacklist_of(bratskoe, accounts, shared) == {"district-vk", "bratskoe-vk"}
    assert blacklist_of(channel, accounts, shared) == {"head-tg"}
