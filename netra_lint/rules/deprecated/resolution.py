"""What the references of one file name: qualified names, the deprecated entry a name or an
annotation refers to, the deprecated class a receiver is an instance of, and where a reference
stands.

Names are matched by where they were imported from, never by their spelling. The rules
ask these questions through ``Resolver``; only the import rewriting of NL201 and the
name-clash check of a fix read LibCST's scopes themselves (which references an import
binds, and whether a name is free).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ...checker import FileContext
from ...importedits import dotted_name
from ...lazy import libcst as cst
from .pack import DOTTED, Deprecation

if TYPE_CHECKING:
    from libcst.metadata import BaseAssignment, Scope


class Instance(NamedTuple):
    """A receiver's deprecated class, and whether this file builds it by calling the class."""

    entry: Deprecation
    built: bool


#: What one binding or declaration says of a value: an instance, nothing known (None), or
#: ``"none"`` (the value ``None``, which agrees with any class).
_Evidence = Instance | None | str


class AttributeStore(NamedTuple):
    """An assignment to ``name.attr`` (``self.attr = ...`` in a method, for one)."""

    target: cst.Attribute
    statement: cst.CSTNode  # AssignTarget, AnnAssign, or another statement that binds it


class MethodOwner(NamedTuple):
    """The class a method is defined in, and the name of the method's first parameter."""

    cls: cst.ClassDef
    receiver: str


@cache
def _transparent() -> tuple[type, ...]:
    """Nodes a deprecated value can sit in and still be the same value (a container, an operand)."""
    return (cst.Tuple, cst.List, cst.Element, cst.Subscript, cst.SubscriptElement, cst.Index, cst.BinaryOperation)


def module_package(ctx: FileContext) -> list[str] | None:
    """The package of the file (for relative imports), from its place under a source root."""
    path = Path(ctx.source.path).resolve()
    for root in (*ctx.settings.src, ctx.settings.project_root):
        try:
            parts = list(path.relative_to(root).with_suffix("").parts)
        except ValueError:
            continue
        return parts[:-1]
    return None


