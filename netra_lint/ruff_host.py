"""Ruff as the host of the fast checks: one run, one report, one ``# noqa`` syntax.

Ruff has no plugin API, so netra-lint runs it as a subprocess over the same file list
(JSON output, ``--force-exclude`` so the user's own ruff excludes hold), merges its
diagnostics under ruff's own codes, and drops a ruff finding when a netra rule reports
the same problem at the same place (netra's carries the fix).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Applicability, Diagnostic
from .source import DecodeError, SourceFile

#: The ruff rules that are real errors in netra-lint's problem families (not style).
DEFAULT_HOSTED = ("PLE0115", "PLE0117", "PLE0118", "F821")
RUFF_CODE = re.compile(r"^[A-Z]+[0-9]+$")
TIMEOUT_SECONDS = 600


class RuffUnavailable(Exception):
    """Ruff is not installed or did not produce a report."""


@dataclass
class RuffOutcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)


def ruff_binary() -> str:
    """The ruff executable: the one installed with netra-lint, else the one on PATH."""
    if os.environ.get("NETRA_LINT_RUFF") is not None:
        path = os.environ["NETRA_LINT_RUFF"]
        if path and Path(path).is_file():
            return path
        raise RuffUnavailable(f"ruff not found at NETRA_LINT_RUFF={path!r}")
    try:
        from ruff.__main__ import find_ruff_bin

        return os.fsdecode(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found:
            return found
    raise RuffUnavailable("ruff is not installed")


def _invoke(
    args: Sequence[str], cwd: Path, stdin: str | None = None, cache: bool = True
) -> subprocess.CompletedProcess[str]:
    return _wait(_spawn(args, cwd, cache, with_stdin=stdin is not None), stdin)


def _spawn(args: Sequence[str], cwd: Path, cache: bool, with_stdin: bool = False) -> subprocess.Popen[str]:
    # ``--no-cache`` for netra-lint means no cache written by this run, ruff's included
    command = [ruff_binary(), *args[:1], *([] if cache else ["--no-cache"]), *args[1:]]
    try:
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE if with_stdin else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as exc:
        raise RuffUnavailable(f"ruff could not run: {exc}") from None


def _wait(process: subprocess.Popen[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        stdout, stderr = process.communicate(stdin, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        raise RuffUnavailable(f"ruff could not run: {exc}") from None
    completed = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if completed.returncode not in (0, 1):
        message = (completed.stderr.strip().splitlines() or [f"exit code {completed.returncode}"])[-1]
        raise RuffUnavailable(f"ruff failed: {message}")
    return completed


def _display(filename: str) -> str:
    try:
        return os.path.relpath(filename)
    except ValueError:
        return filename


class RuffCheck:
    """A ruff check started in the background, so that it runs on a core netra-lint's own
    work leaves idle; ``result`` waits for its diagnostics, ``cancel`` stops it."""

    def __init__(self, files: Sequence[Path], codes: Sequence[str], cwd: Path, cache: bool = True) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.error: RuffUnavailable | None = None
        if files and codes:
            args = ["check", "--output-format", "json", "--force-exclude", "--exit-zero", "--select", ",".join(codes)]
            try:
                self.process = _spawn([*args, "--", *map(str, files)], cwd, cache)
            except RuffUnavailable as exc:
                self.error = exc

    def result(self) -> list[Diagnostic]:
        if self.error is not None:
            raise self.error
        if self.process is None:
            return []
        return _diagnostics(_wait(self.process))

    def cancel(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def check(files: Sequence[Path], codes: Sequence[str], cwd: Path, cache: bool = True) -> list[Diagnostic]:
    """Ruff's diagnostics for ``codes`` on ``files``, as netra diagnostics."""
    return RuffCheck(files, codes, cwd, cache).result()


