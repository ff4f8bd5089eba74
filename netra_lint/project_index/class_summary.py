"""The classes and functions of one file, as the summarizer stores them: bases, decorators,
metaclass, members, parameter lists, return annotations and evidence of attribute types; and
the attributes its functions assign on their parameters."""

from __future__ import annotations

import ast
from typing import Any

from ..semantics.names import dotted_name
from ..semantics.scopes import walk
from .names import _ImportedNames
from .syntax import BUILTIN_TYPES, KNOWN_BLOCKS, _flatten, _target_names, block_fields

_NO_TARGETS: list[ast.expr] = []  # never changed


class _ClassSummarizer:
    """The classes and top-level functions of a module (its statements, nested blocks
    included); names in annotations, bases and decorators made absolute by ``names``."""

    def __init__(self, names: _ImportedNames) -> None:
        self.names = names
        self.parameter_stores: set[str] = set()  # `def create(self, w): w.timer = ...`
        #: Attribute-type evidence by class, kept whole until every function of the module
        #: that builds an instance of the class has added its own (``StoredClass["at"]``).
        self.types: dict[str, dict[str, list[tuple[str, str]]]] = {}
        #: (class name, function, name, its class parameter) of ``obj = C.__new__(C)`` in a
        #: function or method: ``obj.x = ...`` there sets ``x`` on a ``C`` (noted once every
        #: class of the module is known).
        self.built: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, str, str | None]] = []

    def classes_and_functions(self, body: list[ast.stmt]) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        classes: dict[str, Any] = {}
        functions: dict[str, str] = {}
        coroutines: list[str] = []
        outside: list[tuple[str, str]] = []  # (class, attribute) of `C.attribute = value`
        handed: set[str] = set()  # names passed to a call made as a statement
        for stmt in _flatten(body):
            if isinstance(stmt, ast.ClassDef):
                self.add_class(stmt, stmt.name, classes)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[stmt.name] = self.names.annotation(stmt.returns)
                if isinstance(stmt, ast.AsyncFunctionDef):
                    coroutines.append(stmt.name)
                self.method_attributes(stmt, {}, {}, receiver="")  # only its parameter stores
                self.built.extend((made, stmt, receiver, None) for receiver, made in _instances_built(stmt, None))
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
        for name, function, receiver, cls in self.built:
            if name in classes:
                built = classes[name]
                dynamic = self.method_attributes(function, built["m"], self.types[name], receiver, cls)
                built["dy"] = built["dy"] or dynamic
        for name, data in classes.items():
            data["at"] = _typed_attributes(self.types[name])
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
                returns.setdefault(stmt.name, self.names.annotation(stmt.returns))
                params.setdefault(stmt.name, _signature(stmt, decorators))
                if isinstance(stmt, ast.AsyncFunctionDef) and stmt.name not in coroutines:
                    coroutines.append(stmt.name)
                if "staticmethod" not in decorators:
                    dynamic = self.method_attributes(stmt, members, types) or dynamic
                # `self = super().__new__(cls)` in `__new__`, `obj = cls()` in a class method,
                # then `self.x = ...`: attributes of the class's instances.
                cls = _class_parameter(stmt, decorators)
                for receiver, made in _instances_built(stmt, cls):
                    if made != cls:
                        self.built.append((made, stmt, receiver, cls))
                    elif stmt.name == "__new__":
                        dynamic = self.method_attributes(stmt, members, types, receiver) or dynamic
                    else:
                        dynamic = self.method_attributes(stmt, members, types, receiver, cls) or dynamic
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
        metaclass = next((self.names.annotation(k.value) for k in node.keywords if k.arg == "metaclass"), None)
        dynamic = dynamic or qualname in classes  # defined twice (`if win32: class C ... else: class C`): which one?
        classes[qualname] = {
            "b": [
                self.names.annotation(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases
            ],  # Generic[T] → Generic
            "d": [self.names.annotation(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list],
            "mc": metaclass,
            "m": members,
            "r": returns,
            "dy": dynamic,
            "pa": params,
            "as": coroutines,
            "at": {},  # see `classes_and_functions`
        }
        self.types[qualname] = types

    def method_attributes(
        self,
        function: ast.FunctionDef | ast.AsyncFunctionDef,
        members: dict[str, str],
        types: dict[str, list[tuple[str, str]]],
        receiver: str | None = None,
        cls: str | None = None,
    ) -> bool:
        """Record the attributes a method sets on its first parameter, or on ``receiver``
        ("" for a plain function: none), as assignment, ``for`` and ``with`` targets or by
        ``setattr`` with a literal name, with evidence of their types, and those it assigns
        on its other parameters but ``cls`` (``parameter_stores``); True when it also sets attributes
        whose names can't be known (``setattr(self, name, ...)``, ``self.__dict__``). One
        pass over the method's statements (nested blocks and functions included), the nodes
        of their targets and the calls they make as statements: several times cheaper than
        walking every expression."""
        args = function.args
        params = args.posonlyargs + args.args
        if not params and receiver is None:
            return False
        if receiver is None:
            receiver = params[0].arg
        named = params + args.kwonlyargs
        # Parameters that may be first-party objects: `obj: object`, `data: dict` can't be.
        others = {a.arg for a in named if a.annotation is None or dotted_name(a.annotation) not in BUILTIN_TYPES} - {
            receiver,
            cls,
        }
        annotated = {a.arg: a.annotation for a in params[1:] + args.kwonlyargs if a.annotation is not None}
        local = {a.arg for a in named}
        typed: list[tuple[str, ast.Assign | ast.AnnAssign | ast.AugAssign]] = []  # self.x = value
        dynamic = False
        stack: list[ast.AST] = list(function.body)
        known_blocks = KNOWN_BLOCKS
        while stack:
            node = stack.pop()
            kind = type(node)
            targets: list[ast.expr] = _NO_TARGETS
            if kind is ast.Assign:
                targets = node.targets  # type: ignore[attr-defined]
            elif kind is ast.AnnAssign or kind is ast.AugAssign or kind is ast.For or kind is ast.AsyncFor:
                targets = [node.target]  # type: ignore[attr-defined]
            elif kind is ast.With or kind is ast.AsyncWith:
                targets = [item.optional_vars for item in node.items if item.optional_vars is not None]  # type: ignore[attr-defined]
            elif kind is ast.Expr and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                dynamic = self.setattr_call(node.value, receiver, members, types) or dynamic  # type: ignore[attr-defined]
            blocks = known_blocks.get(kind)
            for block in block_fields(kind) if blocks is None else blocks:  # walked after this one's targets
                stack.extend(getattr(node, block))
            if not targets:
                continue
            assignment = kind is ast.Assign or kind is ast.AnnAssign or kind is ast.AugAssign
            stores_value = (kind is ast.Assign or kind is ast.AnnAssign) and not _placeholder(node.value)  # type: ignore[attr-defined]
            for target in targets:
                if type(target) is ast.Name:  # the commonest target, as the loop below takes it
                    if not isinstance(target.ctx, ast.Load):
                        local.add(target.id)
                    continue
                if stores_value:
                    for leaf in target.elts if type(target) is ast.Tuple or type(target) is ast.List else (target,):  # type: ignore[attr-defined]
                        if type(leaf) is ast.Attribute and type(leaf.value) is ast.Name and leaf.value.id in others:  # type: ignore[attr-defined]
                            self.parameter_stores.add(leaf.attr)  # type: ignore[attr-defined]
                direct = assignment and type(target) is ast.Attribute and _is_name(target.value, receiver)  # type: ignore[attr-defined]
                if direct:
                    typed.append((target.attr, node))  # type: ignore[attr-defined, arg-type]
                for element in walk(target):
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
        for name, stmt in typed:  # once every local name is known
            self.note_type(types, name, stmt, annotated, local)
        return dynamic

    @staticmethod
    def setattr_call(
        node: ast.Call, receiver: str, members: dict[str, str], types: dict[str, list[tuple[str, str]]]
    ) -> bool:
        """Note ``setattr(self, "name", ...)``; True for a name that can't be known or for
        ``self.__dict__.update(...)``/``vars(self).setdefault(...)``."""
        func = node.func
        if isinstance(func, ast.Name):
            named = func.id == "setattr"
        elif isinstance(func, ast.Attribute):
            named = func.attr == "__setattr__" and _is_name(func.value, "object")
            if not named:
                return _is_instance_dict(func.value, receiver)
        else:
            return False
        if named and len(node.args) >= 2 and _is_name(node.args[0], receiver):
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                members.setdefault(name.value, "self")
                types.setdefault(name.value, []).append(("?", ""))
                return False
            return True
        return False

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
            found.append(("a", self.names.annotation(stmt.annotation)))
        elif isinstance(stmt, ast.AugAssign):
            found.append(("?", ""))
        elif isinstance(value, ast.Constant) and value.value is None:
            return
        elif isinstance(value, ast.Name) and value.id in annotated:
            found.append(("a", self.names.annotation(annotated[value.id])))
        elif isinstance(value, ast.Call) and (dotted_name(value.func) or "").partition(".")[0] not in local | {""}:
            found.append(("c", self.names.qualify(dotted_name(value.func) or "")))
        else:
            found.append(("?", ""))


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


def _typed_attributes(types: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    """The attributes whose every assignment gives evidence of a type, with that evidence."""
    return {
        name: list(dict.fromkeys(found)) for name, found in types.items() if found and all(k != "?" for k, _ in found)
    }


def _class_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[str]) -> str | None:
    """The parameter that holds the class in a class method or ``__new__`` (None elsewhere)."""
    params = function.args.posonlyargs + function.args.args
    if params and ("classmethod" in decorators or function.name == "__new__"):
        return params[0].arg
    return None


def _instances_built(function: ast.FunctionDef | ast.AsyncFunctionDef, cls: str | None) -> list[tuple[str, str]]:
    """``(name, class)`` for each name a function binds to a new instance (its statements,
    nested blocks included): ``obj = C.__new__(C)``, ``object.__new__(C)``,
    ``super().__new__(C)``, where ``C`` is ``cls`` (the class parameter, given back as the
    class) or a class named in the module; ``cls(...)`` in a class method; in ``__new__``,
    any ``X.__new__(...)``."""
    built: list[tuple[str, str]] = []
    for stmt in _flatten(function.body):
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)):
            continue
        call = stmt.value
        if isinstance(call.func, ast.Attribute) and call.func.attr == "__new__":
            owner, first = call.func.value, call.args[0] if call.args else None
            if function.name == "__new__" and cls is not None:
                made = cls
            elif not isinstance(first, ast.Name) or first.id in ("object", "super"):
                continue
            elif _is_name(owner, first.id) or _is_name(owner, "object") or _calls_super(owner):
                made = first.id
            else:
                continue
        elif cls is not None and function.name != "__new__" and _is_name(call.func, cls):
            made = cls
        else:
            continue
        built.extend((t.id, made) for t in stmt.targets if isinstance(t, ast.Name))
    return built


def _calls_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _is_name(node.func, "super")


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
