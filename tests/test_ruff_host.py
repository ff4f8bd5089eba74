"""Ruff in the same run: the real ruff binary over the same files, one merged report.

No mocks: every test runs ``python -m netra_lint`` (which runs ruff) in a temporary
project and reads what a user would read.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import RunCli, clean_env, reported, snapshot, write
from netra_lint import ruff_host
from netra_lint.diagnostics import Diagnostic
from netra_lint.ruff_host import same_problem

#: One file with a problem for each default hosted ruff rule, and an NL301.
PROBLEMS = """\
import os


def f():
    nonlocal y


def g():
    z = 1

    def h():
        global z
        nonlocal z

    return h


def k():
    print(W)
    global W
    W = 2


print(undefined_name, os.sep)
"""
#: What is reported for PROBLEMS: ruff's PLE0118 (at the use, line 19) is the same problem
#: as NL301 (at the declaration, line 20) and is dropped.
PROBLEMS_REPORT = [
    ("problems.py", 5, 14, "PLE0117"),
    ("problems.py", 12, 16, "PLE0115"),
    ("problems.py", 20, 12, "NL301"),
    ("problems.py", 24, 7, "F821"),
]
BROKEN = "def f(:\n    pass\n"


def hosted(*codes: str) -> str:
    return "[tool.netra-lint.ruff]\nselect = [" + ", ".join(f'"{c}"' for c in codes) + "]\n"


def test_default_hosted_rules_are_merged_and_duplicates_dropped(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "problems.py": PROBLEMS, "broken.py": BROKEN})
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert code == 1, err
    assert err == ""
    # A file that doesn't parse is NL001 only: ruff's own syntax errors are not repeated.
    assert reported(out) == [("broken.py", 1, 7, "NL001"), *PROBLEMS_REPORT]
    lines = out.splitlines()
    assert "problems.py:24:7: F821 Undefined name `undefined_name`" in lines
    assert "problems.py:5:14: PLE0117 Nonlocal name `y` found without binding" in lines
    assert not any("invalid-syntax" in line or "PLE0118" in line for line in lines), out


def test_every_output_format_carries_the_ruff_findings(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "problems.py": PROBLEMS})
    wanted = [(row, column, code) for _, row, column, code in PROBLEMS_REPORT]
    formats = ("json", "sarif", "gitlab", "github", "junit", "full")
    with ThreadPoolExecutor(3) as pool:
        runs = dict(zip(formats, pool.map(lambda f: run_cli("--no-cache", "--output-format", f), formats)))

    code, out, _ = runs["json"]
    assert code == 1
    items = json.loads(out)
    assert [(i["location"]["row"], i["location"]["column"], i["code"]) for i in items] == wanted
    assert {Path(i["filename"]) for i in items} == {project / "problems.py"}
    f821 = next(i for i in items if i["code"] == "F821")
    assert f821["noqa_row"] == 24 and f821["end_location"] == {"row": 24, "column": 21} and f821["fix"] is None

    code, out, _ = runs["sarif"]
    assert code == 1
    run = json.loads(out)["runs"][0]
    results = [
        (
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
        )
        for r in run["results"]
    ]
    assert results == wanted
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])

    code, out, _ = runs["gitlab"]
    assert code == 1
    issues = json.loads(out)
    assert [(i["location"]["positions"]["begin"]["line"], i["check_name"]) for i in issues] == [
        (r, c) for r, _, c in wanted
    ]
    assert len({i["fingerprint"] for i in issues}) == len(issues)

    code, out, _ = runs["github"]
    assert code == 1
    assert out.splitlines() == [
        f"::error title=netra-lint ({c}),file=problems.py,line={r},col={col},endLine={r},endColumn={end}"
        f"::problems.py:{r}:{col}: {c} {m}"
        for r, col, end, c, m in [
            (5, 14, 15, "PLE0117", "Nonlocal name `y` found without binding"),
            (12, 16, 17, "PLE0115", "Name `z` is both `nonlocal` and `global`"),
            (20, 12, 13, "NL301", "name 'W' is used prior to global declaration"),
            (24, 7, 21, "F821", "Undefined name `undefined_name`"),
        ]
    ]

    code, out, _ = runs["junit"]
    assert code == 1
    cases = ElementTree.fromstring(out).iter("testcase")
    assert [case.get("classname") for case in cases] == [f"problems.py:{r}:{c}" for r, c, _ in wanted]

    code, out, _ = runs["full"]
    assert code == 1
    assert "F821 Undefined name `undefined_name`\n  --> problems.py:24:7\n" in out
    assert "24 | print(undefined_name, os.sep)\n" in out
    assert "Found 4 errors." in out


def test_select_ignore_and_per_file_ignores_accept_ruff_codes(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "problems.py": PROBLEMS})

    def codes(args: tuple[str, ...]) -> list[tuple[int, str]]:
        code, out, err = run_cli("--no-cache", "--output-format", "concise", *args)
        assert code in (0, 1), err
        return [(row, c) for _, row, _, c in reported(out)]

    selections = {
        ("--select", "F821"): [(24, "F821")],
        ("--select", "PLE"): [(5, "PLE0117"), (12, "PLE0115"), (19, "PLE0118")],
        ("--ignore", "F821,PLE0115"): [(5, "PLE0117"), (20, "NL301")],
        # Without NL301 nothing repeats ruff's finding, so ruff's is shown.
        ("--ignore", "NL301"): [(5, "PLE0117"), (12, "PLE0115"), (19, "PLE0118"), (24, "F821")],
        ("--select", "NL", "--extend-select", "PLE0117"): [(5, "PLE0117"), (20, "NL301")],
    }
    with ThreadPoolExecutor(3) as pool:
        assert dict(zip(selections, pool.map(codes, selections))) == selections
    write(project, {"pyproject.toml": '[tool.netra-lint.per-file-ignores]\n"problems.py" = ["F821", "PLE01"]\n'})
    assert codes(()) == [(20, "NL301")]


def test_a_netra_suppression_covers_the_same_ruff_finding(run_cli: RunCli, project: Path) -> None:
    suppressed = PROBLEMS.replace("    global W\n", "    global W  # noqa: NL301\n")
    write(project, {"pyproject.toml": "", "problems.py": suppressed})
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert code == 1, err
    assert reported(out) == [r for r in PROBLEMS_REPORT if r[3] != "NL301"]


def test_the_line_a_ruff_message_points_at_must_match_exactly() -> None:
    def diag(code: str, row: int, message: str) -> Diagnostic:
        made = Diagnostic(code=code, message=message, start=0, end=0)
        made.path, made.row = "m.py", row
        return made

    ruff = diag("PLE0118", 59, "Name `Y` is used prior to global declaration on line 60")
    assert same_problem(ruff, diag("NL301", 60, "name 'Y' is used prior to global declaration"))
    assert not same_problem(ruff, diag("NL301", 6, "name 'Y' is used prior to global declaration"))
    assert not same_problem(ruff, diag("NL301", 60, "name 'X' is used prior to global declaration"))
    assert same_problem(
        diag("PLE0118", 6, "Name `X` is used prior to global declaration on line 6"),
        diag("NL301", 6, "name 'X' is used prior to global declaration"),
    )


def test_the_users_ruff_excludes_hold(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": '[tool.ruff]\nextend-exclude = ["vendored"]\n',
            "vendored/problems.py": PROBLEMS,
            "src/problems.py": PROBLEMS,
        },
    )
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert code == 1, err
    found = reported(out)
    assert [r for r in found if r[0] == "src/problems.py"] == [("src/" + p, *rest) for p, *rest in PROBLEMS_REPORT]
    # ruff skips the excluded directory; netra's rules still check it (its own excludes differ)
    assert [(row, c) for p, row, _, c in found if p == "vendored/problems.py"] == [(20, "NL301")]


# -- one fix pass for both -------------------------------------------------------------

#: NL301 to hoist, an import block for I001 that ruff collapses (so lines move), an unused
#: import on a line netra doesn't touch, an unsafe F841 fix and an unfixable NL301.
TO_FIX = """\
import sys
from os import (path,
    sep)
