"""NL301/NL302: a ``global`` or ``nonlocal`` declaration that comes after the name's use.

Such a file parses but does not compile: CPython's symbol table rejects it with "name 'x'
is used prior to global declaration" and its twins, and stops at the first one. Detection
replays the symbol-table pass with the stdlib ``ast`` in the order CPython visits a scope
(which is not always source order: a ``try`` statement's ``else`` is visited before its
``except`` clauses), so the reports agree with ``compile()`` and include every error, not
only the first. The fix hoists the declarations to the top of their scope with LibCST
positions, one fix per scope and keyword so the edits never overlap.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from ..checker import Checker, CstVisitor, FileContext, RuleInfo
from ..diagnostics import Applicability, Diagnostic, Edit, apply_edits
from ..lazy import libcst as cst
from ..source import SourceFile

GLOBAL_CODE = "NL301"
NONLOCAL_CODE = "NL302"

# Symbol flags, named after CPython's symtable.h.
DEF_GLOBAL = 1
DEF_LOCAL = 2
DEF_PARAM = 4
DEF_NONLOCAL = 8
USE = 16
DEF_IMPORT = 32
DEF_ANNOT = 64
DEF_BOUND = DEF_LOCAL | DEF_PARAM | DEF_IMPORT
#: What a ``global``/``nonlocal`` statement must not find already set on its names.
_TOO_LATE = DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT

#: From 3.14 (PEP 649) annotations are evaluated in their own scope, as with the future import.
_DEFERRED_ANNOTATIONS = sys.version_info >= (3, 14)

#: A ``global``/``nonlocal`` keyword where a statement can start; files without one are skipped.
_DECLARATION = re.compile(r"(?:^|[;:\r])[ \t\f]*(?:global|nonlocal)\b", re.MULTILINE)
_IDENTIFIER = re.compile(r"[^\W\d]\w*")

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


_EXAMPLES = {
    "global": (
        "def reset():\n    print(COUNTER)\n    global COUNTER\n    COUNTER = 0\n",
        "def reset():\n    global COUNTER\n    print(COUNTER)\n    COUNTER = 0\n",
    ),
    "nonlocal": (
        (
            "def counter():\n    count = 0\n\n    def step():\n        print(count)\n"
            "        nonlocal count\n        count += 1\n\n    return step\n"
        ),
        (
            "def counter():\n    count = 0\n\n    def step():\n        nonlocal count\n"
            "        print(count)\n        count += 1\n\n    return step\n"
        ),
    ),
}


def _rule_doc(keyword: str) -> str:
    before, after = _EXAMPLES[keyword]
    no_binding = "; nor has a `nonlocal` when no enclosing function binds the name" if keyword == "nonlocal" else ""
    return f"""\
## What it does
Finds a name that a scope uses or assigns before its `{keyword}` declaration, the error
CPython reports as "name 'x' is used prior to {keyword} declaration" or "name 'x' is
assigned to before {keyword} declaration". The diagnostic points at the name inside the
`{keyword}` statement (the line CPython reports, unless a backslash continuation puts the
name on a later line). Every such name is reported, where CPython stops at the first. The
related errors "name 'x' is parameter and {keyword}" and "annotated name 'x' can't be
{keyword}" (the latter at the annotation, when it follows the declaration) are reported
under the same code.

## Why is this bad?
The file does not compile: importing it, or collecting it as a test, fails with a
`SyntaxError` before any of its code runs. A `{keyword}` declaration applies to the whole
scope, so it belongs at its top.

## Example
```python
{before}```

Use instead:
```python
{after}```

## Fix safety
The fix is safe: it moves the names of the late `{keyword}` statements of a scope to the
top of that scope (after its docstring), merging them into a `{keyword}` statement that is
already there. The code did not compile before, and this is the meaning Python 3.5 and
older gave it (they only warned, and applied the declaration to the whole scope). A
statement left empty is removed with its line; its comment stays. Parameter and annotation
errors have no fix, as moving the statement does not repair them{no_binding}. Neither has a
file that LibCST can't parse (such as one with `(x): int = 1`).
"""


@dataclass
class _Scope:
    """One symbol-table block: its flags per name, filled in CPython's visiting order."""

    kind: str  # "module", "function" or "class"
    node: ast.AST
    parent: _Scope | None
    flags: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, flag: int) -> None:
        self.flags[name] = self.flags.get(name, 0) | flag

    def has_nonlocal_binding(self, name: str) -> bool:
        """Whether an enclosing function binds ``name`` (what ``nonlocal`` needs)."""
        scope = self.parent
        while scope is not None and scope.kind != "module":
            if scope.kind == "function":
                flags = scope.flags.get(name, 0)
                if flags & DEF_GLOBAL:
                    return False
                if flags & DEF_BOUND and not flags & DEF_NONLOCAL:
                    return True
            scope = scope.parent
        return False


