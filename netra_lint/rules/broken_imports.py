"""NL501–NL503: imports and ``mock.patch``-style strings that name first-party code that
doesn't exist.

Detection answers from the project index alone: the per-file summary it already extracted
(imports with positions, string targets) and its model of every first-party module. A
file without a broken import is never parsed again; LibCST is used only to build fixes.
"""

from __future__ import annotations

import builtins
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..checker import (
    Applicability,
    Checker,
    Diagnostic,
    Edit,
    FileContext,
    PackError,
    RuleInfo,
    validate_rename_map,
)
from ..discovery import gitignored
from ..index import FileSummary, FromImport, ImportedName, ModuleImport, Position, ProjectIndex, absolute_module
from ..lazy import libcst as cst
from ..settings import Settings

MODULE_MOVES = "module-moves"
NAME_MOVES = "name-moves"

_FIX_DOC = f"""
## Fix safety
The fix rewrites only the import (or the string literal's content, keeping its prefix
and quotes). It is safe when the answer is certain: a move declared in a rule pack
(`[{MODULE_MOVES}]` / `[{NAME_MOVES}]` sections of `rules/*.toml` or the project's own `packs`), or a
name that exactly one first-party module defines (that module, or one of its public
re-exports closest to the broken path). With several candidates the message lists them
and nothing is changed. A close match for a misspelt module path that binds every
imported name is an unsafe fix. Imports guarded by `try: ... except ImportError` are
deliberate and never reported.
"""

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

## Why is this bad?
The import raises `ModuleNotFoundError` as soon as the code runs, often only in the
rarely executed path (a test, a worker, an error handler) after a module was moved.

## Example
```python
from app.agents.base.tool_dispatcher import ToolDispatcher  # module moved
```

Use instead:
```python
from app.agents.tool_dispatcher import ToolDispatcher
```
"""
    + _FIX_DOC,
    fix="safe if unique / unsafe",
)

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
from app.db import ConnectionInfo  # moved to app.db.connection
```

Use instead:
```python
from app.db.connection import ConnectionInfo
```
"""
    + _FIX_DOC,
    fix="safe if unique",
)

NL503 = RuleInfo(
    code="NL503",
    name="missing-patch-target",
    summary='A `mock.patch("...")`-style string that names missing first-party code.',
    doc="""\
## What it does
Resolves the literal string targets of `unittest.mock.patch` (any import spelling, and
`patch.dict`/`patch.multiple`), `mocker.patch`, `monkeypatch.setattr("a.b.c", value)` /
`monkeypatch.delattr("a.b.c")` and `importlib.import_module("a.b")` the way `mock`
does: import the longest module prefix, then look the rest up as attributes. The last
part may be a class member: it is checked against the class and its first-party bases.
`create=True` / `raising=False` allow the last part to be missing.

## Why is this bad?
The test fails with `ModuleNotFoundError` or `AttributeError` before it tests anything,
and no other linter looks inside these strings.

## Example
```python
@mock.patch("app.services.old_client.Client.send")
def test_send(send): ...
```

Use instead:
```python
@mock.patch("app.services.client.Client.send")
def test_send(send): ...
```
"""
    + _FIX_DOC,
    fix="safe if unique / unsafe",
)

_STRING = re.compile(r"(?s)([A-Za-z]*)('''|\"\"\"|'|\")(.*)\2")


#: Names ``mock.patch`` creates on a module when they are missing (its own rule).
_PATCHABLE_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def _is_dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        count += 1
    return count


def _public(module: str) -> bool:
    return not any(part.startswith("_") for part in module.split("."))


def _quoted(names: Iterable[str], limit: int = 5) -> str:
    shown = list(names)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(f"'{n}'" for n in shown[:limit]) + more


@dataclass(frozen=True)
class _Plan:
    """Where the names of one import go: alias position → (module, new name)."""

    applicability: Applicability
    destinations: dict[int, tuple[str, str]]
    title: str


