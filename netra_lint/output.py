"""Report formats. Each takes the sorted diagnostics and the run's ``ReportContext`` and
returns the text to print.

``full`` is ruff's layout (see ``full_format``); ``json`` uses the field names of ruff's
JSON output so tooling that reads ruff reads us; ``github`` prints workflow annotations,
``sarif`` is SARIF 2.1.0 for code scanning, ``gitlab`` the Code Quality format and
``junit`` a JUnit XML report. The CI formats name files from the root the CI system reads
them from (not the directory the run started in), so a job that ``cd``s into a service of
a monorepo still points at the right files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, full_format, ruff_host
from .diagnostics import Applicability, Diagnostic
from .discovery import git_work_tree
from .registry import all_rules

FORMATS = ("full", "concise", "json", "github", "sarif", "gitlab", "junit")
#: The SARIF base id that result URIs are relative to (``originalUriBaseIds`` says where it is).
SARIF_ROOT = "%SRCROOT%"


@dataclass(frozen=True)
class ReportContext:
    """What a report needs besides the diagnostics."""

    unsafe_fixes: bool = False
    #: The project root (where the configuration is): CI paths fall back to it.
    project_root: Path = field(default_factory=Path.cwd)
    #: The hosted ruff codes of the run (SARIF describes them beside netra-lint's rules).
    hosted: tuple[str, ...] = ()
    #: The text of files that were not read from disk (stdin), by displayed path.
    sources: Mapping[str, str] = field(default_factory=dict)

    def read(self, path: str) -> str | None:
        text = self.sources.get(path)
        return text if text is not None else full_format.read_source(path)

    def repository_root(self) -> Path:
        """The top of the git work tree holding the project, else the project root."""
        return git_work_tree(self.project_root) or self.project_root


def rule_name(code: str) -> str:
    """The rule's name: netra-lint's own, or ruff's for a ruff code ("" if unknown)."""
    rule = all_rules().get(code)
    if rule is not None:
        return rule.name
    ruff_rule = ruff_host.ruff_rules().get(code) if ruff_host.is_ruff_code(code) else None
    return ruff_rule.name if ruff_rule else ""


def _rule_url(code: str) -> str | None:
    ruff_rule = ruff_host.ruff_rules().get(code) if ruff_host.is_ruff_code(code) else None
    return ruff_rule.url if ruff_rule else None


