"""``publisher demo``: the whole flow on the examples, ending with a request check must stop."""

from __future__ import annotations

from pathlib import Path

from publisher.commands.demo import HOSTILE_FOLDER, run_demo
from publisher.core.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]


def test_demo_publishes_the_examples_and_shows_what_check_stops(tmp_path: Path) -> None:
    lines: list[str] = []

    assert run_demo(ROOT, tmp_path, lines.append, FakeClock()) == 0

    text = "\n".join(lines)
    hostile = f"{HOSTILE_FOLDER}/index.md"
    for line in (4, 6, 9):  # the impossible date, the .git/config attachment, the token
        assert f"{hostile}:{line}:" in text
    assert "AADemo" not in text, "the token is never printed"
    open_lines = [line for line in text.splitlines() if "(открытый источник)" in line]
    assert len(open_lines) == 3, open_lines  # the water post and a comment under it, the light
    assert any(line.endswith("→ zhkh") for line in open_lines)
    assert any(line.endswith("→ roads") for line in open_lines)
    assert "гараж" not in text and "стоматолог" not in text
    assert "Отправлено на решение человеку: moderation/review/" in text
    assert "одобрил(и): Модератор пресс-службы" in text, "the decision is carried out"
    assert not (tmp_path / "repo" / HOSTILE_FOLDER).exists(), "the demo post is removed again"
    state = b"".join(p.read_bytes() for p in (tmp_path / "sandbox").rglob("*") if p.is_file())
    assert b"[core]" not in state, "nothing of .git/config reached a network"


def test_demo_ends_saying_how_to_open_the_feeds_and_the_built_site(tmp_path: Path) -> None:
    lines: list[str] = []
    assert run_demo(ROOT, tmp_path, lines.append, FakeClock()) == 0
    end = "\n".join(lines[-7:])
    assert f"publisher sandbox serve --state {tmp_path / 'sandbox'}" in end
    assert "http://127.0.0.1:8765/" in end
    index = tmp_path / "site" / "index.html"
    assert lines[-1].endswith(f"откройте {index}") and index.is_file()
    assert "опубликовано" in index.read_text(encoding="utf-8")


def test_demo_reads_growing_figures_and_the_report_shows_them(tmp_path: Path) -> None:
    import yaml

    lines: list[str] = []
    assert run_demo(ROOT, tmp_path, lines.append, FakeClock()) == 0
    text = "\n".join(lines)
    assert "== 11. publisher stats collect" in text and "== 12. publisher accounts audit" in text
    (stats,) = (tmp_path / "repo" / "stats").glob("*.yml")
    data = yaml.safe_load(stats.read_text(encoding="utf-8"))
    days = data["followers"]["vk"]["days"]
    first, last = days.values()
    assert last > first
    assert all(
        entry["views"] > 100
        for entry in data["posts"]["2026/12/elka-na-ploshchadi"].values()
        if "views" in entry
    )
    assert data["audit"]["vk"]["findings"], "the example pages get their findings"
    report = (tmp_path / "site" / "report.html").read_text(encoding="utf-8")
    assert "Охват по сетям" in report and "Состояние аккаунтов" in report
