"""``netra-lint - --stdin-filename PATH``: the text on stdin checked (and fixed) as if it were
that file of the project, the way editors and formatter chains call ruff."""

from __future__ import annotations

from pathlib import Path

from conftest import LATE_GLOBAL, LATE_GLOBAL_FIXED, RunCli, reported, snapshot, write

CONFIG = """\
[tool.netra-lint]
src = ["src"]
per-file-ignores = { "src/app/legacy.py" = ["NL301"] }

[tool.netra-lint.ruff]
select = ["F401", "F821"]
"""
MODELS = "class Store:\n    def load(self):\n        return 1\n\n    def save(self):\n        return 2\n"
USE = "from app.models import Store\n\n\ndef run():\n    return Store().load()\n"


def _project(project: Path) -> None:
    write(
        project,
        {"pyproject.toml": CONFIG, "src/app/__init__.py": "", "src/app/models.py": MODELS, "src/app/use.py": USE},
    )


def test_stdin_is_checked_as_the_named_file_with_its_per_file_ignores(run_cli: RunCli, project: Path) -> None:
    _project(project)
    text = LATE_GLOBAL + "print(undefined_name)\n"
    code, out, err = run_cli("-", "--stdin-filename", "src/app/new.py", "--output-format", "concise", stdin=text)
    assert code == 1, err
    assert reported(out) == [("src/app/new.py", 6, 12, "NL301"), ("src/app/new.py", 8, 7, "F821")]
    # the same text as a file that per-file-ignores exempts from NL301
    code, out, err = run_cli("-", "--stdin-filename", "src/app/legacy.py", "--output-format", "concise", stdin=text)
    assert code == 1, err
    assert reported(out) == [("src/app/legacy.py", 8, 7, "F821")]
    # `--stdin-filename` alone reads stdin too, and plain `-` is shown as `-`
    assert run_cli("--stdin-filename", "src/app/legacy.py", "--output-format", "concise", stdin=text).out == out
    code, out, _ = run_cli("-", "--output-format", "concise", "--select", "NL301", stdin=text)
    assert (code, reported(out)) == (1, [("-", 6, 12, "NL301")])
    assert not (project / "src/app/new.py").exists()


def test_stdin_text_takes_the_place_of_the_file_in_the_project_index(run_cli: RunCli, project: Path) -> None:
    """Cross-file rules see the other files on disk and the stdin text as the file's content."""
    _project(project)
    assert run_cli("--no-cache", "-q").code == 0  # the project on disk is clean
    edited_use = "from app.models import Store, Missing\n\n\ndef run():\n    return Store().fetch()\n"
    args = ("-", "--select", "NL", "--output-format", "concise", "--stdin-filename")
    code, out, err = run_cli(*args, "src/app/use.py", stdin=edited_use)
    assert code == 1, err
    assert [(row, code) for _, row, _, code in reported(out)] == [(1, "NL502"), (5, "NL401")]
    # models.py on disk has save(); the buffer being edited no longer does
    edited_models = "class Store:\n    def load(self):\n        return self.save()\n"
    code, out, err = run_cli(*args, "src/app/models.py", stdin=edited_models)
    assert code == 1, err
    assert reported(out) == [("src/app/models.py", 3, 21, "NL401")]
    assert "'Store' object has no attribute 'save'" in out
    # and the unedited text is clean
    assert run_cli("-", "--stdin-filename", "src/app/models.py", "-q", stdin=MODELS) == (0, "", "")


def test_stdin_fix_prints_the_fixed_text_and_the_findings_left_on_stderr(run_cli: RunCli, project: Path) -> None:
    _project(project)
    before = snapshot(project)
    text = "import os\n" + LATE_GLOBAL + "print(undefined_name)\n"
    code, out, err = run_cli("-", "--stdin-filename", "src/app/new.py", "--fix", stdin=text)
    # netra-lint's fix (NL301) and ruff's (F401), and what is left (F821) on stderr, as ruff does
    assert out == LATE_GLOBAL_FIXED + "print(undefined_name)\n"
    assert code == 1
    assert "F821 Undefined name `undefined_name`\n --> src/app/new.py:8:7\n" in err  # in the fixed text
    assert "Found 2 errors (1 fixed, 1 remaining)." in err  # ruff's own fixes are not counted
    # the round trip: fixing the output again changes nothing
    again = run_cli("-", "--stdin-filename", "src/app/new.py", "--fix", stdin=out)
    assert (again.code, again.out) == (1, out)
    assert "Found 1 error." in again.err
    # ruff gives the same text for its part
    code, clean, err = run_cli("-", "--stdin-filename", "src/app/new.py", "--fix", stdin="import os\nx = 1\n")
    assert (code, clean) == (0, "x = 1\n"), err
    assert snapshot(project) == before  # nothing written


def test_stdin_fix_only_and_diff(run_cli: RunCli, project: Path) -> None:
    _project(project)
    code, out, err = run_cli("-", "--stdin-filename", "src/app/g.py", "--fix-only", stdin=LATE_GLOBAL)
    assert (code, out) == (0, LATE_GLOBAL_FIXED)
    assert err.strip() == "Fixed 1 error."
    code, out, err = run_cli("-", "--stdin-filename", "src/app/g.py", "--diff", stdin=LATE_GLOBAL)
    assert code == 1, err
    assert out.startswith("--- a/src/app/g.py\n+++ b/src/app/g.py\n")
    assert "+    global X\n" in out and "-    global X\n" in out
    assert "Would fix 1 error in 1 file." in err
    # a text without findings goes through unchanged
    assert run_cli("-", "--stdin-filename", "src/app/g.py", "--fix", stdin="x = 1\n").out == "x = 1\n"


def test_stdin_respects_force_exclude_like_ruff(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": '[tool.netra-lint]\nextend-exclude = ["generated/"]\n'})
    args = ("-", "--stdin-filename", "generated/g.py", "--select", "NL301")
    code, out, _ = run_cli(*args, "--output-format", "concise", stdin=LATE_GLOBAL)
    assert code == 1 and reported(out) == [("generated/g.py", 6, 12, "NL301")]  # named: checked
    code, out, _ = run_cli(*args, "--force-exclude", "--output-format", "concise", stdin=LATE_GLOBAL)
    assert (code, out.strip()) == (0, "All checks passed!")
    code, out, _ = run_cli(*args, "--force-exclude", "--fix", stdin=LATE_GLOBAL)
    assert (code, out) == (0, LATE_GLOBAL)  # echoed unchanged, as `--fix` leaves an excluded file


def test_stdin_with_other_paths_is_a_usage_error(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": "x = 1\n"})
    code, out, err = run_cli("-", "a.py", stdin="x = 1\n")
    assert (code, out) == (2, "")
    assert err.strip() == "netra-lint: error: `-` (read stdin) can't be combined with other paths"


def test_stdin_text_that_does_not_parse_is_a_parse_error_though_the_file_on_disk_parses(
    run_cli: RunCli, project: Path
) -> None:
    _project(project)
    broken = USE + "def broken(:\n    pass  # noqa: NL401\n"
    args = ("-", "--select", "NL", "--output-format", "concise", "--stdin-filename", "src/app/use.py")
    code, out, err = run_cli(*args, stdin=broken)
    assert code == 1, err
    assert [(row, code) for _, row, _, code in reported(out)] == [(6, "NL001")]
