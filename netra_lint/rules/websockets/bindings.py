"""The semantic model's bindings and reads, as the LibCST nodes the websockets fixes rewrite.

The model (``netra_lint.semantics``) says which bindings a name read sees and which reads
a binding reaches; the checks hold LibCST nodes. Both trees come from the same text, so a
node of one is found in the other by its text span (a parameter by where its name starts;
a name in a string annotation is the string). The LibCST tree may be focused: a read in
a body blanked out as unrelated has no LibCST node, and is reported as such (``None``),
so that a fix that must see every read doesn't go ahead without it.
"""

from __future__ import annotations

import ast
from functools import cached_property
from typing import TYPE_CHECKING

from ...lazy import libcst as cst
from ...semantics.scopes import (
    ANNOTATED,
    ASSIGNMENT,
    AUGMENTED,
    CLASS_DEF,
    DEFINITION,
    EXCEPT,
    FROM_IMPORT,
    IMPORT,
    LOOP,
    PARAMETER,
    WALRUS,
    WITH,
    Binding,
)

if TYPE_CHECKING:
    from ...checker import FileContext

_TARGETS = frozenset({ASSIGNMENT, ANNOTATED, AUGMENTED, LOOP, WITH, WALRUS})
_STRINGS = ("SimpleString", "ConcatenatedString", "FormattedString")


class ModelBindings:
    """Bindings and reads of one file's semantic model, by LibCST node."""

    def __init__(self, ctx: FileContext, parents: dict[cst.CSTNode, cst.CSTNode]) -> None:
        self.ctx = ctx
        self.model = ctx.semantic_model
        self.parents = parents

    @cached_property
    def _by_span(self) -> dict[tuple[int, int], list[cst.CSTNode]]:
        found: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node in self.parents:
            found.setdefault(self.ctx.cst_span(node), []).append(node)
        return found

    @cached_property
    def _params(self) -> dict[int, cst.Param]:
        return {self.ctx.cst_span(node)[0]: node for node in self.parents if isinstance(node, cst.Param)}

    @cached_property
    def _by_node(self) -> dict[cst.CSTNode, Binding]:
        """Binding node (as ``node_of`` gives it) → its binding, for every binding of the file."""
        found: dict[cst.CSTNode, Binding] = {}
        for scope in self.model.scopes:
            for bindings in scope.bindings.values():
                for binding in bindings:
                    node = self.node_of(binding)
                    if node is not None and binding.kind not in (IMPORT, FROM_IMPORT):
                        found.setdefault(node, binding)
        return found

    def cst_at(self, node: ast.AST, kind: type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]) -> cst.CSTNode | None:
        """The LibCST node of ``kind`` that spans what a model node does."""
        span = self.ctx.locator.span(node)
        return next((n for n in self._by_span.get(span, ()) if isinstance(n, kind)), None)

    def seen_by(self, read: cst.CSTNode) -> list[Binding] | None:
        """The bindings a Name read sees; None when it is no read the model knows."""
        located = self.ctx.model_node(read, ast.Name)
        return self.model.bindings_of(located) if located is not None else None

    def node_of(self, binding: Binding) -> cst.CSTNode | None:
        """The LibCST node that stands for a binding: the parameter, the target Name, the
        def or class, the ``except ... as`` name, or the import statement."""
        node, kind = binding.node, binding.kind
        if kind == PARAMETER:
            return self._params.get(self.ctx.source.ast_span(node)[0])
        if kind in _TARGETS and isinstance(node, ast.Name):
            return self.cst_at(node, cst.Name)
        if kind == DEFINITION:
            return self.cst_at(node, cst.FunctionDef)
        if kind == CLASS_DEF:
            return self.cst_at(node, cst.ClassDef)
        if kind == EXCEPT:
            handler = self.cst_at(node, cst.ExceptHandler)
            named = handler.name if isinstance(handler, cst.ExceptHandler) else None
            return named.name if named is not None else None
        if kind in (IMPORT, FROM_IMPORT):
            alias = self.cst_at(node, cst.ImportAlias)
            return self.parents.get(alias) if alias is not None else None
        return None

    def binding_at(self, node: cst.CSTNode) -> Binding | None:
        """The binding a LibCST binding node (a parameter, target, def...) makes."""
        return self._by_node.get(node)

    def import_binding(self, alias: cst.ImportAlias) -> Binding | None:
        """The binding one name of an import statement makes."""
        located = self.ctx.model_node(alias, ast.alias)
        if located is None:
            return None
        return next(
            (
                binding
                for scope in self.model.scopes
                for bindings in scope.bindings.values()
                for binding in bindings
                if binding.node is located
            ),
            None,
        )

    def owners(self, read: cst.CSTNode, bindings: list[Binding]) -> list[Binding]:
        """The bindings a read of a name really reads. Where several ``import a...``
        statements bind one name (``import websockets`` and ``import
        websockets.legacy.client``), a read spelled ``websockets.legacy.client.connect`` is
        the dotted import's and ``websockets.exceptions`` the plain one's: the longest
        imported module the chain starts with."""
        modules = [b.node.name for b in bindings if b.kind == IMPORT and isinstance(b.node, ast.alias)]
        if len(modules) < 2 or len(modules) != len(bindings) or any(b.node.asname for b in bindings):  # type: ignore[attr-defined]
            return bindings
        chain = self._chain(read)
        matching = [m for m in modules if chain == m or chain.startswith(m + ".")]
        if not matching:
            return bindings
        longest = max(matching, key=len)
        return [b for b in bindings if b.node.name == longest]  # type: ignore[attr-defined]

    def _chain(self, read: cst.CSTNode) -> str:
        """``a.b.c`` for the Name ``a`` read at the root of the attribute chain ``a.b.c``."""
        parts = [read.value] if isinstance(read, cst.Name) else []
        current, parent = read, self.parents.get(read)
        while isinstance(parent, cst.Attribute) and parent.value is current:
            parts.append(parent.attr.value)
            current, parent = parent, self.parents.get(parent)
        return ".".join(parts)

    def reads(self, binding: Binding) -> list[cst.CSTNode | None]:
        """The reads a binding reaches, as LibCST nodes: a Name, or the string a name of a
        string annotation is written in (once per string); None for a read the focused
        LibCST tree doesn't hold."""
        found: dict[object, cst.CSTNode | None] = {}
        for read in self.model.reads_of(binding):
            candidates = self._by_span.get(self.ctx.locator.span(read), [])
            node: cst.CSTNode | None = next((n for n in candidates if isinstance(n, cst.Name)), None)
            if node is None:
                node = next((n for n in candidates if type(n).__name__ in _STRINGS), None)
            if (
                node is not None
                and binding.kind == IMPORT
                and binding not in self.owners(node, self.model.bindings_of(read))
            ):
                continue
            found[node if node is not None else read] = node
        return list(found.values())
