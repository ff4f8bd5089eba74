"""The results cache: a second run over unchanged files re-reads nothing.

One JSON file per (tool version, settings fingerprint) under ``.netra_lint_cache/`` at
the project root. An entry is keyed by the file's path, ``mtime_ns`` and size (a
``stat`` answers a warm run) and by the project index fingerprint for rules that ask the
index. A corrupt or foreign cache is discarded; writes are atomic, so concurrent runs
can only lose entries, never corrupt the file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Applicability, Diagnostic

CACHE_DIR_NAME = ".netra_lint_cache"
_FIELDS = ("code", "message", "start", "end", "row", "column", "end_row", "end_column", "noqa_row", "source_line", "fix_title")


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


@dataclass
class ResultCache:
    location: Path
    key: str
    entries: dict[str, list[Any]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, directory: Path, settings_fingerprint: str) -> "ResultCache":
        location = directory / f"results-{settings_fingerprint[:16]}.json"
        key = f"{__version__}:{settings_fingerprint}"
        cache = cls(location=location, key=key)
        try:
            document = json.loads(location.read_text(encoding="utf-8"))
            if isinstance(document, dict) and document.get("key") == key and isinstance(document.get("files"), dict):
                cache.entries = document["files"]
        except (OSError, ValueError):
            pass  # missing or corrupt: start afresh
        return cache

    @staticmethod
    def _stat(path: Path) -> tuple[int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def lookup(self, path: Path, display: str, index_fingerprint: str) -> list[Diagnostic] | None:
        """The cached diagnostics of an unchanged file, or None."""
        entry = self.entries.get(str(path))
        stat = self._stat(path)
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
        stat = self._stat(path)
        if stat is None:
            return
        self.entries[str(path)] = [stat[0], stat[1], index_fingerprint, [_encode(d) for d in diagnostics]]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        directory = self.location.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Automatically created by netra-lint.\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".results-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": self.key, "files": self.entries}, handle, separators=(",", ":"))
            os.replace(tmp, self.location)
        except OSError:
            pass  # a read-only tree still gets its report; the cache is an optimisation
