"""A whole repository, fixed in one run, then compiled, imported and checked again.

A multi-package project is generated with a planted problem from every rule family.
``netra-lint --fix --unsafe-fixes`` runs once over it; then every file must compile, every
module must import (in a child process), and a second run must report exactly the planted
REPORT-only findings, nothing else.

Adding a rule family = adding one ``Planted`` entry to ``PLANTED`` (the first test fails
until every module of ``netra_lint/rules`` has one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from netra_lint.registry import checker_classes

TIMEOUT = 180


@dataclass(frozen=True)
class Planted:
    """Files that plant one family's problems.

    ``fixable``: codes that the first (fixing) run must report and fix;
    ``remains``: (file, code) findings without a fix, which the second run must report.
    """

    files: dict[str, str]
    fixable: frozenset[str]
    remains: tuple[tuple[str, str], ...] = ()
    support: dict[str, str] = field(default_factory=dict)  # clean files the plant needs


def _code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


PLANTED: dict[str, Planted] = {
    # NL1xx: legacy websockets code.
    "websockets_legacy": Planted(
        files={
            "shop/net/client.py": _code('''
                """A client written against the legacy websockets API."""
                from websockets.legacy.client import connect


                async def fetch(uri, token):
                    async with connect(uri, extra_headers={"Authorization": token}) as ws:
                        await ws.send("hello")
                        return await ws.recv()
            '''),
            "shop/net/server.py": _code("""
                import http

                from websockets.asyncio.server import serve


                async def health(path, request_headers):
                    if path == "/healthz":
                        return http.HTTPStatus.OK, [], b"ok\\n"


                async def handler(ws):
                    await ws.wait_closed()


                async def main():
                    async with serve(handler, "127.0.0.1", 0, process_request=health):
                        pass
            """),
        },
        fixable=frozenset({"NL101", "NL102"}),
        remains=(("shop/net/server.py", "NL106"),),
    ),
    # NL2xx: deprecated project APIs named by the bundled netra pack.
    "deprecated_api": Planted(
        files={
            "shop/notify.py": _code("""
                from netra_backend.app.services.websocket_notifier import WebSocketNotifier


                def describe(notifier: WebSocketNotifier) -> str:
                    return repr(notifier)
            """),
        },
        fixable=frozenset({"NL201"}),
        support={
            "netra_backend/__init__.py": "",
            "netra_backend/app/__init__.py": "",
            "netra_backend/app/services/__init__.py": "",
            "netra_backend/app/services/websocket_notifier.py": "class WebSocketNotifier:\n    pass\n",
            "netra_backend/app/services/agent_websocket_bridge.py": "class AgentWebSocketBridge:\n    pass\n",
        },
    ),
    # NL301/NL302: global / nonlocal after use (a SyntaxError until fixed).
    "global_after_use": Planted(
        files={
            "shop/settings.py": _code("""
                CONCURRENT_USERS = 10
                OPERATIONS_PER_USER = 100


                def raise_load():
                    if CONCURRENT_USERS < 50:
                        global CONCURRENT_USERS, OPERATIONS_PER_USER
                        CONCURRENT_USERS = 50
                    OPERATIONS_PER_USER = 10


                def counter():
                    count = 0

                    def bump():
                        print(count)
                        nonlocal count
                        count += 1

                    return bump
            """),
        },
        fixable=frozenset({"NL301", "NL302"}),
    ),
    # NL401: a member the project's own class doesn't have.
    "missing_method": Planted(
        files={
            "shop/cart_use.py": _code("""
                from shop.cart import Cart


                def checkout():
                    cart = Cart()
                    cart.add_itme("apple")
                    return cart.totl()
            """),
        },
        fixable=frozenset({"NL401"}),
        support={
            "shop/cart.py": _code("""
                class Cart:
                    def __init__(self):
                        self.items = []

                    def add_item(self, name):
                        self.items.append(name)

                    def total(self):
                        return len(self.items)
            """),
        },
    ),
    # NL5xx: broken first-party imports and patch targets.
    "broken_imports": Planted(
        files={
            "shop/report.py": _code("""
                from shop.pricng import CURRENCY
                from shop.pricing import Discount, format_price


                def line(amount):
                    return format_price(amount) + CURRENCY + Discount.__name__
            """),
            "tests/test_report.py": _code("""
                from unittest import mock

                import shop.report


                def test_line():
                    with mock.patch("shop.pricing.formt_price", return_value="1"):
                        assert shop.report.line(1)
            """),
        },
        fixable=frozenset({"NL501", "NL502", "NL503"}),
        support={
            "shop/pricing.py": 'CURRENCY = "EUR"\n\n\ndef format_price(amount):\n    return f"{amount:.2f}"\n',
            "shop/discounts.py": "class Discount:\n    pass\n",
            "tests/__init__.py": "",
        },
    ),
    # Engine: a noqa comment that suppresses nothing.
    "engine": Planted(
        files={"shop/quiet.py": "VALUE = 1  # noqa: NL301\n"},
        fixable=frozenset({"NL100"}),
    ),
}

BASE = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "0"\n',
    "shop/__init__.py": "",
    "shop/net/__init__.py": "",
}


def rule_modules() -> set[str]:
    return {cls.__module__.rsplit(".", 1)[-1] for cls in checker_classes()}


def test_every_rule_family_has_a_planted_problem() -> None:
    missing = rule_modules() - PLANTED.keys()
    assert not missing, f"rule families without a planted problem in PLANTED: {sorted(missing)}"


def build(root: Path) -> None:
    files = dict(BASE)
    for planted in PLANTED.values():
        for name, text in {**planted.support, **planted.files}.items():
            assert name not in files, f"{name} is planted twice"
            files[name] = text
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def netra(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "netra_lint", "check", "--no-cache", *args, "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def findings(root: Path, proc: subprocess.CompletedProcess[str]) -> Counter[tuple[str, str]]:
    items = json.loads(proc.stdout or "[]")
    return Counter((Path(os.path.relpath(item["filename"], root)).as_posix(), item["code"]) for item in items)


def test_fix_the_whole_repository_then_compile_import_and_check_again(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    build(root)

    before = findings(root, netra(root, "--unsafe-fixes", "--output-format", "json"))
    for family, planted in PLANTED.items():
        reported = {code for (name, code) in before if name in planted.files}
        assert planted.fixable <= reported, (
            f"{family}: planted {sorted(planted.fixable - reported)} not reported: {sorted(before)}"
        )
        for remains in planted.remains:
            assert before[remains], f"{family}: planted {remains} not reported"

    fixed = netra(root, "--fix", "--unsafe-fixes")
    assert "error" not in fixed.stderr, fixed.stderr

    sources = sorted(root.rglob("*.py"))
    for path in sources:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)

    modules = []
    for path in sources:
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    importer = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print('imported', len(sys.argv) - 1)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(root)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    imported = subprocess.run(
        [sys.executable, "-W", "error::SyntaxWarning", "-c", importer, *modules],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == f"imported {len(modules)}"

    after = findings(root, netra(root, "--unsafe-fixes", "--output-format", "json"))
    expected = Counter(remains for planted in PLANTED.values() for remains in planted.remains)
    assert after == expected, f"left after --fix --unsafe-fixes: {sorted(after.elements())}"

    again = netra(root, "--fix", "--unsafe-fixes", "--output-format", "json")
    assert findings(root, again) == expected
