"""Whether a file may hold a deprecated-API finding, decided from the stdlib ``ast`` and the
semantic model before LibCST reads it.

The three rules report what reaches a pack entry: a ``from`` import of it, an attribute
chain that names it, a call of it or of a method on an instance of its class, a patch
target that names it. This module asks the same questions of the same ``Resolver`` (the
packs' names mapped through the model's qualified names) and the same list of patch-like
APIs; only the LibCST nodes the fixes rewrite are left for the rules.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Collection

from ...semantics.model import SemanticModel
from ...semantics.patching import IMPORT, patch_targets
from ...semantics.scopes import FROM_IMPORT, NodesByType, nodes_by_type, nodes_of
from .pack import DOTTED, Deprecation
from .resolution import Resolver


def may_report(
    nodes: NodesByType,
    semantic_model: Callable[[], SemanticModel],
    by_old: dict[str, Deprecation],
    factories: dict[str, Deprecation],
    needles: Collection[str],
) -> bool:
    """Whether the deprecated-API rules may report something in a file (``nodes``: its
    tree's, by type); ``needles``: the last parts of the names of the entries the text
    mentions. The semantic model (``semantic_model()``) is only built when the names occur
    in code."""
    if not named_in_code(nodes, needles):
        return False
    model = semantic_model()
    names = Resolver(model, by_old, factories)
    if any(_patches(names.by_old, target.target) for target in patch_targets(model) if target.kind != IMPORT):
        return True
    if any(
        binding.kind == FROM_IMPORT and names.by_old.get(binding.target or "") is not None
        for scope in model.scopes
        for bindings in scope.bindings.values()
        for binding in bindings
    ):
        return True
    forward = nodes_by_type(*model.forward_references.values())
    for node in itertools.chain(nodes_of(nodes, ast.Attribute, ast.Call), nodes_of(forward, ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute) and names.entry_of(node) is not None:
            return True
        if isinstance(node, ast.Call):
            entry = names.entry_of(node.func)
            if entry is not None and entry.call is not None:
                return True
            if isinstance(node.func, ast.Attribute) and names.instance_of(node.func.value) is not None:
                return True
    return False


def named_in_code(nodes: NodesByType, names: Collection[str]) -> bool:
    """Whether the names occur in code or in a dotted string (a patch target), not only in
    comments and prose (``nodes``: a tree's, by type): a cheap stdlib-AST look before the
    semantic model."""
    for node in nodes_of(nodes, ast.Name, ast.Attribute, ast.alias, ast.Constant):
        if (isinstance(node, ast.Name) and node.id in names) or (
            isinstance(node, ast.Attribute) and node.attr in names
        ):
            return True
        if isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in names:
            return True
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and DOTTED.match(node.value)
            and not set(names).isdisjoint(node.value.split("."))
        ):
            return True
    return False


def _patches(by_old: dict[str, Deprecation], target: str) -> bool:
    """A patch target that names an entry, or a member of one."""
    return target in by_old or target.rpartition(".")[0] in by_old
