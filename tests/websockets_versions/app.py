"""At websockets>=15 the top-level names are the new implementation; extra_headers is not."""
import asyncio

import websockets


async def whoami(websocket):
    await websocket.send("token=" + websocket.request.headers["X-Token"])


async def main():
    async with websockets.serve(whoami, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}/", extra_headers={"X-Token": "s3cret"}) as ws:
            print(await ws.recv())


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
