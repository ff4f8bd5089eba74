"""What a reference names (its qualified name) and where it stands (its context).

One answer for every family, so that a rule never reports a name another rule resolves
differently:

* **Qualified names** follow every import form (``import a.b``, ``import a.b as c``,
  ``from m import n as k``, relative imports made absolute with the file's module name),
  the file's own module- and class-level defs and classes (``pkg.mod.Outer.Inner``),
  plain aliases (``x = mod.Name``, when it is the name's only binding) and unbound
  builtins (``builtins.isinstance``). Several bindings may give several names (``try: from
  unittest.mock import patch`` / ``except ImportError: from mock import patch``); a binding
  that names nothing (a parameter, a computed value) makes the reference unknown.
* **The optional-import idiom** is decided here: ``try: import websockets`` / ``except
  ImportError: websockets = None`` leaves two bindings, but where the name is used as an
  object (an attribute is read from it, it is called, subscripted, subclassed, caught,
  given to ``isinstance`` or written in an annotation) it can't be the ``None``: there, a
  ``name = None`` binding is left out. Used as a plain value (``if websockets is None``)
  it counts, and the reference stays unknown.
* **Star imports**: a name that a module-level ``from m import *`` written after one of its
  bindings may rebind is unknown; so is a name bound nowhere when a star import could
  bind it. What ``m`` exports is asked of the model's ``exports`` (the index knows it for
  first-party modules); a plain ``import x`` is taken to survive a later star import (one
  that binds ``x`` got it from its own ``import x``: the same module).
* **Contexts**: annotation (forward references included), ``isinstance``/``issubclass``
  class argument (through tuples and ``|``), ``except`` type (through tuples), class base,
  callee, the value of a plain alias, an attribute's object, subscripted, or a value.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from .model import SemanticModel, star_may_export
from .names import BUILTIN_NAMES, chain_root
from .scopes import ASSIGNMENT, MODULE, NAMING_KINDS, Binding

ANNOTATION = "annotation"
ISINSTANCE = "isinstance"  #: the class argument of ``isinstance``/``issubclass``
EXCEPT = "except"  #: the type of an ``except`` clause
BASE = "base"  #: a class's base (``class C(Old)`` or ``class C(Old[int])``)
CALL = "call"  #: the callee (``Old(...)``, ``Old[int](...)``)
ALIAS = "alias"  #: the whole value of ``name = <reference>``
ATTRIBUTE = "attribute"  #: the object an attribute is read from
SUBSCRIPT = "subscript"  #: subscripted as a value (``Old[int]``)
VALUE = "value"

#: Contexts where the referenced object is used as an object, so it can't be ``None``.
OBJECT_CONTEXTS = frozenset({ANNOTATION, ISINSTANCE, EXCEPT, BASE, CALL, ATTRIBUTE, SUBSCRIPT})
_TYPE_TESTS = frozenset({"builtins.isinstance", "builtins.issubclass"})
#: How many ``x = y`` aliases are followed before giving up (``a = b; b = a`` is a cycle).
_ALIAS_DEPTH = 8


class QualifiedName(NamedTuple):
    """What a Name or attribute chain refers to."""

    names: frozenset[str]  # every qualified name it may stand for; one when certain
    bindings: tuple[Binding, ...]  # every binding its first name sees (placeholders included)
    alias: Binding | None  # the ``x = mod.Name`` binding followed, if any

    @property
    def name(self) -> str | None:
        """The qualified name, when there is exactly one."""
        return next(iter(self.names)) if len(self.names) == 1 else None


def qualified_name(model: SemanticModel, node: ast.expr) -> QualifiedName | None:
    """The qualified name(s) of a Name or attribute chain read in the file, or None."""
    key = ("qualified", node)
    if key not in model.memo:
        model.memo[key] = _qualified(model, node, 0)
    found: QualifiedName | None = model.memo[key]
    return found


def _qualified(model: SemanticModel, node: ast.expr, depth: int) -> QualifiedName | None:
    head, parts = chain_root(node)
    if not isinstance(head, ast.Name):
        return None
    if head not in model.scope_of_name:
        return None
    seen = model.visible(head)
    if seen is None:
        if head.id in BUILTIN_NAMES and not model.star_may_bind(head.id):
            return QualifiedName(frozenset({_join(f"builtins.{head.id}", parts)}), (), None)
        return None
    where, bindings = seen
    if where.kind == MODULE and any(_star_may_rebind(model, b) for b in bindings):
        return None
    used = bindings
    if any(b.is_none for b in bindings) and (parts or context_of(model, head) in OBJECT_CONTEXTS):
        used = [b for b in bindings if not b.is_none]
    names: set[str] = set()
    alias: Binding | None = None
    for binding in used:
        if binding.kind in NAMING_KINDS and binding.target is not None:
            names.add(binding.target)
        elif _is_alias(binding) and len(used) == 1 and depth < _ALIAS_DEPTH:
            assert binding.value is not None
            inner = _qualified(model, binding.value, depth + 1)
            if inner is None:
                return None
            names.update(inner.names)
            alias = binding
        else:
            return None
    if not names:
        return None
    return QualifiedName(frozenset(_join(name, parts) for name in names), tuple(bindings), alias)


def _join(name: str, parts: tuple[str, ...]) -> str:
    return ".".join((name, *parts)) if parts else name


def _is_alias(binding: Binding) -> bool:
    return (
        binding.kind == ASSIGNMENT
        and not binding.unpacked
        and isinstance(binding.value, (ast.Name, ast.Attribute))
        and isinstance(chain_root(binding.value)[0], ast.Name)
    )


def _star_may_rebind(model: SemanticModel, binding: Binding) -> bool:
    """Whether a star import written after a module-level binding may replace it."""
    return any(
        star_may_export(model.exports, model.star_source(star), binding.name) for star in model.stars_after(binding)
    )


# -- contexts ----------------------------------------------------------------------------------


def context_of(model: SemanticModel, node: ast.expr) -> str:
    """Where a reference (a Name, an attribute chain or a forward-reference string) stands."""
    if node in model.string_of or node in model.forward_references or _in_annotation(model, node):
        return ANNOTATION
    parents = model.parents
    child, parent = node, parents.get(node)
    subscripted = False
    while isinstance(parent, ast.Subscript) and parent.value is child:
        child, parent, subscripted = parent, parents.get(parent), True
    if isinstance(parent, ast.Call) and parent.func is child:
        return CALL
    if isinstance(parent, ast.ClassDef) and child in parent.bases:
        return BASE
    if subscripted:
        return SUBSCRIPT
    if isinstance(parent, ast.Attribute):
        return ATTRIBUTE
    if isinstance(parent, ast.Assign) and parent.value is child:
        single = len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)
        return ALIAS if single else VALUE
    return _class_argument(model, node) or VALUE


def _in_annotation(model: SemanticModel, node: ast.AST) -> bool:
    child = node
    for parent in model.ancestors(node):
        if isinstance(parent, (ast.arg, ast.AnnAssign)):
            return child is parent.annotation
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return child is parent.returns
        if isinstance(parent, ast.stmt):
            return False
        child = parent
    return False


def _class_argument(model: SemanticModel, node: ast.expr) -> str | None:
    """ISINSTANCE or EXCEPT for a class given to ``isinstance``/``issubclass`` or caught."""
    parents = model.parents
    child, parent = node, parents.get(node)
    union = False
    while isinstance(parent, ast.Tuple) or (isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.BitOr)):
        union = union or isinstance(parent, ast.BinOp)
        child, parent = parent, parents.get(parent)
    if isinstance(parent, ast.ExceptHandler) and parent.type is child and not union:
        return EXCEPT
    if (
        isinstance(parent, ast.Call)
        and len(parent.args) == 2
        and not parent.keywords
        and parent.args[1] is child
        and isinstance(parent.func, ast.Name)
    ):
        callee = qualified_name(model, parent.func)
        return ISINSTANCE if callee is not None and callee.name in _TYPE_TESTS else None
    return None
