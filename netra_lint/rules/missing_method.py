"""NL401: ``x.name`` where ``x`` is known to be a first-party class (or an instance of
one) and nothing in the class's MRO provides ``name``.

Detection reads the file's stdlib ``ast`` once and answers every question about classes
from the project index (members, bases, parameter lists, return annotations and attribute
types of every first-party class). The type of a receiver comes from a small,
flow-insensitive inference over the scopes of the file: constructor calls, annotations,
``self``/``cls``/``super()``, typed attributes and return annotations. A name bound to two
different types in a scope, a class with a base, decorator or metaclass we can't model,
``__getattr__``, ``setattr`` with a computed name, or a ``Protocol``: silence.
"""

from __future__ import annotations

import abc
import ast
import builtins
import collections
import difflib
import enum
import os
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any, NamedTuple

from ..checker import (
    Applicability,
    Checker,
    Diagnostic,
    Edit,
    FileContext,
    PackError,
    RuleInfo,
    validate_rename_map,
)
from ..index import (
    BUILTIN_TYPES,
    ClassInfo,
    FromImport,
    ModuleImport,
    ProjectIndex,
    Signature,
    TypeEvidence,
    absolute_module,
    child_fields,
    dotted_name,
    expects_error,
)
from ..noqa import comments
from ..source import SourceFile

SECTION = "method-renames"

NL401 = RuleInfo(
    code="NL401",
    name="missing-method",
    summary="An attribute or method that the project's own class doesn't have.",
    doc=f"""\
## What it does
Finds `x.name` and `x.name(...)` where `x` is known to be an instance of (or the class
itself) a first-party class `C`, and nothing in `C`'s MRO provides `name`: no method,
property, class attribute, nested class, attribute assigned on `self`/`cls` in any
method, dataclass/attrs/`NamedTuple` field, `Enum` member or `__slots__` entry. Members
of well-known base classes (`object`, exceptions, `ABC`, `Generic`, `Enum`,
`NamedTuple`, built-in containers) are taken from the running interpreter.

The type of `x` comes from `x = C(...)`, annotations on parameters, variables and
attributes (`x: C`, `Optional[C]`, `C | None`, `"C"`, `type[C]`), `self`/`cls` in `C`'s
methods, `super()`, `self.attr` whose assignments or annotation in the class fix its
type, and the return annotations of first-party functions and methods, across modules
(`get_manager() -> ConnectionManager`, `async def` with `await`). A name assigned values
of different types in one scope, or narrowed with `isinstance`, is unknown.

Nothing is reported when the answer is unknowable: a base class that is neither
first-party nor well-known (`pydantic.BaseModel`, `Protocol`...), `__getattr__` or
`__getattribute__` anywhere in the MRO, a metaclass other than `ABCMeta`/`EnumMeta`, a
class decorator other than `dataclass`, attrs, `total_ordering`, `final` or
`enum.unique`, `setattr(self, name, ...)` with a computed name or writes to
`self.__dict__`, a class defined twice (`if ...: class C ... else: class C ...`), a class
handed to a function at module level (`defproperty(C, "name")` may add members). A member
that a first-party subclass provides counts as present unless `x` was constructed as
`C(...)` right there (template methods); `C.name` for an attribute assigned only on
instances counts as present. Members also come from imports in the class body, from
`C.name = ...` at module level, from the metaclass (`ABCMeta.register`) and from any
first-party function that assigns the name on one of its parameters (`def create(self,
worker): worker.timer = Timer()`, the pattern of steps and plugins; a `Mock()` or lambda
assigned that way doesn't count). Where a file assigns `x.attr` an object of another type
than the class gives it (`worker.controller = FakeController()`), the type of `x.attr` is
unknown in that scope, the scopes inside it and the other methods of its class. Reads through
`self`, `cls` or `super()` in a class that the project never calls by name, itself or
through a subclass, are not reported: such a class is a mixin or an abstract base that is
combined with others at run time (`type(name, (Mixin, TestCase), {{}})`). Names with two
leading underscores, names the file tests with `hasattr`/`getattr` or sets with
`setattr`/`patch.object`/`monkeypatch.setattr`, names it assigns on the same expression,
on an object of a related class or on one of unknown type (other than with a mock or a
lambda; `self.parent.calls = []`), and accesses inside `try` blocks that catch
`AttributeError` or under `pytest.raises(AttributeError)`/`assertRaises(AttributeError,
...)` are never reported, nor are lines where a type checker's own attribute error is
silenced (`# type: ignore`, `# type: ignore[attr-defined]`, pyright's
`reportAttributeAccessIssue`, pylint's `no-member`): the author already knows.

## Why is this bad?
The access raises `AttributeError` when it runs, typically after a refactoring renamed a
method and some callers kept the old name. Type checkers catch it only where every
variable is annotated.

## Example
```python
# app/ws/manager.py
class ConnectionManager:
    async def disconnect_user(self, user_id: str) -> None: ...

# app/perf/load.py
from app.ws.factory import get_manager  # def get_manager() -> ConnectionManager

async def finish(user_id: str) -> None:
    manager = get_manager()
    await manager.disconnect(user_id)  # NL401: did you mean 'disconnect_user'?
```

Use instead:
```python
async def finish(user_id: str) -> None:
    manager = get_manager()
    await manager.disconnect_user(user_id)
```

## Fix safety
A rename declared in a rule pack is a safe fix at every access whose receiver is known
to be that class (or a subclass that doesn't override the member):

```toml
[{SECTION}]
"app.ws.manager.ConnectionManager.disconnect" = "disconnect_user"
```

The fix replaces only the attribute name, and only when the new name exists on the
class. Without a declared rename, a single close match is an unsafe fix when it is a
first-party method whose parameters the call's arguments bind to (any member for an
access that isn't called); several close matches are listed and nothing is changed.
""",
    fix="safe (pack) / unsafe",
)

_INSTANCE, _CLASS, _SUPER, _MODULE, _FUNCTION = "instance", "class", "super", "module", "function"

#: Class decorators that add no public member (dunders are never reported).
_KNOWN_DECORATORS = frozenset(
    {
        "dataclasses.dataclass",
        "functools.total_ordering",
        "typing.final",
        "typing_extensions.final",
        "enum.unique",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "attr.mutable",
        "attr.dataclass",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
    }
)
#: Metaclasses we can model; their methods (``ABCMeta.register``) are attributes of the class object.
_KNOWN_METACLASSES: dict[str, type] = {
    "abc.ABCMeta": abc.ABCMeta,
    "enum.EnumMeta": enum.EnumMeta,
    "enum.EnumType": getattr(enum, "EnumType", enum.EnumMeta),
    "builtins.type": type,
}
_STDLIB_BASES: dict[str, Any] = {
    "abc.ABC": abc.ABC,
    "typing.Generic": typing.Generic,
    "typing_extensions.Generic": typing.Generic,
    "typing.NamedTuple": collections.namedtuple("_", ""),
    **{
        f"enum.{name}": getattr(enum, name)
        for name in ("Enum", "IntEnum", "Flag", "IntFlag", "StrEnum", "ReprEnum")
        if hasattr(enum, name)
    },
}
#: Set on enum members by the metaclass, not found on the ``Enum`` class itself.
_ENUM_MEMBER_ATTRIBUTES = frozenset({"_name_", "_value_", "_sort_order_"})
_TYPING = ("typing.", "typing_extensions.")
_MOCK_MARKERS = ("Mock", "create_autospec", "patch")


