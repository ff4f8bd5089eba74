"""Which files a run checks: suffixes, default excludes, .gitignore files, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import BROKEN, RunCli, reported_paths, write


def found(run_cli: RunCli, *args: str | Path, cwd: Path | None = None) -> set[str]:
    code, out, err = run_cli("--output-format", "concise", "--no-cache", *args, cwd=cwd)
    assert code in (0, 1), err
    assert "Traceback" not in err
    return reported_paths(out)


def test_python_sources_and_stubs_only(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "a.py": BROKEN,
            "b.pyi": BROKEN,
            "c.txt": BROKEN,
            "script": BROKEN,
            "d.pyc": BROKEN,
            "e.py.orig": BROKEN,
            "f.ipynb": "{}",
        },
    )
    assert found(run_cli) == {"a.py", "b.pyi"}


DEFAULT_EXCLUDED = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    "build",
    "dist",
    "node_modules",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".netra_lint_cache",
    ".eggs",
    "demo.egg-info",
    "__pypackages__",
    "_build",
    "buck-out",
    ".direnv",
    "lib/python3.11/site-packages",
)


def test_default_excludes(run_cli: RunCli, project: Path) -> None:
    write(project, {f"{name}/pkg/bad.py": BROKEN for name in DEFAULT_EXCLUDED})
    write(project, {"src/bad.py": BROKEN, "src/build_tools.py": BROKEN, "src/distance/bad.py": BROKEN})
    assert found(run_cli) == {"src/bad.py", "src/build_tools.py", "src/distance/bad.py"}
    # nested excluded directories are skipped too
    write(project, {"src/node_modules/x/bad.py": BROKEN, "src/deep/__pycache__/bad.py": BROKEN})
    assert found(run_cli, "src") == {"src/bad.py", "src/build_tools.py", "src/distance/bad.py"}


def test_a_virtualenv_of_any_name_is_skipped(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "env-3.12/pyvenv.cfg": "home = /usr/bin\n",
            "env-3.12/bin/activate_this.py": BROKEN,
            "env-3.12/lib/python3.12/site-packages/pkg/bad.py": BROKEN,
            "src/bad.py": BROKEN,
        },
    )
    assert found(run_cli) == {"src/bad.py"}
    _code, _, err = run_cli("-v", "--no-cache")
    assert "env-3.12: virtual environment" in err, err


def test_gitignore_files_nested_ones_too(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": '[project]\nname = "demo"\n',
            ".gitignore": "generated/\n*_pb2.py\n/rootonly.py\n",
            "generated/bad.py": BROKEN,
            "api_pb2.py": BROKEN,
            "rootonly.py": BROKEN,
            "pkg/rootonly.py": BROKEN,
            "pkg/api_pb2.py": BROKEN,
            "pkg/.gitignore": "local_*.py\n!local_keep.py\n",
            "pkg/local_settings.py": BROKEN,
            "pkg/local_keep.py": BROKEN,
            "pkg/sub/local_x.py": BROKEN,
            "other/local_y.py": BROKEN,
        },
    )
    expected = {"pkg/rootonly.py", "pkg/local_keep.py", "other/local_y.py"}
    assert found(run_cli) == expected
    # the same from inside a subdirectory: the .gitignore files above it still apply
    assert found(run_cli, ".", cwd=project / "pkg") == {"rootonly.py", "local_keep.py"}


def test_gitignore_above_the_project_inside_the_same_repository(run_cli: RunCli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(
        repo,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".git/info/exclude": "scratch.py\n",
            ".gitignore": "generated/\n",
            "service/pyproject.toml": '[project]\nname = "service"\n\n[tool.netra-lint]\n',
            "service/generated/bad.py": BROKEN,
            "service/scratch.py": BROKEN,
            "service/src/bad.py": BROKEN,
        },
    )
    assert found(run_cli, cwd=repo / "service") == {"src/bad.py"}
    # a .gitignore above the enclosing repository does not apply
    write(tmp_path, {".gitignore": "src/\n"})
    assert found(run_cli, cwd=repo / "service") == {"src/bad.py"}


def test_a_file_named_explicitly_is_checked_unless_force_exclude(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": '[tool.netra-lint]\nextend-exclude = ["gen", "skip_me.py"]\n',
            ".gitignore": "ignored.py\n",
            "build/bad.py": BROKEN,
            "gen/bad.py": BROKEN,
            "skip_me.py": BROKEN,
            "ignored.py": BROKEN,
            "src/bad.py": BROKEN,
        },
    )
    named = ("build/bad.py", "gen/bad.py", "skip_me.py", "ignored.py", "src/bad.py")
    assert found(run_cli) == {"src/bad.py"}
    assert found(run_cli, *named) == set(named)
    assert found(run_cli, "--force-exclude", *named) == {"src/bad.py"}
    # a directory named explicitly is checked too; --force-exclude skips it
    assert found(run_cli, "gen") == {"gen/bad.py"}
    assert found(run_cli, "--force-exclude", "gen", "src") == {"src/bad.py"}


def test_force_exclude_in_a_project_whose_own_directory_has_an_excluded_name(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "build"
    write(root, {"pyproject.toml": "[tool.netra-lint]\n", "src/bad.py": BROKEN})
    assert found(run_cli, "--force-exclude", cwd=root) == {"src/bad.py"}
    assert found(run_cli, "--force-exclude", "src/bad.py", cwd=root) == {"src/bad.py"}


def test_symlinks_do_not_lead_out_of_the_tree(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    write(tmp_path, {"outside/bad.py": BROKEN, "outside/single.py": BROKEN})
    write(project, {"src/bad.py": BROKEN})
    os.symlink(tmp_path / "outside", project / "src" / "linked_dir")
    os.symlink(tmp_path / "outside" / "single.py", project / "src" / "linked_file.py")
    os.symlink(project / "src" / "bad.py", project / "src" / "alias.py")  # inside: checked once
    os.symlink(project / "nowhere.py", project / "src" / "dangling.py")
    os.symlink(project / "src", project / "src" / "loop")
    checked = found(run_cli, "src")
    assert len(checked) == 1 and checked <= {"src/alias.py", "src/bad.py"}, checked
    _code, _out, err = run_cli("-v", "--no-cache", "src")
    assert "linked_dir: symbolic link out of the tree" in err
    assert "linked_file.py: symbolic link out of the tree" in err
    assert "dangling.py: broken symbolic link" in err
    assert "Traceback" not in err


def test_paths_outside_the_project_root(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    # the second path lies outside the project of the first; its excludes are its own
    write(project, {"pyproject.toml": "[tool.netra-lint]\n", "a.py": BROKEN})
    write(tmp_path, {"dist/other/b.py": BROKEN, "dist/other/build/c.py": BROKEN})
    assert found(run_cli, ".", tmp_path / "dist" / "other") == {"a.py", "../dist/other/b.py"}


def test_force_exclude_with_files_named_in_any_order_and_no_config(run_cli: RunCli, project: Path) -> None:
    # what pre-commit does: every staged file named, relative to the repository root
    write(
        project, {"app/a.py": BROKEN, "build/gen.py": BROKEN, "node_modules/x/y.py": BROKEN, ".venv/lib/z.py": BROKEN}
    )
    named = ("app/a.py", "build/gen.py", "node_modules/x/y.py", ".venv/lib/z.py")
    assert found(run_cli, "--force-exclude", *named) == {"app/a.py"}
    assert found(run_cli, "--force-exclude", *reversed(named)) == {"app/a.py"}


GITIGNORE_WITH_NEGATIONS = """\
*.py[cod]
build/
/dist
.vscode/*
!.vscode/tasks.json
generated_*.py
!generated_keep.py
**/fixtures/**/out
docs/**/*.py
!docs/conf.py
"""

PATHS = [
    "a.py",
    "a.pyc",
    "pkg/a.pyo",
    "build/",
    "build/x.py",
    "src/build/x.py",
    "dist/",
    "dist/x.py",
    "src/dist/x.py",
    ".vscode/",
    ".vscode/settings.json",
    ".vscode/tasks.json",
    "generated_a.py",
    "pkg/generated_a.py",
    "generated_keep.py",
    "pkg/generated_keep.py",
    "tests/fixtures/a/out",
    "tests/fixtures/a/out/x.py",
    "docs/conf.py",
    "docs/api/x.py",
    "docs/",
    "xdocs/a.py",
]


def test_the_combined_matcher_answers_as_pathspec_with_negations_too() -> None:
    """One regular expression stands for a spec's patterns; with negations it only decides
    that nothing matches, and pathspec decides the rest. Either way: pathspec's answers."""
    import pathspec

    from netra_lint.discovery import _matcher

    lines = GITIGNORE_WITH_NEGATIONS.splitlines()
    for patterns in (lines, [line for line in lines if not line.startswith("!")]):
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        matches = _matcher(spec)
        assert matches is not None
        assert [bool(matches(p)) for p in PATHS] == [spec.match_file(p) for p in PATHS]
        assert any(matches(p) for p in PATHS) and not all(matches(p) for p in PATHS)
