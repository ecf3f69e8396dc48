"""Comment contests on the other networks that read comments (OK, Max, Facebook, X): their
commenters are entrants as on VK, through each adapter's own ``comments``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import OK_ACCOUNT, Publisher

from publisher.engine.contests import pseudonym

ACCOUNTS = {
    "ok": OK_ACCOUNT,
    "max": "---\nnetwork: max\nid: '-71234567890'\ntoken_env: MAX_BOT_TOKEN\n---\nКанал.\n",
    "facebook": "---\nnetwork: facebook\nid: '100090001234567'\ntoken_env: FB_TOKEN\n---\nСайт.\n",
    "x": "---\nnetwork: x\nid: '1600000000000000001'\ntoken_env: X_TOKEN\n---\nНовости.\n",
}


@pytest.mark.parametrize("network", sorted(ACCOUNTS))
def test_commenters_enter_and_are_drawn(
    network: str, make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    post = (
        f"---\ntitle: Конкурс\nnetworks: [{network}]\ncontest:\n  entry: comment\n"
        "  closes: 2026-12-05 18:00\n---\n\nНапишите, за что любите наш город.\n"
    )
    repo = make_repo(
        {f"accounts/{network}.md": ACCOUNTS[network], "content/2026/12/konkurs.md": post},
        accounts=False,
    )
    run = publisher(repo)
    assert run("apply").exit_code == 0, run("apply").output
    [published] = run.feed(network)
    run.sandboxes().add_comment(network, str(published["id"]), "За море и лиман", "4242", "Вера")
    run.clock.advance(5 * 86400)
    result = run("apply")
    assert result.exit_code == 0, result.output
    record = yaml.safe_load((repo / "contests/2026/12/konkurs.yml").read_text(encoding="utf-8"))
    assert record["draw"]["winners"] == [pseudonym(f"{network}:4242")]
