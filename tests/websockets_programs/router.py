"""A server whose handler routes on the request path (legacy two-argument handler)."""
import asyncio

import websockets.legacy.client
from websockets.legacy.server import serve


async def router(websocket, path):
    if path == "/time":
        await websocket.send("route:time")
    elif path.startswith("/rooms/"):
        room = path[len("/rooms/"):]
        await websocket.send(f"route:room:{room}:{websocket.path}")
    else:
        await websocket.close(4004, "no route")


async def main() -> None:
    async with serve(router, "127.0.0.1", 0, loop=None) as server:
        port = server.sockets[0].getsockname()[1]
        for route in ("/time", "/rooms/blue?x=1"):
            async with websockets.legacy.client.connect(f"ws://127.0.0.1:{port}{route}") as ws:
                print(await ws.recv())


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
