"""Connection registry for the realtime API."""


class WebSocketManager:
    def __init__(self) -> None:
        self.connections: dict[str, object] = {}

    async def connect_user(self, user_id: str, websocket: object) -> None:
        self.connections[user_id] = websocket

    async def disconnect_user(self, user_id: str) -> None:
        self.connections.pop(user_id, None)


_manager = WebSocketManager()


def get_manager() -> WebSocketManager:
    return _manager
