"""The results cache: a second run over unchanged files re-reads nothing.

One directory per (tool version, settings fingerprint) under ``.netra_lint_cache/`` at
the project root, its entries spread over a fixed number of marshal files (shards), so
a run that re-checked ten files rewrites a few small files, not the whole cache. An
entry is keyed by the file's path relative to the project root and holds its
``mtime_ns``, size and content digest, and the project index fingerprint for rules that
ask the index: a ``stat`` answers a warm run, and a file whose ``stat`` changed but whose
bytes did not (a fresh checkout, a cache restored into another directory in CI) is read
and hashed, not checked again. The entry keeps everything every report format needs, fix
edits included. A corrupt or foreign shard is discarded; writes are atomic, so concurrent
runs can only lose entries, never corrupt a shard.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .diagnostics import Applicability, Diagnostic

CACHE_DIR_NAME = ".netra_lint_cache"
SHARDS = 32
#: Changes whenever the layout of a results entry does.
_FORMAT = "r2"
_FIELDS = (
    "code",
    "message",
    "start",
    "end",
    "row",
    "column",
    "end_row",
    "end_column",
    "noqa_row",
    "source_line",
    "fix_title",
)


def _encode(diag: Diagnostic) -> list[Any]:
    applicability = diag.fix_applicability.value if diag.fix_applicability else None
    return [getattr(diag, name) for name in _FIELDS] + [applicability, diag.edit_locations]


def _decode(item: list[Any], path: str) -> Diagnostic:
    values = dict(zip(_FIELDS, item))
    applicability, edits = item[len(_FIELDS)], item[len(_FIELDS) + 1]
    diag = Diagnostic(code=values["code"], message=values["message"], start=values["start"], end=values["end"])
    for name in _FIELDS[4:]:
        setattr(diag, name, values[name])
    diag.path = path
    diag.fix_applicability = Applicability(applicability) if applicability else None
    diag.edit_locations = [tuple(edit) for edit in edits]
    return diag


def file_stat(path: str | Path) -> tuple[int, int] | None:
    """``(mtime_ns, size)``: what tells a warm run that a file is unchanged; None if it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def content_digest(path: str | Path) -> bytes | None:
    """A digest of the file's bytes: what tells that a file whose ``stat`` changed is still
    the same file; None if it can't be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).digest()
    except OSError:
        return None


def relative_key(path: str, root: str) -> str:
    """``path`` relative to the directory ``root``, in POSIX form, when it lies below it
    (so that a cache stays valid in another checkout of the project); else ``path``."""
    top = root.rstrip(os.sep)
    if path == top:
        return "."
    prefix = top + os.sep
    if path.startswith(prefix):
        return path[len(prefix) :].replace(os.sep, "/")
    return path


def _absolute_key(key: str, root: str) -> str:
    return key if os.path.isabs(key) else os.path.join(root, *key.split("/"))


def _shard_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


def _shard_path(directory: Path, number: int) -> Path:
    return directory / f"{number:02d}.marshal"


def load_shards(
    directory: Path, magic: str, valid: Callable[[Any], bool] = lambda _: True, root: str | None = None
) -> dict[str, Any]:
    """Every entry of the shards under ``directory`` written with ``magic``; a missing,
    corrupt or foreign shard, or one with an entry ``valid`` rejects, counts as empty.
    With ``root``, the keys ``save_shards`` stored relative to it are made absolute again."""
    entries: dict[str, Any] = {}
    for number in range(SHARDS):
        try:
            with open(_shard_path(directory, number), "rb") as handle:
                data = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            continue
        if (
            isinstance(data, tuple)
            and len(data) == 2
            and data[0] == magic
            and isinstance(data[1], dict)
            and all(isinstance(k, str) and valid(v) for k, v in data[1].items())
        ):
            entries.update(data[1])
    if root is not None:
        return {_absolute_key(key, root): value for key, value in entries.items()}
    return entries


def save_shards(
    directory: Path,
    magic: str,
    entries: dict[str, Any],
    changed: Iterable[str] | None = None,
    root: str | None = None,
) -> None:
    """Write the shards holding the ``changed`` keys (added, updated or removed; all
    shards if None), each atomically (temp file + rename); with ``root``, path keys below
    it are stored relative to it. Errors are swallowed: a read-only tree still gets its
    report, the cache is an optimisation."""
    if root is not None:
        entries = {relative_key(key, root): value for key, value in entries.items()}
        changed = None if changed is None else [relative_key(key, root) for key in changed]
    wanted = set(range(SHARDS)) if changed is None else {_shard_of(key) for key in changed}
    if not wanted:
        return
    grouped: dict[int, dict[str, Any]] = {number: {} for number in wanted}
    for key, value in entries.items():
        part = grouped.get(_shard_of(key))
        if part is not None:
            part[key] = value
    try:
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Automatically created by netra-lint.\n*\n", encoding="utf-8")
        for number, part in grouped.items():
            fd, temp = tempfile.mkstemp(dir=directory, prefix=".shard-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    marshal.dump((magic, part), handle)
                os.replace(temp, _shard_path(directory, number))
            except BaseException:
                os.unlink(temp)
                raise
    except (OSError, ValueError):
        pass


class _Seen(NamedTuple):
    """What a lookup learnt of a file before it was checked: its ``stat`` and digest then."""

    stat: tuple[int, int] | None
    digest: bytes | None


@dataclass
class ResultCache:
    """The cached results of one configuration; keys are paths relative to the project root."""

    location: Path
    key: str
    entries: dict[str, list[Any]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    _seen: dict[str, _Seen] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: Path, settings_fingerprint: str) -> ResultCache:
        location = directory / f"results-{settings_fingerprint[:16]}"
        key = f"{__version__}:{_FORMAT}:{settings_fingerprint}"
        return cls(location=location, key=key, entries=load_shards(location, key, _valid_entry))

    def lookup(
        self, path: Path, key: str, display: str, index_fingerprint: str, stat: tuple[int, int] | None
    ) -> list[Diagnostic] | None:
        """The cached diagnostics of the file at ``path`` (``key`` in the cache) if it is
        unchanged: by its ``stat`` (``(mtime_ns, size)``), else by its content; or None."""
        entry = self.entries.get(key)
        if stat is None:
            return None
        if entry is None or entry[3] != index_fingerprint or entry[1] != stat[1]:
            self._seen[key] = _Seen(stat, content_digest(path))
            return None
        if entry[0] != stat[0]:
            digest = content_digest(path)
            self._seen[key] = _Seen(stat, digest)
            if digest != entry[2]:
                return None
            entry[0] = stat[0]  # the same bytes: the next run needs only the stat
            self.changed.add(key)
        else:
            self._seen[key] = _Seen(stat, entry[2])
        try:
            return [_decode(item, display) for item in entry[4]]
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    def store(self, path: Path, key: str, diagnostics: list[Diagnostic], index_fingerprint: str, written: bool) -> None:
        """Keep the diagnostics of the text that was checked: the file as a lookup found it
        before the check, or as the run ``written`` it."""
        seen = self._seen.get(key)
        if written or seen is None:
            seen = _Seen(file_stat(path), content_digest(path))
        if seen.stat is None or seen.digest is None:
            return
        mtime, size = seen.stat
        self.entries[key] = [mtime, size, seen.digest, index_fingerprint, [_encode(d) for d in diagnostics]]
        self.changed.add(key)

    def save(self) -> None:
        save_shards(self.location, self.key, self.entries, self.changed)
        self.changed.clear()


def _valid_entry(entry: Any) -> bool:
    return isinstance(entry, list) and len(entry) == 5 and isinstance(entry[4], list)
