"""NL102: keyword and positional arguments of connect/serve/broadcast that only the legacy
implementation accepts, and their rewrite."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ...checker import RuleInfo
from ...diagnostics import Edit
from ...importedits import dotted_name, has_import, replace_node
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group, block
from .pack import LegacyArgument, LegacyName
from .syntax import split
from .version import Version

RULE = RuleInfo(
    code="NL102",
    name="legacy-websockets-argument",
    summary="Legacy argument of connect/serve/broadcast",
    fix="safe / unsafe / report",
    doc="""\
## What it does
Finds keyword arguments of `connect`, `unix_connect`, `serve`, `unix_serve` and
`broadcast` that only the legacy implementation accepts: `extra_headers`, `loop`,
`timeout`, `read_limit`, `legacy_recv`, `klass`, `create_protocol`, `ws_handler`,
`origins=[""]`, and the positional `raise_exceptions` of `broadcast`; and the reconnect
loop `async for ws in connect(...)` of the legacy client, whose retry policy the new one
doesn't keep unless told.

## Why is this bad?
The new implementation forwards unknown keywords to the event loop, which fails with
`TypeError: create_connection() got an unexpected keyword argument` when the
connection opens. `broadcast(..., raise_exceptions)` is keyword-only since 17.0.

## Example
```python
from websockets.asyncio.client import connect

async def fetch(uri, loop, headers):
    ws = await connect(uri, loop=loop, timeout=5, extra_headers=headers)
    return await ws.recv()
```
Use instead:
```python
from websockets.asyncio.client import connect

async def fetch(uri, loop, headers):
    ws = await connect(uri, close_timeout=5, additional_headers=headers)
    return await ws.recv()
```

## Fix safety
Safe: `extra_headers` → `additional_headers` (client), `timeout` → `close_timeout`,
`ws_handler` → `handler`, dropping `loop`, `read_limit` and `legacy_recv=False`,
`origins` `""` → `None`, and a server `extra_headers` that only sets `Server` →
`server_header=`. On a legacy callee these are applied only together with the switch of
the callee (see NL101). Unsafe: other static server `extra_headers` → a `process_response`
that adds them (they are then added after the handshake response is built, also to a
response `process_request` returns); `legacy_recv=True` dropped (`recv()` raises
`ConnectionClosed` instead of returning `None`); `create_protocol`/`klass` naming a class
of the file that already subclasses the new connection class → `create_connection=`;
`create_protocol=basic_auth_protocol_factory(...)` → `process_request=basic_auth(...)`
when the factory call is written inline, takes no `create_protocol` itself and `serve()`
has no other `process_request` (misuse raises `ValueError` instead of `TypeError`); and
`async for ws in connect(...)` of the legacy client, which retried after any error while
the new one stops on most HTTP errors: the fix adds `process_exception=lambda exc: None`,
the legacy policy. Computed server `extra_headers` and other `create_protocol` values are
reported with guidance. `subprotocols=` is noted (the default negotiation changed) unless
`select_subprotocol=` decides it.

