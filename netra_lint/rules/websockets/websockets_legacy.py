"""The websockets rule family (NL101–NL107): its checker, and the order its checks run in."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ...checker import Checker, FileContext, Option, RuleInfo
from ...diagnostics import Diagnostic
from ...focus import related_identifiers
from ...lazy import libcst as cst
from . import (
    flows,
    nl101_import,
    nl102_argument,
    nl103_attribute,
    nl104_handler,
    nl105_exception,
    nl106_callback,
    nl107_event_loop,
)
from .analysis import FileAnalysis
from .candidates import may_report
from .groups import Group
from .instances import TypedReceivers
from .pack import SECTIONS, parse_section, validate_section
from .pins import ProjectPins, per_directory_problem
from .tables import Tables
from .version import version_problem


class WebSocketsLegacy(Checker):
    """Legacy websockets asyncio API → ``websockets.asyncio`` (rules NL101–NL107)."""

    rules: ClassVar[tuple[RuleInfo, ...]] = (
        nl101_import.RULE,
        nl102_argument.RULE,
        nl103_attribute.RULE,
        nl104_handler.RULE,
        nl105_exception.RULE,
        nl106_callback.RULE,
        nl107_event_loop.RULE,
    )
    pack_sections: ClassVar[tuple[str, ...]] = SECTIONS
    options: ClassVar[dict[str, Option]] = {
        "websockets-version": Option(str, version_problem),
        "per-directory": Option(dict, per_directory_problem),
    }

    @classmethod
    def parse_pack(cls, section: str, value: Any, origin: str) -> list[Any]:
        return parse_section(section, value, origin, tuple(rule.code for rule in cls.rules), cls.__name__)

    @classmethod
    def validate_packs(cls, section: str, entries: list[Any]) -> None:
        validate_section(section, entries)

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._pins: ProjectPins | None = None
        self._tables: dict[str, Tables] = {}

    def needles(self) -> tuple[str, ...]:
        return ("websockets",)

    def banned_apis(self) -> dict[str, str]:
        banned = {}
        for entry in self.packs("websockets-modules"):
            for module in entry.legacy:
                banned[module] = f"Legacy websockets API: {entry.advice.rstrip('.')}."
        pinned = self.pins.for_directory(self.pins.root).top_level != "new"
        for item in self.packs("websockets-names"):
            replacement = f"use `{item.new}` instead" if item.new else item.advice.rstrip(".") or "no replacement"
            for name in (*item.names, *(item.pinned if pinned else ())):
                banned[name] = f"Legacy websockets API: {replacement}."
        return banned

    @property
    def pins(self) -> ProjectPins:
        """The websockets each directory runs with (from the configuration or the dependencies)."""
        if self._pins is None:
            settings = self.settings
            self._pins = ProjectPins(
                settings.project_root,
                settings.config_path,
                settings.options.get("websockets-version"),
                settings.options.get("per-directory", {}),
            )
        return self._pins

    def tables(self, top_level: str) -> Tables:
        if top_level not in self._tables:
            self._tables[top_level] = Tables(self.settings.packs, top_level)
        return self._tables[top_level]

    def file_inputs(self, path: Path) -> str:
        return self.pins.for_file(path).key

    def describe(self, files: Sequence[Path]) -> list[str]:
        return self.pins.describe(files)

    def candidate(self, ctx: FileContext) -> bool:
        pin = self.pins.for_file(ctx.source.path)
        return not _inside_websockets(ctx) and may_report(
            self.tables(pin.top_level), pin, ctx.ast_nodes, lambda: ctx.semantic_model
        )

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        pin = self.pins.for_file(ctx.source.path)
        if _inside_websockets(ctx):
            return []
        analysis = FileAnalysis(self.tables(pin.top_level), ctx, pin)
        analyse(analysis)
        return analysis.emit()

    def focus(self, ctx: FileContext) -> Collection[str]:
        """Code that reaches the ``websockets`` module, the names a fix may import, and the
        containers that hold the connections a ``broadcast`` is given."""
        tables = self.tables(self.pins.for_file(ctx.source.path).top_level)
        seeds = {"websockets", *tables.new_names, *flows.broadcast_identifiers(ctx.ast_tree)}
        return related_identifiers(ctx.ast_tree, ctx.text, seeds)


def _inside_websockets(ctx: FileContext) -> bool:
    """Whether the file is a module of websockets itself, whose legacy implementation is its
    own code, not a use to migrate (its relative imports name the legacy modules too)."""
    name = ctx.module.name or ""
    return name == "websockets" or name.startswith("websockets.")


def analyse(analysis: FileAnalysis) -> None:
    """Run every check over one file. The order matters: the imports make the groups that
    the calls, exceptions and attributes join or block, and the calls and ``except``
    clauses find the receivers whose attributes are checked last; once every receiver is known,
    the code that takes connections joins the groups of the code that makes them."""
    nl101_import.check_imports(analysis)
    nl101_import.check_references(analysis)
    _check_calls(analysis)
    nl105_exception.check_except_clauses(analysis)
    typed = TypedReceivers(analysis)  # asked once every check has bound the receivers it knows
    flows.hold_together(analysis, typed)
    nl103_attribute.check_receiver_attributes(analysis, typed)


def _check_calls(analysis: FileAnalysis) -> None:
    """Every call of a websockets callable: its arguments, the handler and callbacks of
    serve(), and the connection or server it returns."""
    for call in analysis.collected.calls:
        callee = analysis.callee(call)
        if callee is None:
            continue
        analysis.call_groups[call] = callee
        legacy = callee.legacy
        local = legacy if legacy is not None else Group()
        nl102_argument.check_arguments(analysis, call, callee.role, legacy, local)
        if callee.role in ("serve", "unix_serve"):
            _check_serve(analysis, call, legacy)
    nl101_import.check_uses_of_legacy_names(analysis)


def _check_serve(analysis: FileAnalysis, call: cst.Call, legacy: Group | None) -> None:
    nl104_handler.check_handler(analysis, call, legacy)
    nl106_callback.check_callbacks(analysis, call, legacy)
    nl107_event_loop.check_event_loop(analysis, call, legacy)
