"""Reading a customer master: every Japanese encoding, TSV, XLSX with typed cells, title rows,
no header; an undecodable byte stops the build with the row it is in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from piiscan.edm.master import cell_text, read_master
from piiscan.errors import ConfigError, UsageError

ROWS = [["顧客ID", "氏名", "電話番号"], ["1", "山田 太郎", "090-1234-5678"],
        ["2", "高橋 花子", "080-2345-6789"]]


def rows_of(path: Path, **kwargs: object) -> tuple[list[str], list[tuple[int, list[str]]]]:
    table = read_master(str(path), **kwargs)  # type: ignore[arg-type]
    return table.header, list(table.rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "euc_jp", "utf-16",
                                      "iso2022_jp"])
def test_csv_in_every_japanese_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "master.csv"
    text = "\r\n".join(",".join(row) for row in ROWS) + "\r\n"
    path.write_bytes(text.encode(encoding))
    header, rows = rows_of(path)
    assert header == ROWS[0]
    assert rows == [(2, ROWS[1]), (3, ROWS[2])]


def test_tsv_and_a_title_row(tmp_path: Path) -> None:
    path = tmp_path / "master.tsv"
    path.write_text("顧客一覧\n" + "\n".join("\t".join(r) for r in ROWS) + "\n\n",
                    encoding="utf-8")
    header, rows = rows_of(path, header_row=2)
    assert header == ROWS[0]
    assert [n for n, _ in rows] == [3, 4]  # blank rows are skipped


def test_no_header(tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    path.write_text("\n".join(",".join(r) for r in ROWS[1:]) + "\n", encoding="utf-8")
    header, rows = rows_of(path, header_row=0)
    assert header == [] and rows == [(1, ROWS[1]), (2, ROWS[2])]


def test_an_undecodable_byte_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    body = "\r\n".join(",".join(r) for r in ROWS).encode("utf-8") * 2000
    path.write_bytes(body + b"\r\n3,\xff\xfe,090\r\n")
    with pytest.raises(ConfigError, match=r"the bytes after row \d+ are not valid utf-8"):
        rows_of(path)


def test_a_binary_file_is_not_a_master(tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UsageError, match="binary"):
        rows_of(path)


def test_a_missing_master(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such master file"):
        rows_of(tmp_path / "none.csv")


def test_xlsx_cells_keep_their_zeros(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "顧客"
    sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"] = "氏名", "電話番号", "個人番号", "生年月日"
    sheet["B3"], sheet["C3"], sheet["D3"] = "山田 太郎", 9012345678, 12345678
    sheet["E3"] = dt.datetime(1980, 4, 1)
    path = tmp_path / "master.xlsx"
    book.save(path)
    header, rows = rows_of(path, header_row=2, sheet="顧客")
    assert header[1:] == ["氏名", "電話番号", "個人番号", "生年月日"]
    (number, cells), = rows
    assert number == 3
    assert cell_text(cells[2], "PHONE") == "09012345678"
    assert cell_text(cells[3], "MY_NUMBER") == "000012345678"
    assert cell_text(cells[4], "BIRTH_DATE") == "1980-04-01"
    assert cell_text(cells[1], "PERSON_NAME") == "山田 太郎"
    with pytest.raises(ConfigError, match="no sheet named '名簿' \\(sheets: 顧客\\)"):
        rows_of(path, sheet="名簿")


def test_a_sheet_name_for_a_csv_master(tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not XLSX"):
        rows_of(path, sheet="顧客")
