"""One pass of stdlib ``ast`` over a file, producing its summary as plain data (see
``layout``): what the module binds, its imports with their positions, the strings it hands
to ``mock.patch`` and its kin, its classes and functions, and the names it calls."""

from __future__ import annotations

import ast
import bisect
import collections
import re
from typing import Any, NamedTuple

from ..semantics.model import SemanticModel
from ..semantics.names import dotted_name
from ..semantics.patching import PATCH_APIS, fixture_of, patch_targets
from ..semantics.scopes import child_fields
from .class_summary import _ClassSummarizer
from .layout import StoredSummary
from .names import _ImportedNames
from .syntax import (
    _catches_import_error,
    _pos,
    _suppresses_import_error,
    _target_names,
    block_fields,
)
from .sys_path import OwnDirectory

#: A line without these words has no patch-target call and no dynamic module namespace.
_NEEDLE_WORDS = (
    "patch",
    "setattr",
    "delattr",
    "import_module",
    "global",
    "globals",
    "vars",
    "exec",
    "sys.modules",
    "sys.path",
)
#: One pattern per word, each starting with its literal (searched for many times faster
#: than an alternation); the word boundary before it is checked after the match.
_EXPRESSION_NEEDLES = tuple(re.compile(re.escape(word) + r"\b") for word in _NEEDLE_WORDS)
#: A line without it holds no import statement (nor part of one).
_IMPORT_WORD = (re.compile(r"import\b"),)
#: A capitalized name called, ``Name(`` (also the tail of ``getName(``: a few names too many),
#: as it reads in the reversed text: ``(`` first, then the name back to its first capital.
#: Searched forwards, ``([A-Z]\w*)\s*\(`` tries every capital of every word and runs to the
#: end of the word each time; reversed, the search starts at each ``(`` only.
_CALLED_NAME_REVERSED = re.compile(r"\(\s*(\w*[A-Z])")
#: ``class Name(``, starting with its literal like the needles above (a leading ``\b`` is 40×
#: slower: ``re`` then tries every offset).
_CLASS_HEADER = re.compile(r"class\s+([A-Z]\w*)\s*\(")


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
        self.names = _ImportedNames(module, is_package, self.bindings)
        self.imports: list[tuple[Any, ...]] = []
        self.string_callees: set[str] = set()  # the callees of calls given a string target
        self.own_directory = OwnDirectory(self.names.qualify)
        self.sys_path: list[bool] = []  # `sys.path.insert(0, <its directory>)`: True; `append`: False

    # -- top-level bindings --

    def bind(self, name: str, value: tuple[str, ...]) -> None:
        old = self.bindings.get(name)
        self.bindings[name] = value if old is None or old == value else ("ambiguous",)

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
                self.names.note_aliases(stmt, module_level=True)
                for alias in stmt.names:
                    if alias.asname:
                        self.bind(alias.asname, ("module", alias.name))
                    else:
                        top = alias.name.split(".")[0]
                        self.bind(top, ("module", top))
            elif isinstance(stmt, ast.ImportFrom):
                self.names.note_aliases(stmt, module_level=True)
                source = self.names.absolute(stmt.level, stmt.module)
                for alias in stmt.names:
                    if alias.name == "*":
                        self.stars.append(source)
                    elif source is None:
                        self.bind(alias.asname or alias.name, ("value",))
                    else:
                        self.bind(alias.asname or alias.name, ("from", source, alias.name))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if isinstance(stmt, ast.Assign):
                    self.own_directory.note_assignment(stmt)
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
                elif func.startswith("__path__.") or _declares_namespace(stmt.value):
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
        if text is None or ("\r" in text and "\r" in text.replace("\r\n", "")):
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
        stack: list[tuple[Any, bool]] = [(self.tree, False)]
        pop, push, extend = stack.pop, stack.append, stack.extend
        shapes, node_type = _WALK_SHAPES, ast.AST
        while stack:
            node, guarded = pop()
            kind = type(node)
            if kind is ast.Import:
                self.names.note_aliases(node)
                for alias in node.names:
                    self.imports.append(("i", alias.name, alias.asname or "", _pos(alias), _pos(node), guarded))
                continue
            if kind is ast.ImportFrom:
                names = tuple((a.name, a.asname or "", _pos(a)) for a in node.names)
                self.names.note_aliases(node)
                self.imports.append(("f", node.module or "", node.level, names, _pos(node), guarded))
                continue
            if kind is ast.Call:
                self.note_call(node)
            elif kind is ast.Name:
                if node.id in ("globals", "vars", "exec"):
                    self.open = True
            elif kind is ast.Subscript:
                if isinstance(node.ctx, ast.Store) and dotted_name(node.value) == "sys.modules":
                    self.open = True
            elif kind is ast.Global:  # `def init(): global table; table = ...` binds it
                for name in node.names:
                    self.bindings.setdefault(name, ("value",))
            elif kind in _TRY_TYPES:
                inner = guarded or _catches_import_error(node.handlers)
                extend([(child, inner) for child in node.body])
                for part in (node.handlers, node.orelse, node.finalbody):
                    extend([(child, guarded) for child in part])
                continue
            elif (kind is ast.With or kind is ast.AsyncWith) and _suppresses_import_error(node):
                extend([(child, True) for child in node.body])
                extend([(item, guarded) for item in node.items])
                continue
            shape = shapes.get(kind) or _walk_shape(kind)
            # Expression-level nodes are walked whole; statements and handlers only when one
            # of their lines is hot; the module and match cases never (but their blocks).
            if hot is None or shape.whole or (shape.statement and _spans(node, hot)):
                for name in shape.children:
                    child = getattr(node, name)
                    if isinstance(child, node_type):
                        push((child, guarded))
                    elif type(child) is list:
                        extend([(c, guarded) for c in child if isinstance(c, node_type)])
            else:
                for block in shape.blocks:
                    extend([(child, guarded) for child in getattr(node, block) if _spans(child, reach)])

    def note_call(self, node: ast.Call) -> None:
        entry = self.own_directory.entry(node) if node.args and isinstance(node.func, ast.Attribute) else None
        if entry is not None:
            self.sys_path.append(entry)
        given = node.args[:1] + [k.value for k in node.keywords if k.arg in _TARGET_KEYWORDS]
        if any(isinstance(g, ast.Constant) and isinstance(g.value, str) for g in given):
            callee = dotted_name(node.func)
            if callee:
                self.string_callees.add(callee)

    def run(self) -> StoredSummary:
        self.top_level(self.tree.body)
        self.walk()
        classes_summary = _ClassSummarizer(self.names)
        classes, functions, coroutines = classes_summary.classes_and_functions(self.tree.body)
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
            "sp": self.sys_path,
            "n": self.called_names(),
            "ps": sorted(classes_summary.parameter_stores),
        }

    def patch_targets(self) -> list[tuple[Any, ...]]:
        """The file's patch targets, as the semantic model finds them (see
        ``semantics.patching``). The model costs more than this whole summary, so it is only
        built for a file with a call that may take one (a quarter of the files of a
        test-heavy tree), or that imports one under another name (its calls are on lines
        the walk doesn't enter). Stored as ``PatchTarget`` fields."""
        aliases = self.names.aliases
        renamed = any(name not in _PATCH_NAMES and aliases[name] in _API_NAMES for name in aliases)
        if not renamed and not any(_may_be_api(callee, aliases) for callee in self.string_callees):
            return []
        model = SemanticModel(self.tree, self.module, self.is_package)
        return [(t.kind, t.target, _pos(t.node), t.lenient, t.package) for t in patch_targets(model)]

    def called_names(self) -> list[str]:
        """The capitalized names this file calls (``Name(...)``, ``mod.Name(...)``) other
        than in its ``class Name(`` headers: which classes the project instantiates. Read
        from the text, strings and comments included (a name too many only means less
        silence)."""
        text = self.text if self.text is not None else ast.unparse(self.tree)
        reversed_names = collections.Counter(_CALLED_NAME_REVERSED.findall(text[::-1]))
        called = collections.Counter({name[::-1]: count for name, count in reversed_names.items()})
        called.subtract(m[1] for m in _CLASS_HEADER.finditer(text) if not _word_before(text, m.start()))
        return sorted(name for name, count in called.items() if count > 0)


