"""Deprecated: use netra_backend.app.services.agent_websocket_bridge instead."""


class WebSocketNotifier:
    def __init__(self, manager: object) -> None:
        self.manager = manager

    async def send_agent_started(self, context: object) -> None:
        ...

    async def send_agent_completed(self, context: object, result: object = None, duration_ms: float = 0) -> None:
        ...
