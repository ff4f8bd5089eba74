"""Questions about the project's own modules, answered from the stored summaries.

Resolution follows CPython's ``PathFinder``/``FileFinder`` on the first-party roots: in one
directory a package ``x/__init__.py`` wins over a module ``x.py``, which wins over a
namespace directory ``x/``; namespace portions merge across roots. Modules that exist on
disk but weren't parsed (compiled, ``.pyi``-only, excluded directories, syntax errors)
resolve, with names unknown.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from . import layout
from .records import UNKNOWN_REF, ClassInfo, FileSummary, ModuleInfo, ModuleSpec, Ref
from .shared_namespaces import declaration_directories, namespace_roots
from .store import IndexStore
from .third_party import ThirdPartyNames, without_python

_EXTENSION_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
_BYTECODE_SUFFIXES = tuple(importlib.machinery.BYTECODE_SUFFIXES)
#: Modules CPython has loaded before any project code runs: a project file can't shadow them.
_PRELOADED = frozenset(sys.builtin_module_names) | {
    "abc",
    "codecs",
    "encodings",
    "genericpath",
    "io",
    "ntpath",
    "os",
    "posixpath",
    "site",
    "stat",
    "zipimport",
}
#: Attributes every module has without binding them.
_MODULE_DUNDERS = frozenset(
    {
        "__name__",
        "__file__",
        "__doc__",
        "__spec__",
        "__loader__",
        "__package__",
        "__builtins__",
        "__dict__",
        "__path__",
        "__cached__",
        "__annotations__",
    }
)


class _ModuleTables(NamedTuple):
    """What every first-party module part contributes to the project-wide questions."""

    binders: dict[str, list[tuple[str, str]]]
    called_names: frozenset[str]
    parameter_stores: frozenset[str]


class ProjectIndex(IndexStore):
    """The first-party modules of a project and what they bind. Build it with ``build``."""

    def __init__(self, roots: list[Path], project_root: Path) -> None:
        super().__init__(roots, project_root)
        self._listings: dict[str, frozenset[str]] = {}
        self._specs: dict[str, ModuleSpec | None] = {}
        self._first_party: dict[str, bool] = {}
        self._shared_tops: dict[str, bool] = {}
        self._namespace_roots: dict[str, frozenset[str]] = {}
        self._modules: dict[str, ModuleInfo] = {}
        self._tables: _ModuleTables | None = None
        self._subclasses: dict[str, list[str]] | None = None
        #: Answers by question: the rules of every file ask about the same few modules.
        self._members: dict[tuple[str, str], Ref | None] = {}
        self._steps: dict[str, tuple[Ref | None, int]] = {}
        self._class_infos: dict[str, ClassInfo | None] = {}
        self._class_records: dict[str, ClassInfo | None] = {}

    # -- module resolution (CPython's PathFinder/FileFinder on the roots) --

    def _listing(self, directory: str) -> frozenset[str]:
        listing = self._listings.get(directory)
        if listing is None:
            try:
                listing = frozenset(os.listdir(directory))
            except OSError:
                listing = frozenset()
            self._listings[directory] = listing
        return listing

    def _find_in(self, name: str, tail: str, directories: Iterable[str]) -> ModuleSpec | None:
        portions: list[str] = []
        for directory in directories:
            listing = self._listing(directory)
            if tail in listing:
                base = os.path.join(directory, tail)
                inside = self._listing(base)
                for suffix in (*_EXTENSION_SUFFIXES, ".py", *_BYTECODE_SUFFIXES):
                    if "__init__" + suffix in inside:
                        return ModuleSpec(name, "package", (os.path.join(base, "__init__" + suffix),), (base,))
            for suffix in (*_EXTENSION_SUFFIXES, ".py", *_BYTECODE_SUFFIXES, ".pyi"):
                if tail + suffix in listing:
                    location = os.path.join(directory, tail + suffix)
                    if suffix == ".pyi" or os.path.isfile(location):
                        return ModuleSpec(name, "module", (location,), ())
            if tail in listing and os.path.isdir(os.path.join(directory, tail)):
                portions.append(os.path.join(directory, tail))
        if portions:
            return ModuleSpec(name, "namespace", tuple(portions), tuple(portions))
        return None

    def find_module(self, name: str) -> ModuleSpec | None:
        """Where ``import name`` leads within the first-party roots, or None."""
        if name in self._specs:
            return self._specs[name]
        parent, _, tail = name.rpartition(".")
        spec: ModuleSpec | None = None
        if not all(p.isidentifier() for p in name.split(".")):
            spec = None
        elif not parent:
            spec = self._find_in(name, tail, self.roots)
        else:
            parent_spec = self.find_module(parent)
            if parent_spec is not None:
                spec = self._find_in(name, tail, parent_spec.search)
        self._specs[name] = spec
        return spec

    def module_exists(self, name: str) -> bool:
        return self.find_module(name) is not None

    def is_first_party(self, name: str) -> bool:
        """Whether the top-level package of ``name`` is the project's own code."""
        top = name.split(".")[0]
        known = self._first_party.get(top)
        if known is None:
            spec = self.find_module(top)
            if spec is None or top in _PRELOADED:
                known = False
            elif spec.kind != "namespace":
                known = True
            else:  # a namespace directory loses to any regular package of that name elsewhere
                known = (
                    top not in sys.stdlib_module_names
                    and not self.third_party.provides(top, spec.locations)
                    and not without_python(spec.locations)
                )
            self._first_party[top] = known
        return known

    @cached_property
    def third_party(self) -> ThirdPartyNames:
        return ThirdPartyNames(self.project_root)

    def missing_dependency(self, name: str) -> bool:
        """Whether the top-level package of ``name`` is only a project directory without
        Python code (no ``__init__.py``) that nothing declares or installs: the import
        needs a third-party package the project doesn't depend on."""
        top = name.split(".")[0]
        spec = self.find_module(top)
        return (
            spec is not None
            and spec.kind == "namespace"
            and top not in sys.stdlib_module_names
            and top not in _PRELOADED
            and not self.third_party.provides(top, spec.locations)
            and without_python(spec.locations)
        )

    def in_shared_namespace(self, dotted: str) -> bool:
        """Whether the deepest existing module on the way to ``dotted`` is a namespace
        package that other distributions may add portions to (see ``shared_namespaces``):
        a submodule the project lacks there may come from one of them."""
        parts = dotted.split(".")
        found = 0
        for size in range(1, len(parts)):
            spec = self.find_module(".".join(parts[:size]))
            if spec is None:
                break
            if spec.kind != "namespace":
                return False
            found = size
        return found > 0 and self._shared_top(parts[0])

    def _shared_top(self, top: str) -> bool:
        """Whether the top-level namespace package ``top`` is declared to a build backend
        as a namespace package, or has the shape of one distribution's portion."""
        known = self._shared_tops.get(top)
        if known is None:
            spec = self.find_module(top)
            roots = {os.path.dirname(p) for p in spec.locations} if spec is not None else set()
            known = any(self._declared_namespace_root(r) for r in roots) or self._one_chain(top)
            self._shared_tops[top] = known
        return known

    def _declared_namespace_root(self, root: str) -> bool:
        for directory in declaration_directories(root, self.project_root):
            if directory not in self._namespace_roots:
                self._namespace_roots[directory] = namespace_roots(directory)
            if os.path.normpath(root) in self._namespace_roots[directory]:
                return True
        return False

    def _one_chain(self, name: str) -> bool:
        """Whether ``name`` leads through namespace directories that each hold no module and
        one subdirectory only, down to a regular package (``genie/libs/parser/``)."""
        spec = self.find_module(name)
        if spec is None or spec.kind != "namespace":
            return spec is not None and spec.kind == "package"
        children: set[str] = set()
        for portion in spec.locations:
            for entry in self._listing(portion):
                if entry.endswith((*_EXTENSION_SUFFIXES, ".py", ".pyi")):
                    return False
                if entry.isidentifier() and entry != "__pycache__" and os.path.isdir(os.path.join(portion, entry)):
                    children.add(entry)
        return len(children) == 1 and self._one_chain(f"{name}.{children.pop()}")

    def beside(self, summary: FileSummary, dotted: str) -> str | None:
        """What ``import dotted`` reaches in a file that puts its own directory on
        ``sys.path`` (``summary.sys_path``): the index's name for the module it finds there,
        "" when it finds one there the index has no name for (a directory that isn't a
        package path); None when the import resolves as it does everywhere else (the name
        isn't there, or an entry appended after the roots loses to them)."""
        top = dotted.partition(".")[0]
        entries = sorted(summary.sys_path, key=lambda e: not e.first)  # inserted ones first
        for entry in entries:
            if not entry.first and self.find_module(top) is not None:
                return None
            found = self._find_in(top, top, (entry.directory,))
            if found is None:
                continue
            if entry.directory in self.roots:
                return None  # the name it has anyway
            package, _ = self.module_for_path(os.path.join(entry.directory, "__init__.py"))
            named = self.find_module(f"{package}.{top}") if package else None
            if named is None or named.locations != found.locations:
                return ""
            return f"{package}.{dotted}"
        return None

    # -- module contents --

    def module_info(self, name: str) -> ModuleInfo | None:
        """The bindings of a first-party module the index parsed (None: not parsed/unknown)."""
        info = self._modules.get(name)
        if info is not None:
            return info
        spec = self.find_module(name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        entry = self._entry(spec.origin)
        if entry is None or entry.summary is None:
            return None
        part = self._module_part(entry)
        info = ModuleInfo(
            name=name,
            path=spec.origin,
            is_package=spec.kind == "package",
            bindings=part.bindings,
            stars=part.stars,
            all_names=part.all_names,
            all_dynamic=part.all_dynamic,
            open=part.open,
            dynamic_path=part.dynamic_path,
            functions=part.functions,
            async_functions=part.async_functions,
        )
        self._modules[name] = info
        return info

    def class_info(self, qualname: str) -> ClassInfo | None:
        """A first-party class by qualified name (``pkg.mod.Outer.Inner``), following re-exports."""
        if qualname not in self._class_infos:
            self._class_infos[qualname] = self._class_info(qualname)
        return self._class_infos[qualname]

    def _class_info(self, qualname: str) -> ClassInfo | None:
        ref = self.resolve(qualname)
        if ref is None or ref.kind != "class":
            return None
        return self._class_record(ref.qualname)

    def _class_record(self, ref: str) -> ClassInfo | None:
        """The class a class ref (``module::Local``) names, read once; None if not stored."""
        if ref not in self._class_records:
            module, _, local = ref.partition("::")
            info = self.module_info(module)
            entry = self._entry(info.path) if info else None
            stored = self._part(entry, "classes").get(local) if entry else None
            self._class_records[ref] = layout.class_info(stored, f"{module}.{local}") if stored is not None else None
        return self._class_records[ref]

    def exported(self, module: str) -> tuple[str, ...] | None:
        """The names ``from module import *`` binds, or None when unknown."""
        info = self.module_info(module)
        if info is None or info.all_dynamic or info.open:
            return None
        if info.all_names is not None:
            return info.all_names
        names = [n for n in info.bindings if not n.startswith("_")]
        for star in info.stars:
            more = self.exported(star) if star and star != module else None
            if more is None:
                return None
            names.extend(n for n in more if not n.startswith("_"))
        return tuple(names)

    def member(self, module: str, name: str, _seen: frozenset[tuple[str, str]] = frozenset()) -> Ref | None:
        """What ``from module import name`` gives: a ``Ref``, ``UNKNOWN_REF``, or None (missing)."""
        if not _seen:
            key = (module, name)
            if key not in self._members:
                self._members[key] = self._member(module, name, frozenset({key}))
            return self._members[key]
        if (module, name) in _seen or len(_seen) > 50:
            return UNKNOWN_REF
        return self._member(module, name, _seen | {(module, name)})

    def _member(self, module: str, name: str, seen: frozenset[tuple[str, str]]) -> Ref | None:
        spec = self.find_module(module)
        if spec is None:
            return None
        info = self.module_info(module)
        if info is None and spec.kind != "namespace":
            return UNKNOWN_REF
        if info is not None and name in info.bindings:
            binding = info.bindings[name]
            kind = binding.kind
            if kind in ("def", "class"):
                return Ref("function" if kind == "def" else "class", f"{module}::{name}")
            if kind == "module":
                return Ref("module", binding.module) if self.module_exists(binding.module) else UNKNOWN_REF
            if kind == "from":
                if binding.module == module:  # ``from . import sub`` in the package itself
                    return Ref("module", f"{module}.{name}") if self.module_exists(f"{module}.{name}") else UNKNOWN_REF
                if not self.is_first_party(binding.module):
                    return UNKNOWN_REF
                return self.member(binding.module, binding.name, seen) or UNKNOWN_REF
            return Ref("value", f"{module}::{name}") if kind == "value" else UNKNOWN_REF
        if name in _MODULE_DUNDERS:
            return UNKNOWN_REF
        if spec.kind != "module" and self.module_exists(f"{module}.{name}"):
            return Ref("module", f"{module}.{name}")
        if info is None:  # a namespace package: only submodules
            return None
        for star in info.stars:
            if star is None or not self.is_first_party(star):
                return UNKNOWN_REF
            exported = self.exported(star)
            if exported is None:
                return UNKNOWN_REF
            if name in exported:
                return self.member(star, name, seen) or UNKNOWN_REF
        if info.open or info.dynamic_path:
            return UNKNOWN_REF
        return None

    def resolve(self, qualname: str) -> Ref | None:
        """What a dotted path names, the way ``mock.patch`` finds it: import the longest
        module prefix, then ``getattr`` the rest (class members included).

        Returns None when some part is certainly missing; ``UNKNOWN_REF`` when unsure.
        """
        return self.resolve_steps(qualname)[0]

    def resolve_steps(self, qualname: str) -> tuple[Ref | None, int]:
        """Like ``resolve``, plus how many leading parts resolved before the failure."""
        if qualname not in self._steps:
            self._steps[qualname] = self._resolve_steps(qualname)
        return self._steps[qualname]

    def _resolve_steps(self, qualname: str) -> tuple[Ref | None, int]:
        parts = qualname.split(".")
        if not self.module_exists(parts[0]):
            return None, 0
        current = Ref("module", parts[0])
        for position, part in enumerate(parts[1:], start=1):
            if current.kind == "module":
                found = self.member(current.qualname, part)
            elif current.kind == "class":
                found = self._class_member(current.qualname, part)
            else:
                return UNKNOWN_REF, position
            if found is None:
                return None, position
            if found.kind == "unknown":
                return UNKNOWN_REF, position
            current = found
        return current, len(parts)

    def _class_member(self, ref: str, name: str, depth: int = 0) -> Ref | None:
        info = self._class_record(ref)
        if info is None or depth > 20:
            return UNKNOWN_REF
        kind = info.members.get(name)
        if kind == "class":
            return Ref("class", f"{ref}.{name}")
        if kind is not None:
            return Ref("value", f"{ref}.{name}")
        if info.metaclass or info.decorators or info.has_getattr:
            return UNKNOWN_REF  # a metaclass or class decorator may add members
        if name.startswith("__") and name.endswith("__"):
            return UNKNOWN_REF  # inherited from object or type
        for base in info.bases:
            if base in ("builtins.object", "object"):
                continue
            target = self.resolve(base) if self.is_first_party(base) else UNKNOWN_REF
            if target is None or target.kind != "class":
                return UNKNOWN_REF
            found = self._class_member(target.qualname, name, depth + 1)
            if found is not None:
                return found
        return None

    @staticmethod
    def dotted(ref: Ref) -> str:
        """A ``Ref``'s qualified name written with dots only."""
        return ref.qualname.replace("::", ".")

    # -- reverse lookups, for suggestions and fixes --

    @cached_property
    def _sorted_modules(self) -> list[str]:
        return sorted(self._by_module)

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        table: dict[str, set[str]] = {}
        for module in self._by_module:
            parts = module.split(".")
            for size in range(1, len(parts)):
                table.setdefault(".".join(parts[:size]), set()).add(parts[size])
        return {name: sorted(children) for name, children in table.items()}

    def modules(self) -> list[str]:
        """Every first-party module name the index holds a parsed file for, sorted."""
        return self._sorted_modules

    def children(self, name: str) -> list[str]:
        """The last parts of the parsed first-party submodules of ``name`` (one level down)."""
        return self._children.get(name, [])

    def binders(self, name: str) -> list[tuple[str, str]]:
        """``(module, how)`` for each first-party module binding ``name``: how is
        ``define`` (def/class/assignment), ``import`` (a re-export) or ``submodule``."""
        return sorted(set(self.binder_table().get(name, [])))

    def binder_table(self) -> dict[str, list[tuple[str, str]]]:
        """Every name first-party modules bind → ``(module, how)`` (see ``binders``); built
        for the whole project on first use."""
        return self._module_tables().binders

    def called_names(self) -> frozenset[str]:
        """Every capitalized name some first-party file calls (see ``_Summarizer.called_names``)."""
        return self._module_tables().called_names

    def parameter_stores(self) -> frozenset[str]:
        """Every attribute name some first-party function assigns on one of its parameters
        (``def create(self, worker): worker.timer = ...``): the object passed in, of any class,
        may have it."""
        return self._module_tables().parameter_stores

    def _module_tables(self) -> _ModuleTables:
        """The project-wide tables read from every file's module part, built together on
        first use: one decoding of each part instead of one per table (0.8 s → 0.3 s on
        6,000 files, before a run's check can start)."""
        if self._tables is None:
            binders: dict[str, list[tuple[str, str]]] = {}
            called: set[str] = set()
            stores: set[str] = set()
            for path, entry in self._entries.items():
                if entry.summary is None:
                    continue
                stored = layout.unpack(entry.summary, "module")
                called.update(stored["n"])
                stores.update(stored["ps"])
                module = entry.module
                if module is None or self._by_module.get(module) != path:
                    continue
                found = self.find_module(module)
                if found is None or found.origin != path:
                    continue  # shadowed file (x.py beside x/__init__.py)
                for bound, binding in stored["b"].items():
                    how = "import" if binding[0] in ("from", "module") else "define"
                    binders.setdefault(bound, []).append((module, how))
                parent, _, last = module.rpartition(".")
                if parent:
                    binders.setdefault(last, []).append((parent, "submodule"))
            self._tables = _ModuleTables(binders, frozenset(called), frozenset(stores))
        return self._tables

    def subclasses(self, qualname: str) -> list[str]:
        """The first-party classes (dotted qualified names) that list the class ``qualname``
        among their bases, directly."""
        ref = self.resolve(qualname)
        if ref is None or ref.kind != "class":
            return []
        return self.subclass_table().get(ref.qualname, [])

    def subclass_table(self) -> dict[str, list[str]]:
        """Class ref → its direct first-party subclasses (see ``subclasses``); built for the
        whole project on first use."""
        if self._subclasses is None:
            table: dict[str, set[str]] = {}
            resolved: dict[str, Ref | None] = {}
            for module, path in self._by_module.items():
                entry = self._entries[path]
                assert entry.summary is not None
                for local, bases in layout.unpack(entry.summary, "bases").items():
                    for base in bases:
                        if base not in resolved:
                            resolved[base] = self.resolve(base) if self.is_first_party(base) else None
                        target = resolved[base]
                        if target is not None and target.kind == "class":
                            table.setdefault(target.qualname, set()).add(f"{module}.{local}")
            self._subclasses = {name: sorted(found) for name, found in table.items()}
        return self._subclasses
