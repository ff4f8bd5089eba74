"""The shared semantic layer: scopes and bindings, qualified names, contexts, instance
evidence, patch targets and the LibCST-to-ast locator.

Cases come from what each rule family's own copy handled (their fixtures), and from the
places where those copies disagreed; each such case says which answer is the shared one.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Collection
from pathlib import Path

import libcst as cst

from fixture_cases import FIXTURES
from netra_lint.checker import FileContext
from netra_lint.semantics import instances as evidence
from netra_lint.semantics import references as where
from netra_lint.semantics import scopes as kinds
from netra_lint.semantics.instances import Instance, InstancePolicy, InstanceTyper
from netra_lint.semantics.model import SemanticModel
from netra_lint.semantics.names import absolute_module, dotted_name
from netra_lint.semantics.patching import PATCH_APIS, patch_targets
from netra_lint.semantics.positions import Locator
from netra_lint.semantics.references import context_of, qualified_name
from netra_lint.settings import Settings
from netra_lint.source import SourceFile

PACKAGE = Path(__file__).resolve().parent.parent / "netra_lint"


class Code:
    """A snippet, its model, and its expressions found by their text."""

    def __init__(
        self,
        text: str,
        module: str | None = "pkg.mod",
        is_package: bool = False,
        exports: dict[str, Collection[str]] | None = None,
    ) -> None:
        self.text = textwrap.dedent(text)
        self.tree = ast.parse(self.text)
        oracle = exports.get if exports is not None else None
        self.model = SemanticModel(self.tree, module, is_package, oracle)

    def find(self, text: str, nth: int = 0, kind: type[ast.AST] = ast.expr) -> ast.AST:
        """The ``nth`` node of ``kind`` (in text order) whose source is ``text``; of names,
        only reads count."""
        found = [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, kind)
            and not (isinstance(node, (ast.Name, ast.Attribute)) and not isinstance(node.ctx, ast.Load))
            and ast.get_source_segment(self.text, node) == text
        ]
        found.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
        assert len(found) > nth, f"{text!r} occurs {len(found)} times"
        return found[nth]

    def scope_of(self, name: str) -> kinds.Scope:
        """The scope the def, class or comprehension ``name`` opens (a comprehension by its text)."""
        for node, scope in self.model.scope_of_node.items():
            if getattr(node, "name", None) == name or ast.get_source_segment(self.text, node) == name:
                return scope
        raise AssertionError(name)

    def expr(self, text: str, nth: int = 0) -> ast.expr:
        node = self.find(text, nth)
        assert isinstance(node, ast.expr)
        return node

    def qualified(self, text: str, nth: int = 0) -> str | None:
        found = qualified_name(self.model, self.expr(text, nth))
        return found.name if found is not None else None

    def names(self, text: str, nth: int = 0) -> frozenset[str] | None:
        found = qualified_name(self.model, self.expr(text, nth))
        return found.names if found is not None else None

    def context(self, text: str, nth: int = 0) -> str:
        return context_of(self.model, self.expr(text, nth))

    def instance(self, text: str, nth: int = 0, policy: InstancePolicy | None = None) -> str | None:
        found = InstanceTyper(self.model, policy).instance_of(self.expr(text, nth))
        return found.cls if found is not None else None


class Classes(InstancePolicy):
    """A family that knows some imported names are classes and what some callables return."""

    def __init__(self, classes: Collection[str] = (), results: dict[tuple[str, str], str] | None = None) -> None:
        self.classes = set(classes)
        self.results = results or {}

    def is_class(self, qualified: str) -> bool:
        return qualified in self.classes

    def call_result(self, callee: str, use: str) -> str | None:
        return self.results.get((callee, use))


# -- names ---------------------------------------------------------------------------------------


def test_dotted_names_and_absolute_modules() -> None:
    assert dotted_name(ast.parse("a.b.c", mode="eval").body) == "a.b.c"
    assert dotted_name(ast.parse("a().b", mode="eval").body) is None
    assert absolute_module("pkg.sub.mod", False, 1, "x") == "pkg.sub.x"
    assert absolute_module("pkg.sub.mod", False, 2, None) == "pkg"
    assert absolute_module("pkg.sub", True, 1, "x") == "pkg.sub.x"
    assert absolute_module("pkg.mod", False, 3, "x") is None  # beyond the top
    assert absolute_module(None, False, 1, "x") is None  # a file that is no module
    assert absolute_module(None, False, 0, "x") == "x"


# -- scopes and bindings ---------------------------------------------------------------------------


def test_every_name_read_is_recorded_with_a_scope_in_real_code() -> None:
    """The walk reaches every expression: each Name read of the package's own source and
    of every fixture has a scope, and each binding's name is bound where Python binds it."""
    paths = [*PACKAGE.rglob("*.py"), *FIXTURES.rglob("*.py")]
    checked = 0
    for path in paths:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        model = SemanticModel(tree, "pkg.mod")
        reads = {n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert reads <= model.scope_of_name.keys(), path
        checked += 1
    assert checked > 100


def test_class_bodies_are_invisible_to_their_methods_and_comprehensions() -> None:
    code = Code("""
        import json
        class K:
            json = 1
            size = json
            def method(self):
                return json
            values = [json for _ in range(3)]
            first = [x for x in json]
        """)
    assert code.qualified("json", 0) is None  # `size = json`: the class's own json (a value)
    assert code.qualified("json", 1) == "json"  # inside the method: the module's
    assert code.qualified("json", 2) == "json"  # a comprehension's element: the module's
    assert code.qualified("json", 3) is None  # its first iterable runs in the class body


def test_defaults_decorators_annotations_and_bases_run_in_the_enclosing_scope() -> None:
    code = Code("""
        from app import deco, Base, T, DEFAULT
        def outer():
            deco = Base = T = DEFAULT = None
            @deco
            def inner(x: T = DEFAULT) -> T: ...
            class C(Base): ...
        @deco
        def top(x: T = DEFAULT) -> T:
            deco = T = 1
        """)
    for name in ("deco", "T", "DEFAULT", "Base"):
        assert code.qualified(name, 0) is None, name  # outer's locals
    assert code.qualified("deco", 1) == "app.deco"
    assert code.qualified("T", 2) == code.qualified("T", 3) == "app.T"
    assert code.qualified("DEFAULT", 1) == "app.DEFAULT"


def test_global_nonlocal_walrus_except_and_match_bind_where_python_binds() -> None:
    code = Code("""
        import handler
        def install():
            global handler
            handler = make()
        def outer():
            value = 1
            def inner():
                nonlocal value
                value = 2
            return value
        def comprehension(items):
            found = [y for x in items if (y := x)]
            return y
        try:
            pass
        except OSError as error:
            print(error)
        match command:
            case Point(x=px):
                print(px)
        handler.run()
        """)
    module = code.model.module_scope
    assert [b.kind for b in module.bindings["handler"]] == [kinds.IMPORT, kinds.ASSIGNMENT]
    assert code.qualified("handler.run") is None  # rebound by install(): no longer surely the module
    assert len(code.scope_of("outer").bindings["value"]) == 2
    comprehension = code.scope_of("[y for x in items if (y := x)]")
    assert "y" not in comprehension.bindings and "x" in comprehension.bindings
    assert [b.kind for b in code.model.bindings_of(code.expr("y", 1))] == [kinds.WALRUS]  # `return y`
    assert [b.kind for b in code.model.bindings_of(code.expr("error", 0))] == [kinds.EXCEPT]
    assert [b.kind for b in code.model.bindings_of(code.expr("px"))] == [kinds.OTHER]


def test_a_read_sees_the_bindings_before_it_or_in_a_loop_with_it() -> None:
    """LibCST's order (websockets' and deprecated's copies): a later binding in the same
    scope is not seen, except through a loop; NL401's copy saw every binding."""
    code = Code("""
        import json
        from app import A, B
        def straight(uri):
            x = A()
            x.go()
            x = B()
            x.go()
        def looped(items):
            y = A()
            for item in items:
                y.go()
                y = B()
        def unbound():
            json.dumps
            json = 1
        print(open)
        open = A
        shared = A()
        def reader():
            return shared
        shared = B()
        def reset():
            global late
            late = B()
        late = A()
        late.go()
        """)
    policy = Classes({"app.A", "app.B"})
    assert code.instance("x", 0, policy) == "app.A"
    assert code.instance("x", 1, policy) is None  # both bindings are before it
    assert code.instance("y", 0, policy) is None  # the loop brings `y = B()` round
    assert code.qualified("json.dumps") is None  # a local read before its binding
    assert code.qualified("open", 0) == "builtins.open"  # module level: not bound yet
    assert code.instance("shared", 0, policy) is None  # a function sees every module binding
    assert code.instance("late", 0, policy) is None  # `reset()` may have run before


def test_bindings_take_effect_after_what_they_evaluate() -> None:
    code = Code("""
        from app import A, B, make
        def f(items):
            handle = A()
            with make(handle) as handle:
                pass
            items = [x for x in items]
            for items in items:
                pass
            value = B()
            value = value.convert()
        """)
    policy = Classes({"app.A", "app.B"})
    assert code.instance("handle", 0, policy) == "app.A"  # the context expression reads the A
    assert [b.kind for b in code.model.bindings_of(code.expr("items", 0))] == [kinds.PARAMETER]
    assert [b.kind for b in code.model.bindings_of(code.expr("items", 1))] == [kinds.PARAMETER, kinds.ASSIGNMENT]
    assert code.instance("value", 0, policy) == "app.B"


def test_methods_know_their_class_and_receiver() -> None:
    code = Code("""
        class K:
            def method(self): ...
            @classmethod
            def make(cls): ...
            @staticmethod
            def other(self): ...
            def __new__(cls): ...
        """)
    scopes = {name: code.scope_of(name) for name in ("method", "make", "other", "__new__")}
    assert (scopes["method"].receiver, scopes["method"].receiver_is_class) == ("self", False)
    assert (scopes["make"].receiver, scopes["make"].receiver_is_class) == ("cls", True)
    assert scopes["other"].receiver is None  # a staticmethod has no receiver
    assert scopes["__new__"].receiver_is_class
    assert {s.owner for s in scopes.values()} == {code.scope_of("K")}
    assert code.scope_of("K").path == "K"


def test_forward_references_are_parsed_in_annotations_only() -> None:
    code = Code("""
        from typing import Literal, Optional
        from app import Client, Mode
        def f(a: "Client", b: Optional["Client"], c: Literal["Client"], d: "not valid (") -> "Mode": ...
        x = "Client"
        """)
    strings = {s.value for s in code.model.forward_references}
    assert strings == {"Client", "Mode"}
    names = [n for n in code.model.string_of]
    assert len(names) == 3 and all(code.model.bindings_of(n)[0].kind == kinds.FROM_IMPORT for n in names)
    assert all(context_of(code.model, n) == where.ANNOTATION for n in names)


def test_strings_typing_reads_as_types_outside_annotations_are_forward_references() -> None:
    """What type checkers read as types, and LibCST's scope analysis reads as references:
    ``cast``'s type, what follows a ``TypeVar``'s or ``NewType``'s name, the strings in a
    subscript of a ``typing`` generic. Not a ``Literal``'s, nor a look-alike's."""
    code = Code("""
        import typing as t
        from typing import NewType, Optional, TypeVar, cast, Literal
        from app import Client, Mode
        T = TypeVar("T", "Client", bound="Mode")
        Id = NewType("Id", "Client")
        Ref = Optional["Client"]
        Pair = t.Dict[str, "Client"]
        Kind = Literal["Client"]
        def f(x):
            return cast("Client", x), t.cast("Mode", x)
        def cast_alike(d, Registry):
            return d["Client"], Registry["Client"], len("Client")
        """)
    strings = [s.value for s in code.model.forward_references]
    assert sorted(strings) == ["Client", "Client", "Client", "Client", "Client", "Mode", "Mode"]
    assert "T" not in strings and "Id" not in strings  # the names being defined are no references
    client = code.model.module_scope.bindings["Client"][0]
    reads = code.model.reads_of(client)
    assert len(reads) == 5 and all(context_of(code.model, n) == where.ANNOTATION for n in reads)
    local = Code("""
        def cast(kind, value): ...
        from app import Client
        cast("Client", 1)
        """)
    assert local.model.forward_references == {}


def test_references_of_a_binding_and_bound_names() -> None:
    code = Code("""
        from app import Client
        def f(c: "Client") -> Client:
            return Client()
        def g(Client):
            return Client
        """)
    binding = code.model.module_scope.bindings["Client"][0]
    references = code.model.references[binding]
    assert len(references) == 3  # the forward reference, the return annotation, the call; not g's parameter
    fresh = Code(code.text).model
    alone = fresh.reads_of(fresh.module_scope.bindings["Client"][0])  # before `references` is worked out
    assert alone == fresh.references[fresh.module_scope.bindings["Client"][0]] and len(alone) == 3
    assert sum(n in code.model.string_of for n in references) == 1
    assert {"Client", "f", "g", "c"} <= code.model.bound_names


def test_scope_at_finds_where_an_expression_runs() -> None:
    code = Code("""
        def f(x=default):
            return [y for y in first if y]
        """)
    function = code.scope_of("f")
    comprehension = code.scope_of("[y for y in first if y]")
    assert code.model.scope_at(code.expr("default")) is code.model.module_scope
    assert code.model.scope_at(code.find("return [y for y in first if y]", kind=ast.stmt)) is function
    assert code.model.scope_at(code.expr("first")) is function
    assert code.model.scope_at(code.expr("y", 1)) is comprehension  # the condition


def test_deep_expressions_do_not_exhaust_the_stack() -> None:
    depth = 2000
    text = "import a\nx: " + " | ".join(["A"] * depth) + "\ny = a" + ".b" * depth + "\nz = " + "+".join(["1"] * depth)
    model = SemanticModel(ast.parse(text), "m")
    chain = model.module_scope.bindings["y"][0].value
    assert chain is not None
    found = qualified_name(model, chain)
    assert found is not None and found.name == "a" + ".b" * depth
    assert context_of(model, chain) == where.ALIAS
    annotation = model.module_scope.bindings["x"][0].annotation
    assert annotation is not None and InstanceTyper(model).declared_type(annotation) is None


# -- qualified names -----------------------------------------------------------------------------


def test_import_forms() -> None:
    """websockets' import_forms/dotted_import fixtures, deprecated's import_spellings."""
    code = Code("""
        import websockets
        import websockets.legacy.client
        import websockets.legacy.client as wlc
        from websockets import client
        from websockets.server import serve as ws_serve
        from app.services import websocket_notifier
        from app.core.notifier import WebSocketNotifier as Notifier
        websockets.legacy.client.connect
        wlc.connect
        client.connect
        ws_serve
        websocket_notifier.WebSocketNotifier
        Notifier
        websockets.exceptions.ConnectionClosed
        """)
    assert code.qualified("websockets.legacy.client.connect") == "websockets.legacy.client.connect"
    assert code.qualified("websockets.legacy") == "websockets.legacy"  # a prefix of the chain
    assert code.qualified("wlc.connect") == "websockets.legacy.client.connect"
    assert code.qualified("client.connect") == "websockets.client.connect"
    assert code.qualified("ws_serve") == "websockets.server.serve"
    assert code.qualified("websocket_notifier.WebSocketNotifier") == "app.services.websocket_notifier.WebSocketNotifier"
    assert code.qualified("Notifier") == "app.core.notifier.WebSocketNotifier"
    assert code.qualified("websockets.exceptions.ConnectionClosed") == "websockets.exceptions.ConnectionClosed"


def test_relative_imports_are_made_absolute_with_the_module_name() -> None:
    """deprecated's relative_import fixture; websockets' copy left relative imports unresolved."""
    text = """
        from .websocket_notifier import WebSocketNotifier
        from ..websocket_core import notifier
        from . import unrelated
        from ... import beyond
        WebSocketNotifier, notifier.WebSocketNotifier, unrelated.WebSocketNotifier, beyond
        """
    code = Code(text, module="netra_backend.app.services.runner")
    assert code.qualified("WebSocketNotifier") == "netra_backend.app.services.websocket_notifier.WebSocketNotifier"
    assert code.qualified("notifier.WebSocketNotifier") == "netra_backend.app.websocket_core.notifier.WebSocketNotifier"
    assert code.qualified("unrelated.WebSocketNotifier") == "netra_backend.app.services.unrelated.WebSocketNotifier"
    assert code.qualified("beyond") == "netra_backend.beyond"
    package = Code("from . import sibling\nsibling", module="pkg", is_package=True)
    assert package.qualified("sibling") == "pkg.sibling"
    too_far = Code("from ... import x\nx", module="pkg.mod")
    assert too_far.qualified("x") is None
    no_module = Code("from . import x\nx", module=None)
    assert no_module.qualified("x") is None


def test_the_files_own_definitions_and_builtins() -> None:
    code = Code("""
        class Outer:
            class Inner: ...
            def method(self):
                class Local: ...
                return Local, Outer.Inner
        def helper(): ...
        helper, isinstance, Outer.method
        def shadow(isinstance):
            return isinstance
        """)
    assert code.qualified("Local") is None  # defined inside a function
    assert code.qualified("Outer.Inner") == "pkg.mod.Outer.Inner"
    assert code.qualified("helper", 0) == "pkg.mod.helper"
    assert code.qualified("isinstance", 0) == "builtins.isinstance"
    assert code.qualified("isinstance", 1) is None  # a parameter named isinstance
    assert Code("class K: ...\nK", module=None).qualified("K", 0) is None  # a file that is no module


def test_aliases_are_followed_when_they_are_the_only_binding() -> None:
    """websockets followed `x = mod.Name`; LibCST's names (deprecated) did not."""
    code = Code("""
        import websockets.legacy.client as wlc
        from http import HTTPStatus
        open_connection = wlc.connect
        status = HTTPStatus.OK
        twice = HTTPStatus.OK
        twice = HTTPStatus.FOUND
        open_connection(uri)
        status.value
        twice.value
        a = b
        b = a
        a
        """)
    found = qualified_name(code.model, code.expr("open_connection"))
    assert found is not None and found.name == "websockets.legacy.client.connect"
    assert found.alias is not None and found.alias.value is code.expr("wlc.connect")
    assert code.qualified("status.value") == "http.HTTPStatus.OK.value"
    assert code.qualified("twice.value") is None  # two bindings
    assert code.qualified("a", 1) is None  # a cycle


def test_shadowing_parameters_and_locals() -> None:
    """websockets' shadowed and not_legacy fixtures; deprecated's near_misses."""
    code = Code("""
        from websockets.legacy.client import connect
        import websocket_notifier
        def local_connect(uri, extra_headers=None): ...
        def run():
            connect = local_connect
            return connect("ws://x")
        def shadowed(connect, websocket_notifier):
            return connect("x"), websocket_notifier.WebSocketNotifier
        """)
    assert code.qualified("connect", 0) == "pkg.mod.local_connect"
    assert code.qualified("connect", 1) is None
    assert code.qualified("websocket_notifier.WebSocketNotifier") is None


def test_imports_inside_functions_and_alternatives() -> None:
    """websockets' nested_imports fixture; the index's `try: ... except ImportError` patchers."""
    code = Code("""
        try:
            from unittest.mock import patch
        except ImportError:
            from mock import patch
        def lazy():
            from websockets.legacy.server import serve
            return serve
        patch
        """)
    assert code.qualified("serve") == "websockets.legacy.server.serve"
    assert code.names("patch", 0) == frozenset({"unittest.mock.patch", "mock.patch"})
    assert code.qualified("patch", 0) is None  # no single name


def test_optional_import_idiom() -> None:
    """`websockets = None` can't be what an attribute is read from: there, the import decides."""
    code = Code("""
        try:
            import websockets
            from websockets.legacy.client import connect
        except ImportError:
            websockets = None
            connect = None
        websockets.connect(uri)
        connect(uri)
        if websockets is None or connect is None:
            pass
        def typed(ws: websockets.ClientConnection): ...
        """)
    assert code.qualified("websockets.connect") == "websockets.connect"
    assert code.qualified("connect", 0) == "websockets.legacy.client.connect"
    assert code.qualified("websockets", 1) is None  # `websockets is None`: the placeholder counts
    assert code.qualified("connect", 1) is None
    assert code.qualified("websockets.ClientConnection") == "websockets.ClientConnection"
    found = qualified_name(code.model, code.expr("connect", 0))
    assert found is not None and len(found.bindings) == 2  # both bindings are still there


def test_star_imports() -> None:
    text = """
        import json
        from app import Plain
        from os.path import *
        from lib import Late
        json.dumps, Plain, Late, join, len
        """
    code = Code(text)
    assert code.qualified("json.dumps") == "json.dumps"  # `import json` survives: a star binding json binds the module
    assert code.qualified("Plain") is None  # the star import may rebind it (NL401's silence fixture)
    assert code.qualified("Late") == "lib.Late"  # bound after the star import
    assert code.qualified("join") is None
    assert code.qualified("len") is None  # may come from the star import too
    known = Code(text, exports={"os.path": ("join", "split")})
    assert known.qualified("Plain") == "app.Plain"
    assert known.qualified("len") == "builtins.len"
    assert known.qualified("join") is None  # bound by the star import: from where is not followed


def test_a_chain_through_a_call_has_no_qualified_name() -> None:
    """LibCST named `mod.Client().fetch` "mod.Client.fetch" (deprecated's copy); it is no name."""
    code = Code("import mod\nmod.Client().fetch\nmod.make().Client")
    assert code.qualified("mod.Client().fetch") is None
    assert code.qualified("mod.make().Client") is None


# -- contexts ----------------------------------------------------------------------------------------


def test_annotation_contexts() -> None:
    code = Code("""
        from typing import Optional
        from app import Old
        def f(a: Old, b: Optional[Old] = Old, c: "Old" = None) -> list[Old]:
            x: Old = Old()
        """)
    assert [code.context("Old", n) for n in range(6)] == [
        where.ANNOTATION,
        where.ANNOTATION,
        where.VALUE,  # a default value
        where.ANNOTATION,  # inside the return annotation
        where.ANNOTATION,
        where.CALL,
    ]
    name_in_string = next(iter(code.model.string_of))
    assert context_of(code.model, name_in_string) == where.ANNOTATION


def test_isinstance_and_except_contexts() -> None:
    """websockets climbed tuples only; deprecated also lists, subscripts and any `isinstance`."""
    code = Code("""
        from app import A, B
        isinstance(x, A)
        isinstance(x, (A, (str, B)))
        issubclass(x, A | B)
        isinstance(x, [A])
        isinstance(A, str)
        try:
            pass
        except A:
            pass
        except (A, B):
            pass
        def shadowed(isinstance):
            isinstance(x, A)
        """)
    assert code.context("A", 0) == where.ISINSTANCE
    assert code.context("A", 1) == where.ISINSTANCE
    assert code.context("B", 0) == where.ISINSTANCE  # nested tuple
    assert code.context("A", 2) == code.context("B", 1) == where.ISINSTANCE  # `A | B`
    assert code.context("A", 3) == where.VALUE  # a list is no class argument
    assert code.context("A", 4) == where.VALUE  # the object, not the class
    assert code.context("A", 5) == where.EXCEPT
    assert code.context("A", 6) == code.context("B", 2) == where.EXCEPT
    assert code.context("A", 7) == where.VALUE  # not the builtin


def test_base_call_alias_attribute_and_value_contexts() -> None:
    code = Code("""
        from typing import Generic
        from app import Old, Meta, PROVIDERS
        class A(Old): ...
        class B(Old[int]): ...
        class C(Generic[Old]): ...
        class D(metaclass=Meta): ...
        Old()
        Old[int]()
        PROVIDERS[Old]()
        alias = Old
        x = y = Old
        Old.attribute
        Old[int]
        print(Old)
        """)
    assert code.context("Old", 0) == where.BASE
    assert code.context("Old", 1) == where.BASE  # `Old[int]` as a base: inherits Old
    assert code.context("Old", 2) == where.VALUE  # a type argument of a base
    assert code.context("Meta") == where.VALUE  # a metaclass is no base
    assert code.context("Old", 3) == where.CALL
    assert code.context("Old", 4) == where.CALL
    assert code.context("Old", 5) == where.VALUE  # the key, not the callee
    assert code.context("Old", 6) == where.ALIAS
    assert code.context("Old", 7) == where.VALUE
    assert code.context("Old", 8) == where.ATTRIBUTE
    assert code.context("Old", 9) == where.SUBSCRIPT
    assert code.context("Old", 10) == where.VALUE


# -- instance evidence ---------------------------------------------------------------------------------


NOTIFIER = "app.notifier.WebSocketNotifier"
KNOWS_NOTIFIER = Classes({NOTIFIER, "app.other.Other"})


def test_receivers_of_the_deprecated_api_fixture() -> None:
    """Every inference source of NL202's receivers fixture."""
    code = Code("""
        from typing import Optional
        from app.notifier import WebSocketNotifier
        from app import notifier as legacy
        def make_notifier(manager) -> WebSocketNotifier:
            return WebSocketNotifier(manager)
        class Agent:
            notifier: Optional[WebSocketNotifier]
            def __init__(self, manager) -> None:
                self.notifier = None
                self.backup = legacy.WebSocketNotifier(manager)
                self.fresh = make_notifier(manager)
            def _make(self) -> "WebSocketNotifier":
                return make_notifier(None)
            async def run(self, context) -> None:
                self._make().go()
                self.notifier.go()
                self.backup.go()
                self.fresh.go()
        async def by_annotation(notifier: "WebSocketNotifier", other: WebSocketNotifier | None) -> None:
            notifier.go()
            other.go()
            local: WebSocketNotifier = make_notifier(None)
            local.go()
            built = WebSocketNotifier(None)
            built.go()
        """)
    for text in ("self._make()", "self.notifier", "self.backup", "self.fresh", "other", "local", "built"):
        assert code.instance(text, 0, KNOWS_NOTIFIER) == NOTIFIER, text
    assert code.instance("notifier", 0, KNOWS_NOTIFIER) == NOTIFIER
    typer = InstanceTyper(code.model, KNOWS_NOTIFIER)
    built = typer.instance_of(code.expr("built"))
    assert built is not None and built.built
    fresh = typer.instance_of(code.expr("self.fresh"))
    assert fresh is not None and not fresh.built


def test_near_misses_stay_unknown() -> None:
    """NL202's near_misses fixture: disagreeing bindings, shadowing parameters."""
    code = Code("""
        from app.notifier import WebSocketNotifier
        class EventSink: ...
        class Mixed:
            def __init__(self, manager, sink: EventSink) -> None:
                self.notifier = WebSocketNotifier(manager)
                self.notifier = sink
            def run(self):
                self.notifier.go()
        def rebound(manager, context, other: EventSink):
            notifier = WebSocketNotifier(manager)
            if context:
                notifier = other
            notifier.go()
        def shadowing(WebSocketNotifier):
            notifier = WebSocketNotifier()
            notifier.go()
        def unknown(anything):
            anything.go()
        """)
    assert code.instance("self.notifier", 0, KNOWS_NOTIFIER) is None
    assert code.instance("notifier", 0, KNOWS_NOTIFIER) is None
    assert code.instance("notifier", 1, KNOWS_NOTIFIER) is None
    assert code.instance("anything", 0, KNOWS_NOTIFIER) is None


def test_annotation_forms() -> None:
    code = Code("""
        import typing as t
        from typing import Annotated, ClassVar, Optional, Union
        from app.notifier import WebSocketNotifier as N
        def f(a: t.Optional[N], b: Union[N, None], c: "N | None", d: "Optional[N]", e: Annotated[N, "x"],
              g: Union[N, int], h: type[N], *rest: N, **options: N):
            return a, b, c, d, e, g, h, rest, options
        class K:
            shared: ClassVar[N]
            def m(self):
                return self.shared
        """)
    for name in "abcde":
        assert code.instance(name) == NOTIFIER, name
    assert code.instance("g") is None  # a union of classes
    assert code.instance("h") == "builtins.type"  # the class itself, not an instance
    assert code.instance("rest") is None and code.instance("options") is None
    assert code.instance("self.shared") == NOTIFIER
    unimported = Code("def f(a: Optional[N]): return a")
    assert unimported.instance("a") is None  # `Optional` that names nothing


def test_calls_factories_and_awaits() -> None:
    code = Code("""
        from app.notifier import WebSocketNotifier, default_notifier
        def make() -> WebSocketNotifier: ...
        async def open_notifier() -> WebSocketNotifier: ...
        class Local:
            @classmethod
            def create(cls):
                return cls()
        async def main():
            a = make()
            b = await open_notifier()
            c = open_notifier()
            d = default_notifier()
            e = await WebSocketNotifier()
            f = Local()
            return a, b, c, d, e, f
        """)
    policy = Classes({NOTIFIER}, {("app.notifier.default_notifier", evidence.CALLED): NOTIFIER})
    assert code.instance("a", 0, policy) == NOTIFIER
    assert code.instance("b", 0, policy) == NOTIFIER
    assert code.instance("c", 0, policy) is None  # a coroutine, not awaited
    assert code.instance("d", 0, policy) == NOTIFIER  # a factory the family knows
    assert code.instance("e", 0, policy) is None  # what awaiting an instance gives is unknown
    assert code.instance("f", 0, policy) == "pkg.mod.Local"
    assert code.instance("cls()", 0, policy) == "pkg.mod.Local"


def test_connections_by_how_a_call_is_used() -> None:
    """websockets' receivers: `async with connect() as ws`, `ws = await connect()`, `async for`."""
    connect = "websockets.asyncio.client.connect"
    serve = "websockets.asyncio.server.serve"
    policy = Classes(
        results={
            (connect, evidence.ENTERED_ASYNC): "websockets.asyncio.client.ClientConnection",
            (connect, evidence.AWAITED): "websockets.asyncio.client.ClientConnection",
            (connect, evidence.ITERATED_ASYNC): "websockets.asyncio.client.ClientConnection",
            (serve, evidence.ENTERED_ASYNC): "websockets.asyncio.server.Server",
        }
    )
    code = Code("""
        from websockets.asyncio.client import connect
        from websockets.asyncio.server import serve
        async def fetch(uri):
            async with connect(uri) as ws:
                ws.recv()
            conn = await connect(uri)
            conn.recv()
            async for again in connect(uri):
                again.recv()
            plain = connect(uri)
            plain.recv()
            async with serve(handler, "", 0) as server:
                server.close()
        """)
    assert code.instance("ws", 0, policy) == "websockets.asyncio.client.ClientConnection"
    assert code.instance("conn", 0, policy) == "websockets.asyncio.client.ClientConnection"
    assert code.instance("again", 0, policy) == "websockets.asyncio.client.ClientConnection"
    assert code.instance("plain", 0, policy) is None  # not entered nor awaited
    assert code.instance("server", 0, policy) == "websockets.asyncio.server.Server"


def test_attributes_of_self() -> None:
    """NL1's class_attributes fixture: annotations in the body or on `self`; a staticmethod's
    first parameter is no `self`; an annotation decides whatever is assigned."""
    code = Code("""
        from app.ws import ClientConnection, ServerConnection
        class Session:
            peer: ServerConnection
            def __init__(self, upstream: ClientConnection | None, peer) -> None:
                self.upstream: ClientConnection = upstream
                self.peer = peer
            def describe(self):
                return self.peer, self.upstream
            @staticmethod
            def other(self):
                return self.peer
        class Unrelated:
            peer: object
            def describe(self):
                return self.peer
        """)
    assert code.instance("self.peer", 0) == "app.ws.ServerConnection"
    assert code.instance("self.upstream", 0) == "app.ws.ClientConnection"
    assert code.instance("self.peer", 1) is None
    assert code.instance("self.peer", 2) == "builtins.object"
    assert code.instance("self", 2) == "pkg.mod.Session"


def test_declarations_win_over_values_except_mocks() -> None:
    """The shared rule: NL401's (a declared type decides); deprecated's copy made every
    binding agree, so `s: Store` then `s = make()` was unknown there."""
    code = Code("""
        from unittest.mock import MagicMock
        from app import Store, make
        def f():
            s: Store
            s = make()
            m: Store = MagicMock()
            return s, m
        """)
    assert code.instance("s") == "app.Store"
    assert code.instance("m") is None


def test_none_placeholders_are_neutral_and_cycles_unknown() -> None:
    code = Code("""
        from app import Store
        class K:
            def __init__(self):
                self.store = None
            def connect(self):
                self.store = Store()
            def use(self):
                return self.store
        a = None
        a = None
        a
        x = y
        y = x
        """)
    assert code.instance("self.store", 0, Classes({"app.Store"})) == "app.Store"
    assert code.instance("a", 0) is None  # only placeholders: nothing known
    assert code.instance("y", 0) is None


def test_except_targets_and_typed_containers() -> None:
    code = Code("""
        from typing import Dict, Sequence
        from app.ws import Connection, ConnectionClosed
        class Hub:
            rooms: dict[str, Connection]
            clients: set[Connection]
            def walk(self, history: Sequence[Connection], pairs: Dict[str, Connection], fixed: tuple[Connection, ...]):
                for client in self.clients:
                    client.send()
                for room in self.rooms.values():
                    room.send()
                for key, value in self.rooms.items():
                    key.lower(), value.send()
                [c.send() for c in history]
                self.rooms["a"].send()
                pairs.get("a").send()
                history[0].send()
                fixed[0].send()
                for name in self.rooms:
                    name.lower()
        try:
            pass
        except ConnectionClosed as closed:
            closed.code
        except (ConnectionClosed, OSError) as either:
            either.code
        """)
    connection = "app.ws.Connection"
    for text in ("client", "room", "value", "c", 'self.rooms["a"]'):
        assert code.instance(text) == connection, text
    assert code.instance('pairs.get("a")') == connection
    assert code.instance("history[0]") == connection
    assert code.instance("fixed[0]") == connection
    assert code.instance("key") == "builtins.str"
    assert code.instance("name") == "builtins.str"
    assert code.instance("closed") == "app.ws.ConnectionClosed"
    assert code.instance("either") is None


def test_policy_hooks_key_and_parameters() -> None:
    """Two import paths of one deprecated class agree; a `serve` handler's parameter is known."""

    class Family(InstancePolicy):
        def is_class(self, qualified: str) -> bool:
            return qualified in ("acme.Client", "acme.http.Client")

        def key(self, cls: str) -> str:
            return "Client" if cls in ("acme.Client", "acme.http.Client") else cls

        def parameter(self, binding: kinds.Binding) -> str | None:
            return "websockets.ServerConnection" if binding.name == "websocket" else None

    code = Code("""
        import acme
        import acme.http
        def f(flag):
            client = acme.Client()
            if flag:
                client = acme.http.Client()
            return client
        async def handler(websocket):
            return websocket
        """)
    found = InstanceTyper(code.model, Family()).instance_of(code.expr("client"))
    assert found == Instance("acme.Client", True, (code.expr("acme.Client()"), code.expr("acme.http.Client()")))
    assert code.instance("websocket", 0, Family()) == "websockets.ServerConnection"
    assert code.instance("client") is None  # without the family's knowledge: unknown calls


# -- patch targets -------------------------------------------------------------------------------------


def test_every_patch_api_is_recognised() -> None:
    code = Code("""
        import importlib
        import mock
        import unittest.mock
        from unittest import mock as umock
        from unittest.mock import patch as mpatch
        @umock.patch("a.one")
        @mpatch("a.two")
        def test(mocker, module_mocker, monkeypatch):
            unittest.mock.patch.dict("a.three", {})
            mock.patch.multiple("a.four", x=1)
            mock.patch(target="a.five")
            mock.patch.dict(in_dict="a.six")
            mocker.patch("a.seven")
            module_mocker.patch.dict("a.eight", {})
            monkeypatch.setattr("a.nine", 1)
            monkeypatch.delattr("a.ten")
            importlib.import_module("a.eleven")
            importlib.import_module(".twelve", package="a")
            unittest.mock.patch.multiple("a.thirteen", y=2)
            mocker.patch.multiple("a.fourteen", z=3)
        """)
    found = [(t.kind, t.api, t.target, t.package) for t in patch_targets(code.model)]
    assert found == [
        ("patch", "unittest.mock.patch", "a.one", ""),
        ("patch", "unittest.mock.patch", "a.two", ""),
        ("patch", "unittest.mock.patch.dict", "a.three", ""),
        ("patch", "mock.patch.multiple", "a.four", ""),
        ("patch", "mock.patch", "a.five", ""),
        ("patch", "mock.patch.dict", "a.six", ""),
        ("patch", "mocker.patch", "a.seven", ""),
        ("patch", "mocker.patch.dict", "a.eight", ""),
        ("setattr", "monkeypatch.setattr", "a.nine", ""),
        ("setattr", "monkeypatch.delattr", "a.ten", ""),
        ("import", "importlib.import_module", "a.eleven", ""),
        ("import", "importlib.import_module", ".twelve", "a"),
        ("patch", "unittest.mock.patch.multiple", "a.thirteen", ""),
        ("patch", "mocker.patch.multiple", "a.fourteen", ""),
    ]
    assert {t[1] for t in found} == {api.name for api in PATCH_APIS}  # each API of the one list is exercised


def test_calls_that_are_not_patch_targets() -> None:
    """NL503's shadowed fixture; deprecated's copy took any call named `patch`."""
    code = Code("""
        from unittest import mock
        import importlib
        def patch(target): ...
        patch("a.local")
        Fake().patch("a.method")
        helper.patch("a.unknown")
        mock.patch.object(Client, "name")
        mock.patch(f"a.{name}")
        monkeypatch.setattr(Client, "name", 1)
        importlib.import_module(".x", package=__name__)
        mock.patch("a.twice", target="a.twice")
        """)
    assert patch_targets(code.model) == []


def test_lenient_patches_and_alternative_imports() -> None:
    code = Code("""
        try:
            from unittest.mock import patch
        except ImportError:
            from mock import patch
        patch("a.created", create=True)
        patch("a.options", **options)
        monkeypatch.setattr("a.b", 1, raising=False)
        patch("a.strict")
        """)
    found = [(t.target, t.lenient) for t in patch_targets(code.model)]
    assert found == [("a.created", True), ("a.options", True), ("a.b", True), ("a.strict", False)]


def test_the_reproduced_nl201_disagreement_is_one_answer() -> None:
    """NL201 read `mock.patch("acme.http.Client")` only; NL503 also the other two."""
    code = Code("""
        from unittest import mock
        def test(monkeypatch):
            mock.patch("acme.http.Client")
            monkeypatch.setattr("acme.http.Client", None)
            mock.patch.dict("acme.http.REGISTRY", {})
        """)
    assert [t.target for t in patch_targets(code.model)] == [
        "acme.http.Client",
        "acme.http.Client",
        "acme.http.REGISTRY",
    ]


# -- LibCST nodes to ast nodes --------------------------------------------------------------------------


def test_locator_finds_the_ast_node_of_a_libcst_node(tmp_path: Path) -> None:
    text = 'from app import Client\nlabel = "héllo"; x = Client.make(label)\ndef f(p: "Client" = 1, *, q=2): ...\n'
    source = SourceFile(tmp_path / "m.py", text)
    ctx = FileContext(source, "m.py", Settings(project_root=tmp_path), [], False)
    model = SemanticModel(ctx.ast_tree, "m")
    locator = Locator(model, source)
    matched = 0
    for node in _cst_nodes(ctx.cst_module):
        span = ctx.cst_span(node)
        if isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.SimpleString)):
            found = locator.node(*span)
            if isinstance(node, cst.Name) and found is None:
                continue  # a name that is no expression of its own (an import's, a def's, a keyword's)
            assert found is not None, node
            assert locator.span(found) == span
            matched += 1
        elif isinstance(node, cst.Param):
            parameter = locator.parameter(span[0])
            assert parameter is not None and parameter.arg == node.name.value
            matched += 1
    assert matched == 10  # after a non-ASCII string on the same line too
    forward = next(iter(model.string_of))
    assert text[slice(*locator.span(forward))] == '"Client"'


def _cst_nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.append(node)
            return True

    module.visit(Collect())
    return found


def test_models_of_a_file_without_a_module_name_work() -> None:
    code = Code("import a\nclass K:\n    x = a.b\n", module=None)
    assert code.qualified("a.b") == "a.b"
    assert code.model.module_scope.bindings["K"][0].target is None


def test_made_binding_sets_every_field_of_a_binding() -> None:
    """``made_binding`` skips the dataclass's ``__init__``: it must name each field, or a new
    field would be missing from every binding the model makes."""
    import dataclasses
    import inspect

    from netra_lint.semantics.scopes import Binding, made_binding

    fields = [f.name for f in dataclasses.fields(Binding)]
    assert list(inspect.signature(made_binding).parameters) == fields
    node = ast.Name(id="x")
    made = made_binding("x", "assignment", node, 0, None, None, None, (), False, (1, 0))
    assert vars(made) == vars(Binding("x", "assignment", node, 0, None, None, None, (), False, (1, 0)))
