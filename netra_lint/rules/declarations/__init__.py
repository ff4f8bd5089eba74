"""NL301/NL302: a ``global`` or ``nonlocal`` declaration that comes after the name's use.

Such a file parses but does not compile: CPython's symbol table rejects it with "name 'x'
is used prior to global declaration" and its twins, and stops at the first one.
``symbols`` replays the symbol-table pass so the reports agree with ``compile()`` and
include every error; ``hoist`` builds the fix, which moves the declarations to the top of
their scope; ``nl301_global`` and ``nl302_nonlocal`` document the codes, and
``global_after_use`` is the family's ``Checker``.
"""
