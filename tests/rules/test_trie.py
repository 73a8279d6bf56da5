from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from piiscan.rules.patterns import _top_level_alternative, leading_words
from piiscan.rules.trie import trie_pattern

WORDS = ["糖尿病", "糖尿", "うつ病", "HIV", "HIV陽性", "ALS", "ED", "病", "ア", "アトピー"]
ALPHABET = ["糖", "尿", "病", "う", "つ", "H", "I", "V", "陽", "性", "A", "L", "S", "E", "D",
            "ア", "ト", "ピ", "ー", " ", "x", "1"]


def _alternation(words: list[str], guard_latin: bool) -> re.Pattern[str]:
    parts = []
    for w in sorted(words, key=len, reverse=True):
        guard = "(?<![A-Za-z0-9])" if guard_latin and w[0].isascii() else ""
        parts.append(guard + re.escape(w))
    return re.compile("|".join(parts))


@given(st.lists(st.sampled_from(ALPHABET), max_size=40), st.booleans())
def test_trie_matches_like_the_longest_first_alternation(chars: list[str], guard: bool) -> None:
    text = "".join(chars)
    trie = re.compile(trie_pattern(WORDS, guard_latin=guard))
    assert [m.span() for m in trie.finditer(text)] == \
        [m.span() for m in _alternation(WORDS, guard).finditer(text)]


def test_latin_words_only_start_a_word() -> None:
    trie = re.compile(trie_pattern(WORDS, guard_latin=True))
    assert [m.group() for m in trie.finditer("SHARED ED HIV陽性 xALS")] == ["ED", "HIV陽性"]


def test_empty_list_matches_nothing() -> None:
    assert re.compile(trie_pattern([])).search("anything") is None


def test_leading_words_only_for_a_mandatory_leading_dictionary() -> None:
    assert "糖尿病" in leading_words("{dict:sensitive_medical}(?![A-Za-z0-9])", False)
    assert leading_words("(?:{dict:sensitive_disability})(?:[ ]?[0-9]級)?", False)
    assert not leading_words("(?:{dict:sensitive_disability})?x", False)
    assert not leading_words("{dict:sensitive_victim}|被害", False)
    assert not leading_words("x{dict:sensitive_victim}", False)
    assert not leading_words("{dict:sensitive_victim}", True)  # case-folded: no gate


def test_top_level_alternative() -> None:
    assert _top_level_alternative("a|b")
    assert not _top_level_alternative("(a|b)c")
    assert not _top_level_alternative(r"[|]\|(?!x|y)")
    assert _top_level_alternative("[]|]|x")
