"""Terms: the expressions inference follows, as plain data.

A file's facts (see ``facts.collect_facts``) keep expressions as small tuples instead of
``ast`` nodes, so the index can compute them while it parses the file and store them:

  "x"                   a name                    ("await", value)     an await
  (".", value, "attr")  an attribute              (":=", value)        a walrus' value
  ("()", func)          a call                    None                 the constant None
  ("()", "super", args) a call of ``super``, with its positional arguments

and, in annotations only:

  ("|", left, right)    a union                   ("str", text)        a forward reference
  ("[]", value, items)  a subscript (the slice, or the elements of a tuple slice)

Anything else is ``()``: inference knows nothing about it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

#: Deeper than this a term is ``()``: inference gives up past 12 levels anyway (``type_of``),
#: and a hostile chain of thousands of attributes must not exhaust the stack.
_TERM_DEPTH = 16
#: The term of a lambda assigned to an attribute (an expression otherwise unknown): a stub.
_LAMBDA = ("lambda",)


def _term(node: ast.expr | None, annotation: bool = False, depth: int = 0) -> Any:
    if depth > _TERM_DEPTH:
        return ()
    deeper = depth + 1
    kind = type(node)
    if kind is ast.Name:
        return node.id  # type: ignore[union-attr]
    if kind is ast.Attribute:
        return (".", _term(node.value, annotation, deeper), node.attr)  # type: ignore[union-attr]
    if kind is ast.Constant:
        value = node.value  # type: ignore[union-attr]
        if value is None:
            return None
        return ("str", value) if annotation and isinstance(value, str) else ()
    if annotation:
        if kind is ast.BinOp and isinstance(node.op, ast.BitOr):  # type: ignore[union-attr]
            return ("|", _term(node.left, True, deeper), _term(node.right, True, deeper))  # type: ignore[union-attr]
        if kind is ast.Subscript:
            piece = node.slice  # type: ignore[union-attr]
            items = piece.elts if isinstance(piece, ast.Tuple) else [piece]
            return ("[]", _term(node.value, True, deeper), tuple(_term(i, True, deeper) for i in items))  # type: ignore[union-attr]
        return ()
    if kind is ast.Call:
        func = node.func  # type: ignore[union-attr]
        if type(func) is ast.Name and func.id == "super":
            return ("()", "super", tuple(_term(a, False, deeper) for a in node.args))  # type: ignore[union-attr]
        return ("()", _term(func, False, deeper))
    if kind is ast.Await:
        return ("await", _term(node.value, False, deeper))  # type: ignore[union-attr]
    if kind is ast.NamedExpr:
        return (":=", _term(node.value, False, deeper))  # type: ignore[union-attr]
    return ()


def _dotted(term: Any) -> str | None:
    """``a.b.c`` for a name/attribute chain, else None."""
    parts: list[str] = []
    while type(term) is tuple and term and term[0] == ".":
        parts.append(term[2])
        term = term[1]
    if type(term) is str:
        parts.append(term)
        return ".".join(reversed(parts))
    return None


def _names_in(term: Any) -> Iterator[str]:
    """The names a term mentions (forward references included)."""
    stack = [term]
    while stack:
        current = stack.pop()
        if type(current) is str:
            yield current
        elif type(current) is tuple and current:
            tag = current[0]
            if tag == "str":
                parsed = _parse_annotation(current[1].strip())
                if parsed is not _UNPARSABLE:
                    stack.append(parsed)
            elif tag == ".":
                stack.append(current[1])
            elif tag == "[]":
                stack.append(current[1])
                stack.extend(current[2])
            elif tag == "()" and len(current) == 3:
                stack.append("super")
                stack.extend(current[2])
            else:
                stack.extend(current[1:])


_UNPARSABLE = ("unparsable",)


@lru_cache(maxsize=4096)
def _parse_annotation(text: str) -> Any:
    try:
        return _term(ast.parse(text, mode="eval").body, annotation=True)
    except (SyntaxError, ValueError, RecursionError):
        return _UNPARSABLE
