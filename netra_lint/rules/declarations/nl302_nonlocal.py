"""NL302 nonlocal-after-use: a ``nonlocal`` declaration after the name's use in its scope."""

from __future__ import annotations

from ...checker import RuleInfo

CODE = "NL302"

RULE = RuleInfo(
    code=CODE,
    name="nonlocal-after-use",
    summary="`nonlocal` after the name was used or assigned in the scope",
    doc="""\
## What it does
Finds a name that a scope uses or assigns before its `nonlocal` declaration, the error
CPython reports as "name 'x' is used prior to nonlocal declaration" or "name 'x' is
assigned to before nonlocal declaration". The diagnostic points at the name inside the
`nonlocal` statement (the line CPython reports, unless a backslash continuation puts the
name on a later line). Every such name is reported, where CPython stops at the first. The
related errors "name 'x' is parameter and nonlocal" and "annotated name 'x' can't be
nonlocal" (the latter at the annotation, when it follows the declaration) are reported
under the same code.

## Why is this bad?
The file does not compile: importing it, or collecting it as a test, fails with a
`SyntaxError` before any of its code runs. A `nonlocal` declaration applies to the whole
scope, so it belongs at its top.

## Example
```python
def counter():
    count = 0

    def step():
        print(count)
        nonlocal count
        count += 1

    return step
```
Use instead:
```python
def counter():
    count = 0

    def step():
        nonlocal count
        print(count)
        count += 1

    return step
```

## Fix safety
The fix is safe: it moves the names of the late `nonlocal` statements of a scope to the
top of that scope (after its docstring), merging them into a `nonlocal` statement that is
already there. The code did not compile before, and this is the meaning Python 3.5 and
older gave it (they only warned, and applied the declaration to the whole scope). A
statement left empty is removed with its line; its comment stays. Parameter and annotation
errors have no fix, as moving the statement does not repair them; nor has a `nonlocal`
when no enclosing function binds the name. Neither has a file that LibCST can't parse
(such as one with `(x): int = 1`).
""",
    fix="safe / report",
)
