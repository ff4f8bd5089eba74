"""Strings that name code: ``mock.patch("a.b.C.run")`` and the other patch-like APIs.

A test that patches ``"acme.http.Client"`` depends on that path as much as an import does,
so a rule about moved or deprecated code reads these strings too. Which calls count is
decided by one list, ``PATCH_APIS``: the callee must resolve to one of its names through
the file's imports (``from unittest import mock``, ``from unittest.mock import patch as
p``, ``import mock``), except for pytest fixtures (``mocker``, ``monkeypatch``), which are
parameters and matched by name. A local ``def patch`` or ``obj.patch(...)`` is not one.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from .model import SemanticModel
from .names import dotted_name
from .references import qualified_name

PATCH = "patch"  #: the string names an object that is replaced (or a dict that is updated)
SETATTR = "setattr"  #: ``monkeypatch.setattr("a.b.name", value)`` / ``delattr("a.b.name")``
IMPORT = "import"  #: ``importlib.import_module("a.b")``: the string names a module


class PatchApi(NamedTuple):
    """A callable whose string argument names code."""

    name: str  # qualified name; for a fixture, the fixture name and the method
    kind: str
    keyword: str  # the parameter the string may be passed by ("" when positional only)
    positional: int | None = None  # the exact number of positional arguments of the string form
    fixture: bool = False  # a pytest fixture: its first name is a parameter, matched by name


PATCH_APIS: tuple[PatchApi, ...] = (
    *(
        PatchApi(f"{module}.patch{suffix}", PATCH, keyword)
        for module in ("unittest.mock", "mock")
        for suffix, keyword in (("", "target"), (".dict", "in_dict"), (".multiple", "target"))
    ),
    *(
        PatchApi(f"mocker.patch{suffix}", PATCH, keyword, fixture=True)
        for suffix, keyword in (("", "target"), (".dict", "in_dict"), (".multiple", "target"))
    ),
    PatchApi("monkeypatch.setattr", SETATTR, "", positional=2, fixture=True),
    PatchApi("monkeypatch.delattr", SETATTR, "", positional=1, fixture=True),
    PatchApi("importlib.import_module", IMPORT, "name"),
)
_BY_NAME = {api.name: api for api in PATCH_APIS if not api.fixture}
_FIXTURES = {api.name: api for api in PATCH_APIS if api.fixture}
#: Keywords that let the target be missing: ``create=True``, ``raising=False``.
_LENIENT = (("create", True), ("raising", False))


class PatchTarget(NamedTuple):
    """One string argument of a patch-like call."""

    kind: str
    api: str  # the PatchApi name
    target: str
    node: ast.Constant  # the string (its span is what a fix rewrites)
    call: ast.Call
    lenient: bool  # the target may be missing (``create=True``, ``raising=False``, ``**options``)
    package: str  # ``import_module``'s package argument ("" when none)


def patch_api(model: SemanticModel, call: ast.Call) -> PatchApi | None:
    """The patch-like API a call makes, if any."""
    callee = dotted_name(call.func)
    if callee is None:
        return None
    head, _, rest = callee.partition(".")
    fixture = fixture_of(head)
    if f"{fixture}.{rest}" in _FIXTURES:
        return _FIXTURES[f"{fixture}.{rest}"]
    found = qualified_name(model, call.func)
    apis = [_BY_NAME.get(name) for name in found.names] if found is not None else [None]
    known = [api for api in apis if api is not None]
    if len(known) != len(apis) or len({api._replace(name="") for api in known}) != 1:
        return None  # ``try: from unittest.mock import patch`` / ``except: from mock import patch`` agree
    return min(known)


def fixture_of(name: str) -> str:
    """The pytest fixture a parameter name stands for: ``mocker`` for ``mocker`` and
    ``session_mocker``/``module_mocker``..., else the name itself."""
    return "mocker" if name == "mocker" or name.endswith("_mocker") else name


def patch_targets(model: SemanticModel) -> list[PatchTarget]:
    """Every literal string target of a patch-like call in the file, in text order."""
    found = []
    for call in model.string_calls:
        api = patch_api(model, call)
        target = _target_argument(call, api) if api is not None else None
        if api is None or target is None:
            continue
        package = _package(call) if api.kind == IMPORT else ""
        if package is None:
            continue
        found.append(PatchTarget(api.kind, api.name, str(target.value), target, call, _lenient(call), package))
    return sorted(found, key=lambda t: (t.node.lineno, t.node.col_offset))


def _target_argument(call: ast.Call, api: PatchApi) -> ast.Constant | None:
    if api.positional is not None and len(call.args) != api.positional:
        return None
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == api.keyword), None)
    if api.keyword and call.args and any(k.arg == api.keyword for k in call.keywords):
        return None  # passed twice: the call is broken anyway
    return given if isinstance(given, ast.Constant) and isinstance(given.value, str) else None


def _package(call: ast.Call) -> str | None:
    """``import_module``'s package: "" when none is given, None when it isn't a literal."""
    given = next((k.value for k in call.keywords if k.arg == "package"), None)
    if given is None and len(call.args) > 1:
        given = call.args[1]
    if given is None:
        return ""
    return given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else None


def _lenient(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords) or any(
        k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is flag
        for k in call.keywords
        for name, flag in _LENIENT
    )
