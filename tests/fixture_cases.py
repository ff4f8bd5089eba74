"""Fixture cases under ``fixtures/<CODE>/``, shared by the fixture tests and the fuzz tests.

A case is either one file ``name.py`` or a directory ``name/`` that is a small project
(it may hold its own ``pyproject.toml``). In a case:

* ``# expect: CODE[, CODE...]`` at the end of a line says which diagnostics start there;
  every other line must stay silent;
* ``x.fixed.py`` beside ``x.py`` is what ``--fix`` must make of it, ``x.unsafe.py`` what
  ``--fix --unsafe-fixes`` must make of it; without them, fixing must change nothing.

A ``pyproject.toml`` in a code directory is the configuration of its single-file cases (for
instance, the bundled pack they need, where their project's own code is absent).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)")
EXPECTATION_SUFFIXES = (".fixed.py", ".unsafe.py")


@dataclass(frozen=True)
class Case:
    code: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.code}/{self.path.name}"

    def sources(self) -> list[Path]:
        """The files of the case that are linted (relative to the case root)."""
        if self.path.is_file():
            return [Path(self.path.name)]
        return sorted(
            p.relative_to(self.path)
            for p in self.path.rglob("*.py*")
            if p.suffix in (".py", ".pyi") and not p.name.endswith(EXPECTATION_SUFFIXES)
        )

    @property
    def pyproject(self) -> str:
        """The configuration a single-file case runs with (empty if its code directory has
        none); a directory case holds its own."""
        shared = self.path.parent / "pyproject.toml"
        return shared.read_text(encoding="utf-8") if self.path.is_file() and shared.is_file() else ""

    def copy_to(self, destination: Path) -> Path:
        """Copy the lintable files (and config) into ``destination``; return the project root."""
        destination.mkdir(parents=True, exist_ok=True)
        base = self.path.parent if self.path.is_file() else self.path
        for relative in self.sources():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base / relative, target)
        if self.path.is_dir():
            for extra in self.path.rglob("*"):
                if extra.is_file() and extra.suffix not in (".py", ".pyi"):
                    target = destination / extra.relative_to(self.path)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(extra, target)
        # A pyproject.toml (empty if nothing else) pins the project root to the case.
        if self.path.is_file():
            (destination / "pyproject.toml").write_text(self.pyproject, encoding="utf-8")
        (destination / "pyproject.toml").touch()
        return destination

    def expected(self, kind: str, relative: Path) -> str | None:
        """Expected text of ``relative`` after a fix run (kind: 'fixed' or 'unsafe')."""
        base = self.path.parent if self.path.is_file() else self.path
        candidate = base / relative.parent / f"{relative.stem}.{kind}.py"
        return candidate.read_bytes().decode("utf-8") if candidate.exists() else None

    def expected_diagnostics(self) -> Counter[tuple[str, int, str]]:
        base = self.path.parent if self.path.is_file() else self.path
        wanted: Counter[tuple[str, int, str]] = Counter()
        for relative in self.sources():
            text = (base / relative).read_text(encoding="utf-8", errors="replace")
            for row, line in enumerate(text.splitlines(), start=1):
                match = EXPECT.search(line)
                if match:
                    for code in re.findall(r"[A-Z]+[0-9]+", match.group("codes")):
                        wanted[(relative.as_posix(), row, code)] += 1
        return wanted


def all_cases() -> list[Case]:
    cases = []
    for code_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for entry in sorted(code_dir.iterdir()):
            if entry.is_dir() or (entry.suffix in (".py", ".pyi") and not entry.name.endswith(EXPECTATION_SUFFIXES)):
                cases.append(Case(code_dir.name, entry))
    return cases
