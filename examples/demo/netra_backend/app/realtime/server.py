"""The realtime websocket endpoint, still written against the legacy websockets API."""

import asyncio

from websockets.legacy.server import WebSocketServerProtocol, serve

from netra_backend.app.realtime.manager import get_manager


async def handler(websocket: WebSocketServerProtocol, path):
    user_id = path.rsplit("/", 1)[-1]
    try:
        async for message in websocket:
            if websocket.open:
                await websocket.send(message)
    finally:
        await get_manager().disconnect(user_id)


async def main() -> None:
    async with serve(handler, "127.0.0.1", 8765, read_limit=2**16):
        await asyncio.get_running_loop().create_future()
