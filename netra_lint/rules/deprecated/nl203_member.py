"""NL203 deprecated-member: a call of a method that the deprecated class never had."""

from __future__ import annotations

from ...checker import Diagnostic, RuleInfo
from .analysis import CallSite, _Analysis

CODE = "NL203"

RULE = RuleInfo(
    code=CODE,
    name="deprecated-member",
    summary="Call of a method that the deprecated class never had.",
    doc="""\
## What it does
Reports a call, on a receiver known to be a deprecated class whose pack entry says
`complete = true`, of a public method that is neither in its `methods` nor its `members`.

## Why is this bad?
The call raised `AttributeError` before the deprecation already; migrating it blindly
hides a bug.

## Example
With a pack entry `old = ["acme.http.Client"]` that says `complete = true`, lists the
method `fetch(url, timeout=10)` and the members `["close", "base_url"]`:
```python
from acme.http import Client

client = Client("https://api")
client.fetch_json("/items")  # Client never had fetch_json
```
Use instead:
```python
from acme.http import Client

client = Client("https://api")
client.fetch("/items")  # the method Client has (NL202 migrates it)
```

## Fix safety
No fix: decide what the call was meant to do.
""",
    fix="report",
)


def missing_member(analysis: _Analysis, site: CallSite) -> Diagnostic | None:
    """NL203 for a method call on a complete entry that lists no such public member."""
    entry, method = site.entry, site.method
    if method is None or method in entry.methods:
        return None
    if method in entry.new_methods and not site.built:
        return None  # already rewritten; the receiver's annotation follows with NL201
    if not entry.complete or method.startswith("_") or method in entry.members:
        return None
    return analysis.ctx.diagnostic(
        CODE,
        f"{entry.old_name} has no method {method}(): this call was broken before the deprecation",
        analysis.ctx.cst_span(site.call),
    )
