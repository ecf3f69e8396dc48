"""The mistake: pacing exactly at a network's documented limit. A request that travels a little
slower than a later one then lands in the same window as it, and an ordinary run gets VK error 6
and OK ``FLOOD_BLOCKED`` (each OK flood costs a minute). The limiter keeps headroom: no window of
the network's sees more calls than it allows, whatever the delays on the way."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import OK_ACCOUNT, Sandboxes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.networks.base import RateLimiter
from publisher.sandbox.app import Sandbox

LIMITS = [
    pytest.param(3.0, 1.0, id="vk-ok-3-a-second"),
    pytest.param(20 / 60, 60.0, id="telegram-20-a-minute"),
    pytest.param(10.0, 1.0, id="max-10-a-second"),
    pytest.param(1.0, 1.0, id="x-1-a-second"),
]


def arrivals(limiter: RateLimiter, clock: FakeClock, calls: int, seed: int) -> list[float]:
    """When each call reaches the network: work between calls, then a trip of random length
    each way (a fake clock: the test never waits)."""
    rng = random.Random(seed)
    seen: list[float] = []
    for _ in range(calls):
        clock.advance(rng.choice([0.0, 0.0, 0.01, 0.4]))
        with limiter.pace():
            clock.advance(rng.uniform(0.0, 0.3))
            seen.append(clock.monotonic())
            clock.advance(rng.uniform(0.0, 0.3))
    return seen


@pytest.mark.parametrize(("per_second", "window"), LIMITS)
@pytest.mark.parametrize("seed", range(5))
def test_no_window_of_the_network_sees_more_than_its_limit(
    per_second: float, window: float, seed: int
) -> None:
    clock = FakeClock()
    limit = round(per_second * window)

    seen = arrivals(RateLimiter(per_second, clock, window), clock, 4 * limit + 40, seed)

    # limit + 1 calls in one window would have two of them, ``limit`` apart, closer than it
    gaps = [later - earlier for earlier, later in zip(seen, seen[limit:], strict=False)]
    assert min(gaps) > window


@pytest.mark.parametrize(("per_second", "window"), LIMITS)
def test_the_headroom_costs_only_the_margin_per_window(per_second: float, window: float) -> None:
    """Back-to-back calls with instant answers go at the documented rate, less the margin."""
    clock = FakeClock()
    limiter = RateLimiter(per_second, clock, window)
    calls = 10 * round(per_second * window) + 1

    for _ in range(calls):
        with limiter.pace():
            pass

    windows = (calls - 1) / (per_second * window)
    assert clock.monotonic() <= windows * (window + RateLimiter.MARGIN) + 1e-9


def news(index: int) -> str:
    return (
        f"---\ntitle: Новость {index}\nnetworks: [vk, ok]\n---\n\n"
        f"Сегодня в районе случилось событие номер {index}.\n"
    )


def test_an_apply_of_many_posts_to_vk_and_ok_meets_no_flood_control(
    make_repo: Callable[..., Path],
    sandboxes: Sandboxes,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    boxes: list[Sandbox] = []
    transport = Sandbox.transport

    def keep(self: Sandbox) -> object:
        boxes.append(self)
        return transport(self)

    monkeypatch.setattr(Sandbox, "transport", keep)
    posts = {f"content/news-{i:02d}.md": news(i) for i in range(40)}
    repo = make_repo({"accounts/ok.md": OK_ACCOUNT, **posts})
    state = sandboxes.state

    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )

    assert result.exit_code == 0, result.output
    view = sandboxes().show()
    assert len(view["vk"]["posts"]) == len(view["ok"]["posts"]) == 40
    refused = {name: n for box in boxes for name, n in box.refusals().items() if n}
    assert boxes and refused == {}, "VK error 6 / OK FLOOD_BLOCKED answers"
