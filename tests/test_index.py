"""The project index: CPython-exact resolution, bindings, classes, and its on-disk cache."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from netra_lint.cache import load_shards
from netra_lint.index import CACHE_NAME, UNKNOWN_REF, ProjectIndex, Ref, detect_roots
from netra_lint.project_index import store as index_module
from netra_lint.settings import Settings


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def build(root: Path, jobs: int = 1, **settings: object) -> ProjectIndex:
    return ProjectIndex.build(Settings(project_root=root, **settings), jobs=jobs)  # type: ignore[arg-type]


def test_package_beats_module_beats_namespace(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "x/__init__.py": "FROM_PACKAGE = 1\n",
            "x.py": "FROM_MODULE = 1\n",
            "y.py": "Y = 1\n",
            "y/z.py": "Z = 1\n",
            "ns/inner/deep.py": "D = 1\n",
            "reg/__init__.py": "",
            "reg/ns_below/leaf.py": "L = 1\n",
        },
    )
    index = build(tmp_path)
    assert index.find_module("x").kind == "package"
    assert index.member("x", "FROM_PACKAGE") == Ref("value", "x::FROM_PACKAGE")
    assert index.member("x", "FROM_MODULE") is None
    assert index.find_module("y").kind == "module"
    assert not index.module_exists("y.z")  # y.py wins over the namespace directory y/
    assert index.find_module("ns").kind == "namespace"
    assert index.module_exists("ns.inner.deep")
    assert index.find_module("reg.ns_below").kind == "namespace"
    assert index.member("reg.ns_below.leaf", "L") is not None
    assert index.member("ns", "inner") == Ref("module", "ns.inner")
    assert index.member("ns", "nothing") is None


def test_namespace_portions_merge_and_a_regular_package_in_a_later_root_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/shared/one.py": "ONE = 1\n",
            "b/shared/two.py": "TWO = 2\n",
            "a/mixed/first.py": "",
            "b/mixed/__init__.py": "REGULAR = 1\n",
        },
    )
    index = build(tmp_path, src=[tmp_path / "a", tmp_path / "b"])
    assert index.find_module("shared").locations == (str(tmp_path / "a" / "shared"), str(tmp_path / "b" / "shared"))
    assert index.module_exists("shared.one") and index.module_exists("shared.two")
    assert index.find_module("mixed").kind == "package"
    assert not index.module_exists("mixed.first")


def test_bindings_reexports_stars_and_open_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": """\
            from .core import Engine as PublicEngine
            from . import sub
            from .star_all import *
            from .star_plain import *
            import pkg.other
            """,
            "pkg/core.py": """\
            import sys
            class Engine: ...
            if sys.platform == "win32":
                def platform(): ...
            else:
                platform = None
            try:
                from fast import speed
            except ImportError:
                speed = None
            """,
            "pkg/sub.py": "",
            "pkg/other.py": "",
            "pkg/star_all.py": "__all__ = ['exported']\n__all__ += ['also']\nexported = also = hidden = 1\n",
            "pkg/star_plain.py": "visible = 1\n_private = 2\n",
            "pkg/lazy.py": "def __getattr__(name):\n    raise AttributeError(name)\n",
            "pkg/third.py": "from os.path import *\n",
            "pkg/cycle_a.py": "from .cycle_b import thing\n",
            "pkg/cycle_b.py": "from .cycle_a import thing\n",
        },
    )
    index = build(tmp_path)
    assert index.member("pkg", "PublicEngine") == Ref("class", "pkg.core::Engine")
    assert index.member("pkg", "sub") == Ref("module", "pkg.sub")
    assert index.member("pkg", "other") == Ref("module", "pkg.other")
    assert index.member("pkg", "exported") is not None and index.member("pkg", "also") is not None
    assert index.member("pkg", "hidden") is None
    assert index.member("pkg", "visible") is not None
    assert index.member("pkg", "_private") is None
    assert index.member("pkg.core", "platform") is not None and index.member("pkg.core", "speed") is not None
    assert index.member("pkg.lazy", "anything") is UNKNOWN_REF
    assert index.member("pkg.third", "join") is UNKNOWN_REF
    assert index.member("pkg.cycle_a", "thing") is UNKNOWN_REF  # a cycle: no answer, no hang
    assert index.exported("pkg.star_all") == ("exported", "also")
    assert ("pkg.core", "define") in index.binders("Engine")
    assert index.binders("sub") == [("pkg", "import"), ("pkg", "submodule")]


def test_classes_members_bases_and_return_annotations(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": """\
            import abc
            class Abstract(abc.ABC): ...
            class Base:
                kind = "base"
                def run(self) -> "Result": ...
            class Result: ...
            """,
            "app/impl.py": """\
            from dataclasses import dataclass
            from .base import Base, Result
            @dataclass
            class Point:
                x: int
                y: int = 0
            class Impl(Base):
                __slots__ = ("slot",)
                def __init__(self):
                    self.conn, self.cursor = None, None
                @property
                def size(self) -> int: ...
                def make(self) -> Result: ...
                class Nested:
                    inner = 1
            def factory() -> Impl: ...
            """,
        },
    )
    index = build(tmp_path)
    impl = index.class_info("app.impl.Impl")
    assert impl is not None
    assert impl.bases == ("app.base.Base",)
    assert impl.members["conn"] == impl.members["cursor"] == impl.members["slot"] == "self"
    assert impl.members["size"] == "property" and impl.members["make"] == "method"
    assert impl.returns["make"] == "app.base.Result"
    assert index.class_info("app.base.Abstract").bases == ("abc.ABC",)
    assert index.class_info("app.base.Base").returns["run"] == "app.base.Result"
    assert index.class_info("app.impl.Point").decorators == ("dataclasses.dataclass",)
    assert {"x", "y"} <= set(index.class_info("app.impl.Point").members)
    assert index.module_info("app.impl").functions["factory"] == "app.impl.Impl"
    assert index.resolve("app.impl.Impl.kind") is not None  # inherited from a first-party base
    assert index.resolve("app.impl.Impl.Nested.inner") is not None
    assert index.resolve("app.impl.Impl.missing") is None
    assert index.resolve("app.base.Abstract.anything") is UNKNOWN_REF  # abc.ABC is not ours
    assert index.resolve("app.impl.Point.missing") is UNKNOWN_REF  # a decorator may add members


def test_import_summaries_record_positions_guards_and_patch_targets(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        from unittest import mock
        try:
            import app.optional
        except ImportError:
            pass
        def f(mocker):
            from . import sibling
            mock.patch("app.x.Y")
            mocker.patch("app.z", create=True)
        """)
    write(tmp_path, {"app/__init__.py": "", "app/t.py": text})
    index = build(tmp_path)
    summary = index.summary_for(tmp_path / "app" / "t.py", text)
    assert summary is not None and summary.module == "app.t"
    kinds = {(r[0], r[1], r[-1]) for r in summary.imports}
    assert ("i", "app.optional", True) in kinds and ("f", "", False) in kinds
    assert sorted((t[0], t[1], t[3]) for t in summary.targets) == [
        ("patch", "app.x.Y", False),
        ("patch", "app.z", True),
    ]
    assert index.summary_for(tmp_path / "app" / "t.py", text + "x = 1\n") is None  # a fixed text is not the indexed one


