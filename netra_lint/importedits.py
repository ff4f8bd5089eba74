"""Text edits that add or remove top-level imports, shared by every rule that rewrites them.

Edits are small and local so that fixes of several rules can be applied in one pass:
a new import is one new line in the module's import block, beside the imports of its own
package (identical insertions from several fixes merge into one), and a removed import
deletes exactly its own line(s). Where the file imports the migrated library optionally
(``try: import lib`` / ``except ImportError: ...``), a new import goes right below that
import instead (``OptionalImports``): at the top, it would make the module fail to import
where the library is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TypeGuard

from .checker import CstVisitor, FileContext
from .diagnostics import Edit
from .lazy import libcst as cst


def dotted_name(node: cst.CSTNode | None) -> str:
    """``a.b.c`` for a Name/Attribute chain; "" for anything else (a call, a subscript)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(stmt: cst.CSTNode) -> TypeGuard[cst.SimpleStatementLine]:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


def has_import(module: cst.Module, source_module: str, name: str | None = None, asname: str | None = None) -> bool:
    """True if ``from source_module import name [as asname]`` (or ``import source_module``
    when ``name`` is None) is already a top-level statement of ``module``."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for imp in stmt.body:  # an import may share its line with other statements
            if (
                name is None
                and isinstance(imp, cst.Import)
                and any(dotted_name(a.name) == source_module and a.asname is None for a in imp.names)
            ):
                return True
            if (
                name is not None
                and isinstance(imp, cst.ImportFrom)
                and not imp.relative
                and dotted_name(imp.module) == source_module
                and not isinstance(imp.names, cst.ImportStar)
            ):
                for alias in imp.names:
                    alias_as = (
                        alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
                    )
                    if dotted_name(alias.name) == name and alias_as == asname:
                        return True
    return False


def import_line(source_module: str, name: str | None = None, asname: str | None = None) -> str:
    """The text of one import statement, without line ending."""
    alias = f" as {asname}" if asname else ""
    if name is None:
        return f"import {source_module}{alias}"
    return f"from {source_module} import {name}{alias}"


def _imported_module(stmt: cst.SimpleStatementLine) -> str:
    """The absolute module the first import of an import line names ("" if relative)."""
    first = stmt.body[0]
    if isinstance(first, cst.Import):
        return dotted_name(first.names[0].name)
    assert isinstance(first, cst.ImportFrom)
    return "" if first.relative else dotted_name(first.module)


def insertion_offset(ctx: FileContext, source_module: str = "") -> int:
    """Where a new top-level import of ``source_module`` goes: among the leading block's
    imports of the same top-level package, in sorted position (so a sorted block stays
    sorted and the import lands in its package's section), else after the leading
    docstring and import block."""
    module = ctx.cst_module
    anchor: cst.CSTNode | None = None
    siblings: list[tuple[str, cst.SimpleStatementLine]] = []
    package = source_module.partition(".")[0]
    for stmt in module.body:
        if _is_docstring(stmt) and anchor is None:
            anchor = stmt
        elif _is_import_line(stmt):
            anchor = stmt
            imported = _imported_module(stmt)
            if package and imported.partition(".")[0] == package:
                siblings.append((imported, stmt))
        else:
            break
    starts = ctx.source.line_starts
    if siblings:
        before = [stmt for imported, stmt in siblings if imported <= source_module]
        if not before:
            return starts[ctx.source.location(ctx.cst_span(siblings[0][1])[0])[0] - 1]
        anchor = before[-1]
    if anchor is None:
        if not module.body:
            return len(ctx.text)
        first = module.body[0]
        # A decorated definition starts at its first decorator, not at ``def``/``class``.
        decorators = getattr(first, "decorators", ())
        row = ctx.source.location(ctx.cst_span(decorators[0] if decorators else first)[0])[0]
        return starts[row - 1]
    end_row = ctx.source.location(ctx.cst_span(anchor)[1])[0]
    return starts[end_row] if end_row < len(starts) else len(ctx.text)


def add_import(ctx: FileContext, source_module: str, name: str | None = None, asname: str | None = None) -> list[Edit]:
    """Edits that make the import available: none if it is already there, else one new line."""
    if has_import(ctx.cst_module, source_module, name, asname):
        return []
    offset = insertion_offset(ctx, source_module)
    newline = ctx.source.newline
    prefix = "" if offset == 0 or ctx.text[offset - 1] in "\r\n" else newline
    return [Edit(offset, offset, f"{prefix}{import_line(source_module, name, asname)}{newline}")]


def remove_line(ctx: FileContext, stmt: cst.SimpleStatementLine) -> Edit:
    """Delete a whole simple-statement line (with its trailing comment and line ending)."""
    start, end = ctx.cst_span(stmt)
    starts = ctx.source.line_starts
    start_row = ctx.source.location(start)[0]
    end_row = ctx.source.location(end)[0]
    line_end = starts[end_row] if end_row < len(starts) else len(ctx.text)
    return Edit(starts[start_row - 1], line_end, "")


def replace_node(ctx: FileContext, old: cst.CSTNode, new: cst.CSTNode | str) -> Edit:
    """Replace the text of ``old`` by ``new`` (a node rendered in this file's style, or text)."""
    start, end = ctx.cst_span(old)
    content = new if isinstance(new, str) else ctx.code_for(new)
    return Edit(start, end, content)


def import_below(ctx: FileContext, statement: cst.Import | cst.ImportFrom, text: str) -> Edit:
    """A new import line right below ``statement``, so it runs where the old one ran."""
    start, end = ctx.cst_span(statement)
    source = ctx.source
    row = source.location(start)[0]
    indent = ctx.text[source.line_starts[row - 1] : start]
    end_row = source.location(end)[0]
    offset = source.line_starts[end_row] if end_row < len(source.line_starts) else len(ctx.text)
    prefix = "" if ctx.text[offset - 1 : offset] in ("\n", "\r") else source.newline
    return Edit(offset, offset, f"{prefix}{indent}{text}{source.newline}")


def imported_modules(statement: cst.Import | cst.ImportFrom) -> list[str]:
    """The absolute modules an import statement names ("" for a relative one)."""
    if isinstance(statement, cst.Import):
        return [dotted_name(alias.name) for alias in statement.names]
    return [dotted_name(statement.module) if statement.module and not statement.relative else ""]


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


class _GuardedImports(CstVisitor):
    """The imports in the body of a ``try`` that catches ImportError (or ModuleNotFoundError)."""

    def __init__(self) -> None:
        self.found: list[cst.Import | cst.ImportFrom] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Try) and _catches_import_error(node) and isinstance(node.body, cst.IndentedBlock):
            for line in node.body.body:
                if isinstance(line, cst.SimpleStatementLine):
                    self.found.extend(s for s in line.body if isinstance(s, (cst.Import, cst.ImportFrom)))
        return True


def _catches_import_error(guard: cst.Try) -> bool:
    caught = {
        dotted_name(element.value if isinstance(element, cst.Element) else element)
        for handler in guard.handlers
        if handler.type is not None
        for element in (handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type])
    }
    return bool(caught & _IMPORT_ERRORS)


class OptionalImports:
    """Where the imports a fix adds go, so that they are as optional as the file's import of
    the library the fix migrates away from."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    @cached_property
    def _guarded(self) -> list[cst.Import | cst.ImportFrom]:
        visitor = _GuardedImports()
        self.ctx.cst_module.visit(visitor)
        return sorted(visitor.found, key=lambda statement: self.ctx.cst_span(statement)[0])

    def guard(self, wanted: Callable[[str], bool]) -> cst.Import | cst.ImportFrom | None:
        """The first import of a ``wanted`` module in the body of a ``try`` that catches
        ImportError, in text order."""
        for statement in self._guarded:
            if any(wanted(module) for module in imported_modules(statement)):
                return statement
        return None

    def add(
        self, wanted: Callable[[str], bool], module: str, name: str | None = None, asname: str | None = None
    ) -> list[Edit]:
        """The import a fix needs: none if it is there; where a ``wanted`` module is imported
        optionally, right below that import; else with the file's imports."""
        guard = self.guard(wanted)
        if guard is None or has_import(self.ctx.cst_module, module, name, asname):
            return add_import(self.ctx, module, name, asname)
        return [import_below(self.ctx, guard, import_line(module, name, asname))]
