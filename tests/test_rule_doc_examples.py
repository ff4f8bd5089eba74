"""The examples of the rule docs that follow the multi-file convention are real: the
``## Example`` project is reported with the rule's code in its first file, the project with
the files "Use instead" names replaced is not, and the rule's fixes turn one into the other.

In a python block, a line ``# file: pkg/mod.py`` starts a file (the lines up to the next
marker are its text); "Use instead" replaces only the files it names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.registry import all_rules
from netra_lint.runner import run

CODES = ("NL401", "NL501", "NL502", "NL503")
FILE_MARKER = re.compile(r"# file: (\S+)\n")


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def project_of(block: str) -> dict[str, str]:
    """File name → text of a block made of ``# file:`` sections."""
    parts = FILE_MARKER.split(block)
    assert parts[0] == "", f"a block must start with a '# file:' line: {block[:60]!r}"
    return dict(zip(parts[1::2], parts[2::2]))


def examples(code: str) -> tuple[dict[str, str], dict[str, str]]:
    """The project of the ``## Example`` block, and that project with "Use instead" applied."""
    section = all_rules()[code].doc.split("## Example\n", 1)[1].split("\n## ", 1)[0]
    bad, _, instead = section.partition("Use instead:")
    project = project_of(python_blocks(bad)[0])
    return project, project | project_of(python_blocks(instead)[0])


def write(root: Path, project: dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").touch()
    for name, text in project.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def reported(root: Path, code: str, fix: bool = False) -> list[tuple[str, str]]:
    settings = load_settings([root], select=[code])
    outcome = run([root], settings, RunOptions(fix=fix, unsafe_fixes=fix, jobs=1))
    assert outcome.errors == []
    return [(Path(d.path).resolve().relative_to(root.resolve()).as_posix(), d.code) for d in outcome.diagnostics]


@pytest.mark.parametrize("code", CODES)
def test_the_example_is_reported_and_what_to_use_instead_is_not(tmp_path: Path, code: str) -> None:
    bad, good = examples(code)
    write(tmp_path / "bad", bad)
    assert (next(iter(bad)), code) in reported(tmp_path / "bad", code)
    write(tmp_path / "good", good)
    assert [found for found in reported(tmp_path / "good", code) if found[1] == code] == []


@pytest.mark.parametrize("code", CODES)
def test_the_fix_turns_the_example_into_what_to_use_instead(tmp_path: Path, code: str) -> None:
    bad, good = examples(code)
    write(tmp_path, bad)
    reported(tmp_path, code, fix=True)
    assert {name: (tmp_path / name).read_text(encoding="utf-8") for name in good} == good
