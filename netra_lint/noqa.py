"""``# noqa`` comments, read the way ruff reads them (codes of both tools may share one).

A finding inside a multi-line string is suppressed on the string's last line, where a
comment can go (as in ruff). Netra codes in a noqa comment that suppress nothing are
reported by NL100 (``unused-noqa``), whose fix removes them.

Comments and multi-line strings are what the tokenizer says they are. In a file that Python
parses, a scan of the text for quotes and ``#`` finds the same at a fraction of the cost
(``_quick_scan``); the tokenizer reads the others.
"""

from __future__ import annotations

import bisect
import io
import re
import sys
import tokenize
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .diagnostics import Applicability, Diagnostic, Edit, Fix
from .engine_rules import UNUSED_NOQA
from .source import SourceFile

NOQA = re.compile(
    r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
NETRA_PREFIX = "NL"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what ends a line for the tokenizer (not \f, \x1c...)
_STRING_STARTS = {getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)}
_STRING_ENDS = {getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)}
#: Where a comment or a string (past its prefix) may start.
_COMMENT_OR_QUOTE = re.compile(r"[#'\"]")
_COMMENT_END = re.compile(r"[\r\n]")
#: The rest of a string after its opening quote(s), as the tokenizer matches it: an escape
#: may hide a quote or a line break; only a triple-quoted string holds a bare line break.
_STRING_REST = {
    "'": re.compile(r"(?:[^'\\\n]|\\(?:\r\n|.))*'", re.DOTALL),
    '"': re.compile(r'(?:[^"\\\n]|\\(?:\r\n|.))*"', re.DOTALL),
    "'''": re.compile(r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.DOTALL),
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.DOTALL),
}
#: String prefixes (lower case) whose string is one token. An f-string is one before Python
#: 3.12; since, its replacement fields may hold strings with its own quotes, and comments.
_ONE_TOKEN_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb"}) | (
    frozenset({"f", "fr", "rf"}) if sys.version_info < (3, 12) else frozenset()
)
_PREFIX_LETTERS = frozenset("rubft")
#: What the tokenizer and the parser may read differently: a lone ``\r`` ends a line for the
#: parser only, form feeds reset indentation; no file that parses holds a NUL.
_UNSURE_CHARACTERS = re.compile(r"\r(?!\n)|[\f\v\0]")


@dataclass
class NoqaComment:
    row: int
    start: int  # column offsets of the noqa directive within the line
    end: int
    codes: tuple[str, ...] | None  # None: a bare noqa directive, which suppresses everything
    only_directive: bool = False  # the comment holds nothing but the directive


@dataclass
class NoqaMap:
    by_row: dict[int, NoqaComment] = field(default_factory=dict)
    string_ends: dict[int, int] = field(default_factory=dict)
    #: Rows that end with a backslash continuation (their comment goes on a later row).
    continued: set[int] = field(default_factory=set)

    @classmethod
    def from_source(cls, text: str, parses: bool = False) -> NoqaMap:
        """The map of ``text``; ``parses``: Python's parser read it without an error (a
        quicker scan then finds what the tokenizer would)."""
        noqa = cls()
        if "noqa" not in text.lower():
            return noqa
        quick = _quick_scan(text, noqa.string_ends) if parses else None
        found = quick if quick is not None else _scan(text, noqa.string_ends)
        comment_rows = {row for row, _, _ in found}
        for row, line in enumerate(_LINE_BREAK.split(text), start=1):
            if line.endswith("\\") and row not in comment_rows and row not in noqa.string_ends:
                noqa.continued.add(row)
        for row, column, comment in found:
            match = NOQA.search(comment)
            if match is None:
                continue
            codes = match.group("codes")
            parsed = tuple(c.upper() for c in CODE.findall(codes)) if codes else None
            only = match.start() == 0 and not comment[match.end() :].strip()
            noqa.by_row[row] = NoqaComment(row, column + match.start(), column + match.end(), parsed, only)
        return noqa

    def noqa_row(self, row: int) -> int:
        """The row whose noqa comment applies to a finding that starts on ``row``: the last
        row of a multi-line string or of backslash-continued lines (as in ruff), where a
        comment can go."""
        while True:
            if row in self.string_ends:
                row = self.string_ends[row]
            elif row in self.continued:
                row += 1
            else:
                return row

    def suppresses(self, row: int, code: str) -> bool:
        comment = self.by_row.get(row)
        if comment is None:
            return False
        return comment.codes is None or code in comment.codes

    def suppresses_any(self, rows: Iterable[int], code: str) -> bool:
        """Whether a noqa comment on one of ``rows`` (or on the line it maps to) suppresses ``code``."""
        return any(self.suppresses(self.noqa_row(row), code) for row in rows)


def comments(text: str) -> dict[int, str]:
    """Row → the text of the comment on it (from ``#``), as the tokenizer reads them: a ``#``
    inside a string is not one."""
    return {row: comment for row, _, comment in _scan(text, {})}


