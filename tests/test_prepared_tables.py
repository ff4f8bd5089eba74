"""A run that shares files out to worker processes builds the index's project-wide tables
once, before the workers start, and finds exactly what a one-process run finds."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from netra_lint.config import load_settings
from netra_lint.engine import Linter, RunOptions
from netra_lint.runner import run


def _project(root: Path) -> None:
    files = {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/base.py": """\
            class Base:
                def ping(self) -> None: ...


            class Loud(Base):
                def shout(self) -> None: ...
            """,
        "app/helpers.py": "def helper() -> int:\n    return 1\n",
    }
    for i in range(40):  # enough files for the run to use workers
        files[f"app/use{i}.py"] = f"""\
            from app.base import Base, Loud
            from app.base import helper  # NL502: it lives in app.helpers


            def run{i}(base: Base, loud: Loud) -> None:
                base.ping()
                base.shout()  # a subclass has it: not reported
                loud.missing{i}()  # NL401
            """
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _findings(root: Path, jobs: int) -> list[tuple[str, int, str, str]]:
    settings = dataclasses.replace(load_settings([root], select=["NL401", "NL5"]), use_cache=False)
    outcome = run([root], settings, RunOptions(jobs=jobs))
    assert outcome.errors == []
    return sorted((Path(d.path).as_posix(), d.row, d.code, d.message) for d in outcome.diagnostics)


def test_workers_find_what_one_process_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    prepared = []
    real_prepare = Linter.prepare

    def spy(linter: Linter) -> None:
        real_prepare(linter)
        prepared.append(linter.index)

    monkeypatch.setattr(Linter, "prepare", spy)
    serial = _findings(tmp_path, jobs=1)
    assert prepared == []  # one process: each table is built when first asked for
    parallel = _findings(tmp_path, jobs=2)
    assert len(prepared) == 1 and prepared[0] is not None
    assert parallel == serial
    assert {code for _, _, code, _ in serial} == {"NL401", "NL502"}
    assert sum(code == "NL401" for _, _, code, _ in serial) == 40
    assert any("app.helpers" in message for _, _, code, message in serial if code == "NL502")
