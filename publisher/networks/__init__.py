"""The explicit registry of network adapters: one module per network."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publisher.networks.base import Adapter

#: network name -> "module:Class"; imported on first use so ``publisher --help`` stays fast
ADAPTERS: dict[str, str] = {
    "vk": "publisher.networks.vk:VkAdapter",
    "telegram": "publisher.networks.telegram:TelegramAdapter",
    "ok": "publisher.networks.ok:OkAdapter",
    "max": "publisher.networks.max:MaxAdapter",
    "facebook": "publisher.networks.facebook:FacebookAdapter",
    "instagram": "publisher.networks.instagram:InstagramAdapter",
    "x": "publisher.networks.x:XAdapter",
}

NETWORKS: tuple[str, ...] = tuple(ADAPTERS)


def adapter_class(network: str) -> type[Adapter]:
    """The adapter class of ``network`` (a name from ``ADAPTERS``)."""
    module_name, _, class_name = ADAPTERS[network].partition(":")
    cls: type[Adapter] = getattr(importlib.import_module(module_name), class_name)
    return cls
