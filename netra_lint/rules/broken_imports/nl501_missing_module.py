"""NL501: an import of a first-party module that doesn't exist."""

from __future__ import annotations

from collections.abc import Iterator

from ...checker import Applicability, Diagnostic, Edit, RuleInfo
from ...index import ImportedName, Position
from .destinations import _Destinations, _Plan
from .file_check import _quoted
from .import_edits import _ImportEdits

NL501 = RuleInfo(
    code="NL501",
    name="missing-module",
    summary="An import of a first-party module that doesn't exist.",
    doc="""\
## What it does
Checks every `import a.b.c`, `from a.b import c` and relative import (`from ..x import y`,
including one with too many dots) whose top-level package is the project's own, against
the project index. Modules are resolved exactly as CPython's path finder does: a package
`x/__init__.py` wins over a module `x.py` beside it, which wins over a namespace
directory `x/`; namespace packages are first-class. Imports inside functions and under
`if TYPE_CHECKING:` are checked too; third-party and standard-library imports never are.

A top-level directory without `__init__.py` (an `alembic/` folder of migration scripts)
loses to a regular package of that name on a later `sys.path` entry, so it is not taken
as first-party when the project declares that distribution (requirement files,
`pyproject.toml`, `setup.cfg`, `Pipfile`, lockfiles) or the environment netra-lint runs in
has one installed that provides the name. Such a directory without any Python code that
no dependency provides is reported as a missing dependency, not as a missing module.

A namespace package that other distributions may add portions to (every directory up
from it a namespace directory too, and the project tells its build backend so:
`find_namespace_packages` in `setup.py`, read without running it, `find_namespace:` in
`setup.cfg`, `[tool.setuptools.packages.find]`; or its directories are one chain down to
one package, `genie/libs/parser/`, the shape of one distribution's portion) doesn't
certainly lack a submodule the project doesn't have: `genie.metaparser` may come from
another distribution. Nor does a package whose `__init__.py` extends `__path__`
(`extend_path`, `declare_namespace`).

## Why is this bad?
The import raises `ModuleNotFoundError` as soon as the code runs, often only in the
rarely executed path (a test, a worker, an error handler) after a module was moved.

## Example
```python
# file: app/main.py
from app.agents.base.tool_dispatcher import ToolDispatcher
# file: app/__init__.py
# file: app/agents/__init__.py
# file: app/agents/tool_dispatcher.py
class ToolDispatcher: ...
```

Use instead:
```python
# file: app/main.py
from app.agents.tool_dispatcher import ToolDispatcher
```

## Fix safety
The fix rewrites only the module of the import. It is safe when the answer is certain: a
move declared in a rule pack (`[module-moves]` sections of `rules/*.toml` or the project's
own `packs`), the only first-party module with the same last name (`import a.b.c as d`),
or, for `from a.b import Name`, the one first-party module that defines each imported name
(or one of its public re-exports closest to the broken path); names defined nowhere stay in
the statement, still reported, while the others move to new imports. A close match for a
misspelt module path that binds every imported name is an unsafe fix. A name defined in
several modules gets an unsafe fix to the one nearest in the package tree to the importing
file or to the old module (when one is nearer than the others), and the message lists the
others; a module of the same last name
found more than once (`import a.b.c as d`) is only listed. `import a.b.c` without `as` has no fix (the code
goes on using the old dotted name), nor has a relative import that goes beyond the top-level
package. Imports guarded by `try: ... except ImportError` are deliberate and never reported,
nor are modules that git ignores where the import looks for them (written at build time).
Nothing here depends on a Python or library version.
""",
    fix="safe if unique / unsafe",
)


