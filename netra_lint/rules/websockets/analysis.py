"""The analysis of one file: its tree, names and receivers, the fix groups of its legacy
names and calls, and the findings the checks report, emitted once all have run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ...checker import FileContext
from ...diagnostics import Diagnostic, Edit
from ...importedits import OptionalImports, dotted_name
from ...lazy import libcst as cst
from .groups import Group
from .pack import CALLABLE_ROLES, LegacyName
from .pins import AssumedVersion
from .resolution import Receivers, Reference, Resolver
from .syntax import Collector, root_name
from .tables import Tables


@dataclass
class Pending:
    """A finding, kept until every check has run: its group's blockers are known only then."""

    code: str
    message: str
    node: cst.CSTNode
    group: Group | None  # the fix it carries
    about: Group | None = None  # the group it keeps from being fixed, when it carries none
    #: Shown only if the group has findings that aren't conditional (a name that is legacy
    #: in only some of the releases the project admits: it matters only where the code
    #: uses something that only one implementation has).
    conditional: bool = False

    def concerns(self) -> Group | None:
        group = self.group or self.about
        return group.root() if group is not None else None


class Callee(NamedTuple):
    """What a call calls: the role of a websockets callable, and whether it is the legacy one."""

    role: str
    legacy: Group | None  # the group of the legacy binding; None: the callee is already new
    entry: LegacyName | None


@dataclass
class Uses:
    """The references to one legacy name that its group rewrites."""

    entry: LegacyName
    nodes: list[cst.CSTNode] = field(default_factory=list)


def _is_websockets(module: str) -> bool:
    return module == "websockets" or module.startswith("websockets.")


class FileAnalysis:
    """What the checks of one file share; each check reads it and adds findings and groups."""

    def __init__(self, tables: Tables, ctx: FileContext, pin: AssumedVersion) -> None:
        self.ctx = ctx
        self.tables = tables
        self.pin = pin
        self.module = ctx.cst_module
        self.collected = Collector()
        self.module.visit(self.collected)
        self.resolver = Resolver(ctx, self.collected)
        self.receivers = Receivers(self.resolver)
        self.pending: list[Pending] = []
        self.groups: dict[Any, Group] = {}
        self.uses: dict[Group, Uses] = {}
        self.call_groups: dict[cst.Call, Callee] = {}
        self.reported_callbacks: set[cst.CSTNode] = set()
        #: References to a legacy factory whose call NL102 rewrites (see `with-serve` in the pack).
        self.rewritten_factories: set[cst.CSTNode] = set()
        self.optional_imports = OptionalImports(ctx)

    def resolve(self, node: cst.CSTNode) -> Reference | None:
        return self.resolver.resolve(node)

    def legacy_entry(self, qualified: str) -> LegacyName | None:
        return self.tables.names.get(qualified)

    def is_legacy_module(self, qualified: str) -> bool:
        return self.tables.is_legacy_module(qualified)

    # -- imports a fix adds ----------------------------------------------------------------------

    def add_import(self, module: str, name: str | None = None) -> list[Edit]:
        """The import a fix needs, as optional as the file's websockets import (see
        ``OptionalImports``)."""
        return self.optional_imports.add(_is_websockets, module, name)

    # -- groups and findings -------------------------------------------------------------------

    def group_key(self, ref: Reference, entry: LegacyName) -> Any:
        """Uses through one from-import share its group; attribute chains group by root name and entry."""
        if isinstance(ref.origin, cst.Attribute):
            return ("chain", dotted_name(root_name(ref.origin)), entry)
        binding = ref.binding
        statement = self.resolver.names.node_of(binding) if binding is not None else None
        if binding is None or not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            return None
        return self.resolver.names.cst_at(binding.node, cst.ImportAlias)

    def group(self, key: Any) -> Group:
        if key not in self.groups:
            self.groups[key] = Group()
        return self.groups[key]

    def report(
        self,
        code: str,
        message: str,
        node: cst.CSTNode,
        group: Group | None = None,
        about: Group | None = None,
        conditional: bool = False,
    ) -> None:
        """A finding; ``group``: the fix it carries; ``about``: the legacy group it blocks
        when it carries none; ``conditional``: see ``Pending``."""
        self.pending.append(Pending(code, message, node, group, about, conditional))

    def blockers(self, root: Group) -> list[str]:
        """What keeps a group from being applied: its blockers, and a release it needs that
        the project may not run."""
        if self.pin.guarantees(root.requires):
            return root.blockers
        return [*root.blockers, self.pin.lacks(root.requires, root.required_by)]

    def emit(self) -> list[Diagnostic]:
        """The findings, once each: a blocked group's findings say what blocks it and carry no fix."""
        out = []
        seen: set[tuple[str, int, int]] = set()
        material = {item.concerns() for item in self.pending if not item.conditional}
        for item in self.pending:
            if item.conditional and item.concerns() not in material:
                continue
            span = self.ctx.cst_span(item.node)
            if (item.code, *span) in seen:
                continue
            seen.add((item.code, *span))
            message = item.message
            fix: Callable[[], Iterable[Edit]] | None = None
            applicability = None
            if item.group is not None:
                root = item.group.root()
                blockers = self.blockers(root)
                if blockers:
                    message += f" (not fixed automatically: {'; '.join(blockers)})"
                else:
                    fix, applicability = root.edits, root.applicability
            out.append(
                self.ctx.diagnostic(
                    item.code,
                    message,
                    span,
                    fix=fix,
                    applicability=applicability,
                    fix_title="Migrate to websockets.asyncio",
                )
            )
        return out

    # -- calls and receivers ---------------------------------------------------------------------

    def callee(self, call: cst.Call) -> Callee | None:
        ref = self.resolve(call.func)
        if ref is None:
            return None
        entry = self.legacy_entry(ref.qualified)
        if entry is not None and entry.role in CALLABLE_ROLES:
            group = self.groups.get(self.group_key(ref, entry)) or Group(
                blockers=["the legacy name could not be traced"]
            )
            return Callee(entry.role, group, entry)
        role = self.tables.modern_callables.get(ref.qualified)
        return Callee(role, None, None) if role else None
