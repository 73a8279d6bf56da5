from __future__ import annotations

import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from piiscan.extract import Blob, BudgetExceeded, ExtractContext, extract_blob
from piiscan.extract.pdf import ENCRYPTED
from piiscan.models import Location, Note, Segment, Skip, SkipKind

from fixtures_office import (
    EMAIL,
    MY_NUMBER,
    NAME,
    PHONE,
    PHONE_FULLWIDTH,
    find_japanese_ttf,
    make_pdf,
    make_pdf_encrypted,
    make_pdf_form,
    make_pdf_image_only,
    make_pdf_off_page_text,
    make_pdf_scans_only,
    truncate,
)


def _pages(items: list[Segment | Skip | Note]) -> dict[int, str]:
    return {
        i.location.page: i.text
        for i in items
        if isinstance(i, Segment) and i.location.page is not None and i.location.part is None
    }


def _refuse(*_args: object, **_kwargs: object) -> None:
    """Stands in for pypdfium2.PdfDocument to force the pdfminer.six fallback."""
    raise pdfium.PdfiumError("Failed to load document (PDFium: Data format error).")


def _notes(items: list[Segment | Skip | Note]) -> list[str]:
    return [i.text for i in items if isinstance(i, Note)]


def _skips(items: list[Segment | Skip | Note]) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


def test_cid_font_text_per_page(tmp_path: Path, office_extract) -> None:
    info = make_pdf(tmp_path / "名簿.pdf")
    items = office_extract(info["path"])
    pages = _pages(items)
    assert pages == {1: "\n".join(info["pages"][0]), 2: "\n".join(info["pages"][1])}
    assert PHONE_FULLWIDTH in pages[1]  # full-width hyphens survive as they are
    assert f"マイナンバー：{MY_NUMBER}" in pages[1]
    assert EMAIL in pages[2]
    assert not _skips(items) and not _notes(items)  # pdfium read it: no engine note


def test_embedded_truetype_font(tmp_path: Path, office_extract) -> None:
    # `make test` installs fonts-ipafont-gothic (tools/sysdeps.sh): a missing font is a broken
    # setup, not a skip.
    assert find_japanese_ttf() is not None, "install fonts-ipafont-gothic (tools/sysdeps.sh)"
    info = make_pdf(tmp_path / "ttf.pdf", font="ttf")
    pages = _pages(office_extract(info["path"]))
    assert f"氏名：{NAME}" in pages[1]
    assert PHONE_FULLWIDTH in pages[1]
    assert EMAIL in pages[2]


def test_text_outside_the_page_box_is_read(tmp_path: Path, office_extract) -> None:
    info = make_pdf_off_page_text(tmp_path / "off.pdf")
    assert _pages(office_extract(info["path"])) == {1: f"{info['visible']}\n{info['hidden']}"}


def test_document_properties(tmp_path: Path, office_extract) -> None:
    info = make_pdf(tmp_path / "a.pdf")
    meta = {
        i.location.part: i.text
        for i in office_extract(info["path"])
        if isinstance(i, Segment) and (i.location.part or "").startswith("metadata:")
    }
    assert meta["metadata:author"] == NAME
    assert meta["metadata:title"] == "顧客名簿"


def test_encrypted_pdf_needing_password_is_skipped(tmp_path: Path, office_extract) -> None:
    info = make_pdf_encrypted(tmp_path / "locked.pdf")
    items = office_extract(info["path"])
    assert items == [Skip("locked.pdf", ENCRYPTED)]
    assert ENCRYPTED == "encrypted PDF — password required, not scanned"


def test_encrypted_pdf_with_empty_user_password_is_read(tmp_path: Path, office_extract) -> None:
    info = make_pdf_encrypted(tmp_path / "owner-only.pdf", user_password="")
    items = office_extract(info["path"])
    assert f"氏名：{NAME}" in _pages(items)[1]
    assert not _skips(items)


