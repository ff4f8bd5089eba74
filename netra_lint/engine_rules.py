"""The codes the engine itself emits, NL001 and NL100: always known and selectable, and
documented here rather than in a rule family, since no ``Checker`` reports them."""

from __future__ import annotations

from .checker import RuleInfo

PARSE_ERROR = "NL001"
UNUSED_NOQA = "NL100"

ENGINE_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        code=PARSE_ERROR,
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
Use instead:
```python
def broken():
    pass
```

## Fix safety
No fix: the file is left untouched, and the other files are still checked.
""",
        fix="report",
    ),
    RuleInfo(
        code=UNUSED_NOQA,
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
A directive left behind after the import it silenced was fixed:
```python
import os  # noqa: NL501
```
Use instead:
```python
import os
```

## Fix safety
Safe: the fix removes only the unused codes; other codes and other comment text stay.
""",
        fix="safe",
    ),
)
