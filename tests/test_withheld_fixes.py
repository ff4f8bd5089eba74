"""A fix that produces invalid code is a bug in its rule. On a whole repository the run must
still be useful: that fix is withheld, the file keeps its other fixes (validated again), the
finding is reported as not fixed, one warning says how many, and the exit code is the
findings' (0/1), not 2.

The rules here are test rules, added to the rules package of a real ``netra-lint`` process
the way a rule family is found: a module on the package's path that defines a ``Checker``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import clean_env, write
from netra_lint.engine import FIX_WITHHELD

FAMILY = '''
"""Test rules with fixes: XT951 breaks the file, XT952 empties a block when both of two
fixes are applied (each alone is fine), XT953 renames `old` to `new` (always fine)."""

import ast

from netra_lint.checker import Checker, RuleInfo
from netra_lint.diagnostics import Applicability, Edit


def _rule(code, name):
    return RuleInfo(code, name, "test only", "test only", "safe")


class WithheldFixCases(Checker):
    rules = (_rule("XT951", "breaks-code"), _rule("XT952", "deletes-lines"), _rule("XT953", "renames-old"))

    def check(self, ctx):
        lines = ctx.text.splitlines(keepends=True)
        for node in ast.walk(ctx.ast_tree):
            if isinstance(node, ast.Name) and node.id == "old":
                span = ctx.source.ast_span(node)
                yield ctx.diagnostic("XT953", "old name", span, lambda s=span: [Edit(*s, "new")], Applicability.SAFE)
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                target_end = ctx.source.ast_span(node.targets[0])[1]
                if name.startswith("broken"):
                    equals = ctx.text.index("=", target_end)
                    edit = Edit(equals, equals + 1, "= (")
                    span = (equals, equals + 1)
                    yield ctx.diagnostic("XT951", "breaks", span, lambda e=edit: [e], Applicability.SAFE)
                if name.startswith("gone"):
                    start = ctx.source.offset(node.lineno, 0)
                    edit = Edit(start, start + len(lines[node.lineno - 1]), "")
                    span = ctx.source.ast_span(node)
                    yield ctx.diagnostic("XT952", "deletes", span, lambda e=edit: [e], Applicability.SAFE)
'''

LAUNCH = (
    "import sys, netra_lint.rules as rules; rules.__path__.append(sys.argv.pop(1)); "
    "from netra_lint.cli import main; main()"
)

MIXED = "old = 1\nbroken = old\n\nif old:\n    gone_a = 1\n    gone_b = 2\n"
MIXED_FIXED = "new = 1\nbroken = new\n\nif new:\n    gone_b = 2\n"
ONLY_BROKEN = "broken_too = 3\n"
#: The test codes are not ruff's: ruff is not asked about them.
PYPROJECT = "[tool.netra-lint.ruff]\nenabled = false\n"


@pytest.fixture
def netra_with_test_rules(tmp_path: Path, project: Path, home: Path):
    family = tmp_path / "test_rules"
    write(family, {"withheld_fix_cases.py": FAMILY})

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCH, str(family), "check", "--select", "XT9", "-j", "1", *args],
            cwd=project,
            env=clean_env(home),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    return run


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("netra-lint: warning: ")]


def test_a_fix_that_breaks_code_is_withheld_and_the_other_fixes_are_kept(netra_with_test_rules, project: Path) -> None:
    write(project, {"pyproject.toml": PYPROJECT, "mixed.py": MIXED, "only_broken.py": ONLY_BROKEN})
    proc = netra_with_test_rules("--fix", "--output-format", "concise")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the findings left, not an error
    assert (project / "mixed.py").read_text(encoding="utf-8") == MIXED_FIXED
    assert (project / "only_broken.py").read_text(encoding="utf-8") == ONLY_BROKEN
    assert proc.stdout.splitlines() == [
        f"mixed.py:2:8: XT951 breaks; {FIX_WITHHELD}",
        f"mixed.py:5:5: XT952 deletes; {FIX_WITHHELD}",
        f"only_broken.py:1:12: XT951 breaks; {FIX_WITHHELD}",
        "Found 7 errors (4 fixed, 3 remaining).",
    ]
    assert "error:" not in proc.stderr, proc.stderr
    assert warnings_of(proc.stderr) == [
        "netra-lint: warning: 3 fixes in 2 files withheld: they produced invalid code (a bug in netra-lint — "
        "please report it); their findings are reported as not fixed, and the files' other fixes are kept"
    ]

    again = netra_with_test_rules("--fix", "--output-format", "concise")
    assert again.returncode == 1
    assert again.stdout.splitlines() == [*proc.stdout.splitlines()[:3], "Found 3 errors."]
    assert (project / "mixed.py").read_text(encoding="utf-8") == MIXED_FIXED
    assert len(warnings_of(again.stderr)) == 1 and "3 fixes in 2 files" in again.stderr

    # A check without --fix tries no fix: nothing is withheld, and nothing was cached as withheld.
    checked = netra_with_test_rules("--output-format", "concise")
    assert checked.returncode == 1
    assert FIX_WITHHELD not in checked.stdout and warnings_of(checked.stderr) == []
    assert "mixed.py:2:8: XT951 [*] breaks" in checked.stdout


def test_the_diff_shows_the_valid_fixes_and_one_warning(netra_with_test_rules, project: Path) -> None:
    write(project, {"pyproject.toml": PYPROJECT, "mixed.py": MIXED})
    proc = netra_with_test_rules("--diff")
    assert proc.returncode == 1, proc.stderr
    assert (project / "mixed.py").read_text(encoding="utf-8") == MIXED
    assert proc.stdout == (
        "--- a/mixed.py\n+++ b/mixed.py\n@@ -1,6 +1,5 @@\n-old = 1\n-broken = old\n+new = 1\n+broken = new\n \n"
        "-if old:\n-    gone_a = 1\n+if new:\n     gone_b = 2\n"
    )
    assert "Would fix 4 errors in 1 file." in proc.stderr
    assert [w for w in warnings_of(proc.stderr) if "withheld" in w] == [
        "netra-lint: warning: 2 fixes in 1 file withheld: they produced invalid code (a bug in netra-lint — "
        "please report it); their findings are reported as not fixed, and the files' other fixes are kept"
    ]
    assert "error:" not in proc.stderr


def test_only_valid_fixes_leave_no_warning(netra_with_test_rules, project: Path) -> None:
    write(project, {"pyproject.toml": PYPROJECT, "ok.py": "old = 1\nif old:\n    gone = 1\n    kept = 2\n"})
    proc = netra_with_test_rules("--fix", "--output-format", "concise")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "Found 3 errors (3 fixed, 0 remaining).\n", "")
    assert (project / "ok.py").read_text(encoding="utf-8") == "new = 1\nif new:\n    kept = 2\n"
