"""Evidence that an expression is an instance of a class: "``x`` is a ``C``".

A rule may only rewrite ``x.fetch()`` or ``ws.path`` when it knows what ``x`` is, and every
family asks that question of the same code, so the evidence is gathered here once:

* **declarations**: annotations of parameters, variables and attributes (``C``,
  ``Optional[C]``, ``Union[C, None]``, ``C | None``, ``"C"``, ``Annotated[C, ...]``,
  ``ClassVar[C]``, ``Final[C]``); an annotation decides, whatever is assigned, unless
  the assigned value is a mock (``x: C = Mock()`` describes the spec, not the object);
* **values**: a call of the class (``C(...)``), of a function of the file annotated
  ``-> C`` (awaited exactly when it is ``async``), of a method of the class through
  ``self`` (``self.make()``), of ``cls(...)`` in a classmethod, or of a callable the family
  knows (a factory of a rule pack; ``connect()`` under ``await``/``async with``/``async
  for``); aliases (``y = x``); ``except C as e``;
* **``self``**: attributes set in the class body or on ``self`` in its methods, and
  ``self`` itself inside a method;
* **typed containers**: an element of a ``list[C]``/``set[C]``/``Sequence[C]``... when
  iterated or indexed, a value of a ``dict[K, C]`` when indexed, read with ``.get()`` or
  iterated with ``.values()``/``.items()``.

Without a declaration every binding must agree (a ``None`` placeholder is neutral: an
attribute is never read from it); one unknown binding makes the answer unknown. The
family says, through an ``InstancePolicy``, which imported names are classes, what its
known callables return and which classes count as the same (several import paths of one
deprecated class).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from .model import SemanticModel
from .names import dotted_name
from .references import qualified_name
from .scopes import (
    ANNOTATED,
    ASSIGNMENT,
    CLASS_DEF,
    DEFINITION,
    EXCEPT,
    LOOP,
    PARAMETER,
    WALRUS,
    WITH,
    AttributeStore,
    Binding,
    Scope,
)

# How a call's result is used (see ``InstancePolicy.call_result``).
CALLED = "call"
AWAITED = "await"
ENTERED = "with"
ENTERED_ASYNC = "async with"
ITERATED = "for"
ITERATED_ASYNC = "async for"

_TYPING = ("typing.", "typing_extensions.")
#: Sequences: an element when iterated or indexed.
_SEQUENCES = frozenset(
    {
        "builtins.list",
        "typing.List",
        "typing.Sequence",
        "typing.MutableSequence",
        "collections.abc.Sequence",
        "collections.abc.MutableSequence",
        "collections.deque",
        "typing.Deque",
    }
)
#: Collections: an element when iterated.
_COLLECTIONS = frozenset(
    {
        "builtins.set",
        "builtins.frozenset",
        "typing.Set",
        "typing.FrozenSet",
        "typing.AbstractSet",
        "typing.MutableSet",
        "typing.Iterable",
        "typing.Iterator",
        "typing.Collection",
        "collections.abc.Set",
        "collections.abc.MutableSet",
        "collections.abc.Iterable",
        "collections.abc.Iterator",
        "collections.abc.Collection",
    }
)
#: Mappings: a key when iterated, a value when indexed or read with ``.get()``.
_MAPPINGS = frozenset(
    {
        "builtins.dict",
        "typing.Dict",
        "typing.Mapping",
        "typing.MutableMapping",
        "typing.DefaultDict",
        "typing.OrderedDict",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
        "collections.defaultdict",
        "collections.OrderedDict",
    }
)
_TUPLES = frozenset({"builtins.tuple", "typing.Tuple"})
_MOCK_MARKERS = ("Mock", "create_autospec", "patch")
_DEPTH = 8
_Evidence = TypeVar("_Evidence")


class TypeRef(NamedTuple):
    """A declared type: a qualified class name and its type arguments (None: unknown)."""

    name: str
    args: tuple[TypeRef | None, ...] = ()


class Instance(NamedTuple):
    """What an expression is an instance of, and what says so."""

    cls: str  # the qualified name of the class, as the file reaches it
    built: bool  # a call of the class itself in this file is among the evidence
    evidence: tuple[ast.AST, ...]  # the annotations and calls that tell it


class InstancePolicy:
    """What a family knows beyond the file; the defaults know nothing."""

    def is_class(self, qualified: str) -> bool:
        """Whether calling the (imported) name builds an instance of it."""
        return False

    def call_result(self, callee: str, use: str) -> str | None:
        """The class of what calling ``callee`` gives when the call is used as ``use``
        (CALLED, AWAITED, ENTERED...), for callables that are not classes."""
        return None

    def key(self, cls: str) -> Hashable:
        """What evidence must agree on: two import paths of one class may share a key."""
        return cls

    def parameter(self, binding: Binding) -> str | None:
        """The class of an unannotated parameter the family knows (a ``serve`` handler's)."""
        return None


#: The ``...`` of ``tuple[C, ...]``.
_VARIADIC = TypeRef("...")
#: Evidence that says nothing either way: a ``None`` placeholder.
_NEUTRAL = Instance("", False, ())


class InstanceTyper:
    """Instance evidence for the expressions of one file, under one family's policy."""

    def __init__(self, model: SemanticModel, policy: InstancePolicy | None = None) -> None:
        self.model = model
        self.policy = policy or InstancePolicy()
        self._names: dict[tuple[Any, ...], Instance | None] = {}

    def instance_of(self, node: ast.expr, depth: int = 0) -> Instance | None:
        """The class ``node`` is known to be an instance of, or None."""
        if depth > _DEPTH:
            return None
        if isinstance(node, ast.Await):
            return self.call(node.value, AWAITED, depth) if isinstance(node.value, ast.Call) else None
        if isinstance(node, ast.Call):
            return self.call(node, CALLED, depth)
        if isinstance(node, ast.Name):
            return self.name(node, depth)
        if isinstance(node, ast.Attribute):
            owner = self.model.instance_owner(node.value)
            return self.attribute(owner, node.attr, depth) if owner is not None else None
        if isinstance(node, ast.Subscript):
            return self.element(self.declared(node.value, depth), "index")
        if isinstance(node, ast.NamedExpr):
            return self.instance_of(node.value, depth + 1)
        return None

    # -- calls -------------------------------------------------------------------------------

    def call(self, node: ast.Call, use: str, depth: int) -> Instance | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            value = self.element(self.declared(func.value, depth), "get") if func.attr == "get" else None
            if value is not None and use == CALLED:
                return value
            owner = self.model.instance_owner(func.value)
            if owner is not None:
                return self.returns(self.method(owner, func.attr), use)
        if isinstance(func, ast.Name):
            bindings = self.model.bindings_of(func)
            if len(bindings) == 1 and self.local_callable(bindings[0]):
                return self.local_call(bindings[0], node, use)
        found = qualified_name(self.model, func)
        if found is None:
            return None
        return self.agree(self.named_call(name, node, use) for name in found.names)

    def local_callable(self, binding: Binding) -> bool:
        """A def or class of the file, or ``cls`` in a classmethod."""
        if binding.kind in (DEFINITION, CLASS_DEF):
            return True
        scope = self.model.binding_scope(binding)
        return binding.kind == PARAMETER and scope.receiver_is_class and binding.name == scope.receiver

    def local_call(self, binding: Binding, node: ast.Call, use: str) -> Instance | None:
        """A call of the file's own def or class, or of ``cls`` in a classmethod."""
        if binding.kind == DEFINITION:
            return self.returns(binding.node, use)
        owner = self.model.binding_scope(binding).owner if binding.kind == PARAMETER else None
        target = binding.target if binding.kind == CLASS_DEF else self.class_name(owner) if owner else None
        return Instance(target, True, (node,)) if target and use == CALLED else None

    def named_call(self, name: str, node: ast.Call, use: str) -> Instance | None:
        if self.policy.is_class(name):
            return Instance(name, True, (node,)) if use == CALLED else None
        result = self.policy.call_result(name, use)
        return Instance(result, False, (node,)) if result else None

    def returns(self, function: ast.AST | None, use: str) -> Instance | None:
        """What a def of the file gives: its return annotation, when awaited iff async."""
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.returns is None:
            return None
        if use != (AWAITED if isinstance(function, ast.AsyncFunctionDef) else CALLED):
            return None
        declared = self.declared_type(function.returns)
        return Instance(declared.name, False, (function.returns,)) if declared is not None else None

    # -- names ---------------------------------------------------------------------------------

    def name(self, node: ast.Name, depth: int) -> Instance | None:
        seen = self.model.visible(node)
        if seen is None:
            return None
        where, bindings = seen
        key = (where, node.id, *map(id, bindings))
        if key not in self._names:
            self._names[key] = None  # a cycle (``a = b``; ``b = a``) is unknown
            self._names[key] = self.from_bindings(bindings, depth)
        return self._names[key]

    def from_bindings(self, bindings: list[Binding], depth: int) -> Instance | None:
        declared = [b.annotation for b in bindings if b.annotation is not None and b.kind in (PARAMETER, ANNOTATED)]
        if declared:
            if any(looks_mocked(b.value) for b in bindings):
                return None
            return self.agree(self.annotated(a) for a in declared)
        return self.agree(self.binding(b, depth) for b in bindings)

    def binding(self, binding: Binding, depth: int) -> Instance | None:
        kind, value = binding.kind, binding.value
        if binding.is_none:
            return _NEUTRAL
        if kind == PARAMETER:
            return self.parameter(binding)
        if kind in (ASSIGNMENT, WALRUS) and not binding.unpacked and value is not None:
            return self.instance_of(value, depth + 1)
        if kind == LOOP and value is not None:
            return self.iterated(value, binding.unpacked, binding.is_async, depth)
        if kind == WITH and isinstance(value, ast.Call) and not binding.unpacked:
            return self.call(value, ENTERED_ASYNC if binding.is_async else ENTERED, depth)
        if kind == EXCEPT and isinstance(value, (ast.Name, ast.Attribute)):
            found = qualified_name(self.model, value)
            return Instance(found.name, False, (value,)) if found is not None and found.name else None
        return None

    def parameter(self, binding: Binding) -> Instance | None:
        scope = self.model.binding_scope(binding)
        if binding.name == scope.receiver and not scope.receiver_is_class and scope.owner is not None:
            target = self.class_name(scope.owner)
            return Instance(target, False, (binding.node,)) if target else None
        known = self.policy.parameter(binding)
        return Instance(known, False, (binding.node,)) if known else None

    def iterated(self, iterable: ast.expr, unpacked: tuple[int, ...], is_async: bool, depth: int) -> Instance | None:
        """An element of what a ``for`` (or comprehension) iterates over."""
        if is_async:
            if isinstance(iterable, ast.Call) and not unpacked:
                return self.call(iterable, ITERATED_ASYNC, depth)
            return None
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and not iterable.args:
            declared = self.declared(iterable.func.value, depth)
            method = iterable.func.attr
            if method == "items" and len(unpacked) == 1:
                return self.element(declared, "keys" if unpacked[0] == 0 else "values")
            if method in ("keys", "values") and not unpacked:
                return self.element(declared, method)
        if unpacked:
            return None
        if isinstance(iterable, ast.Call):
            return self.call(iterable, ITERATED, depth)
        return self.element(self.declared(iterable, depth), "iterate")

    # -- attributes of self ---------------------------------------------------------------------

    def attribute(self, owner: Scope, name: str, depth: int) -> Instance | None:
        key = (owner, f".{name}")
        if key not in self._names:
            self._names[key] = None
            self._names[key] = self.from_stores(self.stores(owner, name), depth)
        return self._names[key]

    def stores(self, owner: Scope, name: str) -> list[AttributeStore | Binding]:
        """Every assignment of attribute ``name`` in the class body or on ``self`` in its methods."""
        found: list[AttributeStore | Binding] = list(owner.bindings.get(name, ()))
        for store in self.model.attribute_stores:
            if store.node.attr == name and self.model.instance_owner(store.node.value) is owner:
                found.append(store)
        return found

    def from_stores(self, stores: list[AttributeStore | Binding], depth: int) -> Instance | None:
        declared = [s.annotation for s in stores if s.annotation is not None and s.kind == ANNOTATED]
        if declared:
            if any(looks_mocked(s.value) for s in stores):
                return None
            return self.agree(self.annotated(a) for a in declared)
        evidence: list[Instance | None] = []
        for store in stores:
            if isinstance(store, Binding):
                evidence.append(self.binding(store, depth) if store.kind in (ASSIGNMENT, WALRUS) else None)
            elif store.kind == ASSIGNMENT and isinstance(store.value, ast.Constant) and store.value.value is None:
                evidence.append(_NEUTRAL)
            elif store.kind == ASSIGNMENT and store.value is not None:
                evidence.append(self.instance_of(store.value, depth + 1))
            else:
                evidence.append(None)
        return self.agree(evidence)

    def method(self, owner: Scope, name: str) -> ast.AST | None:
        bindings = owner.bindings.get(name, [])
        return bindings[0].node if len(bindings) == 1 and bindings[0].kind == DEFINITION else None

    def class_name(self, owner: Scope) -> str | None:
        module = self.model.module
        return f"{module}.{owner.path}" if module and owner.path else None

    # -- declared types ---------------------------------------------------------------------------

    def annotated(self, annotation: ast.expr) -> Instance | None:
        declared = self.declared_type(annotation)
        return Instance(declared.name, False, (annotation,)) if declared is not None else None

    def declared(self, node: ast.expr, depth: int) -> TypeRef | None:
        """The declared type of a name or of an attribute of ``self`` (containers included)."""
        if isinstance(node, ast.Name):
            annotations = [
                b.annotation
                for b in self.model.bindings_of(node)
                if b.annotation is not None and b.kind in (PARAMETER, ANNOTATED)
            ]
        elif isinstance(node, ast.Attribute) and (owner := self.model.instance_owner(node.value)) is not None:
            annotations = [s.annotation for s in self.stores(owner, node.attr) if s.annotation is not None]
        else:
            return None
        found = {self.declared_type(a) for a in annotations}
        return found.pop() if len(found) == 1 else None

    def declared_type(self, annotation: ast.expr) -> TypeRef | None:
        """An annotation of the file without its ``Optional``/``None``/``Annotated`` wrapping."""
        return declared_type(annotation, self.qualified, self.model.forward_references.get)

    def qualified(self, node: ast.expr) -> str | None:
        found = qualified_name(self.model, node)
        return found.name if found is not None else None

    @staticmethod
    def element(container: TypeRef | None, how: str) -> Instance | None:
        """An element of a declared container: ``how`` is iterate, index, get, keys or values."""
        if container is None or not container.args:
            return None
        name, args = container.name, container.args
        found: TypeRef | None = None
        if name in _MAPPINGS and len(args) == 2:
            found = args[0] if how in ("iterate", "keys") else args[1]
        elif (name in _SEQUENCES and how in ("iterate", "index")) or (name in _COLLECTIONS and how == "iterate"):
            found = args[0] if len(args) == 1 else None
        elif name in _TUPLES and how in ("iterate", "index"):
            found = args[0] if len(args) == 1 or args[1:] == (_VARIADIC,) else None
        return Instance(found.name, False, ()) if found is not None and not found.args else None

    # -- agreement --------------------------------------------------------------------------------

    def agree(self, evidence: Iterable[Instance | None]) -> Instance | None:
        """The one class every piece of evidence names (neutral ones aside), or None."""
        found = agreeing(evidence, lambda i: self.policy.key(i.cls), _NEUTRAL)
        if found is None:
            return None
        return Instance(found[0].cls, any(i.built for i in found), tuple(node for i in found for node in i.evidence))


def agreeing(
    evidence: Iterable[_Evidence | None], key: Callable[[_Evidence], Hashable], neutral: Any
) -> list[_Evidence] | None:
    """The pieces of evidence other than ``neutral`` when there is one at least and all have
    one ``key``; None when they disagree or one is unknown (None): one answer for every
    family of what it takes for several bindings to agree."""
    found: list[_Evidence] = []
    for item in evidence:
        if item is None:
            return None
        if item is not neutral:
            found.append(item)
    if not found or len({key(item) for item in found}) != 1:
        return None
    return found


def declared_type(
    annotation: ast.expr,
    qualify: Callable[[ast.expr], str | None],
    forward: Callable[[ast.Constant], ast.expr | None],
    depth: int = 0,
) -> TypeRef | None:
    """An annotation without its ``Optional``/``None``/``Annotated`` wrapping: its names
    made absolute by ``qualify``, a string parsed by ``forward`` (None: not a type)."""
    if depth > _DEPTH:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        parsed = forward(annotation)
        if parsed is None:
            return None
        annotation = parsed
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _union(_union_members(annotation), qualify, forward, depth)
    if isinstance(annotation, ast.Subscript):
        name = qualify(annotation.value) if isinstance(annotation.value, (ast.Name, ast.Attribute)) else None
        if name is None:
            return None
        items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        wrapper = name.rpartition(".")[2] if name.startswith(_TYPING) else ""
        if wrapper == "Optional" and len(items) == 1:
            return declared_type(items[0], qualify, forward, depth + 1)
        if wrapper == "Union":
            return _union(items, qualify, forward, depth)
        if wrapper in ("Annotated", "ClassVar", "Final"):
            return declared_type(items[0], qualify, forward, depth + 1)
        return TypeRef(name, tuple(declared_type(i, qualify, forward, depth + 1) for i in items))
    if isinstance(annotation, ast.Constant) and annotation.value is Ellipsis:
        return _VARIADIC
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return TypeRef(name) if (name := qualify(annotation)) else None
    return None


def _union(
    members: list[ast.expr],
    qualify: Callable[[ast.expr], str | None],
    forward: Callable[[ast.Constant], ast.expr | None],
    depth: int,
) -> TypeRef | None:
    """``X | None``, ``Optional[X]``, ``Union[X, None]`` is X; a union of classes is unknown."""
    real = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
    return declared_type(real[0], qualify, forward, depth + 1) if len(real) == 1 else None


def _union_members(node: ast.expr) -> list[ast.expr]:
    """The members of ``A | B | C`` (a chain of any length: no recursion)."""
    members: list[ast.expr] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.BitOr):
            stack.extend((current.right, current.left))
        else:
            members.append(current)
    return members


def looks_mocked(value: ast.expr | None) -> bool:
    """``Mock()``, ``MagicMock(spec=C)``, ``create_autospec(C)``: a stand-in, not a C."""
    callee = dotted_name(value.func) if isinstance(value, ast.Call) else None
    return callee is not None and makes_mocks(callee)


@lru_cache(maxsize=4096)
def makes_mocks(callee: str) -> bool:
    """Whether a callable, by its dotted name, makes stand-ins (``Mock``, ``MagicMock``,
    ``create_autospec``, ``mocker.patch``...): what it returns is no instance of the class
    its arguments or an annotation name."""
    return any(marker in callee.rpartition(".")[2] for marker in _MOCK_MARKERS)
