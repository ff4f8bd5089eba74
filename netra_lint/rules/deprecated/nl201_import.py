"""NL201 deprecated-import: imports of, references to, and patch targets naming a deprecated
class or function; fixed for the whole file at once, or not at all."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from ...checker import Applicability, Diagnostic, Edit, RuleInfo
from ...importedits import add_import, dotted_name, has_import, remove_line
from ...lazy import libcst as cst
from ...semantics import names
from ...semantics.patching import IMPORT, patch_targets
from ...semantics.references import ANNOTATION, BASE, CALL, EXCEPT, ISINSTANCE, context_of
from ...semantics.scopes import Binding
from .analysis import _Analysis
from .pack import Deprecation

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
their spelling; a call is a patch only if it is one (`requests.patch(...)` is not). The
module that defines the deprecated class is not a user of it.

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
re-export (`__all__`, `import X as X`), a later star import that may rebind the name, or
a name clash where any reference is read. Annotations (type strings included),
`isinstance` checks and `except` clauses are renamed at the pack's level; other uses of
the class as a value (`Mock(spec=Old)`, a type argument, a dictionary key, passing it
around) make the fix unsafe when the new API differs. An aliased import keeps its alias.
A patch target naming the class is rewritten only as an unsafe fix: the patch is right
only once the code under test uses the new name too. `patch.dict`/`patch.multiple`
targets and targets naming a member are reported only: what they change inside the
target may not exist on the new class.
""",
    fix="per pack",
)


class ImportedAlias(NamedTuple):
    """One name of a ``from ... import`` statement that imports a deprecated entry."""

    statement: cst.ImportFrom
    alias: cst.ImportAlias


class Rename(NamedTuple):
    """A reference that the fix renames."""

    node: ast.Name
    new_name: str
    local: str  # the name the file imported it as


@dataclass
class Usage:
    """How one deprecated entry is used in one file."""

    aliases: list[ImportedAlias] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    attributes: list[ast.Attribute] = field(default_factory=list)  # ``module.Old`` references
    bases: list[ast.expr] = field(default_factory=list)  # ``class X(Old)``
    values: int = 0  # references that are neither annotations nor isinstance checks
    calls: int = 0  # NL202/NL203 findings: calls that still need the old class
    blockers: list[str] = field(default_factory=list)


#: Where the class is only named as a type, so the new class can take its place at the
#: pack's level: annotations, ``isinstance``/``issubclass``, ``except``.
_TYPE_CONTEXTS = frozenset({ANNOTATION, ISINSTANCE, EXCEPT})
#: ``patch.dict``/``patch.multiple`` name what they change inside the target (keys,
#: attributes): the new class may not have them, so such a target is reported, not renamed.
_KEEPS_MEMBERS = (".dict", ".multiple")
#: A plain string literal: its prefix, quote and text (without escapes, the target itself).
_PLAIN_STRING = re.compile(r"(?P<prefix>[rR]?)(?P<quote>'{3}|\"{3}|'|\")(?P<text>.*)(?P=quote)", re.DOTALL)


def patch_target_findings(analysis: _Analysis) -> Iterator[Diagnostic]:
    """Strings of ``mock.patch``-like calls (``patching.PATCH_APIS``, as NL503 reads them)
    that name a deprecated entry (``"pkg.mod.Old"``) or one of its members."""
    ctx = analysis.ctx
    for target in patch_targets(analysis.model):
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
    last_names = {old.rpartition(".")[2] for old in entry.old}
    for statement in analysis.import_froms:
        if isinstance(statement.names, cst.ImportStar):
            continue
        for alias in statement.names:
            binding = analysis.import_binding(alias) if dotted_name(alias.name) in last_names else None
            if binding is not None and analysis.by_old.get(binding.target or "") is entry:
                usage.aliases.append(ImportedAlias(statement, alias))
                _alias_references(analysis, entry, usage, binding, alias)
    for attribute in analysis.attributes:
        node = analysis.ctx.model_node(attribute, ast.Attribute) if attribute.attr.value in last_names else None
        if node is None or analysis.names.entry_of(node) is not entry:
            continue
        usage.attributes.append(node)
        _classify(analysis, entry, usage, node, None, "")
        if not analysis.names.name_free(entry.new_name, node, entry.new):
            usage.blockers.append(f"the name {entry.new_name} is already used for something else")
    if entry.fix == "report":
        usage.blockers.insert(0, entry.guidance or "the pack marks it report-only")
    if usage.calls:
        usage.blockers.append(f"{usage.calls} call(s) of it remain (NL202/NL203)")


