"""Benchmark netra-lint against ruff, pylint, mypy and an ``ast.parse`` floor on one generated tree.

Every command runs as a subprocess in the corpus directory. Wall time comes from
``time.perf_counter``; memory is the peak proportional set size (PSS) of the process tree,
sampled from ``/proc`` every 0.1 s (so forked workers sharing pages are not counted twice),
and the largest single-process max RSS from ``wait4``. Results are printed as markdown
and written to ``bench/results/latest.md`` and ``latest.json``.

Usage: ``python bench/run.py [--quick] [--files N --megabytes M] [--skip-peers] [--timeout S] [--scale]``
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import platform
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

from generate import GENERATOR_VERSION, MANIFEST, generate  # noqa: E402

TOP_DIRS = ("netra_backend", "auth_service", "test_framework", "analytics_service")
PRE_COMMIT_FILES = 10


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
    cpu_seconds: float = 0.0
    peak_pss_mb: float = 0.0
    max_rss_mb: float = 0.0
    findings: dict[str, int] = field(default_factory=dict)
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


def measure(
    m: Measurement,
    cwd: Path,
    timeout: float,
    parse: Callable[[str], dict[str, int]] | None = None,
    env: dict[str, str] | None = None,
) -> Measurement:
    """Run ``m.command`` in ``cwd``; fill in time, memory, exit code and findings."""
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err,
    ):
        started = time.perf_counter()
        proc = subprocess.Popen(
            m.command,
            cwd=cwd,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
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
        proc.returncode = os.waitstatus_to_exitcode(status)
        m.exit_code = proc.returncode
        m.peak_pss_mb = peak / 1024
        m.max_rss_mb = usage.ru_maxrss / 1024
        m.cpu_seconds = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if timed_out.is_set():
        m.status, m.seconds = "timeout", timeout
        m.note = f"killed after {timeout:.0f} s"
        return m
    if parse is not None:
        m.findings = parse(stdout)
    if m.exit_code not in m.ok_exits:
        errors = [line for line in stderr.strip().splitlines() if "error" in line.lower()]
        m.note = f"exit {m.exit_code}: {len(errors)} error line(s), last: {(errors or stderr.strip().splitlines() or [''])[-1][:140]}"
        if not m.findings:  # a run that still reported its findings is timed as complete
            m.status = "n/a" if "unknown rule code" in stderr else "error"
    return m


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


# -- the ast.parse floor (run as a subprocess of this script) --------------------------------


def python_files(root: Path) -> list[str]:
    """Every .py file below the first-party directories of ``root``, sorted."""
    found: list[str] = []
    for top in TOP_DIRS:
        for directory, dirs, files in os.walk(root / top):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            found.extend(os.path.join(directory, f) for f in files if f.endswith(".py"))
    return sorted(found)


def _parse_one(path: str) -> int:
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        ast.parse(source, filename=path)
    except SyntaxError:
        return 1
    return 0


def ast_floor(root: Path, jobs: int) -> None:
    """Read and ``ast.parse`` every file; print a JSON line with the counts."""
    files = python_files(root)
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
        ram = (
            int(
                next(
                    line.split()[1]
                    for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")
                )
            )
            // 1024
        )
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


# -- the corpus ------------------------------------------------------------------------------------


def corpus(files: int, megabytes: float, seed: int) -> tuple[Path, dict[str, Any]]:
    """The generated tree for these parameters, generating it if missing or stale."""
    out = BENCH / "corpus" / f"n{files}-mb{megabytes:g}-s{seed}"
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if manifest["generator_version"] == GENERATOR_VERSION and manifest["requested"] == {
            "files": files,
            "megabytes": megabytes,
        }:
            return out, manifest
    except (OSError, ValueError, KeyError):
        pass
    print(f"generating {files} files / {megabytes:g} MB in {out} ...", file=sys.stderr, flush=True)
    return out, generate(files, megabytes, seed, out)


def clean_caches(root: Path) -> None:
    for name in (".netra_lint_cache", ".mypy_cache", ".ruff_cache"):
        shutil.rmtree(root / name, ignore_errors=True)


# -- the benchmark ---------------------------------------------------------------------------------


class Bench:
    def __init__(self, root: Path, manifest: dict[str, Any], args: argparse.Namespace, cores: int) -> None:
        self.root = root
        self.manifest = manifest
        self.args = args
        self.cores = cores
        self.files = len(python_files(root))
        self.results: list[Measurement] = []
        self.netra = tool("netra-lint")

    def run(
        self,
        m: Measurement,
        timeout: float,
        parse: Callable[[str], dict[str, int]] | None,
        env: dict[str, str] | None = None,
    ) -> Measurement:
        print(f"  {m.label} ...", end="", file=sys.stderr, flush=True)
        measure(m, self.root, timeout, parse, env)
        print(
            f" {m.status} {m.seconds:.2f} s ({m.cpu_seconds:.1f} s CPU), {m.memory_mb:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
        self.results.append(m)
        return m

    def floor(self) -> None:
        for jobs in (1, self.cores):
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--ast-floor",
                str(self.root),
                "--floor-jobs",
                str(jobs),
            ]
            self.run(
                Measurement(
                    f"ast.parse floor, {jobs} process{'es' * (jobs > 1)}",
                    "ast.parse",
                    "parse only",
                    command,
                    self.files,
                ),
                3600,
                parse_floor,
            )

    def netra_series(
        self, select: str | None, label: str, timeout: float, pre_commit: bool = False, cold_only: bool = False
    ) -> None:
        """Cold (no cache), cold writing the cache, warm, and optionally pre-commit style."""
        flags = ["--select", select] if select else []
        base = [*self.netra, "check", "--exit-zero", "--statistics", "-q", *flags]
        checks = f"--select {select}" if select else "all rules"
        clean_caches(self.root)
        cold = self.run(
            Measurement(f"netra-lint {label} cold", "netra-lint", checks, [*base, "--no-cache", "."], self.files),
            timeout,
            parse_statistics,
        )
        if cold.status == "n/a" or cold_only:
            return
        self.run(
            Measurement(f"netra-lint {label} cold, writing cache", "netra-lint", checks, [*base, "."], self.files),
            timeout,
            parse_statistics,
        )
        self.run(
            Measurement(f"netra-lint {label} warm", "netra-lint", checks, [*base, "."], self.files),
            timeout,
            parse_statistics,
        )
        if pre_commit:
            self.pre_commit(base, checks, label, timeout)

    def pre_commit(self, base: list[str], checks: str, label: str, timeout: float) -> None:
        """10 changed files named on the command line, the rest of the cache warm."""
        candidates = [p for p in python_files(self.root) if "/tests/" not in p and os.path.getsize(p) > 2000]
        chosen = sorted(random.Random(self.args.seed).sample(candidates, min(PRE_COMMIT_FILES, len(candidates))))
        originals = {p: Path(p).read_bytes() for p in chosen}
        try:
            for path, data in originals.items():
                Path(path).write_bytes(data + b"\n# edited\n")
            relative = [os.path.relpath(p, self.root) for p in chosen]
            command = [*base, "--force-exclude", *relative]
            self.run(
                Measurement(
                    f"netra-lint {label} pre-commit ({len(chosen)} changed files, warm cache)",
                    "netra-lint",
                    checks,
                    command,
                    len(chosen),
                ),
                timeout,
                parse_statistics,
            )
        finally:
            for path, data in originals.items():
                Path(path).write_bytes(data)

    def peers(self) -> None:
        timeout, mypy_timeout = self.args.timeout, self.args.mypy_timeout
        targets = list(TOP_DIRS)
        ruff = [
            *tool("ruff"),
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--statistics",
            "--select",
            "PLE0118,PLE0117",
            *targets,
        ]
        self.run(
            Measurement("ruff PLE0118,PLE0117", "ruff", "global/nonlocal (NL3)", ruff, self.files),
            timeout,
            parse_statistics,
        )
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
            run = Measurement(
                f"pylint {codes}",
                "pylint",
                checks,
                [*pylint, f"--enable={codes}", *targets],
                self.files,
                ok_exits=tuple(range(32)),
            )
            self.run(run, timeout, parse_pylint)
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
        self.run(
            Measurement("mypy --follow-imports=silent", "mypy", "type check (covers NL401/NL5)", mypy, self.files),
            mypy_timeout,
            parse_mypy,
            env={"MYPYPATH": "analytics_service/src"},
        )

    def find(self, label: str) -> Measurement | None:
        return next((m for m in self.results if m.label == label), None)


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
    text = text + (f", +{len(items) - 6} more" if len(items) > 6 else "") or "none"
    return f"{text} ({m.note})".replace("|", "/") if m.note else text


def table(results: list[Measurement]) -> str:
    lines = [
        "| run | checks | wall s | files/s | CPU s | peak mem MB (tree PSS) | max RSS MB (one process) | findings |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        lines.append(
            f"| {m.label} | {m.checks} | {_seconds(m)} | {_rate(m)} | {m.cpu_seconds:,.1f} | {m.peak_pss_mb:,.0f} | {m.max_rss_mb:,.0f} | {_findings(m)} |"
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


#: The netra-lint rules that do what pylint's E0401/E0611 (NL5), E1101 (NL401) and E0118 (NL3) do.
PYLINT_SAME_CHECKS = "NL3,NL401,NL5"
#: (pylint run, netra-lint run doing at least the same checks) for the "≥ 20× pylint" targets.
PYLINT_PAIRS = (
    ("pylint E0401,E0611,E1101,E0118", "netra-lint all rules cold"),
    ("pylint E0401,E0611,E1101,E0118", f"netra-lint {PYLINT_SAME_CHECKS} cold"),
    ("pylint E0401,E0611", "netra-lint NL5 cold"),
    ("pylint E1101", "netra-lint NL401 cold"),
)


def _under(limit: float) -> Callable[[Measurement], bool]:
    return lambda m: m.seconds < limit


def targets(bench: Bench, scale: tuple[Measurement, Measurement] | None) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/FAIL/N/A)."""
    f = bench.find
    rows: list[tuple[str, str, str]] = []

    def check(
        name: str, m: Measurement | None, ok: Callable[[Measurement], bool], shown: Callable[[Measurement], str]
    ) -> None:
        if m is None or m.status != "ok":
            rows.append((name, "not measured" if m is None else _seconds(m), "N/A"))
        else:
            rows.append((name, shown(m), "PASS" if ok(m) else "FAIL"))

    cold = f("netra-lint all rules cold")
    floor = f(f"ast.parse floor, {bench.cores} processes") or f("ast.parse floor, 1 process")
    value, text = _ratio(cold, floor)
    rows.append(
        (
            f"cold all rules ≤ 1.5× ast.parse floor ({floor.label if floor else '-'})",
            text,
            "N/A" if value is None else "PASS" if value <= 1.5 else "FAIL",
        )
    )
    check(
        "warm all rules < 1 s", f("netra-lint all rules warm"), lambda m: m.seconds < 1, lambda m: f"{m.seconds:.2f} s"
    )
    pre = next((m for m in bench.results if "pre-commit" in m.label), None)
    check("pre-commit (10 files, warm) < 1 s", pre, lambda m: m.seconds < 1, lambda m: f"{m.seconds:.2f} s")
    for pylint_label, netra_label in PYLINT_PAIRS:
        value, text = _ratio(f(pylint_label), f(netra_label))
        verdict = "N/A" if value is None else "PASS" if value >= 20 else "FAIL"
        rows.append((f"≥ 20× faster than {pylint_label} ({netra_label})", text, verdict))
    peak = max((m.memory_mb for m in bench.results if m.tool == "netra-lint" and m.status == "ok"), default=0.0)
    rows.append(
        (
            "netra-lint peak memory < 1 GB (tree PSS)",
            f"{peak:,.0f} MB",
            "PASS" if 0 < peak < 1024 else "N/A" if not peak else "FAIL",
        )
    )
    for label, limit in (("NL5 cold", 15), ("NL5 warm", 1), ("NL401 cold", 20), ("NL401 warm", 1)):
        check(f"--select {label} < {limit} s", f(f"netra-lint {label}"), _under(limit), lambda m: f"{m.seconds:.2f} s")
    if scale:
        big, small = scale
        value, text = _ratio(big, small)
        rows.append(
            (
                "25,000-file cold ≤ 4× the 7,000-file cold",
                text,
                "N/A" if value is None else "PASS" if value <= 4 else "FAIL",
            )
        )
    return rows


