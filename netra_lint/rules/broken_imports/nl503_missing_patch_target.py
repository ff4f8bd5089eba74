"""NL503: a ``mock.patch("...")``-style string that names missing first-party code."""

from __future__ import annotations

import builtins
import difflib
import re
from collections.abc import Iterator

from ...checker import Applicability, Diagnostic, Edit, RuleInfo
from ...index import Position, absolute_module
from .destinations import _Destinations
from .file_check import _quoted
from .moves import _is_dotted

NL503 = RuleInfo(
    code="NL503",
    name="missing-patch-target",
    summary='A `mock.patch("...")`-style string that names missing first-party code.',
    doc="""\
## What it does
Resolves the literal string targets of `unittest.mock.patch` (any import spelling, and
`patch.dict`/`patch.multiple`), `mocker.patch`, `monkeypatch.setattr("a.b.c", value)` /
`monkeypatch.delattr("a.b.c")` and `importlib.import_module("a.b")` the way `mock`
does: import the longest module prefix, then look the rest up as attributes. The last
part may be a class member: it is checked against the class and its first-party bases.
`create=True` / `raising=False` allow the last part to be missing.

## Why is this bad?
The test fails with `ModuleNotFoundError` or `AttributeError` before it tests anything,
and no other linter looks inside these strings.

## Example
```python
# file: tests/test_client.py
from unittest import mock


@mock.patch("app.services.old_client.Client.send")
def test_send(send): ...
# file: app/__init__.py
# file: app/services/__init__.py
# file: app/services/client.py
class Client:
    def send(self) -> None: ...
```

Use instead:
```python
# file: tests/test_client.py
from unittest import mock


@mock.patch("app.services.client.Client.send")
def test_send(send): ...
```

## Fix safety
The fix rewrites only the string's content, keeping its prefix and quotes (never in a bytes
or f-string). It is safe when the new target is certain and resolves: a move declared in a
rule pack (`[name-moves]` / `[module-moves]` sections of `rules/*.toml` or the project's
own `packs`), or the one first-party module that defines the first part the index can't
find (`"app.old.Client"` → where `Client` is defined). A close match among the names the
module binds, or for `import_module` a close match of a misspelt module, is an unsafe fix.
A missing member of a first-party class is reported without a fix. `mock.patch` of a
builtin's name on a module (`"app.config.open"`, which `mock` creates) is not reported.
Nothing here depends on a Python or library version.
""",
    fix="safe if unique / unsafe",
)

_STRING = re.compile(r"(?s)([A-Za-z]*)('''|\"\"\"|'|\")(.*)\2")


#: Names ``mock.patch`` creates on a module when they are missing (its own rule).
_PATCHABLE_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


class _MissingPatchTarget(_Destinations):
    """NL503's checks of the strings handed to ``mock.patch`` and its kin."""

    def check_import_module(self, value: str, pos: Position, package: str) -> Iterator[Diagnostic]:
        name = value
        if value.startswith("."):
            stripped = value.lstrip(".")
            name = absolute_module(package, True, len(value) - len(stripped), stripped or None) if package else None  # type: ignore[assignment]
        if not name or not _is_dotted(name) or not self.index.is_first_party(name) or not self.missing(name):
            return
        message = f"import_module('{value}'): {self.explain_module(name)}"
        new, applicability = None, None
        moved = self.moves.module(name)
        if moved and self.index.module_exists(moved):
            new, applicability = moved, Applicability.SAFE
        elif self.close_modules(name, []):
            new, applicability = self.close_modules(name, [])[0], Applicability.UNSAFE
        if new:
            message += f"; did you mean '{new}'?"
        yield self.string_diagnostic(message, pos, value, new if new and value == name else None, applicability)

    def check_patch(self, value: str, pos: Position, lenient: bool, kind: str = "patch") -> Iterator[Diagnostic]:
        if "." not in value or not _is_dotted(value) or not self.index.is_first_party(value):
            return
        ref, resolved = self.index.resolve_steps(value)
        parts = value.split(".")
        if ref is not None or (lenient and resolved == len(parts) - 1) or self.dynamic(value):
            return
        if self.index.in_shared_namespace(".".join(parts[: resolved + 1])):
            return
        owner, missing = ".".join(parts[:resolved]), parts[resolved]
        owner_ref = self.index.resolve(owner)
        if (
            kind == "patch"
            and resolved == len(parts) - 1
            and missing in _PATCHABLE_BUILTINS
            and owner_ref is not None
            and owner_ref.kind == "module"
        ):
            return  # mock.patch("app.config.open") creates a builtin's name on a module
        if owner_ref is not None and owner_ref.kind == "class":
            info = self.index.class_info(owner)
            close = difflib.get_close_matches(missing, list(info.members) if info else [], n=3, cutoff=0.6)
            similar = f" (similar: {_quoted(close)})" if close else ""
            message = f"Patch target '{value}': class '{owner}' has no member '{missing}'{similar}"
            yield self.string_diagnostic(message, pos, value, None, None)
            return
        message = f"Patch target '{value}': {self.explain_name(owner, missing)}"
        rest = parts[resolved + 1 :]
        new, applicability = None, None
        moved = self.moves.dotted(value)
        if moved and self.target_ok(moved, lenient):
            new, applicability = moved, Applicability.SAFE
        else:
            # The first part the index can place decides: 'app.old.Client' → where Client is.
            chain = [missing, *rest]
            for k in range(len(chain)):
                module, name = ".".join([owner, *chain[:k]]), chain[k]
                status, candidates = self.name_destination(module, name)
                if status == "unique":
                    candidate = ".".join([*candidates[0], *chain[k + 1 :]])
                    if self.target_ok(candidate, lenient):
                        new, applicability = candidate, Applicability.SAFE
                elif status == "ambiguous":
                    message += f"; '{name}' is defined in {_quoted(m for m, _ in candidates)}"
                if status != "none":
                    break
            if new is None:
                for option in difflib.get_close_matches(missing, self.known_names(owner), n=3, cutoff=0.75):
                    candidate = ".".join([owner, option, *rest])
                    if self.target_ok(candidate, lenient):
                        new, applicability = candidate, Applicability.UNSAFE
                        break
        if new:
            message += f"; did you mean '{new}'?"
        yield self.string_diagnostic(message, pos, value, new, applicability)

    def target_ok(self, target: str, lenient: bool) -> bool:
        if self.index.resolve(target) is not None:
            return True
        return lenient and self.index.resolve(target.rpartition(".")[0]) is not None

    def string_diagnostic(
        self, message: str, pos: Position, value: str, new: str | None, applicability: Applicability | None
    ) -> Diagnostic:
        span = self.span(pos)
        if new is None or applicability is None:
            return self.ctx.diagnostic("NL503", message, span)
        match = _STRING.fullmatch(self.ctx.text[span[0] : span[1]])
        if match is None or match.group(3) != value or set(match.group(1).lower()) & {"b", "f"}:
            return self.ctx.diagnostic("NL503", message, span)
        start = span[0] + len(match.group(1)) + len(match.group(2))
        edit = Edit(start, start + len(value), new)
        return self.ctx.diagnostic(
            "NL503", message, span, fix=lambda: [edit], applicability=applicability, fix_title=f"Use '{new}'"
        )
