"""Strings that name code to patch or import: ``mock.patch("a.b.C")`` (any import spelling,
``patch.dict``, ``patch.multiple``), ``mocker.patch``, ``monkeypatch.setattr("a.b.C", v)`` /
``monkeypatch.delattr("a.b.C")`` and ``importlib.import_module("a.b")``."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .syntax import _pos

_PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})
_PATCH_SUFFIXES = ((), ("dict",), ("multiple",))


def patch_targets(calls: list[tuple[str, ast.Call]], qualify: Callable[..., str]) -> list[tuple[Any, ...]]:
    """The patch targets among ``calls`` (``(dotted callee, call)`` of calls whose first
    argument is a string), as stored ``PatchTarget`` fields; ``qualify`` makes a callee
    absolute through the file's imports."""
    found = []
    for callee, node in calls:
        kind = _patch_kind(callee, node, qualify)
        if kind is None:
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        lenient = any(
            isinstance(keywords.get(k), ast.Constant) and keywords[k].value is flag  # type: ignore[attr-defined]
            for k, flag in (("create", True), ("raising", False))
        ) or any(k.arg is None for k in node.keywords)
        package = ""
        if kind == "import":
            arg = keywords.get("package") or (node.args[1] if len(node.args) > 1 else None)
            if arg is not None:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    continue
                package = arg.value
        found.append((kind, node.args[0].value, _pos(node.args[0]), lenient, package))  # type: ignore[attr-defined]
    return found


def _patch_kind(callee: str, node: ast.Call, qualify: Callable[..., str]) -> str | None:
    """``patch``, ``setattr`` or ``import`` for a call that takes a target string, else None."""
    parts = callee.split(".")
    # Not strict: `try: from unittest.mock import patch` / `except: from mock import patch`.
    qualified = qualify(callee, strict=False)
    if any(qualified == p + "".join("." + s for s in suffix) for p in _PATCHERS for suffix in _PATCH_SUFFIXES) or (
        (parts[0] == "mocker" or parts[0].endswith("_mocker"))
        and tuple(parts[1:]) in (("patch",), ("patch", "dict"), ("patch", "multiple"))
    ):
        return "patch"
    if (callee.split(".", 1)[0] == "monkeypatch" and parts[1:] == ["setattr"] and len(node.args) == 2) or (
        callee.split(".", 1)[0] == "monkeypatch" and parts[1:] == ["delattr"] and len(node.args) == 1
    ):
        return "setattr"
    if qualified == "importlib.import_module":
        return "import"
    return None
