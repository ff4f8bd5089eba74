"""websockets: the legacy asyncio implementation → ``websockets.asyncio`` (NL101–NL107).

Names are resolved from the syntax tree (every import form, simple re-binding, attribute
chains), never from text, so strings, comments and shadowed names are never reported.

Rewrites that only work together form one *group*: switching ``connect`` from
``websockets.legacy.client`` to ``websockets.asyncio.client`` also renames its legacy
keyword arguments, rewrites the attributes of the connections it returns and the
``except InvalidStatusCode`` around it. Every diagnostic of a group carries the same
fix, so the group is applied whole or, when something in it can't be rewritten
mechanically (a *blocker*), not at all, and each diagnostic then says why.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..checker import Checker, CstVisitor, FileContext, PackError, RuleInfo
from ..diagnostics import Applicability, Diagnostic, Edit
from ..focus import related_identifiers
from ..importedits import (
    add_import,
    dotted_name,
    has_import,
    import_line,
    remove_line,
    replace_node,
)
from ..lazy import libcst as cst

if TYPE_CHECKING:
    from libcst.metadata import Access, Assignment, ImportAssignment


# ---------------------------------------------------------------------------------------
# Rule documentation

_DOCS = {
    "NL101": """\
## What it does
Finds every use of the legacy asyncio implementation of `websockets`: imports from
`websockets.legacy.*`, the deprecated aliases `websockets.client.connect`,
`websockets.server.serve`, `WebSocketServerProtocol`, `WebSocketClientProtocol`,
`WebSocketCommonProtocol`, `WebSocketServer`, `basic_auth_protocol_factory`, and the
top-level `websockets.connect`/`serve`/`broadcast` when the project pins `websockets < 14`.

## Why is this bad?
Since websockets 14.0 these names emit `DeprecationWarning`, and the legacy
implementation is going to be removed. The new implementation lives in
`websockets.asyncio.client` and `websockets.asyncio.server`.

## Example
```python
from websockets.legacy.client import connect

async def fetch(uri):
    async with connect(uri, extra_headers={"A": "b"}) as ws:
        return await ws.recv()
```
Use instead:
```python
from websockets.asyncio.client import connect

async def fetch(uri):
    async with connect(uri, additional_headers={"A": "b"}) as ws:
        return await ws.recv()
```

## Fix safety
Safe, and applied together with everything the switch needs (arguments, handlers,
connection attributes, `InvalidStatusCode`). When one of those has no mechanical
rewrite (for example `create_protocol=`, a `(websocket, path)` handler with defaults,
`serve()` outside a running event loop, a legacy `process_request`), nothing is
rewritten and the message says what blocks it. Connection classes are rewritten only
where they are used in annotations and `isinstance`; subclassing is reported.
""",
    "NL102": """\
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
ws = await connect(uri, loop=loop, timeout=5, extra_headers=headers)
```
Use instead:
```python
from websockets.asyncio.client import connect
ws = await connect(uri, close_timeout=5, additional_headers=headers)
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
""",
    "NL103": """\
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
async def handler(ws: ServerConnection) -> None:
    if ws.open:
        print(ws.path, ws.request_headers["Host"])
```
Use instead:
```python
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
client, `local_address[…]` on a server: the socket's address, not the configured one).
Internals such as `transfer_data_task`, `messages`, `fail_connection` or `secure` are
reported. Receivers of unknown type are left alone.
""",
    "NL104": """\
## What it does
Finds connection handlers passed to `serve`/`unix_serve` that take the legacy second
`path` parameter.

## Why is this bad?
The new server calls the handler with the connection only. A two-parameter handler
fails for every connection (“missing 1 required positional argument: 'path'”) and
the client sees close code 1011.

## Example
```python
async def handler(websocket, path):
    await websocket.send(path)
```
Use instead:
```python
async def handler(websocket):
    path = websocket.request.path
    await websocket.send(path)
```

## Fix safety
Safe when the handler is a `def`/`async def` of this file passed directly, as
`self.method`, or through `functools.partial` to `serve`, has exactly two required
positional parameters (after `self` and the bound ones) and no `*args`, and is not
called elsewhere. Otherwise, for example `def handler(ws,
path=None)`, the handler is reported.
""",
    "NL105": """\
## What it does
Finds the legacy exceptions `InvalidStatusCode`, `WebSocketProtocolError`,
`AbortHandshake` and `RedirectHandshake`.

## Why is this bad?
The new `connect()` raises `InvalidStatus`, a *sibling* of `InvalidStatusCode`: an
`except InvalidStatusCode` around it silently never matches. The status is read from
`e.response.status_code` now. `AbortHandshake` and `RedirectHandshake` have no
equivalent.

## Example
```python
from websockets.exceptions import InvalidStatusCode
from websockets.legacy.client import connect
try:
    ws = await connect(uri)
except InvalidStatusCode as e:
    print(e.status_code)
```
Use instead:
```python
from websockets.exceptions import InvalidStatus
from websockets.asyncio.client import connect
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
connection closed without a close frame (an unsafe fix).
""",
    "NL106": """\
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
async def health(path, request_headers):
    if path == "/healthz":
        return http.HTTPStatus.OK, [], b"ok\\n"
```
Use instead:
```python
def health(connection, request):
    if request.path == "/healthz":
        return connection.respond(http.HTTPStatus.OK, "ok\\n")
```

## Fix safety
Report only: the return value changes too, so the callback must be rewritten by hand.
""",
    "NL107": """\
## What it does
Finds the old tutorial idiom that builds a server with `serve(...)` outside a
coroutine and then runs it with `loop.run_until_complete(...)`.

## Why is this bad?
The new `serve()` needs a running event loop; called outside one it raises
`RuntimeError: no running event loop`.

## Example
```python
start_server = serve(handler, "localhost", 8765)
asyncio.get_event_loop().run_until_complete(start_server)
asyncio.get_event_loop().run_forever()
```
Use instead:
```python
async def main():
    async with serve(handler, "localhost", 8765) as server:
        await server.serve_forever()

asyncio.run(main())
```

