"""Runs the tools an agent asks for."""


class ToolDispatcher:
    async def dispatch(self, tool_name: str, **arguments: object) -> object:
        raise NotImplementedError(tool_name)
