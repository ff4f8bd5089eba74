"""The NL5 checker: each import and patch target of a file's summary, through the checks of
the code it may break (NL501 module, NL502 name, NL503 string target)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from ...checker import Checker, Diagnostic, FileContext, validate_rename_map
from ...index import FromImport, ModuleImport, ProjectIndex, ThirdPartyNames, absolute_module
from ...settings import Settings
from .moves import MODULE_MOVES, NAME_MOVES, _Moves, parse_pack
from .nl501_missing_module import NL501, _MissingModule
from .nl502_missing_name import NL502, _MissingName
from .nl503_missing_patch_target import NL503, _MissingPatchTarget


class BrokenImports(Checker):
    """NL501–NL503 over the project index."""

    rules = (NL501, NL502, NL503)
    pack_sections = (MODULE_MOVES, NAME_MOVES)
    uses_index = True

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        return parse_pack(section, value, origin)

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

    @cached_property
    def third_party_key(self) -> str:
        return ThirdPartyNames(str(self.settings.project_root)).key()

    def file_inputs(self, path: Path) -> str:
        """Which names are installed decides whether a namespace directory's imports are
        checked (what the project declares is part of the index's fingerprint)."""
        return self.third_party_key

    def needles(self) -> tuple[str, ...]:
        return ("import", "patch", "setattr")

    def focus(self, ctx: FileContext) -> Collection[str]:
        """The fixes rewrite ``from`` imports, the only code read with LibCST: a body
        without an import statement is blanked (see ``focus``)."""
        return ("import",)

    def prepare(self, index: ProjectIndex) -> None:
        index.binder_table()  # where a missing name really lives

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        index = ctx.index
        if index is None or ctx.source.path.suffix == ".pyi":
            return
        summary = index.summary_for(ctx.source.path, ctx.text) or index.summarize_file(ctx.source.path, ctx.text)
        if self._memo_index is not index:
            self._memo_index, self._memo = index, {}
        yield from _FileRun(ctx, index, summary, self.moves, self._memo).run()


class _FileRun(_MissingModule, _MissingName, _MissingPatchTarget):
    """Every check of one file."""

    def run(self) -> Iterator[Diagnostic]:
        for record in self.summary.imports:
            if record.guarded or self.beside(record):  # guarded by ``except ImportError``: deliberate
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

    def beside(self, record: ModuleImport | FromImport) -> bool:
        """An import that finds its module in the directory the file puts on ``sys.path``
        (a script importing its sibling modules): not checked as a module of the project."""
        dotted = record.dotted if isinstance(record, ModuleImport) else record.module
        return (
            bool(self.summary.sys_path)
            and not getattr(record, "level", 0)
            and self.index.beside(self.summary, dotted) is not None
        )

    def check_from(self, record: FromImport) -> Iterator[Diagnostic]:
        """``from m import a, b``: the module (NL501), then its names (NL502)."""
        module, level, names, stmt_pos = record.module, record.level, record.names, record.statement
        target = absolute_module(self.summary.module, self.summary.is_package, level, module or None)
        written = "." * level + module
        if target is None:
            yield from self.beyond_the_top(level, written, stmt_pos)
            return
        if not level and not self.index.is_first_party(target):
            yield from self.missing_dependency(target, stmt_pos)
            return
        if self.missing(target):
            if self.ctx.enabled("NL501"):
                yield self.missing_module(target, written, names, stmt_pos)
            return
        if self.index.find_module(target) is None or not self.ctx.enabled("NL502"):
            return
        yield from self.missing_names(target, names, stmt_pos)
