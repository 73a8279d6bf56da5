"""Generators for PDF, DOCX, XLSX and PPTX test files, good and broken.

Each ``make_*`` function writes one file and returns a dict describing what is in it, so
tests (unit and end-to-end) can assert on texts and locations without repeating them. All
data is synthetic. The heavy libraries are imported inside the functions so importing this
module is cheap.
"""

from __future__ import annotations

import datetime
import io
import logging
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

NAME = "山田太郎"
NAME_2 = "佐藤花子"
PHONE = "090-1234-5678"
PHONE_FULLWIDTH = "090－1234－5678"  # full-width hyphen minus (U+FF0D)
MY_NUMBER = "123456789018"
EMAIL = "taro.yamada@example.jp"
ADDRESS = "東京都千代田区千代田1-1"
CARD = "4111111111111111"

_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf",
)


# --------------------------------------------------------------------------- helpers


def truncate(src: str | Path, dst: str | Path, fraction: float = 0.5) -> Path:
    """Copy the first ``fraction`` of a file's bytes: a download cut short."""
    data = Path(src).read_bytes()
    out = Path(dst)
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


def replace_member(path: str | Path, name: str, data: bytes) -> Path:
    """Rewrite a zip-based file with ``name`` replaced (or added) — for broken variants."""
    import zipfile

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        dst.writestr(name, data)
    tmp.replace(path)
    return path


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<lolz>&lol3;</lolz>"
)


def find_japanese_ttf() -> str | None:
    """A TrueType (not CFF) font with Japanese glyphs, for embedding in test PDFs."""
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    if shutil.which("fc-list") is None:
        return None
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=ja", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listing.splitlines():
        path = line.split(":", 1)[0].strip()
        if path.lower().endswith(".ttf"):
            return path
    return None


# --------------------------------------------------------------------------- PDF


def _pdf_canvas(path: Path) -> Any:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4, invariant=1)


def _draw_lines(c: Any, font: str, lines: list[str], size: int = 12) -> None:
    c.setFont(font, size)
    y = 800
    for line in lines:
        c.drawString(50, y, line)
        y -= size * 2


def _register_cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    return "HeiseiMin-W3"


def _register_ttf(font_path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("JapaneseTTF", font_path))
    return "JapaneseTTF"


PDF_PAGES = [
    [f"氏名：{NAME}", f"電話：{PHONE_FULLWIDTH}", f"マイナンバー：{MY_NUMBER}"],
    [f"住所：{ADDRESS}", f"メール：{EMAIL}"],
]


def make_pdf(path: str | Path, *, font: str = "cid") -> dict[str, Any]:
    """A two-page Japanese PDF; ``font`` is 'cid' (built-in HeiseiMin-W3) or 'ttf' (embedded).

    Raises RuntimeError for 'ttf' when no Japanese TrueType font is installed.
    """
    path = Path(path)
    if font == "cid":
        face = _register_cid_font()
    else:
        font_path = find_japanese_ttf()
        if font_path is None:
            raise RuntimeError(
                "no Japanese TrueType font found (apt-get install fonts-ipafont-gothic)"
            )
        face = _register_ttf(font_path)
    c = _pdf_canvas(path)
    c.setAuthor(NAME)
    c.setTitle("顧客名簿")
    for lines in PDF_PAGES:
        _draw_lines(c, face, lines)
        c.showPage()
    c.save()
    return {"path": path, "pages": PDF_PAGES, "font": face, "author": NAME, "title": "顧客名簿"}


def make_pdf_many_pages(path: str | Path, pages: int = 200) -> dict[str, Any]:
    """A long Japanese PDF (CID font), forty lines a page, for throughput measurements."""
    path = Path(path)
    face = _register_cid_font()
    c = _pdf_canvas(path)
    for page in range(1, pages + 1):
        lines = [
            f"{page}-{i} 顧客 {NAME} 電話 090-{1000 + page:04d}-{i:04d} 住所 {ADDRESS}"
            for i in range(40)
        ]
        c.setFont(face, 9)
        y = 810
        for line in lines:
            c.drawString(30, y, line)
            y -= 19
        c.showPage()
    c.save()
    return {"path": path, "pages": pages}


