"""NL401: ``x.name`` where ``x`` is known to be a first-party class (or an instance of
one) and nothing in the class's MRO provides ``name``; the check of one file's reads."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...checker import Applicability, Diagnostic, Edit, FileContext, RuleInfo
from ...index import ProjectIndex, Signature
from ...noqa import comments
from .classes import _CLASS, _INSTANCE, _SUPER, _Classes, _Model, _ref_dotted, _Type
from .facts import _Access, _scopes_from, _Store
from .inference import _Inference
from .terms import _LAMBDA

NL401 = RuleInfo(
    code="NL401",
    name="missing-method",
    summary="An attribute or method that the project's own class doesn't have.",
    doc="""\
## What it does
Finds `x.name` and `x.name(...)` where `x` is known to be an instance of (or the class
itself) a first-party class `C`, and nothing in `C`'s MRO provides `name`: no method,
property, class attribute, nested class, attribute assigned on `self`/`cls` in any
method, dataclass/attrs/`NamedTuple` field, `Enum` member or `__slots__` entry. Members
of well-known base classes (`object`, exceptions, `ABC`, `Generic`, `Enum`,
`NamedTuple`, built-in containers) are taken from the running interpreter.

The type of `x` comes from `x = C(...)`, annotations on parameters, variables and
attributes (`x: C`, `Optional[C]`, `C | None`, `"C"`, `type[C]`), `self`/`cls` in `C`'s
methods, `super()`, `self.attr` whose assignments or annotation in the class fix its
type, and the return annotations of first-party functions and methods, across modules
(`get_manager() -> ConnectionManager`, `async def` with `await`). A name assigned values
of different types in one scope, or narrowed with `isinstance`, is unknown, and so is a
module-level name that a star import written after it may bind (unless the index knows
what that first-party module exports). A script that
puts its own directory on `sys.path` (`sys.path.insert(0, os.path.dirname(__file__))`)
imports its classes from the modules beside it.

