"""``# noqa`` comments, read the way ruff reads them (codes of both tools may share one)."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

NOQA = re.compile(
    r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


@dataclass
class NoqaComment:
    row: int
    start: int  # column offsets of the comment's noqa directive within the line
    end: int
    codes: tuple[str, ...] | None  # None: a bare ``# noqa`` that suppresses everything


@dataclass
class NoqaMap:
    by_row: dict[int, NoqaComment] = field(default_factory=dict)

    @classmethod
    def from_source(cls, text: str) -> "NoqaMap":
        noqa = cls()
        if "noqa" not in text.lower():
            return noqa
        for row, column, comment in _comments(text):
            match = NOQA.search(comment)
            if match is None:
                continue
            codes = match.group("codes")
            parsed = tuple(c.upper() for c in CODE.findall(codes)) if codes else None
            noqa.by_row[row] = NoqaComment(row, column + match.start(), column + match.end(), parsed)
        return noqa

    def suppresses(self, row: int, code: str) -> bool:
        comment = self.by_row.get(row)
        if comment is None:
            return False
        return comment.codes is None or code in comment.codes


def _comments(text: str) -> list[tuple[int, int, str]]:
    """(row, column, text) of every comment; falls back to a line scan if tokenizing fails."""
    try:
        return [
            (tok.start[0], tok.start[1], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        found = []
        for row, line in enumerate(text.splitlines(), start=1):
            position = line.find("#")
            if position >= 0:
                found.append((row, position, line[position:]))
        return found
