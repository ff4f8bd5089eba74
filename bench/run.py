"""Benchmark netra-lint against ruff, pylint, mypy and an ``ast.parse`` floor, on a generated
tree and on real repositories, in one run.

Every command runs as a subprocess in the tree's root. Wall time comes from
``time.perf_counter``; memory is the peak proportional set size (PSS) of the process tree,
sampled from ``/proc`` every 0.1 s (so forked workers sharing pages are not counted twice,
and ruff's process is counted with netra-lint's), and the largest single-process max RSS
from ``wait4``. A cold all-rules run has its stderr on a pseudo-terminal, as a user's would,
to time the first progress line. Results are printed as markdown and written to
``bench/results/latest.md`` and ``latest.json``.

Usage: ``python bench/run.py [--quick] [--files N --megabytes M] [--skip-peers] [--scale]
[--repo DIR --repo-name OWNER/NAME@COMMIT]... [--repos-only]``
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import platform
import pty
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from multiprocessing import Pool
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import GENERATOR_VERSION, MANIFEST, Shape, generate  # noqa: E402

TOP_DIRS = ("netra_backend", "auth_service", "test_framework", "analytics_service")
PRE_COMMIT_FILES = 10
OUTPUT_FORMATS = ("full", "concise", "json", "sarif", "gitlab", "junit", "github")


@dataclass
class Measurement:
    """One command's outcome."""

    label: str
    tool: str
    checks: str
    command: list[str]
    files: int
    status: str = "ok"  # ok | timeout | error | n/a
    seconds: float = 0.0
    exit_code: int | None = None
    ok_exits: tuple[int, ...] = (0, 1)  # exit codes meaning "ran to the end"
    terminal: bool = False  # stderr on a pseudo-terminal, as in an interactive shell
    first_output_s: float | None = None  # when the first byte reached that terminal
    cpu_seconds: float = 0.0
    peak_pss_mb: float = 0.0
    max_rss_mb: float = 0.0
    findings: dict[str, int] = field(default_factory=dict)
    counted: bool = False  # whether its output was read for counts of findings
    warnings: list[str] = field(default_factory=list)  # the command's own "warning:" lines
    note: str = ""

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def memory_mb(self) -> float:
        return self.peak_pss_mb or self.max_rss_mb


# -- process measurement ---------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _tree_pss_kb(root: int) -> int:
    """Sum of PSS over ``root`` and its descendants, in KiB."""
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


class _TerminalReader:
    """The master side of a pseudo-terminal: when its first byte came, and everything read."""

    def __init__(self, master: int, started: float) -> None:
        self.master = master
        self.started = started
        self.first: float | None = None
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                return
            if not data:
                return
            if self.first is None:
                self.first = time.perf_counter() - self.started
            self.chunks.append(data)

    def text(self) -> str:
        self.thread.join(5)
        os.close(self.master)
        return b"".join(self.chunks).decode("utf-8", "replace")


def measure(m: Measurement, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    """Run ``m.command`` in ``cwd``, fill in time, memory, exit code and warnings; return stdout."""
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err,
    ):
        master, slave = pty.openpty() if m.terminal else (-1, -1)
        started = time.perf_counter()
        proc = subprocess.Popen(
            m.command,
            cwd=cwd,
            stdout=out,
            stderr=slave if m.terminal else err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        reader = None
        if m.terminal:
            os.close(slave)
            reader = _TerminalReader(master, started)
        peak = 0
        done = threading.Event()
        timed_out = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.1):
                peak = max(peak, _tree_pss_kb(proc.pid))
                if time.perf_counter() - started > timeout and not timed_out.is_set():
                    timed_out.set()
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        m.seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = m.exit_code = os.waitstatus_to_exitcode(status)
        m.peak_pss_mb = peak / 1024
        m.max_rss_mb = usage.ru_maxrss / 1024
        m.cpu_seconds = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        stderr = reader.text() if reader else err.read()
    if reader:
        m.first_output_s = reader.first
    lines = [line.strip() for line in re.split(r"[\r\n]+", stderr) if line.strip()]
    m.warnings = [line[:200] for line in lines if line.lower().startswith("warning")][:5]
    if timed_out.is_set():
        m.status, m.seconds = "timeout", timeout
        m.note = f"killed after {timeout:.0f} s"
    elif m.exit_code not in m.ok_exits:
        errors = [line for line in lines if "error" in line.lower()]
        m.note = f"exit {m.exit_code}: {len(errors)} error line(s), last: {(errors or lines or [''])[-1][:140]}"
        m.status = "n/a" if "unknown rule code" in stderr else "error"
    return stdout