def _declares_namespace(call: ast.Call) -> bool:
    """``pkg_resources.declare_namespace(__name__)``, also as ``__import__("pkg_resources")
    .declare_namespace``: the package's ``__path__`` merges every distribution's portion."""
    func = call.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) == "declare_namespace"


#: The last names of the patch-like APIs (``patch``, ``dict``, ``setattr``...) and the
#: keywords that take their target.
_PATCH_NAMES = frozenset(api.name.rpartition(".")[2] for api in PATCH_APIS)
_TARGET_KEYWORDS = frozenset(api.keyword for api in PATCH_APIS if api.keyword)
_API_NAMES = frozenset(api.name for api in PATCH_APIS)
_FIXTURES = frozenset(api.name.partition(".")[0] for api in PATCH_APIS if api.fixture)


def _may_be_api(callee: str, aliases: dict[str, str]) -> bool:
    """Whether a callee may be a patch-like API: named like one (or imported as one: ``from
    unittest.mock import patch as p``), read from an import or a fixture (not
    ``client.patch("/users/1")``)."""
    head, _, rest = callee.partition(".")
    if not rest:
        return head in _PATCH_NAMES or aliases.get(head) in _API_NAMES
    return rest.rpartition(".")[2] in _PATCH_NAMES and (head in aliases or fixture_of(head) in _FIXTURES)


def _word_before(text: str, offset: int) -> bool:
    """True if ``text[offset]`` continues an identifier (no word boundary before it)."""
    return offset > 0 and (text[offset - 1].isalnum() or text[offset - 1] == "_")


class _WalkShape(NamedTuple):
    """What ``walk`` needs of a node type."""

    children: tuple[str, ...]  # the fields that may hold nodes, in ``ast.iter_child_nodes`` order
    blocks: tuple[str, ...]  # those of them that hold nested statements (``_BLOCK_FIELDS``)
    statement: bool  # a statement or handler: walked whole only when one of its lines is hot
    whole: bool  # an expression-level node: always walked whole


_WALK_SHAPES: dict[type[ast.AST], _WalkShape] = {}
_TRY_TYPES = frozenset(getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))


def _walk_shape(kind: type[ast.AST]) -> _WalkShape:
    shape = _WALK_SHAPES[kind] = _WalkShape(
        children=child_fields(kind),
        blocks=block_fields(kind),
        statement=issubclass(kind, (ast.stmt, ast.excepthandler)),
        whole=not issubclass(kind, (ast.stmt, ast.excepthandler, ast.Module, ast.match_case)),
    )
    return shape


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


def summarize(tree: ast.Module, module: str | None, is_package: bool, text: str | None = None) -> StoredSummary:
    """The summary of one parsed file (plain data: dicts, lists, tuples, strings); with the
    ``text`` the tree came from, expressions are only walked where they may matter."""
    return _Summarizer(tree, module, is_package, text).run()


def summarize_text(text: str, module: str | None, is_package: bool, filename: str = "<unknown>") -> StoredSummary:
    """Parse and summarize ``text``; raises ``SyntaxError`` (and ``RecursionError``)."""
    return summarize(ast.parse(text, filename=filename), module, is_package, text)
