"""Every fixture case: the exact diagnostics, the exact fixed file, idempotent fixing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fixture_cases import Case, all_cases
from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.runner import run

CASES = all_cases()


def lint(root: Path, code: str, fix: bool = False, unsafe: bool = False):
    settings = load_settings([root], select=[code])
    return run([root], settings, RunOptions(fix=fix, unsafe_fixes=unsafe, jobs=1))


def test_there_are_fixtures_for_every_rule_family() -> None:
    assert len(CASES) > 0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_diagnostics(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = case.copy_to(tmp_path / "project")
    monkeypatch.chdir(root)
    outcome = lint(root, case.code)
    assert outcome.errors == []
    found = Counter((Path(d.path).as_posix(), d.row, d.code) for d in outcome.diagnostics)
    assert found == case.expected_diagnostics(), "\n".join(
        f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}" for d in outcome.diagnostics
    )


@pytest.mark.parametrize("kind", ["fixed", "unsafe"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fix(case: Case, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = case.copy_to(tmp_path / "project")
    monkeypatch.chdir(root)
    before = {rel: (root / rel).read_bytes() for rel in case.sources()}
    unsafe = kind == "unsafe"
    outcome = lint(root, case.code, fix=True, unsafe=unsafe)
    assert outcome.errors == []
    for relative, original in before.items():
        actual = (root / relative).read_bytes().decode("utf-8")
        expected = case.expected(kind, relative)
        if expected is None and unsafe:
            expected = case.expected("fixed", relative)  # no unsafe fix: the same as --fix
        if expected is None:
            expected = original.decode("utf-8")
        assert actual == expected, f"{relative} after --fix{' --unsafe-fixes' if unsafe else ''}"
    # Idempotent: a second run changes nothing more.
    again = lint(root, case.code, fix=True, unsafe=unsafe)
    assert again.files_written == 0, [r.display for r in again.results if r.fixed is not None]
