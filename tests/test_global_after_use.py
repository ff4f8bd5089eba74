"""NL301/NL302 against CPython itself: generated programs, ``compile()`` as the judge.

Each generated program puts ``global``/``nonlocal`` declarations, alone on their line or
after a ``;``, among uses, bindings, annotations, nested blocks and nested scopes. CPython
stops at the first error, so the full set of expected reports is rebuilt from programs that
can have only one error each:

* one declaration with one name, every other declaration turned into ``pass``: what
  ``compile()`` reports on the declaration's line is what that name must be reported for;
* an annotated name conflicts with a declaration that CPython visits before it. Whether it
  does is asked of CPython too, with a fresh name ``z`` in just those two statements.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
import pytest

from netra_lint import checker as checker_module
from netra_lint.checker import FileContext
from netra_lint.config import load_settings
from netra_lint.engine import FileResult, Linter, RunOptions
from netra_lint.index import ProjectIndex
from netra_lint.rules.declarations.global_after_use import GlobalAfterUse
from netra_lint.settings import Settings
from netra_lint.source import SourceFile

CODES = frozenset({"NL301", "NL302"})
OURS = re.compile(
    r"name '(?P<a>\w+)' is (?:used prior to|assigned to before) (?P<ka>global|nonlocal) declaration"
    r"|name '(?P<b>\w+)' is parameter and (?P<kb>global|nonlocal)"
    r"|annotated name '(?P<c>\w+)' can't be (?P<kc>global|nonlocal)"
)
NAMES = ("a", "b")

USES = [
    "{n}",
    "print({n})",
    "{n}.attr",
    "f'{{{n}}}'",
    "[_ for _ in {n}]",
    "lambda q={n}: q",
    "{n}[0] = 1",
    "assert {n}",
]
BINDINGS = [
    "{n} = 1",
    "{n} += 1",
    "del {n}",
    "({n} := 1)",
    "{n}, c = c",
    "[*{n}] = c",
    "import {n}",
    "from m import {n}",
    "import m as {n}",
]
ANNOTATIONS = ["{n}: int", "{n}: int = 1", "{n}: int", "({n}): int = 1"]  # LibCST rejects the last
WALRUS_IN_COMPREHENSION = "[({n} := 1) for _ in c]"  # a syntax error in a class body
NEUTRAL = ["'{n}'", "c.{n} = 1", "lambda: {n}", "[{n} for {n} in c]", "pass"]


@dataclass
class Slot:
    """A declaration, an annotation, or the reserved first statement of a scope."""

    scope: int
    text: str
    keyword: str = ""
    names: tuple[str, ...] = ()
    row: int = 0
    template: str = ""  # an annotation's text, with {n} for its name


@dataclass
class Line:
    indent: int
    prefix: str
    parts: list[str | Slot] = field(default_factory=list)


@dataclass
class Program:
    lines: list[Line] = field(default_factory=list)
    tops: dict[int, Slot] = field(default_factory=dict)
    declarations: list[Slot] = field(default_factory=list)
    annotations: list[Slot] = field(default_factory=list)

    def render(self, overrides: dict[int, str] | None = None, newline: str = "\n") -> str:
        """The program's text; ``columns`` then holds where each slot starts."""
        overrides = overrides or {}
        out = []
        self.columns: dict[int, int] = {}
        for line in self.lines:
            text = "    " * line.indent + line.prefix
            for index, part in enumerate(line.parts):
                text += "; " if index else ""
                if isinstance(part, Slot):
                    self.columns[id(part)] = len(text)
                    part = overrides.get(id(part), part.text)
                text += part
            out.append(text + newline)
        return "".join(out)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.program = Program()
        self.scopes = 0

    def name(self) -> str:
        return self.rng.choice(NAMES)

    def build(self) -> Program:
        shape = self.rng.choice(["module", "function", "class"])
        if shape == "module":
            self.body(0, kind="module", nonlocal_ok=False, depth=0)
        else:
            self.add(0, "def g():")
            self.add(1, "", "a = b = 0")
            header = (
                "class C:"
                if shape == "class"
                else self.rng.choice(["def f():", "def f():", "def f(a):", "def f(b, *a):"])
            )
            self.add(1, header)
            self.body(2, kind=shape, nonlocal_ok=True, depth=0)
        for row, line in enumerate(self.program.lines, start=1):
            for part in line.parts:
                if isinstance(part, Slot):
                    part.row = row
        return self.program

    def add(self, indent: int, prefix: str, *parts: str | Slot) -> Line:
        line = Line(indent, prefix, list(parts))
        self.program.lines.append(line)
        return line

    def new_scope(self, first: str) -> Slot:
        self.scopes += 1
        top = Slot(self.scopes, first)
        self.program.tops[self.scopes] = top
        return top

    def declaration(self, scope: int, nonlocal_ok: bool) -> Slot:
        keyword = "nonlocal" if nonlocal_ok and self.rng.random() < 0.4 else "global"
        names = tuple(self.rng.sample(NAMES, self.rng.choice([1, 1, 2])))
        slot = Slot(scope, f"{keyword} {', '.join(names)}", keyword, names)
        self.program.declarations.append(slot)
        return slot

    def simple(self, kind: str) -> str | Slot:
        pool = self.rng.choice([USES, BINDINGS, NEUTRAL, ANNOTATIONS])
        if kind == "function" and self.rng.random() < 0.1:
            return WALRUS_IN_COMPREHENSION.format(n=self.name())
        name, template = self.name(), self.rng.choice(pool)
        if pool is ANNOTATIONS:
            slot = Slot(self.scopes, template.format(n=name), names=(name,), template=template)
            self.program.annotations.append(slot)
            return slot
        return template.format(n=name)

    def body(self, indent: int, kind: str, nonlocal_ok: bool, depth: int) -> None:
        top = self.new_scope(self.rng.choice(["pass", '"""Doc."""']))
        self.add(indent, "", top)
        self.block(indent, top.scope, kind, nonlocal_ok, depth)

    def block(self, indent: int, scope: int, kind: str, nonlocal_ok: bool, depth: int) -> None:
        for _ in range(self.rng.randint(1, 4)):
            roll = self.rng.random()
            if roll < 0.3:
                self.add(indent, "", self.declaration(scope, nonlocal_ok))
            elif roll < 0.4 and self.program.lines[-1].parts and self.program.lines[-1].indent == indent:
                self.program.lines[-1].parts.append(self.declaration(scope, nonlocal_ok))
            elif roll < 0.75 or depth >= 2:
                self.add(indent, "", self.simple(kind))
            else:
                self.compound(indent, scope, kind, nonlocal_ok, depth + 1)

    def compound(self, indent: int, scope: int, kind: str, nonlocal_ok: bool, depth: int) -> None:
        n = self.name()
        choice = self.rng.choice(["if", "for", "while", "with", "try", "match", "def", "class", "suite"])
        inner_ok = nonlocal_ok or kind == "function"
        if choice == "def":
            if self.rng.random() < 0.3:
                self.add(indent, f"@{n}")
            self.add(indent, self.rng.choice([f"def {n}():", "def h():", "def h():", "def h(a):"]))
            self.body(indent + 1, "function", inner_ok, depth)
            return
        if choice == "class":
            self.add(indent, self.rng.choice([f"class {n}:", "class K(b):"]))
            self.body(indent + 1, "class", inner_ok, depth)
            return
        if choice == "suite":
            top = self.new_scope("pass")
            parts: list[str | Slot] = [top, self.simple("function")]
            parts.insert(self.rng.randint(1, 2), self.declaration(top.scope, inner_ok))
            self.add(indent, "def h(): ", *parts)
            return
        headers = {
            "if": [f"if {n}:", "if c:"],
            "for": [f"for {n} in c:", "for _ in c:"],
            "while": [f"while {n}:", "while c:"],
            "with": [f"with c as {n}:", "with c:"],
            "try": ["try:"],
            "match": [f"match {n}:", "match c:"],
        }
        self.add(indent, self.rng.choice(headers[choice]))
        if choice == "match":
            self.add(
                indent + 1,
                self.rng.choice([f"case [{n}]:", f"case {n}.x:", f"case {{**{n}}}:", "case _:", f"case c if {n}:"]),
            )
            self.block(indent + 2, scope, kind, nonlocal_ok, depth)
            return
        self.block(indent + 1, scope, kind, nonlocal_ok, depth)
        if choice == "try":
            clauses = self.rng.sample(["except E:", f"except E as {n}:", "else:", "finally:"], self.rng.randint(1, 3))
            if "else:" in clauses and not any(c.startswith("except") for c in clauses):
                clauses.append("except E:")
            order = ["except E:", f"except E as {n}:", "else:", "finally:"]
            for clause in sorted(set(clauses), key=order.index):
                self.add(indent, clause)
                self.block(indent + 1, scope, kind, nonlocal_ok, depth)
        elif choice in ("if", "for", "while") and self.rng.random() < 0.4:
            self.add(indent, "else:")
            self.block(indent + 1, scope, kind, nonlocal_ok, depth)


