"""NL104: connection handlers of serve() that take the legacy second ``path`` parameter,
and their rewrite. The handler's first parameter is a server connection for NL103."""

from __future__ import annotations

from typing import NamedTuple

from ...checker import RuleInfo
from ...diagnostics import Edit
from ...importedits import replace_node
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group
from .resolution import Receiver
from .syntax import positional

RULE = RuleInfo(
    code="NL104",
    name="legacy-websockets-handler",
    summary="Connection handler with the legacy path parameter",
    fix="safe / report",
    doc="""\
## What it does
Finds connection handlers passed to `serve`/`unix_serve` that take the legacy second
`path` parameter.

## Why is this bad?
The new server calls the handler with the connection only. A two-parameter handler
fails for every connection (“missing 1 required positional argument: 'path'”) and
the client sees close code 1011.

## Example
```python
from websockets.asyncio.server import serve

async def handler(websocket, path):
    await websocket.send(path)

async def main():
    async with serve(handler, "localhost", 8765) as server:
        await server.serve_forever()
```
Use instead:
```python
from websockets.asyncio.server import serve

async def handler(websocket):
    path = websocket.request.path
    await websocket.send(path)

async def main():
    async with serve(handler, "localhost", 8765) as server:
        await server.serve_forever()
```

## Fix safety
Safe when the handler is a `def`/`async def` of this file passed directly, as
`self.method`, or through `functools.partial` to `serve` (also when stored in a name
first: `h = handler; serve(h, ...)`), has exactly two required positional parameters
(after `self` and those `partial` binds, by position or by keyword) and no `*args`,
and is not called elsewhere. Otherwise, for example `def handler(ws,
path=None)`, the handler is reported.

Version dependent: the handler of a legacy `serve` is rewritten together with the switch
of `serve` (see NL101), that of the new `serve` alone; whether the top-level
`websockets.serve` is legacy depends on the websockets version the file's directory runs
(below 14: legacy). The line the fix adds, `path = websocket.request.path`, reads the
request of the new implementation (websockets 13.0 and later; where the directory may run
an older release the handler is reported and not rewritten); it holds the query string
too, as the legacy `path` did.
""",
)


def check_handler(analysis: FileAnalysis, call: cst.Call, legacy: Group | None) -> None:
    """The connection handler of one serve() call: its first argument or ``handler=``."""
    handler_arg = next((a for a in call.args if a.keyword is None and not a.star), None)
    handler_arg = next(
        (a for a in call.args if a.keyword is not None and a.keyword.value in ("ws_handler", "handler")),
        handler_arg,
    )
    resolver = analysis.resolver
    value = resolver.assigned_value(handler_arg.value) if handler_arg is not None else None
    function = resolver.function_of(value) if value is not None else None
    if function is None or value is None:
        if legacy is not None:
            legacy.block("the connection handler is not a function of this file")
    else:
        _handler(analysis, function, Bound(resolver.bound_parameters(value), resolver.bound_keywords(value)), legacy)


class Bound(NamedTuple):
    """The parameters of a handler that are given before the server calls it: the leading
    positional ones (``self``, or by functools.partial) and those partial binds by keyword."""

    leading: int
    keywords: frozenset[str]