@cache
def _runtime_members(qualname: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """(instance names, extra class-object names) of a well-known non-first-party base,
    read from this interpreter's own classes; None when the base isn't well known."""
    module, _, name = qualname.rpartition(".")
    cls = getattr(builtins, name, None) if module == "builtins" else _STDLIB_BASES.get(qualname)
    if not isinstance(cls, type) or issubclass(cls, type):
        return None
    names = set().union(*(vars(k) for k in cls.__mro__))
    if issubclass(cls, enum.Enum):
        names |= _ENUM_MEMBER_ATTRIBUTES
    return frozenset(names), frozenset(set().union(*(vars(k) for k in type(cls).__mro__)))


_OBJECT = _runtime_members("builtins.object")


def _ref_dotted(ref: str) -> str:
    return ref.replace("::", ".")


@dataclass(frozen=True)
class _Type:
    """What an expression is: an ``instance``/``class``/``super`` of a class ref
    (``module::Local``), a ``module`` name or a ``function`` ref. ``exact``: built right
    here with ``C(...)`` (so it can't be a subclass). ``contextual``: known only from
    where it is used (``self``/``cls``/``super()`` in the class's own methods), which a
    mixin shares with every class it is combined with."""

    kind: str
    name: str
    exact: bool = False
    contextual: bool = False


@dataclass
class _Model:
    """Everything a class provides: first-party members by name → (kind, owning class ref)."""

    ref: str
    lineage: list[str]  # first-party class refs, C3 order
    members: dict[str, tuple[str, str]]
    runtime: frozenset[str]  # instance names from well-known bases (object included)
    runtime_class: frozenset[str]  # extra names on the class object (its metaclass)

    def provides(self, name: str, kind: str) -> bool:
        if name in self.members or name in self.runtime:
            return True
        return kind == _CLASS and name in self.runtime_class

    def names(self, kind: str) -> list[str]:
        found = dict.fromkeys([*self.members, *self.runtime, *(self.runtime_class if kind == _CLASS else ())])
        return list(found)


class _Classes:
    """Models of first-party classes, shared by every file of a run."""

    def __init__(self, index: ProjectIndex, renames: list[tuple[str, str, str]]) -> None:
        self.index = index
        self._models: dict[str, _Model | None] = {}
        self._infos: dict[str, ClassInfo | None] = {}
        self._linear: dict[str, list[str] | None] = {}
        self._subclass_provides: dict[tuple[str, str], bool] = {}
        self._instantiated: dict[str, bool] = {}
        self._raw_renames = renames
        self._answers: dict[tuple[Any, ...], _Type | None] = {}

    def answer(self, key: tuple[Any, ...], compute: Callable[[], _Type | None]) -> _Type | None:
        """A type that depends on the index alone (not on the file asking), worked out once
        for every file of the run."""
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]

    def info(self, ref: str) -> ClassInfo | None:
        if ref not in self._infos:
            self._infos[ref] = self.index.class_info(_ref_dotted(ref))
        return self._infos[ref]

    def symbol(self, qualified: str) -> _Type | None:
        """A first-party module, class or function named by an absolute dotted name."""
        return self.answer(("symbol", qualified), lambda: self._symbol(qualified))

    def _symbol(self, qualified: str) -> _Type | None:
        if not qualified or not self.index.is_first_party(qualified):
            return None
        ref = self.index.resolve(qualified)
        if ref is None or ref.kind == "unknown":
            return None
        if ref.kind == "class":
            return _Type(_CLASS, ref.qualname, exact=True)
        if ref.kind == "module":
            return _Type(_MODULE, ref.qualname)
        if ref.kind == "function" and "." not in ref.qualname.partition("::")[2]:
            return _Type(_FUNCTION, ref.qualname)
        return None

    # -- the MRO --

    def linearize(self, ref: str, depth: int = 0) -> list[str] | None:
        """The class's C3 MRO as first-party refs and well-known base names; None: unknowable."""
        if ref in self._linear:
            return self._linear[ref]
        self._linear[ref] = None  # a cycle in the bases is unknowable
        self._linear[ref] = self._linearize(ref, depth)
        return self._linear[ref]

    def _linearize(self, ref: str, depth: int) -> list[str] | None:
        info = self.info(ref)
        if info is None or depth > 40 or info.has_getattr or info.dynamic:
            return None
        if info.metaclass and info.metaclass not in _KNOWN_METACLASSES:
            return None
        if any(d not in _KNOWN_DECORATORS for d in info.decorators):
            return None
        parents: list[list[str]] = []
        for base in info.bases:
            if base in ("builtins.object", "object"):
                continue
            if _runtime_members(base) is not None:
                parents.append([base])
                continue
            target = self.index.resolve(base) if self.index.is_first_party(base) else None
            if target is None or target.kind != "class":
                return None
            linear = self.linearize(target.qualname, depth + 1)
            if linear is None:
                return None
            parents.append(linear)
        return _c3([ref], parents + [[p[0] for p in parents]])

    def related(self, one: str, other: str) -> bool:
        """Whether one class is the other or derives from it (either way round); unknown
        classes count as related."""
        first, second = self.model(one), self.model(other)
        return first is None or second is None or other in first.lineage or one in second.lineage

    def model(self, ref: str) -> _Model | None:
        if ref not in self._models:
            self._models[ref] = self._model(ref)
        return self._models[ref]

    def _model(self, ref: str) -> _Model | None:
        linear = self.linearize(ref)
        if linear is None or _OBJECT is None:
            return None
        members: dict[str, tuple[str, str]] = {}
        runtime, runtime_class = set(_OBJECT[0]), set(_OBJECT[1])
        lineage = []
        for entry in linear:
            known = _runtime_members(entry) if "::" not in entry else None
            if known is not None:
                runtime |= known[0]
                runtime_class |= known[1]
                if entry == "typing.NamedTuple":
                    runtime |= set(vars(tuple))
                continue
            info = self.info(entry)
            if info is None:
                return None
            lineage.append(entry)
            if info.metaclass in _KNOWN_METACLASSES:
                runtime_class.update(*(vars(k) for k in _KNOWN_METACLASSES[info.metaclass].__mro__))
            for name, kind in info.members.items():
                members.setdefault(name, (kind, entry))
        return _Model(ref, lineage, members, frozenset(runtime), frozenset(runtime_class))

    def provided_by_subclass(self, ref: str, name: str, depth: int = 0) -> bool:
        """True when some first-party subclass (at any depth) provides ``name`` or can't be known."""
        key = (ref, name)
        if key in self._subclass_provides:
            return self._subclass_provides[key]
        self._subclass_provides[key] = False
        found = False
        for subclass in self.index.subclasses(_ref_dotted(ref)):
            target = self.index.resolve(subclass)
            sub_model = self.model(target.qualname) if target is not None and target.kind == "class" else None
            if (
                sub_model is None
                or sub_model.provides(name, _INSTANCE)
                or depth > 40
                or self.provided_by_subclass(sub_model.ref, name, depth + 1)
            ):
                found = True
                break
        self._subclass_provides[key] = found
        return found

    def instantiated(self, ref: str) -> bool:
        """Whether the project calls the class, or one of its first-party subclasses, by
        name anywhere: a class that is never instantiated where we can see it is a mixin
        or an abstract base, combined with others at run time (``type(name, bases, ns)``,
        test-suite factories)."""
        if ref not in self._instantiated:
            self._instantiated[ref] = False  # a cycle in the bases instantiates nothing
            called = self.index.called_names()
            found = ref.partition("::")[2].rpartition(".")[2] in called
            for subclass in [] if found else self.index.subclasses(_ref_dotted(ref)):
                target = self.index.resolve(subclass)
                if target is not None and target.kind == "class" and self.instantiated(target.qualname):
                    found = True
                    break
            self._instantiated[ref] = found
        return self._instantiated[ref]

    # -- what members are --

    def member_owner(self, model: _Model, name: str, kind: str) -> tuple[str, str] | None:
        """(member kind, owning class ref) of a first-party member; for ``super`` the
        owner after the class itself."""
        if kind != _SUPER:
            return model.members.get(name)
        for ref in model.lineage[1:]:
            info = self.info(ref)
            if info is not None and name in info.members:
                return info.members[name], ref
        return None

    def attribute_evidence(self, model: _Model, name: str) -> tuple[TypeEvidence, ...] | None:
        for ref in model.lineage:
            info = self.info(ref)
            if info is not None and name in info.members:
                return info.attribute_types.get(name)
        return None

    @cached_property
    def renames(self) -> dict[tuple[str, str], str]:
        """(class ref, old name) → new name, for the pack entries whose class exists."""
        table: dict[tuple[str, str], str] = {}
        for key, new, _ in self._raw_renames:
            owner, _, old = key.rpartition(".")
            ref = self.index.resolve(owner)
            if ref is not None and ref.kind == "class":
                table[(ref.qualname, old)] = new
        return table

    def rename_for(self, model: _Model, name: str) -> str | None:
        for ref in model.lineage:
            new = self.renames.get((ref, name))
            if new is not None:
                return new
        return None

    def where(self, ref: str) -> str:
        """The file that defines a class, relative to the project root."""
        module = ref.partition("::")[0]
        info = self.index.module_info(module)
        if info is None:
            return module
        try:
            return os.path.relpath(info.path, self.index.project_root).replace(os.sep, "/")
        except ValueError:
            return info.path


