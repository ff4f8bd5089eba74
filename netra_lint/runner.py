"""One run from paths to results: settings → files → project index → cache → checks → fixes."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ruff_host
from .cache import CACHE_DIR_NAME, ResultCache, content_digest, file_stat
from .diagnostics import Applicability, Diagnostic
from .discovery import Discovery, discover
from .engine import FileResult, Linter, RunOptions, display_path, lint_files, uses_workers
from .noqa import NoqaMap
from .registry import all_rules, checker_classes
from .settings import ConfigError, Settings
from .source import FileChangedError

#: ``progress(phase, done, total)``: how far a run is, for a progress line.
Progress = Callable[[str, int, int], None]
INDEXING, CHECKING = "indexing", "checking"


def _phase(progress: Progress | None, phase: str) -> Callable[[int, int], None] | None:
    return None if progress is None else lambda done, total: progress(phase, done, total)


@dataclass
class RunResult:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_written: int = 0
    cache_hits: int = 0
    #: Files that ruff's own fixes changed (after netra-lint's).
    ruff_rewrites: int = 0
    #: What the rule families assumed that the configuration doesn't say (``-v``): asked
    #: only when shown (the websockets pins of every directory cost 0.25 s on 6,000 files).
    describe: Callable[[], list[str]] = list

    @property
    def notes(self) -> list[str]:
        return self.describe()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]


def needs_index(settings: Settings) -> bool:
    return any(cls.uses_index and {r.code for r in cls.rules} & settings.enabled for cls in checker_classes())


def file_facts(settings: Settings) -> dict[str, Callable[..., Any]]:
    """The ``file_facts`` of the enabled checkers, for the index to compute as it parses."""
    return {
        cls.__name__: cls.file_facts
        for cls in checker_classes()
        if cls.gathers_file_facts() and {r.code for r in cls.rules} & settings.enabled
    }


def _too_large(path: Path, stat: tuple[int, int] | None, settings: Settings, outcome: RunResult) -> bool:
    """Generated files of many megabytes would take minutes to parse: skip them, and say so."""
    if stat is None:
        return False
    size = stat[1]
    if size <= settings.max_file_size:
        return False
    reason = f"{size:,} bytes is over max-file-size ({settings.max_file_size:,} bytes)"
    outcome.skipped.append((path, reason))
    outcome.warnings.append(f"skipped {display_path(path)}: {reason}")
    return True


def _lookup(
    cache: ResultCache | None,
    files: list[Path],
    index_key: str,
    options: RunOptions,
    stat: Callable[[str], tuple[int, int] | None],
    settings: Settings,
    linter: Linter,
) -> tuple[dict[Path, FileResult], list[Path]]:
    """The cached results of unchanged files, and the files to check (those without one,
    or that the run must fix)."""
    cached: dict[Path, FileResult] = {}
    to_lint: list[Path] = []
    for path in files:
        display = display_path(path)
        found = None
        if cache is not None:
            key = index_key + linter.file_inputs(path)
            found = cache.lookup(path, settings.relative(path), display, key, stat(str(path)))
        if found is None or _needs_fixing(found, options):
            to_lint.append(path)
        else:
            cached[path] = FileResult(path=path, display=display, diagnostics=found)
    return cached, to_lint


def _needs_fixing(diagnostics: list[Diagnostic], options: RunOptions) -> bool:
    if not options.apply_fixes:
        return False
    return any(
        d.fix_applicability is Applicability.SAFE
        or (d.fix_applicability is Applicability.UNSAFE and options.unsafe_fixes)
        for d in diagnostics
    )


def run(
    paths: Sequence[Path],
    settings: Settings,
    options: RunOptions,
    force_exclude: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Check (and with ``options.fix``, fix) every file below ``paths``."""
    if settings.ruff_codes and options.apply_fixes:
        _validate_ruff(settings)
    found = discover(paths, settings, force_exclude=force_exclude)
    outcome = RunResult(skipped=found.skipped)
    outcome.warnings.extend(f"skipped {display_path(path)}: {reason}" for path, reason in found.unreadable)
    discovered = found.files
    stats = {str(path): file_stat(path) for path in found.files}  # one stat per file answers every question
    found.files = [path for path in found.files if not _too_large(path, stats[str(path)], settings, outcome)]
    # A check-only run starts ruff now: it reads the files while netra-lint works.
    early_ruff = None
    if settings.ruff_codes and not options.fix and not options.diff:
        early_ruff = ruff_host.RuffCheck(found.files, settings.ruff_codes, Path.cwd(), cache=settings.use_cache)
    try:
        return _run(found, outcome, settings, options, discovered, paths, early_ruff, progress, stats)
    finally:
        if early_ruff is not None:
            early_ruff.cancel()  # only still running when the run was interrupted


