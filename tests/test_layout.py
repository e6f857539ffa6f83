"""The package's layout (docs/development.md): few top-level modules, small modules, and no import
cycle between its packages and top-level modules — read from the sources, as a maintainer would."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "discretion"
MAX_TOP_LEVEL = 10
MAX_LINES = 700


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _unit(module: str) -> str:
    """The package or top-level module a dotted module name belongs to (``engine``, ``case``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[str]:
    """The package's modules ``path`` imports when it is imported (module level, outside
    ``if TYPE_CHECKING:``): an import inside a function runs when it is called and cannot make
    an import cycle."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "discretion":
                found += [f"discretion.{alias.name}" for alias in node.names]
            elif node.module.startswith("discretion."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("discretion.")]
    return found


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        here = _unit(module.removesuffix(".__init__"))
        for imported in _imports(path):
            there = _unit(imported)
            if here != there and "__init__" not in (here, there) and there != "__version__":
                edges[here].add(there)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_few_modules_at_the_top_level() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_no_module_over_700_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_no_import_cycle_between_packages_and_top_level_modules() -> None:
    edges = _graph()
    cycles = _cycles(edges)
    described = [[f"{a} -> {b}" for a in c for b in sorted(edges[a]) if b in c] for c in cycles]
    assert not cycles, described


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(("library", "importer"), [
    ("durable", "engine/durable.py"),  # durable-rules: unmaintained, behind one module
    ("dask", "runs/dask.py"),  # the dask extra: optional, behind one module
    ("distributed", "runs/dask.py"),
])
def test_one_module_imports_each_library_kept_behind_one(library: str, importer: str) -> None:
    importers = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if any(name == library or name.startswith(library + ".") for name in names):
                importers.append(str(path.relative_to(PACKAGE)))
    assert sorted(set(importers)) == [importer]
