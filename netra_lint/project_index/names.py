"""Qualified names in one file: the names a file's imports bind, and dotted names and
annotations made absolute through them."""

from __future__ import annotations

import ast
import builtins

from ..semantics.names import absolute_module, dotted_name


class _ImportedNames:
    """The names a file's imports bind, noted as the summarizer meets the imports; what the
    file defines at top level comes from the summarizer's ``bindings`` (the same dict)."""

    def __init__(self, module: str | None, is_package: bool, bindings: dict[str, tuple[str, ...]]) -> None:
        self.module = module
        self.is_package = is_package
        self.bindings = bindings
        self.aliases: dict[str, str] = {}  # local name → qualified name, from every import in the file
        self.module_level: set[str] = set()  # names of ``aliases`` bound by module-level imports
        self.ambiguous: set[str] = set()  # local names that imports bind to different names

    def absolute(self, level: int, module: str | None) -> str | None:
        return absolute_module(self.module, self.is_package, level, module)

    def note_aliases(self, node: ast.Import | ast.ImportFrom, module_level: bool = False) -> None:
        """Note the names an import binds. Module-level imports (noted first) win over
        imports inside functions, whose scopes the summary doesn't follow; two that bind a
        name to different things at the same level make it ambiguous (``try: from
        unittest.mock import patch`` / ``except ImportError: from mock import patch``)."""
        if isinstance(node, ast.Import):
            pairs = [
                (a.asname, a.name) if a.asname else (a.name.split(".")[0], a.name.split(".")[0]) for a in node.names
            ]
        else:
            source = self.absolute(node.level, node.module)
            pairs = [(a.asname or a.name, f"{source}.{a.name}") for a in node.names if source and a.name != "*"]
        for name, qualified in pairs:
            known = self.aliases.get(name)
            if known is None:
                self.aliases[name] = qualified
                if module_level:
                    self.module_level.add(name)
            elif known != qualified and (module_level or name not in self.module_level):
                self.ambiguous.add(name)

    def qualify(self, dotted: str) -> str:
        """A dotted name in this file, made absolute through the file's imports; a name that
        imports bind to different things resolves to nothing."""
        head, _, rest = dotted.partition(".")
        if self.bindings.get(head) in (("class",), ("def",)) and self.module:
            base = f"{self.module}.{head}"  # only a top-level def or class binds it
        elif head in self.ambiguous:
            base = f"<ambiguous>.{head}"  # resolves to nothing
        elif head in self.aliases:
            base = self.aliases[head]
        elif head in vars(builtins):
            base = f"builtins.{head}"
        else:
            base = head
        return f"{base}.{rest}" if rest else base

    def annotation(self, node: ast.expr | None) -> str:
        """An annotation as text, every dotted name in it (forward references and names
        inside ``Optional[...]``, ``X | None``... included) made absolute."""
        if node is None:
            return ""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if all(p.isidentifier() for p in text.split(".")):
                return self.qualify(text)
            try:
                node = ast.parse(text, mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                return text
        dotted = dotted_name(node)
        if dotted:
            return self.qualify(dotted)
        if isinstance(node, ast.Subscript):
            value = self.annotation(node.value)
            if value.rpartition(".")[2] == "Literal":  # strings here are values, not names
                values = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                return f"{value}[{', '.join(ast.unparse(v) for v in values)}]"
            return f"{value}[{self.annotation(node.slice)}]"
        if isinstance(node, ast.Tuple):
            return ", ".join(self.annotation(e) for e in node.elts)
        if isinstance(node, ast.List):
            return "[" + ", ".join(self.annotation(e) for e in node.elts) + "]"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return f"{self.annotation(node.left)} | {self.annotation(node.right)}"
        try:
            return ast.unparse(node)
        except (ValueError, RecursionError):  # pragma: no cover - exotic trees only
            return ""
