"""At websockets>=15: websockets is optional; the handler reaches serve() through a name;
the connections are kept in a list typed with the new class, named in a string."""
import asyncio

try:
    import websockets
except ImportError:
    websockets = None

from websockets.asyncio.server import ServerConnection

CONNECTED: list["ServerConnection"] = []


async def register(websocket, path):
    CONNECTED.append(websocket)
    await websocket.send(f"path={path} open={CONNECTED[0].open}")
    await websocket.wait_closed()


async def main():
    if not websockets:
        return
    handler = register
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}/feed?x=1", extra_headers={"X-Token": "t"}) as ws:
            print(await ws.recv())
        await CONNECTED[0].wait_closed()
        print("closed", all(c.closed for c in CONNECTED))


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
