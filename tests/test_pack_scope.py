"""Bundled rule packs apply where they belong.

A bundled pack about one project's own code (``first-party`` in its ``[pack]`` table, as the
netra pack has) is read only where that code is first-party, decided as the project index
decides it, or where ``[tool.netra-lint] packs`` names it; the others (websockets) apply
everywhere. ``netra-lint -v`` says which packs are in effect and why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import tomllib

from conftest import RunCli, reported, write
from netra_lint.config import bundled_pack_dir, load_packs, load_settings
from netra_lint.index import ProjectIndex
from netra_lint.settings import ConfigError

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
NOTIFIER = "netra_backend.app.services.websocket_notifier"
CALLER = f"from {NOTIFIER} import WebSocketNotifier\n\nprint(WebSocketNotifier)\n"
NETRA_CODE = {
    "netra_backend/__init__.py": "",
    "netra_backend/app/__init__.py": "",
    "netra_backend/app/services/__init__.py": "",
    "netra_backend/app/services/websocket_notifier.py": "class WebSocketNotifier:\n    pass\n",
    "netra_backend/app/services/agent_websocket_bridge.py": "class AgentWebSocketBridge:\n    pass\n",
}
NOT_IN_EFFECT = (
    'netra-lint: pack netra (bundled): not in effect: its code (netra_backend) is not first-party here; add "netra" '
    "to [tool.netra-lint] packs to use it"
)
EVERYWHERE = "netra-lint: pack websockets (bundled): in effect: applies to every project"


def pack_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("netra-lint: pack ")]


def nl2_findings(run_cli: RunCli, *args: str, cwd: Path | None = None) -> list[tuple[str, int, int, str]]:
    code, out, err = run_cli("--no-cache", "--select", "NL2", "--output-format", "concise", *args, cwd=cwd)
    assert code in (0, 1), err
    return reported(out)


def test_an_unrelated_project_gets_no_netra_rules(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.netra-lint]\n", "app.py": CALLER, "ws.py": "import websockets.legacy\n"})
    code, out, err = run_cli("-v", "--no-cache", "--output-format", "concise")
    assert reported(out) == [("ws.py", 1, 8, "NL101")]  # the websockets pack applies everywhere
    assert NOT_IN_EFFECT in pack_lines(err) and EVERYWHERE in pack_lines(err)
    code, out, err = run_cli("export-ruff-config", "--stdout")
    assert code == 0, err
    assert "netra_backend" not in out and "websockets.legacy" in out


def test_naming_the_bundled_pack_applies_it(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": '[tool.netra-lint]\npacks = ["netra"]\n', "app.py": CALLER})
    assert nl2_findings(run_cli) == [("app.py", 1, 59, "NL201")]
    code, _out, err = run_cli("-v", "--no-cache", "app.py")
    assert code == 1 and "netra-lint: pack netra (bundled): in effect: named in [tool.netra-lint] packs" in pack_lines(
        err
    )
    code, out, err = run_cli("export-ruff-config", "--stdout")
    assert code == 0, err
    banned = tomllib.loads(out)["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    assert len([name for name in banned if name.startswith("netra_backend.")]) == 4
    # its file works as well as its name
    write(
        project,
        {"pyproject.toml": f'[tool.netra-lint]\npacks = ["{(bundled_pack_dir() / "netra.toml").as_posix()}"]\n'},
    )
    assert nl2_findings(run_cli) == [("app.py", 1, 59, "NL201")]


@pytest.mark.parametrize(
    ("layout", "config"),
    [
        ("", ""),  # netra_backend beside pyproject.toml
        ("src/", ""),  # a src layout
        ("services/backend/", ""),  # a sub-project of a monorepo: found by walking
        ("lib/", 'src = ["lib"]'),  # first-party roots set by hand
    ],
    ids=["root", "src-layout", "sub-project", "src-setting"],
)
def test_the_pack_applies_where_its_code_is_first_party(
    run_cli: RunCli, project: Path, layout: str, config: str
) -> None:
    files = {f"{layout}{name}": text for name, text in NETRA_CODE.items()}
    if layout.startswith("services/"):
        files[f"{layout}pyproject.toml"] = '[project]\nname = "backend"\n'
    write(project, {"pyproject.toml": f"[tool.netra-lint]\n{config}\n", "app.py": CALLER, **files})
    assert nl2_findings(run_cli, "app.py") == [("app.py", 1, 59, "NL201")]
    code, _out, err = run_cli("-v", "--no-cache", "app.py")
    line = "netra-lint: pack netra (bundled): in effect: its code (netra_backend) is first-party here"
    assert code == 1 and line in pack_lines(err)
    # the same answer as the project index itself
    settings = load_settings([project])
    assert ProjectIndex.build(settings, jobs=1).is_first_party(NOTIFIER)
    assert settings.pack_files == sorted(bundled_pack_dir().glob("*.toml"))


@pytest.mark.parametrize(
    "files",
    [
        {"docs/netra_backend/notes.txt": ""},  # a directory of that name that is no root's
        {"vendor/lib/netra_backend/__init__.py": ""},  # inside a package, not a sub-project
        {"tools/pyproject.toml": "", "tools/pkg/__init__.py": "", "tools/pkg/netra_backend/__init__.py": ""},
    ],
    ids=["not-a-root", "no-marker", "inside-a-package"],
)
def test_code_of_that_name_elsewhere_is_not_first_party(run_cli: RunCli, project: Path, files: dict) -> None:
    if "vendor/lib/netra_backend/__init__.py" in files:
        files = {**files, "vendor/lib/__init__.py": ""}
    write(project, {"pyproject.toml": "[tool.netra-lint]\n", "app.py": CALLER, **files})
    assert nl2_findings(run_cli) == []
    settings = load_settings([project])
    assert not ProjectIndex.build(settings, jobs=1).is_first_party(NOTIFIER)
    assert bundled_pack_dir() / "netra.toml" not in settings.pack_files


def test_the_demo_project_still_gets_its_netra_findings(run_cli: RunCli, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    for pyproject in (None, "[project]\nname = 'demo'\n"):  # with its src setting, and detected
        if pyproject is not None:
            (demo / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        found = {code for *_, code in nl2_findings(run_cli, cwd=demo)}
        assert {"NL201", "NL202"} <= found, found


def test_the_bundled_packs_say_which_project_they_are_about() -> None:
    """The netra pack is marked project-specific, and its old and new names all lie in the
    code it names: where that code is not first-party, none of them can be."""
    netra = tomllib.loads((bundled_pack_dir() / "netra.toml").read_text(encoding="utf-8"))
    scope = tuple(netra["pack"]["first-party"])
    assert scope == ("netra_backend",)
    entries = load_packs([bundled_pack_dir() / "netra.toml"])["deprecated-api"]
    names = [name for entry in entries for name in (*entry.old, entry.new, *entry.factories)]
    assert names and all(name.split(".")[0] in scope for name in names), names
    websockets = tomllib.loads((bundled_pack_dir() / "websockets.toml").read_text(encoding="utf-8"))
    assert "first-party" not in websockets["pack"]


@pytest.mark.parametrize(
    ("packs", "message"),
    [
        ('["netr"]', "'netr' is neither a pack file"),
        ('["lint/missing.toml"]', "missing.toml"),
    ],
)
def test_a_pack_that_is_neither_bundled_nor_a_file_is_an_error(tmp_path: Path, packs: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.netra-lint]\npacks = {packs}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings([tmp_path])
    assert str(tmp_path / "pyproject.toml") in str(raised.value) and "bundled pack (moves, netra" in str(raised.value)


def test_first_party_in_a_pack_must_list_module_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.netra-lint]\npacks = ["ours.toml"]\n',
            "ours.toml": '[pack]\nname = "ours"\nfirst-party = "acme"\n',
        },
    )
    with pytest.raises(ConfigError, match=r"ours\.toml: \[pack\] key 'first-party' must be a list of module names"):
        load_settings([tmp_path])
