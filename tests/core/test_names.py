"""How the reports name an account: by its network alone unless the network has several."""

from __future__ import annotations

from conftest import make_account

from publisher.core.names import AccountNames

DISTRICT = make_account("vk", name="district-vk", title="Администрация района", default=True)
SETTLEMENT = make_account("vk", name="bratskoe-vk", title="")
CHANNEL = make_account("telegram", name="head-tg", title="Глава района")


def test_a_network_with_one_account_is_named_alone_whatever_the_file_is_called() -> None:
    names = AccountNames([make_account("vk", name="district", title="Район"), CHANNEL])
    assert names.title("vk", "district") == "ВКонтакте"
    assert names.title("telegram", "head-tg") == "Telegram"
    assert names.suffix("vk", "vk") == "", "a network named with no account file"


def test_each_account_of_a_network_with_several_is_named_by_its_title_or_its_name() -> None:
    names = AccountNames([DISTRICT, SETTLEMENT, CHANNEL])
    assert names.title("vk", "district-vk") == "ВКонтакте · Администрация района"
    assert names.title("vk", "bratskoe-vk") == "ВКонтакте · bratskoe-vk", "no title: the name"
    assert names.title("telegram", "head-tg") == "Telegram"


def test_an_account_whose_file_is_gone_is_named_by_its_name() -> None:
    names = AccountNames([DISTRICT])
    assert names.title("vk", "old-settlement") == "ВКонтакте · old-settlement"
    assert names.title("vk", "") == "ВКонтакте", "an old entry naming no account"
    assert AccountNames([]).title("ok", "ok") == "Одноклассники"
