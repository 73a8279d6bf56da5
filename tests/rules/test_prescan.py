"""The word scanner's two backends (Hyperscan over UTF-32, and tries for ``re``) find the
same words in the same places: the longest word at every position where one starts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from piiscan.rules.prescan import WordScanner

ALPHABET = "東京都電話番号携帯の市区町村ABab12 \n\U00020b9fー"
words = st.text(alphabet=ALPHABET, min_size=1, max_size=4)


@given(lists=st.dictionaries(st.sampled_from("abcd"), st.lists(words, max_size=8)),
       text=st.text(alphabet=ALPHABET, max_size=200))
def test_both_backends_find_the_same(lists: dict[str, list[str]], text: str) -> None:
    python = WordScanner(lists, "python").scan(text)
    hyperscan = WordScanner(lists, "hyperscan").scan(text)
    assert python == hyperscan
    for key, hits in python.items():
        assert hits == sorted(hits)
        for start, end in hits:
            assert text[start:end] in lists[key]


def test_longest_word_at_each_start_overlaps_included() -> None:
    lists = {"a": ["電話", "携帯電話", "TEL"], "b": ["東京", "東京都", "都"]}
    text = "携帯電話は東京都にTELする電話"
    for backend in ("python", "hyperscan"):
        assert WordScanner(lists, backend).scan(text) == {
            "a": [(0, 4), (2, 4), (9, 12), (14, 16)], "b": [(5, 8), (7, 8)]}


def test_a_character_outside_the_basic_plane_counts_as_one() -> None:
    text = "𠮟責の記録 電話"  # U+20B9F: one character, four bytes in UTF-32 as every other
    for backend in ("python", "hyperscan"):
        assert WordScanner({"k": ["電話", "𠮟責"]}, backend).scan(text) == {
            "k": [(0, 2), (6, 8)]}
