"""Deprecated project APIs described by rule packs (NL201 imports, NL202 calls, NL203 members).

A pack entry names a deprecated class or function by every path it can be imported from,
its replacement, and for each method (or the constructor / function itself) the old
signature plus a call template written with the old parameter names. A call is rewritten
only when its receiver is known to be the deprecated class (by where the class was
imported from, never by a method name alone) and its arguments bind to the old signature
the way Python binds them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checker import (
    Applicability,
    Checker,
    CstTransformer,
    CstVisitor,
    Diagnostic,
    Edit,
    FileContext,
    PackError,
    RuleInfo,
)
from ..focus import related_identifiers
from ..importedits import add_import, dotted_name, has_import, remove_line, replace_node
from ..lazy import libcst as cst

if TYPE_CHECKING:
    from libcst.metadata import BaseAssignment, Scope

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
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
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

PACK_FORMAT = """\
## Writing a rule pack
A pack is a TOML file: the bundled ones live in `rules/`, a project adds its own with
`packs = ["tools/our-deprecations.toml"]` under `[tool.netra-lint]`. Each deprecated class
or function is one `[[deprecated-api]]` entry:

```toml
[[deprecated-api]]
old = ["acme.http.Client", "acme.Client"]   # every import path, re-exports included
new = "acme.http2.HttpClient"
message = "use acme.http2.HttpClient"
url = "https://acme.example/docs/http2"
kind = "class"                # or "function" (default: from the case of the name)
fix = "safe"                  # imports and references: safe | unsafe | report
factories = ["acme.http.default_client"]   # optional: functions returning an instance
complete = true               # optional: `methods` + `members` list every public member
members = ["base_url", "close"]         # optional: members that keep working

[deprecated-api.call]         # optional: the constructor (or the function call)
old = "Client(base_url, retries=3)"
new = "HttpClient(base_url=base_url, max_retries=retries)"
fix = "safe"

[[deprecated-api.methods]]
old = "fetch(url, timeout=10)"                 # old signature, without self
new = "get(url, timeout_s=timeout)"            # template, old parameter names only
fix = "unsafe"
guidance = "get() raises on HTTP errors; fetch() returned None"

[[deprecated-api.methods]]
old = "fetch_all(urls, *args, **kwargs)"
fix = "report"                # no template: report with the guidance
guidance = "call get() in a loop"
```

Templates are Python calls. Their argument values may use only the old parameter names
(`*args` / `**kwargs` only as `*args` / `**kwargs`). Bound argument expressions are put
in their place. A keyword whose parameters were all left at their defaults is dropped. A
call with `*`/`**` unpacking, with an argument the template doesn't use, or that doesn't
bind (it was broken already) is reported, not rewritten. Packs are validated when loaded:
signatures and templates must parse, no name may map to itself or in a cycle, and every
error names the pack file and the entry.
"""


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
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and _DOTTED.match(v) for v in items):
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
                    f"{where}: template {text!r}: only '*{signature.varargs or 'args'}' of the old signature may be unpacked"
                )
        else:
            values.append(arg)
    for keyword in call.keywords:
        if keyword.arg is None:
            if not (isinstance(keyword.value, ast.Name) and keyword.value.id == signature.varkw):
                raise PackError(
                    f"{where}: template {text!r}: only '**{signature.varkw or 'kwargs'}' of the old signature may be unpacked"
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


@cache
def _empty_module() -> cst.Module:
    """Renders nodes in LibCST's default style."""
    return cst.Module(body=[])


_TEMPLATES: dict[str, cst.Call] = {}


def _cst_template(text: str) -> cst.Call:
    """The LibCST form of a (validated) template, parsed once."""
    if text not in _TEMPLATES:
        node = cst.parse_expression(text.strip())
        assert isinstance(node, cst.Call)
        _TEMPLATES[text] = node
    return _TEMPLATES[text]


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
    if not _DOTTED.match(new):
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


# -- call rewriting -----------------------------------------------------------------------


def _code(node: cst.CSTNode | cst.MaybeSentinel) -> str:
    return "" if isinstance(node, cst.MaybeSentinel) else _empty_module().code_for_node(node)


def _is_pure(node: cst.BaseExpression) -> bool:
    """Evaluating it twice, or in another order, can't change the program."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.BooleanOperation):
        return _is_pure(node.left) and _is_pure(node.right)
    return isinstance(node, cst.Attribute) and _is_pure(node.value)


def _is_literal(source: str) -> bool:
    """A default that means the same in any file (no names to resolve)."""
    try:
        ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return False
    return True


def _is_atomic(node: cst.BaseExpression) -> bool:
    """It can be put under an attribute access or an operator without parentheses."""
    return bool(node.lpar) or isinstance(
        node,
        (
            cst.Name,
            cst.Attribute,
            cst.Call,
            cst.Subscript,
            cst.SimpleString,
            cst.List,
            cst.Dict,
            cst.Set,
            cst.FormattedString,
        ),
    )


class _Substitute(CstTransformer):
    """Replace parameter names of a template expression by the bound expressions."""

    def __init__(self, values: dict[str, cst.BaseExpression]) -> None:
        self.values = values

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        value = self.values.get(original.value)
        if value is None:
            return updated
        if _is_atomic(value):
            return value
        return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)  # ``.name`` is not a parameter

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)


@dataclass
class _Plan:
    """A call bound to its rule: the template arguments to emit, or why it can't be fixed."""

    binding: Binding | None
    emitted: list[int]  # indices into the rule's template arguments
    problem: str = ""
    carried: dict[int, int] = field(default_factory=dict)  # new argument -> original one whose comment it takes