def test_syntax_errors_are_not_parsed_ok_and_names_stay_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"good.py": "A = 1\n", "bad.py": "def broken(:\n"})
    index = build(tmp_path)
    good = (tmp_path / "good.py").read_text()
    assert index.parsed_ok(tmp_path / "good.py", good)
    assert not index.parsed_ok(tmp_path / "good.py", good + "def broken(:\n")  # not the text it parsed
    assert not index.parsed_ok(tmp_path / "bad.py", (tmp_path / "bad.py").read_text())
    assert index.member("bad", "anything") is UNKNOWN_REF


def test_excluded_directories_still_exist_for_resolution(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/build/__init__.py": "B = 1\n"})
    index = build(tmp_path)  # "build" is excluded by default, but Python imports it
    assert index.module_exists("app.build")
    assert index.member("app.build", "anything") is UNKNOWN_REF


def test_roots_are_detected_for_src_layouts_and_sub_projects(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/lib/__init__.py": "",
            "services/auth/pyproject.toml": "",
            "services/auth/auth/__init__.py": "",
            "pkg/__init__.py": "",
            "pkg/vendored/setup.py": "",
        },
    )
    index = build(tmp_path)
    assert index.roots == [str(tmp_path), str(tmp_path / "src"), str(tmp_path / "services" / "auth")]
    assert index.module_exists("lib") and index.module_exists("auth")
    assert index.module_for_path(str(tmp_path / "services" / "auth" / "auth" / "__init__.py")) == ("auth", True)
    assert detect_roots(tmp_path, []) == [tmp_path, tmp_path / "src"]


