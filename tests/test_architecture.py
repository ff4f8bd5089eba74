"""The shape of the package: no import cycle under any kind of edge, and an engine that
knows no rule.

Edges are read from the source with ``ast`` (nothing is imported): module-level imports,
imports inside functions, imports under ``TYPE_CHECKING``, and the registry's dynamic load
of every module under ``netra_lint.rules``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "netra_lint"

#: Modules that run a check but must not name any rule family.
ENGINE_MODULES = ("netra_lint.engine", "netra_lint.runner", "netra_lint.cli", "netra_lint.checker")


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(current: str, is_package: bool, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every ``netra_lint`` module that ``name`` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("netra_lint"):
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    known = module_names()
    edges = {name: imports_of(name, path, known) for name, path in known.items()}
    # The registry imports every module of the rule families at run time.
    edges["netra_lint.registry"] |= {name for name in known if name.startswith("netra_lint.rules.")}
    # Importing a submodule first imports its package.
    for name in known:
        parent = name.rpartition(".")[0]
        if parent in known and parent != "netra_lint":
            edges[name].add(parent)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_detector_sees_a_cycle_through_the_registry() -> None:
    """A rule importing the engine (as one once did for ``apply_edits``) closes a cycle."""
    edges = graph()
    rule_module = min(name for name in edges if name.startswith("netra_lint.rules."))
    edges[rule_module].add("netra_lint.engine")
    assert any({"netra_lint.registry", rule_module} <= set(component) for component in cycles(edges))


def test_the_engine_names_no_rule_family() -> None:
    edges = graph()
    for name in ENGINE_MODULES:
        assert not [target for target in edges[name] if target.startswith("netra_lint.rules.")], name