## Fix safety
Report only: the program has to be restructured around a coroutine.
""",
}

_NAMES = {
    "NL101": ("legacy-websockets-import", "Legacy websockets import or reference", "safe / report"),
    "NL102": ("legacy-websockets-argument", "Legacy argument of connect/serve/broadcast", "safe / unsafe / report"),
    "NL103": ("legacy-websockets-attribute", "Legacy attribute of a websockets connection", "safe / unsafe / report"),
    "NL104": ("legacy-websockets-handler", "Connection handler with the legacy path parameter", "safe / report"),
    "NL105": ("legacy-websockets-exception", "Legacy websockets exception", "safe / unsafe / report"),
    "NL106": ("legacy-websockets-callback", "Callback written for the legacy serve() signature", "report"),
    "NL107": ("legacy-websockets-event-loop", "serve() outside a running event loop", "report"),
}

# ---------------------------------------------------------------------------------------
# Rule-pack data (rules/websockets.toml)

CALLABLE_ROLES = ("connect", "unix_connect", "serve", "unix_serve", "broadcast")
TYPE_ROLES = ("client-connection", "server-connection", "connection", "server", "annotation")
CONNECTION_ROLES = ("client-connection", "server-connection", "connection")
#: the receiver kind of a value of a legacy type (connections know their side when the class says it)
RECEIVER_OF_ROLE = {
    "client-connection": "client-connection",
    "server-connection": "server-connection",
    "connection": "connection",
    "server": "server",
}
RECEIVER_CLASS_KINDS = ("client-connection", "server-connection", "connection", "server", "connection-closed")
RECEIVER_KINDS = ("connection", "server", "invalid-status", "connection-closed")  # what attribute entries apply to
SIDE = {"client-connection": "client", "server-connection": "server"}
_ROLES = (*CALLABLE_ROLES, *TYPE_ROLES, "invalid-status", "name", "report", "basic-auth-factory")
_FIXES = ("safe", "types", "with-connect", "report")
_ARG_ACTIONS = ("rename", "drop", "drop-if-false", "empty-origin", "factory", "note", "report")
_ATTR_ACTIONS = ("rewrite", "state", "unsafe", "report")


@dataclass(frozen=True)
class LegacyName:
    """One legacy name, where it lives and what replaces it."""

    names: tuple[str, ...]
    pinned: tuple[str, ...]
    new: str
    role: str
    fix: str
    code: str
    advice: str = ""
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class LegacyArgument:
    name: str
    callees: tuple[str, ...]
    action: str
    to: str = ""
    drop_duplicate: bool = False
    factory: str = ""  # action "factory": the role of the legacy factory whose call is rewritten
    advice: str = ""
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class LegacyPositional:
    callee: str
    index: int
    to: str
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class LegacyAttribute:
    name: str
    receiver: str
    action: str
    to: str = ""
    client: str = ""  # replacement on a client connection, when it differs by side
    server: str = ""  # replacement on a server connection
    advice: str = ""
    origin: str = field(default="", compare=False)

    def replacement(self, side: str) -> str:
        return self.to or {"client": self.client, "server": self.server}.get(side, "")


@dataclass(frozen=True)
class LegacyModules:
    legacy: tuple[str, ...]
    advice: str


@dataclass(frozen=True)
class ReceiverClasses:
    """Current classes whose instances carry legacy attributes worth checking, by receiver kind."""

    kind: str
    classes: tuple[str, ...]


def _field(entry: dict[str, Any], key: str, kind: type, origin: str, section: str, default: Any = None) -> Any:
    if key not in entry:
        if default is None:
            raise PackError(f"{origin}: [{section}] entry {entry!r} lacks {key!r}")
        return default
    value = entry[key]
    if kind is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PackError(f"{origin}: [{section}] entry {entry!r}: {key!r} must be a list of strings")
        return tuple(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PackError(f"{origin}: [{section}] entry {entry!r}: {key!r} must be a {kind.__name__}")
    return value


def _choice(value: str, allowed: tuple[str, ...], what: str, origin: str, section: str, entry: Any) -> str:
    if value not in allowed:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: {what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _entries(value: Any, origin: str, section: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise PackError(f"{origin}: [[{section}]] must be an array of tables")
    return value


def _known_keys(entry: dict[str, Any], keys: set[str], origin: str, section: str) -> None:
    unknown = set(entry) - keys
    if unknown:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: unknown key(s) {', '.join(sorted(unknown))}")


# ---------------------------------------------------------------------------------------
# Which websockets the project targets

_REQUIREMENT = re.compile(
    r"^\s*websockets\s*(?:\[[^\]]*\])?\s*(?:\((?P<paren>[^)]*)\)|(?P<spec>[^;#]*))", re.IGNORECASE
)
_CLAUSE = re.compile(r"^(?P<op>===|==|<=|<|~=|\^|~)?\s*v?(?P<version>\d+(?:\.(?:\d+|\*))*)")
MODERN_MAJOR = 14


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def pins_legacy(spec: str) -> bool:
    """True if a version specifier caps websockets below 14 (where the aliases turned new)."""
    for clause in (c.strip() for c in spec.split(",")):
        match = _CLAUSE.match(clause)
        if not match:
            continue
        op, version = match.group("op") or "==", _version(match.group("version"))
        if not version:
            continue
        if op in ("==", "===", "^", "~") and version[0] < MODERN_MAJOR:
            return True
        if op == "<" and version <= (MODERN_MAJOR,) + (0,) * (len(version) - 1):
            return True
        if op == "<=" and version < (MODERN_MAJOR,):
            return True
        if op == "~=" and len(version) >= 2 and version[0] < MODERN_MAJOR:
            return True
    return False


def _requirement_specs(requirements: Iterable[str]) -> Iterator[str]:
    for line in requirements:
        match = _REQUIREMENT.match(line)
        if match:
            yield (match.group("paren") or match.group("spec") or "").strip()


def project_pins_legacy(pyproject: dict[str, Any], root: Path, override: str | None) -> bool:
    """Whether the project targets websockets < 14, from ``websockets-version`` or its dependencies."""
    if override is not None:
        return pins_legacy(override if _CLAUSE.match(override) and override[:1] in "=<~^" else f"=={override}")
    found: list[str] = []
    project = pyproject.get("project", {})
    if isinstance(project, dict):
        found.extend(d for d in project.get("dependencies", []) if isinstance(d, str))
        for group in (project.get("optional-dependencies") or {}).values():
            if isinstance(group, list):
                found.extend(d for d in group if isinstance(d, str))
    specs = list(_requirement_specs(found))
    poetry = pyproject.get("tool", {}).get("poetry", {}).get("dependencies", {})
    if isinstance(poetry, dict) and "websockets" in poetry:
        value = poetry["websockets"]
        value = value.get("version", "") if isinstance(value, dict) else value
        if isinstance(value, str):
            specs.append(value)
    for path in sorted([*root.glob("requirements*.txt"), *root.glob("requirements/*.txt")]):
        try:
            specs.extend(_requirement_specs(path.read_text(encoding="utf-8", errors="replace").splitlines()))
        except OSError:
            continue
    return any(pins_legacy(spec) for spec in specs)


# ---------------------------------------------------------------------------------------
# Groups of edits that must be applied together


@dataclass(eq=False)
class Group:
    """Edits that only make sense together; blocked groups are reported, never applied."""

    blockers: list[str] = field(default_factory=list)
    producers: list[Callable[[], list[Edit] | None]] = field(default_factory=list)
    applicability: Applicability = Applicability.SAFE
    parent: Group | None = None
    _edits: tuple[Edit, ...] | None = None

    def root(self) -> Group:
        group = self
        while group.parent is not None:
            group = group.parent
        return group

    def join(self, other: Group) -> None:
        a, b = self.root(), other.root()
        if a is b:
            return
        b.parent = a
        a.blockers.extend(b.blockers)
        a.producers.extend(b.producers)
        if b.applicability is Applicability.UNSAFE:
            a.applicability = Applicability.UNSAFE

    def make_unsafe(self) -> None:
        self.root().applicability = Applicability.UNSAFE

    def block(self, reason: str) -> None:
        root = self.root()
        if reason not in root.blockers:
            root.blockers.append(reason)

    def add(self, producer: Callable[[], list[Edit] | None]) -> None:
        self.root().producers.append(producer)

    def edits(self) -> tuple[Edit, ...]:
        """All edits of the group; empty when one part turns out impossible to write."""
        root = self.root()
        if root._edits is None:
            collected: set[Edit] = set()
            for produce in root.producers:
                made = produce()
                if made is None:
                    collected = set()
                    break
                collected.update(made)
            root._edits = tuple(sorted(collected))
        return root._edits


@dataclass
class _Ref:
    """What an expression resolves to: a qualified name, and the import binding behind it."""

    qualified: str
    origin: cst.CSTNode  # the expression written in the code (a Name or an attribute chain)
    binding: ImportAssignment | None
    via_alias: bool = False
    unique: bool = True  # the name has exactly one binding (so an unused import may be removed)


@dataclass
class _Pending:
    code: str
    message: str
    node: cst.CSTNode
    group: Group | None


# ---------------------------------------------------------------------------------------
# The checker


class _Tables:
    """The rule pack, indexed for lookups; built once per run."""

    def __init__(self, packs: dict[str, list[Any]], pinned_legacy: bool) -> None:
        modules = packs.get("websockets-modules", [])
        self.legacy_modules = tuple(m for entry in modules for m in entry.legacy)
        self.module_advice = modules[0].advice if modules else ""
        self.names: dict[str, LegacyName] = {}
        self.modern_callables: dict[str, str] = {}
        for entry in packs.get("websockets-names", []):
            for name in entry.names:
                self.names[name] = entry
            for name in entry.pinned:
                if pinned_legacy:
                    self.names[name] = entry
                else:
                    self.modern_callables[name] = entry.role
            if entry.role in CALLABLE_ROLES:
                self.modern_callables[entry.new] = entry.role
        self.receiver_classes = {
            name: item.kind for item in packs.get("websockets-receivers", []) for name in item.classes
        }
        self.arguments = {(a.name, c): a for a in packs.get("websockets-arguments", []) for c in a.callees}
        self.positional = {(p.callee, p.index): p for p in packs.get("websockets-positional", [])}
        self.attributes = {(a.name, a.receiver): a for a in packs.get("websockets-attributes", [])}
        known = [*self.names, *self.modern_callables, *self.receiver_classes]
        #: Modules and classes above a known name: an attribute chain from them may reach it.
        self.enclosing = {name.rsplit(".", depth)[0] for name in known for depth in range(1, name.count(".") + 1)}
        self.attribute_names = {name for name, _ in self.attributes}
        #: Names a fix may import: where they are bound decides how the fix spells them.
        self.new_names = {entry.new.rpartition(".")[2] for entry in self.names.values() if entry.new} | {"State"}

    def is_legacy_module(self, qualified: str) -> bool:
        return any(qualified == m or qualified.startswith(m + ".") for m in self.legacy_modules)

    def worth_analysing(self, tree: ast.Module) -> bool:
        """Cheap gate on the stdlib AST, before any LibCST work: can anything here be reported?

        A file that only imports new callables and connection classes by name can only be
        reported for a legacy argument of a call, a legacy attribute of a connection bound
        in the file, or a ``serve`` handler; anything else imported from websockets is
        analysed in full."""
        roles: set[str] = set()
        receivers = False
        keywords: set[str] = set()
        positionals = 0  # the most positional arguments of any call
        attribute_owners: set[str] = set()  # names whose legacy-named attribute is read
        nested_attribute = False  # a legacy-named attribute read on an attribute (`self.ws.open`)
        bound: set[str] = set()  # names bound where a connection can come from
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                if node.attr in self.attribute_names:
                    if isinstance(node.value, ast.Name):
                        attribute_owners.add(node.value.id)
                    else:
                        nested_attribute = True
            elif isinstance(node, ast.Call):
                positionals = max(positionals, len(node.args))
            elif isinstance(node, ast.keyword):
                if node.arg is not None:
                    keywords.add(node.arg)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Store):
                    bound.add(node.id)
            elif isinstance(node, ast.ExceptHandler):
                if node.name:
                    bound.add(node.name)
            elif isinstance(node, ast.Import):
                if any(a.name.split(".")[0] == "websockets" for a in node.names):
                    return True  # attribute chains may reach anything
            elif (
                isinstance(node, ast.ImportFrom)
                and not node.level
                and (node.module or "").split(".")[0] == "websockets"
            ):
                for alias in node.names:
                    qualified = f"{node.module}.{alias.name}"
                    if (
                        alias.name == "*"
                        or qualified in self.names
                        or qualified in self.enclosing
                        or self.is_legacy_module(qualified)
                    ):
                        return True
                    if qualified in self.modern_callables:
                        roles.add(self.modern_callables[qualified])
                    elif qualified in self.receiver_classes:
                        receivers = True
        if not roles and not receivers:
            return False
        return bool(
            roles & {"serve", "unix_serve"}
            or any((name, role) in self.arguments for name in keywords for role in roles)
            or any(role in roles and positionals > index for role, index in self.positional)
            or attribute_owners & bound
            or (nested_attribute and receivers)
        )


class WebSocketsLegacy(Checker):
    """Legacy websockets asyncio API → ``websockets.asyncio`` (rules NL101–NL107)."""

    rules: ClassVar[tuple[RuleInfo, ...]] = tuple(
        RuleInfo(code, name, summary, _DOCS[code], fix) for code, (name, summary, fix) in _NAMES.items()
    )
    pack_sections: ClassVar[tuple[str, ...]] = (
        "websockets-modules",
        "websockets-names",
        "websockets-arguments",
        "websockets-positional",
        "websockets-attributes",
        "websockets-receivers",
    )
    options: ClassVar[dict[str, type]] = {"websockets-version": str}

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        if section == "websockets-receivers":
            if not isinstance(value, dict):
                raise PackError(f"{origin}: [{section}] must be a table")
            return [
                ReceiverClasses(
                    _choice(kind, RECEIVER_CLASS_KINDS, "receiver kind", origin, section, kind),
                    _field(value, kind, tuple, origin, section),
                )
                for kind in value
            ]
        if section == "websockets-modules":
            if not isinstance(value, dict):
                raise PackError(f"{origin}: [{section}] must be a table")
            _known_keys(value, {"legacy", "advice"}, origin, section)
            return [
                LegacyModules(
                    _field(value, "legacy", tuple, origin, section), _field(value, "advice", str, origin, section)
                )
            ]
        out: list[Any] = []
        for entry in _entries(value, origin, section):
            if section == "websockets-names":
                _known_keys(entry, {"names", "pinned", "new", "role", "fix", "code", "advice"}, origin, section)
                item = LegacyName(
                    names=_field(entry, "names", tuple, origin, section),
                    pinned=_field(entry, "pinned", tuple, origin, section, ()),
                    new=_field(entry, "new", str, origin, section),
                    role=_choice(_field(entry, "role", str, origin, section), _ROLES, "role", origin, section, entry),
                    fix=_choice(_field(entry, "fix", str, origin, section), _FIXES, "fix", origin, section, entry),
                    code=_choice(
                        _field(entry, "code", str, origin, section), tuple(_NAMES), "code", origin, section, entry
                    ),
                    advice=_field(entry, "advice", str, origin, section, ""),
                    origin=origin,
                )
                if item.fix != "report" and item.new.count(".") < 1:
                    raise PackError(f"{origin}: [{section}] entry {entry!r}: 'new' must be a qualified name")
                out.append(item)
            elif section == "websockets-arguments":
                _known_keys(
                    entry, {"name", "callees", "action", "to", "drop_duplicate", "factory", "advice"}, origin, section
                )
                item_arg = LegacyArgument(
                    name=_field(entry, "name", str, origin, section),
                    callees=tuple(
                        _choice(c, CALLABLE_ROLES, "callee", origin, section, entry)
                        for c in _field(entry, "callees", tuple, origin, section)
                    ),
                    action=_choice(
                        _field(entry, "action", str, origin, section), _ARG_ACTIONS, "action", origin, section, entry
                    ),
                    to=_field(entry, "to", str, origin, section, ""),
                    drop_duplicate=_field(entry, "drop_duplicate", bool, origin, section, False),
                    factory=_field(entry, "factory", str, origin, section, ""),
                    advice=_field(entry, "advice", str, origin, section, ""),
                    origin=origin,
                )
                if item_arg.action in ("rename", "factory") and not item_arg.to.isidentifier():
                    raise PackError(
                        f"{origin}: [{section}] entry {entry!r}: action {item_arg.action!r} needs an identifier in 'to'"
                    )
                if item_arg.action == "factory" and item_arg.factory not in _ROLES:
                    raise PackError(f"{origin}: [{section}] entry {entry!r}: 'factory' must name a role")
                out.append(item_arg)
            elif section == "websockets-positional":
                _known_keys(entry, {"callee", "index", "to"}, origin, section)
                out.append(
                    LegacyPositional(
                        callee=_choice(
                            _field(entry, "callee", str, origin, section),
                            CALLABLE_ROLES,
                            "callee",
                            origin,
                            section,
                            entry,
                        ),
                        index=_field(entry, "index", int, origin, section),
                        to=_field(entry, "to", str, origin, section),
                        origin=origin,
                    )
                )
            elif section == "websockets-attributes":
                _known_keys(entry, {"name", "receiver", "action", "to", "client", "server", "advice"}, origin, section)
                item_attr = LegacyAttribute(
                    name=_field(entry, "name", str, origin, section),
                    receiver=_choice(
                        _field(entry, "receiver", str, origin, section),
                        RECEIVER_KINDS,
                        "receiver",
                        origin,
                        section,
                        entry,
                    ),
                    action=_choice(
                        _field(entry, "action", str, origin, section), _ATTR_ACTIONS, "action", origin, section, entry
                    ),
                    to=_field(entry, "to", str, origin, section, ""),
                    client=_field(entry, "client", str, origin, section, ""),
                    server=_field(entry, "server", str, origin, section, ""),
                    advice=_field(entry, "advice", str, origin, section, ""),
                    origin=origin,
                )
                sided = item_attr.action == "unsafe" and item_attr.client and item_attr.server
                if item_attr.action != "report" and not (item_attr.to or sided):
                    raise PackError(
                        f"{origin}: [{section}] entry {entry!r}: action {item_attr.action!r} needs 'to' (or 'client' and 'server')"
                    )
                out.append(item_attr)
            else:
                raise PackError(f"{origin}: section [{section}] is not read by {cls.__name__}")
        return out

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        seen: dict[Any, Any] = {}
        for entry in entries:
            if isinstance(entry, LegacyName):
                keys: list[Any] = [*entry.names, *entry.pinned]
            elif isinstance(entry, LegacyArgument):
                keys = [(entry.name, c) for c in entry.callees]
            elif isinstance(entry, LegacyAttribute):
                keys = [(entry.name, entry.receiver)]
            elif isinstance(entry, LegacyPositional):
                keys = [(entry.callee, entry.index)]
            else:
                continue
            for key in keys:
                if key in seen:
                    first = seen[key]
                    raise PackError(f"{entry.origin}: [{section}] {key!r} is already defined in {first.origin}")
                seen[key] = entry

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._pinned: bool | None = None
        self._tables: _Tables | None = None

    def needles(self) -> tuple[str, ...]:
        return ("websockets",)

    def banned_apis(self) -> dict[str, str]:
        banned = {}
        for entry in self.packs("websockets-modules"):
            for module in entry.legacy:
                banned[module] = f"Legacy websockets API: {entry.advice.rstrip('.')}."
        for item in self.packs("websockets-names"):
            replacement = f"use `{item.new}` instead" if item.new else item.advice.rstrip(".") or "no replacement"
            for name in (*item.names, *(item.pinned if self.pinned_legacy else ())):
                banned[name] = f"Legacy websockets API: {replacement}."
        return banned

    @property
    def pinned_legacy(self) -> bool:
        """Whether top-level ``websockets.connect``/``serve`` are legacy for this project (cached)."""
        if self._pinned is None:
            self._pinned = project_pins_legacy(
                self.settings.pyproject, self.settings.project_root, self.settings.options.get("websockets-version")
            )
        return self._pinned

    @property
    def tables(self) -> _Tables:
        if self._tables is None:
            self._tables = _Tables(self.settings.packs, self.pinned_legacy)
        return self._tables

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        if not self.tables.worth_analysing(ctx.ast_tree):
            return []
        return _Analysis(self.tables, ctx).run()

    def focus(self, ctx: FileContext) -> Collection[str]:
        """Code that reaches the ``websockets`` module, and the names a fix may import."""
        return related_identifiers(ctx.ast_tree, ctx.text, {"websockets", *self.tables.new_names})


# ---------------------------------------------------------------------------------------
# Small syntax helpers


def _chain_parts(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    yield node
    while isinstance(node, cst.Attribute):
        node = node.value
        yield node


def _strip_optional(node: cst.BaseExpression) -> cst.BaseExpression:
    """`X | None`, `None | X` and `Optional[X]` → X (a None receiver never reaches an attribute)."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        if isinstance(node.right, cst.Name) and node.right.value == "None":
            return node.left
        if isinstance(node.left, cst.Name) and node.left.value == "None":
            return node.right
    if (
        isinstance(node, cst.Subscript)
        and dotted_name(node.value) in ("Optional", "typing.Optional")
        and len(node.slice) == 1
    ):
        element = node.slice[0].slice
        if isinstance(element, cst.Index):
            return element.value
    return node