def _png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 32), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def make_pdf_image_only(path: str | Path) -> dict[str, Any]:
    """Page 1 has text, page 2 only a picture (a scan), page 3 nothing at all."""
    from reportlab.lib.utils import ImageReader

    path = Path(path)
    face = _register_cid_font()
    c = _pdf_canvas(path)
    _draw_lines(c, face, [f"氏名：{NAME}"])
    c.showPage()
    c.drawImage(ImageReader(io.BytesIO(_png_bytes())), 50, 500, width=300, height=150)
    c.showPage()
    c.showPage()
    c.save()
    return {"path": path, "text_pages": [1], "image_pages": [2], "blank_pages": [3]}


def make_pdf_form(path: str | Path) -> dict[str, Any]:
    """A filled-in application form: text fields (one Japanese value), a checkbox and a
    sticky-note comment. Field values live in annotations, not in the page text."""
    from pypdf import PdfReader, PdfWriter

    path = Path(path)
    draft = path.with_name(path.stem + ".draft.pdf")
    face = _register_cid_font()
    c = _pdf_canvas(draft)
    _draw_lines(c, face, ["申込書"])
    form = c.acroForm
    form.textfield(name="name", value="", x=50, y=700, width=200, height=20)
    form.textfield(name="email", value=EMAIL, x=50, y=650, width=200, height=20)
    form.checkbox(name="agree", checked=True, x=50, y=600)
    c.textAnnotation(f"メモ：電話 {PHONE}", Rect=(50, 500, 100, 550))
    c.save()
    # reportlab cannot write a non-Latin field value; pypdf can.
    writer = PdfWriter(clone_from=PdfReader(str(draft)))
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # it warns that Helvetica has no kanji glyphs: known
    try:
        writer.update_page_form_field_values(writer.pages[0], {"name": NAME}, auto_regenerate=False)
    finally:
        pypdf_log.setLevel(level)
    with path.open("wb") as fh:
        writer.write(fh)
    draft.unlink()
    return {
        "path": path,
        "fields": {"name": NAME, "email": EMAIL},
        "annotation": f"メモ：電話 {PHONE}",
    }


def make_pdf_off_page_text(path: str | Path) -> dict[str, Any]:
    """Text drawn outside the page box: invisible in a viewer, still in the file."""
    path = Path(path)
    face = _register_cid_font()
    c = _pdf_canvas(path)
    c.setFont(face, 12)
    c.drawString(50, 800, "公開資料")
    c.drawString(-400, 300, f"見えない {NAME} {PHONE}")
    c.save()
    return {"path": path, "visible": "公開資料", "hidden": f"見えない {NAME} {PHONE}"}


def make_pdf_scans_only(path: str | Path, pages: int = 2) -> dict[str, Any]:
    """A PDF of scanned pages: pictures, no text layer anywhere."""
    from reportlab.lib.utils import ImageReader

    path = Path(path)
    c = _pdf_canvas(path)
    for _ in range(pages):
        c.drawImage(ImageReader(io.BytesIO(_png_bytes())), 50, 500, width=300, height=150)
        c.showPage()
    c.save()
    return {"path": path, "image_pages": list(range(1, pages + 1))}


def make_pdf_encrypted(
    path: str | Path, *, user_password: str = "secret", owner_password: str = "owner"
) -> dict[str, Any]:
    """An AES-256 encrypted copy of :func:`make_pdf`. An empty ``user_password`` gives a file
    that opens without a password but is still encrypted (owner restrictions only)."""
    from pypdf import PdfReader, PdfWriter

    path = Path(path)
    plain = path.with_name(path.stem + ".plain.pdf")
    info = make_pdf(plain)
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return {**info, "path": path, "user_password": user_password}


