"""NL501–NL503: imports and ``mock.patch``-style strings that name first-party code that
doesn't exist.

Detection answers from the project index alone: the per-file summary it already extracted
(imports with positions, string targets) and its model of every first-party module. A
file without a broken import is never parsed again; LibCST is used only to build fixes.

One module per code (``nl501_missing_module``, ``nl502_missing_name``,
``nl503_missing_patch_target``) over the shared ones: the declared moves (``moves``), what
the index knows about a module (``file_check``), where a name went (``destinations``) and
the rewriting of a ``from`` import (``import_edits``); the checker that runs them over a
file is ``broken_imports``, named after the family.
"""
