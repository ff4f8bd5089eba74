"""Shared fixtures for the end-to-end tests: run the real command in a real directory."""

from __future__ import annotations

import ctypes
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

REPO = Path(__file__).resolve().parent.parent

#: A file the parser rejects: NL001 at 1:7.
BROKEN = "def f(:\n    pass\n"
#: NL301: ``global X`` after ``X`` is used; the fix hoists the declaration.
LATE_GLOBAL = "X = 1\n\n\ndef f():\n    print(X)\n    global X\n    X = 2\n"
LATE_GLOBAL_FIXED = "X = 1\n\n\ndef f():\n    global X\n    print(X)\n    X = 2\n"


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a user with no colour settings and a private home directory."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "PYTHONSTARTUP")
        and not key.startswith(("NETRA", "PRE_COMMIT", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX"))
    }
    env["HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if extra:
        env.update(extra)
    return env


RunCli = Callable[..., CliResult]


def git_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a user committing with git and running pre-commit, all below ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return clean_env(
        home,
        {
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
            "TERM": "dumb",
        },
    )


def git(*args: str, cwd: Path, env: Mapping[str, str]) -> str:
    """Run git; its output, stripped (the test fails if git does)."""
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project directory (no pyproject.toml unless a test writes one)."""
    path = tmp_path / "project"
    path.mkdir()
    return path


@pytest.fixture
def run_cli(project: Path, home: Path) -> RunCli:
    """``run_cli(*args, cwd=project)`` runs ``python -m netra_lint ARGS`` and returns
    ``(code, out, err)``; stdout and stderr are pipes, so no colours are expected.
    ``stdin`` is the text piped in (none by default)."""

    def run(
        *args: str | os.PathLike[str],
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
        stdin: str | None = None,
    ) -> CliResult:
        completed = subprocess.run(
            [sys.executable, "-m", "netra_lint", *map(str, args)],
            cwd=cwd or project,
            env=clean_env(home, env),
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Create ``files`` (relative path → text or bytes) below ``root``, byte for byte."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Content and mode of every file below ``root`` except caches, to prove nothing was written."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not {".netra_lint_cache", ".ruff_cache"} & set(path.parts):
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mode)
    return found


def reported(out: str) -> list[tuple[str, int, int, str]]:
    """(path, row, column, code) of each line of ``--output-format concise`` output."""
    found = []
    for line in out.splitlines():
        head, sep, _ = line.partition(": ")
        parts = head.rsplit(":", 2)
        if sep and len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            code = line[len(head) + 2 :].split(" ", 1)[0]
            found.append((Path(parts[0]).as_posix(), int(parts[1]), int(parts[2]), code))
    return found


def reported_paths(out: str) -> set[str]:
    return {path for path, *_ in reported(out)}


#: Linux capabilities that let root read, list and enter whatever the mode bits say.
_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 24, 1, 2


def _drop_read_override() -> None:
    """In a child process before it runs the command: give up root's right to read anything,
    so the mode bits decide as they do for any user (the command runs as root still)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


class Locker(NamedTuple):
    """``lock(path)`` makes a file or directory unreadable (mode 0) for a command started with
    ``preexec_fn``; the modes are restored when the test ends."""

    lock: Callable[[Path], None]
    preexec_fn: Callable[[], None] | None


@pytest.fixture
def locker() -> Iterator[Locker]:
    """Mode 0 stops any user but root; as root, the command runs without the capabilities that
    override the mode. Where neither holds (no Linux capabilities to drop), the test is skipped:
    nothing can be made unreadable there."""
    preexec = _drop_read_override if os.geteuid() == 0 else None
    locked: list[tuple[Path, int]] = []

    def lock(path: Path) -> None:
        locked.append((path, stat.S_IMODE(path.stat().st_mode)))
        path.chmod(0)
        probe = "import os, sys; p = sys.argv[1]; os.listdir(p) if os.path.isdir(p) else open(p, 'rb').close()"
        try:
            readable = subprocess.run([sys.executable, "-c", probe, str(path)], preexec_fn=preexec, capture_output=True)
        except subprocess.SubprocessError as exc:  # the capabilities could not be dropped
            pytest.skip(f"cannot make {path.name} unreadable: running as root and {exc}")
        if readable.returncode == 0:
            pytest.skip(f"cannot make {path.name} unreadable: mode 0 does not stop this user from reading it")

    yield Locker(lock, preexec)
    for path, mode in reversed(locked):
        path.chmod(mode)
