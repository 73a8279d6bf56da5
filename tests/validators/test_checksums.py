from __future__ import annotations

import random

import pytest

from piiscan.validators import checksums, formats

from synth import card, luhn_complete, my_number


def test_my_number_official_examples() -> None:
    assert checksums.my_number("123456789018")
    assert not checksums.my_number("123456789019")
    assert checksums.my_number("1234 5678 9018")
    assert not checksums.my_number("12345678901")
    assert not checksums.my_number("000000000000")


def test_my_number_generated() -> None:
    rng = random.Random(1)
    for _ in range(200):
        assert checksums.my_number(my_number(rng))
        assert not checksums.my_number(my_number(rng, valid=False))


@pytest.mark.parametrize("number", ["4111111111111111", "5555555555554444", "378282246310005",
                                    "3530111333300000", "30569309025904", "2223003122003222"])
def test_credit_card_known_numbers(number: str) -> None:
    assert checksums.credit_card(number)


def test_credit_card_rejects_luhn_failures_and_unknown_ranges() -> None:
    rng = random.Random(2)
    for _ in range(100):
        assert checksums.credit_card(card(rng))
        assert not checksums.credit_card(card(rng, valid=False))
    assert not checksums.credit_card(luhn_complete("1234", 16, rng))  # no issuer starts 1
    assert not checksums.credit_card(luhn_complete("2720", 15, rng))  # wrong length for MC


def test_corporate_number_check_digit_comes_first() -> None:
    # 法人番号 of the National Tax Agency's published example: 7000012050002
    assert checksums.corporate_number("7000012050002")
    assert not checksums.corporate_number("8000012050002")


def test_health_insurer_number() -> None:
    assert checksums.health_insurer("01130012")  # 協会けんぽ東京支部: check digit 2 last
    assert not checksums.health_insurer("01130013")


def test_phone_digit_counts_by_prefix() -> None:
    assert formats.jp_phone("090-1234-5678")
    assert not formats.jp_phone("090-1234-567")
    assert formats.jp_phone("03-1234-5678")
    assert formats.jp_phone("+81-90-1234-5678")
    assert formats.jp_phone("+81 (0)3 1234 5678")
    assert not formats.jp_phone("0120-123-456")  # business numbers have their own rule
