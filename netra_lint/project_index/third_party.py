"""Whether a top-level name that only namespace directories of the project provide (no
``__init__.py``) is a third-party package instead: CPython's path finder prefers a regular
package found on a later ``sys.path`` entry over namespace portions, so ``from alembic
import op`` works beside an ``alembic/`` folder of migration scripts.

A name is third-party when the project declares a distribution of that name (any
requirement file, ``pyproject.toml``, ``setup.cfg``, ``Pipfile`` or lockfile in the
project root, beside the directory or in a directory up from there) or the environment netra-lint runs in has one
installed that provides it. Metadata is read; nothing is imported.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.metadata
import os
import sys
from functools import cached_property
from pathlib import Path

from ..requirements import normalized, requirements_in
from .shared_namespaces import declaration_directories

#: The directories that hold an installed distribution's metadata.
_METADATA_SUFFIXES = (".dist-info", ".egg-info")
#: How many entries of a directory tree are looked at to find a Python file.
_PYTHON_FILE_SEARCH_LIMIT = 5000


class ThirdPartyNames:
    """Answers about the top-level names of one project, by what it declares and what is
    installed."""

    def __init__(self, project_root: str) -> None:
        self.project_root = project_root
        self._declared: dict[str, frozenset[str]] = {}

    @cached_property
    def installed(self) -> frozenset[str]:
        """Top-level names the installed distributions provide (their ``top_level.txt``, or
        the files of their ``RECORD``)."""
        try:
            return frozenset(importlib.metadata.packages_distributions())
        except (OSError, ValueError):  # pragma: no cover - a broken metadata directory
            return frozenset()

    def key(self) -> str:
        """What is installed, for the result cache (what the project declares is part of the
        index's fingerprint): the metadata directories on ``sys.path`` by name (which holds
        the version) and time of change, listed without reading them — reading every
        distribution's metadata would cost a warm run more than the rest of it."""
        found: list[str] = []
        for entry in sys.path:
            try:
                with os.scandir(entry or ".") as entries:
                    found.extend(
                        f"{e.path}@{e.stat().st_mtime_ns}" for e in entries if e.name.endswith(_METADATA_SUFFIXES)
                    )
            except OSError:
                continue
        return hashlib.sha256(repr(sorted(found)).encode()).hexdigest()[:16]

    def declared_in(self, directory: str) -> frozenset[str]:
        """The normalized names of the distributions one directory's files declare."""
        found = self._declared.get(directory)
        if found is None:
            found = frozenset(normalized(r.name) for r in requirements_in(Path(directory)) if r.name)
            self._declared[directory] = found
        return found

    def provides(self, name: str, portions: tuple[str, ...]) -> bool:
        """Whether ``name`` (whose namespace ``portions`` the project holds) is declared or
        installed as a third-party package."""
        if name in self.installed or _installed_package(name, self.project_root):
            return True
        roots = {os.path.dirname(p) for p in portions}
        directories = {self.project_root, *(d for r in roots for d in declaration_directories(r, self.project_root))}
        return any(normalized(name) in self.declared_in(d) for d in directories)


def without_python(portions: tuple[str, ...]) -> bool:
    """Whether no namespace portion holds a Python file at any depth: a folder of data or
    configuration, not code (looked at up to a bound, beyond which it counts as code)."""
    seen = 0
    for portion in portions:
        for _, _, files in os.walk(portion):
            seen += len(files) + 1
            if any(f.endswith((".py", ".pyi")) for f in files) or seen > _PYTHON_FILE_SEARCH_LIMIT:
                return False
    return True


def _installed_package(name: str, project_root: str) -> bool:
    """Whether a regular package ``name`` is installed beside netra-lint (outside the
    project), with or without distribution metadata."""
    import site

    try:
        directories = [*site.getsitepackages(), site.getusersitepackages()]
    except AttributeError:  # pragma: no cover - some embedded interpreters
        directories = []
    directories = [d for d in directories if os.path.isdir(d) and not d.startswith(project_root + os.sep)]
    try:
        spec = importlib.machinery.PathFinder.find_spec(name, directories)
    except (ImportError, OSError, ValueError):
        return False
    return spec is not None
