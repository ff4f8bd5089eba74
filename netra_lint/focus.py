"""Smaller LibCST trees: blank out the function and class bodies a rule can't care about.

LibCST with scope analysis reads about 0.1 MB/s, so a 400 KB file with one legacy call
costs seconds. A rule that only follows a few names (the ``websockets`` module, a
deprecated class) says which identifiers it starts from; the names bound from those, the
functions they are passed to, and so on, are followed through the file's ``ast``; then
every module- or class-level ``def``/``class`` body that mentions none of them (and
declares no ``global`` or ``nonlocal``), and every such table of constants, is replaced by
a blank string literal of the same extent. The header stays, so the name is still bound;
the text keeps its length and line breaks, so every offset in the smaller tree is the
offset in the real file and fixes apply to it unchanged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator
from typing import NamedTuple

from .semantics.scopes import walk

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_HEADER_FIELDS = {
    ast.If: ("test",),
    ast.While: ("test",),
    ast.For: ("iter", "target"),
    ast.AsyncFor: ("iter", "target"),
    ast.With: ("items",),
    ast.AsyncWith: ("items",),
    ast.Try: (),
    ast.FunctionDef: ("decorator_list", "args", "returns"),
    ast.AsyncFunctionDef: ("decorator_list", "args", "returns"),
    ast.ClassDef: ("decorator_list", "bases", "keywords"),
}
_DECLARATION = re.compile(r"\b(?:global|nonlocal)\b")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPLIT_LINES = re.compile(r"(\r\n|\r|\n)")


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a block, nested blocks and bodies of definitions included."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for field in _BLOCKS:
            inner = getattr(node, field, None)
            if inner:
                stack.extend(reversed(inner))


def _header(node: ast.stmt) -> list[ast.AST]:
    """The expressions a statement evaluates itself (not those of its nested blocks)."""
    fields = _HEADER_FIELDS.get(type(node))
    if fields is None:
        if isinstance(node, ast.ExceptHandler):
            return [node.type] if node.type is not None else []
        if hasattr(node, "body"):  # TryStar and newer block statements: their own fields
            return [child for name, child in ast.iter_fields(node) if name not in _BLOCKS and hasattr(child, "lineno")]
        return [node]  # a simple statement, or ``match``: all of it
    found: list[ast.AST] = []
    for field in fields:
        value = getattr(node, field)
        for part in value if isinstance(value, list) else [value] if value is not None else []:
            if isinstance(part, ast.withitem):
                found.append(part.context_expr)
            elif isinstance(part, ast.arguments):
                every = [*part.posonlyargs, *part.args, *part.kwonlyargs, part.vararg, part.kwarg]
                found.extend(a.annotation for a in every if a is not None and a.annotation is not None)
                found.extend(d for d in [*part.defaults, *part.kw_defaults] if d is not None)
            else:
                found.append(part)
    return found


def _target_identifiers(node: ast.AST) -> set[str]:
    """Identifiers an assignment target binds or fills: ``x``, ``self.x`` → ``x``, ``d[k]`` → ``d``."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Subscript):
        return _target_identifiers(node.value)
    if isinstance(node, ast.Starred):
        return _target_identifiers(node.value)
    if isinstance(node, (ast.Tuple, ast.List)):
        return set().union(*map(_target_identifiers, node.elts))
    return set()


def _argument_identifiers(node: ast.AST, functions: set[str], assigned: dict[str, set[str]]) -> set[str]:
    """Functions of the file passed as arguments of calls in ``node`` (``serve(handler)``,
    ``partial(self.on_message, x)``), or through a name assigned first (``h = handler``
    or ``h = partial(handler, x)``, then ``serve(h)``): callbacks whose parameters the
    callee decides."""
    found: set[str] = set()
    for part in walk(node):
        if isinstance(part, ast.Call):
            for value in [*part.args, *(k.value for k in part.keywords)]:
                if isinstance(value, ast.Starred):
                    value = value.value
                if isinstance(value, ast.Name):
                    found.add(value.id)
                    found |= assigned.get(value.id, set())
                elif isinstance(value, ast.Attribute):
                    found.add(value.attr)
    return found & functions


