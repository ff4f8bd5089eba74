"""Which files a run looks at: ``.py``/``.pyi`` below the given paths, minus excludes and
whatever ``.gitignore`` files (nested ones too) ignore. Symlinks never lead out of the tree."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from .settings import ConfigError, Settings

PYTHON_SUFFIXES = (".py", ".pyi")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    #: The skipped paths that could not be read (permissions, broken links, link loops): a
    #: run warns about each, goes on, and exits by its findings, as ruff does.
    unreadable: list[tuple[Path, str]] = field(default_factory=list)

    def skip_unreadable(self, path: Path, reason: str) -> None:
        self.skipped.append((path, reason))
        self.unreadable.append((path, reason))


def path_problem(path: Path | str) -> str | None:
    """Why a path named on the command line can't be looked at, or None if it can.

    ``os.stat`` answers where ``pathlib`` would raise (a link loop before Python 3.13, a
    directory on the way that can't be entered)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    except OSError as exc:
        return "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot access: {exc.strerror}"
    except ValueError as exc:  # an embedded NUL byte
        return f"not a path: {exc}"
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


def _matcher(spec: pathspec.GitIgnoreSpec) -> Callable[[str], bool] | None:
    """A test for one spec; None if it has no pattern. The patterns are one regular
    expression (pathspec would try them one by one). With negations, the last pattern that
    matches decides: pathspec is asked only about a path some pattern matches (few are)."""
    active = [p for p in spec.patterns if p.include is not None]
    if not active:
        return None
    regexes = [getattr(p, "regex", None) for p in active]
    if any(r is None for r in regexes):
        return spec.match_file
    patterns = [r.pattern for r in regexes if r is not None]
    combined = re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', pattern)})" for pattern in patterns))
    # pathspec searches; gitignore's patterns are anchored, where matching is the same and cheaper
    find = combined.match if all(pattern.startswith("^") for pattern in patterns) else combined.search
    if all(p.include for p in active):
        return lambda path: find(path) is not None
    return lambda path: find(path) is not None and spec.match_file(path)


def _prefix(directory: Path, base: Path) -> str:
    """``directory`` relative to ``base`` as a prefix for names in it (``""`` at ``base``)."""
    return "" if directory == base else _relative(directory, base) + "/"


def git_work_tree(start: Path) -> Path | None:
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
    as git applies them, plus ``.git/info/exclude``; with ``gitignore`` false, none of them.
    """

    def __init__(
        self,
        settings: Settings,
        base: Path | None = None,
        gitignores_above: bool = True,
        exclude: Iterable[str] | None = None,
        gitignore: bool = True,
    ) -> None:
        self.root = base or settings.project_root
        self.gitignore = gitignore
        self.exclude = pathspec.GitIgnoreSpec.from_lines(settings.exclude if exclude is None else exclude)
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._chains: dict[Path, tuple[tuple[Path, pathspec.GitIgnoreSpec], ...]] = {}
        self._rules: dict[Path, tuple[tuple[str, Callable[[str], bool]], ...]] = {}
        self._matchers: dict[int, Callable[[str], bool] | None] = {}
        git_root = git_work_tree(self.root) if gitignores_above and gitignore else None
        self.top = git_root or self.root
        if git_root is not None:
            info = self._read_spec(git_root / ".git" / "info" / "exclude")
            self._info_exclude = (git_root, info) if info is not None else None
        else:
            self._info_exclude = None

    @staticmethod
    def _read_spec(candidate: Path) -> pathspec.GitIgnoreSpec | None:
        try:
            return pathspec.GitIgnoreSpec.from_lines(
                candidate.read_text(encoding="utf-8", errors="replace").splitlines()
            )
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
            if not self.gitignore:
                return ()
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
        return self.excluded_in(path.parent, path.name, is_dir)

    def _rules_in(self, directory: Path) -> tuple[tuple[str, Callable[[str], bool]], ...]:
        """(prefix of a name in ``directory`` relative to where the spec applies, matcher)
        for every spec that applies in ``directory``; cached."""
        rules = self._rules.get(directory)
        if rules is None:
            found: list[tuple[str, pathspec.GitIgnoreSpec]] = []
            if self.root == directory or self.root in directory.parents:
                found.append((_prefix(directory, self.root), self.exclude))
            else:
                found.append(("", self.exclude))  # outside the base, excludes match names only
            if self._info_exclude is not None and (
                self._info_exclude[0] == directory or self._info_exclude[0] in directory.parents
            ):
                found.append((_prefix(directory, self._info_exclude[0]), self._info_exclude[1]))
            # .gitignore files from the top of the work tree (or the base) down to the directory.
            found.extend((_prefix(directory, where), spec) for where, spec in self._chain(directory))
            rules = self._rules[directory] = tuple(
                (prefix, m) for prefix, spec in found if (m := self._matcher(spec)) is not None
            )
        return rules

    def _matcher(self, spec: pathspec.GitIgnoreSpec) -> Callable[[str], bool] | None:
        """``_matcher(spec)``, built once per spec (each applies in many directories)."""
        key = id(spec)  # the specs live as long as the ignorer
        if key not in self._matchers:
            self._matchers[key] = _matcher(spec)
        return self._matchers[key]

    def excluded_in(self, directory: Path, name: str, is_dir: bool) -> bool:
        """Whether ``directory/name`` is excluded (cheap: the specs of a directory are
        worked out once, a name only adds itself to the prefixes)."""
        suffix = "/" if is_dir else ""
        return any(matches(prefix + name + suffix) for prefix, matches in self._rules_in(directory))


def gitignored(settings: Settings) -> Callable[[Path, str, bool], bool]:
    """``(directory, name, is_dir) → bool``: whether git ignores ``directory/name``, as the
    project's ``.gitignore`` files say (configured excludes aside): a build writes such files."""
    return _Ignorer(settings, exclude=()).excluded_in


def is_excluded(path: Path, settings: Settings) -> bool:
    """Whether the excludes (and ``.gitignore`` files, unless switched off) exclude a file
    named on the command line, as ``--force-exclude`` applies them; the file need not exist."""
    ignorer = _Ignorer(settings, gitignore=settings.respect_gitignore)
    return ignorer.excluded(Path(os.path.abspath(path)), is_dir=False)


def discover(
    paths: Iterable[Path], settings: Settings, force_exclude: bool = False, into_packages: bool = True
) -> Discovery:
    """Expand the command-line paths into the sorted list of files to check.

    A file named explicitly is checked even if excluded, unless ``force_exclude``.
    Without ``into_packages``, a package directory is not entered: its ``__init__.py``
    stands for it (enough to find where first-party roots are: none is inside a package).
    A named path that can't be looked at (missing, a link loop, behind a directory that
    can't be entered) is a ``ConfigError``; below a named directory, what can't be read
    is skipped and listed in ``unreadable``.
    """
    result = Discovery()
    gitignore = settings.respect_gitignore
    ignorer = _Ignorer(settings, gitignore=gitignore)
    seen: set[str] = set()  # real paths of the files found
    for given in paths:
        path = Path(os.path.abspath(given))
        problem = path_problem(path)
        if problem is not None:
            raise ConfigError(f"{given}: {problem}")
        if path.is_dir():
            walker = ignorer
            inside = path == ignorer.root or ignorer.root in path.parents
            if path != ignorer.root and inside and ignorer.excluded(path, is_dir=True):
                if force_exclude:
                    result.skipped.append((path, "excluded"))
                    continue
                # named explicitly: check it, applying only the excludes found below it
                walker = _Ignorer(settings, base=path, gitignores_above=False, gitignore=gitignore)
            elif not inside:
                walker = _Ignorer(settings, base=path, gitignore=gitignore)
            _walk(path, Path(os.path.realpath(path)), walker, result, seen, into_packages)
        elif not path.is_file():
            result.skipped.append((path, "not a regular file"))
        elif force_exclude and ignorer.excluded(path, is_dir=False):
            result.skipped.append((path, "excluded"))
        elif os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            result.files.append(path)
    result.files.sort(key=lambda path: path.parts)  # Path order, without Path comparisons
    return result


def _walk(
    top: Path, real_top: Path, ignorer: _Ignorer, result: Discovery, seen: set[str], into_packages: bool = True
) -> None:
    stack: list[tuple[Path, str]] = [(top, str(real_top))]  # (directory, its real path)
    visited_dirs: set[str] = set()
    while stack:
        directory, real = stack.pop()
        if real in visited_dirs:
            continue
        visited_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            result.skip_unreadable(directory, f"cannot list directory: {exc.strerror}")
            continue
        real_prefix = real.rstrip(os.sep) + os.sep  # the directory is resolved: only a link needs more
        for entry in entries:
            name = entry.name
            real_entry = real_prefix + name
            if entry.is_symlink():
                path = Path(entry.path)
                problem = path_problem(path)
                if problem is not None:
                    # As ruff: only a file that would have been checked is worth a warning.
                    checked = os.path.splitext(name)[1] in PYTHON_SUFFIXES
                    if checked and not ignorer.excluded_in(directory, name, is_dir=False):
                        result.skip_unreadable(path, problem)
                    else:
                        result.skipped.append((path, problem))
                    continue
                target = Path(os.path.realpath(path))
                if target != real_top and real_top not in target.parents:
                    result.skipped.append((path, "symbolic link out of the tree"))
                    continue
                real_entry = str(target)
            try:
                is_dir = entry.is_dir()
            except OSError as exc:
                result.skip_unreadable(Path(entry.path), f"cannot access: {exc.strerror}")
                continue
            if not is_dir and os.path.splitext(name)[1] not in PYTHON_SUFFIXES:
                continue
            if ignorer.excluded_in(directory, name, is_dir):
                continue
            if is_dir:
                if os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
                    result.skipped.append((Path(entry.path), "virtual environment"))
                    continue
                if not into_packages and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                    result.files.append(directory / name / "__init__.py")
                    continue
                stack.append((directory / name, real_entry))
            elif entry.is_file() and real_entry not in seen:
                seen.add(real_entry)
                result.files.append(directory / name)