def _c3(head: list[str], sequences: list[list[str]]) -> list[str] | None:
    result = list(head)
    pending = [list(s) for s in sequences if s]
    while pending:
        for sequence in pending:
            candidate = sequence[0]
            if not any(candidate in s[1:] for s in pending):
                break
        else:
            return None  # no consistent MRO: Python would refuse the class
        result.append(candidate)
        pending = [[x for x in s if x != candidate] for s in pending]
        pending = [s for s in pending if s]
    return result


def _binds(signature: Signature, call: tuple[int, bool, tuple[str, ...]], drop_first: bool) -> bool:
    """Whether a call's arguments (its shape: positional count, whether ``*``/``**`` unpack
    anything, keyword names) bind to a stored parameter list as Python binds them."""
    positional, positional_only, defaults = signature.positional, signature.positional_only, signature.defaults
    keyword_only, keyword_defaults = signature.keyword_only, signature.keyword_defaults
    varargs, varkw = signature.varargs, signature.varkw
    count, unpacked, keywords = call
    required = list(positional[: len(positional) - defaults])
    names = list(positional)
    if drop_first:
        if not names:
            return False
        names, required = names[1:], required[1:]
        positional_only = max(0, positional_only - 1)
    if unpacked:
        return False
    if count > len(names) and not varargs:
        return False
    filled = set(names[:count])
    for name in keywords:
        if name in filled:
            return False
        if name in names[positional_only:] or name in keyword_only:
            filled.add(name)
        elif not varkw:
            return False
    missing_keywords = set(keyword_only) - set(keyword_defaults) - filled
    return not missing_keywords and all(p in filled for p in required)


def _call_shape(call: ast.Call | None) -> tuple[int, bool, tuple[str, ...]] | None:
    if call is None:
        return None
    unpacked = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
    return len(call.args), unpacked, tuple(k.arg for k in call.keywords if k.arg is not None)


# -- terms: the expressions inference follows, as plain data --------------------------------
#
# A file's facts (see ``collect_facts``) keep expressions as small tuples instead of ``ast``
# nodes, so the index can compute them while it parses the file and store them:
#
#   "x"                   a name                    ("await", value)     an await
#   (".", value, "attr")  an attribute              (":=", value)        a walrus' value
#   ("()", func)          a call                    None                 the constant None
#   ("()", "super", args) a call of ``super``, with its positional arguments
# and, in annotations only:
#   ("|", left, right)    a union                   ("str", text)        a forward reference
#   ("[]", value, items)  a subscript (the slice, or the elements of a tuple slice)
# Anything else is ``()``: inference knows nothing about it.


#: Deeper than this a term is ``()``: inference gives up past 12 levels anyway (``type_of``),
#: and a hostile chain of thousands of attributes must not exhaust the stack.
_TERM_DEPTH = 16
#: The term of a lambda assigned to an attribute (an expression otherwise unknown): a stub.
_LAMBDA = ("lambda",)


def _term(node: ast.expr | None, annotation: bool = False, depth: int = 0) -> Any:
    if depth > _TERM_DEPTH:
        return ()
    deeper = depth + 1
    kind = type(node)
    if kind is ast.Name:
        return node.id  # type: ignore[union-attr]
    if kind is ast.Attribute:
        return (".", _term(node.value, annotation, deeper), node.attr)  # type: ignore[union-attr]
    if kind is ast.Constant:
        value = node.value  # type: ignore[union-attr]
        if value is None:
            return None
        return ("str", value) if annotation and isinstance(value, str) else ()
    if annotation:
        if kind is ast.BinOp and isinstance(node.op, ast.BitOr):  # type: ignore[union-attr]
            return ("|", _term(node.left, True, deeper), _term(node.right, True, deeper))  # type: ignore[union-attr]
        if kind is ast.Subscript:
            piece = node.slice  # type: ignore[union-attr]
            items = piece.elts if isinstance(piece, ast.Tuple) else [piece]
            return ("[]", _term(node.value, True, deeper), tuple(_term(i, True, deeper) for i in items))  # type: ignore[union-attr]
        return ()
    if kind is ast.Call:
        func = node.func  # type: ignore[union-attr]
        if type(func) is ast.Name and func.id == "super":
            return ("()", "super", tuple(_term(a, False, deeper) for a in node.args))  # type: ignore[union-attr]
        return ("()", _term(func, False, deeper))
    if kind is ast.Await:
        return ("await", _term(node.value, False, deeper))  # type: ignore[union-attr]
    if kind is ast.NamedExpr:
        return (":=", _term(node.value, False, deeper))  # type: ignore[union-attr]
    return ()


def _dotted(term: Any) -> str | None:
    """``a.b.c`` for a name/attribute chain, else None."""
    parts: list[str] = []
    while type(term) is tuple and term and term[0] == ".":
        parts.append(term[2])
        term = term[1]
    if type(term) is str:
        parts.append(term)
        return ".".join(reversed(parts))
    return None