def _run(
    found: Discovery,
    outcome: RunResult,
    settings: Settings,
    options: RunOptions,
    discovered: list[Path],
    paths: Sequence[Path],
    early_ruff: ruff_host.RuffCheck | None,
    progress: Progress | None,
    stats: dict[str, tuple[int, int] | None],
) -> RunResult:
    def stat(path: str) -> tuple[int, int] | None:
        return stats[path] if path in stats else file_stat(path)

    index = None
    index_key = ""
    looked_up: str | None = None  # the index key of the lookups in by_path
    cache = None
    if settings.use_cache:
        cache = ResultCache.open(settings.cache_dir or settings.project_root / CACHE_DIR_NAME, settings.fingerprint())
        # What is cached serves every report format: the fix edits are part of it.
        options = dataclasses.replace(options, report_edits=True)
    linter = Linter(settings, options)
    if needs_index(settings):
        from .index import ProjectIndex

        # A run over the whole project has already found every first-party file.
        whole_project = sorted(Path(p).resolve() for p in paths) == sorted(ProjectIndex.search_paths(settings))
        index_files = discovered if whole_project else ProjectIndex.files(settings)
        facts = file_facts(settings)
        known = ProjectIndex.cached_fingerprint(settings, index_files, facts, stat) if cache is not None else None
        if known:  # no first-party file changed: the index is loaded only to check something
            by_path, to_lint = _lookup(cache, found.files, known, options, stat, settings, linter)
            looked_up = index_key = known
        if not known or to_lint:
            indexing = _phase(progress, INDEXING)
            index = ProjectIndex.build(
                settings, jobs=options.jobs, files=index_files, facts=facts, stat=stat, progress=indexing
            )
            index_key = index.fingerprint
    linter.index = index
    if looked_up != index_key:
        by_path, to_lint = _lookup(cache, found.files, index_key, options, stat, settings, linter)
    outcome.cache_hits = len(by_path)
    if uses_workers(linter, len(to_lint)):
        linter.prepare()
    # What exists now lives until the end: the collector need not scan it again, and forked
    # workers don't copy the pages it would touch.
    gc.freeze()

    total = len(found.files)
    done = len(by_path)

    def advance(step: int) -> None:
        nonlocal done
        done += step
        if progress:
            progress(CHECKING, done, total)

    try:
        for result in lint_files(linter, to_lint, advance if progress else None):
            by_path[result.path] = result
            outcome.errors.extend(result.errors)
            outcome.warnings.extend(result.warnings)
            if options.fix and result.fixed is not None:
                try:
                    result.write()
                    outcome.files_written += 1
                except (FileChangedError, OSError) as exc:
                    outcome.errors.append(f"{result.display}: not written: {exc}")
                    result.fixed = result.original = None
                    continue
            fixes_pending = options.diff and result.fixed is not None
            incomplete = result.errors or result.warnings or result.fixes_withheld
            if cache is not None and not incomplete and not fixes_pending:
                written = options.fix and result.fixed is not None
                key = index_key + linter.file_inputs(result.path)
                cache.store(result.path, settings.relative(result.path), result.diagnostics, key, written)
    finally:
        if cache is not None:
            cache.save()
    outcome.results = [by_path[p] for p in found.files if p in by_path]
    outcome.describe = lambda: linter.describe([r.path for r in outcome.results])
    _warn_withheld(outcome)
    if settings.ruff_codes:
        _host_ruff(outcome, settings, options, linter, early_ruff)
    gc.unfreeze()  # a caller that runs again (tests, editors) gets its memory back
    return outcome


def _warn_withheld(outcome: RunResult) -> None:
    """Once for the run: fixes that produced invalid code are a bug worth reporting, but
    not a reason to fail a whole-repository run."""
    files = [r for r in outcome.results if r.fixes_withheld]
    if files:
        count = sum(r.fixes_withheld for r in files)
        outcome.warnings.append(
            f"{count} fix{'es' * (count != 1)} in {len(files)} file{'s' * (len(files) != 1)} withheld: "
            f"{'they' if count != 1 else 'it'} produced invalid code (a bug in netra-lint — please report it); "
            "their findings are reported as not fixed, and the files' other fixes are kept"
        )


def _host_ruff(
    outcome: RunResult, settings: Settings, options: RunOptions, linter: Linter, started: ruff_host.RuffCheck | None
) -> None:
    """Run the hosted ruff rules on the same files (or wait for the run ``started`` on them)
    and merge them into the report."""
    files = [r.path for r in outcome.results]
    codes = settings.ruff_codes
    cwd = Path.cwd()
    try:
        if options.fix:
            # by content, not mtime: a rewrite within the same clock tick that keeps the size,
            # such as sorting imports, would look unchanged
            before = {r.path: content_digest(r.path) for r in outcome.results}
            ruff_host.fix_files(files, codes, cwd, options.unsafe_fixes, cache=settings.use_cache)
            # Re-check what ruff rewrote, so netra's findings describe the final files.
            check_only = Linter(settings, RunOptions(jobs=options.jobs), linter.index)
            for result in outcome.results:
                if content_digest(result.path) != before[result.path]:
                    outcome.ruff_rewrites += 1
                    again = check_only.lint_file(result.path)
                    result.diagnostics, result.errors = again.diagnostics, result.errors + again.errors
                    outcome.errors.extend(again.errors)
        if options.diff:
            _ruff_diff(outcome, codes, cwd, options.unsafe_fixes, cache=settings.use_cache)
        found = (
            started.result() if started is not None else ruff_host.check(files, codes, cwd, cache=settings.use_cache)
        )
    except (ruff_host.RuffUnavailable, ruff_host.RuffFailed) as exc:
        ruff_failed(outcome, settings, exc)
        return
    merge_ruff(outcome.results, found, settings, {})


