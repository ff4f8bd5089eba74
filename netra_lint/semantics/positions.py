"""From a LibCST node to the model's ``ast`` node, by where both stand in the text.

The LibCST rule families rewrite LibCST nodes but ask the semantic model about them; both
trees come from the same text (a focused LibCST tree keeps every offset), and their
expression nodes cover the same characters: a Name, an attribute chain, a call, a
subscript or a string has the same span in both. A parameter is the exception: LibCST's
span is its name, ``ast``'s runs on to the annotation; both start at the name.
"""

from __future__ import annotations

import ast
from functools import cached_property

from ..source import SourceFile
from .model import SemanticModel
from .scopes import child_fields

#: (line, UTF-8 column, end line, end UTF-8 column), as ``ast`` gives them.
Position = tuple[int, int, int, int]


class Locator:
    """Finds the model's nodes at text offsets (``FileContext.cst_span`` of a LibCST node)."""

    def __init__(self, model: SemanticModel, source: SourceFile) -> None:
        self.model = model
        self.source = source

    @cached_property
    def _by_position(self) -> dict[Position, list[ast.AST]]:
        """Every node with a position, outer ones first. A stack walk over the fields that
        hold nodes: ``ast.walk`` took 1.3 times as long, for every file a LibCST family
        analyses."""
        found: dict[Position, list[ast.AST]] = {}
        stack: list[ast.AST] = [self.model.tree]
        while stack:
            node = stack.pop()
            end = getattr(node, "end_col_offset", None)
            if end is not None:
                key = (node.lineno, node.col_offset, node.end_lineno, end)  # type: ignore[attr-defined]
                found.setdefault(key, []).append(node)
            for name in child_fields(type(node)):
                child = getattr(node, name, None)
                if isinstance(child, ast.AST):
                    stack.append(child)
                elif isinstance(child, list):
                    stack.extend(item for item in child if isinstance(item, ast.AST))
        return found

    @cached_property
    def _arguments(self) -> dict[tuple[int, int], ast.arg]:
        return {(n.lineno, n.col_offset): n for n in ast.walk(self.model.tree) if isinstance(n, ast.arg)}

    def position(self, start: int, end: int) -> Position:
        """The ``ast`` position of a span of text offsets."""
        return (*self._point(start), *self._point(end))

    def _point(self, offset: int) -> tuple[int, int]:
        row, column = self.source.location(offset)
        return row, len(self.source.line_text(row)[: column - 1].encode("utf-8"))

    def node(self, start: int, end: int, kind: type[ast.AST] | tuple[type[ast.AST], ...] = ast.expr) -> ast.AST | None:
        """The innermost node of ``kind`` that spans exactly ``start``–``end``."""
        found = [n for n in self._by_position.get(self.position(start, end), ()) if isinstance(n, kind)]
        return found[-1] if found else None

    def parameter(self, start: int) -> ast.arg | None:
        """The parameter whose name starts at ``start``."""
        return self._arguments.get(self._point(start))

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Text offsets of a model node; a name in a forward reference spans its string."""
        string = self.model.string_of.get(node)  # type: ignore[call-overload]
        return self.source.ast_span(string if string is not None else node)
