"""Property tests over generated Python programs (hypothesis + hypothesmith).

For every registered rule and for the engine's own fixing machinery:

* no input makes a run raise, and no rule reports an internal error;
* LibCST gives back exactly the text it parsed, and files without a fix stay byte-identical;
* a fixed file parses and compiles wherever the original compiled (NL301/NL302: wherever the
  only error was the one fixed), and decodes back to the text that was fixed;
* fixing is idempotent: a second ``--fix`` changes nothing;
* the ``--diff`` output, applied with ``patch --fuzz=0``, gives exactly what ``--fix`` writes;
* fixture snippets planted into generated programs are found and fixed the same way.

CI runs a bounded number of examples with a fixed seed. For a longer, randomised run:
``NETRA_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import ast
import codecs
import os
import subprocess
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st

from fixture_cases import Case, all_cases
from netra_lint import engine
from netra_lint.checker import Checker, FileContext, RuleInfo
from netra_lint.config import load_settings
from netra_lint.diagnostics import Applicability, Diagnostic, Edit
from netra_lint.engine import FileResult, Linter, RunOptions, unified_diff
from netra_lint.importedits import add_import
from netra_lint.registry import checker_classes
from netra_lint.runner import RunResult, run
from netra_lint.settings import Settings
from netra_lint.source import SourceFile

LONG_RUN = "NETRA_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("NETRA_FUZZ_EXAMPLES") or 0)
PATCH_TIMEOUT = 30
#: Rules whose fixes repair a file that does not compile (a SyntaxError from the symbol
#: table), and the declaration each one moves.
REPAIRING_RULES = {"NL301": "global", "NL302": "nonlocal"}


def fuzz(examples: int) -> settings:
    """Bounded and reproducible in CI; ``NETRA_FUZZ_EXAMPLES`` makes it long and random."""
    return settings(
        max_examples=EXAMPLES or examples,
        deadline=None,
        derandomize=not LONG_RUN,
        database=None if not LONG_RUN else settings.default.database,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        # Shrinking a generated program can take minutes: CI reports the failing example
        # as found; a long local run shrinks it.
        phases=list(Phase) if LONG_RUN else [Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    )


# -- generated programs --------------------------------------------------------------------

#: Openings that trip code which inserts or removes lines near the top of a module.
OPENERS = [
    "",
    "@decorator\ndef first():\n    pass\n",
    "@decorator\nclass First:\n    pass\n",
    '"""Docstring."""\n',
    "from __future__ import annotations\n",
    "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n",
    "import os; value = 1\n",
    "if True:\n    import os\n",
    "\x0c\n# form feed above\n",
    "x = 1 \\\n    + 2\n",
]
RAW_PROGRAMS = st.builds(
    str.__add__,
    st.sampled_from(OPENERS),
    st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()),
)


@dataclass(frozen=True)
class Styled:
    """A generated program as a file: newline style, BOM, final newline."""

    text: str
    newline: str
    bom: bool

    @property
    def encoding(self) -> str:
        return "utf-8-sig" if self.bom else "utf-8"

    def data(self) -> bytes:
        return self.text.encode(self.encoding)


@st.composite
def styled_programs(draw: st.DrawFn, programs: st.SearchStrategy[str] = RAW_PROGRAMS) -> Styled:
    text = draw(programs)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if newline != "\n":
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)
    if draw(st.booleans()) and text.endswith(newline):
        text = text[: -len(newline)]
    return Styled(text=text, newline=newline, bom=draw(st.booleans()))


def compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fuzz>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def cst_parses(text: str) -> bool:
    try:
        cst.parse_module(text)
        return True
    except (cst.ParserSyntaxError, RecursionError):
        return False


# -- running the engine on a small project -------------------------------------------------


@contextmanager
def project(files: dict[str, bytes]) -> Iterator[Path]:
    """A throw-away project (an empty pyproject.toml pins the root) holding ``files``."""
    with tempfile.TemporaryDirectory(prefix="netra-fuzz-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        (root / "pyproject.toml").write_text("", encoding="utf-8")
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        old = os.getcwd()
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(old)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".netra_lint_cache" not in p.parts
    }


def lint(root: Path, select: Iterable[str] = ("ALL",), fix: bool = False, diff: bool = False) -> RunResult:
    settings_ = load_settings([root], select=list(select), unsafe_fixes=True)
    settings_.use_cache = False
    return run([root], settings_, RunOptions(fix=fix, diff=diff, unsafe_fixes=True, jobs=1))


def apply_patch(root: Path, diff_text: str, encoding: str = "utf-8") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["patch", "-p1", "--fuzz=0", "--no-backup-if-mismatch", "--batch", "--silent", "--force"],
        input=diff_text.encode(encoding),
        cwd=root,
        capture_output=True,
        timeout=PATCH_TIMEOUT,
    )


def describe(outcome: RunResult) -> str:
    lines = [f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}" for d in outcome.diagnostics]
    return "\n".join(lines + outcome.errors)


def check_fix_properties(
    files: dict[str, bytes],
    select: Iterable[str] = ("ALL",),
    allow_errors: bool = False,
) -> tuple[RunResult, dict[str, bytes]]:
    """Run ``--diff``, ``--fix`` and ``--fix`` again on ``files``; assert the fix properties.

    Returns the first ``--fix`` run and the files after it.
    """
    select = list(select)
    with project(files) as root:
        enabled = load_settings([root], select=select).enabled
        repairs = frozenset(kind for code, kind in REPAIRING_RULES.items() if code in enabled)
        before = snapshot(root)
        checked = lint(root, select)
        if not allow_errors:
            assert checked.errors == [], describe(checked)
        assert snapshot(root) == before, "a run without --fix wrote to a file"

        diffed = lint(root, select, diff=True)
        assert snapshot(root) == before, "--diff wrote to a file"
        diff_text = "".join(unified_diff(r) for r in diffed.results)
        by_name = {r.path.relative_to(root).as_posix(): r for r in diffed.results}

        fixed = lint(root, select, fix=True)
        if not allow_errors:
            assert fixed.errors == [], describe(fixed)
        after = snapshot(root)
        note(f"diff:\n{diff_text}")

        for name, old in before.items():
            new = after[name]
            if new == old:
                continue
            result = by_name[name]
            assert result.fixed is not None, f"{name} was written although --diff showed no change"
            source = SourceFile.from_bytes(root / name, new)
            assert source.text == result.fixed, f"{name}: the bytes written don't decode to the fixed text"
            original = SourceFile.from_bytes(root / name, old)
            assert source.encoding == original.encoding, f"{name}: the encoding changed"
            assert cst_parses(source.text) or not cst_parses(original.text), f"{name}: no longer parses (LibCST)"
            if compiles(original.text):
                assert compiles(source.text), f"{name}: compiled before the fix, not after"
            elif repairs and _only_repairable_error(original.text, repairs):
                assert compiles(source.text), (
                    f"{name}: the only error was a NL301/NL302 one, yet it still does not compile"
                )
        for name in before.keys() - {
            r.path.relative_to(root).as_posix() for r in diffed.results if r.fixed is not None
        }:
            assert after[name] == before[name], f"{name} changed although --diff showed nothing for it"

        # Idempotent: a second --fix changes nothing.
        again = lint(root, select, fix=True)
        assert again.files_written == 0, [r.display for r in again.results if r.fixed is not None]
        assert snapshot(root) == after

        # --diff applied with patch gives exactly what --fix wrote.
        for name, data in before.items():
            (root / name).write_bytes(data)
        if diff_text:
            patched = apply_patch(root, diff_text)
            assert patched.returncode == 0, (patched.stdout + patched.stderr).decode(errors="replace")
        assert snapshot(root) == after, "--diff applied with patch differs from what --fix wrote"
        return fixed, after


def _only_repairable_error(text: str, kinds: frozenset[str]) -> bool:
    """True if ``text`` parses but does not compile only because of a ``kinds`` declaration
    (global, nonlocal) placed after a use, which the enabled NL301/NL302 repair: the error is
    that one, and the same program without those declarations compiles."""
    if not cst_parses(text):
        return False
    try:
        tree = ast.parse(text)
        compile(text, "<fuzz>", "exec", dont_inherit=True)
        return False
    except SyntaxError as exc:
        message = str(exc.msg)
        if not any(
            f"{verb} {kind} declaration" in message
            for verb in ("used prior to", "assigned to before")
            for kind in kinds
        ):
            return False
    except (ValueError, RecursionError, MemoryError):
        return False

    class WithoutDeclarations(ast.NodeTransformer):
        def visit_Global(self, node: ast.Global) -> ast.AST:
            return ast.copy_location(ast.Pass(), node) if "global" in kinds else node

        def visit_Nonlocal(self, node: ast.Nonlocal) -> ast.AST:
            return ast.copy_location(ast.Pass(), node) if "nonlocal" in kinds else node

    stripped = ast.fix_missing_locations(WithoutDeclarations().visit(tree))
    try:
        compile(stripped, "<fuzz>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


# -- test-only checkers that exercise the engine's fixing machinery ------------------------


def _names_outside_fstrings(tree: ast.AST) -> Iterator[ast.Name]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.JoinedStr):
            continue
        if isinstance(node, ast.Name):
            yield node
        stack.extend(ast.iter_child_nodes(node))


class RenameNames(Checker):
    """XT901: rename every name (outside f-strings) to ``<name>_r``, via ``ast`` positions."""

    rules = (RuleInfo("XT901", "rename-names", "test only", "test only", "safe"),)

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for node in _names_outside_fstrings(ctx.ast_tree):
            if node.id.endswith("_r"):
                continue
            span = ctx.source.ast_span(node)
            new = node.id + "_r"
            yield ctx.diagnostic(
                "XT901",
                "rename",
                span,
                fix=lambda s=span, n=new: [Edit(s[0], s[1], n)],
                applicability=Applicability.SAFE,
            )


class _Renamed(ast.NodeTransformer):
    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.JoinedStr:
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if not node.id.endswith("_r"):
            node.id += "_r"
        return node


class ArbitraryEdit(Checker):
    """XT903: one edit chosen by the test, which may well break the file."""

    rules = (RuleInfo("XT903", "arbitrary-edit", "test only", "test only", "safe"),)
    edit: Edit = Edit(0, 0, "")
    original: str = ""

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        edit = type(self).edit
        if ctx.text == type(self).original:
            yield ctx.diagnostic(
                "XT903", "edit", (edit.start, edit.end), fix=lambda: [edit], applicability=Applicability.UNSAFE
            )


class NeverConverges(Checker):
    """XT904: always has one more line to append."""

    rules = (RuleInfo("XT904", "never-converges", "test only", "test only", "safe"),)

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        end = len(ctx.text)
        yield ctx.diagnostic(
            "XT904", "again", (end, end), fix=lambda: [Edit(end, end, "\n# again\n")], applicability=Applicability.SAFE
        )


class Crashes(Checker):
    """XT905: a rule with a bug."""

    rules = (RuleInfo("XT905", "crashes", "test only", "test only", "report"),)

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        yield from ()
        raise ZeroDivisionError("a bug in a rule")


class ReadsLibcst(Checker):
    """XT906: reads every file's LibCST tree and finds nothing."""

    rules = (RuleInfo("XT906", "reads-libcst", "test only", "test only", "report"),)

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        ctx.cst_module  # noqa: B018 - parsed for what it raises
        return ()


