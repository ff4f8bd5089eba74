"""Rule documentation comes from the code and is checked against it.

* The README's rule table is generated from the registry, and stale if it differs.
* Every rule's doc follows one template (ruff's): What it does / Why is this bad? /
  Example / Fix safety, optionally followed by Options, Known problems, References.
* The example is real: the code under ``## Example`` is reported with the rule's code, the
  code under "Use instead:" is not, and for a rule with a fix, ``--fix --unsafe-fixes``
  turns the one into the other.
* Every rule code has fixture cases under ``fixtures/<CODE>/`` that expect it.

Examples that need other modules (NL401, NL5) mark files with ``# file: path`` lines; the
finding must be in the first file, and "Use instead:" replaces only the files it names.
The NL2 examples use the example pack ``tests/packs/http_client.toml`` (``acme.http``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixture_cases import all_cases
from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.registry import all_rules
from netra_lint.runner import run
from netra_lint.tools import rule_table

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")
OPTIONAL_SECTIONS = ("## Options", "## Known problems", "## References")
EXAMPLE_PACK = Path(__file__).resolve().parent / "packs" / "http_client.toml"
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_FILE = re.compile(r"^# file: (\S+)\s*$", re.M)
RULES = all_rules()


def sections(doc: str) -> list[tuple[str, str]]:
    """(heading, body) of each ``## `` section, in order."""
    parts = re.split(r"^(## .+)$", doc, flags=re.M)
    return [(parts[i].strip(), parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def example(doc: str) -> tuple[str, str]:
    """The bad and the good code of the ``## Example`` section."""
    body = dict(sections(doc))["## Example"]
    bad_part, _, good_part = body.partition("Use instead:")
    bad, good = _BLOCK.findall(bad_part), _BLOCK.findall(good_part)
    assert len(bad) == 1 and len(good) == 1, "## Example needs one python block, 'Use instead:' and one more"
    return bad[0], good[0]


def files(block: str, default: str = "example.py") -> dict[str, str]:
    """File name → text of an example block (one file unless it has ``# file:`` lines)."""
    marks = list(_FILE.finditer(block))
    if not marks:
        return {default: block}
    assert block[: marks[0].start()].strip() == "", "text before the first '# file:' line"
    ends = [mark.start() for mark in marks[1:]] + [len(block)]
    return {mark.group(1): block[mark.end() + 1 : end] for mark, end in zip(marks, ends)}


def lint(root: Path, project: dict[str, str], fix: bool = False) -> dict[str, set[str]]:
    """Write ``project`` into ``root`` and run every rule (with the example pack): the codes
    reported per file."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[tool.netra-lint]\npacks = ["{EXAMPLE_PACK.as_posix()}"]\n')
    for name, text in project.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings = load_settings([root])
    settings.ruff_enabled = False
    settings.use_cache = False
    outcome = run([root], settings, RunOptions(fix=fix, unsafe_fixes=fix, jobs=1))
    assert outcome.errors == []
    found: dict[str, set[str]] = {}
    for diagnostic in outcome.diagnostics:
        name = Path(diagnostic.path).resolve().relative_to(root.resolve()).as_posix()
        found.setdefault(name, set()).add(diagnostic.code)
    return found


def test_the_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = rule_table.README.read_text(encoding="utf-8")
    assert rule_table.updated(readme) == readme, "run `python -m netra_lint.tools.rule_table`"


def test_the_table_lists_every_rule_once() -> None:
    codes = [row.split("|")[1].strip() for row in rule_table.render().splitlines()[2:]]
    assert codes == sorted(set(codes)) and len(codes) == len(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_the_doc_has_the_template_sections(code: str) -> None:
    found = sections(RULES[code].doc)
    headings = [heading for heading, _ in found]
    assert headings[: len(SECTIONS)] == list(SECTIONS), headings
    assert all(heading in OPTIONAL_SECTIONS for heading in headings[len(SECTIONS) :]), headings
    assert all(body for _, body in found), "a section is empty"


@pytest.mark.parametrize("code", sorted(RULES))
def test_the_example_is_reported_and_what_to_use_instead_is_not(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, good = example(RULES[code].doc)
    project = files(bad)
    first = next(iter(project))
    monkeypatch.chdir(tmp_path)
    assert code in lint(tmp_path / "bad", project).get(first, set()), f"the example is not reported with {code}"
    fixed = project | files(good, default=first)
    assert not [name for name, codes in lint(tmp_path / "good", fixed).items() if code in codes]


@pytest.mark.parametrize("code", sorted(code for code, rule in RULES.items() if rule.fix != "report"))
def test_the_fix_turns_the_example_into_what_to_use_instead(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, good = example(RULES[code].doc)
    project = files(bad)
    expected = project | files(good, default=next(iter(project)))
    monkeypatch.chdir(tmp_path)
    lint(tmp_path, project, fix=True)
    assert {name: (tmp_path / name).read_text(encoding="utf-8") for name in expected} == expected


def test_every_rule_has_fixture_cases_that_expect_it() -> None:
    expected = {code for case in all_cases() for (_, _, code) in case.expected_diagnostics()}
    assert sorted(set(RULES) - expected) == []