# -- output parsers ---------------------------------------------------------------------------

_STAT_LINE = re.compile(r"^\s*(\d+)\s+([A-Z]+[0-9]+)\b", re.M)
_PYLINT_LINE = re.compile(r":\d+:\d+: ([CRWEF]\d{4}): ", re.M)
_MYPY_LINE = re.compile(r": error: .*\[([a-z-]+)\]$", re.M)


def parse_statistics(text: str) -> dict[str, int]:
    """Counts per code from ``--statistics`` output (netra-lint and ruff)."""
    return {code: int(count) for count, code in _STAT_LINE.findall(text)}


def parse_pylint(text: str) -> dict[str, int]:
    return dict(Counter(_PYLINT_LINE.findall(text)))


def parse_mypy(text: str) -> dict[str, int]:
    return dict(Counter(_MYPY_LINE.findall(text)))


def parse_floor(text: str) -> dict[str, int]:
    data = json.loads(text.strip().splitlines()[-1])
    return {"syntax-errors": data["errors"]} if data["errors"] else {}


def parse_json(text: str) -> dict[str, int]:
    """Counts per code from netra-lint's JSON output."""
    return dict(Counter(d["code"] for d in json.loads(text or "[]")))


def family(code: str) -> str:
    """The rule family a code belongs to: NL0 … NL5, or "ruff" for a hosted ruff rule."""
    return code[:3] if code.startswith("NL") else "ruff"


def files_with_findings(text: str) -> dict[str, int]:
    """From netra-lint's JSON output: how many files have a finding of each family."""
    pairs = {(family(d["code"]), d["filename"]) for d in json.loads(text or "[]")}
    return dict(sorted(Counter(name for name, _ in pairs).items()))


# -- the ast.parse floor (run as a subprocess of this script) --------------------------------


def checked_files(root: Path) -> list[str]:
    """The files netra-lint checks in ``root`` (its own discovery: excludes, .gitignore)."""
    from netra_lint.config import load_settings
    from netra_lint.discovery import discover

    return [str(path) for path in discover([root], load_settings([root])).files]


def _parse_one(path: str) -> int:
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        ast.parse(source, filename=path)
    except SyntaxError:
        return 1
    return 0


def ast_floor(listing: Path, jobs: int) -> None:
    """Read and ``ast.parse`` every file named in ``listing``; print a JSON line with the counts."""
    files = listing.read_text(encoding="utf-8").splitlines()
    if jobs <= 1:
        errors = sum(_parse_one(f) for f in files)
    else:
        with Pool(jobs) as pool:
            errors = sum(pool.imap_unordered(_parse_one, files, chunksize=16))
    print(json.dumps({"files": len(files), "errors": errors}))


# -- tools --------------------------------------------------------------------------------------


