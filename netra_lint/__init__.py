"""netra-lint: finds and safely fixes legacy websockets code, deprecated project APIs,
misplaced ``global``/``nonlocal`` declarations, missing methods and broken imports."""

__version__ = "0.2.2"
