"""Whether a namespace package of the project may receive portions from other
distributions: ``genie/`` without ``__init__.py`` in one distribution, ``genie.metaparser``
in another, merged by the import system at run time. A submodule missing from the
project's own portion is then not certainly missing.

Such a namespace is one whose every directory up from it is a namespace directory too (a
regular package on the way fixes ``__path__`` to its own directory), and whose import root
is either declared to a build backend as holding namespace packages, or has the shape of a
portion: one chain of namespace directories, without modules, down to a single package.

Declarations are read, never executed: ``setup.py`` through ``ast`` (a call of
``find_namespace_packages`` or a ``namespace_packages=`` keyword), ``setup.cfg``
(``packages = find_namespace:``, ``namespace_packages``) and ``pyproject.toml``
(``[tool.setuptools.packages.find]``, whose ``namespaces`` is true unless set false).
"""

from __future__ import annotations

import ast
import configparser
import os
import sys
from collections.abc import Iterator

from ..semantics.names import dotted_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: The files whose declarations decide which import roots hold shared namespace packages.
DECLARATION_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
#: Calls that find namespace packages (by the last parts of the called name).
_FINDERS = ("find_namespace_packages", "PEP420PackageFinder.find")


def declaration_directories(root: str, project_root: str) -> Iterator[str]:
    """Where a declaration about ``root`` may live: ``root`` and its parents up to the
    project root (only ``root`` itself when it is outside the project)."""
    directory, top = os.path.normpath(root), os.path.normpath(project_root)
    yield directory
    while directory != top and directory.startswith(top.rstrip(os.sep) + os.sep):
        directory = os.path.dirname(directory)
        yield directory


def namespace_roots(directory: str) -> frozenset[str]:
    """The directories that ``directory``'s declarations tell a build backend to look in
    for namespace packages (absolute, normalized)."""
    found: set[str] = set()
    for name, read in (("setup.py", _setup_py), ("setup.cfg", _setup_cfg), ("pyproject.toml", _pyproject)):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            found.update(os.path.normpath(os.path.join(directory, where)) for where in read(path))
    return frozenset(found)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _constant_string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _setup_py(path: str) -> list[str]:
    """The ``where`` of each namespace package finder call, and the ``package_dir`` root
    (or the directory itself) when a ``namespace_packages=`` keyword lists some."""
    try:
        tree = ast.parse(_read(path))
    except (SyntaxError, ValueError, RecursionError):
        return []
    wheres: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted_name(node.func) or ""
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if name.endswith(_FINDERS):
            where = keywords.get("where", node.args[0] if node.args else None)
            wheres.append("." if where is None else _constant_string(where) or ".")
        elif "namespace_packages" in keywords:
            package_dir = keywords.get("package_dir")
            base = None
            if isinstance(package_dir, ast.Dict):
                base = next(
                    (
                        _constant_string(v)
                        for k, v in zip(package_dir.keys, package_dir.values)
                        if _constant_string(k) == ""
                    ),
                    None,
                )
            wheres.append(base or ".")
    return wheres


def _setup_cfg(path: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read(path))
    except configparser.Error:
        return []
    packages = parser.get("options", "packages", fallback="").strip()
    declared = packages == "find_namespace:" or parser.get("options", "namespace_packages", fallback="").strip()
    if not declared:
        return []
    return [parser.get("options.packages.find", "where", fallback=".").strip() or "."]


def _pyproject(path: str) -> list[str]:
    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError:
        return []
    find = data.get("tool", {}).get("setuptools", {}).get("packages")
    find = find.get("find") if isinstance(find, dict) else None
    if not isinstance(find, dict) or find.get("namespaces", True) is not True:
        return []
    where = find.get("where", ["."])
    return [w for w in where if isinstance(w, str)] if isinstance(where, list) else []
