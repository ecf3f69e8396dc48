"""A video's play time against each network's limits: too long or too short for one network
holds the post back there alone; a length that cannot be read is left to the network."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_CONFIG, INSTAGRAM_ACCOUNT, mp4_bytes

from publisher.content.check import duration_label
from publisher.content.load import video_seconds
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import Diagnostic
from publisher.engine.workspace import open_workspace

X_ACCOUNT = "---\nnetwork: x\nid: '1'\ntoken_env: X_TOKEN\n---\nНовости.\n"
CONFIG = BASE_CONFIG + "media_base_url: https://city.example/\n"


def post(networks: str, video: str = "clip.mp4") -> str:
    return (
        f"---\ntitle: Видео\nnetworks: [{networks}]\nmedia:\n  - {video}\n---\n\n"
        "Репортаж с открытия катка.\n"
    )


def checked(make_repo: Callable[..., Path], networks: str, video: bytes):  # type: ignore[no-untyped-def]
    """The held-back view and the errors of a post with one video ``clip.mp4``."""
    repo = make_repo(
        {
            "publisher.yml": CONFIG,
            "accounts/x.md": X_ACCOUNT,
            "accounts/instagram.md": INSTAGRAM_ACCOUNT,
            "content/p/index.md": post(networks),
            "content/p/clip.mp4": video,
        }
    )
    ws = open_workspace(repo)
    content = ws.load()
    result = ws.check(content)
    errors: list[Diagnostic] = [d for d in result.diagnostics if d.is_error]
    return content.holding_back(result.errors), errors


def test_a_video_too_long_for_x_holds_the_post_back_on_x_alone(
    make_repo: Callable[..., Path],
) -> None:
    held, errors = checked(make_repo, "vk, telegram, x", mp4_bytes(155))

    (error,) = errors
    assert (error.code, error.path, error.line, error.targets) == (
        "media-duration",
        "content/p/index.md",
        5,  # the line of the video under media:
        ("x",),
    )
    assert error.message == (
        "Видео «clip.mp4» длится 2 мин 35 с, а X (бывший Twitter) принимает видео не длиннее "
        "2 мин 20 с."
    )
    assert error.hint == "Обрежьте видео до 2 мин 20 с или уберите x из списка networks: поста."
    (p,) = held.posts
    assert held.held(p, "x") and "2 мин 35 с" in (held.held(p, "x") or "")
    assert held.held(p, "vk") is None and held.held(p, "telegram") is None


def test_a_minute_long_video_goes_everywhere(make_repo: Callable[..., Path]) -> None:
    held, errors = checked(make_repo, "vk, telegram, x, instagram", mp4_bytes(60))

    assert errors == []
    (p,) = held.posts
    assert (p.media[0].seconds, held.broken_posts) == (60.0, frozenset())


def test_a_two_second_reel_is_held_back_on_instagram(make_repo: Callable[..., Path]) -> None:
    held, errors = checked(make_repo, "vk, x, instagram", mp4_bytes(2))

    (error,) = errors
    assert (error.code, error.targets) == ("media-duration", ("instagram",))
    assert error.message == (
        "Видео «clip.mp4» длится 2 с, а Instagram принимает видео не короче 3 с."
    )
    assert "уберите instagram из списка networks:" in error.hint
    (p,) = held.posts
    assert held.held(p, "instagram") and held.held(p, "x") is None


def test_x_refuses_a_video_under_half_a_second(make_repo: Callable[..., Path]) -> None:
    _held, errors = checked(make_repo, "vk, x", mp4_bytes(0.4))

    (error,) = errors
    assert error.targets == ("x",)
    assert error.message.startswith("Видео «clip.mp4» длится 0,4 с")
    assert error.message.endswith("не короче 0,5 с.")


@pytest.mark.parametrize(
    "video",
    [
        b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100,  # no moov: the length is not stated
        mp4_bytes(150)[:40],  # cut inside mvhd
        mp4_bytes(150, timescale=0),  # a zero timescale: mutagen divides by it
        mp4_bytes(0),  # a fragmented file's header says 0
    ],
    ids=["no-moov", "truncated", "zero-timescale", "zero-length"],
)
def test_a_video_whose_length_cannot_be_read_passes(
    make_repo: Callable[..., Path], video: bytes
) -> None:
    held, errors = checked(make_repo, "vk, x, instagram", video)

    assert errors == [], "the network judges it, as before lengths were read"
    (p,) = held.posts
    assert p.media[0].seconds is None


def test_a_file_that_is_no_video_is_refused_as_before(make_repo: Callable[..., Path]) -> None:
    _held, errors = checked(make_repo, "vk, x", b"not a video at all")

    assert [e.code for e in errors] == ["media-content"]


def test_only_videos_have_a_length(tmp_path: Path) -> None:
    path = tmp_path / "a.mp4"
    path.write_bytes(mp4_bytes(12.25))
    assert video_seconds(path) == 12.25
    assert video_seconds(tmp_path / "missing.mp4") is None
    (tmp_path / "a.webm").write_bytes(b"\x1aE\xdf\xa3" + b"\x00" * 60)
    assert video_seconds(tmp_path / "a.webm") is None
    path.write_bytes(mp4_bytes((2**32 - 1) / 1000))  # the header's "unknown": all ones
    assert video_seconds(path) is None


@pytest.mark.parametrize(
    ("seconds", "rounding", "spoken"),
    [
        (155, round, "2 мин 35 с"),
        (140.04, math.ceil, "2 мин 20,1 с"),  # never shown equal to the limit it breaks
        (2.99, math.floor, "2,9 с"),
        (0.5, round, "0,5 с"),
        (0, round, "0 с"),
        (15 * 60, round, "15 мин"),
        (240 * 60, round, "4 ч"),
        (3 * 3600 + 61, round, "3 ч 1 мин 1 с"),
    ],
)
def test_durations_are_said_the_way_people_say_them(
    seconds: float, rounding: Callable[[float], int], spoken: str
) -> None:
    assert duration_label(seconds, rounding) == spoken


def test_the_limits_are_those_the_networks_state() -> None:
    video = {name: spec.capabilities.media["video"] for name, spec in NETWORK_TABLE.items()}
    limits = {name: (rules.min_seconds, rules.max_seconds) for name, rules in video.items()}

    assert limits == {
        "vk": (0.0, 0.0),
        "telegram": (0.0, 0.0),
        "ok": (0.0, 0.0),
        "max": (0.0, 0.0),
        "facebook": (0.0, 240 * 60.0),
        "instagram": (3.0, 15 * 60.0),
        "x": (0.5, 140.0),
    }
