"""Which websockets the project targets: below 14, the top-level ``websockets.connect``,
``serve`` and ``broadcast`` are the legacy implementation; from 14 on they are the new one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

_REQUIREMENT = re.compile(
    r"^\s*websockets\s*(?:\[[^\]]*\])?\s*(?:\((?P<paren>[^)]*)\)|(?P<spec>[^;#]*))", re.IGNORECASE
)
_CLAUSE = re.compile(r"^(?P<op>===|==|<=|<|~=|\^|~)?\s*v?(?P<version>\d+(?:\.(?:\d+|\*))*)")
MODERN_MAJOR = 14


_VERSION = r"v?\d+(?:\.(?:\d+|\*))*(?:[-_.]?(?:a|b|rc|post|dev)\d*)*"
_BARE_VERSION = re.compile(rf"\s*{_VERSION}\s*")
_SPECIFIER_CLAUSE = re.compile(rf"\s*(?:===|==|!=|<=|>=|<|>|~=|\^|~)\s*{_VERSION}\s*")


def version_problem(value: str) -> str | None:
    """Why a ``websockets-version`` value is neither a version nor a specifier, or None:
    a typo would otherwise quietly decide which names count as legacy."""
    if _BARE_VERSION.fullmatch(value) or all(_SPECIFIER_CLAUSE.fullmatch(c) for c in value.split(",")):
        return None
    return f'must be a version such as "13.1" or a specifier such as "<14", got {value!r}'


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def pins_legacy(spec: str) -> bool:
    """True if a version specifier caps websockets below 14 (where the aliases turned new)."""
    for clause in (c.strip() for c in spec.split(",")):
        match = _CLAUSE.match(clause)
        if not match:
            continue
        op, version = match.group("op") or "==", _version(match.group("version"))
        if not version:
            continue
        if op in ("==", "===", "^", "~") and version[0] < MODERN_MAJOR:
            return True
        if op == "<" and version <= (MODERN_MAJOR,) + (0,) * (len(version) - 1):
            return True
        if op == "<=" and version < (MODERN_MAJOR,):
            return True
        if op == "~=" and len(version) >= 2 and version[0] < MODERN_MAJOR:
            return True
    return False


def _requirement_specs(requirements: Iterable[str]) -> Iterator[str]:
    for line in requirements:
        match = _REQUIREMENT.match(line)
        if match:
            yield (match.group("paren") or match.group("spec") or "").strip()


def project_pins_legacy(pyproject: dict[str, Any], root: Path, override: str | None) -> bool:
    """Whether the project targets websockets < 14, from ``websockets-version`` or its dependencies."""
    if override is not None:
        return pins_legacy(override if _CLAUSE.match(override) and override[:1] in "=<~^" else f"=={override}")
    found: list[str] = []
    project = pyproject.get("project", {})
    if isinstance(project, dict):
        found.extend(d for d in project.get("dependencies", []) if isinstance(d, str))
        for group in (project.get("optional-dependencies") or {}).values():
            if isinstance(group, list):
                found.extend(d for d in group if isinstance(d, str))
    specs = list(_requirement_specs(found))
    poetry = pyproject.get("tool", {}).get("poetry", {}).get("dependencies", {})
    if isinstance(poetry, dict) and "websockets" in poetry:
        value = poetry["websockets"]
        value = value.get("version", "") if isinstance(value, dict) else value
        if isinstance(value, str):
            specs.append(value)
    for path in sorted([*root.glob("requirements*.txt"), *root.glob("requirements/*.txt")]):
        try:
            specs.extend(_requirement_specs(path.read_text(encoding="utf-8", errors="replace").splitlines()))
        except OSError:
            continue
    return any(pins_legacy(spec) for spec in specs)
