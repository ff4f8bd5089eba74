"""What the references of one file name, in this family's terms: the deprecated entry a
reference names, the deprecated class a receiver is an instance of, and whether a name is
free for the replacement.

The questions are the semantic layer's (``netra_lint.semantics``), asked of the stdlib
``ast`` model the file context builds: qualified names through every import form, alias,
relative import and star import; instance evidence; where a reference stands. This module
only maps the answers through the packs' ``old`` names, so names are matched by where they
come from, never by their spelling.
"""

from __future__ import annotations

import ast
from collections.abc import Hashable
from typing import NamedTuple

from ...semantics.instances import AWAITED, CALLED, InstancePolicy, InstanceTyper
from ...semantics.model import SemanticModel
from ...semantics.names import BUILTIN_NAMES
from ...semantics.references import qualified_name
from ...semantics.scopes import CLASS, CLASS_DEF, DEFINITION, FROM_IMPORT, MODULE, NAMING_KINDS
from .pack import Deprecation


class Receiver(NamedTuple):
    """A receiver's deprecated class, and whether this file builds it by calling the class."""

    entry: Deprecation
    built: bool


class DeprecationPolicy(InstancePolicy):
    """What the packs know: which names are deprecated classes, what their factories
    return, and that the import paths of one entry are one class."""

    def __init__(self, by_old: dict[str, Deprecation], factories: dict[str, Deprecation]) -> None:
        self.by_old = by_old
        self.factories = factories

    def is_class(self, qualified: str) -> bool:
        entry = self.by_old.get(qualified)
        return entry is not None and entry.kind == "class"

    def call_result(self, callee: str, use: str) -> str | None:
        """A pack factory gives an instance, called or awaited (the pack doesn't say which)."""
        entry = self.factories.get(callee)
        return entry.old[0] if entry is not None and use in (CALLED, AWAITED) else None

    def key(self, cls: str) -> Hashable:
        return self.by_old.get(cls, cls)


class Resolver:
    """The family's questions about one file, answered by its semantic model."""

    def __init__(self, model: SemanticModel, by_old: dict[str, Deprecation], factories: dict[str, Deprecation]):
        self.model = model
        defined = _defined_here(model, by_old)
        #: The entries by old name, but those this file defines: the deprecated class's own
        #: module (``self.fetch()`` in its methods) is no user of it.
        self.by_old = {name: entry for name, entry in by_old.items() if entry not in defined} if defined else by_old
        self.typer = InstanceTyper(model, DeprecationPolicy(self.by_old, factories))

    def entry_of(self, node: ast.expr) -> Deprecation | None:
        """The entry a Name or attribute chain refers to, when every name it may stand for
        is that entry."""
        found = qualified_name(self.model, node)
        if found is None:
            return None
        entries = {self.by_old.get(name) for name in found.names}
        return entries.pop() if len(entries) == 1 else None

    def instance_of(self, node: ast.expr) -> Receiver | None:
        """The deprecated class ``node`` is known to be an instance of, if any."""
        found = self.typer.instance_of(node)
        if found is None:
            return None
        entry = self.by_old.get(found.cls)
        return Receiver(entry, found.built) if entry is not None and entry.kind == "class" else None

    def imports_only(self, read: ast.Name, entry: Deprecation) -> bool:
        """Whether every binding a read of a name sees imports ``entry`` (and no star
        import may rebind it): renaming the import then renames what the read reads."""
        found = qualified_name(self.model, read)
        return (
            found is not None
            and found.alias is None
            and all(b.kind == FROM_IMPORT and self.by_old.get(b.target or "") is entry for b in found.bindings)
        )

    def name_free(self, name: str, at: ast.AST, qualified: str) -> bool:
        """Whether ``name``, read where ``at`` runs and at module level, is unbound (no
        builtin, no star import that may bind it) or bound only to ``qualified``."""
        model = self.model
        for scope in dict.fromkeys((model.scope_at(at), model.module_scope)):
            found = model.lookup(name, scope)
            if found is None:
                if name in BUILTIN_NAMES or model.star_may_bind(name):
                    return False
            elif any(b.kind not in NAMING_KINDS or b.target != qualified for b in found[1]):
                return False
        return True


def _defined_here(model: SemanticModel, by_old: dict[str, Deprecation]) -> set[Deprecation]:
    """The entries whose class or function the file defines (a def or class at module or
    class level, which the model names by the file's module)."""
    return {
        by_old[binding.target]
        for scope in model.scopes
        if scope.kind in (MODULE, CLASS)
        for bindings in scope.bindings.values()
        for binding in bindings
        if binding.kind in (CLASS_DEF, DEFINITION) and binding.target in by_old
    }
