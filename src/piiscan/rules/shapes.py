r"""Where the number rules' patterns can match in a long text, found in one Hyperscan pass.

A rule with a digit prefilter (a phone, a card, a pension number) is matched only in windows
around the numbers with enough digits. In a log nearly every line holds one: a timestamp
``2026-12-01 10:23:45`` is the ten digits 2026120110 to that prefilter, so the windows
covered the whole text and every number rule ran over all of it. A ``ShapeScanner`` finds
instead where each rule's own pattern can end, for all the rules in one pass: each pattern is
compiled in Hyperscan's prefilter mode, where look-arounds and back-references are relaxed
so that it matches a superset of what the rule matches, and every place such a match ends
is reported. A match of the rule ends at one of them, so only the numbers whose window
can hold a match ending there keep theirs (the same windows as without shapes, fewer of
them): a timestamp is no pension number (4 + 6 digits) and no phone, and no window is
opened for it.

Only rules whose pattern both engines read alike (``for_hyperscan``: no ``\w``, ``\b``,
``$``, case folding...) and whose width is bounded get a shape; the others, and texts dense
with such numbers, keep all their number windows. Without the Hyperscan
wheel (``PIISCAN_MATCHER=python``) no rule has one, and the findings are the same
(tests/rules/test_shapes.py; ``make eval`` and the detection tests run both ways). The
database is kept in the compiled cache.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from piiscan import compiled
from piiscan.rules.patterns import CODE_ESCAPES, expand_dictionaries
from piiscan.rules.rule import Rule

MAX_WIDTH = 120  # a pattern that can be longer is windowed around its numbers instead
# More than one place where a shape ends per this many characters: the text is dense with
# them (a customer list, where every rule's windows cover it whole), not a log with a phone
# here and there; its rules keep their number windows.
DENSE_CHARS = 16


def for_hyperscan(source: str) -> str | None:
    r"""The pattern as Hyperscan reads it with the same meaning, or None when it uses
    anything whose meaning could differ between the two engines or depend on where a
    window ends.

    Kept: literals, escaped punctuation and control characters (``\(``, ``\n``; not ``\v``,
    any vertical space to Hyperscan), ``\xHH``,
    ``\uXXXX`` (written ``\x{XXXX}``), classes of those, ``.``, groups, look-arounds (which
    the prefilter mode drops), alternation and the quantifiers ``? * + {n} {n,} {n,m}`` and
    ``{,m}`` (written ``{0,m}``, as ``re`` reads it), lazy or not. A back-reference
    (``(?P=sep)``) becomes a copy of its group, a superset the prefilter mode keeps tight
    (it widens a back-reference to almost anything).

    Refused: ``\w \d \s \b \p`` and the other letter escapes (Unicode tables and word
    characters differ: a combining mark is a word character to ``regex``), ``^ $ \A \Z``
    (a window's end is not the text's), inline flags, possessive and atomic forms, numbered
    back-references, ``{`` that is not a counted repeat (the ``regex`` module's fuzzy
    matching), POSIX classes. A user rule that uses them keeps its number windows.
    """
    out: list[str] = []
    bodies: dict[str, str] = {}
    open_groups: list[tuple[str | None, int]] = []  # name, where its body starts in out
    i, quantifiable = 0, False
    while i < len(source):
        char = source[i]
        if char in "\\[":  # an escape or a class: one atom, as Hyperscan writes it
            atom = (_escape if char == "\\" else _class)(source, i)
            if atom is None:
                return None
            text, i = atom
            out.append(text)
            quantifiable = True
            continue
        if char == "(":
            opener = next((o for o in _OPENERS if source.startswith(o, i)), None)
            if opener is not None:
                out.append(opener)
                open_groups.append((None, len(out)))
                i += len(opener)
            elif source.startswith("(?P<", i):
                close = source.find(">", i)
                if close < 0:
                    return None
                out.append("(")
                open_groups.append((source[i + 4:close], len(out)))
                i = close + 1
            elif source.startswith("(?P=", i):
                close = source.find(")", i)
                body = bodies.get(source[i + 4:close]) if close > 0 else None
                if body is None:
                    return None
                out.append(f"(?:{body})")
                i = close + 1
                quantifiable = True
                continue
            elif source.startswith("(?", i):
                return None
            else:
                out.append("(")
                open_groups.append((None, len(out)))
                i += 1
            quantifiable = False
            continue
        if char == ")":
            if not open_groups:
                return None
            name, at = open_groups.pop()
            if name is not None:
                bodies[name] = "".join(out[at:])
            out.append(")")
            i += 1
            quantifiable = True
            continue
        if char in "*+?{":
            counted = _COUNTED.match(source, i) if char == "{" else None
            if not quantifiable or (char == "{" and counted is None):
                return None
            if counted is not None:
                low, comma, high = counted.groups()
                if not low and not high:
                    return None
                out.append("{" + (low or "0") + comma + high + "}")
                i = counted.end()
            else:
                out.append(char)
                i += 1
            if source.startswith("?", i):  # lazy: the same matches to a prefilter
                out.append("?")
                i += 1
            if source.startswith(("+", "*", "{"), i):  # possessive, or a repeat repeated
                return None
            quantifiable = False
            continue
        if char in "^$":
            return None
        out.append(_literal(char))
        i += 1
        quantifiable = char != "|"
    return None if open_groups else "".join(out)


_OPENERS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")
_COUNTED = re.compile(r"\{([0-9]*)(,?)([0-9]*)\}")
_PUNCTUATION = frozenset("\\.-+*?()[]{}|^$/ #&~'\"!%,:;<=>@_`")
_CONTROL = frozenset("ntrf")  # not \v: any vertical space to Hyperscan, \x0b to re


def _literal(char: str) -> str:
    """A character as itself, but NUL escaped: the binding ends an expression at one."""
    return "\\x00" if char == "\0" else char


def _escape(source: str, i: int) -> tuple[str, int] | None:
    """An escape at ``source[i]`` (a backslash), as Hyperscan writes it, and where the
    pattern goes on; None for one refused (see ``for_hyperscan``)."""
    kind = source[i + 1:i + 2]
    if kind in _PUNCTUATION or kind in _CONTROL:
        return source[i:i + 2], i + 2
    digits = CODE_ESCAPES.get(kind, 0)
    code = source[i + 2:i + 2 + digits]
    if digits and len(code) == digits and all(c in string.hexdigits for c in code):
        return "\\x{" + code + "}", i + 2 + digits
    return None


def _class(source: str, i: int) -> tuple[str, int] | None:
    """A character class at ``source[i]``, as Hyperscan writes it, and where the pattern
    goes on; None for one with a refused escape, a nested bracket or no end."""
    out, j = ["["], i + 1
    if source.startswith("^", j):
        out.append("^")
        j += 1
    if source.startswith("]", j):  # a ']' first is a member
        out.append("\\]")
        j += 1
    while j < len(source):
        char = source[j]
        if char == "]":
            out.append("]")
            return "".join(out), j + 1
        if char == "[":
            return None  # a POSIX class to Hyperscan ([:alpha:]), a member to regex
        if char == "\\":
            escaped = _escape(source, j)
            if escaped is None:
                return None
            text, j = escaped
            out.append(text)
            continue
        out.append(_literal(char))
        j += 1
    return None


def pattern_width(source: str) -> int | None:
    """The most characters a match of the pattern can take (look-arounds take none), or
    None when it is unbounded or the standard library's parser cannot read the pattern
    (case-insensitive rules get no shape, so case never changes a width here)."""
    try:
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as _parser

    try:
        _, most = _parser.parse(source).getwidth()
    except Exception:  # regex-only syntax
        return None
    return most if most <= MAX_WIDTH else None


class ShapeScanner:
    """Where each shaped rule's pattern can end in a text: ``scan`` gives, per rule id, the
    spans (end - width, end) in character offsets, in order; a shaped rule missing from it
    has none there."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.widths: dict[str, int] = {}
        self._sources: list[tuple[str, str]] = []  # rule id, the pattern as Hyperscan reads it
        for rule in rules:
            if not rule.prefilter_digits or rule.pattern_source is None or rule.ignorecase:
                continue  # (the engines fold some letters differently: İ, the Kelvin sign)
            try:
                source = expand_dictionaries(rule.pattern_source)
            except LookupError:
                continue
            hyperscan_source = for_hyperscan(source)
            width = pattern_width(source)
            if hyperscan_source is not None and width is not None:
                self.widths[rule.id] = width
                self._sources.append((rule.id, hyperscan_source))
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
        char_at: dict[int, int] | None = None  # byte offset -> character offset
        if len(data) != len(text):
            every = sorted({end for found in ends.values() for end in found})
            chars = _char_offsets(data, every)
            if chars is None:  # not at a character boundary: the number windows, then
                return None
            char_at = dict(zip(every, chars, strict=True))
        spans: dict[str, list[tuple[int, int]]] = {}
        for index, found in ends.items():
            rule_id = ids[index]
            width = self.widths[rule_id]
            offsets = sorted(set(found))
            if char_at is not None:
                offsets = [char_at[end] for end in offsets]
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


def _build(sources: list[tuple[str, str]]) -> tuple[Any, list[str]]:
    """One database of the patterns Hyperscan takes in prefilter mode (those it refuses are
    left out, and their rules keep their number windows), kept in the compiled cache."""
    import hyperscan

    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8
    name = compiled.key("shapes", getattr(hyperscan, "__version__", "?"),
                        *(f"{rule_id}\0{source}" for rule_id, source in sources))

    def compiles(expressions: list[str]) -> Any:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(expressions=[e.encode("utf-8") for e in expressions],
                         ids=list(range(len(expressions))), elements=len(expressions),
                         flags=[flags] * len(expressions))
        return database

    def build() -> bytes:
        taken = []
        for rule_id, source in sources:
            try:
                compiles([source])
            except hyperscan.error:
                continue
            taken.append((rule_id, source))
        try:
            database = compiles([source for _, source in taken]) if taken else None
        except hyperscan.error:  # each alone compiles, not all together: no shapes
            database = None
        if database is None:
            return b""
        ids = "\0".join(rule_id for rule_id, _ in taken).encode("utf-8")
        return len(ids).to_bytes(4, "big") + ids + bytes(hyperscan.dumpb(database))

    def load(data: bytes) -> tuple[Any, list[str]]:
        size = int.from_bytes(data[:4], "big")
        ids = data[4:4 + size].decode("utf-8").split("\0")
        return hyperscan.loadb(data[4 + size:], hyperscan.HS_MODE_BLOCK), ids

    data = compiled.cached("hs", name, build)
    try:
        database, ids = load(data) if data else (None, [])
    except Exception:  # an unreadable entry: make it again
        compiled.forget("hs", name)
        data = build()
        database, ids = load(data) if data else (None, [])
    if database is not None:
        database.scratch = hyperscan.Scratch(database)
    return database, ids
