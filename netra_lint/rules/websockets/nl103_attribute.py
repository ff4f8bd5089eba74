"""NL103: legacy attributes of values known to be connections or servers, and their rewrite.

The same check reports the legacy attributes of exceptions (``e.status_code`` of an
``InvalidStatusCode``, ``e.code`` of a ``ConnectionClosed``) with NL105."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ...checker import RuleInfo
from ...diagnostics import Edit
from ...importedits import dotted_name, has_import, replace_node
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group, block
from .instances import TypedReceivers
from .pack import SIDE, LegacyAttribute
from .version import show

RULE = RuleInfo(
    code="NL103",
    name="legacy-websockets-attribute",
    summary="Legacy attribute of a websockets connection",
    fix="safe / unsafe / report",
    doc="""\
## What it does
Finds legacy attributes on values known to be websockets connections: handler
parameters of functions passed to `serve`, `async with connect(...) as ws`,
`ws = await connect(...)`, `async for ws in connect(...)`, and parameters annotated
with a legacy or new connection class.

## Why is this bad?
The new connection has no `path`, `request_headers`, `response_headers`, `open` or
`closed`, and none of the legacy internals; using them raises `AttributeError`.

## Example
```python
from websockets.asyncio.server import ServerConnection

async def handler(ws: ServerConnection) -> None:
    if ws.open:
        print(ws.path, ws.request_headers["Host"])
```
Use instead:
```python
from websockets.asyncio.server import ServerConnection
from websockets.protocol import State

async def handler(ws: ServerConnection) -> None:
    if ws.state is State.OPEN:
        print(ws.request.path, ws.request.headers["Host"])
```

