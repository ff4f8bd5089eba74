"""The shared semantic layer: scopes and bindings, qualified names and contexts.

Cases come from what each rule family's own copy handled (their fixtures), and from the
places where those copies disagreed; each such case says which answer is the shared one.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Collection
from pathlib import Path

from fixture_cases import FIXTURES
from netra_lint.semantics import model as kinds
from netra_lint.semantics import references as where
from netra_lint.semantics.model import SemanticModel
from netra_lint.semantics.names import absolute_module, dotted_name
from netra_lint.semantics.references import context_of, qualified_name

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


def test_models_of_a_file_without_a_module_name_work() -> None:
    code = Code("import a\nclass K:\n    x = a.b\n", module=None)
    assert code.qualified("a.b") == "a.b"
    assert code.model.module_scope.bindings["K"][0].target is None
