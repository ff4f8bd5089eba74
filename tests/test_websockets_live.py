"""Proof against the real library: legacy programs warn, their fixed versions run clean.

Each program in ``websockets_programs/`` runs a server and a client in one process on
127.0.0.1 (port 0). The test fixes a copy with the NL1 rules, then runs both versions
with ``-W error::DeprecationWarning`` under a timeout (``subprocess.run`` kills the
child when it expires, so nothing is left running).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import websockets

from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.runner import run

PROGRAMS = Path(__file__).parent / "websockets_programs"
TIMEOUT = 60

# program -> lines its fixed version must print (the messages that round-tripped)
EXPECTED = {
    "echo.py": ["echo hello", "echo wörld", "echo " + "x" * 20, "still open"],
    "router.py": ["route:time", "route:room:blue?x=1:/rooms/blue?x=1"],
    "headers_client.py": ["token=s3cret open=True", "upgrade=websocket sent=s3cret", "closed True"],
    "rejected.py": ["rejected 403 banned"],
    "basic_auth.py": ["hello alice", "refused 401"],
}
# programs whose migration needs an unsafe fix (basic_auth_protocol_factory -> basic_auth)
UNSAFE = {"basic_auth.py"}


def _run(program: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", str(program)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        cwd=program.parent,
        env={**{k: v for k, v in os.environ.items() if "proxy" not in k.lower()}, "PYTHONIOENCODING": "utf-8"},
    )


def _fixed_copy(tmp_path: Path, name: str, unsafe: bool) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\nversion = '1'\ndependencies = ['websockets>=14.2']\n"
    )
    target = project / name
    shutil.copyfile(PROGRAMS / name, target)
    outcome = run(
        [project], load_settings([project], select=["NL1"]), RunOptions(fix=True, unsafe_fixes=unsafe, jobs=1)
    )
    assert outcome.errors == []
    left = run([project], load_settings([project], select=["NL1"]), RunOptions(jobs=1))
    assert [f"{d.row}: {d.code} {d.message}" for d in left.diagnostics] == [], "the fix left legacy code behind"
    return target


def test_the_newest_websockets_is_installed() -> None:
    major, minor = (int(p) for p in websockets.__version__.split(".")[:2])
    assert (major, minor) >= (14, 2)


def test_every_program_has_expectations() -> None:
    assert sorted(p.name for p in PROGRAMS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_legacy_program_shows_the_deprecation(name: str) -> None:
    result = _run(PROGRAMS / name)
    assert result.returncode != 0
    assert "DeprecationWarning" in result.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixed_program_round_trips_without_deprecation(name: str, tmp_path: Path) -> None:
    fixed = _fixed_copy(tmp_path, name, unsafe=name in UNSAFE)
    assert "websockets.legacy" not in fixed.read_text(encoding="utf-8")
    result = _run(fixed)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr
    assert result.stdout.splitlines() == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_safe_fixes_alone_leave_an_unsafe_migration_untouched(name: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    shutil.copyfile(PROGRAMS / name, project / name)
    run([project], load_settings([project], select=["NL1"]), RunOptions(fix=True, jobs=1))
    text = (project / name).read_text(encoding="utf-8")
    assert "from websockets.legacy.server import serve" in text
    assert "create_protocol=basic_auth_protocol_factory(" in text
