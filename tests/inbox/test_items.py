"""Citizens' messages: which are filed, how they are sorted, the file, the answer section."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from publisher.core.errors import PublisherError
from publisher.core.model import Comment
from publisher.inbox.items import (
    Collector,
    CollectReport,
    InboxItem,
    ReplyTo,
    load_inbox_rules,
    marked_answered,
    open_items,
    read_items,
    set_status,
    sort_message,
    status_json,
    status_text,
)

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=MSK)
RULES = load_inbox_rules(Path("/nonexistent"), None)


@pytest.mark.parametrize(
    ("text", "relevant", "category", "urgent"),
    [
        ("Когда отремонтируют дорогу на улице Ленина? Яма уже месяц.", True, "roads", False),
        ("Третий день нет воды в доме на Мира, 5!", True, "utilities", True),
        ("Почему автобус 2 не ходит по расписанию?", True, "transport", False),
        ("Прошу убрать снег во дворе дома 12", True, "improvement", False),
        ("Спасибо за ёлку, очень красиво!", False, "other", False),
        ("Молодцы!", False, "other", False),
        ("Ура, праздник?", False, "other", False),
    ],
)
def test_sorting(text: str, relevant: bool, category: str, urgent: bool) -> None:
    sorting = sort_message(text, RULES)
    assert (sorting.relevant, sorting.urgent) == (relevant, urgent)
    if relevant:
        assert sorting.category == category


def comment(number: int, text: str, network: str = "vk") -> Comment:
    return Comment(
        network=network,
        id=str(number),
        text=text,
        author_id="555",
        author_name="Иван Петров",
        author_url="https://vk.com/id555",
        post_id="42",
        created_at=NOW,
        url=f"https://vk.com/wall-1_42?reply={number}",
        extra={"owner_id": -1},
    )


def test_filed_once_with_deadline_and_quote(tmp_path: Path) -> None:
    report = CollectReport()
    collector = Collector(tmp_path, RULES, removed={"vk:3"})
    messages = [
        comment(1, "Когда уберут снег во дворе?"),
        comment(2, "Спасибо!"),
        comment(3, "Почему так плохо чистят снег?"),
    ]
    collector.file(messages, "vk", NOW, report)
    assert report.filed == ["content/inbox/2026/12/vk-1.md"] and report.skipped == 1
    Collector(tmp_path, RULES, removed=set()).file(messages[:1], "vk", NOW, report)
    assert len(report.filed) == 1, "never the same message twice"
    (item,) = read_items(tmp_path)
    assert item.due == datetime(2026, 12, 2, 10, 0, tzinfo=MSK)  # 8 working hours later
    assert item.author == "Иван Петров" and item.status == "new"
    assert "> Когда уберут снег во дворе?" in item.body
    assert item.answer == ""
    assert item.comment().extra == {"owner_id": -1} and item.comment().post_id == "42"


def test_pseudonym_keeps_no_personal_data(tmp_path: Path) -> None:
    rules = load_inbox_rules(tmp_path, {"pseudonymize": True})
    Collector(tmp_path, rules, set()).file(
        [comment(1, "Когда починят свет?")], "vk", NOW, CollectReport()
    )
    (item,) = read_items(tmp_path)
    assert "Петров" not in (tmp_path / item.path).read_text(encoding="utf-8")
    assert "vk.com/id555" not in (tmp_path / item.path).read_text(encoding="utf-8")


def test_answer_section_and_status_line_only(tmp_path: Path) -> None:
    Collector(tmp_path, RULES, set()).file(
        [comment(1, "Когда починят свет?")], "vk", NOW, CollectReport()
    )
    path = tmp_path / "content/inbox/2026/12/vk-1.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "Починим до пятницы.\n\n## Заметки\nx\n",
        encoding="utf-8",
    )
    before = path.read_text(encoding="utf-8")
    (item,) = read_items(tmp_path)
    assert item.answer == "Починим до пятницы."
    set_status(tmp_path, item.path, "answered")
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("status: new", "status: answered")


def test_a_file_saved_with_a_byte_order_mark_is_read_and_only_its_status_changes(
    tmp_path: Path,
) -> None:
    Collector(tmp_path, RULES, set()).file(
        [comment(1, "Когда починят свет?")], "vk", NOW, CollectReport()
    )
    path = tmp_path / "content/inbox/2026/12/vk-1.md"
    path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    (item,) = read_items(tmp_path)
    assert (item.id, item.status, item.problems) == ("1", "new", ())
    assert item.body.startswith("> Когда починят свет?")
    set_status(tmp_path, item.path, "answered")
    assert path.read_text(encoding="utf-8") == before.replace("status: new", "status: answered")


def filed(tmp_path: Path) -> str:
    """A freshly filed message with an answer written under it: its text."""
    Collector(tmp_path, RULES, set()).file(
        [comment(1, "Когда починят свет?")], "vk", NOW, CollectReport()
    )
    path = tmp_path / "content/inbox/2026/12/vk-1.md"
    path.write_text(path.read_text(encoding="utf-8") + "Починим.\n", encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_only_the_status_set_to_answered_is_the_jobs_change(tmp_path: Path) -> None:
    before = filed(tmp_path)
    answered = before.replace("status: new", "status: answered")

    assert marked_answered(before, answered)
    assert not marked_answered(before, answered.replace("Починим.", "Оплатите по ссылке."))
    assert not marked_answered(before, before.replace("status: new", "status: closed"))
    assert not marked_answered(answered, answered), "already answered: nothing to mark"
    assert not marked_answered(before, answered.replace("urgent: false", "urgent: true"))
    assert not marked_answered("not a message", "status: answered")
    assert not marked_answered(before, before)


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("status: new\n", ""),
        lambda text: text.replace("status: new", "status: new  # статус"),
        lambda text: text.replace("status: new", "status: &s new"),
    ],
)
def test_an_open_message_whose_status_line_cannot_be_set_alone_is_held(
    tmp_path: Path, edit: Any
) -> None:
    path = tmp_path / "content/inbox/2026/12/vk-1.md"
    path.write_text(edit(filed(tmp_path)), encoding="utf-8")

    (item,) = read_items(tmp_path)

    assert [p.code for p in item.problems] == ["inbox-file"]
    assert "status" in item.problems[0].hint


def test_open_items_overdue_first(tmp_path: Path) -> None:
    collector = Collector(tmp_path, RULES, set())
    early = Comment(
        network="vk",
        id="1",
        text="Когда починят дорогу?",
        author_id="1",
        created_at=datetime(2026, 11, 20, 10, 0, tzinfo=MSK),
    )
    collector.file([comment(2, "Когда уберут снег?"), early], "vk", NOW, CollectReport())
    items = open_items(read_items(tmp_path), NOW)
    assert [i.overdue for i in items] == [True, False]
    assert items[0].path.endswith("2026/11/vk-1.md")


#: a message file as an earlier version or a person left it: no author_link, department or
#: urgent, a number for an id, unquoted times (one without an offset), a key publisher does
#: not know
OLD_ITEM = """---
network: vk
id: 12
link: https://vk.com/wall-1_5?reply=12
received: 2026-12-01T10:00:00+03:00
author: Анна
category: roads
due: 2026-12-01 18:00
status: in_progress
reply_to: {post: 5, parent: '', author_id: '88', direct: false, extra: {owner_id: -1}}
note: звонила
---

