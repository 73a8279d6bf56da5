"""Canonical forms and keyed hashes (piiscan.mask): when two spellings are one value."""

from __future__ import annotations

import pickle

import pytest

from piiscan.mask import EdmHasher, Fingerprinter, canonical


@pytest.mark.parametrize(("value_type", "spellings"), [
    ("PHONE", ["090-1234-5678", "09012345678", "０９０－１２３４－５６７８", "090 1234 5678"]),
    ("EMAIL", ["Taro@Example.JP", "taro@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"]),
    ("MY_NUMBER", ["1234 5678 9018", "123456789018", "１２３４－５６７８－９０１８"]),
    ("PERSON_NAME", ["山田 太郎", "山田　太郎", "山田太郎"]),
    ("PERSON_NAME_KANA", ["ヤマダ タロウ", "やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ・タロウ"]),
    ("ADDRESS", ["東京都千代田区千代田1-1-1", "千代田区千代田１丁目１番１号",
                 "〒100-0001 東京都千代田区千代田1丁目1番地1", "住所：東京都 千代田区千代田1-1-1"]),
    ("BIRTH_DATE", ["1980-04-01", "1980/4/1", "1980年4月1日", "昭和55年4月1日", "S55.4.1",
                    "19800401", "１９８０年４月１日"]),
])
def test_spellings_of_one_value_share_a_form(value_type: str, spellings: list[str]) -> None:
    assert len({canonical(value_type, s) for s in spellings}) == 1, \
        [canonical(value_type, s) for s in spellings]


@pytest.mark.parametrize(("value_type", "a", "b"), [
    ("PERSON_NAME", "山田太郎", "山田次郎"),
    ("ADDRESS", "千代田区千代田1-1-1", "千代田区千代田1-1-2"),
    ("BIRTH_DATE", "昭和55年4月1日", "平成2年4月1日"),
    ("PHONE", "090-1234-5678", "090-1234-5679"),
])
def test_different_values_stay_apart(value_type: str, a: str, b: str) -> None:
    assert canonical(value_type, a) != canonical(value_type, b)


def test_a_date_that_is_no_date_keeps_the_generic_form() -> None:
    assert canonical("BIRTH_DATE", "不明") == "不明"


def test_fingerprints_follow_the_canonical_form() -> None:
    fp = Fingerprinter(b"k" * 32)
    assert fp("PERSON_NAME_KANA", "ﾔﾏﾀﾞ ﾀﾛｳ") == fp("PERSON_NAME_KANA", "やまだたろう")
    assert fp("PHONE", "090-1234-5678") != fp("EMAIL", "090-1234-5678")


def test_edm_hashes_are_keyed_typed_and_sized() -> None:
    one, other = EdmHasher(b"a" * 32), EdmHasher(b"b" * 32)
    assert one.value("PHONE", "090-1234-5678") == one.value("PHONE", "09012345678")
    assert one.value("PHONE", "090-1234-5678") != other.value("PHONE", "090-1234-5678")
    assert one.value("PHONE", "09012345678") != one.value("MY_NUMBER", "09012345678")
    assert 0 <= one.value("EMAIL", "a@b.jp") < 2**64
    assert 0 <= one.field("PERSON_NAME", "山田太郎") < 2**32
    assert one.field("PERSON_NAME", "山田太郎") != one.field("ADDRESS", "山田太郎")
    assert one.key_id != other.key_id and len(one.key_id) == 16
    assert pickle.loads(pickle.dumps(one)).value("EMAIL", "a@b.jp") == one.value("EMAIL", "a@b.jp")


def test_edm_keys_must_be_long_enough() -> None:
    with pytest.raises(ValueError):
        EdmHasher(b"short")


def test_a_fingerprint_is_the_hmac_of_the_canonical_form_here_and_in_a_worker() -> None:
    """The key is set up once and copied for each value; a fingerprinter sent to a pool
    worker (pickled, without that set-up) gives the same hashes."""
    import hashlib
    import hmac
    import pickle

    key = b"k" * 32
    fp = Fingerprinter(key)
    values = [("PHONE", "090-1234-5678"), ("EMAIL", "Taro@Example.jp"), ("PERSON_NAME", "山田　太郎")]
    expected = [hmac.new(key, f"{t}\x00{canonical(t, v)}".encode(), hashlib.sha256).hexdigest()[:32]
                for t, v in values]
    assert [fp(t, v) for t, v in values] == expected
    assert [fp(t, v) for t, v in values] == expected  # the set-up key, used again
    assert [pickle.loads(pickle.dumps(fp))(t, v) for t, v in values] == expected
