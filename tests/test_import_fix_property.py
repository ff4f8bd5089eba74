"""Property test: the NL501/NL502 fix of a ``from`` import gives valid code in every shape.

Generated ``from`` imports (names that move to one module or to several, names that stay,
names defined in several modules, names defined nowhere; aliases, comments between names,
trailing commas, parentheses, backslash continuations, relative modules, statements sharing
a line with ``;``, in a block, in a function, one after another) in a file of a generated
first-party project, fixed with ``--fix --unsafe-fixes``. Then:

* no fix is withheld and nothing else fails;
* the fixed file compiles, and only its imports changed;
* every name the file imported is still bound, each to where the project defines it (a
  name defined nowhere stays where it was, reported);
* every comment of the original survives, and a name's comment stays on that name's line;
* a second run changes nothing.

CI runs a bounded number of examples with a fixed seed (see ``test_fuzz.fuzz``).
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter
from dataclasses import dataclass

from hypothesis import given, note
from hypothesis import strategies as st
from test_fuzz import describe, fuzz, lint, project

from netra_lint.engine import FIX_WITHHELD
from netra_lint.index import absolute_module

#: The first-party project around the file under test, ``pkg/sub/user.py``.
PROJECT = {
    "pkg/__init__.py": "",
    "pkg/old.py": "class S0: ...\n\n\ndef S1(): ...\n\n\nS2 = 2\n",
    "pkg/alpha.py": "class M0: ...\n\n\nclass M1: ...\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/beta.py": "def M2(): ...\n\n\nM3 = 3\n",
    "pkg/sub/delta.py": "class D0: ...\n",
    "pkg/far/__init__.py": "",
    "pkg/far/gamma.py": "class M4: ...\n\n\nclass D0: ...\n",
}
USER = "pkg/sub/user.py"
USER_MODULE = "pkg.sub.user"
#: What each module binds (its submodules included): the ground truth of the checks.
DEFINED = {
    "pkg": {"old", "alpha", "sub", "far"},
    "pkg.old": {"S0", "S1", "S2"},
    "pkg.alpha": {"M0", "M1"},
    "pkg.sub": {"beta", "delta", "user"},
    "pkg.sub.beta": {"M2", "M3"},
    "pkg.sub.delta": {"D0"},
    "pkg.far": {"gamma"},
    "pkg.far.gamma": {"M4", "D0"},
}
MOVING = ("M0", "M1", "M2", "M3", "M4")
AMBIGUOUS = ("D0",)
NOWHERE = ("G0", "G1")
#: The modules a statement imports from, as written in ``pkg/sub/user.py``, and what stays there.
SOURCES = {
    "pkg.old": ("S0", "S1", "S2"),
    "..old": ("S0", "S1", "S2"),
    "pkg.gone": (),
    "..gone": (),
    "pkg.sub.gone": (),
    ".gone": (),
    "pkg": ("alpha", "far"),
    "..": ("alpha", "far"),
    "pkg.sub": ("beta",),
}


@dataclass(frozen=True)
class Statement:
    """One generated ``from`` import: its module, ``(name, alias)`` pairs and layout."""

    module: str
    names: tuple[tuple[str, str], ...]
    shape: str  # line, parens, multiline, hanging, backslash
    trailing_comma: bool
    comments: bool
    place: str  # top, function, suite, semicolon_before, semicolon_after

    def aliases(self) -> list[str]:
        return [f"{name} as {alias}" if alias else name for name, alias in self.names]

    def text(self, number: int) -> str:
        """The statement (with what shares its line or block), indented for its place."""
        aliases = self.aliases()
        head = f"from {self.module} import "
        comma = "," if self.trailing_comma else ""
        if self.shape == "line":
            body = head + ", ".join(aliases)
        elif self.shape == "parens":
            body = head + "(" + ", ".join(aliases) + comma + ")"
        elif self.shape == "hanging":
            pad = " " * (len(head) + 1)
            body = head + "(" + f",\n{pad}".join(aliases) + comma + ")"
        elif self.shape == "backslash":
            body = head + ", \\\n    ".join(aliases)
        else:
            lines = [head + ("(  # names\n" if self.comments else "(\n")]
            for k, alias in enumerate(aliases):
                last = k == len(aliases) - 1
                if self.comments and k:
                    lines.append(f"    # before {alias.split()[0]}\n")
                end = comma if last else ","
                lines.append(f"    {alias}{end}" + (f"  # {alias.split()[0]}" if self.comments else "") + "\n")
            body = "".join(lines) + ")"
        if self.place == "function":
            inner = "\n".join("    " + line if line else line for line in body.split("\n"))
            return f"def use_{number}():\n{inner}\n    return None\n"
        if self.place == "suite":
            return f"if True: {body}\n"
        if self.place == "semicolon_before":
            return f"value_{number} = {number}; {body}\n"
        if self.place == "semicolon_after":
            return f"{body}; value_{number} = {number}\n"
        return body + "\n"

    def absolute(self) -> str:
        stripped = self.module.lstrip(".")
        level = len(self.module) - len(stripped)
        found = absolute_module(USER_MODULE, False, level, stripped or None) if level else stripped
        assert found is not None
        return found


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    module = draw(st.sampled_from(sorted(SOURCES)))
    pool = [*SOURCES[module], *MOVING, *AMBIGUOUS, *NOWHERE]
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5, unique=True))
    names = tuple((name, draw(st.sampled_from(["", f"{name}_alias"]))) for name in chosen)
    shape = draw(st.sampled_from(["line", "parens", "multiline", "hanging", "backslash"]))
    return Statement(
        module=module,
        names=names,
        shape=shape,
        trailing_comma=shape in ("parens", "multiline", "hanging") and draw(st.booleans()),
        comments=shape == "multiline" and draw(st.booleans()),
        place=draw(st.sampled_from(["top", "top", "function", "suite", "semicolon_before", "semicolon_after"])),
    )


@st.composite
def user_files(draw: st.DrawFn) -> tuple[str, list[Statement]]:
    found = draw(st.lists(statements(), min_size=1, max_size=4))
    parts = []
    for number, statement in enumerate(found):
        parts.append(statement.text(number))
        if draw(st.booleans()):
            parts.append(f"after_{number} = {number}\n")
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.rstrip("\n")  # the last statement ends the file
    return text, found


class Binding:
    """Where each name a file imports is bound to: local name → (module, name) per binding."""

    @staticmethod
    def of(text: str) -> Counter[tuple[str, str, str]]:
        found: Counter[tuple[str, str, str]] = Counter()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom):
                module = absolute_module(USER_MODULE, False, node.level, node.module) if node.level else node.module
                for alias in node.names:
                    found[(alias.asname or alias.name, module or "", alias.name)] += 1
        return found


def comments(text: str) -> Counter[str]:
    """Every comment of a text."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def definers(name: str) -> set[str]:
    return {module for module, names in DEFINED.items() if name in names}


