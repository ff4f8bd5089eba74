"""NL106: ``process_request`` and ``select_subprotocol`` callbacks of serve() written for
the legacy signatures."""

from __future__ import annotations

from ...checker import RuleInfo
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group
from .syntax import positional

RULE = RuleInfo(
    code="NL106",
    name="legacy-websockets-callback",
    summary="Callback written for the legacy serve() signature",
    fix="report",
    doc="""\
## What it does
Finds `process_request` and `select_subprotocol` callbacks passed to `serve` that are
written for the legacy signatures `process_request(path, request_headers)` and
`select_subprotocol(client_subprotocols, server_subprotocols)`.

## Why is this bad?
The new server calls `process_request(connection, request)`: a legacy callback gets
the connection as `path`, its checks never match and the handshake proceeds silently.
A legacy `select_subprotocol` fails with a `TypeError` and the client gets HTTP 500.

## Example
```python
import http

from websockets.asyncio.server import serve

async def health(path, request_headers):
    if path == "/healthz":
        return http.HTTPStatus.OK, [], b"ok\\n"

async def main(handler):
    async with serve(handler, "localhost", 8765, process_request=health) as server:
        await server.serve_forever()
```
Use instead:
```python
import http

from websockets.asyncio.server import serve

def health(connection, request):
    if request.path == "/healthz":
        return connection.respond(http.HTTPStatus.OK, "ok\\n")

async def main(handler):
    async with serve(handler, "localhost", 8765, process_request=health) as server:
        await server.serve_forever()
```

## Fix safety
Report only: the return value changes too, so the callback must be rewritten by hand.

Version dependent: the new signatures are those of the new implementation's `serve`
(websockets 13.0 and later). On a legacy `serve` the callback is reported too and keeps
the switch of `serve` from being applied (see NL101); whether the top-level
`websockets.serve` is legacy depends on the websockets version the file's directory runs
(below 14: legacy).
""",
)

_CALLBACKS = ("process_request", "select_subprotocol")


def check_callbacks(analysis: FileAnalysis, call: cst.Call, legacy: Group | None) -> None:
    """The callbacks one serve() call is given."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in _CALLBACKS:
            _callback(analysis, arg.keyword.value, arg.value, legacy)


def _callback(analysis: FileAnalysis, kind: str, value: cst.BaseExpression, legacy: Group | None) -> None:
    if legacy is not None:
        legacy.block(f"`{kind}=` must be rewritten for the new signature")
    function = analysis.resolver.function_of(value)
    if function is None or function in analysis.reported_callbacks:
        return
    names = [p.name.value for p in positional(function.params)][analysis.resolver.bound_parameters(value) :]
    if kind == "process_request":
        old = (names[:1] == ["path"]) or (names[1:2] in (["request_headers"], ["headers"]))
        new_shape = "`(connection, request)` and expects `connection.respond(status, text)` or None back"
    else:
        old = (names[:1] == ["client_subprotocols"]) or (names[1:2] == ["server_subprotocols"])
        new_shape = "`(connection, subprotocols)` and expects the chosen subprotocol or None back"
    if not old:
        return
    analysis.reported_callbacks.add(function)
    target = function.name if isinstance(function, cst.FunctionDef) else function
    analysis.report(
        "NL106",
        f"`{kind}` callback has the legacy signature `({', '.join(names)})`: the new server calls it with {new_shape}",
        target,
        about=legacy,
    )