@dataclass
class _Finding:
    code: str
    message: str
    node: ast.stmt  # the declaration, or the annotated assignment it conflicts with
    name: str
    index: int  # position of the name in the declaration's names; -1 for an annotation
    scope: _Scope
    fixable: bool


class _SymbolPass:
    """Replays the part of CPython's symtable pass that decides these errors."""

    def __init__(self, tree: ast.Module, declared: Sequence[int]) -> None:
        """``declared``: the sorted lines that may hold a declaration; the body of a def or
        class spanning none of them can't hold a finding, and is not visited."""
        self.declared = declared
        self.deferred_annotations = _DEFERRED_ANNOTATIONS or _has_future_annotations(tree)
        self.findings: list[_Finding] = []
        self.scopes: list[_Scope] = []
        module = self._enter("module", tree, None)
        self._body(tree.body, module)

    def _enter(self, kind: str, node: ast.AST, parent: _Scope | None) -> _Scope:
        scope = _Scope(kind, node, parent)
        self.scopes.append(scope)
        return scope

    # -- statements -----------------------------------------------------------------

    def _body(self, statements: Iterable[ast.stmt], scope: _Scope) -> None:
        for statement in statements:
            self._stmt(statement, scope)

    def _declares(self, node: ast.stmt) -> bool:
        """Whether a declaration line lies within ``node`` (its own scope's flags are only
        read for a declaration in it or in a scope nested in it)."""
        position = bisect.bisect_left(self.declared, node.lineno)
        return position < len(self.declared) and self.declared[position] <= (node.end_lineno or node.lineno)

    def _stmt(self, node: ast.stmt, scope: _Scope) -> None:
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            self._declaration(node, scope)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node, scope)
        elif isinstance(node, ast.ClassDef):
            self._class(node, scope)
        elif isinstance(node, ast.AnnAssign):
            self._annotated(node, scope)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    scope.add(alias.asname or alias.name.split(".")[0], DEF_IMPORT)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            # CPython visits ``else`` before the handlers.
            self._body(node.body, scope)  # type: ignore[attr-defined]
            self._body(node.orelse, scope)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                self._expr(handler.type, scope)
                if handler.name:
                    scope.add(handler.name, DEF_LOCAL)
                self._body(handler.body, scope)
            self._body(node.finalbody, scope)  # type: ignore[attr-defined]
        elif type(node).__name__ == "TypeAlias":
            self._expr(node.name, scope)  # type: ignore[attr-defined]  # the value has its own scope
        else:
            # Field order is CPython's visiting order for every other statement.
            for _, value in ast.iter_fields(node):
                for child in value if isinstance(value, list) else (value,):
                    if isinstance(child, ast.stmt):
                        self._stmt(child, scope)
                    elif isinstance(child, ast.match_case):
                        self._expr(child.pattern, scope)
                        self._expr(child.guard, scope)
                        self._body(child.body, scope)
                    elif isinstance(child, ast.AST):
                        self._expr(child, scope)

    def _declaration(self, node: ast.Global | ast.Nonlocal, scope: _Scope) -> None:
        is_global = isinstance(node, ast.Global)
        keyword, code = ("global", GLOBAL_CODE) if is_global else ("nonlocal", NONLOCAL_CODE)
        for index, name in enumerate(node.names):
            flags = scope.flags.get(name, 0)
            if flags & _TOO_LATE:
                if flags & DEF_PARAM:
                    message, fixable = f"name '{name}' is parameter and {keyword}", False
                elif flags & USE:
                    message, fixable = f"name '{name}' is used prior to {keyword} declaration", True
                elif flags & DEF_ANNOT:
                    message, fixable = f"annotated name '{name}' can't be {keyword}", False
                else:
                    message, fixable = f"name '{name}' is assigned to before {keyword} declaration", True
                self.findings.append(_Finding(code, message, node, name, index, scope, fixable))
            scope.add(name, DEF_GLOBAL if is_global else DEF_NONLOCAL)

    def _annotated(self, node: ast.AnnAssign, scope: _Scope) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            flags = scope.flags.get(target.id, 0)
            if flags & (DEF_GLOBAL | DEF_NONLOCAL) and scope.kind != "module" and node.simple:
                is_global = bool(flags & DEF_GLOBAL)
                keyword, code = ("global", GLOBAL_CODE) if is_global else ("nonlocal", NONLOCAL_CODE)
                message = f"annotated name '{target.id}' can't be {keyword}"
                self.findings.append(_Finding(code, message, node, target.id, -1, scope, False))
            if node.simple:
                scope.add(target.id, DEF_ANNOT | DEF_LOCAL)
            elif node.value is not None:
                scope.add(target.id, DEF_LOCAL)
        else:
            self._expr(target, scope)
        self._annotation(node.annotation, scope)
        self._expr(node.value, scope)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> None:
        scope.add(node.name, DEF_LOCAL)
        args = node.args
        for default in [*args.defaults, *args.kw_defaults]:
            self._expr(default, scope)
        for decorator in node.decorator_list:
            self._expr(decorator, scope)
        if not getattr(node, "type_params", None):  # generic: annotations live in their own scope
            for arg in _all_args(args):
                self._annotation(arg.annotation, scope)
            self._annotation(node.returns, scope)
        if self._declares(node):
            inner = self._enter("function", node, scope)
            for arg in _all_args(args):
                inner.add(arg.arg, DEF_PARAM)
            self._body(node.body, inner)

    def _class(self, node: ast.ClassDef, scope: _Scope) -> None:
        scope.add(node.name, DEF_LOCAL)
        if not getattr(node, "type_params", None):
            for base in [*node.bases, *node.keywords]:
                self._expr(base, scope)
        for decorator in node.decorator_list:
            self._expr(decorator, scope)
        if self._declares(node):
            self._body(node.body, self._enter("class", node, scope))

    def _annotation(self, node: ast.expr | None, scope: _Scope) -> None:
        if not self.deferred_annotations:
            self._expr(node, scope)

    # -- expressions ----------------------------------------------------------------

    def _expr(self, node: ast.AST | None, scope: _Scope) -> None:
        """Flags an expression (or pattern) sets in ``scope``; nested scopes set none here."""
        stack = [node] if node is not None else []
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Name):
                scope.add(current.id, USE if isinstance(current.ctx, ast.Load) else DEF_LOCAL)
                if current.id == "super" and scope.kind == "function" and isinstance(current.ctx, ast.Load):
                    scope.add("__class__", USE)  # CPython counts super() as a use of __class__
            elif isinstance(current, ast.Lambda):
                stack.extend(d for d in [*current.args.defaults, *current.args.kw_defaults] if d is not None)
            elif isinstance(current, _COMPREHENSIONS):
                stack.append(current.generators[0].iter)
                self._comprehension_walrus(current, scope)
            else:
                if isinstance(current, (ast.MatchAs, ast.MatchStar)) and current.name:
                    scope.add(current.name, DEF_LOCAL)
                elif isinstance(current, ast.MatchMapping) and current.rest:
                    scope.add(current.rest, DEF_LOCAL)
                stack.extend(ast.iter_child_nodes(current))

    def _comprehension_walrus(self, node: ast.expr, scope: _Scope) -> None:
        """An assignment expression in a comprehension binds in the enclosing function."""
        if scope.kind != "function":
            return  # module: an implicit global declaration; class: a syntax error
        first, *others = node.generators  # type: ignore[attr-defined]
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]  # type: ignore[attr-defined]
        stack: list[ast.AST] = [first.target, *first.ifs, *others, *results]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.NamedExpr) and isinstance(current.target, ast.Name):
                scope.add(current.target.id, DEF_LOCAL)
            if isinstance(current, ast.Lambda):  # its defaults are evaluated here, its body is not
                stack.extend(d for d in [*current.args.defaults, *current.args.kw_defaults] if d is not None)
            else:
                stack.extend(ast.iter_child_nodes(current))


