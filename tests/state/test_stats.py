"""The month's stats file: written whole, read back the same, read as far as it can be when
someone broke it, and the latest figures of a post across months."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.core.figures import PostFigures
from publisher.state.stats import (
    AuditEntry,
    AuditFinding,
    PostStats,
    StatsFile,
    latest,
    read_stats,
    write_stats,
)


def sample() -> StatsFile:
    stats = StatsFile("2026-12")
    figures = PostFigures(views=10, reach=8, reactions=1, reposts=0, comments=None)
    stats.posts[("news", "vk")] = PostStats(
        "news",
        "vk",
        "vk",
        "5",
        "https://vk.com/wall-1_5",
        "2026-12-01T09:00:00+00:00",
        "2026-12-02T12:00:00+03:00",
        figures,
    )
    stats.followers["vk"] = {"2026-12-02": 100, "2026-12-01": 99}
    stats.networks["vk"] = "vk"
    stats.audit["vk"] = AuditEntry(
        "vk",
        "2026-12-02T12:00:00+03:00",
        (AuditFinding("cadence", "warning", "Мало постов.", "Пишите чаще."),),
    )
    return stats


def test_a_written_file_reads_back_the_same(tmp_path: Path) -> None:
    path = write_stats(tmp_path, sample())
    assert path == "stats/2026-12.yml"
    text = (tmp_path / path).read_text(encoding="utf-8")
    assert text.startswith("# Этот файл ведёт publisher")
    assert "comments" not in text, "a figure the network did not give is not written as 0"
    again = read_stats(tmp_path, "2026-12")
    assert not again.damaged
    assert again.posts == sample().posts and again.audit == sample().audit
    assert list(again.followers["vk"]) == ["2026-12-01", "2026-12-02"], "days in order"
    write_stats(tmp_path, again)
    assert (tmp_path / path).read_text(encoding="utf-8") == text, "rewriting changes nothing"


def test_an_absent_month_is_empty(tmp_path: Path) -> None:
    empty = read_stats(tmp_path, "2026-11")
    assert not empty.posts and not empty.followers and not empty.damaged


@pytest.mark.parametrize(
    "text",
    [
        "posts: [1, 2\n",
        "- a list\n",
        "posts: {news: {vk: {views: 5}}}\n",  # no remote id
        "followers: {vk: {days: {'2026-12-01': true}}}\n",
        "followers: {vk: 12}\n",
        "audit: {vk: {findings: [{check: x, severity: fatal, message: m}]}}\n",
        b"\xff\xfe not utf-8",
    ],
)
def test_a_broken_file_is_marked_damaged(tmp_path: Path, text: str | bytes) -> None:
    (tmp_path / "stats").mkdir()
    path = tmp_path / "stats/2026-12.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    stats = read_stats(tmp_path, "2026-12")
    assert stats.damaged
    assert not stats.posts and not any(stats.followers.values()) and not stats.audit


def test_figures_that_are_not_counts_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    (tmp_path / "stats/2026-12.yml").write_text(
        "posts: {news: {vk: {remote_id: '5', views: -1, reach: много, reactions: 2.0, "
        "reposts: true}}}\n",
        encoding="utf-8",
    )
    (item,) = read_stats(tmp_path, "2026-12").posts.values()
    assert item.figures == PostFigures(reactions=2)


def test_latest_takes_the_figures_read_last() -> None:
    november, december = StatsFile("2026-11"), StatsFile("2026-12")
    old = PostStats(
        "news", "vk", "vk", "5", at="2026-11-30T10:00:00+03:00", figures=PostFigures(views=1)
    )
    new = PostStats(
        "news", "vk", "vk", "5", at="2026-12-03T10:00:00+03:00", figures=PostFigures(views=9)
    )
    november.posts[("news", "vk")], december.posts[("news", "vk")] = old, new
    assert latest({"2026-12": december, "2026-11": november})[("news", "vk")] is new
