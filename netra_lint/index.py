"""The project index: a static model of the project's own (first-party) code.

Rules ask it questions instead of walking the tree themselves:

* ``module_exists(name)`` / ``find_module(name)`` — does ``import name`` work? Resolution
  follows CPython's ``PathFinder``/``FileFinder`` on the first-party roots: in one
  directory a package ``x/__init__.py`` wins over a module ``x.py``, which wins over a
  namespace directory ``x/``; namespace portions merge across roots.
* ``is_first_party(name)`` — does the top-level name belong to the project?
* ``member(module, name)`` — what ``module.name`` is (a ``Ref``), ``UNKNOWN_REF`` when the
  index can't tell (``__getattr__``, unresolved star import, compiled module), ``None``
  when it is certainly missing. Star imports and re-exports are followed.
* ``resolve(qualname)`` — the same for a dotted path such as ``pkg.mod.Class.method``.
* ``binders(name)`` — the first-party modules that bind ``name`` (for "did you mean");
  ``modules()`` / ``children(name)`` — the module names the index parsed.
* ``called_names()`` — the capitalized names first-party code calls (which classes the
  project instantiates somewhere).
* ``module_info(name)`` / ``class_info(qualname)`` / ``subclasses(qualname)`` — bindings,
  ``__all__``, classes with bases, decorators, metaclass and members, functions with their
  return annotations.
* ``fingerprint`` — changes whenever any first-party file does (for result caches).
* ``summary_for(path, text)`` — the per-file summary the index already extracted
  (imports with positions, ``mock.patch``-style string targets), so a rule never parses a
  file again just to find out that nothing is wrong.

The index is built with stdlib ``ast`` only, in parallel (forked workers) when there are
many files, and cached on disk keyed by file content and tool version; a file whose
``(mtime_ns, size)`` did not change is not even read on a warm run, and a file whose text
did not change is not parsed again. Modules that exist on disk but weren't parsed
(compiled, ``.pyi``-only, excluded directories, syntax errors) resolve, with names unknown.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import collections
import contextlib
import hashlib
import importlib.machinery
import marshal
import multiprocessing
import os
import re
import sys
import tempfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .cache import file_stat, load_shards, relative_key, save_shards
from .discovery import discover
from .settings import Settings
from .source import DecodeError, SourceFile

CACHE_NAME = "project-index"
_CACHE_MAGIC = f"netra-lint-index {__version__} py{sys.version_info[0]}.{sys.version_info[1]} v9"
_STATE_NAME = "state"
_PARALLEL_THRESHOLD = 64
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")

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
#: ``object``, ``dict``, ``int``...: an annotation with one of these declares no first-party object.
BUILTIN_TYPES = frozenset(name for name, value in vars(builtins).items() if isinstance(value, type))
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})
_PATCH_SUFFIXES = ((), ("dict",), ("multiple",))
#: Summary keys that only the file itself or class questions need.
_FILE_PARTS = frozenset({"c", "i", "t"})
#: The parts of a stored summary (see ``_pack``).
_MODULE_PART, _BASES_PART, _CLASSES_PART, _FILE_PART = range(4)
#: A line without these words has no patch-target call and no dynamic module namespace.
_NEEDLE_WORDS = ("patch", "setattr", "delattr", "import_module", "global", "globals", "vars", "exec", "sys.modules")
#: One pattern per word, each starting with its literal (searched for many times faster
#: than an alternation); the word boundary before it is checked after the match.
_EXPRESSION_NEEDLES = tuple(re.compile(re.escape(word) + r"\b") for word in _NEEDLE_WORDS)
#: A line without it holds no import statement (nor part of one).
_IMPORT_WORD = (re.compile(r"import\b"),)
#: A capitalized name called: ``Name(`` (also the tail of ``getName(``: a few names too many).
_CALLED_NAME = re.compile(r"([A-Z]\w*)\s*\(")
#: ``class Name(``, starting with its literal like the needles above (a leading ``\b`` is 40×
#: slower: ``re`` then tries every offset).
_CLASS_HEADER = re.compile(r"class\s+([A-Z]\w*)\s*\(")
#: Fields of statements (and handlers, match cases) that hold nested statements.
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


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
    #: method → ``(kind, positional, positional_only_count, default_count, keyword_only,
    #: keyword_only_with_default, has_varargs, has_varkw)``; kind is ``static``, ``class`` or "".
    params: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    async_methods: frozenset[str] = frozenset()
    #: attribute → evidence of its type: ``("a", annotation)`` or ``("c", called dotted name)``,
    #: for attributes whose every assignment in the class body or on ``self`` gives one.
    attribute_types: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def has_getattr(self) -> bool:
        return "__getattr__" in self.members or "__getattribute__" in self.members


@dataclass(frozen=True)
class ModuleInfo:
    """What a first-party module binds at top level."""

    name: str
    path: str
    is_package: bool
    bindings: dict[
        str, tuple[str, ...]
    ]  # name → ("def"|"class"|"value"|"ambiguous",) or ("module", m) or ("from", m, name)
    stars: tuple[str | None, ...]  # modules star-imported (None: not resolvable)
    all_names: tuple[str, ...] | None  # a static ``__all__``
    all_dynamic: bool
    open: bool  # module-level __getattr__, globals() writes...: any name may exist
    dynamic_path: bool  # __path__ is changed: submodules may come from anywhere
    functions: dict[str, str]  # top-level function → return annotation ("" when none)
    async_functions: frozenset[str] = frozenset()


# -- per-file summaries --------------------------------------------------------------------


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def absolute_module(current: str | None, is_package: bool, level: int, module: str | None) -> str | None:
    """The absolute name of a (relative) import target, or None if it goes beyond the top."""
    if level == 0:
        return module
    if not current:
        return None
    parts = current.split(".")
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts) - 1 or not parts:
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _catches_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any((dotted_name(t) or "").rsplit(".", 1)[-1] in _IMPORT_ERRORS for t in types):
            return True
    return False


#: Calls that expect or swallow the exceptions given as arguments.
_EXPECTING = ("suppress", "raises", "assertRaises", "assertRaisesRegex")


def expects_error(node: ast.expr, errors: Collection[str]) -> bool:
    """``contextlib.suppress(E)``, ``pytest.raises(E)``, ``self.assertRaises(E, ...)`` or
    ``self.assertRaisesRegex(E, ...)`` with one of ``errors`` (last dotted part) given."""
    func = dotted_name(node.func) or "" if isinstance(node, ast.Call) else ""
    if not func.endswith(_EXPECTING):
        return False
    given = node.args if func.endswith("suppress") else node.args[:1]  # type: ignore[attr-defined]
    if given and isinstance(given[0], ast.Tuple):
        given = given[0].elts
    return any((dotted_name(a) or "").rsplit(".", 1)[-1] in errors for a in given)


def _suppresses_import_error(node: ast.With | ast.AsyncWith) -> bool:
    return any(expects_error(item.context_expr, _IMPORT_ERRORS) for item in node.items)


def _pos(node: Any) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)


class _Summarizer:
    """One pass of stdlib ``ast`` over a file, producing a marshal-able summary."""

    def __init__(self, tree: ast.Module, module: str | None, is_package: bool, text: str | None = None) -> None:
        self.tree = tree
        self.text = text
        self.module = module
        self.is_package = is_package
        self.bindings: dict[str, tuple[str, ...]] = {}
        self.stars: list[str | None] = []
        self.all_names: list[str] | None = None
        self.all_dynamic = False
        self.open = False
        self.dynamic_path = False
        self.aliases: dict[str, str] = {}  # local name → qualified name, from every import in the file
        self.module_level: set[str] = set()  # names of ``aliases`` bound by module-level imports
        self.ambiguous: set[str] = set()  # local names that imports bind to different names
        self.imports: list[tuple[Any, ...]] = []
        self.calls: list[tuple[str, ast.Call]] = []
        self.parameter_stores: set[str] = set()  # `def create(self, w): w.timer = ...`

    # -- top-level bindings --

    def bind(self, name: str, value: tuple[str, ...]) -> None:
        old = self.bindings.get(name)
        self.bindings[name] = value if old is None or old == value else ("ambiguous",)

    def absolute(self, level: int, module: str | None) -> str | None:
        return absolute_module(self.module, self.is_package, level, module)

    def top_level(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.bind(stmt.name, ("def",))
                if stmt.name == "__getattr__":
                    self.open = True
            elif isinstance(stmt, ast.ClassDef):
                self.bind(stmt.name, ("class",))
                if any((dotted_name(d) or "").endswith("global_enum") for d in stmt.decorator_list):
                    for member in stmt.body:  # @enum.global_enum: members become module names
                        for target in member.targets if isinstance(member, ast.Assign) else []:
                            for name in _target_names(target):
                                self.bindings.setdefault(name, ("value",))
            elif isinstance(stmt, ast.Import):
                self.note_aliases(stmt, module_level=True)
                for alias in stmt.names:
                    if alias.asname:
                        self.bind(alias.asname, ("module", alias.name))
                    else:
                        top = alias.name.split(".")[0]
                        self.bind(top, ("module", top))
            elif isinstance(stmt, ast.ImportFrom):
                self.note_aliases(stmt, module_level=True)
                source = self.absolute(stmt.level, stmt.module)
                for alias in stmt.names:
                    if alias.name == "*":
                        self.stars.append(source)
                    elif source is None:
                        self.bind(alias.asname or alias.name, ("value",))
                    else:
                        self.bind(alias.asname or alias.name, ("from", source, alias.name))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for name in _target_names(target):
                        self.bind(name, ("value",))
                        if name == "__all__":
                            self.record_all(stmt)
                        elif name == "__getattr__":
                            self.open = True
                        elif name == "__path__":
                            self.dynamic_path = True
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                for name in _target_names(stmt.target):
                    self.bind(name, ("value",))
                self.top_level(stmt.body + stmt.orelse)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        for name in _target_names(item.optional_vars):
                            self.bind(name, ("value",))
                self.top_level(stmt.body)
            elif isinstance(stmt, (ast.If, ast.While)):
                self.top_level(stmt.body + stmt.orelse)
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                handlers = stmt.handlers  # type: ignore[attr-defined]
                for handler in handlers:
                    if handler.name:
                        self.bind(handler.name, ("value",))
                    self.top_level(handler.body)
                self.top_level(stmt.body + stmt.orelse + stmt.finalbody)  # type: ignore[attr-defined]
            elif isinstance(stmt, ast.Match):
                self.open = True  # capture patterns bind names we don't model
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                func = dotted_name(stmt.value.func) or ""
                if func in ("__all__.extend", "__all__.append"):
                    self.extend_all(stmt.value.args)
                elif func.startswith("__path__."):
                    self.dynamic_path = True
            elif type(stmt).__name__ == "TypeAlias":
                self.bind(stmt.name.id, ("value",))  # type: ignore[attr-defined]

    def record_all(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        if isinstance(stmt, ast.AugAssign):
            self.extend_all([stmt.value])
            return
        self.all_names = []
        self.extend_all([stmt.value] if stmt.value is not None else [])

    def extend_all(self, values: list[ast.expr]) -> None:
        for value in values:
            strings: list[ast.expr]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                strings = [value]
            elif isinstance(value, (ast.List, ast.Tuple)):
                strings = value.elts
            else:
                self.all_dynamic = True
                return
            for element in strings:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    self.all_names = (self.all_names or []) + [element.value]
                else:
                    self.all_dynamic = True

    # -- every import and call in the file --

    def lines_of_interest(self) -> tuple[list[int] | None, list[int] | None]:
        """The lines that mention a call or name we look for, and those plus the lines
        that say ``import`` (None: treat every line so)."""
        text = self.text
        if text is None or "\r" in text.replace("\r\n", ""):
            return None, None  # old Mac line ends: don't risk miscounting lines
        hot = _lines_matching(_EXPRESSION_NEEDLES, text) if any(word in text for word in _NEEDLE_WORDS) else []
        imports = _lines_matching(_IMPORT_WORD, text)
        return hot, sorted(set(hot).union(imports)) if hot else imports

    def walk(self) -> None:
        """Imports (with their ``except ImportError`` guards) everywhere in the file; calls
        and names only inside statements on lines that mention one we look for. Statements
        without such a line or an ``import`` are not entered; the others are walked
        statement by statement unless they hold such a line: several times cheaper than
        every node."""
        hot, reach = self.lines_of_interest()
        stack: list[tuple[ast.AST, bool]] = [(self.tree, False)]
        while stack:
            node, guarded = stack.pop()
            if isinstance(node, ast.Import):
                self.note_aliases(node)
                for alias in node.names:
                    self.imports.append(("i", alias.name, alias.asname or "", _pos(alias), _pos(node), guarded))
                continue
            if isinstance(node, ast.ImportFrom):
                names = tuple((a.name, a.asname or "", _pos(a)) for a in node.names)
                self.note_aliases(node)
                self.imports.append(("f", node.module or "", node.level, names, _pos(node), guarded))
                continue
            if isinstance(node, ast.Call):
                self.note_call(node)
            elif (isinstance(node, ast.Name) and node.id in ("globals", "vars", "exec")) or (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and dotted_name(node.value) == "sys.modules"
            ):
                self.open = True
            elif isinstance(node, ast.Global):  # `def init(): global table; table = ...` binds it
                for name in node.names:
                    self.bindings.setdefault(name, ("value",))
            if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                inner = guarded or _catches_import_error(node.handlers)  # type: ignore[attr-defined]
                stack.extend((child, inner) for child in node.body)  # type: ignore[attr-defined]
                for part in (node.handlers, node.orelse, node.finalbody):  # type: ignore[attr-defined]
                    stack.extend((child, guarded) for child in part)
                continue
            if isinstance(node, (ast.With, ast.AsyncWith)) and _suppresses_import_error(node):
                stack.extend((child, True) for child in node.body)
                stack.extend((item, guarded) for item in node.items)
                continue
            if _expressions_wanted(node, hot):
                stack.extend((child, guarded) for child in ast.iter_child_nodes(node))
            else:
                for block in _BLOCK_FIELDS:
                    stack.extend((child, guarded) for child in getattr(node, block, ()) if _spans(child, reach))

    def note_call(self, node: ast.Call) -> None:
        if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            return
        name = dotted_name(node.func)
        if name:
            self.calls.append((name, node))

    def note_aliases(self, node: ast.Import | ast.ImportFrom, module_level: bool = False) -> None:
        """Note the names an import binds. Module-level imports (noted first) win over
        imports inside functions, whose scopes the summary doesn't follow; two that bind a
        name to different things at the same level make it ambiguous (``try: from
        unittest.mock import patch`` / ``except ImportError: from mock import patch``)."""
        if isinstance(node, ast.Import):
            pairs = [
                (a.asname, a.name) if a.asname else (a.name.split(".")[0], a.name.split(".")[0]) for a in node.names
            ]
        else:
            source = self.absolute(node.level, node.module)
            pairs = [(a.asname or a.name, f"{source}.{a.name}") for a in node.names if source and a.name != "*"]
        for name, qualified in pairs:
            known = self.aliases.get(name)
            if known is None:
                self.aliases[name] = qualified
                if module_level:
                    self.module_level.add(name)
            elif known != qualified and (module_level or name not in self.module_level):
                self.ambiguous.add(name)

    def qualify(self, dotted: str, strict: bool = True) -> str:
        """A dotted name in this file, made absolute through the file's imports; ``strict``:
        a name that imports bind to different things resolves to nothing."""
        head, _, rest = dotted.partition(".")
        if self.bindings.get(head) in (("class",), ("def",)) and self.module:
            base = f"{self.module}.{head}"  # only a top-level def or class binds it
        elif strict and head in self.ambiguous:
            base = f"<ambiguous>.{head}"  # resolves to nothing
        elif head in self.aliases:
            base = self.aliases[head]
        elif head in vars(builtins):
            base = f"builtins.{head}"
        else:
            base = head
        return f"{base}.{rest}" if rest else base

    def annotation(self, node: ast.expr | None) -> str:
        """An annotation as text, every dotted name in it (forward references and names
        inside ``Optional[...]``, ``X | None``... included) made absolute."""
        if node is None:
            return ""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if all(p.isidentifier() for p in text.split(".")):
                return self.qualify(text)
            try:
                node = ast.parse(text, mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                return text
        dotted = dotted_name(node)
        if dotted:
            return self.qualify(dotted)
        if isinstance(node, ast.Subscript):
            value = self.annotation(node.value)
            if value.rpartition(".")[2] == "Literal":  # strings here are values, not names
                values = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                return f"{value}[{', '.join(ast.unparse(v) for v in values)}]"
            return f"{value}[{self.annotation(node.slice)}]"
        if isinstance(node, ast.Tuple):
            return ", ".join(self.annotation(e) for e in node.elts)
        if isinstance(node, ast.List):
            return "[" + ", ".join(self.annotation(e) for e in node.elts) + "]"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return f"{self.annotation(node.left)} | {self.annotation(node.right)}"
        try:
            return ast.unparse(node)
        except (ValueError, RecursionError):  # pragma: no cover - exotic trees only
            return ""

    def patch_targets(self) -> list[tuple[Any, ...]]:
        """``mock.patch``/``mocker.patch``/``monkeypatch.setattr``/``import_module`` string calls."""
        found = []
        for callee, node in self.calls:
            parts = callee.split(".")
            qualified = self.qualify(
                callee, strict=False
            )  # `try: from unittest.mock import patch` / `except: from mock import patch`
            kind = None
            if any(
                qualified == p + "".join("." + s for s in suffix) for p in _PATCHERS for suffix in _PATCH_SUFFIXES
            ) or (
                (parts[0] == "mocker" or parts[0].endswith("_mocker"))
                and tuple(parts[1:]) in (("patch",), ("patch", "dict"), ("patch", "multiple"))
            ):
                kind = "patch"
            elif (callee.split(".", 1)[0] == "monkeypatch" and parts[1:] == ["setattr"] and len(node.args) == 2) or (
                callee.split(".", 1)[0] == "monkeypatch" and parts[1:] == ["delattr"] and len(node.args) == 1
            ):
                kind = "setattr"
            elif qualified == "importlib.import_module":
                kind = "import"
            if kind is None:
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            lenient = any(
                isinstance(keywords.get(k), ast.Constant) and keywords[k].value is flag  # type: ignore[attr-defined]
                for k, flag in (("create", True), ("raising", False))
            ) or any(k.arg is None for k in node.keywords)
            package = ""
            if kind == "import":
                arg = keywords.get("package") or (node.args[1] if len(node.args) > 1 else None)
                if arg is not None:
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        continue
                    package = arg.value
            found.append((kind, node.args[0].value, _pos(node.args[0]), lenient, package))  # type: ignore[attr-defined]
        return found

    # -- classes and functions --

    def classes_and_functions(self) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        classes: dict[str, Any] = {}
        functions: dict[str, str] = {}
        coroutines: list[str] = []
        outside: list[tuple[str, str]] = []  # (class, attribute) of `C.attribute = value`
        handed: set[str] = set()  # names passed to a call made as a statement
        for stmt in _flatten(self.tree.body):
            if isinstance(stmt, ast.ClassDef):
                self.add_class(stmt, stmt.name, classes)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[stmt.name] = self.annotation(stmt.returns)
                if isinstance(stmt, ast.AsyncFunctionDef):
                    coroutines.append(stmt.name)
                self.method_attributes(stmt, {}, {}, receiver="")  # only its parameter stores
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        outside.append((target.value.id, target.attr))
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                handed.update(a.id for a in [*call.args, *(k.value for k in call.keywords)] if isinstance(a, ast.Name))
        for name, attribute in outside:
            if name in classes:
                classes[name]["m"].setdefault(attribute, "attribute")
        for name in handed & classes.keys():
            classes[name]["dy"] = True  # `defproperty(C, "name", ...)`: the call may add members
        return classes, functions, coroutines

    def add_class(self, node: ast.ClassDef, qualname: str, classes: dict[str, Any]) -> None:
        members: dict[str, str] = {}
        returns: dict[str, str] = {}
        params: dict[str, Any] = {}
        coroutines: list[str] = []
        types: dict[str, list[tuple[str, str]]] = {}
        dynamic = False
        for stmt in _flatten(node.body):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = [dotted_name(d) or "" for d in stmt.decorator_list]
                is_property = any(
                    d in ("property", "functools.cached_property", "cached_property")
                    or d.endswith((".setter", ".getter", ".deleter"))
                    for d in decorators
                )
                members.setdefault(stmt.name, "property" if is_property else "method")
                returns.setdefault(stmt.name, self.annotation(stmt.returns))
                params.setdefault(stmt.name, _signature(stmt, decorators))
                if isinstance(stmt, ast.AsyncFunctionDef) and stmt.name not in coroutines:
                    coroutines.append(stmt.name)
                if "staticmethod" not in decorators:
                    dynamic = self.method_attributes(stmt, members, types) or dynamic
                if stmt.name == "__new__":  # `self = super().__new__(cls)`, then `self.x = ...`
                    for made in _instances_made(stmt):
                        dynamic = self.method_attributes(stmt, members, types, made) or dynamic
            elif isinstance(stmt, ast.ClassDef):
                members[stmt.name] = "class"
                self.add_class(stmt, f"{qualname}.{stmt.name}", classes)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    members.setdefault(alias.asname or alias.name.partition(".")[0], "attribute")
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.note_type(types, target.id, stmt, {}, set())
                    for name in _target_names(target):
                        members.setdefault(name, "attribute")
                        if not isinstance(target, ast.Name):
                            types.setdefault(name, []).append(("?", ""))
                        if name == "__slots__" and isinstance(stmt.value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
                            for element in stmt.value.keys if isinstance(stmt.value, ast.Dict) else stmt.value.elts:
                                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                                    members.setdefault(element.value, "self")
        metaclass = next((self.annotation(k.value) for k in node.keywords if k.arg == "metaclass"), None)
        dynamic = dynamic or qualname in classes  # defined twice (`if win32: class C ... else: class C`): which one?
        classes[qualname] = {
            "b": [
                self.annotation(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases
            ],  # Generic[T] → Generic
            "d": [self.annotation(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list],
            "mc": metaclass,
            "m": members,
            "r": returns,
            "dy": dynamic,
            "pa": params,
            "as": coroutines,
            "at": {
                name: list(dict.fromkeys(found))
                for name, found in types.items()
                if found and all(k != "?" for k, _ in found)
            },
        }

    def method_attributes(
        self,
        function: ast.FunctionDef | ast.AsyncFunctionDef,
        members: dict[str, str],
        types: dict[str, list[tuple[str, str]]],
        receiver: str | None = None,
    ) -> bool:
        """Record the attributes a method sets on its first parameter, or on ``receiver``
        ("" for a plain function: none), as assignment, ``for`` and ``with`` targets or by
        ``setattr`` with a literal name, with evidence of their types, and those it assigns
        on its other parameters (``parameter_stores``); True when it also sets attributes
        whose names can't be known (``setattr(self, name, ...)``, ``self.__dict__``). One
        pass over the method's statements (nested blocks and functions included), the nodes
        of their targets and the calls they make as statements: several times cheaper than
        walking every expression."""
        params = function.args.posonlyargs + function.args.args
        if not params and receiver is None:
            return False
        if receiver is None:
            receiver = params[0].arg
        # Parameters that may be first-party objects: `obj: object`, `data: dict` can't be.
        others = {
            a.arg
            for a in params + function.args.kwonlyargs
            if a.annotation is None or dotted_name(a.annotation) not in BUILTIN_TYPES
        } - {receiver}
        annotated = {a.arg: a.annotation for a in params[1:] + function.args.kwonlyargs if a.annotation is not None}
        local = {a.arg for a in params + function.args.kwonlyargs}
        typed: list[tuple[str, ast.Assign | ast.AnnAssign | ast.AugAssign]] = []  # self.x = value
        dynamic = False
        stack: list[ast.AST] = list(function.body)
        while stack:
            node = stack.pop()
            kind = type(node)
            targets: list[ast.expr] = []
            if kind is ast.Assign:
                targets = node.targets  # type: ignore[attr-defined]
            elif kind is ast.AnnAssign or kind is ast.AugAssign or kind is ast.For or kind is ast.AsyncFor:
                targets = [node.target]  # type: ignore[attr-defined]
            elif kind is ast.With or kind is ast.AsyncWith:
                targets = [item.optional_vars for item in node.items if item.optional_vars is not None]  # type: ignore[attr-defined]
            elif kind is ast.Expr and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                dynamic = self.setattr_call(node.value, receiver, members, types) or dynamic  # type: ignore[attr-defined]
            assignment = kind is ast.Assign or kind is ast.AnnAssign or kind is ast.AugAssign
            stores_value = (kind is ast.Assign or kind is ast.AnnAssign) and not _placeholder(node.value)  # type: ignore[attr-defined]
            for target in targets:
                if stores_value:
                    for leaf in target.elts if type(target) is ast.Tuple or type(target) is ast.List else (target,):  # type: ignore[attr-defined]
                        if type(leaf) is ast.Attribute and type(leaf.value) is ast.Name and leaf.value.id in others:  # type: ignore[attr-defined]
                            self.parameter_stores.add(leaf.attr)  # type: ignore[attr-defined]
                direct = assignment and type(target) is ast.Attribute and _is_name(target.value, receiver)  # type: ignore[attr-defined]
                if direct:
                    typed.append((target.attr, node))  # type: ignore[attr-defined, arg-type]
                for element in _nodes_of(target):
                    element_kind = type(element)
                    if element_kind is ast.Name:
                        if not isinstance(element.ctx, ast.Load):  # type: ignore[attr-defined]
                            local.add(element.id)  # type: ignore[attr-defined]
                    elif element_kind is ast.Attribute:
                        if _is_name(element.value, receiver):  # type: ignore[attr-defined]
                            members.setdefault(element.attr, "self")  # type: ignore[attr-defined]
                            # `self.a = x` gives evidence of its own, `self.a, b = ...` none; `self.a.b = x` reads `a`
                            if not (direct and element is target) and type(element.ctx) is not ast.Load:  # type: ignore[attr-defined]
                                types.setdefault(element.attr, []).append(("?", ""))  # type: ignore[attr-defined]
                    elif element_kind is ast.Call:
                        dynamic = self.setattr_call(element, receiver, members, types) or dynamic  # type: ignore[arg-type]
                    elif (
                        element_kind is ast.Subscript
                        and isinstance(element.ctx, ast.Store)  # type: ignore[attr-defined]
                        and _is_instance_dict(element.value, receiver)  # type: ignore[attr-defined]
                    ):
                        dynamic = True
            for block in _BLOCK_FIELDS:
                stack.extend(getattr(node, block, ()))
        for name, stmt in typed:  # once every local name is known
            self.note_type(types, name, stmt, annotated, local)
        return dynamic

    @staticmethod
    def setattr_call(
        node: ast.Call, receiver: str, members: dict[str, str], types: dict[str, list[tuple[str, str]]]
    ) -> bool:
        """Note ``setattr(self, "name", ...)``; True for a name that can't be known or for
        ``self.__dict__.update(...)``/``vars(self).setdefault(...)``."""
        func = dotted_name(node.func)
        if func in ("setattr", "object.__setattr__") and len(node.args) >= 2 and _is_name(node.args[0], receiver):
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                members.setdefault(name.value, "self")
                types.setdefault(name.value, []).append(("?", ""))
                return False
            return True
        return isinstance(node.func, ast.Attribute) and _is_instance_dict(node.func.value, receiver)

    def note_type(
        self,
        types: dict[str, list[tuple[str, str]]],
        name: str,
        stmt: ast.Assign | ast.AnnAssign | ast.AugAssign,
        annotated: dict[str, ast.expr],
        local: set[str],
    ) -> None:
        """One piece of evidence for the type of attribute ``name`` (``None`` gives none)."""
        found = types.setdefault(name, [])
        value = stmt.value
        if isinstance(stmt, ast.AnnAssign):
            found.append(("a", self.annotation(stmt.annotation)))
        elif isinstance(stmt, ast.AugAssign):
            found.append(("?", ""))
        elif isinstance(value, ast.Constant) and value.value is None:
            return
        elif isinstance(value, ast.Name) and value.id in annotated:
            found.append(("a", self.annotation(annotated[value.id])))
        elif isinstance(value, ast.Call) and (dotted_name(value.func) or "").partition(".")[0] not in local | {""}:
            found.append(("c", self.qualify(dotted_name(value.func) or "")))
        else:
            found.append(("?", ""))

    def run(self) -> dict[str, Any]:
        self.top_level(self.tree.body)
        self.walk()
        classes, functions, coroutines = self.classes_and_functions()
        return {
            "b": self.bindings,
            "s": self.stars,
            "a": self.all_names,
            "ad": self.all_dynamic,
            "o": self.open,
            "p": self.dynamic_path,
            "c": classes,
            "f": functions,
            "fa": coroutines,
            "i": self.imports,
            "t": self.patch_targets(),
            "n": self.called_names(),
            "ps": sorted(self.parameter_stores),
        }

    def called_names(self) -> list[str]:
        """The capitalized names this file calls (``Name(...)``, ``mod.Name(...)``) other
        than in its ``class Name(`` headers: which classes the project instantiates. Read
        from the text, strings and comments included (a name too many only means less
        silence)."""
        text = self.text if self.text is not None else ast.unparse(self.tree)
        called = collections.Counter(_CALLED_NAME.findall(text))
        called.subtract(m[1] for m in _CLASS_HEADER.finditer(text) if not _word_before(text, m.start()))
        return sorted(name for name, count in called.items() if count > 0)


def _word_before(text: str, offset: int) -> bool:
    """True if ``text[offset]`` continues an identifier (no word boundary before it)."""
    return offset > 0 and (text[offset - 1].isalnum() or text[offset - 1] == "_")


def _signature(function: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[str]) -> tuple[Any, ...]:
    """A compact parameter list (see ``ClassInfo.params``)."""
    args = function.args
    kind = "static" if "staticmethod" in decorators else ""
    if "classmethod" in decorators or function.name in ("__init_subclass__", "__class_getitem__"):
        kind = "class"
    return (
        kind,
        tuple(a.arg for a in args.posonlyargs + args.args),
        len(args.posonlyargs),
        len(args.defaults),
        tuple(a.arg for a in args.kwonlyargs),
        tuple(a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None),
        args.vararg is not None,
        args.kwarg is not None,
    )


def _instances_made(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The names a ``__new__`` binds to a new instance: ``self = super().__new__(cls)``."""
    made: list[str] = []
    for stmt in function.body:
        if (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
        ) and stmt.value.func.attr == "__new__":
            made.extend(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return made


def _placeholder(value: ast.expr | None) -> bool:
    """Nothing, a lambda, ``Mock()``/``AsyncMock(...)``/``mocker.MagicMock()``: what a test puts
    in place of a member (``manager.disconnect = AsyncMock()``) says nothing about the members
    the object really has."""
    if value is None or isinstance(value, ast.Lambda):
        return True
    return isinstance(value, ast.Call) and (dotted_name(value.func) or "").rpartition(".")[2].endswith(
        ("Mock", "create_autospec")
    )


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_instance_dict(node: ast.expr, receiver: str) -> bool:
    """``receiver.__dict__`` or ``vars(receiver)``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "__dict__" and _is_name(node.value, receiver)
    return (
        isinstance(node, ast.Call)
        and _is_name(node.func, "vars")
        and len(node.args) == 1
        and _is_name(node.args[0], receiver)
    )


def _expressions_wanted(node: ast.AST, hot: list[int] | None) -> bool:
    """Whether to walk all of ``node`` (not just its nested blocks): expression-level nodes
    always, statements and handlers only when one of their lines is hot."""
    if hot is None:
        return True
    if isinstance(node, (ast.stmt, ast.excepthandler)):
        return _spans(node, hot)
    return not isinstance(node, (ast.Module, ast.match_case))


def _spans(node: ast.AST, lines: list[int] | None) -> bool:
    """Whether one of the sorted ``lines`` lies within the node (its decorators included);
    True for nodes without lines (match cases) and when ``lines`` is None."""
    lineno = getattr(node, "lineno", None)
    if lines is None or lineno is None:
        return True
    decorators = getattr(node, "decorator_list", None)  # they come before the ``def`` line
    first = bisect.bisect_left(lines, decorators[0].lineno if decorators else lineno)
    return first < len(lines) and lines[first] <= (getattr(node, "end_lineno", None) or lineno)


def _lines_matching(patterns: tuple[re.Pattern[str], ...], text: str) -> list[int]:
    """The (1-based, ascending) numbers of the lines where one of ``patterns`` matches with
    no identifier character right before it."""
    starts = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            if not _word_before(text, match.start()):
                starts.append(match.start())
    lines: list[int] = []
    row, position = 1, 0
    for start in sorted(starts):
        row += text.count("\n", position, start)
        position = start
        if not lines or lines[-1] != row:
            lines.append(row)
    return lines


def _nodes_of(target: ast.expr) -> Iterator[ast.AST]:
    """Every node of an assignment target but contexts and operators, as ``ast.walk``
    finds them (in another order)."""
    stack: list[ast.AST] = [target]
    while stack:
        node = stack.pop()
        yield node
        for name in child_fields(type(node)):
            child = getattr(node, name, None)
            if isinstance(child, ast.AST):
                stack.append(child)
            elif isinstance(child, list):
                stack.extend(reversed(child))


#: Fields that never hold a node worth visiting: contexts, operators and plain values.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "kind", "conversion", "is_async"})


_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes, in ``ast.iter_child_nodes``
    order (worked out once per type: a generic walk asks every field of every node)."""
    found = _CHILD_FIELDS.get(kind)
    if found is None:
        found = _CHILD_FIELDS[kind] = tuple(name for name in kind._fields if name not in _LEAF_FIELDS)
    return found


def _flatten(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a block, including those nested in if/try/with (not in defs/classes)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.While, ast.For, ast.AsyncFor)):
            yield from _flatten(stmt.body + stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _flatten(stmt.body)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            yield from _flatten(stmt.body + stmt.orelse + stmt.finalbody)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                yield from _flatten(handler.body)


def summarize(tree: ast.Module, module: str | None, is_package: bool, text: str | None = None) -> dict[str, Any]:
    """The summary of one parsed file (plain data: dicts, lists, tuples, strings); with the
    ``text`` the tree came from, expressions are only walked where they may matter."""
    return _Summarizer(tree, module, is_package, text).run()


def summarize_text(text: str, module: str | None, is_package: bool, filename: str = "<unknown>") -> dict[str, Any]:
    """Parse and summarize ``text``; raises ``SyntaxError`` (and ``RecursionError``)."""
    summary = summarize(ast.parse(text, filename=filename), module, is_package, text)
    summary["td"] = text_digest(text)
    return summary


@dataclass(frozen=True)
class FileSummary:
    """What a rule needs from one file, without parsing it again.

    ``imports``: ``("i", dotted, asname, alias_pos, stmt_pos, guarded)`` or
    ``("f", module, level, ((name, asname, pos), ...), stmt_pos, guarded)``;
    ``targets``: ``(kind, string, pos, lenient, package)`` with kind patch/setattr/import.
    Positions are ``(line, utf8_col, end_line, end_utf8_col)`` as ``ast`` gives them.
    """

    module: str | None
    is_package: bool
    imports: tuple[tuple[Any, ...], ...]
    targets: tuple[tuple[Any, ...], ...]


def _extract(
    job: tuple[str, str | None, bool, bytes | None],
) -> tuple[str, tuple[int, int] | None, bytes | None, bytes | None, bytes | None, Any]:
    """Worker: read and summarize one file → (path, stat, digest, marshalled summary or
    None if it doesn't parse, surface digest, stored facts); ``b""`` when the text still has
    the cached digest (a touched file is not parsed again).

    The surface digest covers what other files can see (bindings, classes, functions), not
    positions or the file's own imports: an edit inside a function body leaves it as it is,
    so results of other files that depend on the index stay cached.

    Summaries stay marshalled until a question needs them: a warm run loads the cache
    without building millions of small objects."""
    path, module, is_package, known_digest = job
    try:
        stat = os.stat(path)
        source = SourceFile.read(Path(path))
    except (OSError, DecodeError):
        return path, None, None, None, None, None
    digest = text_digest(source.text)
    if digest == known_digest:
        return path, (stat.st_mtime_ns, stat.st_size), digest, b"", None, None
    return (path, (stat.st_mtime_ns, stat.st_size), digest, *_summary_parts(source, module, is_package, digest))


def _summary_parts(
    source: SourceFile, module: str | None, is_package: bool, digest: bytes
) -> tuple[bytes | None, bytes | None, Any]:
    """(marshalled summary or None if the text doesn't parse, surface digest, stored facts)."""
    try:
        tree = ast.parse(source.text, filename=str(source.path))
        summary = summarize(tree, module, is_package, source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, None, None
    surface = hashlib.blake2b(
        marshal.dumps(({k: v for k, v in summary.items() if k not in _FILE_PARTS}, summary["c"])), digest_size=16
    ).digest()
    summary["td"] = digest
    return _pack(summary), surface, _file_facts(tree, source)


#: The ``file_facts`` functions of the run's checkers, by name (set for the workers by ``build``).
_FACTS: Mapping[str, Callable[[ast.Module, SourceFile], Any]] = {}


def _file_facts(tree: ast.Module, source: SourceFile) -> tuple[tuple[str, ...], bytes] | None:
    """The checkers' facts about a file, marshalled together; a function that fails leaves
    its facts out (the check computes them again and reports the error)."""
    if not _FACTS:
        return None
    found = {}
    for name, compute in _FACTS.items():
        try:
            found[name] = compute(tree, source)
        except Exception:
            continue
    try:
        return tuple(sorted(found)), zlib.compress(marshal.dumps(found), 1)  # a quarter of the size
    except ValueError:  # not plain data
        return None


def _pack(summary: dict[str, Any]) -> bytes:
    """A summary as separately unmarshalled parts: most questions (and the reverse lookups,
    for every module at once) need only the module-level part or the class bases, not the
    members of every class or the file's own imports; a worker that decoded every summary
    whole would hold hundreds of megabytes."""
    module_part = {k: v for k, v in summary.items() if k not in _FILE_PARTS}
    bases = {local: data["b"] for local, data in summary["c"].items()}
    file_part = {"i": summary["i"], "t": summary["t"]}
    return marshal.dumps(tuple(marshal.dumps(part) for part in (module_part, bases, summary["c"], file_part)))


# -- the index ---------------------------------------------------------------------------


class ProjectIndex:
    """The first-party modules of a project and what they bind. Build it with ``build``."""

    def __init__(self, roots: list[Path], project_root: Path) -> None:
        self.roots = [str(r) for r in roots]
        self.project_root = str(project_root)
        #: path → (stat, digest, module, is_package, marshalled summary, surface digest,
        #: (names, marshalled facts) or None)
        self._entries: dict[str, tuple[Any, ...]] = {}
        self._decoded: dict[tuple[int, int], Any] = {}  # (id of a marshalled summary, part) → the part
        self._by_module: dict[str, str] = {}  # module name → path
        self._listings: dict[str, frozenset[str]] = {}
        self._specs: dict[str, ModuleSpec | None] = {}
        self._first_party: dict[str, bool] = {}
        self._modules: dict[str, ModuleInfo] = {}
        self._binders: dict[str, list[tuple[str, str]]] | None = None
        self._subclasses: dict[str, list[str]] | None = None
        self._unions: dict[str, frozenset[str]] = {}
        #: Answers by question: the rules of every file ask about the same few modules.
        self._members: dict[tuple[str, str], Ref | None] = {}
        self._steps: dict[str, tuple[Ref | None, int]] = {}
        self._class_infos: dict[str, ClassInfo | None] = {}
        self._last_digest: tuple[str, bytes] | None = None
        #: Changes whenever a first-party file, its module name or the roots change.
        self.fingerprint = ""

    # -- building --

    @classmethod
    def build(
        cls,
        settings: Settings,
        jobs: int | None = None,
        files: list[Path] | None = None,
        facts: Mapping[str, Callable[[ast.Module, SourceFile], Any]] | None = None,
        stat: Callable[[str], tuple[int, int] | None] = file_stat,
        progress: Callable[[int, int], None] | None = None,
    ) -> ProjectIndex:
        """Discover the first-party files (unless the caller already has that exact list
        in ``files``), reuse the cache, summarize what changed; with ``facts`` (name →
        a checker's ``file_facts``), compute those in the same parse. ``stat`` answers
        whether a file changed (a caller that has just looked passes its answers);
        ``progress(done, total)`` hears of each file read."""
        global _FACTS
        root = settings.project_root
        if files is None:
            files = cls.files(settings)
        roots = cls._roots(settings, files)
        index = cls(roots, root)
        cache_file = cls._cache_location(settings)
        cached = load_shards(cache_file, _CACHE_MAGIC, _valid_entry, index.project_root) if settings.use_cache else {}
        wanted = set(facts or ())
        todo: list[tuple[str, str | None, bool, bytes | None]] = []
        for path in files:
            if path.suffix != ".py":
                continue
            key = str(path)
            module, is_package = index.module_for_path(key)
            old = cached.get(key)
            reusable = old is not None and old[2] == module and old[3] == is_package and _has_facts(old, wanted)
            if old is not None and reusable:
                now = stat(key)
                if now is None:
                    continue
                if old[0] == now:
                    index._entries[key] = old
                    continue
            todo.append((key, module, is_package, old[1] if old is not None and reusable else None))
        changed = {job[0] for job in todo}
        _FACTS = dict(facts or {})
        try:
            for done, (key, read_stat, digest, summary, surface, file_facts) in enumerate(_run_jobs(todo, jobs), 1):
                if progress:
                    progress(done, len(todo))
                if read_stat is None:
                    continue
                module, is_package = index.module_for_path(key)
                if summary == b"":
                    summary, surface, file_facts = cached[key][4], cached[key][5], cached[key][6]
                index._entries[key] = (read_stat, digest, module, is_package, summary, surface, file_facts)
        finally:
            _FACTS = {}
        for key, entry in index._entries.items():
            if entry[2] is not None and entry[4] is not None:
                index._by_module.setdefault(entry[2], key)
        index.fingerprint = index._fingerprint()
        if settings.use_cache:
            gone = cached.keys() - index._entries.keys()
            save_shards(cache_file, _CACHE_MAGIC, index._entries, changed | gone, index.project_root)
            stats = {key: entry[0] for key, entry in index._entries.items()}
            state = _state_key(roots, files, wanted, lambda key: stats.get(key))
            _write_state(cache_file / _STATE_NAME, (_CACHE_MAGIC, state, index.fingerprint))
        return index

    def replace_text(
        self, source: SourceFile, facts: Mapping[str, Callable[[ast.Module, SourceFile], Any]] | None = None
    ) -> None:
        """Hold ``source`` as the content of its file, in place of what is on disk (an
        editor's unsaved text, read from stdin); a file that isn't on disk is added. Call it
        before the first question: answers already given are not revised."""
        global _FACTS
        key = str(source.path)
        if key not in self._entries and os.path.realpath(key) in self._entries:
            key = os.path.realpath(key)
        module, is_package = self.module_for_path(key)
        if module is None:
            module, is_package = self.module_for_path(os.path.realpath(key))
        digest = text_digest(source.text)
        _FACTS = dict(facts or {})
        try:
            summary, surface, file_facts = _summary_parts(source, module, is_package, digest)
        finally:
            _FACTS = {}
        self._entries[key] = (None, digest, module, is_package, summary, surface, file_facts)
        if module is not None and summary is not None:
            self._by_module[module] = key
        self.fingerprint = self._fingerprint()

    @classmethod
    def cached_fingerprint(
        cls,
        settings: Settings,
        files: list[Path],
        facts: Mapping[str, Any] | None = None,
        stat: Callable[[str], tuple[int, int] | None] = file_stat,
    ) -> str | None:
        """The fingerprint ``build`` would give, when no first-party file changed (by
        ``stat``) since the cache was saved with the same roots and facts; else None. A
        warm run whose results are all cached then never loads the index."""
        if not settings.use_cache:
            return None
        try:
            with open(cls._cache_location(settings) / _STATE_NAME, "rb") as handle:
                saved = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (
            isinstance(saved, tuple) and len(saved) == 3 and saved[0] == _CACHE_MAGIC and isinstance(saved[2], str)
        ):
            return None
        current = _state_key(cls._roots(settings, files), files, set(facts or ()), stat)
        return saved[2] if saved[1] == current else None

    @classmethod
    def files(cls, settings: Settings) -> list[Path]:
        """Every first-party candidate file of the project."""
        return discover(cls.search_paths(settings), settings).files

    @staticmethod
    def _roots(settings: Settings, files: list[Path]) -> list[Path]:
        return [p for p in settings.src if p.is_dir()] if settings.src else detect_roots(settings.project_root, files)

    @staticmethod
    def _cache_location(settings: Settings) -> Path:
        return (settings.cache_dir or settings.project_root / ".netra_lint_cache") / CACHE_NAME

    @staticmethod
    def search_paths(settings: Settings) -> list[Path]:
        """Where first-party files are looked for: the project and any root outside it."""
        root = settings.project_root
        return [root, *(p for p in settings.src if p.is_dir() and root not in (p, *p.parents))]

    def _fingerprint(self) -> str:
        """A digest of everything the index knows: results that used it are stale when it
        changes. Paths count relative to the project root: a checkout elsewhere is the same."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr([relative_key(root, self.project_root) for root in self.roots]).encode())
        for path in sorted(self._entries):
            entry = self._entries[path]
            where = relative_key(path, self.project_root)
            digest.update(f"{where}\0{entry[2]}\0{entry[3]}\0".encode("utf-8", "surrogatepass"))
            digest.update(entry[5] or b"-")
        return digest.hexdigest()

    def module_for_path(self, path: str) -> tuple[str | None, bool]:
        """The module name of a file (from the deepest root holding it) and whether it is
        a package's ``__init__``; ``(None, False)`` outside the roots or for a bad name."""
        best: str | None = None
        for root in self.roots:
            if path.startswith(root.rstrip(os.sep) + os.sep) and (best is None or len(root) > len(best)):
                best = root
        if best is None:
            return None, False
        parts = path[len(best.rstrip(os.sep)) + 1 :].split(os.sep)
        stem, dot, suffix = parts[-1].rpartition(".")
        if not dot or suffix not in ("py", "pyi"):
            return None, False
        parts[-1] = stem
        is_package = stem == "__init__"
        if is_package:
            parts.pop()
        if not parts or not all(p.isidentifier() for p in parts):
            return None, False
        return ".".join(parts), is_package

    # -- questions about files --

    def parsed_ok(self, path: Path) -> bool:
        """True when the index parsed this file successfully (so the engine needn't)."""
        entry = self._entry(path)
        return entry is not None and entry[4] is not None

    def _entry(self, path: Path | str) -> tuple[Any, ...] | None:
        entry = self._entries.get(str(path))
        if entry is None:
            entry = self._entries.get(os.path.realpath(path))
        return entry

    def _part(self, entry: tuple[Any, ...], part: int) -> Any:
        """One part of an entry's summary (see ``_pack``), unmarshalled once."""
        key = (id(entry[4]), part)
        found = self._decoded.get(key)
        if found is None:
            found = self._decoded[key] = marshal.loads(marshal.loads(entry[4])[part])
        return found

    def _module_part(self, entry: tuple[Any, ...]) -> dict[str, Any]:
        return self._part(entry, _MODULE_PART)

    def _classes(self, module: str) -> dict[str, Any]:
        """The classes a first-party module defines (local name → members and more)."""
        info = self.module_info(module)
        entry = self._entry(info.path) if info else None
        return self._part(entry, _CLASSES_PART) if entry else {}

    def summary_for(self, path: Path, text: str) -> FileSummary | None:
        """The stored summary of ``path`` if it was made from exactly ``text``."""
        entry = self._entry(path)
        if entry is None or entry[4] is None or entry[1] != self._digest(text):
            return None
        # Read once, by the file's own check: not kept.
        return self._file_summary(marshal.loads(marshal.loads(entry[4])[_FILE_PART]), entry[2], entry[3])

    def _digest(self, text: str) -> bytes:
        """``text_digest``, once per text (several rules ask about the same file)."""
        if self._last_digest is None or self._last_digest[0] is not text:
            self._last_digest = (text, text_digest(text))
        return self._last_digest[1]

    def file_facts(self, path: Path, text: str, name: str) -> Any:
        """A checker's facts about ``path`` (see ``build``) if made from exactly ``text``, else None."""
        entry = self._entry(path)
        if entry is None or entry[6] is None or name not in entry[6][0] or entry[1] != self._digest(text):
            return None
        return marshal.loads(zlib.decompress(entry[6][1]))[name]

    def summarize_file(self, path: Path, text: str) -> FileSummary:
        """Summarize a text the index doesn't hold (a fixed text, a file outside the roots)."""
        module, is_package = self.module_for_path(str(path))
        if module is None:
            module, is_package = self.module_for_path(os.path.realpath(path))
        return self._file_summary(summarize_text(text, module, is_package, str(path)), module, is_package)

    @staticmethod
    def _file_summary(summary: dict[str, Any], module: str | None, is_package: bool) -> FileSummary:
        return FileSummary(module, is_package, tuple(summary["i"]), tuple(summary["t"]))

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
                known = top not in sys.stdlib_module_names and not _installed(top, self.project_root)
            self._first_party[top] = known
        return known

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
        if entry is None or entry[4] is None:
            return None
        summary = self._module_part(entry)
        info = ModuleInfo(
            name=name,
            path=spec.origin,
            is_package=spec.kind == "package",
            bindings=summary["b"],
            stars=tuple(summary["s"]),
            all_names=tuple(summary["a"]) if summary["a"] is not None else None,
            all_dynamic=summary["ad"],
            open=summary["o"],
            dynamic_path=summary["p"],
            functions=summary["f"],
            async_functions=frozenset(summary["fa"]),
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
        module, _, local = ref.qualname.partition("::")
        data = self._classes(module).get(local)
        if data is None:
            return None
        return ClassInfo(
            f"{module}.{local}",
            tuple(data["b"]),
            tuple(data["d"]),
            data["mc"],
            data["m"],
            data["r"],
            data["dy"],
            {name: tuple(sig) for name, sig in data["pa"].items()},
            frozenset(data["as"]),
            {name: tuple(map(tuple, evidence)) for name, evidence in data["at"].items()},
        )

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
            kind = binding[0]
            if kind in ("def", "class"):
                return Ref("function" if kind == "def" else "class", f"{module}::{name}")
            if kind == "module":
                return Ref("module", binding[1]) if self.module_exists(binding[1]) else UNKNOWN_REF
            if kind == "from":
                if binding[1] == module:  # ``from . import sub`` in the package itself
                    return Ref("module", f"{module}.{name}") if self.module_exists(f"{module}.{name}") else UNKNOWN_REF
                if not self.is_first_party(binding[1]):
                    return UNKNOWN_REF
                return self.member(binding[1], binding[2], seen) or UNKNOWN_REF
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
        module, _, local = ref.partition("::")
        data = self._classes(module).get(local)
        if data is None or depth > 20:
            return UNKNOWN_REF
        kind = data["m"].get(name)
        if kind == "class":
            return Ref("class", f"{ref}.{name}")
        if kind is not None:
            return Ref("value", f"{ref}.{name}")
        if data["mc"] or data["d"] or "__getattr__" in data["m"] or "__getattribute__" in data["m"]:
            return UNKNOWN_REF  # a metaclass or class decorator may add members
        if name.startswith("__") and name.endswith("__"):
            return UNKNOWN_REF  # inherited from object or type
        for base in data["b"]:
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
        if self._binders is None:
            table: dict[str, list[tuple[str, str]]] = {}
            for module, path in self._by_module.items():
                if self.find_module(module) is None or self.find_module(module).origin != path:  # type: ignore[union-attr]
                    continue  # shadowed file (x.py beside x/__init__.py)
                for bound, binding in self._module_part(self._entries[path])["b"].items():
                    table.setdefault(bound, []).append(
                        (module, "import" if binding[0] in ("from", "module") else "define")
                    )
                parent, _, last = module.rpartition(".")
                if parent:
                    table.setdefault(last, []).append((parent, "submodule"))
            self._binders = table
        return sorted(set(self._binders.get(name, [])))

    def called_names(self) -> frozenset[str]:
        """Every capitalized name some first-party file calls (see ``_Summarizer.called_names``)."""
        return self._everywhere("n")

    def parameter_stores(self) -> frozenset[str]:
        """Every attribute name some first-party function assigns on one of its parameters
        (``def create(self, worker): worker.timer = ...``): the object passed in, of any class,
        may have it."""
        return self._everywhere("ps")

    def _everywhere(self, key: str) -> frozenset[str]:
        """The union of a module-part list ``key`` over every summarized file; built once."""
        if key not in self._unions:
            self._unions[key] = frozenset().union(
                *(self._module_part(e).get(key, ()) for e in self._entries.values() if e[4] is not None)
            )
        return self._unions[key]

    def subclasses(self, qualname: str) -> list[str]:
        """The first-party classes (dotted qualified names) that list the class ``qualname``
        among their bases, directly; built for the whole project on first use."""
        ref = self.resolve(qualname)
        if ref is None or ref.kind != "class":
            return []
        if self._subclasses is None:
            table: dict[str, set[str]] = {}
            resolved: dict[str, Ref | None] = {}
            for module, path in self._by_module.items():
                for local, bases in self._part(self._entries[path], _BASES_PART).items():
                    for base in bases:
                        if base not in resolved:
                            resolved[base] = self.resolve(base) if self.is_first_party(base) else None
                        target = resolved[base]
                        if target is not None and target.kind == "class":
                            table.setdefault(target.qualname, set()).add(f"{module}.{local}")
            self._subclasses = {name: sorted(found) for name, found in table.items()}
        return self._subclasses.get(ref.qualname, [])


def detect_roots(project_root: Path, files: Iterable[Path]) -> list[Path]:
    """First-party roots without a ``src`` setting: the project root, its ``src/``, and every
    sub-project (a directory with its own pyproject/setup file that is not inside a package)."""
    roots = [project_root]
    if (project_root / "src").is_dir():
        roots.append(project_root / "src")
    inside = str(project_root).rstrip(os.sep) + os.sep
    directories: set[str] = set()  # below the project root, as strings: most files share them
    for path in files:
        parent = os.path.dirname(path)
        while parent.startswith(inside) and parent not in directories:
            directories.add(parent)
            parent = os.path.dirname(parent)
    marked = [
        Path(d) for d in directories if any(os.path.isfile(os.path.join(d, marker)) for marker in _PROJECT_MARKERS)
    ]
    for directory in sorted(marked):
        if not any((d / "__init__.py").exists() for d in (directory, *directory.parents) if project_root in d.parents):
            roots.append(directory)
            if (directory / "src").is_dir():
                roots.append(directory / "src")
    return roots


def _installed(name: str, project_root: str) -> bool:
    """Whether a regular package ``name`` is installed beside netra-lint (outside the project)."""
    import site

    try:
        directories = [*site.getsitepackages(), site.getusersitepackages()]
    except AttributeError:  # pragma: no cover - some embedded interpreters
        directories = []
    directories = [d for d in directories if os.path.isdir(d) and not d.startswith(project_root + os.sep)]
    try:
        spec = importlib.machinery.PathFinder.find_spec(name, directories)
    except (ImportError, OSError, ValueError):
        return False
    return spec is not None


def _run_jobs(
    todo: list[tuple[str, str | None, bool, bytes | None]], jobs: int | None
) -> Iterator[tuple[str, Any, Any, Any, Any, Any]]:
    workers = min(jobs or os.cpu_count() or 1, len(todo) // 16 or 1)
    if workers <= 1 or len(todo) < _PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_extract, todo)
        return
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield from pool.imap_unordered(_extract, todo, chunksize=16)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _state_key(
    roots: list[Path], files: list[Path], wanted: set[str], stat: Callable[[str], tuple[int, int] | None]
) -> bytes:
    """A digest of what decides a build's result when every file keeps its ``stat``: the
    roots, the facts asked for, and the path and ``stat`` of every module."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((roots, sorted(wanted))).encode("utf-8", "surrogatepass"))
    for path in files:
        key = str(path)
        if key.endswith(".py"):
            digest.update(f"{key}\0{stat(key)}\n".encode("utf-8", "surrogatepass"))
    return digest.digest()


def _write_state(location: Path, state: tuple[str, bytes, str]) -> None:
    """Write the state beside the shards, atomically; errors are swallowed as for the shards."""
    try:
        fd, temp = tempfile.mkstemp(dir=location.parent, prefix=".state-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(state, handle)
        os.replace(temp, location)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _has_facts(entry: tuple[Any, ...], wanted: set[str]) -> bool:
    """Whether a stored entry holds every wanted kind of facts (a file that doesn't parse has none to hold)."""
    return entry[4] is None or wanted <= set(entry[6][0] if entry[6] else ())


def _valid_entry(entry: Any) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 7
        and isinstance(entry[4], (bytes, type(None)))
        and (entry[6] is None or (isinstance(entry[6], tuple) and len(entry[6]) == 2))
    )


__all__ = [
    "UNKNOWN_REF",
    "ClassInfo",
    "FileSummary",
    "ModuleInfo",
    "ModuleSpec",
    "ProjectIndex",
    "Ref",
    "absolute_module",
    "detect_roots",
    "summarize",
    "summarize_text",
]
