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


def _nodes_of(target: ast.expr) -> Iterator[ast.AST]:
    """Every node of an assignment target but contexts and operators, as ``ast.walk``
    finds them (in another order)."""
    stack: list[ast.AST] = [target]
    while stack:
        node = stack.pop()
        yield node
        for name in child_fields(type(node)):
            child = getattr(node, name, None)
            if isinstance(child, ast.AST):
                stack.append(child)
            elif isinstance(child, list):
                stack.extend(reversed(child))


#: Fields that never hold a node worth visiting: contexts, operators and plain values.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "kind", "conversion", "is_async"})


_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes, in ``ast.iter_child_nodes``
    order (worked out once per type: a generic walk asks every field of every node)."""
    found = _CHILD_FIELDS.get(kind)
    if found is None:
        found = _CHILD_FIELDS[kind] = tuple(name for name in kind._fields if name not in _LEAF_FIELDS)
    return found


def _flatten(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a block, including those nested in if/try/with (not in defs/classes)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.While, ast.For, ast.AsyncFor)):
            yield from _flatten(stmt.body + stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _flatten(stmt.body)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            yield from _flatten(stmt.body + stmt.orelse + stmt.finalbody)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                yield from _flatten(handler.body)
