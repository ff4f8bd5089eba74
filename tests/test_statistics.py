"""``--statistics``: a total line, ruff's JSON list, and counts per directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import BROKEN, LATE_GLOBAL, RunCli, clean_env, write


def test_statistics_ends_with_the_total(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL, "a.py": BROKEN, "b.py": BROKEN})
    code, out, err = run_cli("--statistics", "-n")
    assert code == 1, err
    assert out.splitlines()[-2:] == ["Found 3 errors.", "[*] 1 fixable with the `--fix` option."]
    assert run_cli("--statistics", "-n", "-q").out.splitlines()[-1].split()[:2] == ["1", "NL301"]  # -q: no total
    write(project, {"g.py": "x = 1\n", "a.py": "", "b.py": ""})
    assert run_cli("--statistics", "-n") == (0, "", "")  # nothing found: nothing printed, as in ruff


def test_statistics_json_is_ruffs_list(run_cli: RunCli, project: Path, home: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL, "a.py": BROKEN, "b.py": BROKEN, "r.py": "import os\nprint(missing)\n"})
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F401,F821"]
        + ["--statistics", "--output-format", "json", "r.py"],
        cwd=project,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    ruff_items = json.loads(ruff.stdout)
    code, out, err = run_cli("--statistics", "--output-format", "json", "-n")
    assert code == 1, err
    items = json.loads(out)  # the document and nothing else
    assert {tuple(item) for item in items} == {tuple(item) for item in ruff_items}  # the same keys, in order
    assert items == [
        {"code": "NL001", "name": "parse-error", "count": 2, "fixable": False, "fixable_count": 0},
        {"code": "F821", "name": "undefined-name", "count": 1, "fixable": False, "fixable_count": 0},
        {"code": "NL301", "name": "global-after-use", "count": 1, "fixable": True, "fixable_count": 1},
    ]
    # the hosted F821 is named as ruff names it
    assert next(i for i in ruff_items if i["code"] == "F821")["name"] == "undefined-name"
    write(project, {"g.py": "", "a.py": "", "b.py": "", "r.py": ""})
    assert json.loads(run_cli("--statistics", "--output-format", "json", "-n").out) == []


def test_statistics_by_directory_show_where_the_findings_are(run_cli: RunCli, project: Path) -> None:
    """A snapshot folder and the tests hold most findings: the per-directory counts say so."""
    files: dict[str, str] = {f"backups/2023/mod{i}.py": BROKEN for i in range(6)}
    files.update({f"svc/tests/test_{i}.py": LATE_GLOBAL for i in range(3)})
    files["svc/app/main.py"] = BROKEN
    write(project, files)
    code, out, err = run_cli("--statistics", "--group-by", "dir", "-n")
    assert code == 1, err
    rows = [line.split(None, 4) for line in out.splitlines()]
    assert rows[:6] == [
        ["count", "share", "fixable", "directory", "codes"],
        ["10", "100%", "3", ".", "NL001 7, NL301 3"],
        ["6", "60%", "0", "backups/", "NL001 6"],
        ["6", "60%", "0", "backups/2023/", "NL001 6"],
        ["4", "40%", "3", "svc/", "NL301 3, NL001 1"],
        ["3", "30%", "3", "svc/tests/", "NL301 3"],
    ]
    assert rows[6] == ["1", "10%", "0", "svc/app/", "NL001 1"]
    assert out.splitlines()[7] == "Found 10 errors."
    code, out, _ = run_cli("--statistics", "--group-by", "dir", "--output-format", "json", "-n")
    items = json.loads(out)
    assert items[0] == {"directory": ".", "count": 10, "fixable_count": 3, "codes": {"NL001": 7, "NL301": 3}}
    assert [(i["directory"], i["count"]) for i in items[1:]] == [
        ("backups", 6),
        ("backups/2023", 6),
        ("svc", 4),
        ("svc/tests", 3),
        ("svc/app", 1),
    ]
    # from a subdirectory, the directories are those below it
    code, out, _ = run_cli("--statistics", "--group-by", "dir", "-n", "-q", cwd=project / "svc")
    assert [line.split()[3] for line in out.splitlines()[1:]] == [".", "tests/", "app/"]


def test_statistics_refuses_formats_without_counts(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN})
    code, out, err = run_cli("--statistics", "--output-format", "sarif")
    assert (code, out) == (2, "")
    assert "--statistics prints counts as full, concise, json, not as 'sarif'" in err
    code, _, err = run_cli("--group-by", "dir")
    assert code == 2 and "--group-by applies to --statistics only" in err
