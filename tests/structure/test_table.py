"""The table layer: header row, title rows, headerless tables, what each column holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from piiscan.models import Location, Segment
from piiscan.structure.table import Cell, Row, Table, find_header, restore_zeros


def rows(*lines: list[str]) -> list[Row]:
    out = []
    for r, cells in enumerate(lines, start=1):
        out.append(Row([Cell(c, text, Location("t.csv", row=r, column=c))
                        for c, text in enumerate(cells, start=1)], f"row {r}"))
    return out


def headers(table_rows: list[Row], table: Table | None = None) -> dict[str, str | None]:
    """text -> header of every data cell."""
    table = table or Table()
    return {s.text: s.header for s in table.segments(table_rows)}


def test_title_rows_above_the_header_are_not_the_header() -> None:
    data = rows(["（見本）"], ["氏名", "個人番号"], ["山田 太郎", "123456789018"])
    assert find_header(data) == 1
    found = headers(data)
    assert found["123456789018"] == "個人番号"
    assert found["（見本）"] is None


def test_a_first_row_of_data_means_no_header() -> None:
    data = rows(["白石", "芳郎", "シライシ", "ヨシロウ", "0199072160", "yoshirou@mail.jp", "1967/10/26"],
                ["大熊", "日菜", "オオクマ", "ヒナ", "0985105688", "hina@mail.jp", "1960/04/11"],
                ["安井", "章二", "ヤスイ", "ショウジ", "0254213155", "shouji@mail.jp", "1991/05/20"])
    assert find_header(data) is None
    found = headers(data)
    assert found["白石"] == "#1 → 姓" and found["芳郎"] == "#2 → 名"
    assert found["シライシ"] == "#3 → フリガナ（姓）"
    assert found["0199072160"] == "#5 → 電話番号"
    assert found["yoshirou@mail.jp"] == "#6 → メールアドレス"
    assert found["1967/10/26"] == "#7 → 生年月日"  # dates over decades in a table of people


def test_dates_in_a_table_without_people_are_not_birth_dates() -> None:
    data = rows(["2001-04-01", "12"], ["1995-09-10", "8"], ["1983-02-20", "4"])
    assert headers(data)["2001-04-01"] is None


def test_an_empty_header_cell_continues_the_one_to_its_left() -> None:
    data = rows(["氏名", "住所", "", "", "電話番号"],
                ["山田 太郎", "岩手県", "気仙郡住田町", "上有住2-17", "0198872715"])
    found = headers(data)
    assert found["気仙郡住田町"] == found["上有住2-17"] == "住所"


def test_romaji_and_english_headers_are_read() -> None:
    data = rows(["namae", "rubi", "tanjobi"], ["江成 仁一", "エナリ ジンイチ", "1980/03/04"])
    found = headers(data)
    assert found["1980/03/04"] == "tanjobi → 生年月日"
    assert found["エナリ ジンイチ"] == "rubi → フリガナ"


@pytest.mark.parametrize(("values", "header"), [
    (["中華サラダ", "牛乳", "麦ごはん", "牛乳", "ひじきの煮物"], "name → 品名等"),
    (["川添幼稚園", "三渓幼稚園", "香西幼稚園", "一宮図書館", "高松市斎場"], "name → 名称"),
    (["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 健"], "name → 氏名"),
])
def test_an_ambiguous_name_column_is_checked_by_its_values(values: list[str], header: str
                                                           ) -> None:
    data = rows(["name", "note"], *[[v, "-"] for v in values])
    assert headers(data)[values[0]] == header


def test_a_given_header_and_a_headerless_table() -> None:
    given = Table(["user_name", "phone"])
    found = headers(rows(["長井美南", "0771749188"]), given)
    assert found["長井美南"] == "user_name → 氏名"
    assert given.header(2) == "phone → 電話番号"


def test_phones_and_postal_codes_stored_as_numbers_get_their_zeros_back() -> None:
    assert restore_zeros("9012345678", "PHONE") == "09012345678"
    assert restore_zeros("292501", "POSTAL_CODE") == "0292501"
    assert restore_zeros("1234", "PHONE") == "1234"
    assert restore_zeros("9012345678", "AGE") == "9012345678"


def test_rows_read_before_a_broken_one_are_still_yielded() -> None:
    def broken() -> Iterator[Row]:
        yield from rows(["氏名", "電話"], ["山田 太郎", "090-1234-5678"])
        raise ValueError("malformed line")

    seen: list[Segment] = []
    with pytest.raises(ValueError):
        for seg in Table().segments(broken()):
            seen.append(seg)
    assert "090-1234-5678" in {s.text for s in seen}


def test_a_reading_column_makes_an_ambiguous_name_column_a_name_column() -> None:
    """侍 太郎 is in no dictionary, but a table with a reading column is a table of people."""
    data = rows(["name", "furigana", "email"], ["侍 太郎", "サムライ タロウ", "t@x.jp"],
                ["侍 義勝", "サムライ ヨシカツ", "y@x.jp"])
    assert headers(data)["侍 義勝"] == "name → 氏名"


def test_a_table_named_after_people_makes_its_name_column_a_name_column() -> None:
    data = rows(["大空翼", "ROLE_ADMIN"], ["孫悟空", "ROLE_GENERAL"])
    assert headers(data, Table(["name", "role"], subject="users"))["孫悟空"] == "name → 氏名"
    assert headers(data, Table(["name", "role"], subject="plans"))["孫悟空"] == "name → 品名等"


def test_a_name_column_of_inns_or_roads_names_places() -> None:
    inns = rows(["name", "postal_code", "address"],
                *[[n, "073-0145", "北海道砂川市西五条南"] for n in
                  ("SAMURAIの宿", "ペンション SAMURAI", "SAMURAI荘", "民宿 侍", "侍屋")])
    assert headers(inns)["民宿 侍"] == "name → 名称"
    roads = rows(["name", "length"], ["道央自動車道", "16"], ["一般国道5号", "3"],
                 ["札樽自動車道", "8"])
    assert headers(roads)["札樽自動車道"] == "name → 名称"


def test_a_few_companies_in_a_table_of_people_leave_it_one() -> None:
    data = rows(["name", "kana"], ["個人太郎", "コジンタロウ"], ["株式会社法人", "ホウジン"],
                ["個人次郎", "コジンジロウ"], ["個人三郎", "コジンサブロウ"])
    assert headers(data)["個人次郎"] == "name → 氏名"


def test_a_headerless_column_of_clinics_names_organisations() -> None:
    names = ["医療法人社団 清陽会 すこやか医院", "加藤医院", "とやま内科", "西船橋泌尿器科クリニック",
             "ならしの内科外科"]
    data = rows(*[[f"12281{i}", n, "2730002", "船橋市東船橋２－１７－１６"]
                  for i, n in enumerate(names)])
    assert headers(data)["加藤医院"] == "#2 → 名称"


def test_a_kana_column_beside_a_named_reading_column_is_no_reading() -> None:
    """キャリア (ドコモ, ソフトバンク) next to ふりがな: the table has its readings already."""
    data = rows(["ふりがな", "キャリア", "名前"], ["たはら みな", "ドコモ", "田原 美菜"],
                ["こみね はるか", "ソフトバンク", "小峰 遥"], ["はしの さゆり", "ドコモ", "はしの 小百合"])
    found = headers(data)
    assert found["ドコモ"] == "キャリア" and found["たはら みな"] == "ふりがな → フリガナ"
