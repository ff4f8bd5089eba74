"""The one walk over a file's LibCST tree that gathers what the checks look at, and small
helpers on syntax that several checks share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ...checker import CstVisitor
from ...importedits import dotted_name
from ...lazy import libcst as cst


class ExceptClause(NamedTuple):
    """An ``except`` clause and the ``try`` statement whose body it guards."""

    statement: cst.Try
    handler: cst.ExceptHandler


class Collector(CstVisitor):
    """One walk over the tree that gathers the nodes the analysis looks at."""

    def __init__(self) -> None:
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []
        self._in_import = 0
        self.imports: list[cst.Import | cst.ImportFrom] = []
        self.calls: list[cst.Call] = []
        self.attributes: list[cst.Attribute] = []
        self.handlers: list[ExceptClause] = []
        self.functions: list[cst.FunctionDef] = []
        self.annotated: list[cst.AnnAssign] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parents[node] = self._stack[-1]
        self._stack.append(node)
        return cst.CSTVisitor.on_visit(self, node)  # on to visit_<Node>

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()
        cst.CSTVisitor.on_leave(self, original_node)

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.append(node)
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.append(node)
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self._in_import:
            self.attributes.append(node)

    def visit_Try(self, node: cst.Try) -> None:
        self.handlers.extend(ExceptClause(node, h) for h in node.handlers)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.annotated.append(node)


def chain_parts(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    yield node
    while isinstance(node, cst.Attribute):
        node = node.value
        yield node


def root_name(node: cst.CSTNode) -> cst.CSTNode:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


def bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted_name(alias.name)


def split(qualified: str) -> tuple[str, str]:
    module, _, name = qualified.rpartition(".")
    return module, name


def positional(params: cst.Parameters) -> list[cst.Param]:
    return [*params.posonly_params, *params.params]
