"""``netra-lint export-ruff-config``: editor feedback through ruff, without a plugin.

The deprecated modules and names of the enabled rule families become ruff ``banned-api``
entries (rule TID251) whose messages point at ``netra-lint --fix``, so every editor that
runs ruff's language server shows them as you type. ``NL`` goes into ruff's
``lint.external`` so ruff keeps our ``# noqa: NL...`` codes instead of flagging them.
Hand-written entries are never touched: ours are recognised by their message prefix.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.items import Table

from .registry import checker_classes
from .settings import Settings

MARKER = "netra-lint:"
BANNED_API_RULE = "TID251"


def desired_entries(settings: Settings) -> dict[str, str]:
    """Qualified name → ruff message, from every enabled rule family."""
    entries: dict[str, str] = {}
    for cls in checker_classes():
        if {rule.code for rule in cls.rules} & settings.enabled:
            for name, message in cls(settings).banned_apis().items():
                entries[name] = f"{MARKER} {message} Run `netra-lint --fix`."
    return dict(sorted(entries.items()))


def ruff_config_file(root: Path) -> tuple[Path, list[str]]:
    """Where ruff reads its config for ``root``, and the table path of ``lint`` there."""
    for name in (".ruff.toml", "ruff.toml"):  # ruff's own order of precedence
        if (root / name).is_file():
            return root / name, ["lint"]
    return root / "pyproject.toml", ["tool", "ruff", "lint"]


def _table(parent: Table | tomlkit.TOMLDocument, keys: list[str]) -> Table:
    current = parent
    for key in keys:
        if key not in current:
            current[key] = tomlkit.table(is_super_table=True)
        current = current[key]
    return current  # type: ignore[return-value]


def updated_text(text: str, table_path: list[str], entries: dict[str, str]) -> str:
    """``text`` (a TOML document) with our banned-api entries, ``external`` and TID251 in place."""
    document = tomlkit.parse(text)
    lint = _table(document, table_path)
    banned = _table(lint, ["flake8-tidy-imports", "banned-api"])
    for name in list(banned.keys()):
        message = str(banned[name].get("msg", "")) if isinstance(banned[name], dict) else ""
        if message.startswith(MARKER) and name not in entries:
            del banned[name]
    for name, message in entries.items():
        current = banned.get(name)
        if current is not None and not str(current.get("msg", "")).startswith(MARKER):
            continue  # hand-written: the user's words win
        if current is None or current.get("msg") != message:
            entry = tomlkit.inline_table()
            entry["msg"] = message
            banned[name] = entry
    external = lint.get("external")
    if external is None:
        lint["external"] = tomlkit.array('["NL"]')
    elif "NL" not in external:
        external.append("NL")
    selected = [*lint.get("select", []), *lint.get("extend-select", [])]
    if not any(code in ("ALL", "TID", "TID2", "TID25", BANNED_API_RULE) for code in selected):
        if "extend-select" in lint:
            lint["extend-select"].append(BANNED_API_RULE)
        else:
            lint["extend-select"] = tomlkit.array(f'["{BANNED_API_RULE}"]')
    return tomlkit.dumps(document)


def export(settings: Settings, check: bool = False, to_stdout: bool = False) -> tuple[int, str]:
    """Write (or check, or render) the ruff config; returns (exit code, message or TOML)."""
    target, table_path = ruff_config_file(settings.project_root)
    entries = desired_entries(settings)
    if to_stdout:
        return 0, updated_text("", table_path, entries)
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    wanted = updated_text(current, table_path, entries)
    if check:
        if wanted != current:
            return 1, f"{target}: the ruff config is stale; run `netra-lint export-ruff-config`"
        return 0, f"{target}: the ruff config is up to date ({len(entries)} banned names)"
    if wanted != current:
        target.write_text(wanted, encoding="utf-8")
        return 0, f"{target}: wrote {len(entries)} banned names for ruff"
    return 0, f"{target}: already up to date ({len(entries)} banned names)"
