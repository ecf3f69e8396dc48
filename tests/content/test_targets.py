"""Where posts go: several accounts on one network, named by account, network or group."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_files

from publisher.content.load import Content, load_content
from publisher.content.render import render_post
from publisher.core.capabilities import all_capabilities
from publisher.core.config import Config, load_config
from publisher.networks import NETWORKS


def account(network: str, account_id: str, *extra: str) -> str:
    lines = [
        f"network: {network}",
        f'id: "{account_id}"',
        f"token_env: {network.upper()}_T",
        *extra,
    ]
    return "---\n" + "\n".join(lines) + "\n---\nОписание.\n"


ACCOUNTS = {
    "accounts/district-vk.md": account("vk", "1001", "default: true"),
    "accounts/settlements/bratskoe-vk.md": account("vk", "1002"),
    "accounts/settlements/olginskoe-vk.md": account("vk", "1003"),
    "accounts/head-tg.md": account("telegram", "@head"),
}
GROUPS = (
    "groups:\n  settlements: [bratskoe-vk, olginskoe-vk]\n  everyone: [settlements, district-vk]\n"
)


def post(head: str, body: str = "Текст поста.") -> str:
    return f"---\ntitle: Пост\n{head}\n---\n{body}\n"


def load(tmp_path: Path, files: dict[str, str]) -> Content:
    write_files(tmp_path, {"publisher.yml": GROUPS, **ACCOUNTS, **files})
    config, problems = load_config(tmp_path)
    assert problems == []
    return load_content(tmp_path, config, NETWORKS)


def names(content: Content, path: str = "content/p.md") -> list[str]:
    found = next(p for p in content.posts if p.path == path)
    return [t.name for t in content.targets_of(found)]


def errors(content: Content) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.code) for d in content.diagnostics if d.is_error]


def test_a_network_means_its_default_account(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/p.md": post("networks: [vk, telegram]")})

    assert names(content) == ["district-vk", "head-tg"]
    assert errors(content) == []


def test_accounts_are_named_by_file_name_in_subfolders_too(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/p.md": post("accounts: [bratskoe-vk, head-tg]")})

    assert names(content) == ["bratskoe-vk", "head-tg"]
    assert {a.name: a.path for a in content.accounts}["bratskoe-vk"] == (
        "accounts/settlements/bratskoe-vk.md"
    )


def test_accounts_alone_do_not_add_the_default_networks(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/p.md": post("accounts: [olginskoe-vk]")})

    assert names(content) == ["olginskoe-vk"]


def test_groups_expand_in_either_list_and_each_account_goes_once(tmp_path: Path) -> None:
    content = load(
        tmp_path,
        {
            "content/p.md": post("networks: [vk]\naccounts: [everyone, bratskoe-vk]"),
            "content/q.md": post("networks: [settlements]"),
        },
    )

    assert names(content) == ["district-vk", "bratskoe-vk", "olginskoe-vk"]
    assert names(content, "content/q.md") == ["bratskoe-vk", "olginskoe-vk"]


def test_a_loop_of_groups_ends(tmp_path: Path) -> None:
    write_files(tmp_path, {"publisher.yml": "groups:\n  a: [b]\n  b: [a, vk]\n"})
    config, _problems = load_config(tmp_path)
    write_files(tmp_path, {**ACCOUNTS, "content/p.md": post("accounts: [a]")})

    content = load_content(tmp_path, config, NETWORKS)

    assert names(content) == ["district-vk"]


def test_an_unknown_name_is_an_error_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/p.md": post("networks: [vk]\naccounts: [bratskoe-kv]")})

    [problem] = [d for d in content.diagnostics if d.is_error]
    assert (problem.line, problem.code) == (4, "unknown-network")
    assert "bratskoe-vk" in problem.hint
    assert "content/p.md" in content.broken_posts


def test_each_post_naming_an_unknown_name_is_told_at_its_own_line(tmp_path: Path) -> None:
    """A name's meaning is worked out once for all posts, but only where it is one: a name
    that means nothing is an error in every post that uses it."""
    content = load(
        tmp_path,
        {
            "content/a.md": post("accounts: [bratskoe-kv]"),
            "content/b.md": post("networks: [vk]\naccounts: [district-vk, bratskoe-kv]"),
            "content/c.md": post("accounts: [district-vk]"),
        },
    )

    assert errors(content) == [
        ("content/a.md", 3, "unknown-network"),
        ("content/b.md", 4, "unknown-network"),
    ]
    assert names(content, "content/b.md") == names(content, "content/c.md") == ["district-vk"]


def test_a_network_with_several_accounts_and_no_default_is_ambiguous(tmp_path: Path) -> None:
    files = {**ACCOUNTS, "accounts/district-vk.md": account("vk", "1001")}
    write_files(tmp_path, {**files, "content/p.md": post("networks: [vk]")})

    content = load_content(tmp_path, Config(), NETWORKS)

    [problem] = [d for d in content.diagnostics if d.is_error]
    assert (problem.path, problem.line, problem.code) == ("content/p.md", 3, "ambiguous-account")
    assert "district-vk" in problem.message and "default: true" in problem.hint
    assert "content/p.md" in content.broken_posts


def test_one_account_per_network_works_as_before(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "accounts/vk.md": account("vk", "1"),
            "accounts/telegram.md": account("telegram", "@c"),
            "content/p.md": post("networks: [vk, telegram, ok]"),
        },
    )

    content = load_content(tmp_path, Config(), NETWORKS)

    targets = content.targets_of(content.posts[0])
    assert [(t.name, t.network, t.account is not None) for t in targets] == [
        ("vk", "vk", True),
        ("telegram", "telegram", True),
        ("ok", "ok", False),  # no account file: the plan says so
    ]


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (
            {"accounts/a/x.md": account("vk", "1"), "accounts/b/x.md": account("vk", "2")},
            "duplicate-account",
        ),
        (
            {
                "accounts/x.md": account("vk", "1", "default: true"),
                "accounts/y.md": account("vk", "2", "default: true"),
            },
            "duplicate-account",
        ),
        ({"accounts/x.md": account("vk", "1", "default: yes please")}, "default"),
    ],
)
def test_account_files_that_contradict_each_other(
    tmp_path: Path, files: dict[str, str], code: str
) -> None:
    write_files(tmp_path, files)

    content = load_content(tmp_path, Config(), NETWORKS)

    assert code in [d.code for d in content.diagnostics if d.is_error]


def test_a_group_named_like_an_account_is_an_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"publisher.yml": "groups:\n  head-tg: [district-vk]\n"})

    content = load(tmp_path, {"publisher.yml": "groups:\n  head-tg: [district-vk]\n"})

    assert ("publisher.yml", 1, "groups") in errors(content)


def test_an_account_override_wins_over_the_network_override(tmp_path: Path) -> None:
    head = (
        "accounts: [district-vk, bratskoe-vk]\noverrides:\n  vk:\n    text: Для района.\n"
        "  bratskoe-vk:\n    text: Для Братского.\n"
    )
    content = load(tmp_path, {"content/p.md": post(head)})
    caps = all_capabilities()["vk"]
    [found] = content.posts

    district = render_post(found, "vk", caps, None, "district-vk")
    bratskoe = render_post(found, "vk", caps, None, "bratskoe-vk")

    assert district.text == "Для района." and bratskoe.text == "Для Братского."
    assert district.source_hash != bratskoe.source_hash
    assert errors(content) == []


def test_an_override_for_no_network_or_account_is_an_error(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/p.md": post("networks: [vk]\noverrides:\n  vkk: Текст\n")})

    assert [code for _path, _line, code in errors(content)] == ["unknown-network"]
