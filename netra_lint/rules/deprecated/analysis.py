"""What the three rules of the family know about one file, computed once per file: the
LibCST nodes their fixes rewrite, the semantic model that says what names mean, and the
calls that reach a deprecated entry."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cached_property
from typing import NamedTuple

from ...checker import CstVisitor, Edit, FileContext
from ...importedits import OptionalImports
from ...lazy import libcst as cst
from ...semantics.scopes import Binding
from .pack import Deprecation
from .resolution import Resolver


class CallSite(NamedTuple):
    """A call of a deprecated constructor or function (``method`` is None), or of a method
    on a receiver known to be an instance of a deprecated class."""

    call: cst.Call
    node: ast.Call  # the same call in the semantic model
    entry: Deprecation
    method: str | None
    built: bool  # the receiver is built by calling the deprecated class in this file


class _Collector(CstVisitor):
    """One pass over the LibCST tree for the nodes the rules may rewrite, in text order."""

    def __init__(self, analysis: _Analysis) -> None:
        self.analysis = analysis

    def on_visit(self, node: cst.CSTNode) -> bool:
        found = self.analysis
        if isinstance(node, cst.Call):
            found.calls.append(node)
        elif isinstance(node, cst.ImportFrom):
            found.import_froms.append(node)
        elif isinstance(node, cst.Attribute):
            found.attributes.append(node)
        return True


class _Analysis:
    """Everything the three rules need to know about one file, computed once."""

    def __init__(self, ctx: FileContext, by_old: dict[str, Deprecation], factories: dict[str, Deprecation]) -> None:
        self.ctx = ctx
        self.model = ctx.semantic_model
        self.names = Resolver(self.model, by_old, factories)
        self.by_old = self.names.by_old
        self.calls: list[cst.Call] = []
        self.import_froms: list[cst.ImportFrom] = []
        self.attributes: list[cst.Attribute] = []
        ctx.cst_module.visit(_Collector(self))
        self.optional_imports = OptionalImports(ctx)

    def call_sites(self) -> Iterator[CallSite]:
        """The calls that reach a deprecated entry, in text order."""
        for call in self.calls:
            node = self.ctx.model_node(call, ast.Call)
            if node is None:
                continue
            entry = self.names.entry_of(node.func)
            if entry is not None and entry.call is not None:
                yield CallSite(call, node, entry, None, False)
                continue
            if not isinstance(node.func, ast.Attribute):
                continue
            known = self.names.instance_of(node.func.value)
            if known is not None:
                yield CallSite(call, node, known.entry, node.func.attr, known.built)

    @cached_property
    def _imports(self) -> dict[ast.AST, Binding]:
        """Each name of an import statement → its binding (in the scope ``global`` names)."""
        return {
            binding.node: binding
            for scope in self.model.scopes
            for bindings in scope.bindings.values()
            for binding in bindings
            if isinstance(binding.node, ast.alias)
        }

    def import_binding(self, alias: cst.ImportAlias) -> Binding | None:
        """The binding a name of a ``from ... import`` statement makes."""
        node = self.ctx.model_node(alias, ast.alias)
        return self._imports.get(node) if node is not None else None

    def add_import(self, entry: Deprecation, asname: str | None = None) -> list[Edit]:
        """The import of ``entry``'s new name a fix needs, as optional as the file's import of
        the old one (see ``OptionalImports``)."""
        return self.optional_imports.add(entry.provides_old, entry.new_module, entry.new_name, asname)

    def in_fstring(self, node: ast.AST) -> bool:
        return any(isinstance(parent, ast.JoinedStr) for parent in self.model.ancestors(node))

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Text offsets of a model node (a name in a forward reference: its string)."""
        return self.ctx.locator.span(node)

    def replace(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        """Replace ``old`` by ``new``, rendered with the indentation of the line it starts on.

        (A node rendered on its own loses the block indentation of its inner line breaks.)
        """
        start, end = self.ctx.cst_span(old)
        source = self.ctx.source
        line = source.line_text(source.location(start)[0])
        module = self.ctx.cst_module
        # The code generator Module.code uses (not public API; checker.py records spans with it too).
        from libcst._nodes.internal import CodegenState

        state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
        state.indent_tokens.append(line[: len(line) - len(line.lstrip(" \t"))])
        new._codegen(state)
        return Edit(start, end, "".join(state.tokens))
