"""A post that breaks one network's rule is held back on that network only: check scopes each
such problem to its targets, and ``Content.holding_back`` keeps the reason for the plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import TELEGRAM_ACCOUNT

from publisher.core.errors import Diagnostic, Severity
from publisher.engine.workspace import open_workspace

LONG = "Очень длинный текст. " * 250  # 5,249 characters: over Telegram's 4096, under VK's 16,384


def post(body: str = LONG, fields: str = "") -> str:
    return f"---\ntitle: Длинный пост\nnetworks: [vk, telegram]\n{fields}---\n\n{body}\n"


def checked(repo: Path):  # type: ignore[no-untyped-def]
    ws = open_workspace(repo)
    content = ws.load()
    result = ws.check(content)
    return content.holding_back(result.errors), [d for d in result.diagnostics if d.is_error]


def test_a_text_too_long_for_one_network_holds_back_that_network_only(
    make_repo: Callable[..., Path],
) -> None:
    held, errors = checked(make_repo({"content/p.md": post()}))

    (error,) = errors
    assert (error.code, error.line, error.targets) == ("too-long", 6, ("telegram",))
    assert error.message == "Текст длиннее 4096 знаков для Telegram: 5249."
    (p,) = held.posts
    assert held.broken_posts == frozenset()
    assert held.held(p, "telegram") == (
        "Текст длиннее 4096 знаков для Telegram: 5249 (content/p.md:6)"
    )
    assert held.held(p, "vk") is None


def test_hold_all_holds_the_whole_post_for_one_networks_rule(
    make_repo: Callable[..., Path],
) -> None:
    held, _errors = checked(make_repo({"content/p.md": post(fields="hold: all\n")}))

    (p,) = held.posts
    assert held.broken_posts == {"content/p.md"}
    assert held.held(p, "vk") == held.held(p, "telegram")
    assert "4096" in (held.held(p, "vk") or "")


def test_a_problem_of_the_whole_post_holds_it_back_everywhere(
    make_repo: Callable[..., Path],
) -> None:
    empty = "---\ntitle: Пусто\nnetworks: [vk, telegram]\n---\n"
    held, errors = checked(make_repo({"content/p.md": empty}))

    assert [(e.code, e.targets) for e in errors] == [("empty", ())]
    (p,) = held.posts
    assert held.broken_posts == {"content/p.md"}
    assert held.held(p, "vk") == "В посте нет ни текста, ни медиафайлов, ни опроса (content/p.md:2)"


def test_two_accounts_of_a_network_share_one_problem_that_holds_both(
    make_repo: Callable[..., Path],
) -> None:
    head = TELEGRAM_ACCOUNT.replace("@test_channel", "@head").replace("BOT_TOKEN", "HEAD_TOKEN")
    files = {
        "accounts/telegram.md": TELEGRAM_ACCOUNT.replace("---\nОпис", "default: true\n---\nОпис"),
        "accounts/head-tg.md": head,
        "content/p.md": post(fields="accounts: [head-tg]\n"),
    }
    held, errors = checked(make_repo(files))

    (error,) = errors
    assert error.targets == ("telegram", "head-tg"), "said once, naming both accounts"
    (p,) = held.posts
    assert held.held(p, "head-tg") and held.held(p, "telegram") and held.held(p, "vk") is None


def test_a_too_long_override_is_found_at_its_own_line(make_repo: Callable[..., Path]) -> None:
    fields = f"overrides:\n  vk:\n    silent: true\n  telegram:\n    text: {LONG.strip()}\n"
    _held, errors = checked(make_repo({"content/p.md": post("Коротко.", fields)}))

    (error,) = errors
    assert (error.code, error.line, error.targets) == ("too-long", 7, ("telegram",))


def test_holding_back_counts_the_other_errors_and_follows_a_damaged_result_file(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo({"content/p.md": post(), "content/q.md": post("Коротко.")})
    content = open_workspace(repo).load()
    p, q = content.posts

    def error(path: str, line: int, message: str, *targets: str) -> Diagnostic:
        return Diagnostic(path, line, Severity.ERROR, message, targets=targets)

    held = content.holding_back(
        [
            error("content/p.md", 6, "Первая.", "telegram"),
            error("content/p.md", 7, "Вторая.", "telegram"),
            Diagnostic("content/p.md", 8, Severity.WARNING, "Предупреждение.", targets=("vk",)),
            error("content/q.published.yml", 3, "Файл результатов повреждён."),
        ]
    )

    assert held.held(p, "telegram") == (
        "Первая (content/p.md:6); ещё ошибок: 1 (все покажет publisher check)"
    )
    assert held.held(p, "vk") is None, "a warning holds nothing back"
    assert held.broken_posts == {"content/q.published.yml", "content/q.md"}
    assert held.held(q, "vk") == "Файл результатов повреждён (content/q.published.yml:3)"
