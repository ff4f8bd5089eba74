"""Focused LibCST trees (``netra_lint.focus``): same offsets, and the same findings and fixes
as the whole file."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest

from fixture_cases import all_cases
from netra_lint.config import load_settings
from netra_lint.engine import Linter, RunOptions
from netra_lint.focus import blank_unrelated, related_identifiers
from netra_lint.registry import checker_classes

#: Unrelated code of the shapes that get blanked, appended to every fixture: tables, a class,
#: functions with closures, and locals named like what a fix may import.
PADDING = '''

LIMITS: dict[str, int] = {
    "a": 1,
    "b": 2,
}


class _Unrelated:
    """Nothing here reaches a rule."""

    table = {
        "x": [1, 2, 3],
    }

    def method(self, value):
        total = value * 2
        return total + len(self.table)

    def imports_name(self, value):
        connect = value  # the name a websockets fix imports
        return connect


def _unrelated(value):
    State = value

    def inner():
        return State

    return inner()
'''


def blanked(source: str, names: set[str]) -> str:
    return blank_unrelated(source, ast.parse(source), names)


def test_blanked_text_keeps_offsets_and_parses() -> None:
    source = (
        "import websockets\r\n"
        "TABLE = {\r\n    'k': 'välue',\r\n}\r\n"
        "def unrelated(a):\r\n    x = 'ünïcode'\r\n    return [\r\n        x,\r\n    ]\r\n"
        "def related():\r\n    return websockets.connect('u')\r\n"
        "class Plain:\r\n\tdef m(self):\r\n\t\treturn 1\r\n"
        "def one_line(): return 2\r\n"
    )
    result = blanked(source, {"websockets"})
    assert len(result) == len(source)
    assert [i for i, c in enumerate(result) if c in "\r\n"] == [i for i, c in enumerate(source) if c in "\r\n"]
    assert "ünïcode" not in result and "välue" not in result and "return 1" not in result
    assert "return websockets.connect('u')" in result and "def one_line(): return 2" in result
    assert "def unrelated(a):" in result and "class Plain:" in result and "\tdef m(self):" not in result
    ast.parse(result)
    cst.parse_module(result)


@pytest.mark.parametrize(
    "source, kept",
    [
        ("def f():\n    global counter\n    counter = 1\n", "counter = 1"),
        ("def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n", "x = 2"),
        ("def f(path):\n    def g():\n        return path\n    return websockets, g\n", "return path"),
        ("class C:\n    def m(self):\n        return websockets\n", "return websockets"),
    ],
)
def test_declarations_mentions_and_closures_are_kept(source: str, kept: str) -> None:
    assert kept in blanked(source, {"websockets"})


def test_short_bodies_become_zero() -> None:
    source = "def f():\n    x\n\n\nclass C:\n    a\n"
    result = blanked(source, set())
    assert result == "def f():\n    0\n\n\nclass C:\n    0\n"


def test_followed_names_grow_through_bindings() -> None:
    source = (
        "import websockets as ws\n"
        "conn = ws.connect('u')\n"
        "class Client:\n"
        "    def __init__(self):\n"
        "        self.link = conn\n"
        "    def use(self):\n"
        "        return self.link.open\n"
        "def handler(sock, path):\n"
        "    return sock\n"
        "async def main():\n"
        "    async with ws.serve(handler, 'h', 0):\n"
        "        pass\n"
        "def unrelated(value):\n"
        "    return value\n"
    )
    found = related_identifiers(ast.parse(source), source, {"websockets"})
    assert {"websockets", "ws", "conn", "link", "handler"} <= found
    assert not {"unrelated", "value", "self", "sock"} & found
    result = blank_unrelated(source, ast.parse(source), found)
    assert "return self.link.open" in result and "return sock" in result and "return value" not in result


def _cases() -> list:
    return [case for case in all_cases() if case.code[:3] in ("NL1", "NL2", "NL3") and case.code != "NL100"]


def _outcome(root: Path) -> dict[str, object]:
    settings = load_settings([root])
    settings.use_cache = False
    linter = Linter(settings, RunOptions(fix=True, unsafe_fixes=True))
    found = {}
    for path in sorted(root.rglob("*.py")):
        result = linter.lint_file(path)
        diagnostics = [(d.code, d.start, d.end, d.message, d.fix and d.fix.edits) for d in result.diagnostics]
        found[path.relative_to(root).as_posix()] = (diagnostics, result.fixed, result.errors)
    return found


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case.id)
def test_focused_trees_find_and_fix_what_whole_files_do(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = case.copy_to(tmp_path / "case")
    for path in root.rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8") + PADDING, encoding="utf-8")
    focused = _outcome(root)
    for cls in checker_classes():
        monkeypatch.setattr(cls, "focus", lambda self, ctx: None)
    assert focused == _outcome(root)
