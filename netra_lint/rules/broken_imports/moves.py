"""The moves that rule packs declare: ``[module-moves]`` (``"old.module" = "new.module"``)
and ``[name-moves]`` (``"old.module.Name" = "new.module.NewName"``)."""

from __future__ import annotations

from typing import Any

from ...checker import PackError

MODULE_MOVES = "module-moves"
NAME_MOVES = "name-moves"


def _is_dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def parse_pack(section: str, value: Any, origin: str) -> list[tuple[str, str, str]]:
    """The ``(old, new, origin)`` entries of a pack section; raises ``PackError``."""
    if not isinstance(value, dict):
        raise PackError(f'{origin}: [{section}] must be a table of "old" = "new" dotted names')
    entries = []
    for old, new in value.items():
        if not isinstance(new, str) or not _is_dotted(old) or not _is_dotted(new):
            raise PackError(f"{origin}: [{section}] entry {old!r} = {new!r}: both sides must be dotted Python names")
        if section == NAME_MOVES and ("." not in old or "." not in new):
            raise PackError(f"{origin}: [{section}] entry {old!r} = {new!r}: write 'module.Name' on both sides")
        if old == new:
            raise PackError(f"{origin}: [{section}] entry {old!r} maps to itself")
        entries.append((old, new, origin))
    return entries


class _Moves:
    """The declared module moves and renamed names of every loaded pack."""

    def __init__(self, modules: list[tuple[str, str, str]], names: list[tuple[str, str, str]]) -> None:
        self.modules = {old: new for old, new, _ in modules}
        self.names = {old: new for old, new, _ in names}

    def module(self, name: str) -> str | None:
        """``name`` after the longest declared move of it or of a parent package."""
        parts = name.split(".")
        for size in range(len(parts), 0, -1):
            new = self.modules.get(".".join(parts[:size]))
            if new is not None:
                return ".".join([new, *parts[size:]])
        return None

    def dotted(self, target: str) -> str | None:
        """A dotted target after the longest declared name or module move of a prefix."""
        parts = target.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            new = self.names.get(prefix) or self.modules.get(prefix)
            if new is not None:
                return ".".join([new, *parts[size:]])
        return None
