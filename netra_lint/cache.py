"""The results cache: a second run over unchanged files re-reads nothing.

One directory per (tool version, settings fingerprint) under ``.netra_lint_cache/`` at
the project root, its entries spread over a fixed number of marshal files (shards), so
a run that re-checked ten files rewrites a few small files, not the whole cache. An
entry is keyed by the file's path, ``mtime_ns`` and size (a ``stat`` answers a warm run)
and by the project index fingerprint for rules that ask the index. A corrupt or foreign
shard is discarded; writes are atomic, so concurrent runs can only lose entries, never
corrupt a shard.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Applicability, Diagnostic

CACHE_DIR_NAME = ".netra_lint_cache"
SHARDS = 32
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
    return [getattr(diag, name) for name in _FIELDS] + [applicability]


def _decode(item: list[Any], path: str) -> Diagnostic:
    values = dict(zip(_FIELDS, item))
    applicability = item[len(_FIELDS)]
    diag = Diagnostic(code=values["code"], message=values["message"], start=values["start"], end=values["end"])
    for name in _FIELDS[4:]:
        setattr(diag, name, values[name])
    diag.path = path
    diag.fix_applicability = Applicability(applicability) if applicability else None
    return diag


def file_stat(path: str | Path) -> tuple[int, int] | None:
    """``(mtime_ns, size)``: what tells a warm run that a file is unchanged; None if it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _shard_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


def _shard_path(directory: Path, number: int) -> Path:
    return directory / f"{number:02d}.marshal"


def load_shards(directory: Path, magic: str, valid: Callable[[Any], bool] = lambda _: True) -> dict[str, Any]:
    """Every entry of the shards under ``directory`` written with ``magic``; a missing,
    corrupt or foreign shard, or one with an entry ``valid`` rejects, counts as empty."""
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
    return entries


def save_shards(directory: Path, magic: str, entries: dict[str, Any], changed: Iterable[str] | None = None) -> None:
    """Write the shards holding the ``changed`` keys (added, updated or removed; all
    shards if None), each atomically (temp file + rename). Errors are swallowed: a
    read-only tree still gets its report, the cache is an optimisation."""
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


@dataclass
class ResultCache:
    location: Path
    key: str
    entries: dict[str, list[Any]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, directory: Path, settings_fingerprint: str) -> ResultCache:
        location = directory / f"results-{settings_fingerprint[:16]}"
        key = f"{__version__}:{settings_fingerprint}"
        return cls(location=location, key=key, entries=load_shards(location, key, _valid_entry))

    def lookup(
        self, path: Path, display: str, index_fingerprint: str, stat: tuple[int, int] | None
    ) -> list[Diagnostic] | None:
        """The cached diagnostics of a file whose ``stat`` (``(mtime_ns, size)``) is unchanged, or None."""
        entry = self.entries.get(str(path))
        if entry is None or stat is None:
            return None
        try:
            mtime, size, index_key, items = entry
            if (mtime, size) != stat or index_key != index_fingerprint:
                return None
            return [_decode(item, display) for item in items]
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    def store(self, path: Path, diagnostics: list[Diagnostic], index_fingerprint: str) -> None:
        stat = file_stat(path)
        if stat is None:
            return
        self.entries[str(path)] = [stat[0], stat[1], index_fingerprint, [_encode(d) for d in diagnostics]]
        self.changed.add(str(path))

    def save(self) -> None:
        save_shards(self.location, self.key, self.entries, self.changed)
        self.changed.clear()


def _valid_entry(entry: Any) -> bool:
    return isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], list)
