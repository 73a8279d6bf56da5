"""Person names: a form's label is not a name, even in a name column (issue 12); the cases
real documents showed (issue 16)."""

from __future__ import annotations

import pytest

from piiscan.normalize import normalize
from piiscan.recognizers.names import kana_names, person_names


def names(text: str, header: str | None = None) -> list[str]:
    norm = normalize(text)
    return [norm[c.start:c.end] for c in person_names(norm, header)]


def readings(text: str, header: str | None = None) -> list[str]:
    norm = normalize(text)
    return [norm[c.start:c.end] for c in kana_names(norm, header)]


@pytest.mark.parametrize(("text", "expected"), [
    ("佐藤課長にご確認ください", ["佐藤"]),          # surname + job title
    ("営業部の高橋主任から連絡", ["高橋"]),
    ("アンナ様、ご連絡ありがとうございます", ["アンナ"]),  # katakana given name + honorific
    ("患者：伊藤 美咲", ["伊藤 美咲"]),               # 患者 as a label
    ("営業部の山田です。", ["山田"]),                 # a self-introduction
    ("高橋 健市", ["高橋 健市"]),                     # 健市 is a given name, not a city
    ("鈴木 美都", ["鈴木 美都"]),
    ("山田氏宅にて", ["山田"]),                      # 氏 before 宅 is still an honorific
    ("鈴木殿、ご確認ください", ["鈴木"]),
    ("山田様方", ["山田"]),                          # 様方: care of
])
def test_names_real_documents_write(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "人を育み、多様な生き方が尊重されるまち",  # 多様 is not 多 + 様
    "利用者は当該費用を弁償するものとします",    # 利用者 in a sentence is not a label
    "小泉八雲記念館",                          # a thing named after someone
    "公正な取引を確保する",
    "平成課長",
    "ユーザー様",
    "以上です。",
    "お茶と源氏物語のまち",                    # 氏 that starts a word (源氏物語, 氏名)
    "寺社の殿堂",
    "毛様体の炎症",                              # 様 inside a word
    "症候群様変化を認める",
])
def test_words_that_only_look_like_names(text: str) -> None:
    assert names(text) == []


def test_columns_decide() -> None:
    assert names("Sato", "name → 氏名") == ["Sato"]  # romaji in a name column
    assert names("管理者", "氏名") == []
    assert names("中華サラダ", "menuName") == []
    assert names("高松市斎場公園", "name") == []    # ambiguous column: values must look like names
    assert names("山田 太郎", "name") == ["山田 太郎"]
    assert names("石崎町子40", "所在地") == []      # no names inside an address column


def test_name_columns_in_hiragana_and_lower_case_romaji() -> None:
    assert names("さくら うた", "氏名") == ["さくら うた"]    # the name, not its reading
    assert readings("さくら うた", "氏名") == []
    assert readings("ヤマダ タロウ", "氏名") == ["ヤマダ タロウ"]  # katakana: a reading
    assert names("なし", "氏名") == []
    assert names("suga michiko", "氏名") == ["suga michiko"]
    assert names("kawata Ami", "氏名") == ["kawata Ami"]
    assert names("test user", "氏名") == [] and names("guest", "氏名") == []
    assert names("TakiHina", "氏名（ローマ字）") == ["TakiHina"]


def test_readings() -> None:
    assert readings("カタカナまたは英語で書く") == []
    assert readings("町域名のフリガナが76文字を越える場合") == []
    assert readings("ふりがな やまだ たろう") == ["やまだ たろう"]
    assert readings("カナー症候群,カナーショウコウグン") == []  # カナ starting a word is no label
    assert readings("ケンシン タロウ", "family・given → 氏名") == ["ケンシン タロウ"]
    assert readings("サンノウショウガッコウ", "名称_カナ") == []


def test_an_ambiguous_name_column_holds_readings_only_the_tables_know() -> None:
    assert readings("サンフィッシュ", "name") == []  # a hall, not a person's reading
    assert readings("ヤマダ タロウ", "name") == ["ヤマダ タロウ"]
    assert readings("サンフィッシュ", "name → 氏名") == ["サンフィッシュ"]  # a name column


def test_words_no_name_holds_make_a_cell_an_organisations() -> None:
    assert names("有限会社エステート", "name → 氏名") == []
    assert names("佐藤医院", "name → 氏名") == []
    assert names("佐藤 花子", "name → 氏名") == ["佐藤 花子"]


def test_a_name_before_its_relation_in_brackets() -> None:
    assert names("山田 花子（長女）", "emergency_contact → 緊急連絡先") == ["山田 花子"]
    assert names("鈴木一郎(父) 090-1234-5678") == ["鈴木一郎"]
    assert names("父（同居）") == [] and names("本人（長男）") == []


@pytest.mark.parametrize("label", ["生年月日", "電話", "住所", "性別", "現住所", "連絡先", "学歴"])
def test_a_field_label_in_a_name_column_is_not_a_name(label: str) -> None:
    """Issue 12: the demo 履歴書's labels 生年月日 and 電話 were high-confidence names."""
    assert list(person_names(normalize(label), "氏名")) == []


def test_a_name_in_a_name_column_is_still_found() -> None:
    (found,) = person_names(normalize("山田 太郎"), "氏名")
    assert (found.start, found.end, str(found.confidence)) == (0, 5, "high")


def test_a_surname_in_hiragana_before_a_kanji_given_name_is_a_name_in_a_name_column() -> None:
    assert [text[c.start:c.end] for text in ["はしの 小百合"]
            for c in person_names(text, "名前")] == ["はしの 小百合"]


def test_an_address_reading_is_no_name_reading() -> None:
    """The ふりがな over a 住所 on a 履歴書: one of its words is a municipality's reading."""
    assert not list(kana_names("ふりがな トウキョウト チヨダク", None))
    assert not list(kana_names("トウキョウト シブヤク", "フリガナ"))
    assert list(kana_names("ふりがな ヤマダ タロウ", None))


def test_a_reading_column_instruction_is_no_reading() -> None:
    assert not list(kana_names("カタカナ", "フリガナ"))


def test_the_next_fields_label_ends_a_labelled_name() -> None:
    text = "氏名 山田花子 電話 090-1234-5678"
    assert [text[c.start:c.end] for c in person_names(text, None)
            if "labelled as a name" in c.reasons] == ["山田花子"]
