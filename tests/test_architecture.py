"""The package layout: no import cycle between modules, and imports that run one way between layers.

Read from the source with `ast` (nothing is imported), counting imports inside functions and under
TYPE_CHECKING too: a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PKG = Path(__file__).resolve().parent.parent / "kg"

# What each part of the package may import (besides itself). Layers, bottom up:
# model -> store -> sparql | analysis -> views -> api -> cli | serve; bench sits beside the CLI.
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "store": {"model"},
    "sparql": {"model", "store"},
    "analysis": {"model"},
    "views": {"model", "store", "analysis"},
    "api": {"model", "store", "sparql", "analysis", "views"},
    "serve": {"model", "store", "sparql", "analysis", "views", "api"},
    "bench": {"model", "store", "sparql", "analysis"},
    "cli": {"model", "store", "sparql", "analysis", "views", "api", "serve", "bench"},
}
TOP_LEVEL = {"kg", "kg.__main__", "kg.api"}  # modules allowed directly in kg/


def _modules() -> dict[str, Path]:
    mods = {}
    for path in sorted(PKG.rglob("*.py")):
        name = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        g.add_edges_from((name, t) for t in _imports(name, path, mods))
    return g


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "kg"


def test_no_import_cycle_between_modules() -> None:
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(_graph()) if len(c) > 1)
    assert not cycles, f"import cycles: {cycles}"


def test_imports_run_one_way_between_layers() -> None:
    wrong = []
    for a, b in _graph().edges:
        pa, pb = _part(a), _part(b)
        if pa == pb or pa in ("kg", "__main__") or (pb == "kg" and b == "kg"):
            continue
        if pb not in ALLOWED.get(pa, set()):
            wrong.append(f"{a} -> {b}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_only_entry_points_sit_at_the_top_of_the_package() -> None:
    loose = sorted(m for m in _modules() if m.count(".") == 1 and m not in TOP_LEVEL
                   and not (PKG / m.split(".")[1]).is_dir())
    assert not loose, f"modules outside a subpackage: {loose}"
