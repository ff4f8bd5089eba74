"""What the three rules of the family know about one file, computed once per file: the
nodes they look at, every node's parent, the name resolution, and the calls that reach a
deprecated entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ...checker import CstVisitor, Edit, FileContext
from ...lazy import libcst as cst
from .pack import Deprecation
from .resolution import AttributeStore, Resolver, module_package

if TYPE_CHECKING:
    from libcst.metadata import Scope


class CallSite(NamedTuple):
    """A call of a deprecated constructor or function (``method`` is None), or of a method
    on a receiver known to be an instance of a deprecated class."""

    call: cst.Call
    entry: Deprecation
    method: str | None
    built: bool  # the receiver is built by calling the deprecated class in this file


class _Collector(CstVisitor):
    """One pass over the tree: parents, and the nodes the rules look at."""

    def __init__(self, analysis: _Analysis) -> None:
        self.analysis = analysis
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        found = self.analysis
        if self.stack:
            found.parents[node] = self.stack[-1]
        self.stack.append(node)
        if isinstance(node, cst.Call):
            found.calls.append(node)
        elif isinstance(node, cst.ImportFrom):
            found.import_froms.append(node)
        elif isinstance(node, cst.Attribute):
            found.attributes.append(node)
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For)):
            self._targets(node, node.target)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._targets(node, node.asname.name)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    def _targets(self, statement: cst.CSTNode, target: cst.BaseExpression) -> None:
        leaves = [e.value for e in target.elements] if isinstance(target, (cst.Tuple, cst.List)) else [target]
        for leaf in leaves:
            if isinstance(leaf, cst.Attribute) and isinstance(leaf.value, cst.Name):
                self.analysis.attribute_stores.append(AttributeStore(leaf, statement))


class _Analysis:
    """Everything the three rules need to know about one file, computed once."""

    def __init__(self, ctx: FileContext, by_old: dict[str, Deprecation], factories: dict[str, Deprecation]) -> None:
        self.ctx = ctx
        self.by_old = by_old
        self.scopes = ctx.cst_wrapper.resolve(cst.metadata.ScopeProvider)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.calls: list[cst.Call] = []
        self.import_froms: list[cst.ImportFrom] = []
        self.attributes: list[cst.Attribute] = []
        self.attribute_stores: list[AttributeStore] = []
        ctx.cst_module.visit(_Collector(self))  # in text order
        self.names = Resolver(
            ctx.cst_module, self.scopes, self.parents, self.attribute_stores, module_package(ctx), by_old, factories
        )

    def call_sites(self) -> Iterator[CallSite]:
        """The calls that reach a deprecated entry, in text order."""
        for call in self.calls:
            entry = self.names.entry_of(call.func)
            if entry is not None and entry.call is not None:
                yield CallSite(call, entry, None, False)
                continue
            if not isinstance(call.func, cst.Attribute):
                continue
            known = self.names.instance_of(call.func.value)
            if known is not None:
                yield CallSite(call, known.entry, call.func.attr.value, known.built)

    def inside(self, node: cst.CSTNode, kind: type[cst.CSTNode]) -> bool:
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, kind):
            parent = self.parents.get(parent)
        return parent is not None

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

    def name_free(self, name: str, at: cst.CSTNode, qualified: str) -> bool:
        """True if ``name`` at ``at`` (and at module level) is unbound or already ``qualified``."""
        for anchor in (at, self.ctx.cst_module.body[0] if self.ctx.cst_module.body else at):
            scope: Scope | None = self.scopes.get(anchor)
            if scope is None:
                return False
            if scope[name] and self.names.qualified(name, anchor) != {qualified}:
                return False
        return True
