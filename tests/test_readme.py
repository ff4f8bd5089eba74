"""The README's options table and the snippets it gives for editors and scripts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click

from conftest import REPO, clean_env
from netra_lint.cli import check

README = (REPO / "README.md").read_text(encoding="utf-8")


def _options_table() -> str:
    return README[README.index("Options (named and behaving like ruff's):") : README.index("Exit codes: **0**")]


def test_the_options_table_lists_every_flag() -> None:
    listed = set(re.findall(r"`(-[-\w]*)", _options_table()))
    flags = {
        flag
        for param in check.params
        if isinstance(param, click.Option)
        for flag in (*param.opts, *param.secondary_opts)
        if not flag.startswith("--no-") or flag in ("--no-cache", "--no-respect-gitignore")
    }
    assert flags - listed == set()
    assert "-" in listed  # stdin


def _snippet(marker: str) -> list[str]:
    block = README[README.index(f"<!-- snippets: {marker} -->") :]
    body = block[block.index("```sh\n") + 6 :]
    body = body[: body.index("\n```")]
    return [line for line in body.splitlines() if line and not line.startswith("#")]


def test_the_editor_snippets_run_as_written(tmp_path: Path, home: Path) -> None:
    """From a copy of the repository top with the *Try it* install: each command works."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    launcher = tmp_path / ".venv" / "bin" / "netra-lint"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m netra_lint "$@"\n')
    launcher.chmod(0o755)
    env = clean_env(home, {"PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")})
    check_buffer, fix_buffer, by_directory, statistics_json = _snippet("editors")
    results = {}
    for command in (check_buffer, fix_buffer, by_directory, statistics_json):
        completed = subprocess.run(
            ["sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert completed.returncode in (0, 1), (command, completed.stderr)
        assert "error:" not in completed.stderr, (command, completed.stderr)
        results[command] = completed
    server = "examples/demo/netra_backend/app/realtime/server.py"
    assert f" --> {server}:" in results[check_buffer].stdout
    fixed = results[fix_buffer].stdout
    compile(fixed, server, "exec")
    assert fixed != (tmp_path / server).read_text()  # the fixed text, and the file untouched
    assert "examples/demo/netra_backend/" in results[by_directory].stdout
    items = json.loads((tmp_path / "statistics.json").read_text())
    assert items and {"code", "name", "count", "fixable", "fixable_count"} == set(items[0])
