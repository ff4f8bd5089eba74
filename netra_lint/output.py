"""Report formats. Each takes the sorted diagnostics and returns the text to print.

``json`` uses the field names of ruff's JSON output so tooling that reads ruff reads us;
``github`` prints workflow annotations, ``sarif`` is SARIF 2.1.0 for code scanning,
``gitlab`` the Code Quality format and ``junit`` a JUnit XML report.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import click

from . import __version__
from .diagnostics import Applicability, Diagnostic
from .registry import all_rules

FORMATS = ("full", "concise", "json", "github", "sarif", "gitlab", "junit")


def _rule_name(code: str) -> str:
    rule = all_rules().get(code)
    return rule.name if rule else ""


def _fix_marker(diag: Diagnostic, unsafe_fixes: bool) -> str:
    if diag.fix_applicability is Applicability.SAFE or (
        diag.fix_applicability is Applicability.UNSAFE and unsafe_fixes
    ):
        return " [*]"
    return ""


def concise(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    return "".join(
        f"{d.path}:{d.row}:{d.column}: {d.code}{_fix_marker(d, unsafe_fixes)} {d.message}\n" for d in diagnostics
    )


def full(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    """ruff-style: header line, the source line with a caret under the span, the fix hint."""
    out: list[str] = []
    for d in diagnostics:
        header = (
            click.style(d.path, bold=True)
            + click.style(":", fg="cyan")
            + f"{d.row}:{d.column}"
            + click.style(":", fg="cyan")
            + " "
            + click.style(d.code, fg="red", bold=True)
            + click.style(_fix_marker(d, unsafe_fixes), fg="cyan")
            + f" {d.message}"
        )
        out.append(header + "\n")
        if d.source_line:
            gutter = str(d.row)
            pad = " " * len(gutter)
            line = d.source_line.expandtabs(1)
            width = (d.end_column - d.column) if d.end_row == d.row else len(line) - d.column + 1
            caret = " " * (d.column - 1) + "^" * max(1, width)
            out.append(click.style(f"{pad} |", fg="blue") + "\n")
            out.append(click.style(f"{gutter} |", fg="blue") + f" {line}\n")
            out.append(click.style(f"{pad} |", fg="blue") + " " + click.style(caret, fg="red", bold=True) + "\n")
        if d.fix_title:
            out.append(click.style("  = help: ", fg="cyan") + d.fix_title + "\n")
        out.append("\n")
    return "".join(out)


def _location(row: int, column: int) -> dict[str, int]:
    return {"column": column, "row": row}


def json_report(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    items = []
    for d in diagnostics:
        fix = None
        if d.fix_applicability is not None:
            fix = {
                "applicability": d.fix_applicability.value,
                "edits": [
                    {"content": content, "end_location": _location(er, ec), "location": _location(r, c)}
                    for r, c, er, ec, content in d.edit_locations
                ],
                "message": d.fix_title or None,
            }
        items.append(
            {
                "cell": None,
                "code": d.code,
                "end_location": _location(d.end_row, d.end_column),
                "filename": os.path.abspath(d.path),
                "fix": fix,
                "location": _location(d.row, d.column),
                "message": d.message,
                "name": _rule_name(d.code) or d.code,
                "noqa_row": d.noqa_row,
                "severity": "error",
                "url": None,
            }
        )
    return json.dumps(items, indent=2) + "\n"


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    lines = []
    for d in diagnostics:
        props = (
            f"title={_escape_property(f'netra-lint ({d.code})')},file={_escape_property(d.path)},"
            f"line={d.row},col={d.column},endLine={d.end_row},endColumn={d.end_column}"
        )
        message = f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}"
        lines.append(
            f"::error {props}::{message.replace('%', '%25').replace(chr(13), '%0D').replace(chr(10), '%0A')}\n"
        )
    return "".join(lines)


def _uri(path: str) -> str:
    """A path as a SARIF ``uri``: a percent-encoded relative reference, or a file URI."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return urllib.parse.quote(Path(path).as_posix(), safe="/")


