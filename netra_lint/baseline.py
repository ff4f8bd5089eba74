"""Adopting netra-lint on a big repository: accept what fails today, check new code strictly.

``--add-noqa`` suppresses in the code: every line with a finding gets ``# noqa: CODE``
(merged into an existing noqa comment, whose codes are kept). A finding inside a
multi-line string is suppressed on the string's last line, where a comment can go.
Parse errors can't be suppressed that way.

A baseline file records the findings instead, leaving the code alone (parse errors too):
``--write-baseline FILE`` writes each finding's file (relative to the project root), code
and a fingerprint that survives line shifts (see ``output.fingerprints``); ``--baseline
FILE`` then leaves out of the report every finding it lists, and names the entries that
match nothing any more.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import __version__
from .noqa import NoqaMap
from .output import fingerprints
from .settings import ConfigError, Settings
from .source import DecodeError, FileChangedError, SourceFile

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .engine import FileResult
    from .runner import RunResult

#: The ``format`` of the baseline files this version reads and writes.
BASELINE_FORMAT = 1

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


class BaselineEntry(NamedTuple):
    """One accepted finding: where, which rule, and its fingerprint (the message is for people)."""

    path: str
    code: str
    fingerprint: str
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.path, self.code, self.fingerprint


@dataclass
class BaselineMatch:
    """What a baseline did to a run's report."""

    #: Findings left out of the report because the baseline lists them.
    baselined: int = 0
    #: Entries for files and rules this run checked that match no finding: fixed since.
    stale: list[BaselineEntry] = field(default_factory=list)


def _entries_of(
    results: list[FileResult], settings: Settings
) -> Iterator[tuple[FileResult, Diagnostic, BaselineEntry]]:
    for result in results:
        path = settings.relative(result.path)
        for diag, fingerprint in zip(result.diagnostics, fingerprints(result.diagnostics, itertools.repeat(path))):
            yield result, diag, BaselineEntry(path, diag.code, fingerprint, diag.message)


def write_baseline(outcome: RunResult, settings: Settings, path: Path) -> int:
    """Record every finding of ``outcome`` in the baseline file ``path``; returns how many."""
    entries = [entry._asdict() for entry in sorted(entry for _, _, entry in _entries_of(outcome.results, settings))]
    document = {"netra-lint-baseline": BASELINE_FORMAT, "version": __version__, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None
    return len(entries)


def read_baseline(path: Path) -> list[BaselineEntry]:
    """The entries of a baseline file; a missing or malformed one is a ``ConfigError``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (write it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc}") from None
    if not isinstance(document, dict) or document.get("netra-lint-baseline") != BASELINE_FORMAT:
        raise ConfigError(f"{path}: not a netra-lint baseline file (format {BASELINE_FORMAT})")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise ConfigError(f"{path}: not a netra-lint baseline file (format {BASELINE_FORMAT})")
    entries = []
    for item in findings:
        try:
            entries.append(BaselineEntry(**{name: item[name] for name in BaselineEntry._fields if name in item}))
        except (TypeError, KeyError):
            raise ConfigError(f"{path}: malformed baseline entry: {item!r}") from None
        if not all(isinstance(value, str) for value in entries[-1]):
            raise ConfigError(f"{path}: malformed baseline entry: {item!r}")
    return entries


def apply_baseline(outcome: RunResult, settings: Settings, entries: list[BaselineEntry]) -> BaselineMatch:
    """Take the findings ``entries`` lists out of ``outcome``; each entry accepts one finding."""
    accepted = Counter(entry.key for entry in entries)
    match = BaselineMatch()
    kept: dict[int, list[Diagnostic]] = defaultdict(list)
    for result, diag, entry in _entries_of(outcome.results, settings):
        if accepted[entry.key] > 0:
            accepted[entry.key] -= 1
            match.baselined += 1
        else:
            kept[id(result)].append(diag)
    for result in outcome.results:
        result.diagnostics = kept[id(result)]
    checked = {settings.relative(result.path) for result in outcome.results}
    for entry in entries:
        if accepted[entry.key] > 0 and entry.path in checked and entry.code in settings.enabled:
            accepted[entry.key] -= 1
            match.stale.append(entry)
    return match
