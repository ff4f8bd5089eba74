"""The records the project index answers with: what a name refers to, where a module is,
what a module binds, what a class provides, and a file's imports and patch targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, TypeAlias


class Ref(NamedTuple):
    """What a dotted name refers to: ``kind`` is module, class, function, value or unknown."""

    kind: str
    qualname: str


UNKNOWN_REF = Ref("unknown", "")


@dataclass(frozen=True)
class ModuleSpec:
    """Where ``import name`` leads: a ``package``, ``module`` or ``namespace`` (portions)."""

    name: str
    kind: str
    locations: tuple[str, ...]  # the file (package: its __init__), or the namespace portions
    search: tuple[str, ...]  # directories searched for submodules

    @property
    def origin(self) -> str | None:
        return self.locations[0] if self.kind != "namespace" else None


class Binding(NamedTuple):
    """What a module-level name is: ``def``, ``class``, ``value`` or ``ambiguous`` (bound to
    different things); ``module`` (``import module``, or its top package); or ``from``
    (``from module import name``)."""

    kind: str
    module: str = ""
    name: str = ""


class Signature(NamedTuple):
    """A method's parameter list, enough to tell whether a call's arguments bind to it."""

    kind: str  # "static", "class" or "" (an instance method)
    positional: tuple[str, ...]
    positional_only: int  # how many of ``positional`` are positional-only
    defaults: int  # how many of ``positional`` (the last ones) have a default
    keyword_only: tuple[str, ...]
    keyword_defaults: tuple[str, ...]  # the keyword-only parameters with a default
    varargs: bool
    varkw: bool


class TypeEvidence(NamedTuple):
    """One assignment's evidence of an attribute's type: its ``annotation``, or the dotted
    name it ``call``-s (a class or a factory); names qualified where the imports tell."""

    kind: str
    text: str


@dataclass(frozen=True)
class ClassInfo:
    """A first-party class: bases, decorators and metaclass as qualified names where the
    module's imports tell them, and members (name → method/property/attribute/class/self)."""

    qualname: str
    bases: tuple[str, ...]
    decorators: tuple[str, ...]
    metaclass: str | None
    members: dict[str, str]
    returns: dict[str, str]  # method → return annotation (qualified where resolvable)
    #: Its methods set attributes whose names can't be known (``setattr(self, name, v)``).
    dynamic: bool = False
    params: dict[str, Signature] = field(default_factory=dict)
    async_methods: frozenset[str] = frozenset()
    #: The attributes whose every assignment in the class body or on ``self`` gives evidence.
    attribute_types: dict[str, tuple[TypeEvidence, ...]] = field(default_factory=dict)

    @property
    def has_getattr(self) -> bool:
        return "__getattr__" in self.members or "__getattribute__" in self.members


@dataclass(frozen=True)
class ModuleInfo:
    """What a first-party module binds at top level."""

    name: str
    path: str
    is_package: bool
    bindings: dict[str, Binding]
    stars: tuple[str | None, ...]  # modules star-imported (None: not resolvable)
    all_names: tuple[str, ...] | None  # a static ``__all__``
    all_dynamic: bool
    open: bool  # module-level __getattr__, globals() writes...: any name may exist
    dynamic_path: bool  # __path__ is changed: submodules may come from anywhere
    functions: dict[str, str]  # top-level function → return annotation ("" when none)
    async_functions: frozenset[str] = frozenset()


#: Where a node is: ``(line, utf8_col, end_line, end_utf8_col)`` as ``ast`` gives them.
Position: TypeAlias = tuple[int, int, int, int]


class ModuleImport(NamedTuple):
    """One name of ``import a.b.c [as d]``."""

    tag: str  # "i": the record is its stored tuple (tell the kinds apart by type)
    dotted: str
    asname: str  # "" without ``as``
    position: Position  # of the ``a.b.c [as d]`` part
    statement: Position
    guarded: bool  # under ``try: ... except ImportError`` or ``suppress(ImportError)``


class ImportedName(NamedTuple):
    """One name of ``from m import name [as asname]`` (``*`` for a star import)."""

    name: str
    asname: str
    position: Position


class FromImport(NamedTuple):
    """``from [dots]module import names``."""

    tag: str  # "f"
    module: str  # "" for ``from . import x``
    level: int  # the number of leading dots
    names: tuple[ImportedName, ...]
    statement: Position
    guarded: bool


Import: TypeAlias = ModuleImport | FromImport


class PatchTarget(NamedTuple):
    """A string naming first-party code: ``mock.patch("a.b.C")`` and its kin (kind ``patch``),
    ``monkeypatch.setattr("a.b.C", v)``/``delattr`` (``setattr``) or
    ``importlib.import_module("a.b")`` (``import``)."""

    kind: str
    value: str
    position: Position  # of the string literal
    lenient: bool  # ``create=True``, ``raising=False`` or ``**kwargs``: the last part may be missing
    package: str  # ``import_module``'s ``package`` argument ("" when not given)


class SysPathEntry(NamedTuple):
    """A directory a file puts on ``sys.path`` (its own, see ``sys_path``)."""

    directory: str
    first: bool  # ``sys.path.insert``: searched before the others; ``append``: after them


@dataclass(frozen=True)
class FileSummary:
    """What a rule needs from one file, without parsing it again."""

    module: str | None
    is_package: bool
    imports: tuple[Import, ...]
    targets: tuple[PatchTarget, ...]
    sys_path: tuple[SysPathEntry, ...] = ()