def _root_name(node: cst.CSTNode) -> cst.CSTNode:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted_name(alias.name)


def _split(qualified: str) -> tuple[str, str]:
    module, _, name = qualified.rpartition(".")
    return module, name


def _positional(params: cst.Parameters) -> list[cst.Param]:
    return [*params.posonly_params, *params.params]


def _is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


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


class _Collector(CstVisitor):
    """One walk over the tree that gathers the nodes the analysis looks at."""

    def __init__(self) -> None:
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []
        self._in_import = 0
        self.imports: list[cst.Import | cst.ImportFrom] = []
        self.calls: list[cst.Call] = []
        self.attributes: list[cst.Attribute] = []
        self.aliases: dict[cst.Name, cst.BaseExpression] = {}
        self.handlers: list[tuple[cst.Try, cst.ExceptHandler]] = []
        self.functions: list[cst.FunctionDef] = []
        self.annotated: list[cst.AnnAssign] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parents[node] = self._stack[-1]
        self._stack.append(node)
        return cst.CSTVisitor.on_visit(self, node)  # on to visit_<Node>

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()
        cst.CSTVisitor.on_leave(self, original_node)

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.append(node)
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.append(node)
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self._in_import:
            self.attributes.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and isinstance(node.value, (cst.Name, cst.Attribute))
        ):
            self.aliases[node.targets[0].target] = node.value

    def visit_Try(self, node: cst.Try) -> None:
        self.handlers.extend((node, h) for h in node.handlers)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.annotated.append(node)


