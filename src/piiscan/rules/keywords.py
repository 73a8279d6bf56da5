"""Context and exclusion keyword lists: every occurrence in a text, found fast.

The engine asks where a rule's keywords occur in a segment, once per segment, overlapping
occurrences included ('携帯電話' holds '電話'), and judges every candidate value against
that list. The words are compiled into a trie for the standard ``re`` engine, which skips
positions that cannot start a keyword in C; matching is case-insensitive by searching a
lower-cased copy of the text (see ``fold``), so the trie needs no IGNORECASE flag (which
would hide the first-character set from ``re`` and make it slower).
"""

from __future__ import annotations

import re
from functools import cached_property

from piiscan.rules.trie import trie_pattern

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """Lower-cased text of the same length, so offsets stay valid."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return text.translate(_ASCII_LOWER)  # a rare letter (İ) lower-cases to two characters


class KeywordList:
    """Words matched case-insensitively in a ``fold``-ed text."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words

    @cached_property
    def _pattern(self) -> re.Pattern[str]:  # compiled on first use, like rule patterns
        return re.compile(trie_pattern({fold(w) for w in self.words if w}))

    def __repr__(self) -> str:
        return f"KeywordList({len(self.words)} words)"

    def search(self, folded: str) -> str | None:
        """The first keyword in the text, if any."""
        m = self._pattern.search(folded)
        return m.group() if m else None

    def hits(self, folded: str) -> list[tuple[int, int]]:
        """(start, end) of the longest keyword at every position where one starts, in order.

        A left-to-right scan finds non-overlapping occurrences in C; positions inside each
        occurrence are then tried one by one, which finds the overlapping ones (keywords
        are short and occurrences rare).
        """
        out: list[tuple[int, int]] = []
        match = self._pattern.match
        for m in self._pattern.finditer(folded):
            start, end = m.span()
            out.append((start, end))
            for inner in range(start + 1, end):
                m2 = match(folded, inner)
                if m2 is not None:
                    out.append(m2.span())
        return out


def starts_word(text: str, start: int) -> bool:
    """Whether a keyword found at ``start`` of ``text`` (normalised, case kept) starts a
    word there. One that begins with a Latin letter counts only where no letter comes
    before it, or at a camelCase hump: 'tel' in 'TEL:', '携帯TEL', 'customer_tel' and
    'customerTel', not in 'hotel'; 'mail' not in 'gmail.com', which would make every
    Gmail address its own context. Its end may run on: 'telNo', 'TELNO', 'phonenumber'."""
    first = text[start]
    if start == 0 or not (first.isascii() and first.isalpha()):
        return True
    before = text[start - 1]
    if not (before.isascii() and before.isalpha()):
        return True
    return before.islower() and first.isupper()


def keyword_list(words: tuple[str, ...]) -> KeywordList | None:
    return KeywordList(words) if any(words) else None
