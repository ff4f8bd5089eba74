"""What a check reports: diagnostics, their fixes and the text edits a fix is made of.

Positions inside the engine are offsets into the decoded text of a file; they become
1-based rows and columns only when a report is printed (see ``SourceFile.location``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum


class Applicability(str, Enum):
    """How sure a fix is: ``safe`` fixes run with ``--fix``, ``unsafe`` ones need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` by ``content`` (offsets into the decoded file text)."""

    start: int
    end: int
    content: str = ""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits to ``text``."""
    out: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[position : edit.start])
        out.append(edit.content)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


@dataclass(frozen=True)
class Fix:
    """A set of edits that must be applied together or not at all."""

    applicability: Applicability
    edits: tuple[Edit, ...]
    message: str = ""

    @property
    def span(self) -> tuple[int, int]:
        return min(e.start for e in self.edits), max(e.end for e in self.edits)


@dataclass
class Diagnostic:
    """One finding of one rule in one file.

    ``fix_applicability`` is known even when the edits were not computed (a plain
    check run never builds fix text); ``fix`` holds the edits when they were asked for.
    """

    code: str
    message: str
    start: int
    end: int
    fix_applicability: Applicability | None = None
    fix: Fix | None = None
    fix_title: str = ""
    # Filled by the engine when the report is built.
    path: str = ""
    row: int = 0
    column: int = 0
    end_row: int = 0
    end_column: int = 0
    noqa_row: int = 0
    source_line: str = field(default="", repr=False)
    #: (row, column, end_row, end_column, content) of each fix edit, for reports.
    edit_locations: list[tuple[int, int, int, int, str]] = field(default_factory=list, repr=False)

    @property
    def fixable(self) -> bool:
        return self.fix_applicability is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.row, self.column, self.code)
