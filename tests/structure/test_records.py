"""One record at a time: split values joined, rows about organisations, example rows."""

from __future__ import annotations

from piiscan.models import Location, Segment
from piiscan.structure.records import Assembler, Record, assemble


def record(*cells: tuple[str, str | None], key: str = "row 2") -> Record:
    segs = [Segment(text, Location("t.csv", row=2, column=c), header=header, record=key)
            for c, (text, header) in enumerate(cells, start=1)]
    return assemble(segs, key)


def texts(rec: Record) -> dict[str, str | None]:
    return {s.text: s.header for s in rec.segments}


def test_a_name_split_over_surname_and_given_name_columns_is_one_name() -> None:
    rec = record(("福沢", "姓"), ("雫", "名"), ("フクザワ", "セイ"), ("シズク", "メイ"),
                 ("0198872715", "電話番号"))
    found = texts(rec)
    assert found["福沢 雫"] == "姓・名 → 氏名"
    assert found["フクザワ シズク"] == "セイ・メイ → フリガナ"
    assert "福沢" not in found and "シズク" not in found
    joined = next(s for s in rec.segments if s.text == "福沢 雫")
    assert joined.location.column == 1  # at the first part


def test_every_pair_of_name_columns_is_joined() -> None:
    """姓 | 名 and then family_name | first_name: the kanji name and the romaji one."""
    found = texts(record(("須賀", "姓"), ("family", None), ("suga", "family_name"),
                         ("美智子", "名"), ("michiko", "first_name")))
    assert "須賀 美智子" in found and "suga michiko" in found


def test_a_note_in_brackets_is_no_part_of_a_joined_name() -> None:
    found = texts(record(("水島", "姓"), ("朝陽(アサヒ)", "名"), ("梅村", "姓"), ("(名前)理紗", "名")))
    assert "水島 朝陽" in found and "梅村 理紗" in found


def test_fhir_family_and_given_are_a_name() -> None:
    found = texts(record(("山田", "name.family"), ("太郎", "name.given")))
    assert "山田 太郎" in found


def test_an_address_over_cells_under_one_header_is_one_address() -> None:
    found = texts(record(("岩手県", "住所"), ("気仙郡住田町", "住所"), ("上有住", "住所"),
                         ("2-17", "住所"), ("1959-11-17", "生年月日")))
    assert found["岩手県気仙郡住田町上有住2-17"] == "住所"


def test_an_address_over_cells_is_recognised_by_its_values() -> None:
    found = texts(record(("山梨県", "住所"), ("南巨摩郡身延町", "col8"), ("大崩", "col9"),
                         ("4-7-16", "col10"), ("ステーション大崩216", "col11"),
                         ("1964/08/04", "生年月日")))
    assert "山梨県南巨摩郡身延町大崩4-7-16ステーション大崩216" in found
    assert "1964/08/04" in found


def test_a_prefecture_and_a_municipality_without_a_street_are_a_place() -> None:
    found = texts(record(("北海道", "都道府県名"), ("札幌市", "市区町村名"), ("1952356", "人口")))
    assert "北海道" in found and "札幌市" in found  # not joined


def test_a_row_of_a_list_of_places_is_an_organisations() -> None:
    rec = record(("34.34", "latitude"), ("高松市中央図書館", "name → 名称"),
                 ("高松市昭和町一丁目2-20", "address"), ("087-861-4501", "telephoneNumber"))
    assert rec.organisation is not None and "名称" in rec.organisation
    person = record(("山田 太郎", "氏名"), ("087-861-4501", "電話番号"), ("高松市", "所在地"))
    assert person.organisation is None


def test_a_company_where_a_person_would_be_makes_the_row_a_companys() -> None:
    assert record(("株式会社法人", "name"), ("1955-02-10", "birthday")).organisation
    assert record(("大阪市東区東町四丁目４番４号", "addr"), ("本店", "addr_kind")).organisation
    assert record(("個人太郎", "name"), ("1970-01-30", "birthday")).organisation is None


def test_only_a_row_marked_as_an_example_is_one() -> None:
    assert record(("記入例", "No"), ("山田 太郎", "氏名")).sample == "記入例"
    assert record(("1", "No"), ("山田 太郎", "氏名")).sample is None


