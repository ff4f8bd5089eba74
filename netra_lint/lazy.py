"""LibCST, imported when first used: it takes a fifth of a second to import, and a warm
run (or a pre-commit run over files with nothing to rewrite) never builds a LibCST tree.

``from .lazy import libcst as cst`` gives an object that imports LibCST on its first
attribute read and keeps each attribute it hands out, so later reads cost what a module
attribute costs. Type checkers see the real module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any


class _OnFirstUse:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)
        return value


if TYPE_CHECKING:
    import libcst
else:
    libcst = _OnFirstUse("libcst")
