"""``--add-noqa``: adopt netra-lint on a big repository by suppressing what fails today.

Every line with a finding gets ``# noqa: CODE`` (merged into an existing noqa comment,
whose codes are kept). A finding inside a multi-line string is suppressed on the
string's last line, where a comment can go. Parse errors can't be suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from .noqa import NoqaMap
from .source import DecodeError, FileChangedError, SourceFile

if TYPE_CHECKING:
    from .runner import RunResult

UNSUPPRESSIBLE = {"NL001"}


def with_noqa(source: SourceFile, codes_by_row: dict[int, set[str]]) -> str:
    """The text of ``source`` with ``# noqa`` directives added for ``codes_by_row``."""
    noqa = NoqaMap.from_source(source.text + "\n# noqa")  # the marker forces the string scan
    merged: dict[int, set[str]] = defaultdict(set)
    for row, codes in codes_by_row.items():
        merged[noqa.noqa_row(row)] |= codes
    lines = source.text.splitlines(keepends=True)
    for row, codes in merged.items():
        if row < 1 or row > len(lines):
            continue
        raw = lines[row - 1]
        body = raw.rstrip("\r\n")
        ending = raw[len(body) :]
        existing = noqa.by_row.get(row)
        if existing is not None and existing.codes is None:
            continue  # a bare noqa already suppresses everything
        if existing is not None:
            all_codes = sorted(set(existing.codes or ()) | codes)
            body = body[: existing.start] + "# noqa: " + ", ".join(all_codes) + body[existing.end :]
        else:
            body = body + "  # noqa: " + ", ".join(sorted(codes))
        lines[row - 1] = body + ending
    return "".join(lines)


def add_noqa(outcome: RunResult) -> tuple[int, list[str]]:
    """Suppress every remaining finding in place; returns (directives added, problems)."""
    rows_by_file: dict[Path, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for result in outcome.results:
        for diag in result.diagnostics:
            if diag.code not in UNSUPPRESSIBLE:
                rows_by_file[result.path][diag.noqa_row].add(diag.code)
    added = 0
    problems = []
    for path, codes_by_row in rows_by_file.items():
        try:
            source = SourceFile.read(path)
            text = with_noqa(source, codes_by_row)
            if text != source.text:
                source.write_atomic(text)
                added += len(codes_by_row)
        except (OSError, DecodeError, FileChangedError) as exc:
            problems.append(f"{path}: noqa not added: {exc}")
    return added, problems