def tool(name: str) -> list[str]:
    """The command for a console script, preferring the one beside this interpreter."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found:
        return [found]
    module = {"netra-lint": "netra_lint"}.get(name, name)
    return [sys.executable, "-m", module]


def version(command: list[str]) -> str:
    try:
        out = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return " / ".join(line.strip() for line in lines[:2]) if lines else "unavailable"


def machine(cores: int) -> dict[str, Any]:
    cpu, ram = "unknown", 0
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        ram = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal"))) // 1024
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": cores,
        "ram_mb": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "versions": {name: version(tool(name)) for name in ("netra-lint", "ruff", "pylint", "mypy")},
    }


# -- the trees -------------------------------------------------------------------------------------


@dataclass
class Tree:
    """A directory the bench runs on: the generated monorepo or a real repository."""

    root: Path
    name: str  # the generated tree's parameters, or OWNER/NAME@COMMIT
    files: list[str]  # what netra-lint checks there
    shape: Shape
    manifest: dict[str, Any] | None = None  # the generator's, with the planted problems

    @property
    def generated(self) -> bool:
        return self.manifest is not None

    @classmethod
    def at(cls, root: Path, name: str, manifest: dict[str, Any] | None = None) -> Tree:
        files = checked_files(root)
        shape = Shape()
        for path in files:
            data = Path(path).read_bytes()
            shape.add(data.decode("utf-8", "replace"), len(data))
        return cls(root, name, files, shape, manifest)


def generated_tree(files: int, megabytes: float, seed: int) -> Tree:
    """The generated tree for these parameters, generating it if missing or stale."""
    out = BENCH / "corpus" / f"n{files}-mb{megabytes:g}-s{seed}"
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        stale = manifest["generator_version"] != GENERATOR_VERSION or manifest["requested"] != {
            "files": files,
            "megabytes": megabytes,
        }
    except (OSError, ValueError, KeyError):
        stale = True
    if stale:
        print(f"generating {files} files / {megabytes:g} MB in {out} ...", file=sys.stderr, flush=True)
        manifest = generate(files, megabytes, seed, out)
    return Tree.at(out, f"generated {files:,} files, seed {seed}", manifest)


def clean_caches(root: Path) -> None:
    for name in (".netra_lint_cache", ".mypy_cache", ".ruff_cache"):
        shutil.rmtree(root / name, ignore_errors=True)


# -- the benchmark ---------------------------------------------------------------------------------

#: The rule families, each timed alone, and (see ``families``) the ruff rules netra-lint hosts.
FAMILIES = ("NL1", "NL2", "NL3", "NL401", "NL5")
#: The netra-lint rules that do what pylint's E0401/E0611 (NL5), E1101 (NL401) and E0118 (NL3) do.
PYLINT_SAME_CHECKS = "NL3,NL401,NL5"


def hosted_ruff_rules() -> str:
    """The ruff rules a default netra-lint run hosts, as a ``--select`` value."""
    from netra_lint.ruff_host import DEFAULT_HOSTED

    return ",".join(DEFAULT_HOSTED)


def family_label(select: str) -> str:
    return "hosted ruff rules" if select == hosted_ruff_rules() else select


class Bench:
    def __init__(self, tree: Tree, args: argparse.Namespace, cores: int) -> None:
        self.tree = tree
        self.root = tree.root
        self.args = args
        self.cores = cores
        self.files = len(tree.files)
        self.results: list[Measurement] = []
        self.command = tool("netra-lint")
        self.timeout = max(args.timeout, 1800.0)
        self.found_in: dict[str, int] = {}  # files with a finding, per family (warm JSON run)

    def run(
        self,
        m: Measurement,
        timeout: float,
        parse: Callable[[str], dict[str, int]] | None,
        env: dict[str, str] | None = None,
    ) -> tuple[Measurement, str]:
        print(f"  {m.label} ...", end="", file=sys.stderr, flush=True)
        stdout = measure(m, self.root, timeout, env)
        if parse is not None and m.status != "timeout":
            with contextlib.suppress(ValueError, KeyError, IndexError):
                m.findings = parse(stdout)
                m.counted = True
        if m.status == "error" and m.findings:
            m.status = "ok"  # it reported its findings: timed as complete
        first = f", first output {m.first_output_s:.2f} s" if m.first_output_s is not None else ""
        print(
            f" {m.status} {m.seconds:.2f} s ({m.cpu_seconds:.1f} s CPU), {m.memory_mb:.0f} MB{first}",
            file=sys.stderr,
            flush=True,
        )
        self.results.append(m)
        return m, stdout

    def netra(
        self, label: str, checks: str, args: list[str], files: int | None = None, terminal: bool = False
    ) -> Measurement:
        command = [*self.command, "check", "--exit-zero", *args]
        return Measurement(label, "netra-lint", checks, command, files or self.files, terminal=terminal)

    def floor(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as listing:
            listing.write("\n".join(self.tree.files))
        try:
            for jobs in (1, self.cores):
                command = [sys.executable, str(Path(__file__).resolve()), "--ast-floor", listing.name]
                label = f"ast.parse floor, {jobs} process{'es' * (jobs > 1)}"
                m = Measurement(label, "ast.parse", "parse only", [*command, "--floor-jobs", str(jobs)], self.files)
                self.run(m, 3600, parse_floor)
        finally:
            os.unlink(listing.name)

    def all_rules(self, pre_commit: bool = True, formats: bool = True) -> None:
        """Cold (on a terminal, with its progress), cold writing the cache, warm, warm in
        every output format, and pre-commit style."""
        clean_caches(self.root)
        runs = (
            ("cold", ["--no-cache", "."], True),  # no -q: the progress line shows on the terminal
            ("cold, writing cache", ["-q", "."], False),
            ("warm", ["-q", "."], False),
        )
        for when, args, terminal in runs:
            m = self.netra(f"netra-lint all rules {when}", "all rules", ["--statistics", *args], terminal=terminal)
            self.run(m, self.timeout, parse_statistics)
        for name in OUTPUT_FORMATS if formats else ():
            m = self.netra(
                f"netra-lint all rules warm, --output-format {name}", "all rules", ["-q", "--output-format", name, "."]
            )
            m, stdout = self.run(m, self.timeout, parse_json if name == "json" else None)
            if name == "json" and m.status == "ok":
                self.found_in = files_with_findings(stdout)
        if pre_commit:
            self.pre_commit()

    def pre_commit(self) -> None:
        """10 changed files named on the command line, the rest of the cache warm."""
        candidates = [p for p in self.tree.files if "/tests/" not in p and os.path.getsize(p) > 2000]
        chosen = sorted(random.Random(self.args.seed).sample(candidates, min(PRE_COMMIT_FILES, len(candidates))))
        originals = {p: Path(p).read_bytes() for p in chosen}
        try:
            for path, data in originals.items():
                Path(path).write_bytes(data + b"\n# edited\n")
            relative = [os.path.relpath(p, self.root) for p in chosen]
            label = f"netra-lint all rules pre-commit ({len(chosen)} changed files, warm cache)"
            m = self.netra(label, "all rules", ["--statistics", "-q", "--force-exclude", *relative], len(chosen))
            self.run(m, self.timeout, parse_statistics)
        finally:
            for path, data in originals.items():
                Path(path).write_bytes(data)

    def families(self, selections: tuple[str, ...] = ()) -> None:
        """Each family alone, cold (by default every family, then the hosted ruff rules)."""
        for select in selections or (*FAMILIES, hosted_ruff_rules()):
            label = f"netra-lint {family_label(select)} cold"
            m = self.netra(label, f"--select {select}", ["--statistics", "-q", "--no-cache", "--select", select, "."])
            self.run(m, self.timeout, parse_statistics)

    def peers(self) -> None:
        """ruff on every tree; pylint and mypy on the generated one, whose import roots they are
        told (on a real repository without its dependencies installed, their import and
        member checks would report the environment, not the code)."""
        timeout = self.args.timeout
        targets = list(TOP_DIRS) if self.tree.generated else ["."]
        select = ["--select", "PLE0118,PLE0117"]
        ruff = [*tool("ruff"), "check", "--isolated", "--no-cache", "--exit-zero", "--statistics", *select, *targets]
        m = Measurement("ruff PLE0118,PLE0117", "ruff", "global/nonlocal (NL3)", ruff, self.files)
        self.run(m, timeout, parse_statistics)
        if not self.tree.generated:
            return
        self.families((PYLINT_SAME_CHECKS,))
        pylint = [
            *tool("pylint"),
            "--recursive=y",
            f"-j{self.cores}",
            "--disable=all",
            "--score=n",
            "--persistent=n",
            "--source-roots=.,analytics_service/src",
            "--output-format=text",
            "--init-hook=import sys; sys.path[:0] = ['.', 'analytics_service/src']",
        ]
        for codes, checks in (
            ("E0401,E0611", "imports (NL5)"),
            ("E1101", "no-member (NL401)"),
            ("E0401,E0611,E1101,E0118", "imports + no-member + global (NL3/4/5)"),
        ):
            command = [*pylint, f"--enable={codes}", *targets]
            # pylint's exit code is a bit field; 1 alone (a fatal message and nothing else) is
            # a run that never started, e.g. ``No module named pylint``
            ok_exits = (0, *range(2, 32))
            m = Measurement(f"pylint {codes}", "pylint", checks, command, self.files, ok_exits=ok_exits)
            self.run(m, timeout, parse_pylint)
        mypy = [
            *tool("mypy"),
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--explicit-package-bases",
            "--namespace-packages",
            "--no-incremental",
            "--cache-dir=/dev/null",
            "--no-error-summary",
            "--hide-error-context",
            "netra_backend",
            "auth_service",
            "test_framework",
            "analytics_service/src",
            "analytics_service/tests",
        ]
        m = Measurement("mypy --follow-imports=silent", "mypy", "type check (covers NL401/NL5)", mypy, self.files)
        self.run(m, self.args.mypy_timeout, parse_mypy, env={"MYPYPATH": "analytics_service/src"})

    def find(self, label: str) -> Measurement | None:
        return next((m for m in self.results if m.label == label), None)

    def floor_run(self) -> Measurement | None:
        return self.find(f"ast.parse floor, {self.cores} processes") or self.find("ast.parse floor, 1 process")


# -- report ----------------------------------------------------------------------------------------


def _seconds(m: Measurement) -> str:
    if m.status == "timeout":
        return f"timeout > {m.seconds:.0f} s"
    if m.status in ("error", "n/a"):
        return m.status
    return f"{m.seconds:.2f}"


def _rate(m: Measurement) -> str:
    if m.status == "timeout":
        return f"< {m.files_per_second:,.0f}"
    return f"{m.files_per_second:,.0f}" if m.status == "ok" else "–"


def _findings(m: Measurement) -> str:
    items = sorted(m.findings.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{code} {count}" for code, count in items[:6])
    text = text + (f", +{len(items) - 6} more" if len(items) > 6 else "") or ("none" if m.counted else "not counted")
    notes = [m.note, *m.warnings] if m.note or m.warnings else []
    return f"{text} ({'; '.join(n for n in notes if n)})".replace("|", "/") if notes else text


def table(results: list[Measurement]) -> str:
    lines = [
        "| run | checks | wall s | files/s | CPU s | first output s | peak mem MB (all processes, PSS) "
        "| max RSS MB (one process) | findings |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        first = f"{m.first_output_s:.2f}" if m.first_output_s is not None else ("none" if m.terminal else "")
        lines.append(
            f"| {m.label} | {m.checks} | {_seconds(m)} | {_rate(m)} | {m.cpu_seconds:,.1f} | {first} "
            f"| {m.peak_pss_mb:,.0f} | {m.max_rss_mb:,.0f} | {_findings(m)} |"
        )
    return "\n".join(lines)


def _ratio(numerator: Measurement | None, denominator: Measurement | None) -> tuple[float | None, str]:
    """numerator/denominator as a number and as text ('>' when the numerator timed out)."""
    if (
        not numerator
        or not denominator
        or numerator.status not in ("ok", "timeout")
        or denominator.status != "ok"
        or not denominator.seconds
    ):
        return None, "n/a"
    value = numerator.seconds / denominator.seconds
    return value, f"{'> ' if numerator.status == 'timeout' else ''}{value:.2f}×"


#: (pylint run, netra-lint run doing at least the same checks) for the "≥ 20× pylint" targets.
PYLINT_PAIRS = (
    ("pylint E0401,E0611,E1101,E0118", "netra-lint all rules cold"),
    ("pylint E0401,E0611,E1101,E0118", f"netra-lint {PYLINT_SAME_CHECKS} cold"),
    ("pylint E0401,E0611", "netra-lint NL5 cold"),
    ("pylint E1101", "netra-lint NL401 cold"),
)
#: Each tree, cold, against its 2-process parse floor: (run, most, stretch).
FLOOR_TARGETS = (
    ("netra-lint all rules cold", 3.0, 2.0),
    ("netra-lint NL1 cold", 1.0, None),
    ("netra-lint NL2 cold", 0.7, None),
)
HOSTED_RUFF_SKIPPED = "ruff could not run"


class Targets:
    """(target, measured, PASS/FAIL/N/A) rows."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, name: str, value: float | None, shown: str, ok: bool, verdict_if_ok: str = "PASS") -> None:
        self.rows.append((name, shown, "N/A" if value is None else verdict_if_ok if ok else "FAIL"))

    def seconds(self, name: str, m: Measurement | None, limit: float) -> None:
        if m is None or m.status != "ok":
            self.rows.append((name, "not measured" if m is None else _seconds(m), "N/A"))
        else:
            self.add(name, m.seconds, f"{m.seconds:.2f} s", m.seconds <= limit)

    def ratio(self, name: str, numerator: Measurement | None, denominator: Measurement | None, most: float) -> None:
        value, text = _ratio(numerator, denominator)
        self.add(name, value, text, value is not None and value <= most)


