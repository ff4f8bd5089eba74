"""The rule pack indexed for the lookups of one run, and the cheap gate a file must pass
before it is parsed with LibCST."""

from __future__ import annotations

import ast
from typing import Any

from ...semantics.scopes import NodesByType
from .pack import CALLABLE_ROLES, LegacyArgument, LegacyAttribute, LegacyName, LegacyPositional


class Tables:
    """The rule pack, indexed for lookups; built once per run and answer to what the
    top-level ``websockets.connect``/``serve``/... are ("new", "legacy" or "mixed": see
    ``AssumedVersion.top_level``)."""

    def __init__(self, packs: dict[str, list[Any]], top_level: str) -> None:
        modules = packs.get("websockets-modules", [])
        self.legacy_modules = tuple(m for entry in modules for m in entry.legacy)
        self.module_advice = modules[0].advice if modules else ""
        self.names: dict[str, LegacyName] = {}
        self.modern_callables: dict[str, str] = {}
        #: Legacy for some of the releases the project admits, new for the others: reported
        #: only where the code does something that only one of them supports.
        self.ambiguous: set[str] = set()
        for entry in packs.get("websockets-names", []):
            for name in entry.names:
                self.names[name] = entry
            for name in entry.pinned:
                if top_level == "new":
                    self.modern_callables[name] = entry.role
                else:
                    self.names[name] = entry
                    if top_level == "mixed":
                        self.ambiguous.add(name)
            if entry.role in CALLABLE_ROLES:
                self.modern_callables[entry.new] = entry.role
        self.receiver_classes = {
            name: item.kind for item in packs.get("websockets-receivers", []) for name in item.classes
        }
        self.arguments: dict[tuple[str, str], LegacyArgument] = {
            (a.name, c): a for a in packs.get("websockets-arguments", []) for c in a.callees
        }
        self.positional: dict[tuple[str, int], LegacyPositional] = {
            (p.callee, p.index): p for p in packs.get("websockets-positional", [])
        }
        self.attributes: dict[tuple[str, str], LegacyAttribute] = {
            (a.name, a.receiver): a for a in packs.get("websockets-attributes", [])
        }
        known = [*self.names, *self.modern_callables, *self.receiver_classes]
        #: Modules and classes above a known name: an attribute chain from them may reach it.
        self.enclosing = {name.rsplit(".", depth)[0] for name in known for depth in range(1, name.count(".") + 1)}
        self.attribute_names = {name for name, _ in self.attributes}
        #: Names a fix may import: where they are bound decides how the fix spells them.
        self.new_names = {entry.new.rpartition(".")[2] for entry in self.names.values() if entry.new} | {"State"}

    def is_legacy_module(self, qualified: str) -> bool:
        return any(qualified == m or qualified.startswith(m + ".") for m in self.legacy_modules)

    def worth_analysing(self, nodes: NodesByType) -> bool:
        """Cheap gate on the stdlib AST (``nodes``: a file's, by type), before any LibCST
        work: can anything here be reported?

        A file that only imports new callables and connection classes by name can only be
        reported for a legacy argument of a call, a legacy attribute of a connection bound
        in the file, or a ``serve`` handler; anything else imported from websockets is
        analysed in full."""
        for node in nodes.get(ast.Import, ()):
            if any(a.name.split(".")[0] == "websockets" for a in node.names):  # type: ignore[attr-defined]
                return True  # attribute chains may reach anything
        roles: set[str] = set()
        receivers = False
        for node in nodes.get(ast.ImportFrom, ()):
            module = node.module or ""  # type: ignore[attr-defined]
            if node.level or module.split(".")[0] != "websockets":  # type: ignore[attr-defined]
                continue
            for alias in node.names:  # type: ignore[attr-defined]
                qualified = f"{module}.{alias.name}"
                if (
                    alias.name == "*"
                    or qualified in self.names
                    or qualified in self.enclosing
                    or self.is_legacy_module(qualified)
                ):
                    return True
                if qualified in self.modern_callables:
                    roles.add(self.modern_callables[qualified])
                elif qualified in self.receiver_classes:
                    receivers = True
        if not roles and not receivers:
            return False
        if roles & {"serve", "unix_serve"}:
            return True
        keywords = {node.arg for node in nodes.get(ast.keyword, ()) if node.arg is not None}  # type: ignore[attr-defined]
        if any((name, role) in self.arguments for name in keywords for role in roles):
            return True
        positionals = max((len(node.args) for node in nodes.get(ast.Call, ())), default=0)  # type: ignore[attr-defined]
        if any(role in roles and positionals > index for role, index in self.positional):
            return True
        attribute_owners: set[str] = set()  # names whose legacy-named attribute is read
        nested_attribute = False  # a legacy-named attribute read on an attribute (`self.ws.open`)
        for node in nodes.get(ast.Attribute, ()):
            if node.attr in self.attribute_names:  # type: ignore[attr-defined]
                if type(node.value) is ast.Name:  # type: ignore[attr-defined]
                    attribute_owners.add(node.value.id)  # type: ignore[attr-defined]
                else:
                    nested_attribute = True
        if nested_attribute and receivers:
            return True
        if not attribute_owners:
            return False
        bound = {node.arg for node in nodes.get(ast.arg, ())}  # type: ignore[attr-defined]
        bound.update(node.id for node in nodes.get(ast.Name, ()) if type(node.ctx) is ast.Store)  # type: ignore[attr-defined]
        bound.update(node.name for node in nodes.get(ast.ExceptHandler, ()) if node.name)  # type: ignore[attr-defined]
        return bool(attribute_owners & bound)