class _Moves:
    """The declared module moves and renamed names of every loaded pack."""

    def __init__(self, modules: list[tuple[str, str, str]], names: list[tuple[str, str, str]]) -> None:
        self.modules = {old: new for old, new, _ in modules}
        self.names = {old: new for old, new, _ in names}

    def module(self, name: str) -> str | None:
        """``name`` after the longest declared move of it or of a parent package."""
        parts = name.split(".")
        for size in range(len(parts), 0, -1):
            new = self.modules.get(".".join(parts[:size]))
            if new is not None:
                return ".".join([new, *parts[size:]])
        return None

    def dotted(self, target: str) -> str | None:
        """A dotted target after the longest declared name or module move of a prefix."""
        parts = target.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            new = self.names.get(prefix) or self.modules.get(prefix)
            if new is not None:
                return ".".join([new, *parts[size:]])
        return None


class BrokenImports(Checker):
    """NL501–NL503 over the project index."""

    rules = (NL501, NL502, NL503)
    pack_sections = (MODULE_MOVES, NAME_MOVES)
    uses_index = True

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        if not isinstance(value, dict):
            raise PackError(f'{origin}: [{section}] must be a table of "old" = "new" dotted names')
        entries = []
        for old, new in value.items():
            if not isinstance(new, str) or not _is_dotted(old) or not _is_dotted(new):
                raise PackError(
                    f"{origin}: [{section}] entry {old!r} = {new!r}: both sides must be dotted Python names"
                )
            if section == NAME_MOVES and ("." not in old or "." not in new):
                raise PackError(f"{origin}: [{section}] entry {old!r} = {new!r}: write 'module.Name' on both sides")
            if old == new:
                raise PackError(f"{origin}: [{section}] entry {old!r} maps to itself")
            entries.append((old, new, origin))
        return entries

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        validate_rename_map(section, entries)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._memo_index: ProjectIndex | None = None
        self._memo: dict[tuple[Any, ...], Any] = {}

    @cached_property
    def moves(self) -> _Moves:
        return _Moves(self.packs(MODULE_MOVES), self.packs(NAME_MOVES))

    def needles(self) -> tuple[str, ...]:
        return ("import", "patch", "setattr")

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        index = ctx.index
        if index is None or ctx.source.path.suffix == ".pyi":
            return
        summary = index.summary_for(ctx.source.path, ctx.text) or index.summarize_file(ctx.source.path, ctx.text)
        if self._memo_index is not index:
            self._memo_index, self._memo = index, {}
        yield from _FileCheck(ctx, index, summary, self.moves, self._memo).run()


