"""Which importable module a file is: what its relative imports and the qualified names of
its own classes are made of.

The project index knows it for every first-party file. A run without an index (no enabled
rule needs one) gets the same answer from the same roots (``src``, or the project root,
its ``src/`` and every sub-project), so what a relative import names doesn't depend on
whether another enabled rule needed the index: ``from .legacy import Old`` in
``src/pkg/mod.py`` is ``pkg.legacy.Old`` either way. The roots of a directory are worked
out once per run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .index import ProjectIndex
    from .settings import Settings


class ModuleName(NamedTuple):
    """A file's module name (None: outside every root, or not a valid name) and whether
    the file is a package's ``__init__``."""

    name: str | None
    is_package: bool


class ModuleNames:
    """Module names of the files of one run, as the project index names them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._layouts: dict[str, ProjectIndex] = {}  # directory → an index of its roots only

    def of(self, path: Path, index: ProjectIndex | None = None) -> ModuleName:
        """The module ``path`` is: the index's answer, or without one the answer it would give."""
        key = str(path)
        namer = index if index is not None else self._layout(os.path.dirname(key), path)
        name, is_package = namer.module_for_path(key)
        if name is None and os.path.realpath(key) != key:  # a symlink to a file under a root
            name, is_package = namer.module_for_path(os.path.realpath(key))
        return ModuleName(name, is_package)

    def _layout(self, directory: str, path: Path) -> ProjectIndex:
        layout = self._layouts.get(directory)
        if layout is None:
            from .index import ProjectIndex

            # The index's own choice of roots (a file's deepest root depends only on the
            # directories above it), on an index that holds no file: one place decides.
            roots = ProjectIndex._roots(self.settings, [path])
            layout = self._layouts[directory] = ProjectIndex(roots, self.settings.project_root)
        return layout
