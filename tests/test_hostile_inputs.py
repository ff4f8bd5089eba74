"""Odd files, odd paths and odd file systems: each file gets a diagnostic or is skipped with
a reason, there is never a traceback, and the other files are still checked and fixed.

A real fixable fixture case is planted into files of every shape (BOM, CRLF, latin-1
cookie, tabs, form feed, stub, path with spaces and non-ASCII characters, symbolic link); the
fixed bytes must be exactly the same transformation of the case's expected ``.fixed.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Locker
from fixture_cases import Case, all_cases
from netra_lint import runner
from netra_lint.config import load_settings
from netra_lint.engine import RunOptions
from netra_lint.runner import run

TIMEOUT = 120
BIG_FILE_TIMEOUT = 60


def _plant_case() -> Case:
    """A single-file fixture case with a safe fix, ASCII only (so every encoding can hold it)."""
    for case in all_cases():
        if case.path.is_file() and case.path.suffix == ".py" and case.path.read_bytes().isascii():
            fixed = case.expected("fixed", Path(case.path.name))
            if fixed is not None and fixed.isascii() and "\t" not in fixed and "\r" not in fixed:
                return case
    raise AssertionError("no fixture case with a safe fix to plant")


CASE = _plant_case()
ORIGINAL = CASE.path.read_text(encoding="utf-8")
FIXED = CASE.expected("fixed", Path(CASE.path.name)) or ""


def _tabs(text: str) -> str:
    return re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), text)


@dataclass(frozen=True)
class Shape:
    """How a planted file is stored: its name and the bytes for a given text."""

    name: str
    encode: Callable[[str], bytes]


SHAPES = [
    Shape("plain.py", lambda t: t.encode()),
    Shape("bom.py", lambda t: t.encode("utf-8-sig")),
    Shape("crlf.py", lambda t: t.replace("\n", "\r\n").encode()),
    Shape("latin1_cookie.py", lambda t: ("# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\n" + t).encode("latin-1")),
    Shape("cp1252_cookie.py", lambda t: ("# vim: set fileencoding=cp1252 :\n# \u20ac price\n" + t).encode("cp1252")),
    Shape("tabs.py", lambda t: _tabs(t).encode()),
    Shape("form_feed.py", lambda t: ("\x0c\n# page two\n" + t).encode()),
    Shape("no_final_newline.py", lambda t: t.rstrip("\n").encode()),
    Shape("stub.pyi", lambda t: t.encode()),
    Shape("sp ace/ñame é.py", lambda t: t.encode()),
    Shape("x.py/inside.py", lambda t: t.encode()),  # a directory named x.py
]

#: Files with no planted problem: (name, bytes, expected NL001 message fragment or None).
ODD_FILES: list[tuple[str, bytes, str | None]] = [
    ("empty.py", b"", None),
    ("only_comments.py", b"# one\n# two\n#three", None),
    ("only_bom.py", b"\xef\xbb\xbf", None),
    ("mixed_newlines.py", b"a = 1\r\nb = 2\nc = 3\rd = 4\r\n", None),
    ("latin1_no_cookie.py", b"x = 'caf\xe9'\n", "NL001"),
    ("bad_utf8_with_cookie.py", b"# -*- coding: utf-8 -*-\nx = '\xff\xfe'\n", "NL001"),
    ("unknown_cookie.py", b"# -*- coding: no-such-codec -*-\nx = 1\n", "NL001"),
    ("nul_byte.py", b"x = 1\x00\n", "NL001"),
    ("python2.py", b'print "hello"\nexec "x = 1"\nprint >>f, x\n', "NL001"),
    ("deep_parens.py", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "NL001"),
    ("deep_unary.py", b"x = " + b"-" * 200000 + b"1\n", "NL001"),
    ("deep_blocks.py", b"".join(b"    " * i + b"if x:\n" for i in range(120)) + b"    " * 120 + b"pass\n", "NL001"),
    ("long_line.py", b"x = [" + b"1, " * 200000 + b"]\n", None),
    (
        "match_stmt.py",
        b"match command:\n    case [x, *rest] if x:\n        pass\n    case {'k': v}:\n        pass\n",
        None,
    ),
    ("walrus_etc.py", b"if (n := 10) > 5:\n    print(f'{n=}')\ndef f(a, /, b, *, c): ...\n", None),
]
if sys.version_info >= (3, 12):
    ODD_FILES.append(
        ("pep695.py", b"type Alias[T] = list[T]\ndef f[T](x: T) -> T:\n    return x\nclass C[T]: ...\n", None)
    )
    ODD_FILES.append(("pep701.py", b"x = f\"{'a' + f'{1}'}\"\ny = f\"{'\\n'.join([])}\"\n", None))
else:
    # Newer syntax than the running Python: reported as a parse error, not a crash.
    ODD_FILES.append(
        ("pep695.py", b"type Alias[T] = list[T]\ndef f[T](x: T) -> T:\n    return x\nclass C[T]: ...\n", "NL001")
    )
    ODD_FILES.append(("pep701.py", b"x = f\"{'a' + f'{1}'}\"\ny = f\"{'\\n'.join([])}\"\n", "NL001"))


def netra(
    root: Path, *args: str, timeout: float = TIMEOUT, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command in a child process (a traceback would show on stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "netra_lint", "check", "--no-cache", "--output-format", "concise", *args],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return proc


def build(root: Path) -> dict[str, bytes]:
    """The hostile project; returns the expected bytes of every planted file after --fix."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    expected: dict[str, bytes] = {}
    for shape in SHAPES:
        path = root / shape.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(shape.encode(ORIGINAL))
        expected[shape.name] = shape.encode(FIXED)
    for name, data, _ in ODD_FILES:
        (root / name).write_bytes(data)
    # Symbolic links: inside the tree (fixed through the link), broken, looping, and out of the tree.
    (root / "linked").mkdir()
    (root / "linked" / "target.py").write_bytes(ORIGINAL.encode())
    expected["linked/target.py"] = FIXED.encode()
    os.symlink("target.py", root / "linked" / "a_link_to_target.py")
    os.symlink("does_not_exist.py", root / "broken_link.py")
    os.symlink("/", root / "out_of_tree_link")
    return expected


