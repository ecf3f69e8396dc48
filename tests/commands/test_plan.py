"""``publisher plan`` as text reads no more than it shows: the Git host's client loads only for
the merge request's comment."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

POST = """---
title: Субботник
networks: [vk, telegram]
---
Приходите в субботу в парк.
"""
SCRIPT = """
import sys
from pathlib import Path
from publisher.commands.plan import make_plan
from publisher.engine.workspace import open_workspace
planned = make_plan(open_workspace(Path(sys.argv[1])), preview=True)
planned.output(sys.argv[2])
print("httpx" in sys.modules, planned.comment_limit if sys.argv[2] == "markdown" else "")
"""


def plan_loads_httpx(repo: Path, fmt: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(repo), fmt], capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def test_a_plan_as_text_does_not_load_the_git_hosts_client(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo({"content/2026/12/subbotnik.md": POST})

    assert plan_loads_httpx(repo, "text") == "False"
    assert plan_loads_httpx(repo, "markdown") == "True 65000"  # outside CI: GitHub's limit