class _FileCheck:
    """The checks of one file; LibCST is parsed only if a fix is built."""

    def __init__(
        self,
        ctx: FileContext,
        index: ProjectIndex,
        summary: FileSummary,
        moves: _Moves,
        memo: dict[tuple[Any, ...], Any],
    ) -> None:
        self.ctx = ctx
        self.memo = memo  # answers shared by every file of the run (many files share a broken import)
        self.index = index
        self.summary = summary
        self.moves = moves

    def run(self) -> Iterator[Diagnostic]:
        for record in self.summary.imports:
            if record.guarded:  # by ``except ImportError``: deliberate
                continue
            if isinstance(record, ModuleImport):
                yield from self.check_import(record.dotted, record.asname, record.position)
            else:
                yield from self.check_from(record)
        if self.ctx.enabled("NL503"):
            for target in self.summary.targets:
                if target.kind == "import":
                    yield from self.check_import_module(target.value, target.position, target.package)
                else:
                    yield from self.check_patch(target.value, target.position, target.lenient, target.kind)

    # -- positions --

    def span(self, pos: Position) -> tuple[int, int]:
        source = self.ctx.source
        return source.offset_from_utf8(pos[0], pos[1]), source.offset_from_utf8(pos[2], pos[3])

    # -- what the index knows --

    def missing(self, module: str) -> bool:
        """True when ``module`` certainly can't be imported (no dynamic ``__path__`` on the
        way, and not a file that git ignores because a build writes it)."""
        return not self.index.module_exists(module) and not self.dynamic(module) and not self.generated(module)

    def generated(self, module: str) -> bool:
        """Whether ``module``'s file would be one that git ignores where the import looks for
        it: written at build or install time (setuptools-scm's ``_version.py``)."""
        key = ("generated", module)
        if key not in self.memo:
            parent, _, last = module.rpartition(".")
            spec = self.index.find_module(parent) if parent else None
            directories = spec.search if spec is not None else () if parent else tuple(self.index.roots)
            if ("gitignored",) not in self.memo:
                self.memo[("gitignored",)] = gitignored(self.ctx.settings)
            ignored = self.memo[("gitignored",)]
            self.memo[key] = any(
                ignored(Path(d), f"{last}.py", False) or ignored(Path(d), last, True) for d in directories
            )
        return bool(self.memo[key])

    def dynamic(self, dotted: str) -> bool:
        """True when a module on the way to ``dotted`` may provide submodules the index can't
        see: a package that changes its ``__path__``, a compiled module (extensions register
        submodules in ``sys.modules``), or a module that writes to ``sys.modules`` itself."""
        parts = dotted.split(".")
        for size in range(1, len(parts)):
            prefix = ".".join(parts[:size])
            spec = self.index.find_module(prefix)
            if spec is None:
                return False
            if spec.origin is not None and not spec.origin.endswith(".py"):
                return True
            info = self.index.module_info(prefix)
            if info is not None and (info.dynamic_path or (info.open and spec.kind == "module")):
                return True
        return False

    def explain_module(self, module: str) -> str:
        """What the index found where ``module`` should be."""
        parts = module.split(".")
        size = next((k for k in range(len(parts) - 1, 0, -1) if self.index.module_exists(".".join(parts[:k]))), 0)
        if size == 0:
            return f"no module named '{module}'"
        parent, child = ".".join(parts[:size]), parts[size]
        spec = self.index.find_module(parent)
        if spec is not None and spec.kind == "module":
            return f"'{parent}' is a module, not a package"
        close = difflib.get_close_matches(child, self.index.children(parent), n=3, cutoff=0.6)
        similar = f" (it has {_quoted(f'{parent}.{c}' for c in close)})" if close else ""
        return f"'{parent}' has no submodule '{child}'{similar}"

    def explain_name(self, module: str, name: str) -> str:
        close = difflib.get_close_matches(name, self.known_names(module), n=3, cutoff=0.6)
        similar = f" (similar: {_quoted(close)})" if close else ""
        return f"'{module}' binds no '{name}' and has no submodule '{name}'{similar}"

    def known_names(self, module: str) -> list[str]:
        """Names importable from ``module`` as far as the index knows (for suggestions)."""
        info = self.index.module_info(module)
        names = dict.fromkeys(
            [*(info.bindings if info else ()), *(self.index.exported(module) or ()), *self.index.children(module)]
        )
        return list(names)

    def name_destination(self, module: str, name: str) -> tuple[str, list[tuple[str, str]]]:
        """Where ``module.name`` went: ('pack'|'unique'|'ambiguous'|'none', candidates)."""
        key = ("destination", module, name, self.summary.module)
        if key not in self.memo:
            self.memo[key] = self._name_destination(module, name)
        return self.memo[key]  # type: ignore[no-any-return]

    def _name_destination(self, module: str, name: str) -> tuple[str, list[tuple[str, str]]]:
        index = self.index
        moved_module = self.moves.module(module)
        for source in (module, moved_module):  # a renamed name may sit in a moved module
            moved = self.moves.names.get(f"{source}.{name}") if source else None
            if moved:
                target, _, new_name = moved.rpartition(".")
                if index.member(target, new_name) is not None:
                    return "pack", [(target, new_name)]
        if moved_module and index.module_exists(moved_module) and index.member(moved_module, name) is not None:
            return "pack", [(moved_module, name)]
        own = self.summary.module
        binders = [(m, how) for m, how in index.binders(name) if m not in (module, own)]
        defining = sorted({m for m, how in binders if how != "import"})
        if len(defining) > 1:  # closest to the broken path first
            return "ambiguous", [(m, name) for m in sorted(defining, key=lambda m: (-_common_prefix(m, module), m))]
        if not defining:
            return "none", []
        definer = defining[0]
        ref = index.member(definer, name)
        if ref is None or ref.kind == "unknown":
            return "none", []
        options = [definer] + [
            m for m, how in binders if how == "import" and _public(m) and index.member(m, name) == ref
        ]
        best = max(options, key=lambda m: (_common_prefix(m, module), m == definer, -len(m), m))
        return "unique", [(best, name)]

    def close_modules(self, module: str, names: list[str]) -> list[str]:
        """Existing modules close to a misspelt ``module`` that bind every name in ``names``."""
        key = ("close", module, tuple(names))
        if key not in self.memo:
            self.memo[key] = self._close_modules(module, names)
        return self.memo[key]  # type: ignore[no-any-return]

    def _close_modules(self, module: str, names: list[str]) -> list[str]:
        parts = module.split(".")
        size = next((k for k in range(len(parts) - 1, 0, -1) if self.index.module_exists(".".join(parts[:k]))), 0)
        found: list[str] = []
        if size:
            parent = ".".join(parts[:size])
            for child in difflib.get_close_matches(parts[size], self.index.children(parent), n=3, cutoff=0.6):
                found.append(".".join([parent, child, *parts[size + 1 :]]))
        # Elsewhere in the package, a misspelt middle part: same top, depth and last part.
        depth, top, last = len(parts), parts[0] + ".", "." + parts[-1]
        peers = [
            m for m in self.index.modules() if m.endswith(last) and m.startswith(top) and m.count(".") + 1 == depth
        ]
        found += difflib.get_close_matches(module, peers, n=3, cutoff=0.8)
        good = []
        for candidate in dict.fromkeys(found):
            if (
                candidate != module
                and self.index.module_exists(candidate)
                and all(n == "*" or self.index.member(candidate, n) is not None for n in names)
            ):
                good.append(candidate)
        return good

    # -- import a.b.c --

    def check_import(self, dotted: str, asname: str, alias_pos: Position) -> Iterator[Diagnostic]:
        if not self.ctx.enabled("NL501") or not self.index.is_first_party(dotted) or not self.missing(dotted):
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

    # -- from m import a, b --

    def check_from(self, record: FromImport) -> Iterator[Diagnostic]:
        module, level, names, stmt_pos = record.module, record.level, record.names, record.statement
        target = absolute_module(self.summary.module, self.summary.is_package, level, module or None)
        written = "." * level + module
        if target is None:
            if level and self.summary.module is not None and self.ctx.enabled("NL501"):
                where = self.summary.module if self.summary.is_package else self.summary.module.rpartition(".")[0]
                beyond = (
                    f"the top-level package '{where.split('.')[0]}'"
                    if where
                    else f"'{self.summary.module}', which is not in a package"
                )
                yield self.ctx.diagnostic(
                    "NL501", f"Relative import '{written}' goes beyond {beyond}", self.span(stmt_pos)
                )
            return
        if not level and not self.index.is_first_party(target):
            return
        if self.missing(target):
            if self.ctx.enabled("NL501"):
                yield self.missing_module(target, written, names, stmt_pos)
            return
        if self.index.find_module(target) is None or not self.ctx.enabled("NL502"):
            return
        broken = [
            i
            for i, imported in enumerate(names)
            if imported.name != "*" and self.index.member(target, imported.name) is None
        ]
        if not broken:
            return
        # The module is fine: names whose new home is certain move even if others can't.
        plan, notes = self.plan(target, names, broken, partial=True)
        for i in broken:
            name, pos = names[i].name, names[i].position
            message = f"Cannot import name '{name}' from '{target}': {self.explain_name(target, name)}{notes[i][1]}"
            yield self.from_diagnostic("NL502", message, self.span(pos), stmt_pos, plan if notes[i][0] else None)

    def missing_module(
        self, target: str, written: str, names: tuple[ImportedName, ...], stmt_pos: Position
    ) -> Diagnostic:
        shown = f"'{target}'" if written == target else f"'{target}' ('{written}')"
        message = f"No module named {shown}: {self.explain_module(target)}"
        plain = [imported.name for imported in names]
        plan: _Plan | None = None
        moved = self.moves.module(target)
        if "*" in plain:
            if moved and self.index.module_exists(moved):
                plan = _Plan(Applicability.SAFE, {0: (moved, "*")}, f"Import from '{moved}'")
        else:
            plan, notes = self.plan(target, names, list(range(len(names))))
            if plan is None:
                message += "".join(dict.fromkeys(text for certain, text in notes.values() if not certain))
        if plan is not None:
            message += f"; did you mean {_quoted(sorted({t for t, _ in plan.destinations.values()}))}?"
        else:
            close = self.close_modules(target, plain)
            if close:
                plan = _Plan(
                    Applicability.UNSAFE, {i: (close[0], n) for i, n in enumerate(plain)}, f"Import from '{close[0]}'"
                )
                message += f"; did you mean '{close[0]}'?"
        return self.from_diagnostic("NL501", message, self.span(stmt_pos), stmt_pos, plan)

    def plan(
        self, module: str, names: tuple[ImportedName, ...], broken: list[int], partial: bool = False
    ) -> tuple[_Plan | None, dict[int, tuple[bool, str]]]:
        """Destinations for the ``broken`` aliases (a fix only if every one is certain, or
        with ``partial`` for the certain ones), and per alias whether it is certain and what
        the message should add."""
        destinations: dict[int, tuple[str, str]] = {}
        notes: dict[int, tuple[bool, str]] = {}
        certain = True
        for i in broken:
            name = names[i].name
            status, candidates = self.name_destination(module, name)
            if status in ("pack", "unique"):
                destinations[i] = candidates[0]
                target, new_name = candidates[0]
                notes[i] = (True, f"; did you mean '{target}.{new_name}'?")
            else:
                certain = False
                defined = _quoted(m for m, _ in candidates)
                notes[i] = (
                    False,
                    f"; '{name}' is defined in {defined}"
                    if candidates
                    else f"; no first-party module defines '{name}'",
                )
        if not destinations or (not certain and not partial):
            return None, notes
        targets = sorted({t for t, _ in destinations.values()})
        return _Plan(Applicability.SAFE, destinations, f"Import from {_quoted(targets)}"), notes

    def from_diagnostic(
        self, code: str, message: str, span: tuple[int, int], stmt_pos: Position, plan: _Plan | None
    ) -> Diagnostic:
        if plan is None:
            return self.ctx.diagnostic(code, message, span)

        def fix():
            return self.from_edits(stmt_pos, plan)

        return self.ctx.diagnostic(code, message, span, fix=fix, applicability=plan.applicability, fix_title=plan.title)

    # -- NL503: string targets --

    def check_import_module(self, value: str, pos: Position, package: str) -> Iterator[Diagnostic]:
        name = value
        if value.startswith("."):
            stripped = value.lstrip(".")
            name = absolute_module(package, True, len(value) - len(stripped), stripped or None) if package else None  # type: ignore[assignment]
        if not name or not _is_dotted(name) or not self.index.is_first_party(name) or not self.missing(name):
            return
        message = f"import_module('{value}'): {self.explain_module(name)}"
        new, applicability = None, None
        moved = self.moves.module(name)
        if moved and self.index.module_exists(moved):
            new, applicability = moved, Applicability.SAFE
        elif self.close_modules(name, []):
            new, applicability = self.close_modules(name, [])[0], Applicability.UNSAFE
        if new:
            message += f"; did you mean '{new}'?"
        yield self.string_diagnostic(message, pos, value, new if new and value == name else None, applicability)

    def check_patch(self, value: str, pos: Position, lenient: bool, kind: str = "patch") -> Iterator[Diagnostic]:
        if "." not in value or not _is_dotted(value) or not self.index.is_first_party(value):
            return
        ref, resolved = self.index.resolve_steps(value)
        parts = value.split(".")
        if ref is not None or (lenient and resolved == len(parts) - 1) or self.dynamic(value):
            return
        owner, missing = ".".join(parts[:resolved]), parts[resolved]
        owner_ref = self.index.resolve(owner)
        if (
            kind == "patch"
            and resolved == len(parts) - 1
            and missing in _PATCHABLE_BUILTINS
            and owner_ref is not None
            and owner_ref.kind == "module"
        ):
            return  # mock.patch("app.config.open") creates a builtin's name on a module
        if owner_ref is not None and owner_ref.kind == "class":
            info = self.index.class_info(owner)
            close = difflib.get_close_matches(missing, list(info.members) if info else [], n=3, cutoff=0.6)
            similar = f" (similar: {_quoted(close)})" if close else ""
            message = f"Patch target '{value}': class '{owner}' has no member '{missing}'{similar}"
            yield self.string_diagnostic(message, pos, value, None, None)
            return
        message = f"Patch target '{value}': {self.explain_name(owner, missing)}"
        rest = parts[resolved + 1 :]
        new, applicability = None, None
        moved = self.moves.dotted(value)
        if moved and self.target_ok(moved, lenient):
            new, applicability = moved, Applicability.SAFE
        else:
            # The first part the index can place decides: 'app.old.Client' → where Client is.
            chain = [missing, *rest]
            for k in range(len(chain)):
                module, name = ".".join([owner, *chain[:k]]), chain[k]
                status, candidates = self.name_destination(module, name)
                if status == "unique":
                    candidate = ".".join([*candidates[0], *chain[k + 1 :]])
                    if self.target_ok(candidate, lenient):
                        new, applicability = candidate, Applicability.SAFE
                elif status == "ambiguous":
                    message += f"; '{name}' is defined in {_quoted(m for m, _ in candidates)}"
                if status != "none":
                    break
            if new is None:
                for option in difflib.get_close_matches(missing, self.known_names(owner), n=3, cutoff=0.75):
                    candidate = ".".join([owner, option, *rest])
                    if self.target_ok(candidate, lenient):
                        new, applicability = candidate, Applicability.UNSAFE
                        break
        if new:
            message += f"; did you mean '{new}'?"
        yield self.string_diagnostic(message, pos, value, new, applicability)

    def target_ok(self, target: str, lenient: bool) -> bool:
        if self.index.resolve(target) is not None:
            return True
        return lenient and self.index.resolve(target.rpartition(".")[0]) is not None

    def string_diagnostic(
        self, message: str, pos: Position, value: str, new: str | None, applicability: Applicability | None
    ) -> Diagnostic:
        span = self.span(pos)
        if new is None or applicability is None:
            return self.ctx.diagnostic("NL503", message, span)
        match = _STRING.fullmatch(self.ctx.text[span[0] : span[1]])
        if match is None or match.group(3) != value or set(match.group(1).lower()) & {"b", "f"}:
            return self.ctx.diagnostic("NL503", message, span)
        start = span[0] + len(match.group(1)) + len(match.group(2))
        edit = Edit(start, start + len(value), new)
        return self.ctx.diagnostic(
            "NL503", message, span, fix=lambda: [edit], applicability=applicability, fix_title=f"Use '{new}'"
        )

    # -- building the fix of a from-import --

    @cached_property
    def cst_imports(self) -> dict[int, tuple[cst.ImportFrom, bool]]:
        """Every ``from`` import by start offset, and whether it may grow extra lines."""
        found: dict[int, tuple[cst.ImportFrom, bool]] = {}
        ctx = self.ctx

        class Finder(cst.CSTVisitor):
            def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
                for stmt in node.body:
                    if isinstance(stmt, cst.ImportFrom):
                        found[ctx.cst_span(stmt)[0]] = (stmt, True)

            def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
                for stmt in node.body:
                    if isinstance(stmt, cst.ImportFrom):
                        found[ctx.cst_span(stmt)[0]] = (stmt, False)

        ctx.cst_wrapper.visit(Finder())
        return found

    def module_text(self, target: str, relative: bool) -> str:
        """``target`` written relative to this file when the import was relative."""
        own = self.summary.module
        if not relative or not own:
            return target
        package = own.split(".") if self.summary.is_package else own.split(".")[:-1]
        shared = _common_prefix(".".join(package), target) if package else 0
        if shared == 0:
            return target
        return "." * (len(package) - shared + 1) + ".".join(target.split(".")[shared:])

    def from_edits(self, stmt_pos: Position, plan: _Plan) -> list[Edit]:
        start, end = self.span(stmt_pos)
        found = self.cst_imports.get(start)
        if found is None:
            return []
        node, may_split = found
        relative = bool(node.relative)
        groups: dict[str, list[tuple[int, str]]] = {}
        for i, (target, new_name) in plan.destinations.items():
            groups.setdefault(target, []).append((i, new_name))
        if isinstance(node.names, cst.ImportStar):
            (target,) = groups
            return [Edit(start, end, self.ctx.code_for(self.with_module(node, target, relative)))]
        aliases = list(node.names)
        moved_aliases: dict[str, list[cst.ImportAlias]] = {}
        for target, members in groups.items():
            for i, new_name in members:
                moved_aliases.setdefault(target, []).append(self.renamed(aliases[i], new_name))
        kept = [a for i, a in enumerate(aliases) if i not in plan.destinations]
        targets = sorted(moved_aliases)
        if not kept and len(targets) == 1:
            names = [a.with_changes(comma=aliases[k].comma) for k, a in enumerate(moved_aliases[targets[0]])]
            return [
                Edit(
                    start,
                    end,
                    self.ctx.code_for(self.with_module(node, targets[0], relative).with_changes(names=names)),
                )
            ]
        if not may_split:
            return []
        first = node
        if kept:
            # The last kept name takes the original last comma (and, in parentheses, the
            # comment and line break that went with it).
            kept[-1] = kept[-1].with_changes(comma=aliases[-1].comma if node.lpar else cst.MaybeSentinel.DEFAULT)
            first = node.with_changes(names=kept)
        else:
            head = targets.pop(0)
            first = self.with_module(node, head, relative).with_changes(names=self.plain(moved_aliases[head]))
        # The new imports go on their own lines after the statement's last line, so a
        # trailing comment stays with the statement it was written for.
        source = self.ctx.source
        line = source.line_text(source.location(start)[0])
        indent = line[: len(line) - len(line.lstrip())]
        lines = [
            f"{indent}from {self.module_text(t, relative)} import "
            + ", ".join(self.ctx.code_for(a) for a in self.plain(moved_aliases[t]))
            for t in targets
        ]
        end_row = source.location(end)[0]
        if source.line_text(end_row).rstrip().endswith("\\"):
            return []  # a continued line: no safe place for a new statement
        if end_row < len(source.line_starts):
            insertion = Edit(
                source.line_starts[end_row], source.line_starts[end_row], "".join(x + source.newline for x in lines)
            )
        else:  # the last line of a file without a final line break
            insertion = Edit(len(source.text), len(source.text), "".join(source.newline + x for x in lines))
        return [Edit(start, end, self.ctx.code_for(first)), insertion]

    def with_module(self, node: cst.ImportFrom, target: str, relative: bool) -> cst.ImportFrom:
        text = self.module_text(target, relative)
        dots = len(text) - len(text.lstrip("."))
        rest = text[dots:]
        module = cst.parse_expression(rest) if rest else None
        return node.with_changes(relative=[cst.Dot()] * dots, module=module)

    @staticmethod
    def renamed(alias: cst.ImportAlias, new_name: str) -> cst.ImportAlias:
        if new_name == "*" or alias.evaluated_name == new_name:
            return alias
        old = alias.evaluated_name
        asname = alias.asname or cst.AsName(name=cst.Name(old))
        return alias.with_changes(name=cst.Name(new_name), asname=asname)

    @staticmethod
    def plain(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
        """Aliases for a new one-line import: no trailing comma, single spaces."""
        result = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in aliases]
        result[-1] = result[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return result
