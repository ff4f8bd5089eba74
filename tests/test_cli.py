"""The command as a user runs it: subcommands, options, exit codes, messages."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import netra_lint
from conftest import BROKEN, LATE_GLOBAL, LATE_GLOBAL_FIXED, RunCli, reported, reported_paths, snapshot, write

CHECK_OPTIONS = (
    "--fix",
    "--unsafe-fixes",
    "--diff",
    "--select",
    "--ignore",
    "--extend-select",
    "--output-format",
    "--exit-zero",
    "--statistics",
    "--show-fixes",
    "--config",
    "--no-cache",
    "--quiet",
    "--force-exclude",
)


def test_version(run_cli: RunCli) -> None:
    code, out, err = run_cli("--version")
    assert code == 0, err
    assert out.strip() == f"netra-lint, version {netra_lint.__version__}"


def test_help_lists_the_commands_and_every_option(run_cli: RunCli) -> None:
    code, out, err = run_cli("--help")
    assert code == 0, err
    assert re.search(r"^\s+check\s", out, re.MULTILINE) and re.search(r"^\s+rule\s", out, re.MULTILINE)
    code, out, err = run_cli("check", "--help")
    assert code == 0, err
    for option in CHECK_OPTIONS:
        assert option in out, option


def test_no_path_checks_the_current_directory(run_cli: RunCli, project: Path) -> None:
    write(project, {"pkg/broken.py": BROKEN, "pkg/fine.py": "x = 1\n", "top.pyi": BROKEN})
    code, out, err = run_cli("--output-format", "concise")
    assert code == 1, err
    assert reported(out) == [("pkg/broken.py", 1, 7, "NL001"), ("top.pyi", 1, 7, "NL001")]
    # from a subdirectory: that directory only, paths shown relative to it
    code, out, err = run_cli("--output-format", "concise", cwd=project / "pkg")
    assert code == 1, err
    assert reported(out) == [("broken.py", 1, 7, "NL001")]


def test_check_subcommand_and_bare_paths_are_the_same(run_cli: RunCli, project: Path) -> None:
    write(project, {"src/a.py": BROKEN, "src/b.py": "y = 2\n"})
    implicit = run_cli("src/", "--no-cache")
    explicit = run_cli("check", "src/", "--no-cache")
    assert implicit == explicit
    assert implicit.code == 1
    assert "NL001 cannot parse: invalid syntax\n --> src/a.py:1:7\n" in implicit.out
    assert "Found 1 error." in implicit.out


def test_clean_tree_exits_0_and_says_so(run_cli: RunCli, project: Path) -> None:
    write(project, {"src/a.py": "import os\n\nprint(os.sep)\n"})
    code, out, err = run_cli("src")
    assert (code, out.strip(), err) == (0, "All checks passed!", "")


def test_exit_zero_keeps_the_report(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN})
    code, out, _ = run_cli("--exit-zero", "--output-format", "concise", "a.py")
    assert code == 0
    assert reported(out) == [("a.py", 1, 7, "NL001")]


def test_newer_python_syntax_is_reported_as_such(run_cli: RunCli, project: Path) -> None:
    """PEP 695 code (Python 3.12) parses where it should; on an older interpreter NL001 says
    that the line is newer Python, not simply broken. Other syntax errors get no such note."""
    write(
        project, {"a.py": "type Pair = tuple[int, int]\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"}
    )
    code, out, _ = run_cli("--quiet", "--output-format", "concise", "a.py")
    if sys.version_info >= (3, 12):
        assert (code, out) == (0, "")
    else:
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        assert code == 1
        assert out == (
            f"a.py:1:6: NL001 cannot parse: invalid syntax in Python {running}, which runs netra-lint: the line uses "
            "Python 3.12's type parameters or `type` aliases (PEP 695); run netra-lint on Python 3.12 or later\n"
        )


def test_quiet_prints_the_violations_only(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN, "b.py": "b = 1\n"})
    code, out, err = run_cli("--quiet", "--output-format", "concise")
    assert code == 1
    assert out == "a.py:1:7: NL001 cannot parse: invalid syntax\n"
    assert err == ""
    code, out, err = run_cli("-q", "b.py")
    assert (code, out, err) == (0, "", "")


def test_statistics(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN, "b.py": BROKEN, "c.py": "x = (\n"})
    code, out, err = run_cli("--statistics")
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].split() == ["count", "code", "name", "safe", "unsafe", "manual"]
    assert lines[1].split() == ["3", "NL001", "parse-error", "0", "0", "3"]
    assert lines[2:] == ["Found 3 errors."]
    assert "a.py" not in out


def test_missing_path_is_a_usage_error(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": "a = 1\n"})
    code, out, err = run_cli("a.py", "nowhere/missing.py")
    assert code == 2
    assert out == ""
    assert err.strip() == "netra-lint: error: nowhere/missing.py: no such file or directory"


def test_bad_rule_codes_are_usage_errors(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": "a = 1\n"})
    for option in ("--select", "--ignore", "--extend-select"):
        code, out, err = run_cli(option, "NL001,XYZ123", "a.py")
        assert code == 2, option
        assert "XYZ123" in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        assert out == ""


def test_bad_option_values_are_usage_errors(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": "a = 1\n"})
    code, _, err = run_cli("--output-format", "yaml", "a.py")
    assert code == 2 and "yaml" in err
    code, _, err = run_cli("--no-such-option", "a.py")
    assert code == 2 and "--no-such-option" in err


def test_select_and_ignore_by_code_and_prefix(run_cli: RunCli, project: Path) -> None:
    write(project, {"a.py": BROKEN})
    assert reported(run_cli("--select", "NL001", "--output-format", "concise").out) == [("a.py", 1, 7, "NL001")]
    assert reported(run_cli("--select", "nl0", "--output-format", "concise").out) == [("a.py", 1, 7, "NL001")]
    code, out, _ = run_cli("--ignore", "NL0")
    assert (code, out.strip()) == (0, "All checks passed!")
    code, out, _ = run_cli("--select", "NL001", "--ignore", "NL001")
    assert (code, out.strip()) == (0, "All checks passed!")
    code, out, _ = run_cli("--ignore", "NL001", "--extend-select", "NL001", "-q")
    assert code == 0, out  # ignore wins over extend-select, as in ruff


def test_undecodable_and_unparsable_files_do_not_stop_the_run(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "a_bad_bytes.py": b"x = 1\ny = '\xff\xfe'\n",
            "b_bad_cookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
            "c_syntax.py": "def ok():\n    return 1\n\nif True\n    pass\n",
            "d_unclosed.py": "x = (\n",
            "e_fine.py": "x = 1\n",
        },
    )
    before = snapshot(project)
    code, out, err = run_cli("--output-format", "concise", "--fix")
    assert code == 1, err
    found = reported(out)
    assert [(p, c) for p, _, _, c in found] == [
        ("a_bad_bytes.py", "NL001"),
        ("b_bad_cookie.py", "NL001"),
        ("c_syntax.py", "NL001"),
        ("d_unclosed.py", "NL001"),
    ]
    positions = {p: (r, col) for p, r, col, _ in found}
    assert positions["a_bad_bytes.py"] == (2, 6)  # the first byte that is not UTF-8
    assert positions["c_syntax.py"][0] == 4
    assert positions["d_unclosed.py"] == (1, 5)
    assert snapshot(project) == before


def test_rule_prints_the_documentation(run_cli: RunCli) -> None:
    code, out, err = run_cli("rule", "NL001")
    assert code == 0, err
    assert out.startswith("# parse-error (NL001)")
    assert "## What it does" in out and "## Example" in out and "## Fix safety" in out
    assert run_cli("rule", "nl001").out == out


def test_rule_all_lists_every_rule(run_cli: RunCli) -> None:
    from netra_lint.registry import all_rules
    from netra_lint.ruff_host import DEFAULT_HOSTED

    code, out, err = run_cli("rule", "--all")
    assert code == 0, err
    # netra-lint's rules, then the hosted ruff rules of the configuration
    assert [line.split()[0] for line in out.splitlines()] == [*all_rules(), *DEFAULT_HOSTED]


def test_unknown_rule_is_a_usage_error(run_cli: RunCli) -> None:
    code, out, err = run_cli("rule", "NL999")
    assert code == 2 and out == ""
    assert "NL999" in err and len(err.strip().splitlines()) == 1


def test_paths_named_twice_are_checked_once(run_cli: RunCli, project: Path) -> None:
    write(project, {"src/a.py": BROKEN})
    code, out, _ = run_cli("src", "src/a.py", "./src", "--output-format", "concise")
    assert code == 1
    assert reported(out) == [("src/a.py", 1, 7, "NL001")]


def test_absolute_paths(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    write(project, {"src/a.py": BROKEN})
    code, out, _ = run_cli(project / "src", "--output-format", "concise", cwd=tmp_path)
    assert code == 1
    assert reported_paths(out) == {"project/src/a.py"}


# -- fixing, with NL301 (``global`` after use): its fix hoists the declaration ---------

LATE_GLOBAL_NOQA = LATE_GLOBAL.replace("    global X\n", "    global X  # noqa: NL301\n")


def test_fix_writes_the_fix_and_reports_nothing_left(run_cli: RunCli, project: Path) -> None:
    write(project, {"src/g.py": LATE_GLOBAL, "src/clean.py": "x = 1\n"})
    clean_stat = (project / "src" / "clean.py").stat()
    code, out, err = run_cli("--fix", "--select", "NL3", "src/")
    assert code == 0, (out, err)
    assert (project / "src" / "g.py").read_text() == LATE_GLOBAL_FIXED
    assert "Found 1 error (1 fixed, 0 remaining)." in out
    assert (project / "src" / "clean.py").stat().st_mtime_ns == clean_stat.st_mtime_ns
    # idempotent
    code, out, err = run_cli("--fix", "--select", "NL3", "src/")
    assert (code, out.strip()) == (0, "All checks passed!"), err


def test_check_only_reports_and_writes_nothing(run_cli: RunCli, project: Path) -> None:
    write(project, {"src/g.py": LATE_GLOBAL})
    before = snapshot(project)
    code, out, err = run_cli("--select", "NL301", "--output-format", "concise", "src")
    assert code == 1, err
    assert reported(out) == [("src/g.py", 6, 12, "NL301")]
    assert "[*] 1 fixable with the `--fix` option." in out
    assert snapshot(project) == before


def test_diff_prints_a_unified_diff_and_writes_nothing(run_cli: RunCli, project: Path) -> None:
    write(project, {"src/g.py": LATE_GLOBAL, "src/ok.py": "x = 1\n"})
    before = snapshot(project)
    code, out, err = run_cli("--diff", "--select", "NL3", "src")
    assert code == 1, err
    assert snapshot(project) == before
    assert out == (
        "--- a/src/g.py\n+++ b/src/g.py\n@@ -2,6 +2,6 @@\n \n \n def f():\n"
        "+    global X\n     print(X)\n-    global X\n     X = 2\n"
    )
    assert "Would fix 1 error in 1 file." in err
    # --diff wins over --fix
    code, out2, _ = run_cli("--diff", "--fix", "--select", "NL3", "src")
    assert (code, out2) == (1, out)
    assert snapshot(project) == before
    # nothing to change: exit 0, no diff
    code, out, _ = run_cli("--diff", "--select", "NL3", "src/ok.py")
    assert (code, out) == (0, "")


def test_show_fixes_lists_what_was_fixed(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL})
    code, out, err = run_cli("--fix", "--show-fixes", "--select", "NL3")
    assert code == 0, err
    assert re.search(r"^Fixed:\n  g\.py:\n    1 × NL301 \(global-after-use\)$", out, re.MULTILINE), out


def test_prefix_selects_the_whole_family(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "g.py": LATE_GLOBAL,
            "n.py": "def outer():\n    y = 1\n\n    def inner():\n        print(y)\n        nonlocal y\n"
            "        y = 2\n\n    return inner\n",
        },
    )
    code, out, err = run_cli("--select", "NL3", "--output-format", "concise")
    assert code == 1, err
    assert [(p, c) for p, _, _, c in reported(out)] == [("g.py", "NL301"), ("n.py", "NL302")]
    assert [c for *_, c in reported(run_cli("--select", "NL301", "--output-format", "concise").out)] == ["NL301"]
    assert [
        c for *_, c in reported(run_cli("--select", "NL3", "--ignore", "NL301", "--output-format", "concise").out)
    ] == ["NL302"]


def test_noqa_comments(run_cli: RunCli, project: Path) -> None:
    write(
        project,
        {
            "one.py": LATE_GLOBAL_NOQA,
            "several.py": LATE_GLOBAL.replace("    global X\n", "    global X  # noqa: E501,NL301, F401\n"),
            "bare.py": LATE_GLOBAL.replace("    global X\n", "    global X  # noqa\n"),
            "ruff_only.py": LATE_GLOBAL.replace("    global X\n", "    global X  # noqa: E501\n"),
            "other_line.py": LATE_GLOBAL.replace("    X = 2\n", "    X = 2  # noqa: NL301\n"),
            "lower.py": LATE_GLOBAL.replace("    global X\n", "    global X  # NOQA:nl301\n"),
        },
    )
    code, out, err = run_cli("--select", "NL301", "--output-format", "concise")
    assert code == 1, err
    assert [(p, r, c) for p, r, _, c in reported(out)] == [("other_line.py", 6, "NL301"), ("ruff_only.py", 6, "NL301")]
    # suppressed findings are not fixed either
    before = snapshot(project)
    code, out, err = run_cli("--select", "NL301", "--fix", "one.py", "several.py", "bare.py", "lower.py")
    assert (code, out.strip()) == (0, "All checks passed!"), err
    assert snapshot(project) == before


def test_fix_keeps_line_endings_bom_encoding_mode_and_final_newline(run_cli: RunCli, project: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\nS = 'café'\n"
    cases = {
        "crlf.py": (LATE_GLOBAL.replace("\n", "\r\n").encode(), LATE_GLOBAL_FIXED.replace("\n", "\r\n").encode()),
        "bom.py": (b"\xef\xbb\xbf" + LATE_GLOBAL.encode(), b"\xef\xbb\xbf" + LATE_GLOBAL_FIXED.encode()),
        "latin1.py": ((latin + LATE_GLOBAL).encode("latin-1"), (latin + LATE_GLOBAL_FIXED).encode("latin-1")),
        "no_final_newline.py": (LATE_GLOBAL.rstrip("\n").encode(), LATE_GLOBAL_FIXED.rstrip("\n").encode()),
        "script.py": (
            b"#!/usr/bin/env python3\n" + LATE_GLOBAL.encode(),
            b"#!/usr/bin/env python3\n" + LATE_GLOBAL_FIXED.encode(),
        ),
    }
    write(project, {name: before for name, (before, _) in cases.items()})
    (project / "script.py").chmod(0o755)
    (project / "crlf.py").chmod(0o640)
    code, out, err = run_cli("--fix", "--select", "NL3", "--output-format", "concise")
    assert (code, out.strip()) == (0, "Found 5 errors (5 fixed, 0 remaining)."), err
    for name, (_, expected) in cases.items():
        assert (project / name).read_bytes() == expected, name
    assert (project / "script.py").stat().st_mode & 0o777 == 0o755
    assert (project / "crlf.py").stat().st_mode & 0o777 == 0o640
    assert not [p.name for p in project.iterdir() if p.name.endswith(".netra-tmp")]


def test_unfixable_files_do_not_stop_the_fixing_of_others(run_cli: RunCli, project: Path) -> None:
    write(project, {"a_broken.py": BROKEN, "b_bytes.py": b"x = 1\ns = '\xff'\n", "c_global.py": LATE_GLOBAL})
    code, out, err = run_cli("--fix", "--select", "NL001,NL3", "--output-format", "concise")
    assert code == 1, err
    assert [(p, c) for p, _, _, c in reported(out)] == [("a_broken.py", "NL001"), ("b_bytes.py", "NL001")]
    assert (project / "c_global.py").read_text() == LATE_GLOBAL_FIXED
    assert (project / "a_broken.py").read_text() == BROKEN


def test_unsafe_fixes_flag_and_config_key(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL})
    code, out, err = run_cli("--unsafe-fixes", "--select", "NL3", "--output-format", "concise")
    assert code == 1, err
    assert reported(out) == [("g.py", 6, 12, "NL301")]
    assert "g.py:6:12: NL301 [*] " in out
    code, out, err = run_cli("--no-unsafe-fixes", "--fix", "--select", "NL3")
    assert code == 0, err
    assert (project / "g.py").read_text() == LATE_GLOBAL_FIXED


# -- the results cache ---------------------------------------------------------------


def _cache_dirs(project: Path) -> list[Path]:
    return sorted((project / ".netra_lint_cache").glob("results-*"))


def _shards(directory: Path) -> dict[Path, tuple[str, dict]]:
    """Each shard file of a results cache → (its key, its entries)."""
    import marshal

    return {path: marshal.loads(path.read_bytes()) for path in sorted(directory.glob("*.marshal"))}


def test_second_run_reads_the_cache_and_edits_invalidate_it(run_cli: RunCli, project: Path) -> None:
    import marshal

    write(project, {"g.py": LATE_GLOBAL, "ok.py": "x = 1\n"})
    args = ("--select", "NL001,NL3", "--output-format", "concise")
    first = run_cli(*args)
    assert first.code == 1
    [results] = _cache_dirs(project)
    shards = _shards(results)
    # keyed by the path relative to the project root, so the cache holds in another checkout
    assert {name for _, entries in shards.values() for name in entries} == {"g.py", "ok.py"}
    # prove the second run answers from the cache: mark the stored message
    [(shard, (key, entries))] = [(p, s) for p, s in shards.items() if "g.py" in s[1]]
    entry = entries["g.py"]
    assert "name 'X' is used prior to global declaration" in repr(entry)
    entry[4][0][1] = "CACHED " + entry[4][0][1]
    shard.write_bytes(marshal.dumps((key, entries)))
    second = run_cli(*args)
    assert second.code == 1
    assert "g.py:6:12: NL301 [*] CACHED name 'X' is used prior to global declaration" in second.out
    # an edit invalidates the entry
    (project / "g.py").write_text(LATE_GLOBAL_FIXED + "\n")
    code, out, _ = run_cli(*args)
    assert (code, out.strip()) == (0, "All checks passed!")
    (project / "ok.py").write_text("def broken(:\n")
    code, out, _ = run_cli(*args)
    assert code == 1 and reported(out) == [("ok.py", 1, 12, "NL001")]
    # a different selection is a different cache: nothing stale is shown
    code, out, _ = run_cli("--select", "NL3", "--output-format", "concise")
    assert (code, out.strip()) == (0, "All checks passed!")


def test_a_run_rewrites_only_the_shards_of_the_files_it_checked(run_cli: RunCli, project: Path) -> None:
    write(project, {f"m{i}.py": f"V{i} = {i}\n" for i in range(60)})
    assert run_cli("--select", "NL3").code == 0
    [results] = _cache_dirs(project)
    before = {p: p.stat().st_mtime_ns for p in results.glob("*.marshal")}
    assert len(before) > 10
    (project / "m7.py").write_text("V7 = 'changed'\n")
    assert run_cli("--select", "NL3").code == 0
    after = {p: p.stat().st_mtime_ns for p in results.glob("*.marshal")}
    assert len([p for p in before if after[p] != before[p]]) == 1


def test_fix_after_a_cached_check_still_fixes(run_cli: RunCli, project: Path) -> None:
    write(project, {"g.py": LATE_GLOBAL})
    assert run_cli("--select", "NL3").code == 1
    assert run_cli("--select", "NL3").code == 1  # from the cache
    code, _, err = run_cli("--select", "NL3", "--fix")
    assert code == 0, err
    assert (project / "g.py").read_text() == LATE_GLOBAL_FIXED


def test_no_cache_writes_no_cache(run_cli: RunCli, project: Path) -> None:
    write(project, {"pkg/__init__.py": "", "pkg/g.py": LATE_GLOBAL, "pkg/m.py": "from pkg import g\n"})
    code, out, err = run_cli("--no-cache")
    assert code == 1, err
    assert "NL301" in out
    assert sorted(p.name for p in project.iterdir()) == ["pkg"]