class _MissingModule(_Destinations, _ImportEdits):
    """NL501's checks: ``import a.b.c``, and ``from`` imports of missing modules."""

    def missing_dependency(self, dotted: str, pos: Position) -> Iterator[Diagnostic]:
        """An import of a name that only a project directory without Python code provides:
        not first-party, and no third-party package of that name is declared or installed."""
        if self.ctx.enabled("NL501") and self.index.missing_dependency(dotted):
            top = dotted.split(".")[0]
            yield self.ctx.diagnostic(
                "NL501",
                f"No module named '{dotted}': '{top}' is not a first-party module (its directory has no "
                "Python code and no __init__.py) and no dependency provides it; missing dependency?",
                self.span(pos),
            )

    def check_import(self, dotted: str, asname: str, alias_pos: Position) -> Iterator[Diagnostic]:
        if not self.index.is_first_party(dotted):
            yield from self.missing_dependency(dotted, alias_pos)
            return
        if not self.ctx.enabled("NL501") or not self.missing(dotted):
            return
        span = self.span(alias_pos)
        message = f"No module named '{dotted}': {self.explain_module(dotted)}"
        candidate, applicability = None, None
        moved = self.moves.module(dotted)
        if moved and self.index.module_exists(moved):
            candidate, applicability = moved, Applicability.SAFE
        else:
            last = dotted.rsplit(".", 1)[-1]
            same_name = [m for m in self.index.modules() if m.rsplit(".", 1)[-1] == last and m != dotted]
            close = self.close_modules(dotted, [])
            if len(same_name) == 1:
                candidate, applicability = same_name[0], Applicability.SAFE
            elif same_name:
                message += f"; candidates: {_quoted(same_name)}"
            elif close:
                candidate, applicability = close[0], Applicability.UNSAFE
        if candidate:
            message += f"; did you mean '{candidate}'?"
        if candidate is None or not asname:  # without ``as``, the code uses the old dotted name
            yield self.ctx.diagnostic("NL501", message, span)
            return
        start = span[0]
        if self.ctx.text[start : start + len(dotted)] != dotted:
            yield self.ctx.diagnostic("NL501", message, span)
            return
        edit = Edit(start, start + len(dotted), candidate)
        yield self.ctx.diagnostic(
            "NL501", message, span, fix=lambda: [edit], applicability=applicability, fix_title=f"Import '{candidate}'"
        )

    def beyond_the_top(self, level: int, written: str, stmt_pos: Position) -> Iterator[Diagnostic]:
        """A relative import with more dots than the file has packages above it."""
        if level and self.summary.module is not None and self.ctx.enabled("NL501"):
            where = self.summary.module if self.summary.is_package else self.summary.module.rpartition(".")[0]
            beyond = (
                f"the top-level package '{where.split('.')[0]}'"
                if where
                else f"'{self.summary.module}', which is not in a package"
            )
            yield self.ctx.diagnostic("NL501", f"Relative import '{written}' goes beyond {beyond}", self.span(stmt_pos))

    def missing_module(
        self, target: str, written: str, names: tuple[ImportedName, ...], stmt_pos: Position
    ) -> Diagnostic:
        shown = f"'{target}'" if written == target else f"'{target}' ('{written}')"
        message = f"No module named {shown}: {self.explain_module(target)}"
        plain = [imported.name for imported in names]
        plan: _Plan | None = None
        moved = self.moves.module(target)
        uncertain = True
        if "*" in plain:
            if moved and self.index.module_exists(moved):
                plan, uncertain = _Plan(Applicability.SAFE, {0: (moved, "*")}, f"Import from '{moved}'"), False
                message += f"; did you mean '{moved}'?"
        else:
            # Each name goes where it is defined: the certain ones first (safe), then those
            # defined in several modules (unsafe, to the nearest); names defined nowhere stay,
            # reported.
            plans = self.plans(target, names, list(range(len(names))))
            plan = plans.safe or plans.unsafe
            if plans.safe is not None:
                message += f"; did you mean {_quoted(sorted({t for t, _ in plans.safe.destinations.values()}))}?"
            left = [i for i in range(len(names)) if plans.safe is None or i not in plans.safe.destinations]
            message += "".join(dict.fromkeys(plans.notes[i] for i in left))
            uncertain = bool(left)
        # A close match of a misspelt path that provides every name is a better guess than
        # a split that leaves names behind.
        close = self.close_modules(target, plain) if uncertain else []
        if close:
            plan = _Plan(
                Applicability.UNSAFE, {i: (close[0], n) for i, n in enumerate(plain)}, f"Import from '{close[0]}'"
            )
            message += f"; did you mean '{close[0]}'?"
        return self.from_diagnostic("NL501", message, self.span(stmt_pos), stmt_pos, plan)
