"""A reconnect loop of the legacy client; the server refuses the first attempt with HTTP 403."""
import asyncio
import http

from websockets.asyncio.server import serve
from websockets.legacy.client import connect

ATTEMPTS = []


def gate(connection, request):
    ATTEMPTS.append(request.path)
    if len(ATTEMPTS) == 1:
        return connection.respond(http.HTTPStatus.FORBIDDEN, "not yet\n")
    return None


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with serve(echo, "127.0.0.1", 0, process_request=gate) as server:
        port = server.sockets[0].getsockname()[1]
        async for ws in connect(f"ws://127.0.0.1:{port}/"):
            await ws.send("hello")
            print("echo", await ws.recv(), "after", len(ATTEMPTS), "attempts")
            await ws.close()
            break


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
