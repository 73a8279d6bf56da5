from __future__ import annotations

import random

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from piiscan.rules.keywords import KeywordList, fold, starts_word

WORDS = ("電話", "携帯電話", "電話番号", "TEL", "Mail", "e-mail", "番号", "話番")


def _reference(words: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    # What the engine used before: one IGNORECASE alternation, overlapping matches.
    pattern = regex.compile("|".join(regex.escape(w) for w in sorted(words, key=len,
                                                                      reverse=True)),
                            regex.IGNORECASE)
    return [m.span() for m in pattern.finditer(text, overlapped=True)]


@given(st.lists(st.sampled_from([*WORDS, "携帯", "tel", "MAIL", "x", " ", "\n", "番"]),
                max_size=30))
def test_hits_equal_an_overlapping_case_insensitive_search(parts: list[str]) -> None:
    text = "".join(parts)
    assert KeywordList(WORDS).hits(fold(text)) == _reference(WORDS, text)


def test_overlapping_and_nested_keywords_are_all_found() -> None:
    text = "携帯電話番号: 090"
    hits = KeywordList(WORDS).hits(fold(text))
    assert [text[s:e] for s, e in hits] == ["携帯電話", "電話番号", "話番", "番号"]


def test_fold_keeps_offsets() -> None:
    rng = random.Random(1)
    text = "".join(rng.choice("AbİẞΣ電話x") for _ in range(200))
    assert len(fold(text)) == len(text)


def test_search_is_case_insensitive() -> None:
    assert KeywordList(("E-Mail",)).search(fold("連絡先 E-MAIL:")) == "e-mail"
    assert KeywordList(("TEL",)).search(fold("hotel")) == "tel"
    assert KeywordList(("TEL",)).search(fold("電話")) is None


@pytest.mark.parametrize(("text", "word", "counts"), [
    ("TEL: 03-1234-5678", "TEL", True),
    ("携帯TEL 090", "TEL", True),
    ("customer_tel=090", "tel", True),
    ("customerTel=090", "Tel", True),   # a camelCase hump starts a word
    ("telNo=090", "tel", True),         # the end may run on
    ("2tel", "tel", True),
    ("電話番号", "電話", True),
    ("hotel 03", "tel", False),
    ("HOTEL 03", "TEL", False),
    ("taro@gmail.com", "mail", False),  # not its own context
    ("3 items", "ems", False),
])
def test_a_latin_keyword_counts_only_where_it_starts_a_word(text: str, word: str,
                                                          counts: bool) -> None:
    assert starts_word(text, text.index(word)) is counts