def test_image_only_page_is_noted(tmp_path: Path, office_extract) -> None:
    info = make_pdf_image_only(tmp_path / "scan.pdf")
    items = office_extract(info["path"])
    assert _pages(items) == {1: f"氏名：{NAME}"}
    assert "page 2: image only — not scanned without OCR" in _notes(items)
    assert not any("page 3" in note for note in _notes(items))  # blank page: nothing to say
    assert not _skips(items)  # page 1 was read, so the file is not a skip


def test_pdf_of_scans_only_is_a_skip(tmp_path: Path, office_extract) -> None:
    path = make_pdf_scans_only(tmp_path / "scans.pdf")["path"]
    items = office_extract(path)
    assert _notes(items) == [
        "page 1: image only — not scanned without OCR",
        "page 2: image only — not scanned without OCR",
    ]
    (skip,) = _skips(items)
    assert skip.kind is SkipKind.UNSUPPORTED and "images only" in skip.reason


def test_form_fields_and_annotations(tmp_path: Path, office_extract) -> None:
    info = make_pdf_form(tmp_path / "form.pdf")
    items = office_extract(info["path"])
    fields = {
        i.header: i.text
        for i in items
        if isinstance(i, Segment) and i.location.part == "form field"
    }
    assert fields == {"name": NAME, "email": EMAIL}  # the checkbox's 'Yes' is not text
    notes = [i for i in items if isinstance(i, Segment) and i.location.part == "annotation"]
    assert [n.text for n in notes] == [f"メモ：電話 {PHONE}"]
    assert notes[0].location.page == 1


def test_truncated_pdf_is_skipped_with_reason(tmp_path: Path, office_extract) -> None:
    info = make_pdf(tmp_path / "full.pdf")
    cut = truncate(info["path"], tmp_path / "cut.pdf")
    items = office_extract(cut)
    (skip,) = _skips(items)
    assert skip.path == "cut.pdf"
    assert skip.reason.startswith("truncated PDF")
    assert "pdfium" in skip.reason and "pdfminer.six" in skip.reason


def test_garbage_after_header_is_corrupt(tmp_path: Path, office_extract) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    (skip,) = _skips(office_extract(path))
    assert skip.reason.startswith("corrupt PDF")


def test_pdfminer_fallback_when_pdfium_fails(
    tmp_path: Path, office_extract, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = make_pdf(tmp_path / "a.pdf")
    monkeypatch.setattr(pdfium, "PdfDocument", _refuse)
    items = office_extract(info["path"])
    pages = _pages(items)
    assert f"氏名：{NAME}" in pages[1] and MY_NUMBER in pages[1]
    assert EMAIL in pages[2]
    assert _notes(items) == ["read with pdfminer.six: pdfium could not open it (Data format error)"]


def test_pdfminer_fallback_reports_password(
    tmp_path: Path, office_extract, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = make_pdf_encrypted(tmp_path / "locked.pdf")
    monkeypatch.setattr(pdfium, "PdfDocument", _refuse)
    assert office_extract(info["path"]) == [Skip("locked.pdf", ENCRYPTED)]


def test_member_of_an_archive_keeps_its_location(tmp_path: Path, office_extract) -> None:
    info = make_pdf(tmp_path / "a.pdf")
    items = office_extract(info["path"], in_memory=True, members=("2024/a.pdf",))
    page = next(i for i in items if isinstance(i, Segment) and i.location.page == 2)
    assert page.location.members == ("2024/a.pdf",)
    assert page.location.render() == "a.pdf!2024/a.pdf#page=2"


@pytest.mark.parametrize("engine", ["pdfium", "pdfminer"])
def test_time_budget_is_enforced(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = make_pdf(tmp_path / "a.pdf")
    if engine == "pdfminer":
        monkeypatch.setattr(pdfium, "PdfDocument", _refuse)
    blob = Blob("a.pdf", Location("a.pdf"), path=str(info["path"]))
    ctx = ExtractContext(deadline=time.monotonic() - 1)
    with pytest.raises(BudgetExceeded):
        list(extract_blob(blob, ctx))
