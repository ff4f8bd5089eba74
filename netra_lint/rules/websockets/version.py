"""websockets versions, and the ranges of them that a requirement admits.

A requirement such as ``websockets>=13,<16`` is read as the set of releases it admits, so
that a question like "is the top-level ``websockets.connect`` the new implementation?"
(yes from 14.0) or "does ``websockets.asyncio`` exist?" (from 13.0) gets one of three
answers: for every admitted release, for none, or only for some of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A release as four numbers (``13.1`` is ``(13, 1, 0, 0)``): pre-release and local parts
#: are dropped, which only matters for releases no specifier of ours tells apart.
Version = tuple[int, int, int, int]
LOWEST: Version = (0, 0, 0, 0)

_VERSION = r"v?\d+(?:\.(?:\d+|\*))*(?:[-_.]?(?:a|b|rc|post|dev)\d*)*"
_BARE_VERSION = re.compile(rf"\s*{_VERSION}\s*")
_SPECIFIER_CLAUSE = re.compile(rf"\s*(?:===|==|!=|<=|>=|<|>|~=|\^|~)\s*{_VERSION}\s*")
_CLAUSE = re.compile(r"^(?P<op>===|==|!=|<=|>=|<|>|~=|\^|~)?\s*v?(?P<version>\d+(?:\.(?:\d+|\*))*)")


def version_problem(value: str) -> str | None:
    """Why a ``websockets-version`` value is neither a version nor a specifier, or None:
    a typo would otherwise quietly decide which names count as legacy."""
    if _BARE_VERSION.fullmatch(value) or all(_SPECIFIER_CLAUSE.fullmatch(c) for c in value.split(",")):
        return None
    return f'must be a version such as "13.1" or a specifier such as "<14", got {value!r}'


def parse_version(text: str) -> Version | None:
    """``13.1`` → ``(13, 1, 0, 0)``; None for text that doesn't start with a release number."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    if match is None:
        return None
    numbers = [int(p) for p in match.group(1).split(".")][:4]
    return (*numbers, *[0] * (4 - len(numbers)))  # type: ignore[return-value]


def show(version: Version) -> str:
    """``(13, 1, 0, 0)`` → ``13.1``; ``(14, 0, 0, 0)`` → ``14``."""
    numbers = list(version)
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return ".".join(map(str, numbers))


def _after(version: Version) -> Version:
    """The smallest version above ``version`` (the upper end of ``==version``)."""
    return (*version[:3], version[3] + 1)  # type: ignore[return-value]


def _bump(numbers: list[int], index: int) -> Version:
    """The release after ``numbers`` at position ``index`` (``13.1`` at 0 → ``14.0``)."""
    raised = [*numbers[:index], numbers[index] + 1]
    return (*raised, *[0] * (4 - len(raised)))  # type: ignore[return-value]


@dataclass(frozen=True)
class Interval:
    """The releases ``low <= v < high`` (no ``high``: no upper end)."""

    low: Version
    high: Version | None

    @property
    def empty(self) -> bool:
        return self.high is not None and self.high <= self.low


@dataclass(frozen=True)
class VersionRange:
    """A union of intervals of releases."""

    intervals: tuple[Interval, ...]

    @classmethod
    def between(cls, low: Version = LOWEST, high: Version | None = None) -> VersionRange:
        interval = Interval(low, high)
        return cls(() if interval.empty else (interval,))

    @classmethod
    def exactly(cls, version: Version) -> VersionRange:
        return cls.between(version, _after(version))

    @property
    def empty(self) -> bool:
        return not self.intervals

    @property
    def unbounded(self) -> bool:
        """Admits every release (a requirement without a version)."""
        return self.intervals == (Interval(LOWEST, None),)

    @property
    def lowest(self) -> Version | None:
        return min((i.low for i in self.intervals), default=None)

    def intersect(self, other: VersionRange) -> VersionRange:
        pieces = []
        for a in self.intervals:
            for b in other.intervals:
                highs = [h for h in (a.high, b.high) if h is not None]
                piece = Interval(max(a.low, b.low), min(highs) if highs else None)
                if not piece.empty:
                    pieces.append(piece)
        return VersionRange(tuple(sorted(set(pieces), key=lambda i: i.low)))

    def union(self, other: VersionRange) -> VersionRange:
        return VersionRange(tuple(sorted(set(self.intervals) | set(other.intervals), key=lambda i: i.low)))

    def at_least(self, version: Version) -> bool:
        """Every admitted release is ``version`` or newer."""
        return bool(self.intervals) and all(i.low >= version for i in self.intervals)

    def below(self, version: Version) -> bool:
        """Every admitted release is older than ``version``."""
        return bool(self.intervals) and all(i.high is not None and i.high <= version for i in self.intervals)


ANY = VersionRange.between()


def _clause(text: str) -> VersionRange | None:
    """One clause (``>=13``, ``==13.*``, ``^13.1``, ``13.1``); None if it isn't one."""
    text = text.strip()
    if text in ("", "*"):
        return ANY
    match = _CLAUSE.match(text)
    if match is None:
        return None
    op = match.group("op") or "=="
    parts = match.group("version").split(".")
    wildcard = parts[-1] == "*"
    numbers = [int(p) for p in parts if p != "*"][:4] or [0]
    version: Version = (*numbers, *[0] * (4 - len(numbers)))  # type: ignore[assignment]
    if wildcard and op in ("==", "!="):
        matched = VersionRange.between(version, _bump(numbers, len(numbers) - 1))
        return matched if op == "==" else ANY
    if op in ("==", "==="):
        return VersionRange.exactly(version)
    if op == "!=":
        return ANY  # one release less changes none of the answers asked of a range
    if op == ">=":
        return VersionRange.between(version)
    if op == ">":
        return VersionRange.between(_after(version))
    if op == "<":
        return VersionRange.between(LOWEST, version)
    if op == "<=":
        return VersionRange.between(LOWEST, _after(version))
    if op == "~=":
        return VersionRange.between(version, _bump(numbers, max(len(numbers) - 2, 0)))
    if op == "~":  # Poetry: ~1.2.3 is >=1.2.3,<1.3; ~1 is >=1,<2
        return VersionRange.between(version, _bump(numbers, min(len(numbers) - 1, 1)))
    # Poetry's caret: the leftmost non-zero number may not change.
    significant = next((index for index, n in enumerate(numbers) if n), len(numbers) - 1)
    return VersionRange.between(version, _bump(numbers, significant))


def parse_specifier(text: str) -> VersionRange | None:
    """The releases a specifier admits: PEP 440 clauses separated by commas, Poetry's
    space-separated clauses and ``||`` alternatives, or a bare version (exactly that one).
    None when it can't be read."""
    found: VersionRange | None = None
    for alternative in text.split("||"):
        admitted = ANY
        for clause in re.split(r",|\s+(?=[<>=!~^])", alternative):
            part = _clause(clause)
            if part is None:
                return None
            admitted = admitted.intersect(part)
        found = admitted if found is None else found.union(admitted)
    return found
