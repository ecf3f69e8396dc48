"""The package's shape: layers (import-linter's contracts in pyproject.toml) and no cycles."""

from __future__ import annotations

import ast
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


#: modules that turn bytes into objects by running what the bytes name (or, for
#: multiprocessing, that pass results through pickle): nothing publisher reads may meet them
UNPICKLERS = frozenset(
    {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "multiprocessing"}
)


def _imported(path: Path) -> set[str]:
    """The top-level names of the modules a source file imports, wherever it does so."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
        elif isinstance(node, ast.Call) and _callee(node) in ("__import__", "import_module"):
            names.update(str(arg.value) for arg in node.args if isinstance(arg, ast.Constant))
    return names


def _callee(call: ast.Call) -> str:
    return getattr(call.func, "id", "") or getattr(call.func, "attr", "")


def test_the_search_for_imports_sees_every_way_of_importing(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "import os.path\nfrom marshal import loads\n"
        "def f():\n    import importlib\n    return importlib.import_module('shelve')\n"
        "g = __import__('pickle')\nfrom . import sibling\n"
    )

    assert _imported(source) == {"os", "marshal", "importlib", "shelve", "pickle"}


def test_no_module_imports_an_unpickler() -> None:
    found = {
        path.relative_to(ROOT).as_posix(): sorted(_imported(path) & UNPICKLERS)
        for path in sorted((ROOT / "publisher").rglob("*.py"))
    }

    assert {path: names for path, names in found.items() if names} == {}