def _all_args(args: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (args.vararg, args.kwarg) if a is not None]
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *extra]


def _has_future_annotations(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )


# -- fixing ---------------------------------------------------------------------------


@dataclass
class _Line:
    """A simple-statement line (or one-line suite) of the CST and the block that holds it."""

    node: cst.SimpleStatementLine | cst.SimpleStatementSuite
    block: cst.CSTNode  # IndentedBlock, Module, or the suite itself


class _CstIndex(CstVisitor):
    """Where each declaration of the CST sits: its line, its block, its scope."""

    def __init__(self, spans: Callable[[cst.CSTNode], tuple[int, int]]) -> None:
        self.spans = spans
        self.scopes: list[cst.CSTNode] = []
        self.blocks: list[cst.CSTNode] = []
        self.lines: list[_Line] = []
        self.declarations: dict[int, tuple[cst.Global | cst.Nonlocal, _Line, cst.CSTNode]] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self.scopes.append(node)
        self.blocks.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.blocks.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.lines.append(_Line(node, self.blocks[-1]))

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.lines.pop()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.lines.append(_Line(node, node))

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self.lines.pop()

    def visit_Global(self, node: cst.Global) -> None:
        self.declarations[self.spans(node)[0]] = (node, self.lines[-1], self.scopes[-1])

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declarations[self.spans(node)[0]] = (node, self.lines[-1], self.scopes[-1])