Nothing is reported when the answer is unknowable: a base class that is neither
first-party nor well-known (`pydantic.BaseModel`, `Protocol`...), `__getattr__` or
`__getattribute__` anywhere in the MRO, a metaclass other than `ABCMeta`/`EnumMeta`, a
class decorator other than `dataclass`, attrs, `total_ordering`, `final` or
`enum.unique`, `setattr(self, name, ...)` with a computed name or writes to
`self.__dict__`, a class defined twice (`if ...: class C ... else: class C ...`), a class
handed to a function at module level (`defproperty(C, "name")` may add members). A member
that a first-party subclass provides counts as present unless `x` was constructed as
`C(...)` right there (template methods); `C.name` for an attribute assigned only on
instances counts as present. Members also come from imports in the class body, from
`C.name = ...` at module level, from instances built without `__init__` by a function or
method of the class's module (`obj = cls.__new__(cls)`, `object.__new__(C)`,
`super().__new__(cls)`, or `obj = cls()` in a class method, then `obj.name = ...`), from
the metaclass (`ABCMeta.register`) and from any
first-party function that assigns the name on one of its parameters (`def create(self,
worker): worker.timer = Timer()`, the pattern of steps and plugins; a `Mock()` or lambda
assigned that way doesn't count). Where a file assigns `x.attr` an object of another type
than the class gives it (`worker.controller = FakeController()`), the type of `x.attr` is
unknown in that scope, the scopes inside it and the other methods of its class. Reads through
`self`, `cls` or `super()` in a class that the project never calls by name, itself or
through a subclass, are not reported: such a class is a mixin or an abstract base that is
combined with others at run time (`type(name, (Mixin, TestCase), {})`). Names with two
leading underscores, names the file tests with `hasattr`/`getattr` or sets with
`setattr`/`patch.object`/`monkeypatch.setattr`, names it assigns on the same expression,
on an object of a related class or on one of unknown type (other than with a mock or a
lambda; `self.parent.calls = []`), and accesses inside `try` blocks that catch
`AttributeError` or under `pytest.raises(AttributeError)`/`assertRaises(AttributeError,
...)` are never reported, nor are lines where a type checker's own attribute error is
silenced (`# type: ignore`, `# type: ignore[attr-defined]`, pyright's
`reportAttributeAccessIssue`, pylint's `no-member`): the author already knows.

## Why is this bad?
The access raises `AttributeError` when it runs, typically after a refactoring renamed a
method and some callers kept the old name. Type checkers catch it only where every
variable is annotated.

## Example
```python
# file: app/perf/load.py
from app.ws.factory import get_manager


async def finish(user_id: str) -> None:
    manager = get_manager()
    await manager.disconnect(user_id)
# file: app/__init__.py
# file: app/ws/__init__.py
# file: app/ws/manager.py
class ConnectionManager:
    async def disconnect_user(self, user_id: str) -> None: ...
# file: app/ws/factory.py
from app.ws.manager import ConnectionManager


def get_manager() -> ConnectionManager:
    return ConnectionManager()
```

Use instead:
```python
# file: app/perf/load.py
from app.ws.factory import get_manager


async def finish(user_id: str) -> None:
    manager = get_manager()
    await manager.disconnect_user(user_id)
```

## Fix safety
A rename declared in a rule pack is a safe fix at every access whose receiver is known
to be that class (or a subclass that doesn't override the member):

```toml
[method-renames]
"app.ws.manager.ConnectionManager.disconnect" = "disconnect_user"
```

The fix replaces only the attribute name, and only when the new name exists on the
class. Without a declared rename, a single close match is an unsafe fix when it is a
first-party method whose parameters the call's arguments bind to (any member for an
access that isn't called); several close matches are listed and nothing is changed.
The members of well-known bases (`object`, `Enum`, exceptions, built-in containers) are
those of the Python that runs netra-lint: run it on the version the code is for.
""",
    fix="safe (pack) / unsafe",
)

#: A type checker's silencing of the same error on the line: ``# type: ignore`` (bare or
#: with ``attr-defined``/``union-attr``), pyright's and pylint's equivalents.
_CHECKER_IGNORE = re.compile(
    r"#\s*(?:type|pyright):\s*ignore(?!\[)"
    r"|#\s*type:\s*ignore\[[^\]]*\b(?:attr-defined|union-attr)\b"
    r"|#\s*pyright:\s*ignore\[[^\]]*\breport(?:AttributeAccessIssue|OptionalMemberAccess)\b"
    r"|#\s*pylint:\s*disable=[^#\n]*\b(?:no-member|E1101)\b"
)


class _FileCheck:
    """The accesses of one file, checked against the class models."""

    def __init__(self, ctx: FileContext, index: ProjectIndex, classes: _Classes) -> None:
        self.ctx = ctx
        self.index = index
        self.classes = classes
        self.comments: dict[int, str] | None = None

    def run(self) -> Iterator[Diagnostic]:
        scope_facts, accesses, stores = self.ctx.file_facts()
        if not accesses:
            return
        scopes = _scopes_from(scope_facts)
        module, is_package = self.index.module_for_path(str(self.ctx.source.path))
        if module is None:
            module, is_package = self.index.module_for_path(os.path.realpath(self.ctx.source.path))
        inference = _Inference(self.classes, module, is_package, scopes, stores, self.beside(), self.index.exported)
        receivers: dict[tuple[Any, int], _Type | None] = {}  # most reads share a few receivers
        # A name some function sets on an object it was passed may exist on any object: such
        # reads (11 % of OpenPeerPower/core's, 21 % of sentry's) need no receiver type.
        stored_on_parameters = self.index.parameter_stores()
        for fact in accesses:
            access = _Access(*fact)
            if access.name in stored_on_parameters:
                continue
            key = (access.receiver, access.scope)
            if key not in receivers:
                receivers[key] = inference.type_of(access.receiver, scopes[access.scope])
            receiver = receivers[key]
            if receiver is None or receiver.kind not in (_INSTANCE, _CLASS, _SUPER):
                continue
            diagnostic = self.check_access(access, receiver)
            if diagnostic is None or self.assigned_here(access, receiver, stores.get(access.name, ()), inference):
                continue
            if "#" not in self.ctx.source.line_text(access.end[0]) or not self.checker_ignores(access.end[0]):
                yield diagnostic

    def beside(self) -> Callable[[str], str | None] | None:
        """Where the file's absolute imports find their modules when it puts its own
        directory on ``sys.path`` (see ``ProjectIndex.beside``); None when it doesn't."""
        if "sys.path" not in self.ctx.text:
            return None
        path, text = self.ctx.source.path, self.ctx.text
        summary = self.index.summary_for(path, text) or self.index.summarize_file(path, text)
        if not summary.sys_path:
            return None
        return lambda dotted: self.index.beside(summary, dotted)

    def checker_ignores(self, row: int) -> bool:
        """Whether the comment on ``row`` silences a type checker's attribute error: the
        author already knows (the file's comments are read once, by the tokenizer)."""
        if self.comments is None:
            self.comments = comments(self.ctx.text)
        return bool(_CHECKER_IGNORE.search(self.comments.get(row, "")))

    def assigned_here(
        self, access: _Access, receiver: _Type, stores: Iterable[tuple[Any, ...]], inference: _Inference
    ) -> bool:
        """True when the file assigns the attribute on the same expression, on an object of a
        related class, or on one whose type is unknown (``self.parent.calls = []``: the parent
        may be this object; not ``obj: object``) other than with a lambda or a mock: it may
        exist after all."""
        for fact in stores:
            store = _Store(*fact)
            if store.key == access.dump:
                return True
            stored = inference.type_of(store.receiver, inference.scopes[store.scope])
            if stored is None:
                if (
                    store.value != _LAMBDA
                    and not store.mocked
                    and not inference.declared_builtin(store.receiver, inference.scopes[store.scope])
                ):
                    return True
            elif stored.kind in (_INSTANCE, _CLASS, _SUPER) and self.classes.related(receiver.name, stored.name):
                return True
        return False

    def check_access(self, access: _Access, receiver: _Type) -> Diagnostic | None:
        model = self.classes.model(receiver.name)
        name = access.name
        if model is None:
            return None
        if receiver.kind == _SUPER:
            if self.classes.member_owner(model, name, _SUPER) is not None or name in model.runtime:
                return None
        elif model.provides(name, receiver.kind):
            return None
        if not receiver.exact and self.classes.provided_by_subclass(receiver.name, name):
            return None
        if receiver.contextual and not self.classes.instantiated(receiver.name):
            return None  # a mixin or abstract base: what it's combined with may provide it
        return self.report(access, receiver, model)

    def report(self, access: _Access, receiver: _Type, model: _Model) -> Diagnostic:
        name = access.name
        end = self.ctx.source.offset_from_utf8(*access.end)
        span = (end - len(name), end)
        local = receiver.name.partition("::")[2]
        short = local.rpartition(".")[2]
        if receiver.kind == _INSTANCE:
            message = f"'{short}' object has no attribute '{name}'"
        elif receiver.kind == _CLASS:
            message = f"type object '{short}' has no attribute '{name}'"
        else:
            message = f"'super' object has no attribute '{name}': no base of '{short}' provides it"
        message += f" (class '{_ref_dotted(receiver.name)}' in {self.classes.where(receiver.name)})"
        kind = _INSTANCE if receiver.kind == _SUPER else receiver.kind
        renamed = self.classes.rename_for(model, name)
        new, applicability, note = None, None, ""
        if renamed is not None:
            if model.provides(renamed, kind):
                new, applicability = renamed, Applicability.SAFE
                note = f"; renamed to '{renamed}'"
            else:
                note = f"; a rule pack renames it to '{renamed}', which '{short}' doesn't have either"
        else:
            close, single = self.close_matches(model, name, kind)
            if close:
                quoted = [f"'{c}'" for c in close]
                note = (
                    "; did you mean " + (", ".join(quoted[:-1]) + " or " if len(quoted) > 1 else "") + quoted[-1] + "?"
                )
            if single is not None and self.compatible(model, single, access, kind):
                new, applicability = single, Applicability.UNSAFE
        message += note
        if new is None or applicability is None or self.ctx.text[span[0] : span[1]] != name:
            return self.ctx.diagnostic("NL401", message, span)
        edit = Edit(span[0], span[1], new)
        return self.ctx.diagnostic(
            "NL401", message, span, fix=lambda: [edit], applicability=applicability, fix_title=f"Rename to '{new}'"
        )

    @staticmethod
    def close_matches(model: _Model, name: str, kind: str) -> tuple[list[str], str | None]:
        """Up to three suggestions, and the one a fix may use: the only member that extends
        the name by a word or drops one (``disconnect`` → ``disconnect_user``), else the only
        close match."""
        private = name.startswith("_")
        candidates = [
            n for n in model.names(kind) if n != name and not n.startswith("__") and (private or not n.startswith("_"))
        ]
        extended = sorted(
            c
            for c in candidates
            if c.startswith(name + "_") or name.startswith(c + "_") or c.endswith("_" + name) or name.endswith("_" + c)
        )
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        suggestions = list(dict.fromkeys(extended + close))[:3]
        if extended:
            return suggestions, extended[0] if len(extended) == 1 else None
        if len(close) != 1 or difflib.SequenceMatcher(None, name, close[0]).ratio() < 0.75:
            return suggestions, None
        if close[0].endswith(name) or name.endswith(close[0]):
            return suggestions, None  # unregister → register is no typo
        return suggestions, close[0]

    def compatible(self, model: _Model, candidate: str, access: _Access, kind: str) -> bool:
        """A call must bind to the candidate method's parameters; any member suits a read."""
        owner = model.members.get(candidate)
        if owner is None:
            return False
        if access.call is None:
            return True
        info = self.classes.info(owner[1])
        signature = info.params.get(candidate) if info is not None and owner[0] == "method" else None
        if signature is None:
            return False
        drop_first = signature.kind == "class" or (signature.kind == "" and kind == _INSTANCE)
        return _binds(signature, access.call, drop_first)


def _binds(signature: Signature, call: tuple[int, bool, tuple[str, ...]], drop_first: bool) -> bool:
    """Whether a call's arguments (its shape: positional count, whether ``*``/``**`` unpack
    anything, keyword names) bind to a stored parameter list as Python binds them."""
    positional, positional_only, defaults = signature.positional, signature.positional_only, signature.defaults
    keyword_only, keyword_defaults = signature.keyword_only, signature.keyword_defaults
    varargs, varkw = signature.varargs, signature.varkw
    count, unpacked, keywords = call
    required = list(positional[: len(positional) - defaults])
    names = list(positional)
    if drop_first:
        if not names:
            return False
        names, required = names[1:], required[1:]
        positional_only = max(0, positional_only - 1)
    if unpacked:
        return False
    if count > len(names) and not varargs:
        return False
    filled = set(names[:count])
    for name in keywords:
        if name in filled:
            return False
        if name in names[positional_only:] or name in keyword_only:
            filled.add(name)
        elif not varkw:
            return False
    missing_keywords = set(keyword_only) - set(keyword_defaults) - filled
    return not missing_keywords and all(p in filled for p in required)
