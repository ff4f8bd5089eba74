"""Name resolution for the websockets rules: what a reference is, where it stands, and
which values are known to be connections.

Everything here answers questions about one file's syntax and scopes and knows nothing
of legacy websockets. The answers are the semantic layer's (``netra_lint.semantics``),
asked through the LibCST nodes the fixes rewrite (``bindings``): what a reference names
(its qualified name, through every import form, the optional-import idiom, plain aliases
and attribute chains, never from text), the binding behind a name and the reads of a
binding, and where a reference stands (annotation, ``isinstance``, ``except``, class
base, call...). On top of them: the function a ``serve()`` argument refers to (followed
through names assigned once), the class of a method's ``self``, and the receivers the
checks know without instance evidence (a handler's connection, an ``except`` name).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ...lazy import libcst as cst
from ...semantics.references import QualifiedName, context_of, qualified_name
from ...semantics.scopes import FROM_IMPORT, IMPORT, Binding
from .bindings import ModelBindings
from .groups import Group
from .syntax import Collector

if TYPE_CHECKING:
    from ...checker import FileContext


#: How many ``x = y`` assignments are followed to what a name stands for.
_ALIAS_DEPTH = 8


@dataclass
class Reference:
    """What an expression resolves to: a qualified name, and the import binding behind it."""

    qualified: str
    origin: cst.CSTNode  # the expression written in the code (a Name or an attribute chain)
    binding: Binding | None  # the import that binds its first name
    via_alias: bool = False
    unique: bool = True  # the name has exactly one binding (so an unused import may be removed)


class Receiver(NamedTuple):
    """A value known to be a connection, server or exception of websockets."""

    kind: str  # a receiver kind of the pack ("client-connection", "server", "invalid-status", ...)
    legacy: Group | None  # the group of the legacy class or call it comes from; None: the new one


class Resolver:
    """The questions the checks ask of one file's names, answered by its semantic model."""

    def __init__(self, ctx: FileContext, collected: Collector) -> None:
        self.ctx = ctx
        self.model = ctx.semantic_model
        self.collected = collected
        self.parents = collected.parents
        self.names = ModelBindings(ctx, collected.parents)
        self.bound_names = self.model.bound_names
        self._resolved: dict[cst.CSTNode, Reference | None] = {}

    # -- qualified names ---------------------------------------------------------------------

    def resolve(self, node: cst.CSTNode, depth: int = 0) -> Reference | None:
        if node in self._resolved:
            return self._resolved[node]
        ref: Reference | None = None
        if isinstance(node, cst.Name) and depth < _ALIAS_DEPTH:
            ref = self._resolve_name(node, depth)
        elif isinstance(node, cst.Attribute):
            base = self.resolve(node.value, depth)
            if base is not None:
                origin = base.origin if base.via_alias else node
                ref = Reference(
                    f"{base.qualified}.{node.attr.value}", origin, base.binding, base.via_alias, base.unique
                )
        self._resolved[node] = ref
        return ref

    def _resolve_name(self, node: cst.Name, depth: int) -> Reference | None:
        """A name's qualified name, as the semantic model gives it (the optional-import idiom,
        relative and star imports included), and the import binding the fixes rewrite.
        Only names that come from an import (directly or through a plain alias) resolve: a
        builtin or a def of the file stays unresolved."""
        found = self._qualified(node)
        if found is None or found.name is None:
            return None
        if found.alias is not None:
            assert found.alias.value is not None
            value = self.names.cst_at(found.alias.value, (cst.Name, cst.Attribute))
            inner = self.resolve(value, depth + 1) if value is not None else None
            if inner is None or inner.qualified != found.name:
                return None
            return Reference(inner.qualified, inner.origin, inner.binding, True, inner.unique)
        owners = self.names.owners(node, list(found.bindings))
        imports = [b for b in owners if b.kind in (IMPORT, FROM_IMPORT)]
        if not imports:
            return None
        return Reference(found.name, node, imports[0], unique=len(owners) == 1)

    def _qualified(self, node: cst.CSTNode) -> QualifiedName | None:
        located = self.ctx.model_node(node, (ast.Name, ast.Attribute))
        return qualified_name(self.model, located) if located is not None else None

    def names_in_string(self, string: cst.SimpleString, name: str, qualified: str) -> list[tuple[int, int]] | None:
        """The text spans of ``name`` read as ``qualified`` in a string annotation
        (``"WebSocketServerProtocol"``, ``"Optional[WebSocketServerProtocol]"``), or None when
        the string is not one the model reads or its text can't be mapped back (escapes,
        prefixes, several lines)."""
        constant = self.ctx.model_node(string, ast.Constant)
        parsed = self.model.forward_references.get(constant) if constant is not None else None
        start, end = self.ctx.cst_span(string)
        text = self.ctx.text[start:end]
        quote = 3 if text[:3] in ('"""', "'''") else 1
        content = text[quote:-quote]
        if parsed is None or text[0] not in "\"'" or "\\" in content or "\n" in content or not content.isascii():
            return None
        offset = start + quote + len(content) - len(content.lstrip())
        spans = []
        for node in ast.walk(parsed):
            if isinstance(node, ast.Name) and node.id == name:
                found = qualified_name(self.model, node)
                if found is None or found.name != qualified:
                    return None
                spans.append((offset + node.col_offset, offset + node.end_col_offset))  # type: ignore[operator]
        return spans or None

    # -- bindings, classes and functions --------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def binding_node(self, node: cst.BaseExpression) -> cst.CSTNode | None:
        """The node that binds a Name (see ``ModelBindings.node_of``), when the read sees
        exactly one binding."""
        seen = self.names.seen_by(node) if isinstance(node, cst.Name) else None
        return self.names.node_of(seen[0]) if seen is not None and len(seen) == 1 else None

    def reads(self, node: cst.CSTNode) -> list[cst.CSTNode | None]:
        """The reads of what a binding node (a def, a parameter, a target Name) binds; None
        for a read in code the focused tree leaves out."""
        binding = self.names.binding_at(node)
        return self.names.reads(binding) if binding is not None else []

    def self_class(self, node: cst.BaseExpression) -> cst.ClassDef | None:
        """The class whose method has ``node`` as its instance receiver (`self`), as the
        semantic model's scopes say."""
        located = self.ctx.model_node(node, ast.Name) if isinstance(node, cst.Name) else None
        owner = self.model.instance_owner(located) if located is not None else None
        found = self.names.cst_at(owner.node, cst.ClassDef) if owner is not None else None
        return found if isinstance(found, cst.ClassDef) else None

    def is_method(self, function: cst.FunctionDef) -> bool:
        parent = self.parent(function)
        return isinstance(self.parent(parent), cst.ClassDef) if parent is not None else False

    def function_of(self, value: cst.BaseExpression) -> cst.FunctionDef | cst.Lambda | None:
        """The def (or lambda) an argument refers to: a Name, `self.method`, or functools.partial of one."""
        if isinstance(value, cst.Lambda):
            return value
        if isinstance(value, cst.Attribute):
            return self._method_via_self(value)
        if isinstance(value, cst.Call):
            ref = self.resolve(value.func)
            if (
                ref is not None
                and ref.qualified == "functools.partial"
                and value.args
                and value.args[0].keyword is None
            ):
                return self.function_of(value.args[0].value)
            return None
        node = self.binding_node(value)
        return node if isinstance(node, cst.FunctionDef) and not self.is_method(node) else None

    def _method_via_self(self, value: cst.Attribute) -> cst.FunctionDef | None:
        """`self.name` inside a method: the plain method `name` defined once in that class."""
        owner = self.self_class(value.value)
        if owner is None:
            return None
        found = [
            statement
            for statement in owner.body.body
            if isinstance(statement, cst.FunctionDef) and statement.name.value == value.attr.value
        ]
        if len(found) != 1 or found[0].decorators:
            return None
        return found[0]

    def assigned_value(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """What a name stands for when its only binding is a plain assignment (``h =
        on_message`` or ``h = functools.partial(...)``, then ``serve(h, ...)``), else itself."""
        for _ in range(_ALIAS_DEPTH):
            statement = self.assignment_of(value) if isinstance(value, cst.Name) else None
            if statement is None:
                break
            value = statement.value
        return value

    def assignment_of(self, name: cst.Name) -> cst.Assign | None:
        """The ``name = value`` statement that is the only binding a Name read sees."""
        target = self.binding_node(name)
        holder = self.parent(target) if target is not None else None
        statement = self.parent(holder) if holder is not None else None
        if isinstance(holder, cst.AssignTarget) and isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement
        return None

    @staticmethod
    def bound_keywords(value: cst.BaseExpression) -> frozenset[str]:
        """The parameters functools.partial binds by keyword (``partial(handler, key=value)``)."""
        found: set[str] = set()
        while isinstance(value, cst.Call) and value.args:
            found.update(a.keyword.value for a in value.args[1:] if a.keyword is not None)
            value = value.args[0].value
        return frozenset(found)

    @staticmethod
    def bound_parameters(value: cst.BaseExpression) -> int:
        """How many leading positional parameters are already bound: `self`, or by functools.partial."""
        if isinstance(value, cst.Call) and value.args:
            inner = value.args[0].value
            bound = sum(1 for a in value.args[1:] if a.keyword is None and not a.star)
            return bound + Resolver.bound_parameters(inner)
        return 1 if isinstance(value, cst.Attribute) else 0

    # -- where a reference stands ---------------------------------------------------------------

    def context(self, node: cst.CSTNode) -> str | None:
        """Where a reference stands (``semantics.references``: annotation, isinstance,
        except, base, call, value...), or None when the model has no such expression."""
        located = self.ctx.model_node(node, (ast.Name, ast.Attribute))
        return context_of(self.model, located) if located is not None else None

    def in_async_function(self, node: cst.CSTNode) -> bool:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.Lambda):
                return False
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor.asynchronous is not None
        return False


class Receivers:
    """Values the checks know to be connections or exceptions of websockets without asking
    the instance evidence, by the node that binds them: a ``serve`` handler's connection
    parameter, an ``except ... as e`` name. The instance evidence takes them as given
    (``instances.ConnectionPolicy``) and answers everything else."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.bindings: dict[cst.CSTNode, Receiver] = {}

    def of(self, node: cst.BaseExpression) -> Receiver | None:
        """What the name ``node`` is known to be, by its one binding."""
        bound = self.resolver.binding_node(node) if isinstance(node, cst.Name) else None
        return self.bindings.get(bound) if bound is not None else None
