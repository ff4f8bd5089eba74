"""Every ``--output-format``, checked as the tool that reads it would read it."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import jsonschema
import pytest

from conftest import BROKEN, LATE_GLOBAL, LATE_GLOBAL_FIXED, RunCli, clean_env, reported, write
from netra_lint.diagnostics import Diagnostic
from netra_lint.full_format import _diff
from netra_lint.source import SourceFile

SELECT = ("--select", "NL001,NL3", "--no-cache")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def two_files(project: Path) -> Path:
    write(project, {"g.py": LATE_GLOBAL, "sub dir/bad & <odd>.py": BROKEN})
    return project


def test_concise(run_cli: RunCli, two_files: Path) -> None:
    code, out, err = run_cli("--output-format", "concise", *SELECT)
    assert code == 1, err
    assert out.splitlines() == [
        "g.py:6:12: NL301 [*] name 'X' is used prior to global declaration",
        "sub dir/bad & <odd>.py:1:7: NL001 cannot parse: invalid syntax",
        "Found 2 errors.",
        "[*] 1 fixable with the `--fix` option.",
    ]


def test_full_shows_the_line_a_caret_and_the_fix_hint_without_colour_when_piped(
    run_cli: RunCli, two_files: Path
) -> None:
    code, out, err = run_cli(*SELECT)  # full is the default
    assert code == 1, err
    assert not ANSI.search(out) and not ANSI.search(err)
    blocks = out.split("\n\n")
    # ruff 0.12+'s layout: code and message, the position, two lines of source around the
    # span, the fix title, and the fix as a diff numbered by the lines of the fixed file
    assert blocks[0].splitlines() == [
        "NL301 [*] name 'X' is used prior to global declaration",
        " --> g.py:6:12",
        "  |",
        "4 | def f():",
        "5 |     print(X)",
        "6 |     global X",
        "  |            ^",
        "7 |     X = 2",
        "  |",
        "help: Move the `global` declaration to the top of the scope",
        "  |",
        "4 | def f():",
        "5 +     global X",
        "6 |     print(X)",
        "  -     global X",
        "7 |     X = 2",
        "  |",
    ]
    source_line, caret_line = blocks[0].splitlines()[5:7]
    assert source_line[caret_line.index("^")] == "X"
    assert blocks[1].splitlines() == [
        "NL001 cannot parse: invalid syntax",
        " --> sub dir/bad & <odd>.py:1:7",
        "  |",
        "1 | def f(:",
        "  |       ^",
        "2 |     pass",
        "  |",
    ]


def _run_on_a_terminal(args: list[str], cwd: Path, home: Path) -> str:
    """Run the command with stdout and stderr on a pseudo-terminal; return what it printed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "netra_lint", *args],
        cwd=cwd,
        env=clean_env(home, {"TERM": "xterm-256color"}),
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("no output on the terminal within 60 s")
        try:
            data = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_full_is_coloured_on_a_terminal(two_files: Path, home: Path) -> None:
    shown = _run_on_a_terminal([*SELECT, "g.py"], two_files, home)
    assert ANSI.search(shown), shown
    plain = ANSI.sub("", shown).replace("\r\n", "\n")
    assert "NL301 [*] name 'X' is used prior to global declaration\n --> g.py:6:12\n" in plain
    assert "\nhelp: Move the `global` declaration to the top of the scope\n" in plain


def _ruff_json(project: Path, home: Path) -> list[dict]:
    write(project, {"r.py": "import os\n"})
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F401",
            "--output-format",
            "json",
            "r.py",
        ],
        cwd=project,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    (project / "r.py").unlink()
    return json.loads(completed.stdout)


