"""The monthly report's figures from hand-written records, its Markdown, HTML and SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import jpeg_bytes

from publisher.core.clock import FakeClock
from publisher.core.errors import PublisherError
from publisher.engine.workspace import Workspace, open_workspace
from publisher.reports.charts import bar_chart, grouped_bar_chart, svg
from publisher.reports.monthly import (
    MonthlyReport,
    month_weeks,
    monthly_report,
    parse_month,
    report_charts,
    report_html,
    report_markdown,
    write_report,
)

MOSCOW = ZoneInfo("Europe/Moscow")
REACH_CHARTS = ("reach.svg", "reach-accounts.svg", "top-posts.svg", "followers.svg")
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
PHOTO_POST = """---
title: Фото и опрос
networks: [vk, telegram]
media: [a.jpg]
poll:
  question: Нравится?
  options: [Да, Нет]
---

Текст.
"""
ALBUM_POST = """---
title: Альбом
networks: [vk]
media: [a.jpg, b.jpg]
---

Альбом.
"""
THREAD_POST = f"""---
title: Длинный текст
networks: [x]
---

{" ".join(f"Предложение {i} про дороги района." for i in range(20))}
"""
TEXT_POST = """---
title: Текст
networks: [vk, telegram]
---

Просто текст.
"""


def result_files(post: str, **published: str) -> str:
    """A result file with one published entry per network at the given times."""
    lines = [f"post: {post}", "networks:"]
    for network, moment in published.items():
        lines += [
            f"  {network}:",
            "    state: published",
            f"    url: https://example.org/{network}/{post}",
            f"    published_at: '{moment}'",
            "    operation: create",
        ]
    return "\n".join(lines) + "\n"


def log(*entries: tuple[str, str, str, str]) -> str:
    """A moderation log: (network, category, action, time) per entry."""
    return "".join(
        f"- {{network: {n}, comment: '{i}', category: '{c}', action: {a}, at: '{t}'}}\n"
        for i, (n, c, a, t) in enumerate(entries)
    )


LOG_DECEMBER = log(
    ("vk", "obscene", "deleted", "2026-12-02T10:00:00+00:00"),
    ("vk", "obscene,insult", "deleted", "2026-12-03T10:00:00+00:00"),
    ("vk", "obscene,insult", "banned", "2026-12-03T10:00:01+00:00"),
    ("facebook", "insult", "hidden", "2026-12-04T10:00:00+00:00"),
    ("telegram", "spam", "deleted", "2026-12-31T22:00:00+00:00"),
    ("vk", "", "review", "2026-12-05T10:00:00+00:00"),
)
LOG_NOVEMBER = log(("vk", "spam", "deleted", "2026-11-30T20:00:00+00:00"))


def inbox_item(received: str, due: str, status: str = "new") -> str:
    return (
        f"---\nnetwork: vk\nid: '1'\nreceived: {received}\ndue: {due}\nstatus: {status}\n"
        "category: roads\n---\n\n> Вопрос\n\n## Ответ\n\n"
    )


def answer(at: str) -> str:
    return (
        "post: x\nnetworks:\n  vk:\n    state: published\n    remote_id: '9'\n"
        f"    at: '{at}'\n    published_at: '{at}'\n    operation: reply\n"
    )


INBOX = "content/inbox/2026/12"
FILES: dict[str, str | bytes] = {
    "content/2026/12/photo/index.md": PHOTO_POST,
    "content/2026/12/photo/a.jpg": jpeg_bytes(800, 800),
    # vk in week 49 (Tuesday, Moscow time), telegram in week 50
    "content/2026/12/photo/published.yml": result_files(
        "photo", vk="2026-12-01T07:00:00+00:00", telegram="2026-12-08T07:00:00+00:00"
    ),
    "content/2026/12/album/index.md": ALBUM_POST,
    "content/2026/12/album/a.jpg": jpeg_bytes(800, 800),
    "content/2026/12/album/b.jpg": jpeg_bytes(800, 800, "red"),
    "content/2026/12/album/published.yml": result_files("album", vk="2026-12-08T07:00:00+00:00"),
    "content/2026/12/thread.md": THREAD_POST,
    "content/2026/12/thread.published.yml": result_files("thread", x="2026-12-31T20:00:00+00:00"),
    "content/2026/11/text.md": TEXT_POST,
    # 30 November 22:00 UTC is already 1 December in Moscow; 20:00 UTC is still November
    "content/2026/11/text.published.yml": result_files(
        "text", vk="2026-11-30T22:00:00+00:00", telegram="2026-11-30T20:00:00+00:00"
    ),
    "accounts/vk.published.yml": (
        "post: accounts/vk\nnetworks:\n  vk:\n    state: published\n"
        "    at: '2026-12-02T07:00:00+00:00'\n    operation: profile\n"
    ),
    "moderation/log/2026-12.yml": LOG_DECEMBER,
    "moderation/log/2026-11.yml": LOG_NOVEMBER,
    # answered in time: 10:00 -> 12:00 on a Tuesday, 2 working hours of 7 allowed
    f"{INBOX}/vk-1.md": inbox_item("2026-12-01T10:00+03:00", "2026-12-01T18:00+03:00", "answered"),
    f"{INBOX}/vk-1.published.yml": answer("2026-12-01T09:00:00+00:00"),
    # answered late: 9 working hours (lunch and night left out) against 4
    f"{INBOX}/vk-2.md": inbox_item("2026-12-02T09:00+03:00", "2026-12-02T13:00+03:00", "answered"),
    f"{INBOX}/vk-2.published.yml": answer("2026-12-03T07:00:00+00:00"),
    # no answer, deadline passed: overdue
    f"{INBOX}/vk-3.md": inbox_item("2026-12-03T09:00+03:00", "2026-12-03T18:00+03:00"),
    # closed without an answer: not overdue
    f"{INBOX}/vk-4.md": inbox_item("2026-12-03T09:00+03:00", "2026-12-03T18:00+03:00", "closed"),
    # open, deadline still ahead
    f"{INBOX}/vk-5.md": inbox_item("2026-12-18T09:00+03:00", "2026-12-21T18:00+03:00"),
    # received in November, answered in December
    "content/inbox/2026/11/vk-6.md": inbox_item(
        "2026-11-30T17:00+03:00", "2026-12-01T16:00+03:00", "answered"
    ),
    "content/inbox/2026/11/vk-6.published.yml": answer("2026-12-01T07:00:00+00:00"),
}


@pytest.fixture
def workspace(make_repo: Callable[..., Path]) -> Workspace:
    return open_workspace(make_repo(FILES), FakeClock(NOW), env={})


@pytest.fixture
def december(workspace: Workspace) -> MonthlyReport:
    return monthly_report(workspace, workspace.load(), "2026-12")


def test_weeks_of_a_month_are_iso_weeks_cut_to_the_month() -> None:
    start, end = parse_month("2026-12", MOSCOW)
    weeks = month_weeks(start, end)
    assert [w.key for w in weeks] == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert weeks[0].label == "01.12–06.12" and weeks[-1].label == "28.12–31.12"
    start, end = parse_month("2026-11", MOSCOW)
    assert month_weeks(start, end)[0].label == "01.11", "a one-day week is labelled by its day"


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "декабрь", ""])
def test_a_month_must_be_written_as_year_and_month(bad: str) -> None:
    with pytest.raises(PublisherError):
        parse_month(bad, MOSCOW)


def test_posts_per_network_per_week_in_local_time(december: MonthlyReport) -> None:
    assert december.posts == {
        "vk": {"2026-W49": 2, "2026-W50": 1},
        "telegram": {"2026-W50": 1},
        "x": {"2026-W53": 1},
    }
    assert december.networks == ("vk", "telegram", "x") and december.total_posts == 5


def test_a_withdrawn_post_is_not_counted_as_published(
    make_repo: Callable[..., Path],
) -> None:
    """Published on 1 December and withdrawn (deleted from the networks) since."""
    withdrawn = TEXT_POST.replace("---\n\n", "status: withdrawn\n---\n\n")
    deleted = result_files("text", vk="2026-12-01T07:00:00+00:00").replace(
        "state: published", "state: deleted"
    )
    files = {
        **FILES,
        "content/2026/12/gone.md": withdrawn,
        "content/2026/12/gone.published.yml": deleted,
    }
    ws = open_workspace(make_repo(files), FakeClock(NOW), env={})

    report = monthly_report(ws, ws.load(), "2026-12")

    assert report.posts["vk"] == {"2026-W49": 2, "2026-W50": 1}, "as without it"
    assert report.total_posts == 5 and report.formats["text"] == 1


def test_an_answer_counts_from_when_it_went_out_not_when_its_record_was_last_written(
    make_repo: Callable[..., Path],
) -> None:
    rewritten = answer("2026-12-01T09:00:00+00:00").replace(
        "    at: '2026-12-01T09:00:00+00:00'", "    at: '2026-12-19T09:00:00+00:00'"
    )
    files = {**FILES, f"{INBOX}/vk-1.published.yml": rewritten}
    ws = open_workspace(make_repo(files), FakeClock(NOW), env={})

    report = monthly_report(ws, ws.load(), "2026-12")

    (first,) = [a for a in report.answers if a.path.endswith("/vk-1.md")]
    assert first.answered == datetime(2026, 12, 1, 12, 0, tzinfo=MOSCOW)


def test_formats_of_the_publications(december: MonthlyReport) -> None:
    assert december.formats == {
        "text": 1,
        "photo": 2,
        "album": 1,
        "video": 0,
        "document": 0,
        "poll": 2,
        "thread": 1,
    }


def test_moderation_actions_by_category(december: MonthlyReport) -> None:
    assert december.moderation == {
        "obscene": {"deleted": 2, "banned": 1},
        "insult": {"hidden": 1},
        "other": {"review": 1},
    }, "the spam removal on 31 December 22:00 UTC is January in Moscow"


def test_messages_received_answered_and_overdue(december: MonthlyReport) -> None:
    assert december.received == 5
    assert december.answered == 3 and december.in_time == 2 and december.late == 1
    by_path = {a.path.rsplit("/", 1)[1]: a for a in december.answers}
    assert by_path["vk-1.md"].hours == 2.0 and by_path["vk-1.md"].allowed == 7.0
    assert by_path["vk-2.md"].hours == 9.0 and by_path["vk-2.md"].late
    assert [a.path for a in december.overdue] == [f"{INBOX}/vk-3.md"]
    assert december.open == 2 and december.median_hours() == 2.0


def test_a_past_month_is_cut_at_its_end(workspace: Workspace) -> None:
    november = monthly_report(workspace, workspace.load(), "2026-11")
    assert november.posts == {"telegram": {"2026-W49": 1}}
    assert november.moderation == {"spam": {"deleted": 1}}
    assert november.received == 1 and november.answered == 0
    assert november.open == 1 and not november.overdue, "its deadline was in December"


def test_markdown_has_the_tables_and_links_the_charts(december: MonthlyReport) -> None:
    text = report_markdown(december, "charts")
    assert "| ВКонтакте | 2 | 1 | 0 | 0 | 0 | 3 |" in text
    assert "![" in text and "](charts/posts.svg)" in text and "](charts/answers.svg)" in text
    assert "vk-3.md" in text, "overdue messages are listed"
    assert "![" not in report_markdown(december), "without a folder, no images"


def test_charts_are_well_formed_svg(december: MonthlyReport) -> None:
    for name, drawing in report_charts(december).items():
        root = ET.fromstring(drawing)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        if (
            name in REACH_CHARTS
        ):  # no stats file here: drawn as "no data" (tests/reports/test_reach)
            continue
        bars = 1 if name in ("sources.svg", "departments.svg") else 2  # one group in December
        assert len(root.findall(".//{http://www.w3.org/2000/svg}rect")) > bars, name


def test_charts_escape_labels_and_draw_empty_data() -> None:
    for chart in (
        bar_chart('<b>"A" & B</b>', [("<x>", 3), ("&", 1)]),
        bar_chart("empty", []),
        grouped_bar_chart("weeks", ["w1", "w2"], [("<vk>", "#000", [0, 0])]),
        grouped_bar_chart("weeks", ["w1"], [("a & b", "#123456", [4]), ("c", "#654321", [1])]),
    ):
        ET.fromstring(svg(chart))
    assert "&lt;x&gt;" in svg(bar_chart("t", [("<x>", 3)]))


def test_html_report_is_one_page_with_inline_charts(december: MonthlyReport) -> None:
    page = report_html(december)
    assert page.startswith("<!doctype html>") and page.count("<svg") == 6
    assert "<link" not in page and "<script" not in page


def test_write_report_writes_markdown_with_chart_files(
    december: MonthlyReport, tmp_path: Path
) -> None:
    written = write_report(december, tmp_path, "markdown")
    names = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert names == [
        "charts-2026-12/answers.svg",
        "charts-2026-12/departments.svg",
        "charts-2026-12/formats.svg",
        "charts-2026-12/moderation.svg",
        "charts-2026-12/posts.svg",
        "charts-2026-12/sources.svg",
        "report-2026-12.md",
    ]
    for path in written[1:]:
        ET.parse(path)
    assert "](charts-2026-12/posts.svg)" in (tmp_path / "report-2026-12.md").read_text()
    assert write_report(december, tmp_path, "html") == [tmp_path / "report-2026-12.html"]
