"""The cache in CI: restored into another checkout path with every mtime new (what
``actions/cache`` and ``git checkout`` give), it still answers; and a warm run of any
output format checks nothing again."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import BROKEN, LATE_GLOBAL, RunCli, write
from netra_lint.config import load_settings
from netra_lint.index import ProjectIndex
from netra_lint.project_index import store as index_module

#: Findings of several families: the index-based NL5 and NL401, LibCST-based NL1 and NL3,
#: a parse error, and files with nothing to report.
PROJECT = {
    "pyproject.toml": '[project]\nname = "shop"\n',
    "shop/__init__.py": "",
    "shop/models.py": "class User:\n    def save(self):\n        return 1\n",
    "shop/views.py": (
        "from shop.models import User, Account\nfrom shop.gone import thing\n\n\ndef show():\n    User().store()\n"
    ),
    "shop/ws.py": "import websockets.legacy.client\n\n\nasync def main():\n    await websockets.legacy.client.connect('ws://x')\n",
    "shop/late.py": LATE_GLOBAL,
    "shop/broken.py": BROKEN,
    "shop/clean.py": "import os\n\nprint(os.sep)\n",
}
SERVED = re.compile(r"netra-lint: (\d+) files served from the cache, (\d+) checked")


def _served(err: str) -> tuple[int, int]:
    """(files served from the cache, files checked) as ``-v`` says."""
    match = SERVED.search(err)
    assert match, err
    return int(match[1]), int(match[2])


def _touch_everything(root: Path) -> None:
    """Give every file and directory an mtime of now, as a fresh checkout does."""
    later = time.time_ns() + 5_000_000_000
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(later, later))


def test_a_cache_restored_into_another_checkout_is_warm(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    write(project, PROJECT)
    code, cold, err = run_cli("-v", "--output-format", "concise")
    assert code == 1, err
    assert _served(err) == (0, len(PROJECT) - 1)
    assert {"NL001", "NL101", "NL301", "NL401", "NL501", "NL502"} <= {
        line.split()[1] for line in cold.splitlines()[:-2]
    }

    elsewhere = tmp_path / "ci" / "builds" / "checkout"
    shutil.copytree(project, elsewhere, symlinks=True)
    _touch_everything(elsewhere)
    code, warm, err = run_cli("-v", "--output-format", "concise", cwd=elsewhere)
    assert code == 1, err
    assert _served(err) == (len(PROJECT) - 1, 0)
    assert warm == cold
    # the next run needs only the stat: the cache learnt the new mtimes
    assert _served(run_cli("-v", cwd=elsewhere).err) == (len(PROJECT) - 1, 0)

    # a file changed in the new checkout, even one that keeps its size, is checked again
    broken = elsewhere / "shop" / "broken.py"
    broken.write_text(BROKEN.replace("def f", "def g"))
    code, out, err = run_cli("-v", "--output-format", "concise", cwd=elsewhere)
    assert _served(err) == (len(PROJECT) - 2, 1)
    assert out == cold
    # a module other files import changed: they are checked again against it
    (elsewhere / "shop" / "models.py").write_text("class User:\n    def store(self):\n        return 1\n")
    code, out, err = run_cli("-v", "--output-format", "concise", cwd=elsewhere)
    assert "NL401" not in out and "shop/views.py" in out, out
    assert _served(err)[1] >= 2


def test_the_project_index_cache_holds_in_another_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "first"
    write(first, PROJECT)
    built = ProjectIndex.build(load_settings([first]))
    second = tmp_path / "second"
    shutil.copytree(first, second)
    _touch_everything(second)
    parsed: list[object] = []
    original = index_module.summarize
    monkeypatch.setattr(index_module, "summarize", lambda *a: parsed.append(a) or original(*a))
    again = ProjectIndex.build(load_settings([second]))
    assert parsed == []  # same bytes: read and hashed, not parsed
    assert again.fingerprint == built.fingerprint
    assert again.member("shop.models", "User") is not None


FORMATS = ("full", "concise", "json", "sarif", "gitlab", "github", "junit")


def test_every_output_format_is_served_from_the_cache(run_cli: RunCli, project: Path) -> None:
    # a plain check fills the cache; JSON, which shows the fix edits, is served from it too
    write(project, PROJECT)
    code, _, err = run_cli("-v", "--output-format", "concise")
    assert code == 1 and _served(err) == (0, len(PROJECT) - 1), err
    warm = {}
    for output_format in FORMATS:
        code, warm[output_format], err = run_cli("-v", "--output-format", output_format)
        assert code == 1, err
        assert _served(err) == (len(PROJECT) - 1, 0), output_format
    for output_format in ("json", "sarif", "gitlab"):
        assert warm[output_format] == run_cli("--no-cache", "--output-format", output_format).out, output_format
    report = json.loads(warm["json"])
    [late] = [item for item in report if item["code"] == "NL301"]
    assert late["fix"]["applicability"] == "safe"
    assert late["fix"]["edits"], late


def test_what_a_fix_wrote_is_served_from_the_cache(run_cli: RunCli, project: Path) -> None:
    # (rules that need no project index: a fix that changes what a module binds changes
    # the index, and every result that depends on it is checked again)
    write(project, PROJECT)
    code, _, err = run_cli("-v", "--fix", "--select", "NL001,NL3")
    assert code == 1 and _served(err) == (0, len(PROJECT) - 1), err
    assert (project / "shop" / "late.py").read_text() != LATE_GLOBAL
    code, out, err = run_cli("-v", "--select", "NL001,NL3", "--output-format", "concise")
    assert code == 1 and _served(err) == (len(PROJECT) - 1, 0), err
    assert [line.split()[1] for line in out.splitlines()[:-1]] == ["NL001"]
