"""The symbol-table replay that finds late ``global`` / ``nonlocal`` declarations.

It replays the part of CPython's symtable pass that decides these errors, with the stdlib
``ast`` and in the order CPython visits a scope (which is not always source order: a
``try`` statement's ``else`` is visited before its ``except`` clauses), so the findings
agree with ``compile()`` and include every error, not only the first.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ...source import SourceFile
from .nl301_global import CODE as GLOBAL_CODE
from .nl302_nonlocal import CODE as NONLOCAL_CODE

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
DECLARATION = re.compile(r"(?:^|[;:\r])[ \t\f]*(?:global|nonlocal)\b", re.MULTILINE)

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


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
class Finding:
    """One name CPython's symbol table rejects, and where it stands."""

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
        self.findings: list[Finding] = []
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
                self.findings.append(Finding(code, message, node, name, index, scope, fixable))
            scope.add(name, DEF_GLOBAL if is_global else DEF_NONLOCAL)

    def _annotated(self, node: ast.AnnAssign, scope: _Scope) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            flags = scope.flags.get(target.id, 0)
            if flags & (DEF_GLOBAL | DEF_NONLOCAL) and scope.kind != "module" and node.simple:
                is_global = bool(flags & DEF_GLOBAL)
                keyword, code = ("global", GLOBAL_CODE) if is_global else ("nonlocal", NONLOCAL_CODE)
                message = f"annotated name '{target.id}' can't be {keyword}"
                self.findings.append(Finding(code, message, node, target.id, -1, scope, False))
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


def findings(tree: ast.Module, source: SourceFile) -> list[Finding]:
    """Every error of the file that CPython reports only the first of."""
    text = source.text
    if "global" not in text and "nonlocal" not in text:
        return []
    declared = sorted({source.location(match.end())[0] for match in DECLARATION.finditer(text)})
    return _SymbolPass(tree, declared).findings if declared else []
