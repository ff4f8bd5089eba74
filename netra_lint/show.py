"""``--show-files`` and ``--show-settings``: what a run would look at, and with which
settings, without checking anything (ruff's flags of the same names)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .settings import Settings


def files(paths: Iterable[Path]) -> str:
    """The files a run checks, absolute and sorted, one a line."""
    return "".join(f"{name}\n" for name in sorted(os.path.abspath(path) for path in paths))


def _value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple, frozenset, set)):
        items = sorted(map(str, value)) if isinstance(value, (frozenset, set)) else [str(v) for v in value]
        if not items:
            return "[]"
        return "[\n" + "".join(f'\t"{item}",\n' for item in items) + "]"
    if isinstance(value, Path):
        return f'"{value}"'
    if value is None:
        return "none"
    return repr(value) if isinstance(value, str) else str(value)


def settings(path: Path, settings: Settings, extend: dict[str, object]) -> str:
    """The settings a run uses for ``path``: general ones, how files are chosen, and the
    linter's; ``extend`` adds the run's command-line choices to the general section."""
    relative = settings.relative(path)
    sections: list[tuple[str, dict[str, object]]] = [
        (
            "General Settings",
            {
                "project_root": settings.project_root,
                "cache_dir": settings.cache_dir or settings.project_root / ".netra_lint_cache",
                "use_cache": settings.use_cache,
                "unsafe_fixes": settings.unsafe_fixes,
                **extend,
            },
        ),
        (
            "File Resolver Settings",
            {
                "exclude": settings.exclude,
                "respect_gitignore": settings.respect_gitignore,
                "max_file_size": settings.max_file_size,
            },
        ),
        (
            "Linter Settings",
            {
                "enabled": settings.enabled,
                "ignored_for_this_file": settings.ignored_for(relative),
                "target_version": settings.target_version,
                "src": settings.src,
                "packs": settings.pack_files,
                "ruff.enabled": settings.ruff_enabled,
                "ruff.hosted": settings.ruff_hosted,
                **{f"options.{key}": value for key, value in sorted(settings.options.items())},
            },
        ),
    ]
    out = [f'Resolved settings for: "{os.path.abspath(path)}"']
    if settings.config_path is not None:
        out.append(f'Settings path: "{settings.config_path.resolve()}"')
    for title, values in sections:
        out.append("")
        out.append(f"# {title}")
        out.extend(f"{key} = {_value(value)}" for key, value in values.items())
    return "\n".join(out) + "\n"
