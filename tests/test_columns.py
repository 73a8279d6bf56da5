"""The column-semantics table: what a header says its column holds."""

from __future__ import annotations

import pytest

from piiscan.columns import annotate, kind_of, read_header, resolve, table


@pytest.mark.parametrize(("header", "kind"), [
    ("氏名", "PERSON_NAME"), ("姓", "SURNAME"), ("名", "GIVEN_NAME"),
    ("姓（カタカナ）", "SURNAME_KANA"), ("名（カタカナ）", "GIVEN_KANA"),
    ("セイ", "SURNAME_KANA"), ("メイ", "GIVEN_KANA"), ("ｾｲ", "SURNAME_KANA"), ("ﾒｲ", "GIVEN_KANA"),
    ("フリガナ（姓）", "SURNAME_KANA"), ("フリガナ（名）", "GIVEN_KANA"), ("フリガナ", "NAME_KANA"),
    ("氏名（カタカナ）", "NAME_KANA"), ("氏名(ローマ字)", "NAME_ROMAJI"),
    ("口座名義", "PERSON_NAME"), ("世帯主", "PERSON_NAME"), ("緊急連絡先", "EMERGENCY_CONTACT"),
    ("emergency_contact", "EMERGENCY_CONTACT"), ("連絡先", "PHONE"),
    ("namae", "PERSON_NAME"), ("rubi", "NAME_KANA"), ("jusho1", "ADDRESS"),
    ("tanjobi", "BIRTH_DATE"), ("yuubinbango", "POSTAL_CODE"), ("denwa", "PHONE"),
    ("user_pronoun", "NAME_KANA"), ("phonetic", "NAME_KANA"), ("furigana_last", "SURNAME_KANA"),
    ("family_name_kana", "SURNAME_KANA"), ("firstName", "GIVEN_NAME"),
    ("telephoneNumber", "PHONE"), ("mail_addr", "EMAIL"), ("disease", "MEDICAL"),
    ("religion", "BELIEF"), ("JP_Patient_Race", "ORIGIN"),
    ("被保険者証記号", "HEALTH_INSURANCE"), ("JP_Insurance_memberID", "HEALTH_INSURANCE"),
])
def test_headers_name_their_kind(header: str, kind: str) -> None:
    assert kind_of(header) == kind


@pytest.mark.parametrize(("header", "kind"), [
    ("町域名", "TOWN"), ("市区町村名", "MUNICIPALITY"), ("都道府県名", "PREFECTURE"),
    ("商品名", "THING"), ("menuName", "THING"), ("店舗名", "ORG_NAME"), ("施設名", "ORG_NAME"),
    ("名称_カナ", "ORG_NAME"), ("代表電話", "ORG_PHONE"), ("所在地", "ORG_ADDRESS"),
    ("company_address", "ORG_ADDRESS"), ("会社住所", "ORG_ADDRESS"), ("住所", "ADDRESS"),
    ("company_phone", "ORG_PHONE"), ("被請求者", "PERSON_NAME"), ("請求先", "PERSON_NAME"),
    ("latitude", "GEO"), ("都道府県コード", "THING"), ("store_id", "THING"),
    ("保険者番号", "INSURER_NUMBER"),  # the insurer's number: no person in it alone
])
def test_headers_that_only_look_like_names_are_not(header: str, kind: str) -> None:
    assert kind_of(header) == kind


def test_unknown_and_qualified_headers() -> None:
    assert read_header("last_login") is None  # 'last' names a surname only beside a modifier
    assert read_header("備考") is None
    assert read_header(None) is None


def test_an_english_name_column_is_ambiguous() -> None:
    column = read_header("name")
    assert column is not None and column.kind == "PERSON_NAME" and column.verify
    assert not read_header("氏名").verify  # type: ignore[union-attr]


def test_annotation_tells_the_rules_and_reads_back() -> None:
    column = read_header("tanjobi")
    assert column is not None
    assert annotate("tanjobi", column) == "tanjobi → 生年月日"
    assert annotate(None, column, 3) == "#3 → 生年月日"
    assert kind_of("tanjobi → 生年月日") == "BIRTH_DATE"
    assert resolve("電話") == "電話"  # a Japanese word the rules already know: unchanged
    assert resolve("name") == "name"  # ambiguous: the values decide, not the word
    assert resolve("病名") == "病名 → 病歴"  # sensitive columns always carry their label


def test_every_kind_has_a_unique_label() -> None:
    labels = [k.label for k in table().kinds.values()]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize(("value", "expected"), [
    ("医療法人 清陽会 すこやか医院", True), ("荒巻小", True), ("ペンション SAMURAI", True),
    ("to clinic shibuya", True), ("道央自動車道", True), ("北岡公民館", True),
    ("山田 太郎", False), ("小野寺", False), ("田中", False), ("Taro Yamada", False),
])
def test_organisation_and_place_names_by_the_column_tables_words(value: str,
                                                                 expected: bool) -> None:
    from piiscan.structure.values import looks_like_organisation

    assert looks_like_organisation(value) is expected


def test_table_and_model_names_that_say_their_rows_are_people() -> None:
    people = table().names_people
    assert people("users") and people("m_customer") and people("Employee.create!")
    assert people("会員名簿") and people("JP_Practitioner")
    assert not people("houses") and not people("mail_audit") and not people(None)


def test_a_language_or_a_word_that_holds_a_modifier_is_no_name_column() -> None:
    """A translation table's EN column; 読み in 読み始める文書 (where to start reading)."""
    assert read_header("EN") is None and read_header("English") is None
    assert read_header("読み始める文書") is None
    assert read_header("カナ").kind == "NAME_KANA" and read_header("ローマ字").kind == "NAME_ROMAJI"
    assert read_header("user_kana").kind == "NAME_KANA"
    assert read_header("s.student_furigana").kind == "NAME_KANA"  # s is a Ruby variable
    assert read_header("u.en") is None