# -- the scopes of one file ----------------------------------------------------------------


@dataclass(eq=False)
class _Scope:
    """A module, class, function, lambda or comprehension scope and what binds its names.

    An entry of ``bindings`` is ``(kind, payload, number of the scope it was written in)``;
    while collecting, a ``value``/``annotation`` payload is the ``ast`` node, in the facts
    its term."""

    kind: str
    parent: _Scope | None
    number: int = 0
    #: For a class scope, its qualified path in the module (``Outer.Inner``); "" elsewhere.
    path: str = ""
    bindings: dict[str, Any] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    narrowed: set[str] = field(default_factory=set)
    open: bool = False

    def bind(self, name: str, kind: str, payload: Any = None, where: _Scope | None = None) -> None:
        self.bindings.setdefault(name, []).append((kind, payload, (where or self).number))

    def lookup(self, name: str) -> tuple[_Scope, Any] | None:
        """The scope that binds ``name`` as seen from here (class scopes are skipped, except
        this one) and its bindings; None when unbound or when a star import may bind it."""
        current: _Scope | None = self
        while current is not None:
            if current is self or current.kind != "class":
                if current.open:  # a star import may rebind any name, even a bound one
                    return None
                if name in current.bindings:
                    return current, current.bindings[name]
            current = current.parent
        return None


class _Access(NamedTuple):
    """An attribute read, from a file's facts."""

    receiver: Any  # the term of ``x`` in ``x.name``
    name: str
    scope: int
    call: tuple[int, bool, tuple[str, ...]] | None  # the shape of the call, if ``x.name(...)``
    end: tuple[int, int]  # where ``x.name`` ends: line, UTF-8 column
    dump: str  # ``ast.dump`` of ``x`` when the file assigns ``name`` on some receiver, else ""


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
#: Text without these has no attribute, call, lambda, comprehension or walrus in it.
_ACTIVE_MARKERS = (".", "(", "lambda", "for", ":=")
_ATTRIBUTE_ERROR = ("AttributeError",)
#: A type checker's silencing of the same error on the line: ``# type: ignore`` (bare or
#: with ``attr-defined``/``union-attr``), pyright's and pylint's equivalents.
_CHECKER_IGNORE = re.compile(
    r"#\s*(?:type|pyright):\s*ignore(?!\[)"
    r"|#\s*type:\s*ignore\[[^\]]*\b(?:attr-defined|union-attr)\b"
    r"|#\s*pyright:\s*ignore\[[^\]]*\breport(?:AttributeAccessIssue|OptionalMemberAccess)\b"
    r"|#\s*pylint:\s*disable=[^#\n]*\b(?:no-member|E1101)\b"
)
_ASSERT_RAISES = frozenset({"assertRaises", "assertRaisesRegex"})
#: Methods that set an attribute named by their second argument: ``mock.patch.object(C,
#: "name", create=True)``, ``monkeypatch.setattr(C, "name", value)``.
_SETTERS = frozenset({"object", "setattr"})