> Когда отремонтируют дорогу?

## Ответ

Завтра.
"""


def test_an_old_message_file_reads_with_every_field_typed(tmp_path: Path) -> None:
    path = tmp_path / "content/inbox/2026/12/vk-12.md"
    path.parent.mkdir(parents=True)
    path.write_text(OLD_ITEM, encoding="utf-8")
    (item,) = read_items(tmp_path)
    assert (item.network, item.id, item.status, item.category) == (
        "vk",
        "12",
        "in_progress",
        "roads",
    )
    assert (item.author_link, item.department, item.urgent) == ("", "", False)
    assert item.received == datetime(2026, 12, 1, 10, tzinfo=MSK).astimezone(MSK)
    assert item.due == datetime(2026, 12, 1, 18), "kept as written: the reports read it as local"
    assert item.deadline is None, "no offset: it cannot be compared with the time now"
    assert [p.line for p in item.problems] == [8], "check reports the time at its line"
    assert item.reply_to == ReplyTo(post="5", author_id="88", extra={"owner_id": -1})
    assert item.answer == "Завтра."
    assert item.comment() == Comment(
        network="vk",
        id="12",
        text="Когда отремонтируют дорогу?",
        author_id="88",
        post_id="5",
        extra={"owner_id": -1},
    ), "the question comes with it, for the plan to show beside the answer"


def test_the_question_is_the_quoted_message_above_the_answer() -> None:
    body = "> Когда починят свет?\n>\n> > ## Ответ\n> Второй день темно.\n\n## Ответ\n\nЗавтра."
    item = InboxItem(path="content/inbox/vk-1.md", body=body)
    assert item.question == "Когда починят свет?\n\n> ## Ответ\nВторой день темно."
    assert item.answer == "Завтра."
    assert InboxItem(path="x.md", body="> Вопрос без ответа").question == "Вопрос без ответа"


def test_a_message_without_fields_has_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "content/inbox/2026/12/vk-1.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nlink:\n---\n\n> ?\n", encoding="utf-8")
    (item,) = read_items(tmp_path)
    assert item == InboxItem(path="content/inbox/2026/12/vk-1.md", body="> ?")


def test_status_counts_by_category_and_network(tmp_path: Path) -> None:
    collector = Collector(tmp_path, RULES, set())
    late = Comment("ok", "7", "Когда починят дорогу?", "1", created_at=NOW - timedelta(days=9))
    collector.file([comment(1, "Когда уберут снег?")], "vk", NOW, CollectReport())
    collector.file([late], "ok", NOW, CollectReport())
    items = open_items(read_items(tmp_path), NOW)
    summary = status_json(items)
    assert {k: v for k, v in summary.items() if k != "items"} == {
        "open": 2,
        "overdue": 1,
        "by_category": {"roads": 1, "improvement": 1},
        "by_network": {"ok": 1, "vk": 1},
        "by_department": {},
    }
    assert summary["items"][0] == {
        "file": "content/inbox/2026/11/ok-7.md",
        "network": "ok",
        "account": "ok",
        "source": "account",
        "department": "",
        "category": "roads",
        "author": "1",
        "due": "2026-11-23T18:00+03:00",
        "overdue": True,
        "nearing": False,
        "link": "",
    }
    json.dumps(summary)
    text = status_text(items)
    assert text.splitlines()[0] == "Обращения жителей: открыто 2, просрочено 1."
    assert text.splitlines()[-2:] == [
        "благоустройство: 1, дороги: 1",
        "ВКонтакте: 1, Одноклассники: 1",
    ]


def test_the_collect_cursor_is_written_and_read_back(tmp_path: Path) -> None:
    collector = Collector(tmp_path, RULES, set())
    assert collector.since("vk") is None
    collector.advance("vk", NOW)
    assert collector.save() == "content/inbox/state.yml"
    text = (tmp_path / "content/inbox/state.yml").read_text(encoding="utf-8")
    assert text == "# Ведёт publisher.\nvk:\n  last_collect: '2026-12-01T10:00:00+03:00'\n"
    assert Collector(tmp_path, RULES, set()).since("vk") == NOW


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("vk:\n  last_collect: [1\n", 3),
        ("- vk\n", 1),
        ("ok:\n  last_collect: '2026-12-01T10:00:00+03:00'\nvk:\n  last_collect: вчера\n", 4),
        ("vk:\n  last_collect: '2026-12-01T10:00:00'\n", 2),  # no offset
        ("vk: 2026-12-01\n", 1),
    ],
)
def test_a_damaged_collect_cursor_is_an_error_at_its_line(
    tmp_path: Path, text: str, line: int
) -> None:
    path = tmp_path / "content/inbox/state.yml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PublisherError) as caught:
        Collector(tmp_path, RULES, set())
    assert caught.value.message.startswith(f"content/inbox/state.yml:{line}: ")
    assert "истории Git" in caught.value.hint


def test_an_old_cursor_with_a_yaml_time_reads(tmp_path: Path) -> None:
    path = tmp_path / "content/inbox/state.yml"
    path.parent.mkdir(parents=True)
    path.write_text("vk:\n  last_collect: 2026-12-01T07:00:00Z\nok:\n", encoding="utf-8")
    collector = Collector(tmp_path, RULES, set())
    assert collector.since("vk") == datetime(2026, 12, 1, 7, tzinfo=UTC)
    assert collector.since("ok") is None


def test_a_message_is_filed_under_the_account_it_came_to(tmp_path: Path) -> None:
    report = CollectReport()
    collector = Collector(tmp_path, RULES, removed={"district-vk:1"})
    question = comment(1, "Когда уберут снег во дворе?")
    direct = Comment(**{**vars(question), "is_direct": True, "post_id": ""})
    collector.file([question], "district-vk", NOW, report)
    collector.file([question, direct], "bratskoe-vk", NOW, report)
    assert report.filed == [
        "content/inbox/2026/12/bratskoe-vk-1.md",
        "content/inbox/2026/12/bratskoe-vk-dm-1.md",
    ], "removed on the district, not on the settlement; a comment and a message of one id"
    items = read_items(tmp_path)
    assert [(i.account, i.network, i.reply_to.direct) for i in items] == [
        ("bratskoe-vk", "vk", False),
        ("bratskoe-vk", "vk", True),
    ]
    assert "\naccount: bratskoe-vk\n" in (tmp_path / items[0].path).read_text(encoding="utf-8")
    again = CollectReport()
    Collector(tmp_path, RULES, set()).file([question, direct], "bratskoe-vk", NOW, again)
    assert again.filed == [], "each is filed once"
    (shown,) = [i for i in open_items(items, NOW) if not i.path.endswith("dm-1.md")]
    assert status_json([shown])["items"][0]["account"] == "bratskoe-vk"
    assert "bratskoe-vk" in status_text([shown]).splitlines()[1]


def test_files_and_cursors_kept_per_network_are_the_default_accounts(tmp_path: Path) -> None:
    path = tmp_path / "content/inbox/2026/12/vk-12.md"
    path.parent.mkdir(parents=True)
    path.write_text(OLD_ITEM, encoding="utf-8")
    (tmp_path / "content/inbox/state.yml").write_text(
        "vk:\n  last_collect: '2026-12-01T10:00:00+03:00'\n", encoding="utf-8"
    )
    collector = Collector(tmp_path, RULES, set(), {"vk": "district-vk"})
    assert collector.since("district-vk") == NOW and collector.since("bratskoe-vk") is None
    report = CollectReport()
    old = comment(12, "Когда отремонтируют дорогу?")
    collector.file([old], "district-vk", NOW, report)
    collector.file([old], "bratskoe-vk", NOW, report)
    assert report.filed == ["content/inbox/2026/12/bratskoe-vk-12.md"], "the old one is known"
    collector.advance("bratskoe-vk", NOW)
    collector.save()
    state = (tmp_path / "content/inbox/state.yml").read_text(encoding="utf-8")
    assert "bratskoe-vk:" in state and "district-vk:" in state and "\nvk:" not in state
    (item,) = open_items(
        [i for i in read_items(tmp_path) if i.path == "content/inbox/2026/12/vk-12.md"], NOW
    )
    assert item.place == "vk", "an old file names no account: its network is shown"
