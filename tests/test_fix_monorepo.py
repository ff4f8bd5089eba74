"""``--fix --unsafe-fixes`` over a whole generated monorepo (``bench/generate.py``, 2,000
files, every planted problem) with the import shapes that used to break fixes added: a
run that fixes what it can without an internal error, files that still compile, and a
second run that writes nothing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from test_generated_monorepo import _generator

from conftest import RunCli

#: Files added to the generated tree: names that move out of multi-line, aliased, commented,
#: continued and one-line-block imports, next to names that stay or exist nowhere; a name
#: defined twice; a namespace folder shadowing a declared package; and a folder of data
#: that shadows a package nothing declares.
SHAPES = {
    "requirements-migrations.txt": "alembic>=1.13\n",
    "alembic/env.py": "from alembic import context\n\nconfigure = context.configure\n",
    "alembic/versions/a1_users.py": "from alembic import op\n\nrevision = 'a1'\n",
    "celery/celeryconfig.yaml": "broker_url: redis://\n",
    "shapes/__init__.py": "",
    "shapes/old.py": "class Stay: ...\n\n\ndef keep(): ...\n",
    "shapes/alpha.py": "class Moved0: ...\n\n\nclass Moved1: ...\n",
    "shapes/deep/__init__.py": "",
    "shapes/deep/beta.py": "def moved2(): ...\n\n\nMOVED3 = 3\n",
    "shapes/deep/twin.py": "class Twin: ...\n",
    "shapes/far/__init__.py": "",
    "shapes/far/other_twin.py": "class Twin: ...\n",
    "shapes/deep/user.py": """\
        from shapes.old import (
            Moved0,
            Stay,
            Moved1,
            moved2,
            MOVED3,
        )
        from shapes.old import (  # the old home
            Moved0 as M0,  # first
            # before keep
            keep,
            moved2 as m2,
            Twin,
            Nowhere,
        )
        from shapes.gone import Moved0 as G0, moved2, Stay as S, \\
            Twin as T, Nowhere as N
        from ..old import Moved1, keep as k; VALUE = 1
        if VALUE: from shapes.old import Stay, MOVED3 as three, Moved1 as one
        import celery
        from alembic import op


        def later():
            from shapes.gone import (Moved1, moved2,)
            return Moved1, moved2
        """,
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def _compiles(text: bytes, name: str) -> bool:
    try:
        compile(text, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


@pytest.mark.slow
def test_fix_a_whole_monorepo_with_every_import_shape(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    manifest = _generator(monkeypatch).generate(2000, 24.0, 5, tree)
    assert {p["code"][:3] for p in manifest["planted"]} == {"NL1", "NL2", "NL3", "NL4", "NL5"}
    for relative, text in SHAPES.items():
        path = tree / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    before = _snapshot(tree)
    compiled = {name for name, text in before.items() if _compiles(text, name)}

    fixed = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tree, timeout=900)
    assert fixed.code in (0, 1), fixed.err
    assert "internal error" not in fixed.out + fixed.err
    assert "withheld" not in fixed.out + fixed.err
    assert "Traceback" not in fixed.err

    after = _snapshot(tree)
    assert after.keys() == before.keys()
    assert sorted(name for name in compiled if not _compiles(after[name], name)) == []
    assert sum(after[name] != before[name] for name in before) > 1

    again = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tree, timeout=900)
    assert again.code in (0, 1), again.err
    assert _snapshot(tree) == after  # a second run writes nothing

    # The shapes: every name defined once or twice moved, only the names defined nowhere
    # (and the folder nothing provides) are left; the declared alembic is third-party.
    report = run_cli(
        "check", "--no-cache", "--select", "NL501,NL502", "--output-format", "json", "--exit-zero",
        "shapes", "alembic", cwd=tree, timeout=300,
    )  # fmt: skip
    left = sorted((d["location"]["row"], d["code"], d["message"].split(":")[0]) for d in json.loads(report.out))
    user = (tree / "shapes/deep/user.py").read_text(encoding="utf-8")
    assert [message for _, _, message in left] == [
        "Cannot import name 'Nowhere' from 'shapes.old'",
        "No module named 'shapes.gone'",
        "No module named 'celery'",
    ], user
    assert "from shapes.deep.twin import Twin" in user and "Twin as T" in user, user
