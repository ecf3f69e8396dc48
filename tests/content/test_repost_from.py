"""``repost_from:`` in a post: it names one of the post's own accounts (an error at its line
otherwise), and check says where a repost cannot happen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from publisher.content.check import CheckResult
from publisher.core.clock import FakeClock
from publisher.core.errors import Severity
from publisher.engine.workspace import open_workspace


def account(network: str, account_id: str, default: bool = False) -> str:
    flag = "default: true\n" if default else ""
    return f'---\nnetwork: {network}\nid: "{account_id}"\ntoken_env: T\n{flag}---\nОписание.\n'


ACCOUNTS = {
    "accounts/district-vk.md": account("vk", "1001", default=True),
    "accounts/settlements/bratskoe-vk.md": account("vk", "1002"),
    "accounts/district-tg.md": account("telegram", "@district"),
    "accounts/head-tg.md": account("telegram", "@head"),
    "accounts/district-ok.md": account("ok", "70000001", default=True),
    "accounts/bratskoe-ok.md": account("ok", "70000002"),
}


def post(head: str) -> str:
    return f"---\ntitle: Ярмарка\n{head}\n---\nЯрмарка в субботу.\n"


def check(make_repo: Callable[..., Path], head: str) -> CheckResult:
    repo = make_repo(
        {"publisher.yml": "timezone: Europe/Moscow\n", **ACCOUNTS, "content/p.md": post(head)},
        accounts=False,
    )
    ws = open_workspace(repo, FakeClock(), {})
    return ws.check(ws.load())


def found(result: CheckResult) -> list[tuple[Severity, int, str, str]]:
    return [
        (d.severity, d.line, d.code, d.message)
        for d in result.diagnostics
        if d.path == "content/p.md" and d.code == "repost"
    ]


def test_repost_from_an_account_the_post_goes_to_is_fine(
    make_repo: Callable[..., Path],
) -> None:
    result = check(
        make_repo,
        "accounts: [district-vk, bratskoe-vk, district-tg, head-tg]\n"
        "repost_from: [district-vk, district-tg]",
    )

    assert result.errors == () and found(result) == []


def test_repost_from_a_foreign_account_is_an_error_at_its_line_with_a_hint(
    make_repo: Callable[..., Path],
) -> None:
    result = check(
        make_repo,
        "accounts: [district-vk, bratskoe-vk]\nrepost_from:\n  - district-vk\n  - head-tg",
    )

    (problem,) = [d for d in result.errors if d.code == "repost"]
    assert (problem.path, problem.line) == ("content/p.md", 6)
    assert problem.message == "В repost_from указан «head-tg», но пост не идёт в этот аккаунт."
    assert problem.hint == "Укажите один из них: district-vk, bratskoe-vk."


def test_repost_from_an_unknown_name_as_a_single_value_is_an_error_at_its_line(
    make_repo: Callable[..., Path],
) -> None:
    result = check(make_repo, "accounts: [district-vk, bratskoe-vk]\nrepost_from: vk")

    assert [(d.line, d.code) for d in result.errors] == [(4, "repost")]


def test_two_sources_on_one_network_is_an_error(make_repo: Callable[..., Path]) -> None:
    result = check(
        make_repo,
        "accounts: [district-vk, bratskoe-vk]\nrepost_from: [district-vk, bratskoe-vk]",
    )

    (problem,) = result.errors
    assert problem.code == "repost" and "district-vk, bratskoe-vk" in problem.message


def test_a_network_without_reposts_is_a_warning_and_the_post_goes_out_there(
    make_repo: Callable[..., Path],
) -> None:
    result = check(make_repo, "networks: [ok, bratskoe-ok]\nrepost_from: district-ok")

    assert result.errors == ()
    assert found(result) == [
        (
            Severity.WARNING,
            4,
            "repost",
            "Одноклассники: репост недоступен, в bratskoe-ok пост публикуется заново.",
        )
    ]


def test_a_source_alone_on_its_network_has_nothing_to_repost_to(
    make_repo: Callable[..., Path],
) -> None:
    result = check(make_repo, "accounts: [district-vk, head-tg]\nrepost_from: district-vk")

    ((severity, _line, _code, message),) = found(result)
    assert severity is Severity.WARNING and "репостить некуда" in message


def test_an_override_for_a_reposting_account_is_said_to_be_unused(
    make_repo: Callable[..., Path],
) -> None:
    result = check(
        make_repo,
        "accounts: [district-vk, bratskoe-vk]\nrepost_from: district-vk\n"
        "overrides:\n  bratskoe-vk:\n    text: Для поселения",
    )

    ((severity, _line, _code, message),) = found(result)
    assert severity is Severity.WARNING and "bratskoe-vk не действуют" in message


def test_repost_from_must_be_names(make_repo: Callable[..., Path]) -> None:
    result = check(make_repo, "accounts: [district-vk]\nrepost_from: {a: 1}")

    assert [(d.line, d.code) for d in result.errors] == [(4, "repost_from")]
