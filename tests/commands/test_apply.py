"""``publisher apply`` as the terminal shows it: counts that hide nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Publisher, write_files

from publisher.core.model import Account, Action, ActionKind, Plan
from publisher.engine.apply import ApplyReport
from publisher.reports.plan_report import apply_text

X_ACCOUNT = """---
network: x
id: "@district"
token_env: X_USER_TOKEN
---
Новости района.
"""


def post(title: str, text: str, status: str = "ready") -> str:
    return f"---\ntitle: {title}\nnetworks: [vk, telegram, x]\nstatus: {status}\n---\n\n{text}\n"


def test_the_summary_says_which_accounts_could_not_be_changed_and_why(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    """ "Done: 3, failed: 0" alone would hide that X kept the old text of both edited posts and
    that Telegram, three days on, could not delete the withdrawn one."""
    files: dict[str, str | bytes] = {
        "accounts/x.md": X_ACCOUNT,
        "content/elka.md": post("Ёлка", "Ёлку нарядили."),
        "content/fair.md": post("Ярмарка", "Ярмарка в субботу."),
        "content/rink.md": post("Каток", "Каток открыт."),
    }
    run = publisher(make_repo(files))
    first = run("apply")
    assert first.exit_code == 0, first.output
    run.clock.advance(3 * 86400)
    write_files(
        run.repo,
        {
            "content/elka.md": post("Ёлка", "Ёлку нарядили и включили."),
            "content/fair.md": post("Ярмарка", "Ярмарка в воскресенье."),
            "content/rink.md": post("Каток", "Каток открыт.", "withdrawn"),
        },
    )

    applied = run("apply")

    assert applied.exit_code == 0, applied.output
    lines = applied.output.splitlines()
    summary = lines[lines.index("Готово: 6, не удалось: 0.") + 1 :]
    assert summary[0].startswith("  не изменено в X (бывший Twitter): сеть не умеет редактировать")
    assert summary[0].endswith("(elka, fair)"), "one line for both posts"
    assert summary[1].startswith("  не изменено в Telegram: ") and "48 ч" in summary[1]
    assert summary[1].endswith("(rink)")
    assert summary[2].startswith("Результаты записаны в коммит")


def test_a_post_that_could_not_go_out_is_named_with_the_reason() -> None:
    account = Account("instagram", "accounts/instagram.md", "instagram", "1", "I")
    held = Action(ActionKind.BLOCKED, "elka", "instagram", "instagram", reason="нужно фото")

    text = apply_text(Plan((held,), accounts=(account,)), ApplyReport())

    assert text.splitlines() == [
        "Готово: 0, не удалось: 0.",
        "  не опубликовано в Instagram: нужно фото (elka)",
    ]
