"""Which websockets each directory of a project runs with.

A monorepo's services pin their own: a file is checked against the nearest directory, from
its own up to the project root, whose files declare websockets (see ``declarations``).
There a lock (a lockfile, an ``==`` pin) wins over ranges; a range is narrowed by a lock
further up that falls inside it (a workspace's lockfile at the root). ``websockets-version``
in the configuration replaces all of this for the whole project, and
``[tool.netra-lint.per-directory."<dir>"]`` for one directory and everything below it.
Where nothing is declared, or a requirement gives no version, the newest release is assumed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ...requirements import LOCKFILES
from .declarations import Declaration, admitted, declarations_in
from .version import ANY, LOWEST, Version, VersionRange, parse_specifier, show, version_problem

#: The key of a ``[tool.netra-lint.per-directory."<dir>"]`` table that this family reads.
PER_DIRECTORY_KEY = "websockets-version"
NEW_TOP_LEVEL: Version = (14, 0, 0, 0)  # top-level connect/serve/broadcast are the new implementation


@dataclass(frozen=True)
class AssumedVersion:
    """The websockets releases the code of a directory may run with, and what says so."""

    range: VersionRange
    #: What says so, for messages: "websockets==13.1 in services/api/requirements.txt".
    source: str
    #: Nothing gives a version: the newest release is assumed.
    newest: bool = False
    #: The directory it holds for, with everything below that has no answer of its own.
    scope: str = "."

    def guarantees(self, version: Version) -> bool:
        """Every release it may run with has what came in ``version``."""
        return self.newest or version == LOWEST or self.range.at_least(version)

    @property
    def top_level(self) -> str:
        """What the top-level ``websockets.connect``/``serve``/``broadcast`` are here:
        "new" (14.0 and later), "legacy" (before), or "mixed" (the range admits both)."""
        if self.guarantees(NEW_TOP_LEVEL):
            return "new"
        return "legacy" if self.range.below(NEW_TOP_LEVEL) else "mixed"

    def lacks(self, version: Version, what: str) -> str:
        """Why a fix that writes ``what``, new in ``version``, is not made here."""
        return (
            f"{what} needs websockets ≥ {show(version)} and {self.source} allows earlier releases: "
            f"raise websockets to ≥ {show(version)} first"
        )

    def describe(self) -> str:
        if self.newest:
            return f"the newest release ({self.source})"
        return self.source

    @cached_property
    def key(self) -> str:
        """Everything about it that a finding may depend on (for the result cache)."""
        return f"{self.newest}:{self.range.intervals}:{self.source}"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


def _scope(directory: Path, root: Path) -> str:
    return "." if directory == root else _relative(directory, root) + "/"


def _option(value: str, where: str, scope: str = ".") -> AssumedVersion:
    found = parse_specifier(value.strip()) or ANY
    return AssumedVersion(found, f"websockets-version = {value!r} in {where}", found.unbounded, scope)


def per_directory_problem(value: Any) -> str | None:
    """Why a ``per-directory`` table is wrong, or None: each entry is a directory of the project
    with a table of the keys that may differ there (``websockets-version``)."""
    for directory, table in value.items():
        if os.path.isabs(directory) or ".." in Path(directory).parts:
            return f"entry {directory!r} must be a directory relative to the configuration file"
        if not isinstance(table, dict):
            return f"entry {directory!r} must be a table, got {table!r}"
        for key, item in table.items():
            if key != PER_DIRECTORY_KEY:
                return f"entry {directory!r}: unknown key {key!r} (known keys: {PER_DIRECTORY_KEY})"
            if not isinstance(item, str):
                return f"entry {directory!r} key {key!r} must be a string, got {item!r}"
            why = version_problem(item)
            if why is not None:
                return f"entry {directory!r} key {key!r} {why}"
    return None


class ProjectPins:
    """The websockets each directory of one project runs with; every directory is looked at once."""

    def __init__(self, root: Path, config: Path | None, option: str | None, per_directory: dict[str, Any]) -> None:
        self.root = Path(os.path.realpath(root))
        where = _relative(config, self.root) if config is not None else "the configuration"
        self.option = _option(option, where) if option is not None else None
        self.overrides = {}
        for directory, table in per_directory.items():
            if PER_DIRECTORY_KEY in table:
                real = Path(os.path.realpath(self.root / directory))
                self.overrides[real] = _option(table[PER_DIRECTORY_KEY], where, _scope(real, self.root))
        self._declarations: dict[Path, list[Declaration]] = {}
        self._assumed: dict[Path, AssumedVersion] = {}
        self._by_name: dict[str, tuple[Path, AssumedVersion]] = {}  # a directory as files name it

    def for_file(self, path: Path) -> AssumedVersion:
        return self._directory_of(path)[1]

    def _directory_of(self, path: Path) -> tuple[Path, AssumedVersion]:
        """The real directory of a file and its version; each directory is resolved once."""
        name = os.path.dirname(os.fspath(path))
        if name not in self._by_name:
            directory = Path(os.path.realpath(name))
            self._by_name[name] = (directory, self.for_directory(directory))
        return self._by_name[name]

    def for_directory(self, directory: Path) -> AssumedVersion:
        if directory not in self._assumed:
            self._assumed[directory] = self._assume(directory)
        return self._assumed[directory]

    def _chain(self, directory: Path) -> list[Path]:
        """The directory and its parents up to the project root (only the root when it is outside)."""
        if directory != self.root and self.root not in directory.parents:
            return [self.root]
        return [directory, *[p for p in directory.parents if p == self.root or self.root in p.parents]]

    def _declared(self, directory: Path) -> list[Declaration]:
        if directory not in self._declarations:
            self._declarations[directory] = declarations_in(directory)
        return self._declarations[directory]

    def _assume(self, directory: Path) -> AssumedVersion:
        chain = self._chain(directory)
        for candidate in chain:
            if candidate in self.overrides:
                return self.overrides[candidate]
        if self.option is not None:
            return self.option
        for index, candidate in enumerate(chain):
            declarations = self._declared(candidate)
            if declarations:
                return self._from_declarations(declarations, chain[index + 1 :], _scope(candidate, self.root))
        return AssumedVersion(ANY, "nothing declares websockets", newest=True)

    def _from_declarations(self, declarations: list[Declaration], above: list[Path], scope: str) -> AssumedVersion:
        found = admitted(declarations)
        used = [d for d in declarations if d.locked] or declarations
        if not any(d.locked for d in declarations):
            for directory in above:  # a workspace locks its members at its root
                locks = [d for d in self._declared(directory) if d.locked and d.path.name in LOCKFILES]
                inside = [d for d in locks if not d.range.intersect(found).empty]
                if inside:
                    found = admitted(inside).intersect(found)
                    used = [*used, *inside]
                    break
        source = "; ".join(f"{d.text} in {_relative(d.path, self.root)}" for d in _distinct(used))
        return AssumedVersion(found, source, found.unbounded or found.empty, scope)

    def describe(self, files: Iterable[Path]) -> list[str]:
        """For ``-v``: which websockets was assumed where, and why; one line for each
        directory whose answer holds for some of ``files``."""
        answers = {self._directory_of(f)[1] for f in files}
        return [f"websockets in {a.scope}: {a.describe()}" for a in sorted(answers, key=lambda a: a.scope)]


def _distinct(declarations: list[Declaration]) -> list[Declaration]:
    seen: dict[tuple[Path, str], Declaration] = {}
    for declaration in declarations:
        seen.setdefault((declaration.path, declaration.text), declaration)
    return list(seen.values())
