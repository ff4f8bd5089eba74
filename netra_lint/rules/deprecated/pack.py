"""The rule-pack model of deprecated APIs and its TOML schema.

A ``[[deprecated-api]]`` entry names a deprecated class or function by every path it can
be imported from, its replacement, and for each method (or the constructor / function
itself) the old signature plus a call template written with the old parameter names.
Entries are validated when a pack is loaded, so every error names the pack file and the
entry.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...checker import PackError
from ...lazy import libcst as cst

SECTION = "deprecated-api"
LEVELS = ("safe", "unsafe", "report")
_ENTRY_KEYS = {
    "old",
    "new",
    "kind",
    "message",
    "url",
    "fix",
    "guidance",
    "factories",
    "members",
    "complete",
    "call",
    "methods",
}
_CALL_KEYS = {"old", "new", "fix", "guidance"}
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_FORBIDDEN_IN_TEMPLATE = (
    ast.Lambda,
    ast.NamedExpr,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Starred,
)

# -- pack model ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Signature:
    """An old signature (``name(a, b=1, *args, **kwargs)``, without ``self``)."""

    name: str
    positional: tuple[str, ...]  # positional-only and positional-or-keyword, in order
    positional_only: frozenset[str]
    keyword_only: tuple[str, ...]
    varargs: str | None
    varkw: str | None
    defaults: dict[str, str]  # parameter -> source text of its default

    @property
    def names(self) -> frozenset[str]:
        return frozenset((*self.positional, *self.keyword_only))

    def bind(self, args: Sequence[cst.Arg]) -> Binding | str:
        """Bind call arguments the way Python does; a string says why they don't bind."""
        bound: dict[str, cst.BaseExpression] = {}
        order: list[str] = []
        extra_pos: list[cst.Arg] = []
        extra_kw: list[cst.Arg] = []
        position = 0
        for arg in args:
            if arg.keyword is None:
                if position < len(self.positional):
                    name = self.positional[position]
                    bound[name] = arg.value
                    order.append(name)
                elif self.varargs:
                    extra_pos.append(arg)
                    order.append("*")
                else:
                    given = sum(1 for a in args if a.keyword is None)
                    return f"{self.name}() takes {len(self.positional)} positional argument(s) but {given} were given"
                position += 1
                continue
            key = arg.keyword.value
            if key in bound:
                return f"{self.name}() got multiple values for argument {key!r}"
            if key in self.names and key not in self.positional_only:
                bound[key] = arg.value
                order.append(key)
            elif self.varkw:
                extra_kw.append(arg)
                order.append("**")
            else:
                return f"{self.name}() got an unexpected keyword argument {key!r}"
        missing = [n for n in (*self.positional, *self.keyword_only) if n not in bound and n not in self.defaults]
        if missing:
            return f"{self.name}() missing required argument {missing[0]!r}"
        return Binding(bound, order, extra_pos, extra_kw)


@dataclass
class Binding:
    values: dict[str, cst.BaseExpression]
    order: list[str]  # parameters in the order the call evaluates them
    extra_positional: list[cst.Arg]
    extra_keywords: list[cst.Arg]


@dataclass(frozen=True)
class TemplateArg:
    """One argument of a call template and the old parameters it uses, in text order."""

    keyword: str | None
    star: str  # "", "*" or "**"
    uses: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class CallRule:
    """What to do with one deprecated callable: a method, a constructor or a function."""

    signature: Signature
    template: str | None
    callee: str | None
    args: tuple[TemplateArg, ...]
    fix: str
    guidance: str


@dataclass(frozen=True, eq=False)
class Deprecation:
    """One ``[[deprecated-api]]`` entry."""

    origin: str
    label: str
    old: tuple[str, ...]
    new: str
    message: str
    url: str
    fix: str
    guidance: str
    factories: tuple[str, ...]
    kind: str  # "class" or "function"
    call: CallRule | None
    methods: dict[str, CallRule]
    members: frozenset[str] = frozenset()
    complete: bool = False

    @property
    def old_name(self) -> str:
        return self.old[0].rsplit(".", 1)[1]

    @property
    def new_module(self) -> str:
        return self.new.rsplit(".", 1)[0]

    @property
    def new_name(self) -> str:
        return self.new.rsplit(".", 1)[1]

    @property
    def new_methods(self) -> frozenset[str]:
        """Method names the templates call: a call of one is already migrated."""
        return frozenset(rule.callee for rule in self.methods.values() if rule.callee)

    @property
    def drop_in(self) -> bool:
        """True if the new name behaves like the old one (no call or method differs)."""
        return self.call is None and not self.methods

    def provides_old(self, module: str) -> bool:
        """True if importing ``module`` can bring an old name (its module or a package of it)."""
        return any(old.startswith(f"{module}.") for old in self.old)

    def text(self) -> str:
        text = f"{self.message.rstrip('.')} (see {self.url})" if self.url else self.message.rstrip(".")
        return f"{text}."