def sarif(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    rules = all_rules()
    used = sorted({d.code for d in diagnostics} | set(rules))
    rule_entries = []
    for code in used:
        rule = rules.get(code)
        rule_entries.append(
            {
                "id": code,
                "name": rule.name if rule else code,
                "shortDescription": {"text": rule.summary if rule else code},
                "fullDescription": {"text": rule.doc if rule else code},
                "help": {"text": rule.doc if rule else code},
                "properties": {"fix": rule.fix if rule else "report"},
            }
        )
    results = []
    for d in diagnostics:
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": used.index(d.code),
                "level": "error",
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(d.path)},
                            "region": {
                                "startLine": d.row,
                                "startColumn": d.column,
                                "endLine": d.end_row,
                                "endColumn": d.end_column,
                            },
                        }
                    }
                ],
            }
        )
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "netra-lint", "version": __version__, "rules": rule_entries}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


_LINE_NUMBER = re.compile(r"\bline \d+")


def fingerprints(diagnostics: Sequence[Diagnostic], paths: Iterable[str]) -> list[str]:
    """One fingerprint per diagnostic that survives line shifts: its file (from ``paths``,
    one per diagnostic), code, message (line numbers in it masked), the text of its line,
    and which occurrence of all that it is, in order."""
    seen: Counter[str] = Counter()
    found = []
    for d, path in zip(diagnostics, paths):
        message = _LINE_NUMBER.sub("line _", d.message)
        basis = f"{path}:{d.code}:{message}:{d.source_line.strip()}"
        seen[basis] += 1
        found.append(hashlib.sha256(f"{basis}:{seen[basis]}".encode()).hexdigest()[:32])
    return found


def gitlab(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    """GitLab Code Quality: one issue per diagnostic with a stable fingerprint."""
    items = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, (d.path for d in diagnostics))):
        items.append(
            {
                "description": f"{d.code} {d.message}",
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {
                    "path": Path(d.path).as_posix(),
                    "positions": {
                        "begin": {"line": d.row, "column": d.column},
                        "end": {"line": d.end_row, "column": d.end_column},
                    },
                },
            }
        )
    return json.dumps(items, indent=2) + "\n"


def junit(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    """One test suite per file, one failing test case per diagnostic."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append(f'<testsuites name="netra-lint" tests="{len(diagnostics)}" failures="{len(diagnostics)}">\n')
    for path, items in by_file.items():
        parts.append(f'  <testsuite name={quoteattr(path)} tests="{len(items)}" failures="{len(items)}">\n')
        for d in items:
            name = quoteattr(f"{d.code} {_rule_name(d.code)}".strip())
            where = f"{d.path}:{d.row}:{d.column}"
            parts.append(f"    <testcase name={name} classname={quoteattr(where)}>\n")
            parts.append(
                f"      <failure message={quoteattr(d.message)}>{escape(where)}: {escape(d.message)}</failure>\n"
            )
            parts.append("    </testcase>\n")
        parts.append("  </testsuite>\n")
    parts.append("</testsuites>\n")
    return "".join(parts)


RENDERERS: dict[str, Callable[[Sequence[Diagnostic], bool], str]] = {
    "full": full,
    "concise": concise,
    "json": json_report,
    "github": github,
    "sarif": sarif,
    "gitlab": gitlab,
    "junit": junit,
}


def statistics(diagnostics: Sequence[Diagnostic]) -> str:
    """Per code: how many, and how many are fixable safely, unsafely, or not at all."""
    counts: Counter[str] = Counter(d.code for d in diagnostics)
    safe: Counter[str] = Counter(d.code for d in diagnostics if d.fix_applicability is Applicability.SAFE)
    unsafe: Counter[str] = Counter(d.code for d in diagnostics if d.fix_applicability is Applicability.UNSAFE)
    rows = [("count", "code", "name", "safe", "unsafe", "manual")]
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rows.append(
            (
                str(count),
                code,
                _rule_name(code),
                str(safe[code]),
                str(unsafe[code]),
                str(count - safe[code] - unsafe[code]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() + "\n" for row in rows)
