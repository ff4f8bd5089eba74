"""``netra-lint export-ruff-config``: editor feedback through ruff's banned-api, checked
with the real ruff binary in a temporary project."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import tomllib

from conftest import RunCli, clean_env, snapshot, write
from netra_lint.ruff_host import ruff_binary

LEGACY_CODE = """\
from websockets.legacy.client import connect
import websockets.legacy.server
from netra_backend.app.services.websocket_notifier import WebSocketNotifier
from mypkg.old import OldThing

print(connect, websockets, WebSocketNotifier, OldThing)  # noqa: NL101
"""
PACK = """\
[[deprecated-api]]
old = ["mypkg.old.OldThing"]
new = "mypkg.new.NewThing"
message = "use NewThing."
fix = "safe"
"""
NETRA_CONFIG = '[tool.netra-lint]\npacks = ["pack.toml"]\n'


def ruff(project: Path, home: Path, *args: str) -> list[dict]:
    """The real ``ruff check`` in ``project``, with the project's own configuration."""
    completed = subprocess.run(
        [ruff_binary(), "check", "--no-cache", "--output-format", "json", "--exit-zero", *args],
        cwd=project,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_ruff_reports_the_exported_names_with_our_message(run_cli: RunCli, project: Path, home: Path) -> None:
    write(project, {"pyproject.toml": NETRA_CONFIG, "pack.toml": PACK, "app.py": LEGACY_CODE})
    # Without the exported config ruff flags our noqa code as invalid (RUF102), and its fix would strip it.
    assert [d["code"] for d in ruff(project, home, "--select", "RUF102", "app.py")] == ["RUF102"]

    code, out, err = run_cli("export-ruff-config")
    assert code == 0, err
    assert out.startswith(f"{project / 'pyproject.toml'}: wrote ") and "banned names for ruff" in out

    found = {
        (d["location"]["row"], d["code"], d["message"]) for d in ruff(project, home, "app.py") if d["code"] == "TID251"
    }
    fix_hint = "Run `netra-lint --fix`."
    legacy_module = (
        "`websockets.legacy` is banned: netra-lint: Legacy websockets API: import the new implementation from "
        f"websockets.asyncio.client / websockets.asyncio.server instead. {fix_hint}"
    )
    assert found == {
        (1, "TID251", legacy_module),
        (
            1,
            "TID251",
            "`websockets.legacy.client.connect` is banned: netra-lint: Legacy websockets API: "
            f"use `websockets.asyncio.client.connect` instead. {fix_hint}",
        ),
        (2, "TID251", legacy_module),
        # Line 3 imports netra_backend, which is not this project's: the bundled netra pack is
        # not in effect here (tests/test_pack_scope.py), so ruff bans nothing on it.
        (
            4,
            "TID251",
            f"`mypkg.old.OldThing` is banned: netra-lint: Deprecated: use `mypkg.new.NewThing` instead. {fix_hint}",
        ),
    }
    # ... and keeps the NL101 code of the noqa comment in app.py as an external code
    assert ruff(project, home, "--select", "RUF102", "app.py") == []
    config = tomllib.loads((project / "pyproject.toml").read_text())
    assert config["tool"]["ruff"]["lint"]["external"] == ["NL"]
    assert config["tool"]["netra-lint"] == {"packs": ["pack.toml"]}


HAND_WRITTEN = """\
# Our lint setup.
[tool.netra-lint]
packs = ["pack.toml"]

[tool.ruff.lint]
select = ["E", "F"]  # keep it small
external = ["ABC"]

[tool.ruff.lint.flake8-tidy-imports.banned-api]
"websockets.legacy" = { msg = "Ask the platform team first." }
"os.system" = { msg = "Use subprocess." }
"""


def test_hand_written_entries_survive_and_check_finds_stale_config(run_cli: RunCli, project: Path, home: Path) -> None:
    write(project, {"pyproject.toml": HAND_WRITTEN, "pack.toml": PACK, "app.py": LEGACY_CODE})
    code, out, err = run_cli("export-ruff-config", "--check")
    assert code == 1 and "stale" in out, (out, err)
    assert (project / "pyproject.toml").read_text() == HAND_WRITTEN  # --check writes nothing

    assert run_cli("export-ruff-config").code == 0
    text = (project / "pyproject.toml").read_text()
    # comments, order and the hand-written lines are kept as they were
    assert text.startswith(
        HAND_WRITTEN.split("\n\n[tool.ruff.lint.flake8")[0].replace('external = ["ABC"]', 'external = ["ABC", "NL"]')
    )
    assert (
        '"websockets.legacy" = { msg = "Ask the platform team first." }\n"os.system" = { msg = "Use subprocess." }\n'
        in text
    )
    lint = tomllib.loads(text)["tool"]["ruff"]["lint"]
    banned = lint["flake8-tidy-imports"]["banned-api"]
    assert banned["websockets.legacy"] == {"msg": "Ask the platform team first."}
    assert banned["os.system"] == {"msg": "Use subprocess."}
    assert banned["mypkg.old.OldThing"]["msg"].startswith("netra-lint: ")
    assert banned["websockets.client.connect"]["msg"].startswith("netra-lint: ")
    assert lint["select"] == ["E", "F"] and lint["extend-select"] == ["TID251"]
    # ruff shows the user's own message for the name they wrote by hand
    messages = {d["message"] for d in ruff(project, home, "app.py") if d["code"] == "TID251"}
    assert "`websockets.legacy` is banned: Ask the platform team first." in messages

    code, out, _ = run_cli("export-ruff-config", "--check")
    assert code == 0 and "up to date" in out
    code, out, _ = run_cli("export-ruff-config")
    assert code == 0 and "already up to date" in out
    assert (project / "pyproject.toml").read_text() == text

    # The pack changes: the config is stale; exporting drops our old entry, not the user's.
    write(project, {"pack.toml": PACK.replace("mypkg.old.OldThing", "mypkg.old.Older")})
    code, out, _ = run_cli("export-ruff-config", "--check")
    assert code == 1 and "run `netra-lint export-ruff-config`" in out
    assert run_cli("export-ruff-config").code == 0
    banned = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]["flake8-tidy-imports"][
        "banned-api"
    ]
    assert "mypkg.old.OldThing" not in banned and "mypkg.old.Older" in banned
    assert banned["websockets.legacy"] == {"msg": "Ask the platform team first."} and "os.system" in banned
    assert run_cli("export-ruff-config", "--check").code == 0