def planted(codes: set[str]) -> bool:
    """True if ``codes`` hold a finding of the planted case's rule (its code or prefix)."""
    return any(code.startswith(CASE.code) for code in codes)


def codes_by_file(output: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in output.splitlines():
        match = re.match(r"^(?P<path>.+?):\d+:\d+: (?P<code>[A-Z]+[0-9]+)\b", line)
        if match:
            found.setdefault(Path(match.group("path")).as_posix(), set()).add(match.group("code"))
    return found


def test_hostile_project_check_and_fix(tmp_path: Path) -> None:
    root = tmp_path / "hostile project é"
    expected = build(root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}

    checked = netra(root, "-v", "--select", f"NL001,{CASE.code}", ".")
    assert checked.returncode == 1, checked.stderr
    found = codes_by_file(checked.stdout)
    for name in expected:
        if name != "linked/target.py":
            assert planted(found.get(name, set())), (
                f"{name}: the planted {CASE.code} was not reported\n{checked.stdout}"
            )
    for name, _, parse_error in ODD_FILES:
        if parse_error:
            assert parse_error in found.get(name, set()), f"{name}: no {parse_error}\n{checked.stdout}"
        else:
            assert "NL001" not in found.get(name, set()), f"{name}: unexpected parse error\n{checked.stdout}"
    for link in ("broken_link.py", "out_of_tree_link"):
        assert re.search(rf"skipped .*{link}: \S", checked.stderr), (
            f"{link} was not skipped with a reason\n{checked.stderr}"
        )
    linked = [n for n in ("linked/target.py", "linked/a_link_to_target.py") if planted(found.get(n, set()))]
    assert len(linked) == 1, f"a file and a link to it must be checked once: {linked}"
    assert {p: p.read_bytes() for p in before} == before, "a check run wrote to a file"

    fixed = netra(root, "--fix", "--select", f"NL001,{CASE.code}", ".")
    assert fixed.returncode == 1, fixed.stderr  # the odd files still have their parse errors
    assert "error:" not in fixed.stderr, fixed.stderr
    for name, data in expected.items():
        assert (root / name).read_bytes() == data, f"{name} after --fix"
    assert os.path.islink(root / "linked" / "a_link_to_target.py"), "the symbolic link was replaced by a file"
    for name, data, _ in ODD_FILES:
        assert (root / name).read_bytes() == data, f"{name} was changed"
    leftovers = [p for p in root.rglob("*netra-tmp*")]
    assert leftovers == [], leftovers

    again = netra(root, "--fix", "--select", f"NL001,{CASE.code}", ".")
    for name, data in expected.items():
        assert (root / name).read_bytes() == data, f"{name} changed on a second --fix"
    left = codes_by_file(again.stdout)
    assert [n for n in expected if planted(left.get(n, set()))] == [], again.stdout


def test_symlink_loops_are_skipped_with_a_reason(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "good.py").write_text(ORIGINAL, encoding="utf-8")
    os.symlink("loop_b.py", root / "loop_a.py")
    os.symlink("loop_a.py", root / "loop_b.py")
    os.symlink("self_loop", root / "self_loop", target_is_directory=True)
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "parent")  # a directory cycle
    proc = netra(root, "-v", "--select", f"NL001,{CASE.code}", ".")
    assert planted(codes_by_file(proc.stdout).get("good.py", set())), proc.stdout + proc.stderr
    for link in ("loop_a.py", "loop_b.py", "self_loop"):
        assert re.search(rf"skipped .*{link}: \S", proc.stderr), f"{link} was not skipped with a reason\n{proc.stderr}"
    assert len([line for line in proc.stdout.splitlines() if "good.py:" in line]) == len(
        [line for line in proc.stdout.splitlines() if line.startswith("good.py:")]
    ), "a file was checked again through the directory cycle"


