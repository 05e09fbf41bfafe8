"""The import graph of ruralkit/exercises, read with ``ast`` (function-local imports
included): dependencies run one way, no cycle, no module over 800 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import ruralkit.exercises

PACKAGE = Path(ruralkit.exercises.__file__).resolve().parent
NAME = "ruralkit.exercises"


def _module_name(path: Path) -> str:
    return NAME if path.stem == "__init__" else f"{NAME}.{path.stem}"


def _targets(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        parts = module.split(".")
        base_parts = parts if is_package else parts[:-1]
        base_parts = base_parts[: len(base_parts) - (node.level - 1)]
        base = ".".join(base_parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    # ``from pkg import sub`` imports the submodule ``pkg.sub`` when there is one
    return [f"{base}.{a.name}" if (PACKAGE / f"{a.name}.py").exists() and base == NAME else base
            for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """``{module: modules of ruralkit.exercises it imports}``, every import statement."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        module = _module_name(path)
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(node, module, path.stem == "__init__"):
                if target == NAME or target.startswith(NAME + "."):
                    edges.add(target)
        graph[module] = edges - {module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules, or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_exercises_package_has_no_import_cycle():
    graph = import_graph()
    assert f"{NAME}.charts" in graph[f"{NAME}.engine"]  # the reader sees imports
    assert find_cycle(graph) is None, find_cycle(graph)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_submodule_imports_the_package_itself():
    """Submodules import their siblings, never ``ruralkit.exercises`` (its __init__
    imports them all, so that would be a cycle)."""
    for module, edges in import_graph().items():
        if module != NAME:
            assert NAME not in edges, module


def test_leaf_modules_import_nothing_of_the_package():
    graph = import_graph()
    for leaf in ("placeholder", "facts", "names", "master", "registry"):
        assert graph[f"{NAME}.{leaf}"] == set(), leaf


def test_no_module_is_over_800_lines():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 800, path.name
