"""The ``netra-lint`` command: ``check`` (the default), ``rule``.

Options are named and behave like ruff's. Exit codes: 0 nothing left to report,
1 violations remain (or ``--diff`` would change files), 2 usage, config or internal error.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__, baseline, ruff_config, ruff_host, show
from .config import load_settings
from .discovery import discover
from .engine import RunOptions
from .output import FORMATS, ReportContext
from .registry import all_rules
from .reporting import COLOR_CHOICES, EXIT_ERROR, EXIT_OK, Destination, ReportChoices, report, use_color
from .runner import run
from .settings import ConfigError, Settings
from .statistics import FORMATS as STATISTICS_FORMATS
from .statistics import GROUPS
from .stdin import check_stdin


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
    "--fix-only/--no-fix-only",
    default=False,
    help="Apply fixes, but don't report (or exit 1 for) the violations left. Implies --fix.",
)
@click.option(
    "--diff", is_flag=True, help="Print the diff the fixes would make; write nothing. Exit 1 if there is one."
)
@click.option("--select", multiple=True, metavar="CODES", help="Rule codes or prefixes to enable (comma separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rule codes or prefixes to disable.")
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Rule codes or prefixes to enable on top of the config."
)
@click.option(
    "--extend-exclude",
    multiple=True,
    metavar="PATTERNS",
    help="Exclude these files and directories too (comma separated; relative to the current directory).",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=True,
    help="Leave out what .gitignore files exclude (the default); --no-respect-gitignore checks it too.",
)
@click.option("--output-format", type=click.Choice(FORMATS), default="full", show_default=True)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of stdout.",
)
@click.option("-e", "--exit-zero", is_flag=True, help="Exit 0 even if violations remain.")
@click.option(
    "--exit-non-zero-on-fix", is_flag=True, help="Exit 1 if any file was fixed, even if no violations remain."
)
@click.option(
    "--statistics",
    "show_statistics",
    is_flag=True,
    help="Show counts per rule (or per directory, with --group-by dir) instead of each violation.",
)
@click.option(
    "--group-by",
    type=click.Choice(GROUPS),
    default="rule",
    show_default=True,
    help="With --statistics: count per rule, or per directory (findings below it included).",
)
@click.option("--show-fixes", is_flag=True, help="List the fixes that were applied, per file and rule.")
@click.option("--show-files", is_flag=True, help="List the files a run would check, and check nothing.")
@click.option("--show-settings", is_flag=True, help="Show the settings used for the first file, and check nothing.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this pyproject.toml (or netra-lint TOML) only.",
)
@click.option("-n", "--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    help="Check stdin (the path `-`) as if it were this file: its config, per-file ignores and project.",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the report: on a terminal (unless NO_COLOR is set, or FORCE_COLOR is), always or never.",
)
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
    fix_only: bool,
    diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    respect_gitignore: bool,
    output_format: str,
    output_file: Path | None,
    exit_zero: bool,
    exit_non_zero_on_fix: bool,
    show_statistics: bool,
    group_by: str,
    show_fixes: bool,
    show_files: bool,
    show_settings: bool,
    config_path: Path | None,
    no_cache: bool,
    stdin_filename: Path | None,
    color: str,
    quiet: bool,
    force_exclude: bool,
    jobs: int | None,
    verbose: bool,
    add_noqa: bool,
    baseline_file: Path | None,
    write_baseline: Path | None,
) -> None:
    """Check PATHS (default: the current directory; `-` reads stdin) and optionally fix them."""
    _tune_gc()
    choices = ReportChoices(
        output_format=output_format,
        exit_zero=exit_zero,
        exit_non_zero_on_fix=exit_non_zero_on_fix,
        fix_only=fix_only and not diff,
        show_statistics=show_statistics,
        group_by=group_by,
        show_fixes=show_fixes,
        quiet=quiet,
        verbose=verbose,
    )
    try:
        from_stdin = _reads_stdin(paths, stdin_filename)
        _check_report_choices(choices)
        targets = [stdin_filename or Path(".")] if from_stdin else list(paths) or [Path(".")]
        settings = load_settings(
            [_existing_directory(targets[0])] if from_stdin else targets,
            config=config_path,
            select=_split_codes(select) or None,
            ignore=_split_codes(ignore) or None,
            extend_select=_split_codes(extend_select) or None,
            unsafe_fixes=unsafe_fixes,
        )
        settings.use_cache = settings.use_cache and not no_cache
        settings.respect_gitignore = respect_gitignore
        settings.exclude += [_anchored(pattern, settings.project_root) for pattern in _split_codes(extend_exclude)]
        if verbose:
            for choice in settings.pack_choices:
                click.echo(f"netra-lint: {choice.describe()}", err=True)
        options = RunOptions(
            fix=(fix or fix_only) and not diff,
            diff=diff,
            unsafe_fixes=settings.unsafe_fixes,
            jobs=jobs,
            report_edits=output_format == "json",
            preview_fixes=output_format == "full" and not show_statistics,
        )
        if show_files or show_settings:
            click.echo(_show(targets, settings, options, force_exclude, show_files, from_stdin), nl=False)
            sys.exit(EXIT_OK)
        if from_stdin:
            sys.exit(_check_stdin(stdin_filename, settings, options, choices, force_exclude, color, output_file))
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
        context = ReportContext(settings.unsafe_fixes, settings.project_root, tuple(settings.ruff_codes))
        with _destination(output_file, color) as to:
            code = report(outcome, options, choices, context, to)
    except ConfigError as exc:
        click.echo(f"netra-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("\nnetra-lint: interrupted; files already written are complete, the rest untouched", err=True)
        sys.exit(130)
    sys.exit(code)


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


def _reads_stdin(paths: tuple[Path, ...], stdin_filename: Path | None) -> bool:
    """``-`` alone, or no path with ``--stdin-filename``, reads the code from stdin."""
    if Path("-") in paths and len(paths) > 1:
        raise ConfigError("`-` (read stdin) can't be combined with other paths")
    return paths == (Path("-"),) or (not paths and stdin_filename is not None)


def _existing_directory(stdin_filename: Path) -> Path:
    """Where the configuration of a stdin text is looked for: the closest directory of its
    name that exists (an editor's new buffer may name a file, or directories, not yet there)."""
    directory = Path(os.path.abspath(stdin_filename)).parent
    while not directory.is_dir() and directory != directory.parent:
        directory = directory.parent
    return directory


def _check_report_choices(choices: ReportChoices) -> None:
    if choices.show_statistics and choices.output_format not in STATISTICS_FORMATS:
        raise ConfigError(
            f"--statistics prints counts as {', '.join(STATISTICS_FORMATS)}, not as {choices.output_format!r}"
        )
    if choices.group_by != "rule" and not choices.show_statistics:
        raise ConfigError("--group-by applies to --statistics only")


def _anchored(pattern: str, root: Path) -> str:
    """A command-line exclude pattern, relative to the current directory as in ruff, as a
    pattern relative to the project root (a bare name still matches at any depth)."""
    if "/" not in pattern.rstrip("/"):
        return pattern
    here = os.path.relpath(Path.cwd().resolve(), root)
    if here == "." or here.startswith(os.pardir):
        return pattern
    return f"/{Path(here).as_posix()}/{pattern.lstrip('/')}"


def _show(
    targets: list[Path], settings: Settings, options: RunOptions, force_exclude: bool, files: bool, from_stdin: bool
) -> str:
    found = [] if from_stdin else discover(targets, settings, force_exclude=force_exclude).files
    if files:
        return show.files(found)
    first = targets[0] if from_stdin else found[0] if found else None
    if first is None:
        raise ConfigError("no file to show the settings for")
    return show.settings(first, settings, {"fix": options.fix, "diff": options.diff})


@contextmanager
def _destination(output_file: Path | None, color: str) -> Iterator[Destination]:
    """The report goes to ``--output-file`` if given, else to stdout."""
    if output_file is None:
        yield Destination(sys.stdout.buffer, use_color(color, sys.stdout.buffer))
        return
    try:
        handle = output_file.open("wb")
    except OSError as exc:
        raise ConfigError(f"{output_file}: cannot write the report: {exc.strerror or exc}") from None
    with handle:
        yield Destination(handle, use_color(color, handle))


def _check_stdin(
    stdin_filename: Path | None,
    settings: Settings,
    options: RunOptions,
    choices: ReportChoices,
    force_exclude: bool,
    color: str,
    output_file: Path | None,
) -> int:
    """Check stdin; a fix run prints the fixed text on stdout and the report on stderr (as ruff)."""
    checked = check_stdin(sys.stdin.buffer.read(), stdin_filename, settings, options, force_exclude)
    context = ReportContext(settings.unsafe_fixes, settings.project_root, tuple(settings.ruff_codes), checked.texts())
    if options.fix:
        Destination(sys.stdout.buffer, False).raw(checked.output)
        to_stderr = Destination(sys.stderr.buffer, use_color(color, sys.stderr.buffer))
        return report(checked.outcome, options, choices, context, to_stderr)
    with _destination(output_file, color) as to:
        return report(checked.outcome, options, choices, context, to)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule, the hosted ruff rules too.")
def rule(code: str | None, show_all: bool) -> None:
    """Explain a rule: what it finds, why it matters, an example, the fix and its safety.

    For a ruff rule (hosted or not), ruff's own explanation."""
    rules = all_rules()
    if show_all or not code:
        hosted = _hosted_rules()
        for listed in rules.values():
            click.echo(f"{listed.code:6} {listed.name:32} fix: {listed.fix:14} {listed.summary}")
        known = ruff_host.ruff_rules()
        for hosted_code in hosted:
            ruff_rule = known.get(hosted_code)
            if ruff_rule is not None:
                fix = f"ruff: {ruff_rule.fix}"
                click.echo(f"{ruff_rule.code:6} {ruff_rule.name:32} fix: {fix:14} {ruff_rule.summary}")
        return
    info = rules.get(code.upper())
    if info is not None:
        click.echo(f"# {info.name} ({info.code})\n\nFix: {info.fix}\n\n{info.summary}\n\n{info.doc.rstrip()}")
        return
    ruff_rule = ruff_host.ruff_rules().get(code.upper())
    if ruff_rule is None:
        click.echo(f"netra-lint: error: unknown rule code: {code!r} (see `netra-lint rule --all`)", err=True)
        sys.exit(EXIT_ERROR)
    if ruff_rule.code in _hosted_rules():
        where = "Hosted by netra-lint: ruff runs it in the same pass, under ruff's code."
    else:
        where = "Not hosted by netra-lint: add it to `[tool.netra-lint.ruff] select` in pyproject.toml to run it."
    click.echo(
        f"# {ruff_rule.name} ({ruff_rule.code})\n\nA ruff rule, from the {ruff_rule.linter} linter. {where}\n"
        f"Fix: {ruff_rule.fix}. Documentation: {ruff_rule.url}\n\n{ruff_rule.explanation.rstrip()}"
    )


def _hosted_rules() -> tuple[str, ...]:
    """The ruff rules the configuration of the current directory hosts (a configuration
    that doesn't load is an error, exit 2)."""
    try:
        settings = load_settings([Path(".")])
    except ConfigError as exc:
        click.echo(f"netra-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    return settings.ruff_hosted if settings.ruff_enabled else ()


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
