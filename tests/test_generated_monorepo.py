"""netra-lint over the benchmark's generated monorepo finds exactly the planted problems.

The generator (``bench/generate.py``) builds a project with several roots, namespace
packages, tests that patch first-party code and near-misses that must stay silent (modern
websockets code everywhere, the deprecated notifier's name in comments, strings and test
doubles), and lists every problem it plants by path, line and code. Every finding must be
planted and every planted problem found, and the tree must have the density of websocket
code that the benchmark claims for it.
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
    monkeypatch.syspath_prepend(str(REPO / "bench"))  # its template module beside it
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


def test_the_tree_has_the_websocket_density_of_a_real_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = _generator(monkeypatch)
    manifest = generator.generate(400, 7.0, 3, tmp_path)
    on_disk = generator.Shape()
    for path in tmp_path.rglob("*.py"):
        data = path.read_bytes()
        on_disk.add(data.decode("utf-8"), len(data))
    assert vars(on_disk) == manifest["shape"]  # the manifest says what the files hold
    shares = on_disk.shares()
    assert 0.33 <= shares["mention_websocket"] <= 0.47
    assert 0.07 <= shares["import_websockets"] <= 0.14
    assert shares["import_websockets"] <= shares["contain_websockets"] <= 0.16
    assert 0.02 <= shares["deprecated_names"] <= 0.06
    # Most of the websockets code is modern: the files with a websockets finding are a few per cent.
    with_findings = manifest["files_with_findings"]
    assert 0.01 <= with_findings["NL1"] / on_disk.files <= 0.05
    assert with_findings["NL1"] < on_disk.import_websockets / 3
    assert 0.005 <= with_findings["NL2"] / on_disk.files <= 0.03