def targets(benches: list[Bench], scale: Bench | None) -> list[tuple[str, str, str]]:
    rows = Targets()
    for bench in benches:
        floor = bench.floor_run()
        for label, most, stretch in FLOOR_TARGETS:
            value, text = _ratio(bench.find(label), floor)
            name = f"{bench.tree.name}: {label.removeprefix('netra-lint ')} ≤ {most:g}× the parse floor"
            name += f" (stretch {stretch:g}×)" if stretch else ""
            stretched = value is not None and stretch is not None and value <= stretch
            rows.add(
                name, value, text, value is not None and value <= most, "PASS (stretch met)" if stretched else "PASS"
            )
    generated = next((b for b in benches if b.tree.generated), None)
    if generated is not None:
        find, where = generated.find, f"{generated.tree.name}: "
        rows.seconds(f"{where}warm all rules ≤ 1 s", find("netra-lint all rules warm"), 1.0)
        for name in OUTPUT_FORMATS:
            label = f"netra-lint all rules warm, --output-format {name}"
            rows.seconds(f"{where}warm --output-format {name} ≤ 1 s", find(label), 1.0)
        pre = next((m for m in generated.results if "pre-commit" in m.label), None)
        rows.seconds(f"{where}pre-commit (10 files, warm) < 1 s", pre, 1.0)
        for pylint_label, netra_label in PYLINT_PAIRS:
            if find(pylint_label) is None:  # peers skipped
                continue
            value, text = _ratio(find(pylint_label), find(netra_label))
            rows.add(f"{where}≥ 20× faster than {pylint_label} ({netra_label})", value, text, (value or 0) >= 20)
        for label, limit in (("NL5 cold", 15.0), ("NL401 cold", 20.0)):
            rows.seconds(f"{where}--select {label} < {limit:g} s", find(f"netra-lint {label}"), limit)
        rows.add(*_memory(f"{where}netra-lint peak memory < 1 GB", generated, 1024))
    if scale is not None:
        where = f"{scale.tree.name}: "
        cold = scale.find("netra-lint all rules cold")
        first = cold.first_output_s if cold and cold.status == "ok" else None
        shown = "no output on the terminal" if cold and first is None else f"{first:.2f} s" if first else "not measured"
        rows.add(f"{where}first progress line within 2 s", first, shown, first is not None and first <= 2)
        skipped = [w for m in scale.results for w in m.warnings if HOSTED_RUFF_SKIPPED in w]
        ran = cold is not None and cold.status == "ok"
        rows.add(
            f"{where}the hosted ruff rules run", 1.0 if ran else None, skipped[0] if skipped else "ran", not skipped
        )
        small = generated.find("netra-lint all rules cold") if generated else None
        rows.ratio(f"{where}cold ≤ 4× the {generated.files if generated else 7000:,}-file cold", cold, small, 4.0)
        rows.add(*_memory(f"{where}peak memory (all processes) ≤ 2 GB", scale, 2048))
    return rows.rows


