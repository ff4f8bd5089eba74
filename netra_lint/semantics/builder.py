"""The one walk that builds a file's semantic model: scopes, bindings, reads, attribute
stores and the calls given strings.

Iterative (a deep expression must not exhaust the stack) and tuned: most nodes are names,
constants, attributes and calls, handled first on a local stack.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from .names import absolute_module, dotted_name
from .scopes import (
    ANNOTATED,
    ASSIGNMENT,
    AUGMENTED,
    CLASS,
    CLASS_DEF,
    COMPREHENSION,
    DEFINITION,
    EXCEPT,
    FROM_IMPORT,
    FUNCTION,
    IMPORT,
    LAMBDA,
    LOOP,
    MODULE,
    OTHER,
    PARAMETER,
    WALRUS,
    WITH,
    AttributeStore,
    Position,
    Scope,
    child_fields,
    end_of,
    made_binding,
    method_receiver,
    start_of,
)

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
#: Parameters and comprehension targets are bound before anything in their scope runs.
_START: Position = (0, 0)


class _Item(NamedTuple):
    """A node waiting to be walked, with the scope it is evaluated in."""

    node: ast.AST
    scope: Scope
    annotation: bool = False  # inside an annotation: strings are forward references
    string: ast.Constant | None = None  # inside the forward reference parsed from this string


#: ``_item((node, scope, annotation, string))``: an ``_Item`` made without the Python-level
#: ``__new__`` of a NamedTuple (the walk makes one for most statements and expressions).
_item = partial(tuple.__new__, _Item)


def enclosing_function(scope: Scope) -> Scope | None:
    """The nearest function (or lambda) scope around ``scope``: where ``nonlocal`` binds."""
    current = scope.parent
    while current is not None and current.kind not in (FUNCTION, LAMBDA):
        current = current.parent
    return current


class Builder:
    """The one walk over a parsed file (``run``), and what it finds."""

    def __init__(self, tree: ast.Module, module: str | None, is_package: bool) -> None:
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.module_scope = Scope(MODULE, None, tree)
        self.scopes: list[Scope] = [self.module_scope]
        self.scope_of_name: dict[ast.Name, Scope] = {}
        self.scope_of_node: dict[ast.AST, Scope] = {tree: self.module_scope}
        self.forward_references: dict[ast.Constant, ast.expr] = {}
        self.string_of: dict[ast.Name, ast.Constant] = {}
        self.attribute_stores: list[AttributeStore] = []
        self.string_calls: list[ast.Call] = []
        #: Calls and subscripts outside annotations whose strings may be types (see
        #: ``type_strings``); the model keeps those of ``typing``'s helpers.
        self.type_string_candidates: list[_Item] = []
        self.stack: list[_Item] = []

    def run(self) -> Builder:
        self.push_body(self.tree.body, self.module_scope)
        return self.drain()

    def drain(self) -> Builder:
        """Walk what is on the stack (the file, then the strings ``type_strings`` parses)."""
        stack = self.stack
        pop, expression, statements, reads = stack.pop, self.expression, _STATEMENTS, self.scope_of_name
        expr_type, name_type, constant_type, load_type = ast.expr, ast.Name, ast.Constant, ast.Load
        while stack:
            item = pop()
            node: Any = item[0]
            kind = type(node)
            if kind is name_type:  # a lone name or constant (a third of the expressions) as ``expression`` does
                if type(node.ctx) is load_type:
                    reads[node] = item[1]
                    if item[3] is not None:
                        self.string_of[node] = item[3]
            elif kind is constant_type:
                if item[2] and type(node.value) is str:
                    self.forward_reference(node, item[1])
            else:
                handler = statements.get(kind)
                if handler is not None:
                    handler(self, node, item[1])
                elif isinstance(node, expr_type):
                    expression(item)
                else:
                    self.push_children(item)
        return self

    # -- helpers ---------------------------------------------------------------------------

    def push(self, node: ast.AST | None, scope: Scope, annotation: bool = False) -> None:
        if node is not None:
            self.stack.append(_item((node, scope, annotation, None)))

    def push_body(self, body: list[ast.stmt], scope: Scope) -> None:
        self.stack.extend([_item((stmt, scope, False, None)) for stmt in reversed(body)])

    def push_children(self, item: _Item) -> None:
        node, scope, annotation, string = item
        stack = self.stack
        for name in reversed(child_fields(type(node))):
            child = getattr(node, name, None)
            if isinstance(child, ast.AST):
                stack.append(_item((child, scope, annotation, string)))
            elif isinstance(child, list):
                stack.extend([_item((c, scope, annotation, string)) for c in reversed(child) if isinstance(c, ast.AST)])

    def open_scope(self, kind: str, parent: Scope, node: ast.AST, path: str = "") -> Scope:
        scope = Scope(kind, parent, node, len(self.scopes), path)
        self.scopes.append(scope)
        self.scope_of_node[node] = scope
        return scope

    def bind(
        self,
        name: str,
        kind: str,
        node: ast.AST,
        scope: Scope,
        effective: Position,
        value: ast.expr | None = None,
        annotation: ast.expr | None = None,
        target: str | None = None,
        unpacked: tuple[int, ...] = (),
        is_async: bool = False,
    ) -> None:
        """Bind ``name`` where Python binds it, taking effect at ``effective``."""
        owner = scope
        if name in scope.declared_global:
            owner = self.module_scope
        elif name in scope.declared_nonlocal:
            owner = enclosing_function(scope) or scope
        binding = made_binding(name, kind, node, owner.number, value, annotation, target, unpacked, is_async, effective)
        found = owner.bindings.get(name)
        if found is None:
            owner.bindings[name] = [binding]
        else:
            found.append(binding)

    def qualified_definition(self, scope: Scope, name: str) -> str | None:
        module = self.module
        if not module:
            return None
        if scope.kind == MODULE:
            return f"{module}.{name}"
        if scope.kind == CLASS and scope.path:
            return f"{module}.{scope.path}.{name}"
        return None

    # -- statements --------------------------------------------------------------------------

    def import_(self, node: ast.Import, scope: Scope) -> None:
        for alias in node.names:
            if alias.asname:
                self.bind(alias.asname, IMPORT, alias, scope, end_of(node), target=alias.name)
            else:
                top = alias.name.partition(".")[0]
                self.bind(top, IMPORT, alias, scope, end_of(node), target=top)

    def import_from(self, node: ast.ImportFrom, scope: Scope) -> None:
        source = absolute_module(self.module, self.is_package, node.level, node.module)
        for alias in node.names:
            if alias.name == "*":
                self.module_scope.stars.append(node)
            else:
                imported = f"{source}.{alias.name}" if source else None
                self.bind(alias.asname or alias.name, FROM_IMPORT, alias, scope, end_of(node), target=imported)

    def assign(self, node: ast.Assign, scope: Scope) -> None:
        self.push(node.value, scope)
        for target in node.targets:
            self.target(target, scope, ASSIGNMENT, node.value, end_of(node))

    def annotated_assign(self, node: ast.AnnAssign, scope: Scope) -> None:
        self.push(node.value, scope)
        self.push(node.annotation, scope, annotation=True)
        if isinstance(node.target, ast.Name):
            self.bind(
                node.target.id,
                ANNOTATED,
                node.target,
                scope,
                end_of(node),
                value=node.value,
                annotation=node.annotation,
            )
        else:
            self.target(node.target, scope, ANNOTATED, node.value, end_of(node), annotation=node.annotation)

    def augmented_assign(self, node: ast.AugAssign, scope: Scope) -> None:
        self.push(node.value, scope)
        self.target(node.target, scope, AUGMENTED, None, end_of(node))

    def for_(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        scope.loops.append((start_of(node.body[0]), end_of(node)))  # the iterable runs once
        self.push_body(node.orelse, scope)
        self.push_body(node.body, scope)
        is_async = isinstance(node, ast.AsyncFor)
        self.target(node.target, scope, LOOP, node.iter, end_of(node.iter), is_async=is_async)
        self.push(node.iter, scope)

    def while_(self, node: ast.While, scope: Scope) -> None:
        scope.loops.append((start_of(node), end_of(node)))
        self.push_children(_item((node, scope, False, None)))

    def with_(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        self.push_body(node.body, scope)
        for item in reversed(node.items):
            if item.optional_vars is not None:
                kind_async = isinstance(node, ast.AsyncWith)
                effective = end_of(item.context_expr)
                self.target(item.optional_vars, scope, WITH, item.context_expr, effective, is_async=kind_async)
            self.push(item.context_expr, scope)

    def try_(self, node: Any, scope: Scope) -> None:
        """``try`` and ``try``/``except*``."""
        for block in (node.finalbody, node.orelse):
            self.push_body(block, scope)
        for handler in reversed(node.handlers):
            self.push_body(handler.body, scope)
            if handler.name:
                effective = end_of(handler.type) if handler.type is not None else start_of(handler)
                self.bind(handler.name, EXCEPT, handler, scope, effective, value=handler.type)
            self.push(handler.type, scope)
        self.push_body(node.body, scope)

    def global_(self, node: ast.Global, scope: Scope) -> None:
        scope.declared_global.update(node.names)

    def nonlocal_(self, node: ast.Nonlocal, scope: Scope) -> None:
        scope.declared_nonlocal.update(node.names)

    def type_alias(self, node: Any, scope: Scope) -> None:
        """Python 3.12: ``type X = ...``."""
        self.bind(node.name.id, OTHER, node.name, scope, end_of(node))
        self.push(node.value, scope, annotation=True)

    def if_(self, node: ast.If, scope: Scope) -> None:
        self.push_body(node.orelse, scope)
        self.push_body(node.body, scope)
        self.stack.append(_item((node.test, scope, False, None)))

    def value_statement(self, node: ast.Expr | ast.Return, scope: Scope) -> None:
        """An expression statement or ``return``: its one expression (if any)."""
        if node.value is not None:
            self.stack.append(_item((node.value, scope, False, None)))

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        args = node.args
        inner = self.open_scope(FUNCTION, scope, node)
        self.push_body(node.body, inner)
        self.parameters(args, inner, scope)
        self.push(node.returns, scope, annotation=True)
        for expr in [*node.decorator_list, *args.defaults, *args.kw_defaults]:
            self.push(expr, scope)
        if scope.kind == CLASS:
            self.method_receiver(node, inner, scope)
        target = self.qualified_definition(scope, node.name)
        self.bind(node.name, DEFINITION, node, scope, end_of(node), target=target)

    def method_receiver(self, node: ast.FunctionDef | ast.AsyncFunctionDef, inner: Scope, owner: Scope) -> None:
        inner.owner = owner
        is_class = method_receiver(node)
        positional = [*node.args.posonlyargs, *node.args.args]
        if positional and is_class is not None:
            inner.receiver = positional[0].arg
            inner.receiver_is_class = is_class

    def parameters(self, args: ast.arguments, inner: Scope, outer: Scope) -> None:
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            self.bind(arg.arg, PARAMETER, arg, inner, _START, annotation=arg.annotation)
            self.push(arg.annotation, outer, annotation=True)
        for rest in (args.vararg, args.kwarg):
            if rest is not None:
                self.bind(rest.arg, OTHER, rest, inner, _START, annotation=rest.annotation)
                self.push(rest.annotation, outer, annotation=True)

    def class_def(self, node: ast.ClassDef, scope: Scope) -> None:
        if scope.kind == MODULE:
            path = node.name
        elif scope.kind == CLASS and scope.path:
            path = f"{scope.path}.{node.name}"
        else:
            path = ""
        inner = self.open_scope(CLASS, scope, node, path)
        self.push_body(node.body, inner)
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.push(expr, scope)
        target = self.qualified_definition(scope, node.name)
        self.bind(node.name, CLASS_DEF, node, scope, end_of(node), target=target)

    def match(self, node: ast.Match, scope: Scope) -> None:
        for case in reversed(node.cases):
            self.push_body(case.body, scope)
            self.push(case.guard, scope)
            for pattern in ast.walk(case.pattern):
                for name in (getattr(pattern, "name", None), getattr(pattern, "rest", None)):
                    if isinstance(name, str):
                        self.bind(name, OTHER, pattern, scope, end_of(case.pattern))
                if isinstance(pattern, ast.MatchValue):
                    self.push(pattern.value, scope)
                elif isinstance(pattern, ast.MatchClass):
                    self.push(pattern.cls, scope)
                elif isinstance(pattern, ast.MatchMapping):
                    for key in pattern.keys:
                        self.push(key, scope)
        self.push(node.subject, scope)

    def target(
        self,
        node: ast.expr,
        scope: Scope,
        kind: str,
        value: ast.expr | None,
        effective: Position,
        unpacked: tuple[int, ...] = (),
        annotation: ast.expr | None = None,
        is_async: bool = False,
    ) -> None:
        """Bind the names of an assignment-like target; record attribute stores; walk the
        expressions a target reads (``a[i] = ...`` reads ``a`` and ``i``)."""
        if isinstance(node, ast.Name):
            self.bind(node.id, kind, node, scope, effective, value=value, unpacked=unpacked, is_async=is_async)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for position, element in enumerate(node.elts):
                self.target(element, scope, kind, value, effective, (*unpacked, position), is_async=is_async)
        elif isinstance(node, ast.Starred):
            self.target(node.value, scope, OTHER, None, effective)
        elif isinstance(node, ast.Attribute):
            store_kind = kind if not unpacked else OTHER
            direct_value = value if not unpacked and kind in (ASSIGNMENT, ANNOTATED) else None
            self.attribute_stores.append(AttributeStore(node, scope, store_kind, direct_value, annotation))
            self.push(node.value, scope)
        else:
            self.push(node, scope)

    # -- expressions -------------------------------------------------------------------------

    def expression(self, item: _Item) -> None:
        """Walk an expression that runs in one scope. The hottest loop of the model: plain
        nodes stay on a local stack, the commonest kinds tried first and their children
        taken by name; only what opens a scope, or an annotation's parts that are no longer
        annotations, goes back to the builder's stack."""
        root, scope, annotation, string = item
        reads, strings = self.scope_of_name, self.string_of
        name_type, attribute_type, constant_type, call_type, load_type = (
            ast.Name,
            ast.Attribute,
            ast.Constant,
            ast.Call,
            ast.Load,
        )
        subscript_type, tuple_type, list_type = ast.Subscript, ast.Tuple, ast.List
        stack: list[Any] = [root]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            node = pop()
            kind = type(node)
            if kind is name_type:
                if type(node.ctx) is load_type:
                    reads[node] = scope
                    if string is not None:
                        strings[node] = string
            elif kind is attribute_type:
                push(node.value)
            elif kind is constant_type:
                if annotation and type(node.value) is str:
                    self.forward_reference(node, scope)
            elif kind is call_type:
                self.call(node, scope, annotation, string, push, extend)
            elif kind is tuple_type or kind is list_type or kind is ast.Set:
                extend(node.elts)
            elif kind is subscript_type:
                if annotation:
                    if _is_literal(node.value):
                        push(node.value)
                        self.stack.append(_item((node.slice, scope, False, string)))
                        continue
                elif string is None and _string_slice(node):
                    self.type_string_candidates.append(_item((node, scope, False, None)))
                push(node.value)
                push(node.slice)
            elif node is None:  # the key of ``**mapping`` in a dict display, a missing part
                continue
            elif kind is ast.BinOp:
                push(node.left)
                push(node.right)
            elif kind is ast.Compare:
                push(node.left)
                extend(node.comparators)
            elif kind is ast.BoolOp or kind is ast.JoinedStr:
                extend(node.values)
            elif kind is ast.Dict:
                extend(node.keys)
                extend(node.values)
            elif kind is ast.UnaryOp:
                push(node.operand)
            elif kind is ast.Starred or kind is ast.Await:
                push(node.value)
            elif kind is ast.Lambda:
                self.lambda_(node, scope)
            elif kind in COMPREHENSIONS:
                self.comprehension(node, scope)
            elif kind is ast.NamedExpr:
                owner = scope
                while owner.kind == COMPREHENSION and owner.parent is not None:
                    owner = owner.parent
                self.bind(node.target.id, WALRUS, node.target, owner, end_of(node), value=node.value)
                push(node.value)
            else:
                for name in child_fields(kind):
                    child = getattr(node, name, None)
                    if isinstance(child, ast.AST):
                        push(child)
                    elif isinstance(child, list):
                        extend(child)

    def call(
        self,
        node: ast.Call,
        scope: Scope,
        annotation: bool,
        string: ast.Constant | None,
        push: Callable[[Any], None],
        extend: Callable[[list[Any]], None],
    ) -> None:
        """A call met by ``expression`` (whose local stack ``push`` and ``extend`` fill):
        noted when given a string, its parts walked as values."""
        args, keywords = node.args, node.keywords
        values = [k.value for k in keywords] if keywords else []
        constant_type = ast.Constant
        for argument in args:
            if type(argument) is constant_type and type(argument.value) is str:  # type: ignore[attr-defined]
                break
        else:
            for argument in values:
                if type(argument) is constant_type and type(argument.value) is str:  # type: ignore[attr-defined]
                    break
            else:
                argument = None
        if argument is not None:
            self.string_calls.append(node)
            if not annotation and string is None and _may_take_types(node.func):
                self.type_string_candidates.append(_item((node, scope, False, None)))
        if annotation:  # a call's parts are values, even inside an annotation
            self.stack.extend([_item((child, scope, False, string)) for child in [node.func, *args, *values]])
        else:
            push(node.func)
            extend(args)
            if values:
                extend(values)

    def forward_reference(self, node: ast.Constant, scope: Scope) -> None:
        text = str(node.value).strip()
        if not text:
            return
        try:
            parsed = ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        self.forward_references[node] = parsed
        self.stack.append(_item((parsed, scope, True, node)))

    def type_strings(self, item: _Item) -> None:
        """Parse as forward references the strings type checkers read as types in a call
        of ``typing.cast`` (its type), ``TypeVar`` or ``NewType`` (what follows the name),
        or in a subscript of a ``typing`` name outside an annotation (``Ref = Optional["C"]``);
        ``drain`` walks them."""
        node = item.node
        if isinstance(node, ast.Call):
            arguments = node.args[:1] if _spelled(node.func) == "cast" else node.args[1:]
            strings = [*arguments, *(k.value for k in node.keywords if _spelled(node.func) != "cast")]
        else:
            assert isinstance(node, ast.Subscript)
            strings = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for string in strings:
            if isinstance(string, ast.Constant) and isinstance(string.value, str):
                self.forward_reference(string, item.scope)

    def lambda_(self, node: ast.Lambda, scope: Scope) -> None:
        inner = self.open_scope(LAMBDA, scope, node)
        self.push(node.body, inner)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            self.bind(arg.arg, PARAMETER, arg, inner, _START)
        for rest in (args.vararg, args.kwarg):
            if rest is not None:
                self.bind(rest.arg, OTHER, rest, inner, _START)
        for expr in [*args.defaults, *args.kw_defaults]:
            self.push(expr, scope)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, scope: Scope) -> None:
        inner = self.open_scope(COMPREHENSION, scope, node)
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for result in reversed(results):
            self.push(result, inner)
        for position in reversed(range(len(node.generators))):
            generator = node.generators[position]
            for condition in reversed(generator.ifs):
                self.push(condition, inner)
            is_async = bool(generator.is_async)
            self.target(generator.target, inner, LOOP, generator.iter, _START, is_async=is_async)
            self.push(generator.iter, scope if position == 0 else inner)


