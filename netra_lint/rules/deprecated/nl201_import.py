"""NL201 deprecated-import: imports of, references to, and patch targets naming a deprecated
class or function; fixed for the whole file at once, or not at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from ...checker import Applicability, Diagnostic, Edit, RuleInfo
from ...importedits import add_import, dotted_name, has_import, remove_line, replace_node
from ...lazy import libcst as cst
from ...semantics.patching import IMPORT, patch_targets
from .analysis import _Analysis
from .pack import Deprecation

if TYPE_CHECKING:
    from libcst.metadata import BaseAssignment

CODE = "NL201"

RULE = RuleInfo(
    code=CODE,
    name="deprecated-import",
    summary="Import of, or reference to, a deprecated class or function named by a rule pack.",
    doc="""\
## What it does
Reports every import of a name that a rule pack (`[[deprecated-api]]`) declares deprecated,
under any of its import paths and aliases; references through its module
(`http_module.Client`); classes inheriting from it; and the target strings of the
patch-like calls NL503 reads (`mock.patch("pkg.module.Old")`, `patch.dict`,
`patch.multiple`, `mocker.patch`, `monkeypatch.setattr("pkg.module.Old.method", ...)`,
`monkeypatch.delattr`). Names are matched by where they were imported from, never by
their spelling; a call is a patch only if it is one (`requests.patch(...)` is not).

## Why is this bad?
The deprecated name will go away, and until it does, new code keeps being written
against it.

## Example
With a pack entry `old = ["acme.http.Client", "acme.Client"]`, `new = "acme.http2.HttpClient"`:
```python
from acme.http import Client

def is_client(obj: object) -> bool:
    return isinstance(obj, Client)
```
Use instead:
```python
from acme.http2 import HttpClient

def is_client(obj: object) -> bool:
    return isinstance(obj, HttpClient)
```