def synthetic_linter(
    monkeypatch: pytest.MonkeyPatch, root: Path, classes: tuple[type[Checker], ...], unsafe: bool = True
) -> Linter:
    monkeypatch.setattr(engine, "checker_classes", lambda: classes)
    codes = frozenset(r.code for cls in classes for r in cls.rules) | {"NL001"}
    settings_ = Settings(project_root=root, enabled=codes, use_cache=False)
    return Linter(settings_, RunOptions(fix=True, unsafe_fixes=unsafe, jobs=1))


def fix_one(linter: Linter, path: Path) -> FileResult:
    result = linter.lint_file(path)
    if result.fixed is not None:
        result.write()
    return result


def patched_equals_fixed(path: Path, original: bytes, result: FileResult) -> None:
    """Apply ``unified_diff(result)`` with patch to ``original`` and compare with the file."""
    fixed_bytes = path.read_bytes()
    path.write_bytes(original)
    proc = apply_patch(
        path.parent,
        unified_diff(result)
        .replace(f"a/{result.display}", f"a/{path.name}")
        .replace(f"b/{result.display}", f"b/{path.name}"),
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr).decode(errors="replace")
    assert path.read_bytes() == fixed_bytes, "the diff applied with patch differs from the fixed file"


# -- the tests -------------------------------------------------------------------------------


