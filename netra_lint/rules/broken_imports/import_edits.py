"""The fix of a ``from`` import whose names go elsewhere: the statement takes the new module
(written relative when it was), or keeps the names that stay while the moved ones go to new
imports, on lines after it (or after a ``;`` where no line may follow: a block header's
line, a logical line that goes on)."""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

from ...checker import Diagnostic, Edit
from ...index import Position
from ...lazy import libcst as cst
from .destinations import _Plan
from .file_check import _common_prefix, _FileCheck
from .import_comments import comments_of, import_text, with_names


class _Place(NamedTuple):
    """Where a ``from`` import sits: whether new lines may follow its line (it ends its
    logical line, which is not a block header's), and that line's indentation."""

    lines_after: bool
    indent: str


class _ImportEdits(_FileCheck):
    """The edits of a ``from`` import, built with LibCST when a fix is asked for."""

    def from_diagnostic(
        self, code: str, message: str, span: tuple[int, int], stmt_pos: Position, plan: _Plan | None
    ) -> Diagnostic:
        if plan is None:
            return self.ctx.diagnostic(code, message, span)

        def fix() -> list[Edit]:
            return self.from_edits(stmt_pos, plan)

        return self.ctx.diagnostic(code, message, span, fix=fix, applicability=plan.applicability, fix_title=plan.title)

    @cached_property
    def cst_imports(self) -> dict[int, tuple[cst.ImportFrom, _Place]]:
        """Every ``from`` import by start offset, and where it sits."""
        found: dict[int, tuple[cst.ImportFrom, _Place]] = {}
        ctx = self.ctx

        def indent_at(node: cst.CSTNode) -> str:
            line = ctx.source.line_text(ctx.source.location(ctx.cst_span(node)[0])[0])
            return line[: len(line) - len(line.lstrip())]

        class Finder(cst.CSTVisitor):
            def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
                last = len(node.body) - 1
                for k, stmt in enumerate(node.body):
                    if isinstance(stmt, cst.ImportFrom):
                        found[ctx.cst_span(stmt)[0]] = (stmt, _Place(k == last, indent_at(node)))

            def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
                for stmt in node.body:
                    if isinstance(stmt, cst.ImportFrom):
                        found[ctx.cst_span(stmt)[0]] = (stmt, _Place(False, ""))

        ctx.cst_wrapper.visit(Finder())
        return found

    def module_text(self, target: str, relative: bool) -> str:
        """``target`` written relative to this file when the import was relative."""
        own = self.summary.module
        if not relative or not own:
            return target
        package = own.split(".") if self.summary.is_package else own.split(".")[:-1]
        shared = _common_prefix(".".join(package), target) if package else 0
        if shared == 0:
            return target
        return "." * (len(package) - shared + 1) + ".".join(target.split(".")[shared:])

    def from_edits(self, stmt_pos: Position, plan: _Plan) -> list[Edit]:
        start, end = self.span(stmt_pos)
        found = self.cst_imports.get(start)
        if found is None:
            return []
        node, place = found
        node = node.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)  # outside the statement's span
        relative = bool(node.relative)
        groups: dict[str, list[tuple[int, str]]] = {}
        for i, (target, new_name) in sorted(plan.destinations.items()):
            groups.setdefault(target, []).append((i, new_name))
        if isinstance(node.names, cst.ImportStar):
            (target,) = groups
            return [Edit(start, end, self.ctx.code_for(self.with_module(node, target, relative)))]
        aliases = list(node.names)
        moved_aliases = {
            target: [self.renamed(aliases[i], new_name) for i, new_name in members]
            for target, members in groups.items()
        }
        kept = [i for i in range(len(aliases)) if i not in plan.destinations]
        targets = sorted(moved_aliases)
        if not kept and len(targets) == 1:  # every name moves to one module: keep the layout
            names = [a.with_changes(comma=aliases[k].comma) for k, a in enumerate(moved_aliases[targets[0]])]
            new = self.with_module(node, targets[0], relative).with_changes(names=names)
            return [Edit(start, end, self.ctx.code_for(new))]
        source = self.ctx.source
        comments = comments_of(node)
        statements = [
            import_text(
                f"from {self.module_text(t, relative)} import ",
                [self.ctx.code_for(a) for a in self.plain(moved_aliases[t])],
                [comments.names[i] for i, _ in groups[t]],
                place.indent,
                source.newline,
                comments if not kept and t == targets[0] else None,  # the statement's own, if it goes
            )
            for t in targets
        ]
        # Without a name that stays, the statement becomes the first of the new imports.
        first = self.ctx.code_for(with_names(node, kept)) if kept else statements.pop(0)
        end_row = source.location(end)[0]
        if not place.lines_after or source.line_text(end_row).rstrip().endswith("\\"):
            # A block header's line, or a logical line that goes on: the new imports
            # follow the statement after a ``;``.
            return [Edit(start, end, "; ".join([first, *statements]))]
        # The new imports go on their own lines after the statement's last line, so a
        # trailing comment stays with the statement it was written for.
        lines = [place.indent + statement for statement in statements]
        if end_row < len(source.line_starts):
            at = source.line_starts[end_row]
            insertion = Edit(at, at, "".join(x + source.newline for x in lines))
        else:  # the last line of a file without a final line break
            insertion = Edit(len(source.text), len(source.text), "".join(source.newline + x for x in lines))
        return [Edit(start, end, first), insertion]

    def with_module(self, node: cst.ImportFrom, target: str, relative: bool) -> cst.ImportFrom:
        text = self.module_text(target, relative)
        dots = len(text) - len(text.lstrip("."))
        rest = text[dots:]
        module = cst.parse_expression(rest) if rest else None
        return node.with_changes(relative=[cst.Dot()] * dots, module=module)

    @staticmethod
    def renamed(alias: cst.ImportAlias, new_name: str) -> cst.ImportAlias:
        if new_name == "*" or alias.evaluated_name == new_name:
            return alias
        old = alias.evaluated_name
        asname = alias.asname or cst.AsName(name=cst.Name(old))
        return alias.with_changes(name=cst.Name(new_name), asname=asname)

    @staticmethod
    def plain(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
        """Aliases for a one-line import, each without its comma (and the comments or line
        breaks the comma held): the caller joins them with ``", "``."""
        return [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
