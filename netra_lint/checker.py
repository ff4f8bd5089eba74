"""The contract between the engine and a rule family.

A rule family is a module under ``netra_lint/rules/``, or a package there with one module
per rule code, that defines a ``Checker`` subclass. The engine finds it by itself (see
``registry``), so it knows no rule by name.
A checker:

* describes its rules (``rules``: code, name, summary, documentation, fix safety);
* says what a file must contain to be worth parsing (``needles``), so files that can't
  match are never parsed, and may say from the stdlib ``ast`` whether a file that does may
  hold a finding at all (``candidate``), before the costly analysis;
* reads the file through a ``FileContext``, which parses lazily and at most once
  (stdlib ``ast`` for fast questions, LibCST for lossless rewrites);
* yields ``Diagnostic`` objects, with ``Fix`` edits only when ``ctx.want_fixes``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .diagnostics import Applicability, Diagnostic, Edit, Fix
from .focus import blank_unrelated
from .lazy import libcst as cst
from .module_names import ModuleName, ModuleNames
from .semantics.scopes import NodesByType, nodes_by_type
from .source import SourceFile

if TYPE_CHECKING:
    from libcst.metadata import MetadataWrapper

    from .index import ProjectIndex
    from .semantics.model import SemanticModel
    from .semantics.positions import Locator
    from .settings import Settings


@dataclass(frozen=True)
class RuleInfo:
    """The documentation of one rule code, as ``netra-lint rule CODE`` prints it."""

    code: str
    name: str
    summary: str
    doc: str
    fix: str  # "safe", "unsafe", "report", or a short combination such as "safe / report"
    #: A hosted ruff code that reports the same problem; ruff's finding is then dropped.
    ruff_equivalent: str = ""


class PackError(Exception):
    """A rule pack entry is invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class Option:
    """A ``[tool.netra-lint]`` key that a rule family reads: its TOML type, and for values
    a type can't vouch for (a version, a pattern), why a value is wrong (None: it is fine)."""

    type: type
    problem: Callable[[Any], str | None] | None = None


def validate_rename_map(
    section: str,
    entries: Iterable[tuple[str, str, str]],
    next_key: Callable[[str, str], str] = lambda _old, new: new,
) -> None:
    """Check ``(old, new, origin)`` entries from every pack together: one old name may not
    map to two new ones, and following the map (``next_key(old, new)`` is where it leads)
    may not come back. Raises ``PackError`` naming the pack file and the entry."""
    seen: dict[str, tuple[str, str]] = {}
    for old, new, origin in entries:
        if old in seen and seen[old][0] != new:
            raise PackError(
                f"{origin}: [{section}] entry {old!r} = {new!r} conflicts with "
                f"{seen[old][1]}: {old!r} = {seen[old][0]!r}"
            )
        seen[old] = (new, origin)
    for start, (_, origin) in seen.items():
        current, path = start, [start]
        while current in seen:
            current = next_key(current, seen[current][0])
            if current in path:
                raise PackError(
                    f"{origin}: [{section}] entry {start!r}: the entries form a cycle ({' -> '.join(path + [current])})"
                )
            path.append(current)


class Checker:
    """Base class of a rule family. Subclasses set the class attributes and ``check``."""

    rules: ClassVar[tuple[RuleInfo, ...]] = ()
    #: Top-level keys of rule-pack TOML files that this family reads (see ``parse_pack``).
    pack_sections: ClassVar[tuple[str, ...]] = ()
    #: Extra ``[tool.netra-lint]`` keys this family understands; the loader checks them.
    options: ClassVar[Mapping[str, Option]] = {}
    #: True if ``check`` needs ``ctx.index`` (the first-party project index).
    uses_index: ClassVar[bool] = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        """Validate one section of one pack file; return its entries. Raise ``PackError``."""
        raise PackError(f"{origin}: section [{section}] is not read by {cls.__name__}")

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        """Check the entries of every loaded pack together (e.g. no cycles); raise ``PackError``."""

    @staticmethod
    def file_facts(tree: ast.Module, source: SourceFile) -> Any:
        """Override to gather what the family reads from one file's stdlib ``ast`` that
        doesn't depend on other files, as plain marshal-able data. The project index then
        computes it in the same parse as the file's summary and caches it with the summary,
        so ``check`` gets it from ``ctx.file_facts()`` without parsing the file again."""
        raise NotImplementedError

    @classmethod
    def gathers_file_facts(cls) -> bool:
        return cls.file_facts is not Checker.file_facts

    def needles(self) -> Collection[str]:
        """Substrings of which a file must contain one to be worth checking; empty: every file."""
        return ()

    def candidate(self, ctx: FileContext) -> bool:
        """Whether a file that holds a needle may hold a finding, asked before ``check``: a
        look at the stdlib ``ast`` and the semantic model that reads the same tables and
        names as the rules, so that LibCST only reads the files that need it. It must never
        say no to a file that ``check`` reports something in: when unsure, yes. Default: yes.
        (``NETRA_LINT_NO_CANDIDATE_FILTER=1`` makes the engine skip the question, so a test can
        show that the answers change no finding and no fix.)"""
        return True

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        raise NotImplementedError

    def prepare(self, index: ProjectIndex) -> None:
        """Build the project-wide tables ``check`` will read, in the main process before the
        files are shared out: the worker processes then share one copy instead of each
        building its own (on 25,000 files, hundreds of MB and seconds each). Called only
        when the run uses workers. Default: nothing."""

    def focus(self, ctx: FileContext) -> Collection[str] | None:
        """The identifiers this family starts from, if it only follows a few names: LibCST
        then parses the file with every body that can't reach them blanked out (see
        ``focus``). None (the default): the whole file."""
        return None

    def file_inputs(self, path: Path) -> str:
        """What decides this family's findings in ``path`` besides the file's text, the
        configuration and the rule packs (for example the dependency version declared for
        its directory), as text; it is part of the file's key in the result cache. Default:
        nothing."""
        return ""

    def describe(self, files: Sequence[Path]) -> list[str]:
        """What this family assumed for ``files`` that the configuration doesn't say, and
        why (``netra-lint -v`` prints it). Default: nothing."""
        return []

    def banned_apis(self) -> Mapping[str, str]:
        """Qualified module or member names this family flags → the message, for
        ``netra-lint export-ruff-config`` (ruff's ``banned-api`` shows them in editors)."""
        return {}

    def packs(self, section: str) -> list[Any]:
        """The parsed entries of ``section`` from every loaded pack."""
        return self.settings.packs.get(section, [])


