"""Terms: the expressions inference follows, as plain data.

A file's facts (see ``facts.collect_facts``) keep expressions as small tuples instead of
``ast`` nodes, so the index can compute them while it parses the file and store them:

  "x"                   a name                    ("await", value)     an await
  (".", value, "attr")  an attribute              (":=", value)        a walrus' value
  ("()", func)          a call                    None                 the constant None
  ("()", "super", args) a call of ``super``, with its positional arguments

Anything else is ``()``: inference knows nothing about it. (Annotations are kept as their
text, read by ``semantics.instances.declared_type``.)
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ...index import dotted_name
from ...source import SourceFile

#: Deeper than this a term is ``()``: inference gives up past 12 levels anyway (``type_of``),
#: and a hostile chain of thousands of attributes must not exhaust the stack.
_TERM_DEPTH = 16
#: The term of a lambda assigned to an attribute (an expression otherwise unknown): a stub.
_LAMBDA = ("lambda",)


def _term(node: ast.expr | None, depth: int = 0) -> Any:
    if depth > _TERM_DEPTH:
        return ()
    deeper = depth + 1
    kind = type(node)
    if kind is ast.Name:
        return node.id  # type: ignore[union-attr]
    if kind is ast.Attribute:
        return (".", _term(node.value, deeper), node.attr)  # type: ignore[union-attr]
    if kind is ast.Constant:
        return None if node.value is None else ()  # type: ignore[union-attr]
    if kind is ast.Call:
        func = node.func  # type: ignore[union-attr]
        if type(func) is ast.Name and func.id == "super":
            return ("()", "super", tuple(_term(a, deeper) for a in node.args))  # type: ignore[union-attr]
        return ("()", _term(func, deeper))
    if kind is ast.Await:
        return ("await", _term(node.value, deeper))  # type: ignore[union-attr]
    if kind is ast.NamedExpr:
        return (":=", _term(node.value, deeper))  # type: ignore[union-attr]
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
    """The names a term mentions."""
    stack = [term]
    while stack:
        current = stack.pop()
        if type(current) is str:
            yield current
        elif type(current) is tuple and current:
            tag = current[0]
            if tag == ".":
                stack.append(current[1])
            elif tag == "()" and len(current) == 3:
                stack.append("super")
                stack.extend(current[2])
            else:
                stack.extend(current[1:])


#: A dotted name (``C``, ``mod.C``): most annotations, made into nodes without ``ast.parse``
#: (ASCII only: ``ast.parse`` normalizes other identifiers).
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


@lru_cache(maxsize=65536)
def parse_annotation(text: str) -> ast.expr | None:
    """An annotation's text (or a forward reference's) as an expression; None: it doesn't parse."""
    text = text.strip()
    parts = text.split(".")
    if text.isascii() and _DOTTED.fullmatch(text) and not any(map(keyword.iskeyword, parts)):
        first, *rest = parts
        node: ast.expr = ast.Name(first, ast.Load())
        for part in rest:
            node = ast.Attribute(node, part, ast.Load())
        return node
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _annotation_text(node: ast.expr, source: SourceFile) -> str:
    """An annotation's text (a dotted name's without finding it in the file)."""
    return dotted_name(node) or source.text[slice(*source.ast_span(node))]


def _annotation_names(node: ast.expr) -> Iterator[str]:
    """The names an annotation mentions, forward references included."""
    if type(node) is ast.Name:  # most annotations
        yield node.id  # type: ignore[attr-defined]
        return
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if type(current) is ast.Name:
            yield current.id  # type: ignore[attr-defined]
        elif type(current) is ast.Constant and isinstance(current.value, str):  # type: ignore[attr-defined]
            parsed = parse_annotation(current.value)  # type: ignore[attr-defined]
            if parsed is not None:
                stack.append(parsed)
        else:
            stack.extend(ast.iter_child_nodes(current))


def _same_key(node: ast.expr) -> str:
    """Equal for equal expressions: the dotted name of a name/attribute chain, else the dump
    (too deep to dump: equal to nothing else)."""
    try:
        return dotted_name(node) or ast.dump(node)
    except RecursionError:
        return f"<too deep {id(node)}>"


def _call_shape(call: ast.Call | None) -> tuple[int, bool, tuple[str, ...]] | None:
    if call is None:
        return None
    unpacked = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
    return len(call.args), unpacked, tuple(k.arg for k in call.keywords if k.arg is not None)
