"""NL401's facts about one file, gathered in the index's parse of it: the scopes with what
binds their names, the attribute reads whose receiver may have a type, and the assignments
of the attributes they read; all as plain data (expressions as terms, annotations as their
text, read by the semantic layer's ``declared_type``)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ...index import child_fields, dotted_name, expects_error
from ...semantics.instances import looks_mocked
from ...semantics.scopes import method_receiver
from ...source import SourceFile
from .classes import _CLASS, _INSTANCE
from .terms import _LAMBDA, _annotation_names, _annotation_text, _call_shape, _names_in, _same_key, _term

#: A binding as facts: ``(kind, payload, scope its expression is evaluated in, stars)``,
#: ``stars`` the positions, among the module's star imports, of those written after it that
#: may replace it. Kinds and payloads: "import" (module), "from" ((level, module, name)),
#: "class" (its path in the module), "def", "self" ((class path, _CLASS or _INSTANCE)),
#: "annotation" (its text), "value" and "mocked" (the value's term; "mocked": a stand-in
#: such as ``Mock()``, told apart only where the scope also annotates the name: the only
#: place it matters), "unknown".
BindingFact = tuple[str, Any, int, tuple[int, ...]]


@dataclass(eq=False)
class _Scope:
    """A module, class, function, lambda or comprehension scope and what binds its names.

    An entry of ``bindings`` is a ``BindingFact``; while collecting, a ``value``/``annotation``
    payload is the ``ast`` node and ``stars`` how many star imports came before (None: a
    plain ``import x``, which survives them)."""

    kind: str
    parent: _Scope | None
    number: int = 0
    #: For a class scope, its qualified path in the module (``Outer.Inner``); "" elsewhere.
    path: str = ""
    bindings: dict[str, Any] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    narrowed: set[str] = field(default_factory=set)
    #: The module's star imports, ``(level, module)``; module scope only.
    stars: list[tuple[int, str | None]] = field(default_factory=list)

    def bind(
        self, name: str, kind: str, payload: Any = None, where: _Scope | None = None, survives_stars: bool = False
    ) -> None:
        before = None if survives_stars or self.kind != "module" else len(self.stars)
        self.bindings.setdefault(name, []).append((kind, payload, (where or self).number, before))

    def lookup(self, name: str) -> tuple[_Scope, Any] | None:
        """The scope that binds ``name`` as seen from here (class scopes are skipped, except
        this one) and its bindings; None when unbound."""
        current: _Scope | None = self
        while current is not None:
            if (current is self or current.kind != "class") and name in current.bindings:
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


class _Store(NamedTuple):
    """An assignment (or deletion) of an attribute, from a file's facts."""

    key: str  # equal for equal receivers (see ``_same_key``)
    receiver: Any  # the term of ``x`` in ``x.name = value``
    scope: int
    value: Any  # the value's term, ``_LAMBDA`` for a lambda, () when unknown or deleted
    mocked: bool  # the value is a stand-in (``Mock()``)


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
#: Text without these has no attribute, call, lambda, comprehension or walrus in it.
_ACTIVE_MARKERS = (".", "(", "lambda", "for", ":=")
_ATTRIBUTE_ERROR = ("AttributeError",)
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
        handlers = _STATEMENTS
        for node in statements:
            handler = handlers.get(type(node))
            if handler is None:
                self.other_statement(node, scope, guarded)
            else:
                handler(self, node, scope, guarded)

    def class_def(self, node: ast.ClassDef, scope: _Scope, guarded: bool) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.expr(expr, scope, guarded)
        path = f"{scope.path}.{node.name}" if scope.kind == "class" else node.name
        inner = self.scope("class", scope, path if scope.kind in ("module", "class") else "")
        self.body(node.body, inner, guarded)
        scope.bind(node.name, "class", inner.path)

    def assign(self, node: ast.Assign, scope: _Scope, guarded: bool) -> None:
        self.expr(node.value, scope, guarded)
        for target in node.targets:
            self.target(target, scope, guarded, node.value if isinstance(target, (ast.Name, ast.Attribute)) else None)

    def annotated_assign(self, node: ast.AnnAssign, scope: _Scope, guarded: bool) -> None:
        if node.value is not None:
            self.expr(node.value, scope, guarded)
        self.expr(node.annotation, scope, guarded)
        if isinstance(node.target, ast.Name):
            scope.bind(node.target.id, "annotation", node.annotation)
            if node.value is not None:
                scope.bind(node.target.id, "value", node.value)
        else:
            self.target(node.target, scope, guarded, node.value)

    def augmented_assign(self, node: ast.AugAssign, scope: _Scope, guarded: bool) -> None:
        self.expr(node.value, scope, guarded)
        self.target(node.target, scope, guarded, None)

    def for_(self, node: ast.For | ast.AsyncFor, scope: _Scope, guarded: bool) -> None:
        self.expr(node.iter, scope, guarded)
        self.target(node.target, scope, guarded, None)
        self.body(node.body + node.orelse, scope, guarded)

    def with_(self, node: ast.With | ast.AsyncWith, scope: _Scope, guarded: bool) -> None:
        for item in node.items:
            self.expr(item.context_expr, scope, guarded)
            if item.optional_vars is not None:
                self.target(item.optional_vars, scope, guarded, None)
        expected = any(expects_error(item.context_expr, _ATTRIBUTE_ERROR) for item in node.items)
        self.body(node.body, scope, guarded or expected)

    def try_(self, node: Any, scope: _Scope, guarded: bool) -> None:
        """``try`` and ``try``/``except*``."""
        catches = guarded or any(_catches_attribute_error(h) for h in node.handlers)
        self.body(node.body, scope, catches)
        for handler in node.handlers:
            if handler.type is not None:
                self.expr(handler.type, scope, guarded)
            if handler.name:
                scope.bind(handler.name, "unknown")
            self.body(handler.body, scope, guarded)
        self.body(node.orelse + node.finalbody, scope, guarded)

    def import_(self, node: ast.Import, scope: _Scope, guarded: bool) -> None:
        for alias in node.names:
            if alias.asname:
                scope.bind(alias.asname, "import", alias.name)
            else:
                top = alias.name.split(".")[0]
                scope.bind(top, "import", top, survives_stars=True)

    def import_from(self, node: ast.ImportFrom, scope: _Scope, guarded: bool) -> None:
        for alias in node.names:
            if alias.name == "*":
                scope.stars.append((node.level, node.module))
            else:
                scope.bind(alias.asname or alias.name, "from", (node.level, node.module, alias.name))

    def global_(self, node: ast.Global, scope: _Scope, guarded: bool) -> None:
        scope.globals.update(node.names)

    def nonlocal_(self, node: ast.Nonlocal, scope: _Scope, guarded: bool) -> None:
        scope.nonlocals.update(node.names)

    def delete(self, node: ast.Delete, scope: _Scope, guarded: bool) -> None:
        for target in node.targets:
            self.target(target, scope, guarded, None)

    def match(self, node: ast.Match, scope: _Scope, guarded: bool) -> None:
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

    def conditional(self, node: ast.If | ast.While, scope: _Scope, guarded: bool) -> None:
        self.expr(node.test, scope, guarded)
        self.body(node.body + node.orelse, scope, guarded)

    def value_statement(self, node: ast.Expr | ast.Return, scope: _Scope, guarded: bool) -> None:
        """An expression statement or ``return``: its one expression, if any."""
        if node.value is not None:
            self.expr(node.value, scope, guarded)

    def no_operand(self, node: ast.stmt, scope: _Scope, guarded: bool) -> None:
        """``pass``, ``break``, ``continue``: nothing to walk."""

    def other_statement(self, node: ast.stmt, scope: _Scope, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, scope, guarded)
            elif isinstance(child, ast.stmt):
                self.body((child,), scope, guarded)

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
        if type(node) is ast.Name or type(node) is ast.Constant:  # a third of the calls
            return
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
        known: dict[tuple[str, int], bool] = {}
        kept = [
            (node, scope, call)
            for node, scope, call in self.accesses
            if not node.attr.startswith("__")
            and node.attr not in self.tested
            and _may_have_type(node.value, scope, known)
        ]
        read = {node.attr for node, _, _ in kept}
        stores = {
            name: tuple(
                (
                    _same_key(receiver),
                    _term(receiver),
                    scope.number,
                    _LAMBDA if isinstance(value, ast.Lambda) else _term(value) if value is not None else (),
                    type(value) is ast.Call and looks_mocked(value),
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
            [a[0] for a in accesses] + [t for found in stores.values() for _, r, _, v, _ in found for t in (r, v)]
        )
        scopes = tuple(
            (
                scope.kind,
                scope.parent.number if scope.parent is not None else -1,
                scope.path,
                tuple(scope.stars),
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
        stars = len(self.module.stars)
        pending = [name for term in dict.fromkeys(terms) for name in _names_in(term)]  # most terms repeat
        while pending:
            name = pending.pop()
            if name in reached or name not in where_bound:
                continue
            per_scope = reached[name] = {}
            for scope in where_bound[name]:
                evidence = []
                found = scope.bindings[name]
                annotated = None  # whether the scope annotates the name: only then does a mock matter
                for kind, payload, where, before in found:
                    if kind == "annotation":
                        pending.extend(_annotation_names(payload))
                        payload = _annotation_text(payload, self.source)
                    elif kind == "value":
                        if type(payload) is ast.Call:
                            if annotated is None:
                                annotated = any(binding[0] == "annotation" for binding in found)
                            if annotated and looks_mocked(payload):
                                kind = "mocked"
                        payload = _term(payload)
                        pending.extend(_names_in(payload))
                    after = tuple(range(before, stars)) if before is not None and before < stars else ()
                    evidence.append((kind, payload, where, after))
                per_scope[scope.number] = tuple(evidence)
        return reached


#: How ``_Collector.body`` walks a statement, by node type (the rest: ``other_statement``).
#: A table instead of a chain of ``isinstance`` tests: expression statements, the commonest,
#: came last in the chain (see ``body``).
_STATEMENTS: dict[type[ast.AST], Any] = {
    ast.Expr: _Collector.value_statement,
    ast.Assign: _Collector.assign,
    ast.Return: _Collector.value_statement,
    ast.If: _Collector.conditional,
    ast.FunctionDef: _Collector.function,
    ast.AsyncFunctionDef: _Collector.function,
    ast.ClassDef: _Collector.class_def,
    ast.ImportFrom: _Collector.import_from,
    ast.Import: _Collector.import_,
    ast.AnnAssign: _Collector.annotated_assign,
    ast.AugAssign: _Collector.augmented_assign,
    ast.For: _Collector.for_,
    ast.AsyncFor: _Collector.for_,
    ast.With: _Collector.with_,
    ast.AsyncWith: _Collector.with_,
    ast.Try: _Collector.try_,
    ast.While: _Collector.conditional,
    ast.Global: _Collector.global_,
    ast.Nonlocal: _Collector.nonlocal_,
    ast.Delete: _Collector.delete,
    ast.Match: _Collector.match,
    ast.Pass: _Collector.no_operand,
    ast.Break: _Collector.no_operand,
    ast.Continue: _Collector.no_operand,
}
if hasattr(ast, "TryStar"):  # Python 3.11
    _STATEMENTS[ast.TryStar] = _Collector.try_


def _may_have_type(node: ast.expr, scope: _Scope, known: dict[tuple[str, int], bool]) -> bool:
    """False when inference can't type ``node`` whatever the index says: its root is no
    name, or a name that is unbound or bound to something unknown without an annotation.
    (Most reads are of such receivers; the facts leave them out.) ``known`` keeps the
    answer for a name in a scope: most reads share their root with others."""
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
    key = (node.id, scope.number)  # type: ignore[attr-defined]
    answer = known.get(key)
    if answer is None:
        found = scope.lookup(node.id)  # type: ignore[attr-defined]
        evidence = found[1] if found is not None else ()
        answer = known[key] = found is not None and (
            any(e[0] == "annotation" for e in evidence) or all(e[0] != "unknown" for e in evidence)
        )
    return answer


def collect_facts(tree: ast.Module, source: SourceFile) -> tuple[Any, ...]:
    """NL401's facts about one file (see ``Checker.file_facts``)."""
    collector = _Collector(source)
    collector.run(tree)
    return collector.facts()


def _scopes_from(facts: tuple[Any, ...]) -> list[_Scope]:
    """The scopes of the facts, each ``narrowed`` holding its enclosing scopes' too."""
    scopes: list[_Scope] = []
    for number, (kind, parent, path, stars, narrowed, bindings) in enumerate(facts):
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
                stars=list(stars),
            )
        )
    return scopes


def _receiver_kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """What the first parameter of a method is, as the semantic model says: an instance,
    the class, or nothing."""
    is_class = method_receiver(node)
    return None if is_class is None else _CLASS if is_class else _INSTANCE


def _catches_attribute_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted_name(t) or "").rpartition(".")[2] == "AttributeError" for t in types)
