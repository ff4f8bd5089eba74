"""The stored layout of a file's summary, and its reading into the index's records.

A summary is plain data, as ``marshal`` writes it to the cache and between processes: a
dict with short keys (they are repeated in every stored file), read once into records
here, so nothing outside the summarizer and this module knows the keys:

=====  =======================================================================================
``b``  top-level bindings: name → ``("def",)``, ``("class",)``, ``("value",)``,
       ``("ambiguous",)``, ``("module", module)`` or ``("from", module, name)`` (``Binding``)
``s``  modules star-imported (None: a relative import beyond the top)
``a``  a static ``__all__`` (None: none); ``ad``: ``__all__`` is computed
``o``  any name may exist (module ``__getattr__``, ``globals()``...); ``p``: ``__path__`` changes
``f``  top-level function → return annotation; ``fa``: those defined with ``async def``
``n``  capitalized names the file calls; ``ps``: attributes its functions set on parameters
``c``  classes by local qualified name (``StoredClass``)
``i``  imports, as ``ModuleImport`` (tag ``"i"``) and ``FromImport`` (tag ``"f"``) tuples
``t``  patch targets, as ``PatchTarget`` tuples
``sp`` the file puts its own directory on ``sys.path``: one bool per call, True for first
=====  =======================================================================================

A class (``StoredClass``): ``b`` bases, ``d`` decorators, ``mc`` metaclass, ``m`` members,
``r`` return annotations, ``dy`` dynamic, ``pa`` parameter lists (``Signature`` tuples),
``as`` async methods, ``at`` attribute types: name → ``[("a", annotation) | ("c", callee)]``.
"""

from __future__ import annotations

import hashlib
import itertools
import marshal
import os
import struct
from typing import Any, Literal, NamedTuple, TypedDict

from .records import (
    Binding,
    ClassInfo,
    FileSummary,
    FromImport,
    Import,
    ImportedName,
    ModuleImport,
    PatchTarget,
    Signature,
    SysPathEntry,
    TypeEvidence,
)

StoredClass = TypedDict(
    "StoredClass",
    {
        "b": list[str],
        "d": list[str],
        "mc": str | None,
        "m": dict[str, str],
        "r": dict[str, str],
        "dy": bool,
        "pa": dict[str, tuple[Any, ...]],
        "as": list[str],
        "at": dict[str, list[tuple[str, str]]],
    },
)


class StoredModule(TypedDict):
    """What other files can see of a module (the summary without ``c``, ``i``, ``t``, ``sp``)."""

    b: dict[str, tuple[str, ...]]
    s: list[str | None]
    a: list[str] | None
    ad: bool
    o: bool
    p: bool
    f: dict[str, str]
    fa: list[str]
    n: list[str]
    ps: list[str]


class StoredFilePart(TypedDict):
    """What only the file's own check needs: its imports, patch targets and ``sys.path`` entries."""

    i: list[tuple[Any, ...]]
    t: list[tuple[Any, ...]]
    sp: list[bool]


class StoredSummary(StoredModule, StoredFilePart):
    """A whole file's summary."""

    c: dict[str, StoredClass]


#: The keys only the file itself or class questions need (not in ``StoredModule``).
_FILE_KEYS = frozenset({"c", "i", "t", "sp"})
_EVIDENCE_KINDS = {"a": "annotation", "c": "call"}
#: One record for every binding of a kind without a module: a stored summary shares one
#: ``("def",)`` tuple among all its functions, and so do the records read from it.
_SHARED_BINDINGS: dict[tuple[str, ...], Binding] = {
    (kind,): Binding(kind) for kind in ("def", "class", "value", "ambiguous")
}


#: The parts of a packed summary, in their order (see ``pack``).
Part = Literal["module", "bases", "classes", "file"]
_PARTS: tuple[Part, ...] = ("module", "bases", "classes", "file")
#: A packed summary starts with the end offset of each part but the last.
_HEADER = struct.Struct("<3I")


