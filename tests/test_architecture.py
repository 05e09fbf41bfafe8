"""The shape of the package: no import cycle, no module over 800 lines, layers that point down.

The import graph is read from the source with ``ast`` (nothing is imported):
every ``import`` and ``from ... import`` anywhere in a module, function-local
and ``TYPE_CHECKING`` imports included, relative imports resolved, and
``from package import name`` counted as an import of the submodule
``package.name`` when there is one (else of the package itself). Importing
``a.b`` is an edge to ``a.b`` only, not to its parent package ``a``: every
package's ``__init__`` would otherwise be in a cycle with the submodules it
re-exports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import ruralkit

PACKAGE = Path(ruralkit.__file__).resolve().parent
MAX_LINES = 800


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _nearest(name: str, modules: dict[str, Path]) -> str | None:
    """``name`` if it is a module of the package, else its nearest parent that is."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(module imported, line) for every import of a ruralkit module in ``path``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            if target == "ruralkit" or target.startswith("ruralkit."):
                found = _nearest(target, modules)
                if found is not None and found != name:
                    yield found, node.lineno


def import_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    """Edges module -> modules it imports, and where each edge is (``file:line``)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    where: dict[tuple[str, str], str] = {}
    for name, path in modules.items():
        for target, line in _imports(name, path, modules):
            graph[name].add(target)
            where.setdefault((name, target), f"{path.relative_to(PACKAGE.parent)}:{line}")
    return graph, where


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other, directly or not (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [g for g in groups if len(g) > 1 or next(iter(g)) in graph[next(iter(g))]]


def cycle_path(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """One cycle through the group, as a path that ends where it starts."""
    start = min(group)
    paths = {start: [start]}
    todo = [start]
    while todo:  # breadth first: the shortest way back to start
        node = todo.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                todo.append(nxt)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - a group has one


def _describe(graph, where, group) -> str:
    path = cycle_path(graph, group)
    steps = [f"{a} -> {b} ({where[(a, b)]})" for a, b in zip(path, path[1:], strict=False)]
    return f"cycle {' -> '.join(path)}:\n    " + "\n    ".join(steps)


# --------------------------------------------------------------------------- tests
def test_the_graph_reader_sees_local_relative_and_submodule_imports():
    graph, where = import_graph()
    assert "ruralkit.i18n" in graph["ruralkit"]  # from .i18n import ...
    assert "ruralkit.datasets" in graph["ruralkit"]  # under TYPE_CHECKING
    assert "ruralkit.i18n.catalogue" in graph["ruralkit.i18n"]  # from .catalogue import
    assert "ruralkit.synth" in graph["ruralkit.cli"]  # function-local: from ruralkit import synth
    assert "ruralkit.grading.records" in graph["ruralkit.grading.run"]


def test_no_import_cycle_in_ruralkit():
    graph, where = import_graph()
    groups = [frozenset(g) for g in strongly_connected(graph)]
    assert not groups, "import cycles:\n" + "\n".join(_describe(graph, where, g) for g in groups)


def test_no_module_over_800_lines():
    lengths = {str(path.relative_to(PACKAGE.parent)): len(path.read_text("utf-8").splitlines())
               for path in _modules().values()}
    long = {p: n for p, n in lengths.items() if n > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


@pytest.mark.parametrize(("lower", "upper"), [
    ("ruralkit.exercises", "ruralkit.grading"),
    ("ruralkit.exercises", "ruralkit.cli"),
    ("ruralkit.grading", "ruralkit.cli"),
])
def test_dependencies_run_one_way(lower, upper):
    """Grading uses exercises, the command line uses both; never the reverse."""
    graph, where = import_graph()
    wrong = [where[(a, b)] for a in graph if a == lower or a.startswith(lower + ".")
             for b in graph[a] if b == upper or b.startswith(upper + ".")]
    assert not wrong, f"{lower} must not import {upper}: {wrong}"


def test_the_cycle_finder_finds_a_cycle():
    groups = strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert [sorted(g) for g in groups] == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_exercise_submodules_never_import_their_package_and_leaves_import_nothing():
    """Submodules of ruralkit.exercises import their siblings, never the package (its
    __init__ imports them all); its leaf modules import nothing of the package (the master
    reader only ruralkit.editions, which says which cells an edition has)."""
    graph, where = import_graph()
    name = "ruralkit.exercises"
    for module, edges in graph.items():
        if module.startswith(name + "."):
            assert name not in edges, where[(module, name)]
    for leaf in ("placeholder", "facts", "names", "master", "registry"):
        allowed = {"ruralkit.editions"} if leaf == "master" else set()
        assert not {e for e in graph[f"{name}.{leaf}"] if e.startswith("ruralkit")} - allowed, leaf
