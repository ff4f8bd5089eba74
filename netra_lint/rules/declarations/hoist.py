"""The fix of late ``global`` / ``nonlocal`` declarations: hoist them to the top of their
scope, with LibCST positions, one fix per scope so the edits never overlap."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from ...checker import CstVisitor, FileContext
from ...diagnostics import Edit, apply_edits
from ...lazy import libcst as cst
from .nl301_global import CODE as GLOBAL_CODE
from .symbols import Finding


@dataclass
class _Line:
    """A simple-statement line (or one-line suite) of the CST and the block that holds it."""

    node: cst.SimpleStatementLine | cst.SimpleStatementSuite
    block: cst.CSTNode  # IndentedBlock, Module, or the suite itself


class _Declaration(NamedTuple):
    """A ``global`` / ``nonlocal`` statement of the CST, its line and its scope."""

    node: cst.Global | cst.Nonlocal
    line: _Line
    scope: cst.CSTNode  # Module, FunctionDef or ClassDef


class _LineDeclarations(NamedTuple):
    """The late declarations that share one line."""

    line: _Line
    declarations: list[cst.Global | cst.Nonlocal]


class _TopSlot(NamedTuple):
    """The first statement of a scope after its docstring: the line, and for a simple
    statement line, the small statement."""

    line: cst.CSTNode
    small: cst.BaseSmallStatement | None


class _CstIndex(CstVisitor):
    """Where each declaration of the CST sits: its line, its block, its scope."""

    def __init__(self, spans: Callable[[cst.CSTNode], tuple[int, int]]) -> None:
        self.spans = spans
        self.scopes: list[cst.CSTNode] = []
        self.blocks: list[cst.CSTNode] = []
        self.lines: list[_Line] = []
        self.declarations: dict[int, _Declaration] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self.scopes.append(node)
        self.blocks.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.blocks.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.lines.append(_Line(node, self.blocks[-1]))

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.lines.pop()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.lines.append(_Line(node, node))

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self.lines.pop()

    def visit_Global(self, node: cst.Global) -> None:
        self.declarations[self.spans(node)[0]] = _Declaration(node, self.lines[-1], self.scopes[-1])

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declarations[self.spans(node)[0]] = _Declaration(node, self.lines[-1], self.scopes[-1])


@dataclass
class _Late:
    """A late declaration: its statement and the names that stay (they can't be fixed)."""

    node: ast.Global | ast.Nonlocal
    staying: list[str]


class Fixer:
    """Builds the hoisting edits of one scope."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.text = ctx.text
        self._index: _CstIndex | None = None

    @property
    def index(self) -> _CstIndex | None:
        """The declarations of the CST; None if LibCST can't parse what ``ast`` did."""
        if self._index is None:
            index = _CstIndex(self.ctx.cst_span)
            try:
                self.ctx.cst_module.visit(index)
            except cst.ParserSyntaxError:  # e.g. ``(x): int = 1``, which LibCST does not support
                return None
            self._index = index
        return self._index

    def edits(self, late: list[_Late]) -> list[Edit]:
        """Edits moving the names of the ``late`` declarations of a scope to its top.

        Both keywords of a scope are moved by the same fix, so that two fixes never empty
        one block between them. Returns no edits when the result would not parse.
        """
        index = self.index
        if index is None:
            return []
        found = [index.declarations.get(self.ctx.source.ast_span(entry.node)[0]) for entry in late]
        located = [declaration for declaration in found if declaration is not None]
        if not located or len(located) < len(found):
            return []
        stays: dict[int, list[str]] = {}
        hoisted: dict[type[cst.CSTNode], list[str]] = {cst.Global: [], cst.Nonlocal: []}
        by_line: dict[int, _LineDeclarations] = {}
        for entry, (node, line, _) in zip(late, located):
            stays[id(node)] = entry.staying
            names = hoisted[type(node)]
            names.extend(n for n in entry.node.names if n not in entry.staying and n not in names)
            by_line.setdefault(id(line.node), _LineDeclarations(line, [])).declarations.append(node)
        top = self._top(located[0].scope, hoisted)
        if top is None:
            return []
        edits = top
        removed_lines = self._removed_lines(by_line, stays)
        for line, declarations in by_line.values():
            edits.extend(self._line_edits(line, declarations, stays, removed_lines))
        return edits if self._parses(edits) else []

    # -- the top of the scope ---------------------------------------------------------

    def _top(self, scope: cst.CSTNode, hoisted: dict[type[cst.CSTNode], list[str]]) -> list[Edit] | None:
        """The edits that declare the hoisted names at the top of ``scope``."""
        slot = _top_slot(scope)
        if slot is None:
            return None
        line, small = slot
        edits: list[Edit] = []
        declarations: list[str] = []
        for kind, names in hoisted.items():
            if not names:
                continue
            if isinstance(small, kind):  # merge into the declaration already there
                present = {item.name.value for item in small.names}  # type: ignore[attr-defined]
                end = self.ctx.cst_span(small.names[-1].name)[1]  # type: ignore[attr-defined]
                edits.append(Edit(end, end, "".join(f", {n}" for n in names if n not in present)))
            else:
                keyword = "global" if kind is cst.Global else "nonlocal"
                declarations.append(f"{keyword} {', '.join(names)}")
        if not declarations:
            return [e for e in edits if e.content]
        if small is not None and (isinstance(line, cst.SimpleStatementSuite) or line.body[0] is not small):  # type: ignore[attr-defined]
            start = self.ctx.cst_span(small)[0]
            return [*edits, Edit(start, start, "".join(f"{d}; " for d in declarations))]
        first = line.decorators[0] if getattr(line, "decorators", None) else line  # type: ignore[attr-defined]
        start = self.ctx.cst_span(first)[0]
        line_start = start - (self.ctx.source.location(start)[1] - 1)
        indent = self.text[line_start:start]
        if indent.strip():
            return None  # the statement does not start its line (a backslash continuation)
        newline = self.ctx.source.newline
        return [*edits, Edit(line_start, line_start, "".join(f"{indent}{d}{newline}" for d in declarations))]

    # -- the late declarations --------------------------------------------------------

    def _removed_lines(self, by_line: dict[int, _LineDeclarations], stays: dict[int, list[str]]) -> set[int]:
        """Lines left without any statement; the last of a block that empties keeps a ``pass``."""
        emptied: dict[int, list[_Line]] = {}
        for line, declarations in by_line.values():
            gone = {id(d) for d in declarations if not stays[id(d)]}
            if all(id(small) in gone for small in line.node.body):
                emptied.setdefault(id(line.block), []).append(line)
        removed: set[int] = set()
        for lines in emptied.values():
            block = lines[0].block
            total = len(block.body) if isinstance(block, (cst.IndentedBlock, cst.Module)) else 1
            keep_pass = lines[-1] if len(lines) == total and not isinstance(block, cst.Module) else None
            removed.update(id(line.node) for line in lines if line is not keep_pass)
        return removed

    def _line_edits(
        self,
        line: _Line,
        declarations: list[cst.Global | cst.Nonlocal],
        stays: dict[int, list[str]],
        removed_lines: set[int],
    ) -> Iterator[Edit]:
        smalls = list(line.node.body)
        spans = [self.ctx.cst_span(small) for small in smalls]
        gone = {id(d) for d in declarations if not stays[id(d)]}
        for declaration in declarations:
            staying = stays[id(declaration)]
            if staying:
                first = self.ctx.cst_span(declaration.names[0].name)[0]
                last = self.ctx.cst_span(declaration.names[-1].name)[1]
                yield Edit(first, last, ", ".join(staying))
        kept = [i for i, small in enumerate(smalls) if id(small) not in gone]
        if not kept:
            if id(line.node) in removed_lines:
                yield self._delete_line(line.node, spans)
            else:
                yield Edit(spans[0][0], spans[-1][1], "pass")
            return
        last_kept = kept[-1]
        for i, small in enumerate(smalls):
            if id(small) in gone and i < last_kept:
                yield Edit(spans[i][0], spans[i + 1][0])
        if last_kept < len(smalls) - 1:
            yield Edit(spans[last_kept][1], spans[-1][1])

    def _delete_line(self, node: cst.CSTNode, spans: list[tuple[int, int]]) -> Edit:
        """Delete a whole line; a trailing comment stays in its place."""
        comment = node.trailing_whitespace.comment  # type: ignore[attr-defined]
        if comment is not None:
            return Edit(spans[0][0], self.ctx.cst_span(comment)[0])
        source = self.ctx.source
        first_row = source.location(spans[0][0])[0]
        last_row = source.location(spans[-1][1])[0]
        end = source.line_starts[last_row] if last_row < len(source.line_starts) else len(self.text)
        return Edit(source.line_starts[first_row - 1], end)

    def _parses(self, edits: list[Edit]) -> bool:
        try:
            ast.parse(apply_edits(self.text, edits))
        except (SyntaxError, ValueError):
            return False
        return True


def _top_slot(scope: cst.CSTNode) -> _TopSlot | None:
    """The first statement of a scope after its docstring (and ``__future__`` imports)."""
    if isinstance(scope, cst.Module):
        lines: list[cst.CSTNode] = list(scope.body)
    else:
        body = scope.body  # type: ignore[attr-defined]
        lines = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    first = True
    for line in lines:
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return _TopSlot(line, None)
        for small in line.body:
            docstring = (
                first
                and isinstance(small, cst.Expr)
                and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
            )
            future = isinstance(scope, cst.Module) and _is_future_import(small)
            first = False
            if not docstring and not future:
                return _TopSlot(line, small)
    return None


def _is_future_import(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.ImportFrom)
        and isinstance(node.module, cst.Name)
        and node.module.value == "__future__"
        and not node.relative
    )


