"""Runs the checkers over files, applies fixes safely, and collects the report.

The engine knows no rule: it asks the registry for the checkers, gives each file to those
whose needles it contains, filters by selection, ``per-file-ignores`` and ``# noqa``, and,
when asked, applies fixes pass after pass until nothing changes. A fixed text is only
kept if it parses again and still compiles wherever the original compiled.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import multiprocessing
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .checker import Checker, FileContext
from .diagnostics import Applicability, Diagnostic, Edit, Fix, apply_edits
from .engine_rules import PARSE_ERROR, UNUSED_NOQA
from .lazy import libcst as cst
from .module_names import ModuleNames
from .noqa import NoqaMap, may_name_netra_code, unused_noqa
from .registry import all_rules, checker_classes
from .settings import Settings
from .source import DecodeError, SourceFile

if TYPE_CHECKING:
    from .index import ProjectIndex

MAX_FIX_PASSES = 10
#: Set to 1 to check every file that holds a checker's needles, without asking the checker
#: first whether it may hold a finding: the answers must change nothing, and tests show it.
NO_CANDIDATE_FILTER = "NETRA_LINT_NO_CANDIDATE_FILTER"
FIX_WITHHELD = "fix withheld: it produced invalid code (a bug in netra-lint — please report it)"


@dataclass
class RunOptions:
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False
    jobs: int | None = None
    #: Build fix edits for the report even when nothing is applied (JSON output shows them).
    report_edits: bool = False
    #: Build fix edits for the files that have fixable findings (most have none), so that the
    #: full report shows each fix as a diff.
    preview_fixes: bool = False

    @property
    def apply_fixes(self) -> bool:
        return self.fix or self.diff

    @property
    def want_fixes(self) -> bool:
        return self.apply_fixes or self.report_edits


@dataclass
class FileResult:
    path: Path
    display: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    original: str | None = None  # set only when fixes changed the text
    fixed: str | None = None
    fixes_applied: Counter[str] = field(default_factory=Counter)
    #: Findings left unfixed because their fix produced invalid code (``FIX_WITHHELD``).
    fixes_withheld: int = 0
    encoding: str = "utf-8"
    errors: list[str] = field(default_factory=list)
    #: Said once on stderr; the run goes on and the exit code is the findings'.
    warnings: list[str] = field(default_factory=list)
    #: The bytes that were read (set only when fixes changed the text): a write refuses
    #: to replace a file whose bytes are no longer these.
    raw: bytes | None = field(default=None, repr=False)

    def write(self) -> None:
        """Write the fixed text atomically; refuses if the file changed since it was read."""
        assert self.original is not None and self.fixed is not None
        raw = self.raw if self.raw is not None else self.original.encode(self.encoding)
        original = SourceFile(self.path, self.original, self.encoding, raw=raw)
        original.write_atomic(self.fixed)


def display_path(path: Path) -> str:
    """``path`` relative to the working directory, as ruff shows it."""
    text, cwd = str(path), os.getcwd()
    if text.startswith(cwd + os.sep) and os.path.isabs(text) and os.path.normpath(text) == text:
        return text[len(cwd) + 1 :]  # the common case, without relpath's normalising
    try:
        return os.path.relpath(path)
    except ValueError:
        return text


class Linter:
    """The checkers and settings of one run; ``lint_file`` is what each worker calls."""

    def __init__(self, settings: Settings, options: RunOptions, index: ProjectIndex | None = None) -> None:
        self.settings = settings
        self.options = options
        self.index = index
        self.modules = ModuleNames(settings)
        self.checkers: list[tuple[Checker, frozenset[str], tuple[str, ...]]] = []
        for cls in checker_classes():
            codes = frozenset(r.code for r in cls.rules) & settings.enabled
            if codes:
                checker = cls(settings)
                self.checkers.append((checker, codes, tuple(checker.needles())))
        #: The run builds the project index (whose fingerprint covers every module name).
        self.indexed = any(checker.uses_index for checker, _, _ in self.checkers)
        #: Whether a checker first says if a file may hold a finding (``Checker.candidate``).
        self.filter_candidates = os.environ.get(NO_CANDIDATE_FILTER, "") in ("", "0")

    def prepare(self) -> None:
        """Let the checkers that read the index build its project-wide tables now (see
        ``Checker.prepare``)."""
        if self.index is not None:
            for checker, _, _ in self.checkers:
                if checker.uses_index:
                    checker.prepare(self.index)

    def file_inputs(self, path: Path) -> str:
        """What decides a file's findings besides its text (see ``Checker.file_inputs``), and
        without an index the file's module name (a sub-project's marker file may change it)."""
        found = "".join(checker.file_inputs(path) for checker, _, _ in self.checkers)
        if self.indexed:
            return found
        module = self.modules.of(path)
        return f"{found}\0{module.name}:{module.is_package}"

    def describe(self, files: Sequence[Path]) -> list[str]:
        """What the checkers assumed for ``files`` (see ``Checker.describe``)."""
        return [line for checker, _, _ in self.checkers for line in checker.describe(files)]

    # -- one file ---------------------------------------------------------------------

    def lint_file(self, path: Path, raw: bytes | None = None) -> FileResult:
        """Check (and fix, if the run does) ``path``; ``raw`` is its content when that is not
        what is on disk (text read from stdin)."""
        result = FileResult(path=path, display=display_path(path))
        try:
            source = SourceFile.read(path) if raw is None else SourceFile.from_bytes(path, raw)
        except DecodeError as exc:
            ignored = self.settings.ignored_for(self.settings.relative(path))
            enabled_here = self.settings.enabled - ignored
            result.diagnostics = self._only_if_enabled(
                self._parse_error_at(exc.row, exc.column, str(exc), result), enabled_here
            )
            return result
        except OSError as exc:  # as ruff: the run goes on, and exits by its findings
            result.warnings.append(f"skipped {result.display}: cannot read file: {exc.strerror or exc}")
            return result
        result.encoding = source.encoding
        relative = self.settings.relative(path)
        ignored = self.settings.ignored_for(relative)
        enabled = self.settings.enabled - ignored
        diagnostics = self._check(source, result, enabled, want_fixes=self.options.want_fixes)
        if self.options.preview_fixes and not self.options.want_fixes and any(d.fixable for d in diagnostics):
            result.errors.clear()  # said again by the check that builds the fixes
            result.warnings.clear()
            diagnostics = self._check(source, result, enabled, want_fixes=True)
        if self.options.apply_fixes and any(d.fix for d in diagnostics):
            diagnostics = self._fix(source, result, enabled, diagnostics)
        result.diagnostics = diagnostics
        return result

    def _check(
        self, source: SourceFile, result: FileResult, enabled: frozenset[str], want_fixes: bool
    ) -> list[Diagnostic]:
        ctx = FileContext(source, result.display, self.settings, enabled, want_fixes, self.index, self.modules)
        found: list[Diagnostic] = []
        applicable = [
            checker
            for checker, codes, needles in self.checkers
            if codes & enabled
            and (not needles or any(n in source.text for n in needles))
            and (not self.filter_candidates or _candidate(checker, ctx))
        ]
        for checker in applicable:
            ctx.use_checker(checker, applicable)
            try:
                found.extend(d for d in checker.check(ctx) if d.code in enabled)
            except SyntaxError as exc:
                return self._only_if_enabled(self._syntax_error(source, exc, result), enabled)
            except cst.ParserSyntaxError as exc:
                try:
                    ctx.ast_tree  # noqa: B018 - does Python itself parse it?
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    parse_error = self._parse_error_at(
                        exc.raw_line, exc.raw_column + 1, f"cannot parse: {exc.message}", result, source
                    )
                    return self._only_if_enabled(parse_error, enabled)
                # LibCST's grammar misses a few corners that CPython accepts (a file ending in a
                # lone line continuation): the code is valid, only this family can't read it.
                codes = ", ".join(sorted(r.code for r in checker.rules if r.code in enabled))
                result.warnings.append(
                    f"{result.display}: {codes} not checked: LibCST cannot parse the file ({exc.message})"
                )
            except RecursionError:
                return self._only_if_enabled(
                    self._parse_error_at(1, 1, "cannot parse: too deeply nested", result, source), enabled
                )
            except Exception as exc:  # a bug in a rule must not stop the run
                name = type(checker).__name__
                result.errors.append(f"{result.display}: internal error in {name}: {type(exc).__name__}: {exc}")
        parses = "ast_tree" in vars(ctx) or self._index_parsed(source)
        if PARSE_ERROR in enabled and not ctx.parsed and not parses:
            try:
                ctx.ast_tree  # noqa: B018 - parsed for the syntax error it may raise
            except SyntaxError as exc:
                return self._only_if_enabled(self._syntax_error(source, exc, result), enabled)
            except (RecursionError, MemoryError):
                return self._only_if_enabled(
                    self._parse_error_at(1, 1, "cannot parse: too deeply nested", result, source), enabled
                )
        return self._finish(source, result, found, enabled, parses or "ast_tree" in vars(ctx))

    def _index_parsed(self, source: SourceFile) -> bool:
        parsed = getattr(self.index, "parsed_ok", None)
        return bool(parsed and parsed(source.path, source.text))

    def _finish(
        self, source: SourceFile, result: FileResult, found: list[Diagnostic], enabled: frozenset[str], parses: bool
    ) -> list[Diagnostic]:
        """Positions, ``# noqa`` and NL100 for the findings; ``parses``: Python parsed the text."""
        check_noqa = UNUSED_NOQA in enabled and may_name_netra_code(source.text)
        if not found and not check_noqa:
            return []
        noqa = NoqaMap.from_source(source.text, parses)
        kept = []
        for diag in found:
            diag.row = source.location(diag.start)[0]
            diag.noqa_row = noqa.noqa_row(diag.row)
        if check_noqa:
            found = found + unused_noqa(source, noqa, found, enabled, all_rules())
        for diag in found:
            diag.path = result.display
            diag.row, diag.column = source.location(diag.start)
            diag.end_row, diag.end_column = source.location(max(diag.end, diag.start))
            diag.noqa_row = diag.noqa_row or diag.row
            diag.source_line = source.line_text(diag.row)
            if diag.fix is not None:
                diag.edit_locations = [
                    (*source.location(e.start), *source.location(e.end), e.content) for e in diag.fix.edits
                ]
            if not noqa.suppresses(diag.noqa_row, diag.code):
                kept.append(diag)
        kept.sort(key=Diagnostic.sort_key)
        return kept

    @staticmethod
    def _only_if_enabled(diag: Diagnostic, enabled: frozenset[str]) -> list[Diagnostic]:
        """A file that doesn't parse can't be checked further; NL001 says so if selected."""
        return [diag] if PARSE_ERROR in enabled else []

    def _syntax_error(self, source: SourceFile, exc: SyntaxError, result: FileResult) -> Diagnostic:
        row = exc.lineno or 1
        column = max(exc.offset or 1, 1)
        message = f"cannot parse: {exc.msg}"
        if sys.version_info < (3, 12) and _TYPE_PARAMETERS.match(source.line_text(row)):
            running = f"{sys.version_info[0]}.{sys.version_info[1]}"
            message += (
                f" in Python {running}, which runs netra-lint: the line uses Python 3.12's type parameters"
                " or `type` aliases (PEP 695); run netra-lint on Python 3.12 or later"
            )
        return self._parse_error_at(row, column, message, result, source)

    def _parse_error_at(
        self, row: int, column: int, message: str, result: FileResult, source: SourceFile | None = None
    ) -> Diagnostic:
        start = source.offset(row, column - 1) if source else 0
        diag = Diagnostic(code=PARSE_ERROR, message=message, start=start, end=start)
        diag.path = result.display
        diag.row, diag.column = row, column
        diag.end_row, diag.end_column = row, column
        diag.noqa_row = row
        diag.source_line = source.line_text(row) if source else ""
        return diag

    # -- fixing -----------------------------------------------------------------------

    def _allowed(self, fix: Fix | None) -> bool:
        if fix is None:
            return False
        return fix.applicability is Applicability.SAFE or self.options.unsafe_fixes

    def _fix(
        self, source: SourceFile, result: FileResult, enabled: frozenset[str], diagnostics: list[Diagnostic]
    ) -> list[Diagnostic]:
        """Apply the allowed fixes pass after pass. A fix that makes the text invalid (a bug
        in its rule) is withheld and its finding reported as not fixed; the file keeps its
        other fixes, validated again without it."""
        original = source.text
        baseline = _Baseline.of(source, result.display)
        text = original
        applied: Counter[str] = Counter()
        withheld: set[_FixKey] = set()

        def pending(diagnostics: list[Diagnostic]) -> list[tuple[str, Fix]]:
            return [
                (d.code, d.fix)
                for d in diagnostics
                if d.fix is not None and self._allowed(d.fix) and _FixKey.of(text, d.code, d.fix) not in withheld
            ]

        for _ in range(MAX_FIX_PASSES):
            fixes = pending(diagnostics)
            if not fixes:
                break
            chosen = _non_overlapping(fixes)
            new_text = apply_edits(text, _edits_of(chosen))
            if new_text == text:
                break
            if _validate(new_text, source, result.display, baseline) is not None:
                chosen, refused = _valid_part(text, chosen, source, result.display, baseline)
                withheld.update(_FixKey.of(text, code, fix) for code, fix in refused)
                if not chosen:
                    continue  # the fixes that waited for the refused ones get their turn
                new_text = apply_edits(text, _edits_of(chosen))
            applied.update(code for code, _ in chosen)
            text = new_text
            current = SourceFile(path=source.path, text=text, encoding=source.encoding, raw=source.raw)
            diagnostics = self._check(current, result, enabled, want_fixes=True)
        else:
            if pending(diagnostics):
                result.errors.append(
                    f"{result.display}: fixes did not converge after {MAX_FIX_PASSES} passes; file left unchanged"
                )
                return self._check(source, result, enabled, want_fixes=False)
        for diag in diagnostics:
            if diag.fix is not None and _FixKey.of(text, diag.code, diag.fix) in withheld:
                diag.message = f"{diag.message}; {FIX_WITHHELD}"
                diag.fix, diag.fix_applicability, diag.edit_locations = None, None, []
                result.fixes_withheld += 1
        if text != original:
            result.original, result.fixed, result.fixes_applied = original, text, applied
            result.raw = source.raw
        return diagnostics


