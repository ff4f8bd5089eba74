"""The semantic model a ``FileContext`` offers: built once per text, named as the project
index names the file, with or without an index."""

from __future__ import annotations

import ast
from pathlib import Path

from netra_lint.checker import FileContext
from netra_lint.config import load_settings
from netra_lint.engine import Linter, RunOptions
from netra_lint.index import ProjectIndex
from netra_lint.module_names import ModuleName, ModuleNames
from netra_lint.semantics.references import qualified_name
from netra_lint.settings import Settings
from netra_lint.source import SourceFile


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def context(root: Path, relative: str, index: ProjectIndex | None = None) -> FileContext:
    settings = load_settings([root])
    path = root / relative
    return FileContext(SourceFile.read(path), relative, settings, [], False, index)


def first_read(ctx: FileContext, name: str) -> ast.Name:
    return next(n for n in ast.walk(ctx.ast_tree) if isinstance(n, ast.Name) and n.id == name)


#: A src layout, a sub-project with its own pyproject.toml, a script directory, and a star
#: import of a first-party module whose ``__all__`` the index knows.
PROJECT = {
    "pyproject.toml": "",
    "src/pkg/__init__.py": "from .mod import Thing\n",
    "src/pkg/legacy.py": "class Old: ...\n",
    "src/pkg/mod.py": "from .legacy import Old\nfrom . import legacy\nThing = Old\nlegacy.Old\n",
    "src/pkg/helpers.py": "__all__ = ['helper']\ndef helper(): ...\n",
    "src/pkg/star.py": "from acme.http import Client\nfrom .helpers import *\nClient\n",
    "services/api/pyproject.toml": "",
    "services/api/api/__init__.py": "",
    "services/api/api/views.py": "from .models import Old\n",
    "scripts/tool.py": "x = 1\n",
}


def indexed(root: Path) -> tuple[Settings, ProjectIndex]:
    """``PROJECT`` under ``root``, its settings and its project index."""
    write(root, PROJECT)
    settings = load_settings([root])
    return settings, ProjectIndex.build(settings, jobs=1)


def test_relative_imports_resolve_in_a_src_layout_with_and_without_an_index(tmp_path: Path) -> None:
    """Without a ``src`` setting, ``src/`` is a root: ``from .legacy import Old`` in
    ``src/pkg/mod.py`` is ``pkg.legacy.Old``, the index's answer, not ``src.pkg.legacy.Old``."""
    _, index = indexed(tmp_path)
    for given in (None, index):
        ctx = context(tmp_path, "src/pkg/mod.py", given)
        assert ctx.module == ModuleName("pkg.mod", False)
        found = qualified_name(ctx.semantic_model, first_read(ctx, "Old"))
        assert found is not None and found.name == "pkg.legacy.Old"
        package = context(tmp_path, "src/pkg/__init__.py", given)
        assert package.module == ModuleName("pkg", True)
        binding = package.semantic_model.module_scope.bindings["Thing"][0]
        assert binding.target == "pkg.mod.Thing"


def test_sub_projects_and_configured_roots_name_modules_as_the_index_does(tmp_path: Path) -> None:
    settings, index = indexed(tmp_path)
    names = ModuleNames(settings)
    for relative, expected in (
        ("services/api/api/views.py", ModuleName("api.views", False)),
        ("services/api/api/__init__.py", ModuleName("api", True)),
        ("scripts/tool.py", ModuleName("scripts.tool", False)),
    ):
        path = tmp_path / relative
        assert names.of(path) == expected == names.of(path, index), relative
    configured = tmp_path / "configured"
    write(configured, {"pyproject.toml": '[tool.netra-lint]\nsrc = ["lib"]\n', "lib/pkg/mod.py": ""})
    assert ModuleNames(load_settings([configured])).of(configured / "lib/pkg/mod.py") == ModuleName("pkg.mod", False)
    assert ModuleNames(load_settings([configured])).of(configured / "other.py") == ModuleName(None, False)


def test_the_model_is_built_once_and_knows_first_party_star_exports(tmp_path: Path) -> None:
    _, index = indexed(tmp_path)
    ctx = context(tmp_path, "src/pkg/star.py", index)
    assert ctx.semantic_model is ctx.semantic_model
    assert ctx.semantic_model.tree is ctx.ast_tree
    found = qualified_name(ctx.semantic_model, first_read(ctx, "Client"))
    assert found is not None and found.name == "acme.http.Client"  # helpers exports only `helper`
    without = context(tmp_path, "src/pkg/star.py")
    assert qualified_name(without.semantic_model, first_read(without, "Client")) is None  # the star may bind it


def test_model_node_finds_the_ast_node_of_a_libcst_node(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "m.py": "import os\nvalue = os.path.join('a', 'b')\n"})
    ctx = context(tmp_path, "m.py")
    statement = ctx.cst_module.body[1].body[0]  # type: ignore[attr-defined]
    call = ctx.model_node(statement.value, ast.Call)
    assert isinstance(call, ast.Call)
    found = qualified_name(ctx.semantic_model, call.func)
    assert found is not None and found.name == "os.path.join"
    assert ctx.model_node(statement.value, ast.Name) is None


def test_without_an_index_the_cache_key_holds_the_module_name(tmp_path: Path) -> None:
    """A sub-project's marker file changes a module's name (and so what its relative
    imports name) without changing its text: the cached result must not be reused."""
    write(tmp_path, {"pyproject.toml": "", "services/api/api/views.py": "from .models import Old\n"})
    path = tmp_path / "services/api/api/views.py"
    settings = load_settings([tmp_path], select=["NL2"])
    before = Linter(settings, RunOptions()).file_inputs(path)
    write(tmp_path, {"services/api/pyproject.toml": ""})
    after = Linter(settings, RunOptions()).file_inputs(path)
    assert before != after
    indexed = Linter(load_settings([tmp_path], select=["NL5"]), RunOptions())
    assert "api.views" not in indexed.file_inputs(path)  # the index fingerprint covers it
