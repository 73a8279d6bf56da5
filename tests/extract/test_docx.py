from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from piiscan.config import Limits
from piiscan.extract import Blob, BudgetExceeded, ExtractContext, extract_blob
from piiscan.models import Location, Note, Segment, Skip

from fixtures_office import (
    BILLION_LAUGHS,
    EMAIL,
    MY_NUMBER,
    NAME,
    NAME_2,
    PHONE,
    make_docx,
    make_docx_with_embedded_xlsx,
    replace_member,
    truncate,
)


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return make_docx(tmp_path_factory.mktemp("docx") / "顧客対応.docx")


def _segments(items: list[Segment | Skip | Note], part: str | None = None) -> list[Segment]:
    return [i for i in items if isinstance(i, Segment) and i.location.part == part]


def _texts(items: list[Segment | Skip | Note], part: str | None) -> list[str]:
    return [s.text for s in _segments(items, part)]


def test_body_paragraphs_are_numbered(docx_file, office_extract) -> None:
    items = office_extract(docx_file["path"])
    body = {s.location.paragraph: s.text for s in _segments(items) if s.location.cell is None}
    assert body[1] == "顧客情報の一覧"
    assert body[2] == f"担当者 {NAME} の電話は {PHONE} です。"
    assert 3 not in body  # an empty paragraph counts but yields nothing
    assert body[6] == f"ふりがな付き：{NAME}"  # furigana reading left out of the name
    assert not [i for i in items if isinstance(i, Skip)]


def test_table_cells_carry_header_and_record(docx_file, office_extract) -> None:
    cells = {
        s.location.cell: s for s in _segments(office_extract(docx_file["path"])) if s.location.cell
    }
    assert cells["T1R2C1"].text == NAME
    assert cells["T1R2C1"].header == "氏名"
    assert cells["T1R2C3"].text == MY_NUMBER
    assert cells["T1R2C3"].header == "マイナンバー"
    assert cells["T1R3C2"].header == "電話番号"
    assert cells["T1R1C1"].header is None  # the header row is not its own context
    assert {cells[c].record for c in ("T1R2C1", "T1R2C2", "T1R2C3")} == {"T1R2"}
    assert "T1R3C3" not in cells  # empty cell
    assert cells["T1R2C1"].location.render() == "顧客対応.docx!T1R2C1"


def test_tracked_changes_keep_inserted_and_deleted_text(docx_file, office_extract) -> None:
    items = office_extract(docx_file["path"])
    body = {s.location.paragraph: s.text for s in _segments(items) if s.location.cell is None}
    assert body[4] == "変更履歴：" + docx_file["inserted"]
    (deleted,) = _segments(items, "deleted text")
    assert deleted.text == f"削除された{MY_NUMBER}"
    assert deleted.location.paragraph == 4
    assert "編集者B" in _texts(items, "metadata:revision author")


def test_text_box_read_once(docx_file, office_extract) -> None:
    items = office_extract(docx_file["path"])
    boxes = _segments(items, "text box")
    assert [b.text for b in boxes] == [f"テキストボックス内 {EMAIL}"]  # VML fallback skipped
    assert boxes[0].location.paragraph == 5
    body = {s.location.paragraph: s.text for s in _segments(items) if s.location.cell is None}
    assert EMAIL not in body[5]  # box text is its own segment, not glued into the anchor


def test_headers_footers_notes_and_comments(docx_file, office_extract) -> None:
    items = office_extract(docx_file["path"])
    assert _texts(items, "header") == [docx_file["header"]]
    assert _texts(items, "footer") == [docx_file["footer"]]
    (footnote,) = _segments(items, "footnote")  # separator notes yield nothing
    assert footnote.text == docx_file["footnote"]
    assert footnote.record == "footnote1"
    assert _texts(items, "endnote") == [docx_file["endnote"]]
    (comment,) = _segments(items, "comment")
    assert comment.text == f"確認済み 本人確認書類 {MY_NUMBER}"
    assert _texts(items, "metadata:comment author") == ["監査担当C"]


def test_core_properties(docx_file, office_extract) -> None:
    items = office_extract(docx_file["path"])
    assert _texts(items, "metadata:creator") == [NAME]
    assert _texts(items, "metadata:lastModifiedBy") == [NAME_2]
    assert _texts(items, "metadata:title") == ["顧客名簿"]
    assert _texts(items, "metadata:description") == [docx_file["description"]]


def test_docm_is_read_the_same(docx_file, tmp_path: Path, office_extract) -> None:
    docm = tmp_path / "macro.docm"
    shutil.copy(docx_file["path"], docm)
    assert NAME in _texts(office_extract(docm), "metadata:creator")
    assert any(f"削除された{MY_NUMBER}" == t for t in _texts(office_extract(docm), "deleted text"))


