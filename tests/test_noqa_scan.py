"""The quick scan of a file's comments and multi-line strings (``noqa._quick_scan``) finds
exactly what the tokenizer finds (``noqa._scan``), and the noqa map built on it is the map
the tokenizer gives: over every file of the fixtures and tests, and over generated files
of the shapes that could tell them apart."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netra_lint.noqa import NETRA_PREFIX, NoqaMap, _quick_scan, _scan, may_name_netra_code

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated programs

ROOT = Path(__file__).resolve().parent.parent

#: Lines and blocks that put ``#``, quotes, prefixes, continuations and noqa comments where a
#: text scan could go wrong.
SHAPES = (
    "x = 1  # noqa",
    "x = '#'  # noqa: NL101",
    'x = "# noqa: NL101"',
    "x = '''\n# noqa: NL101\n'''  # noqa: NL102",
    'x = """a\n  b \\\n c"""  # NOQA:NL101,NL102',
    "def f():\n    '''Docstring # noqa\n    more'''\n    return 1  # noqa: NL401",
    "x = f'{y!r:#>10}'  # noqa",
    "x = f'{y}#{z}' + rb'\\'#'  # noqa: E501",
    "x = f'''{y}\n# noqa\n{z:{w}}'''  # noqa: NL101",
    'x = f"{d["k"]}"  # noqa',
    "x = f'{f\"{y}\"}'  # noqa",
    "x = 1 + \\\n    2  # noqa: NL101",
    "x = 'a' \\\n    'b'  # noqa",
    'x = (\'a\'  # noqa: NL101\n     \'b\'\n     """c\nd""")  # noqa: NL102',
    "y = 'a\\\nb'  # noqa",
    "z = 1 if'a'else'b'  # noqa",
    "w = [u'a', R'b', Br'\\\\', bR\"\"\"c\n\"\"\"]  # noqa:NL1",
    "# noqa: NL101 at the start of a line",
    "#noqa",
    "x = 1  # a comment # noqa: NL101",
    "x = 1  # noqa: NL101 and then words",
    "s = '''\\''''  # noqa",
    "s = '''a\\\n'''  # noqa",
    "x = 1 \\\n",
    "if x:\n    pass  # noqa\nelse:\n    y = 2\n",
    "t = '\\N{DIGIT ONE}#'  # noqa",
    "x = 1\r\ny = '#'  # noqa\r\n",
    "x = 1\ry = 2  # noqa\r",
    "x = 1\f# noqa\n",
    "s = 'unterminated  # noqa",
    "s = '''never closed\n# noqa",
    "(  # noqa\n",
    "x = 1  # noqa\n  y = 2\n",
    "x = t'{y}'  # noqa",
    "é = 'ü#'  # noqa: NL101",
    "x = 1  # NoQa: f401, nL100",
    "x = 1  # noqa:E501,NL101",
)


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _same_as_tokenizer(text: str) -> bool:
    """Asserts the quick scan and the map agree with the tokenizer; True if the quick scan ran."""
    parses = _parses(text)
    found = NoqaMap.from_source(text)
    assert NoqaMap.from_source(text, parses) == found
    # The engine builds no map for NL100 where no directive may name a netra code.
    netra = [code for c in found.by_row.values() for code in c.codes or () if code.startswith(NETRA_PREFIX)]
    assert may_name_netra_code(text) or not netra
    if not parses:
        return False
    quick_ends: dict[int, int] = {}
    quick = _quick_scan(text, quick_ends)
    if quick is None:
        assert quick_ends == {}
        return False
    token_ends: dict[int, int] = {}
    assert (quick, quick_ends) == (_scan(text, token_ends), token_ends)
    return True


def test_every_file_of_the_fixtures_and_tests() -> None:
    checked = quick = 0
    for path in sorted((*ROOT.joinpath("fixtures").rglob("*"), *ROOT.joinpath("tests").rglob("*"))):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        checked += 1
        quick += _same_as_tokenizer(text)
        quick += _same_as_tokenizer(text + "\n# noqa: NL101\n")
    assert checked > 300 and quick > 300  # the quick scan answered for most of them


def test_the_shapes_one_by_one() -> None:
    answered = sum(_same_as_tokenizer(shape + "\n") for shape in SHAPES)
    assert answered >= len(SHAPES) // 2


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", ""]))
def test_shapes_together(shapes: list[str], end: str) -> None:
    _same_as_tokenizer("\n".join(shapes) + end)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar(), st.sampled_from(SHAPES))
def test_generated_programs(program: str, shape: str) -> None:
    _same_as_tokenizer(program)
    _same_as_tokenizer(program + "\n" + shape + "\n")
    _same_as_tokenizer(shape + "\n" + program)