if TYPE_CHECKING:  # what the classes below become when one is made
    from libcst import CSTTransformer as CstTransformer
    from libcst import CSTVisitor as CstVisitor
else:

    class CstVisitor:
        """Base of a LibCST visitor (``libcst.CSTVisitor``) that imports LibCST when the first
        one is made, not when the rule module is imported (see ``netra_lint.lazy``)."""

        _libcst_base: ClassVar[str] = "CSTVisitor"
        _bound: ClassVar[dict[type, type]] = {}

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            bound = CstVisitor._bound.get(cls)
            if bound is None:
                base = getattr(cst, cls._libcst_base)
                bound = CstVisitor._bound[cls] = type(cls.__name__, (cls, base), {"__module__": cls.__module__})
            return object.__new__(bound)

    class CstTransformer(CstVisitor):
        """The same for ``libcst.CSTTransformer``."""

        _libcst_base = "CSTTransformer"


@cache
def _span_recorder_type() -> type:
    from libcst._nodes.internal import CodegenState

    @dataclass
    class SpanRecorder(CodegenState):
        """Codegen that records every node's span as text offsets: the ranges LibCST's
        ``PositionProvider`` gives (syntactic where a node records one, else whitespace
        inclusive), but counting characters instead of tracking lines and columns, which
        costs a fraction of it."""

        spans: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
        offset: int = 0
        starts: list[int] = field(default_factory=list)

        def add_indent_tokens(self) -> None:
            self.tokens.extend(self.indent_tokens)
            self.offset += sum(map(len, self.indent_tokens))

        def add_token(self, value: str) -> None:
            self.tokens.append(value)
            self.offset += len(value)

        def before_codegen(self, node: cst.CSTNode) -> None:
            self.starts.append(self.offset)

        def after_codegen(self, node: cst.CSTNode) -> None:
            start = self.starts.pop()
            if node not in self.spans:
                self.spans[node] = (start, self.offset)

        @contextmanager
        def record_syntactic_position(
            self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
        ) -> Iterator[None]:
            start = self.offset
            yield  # not in try/finally: an exception (Ctrl-C) inside must not become a KeyError here
            self.spans[node] = (
                self.spans[start_node][0] if start_node is not None else start,
                self.spans[end_node][1] if end_node is not None else self.offset,
            )

    return SpanRecorder


