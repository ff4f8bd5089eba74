"""Generate a synthetic, deterministic Python monorepo to benchmark netra-lint and its peers.

The tree looks like a real service monorepo: several first-party roots (``netra_backend``,
``auth_service``, ``test_framework`` and an ``analytics_service/src`` layout), regular and
namespace packages, log-normal file sizes (median about 6 KB, a long tail past 100 KB),
classes inheriting across modules, factories with return annotations, absolute and
relative imports and ``mock.patch("...")`` strings in tests. Five families of problems are
planted at realistic rates and listed in ``bench_manifest.json`` (family, code, path, line).

It has the density of websocket code of the service it imitates, which is what makes the
word prefilters of the websockets and project-API families pass on most files: about 40 %
of the files mention ``websocket`` in some case (comments, names, strings, the
``WebSocketManager`` API), about 10 % import ``websockets`` (nearly all of it modern code
for the project's ``websockets>=14.2`` pin, tests full of it), a few per cent have a real
finding, and a few per cent name the deprecated ``WebSocketNotifier`` without a finding
(comments, strings, test doubles). ``shape`` in the manifest counts these files.

Usage: ``python bench/generate.py --files 7000 --megabytes 120 --seed 0 --out DIR``
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket_shapes

MANIFEST = "bench_manifest.json"
GENERATOR_VERSION = 4

NOUNS = (
    "user",
    "thread",
    "message",
    "agent",
    "session",
    "token",
    "billing",
    "invoice",
    "metric",
    "event",
    "tenant",
    "workspace",
    "report",
    "audit",
    "cache",
    "quota",
    "schedule",
    "webhook",
    "notification",
    "permission",
    "role",
    "document",
    "embedding",
    "prompt",
    "trace",
    "pipeline",
    "job",
    "task",
    "workflow",
    "corpus",
    "dataset",
    "supply",
    "demand",
    "optimization",
    "cost",
    "latency",
    "credential",
    "policy",
    "alert",
    "ledger",
    "usage",
    "export",
    "tool",
    "run",
    "artifact",
    "secret",
    "subscription",
    "payment",
    "connection",
    "channel",
    "state",
    "query",
)
KINDS = (
    "Service",
    "Manager",
    "Repository",
    "Handler",
    "Client",
    "Processor",
    "Validator",
    "Registry",
    "Executor",
    "Adapter",
    "Store",
    "Builder",
    "Coordinator",
    "Tracker",
    "Monitor",
)
QUALIFIERS = (
    "Async",
    "Cached",
    "Default",
    "Tenant",
    "Scoped",
    "Batch",
    "Unified",
    "Core",
    "Remote",
    "Secure",
    "Streaming",
    "Legacy",
)
VERBS = (
    "get",
    "fetch",
    "load",
    "save",
    "update",
    "delete",
    "create",
    "process",
    "handle",
    "validate",
    "build",
    "resolve",
    "compute",
    "refresh",
    "sync",
    "emit",
    "publish",
    "register",
    "schedule",
    "cancel",
    "retry",
    "flush",
    "render",
    "normalize",
    "aggregate",
    "record",
    "lookup",
    "enqueue",
    "dispatch",
    "reconcile",
)
MODULE_SUFFIXES = (
    "service",
    "manager",
    "repository",
    "handler",
    "client",
    "utils",
    "helpers",
    "models",
    "schemas",
    "router",
    "validator",
    "factory",
    "adapter",
    "registry",
    "executor",
    "processor",
    "store",
    "core",
    "types",
    "constants",
)
PARAMS = ("key", "user_id", "payload", "thread_id", "request", "record", "item_id", "context", "query", "event")
THIRD_PARTY = (
    "from fastapi import APIRouter, Depends, HTTPException",
    "from pydantic import BaseModel, Field",
    "import sqlalchemy as sa",
    "import redis.asyncio as aioredis",
    "import httpx",
    "from sqlalchemy.ext.asyncio import AsyncSession",
)

# Roots: (directory on disk, import root on disk, share of the files, test share, top packages).
ROOTS: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    (
        "netra_backend/app",
        ".",
        0.45,
        (
            "agents",
            "services",
            "db",
            "routes",
            "schemas",
            "core",
            "websocket_core",
            "clients",
            "utils",
            "middleware",
            "monitoring",
            "llm",
            "plugins",
        ),
    ),
    ("netra_backend/tests", ".", 0.17, ("unit", "integration", "e2e", "agents", "websocket")),
    ("auth_service/auth_core", ".", 0.11, ("oauth", "tokens", "database", "routes", "security")),
    ("auth_service/tests", ".", 0.05, ("unit", "integration")),
    ("test_framework", ".", 0.06, ("fixtures", "ssot", "helpers", "mocks")),
    ("analytics_service/src/analytics", "analytics_service/src", 0.11, ("ingest", "reports", "storage", "api")),
    ("analytics_service/tests", ".", 0.05, ("unit",)),
)
NAMESPACE_DIRS = {"test_framework", "netra_backend/app/plugins", "analytics_service", "analytics_service/src"}
MAX_FILE = 900_000
#: The plants whose code mentions websocket; a share of the other modules mention it too.
WEBSOCKET_PLANTS = {
    "legacy_ws",
    "modern_ws",
    "modern_ws_tests",
    "modern_ws_helpers",
    "notifier",
    "notifier_mention",
    "missing_method",
    "manager_ok",
}
WS_MENTION_SHARE = 0.24
#: The project is on the new websockets: top-level ``websockets.connect`` is not legacy.
WEBSOCKETS_PIN = "websockets>=14.2"
DEPENDENCIES = ("fastapi>=0.110", "pydantic>=2.6", "sqlalchemy>=2.0", "redis>=5.0", "httpx>=0.27", WEBSOCKETS_PIN)


@dataclass
class ClassDef:
    name: str
    module: Module
    methods: list[tuple[str, bool]]  # (name, is_async)
    base: ClassDef | None = None
    factory: str = ""

    def all_methods(self) -> list[tuple[str, bool]]:
        inherited = self.base.all_methods() if self.base else []
        return self.methods + inherited

    def method_names(self) -> set[str]:
        return {m for m, _ in self.all_methods()}


@dataclass
class Module:
    name: str  # dotted import name
    path: str  # relative file path
    is_test: bool
    is_init: bool = False
    size: int = 0
    classes: list[ClassDef] = field(default_factory=list)
    plants: list[str] = field(default_factory=list)  # planted problem kinds
    special: str = ""
    bound: set[str] | None = None  # the names its text binds at module level, once rendered


@dataclass
class Planted:
    family: int
    code: str
    path: str
    line: int
    detail: str


#: Deprecated project names (``rules/netra.toml``) whose mention sends a file to NL2's check.
DEPRECATED_NAMES = ("WebSocketNotifier",)
_IMPORTS_WEBSOCKETS = re.compile(r"^[ \t]*(?:import|from)[ \t]+websockets\b", re.M)


@dataclass
class Shape:
    """How many files have what the websockets and project-API families look for.

    Counted the same way for the generated tree (from the text written) and for a real
    repository (from its files), so the two can be compared.
    """

    files: int = 0
    bytes: int = 0
    mention_websocket: int = 0  # "websocket" in any case, anywhere
    contain_websockets: int = 0  # the word NL1's prefilter looks for
    import_websockets: int = 0  # an import statement of the websockets package
    deprecated_names: int = 0  # a deprecated project name (NL2's prefilter)

    def add(self, text: str, size: int) -> None:
        self.files += 1
        self.bytes += size
        self.mention_websocket += "websocket" in text.lower()
        self.contain_websockets += "websockets" in text
        self.import_websockets += _IMPORTS_WEBSOCKETS.search(text) is not None
        self.deprecated_names += any(name in text for name in DEPRECATED_NAMES)

    def shares(self) -> dict[str, float]:
        """Each count as a share of the files."""
        counts = {k: v for k, v in vars(self).items() if k not in ("files", "bytes")}
        return {k: v / self.files if self.files else 0.0 for k, v in counts.items()}


class Emitter:
    """Accumulates a file's text and knows the line number of the next chunk."""

    def __init__(self, module: Module, manifest: list[Planted]) -> None:
        self.module = module
        self.manifest = manifest
        self.parts: list[str] = []
        self.line = 1
        self.size = 0

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.line += chunk.count("\n")
        self.size += len(chunk)

    def plant(self, family: int, code: str, detail: str, offset: int = 0) -> None:
        """Record a planted problem on the line ``offset`` lines below the next chunk's start."""
        self.manifest.append(Planted(family, code, self.module.path, self.line + offset, detail))

    def text(self) -> str:
        return "".join(self.parts)


