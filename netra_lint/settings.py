"""What a run is configured with: the ``Settings`` record, the keys it is read from, and
``ConfigError``. Loading it from pyproject.toml and the command line is ``config``'s job,
so that the rule families, the index and the engine can use ``Settings`` without
importing the loader (which needs the registry of every family)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from .cache import relative_key
from .ruff_host import DEFAULT_HOSTED, is_ruff_code

TOOL_KEY = "netra-lint"

DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".netra_lint_cache",
    "__pypackages__",
    "__pycache__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    "*.egg-info",
)

#: Engine-level keys and their expected types (checkers add their own in ``Checker.options``).
ENGINE_KEYS: dict[str, Any] = {
    "select": list,
    "ignore": list,
    "extend-select": list,
    "exclude": list,
    "extend-exclude": list,
    "per-file-ignores": dict,
    "src": list,
    "packs": list,
    "unsafe-fixes": bool,
    "target-version": str,
    "cache-dir": str,
    "baseline": str,
    "max-file-size": int,
    "ruff": dict,
}
RUFF_KEYS = {"select": list, "enabled": bool}

TARGET_VERSIONS = ("py310", "py311", "py312", "py313", "py314")


class ConfigError(Exception):
    """Bad configuration or usage; reported in one line with exit code 2."""


@dataclass(frozen=True)
class PackChoice:
    """A rule pack, whether a run reads it, and why (``netra-lint -v`` says so)."""

    path: Path
    name: str
    bundled: bool
    in_effect: bool
    reason: str

    def describe(self) -> str:
        where = "bundled" if self.bundled else str(self.path)
        return f"pack {self.name} ({where}): {'in effect' if self.in_effect else 'not in effect'}: {self.reason}"


@dataclass
class Settings:
    """Everything a run needs to know besides the files."""

    project_root: Path
    config_path: Path | None = None
    enabled: frozenset[str] = frozenset()
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    per_file_ignores: list[tuple[pathspec.PathSpec, frozenset[str]]] = field(default_factory=list)
    src: list[Path] = field(default_factory=list)
    #: Every pack considered (bundled or named), in effect or not; ``pack_files`` are read.
    pack_choices: list[PackChoice] = field(default_factory=list)
    pack_files: list[Path] = field(default_factory=list)
    packs: dict[str, list[Any]] = field(default_factory=dict)
    unsafe_fixes: bool = False
    target_version: str = "py310"
    options: dict[str, Any] = field(default_factory=dict)
    pyproject: dict[str, Any] = field(default_factory=dict)
    cache_dir: Path | None = None
    use_cache: bool = True
    #: Findings this file lists are accepted (left out of the report); see ``baseline``.
    baseline: Path | None = None
    #: Whether ``.gitignore`` files (and ``.git/info/exclude``) exclude files from a run.
    respect_gitignore: bool = True
    #: Files larger than this many bytes are skipped with a warning (generated code, data).
    max_file_size: int = 2_000_000
    #: Ruff codes netra-lint runs ruff for (``[tool.netra-lint.ruff]``).
    ruff_hosted: tuple[str, ...] = DEFAULT_HOSTED
    ruff_enabled: bool = True
    #: True if the user named a ruff code in a selection (then a missing ruff is an error).
    ruff_explicit: bool = False
    _real_directories: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def ruff_codes(self) -> list[str]:
        """The hosted ruff codes that this run enables."""
        if not self.ruff_enabled:
            return []
        return sorted(code for code in self.enabled if is_ruff_code(code))

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, in POSIX form (as excludes are written).

        Symlinks are resolved as ``Path.resolve`` does, with one ``realpath`` per directory
        rather than per file: this runs for every file of a run.
        """
        name = os.fspath(path)
        if not os.path.isabs(name):
            name = os.path.join(os.getcwd(), name)
        directory, base = os.path.split(name)
        if base in ("", ".", "..") or os.path.islink(name):
            real = os.path.realpath(name)
        else:
            if directory not in self._real_directories:
                self._real_directories[directory] = os.path.realpath(directory)
            real = os.path.join(self._real_directories[directory], base)
        root = str(self.project_root).rstrip(os.sep)
        if real.startswith(root + os.sep):
            inside = real[len(root) + 1 :]  # normalised already, as ``realpath`` gives it
            return inside if os.sep == "/" else Path(inside).as_posix()
        return path.as_posix()

    def ignored_for(self, relative_path: str) -> frozenset[str]:
        """Codes switched off for one file by ``per-file-ignores``."""
        codes: set[str] = set()
        for spec, ignored in self.per_file_ignores:
            if spec.match_file(relative_path):
                codes |= ignored
        return frozenset(codes)

    def fingerprint(self) -> str:
        """A stable digest of what affects results, for the cache key (the same in any
        checkout of the project: paths count relative to its root)."""
        parts = [
            ",".join(sorted(self.enabled)),
            repr(sorted(self.options.items())),
            self.target_version,
            repr([(spec.patterns and [str(p) for p in spec.patterns], sorted(c)) for spec, c in self.per_file_ignores]),
            ",".join(relative_key(str(p), str(self.project_root)) for p in self.src),
        ]
        for pack in self.pack_files:
            parts.append(hashlib.sha256(pack.read_bytes()).hexdigest())
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