def _handler(
    analysis: FileAnalysis, function: cst.FunctionDef | cst.Lambda, bound: Bound, legacy: Group | None
) -> None:
    resolver = analysis.resolver
    params = function.params
    parameters = [p for p in positional(params)[bound.leading :] if p.name.value not in bound.keywords]
    if not parameters:
        return
    group = legacy if legacy is not None else analysis.group(("handler", function))
    analysis.receivers.bindings.setdefault(parameters[0], Receiver("server-connection", legacy))
    if len(parameters) < 2:
        return
    second = parameters[1]
    required = [p for p in parameters if p.default is None]
    name = function.name.value if isinstance(function, cst.FunctionDef) else "lambda"
    if second.default is not None:
        analysis.report(
            "NL104",
            f"handler `{name}` takes an optional `{second.name.value}`: the server passes the connection only "
            f"(legacy servers could pass the path); read `{parameters[0].name.value}.request.path` "
            "if that is what it is for",
            second,
        )
        return
    fixable = (
        isinstance(function, cst.FunctionDef)
        and len(parameters) == len(required) == 2
        and all(p.default is None for p in params.params)
        and not params.posonly_params
        and not isinstance(params.star_arg, cst.Param)
        and params.star_kwarg is None
        and all(p.name.value in bound.keywords for p in params.kwonly_params)
        and not any(p.name.value in bound.keywords for p in params.params[: params.params.index(second)])
    )
    message = (
        f"handler `{name}` takes `({parameters[0].name.value}, {second.name.value})`: "
        "the new server passes the connection only"
    )
    if not fixable:
        analysis.report("NL104", message, second, about=legacy)
        group.block(f"handler `{name}` has a signature that can't be rewritten mechanically")
        return
    assert isinstance(function, cst.FunctionDef)
    analysis.report("NL104", message, second, group)
    uses = resolver.reads(function)
    if resolver.is_method(function):
        owner = resolver.parent(resolver.parent(function))  # type: ignore[arg-type]
        uses += [
            n for n in analysis.collected.attributes if n.attr.value == name and resolver.self_class(n.value) is owner
        ]
    if any(not _is_handler_argument(analysis, node) for node in uses):
        group.block(f"handler `{name}` is also called directly")
        return
    span = analysis.ctx.cst_span(params)
    if "#" in analysis.ctx.text[span[0] : span[1]]:
        group.block(f"the parameters of `{name}` carry comments")
        return
    if not isinstance(function.body, cst.IndentedBlock):
        group.block(f"handler `{name}` is written on one line")
        return
    group.add(lambda: _handler_edits(analysis, function, parameters[0], second))


def _is_handler_argument(analysis: FileAnalysis, node: cst.CSTNode | None, depth: int = 0) -> bool:
    """Whether a read of a handler hands it to serve(): directly, through functools.partial,
    or through a name assigned once and read only that way (None: a read left out)."""
    if node is None:
        return False
    resolver = analysis.resolver
    arg = resolver.parent(node)
    call = resolver.parent(arg) if arg is not None else None
    if isinstance(call, cst.Call) and isinstance(arg, cst.Arg) and call.args[0] is arg:
        ref = analysis.resolve(call.func)
        if ref is not None and ref.qualified == "functools.partial":
            node, arg = call, resolver.parent(call)
            call = resolver.parent(arg) if arg is not None else None
    if isinstance(arg, cst.Assign) and arg.value is node and len(arg.targets) == 1 and depth < 8:
        target = arg.targets[0].target
        reads = resolver.reads(target)
        return bool(reads) and all(_is_handler_argument(analysis, read, depth + 1) for read in reads)
    if not (isinstance(call, cst.Call) and isinstance(arg, cst.Arg)):
        return False
    callee = analysis.callee(call)
    return callee is not None and callee.role in ("serve", "unix_serve")


def _handler_edits(
    analysis: FileAnalysis, function: cst.FunctionDef, first: cst.Param, second: cst.Param
) -> list[Edit]:
    ctx = analysis.ctx
    params = function.params
    kept = [p for p in params.params if p is not second]
    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_params = params.with_changes(params=kept)
    edits = [replace_node(ctx, params, new_params)]
    if not analysis.resolver.reads(second):
        return edits
    body = function.body
    assert isinstance(body, cst.IndentedBlock)
    statements = list(body.body)
    documented = function.get_docstring(clean=False) is not None
    skip = 1 if documented and len(statements) > 1 else 0
    anchor = statements[skip]
    start = ctx.cst_span(anchor)[0]
    row = ctx.source.location(start)[0]
    line_start = ctx.source.line_starts[row - 1]
    indent = ctx.text[line_start:start]
    line = f"{second.name.value} = {first.name.value}.request.path{ctx.source.newline}"
    if documented and skip == 0:
        end_row = ctx.source.location(ctx.cst_span(anchor)[1])[0]
        starts = ctx.source.line_starts
        offset = starts[end_row] if end_row < len(starts) else len(ctx.text)
        prefix = "" if ctx.text[offset - 1 : offset] in ("\n", "\r") else ctx.source.newline
        return [*edits, Edit(offset, offset, prefix + indent + line)]
    return [*edits, Edit(line_start, line_start, indent + line)]