class _Collector:
    """One pass over the tree: scopes with their bindings, and every attribute read."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.module = _Scope("module", None)
        self.scopes = [self.module]
        self.accesses: list[tuple[ast.Attribute, _Scope, ast.Call | None]] = []
        self.stored: dict[
            str, list[tuple[ast.expr, _Scope, ast.expr | None]]
        ] = {}  # name → (receiver, scope, value) of its assignments
        self.tested: set[str] = set()  # names given to hasattr/getattr/delattr as literals
        self._calls: dict[int, ast.Call] = {}

    def run(self, tree: ast.Module) -> None:
        self.body(tree.body, self.module, False)
        self._declarations()

    def scope(self, kind: str, parent: _Scope, path: str = "") -> _Scope:
        created = _Scope(kind, parent, len(self.scopes), path)
        self.scopes.append(created)
        return created

    # -- statements --

    def body(self, statements: Iterable[ast.stmt], scope: _Scope, guarded: bool) -> None:
        for stmt in statements:
            self.stmt(stmt, scope, guarded)

    def stmt(self, node: ast.stmt, scope: _Scope, guarded: bool) -> None:
        if isinstance(node, _FUNCTIONS):
            self.function(node, scope, guarded)
        elif isinstance(node, ast.ClassDef):
            for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self.expr(expr, scope, guarded)
            path = f"{scope.path}.{node.name}" if scope.kind == "class" else node.name
            inner = self.scope("class", scope, path if scope.kind in ("module", "class") else "")
            self.body(node.body, inner, guarded)
            scope.bind(node.name, "class", inner.path)
        elif isinstance(node, ast.Assign):
            self.expr(node.value, scope, guarded)
            for target in node.targets:
                self.target(
                    target, scope, guarded, node.value if isinstance(target, (ast.Name, ast.Attribute)) else None
                )
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.expr(node.value, scope, guarded)
            self.expr(node.annotation, scope, guarded)
            if isinstance(node.target, ast.Name):
                scope.bind(node.target.id, "annotation", node.annotation)
                if node.value is not None:
                    scope.bind(node.target.id, "value", node.value)
            else:
                self.target(node.target, scope, guarded, node.value)
        elif isinstance(node, ast.AugAssign):
            self.expr(node.value, scope, guarded)
            self.target(node.target, scope, guarded, None)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter, scope, guarded)
            self.target(node.target, scope, guarded, None)
            self.body(node.body + node.orelse, scope, guarded)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expr(item.context_expr, scope, guarded)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, scope, guarded, None)
            expected = any(expects_error(item.context_expr, _ATTRIBUTE_ERROR) for item in node.items)
            self.body(node.body, scope, guarded or expected)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            catches = guarded or any(_catches_attribute_error(h) for h in node.handlers)  # type: ignore[attr-defined]
            self.body(node.body, scope, catches)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                if handler.type is not None:
                    self.expr(handler.type, scope, guarded)
                if handler.name:
                    scope.bind(handler.name, "unknown")
                self.body(handler.body, scope, guarded)
            self.body(node.orelse + node.finalbody, scope, guarded)  # type: ignore[attr-defined]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, "import", alias.name)
                else:
                    top = alias.name.split(".")[0]
                    scope.bind(top, "import", top)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    scope.open = True
                else:
                    scope.bind(alias.asname or alias.name, "from", (node.level, node.module, alias.name))
        elif isinstance(node, ast.Global):
            scope.globals.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.target(target, scope, guarded, None)
        elif isinstance(node, ast.Match):
            self.expr(node.subject, scope, guarded)
            subject = dotted_name(node.subject)
            if subject:
                scope.narrowed.add(subject)
            for case in node.cases:
                for pattern in ast.walk(case.pattern):
                    for name in (getattr(pattern, "name", None), getattr(pattern, "rest", None)):
                        if isinstance(name, str):
                            scope.bind(name, "unknown")
                    if isinstance(pattern, ast.MatchValue):
                        self.expr(pattern.value, scope, guarded)
                    elif isinstance(pattern, ast.MatchClass):
                        self.expr(pattern.cls, scope, guarded)
                if case.guard is not None:
                    self.expr(case.guard, scope, guarded)
                self.body(case.body, scope, guarded)
        elif isinstance(node, (ast.If, ast.While)):
            self.expr(node.test, scope, guarded)
            self.body(node.body + node.orelse, scope, guarded)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, scope, guarded)
                elif isinstance(child, ast.stmt):
                    self.stmt(child, scope, guarded)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope, guarded: bool) -> None:
        args = node.args
        for expr in [*node.decorator_list, *args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(expr, scope, guarded)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
        for arg in every:
            if arg.annotation is not None:
                self.expr(arg.annotation, scope, guarded)
        if node.returns is not None:
            self.expr(node.returns, scope, guarded)
        inner = self.scope("function", scope)
        positional = [*args.posonlyargs, *args.args]
        receiver = _receiver_kind(node) if scope.kind == "class" and scope.path else None
        for position, arg in enumerate(positional + args.kwonlyargs):
            if position == 0 and receiver and arg in positional:
                inner.bind(arg.arg, "self", (scope.path, receiver))
            elif arg.annotation is not None:
                inner.bind(arg.arg, "annotation", arg.annotation, scope)
            else:
                inner.bind(arg.arg, "unknown")
        for rest in (args.vararg, args.kwarg):
            if rest is not None:
                inner.bind(rest.arg, "unknown")
        self.body(node.body, inner, False)
        scope.bind(node.name, "def" if scope.kind == "module" else "unknown")

    def target(self, node: ast.expr, scope: _Scope, guarded: bool, value: ast.expr | None) -> None:
        if isinstance(node, ast.Name):
            scope.bind(node.id, "value" if value is not None else "unknown", value)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, scope, guarded, None)
        elif isinstance(node, ast.Starred):
            self.target(node.value, scope, guarded, None)
        elif isinstance(node, ast.Attribute):
            self.stored.setdefault(node.attr, []).append((node.value, scope, value))
            self.expr(node.value, scope, guarded)
        else:
            self.expr(node, scope, guarded)

    # -- expressions --

    def expr(self, node: ast.expr, scope: _Scope, guarded: bool) -> None:
        # The hottest loop of NL401: names looked up once, the commonest nodes first.
        name_type, constant_type, attribute_type, call_type, load_type = (
            ast.Name,
            ast.Constant,
            ast.Attribute,
            ast.Call,
            ast.Load,
        )
        accesses, calls = self.accesses, self._calls
        stack: list[Any] = [node]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            current = pop()
            kind = type(current)
            if kind is name_type or kind is constant_type or current is None:  # None: the key of `**d` in a dict
                continue
            if kind is attribute_type:
                if type(current.ctx) is load_type and not guarded:
                    accesses.append((current, scope, calls.pop(id(current), None)))
                push(current.value)
                continue
            if kind is call_type:
                func = current.func
                calls[id(func)] = current
                if type(func) is name_type or (type(func) is attribute_type and func.attr in _SETTERS):
                    self.note_call(current, scope)
                push(func)
                if (
                    type(func) is attribute_type
                    and func.attr in _ASSERT_RAISES
                    and expects_error(current, _ATTRIBUTE_ERROR)
                ):
                    push(current.args[0])  # assertRaises(AttributeError, lambda: x.gone): on purpose
                    for expected in [*current.args[1:], *(keyword.value for keyword in current.keywords)]:
                        self.expr(expected, scope, True)
                    continue
                extend(current.args)
                extend(keyword.value for keyword in current.keywords)
                continue
            if kind in _LITERALS and self.inert(current):
                continue
            if kind is ast.Lambda:
                inner = self.scope("function", scope)
                arguments = current.args
                for arg in [
                    *arguments.posonlyargs,
                    *arguments.args,
                    *arguments.kwonlyargs,
                    *(a for a in (arguments.vararg, arguments.kwarg) if a),
                ]:
                    inner.bind(arg.arg, "unknown")
                extend([*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)])
                self.expr(current.body, inner, guarded)
                continue
            if kind in _COMPREHENSIONS:
                self.comprehension(current, scope, guarded)
                continue
            if kind is ast.NamedExpr:
                owner = scope
                while owner.kind == "comprehension" and owner.parent is not None:
                    owner = owner.parent
                owner.bind(current.target.id, "value", current.value, scope)
                push(current.value)
                continue
            for field_name in child_fields(kind):
                child = getattr(current, field_name, None)
                if isinstance(child, ast.AST):
                    push(child)
                elif isinstance(child, list):
                    extend(child)

    def inert(self, node: ast.expr) -> bool:
        """Whether a literal spanning lines holds nothing the walk looks for (a table of
        constants): its lines have no ``.``, ``(``, ``lambda``, ``for`` or ``:=``."""
        first, last = node.lineno, node.end_lineno or node.lineno
        if last - first < 2:
            return False
        starts = self.source.line_starts  # worked out for the first such literal only
        if last >= len(starts):
            return False
        lines = self.source.text[starts[first - 1] : starts[last]]
        return not any(marker in lines for marker in _ACTIVE_MARKERS)

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, scope: _Scope, guarded: bool
    ) -> None:
        inner = self.scope("comprehension", scope)
        for position, generator in enumerate(node.generators):
            self.expr(generator.iter, scope if position == 0 else inner, guarded)
            self.target(generator.target, inner, guarded, None)
            for condition in generator.ifs:
                self.expr(condition, inner, guarded)
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for result in results:
            self.expr(result, inner, guarded)

    def note_call(self, node: ast.Call, scope: _Scope) -> None:
        func = node.func.id if isinstance(node.func, ast.Name) else "setattr"  # patch.object(C, "name", ...)
        if func in ("isinstance", "issubclass", "type") and node.args:
            subject = dotted_name(node.args[0])
            if subject:
                scope.narrowed.add(subject)
        elif func in ("hasattr", "getattr", "delattr", "setattr") and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                self.tested.add(name.value)

    # -- global / nonlocal --

    def _declarations(self) -> None:
        """A name declared ``global``/``nonlocal`` and bound in a function is rebound in
        another scope from there: its type in that scope becomes unknown."""
        for scope in self.scopes:
            for name in scope.globals | scope.nonlocals:
                if scope.bindings.pop(name, None) is None:
                    continue
                target: _Scope | None = self.module
                if name in scope.nonlocals:
                    target = scope.parent
                    while target is not None and (target.kind != "function" or name not in target.bindings):
                        target = target.parent
                if target is not None:
                    target.bind(name, "unknown")

    # -- the facts --

    def facts(self) -> tuple[Any, ...]:
        """What inference needs, as plain data: the reads whose receiver may have a type,
        the assignments of the attributes they read, and every scope with the bindings of
        the names those can lead to (in every scope, so shadowing stays as it is)."""
        kept = [
            (node, scope, call)
            for node, scope, call in self.accesses
            if not node.attr.startswith("__") and node.attr not in self.tested and _may_have_type(node.value, scope)
        ]
        read = {node.attr for node, _, _ in kept}
        stores = {
            name: tuple(
                (
                    _same_key(receiver),
                    _term(receiver),
                    scope.number,
                    _LAMBDA if isinstance(value, ast.Lambda) else _term(value) if value is not None else (),
                )
                for receiver, scope, value in found
            )
            for name, found in self.stored.items()
            if name in read
        }
        accesses = tuple(
            (
                _term(node.value),
                node.attr,
                scope.number,
                _call_shape(call),
                (node.end_lineno, node.end_col_offset),
                _same_key(node.value) if node.attr in stores else "",
            )
            for node, scope, call in kept
        )
        bindings = self._bindings_reached(
            [a[0] for a in accesses] + [t for found in stores.values() for _, r, _, v in found for t in (r, v)]
        )
        scopes = tuple(
            (
                scope.kind,
                scope.parent.number if scope.parent is not None else -1,
                scope.path,
                scope.open,
                tuple(scope.narrowed),
                {name: bindings[name][scope.number] for name in scope.bindings if name in bindings},
            )
            for scope in self.scopes
        )
        return scopes, accesses, stores

    def _bindings_reached(self, terms: list[Any]) -> dict[str, dict[int, tuple[Any, ...]]]:
        """name → scope number → its bindings as facts, for every name the terms mention
        and, in turn, every name their bindings' values and annotations mention."""
        where_bound: dict[str, list[_Scope]] = {}
        for scope in self.scopes:
            for name in scope.bindings:
                where_bound.setdefault(name, []).append(scope)
        reached: dict[str, dict[int, tuple[Any, ...]]] = {}
        pending = [name for term in terms for name in _names_in(term)]
        while pending:
            name = pending.pop()
            if name in reached or name not in where_bound:
                continue
            per_scope = reached[name] = {}
            for scope in where_bound[name]:
                evidence = []
                for kind, payload, where in scope.bindings[name]:
                    if kind in _NODE_PAYLOADS:
                        payload = _term(payload, kind == "annotation")
                        pending.extend(_names_in(payload))
                    evidence.append((kind, payload, where))
                per_scope[scope.number] = tuple(evidence)
        return reached


def _declared_builtin(term: Any, scope: _Scope) -> bool:
    """Whether ``term`` is a name annotated with a builtin type (``obj: object``, ``data:
    dict[str, int]``): no first-party object, whatever is assigned on it."""
    found = scope.lookup(term) if type(term) is str else None
    if found is None:
        return False
    annotations = [payload for kind, payload, _ in found[1] if kind == "annotation"]
    heads = [a[1] if type(a) is tuple and a[:1] == ("[]",) else a for a in annotations]
    return bool(heads) and all(type(h) is str and h in BUILTIN_TYPES for h in heads)


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


def _same_key(node: ast.expr) -> str:
    """Equal for equal expressions: the dotted name of a name/attribute chain, else the dump
    (too deep to dump: equal to nothing else)."""
    try:
        return dotted_name(node) or ast.dump(node)
    except RecursionError:
        return f"<too deep {id(node)}>"


def _names_in(term: Any) -> Iterator[str]:
    """The names a term mentions (forward references included)."""
    stack = [term]
    while stack:
        current = stack.pop()
        if type(current) is str:
            yield current
        elif type(current) is tuple and current:
            tag = current[0]
            if tag == "str":
                parsed = _parse_annotation(current[1].strip())
                if parsed is not _UNPARSABLE:
                    stack.append(parsed)
            elif tag == ".":
                stack.append(current[1])
            elif tag == "[]":
                stack.append(current[1])
                stack.extend(current[2])
            elif tag == "()" and len(current) == 3:
                stack.append("super")
                stack.extend(current[2])
            else:
                stack.extend(current[1:])


_NODE_PAYLOADS = frozenset({"value", "annotation"})


def _may_have_type(node: ast.expr, scope: _Scope) -> bool:
    """False when inference can't type ``node`` whatever the index says: its root is no
    name, or a name that is unbound or bound to something unknown without an annotation.
    (Most reads are of such receivers; the facts leave them out.)"""
    while True:
        kind = type(node)
        if kind is ast.Attribute or kind is ast.Await or kind is ast.NamedExpr:
            node = node.value  # type: ignore[attr-defined]
        elif kind is ast.Call:
            node = node.func  # type: ignore[attr-defined]
            if type(node) is ast.Name and node.id == "super":
                return True
        else:
            break
    if type(node) is not ast.Name:
        return False
    found = scope.lookup(node.id)  # type: ignore[attr-defined]
    if found is None:
        return False
    evidence = found[1]
    return any(kind == "annotation" for kind, _, _ in evidence) or all(kind != "unknown" for kind, _, _ in evidence)


def collect_facts(tree: ast.Module, source: SourceFile) -> tuple[Any, ...]:
    """NL401's facts about one file (see ``Checker.file_facts``)."""
    collector = _Collector(source)
    collector.run(tree)
    return collector.facts()


def _scopes_from(facts: tuple[Any, ...]) -> list[_Scope]:
    """The scopes of the facts, each ``narrowed`` holding its enclosing scopes' too."""
    scopes: list[_Scope] = []
    for number, (kind, parent, path, is_open, narrowed, bindings) in enumerate(facts):
        outer = scopes[parent] if parent >= 0 else None
        inherited = outer.narrowed if outer is not None else set()
        scopes.append(
            _Scope(
                kind,
                outer,
                number,
                path,
                bindings,
                narrowed=inherited.union(narrowed) if narrowed else inherited,
                open=is_open,
            )
        )
    return scopes


def _receiver_kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """What the first parameter of a method is: an instance, the class, or nothing."""
    decorators = {dotted_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
    if "staticmethod" in decorators:
        return None
    if "classmethod" in decorators or node.name in ("__new__", "__init_subclass__", "__class_getitem__"):
        return _CLASS
    return _INSTANCE


def _catches_attribute_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted_name(t) or "").rpartition(".")[2] == "AttributeError" for t in types)


