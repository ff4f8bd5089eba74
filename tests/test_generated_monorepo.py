"""netra-lint over the benchmark's generated monorepo finds exactly the planted problems.

The generator (``bench/generate.py``) builds a project with several roots, namespace
packages, tests that patch first-party code and near-misses that must stay silent, and
lists every problem it plants by path, line and code. Every finding must be planted and
every planted problem found.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO, RunCli


def _generator(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [0, 1])
def test_findings_are_exactly_the_planted_problems(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    tree = tmp_path / "tree"
    manifest = _generator(monkeypatch).generate(200, 3.0, seed, tree)
    planted = {(p["path"], p["line"], p["code"]) for p in manifest["planted"]}
    # A tree this small still plants every family.
    assert {code[:3] for _, _, code in planted} == {"NL1", "NL2", "NL3", "NL4", "NL5"}

    result = run_cli("check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=tree)

    assert result.code == 0, result.err
    found = Counter(
        (Path(d["filename"]).relative_to(tree).as_posix(), d["location"]["row"], d["code"])
        for d in json.loads(result.out)
    )
    assert all(count == 1 for count in found.values()), [key for key, count in found.items() if count > 1]
    assert sorted(set(found) - planted) == []  # nothing that wasn't planted
    assert sorted(planted - set(found)) == []  # nothing planted was missed
