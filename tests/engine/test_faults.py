"""Hostile conditions: killed runs, concurrent runs, lost races, 429 storms, lost answers.

Whatever happens, nothing is posted twice and nothing is lost: every post ends up on each of
its networks exactly once, and the results are recorded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from conftest import Sandboxes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock

#: networks whose API can tell whether an interrupted post exists (``find``)
NETWORKS = ("vk", "max", "facebook")
ACCOUNTS = {
    "accounts/vk.md": "---\nnetwork: vk\nid: '1001'\ntoken_env: VK_TOKEN\n---\nГруппа\n",
    "accounts/max.md": "---\nnetwork: max\nid: '-7001'\ntoken_env: MAX_TOKEN\n---\nКанал\n",
    "accounts/facebook.md": "---\nnetwork: facebook\nid: '1001'\ntoken_env: FB_TOKEN\n---\nСтр\n",
}


def posts(count: int) -> dict[str, str | bytes]:
    return {
        f"content/p{n:02d}.md": (
            f"---\ntitle: Новость {n}\nnetworks: [vk, max, facebook]\n---\n\nНовость номер {n}.\n"
        )
        for n in range(count)
    }


def published(sandboxes: Sandboxes) -> dict[str, Counter[str]]:
    view = sandboxes().show()
    return {n: Counter(str(p["text"]) for p in view[n]["posts"]) for n in NETWORKS}


def assert_exactly_once(sandboxes: Sandboxes, count: int) -> None:
    for network, texts in published(sandboxes).items():
        assert sorted(texts) == sorted(f"Новость номер {n}." for n in range(count)), network
        assert set(texts.values()) == {1}, f"{network}: posted twice: {texts}"


def cli(repo: Path, state: Path, *args: str, faults: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PUBLISHER_SANDBOX_FAULTS": faults}
    return subprocess.Popen(
        [sys.executable, "-m", "publisher", "--repo", str(repo), "--sandbox", str(state), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({**ACCOUNTS, **posts(8)}, accounts=False)


def test_killed_mid_apply_then_rerun_publishes_each_post_once(
    repo: Path, sandboxes: Sandboxes
) -> None:
    state = sandboxes.state
    for delay in (0.8, 1.6):
        run = cli(repo, state, "apply", "--no-commit", faults="latency=40ms")
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
    finish = cli(repo, state, "apply")
    output, _ = finish.communicate(timeout=120)
    assert finish.returncode == 0, output
    assert_exactly_once(sandboxes, 8)
    again = cli(repo, state, "apply")
    assert again.communicate(timeout=60)[1] is None and again.returncode == 0


def test_two_runs_at_once_on_clones_publish_each_post_once(
    repo: Path, tmp_path: Path, sandboxes: Sandboxes
) -> None:
    origin = tmp_path / "origin.git"
    git.Repo.clone_from(repo, origin, bare=True)
    clones = [tmp_path / "a", tmp_path / "b"]
    for clone in clones:
        git.Repo.clone_from(origin, clone)
    state = sandboxes.state
    runs = [cli(c, state, "apply", "--push", faults="latency=20ms") for c in clones]
    outputs = [r.communicate(timeout=180)[0] for r in runs]
    assert all(r.returncode in (0, 3) for r in runs), outputs
    final = cli(clones[0], state, "apply", "--push")
    assert final.communicate(timeout=120)[0] is not None and final.returncode == 0
    assert_exactly_once(sandboxes, 8)
    check = tmp_path / "check"
    git.Repo.clone_from(origin, check)
    result_files = list(check.glob("content/*.published.yml"))
    assert len(result_files) == 8
    assert all(f.read_text().count("state: published") == 3 for f in result_files)


def test_lost_push_race_rebases_and_records(repo: Path, tmp_path: Path, clock: FakeClock) -> None:
    origin = tmp_path / "origin.git"
    git.Repo.clone_from(repo, origin, bare=True)
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    git.Repo.clone_from(origin, mine)
    other = git.Repo.clone_from(origin, theirs)
    (theirs / "content/extra.md").write_text("---\ntitle: X\nstatus: draft\n---\nT\n")
    other.git.add("--all")
    other.git.commit("-m", "Someone else's change")
    other.git.push("origin", "HEAD:refs/heads/main")
    result = CliRunner().invoke(
        main,
        ["--repo", str(mine), "--sandbox", str(tmp_path / "s"), "apply", "--push"],
        obj=Deps(clock, {}),
    )
    assert result.exit_code == 0, result.output
    check = git.Repo.clone_from(origin, tmp_path / "check")
    messages = [c.message for c in check.iter_commits()]
    # 24 posts, 2 profiles: Max's description waits for a person, it is not "done"
    assert any(m.startswith("publisher: выполнено: 26,") for m in messages)
    assert any("Someone else's change" in m for m in messages)


@pytest.mark.parametrize(
    "faults", ["rate429=0.6,seed=3", "timeout=0.3,seed=5", "error500=0.5,seed=7"]
)
def test_hostile_network_ends_clean_and_the_next_run_finishes(
    repo: Path, sandboxes: Sandboxes, clock: FakeClock, faults: str
) -> None:
    state = sandboxes.state

    def apply(env_faults: str) -> int:
        env = {"PUBLISHER_SANDBOX_FAULTS": env_faults}
        result = CliRunner().invoke(
            main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, env)
        )
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 3), result.output
        return result.exit_code

    apply(faults)
    for _attempt in range(3):
        if apply("") == 0:
            break
    assert_exactly_once(sandboxes, 8)
