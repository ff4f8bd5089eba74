"""A client for the realtime endpoint, used by the load tests."""

from websockets.client import connect
from websockets.exceptions import InvalidStatusCode


async def fetch(uri: str, token: str) -> str:
    try:
        async with connect(uri, extra_headers={"Authorization": f"Bearer {token}"}, timeout=5) as ws:
            await ws.send("hello")
            return await ws.recv()
    except InvalidStatusCode as exc:
        return f"rejected with HTTP {exc.status_code}"
