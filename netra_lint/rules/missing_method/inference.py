"""The types of expressions in one file: a small, flow-insensitive inference over the
file's scopes (constructor calls, annotations, ``self``/``cls``/``super()``, typed
attributes and return annotations), asking the class model about first-party classes.
Annotations are read by the semantic layer's ``declared_type``, and bindings agree as it
says they must (``agreeing``)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Collection, Mapping
from typing import Any

from ...index import BUILTIN_TYPES, TypeEvidence, absolute_module
from ...semantics.instances import TypeRef, agreeing, declared_type
from ...semantics.model import star_may_export
from ...semantics.names import dotted_name
from .classes import _CLASS, _FUNCTION, _INSTANCE, _MODULE, _SUPER, _Classes, _Type
from .facts import BindingFact, _Scope
from .terms import _dotted, parse_annotation

_TYPING = ("typing.", "typing_extensions.")


class _Inference:
    """The types of expressions in one file (flow-insensitive, per scope)."""

    def __init__(
        self,
        classes: _Classes,
        module: str | None,
        is_package: bool,
        scopes: list[_Scope],
        stores: Mapping[str, Any] | None = None,
        beside: Callable[[str], str | None] | None = None,
        exports: Callable[[str], Collection[str] | None] | None = None,
    ) -> None:
        self.classes = classes
        self.index = classes.index
        self.module = module
        self.is_package = is_package
        self.scopes = scopes
        self.stores = stores or {}  # attribute name → the assignments in the file (``facts._Store``)
        self._names: dict[tuple[Any, ...], _Type | None] = {}
        #: The index's name for a module the file imports from its own directory (see
        #: ``ProjectIndex.beside``): "" when it has none, None when imported as usual.
        self.beside = beside
        #: What a first-party module's star import binds (``ProjectIndex.exported``).
        self.exports = exports
        #: The modules of the module's star imports ("" when unknown), in order.
        self.star_sources = [
            absolute_module(module, is_package, level, name) or ""
            for level, name in (scopes[0].stars if scopes else ())
        ]

    # -- names --

    def qualified(self, term: Any, scope: _Scope) -> str | None:
        """The absolute dotted name an expression spells through the file's imports and
        module-level classes; ``builtins.x`` for unbound names."""
        dotted = _dotted(term)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        found = self.lookup(head, scope)
        if found is None:
            unbound = scope.lookup(head) is None
            return f"builtins.{dotted}" if unbound and head in vars(builtins) and not self.star_may_bind(head) else None
        where, evidence = found
        if len(evidence) != 1:
            return None
        kind, payload, _, _ = evidence[0]
        if kind == "import":
            base = self.imported(payload)
        elif kind == "from":
            level, module, name = payload
            source = absolute_module(self.module, self.is_package, level, module)
            source = self.imported(source) if source is not None and not level else source
            base = f"{source}.{name}" if source is not None else None
        elif (
            kind in ("class", "def")
            and self.module
            and where.kind in ("module", "class")
            and (payload or kind == "def")
        ):
            base = f"{self.module}.{payload if kind == 'class' else head}"
        else:
            return None
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def lookup(self, name: str, scope: _Scope) -> tuple[_Scope, tuple[BindingFact, ...]] | None:
        """The scope that binds ``name`` as seen from ``scope`` and its bindings; None when
        unbound, or when a star import written after one of its module-level bindings may
        replace it."""
        found = scope.lookup(name)
        if found is None or not self.star_sources:
            return found
        for _, _, _, stars in found[1]:
            if stars and any(star_may_export(self.exports, self.star_sources[star], name) for star in stars):
                return None
        return found

    def star_may_bind(self, name: str) -> bool:
        """Whether one of the module's star imports may bind ``name``."""
        return any(star_may_export(self.exports, source, name) for source in self.star_sources)

    def imported(self, module: str) -> str | None:
        """The index's name for a module an absolute import names (None: no name)."""
        found = self.beside(module) if self.beside is not None else None
        if found is None:
            return module
        return found or None

    def name_type(self, name: str, scope: _Scope, depth: int) -> _Type | None:
        found = self.lookup(name, scope) if self.star_sources else scope.lookup(name)  # the hot path: no stars
        if found is None:
            return None
        where, evidence = found
        key = (id(where), name)
        if key in self._names:
            return self._names[key]
        self._names[key] = None  # a cycle (x = y; y = x) is unknown
        result = self._evidence_type(name, where, evidence, depth)
        self._names[key] = result
        return result

    def _evidence_type(self, name: str, where: _Scope, evidence: tuple[BindingFact, ...], depth: int) -> _Type | None:
        annotations = [(payload, self.scopes[scope]) for kind, payload, scope, _ in evidence if kind == "annotation"]
        if annotations:
            if any(kind == "mocked" for kind, _, _, _ in evidence):
                return None
            return _agree([self.annotation_type(text, scope, None) for text, scope in annotations])
        found: list[_Type | None] = []
        for kind, payload, scope, _ in evidence:
            if kind in ("value", "mocked"):
                if payload is None:
                    continue
                found.append(self.type_of(payload, self.scopes[scope], depth + 1))
            elif kind == "self":
                path, receiver = payload
                found.append(_Type(receiver, f"{self.module}::{path}", contextual=True) if self.module else None)
            elif kind in ("import", "from", "class", "def"):
                qualified = self.qualified(name, where) if len(evidence) == 1 else None
                found.append(self.classes.symbol(qualified) if qualified else None)
            else:
                return None
        return _agree(found)

    # -- expressions --

    def type_of(self, term: Any, scope: _Scope, depth: int = 0) -> _Type | None:
        if depth > 12:
            return None
        if scope.narrowed and _dotted(term) in scope.narrowed:  # isinstance() & co: unknown
            return None
        if type(term) is str:
            return self.name_type(term, scope, depth)
        if not term:
            return None
        tag = term[0]
        if tag == ".":
            base = self.type_of(term[1], scope, depth + 1)
            found = self.member_type(base, term[2]) if base is not None else None
            return None if found is None or base is None or self.replaced(term, scope, base, found, depth) else found
        if tag == "()":
            return self.call_type(term, scope, depth, awaited=False)
        if tag == "await" and type(term[1]) is tuple and term[1][:1] == ("()",):
            return self.call_type(term[1], scope, depth, awaited=True)
        if tag == ":=":
            return self.type_of(term[1], scope, depth + 1)
        return None

    def replaced(self, term: tuple[Any, ...], scope: _Scope, base: _Type, found: _Type, depth: int) -> bool:
        """Whether code that the read in ``scope`` can follow (see ``_reaches``) assigns
        attribute ``term`` another object than the type its class gives it (``worker.controller
        = FakeController()``), on the same expression or on an object of a related class: which
        one the read sees depends on the order of execution. Assigning ``None`` changes
        nothing, as in the class."""
        for _, receiver, number, value, _ in self.stores.get(term[2], ()):
            if value is None or not _reaches(self.scopes[number], scope):
                continue
            if receiver != term[1]:
                other = self.type_of(receiver, self.scopes[number], depth + 1)
                if other is None or other.kind != _INSTANCE or not self.classes.related(other.name, base.name):
                    continue
            assigned = self.type_of(value, self.scopes[number], depth + 1)
            if assigned is None or (assigned.kind, assigned.name) != (found.kind, found.name):
                return True
        return False

    def call_type(self, term: tuple[Any, ...], scope: _Scope, depth: int, awaited: bool) -> _Type | None:
        func = term[1]
        if func == "super" and len(term) == 3 and scope.lookup("super") is None:
            return None if awaited else self.super_type(term[2], scope, depth)
        if type(func) is tuple and func[:1] == (".",):
            receiver = self.type_of(func[1], scope, depth + 1)
            if receiver is not None and receiver.kind in (_INSTANCE, _CLASS, _SUPER):
                return self.method_result(receiver, func[2], awaited)
        callee = self.type_of(func, scope, depth + 1)
        if callee is None:
            return None
        if callee.kind == _CLASS and not awaited:
            return _Type(_INSTANCE, callee.name, exact=callee.exact)
        if callee.kind == _FUNCTION:
            module, _, name = callee.name.partition("::")
            info = self.index.module_info(module)
            if info is None or (name in info.async_functions) != awaited:
                return None
            return self.annotation_text_type(info.functions.get(name, ""), None)
        return None

    def super_type(self, args: tuple[Any, ...], scope: _Scope, depth: int) -> _Type | None:
        if args:
            if len(args) != 2:
                return None
            owner = self.type_of(args[0], scope, depth + 1)
            return _Type(_SUPER, owner.name, contextual=True) if owner is not None and owner.kind == _CLASS else None
        if scope.kind != "function" or scope.parent is None or scope.parent.kind != "class":
            return None
        receivers = [
            payload for evidence in scope.bindings.values() for kind, payload, _, _ in evidence if kind == "self"
        ]
        if len(receivers) != 1 or not self.module:
            return None
        return _Type(_SUPER, f"{self.module}::{receivers[0][0]}", contextual=True)

    def method_result(self, receiver: _Type, name: str, awaited: bool) -> _Type | None:
        return self.classes.answer(
            ("result", receiver, name, awaited), lambda: self._method_result(receiver, name, awaited)
        )

    def _method_result(self, receiver: _Type, name: str, awaited: bool) -> _Type | None:
        model = self.classes.model(receiver.name)
        owner = self.classes.member_owner(model, name, receiver.kind) if model is not None else None
        if owner is None or owner[0] != "method":
            return None
        info = self.classes.info(owner[1])
        if info is None or (name in info.async_methods) != awaited:
            return None
        return self.annotation_text_type(info.returns.get(name, ""), receiver.name)

    def member_type(self, base: _Type, name: str) -> _Type | None:
        return self.classes.answer(("member", base, name), lambda: self._member_type(base, name))

    def _member_type(self, base: _Type, name: str) -> _Type | None:
        if base.kind == _MODULE:
            return self.classes.symbol(f"{base.name}.{name}")
        if base.kind not in (_INSTANCE, _CLASS, _SUPER):
            return None
        model = self.classes.model(base.name)
        owner = self.classes.member_owner(model, name, base.kind) if model is not None else None
        if model is None or owner is None:
            return None
        kind, ref = owner
        if kind == "class":
            return _Type(_CLASS, f"{ref}.{name}", exact=True)
        if kind == "property" and base.kind != _CLASS:
            info = self.classes.info(ref)
            return self.annotation_text_type(info.returns.get(name, ""), base.name) if info else None
        if kind in ("attribute", "self"):
            evidence = self.classes.attribute_evidence(model, name)
            return _agree([self.evidence_type(e) for e in evidence]) if evidence else None
        return None

    def evidence_type(self, evidence: TypeEvidence) -> _Type | None:
        text = evidence.text
        if evidence.kind == "annotation":
            return self.annotation_text_type(text, None)
        symbol = self.classes.symbol(text)
        if symbol is None:  # a class's factory method: Store.create()
            owner, _, method = text.rpartition(".")
            cls = self.classes.symbol(owner)
            return self.method_result(cls, method, awaited=False) if cls is not None and cls.kind == _CLASS else None
        if symbol.kind == _CLASS:
            return _Type(_INSTANCE, symbol.name)
        if symbol.kind == _FUNCTION:
            module, _, name = symbol.name.partition("::")
            info = self.index.module_info(module)
            if info is None or name in info.async_functions:
                return None
            return self.annotation_text_type(info.functions.get(name, ""), None)
        return None

    # -- annotations --

    def declared_builtin(self, term: Any, scope: _Scope) -> bool:
        """Whether ``term`` is a name annotated with a builtin type (``obj: object``, ``data:
        dict[str, int]``): no first-party object, whatever is assigned on it."""
        found = self.lookup(term, scope) if type(term) is str else None
        if found is None:
            return False
        annotations = [parse_annotation(payload) for kind, payload, _, _ in found[1] if kind == "annotation"]
        heads = [a.value if isinstance(a, ast.Subscript) else a for a in annotations]
        return bool(heads) and all(isinstance(h, ast.Name) and h.id in BUILTIN_TYPES for h in heads)

    def annotation_text_type(self, text: str, self_class: str | None) -> _Type | None:
        """An annotation stored by the index (its names already absolute)."""
        node = parse_annotation(text) if text else None
        if node is None:
            return None
        return self.declared(declared_type(node, dotted_name, _forward), self_class)

    def annotation_type(self, text: str, scope: _Scope, self_class: str | None) -> _Type | None:
        """An annotation written in this file (its text), its names looked up in ``scope``."""
        node = parse_annotation(text)
        if node is None:
            return None
        ref = declared_type(node, lambda name: self.qualified(dotted_name(name), scope), _forward)
        return self.declared(ref, self_class)

    def declared(self, ref: TypeRef | None, self_class: str | None) -> _Type | None:
        """The instance (or, for ``type[C]``, class) type a declared type (``semantics.instances``)
        gives: of a first-party class, or ``Self``."""
        if ref is None:
            return None
        if ref.name in ("typing.Self", "typing_extensions.Self") and not ref.args:
            return _Type(_INSTANCE, self_class) if self_class else None
        wrapper = ref.name.rpartition(".")[2] if ref.name.startswith((*_TYPING, "builtins.")) else ""
        if wrapper in ("type", "Type") and len(ref.args) == 1:
            declared = self.declared(ref.args[0], self_class)
            return _Type(_CLASS, declared.name) if declared is not None and declared.kind == _INSTANCE else None
        symbol = self.classes.symbol(ref.name)
        return _Type(_INSTANCE, symbol.name) if symbol is not None and symbol.kind == _CLASS else None


def _forward(node: ast.Constant) -> ast.expr | None:
    """A forward reference (``"C"``) as the expression it holds."""
    return parse_annotation(node.value)


def _agree(types: list[_Type | None]) -> _Type | None:
    """The one type all pieces of evidence give (exact only if all are exact)."""
    if len(types) == 1:  # most names: one binding
        return types[0]
    found = agreeing(types, lambda t: (t.kind, t.name, t.contextual), None)
    if found is None:
        return None
    first = found[0]
    return _Type(first.kind, first.name, exact=all(t.exact for t in found), contextual=first.contextual)


def _reaches(assigned: _Scope, read: _Scope) -> bool:
    """Whether an assignment made in scope ``assigned`` may run before a read in ``read``: in
    the same or an enclosing scope, or in another method of the same class (``setUp``)."""
    owner = (
        assigned.parent
        if assigned.kind == "function" and assigned.parent is not None and assigned.parent.kind == "class"
        else assigned
    )
    current: _Scope | None = read
    while current is not None:
        if current is assigned or current is owner:
            return True
        current = current.parent
    return False
