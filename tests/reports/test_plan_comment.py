"""The plan comment a reviewer reads: it fits the Git host, puts what matters first, says where
the preview site is, and shows the question an answer replies to and what a profile change
replaces."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from publisher.cli import Deps, main
from publisher.core.capabilities import network_title
from publisher.core.clock import FakeClock
from publisher.core.errors import Diagnostic, Severity
from publisher.core.model import (
    Action,
    ActionKind,
    Comment,
    Media,
    Plan,
    Profile,
    RenderedPost,
)
from publisher.reports.plan_report import plan_markdown, plan_text, text_diff

GITHUB = 65_000
GITLAB = 1_000_000
NETWORKS = ("vk", "telegram", "ok", "max", "facebook", "instagram", "x")
TEXT = "Ёлку на площади нарядили, гирлянды горят каждый вечер. " * 20  # about 1,100 characters


def post_actions(posts: int, kind: ActionKind = ActionKind.CREATE) -> list[Action]:
    actions = []
    for number in range(posts):
        post = f"2026/12/post-{number:04d}"
        for network in NETWORKS:
            rendered = RenderedPost(post, network, (f"{number}: {TEXT}",), length=1100, limit=4096)
            actions.append(Action(kind, post, network, network, rendered, post_path=post))
    return actions


def error(number: int) -> Diagnostic:
    return Diagnostic(f"content/bad-{number}.md", 3, Severity.ERROR, "Нет заголовка", "Добавьте")


def test_a_plan_of_thousands_of_rows_fits_githubs_limit_most_important_first() -> None:
    waiting = [Action(ActionKind.WAIT, "2027/01/later", "vk", "vk", reason="запланирован на 15.01")]
    plan = Plan((*waiting, *post_actions(400)))  # 2,801 rows
    comment = plan_markdown(plan, [error(n) for n in range(80)], limit=GITHUB)

    assert len(comment) <= GITHUB
    assert comment.index("План: создать 2800") < comment.index("#### Ошибки (80)")
    assert comment.index("#### Ошибки") < comment.index("| Действие |")
    assert comment.index("| Действие |") < comment.index("<details>")
    assert comment.count("- **ошибка**") == 50, "at most fifty errors; publisher check has all"
    rows = [line for line in comment.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 401, "a row per post and action, its networks together"
    together = ", ".join(map(network_title, NETWORKS[:-1]))  # X's title is escaped
    assert all(together in row for row in rows[:-1])
    assert rows[-1].startswith("| … ждёт | ВКонтакте | ` 2027/01/later `"), "what waits comes last"
    note = comment.rstrip().splitlines()[-1]
    assert note.startswith("Не поместилось в комментарий: ошибки: 30 (все покажет publisher check)")
    assert "тексты постов:" in note
    html = MarkdownIt("commonmark").enable("table").render(comment)
    assert html.count("<details>") == html.count("</details>") > 0


def test_rows_that_do_not_fit_even_together_are_counted() -> None:
    plan = Plan(tuple(post_actions(3000)))  # 21,000 rows
    comment = plan_markdown(plan, limit=GITHUB)
    assert len(comment) <= GITHUB
    shown = sum(1 for line in comment.splitlines() if line.startswith("| + создать"))
    assert 100 < shown < 3000
    assert f"строки плана: {3000 - shown}" in comment
    assert "<details>" not in comment, "the table comes first; the texts are left to the site"


def test_gitlab_takes_more_of_the_same_plan() -> None:
    plan = Plan(tuple(post_actions(200)))
    on_github = plan_markdown(plan, limit=GITHUB)
    on_gitlab = plan_markdown(plan, limit=GITLAB)
    assert len(on_github) <= GITHUB < len(on_gitlab) <= GITLAB
    assert on_gitlab.count("<details><summary>2026/12/post-") == 200
    assert "Не поместилось" not in on_gitlab
    assert on_gitlab.count("| + создать |") == 1400, "a row per network when they fit"


def test_networks_that_show_the_same_text_share_one_preview() -> None:
    plan = Plan(tuple(post_actions(1)))
    comment = plan_markdown(plan, limit=GITHUB)
    assert comment.count(TEXT.strip()) == 1
    networks = "ВКонтакте, Telegram, Одноклассники, МАКС, Facebook"
    assert f"<summary>2026/12/post-0000 — создать: {networks}" in comment


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://github.com/city/smm/actions/runs/1/artifacts/2",
            "— [на сайте предпросмотра](<https://github.com/city/smm/actions/runs/1/artifacts/2>)",
        ),
        ("", "PUBLISHER_PREVIEW_URL"),
        ("javascript:alert(1)", "publisher site build --out _site --personal-data"),
    ],
)
def test_the_comment_says_where_the_preview_site_is(url: str, shown: str) -> None:
    comment = plan_markdown(Plan(tuple(post_actions(1))), limit=GITHUB, site_url=url)
    assert shown in comment.split("| Действие |")[0]
    assert "javascript" not in comment


def answer(question: str) -> Action:
    text = "Яму засыплют до пятницы."
    rendered = RenderedPost("content/inbox/vk-12.md", "vk", (text,), length=len(text))
    comment = Comment("vk", "12", question, "88", author_name="Анна Жалобова")
    return Action(
        ActionKind.REPLY,
        "content/inbox/vk-12.md",
        "vk",
        "vk",
        rendered,
        comment=comment,
        post_path="content/inbox/vk-12.md",
    )


def test_an_answer_shows_the_citizens_question_beside_it() -> None:
    hostile = "Когда засыплют яму? </details> @mayor #12\n# Заголовок"
    plan = Plan((answer(hostile),))
    comment = plan_markdown(plan, limit=GITHUB)
    [row] = [line for line in comment.splitlines() if line.startswith("| ↩")]
    assert "вопрос: «Когда засыплют яму\\? \\<\\/details\\> \\@\u2060mayor" in row
    summary = "<details><summary>ответить: ВКонтакте — content/inbox/vk-12.md</summary>"
    section = comment.split(summary)[1]
    assert section.index("Вопрос жителя:") < section.index("Ответ:")
    assert "```text\nКогда засыплют яму? </details> @mayor #12\n# Заголовок\n```" in section
    assert "Анна" not in comment, "the author's name stays out of the comment"
    html = MarkdownIt("commonmark").enable("table").render(comment)
    assert html.count("<details>") == html.count("</details>") == 1
    text = plan_text(plan)
    assert "    вопрос: «Когда засыплют яму? </details> @mayor #12 # Заголовок»" in text


def profile_change(previous: dict[str, str]) -> Action:
    avatar = Media(Path("design/new.png"), "design/new.png", "photo", width=400, height=400)
    profile = Profile(
        "vk", title="Администрация", description="Пишите нам.\nОтвечаем днём.", avatar=avatar
    )
    return Action(
        ActionKind.UPDATE,
        "accounts/vk",
        "vk",
        "vk",
        post_path="accounts/vk.md",
        profile=profile,
        fields=("description", "avatar"),
        manual=("title",),
        previous=previous,
        reason="профиль: description, avatar",
    )


def test_a_profile_change_shows_the_old_and_new_text_and_the_new_image() -> None:
    previous = {"description": "Пишите нам.\nОтвечаем ночью.", "title": "Администрация"}
    comment = plan_markdown(Plan((profile_change(previous),)), limit=GITHUB)
    section = comment.split("<details><summary>изменить: ВКонтакте — accounts/vk</summary>")[1]
    assert "**описание**\n```diff\n  Пишите нам.\n- Отвечаем ночью.\n+ Отвечаем днём.\n```" in (
        section
    )
    assert "**название \\(вручную\\)**\n```diff\n  Администрация\n```" in section
    assert "аватар: ` design/new.png `, 400×400" in section
    assert section.index("название") < section.index("описание") < section.index("аватар")
    text = plan_text(Plan((profile_change(previous),)))
    assert (
        "    описание:\n    │   Пишите нам.\n    │ - Отвечаем ночью.\n    │ + Отвечаем днём."
        in (text)
    )


def test_a_profile_change_without_a_recorded_old_text_says_so() -> None:
    comment = plan_markdown(Plan((profile_change({}),)), limit=GITHUB)
    assert "**описание** (прежний текст не записан)\n```diff\n+ Пишите нам.\n+ Отвечаем днём." in (
        comment
    )


def test_text_diff_marks_removed_and_added_lines() -> None:
    assert text_diff("а\nб", "а\nв") == ["  а", "- б", "+ в"]
    assert text_diff(None, "") == ["+ "]


def test_style_findings_stay_out_of_errors_and_warnings() -> None:
    style = Diagnostic("content/a.md", 5, Severity.WARNING, "Стиль: Канцелярит: данный", "этот")
    style = Diagnostic(style.path, 5, Severity.WARNING, style.message, style.hint, "style-x")
    other = Diagnostic("content/a.md", 2, Severity.WARNING, "В max нет опросов", "", "poll")
    comment = plan_markdown(Plan(tuple(post_actions(1))), [style, other], limit=GITHUB)
    assert "В max нет опросов" in comment and "Канцелярит" not in comment
    assert "<summary>Предупреждения (1)</summary>" in comment


def test_a_long_site_address_still_fits() -> None:
    url = "https://example.org/" + "a" * 5_000
    comment = plan_markdown(Plan(tuple(post_actions(300))), limit=GITHUB, site_url=url)
    assert len(comment) <= GITHUB and comment.count(url) == 2


def test_a_comment_of_a_tiny_limit_still_has_its_head_and_counts_the_rest() -> None:
    comment = plan_markdown(Plan(tuple(post_actions(3))), limit=2_000)
    assert len(comment) <= 2_000
    assert comment.startswith("<!-- publisher-plan -->\n### План публикации")
    assert "тексты постов: 3" in comment


MESSAGE = """---
network: vk
id: '12'
received: 2026-12-01T10:00+03:00
author: Анна Жалобова
category: roads
due: 2026-12-01T18:00+03:00
status: new
reply_to: {post: '5', parent: '', author_id: '88', direct: false, extra: {}}
---

> Когда отремонтируют дорогу
> на улице Мира?

## Ответ

Отремонтируем до 15 декабря.
"""


def test_the_comment_of_a_repository_shows_the_question_an_answer_replies_to(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"content/inbox/2026/12/vk-12.md": MESSAGE})
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "plan", "--format", "markdown"], obj=Deps(clock, {})
    )
    [row] = [line for line in result.output.splitlines() if line.startswith("| ↩ ответить")]
    assert "вопрос: «Когда отремонтируют дорогу на улице Мира\\?»" in row
    assert "```text\nКогда отремонтируют дорогу\nна улице Мира?\n```\nОтвет:" in result.output