Version dependent: whether the top-level `websockets.connect`/`serve`/`broadcast` is a
legacy callee (rewritten with its switch) or the new one (its arguments rewritten alone)
depends on the websockets version the file's directory runs (below 14: legacy; see NL101).
The arguments the fix writes are those of the new implementation (websockets 13.0:
`server_header`, `process_response`, `create_connection`); `basic_auth`,
`process_exception` and the reconnecting `async for` need websockets 13.1: where the
directory may run an older release, the call is reported and not rewritten. The
positional `raise_exceptions` of `broadcast` is reported whatever the version: positional
use stops working at 17.0.
""",
)


@dataclass
class _Rewrites:
    """The argument edits of one call that go into one group."""

    group: Group
    changes: dict[int, str | None] = field(default_factory=dict)  # index -> keyword (None: delete)
    values: list[Callable[[], list[Edit]]] = field(default_factory=list)  # edits inside values

    def add_to_group(self, analysis: FileAnalysis, call: cst.Call) -> None:
        if self.changes or self.values:
            changes, values = self.changes, self.values
            self.group.add(lambda: _argument_edits(analysis, call, changes, values))


class _Call(NamedTuple):
    """One call of a websockets callable, as the argument checks see it."""

    node: cst.Call
    role: str
    legacy: Group | None  # the group of a legacy callee (blocked by what has no rewrite)
    keywords: set[str]

    @property
    def callee(self) -> str:
        return f"the new `{self.role}()`"


def check_arguments(analysis: FileAnalysis, node: cst.Call, role: str, legacy: Group | None, group: Group) -> None:
    """The arguments of one call of a websockets callable; ``legacy``: the group of a legacy
    callee, ``group``: where its safe rewrites go (the legacy group, or one of the call's own)."""
    call = _Call(node, role, legacy, {a.keyword.value for a in node.args if a.keyword is not None})
    safe = _Rewrites(group)
    unsafe = _Rewrites(legacy if legacy is not None else Group())
    for index, arg in enumerate(node.args):
        if arg.star:
            if legacy is not None:
                legacy.block("the call passes *args/**kwargs that can't be checked")
            continue
        if arg.keyword is None:
            rule = analysis.tables.positional.get((role, index))
            if rule is not None:
                analysis.report(
                    "NL102", f"pass `{rule.to}=` by keyword: it is keyword-only in {call.callee}", arg, group
                )
                safe.changes[index] = rule.to
            continue
        spec = analysis.tables.arguments.get((arg.keyword.value, role))
        if spec is not None:
            _check_argument(analysis, call, index, arg, spec, safe, unsafe)
    if role in ("connect", "unix_connect") and legacy is not None:
        _reconnect_loop(analysis, call, unsafe)
    safe.add_to_group(analysis, node)
    if unsafe.changes or unsafe.values:
        unsafe.group.make_unsafe()
    unsafe.add_to_group(analysis, node)


def _check_argument(
    analysis: FileAnalysis,
    call: _Call,
    index: int,
    arg: cst.Arg,
    spec: LegacyArgument,
    safe: _Rewrites,
    unsafe: _Rewrites,
) -> None:
    name = spec.name
    if spec.action == "rename":
        if spec.to not in call.keywords:
            safe.changes[index] = spec.to
            analysis.report("NL102", f"`{name}=` is legacy; {call.callee} calls it `{spec.to}=`", arg, safe.group)
        elif spec.drop_duplicate:
            safe.changes[index] = None
            text = f"`{name}=` is legacy and `{spec.to}=` is already given: remove it"
            analysis.report("NL102", text, arg, safe.group)
        else:
            text = f"`{name}=` is legacy and `{spec.to}=` is also given: keep one"
            _report_only(analysis, call, arg, text, f"both `{name}=` and `{spec.to}=` are given")
    elif spec.action == "drop":
        safe.changes[index] = None
        analysis.report("NL102", f"`{name}=` is not accepted by {call.callee}: remove it", arg, safe.group)
    elif spec.action == "drop-if-false":
        if _is_false(arg.value):
            safe.changes[index] = None
            text = f"`{name}=False` is the default and not accepted by {call.callee}: remove it"
            analysis.report("NL102", text, arg, safe.group)
        else:
            unsafe.changes[index] = None
            text = f"`{name}=` is not accepted by {call.callee}: the fix removes it (unsafe: {spec.advice})"
            analysis.report("NL102", text, arg, unsafe.group)
    elif spec.action == "empty-origin":
        empties = _empty_origins(arg.value)
        if empties:
            text = '`origins=[""]` is legacy; the new `serve()` spells "no Origin header" as `None`'
            analysis.report("NL102", text, arg, safe.group)
            safe.values.append(functools.partial(_replace_all, analysis, empties, "None"))
    elif spec.action == "note":
        if call.legacy is not None and spec.unless not in call.keywords:
            # same argument, new meaning: worth knowing while switching
            analysis.report("NL102", f"`{name}=` keeps its name in {call.callee} but {spec.advice}", arg)
    elif spec.action == "response-headers":
        _response_headers(analysis, call, index, arg, spec, safe, unsafe)
    elif spec.action == "connection-class" and spec.factory and _factory_rewritable(analysis, arg, spec, call):
        _factory(analysis, arg, spec, call, unsafe.group)
    elif spec.action == "connection-class" and _ported_class(analysis, arg.value, call.role):
        unsafe.changes[index] = spec.to
        text = (
            f"`{name}=` is legacy; {call.callee} takes the class as `{spec.to}=` "
            "(unsafe: check that the class keeps working when the new connection builds it)"
        )
        analysis.report("NL102", text, arg, unsafe.group)
    else:
        _report_only(analysis, call, arg, f"`{name}=` is not accepted by {call.callee}: {spec.advice}")


def _report_only(analysis: FileAnalysis, call: _Call, arg: cst.Arg, text: str, reason: str = "") -> None:
    """An argument with no mechanical rewrite: it keeps a legacy callee from being switched."""
    analysis.report("NL102", text, arg, about=call.legacy)
    block(call.legacy, reason or f"`{dotted_name(arg.keyword)}=` has no mechanical replacement")


def _is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _replace_all(analysis: FileAnalysis, nodes: list[cst.CSTNode], text: str) -> list[Edit]:
    return [replace_node(analysis.ctx, node, text) for node in nodes]


def _empty_origins(value: cst.BaseExpression) -> list[cst.CSTNode]:
    if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return []
    return [
        e.value
        for e in value.elements
        if isinstance(e, cst.Element) and isinstance(e.value, cst.SimpleString) and e.value.evaluated_value in ("", b"")
    ]


# -- create_protocol=basic_auth_protocol_factory(...) → process_request=basic_auth(...) ----------


def _factory_entry(analysis: FileAnalysis, value: cst.BaseExpression) -> LegacyName | None:
    ref = analysis.resolve(value.func) if isinstance(value, cst.Call) else None
    return analysis.legacy_entry(ref.qualified) if ref is not None else None


def _factory_rewritable(analysis: FileAnalysis, arg: cst.Arg, spec: LegacyArgument, call: _Call) -> bool:
    """`create_protocol=basic_auth_protocol_factory(...)` with nothing the new callback can't take."""
    entry = _factory_entry(analysis, arg.value)
    if entry is None or entry.role != spec.factory or spec.factory_to in call.keywords:
        return False
    assert isinstance(arg.value, cst.Call)
    return not any(a.star or (a.keyword is not None and a.keyword.value == spec.name) for a in arg.value.args)


def _factory(analysis: FileAnalysis, arg: cst.Arg, spec: LegacyArgument, call: _Call, unsafe: Group) -> None:
    """Report a rewritable legacy factory argument; its rewrite is unsafe, so is its group."""
    unsafe.make_unsafe()
    assert isinstance(arg.value, cst.Call)
    entry = _factory_entry(analysis, arg.value)
    assert entry is not None
    new = entry.new
    # The factory's import goes with the last call that needs it: one group for all of them.
    analysis.rewritten_factories.add(arg.value.func)
    key = analysis.group_key(analysis.resolve(arg.value.func), entry)  # type: ignore[arg-type]
    if ("call", arg.value.func) in analysis.groups:
        unsafe.join(analysis.groups[("call", arg.value.func)])
    elif key is not None:
        unsafe.join(analysis.group(key))
    analysis.report(
        "NL102",
        f"`{spec.name}={dotted_name(arg.value.func)}(...)` is legacy; pass `{spec.factory_to}={split(new)[1]}(...)` "
        f"to {call.callee} (same realm and credentials; misuse raises ValueError instead of TypeError)",
        arg,
        unsafe,
    )
    unsafe.add(functools.partial(_factory_edits, analysis, arg, spec.factory_to, new))


def _factory_edits(analysis: FileAnalysis, arg: cst.Arg, keyword: str, new: str) -> list[Edit]:
    assert isinstance(arg.value, cst.Call) and arg.keyword is not None
    ctx = analysis.ctx
    module, name = split(new)
    if name in analysis.resolver.bound_names and not has_import(analysis.module, module, name):
        callee, imports = new, analysis.add_import(module)
    else:
        callee, imports = name, analysis.add_import(module, name)
    return [replace_node(ctx, arg.keyword, keyword), replace_node(ctx, arg.value.func, callee), *imports]


# -- create_protocol=/klass= a class already written for the new implementation -------------------

_CONNECTION_CLASS = {
    "connect": "client-connection",
    "unix_connect": "client-connection",
    "serve": "server-connection",
    "unix_serve": "server-connection",
}


def _ported_class(analysis: FileAnalysis, value: cst.BaseExpression, role: str) -> bool:
    """``value`` names a class of this file that subclasses the new connection class of ``role``."""
    node = analysis.resolver.binding_node(value)
    if not isinstance(node, cst.ClassDef):
        return False
    for base in node.bases:
        ref = analysis.resolve(base.value)
        if ref is not None and analysis.tables.receiver_classes.get(ref.qualified) == _CONNECTION_CLASS.get(role):
            return True
    return False


# -- serve(extra_headers=...) → server_header= / process_response= -------------------------------


class _Header(NamedTuple):
    name: str  # as written, a string literal
    key: cst.BaseExpression
    value: cst.BaseExpression


def _literal(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _static_headers(value: cst.BaseExpression) -> list[_Header] | None:
    """The headers of a dict, or a list or tuple of pairs, written out with literal names;
    None for anything else (a variable could be a callable, computed at each handshake)."""
    pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                return None
            pairs.append((element.key, element.value))
    elif isinstance(value, (cst.List, cst.Tuple)):
        for item in value.elements:
            pair = item.value
            if not (
                isinstance(item, cst.Element)
                and isinstance(pair, cst.Tuple)
                and len(pair.elements) == 2
                and all(isinstance(e, cst.Element) for e in pair.elements)
            ):
                return None
            pairs.append((pair.elements[0].value, pair.elements[1].value))
    else:
        return None
    headers = []
    for key, written in pairs:
        name = _literal(key)
        if name is None:
            return None
        headers.append(_Header(name, key, written))
    return headers


def _response_headers(
    analysis: FileAnalysis,
    call: _Call,
    index: int,
    arg: cst.Arg,
    spec: LegacyArgument,
    safe: _Rewrites,
    unsafe: _Rewrites,
) -> None:
    """Static headers: `Server` becomes `server_header=` (safe), the others are added by a
    `process_response` (unsafe: after the response is built). Anything else is reported."""
    headers = _static_headers(arg.value)
    hidden = any(a.star for a in call.node.args)  # **kwargs may pass server_header= or process_response=
    if headers is None or hidden:
        _report_only(analysis, call, arg, f"`{spec.name}=` is not accepted by {call.callee}: {spec.advice}")
        return
    server = [h for h in headers if h.name.lower() == "server"]
    others = [h for h in headers if h.name.lower() != "server"]
    taken = [k for k, needed in (("server_header", server), ("process_response", others)) if needed]
    clash = [k for k in taken if k in call.keywords]
    why = (
        f"`{clash[0]}=` is also given"
        if clash
        else "it sets Server twice"
        if len(server) > 1
        else "the header values are not all string literals"
        if any(_literal(h.value) is None for h in others)
        else ""
    )
    if why:
        text = f"`{spec.name}=` is not accepted by {call.callee}: {spec.advice} ({why})"
        _report_only(analysis, call, arg, text, f"`{spec.name}=` can't be rewritten: {why}")
        return
    if not headers:
        safe.changes[index] = None
        analysis.report("NL102", f"`{spec.name}=` is not accepted by {call.callee}: remove it", arg, safe.group)
        return
    parts = [f"server_header={_text(analysis, server[0].value)}"] if server else []
    if others:
        added = _text(analysis, arg.value) if not server else _pairs(analysis, others)
        parts.append(f"process_response=lambda connection, request, response: response.headers.update({added})")
        text = (
            f"`{spec.name}=` is legacy; pass {call.callee} a `process_response=` that adds the headers "
            "(they are then added after the handshake response is built, also to a response "
            "that `process_request` returns)"
        )
    else:
        text = f"`{spec.name}=` is legacy; {call.callee} sets the Server header with `server_header=`"
    target = unsafe if others else safe
    analysis.report("NL102", text, arg, target.group)
    target.values.append(lambda: [replace_node(analysis.ctx, arg, ", ".join(parts))])


def _text(analysis: FileAnalysis, node: cst.CSTNode) -> str:
    start, end = analysis.ctx.cst_span(node)
    return analysis.ctx.text[start:end]


def _pairs(analysis: FileAnalysis, headers: list[_Header]) -> str:
    return "[" + ", ".join(f"({_text(analysis, h.key)}, {_text(analysis, h.value)})" for h in headers) + "]"


# -- async for ws in connect(...): the reconnect loop --------------------------------------------

RECONNECT_SINCE: Version = (13, 1, 0, 0)


def _reconnect_loop(analysis: FileAnalysis, call: _Call, unsafe: _Rewrites) -> None:
    """The legacy client's reconnect loop retried after any error; the new one gives up on
    most HTTP errors unless ``process_exception`` says otherwise (``lambda exc: None``: retry)."""
    loop = analysis.resolver.parent(call.node)
    if not (isinstance(loop, cst.For) and loop.iter is call.node and loop.asynchronous is not None):
        return
    if "process_exception" in call.keywords:
        return
    text = (
        f"`async for ... in {call.role}(...)` reconnects: the legacy client retried after any error, "
        f"{call.callee} stops on HTTP errors other than 500, 502, 503 and 504 (a 403 ends the loop); "
        "pass `process_exception=lambda exc: None` to keep the legacy policy"
    )
    group = unsafe.group
    analysis.report("NL102", text, call.node, group)
    group.make_unsafe()
    group.require(RECONNECT_SINCE, "reconnecting with `async for ... in connect()`")
    group.add(lambda: [_append_argument(analysis, call.node, "process_exception=lambda exc: None")])


def _append_argument(analysis: FileAnalysis, call: cst.Call, text: str) -> Edit:
    ctx = analysis.ctx
    if not call.args:
        end = ctx.cst_span(call)[1] - 1  # before the closing parenthesis
        return Edit(end, end, text)
    last = call.args[-1]
    end = ctx.cst_span(last)[1]
    if isinstance(last.comma, cst.Comma):
        comma = ctx.text.index(",", end)
        return Edit(comma + 1, comma + 1, f" {text},")
    return Edit(end, end, f", {text}")


# -- the edits of one call's arguments -------------------------------------------------------------


def _argument_edits(
    analysis: FileAnalysis,
    call: cst.Call,
    changes: dict[int, str | None],
    value_edits: list[Callable[[], list[Edit]]],
) -> list[Edit] | None:
    ctx = analysis.ctx
    args = list(call.args)
    edits: list[Edit] = [e for produce in value_edits for e in produce()]
    index = 0
    while index < len(args):
        if index in changes and changes[index] is None:
            last = index
            while last + 1 < len(args) and last + 1 in changes and changes[last + 1] is None:
                last += 1
            if last + 1 < len(args):
                start, end = ctx.cst_span(args[index])[0], ctx.cst_span(args[last + 1])[0]
            elif index > 0:
                start, end = ctx.cst_span(args[index - 1])[1], ctx.cst_span(args[last])[1]
            else:
                return None
            if "#" in ctx.text[start:end]:
                # Keep comments: delete each argument and its comma only, not the lines between.
                edits.extend(_delete_argument_text(analysis, arg) for arg in args[index : last + 1])
            else:
                edits.append(Edit(start, end))
            index = last + 1
            continue
        keyword = changes.get(index)
        if keyword is not None:
            arg = args[index]
            if arg.keyword is not None:
                edits.append(replace_node(ctx, arg.keyword, keyword))
            else:
                start = ctx.cst_span(arg)[0]
                edits.append(Edit(start, start, f"{keyword}="))
        index += 1
    return edits


def _delete_argument_text(analysis: FileAnalysis, arg: cst.Arg) -> Edit:
    """One argument with its comma and the spaces after it, up to a comment or line end."""
    start, end = analysis.ctx.cst_span(arg)
    text = analysis.ctx.text
    cursor = end
    while cursor < len(text) and text[cursor] in " \t":
        cursor += 1
    if cursor < len(text) and text[cursor] == ",":
        cursor += 1
        while cursor < len(text) and text[cursor] in " \t":
            cursor += 1
        end = cursor
    return Edit(start, end)
