"""The project index: a static model of the project's own (first-party) code.

Rules ask it questions instead of walking the tree themselves:

* ``module_exists(name)`` / ``find_module(name)`` — does ``import name`` work? Resolution
  follows CPython's ``PathFinder``/``FileFinder`` on the first-party roots: in one
  directory a package ``x/__init__.py`` wins over a module ``x.py``, which wins over a
  namespace directory ``x/``; namespace portions merge across roots.
* ``is_first_party(name)`` — does the top-level name belong to the project? A namespace
  directory doesn't when a third-party package of that name is declared or installed
  (``ThirdPartyNames``), nor when it holds no Python code (``missing_dependency``).
* ``in_shared_namespace(name)`` — may another distribution's portion of a namespace
  package provide ``name``, which the project lacks (``shared_namespaces``)?
* ``beside(summary, name)`` — where ``import name`` leads in a file that puts its own
  directory on ``sys.path`` (a script importing its sibling modules).
* ``member(module, name)`` — what ``module.name`` is (a ``Ref``), ``UNKNOWN_REF`` when the
  index can't tell (``__getattr__``, unresolved star import, compiled module), ``None``
  when it is certainly missing. Star imports and re-exports are followed.
* ``resolve(qualname)`` — the same for a dotted path such as ``pkg.mod.Class.method``.
* ``binders(name)`` — the first-party modules that bind ``name`` (for "did you mean");
  ``modules()`` / ``children(name)`` — the module names the index parsed.
* ``called_names()`` — the capitalized names first-party code calls (which classes the
  project instantiates somewhere).
* ``module_info(name)`` / ``class_info(qualname)`` / ``subclasses(qualname)`` — bindings,
  ``__all__``, classes with bases, decorators, metaclass and members, functions with their
  return annotations.
* ``fingerprint`` — changes whenever any first-party file does (for result caches).
* ``summary_for(path, text)`` — the per-file summary the index already extracted
  (imports with positions, ``mock.patch``-style string targets), so a rule never parses a
  file again just to find out that nothing is wrong.

The answers are named records (``records``). The index is built with stdlib ``ast`` only,
in parallel and cached on disk (``store``), one file's summary at a time (``summarizer``);
the questions are answered in ``resolution``: all under ``netra_lint.project_index``.
"""

from .project_index.layout import StoredSummary
from .project_index.records import (
    UNKNOWN_REF,
    Binding,
    ClassInfo,
    FileSummary,
    FromImport,
    Import,
    ImportedName,
    ModuleImport,
    ModuleInfo,
    ModuleSpec,
    PatchTarget,
    Position,
    Ref,
    Signature,
    TypeEvidence,
)
from .project_index.resolution import ProjectIndex
from .project_index.store import CACHE_NAME, detect_roots
from .project_index.summarizer import summarize, summarize_text
from .project_index.syntax import BUILTIN_TYPES, expects_error
from .project_index.third_party import ThirdPartyNames
from .semantics.names import absolute_module, dotted_name
from .semantics.scopes import child_fields

__all__ = [
    "BUILTIN_TYPES",
    "CACHE_NAME",
    "UNKNOWN_REF",
    "Binding",
    "ClassInfo",
    "FileSummary",
    "FromImport",
    "Import",
    "ImportedName",
    "ModuleImport",
    "ModuleInfo",
    "ModuleSpec",
    "PatchTarget",
    "Position",
    "ProjectIndex",
    "Ref",
    "Signature",
    "StoredSummary",
    "ThirdPartyNames",
    "TypeEvidence",
    "absolute_module",
    "child_fields",
    "detect_roots",
    "dotted_name",
    "expects_error",
    "summarize",
    "summarize_text",
]