def fixable(diag: Diagnostic, unsafe_fixes: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` if given) applies the finding's fix."""
    return diag.fix_applicability is Applicability.SAFE or (
        diag.fix_applicability is Applicability.UNSAFE and unsafe_fixes
    )


def _fix_marker(diag: Diagnostic, unsafe_fixes: bool) -> str:
    return " [*]" if fixable(diag, unsafe_fixes) else ""


def _relative_to(path: str, base: Path) -> str:
    """``path`` (as displayed: relative to the working directory) relative to ``base`` in
    POSIX form; absolute if it lies outside ``base``."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, base)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def concise(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    return "".join(
        f"{d.path}:{d.row}:{d.column}: {d.code}{_fix_marker(d, context.unsafe_fixes)} {d.message}\n"
        for d in diagnostics
    )


def full(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """ruff's layout: the code and message, the position, the source with the span marked,
    the fix title and the fix as a diff."""
    return full_format.render(diagnostics, lambda d: _fix_marker(d, context.unsafe_fixes), context.read)


def _location(row: int, column: int) -> dict[str, int]:
    return {"column": column, "row": row}


def json_report(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
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
                "name": rule_name(d.code) or d.code,
                "noqa_row": d.noqa_row,
                "severity": "error",
                "url": _rule_url(d.code),
            }
        )
    return json.dumps(items, indent=2) + "\n"


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """Workflow annotations; ``file`` is relative to the repository root, where GitHub
    resolves it."""
    root = context.repository_root()
    lines = []
    for d in diagnostics:
        props = (
            f"title={_escape_property(f'netra-lint ({d.code})')},file={_escape_property(_relative_to(d.path, root))},"
            f"line={d.row},col={d.column},endLine={d.end_row},endColumn={d.end_column}"
        )
        message = f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}"
        lines.append(
            f"::error {props}::{message.replace('%', '%25').replace(chr(13), '%0D').replace(chr(10), '%0A')}\n"
        )
    return "".join(lines)


def _artifact_location(path: str, root: Path) -> dict[str, str]:
    """A SARIF ``artifactLocation``: relative to ``SARIF_ROOT`` (percent-encoded), or an
    absolute file URI for a file outside the root."""
    relative = _relative_to(path, root)
    if os.path.isabs(relative):
        return {"uri": Path(relative).as_uri()}
    return {"uri": urllib.parse.quote(relative, safe="/"), "uriBaseId": SARIF_ROOT}


def _sarif_rule(code: str) -> dict[str, object]:
    """The reportingDescriptor of a netra-lint rule, or of a ruff rule from ruff's own text."""
    rule = all_rules().get(code)
    ruff_rule = ruff_host.ruff_rules().get(code) if rule is None else None
    if rule is not None:
        name, summary, text, properties = rule.name, rule.summary, rule.doc, {"fix": rule.fix}
    elif ruff_rule is not None:
        name, summary, text = ruff_rule.name, ruff_rule.summary, ruff_rule.explanation
        properties = {"fix": ruff_rule.fix, "source": f"ruff ({ruff_rule.linter})"}
    else:
        name, summary, text, properties = code, code, code, {"fix": "report"}
    descriptor: dict[str, object] = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": text},
        "help": {"text": text},
        "properties": properties,
    }
    if ruff_rule is not None:
        descriptor["helpUri"] = ruff_rule.url
    return descriptor


def sarif(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """SARIF 2.1.0; URIs are relative to the repository root, named in ``originalUriBaseIds``."""
    root = context.repository_root()
    used = sorted({d.code for d in diagnostics} | set(all_rules()) | set(context.hosted))
    rule_entries = [_sarif_rule(code) for code in used]
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
                            "artifactLocation": _artifact_location(d.path, root),
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
                "originalUriBaseIds": {SARIF_ROOT: {"uri": root.as_uri() + "/"}},
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


def gitlab(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """GitLab Code Quality: one issue per diagnostic with a stable fingerprint; paths are
    relative to ``CI_PROJECT_DIR`` (the checkout GitLab reads them from), else to the
    project root."""
    base = Path(os.environ.get("CI_PROJECT_DIR") or context.project_root)
    paths = [_relative_to(d.path, base) for d in diagnostics]
    items = []
    for d, path, fingerprint in zip(diagnostics, paths, fingerprints(diagnostics, paths)):
        items.append(
            {
                "description": f"{d.code} {d.message}",
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": d.row, "column": d.column},
                        "end": {"line": d.end_row, "column": d.end_column},
                    },
                },
            }
        )
    return json.dumps(items, indent=2) + "\n"


def junit(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """One test suite per file, one failing test case per diagnostic."""
    from xml.sax.saxutils import escape, quoteattr  # loads urllib.request: imported only for this report

    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append(f'<testsuites name="netra-lint" tests="{len(diagnostics)}" failures="{len(diagnostics)}">\n')
    for path, items in by_file.items():
        parts.append(f'  <testsuite name={quoteattr(path)} tests="{len(items)}" failures="{len(items)}">\n')
        for d in items:
            name = quoteattr(f"{d.code} {rule_name(d.code)}".strip())
            where = f"{d.path}:{d.row}:{d.column}"
            parts.append(f"    <testcase name={name} classname={quoteattr(where)}>\n")
            parts.append(
                f"      <failure message={quoteattr(d.message)}>{escape(where)}: {escape(d.message)}</failure>\n"
            )
            parts.append("    </testcase>\n")
        parts.append("  </testsuite>\n")
    parts.append("</testsuites>\n")
    return "".join(parts)


RENDERERS: dict[str, Callable[[Sequence[Diagnostic], ReportContext], str]] = {
    "full": full,
    "concise": concise,
    "json": json_report,
    "github": github,
    "sarif": sarif,
    "gitlab": gitlab,
    "junit": junit,
}
