"""NL105: ``except`` clauses of legacy exceptions, and what they catch.

An ``except InvalidStatusCode`` is rewritten only with the legacy ``connect()`` in its
``try`` block, so this check joins their groups. The imports and references of legacy
exceptions are reported with NL105 by the import checks (nl101_import), the attributes of
caught exceptions by the attribute check (nl103_attribute)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from ...checker import CstVisitor, RuleInfo
from ...diagnostics import Edit
from ...importedits import dotted_name, replace_node
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group
from .resolution import Receiver

RULE = RuleInfo(
    code="NL105",
    name="legacy-websockets-exception",
    summary="Legacy websockets exception",
    fix="safe / unsafe / report",
    doc="""\
## What it does
Finds the legacy exceptions `InvalidStatusCode`, `WebSocketProtocolError`,
`AbortHandshake` and `RedirectHandshake`, and the attributes of a caught
`InvalidStatusCode` (`e.status_code`, or `getattr(e, "status_code", ...)`) that the new
`InvalidStatus` keeps in `e.response`.

## Why is this bad?
The new `connect()` raises `InvalidStatus`, a *sibling* of `InvalidStatusCode`: an
`except InvalidStatusCode` around it silently never matches. The status is read from
`e.response.status_code` now. `AbortHandshake` and `RedirectHandshake` have no
equivalent.

## Example
```python
from websockets.exceptions import InvalidStatusCode
from websockets.legacy.client import connect

async def fetch(uri):
    try:
        ws = await connect(uri)
    except InvalidStatusCode as e:
        print(e.status_code)
```
Use instead:
```python
from websockets.exceptions import InvalidStatus
from websockets.asyncio.client import connect

async def fetch(uri):
    try:
        ws = await connect(uri)
    except InvalidStatus as e:
        print(e.response.status_code)
```

## Fix safety
`WebSocketProtocolError` → `ProtocolError` is safe (the same class). `InvalidStatusCode`
is rewritten only together with the legacy `connect()` in its `try` block; otherwise it
is reported. `AbortHandshake` and `RedirectHandshake` are reported with guidance.
The deprecated `ConnectionClosed.code`/`.reason` of an `except ConnectionClosed as e`
become `e.rcvd.code`/`e.rcvd.reason` with the legacy fallbacks 1006 and `""` for a
connection closed without a close frame (an unsafe fix). `getattr(e, "status_code", d)`
and `hasattr(e, "headers")` on the rewritten exception read `e.response` instead (they
would silently give the default); where the clause catches other exceptions too, they
are reported and keep the switch from being made.

Version dependent: whether a `connect()` is legacy, and so whether the `except
InvalidStatusCode` around it can be rewritten with it, depends for the top-level
`websockets.connect` on the websockets version the file's directory runs (below 14:
legacy; from 14 on, `except InvalidStatusCode` around it is reported as one that never
matches), and the rewrite goes with the switch of that `connect()` (websockets 13.0).
`InvalidStatus` and `ProtocolError` exist in every version the rewrite targets;
`ConnectionClosed.code`/`.reason` are deprecated since websockets 13.1.
""",
)


class _Caught(NamedTuple):
    """The name an ``except InvalidStatusCode as e`` binds."""

    group: Group
    alone: bool  # the clause catches nothing else


def check_except_clauses(analysis: FileAnalysis) -> None:
    """``except InvalidStatusCode``: joined with the legacy connect() it guards; the names
    that ``except ... as e`` binds are exception receivers."""
    caught: dict[cst.CSTNode, _Caught] = {}
    for clause in analysis.collected.handlers:
        handler = clause.handler
        if handler.type is None:
            continue
        types = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
        name = handler.name.name if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
        single = analysis.resolve(handler.type)
        if (
            name is not None
            and single is not None
            and analysis.tables.receiver_classes.get(single.qualified) == "connection-closed"
        ):
            analysis.receivers.bindings[name] = Receiver("connection-closed", None)
        for expression in types:
            ref = analysis.resolve(expression)
            entry = analysis.legacy_entry(ref.qualified) if ref is not None else None
            if entry is None or entry.role != "invalid-status":
                continue
            group = analysis.groups.get(analysis.group_key(ref, entry))  # type: ignore[arg-type]
            if group is None:
                continue
            _raising_connects(analysis, clause.statement, group)
            if name is not None:
                analysis.receivers.bindings[name] = Receiver("invalid-status", group)
                caught[name] = _Caught(group, len(types) == 1)
    if caught:
        _attributes_by_name(analysis, caught)


def _attributes_by_name(analysis: FileAnalysis, caught: dict[cst.CSTNode, _Caught]) -> None:
    """``getattr(e, "status_code", default)`` on the InvalidStatus the new connect() raises
    would always give the default: it reads ``e.response`` instead."""
    legacy = {spec.name for (_, kind), spec in analysis.tables.attributes.items() if kind == "invalid-status"}
    resolver = analysis.resolver
    for call in analysis.collected.calls:
        if not (
            isinstance(call.func, cst.Name)
            and call.func.value in ("getattr", "hasattr")
            and analysis.resolve(call.func) is None
            and len(call.args) >= 2
            and not any(a.star or a.keyword for a in call.args)
        ):
            continue
        receiver, attribute = call.args[0].value, call.args[1].value
        bound = resolver.binding_node(receiver)
        found = caught.get(bound) if bound is not None else None
        name = attribute.evaluated_value if isinstance(attribute, cst.SimpleString) else None
        if found is None or name not in legacy:
            continue
        shown = f"`{call.func.value}({dotted_name(receiver)}, {name!r}, ...)`"
        text = f"{shown} on the InvalidStatus that the new connect() raises never finds it: read it from `.response`"
        if not found.alone:
            analysis.report("NL105", text, call, about=found.group)
            found.group.block(f"{shown} can't tell which of the caught exceptions it reads")
            continue
        analysis.report("NL105", text, call, found.group)
        found.group.add(functools.partial(_read_response, analysis, receiver))


def _read_response(analysis: FileAnalysis, receiver: cst.BaseExpression) -> list[Edit]:
    return [replace_node(analysis.ctx, receiver, f"{dotted_name(receiver)}.response")]


def _raising_connects(analysis: FileAnalysis, try_node: cst.Try, group: Group) -> None:
    finder = _CallFinder()
    try_node.body.visit(finder)
    legacy = []
    for call in finder.calls:
        callee = analysis.call_groups.get(call)
        if callee is None or callee.role not in ("connect", "unix_connect"):
            continue
        if callee.legacy is None:
            group.block(
                "the connect() in this try block is already the new one, so `except InvalidStatusCode` never "
                "matches: catch InvalidStatus"
            )
            return
        legacy.append(callee.legacy)
    if not legacy:
        group.block("the connect() that raises it is not in the try block")
        return
    for connect_group in legacy:
        group.join(connect_group)


class _CallFinder(CstVisitor):
    """The calls of a ``try`` body, outside the functions defined in it."""

    def __init__(self) -> None:
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False
