"""What one file's NL5 checks share: the file, its summary, the declared moves, and what
the index knows about the modules its imports name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...checker import FileContext
from ...discovery import gitignored
from ...index import FileSummary, Position, ProjectIndex
from .moves import _Moves


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        count += 1
    return count


def _public(module: str) -> bool:
    return not any(part.startswith("_") for part in module.split("."))


def _quoted(names: Iterable[str], limit: int = 5) -> str:
    shown = list(names)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(f"'{n}'" for n in shown[:limit]) + more


class _FileCheck:
    """The checks of one file; LibCST is parsed only if a fix is built."""

    def __init__(
        self,
        ctx: FileContext,
        index: ProjectIndex,
        summary: FileSummary,
        moves: _Moves,
        memo: dict[tuple[Any, ...], Any],
    ) -> None:
        self.ctx = ctx
        self.memo = memo  # answers shared by every file of the run (many files share a broken import)
        self.index = index
        self.summary = summary
        self.moves = moves

    def span(self, pos: Position) -> tuple[int, int]:
        source = self.ctx.source
        return source.offset_from_utf8(pos[0], pos[1]), source.offset_from_utf8(pos[2], pos[3])

    def missing(self, module: str) -> bool:
        """True when ``module`` certainly can't be imported (no dynamic ``__path__`` on the
        way, not in a namespace package other distributions share, and not a file that git
        ignores because a build writes it)."""
        return (
            not self.index.module_exists(module)
            and not self.dynamic(module)
            and not self.index.in_shared_namespace(module)
            and not self.generated(module)
        )

    def generated(self, module: str) -> bool:
        """Whether ``module``'s file would be one that git ignores where the import looks for
        it: written at build or install time (setuptools-scm's ``_version.py``)."""
        key = ("generated", module)
        if key not in self.memo:
            parent, _, last = module.rpartition(".")
            spec = self.index.find_module(parent) if parent else None
            directories = spec.search if spec is not None else () if parent else tuple(self.index.roots)
            if ("gitignored",) not in self.memo:
                self.memo[("gitignored",)] = gitignored(self.ctx.settings)
            ignored = self.memo[("gitignored",)]
            self.memo[key] = any(
                ignored(Path(d), f"{last}.py", False) or ignored(Path(d), last, True) for d in directories
            )
        return bool(self.memo[key])

    def dynamic(self, dotted: str) -> bool:
        """True when a module on the way to ``dotted`` may provide submodules the index can't
        see: a package that changes its ``__path__``, a compiled module (extensions register
        submodules in ``sys.modules``), or a module that writes to ``sys.modules`` itself."""
        parts = dotted.split(".")
        for size in range(1, len(parts)):
            prefix = ".".join(parts[:size])
            spec = self.index.find_module(prefix)
            if spec is None:
                return False
            if spec.origin is not None and not spec.origin.endswith(".py"):
                return True
            info = self.index.module_info(prefix)
            if info is not None and (info.dynamic_path or (info.open and spec.kind == "module")):
                return True
        return False

    def explain_module(self, module: str) -> str:
        """What the index found where ``module`` should be."""
        parts = module.split(".")
        size = next((k for k in range(len(parts) - 1, 0, -1) if self.index.module_exists(".".join(parts[:k]))), 0)
        if size == 0:
            return f"no module named '{module}'"
        parent, child = ".".join(parts[:size]), parts[size]
        spec = self.index.find_module(parent)
        if spec is not None and spec.kind == "module":
            return f"'{parent}' is a module, not a package"
        close = difflib.get_close_matches(child, self.index.children(parent), n=3, cutoff=0.6)
        similar = f" (it has {_quoted(f'{parent}.{c}' for c in close)})" if close else ""
        return f"'{parent}' has no submodule '{child}'{similar}"

    def explain_name(self, module: str, name: str) -> str:
        close = difflib.get_close_matches(name, self.known_names(module), n=3, cutoff=0.6)
        similar = f" (similar: {_quoted(close)})" if close else ""
        return f"'{module}' binds no '{name}' and has no submodule '{name}'{similar}"

    def known_names(self, module: str) -> list[str]:
        """Names importable from ``module`` as far as the index knows (for suggestions)."""
        info = self.index.module_info(module)
        names = dict.fromkeys(
            [*(info.bindings if info else ()), *(self.index.exported(module) or ()), *self.index.children(module)]
        )
        return list(names)
