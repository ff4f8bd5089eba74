"""The ``full`` report in ruff's layout (0.12 and later): the code and message, ``-->``
and the position, a few lines of source with the span marked, the fix title, and the fix
as a diff where the run knows its edits.

It reads the files again for the lines around each finding (or takes the text a run got
on stdin), so a report after ``--fix`` shows the fixed files.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from .diagnostics import Applicability, Diagnostic
from .source import DecodeError, SourceFile

#: Lines of source shown before and after the span, as ruff shows them.
CONTEXT_LINES = 2
#: Lines around the edits that a fix diff is computed on, and kept unchanged around a change.
DIFF_WINDOW = 3
DIFF_CONTEXT = 1
#: Hunks no more than this many lines apart are shown as one.
DIFF_MERGE = 2
UNSAFE_NOTE = "This is an unsafe fix and may change runtime behavior"
_UNPRINTABLE = str.maketrans({"\x07": "␇", "\x08": "␈", "\x1b": "␛", "\x7f": "␡"})


def _gutter(text: str) -> str:
    return click.style(text, fg="bright_blue", bold=True)


@dataclass(frozen=True)
class _Span:
    """A finding's span as 1-based rows and 0-based display columns (end exclusive)."""

    row: int
    column: int
    end_row: int
    end_column: int


def _display(line: str) -> str:
    """A line as a terminal shows it: tabs as four spaces, control characters visible."""
    return line.replace("\t", "    ").translate(_UNPRINTABLE)


