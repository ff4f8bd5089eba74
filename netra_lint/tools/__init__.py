"""Maintenance commands run from a checkout (``python -m netra_lint.tools.NAME``)."""
