"""The websockets rule family: version detection, its rule pack, documentation, precision."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netra_lint.checker import FileContext
from netra_lint.cli import main
from netra_lint.config import bundled_pack_dir, load_packs, load_settings
from netra_lint.engine import RunOptions
from netra_lint.rules.websockets.declarations import requirement_range
from netra_lint.rules.websockets.pins import AssumedVersion, ProjectPins
from netra_lint.rules.websockets.version import parse_specifier
from netra_lint.rules.websockets.websockets_legacy import WebSocketsLegacy
from netra_lint.runner import run
from netra_lint.settings import ConfigError
from netra_lint.source import SourceFile

CODES = ["NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107"]


def _assumed(spec: str) -> AssumedVersion:
    found = parse_specifier(spec)
    assert found is not None, spec
    return AssumedVersion(found, f"websockets{spec}", newest=found.unbounded)


@pytest.mark.parametrize(
    ("spec", "top_level"),
    [
        ("==12.0", "legacy"),
        ("==13.*", "legacy"),
        ("<14", "legacy"),
        ("<14.0", "legacy"),
        (">=10,<14", "legacy"),
        ("<=13.1", "legacy"),
        ("~=13.0", "legacy"),
        ("^12.0", "legacy"),  # Poetry: >=12.0,<13
        ("^13.1", "legacy"),
        ("^0.9", "legacy"),
        ("^14", "new"),
        ("<14.1", "mixed"),
        (">=12", "mixed"),
        (">=13,<16", "mixed"),
        (">=14.2", "new"),
        ("==15.0.1", "new"),
        ("~=14.0", "new"),
        ("", "new"),
        (">=13 || >=15", "mixed"),
        (">=14 <16", "new"),
    ],
)
def test_what_the_top_level_names_are_for_a_specifier(spec: str, top_level: str) -> None:
    assert _assumed(spec).top_level == top_level


@pytest.mark.parametrize(
    ("spec", "version", "guaranteed"),
    [
        (">=13,<16", (13, 0, 0, 0), True),
        (">=13,<16", (13, 1, 0, 0), False),
        ("==13.1", (13, 1, 0, 0), True),
        ("==13.1", (14, 1, 0, 0), False),
        ("~=14.1", (14, 1, 0, 0), True),
        (">13.0", (13, 0, 0, 0), True),
        (">=13.0rc1", (13, 0, 0, 0), True),
        ("<16", (13, 0, 0, 0), False),
        ("", (17, 0, 0, 0), True),  # no version given: the newest release
    ],
)
def test_what_a_specifier_guarantees(spec: str, version: tuple[int, int, int, int], guaranteed: bool) -> None:
    assert _assumed(spec).guarantees(version) is guaranteed


def test_reading_requirements() -> None:
    assert requirement_range("websockets-proxy==0.1") is None
    assert requirement_range("requests==2.0") is None
    spec, found = requirement_range("websockets[extra] >=10, <14 ; python_version>'3'")  # type: ignore[misc]
    assert spec == ">=10, <14"
    assert found.below((14, 0, 0, 0)) and found.lowest == (10, 0, 0, 0)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize(
    ("files", "source", "top_level"),
    [
        ({"pyproject.toml": '[project]\ndependencies = ["websockets>=10,<14"]\n'}, "websockets>=10,<14", "legacy"),
        (
            {"pyproject.toml": '[project.optional-dependencies]\nws = ["websockets==13.1"]\n'},
            "websockets==13.1",
            "legacy",
        ),
        (
            {"pyproject.toml": '[tool.poetry.dependencies]\nwebsockets = { version = "^15.0" }\n'},
            "websockets = '^15.0'",
            "new",
        ),
        ({"pyproject.toml": '[dependency-groups]\ndev = ["websockets>=12"]\n'}, "websockets>=12", "mixed"),
        ({"setup.cfg": "[options]\ninstall_requires =\n    websockets==12.0\n"}, "websockets==12.0", "legacy"),
        ({"Pipfile": '[packages]\nwebsockets = "<14"\n'}, "websockets = '<14'", "legacy"),
        ({"requirements/base.txt": "websockets>=15\n"}, "websockets>=15", "new"),
        # A lock says what runs, whatever the range.
        (
            {
                "pyproject.toml": '[project]\ndependencies = ["websockets>=12"]\n',
                "uv.lock": '[[package]]\nname = "websockets"\nversion = "13.1"\n',
            },
            "websockets 13.1 (locked) in uv.lock",
            "legacy",
        ),
        (
            {"poetry.lock": '[[package]]\nname = "websockets"\nversion = "15.0.1"\n'},
            "websockets 15.0.1 (locked)",
            "new",
        ),
        ({"pdm.lock": '[[package]]\nname = "websockets"\nversion = "12.0"\n'}, "websockets 12.0 (locked)", "legacy"),
        (
            {"Pipfile.lock": '{"default": {"websockets": {"version": "==14.2"}}}'},
            "websockets 14.2 (locked)",
            "new",
        ),
        # pip-compile output: `==` pins (with hashes after a backslash) win over the .in file's range.
        (
            {
                "requirements.in": "websockets>=12\n",
                "requirements.txt": "websockets==15.0.1 \\\n    --hash=sha256:ab\n",
            },
            "websockets==15.0.1",
            "new",
        ),
        ({"requirements.txt": "requests==2.0\n"}, "nothing declares websockets", "new"),
    ],
)
def test_declarations_in_a_directory(tmp_path: Path, files: dict[str, str], source: str, top_level: str) -> None:
    _write(tmp_path, files)
    assumed = ProjectPins(tmp_path, None, None, {}).for_directory(tmp_path)
    assert source in assumed.source
    assert assumed.top_level == top_level


def test_each_directory_has_the_nearest_declaration(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "requirements.txt": "websockets>=15\n",
            "services/analytics/requirements.txt": "websockets==13.1\n",
            "services/analytics/jobs/x.py": "",
            "services/web/pyproject.toml": "[project]\nname = 'web'\n",
            "services/web/x.py": "",
        },
    )
    pins = ProjectPins(tmp_path, None, None, {})
    analytics = pins.for_file(tmp_path / "services/analytics/jobs/x.py")
    assert analytics.top_level == "legacy"
    assert analytics.source == "websockets==13.1 in services/analytics/requirements.txt"
    web = pins.for_file(tmp_path / "services/web/x.py")  # its pyproject says nothing about websockets
    assert web.top_level == "new" and web.source == "websockets>=15 in requirements.txt"
    assert pins.describe([tmp_path / "services/analytics/jobs/x.py", tmp_path / "services/web/x.py"]) == [
        "websockets in .: websockets>=15 in requirements.txt",
        "websockets in services/analytics/: websockets==13.1 in services/analytics/requirements.txt",
    ]


def test_a_workspace_lock_at_the_root_narrows_a_member_range(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "uv.lock": '[[package]]\nname = "websockets"\nversion = "15.0.1"\n',
            "member/pyproject.toml": '[project]\ndependencies = ["websockets>=12"]\n',
            "other/pyproject.toml": '[project]\ndependencies = ["websockets<14"]\n',
        },
    )
    pins = ProjectPins(tmp_path, None, None, {})
    member = pins.for_directory(tmp_path / "member")
    assert member.top_level == "new" and "uv.lock" in member.source
    other = pins.for_directory(tmp_path / "other")  # the lock is not for this one: 15.0.1 is not <14
    assert other.top_level == "legacy" and "uv.lock" not in other.source


def test_the_option_overrides_the_dependencies(tmp_path: Path) -> None:
    _write(tmp_path, {"requirements.txt": "websockets==12.0\n", "services/a/requirements.txt": "websockets>=15\n"})
    config = tmp_path / "pyproject.toml"
    pins = ProjectPins(tmp_path, config, "15.0", {"services/a": {"websockets-version": "<14"}})
    assert pins.for_directory(tmp_path).top_level == "new"
    assert pins.for_directory(tmp_path).source == "websockets-version = '15.0' in pyproject.toml"
    assert pins.for_directory(tmp_path / "services/a/deep").top_level == "legacy"
    assert ProjectPins(tmp_path, config, None, {}).for_directory(tmp_path).top_level == "legacy"


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
            '[[websockets-names]]\nnames = ["websockets.legacy.client.connect"]\n'
            'new = "c.d"\nrole = "connect"\nfix = "safe"\ncode = "NL101"\n',
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
        "from websockets.legacy.client import connect\n\n"
        "async def f(u):\n    return await connect(u, extra_headers={})\n"
    )
    _lint(tmp_path, ["NL102"], fix=True)
    assert (tmp_path / "app.py").read_text() == (
        "from websockets.asyncio.client import connect\n\n"
        "async def f(u):\n    return await connect(u, additional_headers={})\n"
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


CONNECT_WITH_HEADERS = (
    "import websockets\n\nasync def f(u, h):\n    return await websockets.connect(u, extra_headers=h)\n"
)


def test_verbose_says_which_version_was_assumed_where_and_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": "",
            "requirements.txt": "websockets>=15\n",
            "app.py": CONNECT_WITH_HEADERS,
            "services/analytics/requirements.txt": "websockets==13.1\n",
            "services/analytics/app.py": CONNECT_WITH_HEADERS,
            "services/analytics/jobs/job.py": CONNECT_WITH_HEADERS,
        },
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--no-cache", "-v", "--select", "NL1", "--output-format", "concise", "."])
    assert "netra-lint: websockets in .: websockets>=15 in requirements.txt" in result.output
    assert (
        "netra-lint: websockets in services/analytics/: websockets==13.1 in services/analytics/requirements.txt"
        in result.output
    )
    assert "\napp.py:4:40: NL102" in result.output
    assert "services/analytics/app.py:4:18: NL101" in result.output
    assert "services/analytics/jobs/job.py:4:18: NL101" in result.output


def test_a_changed_requirement_file_is_not_answered_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"pyproject.toml": "", "requirements.txt": "websockets==13.1\n", "app.py": CONNECT_WITH_HEADERS})
    monkeypatch.chdir(tmp_path)

    def codes() -> list[str]:
        outcome = run([tmp_path], load_settings([tmp_path], select=["NL1"]), RunOptions(jobs=1))
        return sorted(d.code for d in outcome.diagnostics)

    assert codes() == ["NL101", "NL102"]
    (tmp_path / "requirements.txt").write_text("websockets>=15\n")
    assert codes() == ["NL102"]


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('[tool.netra-lint.per-directory."svc"]\nwebsockets-version = "banana"\n', "'websockets-version'"),
        ('[tool.netra-lint.per-directory."svc"]\nwebsockets-version = 13\n', "'websockets-version'"),
        ('[tool.netra-lint.per-directory."svc"]\nselect = ["NL1"]\n', "'select'"),
        ('[tool.netra-lint.per-directory]\nsvc = "13.1"\n', "'svc'"),
        ('[tool.netra-lint.per-directory."../elsewhere"]\nwebsockets-version = "13.1"\n', "../elsewhere"),
    ],
)
def test_a_bad_per_directory_table_is_an_error_naming_the_key(tmp_path: Path, table: str, named: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(ConfigError, match="per-directory") as caught:
        load_settings([tmp_path])
    assert named in str(caught.value)
    assert str(tmp_path / "pyproject.toml") in str(caught.value)
