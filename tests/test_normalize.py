from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from piiscan.normalize import even_digit_groups, fold_ocr, normalize


def test_full_width_digits_letters_and_space_fold() -> None:
    assert normalize("ＴＥＬ　０９０－１２３４－５６７８") == "TEL 090-1234-5678"


def test_hyphen_look_alikes_become_ascii_hyphen() -> None:
    for dash in "‐‒–—―−－":
        assert normalize(f"03{dash}1234{dash}5678") == "03-1234-5678"


def test_prolonged_sound_mark_only_between_digits() -> None:
    assert normalize("090ー1234ｰ5678") == "090-1234-5678"
    assert normalize("ユーザー") == "ユーザー"
    assert normalize("マイナンバー 1234") == "マイナンバー 1234"


def test_ascii_is_returned_unchanged() -> None:
    text = "plain ascii 123"
    assert normalize(text) is text


@given(st.text())
def test_length_is_preserved_so_offsets_need_no_map(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_identity_folding_makes_kana_and_widths_one() -> None:
    from piiscan.normalize import fold_identity, to_katakana

    assert to_katakana("やまだ ﾀﾛｳ") == "ヤマダ タロウ"
    assert fold_identity("ＴＡＲＯ＠Ｅｘａｍｐｌｅ．ｊｐ") == "taro@example.jp"
    assert fold_identity("ｶﾞｷﾞ㈱") == "ガギ(株)"
# --------------------------------------------------------------------------- OCR text


def test_ocr_fold_reads_look_alikes_inside_numbers_as_digits() -> None:
    assert fold_ocr("TEL O9O-l234一5678") == "TEL 090-1234-5678"
    assert fold_ocr("〒l5O-OO41") == "〒150-0041"
    assert fold_ocr("個人番号 l234 5678 9O18") == "個人番号 1234 5678 9018"
    assert fold_ocr("０９０ー１２３４") == "０９０-１２３４"  # full width too; normalize() does the rest


def test_ocr_fold_changes_s_b_z_and_bars_only_between_digits() -> None:
    assert fold_ocr("03-12S4-5B78") == "03-1254-5878"
    assert fold_ocr("7|2") == "712"
    assert fold_ocr("| 090-1234-5678 |") == "| 090-1234-5678 |"  # a table border stays
    assert fold_ocr("SBZ 2024") == "SBZ 2024"


def test_ocr_fold_leaves_words_alone() -> None:
    for text in ("No1", "TOKYO 2024", "ID1O", "Osaka", "一二三", "ユーザー", "I love 2 OCR"):
        assert fold_ocr(text) == text


@given(st.text(alphabet="0123456789OolI|SBZ一ー -abcNo氏名"))
def test_ocr_fold_preserves_length(text: str) -> None:
    assert len(fold_ocr(text)) == len(text)


def test_uneven_four_digit_groups_are_spaced_evenly() -> None:
    assert even_digit_groups("個人番号7904 11885675") == "個人番号7904 1188 5675"
    assert even_digit_groups("4111 111111111111") == "4111 1111 1111 1111"
    for text in ("7904 1188 5675", "790411885675", "090 1234 5678", "1234 5678", "2024 11"):
        assert even_digit_groups(text) == text


@given(st.text(alphabet="1２ーｰaー9０ ア", max_size=30))
def test_the_prolonged_sound_mark_becomes_a_hyphen_exactly_between_digits(text: str) -> None:
    between = re.compile("(?<=[0-9０-９])[ーｰ](?=[0-9０-９])")  # the plain statement of it
    full_width_digits = {0xFF10 + d: 0x30 + d for d in range(10)}
    assert normalize(text) == between.sub("-", text).translate(full_width_digits)
