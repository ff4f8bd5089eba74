"""Finds the rule families under ``netra_lint/rules/`` and resolves rule selections."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import lru_cache

from . import ruff_host
from . import rules as rules_package
from .checker import Checker, RuleInfo
from .engine_rules import ENGINE_RULES


class SelectionError(ValueError):
    """A rule code or prefix that matches no known rule."""


@lru_cache(maxsize=1)
def checker_classes() -> tuple[type[Checker], ...]:
    """Every ``Checker`` subclass defined by a module of ``netra_lint.rules`` (a family may
    be one module or a package of modules)."""
    found: list[type[Checker]] = []
    prefix = f"{rules_package.__name__}."
    for info in sorted(pkgutil.walk_packages(rules_package.__path__, prefix), key=lambda m: m.name):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Checker)
                and value is not Checker
                and value.__module__ == module.__name__
                and value.rules
            ):
                found.append(value)
    return tuple(found)


@lru_cache(maxsize=1)
def all_rules() -> dict[str, RuleInfo]:
    """Code → documentation for every rule netra-lint knows, in code order."""
    table = {rule.code: rule for rule in ENGINE_RULES}
    for cls in checker_classes():
        for rule in cls.rules:
            if rule.code in table:
                raise RuntimeError(f"rule code {rule.code} is defined twice")
            table[rule.code] = rule
    return dict(sorted(table.items()))


def expand(selectors: Iterable[str], extra_codes: Iterable[str] = ()) -> set[str]:
    """Codes matched by selectors (full codes or prefixes, ``ALL``); ``extra_codes`` are
    codes owned by hosted tools that are valid too. Raises ``SelectionError``."""
    known = list(all_rules()) + list(extra_codes)
    chosen: set[str] = set()
    for selector in selectors:
        sel = selector.strip().upper()
        if not sel:
            continue
        if sel == "ALL":
            chosen.update(known)
            continue
        matches = {code for code in known if code.startswith(sel)}
        if not matches:
            raise SelectionError(
                ruff_host.not_hosted(selector, list(extra_codes)) or f"unknown rule code or prefix: {selector!r}"
            )
        chosen.update(matches)
    return chosen
