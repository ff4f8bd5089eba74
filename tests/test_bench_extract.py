"""``bench/extract.py`` writes a repository's Python and tool-config files for the benchmark.

A snapshot of a large repository may lack some blobs; ``git archive`` stops at the first
one, the extractor skips it and says which.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO, clean_env, write


def _extractor(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extract", REPO / "bench" / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def _git(repo: Path, *args: str) -> str:
    """git with no user or system configuration (a private home)."""
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args]
    env = clean_env(repo.parent / "home", {"GIT_CONFIG_NOSYSTEM": "1"})
    return subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def test_writes_sources_and_tool_config_and_skips_what_the_snapshot_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    write(
        repo,
        {
            "pyproject.toml": "[project]\nname = 'x'\n",
            "requirements-dev.txt": "websockets>=14\n",
            ".gitignore": "build/\n",
            "pkg/__init__.py": "",
            "pkg/core.py": "VALUE = 1\n",
            "pkg/stubs.pyi": "VALUE: int\n",
            "pkg/gone.py": "LOST = True\n",
            "docs/index.md": "# docs\n",
            "static/logo.svg": "<svg/>\n",
        },
    )
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "initial")
    gone = _git(repo, "rev-parse", "HEAD:pkg/gone.py")
    (repo / ".git" / "objects" / gone[:2] / gone[2:]).unlink()  # a blob the snapshot lacks

    out = tmp_path / "out"
    commit, written, missing = _extractor(monkeypatch).extract(repo / ".git", out)

    assert commit == _git(repo, "rev-parse", "HEAD")
    assert missing == ["pkg/gone.py"]
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = [
        ".gitignore",
        "pkg/__init__.py",
        "pkg/core.py",
        "pkg/stubs.pyi",
        "pyproject.toml",
        "requirements-dev.txt",
    ]
    assert files == expected
    assert written == len(expected)
    assert (out / "pkg" / "core.py").read_text() == "VALUE = 1\n"