class Resolver:
    """Name resolution for one file, over LibCST's scope analysis and the file's parents."""

    def __init__(
        self,
        module: cst.Module,
        scopes: Mapping[cst.CSTNode, Scope | None],
        parents: Mapping[cst.CSTNode, cst.CSTNode],
        stores: Sequence[AttributeStore],
        package: list[str] | None,
        by_old: dict[str, Deprecation],
        factories: dict[str, Deprecation],
    ) -> None:
        self.scopes = scopes
        self.parents = parents
        self.stores = stores
        self.package = package
        self.by_old = by_old
        self.factories = dict(factories)
        self._attr_cache: dict[tuple[int, str], Instance | None] = {}
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.returns is not None:
                entry = self.annotation_entry(stmt.returns.annotation)
                if entry is not None:
                    self.factories[stmt.name.value] = entry

    # -- names ----------------------------------------------------------------------------

    def absolute(self, name: str) -> str:
        """A module name with its leading dots (a relative import) resolved."""
        level = len(name) - len(name.lstrip("."))
        if not level:
            return name
        if self.package is None or level - 1 > len(self.package):
            return name
        base = self.package[: len(self.package) - (level - 1)]
        return ".".join([*base, name[level:]]) if base else name[level:]

    def qualified(self, node: cst.CSTNode | str, anchor: cst.CSTNode) -> set[str]:
        scope = self.scopes.get(anchor)
        if scope is None:
            return set()
        return {self.absolute(q.name) for q in scope.get_qualified_names_for(node)}

    def entry_of(self, node: cst.CSTNode) -> Deprecation | None:
        """The entry a Name/Attribute refers to, when every binding of it agrees."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        found = {self.by_old.get(name) for name in self.qualified(node, node)}
        return found.pop() if len(found) == 1 else None

    def _class_ref(self, node: cst.CSTNode) -> Deprecation | None:
        entry = self.entry_of(node)
        return entry if entry is not None and entry.kind == "class" else None

    def annotation_entry(self, node: cst.BaseExpression) -> Deprecation | None:
        """The deprecated class an annotation names (also ``Optional[X]``, ``X | None``, ``"X"``)."""
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._class_ref(node)
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            if not isinstance(text, str) or (not DOTTED.match(text) and not text.isidentifier()):
                return None
            found = {self.by_old.get(name) for name in self.qualified(text, node)}
            entry = found.pop() if len(found) == 1 else None
            return entry if entry is not None and entry.kind == "class" else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if isinstance(node.right, cst.Name) and node.right.value == "None":
                return self.annotation_entry(node.left)
            if isinstance(node.left, cst.Name) and node.left.value == "None":
                return self.annotation_entry(node.right)
            return None
        if isinstance(node, cst.Subscript) and dotted_name(node.value).rsplit(".", 1)[-1] in ("Optional", "Union"):
            inner = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            kept = [e for e in inner if not (isinstance(e, cst.Name) and e.value == "None")]
            return self.annotation_entry(kept[0]) if len(kept) == 1 else None
        return None

    # -- receivers ------------------------------------------------------------------------

    def instance_of(self, node: cst.BaseExpression, depth: int = 0) -> Instance | None:
        """The deprecated class ``node`` is known to be an instance of (and whether it is
        built by calling the class in this file), if any."""
        if depth > 6:
            return None
        if isinstance(node, cst.Await):
            return self.instance_of(node.expression, depth + 1) if isinstance(node.expression, cst.Call) else None
        if isinstance(node, cst.Call):
            entry = self._class_ref(node.func)
            if entry is not None:
                return Instance(entry, True)
            found = (
                {self.factories.get(name) for name in self.qualified(node.func, node.func)}
                if isinstance(node.func, (cst.Name, cst.Attribute))
                else set()
            )
            factory = (found.pop() if len(found) == 1 else None) or self._method_factory(node.func)
            return Instance(factory, False) if factory is not None else None
        if isinstance(node, cst.Name):
            return self._name_instance(node, depth)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            owner = self.method_owner(node)
            if owner is not None and owner.receiver == node.value.value:
                return self._attribute_instance(owner.cls, node.attr.value, depth)
        return None

    def _method_factory(self, func: cst.BaseExpression) -> Deprecation | None:
        """``self.make()`` where the class defines ``def make(self) -> Old``."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        owner = self.method_owner(func)
        if owner is None or owner.receiver != func.value.value:
            return None
        for stmt in owner.cls.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == func.attr.value and stmt.returns is not None:
                return self.annotation_entry(stmt.returns.annotation)
        return None

    def _agree(self, evidence: Iterable[_Evidence]) -> Instance | None:
        """One entry if every piece of evidence names it (``"none"`` is neutral)."""
        found: set[Deprecation] = set()
        built = False
        for item in evidence:
            if item is None:
                return None
            if isinstance(item, Instance):
                found.add(item.entry)
                built = built or item.built
        return Instance(found.pop(), built) if len(found) == 1 else None

    def _annotated(self, node: cst.BaseExpression) -> Instance | None:
        entry = self.annotation_entry(node)
        return Instance(entry, False) if entry is not None else None

    def _value_evidence(self, value: cst.BaseExpression | None, depth: int) -> _Evidence:
        if isinstance(value, cst.Name) and value.value == "None":
            return "none"
        return self.instance_of(value, depth + 1) if value is not None else None

    def _name_instance(self, node: cst.Name, depth: int) -> Instance | None:
        scope = self.scopes.get(node)
        if scope is None:
            return None
        evidence: list[_Evidence] = []
        assignments = scope[node.value]
        if not assignments:
            return None
        for assignment in assignments:
            evidence.append(self._binding_evidence(assignment, depth))
        return self._agree(evidence)

    def _binding_evidence(self, assignment: BaseAssignment, depth: int) -> _Evidence:
        if not isinstance(assignment, cst.metadata.Assignment):
            return None
        target = assignment.node
        if isinstance(target, cst.Param):
            return self._annotated(target.annotation.annotation) if target.annotation else None
        parent = self.parents.get(target)
        if isinstance(parent, cst.AssignTarget):
            assign = self.parents.get(parent)
            return self._value_evidence(assign.value, depth) if isinstance(assign, cst.Assign) else None
        if isinstance(parent, cst.AnnAssign) and parent.target is target:
            return self._annotated(parent.annotation.annotation)
        return None

    def method_owner(self, node: cst.CSTNode) -> MethodOwner | None:
        """The class and the first parameter of the method around ``node``."""
        current = self.parents.get(node)
        method: cst.FunctionDef | None = None
        while current is not None:
            if isinstance(current, cst.FunctionDef):
                method = current
            elif isinstance(current, cst.ClassDef):
                break
            current = self.parents.get(current)
        if method is None or current is None or self.parents.get(self.parents.get(method)) is not current:  # type: ignore[arg-type]
            return None
        params = method.params.params or method.params.posonly_params
        if not params or any(dotted_name(d.decorator) == "staticmethod" for d in method.decorators):
            return None
        return MethodOwner(current, params[0].name.value)

    def _attribute_instance(self, cls: cst.ClassDef, attr: str, depth: int) -> Instance | None:
        key = (id(cls), attr)
        if key in self._attr_cache:
            return self._attr_cache[key]
        self._attr_cache[key] = None  # a recursive question has no answer
        evidence: list[_Evidence] = []
        for stmt in cls.body.body:
            line = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
            for small in line:
                if (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and small.target.value == attr
                ):
                    evidence.append(self._annotated(small.annotation.annotation))
                elif isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == attr for t in small.targets
                ):
                    evidence.append(self._value_evidence(small.value, depth))
        for target, statement in self.stores:
            if target.attr.value != attr:
                continue
            owner = self.method_owner(target)
            if owner is None or owner.cls is not cls or owner.receiver != target.value.value:  # type: ignore[attr-defined]
                continue
            if isinstance(statement, cst.AnnAssign):
                evidence.append(self._annotated(statement.annotation.annotation))
            elif isinstance(statement, cst.AssignTarget) and isinstance(self.parents.get(statement), cst.Assign):
                evidence.append(self._value_evidence(self.parents[statement].value, depth))  # type: ignore[attr-defined]
            else:
                evidence.append(None)
        result = self._agree(evidence)
        self._attr_cache[key] = result
        return result

    # -- where a reference stands ---------------------------------------------------------

    def context(self, node: cst.CSTNode) -> str:
        """Where a reference stands: annotation, isinstance, base, call or value."""
        child, parent = node, self.parents.get(node)
        while parent is not None and isinstance(parent, _transparent()):
            child, parent = parent, self.parents.get(parent)
        probe = parent
        while probe is not None and not isinstance(probe, (cst.BaseStatement, cst.BaseSmallStatement)):
            if isinstance(probe, cst.Annotation):
                return "annotation"
            probe = self.parents.get(probe)
        if isinstance(parent, cst.Call) and child is parent.func:
            return "call"
        if isinstance(parent, cst.Arg):
            owner = self.parents.get(parent)
            if isinstance(owner, cst.ClassDef) and parent in owner.bases:
                return "base"
            if (
                isinstance(owner, cst.Call)
                and dotted_name(owner.func) in ("isinstance", "issubclass")
                and len(owner.args) == 2
                and owner.args[1] is parent
            ):
                return "isinstance"
        if isinstance(parent, cst.ExceptHandler):
            return "isinstance"
        return "value"
