"""NL101: imports of and references to the legacy implementation, and their rewrite.

The legacy names of the pack carry their own code: a name documented under NL105 (a
legacy exception) is reported with NL105 by the same checks."""

from __future__ import annotations

import ast

from ...checker import RuleInfo
from ...diagnostics import Edit
from ...importedits import dotted_name, has_import, import_below, import_line, remove_line, replace_node
from ...lazy import libcst as cst
from ...semantics.references import ALIAS, ANNOTATION, BASE, CALL, EXCEPT, ISINSTANCE
from .analysis import FileAnalysis, Uses
from .groups import Group
from .pack import CALLABLE_ROLES, LegacyName
from .resolution import Reference
from .syntax import bound_name, chain_parts, split

RULE = RuleInfo(
    code="NL101",
    name="legacy-websockets-import",
    summary="Legacy websockets import or reference",
    fix="safe / unsafe / report",
    doc="""\
## What it does
Finds every use of the legacy asyncio implementation of `websockets`: imports from
`websockets.legacy.*`, the deprecated aliases `websockets.client.connect`,
`websockets.server.serve`, `WebSocketServerProtocol`, `WebSocketClientProtocol`,
`WebSocketCommonProtocol`, `WebSocketServer`, `basic_auth_protocol_factory`, and the
top-level `websockets.connect`/`serve`/`broadcast` when the project pins `websockets < 14`.

## Why is this bad?
Since websockets 14.0 these names emit `DeprecationWarning`, and the legacy
implementation is going to be removed. The new implementation lives in
`websockets.asyncio.client` and `websockets.asyncio.server`.

## Example
```python
from websockets.legacy.client import connect

async def fetch(uri):
    async with connect(uri, extra_headers={"A": "b"}) as ws:
        return await ws.recv()
```
Use instead:
```python
from websockets.asyncio.client import connect

async def fetch(uri):
    async with connect(uri, additional_headers={"A": "b"}) as ws:
        return await ws.recv()
```

## Fix safety
Safe, and applied together with everything the switch needs (arguments, handlers,
connection attributes, `InvalidStatusCode`, and the `broadcast` calls and annotated
functions that receive its connections). When one of those has no mechanical rewrite
(for example `create_protocol=` of an unported class, a `(websocket, path)` handler with
defaults, `serve()` outside a running event loop, a legacy `process_request`), nothing is
rewritten and the message says what blocks it; a part whose rewrite is unsafe (a reconnect
loop, `server.websockets`) makes the whole switch unsafe. A legacy `broadcast` whose
connections come from where the file doesn't show stays legacy. Connection classes are
rewritten only where they are used in annotations and `isinstance`; subclassing is
reported. `basic_auth_protocol_factory` goes with the unsafe rewrite of its calls (NL102).

Version dependent, per directory: the top-level `websockets.connect`, `unix_connect`,
`serve`, `unix_serve` and `broadcast` are the legacy implementation up to websockets 13.1
and the new one from 14.0 on. Each file is checked against the websockets its directory
runs: the nearest `pyproject.toml`, `requirements*.txt`, `setup.cfg` or `Pipfile` that
declares websockets, from the file's directory up to the project root, where a lock
(`uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`, an `==` pin) wins over a range;
nothing declared: the newest release. Below 14 the top-level names are reported; a range
that admits both (`>=12`) reports them only where the code uses something only one
implementation has. The fix writes imports from `websockets.asyncio.client` and
`websockets.asyncio.server` (websockets 13.0; `basic_auth` 13.1): where the directory may
run an older release, nothing is rewritten and the message says which release to raise
websockets to first. `netra-lint -v` says which version was assumed where, and why.

## Options
`websockets-version` (a version or a specifier, such as `"13.1"` or `">=13,<16"`)
replaces what the dependencies say for the whole project, and
`[tool.netra-lint.per-directory."services/api"]` with `websockets-version = ...` for
one directory and everything below it.
""",
)


def message(analysis: FileAnalysis, qualified: str, entry: LegacyName) -> str:
    if entry.fix == "report":
        return f"`{qualified}` is legacy with no direct replacement: {entry.advice}"
    if qualified in entry.pinned:
        pin = analysis.pin
        why = f", which {pin.source} admits" if pin.top_level == "mixed" else f" ({pin.source})"
        text = f"`{qualified}` is the legacy implementation in websockets < 14{why}; use `{entry.new}`"
    else:
        text = f"`{qualified}` is legacy; use `{entry.new}`"
    return f"{text}: {entry.advice}" if entry.advice else text