def ruff_failed(outcome: RunResult, settings: Settings, exc: ruff_host.RuffUnavailable | ruff_host.RuffFailed) -> None:
    """Say why ruff's findings are missing: no ruff is an error if the user chose ruff rules
    (else a warning); an unknown rule or a ruff that failed is an error."""
    if isinstance(exc, ruff_host.UnknownRuffRule):
        outcome.errors.append(_unknown_ruff_rule(settings, exc.code))
    elif isinstance(exc, ruff_host.RuffFailed):
        outcome.errors.append(str(exc))
    elif settings.ruff_explicit:
        outcome.errors.append(f"{exc}; the selected ruff rules were not checked")
    else:
        outcome.warnings.append(f"{exc}; ran netra-lint's own rules only")


def merge_ruff(
    results: list[FileResult], found: list[Diagnostic], settings: Settings, noqa_maps: dict[Path, NoqaMap]
) -> None:
    """Add ruff's findings to the results of their files, except those that a per-file
    ignore switches off or that repeat a netra finding (reported or suppressed under netra's
    code). ``noqa_maps`` holds the noqa comments of files not read from disk."""
    equivalents = {rule.ruff_equivalent: code for code, rule in all_rules().items() if rule.ruff_equivalent}
    by_display = {r.display: r for r in results}  # displays are normalised paths
    for diag in found:
        owner = by_display.get(diag.path) or by_display.get(str(Path(diag.path)))
        if owner is None or diag.code in settings.ignored_for(settings.relative(owner.path)):
            continue
        netra_code = equivalents.get(diag.code)
        if netra_code and any(d.code == netra_code and ruff_host.same_problem(diag, d) for d in owner.diagnostics):
            continue
        if (
            netra_code
            and netra_code in settings.enabled
            and _noqa_for(owner, noqa_maps).suppresses_any(ruff_host.pointed_rows(diag), netra_code)
        ):
            continue  # the same problem, suppressed under netra's code (e.g. by --add-noqa)
        owner.diagnostics.append(diag)
        owner.diagnostics.sort(key=Diagnostic.sort_key)


def _validate_ruff(settings: Settings) -> None:
    """Stop a run that would write files before it reads one when ruff can't run the hosted
    rules (an unknown code, a broken ruff configuration); a missing ruff is said later."""
    try:
        ruff_host.validate(settings.ruff_codes, settings.project_root / "netra_lint_probe.py", Path.cwd())
    except ruff_host.RuffUnavailable:
        pass
    except ruff_host.UnknownRuffRule as exc:
        raise ConfigError(_unknown_ruff_rule(settings, exc.code)) from None
    except ruff_host.RuffFailed as exc:
        raise ConfigError(f"{exc}; nothing was changed") from None


def _unknown_ruff_rule(settings: Settings, code: str) -> str:
    if settings.config_path is not None and settings.ruff_hosted != ruff_host.DEFAULT_HOSTED:
        where = f"{settings.config_path}: [tool.netra-lint.ruff] key 'select'"
    else:
        where = "the default hosted ruff rules"
    return f"{where}: {code!r} is not a rule of the installed ruff"


def _noqa_for(result: FileResult, cache: dict[Path, NoqaMap]) -> NoqaMap:
    if result.path not in cache:
        try:
            cache[result.path] = NoqaMap.from_source(result.path.read_bytes().decode(result.encoding, errors="replace"))
        except OSError:
            cache[result.path] = NoqaMap()
    return cache[result.path]


def _ruff_diff(outcome: RunResult, codes: list[str], cwd: Path, unsafe: bool, cache: bool = True) -> None:
    """Fold ruff's fixes into the diff: on top of ours where we change a file."""
    candidates = ruff_host.files_with_fixes([r.path for r in outcome.results], codes, cwd, unsafe, cache=cache)
    for result in outcome.results:
        if result.fixed is None and result.path.resolve() not in candidates:
            continue
        text = result.fixed if result.fixed is not None else None
        if text is None:
            try:
                text = result.path.read_bytes().decode(result.encoding)
            except (OSError, UnicodeDecodeError):
                continue
        final = ruff_host.fix_text(text, result.path, codes, cwd, unsafe)
        if final != text or result.fixed is not None:
            result.original = result.original if result.original is not None else text
            result.fixed = final
            if result.original == result.fixed:
                result.original = result.fixed = None