# -- inference -------------------------------------------------------------------------------


class _Inference:
    """The types of expressions in one file (flow-insensitive, per scope)."""

    def __init__(
        self,
        classes: _Classes,
        module: str | None,
        is_package: bool,
        scopes: list[_Scope],
        stores: Mapping[str, Any] | None = None,
    ) -> None:
        self.classes = classes
        self.index = classes.index
        self.module = module
        self.is_package = is_package
        self.scopes = scopes
        self.stores = stores or {}  # attribute name → (key, receiver, scope, value) of each assignment in the file
        self._names: dict[tuple[int, str], _Type | None] = {}

    # -- names --

    def qualified(self, term: Any, scope: _Scope) -> str | None:
        """The absolute dotted name an expression spells through the file's imports and
        module-level classes; ``builtins.x`` for unbound names."""
        dotted = _dotted(term)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        found = scope.lookup(head)
        if found is None:
            return f"builtins.{dotted}" if head in vars(builtins) and not self.open(scope) else None
        where, evidence = found
        if len(evidence) != 1:
            return None
        kind, payload, _ = evidence[0]
        if kind == "import":
            base = payload
        elif kind == "from":
            level, module, name = payload
            source = absolute_module(self.module, self.is_package, level, module)
            if source is None:
                return None
            base = f"{source}.{name}"
        elif (
            kind in ("class", "def")
            and self.module
            and where.kind in ("module", "class")
            and (payload or kind == "def")
        ):
            base = f"{self.module}.{payload if kind == 'class' else head}"
        else:
            return None
        return f"{base}.{rest}" if rest else base

    @staticmethod
    def open(scope: _Scope) -> bool:
        """True when a star import on the way may bind any name."""
        current: _Scope | None = scope
        while current is not None:
            if current.open:
                return True
            current = current.parent
        return False

    def name_type(self, name: str, scope: _Scope, depth: int) -> _Type | None:
        found = scope.lookup(name)
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

    def _evidence_type(
        self, name: str, where: _Scope, evidence: list[tuple[str, Any, int]], depth: int
    ) -> _Type | None:
        annotations = [(payload, self.scopes[scope]) for kind, payload, scope in evidence if kind == "annotation"]
        if annotations:
            values = [payload for kind, payload, _ in evidence if kind == "value"]
            if any(_looks_mocked(v) for v in values):
                return None
            return _agree([self.annotation_type(term, scope, None) for term, scope in annotations])
        found: list[_Type | None] = []
        for kind, payload, scope in evidence:
            if kind == "value":
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
        for _, receiver, number, value in self.stores.get(term[2], ()):
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
        receivers = [payload for evidence in scope.bindings.values() for kind, payload, _ in evidence if kind == "self"]
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

    def annotation_text_type(self, text: str, self_class: str | None) -> _Type | None:
        """An annotation stored by the index (its names already absolute)."""
        if not text:
            return None
        return _annotation_from_text(text, self._resolve_qualified, self_class)

    def _resolve_qualified(self, qualified: str) -> _Type | None:
        return self.classes.symbol(qualified)

    def annotation_type(self, term: Any, scope: _Scope, self_class: str | None) -> _Type | None:
        """An annotation written in this file, its names looked up in ``scope``."""
        return _annotation(term, lambda t: self.qualified(t, scope), self._resolve_qualified, self_class)


