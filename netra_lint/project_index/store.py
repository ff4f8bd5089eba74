"""The summaries of every first-party file: built in parallel (forked workers) when there are
many files, cached on disk keyed by file content and tool version, with a fingerprint that
changes whenever what other files can see of one does.

A file whose ``(mtime_ns, size)`` did not change is not even read on a warm run, and a file
whose text did not change is not parsed again. Summaries stay marshalled until a question
needs them: a warm run loads the cache without building millions of small objects.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import marshal
import multiprocessing
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .. import __version__
from ..cache import file_stat, load_shards, relative_key, save_shards
from ..discovery import discover
from ..requirements import requirement_files
from ..settings import Settings
from ..source import DecodeError, SourceFile
from . import layout
from .layout import ModulePart, Part
from .records import FileSummary
from .shared_namespaces import DECLARATION_FILES, declaration_directories
from .summarizer import summarize, summarize_text

CACHE_NAME = "project-index"
_CACHE_MAGIC = f"netra-lint-index {__version__} py{sys.version_info[0]}.{sys.version_info[1]} v14"
_STATE_NAME = "state"
_PARALLEL_THRESHOLD = 64
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class StoredFacts(NamedTuple):
    """The checkers' facts about a file (see ``IndexStore.build``), marshalled together."""

    names: tuple[str, ...]  # the checkers that computed theirs
    packed: bytes


class StoredFile(NamedTuple):
    """What the index keeps of one file (stored as a plain tuple: see ``_plain``)."""

    stat: tuple[int, int] | None  # ``(mtime_ns, size)`` when it was read; None: a text not on disk
    digest: bytes  # of its text
    module: str | None
    is_package: bool
    summary: bytes | None  # packed (``layout.pack``); None: the file doesn't parse
    surface: bytes | None  # ``layout.surface_digest``
    facts: StoredFacts | None


class _Job(NamedTuple):
    path: str
    module: str | None
    is_package: bool
    known_digest: bytes | None  # of the text the cache holds a reusable summary of


class _Extracted(NamedTuple):
    """A worker's answer; ``stat`` None: the file can't be read; ``summary`` ``b""``: the text
    still has the cached digest (a touched file is not parsed again), None: it doesn't parse."""

    path: str
    stat: tuple[int, int] | None = None
    digest: bytes | None = None
    summary: bytes | None = None
    surface: bytes | None = None
    facts: StoredFacts | None = None


def _extract(job: _Job) -> _Extracted:
    """Worker: read and summarize one file, with its surface digest and the checkers' facts.

    The surface digest covers what other files can see (see ``layout.surface_digest``): results of
    other files that depend on the index stay cached when a function body changes."""
    path, module, is_package, known_digest = job
    try:
        stat = os.stat(path)
        source = SourceFile.read(Path(path))
    except (OSError, DecodeError):
        return _Extracted(path)
    digest = text_digest(source.text)
    read_stat = (stat.st_mtime_ns, stat.st_size)
    if digest == known_digest:
        return _Extracted(path, read_stat, digest, b"")
    return _Extracted(path, read_stat, digest, *_summary_parts(source, module, is_package))