def _width(text: str) -> int:
    """Terminal cells ``text`` takes (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _cells(line: str, column: int) -> int:
    """The display column of the 1-based code-point ``column`` of ``line``."""
    return _width(_display(line[: max(column - 1, 0)]))


class _Lines:
    """The lines of one file, 1-based (``source``, shared by the file's findings); a file
    that can't be read again offers the finding's own line only."""

    def __init__(self, source: SourceFile | None, diag: Diagnostic) -> None:
        self.source = source
        self.fallback = {diag.row: diag.source_line}

    def count(self) -> int:
        return len(self.source.line_starts) if self.source is not None else max(self.fallback)

    def text(self, row: int) -> str:
        if self.source is not None:
            return self.source.line_text(row)
        return self.fallback.get(row, "")


def _span(diag: Diagnostic, lines: _Lines) -> _Span:
    end_row, end_column = max(diag.end_row, diag.row), diag.end_column
    if end_row > diag.row and end_column == 1:
        # A span that ends where a line begins ends with the line before (ruff does the same).
        end_row -= 1
        end_column = len(lines.text(end_row)) + 1
    if end_row == diag.row:
        end_column = max(end_column, diag.column)
    return _Span(
        diag.row,
        _cells(lines.text(diag.row), diag.column),
        end_row,
        _cells(lines.text(end_row), end_column),
    )


def _context(lines: _Lines, first: int, last: int) -> tuple[int, int]:
    """The rows shown around ``first``..``last``: up to two more on each side, without
    blank lines at either edge."""
    start = max(1, first - CONTEXT_LINES)
    while start < first and not lines.text(start).strip():
        start += 1
    end = min(lines.count(), last + CONTEXT_LINES)
    while end > last and not lines.text(end).strip():
        end -= 1
    return start, max(end, last)


def _snippet(lines: _Lines, span: _Span, start: int, end: int, width: int) -> list[str]:
    """Source rows ``start``..``end`` with the span marked under them, as ruff marks it."""
    caret = click.style
    bar = _gutter(" " * width + " |")
    out = [bar]
    multi = span.end_row > span.row
    # A span of several lines that starts at the line's indentation is drawn from its start row.
    from_start = multi and not _display(lines.text(span.row))[: span.column].strip()
    for row in range(start, end + 1):
        text = _display(lines.text(row))
        number = _gutter(f"{row:>{width}} |")
        if not multi:
            out.append(f"{number} {text}".rstrip())
            if row == span.row:
                marks = "^" * max(1, span.end_column - span.column)
                out.append(f"{bar} {' ' * span.column}{caret(marks, fg='bright_red', bold=True)}")
            continue
        # Rows inside a span of several lines carry a margin with its left edge.
        inside = span.row < row <= span.end_row
        edge = "/" if from_start and row == span.row else "|" if inside else ""
        margin = caret(edge, fg="bright_red", bold=True) + " " if edge else "  "
        out.append(f"{number} {margin}{text}".rstrip())
        if row == span.row and not from_start:
            out.append(f"{bar}  {caret('_' * (span.column + 1) + '^', fg='bright_red', bold=True)}")
        elif row == span.end_row:
            last = max(span.end_column - 1, 0)
            out.append(f"{bar} {caret('|' + '_' * (last + 1) + '^', fg='bright_red', bold=True)}")
    if end > span.end_row:
        out.append(bar)  # context rows below the marks are closed by a bare gutter
    return out


#: An edit as a diagnostic keeps it: row, column, end row, end column (1-based), new text.
_EditLocation = tuple[int, int, int, int, str]


def _edit_clusters(diag: Diagnostic) -> list[list[_EditLocation]]:
    """The fix's edits in groups whose windows touch: a fix with edits at both ends of a
    large file is shown (and diffed) as two small windows, not one the size of the file."""
    clusters: list[list[_EditLocation]] = []
    for edit in sorted(diag.edit_locations):
        if clusters and edit[0] - DIFF_WINDOW <= max(e[2] for e in clusters[-1]) + DIFF_WINDOW:
            clusters[-1].append(edit)
        else:
            clusters.append([edit])
    return clusters


def _fixed_window(source: SourceFile, edits: list[_EditLocation]) -> tuple[list[str], list[str], int] | None:
    """The lines around ``edits`` (sorted) before and after the fix, and the row the window
    starts after; None if the edits don't fit the text (a file changed since)."""
    try:
        spans = [
            (source.offset(row, column - 1), source.offset(end_row, end_column - 1), content)
            for row, column, end_row, end_column, content in edits
        ]
    except IndexError:
        return None
    if not spans or any(start > end or end > len(source.text) for start, end, _ in spans):
        return None
    lines = len(source.line_starts)
    first = max(1, edits[0][0] - DIFF_WINDOW)
    last = min(lines, max(e[2] for e in edits) + DIFF_WINDOW)
    begin = source.line_starts[first - 1]
    end = source.line_starts[last] if last < lines else len(source.text)
    if spans[0][0] < begin or max(e for _, e, _ in spans) > end:
        return None
    fixed, position = [], begin
    for start, stop, content in spans:
        if start < position:
            return None  # overlapping edits: nothing sensible to show
        fixed.append(source.text[position:start] + content)
        position = stop
    fixed.append(source.text[position:end])
    before = source.text[begin:end].splitlines(keepends=True)
    after = "".join(fixed).splitlines(keepends=True)
    return before, after, first - 1


def _hunks(before: list[str], after: list[str]) -> list[list[tuple[str, int, int, int, int]]]:
    """The changed lines with one unchanged line around them; hunks close together merged."""
    merged: list[list[tuple[str, int, int, int, int]]] = []
    for group in difflib.SequenceMatcher(None, before, after, autojunk=False).get_grouped_opcodes(DIFF_CONTEXT):
        if merged and merged[-1][-1][0] == "equal" and group[0][0] == "equal":
            _, i1, _, j1, j2 = merged[-1][-1]
            _, _, next_i2, next_j1, next_j2 = group[0]
            if next_j1 - j2 <= DIFF_MERGE:
                merged[-1][-1] = ("equal", i1, next_i2, j1, next_j2)
                merged[-1].extend(group[1:])
                continue
        merged.append(list(group))
    return merged


def _diff(source: SourceFile, diag: Diagnostic) -> list[str]:
    """The fix as ruff shows it: new line numbers, ``-`` for removed lines, ``+`` for added ones."""
    shown: list[tuple[list[str], list[str], int, list[list[tuple[str, int, int, int, int]]]]] = []
    shift = 0  # lines the clusters above add: the windows' rows are the fixed file's
    for cluster in _edit_clusters(diag):
        window = _fixed_window(source, cluster)
        if window is None:
            return []
        before, after, offset = window
        shown.append((before, after, offset + shift, _hunks(before, after)))
        shift += len(after) - len(before)
    if not any(hunks for *_, hunks in shown):
        return []
    width = len(str(max(1, max(hunks[-1][-1][4] + offset for _, _, offset, hunks in shown if hunks))))
    bar = _gutter(" " * width + " |")
    out = [bar]
    numbered = [(before, after, offset, hunk) for before, after, offset, hunks in shown for hunk in hunks]
    for number, (before, after, offset, hunk) in enumerate(numbered):
        if number:
            out.append("-" * 80)
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                for index in range(j1, j2):
                    out.append(_diff_line(_gutter(f"{index + offset + 1:<{width}} |"), after[index], None))
                continue
            for index in range(i1, i2):
                sign = click.style("-", fg="red", bold=True)
                out.append(_diff_line(f"{' ' * width} {sign}", before[index], "red"))
            for index in range(j1, j2):
                sign = click.style("+", fg="green", bold=True)
                out.append(_diff_line(f"{_gutter(f'{index + offset + 1:<{width}}')} {sign}", after[index], "green"))
    out.append(bar)
    return out


def _diff_line(prefix: str, line: str, colour: str | None) -> str:
    text = line.rstrip("\r\n").translate(_UNPRINTABLE)
    if not text:
        return prefix
    return f"{prefix} {click.style(text, fg=colour) if colour else text}"


def render(
    diagnostics: Sequence[Diagnostic], fix_marker: Callable[[Diagnostic], str], read: Callable[[str], str | None]
) -> str:
    """The report; ``read(path)`` gives a file's text (None if it can't be read)."""
    sources: dict[str, SourceFile | None] = {}
    out: list[str] = []
    for diag in diagnostics:
        if diag.path not in sources:
            text = read(diag.path)
            sources[diag.path] = SourceFile(path=Path(diag.path), text=text) if text is not None else None
        lines = _Lines(sources[diag.path], diag)
        out.extend(_one(diag, lines, fix_marker(diag)))
        out.append("")
    return "".join(line + "\n" for line in out)


def _one(diag: Diagnostic, lines: _Lines, marker: str) -> list[str]:
    out = [click.style(diag.code, fg="bright_red", bold=True) + click.style(f"{marker} {diag.message}", bold=True)]
    span = _span(diag, lines)
    if diag.row <= lines.count() and (lines.text(diag.row) or diag.row == 1):
        start, end = _context(lines, span.row, span.end_row)
        width = len(str(end))
        out.append(" " * width + _gutter("-->") + f" {diag.path}:{diag.row}:{diag.column}")
        out.extend(_snippet(lines, span, start, end, width))
    else:
        out.append(" " + _gutter("-->") + f" {diag.path}:{diag.row}:{diag.column}")
    if diag.fix_title:
        out.append(click.style("help", fg="bright_cyan", bold=True) + click.style(f": {diag.fix_title}", bold=True))
    if diag.edit_locations and lines.source is not None:
        diff = _diff(lines.source, diag)
        out.extend(diff)
        if diff and diag.fix_applicability is Applicability.UNSAFE:
            out.append(click.style("note", fg="yellow", bold=True) + click.style(f": {UNSAFE_NOTE}", bold=True))
    return out


def read_source(path: str) -> str | None:
    """A file's decoded text, or None if it can't be read or decoded."""
    try:
        return SourceFile.read(Path(path)).text
    except (OSError, DecodeError):
        return None
