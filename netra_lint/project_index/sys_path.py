"""A file that puts its own directory on ``sys.path``: ``sys.path.insert(0,
os.path.dirname(__file__))``, ``sys.path.append(str(Path(__file__).resolve().parent))``.

Its bare imports of sibling modules then work (the script is run from anywhere, or imported
by a test runner), so they resolve from that directory too. Only strings count: the import
system skips a ``Path`` put on ``sys.path`` as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..semantics.names import dotted_name

#: Calls that give a path's directory as a string, and those that give the same path.
_DIRNAME = frozenset({"os.path.dirname", "posixpath.dirname"})
_SAME_PATH = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "posixpath.abspath"})
_AS_STRING = frozenset({"builtins.str", "os.fspath"})
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
#: ``Path`` methods that give the same path.
_PATH_METHODS = frozenset({"resolve", "absolute", "expanduser"})

STRING = "string"  #: the file's directory as a string
PATH = "path"  #: the file's directory as a ``Path``


class OwnDirectory:
    """Recognises the expressions that give the file's own directory, through the file's
    imports (``qualify``) and module-level names bound to one (``names``)."""

    def __init__(self, qualify: Callable[[str], str]) -> None:
        self.qualify = qualify
        self.names: dict[str, str] = {}  # module-level name → STRING or PATH

    def note_assignment(self, stmt: ast.Assign) -> None:
        """``HERE = Path(__file__).parent``: ``HERE`` names the directory from now on."""
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            kind = self.kind(stmt.value)
            if kind is not None:
                self.names[stmt.targets[0].id] = kind
            else:
                self.names.pop(stmt.targets[0].id, None)

    def entry(self, call: ast.Call) -> bool | None:
        """For ``sys.path.insert(i, d)`` (True: first) or ``sys.path.append(d)`` (False: last)
        with ``d`` the file's directory as a string; else None."""
        callee = dotted_name(call.func)
        if callee is None or call.keywords:
            return None
        method = self.qualify(callee)
        if method == "sys.path.insert" and len(call.args) == 2:
            first = True
        elif method == "sys.path.append" and len(call.args) == 1:
            first = False
        else:
            return None
        return first if self.kind(call.args[-1]) == STRING else None

    def kind(self, node: ast.expr) -> str | None:
        """STRING or PATH when ``node`` gives the file's own directory, else None."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            return PATH if node.attr == "parent" and _file_path(node.value, self.qualify) else None
        if not isinstance(node, ast.Call) or len(node.args) != 1 or node.keywords:
            return None
        callee = self.qualify(dotted_name(node.func) or "")
        if callee in _DIRNAME:
            return STRING if _file_string(node.args[0], self.qualify) else None
        if callee in _SAME_PATH:
            return STRING if self.kind(node.args[0]) == STRING else None
        if callee in _AS_STRING:
            return STRING if self.kind(node.args[0]) == PATH else None
        return None


def _file_string(node: ast.expr, qualify: Callable[[str], str]) -> bool:
    """``__file__``, or ``os.path.abspath(__file__)`` and its kin."""
    if isinstance(node, ast.Name):
        return node.id == "__file__"
    return (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and not node.keywords
        and qualify(dotted_name(node.func) or "") in _SAME_PATH
        and _file_string(node.args[0], qualify)
    )


def _file_path(node: ast.expr, qualify: Callable[[str], str]) -> bool:
    """``Path(__file__)``, and ``.resolve()``/``.absolute()`` of it."""
    if not isinstance(node, ast.Call) or node.keywords:
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr in _PATH_METHODS and not node.args:
        return _file_path(node.func.value, qualify)
    return (
        len(node.args) == 1
        and qualify(dotted_name(node.func) or "") in _PATH_CLASSES
        and _file_string(node.args[0], qualify)
    )