## Fix safety
Safe for `path`, `request_headers`, `response_headers`, `open` and `closed` on a
resolved receiver. `close_rcvd`, `close_sent`, `extensions` (→ `ws.protocol.…`),
`ws_server` (→ `ws.server`) and, on a server object, `server.websockets` (→
`server.connections`, which only holds connections past the handshake) are unsafe
fixes, and so are `host`/`port` when the side is known (`remote_address[…]` on a
client, `local_address[…]` on a server: the socket's address, not the configured one);
on a legacy connection they make its whole switch unsafe. Internals such as
`transfer_data_task`, `messages`, `fail_connection` or `secure` are reported. Receivers
of unknown type are left alone.

Version dependent: a connection of a legacy class or call is rewritten together with
its switch (see NL101), one of the new implementation alone; whether the top-level
`websockets.connect`/`serve` is legacy depends on the websockets version the file's
directory runs (below 14: legacy). The fix writes attributes of the new implementation
(websockets 13.0; `server.connections` 13.1) and imports `State` from
`websockets.protocol` (11.0). `close_code` and `close_reason` keep their names but exist
on the new connection only from websockets 14.1: where the directory may run an older
release, a legacy connection that reads them is not switched, and a new one that reads
them is reported.
""",
)


@functools.cache
def _state_safe_parents() -> tuple[type, ...]:
    """Where `ws.state is State.OPEN` can replace `ws.open` without parentheses."""
    return (
        cst.If,
        cst.While,
        cst.Assert,
        cst.BooleanOperation,
        cst.IfExp,
        cst.Assign,
        cst.AnnAssign,
        cst.Return,
        cst.Arg,
        cst.Expr,
        cst.Element,
        cst.CompIf,
        cst.Lambda,
    )


def check_receiver_attributes(analysis: FileAnalysis, typed: TypedReceivers) -> None:
    for node in analysis.collected.attributes:
        found = typed.of(node.value) if node.attr.value in analysis.tables.attribute_names else None
        if found is None:
            continue
        kind, legacy = found.kind, found.legacy
        side = SIDE.get(kind, "")
        kind = "connection" if side else kind
        spec = analysis.tables.attributes.get((node.attr.value, kind))
        if spec is None:
            continue
        parent = analysis.resolver.parent(node)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.Del)) or (
            isinstance(parent, cst.AnnAssign) and parent.target is node
        ):
            continue
        _check_attribute(analysis, node, spec, side, legacy)


def _check_attribute(
    analysis: FileAnalysis, node: cst.Attribute, spec: LegacyAttribute, side: str, legacy: Group | None
) -> None:
    code = "NL105" if spec.receiver in ("invalid-status", "connection-closed") else "NL103"
    receiver = dotted_name(node.value) or _text(analysis, node.value)  # `clients[key].open`
    shown = f"`{receiver}.{spec.name}`"
    group = legacy if legacy is not None else Group()
    if spec.action == "keep":
        # The same attribute, which the new connection has only from `since` on.
        if legacy is not None:
            legacy.require(spec.since, f"{shown} on the new connection")
        elif not analysis.pin.guarantees(spec.since):
            since = show(spec.since)
            text = (
                f"{shown} exists on the new connection from websockets {since} on, and {analysis.pin.source} "
                f"allows earlier releases: raise websockets to ≥ {since}"
            )
            analysis.report(code, text, node)
        return
    if spec.action == "report" or not spec.replacement(side):
        analysis.report(code, f"{shown} is legacy: {spec.advice}", node, about=legacy)
        block(legacy, f"{shown} has no mechanical replacement")
        return
    if spec.action == "state":
        _state_attribute(analysis, node, spec, receiver, group)
        return
    replacement, edit = _attribute_replacement(analysis, node, spec.replacement(side), receiver)
    group.require(spec.since, f"`{replacement}`")
    if spec.receiver == "invalid-status":
        group.add(edit)  # reported with the except clause it belongs to
    elif spec.action == "rewrite":
        analysis.report(code, f"{shown} is legacy; use `{replacement}`", node, group)
        group.add(edit)
    else:
        analysis.report(code, f"{shown} is legacy; the closest is `{replacement}`", node, group)
        if any(q in replacement for q in "'\"") and any(
            isinstance(a, cst.FormattedString) for a in analysis.resolver.ancestors(node)
        ):
            group.block("quotes inside an f-string field need Python 3.12")
        else:
            group.make_unsafe()
            group.add(edit)


def _text(analysis: FileAnalysis, node: cst.CSTNode) -> str:
    start, end = analysis.ctx.cst_span(node)
    return analysis.ctx.text[start:end]


def _attribute_replacement(
    analysis: FileAnalysis, node: cst.Attribute, to: str, receiver: str
) -> tuple[str, Callable[[], list[Edit]]]:
    """The new spelling, and its edit: a template with {receiver} replaces the whole expression."""
    if "{receiver}" in to:
        text = f"({to.format(receiver=receiver)})"
        return text, lambda: [replace_node(analysis.ctx, node, text)]
    return f"{receiver}.{to}", lambda: [replace_node(analysis.ctx, node.attr, to)]


def _state_attribute(
    analysis: FileAnalysis, node: cst.Attribute, spec: LegacyAttribute, receiver: str, group: Group
) -> None:
    parent = analysis.resolver.parent(node)
    negated = isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
    operator = "is not" if negated else "is"
    text = f"{receiver}.state {operator} State.{spec.to}"
    target: cst.CSTNode = parent if negated else node  # type: ignore[assignment]
    if not negated and not isinstance(parent, _state_safe_parents()):
        text = f"({text})"
    original = f"not {receiver}.{spec.name}" if negated else f"{receiver}.{spec.name}"
    analysis.report("NL103", f"`{original}` is legacy; use `{text.strip('()')}`", node, group)
    if "State" in analysis.resolver.bound_names and not has_import(analysis.module, "websockets.protocol", "State"):
        group.block("`State` is already bound to something else in this file")
        return
    ctx = analysis.ctx
    group.add(lambda: [replace_node(ctx, target, text), *analysis.add_import("websockets.protocol", "State")])