def _apply(text: str, edits: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(location: dict) -> int:
        return starts[location["row"] - 1] + location["column"] - 1

    for edit in sorted(edits, key=lambda e: offset(e["location"]), reverse=True):
        text = text[: offset(edit["location"])] + edit["content"] + text[offset(edit["end_location"]) :]
    return text


def test_json_has_ruffs_fields(run_cli: RunCli, two_files: Path, home: Path) -> None:
    ruff_items = _ruff_json(two_files, home)
    code, out, err = run_cli("--output-format", "json", *SELECT)
    assert code == 1, err
    items = json.loads(out)  # stdout is the document and nothing else
    assert [item["code"] for item in items] == ["NL301", "NL001"]
    ruff_item = ruff_items[0]
    for item in items:
        assert set(item) == set(ruff_item)
        assert set(item["location"]) == set(item["end_location"]) == set(ruff_item["location"]) == {"row", "column"}
    global_item, broken_item = items
    assert global_item["filename"] == str(two_files / "g.py")
    assert os.path.isabs(broken_item["filename"])
    assert (global_item["location"], global_item["end_location"]) == (
        {"row": 6, "column": 12},
        {"row": 6, "column": 13},
    )
    assert global_item["noqa_row"] == 6
    assert (global_item["name"], global_item["severity"]) == ("global-after-use", "error")
    assert (broken_item["name"], broken_item["severity"]) == ("parse-error", "error")
    assert global_item["message"] == "name 'X' is used prior to global declaration"
    fix = global_item["fix"]
    assert set(fix) == set(ruff_item["fix"])
    assert fix["applicability"] == "safe"
    for edit in fix["edits"]:
        assert set(edit) == set(ruff_item["fix"]["edits"][0])
    assert _apply(LATE_GLOBAL, fix["edits"]) == LATE_GLOBAL_FIXED
    assert broken_item["fix"] is None
    assert (broken_item["location"], broken_item["noqa_row"]) == ({"row": 1, "column": 7}, 1)
    assert (two_files / "g.py").read_text() == LATE_GLOBAL  # nothing written


def test_github_annotations(run_cli: RunCli, two_files: Path) -> None:
    code, out, err = run_cli("--output-format", "github", *SELECT)
    assert code == 1, err
    assert out.splitlines() == [
        "::error title=netra-lint (NL301),file=g.py,line=6,col=12,endLine=6,endColumn=13::"
        "g.py:6:12: NL301 name 'X' is used prior to global declaration",
        "::error title=netra-lint (NL001),file=sub dir/bad & <odd>.py,line=1,col=7,endLine=1,endColumn=7::"
        "sub dir/bad & <odd>.py:1:7: NL001 cannot parse: invalid syntax",
    ]


# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json, OASIS) that a producer must
# satisfy for what we emit: required properties, types, enums and minimums.
_MESSAGE = {
    "type": "object",
    "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
    "properties": {"text": {"type": "string"}},
}
_MULTIFORMAT = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}},
}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string", "format": "uri"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MULTIFORMAT,
                                                "fullDescription": _MULTIFORMAT,
                                                "help": _MULTIFORMAT,
                                                "helpUri": {"type": "string", "format": "uri"},
                                                "properties": {"type": "object"},
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "originalUriBaseIds": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "properties": {
                                "uri": {"type": "string", "format": "uri-reference"},
                                "uriBaseId": {"type": "string"},
                            },
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "kind": {"enum": ["notApplicable", "pass", "fail", "review", "open", "informational"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "anyOf": [
                                                    {"required": ["address"]},
                                                    {"required": ["artifactLocation"]},
                                                ],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {
                                                            "uri": {"type": "string", "format": "uri-reference"},
                                                            "uriBaseId": {"type": "string"},
                                                        },
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                            "endLine": {"type": "integer", "minimum": 1},
                                                            "endColumn": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def _uri_reference(value: object) -> bool:
    # RFC 3986 URI-reference: no spaces, no characters outside the allowed set, valid %XX.
    return (
        isinstance(value, str)
        and re.fullmatch(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*", value) is not None
    )


FORMATS = jsonschema.FormatChecker()
FORMATS.checks("uri-reference")(_uri_reference)
FORMATS.checks("uri")(lambda value: _uri_reference(value) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) is not None)


def test_sarif_is_valid_2_1_0(run_cli: RunCli, two_files: Path) -> None:
    code, out, err = run_cli("--output-format", "sarif", *SELECT)
    assert code == 1, err
    document = json.loads(out)
    jsonschema.validate(document, SARIF_SUBSET, format_checker=FORMATS)
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "netra-lint"
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["NL301", "NL001"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 12, "endLine": 6, "endColumn": 13}
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["g.py", "sub%20dir/bad%20%26%20%3Codd%3E.py"]
    # relative to the project root (no git work tree here), which the run names
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in results} == {"%SRCROOT%"}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": two_files.as_uri() + "/"}}


def test_sarif_without_findings(run_cli: RunCli, project: Path) -> None:
    write(project, {"ok.py": "x = 1\n"})
    code, out, err = run_cli("--output-format", "sarif", *SELECT)
    assert code == 0, err
    document = json.loads(out)
    jsonschema.validate(document, SARIF_SUBSET, format_checker=FORMATS)
    assert document["runs"][0]["results"] == []


def test_gitlab_code_quality(run_cli: RunCli, two_files: Path) -> None:
    code, out, err = run_cli("--output-format", "gitlab", *SELECT)
    assert code == 1, err
    issues = json.loads(out)
    assert len(issues) == 2
    for issue in issues:
        # the fields GitLab requires for a Code Quality report
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str)
        assert re.fullmatch(r"[0-9a-f]{32,64}", issue["fingerprint"])
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(issue["location"]["path"], str)
        begin = issue["location"].get("lines", {}).get("begin") or issue["location"]["positions"]["begin"]["line"]
        assert isinstance(begin, int) and begin >= 1
    assert [i["location"]["path"] for i in issues] == ["g.py", "sub dir/bad & <odd>.py"]
    assert issues[0]["check_name"] == "NL301"
    assert len({i["fingerprint"] for i in issues}) == 2
    # fingerprints are stable across runs, so GitLab can tell new issues from old ones
    again = json.loads(run_cli("--output-format", "gitlab", *SELECT).out)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]


