"""Rule patterns: ``{dict:NAME}`` expansion and compilation.

A ``{dict:A+B}`` placeholder stands for every word of data files A and B, compiled as one
trie (see ``trie.py``). Patterns with a dictionary run on the standard ``re`` engine, which
runs tries several times faster than ``regex``; every other pattern on ``regex``, whose
timeouts guard each match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TypeAlias

import regex

from piiscan.errors import RuleError
from piiscan.rules.trie import trie_pattern

Pattern: TypeAlias = "regex.Pattern[str] | re.Pattern[str]"

_DICT_PLACEHOLDER = regex.compile(r"\{dict:([a-z0-9_+]+)\}")


@lru_cache(maxsize=64)
def dictionary_words(names: str) -> frozenset[str]:
    """The words of ``{dict:A+B}``: every word of data files A and B."""
    from piiscan import data

    words: set[str] = set()
    for name in names.split("+"):
        try:
            words |= data.load_words(name)
        except (FileNotFoundError, ValueError):
            known = ", ".join(data.available())
            raise LookupError(f"unknown dictionary '{name}' (known: {known})") from None
    return frozenset(words)


def dictionary_pattern(names: str) -> str:
    """``{dict:NAME}`` stands for every word of data file NAME as one trie; ``{dict:A+B}``
    for the words of both. Words that start with a Latin letter (HIV, ALS) only match at
    the start of a word, so ED is not found in SHARED."""
    return "(?:" + trie_pattern(dictionary_words(names), guard_latin=True) + ")"


_LEADING_DICT = re.compile(r"\A(?:\(\?:\{dict:([^}]+)\}\)|\{dict:([^}]+)\})(?![?*+{])")


def leading_words(source: str, ignorecase: bool) -> frozenset[str]:
    """The words every match of the pattern starts with: set when the pattern opens with a
    ``{dict:...}`` that is neither optional nor one of several top-level alternatives. The
    engine skips such a rule on a table cell that holds none of them."""
    m = _LEADING_DICT.match(source)
    if ignorecase or m is None or _top_level_alternative(source):
        return frozenset()
    return dictionary_words(m.group(1) or m.group(2))


def _top_level_alternative(source: str) -> bool:
    """Whether the pattern has a '|' outside every group and character class."""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source[i + 1:i + 2] == "^":
                i += 1
            if source[i + 1:i + 2] == "]":  # ']' first in a class is a literal
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def expand_dictionaries(source: str) -> str:
    expanded: str = _DICT_PLACEHOLDER.sub(lambda m: dictionary_pattern(m.group(1)), source)
    return expanded


def compile_pattern(source: str, ignorecase: bool,
                    fail: Callable[[str], RuleError]) -> Pattern:
    """Compile with ``regex`` (timeouts guard every match) — except dictionary patterns.

    A ``{dict:...}`` pattern is a trie, which cannot backtrack catastrophically, and the
    standard ``re`` engine runs tries several times faster than ``regex`` does.
    """
    try:
        expanded = expand_dictionaries(source)
    except LookupError as exc:
        raise fail(str(exc)) from None
    if _DICT_PLACEHOLDER.search(source):
        try:
            return re.compile(expanded, re.IGNORECASE if ignorecase else 0)
        except re.error:
            pass  # uses regex-only syntax: fall through
    try:
        return regex.compile(expanded, regex.IGNORECASE if ignorecase else 0)
    except regex.error as exc:
        raise fail(f"invalid regular expression: {exc}") from None


_ANY_CHAR_ESCAPES = frozenset("AZzSWDpPXbBN")  # may match, or assert at, a separator
CODE_ESCAPES = {"x": 2, "u": 4, "U": 8}  # \xHH, \uHHHH, \UHHHHHHHH: how many hex digits


def _code_at(source: str, i: int) -> tuple[int, int] | None:
    """The character a class member at ``i`` stands for, and where the member ends; None
    for an escape that stands for more than one character."""
    if source[i] != "\\":
        return ord(source[i]), i + 1
    letter = source[i + 1:i + 2]
    if letter in CODE_ESCAPES:
        size = CODE_ESCAPES[letter]
        try:
            return int(source[i + 2:i + 2 + size], 16), i + 2 + size
        except ValueError:
            return None
    if not letter or letter.isalnum():
        return None  # \d, \w ... : a set, not one character
    return ord(letter), i + 2


def stays_in_text(source: str, separator: str) -> bool:
    """Whether no match of the pattern (its look-arounds included) can reach across
    ``separator`` or tell it from the end of the text: no ``.``, no negated class, no
    ``^``/``$``/``\\A``/``\\Z``, no ``\\S``/``\\W``/``\\D``/``\\p``, no class range that
    holds the separator, no inline flags. Conservative: a pattern it cannot read is refused,
    and such a rule is matched in each text on its own (``Engine.scan_cells``)."""
    code = ord(separator)
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            letter = source[i + 1:i + 2]
            if letter in _ANY_CHAR_ESCAPES:
                return False
            member = _code_at(source, i)
            if member is not None and member[0] == code:
                return False
            i = member[1] if member is not None else i + 2
        elif ch == "[":
            end = _class_stays(source, i + 1, code)
            if end is None:
                return False
            i = end
        elif ch in ".^$" or ord(ch) == code:
            return False
        elif ch == "(" and source[i + 1:i + 2] == "?" and source[i + 2:i + 3].isalpha() \
                and source[i + 2] != "P":
            return False  # inline flags: (?s), (?m), (?i) ...
        else:
            i += 1
    return True


def _class_stays(source: str, i: int, code: int) -> int | None:
    """Where a character class that starts at ``i`` ends, or None when it is negated or
    holds the separator."""
    if source[i:i + 1] == "^":
        return None
    first = True
    while i < len(source):
        if source[i] == "]" and not first:
            return i + 1
        first = False
        member = _code_at(source, i)
        if member is None:
            i += 2  # \d, \w: neither holds a private-use character
            continue
        low, i = member
        if source[i:i + 1] == "-" and source[i + 1:i + 2] not in ("", "]"):
            upper = _code_at(source, i + 1)
            if upper is None:
                return None
            high, i = upper
            if low <= code <= high:
                return None
        elif low == code:
            return None
    return None
