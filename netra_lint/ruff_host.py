"""Ruff as the host of the fast checks: one run, one report, one ``# noqa`` syntax.

Ruff has no plugin API, so netra-lint runs it as a subprocess over the same file list
(JSON output, ``--force-exclude`` so the user's own ruff excludes hold), merges its
diagnostics under ruff's own codes, and drops a ruff finding when a netra rule reports
the same problem at the same place (netra's carries the fix). A file list longer than the
system lets one command line hold is split over several ruff runs, one after the other.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .diagnostics import Applicability, Diagnostic
from .source import DecodeError, SourceFile

#: The ruff rules that are real errors in netra-lint's problem families (not style).
DEFAULT_HOSTED = ("PLE0115", "PLE0117", "PLE0118", "F821")
RUFF_CODE = re.compile(r"^[A-Z]+[0-9]+$")
TIMEOUT_SECONDS = 600


class RuffUnavailable(Exception):
    """Ruff is not installed."""


class RuffFailed(Exception):
    """Ruff is installed but could not run, or did not produce a report."""


class UnknownRuffRule(RuffFailed):
    """Ruff does not know a rule code it was asked to check."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


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


def _invoke_batched(
    args: Sequence[str], files: Sequence[Path], cwd: Path, cache: bool
) -> list[subprocess.CompletedProcess[str]]:
    """Ruff with ``args`` over ``files``, in as many runs as the command-line limit needs."""
    return [_invoke([*args, "--", *batch], cwd, cache=cache) for batch in _batches(args, files)]


def _spawn(
    args: Sequence[str], cwd: Path, cache: bool, with_stdin: bool = False, own_group: bool = False
) -> subprocess.Popen[str]:
    """Start ruff; with ``own_group``, in a process group of its own, which ``_stop`` ends
    whole (a wrapper script's children too)."""
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
            start_new_session=own_group and os.name == "posix",
        )
    except OSError as exc:
        raise RuffFailed(f"ruff could not run: {exc.strerror or exc}") from None


def _stop(process: subprocess.Popen[str], own_group: bool) -> None:
    if process.poll() is None:
        if own_group and os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    process.communicate()


