from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piiscan.extract import BudgetExceeded, ExtractContext, Item
from piiscan.extract.csv import iter_lines, sniff_dialect
from piiscan.models import Segment

import fixtures_containers as fx


def _by_text(items: list[Item]) -> dict[str, Segment]:
    return {segment.text: segment for segment in fx.segments_of(items)}


def test_cp932_csv_cells_carry_header_row_and_column(tmp_path: Path) -> None:
    ctx = ExtractContext()
    items = fx.extract_file(fx.make_csv_cp932(tmp_path), ctx=ctx)
    cells = _by_text(items)
    assert ctx.encodings == ["cp932"]
    phone = cells[fx.PHONE]
    assert phone.header == "電話番号"
    assert (phone.location.row, phone.location.column) == (2, 2)
    assert phone.record == "row 2"
    assert phone.location.path == "顧客名簿.csv"
    assert cells[fx.NAME_2].location.row == 3
    assert cells[fx.NAME_2].header == "氏名"
    assert not fx.skips_of(items) and not fx.notes_of(items)


def test_header_row_cells_are_segments_of_row_1(tmp_path: Path) -> None:
    cells = _by_text(fx.extract_file(fx.make_csv_cp932(tmp_path)))
    for column, title in enumerate(fx.CSV_HEADER, start=1):
        assert cells[title].location.row == 1
        assert cells[title].location.column == column
        assert cells[title].header is None


def test_quoted_field_with_embedded_newline_stays_one_cell(tmp_path: Path) -> None:
    cells = _by_text(fx.extract_file(fx.make_csv_cp932(tmp_path)))
    note = cells[f"複数行の備考\nマイナンバー {fx.MY_NUMBER}"]
    assert note.header == "備考"
    assert note.location.row == 2
    # the record after the two-line field is still row 3
    assert cells[fx.EMAIL_2].location.row == 3


def test_cells_of_a_row_share_a_record(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_csv_cp932(tmp_path)))
    row_2 = {s.text for s in segments if s.record == "row 2"}
    assert {fx.NAME, fx.PHONE, fx.EMAIL} <= row_2
    assert fx.NAME_2 not in row_2


def test_tsv_uses_tabs(tmp_path: Path) -> None:
    ctx = ExtractContext()
    cells = _by_text(fx.extract_file(fx.make_tsv(tmp_path), ctx=ctx))
    assert ctx.encodings == ["utf-8"]
    assert cells[fx.EMAIL].header == "メールアドレス"
    assert cells[fx.EMAIL].location.column == 3


def test_semicolon_dialect_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"氏名;電話\n{fx.NAME};{fx.PHONE}\n{fx.NAME_2};{fx.PHONE_2}\n", "utf-8")
    cells = _by_text(fx.extract_file(path))
    assert cells[fx.PHONE].header == "電話"
    assert cells[fx.PHONE].location.column == 2


def test_single_column_falls_back_to_comma() -> None:
    assert sniff_dialect("氏名\n山田太郎\n佐藤花子\n", "csv").delimiter == ","
    assert sniff_dialect("氏名\n山田太郎\n", "tsv").delimiter == "\t"


def test_sniffer_choice_absent_from_header_is_ignored() -> None:
    # ';' only appears inside data: the header decides.
    sample = "a,b\n1;2;3,4\n5;6;7,8\n9;1;2,3\n"
    assert sniff_dialect(sample, "csv").delimiter == ","


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"氏名,電話\n{fx.NAME},{fx.PHONE}\n".encode())
    cells = _by_text(fx.extract_file(path))
    assert cells[fx.NAME].header == "氏名"


def test_malformed_csv_rest_is_scanned_as_text(tmp_path: Path) -> None:
    # An unterminated quote swallows the rest of the file into one field until the csv
    # module's field size limit trips: the rest must still be scanned.
    filler = "x" * 100 + "\n"
    body = f'氏名,電話\n{fx.NAME},{fx.PHONE}\n{fx.NAME_2},"broken\n' + filler * 2000
    body += f"最後の行 {fx.MY_NUMBER}\n"
    path = tmp_path / "broken.csv"
    path.write_bytes(body.encode("cp932"))
    items = fx.extract_file(path)
    assert any("malformed CSV from line 3" in note for note in fx.notes_of(items))
    cells = _by_text(items)
    assert cells[fx.PHONE].location.row == 2
    text = [s for s in fx.segments_of(items) if s.line_based]
    assert text and text[0].first_line == 3
    assert any(fx.MY_NUMBER in s.text for s in text)
    assert not fx.skips_of(items)


def test_binary_content_named_csv_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(1, 9)) * 500)
    skips = fx.skips_of(fx.extract_file(path))
    assert skips and "binary" in skips[0].reason


def test_big_csv_is_streamed_with_exact_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="cp932", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["番号", "氏名", "電話番号"])
        for n in range(20_000):
            writer.writerow([n, fx.NAME, f"090-{n % 10000:04d}-5678"])
    segments = fx.segments_of(fx.extract_file(path))
    assert len(segments) == 3 + 3 * 20_000
    last = segments[-1]
    assert last.location.row == 20_001
    assert last.header == "電話番号"


def test_undecodable_bytes_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    # Valid CP932 sample, then a byte sequence CP932 cannot decode far beyond the sample.
    good = f"氏名,電話\n{fx.NAME},{fx.PHONE}\n".encode("cp932") * 5000
    path.write_bytes(good + b"\x82\xff,x\n")
    notes = fx.notes_of(fx.extract_file(path))
    assert any("undecodable" in note for note in notes)


def test_records_are_unique_across_container_members(tmp_path: Path) -> None:
    path = fx.make_zip(tmp_path, "two.zip", {"a.csv": fx.csv_bytes(), "b.csv": fx.csv_bytes()})
    segments = fx.segments_of(fx.extract_file(path))
    records = {s.record for s in segments if s.text == fx.PHONE}
    assert records == {"a.csv!row 2", "b.csv!row 2"}


def test_time_budget_stops_extraction(tmp_path: Path) -> None:
    with pytest.raises(BudgetExceeded):
        fx.extract_file(fx.make_csv_cp932(tmp_path), ctx=ExtractContext(deadline=0.0))


def test_malformed_line_after_the_header_sample(tmp_path: Path) -> None:
    """Rows past the ones the table layer decides from keep their header; a broken line
    there still hands the rest to the text reader."""
    rows = "".join(f"{fx.NAME},090-0000-{n:04d}\n" for n in range(60))
    body = f'氏名,電話\n{rows}{fx.NAME_2},"broken\n' + ("x" * 100 + "\n") * 2000
    path = tmp_path / "long.csv"
    path.write_bytes((body + f"最後の行 {fx.MY_NUMBER}\n").encode("cp932"))
    items = fx.extract_file(path)
    cells = [s for s in fx.segments_of(items) if not s.line_based]
    assert [c.header for c in cells if c.text == "090-0000-0059"] == ["電話"]
    assert any("malformed CSV from line 62" in note for note in fx.notes_of(items))
    assert any(fx.MY_NUMBER in s.text for s in fx.segments_of(items) if s.line_based)



@given(st.text(alphabet="ab\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\u3000山", max_size=60))
def test_lines_one_at_a_time_are_the_lines_splitlines_gives(text: str) -> None:
    assert list(iter_lines(text)) == text.splitlines(keepends=True)