def test_truncated_docx_is_skipped(docx_file, tmp_path: Path, office_extract) -> None:
    cut = truncate(docx_file["path"], tmp_path / "cut.docx")
    items = office_extract(cut)
    assert len(items) == 1 and isinstance(items[0], Skip)
    assert items[0].reason.startswith(
        "corrupt or truncated docx file — the zip structure is damaged"
    )


def test_entity_declarations_are_refused(docx_file, tmp_path: Path, office_extract) -> None:
    bomb = tmp_path / "bomb.docx"
    shutil.copy(docx_file["path"], bomb)
    replace_member(bomb, "word/document.xml", BILLION_LAUGHS)
    (skip,) = [i for i in office_extract(bomb) if isinstance(i, Skip)]
    assert skip.reason == "unsafe XML in word/document.xml refused (EntitiesForbidden)"


def test_damaged_side_part_is_skipped(docx_file, tmp_path: Path, office_extract) -> None:
    broken = tmp_path / "broken.docx"
    shutil.copy(docx_file["path"], broken)
    replace_member(broken, "word/footnotes.xml", b"<w:footnotes><w:footnote>")
    items = office_extract(broken)
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert skip.reason.startswith("footnote part word/footnotes.xml unreadable")
    assert _texts(items, "endnote") == [docx_file["endnote"]]  # the rest is still read


def test_part_inflating_past_the_limit_stops(docx_file) -> None:
    blob = Blob("a.docx", Location("a.docx"), path=str(docx_file["path"]))
    ctx = ExtractContext(limits=replace(Limits(), member_size=1000))
    with pytest.raises(BudgetExceeded, match="possible zip bomb"):
        list(extract_blob(blob, ctx))


def test_embedded_workbook_is_scanned_as_a_member(tmp_path: Path, office_extract) -> None:
    info = make_docx_with_embedded_xlsx(tmp_path / "letter.docx")
    items = office_extract(info["path"])
    inner = [
        s for s in items if isinstance(s, Segment) and s.location.members == (info["embedded"],)
    ]
    cell = next(s for s in inner if s.location.cell == "B3" and s.location.part is None)
    assert cell.text == NAME and cell.header == "氏名"
    assert cell.location.render() == f"letter.docx!{info['embedded']}!顧客!B3"


def test_member_location_chain_is_kept(docx_file, office_extract) -> None:
    items = office_extract(docx_file["path"], in_memory=True, members=("in/a.docx",))
    first = _segments(items)[0]
    assert first.location.members == ("in/a.docx",)
    assert first.location.paragraph == 1


# --- forms: label cells and value cells side by side (履歴書, 申込書) ---------------------

RESUME = [("氏名", NAME), ("フリガナ", "ヤマダ タロウ"), ("生年月日", "平成2年5月6日"),
          ("住所", "東京都千代田区千代田1-1"), ("電話", PHONE)]


def _form_docx(path: Path, rows: list[tuple[str, ...]]) -> Path:
    import docx

    doc = docx.Document()
    doc.add_heading("履歴書", level=1)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(str(path))
    return path


def test_form_value_cells_take_the_label_to_their_left(tmp_path: Path, office_extract) -> None:
    """Issue 12: the demo 履歴書 read its first row as column headers, so 生年月日 and 電話
    were values under '氏名' and the name itself was a header."""
    items = office_extract(_form_docx(tmp_path / "履歴書.docx", RESUME))
    cells = {s.location.cell: s for s in _segments(items) if s.location.cell}
    assert cells["T1R1C2"].text == NAME and cells["T1R1C2"].header == "氏名"
    assert cells["T1R2C2"].header == "フリガナ"
    assert cells["T1R3C2"].header == "生年月日"
    assert cells["T1R5C2"].header == "電話"
    for label in ("T1R1C1", "T1R3C1", "T1R5C1"):  # a label is not a value under a header
        assert cells[label].header is None
    # One form is one record (one person), not one per row.
    assert {s.record for s in cells.values()} == {"T1"}


def test_two_pairs_per_row(tmp_path: Path, office_extract) -> None:
    rows = [("氏名", NAME, "性別", "男"), ("生年月日", "昭和55年3月4日", "電話", PHONE)]
    items = office_extract(_form_docx(tmp_path / "申込書.docx", rows))
    cells = {s.location.cell: s for s in _segments(items) if s.location.cell}
    assert (cells["T1R1C2"].header, cells["T1R1C4"].header) == ("氏名", "性別")
    assert (cells["T1R2C2"].header, cells["T1R2C4"].header) == ("生年月日", "電話")
    assert cells["T1R2C3"].header is None


def test_a_list_with_a_header_row_is_not_a_form(tmp_path: Path, office_extract) -> None:
    rows = [("氏名", "電話"), (NAME, PHONE), (NAME_2, "080-9876-5432")]
    items = office_extract(_form_docx(tmp_path / "名簿.docx", rows))
    cells = {s.location.cell: s for s in _segments(items) if s.location.cell}
    assert cells["T1R2C1"].header == "氏名" and cells["T1R3C2"].header == "電話"
    assert cells["T1R2C1"].record == "T1R2"
