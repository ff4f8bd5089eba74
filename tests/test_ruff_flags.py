"""The flags a ruff user types, with ruff's names and meaning; one test per flag."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import BROKEN, LATE_GLOBAL, LATE_GLOBAL_FIXED, RunCli, reported, write

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CONCISE = ("--output-format", "concise")


def test_output_file_takes_the_report_instead_of_stdout(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL})
    on_stdout = run_cli(*CONCISE, "-n")
    for flag in ("-o", "--output-file"):
        code, out, err = run_cli(*CONCISE, "-n", flag, "report.txt")
        assert (code, out, err) == (1, "", "")
        assert (project / "report.txt").read_text() == on_stdout.out
    # a path that can't be written is a usage error
    code, _, err = run_cli(*CONCISE, "-o", "missing/dir/report.txt")
    assert code == 2 and "missing/dir/report.txt: cannot write the report" in err


def test_fix_only_fixes_and_reports_nothing_left(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL, "broken.py": BROKEN})
    code, out, err = run_cli("--fix-only", "-n")
    assert code == 0, err  # NL001 in broken.py remains, but --fix-only doesn't report it
    assert out.strip() == "Fixed 1 error."
    assert (project / "g.py").read_text() == LATE_GLOBAL_FIXED
    assert run_cli("--fix-only", "-n") == (0, "", "")  # nothing left to fix: nothing said


def test_exit_non_zero_on_fix(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL})
    code, out, _ = run_cli("--fix", "--exit-non-zero-on-fix", "-n", *CONCISE)
    assert code == 1  # everything was fixed, and that is what the flag reports
    assert "Found 1 error (1 fixed, 0 remaining)." in out
    assert run_cli("--fix", "--exit-non-zero-on-fix", "-n").code == 0  # nothing fixed this time
    write(project, {"g.py": LATE_GLOBAL})
    assert run_cli("--fix", "-n").code == 0  # without the flag, a clean result exits 0
    write(project, {"g.py": LATE_GLOBAL})
    assert run_cli("--fix-only", "--exit-non-zero-on-fix", "-n").code == 1


def test_e_is_exit_zero(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN})
    code, out, _ = run_cli("-e", *CONCISE)
    assert code == 0
    assert reported(out) == [("a.py", 1, 7, "NL001")]
    assert run_cli("-e", *CONCISE) == run_cli("--exit-zero", *CONCISE)


def test_n_is_no_cache(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN})
    assert run_cli("-n", *CONCISE).code == 1
    assert not (project / ".netra_lint_cache").exists()
    assert run_cli(*CONCISE).code == 1
    assert (project / ".netra_lint_cache").is_dir()


def test_no_respect_gitignore_checks_ignored_files(run_cli: RunCli, project: Path) -> None:
    write(project, {".gitignore": "generated/\n", "generated/a.py": BROKEN, "b.py": BROKEN})
    assert reported(run_cli(*CONCISE, "-n").out) == [("b.py", 1, 7, "NL001")]
    code, out, _ = run_cli(*CONCISE, "-n", "--no-respect-gitignore")
    assert code == 1
    assert reported(out) == [("b.py", 1, 7, "NL001"), ("generated/a.py", 1, 7, "NL001")]
    assert reported(run_cli(*CONCISE, "-n", "--respect-gitignore").out) == [("b.py", 1, 7, "NL001")]


def test_extend_exclude_on_the_command_line_is_relative_to_the_current_directory(
    run_cli: RunCli, project: Path
) -> None:
    write(
        project,
        {
            "pyproject.toml": '[tool.netra-lint]\nextend-exclude = ["legacy/"]\n',
            "legacy/a.py": BROKEN,
            "svc/inner/b.py": BROKEN,
            "inner/c.py": BROKEN,
            "svc/d.py": BROKEN,
            "svc/snap/e.py": BROKEN,
        },
    )
    everything = [("inner/c.py", 1, 7, "NL001"), ("svc/d.py", 1, 7, "NL001")]
    code, out, _ = run_cli(*CONCISE, "-n", "--extend-exclude", "svc/inner,snap")
    assert code == 1
    assert reported(out) == everything  # added to the configured excludes
    # from svc/, `inner/b.py` is svc/inner/b.py (as for ruff), not inner/...; a bare name matches anywhere
    code, out, _ = run_cli(
        *CONCISE, "-n", "--extend-exclude", "inner/b.py", "--extend-exclude", "snap", "..", cwd=project / "svc"
    )
    assert reported(out) == [("../inner/c.py", 1, 7, "NL001"), ("d.py", 1, 7, "NL001")]


def test_show_files_lists_what_a_run_would_check(run_cli: RunCli, project: Path) -> None:
    write(project, {"b.py": BROKEN, "a/x.pyi": "", "build/skip.py": BROKEN, "notes.txt": ""})
    code, out, err = run_cli("--show-files")
    assert code == 0, err
    assert out.splitlines() == [str(project / "a/x.pyi"), str(project / "b.py")]


def test_show_settings_shows_the_settings_of_the_first_file(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": '[tool.netra-lint]\nselect = ["NL3"]\nper-file-ignores = { "tests/**" = ["NL302"] }\n',
            "tests/test_a.py": BROKEN,
        },
    )
    code, out, err = run_cli("--show-settings", "--no-respect-gitignore")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:2] == [
        f'Resolved settings for: "{project / "tests/test_a.py"}"',
        f'Settings path: "{project / "pyproject.toml"}"',
    ]
    assert "respect_gitignore = false" in lines
    assert 'enabled = [\n\t"NL301",\n\t"NL302",\n]' in out
    assert 'ignored_for_this_file = [\n\t"NL302",\n]' in out
    assert not reported(out)


def test_color_flag_and_environment(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN})
    coloured = run_cli("--color", "always").out
    assert ANSI.search(coloured) and ANSI.sub("", coloured) == run_cli().out
    assert not ANSI.search(run_cli("--color", "never", env={"FORCE_COLOR": "1"}).out)
    assert not ANSI.search(run_cli().out)  # a pipe gets no colour
    assert ANSI.search(run_cli(env={"FORCE_COLOR": "1"}).out)
    assert ANSI.search(run_cli(env={"CLICOLOR_FORCE": "1"}).out)
    assert not ANSI.search(run_cli(env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).out)  # NO_COLOR wins, as in ruff
    assert ANSI.search(run_cli("--color", "always", env={"NO_COLOR": "1"}).out)  # the flag wins over both
    run_cli("-o", "plain.txt")
    run_cli("-o", "coloured.txt", "--color", "always")
    assert not ANSI.search((project / "plain.txt").read_text())  # a file is no terminal
    assert ANSI.search((project / "coloured.txt").read_text())
    code, _, err = run_cli("--color", "sometimes")
    assert code == 2 and "sometimes" in err
