"""A server behind HTTP Basic Auth, and clients with good and bad credentials."""
import asyncio

from websockets.exceptions import InvalidStatusCode
from websockets.legacy.auth import basic_auth_protocol_factory
from websockets.legacy.client import connect
from websockets.legacy.server import serve


async def greet(websocket):
    await websocket.send(f"hello {websocket.username}")


async def main() -> None:
    async with serve(
        greet, "127.0.0.1", 0, create_protocol=basic_auth_protocol_factory(realm="demo", credentials=("alice", "s3cret"))
    ) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://alice:s3cret@127.0.0.1:{port}/") as ws:
            print(await ws.recv())
        try:
            async with connect(f"ws://alice:wrong@127.0.0.1:{port}/") as ws:
                await ws.recv()
        except InvalidStatusCode as e:
            print("refused", e.status_code)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