def _wait(
    process: subprocess.Popen[str], stdin: str | None = None, own_group: bool = False
) -> subprocess.CompletedProcess[str]:
    try:
        stdout, stderr = process.communicate(stdin, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _stop(process, own_group)
        raise RuffFailed(f"ruff did not finish within {TIMEOUT_SECONDS} seconds") from None
    completed = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if completed.returncode not in (0, 1):
        unknown = _UNKNOWN_SELECTOR.search(completed.stderr)
        message = f"ruff failed: {_cause(completed.stderr, completed.returncode)}"
        raise UnknownRuffRule(message, unknown.group(1)) if unknown else RuffFailed(message)
    return completed


_UNKNOWN_SELECTOR = re.compile(r"Unknown rule selector `([^`]+)`")
#: A line of the source excerpt ruff prints under a TOML error (``1 | [tool.ruff]``, ``|  ^^^``).
_EXCERPT_LINE = re.compile(r"^(\d+\s*)?\|")


def _cause(stderr: str, returncode: int) -> str:
    """Ruff's error on one line: its ``Cause:`` chain and the final detail, without the
    source excerpt between them."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and line.strip() != "ruff failed"]
    parts = [line.removeprefix("Cause:").strip() for line in lines if line.startswith("Cause:")]
    if lines and not lines[-1].startswith("Cause:") and not _EXCERPT_LINE.match(lines[-1]):
        parts.append(lines[-1])
    return ": ".join(parts) or f"exit code {returncode}"


def _argument_budget() -> int:
    """How many bytes of file names one ruff command line may carry: the system's limit on
    arguments and environment together, less the environment, with room to spare."""
    if os.name != "posix":
        return 24_000  # Windows: 32,767 characters for the whole command line
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = -1
    if limit <= 0:
        limit = 128 * 1024  # the least Linux and macOS guarantee
    environment = sum(len(key) + len(value) + 2 + 8 for key, value in os.environb.items())
    return max(8 * 1024, limit - environment - 16 * 1024)


def _batches(args: Sequence[str], files: Sequence[Path]) -> list[list[str]]:
    """``files`` as command-line arguments, split so that no ruff command line is longer
    than the system allows (each argument also costs its terminator and a pointer)."""
    budget = _argument_budget() - sum(len(os.fsencode(arg)) + 9 for arg in (ruff_binary(), *args, "--no-cache", "--"))
    batches: list[list[str]] = [[]]
    used = 0
    for path in files:
        name = str(path)
        cost = len(os.fsencode(name)) + 9
        if batches[-1] and used + cost > budget:
            batches.append([])
            used = 0
        batches[-1].append(name)
        used += cost
    return batches


def _display(filename: str) -> str:
    try:
        return os.path.relpath(filename)
    except ValueError:
        return filename


class RuffCheck:
    """A ruff check started in the background, so that it runs on a core netra-lint's own
    work leaves idle; ``result`` waits for its diagnostics (running the further batches of
    a long file list), ``cancel`` stops it."""

    def __init__(self, files: Sequence[Path], codes: Sequence[str], cwd: Path, cache: bool = True) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.error: RuffUnavailable | RuffFailed | None = None
        self.cwd, self.cache = cwd, cache
        self.args = ["check", "--output-format", "json", "--force-exclude", "--exit-zero", "--select", ",".join(codes)]
        self.pending: list[list[str]] = []
        if files and codes:
            try:
                self.pending = _batches(self.args, files)
                self._start_next()
            except (RuffUnavailable, RuffFailed) as exc:
                self.error = exc

    def _start_next(self) -> None:
        self.process = _spawn([*self.args, "--", *self.pending.pop(0)], self.cwd, self.cache, own_group=True)

    def result(self) -> list[Diagnostic]:
        if self.error is not None:
            raise self.error
        found: list[Diagnostic] = []
        while self.process is not None:
            found += _diagnostics(_wait(self.process, own_group=True))
            self.process = None
            if self.pending:
                self._start_next()
        return found

    def cancel(self) -> None:
        self.pending = []
        if self.process is not None:
            _stop(self.process, own_group=True)


def check(files: Sequence[Path], codes: Sequence[str], cwd: Path, cache: bool = True) -> list[Diagnostic]:
    """Ruff's diagnostics for ``codes`` on ``files``, as netra diagnostics."""
    return RuffCheck(files, codes, cwd, cache).result()


def check_text(text: str, filename: Path, codes: Sequence[str], cwd: Path) -> list[Diagnostic]:
    """Ruff's diagnostics for ``codes`` on ``text`` checked as if it were ``filename``
    (``--force-exclude``: nothing for a file the user's ruff config excludes)."""
    if not codes:
        return []
    args = ["check", "--output-format", "json", "--force-exclude", "--exit-zero", "--select", ",".join(codes)]
    completed = _invoke([*args, "--stdin-filename", str(filename), "-"], cwd, stdin=text)
    source = SourceFile(path=filename, text=text)
    return _diagnostics(completed, {os.path.abspath(filename): source})


def _diagnostics(
    completed: subprocess.CompletedProcess[str], sources: dict[str, SourceFile | None] | None = None
) -> list[Diagnostic]:
    """Ruff's JSON report as netra diagnostics; ``sources`` (absolute path → text) holds
    the text of files that are not read from disk."""
    try:
        items = json.loads(completed.stdout or "[]")
    except ValueError:
        raise RuffFailed("ruff failed: it printed no JSON report") from None
    diagnostics = []
    sources = dict(sources or {})
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
        diag.edit_locations = _edits(fix)
        diagnostics.append(diag)
    return diagnostics


def _edits(fix: dict | None) -> list[tuple[int, int, int, int, str]]:
    """The edits of ruff's fix, as the reports want them."""
    try:
        return [
            (
                edit["location"]["row"],
                edit["location"]["column"],
                edit["end_location"]["row"],
                edit["end_location"]["column"],
                edit.get("content") or "",
            )
            for edit in (fix or {}).get("edits") or ()
        ]
    except (KeyError, TypeError):
        return []


def _line(sources: dict[str, SourceFile | None], filename: str, row: int) -> str:
    """The text of line ``row`` of ``filename``, for the source excerpt of the full report."""
    filename = os.path.abspath(filename)
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
    _invoke_batched(args, files, cwd, cache)


def files_with_fixes(
    files: Sequence[Path], codes: Sequence[str], cwd: Path, unsafe: bool, cache: bool = True
) -> set[Path]:
    """The files (resolved) that ruff's fixes for ``codes`` would change."""
    if not files or not codes:
        return set()
    args = ["check", "--diff", "--force-exclude", "--exit-zero", "--select", ",".join(codes), _unsafe_flag(unsafe)]
    changed = set()
    for completed in _invoke_batched(args, files, cwd, cache):
        for line in completed.stdout.splitlines():
            if line.startswith("+++ "):
                changed.add((cwd / line[4:].strip()).resolve())
    return changed


def validate(codes: Sequence[str], filename: Path, cwd: Path) -> None:
    """Raise ``RuffFailed`` (``UnknownRuffRule`` for an unknown code) if ruff can't check
    a file at ``filename`` with ``codes`` under the user's ruff configuration, before any
    file is read: one ruff run on empty input."""
    if codes:
        _invoke(["check", "--exit-zero", "--select", ",".join(codes), "--stdin-filename", str(filename), "-"], cwd, "")


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


@dataclass(frozen=True)
class RuffRule:
    """What ``ruff rule CODE`` says about one of its rules."""

    code: str
    name: str
    linter: str
    explanation: str
    #: ruff's fix availability: ``None``, ``Sometimes`` or ``Always``
    fix_availability: str

    @property
    def url(self) -> str:
        return f"https://docs.astral.sh/ruff/rules/{self.name}"

    @property
    def summary(self) -> str:
        """The first paragraph of the explanation's "What it does" (ruff's own summary
        is a message template with ``{name}`` placeholders)."""
        body = self.explanation.partition("## What it does")[2].strip()
        return " ".join(body.split("\n\n", 1)[0].split()) or self.name

    @property
    def fix(self) -> str:
        return {"Always": "always", "Sometimes": "sometimes"}.get(self.fix_availability, "report")


@lru_cache(maxsize=1)
def ruff_rules() -> dict[str, RuffRule]:
    """Every rule of the installed ruff by code (``ruff rule --all``); empty without ruff."""
    try:
        completed = _invoke(["rule", "--all", "--output-format", "json"], Path.cwd())
        items = json.loads(completed.stdout)
    except (RuffUnavailable, RuffFailed, ValueError):
        return {}
    rules = {}
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not isinstance(item.get("name"), str):
            continue  # rules without a code are listed too (not selectable)
        rules[item["code"]] = RuffRule(
            code=item["code"],
            name=item["name"],
            linter=item.get("linter") or "",
            explanation=item.get("explanation") or "",
            fix_availability=item.get("fix_availability") or "None",
        )
    return rules


def not_hosted(selector: str, hosted: Sequence[str]) -> str | None:
    """Why a selector that names no hosted rule is still a ruff rule (or prefix), and how
    to host it; None if ruff doesn't know it either."""
    wanted = selector.strip().upper()
    if not RUFF_CODE.match(wanted) or wanted.startswith("NL"):
        return None
    known = ruff_rules()
    if wanted in known:
        what = "a ruff rule"
    elif any(code.startswith(wanted) for code in known):
        what = "a prefix of ruff rules"
    else:
        return None
    listed = ", ".join(hosted) if hosted else "none"
    return (
        f"{selector!r} is {what} that netra-lint does not host (hosted ruff rules: {listed}); "
        "add it to `[tool.netra-lint.ruff] select` in pyproject.toml to run it with netra-lint"
    )
