"""Reading and writing source files without losing a byte we did not mean to change.

A file is decoded the way CPython decodes it (BOM, PEP 263 coding cookie, UTF-8 default)
and kept verbatim: newlines are not translated, so offsets, fixes and the written file all
agree with what is on disk. Writes are atomic and refuse to replace a file that changed
after it was read.
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import io
import itertools
import os
import re
import stat
import tempfile
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DecodeError(Exception):
    """The bytes of a file can't be turned into text (bad cookie, bad bytes)."""

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


class FileChangedError(Exception):
    """The file on disk is no longer what we read: someone edited it meanwhile."""


@dataclass
class SourceFile:
    """The decoded text of one file plus what is needed to write it back identically."""

    path: Path
    text: str
    encoding: str = "utf-8"
    raw: bytes = field(default=b"", repr=False)

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        raw = path.read_bytes()
        return cls.from_bytes(path, raw)

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> SourceFile:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        except SyntaxError as exc:
            raise DecodeError(str(exc)) from None
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            row, column = 1, 1
            if isinstance(exc, UnicodeDecodeError):
                before = raw[: exc.start]
                row = before.count(b"\n") + 1
                column = exc.start - (before.rfind(b"\n") + 1) + 1
            raise DecodeError(f"cannot decode file as {encoding}: {exc}", row, column) from None
        return cls(path=path, text=text, encoding=encoding, raw=raw)

    # -- newline style ------------------------------------------------------------

    @cached_property
    def newline(self) -> str:
        """The file's own line ending (of its first line), for text that fixes insert."""
        match = _LINE_BREAK.search(self.text)
        return match.group(0) if match else "\n"

    # -- positions ------------------------------------------------------------------

    @cached_property
    def line_starts(self) -> list[int]:
        text = self.text
        if "\r" not in text:  # each line's start follows the one before by its length and "\n"
            return list(itertools.accumulate(map((1).__add__, map(len, text.split("\n")[:-1])), initial=0))
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        return starts

    def line_text(self, row: int) -> str:
        """Line ``row`` (1-based) without its line ending."""
        starts = self.line_starts
        if row < 1 or row > len(starts):
            return ""
        begin = starts[row - 1]
        end = starts[row] if row < len(starts) else len(self.text)
        return self.text[begin:end].rstrip("\r\n")

    def location(self, offset: int) -> tuple[int, int]:
        """1-based (row, column) of a text offset; columns count code points like ruff's."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def offset(self, row: int, column: int) -> int:
        """Text offset of a 1-based row and 0-based code-point column."""
        starts = self.line_starts
        if row > len(starts):
            return len(self.text)
        return starts[row - 1] + column

    def offset_from_utf8(self, row: int, byte_column: int) -> int:
        """Text offset of an ``ast`` position (1-based line, UTF-8 byte column)."""
        line = self.line_text(row)
        if line.isascii():
            return self.offset(row, byte_column)
        prefix = line.encode("utf-8")[:byte_column].decode("utf-8", "replace")
        return self.offset(row, len(prefix))

    def ast_span(self, node: ast.AST) -> tuple[int, int]:
        """Text offsets of an ``ast`` node that carries positions."""
        start = self.offset_from_utf8(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.offset_from_utf8(end_line, end_col) if end_col is not None else start
        return start, end

    # -- writing --------------------------------------------------------------------

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)

    def write_atomic(self, text: str) -> None:
        """Replace the file with ``text``: same encoding, BOM and mode; all or nothing.

        Raises ``FileChangedError`` if the file on disk differs from what was read.
        """
        data = self.encode(text)
        # Write through a symbolic link: replacing the link itself would turn it into a copy
        # and leave the file it points to unfixed.
        target = Path(os.path.realpath(self.path))
        directory = target.parent
        st = os.stat(target)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".netra-tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, stat.S_IMODE(st.st_mode))
            if target.read_bytes() != self.raw:
                raise FileChangedError(f"{target} changed on disk after it was read; not overwritten")
            os.replace(tmp_name, target)
            _fsync_directory(directory)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