class _Tree:
    """One LibCST parse of a file, with what is derived from it on demand."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module

    @cached_property
    def wrapper(self) -> MetadataWrapper:
        # unsafe_skip_copy: the module is ours and never mutated, so node identity holds.
        return cst.metadata.MetadataWrapper(self.module, unsafe_skip_copy=True)

    @cached_property
    def spans(self) -> Mapping[cst.CSTNode, tuple[int, int]]:
        module = self.module
        recorder = _span_recorder_type()(default_indent=module.default_indent, default_newline=module.default_newline)
        module._codegen(recorder)
        return recorder.spans


class FileContext:
    """One file as the checkers see it; every parse is lazy and done at most once."""

    def __init__(
        self,
        source: SourceFile,
        display_path: str,
        settings: Settings,
        enabled: Collection[str],
        want_fixes: bool,
        index: ProjectIndex | None = None,
        modules: ModuleNames | None = None,
    ) -> None:
        self.source = source
        self.path = display_path
        self.settings = settings
        self.enabled_codes = frozenset(enabled)
        self.want_fixes = want_fixes
        self.index = index
        self._modules = modules
        self._trees: dict[bool, _Tree] = {}
        self._focus: dict[Checker, frozenset[str] | None] = {}

    @property
    def text(self) -> str:
        return self.source.text

    def enabled(self, code: str) -> bool:
        return code in self.enabled_codes

    @cached_property
    def ast_tree(self) -> ast.Module:
        """The stdlib AST (about ten times faster than LibCST); raises ``SyntaxError``."""
        return ast.parse(self.source.text, filename=self.path)

    @cached_property
    def ast_nodes(self) -> NodesByType:
        """``ast_tree``'s nodes by type, from one walk (see ``semantics.scopes.nodes_by_type``)."""
        return nodes_by_type(self.ast_tree)

    @cached_property
    def module(self) -> ModuleName:
        """The module this file is (see ``module_names``): the index's name when there is one."""
        modules = self._modules if self._modules is not None else ModuleNames(self.settings)
        return modules.of(self.source.path, self.index)

    @cached_property
    def semantic_model(self) -> SemanticModel:
        """What the file's names mean (scopes, bindings, qualified names; see ``semantics``),
        built once from ``ast_tree``, with what a star import of a first-party module
        binds when the index knows it; raises ``SyntaxError``."""
        from .semantics.model import SemanticModel  # imported by the families that ask

        exports = self.index.exported if self.index is not None else None
        return SemanticModel(self.ast_tree, self.module.name, self.module.is_package, exports)

    @cached_property
    def locator(self) -> Locator:
        """Finds the model's node of a LibCST node (``model_node``) and the text of a model node."""
        from .semantics.positions import Locator

        return Locator(self.semantic_model, self.source)

    def model_node(self, node: cst.CSTNode, kind: type[ast.AST] | tuple[type[ast.AST], ...] = ast.expr) -> Any:
        """The semantic model's node of ``kind`` that spans exactly what a LibCST node does
        (a Name, an attribute chain, a call, a string...), or None."""
        return self.locator.node(*self.cst_span(node), kind)

    def file_facts(self) -> Any:
        """The current checker's ``file_facts`` of this text: the index's if it made them
        from exactly this text, else computed now (raises ``SyntaxError``)."""
        checker = self._checker
        found = (
            self.index.file_facts(self.source.path, self.text, type(checker).__name__)
            if self.index is not None
            else None
        )
        return found if found is not None else checker.file_facts(self.ast_tree, self.source)

    @property
    def parsed(self) -> bool:
        """Whether a parser has read the text (and so would have reported a syntax error)."""
        return "ast_tree" in vars(self) or bool(self._trees)

    def use_checker(self, checker: Checker, peers: Iterable[Checker]) -> None:
        """Set by the engine before each checker runs: LibCST trees are made for it, with
        the bodies that none of the focusing ``peers`` (itself included) needs blanked out."""
        self._checker = checker
        self._peers = tuple(peers)

    def _focus_of(self, checker: Checker) -> frozenset[str] | None:
        if checker not in self._focus:
            found = checker.focus(self)
            self._focus[checker] = None if found is None else frozenset(found)
        return self._focus[checker]

    def _tree(self) -> _Tree:
        checker = getattr(self, "_checker", None)
        focused = checker is not None and self._focus_of(checker) is not None
        tree = self._trees.get(focused)
        if tree is None:
            text = self.source.text
            if focused:
                wanted = frozenset().union(*(f for f in map(self._focus_of, self._peers) if f is not None))
                text = blank_unrelated(text, self.ast_tree, wanted)
            tree = self._trees[focused] = _Tree(cst.parse_module(text))
        return tree

    @property
    def cst_module(self) -> cst.Module:
        """The lossless LibCST tree (bodies the current rule can't need may be blank, at the
        same offsets); raises ``libcst.ParserSyntaxError``."""
        return self._tree().module

    @property
    def cst_wrapper(self) -> MetadataWrapper:
        return self._tree().wrapper

    def cst_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """Text offsets of a LibCST node (without its surrounding whitespace)."""
        start, end = self._tree().spans[node]
        # The codegen of a file without a final newline writes one, then drops it.
        size = len(self.source.text)
        return min(start, size), min(end, size)

    def code_for(self, node: cst.CSTNode) -> str:
        """Source text of a (possibly new) LibCST node, in this file's style."""
        return self.cst_module.code_for_node(node)

    def diagnostic(
        self,
        code: str,
        message: str,
        span: tuple[int, int],
        fix: Callable[[], Iterable[Edit]] | None = None,
        applicability: Applicability | None = None,
        fix_title: str = "",
    ) -> Diagnostic:
        """Build a diagnostic; ``fix`` is called for its edits only when fixes are wanted."""
        built: Fix | None = None
        if fix is not None and applicability is not None and self.want_fixes:
            edits = tuple(fix())
            built = Fix(applicability, edits, fix_title) if edits else None
        return Diagnostic(
            code=code,
            message=message,
            start=span[0],
            end=span[1],
            fix_applicability=applicability if fix is not None else None,
            fix=built,
            fix_title=fix_title,
        )


__all__ = [
    "Applicability",
    "Checker",
    "Diagnostic",
    "Edit",
    "FileContext",
    "Fix",
    "Option",
    "PackError",
    "RuleInfo",
]
