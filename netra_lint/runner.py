"""One run from paths to results: settings → files → project index → checks → fixes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .discovery import discover
from .engine import FileResult, Linter, RunOptions, lint_files
from .registry import checker_classes
from .settings import Settings
from .source import FileChangedError


@dataclass
class RunResult:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files_written: int = 0

    @property
    def diagnostics(self) -> list:
        return [d for r in self.results for d in r.diagnostics]


def needs_index(settings: Settings) -> bool:
    return any(cls.uses_index and {r.code for r in cls.rules} & settings.enabled for cls in checker_classes())


def run(
    paths: Sequence[Path],
    settings: Settings,
    options: RunOptions,
    force_exclude: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Check (and with ``options.fix``, fix) every file below ``paths``."""
    found = discover(paths, settings, force_exclude=force_exclude)
    outcome = RunResult(skipped=found.skipped)
    index = None
    if needs_index(settings):
        from .index import ProjectIndex

        index = ProjectIndex.build(settings, jobs=options.jobs)
    linter = Linter(settings, options, index)
    total = len(found.files)
    done = 0

    def advance(step: int) -> None:
        nonlocal done
        done += step
        if progress:
            progress(done, total)

    for result in lint_files(linter, found.files, advance if progress else None):
        outcome.results.append(result)
        outcome.errors.extend(result.errors)
        if options.fix and result.fixed is not None:
            try:
                result.write()
                outcome.files_written += 1
            except (FileChangedError, OSError) as exc:
                outcome.errors.append(f"{result.display}: not written: {exc}")
                result.fixed = result.original = None
    return outcome
