"""Named filters (piiscan.filters): each on its own, and as rules name them in YAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from piiscan import filters
from piiscan.errors import RuleError
from piiscan.rules.loader import load_file


def at_end(check: filters.Filter, text: str, value: str) -> bool:
    """The filter's answer for the last occurrence of ``value`` in ``text``."""
    start = text.rindex(value)
    return check(text, start, start + len(value))


@pytest.mark.parametrize(("text", "expected"), [
    ("電話番号（記入例）：090-1234-5678", True),
    ("例: 090-1234-5678", True),
    ("【記入例】\n氏名：山田 太郎\n電話：090-1234-5678", True),
    ("見本\n" + "行\n" * 14 + "電話 090-1234-5678", True),  # 15 lines under the heading
    ("見本\n" + "行\n" * 15 + "電話 090-1234-5678", False),  # 16: out of reach
    ("見本を送付しました\n電話 090-1234-5678", False),  # 見本を...: a sentence, not a heading
    ("電話 090-1234-5678", False),
    ("記入例" + "あ" * 71 + "090-1234-5678", False),  # too far along the line
])
def test_sample_value(text: str, expected: bool) -> None:
    assert at_end(filters.sample_value, text, "090-1234-5678") is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("--\n株式会社サンプル商事 営業部\n山田 太郎\nTEL: 03-1234-5678", True),
    ("さくらクリニック TEL 03-1234-5678", True),
    ("Copyright 2024 Example. TEL 03-1234-5678", True),
    ("株式会社サンプル\n1\n2\n3\n4\nTEL 03-1234-5678", False),  # five lines down: past it
    ("顧客名簿 株式会社サンプル TEL 03-1234-5678", False),  # a list of people, not a letterhead
    ("引落口座 三井住友銀行 仙台支店\nTEL 03-1234-5678", False),  # a bank branch
    ("勤務先：株式会社サンプル\n電話：03-1234-5678", False),  # the person's employer
    ("電話：03-1234-5678", False),
])
def test_company_contact(text: str, expected: bool) -> None:
    assert at_end(filters.company_contact, text, "03-1234-5678") is expected


def test_role_mailbox_and_documentation_domain() -> None:
    assert at_end(filters.role_mailbox, "連絡 info@shop.co.jp", "info@shop.co.jp")
    assert not at_end(filters.role_mailbox, "連絡 taro@shop.co.jp", "taro@shop.co.jp")
    assert not at_end(filters.role_mailbox, "information@shop.co.jp", "information@shop.co.jp")
    for address in ("a@example.com", "b@mail.example.co.jp", "c@host.test", "d@localhost"):
        assert at_end(filters.documentation_domain, address, address), address
    for address in ("a@example.company.jp", "b@examples.com", "c@test.co.jp"):
        assert not at_end(filters.documentation_domain, address, address), address


def test_other_label_keeps_the_rules_own_labels() -> None:
    pension = filters.other_label(["基礎年金番号", "年金番号"])
    assert at_end(pension, "免許証番号 1234-567890", "1234-567890")
    assert at_end(pension, "電話 0312-345678", "0312-345678")
    assert at_end(pension, "〒 1234-567890", "1234-567890")
    assert not at_end(pension, "基礎年金番号 1234-567890", "1234-567890")
    assert not at_end(pension, "番号は 1234-567890", "1234-567890")
    # A label reaches over the rest of its own number, not over a sentence.
    assert not at_end(pension, "電話は明日かけます。1234-567890", "1234-567890")


def test_rules_name_filters_in_yaml(tmp_path: Path) -> None:
    rule = """
rules:
  - id: acme.staff_id
    name: 社員番号
    type: PHONE
    severity: low
    pattern: 'S-[0-9]{6}'
    unless: [sample_value, {other_label: [社員番号]}]
    examples:
      match: ['社員番号 S-123456']
      no_match: ['(例) S-123456', '注文番号 S-123456']
"""
    path = tmp_path / "r.yaml"
    path.write_text(rule, encoding="utf-8")
    (loaded,) = load_file(path)
    assert [name for name, _ in loaded.unless] == ["sample_value", "other_label"]
    path.write_text(rule.replace("sample_value", "sampel_value"), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_file(path)
    assert "unknown filter 'sampel_value'" in str(info.value)
    assert info.value.field == "unless" and "sample_value" in str(info.value)


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("電話番号：090-1234-XXXX", "090-1234", True),
    ("電話 XXX-1234-5678", "1234-5678", True),
    ("電話 090-0000-0000", "090-0000-0000", True),
    ("郵便番号 111-1111", "111-1111", True),
    ("郵便番号 1234567", "1234567", True),
    ("warehouse_zip: 234-5678", "234-5678", True),  # counting up from any digit
    ("〒987-6543", "987-6543", True),                # or down
    ("メール：xxxxxx@xxxx.xxx", "xxxxxx@xxxx.xxx", True),  # one character throughout
    ("電話 090-1234-5678", "090-1234-5678", False),
    ("〒540-0001", "540-0001", False),
    ("number: '+81123456789'", "+81123456789", True),
    ("tel +81 90 1234 5678", "+81 90 1234 5678", False),
])
def test_placeholder(text: str, value: str, expected: bool) -> None:
    assert at_end(filters.placeholder, text, value) is expected


