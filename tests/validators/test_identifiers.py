from __future__ import annotations

from datetime import date, timedelta

import pytest

from piiscan import validators
from piiscan.validators import checksums, identifiers

NAMES = ("passport", "residence_card", "pension_number", "employment_insurance",
         "resident_code", "bank_account", "yucho_account", "birth_date")


@pytest.mark.parametrize("name", NAMES)
def test_registered_by_name(name: str) -> None:
    assert validators.get(name) is getattr(identifiers, name)


@pytest.mark.parametrize(("text", "expected"), [
    ("昭和55年3月4日", date(1980, 3, 4)),
    ("昭和 55 年 3 月 4 日", date(1980, 3, 4)),
    ("S55.3.4", date(1980, 3, 4)),
    ("s55/03/04", date(1980, 3, 4)),
    ("H2.5.6", date(1990, 5, 6)),
    ("平成2年5月6日", date(1990, 5, 6)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("R1.5.1", date(2019, 5, 1)),
    ("昭和五十五年三月四日", date(1980, 3, 4)),
    ("平成十二年十二月二十日", date(2000, 12, 20)),
    ("大正元年7月30日", date(1912, 7, 30)),
    ("明治45年7月29日", date(1912, 7, 29)),
    ("昭和元年12月25日", date(1926, 12, 25)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("平成元年1月8日", date(1989, 1, 8)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("1980年3月4日", date(1980, 3, 4)),
    ("1980/03/04", date(1980, 3, 4)),
    ("1980-3-4", date(1980, 3, 4)),
    ("1980.03.04", date(1980, 3, 4)),
    ("19800304", date(1980, 3, 4)),
    ("2000年2月29日", date(2000, 2, 29)),
    ("1980（昭和55）年3月4日", date(1980, 3, 4)),
    ("昭和55(1980)年3月4日", date(1980, 3, 4)),
])
def test_parse_date(text: str, expected: date) -> None:
    assert identifiers.parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "昭和64年1月8日",  # 昭和 ended on 7 January 1989
    "平成元年1月7日",  # 平成 began on 8 January 1989
    "平成31年5月1日",  # that day is 令和元年5月1日
    "令和元年4月30日",
    "大正15年12月25日",
    "明治46年1月1日",
    "昭和0年1月1日",
    "昭和55年2月30日",
    "1900年2月29日",  # not a leap year
    "1980/13/01",
    "1980/03-04",  # mixed separators
    "19801304",
    "X55.3.4",
    "昭和五五十年三月四日",
    "2024-01-15 10:30:00",
    "",
])
def test_parse_date_rejects(text: str) -> None:
    assert identifiers.parse_date(text) is None


def test_birth_date_range() -> None:
    assert identifiers.birth_date("昭和55年3月4日")
    assert identifiers.birth_date("明治元年1月1日")
    assert not identifiers.birth_date("1867年12月31日")
    tomorrow = date.today() + timedelta(days=1)
    assert not identifiers.birth_date(tomorrow.strftime("%Y/%m/%d"))
    assert identifiers.birth_date(date.today().strftime("%Y-%m-%d"))


def test_passport_and_residence_card_shapes() -> None:
    assert identifiers.passport("TK1234567")
    assert not identifiers.passport("TK0000000")
    assert not identifiers.passport("tk1234567")
    assert not identifiers.passport("TK123456")
    assert identifiers.residence_card("AB12345678CD")
    assert not identifiers.residence_card("AB00000000CD")
    assert not identifiers.residence_card("AB1234567CD")


def test_number_shapes() -> None:
    assert identifiers.pension_number("1234-567890")
    assert not identifiers.pension_number("0000-000000")
    assert not identifiers.pension_number("1234-56789")
    assert identifiers.employment_insurance("1234-567890-1")
    assert not identifiers.employment_insurance("1234-567890")
    assert identifiers.resident_code("12345678901")
    assert not identifiers.resident_code("11111111111")
    assert identifiers.bank_account("0123456")
    assert not identifiers.bank_account("7777777")
    assert not identifiers.bank_account("123456")


def test_yucho_account() -> None:
    assert identifiers.yucho_account("12340-12345671")
    assert identifiers.yucho_account("10110-8765431")
    assert not identifiers.yucho_account("12341-12345671")  # 記号 ends in 0
    assert not identifiers.yucho_account("12340-12345672")  # 番号 ends in 1
    assert not identifiers.yucho_account("22340-12345671")


def test_drivers_license_check_is_only_a_signal() -> None:
    # A number that fails the unofficial check is still a licence number by shape.
    assert checksums.drivers_license("301234567890")
    assert not checksums.drivers_license_check("301234567890")
    assert checksums.drivers_license_check("301234567810")