def _memory(name: str, bench: Bench, limit_mb: float) -> tuple[str, float | None, str, bool]:
    peak = max((m.memory_mb for m in bench.results if m.tool == "netra-lint" and m.status == "ok"), default=0.0)
    return name, peak or None, f"{peak:,.0f} MB", 0 < peak <= limit_mb


def planted_table(manifest: dict[str, Any], cold: Measurement | None) -> str:
    planted = Counter(p["code"] for p in manifest["planted"])
    found = cold.findings if cold and cold.status == "ok" else {}
    codes = sorted(set(planted) | {c for c in found if c.startswith("NL")})
    lines = ["| code | planted | netra-lint found (cold, all rules) |", "|---|---:|---:|"]
    lines += [f"| {code} | {planted.get(code, 0)} | {found.get(code, 0)} |" for code in codes]
    return "\n".join(lines)


def describe(tree: Tree) -> str:
    """One paragraph: what the tree is, and how much of it the websockets families look at."""
    shape, files = tree.shape, tree.shape.files or 1
    share = {k: f"{v:,} ({v / files:.1%})" for k, v in vars(shape).items() if k not in ("files", "bytes")}
    text = f"`{tree.root}`: {shape.files:,} files checked, {shape.bytes / 1e6:.1f} MB. "
    if tree.manifest is not None:
        m = tree.manifest
        sizes = m["sizes"]
        text += (
            f"Median {sizes['median'] / 1000:.1f} KB, p99 {sizes['p99'] / 1000:.0f} KB, "
            f"max {sizes['max'] / 1000:.0f} KB, "
            f"{sizes['over_100k']} files over 100 KB, {len(m['namespace_dirs'])} namespace-package dirs, "
            f"{len(m['planted'])} planted problems (seed {m['seed']}, generator v{m['generator_version']}, "
            f"pin `{m.get('websockets_pin', '?')}`). "
        )
    return (
        text + f"Files that mention websocket in any case: {share['mention_websocket']}; contain `websockets`: "
        f"{share['contain_websockets']}; import websockets: {share['import_websockets']}; name a deprecated "
        f"project API: {share['deprecated_names']}."
    )


