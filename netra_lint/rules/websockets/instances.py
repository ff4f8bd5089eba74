"""Connections, servers and their kinds as the semantic layer's instance evidence sees them.

The checks bind only what no evidence shows: a ``serve`` handler's connection parameter
and the name an ``except`` clause binds. Everything else is asked of ``InstanceTyper``:
an annotated parameter or attribute (``Optional``/``Union``/string annotations included),
the target of ``async with connect(...) as ws`` or ``ws = await connect(...)``, an element
of a ``dict[str, ServerConnection]`` or ``list[...]``/``set[...]`` attribute, iterated or
indexed; an alias (``conn = ws``); an attribute set from ``await connect(...)`` in
another method. The policy tells the typer what websockets' callables give (a
connection under ``await``/``async with``/``async for``, a server), which parameters the
checks bound, and that every class of one receiver kind is one class; the answer is
mapped back to a receiver kind and to the legacy group it belongs to.
"""

from __future__ import annotations

import ast
from collections.abc import Hashable
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from ...lazy import libcst as cst
from ...semantics.instances import AWAITED, ENTERED_ASYNC, ITERATED_ASYNC, Instance, InstancePolicy, InstanceTyper
from ...semantics.scopes import Binding
from .groups import Group
from .pack import RECEIVER_OF_ROLE, LegacyName
from .resolution import Receiver

if TYPE_CHECKING:
    from .analysis import FileAnalysis

#: The pseudo-class of what a websockets callable gives, or of a handler's connection:
#: the receiver kind follows the marker.
_CALL_RESULT = "<websockets call>."
_HANDLER = "<websockets handler>."
_CONNECTING = {"connect": "client-connection", "unix_connect": "client-connection"}
_SERVING = {"serve": "server", "unix_serve": "server"}


class Origin(NamedTuple):
    """The implementation a receiver comes from: a legacy group, or None for the new one."""

    legacy: Group | None


class ConnectionPolicy(InstancePolicy):
    """What websockets' callables give, and which classes are one receiver kind."""

    def __init__(self, analysis: FileAnalysis) -> None:
        self.analysis = analysis

    def call_result(self, callee: str, use: str) -> str | None:
        tables = self.analysis.tables
        entry = tables.names.get(callee)
        role = entry.role if entry is not None else tables.modern_callables.get(callee)
        if role in _CONNECTING and use in (AWAITED, ENTERED_ASYNC, ITERATED_ASYNC):
            return _CALL_RESULT + _CONNECTING[role]
        if role in _SERVING and use in (AWAITED, ENTERED_ASYNC):
            return _CALL_RESULT + _SERVING[role]
        return None

    def key(self, cls: str) -> Hashable:
        return self.kind(cls) or cls

    def parameter(self, binding: Binding) -> str | None:
        known = self.handler_parameters.get(binding.node)
        return _HANDLER + known.kind if known is not None else None

    def kind(self, cls: str) -> str | None:
        """The receiver kind of a class (legacy or new) or of a pseudo-class of this module."""
        for marker in (_CALL_RESULT, _HANDLER):
            if cls.startswith(marker):
                return cls[len(marker) :]
        tables = self.analysis.tables
        entry = tables.names.get(cls)
        if entry is not None:
            return RECEIVER_OF_ROLE.get(entry.role)
        kind = tables.receiver_classes.get(cls)
        return kind if kind != "connection-closed" else None

    @cached_property
    def handler_parameters(self) -> dict[ast.AST, Receiver]:
        """The parameters the checks know as connections (a serve handler's first one),
        by the model's node: asked once every check that binds them has run."""
        analysis = self.analysis
        found: dict[ast.AST, Receiver] = {}
        for node, receiver in analysis.receivers.bindings.items():
            if isinstance(node, cst.Param):
                located = analysis.ctx.locator.parameter(analysis.ctx.cst_span(node)[0])
                if located is not None:
                    found[located] = receiver
        return found


class TypedReceivers:
    """Receivers found through the semantic layer's instance evidence."""

    def __init__(self, analysis: FileAnalysis) -> None:
        self.analysis = analysis
        self.policy = ConnectionPolicy(analysis)
        self.typer = InstanceTyper(analysis.ctx.semantic_model, self.policy)

    def of(self, node: cst.BaseExpression) -> Receiver | None:
        """What the expression ``node`` is known to be: a receiver a check bound (a handler's
        connection, an ``except ... as e`` name), else what the instance evidence says."""
        return self.analysis.receivers.of(node) or self.instance(node)

    def instance(self, node: cst.BaseExpression) -> Receiver | None:
        """What the expression ``node`` is known to be an instance of, as a receiver."""
        located = self.analysis.ctx.model_node(node)
        found = self.typer.instance_of(located) if located is not None else None
        return self.receiver(found) if found is not None else None

    def annotation(self, annotation: cst.Annotation | None) -> Receiver | None:
        """The receiver an annotation declares (a legacy class: with its group)."""
        located = self.analysis.ctx.model_node(annotation.annotation) if annotation is not None else None
        found = self.typer.annotated(located) if located is not None else None
        return self.receiver(found) if found is not None else None

    def receiver(self, found: Instance) -> Receiver | None:
        kind = self.policy.kind(found.cls)
        if kind is None:
            return None
        origins = [self.origin(found.cls, evidence) for evidence in found.evidence or (None,)]
        if any(origin is None for origin in origins):
            return None
        roots = {o.legacy.root() if o.legacy is not None else None for o in origins if o is not None}
        return Receiver(kind, origins[0].legacy) if len(roots) == 1 and origins[0] is not None else None

    def origin(self, cls: str, evidence: ast.AST | None) -> Origin | None:
        """Where a piece of evidence comes from; None when that can't be told."""
        analysis = self.analysis
        if cls.startswith(_HANDLER):
            known = self.policy.handler_parameters.get(evidence) if evidence is not None else None
            return Origin(known.legacy) if known is not None else None
        if cls.startswith(_CALL_RESULT):
            call = self.calls.get(analysis.ctx.locator.span(evidence)) if isinstance(evidence, ast.Call) else None
            callee = analysis.call_groups.get(call) if call is not None else None
            return Origin(callee.legacy) if callee is not None else None
        entry = analysis.tables.names.get(cls)
        if entry is None:
            return Origin(None)
        written = self.written_group(cls, evidence, entry) if evidence is not None else None
        if written is not None:
            return Origin(written)
        groups = {group.root(): group for group, uses in analysis.uses.items() if uses.entry is entry}
        return Origin(next(iter(groups.values())) if len(groups) == 1 else Group(blockers=["unresolved annotation"]))

    def written_group(self, cls: str, evidence: ast.AST, entry: LegacyName) -> Group | None:
        """The group of the legacy name an annotation (or ``except``) is written with: the
        group of its import, or of its attribute chain; None for a name in a string."""
        analysis = self.analysis
        for node in ast.walk(evidence):
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            written = analysis.resolver.names.cst_at(node, (cst.Name, cst.Attribute))
            ref = analysis.resolve(written) if written is not None else None
            if ref is not None and ref.qualified == cls:
                return analysis.groups.get(analysis.group_key(ref, entry)) or Group(blockers=["unresolved annotation"])
        return None

    @cached_property
    def calls(self) -> dict[tuple[int, int], cst.Call]:
        return {self.analysis.ctx.cst_span(call): call for call in self.analysis.collected.calls}
