"""VK broadcasts through the adapter and the emulator: the key is masked from the moment the
network sends it, and handed out only as a ``Secret``."""

from __future__ import annotations

import pytest
from conftest import Sandboxes, make_account

from publisher.core.clock import FakeClock
from publisher.core.errors import Rejected
from publisher.core.model import Broadcast
from publisher.core.redact import Secret, redact
from publisher.networks.base import Tokens
from publisher.networks.vk import VkAdapter
from publisher.sandbox.app import Sandbox


@pytest.fixture
def sandbox(sandboxes: Sandboxes) -> Sandbox:
    return sandboxes("vk")


@pytest.fixture
def adapter(sandbox: Sandbox, sandboxes: Sandboxes, clock: FakeClock) -> VkAdapter:
    account = make_account("vk", account_id="123", token_env="VK_TOKEN")
    client = sandboxes.client(sandbox)
    return VkAdapter(account, Tokens(Secret("sandbox-vk-main", "VK_TOKEN")), client, clock=clock)


def the_key(sandbox: Sandbox) -> str:
    [video] = [v for v in sandbox.store.read("vk")["videos"].values() if v.get("live")]
    return str(video["stream_key"])


def test_a_broadcast_is_created_and_its_key_is_masked_everywhere(
    adapter: VkAdapter, sandbox: Sandbox
) -> None:
    broadcast = adapter.start_live("Прямой эфир", "Вопросы главе")
    assert broadcast.status == "waiting" and broadcast.url.startswith("https://vk.com/video-123_")
    key = the_key(sandbox)
    assert key not in repr(broadcast)
    assert redact(f"error: stream {key} refused") == "error: stream **** refused"
    server, secret = adapter.stream_key(broadcast)
    assert server.startswith("rtmp://") and secret.reveal() == key and key not in str(secret)


def test_status_and_end(adapter: VkAdapter, sandbox: Sandbox) -> None:
    broadcast = adapter.start_live("Эфир", "")
    sandbox.stream("vk", broadcast.video, "started")
    assert adapter.live_status(broadcast).status == "started"
    adapter.stop_live(broadcast)
    assert adapter.live_status(broadcast).status == "finished"
    with pytest.raises(Rejected):
        adapter.stream_key(broadcast)  # an ended broadcast takes no stream


def test_an_unknown_broadcast_is_refused(adapter: VkAdapter) -> None:
    with pytest.raises(Rejected):
        adapter.stop_live(Broadcast("-123_1", "https://vk.com/video-123_1"))


def test_stream_keys_written_as_settings_are_masked_even_unregistered() -> None:
    text = "stream_key: 456239017_qWeRtYuIoPaSdFgHjKlZxCvB"  # pragma: allowlist secret
    assert redact(text) == "stream_key: ****"
