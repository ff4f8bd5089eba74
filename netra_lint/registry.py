"""Finds the rule families under ``netra_lint/rules/`` and resolves rule selections."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import lru_cache

from . import rules as rules_package
from .checker import Checker, RuleInfo

#: Codes the engine itself emits; they are always known and selectable.
ENGINE_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        code="NL001",
        name="parse-error",
        summary="A file that can't be decoded or parsed.",
        doc="""\
## What it does
Reports a file that netra-lint can't decode (bad bytes, unknown coding cookie) or parse
(a syntax error), with the position the parser gives. Files are parsed with the grammar of
the Python that runs netra-lint; code written for a newer Python (`type X = ...` or
`def f[T]()` under Python 3.11) is reported as such: install netra-lint on the Python the
code is for.

## Why is this bad?
Nothing else can be checked in such a file, and Python can't import it either.

## Example
```python
def broken(:
    pass
```

## Fix safety
No fix: the file is left untouched, and the other files are still checked.
""",
        fix="report",
    ),
    RuleInfo(
        code="NL100",
        name="unused-noqa",
        summary="A netra-lint code in a `# noqa` comment that suppresses nothing.",
        doc="""\
## What it does
Reports netra-lint codes (`NL...`) in `# noqa` comments that matched no finding on
their line in this run, and codes that netra-lint doesn't know. Ruff's codes in the same
comment are left to ruff; codes of rules that were not selected are not judged.

## Why is this bad?
A stale suppression hides the next real problem on that line, and a mistyped code
suppresses nothing while looking as if it did.

## Example
```python
import os  # noqa: NL501
```
After the import was fixed, the directive is stale:
```python
import os
```

## Fix safety
Safe: the fix removes only the unused codes; other codes and other comment text stay.
""",
        fix="safe",
    ),
)


class SelectionError(ValueError):
    """A rule code or prefix that matches no known rule."""


@lru_cache(maxsize=1)
def checker_classes() -> tuple[type[Checker], ...]:
    """Every ``Checker`` subclass defined by a module of ``netra_lint.rules`` (a family may
    be one module or a package of modules)."""
    found: list[type[Checker]] = []
    prefix = f"{rules_package.__name__}."
    for info in sorted(pkgutil.walk_packages(rules_package.__path__, prefix), key=lambda m: m.name):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Checker)
                and value is not Checker
                and value.__module__ == module.__name__
                and value.rules
            ):
                found.append(value)
    return tuple(found)


@lru_cache(maxsize=1)
def all_rules() -> dict[str, RuleInfo]:
    """Code → documentation for every rule netra-lint knows, in code order."""
    table = {rule.code: rule for rule in ENGINE_RULES}
    for cls in checker_classes():
        for rule in cls.rules:
            if rule.code in table:
                raise RuntimeError(f"rule code {rule.code} is defined twice")
            table[rule.code] = rule
    return dict(sorted(table.items()))


def expand(selectors: Iterable[str], extra_codes: Iterable[str] = ()) -> set[str]:
    """Codes matched by selectors (full codes or prefixes, ``ALL``); ``extra_codes`` are
    codes owned by hosted tools that are valid too. Raises ``SelectionError``."""
    known = list(all_rules()) + list(extra_codes)
    chosen: set[str] = set()
    for selector in selectors:
        sel = selector.strip().upper()
        if not sel:
            continue
        if sel == "ALL":
            chosen.update(known)
            continue
        matches = {code for code in known if code.startswith(sel)}
        if not matches:
            raise SelectionError(f"unknown rule code or prefix: {selector!r}")
        chosen.update(matches)
    return chosen
