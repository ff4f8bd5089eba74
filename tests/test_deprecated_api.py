"""Rule packs for deprecated APIs: validation, argument binding, and whole-file migrations."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner

from netra_lint.cli import main
from netra_lint.config import bundled_pack_dir, load_packs, load_settings
from netra_lint.engine import RunOptions
from netra_lint.rules.deprecated.deprecated_api import DeprecatedApiChecker
from netra_lint.rules.deprecated.pack import SECTION, CallRule, parse_signature, parse_template
from netra_lint.rules.deprecated.rendering import plan_call, render_call
from netra_lint.runner import run
from netra_lint.settings import ConfigError

EXAMPLE_PACK = Path(__file__).parent / "packs" / "http_client.toml"
#: The bundled pack about the netra project; its tests' projects hold no netra_backend, so they name it.
NETRA_PACK = bundled_pack_dir() / "netra.toml"


def write_pack(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def project(tmp_path: Path, files: dict[str, str], packs: list[Path] = ()) -> Path:  # type: ignore[assignment]
    root = tmp_path / "project"
    root.mkdir()
    listed = ", ".join(f'"{p.as_posix()}"' for p in packs)
    (root / "pyproject.toml").write_text(f"[tool.netra-lint]\npacks = [{listed}]\n", encoding="utf-8")
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    return root


def lint(root: Path, select: str = "NL2", fix: bool = False, unsafe: bool = False):
    settings = load_settings([root], select=[select])
    outcome = run([root], settings, RunOptions(fix=fix, unsafe_fixes=unsafe, jobs=1))
    assert outcome.errors == []
    return outcome


# -- pack validation ------------------------------------------------------------------------

ENTRY = """
[[deprecated-api]]
old = ["pkg.old.Thing"]
new = "pkg.new.Thing2"
message = "use Thing2"
fix = "safe"
"""


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ('\n[[deprecated-api.methods]]\nold = "go(a"\nnew = "run(a=a)"\n', "does not parse"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "run(a=b)"\n', "uses 'b', which is not a parameter"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "run(a=a"\n', "template 'run(a=a' does not parse"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "go(a=a)"\n', "maps to itself"),
        ('\n[[deprecated-api.methods]]\nold = "go(self, a)"\nnew = "run(a=a)"\n', "leave out 'self'"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "run(*a)"\n', "may be unpacked"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "run(a=lambda: a)"\n', "plain expressions"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nfix = "safe"\n', "needs a 'new' call template"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nfix = "sometimes"\nnew = "run(a=a)"\n', "'fix' must be one of"),
        ('\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "run(a=a)"\nnote = "x"\n', "unknown key 'note'"),
        (
            (
                '\n[[deprecated-api.methods]]\nold = "go(a)"\nnew = "run(a=a)"\n'
                '\n[[deprecated-api.methods]]\nold = "run(a)"\nnew = "walk(a=a)"\n'
            ),
            "which is itself deprecated",
        ),
        ('\n[deprecated-api.call]\nold = "Other(a)"\nnew = "Thing2(a=a)"\n', "must be named Thing"),
        ('\n[deprecated-api.call]\nold = "Thing(a)"\nnew = "Other(a=a)"\n', "must call 'Thing2'"),
    ],
)
def test_invalid_entries_name_the_file_and_the_entry(tmp_path: Path, extra: str, error: str) -> None:
    pack = write_pack(tmp_path, "team.toml", ENTRY + extra)
    with pytest.raises(ConfigError) as info:
        load_packs([pack])
    message = str(info.value)
    assert error in message
    assert str(pack) in message and "entry 1 (pkg.old.Thing)" in message


def test_a_name_may_not_map_to_itself(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "self.toml", ENTRY.replace('"pkg.new.Thing2"', '"pkg.old.Thing"'))
    with pytest.raises(ConfigError, match="maps to itself"):
        load_packs([pack])


def test_cycles_across_pack_files_are_rejected(tmp_path: Path) -> None:
    first = write_pack(tmp_path, "a.toml", ENTRY)
    second = write_pack(
        tmp_path,
        "b.toml",
        ENTRY.replace("pkg.old.Thing", "pkg.x.Y")
        .replace("pkg.new.Thing2", "pkg.old.Thing")
        .replace("pkg.x.Y", "pkg.new.Thing2"),
    )
    with pytest.raises(ConfigError, match=r"cycle: pkg\.\w+\.\w+ -> .* -> pkg\.\w+\.\w+"):
        load_packs([first, second])


def test_an_old_name_is_declared_once(tmp_path: Path) -> None:
    first = write_pack(tmp_path, "a.toml", ENTRY)
    second = write_pack(tmp_path, "b.toml", ENTRY.replace("pkg.new.Thing2", "pkg.other.Thing3"))
    with pytest.raises(ConfigError, match=r"b\.toml.*already declared by .*a\.toml"):
        load_packs([first, second])


def test_bundled_and_example_packs_load() -> None:
    packs = load_packs([*sorted(bundled_pack_dir().glob("*.toml")), EXAMPLE_PACK])
    olds = {name for entry in packs[SECTION] for name in entry.old}
    assert "netra_backend.app.websocket_core.notifier.WebSocketNotifier" in olds
    assert "acme.http.Client" in olds


# -- binding ----------------------------------------------------------------------------------


def bind(signature: str, call: str) -> dict[str, str] | str:
    node = cst.parse_expression(call)
    assert isinstance(node, cst.Call)
    bound = parse_signature(signature, "test").bind(node.args)
    if isinstance(bound, str):
        return bound
    values = {k: cst.Module([]).code_for_node(v) for k, v in bound.values.items()}
    values.update(
        {"*": ",".join(cst.Module([]).code_for_node(a.value) for a in bound.extra_positional)}
        if bound.extra_positional
        else {}
    )
    values.update(
        {f"**{a.keyword.value}": cst.Module([]).code_for_node(a.value) for a in bound.extra_keywords if a.keyword}
    )
    return values


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("f(c)", {"context": "c"}),
        ("f(c, r, 5)", {"context": "c", "result": "r", "duration_ms": "5"}),
        ("f(duration_ms=1, context=c)", {"context": "c", "duration_ms": "1"}),
        ("f(c, r, 5, 6)", {"context": "c", "result": "r", "duration_ms": "5", "*": "6"}),
        ("f(c, flag=x)", {"context": "c", "**flag": "x"}),
        ("f(c, only=1)", {"context": "c", "only": "1"}),
    ],
)
def test_binding_follows_python(call: str, expected: dict[str, str]) -> None:
    assert bind("f(context, result=None, duration_ms=0, *rest, only=None, **extra)", call) == expected


@pytest.mark.parametrize(
    ("signature", "call", "error"),
    [
        ("f(a, /, b)", "f(a=1, b=2)", "unexpected keyword argument 'a'"),
        ("f(a, b=1)", "f(1, 2, 3)", "takes 2 positional argument(s) but 3 were given"),
        ("f(a, b=1)", "f(1, a=2)", "multiple values for argument 'a'"),
        ("f(a, *, b)", "f(1)", "missing required argument 'b'"),
    ],
)
def test_binding_failures(signature: str, call: str, error: str) -> None:
    assert error in bind(signature, call)


def test_unpacking_calls_are_not_bound() -> None:
    rule = next(e for e in load_packs([EXAMPLE_PACK])[SECTION]).methods["fetch"]
    call = cst.parse_expression("c.fetch(*args)")
    assert isinstance(call, cst.Call)
    assert "unpacks" in plan_call(call, rule).problem


# -- the example pack end to end ----------------------------------------------------------------

CLIENT_BEFORE = """\
import acme
from acme.http import Client, default_client