def test_stdout_and_ruff_toml(run_cli: RunCli, project: Path, home: Path) -> None:
    write(
        project,
        {"pyproject.toml": NETRA_CONFIG, "pack.toml": PACK, "ruff.toml": "line-length = 100\n", "app.py": LEGACY_CODE},
    )
    before = snapshot(project)
    code, out, err = run_cli("export-ruff-config", "--stdout")
    assert code == 0, err
    assert snapshot(project) == before
    printed = tomllib.loads(out)["lint"]  # ruff.toml holds the lint table at top level
    assert printed["external"] == ["NL"] and printed["extend-select"] == ["TID251"]
    assert "mypkg.old.OldThing" in printed["flake8-tidy-imports"]["banned-api"]

    assert run_cli("export-ruff-config").code == 0
    assert (project / "pyproject.toml").read_text() == NETRA_CONFIG  # ruff reads ruff.toml, so it goes there
    written = tomllib.loads((project / "ruff.toml").read_text())
    assert (
        written["line-length"] == 100
        and written["lint"]["flake8-tidy-imports"]["banned-api"] == printed["flake8-tidy-imports"]["banned-api"]
    )
    assert any(d["code"] == "TID251" and d["location"]["row"] == 4 for d in ruff(project, home, "app.py"))


def test_dot_ruff_toml_wins_as_in_ruff(run_cli: RunCli, project: Path, home: Path) -> None:
    write(
        project,
        {"pyproject.toml": NETRA_CONFIG, "pack.toml": PACK, "ruff.toml": "", ".ruff.toml": "", "app.py": LEGACY_CODE},
    )
    assert run_cli("export-ruff-config").code == 0
    assert (project / "ruff.toml").read_text() == ""
    assert (
        "mypkg.old.OldThing"
        in tomllib.loads((project / ".ruff.toml").read_text())["lint"]["flake8-tidy-imports"]["banned-api"]
    )
    assert any(d["code"] == "TID251" and d["location"]["row"] == 4 for d in ruff(project, home, "app.py"))


def test_disabled_rule_families_are_not_exported(run_cli: RunCli, project: Path) -> None:
    write(
        project, {"pyproject.toml": '[tool.netra-lint]\npacks = ["pack.toml"]\nignore = ["NL1"]\n', "pack.toml": PACK}
    )
    code, out, err = run_cli("export-ruff-config", "--stdout")
    assert code == 0, err
    banned = tomllib.loads(out)["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    assert "mypkg.old.OldThing" in banned
    assert not any(name.startswith("websockets") for name in banned)
