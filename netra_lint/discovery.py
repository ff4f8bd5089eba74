"""Which files a run looks at: ``.py``/``.pyi`` below the given paths, minus excludes and
whatever ``.gitignore`` files (nested ones too) ignore. Symlinks never lead out of the tree."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from .settings import ConfigError, Settings

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


class _Ignorer:
    """Answers "is this path excluded?" from the configured excludes and .gitignore files."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.project_root
        self.exclude = pathspec.GitIgnoreSpec.from_lines(settings.exclude)
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            spec = None
            candidate = directory / ".gitignore"
            try:
                spec = pathspec.GitIgnoreSpec.from_lines(candidate.read_text(encoding="utf-8", errors="replace").splitlines())
            except OSError:
                pass
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def excluded(self, path: Path, is_dir: bool) -> bool:
        suffix = "/" if is_dir else ""
        if self.exclude.match_file(_relative(path, self.root) + suffix) or self.exclude.match_file(path.name + suffix):
            return True
        # .gitignore files from the project root (or the file system root) down to the parent.
        parents = [p for p in path.parents if p == self.root or self.root in p.parents]
        for directory in reversed(parents):
            spec = self._gitignore(directory)
            if spec is not None and spec.match_file(_relative(path, directory) + suffix):
                return True
        return False


def discover(paths: Iterable[Path], settings: Settings, force_exclude: bool = False) -> Discovery:
    """Expand the command-line paths into the sorted list of files to check.

    A file named explicitly is checked even if excluded, unless ``force_exclude``.
    A path that does not exist is a ``ConfigError``.
    """
    result = Discovery()
    ignorer = _Ignorer(settings)
    seen: set[Path] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{given}: no such file or directory")
        if path.is_dir():
            _walk(path, path.resolve(), ignorer, result, seen)
        elif not path.exists():
            result.skipped.append((path, "broken symbolic link"))
        elif force_exclude and ignorer.excluded(path, is_dir=False):
            result.skipped.append((path, "excluded"))
        elif path.resolve() not in seen:
            seen.add(path.resolve())
            result.files.append(path)
    result.files.sort()
    return result


def _walk(top: Path, real_top: Path, ignorer: _Ignorer, result: Discovery, seen: set[Path]) -> None:
    stack = [top]
    visited_dirs: set[Path] = set()
    while stack:
        directory = stack.pop()
        real = directory.resolve()
        if real in visited_dirs:
            continue
        visited_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append((directory, f"cannot list directory: {exc.strerror}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.exists():
                    result.skipped.append((path, "broken symbolic link"))
                    continue
                if target != real_top and real_top not in target.parents:
                    result.skipped.append((path, "symbolic link out of the tree"))
                    continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if ignorer.excluded(path, is_dir):
                continue
            if is_dir:
                stack.append(path)
            elif path.suffix in PYTHON_SUFFIXES and entry.is_file():
                real_file = path.resolve()
                if real_file not in seen:
                    seen.add(real_file)
                    result.files.append(path)
