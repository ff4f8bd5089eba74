"""Loading the configuration: ``[tool.netra-lint]`` in pyproject.toml, command-line
overrides, and the rule packs.

Every key is validated; an unknown key, a wrong type, an unknown rule code or a bad pack
is a ``ConfigError`` whose message names the file and the key. Nothing is ignored silently.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from .checker import PackError
from .discovery import discover, path_problem
from .registry import SelectionError, all_rules, checker_classes, expand
from .ruff_host import RUFF_CODE
from .settings import (
    DEFAULT_EXCLUDE,
    ENGINE_KEYS,
    RUFF_KEYS,
    TARGET_VERSIONS,
    TOOL_KEY,
    ConfigError,
    PackChoice,
    Settings,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def bundled_pack_dir() -> Path:
    """The ``rules/`` packs: inside the installed wheel, or beside the source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_rule_packs"
    return installed if installed.is_dir() else here.parent / "rules"


def find_config(start: Path) -> tuple[Path | None, Path | None]:
    """Walk up from ``start``: (pyproject with ``[tool.netra-lint]``, first pyproject seen)."""
    first: Path | None = None
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            first = first or candidate
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                return candidate, first  # reported properly when loaded
            if TOOL_KEY in data.get("tool", {}):
                return candidate, first
    return None, first


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):  # one string is not read as a list of one: ruff rejects it too
        raise ConfigError(f"{where} must be a list of strings, got the string {value!r} (write {json.dumps([value])})")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return value


