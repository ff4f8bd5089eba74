"""Modern websockets code for the generated tree: a project that finished its migration.

A real service monorepo mentions websockets everywhere: clients and servers on the new
asyncio implementation, tests full of echo servers, fixtures and mocks of connections,
close-code tables. Every template here is clean under the generated project's
``websockets>=14.2`` pin: the asyncio implementation imported from ``websockets.asyncio``,
top-level ``websockets.connect`` (the new implementation since 14.0), ``ws.state is
State.OPEN``, ``ws.close_code``, a ``(connection, request)`` ``process_request``, exceptions
from ``websockets.exceptions``. Imported callables are aliased (``ws_connect``, ``ws_serve``)
so that a legacy import planted in the same file keeps its own binding.

Each template takes the module's random generator and a unique suffix and returns the
import statements it needs and the code.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

NOUNS = ("feed", "ticker", "presence", "agent", "thread", "metric", "alert", "session", "job", "quote")


@dataclass(frozen=True)
class Snippet:
    """Code to add to a module, and the import statements it needs."""

    imports: tuple[str, ...]
    body: str


Template = Callable[[random.Random, str], Snippet]

CLIENT_CONNECT = "from websockets.asyncio.client import connect as ws_connect"
CLIENT_CONNECTION = "from websockets.asyncio.client import ClientConnection"
SERVER = "from websockets.asyncio.server import Server, ServerConnection"
SERVER_SERVE = "from websockets.asyncio.server import serve as ws_serve"
STATE = "from websockets.protocol import State"


def client_stream(rng: random.Random, name: str) -> Snippet:
    noun = rng.choice(NOUNS)
    return Snippet(
        (CLIENT_CONNECT, STATE, "import json"),
        f"async def stream_{name}(url: str, token: str, limit: int = {rng.randint(5, 500)}) -> list[str]:\n"
        f'    """Read {noun} updates from the websocket feed until ``limit`` arrived."""\n'
        "    received: list[str] = []\n"
        '    headers = {"Authorization": f"Bearer {token}"}\n'
        f"    async with ws_connect(url, additional_headers=headers, open_timeout={rng.randint(5, 30)}) as ws:\n"
        "        if ws.state is State.OPEN:\n"
        f'            await ws.send(json.dumps({{"type": "subscribe", "topic": "{noun}"}}))\n'
        "        async for message in ws:\n"
        "            received.append(str(message))\n"
        "            if len(received) >= limit:\n"
        "                break\n"
        "    return received\n",
    )


def server_handler(rng: random.Random, name: str) -> Snippet:
    noun = rng.choice(NOUNS)
    return Snippet(
        (
            SERVER,
            SERVER_SERVE,
            "from websockets.asyncio.server import broadcast as ws_broadcast",
            "from websockets.exceptions import ConnectionClosedError",
            "from websockets.http11 import Request, Response",
            "from http import HTTPStatus",
        ),
        f"def health_{name}(connection: ServerConnection, request: Request) -> Response | None:\n"
        '    """Answer the load balancer without upgrading to a websocket."""\n'
        '    if request.path == "/healthz":\n'
        '        return connection.respond(HTTPStatus.OK, "ok\\n")\n'
        "    return None\n\n\n"
        f"async def handle_{name}(websocket: ServerConnection) -> None:\n"
        f'    """Echo {noun} frames back to the sender."""\n'
        '    path = websocket.request.path if websocket.request else "/"\n'
        '    logger.debug("websocket %s connected on %s", websocket.id, path)\n'
        "    try:\n"
        "        async for frame in websocket:\n"
        "            await websocket.send(frame)\n"
        "    except ConnectionClosedError as exc:\n"
        '        logger.info("websocket %s closed: %s", websocket.id, exc.rcvd)\n\n\n'
        f"async def serve_{name}(port: int) -> None:\n"
        f'    async with ws_serve(handle_{name}, "127.0.0.1", port, process_request=health_{name}) as server:\n'
        f'        ws_broadcast(server.connections, "{noun} ready")\n'
        "        await server.serve_forever()\n",
    )


def retrying_sender(rng: random.Random, name: str) -> Snippet:
    return Snippet(
        ("import websockets", "from websockets.exceptions import ConnectionClosed, InvalidStatus"),
        f"async def send_with_retry_{name}(url: str, payload: str, attempts: int = {rng.randint(2, 6)}) -> bool:\n"
        '    """Deliver ``payload`` over a fresh websocket, backing off between attempts."""\n'
        "    for attempt in range(attempts):\n"
        "        try:\n"
        "            async with websockets.connect("
        f"url, ping_interval={rng.choice((10, 20, 30))}, close_timeout=5) as ws:\n"
        "                await ws.send(payload)\n"
        "                return True\n"
        "        except InvalidStatus as exc:\n"
        '            logger.warning("websocket rejected with HTTP %s", exc.response.status_code)\n'
        "            return False\n"
        "        except (ConnectionClosed, OSError):\n"
        "            await asyncio.sleep(2**attempt)\n"
        "    return False\n",
    )


def describe_connection(rng: random.Random, name: str) -> Snippet:
    return Snippet(
        (CLIENT_CONNECTION, STATE),
        f"def describe_{name}(ws: ClientConnection) -> str:\n"
        '    """One line for the connection table of the admin page."""\n'
        "    if ws.state is not State.OPEN:\n"
        '        return f"closed {ws.close_code} {ws.close_reason}" if ws.state is State.CLOSED else "closing"\n'
        '    server = ws.response.headers.get("Server", "?") if ws.response else "?"\n'
        '    return f"{ws.id} {ws.remote_address} {server} latency={ws.latency:.3f}"\n',
    )


def sync_snapshot(rng: random.Random, name: str) -> Snippet:
    return Snippet(
        ("from websockets.sync.client import connect as sync_connect",),
        f"def fetch_snapshot_{name}(url: str) -> str:\n"
        '    """A blocking snapshot for the CLI, which has no event loop."""\n'
        f'    with sync_connect(url, additional_headers={{"X-Client": "{rng.choice(NOUNS)}"}}) as ws:\n'
        '        ws.send("snapshot")\n'
        f"        return str(ws.recv(timeout={rng.randint(1, 10)}))\n",
    )


def echo_server_test(rng: random.Random, name: str) -> Snippet:
    message = rng.choice(NOUNS)
    return Snippet(
        (
            "import pytest",
            "from collections.abc import AsyncIterator",
            SERVER,
            SERVER_SERVE,
            CLIENT_CONNECT,
            STATE,
            "from websockets.frames import CloseCode",
        ),
        "@pytest.fixture\n"
        f"async def echo_server_{name}() -> AsyncIterator[Server]:\n"
        "    async def echo(websocket: ServerConnection) -> None:\n"
        "        async for message in websocket:\n"
        "            await websocket.send(message)\n\n"
        '    async with ws_serve(echo, "127.0.0.1", 0) as server:\n'
        "        yield server\n\n\n"
        "@pytest.mark.asyncio\n"
        f"async def test_echo_{name}(echo_server_{name}: Server) -> None:\n"
        f"    host, port = list(echo_server_{name}.sockets)[0].getsockname()[:2]\n"
        '    async with ws_connect(f"ws://{host}:{port}") as ws:\n'
        f'        await ws.send("{message}")\n'
        f'        assert await ws.recv() == "{message}"\n'
        "        assert ws.state is State.OPEN\n"
        "    assert ws.close_code == CloseCode.NORMAL_CLOSURE\n",
    )


def mocked_connection_test(rng: random.Random, name: str) -> Snippet:
    return Snippet(
        (CLIENT_CONNECTION, STATE, "from websockets.exceptions import ConnectionClosedOK"),
        "@pytest.mark.asyncio\n"
        f"async def test_reads_until_closed_{name}() -> None:\n"
        "    fake = AsyncMock(spec=ClientConnection)\n"
        "    fake.state = State.OPEN\n"
        f'    fake.recv.side_effect = [\'{{"type": "{rng.choice(NOUNS)}"}}\', ConnectionClosedOK(None, None)]\n'
        '    with patch("websockets.asyncio.client.connect", return_value=fake) as connect_mock:\n'
        "        first = await fake.recv()\n"
        "        connect_mock.assert_not_called()\n"
        '    assert first.startswith("{")\n'
        "    assert fake.state is State.OPEN\n",
    )


def patched_module_test(rng: random.Random, name: str) -> Snippet:
    return Snippet(
        ("import websockets",),
        f"def test_connect_is_patched_{name}() -> None:\n"
        '    with patch.object(websockets, "connect") as connect:\n'
        f'        connect.return_value.__aenter__.return_value.recv = AsyncMock(return_value="{rng.choice(NOUNS)}")\n'
        '        websockets.connect("ws://localhost:8765")\n'
        "        connect.assert_called_once()\n",
    )


def close_code_test(rng: random.Random, name: str) -> Snippet:
    codes = rng.sample(("NORMAL_CLOSURE", "GOING_AWAY", "INTERNAL_ERROR", "TRY_AGAIN_LATER", "POLICY_VIOLATION"), 3)
    listed = ", ".join(f"CloseCode.{code}" for code in codes)
    return Snippet(
        ("from websockets.frames import Close, CloseCode",),
        f'@pytest.mark.parametrize("code", [{listed}])\n'
        f"def test_close_frame_round_trip_{name}(code: CloseCode) -> None:\n"
        f'    frame = Close(code, "{rng.choice(NOUNS)}")\n'
        "    assert Close.parse(frame.serialize()) == frame\n",
    )


def fake_connection(rng: random.Random, name: str) -> Snippet:
    noun = rng.choice(NOUNS)
    return Snippet(
        (STATE, "from websockets.exceptions import ConnectionClosedOK"),
        f"class Fake{noun.capitalize()}WebSocket{name.split('_')[-1]}:\n"
        '    """An in-memory stand-in for a websockets ClientConnection."""\n\n'
        "    def __init__(self, incoming: list[str] | None = None) -> None:\n"
        "        self.state = State.OPEN\n"
        "        self.sent: list[str] = []\n"
        "        self._incoming = list(incoming or [])\n\n"
        "    async def send(self, message: str) -> None:\n"
        "        self.sent.append(message)\n\n"
        "    async def recv(self) -> str:\n"
        "        if not self._incoming:\n"
        "            self.state = State.CLOSED\n"
        "            raise ConnectionClosedOK(None, None)\n"
        "        return self._incoming.pop(0)\n\n"
        '    async def close(self, code: int = 1000, reason: str = "") -> None:\n'
        "        self.state = State.CLOSED\n",
    )


#: Application code: clients, servers, the admin page.
APP: tuple[Template, ...] = (client_stream, server_handler, retrying_sender, describe_connection, sync_snapshot)
#: Test modules: servers in fixtures, mocked connections, patched modules.
TESTS: tuple[Template, ...] = (echo_server_test, mocked_connection_test, patched_module_test, close_code_test)
#: Shared test helpers (``test_framework``): fakes and fixtures.
HELPERS: tuple[Template, ...] = (fake_connection, echo_server_test, describe_connection)
