"""The project index, by concern: ``summarizer`` reads one file, ``store`` builds and caches
the summaries of every first-party file, ``resolution`` answers questions from them.

Callers import from ``netra_lint.index``, its public face (this package's ``__init__`` stays
empty: importing one of its modules must not import the others).
"""
