"""End to end: break a real multi-package project's imports, fix it with the CLI, then
import every module in a fresh interpreter to prove the fixed imports really resolve; and
namespace directories that lose to an installed or declared third-party package."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SELECT = "NL501,NL502,NL503"

PROJECT = {
    "pyproject.toml": """\
        [tool.netra-lint]
        packs = ["moves.toml"]
        """,
    "moves.toml": """\
        [module-moves]
        "app.legacy" = "app.core"

        [name-moves]
        "app.core.engine.OldEngine" = "app.core.engine.Engine"
        """,
    "app/__init__.py": "from .core.engine import Engine\n",
    "app/core/__init__.py": "",
    "app/core/engine.py": "class Engine:\n    def start(self) -> None: ...\n",
    "app/util/helpers.py": "def helper() -> int:\n    return 1\n",  # a namespace package below a regular one
    "app/db/__init__.py": "from .connection import *\n",
    "app/db/connection.py": "__all__ = ['ConnectionInfo']\n\n\nclass ConnectionInfo: ...\n",
    "app/db/models.py": "class User: ...\n",
    "test_framework/__init__.py": "",
    "test_framework/redis_test_utils.py": "class RedisTestHelper: ...\n",
    "test_framework/legacy/__init__.py": "",
    "test_framework/legacy/redis_helpers.py": "class RedisTestHelper: ...\n",
    # Every import below is broken in one of the ways the rules fix.
    "app/service.py": """\
        from app.engine import Engine
        from app.db import ConnectionInfo, User
        from .util.helper import helper
        from app.legacy.engine import OldEngine
        import app.core.engin as engine_module
        from test_framework.redis_test_utils_test_utils import RedisTestHelper


        def build():
            from ..app.db.model import User as Member
            return Engine, ConnectionInfo, User, helper, OldEngine, engine_module, RedisTestHelper, Member
        """,
    "suite/__init__.py": "",
    "suite/test_service.py": """\
        import importlib
        from unittest import mock

        PATCHES = [
            mock.patch("app.service_old.Engine.start"),
            mock.patch("app.db.User"),
            mock.patch("app.util.helpers.helpr"),
        ]
        importlib.import_module("app.utils.helpers")
        """,
}


def make_project(root: Path, files: dict[str, str] = PROJECT) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def netra(
    root: Path, *args: str, cache: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    caching = [] if cache else ["--no-cache"]
    return subprocess.run(
        [sys.executable, "-m", "netra_lint", "check", "--select", SELECT, *caching, "-j", "1", *args, str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # the exit code says whether violations remain; the test reads the report
        env=env,
    )


def test_fixed_project_imports_and_patch_targets_resolve(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_project(root)
    before = json.loads(netra(root, "--output-format", "json", "--exit-zero").stdout)
    assert sorted({d["code"] for d in before}) == ["NL501", "NL502", "NL503"]

    fixed = netra(root, "--fix", "--unsafe-fixes")
    assert "Traceback" not in fixed.stderr, fixed.stderr
    remaining = json.loads(netra(root, "--output-format", "json", "--exit-zero").stdout)
    # The relative import with too many dots has no knowable answer: it is reported, not fixed.
    assert [(d["code"], d["location"]["row"]) for d in remaining] == [("NL501", 11)], remaining

    service = (root / "app" / "service.py").read_text(encoding="utf-8")
    assert service.splitlines()[:7] == [
        "from app.core.engine import Engine",
        "from app.db import ConnectionInfo",
        "from app.db.models import User",
        "from .util.helpers import helper",
        "from app.core.engine import Engine as OldEngine",
        "import app.core.engine as engine_module",
        "from test_framework.redis_test_utils import RedisTestHelper",
    ]
    # Make the one unfixable import valid by hand, then prove everything else resolves.
    service = service.replace("from ..app.db.model import User as Member", "from app.db.models import User as Member")
    (root / "app" / "service.py").write_text(service, encoding="utf-8")
    suite = (root / "suite" / "test_service.py").read_text(encoding="utf-8")
    targets = re.findall(r'(?:patch|import_module)\("([^"]+)"\)', suite)
    assert targets == [
        "app.core.engine.Engine.start",
        "app.db.models.User",
        "app.util.helpers.helper",
        "app.util.helpers",
    ]

    modules = [
        ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted(root.rglob("*.py"))
        if ".netra_lint_cache" not in p.parts
    ]
    probe = textwrap.dedent(f"""\
        import importlib, pkgutil, sys
        sys.path.insert(0, {str(root)!r})
        for name in {modules!r}:
            module = importlib.import_module(name)
        from app.service import build
        build()
        for target in {targets!r}:
            pkgutil.resolve_name(target)
        print("ok", len({modules!r}))
        """)
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules)}"


def fake_distribution(site: Path, name: str, top_level: str | None, record: list[str]) -> None:
    """An installed distribution as ``importlib.metadata`` finds it: metadata only (no code)."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    if top_level is not None:
        (info / "top_level.txt").write_text(top_level + "\n", encoding="utf-8")
    (info / "RECORD").write_text("".join(f"{line},,\n" for line in record), encoding="utf-8")


