"""What the files of one directory say about the websockets a project runs: its
requirements and locked versions (the ``==`` pins of requirement files as pip-compile
writes them count as locked), as ``netra_lint.requirements`` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...requirements import Requirement, requirements_in
from .version import ANY, VersionRange, parse_specifier, parse_version

_REQUIREMENT = re.compile(
    r"^\s*websockets\s*(?:\[[^\]]*\])?\s*(?:\((?P<paren>[^)]*)\)|(?P<spec>[^;#]*))", re.IGNORECASE
)
_PIN = re.compile(r"^\s*===?\s*v?\d+(?:\.\d+)*\s*\\?\s*$")  # pip-compile may end the line with `\`


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


def _from_line(path: Path, line: str) -> Iterator[Declaration]:
    found = requirement_range(line)
    if found is not None:
        spec, admitted = found
        yield Declaration(path, line.split("#")[0].strip(), admitted, bool(_PIN.match(spec)))


def _poetry_value(path: Path, value: object) -> Iterator[Declaration]:
    """``websockets = "^13.0"`` or ``websockets = { version = "^13.0" }`` (or a list of those)."""
    for item in value if isinstance(value, list) else [value]:
        spec = item.get("version", "*") if isinstance(item, dict) else item
        admitted = parse_specifier(spec) if isinstance(spec, str) else None
        if admitted is not None:
            yield Declaration(path, f"websockets = {spec!r}", admitted, False)


def _locked(path: Path, text: object) -> Iterator[Declaration]:
    version = parse_version(text.lstrip("=")) if isinstance(text, str) else None
    if isinstance(text, str) and version is not None:
        yield Declaration(path, f"websockets {text.lstrip('=')} (locked)", VersionRange.exactly(version), True)


def _declarations(requirement: Requirement) -> Iterator[Declaration]:
    if requirement.line is not None:  # every line: the pattern knows websockets' spellings
        yield from _from_line(requirement.path, requirement.line)
    elif requirement.name == "websockets":
        if requirement.locked is not None:
            yield from _locked(requirement.path, requirement.locked)
        else:
            yield from _poetry_value(requirement.path, requirement.value)


def declarations_in(directory: Path) -> list[Declaration]:
    """Every statement of the websockets version in one directory's files."""
    return [found for requirement in requirements_in(directory) for found in _declarations(requirement)]


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