def libcst_parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return False
    return True


def compile_error(text: str) -> tuple[int, str] | None:
    """CPython's first error: (line, message)."""
    try:
        compile(text, "<generated>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        compile_error.column = (exc.offset or 1) - 1  # type: ignore[attr-defined]
        return exc.lineno or 0, exc.msg
    return None


def expected_reports(program: Program) -> set[tuple[int, str]]:
    """What CPython reports, one declaration or annotation at a time (see the module doc)."""
    quiet = {id(other): "pass" for other in program.declarations}
    expected: set[tuple[int, str]] = set()
    for slot in program.declarations:
        for name in slot.names:
            error = compile_error(program.render({**quiet, id(slot): f"{slot.keyword} {name}"}))
            if error and error[0] == slot.row and OURS.fullmatch(error[1]):
                expected.add(error)
    for annotation in program.annotations:
        name = annotation.names[0]
        keywords = set()
        for slot in program.declarations:
            if name in slot.names:
                alone = {**quiet, id(slot): f"{slot.keyword} z", id(annotation): annotation.template.format(n="z")}
                error = compile_error(program.render(alone))
                at_annotation = compile_error.column == program.columns[id(annotation)]  # type: ignore[attr-defined]
                if error and error[0] == annotation.row and at_annotation and error[1].startswith("annotated"):
                    keywords.add(slot.keyword)
        if keywords:
            keyword = "global" if "global" in keywords else "nonlocal"
            expected.add((annotation.row, f"annotated name '{name}' can't be {keyword}"))
    return expected


@pytest.fixture(scope="module")
def linters() -> dict[bool, Linter]:
    settings = Settings(project_root=Path.cwd(), enabled=CODES)
    return {fix: Linter(settings, RunOptions(fix=fix, jobs=1)) for fix in (False, True)}


def lint(linter: Linter, path: Path, text: str) -> FileResult:
    path.write_bytes(text.encode("utf-8"))
    result = linter.lint_file(path)
    assert result.errors == []
    return result


def reported(result: FileResult) -> set[tuple[int, str]]:
    for diag in result.diagnostics:
        match = OURS.fullmatch(diag.message)
        assert match, diag.message
        keyword = match.group("ka") or match.group("kb") or match.group("kc")
        assert diag.code == ("NL301" if keyword == "global" else "NL302")
    return {(d.row, d.message) for d in result.diagnostics}


@pytest.mark.parametrize("chunk", range(8))
def test_reports_agree_with_compile(chunk: int, linters: dict[bool, Linter], tmp_path: Path) -> None:
    path = tmp_path / "generated.py"
    for seed in range(chunk * 60, chunk * 60 + 60):
        program = Generator(seed).build()
        text = program.render()
        ours = reported(lint(linters[False], path, text))
        assert ours == expected_reports(program), f"seed {seed}:\n{text}"
        first = compile_error(text)
        if len(ours) == 1:
            assert {first} == ours, f"seed {seed}:\n{text}"
        elif ours:
            assert first in ours, f"seed {seed}:\n{text}"
        else:
            assert first is None or not OURS.fullmatch(first[1]), f"seed {seed}:\n{text}"


@pytest.mark.parametrize("chunk", range(4))
def test_fixed_programs_compile(chunk: int, linters: dict[bool, Linter], tmp_path: Path) -> None:
    path = tmp_path / "generated.py"
    for seed in range(10_000 + chunk * 60, 10_000 + chunk * 60 + 60):
        program = Generator(seed).build()
        newline = "\r\n" if seed % 5 == 0 else "\n"
        text = program.render(newline=newline)
        if not libcst_parses(text):  # e.g. ``(a): int``: no fix, and no damage either
            assert lint(linters[True], path, text).fixed is None
            continue
        result = lint(linters[True], path, text)
        fixed = result.fixed if result.fixed is not None else text
        everything_fixable = all(d.fixable for d in lint(linters[False], path, text).diagnostics)
        context = f"seed {seed}:\n{text}\n--- fixed:\n{fixed}"
        assert fixed.count("\n") == fixed.count(newline), context
        assert all(d.fix is None for d in result.diagnostics), context
        after = lint(linters[False], path, fixed)
        assert all(not d.fixable for d in after.diagnostics), context
        error = compile_error(fixed)
        if error and OURS.fullmatch(error[1]):
            assert error in reported(after) and not everything_fixable, context
        if everything_fixable and "nonlocal" not in text:
            assert error is None, context


# -- targeted behaviour --------------------------------------------------------------------


def check(text: str, want_fixes: bool = False, enabled: frozenset[str] = CODES) -> tuple[FileContext, list]:
    settings = Settings(project_root=Path.cwd(), enabled=enabled)
    ctx = FileContext(SourceFile(Path("example.py"), text), "example.py", settings, enabled, want_fixes)
    checker = GlobalAfterUse(settings)
    ctx.use_checker(checker, [checker])
    return ctx, list(checker.check(ctx))


def test_both_keywords_of_a_scope_move_in_one_fix(linters: dict[bool, Linter], tmp_path: Path) -> None:
    text = (
        "LIMIT = 1\n\n\ndef outer():\n    count = 0\n\n    def inner(flag):\n        count = LIMIT\n"
        "        if flag:\n            nonlocal count\n            global LIMIT\n\n    return inner\n"
    )
    _, found = check(text, want_fixes=True)
    assert [d.code for d in found] == ["NL302", "NL301"]
    assert found[0].fix.edits == found[1].fix.edits  # the same edits, which the engine applies once
    result = lint(linters[True], tmp_path / "example.py", text)
    assert result.fixed == (
        "LIMIT = 1\n\n\ndef outer():\n    count = 0\n\n"
        "    def inner(flag):\n        global LIMIT\n        nonlocal count\n"
        "        count = LIMIT\n        if flag:\n            pass\n\n    return inner\n"
    )
    assert compile_error(result.fixed) is None


def test_files_without_a_declaration_are_not_parsed() -> None:
    ctx, found = check('HELP = "use global settings"  # nonlocal too\nx = 1; y = global_value\n')
    assert found == []
    assert "ast_tree" not in vars(ctx)


def test_a_file_libcst_cannot_parse_is_reported_without_a_fix() -> None:
    _, found = check("def f():\n    (x): int = 1\n    print(y)\n    global y\n", want_fixes=True)
    assert [(d.code, d.message, d.fix) for d in found] == [
        ("NL301", "name 'y' is used prior to global declaration", None)
    ]


def test_the_diagnostic_points_at_the_name() -> None:
    text = "def f():\n    b = a\n    global a, b\n"
    _, found = check(text)
    assert [text[d.start : d.end] for d in found] == ["a", "b"]
    assert [d.start for d in found] == [text.index("a, b"), text.index("b\n")]


def test_rule_docs_have_the_required_sections() -> None:
    for rule in GlobalAfterUse.rules:
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
            assert section in rule.doc, (rule.code, section)
        before, after = re.findall(r"```python\n(.*?)```", rule.doc, re.DOTALL)
        error = compile_error(before)
        assert error and OURS.fullmatch(error[1]), rule.code
        assert compile_error(after) is None, rule.code


def test_the_index_parse_answers_for_files_without_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netra-lint]\n", encoding="utf-8")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "clean.py").write_text(
        "COUNT = 0\n\n\nclass Holder:\n    def bump(self):\n        global COUNT\n        COUNT += 1\n"
        'NOTE = "global COUNT"  # prose\n',
        encoding="utf-8",
    )
    (package / "late.py").write_text(
        "COUNT = 0\n\n\nclass Holder:\n    def helper(self):\n        return 1\n\n"
        "    def bump(self):\n        COUNT = 2\n        global COUNT\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    settings = load_settings([tmp_path], select=["NL3"])
    index = ProjectIndex.build(settings, jobs=1, facts={"GlobalAfterUse": GlobalAfterUse.file_facts})
    parsed: list[str] = []
    real_parse = checker_module.ast.parse

    def counting_parse(text: str, filename: str = "<unknown>", *args: object, **kwargs: object) -> object:
        parsed.append(Path(filename).name)
        return real_parse(text, filename, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker_module.ast, "parse", counting_parse)
    linter = Linter(settings, RunOptions(jobs=1), index)
    assert linter.lint_file(package / "clean.py").diagnostics == []
    assert parsed == []
    found = linter.lint_file(package / "late.py").diagnostics
    assert [(d.code, d.row) for d in found] == [("NL301", 10)]
    assert parsed == ["late.py"]


def test_bodies_without_a_declaration_are_not_needed() -> None:
    """Skipping them changes nothing: flags of a skipped scope are read by no finding."""
    text = (
        "x = 1\n\n\ndef plain():\n    x = 2\n    return x\n\n\n"
        "class Box:\n    x = 3\n\n    def method(self):\n        print(x)\n        global x\n\n"
        "def outer():\n    y = 1\n\n    def inner():\n        y = 2\n        nonlocal y\n    return inner\n"
    )
    _, found = check(text)
    assert [(d.code, d.message) for d in found] == [
        ("NL301", "name 'x' is used prior to global declaration"),
        ("NL302", "name 'y' is assigned to before nonlocal declaration"),
    ]