def test_first_party_excludes_stdlib_names_behind_namespace_directories(tmp_path: Path) -> None:
    write(tmp_path, {"json/notes.py": "", "app/__init__.py": ""})
    index = build(tmp_path)
    assert index.is_first_party("app.anything")
    assert not index.is_first_party("json.decoder")  # the stdlib package wins over a namespace dir
    assert not index.is_first_party("requests")


def test_warm_build_reads_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {f"pkg/m{i}.py": f"V{i} = {i}\n" for i in range(5)} | {"pkg/__init__.py": ""})
    cold = build(tmp_path)
    assert list((tmp_path / ".netra_lint_cache" / CACHE_NAME).glob("*.marshal"))

    def fail(job: object) -> object:
        raise AssertionError(f"re-read {job}")

    monkeypatch.setattr(index_module, "_extract", fail)
    warm = build(tmp_path)
    assert warm.member("pkg.m3", "V3") == cold.member("pkg.m3", "V3") is not None
    assert warm.fingerprint == cold.fingerprint


def _known(root: Path, facts: dict | None = None) -> str | None:
    settings = Settings(project_root=root)
    return ProjectIndex.cached_fingerprint(settings, ProjectIndex.files(settings), facts)


def test_cached_fingerprint_is_the_builds_until_a_module_changes(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "A = 1\n", "pkg/b.py": "B = 1\n"})
    assert _known(tmp_path) is None  # nothing saved yet
    fingerprint = build(tmp_path).fingerprint
    assert _known(tmp_path) == fingerprint
    assert _known(tmp_path, {"GlobalAfterUse": None}) is None  # other facts: another build
    (tmp_path / "pkg" / "a.py").write_text("A = 1  # longer\n", encoding="utf-8")
    assert _known(tmp_path) is None
    assert _known(tmp_path) is None  # still: only a build saves a state
    rebuilt = build(tmp_path).fingerprint
    assert _known(tmp_path) == rebuilt
    write(tmp_path, {"pkg/c.py": ""})  # a new module
    assert _known(tmp_path) is None
    build(tmp_path)
    (tmp_path / "pkg" / "b.py").unlink()
    assert _known(tmp_path) is None


def test_cached_fingerprint_ignores_a_corrupt_or_foreign_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"mod.py": "A = 1\n"})
    build(tmp_path)
    state = tmp_path / ".netra_lint_cache" / CACHE_NAME / index_module._STATE_NAME
    original = state.read_bytes()
    for content in (b"", b"garbage", b"\xe3\x00\x00\x00\x00"):
        state.write_bytes(content)
        assert _known(tmp_path) is None
    state.write_bytes(original)
    assert _known(tmp_path) is not None
    monkeypatch.setattr(index_module, "_CACHE_MAGIC", "netra-lint-index 999")
    assert _known(tmp_path) is None
    assert (
        ProjectIndex.cached_fingerprint(Settings(project_root=tmp_path, use_cache=False), [tmp_path / "mod.py"]) is None
    )