def test_id_cells_are_kept_for_joining_tables() -> None:
    assert record(("101", "client_id"), ("短期記憶の低下", "vr_cognition")).keys == (
        "client_id=101",)


def test_the_assembler_groups_consecutive_cells_of_one_record() -> None:
    assembler = Assembler()
    segs = [Segment("山田", Location("t"), header="姓", record="r1"),
            Segment("太郎", Location("t"), header="名", record="r1"),
            Segment("本文", Location("t")),
            Segment("佐藤", Location("t"), header="姓", record="r2")]
    out = [r for s in segs for r in assembler.feed(s)] + list(assembler.flush())
    assert [[s.text for s in r.segments] for r in out] == [["山田 太郎"], ["本文"], ["佐藤"]]


def test_a_json_document_in_a_cell_is_read_as_its_cells() -> None:
    found = texts(record(("山田太郎", "name"),
                         ('{"allergies": ["ペニシリン"], "conditions": ["高血圧"]}',
                          "medical_history")))
    assert found["高血圧"] == "medical_history.conditions"
    assert found["ペニシリン"] == "medical_history.allergies"
    assert texts(record(("{not json", "memo")))["{not json"] == "memo"


def test_a_text_headed_by_an_organisations_name_is_the_organisations() -> None:
    under = Segment("TEL:099-256-2729", Location("p.html"), header="社会福祉法人 天祐会【本部】")
    plain = Segment("TEL:099-256-2729", Location("p.html"), header="電話番号")
    assert Assembler().feed(under)[0].organisation is not None
    assert Assembler().feed(plain)[0].organisation is None


def test_a_birth_date_over_year_month_and_day_columns_is_one_date() -> None:
    rec = record(("山田　太郎", "name"), ("昭和51", "birth_year"), ("12", "birth_month"),
                 ("12", "birth_day"), ("令和10", "expired_year"), ("12", "expired_month"),
                 ("12", "expired_day"))
    found = texts(rec)
    assert found["昭和51年12月12日"] == "birth_year・birth_month・birth_day → 生年月日"
    assert "令和10" in found  # an expiry date is no birth date: left as it is
    assert texts(record(("1980", "生年月日(年)"), ("3", "生年月日(月)"), ("4", "生年月日(日)"))) == {
        "1980年3月4日": "生年月日(年)・生年月日(月)・生年月日(日) → 生年月日"}


def test_an_address_in_kana_or_romaji_over_cells_is_one_address_of_its_own() -> None:
    kana, romaji = "住所（カタカナ）", "住所（ローマ字）"  # spanning cells, as the table layer gives them
    rec = record(("東京都", "住所"), ("港区", "住所"), ("芝公園1-4-14", "住所"),
                 ("トウキョウト", kana), ("ミナトク", kana), ("シバコウエン", kana), ("1-4-14", kana),
                 ("Toukyouto", romaji), ("Minatoku", romaji), ("Shibakouen", romaji),
                 ("1-4-14", romaji))
    found = texts(rec)
    assert "トウキョウトミナトクシバコウエン1-4-14" in found
    assert found["ToukyoutoMinatokuShibakouen1-4-14"] == "住所（ローマ字）"


def test_an_organisation_in_a_persons_column_makes_the_row_the_organisations() -> None:
    """An events table's contact_name holds the organiser (福岡市保健福祉局): the row's
    address and phone are the organiser's."""
    rec = record(("健康講座", "title"), ("福岡市中央区天神4-4-4", "address_block"),
                 ("福岡市保健福祉局", "contact_name"), ("092-1111-3333", "contact_phone"))
    assert rec.organisation is not None
    assert record(("山田 太郎", "contact_name"), ("092-1111-3333", "contact_phone")
                  ).organisation is None


def test_year_month_and_day_columns_of_another_date_are_no_birth_date() -> None:
    for stem in ("発生", "生産", "expired_"):
        rec = record(("2024", f"{stem}年"), ("3", f"{stem}月"), ("4", f"{stem}日"))
        assert not any("生年月日" in (h or "") for h in texts(rec).values()), stem
