"""``[tool.netra-lint]`` in pyproject.toml: found by walking up, every key, every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BROKEN, RunCli, reported, reported_paths, snapshot, write
from netra_lint.config import load_settings


def pyproject(body: str) -> str:
    return f'[project]\nname = "demo"\n\n[tool.netra-lint]\n{body}\n'


def test_config_is_found_by_walking_up_from_the_path(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    write(project, {"pyproject.toml": pyproject('ignore = ["NL001"]'), "src/pkg/deep/a.py": BROKEN})
    # from outside the project, naming a directory deep inside it
    code, out, err = run_cli(project / "src" / "pkg", cwd=tmp_path)
    assert (code, out.strip()) == (0, "All checks passed!"), err
    # naming a file
    code, out, err = run_cli("src/pkg/deep/a.py")
    assert (code, out.strip()) == (0, "All checks passed!"), err
    # from a subdirectory with no path
    code, out, err = run_cli(cwd=project / "src")
    assert (code, out.strip()) == (0, "All checks passed!"), err


def test_pyproject_without_the_table_is_passed_over(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": pyproject('ignore = ["NL001"]'),
            "sub/pyproject.toml": '[project]\nname = "sub"\n\n[tool.other]\nx = 1\n',
            "sub/a.py": BROKEN,
        },
    )
    code, out, err = run_cli("sub")
    assert (code, out.strip()) == (0, "All checks passed!"), err


def test_nearest_config_wins(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": pyproject('ignore = ["NL001"]'),
            "sub/pyproject.toml": pyproject('select = ["NL001"]'),
            "sub/a.py": BROKEN,
            "a.py": BROKEN,
        },
    )
    assert reported_paths(run_cli("sub", "--output-format", "concise").out) == {"sub/a.py"}
    assert run_cli("a.py").code == 0


def test_command_line_overrides_the_config(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": pyproject('ignore = ["NL001"]'), "a.py": BROKEN})
    assert run_cli().code == 0
    assert reported(run_cli("--select", "NL001", "--output-format", "concise").out) == [("a.py", 1, 7, "NL001")]
    assert reported(run_cli("--extend-select", "NL001", "--output-format", "concise").out) == [("a.py", 1, 7, "NL001")]


def test_select_and_extend_select_keys(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": pyproject('select = ["NL0"]'), "a.py": BROKEN})
    assert reported_paths(run_cli("--output-format", "concise").out) == {"a.py"}
    assert run_cli("--ignore", "NL001").code == 0
    write(project, {"pyproject.toml": pyproject('extend-select = ["NL001"]\nignore = ["NL001"]')})
    assert run_cli().code == 0


def test_per_file_ignores(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": pyproject(
                '[tool.netra-lint.per-file-ignores]\n"tests/*" = ["NL001"]\n"legacy.py" = ["NL0"]'
            ),
            "tests/test_a.py": BROKEN,
            "legacy.py": BROKEN,
            "src/a.py": BROKEN,
        },
    )
    code, out, err = run_cli("--output-format", "concise")
    assert code == 1, err
    assert reported_paths(out) == {"src/a.py"}
    # the patterns are relative to the project root, whatever the current directory
    code, out, err = run_cli(".", "-q", "--output-format", "concise", cwd=project / "tests")
    assert (code, out) == (0, ""), err


def test_exclude_replaces_and_extend_exclude_adds(run_cli: RunCli, project: Path) -> None:
    files = {"gen/a.py": BROKEN, "build/a.py": BROKEN, "src/a.py": BROKEN}
    write(project, {**files, "pyproject.toml": pyproject('extend-exclude = ["gen"]')})
    assert reported_paths(run_cli("--output-format", "concise").out) == {"src/a.py"}
    write(project, {"pyproject.toml": pyproject('exclude = ["gen/"]')})
    assert reported_paths(run_cli("--output-format", "concise").out) == {"build/a.py", "src/a.py"}


def test_other_valid_keys_are_accepted(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": pyproject(
                'src = ["src"]\npacks = ["packs/extra.toml"]\nunsafe-fixes = true\ntarget-version = "py312"\n'
                'select = ["NL001"]\nextend-select = []\nignore = []\nexclude = []\nextend-exclude = []'
            ),
            "packs/extra.toml": '[pack]\nname = "extra"\ndescription = "nothing yet"\n',
            "src/a.py": BROKEN,
        },
    )
    code, out, err = run_cli("--output-format", "concise")
    assert (code, reported_paths(out)) == (1, {"src/a.py"}), err


def test_explicit_config_file(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    write(project, {"pyproject.toml": pyproject('select = ["NL001"]'), "a.py": BROKEN})
    write(
        tmp_path,
        {"elsewhere/pyproject.toml": pyproject('ignore = ["NL001"]'), "elsewhere/netra.toml": 'ignore = ["NL0"]\n'},
    )
    assert run_cli("--config", tmp_path / "elsewhere" / "pyproject.toml").code == 0
    assert run_cli("--config", tmp_path / "elsewhere" / "netra.toml").code == 0
    assert run_cli().code == 1
    code, out, err = run_cli("--config", "missing.toml")
    assert code == 2 and out == ""
    assert "missing.toml" in err and len(err.strip().splitlines()) == 1


BAD_CONFIGS = [
    ('selec = ["NL001"]', "selec"),
    ("select = 1", "select"),
    ('select = ["NL001", 3]', "select"),
    ('ignore = ["NLX99"]', "NLX99"),
    ('extend-select = ["NL9999"]', "NL9999"),
    ('exclude = ["build"]\nextend-exclude = 5', "extend-exclude"),
    ('extend-exclude = "migrations/"', "extend-exclude"),
    ('exclude = "build"', "exclude"),
    ('select = "NL3"', "select"),
    ('[tool.netra-lint.per-file-ignores]\n"tests/*" = "NL401"', "per-file-ignores"),
    ('per-file-ignores = ["tests/*"]', "per-file-ignores"),
    ('[tool.netra-lint.per-file-ignores]\n"tests/*" = ["QQ1"]', "QQ1"),
    ('[tool.netra-lint.per-file-ignores]\n"tests/*" = 1', "per-file-ignores"),
    ('src = ["src"]\npacks = [1]', "packs"),
    ('src = "src"', "src"),
    ('src = ["missing_dir"]', "missing_dir"),
    ('websockets-version = "banana"', "websockets-version"),
    ('websockets-version = ">=12,<14 or so"', "websockets-version"),
    ("websockets-version = 13", "websockets-version"),
    ('packs = ["no/such/pack.toml"]', "packs"),
    ('unsafe-fixes = "yes"', "unsafe-fixes"),
    ('target-version = "py27"', "target-version"),
    ("target-version = 310", "target-version"),
    ('max-file-size = "2MB"', "max-file-size"),
    ("max-file-size = 0", "max-file-size"),
    ('[tool.netra-lint.ruff]\nselct = ["F821"]', "selct"),
    ('[tool.netra-lint.ruff]\nselect = ["NL301"]', "NL301"),
    ('[tool.netra-lint.ruff]\nenabled = "yes"', "enabled"),
]


@pytest.mark.parametrize(("body", "named"), BAD_CONFIGS, ids=[named for _, named in BAD_CONFIGS])
def test_bad_config_is_exit_2_naming_key_and_file(run_cli: RunCli, project: Path, body: str, named: str) -> None:
    write(project, {"pyproject.toml": pyproject(body), "a.py": BROKEN})
    before = snapshot(project)
    code, out, err = run_cli("--fix")
    assert code == 2, (out, err)
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("netra-lint: error: ")
    assert named in err
    assert str(project / "pyproject.toml") in err
    assert "Traceback" not in err
    assert snapshot(project) == before
    assert not (project / ".netra_lint_cache").exists()


@pytest.mark.parametrize("version", ["13.1", "v12", "14.0rc1", "13.*", "<14", ">=12,<14", "~=13.0", "^13.1", "== 13.1"])
def test_websockets_version_takes_a_version_or_a_specifier(tmp_path: Path, version: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject(f"websockets-version = {version!r}"), encoding="utf-8")
    assert load_settings([tmp_path]).options == {"websockets-version": version}


def test_src_directories_are_resolved(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"pyproject.toml": pyproject('src = ["src", "libs/../services"]'), "src/a.py": "", "services/b.py": ""},
    )
    assert load_settings([tmp_path]).src == [(tmp_path / "src").resolve(), (tmp_path / "services").resolve()]


def test_malformed_toml(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": '[tool.netra-lint]\nselect = ["NL001"\n', "src/a.py": BROKEN})
    before = snapshot(project)
    code, out, err = run_cli("--fix", "src")
    assert code == 2 and out == ""
    assert str(project / "pyproject.toml") in err and "TOML" in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(project) == before


def test_bad_pack_file(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": pyproject('packs = ["extra.toml"]'),
            "extra.toml": "[no-such-section]\nx = 1\n",
            "a.py": "a = 1\n",
        },
    )
    code, out, err = run_cli()
    assert code == 2 and out == ""
    assert str(project / "extra.toml") in err and "no-such-section" in err


def test_relative_paths_resolve_symlinks_like_path_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netra_lint.settings import Settings

    root = tmp_path / "project"
    (root / "pkg" / "deep").mkdir(parents=True)
    (root / "pkg" / "deep" / "a.py").write_text("", encoding="utf-8")
    (root / "linked").symlink_to(root / "pkg")
    (root / "file_link.py").symlink_to(root / "pkg" / "deep" / "a.py")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "b.py").write_text("", encoding="utf-8")
    (root / "out").symlink_to(outside)
    settings = Settings(project_root=root.resolve())
    monkeypatch.chdir(root)
    cases = [
        root / "pkg" / "deep" / "a.py",
        root / "linked" / "deep" / "a.py",
        root / "file_link.py",
        root / "linked" / "deep" / ".." / "deep" / "a.py",
        Path("linked/deep/a.py"),
        root / "out" / "b.py",
    ]
    for path in cases:
        try:
            expected = path.resolve().relative_to(settings.project_root).as_posix()
        except ValueError:
            expected = path.as_posix()
        assert settings.relative(path) == expected, path
    assert settings.relative(root / "linked" / "deep" / "a.py") == "pkg/deep/a.py"
    assert settings.relative(root / "out" / "b.py") == (root / "out" / "b.py").as_posix()