def _candidate(checker: Checker, ctx: FileContext) -> bool:
    """The checker's ``candidate`` answer; yes when it can't tell (the file doesn't parse,
    or a bug): ``check`` then reports what it finds, or why it couldn't."""
    try:
        return checker.candidate(ctx)
    except Exception:
        return True


class _FixKey(NamedTuple):
    """A fix as it is recognised in the next pass, where offsets have moved: its rule, and
    each edit's old and new text."""

    code: str
    edits: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, text: str, code: str, fix: Fix) -> _FixKey:
        return cls(code, tuple((text[e.start : e.end], e.content) for e in fix.edits))


def _edits_of(fixes: list[tuple[str, Fix]]) -> list[Edit]:
    return sorted({e for _, fix in fixes for e in fix.edits})  # identical edits (a shared import) merge


def _valid_part(
    text: str, fixes: list[tuple[str, Fix]], source: SourceFile, filename: str, baseline: _Baseline
) -> tuple[list[tuple[str, Fix]], list[tuple[str, Fix]]]:
    """(kept, refused): the fixes of a pass, in text order, each kept if the text stays valid
    with it and the ones kept before it. Only runs when a pass fails validation (a bug)."""
    kept: list[tuple[str, Fix]] = []
    refused: list[tuple[str, Fix]] = []
    for item in fixes:
        if _validate(apply_edits(text, _edits_of([*kept, item])), source, filename, baseline) is None:
            kept.append(item)
        else:
            refused.append(item)
    return kept, refused


