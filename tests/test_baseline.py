"""Adopting on a big repository: ``--add-noqa`` baselines, NL100 ``unused-noqa`` and
``--statistics``, with the real ruff binary hosting its rules in the same run."""

from __future__ import annotations

from pathlib import Path

from conftest import RunCli, reported, write

HOSTED = '[tool.netra-lint.ruff]\nselect = ["F821", "PLE0118", "F841", "I001"]\n'

#: Findings of netra (NL301 fixable and not) and ruff (F821 on a plain line, on a line
#: with a noqa and a comment already, inside a multi-line f-string).
FAILING = '''\
X = 1


def f():
    print(X)
    global X
    X = 2


def g(x):
    global x


print(undefined_a)  # noqa: E501
value = undefined_b  # the old way
TEXT = f"""
{undefined_c}
"""
'''
BASELINED = '''\
X = 1


def f():
    print(X)
    global X  # noqa: NL301
    X = 2


def g(x):
    global x  # noqa: NL301


print(undefined_a)  # noqa: E501, F821
value = undefined_b  # the old way  # noqa: F821
TEXT = f"""
{undefined_c}
"""  # noqa: F821
'''


def test_add_noqa_then_a_plain_run_passes(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": HOSTED, "m.py": FAILING, "clean.py": "import os\n\nprint(os.sep)\n"})
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert code == 1, err
    assert [(row, c) for _, row, _, c in reported(out)] == [
        (6, "NL301"),
        (11, "NL301"),
        (14, "F821"),
        (15, "F821"),
        (17, "F821"),
    ]

    code, out, err = run_cli("--no-cache", "--add-noqa")
    assert (code, out, err) == (0, "Added 5 noqa directives.\n", "")
    assert (project / "m.py").read_text() == BASELINED
    assert (project / "clean.py").read_text() == "import os\n\nprint(os.sep)\n"

    code, out, err = run_cli("--no-cache")
    assert (code, out.strip(), err) == (0, "All checks passed!", "")
    # ruff itself agrees with the baseline: the F821 directives are where ruff reads them
    code, out, err = run_cli("--no-cache", "--select", "F821")
    assert (code, out.strip(), err) == (0, "All checks passed!", "")
    # a second --add-noqa has nothing to add
    code, out, err = run_cli("--no-cache", "--add-noqa")
    assert (code, out) == (0, "Added 0 noqa directives.\n")
    assert (project / "m.py").read_text() == BASELINED


def test_add_noqa_puts_the_directive_after_backslash_continuations(run_cli: RunCli, project: Path) -> None:
    text = "value = undefined_d + \\\n    1\n\n\ndef f():\n    print(X)\n    global X, \\\n        Y\n    X = Y = 1\n"
    write(project, {"pyproject.toml": HOSTED, "m.py": text})
    code, out, err = run_cli("--no-cache", "--add-noqa")
    assert (code, out, err) == (0, "Added 2 noqa directives.\n", "")
    # a comment after the backslash would not parse; ruff also reads it on the last line
    assert (project / "m.py").read_text() == text.replace("    1\n", "    1  # noqa: F821\n").replace(
        "        Y\n", "        Y  # noqa: NL301\n"
    )
    code, out, err = run_cli("--no-cache")
    assert (code, out.strip(), err) == (0, "All checks passed!", "")


def test_nl100_finds_a_stale_code_once_the_problem_is_fixed(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": HOSTED, "m.py": BASELINED})
    assert run_cli("--no-cache").code == 0
    # The late global is fixed by hand; the directive moves with the line and is now stale.
    repaired = BASELINED.replace(
        "    print(X)\n    global X  # noqa: NL301\n", "    global X  # noqa: NL301\n    print(X)\n"
    )
    write(project, {"m.py": repaired})
    code, out, err = run_cli("--no-cache", "--output-format", "concise", "--quiet")
    assert code == 1, err
    assert out.splitlines() == ["m.py:5:15: NL100 [*] Unused `noqa` directive (unused: NL301)"]
    # only netra's codes are judged: F821 and E501 stay, so does the NL301 that still suppresses
    code, out, err = run_cli("--no-cache", "--fix")
    assert (code, err) == (0, ""), out
    assert (project / "m.py").read_text() == repaired.replace("    global X  # noqa: NL301\n", "    global X\n")
    assert run_cli("--no-cache").code == 0


def test_nl100_leaves_codes_of_rules_that_did_not_run(run_cli: RunCli, project: Path) -> None:
    text = "def f():\n    global X  # noqa: NL301\n    X = 1\n\n\nY = 2  # noqa: NL999, F841\n"
    write(project, {"pyproject.toml": HOSTED, "m.py": text})
    code, out, err = run_cli("--no-cache", "--output-format", "concise", "--select", "NL100")
    assert code == 1, err
    assert reported(out) == [("m.py", 6, 8, "NL100")]
    assert "(unused: NL999)" in out and "NL301" not in out
    code, out, err = run_cli("--no-cache", "--output-format", "concise")
    assert [(row, c) for _, row, _, c in reported(out)] == [(2, "NL100"), (6, "NL100")]


def test_nl100_fix_leaves_no_trailing_space(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "m.py": "z = 3  # keep  # noqa: NL999\nw = 4  # noqa: NL999\n"})
    code, out, err = run_cli("--no-cache", "--fix", "--select", "NL100")
    assert (code, err) == (0, ""), out
    assert (project / "m.py").read_text() == "z = 3  # keep\nw = 4\n"


def test_statistics_count_fixable_safely_unsafely_or_not_at_all(run_cli: RunCli, project: Path) -> None:
    text = (
        "import sys\nimport os\n\nX = 1\n\n\ndef f():\n    print(X)\n    global X\n    X = 2\n\n\n"
        "def g(x):\n    global x\n    unused = 1\n\n\nprint(undefined_name, os, sys)  # noqa: NL999\n"
    )
    write(project, {"pyproject.toml": HOSTED, "m.py": text})
    code, out, err = run_cli("--no-cache", "--statistics")
    assert (code, err) == (1, "")
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["count", "code", "name", "safe", "unsafe", "manual"]
    by_code = {row[1]: [row[0], *row[-3:]] for row in rows[1:]}
    assert by_code == {
        "NL301": ["2", "1", "0", "1"],  # one hoistable, one parameter declared global
        "F821": ["1", "0", "0", "1"],
        "F841": ["1", "0", "1", "0"],
        "I001": ["1", "1", "0", "0"],
        "NL100": ["1", "1", "0", "0"],
    }
    assert next(row[1] for row in rows[1:]) == "NL301"  # most frequent first