def _codes(value: Any, where: str, extra: Iterable[str] = ()) -> set[str]:
    try:
        return expand(_string_list(value, where), extra)
    except SelectionError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_settings(
    paths: Iterable[Path],
    config: Path | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    extend_select: list[str] | None = None,
    unsafe_fixes: bool | None = None,
) -> Settings:
    """Resolve the configuration for a run from the config file and command-line flags."""
    paths = list(paths) or [Path.cwd()]
    if config is not None:
        config_path: Path | None = config
        first_pyproject: Path | None = config
        if not os.path.isfile(config):
            raise ConfigError(f"{config}: config file not found ({path_problem(config) or 'not a regular file'})")
    else:
        problem = path_problem(paths[0])  # the configuration is looked for from there
        if problem is not None:
            raise ConfigError(f"{paths[0]}: {problem}")
        config_path, first_pyproject = find_config(paths[0])
    root = (config_path or first_pyproject or _default_root(paths[0])).resolve()
    if root.is_file():
        root = root.parent

    document = _load_toml(config_path) if config_path else {}
    table = document.get("tool", {}).get(TOOL_KEY, {}) if config_path else {}
    if config is not None and config.name != "pyproject.toml" and TOOL_KEY not in document.get("tool", {}):
        table = document  # a dedicated netra-lint.toml holds the keys at top level
    where = f"{config_path}: [tool.{TOOL_KEY}]" if config_path else "[tool.netra-lint]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")

    settings = Settings(project_root=root, config_path=config_path)
    settings.pyproject = _load_toml(first_pyproject) if first_pyproject and first_pyproject != config_path else document
    options = {key: option for cls in checker_classes() for key, option in cls.options.items()}
    for key, value in table.items():
        expected = ENGINE_KEYS.get(key) or (options[key].type if key in options else None)
        if expected is None:
            known = ", ".join(sorted([*ENGINE_KEYS, *options]))
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {known})")
        if (expected is dict and not isinstance(value, dict)) or (expected is bool and not isinstance(value, bool)):
            raise ConfigError(
                f"{where} key {key!r} must be a {'table' if expected is dict else 'boolean'}, got {value!r}"
            )
        if expected is int and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise ConfigError(f"{where} key {key!r} must be a positive integer, got {value!r}")
        if expected is str and not isinstance(value, str):
            raise ConfigError(f"{where} key {key!r} must be a string, got {value!r}")
        if expected is list:
            _string_list(value, f"{where} key {key!r}")
        value_problem = options[key].problem if key in options else None
        if value_problem is not None and (why := value_problem(value)) is not None:
            raise ConfigError(f"{where} key {key!r} {why}")

    _load_ruff_table(settings, table.get("ruff", {}), f"{where}.ruff" if config_path else "[tool.netra-lint.ruff]")
    hosted = settings.ruff_hosted if settings.ruff_enabled else ()

    def codes(value: Any, key: str) -> set[str]:
        values = _string_list(value, key if key.startswith("--") else f"{where} key {key!r}")
        try:
            chosen = expand(values, hosted)
        except SelectionError as exc:
            raise ConfigError(f"{key}: {exc}" if key.startswith("--") else f"{where} key {key!r}: {exc}") from None
        if key.lstrip("-") in ("select", "extend-select"):
            named = [v.strip().upper() for v in values]
            settings.ruff_explicit |= any(v != "ALL" and not v.startswith("NL") for v in named)
        return chosen

    selected = codes(table["select"], "select") if "select" in table else set(all_rules()) | set(hosted)
    if "extend-select" in table:
        selected |= codes(table["extend-select"], "extend-select")
    if "ignore" in table:
        selected -= codes(table["ignore"], "ignore")
    if select:
        selected = codes(select, "--select")
    if extend_select:
        selected |= codes(extend_select, "--extend-select")
    if ignore:
        selected -= codes(ignore, "--ignore")
    settings.enabled = frozenset(selected)

    settings.exclude = list(_string_list(table.get("exclude", list(DEFAULT_EXCLUDE)), f"{where} key 'exclude'"))
    settings.exclude += _string_list(table.get("extend-exclude", []), f"{where} key 'extend-exclude'")
    for pattern, codes in table.get("per-file-ignores", {}).items():
        spec = pathspec.PathSpec.from_lines("gitwildmatch", [pattern])
        settings.per_file_ignores.append(
            (spec, frozenset(_codes(codes, f"{where} key 'per-file-ignores' entry {pattern!r}", hosted)))
        )
    for name in _string_list(table.get("src", []), f"{where} key 'src'"):
        directory = Path(os.path.realpath(root / name))
        if not os.path.isdir(directory):  # a typo would silently change what is first-party
            raise ConfigError(f"{where} key 'src': {name!r} is not a directory ({directory})")
        settings.src.append(directory)
    settings.unsafe_fixes = bool(table.get("unsafe-fixes", False)) if unsafe_fixes is None else unsafe_fixes
    target = table.get("target-version", "py310")
    if target not in TARGET_VERSIONS:
        raise ConfigError(f"{where} key 'target-version' must be one of {', '.join(TARGET_VERSIONS)}, got {target!r}")
    settings.target_version = target
    settings.max_file_size = table.get("max-file-size", settings.max_file_size)
    if "cache-dir" in table:
        settings.cache_dir = (root / table["cache-dir"]).resolve()
    settings.options = {k: v for k, v in table.items() if k in options}

    base = config_path.parent if config_path else root
    named = _string_list(table.get("packs", []), f"{where} key 'packs'")
    settings.pack_choices = _choose_packs(settings, named, base, f"{where} key 'packs'")
    settings.pack_files = [choice.path for choice in settings.pack_choices if choice.in_effect]
    settings.packs = load_packs(settings.pack_files)
    if "baseline" in table:
        settings.baseline = base / table["baseline"]
    return settings


@dataclass(frozen=True)
class PackHeader:
    """A pack's ``[pack]`` table. ``first_party`` lists the packages of the one project a
    pack is about (its deprecated code lives there): such a bundled pack applies only where
    one of them is first-party, or where the configuration names it."""

    name: str
    first_party: tuple[str, ...] = ()


def _pack_header(value: Any, path: Path) -> PackHeader:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [pack] must be a table (name, description, first-party)")
    for key, item in value.items():
        if key == "first-party":
            if not isinstance(item, list) or not all(
                isinstance(m, str) and all(p.isidentifier() for p in m.split(".")) for m in item
            ):
                raise ConfigError(f"{path}: [pack] key 'first-party' must be a list of module names, got {item!r}")
        elif not isinstance(item, str):
            raise ConfigError(f"{path}: [pack] key {key!r} must be a string, got {item!r}")
    return PackHeader(value.get("name", ""), tuple(value.get("first-party", ())))