import json


def count():
    print(COUNTER)
    global COUNTER
    COUNTER = 1


def keep():
    unused = 1
    return 2


def param(x):
    global x


print(path, sep, sys, undefined_name)
"""
TO_FIX_FIXED = """\
import json
import sys
from os import path, sep


def count():
    global COUNTER
    print(COUNTER)
    COUNTER = 1


def keep():
    unused = 1
    return 2


def param(x):
    global x


print(path, sep, sys, undefined_name)
"""
#: Whatever the user's ruff config says, only the hosted codes are fixed, and unsafe
#: fixes only with --unsafe-fixes.
USERS_RUFF = '[tool.ruff]\nunsafe-fixes = true\n[tool.ruff.lint]\nselect = ["F401", "I", "F841"]\n'


def test_fix_applies_ruffs_fixes_after_ours_and_reports_the_final_files(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": USERS_RUFF + hosted("F821", "PLE0118", "I001", "F841"), "m.py": TO_FIX})
    code, out, err = run_cli("--no-cache", "--fix", "--output-format", "concise")
    assert (project / "m.py").read_text() == TO_FIX_FIXED
    assert code == 1, err
    final = TO_FIX_FIXED.splitlines()
    # rows are those of the final file: ruff's import fix moved the lines after netra fixed them
    assert reported(out) == [
        ("m.py", final.index("    unused = 1") + 1, 5, "F841"),
        ("m.py", final.index("    global x") + 1, 12, "NL301"),
        ("m.py", len(final), 23, "F821"),
    ]
    assert "m.py:13:5: F841 Local variable `unused` is assigned to but never used" in out.splitlines()

    code, out, err = run_cli("--no-cache", "--fix", "--unsafe-fixes", "--output-format", "concise")
    assert code == 1, err
    assert (project / "m.py").read_text() == TO_FIX_FIXED.replace("    unused = 1\n", "")
    assert [c for *_, c in reported(out)] == ["NL301", "F821"]


def test_diff_shows_both_fixes_and_matches_what_fix_writes(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.ruff]\nextend-exclude = ["excluded.py"]\n' + hosted("F821", "I001"),
        "m.py": TO_FIX,
        "imports_only.py": "import sys\nimport os\n\nprint(os, sys)\n",
        "excluded.py": TO_FIX,
    }
    write(project, files)
    before = snapshot(project)
    code, diff, err = run_cli("--no-cache", "--diff")
    assert code == 1, err
    assert snapshot(project) == before
    assert "+++ b/m.py" in diff and "+++ b/imports_only.py" in diff and "+++ b/excluded.py" in diff
    assert "+from os import path, sep\n" in diff and "+    global COUNTER\n" in diff

    fixed = tmp_path / "fixed"
    write(fixed, files)
    run_cli("--no-cache", "--fix", cwd=fixed)
    assert (fixed / "m.py").read_text() == TO_FIX_FIXED
    assert (fixed / "imports_only.py").read_text() == "import os\nimport sys\n\nprint(os, sys)\n"
    # ruff leaves the file its config excludes; netra fixes it all the same
    assert (fixed / "excluded.py").read_text() == TO_FIX.replace(
        "    print(COUNTER)\n    global COUNTER\n", "    global COUNTER\n    print(COUNTER)\n"
    )

    applied = subprocess.run(
        ["git", "apply", "-p1", "-"], cwd=project, input=diff, text=True, capture_output=True, timeout=30
    )
    assert applied.returncode == 0, applied.stderr
    for name in ("m.py", "imports_only.py", "excluded.py"):
        assert (project / name).read_text() == (fixed / name).read_text(), name


# -- without ruff ----------------------------------------------------------------------

NO_RUFF = {"NETRA_LINT_RUFF": "/nonexistent/ruff"}


def test_missing_ruff_is_one_line_and_netra_rules_still_run(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "problems.py": PROBLEMS, "only_ruff.py": "print(undefined_name)\n"})
    code, out, err = run_cli("--no-cache", "--output-format", "concise", env=NO_RUFF)
    assert code == 1
    assert reported(out) == [("problems.py", 20, 12, "NL301")]
    assert err.count("\n") == 1 and err.startswith("netra-lint: warning: ruff not found at NETRA_LINT_RUFF="), err
    code, out, err = run_cli("--no-cache", "only_ruff.py", env=NO_RUFF)
    assert code == 0 and out.strip() == "All checks passed!" and err.count("\n") == 1, (out, err)
    # With --fix too: netra's fix is written, the missing ruff is a warning.
    code, out, err = run_cli("--no-cache", "--fix", "--output-format", "concise", "problems.py", env=NO_RUFF)
    assert code == 0, (out, err)
    assert "    global W\n    print(W)\n" in (project / "problems.py").read_text()
    assert err.count("\n") == 1 and "warning" in err


def test_missing_ruff_is_an_error_when_ruff_rules_were_selected(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "problems.py": PROBLEMS})
    for args in (["--select", "F821"], ["--extend-select", "PLE0118"], ["--select", "NL3,PLE"]):
        code, out, err = run_cli("--no-cache", "--output-format", "concise", *args, env=NO_RUFF)
        assert code == 2, (args, out, err)
        assert err.count("\n") == 1 and err.startswith("netra-lint: error: ruff not found"), err
    write(project, {"pyproject.toml": '[tool.netra-lint]\nselect = ["NL", "F821"]\n'})
    code, out, err = run_cli("--no-cache", "--output-format", "concise", env=NO_RUFF)
    assert code == 2 and "error: ruff not found" in err


def test_failing_ruff_is_one_line_and_exit_2_and_netra_rules_still_run(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.ruff]\nno-such-setting = 1\n", "problems.py": PROBLEMS})
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert code == 2, (out, err)
    assert reported(out) == [("problems.py", 20, 12, "NL301")]
    # one line with ruff's whole cause: the file, and what is wrong in it
    assert err.count("\n") == 1 and err.startswith("netra-lint: error: ruff failed: "), err
    assert str(project / "pyproject.toml") in err and "no-such-setting" in err, err


def test_a_ruff_that_cannot_start_is_exit_2(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    not_executable = tmp_path / "ruff"
    not_executable.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    write(project, {"pyproject.toml": "", "problems.py": PROBLEMS})
    code, out, err = run_cli("--no-cache", "--output-format", "concise", env={"NETRA_LINT_RUFF": str(not_executable)})
    assert code == 2, (out, err)
    assert reported(out) == [("problems.py", 20, 12, "NL301")]
    assert err == "netra-lint: error: ruff could not run: Permission denied\n"


def test_fix_stops_before_any_write_when_ruff_cannot_run_the_hosted_rules(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": hosted("F821", "ZZZ999"), "problems.py": PROBLEMS})
    before = snapshot(project)
    for args in (["--fix"], ["--fix", "--unsafe-fixes"], ["--diff"]):
        code, out, err = run_cli("--no-cache", *args)
        assert (code, out) == (2, ""), (args, out, err)
        assert err == (
            f"netra-lint: error: {project / 'pyproject.toml'}: [tool.netra-lint.ruff] key 'select': "
            "'ZZZ999' is not a rule of the installed ruff\n"
        )
        assert snapshot(project) == before
    # a check names it the same way, after the report of what could be checked
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert code == 2 and reported(out) == [("problems.py", 20, 12, "NL301")]
    assert err.endswith("[tool.netra-lint.ruff] key 'select': 'ZZZ999' is not a rule of the installed ruff\n"), err
    # the user's own ruff configuration is checked before a fix too
    write(project, {"pyproject.toml": "[tool.ruff]\nno-such-setting = 1\n"})
    before = snapshot(project)
    code, out, err = run_cli("--no-cache", "--fix")
    assert code == 2 and err.startswith("netra-lint: error: ruff failed: ") and "nothing was changed" in err, err
    assert err.count("\n") == 1 and snapshot(project) == before


def _run_with_small_argument_limit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """netra-lint under a 512 KiB stack limit: Linux then allows 128 KiB of command line
    and environment to a program it starts (a quarter of the stack limit, at least 128 KiB)."""

    import resource

    def limit_stack() -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_STACK)
        resource.setrlimit(resource.RLIMIT_STACK, (512 * 1024, hard))

    return subprocess.run(
        [sys.executable, "-m", "netra_lint", "--no-cache", *args],
        cwd=project,
        env=clean_env(home),
        preexec_fn=limit_stack,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="the argument limit follows the stack limit on Linux")
def test_hosted_ruff_runs_on_more_files_than_one_command_line_holds(project: Path, home: Path) -> None:
    # 1,200 files whose names take about 200 KiB: more than the 128 KiB a command line may hold
    folder = "a_directory_name_long_enough_to_make_the_command_line_grow/" * 2
    names = [f"{folder}module_with_a_rather_long_name_{i:04d}.py" for i in range(1200)]
    files = {name: "x = 1\n" for name in names}
    for i in (0, 599, 1199):
        files[names[i]] = f"print(undefined_{i})\n\n\ndef f():\n    print(X)\n    global X\n"
    write(project, {"pyproject.toml": hosted("F821", "F401"), **files})
    assert sum(len(str(project / name)) + 9 for name in names) > 192 * 1024

    done = _run_with_small_argument_limit(project, home, "--output-format", "concise")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    found = [(path.rsplit("_", 1)[1], code) for path, _row, _col, code in reported(done.stdout)]
    assert found == [(f"{i:04d}.py", code) for i in (0, 599, 1199) for code in ("F821", "NL301")]

    # ruff's fixes reach every file too, and the report describes the fixed files
    for i in (3, 700, 1198):
        write(project, {names[i]: "import os\n"})
    done = _run_with_small_argument_limit(project, home, "--fix", "--output-format", "concise")
    assert done.returncode == 1 and done.stderr == "", done.stderr
    assert all((project / names[i]).read_text() == "" for i in (3, 700, 1198))
    assert [code for *_, code in reported(done.stdout)] == ["F821"] * 3


def test_ruff_can_be_switched_off(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.netra-lint.ruff]\nenabled = false\n", "problems.py": PROBLEMS})
    code, out, err = run_cli("--no-cache", "--output-format", "concise", env=NO_RUFF)
    assert (code, err) == (1, "")
    assert reported(out) == [("problems.py", 20, 12, "NL301")]


def test_a_ruff_check_started_early_is_stopped_by_cancel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a wrapper script whose child holds ruff's output open: killing the script alone
    # would leave cancel waiting for the child
    slow = tmp_path / "slow-ruff"
    child = tmp_path / "child.pid"
    slow.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {child}\nwait\n", encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setenv("NETRA_LINT_RUFF", str(slow))
    started = ruff_host.RuffCheck([tmp_path / "a.py"], ["F821"], tmp_path)
    process = started.process
    assert process is not None and process.poll() is None
    deadline = time.monotonic() + 10
    while not child.exists() or not child.read_text().strip():
        assert time.monotonic() < deadline, "the fake ruff did not start its child"
        time.sleep(0.01)
    began = time.monotonic()
    started.cancel()
    assert time.monotonic() - began < 5
    assert process.poll() is not None
    # the child's pipes close a moment before the kernel marks it dead: give it that moment
    grandchild = int(child.read_text())
    deadline = time.monotonic() + 5
    while _running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _running(grandchild)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its parent to reap it is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