def write_pdf(path: str | Path, streams: list[tuple[bytes, bytes]], text: str = "Hello") -> Path:
    """A minimal PDF written by hand: one page showing ``text`` (Helvetica) whose content is
    the first stream, plus further stream objects. Each stream is (dictionary entries,
    raw data); the content stream's text operators come first in its decoded data."""
    path = Path(path)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
               b"/Resources << /Font << /F1 4 0 R >> >> >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for entries, data in streams:
        objects.append(b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data
                       + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def deflated_spaces(size: int, prefix: bytes = b"", layers: int = 1) -> bytes:
    """``prefix`` and then ``size`` spaces, deflated ``layers`` times, built in pieces so a
    gigabyte never sits in memory (a spaces-only content stream is a valid, empty page)."""
    data = _deflate_stream(prefix, size)
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    return data


def _deflate_stream(prefix: bytes, size: int) -> bytes:
    packer = zlib.compressobj(9)
    parts = [packer.compress(prefix)]
    piece = b" " * (1 << 20)
    left = size
    while left > 0:
        parts.append(packer.compress(piece[: min(left, len(piece))]))
        left -= len(piece)
    parts.append(packer.flush())
    return b"".join(parts)


def make_pdf_flate_bomb(path: str | Path, inflated: int, *, streams: int = 1, layers: int = 1,
                        filter_entry: bytes | None = None) -> Path:
    """A PDF whose content stream (and ``streams - 1`` more streams) inflate to ``inflated``
    bytes each: a few kilobytes per hundred megabytes. ``layers`` deflates it that many
    times (``/Filter [/FlateDecode /FlateDecode]``); ``filter_entry`` replaces the filter
    entry (e.g. an indirect reference a reader cannot check without resolving it)."""
    text = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n"
    data = deflated_spaces(inflated, text, layers)
    entry = filter_entry if filter_entry is not None else (
        b"/Filter [" + b" ".join([b"/FlateDecode"] * layers) + b"]")
    return write_pdf(path, [(entry, data)] * streams)


# --------------------------------------------------------------------------- DOCX

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (
    f'xmlns:w="{_W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

DOCX_TABLE = [
    ["氏名", "電話番号", "マイナンバー"],
    [NAME, PHONE, MY_NUMBER],
    [NAME_2, "080-9876-5432", ""],
]


def _tracked_changes_xml() -> str:
    return (
        f'<w:p {_NS}><w:r><w:t xml:space="preserve">変更履歴：</w:t></w:r>'
        '<w:ins w:id="101" w:author="編集者B" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:t>挿入された090-2222-3333</w:t></w:r></w:ins>"
        '<w:del w:id="102" w:author="編集者B" w:date="2024-01-01T00:00:00Z">'
        f"<w:r><w:delText>削除された{MY_NUMBER}</w:delText></w:r></w:del></w:p>"
    )


def _text_box_xml(text: str) -> str:
    # Word writes a text box twice: a DrawingML shape and a VML fallback with the same text.
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f'<w:p {_NS}><w:r><w:t xml:space="preserve">図の前 </w:t></w:r><w:r><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


def _ruby_xml() -> str:
    # Furigana: the reading (w:rt) sits before the base text in the XML.
    return (
        f"<w:p {_NS}><w:r><w:t>ふりがな付き：</w:t></w:r><w:ruby><w:rubyPr/>"
        "<w:rt><w:r><w:t>やまだ</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>山田</w:t></w:r></w:rubyBase></w:ruby>"
        "<w:r><w:t>太郎</w:t></w:r></w:p>"
    )


def _notes_part_xml(kind: str, text: str) -> bytes:
    # kind: 'footnote' or 'endnote'; ids -1/0 are Word's separator notes.
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s xmlns:w="{_W}">'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:{kind}>"
        f'<w:{kind} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>'
        f"</w:{kind}s>"
    ).encode()


def _add_notes_part(doc: Any, kind: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
    part = Part(
        PackURI(f"/word/{kind}s.xml"), content_type, _notes_part_xml(kind, text), doc.part.package
    )
    doc.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


def make_docx(path: str | Path) -> dict[str, Any]:
    """A DOCX with every place text hides: body, table, header/footer, footnote, endnote,
    comment, text box, tracked insertions and deletions, core properties."""
    import docx
    from docx.oxml import parse_xml

    path = Path(path)
    doc = docx.Document()
    doc.add_paragraph("顧客情報の一覧")  # paragraph 1
    p2 = doc.add_paragraph(f"担当者 {NAME} の電話は {PHONE} です。")  # paragraph 2
    table = doc.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for r, row in enumerate(DOCX_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("")  # paragraph 3, empty
    body = doc.element.body
    sect = body[-1]  # w:sectPr stays last
    sect.addprevious(parse_xml(_tracked_changes_xml()))  # paragraph 4
    sect.addprevious(parse_xml(_text_box_xml(f"テキストボックス内 {EMAIL}")))  # paragraph 5
    sect.addprevious(parse_xml(_ruby_xml()))  # paragraph 6
    section = doc.sections[0]
    section.header.paragraphs[0].text = f"社外秘 作成：{NAME_2}"
    section.footer.paragraphs[0].text = "株式会社サンプル 03-1111-2222"
    doc.add_comment(
        p2.runs[0], text=f"確認済み 本人確認書類 {MY_NUMBER}", author="監査担当C", initials="C"
    )
    _add_notes_part(doc, "footnote", f"脚注：連絡先 {ADDRESS}")
    _add_notes_part(doc, "endnote", "文末脚注：090-4444-5555")
    props = doc.core_properties
    props.author = NAME
    props.last_modified_by = NAME_2
    props.title = "顧客名簿"
    props.subject = "個人情報"
    props.keywords = "社外秘"
    props.comments = "説明 080-1111-2222"
    doc.save(str(path))
    return {
        "path": path,
        "paragraphs": {
            1: "顧客情報の一覧",
            2: f"担当者 {NAME} の電話は {PHONE} です。",
            6: f"ふりがな付き：{NAME}",
        },
        "table": DOCX_TABLE,
        "inserted": "挿入された090-2222-3333",
        "deleted": f"削除された{MY_NUMBER}",
        "text_box": f"テキストボックス内 {EMAIL}",
        "header": f"社外秘 作成：{NAME_2}",
        "footer": "株式会社サンプル 03-1111-2222",
        "comment": f"確認済み 本人確認書類 {MY_NUMBER}",
        "comment_author": "監査担当C",
        "footnote": f"脚注：連絡先 {ADDRESS}",
        "endnote": "文末脚注：090-4444-5555",
        "creator": NAME,
        "last_modified_by": NAME_2,
        "title": "顧客名簿",
        "description": "説明 080-1111-2222",
    }


def make_docx_with_embedded_xlsx(path: str | Path) -> dict[str, Any]:
    """:func:`make_docx` with :func:`make_xlsx` embedded as an OLE package part."""
    path = Path(path)
    info = make_docx(path)
    sheet = make_xlsx(path.with_name(path.stem + ".embedded.xlsx"))
    member = "word/embeddings/Microsoft_Excel_Worksheet.xlsx"
    replace_member(path, member, Path(sheet["path"]).read_bytes())
    Path(sheet["path"]).unlink()
    return {**info, "embedded": member, "embedded_info": sheet}


def make_small_docx(path: str | Path, paragraphs: int = 20) -> dict[str, Any]:
    """A plain letter-sized DOCX with a small table, for throughput measurements."""
    import docx

    path = Path(path)
    doc = docx.Document()
    for i in range(paragraphs):
        doc.add_paragraph(f"{i}: {NAME}様 電話 {PHONE} 住所 {ADDRESS}")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(DOCX_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.save(str(path))
    return {"path": path, "paragraphs": paragraphs}


# --------------------------------------------------------------------------- XLSX

XLSX_HEADER = ["氏名", "電話番号", "カード番号", "生年月日", "メモ"]


def make_xlsx(path: str | Path) -> dict[str, Any]:
    """A workbook with a header row that does not start at A1, numbers stored as numbers,
    dates, a hidden row, a hidden column, a hidden and a very hidden sheet, a comment and a
    formula whose only trace of a phone number is a string literal."""
    import openpyxl
    from openpyxl.comments import Comment

    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客"
    ws["A1"] = None  # row 1 stays empty: the header row is the first non-empty row
    for col, title in enumerate(XLSX_HEADER, start=2):  # B2:F2
        ws.cell(row=2, column=col, value=title)
    ws["B3"] = NAME
    ws["C3"] = 9012345678  # a phone stored as a number loses its leading zero
    ws["D3"] = int(CARD)
    ws["E3"] = datetime.date(1980, 4, 1)
    ws["F3"] = 1234.5
    ws["B4"] = NAME_2
    ws["C4"] = "080-9876-5432"
    ws["D4"] = 1e20
    ws["E4"] = datetime.datetime(2001, 2, 3, 4, 5, 6)
    ws["F4"] = '="携帯 "&"070-1111-2222"'
    ws["B5"] = "隠れた行の人"
    ws.row_dimensions[5].hidden = True
    ws.column_dimensions["D"].hidden = True
    ws["B3"].comment = Comment(f"本人確認済み {MY_NUMBER}", "監査担当C")
    hidden = wb.create_sheet("隠しシート")
    hidden["A1"] = "メール"
    hidden["A2"] = EMAIL
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("vh")
    very["A1"] = "住所"
    very["A2"] = ADDRESS
    very.sheet_state = "veryHidden"
    wb.properties.creator = NAME
    wb.save(str(path))
    return {
        "path": path,
        "sheet": "顧客",
        "header": XLSX_HEADER,
        "cells": {
            "B3": NAME,
            "C3": "09012345678",  # restored in a phone column
            "D3": CARD,
            "E3": "1980-04-01",
            "F3": "1234.5",
            "B4": NAME_2,
            "C4": "080-9876-5432",
            "D4": "100000000000000000000",
            "E4": "2001-02-03 04:05:06",
            "B5": "隠れた行の人",
        },
        "hidden_row": 5,
        "hidden_column": "D",
        "formula_literal": "070-1111-2222",
        "comment": f"本人確認済み {MY_NUMBER}",
        "hidden_sheet": "隠しシート",
        "very_hidden_sheet": "vh",
        "creator": NAME,
    }


def make_big_xlsx(path: str | Path, rows: int = 20_000) -> dict[str, Any]:
    """One sheet, a header and ``rows`` rows of eight columns, written in write-only mode."""
    import openpyxl

    path = Path(path)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(["ID", "氏名", "電話", "住所", "金額", "日付", "カード", "メモ"])
    day = datetime.date(2024, 1, 1)
    for i in range(rows):
        ws.append(
            [i, NAME, f"090-{i % 10000:04d}-5678", ADDRESS, i * 1.5, day, 4111111111111111, "備考"]
        )
    wb.save(str(path))
    return {"path": path, "rows": rows + 1, "columns": 8}


# --------------------------------------------------------------------------- PPTX

PPTX_TABLE = [["氏名", "電話"], [NAME, PHONE], [NAME_2, "080-9876-5432"]]


def _add_textbox(slide: Any, text: str, top: int) -> None:
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(1), Inches(top), Inches(6), Inches(1))
    box.text_frame.text = text


_P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def _add_pptx_comment(prs: Any, slide: Any, author: str, text: str) -> None:
    """A legacy slide comment and its author list (python-pptx cannot write comments)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    ct = "application/vnd.openxmlformats-officedocument.presentationml."
    authors = (
        f'<?xml version="1.0" encoding="UTF-8"?><p:cmAuthorLst xmlns:p="{_P}">'
        f'<p:cmAuthor id="0" name="{author}" initials="C" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
    ).encode()
    comments = (
        f'<?xml version="1.0" encoding="UTF-8"?><p:cmLst xmlns:p="{_P}">'
        '<p:cm authorId="0" dt="2024-01-01T00:00:00.000" idx="1"><p:pos x="10" y="10"/>'
        f"<p:text>{text}</p:text></p:cm></p:cmLst>"
    ).encode()
    package = prs.part.package
    authors_part = Part(
        PackURI("/ppt/commentAuthors.xml"), ct + "commentAuthors+xml", package, authors
    )
    prs.part.relate_to(authors_part, RT.COMMENT_AUTHORS)
    comment_part = Part(
        PackURI("/ppt/comments/comment1.xml"), ct + "comments+xml", package, comments
    )
    slide.part.relate_to(comment_part, RT.COMMENTS)


def make_pptx(path: str | Path) -> dict[str, Any]:
    """Three slides; the deck is reordered in presentation.xml so file order != show order.
    Slide 1: title and text; slide 2: a table and speaker notes; slide 3: hidden."""
    from pptx import Presentation
    from pptx.util import Inches

    path = Path(path)
    prs = Presentation()
    blank = prs.slide_layouts[6]
    # Created in file order: slide1.xml (shown 2nd), slide2.xml (3rd, hidden), slide3.xml (1st).
    table_slide = prs.slides.add_slide(blank)
    rows, cols = len(PPTX_TABLE), len(PPTX_TABLE[0])
    frame = table_slide.shapes.add_table(rows, cols, Inches(1), Inches(1), Inches(6), Inches(2))
    for r, row in enumerate(PPTX_TABLE):
        for c, value in enumerate(row):
            frame.table.cell(r, c).text = value
    table_slide.notes_slide.notes_text_frame.text = (
        f"発表メモ：{NAME}さんのマイナンバー {MY_NUMBER}"
    )
    _add_pptx_comment(prs, table_slide, "監査担当C", f"確認：{NAME_2}さんの電話番号は古い")

    hidden_slide = prs.slides.add_slide(blank)
    _add_textbox(hidden_slide, f"非表示スライド {EMAIL}", 1)
    hidden_slide._element.set("show", "0")

    title_slide = prs.slides.add_slide(prs.slide_layouts[1])
    title_slide.shapes.title.text = "顧客説明会"
    title_slide.placeholders[1].text_frame.text = f"担当：{NAME}\n連絡先：{PHONE}"

    id_list = prs.slides._sldIdLst
    last = id_list[-1]
    id_list.remove(last)
    id_list.insert(0, last)
    prs.core_properties.author = NAME_2
    prs.core_properties.last_modified_by = "編集者D"
    prs.core_properties.comments = ""
    prs.save(str(path))
    return {
        "path": path,
        "slides": {
            1: ["顧客説明会", f"担当：{NAME}\n連絡先：{PHONE}"],
            2: PPTX_TABLE,
            3: [f"非表示スライド {EMAIL}"],
        },
        "notes": {2: f"発表メモ：{NAME}さんのマイナンバー {MY_NUMBER}"},
        "comments": {2: f"確認：{NAME_2}さんの電話番号は古い"},
        "comment_author": "監査担当C",
        "hidden_slides": [3],
        "table": PPTX_TABLE,
        "creator": NAME_2,
    }


def make_small_pptx(path: str | Path, slides: int = 5) -> dict[str, Any]:
    """A short deck of text slides with notes, for throughput measurements."""
    from pptx import Presentation

    path = Path(path)
    prs = Presentation()
    for i in range(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"第{i + 1}回 顧客対応"
        slide.placeholders[1].text_frame.text = f"{NAME} {PHONE}\n{ADDRESS}"
        slide.notes_slide.notes_text_frame.text = f"メモ {NAME_2}"
    prs.save(str(path))
    return {"path": path, "slides": slides}


# --------------------------------------------------------------------------- a whole folder


def make_office_share(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Every generator above into ``folder``, plus truncated copies: file name -> info.

    For end-to-end scans. The embedded-TrueType PDF is left out when no Japanese font is
    installed, so check ``'名簿_ttf.pdf' in result`` before relying on it.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, Any]] = {
        "名簿.pdf": make_pdf(folder / "名簿.pdf"),
        "スキャン.pdf": make_pdf_image_only(folder / "スキャン.pdf"),
        "申込書.pdf": make_pdf_form(folder / "申込書.pdf"),
        "鍵付き.pdf": make_pdf_encrypted(folder / "鍵付き.pdf"),
        "顧客対応.docx": make_docx(folder / "顧客対応.docx"),
        "顧客名簿.xlsx": make_xlsx(folder / "顧客名簿.xlsx"),
        "説明会.pptx": make_pptx(folder / "説明会.pptx"),
    }
    if find_japanese_ttf() is not None:
        out["名簿_ttf.pdf"] = make_pdf(folder / "名簿_ttf.pdf", font="ttf")
    for name in ("名簿.pdf", "顧客対応.docx", "顧客名簿.xlsx", "説明会.pptx"):
        broken = f"壊れた_{name}"
        out[broken] = {"path": truncate(folder / name, folder / broken), "truncated_from": name}
    return out