def other_statements(text: str) -> list[str]:
    """The file without its imports, as ``ast`` dumps (what a fix must not touch)."""
    return [
        ast.dump(node)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.ImportFrom, ast.Import))
        for node in [_without_imports(node)]
    ]


def _without_imports(node: ast.stmt) -> ast.stmt:
    for field in ("body", "orelse"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            setattr(node, field, [s for s in block if not isinstance(s, (ast.ImportFrom, ast.Import))])
    return node


@fuzz(60)
@given(user_files())
def test_fixed_imports_compile_and_bind_every_name_where_it_is_defined(generated: tuple[str, list[Statement]]) -> None:
    text, found = generated
    note(text)
    files = {path: content.encode() for path, content in PROJECT.items()}
    files[USER] = text.encode()
    with project(files) as root:
        fixed_run = lint(root, ["NL501", "NL502"], fix=True)
        assert fixed_run.errors == [] and fixed_run.warnings == [], describe(fixed_run)
        assert not any(FIX_WITHHELD in d.message for d in fixed_run.diagnostics), describe(fixed_run)
        after = (root / USER).read_text(encoding="utf-8")
        note(after)
        compile(after, USER, "exec", dont_inherit=True)
        assert other_statements(after) == other_statements(text)
        assert comments(after) == comments(text)
        for line in after.splitlines():
            code, _, comment = line.partition("#")
            named = comment.strip()
            if named in (*MOVING, *AMBIGUOUS, *NOWHERE, *(n for names in SOURCES.values() for n in names)):
                assert named in code.replace(",", " ").split(), f"'# {named}' is not on the line of {named}"

        before_bindings, after_bindings = Binding.of(text), Binding.of(after)
        # Every local name is bound as often as before.
        assert Counter(local for local, _, _ in after_bindings.elements()) == Counter(
            local for local, _, _ in before_bindings.elements()
        )
        for local, module, name in after_bindings.elements():
            if definers(name):
                assert name in DEFINED.get(module, ()), f"{local}: {module}.{name} is not defined"
            else:  # defined nowhere: left where it was, and reported
                assert (local, module, name) in before_bindings
        nearest = {"D0": "pkg.sub.delta"}  # of pkg.sub.delta and pkg.far.gamma, nearest to pkg.sub.user
        for _, module, name in after_bindings:
            if name in nearest:
                assert module == nearest[name]

        remaining = Counter(d.code for d in fixed_run.diagnostics)
        expected_missing = sum(1 for s in found for name, _ in s.names if name in NOWHERE)
        assert sum(remaining.values()) >= (1 if expected_missing else 0)
        assert all(FIX_WITHHELD not in d.message for d in fixed_run.diagnostics)

        again = lint(root, ["NL501", "NL502"], fix=True)
        assert again.files_written == 0, (root / USER).read_text(encoding="utf-8")
