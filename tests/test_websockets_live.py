"""Proof against the real library: legacy programs warn, their fixed versions run clean.

Each program in ``websockets_programs/`` runs a server and a client in one process on
127.0.0.1 (port 0). The test fixes a copy with the NL1 rules, then runs both versions
with ``-W error::DeprecationWarning`` under a timeout (``subprocess.run`` kills the
child when it expires, so nothing is left running).

``websockets_versions/`` is a project whose parts pin different releases (the root
``>=15``, ``services/analytics`` 13.1, ``services/legacy`` 12.0). It is fixed as a
whole, and each program then runs with the release its directory pins, installed in a
throw-away virtual environment kept in pytest's cache directory (skipped when the
package index can't be reached).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import websockets

from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.runner import run

PROGRAMS = Path(__file__).parent / "websockets_programs"
VERSIONS_PROJECT = Path(__file__).parent / "websockets_versions"
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


def _run(program: Path, python: str = sys.executable, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``program`` (``strict``: with deprecation warnings as errors), without proxies,
    with the reconnect backoff of the new client shortened."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(PYTHONIOENCODING="utf-8", WEBSOCKETS_BACKOFF_INITIAL_DELAY="0.05", WEBSOCKETS_BACKOFF_MIN_DELAY="0.05")
    return subprocess.run(
        [python, *(["-W", "error::DeprecationWarning"] if strict else []), str(program)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        cwd=program.parent,
        env=env,
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


# -- the release each directory pins ---------------------------------------------------------

# program -> (the release its directory pins, what it must print once fixed)
VERSION_CASES = {
    "app.py": ("newest", ["token=s3cret"]),
    "optional.py": ("newest", ["path=/feed?x=1 open=True", "closed True"]),
    "services/analytics/optional.py": ("13.1", ["a path=/feed?x=1 open=True", "closed True"]),
    "services/analytics/app.py": (
        "13.1",
        ["path=/feed?since=3 open=True token=s3cret", "server analytics/1", "clients 1", "closed True"],
    ),
    "services/analytics/reconnect.py": ("13.1", ["echo hello after 2 attempts"]),
    "services/legacy/app.py": (
        "12.0",
        ["path=/feed?since=3 open=True token=s3cret", "server analytics/1", "clients 1", "closed True"],
    ),
}
UNCHANGED = {"services/legacy/app.py"}  # 12.0 has no websockets.asyncio: reported, not rewritten


def _index_reachable() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "websockets"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return probe.returncode == 0


def _python_with(release: str, cache: Path) -> str:
    """The interpreter of a virtual environment with exactly this websockets release
    ("newest": the newest on the package index), made once and kept in ``cache``."""
    home = cache / release
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if (home / "ready").is_file():
        return str(python)
    shutil.rmtree(home, ignore_errors=True)
    venv.EnvBuilder(with_pip=False).create(home)
    requirement = "websockets" if release == "newest" else f"websockets=={release}"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", requirement],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        if not _index_reachable():
            pytest.skip(f"the package index can't be reached to install {requirement}")
        pytest.fail(f"installing {requirement} failed:\n{install.stderr}")
    (home / "ready").write_text(release)
    return str(python)


@pytest.fixture(scope="module")
def pinned_pythons(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = request.config.cache
    root = cache.mkdir("websockets-releases") if cache is not None else tmp_path_factory.mktemp("websockets-releases")
    return {release: _python_with(release, root) for release in sorted({r for r, _ in VERSION_CASES.values()})}


@pytest.fixture(scope="module")
def fixed_versions_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The versions project after one ``--fix --unsafe-fixes`` over all of it."""
    project = tmp_path_factory.mktemp("versions") / "project"
    shutil.copytree(VERSIONS_PROJECT, project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "pyproject.toml").write_text("")
    settings = load_settings([project], select=["NL1"])
    outcome = run([project], settings, RunOptions(fix=True, unsafe_fixes=True, jobs=1))
    assert outcome.errors == []
    return project


def test_every_version_case_has_expectations() -> None:
    programs = sorted(p.relative_to(VERSIONS_PROJECT).as_posix() for p in VERSIONS_PROJECT.rglob("*.py"))
    assert programs == sorted(VERSION_CASES)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VERSION_CASES))
def test_fixed_program_runs_at_the_release_its_directory_pins(
    name: str, fixed_versions_project: Path, pinned_pythons: dict[str, str]
) -> None:
    release, expected = VERSION_CASES[name]
    fixed = fixed_versions_project / name
    original = (VERSIONS_PROJECT / name).read_text(encoding="utf-8")
    text = fixed.read_text(encoding="utf-8")
    assert (text == original) is (name in UNCHANGED), text
    if name not in UNCHANGED:
        assert "websockets.legacy" not in text
    result = _run(fixed, pinned_pythons[release], strict=name not in UNCHANGED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected
    if name not in UNCHANGED:
        assert "Warning" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n, (release, _) in VERSION_CASES.items() if release == "newest"))
def test_unfixed_new_api_program_fails_at_the_newest_release(name: str, pinned_pythons: dict[str, str]) -> None:
    """The legacy argument that the fix renames really breaks the new implementation."""
    result = _run(VERSIONS_PROJECT / name, pinned_pythons["newest"], strict=False)
    assert result.returncode != 0
    assert "extra_headers" in result.stderr
