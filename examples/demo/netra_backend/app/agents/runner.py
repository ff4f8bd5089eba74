"""Runs one agent and reports its progress to the user."""

from netra_backend.app.agents.base.tool_dispatcher import ToolDispatcher
from netra_backend.app.agents.supervisor.websocket_notifier import WebSocketNotifier


class AgentRunner:
    def __init__(self, notifier: WebSocketNotifier, dispatcher: ToolDispatcher) -> None:
        self.notifier = notifier
        self.dispatcher = dispatcher

    async def run(self, context, started_at: float, finished_at: float) -> None:
        await self.notifier.send_agent_started(context)
        result = await self.dispatcher.dispatch("search", query=context.query)
        await self.notifier.send_agent_completed(context, result, duration_ms=(finished_at - started_at) * 1000)