SHADOWED = {
    # Namespace directories (no __init__.py) that hold Python code: first-party unless a
    # third-party package of that name is installed or declared.
    "tasks/beat.py": "SCHEDULE = {}\n",
    "queues/worker_conf.py": "PREFETCH = 1\n",
    "pyproject.toml": '[project]\nname = "jobs"\n',
    "app/__init__.py": "",
    "app/jobs.py": """\
        from tasks import Celery
        from queues.consumer import Consumer
        from app.missing import thing
        """,
}


@pytest.mark.parametrize("metadata", ["top_level.txt", "RECORD"])
def test_a_namespace_directory_loses_to_an_installed_distribution(tmp_path: Path, metadata: str) -> None:
    """``tasks/`` and ``queues/`` shadow nothing once distributions providing ``tasks`` and
    ``queues`` are installed on ``sys.path``; the project's own broken import stays."""
    root, site = tmp_path / "project", tmp_path / "site"
    make_project(root, SHADOWED)
    before = json.loads(netra(root, "--output-format", "json", "--exit-zero").stdout)
    assert sorted((d["code"], d["location"]["row"]) for d in before) == [("NL501", 2), ("NL501", 3), ("NL502", 1)]

    for dist, top in (("fake-tasks", "tasks"), ("fake-queues", "queues")):
        top_level = top if metadata == "top_level.txt" else None
        fake_distribution(site, dist, top_level, [f"{top}/__init__.py", f"{top}/core.py"])
    after = netra(root, "--output-format", "json", "--exit-zero", env={**os.environ, "PYTHONPATH": str(site)})
    assert after.stderr == ""
    assert [(d["code"], d["location"]["row"]) for d in json.loads(after.stdout)] == [("NL501", 3)]


def test_installing_a_distribution_reaches_a_warm_cache(tmp_path: Path) -> None:
    """What is installed is part of each result's cache key: a distribution installed (or
    upgraded) between two cached runs changes the answer."""
    root, site = tmp_path / "project", tmp_path / "site"
    make_project(root, SHADOWED)
    site.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def findings() -> list[tuple[str, int]]:
        result = netra(root, "--output-format", "json", "--exit-zero", cache=True, env=env)
        return sorted((d["code"], d["location"]["row"]) for d in json.loads(result.stdout))

    assert findings() == [("NL501", 2), ("NL501", 3), ("NL502", 1)]
    fake_distribution(site, "fake-tasks", "tasks", ["tasks/__init__.py"])
    assert findings() == [("NL501", 2), ("NL501", 3)]
    shutil.rmtree(site / "fake-tasks-1.0.dist-info")
    fake_distribution(site, "fake-tasks", "queues", ["queues/__init__.py"])  # the same name, now another package
    assert findings() == [("NL501", 3), ("NL502", 1)]


def test_a_declared_dependency_wins_over_a_namespace_directory_and_the_cache_knows(tmp_path: Path) -> None:
    """Declaring the dependency silences the namespace directory's imports, on a warm cache
    too: what the project declares is part of each file's cache key."""
    root = tmp_path / "project"
    make_project(root, SHADOWED)

    def findings() -> list[tuple[str, int]]:
        result = netra(root, "--output-format", "json", "--exit-zero", cache=True)
        return sorted((d["code"], d["location"]["row"]) for d in json.loads(result.stdout))

    assert findings() == [("NL501", 2), ("NL501", 3), ("NL502", 1)]
    (root / "requirements.txt").write_text("Tasks>=5\n", encoding="utf-8")  # not configuration: a cache key
    assert findings() == [("NL501", 2), ("NL501", 3)]
    (root / "requirements").mkdir()
    (root / "requirements" / "dev.txt").write_text("queues==1.0\n", encoding="utf-8")
    assert findings() == [("NL501", 3)]


def test_the_cache_knows_the_declarations_of_a_sub_project(tmp_path: Path) -> None:
    """The declarations the index reads beside a sub-project's root (its setup.py, its
    requirement files) are part of every result's cache key, as the project root's are."""
    root = tmp_path / "project"
    make_project(
        root,
        {
            "pyproject.toml": '[project]\nname = "mono"\n',
            "services/parser/setup.py": "from setuptools import setup\nsetup(name='acme.parser')\n",
            "services/parser/src/acme/parser/__init__.py": """\
                from acme.metaparser import MetaParser
                from tasks.gone import SCHEDULE
                """,
            "services/parser/src/acme/clean/__init__.py": "",
            "services/parser/src/tasks/beat.py": "SCHEDULE = {}\n",
        },
    )

    def findings() -> list[tuple[str, int]]:
        result = netra(root, "--output-format", "json", "--exit-zero", cache=True)
        return sorted((d["code"], d["location"]["row"]) for d in json.loads(result.stdout))

    assert findings() == [("NL501", 1), ("NL501", 2)]
    (root / "services" / "parser" / "requirements.txt").write_text("tasks\n", encoding="utf-8")
    assert findings() == [("NL501", 1)]
    setup_cfg = "[options]\npackages = find_namespace:\n\n[options.packages.find]\nwhere = src\n"
    (root / "services" / "parser" / "setup.cfg").write_text(setup_cfg, encoding="utf-8")
    assert findings() == []