@dataclass
class _Late:
    """A late declaration: its statement and the names that stay (they can't be fixed)."""

    node: ast.Global | ast.Nonlocal
    staying: list[str]


class _Fixer:
    """Builds the hoisting edits of one scope."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.text = ctx.text
        self._index: _CstIndex | None = None

    @property
    def index(self) -> _CstIndex | None:
        """The declarations of the CST; None if LibCST can't parse what ``ast`` did."""
        if self._index is None:
            index = _CstIndex(self.ctx.cst_span)
            try:
                self.ctx.cst_module.visit(index)
            except cst.ParserSyntaxError:  # e.g. ``(x): int = 1``, which LibCST does not support
                return None
            self._index = index
        return self._index

    def edits(self, late: list[_Late]) -> list[Edit]:
        """Edits moving the names of the ``late`` declarations of a scope to its top.

        Both keywords of a scope are moved by the same fix, so that two fixes never empty
        one block between them. Returns no edits when the result would not parse.
        """
        index = self.index
        if index is None:
            return []
        found = [index.declarations.get(self.ctx.source.ast_span(entry.node)[0]) for entry in late]
        if not found or any(entry is None for entry in found):
            return []
        stays: dict[int, list[str]] = {}
        hoisted: dict[type[cst.CSTNode], list[str]] = {cst.Global: [], cst.Nonlocal: []}
        by_line: dict[int, tuple[_Line, list[cst.Global | cst.Nonlocal]]] = {}
        for entry, (node, line, _) in zip(late, found):  # type: ignore[misc]
            stays[id(node)] = entry.staying
            names = hoisted[type(node)]
            names.extend(n for n in entry.node.names if n not in entry.staying and n not in names)
            by_line.setdefault(id(line.node), (line, []))[1].append(node)
        top = self._top(found[0][2], hoisted)  # type: ignore[index]
        if top is None:
            return []
        edits = top
        removed_lines = self._removed_lines(by_line, stays)
        for line, declarations in by_line.values():
            edits.extend(self._line_edits(line, declarations, stays, removed_lines))
        return edits if self._parses(edits) else []

    # -- the top of the scope ---------------------------------------------------------

    def _top(self, scope: cst.CSTNode, hoisted: dict[type[cst.CSTNode], list[str]]) -> list[Edit] | None:
        """The edits that declare the hoisted names at the top of ``scope``."""
        slot = _top_slot(scope)
        if slot is None:
            return None
        line, small = slot
        edits: list[Edit] = []
        declarations: list[str] = []
        for kind, names in hoisted.items():
            if not names:
                continue
            if isinstance(small, kind):  # merge into the declaration already there
                present = {item.name.value for item in small.names}  # type: ignore[attr-defined]
                end = self.ctx.cst_span(small.names[-1].name)[1]  # type: ignore[attr-defined]
                edits.append(Edit(end, end, "".join(f", {n}" for n in names if n not in present)))
            else:
                keyword = "global" if kind is cst.Global else "nonlocal"
                declarations.append(f"{keyword} {', '.join(names)}")
        if not declarations:
            return [e for e in edits if e.content]
        if small is not None and (isinstance(line, cst.SimpleStatementSuite) or line.body[0] is not small):  # type: ignore[attr-defined]
            start = self.ctx.cst_span(small)[0]
            return [*edits, Edit(start, start, "".join(f"{d}; " for d in declarations))]
        first = line.decorators[0] if getattr(line, "decorators", None) else line  # type: ignore[attr-defined]
        start = self.ctx.cst_span(first)[0]
        line_start = start - (self.ctx.source.location(start)[1] - 1)
        indent = self.text[line_start:start]
        if indent.strip():
            return None  # the statement does not start its line (a backslash continuation)
        newline = self.ctx.source.newline
        return [*edits, Edit(line_start, line_start, "".join(f"{indent}{d}{newline}" for d in declarations))]

    # -- the late declarations --------------------------------------------------------

    def _removed_lines(
        self, by_line: dict[int, tuple[_Line, list[cst.Global | cst.Nonlocal]]], stays: dict[int, list[str]]
    ) -> set[int]:
        """Lines left without any statement; the last of a block that empties keeps a ``pass``."""
        emptied: dict[int, list[_Line]] = {}
        for line, declarations in by_line.values():
            gone = {id(d) for d in declarations if not stays[id(d)]}
            if all(id(small) in gone for small in line.node.body):
                emptied.setdefault(id(line.block), []).append(line)
        removed: set[int] = set()
        for lines in emptied.values():
            block = lines[0].block
            total = len(block.body) if isinstance(block, (cst.IndentedBlock, cst.Module)) else 1  # type: ignore[attr-defined]
            keep_pass = lines[-1] if len(lines) == total and not isinstance(block, cst.Module) else None
            removed.update(id(line.node) for line in lines if line is not keep_pass)
        return removed

    def _line_edits(
        self,
        line: _Line,
        declarations: list[cst.Global | cst.Nonlocal],
        stays: dict[int, list[str]],
        removed_lines: set[int],
    ) -> Iterator[Edit]:
        smalls = list(line.node.body)
        spans = [self.ctx.cst_span(small) for small in smalls]
        gone = {id(d) for d in declarations if not stays[id(d)]}
        for declaration in declarations:
            staying = stays[id(declaration)]
            if staying:
                first = self.ctx.cst_span(declaration.names[0].name)[0]
                last = self.ctx.cst_span(declaration.names[-1].name)[1]
                yield Edit(first, last, ", ".join(staying))
        kept = [i for i, small in enumerate(smalls) if id(small) not in gone]
        if not kept:
            if id(line.node) in removed_lines:
                yield self._delete_line(line.node, spans)
            else:
                yield Edit(spans[0][0], spans[-1][1], "pass")
            return
        last_kept = kept[-1]
        for i, small in enumerate(smalls):
            if id(small) in gone and i < last_kept:
                yield Edit(spans[i][0], spans[i + 1][0])
        if last_kept < len(smalls) - 1:
            yield Edit(spans[last_kept][1], spans[-1][1])

    def _delete_line(self, node: cst.CSTNode, spans: list[tuple[int, int]]) -> Edit:
        """Delete a whole line; a trailing comment stays in its place."""
        comment = node.trailing_whitespace.comment  # type: ignore[attr-defined]
        if comment is not None:
            return Edit(spans[0][0], self.ctx.cst_span(comment)[0])
        source = self.ctx.source
        first_row = source.location(spans[0][0])[0]
        last_row = source.location(spans[-1][1])[0]
        end = source.line_starts[last_row] if last_row < len(source.line_starts) else len(self.text)
        return Edit(source.line_starts[first_row - 1], end)

    def _parses(self, edits: list[Edit]) -> bool:
        try:
            ast.parse(apply_edits(self.text, edits))
        except (SyntaxError, ValueError):
            return False
        return True


