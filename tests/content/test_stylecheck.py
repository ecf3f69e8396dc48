"""The style linter in check, in the plan comment and as `publisher style`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock

OFFICIAL = """---
title: Благоустройство
networks: [vk]
---

Добрый день!

В целях реализации мероприятий по благоустройству было осуществлено проведение работ.
"""


def run(repo: Path, clock: FakeClock, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--repo", str(repo), *args], obj=Deps(clock, {}), input=stdin)


def test_check_warns_at_the_line_with_a_suggestion(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"content/news.md": OFFICIAL})
    result = run(repo, clock, "check", "--format", "json")
    assert result.exit_code == 0, "style findings are warnings by default"
    styles = [d for d in json.loads(result.output) if d["code"].startswith("style-")]
    assert {d["line"] for d in styles} == {8}
    assert {d["severity"] for d in styles} == {"warning"}
    first = next(d for d in styles if "целях" in d["message"])
    assert first["hint"] and "Стиль:" in first["message"]


def test_strict_style_makes_findings_errors(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"content/news.md": OFFICIAL})
    (repo / "publisher.yml").write_text("style:\n  strict: true\n", encoding="utf-8")
    assert run(repo, clock, "check").exit_code == 1
    assert run(repo, clock, "check", "--strict").exit_code == 1


def test_plan_comment_shows_the_style_score(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"content/news.md": OFFICIAL})
    result = run(repo, clock, "plan", "--format", "markdown")
    assert "#### Стиль" in result.output and "оценка стиля" in result.output
    assert "План публикации" in result.output
    assert "«В целях»" in result.output


def test_style_command_json(make_repo: Callable[..., Path], clock: FakeClock) -> None:
    repo = make_repo({"content/news.md": OFFICIAL})
    result = run(repo, clock, "style", "--format", "json", str(repo / "content/news.md"))
    report = json.loads(result.output)
    assert set(report) == {"file", "findings", "score"}
    assert report["score"] < 5
    body = OFFICIAL.split("---", 2)[2].lstrip("\n")
    first = report["findings"][0]
    assert body[first["start"] : first["end"]] == "В целях"
    plain = run(repo, clock, "style", "--format", "json", "-", stdin="Мы починили дорогу на Мира.")
    assert json.loads(plain.output)["findings"] == []


def test_style_command_names_the_files_line_below_the_front_matter(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"content/news.md": OFFICIAL})
    result = run(repo, clock, "style", str(repo / "content/news.md"))
    assert "news.md:8: «В целях»" in result.output, result.output
    plain = run(repo, clock, "style", "-", stdin="Хорошо.\n\nВ целях реализации работ.")
    assert "-:3: «В целях»" in plain.output, plain.output


def test_style_command_names_a_file_it_cannot_read(
    make_repo: Callable[..., Path], clock: FakeClock, tmp_path: Path
) -> None:
    repo = make_repo({"content/news.md": OFFICIAL})
    legacy = tmp_path / "cp1251.md"
    legacy.write_bytes("Заметка".encode("cp1251"))
    result = run(repo, clock, "style", str(legacy))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), "an error message, not a traceback"
    assert f"Не удаётся прочитать {legacy}: Файл не в кодировке UTF-8." in result.output
    missing = run(repo, clock, "style", str(tmp_path / "missing.md"))
    assert missing.exit_code == 1
    assert f"Не удаётся прочитать {tmp_path / 'missing.md'}." in missing.output
