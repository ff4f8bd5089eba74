"""Where connections flow: code that takes connections is switched with the code that makes them.

The new ``broadcast`` fails on legacy connections, and a function whose connection
parameter is rewritten for the new implementation fails when it is handed legacy ones. So
a legacy ``broadcast`` joins the group of every legacy ``serve`` whose connections it is
given (followed through the containers the handlers store them in), and stays legacy,
blocked, when it is given connections from where this file doesn't show. A function with
a parameter annotated with a legacy connection class joins the groups of the connections
its calls in this file pass it (from elsewhere, its annotation is all there is to go by).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import NamedTuple

from ...lazy import libcst as cst
from ...semantics.scopes import walk
from .analysis import FileAnalysis
from .groups import Group
from .instances import TypedReceivers
from .syntax import positional

#: What a connection group is: the legacy group it belongs to, or None (the new implementation).
Origins = set[Group | None]

_CONNECTION_KINDS = ("client-connection", "server-connection", "connection")
_COPIES = ("list", "set", "tuple", "frozenset", "sorted")  # builtins that hand the same connections on
_ADDS = {"add": 0, "append": 0, "insert": 1, "setdefault": 1}  # method -> index of the stored value
_READS = {"discard", "remove", "pop", "clear", "get", "copy", "values", "keys", "items", "__len__"}
_MAX_DEPTH = 8


class ClassAttribute(NamedTuple):
    """An attribute of a class, set in its body or on ``self`` in its methods."""

    owner: cst.ClassDef
    name: str


def broadcast_identifiers(tree: ast.Module) -> set[str]:
    """The identifiers in the connections given to a ``broadcast`` call: the containers they
    are kept in must stay in the tree the rules read (see ``focus``)."""
    found: set[str] = set()
    for node in walk(tree):
        if isinstance(node, ast.Call) and _name_of(node.func) == "broadcast" and (node.args or node.keywords):
            given = node.args[0] if node.args else node.keywords[0].value
            found.update(_name_of(part) for part in walk(given) if isinstance(part, (ast.Name, ast.Attribute)))
    return found


def _name_of(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def hold_together(analysis: FileAnalysis, typed: TypedReceivers) -> None:
    """Join the groups of code that takes connections with those of the code that makes them."""
    for call, callee in analysis.call_groups.items():
        if callee.role == "broadcast" and callee.legacy is not None:
            _broadcast(typed, call, callee.legacy)
    _annotated_parameters(typed)


def _broadcast(typed: TypedReceivers, call: cst.Call, group: Group) -> None:
    positional_args = [a for a in call.args if a.keyword is None and not a.star]
    named = [a for a in call.args if a.keyword is not None and a.keyword.value in ("websockets", "connections")]
    if not named and not positional_args:
        return
    argument = (named or positional_args)[0]
    origins = _Flow(typed).container(argument.value)
    if origins is None:
        group.block(
            "the connections given to broadcast() come from code this file doesn't show: "
            "switch it with the serve() that accepts them"
        )
        return
    for origin in origins:
        if origin is not None:
            group.join(origin)


def _annotated_parameters(typed: TypedReceivers) -> None:
    analysis = typed.analysis
    resolver = analysis.resolver
    for function in analysis.collected.functions:
        if resolver.is_method(function):
            continue
        params = positional(function.params)
        legacy: dict[int, Group] = {}
        for index, param in enumerate(params):
            receiver = analysis.receivers.bindings.get(param) or typed.annotation(param.annotation)
            if receiver is not None and receiver.legacy is not None:
                legacy[index] = receiver.legacy
        if not legacy:
            continue
        for call in _calls_of(analysis, function):
            for index, group in legacy.items():
                passed = _argument(call, index, params[index].name.value)
                origins = _Flow(typed).element(passed) if passed is not None else None
                for origin in origins or ():
                    if origin is not None:
                        group.join(origin)


def _calls_of(analysis: FileAnalysis, function: cst.FunctionDef) -> Iterable[cst.Call]:
    for read in analysis.resolver.reads(function):
        call = analysis.resolver.parent(read) if read is not None else None
        if isinstance(call, cst.Call) and call.func is read:
            yield call


def _argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    if any(a.star for a in call.args):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    passed = [a for a in call.args if a.keyword is None]
    return passed[index].value if index < len(passed) else None


class _Flow:
    """Where the connections in an expression come from; None: from somewhere unknown."""

    def __init__(self, typed: TypedReceivers) -> None:
        self.typed = typed
        self.analysis = typed.analysis
        self.resolver = typed.analysis.resolver
        self.seen: set[object] = set()

    def element(self, node: cst.BaseExpression) -> Origins | None:
        """One connection."""
        receiver = self.typed.of(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if receiver is not None and receiver.kind in _CONNECTION_KINDS:
            return {receiver.legacy}
        return None

    def container(self, node: cst.BaseExpression, depth: int = 0) -> Origins | None:
        """A collection of connections."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, (cst.List, cst.Set, cst.Tuple)):
            parts = [
                self.container(e.value, depth + 1) if isinstance(e, cst.StarredElement) else self.element(e.value)
                for e in node.elements
            ]
            return _union(parts)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            loop = node.for_in
            same = isinstance(node.elt, cst.Name) and isinstance(loop.target, cst.Name)
            if same and loop.inner_for_in is None and node.elt.value == loop.target.value:  # type: ignore[attr-defined]
                return self.container(loop.iter, depth + 1)
            return None
        if isinstance(node, cst.Call):
            return self._copy(node, depth)
        if isinstance(node, cst.Attribute) and node.attr.value in ("websockets", "connections"):
            server = self.typed.of(node.value)
            if server is not None and server.kind == "server":
                return {server.legacy}
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._stored(node, depth)
        return None

    def _copy(self, node: cst.Call, depth: int) -> Origins | None:
        """`list(c)`, `sorted(c)`, `c.values()`, `c.copy()`: the same connections."""
        func = node.func
        if (
            isinstance(func, cst.Name)
            and func.value in _COPIES
            and self.analysis.resolve(func) is None
            and len(node.args) >= 1
            and node.args[0].keyword is None
            and not node.args[0].star
        ):
            return self.container(node.args[0].value, depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value in ("values", "copy") and not node.args:
            return self.container(func.value, depth + 1)
        return None

    def _stored(self, node: cst.Name | cst.Attribute, depth: int) -> Origins | None:
        """A variable or `self.attribute` holding a collection: every connection stored in it,
        if every use of it is one that only stores connections or reads them."""
        uses = self._uses(node)
        if uses is None:
            return None
        key, references = uses
        if key in self.seen:
            return set()
        self.seen.add(key)
        return _union([self._use(reference, depth) for reference in references if reference is not node])

    def _uses(self, node: cst.Name | cst.Attribute) -> tuple[object, list[cst.CSTNode]] | None:
        resolver = self.resolver
        if isinstance(node, cst.Name):
            binding = resolver.binding_node(node)
            reads = resolver.reads(binding) if isinstance(binding, cst.Name) else [None]
            if not isinstance(binding, cst.Name) or None in reads:
                return None
            return binding, [binding, *(read for read in reads if read is not None)]
        owner = resolver.self_class(node.value)
        if owner is None:
            return None
        key = ClassAttribute(owner, node.attr.value)
        return key, [
            n
            for n in self.analysis.collected.attributes
            if n.attr.value == key.name and resolver.self_class(n.value) is owner
        ]

    def _use(self, reference: cst.CSTNode, depth: int) -> Origins | None:
        """What one use of the collection puts in it (an empty set: nothing; None: unknown)."""
        parent = self.resolver.parent(reference)
        if isinstance(parent, cst.AssignTarget):  # (re)bound: to an empty or known collection
            statement = self.resolver.parent(parent)
            value = statement.value if isinstance(statement, cst.Assign) else None
            return self._initial(value, depth) if value is not None else None
        if isinstance(parent, cst.AnnAssign) and parent.target is reference:
            return self._initial(parent.value, depth) if parent.value is not None else set()
        if isinstance(parent, cst.Attribute) and parent.value is reference:
            call = self.resolver.parent(parent)
            method = parent.attr.value
            if isinstance(call, cst.Call) and call.func is parent:
                if method in _ADDS:
                    index = _ADDS[method]
                    return self.element(call.args[index].value) if len(call.args) > index else None
                if method in _READS:
                    return set()
            return None
        if isinstance(parent, cst.Subscript) and parent.value is reference:
            target = self.resolver.parent(parent)
            if isinstance(target, cst.AssignTarget):
                statement = self.resolver.parent(target)
                return self.element(statement.value) if isinstance(statement, cst.Assign) else None
            return set()
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is reference:
            return set()
        if isinstance(parent, cst.ComparisonTarget):
            return set()
        if isinstance(parent, cst.Arg):
            call = self.resolver.parent(parent)
            if isinstance(call, cst.Call) and self._reads_argument(call):
                return set()
        return None

    def _reads_argument(self, call: cst.Call) -> bool:
        """`len(c)`, `list(c)`, a broadcast(c): calls that only read the collection they are given."""
        func = call.func
        if isinstance(func, cst.Name) and func.value in (*_COPIES, "len", "iter"):
            return self.analysis.resolve(func) is None
        callee = self.analysis.call_groups.get(call)
        return callee is not None and callee.role == "broadcast"

    def _initial(self, value: cst.BaseExpression, depth: int) -> Origins | None:
        if isinstance(value, cst.Dict) and not value.elements:
            return set()
        func = value.func if isinstance(value, cst.Call) and not value.args else None
        if isinstance(func, cst.Name) and func.value in ("set", "list", "dict") and self.analysis.resolve(func) is None:
            return set()
        return self.container(value, depth + 1)


def _union(parts: list[Origins | None]) -> Origins | None:
    found: Origins = set()
    for part in parts:
        if part is None:
            return None
        found |= part
    return found
