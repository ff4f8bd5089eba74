"""The comments of a parenthesised ``from`` import, by the name they were written for, so a
fix that moves names elsewhere takes each name's comments along instead of dropping them.

Inside the parentheses every comment sits in the whitespace between two elements (the
``(``, each name with its comma, the ``)``): the comment ending a line belongs to the name
before it (after ``(``: to the statement), the comment lines belong to the name after them
(before ``)``: to the statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ...lazy import libcst as cst


class NameComments(NamedTuple):
    """The comments of one imported name."""

    above: tuple[cst.EmptyLine, ...]  # the lines just above it
    after: cst.TrailingWhitespace | None  # the end of its line, when the line ends there


class StatementComments(NamedTuple):
    """Every comment of a ``from`` import, by where it belongs."""

    head: cst.TrailingWhitespace | None  # after ``(``
    names: tuple[NameComments, ...]
    tail: tuple[cst.EmptyLine, ...]  # the lines before ``)``

    @property
    def any(self) -> bool:
        return bool(_text(self.head) or any(_lines(c.above) or _text(c.after) for c in self.names) or _lines(self.tail))


def _gaps(node: cst.ImportFrom) -> list[cst.BaseParenthesizableWhitespace]:
    """The whitespace after ``(`` and after each name (its comma's, or for a last name
    without one, the whitespace before ``)``)."""
    assert node.lpar is not None and node.rpar is not None and not isinstance(node.names, cst.ImportStar)
    gaps = [node.lpar.whitespace_after]
    for alias in node.names:
        gaps.append(alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else node.rpar.whitespace_before)
    return gaps


def comments_of(node: cst.ImportFrom) -> StatementComments:
    """The comments of ``node`` by where they belong (none unless it is parenthesised)."""
    if node.lpar is None or node.rpar is None or isinstance(node.names, cst.ImportStar):
        count = 0 if isinstance(node.names, cst.ImportStar) else len(node.names)
        return StatementComments(None, (NameComments((), None),) * count, ())
    gaps = _gaps(node)
    first_lines = [g.first_line if isinstance(g, cst.ParenthesizedWhitespace) else None for g in gaps]
    lines = [tuple(g.empty_lines) if isinstance(g, cst.ParenthesizedWhitespace) else () for g in gaps]
    names = tuple(NameComments(lines[i], first_lines[i + 1]) for i in range(len(node.names)))
    return StatementComments(first_lines[0], names, lines[-1])


def with_names(node: cst.ImportFrom, kept: Sequence[int]) -> cst.ImportFrom:
    """``node`` importing only the names at the positions ``kept`` (sorted, not empty),
    each with its own comments; the statement keeps its own. Without parentheses: the
    names, the last one with the statement's last comma."""
    aliases = list(node.names)  # type: ignore[arg-type]
    lpar, rpar = node.lpar, node.rpar
    if lpar is None or rpar is None:
        last = aliases[kept[-1]].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(names=[*(aliases[i] for i in kept[:-1]), last])
    gaps = _gaps(node)
    comments = comments_of(node)
    trailing_comma = isinstance(aliases[-1].comma, cst.Comma)

    def gap(before: int, after: int | None) -> cst.BaseParenthesizableWhitespace:
        """The whitespace from element ``before`` (-1: the ``(``) to the name ``after``
        (None: the ``)``): the first's line end, the lines above the second, and the
        indentation that led to the second."""
        own, lead = gaps[before + 1], gaps[after if after is not None else len(aliases)]
        above = comments.names[after].above if after is not None else comments.tail
        if isinstance(own, cst.ParenthesizedWhitespace):
            shape = lead if isinstance(lead, cst.ParenthesizedWhitespace) else own
            return own.with_changes(empty_lines=above, indent=shape.indent, last_line=shape.last_line)
        if not above:
            return own
        return cst.ParenthesizedWhitespace(
            empty_lines=above,
            indent=lead.indent if isinstance(lead, cst.ParenthesizedWhitespace) else True,
            last_line=lead.last_line if isinstance(lead, cst.ParenthesizedWhitespace) else cst.SimpleWhitespace(""),
        )

    names = []
    for j, i in enumerate(kept):
        own = aliases[i].comma
        comma = own if isinstance(own, cst.Comma) else cst.Comma()
        following = kept[j + 1] if j + 1 < len(kept) else None
        after = gap(i, following)
        if following is not None or trailing_comma:
            names.append(aliases[i].with_changes(comma=comma.with_changes(whitespace_after=after)))
        else:
            names.append(aliases[i].with_changes(comma=cst.MaybeSentinel.DEFAULT))
            rpar = rpar.with_changes(whitespace_before=after)
    return node.with_changes(names=names, lpar=lpar.with_changes(whitespace_after=gap(-1, kept[0])), rpar=rpar)


def import_text(
    head: str,
    names: Sequence[str],
    comments: Sequence[NameComments],
    indent: str,
    newline: str,
    statement: StatementComments | None = None,
) -> str:
    """``{head}{names}`` on one line, or parenthesised with one name a line when there are
    comments to carry: the lines above each name, the comment after it, and ``statement``'s
    own (after the ``(``, before the ``)``)."""
    first = _text(statement.head) if statement else ""
    tail = _lines(statement.tail) if statement else []
    if not first and not tail and not any(_lines(c.above) or _text(c.after) for c in comments):
        return head + ", ".join(names)
    inner = indent + "    "
    lines = [f"{head}(" + (f"  {first}" if first else "")]
    for name, comment in zip(names, comments):
        lines += [inner + text for text in _lines(comment.above)]
        after = _text(comment.after)
        lines.append(f"{inner}{name}," + (f"  {after}" if after else ""))
    lines += [inner + text for text in tail]
    return newline.join([*lines, indent + ")"])


def _text(line: cst.TrailingWhitespace | None) -> str:
    return line.comment.value if line is not None and line.comment is not None else ""


def _lines(lines: Sequence[cst.EmptyLine]) -> list[str]:
    return [line.comment.value for line in lines if line.comment is not None]
