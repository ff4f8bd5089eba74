"""Where a missing name or module went: a move a rule pack declares, the one first-party
module that defines the name (or its public re-export closest to the broken path), or a
close match of a misspelt module path."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import NamedTuple

from ...checker import Applicability
from ...index import ImportedName
from .file_check import _common_prefix, _FileCheck, _public, _quoted


@dataclass(frozen=True)
class _Plan:
    """Where the names of one import go: alias position → (module, new name)."""

    applicability: Applicability
    destinations: dict[int, tuple[str, str]]
    title: str


class _Plans(NamedTuple):
    """The fixes of one import's broken names: ``safe`` moves the names whose new home is
    certain, ``unsafe`` (None when it would move no more) also the names defined in several
    modules; ``notes`` is what each alias's message adds."""

    safe: _Plan | None
    unsafe: _Plan | None
    notes: dict[int, str]

    def for_alias(self, i: int) -> _Plan | None:
        """The fix of alias ``i``'s own finding."""
        plan = self.safe if self.safe is not None and i in self.safe.destinations else self.unsafe
        return plan if plan is not None and i in plan.destinations else None


class _Destinations(_FileCheck):
    """Destinations of the names and modules a file's imports can't find."""

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
        found += [
            peer
            for peer in difflib.get_close_matches(module, peers, n=3, cutoff=0.8)
            if all(_similar(a, b) for a, b in zip(parts, peer.split(".")) if a != b)  # not just a long shared path
        ]
        good = []
        for candidate in dict.fromkeys(found):
            if (
                candidate != module
                and self.index.module_exists(candidate)
                and all(n == "*" or self.known(candidate, n) for n in names)
            ):
                good.append(candidate)
        return good

    def known(self, module: str, name: str) -> bool:
        """Whether the index knows that ``module`` provides ``name`` (not merely that it
        may: a module ``__getattr__`` or a star import it can't follow)."""
        ref = self.index.member(module, name)
        return ref is not None and ref.kind != "unknown"

    def nearest(self, candidates: list[str], module: str) -> str | None:
        """Of several modules that define a name, the one nearest in the package tree to
        this file or to ``module``, where the name used to be imported from; None when
        several are as near (a name that many modules define, such as a constant)."""
        own = self.summary.module or ""

        def distance(candidate: str) -> tuple[int, int, int]:
            to_file, to_old = _tree_distance(candidate, own), _tree_distance(candidate, module)
            return min(to_file, to_old), to_old, to_file

        ranked = sorted(candidates, key=distance)
        if not ranked or (len(ranked) > 1 and distance(ranked[0]) == distance(ranked[1])):
            return None
        return ranked[0]

    def plans(self, module: str, names: tuple[ImportedName, ...], broken: list[int]) -> _Plans:
        """Where the ``broken`` aliases of an import of ``module`` go: the safe plan moves
        the names whose new home is certain, the unsafe one also those defined in several
        modules (to the nearest); with what each alias's message should add."""
        certain: dict[int, tuple[str, str]] = {}
        guessed: dict[int, tuple[str, str]] = {}
        notes: dict[int, str] = {}
        for i in broken:
            name = names[i].name
            status, candidates = self.name_destination(module, name)
            if status in ("pack", "unique"):
                certain[i] = candidates[0]
                notes[i] = "; did you mean '{}.{}'?".format(*candidates[0])
            elif status == "ambiguous" and (
                nearest := self.nearest([m for m, _ in candidates if self.known(m, name)], module)
            ):
                guessed[i] = (nearest, name)
                others = _quoted(m for m, _ in candidates if m != nearest)
                notes[i] = f"; did you mean '{nearest}.{name}'? ('{name}' is also defined in {others})"
            elif candidates:
                notes[i] = f"; '{name}' is defined in {_quoted(m for m, _ in candidates)}"
            else:
                notes[i] = f"; no first-party module defines '{name}'"
        unsafe = _plan(Applicability.UNSAFE, certain | guessed) if guessed else None
        return _Plans(_plan(Applicability.SAFE, certain), unsafe, notes)


def _similar(a: str, b: str) -> bool:
    """Whether one part of a dotted path could be a misspelling of the other."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def _tree_distance(a: str, b: str) -> int:
    """Steps from module ``a`` to module ``b`` through their common package."""
    shared = _common_prefix(a, b)
    return a.count(".") + b.count(".") + 2 - 2 * shared


def _plan(applicability: Applicability, destinations: dict[int, tuple[str, str]]) -> _Plan | None:
    if not destinations:
        return None
    targets = sorted({t for t, _ in destinations.values()})
    return _Plan(applicability, destinations, f"Import from {_quoted(targets)}")
