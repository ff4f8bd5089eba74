"""The hosted ruff rules are rules like netra-lint's own: explained, listed, named and
described in every report, and a ruff rule that is not hosted says how to host it.
Every expectation is what the installed ruff itself says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import RunCli, clean_env, write

PROBLEM = "print(undefined_name)\n"


def _ruff(home: Path, cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=cwd,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return completed.stdout


def test_rule_shows_ruffs_explanation(run_cli: RunCli, project: Path, home: Path) -> None:
    ruff_rule = json.loads(_ruff(home, project, "rule", "F821", "--output-format", "json"))
    code, out, err = run_cli("rule", "F821")
    assert code == 0, err
    assert out.startswith("# undefined-name (F821)\n")
    assert "Hosted by netra-lint" in out
    assert "https://docs.astral.sh/ruff/rules/undefined-name" in out
    assert out.rstrip().endswith(ruff_rule["explanation"].rstrip())
    assert run_cli("rule", "f821").out == out
    # a ruff rule that is not hosted is explained too, with where to host it
    code, out, _ = run_cli("rule", "F401")
    assert code == 0
    assert out.startswith("# unused-import (F401)\n")
    assert "Not hosted by netra-lint: add it to `[tool.netra-lint.ruff] select`" in out


def test_rule_all_lists_the_hosted_rules_of_the_configuration(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": '[tool.netra-lint.ruff]\nselect = ["F821", "F401"]\n'})
    code, out, err = run_cli("rule", "--all")
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines[-2:]] == [["F821", "undefined-name"], ["F401", "unused-import"]]
    assert "fix: ruff: sometimes" in lines[-1]
    assert "Checks for unused imports." in lines[-1]


def test_json_carries_ruffs_name_and_url(run_cli: RunCli, project: Path, home: Path) -> None:
    write(project, {"pyproject.toml": "", "a.py": PROBLEM})
    (ruff_item,) = json.loads(
        _ruff(home, project, "check", "--isolated", "--no-cache", "--select", "F821", "--output-format", "json", "a.py")
    )
    code, out, err = run_cli("--output-format", "json", "-n")
    assert code == 1, err
    (item,) = json.loads(out)
    assert item["code"] == "F821"
    assert (item["name"], item["url"]) == (ruff_item["name"], ruff_item["url"])


def test_sarif_describes_the_hosted_rules(run_cli: RunCli, project: Path, home: Path) -> None:
    write(project, {"pyproject.toml": "", "a.py": PROBLEM})
    ruff_rule = json.loads(_ruff(home, project, "rule", "F821", "--output-format", "json"))
    code, out, err = run_cli("--output-format", "sarif", "-n")
    assert code == 1, err
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    described = {rule["id"]: rule for rule in driver["rules"]}
    assert {"PLE0115", "PLE0117", "PLE0118", "F821"} <= set(described)  # every hosted rule, found or not
    f821 = described["F821"]
    assert f821["name"] == "undefined-name"
    assert f821["helpUri"] == "https://docs.astral.sh/ruff/rules/undefined-name"
    assert f821["fullDescription"]["text"] == ruff_rule["explanation"]
    (result,) = json.loads(out)["runs"][0]["results"]
    assert driver["rules"][result["ruleIndex"]]["id"] == "F821"


def test_selecting_an_unhosted_ruff_rule_says_how_to_host_it(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": PROBLEM})
    code, out, err = run_cli("--select", "F401", "a.py")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "netra-lint: error: --select: 'F401' is a ruff rule that netra-lint does not host "
        "(hosted ruff rules: PLE0115, PLE0117, PLE0118, F821); add it to `[tool.netra-lint.ruff] select` "
        "in pyproject.toml to run it with netra-lint"
    )
    # once hosted, it runs
    write(project, {"pyproject.toml": '[tool.netra-lint.ruff]\nselect = ["F401", "F821"]\n', "b.py": "import os\n"})
    code, out, err = run_cli("--select", "F401", "--output-format", "concise", "-n")
    assert code == 1, err
    assert out.splitlines()[0] == "b.py:1:8: F401 [*] `os` imported but unused"
    code, _, err = run_cli("--select", "XYZ123", "a.py")
    assert code == 2 and "unknown rule code or prefix: 'XYZ123'" in err


def test_rule_reads_the_configuration_only_for_ruff_rules(run_cli: RunCli, project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.netra-lint]\nbogus = 1\n"})
    code, out, _ = run_cli("rule", "NL301")
    assert code == 0 and out.startswith("# global-after-use (NL301)")
    code, out, err = run_cli("rule", "F821")  # hosted or not depends on the configuration
    assert (code, out) == (2, "")
    assert "unknown key 'bogus'" in err
