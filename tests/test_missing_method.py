"""NL401: precision over a generated multi-module project, the facts the index gathers for
it, rule packs, and the rule doc."""

from __future__ import annotations

import ast
import marshal
import random
import re
from pathlib import Path

import pytest

from netra_lint import checker as checker_module
from netra_lint.checker import PackError
from netra_lint.config import load_settings
from netra_lint.engine import Linter, RunOptions
from netra_lint.index import ProjectIndex
from netra_lint.registry import all_rules
from netra_lint.rules.missing_method.classes import _Classes
from netra_lint.rules.missing_method.facts import collect_facts
from netra_lint.rules.missing_method.missing_method import SECTION, MissingMethod
from netra_lint.runner import run
from netra_lint.source import SourceFile

VERBS = ("load", "save", "sync", "flush", "render", "emit", "resolve", "publish", "refresh", "compute")
NOUNS = ("user", "thread", "event", "ledger", "token", "report")


def generate(root: Path, seed: int) -> set[tuple[str, int]]:
    """A project of 30 classes in 6 modules (chains of bases across modules, factories with
    return annotations) and callers with many valid accesses; returns the planted errors."""
    rng = random.Random(seed)
    (root / "pyproject.toml").write_text("")
    (root / "svc").mkdir()
    (root / "svc" / "__init__.py").write_text("")
    classes: dict[str, tuple[str, set[str], str | None]] = {}  # name -> (module, methods incl. inherited, base)
    for m in range(6):
        lines = ["from __future__ import annotations", ""]
        for c in range(5):
            name = f"{NOUNS[m].title()}{c}Service"
            base = None
            if c and rng.random() < 0.6:
                base = f"{NOUNS[m].title()}{c - 1}Service"
            elif m and rng.random() < 0.5:
                base = f"{NOUNS[m - 1].title()}{c}Service"
            own = {f"{v}_{NOUNS[m]}_{c}" for v in rng.sample(VERBS, 3)}
            inherited = classes[base][1] if base else set()
            if base and classes[base][0] != f"svc.m{m}":
                lines.insert(1, f"from {classes[base][0]} import {base}")
            lines.append(f"class {name}{f'({base})' if base else ''}:")
            lines.append("    def __init__(self) -> None:")
            lines.append(f"        self.state_{c} = 0")
            for method in sorted(own):
                lines.append(f"    def {method}(self, key: str, flag: bool = False) -> {name}:")
                lines.append("        return self")
            lines.append("")
            lines.append(f"def make_{name.lower()}() -> {name}:")
            lines.append(f"    return {name}()")
            lines.append("")
            classes[name] = (f"svc.m{m}", own | inherited | {f"state_{c}"}, base)
        (root / "svc" / f"m{m}.py").write_text("\n".join(lines) + "\n")
    planted: set[tuple[str, int]] = set()
    names = sorted(classes)
    for k in range(3):
        lines = []
        chosen = rng.sample(names, 10)
        for name in chosen:
            lines.append(f"from {classes[name][0]} import {name}, make_{name.lower()}")
        lines.append("")
        for i, name in enumerate(chosen):
            methods = sorted(classes[name][1] - {n for n in classes[name][1] if n.startswith("state_")})
            lines.append(f"def use_{i}(given: {name}, other) -> None:")
            lines.append(f"    built = {name}()")
            lines.append(f"    made = make_{name.lower()}()")
            for receiver in ("given", "built", "made", f"{name}()"):
                lines.append(f"    {receiver}.{rng.choice(methods)}('k', flag=True)")
            lines.append(f"    other.{methods[0]}_gone()")  # unknown receiver: silent
            lines.append(f"    text = '{name}().{methods[0]}_gone()'")  # a string: silent
            if i % 2 == 0:
                receiver = rng.choice(("given", "built", "made"))
                lines.append(f"    {receiver}.{methods[0]}_gone('k')")
                planted.add((f"svc/use{k}.py", len(lines)))
            lines.append("")
        (root / "svc" / f"use{k}.py").write_text("\n".join(lines) + "\n")
    return planted


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_planted_error_is_found_and_nothing_else(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = generate(tmp_path, seed)
    monkeypatch.chdir(tmp_path)
    outcome = run([tmp_path], load_settings([tmp_path], select=["NL401"]), RunOptions(jobs=1))
    assert outcome.errors == []
    found = {(Path(d.path).as_posix(), d.row) for d in outcome.diagnostics}
    assert len(planted) == 15
    assert found == planted


def test_pack_entries_are_validated() -> None:
    assert MissingMethod.parse_pack(SECTION, {"a.C.old": "new"}, "p.toml") == [("a.C.old", "new", "p.toml")]
    for bad in ({"C.old": "new"}, {"a.C.old": "a.b"}, {"a.C.old": "old"}, {"a.C.1x": "new"}):
        with pytest.raises(PackError, match=re.escape("p.toml")):
            MissingMethod.parse_pack(SECTION, bad, "p.toml")
    with pytest.raises(PackError, match="conflicts"):
        MissingMethod.validate_packs(SECTION, [("a.C.old", "x", "p.toml"), ("a.C.old", "y", "q.toml")])
    with pytest.raises(PackError, match="cycle"):
        MissingMethod.validate_packs(SECTION, [("a.C.x", "y", "p.toml"), ("a.C.y", "x", "p.toml")])


def test_rule_doc_has_every_section() -> None:
    doc = all_rules()["NL401"].doc
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert heading in doc


def test_the_index_parse_gives_the_facts_so_the_check_parses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = generate(tmp_path, 0)
    monkeypatch.chdir(tmp_path)
    settings = load_settings([tmp_path], select=["NL401"])
    index = ProjectIndex.build(settings, jobs=1, facts={"MissingMethod": collect_facts})
    for path in sorted(tmp_path.rglob("*.py")):
        source = SourceFile.read(path)
        made_now = marshal.loads(marshal.dumps(collect_facts(ast.parse(source.text), source)))
        assert index.file_facts(path, source.text, "MissingMethod") == made_now
        assert index.file_facts(path, source.text + "\n", "MissingMethod") is None  # another text: not these

    def no_parse(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(checker_module.ast, "parse", no_parse)
    linter = Linter(settings, RunOptions(jobs=1), index)
    found = {
        (Path(d.path).as_posix(), d.row)
        for p in sorted(tmp_path.rglob("*.py"))
        for d in linter.lint_file(p).diagnostics
    }
    assert found == planted


def test_a_file_changed_since_the_index_read_it_is_checked_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    settings = load_settings([tmp_path], select=["NL401"])
    index = ProjectIndex.build(settings, jobs=1, facts={"MissingMethod": collect_facts})
    path = tmp_path / "svc" / "use0.py"
    before = Linter(settings, RunOptions(jobs=1), index).lint_file(path).diagnostics
    with path.open("a", encoding="utf-8") as file:
        file.write("\n\ndef late(given: Event0Service) -> None:\n    given.no_such_method()\n")
    path.write_text("from svc.m2 import Event0Service\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = Linter(settings, RunOptions(jobs=1), index).lint_file(path).diagnostics
    assert len(after) == len(before) + 1
    assert "'Event0Service' object has no attribute 'no_such_method'" in after[-1].message


def test_facts_keep_only_reads_that_may_have_a_type_and_the_bindings_they_reach() -> None:
    text = (
        "from svc.m import Service\n"
        "import logging\n"
        "log = logging.getLogger(__name__)\n"
        "def f(given: Service, other, items):\n"
        "    unused = Service()\n"
        "    alias = given\n"
        "    for item in items:\n"
        "        item.anything()\n"
        "    other.anything()\n"
        "    unbound_name.anything()\n"
        "    alias.run()\n"
        "    obj.__class__\n"
    )
    source = SourceFile(Path("m.py"), text)
    scopes, accesses, _ = collect_facts(ast.parse(text), source)
    assert [(a[0], a[1]) for a in accesses] == [("logging", "getLogger"), ("alias", "run")]
    bound = {name for scope in scopes for name in scope[5]}
    assert bound == {"logging", "alias", "given", "Service"}  # not unused, items, item, other, log, f


#: A hierarchy with single and multiple inheritance, a metaclass and a NamedTuple base.
HIERARCHY = (
    "import abc\n"
    "import typing\n\n\n"
    "class Root:\n    def a(self): ...\n    def shared(self): ...\n\n\n"
    "class Mid(Root):\n    def b(self): ...\n    def shared(self): ...\n\n\n"
    "class Leaf(Mid, metaclass=abc.ABCMeta):\n    x = 1\n\n\n"
    "class Other:\n    def c(self): ...\n\n\n"
    "class Both(Leaf, Other):\n    def d(self): ...\n\n\n"
    "class Below(Both):\n    y = 2\n\n\n"
    "class Pair(typing.NamedTuple):\n    first: int\n\n\n"
    "class Named(Pair):\n    def e(self): ...\n"
)


def test_a_class_model_holds_the_members_of_its_mro_most_derived_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Models built from a base's model (single inheritance) match a merge over the whole MRO."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").touch()
    (package / "shapes.py").write_text(HIERARCHY)
    monkeypatch.chdir(tmp_path)
    settings = load_settings([tmp_path], select=["NL401"])
    classes = _Classes(ProjectIndex.build(settings, jobs=1), [])
    names = ("Below", "Named", "Both", "Leaf", "Mid", "Root", "Other", "Pair")  # subclasses first
    for name in names:
        model = classes.model(f"pkg.shapes::{name}")
        assert model is not None
        merged: dict[str, tuple[str, str]] = {}
        for ref in model.lineage:
            info = classes.info(ref)
            assert info is not None
            for member, kind in info.members.items():
                merged.setdefault(member, (kind, ref))
        assert list(model.members.items()) == list(merged.items())
        assert ("register" in model.runtime_class) == (name in ("Leaf", "Both", "Below"))
        assert ("_fields" in model.runtime) == (name in ("Pair", "Named"))
    below = classes.model("pkg.shapes::Below")
    assert below is not None and below.lineage == [
        f"pkg.shapes::{n}" for n in ("Below", "Both", "Leaf", "Mid", "Root", "Other")
    ]
    assert below.members["shared"] == ("method", "pkg.shapes::Mid")