def test_changed_file_is_read_again_and_changes_the_fingerprint(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": "OLD = 1\n", "other.py": ""})
    first = build(tmp_path)
    (tmp_path / "mod.py").write_text("NEW = 1  # longer, so the size changes\n", encoding="utf-8")
    second = build(tmp_path)
    assert second.member("mod", "NEW") is not None and second.member("mod", "OLD") is None
    assert second.fingerprint != first.fingerprint


def test_touched_but_identical_file_reuses_its_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"mod.py": "A = 1\n"})
    build(tmp_path)
    stat = (tmp_path / "mod.py").stat()
    os.utime(tmp_path / "mod.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    calls = []
    original = index_module.summarize
    monkeypatch.setattr(index_module, "summarize", lambda *a: calls.append(a) or original(*a))
    assert build(tmp_path).member("mod", "A") is not None
    assert calls == []  # same digest: the cached summary is kept without parsing


def _cached(root: Path) -> dict:
    return load_shards(root / CACHE_NAME, index_module._CACHE_MAGIC, index_module._valid_entry)


@pytest.mark.parametrize("content", [b"", b"garbage", b"\xe3\x00\x00\x00\x00"])
def test_corrupt_cache_is_discarded(tmp_path: Path, content: bytes) -> None:
    write(tmp_path, {"mod.py": "A = 1\n"})
    build(tmp_path)
    [shard] = (tmp_path / ".netra_lint_cache" / CACHE_NAME).glob("*.marshal")
    shard.write_bytes(content)
    assert _cached(tmp_path / ".netra_lint_cache") == {}
    assert build(tmp_path).member("mod", "A") is not None
    assert _cached(tmp_path / ".netra_lint_cache")  # rewritten as a valid cache
    assert not [p for p in shard.parent.iterdir() if p.suffix == ".tmp"]


def test_cache_of_another_version_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"mod.py": "A = 1\n"})
    build(tmp_path)
    assert _cached(tmp_path / ".netra_lint_cache")
    monkeypatch.setattr(index_module, "_CACHE_MAGIC", "netra-lint-index 999")
    assert _cached(tmp_path / ".netra_lint_cache") == {}