def _identifiers(node: ast.AST) -> set[str]:
    return {
        part.id if isinstance(part, ast.Name) else part.attr
        for part in walk(node)
        if isinstance(part, (ast.Name, ast.Attribute))
    }


class _Lines:
    """Character offsets of whole lines, as ``ast`` numbers them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def offset(self, node: ast.AST, which: str) -> int:
        """The character offset where an expression starts or ends (``ast`` counts UTF-8 bytes)."""
        row, column = (node.lineno, node.col_offset) if which == "start" else (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        start = self.starts[row - 1]
        line = self.text[start : start + column]
        if not line.isascii():
            line = self.text[start:].encode("utf-8")[:column].decode("utf-8", "replace")
        return start + len(line)

    def span(self, node: ast.AST) -> tuple[int, int]:
        first = node.lineno  # type: ignore[attr-defined]
        decorators = getattr(node, "decorator_list", None)
        if decorators:
            first = min(first, decorators[0].lineno)
        last = getattr(node, "end_lineno", None) or first
        end = self.starts[last] if last < len(self.starts) else len(self.text)
        return self.starts[first - 1], end


class _Bindings(NamedTuple):
    """What ``related_identifiers`` follows through a file."""

    pairs: list[tuple[frozenset[str], ast.AST]]  # (names bound, the expression they are bound from)
    headers: list[ast.AST]  # every header expression
    functions: set[str]  # the names of the file's functions
    assigned: dict[str, set[str]]  # a plain name assigned → the identifiers in its value


def _bindings(tree: ast.Module) -> _Bindings:
    found = _Bindings([], [], set(), {})
    pairs, headers, functions = found.pairs, found.headers, found.functions
    for stmt in _statements(tree.body):
        headers.extend(_header(stmt))
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                pairs.append((frozenset({alias.asname or alias.name.split(".")[0]}), stmt))
        elif isinstance(stmt, ast.Assign):
            names = frozenset(set().union(*(_target_identifiers(t) for t in stmt.targets)))
            pairs.append((names, stmt.value))
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                found.assigned.setdefault(stmt.targets[0].id, set()).update(_identifiers(stmt.value))
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            pairs.append((frozenset(_target_identifiers(stmt.target)), stmt))
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            pairs.append((frozenset(_target_identifiers(stmt.target)), stmt.iter))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    pairs.append((frozenset(_target_identifiers(item.optional_vars)), item.context_expr))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = stmt.args
            for arg in [
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                arguments.vararg,
                arguments.kwarg,
            ]:
                if arg is not None and arg.annotation is not None:
                    pairs.append((frozenset({arg.arg}), arg.annotation))
            if stmt.returns is not None:  # a factory of what we follow
                pairs.append((frozenset({stmt.name}), stmt.returns))
            functions.add(stmt.name)
        elif isinstance(stmt, ast.ClassDef):  # a subclass of what we follow
            pairs.extend((frozenset({stmt.name}), base) for base in [*stmt.bases, *stmt.keywords])
    return found


def _pattern(names: Collection[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")


def related_identifiers(tree: ast.Module, text: str, seeds: Collection[str]) -> frozenset[str]:
    """``seeds`` and, until nothing changes, every identifier bound from an expression that
    mentions one (by assignment, import, ``for``, ``with``, annotation, the return
    annotation of a ``def``, the bases of a ``class``), and every function of the file
    passed as an argument to a call that does."""
    if not seeds:
        return frozenset()
    lines = _Lines(text)
    pairs, headers, functions, assigned = _bindings(tree)
    spans = [(names, *lines.span(node)) for names, node in pairs]
    header_spans = [(node, *lines.span(node)) for node in headers]
    found = set(seeds)
    while True:
        pattern = _pattern(found)
        grown = set(found)
        for names, start, end in spans:
            if not names <= grown and pattern.search(text, start, end):
                grown |= names
        for node, start, end in header_spans:
            if pattern.search(text, start, end):
                grown |= _argument_identifiers(node, functions, assigned)
        if grown == found:
            return frozenset(found)
        found = grown


def blank_unrelated(text: str, tree: ast.Module, identifiers: Collection[str]) -> str:
    """``text`` with the body of every module- or class-level ``def``/``class`` that
    mentions none of ``identifiers`` (nor ``global``/``nonlocal``) blanked out, and the
    value of every module- or class-level assignment that mentions none; same length,
    same lines. A function that is kept is kept whole: its nested code sees its names."""
    lines = _Lines(text)
    pattern = _pattern(identifiers) if identifiers else None
    cuts: list[tuple[int, int, int]] = []  # (start of the body, end of its last line, indent)
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            start, end = lines.span(node)
            if (pattern is None or not pattern.search(text, start, end)) and not _DECLARATION.search(text, start, end):
                cut = _body_cut(node, lines)
                if cut is not None:
                    cuts.append(cut)
                    continue
            if not isinstance(node, ast.ClassDef):
                continue  # a function we keep, we keep whole: nested code sees its names
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            # A table of constants: the name stays bound, the value goes.
            start, end = lines.span(node)
            if pattern is None or not pattern.search(text, start, end):
                value_start, value_end = lines.offset(node.value, "start"), lines.offset(node.value, "end")
                cuts.append((value_start, value_end, 0))
            continue
        for field in _BLOCKS:
            stack.extend(getattr(node, field, None) or ())
    if not cuts:
        return text
    out: list[str] = []
    position = 0
    for start, end, indent in sorted(cuts):
        out.append(text[position : start + indent])
        out.append(_blank(text[start + indent : end]))
        position = end
    out.append(text[position:])
    return "".join(out)


def _blank(chunk: str) -> str:
    """An expression as long as ``chunk``, with its line breaks: one string literal over
    the lines (LibCST makes a node per blank line, not per line of a string), in
    parentheses when the first line is too short for the quotes; else ``0``."""
    parts = _SPLIT_LINES.split(chunk)  # content, break, content, ...
    lines = [" " * len(part) for part in parts[::2]]
    opener = next((i for i in range(len(lines)) if len(lines[i]) >= (3 if i == 0 else 4)), None)
    closing = '"""' if opener == 0 else '""")'
    last = None
    if opener is not None:
        last = next(
            (i for i in range(len(lines) - 1, opener - 1, -1) if len(lines[i]) >= len(closing) + 3 * (i == opener)),
            None,
        )
    if opener is None or last is None:
        lines[0] = "0" + lines[0][1:]
    else:
        if opener:
            lines[0] = "(" + lines[0][1:]
        lines[opener] = '"""' + lines[opener][3:]
        lines[last] = lines[last][: -len(closing)] + closing
    parts[::2] = lines
    return "".join(parts)


def _body_cut(node: ast.stmt, lines: _Lines) -> tuple[int, int, int] | None:
    """Where a definition's body can be blanked: it starts its own line, after the header."""
    body = node.body  # type: ignore[attr-defined]
    first, last = body[0], body[-1]
    line_start = lines.starts[first.lineno - 1]
    line = lines.text[line_start : lines.starts[first.lineno] if first.lineno < len(lines.starts) else len(lines.text)]
    indent = len(line) - len(line.lstrip(" \t\f"))
    if first.lineno <= node.lineno or first.col_offset != indent or not line[indent:].strip():
        return None
    end = lines.starts[last.end_lineno] if last.end_lineno < len(lines.starts) else len(lines.text)
    # The last line's break stays: blank everything up to it.
    tail = _LINE_BREAK.search(lines.text, lines.starts[last.end_lineno - 1], end)
    return line_start, tail.start() if tail else end, indent
