"""One pass over a text finds every word of every word list the rules use.

The rules need to know where certain words are: their context and exclusion keywords, the
anchor words of their prefilters, the dictionary words their matches start with (要配慮 terms,
labels, honorifics). Asking each list separately costs one pass over the text per list; a
``WordScanner`` finds all of them in one pass and hands each list its occurrences.

Two backends give the same answer (tests/rules/test_prescan.py checks it on generated text):

- **Hyperscan** (PyPI ``hyperscan``, vectorscan/Hyperscan bundled in manylinux wheels), the
  default where it is installed: every word of every list is one literal in one compiled
  database, matched over the text encoded as UTF-32-LE, where a character is always four
  bytes, so a byte offset divided by four is a character offset and no offset map is needed.
  A literal could in principle match across a character boundary; such hits are dropped.
- **Python**: each list compiled into a trie for the standard ``re`` engine
  (``piiscan.rules.trie``), one pass per list.

For each list and each position where one of its words starts, the answer is the longest
word starting there: ``(start, end)`` pairs sorted by start, overlapping occurrences
included ('携帯電話' holds '電話' and '携帯電話').
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterable, Mapping
from functools import cached_property
from typing import Any

from piiscan import compiled
from piiscan.rules.trie import trie_pattern

Hits = dict[Hashable, list[tuple[int, int]]]

BACKEND_ENV = "PIISCAN_MATCHER"  # 'hyperscan' or 'python': which backend (default: the best)


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def default_backend() -> str:
    wanted = os.environ.get(BACKEND_ENV, "").strip().lower()
    if wanted in ("python", "hyperscan"):
        return wanted
    return "hyperscan" if hyperscan_available() else "python"


class WordScanner:
    """Occurrences of the words of several lists, found in one pass."""

    def __init__(self, lists: Mapping[Hashable, Iterable[str]], backend: str | None = None
                 ) -> None:
        self.lists = {key: frozenset(w for w in words if w) for key, words in lists.items()}
        self.backend = backend or default_backend()
        if self.backend not in ("python", "hyperscan"):
            raise ValueError(f"unknown matcher backend {self.backend!r}")

    def scan(self, text: str) -> Hits:
        """For every list with a word in the text, the longest word at each position where
        one starts (a list with none is left out: most are, in most texts)."""
        if not self.lists or not text:
            return {}
        if self.backend == "hyperscan":
            return self._hyperscan(text)
        found = ((key, _trie_hits(pattern, text)) for key, pattern in self._tries.items())
        return {key: hits for key, hits in found if hits}

    # --- the Python backend ---------------------------------------------------------------

    @cached_property
    def _tries(self) -> dict[Hashable, re.Pattern[str]]:
        return {key: re.compile(trie_pattern(words)) for key, words in self.lists.items()}

    # --- the Hyperscan backend -------------------------------------------------------------

    @cached_property
    def _database(self) -> tuple[Any, list[tuple[int, tuple[Hashable, ...]]]]:
        """One literal per distinct word; its id leads to its length and the lists holding it."""
        import hyperscan

        owners: dict[str, list[Hashable]] = {}
        for key, words in self.lists.items():
            for word in words:
                owners.setdefault(word, []).append(key)
        ordered = sorted(owners)
        table = [(len(w), tuple(owners[w])) for w in ordered]
        if not ordered:
            return None, table

        def build() -> bytes:
            database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            # Escaped bytes, not the literal API: the binding cuts a literal at its first
            # NUL byte, and every UTF-32 character of a Japanese word holds two.
            database.compile(expressions=[_escaped(w) for w in ordered],
                             ids=list(range(len(ordered))),
                             elements=len(ordered),
                             flags=[0] * len(ordered))
            return bytes(hyperscan.dumpb(database))

        # Compiling takes a tenth of a second: a hook run takes it from the cache.
        name = compiled.key("words", getattr(hyperscan, "__version__", "?"), "\0".join(ordered))
        try:
            database = hyperscan.loadb(compiled.cached("hs", name, build),
                                       hyperscan.HS_MODE_BLOCK)
        except Exception:  # an unreadable entry: make it again
            compiled.forget("hs", name)
            database = hyperscan.loadb(build(), hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)  # a loaded database has none
        return database, table

    def _hyperscan(self, text: str) -> Hits:
        database, table = self._database
        longest: dict[Hashable, dict[int, int]] = {}
        if database is not None:
            def on_match(word_id: int, start: int, end: int, flags: int, context: Any) -> None:
                if end % 4:
                    return  # a literal across a character boundary (see the module docstring)
                length, keys = table[word_id]
                stop = end // 4
                first = stop - length
                for key in keys:
                    seen = longest.setdefault(key, {})
                    if seen.get(first, 0) < stop:
                        seen[first] = stop

            database.scan(text.encode("utf-32-le"), match_event_handler=on_match)
        return {key: sorted(found.items()) for key, found in longest.items()}


def _escaped(word: str) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in word.encode("utf-32-le"))


def _trie_hits(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """(start, end) of the longest word at every position where one starts, in order: a
    left-to-right scan finds non-overlapping occurrences in C; positions inside each are
    then tried one by one, which finds the overlapping ones (words are short)."""
    out: list[tuple[int, int]] = []
    match = pattern.match
    for m in pattern.finditer(text):
        start, end = m.span()
        out.append((start, end))
        for inner in range(start + 1, end):
            m2 = match(text, inner)
            if m2 is not None:
                out.append(m2.span())
    return out