def _top_slot(scope: cst.CSTNode) -> tuple[cst.CSTNode, cst.BaseSmallStatement | None] | None:
    """The first statement of a scope after its docstring (and ``__future__`` imports).

    Returns the statement line and, for a simple statement line, the small statement.
    """
    if isinstance(scope, cst.Module):
        lines: list[cst.CSTNode] = list(scope.body)
    else:
        body = scope.body  # type: ignore[attr-defined]
        lines = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    first = True
    for line in lines:
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return line, None
        for small in line.body:
            docstring = (
                first
                and isinstance(small, cst.Expr)
                and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
            )
            future = isinstance(scope, cst.Module) and _is_future_import(small)
            first = False
            if not docstring and not future:
                return line, small
    return None


def _is_future_import(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.ImportFrom)
        and isinstance(node.module, cst.Name)
        and node.module.value == "__future__"
        and not node.relative
    )


# -- the checker ------------------------------------------------------------------------


class GlobalAfterUse(Checker):
    """Declarations that come after the use of their names, which CPython refuses to compile."""

    rules = (
        RuleInfo(
            code=GLOBAL_CODE,
            name="global-after-use",
            summary="`global` after the name was used or assigned in the scope",
            doc=_rule_doc("global"),
            fix="safe / report",
            ruff_equivalent="PLE0118",
        ),
        RuleInfo(
            code=NONLOCAL_CODE,
            name="nonlocal-after-use",
            summary="the same for `nonlocal`",
            doc=_rule_doc("nonlocal"),
            fix="safe / report",
        ),
    )

    def needles(self) -> Collection[str]:
        return ("global", "nonlocal")

    def focus(self, ctx: FileContext) -> Collection[str]:
        """Only the scopes that declare something (kept whatever the identifiers)."""
        return ()

    @staticmethod
    def file_facts(tree: ast.Module, source: SourceFile) -> bool:
        """Whether the file has a finding: the index's parse answers it for most files, so
        that only the files with one are parsed again."""
        return bool(_findings(tree, source))

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        if not _DECLARATION.search(ctx.text) or not ctx.file_facts():
            return
        findings = _findings(ctx.ast_tree, ctx.source)
        if not findings:
            return
        fixer = _Fixer(ctx)
        fixes = _scope_fixes(findings, fixer)
        for finding in findings:
            fix = fixes.get(id(finding.scope)) if finding.fixable else None
            yield ctx.diagnostic(
                finding.code,
                finding.message,
                _name_span(ctx, finding),
                fix=fix,
                applicability=Applicability.SAFE if fix else None,
                fix_title=f"Move the `{_keyword(finding.code)}` declaration to the top of the scope" if fix else "",
            )