def _summary_parts(
    source: SourceFile, module: str | None, is_package: bool
) -> tuple[bytes | None, bytes | None, StoredFacts | None]:
    """(packed summary or None if the text doesn't parse, surface digest, stored facts)."""
    try:
        tree = ast.parse(source.text, filename=str(source.path))
        summary = summarize(tree, module, is_package, source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, None, None
    packed = layout.pack(summary)
    return packed, layout.surface_digest(packed), _file_facts(tree, source)


#: The ``file_facts`` functions of the run's checkers, by name (set for the workers by ``build``).
_FACTS: Mapping[str, Callable[[ast.Module, SourceFile], Any]] = {}


def _file_facts(tree: ast.Module, source: SourceFile) -> StoredFacts | None:
    """The checkers' facts about a file, marshalled together; a function that fails leaves
    its facts out (the check computes them again and reports the error)."""
    if not _FACTS:
        return None
    found = {}
    for name, compute in _FACTS.items():
        try:
            found[name] = compute(tree, source)
        except Exception:
            continue
    try:
        return StoredFacts(tuple(sorted(found)), zlib.compress(marshal.dumps(found), 1))  # a quarter of the size
    except ValueError:  # not plain data
        return None


_Store = TypeVar("_Store", bound="IndexStore")


class IndexStore:
    """The summaries of the first-party files, by path and by module name. Build it with ``build``."""

    def __init__(self, roots: list[Path], project_root: Path) -> None:
        self.roots = [str(r) for r in roots]
        self.project_root = str(project_root)
        self._entries: dict[str, StoredFile] = {}
        self._decoded: dict[tuple[int, str], Any] = {}  # (id of a packed summary, part) → the part, read
        self._by_module: dict[str, str] = {}  # module name → path
        self._last_digest: tuple[str, bytes] | None = None
        self._last_summary: tuple[str, Path, FileSummary] | None = None  # (text, path, its summary)
        self._last_facts: tuple[StoredFacts, dict[str, Any]] | None = None  # (stored, decoded)
        #: Changes whenever a first-party file, its module name or the roots change.
        self.fingerprint = ""

    # -- building --

    @classmethod
    def build(
        cls: type[_Store],
        settings: Settings,
        jobs: int | None = None,
        files: list[Path] | None = None,
        facts: Mapping[str, Callable[[ast.Module, SourceFile], Any]] | None = None,
        stat: Callable[[str], tuple[int, int] | None] = file_stat,
        progress: Callable[[int, int], None] | None = None,
    ) -> _Store:
        """Discover the first-party files (unless the caller already has that exact list
        in ``files``), reuse the cache, summarize what changed; with ``facts`` (name →
        a checker's ``file_facts``), compute those in the same parse. ``stat`` answers
        whether a file changed (a caller that has just looked passes its answers);
        ``progress(done, total)`` hears of each file read."""
        global _FACTS
        root = settings.project_root
        if files is None:
            files = cls.files(settings)
        roots = cls._roots(settings, files)
        index = cls(roots, root)
        cache_file = cls._cache_location(settings)
        cached = _load(cache_file, index.project_root) if settings.use_cache else {}
        wanted = set(facts or ())
        todo: list[_Job] = []
        for path in files:
            if path.suffix != ".py":
                continue
            key = str(path)
            module, is_package = index.module_for_path(key)
            old = cached.get(key)
            reusable = (
                old is not None and old.module == module and old.is_package == is_package and _has_facts(old, wanted)
            )
            if old is not None and reusable:
                now = stat(key)
                if now is None:
                    continue
                if old.stat == now:
                    index._entries[key] = old
                    continue
            todo.append(_Job(key, module, is_package, old.digest if old is not None and reusable else None))
        changed = {job.path for job in todo}
        _FACTS = dict(facts or {})
        try:
            for count, done in enumerate(_run_jobs(todo, jobs), 1):
                if progress:
                    progress(count, len(todo))
                if done.stat is None or done.digest is None:
                    continue
                module, is_package = index.module_for_path(done.path)
                summary, surface, file_facts = done.summary, done.surface, done.facts
                if summary == b"":
                    kept = cached[done.path]
                    summary, surface, file_facts = kept.summary, kept.surface, kept.facts
                index._entries[done.path] = StoredFile(
                    done.stat, done.digest, module, is_package, summary, surface, file_facts
                )
        finally:
            _FACTS = {}
        for key, entry in index._entries.items():
            if entry.module is not None and entry.summary is not None:
                index._by_module.setdefault(entry.module, key)
        index.fingerprint = index._fingerprint()
        if settings.use_cache:
            gone = cached.keys() - index._entries.keys()
            _save(cache_file, index._entries, changed | gone, index.project_root)
            stats = {key: entry.stat for key, entry in index._entries.items()}
            state = _state_key(roots, files, wanted, lambda key: stats.get(key), index.project_root)
            _write_state(cache_file / _STATE_NAME, (_CACHE_MAGIC, state, index.fingerprint))
        return index

    def replace_text(
        self, source: SourceFile, facts: Mapping[str, Callable[[ast.Module, SourceFile], Any]] | None = None
    ) -> None:
        """Hold ``source`` as the content of its file, in place of what is on disk (an
        editor's unsaved text, read from stdin); a file that isn't on disk is added. Call it
        before the first question: answers already given are not revised."""
        global _FACTS
        key = str(source.path)
        if key not in self._entries and os.path.realpath(key) in self._entries:
            key = os.path.realpath(key)
        module, is_package = self.module_for_path(key)
        if module is None:
            module, is_package = self.module_for_path(os.path.realpath(key))
        digest = text_digest(source.text)
        _FACTS = dict(facts or {})
        try:
            summary, surface, file_facts = _summary_parts(source, module, is_package)
        finally:
            _FACTS = {}
        self._entries[key] = StoredFile(None, digest, module, is_package, summary, surface, file_facts)
        if module is not None and summary is not None:
            self._by_module[module] = key
        self.fingerprint = self._fingerprint()

    @classmethod
    def cached_fingerprint(
        cls,
        settings: Settings,
        files: list[Path],
        facts: Mapping[str, Any] | None = None,
        stat: Callable[[str], tuple[int, int] | None] = file_stat,
    ) -> str | None:
        """The fingerprint ``build`` would give, when no first-party file changed (by
        ``stat``) since the cache was saved with the same roots and facts; else None. A
        warm run whose results are all cached then never loads the index."""
        if not settings.use_cache:
            return None
        try:
            with open(cls._cache_location(settings) / _STATE_NAME, "rb") as handle:
                saved = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (
            isinstance(saved, tuple) and len(saved) == 3 and saved[0] == _CACHE_MAGIC and isinstance(saved[2], str)
        ):
            return None
        current = _state_key(cls._roots(settings, files), files, set(facts or ()), stat, str(settings.project_root))
        return saved[2] if saved[1] == current else None

    @classmethod
    def files(cls, settings: Settings) -> list[Path]:
        """Every first-party candidate file of the project."""
        return discover(cls.search_paths(settings), settings).files

    @staticmethod
    def _roots(settings: Settings, files: list[Path]) -> list[Path]:
        return [p for p in settings.src if p.is_dir()] if settings.src else detect_roots(settings.project_root, files)

    @staticmethod
    def _cache_location(settings: Settings) -> Path:
        return (settings.cache_dir or settings.project_root / ".netra_lint_cache") / CACHE_NAME

    @staticmethod
    def search_paths(settings: Settings) -> list[Path]:
        """Where first-party files are looked for: the project and any root outside it."""
        root = settings.project_root
        return [root, *(p for p in settings.src if p.is_dir() and root not in (p, *p.parents))]

    def _fingerprint(self) -> str:
        """A digest of everything the index knows: results that used it are stale when it
        changes. Paths count relative to the project root: a checkout elsewhere is the same."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr([relative_key(root, self.project_root) for root in self.roots]).encode())
        digest.update(declarations_digest(self.roots, self.project_root))
        for path in sorted(self._entries):
            entry = self._entries[path]
            where = relative_key(path, self.project_root)
            digest.update(f"{where}\0{entry.module}\0{entry.is_package}\0".encode("utf-8", "surrogatepass"))
            digest.update(entry.surface or b"-")
        return digest.hexdigest()

    def module_for_path(self, path: str) -> tuple[str | None, bool]:
        """The module name of a file (from the deepest root holding it) and whether it is
        a package's ``__init__``; ``(None, False)`` outside the roots or for a bad name."""
        best: str | None = None
        for root in self.roots:
            if path.startswith(root.rstrip(os.sep) + os.sep) and (best is None or len(root) > len(best)):
                best = root
        if best is None:
            return None, False
        parts = path[len(best.rstrip(os.sep)) + 1 :].split(os.sep)
        stem, dot, suffix = parts[-1].rpartition(".")
        if not dot or suffix not in ("py", "pyi"):
            return None, False
        parts[-1] = stem
        is_package = stem == "__init__"
        if is_package:
            parts.pop()
        if not parts or not all(p.isidentifier() for p in parts):
            return None, False
        return ".".join(parts), is_package

    # -- questions about files --

    def parsed_ok(self, path: Path, text: str) -> bool:
        """True when the index parsed exactly ``text`` as this file without an error (so the
        engine needn't): not for text read from stdin or changed since."""
        entry = self._entry(path)
        return entry is not None and entry.summary is not None and entry.digest == self._digest(text)

    def _entry(self, path: Path | str) -> StoredFile | None:
        entry = self._entries.get(str(path))
        if entry is None:
            entry = self._entries.get(os.path.realpath(path))
        return entry

    def _part(self, entry: StoredFile, part: Part) -> Any:
        """One part of an entry's summary (see ``layout.pack``), unmarshalled once; the
        module part as a ``ModulePart``."""
        key = (id(entry.summary), part)
        found = self._decoded.get(key)
        if found is None:
            assert entry.summary is not None
            stored = layout.unpack(entry.summary, part)
            found = self._decoded[key] = layout.module_part(stored) if part == "module" else stored
        return found

    def _module_part(self, entry: StoredFile) -> ModulePart:
        return self._part(entry, "module")

    @staticmethod
    def _read_module_part(entry: StoredFile) -> ModulePart:
        """The module part, unmarshalled and not kept: for the tables read once over every
        file, which would otherwise keep every file's part in memory (in each worker)."""
        assert entry.summary is not None
        return layout.module_part(layout.unpack(entry.summary, "module"))

    def summary_for(self, path: Path, text: str) -> FileSummary | None:
        """The stored summary of ``path`` if it was made from exactly ``text``."""
        last = self._last_summary
        if last is not None and last[0] is text and last[1] == path:
            return last[2]
        entry = self._entry(path)
        if entry is None or entry.summary is None or entry.digest != self._digest(text):
            return None
        # Kept for the file's other checks only: NL401 and NL5 both read it (on
        # OpenPeerPower/core, 2,038 of 8,009 reads are a second one).
        summary = layout.file_summary(layout.unpack(entry.summary, "file"), entry.module, entry.is_package, str(path))
        self._last_summary = (text, path, summary)
        return summary

    def _digest(self, text: str) -> bytes:
        """``text_digest``, once per text (several rules ask about the same file)."""
        if self._last_digest is None or self._last_digest[0] is not text:
            self._last_digest = (text, text_digest(text))
        return self._last_digest[1]

    def file_facts(self, path: Path, text: str, name: str) -> Any:
        """A checker's facts about ``path`` (see ``build``) if made from exactly ``text``, else None."""
        entry = self._entry(path)
        if entry is None or entry.facts is None or name not in entry.facts.names or entry.digest != self._digest(text):
            return None
        # Decoded once for the file's checkers (NL401's and NL301's facts are packed together).
        if self._last_facts is None or self._last_facts[0] is not entry.facts:
            self._last_facts = (entry.facts, marshal.loads(zlib.decompress(entry.facts.packed)))
        return self._last_facts[1][name]

    def summarize_file(self, path: Path, text: str) -> FileSummary:
        """Summarize a text the index doesn't hold (a fixed text, a file outside the roots)."""
        module, is_package = self.module_for_path(str(path))
        if module is None:
            module, is_package = self.module_for_path(os.path.realpath(path))
        return layout.file_summary(summarize_text(text, module, is_package, str(path)), module, is_package, str(path))


def detect_roots(project_root: Path, files: Iterable[Path]) -> list[Path]:
    """First-party roots without a ``src`` setting: the project root, its ``src/``, and every
    sub-project (a directory with its own pyproject/setup file that is not inside a package)."""
    roots = [project_root]
    if (project_root / "src").is_dir():
        roots.append(project_root / "src")
    inside = str(project_root).rstrip(os.sep) + os.sep
    directories: set[str] = set()  # below the project root, as strings: most files share them
    for path in files:
        parent = os.path.dirname(path)
        while parent.startswith(inside) and parent not in directories:
            directories.add(parent)
            parent = os.path.dirname(parent)
    marked = [
        Path(d) for d in directories if any(os.path.isfile(os.path.join(d, marker)) for marker in _PROJECT_MARKERS)
    ]
    for directory in sorted(marked):
        if not any((d / "__init__.py").exists() for d in (directory, *directory.parents) if project_root in d.parents):
            roots.append(directory)
            if (directory / "src").is_dir():
                roots.append(directory / "src")
    return roots


def _run_jobs(todo: list[_Job], jobs: int | None) -> Iterator[_Extracted]:
    workers = min(jobs or os.cpu_count() or 1, len(todo) // 16 or 1)
    if workers <= 1 or len(todo) < _PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_extract, todo)
        return
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield from pool.imap_unordered(_extract, todo, chunksize=16)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _state_key(
    roots: list[Path],
    files: list[Path],
    wanted: set[str],
    stat: Callable[[str], tuple[int, int] | None],
    project_root: str,
) -> bytes:
    """A digest of what decides a build's result when every file keeps its ``stat``: the
    roots, their declarations, the facts asked for, and the path and ``stat`` of every module."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((roots, sorted(wanted))).encode("utf-8", "surrogatepass"))
    digest.update(declarations_digest([str(r) for r in roots], project_root))
    for path in files:
        key = str(path)
        if key.endswith(".py"):
            digest.update(f"{key}\0{stat(key)}\n".encode("utf-8", "surrogatepass"))
    return digest.digest()


def declarations_digest(roots: list[str], project_root: str) -> bytes:
    """A digest of the files whose declarations the index's answers read (which top-level
    names are third-party, which namespace packages other distributions share): those of
    every root and of the directories up from it to the project root."""
    digest = hashlib.blake2b(digest_size=16)
    directories = sorted({d for root in roots for d in declaration_directories(root, project_root)})
    for directory in directories:
        paths = {*requirement_files(Path(directory)), *(Path(directory, n) for n in DECLARATION_FILES)}
        for path in sorted(paths):
            try:
                content = path.read_bytes()
            except OSError:
                continue
            digest.update(f"{relative_key(str(path), project_root)}\0{len(content)}\0".encode("utf-8", "surrogatepass"))
            digest.update(content)
    return digest.digest()


def _write_state(location: Path, state: tuple[str, bytes, str]) -> None:
    """Write the state beside the shards, atomically; errors are swallowed as for the shards."""
    try:
        fd, temp = tempfile.mkstemp(dir=location.parent, prefix=".state-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(state, handle)
        os.replace(temp, location)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _has_facts(entry: StoredFile, wanted: set[str]) -> bool:
    """Whether a stored entry holds every wanted kind of facts (a file that doesn't parse has none to hold)."""
    return entry.summary is None or wanted <= set(entry.facts.names if entry.facts else ())


def _load(location: Path, root: str) -> dict[str, StoredFile]:
    """The cached entries (the shards hold them as plain tuples, keyed relative to ``root``)."""
    return {
        key: StoredFile._make(stored[:6] + (StoredFacts._make(stored[6]) if stored[6] else None,))
        for key, stored in load_shards(location, _CACHE_MAGIC, _valid_entry, root).items()
    }


def _save(location: Path, entries: dict[str, StoredFile], changed: set[str], root: str) -> None:
    save_shards(location, _CACHE_MAGIC, {key: _plain(entry) for key, entry in entries.items()}, changed, root)


def _plain(entry: StoredFile) -> tuple[Any, ...]:
    """An entry as marshal stores it."""
    return (*entry[:6], tuple(entry.facts) if entry.facts else None)


def _valid_entry(entry: Any) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 7
        and isinstance(entry[4], (bytes, type(None)))
        and (entry[6] is None or (isinstance(entry[6], tuple) and len(entry[6]) == 2))
    )
