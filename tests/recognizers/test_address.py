"""Addresses: spaces between parts, street numbers as one run, places that are not homes."""

from __future__ import annotations

import pytest

from piiscan.models import Level
from piiscan.normalize import normalize
from piiscan.recognizers.address import addresses


def found(text: str, header: str | None = None) -> list[tuple[str, Level]]:
    norm = normalize(text)
    return [(norm[c.start:c.end], c.confidence) for c in addresses(norm, header)]


def test_parts_separated_by_spaces() -> None:
    assert found("京都府 京都市左京区 吉永町 2-9 吉永町ランド202") == [
        ("京都府 京都市左京区 吉永町 2-9 吉永町ランド202", Level.HIGH)]
    assert found("大阪府 南河内郡河南町 一須賀 2-10-5")[0][0] == "大阪府 南河内郡河南町 一須賀 2-10-5"


def test_the_street_number_is_one_run() -> None:
    assert found("河東郡音更町 宝来南二条 1-15 1974/05/09")[0][0] == "河東郡音更町 宝来南二条 1-15"
    assert found("北海道札幌市中央区北1条西2丁目1-1")[0][0] == "北海道札幌市中央区北1条西2丁目1-1"


@pytest.mark.parametrize("text", [
    "大阪市中央区備後町四丁目",  # a district of a hundred homes: no house number
    "朝日町一丁目、朝日町二丁目",
    "高松市十川西町",           # 十 in a place name is no street number
    "高松市組織一覧",
])
def test_places_that_are_not_a_home_stay_low(text: str) -> None:
    assert all(level == Level.LOW for _, level in found(text))


@pytest.mark.parametrize("text", [
    "福岡市営１号線", "高松市立三渓幼稚園1-2", "徳島県松茂町は 1 カ月無料", "高松市長は2日",
])
def test_institutions_and_sentences_are_not_addresses(text: str) -> None:
    assert found(text) == []


def test_a_bare_municipality_in_a_place_column_is_no_address() -> None:
    assert found("七尾市", "所在地_市区町村") == []
    assert found("京都市右京区", "住所") != []  # in a person's address column it is one


def test_a_municipality_merged_away_after_a_prefecture_is_still_one() -> None:
    """Old records and generated lists keep 武生市 (越前市 since 2005) and 小笠郡菊川町."""
    assert found("福井県武生市国兼町1-2-3") == [("福井県武生市国兼町1-2-3", Level.HIGH)]
    assert found("静岡県小笠郡菊川町仲島", "住所")[0][0] == "静岡県小笠郡菊川町仲島"
    assert found("静岡県東部地区") == [] and found("千葉県知事選挙") == []


@pytest.mark.parametrize("text", ["埼玉県三郷市〇〇町0-0", "東京都港区○○町1-2-3", "大阪市北区××町1"])
def test_a_stand_in_for_a_town_or_a_number_is_no_address(text: str) -> None:
    assert found(text) == []
    assert found("東京都港区芝二〇〇番地") != []  # 〇 as a numeral


def test_a_masked_street_number_leaves_the_town() -> None:
    assert found("滋賀県東近江市佐目町X-XX-XX") == [("滋賀県東近江市佐目町", Level.LOW)]


def test_an_address_column_in_kana_or_romaji_holds_addresses() -> None:
    from piiscan.recognizers.address import addresses

    for text, header in (("トウキョウトミナトクシバコウエン1-4-14", "住所（カタカナ）"),
                         ("Toukyouto Minatoku Shibakouen 1-4-14", "address_romaji")):
        found = list(addresses(text, header))
        assert [(c.start, c.end) for c in found] == [(0, len(text))], text
    assert not list(addresses("トウキョウト", "住所（カタカナ）"))  # no number: a place
    assert not list(addresses("Toukyouto Minatoku 1-4-14", None))  # no column: no address