def test_diff_of_hostile_files_applies_with_patch(tmp_path: Path) -> None:
    """``--diff`` output for every planted shape (BOM, CRLF, latin-1 and cp1252 cookies, spaces
    and non-ASCII in the path) applies with ``patch --fuzz=0`` to exactly what ``--fix`` writes."""
    root = tmp_path / "project"
    expected = build(root)
    diff = subprocess.run(
        [sys.executable, "-m", "netra_lint", "check", "--no-cache", "--diff", "--select", f"NL001,{CASE.code}", "."],
        cwd=root,
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert b"Traceback" not in diff.stderr, diff.stderr.decode(errors="replace")
    assert diff.returncode == 1, diff.stderr.decode(errors="replace")
    patched = subprocess.run(
        ["patch", "-p1", "--fuzz=0", "--batch", "--no-backup-if-mismatch", "--silent"],
        input=diff.stdout,
        cwd=root,
        capture_output=True,
        timeout=TIMEOUT,
    )
    problems = [name for name, data in expected.items() if (root / name).read_bytes() != data]
    assert patched.returncode == 0 and not problems, f"not patched as --fix would write: {problems}\n" + (
        patched.stdout + patched.stderr
    ).decode(errors="replace")


def test_file_changed_between_read_and_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the file after it was read and before the fix is written: their edit
    stays, the run says so, and the other files are still fixed."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "edited.py").write_text(ORIGINAL, encoding="utf-8")
    (root / "other.py").write_text(ORIGINAL, encoding="utf-8")
    users_edit = ORIGINAL + "\n# saved by someone else meanwhile\n"
    real_lint_files = runner.lint_files

    def lint_then_edit(linter, files, progress=None):
        for result in real_lint_files(linter, files, progress):
            if result.path.name == "edited.py":
                result.path.write_text(users_edit, encoding="utf-8")
            yield result

    monkeypatch.setattr(runner, "lint_files", lint_then_edit)
    monkeypatch.chdir(root)
    settings = load_settings([root], select=[CASE.code])
    settings.use_cache = False
    outcome = run([root], settings, RunOptions(fix=True, jobs=1))
    assert (root / "edited.py").read_text(encoding="utf-8") == users_edit
    assert any("edited.py" in e and "not written" in e for e in outcome.errors), outcome.errors
    assert (root / "other.py").read_text(encoding="utf-8") == FIXED
    assert [p for p in root.rglob("*netra-tmp*")] == []


def test_what_cannot_be_read_in_a_walk_is_a_warning_and_the_run_goes_on(tmp_path: Path, locker: Locker) -> None:
    """As ruff: a directory that can't be listed and a Python file that can't be read (no
    permission, a broken link, a link loop) are each named in a warning; the other files are
    checked and fixed, and the exit code is the findings'."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "good.py").write_text(ORIGINAL, encoding="utf-8")
    (root / "secret.py").write_text(ORIGINAL, encoding="utf-8")
    (root / "locked").mkdir()
    (root / "locked" / "inside.py").write_text(ORIGINAL, encoding="utf-8")
    os.symlink("nowhere.py", root / "broken_link.py")
    os.symlink("loop_b.py", root / "loop_a.py")
    os.symlink("loop_a.py", root / "loop_b.py")
    os.symlink("nowhere", root / "notes.txt")  # not Python: never checked, so no warning
    locker.lock(root / "secret.py")
    locker.lock(root / "locked")
    select = ("--select", f"NL001,{CASE.code}")
    unreadable = {
        "secret.py": "cannot read file: Permission denied",
        "locked": "cannot list directory: Permission denied",
        "broken_link.py": "broken symbolic link",
        "loop_a.py": "symbolic link loop",
        "loop_b.py": "symbolic link loop",
    }

    checked = netra(root, *select, ".", preexec_fn=locker.preexec_fn)
    assert checked.returncode == 1, checked.stderr  # good.py's finding
    assert set(codes_by_file(checked.stdout)) == {"good.py"}, checked.stdout
    warnings = [line for line in checked.stderr.splitlines() if line.startswith("netra-lint: warning: ")]
    assert sorted(warnings) == sorted(f"netra-lint: warning: skipped {p}: {r}" for p, r in unreadable.items())
    assert "error" not in checked.stderr

    fixed = netra(root, "--fix", *select, ".", preexec_fn=locker.preexec_fn)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr  # nothing left that can be read
    assert (root / "good.py").read_text(encoding="utf-8") == FIXED
    assert len([line for line in fixed.stderr.splitlines() if "warning: skipped" in line]) == len(unreadable)
    assert "error" not in fixed.stderr


def test_a_path_named_that_cannot_be_looked_at_is_one_line_and_exit_2(tmp_path: Path, locker: Locker) -> None:
    """A link loop, a broken link or a file behind a directory that can't be entered, named
    on the command line (first, where the configuration is looked for, or later): the user
    asked for something that isn't there, as for a missing path."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "good.py").write_text(ORIGINAL, encoding="utf-8")
    (root / "locked").mkdir()
    (root / "locked" / "inside.py").write_text(ORIGINAL, encoding="utf-8")
    (root / "locked" / "pyproject.toml").write_text("", encoding="utf-8")
    os.symlink("loop_b.py", root / "loop_a.py")
    os.symlink("loop_a.py", root / "loop_b.py")
    os.symlink("nowhere.py", root / "broken_link.py")
    locker.lock(root / "locked")
    named = {
        "loop_a.py": "symbolic link loop",
        "broken_link.py": "broken symbolic link",
        "locked/inside.py": "cannot access: Permission denied",
        "missing.py": "no such file or directory",
    }
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.parent != root / "locked"}
    for path, reason in named.items():
        for args in ((path,), ("good.py", path), ("--fix", path, "good.py")):
            proc = netra(root, *args, preexec_fn=locker.preexec_fn)
            assert (proc.returncode, proc.stdout) == (2, ""), (args, proc.stdout, proc.stderr)
            assert proc.stderr == f"netra-lint: error: {path}: {reason}\n", args
    proc = netra(root, "--config", "locked/pyproject.toml", "good.py", preexec_fn=locker.preexec_fn)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "netra-lint: error: locked/pyproject.toml: config file not found (cannot access: Permission denied)\n"
    )
    assert {p: p.read_bytes() for p in before} == before, "a run with a bad path wrote a file"


