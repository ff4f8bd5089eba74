"""Printing a run's outcome and choosing the exit code, as ruff does: where the report
goes (stdout, ``--output-file``, or stderr when stdout carries fixed stdin text), whether
it is coloured, and what ``--statistics``, ``--fix-only`` and the exit flags change.

Exit codes: 0 nothing left to report, 1 violations remain (or ``--diff`` would change
files, or ``--exit-non-zero-on-fix`` and something was fixed), 2 an error.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass
from typing import BinaryIO

import click

from . import statistics
from .diagnostics import Applicability, Diagnostic
from .engine import RunOptions, unified_diff
from .output import RENDERERS, ReportContext, rule_name
from .runner import RunResult

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: BinaryIO) -> bool:
    """``--color``; with ``auto``, ``NO_COLOR`` turns colour off, then ``FORCE_COLOR`` (or
    ``CLICOLOR_FORCE``) on, else a terminal gets colour and a pipe or file doesn't."""
    if choice != "auto":
        return choice == "always"
    if "NO_COLOR" in os.environ:
        return False
    if "FORCE_COLOR" in os.environ or os.environ.get("CLICOLOR_FORCE", "0") != "0":
        return True
    return stream.isatty()


class Destination:
    """Where the report goes: text (styled or not) and raw bytes, in the order written."""

    def __init__(self, stream: BinaryIO, color: bool) -> None:
        self.stream = stream
        self.color = color

    def text(self, text: str, nl: bool = True) -> None:
        if nl:
            text += "\n"
        if not self.color:
            text = click.unstyle(text)
        self.raw(text.encode("utf-8", errors="surrogateescape"))

    def raw(self, data: bytes) -> None:
        sys.stdout.flush()  # text click printed before goes first
        self.stream.write(data)
        self.stream.flush()


@dataclass(frozen=True)
class ReportChoices:
    """The command-line choices that shape the report and the exit code."""

    output_format: str = "full"
    exit_zero: bool = False
    exit_non_zero_on_fix: bool = False
    fix_only: bool = False
    show_statistics: bool = False
    group_by: str = "rule"
    show_fixes: bool = False
    quiet: bool = False
    verbose: bool = False


def report(
    outcome: RunResult, options: RunOptions, choices: ReportChoices, context: ReportContext, to: Destination
) -> int:
    """Print the outcome to ``to`` (messages to stderr) and return the exit code."""
    if choices.verbose:
        for path, reason in outcome.skipped:
            click.echo(f"netra-lint: skipped {path}: {reason}", err=True)
        for note in outcome.notes:
            click.echo(f"netra-lint: {note}", err=True)
        checked = len(outcome.results) - outcome.cache_hits
        click.echo(f"netra-lint: {outcome.cache_hits} files served from the cache, {checked} checked", err=True)
    if not choices.quiet:
        for warning in outcome.warnings:
            click.echo(f"netra-lint: warning: {warning}", err=True)
    for error in outcome.errors:
        click.echo(f"netra-lint: error: {error}", err=True)
    if options.diff:
        return _report_diff(outcome, choices, to)

    diagnostics = sorted(outcome.diagnostics, key=lambda d: d.sort_key())
    fixed: Counter[str] = Counter()
    for result in outcome.results:
        if result.fixed is not None:
            fixed.update(result.fixes_applied)
    fixed_count = sum(fixed.values()) + outcome.ruff_rewrites
    if choices.fix_only:
        if choices.show_fixes and fixed:
            to.text(_fixes_summary(outcome))
        if fixed and not choices.quiet:
            total = sum(fixed.values())
            to.text(f"Fixed {total} error{'s' * (total != 1)}.")
    else:
        if choices.show_statistics:
            to.text(
                statistics.render(diagnostics, choices.output_format, choices.group_by, options.unsafe_fixes), nl=False
            )
        else:
            to.text(RENDERERS[choices.output_format](diagnostics, context), nl=False)
        if choices.show_fixes and fixed:
            to.text(_fixes_summary(outcome))
        # Statistics of a clean run print nothing, as in ruff.
        closing = not choices.show_statistics or diagnostics
        if choices.output_format in ("full", "concise") and not choices.quiet and closing:
            to.text(summary(diagnostics, fixed, options))
    if outcome.errors:
        return EXIT_ERROR
    if choices.exit_zero:
        return EXIT_OK
    if choices.exit_non_zero_on_fix and fixed_count:
        return EXIT_VIOLATIONS
    return EXIT_VIOLATIONS if diagnostics and not choices.fix_only else EXIT_OK


def _report_diff(outcome: RunResult, choices: ReportChoices, to: Destination) -> int:
    changed = [r for r in outcome.results if r.fixed is not None]
    for result in changed:
        # Each file's hunks in that file's own encoding, so `patch` matches its bytes
        # (the diff text already carries a BOM where the file has one).
        encoding = "utf-8" if result.encoding == "utf-8-sig" else result.encoding
        to.raw(unified_diff(result).encode(encoding, errors="replace"))
    if not choices.quiet:
        count = sum(sum(r.fixes_applied.values()) for r in changed)
        click.echo(
            f"Would fix {count} error{'s' * (count != 1)} in {len(changed)} file{'s' * (len(changed) != 1)}.",
            err=True,
        )
    if outcome.errors:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if changed and not choices.exit_zero else EXIT_OK


def summary(diagnostics: list[Diagnostic], fixed: Counter[str], options: RunOptions) -> str:
    """The closing lines: how many were found, fixed and remain, and what ``--fix`` would do."""
    remaining = len(diagnostics)
    fixed_total = sum(fixed.values())
    if not remaining and not fixed_total:
        return "All checks passed!"
    lines = []
    if fixed_total:
        found = remaining + fixed_total
        lines.append(f"Found {found} error{'s' * (found != 1)} ({fixed_total} fixed, {remaining} remaining).")
    else:
        lines.append(f"Found {remaining} error{'s' * (remaining != 1)}.")
    safe = sum(1 for d in diagnostics if d.fix_applicability is Applicability.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix_applicability is Applicability.UNSAFE)
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
            lines.append(f"    {count} × {code} ({rule_name(code)})")
    return "\n".join(lines)