# -- pack parsing -------------------------------------------------------------------------


def _string(table: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise PackError(f"{where}: {key!r} must be a non-empty string")
    return value


def _level(table: dict[str, Any], where: str, default: str) -> str:
    value = table.get("fix", default)
    if value not in LEVELS:
        raise PackError(f"{where}: 'fix' must be one of {', '.join(LEVELS)}, got {value!r}")
    return value


def _dotted_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and DOTTED.match(v) for v in items):
        raise PackError(f"{where}: {key!r} must be a list of qualified names such as 'pkg.module.Name'")
    return tuple(items)


def parse_signature(text: str, where: str) -> Signature:
    """Parse ``name(params)``; raise ``PackError`` if it isn't one plain signature."""
    try:
        tree = ast.parse(f"def {text.strip()}:\n    pass\n")
    except SyntaxError as exc:
        raise PackError(f"{where}: old signature {text!r} does not parse: {exc.msg}") from None
    func = tree.body[0]
    if len(tree.body) != 1 or not isinstance(func, ast.FunctionDef) or func.returns is not None:
        raise PackError(f"{where}: old signature {text!r} must be one 'name(parameters)'")
    a = func.args
    params = [*a.posonlyargs, *a.args]
    if params and params[0].arg in ("self", "cls"):
        raise PackError(f"{where}: old signature {text!r}: leave out {params[0].arg!r}")
    source = f"def {text.strip()}:\n    pass\n"
    defaults: dict[str, str] = {}
    for param, default in zip(params[len(params) - len(a.defaults) :], a.defaults):
        defaults[param.arg] = ast.get_source_segment(source, default) or "None"
    for param, kw_default in zip(a.kwonlyargs, a.kw_defaults):
        if kw_default is not None:
            defaults[param.arg] = ast.get_source_segment(source, kw_default) or "None"
    return Signature(
        name=func.name,
        positional=tuple(p.arg for p in params),
        positional_only=frozenset(p.arg for p in a.posonlyargs),
        keyword_only=tuple(p.arg for p in a.kwonlyargs),
        varargs=a.vararg.arg if a.vararg else None,
        varkw=a.kwarg.arg if a.kwarg else None,
        defaults=defaults,
    )


