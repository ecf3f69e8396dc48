"""Broadcasts at apply time, against the sandbox: created once, linked from the announcement,
followed to their end; the stream key reaches only the broadcaster's terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import Publisher

from publisher.cli import Deps, main
from publisher.sandbox.vk import VkApiError, VkEmulator

LIVE_POST = """---
title: Прямой эфир с главой района
networks: [vk, telegram]
live:
  starts: 2026-12-10 18:00
---

В среду в 18:00 глава района ответит на вопросы жителей в прямом эфире.
"""
LIVE_FILE = "live/2026/12/efir.yml"


def live_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"content/2026/12/efir.md": LIVE_POST})


def broadcasts(repo: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((repo / LIVE_FILE).read_text(encoding="utf-8"))["broadcasts"]


def stream_keys(run: Publisher) -> list[str]:
    state = run.sandboxes().store.read("vk")
    return [v["stream_key"] for v in state.get("videos", {}).values() if v.get("live")]


def test_apply_creates_the_broadcast_once_and_the_announcement_links_to_it(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = live_repo(make_repo)
    run = publisher(repo)
    checked = run("check")
    assert "У сети Telegram нет API для трансляций" in checked.output
    result = run("apply")
    assert result.exit_code == 0, result.output
    [vk] = broadcasts(repo).values()
    assert vk["status"] == "waiting" and vk["url"].startswith("https://vk.com/video-1001_")
    [post] = run.feed("vk")
    assert post["text"].endswith(f"Прямой эфир: {vk['url']}")
    assert "Прямой эфир:" not in run.feed("telegram")[0]["text"]
    again = run("apply")
    assert again.exit_code == 0
    assert len(stream_keys(run)) == 1  # no second broadcast
    assert "Нечего публиковать" in again.output  # the link does not read as a change


def test_the_stream_key_goes_nowhere_but_the_terminal_of_live_key(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = live_repo(make_repo)
    run = publisher(repo)
    applied = run("apply")
    [key] = stream_keys(run)
    history = run.git("log", "-p", "--all") + run.git("status", "--porcelain")
    files = b"".join(p.read_bytes() for p in repo.rglob("*") if p.is_file())
    assert key not in applied.output and key not in history
    assert key.encode() not in files
    shown = run("live", "key", "2026/12/efir")
    assert shown.exit_code == 0, shown.output
    assert key in shown.output and "rtmp://" in shown.output
    assert key.encode() not in b"".join(p.read_bytes() for p in repo.rglob("*") if p.is_file())


@pytest.mark.parametrize("marker", ["CI", "GITHUB_ACTIONS", "GITLAB_CI"])
def test_live_key_refuses_to_print_into_a_ci_log(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher], marker: str
) -> None:
    repo = live_repo(make_repo)
    run = publisher(repo)
    run("apply")
    [key] = stream_keys(run)
    args = ["--repo", str(repo), "--sandbox", str(run.state), "live", "key", "2026/12/efir"]
    result = CliRunner().invoke(main, args, obj=Deps(run.clock, {marker: "true"}))
    assert result.exit_code == 1
    assert key not in result.output and "в CI не показывается" in result.output


def test_the_end_of_a_broadcast_is_recorded_by_the_next_apply(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = live_repo(make_repo)
    run = publisher(repo)
    run("apply")
    [vk] = broadcasts(repo).values()
    video = vk["video"]
    run.sandboxes().stream("vk", video, "started")
    run.clock.advance(3600)
    assert run("apply").exit_code == 0
    assert broadcasts(repo)["vk"]["status"] == "started"
    done = run("live", "done", "2026/12/efir")
    assert done.exit_code == 0, done.output
    assert run.git("status", "--porcelain") == ""  # live done writes nothing itself
    result = run("apply")
    assert result.exit_code == 0
    ended = broadcasts(repo)["vk"]
    assert ended["status"] == "finished" and ended["ended"]
    assert "закончилась" in result.output
    assert run.git("status", "--porcelain") == ""
    run("apply")
    assert broadcasts(repo)["vk"] == ended  # not asked again


def test_a_broadcast_that_cannot_be_created_holds_the_announcement_there(
    make_repo: Callable[..., Path],
    publisher: Callable[[Path], Publisher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = live_repo(make_repo)
    run = publisher(repo)

    def refuse(self: VkEmulator, call: object) -> None:
        raise VkApiError(9, "Flood control")

    monkeypatch.setattr(VkEmulator, "video_start_streaming", refuse)
    result = run("apply")
    assert result.exit_code == 3, result.output
    assert run.feed("vk") == [] and len(run.feed("telegram")) == 1
    assert not (repo / LIVE_FILE).exists()
    monkeypatch.undo()
    run.clock.advance(3600)
    assert run("apply").exit_code == 0
    assert "Прямой эфир: https://vk.com/video" in run.feed("vk")[0]["text"]


def test_live_key_before_any_broadcast_and_for_an_unknown_post(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = publisher(live_repo(make_repo))
    assert run("live", "key", "2026/12/efir").exit_code == 1
    assert run("live", "key", "net-takogo").exit_code == 1


def test_a_repost_of_the_announcement_makes_no_broadcast_of_its_own(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    account = "---\nnetwork: vk\nid: '{id}'\ntoken_env: VK_USER_TOKEN\n{extra}---\nСообщество.\n"
    post = LIVE_POST.replace(
        "networks: [vk, telegram]\n",
        "accounts: [district-vk, bratskoe-vk]\nrepost_from: [district-vk]\n",
    )
    repo = make_repo(
        {
            "accounts/district-vk.md": account.format(id="1001", extra="default: true\n"),
            "accounts/bratskoe-vk.md": account.format(id="1002", extra=""),
            "content/2026/12/efir.md": post,
        },
        accounts=False,
    )
    run = publisher(repo)
    result = run("apply")
    assert result.exit_code == 0, result.output
    assert list(broadcasts(repo)) == ["district-vk"]
    assert len(stream_keys(run)) == 1