#: The statements walked otherwise than by their child fields, by node type.
_STATEMENTS: dict[type[ast.AST], Any] = {
    ast.FunctionDef: Builder.function,
    ast.AsyncFunctionDef: Builder.function,
    ast.ClassDef: Builder.class_def,
    ast.Import: Builder.import_,
    ast.ImportFrom: Builder.import_from,
    ast.Assign: Builder.assign,
    ast.AnnAssign: Builder.annotated_assign,
    ast.AugAssign: Builder.augmented_assign,
    ast.For: Builder.for_,
    ast.AsyncFor: Builder.for_,
    ast.While: Builder.while_,
    ast.With: Builder.with_,
    ast.AsyncWith: Builder.with_,
    ast.Try: Builder.try_,
    ast.Global: Builder.global_,
    ast.Nonlocal: Builder.nonlocal_,
    ast.Match: Builder.match,
    ast.If: Builder.if_,
    ast.Expr: Builder.value_statement,
    ast.Return: Builder.value_statement,
}
for _name, _handler in (("TryStar", Builder.try_), ("TypeAlias", Builder.type_alias)):  # Python 3.11, 3.12
    if hasattr(ast, _name):
        _STATEMENTS[getattr(ast, _name)] = _handler

#: The last name of the callables whose string arguments may be types.
TYPE_TAKERS = frozenset({"cast", "TypeVar", "NewType"})


def _spelled(node: ast.expr) -> str:
    """The last name of a Name or attribute chain (``typing.cast`` → ``cast``)."""
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _may_take_types(func: ast.expr) -> bool:
    return _spelled(func) in TYPE_TAKERS


def _string_slice(node: ast.Subscript) -> bool:
    """``Name["..."]`` or ``Name[..., "..."]`` with a capitalised name: a ``typing`` generic
    (``Optional``, ``List``...) may hold forward references; ``mapping["key"]`` is let go."""
    if not _spelled(node.value)[:1].isupper():
        return False
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return any(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items)


def _is_literal(node: ast.expr) -> bool:
    """``Literal[...]`` (any spelling): its strings are values, not forward references."""
    return (dotted_name(node) or "").rpartition(".")[2] == "Literal"
