"""``--statistics``: counts per rule (a table, or ruff's JSON list), or per directory
with ``--group-by dir``, so that a folder that holds most findings (a snapshot, the
tests) shows up before anyone reads them one by one."""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Applicability, Diagnostic
from .output import fixable, rule_name

#: Statistics come as a table or as JSON (as in ruff); other formats make no sense for counts.
FORMATS = ("full", "concise", "json")
GROUPS = ("rule", "dir")
#: A directory is listed on its own when it holds at least this share of the findings.
DIRECTORY_SHARE = 0.01
#: Codes named per directory, the most frequent first.
CODES_PER_DIRECTORY = 3


def by_rule(diagnostics: Sequence[Diagnostic]) -> str:
    """Per code: how many, and how many are fixable safely, unsafely, or not at all."""
    counts: Counter[str] = Counter(d.code for d in diagnostics)
    safe: Counter[str] = Counter(d.code for d in diagnostics if d.fix_applicability is Applicability.SAFE)
    unsafe: Counter[str] = Counter(d.code for d in diagnostics if d.fix_applicability is Applicability.UNSAFE)
    rows = [("count", "code", "name", "safe", "unsafe", "manual")]
    for code, count in _by_count(counts):
        rows.append(
            (
                str(count),
                code,
                rule_name(code),
                str(safe[code]),
                str(unsafe[code]),
                str(count - safe[code] - unsafe[code]),
            )
        )
    return _table(rows)


def by_rule_json(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool) -> str:
    """ruff's ``--statistics --output-format json``: code, name, count, fixable, fixable_count."""
    counts: Counter[str] = Counter(d.code for d in diagnostics)
    fixes: Counter[str] = Counter(d.code for d in diagnostics if fixable(d, unsafe_fixes))
    items = [
        {
            "code": code,
            "name": rule_name(code) or code,
            "count": count,
            "fixable": fixes[code] > 0,
            "fixable_count": fixes[code],
        }
        for code, count in _by_count(counts)
    ]
    return json.dumps(items, indent=2) + "\n"


@dataclass
class _Directory:
    count: int = 0
    fixable: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    children: dict[str, _Directory] = field(default_factory=dict)


def _tree(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool) -> _Directory:
    """Findings counted in every directory above them (paths as displayed)."""
    top = _Directory()
    for d in diagnostics:
        parts = Path(d.path).parent.parts  # ("..", "lib") or ("/", "srv") outside the working directory
        node = top
        for directory in (None, *parts):
            if directory is not None:
                node = node.children.setdefault(directory, _Directory())
            node.count += 1
            node.fixable += fixable(d, unsafe_fixes)
            node.codes[d.code] += 1
    return top


def _directories(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool) -> list[tuple[str, _Directory]]:
    """The current directory, then each directory that holds at least ``DIRECTORY_SHARE``
    of the findings, depth first, the fuller directories first."""
    top = _tree(diagnostics, unsafe_fixes)
    threshold = top.count * DIRECTORY_SHARE
    rows: list[tuple[str, _Directory]] = []

    def visit(name: str, node: _Directory) -> None:
        rows.append((name, node))
        for child_name, child in sorted(node.children.items(), key=lambda item: (-item[1].count, item[0])):
            if child.count >= threshold:
                visit(posixpath.join(name, child_name) if name != "." else child_name, child)

    visit(".", top)
    return rows


def by_directory(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool) -> str:
    """Per directory (findings below it included): count, share of all, fixable, top codes."""
    rows = [("count", "share", "fixable", "directory", "codes")]
    total = len(diagnostics)
    for name, node in _directories(diagnostics, unsafe_fixes):
        codes = ", ".join(f"{code} {count}" for code, count in _by_count(node.codes)[:CODES_PER_DIRECTORY])
        directory = name if name in (".", "/") else name + "/"
        rows.append((str(node.count), f"{100 * node.count / total:.0f}%", str(node.fixable), directory, codes))
    return _table(rows, numeric=3)


def by_directory_json(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool) -> str:
    items = [
        {
            "directory": name,
            "count": node.count,
            "fixable_count": node.fixable,
            "codes": dict(_by_count(node.codes)),
        }
        for name, node in _directories(diagnostics, unsafe_fixes)
    ]
    return json.dumps(items, indent=2) + "\n"


def render(diagnostics: Sequence[Diagnostic], output_format: str, group_by: str, unsafe_fixes: bool) -> str:
    """The statistics in ``output_format`` (one of ``FORMATS``), grouped by ``group_by``."""
    if output_format == "json":
        if group_by == "dir":
            return by_directory_json(diagnostics, unsafe_fixes)
        return by_rule_json(diagnostics, unsafe_fixes)
    if not diagnostics:
        return ""
    return by_directory(diagnostics, unsafe_fixes) if group_by == "dir" else by_rule(diagnostics)


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _table(rows: Sequence[tuple[str, ...]], numeric: int = 0) -> str:
    """Columns padded to their widest cell; the first ``numeric`` ones right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(
            cell.rjust(widths[i]) if i < numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        + "\n"
        for row in rows
    )
