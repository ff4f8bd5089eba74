"""The progress line: on a terminal it starts with the index pass and goes on with the
check pass while the run works; a pipe or a file gets none."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LATE_GLOBAL, clean_env, write

#: A module with something for every index question (classes, members, imports, calls).
MODULE = '''\
"""Module {n}."""

from pkg import mod{prev} as previous
from pkg.mod{prev} import Service{prev}


class Service{n}(Service{prev}):
    """A service."""

    limit = {n}

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[int] = []

    def run(self, count: int) -> int:
        total = 0
        for i in range(count):
            if i % 3 == 0:
                total += i * {n}
            else:
                total -= len(self.items)
        return total + previous.helper{prev}(total)


def helper{n}(value: int) -> int:
    service = Service{n}("x")
    return service.run(value) + Service{n}.limit
'''
PROGRESS = re.compile(rb"netra-lint: (indexing|checking) ([\d,]+)/([\d,]+) files")


def _project(root: Path, files: int) -> None:
    modules = {f"pkg/mod{n}.py": MODULE.format(n=n, prev=max(n - 1, 0)) * 4 for n in range(files)}
    write(root, {"pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "", "pkg/late.py": LATE_GLOBAL})
    write(root, modules)


@pytest.mark.slow
def test_progress_on_a_terminal_from_the_index_pass_on_and_none_on_a_pipe(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _project(root, 3000)
    env = clean_env(tmp_path, {"TERM": "xterm"})
    command = [sys.executable, "-m", "netra_lint", "--no-cache", "--output-format", "concise", "-j", "1"]
    main, terminal = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=root, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    chunks: list[tuple[float, bool, bytes]] = []  # (when, still running, what)
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the terminal is closed once the run has ended
            break
        if not data:
            break
        chunks.append((time.monotonic(), process.poll() is None, data))
    os.close(main)
    assert process.wait(timeout=60) == 1
    output = b"".join(data for _, _, data in chunks)
    shown = PROGRESS.findall(output)
    phases = [phase for phase, _, _ in shown]
    assert phases[0] == b"indexing" and b"checking" in phases, output[-2000:]
    assert phases.index(b"checking") > phases.index(b"indexing")
    # the index pass is shown while it works, not once it is over
    first_done, first_total = (int(n.replace(b",", b"")) for n in shown[0][1:])
    assert first_done < first_total == 3002
    assert shown[-1][1:] == (b"3,002", b"3,002") and shown[-1][0] == b"checking"
    # each line is seen while the run goes on, before its report
    first_seen = next(when for when, running, data in chunks if PROGRESS.search(data))
    assert any(running for _, running, data in chunks if PROGRESS.search(data))
    report_seen = next(when for when, _, data in chunks if b"NL301" in data)
    assert started < first_seen < report_seen
    # the line is cleared before the report: the report's lines start clean
    assert b"pkg/late.py:6:12: NL301" in output
    assert output.split(b"pkg/late.py:6:12")[0].endswith(b"\r\x1b[K")

    # the same run into pipes (CI logs, editors, scripts): no progress at all
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    assert done.stdout.splitlines()[0] == b"pkg/late.py:6:12: NL301 [*] name 'X' is used prior to global declaration"