@fuzz(40)
@given(program=styled_programs())
def test_libcst_round_trip_and_positions_are_exact(
    program: Styled, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Untouched text survives LibCST byte for byte, and every position the engine converts
    (``ast`` UTF-8 columns, LibCST code points) points at the node's own text. Where LibCST
    can't parse a program that Python compiles, netra-lint does not call it unparsable."""
    text = program.text
    source = SourceFile.from_bytes(Path("t.py"), program.data())
    assert source.text == text
    assert source.encode(text) == program.data()
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        module = None
    if module is not None and module.code != text:
        # LibCST's known round-trip losses are all in the module footer (blank and comment
        # lines after the last statement; e.g. ``"x\n #a\n\t\n"`` comes back as
        # ``"x\n\t\n"``, and a final lone "\r" is dropped). netra-lint never writes
        # ``module.code``: fixes are offset edits on the text as read, so files keep those
        # lines. Everything up to the end of the last statement must round-trip exactly.
        body = module.with_changes(footer=()).code
        assert text.startswith(body) and module.code.startswith(body), (text, module.code)
    if not compiles(text):
        return
    if module is None:
        libcst_cannot_parse_valid_python(program, monkeypatch, tmp_path_factory.mktemp("libcst"))
        return
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.expr, ast.stmt))
            and not isinstance(node, ast.JoinedStr)
            and getattr(node, "end_col_offset", None) is not None
        ):
            start, end = source.ast_span(node)
            assert text[start:end] == ast.get_source_segment(text, node), ast.dump(node)
    ctx = FileContext(source, "t.py", Settings(project_root=Path(".")), frozenset(), True)
    names = [n for n in _cst_names(ctx.cst_module)]
    for node in names:
        start, end = ctx.cst_span(node)
        assert text[start:end] == node.value


