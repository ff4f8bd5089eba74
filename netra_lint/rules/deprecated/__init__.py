"""Deprecated project APIs described by rule packs (NL201 imports, NL202 calls, NL203 members).

A pack entry names a deprecated class or function by every path it can be imported from,
its replacement, and for each method (or the constructor / function itself) the old
signature plus a call template written with the old parameter names. A call is rewritten
only when its receiver is known to be the deprecated class (by where the class was
imported from, never by a method name alone) and its arguments bind to the old signature
the way Python binds them.

``pack`` is the pack model and schema, ``rendering`` binds calls and renders templates,
``resolution`` maps the semantic model's answers (what names refer to, what a receiver is
an instance of) through the packs, ``analysis`` holds one file's facts, and each
``nlNNN_*`` module holds one code's documentation and checks; ``deprecated_api`` is the
family's ``Checker``.
"""
