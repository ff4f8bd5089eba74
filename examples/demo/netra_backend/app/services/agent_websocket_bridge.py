"""Routes agent events to the user's websocket by run id."""


class AgentWebSocketBridge:
    async def notify_agent_started(self, run_id: str, agent_name: str, context: dict | None = None, trace_context: object = None) -> bool:
        return True

    async def notify_agent_completed(
        self, run_id: str, agent_name: str, result: object = None, execution_time_ms: float | None = None, trace_context: object = None
    ) -> bool:
        return True


def create_agent_websocket_bridge(user_context: object) -> AgentWebSocketBridge:
    return AgentWebSocketBridge()
