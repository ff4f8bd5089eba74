"""Checking text read from stdin as if it were one file of the project, which is how editors
and formatter chains call a linter: ``cat f.py | netra-lint - --stdin-filename src/app/f.py``.

The file's own configuration, per-file ignores and excludes (with ``--force-exclude``)
apply, and the project index answers the cross-file rules with the stdin text in place of
the file's content on disk. Nothing is written: a fix run hands back the fixed text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import ruff_host
from .discovery import is_excluded
from .engine import FileResult, Linter, RunOptions
from .noqa import NoqaMap
from .runner import RunResult, file_facts, merge_ruff, needs_index, ruff_failed
from .settings import Settings
from .source import DecodeError, SourceFile

#: The name a run without ``--stdin-filename`` gives the text, as ruff does.
ANONYMOUS = "-"


@dataclass
class StdinRun:
    """The outcome for the text, and the bytes a fix run prints (the input when nothing changed)."""

    outcome: RunResult
    output: bytes

    def texts(self) -> dict[str, str]:
        """The final text by displayed path, for the report's source excerpts."""
        return {
            result.display: result.fixed if result.fixed is not None else self.output.decode(result.encoding, "replace")
            for result in self.outcome.results
        }


def check_stdin(
    raw: bytes, filename: Path | None, settings: Settings, options: RunOptions, force_exclude: bool = False
) -> StdinRun:
    """Check (with ``options.fix`` or ``options.diff``, also fix) ``raw`` as the content of ``filename``."""
    path = Path(os.path.abspath(filename if filename is not None else ANONYMOUS))
    outcome = RunResult()
    if filename is not None and force_exclude and is_excluded(path, settings):
        outcome.skipped.append((path, "excluded"))
        return StdinRun(outcome, raw)
    try:
        source: SourceFile | None = SourceFile.from_bytes(path, raw)
    except DecodeError:
        source = None  # reported as NL001 by the check
    index = None
    if needs_index(settings):
        from .index import ProjectIndex

        facts = file_facts(settings)
        index = ProjectIndex.build(settings, jobs=options.jobs, files=ProjectIndex.files(settings), facts=facts)
        if source is not None:
            index.replace_text(source, facts)
    linter = Linter(settings, options, index)
    result = linter.lint_file(path, raw)  # shown as the name given, or as "-"
    outcome.results.append(result)
    outcome.errors.extend(result.errors)
    outcome.warnings.extend(result.warnings)
    if source is not None and settings.ruff_codes:
        _host_ruff(outcome, result, source, settings, options, linter)
    if source is None or result.fixed is None:
        return StdinRun(outcome, raw)
    return StdinRun(outcome, source.encode(result.fixed))


def _host_ruff(
    outcome: RunResult, result: FileResult, source: SourceFile, settings: Settings, options: RunOptions, linter: Linter
) -> None:
    """Ruff's hosted rules on the text: its fixes after netra-lint's (in a fix run), then its
    findings on the final text, merged as for files."""
    codes, cwd = settings.ruff_codes, Path.cwd()
    name = Path(result.display)
    text = result.fixed if result.fixed is not None else source.text
    try:
        if options.apply_fixes:
            final = ruff_host.fix_text(text, name, codes, cwd, options.unsafe_fixes)
            if final != text:
                outcome.ruff_rewrites += 1
                check_only = Linter(settings, RunOptions(jobs=options.jobs), linter.index)
                again = check_only.lint_file(source.path, source.encode(final))
                result.diagnostics = again.diagnostics
                result.errors += again.errors
                outcome.errors.extend(again.errors)
                result.original, result.fixed, text = source.text, final, final
        found = ruff_host.check_text(text, name, codes, cwd)
    except (ruff_host.RuffUnavailable, ruff_host.RuffFailed) as exc:
        ruff_failed(outcome, settings, exc)
        return
    merge_ruff([result], found, settings, {result.path: NoqaMap.from_source(text)})