def tree_section(bench: Bench, heading: str) -> list[str]:
    parts = [f"## {heading}", "", describe(bench.tree), "", table(bench.results), ""]
    floor = bench.floor_run()
    ratios = [
        f"- {m.label} / {floor.label}: {_ratio(m, floor)[1]}"
        for m in bench.results
        if floor and m.tool == "netra-lint" and m.label.endswith(" cold")
    ]
    if ratios:
        parts += ["Against the parse floor:", "", *ratios, ""]
    if bench.found_in:
        found = ", ".join(f"{name} {count:,}" for name, count in bench.found_in.items())
        parts += [f"Files with a finding, per family (warm JSON run): {found}.", ""]
    if bench.tree.manifest is not None:
        cold = bench.find("netra-lint all rules cold")
        parts += ["Planted vs found:", "", planted_table(bench.tree.manifest, cold), ""]
    return parts


def report(info: dict[str, Any], benches: list[Bench], scale: Bench | None, rows: list[tuple[str, str, str]]) -> str:
    versions = "; ".join(f"{k} {v}" for k, v in info["versions"].items())
    parts = [
        "# netra-lint benchmark",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_mb'] / 1024:.1f} GiB RAM, {info['os']}, "
        f"Python {info['python']}.",
        f"Tools: {versions}.",
        f"Load average when the run started: {info['load']}. CPU s is user + system time of the process tree "
        "(less sensitive to other load than wall time). The parse floor reads and `ast.parse`s the files "
        "netra-lint checks, nothing else.",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        *(f"| {name} | {value} | {verdict} |" for name, value, verdict in rows),
        "",
    ]
    for bench in benches:
        parts += tree_section(bench, bench.tree.name)
    if scale is not None:
        parts += tree_section(scale, f"Scale: {scale.tree.name}")
    return "\n".join(parts)