## Fix safety
At the level the pack gives (`fix = "safe" | "unsafe" | "report"`). The fix rewrites the
import and every reference in the file together, or nothing. It is withheld while the
file still needs the old class: a constructor or method call that NL202/NL203 report
(renaming the import first would hide those calls and break them), a subclass, a
re-export (`__all__`, `import X as X`) or a name clash. Annotations, `isinstance` checks
and `except` clauses are renamed at the pack's level; other uses of the class as a value
(`Mock(spec=Old)`, passing it around) make the fix unsafe when the new API differs. An
aliased import keeps its alias. A patch target naming the class is rewritten only as an
unsafe fix: the patch is right only once the code under test uses the new name too.
`patch.dict`/`patch.multiple` targets and targets naming a member are reported only: what
they change inside the target may not exist on the new class.
""",
    fix="per pack",
)


class ImportedAlias(NamedTuple):
    """One name of a ``from ... import`` statement that imports a deprecated entry."""

    statement: cst.ImportFrom
    alias: cst.ImportAlias


class Rename(NamedTuple):
    """A reference that the fix renames."""

    node: cst.CSTNode
    new_name: str
    local: str  # the name the file imported it as


@dataclass
class Usage:
    """How one deprecated entry is used in one file."""

    aliases: list[ImportedAlias] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    attributes: list[cst.Attribute] = field(default_factory=list)  # ``module.Old`` references
    bases: list[cst.CSTNode] = field(default_factory=list)  # ``class X(Old)``
    values: int = 0  # references that are neither annotations nor isinstance checks
    calls: int = 0  # NL202/NL203 findings: calls that still need the old class
    blockers: list[str] = field(default_factory=list)


#: ``patch.dict``/``patch.multiple`` name what they change inside the target (keys,
#: attributes): the new class may not have them, so such a target is reported, not renamed.
_KEEPS_MEMBERS = (".dict", ".multiple")
#: A plain string literal: its prefix, quote and text (without escapes, the target itself).
_PLAIN_STRING = re.compile(r"(?P<prefix>[rR]?)(?P<quote>'{3}|\"{3}|'|\")(?P<text>.*)(?P=quote)", re.DOTALL)


def patch_target_findings(analysis: _Analysis) -> Iterator[Diagnostic]:
    """Strings of ``mock.patch``-like calls (``patching.PATCH_APIS``, as NL503 reads them)
    that name a deprecated entry (``"pkg.mod.Old"``) or one of its members."""
    ctx = analysis.ctx
    for target in patch_targets(ctx.semantic_model):
        if target.kind == IMPORT:
            continue  # ``import_module`` names a module, never a deprecated class or function
        text = target.target
        entry = analysis.by_old.get(text)
        member = ""
        if entry is None:
            head, _, member = text.rpartition(".")
            entry = analysis.by_old.get(head)
            if entry is None:
                continue
        span = ctx.source.ast_span(target.node)
        if member:
            yield ctx.diagnostic(
                CODE, f"patch target names {entry.old_name}.{member}, which is deprecated: {entry.text()}", span
            )
            continue
        literal = _PLAIN_STRING.fullmatch(ctx.text[span[0] : span[1]])
        fixable = (
            entry.fix != "report"
            and not target.api.endswith(_KEEPS_MEMBERS)
            and literal is not None
            and literal["text"] == text
        )
        edit = Edit(*span, f"{literal['prefix']}{literal['quote']}{entry.new}{literal['quote']}") if literal else None
        yield ctx.diagnostic(
            CODE,
            f"patch target {text} is deprecated: {entry.text()}",
            span,
            fix=partial(list, [edit]) if fixable else None,
            applicability=Applicability.UNSAFE if fixable else None,
            fix_title=f"Patch {entry.new} (the code under test must use it too)",
        )


def collect_references(analysis: _Analysis, entry: Deprecation, usage: Usage) -> None:
    """Fill ``usage`` with the imports and references of ``entry``, and what blocks the fix."""
    for node in analysis.import_froms:
        if isinstance(node.names, cst.ImportStar) or not (node.module or node.relative):
            continue
        module = analysis.names.absolute("." * len(node.relative) + dotted_name(node.module))
        for alias in node.names:
            if analysis.by_old.get(f"{module}.{dotted_name(alias.name)}") is entry:
                usage.aliases.append(ImportedAlias(node, alias))
                _alias_references(analysis, entry, usage, node, alias)
    for attribute in analysis.attributes:
        if analysis.names.entry_of(attribute) is entry and dotted_name(attribute):
            usage.attributes.append(attribute)
            _classify(analysis, entry, usage, attribute, None, "")
            if not analysis.name_free(entry.new_name, attribute, entry.new):
                usage.blockers.append(f"the name {entry.new_name} is already used for something else")
    if entry.fix == "report":
        usage.blockers.insert(0, entry.guidance or "the pack marks it report-only")
    if usage.calls:
        usage.blockers.append(f"{usage.calls} call(s) of it remain (NL202/NL203)")


def _alias_references(
    analysis: _Analysis, entry: Deprecation, usage: Usage, node: cst.ImportFrom, alias: cst.ImportAlias
) -> None:
    local = alias.evaluated_alias or dotted_name(alias.name)
    if alias.evaluated_alias == dotted_name(alias.name):
        usage.blockers.append(f"{local} is re-exported here")
    if _in_dunder_all(analysis.ctx.cst_module, local):
        usage.blockers.append(f"{local} is listed in __all__")
    scope = analysis.scopes.get(node)
    if scope is None:
        usage.blockers.append("its scope is unknown")
        return
    rename = None if alias.asname else entry.new_name
    for assignment in scope.assignments[local]:
        if not isinstance(assignment, cst.metadata.ImportAssignment) or assignment.node is not node:
            continue
        for access in assignment.references:
            if any(not _imports_entry(analysis, r, local, entry) for r in access.referents):
                usage.blockers.append(f"{local} is also bound to something else")
            _classify(analysis, entry, usage, access.node, rename, local)
    if rename is not None and not analysis.name_free(rename, node, entry.new):
        usage.blockers.append(f"the name {rename} is already used for something else")


def _imports_entry(analysis: _Analysis, assignment: BaseAssignment, local: str, entry: Deprecation) -> bool:
    if not isinstance(assignment, cst.metadata.ImportAssignment):
        return False
    node = assignment.node
    if not isinstance(node, cst.ImportFrom):
        return False
    if isinstance(node.names, cst.ImportStar):
        return False
    module = analysis.names.absolute("." * len(node.relative) + dotted_name(node.module))
    return any(
        (a.evaluated_alias or dotted_name(a.name)) == local
        and analysis.by_old.get(f"{module}.{dotted_name(a.name)}") is entry
        for a in node.names
    )


def _classify(
    analysis: _Analysis, entry: Deprecation, usage: Usage, node: cst.CSTNode, rename: str | None, local: str
) -> None:
    context = "annotation" if isinstance(node, cst.SimpleString) else analysis.names.context(node)
    if context == "base":
        usage.bases.append(node)
        usage.blockers.append("a class inherits from it")
    elif context == "value" or (context == "call" and entry.call is None):
        usage.values += 1
    if rename is not None:
        usage.renames.append(Rename(node, rename, local))


def _in_dunder_all(module: cst.Module, name: str) -> bool:
    for stmt in module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if not isinstance(small, cst.Assign):
                continue
            if any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in small.targets):
                values = small.value
                if isinstance(values, (cst.List, cst.Tuple)) and any(
                    isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == name for e in values.elements
                ):
                    return True
    return False


def reference_findings(analysis: _Analysis, entry: Deprecation, usage: Usage) -> Iterator[Diagnostic]:
    """One finding per import alias, module attribute reference and subclass of ``entry``."""
    ctx = analysis.ctx
    applicability: Applicability | None = None
    if not usage.blockers:
        unsafe = entry.fix == "unsafe" or (usage.values and not entry.drop_in)
        applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
    suffix = f" Not fixed: {'; '.join(dict.fromkeys(usage.blockers))}." if usage.blockers else ""
    fix = (lambda: _import_edits(analysis, entry, usage)) if applicability is not None else None
    title = f"Use {entry.new}"
    # Every import alias and attribute reference shares the one all-or-nothing fix.
    references = [(alias, alias.name) for _, alias in usage.aliases] + [(a, a) for a in usage.attributes]
    for node, name in references:
        yield ctx.diagnostic(
            CODE,
            f"{dotted_name(name)} is deprecated: {entry.text()}{suffix}",
            ctx.cst_span(node),
            fix=fix,
            applicability=applicability,
            fix_title=title,
        )
    for base in usage.bases:
        yield ctx.diagnostic(
            CODE,
            f"class inherits from deprecated {entry.old_name}: migrate it by hand; {entry.text()}",
            ctx.cst_span(base),
        )


def _import_edits(analysis: _Analysis, entry: Deprecation, usage: Usage) -> list[Edit]:
    """Rewrite every import and reference of ``entry`` in the file at once, or nothing."""
    ctx = analysis.ctx
    edits: list[Edit] = []
    grouped: dict[cst.ImportFrom, list[cst.ImportAlias]] = {}
    for node, alias in usage.aliases:
        grouped.setdefault(node, []).append(alias)
    written: set[tuple[str, str, str | None]] = set()
    for node, dropped in grouped.items():
        wanted = list(dict.fromkeys((entry.new_module, entry.new_name, a.evaluated_alias) for a in dropped))
        kept = [a for a in node.names if a not in dropped]  # type: ignore[union-attr]
        if not kept and len(dropped) == 1 and wanted[0] not in written and not has_import(ctx.cst_module, *wanted[0]):
            new_node = node.with_changes(
                module=cst.parse_expression(entry.new_module),
                relative=(),
                names=[dropped[0].with_changes(name=cst.Name(entry.new_name))],
            )
            edits.append(analysis.replace(node, new_node))
            written.add(wanted[0])
            continue
        line = analysis.parents.get(node)
        if not isinstance(line, cst.SimpleStatementLine) or analysis.parents.get(line) is not ctx.cst_module:
            return []  # sharing a statement below module level: left to a human
        if kept:
            last = node.names[-1]  # type: ignore[index]
            if last in dropped:
                kept[-1] = kept[-1].with_changes(comma=last.comma)
            edits.append(analysis.replace(node, node.with_changes(names=kept)))
        elif len(line.body) == 1:
            edits.append(remove_line(ctx, line))
        else:
            return []
        for item in wanted:
            if item not in written:
                edits.extend(add_import(ctx, *item))
                written.add(item)
    for ref, name, local in usage.renames:
        if isinstance(ref, cst.SimpleString):
            text = re.sub(rf"(?<![\w.]){re.escape(local)}(?!\w)", name, ref.value)
            edits.append(replace_node(ctx, ref, text))
        else:
            edits.append(replace_node(ctx, ref, name))
    plain = (entry.new_module, entry.new_name, None)
    for attribute in usage.attributes:
        edits.append(replace_node(ctx, attribute, entry.new_name))
        if plain not in written:
            edits.extend(add_import(ctx, *plain))
            written.add(plain)
    return edits
