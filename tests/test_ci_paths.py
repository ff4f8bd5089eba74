"""CI reports name the right files when the job runs from a service's directory of a
monorepo: GitHub resolves annotation paths from the repository root, GitLab from
``CI_PROJECT_DIR``, and a SARIF consumer from the base URI the report names."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import jsonschema
import pytest
from test_output_formats import FORMATS, SARIF_SUBSET

from conftest import LATE_GLOBAL, RunCli, write

SERVICE = "services/api"
FILE = "app/handlers/g.py"
SELECT = ("--select", "NL301", "-n")


@pytest.fixture
def monorepo(project: Path) -> Path:
    """A git work tree (``project``) whose service ``services/api`` has its own config."""
    (project / ".git").mkdir()
    write(project, {f"{SERVICE}/pyproject.toml": "[tool.netra-lint]\n", f"{SERVICE}/{FILE}": LATE_GLOBAL})
    return project


def test_github_paths_resolve_from_the_repository_root(run_cli: RunCli, monorepo: Path) -> None:
    service = monorepo / SERVICE
    for cwd, args in ((service, ()), (service / "app", ()), (monorepo, (SERVICE,))):
        code, out, err = run_cli("--output-format", "github", *SELECT, *args, cwd=cwd)
        assert code == 1, err
        props = out.split("::")[1]
        assert f"file={SERVICE}/{FILE}," in props, (cwd, out)
    # outside git, from the project root
    (monorepo / ".git").rmdir()
    code, out, _ = run_cli("--output-format", "github", *SELECT, cwd=service / "app")
    assert f"file={FILE}," in out


def test_gitlab_paths_are_relative_to_ci_project_dir(run_cli: RunCli, monorepo: Path) -> None:
    service = monorepo / SERVICE
    code, out, err = run_cli("--output-format", "gitlab", *SELECT, cwd=service, env={"CI_PROJECT_DIR": str(monorepo)})
    assert code == 1, err
    (issue,) = json.loads(out)
    assert issue["location"]["path"] == f"{SERVICE}/{FILE}"
    # the same finding from another directory of the same checkout: same path, same fingerprint
    code, out, _ = run_cli(
        "--output-format", "gitlab", *SELECT, cwd=service / "app" / "handlers", env={"CI_PROJECT_DIR": str(monorepo)}
    )
    (again,) = json.loads(out)
    assert (again["location"]["path"], again["fingerprint"]) == (issue["location"]["path"], issue["fingerprint"])
    # without CI_PROJECT_DIR: relative to the project root
    code, out, _ = run_cli("--output-format", "gitlab", *SELECT, cwd=service / "app")
    assert json.loads(out)[0]["location"]["path"] == FILE


def test_sarif_uris_resolve_from_the_base_the_report_names(run_cli: RunCli, monorepo: Path) -> None:
    service = monorepo / SERVICE
    code, out, err = run_cli("--output-format", "sarif", *SELECT, cwd=service / "app")
    assert code == 1, err
    document = json.loads(out)
    jsonschema.validate(document, SARIF_SUBSET, format_checker=FORMATS)
    run = document["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    base = run["originalUriBaseIds"][location["uriBaseId"]]["uri"]
    assert base == monorepo.resolve().as_uri() + "/"
    resolved = urllib.parse.urljoin(base, location["uri"])
    assert resolved == (monorepo.resolve() / SERVICE / FILE).as_uri()


def test_a_file_outside_the_root_gets_an_absolute_uri(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    write(project, {"pyproject.toml": "[tool.netra-lint]\n"})
    write(tmp_path, {"elsewhere/g.py": LATE_GLOBAL})
    code, out, _ = run_cli("--output-format", "sarif", "--config", "pyproject.toml", *SELECT, tmp_path / "elsewhere")
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, SARIF_SUBSET, format_checker=FORMATS)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "elsewhere/g.py").resolve().as_uri()}