def _alias_references(
    analysis: _Analysis, entry: Deprecation, usage: Usage, binding: Binding, alias: cst.ImportAlias
) -> None:
    local = binding.name
    if alias.evaluated_alias == dotted_name(alias.name):
        usage.blockers.append(f"{local} is re-exported here")
    if _in_dunder_all(analysis.ctx.cst_module, local):
        usage.blockers.append(f"{local} is listed in __all__")
    rename = None if alias.asname else entry.new_name
    taken = rename is not None and not analysis.names.name_free(rename, binding.node, entry.new)
    for read in analysis.model.reads_of(binding):
        if not analysis.names.imports_only(read, entry):
            usage.blockers.append(f"{local} is also bound to something else (or a star import may rebind it)")
        _classify(analysis, entry, usage, read, rename, local)
        taken = taken or (rename is not None and not analysis.names.name_free(rename, read, entry.new))
    if taken:
        usage.blockers.append(f"the name {rename} is already used for something else")


def _classify(
    analysis: _Analysis, entry: Deprecation, usage: Usage, node: ast.expr, rename: str | None, local: str
) -> None:
    context = context_of(analysis.model, node)
    if context == BASE:
        usage.bases.append(node)
        usage.blockers.append("a class inherits from it")
    elif context not in _TYPE_CONTEXTS and not (context == CALL and entry.call is not None):
        usage.values += 1
    if rename is not None and isinstance(node, ast.Name):
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
    references = [(ctx.cst_span(alias), dotted_name(alias.name)) for _, alias in usage.aliases]
    references += [(analysis.span(a), names.dotted_name(a) or "") for a in usage.attributes]
    for span, name in references:
        yield ctx.diagnostic(
            CODE,
            f"{name} is deprecated: {entry.text()}{suffix}",
            span,
            fix=fix,
            applicability=applicability,
            fix_title=title,
        )
    for base in usage.bases:
        yield ctx.diagnostic(
            CODE,
            f"class inherits from deprecated {entry.old_name}: migrate it by hand; {entry.text()}",
            analysis.span(base),
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
        line = _module_line(ctx.cst_module, node)
        if line is None:
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
    renamed = _rename_edits(analysis, usage.renames)
    if renamed is None:
        return []
    edits.extend(renamed)
    plain = (entry.new_module, entry.new_name, None)
    for attribute in usage.attributes:
        edits.append(Edit(*analysis.span(attribute), entry.new_name))
        if plain not in written:
            edits.extend(analysis.add_import(entry))
            written.add(plain)
    return edits


def _rename_edits(analysis: _Analysis, renames: list[Rename]) -> list[Edit] | None:
    """The renamed references; a forward reference's string is rewritten once, whole. None
    if a reference's position doesn't hold its name (nothing is renamed then)."""
    edits: list[Edit] = []
    strings: set[ast.Constant] = set()
    text = analysis.ctx.text
    for ref, name, local in renames:
        string = analysis.model.string_of.get(ref)
        if string is None:
            start, end = analysis.span(ref)
            if text[start:end] != local:
                return None
            edits.append(Edit(start, end, name))
        elif string not in strings:
            strings.add(string)
            start, end = analysis.span(string)
            edits.append(Edit(start, end, re.sub(rf"(?<![\w.]){re.escape(local)}(?!\w)", name, text[start:end])))
    return edits


def _module_line(module: cst.Module, statement: cst.ImportFrom) -> cst.SimpleStatementLine | None:
    """The module-level line that holds ``statement``, if it is at module level."""
    for line in module.body:
        if isinstance(line, cst.SimpleStatementLine) and any(small is statement for small in line.body):
            return line
    return None
