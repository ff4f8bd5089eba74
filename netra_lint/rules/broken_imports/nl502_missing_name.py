"""NL502: ``from m import Name`` where the first-party module ``m`` has no ``Name``."""

from __future__ import annotations

from collections.abc import Iterator

from ...checker import Diagnostic, RuleInfo
from ...index import ImportedName, Position
from .destinations import _Destinations
from .import_edits import _ImportEdits

NL502 = RuleInfo(
    code="NL502",
    name="missing-name",
    summary="`from m import Name` where the first-party module `m` has no `Name`.",
    doc="""\
## What it does
Reports `from m import Name` where `m` is a first-party module that exists but neither
binds `Name` at top level (definitions, assignments, imports, conditional and `try`
definitions, star imports followed through `__all__`) nor has a submodule `Name`. When
the index can't know (a module-level `__getattr__`, a star import from third-party code,
a compiled module, writes to `globals()`), nothing is reported.

## Why is this bad?
The import raises `ImportError: cannot import name ...` at run time, typically after the
name moved to another module.

## Example
```python
# file: app/main.py
from app.db import ConnectionInfo
# file: app/__init__.py
# file: app/db/__init__.py
# file: app/db/connection.py
class ConnectionInfo: ...
```

Use instead:
```python
# file: app/main.py
from app.db.connection import ConnectionInfo
```

## Fix safety
The fix rewrites only the import. It is safe when the name's new home is certain: a move
declared in a rule pack (`[name-moves]`, or `[module-moves]` for its module, in
`rules/*.toml` or the project's own `packs`), or the one first-party module that defines
the name (that module, or one of its public re-exports closest to the broken path). Names
whose new home is certain move even when others of the same statement can't: the
statement keeps the others and the moved names go to a new import after it (after a `;`
when the statement is on a block's header line). With several defining modules the message
lists them, and an unsafe fix imports the name from the one nearest in the package tree to
the importing file or to the module it was imported from, when one is nearer than the
others (a constant that many modules define gets no fix). Imports guarded by
`try: ... except ImportError` are deliberate and never reported. Nothing here depends on a
Python or library version.
""",
    fix="safe if unique / unsafe",
)


class _MissingName(_Destinations, _ImportEdits):
    """NL502's check of the names of a ``from`` import whose module exists."""

    def missing_names(self, target: str, names: tuple[ImportedName, ...], stmt_pos: Position) -> Iterator[Diagnostic]:
        broken = [
            i
            for i, imported in enumerate(names)
            if imported.name != "*"
            and self.index.member(target, imported.name) is None
            and not self.index.in_shared_namespace(f"{target}.{imported.name}")
        ]
        if not broken:
            return
        # The module is fine: names whose new home is known move even if others can't.
        plans = self.plans(target, names, broken)
        for i in broken:
            name, pos = names[i].name, names[i].position
            message = f"Cannot import name '{name}' from '{target}': {self.explain_name(target, name)}{plans.notes[i]}"
            yield self.from_diagnostic("NL502", message, self.span(pos), stmt_pos, plans.for_alias(i))