# ---------------------------------------------------------------------------------------
# The analysis of one file


class _Analysis:
    def __init__(self, tables: _Tables, ctx: FileContext) -> None:
        self.ctx = ctx
        self.tables = tables
        self.module_advice = tables.module_advice
        self.names = tables.names
        self.modern_callables = tables.modern_callables
        self.receiver_classes = tables.receiver_classes
        self.arguments = tables.arguments
        self.positional = tables.positional
        self.attributes = tables.attributes

        module = ctx.cst_module
        wrapper = ctx.cst_wrapper
        self.module = module
        scopes = wrapper.resolve(cst.metadata.ScopeProvider)
        self.access_of: dict[cst.CSTNode, Access] = {}
        self.assignments: list[Assignment | ImportAssignment] = []
        for scope in {s for s in scopes.values() if s is not None}:
            for access in scope.accesses:
                self.access_of[access.node] = access
            self.assignments.extend(
                a for a in scope.assignments if isinstance(a, (cst.metadata.Assignment, cst.metadata.ImportAssignment))
            )
        self.bound_names = {a.name for a in self.assignments}
        self.collected = _Collector()
        module.visit(self.collected)
        self.parents = self.collected.parents
        self._resolved: dict[cst.CSTNode, _Ref | None] = {}
        self.pending: list[_Pending] = []
        self.groups: dict[Any, Group] = {}
        self.uses: dict[Group, tuple[LegacyName, list[cst.CSTNode]]] = {}
        self.call_groups: dict[cst.Call, tuple[str, Group | None]] = {}
        # receiver binding node -> (kind, group or None for "already new")
        self.receivers: dict[cst.CSTNode, tuple[str, Group | None]] = {}
        self.reported_callbacks: set[cst.CSTNode] = set()
        self.self_params = self._method_selves()
        self.class_attributes: dict[tuple[cst.ClassDef, str], tuple[str, Group | None]] = {}

    # -- resolution ------------------------------------------------------------------------

    def resolve(self, node: cst.CSTNode, depth: int = 0) -> _Ref | None:
        if node in self._resolved:
            return self._resolved[node]
        ref: _Ref | None = None
        if node in self.access_of and depth < 8:
            # a Name, or the dotted name of `import a.b.c` (LibCST records that as one access)
            ref = self._resolve_name(node, depth)  # type: ignore[arg-type]
        elif isinstance(node, cst.Attribute):
            base = self.resolve(node.value, depth)
            if base is not None:
                origin = base.origin if base.via_alias else node
                ref = _Ref(f"{base.qualified}.{node.attr.value}", origin, base.binding, base.via_alias, base.unique)
        self._resolved[node] = ref
        return ref

    def _resolve_name(self, node: cst.Name | cst.Attribute, depth: int) -> _Ref | None:
        access = self.access_of.get(node)
        name = dotted_name(node)
        if access is None or not access.referents or not name:
            return None
        found: set[str] = set()
        binding: ImportAssignment | None = None
        for referent in access.referents:
            if isinstance(referent, cst.metadata.ImportAssignment):
                qualified = self._import_target(referent, name)
                if qualified is None:
                    return None
                found.add(qualified)
                binding = referent if binding is None else binding
            elif (
                isinstance(referent, cst.metadata.Assignment)
                and len(access.referents) == 1
                and referent.node in self.collected.aliases
            ):
                inner = self.resolve(self.collected.aliases[referent.node], depth + 1)  # type: ignore[index]
                if inner is None:
                    return None
                return _Ref(inner.qualified, inner.origin, inner.binding, True, inner.unique)
            else:
                return None
        if len(found) != 1:
            return None
        return _Ref(found.pop(), node, binding, unique=len(access.referents) == 1)

    def _import_target(self, assignment: ImportAssignment, name: str) -> str | None:
        statement = assignment.node
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                if alias.asname is not None and _bound_name(alias) == name:
                    return dotted_name(alias.name)
                dotted = dotted_name(alias.name)
                if alias.asname is None and (dotted == name or dotted.startswith(name + ".")):
                    return name
        elif (
            isinstance(statement, cst.ImportFrom)
            and not statement.relative
            and not isinstance(statement.names, cst.ImportStar)
        ):
            module = dotted_name(statement.module)
            for alias in statement.names:
                if _bound_name(alias) == name:
                    return f"{module}.{dotted_name(alias.name)}"
        return None

    def group_key(self, ref: _Ref, entry: LegacyName) -> Any:
        """Uses through one from-import share its group; attribute chains group by root name and entry."""
        if isinstance(ref.origin, cst.Attribute):
            return ("chain", dotted_name(_root_name(ref.origin)), entry)
        binding = ref.binding
        if (
            binding is None
            or not isinstance(binding.node, cst.ImportFrom)
            or isinstance(binding.node.names, cst.ImportStar)
        ):
            return None
        return next((a for a in binding.node.names if _bound_name(a) == binding.name), None)

    def legacy_entry(self, qualified: str) -> LegacyName | None:
        return self.names.get(qualified)

    def is_legacy_module(self, qualified: str) -> bool:
        return self.tables.is_legacy_module(qualified)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    # -- reporting ----------------------------------------------------------------------------

    def report(self, code: str, message: str, node: cst.CSTNode, group: Group | None = None) -> None:
        self.pending.append(_Pending(code, message, node, group))

    def run(self) -> list[Diagnostic]:
        self._imports()
        self._references()
        self._call_sites()
        self._exceptions()
        self._annotated_receivers()
        self._receiver_attributes()
        return self._emit()

    def _emit(self) -> list[Diagnostic]:
        out = []
        seen: set[tuple[str, int, int]] = set()
        for item in self.pending:
            span = self.ctx.cst_span(item.node)
            if (item.code, *span) in seen:
                continue
            seen.add((item.code, *span))
            message = item.message
            fix: Callable[[], Iterable[Edit]] | None = None
            applicability = None
            if item.group is not None:
                root = item.group.root()
                if root.blockers:
                    message += f" (not fixed automatically: {'; '.join(root.blockers)})"
                else:
                    fix, applicability = root.edits, root.applicability
            out.append(
                self.ctx.diagnostic(
                    item.code,
                    message,
                    span,
                    fix=fix,
                    applicability=applicability,
                    fix_title="Migrate to websockets.asyncio",
                )
            )
        return out

    def group(self, key: Any) -> Group:
        if key not in self.groups:
            self.groups[key] = Group()
        return self.groups[key]

    # -- imports -----------------------------------------------------------------------------

    def _imports(self) -> None:
        for statement in self.collected.imports:
            if isinstance(statement, cst.Import):
                for alias in statement.names:
                    qualified = dotted_name(alias.name)
                    if self.is_legacy_module(qualified):
                        self._legacy_module_import(statement, alias, qualified)
                continue
            if statement.relative or statement.module is None:
                continue
            module = dotted_name(statement.module)
            if isinstance(statement.names, cst.ImportStar):
                if self.is_legacy_module(module):
                    self.report("NL101", f"star import from legacy module `{module}`: {self.module_advice}", statement)
                continue
            for alias in statement.names:
                qualified = f"{module}.{dotted_name(alias.name)}"
                entry = self.legacy_entry(qualified)
                if entry is not None:
                    self._from_import(statement, alias, qualified, entry)
                elif self.is_legacy_module(qualified) or self.is_legacy_module(module):
                    self._legacy_module_import(statement, alias, qualified)

    def _import_assignment(self, statement: cst.CSTNode, alias: cst.ImportAlias) -> ImportAssignment | None:
        name = _bound_name(alias)
        for assignment in self.assignments:
            if (
                isinstance(assignment, cst.metadata.ImportAssignment)
                and assignment.node is statement
                and assignment.name == name
            ):
                return assignment
        return None

    def _legacy_module_import(
        self, statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias, qualified: str
    ) -> None:
        """A legacy import: reported; removed once nothing uses it, if it is a top-level statement."""
        assignment = self._import_assignment(statement, alias)
        group = None
        if assignment is not None and not assignment.references and self._alone_at_top_level(statement):
            group = Group()
            group.add(lambda: self._remove_alias(statement, alias))
        message = f"`{qualified}` belongs to the legacy implementation: {self.module_advice}"
        self.report("NL101", message + ("; the import is unused" if group else ""), alias, group)

    def _from_import(
        self, statement: cst.ImportFrom, alias: cst.ImportAlias, qualified: str, entry: LegacyName
    ) -> None:
        group = self.group(alias)
        assignment = self._import_assignment(statement, alias)
        if entry.fix == "report":
            if assignment is not None and not assignment.references and self._alone_at_top_level(statement):
                self.report(entry.code, self._message(qualified, entry) + "; the import is unused", alias, group)
                group.add(lambda: self._remove_alias(statement, alias))
            else:
                self.report(entry.code, self._message(qualified, entry), alias, group)
                group.block(f"`{_split(qualified)[1]}` has no mechanical replacement")
            return
        self.report(entry.code, self._message(qualified, entry), alias, group)
        if assignment is None:
            group.block("the imported name could not be resolved")
            return
        for access in assignment.references:
            if not isinstance(access.node, cst.Name) or self.resolve(access.node) is None:
                group.block(f"`{_bound_name(alias)}` is also bound to something else")
        new_module, new_name = _split(entry.new)
        old_name = dotted_name(alias.name)
        asname = (
            alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else None
        )
        rename_refs = False
        if asname is None and new_name != old_name:
            if new_name in self.bound_names and not has_import(self.module, new_module, new_name):
                asname = old_name  # keep the old spelling through an alias
            else:
                rename_refs = True
        refs = [a.node for a in assignment.references if isinstance(a.node, cst.Name)]
        self.uses[group] = (entry, list(refs))

        def produce() -> list[Edit] | None:
            edits = self._rewrite_import(statement, alias, new_module, new_name, asname)
            if edits is None:
                return None
            if rename_refs:
                edits.extend(replace_node(self.ctx, ref, new_name) for ref in refs)
            return edits

        group.add(produce)

    def _message(self, qualified: str, entry: LegacyName) -> str:
        if entry.fix == "report":
            return f"`{qualified}` is legacy with no direct replacement: {entry.advice}"
        message = f"`{qualified}` is legacy; use `{entry.new}`"
        return f"{message}: {entry.advice}" if entry.advice else message

    def _rewrite_import(
        self, statement: cst.ImportFrom, alias: cst.ImportAlias, module: str, name: str, asname: str | None
    ) -> list[Edit] | None:
        names = statement.names
        assert not isinstance(names, cst.ImportStar)
        if len(names) == 1:
            if has_import(self.module, module, name, asname) and self._alone_at_top_level(statement):
                return [remove_line(self.ctx, self.parent(statement))]  # type: ignore[arg-type]
            assert statement.module is not None
            edits = [replace_node(self.ctx, statement.module, module)]
            if dotted_name(alias.name) != name:
                edits.append(replace_node(self.ctx, alias.name, name))
            if asname is not None and alias.asname is None:
                end = self.ctx.cst_span(alias.name)[1]
                edits.append(Edit(end, end, f" as {asname}"))
            return edits
        removal = self._remove_alias(statement, alias)
        if removal is None:
            return None
        return [*removal, self._import_below(statement, import_line(module, name, asname))]

    def _alone_at_top_level(self, statement: cst.CSTNode) -> bool:
        """The statement is a whole line of the module body, so deleting the line empties no block."""
        line = self.parent(statement)
        return (
            isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and isinstance(self.parent(line), cst.Module)
        )

    def _import_below(self, statement: cst.ImportFrom, text: str) -> Edit:
        """A new import line right below ``statement``, so it runs where the old one ran."""
        start, end = self.ctx.cst_span(statement)
        source = self.ctx.source
        row = source.location(start)[0]
        indent = self.ctx.text[source.line_starts[row - 1] : start]
        end_row = source.location(end)[0]
        offset = source.line_starts[end_row] if end_row < len(source.line_starts) else len(self.ctx.text)
        prefix = "" if self.ctx.text[offset - 1 : offset] in ("\n", "\r") else source.newline
        return Edit(offset, offset, f"{prefix}{indent}{text}{source.newline}")

    def _remove_alias(self, statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> list[Edit] | None:
        """Delete one name of an import (the whole line when it is the only one)."""
        names = statement.names
        assert not isinstance(names, cst.ImportStar)
        if len(names) == 1:
            return [remove_line(self.ctx, self.parent(statement))] if self._alone_at_top_level(statement) else None  # type: ignore[arg-type]
        start, end = self.ctx.cst_span(statement)
        if "#" in self.ctx.text[start:end]:
            return None  # deleting across a comment would lose it
        index = list(names).index(alias)
        if index + 1 < len(names):
            return [Edit(self.ctx.cst_span(alias)[0], self.ctx.cst_span(names[index + 1])[0])]
        return [Edit(self.ctx.cst_span(names[index - 1])[1], self.ctx.cst_span(alias)[1])]

    # -- references through attribute chains (import websockets; websockets.legacy...) --------

    def _references(self) -> None:
        for node in self.collected.attributes:
            ref = self.resolve(node)
            if ref is None or ref.via_alias or ref.origin is not node:
                continue
            parent = self.parent(node)
            extended = isinstance(parent, cst.Attribute) and parent.value is node
            entry = self.legacy_entry(ref.qualified)
            if entry is not None:
                self._chain_reference(node, ref, entry)
            elif (
                self.is_legacy_module(ref.qualified)
                and not extended
                and not self._inside_entry(node)
                and not self._reported_import(ref)
            ):
                self.report(
                    "NL101", f"`{ref.qualified}` is part of the legacy implementation: {self.module_advice}", node
                )

    def _reported_import(self, ref: _Ref) -> bool:
        """Uses of a name whose import is already reported as legacy are not reported again."""
        binding = ref.binding
        if binding is None:
            return False
        target = self._import_target(binding, binding.name) or ""
        return self.is_legacy_module(target) or self.legacy_entry(target) is not None

    def _inside_entry(self, node: cst.Attribute) -> bool:
        inner = node.value
        while isinstance(inner, cst.Attribute):
            ref = self.resolve(inner)
            if ref is not None and self.legacy_entry(ref.qualified):
                return True
            inner = inner.value
        return False

    def _chain_reference(self, node: cst.Attribute, ref: _Ref, entry: LegacyName) -> None:
        group = self.group(self.group_key(ref, entry))
        entry_uses = self.uses.setdefault(group, (entry, []))[1]
        entry_uses.append(node)
        self.report(entry.code, self._message(ref.qualified, entry), node, group)
        if entry.fix == "report":
            group.block(f"`{_split(ref.qualified)[1]}` has no mechanical replacement")
            return
        if ref.binding is None:
            group.block("the module name could not be resolved")
            return
        new_module, new_name = _split(entry.new)
        if new_name in self.bound_names and not has_import(self.module, new_module, new_name):
            text = entry.new
            imports = lambda: add_import(self.ctx, new_module)  # noqa: E731
        else:
            text = new_name
            imports = lambda: add_import(self.ctx, new_module, new_name)  # noqa: E731
        binding, unique = ref.binding, ref.unique

        def produce() -> list[Edit] | None:
            edits = [replace_node(self.ctx, node, text), *imports()]
            consumed = {part for n in entry_uses for part in _chain_parts(n)}
            statement = binding.node
            if (
                unique
                and binding.references
                and all(a.node in consumed for a in binding.references)
                and isinstance(statement, (cst.Import, cst.ImportFrom))
                and not isinstance(statement.names, cst.ImportStar)
            ):
                alias = next(a for a in statement.names if _bound_name(a) == binding.name)
                edits.extend(self._remove_alias(statement, alias) or [])
            return edits

        group.add(produce)

    # -- call sites --------------------------------------------------------------------------

    def _callee(self, call: cst.Call) -> tuple[str, Group | None, LegacyName | None] | None:
        """(role, group of the legacy binding or None if the callee is already new, entry)."""
        ref = self.resolve(call.func)
        if ref is None:
            return None
        entry = self.legacy_entry(ref.qualified)
        if entry is not None and entry.role in CALLABLE_ROLES:
            group = self.groups.get(self.group_key(ref, entry)) or Group(
                blockers=["the legacy name could not be traced"]
            )
            return entry.role, group, entry
        role = self.modern_callables.get(ref.qualified)
        return (role, None, None) if role else None

    def _call_sites(self) -> None:
        for call in self.collected.calls:
            callee = self._callee(call)
            if callee is None:
                continue
            role, group, _entry = callee
            self.call_groups[call] = (role, group)
            local = group if group is not None else Group()
            self._arguments(call, role, group, local)
            if role in ("serve", "unix_serve"):
                self._serve(call, group)
                self._result_receiver(call, "server", group)
            elif role in ("connect", "unix_connect"):
                self._result_receiver(call, "client-connection", group)
        self._uses_of_legacy_callables()

    def _uses_of_legacy_callables(self) -> None:
        """A legacy callable used other than by a call (e.g. passed around) can't be switched safely."""
        for group, (entry, nodes) in self.uses.items():
            for node in nodes:
                self._check_use(node, entry, group)

    def _check_use(self, node: cst.CSTNode, entry: LegacyName, group: Group) -> None:
        parent = self.parent(node)
        if entry.role in CALLABLE_ROLES:
            if isinstance(parent, cst.Call) and parent.func is node:
                return
            if isinstance(parent, cst.Assign) and parent.value is node and node in self.collected.aliases.values():
                return
            group.block(f"`{dotted_name(node)}` is used other than in a call")
        elif entry.fix == "types":
            if self._in_annotation(node) or self._in_isinstance(node):
                return
            if self._in_bases(node):
                group.block(f"`{dotted_name(node)}` is subclassed; port the subclass by hand")
            else:
                group.block(f"`{dotted_name(node)}` is used at runtime, not only in annotations")
        elif entry.fix == "with-connect" and not self._in_except(node):
            group.block(f"`{dotted_name(node)}` is used outside an except clause")

    def _ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def _in_annotation(self, node: cst.CSTNode) -> bool:
        for ancestor in self._ancestors(node):
            if isinstance(ancestor, cst.Annotation):
                return True
            if isinstance(ancestor, (cst.BaseStatement, cst.BaseSmallStatement)):
                return False
        return False

    def _in_isinstance(self, node: cst.CSTNode) -> bool:
        child = node
        for ancestor in self._ancestors(node):
            if isinstance(ancestor, (cst.Tuple, cst.Element)):
                child = ancestor
                continue
            if isinstance(ancestor, cst.Arg):
                call = self.parent(ancestor)
                return (
                    isinstance(call, cst.Call)
                    and isinstance(call.func, cst.Name)
                    and call.func.value in ("isinstance", "issubclass")
                    and self.resolve(call.func) is None
                    and len(call.args) == 2
                    and call.args[1] is ancestor
                    and ancestor.value is child
                )
            return False
        return False

    def _in_bases(self, node: cst.CSTNode) -> bool:
        parent = self.parent(node)
        return isinstance(parent, cst.Arg) and isinstance(self.parent(parent), cst.ClassDef)

    def _in_except(self, node: cst.CSTNode) -> bool:
        for ancestor in self._ancestors(node):
            if isinstance(ancestor, cst.ExceptHandler):
                return True
            if not isinstance(ancestor, (cst.Tuple, cst.Element)):
                return False
        return False

    def _in_async_function(self, node: cst.CSTNode) -> bool:
        for ancestor in self._ancestors(node):
            if isinstance(ancestor, cst.Lambda):
                return False
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor.asynchronous is not None
        return False

    # -- arguments (NL102) --------------------------------------------------------------------

    def _arguments(self, call: cst.Call, role: str, legacy: Group | None, group: Group) -> None:
        changes: dict[int, str | None] = {}  # index -> new keyword (None: delete the argument)
        value_edits: list[Callable[[], list[Edit]]] = []
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        for index, arg in enumerate(call.args):
            if arg.star:
                if legacy is not None:
                    legacy.block("the call passes *args/**kwargs that can't be checked")
                continue
            if arg.keyword is None:
                rule = self.positional.get((role, index))
                if rule is not None:
                    self.report(
                        "NL102", f"pass `{rule.to}=` by keyword: it is keyword-only in the new `{role}()`", arg, group
                    )
                    changes[index] = rule.to
                continue
            spec = self.arguments.get((arg.keyword.value, role))
            if spec is None:
                continue
            name = arg.keyword.value
            if spec.action == "rename":
                if spec.to in keywords:
                    if spec.drop_duplicate:
                        changes[index] = None
                        self.report(
                            "NL102", f"`{name}=` is legacy and `{spec.to}=` is already given: remove it", arg, group
                        )
                    else:
                        self.report("NL102", f"`{name}=` is legacy and `{spec.to}=` is also given: keep one", arg)
                        _block(legacy, f"both `{name}=` and `{spec.to}=` are given")
                    continue
                changes[index] = spec.to
                self.report("NL102", f"`{name}=` is legacy; the new `{role}()` calls it `{spec.to}=`", arg, group)
            elif spec.action == "drop":
                changes[index] = None
                self.report("NL102", f"`{name}=` is not accepted by the new `{role}()`: remove it", arg, group)
            elif spec.action == "drop-if-false":
                if _is_false(arg.value):
                    changes[index] = None
                    self.report(
                        "NL102",
                        f"`{name}=False` is the default and not accepted by the new `{role}()`: remove it",
                        arg,
                        group,
                    )
                else:
                    self.report("NL102", f"`{name}=` is not accepted by the new `{role}()`: {spec.advice}", arg)
                    _block(legacy, f"`{name}=` has no mechanical replacement")
            elif spec.action == "empty-origin":
                empties = self._empty_origins(arg.value)
                if empties:
                    self.report(
                        "NL102",
                        '`origins=[""]` is legacy; the new `serve()` spells "no Origin header" as `None`',
                        arg,
                        group,
                    )
                    value_edits.append(functools.partial(self._replace_all, empties, "None"))
            elif spec.action == "note":
                if legacy is not None:  # same argument, new meaning: worth knowing while switching
                    self.report("NL102", f"`{name}=` keeps its name in the new `{role}()` but {spec.advice}", arg)
            elif spec.action == "factory" and self._factory_rewritable(call, arg, spec, keywords):
                unsafe = legacy if legacy is not None else Group()
                unsafe.make_unsafe()
                assert isinstance(arg.value, cst.Call)
                new = self._factory_entry(arg.value).new  # type: ignore[union-attr]
                self.report(
                    "NL102",
                    f"`{name}={dotted_name(arg.value.func)}(...)` is legacy; pass `{spec.to}={_split(new)[1]}(...)` "
                    f"to the new `{role}()` (same realm and credentials; misuse raises ValueError instead of TypeError)",
                    arg,
                    unsafe,
                )
                unsafe.add(functools.partial(self._factory_edits, arg, spec, new))
            else:
                self.report("NL102", f"`{name}=` is not accepted by the new `{role}()`: {spec.advice}", arg)
                _block(legacy, f"`{name}=` has no mechanical replacement")
        if changes or value_edits:
            group.add(lambda: self._argument_edits(call, changes, value_edits))

    def _replace_all(self, nodes: list[cst.CSTNode], text: str) -> list[Edit]:
        return [replace_node(self.ctx, node, text) for node in nodes]

    def _factory_entry(self, value: cst.BaseExpression) -> LegacyName | None:
        ref = self.resolve(value.func) if isinstance(value, cst.Call) else None
        return self.legacy_entry(ref.qualified) if ref is not None else None

    def _factory_rewritable(self, call: cst.Call, arg: cst.Arg, spec: LegacyArgument, keywords: set[str]) -> bool:
        """`create_protocol=basic_auth_protocol_factory(...)` with nothing the new callback can't take."""
        entry = self._factory_entry(arg.value)
        if entry is None or entry.role != spec.factory or spec.to in keywords:
            return False
        assert isinstance(arg.value, cst.Call)
        return not any(a.star or (a.keyword is not None and a.keyword.value == spec.name) for a in arg.value.args)

    def _factory_edits(self, arg: cst.Arg, spec: LegacyArgument, new: str) -> list[Edit]:
        assert isinstance(arg.value, cst.Call) and arg.keyword is not None
        module, name = _split(new)
        if name in self.bound_names and not has_import(self.module, module, name):
            callee, imports = new, add_import(self.ctx, module)
        else:
            callee, imports = name, add_import(self.ctx, module, name)
        return [replace_node(self.ctx, arg.keyword, spec.to), replace_node(self.ctx, arg.value.func, callee), *imports]

    @staticmethod
    def _empty_origins(value: cst.BaseExpression) -> list[cst.CSTNode]:
        if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            return []
        return [
            e.value
            for e in value.elements
            if isinstance(e, cst.Element)
            and isinstance(e.value, cst.SimpleString)
            and e.value.evaluated_value in ("", b"")
        ]

    def _argument_edits(
        self, call: cst.Call, changes: dict[int, str | None], value_edits: list[Callable[[], list[Edit]]]
    ) -> list[Edit] | None:
        args = list(call.args)
        edits: list[Edit] = [e for produce in value_edits for e in produce()]
        index = 0
        while index < len(args):
            if index in changes and changes[index] is None:
                last = index
                while last + 1 < len(args) and last + 1 in changes and changes[last + 1] is None:
                    last += 1
                if last + 1 < len(args):
                    start, end = self.ctx.cst_span(args[index])[0], self.ctx.cst_span(args[last + 1])[0]
                elif index > 0:
                    start, end = self.ctx.cst_span(args[index - 1])[1], self.ctx.cst_span(args[last])[1]
                else:
                    return None
                if "#" in self.ctx.text[start:end]:
                    # Keep comments: delete each argument and its comma only, not the lines between.
                    edits.extend(self._delete_argument_text(arg) for arg in args[index : last + 1])
                else:
                    edits.append(Edit(start, end))
                index = last + 1
                continue
            keyword = changes.get(index)
            if keyword is not None:
                arg = args[index]
                if arg.keyword is not None:
                    edits.append(replace_node(self.ctx, arg.keyword, keyword))
                else:
                    start = self.ctx.cst_span(arg)[0]
                    edits.append(Edit(start, start, f"{keyword}="))
            index += 1
        return edits

    def _delete_argument_text(self, arg: cst.Arg) -> Edit:
        """One argument with its comma and the spaces after it, up to a comment or line end."""
        start, end = self.ctx.cst_span(arg)
        text = self.ctx.text
        cursor = end
        while cursor < len(text) and text[cursor] in " \t":
            cursor += 1
        if cursor < len(text) and text[cursor] == ",":
            cursor += 1
            while cursor < len(text) and text[cursor] in " \t":
                cursor += 1
            end = cursor
        return Edit(start, end)

    # -- serve(): handler (NL104), callbacks (NL106), event loop (NL107) -----------------------

    def _serve(self, call: cst.Call, legacy: Group | None) -> None:
        handler_arg = next((a for a in call.args if a.keyword is None and not a.star), None)
        handler_arg = next(
            (a for a in call.args if a.keyword is not None and a.keyword.value in ("ws_handler", "handler")),
            handler_arg,
        )
        function = self._function(handler_arg.value) if handler_arg is not None else None
        if function is None:
            if legacy is not None:
                legacy.block("the connection handler is not a function of this file")
        else:
            self._handler(function, self._bound_parameters(handler_arg.value), legacy)  # type: ignore[union-attr]
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("process_request", "select_subprotocol"):
                self._callback(arg.keyword.value, arg.value, legacy)
        if not self._in_async_function(call):
            if legacy is not None:
                legacy.block("serve() is called outside a running event loop")
            if self._run_until_complete(call):
                self.report(
                    "NL107",
                    "the new serve() needs a running event loop: write `async def main(): async with serve(...) as server: "
                    "await server.serve_forever()` and run it with `asyncio.run(main())`",
                    call,
                )

    def _run_until_complete(self, call: cst.Call) -> bool:
        parent = self.parent(call)
        if isinstance(parent, cst.Arg) and self._is_run_until_complete(self.parent(parent)):
            return True
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            target = parent.targets[0].target
            for assignment in self.assignments:
                if assignment.node is target:
                    for access in assignment.references:
                        arg = self.parent(access.node)
                        if isinstance(arg, cst.Arg) and self._is_run_until_complete(self.parent(arg)):
                            return True
        return False

    @staticmethod
    def _is_run_until_complete(node: cst.CSTNode | None) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "run_until_complete"
        )

    def _function(self, value: cst.BaseExpression) -> cst.FunctionDef | cst.Lambda | None:
        """The def (or lambda) an argument refers to: a Name, `self.method`, or functools.partial of one."""
        if isinstance(value, cst.Lambda):
            return value
        if isinstance(value, cst.Attribute):
            return self._method_via_self(value)
        if isinstance(value, cst.Call):
            ref = self.resolve(value.func)
            if (
                ref is not None
                and ref.qualified == "functools.partial"
                and value.args
                and value.args[0].keyword is None
            ):
                return self._function(value.args[0].value)
            return None
        node = self._binding_node(value)
        return node if isinstance(node, cst.FunctionDef) and not self._is_method(node) else None

    def _method_via_self(self, value: cst.Attribute) -> cst.FunctionDef | None:
        """`self.name` inside a method: the plain method `name` defined once in that class."""
        owner = self._self_class(value.value)
        if owner is None:
            return None
        found = [
            statement
            for statement in owner.body.body
            if isinstance(statement, cst.FunctionDef) and statement.name.value == value.attr.value
        ]
        if len(found) != 1 or found[0].decorators:
            return None
        return found[0]

    def _binding_node(self, node: cst.BaseExpression) -> cst.CSTNode | None:
        """The node that binds a Name, when exactly one binding reaches it."""
        access = self.access_of.get(node) if isinstance(node, cst.Name) else None
        if access is None or len(access.referents) != 1:
            return None
        (referent,) = access.referents
        return getattr(referent, "node", None)

    def _self_class(self, node: cst.BaseExpression) -> cst.ClassDef | None:
        """The class whose method has ``node`` as its first parameter (`self`)."""
        return self.self_params.get(self._binding_node(node))  # type: ignore[arg-type]

    def _bound_parameters(self, value: cst.BaseExpression) -> int:
        """How many leading positional parameters are already bound: `self`, or by functools.partial."""
        if isinstance(value, cst.Call) and value.args:
            inner = value.args[0].value
            bound = sum(1 for a in value.args[1:] if a.keyword is None and not a.star)
            return bound + self._bound_parameters(inner)
        return 1 if isinstance(value, cst.Attribute) else 0

    def _is_method(self, function: cst.FunctionDef) -> bool:
        parent = self.parent(function)
        return isinstance(self.parent(parent), cst.ClassDef) if parent is not None else False

    def _handler(self, function: cst.FunctionDef | cst.Lambda, bound: int, legacy: Group | None) -> None:
        params = function.params
        positional = _positional(params)[bound:]
        if not positional:
            return
        group = legacy if legacy is not None else self.group(("handler", function))
        self.receivers.setdefault(positional[0], ("server-connection", legacy))
        if len(positional) < 2:
            return
        second = positional[1]
        required = [p for p in positional if p.default is None]
        name = function.name.value if isinstance(function, cst.FunctionDef) else "lambda"
        if second.default is not None:
            self.report(
                "NL104",
                f"handler `{name}` takes an optional `{second.name.value}`: the server passes the connection only "
                f"(legacy servers could pass the path); read `{positional[0].name.value}.request.path` if that is what it is for",
                second,
            )
            return
        fixable = (
            isinstance(function, cst.FunctionDef)
            and len(positional) == len(required) == 2
            and all(p.default is None for p in params.params)
            and not params.posonly_params
            and not isinstance(params.star_arg, cst.Param)
            and params.star_kwarg is None
            and not params.kwonly_params
        )
        message = f"handler `{name}` takes `({positional[0].name.value}, {second.name.value})`: the new server passes the connection only"
        if not fixable:
            self.report("NL104", message, second)
            group.block(f"handler `{name}` has a signature that can't be rewritten mechanically")
            return
        assert isinstance(function, cst.FunctionDef)
        self.report("NL104", message, second, group)
        defined = next((a for a in self.assignments if a.node is function), None)
        uses = [a.node for a in defined.references] if defined is not None else []
        if self._is_method(function):
            owner = self.parent(self.parent(function))  # type: ignore[arg-type]
            uses += [
                n for n in self.collected.attributes if n.attr.value == name and self._self_class(n.value) is owner
            ]
        if any(not self._is_handler_argument(node) for node in uses):
            group.block(f"handler `{name}` is also called directly")
            return
        span = self.ctx.cst_span(params)
        if "#" in self.ctx.text[span[0] : span[1]]:
            group.block(f"the parameters of `{name}` carry comments")
            return
        if not isinstance(function.body, cst.IndentedBlock):
            group.block(f"handler `{name}` is written on one line")
            return
        group.add(lambda: self._handler_edits(function, positional[0], second))

    def _is_handler_argument(self, node: cst.CSTNode) -> bool:
        arg = self.parent(node)
        call = self.parent(arg) if arg is not None else None
        if isinstance(call, cst.Call) and isinstance(arg, cst.Arg):
            ref = self.resolve(call.func)
            if ref is not None and ref.qualified == "functools.partial":
                arg, call = self.parent(call), self.parent(self.parent(call))  # type: ignore[arg-type]
        if not (isinstance(call, cst.Call) and isinstance(arg, cst.Arg)):
            return False
        callee = self._callee(call)
        return callee is not None and callee[0] in ("serve", "unix_serve")

    def _handler_edits(self, function: cst.FunctionDef, first: cst.Param, second: cst.Param) -> list[Edit]:
        params = function.params
        kept = list(params.params[: params.params.index(second)])
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new_params = params.with_changes(params=kept)
        edits = [replace_node(self.ctx, params, new_params)]
        used = next((a for a in self.assignments if a.node is second and a.references), None)
        if used is None:
            return edits
        body = function.body
        assert isinstance(body, cst.IndentedBlock)
        statements = list(body.body)
        documented = function.get_docstring(clean=False) is not None
        skip = 1 if documented and len(statements) > 1 else 0
        anchor = statements[skip]
        start = self.ctx.cst_span(anchor)[0]
        row = self.ctx.source.location(start)[0]
        line_start = self.ctx.source.line_starts[row - 1]
        indent = self.ctx.text[line_start:start]
        line = f"{second.name.value} = {first.name.value}.request.path{self.ctx.source.newline}"
        if documented and skip == 0:
            end_row = self.ctx.source.location(self.ctx.cst_span(anchor)[1])[0]
            starts = self.ctx.source.line_starts
            offset = starts[end_row] if end_row < len(starts) else len(self.ctx.text)
            prefix = "" if self.ctx.text[offset - 1 : offset] in ("\n", "\r") else self.ctx.source.newline
            return [*edits, Edit(offset, offset, prefix + indent + line)]
        return [*edits, Edit(line_start, line_start, indent + line)]

    def _callback(self, kind: str, value: cst.BaseExpression, legacy: Group | None) -> None:
        if legacy is not None:
            legacy.block(f"`{kind}=` must be rewritten for the new signature")
        function = self._function(value)
        if function is None or function in self.reported_callbacks:
            return
        names = [p.name.value for p in _positional(function.params)][self._bound_parameters(value) :]
        if kind == "process_request":
            old = (names[:1] == ["path"]) or (names[1:2] in (["request_headers"], ["headers"]))
            new_shape = "`(connection, request)` and expects `connection.respond(status, text)` or None back"
        else:
            old = (names[:1] == ["client_subprotocols"]) or (names[1:2] == ["server_subprotocols"])
            new_shape = "`(connection, subprotocols)` and expects the chosen subprotocol or None back"
        if not old:
            return
        self.reported_callbacks.add(function)
        target = function.name if isinstance(function, cst.FunctionDef) else function
        self.report(
            "NL106",
            f"`{kind}` callback has the legacy signature `({', '.join(names)})`: the new server calls it with {new_shape}",
            target,
        )

    # -- connection receivers ---------------------------------------------------------------

    def _result_receiver(self, call: cst.Call, kind: str, legacy: Group | None) -> None:
        """`async with f(...) as x`, `x = await f(...)`, `async for x in f(...)`: x is a receiver."""
        parent = self.parent(call)
        target: cst.CSTNode | None = None
        if isinstance(parent, cst.WithItem) and parent.item is call and parent.asname is not None:
            target = parent.asname.name
        elif isinstance(parent, cst.For) and parent.iter is call:
            target = parent.target
        elif isinstance(parent, cst.Await):
            holder = self.parent(parent)
            if isinstance(holder, cst.Assign) and len(holder.targets) == 1:
                target = holder.targets[0].target
        if isinstance(target, cst.Name):
            self.receivers.setdefault(target, (kind, legacy))

    def _connection_annotation(self, annotation: cst.Annotation) -> tuple[str, Group | None] | None:
        """(receiver kind, group of the legacy class or None if it is the new one) for an annotation."""
        ref = self.resolve(_strip_optional(annotation.annotation))
        if ref is None:
            return None
        entry = self.legacy_entry(ref.qualified)
        if entry is not None and entry.role in RECEIVER_OF_ROLE:
            group = self.groups.get(self.group_key(ref, entry)) or Group(blockers=["unresolved annotation"])
            return RECEIVER_OF_ROLE[entry.role], group
        kind = self.receiver_classes.get(ref.qualified)
        return (kind, None) if kind is not None and kind != "connection-closed" else None

    def _annotated_receivers(self) -> None:
        """Parameters annotated with a connection class, and class attributes declared with one."""
        for function in self.collected.functions:
            params = function.params
            for param in [*_positional(params), *params.kwonly_params]:
                if param.annotation is not None and param not in self.receivers:
                    found = self._connection_annotation(param.annotation)
                    if found is not None:
                        self.receivers[param] = found
        for statement in self.collected.annotated:
            found = self._connection_annotation(statement.annotation)
            owner = self._attribute_owner(statement)
            if found is not None and owner is not None:
                self.class_attributes[owner] = found

    def _attribute_owner(self, statement: cst.AnnAssign) -> tuple[cst.ClassDef, str] | None:
        """(class, attribute) for `attr: T` in a class body or `self.attr: T` in one of its methods."""
        target = statement.target
        line = self.parent(statement)
        block = self.parent(line) if line is not None else None
        if isinstance(target, cst.Name):
            owner = self.parent(block) if block is not None else None
            return (owner, target.value) if isinstance(owner, cst.ClassDef) else None
        if isinstance(target, cst.Attribute):
            owner = self.self_params.get(self._binding_node(target.value))  # type: ignore[arg-type]
            return (owner, target.attr.value) if owner is not None else None
        return None

    def _method_selves(self) -> dict[cst.CSTNode, cst.ClassDef]:
        """The first parameter of every plain method, mapped to its class."""
        selves: dict[cst.CSTNode, cst.ClassDef] = {}
        for function in self.collected.functions:
            positional = _positional(function.params)
            decorated = any(dotted_name(d.decorator) in ("staticmethod", "classmethod") for d in function.decorators)
            block = self.parent(function)
            owner = self.parent(block) if block is not None else None
            if positional and not decorated and isinstance(owner, cst.ClassDef):
                selves[positional[0]] = owner
        return selves

    def _receiver_of(self, node: cst.BaseExpression) -> tuple[str, Group | None] | None:
        if isinstance(node, cst.Attribute):
            owner = self._self_class(node.value)
            return self.class_attributes.get((owner, node.attr.value)) if owner is not None else None
        return self.receivers.get(self._binding_node(node))  # type: ignore[arg-type]

    def _receiver_attributes(self) -> None:
        for node in self.collected.attributes:
            found = self._receiver_of(node.value)
            if found is None:
                continue
            kind, legacy = found
            side = SIDE.get(kind, "")
            kind = "connection" if side else kind
            spec = self.attributes.get((node.attr.value, kind))
            if spec is None:
                continue
            parent = self.parent(node)
            if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.Del)) or (
                isinstance(parent, cst.AnnAssign) and parent.target is node
            ):
                continue
            code = "NL105" if kind in ("invalid-status", "connection-closed") else "NL103"
            receiver = dotted_name(node.value)
            group = legacy if legacy is not None else Group()
            if spec.action == "report" or not spec.replacement(side):
                self.report(code, f"`{receiver}.{spec.name}` is legacy: {spec.advice}", node)
                _block(legacy, f"`{receiver}.{spec.name}` has no mechanical replacement")
                continue
            if spec.action == "state":
                self._state_attribute(node, spec, receiver, group)
                continue
            replacement, edit = self._attribute_replacement(node, spec.replacement(side), receiver)
            if kind == "invalid-status":
                group.add(edit)  # reported with the except clause it belongs to
            elif spec.action == "rewrite":
                self.report(code, f"`{receiver}.{spec.name}` is legacy; use `{replacement}`", node, group)
                group.add(edit)
            else:
                self.report(
                    code,
                    f"`{receiver}.{spec.name}` is legacy; the closest is `{replacement}`",
                    node,
                    None if legacy else group,
                )
                if legacy is not None:
                    legacy.block(f"`{receiver}.{spec.name}` needs a decision")
                elif any(q in replacement for q in "'\"") and any(
                    isinstance(a, cst.FormattedString) for a in self._ancestors(node)
                ):
                    group.block("quotes inside an f-string field need Python 3.12")
                else:
                    group.make_unsafe()
                    group.add(edit)

    def _attribute_replacement(
        self, node: cst.Attribute, to: str, receiver: str
    ) -> tuple[str, Callable[[], list[Edit]]]:
        """The new spelling, and its edit: a template with {receiver} replaces the whole expression."""
        if "{receiver}" in to:
            text = f"({to.format(receiver=receiver)})"
            return text, lambda: [replace_node(self.ctx, node, text)]
        return f"{receiver}.{to}", lambda: [replace_node(self.ctx, node.attr, to)]

    def _state_attribute(self, node: cst.Attribute, spec: LegacyAttribute, receiver: str, group: Group) -> None:
        parent = self.parent(node)
        negated = isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
        operator = "is not" if negated else "is"
        text = f"{receiver}.state {operator} State.{spec.to}"
        target: cst.CSTNode = parent if negated else node  # type: ignore[assignment]
        if not negated and not isinstance(parent, _state_safe_parents()):
            text = f"({text})"
        original = f"not {receiver}.{spec.name}" if negated else f"{receiver}.{spec.name}"
        self.report("NL103", f"`{original}` is legacy; use `{text.strip('()')}`", node, group)
        if "State" in self.bound_names and not has_import(self.module, "websockets.protocol", "State"):
            group.block("`State` is already bound to something else in this file")
            return
        group.add(lambda: [replace_node(self.ctx, target, text), *add_import(self.ctx, "websockets.protocol", "State")])

    # -- exceptions (NL105) --------------------------------------------------------------------

    def _exceptions(self) -> None:
        for try_node, handler in self.collected.handlers:
            if handler.type is None:
                continue
            types = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
            name = handler.name.name if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
            single = self.resolve(handler.type)
            if (
                name is not None
                and single is not None
                and self.receiver_classes.get(single.qualified) == "connection-closed"
            ):
                self.receivers[name] = ("connection-closed", None)
            for expression in types:
                ref = self.resolve(expression)
                entry = self.legacy_entry(ref.qualified) if ref is not None else None
                if entry is None or entry.role != "invalid-status":
                    continue
                group = self.groups.get(self.group_key(ref, entry))  # type: ignore[arg-type]
                if group is None:
                    continue
                self._raising_connects(try_node, group)
                if name is not None:
                    self.receivers[name] = ("invalid-status", group)

    def _raising_connects(self, try_node: cst.Try, group: Group) -> None:
        finder = _CallFinder()
        try_node.body.visit(finder)
        legacy = []
        for call in finder.calls:
            role, connect_group = self.call_groups.get(call, ("", None))
            if role not in ("connect", "unix_connect"):
                continue
            if connect_group is None:
                group.block(
                    "the connect() in this try block is already the new one, so `except InvalidStatusCode` never matches: catch InvalidStatus"
                )
                return
            legacy.append(connect_group)
        if not legacy:
            group.block("the connect() that raises it is not in the try block")
            return
        for connect_group in legacy:
            group.join(connect_group)


def _block(group: Group | None, reason: str) -> None:
    if group is not None:
        group.block(reason)


class _CallFinder(CstVisitor):
    def __init__(self) -> None:
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False