def test_file_named_on_the_command_line_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "good.py").write_text(ORIGINAL, encoding="utf-8")
    os.mkfifo(root / "pipe.py")
    try:
        proc = netra(root, "-v", "--select", f"NL001,{CASE.code}", "good.py", "pipe.py", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail(
            "a named pipe given on the command line blocked the run (read without a check that it is a regular file)"
        )
    assert planted(codes_by_file(proc.stdout).get("good.py", set())), proc.stdout
    assert "pipe.py" in proc.stderr


def test_ten_megabyte_file(tmp_path: Path) -> None:
    """A 10 MB generated module with the planted problem at its very end is checked in
    bounded time (or skipped with a reason), and the small file beside it is still checked."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "small.py").write_text(ORIGINAL, encoding="utf-8")
    chunk = "def function_{0}(a, b):\n    return a + b * {0}\n\n\n"
    parts, size, i = [], 0, 0
    while size < 10 * 1024 * 1024:
        part = chunk.format(i)
        parts.append(part)
        size += len(part)
        i += 1
    (root / "generated.py").write_text("".join(parts) + ORIGINAL, encoding="utf-8")
    started = time.monotonic()
    try:
        proc = netra(root, "-v", "--select", f"NL001,{CASE.code}", ".", timeout=BIG_FILE_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"checking a 10 MB file took more than {BIG_FILE_TIMEOUT} s")
    found = codes_by_file(proc.stdout)
    assert planted(found.get("small.py", set())), proc.stdout
    assert planted(found.get("generated.py", set())) or re.search(r"skipped .*generated\.py: \S", proc.stderr), (
        f"after {time.monotonic() - started:.0f} s:\n{proc.stdout}\n{proc.stderr}"
    )


_ENTRY = '[[deprecated-api]]\nold = ["shop.old.Thing"]\nnew = "{new}"\nmessage = "use the new one"\nfix = "safe"\n'
BAD_PACKS = {
    # id: (pack files to write, pack names listed in pyproject, fragments the message must hold)
    "missing": ({}, ["packs/missing.toml"], ["missing.toml", "packs", "not found"]),
    "malformed-toml": (
        {"packs/bad.toml": "[module-moves\n'a' = 'b'\n"},
        ["packs/bad.toml"],
        ["bad.toml", "invalid TOML"],
    ),
    "unknown-section": (
        {"packs/bad.toml": "[no-such-section]\nx = 1\n"},
        ["packs/bad.toml"],
        ["bad.toml", "no-such-section", "unknown pack section"],
    ),
    "module-move-to-itself": (
        {"packs/bad.toml": "[module-moves]\n'shop.a' = 'shop.a'\n"},
        ["packs/bad.toml"],
        ["bad.toml", "module-moves", "shop.a", "itself"],
    ),
    "module-move-cycle": (
        {
            "packs/one.toml": "[module-moves]\n'shop.a' = 'shop.b'\n",
            "packs/two.toml": "[module-moves]\n'shop.b' = 'shop.a'\n",
        },
        ["packs/one.toml", "packs/two.toml"],
        ["toml", "cycle", "shop.a", "shop.b"],
    ),
    "deprecated-name-to-itself": (
        {"packs/bad.toml": _ENTRY.format(new="shop.old.Thing")},
        ["packs/bad.toml"],
        ["bad.toml", "deprecated-api", "shop.old.Thing", "itself"],
    ),
    "deprecated-cycle": (
        {
            "packs/one.toml": _ENTRY.format(new="shop.new.Thing"),
            "packs/two.toml": _ENTRY.replace("shop.old.Thing", "shop.new.Thing").format(new="shop.old.Thing"),
        },
        ["packs/one.toml", "packs/two.toml"],
        ["toml", "cycle", "shop.old.Thing", "shop.new.Thing"],
    ),
    "deprecated-wrong-type": (
        {"packs/bad.toml": '[[deprecated-api]]\nold = "shop.old.Thing"\nnew = 3\nfix = "safe"\n'},
        ["packs/bad.toml"],
        ["bad.toml", "deprecated-api"],
    ),
}


@pytest.mark.parametrize("bad", sorted(BAD_PACKS), ids=str)
def test_a_bad_pack_stops_a_fix_run_before_any_file_is_touched(tmp_path: Path, bad: str) -> None:
    """Exit 2, one message naming the pack file, the section or key and the problem; not a
    byte of the project changed (the fixable file included)."""
    files, listed, fragments = BAD_PACKS[bad]
    root = tmp_path / "project"
    root.mkdir()
    packs = ", ".join(repr(name) for name in listed)
    (root / "pyproject.toml").write_text(f"[tool.netra-lint]\npacks = [{packs}]\n", encoding="utf-8")
    (root / "fixable.py").write_text(ORIGINAL, encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    proc = netra(root, "--fix", "--unsafe-fixes", ".")
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    message = proc.stderr.strip()
    assert message.startswith("netra-lint: error:"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before, "files were touched"


def test_a_chain_of_a_thousand_attributes_is_checked_not_called_unparsable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = ".".join(["a"] * 1500)  # ast parses it; a recursive walk of it would not finish
    (tmp_path / "m.py").write_text(
        f"class C:\n    def f(self):\n        return self.{chain}\n\n\nC().f()\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    outcome = run([tmp_path], load_settings([tmp_path], select=["NL401", "NL001"]), RunOptions(jobs=1))
    assert outcome.errors == []
    assert [(d.code, d.row) for d in outcome.diagnostics] == [("NL401", 3)]
    assert "'C' object has no attribute 'a'" in outcome.diagnostics[0].message