def camel(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


class Project:
    """The module and symbol model of the whole tree, then its rendering."""

    def __init__(self, files: int, megabytes: float, seed: int) -> None:
        self.files = files
        self.total_bytes = int(megabytes * 1_000_000)
        self.seed = seed
        self.rng = random.Random(seed)
        self.modules: list[Module] = []
        self.by_name: dict[str, Module] = {}
        self.class_names: set[str] = set()
        self.classes: list[ClassDef] = []
        self.app_classes: list[ClassDef] = []
        self.manifest: list[Planted] = []
        self.init_dirs: set[str] = set()
        self.class_modules: list[Module] = []
        self.children: dict[str, list[Module]] = {}  # package -> its modules that define classes

    # -- layout ----------------------------------------------------------------------

    def layout(self) -> None:
        """Decide every directory, module and package file."""
        dirs_modules: list[tuple[str, str, bool]] = []  # (directory, import root, is_test)
        regular = max(50, int(self.files * 0.86))  # the rest are __init__.py and conftest.py
        for directory, import_root, share, tops in ROOTS:
            count = max(4, round(regular * share))
            is_test = "tests" in directory
            per_top = self._split(count, len(tops))
            for top, n in zip(tops, per_top):
                self._tree(f"{directory}/{top}", import_root, n, is_test, dirs_modules, depth=0)
        names_used: set[tuple[str, str]] = set()
        for directory, import_root, is_test in dirs_modules:
            stem = self._module_stem(is_test, names_used, directory)
            self._add_module(directory, import_root, stem, is_test)
        self._add_special_modules()
        self._add_package_files()
        self._assign_sizes()

    def _split(self, count: int, parts: int) -> list[int]:
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(parts)]
        total = sum(weights)
        return [max(1, round(count * w / total)) for w in weights]

    def _tree(
        self, directory: str, root: str, count: int, is_test: bool, out: list[tuple[str, str, bool]], depth: int
    ) -> None:
        if count <= 28 or depth >= 3:
            out.extend((directory, root, is_test) for _ in range(count))
            return
        here = self.rng.randint(3, 10)
        out.extend((directory, root, is_test) for _ in range(here))
        subs = max(2, math.ceil((count - here) / 22))
        names = self.rng.sample(NOUNS, min(subs, len(NOUNS)))
        for name, n in zip(names, self._split(count - here, len(names))):
            self._tree(f"{directory}/{name}", root, n, is_test, out, depth + 1)

    def _module_stem(self, is_test: bool, used: set[tuple[str, str]], directory: str) -> str:
        rng = self.rng
        for attempt in range(50):
            noun = rng.choice(NOUNS)
            suffix = rng.choice(MODULE_SUFFIXES)
            stem = f"{noun}_{suffix}" if attempt < 20 else f"{noun}_{rng.choice(NOUNS)}_{suffix}"
            if directory.startswith("test_framework"):
                stem = f"{noun}_test_utils" if rng.random() < 0.4 else stem
            if is_test:
                stem = f"test_{stem}"
            if (directory, stem) not in used:
                used.add((directory, stem))
                return stem
        stem = f"{stem}_{len(used)}"
        used.add((directory, stem))
        return stem

    def _add_module(self, directory: str, import_root: str, stem: str, is_test: bool, is_init: bool = False) -> Module:
        path = f"{directory}/{stem}.py"
        rel = directory if import_root == "." else directory[len(import_root) + 1 :]
        dotted = rel.replace("/", ".") if is_init else f"{rel.replace('/', '.')}.{stem}"
        module = Module(name=dotted, path=path, is_test=is_test, is_init=is_init)
        self.modules.append(module)
        self.by_name[dotted] = module
        return module

    def _add_special_modules(self) -> None:
        specials = (
            ("netra_backend/app/websocket_core", "manager", "ws_manager"),
            ("netra_backend/app/agents/supervisor", "websocket_notifier", "notifier"),
            ("netra_backend/app/agents/supervisor", "execution_context", "context"),
            ("netra_backend/app/websocket_core", "agent_bridge", "bridge"),
            ("test_framework", "redis_test_utils", "redis_utils"),
            ("test_framework/ssot", "base_test_case", "base_case"),
        )
        for directory, stem, special in specials:
            name = f"{directory.replace('/', '.')}.{stem}"
            module = self.by_name.get(name) or self._add_module(directory, ".", stem, False)
            module.special = special

    def _add_package_files(self) -> None:
        dirs: set[str] = set()
        for module in self.modules:
            parts = module.path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
        for directory in sorted(dirs):
            namespace = directory in NAMESPACE_DIRS or (directory.count("/") >= 3 and self.rng.random() < 0.08)
            if directory in ("netra_backend/app/websocket_core", "netra_backend/app/agents/supervisor"):
                namespace = False
            if not namespace:
                self.init_dirs.add(directory)
        for directory in sorted(self.init_dirs):
            import_root = "analytics_service/src" if directory.startswith("analytics_service/src/") else "."
            module = self._add_module(directory, import_root, "__init__", "tests" in directory, is_init=True)
            if directory == "netra_backend/app/websocket_core":
                module.special = "ws_init"
        for directory in ("netra_backend/tests", "auth_service/tests", "analytics_service/tests"):
            self._add_module(directory, ".", "conftest", True).special = "conftest"
        # Trim ordinary modules so the total is the requested file count.
        surplus = len(self.modules) - self.files
        if surplus > 0:
            removable = [m for m in self.modules if not m.is_init and not m.special]
            drop = {id(m) for m in self.rng.sample(removable, min(surplus, len(removable) - 10))}
            self.modules = [m for m in self.modules if id(m) not in drop]
            self.by_name = {m.name: m for m in self.modules}
        while len(self.modules) < self.files:
            base = self.rng.choice([m for m in self.modules if not m.is_init and not m.special])
            directory = base.path.rsplit("/", 1)[0]
            import_root = "analytics_service/src" if directory.startswith("analytics_service/src/") else "."
            stem = f"{base.path.rsplit('/', 1)[1][:-3]}_{len(self.modules)}"
            self._add_module(directory, import_root, stem, base.is_test)

    def _assign_sizes(self) -> None:
        """Log-normal sizes with a ~6 KB median scaled to the requested total."""
        rng = self.rng
        sized = [m for m in self.modules if not (m.is_init and not m.special)]
        inits = [m for m in self.modules if m.is_init and not m.special]
        for m in inits:
            m.size = 0 if rng.random() < 0.6 else rng.randint(80, 1200)
        budget = self.total_bytes - sum(m.size for m in inits)
        mean = budget / max(1, len(sized))
        median = min(6000.0, mean * 0.8)
        sigma = math.sqrt(2 * math.log(mean / median)) if mean > median else 0.3
        raw = [min(MAX_FILE, rng.lognormvariate(math.log(median), sigma)) for _ in sized]
        scale = budget / sum(raw) * 0.965  # rendered modules overshoot their target by ~3.5%
        for m, size in zip(sized, raw):
            m.size = max(300, min(MAX_FILE, int(size * scale)))

    # -- symbols ---------------------------------------------------------------------

    def symbols(self) -> None:
        """Give every app module its classes (with bases across modules) and factories."""
        rng = self.rng
        fixed = {
            "ws_manager": [
                (
                    "WebSocketManager",
                    [
                        ("connect_user", True),
                        ("disconnect_user", True),
                        ("send_to_user", True),
                        ("broadcast_event", True),
                        ("get_connection_count", False),
                    ],
                )
            ],
            "notifier": [
                (
                    "WebSocketNotifier",
                    [
                        ("send_agent_started", True),
                        ("send_agent_thinking", True),
                        ("send_tool_executing", True),
                        ("send_agent_completed", True),
                    ],
                )
            ],
            "context": [("AgentExecutionContext", [("to_dict", False), ("child", False)])],
            "bridge": [
                (
                    "AgentWebSocketBridge",
                    [
                        ("notify_agent_started", True),
                        ("notify_agent_thinking", True),
                        ("notify_tool_executing", True),
                        ("notify_agent_completed", True),
                    ],
                )
            ],
            "redis_utils": [("RedisTestHelper", [("flush_all", True), ("seed_keys", True), ("get_client", False)])],
            "base_case": [("SSotBaseTestCase", [("set_env", False), ("get_env", False)])],
        }
        for module in self.modules:
            if module.is_test or module.is_init or module.path.endswith("conftest.py"):
                continue
            if module.special in fixed:
                for cname, fixed_methods in fixed[module.special]:
                    cls = ClassDef(cname, module, fixed_methods, factory=f"create_{self._snake(cname)}")
                    self._register(cls)
                continue
            # A class with k methods renders to about 400 + 550 * k bytes.
            count = min(40, module.size // 5200) or (1 if module.size >= 1500 else 0)
            most = max(1, min(8, (module.size - 900) // 600))
            websocket = "/websocket" in module.path
            for _ in range(count):
                name = self._class_name(websocket)
                methods: list[tuple[str, bool]] = []
                seen: set[str] = set()
                for _ in range(rng.randint(min(3, most), most)):
                    method = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
                    if method not in seen:
                        seen.add(method)
                        methods.append((method, rng.random() < 0.45))
                base = None
                if self.app_classes and rng.random() < 0.3:
                    base = rng.choice(self.app_classes[-400:])
                cls = ClassDef(name, module, methods, base, factory=f"create_{self._snake(name)}")
                self._register(cls)

    def _register(self, cls: ClassDef) -> None:
        cls.module.classes.append(cls)
        self.class_names.add(cls.name)
        self.classes.append(cls)
        # Tests and subclasses pick from these; the deprecated notifier is used only where planted.
        if not cls.module.path.startswith("test_framework") and cls.module.special != "notifier":
            self.app_classes.append(cls)

    def _class_name(self, websocket: bool) -> str:
        """A fresh class name; ``WebSocket...`` in the websocket packages, as a real project names them."""
        rng = self.rng
        prefix = "WebSocket" if websocket else ""
        for _ in range(100):
            name = camel(prefix, rng.choice(NOUNS), rng.choice(KINDS))
            if name in self.class_names:
                name = camel(rng.choice(QUALIFIERS), prefix, rng.choice(NOUNS), rng.choice(NOUNS), rng.choice(KINDS))
            if name not in self.class_names:
                return name
        return f"{name}{len(self.class_names)}"

    @staticmethod
    def _snake(name: str) -> str:
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")

    # -- planting --------------------------------------------------------------------

    def plan(self) -> None:
        """Choose which modules get which planted problems."""
        rng = self.rng
        scale = self.files / 7000
        app = [m for m in self.modules if not m.is_test and not m.is_init and not m.special and m.classes]
        tests = [m for m in self.modules if m.is_test and not m.is_init and not m.special]
        backend = [m for m in app if m.path.startswith("netra_backend/")]
        agents = [m for m in backend if "/agents/" in m.path or "/websocket_core/" in m.path] or backend

        def pick(pool: list[Module], count: int, kind: str) -> None:
            for module in (
                rng.sample(pool, min(len(pool), count))
                if count <= len(pool)
                else [rng.choice(pool) for _ in range(count)]
            ):
                module.plants.append(kind)

        helpers = [m for m in app if m.path.startswith("test_framework/")]
        pick(backend + tests[: len(tests) // 3], round(180 * scale), "legacy_ws")
        pick(app, round(260 * scale), "modern_ws")
        pick(tests, round(270 * scale), "modern_ws_tests")
        pick(helpers, round(60 * scale), "modern_ws_helpers")
        pick(agents + tests, round(85 * scale), "notifier")
        pick([m for m in app + tests if "notifier" not in m.plants], round(150 * scale), "notifier_mention")
        pick(app, round(25 * scale), "global_after_use")
        pick(app, round(5 * scale), "nonlocal_after_use")
        pick(app, round(120 * scale), "global_ok")
        pick(backend + tests, round(45 * scale), "missing_method")
        pick(backend, round(60 * scale), "manager_ok")
        pick(app + tests, round(95 * scale), "missing_module")
        pick(app + tests, round(60 * scale), "doubled_suffix")
        pick(app + tests, round(85 * scale), "moved_name")
        pick(tests, round(70 * scale), "broken_patch")
        # The rest of the mentions of websocket: comments, names, strings, the manager's API.
        quiet = [m for m in app + tests if not WEBSOCKET_PLANTS & set(m.plants) and "/websocket" not in m.path]
        pick(quiet, round(len(quiet) * WS_MENTION_SHARE), "ws_mention")

    # -- rendering -------------------------------------------------------------------

    def render_all(self, out: Path) -> tuple[Counter[str], Shape]:
        """Write every module; return the size of each file in bytes, and the tree's shape."""
        self.class_modules = [m for m in self.modules if m.classes and not m.is_init]
        for module in self.class_modules:
            self.children.setdefault(module.name.rsplit(".", 1)[0], []).append(module)
        sizes: Counter[str] = Counter()
        shape = Shape()
        earlier: list[ClassDef] = []
        by_module_index = {id(m): i for i, m in enumerate(self.modules)}
        order = sorted(self.modules, key=lambda m: (m.is_test, by_module_index[id(m)]))
        made: set[str] = set()
        for module in order:
            rng = random.Random(zlib.crc32(f"{self.seed}:{module.path}".encode()))
            text = Renderer(self, module, rng, earlier).render()
            path = out / module.path
            parent = str(path.parent)
            if parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            path.write_text(text, encoding="utf-8")
            sizes[module.path] = len(text.encode("utf-8"))
            shape.add(text, sizes[module.path])
            if not module.is_test:
                earlier.extend(module.classes)
        return sizes, shape

    def relative_import(self, source: Module, target: Module) -> str | None:
        """The relative form of ``target`` seen from ``source``, if both share a top package."""
        src_pkg = source.name.split(".") if source.is_init else source.name.split(".")[:-1]
        tgt = target.name.split(".")
        if not src_pkg or tgt[0] != src_pkg[0] or target.is_init:
            return None
        common = 0
        while common < min(len(src_pkg), len(tgt) - 1) and src_pkg[common] == tgt[common]:
            common += 1
        level = len(src_pkg) - common + 1
        if level > 3:
            return None
        return "." * level + ".".join(tgt[common:])


class Renderer:
    """Writes one module's text."""

    def __init__(self, project: Project, module: Module, rng: random.Random, earlier: list[ClassDef]) -> None:
        self.p = project
        self.m = module
        self.rng = rng
        self.earlier = earlier
        self.em = Emitter(module, project.manifest)
        self.imports: dict[str, set[str]] = {}  # module text -> names
        self.statements: list[tuple[str, tuple[int, str, str] | None]] = []  # extra imports, planted or not
        self.body: list[
            tuple[str, list[tuple[int, int, str, str]]]
        ] = []  # chunk, plants (offset, family, code, detail)

    # imports --------------------------------------------------------------------------

    def use(self, cls: ClassDef, what: str) -> str:
        """Import ``what`` (a class name or factory) from the module that defines ``cls``."""
        target = cls.module
        if target is self.m:
            return what
        source = None
        if not self.m.is_test and self.rng.random() < 0.3:
            source = self.p.relative_import(self.m, target)
        source = source or target.name
        self.imports.setdefault(source, set()).add(what)
        return what

    def header(self) -> str:
        m = self.m
        lines = [f'"""{self._doc_title()}"""', "", "from __future__ import annotations", ""]
        std = [
            "import asyncio",
            "import logging",
            "from datetime import datetime, timezone",
            "from typing import Any, Mapping",
        ]
        if m.is_test:
            std += [
                "from unittest import mock",
                "from unittest.mock import AsyncMock, MagicMock, patch",
                "",
                "import pytest",
            ]
        else:
            std += ["", self.rng.choice(THIRD_PARTY)]
        lines += std + [""]
        absolute = sorted(k for k in self.imports if not k.startswith("."))
        relative = sorted(k for k in self.imports if k.startswith("."))
        for source in absolute + relative:
            names = sorted(self.imports[source])
            joined = ", ".join(names)
            if len(joined) + len(source) > 80:
                lines.append(f"from {source} import (\n    " + ",\n    ".join(names) + ",\n)")
            else:
                lines.append(f"from {source} import {joined}")
        row = sum(line.count("\n") + 1 for line in lines) + 1
        for statement, planted in self.statements:
            if planted is None and statement in std:
                continue
            if planted is not None:
                self.p.manifest.append(Planted(planted[0], planted[1], m.path, row, planted[2]))
            lines.append(statement)
            row += 1
        return "\n".join(lines) + "\n"

    def _doc_title(self) -> str:
        stem = self.m.path.rsplit("/", 1)[1][:-3].replace("_", " ")
        return f"{stem.strip().capitalize()}: {'tests' if self.m.is_test else 'domain logic and adapters'}."

    # body pieces ------------------------------------------------------------------------

    def add(self, chunk: str, plants: list[tuple[int, int, str, str]] | None = None) -> None:
        self.body.append((chunk, plants or []))

    def render(self) -> str:
        m = self.m
        if m.is_init and not m.special:
            return self._init_text()
        if m.special == "ws_init":
            return (
                '"""WebSocket core: the connection manager and its accessor."""\n\n'
                "from __future__ import annotations\n\n"
                "from .manager import WebSocketManager\n\n"
                "_manager: WebSocketManager | None = None\n\n\n"
                "def get_manager() -> WebSocketManager:\n"
                '    """The process-wide WebSocketManager."""\n'
                "    global _manager\n"
                "    if _manager is None:\n"
                "        _manager = WebSocketManager()\n"
                "    return _manager\n"
            )
        if m.special == "conftest":
            return self._conftest()
        self.add("logger = logging.getLogger(__name__)\n\n" + self._constants())
        if m.is_test:
            self._test_body()
        else:
            for cls in m.classes:
                self._class(cls)
            for cls in m.classes:
                self.add(self._factory(cls))
        for kind in m.plants:
            getattr(self, f"_plant_{kind}")()
        budget = m.size - self._length()
        while budget > 0:
            chunk = self._helper() if self.rng.random() < 0.75 else self._table()
            self.add(chunk)
            budget -= len(chunk)
        head = self.header()
        m.bound = self._bound_names()
        self.em.add(head)
        for chunk, plants in self.body:
            self.em.add("\n\n")
            for offset, family, code, detail in plants:
                self.em.plant(family, code, detail, offset)
            self.em.add(chunk)
        return self.em.text()

    def _bound_names(self) -> set[str]:
        """The classes and factories this module defines and every name it imports."""
        names = {name for cls in self.m.classes for name in (cls.name, cls.factory)}
        names.update(name for imported in self.imports.values() for name in imported)
        for statement, _ in self.statements:
            listed = statement.split(" import ", 1)[1] if statement.startswith("from ") else statement[7:]
            names.update(part.split(" as ")[-1].strip().split(".")[0] for part in listed.split(","))
        return names

    def _length(self) -> int:
        return sum(len(c) for c, _ in self.body) + 600 + 40 * len(self.imports)

    def _init_text(self) -> str:
        m = self.m
        if m.size == 0:
            return ""
        lines = [f'"""{m.name.rsplit(".", 1)[-1].replace("_", " ").capitalize()} package."""', ""]
        package = m.name
        # The deprecated notifier is imported only where a problem is planted.
        children = [c for c in self.p.children.get(package, []) if c.special != "notifier"][:4]
        exported = []
        for child in children:
            cls = child.classes[0]
            lines.append(f"from .{child.name.rsplit('.', 1)[1]} import {cls.name}")
            exported.append(cls.name)
        if exported:
            lines += ["", "__all__ = [" + ", ".join(repr(n) for n in exported) + "]"]
        text = "\n".join(lines) + "\n"
        while len(text) < m.size:
            text += (
                f"\n#: {self.rng.choice(NOUNS)} defaults for this package.\n"
                f"{self.rng.choice(NOUNS).upper()}_{len(text)}_LIMIT = {self.rng.randint(1, 5000)}\n"
            )
        return text

    def _conftest(self) -> str:
        helper = next(c for c in self.p.classes if c.name == "RedisTestHelper")
        base = next(c for c in self.p.classes if c.name == "SSotBaseTestCase")
        return (
            '"""Shared fixtures."""\n\nfrom __future__ import annotations\n\nimport pytest\n\n'
            f"from {helper.module.name} import RedisTestHelper\nfrom {base.module.name} import SSotBaseTestCase\n\n\n"
            "@pytest.fixture\ndef redis_helper() -> RedisTestHelper:\n    return RedisTestHelper()\n\n\n"
            "@pytest.fixture\ndef base_case() -> SSotBaseTestCase:\n    return SSotBaseTestCase()\n"
        )

    def _constants(self) -> str:
        rng = self.rng
        lines = [f"{rng.choice(NOUNS).upper()}_TIMEOUT_SECONDS = {rng.randint(1, 120)}"]
        lines.append(f'DEFAULT_{rng.choice(NOUNS).upper()}_PREFIX = "{rng.choice(NOUNS)}:"')
        return "\n".join(lines) + "\n"

    def _deps(self, count: int) -> list[ClassDef]:
        pool = self.earlier[-600:] if self.earlier else []
        return [self.rng.choice(pool) for _ in range(count)] if pool else []

    def _class(self, cls: ClassDef) -> None:
        rng = self.rng
        lines: list[str] = []
        base = ""
        if cls.base is not None:
            base = f"({self.use(cls.base, cls.base.name)})"
        lines.append(f"class {cls.name}{base}:")
        lines.append(
            f'    """{cls.name}: {rng.choice(VERBS)}s and {rng.choice(VERBS)}s {rng.choice(NOUNS)} records."""'
        )
        lines.append("")
        lines.append("    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:")
        if cls.base is not None:
            lines.append("        super().__init__(settings)")
        lines.append("        self._settings = dict(settings or {})")
        lines.append("        self._cache: dict[str, Any] = {}")
        deps = [d for d in self._deps(rng.randint(0, 2)) if d is not cls and d.module is not self.m]
        attrs: list[tuple[str, ClassDef]] = []
        for dep in deps:
            attr = f"_{self.p._snake(dep.name)}"
            if attr in {a for a, _ in attrs}:
                continue
            factory = self.use(dep, dep.factory)
            lines.append(f"        self.{attr} = {factory}()")
            attrs.append((attr, dep))
        lines.append("")
        for name, is_async in cls.methods:
            lines.append(self._method(cls, name, is_async, attrs))
        self.add("\n".join(lines))

    def _method(self, cls: ClassDef, name: str, is_async: bool, attrs: list[tuple[str, ClassDef]]) -> str:
        rng = self.rng
        param = rng.choice(PARAMS)
        ret = rng.choice(("dict[str, Any]", "list[dict[str, Any]]", "bool", "str | None", "int"))
        head = (
            f"    {'async ' if is_async else ''}def {name}"
            f"(self, {param}: str, options: dict[str, Any] | None = None) -> {ret}:"
        )
        body = [head, f'        """{name.replace("_", " ").capitalize()} for ``{param}``."""']
        for _ in range(rng.randint(2, 5)):
            body.append(self._statement(cls, param, is_async, attrs))
        body.append(self._return(ret, param))
        return "\n".join(body) + "\n"

    def _statement(self, cls: ClassDef, param: str, is_async: bool, attrs: list[tuple[str, ClassDef]]) -> str:
        rng = self.rng
        choice = rng.randrange(8)
        if choice == 0 and attrs:
            attr, dep = rng.choice(attrs)
            candidates = [(n, a) for n, a in dep.all_methods() if is_async or not a]
            if candidates:
                method, dep_async = rng.choice(candidates)
                awaited = "await " if dep_async else ""
                return (
                    f"        result = {awaited}self.{attr}.{method}({param}, options)\n"
                    f"        self._cache[{param}] = result"
                )
        if choice == 1:
            others = [(n, a) for n, a in cls.all_methods() if is_async or not a]
            if others:
                method, other_async = rng.choice(others)
                awaited = "await " if other_async else ""
                return (
                    f"        if {param} not in self._cache:\n"
                    f"            self._cache[{param}] = {awaited}self.{method}({param})"
                )
        if choice == 2:
            return (
                f"        cached = self._cache.get({param})\n"
                "        if cached is not None:\n"
                f'            logger.debug("cache hit for %s", {param})\n'
                f'            self._settings.setdefault("last_{rng.choice(NOUNS)}", cached)'
            )
        if choice == 3:
            noun = rng.choice(NOUNS)
            return (
                f'        {noun}_items = [item for item in (options or {{}}).get("{noun}s", []) if item]\n'
                f"        for index, item in enumerate({noun}_items):\n"
                '            if isinstance(item, dict) and item.get("status") == '
                f'"{rng.choice(("active", "pending", "failed"))}":\n'
                f'                self._cache[f"{{{param}}}:{{index}}"] = item'
            )
        if choice == 4:
            sleep = "            await asyncio.sleep(0)\n" if is_async else ""
            return (
                "        try:\n"
                f'            payload = {{"id": {param}, "at": datetime.now(timezone.utc).isoformat(), '
                f'"kind": "{rng.choice(NOUNS)}"}}\n'
                f"{sleep}"
                "        except (KeyError, ValueError) as exc:\n"
                f'            logger.warning("{rng.choice(VERBS)} failed for %s: %s", {param}, exc)\n'
                "            raise"
            )
        if choice == 5:
            return (
                f'        limit = int(self._settings.get("{rng.choice(NOUNS)}_limit", {rng.randint(5, 500)}))\n'
                f"        if len(self._cache) > limit:\n"
                f"            self._cache.clear()"
            )
        if choice == 6:
            return f'        logger.info("{rng.choice(VERBS)} %s %s", {param}, sorted((options or {{}}).keys()))'
        return (
            '        values = {key: value for key, value in (options or {}).items() if not key.startswith("_")}\n'
            "        self._settings.update(values)"
        )

    @staticmethod
    def _return(ret: str, param: str) -> str:
        return {
            "dict[str, Any]": f'        return {{"id": {param}, "cached": {param} in self._cache}}',
            "list[dict[str, Any]]": f'        return [{{"id": {param}}}]',
            "bool": f"        return {param} in self._cache",
            "str | None": f"        return self._settings.get({param})",
            "int": "        return len(self._cache)",
        }[ret]

    def _factory(self, cls: ClassDef) -> str:
        return (
            f"def {cls.factory}(settings: Mapping[str, Any] | None = None) -> {cls.name}:\n"
            f'    """Build a {cls.name} with the default collaborators."""\n'
            f"    return {cls.name}(settings)\n"
        )

    def _helper(self) -> str:
        rng = self.rng
        name = f"_{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{rng.randrange(10000)}"
        noun = rng.choice(NOUNS)
        lines = [
            f"def {name}(records: list[dict[str, Any]], *, limit: int = {rng.randint(10, 1000)}) -> dict[str, int]:",
            f'    """Count {noun} records per status, at most ``limit`` of them."""',
            "    counts: dict[str, int] = {}",
            "    for record in records[:limit]:",
            f'        status = str(record.get("status", "{rng.choice(("unknown", "new", "open"))}"))',
            "        counts[status] = counts.get(status, 0) + 1",
        ]
        for _ in range(rng.randint(1, 6)):
            key = rng.choice(NOUNS)
            lines += [
                f'    if "{key}" in counts and counts["{key}"] > {rng.randint(1, 99)}:',
                f'        logger.debug("many {key} records: %d", counts["{key}"])',
                f'        counts["{key}_overflow"] = counts["{key}"] - {rng.randint(1, 99)}',
            ]
        lines.append("    return counts\n")
        return "\n".join(lines)

    def _table(self) -> str:
        rng = self.rng
        name = f"{rng.choice(NOUNS).upper()}_{rng.choice(NOUNS).upper()}_{rng.randrange(10000)}"
        rows = [
            f'    "{rng.choice(NOUNS)}_{i}": {{"code": {rng.randint(1000, 9999)}, '
            f'"retry": {rng.choice(("True", "False"))}, "label": "{rng.choice(VERBS)} {rng.choice(NOUNS)}"}},'
            for i in range(rng.randint(5, 40))
        ]
        return f"{name}: dict[str, dict[str, Any]] = {{\n" + "\n".join(rows) + "\n}\n"

    # tests --------------------------------------------------------------------------------

    def _test_body(self) -> None:
        rng = self.rng
        pool = self.p.app_classes
        if "/websocket" in self.m.path:  # the websocket tests test the websocket code
            pool = [c for c in pool if "/websocket" in c.module.path] or pool
        targets = [rng.choice(pool) for _ in range(max(1, self.m.size // 4500))]
        most = max(1, min(8, (self.m.size - 800) // 450))
        for cls in targets:
            self._test_class(cls, most)

    def _test_class(self, cls: ClassDef, most: int) -> None:
        rng = self.rng
        self.use(cls, cls.name)
        self.use(cls, cls.factory)
        fixture = self.p._snake(cls.name)
        lines = [
            f"class Test{cls.name}:",
            f'    """Behaviour of {cls.name}."""',
            "",
            "    @pytest.fixture",
            f"    def {fixture}(self) -> {cls.name}:",
            f"        return {cls.factory}()",
            "",
        ]
        for index, (method, is_async) in enumerate(cls.all_methods()[: rng.randint(min(2, most), most)]):
            owner = self._owner(cls, method)  # patched where it is defined: cls's module may not bind it
            target = f"{owner.module.name}.{owner.name}.{method}"
            mocker = "AsyncMock" if is_async else "MagicMock"
            if is_async:
                lines += [
                    "    @pytest.mark.asyncio",
                    f"    async def test_{method}_{index}(self, {fixture}: {cls.name}) -> None:",
                    f'        with patch("{target}", new_callable={mocker}) as mocked:',
                    f'            mocked.return_value = {{"id": "{rng.choice(NOUNS)}-{index}"}}',
                    f'            result = await {fixture}.{method}("{rng.choice(NOUNS)}")',
                    "        assert mocked.await_count == 1",
                    "        assert result is mocked.return_value",
                    "",
                ]
            else:
                lines += [
                    f'    @mock.patch("{target}")',
                    f"    def test_{method}_{index}(self, mocked: MagicMock, {fixture}: {cls.name}) -> None:",
                    f"        mocked.return_value = {rng.randint(0, 99)}",
                    f'        assert {fixture}.{method}("{rng.choice(NOUNS)}") == mocked.return_value',
                    "        mocked.assert_called_once()",
                    "",
                ]
        lines.append(
            "    def test_logger_is_module_level(self) -> None:\n"
            f'        with mock.patch("{cls.module.name}.logger") as log:\n'
            '            log.info("x")\n            log.info.assert_called_once()\n'
        )
        self.add("\n".join(lines))

    @staticmethod
    def _owner(cls: ClassDef, method: str) -> ClassDef:
        current: ClassDef | None = cls
        while current is not None:
            if method in {m for m, _ in current.methods}:
                return current
            current = current.base
        return cls

    # planted problems ---------------------------------------------------------------------

    def _header_plant(self, family: int, code: str, detail: str, statement: str) -> None:
        """An import statement for the header; recorded in the manifest unless ``family`` is 0."""
        self.statements.append((statement, (family, code, detail) if family else None))

    def _plant_legacy_ws(self) -> None:
        rng = self.rng
        variant = rng.randrange(3)
        name = f"{rng.choice(NOUNS)}_{rng.randrange(1000)}"
        if variant == 0:
            self._header_plant(
                1,
                "NL101",
                "from websockets.legacy.client import connect",
                "from websockets.legacy.client import connect",
            )
            self.add(
                f"async def stream_{name}(url: str, token: str) -> None:\n"
                f'    """Stream {name} updates."""\n'
                '    async with connect(url, extra_headers={"Authorization": f"Bearer {token}"}) as ws:\n'
                "        if ws.open:\n"
                '            await ws.send("subscribe")\n',
                [(2, 1, "NL102", "extra_headers="), (3, 1, "NL103", "ws.open")],
            )
        elif variant == 1:
            # The module websockets.client is not legacy, only some of its names: the use is the finding.
            self._header_plant(0, "", "clean: module websockets.client", "import websockets.client")
            self._header_plant(
                1,
                "NL105",
                "from websockets.exceptions import InvalidStatusCode",
                "from websockets.exceptions import InvalidStatusCode",
            )
            self.add(
                f"async def dial_{name}(url: str) -> Any:\n"
                f'    """Open the {name} socket."""\n'
                "    try:\n"
                '        return await websockets.client.connect(url, extra_headers=[("X-Trace", "1")])\n'
                "    except InvalidStatusCode as exc:\n"
                '        logger.warning("rejected: %s", exc.status_code)\n'
                "        raise\n",
                # `except InvalidStatusCode` is part of the finding on its import.
                [(3, 1, "NL101", "websockets.client.connect"), (3, 1, "NL102", "extra_headers=")],
            )
        else:
            self._header_plant(1, "NL101", "from websockets.server import serve", "from websockets.server import serve")
            self.add(
                f"async def handle_{name}(websocket, path):\n"
                f'    """Echo {name} frames."""\n'
                "    async for frame in websocket:\n"
                "        await websocket.send(frame)\n\n\n"
                f"async def serve_{name}(port: int) -> None:\n"
                f'    async with serve(handle_{name}, "0.0.0.0", port):\n'
                "        await asyncio.Future()\n",
                [(0, 1, "NL104", "(websocket, path) handler")],
            )

    def _import(self, statement: str) -> None:
        """A clean import statement for the header, once."""
        if all(existing != statement for existing, _ in self.statements):
            self.statements.append((statement, None))

    def _modern(self, templates: tuple[websocket_shapes.Template, ...], least: int, most: int) -> None:
        """Between ``least`` and ``most`` pieces of modern websockets code (nothing to find)."""
        for _ in range(self.rng.randint(least, most)):
            snippet = self.rng.choice(templates)(self.rng, f"{self.rng.choice(NOUNS)}_{self.rng.randrange(100000)}")
            for statement in snippet.imports:
                self._import(statement)
            self.add(snippet.body)

    def _plant_modern_ws(self) -> None:
        self._modern(websocket_shapes.APP, 1, 2)

    def _plant_modern_ws_tests(self) -> None:
        self._modern(websocket_shapes.TESTS, 2, 5)

    def _plant_modern_ws_helpers(self) -> None:
        self._modern(websocket_shapes.HELPERS, 1, 3)

    def _plant_ws_mention(self) -> None:
        """Websocket in a comment, a name, a string or the manager's API; no websockets import."""
        rng = self.rng
        noun = rng.choice(NOUNS)
        name = f"{noun}_{rng.randrange(100000)}"
        kinds = ("manager", "events", "log", "upgrade", "plural")
        variant = rng.choices(kinds, weights=(3, 3, 3, 3, 1))[0]
        if variant == "manager":
            manager = next(c for c in self.p.classes if c.name == "WebSocketManager")
            self.use(manager, manager.name)
            self.add(
                f"async def push_{name}(websocket_manager: WebSocketManager, user_id: str, payload: Any) -> int:\n"
                f'    """Send the {noun} update to every websocket the user has open."""\n'
                f'    await websocket_manager.send_to_user(user_id, {{"type": "{noun}_updated", "data": payload}})\n'
                "    return websocket_manager.get_connection_count(user_id)\n"
            )
        elif variant == "events":
            self.add(
                f"# {noun.capitalize()} events reach the browser over the user's WebSocket connection.\n"
                f"{noun.upper()}_WEBSOCKET_EVENTS_{rng.randrange(1000)} = {{\n"
                f'    "created": "{noun}.created",\n'
                f'    "updated": "{noun}.updated",\n'
                f'    "websocket_channel": "user:{{user_id}}:{noun}",\n'
                "}\n"
            )
        elif variant == "log":
            self.add(
                f"def log_{name}_delivery(connection_id: str, delivered: bool) -> None:\n"
                f'    """Record whether the {noun} event made it through the websocket."""\n'
                "    if delivered:\n"
                f'        logger.debug("websocket %s: {noun} delivered", connection_id)\n'
                "    else:\n"
                f'        logger.warning("websocket %s dropped the {noun} event; it is queued", connection_id)\n'
            )
        elif variant == "upgrade":
            self.add(
                f"def is_{name}_websocket_request(headers: Mapping[str, str]) -> bool:\n"
                '    """True for an HTTP upgrade to the websocket protocol."""\n'
                '    return headers.get("upgrade", "").lower() == "websocket"\n'
            )
        else:  # the plural, as NL1's prefilter spells it, without an import
            self.add(
                f"# Close idle websockets of the {noun} channel after this many seconds.\n"
                f"IDLE_{noun.upper()}_WEBSOCKETS_SECONDS_{rng.randrange(1000)} = {rng.randint(30, 900)}\n"
            )

    def _plant_notifier_mention(self) -> None:
        """The deprecated notifier's name where it is no finding: a comment, a string, a test double."""
        rng = self.rng
        name = f"{rng.choice(NOUNS)}_{rng.randrange(100000)}"
        variant = rng.randrange(3 if self.m.is_test else 2)
        if variant == 0:
            bridge = next(c for c in self.p.classes if c.name == "AgentWebSocketBridge")
            factory = self.use(bridge, bridge.factory)
            self.add(
                f"async def report_{name}(run_id: str, agent_name: str) -> None:\n"
                '    """Progress goes through the bridge; WebSocketNotifier is gone."""\n'
                f"    bridge = {factory}()\n"
                f"    await bridge.notify_agent_started(run_id, agent_name)\n"
            )
        elif variant == 1:
            self.add(
                f"#: Names of the removed notifier API, refused in {name.split('_')[0]} plugin manifests.\n"
                f'REMOVED_NOTIFIER_APIS_{rng.randrange(1000)} = ("WebSocketNotifier", "send_agent_started")\n'
            )
        else:
            self.add(
                "class WebSocketNotifier:\n"
                '    """A recording stand-in with the old notifier\'s surface, for the migration tests."""\n\n'
                "    def __init__(self) -> None:\n"
                "        self.sent: list[str] = []\n\n"
                "    async def send_agent_started(self, context: Any) -> None:\n"
                '        self.sent.append("agent_started")\n\n\n'
                "@pytest.mark.asyncio\n"
                f"async def test_recording_notifier_{name}() -> None:\n"
                "    notifier = WebSocketNotifier()\n"
                "    await notifier.send_agent_started(None)\n"
                '    assert notifier.sent == ["agent_started"]\n'
            )

    def _plant_notifier(self) -> None:
        context = next(c for c in self.p.classes if c.name == "AgentExecutionContext")
        self._header_plant(
            2,
            "NL201",
            "WebSocketNotifier import",
            "from netra_backend.app.agents.supervisor.websocket_notifier import WebSocketNotifier",
        )
        self.use(context, context.name)
        name = f"{self.rng.choice(NOUNS)}_{self.rng.randrange(1000)}"
        self.add(
            f"async def announce_{name}(context: AgentExecutionContext, manager: Any) -> None:\n"
            f'    """Tell the user the {name} agent is running."""\n'
            "    notifier = WebSocketNotifier(manager)\n"
            "    await notifier.send_agent_started(context)\n"
            '    await notifier.send_agent_thinking(context, "planning")\n',
            [
                (2, 2, "NL202", "WebSocketNotifier(...)"),
                (3, 2, "NL202", "send_agent_started"),
                (4, 2, "NL202", "send_agent_thinking"),
            ],
        )

    def _plant_global_after_use(self) -> None:
        name = f"_{self.rng.choice(NOUNS).upper()}_COUNT_{self.rng.randrange(1000)}"
        self.add(
            f"{name} = 0\n\n\n"
            f"def reset_{name.lower().strip('_')}() -> int:\n"
            f'    logger.debug("resetting from %d", {name})\n'
            f"    global {name}\n"
            f"    {name} = 0\n"
            f"    return {name}\n",
            [(5, 3, "NL301", f"global {name}")],
        )

    def _plant_nonlocal_after_use(self) -> None:
        name = f"{self.rng.choice(NOUNS)}_total"
        self.add(
            f"def make_{name}_counter() -> Any:\n"
            f"    {name} = 0\n\n"
            "    def bump() -> int:\n"
            f"        print({name})\n"
            f"        nonlocal {name}\n"
            f"        {name} += 1\n"
            f"        return {name}\n\n"
            "    return bump\n",
            [(5, 3, "NL302", f"nonlocal {name}")],
        )

    def _plant_global_ok(self) -> None:
        name = f"_{self.rng.choice(NOUNS).upper()}_REGISTRY_{self.rng.randrange(1000)}"
        self.add(
            f"{name}: dict[str, Any] = {{}}\n\n\n"
            f"def replace_{name.lower().strip('_')}(values: dict[str, Any]) -> None:\n"
            f"    global {name}\n"
            f"    {name} = dict(values)\n"
        )

    def _ws_manager_names(self) -> str:
        self.imports.setdefault("netra_backend.app.websocket_core", set()).add("get_manager")
        return f"{self.rng.choice(NOUNS)}_{self.rng.randrange(1000)}"

    def _plant_missing_method(self) -> None:
        name = self._ws_manager_names()
        if self.rng.random() < 0.5:
            self.add(
                f"async def drop_{name}(user_id: str) -> None:\n"
                "    manager = get_manager()\n"
                "    await manager.disconnect(user_id)\n",
                [(2, 4, "NL401", "WebSocketManager.disconnect")],
            )
        else:
            self.add(
                f"async def close_{name}(user_id: str) -> None:\n"
                '    logger.info("closing %s", user_id)\n'
                "    await get_manager().disconnect(user_id)\n",
                [(2, 4, "NL401", "WebSocketManager.disconnect")],
            )
        pool = [c for c in self.earlier[-800:] if c.module is not self.m]
        if pool:
            cls = self.rng.choice(pool)
            factory = self.use(cls, cls.factory)
            existing = cls.method_names()
            for _ in range(20):
                missing = f"{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}_v2"
                if missing not in existing:
                    break
            self.add(
                f"def call_{name}(key: str) -> Any:\n    service = {factory}()\n    return service.{missing}(key)\n",
                [(2, 4, "NL401", f"{cls.name}.{missing}")],
            )

    def _plant_manager_ok(self) -> None:
        name = self._ws_manager_names()
        self.add(
            f"async def notify_{name}(user_id: str, payload: dict[str, Any]) -> None:\n"
            "    manager = get_manager()\n"
            "    await manager.send_to_user(user_id, payload)\n"
            "    await manager.disconnect_user(user_id)\n"
        )

    def _real_target(self) -> ClassDef:
        while True:
            cls = self.rng.choice(self.p.classes)
            if cls.module is not self.m:
                return cls

    def _plant_missing_module(self) -> None:
        cls = self._real_target()
        parts = cls.module.name.split(".")
        variants = (
            ".".join(parts[:-1] + [parts[-1] + "_v2"]),
            ".".join(parts[:-1] + ["legacy", parts[-1]]),
            ".".join(parts[:-2] + [parts[-1]]) if len(parts) > 2 else parts[0] + ".old_" + parts[-1],
        )
        missing = self.rng.choice(variants)
        if missing in self.p.by_name:
            missing = ".".join(parts[:-1] + [parts[-1] + "_old"])
        self._header_plant(5, "NL501", f"missing module {missing}", f"from {missing} import {cls.name}")

    def _plant_doubled_suffix(self) -> None:
        module = self.rng.choice([m for m in self.p.class_modules if m is not self.m])
        stem = module.name.rsplit(".", 1)[1]
        tail = "_".join(stem.split("_")[-2:]) if stem.endswith("_test_utils") else stem.split("_")[-1]
        doubled = f"{module.name}_{tail}"
        self._header_plant(5, "NL501", f"doubled suffix {doubled}", f"from {doubled} import {module.classes[0].name}")

    def _plant_moved_name(self) -> None:
        cls = self._real_target()
        package = cls.module.name.rsplit(".", 1)[0]

        def elsewhere(module: Module) -> bool:  # written already, and not binding the name
            return module is not cls.module and module.bound is not None and cls.name not in module.bound

        siblings = [m for m in self.p.children.get(package, []) if elsewhere(m)] or [
            m for m in self.p.class_modules if elsewhere(m)
        ]
        if not siblings:
            return
        wrong = self.rng.choice(siblings)
        self._header_plant(
            5, "NL502", f"{cls.name} is in {cls.module.name}, not {wrong.name}", f"from {wrong.name} import {cls.name}"
        )

    def _plant_broken_patch(self) -> None:
        cls = self._real_target()
        variant = self.rng.randrange(3)
        if variant == 0:
            target = f"{cls.module.name}_old.{cls.name}.{cls.methods[0][0]}"
        elif variant == 1:
            target = f"{cls.module.name}.{cls.name}.{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}_legacy"
        else:
            target = f"{cls.module.name}.{cls.name}Legacy"
        self.add(
            f'@mock.patch("{target}")\n'
            f"def test_patch_{self.rng.randrange(100000)}(mocked: MagicMock) -> None:\n"
            "    mocked.return_value = None\n"
            "    assert mocked.return_value is None\n",
            [(0, 5, "NL503", target)],
        )


def generate(files: int, megabytes: float, seed: int, out: Path) -> dict[str, Any]:
    """Write the tree under ``out`` (replacing it) and return the manifest."""
    started = time.perf_counter()
    project = Project(files, megabytes, seed)
    project.layout()
    project.symbols()
    project.plan()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sizes, shape = project.render_all(out)
    # A repository of its own, as a real monorepo is: tools that honour .gitignore then stop
    # here instead of applying the enclosing checkout's rules (which ignore bench/corpus/).
    try:
        subprocess.run(["git", "init", "-q", str(out)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        (out / ".git").mkdir()
    (out / "pyproject.toml").write_text(
        '[project]\nname = "netra-monorepo"\nversion = "0.0.0"\n'
        f"dependencies = [{', '.join(repr(d) for d in DEPENDENCIES)}]\n\n"
        '[tool.netra-lint]\nsrc = [".", "analytics_service/src"]\n',
        encoding="utf-8",
    )
    (out / "analytics_service" / "pyproject.toml").write_text(
        '[project]\nname = "netra-analytics"\nversion = "0.0.0"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
        encoding="utf-8",
    )
    values = sorted(sizes.values())
    planted = [p for p in project.manifest if p.family]
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "files": len(values),
        "bytes": sum(values),
        "seed": seed,
        "requested": {"files": files, "megabytes": megabytes},
        "seconds": round(time.perf_counter() - started, 2),
        "sizes": {
            "median": int(statistics.median(values)),
            "p90": values[int(len(values) * 0.9)],
            "p99": values[int(len(values) * 0.99)],
            "max": values[-1],
            "over_100k": sum(1 for v in values if v > 100_000),
            "empty": sum(1 for v in values if v == 0),
        },
        "roots": [r[0] for r in ROOTS],
        "src": [".", "analytics_service/src"],
        "websockets_pin": WEBSOCKETS_PIN,
        "shape": vars(shape),
        "files_with_findings": dict(
            sorted(Counter(f"NL{family}" for family, _ in {(p.family, p.path) for p in planted}).items())
        ),
        "namespace_dirs": sorted({str(p.parent.relative_to(out)) for p in out.rglob("*.py")} - project.init_dirs),
        "planted_counts": dict(sorted(Counter(f"{p.family}:{p.code}" for p in planted).items())),
        "planted": [vars(p) for p in sorted(planted, key=lambda p: (p.path, p.line))],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=7000, help="number of .py files (default 7000)")
    parser.add_argument("--megabytes", type=float, default=120.0, help="total size in MB (default 120)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus" / "default")
    args = parser.parse_args()
    manifest = generate(args.files, args.megabytes, args.seed, args.out)
    sizes = manifest["sizes"]
    print(
        f"{args.out}: {manifest['files']} files, {manifest['bytes'] / 1e6:.1f} MB "
        f"(median {sizes['median'] / 1000:.1f} KB, p99 {sizes['p99'] / 1000:.0f} KB, max {sizes['max'] / 1000:.0f} KB, "
        f"{sizes['over_100k']} over 100 KB), {len(manifest['planted'])} planted problems, {manifest['seconds']} s"
    )
    shares = Shape(**manifest["shape"]).shares()
    print(", ".join(f"{name.replace('_', ' ')} {share:.1%}" for name, share in shares.items()))


if __name__ == "__main__":
    main()
