"""The capability table is the one source of every network's title and abilities."""

from __future__ import annotations

import subprocess
import sys

import pytest

from publisher.core.capabilities import NETWORK_TABLE, all_capabilities, network_title
from publisher.networks import ADAPTERS, NETWORKS, adapter_class


def test_the_table_lists_every_adapter_in_the_registry_order() -> None:
    assert tuple(NETWORK_TABLE) == tuple(ADAPTERS) == NETWORKS


@pytest.mark.parametrize("network", NETWORK_TABLE)
def test_each_adapter_takes_its_title_and_capabilities_from_the_table(network: str) -> None:
    cls = adapter_class(network)
    assert cls.title == NETWORK_TABLE[network].title
    assert cls.capabilities is NETWORK_TABLE[network].capabilities
    assert all_capabilities()[network] is cls.capabilities


def test_a_title_is_the_name_people_know_and_an_unknown_network_keeps_its_own() -> None:
    assert network_title("vk") == "ВКонтакте"
    assert network_title("x") == "X (бывший Twitter)"
    assert network_title("myspace") == "myspace"


def test_titles_and_limits_are_read_without_loading_an_adapter() -> None:
    script = (
        "import sys\n"
        "from publisher.commands.docs import capability_table\n"
        "from publisher.content.render import counter\n"
        "from publisher.reports import monthly, site\n"
        "capability_table(), counter('x_weighted')('x'), monthly.network_title('ok')\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(run.stdout.split())
    assert "publisher.reports.site" in loaded
    assert loaded.isdisjoint(ADAPTERS[name].partition(":")[0] for name in ADAPTERS)