# -- the run ---------------------------------------------------------------------------------------


def real_trees(args: argparse.Namespace) -> list[Tree]:
    if len(args.repo) != len(args.repo_name):
        raise SystemExit("error: give one --repo-name OWNER/NAME@COMMIT for each --repo DIR")
    trees = []
    for root, name in zip(args.repo, args.repo_name):
        if not root.is_dir():
            raise SystemExit(f"error: --repo {root}: not a directory (see bench/README.md to extract one)")
        trees.append(Tree.at(root.resolve(), name))
    return trees


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=None, help="files in the tree (default 7000; 400 with --quick)")
    parser.add_argument("--megabytes", type=float, default=None, help="size of the tree (default 120; 7 with --quick)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a small generated tree for a smoke run")
    parser.add_argument("--skip-peers", action="store_true", help="only netra-lint and the ast.parse floor")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a peer is killed (default 900)")
    parser.add_argument("--mypy-timeout", type=float, default=600.0, help="seconds before mypy is killed (default 600)")
    parser.add_argument("--scale", action="store_true", help="also the 25,000-file / 450 MB generated tree")
    parser.add_argument("--scale-files", type=int, default=25000, help=argparse.SUPPRESS)  # smaller for a smoke run
    parser.add_argument("--scale-megabytes", type=float, default=450.0, help=argparse.SUPPRESS)
    parser.add_argument("--repo", type=Path, action="append", default=[], help="a real repository's files (repeat)")
    parser.add_argument("--repo-name", action="append", default=[], help="OWNER/NAME@COMMIT of each --repo")
    parser.add_argument("--repos-only", action="store_true", help="skip the generated tree (with --repo)")
    parser.add_argument("--ast-floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ast_floor:
        ast_floor(args.ast_floor, args.floor_jobs)
        return
    cores = os.cpu_count() or 1
    info = machine(cores)
    trees = real_trees(args)
    if not args.repos_only:
        files = args.files or (400 if args.quick else 7000)
        megabytes = args.megabytes or (7.0 if args.quick else 120.0)
        trees.insert(0, generated_tree(files, megabytes, args.seed))
    benches: list[Bench] = []
    for tree in trees:
        bench = Bench(tree, args, cores)
        print(f"benchmarking {tree.name} in {tree.root} ({bench.files} files)", file=sys.stderr)
        bench.floor()
        bench.all_rules()
        bench.families()
        clean_caches(tree.root)
        if not args.skip_peers:
            bench.peers()
        benches.append(bench)
    scale = None
    if args.scale:
        scale = Bench(generated_tree(args.scale_files, args.scale_megabytes, args.seed), args, cores)
        print(f"benchmarking {scale.tree.name} ({scale.files} files)", file=sys.stderr)
        scale.floor()
        scale.all_rules(pre_commit=False, formats=False)
    rows = targets(benches, scale)
    text = report(info, benches, scale, rows)
    print(text)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(text, encoding="utf-8")
    document = {
        "machine": info,
        "trees": [
            {
                "name": bench.tree.name,
                "root": str(bench.tree.root),
                "shape": vars(bench.tree.shape),
                "files_with_findings": bench.found_in,
                "corpus": {k: v for k, v in (bench.tree.manifest or {}).items() if k != "planted"},
                "results": [asdict(r) for r in bench.results],
            }
            for bench in [*benches, *([scale] if scale else [])]
        ],
        "targets": [dict(zip(("target", "measured", "verdict"), row)) for row in rows],
    }
    (results / "latest.json").write_text(json.dumps(document, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
