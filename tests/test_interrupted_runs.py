"""Interrupted and concurrent ``--fix`` runs: every file is either fully old or fully new.

* A run is killed (SIGKILL, or SIGINT as Ctrl-C sends) at random moments, over and over: every file
  is byte-identical to its original or to its complete fix, never in between.
* A crash at each step of the atomic write leaves the old file and no temporary file.
* Two runs at once (the same rules, or different ones) never mix their writes and never
  corrupt the results cache.

``NETRA_KILL_ROUNDS`` sets how many kills (default: a few, with a fixed seed).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixture_cases import Case, all_cases
from netra_lint import source as source_module
from netra_lint.source import FileChangedError, SourceFile

TIMEOUT = 120
KILL_ROUNDS = int(os.environ.get("NETRA_KILL_ROUNDS") or 3)
FILES = 48  # above the engine's threshold for worker processes


def _safe_cases() -> list[Case]:
    found = []
    for case in all_cases():
        if case.path.is_file() and case.path.suffix == ".py" and case.path.read_bytes().isascii():
            fixed = case.expected("fixed", Path(case.path.name))
            if fixed is not None and fixed.isascii() and fixed != case.path.read_text(encoding="utf-8"):
                found.append(case)
    return found


def _two_families() -> tuple[Case, Case]:
    cases = _safe_cases()
    assert cases, "no fixture case with a safe fix"
    first = cases[0]
    for other in cases[1:]:
        if other.code[:3] != first.code[:3]:
            return first, other
    raise AssertionError("fixture cases with safe fixes from two rule families are needed")


CASE_A, CASE_B = _two_families()
TEXT_A = CASE_A.path.read_text(encoding="utf-8")
FIXED_A = CASE_A.expected("fixed", Path(CASE_A.path.name)) or ""


def netra_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "netra_lint", "check", "--output-format", "concise", "-q", *args]


def start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        netra_cmd(*args), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def finish(proc: subprocess.Popen[bytes], timeout: float = TIMEOUT) -> tuple[int, str]:
    """Wait for the run (and reap its worker processes); return its code and stderr."""
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc, signal.SIGKILL)
        proc.communicate()
        raise
    finally:
        kill_group(proc, signal.SIGKILL)  # orphaned pool workers, if any
    return proc.returncode, err.decode(errors="replace")


def kill_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def make_project(root: Path, texts: list[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for index, text in enumerate(texts):
        package = root / f"pkg{index % 4}"
        package.mkdir(exist_ok=True)
        (package / f"mod_{index:03d}.py").write_text(text, encoding="utf-8")


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def temp_leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith((".netra-tmp", ".tmp"))]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killed_fix_run_leaves_every_file_old_or_new(tmp_path: Path, sig: int) -> None:
    root = tmp_path / "project"
    make_project(root, [TEXT_A] * FILES)
    original = files_of(root)
    old, new = TEXT_A.encode(), FIXED_A.encode()

    # How long does a complete run take here? Kills are spread over that time.
    probe = tmp_path / "probe"
    shutil.copytree(root, probe)
    began = time.monotonic()
    code, err = finish(start(probe, "--fix", "--no-cache", "--select", CASE_A.code, "."))
    duration = time.monotonic() - began
    assert "Traceback" not in err, err
    assert set(files_of(probe).values()) == {new}, "a complete run did not fix every file"

    rng = random.Random(f"{sig}-{KILL_ROUNDS}")
    outcomes = {"old": 0, "new": 0}
    for round_ in range(KILL_ROUNDS):
        for name, data in original.items():
            (root / name).write_bytes(data)
        proc = start(root, "--fix", "--select", CASE_A.code, "-j", str(rng.choice([1, 2])), ".")
        time.sleep(rng.uniform(0.05, duration * 1.1))
        if sig == signal.SIGKILL:
            kill_group(proc, sig)
        else:
            os.kill(proc.pid, sig)  # the main process, as a terminal's Ctrl-C or kill(1) would
        code, err = finish(proc)
        for name, data in files_of(root).items():
            assert data in (old, new), f"round {round_}: {name} is neither the original nor the fixed text"
            outcomes["old" if data == old else "new"] += 1
        if sig == signal.SIGINT:
            if "Traceback" in err:
                # Python's own report of a Ctrl-C that came while the interpreter was still
                # importing, before the command started: nothing was read or written yet.
                assert err.rstrip().endswith("KeyboardInterrupt") and ", in check\n" not in err, err
            else:
                # 130 is how a shell reports a run ended by Ctrl-C, whether the process
                # exited with 130 or was ended by the signal itself (-SIGINT here).
                assert code in (0, 1, 130, -signal.SIGINT), (code, err)
            assert temp_leftovers(root) == [], "an interrupted run left temporary files"
        # Whatever was left behind, a new run finishes the job and ignores stray temp files.
        code, err = finish(start(root, "--fix", "--select", CASE_A.code, "."))
        assert "Traceback" not in err, err
        assert set(files_of(root).values()) == {new}, f"round {round_}: the next run did not complete the fix"
        for path in (root / ".netra_lint_cache").glob("*/*.marshal"):
            key, entries = marshal.loads(path.read_bytes())
            assert isinstance(key, str) and isinstance(entries, dict)
    for path in temp_leftovers(root):
        path.unlink()
    assert outcomes["old"] + outcomes["new"] == FILES * KILL_ROUNDS


@pytest.mark.parametrize("step", ["write", "fsync", "chmod", "check", "replace"])
def test_a_crash_at_any_step_of_a_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = tmp_path / "mod.py"
    path.write_text(TEXT_A, encoding="utf-8")
    path.chmod(0o640)
    source = SourceFile.read(path)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt(step)

    targets = {
        "write": (source_module.os, "fdopen"),
        "fsync": (source_module.os, "fsync"),
        "chmod": (source_module.os, "chmod"),
        "check": (Path, "read_bytes"),
        "replace": (source_module.os, "replace"),
    }
    owner, name = targets[step]
    monkeypatch.setattr(owner, name, crash)
    with pytest.raises(KeyboardInterrupt):
        source.write_atomic(FIXED_A)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == TEXT_A
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mod.py"], "a temporary file was left behind"
    source.write_atomic(FIXED_A)
    assert path.read_text(encoding="utf-8") == FIXED_A
    assert path.stat().st_mode & 0o777 == 0o640
    with pytest.raises(FileChangedError):
        source.write_atomic(TEXT_A)  # the file is no longer what ``source`` read


def _sequential(tmp_path: Path, text: str, selections: list[str]) -> bytes:
    root = tmp_path / ("seq-" + "-".join(selections))
    make_project(root, [text])
    for select in selections:
        _code, err = finish(start(root, "--fix", "--no-cache", "--select", select, "."))
        assert "Traceback" not in err, err
    return next(iter(files_of(root).values()))


@pytest.mark.slow
@pytest.mark.parametrize("same_rules", [True, False], ids=["same-rules", "different-rules"])
def test_two_runs_at_once_never_mix_their_writes(tmp_path: Path, same_rules: bool) -> None:
    text = TEXT_A.rstrip("\n") + "\n\n\n" + CASE_B.path.read_text(encoding="utf-8")
    select_a, select_b = (CASE_A.code, CASE_A.code) if same_rules else (CASE_A.code, CASE_B.code)
    allowed = {
        text.encode(),
        _sequential(tmp_path, text, [select_a]),
        _sequential(tmp_path, text, [select_b]),
        _sequential(tmp_path, text, [select_a, select_b]),
        _sequential(tmp_path, text, [select_b, select_a]),
    }
    root = tmp_path / "project"
    make_project(root, [text] * FILES)
    for round_ in range(2):
        first = start(root, "--fix", "--select", select_a, ".")
        second = start(root, "--fix", "--select", select_b, ".")
        for proc in (first, second):
            code, err = finish(proc)
            assert "Traceback" not in err, err
            assert code in (0, 1, 2), (code, err)
            if code == 2:
                # The only acceptable error: a file the other run had already rewritten.
                errors = [line for line in err.splitlines() if "error" in line]
                assert errors and all("not written" in line and "changed on disk" in line for line in errors), err
        for name, data in files_of(root).items():
            assert data in allowed, f"round {round_}: {name} mixes the writes of two runs"
        assert temp_leftovers(root) == []
        for path in (root / ".netra_lint_cache").glob("*/*.marshal"):
            key, entries = marshal.loads(path.read_bytes())
            assert isinstance(key, str) and isinstance(entries, dict)
    # The cache written by the racing runs gives the same answers as no cache.
    cached = subprocess.run(
        netra_cmd("--select", f"{select_a},{select_b}", "."), cwd=root, capture_output=True, text=True, timeout=TIMEOUT
    )
    fresh = subprocess.run(
        netra_cmd("--no-cache", "--select", f"{select_a},{select_b}", "."),
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert cached.stdout == fresh.stdout
    assert cached.returncode == fresh.returncode
