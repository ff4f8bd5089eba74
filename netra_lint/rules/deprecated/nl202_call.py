"""NL202 deprecated-call: a call of a deprecated method, constructor or function, rewritten
by binding its arguments to the old signature."""

from __future__ import annotations

from ...checker import Applicability, Diagnostic, Edit, RuleInfo
from ...lazy import libcst as cst
from .analysis import CallSite, _Analysis
from .pack import CallRule
from .rendering import plan_call, render_call

CODE = "NL202"

RULE = RuleInfo(
    code=CODE,
    name="deprecated-call",
    summary="Call of a deprecated method or constructor; rewritten by binding its arguments to the old signature.",
    doc="""\
## What it does
Reports calls of the methods a rule pack declares deprecated, on receivers known to be
the deprecated class: `x = Old(...)` (or an alias of `Old`), `self.attr` assigned or
annotated in the class, parameters and variables annotated `Old` / `Optional[Old]` /
`Old | None` / `"Old"` (an annotation decides, unless the value is a mock), elements of
typed containers (`list[Old]`, the values of `dict[str, Old]`), `except Old as e`,
functions annotated `-> Old` (awaited exactly when they are `async`) and factories the
pack lists. Also calls of a deprecated constructor or function that has a `call` entry.
A method with the same name on any other class is left alone, and so is a name a later
star import may rebind, and the module that defines the deprecated class.

## Why is this bad?
The old API goes away and the new one has other names, parameters and orders: a rename
by name alone breaks code silently.

## Example
With a pack entry `old = ["acme.http.Client"]`, `new = "acme.http2.HttpClient"` and the
method `old = "fetch(url, timeout=10)"`, `new = "get(url, timeout_s=timeout)"` (NL202
rewrites the calls, then NL201 the import and the annotation):
```python
from acme.http import Client

async def load(client: Client, path: str) -> bytes:
    return await client.fetch(path, 5) + await client.fetch(path)
```
Use instead:
```python
from acme.http2 import HttpClient

async def load(client: HttpClient, path: str) -> bytes:
    return await client.get(path, timeout_s=5) + await client.get(path)
```

## Fix safety
At the level the pack gives. The call's arguments are bound to the old signature exactly
as Python would; the bound expressions replace the parameter names of the template;
template keywords whose parameters were left at their defaults are dropped. `await`,
the receiver, comments and line breaks stay. No fix (only the reason) when the call
unpacks `*args`/`**kwargs`, passes an argument the template doesn't use, doesn't bind
(it was already broken), or the rewrite would evaluate an expression with side effects
twice or in another order.

## Options
A pack is a TOML file: the bundled ones live in `rules/`, a project adds its own with
`packs = ["tools/our-deprecations.toml"]` under `[tool.netra-lint]`. Each deprecated class
or function is one `[[deprecated-api]]` entry:

```toml
[[deprecated-api]]
old = ["acme.http.Client", "acme.Client"]   # every import path, re-exports included
new = "acme.http2.HttpClient"
message = "use acme.http2.HttpClient"
url = "https://acme.example/docs/http2"
kind = "class"                # or "function" (default: from the case of the name)
fix = "safe"                  # imports and references: safe | unsafe | report
factories = ["acme.http.default_client"]   # optional: functions returning an instance
complete = true               # optional: `methods` + `members` list every public member
members = ["base_url", "close"]         # optional: members that keep working

[deprecated-api.call]         # optional: the constructor (or the function call)
old = "Client(base_url, retries=3)"
new = "HttpClient(base_url=base_url, max_retries=retries)"
fix = "safe"

[[deprecated-api.methods]]
old = "fetch(url, timeout=10)"                 # old signature, without self
new = "get(url, timeout_s=timeout)"            # template, old parameter names only
fix = "unsafe"
guidance = "get() raises on HTTP errors; fetch() returned None"

[[deprecated-api.methods]]
old = "fetch_all(urls, *args, **kwargs)"
fix = "report"                # no template: report with the guidance
guidance = "call get() in a loop"
```

Templates are Python calls. Their argument values may use only the old parameter names
(`*args` / `**kwargs` only as `*args` / `**kwargs`). Bound argument expressions are put
in their place. A keyword whose parameters were all left at their defaults is dropped. A
call with `*`/`**` unpacking, with an argument the template doesn't use, or that doesn't
bind (it was broken already) is reported, not rewritten. Packs are validated when loaded:
signatures and templates must parse, no name may map to itself or in a cycle, and every
error names the pack file and the entry.
""",
    fix="per pack",
)

_LEVEL = {"safe": Applicability.SAFE, "unsafe": Applicability.UNSAFE}


def deprecated_call(analysis: _Analysis, site: CallSite) -> Diagnostic | None:
    """NL202 for a call of the constructor or function of an entry with a ``call`` table, or
    of a method the entry lists; None for any other call."""
    entry = site.entry
    rule = entry.call if site.method is None else entry.methods.get(site.method)
    return _call_diagnostic(analysis, site, rule) if rule is not None else None


def _call_diagnostic(analysis: _Analysis, site: CallSite, rule: CallRule) -> Diagnostic:
    call, node, entry, method, built = site
    ctx = analysis.ctx
    what = f"{entry.old_name}.{method}()" if method else f"{entry.old_name}()"
    span = ctx.cst_span(call)
    plan = plan_call(call, rule)
    if rule.template is None or rule.fix == "report":
        advice = rule.guidance or entry.message
        if plan.problem:
            advice = f"{advice} ({plan.problem})"
        return ctx.diagnostic(CODE, f"{what} is deprecated: {advice}", span)
    target = f"{entry.new_name}.{rule.callee}()" if method else f"{entry.new_name}()"
    note = f" {rule.guidance}" if rule.guidance else ""
    if not plan.problem and method is None and not analysis.names.name_free(entry.new_name, node, entry.new):
        plan.problem = f"the name {entry.new_name} is already used for something else in this file"
    if not plan.problem and analysis.in_fstring(node):
        plan.problem = "the call is inside an f-string"
    if not plan.problem and built and entry.call is not None and entry.call.fix == "report":
        plan.problem = f"the receiver is built with {entry.old_name}(...) in this file; migrate that first"
    if plan.problem:
        return ctx.diagnostic(CODE, f"{what} is deprecated, use {target}; not fixed: {plan.problem}", span)
    if method is not None:
        assert isinstance(call.func, cst.Attribute)
        func: cst.BaseExpression = call.func.with_changes(attr=cst.Name(rule.callee or ""))
    else:
        func = cst.Name(entry.new_name)

    def edits() -> list[Edit]:
        found = [analysis.replace(call, render_call(call, rule, plan, func))]
        if method is None:
            found.extend(analysis.add_import(entry))
        return found

    return ctx.diagnostic(
        CODE,
        f"{what} is deprecated, use {target}.{note}",
        span,
        fix=edits,
        applicability=_LEVEL[rule.fix],
        fix_title=f"Rewrite as {target}",
    )