class Service:
    def __init__(self) -> None:
        self.client = Client("https://api", retries=5)

    def load(self, path: str) -> bytes:
        return self.client.fetch(path)


def quick(url: str, fetch) -> bytes:
    fetch(url, timeout=1)
    return default_client().fetch(url, 3)


def upload(client: acme.Client, url: str, payload: bytes) -> None:
    client.post(url, payload, authorization="t")
    client.fetch_many([url])
    client.close()
    client.delete(url)
"""


def test_example_pack_reports_each_call(tmp_path: Path) -> None:
    root = project(tmp_path, {"svc.py": CLIENT_BEFORE}, [EXAMPLE_PACK])
    found = sorted((d.row, d.code) for d in lint(root).diagnostics)
    assert found == [
        (2, "NL201"),
        (7, "NL202"),
        (10, "NL202"),
        (15, "NL202"),
        (18, "NL201"),
        (19, "NL202"),
        (20, "NL202"),
        (22, "NL203"),
    ]


def test_example_pack_safe_fixes(tmp_path: Path) -> None:
    root = project(tmp_path, {"svc.py": CLIENT_BEFORE}, [EXAMPLE_PACK])
    lint(root, fix=True)
    text = (root / "svc.py").read_text(encoding="utf-8")
    assert 'self.client = HttpClient(base_url="https://api", max_retries=5)' in text
    assert "return self.client.get(path)" in text
    assert "fetch(url, timeout=1)" in text  # a parameter, not the class
    assert "return default_client().get(url, timeout_s=3)" in text
    assert 'client.post(url, payload, authorization="t")' in text  # unsafe: not applied
    assert "from acme.http2 import HttpClient" in text
    # Calls still need the old class in this file, so its import stays for now.
    assert "from acme.http import Client, default_client" in text


def test_example_pack_unsafe_fixes(tmp_path: Path) -> None:
    root = project(tmp_path, {"svc.py": CLIENT_BEFORE}, [EXAMPLE_PACK])
    lint(root, fix=True, unsafe=True)
    text = (root / "svc.py").read_text(encoding="utf-8")
    assert 'client.send("POST", url, body=payload, authorization="t")' in text
    assert "client.fetch_many([url])" in text and "client.delete(url)" in text


def test_full_migration_converges_and_rewrites_the_import_last(tmp_path: Path) -> None:
    source = """\
