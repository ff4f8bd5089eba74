"""The demo project of the README: every family fires on it, and fixing it leaves valid code."""

from __future__ import annotations

import json
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"


def netra(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netra_lint", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def codes(cwd: Path) -> set[str]:
    completed = netra("--no-cache", "--output-format", "json", ".", cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr
    return {item["code"] for item in json.loads(completed.stdout)}


def test_every_family_fires_on_the_demo(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    shutil.copytree(DEMO, project)
    found = codes(project)
    for family in ("NL1", "NL2", "NL3", "NL4", "NL5"):
        assert any(code.startswith(family) for code in found), (family, found)


def test_fixing_the_demo_leaves_code_that_compiles(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    shutil.copytree(DEMO, project)
    before = codes(project)
    fixed = netra("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert fixed.returncode in (0, 1), fixed.stderr
    for path in project.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    after = codes(project)
    assert after < before  # fewer kinds of problems, and no new ones
    assert "NL301" not in after and "NL101" not in after
