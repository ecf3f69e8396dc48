"""The package's shape: layers (import-linter's contracts in pyproject.toml) and no cycles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def _cycles() -> list[list[str]]:
    # grimp counts imports under ``if TYPE_CHECKING:`` and inside functions too
    graph = grimp.build_graph("publisher", include_external_packages=False)
    found: dict[frozenset[str], list[str]] = {}
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                found.setdefault(frozenset(back), [module, *back])
    return list(found.values())


def test_no_module_imports_itself_back_through_others() -> None:
    assert _cycles() == []


def test_the_layer_contracts_hold() -> None:
    run = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 broken" in run.stdout
