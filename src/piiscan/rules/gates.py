"""Skip, on a short text, every rule that cannot match it, with one search per kind of gate.

A table cell goes through the engine once per cell, and most cells (a date, an amount, a
product name) can match no rule at all. Checking each rule's own prefilter costs a Python
call per rule and cell; instead, the gates of all rules are merged into one search each:

- the longest number in the text (rules that need N digits),
- any anchor word of any rule (``prefilter: {any: [...]}``),
- any context keyword of any rule that needs one (unless the column header speaks for it),
- on a cell-sized text, the first two characters of a word of any rule whose every match
  starts with a dictionary word,
- and, for a recognizer, its own cheap check (``piiscan.recognizers.GATES``).

A rule survives when the text passes every gate it has. The gates only skip rules that
the engine's own per-rule checks would skip anyway, so results do not change; they are a
superset filter, tested against scanning without them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from piiscan.recognizers import GATES
from piiscan.rules.keywords import KeywordList, keyword_list
from piiscan.rules.rule import Rule
from piiscan.rules.trie import trie_pattern

WORDS_GATE_CHARS = 48  # longer texts nearly always hold a word start: not worth a search


@dataclass(frozen=True)
class _Gate:
    rule: Rule
    digits: int  # longest number must have at least this many digits
    anchored: bool  # needs one of the anchor words
    keyword: bool  # needs a context keyword (no header speaks for it)
    words: bool  # needs one of its leading dictionary words
    check: Callable[[str, str | None], bool] | None  # a recognizer's own cheap check


class Gates:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._plans: dict[str | None, tuple[_Gate, ...]] = {}

    # Built on the first short text: a run over long texts only never needs them.
    @cached_property
    def _anchors(self) -> re.Pattern[str] | None:
        anchors = {w for r in self.rules for w in r.prefilter_any}
        return re.compile(trie_pattern(anchors)) if anchors else None

    @cached_property
    def _keywords(self) -> KeywordList | None:
        keywords = {w for r in self.rules if r.context_required and r.context_keywords
                    for w in r.context_keywords.words}
        return keyword_list(tuple(sorted(keywords)))

    @cached_property
    def _word_start(self) -> re.Pattern[str] | None:
        """A leading dictionary word's first character followed by one that can come second
        (or a one-character word): a superset of 'a word starts here', searched in C. A
        merged trie of thousands of words would be exact but slow to compile and to run."""
        words = set().union(*(r.leading_words for r in self.rules))
        if not words:
            return None
        firsts = {w[0] for w in words if len(w) > 1}
        seconds = {w[1] for w in words if len(w) > 1}
        singles = {w for w in words if len(w) == 1}
        parts = [f"{_char_class(firsts)}{_char_class(seconds)}"] if firsts else []
        if singles:
            parts.append(_char_class(singles))
        return re.compile("|".join(parts))

    def plan(self, header: str | None, header_hit: Callable[[Rule, str | None], str | None]
             ) -> tuple[_Gate, ...]:
        """Each rule's gates under this column header (cached: a column has one header)."""
        if header not in self._plans:
            self._plans[header] = tuple(
                # The engine reads `any` only when a rule has no digit prefilter.
                _Gate(r, r.prefilter_digits, bool(r.prefilter_any) and not r.prefilter_digits,
                      r.context_required and header_hit(r, header) is None,
                      bool(r.leading_words),
                      GATES.get(r.recognizer[0]) if r.recognizer else None)
                for r in self.rules)
        return self._plans[header]

    def passing(self, plan: tuple[_Gate, ...], norm: str, folded: str, longest_number: int,
                header: str | None) -> list[Rule]:
        has_anchor = self._anchors is not None and self._anchors.search(norm) is not None
        has_keyword = self._keywords is not None and self._keywords.search(folded) is not None
        # Looking for word starts only pays on a cell-sized text.
        has_word = len(norm) > WORDS_GATE_CHARS or (
            self._word_start is not None and self._word_start.search(norm) is not None)
        return [g.rule for g in plan
                if g.digits <= longest_number
                and (has_anchor or not g.anchored)
                and (has_keyword or not g.keyword)
                and (has_word or not g.words)
                and (g.check is None or g.check(norm, header))]


def _char_class(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
