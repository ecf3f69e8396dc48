"""Apply under real limits: Instagram's containers made ahead, budgets that leave the rest.

End to end through the CLI on the sandbox with a fake clock: nothing waits on the wall clock,
and the sandbox keeps the truth about what was posted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import VK_ACCOUNT, Sandboxes, jpeg_bytes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.networks.instagram import InstagramAdapter
from publisher.sandbox import x as x_emulator
from publisher.sandbox.vk import VkEmulator
from publisher.state.result_files import ResultFiles

IG_USER = "17841400000000001"
ACCOUNT_FILES = {
    "accounts/instagram.md": (
        f'---\nnetwork: instagram\nid: "{IG_USER}"\ntoken_env: INSTAGRAM_TOKEN\n---\nАккаунт\n'
    ),
    "accounts/vk.md": VK_ACCOUNT,
    "accounts/x.md": '---\nnetwork: x\nid: "1600000000000000001"\ntoken_env: X_TOKEN\n---\nX\n',
}
CONFIG = "timezone: Europe/Moscow\nmedia_base_url: https://city.example/media/\n"


def caption(n: int) -> str:
    return f"Новость номер {n}."


def post_files(count: int, networks: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for n in range(count):
        files[f"content/p{n:02d}/index.md"] = (
            f"---\ntitle: Новость {n}\nnetworks: [{networks}]\nmedia: [photo.jpg]\n---\n\n"
            f"{caption(n)}\n"
        )
        files[f"content/p{n:02d}/photo.jpg"] = jpeg_bytes(1080, 1080)
    return files


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Iterator[Callable[[int, str], Path]]:
    def build(count: int, networks: str) -> Path:
        files = {"publisher.yml": CONFIG, **ACCOUNT_FILES, **post_files(count, networks)}
        return make_repo(files, accounts=False)

    yield build


def apply(repo: Path, state: Path, clock: FakeClock, *args: str) -> Result:
    argv = ["--repo", str(repo), "--sandbox", str(state), "--lang", "en", "apply", *args]
    return CliRunner().invoke(main, argv, obj=Deps(clock, {}))


def instagram_media(sandboxes: Sandboxes) -> list[dict[str, Any]]:
    """Published media in the order they were published."""
    media = sandboxes().store.read("instagram").get("media", {})
    return sorted(media.values(), key=lambda m: int(m["id"]))


def test_instagram_publishes_each_post_once_in_order_with_containers_made_ahead(
    repo: Callable[[int, str], Path], sandboxes: Sandboxes, clock: FakeClock
) -> None:
    state = sandboxes.state
    result = apply(repo(6, "instagram"), state, clock, "--no-commit")
    assert result.exit_code == 0, result.output
    media = instagram_media(sandboxes)
    assert [m["caption"] for m in media] == [caption(n) for n in range(6)]
    containers = sandboxes().store.read("instagram")["containers"]
    # the second post's container was made before the first post was published
    second = next(c for c in containers.values() if c.get("caption") == caption(1))
    assert int(second["id"]) < int(media[0]["id"])
    assert len(containers) == 6


class Crash(BaseException):
    """The process dies here (as with SIGKILL): nothing after it runs."""


def test_crash_after_containers_were_made_ahead_does_not_post_twice(
    repo: Callable[[int, str], Path],
    sandboxes: Sandboxes,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, root = sandboxes.state, repo(6, "instagram")
    original = InstagramAdapter._reference
    published: list[str] = []

    def dies_after_the_third(self: InstagramAdapter, media_id: str) -> Any:
        published.append(media_id)
        if len(published) == 3:
            raise Crash  # the third post is live, its result is not recorded
        return original(self, media_id)

    monkeypatch.setattr(InstagramAdapter, "_reference", dies_after_the_third)
    with pytest.raises(Crash):
        apply(root, state, clock, "--no-commit")
    monkeypatch.setattr(InstagramAdapter, "_reference", original)
    assert len(instagram_media(sandboxes)) == 3

    result = apply(root, state, clock)
    assert result.exit_code == 0, result.output
    assert "found on the network after an interrupted run" in result.output
    captions = Counter(m["caption"] for m in instagram_media(sandboxes))
    assert captions == Counter(caption(n) for n in range(6))


def test_spent_publishing_limit_leaves_the_rest_for_the_next_run(
    repo: Callable[[int, str], Path], sandboxes: Sandboxes, clock: FakeClock
) -> None:
    state, root = sandboxes.state, repo(5, "instagram")
    earlier = clock.now().timestamp() - 3600
    with sandboxes().store.transaction("instagram") as sandbox_state:
        sandbox_state["publishes"] = {IG_USER: [earlier] * 48}  # 48 of 50 used in 24 h

    first = apply(root, state, clock)
    assert first.exit_code == 3, first.output
    assert "publishing quota used: 50 of 50 posts in 24 h" in first.output
    assert [m["caption"] for m in instagram_media(sandboxes)] == [caption(0), caption(1)]
    assert clock.monotonic() < 3600  # nobody waited for the quota

    result_files = ResultFiles(root)
    left = [
        result_files.read(f"content/p{n:02d}/published.yml").get("instagram") for n in (2, 3, 4)
    ]
    assert left == [None, None, None]  # no intent: nothing to look for next time

    clock.advance(24 * 3600)
    second = apply(root, state, clock)
    assert second.exit_code == 0, second.output
    captions = Counter(m["caption"] for m in instagram_media(sandboxes))
    assert captions == Counter(caption(n) for n in range(5))


def test_spent_x_window_leaves_the_rest_without_uploading_their_media(
    repo: Callable[[int, str], Path],
    sandboxes: Sandboxes,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(x_emulator.LIMITS, "tweets_create", 2)  # 2 posts a 15-minute window
    state, root = sandboxes.state, repo(4, "x")
    first = apply(root, state, clock)
    assert first.exit_code == 3, first.output
    assert "posting limit reached" in first.output
    x_state = sandboxes().store.read("x")
    assert len(x_state["tweets"]) == 2
    assert len(x_state["media"]) == 2  # the posts left over sent nothing
    assert clock.monotonic() < 15 * 60

    clock.advance(15 * 60)
    second = apply(root, state, clock)
    assert second.exit_code == 0, second.output
    texts = Counter(t["text"] for t in sandboxes().store.read("x")["tweets"].values())
    assert texts == Counter(caption(n) for n in range(4))


def test_vk_daily_post_limit_leaves_the_rest_for_tomorrow(
    repo: Callable[[int, str], Path],
    sandboxes: Sandboxes,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(VkEmulator, "posts_per_day", 2)
    state, root = sandboxes.state, repo(4, "vk")
    first = apply(root, state, clock)
    assert first.exit_code == 3, first.output
    assert "limit on posts per day" in first.output
    assert "✗" not in first.output  # left over, not failed
    assert len(sandboxes().show()["vk"]["posts"]) == 2

    clock.advance(24 * 3600)
    second = apply(root, state, clock)
    assert second.exit_code == 0, second.output
    texts = Counter(p["text"] for p in sandboxes().show()["vk"]["posts"])
    assert texts == Counter(caption(n) for n in range(4))


def test_a_spent_posting_limit_still_lets_edits_through(
    repo: Callable[[int, str], Path],
    sandboxes: Sandboxes,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(VkEmulator, "posts_per_day", 2)
    state, root = sandboxes.state, repo(2, "vk")
    assert apply(root, state, clock).exit_code == 0
    new_post = "---\ntitle: Новая\nnetworks: [vk]\n---\n\nЕщё одна новость.\n"
    (root / "content/a-new.md").write_text(new_post, encoding="utf-8")  # planned first
    edited = root / "content/p01/index.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("номер 1", "номер один"))

    second = apply(root, state, clock, "--no-commit")

    assert second.exit_code == 3, second.output
    texts = sorted(p["text"] for p in sandboxes().show()["vk"]["posts"])
    assert texts == ["Новость номер 0.", "Новость номер один."]