def _non_overlapping(fixes: list[tuple[str, Fix]]) -> list[tuple[str, Fix]]:
    """Fixes whose edits don't overlap, in text order; the rest wait for the next pass."""
    chosen: list[tuple[str, Fix]] = []
    taken: set[Edit] = set()
    for code, fix in sorted(fixes, key=lambda item: item[1].span):
        fresh = [e for e in fix.edits if e not in taken]  # identical edits (a shared import) merge
        if any(_overlaps((a.start, a.end), (b.start, b.end)) for a in fresh for b in taken):
            continue
        chosen.append((code, fix))
        taken.update(fresh)
    return chosen


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] == a[1] == b[0] == b[1]:
        return True  # two insertions at the same point: order would be arbitrary
    return a[0] < b[1] and b[0] < a[1]


def _compiles(text: str, filename: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, filename, "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


#: The statements of PEP 695 (Python 3.12), which older parsers reject where they start:
#: ``type Alias = ...``, ``def f[T](...)``, ``class C[T]:``.
_TYPE_PARAMETERS = re.compile(
    r"\s*(?:type\s+[^\W\d]\w*\s*(?:\[[^\]]*\]\s*)?=|(?:async\s+)?def\s+[^\W\d]\w*\s*\[|class\s+[^\W\d]\w*\s*\[)"
)


def _cst_parses(text: str) -> bool:
    try:
        cst.parse_module(text)
        return True
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return False


def _ast_parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


@dataclass(frozen=True)
class _Baseline:
    """What the original text achieved; a fixed text must achieve at least as much."""

    cst_parses: bool
    ast_parses: bool
    compiles: bool

    @classmethod
    def of(cls, source: SourceFile, filename: str) -> _Baseline:
        return cls(_cst_parses(source.text), _ast_parses(source.text), _compiles(source.text, filename))


def _validate(text: str, source: SourceFile, filename: str, baseline: _Baseline) -> str | None:
    """Why a fixed text must not be written, or None if it is fine.

    The fixed text must parse (LibCST and ``ast``) and compile wherever the original did,
    and the bytes written must decode back to exactly this text (same encoding, cookie, BOM).
    """
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        if baseline.cst_parses:
            return f"does not parse: {exc.message}"
    except (RecursionError, MemoryError):
        if baseline.cst_parses:
            return "does not parse: too deeply nested"
    if baseline.compiles and not _compiles(text, filename):
        return "no longer compiles"
    if baseline.ast_parses:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
        except SyntaxError as exc:
            return f"does not parse: {exc.msg}"
        except (ValueError, RecursionError, MemoryError) as exc:
            return f"does not parse: {type(exc).__name__}"
    try:
        data = source.encode(text)
    except UnicodeEncodeError as exc:
        return f"cannot be encoded as {source.encoding}: {exc.reason}"
    try:
        again = SourceFile.from_bytes(source.path, data)
    except DecodeError as exc:
        return f"would not decode again: {exc}"
    if again.text != text:
        return f"would not decode again to the same text (encoding {again.encoding} instead of {source.encoding})"
    return None


_PATCH_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_NO_NEWLINE = "\\ No newline at end of file\n"


def _patch_lines(text: str) -> list[str]:
    """Lines as ``patch`` sees them: only ``\\n`` ends a line (``\\r``, form feeds and other
    Unicode line breaks stay inside it)."""
    return _PATCH_LINE.findall(text)


def _diff_name(name: str) -> str:
    """A file name for a diff header that GNU patch and ``git apply`` read back exactly."""
    if any(c in name for c in '"\\') or any(ord(c) < 32 or ord(c) == 127 for c in name):
        escaped = "".join(
            {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(c)
            or (f"\\{ord(c):03o}" if ord(c) < 32 or ord(c) == 127 else c)
            for c in name
        )
        return f'"{escaped}"'
    if any(c.isspace() for c in name):
        return name + "\t"  # a tab ends the name, as in ``diff -u`` and ``git diff`` output
    return name


def unified_diff(result: FileResult) -> str:
    """The fix as a unified diff that ``patch -p1`` applies to the bytes on disk.

    Lines are split where ``patch`` splits them, a missing final newline is marked, and a
    UTF-8 BOM stays on the first line, so applying the diff gives what ``--fix`` writes.
    """
    if result.original is None or result.fixed is None:
        return ""
    original, fixed = result.original, result.fixed
    if result.encoding.replace("_", "-").lower() == "utf-8-sig":
        original, fixed = "\ufeff" + original, "\ufeff" + fixed
    # A fix is written through a symbolic link (see ``SourceFile.write_atomic``); so is the
    # diff, which names the file itself: ``patch`` refuses to patch a link.
    name = display_path(Path(os.path.realpath(result.path))) if os.path.islink(result.path) else result.display
    out: list[str] = []
    for line in difflib.unified_diff(
        _patch_lines(original),
        _patch_lines(fixed),
        fromfile=_diff_name(f"a/{name}"),
        tofile=_diff_name(f"b/{name}"),
    ):
        out.append(line if line.endswith("\n") else line + "\n" + _NO_NEWLINE)
    return "".join(out)


# -- many files ------------------------------------------------------------------------

_WORKER: Linter | None = None


def _worker_lint(path: Path) -> FileResult:
    assert _WORKER is not None
    return _WORKER.lint_file(path)


#: How many files a check worker process checks before a fresh one takes over.
FILES_PER_WORKER = 2000


def uses_workers(linter: Linter, files: int) -> bool:
    """Whether ``lint_files`` shares ``files`` files out to worker processes."""
    jobs = linter.options.jobs or os.cpu_count() or 1
    return jobs > 1 and files >= 32 and "fork" in multiprocessing.get_all_start_methods()


def lint_files(
    linter: Linter,
    files: Sequence[Path],
    progress: Callable[[int], None] | None = None,
) -> Iterator[FileResult]:
    """Lint ``files`` in a stable order, on several processes when it pays off."""
    global _WORKER
    if not uses_workers(linter, len(files)):
        for path in files:
            result = linter.lint_file(path)
            if progress:
                progress(1)
            yield result
        return
    _WORKER = linter
    jobs = linter.options.jobs or os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    # A worker keeps what it learns about the project's classes and modules for the files
    # after: on a 25,000-file tree that grew each worker past 1.1 GB. A fresh worker, forked
    # again from the main process, starts from the shared tables (``Linter.prepare``) and
    # learns again only what its next files ask.
    pool = context.Pool(jobs, maxtasksperchild=max(1, FILES_PER_WORKER // chunk))
    # The last files go out a few at a time, so that no worker is left with a whole chunk
    # when the others are done (the tests at the end of a tree are its slowest files).
    split = max(0, len(files) - jobs * chunk)
    try:
        head = pool.imap(_worker_lint, files[:split], chunksize=chunk)
        tail = pool.imap(_worker_lint, files[split:], chunksize=max(1, chunk // 16))
        for result in itertools.chain(head, tail):
            if progress:
                progress(1)
            yield result
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _WORKER = None
