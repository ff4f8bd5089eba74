"""The ``Checker`` of the deprecated-API family: loads the packs, picks the files worth an
analysis, and runs the three codes over it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from ...checker import Checker, Diagnostic, FileContext, PackError
from ...focus import related_identifiers
from . import nl201_import, nl202_call, nl203_member
from .analysis import _Analysis
from .candidates import may_report
from .nl201_import import Usage, collect_references, patch_target_findings, reference_findings
from .nl202_call import deprecated_call
from .nl203_member import missing_member
from .pack import SECTION, Deprecation, parse_entry, validate_all


class DeprecatedApiChecker(Checker):
    """Finds uses of deprecated project APIs that rule packs describe, and rewrites them."""

    rules = (nl201_import.RULE, nl202_call.RULE, nl203_member.RULE)
    pack_sections = (SECTION,)

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        entries: list[Deprecation] = self.packs(SECTION)
        self.by_old = {name: entry for entry in entries for name in entry.old}
        self.factories = {name: entry for entry in entries for name in entry.factories}
        self.entry_needles = {
            entry: {name.rsplit(".", 1)[1] for name in (*entry.old, *entry.factories)} for entry in entries
        }

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Deprecation]:
        if not isinstance(value, list):
            raise PackError(f"{origin}: [{section}] must be an array of tables ([[{section}]])")
        return [parse_entry(item, origin, number) for number, item in enumerate(value, start=1)]

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        validate_all(entries)

    def needles(self) -> Collection[str]:
        return sorted({needle for found in self.entry_needles.values() for needle in found})

    def banned_apis(self) -> dict[str, str]:
        return {name: f"Deprecated: use `{entry.new}` instead." for entry in self.by_old.values() for name in entry.old}

    def focus(self, ctx: FileContext) -> Collection[str]:
        """Code that reaches a deprecated name, and the names a fix may bring in."""
        seeds = {*self.needles(), *(entry.new_name for entry in self.by_old.values())}
        return related_identifiers(ctx.ast_tree, ctx.text, seeds)

    def candidate(self, ctx: FileContext) -> bool:
        needles = {n for entry in self._mentioned(ctx.text) for n in self.entry_needles[entry]}
        return bool(needles) and may_report(
            ctx.ast_nodes, lambda: ctx.semantic_model, self.by_old, self.factories, needles
        )

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        entries = self._mentioned(ctx.text)
        if entries:
            yield from _findings(_Analysis(ctx, self.by_old, self.factories), entries)

    def _mentioned(self, text: str) -> list[Deprecation]:
        """The entries whose names the text holds."""
        return [entry for entry, found in self.entry_needles.items() if any(n in text for n in found)]


def _findings(analysis: _Analysis, entries: Sequence[Deprecation]) -> Iterator[Diagnostic]:
    """The calls first (NL202/NL203), since a call that still needs the old class withholds
    the fix of its imports (NL201)."""
    usages: dict[Deprecation, Usage] = {entry: Usage() for entry in entries}
    for site in analysis.call_sites():
        finding = deprecated_call(analysis, site)
        if finding is None:
            finding = missing_member(analysis, site)
        if finding is not None:
            usages.setdefault(site.entry, Usage()).calls += 1
            yield finding
    yield from patch_target_findings(analysis)
    for entry, usage in usages.items():
        collect_references(analysis, entry, usage)
    for entry, usage in usages.items():
        yield from reference_findings(analysis, entry, usage)
