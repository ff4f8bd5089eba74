"""A client that catches a rejected handshake and reads its status code."""
import asyncio

from websockets.exceptions import InvalidStatusCode
from websockets.legacy.client import connect

FORBIDDEN = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nX-Reason: banned\r\n\r\n"


async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(FORBIDDEN)
    await writer.drain()
    writer.close()


async def main() -> None:
    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        try:
            async with connect(f"ws://127.0.0.1:{port}/") as ws:
                await ws.recv()
        except InvalidStatusCode as e:
            print("rejected", e.status_code, e.headers["X-Reason"])


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 20))
