"""The README's install and pre-commit snippets run as written: they name the release tag
of this version, and work against a clone of this repository at that tag (made by the
test in its own temporary clone; nothing is fetched from the network)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import LATE_GLOBAL, LATE_GLOBAL_FIXED, REPO, clean_env, git, git_env, write
from netra_lint import __version__

README = (REPO / "README.md").read_text(encoding="utf-8")
URL = "https://github.com/netra/netra-lint"
TAG = f"v{__version__}"
INSTALL = re.compile(r'pip install "git\+' + re.escape(URL) + r'@([^"]+)"')


def _pre_commit_snippet() -> dict:
    match = re.search(r"\*\*pre-commit\*\*.*?```yaml\n(.*?)```", README, re.DOTALL)
    assert match, "the README has no pre-commit snippet"
    return yaml.safe_load(match[1])


def test_every_snippet_names_the_tag_of_this_version() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{__version__}"\n' in pyproject
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (\S+)", changelog, re.MULTILINE)[0] == __version__
    # installs: from the git URL at the tag, never from an index that has no such package
    assert "pip install netra-lint" not in README
    installs = INSTALL.findall(README)
    assert len(installs) >= 3 and set(installs) == {TAG}
    # the CI caches are keyed on the version
    assert set(re.findall(r"netra-lint-(v[0-9][^-\s]*)", README)) == {TAG}
    [ours] = [repo for repo in _pre_commit_snippet()["repos"] if repo["repo"] == URL]
    assert ours["rev"] == TAG


def _clone_at_the_tag(tmp_path: Path, env: dict[str, str]) -> Path:
    """A clone of this repository's HEAD with the README's tag on it, as a release has it."""
    head = git("rev-parse", "HEAD", cwd=REPO, env=env)
    clone = tmp_path / "netra-lint"
    git("clone", "-q", "--no-checkout", str(REPO), str(clone), cwd=tmp_path, env=env)
    git("checkout", "-q", "--detach", head, cwd=clone, env=env)
    git("tag", "-f", "-a", TAG, "-m", f"netra-lint {__version__}", head, cwd=clone, env=env)
    return clone


@pytest.mark.slow
def test_the_pre_commit_snippet_runs_against_a_clone_at_the_tag(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    clone = _clone_at_the_tag(tmp_path, env)
    # the snippet as written, with the URL pointing at the clone; the other hooks it lists
    # (ruff's) would need the network
    [ours] = [repo for repo in _pre_commit_snippet()["repos"] if repo["repo"] == URL]
    ours["repo"] = str(clone)
    user = tmp_path / "user-repo"
    write(user, {"app/g.py": LATE_GLOBAL, "app/clean.py": "x = 1\n"})
    write(user, {".pre-commit-config.yaml": yaml.safe_dump({"repos": [ours]})})
    git("init", "-q", "-b", "main", cwd=user, env=env)
    git("add", ".", cwd=user, env=env)
    git("commit", "-q", "-m", "initial", cwd=user, env=env)
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "run", "--all-files", "--color", "never"]

    done = subprocess.run(pre_commit, cwd=user, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "files were modified by this hook" in output, output
    assert (user / "app" / "g.py").read_text() == LATE_GLOBAL_FIXED
    done = subprocess.run(pre_commit, cwd=user, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_install_line_installs_the_tag(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    clone = _clone_at_the_tag(tmp_path, env)
    [line] = {f"git+{URL}@{tag}" for tag in INSTALL.findall(README)}
    target = tmp_path / "site"
    # the same requirement, from the clone; dependencies and build backend from this
    # interpreter, so that nothing is downloaded
    requirement = line.replace(URL, clone.as_uri())
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation"]
        + ["--target", str(target), requirement],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]
    version = subprocess.run(
        [sys.executable, "-m", "netra_lint", "--version"],
        cwd=tmp_path,
        env={**clean_env(tmp_path), "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (version.returncode, version.stdout) == (0, f"netra-lint, version {__version__}\n"), version.stderr