def _report_name(
    analysis: FileAnalysis, qualified: str, entry: LegacyName, node: cst.CSTNode, group: Group, suffix: str = ""
) -> None:
    """A legacy name; one that is legacy in only some of the releases the project admits is
    shown only where the code needs one implementation (see ``Pending.conditional``)."""
    conditional = qualified in analysis.tables.ambiguous
    analysis.report(entry.code, message(analysis, qualified, entry) + suffix, node, group, conditional=conditional)
    if entry.fix != "report":
        group.require(entry.since, f"`{entry.new}`")


# -- import statements ---------------------------------------------------------------------------


def check_imports(analysis: FileAnalysis) -> None:
    for statement in analysis.collected.imports:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                qualified = dotted_name(alias.name)
                if analysis.is_legacy_module(qualified):
                    _legacy_module_import(analysis, statement, alias, qualified)
            continue
        if statement.relative or statement.module is None:
            continue
        module = dotted_name(statement.module)
        if isinstance(statement.names, cst.ImportStar):
            if analysis.is_legacy_module(module):
                advice = analysis.tables.module_advice
                analysis.report("NL101", f"star import from legacy module `{module}`: {advice}", statement)
            continue
        for alias in statement.names:
            qualified = f"{module}.{dotted_name(alias.name)}"
            entry = analysis.legacy_entry(qualified)
            if entry is not None:
                _from_import(analysis, statement, alias, qualified, entry)
            elif analysis.is_legacy_module(qualified) or analysis.is_legacy_module(module):
                _legacy_module_import(analysis, statement, alias, qualified)


def _legacy_module_import(
    analysis: FileAnalysis, statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias, qualified: str
) -> None:
    """A legacy import: reported; removed once nothing uses it, if it is a top-level statement."""
    binding = analysis.resolver.names.import_binding(alias)
    group = None
    if binding is not None and not analysis.resolver.names.reads(binding) and _alone_at_top_level(analysis, statement):
        group = analysis.group(alias)
        group.add(lambda: _remove_alias(analysis, statement, alias))
    text = f"`{qualified}` belongs to the legacy implementation: {analysis.tables.module_advice}"
    analysis.report("NL101", text + ("; the import is unused" if group else ""), alias, group)


def _from_import(
    analysis: FileAnalysis, statement: cst.ImportFrom, alias: cst.ImportAlias, qualified: str, entry: LegacyName
) -> None:
    group = analysis.group(alias)
    binding = analysis.resolver.names.import_binding(alias)
    reads = analysis.resolver.names.reads(binding) if binding is not None else []
    unused = binding is not None and not reads and _alone_at_top_level(analysis, statement)
    if entry.fix in ("report", "with-serve") and unused:
        analysis.report(entry.code, message(analysis, qualified, entry) + "; the import is unused", alias, group)
        group.add(lambda: _remove_alias(analysis, statement, alias))
        return
    if entry.fix == "report":
        analysis.report(entry.code, message(analysis, qualified, entry), alias, group)
        group.block(f"`{split(qualified)[1]}` has no mechanical replacement")
        return
    _report_name(analysis, qualified, entry, alias, group)
    if binding is None:
        group.block("the imported name could not be resolved")
        return
    if None in reads:
        group.block(f"`{bound_name(alias)}` is read in code this check leaves out")
    if entry.fix == "with-serve":  # each call is rewritten by NL102, which joins this group
        if not reads:
            group.block(f"`{bound_name(alias)}` is imported but not called here")
        analysis.uses[group] = Uses(entry, [node for node in reads if node is not None])
        group.add(lambda: _remove_alias(analysis, statement, alias))
        return
    names_in_strings: list[tuple[int, int]] = []
    for node in reads:
        if node is None:
            continue
        if isinstance(node, cst.SimpleString):
            found = analysis.resolver.names_in_string(node, bound_name(alias), qualified)
            if found is None:
                group.block(f"`{bound_name(alias)}` is named in a string that can't be rewritten")
            names_in_strings.extend(found or ())
        elif not isinstance(node, cst.Name) or analysis.resolve(node) is None:
            group.block(_rebound(analysis, statement, bound_name(alias)))
    new_module, new_name = split(entry.new)
    old_name = dotted_name(alias.name)
    asname = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else None
    rename_refs = False
    if asname is None and new_name != old_name:
        if new_name in analysis.resolver.bound_names and not has_import(analysis.module, new_module, new_name):
            asname = old_name  # keep the old spelling through an alias
        else:
            rename_refs = True
    refs = [node for node in reads if isinstance(node, cst.Name)]
    analysis.uses[group] = Uses(entry, list(refs))

    def produce() -> list[Edit] | None:
        edits = _rewrite_import(analysis, statement, alias, new_module, new_name, asname)
        if edits is None:
            return None
        if rename_refs:
            edits.extend(replace_node(analysis.ctx, ref, new_name) for ref in refs)
            edits.extend(Edit(start, end, new_name) for start, end in names_in_strings)
        return edits

    group.add(produce)