_UNPARSABLE = ("unparsable",)


@lru_cache(maxsize=4096)
def _parse_annotation(text: str) -> Any:
    try:
        return _term(ast.parse(text, mode="eval").body, annotation=True)
    except (SyntaxError, ValueError, RecursionError):
        return _UNPARSABLE


def _annotation_from_text(text: str, resolve: Callable[[str], _Type | None], self_class: str | None) -> _Type | None:
    term = _parse_annotation(text)
    return _annotation(term, _dotted, resolve, self_class) if term is not _UNPARSABLE else None


def _annotation(
    term: Any,
    qualify: Callable[[Any], str | None],
    resolve: Callable[[str], _Type | None],
    self_class: str | None,
    depth: int = 0,
) -> _Type | None:
    """The instance (or, for ``type[C]``, class) type an annotation declares, or None."""
    if depth > 8:
        return None
    tag = term[0] if type(term) is tuple and term else None
    if tag == "str":
        inner = _parse_annotation(term[1].strip())
        return _annotation(inner, qualify, resolve, self_class, depth + 1) if inner is not _UNPARSABLE else None
    if tag == "|":
        return _union([term[1], term[2]], qualify, resolve, self_class, depth)
    if tag == "[]":
        head = qualify(term[1]) or ""
        wrapper = head.rpartition(".")[2] if head.startswith(_TYPING) or head.startswith("builtins.") else ""
        arguments = term[2]
        if wrapper in ("Optional", "Union"):
            return _union(arguments, qualify, resolve, self_class, depth)
        if wrapper in ("Annotated", "ClassVar", "Final") and arguments:
            return _annotation(arguments[0], qualify, resolve, self_class, depth + 1)
        if wrapper in ("type", "Type") and len(arguments) == 1:
            declared = _annotation(arguments[0], qualify, resolve, self_class, depth + 1)
            return _Type(_CLASS, declared.name) if declared is not None and declared.kind == _INSTANCE else None
        return None
    qualified = qualify(term)
    if qualified is None:
        return None
    if qualified in ("typing.Self", "typing_extensions.Self"):
        return _Type(_INSTANCE, self_class) if self_class else None
    symbol = resolve(qualified)
    return _Type(_INSTANCE, symbol.name) if symbol is not None and symbol.kind == _CLASS else None


def _union(
    members: list[Any],
    qualify: Callable[[Any], str | None],
    resolve: Callable[[str], _Type | None],
    self_class: str | None,
    depth: int,
) -> _Type | None:
    """``X | None`` / ``Optional[X]`` / ``Union[X, None]`` is X; a union of classes is unknown."""
    real = [m for m in members if m is not None and qualify(m) not in ("None", "builtins.None")]
    if len(real) != 1:
        return None
    return _annotation(real[0], qualify, resolve, self_class, depth + 1)


def _agree(types: list[_Type | None]) -> _Type | None:
    """The one type all pieces of evidence give (exact only if all are exact)."""
    if not types or any(t is None for t in types):
        return None
    kinds = {(t.kind, t.name, t.contextual) for t in types if t is not None}
    if len(kinds) != 1:
        return None
    kind, name, contextual = kinds.pop()
    return _Type(kind, name, exact=all(t.exact for t in types if t is not None), contextual=contextual)


def _looks_mocked(value: Any) -> bool:
    """``x: C = Mock()`` and friends: the annotation describes the spec, not the object."""
    callee = _dotted(value[1]) if type(value) is tuple and value[:1] == ("()",) else None
    return callee is not None and any(marker in callee.rpartition(".")[2] for marker in _MOCK_MARKERS)


# -- the checker -----------------------------------------------------------------------------


class MissingMethod(Checker):
    """NL401 over the project index and the file's stdlib AST."""

    rules = (NL401,)
    pack_sections = (SECTION,)
    uses_index = True

    @staticmethod
    def file_facts(tree: ast.Module, source: SourceFile) -> tuple[Any, ...]:
        return collect_facts(tree, source)

    _memo_index: ProjectIndex | None = None
    _memo_classes: _Classes | None = None

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        if not isinstance(value, dict):
            raise PackError(f'{origin}: [{section}] must be a table of "module.Class.old_name" = "new_name"')
        entries = []
        for key, new in value.items():
            parts = key.split(".")
            if len(parts) < 3 or not all(p.isidentifier() for p in parts):
                raise PackError(
                    f"{origin}: [{section}] entry {key!r}: write the class's qualified name and the old member name, as 'module.Class.old_name'"
                )
            if not isinstance(new, str) or not new.isidentifier():
                raise PackError(
                    f"{origin}: [{section}] entry {key!r} = {new!r}: the new name must be a single identifier"
                )
            if new == parts[-1]:
                raise PackError(f"{origin}: [{section}] entry {key!r} maps to itself")
            entries.append((key, new, origin))
        return entries

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        # 'module.Class.old' = 'new' leads on to 'module.Class.new'.
        validate_rename_map(section, entries, lambda old, new: f"{old.rpartition('.')[0]}.{new}")

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        index = ctx.index
        if index is None or ctx.source.path.suffix == ".pyi" or not self._worth_parsing(ctx, index):
            return
        if self._memo_index is not index:
            self._memo_index, self._memo_classes = index, _Classes(index, self.packs(SECTION))
        assert self._memo_classes is not None
        yield from _FileCheck(ctx, index, self._memo_classes).run()

    @staticmethod
    def _worth_parsing(ctx: FileContext, index: ProjectIndex) -> bool:
        """A file that defines no class and imports nothing first-party has no receiver we can type."""
        if "class" in ctx.text:
            return True
        summary = index.summary_for(ctx.source.path, ctx.text)
        if summary is None:
            return True
        for record in summary.imports:
            if isinstance(record, ModuleImport) and index.is_first_party(record.dotted):
                return True
            if isinstance(record, FromImport) and (record.level > 0 or index.is_first_party(record.module)):
                return True
        return False


