"""Rule families: one module per family, each defining one ``netra_lint.checker.Checker``
subclass. The registry imports every module here; nothing else lists them."""
