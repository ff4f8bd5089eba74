"""NL501–NL503 beyond the fixtures: packs, line endings, no re-parsing, odd places."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from netra_lint.checker import FileContext, PackError
from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.rules.broken_imports.broken_imports import BrokenImports
from netra_lint.rules.broken_imports.nl501_missing_module import NL501
from netra_lint.rules.broken_imports.nl502_missing_name import NL502
from netra_lint.rules.broken_imports.nl503_missing_patch_target import NL503
from netra_lint.runner import run
from netra_lint.settings import ConfigError


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8", newline="")
    (root / "pyproject.toml").touch()


def lint(root: Path, fix: bool = False, unsafe: bool = False):
    settings = load_settings([root], select=["NL501", "NL502", "NL503"])
    return run([root], settings, RunOptions(fix=fix, unsafe_fixes=unsafe, jobs=1))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("section", "value", "message"),
    [
        ("module-moves", ["a"], "must be a table"),
        ("module-moves", {"a.b": 3}, "both sides must be dotted Python names"),
        ("module-moves", {"a-b": "c"}, "both sides must be dotted Python names"),
        ("module-moves", {"a.b": "a.b"}, "maps to itself"),
        ("name-moves", {"a": "b.C"}, "write 'module.Name' on both sides"),
    ],
)
def test_bad_pack_entries_name_the_file_and_entry(section: str, value: object, message: str) -> None:
    with pytest.raises(PackError, match=message) as caught:
        BrokenImports.parse_pack(section, value, "custom.toml")
    assert str(caught.value).startswith(f"custom.toml: [{section}]")


def test_conflicting_and_cyclic_moves_are_rejected() -> None:
    with pytest.raises(PackError, match=re.escape("conflicts with one.toml")):
        BrokenImports.validate_packs("module-moves", [("a.b", "a.c", "one.toml"), ("a.b", "a.d", "two.toml")])
    with pytest.raises(PackError, match="cycle"):
        BrokenImports.validate_packs("module-moves", [("a.b", "a.c", "one.toml"), ("a.c", "a.b", "two.toml")])
    BrokenImports.validate_packs("module-moves", [("a.b", "a.c", "one.toml"), ("a.b", "a.c", "two.toml")])


def test_project_pack_errors_are_config_errors(in_tmp: Path) -> None:
    write(in_tmp, {"bad.toml": "[module-moves]\n'x' = 'x'\n"})
    (in_tmp / "pyproject.toml").write_text("[tool.netra-lint]\npacks = ['bad.toml']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("bad.toml")):
        load_settings([in_tmp])


def test_split_fix_keeps_crlf_line_endings(in_tmp: Path) -> None:
    write(
        in_tmp,
        {
            "app/__init__.py": "",
            "app/models.py": "class User: ...\r\n",
            "app/orders.py": "class Order: ...\r\n",
            "main.py": "import os\r\n\r\nif os:\r\n    from app.models import User, Order\r\n",
        },
    )
    outcome = lint(in_tmp, fix=True)
    assert outcome.errors == []
    assert (in_tmp / "main.py").read_bytes() == (
        b"import os\r\n\r\nif os:\r\n    from app.models import User\r\n    from app.orders import Order\r\n"
    )


def test_one_line_suite_is_split_after_a_semicolon(in_tmp: Path) -> None:
    """A block header's line can't be followed by new lines of the block: the moved name
    goes to a new import after a ``;`` on the same line."""
    source = "import os\nif os: from app.models import User, Order\n"
    write(
        in_tmp,
        {
            "app/__init__.py": "",
            "app/models.py": "class User: ...\n",
            "app/orders.py": "class Order: ...\n",
            "main.py": source,
        },
    )
    outcome = lint(in_tmp, fix=True)
    assert outcome.diagnostics == []
    assert (in_tmp / "main.py").read_text(encoding="utf-8") == (
        "import os\nif os: from app.models import User; from app.orders import Order\n"
    )
    assert lint(in_tmp, fix=True).files_written == 0


def test_clean_files_are_never_parsed_again(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        in_tmp,
        {
            "app/__init__.py": "from .core import Engine\n",
            "app/core.py": "class Engine: ...\n",
            "tests/test_core.py": "from unittest import mock\nfrom app import Engine\nmock.patch('app.core.Engine')\n",
        },
    )

    def boom(self: FileContext) -> None:
        raise AssertionError(f"{self.path} parsed again")

    monkeypatch.setattr(FileContext, "ast_tree", property(boom))
    monkeypatch.setattr(FileContext, "cst_module", property(boom))
    outcome = lint(in_tmp)
    assert outcome.errors == [] and outcome.diagnostics == []


def test_noqa_and_files_outside_the_roots(in_tmp: Path) -> None:
    write(
        in_tmp,
        {
            "app/__init__.py": "",
            "my-scripts/run.py": "import app.gone\nfrom .sibling import x\n",
            "main.py": "import app.gone  # noqa: NL501\n",
        },
    )
    outcome = lint(in_tmp)
    assert [(Path(d.path).as_posix(), d.row, d.code) for d in outcome.diagnostics] == [
        ("my-scripts/run.py", 1, "NL501")
    ]


def test_rule_docs_follow_the_house_format() -> None:
    for rule in (NL501, NL502, NL503):
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
            assert section in rule.doc, (rule.code, section)


def test_split_import_at_the_end_of_a_file_without_final_newline(in_tmp: Path) -> None:
    write(
        in_tmp,
        {
            "app/__init__.py": "",
            "app/models.py": "class User: ...\n",
            "app/orders.py": "class Order: ...\n",
            "main.py": "from app.models import User, Order  # keep me",
        },
    )
    assert lint(in_tmp, fix=True).errors == []
    assert (in_tmp / "main.py").read_text(
        encoding="utf-8"
    ) == "from app.models import User  # keep me\nfrom app.orders import Order"


def test_a_warm_run_loads_no_index_and_a_changed_module_rechecks_its_importers(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netra_lint.index import ProjectIndex

    write(
        in_tmp,
        {"app/__init__.py": "", "app/models.py": "class User: ...\n", "app/views.py": "from app.models import User\n"},
    )
    assert lint(in_tmp).diagnostics == []
    real_build = ProjectIndex.build.__func__
    builds: list[int] = []

    def counted(cls, *args, **kwargs):
        builds.append(1)
        return real_build(cls, *args, **kwargs)

    monkeypatch.setattr(ProjectIndex, "build", classmethod(counted))
    warm = lint(in_tmp)
    assert (warm.diagnostics, warm.cache_hits, builds) == ([], 3, [])  # every answer came from the cache
    # views.py is unchanged, but what it imports is gone: the index is built and views.py checked again
    (in_tmp / "app" / "models.py").write_text("class Account: ...\n", encoding="utf-8")
    changed = lint(in_tmp)
    assert builds == [1]
    assert [(Path(d.path).name, d.code) for d in changed.diagnostics] == [("views.py", "NL502")]
    assert lint(in_tmp).cache_hits == 3 and builds == [1]


SHARED_NAMESPACE = {
    "src/acme/tools/parser/__init__.py": """\
        from acme import abstract
        from acme.tools.parser.util import Missing
        """,
    "src/acme/tools/parser/util.py": "PRESENT = 1\n",
    "src/acme/tools/parser/show.py": """\
        from unittest import mock

        import acme.metaparser.util
        from acme.tools.sdk.apis import configure
        from acme.tools.parser.gone import Gone

        PATCHES = [mock.patch("acme.metaparser.MetaParser.parse"), mock.patch("acme.tools.parser.show.Missing")]
        """,
    # A second package beside ``parser``: not the shape of one portion.
    "src/acme/tools/clean/__init__.py": "",
}
#: Every finding of the project when nothing says ``acme`` is shared.
UNSHARED_FINDINGS = [
    ("src/acme/tools/parser/__init__.py", 1, "NL502"),
    ("src/acme/tools/parser/__init__.py", 2, "NL502"),
    ("src/acme/tools/parser/show.py", 3, "NL501"),
    ("src/acme/tools/parser/show.py", 4, "NL501"),
    ("src/acme/tools/parser/show.py", 5, "NL501"),
    ("src/acme/tools/parser/show.py", 7, "NL503"),
    ("src/acme/tools/parser/show.py", 7, "NL503"),
]
#: What stays when ``acme`` and ``acme.tools`` may hold other distributions' portions: the
#: names and modules missing inside the project's own regular package.
SHARED_FINDINGS = [
    ("src/acme/tools/parser/__init__.py", 2, "NL502"),
    ("src/acme/tools/parser/show.py", 5, "NL501"),
    ("src/acme/tools/parser/show.py", 7, "NL503"),
]


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ({"setup.py": "from setuptools import setup\nsetup(name='acme')\n"}, UNSHARED_FINDINGS),
        (
            {"setup.py": "import setuptools\nsetuptools.setup(packages=setuptools.find_namespace_packages('src'))\n"},
            SHARED_FINDINGS,
        ),
        ({"setup.py": "from setuptools import find_namespace_packages as f\nf(where='lib')\n"}, UNSHARED_FINDINGS),
        (
            {"setup.py": "from setuptools import setup\nsetup(namespace_packages=['acme'], package_dir={'': 'src'})\n"},
            SHARED_FINDINGS,
        ),
        (
            {"setup.cfg": "[options]\npackages = find_namespace:\n\n[options.packages.find]\nwhere = src\n"},
            SHARED_FINDINGS,
        ),
        ({"setup.cfg": "[options]\npackages = find:\n\n[options.packages.find]\nwhere = src\n"}, UNSHARED_FINDINGS),
        ({"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["src"]\n'}, SHARED_FINDINGS),
        (
            {"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["src"]\nnamespaces = false\n'},
            UNSHARED_FINDINGS,
        ),
    ],
)
def test_a_namespace_package_declared_to_the_build_backend_may_hold_other_portions(
    in_tmp: Path, declaration: dict[str, str], expected: list[tuple[str, int, str]]
) -> None:
    """``find_namespace_packages`` (or its setup.cfg/pyproject forms) says the project's
    namespace packages are portions: what other distributions add to ``acme`` and
    ``acme.tools`` is not reported, what the project's own package lacks still is."""
    write(in_tmp, {**SHARED_NAMESPACE, **declaration})
    outcome = lint(in_tmp)
    assert outcome.errors == []
    assert sorted((Path(d.path).as_posix(), d.row, d.code) for d in outcome.diagnostics) == expected


def test_a_pkg_resources_namespace_package_may_hold_other_portions(in_tmp: Path) -> None:
    """``declare_namespace`` extends ``__path__`` as ``extend_path`` does: below it nothing is
    certainly missing; a package that declares nothing is checked."""
    write(
        in_tmp,
        {
            "acme/__init__.py": "__import__('pkg_resources').declare_namespace(__name__)\n",
            "acme/parser/__init__.py": "from acme.metaparser import MetaParser\nfrom other.gone import Gone\n",
            "other/__init__.py": "import pkg_resources\n\nDECLARE = pkg_resources.declare_namespace\n",
        },
    )
    found = [(Path(d.path).as_posix(), d.row, d.code) for d in lint(in_tmp).diagnostics]
    assert found == [("acme/parser/__init__.py", 2, "NL501")]
