"""What the files of one directory say about the websockets a project runs: requirements
(``pyproject.toml``, ``requirements*.txt``, ``setup.cfg``, ``Pipfile``) and locked
versions (``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``, and the ``==`` pins
of requirement files as pip-compile writes them).

Files are read, never executed (``setup.py`` is not read); a file that can't be read or
parsed says nothing.
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

from .version import ANY, VersionRange, parse_specifier, parse_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_REQUIREMENT = re.compile(
    r"^\s*websockets\s*(?:\[[^\]]*\])?\s*(?:\((?P<paren>[^)]*)\)|(?P<spec>[^;#]*))", re.IGNORECASE
)
_PIN = re.compile(r"^\s*===?\s*v?\d+(?:\.\d+)*\s*\\?\s*$")  # pip-compile may end the line with `\`
LOCKFILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")


@dataclass(frozen=True)
class Declaration:
    """One statement of the websockets version: a requirement, or a locked version."""

    path: Path
    text: str  # as written: "websockets>=13,<16", "13.1 (locked)"
    range: VersionRange
    locked: bool  # an exact version from a lockfile or an `==` pin


def requirement_range(line: str) -> tuple[str, VersionRange] | None:
    """``websockets[extra] >=13 ; python_version > '3'`` → its specifier and range; None for
    a line about another package (``websockets-proxy``) or one that can't be read."""
    match = _REQUIREMENT.match(line)
    if match is None:
        return None
    spec = (match.group("paren") or match.group("spec") or "").strip()
    if spec[:1].isalnum() or spec[:1] in "-_.":
        return None  # the name goes on: another package
    found = parse_specifier(spec)
    return (spec, found) if found is not None else None


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


def _from_lines(path: Path, lines: Iterable[Any]) -> Iterator[Declaration]:
    for line in lines:
        found = requirement_range(line) if isinstance(line, str) else None
        if found is not None:
            spec, admitted = found
            yield Declaration(path, line.split("#")[0].strip(), admitted, bool(_PIN.match(spec)))


def _poetry_value(path: Path, value: Any) -> Iterator[Declaration]:
    """``websockets = "^13.0"`` or ``websockets = { version = "^13.0" }`` (or a list of those)."""
    for item in value if isinstance(value, list) else [value]:
        spec = item.get("version", "*") if isinstance(item, dict) else item
        admitted = parse_specifier(spec) if isinstance(spec, str) else None
        if admitted is not None:
            yield Declaration(path, f"websockets = {spec!r}", admitted, False)


def _pyproject(path: Path) -> Iterator[Declaration]:
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
            yield from _from_lines(path, group)
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(g, "dependencies") for g in (_table(poetry, "group") or {}).values()]
    for table in tables:
        if isinstance(table, dict) and "websockets" in table:
            yield from _poetry_value(path, table["websockets"])


def _setup_cfg(path: Path) -> Iterator[Declaration]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read_text(path) or "")
    except configparser.Error:
        return
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    for value in values:
        yield from _from_lines(path, value.splitlines())


def _pipfile(path: Path) -> Iterator[Declaration]:
    data = _read_toml(path)
    for section in ("packages", "dev-packages"):
        table = _table(data, section)
        if isinstance(table, dict) and "websockets" in table:
            yield from _poetry_value(path, table["websockets"])


def _locked(path: Path, versions: Iterable[Any]) -> Iterator[Declaration]:
    for text in versions:
        version = parse_version(text.lstrip("=")) if isinstance(text, str) else None
        if version is not None:
            yield Declaration(path, f"websockets {text.lstrip('=')} (locked)", VersionRange.exactly(version), True)


def _lockfile(path: Path) -> Iterator[Declaration]:
    if path.name == "Pipfile.lock":
        try:
            data = json.loads(_read_text(path) or "{}")
        except ValueError:
            return
        sections = [_table(data, s, "websockets") for s in ("default", "develop")] if isinstance(data, dict) else []
        yield from _locked(path, (_table(s, "version") for s in sections if isinstance(s, dict)))
        return
    packages = _table(_read_toml(path), "package")
    if isinstance(packages, list):
        yield from _locked(
            path, (p.get("version") for p in packages if isinstance(p, dict) and p.get("name") == "websockets")
        )


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


def declarations_in(directory: Path) -> list[Declaration]:
    """Every statement of the websockets version in one directory's files."""
    files, directories = _files(directory)
    found: list[Declaration] = []
    for name in LOCKFILES:
        if name in files:
            found.extend(_lockfile(directory / name))
    for name, read in (("pyproject.toml", _pyproject), ("setup.cfg", _setup_cfg), ("Pipfile", _pipfile)):
        if name in files:
            found.extend(read(directory / name))
    requirements = [directory / n for n in files if fnmatch.fnmatch(n, "requirements*.txt")]
    if "requirements" in directories:
        inner = _files(directory / "requirements")[0]
        requirements += [directory / "requirements" / n for n in inner if n.endswith(".txt")]
    for path in sorted(requirements):
        found.extend(_from_lines(path, (_read_text(path) or "").splitlines()))
    return found


def admitted(declarations: list[Declaration]) -> VersionRange:
    """What one directory's declarations admit together: its locked versions if it has any
    (a lock says what runs), else what all its requirements admit (or, when they
    contradict each other, as for production and development files, what any of them does)."""
    locked = [d.range for d in declarations if d.locked]
    if locked:
        return _union(locked)
    together = ANY
    for declaration in declarations:
        together = together.intersect(declaration.range)
    return together if not together.empty else _union([d.range for d in declarations])


def _union(ranges: list[VersionRange]) -> VersionRange:
    result = ranges[0]
    for other in ranges[1:]:
        result = result.union(other)
    return result