def plan_call(call: cst.Call, rule: CallRule) -> _Plan:
    """Bind ``call`` to the old signature and check the template can express it exactly."""
    if any(arg.star for arg in call.args):
        return _Plan(None, [], "the call unpacks *args/**kwargs, so its arguments can't be bound")
    binding = rule.signature.bind(call.args)
    if isinstance(binding, str):
        return _Plan(None, [], f"the call does not match the old signature ({binding}); it was broken already")
    if rule.template is None:
        return _Plan(binding, [])
    emitted: list[int] = []
    used: list[str] = []
    for index, targ in enumerate(rule.args):
        if targ.star == "*":
            if binding.extra_positional:
                emitted.append(index)
                used.append("*")
            continue
        if targ.star == "**":
            if binding.extra_keywords:
                emitted.append(index)
                used.append("**")
            continue
        if targ.keyword is not None and targ.uses and not any(u in binding.values for u in targ.uses):
            continue  # every parameter it needs was left at its default
        emitted.append(index)
        used.extend(u for u in targ.uses)
    new = f"{rule.callee}()"
    for name in dict.fromkeys(used):
        if (
            name in rule.signature.defaults
            and name not in binding.values
            and not _is_literal(rule.signature.defaults[name])
        ):
            return _Plan(
                binding, [], f"{name!r} was not passed and its default {rule.signature.defaults[name]} is not a literal"
            )
    for name in binding.values:
        if name not in used:
            return _Plan(binding, [], f"argument {name!r} has no counterpart in {new}")
    if binding.extra_positional and "*" not in used:
        return _Plan(binding, [], f"extra positional arguments have no counterpart in {new}")
    for arg in binding.extra_keywords if "**" not in used else ():
        return _Plan(binding, [], f"keyword argument {arg.keyword.value!r} has no counterpart in {new}")  # type: ignore[union-attr]
    impure = [n for n in dict.fromkeys(used) if n in binding.values and not _is_pure(binding.values[n])]
    for name in impure:
        if used.count(name) > 1:
            return _Plan(binding, [], f"{_code(binding.values[name])!r} would be evaluated {used.count(name)} times")
    if impure != [n for n in binding.order if n in impure]:
        return _Plan(binding, [], "the rewrite would change the order in which the arguments are evaluated")
    carried = _carry_comments(call, rule, binding, emitted)
    if carried is None:
        return _Plan(binding, [], "a comment between the arguments would have no place in the new call")
    return _Plan(binding, emitted, carried=carried)


def _sources(call: cst.Call, rule: CallRule, binding: Binding, emitted: list[int]) -> list[int | None]:
    """For each argument of the new call, the original argument it comes from (if any)."""
    position = {id(arg.value): i for i, arg in enumerate(call.args)}
    found: list[int | None] = []
    for index in emitted:
        targ = rule.args[index]
        if targ.star == "*":
            found.extend(position[id(a.value)] for a in binding.extra_positional)
        elif targ.star == "**":
            found.extend(position[id(a.value)] for a in binding.extra_keywords)
        else:
            passed = [u for u in targ.uses if u in binding.values]
            found.append(position[id(binding.values[passed[0]])] if passed else None)
    return found


def _carry_comments(call: cst.Call, rule: CallRule, binding: Binding, emitted: list[int]) -> dict[int, int] | None:
    """Which new argument takes the comment after each original one; None if one can't.

    The last original argument's tail (trailing comma, comment, closing line break) always
    ends the new call, so only the others need a place.
    """
    sources = _sources(call, rule, binding, emitted)
    originals = list(call.args)
    carried: dict[int, int] = {}
    for index, arg in enumerate(originals):
        if not _has_comment(arg) or (index == len(originals) - 1 and sources):
            continue
        users = [k for k, source in enumerate(sources) if source == index]
        if not users or users[0] == len(sources) - 1 or users[0] in carried:
            return None
        carried[users[0]] = index
    return carried


