"""A client that reads the handshake headers, and a server that reads the client's."""
import asyncio

from websockets.legacy.client import WebSocketClientProtocol, connect
from websockets.legacy.server import WebSocketServerProtocol, serve


async def whoami(websocket: WebSocketServerProtocol) -> None:
    token = websocket.request_headers.get("X-Token", "none")
    await websocket.send(f"token={token} open={websocket.open}")


def describe(ws: WebSocketClientProtocol) -> str:
    return f"upgrade={ws.response_headers['Upgrade']} sent={ws.request_headers['X-Token']}"


async def main() -> None:
    async with serve(whoami, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        ws = await connect(f"ws://127.0.0.1:{port}/", extra_headers={"X-Token": "s3cret"})
        print(await ws.recv())
        print(describe(ws))
        await ws.close()
        print("closed", ws.closed)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
