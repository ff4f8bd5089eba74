"""What the project index's pass over a tree costs per file, in one process: the
``ast.parse``, the summary, and NL401's facts (gathered in the same parse when NL401 runs).
The last row builds the semantic model of every file beside the summary instead of the
facts: what an index pass would cost whose NL401 facts were read from the model (less the
model the summary builds for the files with patch calls, which that pass would share, and
plus turning the model into facts).

Texts are read first (no disk time is counted); each round times every file's work in
CPU seconds of this process, under the garbage-collector thresholds the command line sets,
and the best of ``--rounds`` rounds is kept. Run it with compiled bytecode in place
(``python -m compileall -q netra_lint``): a cold import would be counted otherwise.

Usage: ``python bench/index_pass.py TREE [--rounds 3]``
(``TREE`` from ``python bench/generate.py --files 2000 --megabytes 35 --out TREE``).
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
from pathlib import Path

from semantic_model import best_times

from netra_lint.index import ProjectIndex, detect_roots, summarize
from netra_lint.rules.missing_method.facts import collect_facts
from netra_lint.semantics.model import SemanticModel
from netra_lint.source import SourceFile

#: A file to summarize: its source and its module name (None outside the roots), package or not.
Job = tuple[SourceFile, str | None, bool]


def parse_only(job: Job) -> object:
    return ast.parse(job[0].text)


def summary(job: Job) -> object:
    source, module, is_package = job
    return summarize(ast.parse(source.text), module, is_package, source.text)


def summary_and_facts(job: Job) -> object:
    source, module, is_package = job
    tree = ast.parse(source.text)
    return summarize(tree, module, is_package, source.text), collect_facts(tree, source)


def summary_and_model(job: Job) -> object:
    source, module, is_package = job
    tree = ast.parse(source.text)
    return summarize(tree, module, is_package, source.text), SemanticModel(tree, module, is_package)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    gc.set_threshold(100_000, 50, 1000)  # as ``netra_lint.cli`` runs
    root = options.tree.resolve()
    paths = sorted(root.rglob("*.py"))
    index = ProjectIndex(detect_roots(root, paths), root)
    jobs: list[Job] = []
    for path in paths:
        try:
            source = SourceFile.read(path)
            ast.parse(source.text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        jobs.append((source, *index.module_for_path(str(path))))
    megabytes = sum(len(job[0].text.encode()) for job in jobs) / 1e6
    print(f"{len(jobs)} files, {megabytes:.1f} MB, Python {sys.version.split()[0]}, best of {options.rounds}")
    rows = {
        "ast.parse": parse_only,
        "+ summary": summary,
        "+ summary + NL401 facts": summary_and_facts,
        "+ summary + semantic model": summary_and_model,
    }
    best_times(rows, jobs, options.rounds)


if __name__ == "__main__":
    main()
