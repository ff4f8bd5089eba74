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


def _git_root(start: Path) -> Path | None:
    """The work tree of the git repository that contains ``start``, if any."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


class _Ignorer:
    """Answers "is this path excluded?" from the configured excludes and .gitignore files.

    Exclude patterns are matched relative to ``base`` (the project root, or a directory
    named on the command line that lies outside it or is itself excluded). ``.gitignore``
    files apply from the top of the enclosing git work tree (or ``base`` outside git) down,
    as git applies them, plus ``.git/info/exclude``.
    """

    def __init__(self, settings: Settings, base: Path | None = None, gitignores_above: bool = True) -> None:
        self.root = base or settings.project_root
        self.exclude = pathspec.GitIgnoreSpec.from_lines(settings.exclude)
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._chains: dict[Path, tuple[tuple[Path, pathspec.GitIgnoreSpec], ...]] = {}
        git_root = _git_root(self.root) if gitignores_above else None
        self.top = git_root or self.root
        if git_root is not None:
            info = self._read_spec(git_root / ".git" / "info" / "exclude")
            self._info_exclude = (git_root, info) if info is not None else None
        else:
            self._info_exclude = None

    @staticmethod
    def _read_spec(candidate: Path) -> pathspec.GitIgnoreSpec | None:
        try:
            return pathspec.GitIgnoreSpec.from_lines(candidate.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            return None

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            self._gitignores[directory] = self._read_spec(directory / ".gitignore")
        return self._gitignores[directory]

    def _chain(self, directory: Path) -> tuple[tuple[Path, pathspec.GitIgnoreSpec], ...]:
        """The .gitignore files that apply inside ``directory``, from the top down (cached
        per directory: a file only adds its own name to match)."""
        cached = self._chains.get(directory)
        if cached is None:
            if directory == self.top:
                above: tuple[tuple[Path, pathspec.GitIgnoreSpec], ...] = ()
            elif self.top in directory.parents:
                above = self._chain(directory.parent)
            else:
                self._chains[directory] = ()
                return ()
            spec = self._gitignore(directory)
            cached = above + ((directory, spec),) if spec is not None else above
            self._chains[directory] = cached
        return cached

    def excluded(self, path: Path, is_dir: bool) -> bool:
        suffix = "/" if is_dir else ""
        if self.exclude.match_file(path.name + suffix):
            return True
        if (self.root == path or self.root in path.parents) and self.exclude.match_file(_relative(path, self.root) + suffix):
            return True
        if self._info_exclude is not None:
            git_root, spec = self._info_exclude
            if git_root in path.parents and spec.match_file(_relative(path, git_root) + suffix):
                return True
        # .gitignore files from the top of the work tree (or the base) down to the parent.
        return any(spec.match_file(_relative(path, directory) + suffix) for directory, spec in self._chain(path.parent))


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
            walker = ignorer
            inside = path == ignorer.root or ignorer.root in path.parents
            if path != ignorer.root and inside and ignorer.excluded(path, is_dir=True):
                if force_exclude:
                    result.skipped.append((path, "excluded"))
                    continue
                # named explicitly: check it, applying only the excludes found below it
                walker = _Ignorer(settings, base=path, gitignores_above=False)
            elif not inside:
                walker = _Ignorer(settings, base=path)
            _walk(path, _real(path) or path, walker, result, seen)
        elif not path.exists() or _real(path) is None:
            result.skipped.append((path, "broken symbolic link or link loop"))
        elif not path.is_file():
            result.skipped.append((path, "not a regular file"))
        elif force_exclude and ignorer.excluded(path, is_dir=False):
            result.skipped.append((path, "excluded"))
        elif _real(path) not in seen:
            seen.add(_real(path))  # type: ignore[arg-type]
            result.files.append(path)
    result.files.sort()
    return result


def _real(path: Path) -> Path | None:
    """The path with every symbolic link resolved, or None inside a link loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" before Python 3.13
        return None


def _walk(top: Path, real_top: Path, ignorer: _Ignorer, result: Discovery, seen: set[Path]) -> None:
    stack = [top]
    visited_dirs: set[Path] = set()
    while stack:
        directory = stack.pop()
        real = _real(directory)
        if real is None or real in visited_dirs:
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
                target = _real(path)
                if target is None:
                    result.skipped.append((path, "symbolic link loop"))
                    continue
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
                if (path / "pyvenv.cfg").is_file():
                    result.skipped.append((path, "virtual environment"))
                    continue
                stack.append(path)
            elif path.suffix in PYTHON_SUFFIXES and entry.is_file():
                real_file = _real(path)
                if real_file is not None and real_file not in seen:
                    seen.add(real_file)
                    result.files.append(path)