def planted_table(manifest: dict[str, Any], cold: Measurement | None) -> str:
    planted = Counter(p["code"] for p in manifest["planted"])
    found = cold.findings if cold and cold.status == "ok" else {}
    codes = sorted(set(planted) | {c for c in found if c.startswith("NL")})
    lines = ["| code | planted | netra-lint found (cold, all rules) |", "|---|---:|---:|"]
    lines += [f"| {code} | {planted.get(code, 0)} | {found.get(code, 0)} |" for code in codes]
    return "\n".join(lines)


def report(
    bench: Bench, info: dict[str, Any], scale_results: list[Measurement], scale: tuple[Measurement, Measurement] | None
) -> str:
    m = bench.manifest
    sizes = m["sizes"]
    versions = "; ".join(f"{k} {v}" for k, v in info["versions"].items())
    parts = [
        "# netra-lint benchmark",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_mb'] / 1024:.1f} GiB RAM, {info['os']}, Python {info['python']}.",
        f"Tools: {versions}.",
        f"Load average when the run started: {info['load']}. CPU s is user + system time of the process tree (less sensitive to other load than wall time).",
        "",
        f"Corpus: `{bench.root.relative_to(BENCH.parent)}`: {m['files']} files, {m['bytes'] / 1e6:.1f} MB, "
        f"median {sizes['median'] / 1000:.1f} KB, p99 {sizes['p99'] / 1000:.0f} KB, max {sizes['max'] / 1000:.0f} KB, "
        f"{sizes['over_100k']} files over 100 KB, {len(m['namespace_dirs'])} namespace-package dirs, "
        f"{len(m['planted'])} planted problems (seed {m['seed']}, generated in {m['seconds']} s).",
        "",
        table(bench.results),
        "",
        "## Ratios",
        "",
    ]
    cold = bench.find("netra-lint all rules cold")
    for floor_label in ("ast.parse floor, 1 process", f"ast.parse floor, {bench.cores} processes"):
        parts.append(f"- netra-lint cold all rules / {floor_label}: {_ratio(cold, bench.find(floor_label))[1]}")
    for pylint_label, netra_label in (
        *PYLINT_PAIRS,
        ("mypy --follow-imports=silent", "netra-lint all rules cold"),
        ("ruff PLE0118,PLE0117", "netra-lint all rules cold"),
    ):
        parts.append(
            f"- {pylint_label} / {netra_label}: {_ratio(bench.find(pylint_label), bench.find(netra_label))[1]}"
        )
    parts += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    parts += [f"| {name} | {value} | {verdict} |" for name, value, verdict in targets(bench, scale)]
    if scale_results:
        parts += ["", "## Scale (larger tree)", "", table(scale_results)]
    parts += ["", "## Planted vs found", "", planted_table(m, cold), ""]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=None, help="files in the tree (default 7000; 400 with --quick)")
    parser.add_argument("--megabytes", type=float, default=None, help="size of the tree (default 120; 7 with --quick)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a small tree for a smoke run")
    parser.add_argument("--skip-peers", action="store_true", help="only netra-lint and the ast.parse floor")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a peer is killed (default 900)")
    parser.add_argument("--mypy-timeout", type=float, default=600.0, help="seconds before mypy is killed (default 600)")
    parser.add_argument("--scale", action="store_true", help="also time a cold run on a 25,000-file / 450 MB tree")
    parser.add_argument("--ast-floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ast_floor:
        ast_floor(args.ast_floor, args.floor_jobs)
        return
    files = args.files or (400 if args.quick else 7000)
    megabytes = args.megabytes or (7.0 if args.quick else 120.0)
    cores = os.cpu_count() or 1
    root, manifest = corpus(files, megabytes, args.seed)
    info = machine(cores)
    bench = Bench(root, manifest, args, cores)
    print(f"benchmarking {root} ({bench.files} files)", file=sys.stderr)
    bench.floor()
    netra_timeout = max(args.timeout, 1800.0)
    bench.netra_series(None, "all rules", netra_timeout, pre_commit=True)
    bench.netra_series("NL5", "NL5", netra_timeout)
    bench.netra_series("NL401", "NL401", netra_timeout)
    bench.netra_series(PYLINT_SAME_CHECKS, PYLINT_SAME_CHECKS, netra_timeout, cold_only=True)
    clean_caches(root)
    if not args.skip_peers:
        bench.peers()
    scale_results: list[Measurement] = []
    scale: tuple[Measurement, Measurement] | None = None
    if args.scale:
        big_root, big_manifest = corpus(25000, 450.0, args.seed)
        big = Bench(big_root, big_manifest, args, cores)
        print(f"benchmarking {big_root} ({big.files} files)", file=sys.stderr)
        big.floor()
        clean_caches(big_root)
        big.netra_series(None, "all rules", netra_timeout)
        scale_results = big.results
        small_cold, big_cold = bench.find("netra-lint all rules cold"), big.find("netra-lint all rules cold")
        if small_cold and big_cold:
            scale = (big_cold, small_cold)
    text = report(bench, info, scale_results, scale)
    print(text)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(text, encoding="utf-8")
    document = {
        "machine": info,
        "corpus": {k: v for k, v in manifest.items() if k != "planted"},
        "results": [asdict(r) for r in bench.results],
        "scale": [asdict(r) for r in scale_results],
        "targets": [dict(zip(("target", "measured", "verdict"), row)) for row in targets(bench, scale)],
    }
    (results / "latest.json").write_text(json.dumps(document, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
