"""Legacy code where websockets 13.1 is pinned: the top-level names are legacy there."""
import asyncio

import websockets


async def handler(websocket, path):
    await websocket.send(f"path={path} open={websocket.open} token={websocket.request_headers['X-Token']}")
    await websocket.wait_closed()


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, extra_headers=[("Server", "analytics/1")]) as server:
        port = server.sockets[0].getsockname()[1]
        uri = f"ws://127.0.0.1:{port}/feed?since=3"
        async with websockets.connect(uri, extra_headers={"X-Token": "s3cret"}) as ws:
            print(await ws.recv())
            print("server", ws.response_headers["Server"])
            print("clients", len(server.websockets))
        print("closed", ws.closed)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
