"""The requirements a directory's files declare: ``pyproject.toml`` (PEP 621, dependency
groups, Poetry, PDM, uv), ``requirements*.txt`` (and ``requirements/*.txt``), ``setup.cfg``,
``Pipfile``, and the packages of lockfiles (``uv.lock``, ``poetry.lock``, ``pdm.lock``,
``Pipfile.lock``).

Files are read, never executed (``setup.py`` is not read); a file that can't be read or
parsed declares nothing. What a requirement says about versions is for its reader to
interpret; here it is kept as written.
"""

from __future__ import annotations

import configparser
import fnmatch
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

LOCKFILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


@dataclass(frozen=True)
class Requirement:
    """One package a file names, in the form the file gives it: a PEP 508 ``line``, a
    Poetry/Pipfile table ``value`` (``"^13.0"``, ``{version = "^13.0"}``), or a ``locked``
    version."""

    path: Path
    name: str  # as written; "" for a line that names no package (an option, a URL)
    line: str | None = None
    value: Any = None
    locked: Any = None


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _read_toml(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    try:
        return tomllib.loads(text) if text is not None else {}
    except tomllib.TOMLDecodeError:
        return {}


def _table(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _lines(path: Path, lines: Iterable[Any]) -> Iterator[Requirement]:
    for line in lines:
        if isinstance(line, str):
            match = _NAME.match(line)
            yield Requirement(path, match.group(1) if match else "", line=line)


def _tables(path: Path, tables: Iterable[Any]) -> Iterator[Requirement]:
    for table in tables:
        if isinstance(table, dict):
            for name, value in table.items():
                yield Requirement(path, name, value=value)


def _pyproject(path: Path) -> Iterator[Requirement]:
    data = _read_toml(path)
    groups: list[Any] = [_table(data, "project", "dependencies")]
    for section in (
        _table(data, "project", "optional-dependencies"),
        _table(data, "dependency-groups"),
        _table(data, "tool", "pdm", "dev-dependencies"),
    ):
        if isinstance(section, dict):
            groups.extend(section.values())
    groups.append(_table(data, "tool", "uv", "dev-dependencies"))
    for group in groups:
        if isinstance(group, list):
            yield from _lines(path, group)
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(g, "dependencies") for g in (_table(poetry, "group") or {}).values()]
    yield from _tables(path, tables)


def _setup_cfg(path: Path) -> Iterator[Requirement]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read_text(path) or "")
    except configparser.Error:
        return
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    for value in values:
        yield from _lines(path, value.splitlines())


def _pipfile(path: Path) -> Iterator[Requirement]:
    data = _read_toml(path)
    yield from _tables(path, (_table(data, section) for section in ("packages", "dev-packages")))


def _lockfile(path: Path) -> Iterator[Requirement]:
    if path.name == "Pipfile.lock":
        try:
            data = json.loads(_read_text(path) or "{}")
        except ValueError:
            return
        for section in ("default", "develop"):
            packages = _table(data, section)
            if isinstance(packages, dict):
                for name, entry in packages.items():
                    yield Requirement(path, name, locked=_table(entry, "version"))
        return
    packages = _table(_read_toml(path), "package")
    if isinstance(packages, list):
        for package in packages:
            if isinstance(package, dict) and isinstance(package.get("name"), str):
                yield Requirement(path, package["name"], locked=package.get("version"))


_PROJECT_FILES = {"pyproject.toml": _pyproject, "setup.cfg": _setup_cfg, "Pipfile": _pipfile}


def _files(directory: Path) -> tuple[set[str], set[str]]:
    """The names of a directory's files and subdirectories (one listing)."""
    files: set[str] = set()
    directories: set[str] = set()
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                try:
                    (directories if entry.is_dir() else files if entry.is_file() else set()).add(entry.name)
                except OSError:
                    continue
    except OSError:
        pass
    return files, directories


def requirement_files(directory: Path) -> list[Path]:
    """The files of one directory that declare requirements: lockfiles first, then the
    project files, then the requirement files by name."""
    files, directories = _files(directory)
    found = [directory / name for name in (*LOCKFILES, *_PROJECT_FILES) if name in files]
    requirement_files = [directory / n for n in files if fnmatch.fnmatch(n, "requirements*.txt")]
    if "requirements" in directories:
        inner = _files(directory / "requirements")[0]
        requirement_files += [directory / "requirements" / n for n in inner if n.endswith(".txt")]
    return found + sorted(requirement_files)


def requirements_in(directory: Path) -> Iterator[Requirement]:
    """Every requirement of one directory's files (``requirement_files``)."""
    for path in requirement_files(directory):
        if path.name in LOCKFILES:
            yield from _lockfile(path)
        elif path.name in _PROJECT_FILES:
            yield from _PROJECT_FILES[path.name](path)
        else:
            yield from _lines(path, (_read_text(path) or "").splitlines())
