"""The scopes of one file and what binds each name in them, from the stdlib ``ast``.

Every semantic question (what a reference names, what a receiver is an instance of,
where a reference stands) starts from "which bindings can this name see". Python's rules
are followed as they are: module, class, function, lambda and comprehension scopes; class
bodies invisible to the functions inside them; decorators, defaults, annotations, bases
and a comprehension's first iterable evaluated in the enclosing scope; ``global`` and
``nonlocal``; walrus targets bound outside comprehensions; forward references in string
annotations. A read sees the bindings of enclosing scopes, and those of its own scope that
come before it or that a loop brings round (``visible``).

It is built (``builder``) with one iterative walk over the tree the index parses anyway: on
2,000 generated files (35 MB) it costs about half (0.53×) the ``ast.parse`` of the same files,
and a fiftieth or less of LibCST's ``ScopeProvider`` (``bench/semantic_model.py``). Answers that only
some files need (parents, the references of a binding) are worked out on first use.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterator
from functools import cached_property
from typing import Any

from .builder import COMPREHENSIONS, TYPE_TAKERS, Builder, enclosing_function
from .names import absolute_module, chain_root
from .scopes import (
    CLASS,
    COMPREHENSION,
    FROM_IMPORT,
    FUNCTION,
    IMPORT,
    LAMBDA,
    PARAMETER,
    Binding,
    Position,
    Scope,
    child_fields,
    start_of,
)

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TYPING_MODULES = frozenset({"typing", "typing_extensions"})


#: Module → the names ``from module import *`` binds, None when unknown (see ``SemanticModel``).
Exports = Callable[[str], Collection[str] | None]


def star_may_export(exports: Exports | None, source: str | None, name: str) -> bool:
    """Whether ``from source import *`` may bind ``name``: unless ``exports`` knows that
    ``source`` doesn't export it."""
    exported = exports(source) if exports is not None and source else None
    return exported is None or name in exported


