"""What the semantic model costs next to the ``ast.parse`` the index does anyway, in one process.

The model is meant to be built for every file during the index's one ``ast`` pass, so its
price is read against that parse. Texts are read first (no disk time is counted), then
each round times, over every file: ``ast.parse`` alone; parse and ``SemanticModel``; and
the model plus every question a candidate pass could ask (the qualified name and context
of each name read, the patch targets, the instance evidence of each attribute's object).
LibCST's ``ScopeProvider``, which the model replaces for the LibCST families, is timed on a
sample of the files. Times are CPU seconds of this process (steadier than wall time on a
shared machine), under the garbage-collector thresholds the command line sets; the best of
``--rounds`` rounds is kept.

Usage: ``python bench/semantic_model.py TREE [--rounds 3] [--libcst-sample 100]``
(``TREE`` from ``python bench/generate.py --files 2000 --megabytes 35 --out TREE``).
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from netra_lint.semantics.instances import InstanceTyper
from netra_lint.semantics.model import SemanticModel
from netra_lint.semantics.patching import patch_targets
from netra_lint.semantics.references import context_of, qualified_name

Item = TypeVar("Item")


def parse_only(text: str) -> object:
    return ast.parse(text)


def parse_and_model(text: str) -> object:
    return SemanticModel(ast.parse(text), "bench.module")


def parse_model_and_ask(text: str) -> object:
    model = SemanticModel(ast.parse(text), "bench.module")
    for name in model.scope_of_name:
        qualified_name(model, name)
        context_of(model, name)
    typer = InstanceTyper(model)
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Attribute):
            typer.instance_of(node.value)
    return patch_targets(model)


def libcst_scopes(texts: list[str]) -> tuple[float, float]:
    """CPU seconds of LibCST's parse, and of its ScopeProvider alone, over ``texts``."""
    import libcst
    from libcst.metadata import MetadataWrapper, ScopeProvider

    start = time.process_time()
    modules = [libcst.parse_module(text) for text in texts]
    parsed = time.process_time()
    for module in modules:
        MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    return parsed - start, time.process_time() - parsed


def timed(work: Callable[[Item], object], items: list[Item]) -> float:
    """CPU seconds of ``work`` over every item, after a collection (also used by ``index_pass``)."""
    gc.collect()
    start = time.process_time()
    for item in items:
        work(item)
    return time.process_time() - start


def best_times(rows: dict[str, Callable[[Item], object]], items: list[Item], rounds: int) -> dict[str, float]:
    """The best of ``rounds`` times of each row (the first is the floor), printed as a table."""
    best = {name: min(timed(work, items) for _ in range(rounds)) for name, work in rows.items()}
    floor = next(iter(best.values()))
    print("| run | CPU s | × ast.parse |\n|---|---:|---:|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} |")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--libcst-sample", type=int, default=100, help="files given to LibCST (0: none)")
    options = parser.parse_args()
    gc.set_threshold(100_000, 50, 1000)  # as ``netra_lint.cli`` runs
    texts = []
    for path in sorted(options.tree.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        texts.append(text)
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{len(texts)} files, {megabytes:.1f} MB, Python {sys.version.split()[0]}, best of {options.rounds}")
    rows = {"ast.parse": parse_only, "ast.parse + model": parse_and_model, "+ every question": parse_model_and_ask}
    best = best_times(rows, texts, options.rounds)
    floor = best["ast.parse"]
    print(f"model alone: {best['ast.parse + model'] - floor:.2f} s ({(best['ast.parse + model'] - floor) / floor:.0%})")
    if options.libcst_sample:
        step = max(1, len(texts) // options.libcst_sample)
        sample = texts[::step][: options.libcst_sample]
        parse, scopes = libcst_scopes(sample)
        trees = [ast.parse(text) for text in sample]
        start = time.process_time()
        for tree in trees:
            SemanticModel(tree, "bench.module")
        model = time.process_time() - start
        print(
            f"sample of {len(sample)} files: LibCST parse {parse:.2f} s, its ScopeProvider {scopes:.2f} s, "
            f"the model {model:.3f} s (ScopeProvider / model: {scopes / max(model, 1e-9):.0f}×)"
        )


if __name__ == "__main__":
    main()