class _FileCheck:
    """The accesses of one file, checked against the class models."""

    def __init__(self, ctx: FileContext, index: ProjectIndex, classes: _Classes) -> None:
        self.ctx = ctx
        self.index = index
        self.classes = classes
        self.comments: dict[int, str] | None = None

    def run(self) -> Iterator[Diagnostic]:
        scope_facts, accesses, stores = self.ctx.file_facts()
        if not accesses:
            return
        scopes = _scopes_from(scope_facts)
        module, is_package = self.index.module_for_path(str(self.ctx.source.path))
        if module is None:
            module, is_package = self.index.module_for_path(os.path.realpath(self.ctx.source.path))
        inference = _Inference(self.classes, module, is_package, scopes, stores)
        receivers: dict[tuple[Any, int], _Type | None] = {}  # most reads share a few receivers
        for fact in accesses:
            access = _Access(*fact)
            key = (access.receiver, access.scope)
            if key not in receivers:
                receivers[key] = inference.type_of(access.receiver, scopes[access.scope])
            receiver = receivers[key]
            if receiver is None or receiver.kind not in (_INSTANCE, _CLASS, _SUPER):
                continue
            diagnostic = self.check_access(access, receiver)
            if diagnostic is None or self.assigned_here(access, receiver, stores.get(access.name, ()), inference):
                continue
            if "#" not in self.ctx.source.line_text(access.end[0]) or not self.checker_ignores(access.end[0]):
                yield diagnostic

    def checker_ignores(self, row: int) -> bool:
        """Whether the comment on ``row`` silences a type checker's attribute error: the
        author already knows (the file's comments are read once, by the tokenizer)."""
        if self.comments is None:
            self.comments = comments(self.ctx.text)
        return bool(_CHECKER_IGNORE.search(self.comments.get(row, "")))

    def assigned_here(
        self, access: _Access, receiver: _Type, stores: Iterable[tuple[str, Any, int, Any]], inference: _Inference
    ) -> bool:
        """True when the file assigns the attribute on the same expression, on an object of a
        related class, or on one whose type is unknown (``self.parent.calls = []``: the parent
        may be this object; not ``obj: object``) other than with a lambda or a mock: it may
        exist after all."""
        for dump, target, scope, value in stores:
            if dump == access.dump:
                return True
            stored = inference.type_of(target, inference.scopes[scope])
            if stored is None:
                if (
                    value != _LAMBDA
                    and not _looks_mocked(value)
                    and not _declared_builtin(target, inference.scopes[scope])
                ):
                    return True
            elif stored.kind in (_INSTANCE, _CLASS, _SUPER) and self.classes.related(receiver.name, stored.name):
                return True
        return False

    def check_access(self, access: _Access, receiver: _Type) -> Diagnostic | None:
        model = self.classes.model(receiver.name)
        name = access.name
        if model is None or name in self.index.parameter_stores():  # set on the object by a function it was passed to
            return None
        if receiver.kind == _SUPER:
            if self.classes.member_owner(model, name, _SUPER) is not None or name in model.runtime:
                return None
        elif model.provides(name, receiver.kind):
            return None
        if not receiver.exact and self.classes.provided_by_subclass(receiver.name, name):
            return None
        if receiver.contextual and not self.classes.instantiated(receiver.name):
            return None  # a mixin or abstract base: what it's combined with may provide it
        return self.report(access, receiver, model)

    def report(self, access: _Access, receiver: _Type, model: _Model) -> Diagnostic:
        name = access.name
        end = self.ctx.source.offset_from_utf8(*access.end)
        span = (end - len(name), end)
        local = receiver.name.partition("::")[2]
        short = local.rpartition(".")[2]
        if receiver.kind == _INSTANCE:
            message = f"'{short}' object has no attribute '{name}'"
        elif receiver.kind == _CLASS:
            message = f"type object '{short}' has no attribute '{name}'"
        else:
            message = f"'super' object has no attribute '{name}': no base of '{short}' provides it"
        message += f" (class '{_ref_dotted(receiver.name)}' in {self.classes.where(receiver.name)})"
        kind = _INSTANCE if receiver.kind == _SUPER else receiver.kind
        renamed = self.classes.rename_for(model, name)
        new, applicability, note = None, None, ""
        if renamed is not None:
            if model.provides(renamed, kind):
                new, applicability = renamed, Applicability.SAFE
                note = f"; renamed to '{renamed}'"
            else:
                note = f"; a rule pack renames it to '{renamed}', which '{short}' doesn't have either"
        else:
            close, single = self.close_matches(model, name, kind)
            if close:
                quoted = [f"'{c}'" for c in close]
                note = (
                    "; did you mean " + (", ".join(quoted[:-1]) + " or " if len(quoted) > 1 else "") + quoted[-1] + "?"
                )
            if single is not None and self.compatible(model, single, access, kind):
                new, applicability = single, Applicability.UNSAFE
        message += note
        if new is None or applicability is None or self.ctx.text[span[0] : span[1]] != name:
            return self.ctx.diagnostic("NL401", message, span)
        edit = Edit(span[0], span[1], new)
        return self.ctx.diagnostic(
            "NL401", message, span, fix=lambda: [edit], applicability=applicability, fix_title=f"Rename to '{new}'"
        )

    @staticmethod
    def close_matches(model: _Model, name: str, kind: str) -> tuple[list[str], str | None]:
        """Up to three suggestions, and the one a fix may use: the only member that extends
        the name by a word or drops one (``disconnect`` → ``disconnect_user``), else the only
        close match."""
        private = name.startswith("_")
        candidates = [
            n for n in model.names(kind) if n != name and not n.startswith("__") and (private or not n.startswith("_"))
        ]
        extended = sorted(
            c
            for c in candidates
            if c.startswith(name + "_") or name.startswith(c + "_") or c.endswith("_" + name) or name.endswith("_" + c)
        )
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        suggestions = list(dict.fromkeys(extended + close))[:3]
        if extended:
            return suggestions, extended[0] if len(extended) == 1 else None
        if len(close) != 1 or difflib.SequenceMatcher(None, name, close[0]).ratio() < 0.75:
            return suggestions, None
        if close[0].endswith(name) or name.endswith(close[0]):
            return suggestions, None  # unregister → register is no typo
        return suggestions, close[0]

    def compatible(self, model: _Model, candidate: str, access: _Access, kind: str) -> bool:
        """A call must bind to the candidate method's parameters; any member suits a read."""
        owner = model.members.get(candidate)
        if owner is None:
            return False
        if access.call is None:
            return True
        info = self.classes.info(owner[1])
        signature = info.params.get(candidate) if info is not None and owner[0] == "method" else None
        if signature is None:
            return False
        drop_first = signature.kind == "class" or (signature.kind == "" and kind == _INSTANCE)
        return _binds(signature, access.call, drop_first)
