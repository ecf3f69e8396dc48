"""Peak memory of a large video upload through each network's chunked or resumable flow.

Each network runs in a fresh process: a sparse video file of the network's size (1 GB where
the network takes it, else just under its limit) is published through the adapter against the
in-process sandbox, and the process's peak resident memory is read from ``getrusage``. The
sandbox writes the upload to disk as it arrives, so both sides must stream.

    python bench/video_upload.py            # every network
    python bench/video_upload.py vk x       # some
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: an ISO media file starts with its ``ftyp`` box
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
GB = 1024**3
MB = 1024**2
ROOT = Path(__file__).resolve().parent.parent
#: largest file each network takes, capped at 1 GB
SIZES = {
    "vk": GB,
    "ok": GB,
    "facebook": GB,
    "x": 500 * MB,
    "instagram": 290 * MB,
    "max": 240 * MB,
    "telegram": 49 * MB,
}


def upload(network: str, size: int) -> dict[str, float]:
    """Publish one video post of ``size`` bytes to ``network``; return seconds and peak MB."""
    import httpx

    from publisher.content.load import load_account
    from publisher.core.clock import FakeClock
    from publisher.core.model import Media, RenderedPost
    from publisher.engine.runtime import read_tokens
    from publisher.networks import adapter_class
    from publisher.sandbox.app import Sandbox

    account, _problems = load_account(ROOT, ROOT / "accounts" / f"{network}.md", (network,))
    assert account is not None
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "video.mp4"
        with open(video, "wb") as handle:
            handle.write(MP4_HEADER)  # what the emulators sniff; the rest is a sparse hole
            handle.truncate(size)
        clock = FakeClock()
        sandbox = Sandbox(Path(tmp) / "state", clock=clock)
        media = Media(path=video, rel="content/video.mp4", kind="video", size=size)
        post = RenderedPost("bench", network, ("Видео с праздника",), media=(media,))
        tokens = read_tokens(account, {}, sandbox=True)
        start = time.perf_counter()
        with httpx.Client(transport=sandbox.transport()) as http:
            adapter = adapter_class(network)(account, tokens, http, clock=clock)
            adapter.publish(post, "bench-key")
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"bytes": size, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1)}


def main(networks: list[str]) -> None:
    results = {}
    for network in networks or list(SIZES):
        out = subprocess.run(
            [sys.executable, __file__, "--one", network],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            results[network] = {"error": out.stderr.strip().splitlines()[-1:]}
        else:
            results[network] = json.loads(out.stdout)
        print(network, results[network], flush=True)
    path = ROOT / "bench" / "results.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing["video_upload"] = results
    path.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(upload(sys.argv[2], SIZES[sys.argv[2]])))
    else:
        main(sys.argv[1:])