def _scan(text: str, string_ends: dict[int, int]) -> list[tuple[int, int, str]]:
    """(row, column, text) of every comment; records multi-line strings in ``string_ends``.
    Falls back to a line scan if the file does not tokenize."""
    found = []
    starts: list[int] = []  # open f-strings (t-strings): tokenized in parts since Python 3.12
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                found.append((tok.start[0], tok.start[1], tok.string))
            elif tok.type in _STRING_STARTS:
                starts.append(tok.start[0])
            elif tok.type == tokenize.STRING or tok.type in _STRING_ENDS:
                first = starts.pop() if tok.type in _STRING_ENDS and starts else tok.start[0]
                for row in range(first, tok.end[0]):
                    string_ends[row] = tok.end[0]
        return found
    except (tokenize.TokenError, SyntaxError):
        found = []
        for row, line in enumerate(text.splitlines(), start=1):
            position = line.find("#")
            if position >= 0:
                found.append((row, position, line[position:]))
        return found


def _quick_scan(text: str, string_ends: dict[int, int]) -> list[tuple[int, int, str]] | None:
    """What ``_scan`` finds, for a text that Python parses: there, every ``#`` or quote
    outside a string starts a comment or a string, and a string ends where the tokenizer's
    pattern ends it. None where that is not sure (an f-string since Python 3.12, a prefix
    this Python may know, the characters of ``_UNSURE_CHARACTERS``); ``string_ends`` is then
    left as it was."""
    if _UNSURE_CHARACTERS.search(text):
        return None
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    found: list[tuple[int, int, str]] = []
    multiline: list[tuple[int, int]] = []
    position = 0
    while (start := _COMMENT_OR_QUOTE.search(text, position)) is not None:
        at = start.start()
        if text[at] == "#":
            end = _COMMENT_END.search(text, at)
            position = end.start() if end is not None else len(text)
            row = bisect.bisect_right(line_starts, at)
            found.append((row, at - line_starts[row - 1], text[at:position]))
            continue
        begin = at
        while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
            begin -= 1
        prefix = text[begin:at].lower()
        if prefix not in _ONE_TOKEN_PREFIXES:
            if _PREFIX_LETTERS.issuperset(prefix):
                return None  # an f-string or t-string that the tokenizer splits
            begin = at  # a keyword before the string: ``if"a"``: ``if"a"``
        quote = text[at : at + 3] if text.startswith(text[at] * 3, at) else text[at]
        rest = _STRING_REST[quote].match(text, at + len(quote))
        if rest is None:
            return None
        position = rest.end()
        first, last = bisect.bisect_right(line_starts, begin), bisect.bisect_right(line_starts, position - 1)
        if last > first:
            multiline.append((first, last))
    for first, last in multiline:
        for row in range(first, last):
            string_ends[row] = last
    return found


#: In a lowercased text, a line where a noqa directive may name a netra code (NL401, nl401).
_NETRA_DIRECTIVE = re.compile(rf"noqa[^\r\n]*{NETRA_PREFIX.lower()}")


def may_name_netra_code(text: str) -> bool:
    """Whether a noqa comment of ``text`` may name a netra code: only such a comment can be
    unused (``unused_noqa``). Most noqa comments name other tools' codes: mapping them for
    nothing made the engine's ``_finish`` 0.17 CPU-s of prefect's 1.5 (0.05 s without)."""
    lowered = text.lower()
    return "noqa" in lowered and _NETRA_DIRECTIVE.search(lowered) is not None


def unused_noqa(
    source: SourceFile,
    noqa: NoqaMap,
    found: Iterable[Diagnostic],
    enabled: Collection[str],
    known: Collection[str],
) -> list[Diagnostic]:
    """NL100 findings: netra codes in noqa comments that suppressed nothing this run.

    A code counts as unused if it is unknown, or enabled and matched no finding on its
    row. Codes of rules that didn't run (not selected) and ruff's codes are left alone.
    """
    used = {(d.noqa_row, d.code) for d in found}
    report = []
    for row, comment in sorted(noqa.by_row.items()):
        if not comment.codes:
            continue
        unused = [
            code
            for code in comment.codes
            if code.startswith(NETRA_PREFIX) and (code not in known or (code in enabled and (row, code) not in used))
        ]
        if not unused:
            continue
        line_start = source.line_starts[row - 1]
        kept = [code for code in comment.codes if code not in unused]
        start, end = line_start + comment.start, line_start + comment.end
        if kept:
            edit = Edit(start, end, "# noqa: " + ", ".join(kept))
        else:
            line = source.line_text(row)
            after = line[comment.end :]
            if comment.only_directive or not after.strip():
                # nothing follows: remove the directive with the spaces before it
                before = len(line[: comment.start].rstrip())
                edit = Edit(line_start + before, line_start + len(line), "")
            elif after.lstrip().startswith("#"):
                # another comment follows: it takes the directive's place
                edit = Edit(start, end + len(after) - len(after.lstrip()), "")
            else:
                # text follows the directive: keep that text a comment, never code
                edit = Edit(start, end + len(after) - len(after.lstrip(" \t:")), "# ")
        names = ", ".join(unused)
        diag = Diagnostic(
            code=UNUSED_NOQA,
            message=f"Unused `noqa` directive (unused: {names})",
            start=start,
            end=end,
            fix_applicability=Applicability.SAFE,
            fix_title="Remove the unused codes",
        )
        diag.fix = Fix(Applicability.SAFE, (edit,), diag.fix_title)
        report.append(diag)
    return report