class SemanticModel:
    """Scopes, bindings and name reads of one parsed file.

    ``module`` and ``is_package`` name the file as an importable module (None when it is
    not one): relative imports and the qualified names of its own classes need them.
    ``exports`` tells what a star import binds, where it is known (the index knows it for
    first-party modules); without it a star import may bind any name."""

    def __init__(
        self, tree: ast.Module, module: str | None = None, is_package: bool = False, exports: Exports | None = None
    ) -> None:
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.exports = exports
        walked = Builder(tree, module, is_package).run()
        self.module_scope = walked.module_scope
        self.scopes = walked.scopes
        #: Every Name read, and the scope it is read in (names of forward references too).
        self.scope_of_name = walked.scope_of_name
        #: The scope each def, class, lambda and comprehension opens.
        self.scope_of_node = walked.scope_of_node
        #: Forward references: each string annotation and the expression parsed from it.
        self.forward_references = walked.forward_references
        #: The string a Name of a forward reference was parsed from.
        self.string_of = walked.string_of
        self.attribute_stores = walked.attribute_stores
        #: Calls given a string (positionally or by keyword): where patch targets are.
        self.string_calls = walked.string_calls
        #: Answers worked out from the model, by the modules that ask (see ``memo``).
        self.memo: dict[Any, Any] = {}
        for candidate in walked.type_string_candidates:  # only now can their callee be known
            if self._names_typing_helper(candidate.node):
                walked.type_strings(candidate)
        walked.drain()

    # -- lookup ---------------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
        """The scope whose bindings of ``name`` a read in ``scope`` sees, and those bindings;
        None when no scope binds it (a builtin, a star import or a ``NameError``)."""
        current: Scope | None = scope
        if name in scope.declared_global:
            current = self.module_scope
        elif name in scope.declared_nonlocal:
            current = enclosing_function(scope)
        start = current
        while current is not None:
            if current is start or current.kind != CLASS:
                found = current.bindings.get(name)
                if found:
                    return current, found
            current = current.parent
        return None

    def _names_typing_helper(self, node: ast.AST) -> bool:
        """Whether a call is one of ``typing``'s ``cast``/``TypeVar``/``NewType``, or a
        subscript one of its generics (not ``Literal``, whose strings are values). Asked
        through the imports its first name sees, before the model is complete (a
        string's names are not known yet), hence not with ``references.qualified_name``."""
        if not isinstance(node, (ast.Call, ast.Subscript)):
            return False
        head, parts = chain_root(node.func if isinstance(node, ast.Call) else node.value)
        found = self.visible(head) if isinstance(head, ast.Name) else None
        if not found or not found[1]:
            return False
        for binding in found[1]:
            if binding.kind not in (IMPORT, FROM_IMPORT) or binding.target is None:
                return False
            module, _, name = ".".join((binding.target, *parts)).rpartition(".")
            if module not in _TYPING_MODULES or name == "Literal":
                return False
            if isinstance(node, ast.Call) and name not in TYPE_TAKERS:
                return False
        return True

    def binding_scope(self, binding: Binding) -> Scope:
        """The scope a binding binds its name in."""
        return self.scopes[binding.scope_number]

    def visible(self, node: ast.Name) -> tuple[Scope, list[Binding]] | None:
        """The scope that binds a Name read, and the bindings the read can see; None when
        no scope binds it (a builtin, a star import or a ``NameError``).

        Like ``lookup``, but in the read's own scope a binding that takes effect after the
        read is left out, unless a loop holds both (the next turn sees it): ``ws = await
        connect(); ws.open; ws = other`` reads the connection. Bindings of enclosing scopes
        all count (a function may run at any time), and so do those of comprehensions and
        of forward references (read after the module ran). A local read before every
        binding sees none (Python raises ``UnboundLocalError``); a module- or class-level
        one sees what an enclosing scope binds."""
        scope = self.scope_of_name.get(node)
        found = self.lookup(node.id, scope) if scope is not None else None
        if found is None or found[0] is not scope or scope.kind == COMPREHENSION or node in self.string_of:
            return found
        at = start_of(node)
        seen = [b for b in found[1] if b.effective <= at or _in_one_loop(scope, at, b.effective)]
        if seen or scope.kind in (FUNCTION, LAMBDA):
            return scope, seen
        return self.lookup(node.id, scope.parent) if scope.parent is not None else None

    def bindings_of(self, node: ast.Name) -> list[Binding]:
        """The bindings a Name read sees (see ``visible``; empty when unbound or not a read)."""
        found = self.visible(node)
        return found[1] if found is not None else []

    def instance_owner(self, node: ast.expr) -> Scope | None:
        """The class scope whose method has ``node`` (a Name read) as its instance receiver
        (``self``; not ``cls`` of a classmethod, nothing in a staticmethod)."""
        if not isinstance(node, ast.Name):
            return None
        bindings = self.bindings_of(node)
        if len(bindings) != 1:
            return None
        scope = self.binding_scope(bindings[0])
        if bindings[0].kind != PARAMETER or scope.receiver != node.id or scope.receiver_is_class:
            return None
        return scope.owner

    def star_source(self, star: ast.ImportFrom) -> str | None:
        """The absolute module a star import reads (None: a relative import past the top)."""
        return absolute_module(self.module, self.is_package, star.level, star.module)

    def star_may_bind(self, name: str, before: ast.AST | None = None) -> bool:
        """Whether a module-level ``from m import *`` may bind ``name`` (written after
        ``before``, when given): unless ``exports`` knows that ``m`` doesn't export it."""
        for star in self.module_scope.stars:
            if before is not None and (star.lineno, star.col_offset) < (before.lineno, before.col_offset):  # type: ignore[attr-defined]
                continue
            if star_may_export(self.exports, self.star_source(star), name):
                return True
        return False

    def stars_after(self, binding: Binding) -> list[ast.ImportFrom]:
        """The module-level star imports written after a binding, which may replace it. A
        plain ``import x`` is taken to survive them (one that binds ``x`` got it from its
        own ``import x``: the same module)."""
        stars = self.module_scope.stars
        if not stars or (binding.kind == IMPORT and not getattr(binding.node, "asname", None)):
            return []
        at = start_of(binding.node)
        return [star for star in stars if start_of(star) >= at]

    @cached_property
    def bound_names(self) -> frozenset[str]:
        """Every name bound anywhere in the file."""
        return frozenset(name for scope in self.scopes for name in scope.bindings)

    @cached_property
    def references(self) -> dict[Binding, list[ast.Name]]:
        """Binding → the Name reads that can see it (names in forward references included)."""
        found: dict[Binding, list[ast.Name]] = {}
        for node in self.scope_of_name:
            for binding in self.bindings_of(node):
                found.setdefault(binding, []).append(node)
        return found

    def reads_of(self, binding: Binding) -> list[ast.Name]:
        """The Name reads that can see ``binding`` (names in forward references too): what
        ``references`` gives for one binding, without working out every read of the file."""
        if "references" in vars(self):
            return self.references.get(binding, [])
        return [node for node in self.scope_of_name if node.id == binding.name and binding in self.bindings_of(node)]

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Child → parent for every node, forward references hanging under their string."""
        parents: dict[ast.AST, ast.AST] = {}
        stack: list[ast.AST] = [self.tree, *self.forward_references.values()]
        for string, parsed in self.forward_references.items():
            parents[parsed] = string
        while stack:
            node = stack.pop()
            for name in child_fields(type(node)):
                child = getattr(node, name, None)
                if isinstance(child, ast.AST):
                    parents[child] = node
                    stack.append(child)
                elif isinstance(child, list):
                    for item in child:
                        if isinstance(item, ast.AST):
                            parents[item] = node
                            stack.append(item)
        return parents

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parents = self.parents
        current = parents.get(node)
        while current is not None:
            yield current
            current = parents.get(current)

    def scope_at(self, node: ast.AST) -> Scope:
        """The scope an expression or statement is evaluated in."""
        if isinstance(node, ast.Name) and node in self.scope_of_name:
            return self.scope_of_name[node]
        below, child = node, node
        for parent in self.ancestors(node):
            inner = self.scope_of_node.get(parent)
            if inner is not None and _evaluated_inside(parent, child, below):
                return inner
            below, child = child, parent
        return self.module_scope


def _in_one_loop(scope: Scope, read: Position, binding: Position) -> bool:
    return any(start <= read <= end and start <= binding <= end for start, end in scope.loops)


def _evaluated_inside(opener: ast.AST, child: ast.AST, below: ast.AST) -> bool:
    """Whether ``child`` of a def/class/lambda/comprehension (reached from ``below``) runs
    in the scope it opens: bodies do; decorators, defaults, annotations, bases and the
    first iterable of a comprehension run outside."""
    if isinstance(opener, (*_FUNCTIONS, ast.ClassDef)):
        return child in opener.body
    if isinstance(opener, ast.Lambda):
        return child is opener.body
    if isinstance(opener, COMPREHENSIONS):
        return not (child is opener.generators[0] and below is opener.generators[0].iter)
    return True
