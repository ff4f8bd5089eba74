"""NL102: keyword and positional arguments of connect/serve/broadcast that only the legacy
implementation accepts, and their rewrite."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ...checker import RuleInfo
from ...diagnostics import Edit
from ...importedits import add_import, dotted_name, has_import, replace_node
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group, block
from .pack import LegacyArgument, LegacyName
from .syntax import split

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
`origins=[""]`, and the positional `raise_exceptions` of `broadcast`.

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
`origins` `""` → `None`. On a legacy callee these are applied only together with the
switch of the callee (see NL101). Unsafe: `create_protocol=basic_auth_protocol_factory(...)`
→ `process_request=basic_auth(...)` when the factory call is written inline, takes no
`create_protocol` itself and `serve()` has no other `process_request` (a wrong
configuration now raises `ValueError` instead of `TypeError`). `klass`, other
`create_protocol` values, server `extra_headers` and `legacy_recv=True` are reported
with guidance.

Version dependent: whether the top-level `websockets.connect`/`serve`/`broadcast` is a
legacy callee (rewritten with its switch) or the new one (its arguments rewritten alone)
depends on the websockets version the project pins (below 14: legacy). The positional
`raise_exceptions` of `broadcast` is reported whatever the pin: positional use stops
working at 17.0. The arguments the fix writes are those of the new implementation
(websockets 13.0 and later); `basic_auth` needs websockets 13.1.
""",
)


def check_arguments(analysis: FileAnalysis, call: cst.Call, role: str, legacy: Group | None, group: Group) -> None:
    """The arguments of one call of a websockets callable; ``legacy``: the group of a legacy
    callee (blocked by what has no rewrite), ``group``: where the rewrites go."""
    changes: dict[int, str | None] = {}  # index -> new keyword (None: delete the argument)
    value_edits: list[Callable[[], list[Edit]]] = []
    keywords = {a.keyword.value for a in call.args if a.keyword is not None}
    for index, arg in enumerate(call.args):
        if arg.star:
            if legacy is not None:
                legacy.block("the call passes *args/**kwargs that can't be checked")
            continue
        if arg.keyword is None:
            rule = analysis.tables.positional.get((role, index))
            if rule is not None:
                analysis.report(
                    "NL102", f"pass `{rule.to}=` by keyword: it is keyword-only in the new `{role}()`", arg, group
                )
                changes[index] = rule.to
            continue
        spec = analysis.tables.arguments.get((arg.keyword.value, role))
        if spec is None:
            continue
        name = arg.keyword.value
        if spec.action == "rename":
            if spec.to in keywords:
                if spec.drop_duplicate:
                    changes[index] = None
                    analysis.report(
                        "NL102", f"`{name}=` is legacy and `{spec.to}=` is already given: remove it", arg, group
                    )
                else:
                    analysis.report("NL102", f"`{name}=` is legacy and `{spec.to}=` is also given: keep one", arg)
                    block(legacy, f"both `{name}=` and `{spec.to}=` are given")
                continue
            changes[index] = spec.to
            analysis.report("NL102", f"`{name}=` is legacy; the new `{role}()` calls it `{spec.to}=`", arg, group)
        elif spec.action == "drop":
            changes[index] = None
            analysis.report("NL102", f"`{name}=` is not accepted by the new `{role}()`: remove it", arg, group)
        elif spec.action == "drop-if-false":
            if _is_false(arg.value):
                changes[index] = None
                analysis.report(
                    "NL102",
                    f"`{name}=False` is the default and not accepted by the new `{role}()`: remove it",
                    arg,
                    group,
                )
            else:
                analysis.report("NL102", f"`{name}=` is not accepted by the new `{role}()`: {spec.advice}", arg)
                block(legacy, f"`{name}=` has no mechanical replacement")
        elif spec.action == "empty-origin":
            empties = _empty_origins(arg.value)
            if empties:
                analysis.report(
                    "NL102",
                    '`origins=[""]` is legacy; the new `serve()` spells "no Origin header" as `None`',
                    arg,
                    group,
                )
                value_edits.append(functools.partial(_replace_all, analysis, empties, "None"))
        elif spec.action == "note":
            if legacy is not None:  # same argument, new meaning: worth knowing while switching
                analysis.report("NL102", f"`{name}=` keeps its name in the new `{role}()` but {spec.advice}", arg)
        elif spec.action == "factory" and _factory_rewritable(analysis, arg, spec, keywords):
            _factory(analysis, arg, spec, role, legacy)
        else:
            analysis.report("NL102", f"`{name}=` is not accepted by the new `{role}()`: {spec.advice}", arg)
            block(legacy, f"`{name}=` has no mechanical replacement")
    if changes or value_edits:
        group.add(lambda: _argument_edits(analysis, call, changes, value_edits))


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


def _factory_rewritable(analysis: FileAnalysis, arg: cst.Arg, spec: LegacyArgument, keywords: set[str]) -> bool:
    """`create_protocol=basic_auth_protocol_factory(...)` with nothing the new callback can't take."""
    entry = _factory_entry(analysis, arg.value)
    if entry is None or entry.role != spec.factory or spec.to in keywords:
        return False
    assert isinstance(arg.value, cst.Call)
    return not any(a.star or (a.keyword is not None and a.keyword.value == spec.name) for a in arg.value.args)


def _factory(analysis: FileAnalysis, arg: cst.Arg, spec: LegacyArgument, role: str, legacy: Group | None) -> None:
    """Report a rewritable legacy factory argument; its rewrite is unsafe, so is its group."""
    unsafe = legacy if legacy is not None else Group()
    unsafe.make_unsafe()
    assert isinstance(arg.value, cst.Call)
    new = _factory_entry(analysis, arg.value).new  # type: ignore[union-attr]
    analysis.report(
        "NL102",
        f"`{spec.name}={dotted_name(arg.value.func)}(...)` is legacy; pass `{spec.to}={split(new)[1]}(...)` "
        f"to the new `{role}()` (same realm and credentials; misuse raises ValueError instead of TypeError)",
        arg,
        unsafe,
    )
    unsafe.add(functools.partial(_factory_edits, analysis, arg, spec, new))


def _factory_edits(analysis: FileAnalysis, arg: cst.Arg, spec: LegacyArgument, new: str) -> list[Edit]:
    assert isinstance(arg.value, cst.Call) and arg.keyword is not None
    ctx = analysis.ctx
    module, name = split(new)
    if name in analysis.resolver.bound_names and not has_import(analysis.module, module, name):
        callee, imports = new, add_import(ctx, module)
    else:
        callee, imports = name, add_import(ctx, module, name)
    return [replace_node(ctx, arg.keyword, spec.to), replace_node(ctx, arg.value.func, callee), *imports]


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
