"""Groups of edits that must be applied together.

Rewrites that only work together form one group: switching ``connect`` from
``websockets.legacy.client`` to ``websockets.asyncio.client`` also renames its legacy
keyword arguments, rewrites the attributes of the connections it returns and the
``except InvalidStatusCode`` around it. Every diagnostic of a group carries the same fix,
so the group is applied whole or, when something in it can't be rewritten mechanically
(a *blocker*), not at all, and each diagnostic then says why. A group also knows the
oldest websockets release its edits need: it is not applied where the project may run an
older one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...diagnostics import Applicability, Edit
from .version import LOWEST, Version


@dataclass(eq=False)
class Group:
    """Edits that only make sense together; blocked groups are reported, never applied."""

    blockers: list[str] = field(default_factory=list)
    producers: list[Callable[[], list[Edit] | None]] = field(default_factory=list)
    applicability: Applicability = Applicability.SAFE
    #: The oldest release that has everything the edits write, and what needs it.
    requires: Version = LOWEST
    required_by: str = ""
    parent: Group | None = None
    _edits: tuple[Edit, ...] | None = None

    def root(self) -> Group:
        group = self
        while group.parent is not None:
            group = group.parent
        return group

    def join(self, other: Group) -> None:
        a, b = self.root(), other.root()
        if a is b:
            return
        b.parent = a
        a.blockers.extend(b.blockers)
        a.producers.extend(b.producers)
        if b.applicability is Applicability.UNSAFE:
            a.applicability = Applicability.UNSAFE
        a.require(b.requires, b.required_by)

    def make_unsafe(self) -> None:
        self.root().applicability = Applicability.UNSAFE

    def require(self, version: Version, what: str) -> None:
        """The edits write ``what``, which exists from websockets ``version`` on."""
        root = self.root()
        if version > root.requires:
            root.requires, root.required_by = version, what

    def block(self, reason: str) -> None:
        root = self.root()
        if reason not in root.blockers:
            root.blockers.append(reason)

    def add(self, producer: Callable[[], list[Edit] | None]) -> None:
        self.root().producers.append(producer)

    def edits(self) -> tuple[Edit, ...]:
        """All edits of the group; empty when one part turns out impossible to write."""
        root = self.root()
        if root._edits is None:
            collected: set[Edit] = set()
            for produce in root.producers:
                made = produce()
                if made is None:
                    collected = set()
                    break
                collected.update(made)
            root._edits = tuple(sorted(collected))
        return root._edits


def block(group: Group | None, reason: str) -> None:
    """Block the group of a legacy callee, if there is one (a new callee has none to block)."""
    if group is not None:
        group.block(reason)
