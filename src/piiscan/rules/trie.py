"""Compile a word list into a trie-shaped regular expression.

A plain alternation ``東京都|東京|...`` makes the regex engine try every word at every
position; sharing prefixes (``東京(?:都)?``) lets it fail after one character instead.
Measured on Japanese text: about 30x faster than the plain alternation.

The top level is always a branch whose every alternative starts with a literal character:
the standard ``re`` compiler then derives the set of first characters and skips, in C,
every position that cannot start a word. A character class or a look-around in first
place would hide that set and make the engine try the trie at every position (measured on
the 1,300-word medical list: 3.6 MB/s against 14 MB/s).
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

_END = ""
# Words starting with a Latin letter (HIV, ALS) only match at the start of a word, so ED is
# not found in SHARED. The check sits after the first letter, not before it (see above):
# "no letter or digit before this letter".
_LATIN_START = "(?<![A-Za-z0-9]{letter})"


def trie_pattern(words: Iterable[str], guard_latin: bool = False) -> str:
    """A regex source matching exactly the given words (longest alternative first).

    With ``guard_latin``, a word starting with an ASCII letter matches only where no
    letter or digit precedes it.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    if not trie:
        return "(?!)"  # matches nothing
    branches = []
    # One-character words last, as _emit does: under IGNORECASE 'a' must not win over 'ab'.
    for ch in sorted(trie, key=lambda c: (set(trie[c]) == {_END}, c)):
        child = trie[ch]
        guard = _LATIN_START.format(letter=regex.escape(ch)) \
            if guard_latin and ch.isascii() and ch.isalpha() else ""
        branches.append(regex.escape(ch) + guard + _emit(child))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _emit(node: dict) -> str:  # type: ignore[type-arg]
    optional = _END in node
    branches = []
    singles = []
    for ch in sorted(k for k in node if k != _END):
        child = node[ch]
        if set(child) == {_END}:
            singles.append(regex.escape(ch))
        else:
            branches.append(regex.escape(ch) + _emit(child))
    if singles:
        branches.append(singles[0] if len(singles) == 1 else "[" + "".join(singles) + "]")
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        needs_group = len(branches) > 1 or (len(body) > 1 and not body.startswith("(?:"))
        body = f"(?:{body})?" if needs_group else f"{body}?"
    return body
