"""The candidate filter (``Checker.candidate``) changes no finding and no fix.

Every fixture case and a generated monorepo are checked and fixed twice, once with the
filter and once without (``NETRA_LINT_NO_CANDIDATE_FILTER=1``: every file that holds a
family's needles is analysed in full), and the findings, their fix edits and the fixed
files must be the same. The filter must also say no somewhere, or it filters nothing.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from fixture_cases import Case, all_cases
from netra_lint import engine
from netra_lint.config import load_settings
from netra_lint.engine import NO_CANDIDATE_FILTER, RunOptions
from netra_lint.runner import run

CASES = all_cases()


def _outcome(root: Path, select: list[str], fix: bool) -> tuple[list[tuple[Any, ...]], dict[str, bytes]]:
    """The findings with their fix edits, and every file's bytes after the run."""
    settings = load_settings([root], select=select)
    outcome = run([root], settings, RunOptions(fix=fix, unsafe_fixes=fix, report_edits=True, jobs=1))
    assert outcome.errors == []
    findings = [
        (
            Path(d.path).as_posix(),
            d.row,
            d.column,
            d.end_row,
            d.end_column,
            d.code,
            d.message,
            d.fix_applicability,
            tuple(d.edit_locations),
        )
        for d in outcome.diagnostics
    ]
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}
    return findings, files


def _both_ways(
    root: Path, select: list[str], monkeypatch: pytest.MonkeyPatch, fix: bool
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(with the filter, without it), each run on its own copy of ``root``."""
    found = []
    for off in ("0", "1"):
        copy = root.parent / f"{root.name}-{off}"
        shutil.copytree(root, copy)
        monkeypatch.setenv(NO_CANDIDATE_FILTER, off)
        monkeypatch.chdir(copy)
        found.append(_outcome(copy, select, fix))
    return found[0], found[1]


@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fixture_case_is_the_same_without_the_filter(
    case: Case, fix: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = case.copy_to(tmp_path / "project")
    family = case.code[:3]  # every code of the family, as a run over the project selects them
    filtered, unfiltered = _both_ways(root, [family], monkeypatch, fix)
    assert filtered == unfiltered


def _generator() -> Any:
    sys.path.insert(0, str(REPO / "bench"))  # its template module beside it
    try:
        spec = importlib.util.spec_from_file_location("bench_generate_candidates", REPO / "bench" / "generate.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(REPO / "bench"))


@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
def test_generated_tree_is_the_same_without_the_filter(
    fix: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    manifest = _generator().generate(200, 3.0, 0, tree)
    assert {p["code"][:3] for p in manifest["planted"]} >= {"NL1", "NL2", "NL3"}
    asked: list[bool] = []
    real = engine._candidate
    monkeypatch.setattr(engine, "_candidate", lambda checker, ctx: asked.append(real(checker, ctx)) or asked[-1])
    filtered, unfiltered = _both_ways(tree, ["NL"], monkeypatch, fix)
    assert filtered == unfiltered
    assert filtered[0], "the tree has findings"
    assert False in asked and True in asked, "the filter answered both ways"


_CLIENT = "from websockets.asyncio.client import ClientConnection, connect\n"
#: Receivers the attribute check knows through instance evidence, one shape a file, so that
#: nothing else in the file makes it a candidate.
RECEIVER_SHAPES = {
    "set_attribute.py": "class Hub:\n    clients: set[ClientConnection]\n\n    def show(self):\n"
    "        for c in self.clients:\n            print(c.path)\n",
    "dict_attribute.py": "class Hub:\n    named: dict[str, ClientConnection]\n\n    def show(self):\n"
    '        print(self.named["a"].open)\n',
    "other_method.py": "class Hub:\n    async def start(self, uri):\n        self.ws = await connect(uri)\n\n"
    "    def show(self):\n        print(self.ws.host)\n",
    "alias.py": "def alias(ws: ClientConnection):\n    conn = ws\n    return conn.path\n",
    "list_parameter.py": "def holder(clients: list[ClientConnection]):\n    return [c.closed for c in clients]\n",
    "dict_get.py": 'def holder(clients: dict[str, ClientConnection]):\n    return clients.get("a").closed\n',
}


def test_receivers_known_through_instance_evidence_are_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["websockets>=14.2"]\n')
    for name, body in RECEIVER_SHAPES.items():
        (root / name).write_text(_CLIENT + "\n\n" + body)
    (root / "handler_alias.py").write_text(
        "from websockets.asyncio.server import serve\n\n\nasync def handler(websocket):\n    conn = websocket\n"
        '    print(conn.path)\n\n\nasync def main():\n    async with serve(handler, "", 1):\n        pass\n'
    )
    filtered, unfiltered = _both_ways(root, ["NL1"], monkeypatch, fix=False)
    assert filtered == unfiltered
    assert {Path(f[0]).name for f in filtered[0]} == {*RECEIVER_SHAPES, "handler_alias.py"}
