"""The websockets rule family: version detection, its rule pack, documentation, precision."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netra_lint.checker import FileContext
from netra_lint.cli import main
from netra_lint.config import bundled_pack_dir, load_packs, load_settings
from netra_lint.engine import RunOptions
from netra_lint.rules.websockets.version import pins_legacy, project_pins_legacy
from netra_lint.rules.websockets.websockets_legacy import WebSocketsLegacy
from netra_lint.runner import run
from netra_lint.settings import ConfigError
from netra_lint.source import SourceFile

CODES = ["NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107"]


@pytest.mark.parametrize(
    ("spec", "legacy"),
    [
        ("==12.0", True),
        ("==13.*", True),
        ("<14", True),
        ("<14.0", True),
        (">=10,<14", True),
        ("<=13.1", True),
        ("~=13.0", True),
        ("^12.0", True),
        ("<14.1", False),
        (">=14.2", False),
        ("==15.0.1", False),
        ("~=14.0", False),
        ("", False),
        (">=10", False),
    ],
)
def test_version_specifiers(spec: str, legacy: bool) -> None:
    assert pins_legacy(spec) is legacy


def test_dependencies_in_pyproject(tmp_path: Path) -> None:
    assert project_pins_legacy(
        {"project": {"dependencies": ["websockets[extra] >=10, <14 ; python_version>'3'"]}}, tmp_path, None
    )
    assert project_pins_legacy({"project": {"optional-dependencies": {"ws": ["websockets==13.1"]}}}, tmp_path, None)
    assert project_pins_legacy(
        {"tool": {"poetry": {"dependencies": {"websockets": {"version": "^13.0"}}}}}, tmp_path, None
    )
    assert not project_pins_legacy(
        {"project": {"dependencies": ["websockets>=14.2", "websockets-proxy==0.1"]}}, tmp_path, None
    )
    assert not project_pins_legacy({}, tmp_path, None)


def test_requirements_files_and_override(tmp_path: Path) -> None:
    (tmp_path / "requirements-prod.txt").write_text("# pins\nrequests==2.0\nwebsockets==12.0  # old\n")
    assert project_pins_legacy({}, tmp_path, None)
    assert not project_pins_legacy({}, tmp_path, "15.0")
    assert project_pins_legacy({"project": {"dependencies": ["websockets>=15"]}}, tmp_path / "nowhere", "13.1")
    assert project_pins_legacy({}, tmp_path / "nowhere", "<14")


def _lint(root: Path, select: list[str], fix: bool = False) -> list[str]:
    outcome = run([root], load_settings([root], select=select), RunOptions(fix=fix, jobs=1))
    assert outcome.errors == []
    return [f"{d.row}:{d.code}" for d in outcome.diagnostics]


def test_option_decides_what_top_level_connect_is(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import websockets\n\nasync def f(u):\n    return await websockets.connect(u)\n")
    (tmp_path / "pyproject.toml").write_text('[tool.netra-lint]\nwebsockets-version = "13.1"\n')
    assert _lint(tmp_path, ["NL101"]) == ["4:NL101"]
    (tmp_path / "pyproject.toml").write_text('[tool.netra-lint]\nwebsockets-version = "14.2"\n')
    assert _lint(tmp_path, ["NL101"]) == []


def test_option_must_be_a_string(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netra-lint]\nwebsockets-version = 13\n")
    with pytest.raises(ConfigError, match="websockets-version"):
        load_settings([tmp_path])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[websockets-names]]\nnames = ["a.b"]\nnew = "c.d"\nrole = "connect"\nfix = "maybe"\ncode = "NL101"\n',
            "fix 'maybe'",
        ),
        ('[[websockets-names]]\nnames = ["a.b"]\nrole = "connect"\nfix = "safe"\ncode = "NL101"\n', "lacks 'new'"),
        ('[[websockets-arguments]]\nname = "x"\ncallees = ["connect"]\naction = "rename"\n', "needs an identifier"),
        (
            '[[websockets-attributes]]\nname = "x"\nreceiver = "connection"\naction = "rewrite"\ncolour = 1\n',
            "unknown key",
        ),
        (
            '[[websockets-names]]\nnames = ["websockets.legacy.client.connect"]\nnew = "c.d"\nrole = "connect"\nfix = "safe"\ncode = "NL101"\n',
            "already defined",
        ),
    ],
)
def test_bad_pack_entries_name_the_file(tmp_path: Path, body: str, message: str) -> None:
    pack = tmp_path / "extra.toml"
    pack.write_text(body)
    with pytest.raises(ConfigError, match=message) as caught:
        load_packs([bundled_pack_dir() / "websockets.toml", pack])
    assert "extra.toml" in str(caught.value)


def test_bundled_pack_loads() -> None:
    packs = load_packs([bundled_pack_dir() / "websockets.toml"])
    assert {"websockets-names", "websockets-arguments", "websockets-attributes"} <= set(packs)


@pytest.mark.parametrize("code", CODES)
def test_rule_documentation(code: str) -> None:
    result = CliRunner().invoke(main, ["rule", code])
    assert result.exit_code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety", "Use instead"):
        assert section in result.output


def test_files_without_a_websockets_import_are_not_parsed_losslessly(tmp_path: Path) -> None:
    path = tmp_path / "notes.py"
    path.write_text(
        '"""How to use websockets.legacy.client.connect."""\n# websockets.serve(handler, path)\nX = "websockets"\n'
    )
    settings = load_settings([tmp_path], select=CODES)
    ctx = FileContext(SourceFile.read(path), "notes.py", settings, set(CODES), want_fixes=True)
    checker = WebSocketsLegacy(settings)
    assert "websockets" in checker.needles()
    assert list(checker.check(ctx)) == []
    assert "cst_module" not in vars(ctx)


def test_a_blocked_group_is_never_applied_in_part(tmp_path: Path) -> None:
    source = (
        "from websockets.legacy.client import connect\n\n"
        "async def f(u):\n"
        "    async with connect(u, extra_headers={}, loop=None, klass=object) as ws:\n"
        "        return ws.path\n"
    )
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text(source)
    found = _lint(tmp_path, ["NL1"], fix=True)
    assert (tmp_path / "app.py").read_text() == source
    assert sorted(found) == ["1:NL101", "4:NL102", "4:NL102", "4:NL102", "5:NL103"]


def test_selecting_one_code_still_applies_the_whole_group(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text(
        "from websockets.legacy.client import connect\n\nasync def f(u):\n    return await connect(u, extra_headers={})\n"
    )
    _lint(tmp_path, ["NL102"], fix=True)
    assert (tmp_path / "app.py").read_text() == (
        "from websockets.asyncio.client import connect\n\nasync def f(u):\n    return await connect(u, additional_headers={})\n"
    )


def test_files_importing_only_unrelated_websockets_names_are_not_parsed_losslessly(tmp_path: Path) -> None:
    path = tmp_path / "errors.py"
    path.write_text(
        "from websockets.exceptions import InvalidURI\nfrom websockets.typing import Data\n\nX = InvalidURI\n"
    )
    settings = load_settings([tmp_path], select=CODES)
    ctx = FileContext(SourceFile.read(path), "errors.py", settings, set(CODES), want_fixes=True)
    assert list(WebSocketsLegacy(settings).check(ctx)) == []
    assert "cst_module" not in vars(ctx)
