"""Adopting on a big repository: ``--add-noqa`` and baseline files, NL100 ``unused-noqa``
and ``--statistics``, with the real ruff binary hosting its rules in the same run."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunCli, reported, snapshot, write

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
    table = rows[1 : rows.index(["Found", "6", "errors."])]  # the total closes the table
    by_code = {row[1]: [row[0], *row[-3:]] for row in table}
    assert by_code == {
        "NL301": ["2", "1", "0", "1"],  # one hoistable, one parameter declared global
        "F821": ["1", "0", "0", "1"],
        "F841": ["1", "0", "1", "0"],
        "I001": ["1", "1", "0", "0"],
        "NL100": ["1", "1", "0", "0"],
    }
    assert table[0][1] == "NL301"  # most frequent first


# -- the baseline file -------------------------------------------------------------------

BASELINE = ".netra-lint-baseline.json"
#: NL301 twice, F821 on two identical lines (same message, same text: told apart by order).
LEGACY = """\
X = 1


def f():
    print(X)
    global X
    X = 2


def g():
    print(X)
    global X


print(undefined_a)
print(undefined_a)
"""


def _shifted(text: str) -> str:
    return '"""A docstring added above everything."""\n\nimport os\n\nprint(os.sep)\n' + text


def test_a_baseline_file_survives_line_shifts_and_names_what_was_fixed(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "app/m.py": LEGACY, "app/broken.py": "def f(:\n", "app/ok.py": "x = 1\n"})
    code, out, err = run_cli("--write-baseline", BASELINE)
    assert (code, out, err) == (0, f"Wrote 5 findings to {BASELINE}.\n", "")
    document = json.loads((project / BASELINE).read_text())
    assert [(e["path"], e["code"]) for e in document["findings"]] == [
        ("app/broken.py", "NL001"),
        *sorted([("app/m.py", "NL301"), ("app/m.py", "NL301"), ("app/m.py", "F821"), ("app/m.py", "F821")]),
    ]
    assert (project / "app" / "m.py").read_text() == LEGACY  # the code is left alone

    code, out, err = run_cli("--baseline", BASELINE)
    assert (code, out.strip(), err) == (
        0,
        "All checks passed!",
        f"netra-lint: 5 baselined findings not shown ({BASELINE})\n",
    )

    # lines move, from anywhere in the project: still the same findings
    write(project, {"app/m.py": _shifted(LEGACY)})
    code, out, err = run_cli("--baseline", f"../{BASELINE}", "--output-format", "concise", ".", cwd=project / "app")
    assert (code, out.strip()) == (0, "All checks passed!"), err
    assert err == f"netra-lint: 5 baselined findings not shown (../{BASELINE})\n"

    # new findings are reported, also a third copy of a baselined one
    write(project, {"app/m.py": _shifted(LEGACY) + "print(undefined_a)\n\n\ndef h():\n    print(X)\n    global X\n"})
    code, out, err = run_cli("--baseline", BASELINE, "--output-format", "concise")
    assert code == 1, err
    assert [(row, c) for _, row, _, c in reported(out)] == [(22, "F821"), (27, "NL301")]
    assert err == f"netra-lint: 5 baselined findings not shown ({BASELINE})\n"

    # fixed findings: the entries that match nothing any more are named, the run passes
    fixed = _shifted(LEGACY).replace(
        "    print(X)\n    global X\n    X = 2\n", "    global X\n    print(X)\n    X = 2\n"
    )
    write(project, {"app/m.py": fixed, "app/broken.py": "def f():\n    pass\n"})
    code, out, err = run_cli("--baseline", BASELINE)
    assert (code, out.strip()) == (0, "All checks passed!"), err
    assert err.splitlines() == [
        f"netra-lint: 3 baselined findings not shown ({BASELINE})",
        f"netra-lint: 2 baseline entries in {BASELINE} match no finding any more "
        "(fixed? `--write-baseline` again removes them):",
        "  app/broken.py: NL001 cannot parse: invalid syntax",
        "  app/m.py: NL301 name 'X' is used prior to global declaration",
    ]
    # a run over some files, or some rules, judges only their entries
    code, _, err = run_cli("--baseline", BASELINE, "app/ok.py")
    assert (code, err) == (0, "")
    code, _, err = run_cli("--baseline", BASELINE, "--select", "F821")
    assert (code, err) == (0, f"netra-lint: 2 baselined findings not shown ({BASELINE})\n")
    # writing it again drops them; -q says nothing about the baseline
    assert run_cli("--write-baseline", BASELINE).out == f"Wrote 3 findings to {BASELINE}.\n"
    assert run_cli("--baseline", BASELINE, "-q") == (0, "", "")


def test_the_configured_baseline_keeps_machine_output_clean(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": f'[tool.netra-lint]\nbaseline = "{BASELINE}"\n', "m.py": LEGACY})
    assert run_cli("--write-baseline", BASELINE).code == 0
    write(project, {"m.py": LEGACY + "print(undefined_b)\n"})
    code, out, err = run_cli("--output-format", "json", cwd=project)
    assert code == 1, err
    assert [(item["code"], item["location"]["row"]) for item in json.loads(out)] == [("F821", 17)]
    assert err == f"netra-lint: 4 baselined findings not shown ({project / BASELINE})\n"


def test_a_missing_or_malformed_baseline_stops_the_run_before_any_write(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "", "m.py": LEGACY, "bad.json": '{"findings": []}', "worse.json": "{"})
    before = snapshot(project)
    for name, problem in [
        ("missing.json", "baseline file not found (write it with --write-baseline)"),
        ("bad.json", "not a netra-lint baseline file (format 1)"),
        ("worse.json", "cannot read the baseline: "),
    ]:
        code, out, err = run_cli("--fix", "--baseline", name)
        assert (code, out) == (2, ""), err
        assert err.startswith(f"netra-lint: error: {name}: {problem}") and err.count("\n") == 1, err
        assert snapshot(project) == before
