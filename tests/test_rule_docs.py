"""Rule documentation comes from the code: the README's rule table is generated from the
registry, and stale if it differs."""

from __future__ import annotations

from netra_lint.tools import rule_table


def test_the_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = rule_table.README.read_text(encoding="utf-8")
    assert rule_table.updated(readme) == readme, "run `python -m netra_lint.tools.rule_table`"


def test_the_table_lists_every_rule_once() -> None:
    rows = rule_table.render().splitlines()[2:]
    codes = [row.split("|")[1].strip() for row in rows]
    assert codes == sorted(set(codes)) and len(codes) == len(rule_table.all_rules())