def test_role_words_inside_a_mailbox_name() -> None:
    for address in ("smartcity-support@geolonia.com", "jp.info@corp.jp", "sales_team@corp.jp"):
        assert at_end(filters.role_mailbox, address, address), address
    for address in ("hanako_s+news@yahoo.co.jp", "taro.yamada@corp.jp", "user=k.suzuki@corp.jp"):
        assert not at_end(filters.role_mailbox, address, address), address


def test_a_value_after_a_line_ending_in_a_mask_character_is_no_placeholder() -> None:
    """A Markdown bold line (**連絡先**) above a phone: '$' also matched before the newline."""
    text = "**連絡先**\n090-1234-5678"
    assert not filters.placeholder(text, text.index("0"), len(text))


@pytest.mark.parametrize(("value", "expected"), [
    ("2025年6月30日", True), ("令和7年6月30日まで", True), (" 2024/12/31 ", True),
    ("2型糖尿病（2019年〜）", False), ("高血圧", False),
])
def test_only_a_date(value: str, expected: bool) -> None:
    assert filters.only_a_date(value, 0, len(value)) is expected


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("認知症対応型グループホーム", "認知症", True),
    ("認知症対応型グループホーム", "グループホーム", True),
    ("精神科病棟の案内", "精神科", True),
    ("山田様は認知症の診断あり", "認知症", False),
    ("山田様は認知症対応型グループホームに入居", "認知症", False),  # a sentence: kept
])
def test_service_name(text: str, value: str, expected: bool) -> None:
    start = text.index(value)
    assert filters.service_name(text, start, start + len(value)) is expected


# The two look-back filters are checked line by line; these are the look-behinds they stand
# for, which regex runs several times slower. Both must give the same answer everywhere.
_SAMPLE_LOOKBEHIND = regex.compile(
    r"(?<=(?:記入例|記載例|見本|\(例\)|例:)[^\n]{0,70}"
    r"|(?:^|\n)[^\n]{0,20}(?:記入例|記載例|見本)(?![をにはのでが])[^\n]{0,20}(?:\n[^\n]{0,100}){1,15})")
_COMPANY_LOOKBEHIND = regex.compile(
    rf"(?<=(?:^|\n)(?![^\n]{{0,60}}(?:{filters._PEOPLE_OR_BANK}))[^\n:]{{0,25}}"
    rf"(?:{filters._ORGANISATION})[^\n]{{0,100}}(?:\n[^\n]{{0,100}}){{0,4}})")

_PIECES = ["記入例", "見本", "(例)", "例:", "見本を", "株式会社", "(株)", "支店", "Copyright",
           "(c) 2024", "顧客", "銀行", ":", "TEL 03-1234-5678", "あ", "x" * 7, "山" * 19,
           "い" * 24, "う" * 59, "え" * 69, "お" * 99, " "]
_LINES = st.lists(st.lists(st.sampled_from(_PIECES), max_size=4).map("".join), max_size=20)


@settings(max_examples=400, deadline=None)
@given(_LINES)
def test_look_back_filters_equal_their_look_behinds(lines: list[str]) -> None:
    text = "\n".join(lines)
    for end in range(len(text) + 1):
        assert filters.sample_value(text, end, end) is (
            _SAMPLE_LOOKBEHIND.match(text, end) is not None), (text, end)
        assert filters.company_contact(text, end, end) is (
            _COMPANY_LOOKBEHIND.match(text, end) is not None), (text, end)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3 * 4096), st.sampled_from(
    ["記入例", "見本", "(例)", "例:", "記入例:", "株式会社", "(c) 2024", "Corporation", "\n"])),
    max_size=30), st.integers(0, 3 * 4096), st.integers(0, 2000))
def test_word_starts_never_miss_a_word_a_search_finds(placed: list[tuple[int, str]], end: int,
                                                       reach: int) -> None:
    """The word index the look-back filters ask first, across block boundaries and with
    words that hide each other: wherever ``re.search`` finds a word, it says yes."""
    for hidden in ("あ" * 10 + "記入例:", "あ" * 4094 + "記入例:"):  # 例: inside 記入例
        at = hidden.index("例:")
        assert filters._SAMPLE_WORD_STARTS.any_between(hidden, at, at + 2)
        assert not filters._SAMPLE_WORD_STARTS.any_between(hidden, 0, at - 5)
    chars = ["あ"] * (3 * 4096 + 20)
    for at, word in placed:
        chars[at:at + len(word)] = word
    text = "".join(chars)
    for index, source in ((filters._SAMPLE_WORD_STARTS, filters._SAMPLE_WORDS),
                          (filters._ORGANISATION_STARTS, filters._ORGANISATION)):
        if re.compile(source).search(text, max(0, end - reach), end) is not None:
            assert index.any_between(text, end - reach, end), (source, end, reach)
    for at, _ in placed:  # the filters themselves, at and around each word
        # a value ends inside its text: past the end, regex.match would clamp the position
        # and the filters (rightly) would not, comparing two different questions
        for value_end in {min(at + step, len(text)) for step in (0, 5, 80)}:
            assert filters.sample_value(text, value_end, value_end) is (
                _SAMPLE_LOOKBEHIND.match(text, value_end) is not None)
            assert filters.company_contact(text, value_end, value_end) is (
                _COMPANY_LOOKBEHIND.match(text, value_end) is not None)