from acme.http import Client


def load(client: Client, path: str) -> bytes:
    return client.fetch(path, timeout=2) + client.fetch(path)
"""
    root = project(tmp_path, {"m.py": source}, [EXAMPLE_PACK])
    outcome = lint(root, fix=True)
    assert outcome.files_written == 1
    assert (
        (root / "m.py").read_text(encoding="utf-8")
        == """\
from acme.http2 import HttpClient


def load(client: HttpClient, path: str) -> bytes:
    return client.get(path, timeout_s=2) + client.get(path)
"""
    )
    assert lint(root).diagnostics == []


def test_netra_migration_needs_unsafe_fixes_and_keeps_crlf(tmp_path: Path) -> None:
    source = (
        "from netra_backend.app.services.websocket_notifier import WebSocketNotifier\r\n"
        "\r\n"
        "\r\n"
        "async def done(notifier: WebSocketNotifier, context) -> None:\r\n"
        "    await notifier.send_agent_completed(\r\n"
        "        context,  # the run\r\n"
        "        duration_ms=3,\r\n"
        "    )\r\n"
    )
    root = project(tmp_path, {"n.py": source}, [NETRA_PACK])
    assert lint(root, fix=True).files_written == 0  # the call rewrite is unsafe; the import waits for it
    lint(root, fix=True, unsafe=True)
    assert (root / "n.py").read_bytes().decode("utf-8") == (
        "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\r\n"
        "\r\n"
        "\r\n"
        "async def done(notifier: AgentWebSocketBridge, context) -> None:\r\n"
        "    await notifier.notify_agent_completed(\r\n"
        "        run_id=context.run_id,  # the run\r\n"
        "        agent_name=context.agent_name,\r\n"
        "        execution_time_ms=3,\r\n"
        "    )\r\n"
    )


def test_files_without_the_names_are_not_parsed(tmp_path: Path) -> None:
    settings = load_settings([project(tmp_path, {}, [NETRA_PACK])], select=["NL2"])
    needles = DeprecatedApiChecker(settings).needles()
    assert "WebSocketNotifier" in needles
    assert all("." not in n for n in needles)


def test_rule_command_explains_the_pack_format() -> None:
    result = CliRunner().invoke(main, ["rule", "NL202"])
    assert result.exit_code == 0
    assert "[[deprecated-api]]" in result.output and "[[deprecated-api.methods]]" in result.output


def test_comments_follow_their_argument_or_block_the_fix(tmp_path: Path) -> None:
    source = """\
