"""Citizens' messages: which are filed, how they are sorted, the file, the answer section."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from publisher.core.model import Comment
from publisher.inbox.items import (
    Collector,
    CollectReport,
    load_inbox_rules,
    open_items,
    read_items,
    set_status,
    sort_message,
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
    collector.file(messages, NOW, report)
    assert report.filed == ["content/inbox/2026/12/vk-1.md"] and report.skipped == 1
    Collector(tmp_path, RULES, removed=set()).file(messages[:1], NOW, report)
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
        [comment(1, "Когда починят свет?")], NOW, CollectReport()
    )
    (item,) = read_items(tmp_path)
    assert "Петров" not in (tmp_path / item.path).read_text(encoding="utf-8")
    assert "vk.com/id555" not in (tmp_path / item.path).read_text(encoding="utf-8")


def test_answer_section_and_status_line_only(tmp_path: Path) -> None:
    Collector(tmp_path, RULES, set()).file(
        [comment(1, "Когда починят свет?")], NOW, CollectReport()
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


def test_open_items_overdue_first(tmp_path: Path) -> None:
    collector = Collector(tmp_path, RULES, set())
    early = Comment(
        network="vk",
        id="1",
        text="Когда починят дорогу?",
        author_id="1",
        created_at=datetime(2026, 11, 20, 10, 0, tzinfo=MSK),
    )
    collector.file([comment(2, "Когда уберут снег?"), early], NOW, CollectReport())
    items = open_items(read_items(tmp_path), NOW)
    assert [i.overdue for i in items] == [True, False]
    assert items[0].path.endswith("2026/11/vk-1.md")
