"""What ships: the wheel and the sdist hold the package and the rule packs, and the packs
are found when the package is installed from either."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, clean_env

PROBE_PACK = '[pack]\nname = "probe"\ndescription = "proves that every rules/*.toml file ships"\n'


def _copy_sources(destination: Path) -> None:
    """The files the build reads, as they are in the working tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "netra_lint", destination / "netra_lint", ignore=ignore)
    (destination / "rules").mkdir()
    for pack in (REPO / "rules").glob("*.toml"):
        shutil.copy2(pack, destination / "rules" / pack.name)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, destination / name)


@pytest.mark.slow
def test_wheel_contains_the_rule_packs_and_finds_them_when_installed(tmp_path: Path) -> None:
    source = tmp_path / "src"
    _copy_sources(source)
    (source / "rules" / "zz_probe.toml").write_text(PROBE_PACK)
    packs = sorted(p.name for p in (source / "rules").glob("*.toml"))
    env = clean_env(tmp_path)
    wheel = _build(source, "wheel", env)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for pack in packs:
            member = f"netra_lint/_rule_packs/{pack}"
            assert member in names, pack
            assert archive.read(member) == (source / "rules" / pack).read_bytes()
        assert "netra_lint/__main__.py" in names and "netra_lint/cli.py" in names
        assert any(n.startswith("netra_lint/rules/") for n in names)
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "netra-lint = netra_lint.cli:main" in archive.read(entry_points).decode()
        assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "rules/"))]

    # installed from the wheel (no dependencies fetched: this interpreter has them)
    _install_and_probe(wheel, tmp_path / "site", packs, env)


@pytest.mark.slow
def test_sdist_builds_and_installs_with_the_rule_packs(tmp_path: Path) -> None:
    source = tmp_path / "src"
    _copy_sources(source)
    packs = sorted(p.name for p in (source / "rules").glob("*.toml"))
    env = clean_env(tmp_path)
    sdist = _build(source, "sdist", env)
    # pip builds the wheel from the sdist alone: everything it needs must be inside
    _install_and_probe(sdist, tmp_path / "site", packs, env, "--no-build-isolation")


def _build(source: Path, kind: str, env: dict[str, str]) -> Path:
    """Build the ``wheel`` or the ``sdist`` of ``source`` (with this interpreter's build
    backend: nothing is downloaded); the file built."""
    out = source.parent / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", f"--{kind}", "--no-isolation", "--outdir", str(out), str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    [archive] = out.glob("netra_lint-*.whl" if kind == "wheel" else "netra_lint-*.tar.gz")
    return archive


def _install_and_probe(archive: Path, target: Path, packs: list[str], env: dict[str, str], *options: str) -> None:
    """Install ``archive`` into ``target`` and check that the installed package finds its packs."""
    outside = target.parent  # not the source tree: the installed package must be found
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", *options, "--target", str(target)]
        + [str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import netra_lint, netra_lint.config as s; "
            "print(netra_lint.__file__); print(s.bundled_pack_dir()); "
            "print(','.join(sorted(p.name for p in s.bundled_pack_dir().glob('*.toml'))))",
        ],
        cwd=outside,
        env={**env, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    module_file, pack_dir, found = probe.stdout.splitlines()
    assert Path(module_file).is_relative_to(target)
    assert Path(pack_dir) == target / "netra_lint" / "_rule_packs"
    assert found.split(",") == packs
    version = subprocess.run(
        [sys.executable, "-m", "netra_lint", "--version"],
        cwd=outside,
        env={**env, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.returncode == 0 and version.stdout.startswith("netra-lint, version "), version.stderr


def test_the_repository_ships_rule_packs() -> None:
    # the wheel maps rules/ into the package; the directory must exist and be tracked
    tracked = subprocess.run(
        ["git", "ls-files", "rules"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert tracked.returncode == 0, tracked.stderr
    assert [line for line in tracked.stdout.splitlines() if line.endswith(".toml")]
