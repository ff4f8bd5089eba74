"""The ``Checker`` of the declarations family: reports each late name (NL301 / NL302) with
the fix of its scope."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable

from ...checker import Checker, FileContext
from ...diagnostics import Applicability, Diagnostic
from ...source import SourceFile
from . import nl301_global, nl302_nonlocal
from .hoist import Fixer, scope_fixes
from .symbols import DECLARATION, Finding, findings

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


class GlobalAfterUse(Checker):
    """Declarations that come after the use of their names, which CPython refuses to compile."""

    rules = (nl301_global.RULE, nl302_nonlocal.RULE)

    def needles(self) -> Collection[str]:
        return ("global", "nonlocal")

    def focus(self, ctx: FileContext) -> Collection[str]:
        """Only the scopes that declare something (kept whatever the identifiers)."""
        return ()

    @staticmethod
    def file_facts(tree: ast.Module, source: SourceFile) -> bool:
        """Whether the file has a finding: the index's parse answers it for most files, so
        that only the files with one are parsed again."""
        return bool(findings(tree, source))

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        if not DECLARATION.search(ctx.text) or not ctx.file_facts():
            return
        found = findings(ctx.ast_tree, ctx.source)
        if not found:
            return
        fixer = Fixer(ctx)
        fixes = scope_fixes(found, fixer)
        for finding in found:
            fix = fixes.get(id(finding.scope)) if finding.fixable else None
            yield ctx.diagnostic(
                finding.code,
                finding.message,
                _name_span(ctx, finding),
                fix=fix,
                applicability=Applicability.SAFE if fix else None,
                fix_title=f"Move the `{_keyword(finding.code)}` declaration to the top of the scope" if fix else "",
            )


def _keyword(code: str) -> str:
    return "global" if code == nl301_global.CODE else "nonlocal"


def _name_span(ctx: FileContext, finding: Finding) -> tuple[int, int]:
    """The span of the reported name: inside the declaration, or the annotated target."""
    node = finding.node
    if finding.index < 0:
        return ctx.source.ast_span(node.target)  # type: ignore[attr-defined]
    start, end = ctx.source.ast_span(node)
    keyword_end = start + len(_keyword(finding.code))
    names = list(_IDENTIFIER.finditer(ctx.text, keyword_end, end))
    if finding.index < len(names):
        match = names[finding.index]
        return match.start(), match.end()
    return start, end