from acme.http import Client


def load(client: Client, u: str) -> None:
    client.fetch(
        u,  # the page
        3,
    )
    client.fetch(
        timeout=3,  # slow server
        url=u,
    )
"""
    root = project(tmp_path, {"c.py": source}, [EXAMPLE_PACK])
    messages = [d.message for d in lint(root, select="NL202").diagnostics]
    assert "comment between the arguments" in messages[1] and "comment" not in messages[0]
    lint(root, select="NL202", fix=True)
    assert (root / "c.py").read_text(encoding="utf-8") == source.replace(
        "client.fetch(\n        u,  # the page\n        3,\n    )",
        "client.get(\n        u,  # the page\n        timeout_s=3,\n    )",
    )


def test_a_project_pack_with_an_error_stops_the_run(tmp_path: Path) -> None:
    pack = write_pack(
        tmp_path,
        "ours.toml",
        ENTRY.replace('fix = "safe"', 'fix = "safe"\nkind = "function"\nfactories = ["pkg.make"]'),
    )
    root = project(tmp_path, {"a.py": "x = 1\n"}, [pack])
    with pytest.raises(
        ConfigError, match=r"ours\.toml: \[\[deprecated-api\]\] entry 1 \(pkg\.old\.Thing\): a function has no"
    ):
        load_settings([root])


def test_names_in_comments_and_prose_only_are_not_analysed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netra_lint.rules.deprecated import deprecated_api

    built: list[str] = []
    original = deprecated_api._Analysis.__init__

    def spy(self, ctx, *args):  # type: ignore[no-untyped-def]
        built.append(ctx.path)
        original(self, ctx, *args)

    monkeypatch.setattr(deprecated_api._Analysis, "__init__", spy)
    root = project(
        tmp_path,
        {
            "prose.py": '"""Explains why WebSocketNotifier went away."""\n# WebSocketNotifier\n',
            "code.py": "from netra_backend.app.services.websocket_notifier import WebSocketNotifier\n",
        },
        [NETRA_PACK],
    )
    assert [d.row for d in lint(root).diagnostics] == [1]
    assert [Path(p).name for p in built] == ["code.py"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("x.f(1)", "'b' was not passed and its default DEFAULT is not a literal"),
        ("x.f(1, 2)", "x.g(1, 2, 1)"),
        ("x.f(a or b, 2, c=3)", "x.g(a or b, 2, 3)"),
    ],
)
def test_positional_template_arguments_take_literal_defaults_only(call: str, expected: str) -> None:
    signature = parse_signature("f(a, b=DEFAULT, c=1)", "test")
    callee, args = parse_template("g(a, b, c)", signature, "test")
    rule = CallRule(signature, "g(a, b, c)", callee, args, "safe", "")
    node = cst.parse_expression(call)
    assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
    plan = plan_call(node, rule)
    if plan.problem:
        assert plan.problem == expected
        return
    new = render_call(node, rule, plan, node.func.with_changes(attr=cst.Name(callee)))
    assert cst.Module([]).code_for_node(new) == expected


def test_substituted_expressions_are_parenthesised_where_needed() -> None:
    signature = parse_signature("f(ctx, n=0)", "test")
    template = "g(run=ctx.run_id, total=n * 2)"
    callee, args = parse_template(template, signature, "test")
    rule = CallRule(signature, template, callee, args, "safe", "")
    node = cst.parse_expression("x.f(a or b, n=1 + 2)")
    assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
    plan = plan_call(node, rule)
    new = render_call(node, rule, plan, node.func.with_changes(attr=cst.Name(callee)))
    assert cst.Module([]).code_for_node(new) == "x.g(run=(a or b).run_id, total=(1 + 2) * 2)"
