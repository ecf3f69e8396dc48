"""The moderation log: typed entries, the file format on disk, damaged and old files."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from publisher.core.errors import PublisherError
from publisher.moderation.log import (
    LogEntry,
    append_log,
    read_log,
    removed_comments,
)

NOW = datetime(2026, 12, 3, 10, 0, 0, 123456, tzinfo=UTC)
DELETED = LogEntry(
    network="vk",
    comment="9",
    post="5",
    link="https://vk.com/wall-1_5?reply=9",
    author_id="77",
    author_name="Тролль",
    excerpt="грубое слово",
    category="obscene,insult",
    rule="obscene:word:слово",
    action="deleted",
    at=NOW,
    id="vk-9-deleted",
)
BANNED = LogEntry(
    network="vk",
    comment="9",
    author_id="77",
    action="banned",
    at=NOW,
    ban_until="forever",
    removals=3,
    id="vk-9-banned",
)
WRITTEN = """\
# Ведёт publisher: журнал модерации. Не редактируйте вручную.
- network: vk
  comment: '9'
  post: '5'
  link: https://vk.com/wall-1_5?reply=9
  author_id: '77'
  author_name: Тролль
  excerpt: грубое слово
  category: obscene,insult
  rule: obscene:word:слово
  action: deleted
  at: '2026-12-03T10:00:00+00:00'
  id: vk-9-deleted
- network: vk
  comment: '9'
  post: ''
  link: ''
  author_id: '77'
  author_name: ''
  excerpt: ''
  category: ''
  rule: ''
  action: banned
  at: '2026-12-03T10:00:00+00:00'
  ban_until: forever
  removals: 3
  id: vk-9-banned
"""
#: a log as a person or an earlier version wrote it: flow style, no ids, an unquoted time,
#: a number for an id, a key publisher does not know
OLD = """\
- {network: vk, comment: 1, category: 'spam', action: deleted, at: 2026-11-30T20:00:00+00:00}
- network: telegram
  comment: '2'
  author_id: 501
  category: ''
  action: hidden
  at: '2026-11-30T21:00:00'
  note: checked by hand
"""


def write(repo: Path, name: str, text: str | bytes) -> Path:
    path = repo / "moderation/log" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_entries_are_written_in_the_logs_format_and_read_back_the_same(tmp_path: Path) -> None:
    rel = append_log(tmp_path, NOW, [DELETED, BANNED])
    assert rel == "moderation/log/2026-12.yml"
    assert (tmp_path / rel).read_text(encoding="utf-8") == WRITTEN
    second = NOW.replace(microsecond=0)
    assert read_log(tmp_path) == [replace(DELETED, at=second), replace(BANNED, at=second)]


def test_an_old_log_reads_with_every_field_typed(tmp_path: Path) -> None:
    write(tmp_path, "2026-11.yml", OLD)
    spam, hidden = read_log(tmp_path)
    assert (spam.network, spam.comment, spam.action, spam.id) == ("vk", "1", "deleted", "")
    assert spam.at == datetime(2026, 11, 30, 20, tzinfo=UTC)
    assert spam.main_category == "spam" and spam.removals is None and spam.ban_until == ""
    assert hidden.author_id == "501" and hidden.main_category == "other"
    assert hidden.at == datetime(2026, 11, 30, 21), "a time without an offset stays naive"


def test_appending_keeps_the_entries_already_in_the_file_as_they_are(tmp_path: Path) -> None:
    path = write(tmp_path, "2026-11.yml", OLD)
    append_log(tmp_path, datetime(2026, 11, 30, 22, tzinfo=UTC), [DELETED])
    text = path.read_text(encoding="utf-8")
    assert "note: checked by hand" in text, "a key publisher does not know is kept"
    assert [e.action for e in read_log(tmp_path)] == ["deleted", "hidden", "deleted"]


def test_the_main_category_is_the_first_listed() -> None:
    assert DELETED.main_category == "obscene"
    assert LogEntry("vk", "1", "review", None, category=" , spam").main_category == "other"


def test_read_log_takes_the_last_months_older_first(tmp_path: Path) -> None:
    for month in ("2026-09", "2026-10", "2026-11"):
        write(tmp_path, f"{month}.yml", f"- {{network: vk, comment: '{month}', action: hidden}}\n")
    assert [e.comment for e in read_log(tmp_path, months=2)] == ["2026-10", "2026-11"]
    assert len(read_log(tmp_path)) == 3
    assert read_log(tmp_path / "nowhere") == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- network: vk\n  comment: [1\n", 3),  # the YAML itself
        ("network: vk\n", 1),  # a mapping, not a list of entries
        ("- {network: vk, action: deleted}\n- '---'\n", 2),  # an entry that is a word
        ("- network: vk\n- network: ok\n  author_id:\n    - 1\n", 3),  # a list for a value
        (b"- network: \xff\n", 1),  # not UTF-8
    ],
)
def test_a_damaged_log_is_an_error_at_its_line(
    tmp_path: Path, text: str | bytes, line: int
) -> None:
    write(tmp_path, "2026-11.yml", text)
    with pytest.raises(PublisherError) as caught:
        read_log(tmp_path)
    assert caught.value.message.startswith(f"moderation/log/2026-11.yml:{line}: ")
    assert "прочитать" in caught.value.message, "in Russian"
    assert "истории Git" in caught.value.hint
    with pytest.raises(PublisherError):
        append_log(tmp_path, datetime(2026, 11, 30, tzinfo=UTC), [DELETED])


def test_reports_skip_a_damaged_file_and_read_the_others(tmp_path: Path) -> None:
    write(tmp_path, "2026-10.yml", "- '---'\n")
    write(tmp_path, "2026-11.yml", OLD)
    assert [e.comment for e in read_log(tmp_path, skip_damaged=True)] == ["1", "2"]


def test_removed_comments_are_the_deleted_and_hidden_ones() -> None:
    moment = datetime(2026, 12, 1, tzinfo=timezone(timedelta(hours=3)))
    entries = [
        LogEntry("vk", "1", "deleted", moment),
        LogEntry("ok", "2", "hidden", moment),
        LogEntry("vk", "3", "review", moment),
        LogEntry("vk", "1", "banned", moment),
        LogEntry("vk", "4", "restored", moment),
    ]
    assert removed_comments(entries) == {"vk:1", "ok:2"}


def test_an_entry_names_its_account_and_older_ones_read_as_the_default_accounts(
    tmp_path: Path,
) -> None:
    write(tmp_path, "2026-11.yml", OLD)
    on_settlement = replace(DELETED, account="bratskoe-vk", id="bratskoe-vk-9-deleted")
    rel = append_log(tmp_path, NOW, [on_settlement])
    text = (tmp_path / rel).read_text(encoding="utf-8")
    assert "- network: vk\n  account: bratskoe-vk\n  comment: '9'\n" in text
    assert [e.account for e in read_log(tmp_path)] == ["", "", "bratskoe-vk"]
    assert [e.account_key for e in read_log(tmp_path)] == ["vk", "telegram", "bratskoe-vk"]
    defaults = {"vk": "district-vk", "telegram": "head-tg"}
    named = read_log(tmp_path, defaults=defaults)
    assert [e.account for e in named] == ["district-vk", "head-tg", "bratskoe-vk"]
    assert removed_comments(named) == {"district-vk:1", "head-tg:2", "bratskoe-vk:9"}
