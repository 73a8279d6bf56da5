from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from piiscan.normalize import normalize


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