def parse_template(text: str, signature: Signature, where: str) -> tuple[str, tuple[TemplateArg, ...]]:
    """Check a call template against the old signature; return its callee and arguments."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise PackError(f"{where}: template {text!r} does not parse: {exc.msg}") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise PackError(f"{where}: template {text!r} must be a call of a plain name, such as 'new_name(a=a)'")
    values: list[ast.expr] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            if not (isinstance(arg.value, ast.Name) and arg.value.id == signature.varargs):
                raise PackError(
                    f"{where}: template {text!r}: only '*{signature.varargs or 'args'}' of the old signature"
                    " may be unpacked"
                )
        else:
            values.append(arg)
    for keyword in call.keywords:
        if keyword.arg is None:
            if not (isinstance(keyword.value, ast.Name) and keyword.value.id == signature.varkw):
                raise PackError(
                    f"{where}: template {text!r}: only '**{signature.varkw or 'kwargs'}' of the old signature"
                    " may be unpacked"
                )
        else:
            values.append(keyword.value)
    for value in values:
        for node in ast.walk(value):
            if isinstance(node, _FORBIDDEN_IN_TEMPLATE):
                raise PackError(f"{where}: template {text!r} may only hold plain expressions")
            if isinstance(node, ast.Name) and node.id not in signature.names:
                raise PackError(
                    f"{where}: template {text!r} uses {node.id!r}, which is not a parameter of {signature.name}()"
                )
    written: list[tuple[ast.AST, TemplateArg]] = []
    for arg in call.args:
        star = "*" if isinstance(arg, ast.Starred) else ""
        value = arg.value if isinstance(arg, ast.Starred) else arg
        written.append((arg, TemplateArg(keyword=None, star=star, uses=_names_of(value))))
    for keyword in call.keywords:
        written.append(
            (keyword, TemplateArg(keyword=keyword.arg, star="" if keyword.arg else "**", uses=_names_of(keyword.value)))
        )
    written.sort(key=lambda item: (item[0].lineno, item[0].col_offset))  # type: ignore[attr-defined]
    return call.func.id, tuple(arg for _, arg in written)


def _names_of(node: ast.expr) -> tuple[str, ...]:
    """The names an expression uses, in the order they are written."""
    names = [n for n in ast.walk(node) if isinstance(n, ast.Name)]
    return tuple(n.id for n in sorted(names, key=lambda n: (n.lineno, n.col_offset)))


def _call_rule(table: Any, where: str, default_fix: str) -> CallRule:
    if not isinstance(table, dict):
        raise PackError(f"{where}: must be a table with 'old' (and 'new', 'fix', 'guidance')")
    unknown = set(table) - _CALL_KEYS
    if unknown:
        raise PackError(f"{where}: unknown key {min(unknown)!r} (known keys: {', '.join(sorted(_CALL_KEYS))})")
    signature = parse_signature(_string(table, "old", where, required=True), where)
    where = f"{where} {signature.name!r}"
    fix = _level(table, where, default_fix)
    template = table.get("new")
    callee = None
    args: tuple[TemplateArg, ...] = ()
    if template is not None:
        template = _string(table, "new", where, required=True)
        callee, args = parse_template(template, signature, where)
    elif fix != "report":
        raise PackError(f"{where}: fix {fix!r} needs a 'new' call template (or use fix = 'report')")
    guidance = _string(table, "guidance", where)
    if fix == "report" and template is None and not guidance.strip():
        raise PackError(f"{where}: a report-only call needs 'guidance'")
    return CallRule(signature, template, callee, args, fix, guidance)


def parse_entry(table: Any, origin: str, index: int) -> Deprecation:
    """Validate one ``[[deprecated-api]]`` table."""
    where = f"{origin}: [[{SECTION}]] entry {index}"
    if not isinstance(table, dict):
        raise PackError(f"{where}: must be a table")
    old = _dotted_list(table.get("old"), "old", where)
    where = f"{origin}: [[{SECTION}]] entry {index} ({old[0]})"
    unknown = set(table) - _ENTRY_KEYS
    if unknown:
        raise PackError(f"{where}: unknown key {min(unknown)!r} (known keys: {', '.join(sorted(_ENTRY_KEYS))})")
    new = _string(table, "new", where, required=True)
    if not DOTTED.match(new):
        raise PackError(f"{where}: 'new' must be a qualified name such as 'pkg.module.Name'")
    if new in old:
        raise PackError(f"{where}: {new!r} maps to itself")
    fix = _level(table, where, "report")
    last = old[0].rsplit(".", 1)[1]
    kind = table.get("kind", "class" if last[:1].isupper() else "function")
    if kind not in ("class", "function"):
        raise PackError(f"{where}: 'kind' must be 'class' or 'function', got {kind!r}")
    factories = _dotted_list(table["factories"], "factories", where) if "factories" in table else ()
    members = table.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) and m.isidentifier() for m in members):
        raise PackError(f"{where}: 'members' must be a list of names")
    complete = table.get("complete", False)
    if not isinstance(complete, bool):
        raise PackError(f"{where}: 'complete' must be true or false")
    if kind == "function" and (table.get("methods") or factories or complete or members):
        raise PackError(f"{where}: a function has no 'methods', 'members', 'factories' or 'complete'")
    call = None
    if "call" in table:
        call = _call_rule(table["call"], f"{where} [call]", fix)
        last_parts = {name.rsplit(".", 1)[1] for name in old}
        if call.signature.name not in last_parts:
            raise PackError(f"{where} [call]: the old signature must be named {' or '.join(sorted(last_parts))}")
        if call.callee is not None and call.callee != new.rsplit(".", 1)[1]:
            raise PackError(f"{where} [call]: the template must call {new.rsplit('.', 1)[1]!r}")
    methods: dict[str, CallRule] = {}
    raw_methods = table.get("methods", [])
    if not isinstance(raw_methods, list):
        raise PackError(f"{where}: 'methods' must be an array of tables ([[{SECTION}.methods]])")
    for number, item in enumerate(raw_methods, start=1):
        rule = _call_rule(item, f"{where} method {number}", fix)
        name = rule.signature.name
        if name in methods:
            raise PackError(f"{where} method {name!r}: declared twice")
        methods[name] = rule
    for name, rule in methods.items():
        if rule.callee == name:
            raise PackError(f"{where} method {name!r}: maps to itself")
        if rule.callee in methods:
            raise PackError(
                f"{where} method {name!r}: maps to {rule.callee!r}, which is itself deprecated (a chain or cycle)"
            )
    return Deprecation(
        origin=origin,
        label=where,
        old=old,
        new=new,
        message=_string(table, "message", where, required=True),
        url=_string(table, "url", where),
        fix=fix,
        guidance=_string(table, "guidance", where),
        factories=factories,
        kind=kind,
        call=call,
        methods=methods,
        members=frozenset(members),
        complete=complete,
    )


def validate_all(entries: list[Deprecation]) -> None:
    """Across every loaded pack: each old name is declared once and no mapping cycles."""
    owner: dict[str, Deprecation] = {}
    for entry in entries:
        for name in entry.old:
            if name in owner:
                raise PackError(f"{entry.label}: {name!r} is already declared by {owner[name].label}")
            owner[name] = entry
    for entry in entries:
        path = [entry]
        target = owner.get(entry.new)
        while target is not None:
            if target in path:
                chain = " -> ".join([*(e.old[0] for e in path), target.old[0]])
                raise PackError(f"{entry.label}: names map in a cycle: {chain}")
            path.append(target)
            target = owner.get(target.new)
