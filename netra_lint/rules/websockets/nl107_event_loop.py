"""NL107: serve() built outside a coroutine and run with ``loop.run_until_complete``."""

from __future__ import annotations

from ...checker import RuleInfo
from ...lazy import libcst as cst
from .analysis import FileAnalysis
from .groups import Group

RULE = RuleInfo(
    code="NL107",
    name="legacy-websockets-event-loop",
    summary="serve() outside a running event loop",
    fix="report",
    doc="""\
## What it does
Finds the old tutorial idiom that builds a server with `serve(...)` outside a
coroutine and then runs it with `loop.run_until_complete(...)`.

## Why is this bad?
The new `serve()` needs a running event loop; called outside one it raises
`RuntimeError: no running event loop`.

## Example
```python
import asyncio

from websockets.asyncio.server import serve

async def handler(websocket):
    await websocket.send("hello")

start_server = serve(handler, "localhost", 8765)
asyncio.get_event_loop().run_until_complete(start_server)
asyncio.get_event_loop().run_forever()
```
Use instead:
```python
import asyncio

from websockets.asyncio.server import serve

async def handler(websocket):
    await websocket.send("hello")

async def main():
    async with serve(handler, "localhost", 8765) as server:
        await server.serve_forever()

asyncio.run(main())
```

## Fix safety
Report only: the program has to be restructured around a coroutine.

Version dependent: the new `serve()` raises outside a running event loop from websockets
14.0 on (websockets 13.1 still built it there). A legacy `serve()` called outside a
coroutine is never switched to the new one (see NL101); whether the top-level
`websockets.serve` is legacy depends on the websockets version the file's directory runs
(below 14: legacy).
""",
)


def check_event_loop(analysis: FileAnalysis, call: cst.Call, legacy: Group | None) -> None:
    """One serve() call: outside a coroutine, a legacy one can't be switched, and the
    run_until_complete idiom around it is reported."""
    if analysis.resolver.in_async_function(call):
        return
    if legacy is not None:
        legacy.block("serve() is called outside a running event loop")
    if _run_until_complete(analysis, call):
        analysis.report(
            "NL107",
            "the new serve() needs a running event loop: write `async def main(): async with serve(...) as server: "
            "await server.serve_forever()` and run it with `asyncio.run(main())`",
            call,
            about=legacy,
        )


def _run_until_complete(analysis: FileAnalysis, call: cst.Call) -> bool:
    """The call, or the name it is assigned to, is the argument of `loop.run_until_complete`."""
    resolver = analysis.resolver
    parent = resolver.parent(call)
    if isinstance(parent, cst.Arg) and _is_run_until_complete(resolver.parent(parent)):
        return True
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        target = parent.targets[0].target
        for read in resolver.reads(target):
            arg = resolver.parent(read) if read is not None else None
            if isinstance(arg, cst.Arg) and _is_run_until_complete(resolver.parent(arg)):
                return True
    return False


def _is_run_until_complete(node: cst.CSTNode | None) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "run_until_complete"
    )
