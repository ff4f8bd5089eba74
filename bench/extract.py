"""Write a git repository's Python files, and the files that configure the tools, into a directory.

``bench/run.py --repo DIR`` times netra-lint on a real repository. It needs the files netra-lint
and ruff read: ``.py``/``.pyi`` sources, ``pyproject.toml``, ``setup.cfg``, ruff's own config,
``.gitignore`` files and ``requirements*.txt`` (the websockets pin). Other files (assets,
translations, fixtures) are left out, so a large application takes a few hundred MB less. A
blob missing from the git directory (a snapshot may omit its largest files) is listed and
skipped instead of aborting, as ``git archive`` would.

Usage: ``python bench/extract.py GIT_DIR OUT [--rev REV]``; prints the commit to pass as
``--repo-name OWNER/NAME@COMMIT``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path, PurePosixPath

SUFFIXES = (".py", ".pyi")
CONFIG_NAMES = ("pyproject.toml", "setup.cfg", "ruff.toml", ".ruff.toml", ".gitignore")


def wanted(path: str) -> bool:
    """Whether the bench needs this file of the repository."""
    name = PurePosixPath(path).name
    requirements = name.startswith("requirements") and name.endswith(".txt")
    return name.endswith(SUFFIXES) or name in CONFIG_NAMES or requirements


def extract(git_dir: Path, out: Path, rev: str = "HEAD") -> tuple[str, int, list[str]]:
    """Write the wanted files of ``rev`` under ``out`` (replacing it); return the commit,
    how many files were written and the paths whose blob is missing."""
    git = ["git", f"--git-dir={git_dir}"]
    commit = subprocess.run([*git, "rev-parse", rev], check=True, capture_output=True, text=True).stdout.strip()
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], check=True, capture_output=True).stdout
    blobs: list[tuple[str, str]] = []  # (object id, path)
    for entry in filter(None, listing.split(b"\0")):
        meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
        mode, kind, oid = meta.split()
        if kind == "blob" and mode != "120000" and wanted(path):
            blobs.append((oid, path))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    batch = subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    written, missing = 0, []
    for oid, path in blobs:
        batch.stdin.write(oid.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if header[-1] == b"missing":
            missing.append(path)
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after each object
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    batch.stdin.close()
    batch.wait()
    return commit, written, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir", type=Path, help="a git directory (bare, or the .git of a checkout)")
    parser.add_argument("out", type=Path, help="the directory to write (replaced)")
    parser.add_argument("--rev", default="HEAD")
    args = parser.parse_args()
    commit, written, missing = extract(args.git_dir, args.out, args.rev)
    print(f"{args.out}: {written} files of {commit}")
    if missing:
        print(f"{len(missing)} absent from the git directory, skipped: {', '.join(missing[:10])}")


if __name__ == "__main__":
    main()
