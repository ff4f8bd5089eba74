"""Whether a file may hold a websockets finding, decided from the stdlib ``ast`` and the
semantic model before LibCST reads it.

A file that mentions websockets is worth the LibCST analysis only if some reference in it
means something the rules report: a legacy name or module, a call of a websockets callable
with a legacy argument, a ``serve`` call (its handler and callbacks are checked), or an
attribute that is legacy on a connection, server or exception read from a name bound from
code that names one of websockets (an ``async with connect(...) as ws``, a parameter
annotated with a connection class, an ``except ConnectionClosed as e``). The answers come
from the pack's ``Tables`` and the semantic model's qualified names, the same tables and
names the rules read; where the model may know less than the rules (a name a star import
may rebind) or the shape is one the receiver checks follow in ways this look doesn't
(``self.attr``, a handler through ``functools.partial``), the file is a candidate.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, cast

from ...semantics.instances import InstanceTyper
from ...semantics.model import SemanticModel
from ...semantics.names import chain_root
from ...semantics.references import qualified_name
from ...semantics.scopes import (
    ASSIGNMENT,
    FROM_IMPORT,
    IMPORT,
    NAMING_KINDS,
    PARAMETER,
    Binding,
    NodesByType,
    nodes_by_type,
    nodes_of,
    walk,
)
from .instances import _HANDLER, ConnectionPolicy
from .pins import AssumedVersion
from .tables import Tables

if TYPE_CHECKING:
    from .analysis import FileAnalysis

_SERVE_ROLES = frozenset({"serve", "unix_serve"})
_CALLBACKS = ("process_request", "select_subprotocol")
#: First and second parameters of a callback with the legacy signature.
_LEGACY_FIRST = (["path"], ["client_subprotocols"])
_LEGACY_SECOND = (["request_headers"], ["headers"], ["server_subprotocols"])


class _TablesOnly(NamedTuple):
    """What ``ConnectionPolicy`` reads of a file's analysis to say what websockets'
    callables give and which classes are connections: the tables."""

    tables: Tables


class _CandidatePolicy(ConnectionPolicy):
    """The rules' instance policy, before any check has run: the first parameter of every
    function a ``serve`` call may be given as its handler is a connection (of every
    function, when the handler can't be told)."""

    def __init__(self, tables: Tables, handlers: frozenset[ast.AST] | None) -> None:
        super().__init__(cast("FileAnalysis", _TablesOnly(tables)))
        self.handlers = handlers

    def parameter(self, binding: Binding) -> str | None:
        if self.handlers is None or binding.node in self.handlers:
            return _HANDLER + "server-connection"
        return None


class _File:
    """One file's questions, with the tables and release the rules read it with."""

    def __init__(self, tables: Tables, pin: AssumedVersion, model: SemanticModel, nodes: NodesByType) -> None:
        self.tables = tables
        self.model = model
        self.nodes = nodes  # the tree's, by type
        #: The names of an attribute's finding on some receiver: a legacy attribute, or one
        #: the new connection has only from a release the project may not run.
        self.attributes = {
            name
            for (name, _), spec in tables.attributes.items()
            if spec.action != "keep" or not pin.guarantees(spec.since)
        }
        self.followed = _followed(model)

    @cached_property
    def defined(self) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
        """The file's functions by name."""
        found: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        for node in nodes_of(self.nodes, ast.FunctionDef, ast.AsyncFunctionDef):
            found.setdefault(node.name, []).append(node)  # type: ignore[attr-defined, arg-type]
        return found

    @cached_property
    def attribute_owners(self) -> frozenset[str]:
        """Names whose attribute of a legacy name is read somewhere in the file."""
        return frozenset(
            node.value.id  # type: ignore[attr-defined]
            for node in self.nodes.get(ast.Attribute, ())
            if node.attr in self.attributes and type(node.value) is ast.Name  # type: ignore[attr-defined]
        )

    def may_report(self) -> bool:
        kinds = (ast.Import, ast.ImportFrom, ast.Call, ast.Name, ast.Attribute)
        forward = nodes_by_type(*self.model.forward_references.values())
        for node in itertools.chain(nodes_of(self.nodes, *kinds), nodes_of(forward, *kinds)):
            if isinstance(node, ast.Import):
                if any(self.tables.is_legacy_module(alias.name) for alias in node.names):
                    return True
            elif isinstance(node, ast.ImportFrom):
                if self.legacy_import(node):
                    return True
            elif isinstance(node, ast.Call):
                if self.reported_call(node):
                    return True
            elif isinstance(node, (ast.Name, ast.Attribute)):
                if any(self.legacy(name) for name in self.names(node)):
                    return True
                if isinstance(node, ast.Attribute) and node.attr in self.attributes and self.typed_receiver(node.value):
                    return True
        return False

    def legacy_import(self, node: ast.ImportFrom) -> bool:
        """A ``from websockets... import`` that the import check reports (a name legacy in
        only some of the admitted releases is reported only where the code needs it)."""
        module = node.module or ""
        if node.level or module.split(".")[0] != "websockets":
            return False
        return self.tables.is_legacy_module(module) or any(
            self.legacy(f"{module}.{alias.name}") for alias in node.names
        )

    def legacy(self, name: str) -> bool:
        """A legacy name or module that is reported wherever it is named (not one that is
        legacy in only some of the releases the project admits)."""
        return name not in self.tables.ambiguous and (name in self.tables.names or self.tables.is_legacy_module(name))

    def role(self, name: str) -> str | None:
        """The role of a new websockets callable, or of one that is legacy in only some of
        the releases the project admits (reported only where the code needs one of them: a
        legacy argument, a handler, an attribute of what it returns)."""
        if name in self.tables.ambiguous:
            return self.tables.names[name].role
        return self.tables.modern_callables.get(name)

    def reported_call(self, call: ast.Call) -> bool:
        """A call of a websockets callable that the argument, handler or callback checks
        look at: ``serve``, or a legacy keyword or positional argument."""
        tables = self.tables
        for name in self.names(call.func):
            role = self.role(name)
            if role is None:
                continue
            if role in _SERVE_ROLES and self.reported_serve(call):
                return True
            if any((keyword.arg, role) in tables.arguments for keyword in call.keywords if keyword.arg is not None):
                return True
            if any((role, index) in tables.positional for index in range(len(call.args))):
                return True
        return False

    def reported_serve(self, call: ast.Call) -> bool:
        """A ``serve`` call whose handler, callbacks or place the handler, callback and
        event-loop checks may report: a handler that may take two parameters or whose
        first parameter has a legacy attribute read, a callback that may have a legacy
        parameter name, a call outside a coroutine."""
        if not self.in_coroutine(call):
            return True
        if any(k.arg in _CALLBACKS and self.legacy_callback(k.value) for k in call.keywords):
            return True
        handler = _handler(call)
        return handler is not None and self.reported_handler(handler)

    def in_coroutine(self, node: ast.AST) -> bool:
        for ancestor in self.model.ancestors(node):
            if isinstance(ancestor, (ast.Lambda, ast.FunctionDef)):
                return False
            if isinstance(ancestor, ast.AsyncFunctionDef):
                return True
        return False

    def parameters(self, value: ast.expr) -> list[list[str]] | None:
        """The positional parameters (those not bound already) of each function a handler or
        callback may be; None: it may be any function."""
        if isinstance(value, ast.Lambda):
            return [_positional(value)]
        if isinstance(value, ast.Name):
            return [_positional(f) for f in self.defined.get(value.id, [])]
        if isinstance(value, ast.Attribute):  # a method: ``self`` is bound
            return [_positional(f)[1:] for f in self.defined.get(value.attr, [])]
        return None if isinstance(value, ast.Call) else []

    def reported_handler(self, value: ast.expr) -> bool:
        found = self.parameters(value)
        return found is None or any(len(p) > 1 or (len(p) == 1 and p[0] in self.attribute_owners) for p in found)

    def legacy_callback(self, value: ast.expr) -> bool:
        found = self.parameters(value)
        return found is None or any(p[:1] in _LEGACY_FIRST or p[1:2] in _LEGACY_SECOND for p in found)

    @cached_property
    def policy(self) -> _CandidatePolicy:
        """The rules' policy, with the first parameters of the functions ``serve`` is given."""
        handlers: set[ast.AST] = set()
        for node in cast("list[ast.Call]", self.nodes.get(ast.Call, [])):
            if any(self.role(n) in _SERVE_ROLES for n in self.names(node.func)):
                value = _handler(node)
                if value is None:
                    continue
                if self.parameters(value) is None:
                    return _CandidatePolicy(self.tables, None)
                handlers.update(self.first_parameters(value))
        return _CandidatePolicy(self.tables, frozenset(handlers))

    @cached_property
    def typer(self) -> InstanceTyper:
        """The rules' instance evidence (typed containers, aliases, attributes set in other
        methods, a handler's connection)."""
        return InstanceTyper(self.model, self.policy)

    def first_parameters(self, value: ast.expr) -> list[ast.arg]:
        """The first parameter (not bound already) of each function a handler may be."""
        if isinstance(value, ast.Lambda):
            functions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = [value]
        else:
            key = value.id if isinstance(value, ast.Name) else value.attr if isinstance(value, ast.Attribute) else ""
            functions = list(self.defined.get(key, []))
        bound = 1 if isinstance(value, ast.Attribute) else 0
        return [args[bound] for f in functions if len(args := [*f.args.posonlyargs, *f.args.args]) > bound]

    def typed_receiver(self, value: ast.expr) -> bool:
        """Whether the object an attribute is read from may be one the receiver checks know:
        a name bound from code that names something of websockets, ``self.attr``, or what
        the rules' instance evidence says is a connection or server."""
        if self.bound_receiver(value):
            return True
        found = self.typer.instance_of(value)
        return found is not None and self.policy.kind(found.cls) is not None

    def bound_receiver(self, value: ast.expr) -> bool:
        """A name bound from code that names something of websockets, or ``self.attr``."""
        if isinstance(value, ast.Attribute):  # ``self.attr`` in a method
            owner = value.value
            return isinstance(owner, ast.Name) and any(
                b.kind == PARAMETER and self.model.binding_scope(b).receiver == owner.id
                for b in self.model.bindings_of(owner)
            )
        return isinstance(value, ast.Name) and any(self.typed_binding(b) for b in self.model.bindings_of(value))

    def typed_binding(self, binding: Binding) -> bool:
        for source in (binding.annotation, binding.value):
            if source is not None and any(
                self.role(name) is not None or name in self.tables.receiver_classes or name in self.tables.names
                for node in _walk(self.model, source)
                if isinstance(node, (ast.Name, ast.Attribute))
                for name in self.names(node)
            ):
                return True
        return False

    def names(self, node: ast.expr) -> frozenset[str]:
        """The qualified names a Name or attribute chain may stand for, asked only where its
        first name may stand for something of websockets."""
        head, parts = chain_root(node)
        if not isinstance(head, ast.Name) or head.id not in self.followed:
            return frozenset()
        found = qualified_name(self.model, node)
        if found is not None:
            return found.names
        if not self.model.module_scope.stars:
            return frozenset()
        # The model leaves a name unknown that a star import after its import may rebind;
        # the rules follow the import.
        return frozenset(
            ".".join((b.target, *parts))
            for b in self.model.bindings_of(head)
            if b.kind in NAMING_KINDS and b.target is not None
        )


def _followed(model: SemanticModel) -> frozenset[str]:
    """The names an import of websockets binds, and the plain aliases of them (``x =
    websockets.legacy``): no other name resolves to something of websockets."""
    bindings = [b for scope in model.scopes for found in scope.bindings.values() for b in found]
    followed = {
        b.name for b in bindings if b.kind in (IMPORT, FROM_IMPORT) and (b.target or "").split(".")[0] == "websockets"
    }
    aliases = [
        (b.name, root.id)
        for b in bindings
        if b.kind == ASSIGNMENT
        and isinstance(b.value, (ast.Name, ast.Attribute))
        and isinstance(root := chain_root(b.value)[0], ast.Name)
    ]
    while True:
        grown = {name for name, root in aliases if root in followed}
        if grown <= followed:
            return frozenset(followed)
        followed |= grown


def _handler(call: ast.Call) -> ast.expr | None:
    """The handler a ``serve`` call is given: its first argument or ``handler=``."""
    found = next((a for a in call.args if not isinstance(a, ast.Starred)), None)
    for keyword in call.keywords:
        if keyword.arg in ("ws_handler", "handler"):
            found = keyword.value
    return found


def _positional(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def may_report(tables: Tables, pin: AssumedVersion, nodes: NodesByType, model: Callable[[], SemanticModel]) -> bool:
    """Whether the websockets rules may report something in a file (``nodes``: its tree's, by
    type); its semantic model (``model()``) is only built when the cheap look can't tell."""
    if not tables.worth_analysing(nodes):
        return False
    return _File(tables, pin, model(), nodes).may_report()


def _walk(model: SemanticModel, node: ast.AST) -> Iterator[ast.AST]:
    """Every node below ``node``, and below the string annotations the model parsed there."""
    for inner in walk(node):
        yield inner
        parsed = model.forward_references.get(inner) if isinstance(inner, ast.Constant) else None
        if parsed is not None:
            yield from _walk(model, parsed)