def _rebound(analysis: FileAnalysis, statement: cst.ImportFrom, name: str) -> str:
    """Why a read of an imported name isn't known to read the import."""
    located = analysis.ctx.model_node(statement, ast.ImportFrom)
    if located is not None and analysis.resolver.model.star_may_bind(name, located):
        return f"a star import below it may rebind `{name}`"
    return f"`{name}` is also bound to something else"


def _rewrite_import(
    analysis: FileAnalysis,
    statement: cst.ImportFrom,
    alias: cst.ImportAlias,
    module: str,
    name: str,
    asname: str | None,
) -> list[Edit] | None:
    ctx = analysis.ctx
    names = statement.names
    assert not isinstance(names, cst.ImportStar)
    if len(names) == 1:
        if has_import(analysis.module, module, name, asname) and _alone_at_top_level(analysis, statement):
            return [remove_line(ctx, analysis.resolver.parent(statement))]  # type: ignore[arg-type]
        assert statement.module is not None
        edits = [replace_node(ctx, statement.module, module)]
        if dotted_name(alias.name) != name:
            edits.append(replace_node(ctx, alias.name, name))
        if asname is not None and alias.asname is None:
            end = ctx.cst_span(alias.name)[1]
            edits.append(Edit(end, end, f" as {asname}"))
        return edits
    removal = _remove_alias(analysis, statement, alias)
    if removal is None:
        return None
    return [*removal, import_below(analysis.ctx, statement, import_line(module, name, asname))]


def _alone_at_top_level(analysis: FileAnalysis, statement: cst.CSTNode) -> bool:
    """The statement is a whole line of the module body, so deleting the line empties no block."""
    line = analysis.resolver.parent(statement)
    return (
        isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(analysis.resolver.parent(line), cst.Module)
    )


def _remove_alias(
    analysis: FileAnalysis, statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias
) -> list[Edit] | None:
    """Delete one name of an import (the whole line when it is the only one), together with
    the other names of the statement that the same group removes: one set of edits for all."""
    ctx = analysis.ctx
    names = list(statement.names)  # type: ignore[arg-type]
    root = analysis.groups[alias].root() if alias in analysis.groups else None
    removed = [
        a is alias or (root is not None and a in analysis.groups and analysis.groups[a].root() is root) for a in names
    ]
    if all(removed):
        if not _alone_at_top_level(analysis, statement):
            return None
        return [remove_line(ctx, analysis.resolver.parent(statement))]  # type: ignore[arg-type]
    start, end = ctx.cst_span(statement)
    if "#" in ctx.text[start:end]:
        return None  # deleting across a comment would lose it
    edits = []
    first = 0
    while first < len(names):
        if not removed[first]:
            first += 1
            continue
        last = first
        while last + 1 < len(names) and removed[last + 1]:
            last += 1
        if last + 1 < len(names):  # up to the next name that stays
            edits.append(Edit(ctx.cst_span(names[first])[0], ctx.cst_span(names[last + 1])[0]))
        else:  # from the end of the last name that stays
            edits.append(Edit(ctx.cst_span(names[first - 1])[1], ctx.cst_span(names[last])[1]))
        first = last + 1
    return edits


# -- references through attribute chains (import websockets; websockets.legacy...) ------------


def check_references(analysis: FileAnalysis) -> None:
    for node in analysis.collected.attributes:
        ref = analysis.resolve(node)
        if ref is None or ref.via_alias or ref.origin is not node:
            continue
        parent = analysis.resolver.parent(node)
        extended = isinstance(parent, cst.Attribute) and parent.value is node
        entry = analysis.legacy_entry(ref.qualified)
        if entry is not None:
            _chain_reference(analysis, node, ref, entry)
        elif (
            analysis.is_legacy_module(ref.qualified)
            and not extended
            and not _inside_entry(analysis, node)
            and not _reported_import(analysis, ref)
        ):
            advice = analysis.tables.module_advice
            analysis.report("NL101", f"`{ref.qualified}` is part of the legacy implementation: {advice}", node)


