"""Where the number rules' patterns can match in a long text, found in one Hyperscan pass.

A rule with a digit prefilter (a phone, a card, a pension number) is matched only in windows
around the numbers with enough digits. In a log nearly every line holds one: a timestamp
``2026-12-01 10:23:45`` is the ten digits 2026120110 to that prefilter, so the windows
covered the whole text and every number rule ran over all of it. A ``ShapeScanner`` finds
instead where each rule's own pattern can end, for all the rules in one pass: each pattern is
compiled in Hyperscan's prefilter mode, where look-arounds and back-references are relaxed
so that it matches a superset of what the rule matches, and every place such a match ends
is reported. A match of the rule ends at one of them and starts at most the pattern's
longest width before it, so the windows are built around those spans instead of the
numbers: a timestamp is no pension number (4 + 6 digits) and no phone, and no window is
opened for it.

Only rules whose pattern Hyperscan accepts and whose width is bounded get a shape; the
others keep their number windows. Without the Hyperscan wheel (``PIISCAN_MATCHER=python``)
no rule has one, and the findings are the same (tests/rules/test_shapes.py; ``make eval``
and the detection tests run both ways). The database is kept in the compiled cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from piiscan import compiled
from piiscan.rules.patterns import expand_dictionaries
from piiscan.rules.rule import Rule

MAX_WIDTH = 120  # a pattern that can be longer is windowed around its numbers instead
# More than one place where a shape ends per this many characters: the text is dense with
# them (a customer list, where every rule's windows cover it whole), not a log with a phone
# here and there; its rules keep their number windows.
DENSE_CHARS = 16


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")
_CONTEXT_BOUND = re.compile(r"\\[AZzbB]|\^|\$")


def inline_backreferences(source: str) -> str:
    """The pattern with each back-reference to a named group (``(?P=sep)``) replaced by a
    copy of that group's pattern: a superset of its matches that Hyperscan's prefilter mode
    keeps tight (it widens a back-reference to almost anything). A group whose pattern
    depends on where it stands (an anchor, a word boundary) is left referenced."""
    bodies: dict[str, str] = {}
    for m in _NAMED_GROUP.finditer(source):
        end = _group_end(source, m.end())
        if end is not None:
            bodies[m.group(1)] = source[m.end():end]
    for name, body in bodies.items():
        if _CONTEXT_BOUND.search(body) is None:
            plain = _NAMED_GROUP.sub("(?:", body)
            source = source.replace(f"(?P={name})", f"(?:{plain})")
    return source


def _group_end(source: str, at: int) -> int | None:
    """Where the group whose pattern starts at ``at`` closes (escapes and classes skipped)."""
    depth, i, in_class = 1, at, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if source[i + 1:i + 2] == "^":
                i += 1
            if source[i + 1:i + 2] == "]":
                i += 1  # a ']' first in a class is a member
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def pattern_width(source: str, ignorecase: bool) -> int | None:
    """The most characters a match of the pattern can take (look-arounds take none), or
    None when it is unbounded or the standard library's parser cannot read the pattern."""
    try:
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as _parser

    try:
        _, most = _parser.parse(source, re.IGNORECASE if ignorecase else 0).getwidth()
    except Exception:  # regex-only syntax
        return None
    return most if most <= MAX_WIDTH else None