def pack(summary: StoredSummary) -> bytes:
    """A summary as separately unmarshalled parts: most questions (and the reverse lookups,
    for every module at once) need only the module-level part or the class bases, not the
    members of every class or the file's own imports; a worker that decoded every summary
    whole would hold hundreds of megabytes. Each part is read in place (see ``unpack``)."""
    parts = (
        marshal.dumps(_module_keys(summary)),
        marshal.dumps({local: data["b"] for local, data in summary["c"].items()}),
        marshal.dumps(summary["c"]),
        marshal.dumps({"i": summary["i"], "t": summary["t"], "sp": summary["sp"]}),
    )
    ends = list(itertools.accumulate(len(part) for part in parts))
    return _HEADER.pack(*(_HEADER.size + end for end in ends[:-1])) + b"".join(parts)


def unpack(packed: bytes, part: Part) -> Any:
    """One part of a packed summary, unmarshalled from where it lies: the other parts are
    neither decoded nor copied (the checks read a part of thousands of summaries)."""
    return marshal.loads(_part_bytes(packed, part))


def surface_digest(packed: bytes) -> bytes:
    """A digest of what other files can see of a summary (bindings, classes, functions:
    its module and classes parts), not positions or the file's own imports: an edit
    inside a function body leaves it as it is."""
    digest = hashlib.blake2b(_part_bytes(packed, "module"), digest_size=16)
    digest.update(_part_bytes(packed, "classes"))
    return digest.digest()


def _part_bytes(packed: bytes, part: Part) -> memoryview:
    number = _PARTS.index(part)
    ends = _HEADER.unpack_from(packed)
    start = ends[number - 1] if number else _HEADER.size
    end = ends[number] if number < len(ends) else len(packed)
    return memoryview(packed)[start:end]


def _module_keys(summary: StoredSummary) -> dict[str, Any]:
    """The summary as a ``StoredModule``."""
    return {k: v for k, v in summary.items() if k not in _FILE_KEYS}


class ModulePart(NamedTuple):
    """A module's stored part, read."""

    bindings: dict[str, Binding]
    stars: tuple[str | None, ...]
    all_names: tuple[str, ...] | None
    all_dynamic: bool
    open: bool
    dynamic_path: bool
    functions: dict[str, str]
    async_functions: frozenset[str]
    called_names: list[str]
    parameter_stores: list[str]


def module_part(stored: StoredModule) -> ModulePart:
    return ModulePart(
        bindings={name: _SHARED_BINDINGS.get(binding) or Binding(*binding) for name, binding in stored["b"].items()},
        stars=tuple(stored["s"]),
        all_names=tuple(stored["a"]) if stored["a"] is not None else None,
        all_dynamic=stored["ad"],
        open=stored["o"],
        dynamic_path=stored["p"],
        functions=stored["f"],
        async_functions=frozenset(stored["fa"]),
        called_names=stored["n"],
        parameter_stores=stored["ps"],
    )


def class_info(stored: StoredClass, qualname: str) -> ClassInfo:
    return ClassInfo(
        qualname,
        tuple(stored["b"]),
        tuple(stored["d"]),
        stored["mc"],
        stored["m"],
        stored["r"],
        stored["dy"],
        {name: Signature(*signature) for name, signature in stored["pa"].items()},
        frozenset(stored["as"]),
        {
            name: tuple(TypeEvidence(_EVIDENCE_KINDS[kind], text) for kind, text in evidence)
            for name, evidence in stored["at"].items()
        },
    )


def file_summary(stored: StoredFilePart, module: str | None, is_package: bool, path: str) -> FileSummary:
    directory = os.path.dirname(path)
    return FileSummary(
        module,
        is_package,
        tuple(map(_import, stored["i"])),
        tuple(PatchTarget(*t) for t in stored["t"]),
        tuple(SysPathEntry(directory, first) for first in stored["sp"]),
    )


def _import(stored: tuple[Any, ...]) -> Import:
    if stored[0] == "i":
        return ModuleImport._make(stored)
    tag, module, level, names, statement, guarded = stored
    return FromImport(tag, module, level, tuple(ImportedName._make(name) for name in names), statement, guarded)
