"""Pinned 13.1: websockets is optional; the handler reaches serve() through a partial
stored first; the connections are kept in a dict typed with the legacy class."""
import asyncio
import functools

try:
    import websockets
except ImportError:
    websockets = None

from websockets.legacy.server import WebSocketServerProtocol

CONNECTED: dict[str, WebSocketServerProtocol] = {}


async def register(websocket: "WebSocketServerProtocol", path, tag):
    CONNECTED[tag] = websocket
    await websocket.send(f"{tag} path={path} open={CONNECTED[tag].open}")
    await websocket.wait_closed()


async def main():
    if not websockets:
        return
    handler = functools.partial(register, tag="a")
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}/feed?x=1", extra_headers={"X-Token": "t"}) as ws:
            print(await ws.recv())
        await CONNECTED["a"].wait_closed()
        print("closed", CONNECTED["a"].closed)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
