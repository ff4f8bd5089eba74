"""The records of the semantic model: scopes, the bindings of names, attribute stores.

Kept apart from the walk that makes them (``builder``) and the model that answers from
them (``model``), which both need them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from .names import dotted_name

# Kinds of scope.
MODULE, CLASS, FUNCTION, LAMBDA, COMPREHENSION = "module", "class", "function", "lambda", "comprehension"

# Kinds of binding.
IMPORT = "import"  #: ``import a.b`` (binds ``a``) or ``import a.b as c``; ``target`` is what it binds
FROM_IMPORT = "from-import"  #: ``from m import n [as k]``; ``target`` is ``m.n`` made absolute
DEFINITION = "def"  #: ``def f``; ``node`` is the def, ``target`` its qualified name at module or class level
CLASS_DEF = "class"  #: ``class C``; ``target`` as for a def
PARAMETER = "parameter"  #: a positional or keyword parameter, with its annotation
ASSIGNMENT = "assignment"  #: ``name = value``; ``unpacked`` is the position in a tuple target
ANNOTATED = "annotated"  #: ``name: T`` or ``name: T = value``
AUGMENTED = "augmented"  #: ``name += value``
LOOP = "loop"  #: a ``for`` or comprehension target; ``value`` is the iterable
WITH = "with"  #: a ``with ... as name`` target; ``value`` is the context expression
EXCEPT = "except"  #: ``except T as name``; ``value`` is the handler's type
WALRUS = "walrus"  #: ``(name := value)``
OTHER = "other"  #: ``*args``, starred targets, match captures: nothing worth following

#: Bindings whose ``target`` says what the name is (a module, class or function).
NAMING_KINDS = frozenset({IMPORT, FROM_IMPORT, DEFINITION, CLASS_DEF})

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
#: Decorators after which the first parameter of a method is the class, not an instance.
_CLASS_RECEIVERS = frozenset({"classmethod", "builtins.classmethod"})
_IMPLICIT_CLASSMETHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
_STATIC = frozenset({"staticmethod", "builtins.staticmethod"})
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "kind", "conversion", "is_async", "type_comment"})
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def method_receiver(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool | None:
    """How a method defined in a class body gets its first parameter: True when it is the
    class (``classmethod``, ``__new__``...), False when it is an instance, None when it gets
    none (``staticmethod``)."""
    decorators = {dotted_name(d) for d in node.decorator_list}
    if decorators & _STATIC:
        return None
    return bool(decorators & _CLASS_RECEIVERS) or node.name in _IMPLICIT_CLASSMETHODS


def child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes, in ``ast.iter_child_nodes``
    order (worked out once per type: a generic walk asks every field of every node)."""
    found = _CHILD_FIELDS.get(kind)
    if found is None:
        found = _CHILD_FIELDS[kind] = tuple(name for name in kind._fields if name not in _LEAF_FIELDS)
    return found


#: A tree's nodes by their type (see ``nodes_by_type``).
NodesByType = dict[type[ast.AST], list[ast.AST]]


def nodes_by_type(*trees: ast.AST) -> NodesByType:
    """The nodes of ``trees`` (``walk``'s) by type, from one walk: the candidate looks ask
    for a few kinds of node, several times per file."""
    found: NodesByType = {}
    for tree in trees:
        for node in walk(tree):
            kind = type(node)
            bucket = found.get(kind)
            if bucket is None:
                found[kind] = [node]
            else:
                bucket.append(node)
    return found


def nodes_of(nodes: NodesByType, *kinds: type[ast.AST]) -> Iterator[ast.AST]:
    """The nodes of these types (in the order of ``kinds``)."""
    for kind in kinds:
        yield from nodes.get(kind, ())


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes ``ast.walk`` yields but contexts and operators, depth first (each node
    before its children, in field order). Twice as fast: the files the websockets and
    deprecated-API looks walk several times are the largest of a tree."""
    stack = [node]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        yield node
        kind = type(node)
        fields = _CHILD_FIELDS.get(kind) or child_fields(kind)
        for name in reversed(fields):
            child = getattr(node, name, None)
            if type(child) is list:
                for item in reversed(child):
                    if isinstance(item, ast.AST):
                        push(item)
            elif isinstance(child, ast.AST):
                push(child)


#: (line, UTF-8 column) of a point in the file, as ``ast`` counts them.
Position = tuple[int, int]


def end_of(node: ast.AST) -> Position:
    return node.end_lineno or node.lineno, node.end_col_offset or 0  # type: ignore[attr-defined]


def start_of(node: ast.AST) -> Position:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


@dataclass(eq=False)
class Scope:
    """A module, class, function, lambda or comprehension scope and what it binds."""

    kind: str
    parent: Scope | None
    node: ast.AST
    number: int = 0  # its place in ``SemanticModel.scopes``
    #: A class scope's qualified path in its module (``Outer.Inner``); "" inside a function.
    path: str = ""
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    #: The function scope of a method: the class scope it is defined in.
    owner: Scope | None = None
    #: The first parameter of a method, and whether it is the class (``cls``) or an instance.
    receiver: str | None = None
    receiver_is_class: bool = False
    #: ``from m import *`` statements (module scope only: Python allows them nowhere else).
    stars: list[ast.ImportFrom] = field(default_factory=list)
    #: The parts of the scope's ``for``/``while`` statements that run again (start, end): a
    #: binding later in a loop reaches a read earlier in it.
    loops: list[tuple[Position, Position]] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Binding:
    """One place that binds a name, and what the name is bound to there.

    It names its scope by number (``SemanticModel.binding_scope``), not by reference: a
    model without reference cycles is freed as soon as it is dropped, with its tree,
    instead of waiting for the cycle collector (which costs more than building it)."""

    name: str
    kind: str
    node: ast.AST  # the alias, def, class, arg, Name target or except handler
    scope_number: int  # the scope the name belongs to (``global``/``nonlocal`` followed)
    value: ast.expr | None = None
    annotation: ast.expr | None = None
    target: str | None = None
    unpacked: tuple[int, ...] = ()
    is_async: bool = False
    #: Where the binding takes effect (the end of the statement, of a ``for``'s iterable...):
    #: a read in the same scope before it, and in no loop with it, doesn't see it.
    effective: Position = (0, 0)

    @property
    def is_none(self) -> bool:
        """``name = None``: a placeholder, never what the name is where it is used as an object."""
        value = self.value
        return self.kind == ASSIGNMENT and not self.unpacked and isinstance(value, ast.Constant) and value.value is None


_new_binding = partial(object.__new__, Binding)


def made_binding(
    name: str,
    kind: str,
    node: ast.AST,
    scope_number: int,
    value: ast.expr | None,
    annotation: ast.expr | None,
    target: str | None,
    unpacked: tuple[int, ...],
    is_async: bool,
    effective: Position,
) -> Binding:
    """A ``Binding``, made without the frozen dataclass's ``__init__``, which sets each field
    through ``object.__setattr__``: the model makes one for every name bound in the file."""
    binding = _new_binding()
    vars(binding).update(
        name=name,
        kind=kind,
        node=node,
        scope_number=scope_number,
        value=value,
        annotation=annotation,
        target=target,
        unpacked=unpacked,
        is_async=is_async,
        effective=effective,
    )
    return binding


class AttributeStore(NamedTuple):
    """``receiver.name = value`` (or ``: T``), for what methods set on ``self``."""

    node: ast.Attribute
    scope: Scope
    kind: str  # ASSIGNMENT, ANNOTATED, AUGMENTED, LOOP, WITH or OTHER
    value: ast.expr | None
    annotation: ast.expr | None