def libcst_cannot_parse_valid_python(program: Styled, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """LibCST's grammar misses a few corners CPython accepts (a file ending in a lone line
    continuation). Such a file is valid: no NL001, and a warning names the codes skipped."""
    path = root / "mod.py"
    path.write_bytes(program.data())
    result = synthetic_linter(monkeypatch, root, (ReadsLibcst,)).lint_file(path)
    assert [d.code for d in result.diagnostics] == [] and result.errors == []
    assert result.fixed is None and path.read_bytes() == program.data()
    assert [w.split(": ", 1)[1].split(" not checked")[0] for w in result.warnings] == ["XT906"], result.warnings


def test_valid_python_that_libcst_cannot_parse_is_not_a_parse_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = Styled(text="@decorator\nclass First:\n    pass\n\r\n\t \\\r\n", newline="\n", bom=False)
    assert compiles(program.text) and not cst_parses(program.text)
    libcst_cannot_parse_valid_python(program, monkeypatch, tmp_path)


def _cst_names(module: cst.Module) -> list[cst.Name]:
    found: list[cst.Name] = []

    class Visitor(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

    module.visit(Visitor())
    return found


@fuzz(30)
@given(program=styled_programs())
def test_registered_rules_on_generated_programs(program: Styled) -> None:
    """Every registered rule, all enabled, unsafe fixes on: no crash, no internal error,
    untouched files stay identical, fixes are valid, idempotent and equal to the diff."""
    assert checker_classes(), "no rule family is registered"
    check_fix_properties({"mod.py": program.data(), "pkg/__init__.py": b"", "pkg/stub.pyi": program.data()})


@fuzz(40)
@given(program=styled_programs())
def test_fix_edits_land_exactly(
    program: Styled, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A fix renaming every name via ``ast`` positions gives exactly the renamed AST, on any
    newline style, BOM and non-ASCII identifiers; or it is refused because the renamed
    program would not compile, and the file is left alone."""
    if not compiles(program.text):
        return
    root = tmp_path_factory.mktemp("rename")
    path = root / "mod.py"
    path.write_bytes(program.data())
    linter = synthetic_linter(monkeypatch, root, (RenameNames,))
    result = fix_one(linter, path)
    reference = _Renamed().visit(ast.parse(program.text))
    if result.fixed is None:
        assert path.read_bytes() == program.data()
        assert not compiles(ast.unparse(reference)) or not any(
            isinstance(n, ast.Name) for n in _names_outside_fstrings(ast.parse(program.text))
        ), result.errors
        assert all("XT901" in e and "file left unchanged" in e for e in result.errors), result.errors
        return
    assert result.errors == []
    fixed = SourceFile.read(path)
    assert fixed.encoding == program.encoding
    assert ast.dump(ast.parse(fixed.text)) == ast.dump(reference)
    assert compiles(fixed.text)
    assert fix_one(linter, path).fixed is None, "fixing again changed the file"
    patched_equals_fixed(path, program.data(), result)


EDIT_TEXT = st.text(alphabet=st.sampled_from(list(":()[]{}\n\r\t \\'\"#=.,x0\x0c\ufeffé")), max_size=4)


@fuzz(60)
@given(program=styled_programs(), data=st.data())
def test_a_fix_that_breaks_code_is_never_written(
    program: Styled, data: st.DataObject, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Whatever edit a rule proposes, what is written parses, compiles where the original
    compiled and decodes back to the same text; anything else leaves the file untouched."""
    text = program.text
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, min(len(text), start + 6)), label="end")
    content = data.draw(EDIT_TEXT, label="content")
    assume(text[start:end] != content)
    monkeypatch.setattr(ArbitraryEdit, "edit", Edit(start, end, content))
    monkeypatch.setattr(ArbitraryEdit, "original", text)
    root = tmp_path_factory.mktemp("edit")
    path = root / "mod.py"
    path.write_bytes(program.data())
    result = fix_one(synthetic_linter(monkeypatch, root, (ArbitraryEdit,)), path)
    if result.fixed is None:
        assert path.read_bytes() == program.data()
        return
    written = SourceFile.read(path)
    assert written.text == result.fixed == text[:start] + content + text[end:]
    # The same codec (an edit of the cookie may rename it: "utf" is UTF-8's alias).
    assert codecs.lookup(written.encoding).name == codecs.lookup(program.encoding).name
    if cst_parses(text):
        assert cst_parses(written.text)
    if compiles(text):
        assert compiles(written.text)
    patched_equals_fixed(path, program.data(), result)


@fuzz(15)
@given(program=styled_programs())
def test_fixes_that_never_converge_leave_the_file_alone(
    program: Styled, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("loop")
    path = root / "mod.py"
    path.write_bytes(program.data())
    result = fix_one(synthetic_linter(monkeypatch, root, (NeverConverges,)), path)
    assert result.fixed is None
    assert path.read_bytes() == program.data()
    if compiles(program.text):
        assert any("did not converge" in e for e in result.errors), result.errors


@fuzz(20)
@given(program=styled_programs())
def test_a_crashing_rule_does_not_stop_the_others(
    program: Styled, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("crash")
    path = root / "mod.py"
    data = program.data() + "\nvalue = 1\n".replace("\n", program.newline).encode()
    path.write_bytes(data)
    linter = synthetic_linter(monkeypatch, root, (Crashes, RenameNames))
    linter.options = RunOptions(jobs=1)  # report only
    result = linter.lint_file(path)
    assert any("internal error in Crashes: ZeroDivisionError" in e for e in result.errors), result.errors
    if compiles(SourceFile.from_bytes(path, data).text):
        assert any(d.code == "XT901" for d in result.diagnostics), "the other rule's findings were lost"
    assert path.read_bytes() == data


@fuzz(60)
@given(program=styled_programs(), module=st.sampled_from(["os", "typing", "collections.abc"]))
def test_shared_import_insertion_keeps_programs_valid(program: Styled, module: str) -> None:
    """``importedits.add_import`` (used by every rule that adds an import) gives a program
    that still compiles and now has the import at module level."""
    assume(compiles(program.text))
    source = SourceFile.from_bytes(Path("t.py"), program.data())
    ctx = FileContext(source, "t.py", Settings(project_root=Path(".")), frozenset(), True)
    edits = add_import(ctx, module)
    new = engine.apply_edits(program.text, edits)
    note(repr(new))
    assert compiles(new), "adding an import broke the program"
    tree = ast.parse(new)
    assert any(
        isinstance(s, ast.Import) and any(a.name == module and a.asname is None for a in s.names) for s in tree.body
    )
    # Nothing else moved: the program's statements are all still there, in order.
    old_body = [ast.dump(s) for s in ast.parse(program.text).body]
    new_body = [
        ast.dump(s)
        for s in tree.body
        if not (edits and isinstance(s, ast.Import) and [a.name for a in s.names] == [module])
    ]
    assert new_body == old_body or not edits


# -- planted fixture snippets in generated programs ---------------------------------------

CASES = [c for c in all_cases() if c.path.is_file()]


def _top_level_boundaries(text: str) -> list[int]:
    """Offsets after each top-level statement's last line (and 0): where a snippet can go."""
    source = SourceFile(Path("t.py"), text)
    offsets = {0, len(text)}
    for stmt in ast.parse(text).body:
        row = stmt.end_lineno or 1
        offsets.add(source.line_starts[row] if row < len(source.line_starts) else len(text))
    return sorted(offsets)


def test_there_are_fixture_snippets_to_plant() -> None:
    assert CASES, "fixtures/<CODE>/*.py hold no single-file case to plant into programs"


@fuzz(25)
@given(data=st.data())
def test_fixture_snippets_planted_into_generated_programs(data: st.DataObject) -> None:
    """A fixture snippet inserted between the top-level statements of a generated program
    is still found at its shifted lines, and fixing the whole file keeps every property."""
    assume(CASES)
    case: Case = data.draw(st.sampled_from(CASES), label="case")
    program = data.draw(hypothesmith.from_node(), label="program")
    assume(compiles(program) and cst_parses(program))
    snippet = case.path.read_bytes().decode("utf-8")
    if not snippet.endswith("\n"):
        snippet += "\n"
    boundaries = _top_level_boundaries(program)
    at = data.draw(st.sampled_from(boundaries), label="offset")
    if at and not program[:at].endswith("\n"):
        snippet = "\n" + snippet
    text = program[:at] + snippet + program[at:]
    assume(cst_parses(text))
    first_row = program[:at].count("\n") + (1 if snippet.startswith("\n") else 0)
    note(text)
    expected = Counter()
    for (_, row, code), count in case.expected_diagnostics().items():
        expected[(row + first_row, code)] += count

    files = {"mod.py": text.encode("utf-8"), "pyproject.toml": case.pyproject.encode("utf-8")}
    with project(files) as root:
        outcome = lint(root, [case.code])
        assert outcome.errors == [], describe(outcome)
        found = Counter((d.row, d.code) for d in outcome.diagnostics)
        missing = expected - found
        assert not missing, f"planted findings not reported: {sorted(missing)}\n{describe(outcome)}"

    _fixed, after = check_fix_properties(files, [case.code])
    # Where the snippet's own expected fix compiles next to the program, so must the result.
    for kind in ("unsafe", "fixed"):
        expected_fix = case.expected(kind, Path(case.path.name))
        if expected_fix is not None:
            combined = program[:at] + ("\n" if snippet.startswith("\n") else "") + expected_fix + program[at:]
            if compiles(combined):
                assert compiles(after["mod.py"].decode("utf-8")), (
                    "the planted snippet's fix does not compile in context"
                )
            break
