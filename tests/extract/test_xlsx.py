from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from piiscan.extract.xlsx import column_number, render
from piiscan.models import Note, Segment, Skip, column_letters

from fixtures_office import EMAIL, MY_NUMBER, NAME, make_xlsx, replace_member, truncate


@pytest.fixture(scope="module")
def xlsx_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return make_xlsx(tmp_path_factory.mktemp("xlsx") / "名簿.xlsx")


def _cells(items: list[Segment | Skip | Note], sheet: str) -> dict[str, Segment]:
    return {
        i.location.cell: i
        for i in items
        if isinstance(i, Segment)
        and i.location.sheet == sheet
        and i.location.part is None
        and i.location.cell
    }


def test_values_locations_and_headers(xlsx_file, office_extract) -> None:
    items = office_extract(xlsx_file["path"])
    cells = _cells(items, "顧客")
    assert {ref: cells[ref].text for ref in xlsx_file["cells"]} == xlsx_file["cells"]
    # Row 1 is empty, so row 2 (starting at column B) is the header row.
    assert cells["B3"].header == "氏名"
    assert cells["C3"].header == "電話番号"
    assert cells["E3"].header == "生年月日"
    assert cells["B2"].header is None
    assert cells["B3"].record == cells["C3"].record == "顧客!3"
    assert cells["B3"].location.render() == "名簿.xlsx!顧客!B3"
    assert not [i for i in items if isinstance(i, Skip)]


def test_numbers_render_without_float_artifacts(xlsx_file, office_extract) -> None:
    cells = _cells(office_extract(xlsx_file["path"]), "顧客")
    # A phone stored as a number lost its leading 0: in a phone column it is restored.
    assert cells["C3"].text == "09012345678"
    assert cells["D3"].text == "4111111111111111"  # no '4.111e+15'
    assert cells["D4"].text == "100000000000000000000"
    assert cells["F3"].text == "1234.5"
    assert cells["E3"].text == "1980-04-01"


def test_hidden_rows_columns_and_sheets(xlsx_file, office_extract) -> None:
    items = office_extract(xlsx_file["path"])
    cells = _cells(items, "顧客")
    assert cells["B5"].hidden  # hidden row
    assert cells["D3"].hidden and cells["D2"].hidden  # hidden column D
    assert not cells["B3"].hidden and not cells["C3"].hidden
    notes = [i.text for i in items if isinstance(i, Note)]
    assert "sheet '顧客' has 1 hidden row(s)" in notes
    assert "sheet '顧客' has 1 hidden column(s)" in notes
    assert notes.count("sheet '隠しシート' is hidden") == 1
    assert "sheet 'vh' is very hidden (visible only to macros)" in notes
    hidden_sheet = _cells(items, "隠しシート")
    assert hidden_sheet["A2"].text == EMAIL
    assert hidden_sheet["A2"].hidden and hidden_sheet["A2"].header == "メール"
    assert _cells(items, "vh")["A2"].hidden


def test_comment_and_formula_literal(xlsx_file, office_extract) -> None:
    items = office_extract(xlsx_file["path"])
    (comment,) = [i for i in items if isinstance(i, Segment) and i.location.part == "comment"]
    assert comment.text == f"本人確認済み {MY_NUMBER}"
    assert comment.location.cell == "B3" and comment.header == "氏名"
    assert comment.record == "顧客!3"
    (formula,) = [i for i in items if isinstance(i, Segment) and i.location.part == "formula"]
    assert formula.text == "携帯 070-1111-2222"
    assert formula.location.cell == "F4" and formula.header == "メモ"
    authors = [
        i.text
        for i in items
        if isinstance(i, Segment) and i.location.part == "metadata:comment author"
    ]
    assert authors == ["監査担当C"]


def test_metadata_and_sheet_names(xlsx_file, office_extract) -> None:
    items = office_extract(xlsx_file["path"])
    parts = {(i.location.part, i.text) for i in items if isinstance(i, Segment)}
    assert ("metadata:creator", NAME) in parts
    assert ("sheet name", "隠しシート") in parts


def test_xlsm_and_in_memory_member(xlsx_file, tmp_path: Path, office_extract) -> None:
    xlsm = tmp_path / "macro.xlsm"
    shutil.copy(xlsx_file["path"], xlsm)
    items = office_extract(xlsm, in_memory=True, members=("box/macro.xlsm",))
    cell = _cells(items, "顧客")["B3"]
    assert cell.text == NAME
    assert cell.location.render() == "macro.xlsm!box/macro.xlsm!顧客!B3"


def test_empty_sheet_and_offset_data(tmp_path: Path, office_extract) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "empty"
    data = wb.create_sheet("offset")
    data["D7"] = "電話"
    data["D9"] = "090-1111-2222"
    path = tmp_path / "sparse.xlsx"
    wb.save(str(path))
    items = office_extract(path)
    assert not _cells(items, "empty")
    cells = _cells(items, "offset")
    assert set(cells) == {"D7", "D9"}
    assert cells["D9"].header == "電話"


def test_title_row_is_not_the_header(tmp_path: Path, office_extract) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "list"
    ws["A1"] = "顧客一覧（2024年度）"  # a one-cell title above the real header row
    ws.append([])
    ws.append(["氏名", "電話番号"])
    ws.append([NAME, "090-1111-2222"])
    path = tmp_path / "titled.xlsx"
    wb.save(str(path))
    cells = _cells(office_extract(path), "list")
    assert cells["A4"].header == "氏名" and cells["B4"].header == "電話番号"
    assert cells["A3"].header is None and cells["A1"].header is None


def test_one_column_sheet_uses_its_first_row(tmp_path: Path, office_extract) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "names"
    for value in ("氏名", NAME, "佐藤花子"):
        ws.append([value])
    path = tmp_path / "one.xlsx"
    wb.save(str(path))
    cells = _cells(office_extract(path), "names")
    assert cells["A2"].header == "氏名" and cells["A3"].header == "氏名"


def test_damaged_sheet_is_skipped_by_name(xlsx_file, tmp_path: Path, office_extract) -> None:
    broken = tmp_path / "broken.xlsx"
    shutil.copy(xlsx_file["path"], broken)
    replace_member(broken, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r='1'>")
    items = office_extract(broken)
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert skip.reason.startswith("sheet '顧客' unreadable")
    assert _cells(items, "隠しシート")["A2"].text == EMAIL  # the other sheets are still read


def test_truncated_xlsx_is_skipped(xlsx_file, tmp_path: Path, office_extract) -> None:
    cut = truncate(xlsx_file["path"], tmp_path / "cut.xlsx")
    items = office_extract(cut)
    assert len(items) == 1 and isinstance(items[0], Skip)
    assert items[0].reason.startswith("corrupt or truncated xlsx file")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9012345678.0, "9012345678"),
        (4111111111111111.0, "4111111111111111"),
        (1.5, "1.5"),
        (1e-7, "0.0000001"),
        (-3.0, "-3"),
        (12, "12"),
        (True, ""),
        (datetime.datetime(2024, 1, 2), "2024-01-02"),
        (datetime.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05"),
        (datetime.date(1980, 4, 1), "1980-04-01"),
        ("  山田 ", "  山田 "),
        (float("nan"), ""),
    ],
)
def test_render(value: object, text: str) -> None:
    assert render(value) == text


def test_column_letters() -> None:
    for number, letters in [(1, "A"), (26, "Z"), (27, "AA"), (28, "AB"), (16384, "XFD")]:
        assert column_letters(number) == letters
        assert column_number(letters) == number