def test_junit_is_well_formed_xml(run_cli: RunCli, two_files: Path) -> None:
    code, out, err = run_cli("--output-format", "junit", *SELECT)
    assert code == 1, err
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["g.py", "sub dir/bad & <odd>.py"]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 2 == int(root.get("failures")) == int(root.get("tests"))
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("message") == "name 'X' is used prior to global declaration"
    assert cases[1].get("classname") == "sub dir/bad & <odd>.py:1:7"


def test_machine_formats_without_findings(run_cli: RunCli, project: Path) -> None:
    write(project, {"ok.py": "x = 1\n"})
    for fmt, check in (
        ("json", lambda out: json.loads(out) == []),
        ("gitlab", lambda out: json.loads(out) == []),
        ("github", lambda out: out == ""),
        ("concise", lambda out: out.strip() == "All checks passed!"),
        ("junit", lambda out: ET.fromstring(out.encode()).get("tests") == "0"),
    ):
        code, out, err = run_cli("--output-format", fmt, *SELECT)
        assert code == 0, (fmt, err)
        assert check(out), (fmt, out)


def test_statistics_with_fixable_findings(run_cli: RunCli, two_files: Path) -> None:
    code, out, err = run_cli("--statistics", *SELECT)
    assert code == 1, err
    rows = [line.split() for line in out.splitlines()]
    assert rows == [
        ["count", "code", "name", "safe", "unsafe", "manual"],
        ["1", "NL001", "parse-error", "0", "0", "1"],
        ["1", "NL301", "global-after-use", "1", "0", "0"],
        ["Found", "2", "errors."],
        ["[*]", "1", "fixable", "with", "the", "`--fix`", "option."],
    ]
    assert reported(out) == []


#: Findings of ruff rules with every shape of ruff's full layout: a span over several lines
#: (from its start column, and from the line's indentation), safe and unsafe fixes with
#: diffs, a wide character, line numbers of two digits, a finding on the last line.
RUFF_SHAPES = """\
def f():
    x = compute()
    return 1


if a:
    if b:
        pass
d = dict(
    a=1,
    b=2,
)
s = "漢字" + undefined_name
import os
"""


def test_full_matches_ruffs_own_layout(run_cli: RunCli, project: Path, home: Path) -> None:
    """Hosted ruff findings printed by netra-lint look exactly as ruff prints them."""
    # (not E402: its "help:" title is in ruff's full output, not in the JSON that netra-lint reads)
    codes = "C408,F401,F821,F841,SIM102"
    write(project, {"pyproject.toml": f"[tool.netra-lint.ruff]\nselect = {codes.split(',')!r}\n", "r.py": RUFF_SHAPES})
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", codes]
        + ["--output-format", "full", "r.py"],
        cwd=project,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    code, out, err = run_cli("-n", "r.py")
    assert code == 1, err
    ours = out.split("\n\n")[:-1]  # the summary lines differ in wording
    theirs = ruff.stdout.split("\n\n")[:-1]
    assert len(theirs) == 8
    assert ours == theirs


def test_full_shows_the_fix_diff_on_a_warm_run_too(run_cli: RunCli, two_files: Path) -> None:
    """Cached results carry no fix edits: the files with fixable findings are checked again."""
    cold = run_cli("--select", "NL001,NL3")
    warm = run_cli("--select", "NL001,NL3")
    assert (two_files / ".netra_lint_cache").is_dir()
    assert warm == cold
    assert "5 +     global X\n6 |     print(X)\n  -     global X\n" in warm.out


def test_full_shows_a_fix_with_distant_edits_as_separate_windows_numbered_in_the_fixed_file() -> None:
    """An import added at the top and a call rewritten far below are two small windows (not
    one diff of everything between), and the lower one's rows count the added line."""
    text = "import a\n" + "".join(f"x{i} = {i}\n" for i in range(2, 100)) + "old()\n"
    source = SourceFile(path=Path("m.py"), text=text)
    diag = Diagnostic(code="NL999", message="m", start=0, end=0, path="m.py", row=100, column=1)
    diag.edit_locations = [(2, 1, 2, 1, "import b\n"), (100, 1, 100, 4, "new")]
    lines = [click.unstyle(line).rstrip() for line in _diff(source, diag)]
    assert lines == [
        "    |",
        "1   | import a",
        "2   + import b",
        "3   | x2 = 2",
        "-" * 80,
        "100 | x99 = 99",
        "    - old()",
        "101 + new()",
        "    |",
    ]
