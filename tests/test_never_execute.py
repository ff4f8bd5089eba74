"""netra-lint never imports, execs or evals the code it analyses.

A project is planted with modules whose import would write a marker file: packages that
the checked files import (so the project index and the broken-import rules resolve them),
modules named like netra-lint's own dependencies, ``conftest.py``, ``setup.py``,
``__main__.py``, ``sitecustomize.py``; every fixture case is copied in so every rule runs
(with ``--fix --unsafe-fixes``). The run happens with the project on ``PYTHONPATH`` and as
the working directory, under an audit hook that records any code object from the project
being executed. No marker, no recorded execution, no ``__pycache__`` may appear.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import all_cases

TIMEOUT = 180

DRIVER = """
import os, sys
project = os.path.realpath(sys.argv[1])
log = sys.argv[2]

def hook(event, args):
    if event == "exec" and args and hasattr(args[0], "co_filename"):
        name = args[0].co_filename or "<>"
        filename = "" if name.startswith("<") else os.path.realpath(name)
        if filename.startswith(project + os.sep):
            with open(log, "a") as handle:
                handle.write(f"exec {filename}\\n")
    elif event == "import" and len(args) > 1 and args[1]:
        filename = os.path.realpath(str(args[1]))
        if filename.startswith(project + os.sep):
            with open(log, "a") as handle:
                handle.write(f"import {filename}\\n")

sys.addaudithook(hook)
from netra_lint.cli import main
sys.argv = ["netra-lint", *sys.argv[3:]]
main()
"""


def marker_code(markers: Path, name: str) -> str:
    return f"import pathlib as _p\n_p.Path({str(markers / name)!r}).write_text('executed')\n"


def plant(root: Path, markers: Path, shadows: bool) -> list[str]:
    """Write the booby-trapped project; return the names of the markers it could write."""
    names: list[str] = []

    def trap(relative: str, extra: str = "") -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        name = relative.replace("/", "_")
        names.append(name)
        path.write_text(marker_code(markers, name) + extra, encoding="utf-8")

    (root / "pyproject.toml").write_text('[project]\nname = "trapped"\n', encoding="utf-8")
    trap("pkg/__init__.py")
    trap("pkg/sub/__init__.py")
    trap("pkg/sub/leaf.py", "def used():\n    return 1\n")
    trap("pkg/evil.py", "VALUE = 1\n")
    trap("conftest.py")
    trap("setup.py")
    trap("__main__.py")
    # Modules named like netra-lint's own dependencies: only where the project is not on
    # PYTHONPATH (there, Python itself would import them for any program).
    # (sitecustomize is imported from PYTHONPATH at interpreter start-up, by any program.)
    for shadow in (
        (
            "click",
            "libcst",
            "pathspec",
            "tomllib",
            "ruff",
            "json",
            "typing_extensions",
            "sitecustomize",
            "usercustomize",
        )
        if shadows
        else ()
    ):
        trap(f"{shadow}.py")
    trap("websockets/__init__.py")  # a first-party package named like the library the rules ask about
    trap("websockets/legacy/__init__.py")
    trap("websockets/legacy/client.py", "def connect():\n    pass\n")
    trap("src/srcpkg/__init__.py")
    trap("src/srcpkg/mod.py", "def f():\n    return 2\n")
    (root / "app.py").write_text(
        "import pkg.evil\n"
        "import pkg.sub.leaf\n"
        "from pkg.sub import leaf\n"
        "from pkg import missing_name\n"
        "from pkg.evil import VALUE, NOT_THERE\n"
        "import pkg.does_not_exist\n"
        "import srcpkg.mod\n"
        "from srcpkg.mod import f, g\n"
        "import websockets\n"
        "from websockets.legacy.client import connect\n"
        "import click, libcst, json\n"
        "from . import sibling\n"
        'exec(\'open("should-not-run", "w")\')\n'
        "eval('__import__(\"pkg.evil\")')\n"
        "__import__('pkg.sub.leaf')\n"
        "import importlib; importlib.import_module('pkg.evil')\n",
        encoding="utf-8",
    )
    # Every fixture case, so that every rule family parses, resolves and fixes something.
    for index, case in enumerate(all_cases()):
        case.copy_to(root / "cases" / f"case_{index}")
        (root / "cases" / f"case_{index}" / "pyproject.toml").unlink()
    return names


def run_traced(root: Path, log: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    driver = tmp / "driver" / "run_netra.py"
    driver.parent.mkdir(exist_ok=True)
    driver.write_text(DRIVER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(root / "src")])
    env["PYTHONDONTWRITEBYTECODE"] = ""
    return subprocess.run(
        [sys.executable, str(driver), str(root), str(log), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@pytest.mark.slow
def test_analysed_code_is_never_executed(tmp_path: Path) -> None:
    root = tmp_path / "project"
    markers = tmp_path / "markers"
    markers.mkdir()
    root.mkdir()
    names = plant(root, markers, shadows=False)
    log = tmp_path / "exec.log"

    runs = [
        ("check", "--no-cache", "--select", "ALL", "."),
        ("check", "--fix", "--unsafe-fixes", "--select", "ALL", "-j", "2", "."),
        ("check", "--diff", "--unsafe-fixes", "--no-cache", "--select", "ALL", "--output-format", "json", "."),
        ("check", "--no-cache", "--select", "ALL", "app.py", "pkg/evil.py", "setup.py"),
    ]
    for args in runs:
        proc = run_traced(root, log, tmp_path, *args)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 1, 2), proc.stderr
        executed = sorted(p.name for p in markers.iterdir())
        assert executed == [], f"`netra-lint {' '.join(args)}` executed project code: {executed}"
        assert not log.exists(), log.read_text()
    assert names, "nothing was planted"
    assert not (root / "should-not-run").exists()
    assert [p for p in root.rglob("__pycache__")] == [], "project modules were imported (bytecode was written)"
    assert [p for p in root.rglob("*.pyc")] == []


def test_console_script_from_inside_the_project(tmp_path: Path) -> None:
    """The installed ``netra-lint`` command, run from the project's root as a user would,
    with modules there named like netra-lint's own dependencies."""
    root = tmp_path / "project"
    markers = tmp_path / "markers"
    markers.mkdir()
    root.mkdir()
    plant(root, markers, shadows=True)
    script = Path(sys.executable).parent / "netra-lint"
    assert script.exists(), script
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    proc = subprocess.run(
        [str(script), "check", "--no-cache", "--select", "ALL", "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert sorted(p.name for p in markers.iterdir()) == []
    assert [p for p in root.rglob("__pycache__")] == []
    shutil.rmtree(root)
