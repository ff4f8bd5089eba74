"""netra-lint holds itself to what it asks of others: its code is formatted and clean
under ruff (configured in pyproject.toml), type-checks under mypy, and netra-lint finds
nothing in its own source. These run with the test suite, so CI runs them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted() -> None:
    result = tool("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing() -> None:
    result = tool("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_netra_lint_finds_nothing_in_its_own_source() -> None:
    result = tool("netra-lint", "--no-cache", "--output-format", "concise", "netra_lint", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
