"""Echo server and client on the legacy websockets API, in one process on loopback."""
import asyncio
import sys

from websockets.legacy.client import connect
from websockets.legacy.server import serve

MESSAGES = ["hello", "wörld", "x" * 1000]


async def echo(websocket, path):
    async for message in websocket:
        await websocket.send(message)


async def main() -> None:
    async with serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}/", extra_headers={"X-Client": "echo"}, timeout=2) as ws:
            for message in MESSAGES:
                await ws.send(message)
                reply = await ws.recv()
                assert reply == message, (reply, message)
                print("echo", reply[:20])
            if not ws.closed:
                print("still open")


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
    sys.exit(0)