def _diagnostics(completed: subprocess.CompletedProcess[str]) -> list[Diagnostic]:
    try:
        items = json.loads(completed.stdout or "[]")
    except ValueError:
        raise RuffUnavailable("ruff printed no JSON report") from None
    diagnostics = []
    sources: dict[str, SourceFile | None] = {}
    for item in items:
        if not is_ruff_code(item.get("code") or ""):
            continue  # ruff's syntax errors ("invalid-syntax") are netra's NL001, not a hosted rule
        applicability = None
        fix = item.get("fix")
        if fix and fix.get("applicability") in ("safe", "unsafe"):
            applicability = Applicability(fix["applicability"])
        location, end = item["location"], item.get("end_location") or item["location"]
        diag = Diagnostic(code=item["code"], message=item["message"], start=0, end=0, fix_applicability=applicability)
        diag.fix_title = (fix or {}).get("message") or ""
        diag.path = _display(item["filename"])
        diag.row, diag.column = location["row"], location["column"]
        diag.end_row, diag.end_column = end["row"], end["column"]
        diag.noqa_row = item.get("noqa_row") or diag.row
        diag.source_line = _line(sources, item["filename"], diag.row)
        diagnostics.append(diag)
    return diagnostics


def _line(sources: dict[str, SourceFile | None], filename: str, row: int) -> str:
    """The text of line ``row`` of ``filename``, for the source excerpt of the full report."""
    if filename not in sources:
        try:
            sources[filename] = SourceFile.read(Path(filename))
        except (OSError, DecodeError):
            sources[filename] = None
    source = sources[filename]
    return source.line_text(row) if source is not None else ""


def _unsafe_flag(unsafe: bool) -> str:
    """Explicit either way: an ``unsafe-fixes = true`` in the user's ruff config must not
    turn a plain ``netra-lint --fix`` into an unsafe one."""
    return "--unsafe-fixes" if unsafe else "--no-unsafe-fixes"


def fix_files(files: Sequence[Path], codes: Sequence[str], cwd: Path, unsafe: bool, cache: bool = True) -> None:
    """Apply ruff's own fixes for ``codes`` to ``files`` on disk."""
    if not files or not codes:
        return
    args = ["check", "--fix-only", "--force-exclude", "--exit-zero", "--select", ",".join(codes), _unsafe_flag(unsafe)]
    _invoke([*args, "--", *map(str, files)], cwd, cache=cache)


def files_with_fixes(
    files: Sequence[Path], codes: Sequence[str], cwd: Path, unsafe: bool, cache: bool = True
) -> set[Path]:
    """The files (resolved) that ruff's fixes for ``codes`` would change."""
    if not files or not codes:
        return set()
    args = ["check", "--diff", "--force-exclude", "--exit-zero", "--select", ",".join(codes), _unsafe_flag(unsafe)]
    completed = _invoke([*args, "--", *map(str, files)], cwd, cache=cache)
    changed = set()
    for line in completed.stdout.splitlines():
        if line.startswith("+++ "):
            changed.add((cwd / line[4:].strip()).resolve())
    return changed


def fix_text(text: str, filename: Path, codes: Sequence[str], cwd: Path, unsafe: bool) -> str:
    """What ruff's fixes for ``codes`` make of ``text`` (for ``--diff`` on top of ours)."""
    if not codes:
        return text
    # --force-exclude: a file the user's ruff config excludes is echoed unchanged, as --fix leaves it
    args = ["check", "--fix-only", "--force-exclude", "--exit-zero", "--select", ",".join(codes), _unsafe_flag(unsafe)]
    args += ["--stdin-filename", str(filename)]
    completed = _invoke([*args, "-"], cwd, stdin=text)
    return completed.stdout if completed.stdout else text


_LINE_POINTER = re.compile(r"\bon line (\d+)\b")
_QUOTED_NAME = re.compile(r"[`'](\w+)[`']")


def pointed_rows(ruff_diag: Diagnostic) -> set[int]:
    """The rows a ruff finding is about: its own, and the one its message points at
    (PLE0118 reports the use and names the declaration's line)."""
    return {ruff_diag.row, *(int(n) for n in _LINE_POINTER.findall(ruff_diag.message))}


def same_problem(ruff_diag: Diagnostic, netra_diag: Diagnostic) -> bool:
    """A ruff finding repeats a netra one: same file, the same line or a pointer to exactly
    that line, and the same name where both messages quote one."""
    if Path(ruff_diag.path) != Path(netra_diag.path) or netra_diag.row not in pointed_rows(ruff_diag):
        return False
    ruff_name, netra_name = _QUOTED_NAME.search(ruff_diag.message), _QUOTED_NAME.search(netra_diag.message)
    return ruff_name is None or netra_name is None or ruff_name.group(1) == netra_name.group(1)


def is_ruff_code(code: str) -> bool:
    return bool(RUFF_CODE.match(code)) and not code.startswith("NL")
