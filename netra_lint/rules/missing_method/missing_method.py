"""The NL401 checker: the class models of a run, shared by its files, and the check of
each file that may hold a receiver of a first-party class."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from ...checker import Checker, Diagnostic, FileContext, PackError, validate_rename_map
from ...index import FromImport, ModuleImport, ProjectIndex
from ...source import SourceFile
from .classes import _Classes
from .facts import collect_facts
from .nl401_missing_method import NL401, _FileCheck

SECTION = "method-renames"


class MissingMethod(Checker):
    """NL401 over the project index and the file's stdlib AST."""

    rules = (NL401,)
    pack_sections = (SECTION,)
    uses_index = True

    @staticmethod
    def file_facts(tree: ast.Module, source: SourceFile) -> tuple[Any, ...]:
        return collect_facts(tree, source)

    _memo_index: ProjectIndex | None = None
    _memo_classes: _Classes | None = None

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        if not isinstance(value, dict):
            raise PackError(f'{origin}: [{section}] must be a table of "module.Class.old_name" = "new_name"')
        entries = []
        for key, new in value.items():
            parts = key.split(".")
            if len(parts) < 3 or not all(p.isidentifier() for p in parts):
                raise PackError(
                    f"{origin}: [{section}] entry {key!r}: write the class's qualified name and the old member name,"
                    " as 'module.Class.old_name'"
                )
            if not isinstance(new, str) or not new.isidentifier():
                raise PackError(
                    f"{origin}: [{section}] entry {key!r} = {new!r}: the new name must be a single identifier"
                )
            if new == parts[-1]:
                raise PackError(f"{origin}: [{section}] entry {key!r} maps to itself")
            entries.append((key, new, origin))
        return entries

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        # 'module.Class.old' = 'new' leads on to 'module.Class.new'.
        validate_rename_map(section, entries, lambda old, new: f"{old.rpartition('.')[0]}.{new}")

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        index = ctx.index
        if index is None or ctx.source.path.suffix == ".pyi" or not self._worth_parsing(ctx, index):
            return
        if self._memo_index is not index:
            self._memo_index, self._memo_classes = index, _Classes(index, self.packs(SECTION))
        assert self._memo_classes is not None
        yield from _FileCheck(ctx, index, self._memo_classes).run()

    def prepare(self, index: ProjectIndex) -> None:
        index.called_names()
        index.parameter_stores()
        index.subclass_table()

    @staticmethod
    def _worth_parsing(ctx: FileContext, index: ProjectIndex) -> bool:
        """A file that defines no class and imports nothing first-party has no receiver we can type."""
        if "class" in ctx.text:
            return True
        summary = index.summary_for(ctx.source.path, ctx.text)
        if summary is None:
            return True
        for record in summary.imports:
            if isinstance(record, ModuleImport) and index.is_first_party(record.dotted):
                return True
            if isinstance(record, FromImport) and (record.level > 0 or index.is_first_party(record.module)):
                return True
        return False