def _choose_packs(settings: Settings, named: list[str], base: Path, where: str) -> list[PackChoice]:
    """Every bundled pack, in effect or not, then the packs named by path (always in effect).

    A name in ``packs`` is a bundled pack's ``[pack] name``, or else a path relative to
    ``base``."""
    bundled = {path: _pack_header(_load_toml(path).get("pack", {}), path) for path in bundled_pack_dir().glob("*.toml")}
    by_name = {header.name: path for path, header in bundled.items() if header.name}
    chosen: set[Path] = set()
    own: list[Path] = []
    for entry in named:
        pack = by_name.get(entry) or Path(os.path.realpath(base / entry))
        if pack in bundled:
            chosen.add(pack)
        elif not os.path.isfile(pack):
            known = ", ".join(sorted(by_name))
            raise ConfigError(
                f"{where}: {entry!r} is neither a pack file ({pack} not found) nor a bundled pack ({known})"
            )
        elif pack not in own:
            own.append(pack)
    asked = {top for path, header in bundled.items() if path not in chosen for top in header.first_party}
    first_party = _first_party(settings, asked) if asked else set()
    choices = []
    for path, header in sorted(bundled.items()):
        name = header.name or path.stem
        if path in chosen:
            choices.append(PackChoice(path, name, True, True, "named in [tool.netra-lint] packs"))
        elif not header.first_party:
            choices.append(PackChoice(path, name, True, True, "applies to every project"))
        else:
            here = sorted(set(header.first_party) & first_party)
            about = ", ".join(here or header.first_party)
            reason = (
                f"its code ({about}) is first-party here"
                if here
                else f'its code ({about}) is not first-party here; add "{name}" to [tool.netra-lint] packs to use it'
            )
            choices.append(PackChoice(path, name, True, bool(here), reason))
    for path in own:
        header = _pack_header(_load_toml(path).get("pack", {}), path)
        choices.append(PackChoice(path, header.name or path.stem, False, True, "named in [tool.netra-lint] packs"))
    return choices


def _first_party(settings: Settings, modules: set[str]) -> set[str]:
    """Which of ``modules`` are the project's own code, decided as the project index decides
    (``detect_roots``, ``ProjectIndex.is_first_party``) but without indexing: the roots that
    need no walk first, then those of sub-projects, found by a walk that skips the inside of
    packages (no root is in one)."""
    from .index import ProjectIndex, detect_roots

    root = settings.project_root

    def among(roots: list[Path]) -> set[str]:
        index = ProjectIndex(roots, root)
        return {module for module in modules if index.is_first_party(module)}

    if settings.src:
        return among(settings.src)
    found = among(detect_roots(root, ()))
    if found == modules:
        return found
    return among(detect_roots(root, discover([root], settings, into_packages=False).files))


def _load_ruff_table(settings: Settings, table: Any, where: str) -> None:
    for key, value in table.items():
        expected = RUFF_KEYS.get(key)
        if expected is None:
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {', '.join(sorted(RUFF_KEYS))})")
        if expected is bool and not isinstance(value, bool):
            raise ConfigError(f"{where} key {key!r} must be a boolean, got {value!r}")
    if "select" in table:
        hosted = _string_list(table["select"], f"{where} key 'select'")
        bad = [code for code in hosted if not RUFF_CODE.match(code) or code.startswith("NL")]
        if bad:
            raise ConfigError(f"{where} key 'select': not a ruff rule code: {bad[0]!r}")
        settings.ruff_hosted = tuple(hosted)
        settings.ruff_explicit = True  # the user chose these ruff rules: a missing ruff is an error
    settings.ruff_enabled = table.get("enabled", True)


def _default_root(path: Path) -> Path:
    """Without a pyproject.toml, the project is the current directory (as for ruff) when it
    holds the path; otherwise the path's own directory."""
    path = path.resolve()
    cwd = Path.cwd().resolve()
    if path == cwd or cwd in path.parents:
        return cwd
    return path if path.is_dir() else path.parent


def load_packs(files: Iterable[Path]) -> dict[str, list[Any]]:
    """Read and validate rule packs; each section goes to the family that declares it."""
    owners = {section: cls for cls in checker_classes() for section in cls.pack_sections}
    packs: dict[str, list[Any]] = {}
    for path in files:
        document = _load_toml(path)
        for section, value in document.items():
            if section == "pack":
                _pack_header(value, path)
                continue
            owner = owners.get(section)
            if owner is None:
                known = ", ".join(sorted(owners)) or "none"
                raise ConfigError(f"{path}: unknown pack section [{section}] (known sections: {known})")
            try:
                packs.setdefault(section, []).extend(owner.parse_pack(section, value, str(path)))
            except PackError as exc:
                raise ConfigError(str(exc)) from None
    for section, entries in packs.items():
        try:
            owners[section].validate_packs(section, entries)
        except PackError as exc:
            raise ConfigError(str(exc)) from None
    return packs
