"""The style linter in check, in the plan comment and as `publisher style`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import Deps, main
from publisher.content.style import lint
from publisher.content.stylecheck import style_fixes
from publisher.core.clock import FakeClock
from publisher.core.front_matter import BODY
from publisher.core.model import Post, Status

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


REPEATED = """---
title: Ремонт
networks: [vk]
status: {status}
---

Данный ремонт осуществляется днём. Данные работы осуществляются ночью.

Приём граждан в среду. Жителям данного дома напишут.
"""


def test_plan_comment_shows_a_line_per_phrase_for_the_posts_the_request_changes(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo(
        {
            "content/news.md": OFFICIAL,
            "content/repair.md": REPEATED.format(status="ready"),
            "content/draft.md": REPEATED.format(status="draft").replace("Ремонт", "Черновик"),
            "content/gone.md": REPEATED.format(status="withdrawn").replace("Ремонт", "Снят"),
        }
    )
    comment = run(repo, clock, "plan", "--format", "markdown").output
    style = comment.split("<details><summary>Стиль постов (2); самая низкая оценка: ")[1]
    assert style.startswith("0.0/10 (news)</summary>")
    assert style.index("` news `") < style.index("` repair `"), "the lowest score first"
    assert "«Данный», «Данные», «данного» ×3 — Канцелярит → этот" in style
    assert style.count("осуществляется") == 1 and "×2 — Канцелярит" in style
    assert "граждан" not in style, "«приём граждан» is plain Russian"
    assert "` draft `" not in comment and "` gone `" not in comment
    assert "Стиль:" not in comment.split("<details>")[0], "no finding among the errors"
    assert "Стиль: Канцелярит" not in comment, "findings only in the style section"


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


def a_post(body: str, status: Status = "ready") -> Post:
    return Post("news", "content/news.md", "Новость", body, ("vk",), status, lines={BODY: 6})


def test_style_fixes_are_one_per_line_with_every_safe_replacement() -> None:
    body = (
        "Данного дома нет. В настоящее время котельная функционирует.\n"
        "В целях экономии свет выключат.\n"
        "Приоритетные работы идут."
    )
    post = a_post(body)
    first, third = style_fixes(post, lint(body))
    assert (first.path, first.line) == ("content/news.md", 6)
    assert first.before == "Данного дома нет. В настоящее время котельная функционирует."
    assert first.after == "Этого дома нет. Сейчас котельная работает."
    assert first.note == (
        "Стиль: «Данного» → «Этого»; «В настоящее время» → «Сейчас»; «функционирует» → «работает»"
    )
    assert (third.line, third.after) == (8, "Главные работы идут."), "«в целях» needs a person"
    for status in ("draft", "withdrawn"):
        assert style_fixes(a_post(body, status), lint(body)) == [], status


def test_a_fix_keeps_the_rest_of_the_line_and_its_markup() -> None:
    body = "**Важно:** вследствие ремонта `код` не работает\r"
    [fix] = style_fixes(a_post(body), lint(body))
    assert fix.before == "**Важно:** вследствие ремонта `код` не работает"
    assert fix.after == "**Важно:** из-за ремонта `код` не работает"