def _clean(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation, without comments."""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(indent=ws.indent, last_line=ws.last_line)
    return ws


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    args = call.args
    if len(args) >= 2 and isinstance(args[0].comma, cst.Comma):
        return _clean(args[0].comma.whitespace_after)
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return _clean(call.whitespace_before_args)
    return cst.SimpleWhitespace(" ")


def _has_comment(arg: cst.Arg) -> bool:
    return "#" in _code(arg.comma) + _code(arg.whitespace_after_arg)


def render_call(call: cst.Call, rule: CallRule, plan: _Plan, func: cst.BaseExpression) -> cst.Call:
    """The new call: template arguments with the bound expressions, in the call's own layout
    (separators, trailing comma, closing line), comments following their arguments."""
    binding = plan.binding
    assert binding is not None
    template = _cst_template(rule.template or "")
    items: list[cst.Arg] = []
    for index in plan.emitted:
        targ, node = rule.args[index], template.args[index]
        if targ.star == "*":
            items.extend(cst.Arg(value=a.value) for a in binding.extra_positional)
            continue
        if targ.star == "**":
            items.extend(cst.Arg(value=a.value, keyword=a.keyword, equal=a.equal) for a in binding.extra_keywords)
            continue
        values = {
            u: binding.values[u] if u in binding.values else cst.parse_expression(rule.signature.defaults[u])
            for u in targ.uses
        }
        if isinstance(node.value, cst.Name) and node.value.value in values:
            value = values[node.value.value]
        else:
            visited = node.value.visit(_Substitute(values))
            assert isinstance(visited, cst.BaseExpression)  # a transformer that never removes
            value = visited
        items.append(node.with_changes(value=value))
    originals = list(call.args)
    if not items:
        return call.with_changes(func=func, args=())
    sep = _separator(call)
    new_args = []
    for k, arg in enumerate(items):
        if k == len(items) - 1 and originals:
            last = originals[-1]
            new_args.append(arg.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
        elif k == len(items) - 1:
            new_args.append(
                arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace(""))
            )
        elif k in plan.carried:
            source = originals[plan.carried[k]]
            new_args.append(arg.with_changes(comma=source.comma, whitespace_after_arg=source.whitespace_after_arg))
        else:
            new_args.append(
                arg.with_changes(comma=cst.Comma(whitespace_after=sep), whitespace_after_arg=cst.SimpleWhitespace(""))
            )
    return call.with_changes(func=func, args=new_args)


# -- one file -----------------------------------------------------------------------------


@cache
def _transparent() -> tuple[type, ...]:
    """Nodes a deprecated value can sit in and still be the same value (a container, an operand)."""
    return (cst.Tuple, cst.List, cst.Element, cst.Subscript, cst.SubscriptElement, cst.Index, cst.BinaryOperation)


_LEVEL = {"safe": Applicability.SAFE, "unsafe": Applicability.UNSAFE}


def _module_package(ctx: FileContext) -> list[str] | None:
    """The package of the file (for relative imports), from its place under a source root."""
    path = Path(ctx.source.path).resolve()
    for root in (*ctx.settings.src, ctx.settings.project_root):
        try:
            parts = list(path.relative_to(root).with_suffix("").parts)
        except ValueError:
            continue
        return parts[:-1]
    return None


#: A receiver's deprecated class, and whether this file builds it by calling the class.
_Known = tuple[Deprecation, bool] | None


@dataclass
class _Usage:
    """How one deprecated entry is used in one file."""

    aliases: list[tuple[cst.ImportFrom, cst.ImportAlias]] = field(default_factory=list)
    renames: list[tuple[cst.CSTNode, str, str]] = field(default_factory=list)  # reference, new name, old name
    attributes: list[cst.Attribute] = field(default_factory=list)  # ``module.Old`` references
    bases: list[cst.CSTNode] = field(default_factory=list)  # ``class X(Old)``
    values: int = 0  # references that are neither annotations nor isinstance checks
    calls: int = 0  # NL202/NL203 findings: calls that still need the old class
    blockers: list[str] = field(default_factory=list)


class _Collector(CstVisitor):
    """One pass over the tree: parents, and the nodes the rules look at."""

    def __init__(self, analysis: _Analysis) -> None:
        self.analysis = analysis
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        found = self.analysis
        if self.stack:
            found.parents[node] = self.stack[-1]
        self.stack.append(node)
        if isinstance(node, cst.Call):
            found.calls.append(node)
        elif isinstance(node, cst.ImportFrom):
            found.import_froms.append(node)
        elif isinstance(node, cst.Attribute):
            found.attributes.append(node)
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For)):
            self._targets(node, node.target)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._targets(node, node.asname.name)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    def _targets(self, statement: cst.CSTNode, target: cst.BaseExpression) -> None:
        leaves = [e.value for e in target.elements] if isinstance(target, (cst.Tuple, cst.List)) else [target]
        for leaf in leaves:
            if isinstance(leaf, cst.Attribute) and isinstance(leaf.value, cst.Name):
                self.analysis.self_assignments.append((leaf, statement))


class _Analysis:
    """Everything the three rules need to know about one file, computed once."""

    def __init__(self, ctx: FileContext, by_old: dict[str, Deprecation], factories: dict[str, Deprecation]) -> None:
        self.ctx = ctx
        self.by_old = by_old
        self.factories = dict(factories)
        self.scopes = ctx.cst_wrapper.resolve(cst.metadata.ScopeProvider)
        self.package = _module_package(ctx)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.calls: list[cst.Call] = []
        self.import_froms: list[cst.ImportFrom] = []
        self.attributes: list[cst.Attribute] = []
        self.self_assignments: list[tuple[cst.Attribute, cst.CSTNode]] = []  # target, Assign/AnnAssign/other
        self._attr_cache: dict[tuple[int, str], _Known] = {}
        ctx.cst_module.visit(_Collector(self))  # in text order
        for stmt in ctx.cst_module.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.returns is not None:
                entry = self.annotation_entry(stmt.returns.annotation)
                if entry is not None:
                    self.factories[stmt.name.value] = entry

    # -- name resolution ------------------------------------------------------------------

    def _absolute(self, name: str) -> str:
        level = len(name) - len(name.lstrip("."))
        if not level:
            return name
        if self.package is None or level - 1 > len(self.package):
            return name
        base = self.package[: len(self.package) - (level - 1)]
        return ".".join([*base, name[level:]]) if base else name[level:]

    def qualified(self, node: cst.CSTNode | str, anchor: cst.CSTNode) -> set[str]:
        scope = self.scopes.get(anchor)
        if scope is None:
            return set()
        return {self._absolute(q.name) for q in scope.get_qualified_names_for(node)}

    def entry_of(self, node: cst.CSTNode) -> Deprecation | None:
        """The entry a Name/Attribute refers to, when every binding of it agrees."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        found = {self.by_old.get(name) for name in self.qualified(node, node)}
        return found.pop() if len(found) == 1 else None

    def _class_ref(self, node: cst.CSTNode) -> Deprecation | None:
        entry = self.entry_of(node)
        return entry if entry is not None and entry.kind == "class" else None

    def annotation_entry(self, node: cst.BaseExpression) -> Deprecation | None:
        """The deprecated class an annotation names (also ``Optional[X]``, ``X | None``, ``"X"``)."""
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._class_ref(node)
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            if not isinstance(text, str) or (not _DOTTED.match(text) and not text.isidentifier()):
                return None
            found = {self.by_old.get(name) for name in self.qualified(text, node)}
            entry = found.pop() if len(found) == 1 else None
            return entry if entry is not None and entry.kind == "class" else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if isinstance(node.right, cst.Name) and node.right.value == "None":
                return self.annotation_entry(node.left)
            if isinstance(node.left, cst.Name) and node.left.value == "None":
                return self.annotation_entry(node.right)
            return None
        if isinstance(node, cst.Subscript) and dotted_name(node.value).rsplit(".", 1)[-1] in ("Optional", "Union"):
            inner = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            kept = [e for e in inner if not (isinstance(e, cst.Name) and e.value == "None")]
            return self.annotation_entry(kept[0]) if len(kept) == 1 else None
        return None

    # -- receivers ------------------------------------------------------------------------

    def instance_of(self, node: cst.BaseExpression, depth: int = 0) -> _Known:
        """The deprecated class ``node`` is known to be an instance of (and whether it is
        built by calling the class in this file), if any."""
        if depth > 6:
            return None
        if isinstance(node, cst.Await):
            return self.instance_of(node.expression, depth + 1) if isinstance(node.expression, cst.Call) else None
        if isinstance(node, cst.Call):
            entry = self._class_ref(node.func)
            if entry is not None:
                return entry, True
            found = (
                {self.factories.get(name) for name in self.qualified(node.func, node.func)}
                if isinstance(node.func, (cst.Name, cst.Attribute))
                else set()
            )
            factory = (found.pop() if len(found) == 1 else None) or self._method_factory(node.func)
            return (factory, False) if factory is not None else None
        if isinstance(node, cst.Name):
            return self._name_instance(node, depth)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            owner = self._method_owner(node)
            if owner is not None and owner[1] == node.value.value:
                return self._attribute_instance(owner[0], node.attr.value, depth)
        return None

    def _method_factory(self, func: cst.BaseExpression) -> Deprecation | None:
        """``self.make()`` where the class defines ``def make(self) -> Old``."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        owner = self._method_owner(func)
        if owner is None or owner[1] != func.value.value:
            return None
        for stmt in owner[0].body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == func.attr.value and stmt.returns is not None:
                return self.annotation_entry(stmt.returns.annotation)
        return None

    def _agree(self, evidence: Iterable[_Known | str]) -> _Known:
        """One entry if every piece of evidence names it (``"none"`` is neutral)."""
        found: set[Deprecation] = set()
        built = False
        for item in evidence:
            if item is None:
                return None
            if isinstance(item, tuple):
                found.add(item[0])
                built = built or item[1]
        return (found.pop(), built) if len(found) == 1 else None

    def _annotated(self, node: cst.BaseExpression) -> _Known:
        entry = self.annotation_entry(node)
        return (entry, False) if entry is not None else None

    def _value_evidence(self, value: cst.BaseExpression | None, depth: int) -> _Known | str:
        if isinstance(value, cst.Name) and value.value == "None":
            return "none"
        return self.instance_of(value, depth + 1) if value is not None else None

    def _name_instance(self, node: cst.Name, depth: int) -> _Known:
        scope = self.scopes.get(node)
        if scope is None:
            return None
        evidence: list[_Known | str] = []
        assignments = scope[node.value]
        if not assignments:
            return None
        for assignment in assignments:
            evidence.append(self._binding_evidence(assignment, depth))
        return self._agree(evidence)

    def _binding_evidence(self, assignment: BaseAssignment, depth: int) -> _Known | str:
        if not isinstance(assignment, cst.metadata.Assignment):
            return None
        target = assignment.node
        if isinstance(target, cst.Param):
            return self._annotated(target.annotation.annotation) if target.annotation else None
        parent = self.parents.get(target)
        if isinstance(parent, cst.AssignTarget):
            assign = self.parents.get(parent)
            return self._value_evidence(assign.value, depth) if isinstance(assign, cst.Assign) else None
        if isinstance(parent, cst.AnnAssign) and parent.target is target:
            return self._annotated(parent.annotation.annotation)
        return None

    def _method_owner(self, node: cst.CSTNode) -> tuple[cst.ClassDef, str] | None:
        """(class, name of the first parameter) of the method around ``node``."""
        current = self.parents.get(node)
        method: cst.FunctionDef | None = None
        while current is not None:
            if isinstance(current, cst.FunctionDef):
                method = current
            elif isinstance(current, cst.ClassDef):
                break
            current = self.parents.get(current)
        if method is None or current is None or self.parents.get(self.parents.get(method)) is not current:  # type: ignore[arg-type]
            return None
        params = method.params.params or method.params.posonly_params
        if not params or any(dotted_name(d.decorator) == "staticmethod" for d in method.decorators):
            return None
        return current, params[0].name.value

    def _attribute_instance(self, cls: cst.ClassDef, attr: str, depth: int) -> _Known:
        key = (id(cls), attr)
        if key in self._attr_cache:
            return self._attr_cache[key]
        self._attr_cache[key] = None  # a recursive question has no answer
        evidence: list[_Known | str] = []
        for stmt in cls.body.body:
            line = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
            for small in line:
                if (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and small.target.value == attr
                ):
                    evidence.append(self._annotated(small.annotation.annotation))
                elif isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == attr for t in small.targets
                ):
                    evidence.append(self._value_evidence(small.value, depth))
        for target, statement in self.self_assignments:
            if target.attr.value != attr:
                continue
            owner = self._method_owner(target)
            if owner is None or owner[0] is not cls or owner[1] != target.value.value:  # type: ignore[attr-defined]
                continue
            if isinstance(statement, cst.AnnAssign):
                evidence.append(self._annotated(statement.annotation.annotation))
            elif isinstance(statement, cst.AssignTarget) and isinstance(self.parents.get(statement), cst.Assign):
                evidence.append(self._value_evidence(self.parents[statement].value, depth))  # type: ignore[attr-defined]
            else:
                evidence.append(None)
        result = self._agree(evidence)
        self._attr_cache[key] = result
        return result

    # -- findings -------------------------------------------------------------------------

    def run(self, entries: Sequence[Deprecation]) -> Iterator[Diagnostic]:
        usages: dict[Deprecation, _Usage] = {entry: _Usage() for entry in entries}
        yield from self._calls(usages)
        yield from self._patch_targets()
        for entry, usage in usages.items():
            self._collect_references(entry, usage)
        for entry, usage in usages.items():
            yield from self._references(entry, usage)

    def _calls(self, usages: dict[Deprecation, _Usage]) -> Iterator[Diagnostic]:
        for call in self.calls:
            entry = self.entry_of(call.func)
            if entry is not None and entry.call is not None:
                usages.setdefault(entry, _Usage()).calls += 1
                yield self._call_diagnostic(call, entry, entry.call, None)
                continue
            if not isinstance(call.func, cst.Attribute):
                continue
            known = self.instance_of(call.func.value)
            if known is None:
                continue
            entry, built = known
            method = call.func.attr.value
            if method in entry.methods:
                usages.setdefault(entry, _Usage()).calls += 1
                yield self._call_diagnostic(call, entry, entry.methods[method], method, built)
            elif method in entry.new_methods and not built:
                continue  # already rewritten; the receiver's annotation follows with NL201
            elif entry.complete and not method.startswith("_") and method not in entry.members:
                usages.setdefault(entry, _Usage()).calls += 1
                yield self.ctx.diagnostic(
                    "NL203",
                    f"{entry.old_name} has no method {method}(): this call was broken before the deprecation",
                    self.ctx.cst_span(call),
                )

    def _call_diagnostic(
        self, call: cst.Call, entry: Deprecation, rule: CallRule, method: str | None, built: bool = False
    ) -> Diagnostic:
        what = f"{entry.old_name}.{method}()" if method else f"{entry.old_name}()"
        span = self.ctx.cst_span(call)
        plan = plan_call(call, rule)
        if rule.template is None or rule.fix == "report":
            advice = rule.guidance or entry.message
            if plan.problem:
                advice = f"{advice} ({plan.problem})"
            return self.ctx.diagnostic("NL202", f"{what} is deprecated: {advice}", span)
        target = f"{entry.new_name}.{rule.callee}()" if method else f"{entry.new_name}()"
        note = f" {rule.guidance}" if rule.guidance else ""
        if not plan.problem and method is None and not self._name_free(entry.new_name, call, entry.new):
            plan.problem = f"the name {entry.new_name} is already used for something else in this file"
        if not plan.problem and self._inside(call, cst.FormattedString):
            plan.problem = "the call is inside an f-string"
        if not plan.problem and built and entry.call is not None and entry.call.fix == "report":
            plan.problem = f"the receiver is built with {entry.old_name}(...) in this file; migrate that first"
        if plan.problem:
            return self.ctx.diagnostic("NL202", f"{what} is deprecated, use {target}; not fixed: {plan.problem}", span)
        if method is not None:
            assert isinstance(call.func, cst.Attribute)
            func: cst.BaseExpression = call.func.with_changes(attr=cst.Name(rule.callee or ""))
        else:
            func = cst.Name(entry.new_name)

        def edits() -> list[Edit]:
            found = [self._replace(call, render_call(call, rule, plan, func))]
            if method is None:
                found.extend(add_import(self.ctx, entry.new_module, entry.new_name))
            return found

        return self.ctx.diagnostic(
            "NL202",
            f"{what} is deprecated, use {target}.{note}",
            span,
            fix=edits,
            applicability=_LEVEL[rule.fix],
            fix_title=f"Rewrite as {target}",
        )

    def _inside(self, node: cst.CSTNode, kind: type[cst.CSTNode]) -> bool:
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, kind):
            parent = self.parents.get(parent)
        return parent is not None

    def _replace(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        """Replace ``old`` by ``new``, rendered with the indentation of the line it starts on.

        (A node rendered on its own loses the block indentation of its inner line breaks.)
        """
        start, end = self.ctx.cst_span(old)
        source = self.ctx.source
        line = source.line_text(source.location(start)[0])
        module = self.ctx.cst_module
        # The code generator Module.code uses (not public API; checker.py records spans with it too).
        from libcst._nodes.internal import CodegenState

        state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
        state.indent_tokens.append(line[: len(line) - len(line.lstrip(" \t"))])
        new._codegen(state)
        return Edit(start, end, "".join(state.tokens))

    def _name_free(self, name: str, at: cst.CSTNode, qualified: str) -> bool:
        """True if ``name`` at ``at`` (and at module level) is unbound or already ``qualified``."""
        for anchor in (at, self.ctx.cst_module.body[0] if self.ctx.cst_module.body else at):
            scope: Scope | None = self.scopes.get(anchor)
            if scope is None:
                return False
            if scope[name] and self.qualified(name, anchor) != {qualified}:
                return False
        return True

    def _patch_targets(self) -> Iterator[Diagnostic]:
        """``mock.patch("pkg.mod.Old")`` and ``patch("pkg.mod.Old.method")`` strings."""
        for call in self.calls:
            if dotted_name(call.func).rsplit(".", 1)[-1] != "patch" or not call.args:
                continue
            target = next(
                (a.value for a in call.args if a.keyword is not None and a.keyword.value == "target"),
                call.args[0].value,
            )
            if (
                call.args[0].keyword is not None
                and target is call.args[0].value
                and call.args[0].keyword.value != "target"
            ):
                continue
            if not isinstance(target, cst.SimpleString) or not isinstance(target.evaluated_value, str):
                continue
            text = target.evaluated_value
            entry = self.by_old.get(text)
            member = ""
            if entry is None:
                head, _, member = text.rpartition(".")
                entry = self.by_old.get(head)
                if entry is None:
                    continue
            span = self.ctx.cst_span(target)
            if member:
                yield self.ctx.diagnostic(
                    "NL201", f"patch target names {entry.old_name}.{member}, which is deprecated: {entry.text()}", span
                )
                continue
            fixable = entry.fix != "report" and target.prefix.lower() in ("", "r")
            edit = Edit(span[0], span[1], f"{target.prefix}{target.quote}{entry.new}{target.quote}")
            yield self.ctx.diagnostic(
                "NL201",
                f"patch target {text} is deprecated: {entry.text()}",
                span,
                fix=partial(list, [edit]) if fixable else None,
                applicability=Applicability.UNSAFE if fixable else None,
                fix_title=f"Patch {entry.new} (the code under test must use it too)",
            )

    # -- imports and references -----------------------------------------------------------

    def _context(self, node: cst.CSTNode) -> str:
        """Where a reference stands: annotation, isinstance, base, call or value."""
        child, parent = node, self.parents.get(node)
        while parent is not None and isinstance(parent, _transparent()):
            child, parent = parent, self.parents.get(parent)
        probe = parent
        while probe is not None and not isinstance(probe, (cst.BaseStatement, cst.BaseSmallStatement)):
            if isinstance(probe, cst.Annotation):
                return "annotation"
            probe = self.parents.get(probe)
        if isinstance(parent, cst.Call) and child is parent.func:
            return "call"
        if isinstance(parent, cst.Arg):
            owner = self.parents.get(parent)
            if isinstance(owner, cst.ClassDef) and parent in owner.bases:
                return "base"
            if (
                isinstance(owner, cst.Call)
                and dotted_name(owner.func) in ("isinstance", "issubclass")
                and len(owner.args) == 2
                and owner.args[1] is parent
            ):
                return "isinstance"
        if isinstance(parent, cst.ExceptHandler):
            return "isinstance"
        return "value"

    def _collect_references(self, entry: Deprecation, usage: _Usage) -> None:
        for node in self.import_froms:
            if isinstance(node.names, cst.ImportStar) or not (node.module or node.relative):
                continue
            module = self._absolute("." * len(node.relative) + dotted_name(node.module))
            for alias in node.names:
                if self.by_old.get(f"{module}.{dotted_name(alias.name)}") is entry:
                    usage.aliases.append((node, alias))
                    self._alias_references(entry, usage, node, alias)
        for attribute in self.attributes:
            if self.entry_of(attribute) is entry and dotted_name(attribute):
                usage.attributes.append(attribute)
                self._classify(entry, usage, attribute, None, "")
                if not self._name_free(entry.new_name, attribute, entry.new):
                    usage.blockers.append(f"the name {entry.new_name} is already used for something else")
        if entry.fix == "report":
            usage.blockers.insert(0, entry.guidance or "the pack marks it report-only")
        if usage.calls:
            usage.blockers.append(f"{usage.calls} call(s) of it remain (NL202/NL203)")

    def _alias_references(
        self, entry: Deprecation, usage: _Usage, node: cst.ImportFrom, alias: cst.ImportAlias
    ) -> None:
        local = alias.evaluated_alias or dotted_name(alias.name)
        if alias.evaluated_alias == dotted_name(alias.name):
            usage.blockers.append(f"{local} is re-exported here")
        if self._in_dunder_all(local):
            usage.blockers.append(f"{local} is listed in __all__")
        scope = self.scopes.get(node)
        if scope is None:
            usage.blockers.append("its scope is unknown")
            return
        rename = None if alias.asname else entry.new_name
        for assignment in scope.assignments[local]:
            if not isinstance(assignment, cst.metadata.ImportAssignment) or assignment.node is not node:
                continue
            for access in assignment.references:
                if any(not self._imports_entry(r, local, entry) for r in access.referents):
                    usage.blockers.append(f"{local} is also bound to something else")
                self._classify(entry, usage, access.node, rename, local)
        if rename is not None and not self._name_free(rename, node, entry.new):
            usage.blockers.append(f"the name {rename} is already used for something else")

    def _imports_entry(self, assignment: BaseAssignment, local: str, entry: Deprecation) -> bool:
        if not isinstance(assignment, cst.metadata.ImportAssignment):
            return False
        node = assignment.node
        if not isinstance(node, cst.ImportFrom):
            return False
        if isinstance(node.names, cst.ImportStar):
            return False
        module = self._absolute("." * len(node.relative) + dotted_name(node.module))
        return any(
            (a.evaluated_alias or dotted_name(a.name)) == local
            and self.by_old.get(f"{module}.{dotted_name(a.name)}") is entry
            for a in node.names
        )

    def _classify(self, entry: Deprecation, usage: _Usage, node: cst.CSTNode, rename: str | None, local: str) -> None:
        context = "annotation" if isinstance(node, cst.SimpleString) else self._context(node)
        if context == "base":
            usage.bases.append(node)
            usage.blockers.append("a class inherits from it")
        elif context == "value" or (context == "call" and entry.call is None):
            usage.values += 1
        if rename is not None:
            usage.renames.append((node, rename, local))

    def _in_dunder_all(self, name: str) -> bool:
        for stmt in self.ctx.cst_module.body:
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                if not isinstance(small, cst.Assign):
                    continue
                if any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in small.targets):
                    values = small.value
                    if isinstance(values, (cst.List, cst.Tuple)) and any(
                        isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == name
                        for e in values.elements
                    ):
                        return True
        return False

    def _references(self, entry: Deprecation, usage: _Usage) -> Iterator[Diagnostic]:
        applicability: Applicability | None = None
        if not usage.blockers:
            unsafe = entry.fix == "unsafe" or (usage.values and not entry.drop_in)
            applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
        suffix = f" Not fixed: {'; '.join(dict.fromkeys(usage.blockers))}." if usage.blockers else ""
        fix = (lambda: self._import_edits(entry, usage)) if applicability is not None else None
        title = f"Use {entry.new}"
        # Every import alias and attribute reference shares the one all-or-nothing fix.
        references = [(alias, alias.name) for _, alias in usage.aliases] + [(a, a) for a in usage.attributes]
        for node, name in references:
            yield self.ctx.diagnostic(
                "NL201",
                f"{dotted_name(name)} is deprecated: {entry.text()}{suffix}",
                self.ctx.cst_span(node),
                fix=fix,
                applicability=applicability,
                fix_title=title,
            )
        for base in usage.bases:
            yield self.ctx.diagnostic(
                "NL201",
                f"class inherits from deprecated {entry.old_name}: migrate it by hand; {entry.text()}",
                self.ctx.cst_span(base),
            )

    def _import_edits(self, entry: Deprecation, usage: _Usage) -> list[Edit]:
        """Rewrite every import and reference of ``entry`` in the file at once, or nothing."""
        ctx = self.ctx
        edits: list[Edit] = []
        grouped: dict[cst.ImportFrom, list[cst.ImportAlias]] = {}
        for node, alias in usage.aliases:
            grouped.setdefault(node, []).append(alias)
        written: set[tuple[str, str, str | None]] = set()
        for node, dropped in grouped.items():
            wanted = list(dict.fromkeys((entry.new_module, entry.new_name, a.evaluated_alias) for a in dropped))
            kept = [a for a in node.names if a not in dropped]  # type: ignore[union-attr]
            if (
                not kept
                and len(dropped) == 1
                and wanted[0] not in written
                and not has_import(ctx.cst_module, *wanted[0])
            ):
                new_node = node.with_changes(
                    module=cst.parse_expression(entry.new_module),
                    relative=(),
                    names=[dropped[0].with_changes(name=cst.Name(entry.new_name))],
                )
                edits.append(self._replace(node, new_node))
                written.add(wanted[0])
                continue
            line = self.parents.get(node)
            if not isinstance(line, cst.SimpleStatementLine) or self.parents.get(line) is not ctx.cst_module:
                return []  # sharing a statement below module level: left to a human
            if kept:
                last = node.names[-1]  # type: ignore[index]
                if last in dropped:
                    kept[-1] = kept[-1].with_changes(comma=last.comma)
                edits.append(self._replace(node, node.with_changes(names=kept)))
            elif len(line.body) == 1:
                edits.append(remove_line(ctx, line))
            else:
                return []
            for item in wanted:
                if item not in written:
                    edits.extend(add_import(ctx, *item))
                    written.add(item)
        for ref, name, local in usage.renames:
            if isinstance(ref, cst.SimpleString):
                text = re.sub(rf"(?<![\w.]){re.escape(local)}(?!\w)", name, ref.value)
                edits.append(replace_node(ctx, ref, text))
            else:
                edits.append(replace_node(ctx, ref, name))
        plain = (entry.new_module, entry.new_name, None)
        for attribute in usage.attributes:
            edits.append(replace_node(ctx, attribute, entry.new_name))
            if plain not in written:
                edits.extend(add_import(ctx, *plain))
                written.add(plain)
        return edits


# -- the rule family ----------------------------------------------------------------------

_CALL_EXAMPLE = """\
## Example
With a pack entry `old = ["acme.http.Client"]`, `new = "acme.http2.HttpClient"` and the
method `old = "fetch(url, timeout=10)"`, `new = "get(url, timeout_s=timeout)"`:
```python
from acme.http import Client

async def load(client: Client, path: str) -> bytes:
    return await client.fetch(path, 5) + await client.fetch(path)
```
Use instead:
```python
from acme.http2 import HttpClient

async def load(client: HttpClient, path: str) -> bytes:
    return await client.get(path, timeout_s=5) + await client.get(path)
```
(NL202 rewrites the calls, then NL201 the import and the annotation.)
"""


class DeprecatedApiChecker(Checker):
    """Finds uses of deprecated project APIs that rule packs describe, and rewrites them."""

    rules = (
        RuleInfo(
            code="NL201",
            name="deprecated-import",
            summary="Import of, or reference to, a deprecated class or function named by a rule pack.",
            doc="""\
## What it does
Reports every import of a name that a rule pack (`[[deprecated-api]]`) declares deprecated,
under any of its import paths and aliases; references through its module
(`http_module.Client`); classes inheriting from it; and
`mock.patch("pkg.module.Old")` / `patch("pkg.module.Old.method")` target strings.
Names are matched by where they were imported from, never by their spelling.

## Why is this bad?
The deprecated name will go away, and until it does, new code keeps being written
against it.

## Example
With a pack entry `old = ["acme.http.Client", "acme.Client"]`, `new = "acme.http2.HttpClient"`:
```python
from acme.http import Client

def is_client(obj: object) -> bool:
    return isinstance(obj, Client)
```
Use instead:
```python
from acme.http2 import HttpClient

def is_client(obj: object) -> bool:
    return isinstance(obj, HttpClient)
```

## Fix safety
At the level the pack gives (`fix = "safe" | "unsafe" | "report"`). The fix rewrites the
import and every reference in the file together, or nothing. It is withheld while the
file still needs the old class: a constructor or method call that NL202/NL203 report
(renaming the import first would hide those calls and break them), a subclass, a
re-export (`__all__`, `import X as X`) or a name clash. Annotations, `isinstance` checks
and `except` clauses are renamed at the pack's level; other uses of the class as a value
(`Mock(spec=Old)`, passing it around) make the fix unsafe when the new API differs. An
aliased import keeps its alias. A `mock.patch` string is rewritten only as an unsafe fix:
the patch is right only once the code under test uses the new name too.
""",
            fix="per pack",
        ),
        RuleInfo(
            code="NL202",
            name="deprecated-call",
            summary="Call of a deprecated method or constructor; rewritten by binding its arguments to the old signature.",
            doc=f"""\
## What it does
Reports calls of the methods a rule pack declares deprecated, on receivers known to be
the deprecated class: `x = Old(...)`, `self.attr` assigned or annotated in the class,
parameters and variables annotated `Old` / `Optional[Old]` / `Old | None` / `"Old"`,
functions annotated `-> Old` and factories the pack lists. Also calls of a deprecated
constructor or function that has a `call` entry. A method with the same name on any
other class is left alone.

## Why is this bad?
The old API goes away and the new one has other names, parameters and orders: a rename
by name alone breaks code silently.

{_CALL_EXAMPLE}
## Fix safety
At the level the pack gives. The call's arguments are bound to the old signature exactly
as Python would; the bound expressions replace the parameter names of the template;
template keywords whose parameters were left at their defaults are dropped. `await`,
the receiver, comments and line breaks stay. No fix (only the reason) when the call
unpacks `*args`/`**kwargs`, passes an argument the template doesn't use, doesn't bind
(it was already broken), or the rewrite would evaluate an expression with side effects
twice or in another order.

{PACK_FORMAT}""",
            fix="per pack",
        ),
        RuleInfo(
            code="NL203",
            name="deprecated-member",
            summary="Call of a method that the deprecated class never had.",
            doc="""\
## What it does
Reports a call, on a receiver known to be a deprecated class whose pack entry says
`complete = true`, of a public method that is neither in its `methods` nor its `members`.

## Why is this bad?
The call raised `AttributeError` before the deprecation already; migrating it blindly
hides a bug.

## Example
```python
client = Client("https://api")
client.fetch_json("/items")  # Client never had fetch_json
```

## Fix safety
No fix: decide what the call was meant to do.
""",
            fix="report",
        ),
    )
    pack_sections = (SECTION,)

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        entries: list[Deprecation] = self.packs(SECTION)
        self.by_old = {name: entry for entry in entries for name in entry.old}
        self.factories = {name: entry for entry in entries for name in entry.factories}
        self.entry_needles = {
            entry: {name.rsplit(".", 1)[1] for name in (*entry.old, *entry.factories)} for entry in entries
        }

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Deprecation]:
        if not isinstance(value, list):
            raise PackError(f"{origin}: [{section}] must be an array of tables ([[{section}]])")
        return [parse_entry(item, origin, number) for number, item in enumerate(value, start=1)]

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        validate_all(entries)

    def needles(self) -> Collection[str]:
        return sorted({needle for found in self.entry_needles.values() for needle in found})

    def banned_apis(self) -> dict[str, str]:
        return {name: f"Deprecated: use `{entry.new}` instead." for entry in self.by_old.values() for name in entry.old}

    def focus(self, ctx: FileContext) -> Collection[str]:
        """Code that reaches a deprecated name, and the names a fix may bring in."""
        seeds = {*self.needles(), *(entry.new_name for entry in self.by_old.values())}
        return related_identifiers(ctx.ast_tree, ctx.text, seeds)

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        text = ctx.text
        entries = [entry for entry, found in self.entry_needles.items() if any(n in text for n in found)]
        if not entries or not _named_in_code(ctx.ast_tree, {n for e in entries for n in self.entry_needles[e]}):
            return
        yield from _Analysis(ctx, self.by_old, self.factories).run(entries)


def _named_in_code(tree: ast.AST, names: set[str]) -> bool:
    """Whether the names occur in code or in a dotted string (a patch target), not only in
    comments and prose: a cheap stdlib-AST look before the LibCST parse and scope analysis."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id in names) or (
            isinstance(node, ast.Attribute) and node.attr in names
        ):
            return True
        if isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in names:
            return True
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _DOTTED.match(node.value)
            and names.intersection(node.value.split("."))
        ):
            return True
    return False
