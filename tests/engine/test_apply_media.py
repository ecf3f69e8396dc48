"""A video the network refuses while processing it: apply reports the refusal with a Russian
hint, records it, and the post is not marked published."""

from __future__ import annotations

from pathlib import Path

from conftest import Sandboxes, make_account, mp4_bytes, plan_of

from publisher.content.load import Content
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.clock import FakeClock
from publisher.core.config import Config
from publisher.core.model import Media, Post
from publisher.core.redact import Secret
from publisher.engine.apply import Applier, Outcome, Provenance
from publisher.engine.plan import PlanContext
from publisher.networks.base import Tokens
from publisher.networks.x import XAdapter
from publisher.state.result_files import ResultFiles


def test_a_video_x_will_not_process_is_reported_in_russian(
    tmp_path: Path, sandboxes: Sandboxes, clock: FakeClock
) -> None:
    """Check holds back a video it can measure; one it could not (or a limit X changed) is
    found by X's processing, and the person reads why in Russian."""
    folder = tmp_path / "content"
    folder.mkdir()
    clip = folder / "clip.mp4"
    clip.write_bytes(mp4_bytes(150))
    media = Media(clip, "content/clip.mp4", "video", size=clip.stat().st_size, root=folder)
    post = Post(
        id="katok", path="content/katok.md", title="Каток", body="Каток открыт.",
        networks=("x",), media=(media,),
    )  # fmt: skip
    account = make_account("x", account_id="42", settings={"handle": "city"})
    box = sandboxes("x")
    tokens = Tokens(Secret("sandbox-x-main", "X_TOKEN"))
    adapter = XAdapter(account, tokens, sandboxes.client(box), clock=clock)
    files = ResultFiles(tmp_path)
    caps = {"x": NETWORK_TABLE["x"].capabilities}
    plan = plan_of(
        Content((post,), (account,)),
        {post.result_file_path: files.read(post.result_file_path)},
        PlanContext(Config(), caps, clock.now()),
    )

    report = Applier(files, {"x": adapter}, clock, Provenance("abc123", ("Анна",), "PR#1")).run(
        plan
    )

    (result,) = report.results
    assert result.outcome is Outcome.FAILED
    assert result.hint == (
        "X не смог обработать файл. Видео: MP4 от 0,5 до 140 с, до 512 МБ; GIF — до 15 МБ."
    )
    assert "exceeds max duration of 2.minutes+20.seconds" in result.message
    assert files.read(post.result_file_path)["x"].state == "failed"
    assert box.show()["x"]["posts"] == []