def _reported_import(analysis: FileAnalysis, ref: Reference) -> bool:
    """Uses of a name whose import is already reported as legacy are not reported again."""
    binding = ref.binding
    if binding is None:
        return False
    target = binding.target or ""
    return analysis.is_legacy_module(target) or analysis.legacy_entry(target) is not None


def _inside_entry(analysis: FileAnalysis, node: cst.Attribute) -> bool:
    inner = node.value
    while isinstance(inner, cst.Attribute):
        ref = analysis.resolve(inner)
        if ref is not None and analysis.legacy_entry(ref.qualified):
            return True
        inner = inner.value
    return False


def _chain_reference(analysis: FileAnalysis, node: cst.Attribute, ref: Reference, entry: LegacyName) -> None:
    ctx = analysis.ctx
    # A factory call is rewritten on its own (NL102 joins this group): the module stays imported.
    key = ("call", node) if entry.fix == "with-serve" else analysis.group_key(ref, entry)
    group = analysis.group(key)
    entry_uses = analysis.uses.setdefault(group, Uses(entry)).nodes
    entry_uses.append(node)
    if entry.fix == "report":
        analysis.report(entry.code, message(analysis, ref.qualified, entry), node, group)
        group.block(f"`{split(ref.qualified)[1]}` has no mechanical replacement")
        return
    _report_name(analysis, ref.qualified, entry, node, group)
    if ref.binding is None:
        group.block("the module name could not be resolved")
        return
    if entry.fix == "with-serve":
        return  # each call is rewritten by NL102, which joins this group
    new_module, new_name = split(entry.new)
    binding, unique = ref.binding, ref.unique
    needed: tuple[str, str | None]
    if new_name in analysis.resolver.bound_names and not has_import(analysis.module, new_module, new_name):
        text, needed = entry.new, (new_module, None)
    else:
        text, needed = new_name, (new_module, new_name)

    def produce() -> list[Edit] | None:
        edits = [replace_node(ctx, node, text), *analysis.add_import(*needed)]
        consumed = {part for n in entry_uses for part in chain_parts(n)}
        statement = analysis.resolver.names.node_of(binding)
        reads = analysis.resolver.names.reads(binding)
        if (
            unique
            and reads
            and all(read in consumed for read in reads)
            and isinstance(statement, (cst.Import, cst.ImportFrom))
            and not isinstance(statement.names, cst.ImportStar)
        ):
            alias = analysis.resolver.names.cst_at(binding.node, cst.ImportAlias)
            if isinstance(alias, cst.ImportAlias):
                edits.extend(_remove_alias(analysis, statement, alias) or [])
        return edits

    group.add(produce)


# -- legacy names used other than as the switch can rewrite them -------------------------------


def check_uses_of_legacy_names(analysis: FileAnalysis) -> None:
    """A legacy callable used other than by a call (e.g. passed around), a class used at
    runtime, an exception outside ``except``: its group can't be switched safely."""
    for group, uses in analysis.uses.items():
        for node in uses.nodes:
            _check_use(analysis, node, uses.entry, group)


def _check_use(analysis: FileAnalysis, node: cst.CSTNode, entry: LegacyName, group: Group) -> None:
    context = analysis.resolver.context(node)
    if entry.role in CALLABLE_ROLES:
        if context in (CALL, ALIAS):
            return
        group.block(f"`{dotted_name(node)}` is used other than in a call")
    elif entry.fix == "types":
        if context in (ANNOTATION, ISINSTANCE):
            return
        if context == BASE:
            group.block(f"`{dotted_name(node)}` is subclassed; port the subclass by hand")
        else:
            group.block(f"`{dotted_name(node)}` is used at runtime, not only in annotations")
    elif entry.fix == "with-connect" and context != EXCEPT:
        group.block(f"`{dotted_name(node)}` is used outside an except clause")
    elif entry.fix == "with-serve" and node not in analysis.rewritten_factories:
        group.block(f"`{dotted_name(node)}` is used other than in a `create_protocol=` that can be rewritten")
