"""moderation.yml and an account's own ``moderation:`` block: what they set, and every mistake
reported at its line."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

import pytest
from conftest import make_account, write_files

from publisher.core.errors import ConfigError
from publisher.moderation.rules import (
    CATEGORIES,
    DEFAULT_CATEGORIES,
    OVERRIDABLE,
    BanStep,
    CategoryRule,
    QuietHours,
    Rules,
    account_rules,
    load_rules,
    override_problems,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "publisher" / "schemas"
BASE = """categories:
  spam: {action: delete, words: [казино]}
  insult: {action: hide, fallback: delete}
allowlist: ["vk:1"]
blacklist:
  window_days: 30
  shared: [VK, telegram]
  steps:
    - {removals: 2, ban_days: 7}
quiet_hours: {start: "23:00", end: "07:00"}
"""


def rules_of(tmp_path: Path, text: str = BASE) -> Rules:
    write_files(tmp_path, {"moderation.yml": text})
    return load_rules(tmp_path)


def test_the_shared_blacklist_names_networks(tmp_path: Path) -> None:
    rules = rules_of(tmp_path)
    assert rules.shared_blacklist == frozenset({"vk", "telegram"})
    assert load_rules(tmp_path / "none").shared_blacklist == frozenset(), "none by default"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("blacklist:\n  shared: [vkontakte]\n", 2, "vkontakte"),
        ("blacklist:\n  shared: vk\n", 2, "shared"),
        ("categories:\n  spam: {}\n  politics: {action: delete}\n", 3, "politics"),
        ("categories:\n  spam:\n    action: erase\n", 3, "spam"),
        ("categories:\n  spam:\n    fallback: erase\n", 3, "spam"),
    ],
)
def test_a_mistake_in_moderation_yml_is_reported_at_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        rules_of(tmp_path, text)
    assert caught.value.message.startswith(f"moderation.yml:{line}: ")
    assert words in caught.value.message


def test_an_account_without_rules_of_its_own_has_the_repositorys(tmp_path: Path) -> None:
    base = rules_of(tmp_path)
    assert account_rules(tmp_path, base, make_account("vk")) is base


def test_an_accounts_rules_replace_what_they_name_and_keep_the_rest(tmp_path: Path) -> None:
    base = rules_of(tmp_path)
    override = {
        "categories": {"spam": {"action": "review"}, "obscene": {"words": ["словцо"]}},
        "allowlist": ["vk:2"],
        "blacklist": {"steps": [{"removals": 3}]},
        "quiet_hours": None,
    }
    rules = account_rules(tmp_path, base, make_account("vk", moderation=override))
    assert rules.rule("spam") == CategoryRule("review", "review", ("казино",))
    assert rules.rule("obscene") == CategoryRule("delete", words=("словцо",))
    assert rules.rule("insult") == base.rule("insult")
    assert rules.allowlist == frozenset({"vk:2"}), "a list is replaced, not added to"
    assert rules.ban_steps == (BanStep(3, 0),)
    assert rules.window_days == 30 and rules.quiet_hours is None
    assert rules.shared_blacklist == base.shared_blacklist
    assert base.quiet_hours == QuietHours(time(23), time(7)), "the repository's stay as they are"


def test_the_allowlist_names_a_network_or_one_account() -> None:
    rules = Rules(allowlist=frozenset({"vk:1", "bratskoe-vk:2"}))
    assert rules.allowed("vk", "district-vk", "1") and rules.allowed("vk", "bratskoe-vk", "1")
    assert rules.allowed("vk", "bratskoe-vk", "2")
    assert not rules.allowed("vk", "district-vk", "2")


ACCOUNT = """---
network: vk
id: "1002"
token_env: VK_TOKEN
moderation:
  categories:
    spam:
      action: review
      acton: keep
---
Поселение.
"""


@pytest.mark.parametrize(
    ("override", "line", "words"),
    [
        ({"recent_days": 1}, 5, "moderation.recent_days"),
        ({"categories": {"spam": {"action": "review", "acton": "keep"}}}, 9, "acton"),
        ({"blacklist": {"shared": []}}, 5, "moderation.blacklist.shared"),
        ({"blacklist": {"steps": [{"removals": 2, "ban_dys": 7}]}}, 5, "ban_dys"),
        ({"categories": {"spam": {"action": "erase"}}}, 8, "spam"),
        ({"categories": ["spam"]}, 6, "categories"),
        ({"allowlist": "vk:1"}, 5, "allowlist"),
        ({"blacklist": {"window_days": "месяц"}}, 5, "месяц"),
    ],
)
def test_an_override_with_anything_unknown_or_wrong_is_refused_at_its_line(
    tmp_path: Path, override: dict[str, object], line: int, words: str
) -> None:
    write_files(tmp_path, {"accounts/settlements/bratskoe-vk.md": ACCOUNT})
    account = make_account(
        "vk",
        name="bratskoe-vk",
        path="accounts/settlements/bratskoe-vk.md",
        moderation=override,
        lines={"moderation": 5},
    )
    with pytest.raises(ConfigError) as caught:
        account_rules(tmp_path, Rules(categories=DEFAULT_CATEGORIES), account)
    message = caught.value.message
    assert message.startswith(f"accounts/settlements/bratskoe-vk.md:{line}: ")
    assert "Правила модерации аккаунта" in message and words in message
    (problem,) = override_problems(tmp_path, [make_account("ok"), account])
    assert (problem.path, problem.line, problem.code) == (account.path, line, "account-moderation")
    assert problem.is_error


def test_an_override_problem_in_a_file_that_changed_since_is_placed_at_its_block(
    tmp_path: Path,
) -> None:
    account = make_account("vk", moderation={"recent_days": 1}, lines={"moderation": 6})
    (problem,) = override_problems(tmp_path, [account])  # the file is not there any more
    assert problem.line == 6


def test_the_account_schema_allows_what_an_override_may_set() -> None:
    schema = json.loads((SCHEMAS / "account.schema.json").read_text(encoding="utf-8"))
    block = schema["properties"]["moderation"]
    assert set(block["properties"]) == set(OVERRIDABLE)
    assert set(block["properties"]["categories"]["properties"]) == set(CATEGORIES)
    assert set(schema["$defs"]["category"]["properties"]) == set(OVERRIDABLE["categories"]["spam"])
    blacklist = block["properties"]["blacklist"]["properties"]
    assert set(blacklist) == set(OVERRIDABLE["blacklist"])
    assert set(blacklist["steps"]["items"]["properties"]) == set(
        OVERRIDABLE["blacklist"]["steps"][0]
    )
    assert set(block["properties"]["quiet_hours"]["properties"]) == set(OVERRIDABLE["quiet_hours"])
