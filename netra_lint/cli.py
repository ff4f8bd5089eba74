"""The ``netra-lint`` command: ``check`` (the default), ``rule``.

Options are named and behave like ruff's. Exit codes: 0 nothing left to report,
1 violations remain (or ``--diff`` would change files), 2 usage, config or internal error.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from pathlib import Path

import click

from . import __version__, baseline, ruff_config
from .config import load_settings
from .engine import RunOptions, unified_diff
from .output import FORMATS, RENDERERS, statistics
from .registry import all_rules
from .runner import RunResult, run
from .settings import ConfigError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class _DefaultToCheck(click.Group):
    """``netra-lint src/`` and ``netra-lint --fix src/`` mean ``netra-lint check ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _split_codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


class _Progress:
    """A one-line ``phase done/total`` display on a terminal (``indexing 3,100/24,650``,
    then ``checking …``), for runs longer than a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < 1.0 or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        self.shown = True
        sys.stderr.write(f"\r\033[Knetra-lint: {phase} {done:,}/{total:,} files")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _tune_gc() -> None:
    """Parsing allocates millions of short-lived nodes and few reference cycles: collecting
    a hundred times less often than the default saves about a fifth of a cold run."""
    gc.set_threshold(100_000, 50, 1000)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netra-lint")
def main() -> None:
    """Find and safely fix legacy websockets code, deprecated project APIs, misplaced
    global/nonlocal declarations, missing methods and broken first-party imports.

    Run `netra-lint PATH...` (same as `netra-lint check PATH...`) or `netra-lint rule CODE`.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes (and unsafe ones with --unsafe-fixes).")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply (or show) fixes that may change behaviour."
)
@click.option(
    "--diff", is_flag=True, help="Print the diff the fixes would make; write nothing. Exit 1 if there is one."
)
@click.option("--select", multiple=True, metavar="CODES", help="Rule codes or prefixes to enable (comma separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rule codes or prefixes to disable.")
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Rule codes or prefixes to enable on top of the config."
)
@click.option("--output-format", type=click.Choice(FORMATS), default="full", show_default=True)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even if violations remain.")
@click.option("--statistics", "show_statistics", is_flag=True, help="Show counts per rule instead of each violation.")
@click.option("--show-fixes", is_flag=True, help="List the fixes that were applied, per file and rule.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this pyproject.toml (or netra-lint TOML) only.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("-q", "--quiet", is_flag=True, help="Print violations only: no summary, no progress.")
@click.option(
    "--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too (for pre-commit)."
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core)."
)
@click.option("-v", "--verbose", is_flag=True, help="Also list the rule packs in effect and skipped files, and why.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line that fails now (a baseline).")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Leave out the findings this baseline file lists (default: `baseline` in the config).",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record every finding of today in this baseline file, instead of reporting them.",
)
def check(
    paths: tuple[Path, ...],
    fix: bool,
    unsafe_fixes: bool | None,
    diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    output_format: str,
    exit_zero: bool,
    show_statistics: bool,
    show_fixes: bool,
    config_path: Path | None,
    no_cache: bool,
    quiet: bool,
    force_exclude: bool,
    jobs: int | None,
    verbose: bool,
    add_noqa: bool,
    baseline_file: Path | None,
    write_baseline: Path | None,
) -> None:
    """Check PATHS (default: the current directory) and optionally fix them."""
    _tune_gc()
    targets = list(paths) or [Path(".")]
    try:
        settings = load_settings(
            targets,
            config=config_path,
            select=_split_codes(select) or None,
            ignore=_split_codes(ignore) or None,
            extend_select=_split_codes(extend_select) or None,
            unsafe_fixes=unsafe_fixes,
        )
        if no_cache:
            settings.use_cache = False
        if verbose:
            for choice in settings.pack_choices:
                click.echo(f"netra-lint: {choice.describe()}", err=True)
        options = RunOptions(
            fix=fix and not diff,
            diff=diff,
            unsafe_fixes=settings.unsafe_fixes,
            jobs=jobs,
            report_edits=output_format == "json",
        )
        baseline_file = baseline_file or settings.baseline
        accepted = baseline.read_baseline(baseline_file) if baseline_file and not (write_baseline or diff) else None
        progress = _Progress(enabled=not quiet and sys.stderr.isatty())
        outcome = run(targets, settings, options, force_exclude=force_exclude, progress=progress)
        progress.clear()
        if write_baseline:
            written = baseline.write_baseline(outcome, settings, write_baseline)
            click.echo(f"Wrote {written} finding{'s' * (written != 1)} to {write_baseline}.")
            sys.exit(EXIT_ERROR if outcome.errors else EXIT_OK)
        if accepted is not None and baseline_file:
            _say_baselined(baseline.apply_baseline(outcome, settings, accepted), baseline_file, quiet)
        if add_noqa:
            added, failures = baseline.add_noqa(outcome)
            for failure in failures:
                click.echo(f"netra-lint: warning: {failure}", err=True)
            click.echo(f"Added {added} noqa directive{'s' * (added != 1)}.")
            sys.exit(EXIT_ERROR if outcome.errors else EXIT_OK)
    except ConfigError as exc:
        click.echo(f"netra-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("\nnetra-lint: interrupted; files already written are complete, the rest untouched", err=True)
        sys.exit(130)
    sys.exit(_report(outcome, options, output_format, exit_zero, show_statistics, show_fixes, quiet, verbose))


def _say_baselined(match: baseline.BaselineMatch, path: Path, quiet: bool) -> None:
    if quiet:
        return
    if match.baselined:
        count = match.baselined
        click.echo(f"netra-lint: {count} baselined finding{'s' * (count != 1)} not shown ({path})", err=True)
    if match.stale:
        count = len(match.stale)
        click.echo(
            f"netra-lint: {count} baseline entr{'ies' if count != 1 else 'y'} in {path} match no finding any more "
            "(fixed? `--write-baseline` again removes them):",
            err=True,
        )
        for entry in match.stale:
            click.echo(f"  {entry.path}: {entry.code} {entry.message}", err=True)


def _report(
    outcome: RunResult,
    options: RunOptions,
    output_format: str,
    exit_zero: bool,
    show_statistics: bool,
    show_fixes: bool,
    quiet: bool,
    verbose: bool,
) -> int:
    if verbose:
        for path, reason in outcome.skipped:
            click.echo(f"netra-lint: skipped {path}: {reason}", err=True)
        checked = len(outcome.results) - outcome.cache_hits
        click.echo(f"netra-lint: {outcome.cache_hits} files served from the cache, {checked} checked", err=True)
    if not quiet:
        for warning in outcome.warnings:
            click.echo(f"netra-lint: warning: {warning}", err=True)
    for error in outcome.errors:
        click.echo(f"netra-lint: error: {error}", err=True)
    if options.diff:
        changed = [r for r in outcome.results if r.fixed is not None]
        sys.stdout.flush()  # any text already written goes first
        stdout = sys.stdout.buffer
        for result in changed:
            # Each file's hunks in that file's own encoding, so `patch` matches its bytes
            # (the diff text already carries a BOM where the file has one).
            encoding = "utf-8" if result.encoding == "utf-8-sig" else result.encoding
            stdout.write(unified_diff(result).encode(encoding, errors="replace"))
        stdout.flush()
        if not quiet:
            count = sum(sum(r.fixes_applied.values()) for r in changed)
            click.echo(
                f"Would fix {count} error{'s' * (count != 1)} in {len(changed)} file{'s' * (len(changed) != 1)}.",
                err=True,
            )
        if outcome.errors:
            return EXIT_ERROR
        return EXIT_VIOLATIONS if changed and not exit_zero else EXIT_OK

    diagnostics = sorted(outcome.diagnostics, key=lambda d: d.sort_key())
    fixed: Counter[str] = Counter()
    for result in outcome.results:
        if result.fixed is not None:
            fixed.update(result.fixes_applied)
    if show_statistics:
        if diagnostics:
            click.echo(statistics(diagnostics), nl=False)
    else:
        rendered = RENDERERS[output_format](diagnostics, options.unsafe_fixes)
        click.echo(rendered, nl=False)
    if show_fixes and fixed:
        click.echo(_fixes_summary(outcome))
    if output_format in ("full", "concise") and not quiet and not show_statistics:
        click.echo(_summary(diagnostics, fixed, options))
    if outcome.errors:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if diagnostics and not exit_zero else EXIT_OK


def _summary(diagnostics: list, fixed: Counter[str], options: RunOptions) -> str:
    remaining = len(diagnostics)
    fixed_total = sum(fixed.values())
    if not remaining and not fixed_total:
        return "All checks passed!"
    lines = []
    if fixed_total:
        lines.append(
            f"Found {remaining + fixed_total} error{'s' * (remaining + fixed_total != 1)} "
            f"({fixed_total} fixed, {remaining} remaining)."
        )
    else:
        lines.append(f"Found {remaining} error{'s' * (remaining != 1)}.")
    safe = sum(1 for d in diagnostics if d.fix_applicability is not None and d.fix_applicability.value == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix_applicability is not None and d.fix_applicability.value == "unsafe")
    if not options.fix:
        fixable = safe + (unsafe if options.unsafe_fixes else 0)
        if fixable:
            lines.append(f"[*] {fixable} fixable with the `--fix` option.")
    if unsafe and not options.unsafe_fixes:
        lines.append(f"({unsafe} hidden fix{'es' * (unsafe != 1)} can be enabled with the `--unsafe-fixes` option.)")
    return "\n".join(lines)


def _fixes_summary(outcome: RunResult) -> str:
    lines = ["Fixed:"]
    for result in outcome.results:
        if result.fixed is None:
            continue
        lines.append(f"  {result.display}:")
        for code, count in sorted(result.fixes_applied.items()):
            rule = all_rules().get(code)
            lines.append(f"    {count} × {code} ({rule.name if rule else ''})")
    return "\n".join(lines)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code: str | None, show_all: bool) -> None:
    """Explain a rule: what it finds, why it matters, an example, the fix and its safety."""
    rules = all_rules()
    if show_all or not code:
        for listed in rules.values():
            click.echo(f"{listed.code:6} {listed.name:32} fix: {listed.fix:14} {listed.summary}")
        return
    info = rules.get(code.upper())
    if info is None:
        click.echo(f"netra-lint: error: unknown rule code: {code!r} (see `netra-lint rule --all`)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"# {info.name} ({info.code})\n\nFix: {info.fix}\n\n{info.summary}\n\n{info.doc.rstrip()}")


@main.command("export-ruff-config")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if the written ruff config is stale (for CI).")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the ruff config instead of writing it.")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="netra-lint config to read."
)
def export_ruff_config(path: Path | None, check_only: bool, to_stdout: bool, config_path: Path | None) -> None:
    """Write the rule packs' deprecated names as ruff banned-api entries (editor feedback)."""
    try:
        settings = load_settings([path or Path(".")], config=config_path)
        code, message = ruff_config.export(settings, check=check_only, to_stdout=to_stdout)
    except ConfigError as exc:
        click.echo(f"netra-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(message, nl=not to_stdout)
    sys.exit(code)
