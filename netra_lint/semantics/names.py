"""Dotted names and absolute module names: the spelling every other question starts from.

Kept apart from the scope model because the index, the rules and the model all need them
and none of them needs a model for it.
"""

from __future__ import annotations

import ast
import builtins

#: Names Python finds when no scope binds them.
BUILTIN_NAMES = frozenset(vars(builtins))


def dotted_name(node: ast.AST | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, ast.Name):  # the commonest, and ``a.b``, without a list
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def chain_root(node: ast.expr) -> tuple[ast.expr, tuple[str, ...]]:
    """The expression at the root of an attribute chain and the attribute names read from it,
    innermost first: ``a.b.c`` → (``a``, ("b", "c"))."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return node, tuple(reversed(parts))


def absolute_module(current: str | None, is_package: bool, level: int, module: str | None) -> str | None:
    """The absolute name of a (relative) import target, or None if it goes beyond the top
    or the importing module is unknown."""
    if level == 0:
        return module
    if not current:
        return None
    parts = current.split(".")
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts) - 1 or not parts:
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))
