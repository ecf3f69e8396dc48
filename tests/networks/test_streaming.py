"""Large media goes out in chunks: memory stays flat whatever the file size (every adapter)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from conftest import Sandboxes, make_account

from publisher.core.clock import FakeClock
from publisher.core.model import Media, RenderedPost
from publisher.engine.runtime import read_tokens, sandbox_token
from publisher.networks import NETWORKS, adapter_class

MB = 1024 * 1024
VIDEO_SIZE = 40 * MB  # within every network's video limit (Telegram: 50 MB)
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
ACCOUNT_IDS = {
    "vk": "1001",
    "telegram": "@news",
    "ok": "70000000000001",
    "max": "-7000001",
    "facebook": "1000001",
    "instagram": "17841400000000001",
    "x": "1600000001",
}


@pytest.mark.parametrize("network", NETWORKS)
def test_video_upload_keeps_memory_flat(
    network: str, tmp_path: Path, clock: FakeClock, sandboxes: Sandboxes
) -> None:
    video = tmp_path / "video.mp4"
    with open(video, "wb") as handle:
        handle.write(MP4_HEADER)
        handle.truncate(VIDEO_SIZE)
    extras = {"ok": {"app_secret": "OK_APP_SECRET"}}.get(network, {})
    settings = {"ok": {"application_key": "SANDBOXKEY"}}.get(network, {})
    account = make_account(
        network, account_id=ACCOUNT_IDS[network], extra_token_envs=extras, settings=settings
    )
    tokens = read_tokens(account, {}, sandbox=True)
    assert tokens.main.reveal() == sandbox_token(network, "main")
    post = RenderedPost(
        "p",
        network,
        ("Видео",),
        media=(Media(video, "content/video.mp4", "video", size=VIDEO_SIZE),),
    )
    adapter = adapter_class(network)(account, tokens, sandboxes.client(sandboxes()), clock=clock)
    tracemalloc.start()
    try:
        adapter.publish(post, "key")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MB, f"{network}: {peak / MB:.1f} MB held for a {VIDEO_SIZE // MB} MB file"
