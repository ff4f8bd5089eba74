"""The pre-commit hooks as a user's repository runs them: ``pre-commit try-repo`` builds
its own environment by installing this repository (at its HEAD commit) from the index."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import BROKEN, LATE_GLOBAL, LATE_GLOBAL_FIXED, REPO, git, git_env, write


@pytest.mark.slow
def test_check_and_fix_hooks(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    user = tmp_path / "user-repo"
    write(
        user,
        {
            "app/g.py": LATE_GLOBAL,
            "app/clean.py": "x = 1\n",
            "app/types.pyi": "def f() -> int: ...\n",
            "build/generated.py": BROKEN,  # excluded by default: --force-exclude keeps it out
            "notes.txt": BROKEN,
        },
    )
    git("init", "-q", "-b", "main", cwd=user, env=env)
    git("add", ".", cwd=user, env=env)
    git("commit", "-q", "-m", "initial", cwd=user, env=env)
    head = git("rev-parse", "HEAD", cwd=REPO, env=env)
    pre_commit = [str(Path(__import__("sys").executable).parent / "pre-commit")]

    def try_repo(*hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pre_commit, "try-repo", str(REPO), *hook, "--ref", head, "--all-files", "--color", "never"],
            cwd=user,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    # both hooks in one run (one environment to build): the check hook fails on the
    # finding, then the fix hook rewrites the file and fails because it changed it
    done = try_repo()
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "NL301 [*] name 'X' is used prior to global declaration\n --> app/g.py:6:12\n" in output, output
    assert "build/generated.py" not in output, output
    assert "files were modified by this hook" in output, output
    assert (user / "app" / "g.py").read_text() == LATE_GLOBAL_FIXED
    assert (user / "build" / "generated.py").read_text() == BROKEN
    assert (user / "app" / "clean.py").read_text() == "x = 1\n"

    # now clean: the check hook alone passes
    done = try_repo("netra-lint")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output and "Failed" not in output
