"""Result files: entries written before accounts were named are filed under the account."""

from __future__ import annotations

from pathlib import Path

from publisher.core.model import ResultEntry
from publisher.state.result_files import ResultFiles, with_aliases

ALIASES = {"vk": "district-vk"}


def entry(network: str, remote_id: str, account: str = "") -> ResultEntry:
    return ResultEntry(network=network, state="published", account=account, remote_id=remote_id)


def test_an_old_entry_goes_under_its_networks_default_account() -> None:
    old = entry("vk", "1")
    other = entry("telegram", "2")

    found = with_aliases({"vk": old, "telegram": other}, ALIASES)

    assert found == {"district-vk": old, "telegram": other}


def test_an_entry_the_account_has_under_its_own_name_wins_over_an_old_one() -> None:
    old, new = entry("vk", "1"), entry("vk", "9", account="district-vk")

    assert with_aliases({"vk": old, "district-vk": new}, ALIASES) == {"district-vk": new}
    assert with_aliases({"district-vk": new, "vk": old}, ALIASES) == {"district-vk": new}


def test_entries_naming_their_account_or_another_key_stay_where_they_are() -> None:
    named = entry("vk", "1", account="vk")
    keyed = entry("vk", "2", account="bratskoe-vk")

    found = with_aliases({"vk": named, "bratskoe-vk": keyed}, ALIASES)

    assert found == {"vk": named, "bratskoe-vk": keyed}


def test_recording_rewrites_an_old_entry_under_the_account(tmp_path: Path) -> None:
    files = ResultFiles(tmp_path, ALIASES)
    plain = ResultFiles(tmp_path)
    plain.record("post.published.yml", "post", entry("vk", "1"))

    files.record("post.published.yml", "post", entry("vk", "1", account="district-vk"))

    assert list(plain.read("post.published.yml")) == ["district-vk"]
