"""Small questions about stdlib ``ast`` nodes, shared by the summarizer and the rules that
read the same trees."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Collection, Iterator
from typing import Any

from ..semantics.names import dotted_name

#: ``object``, ``dict``, ``int``...: an annotation with one of these declares no first-party object.
BUILTIN_TYPES = frozenset(name for name, value in vars(builtins).items() if isinstance(value, type))
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
#: Fields of statements (and handlers, match cases) that hold nested statements.
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _catches_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any((dotted_name(t) or "").rsplit(".", 1)[-1] in _IMPORT_ERRORS for t in types):
            return True
    return False


#: Calls that expect or swallow the exceptions given as arguments.
_EXPECTING = ("suppress", "raises", "assertRaises", "assertRaisesRegex")


def expects_error(node: ast.expr, errors: Collection[str]) -> bool:
    """``contextlib.suppress(E)``, ``pytest.raises(E)``, ``self.assertRaises(E, ...)`` or
    ``self.assertRaisesRegex(E, ...)`` with one of ``errors`` (last dotted part) given."""
    func = dotted_name(node.func) or "" if isinstance(node, ast.Call) else ""
    if not func.endswith(_EXPECTING):
        return False
    given = node.args if func.endswith("suppress") else node.args[:1]  # type: ignore[attr-defined]
    if given and isinstance(given[0], ast.Tuple):
        given = given[0].elts
    return any((dotted_name(a) or "").rsplit(".", 1)[-1] in errors for a in given)


def _suppresses_import_error(node: ast.With | ast.AsyncWith) -> bool:
    return any(expects_error(item.context_expr, _IMPORT_ERRORS) for item in node.items)


def _pos(node: Any) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)


#: ``block_fields`` of the node types met so far.
KNOWN_BLOCKS: dict[type[ast.AST], tuple[str, ...]] = {}


def block_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The ``_BLOCK_FIELDS`` a node type has, in that order (worked out once per type)."""
    found = KNOWN_BLOCKS.get(kind)
    if found is None:
        found = KNOWN_BLOCKS[kind] = tuple(name for name in _BLOCK_FIELDS if name in kind._fields)
    return found


#: Statements whose nested blocks ``_flatten`` enters (handlers' bodies too, for ``try``), by type.
_NESTED_BLOCKS: dict[type[ast.AST], tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "orelse", "finalbody", "handlers"),
}
if hasattr(ast, "TryStar"):  # Python 3.11
    _NESTED_BLOCKS[ast.TryStar] = _NESTED_BLOCKS[ast.Try]


def _flatten(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of a block, including those nested in if/try/with (not in defs/classes),
    each followed by those nested in it."""
    found: list[ast.stmt] = []
    stack = body[::-1]
    while stack:
        stmt = stack.pop()
        found.append(stmt)
        fields = _NESTED_BLOCKS.get(type(stmt))
        if fields is not None:
            nested: list[ast.stmt] = []
            for name in fields:
                if name == "handlers":
                    for handler in stmt.handlers:  # type: ignore[attr-defined]
                        nested.extend(handler.body)
                else:
                    nested.extend(getattr(stmt, name))
            stack.extend(reversed(nested))
    return found