class ShapeScanner:
    """Where each shaped rule's pattern can end in a text: ``scan`` gives, per rule id, the
    spans (end - width, end) in character offsets, in order; a shaped rule missing from it
    has none there."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.widths: dict[str, int] = {}
        self._sources: list[tuple[str, str, bool]] = []  # rule id, pattern, ignorecase
        for rule in rules:
            if not rule.prefilter_digits or rule.pattern_source is None:
                continue
            try:
                source = expand_dictionaries(rule.pattern_source)
            except LookupError:
                continue
            width = pattern_width(source, rule.ignorecase)
            if width is not None:
                self.widths[rule.id] = width
                self._sources.append((rule.id, inline_backreferences(source), rule.ignorecase))
        self._built: tuple[Any, list[str], frozenset[str]] | None = None

    def scan(self, text: str) -> dict[str, list[tuple[int, int]]] | None:
        """None when the text is dense with numbers of these shapes (a customer list): their
        windows would cover it whole anyway, and the number windows are cheaper to find."""
        database, ids, _ = self._database()
        ends: dict[int, list[int]] = {}
        if database is None or not text:
            return None
        budget = len(text) // DENSE_CHARS + 16

        def on_match(index: int, start: int, end: int, flags: int, context: Any) -> bool:
            ends.setdefault(index, []).append(end)
            nonlocal budget
            budget -= 1
            return budget < 0  # True stops the scan

        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: every rule keeps its number windows
            return None
        import hyperscan

        try:
            database.scan(data, match_event_handler=on_match)
        except hyperscan.ScanTerminated:
            return None
        spans: dict[str, list[tuple[int, int]]] = {}
        for index, found in ends.items():
            rule_id = ids[index]
            width = self.widths[rule_id]
            offsets = sorted(set(found))
            if len(data) != len(text):
                chars = _char_offsets(data, offsets)
                if chars is None:  # not at a character boundary: the number windows, then
                    return None
                offsets = chars
            spans[rule_id] = [(max(0, end - width), end) for end in offsets]
        return spans

    def shaped(self) -> frozenset[str]:
        """The rules with a shape: a bounded width, and a pattern Hyperscan took (the
        database is built, or read from the cache, on the first call)."""
        return self._database()[2]

    def _database(self) -> tuple[Any, list[str], frozenset[str]]:
        if self._built is None:
            database, ids = _build(self._sources)
            self._built = database, ids, frozenset(ids)
        return self._built


def _char_offsets(data: bytes, byte_offsets: list[int]) -> list[int] | None:
    """The character offsets of sorted byte offsets into UTF-8 ``data`` (None when one is
    not at a character boundary). Each stretch between two is decoded once."""
    out, chars, at = [], 0, 0
    try:
        for offset in byte_offsets:
            chars += len(data[at:offset].decode("utf-8"))
            at = offset
            out.append(chars)
    except UnicodeDecodeError:
        return None
    return out


def _build(sources: list[tuple[str, str, bool]]) -> tuple[Any, list[str]]:
    """One database of the patterns Hyperscan takes in prefilter mode (those it refuses are
    left out, and their rules keep their number windows)."""
    import hyperscan

    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    caseless = hyperscan.HS_FLAG_CASELESS
    name = compiled.key("shapes", getattr(hyperscan, "__version__", "?"),
                        *(f"{i}\0{s}\0{c}" for i, s, c in sources))

    def accepted() -> list[tuple[str, str, bool]]:
        taken = []
        for rule_id, source, ignorecase in sources:
            database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            try:
                database.compile(expressions=[source.encode("utf-8")], ids=[0], elements=1,
                                 flags=[flags | (caseless if ignorecase else 0)])
            except hyperscan.error:
                continue
            taken.append((rule_id, source, ignorecase))
        return taken

    def build() -> bytes:
        taken = accepted()
        if not taken:
            return b""
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(expressions=[s.encode("utf-8") for _, s, _ in taken],
                         ids=list(range(len(taken))), elements=len(taken),
                         flags=[flags | (caseless if c else 0) for _, _, c in taken])
        ids = "\0".join(rule_id for rule_id, _, _ in taken).encode("utf-8")
        return len(ids).to_bytes(4, "big") + ids + bytes(hyperscan.dumpb(database))

    data = compiled.cached("hs", name, build)
    if not data:
        return None, []
    try:
        size = int.from_bytes(data[:4], "big")
        ids = data[4:4 + size].decode("utf-8").split("\0")
        database = hyperscan.loadb(data[4 + size:], hyperscan.HS_MODE_BLOCK)
    except Exception:  # an unreadable entry: make it again
        compiled.forget("hs", name)
        data = build()
        size = int.from_bytes(data[:4], "big")
        ids = data[4:4 + size].decode("utf-8").split("\0")
        database = hyperscan.loadb(data[4 + size:], hyperscan.HS_MODE_BLOCK)
    database.scratch = hyperscan.Scratch(database)
    return database, ids