def test_cache_dir_setting_is_used(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": "A = 1\n"})
    build(tmp_path, cache_dir=tmp_path / "elsewhere")
    assert _cached(tmp_path / "elsewhere")
    assert not (tmp_path / ".netra_lint_cache").exists()


def test_parallel_build_matches_serial_build(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "from .m0 import *\n"}
    files |= {f"pkg/m{i}.py": f"class C{i}:\n    def f(self) -> int:\n        self.a{i} = {i}\n" for i in range(100)}
    write(tmp_path, files)
    parallel = build(tmp_path, jobs=2, cache_dir=tmp_path / "c1")
    serial = build(tmp_path, jobs=1, cache_dir=tmp_path / "c2")
    assert parallel.fingerprint == serial.fingerprint
    assert (
        parallel.class_info("pkg.m42.C42").members
        == serial.class_info("pkg.m42.C42").members
        == {"f": "method", "a42": "self"}
    )
    assert parallel.member("pkg", "C0") == Ref("class", "pkg.m0::C0")


def test_patch_targets_are_found_wherever_they_sit(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        import unittest
        from unittest import mock


        class TestX(unittest.TestCase):
            @mock.patch(
                "app.decorated.target"
            )
            def test_a(self, patched):
                with mock.patch.dict("app.nested.CONFIG", {}):
                    values = [
                        mock.patch("app.in_a_list"),
                    ]
                return values
        """)
    write(tmp_path, {"app/__init__.py": "", "t.py": text, "cr.py": text.replace("\n", "\r")})
    index = build(tmp_path)
    expected = ["app.decorated.target", "app.in_a_list", "app.nested.CONFIG"]
    for name in ("t.py", "cr.py"):
        source = (tmp_path / name).read_bytes().decode()
        summary = index.summary_for(tmp_path / name, source)
        assert summary is not None
        assert sorted(t[1] for t in summary.targets) == expected


def test_concurrent_builds_leave_a_valid_cache(tmp_path: Path) -> None:
    write(tmp_path, {f"pkg/m{i}.py": f"class C{i}: ...\n" for i in range(120)} | {"pkg/__init__.py": ""})
    script = (
        "import sys; from pathlib import Path; from netra_lint.settings import Settings;"
        "from netra_lint.index import ProjectIndex;"
        f"i = ProjectIndex.build(Settings(project_root=Path({str(tmp_path)!r})), jobs=2);"
        "assert i.member('pkg.m7', 'C7') is not None"
    )
    runs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0]
    cache = _cached(tmp_path / ".netra_lint_cache")
    assert len(cache) == 121
    assert not [p for p in (tmp_path / ".netra_lint_cache").iterdir() if p.suffix == ".tmp"]


def test_fingerprint_follows_what_other_files_can_see_not_every_edit(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/a.py": "def f():\n    return 1\n\n\nclass C:\n    def m(self):\n        pass\n"},
    )
    first = build(tmp_path).fingerprint
    (tmp_path / "pkg" / "a.py").write_text(
        "def f():\n    x = 2\n    return x\n\n\nclass C:\n    def m(self):\n        return 3\n"
    )
    assert build(tmp_path).fingerprint == first  # bodies changed, the surface didn't
    (tmp_path / "pkg" / "a.py").write_text(
        "def f():\n    return 1\n\n\nclass C:\n    def m(self):\n        pass\n\n    def n(self):\n        pass\n"
    )
    assert build(tmp_path).fingerprint != first  # a new method is visible to other files
    (tmp_path / "pkg" / "b.py").write_text("")
    assert build(tmp_path).fingerprint != first  # a new module too


def test_no_cache_writes_no_index_cache(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "x = 1\n"})
    build(tmp_path, use_cache=False)
    assert not (tmp_path / ".netra_lint_cache").exists()


def test_facts_are_gathered_in_the_same_parse_and_cached_with_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "X = 1\n", "pkg/bad.py": "def (:\n"})
    settings = Settings(project_root=tmp_path)  # type: ignore[call-arg]

    def count_statements(tree: ast.Module, source: object) -> int:
        return len(tree.body)

    ProjectIndex.build(settings, jobs=1)  # a run without facts
    parses = []
    original = index_module.ast.parse
    monkeypatch.setattr(index_module.ast, "parse", lambda *a, **k: parses.append(a) or original(*a, **k))
    with_facts = ProjectIndex.build(settings, jobs=1, facts={"count": count_statements})
    assert len(parses) == 2  # the cached summaries lack the facts: parsed again (not bad.py, which has none)
    assert with_facts.file_facts(tmp_path / "pkg" / "a.py", "X = 1\n", "count") == 1
    assert with_facts.file_facts(tmp_path / "pkg" / "a.py", "X = 2\n", "count") is None
    assert with_facts.file_facts(tmp_path / "pkg" / "bad.py", "def (:\n", "count") is None

    parses.clear()
    warm = ProjectIndex.build(settings, jobs=1, facts={"count": count_statements})
    assert parses == []
    assert warm.file_facts(tmp_path / "pkg" / "a.py", "X = 1\n", "count") == 1
    assert ProjectIndex.build(settings, jobs=1).file_facts(tmp_path / "pkg" / "a.py", "X = 1\n", "count") == 1
    assert parses == []  # facts a run doesn't need don't make the cache stale


def test_facts_that_fail_are_left_out(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "X = 1\n"})

    def broken(tree: ast.Module, source: object) -> int:
        raise ValueError("a bug in a rule")

    index = ProjectIndex.build(Settings(project_root=tmp_path), jobs=1, facts={"broken": broken, "n": lambda t, s: 7})  # type: ignore[call-arg]
    assert index.file_facts(tmp_path / "a.py", "X = 1\n", "broken") is None
    assert index.file_facts(tmp_path / "a.py", "X = 1\n", "n") == 7


def test_called_names_are_the_capitalized_names_called_other_than_in_class_headers() -> None:
    """``called_names`` answers "does the project call class C by name": a class header
    ``class C(Base):`` is not a call of ``C``, ``C()`` and ``mod.C()`` are."""
    text = textwrap.dedent(
        """\
        class Mixin(Base):
            pass

        class User(Mixin, metaclass=Meta):
            pass

        class Plain:
            pass

        user = User()
        other = models.Account ()
        Mixin.register(user)
        """
    )
    summary = index_module.summarize_text(text, "pkg.mod", False)
    assert summary["n"] == ["Account", "User"]
