"""Tables that are only lines of text (a PDF table): a header line, rows aligned to it."""

from __future__ import annotations

from piiscan import columns
from piiscan.models import Location
from piiscan.structure.texttable import align, find_tables, segments

HEADER = "姓 名 姓（カタカナ） 名（カタカナ） 性別 電話番号 メールアドレス 郵便番号 住所 生年月日 乱数"
ROW = ("鈴木 英三 スズキ エイゾウ 男 0193487694 eizou@mail.jp 027-0091 岩手県 宮古市 築地 1-5 "
       "コーポ築地400 1984-11-10 6079")


def test_words_are_aligned_to_the_columns_by_their_shape() -> None:
    kinds = [columns.kind_of(w) for w in HEADER.split()]
    cells = align(ROW, kinds, 0)
    assert cells is not None
    by_column = {c.column: c.text for c in cells}
    assert by_column[9] == "岩手県 宮古市 築地 1-5 コーポ築地400"  # an address of several words
    assert by_column[6] == "0193487694" and by_column[10] == "1984-11-10"


def test_a_line_that_does_not_fit_ends_the_table() -> None:
    text = f"{HEADER}\n{ROW}\nページ 1 / 3 お問い合わせは窓口まで\n"
    (table,) = find_tables(text)
    assert [line for line, _ in table.rows] == [2]


def test_prose_has_no_table() -> None:
    assert find_tables("氏名と電話番号とメールアドレスを記入してください。\n次の行です。\n") == []


def test_segments_give_cells_with_headers_and_the_rest_as_text() -> None:
    text = f"会員名簿\n{HEADER}\n{ROW}\n以上\n"
    segs = list(segments(text, Location("a.pdf", page=1)))
    cells = {s.text: s for s in segs if s.record is not None}
    assert cells["eizou@mail.jp"].header == "メールアドレス"
    assert cells["1984-11-10"].location.line == 3
    rest = [s.text for s in segs if s.record is None]
    assert len(rest) == 1 and "以上" in rest[0] and "eizou" not in rest[0]
