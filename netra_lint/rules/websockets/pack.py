"""The websockets rule pack: its entries, and the schema of their TOML sections.

``rules/websockets.toml`` is the data: which names, modules, keyword arguments and
connection attributes are legacy, and what replaces them. Each section is validated here
as it is read, so a wrong entry is an error that names its file and the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...checker import PackError
from .version import LOWEST, Version, parse_version

CALLABLE_ROLES = ("connect", "unix_connect", "serve", "unix_serve", "broadcast")
TYPE_ROLES = ("client-connection", "server-connection", "connection", "server", "annotation")
#: the receiver kind of a value of a legacy type (connections know their side when the class says it)
RECEIVER_OF_ROLE = {
    "client-connection": "client-connection",
    "server-connection": "server-connection",
    "connection": "connection",
    "server": "server",
}
RECEIVER_CLASS_KINDS = ("client-connection", "server-connection", "connection", "server", "connection-closed")
RECEIVER_KINDS = ("connection", "server", "invalid-status", "connection-closed")  # what attribute entries apply to
SIDE = {"client-connection": "client", "server-connection": "server"}
_ROLES = (*CALLABLE_ROLES, *TYPE_ROLES, "invalid-status", "name", "report", "basic-auth-factory")
_FIXES = ("safe", "types", "with-connect", "with-serve", "report")
_ARG_ACTIONS = (
    "rename",
    "drop",
    "drop-if-false",
    "empty-origin",
    "connection-class",
    "response-headers",
    "note",
    "report",
)
_ATTR_ACTIONS = ("rewrite", "state", "unsafe", "keep", "report")

SECTIONS = (
    "websockets-modules",
    "websockets-names",
    "websockets-arguments",
    "websockets-positional",
    "websockets-attributes",
    "websockets-receivers",
)


@dataclass(frozen=True)
class LegacyName:
    """One legacy name, where it lives and what replaces it."""

    names: tuple[str, ...]
    pinned: tuple[str, ...]
    new: str
    role: str
    fix: str
    code: str
    advice: str = ""
    since: Version = LOWEST  # the first release that has ``new``
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class LegacyArgument:
    name: str
    callees: tuple[str, ...]
    action: str
    to: str = ""
    drop_duplicate: bool = False
    factory: str = ""  # the role of a legacy factory whose call is rewritten to `factory_to=<new>(...)`
    factory_to: str = ""
    unless: str = ""  # action "note": not said when this keyword is given too
    advice: str = ""
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class LegacyPositional:
    callee: str
    index: int
    to: str
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class LegacyAttribute:
    name: str
    receiver: str
    action: str
    to: str = ""
    client: str = ""  # replacement on a client connection, when it differs by side
    server: str = ""  # replacement on a server connection
    advice: str = ""
    since: Version = LOWEST  # the first release whose new implementation has the replacement
    origin: str = field(default="", compare=False)

    def replacement(self, side: str) -> str:
        return self.to or {"client": self.client, "server": self.server}.get(side, "")


@dataclass(frozen=True)
class LegacyModules:
    legacy: tuple[str, ...]
    advice: str


@dataclass(frozen=True)
class ReceiverClasses:
    """Current classes whose instances carry legacy attributes worth checking, by receiver kind."""

    kind: str
    classes: tuple[str, ...]


def _field(entry: dict[str, Any], key: str, kind: type, origin: str, section: str, default: Any = None) -> Any:
    if key not in entry:
        if default is None:
            raise PackError(f"{origin}: [{section}] entry {entry!r} lacks {key!r}")
        return default
    value = entry[key]
    if kind is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PackError(f"{origin}: [{section}] entry {entry!r}: {key!r} must be a list of strings")
        return tuple(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PackError(f"{origin}: [{section}] entry {entry!r}: {key!r} must be a {kind.__name__}")
    return value


def _choice(value: str, allowed: tuple[str, ...], what: str, origin: str, section: str, entry: Any) -> str:
    if value not in allowed:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: {what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _entries(value: Any, origin: str, section: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise PackError(f"{origin}: [[{section}]] must be an array of tables")
    return value


def _known_keys(entry: dict[str, Any], keys: set[str], origin: str, section: str) -> None:
    unknown = set(entry) - keys
    if unknown:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: unknown key(s) {', '.join(sorted(unknown))}")


def _table(value: Any, origin: str, section: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PackError(f"{origin}: [{section}] must be a table")
    return value


def _receivers(value: Any, origin: str, section: str) -> list[Any]:
    table = _table(value, origin, section)
    return [
        ReceiverClasses(
            _choice(kind, RECEIVER_CLASS_KINDS, "receiver kind", origin, section, kind),
            _field(table, kind, tuple, origin, section),
        )
        for kind in table
    ]


def _since(entry: dict[str, Any], origin: str, section: str) -> Version:
    text = _field(entry, "since", str, origin, section, "")
    version = parse_version(text) if text else LOWEST
    if version is None:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: 'since' must be a version such as \"13.1\"")
    return version


def _modules(value: Any, origin: str, section: str) -> list[Any]:
    table = _table(value, origin, section)
    _known_keys(table, {"legacy", "advice"}, origin, section)
    return [
        LegacyModules(_field(table, "legacy", tuple, origin, section), _field(table, "advice", str, origin, section))
    ]


def _name(entry: dict[str, Any], origin: str, section: str, codes: tuple[str, ...]) -> LegacyName:
    _known_keys(entry, {"names", "pinned", "new", "role", "fix", "code", "advice", "since"}, origin, section)
    item = LegacyName(
        names=_field(entry, "names", tuple, origin, section),
        pinned=_field(entry, "pinned", tuple, origin, section, ()),
        new=_field(entry, "new", str, origin, section),
        role=_choice(_field(entry, "role", str, origin, section), _ROLES, "role", origin, section, entry),
        fix=_choice(_field(entry, "fix", str, origin, section), _FIXES, "fix", origin, section, entry),
        code=_choice(_field(entry, "code", str, origin, section), codes, "code", origin, section, entry),
        advice=_field(entry, "advice", str, origin, section, ""),
        since=_since(entry, origin, section),
        origin=origin,
    )
    if item.fix != "report" and item.new.count(".") < 1:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: 'new' must be a qualified name")
    return item


def _argument(entry: dict[str, Any], origin: str, section: str, codes: tuple[str, ...]) -> LegacyArgument:
    keys = {"name", "callees", "action", "to", "drop_duplicate", "factory", "factory_to", "unless", "advice"}
    _known_keys(entry, keys, origin, section)
    item = LegacyArgument(
        name=_field(entry, "name", str, origin, section),
        callees=tuple(
            _choice(c, CALLABLE_ROLES, "callee", origin, section, entry)
            for c in _field(entry, "callees", tuple, origin, section)
        ),
        action=_choice(_field(entry, "action", str, origin, section), _ARG_ACTIONS, "action", origin, section, entry),
        to=_field(entry, "to", str, origin, section, ""),
        drop_duplicate=_field(entry, "drop_duplicate", bool, origin, section, False),
        factory=_field(entry, "factory", str, origin, section, ""),
        factory_to=_field(entry, "factory_to", str, origin, section, ""),
        unless=_field(entry, "unless", str, origin, section, ""),
        advice=_field(entry, "advice", str, origin, section, ""),
        origin=origin,
    )
    if item.action in ("rename", "connection-class") and not item.to.isidentifier():
        raise PackError(f"{origin}: [{section}] entry {entry!r}: action {item.action!r} needs an identifier in 'to'")
    if item.factory and (item.factory not in _ROLES or not item.factory_to.isidentifier()):
        raise PackError(f"{origin}: [{section}] entry {entry!r}: 'factory' must name a role, 'factory_to' a keyword")
    return item


def _positional(entry: dict[str, Any], origin: str, section: str, codes: tuple[str, ...]) -> LegacyPositional:
    _known_keys(entry, {"callee", "index", "to"}, origin, section)
    return LegacyPositional(
        callee=_choice(_field(entry, "callee", str, origin, section), CALLABLE_ROLES, "callee", origin, section, entry),
        index=_field(entry, "index", int, origin, section),
        to=_field(entry, "to", str, origin, section),
        origin=origin,
    )


def _attribute(entry: dict[str, Any], origin: str, section: str, codes: tuple[str, ...]) -> LegacyAttribute:
    _known_keys(entry, {"name", "receiver", "action", "to", "client", "server", "advice", "since"}, origin, section)
    item = LegacyAttribute(
        name=_field(entry, "name", str, origin, section),
        receiver=_choice(
            _field(entry, "receiver", str, origin, section), RECEIVER_KINDS, "receiver", origin, section, entry
        ),
        action=_choice(_field(entry, "action", str, origin, section), _ATTR_ACTIONS, "action", origin, section, entry),
        to=_field(entry, "to", str, origin, section, ""),
        client=_field(entry, "client", str, origin, section, ""),
        server=_field(entry, "server", str, origin, section, ""),
        advice=_field(entry, "advice", str, origin, section, ""),
        since=_since(entry, origin, section),
        origin=origin,
    )
    sided = item.action == "unsafe" and item.client and item.server
    if item.action == "keep" and item.since == LOWEST:
        raise PackError(f"{origin}: [{section}] entry {entry!r}: action 'keep' needs 'since'")
    if item.action not in ("report", "keep") and not (item.to or sided):
        raise PackError(
            f"{origin}: [{section}] entry {entry!r}: action {item.action!r} needs 'to' (or 'client' and 'server')"
        )
    return item


#: The sections that are arrays of tables, and how one of their entries is read.
_ENTRY_PARSERS: dict[str, Callable[[dict[str, Any], str, str, tuple[str, ...]], Any]] = {
    "websockets-names": _name,
    "websockets-arguments": _argument,
    "websockets-positional": _positional,
    "websockets-attributes": _attribute,
}


def parse_section(section: str, value: Any, origin: str, codes: tuple[str, ...], family: str) -> list[Any]:
    """Validate one section of one pack file; return its entries. ``codes``: the rule codes
    an entry may name; ``family``: the checker, for the error about a section it doesn't read."""
    if section == "websockets-receivers":
        return _receivers(value, origin, section)
    if section == "websockets-modules":
        return _modules(value, origin, section)
    parse_entry = _ENTRY_PARSERS.get(section)
    out: list[Any] = []
    for entry in _entries(value, origin, section):
        if parse_entry is None:
            raise PackError(f"{origin}: section [{section}] is not read by {family}")
        out.append(parse_entry(entry, origin, section, codes))
    return out


def validate_section(section: str, entries: list[Any]) -> None:
    """No legacy name, argument, attribute or positional argument defined twice across packs."""
    seen: dict[Any, Any] = {}
    for entry in entries:
        if isinstance(entry, LegacyName):
            keys: list[Any] = [*entry.names, *entry.pinned]
        elif isinstance(entry, LegacyArgument):
            keys = [(entry.name, c) for c in entry.callees]
        elif isinstance(entry, LegacyAttribute):
            keys = [(entry.name, entry.receiver)]
        elif isinstance(entry, LegacyPositional):
            keys = [(entry.callee, entry.index)]
        else:
            continue
        for key in keys:
            if key in seen:
                first = seen[key]
                raise PackError(f"{entry.origin}: [{section}] {key!r} is already defined in {first.origin}")
            seen[key] = entry