def _findings(tree: ast.Module, source: SourceFile) -> list[_Finding]:
    text = source.text
    if "global" not in text and "nonlocal" not in text:
        return []
    declared = sorted({source.location(match.end())[0] for match in _DECLARATION.finditer(text)})
    return _SymbolPass(tree, declared).findings if declared else []


def _keyword(code: str) -> str:
    return "global" if code == GLOBAL_CODE else "nonlocal"


def _scope_fixes(findings: list[_Finding], fixer: _Fixer) -> dict[int, Callable[[], list[Edit]]]:
    """One fix per scope, moving all its late declarations of the enabled codes at once."""
    late: dict[int, dict[int, ast.Global | ast.Nonlocal]] = {}
    unfixable: dict[int, set[str]] = {}
    for finding in findings:
        if finding.index < 0 or not fixer.ctx.enabled(finding.code):
            continue
        if not finding.fixable:
            unfixable.setdefault(id(finding.node), set()).add(finding.name)
        elif finding.code == GLOBAL_CODE or finding.scope.has_nonlocal_binding(finding.name):
            # (a ``nonlocal`` without a binding would only trade one error for another)
            late.setdefault(id(finding.scope), {})[id(finding.node)] = finding.node  # type: ignore[assignment]
    fixes: dict[int, Callable[[], list[Edit]]] = {}
    for scope, statements in late.items():
        entries = [
            _Late(node, [n for n in node.names if n in unfixable.get(id(node), ())]) for node in statements.values()
        ]
        fixes[scope] = _cached(partial(fixer.edits, entries))
    return fixes


def _cached(compute: Callable[[], list[Edit]]) -> Callable[[], list[Edit]]:
    """The edits of a scope are built once however many of its names are reported."""
    result: list[list[Edit]] = []

    def edits() -> list[Edit]:
        if not result:
            result.append(compute())
        return result[0]

    return edits


def _name_span(ctx: FileContext, finding: _Finding) -> tuple[int, int]:
    """The span of the reported name: inside the declaration, or the annotated target."""
    node = finding.node
    if finding.index < 0:
        return ctx.source.ast_span(node.target)  # type: ignore[attr-defined]
    start, end = ctx.source.ast_span(node)
    keyword_end = start + len(_keyword(finding.code))
    names = list(_IDENTIFIER.finditer(ctx.text, keyword_end, end))
    if finding.index < len(names):
        match = names[finding.index]
        return match.start(), match.end()
    return start, end
