"""No internal identifier reaches a person: rule ids, category keys and bare network keys
stay out of what ``check`` and ``inbox status`` print for the example repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
RULE_ID = re.compile(r"\b[a-z_]+:[a-z]")
NETWORK_KEY = re.compile(r"(?<![\w/.-])(?:vk|ok|max|telegram|facebook|instagram|x)(?![\w/.-])")
CATEGORY_KEY = re.compile(r"\b(?:improvement|transport|roads|utilities|education|health)\b")


@pytest.mark.parametrize("command", [["check"], ["inbox", "status"]])
def test_the_example_repository_reads_without_keys(command: list[str], tmp_path: Path) -> None:
    args = ["--repo", str(ROOT), "--sandbox", str(tmp_path), *command]
    output = CliRunner().invoke(main, args, obj=Deps(FakeClock(), {})).output
    prose = "\n".join(line for line in output.splitlines() if "publisher " not in line)
    assert not RULE_ID.search(prose.replace("https:", "")), prose
    assert not NETWORK_KEY.search(prose), prose
    assert not CATEGORY_KEY.search(prose), prose