def scope_fixes(findings: list[Finding], fixer: Fixer) -> dict[int, Callable[[], list[Edit]]]:
    """One fix per scope, moving all its late declarations of the enabled codes at once."""
    late: dict[int, dict[int, ast.Global | ast.Nonlocal]] = {}
    unfixable: dict[int, set[str]] = {}
    for finding in findings:
        if finding.index < 0 or not fixer.ctx.enabled(finding.code):
            continue
        if not finding.fixable:
            unfixable.setdefault(id(finding.node), set()).add(finding.name)
        elif finding.code == GLOBAL_CODE or finding.scope.has_nonlocal_binding(finding.name):
            # (a ``nonlocal`` without a binding would only trade one error for another)
            late.setdefault(id(finding.scope), {})[id(finding.node)] = finding.node  # type: ignore[assignment]
    fixes: dict[int, Callable[[], list[Edit]]] = {}
    for scope, statements in late.items():
        entries = [
            _Late(node, [n for n in node.names if n in unfixable.get(id(node), ())]) for node in statements.values()
        ]
        fixes[scope] = _cached(partial(fixer.edits, entries))
    return fixes


def _cached(compute: Callable[[], list[Edit]]) -> Callable[[], list[Edit]]:
    """The edits of a scope are built once however many of its names are reported."""
    result: list[list[Edit]] = []

    def edits() -> list[Edit]:
        if not result:
            result.append(compute())
        return result[0]

    return edits
