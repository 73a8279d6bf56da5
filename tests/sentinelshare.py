"""A share with a text planted in every place piiscan reads, in every format it reads.

``SLOTS`` names the places (``docx.comment_author``, ``zip.member_name``, ...);
``build(folder, texts)`` writes one file per format with ``texts[slot]`` in each of its
slots and neutral text everywhere else. File names on disk are neutral: the path of a file
is shown as it is (piiscan.redact). All values are synthetic.

Not here: Outlook ``.msg`` (no library writes them; the reader is tested on a damaged one)
and the legacy formats piiscan does not read.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import dataclass
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

import fixtures_office as office
from fixtures_containers import zip_bytes


@dataclass(frozen=True)
class Slot:
    name: str
    ascii_only: bool = False  # the place takes ASCII text only (a PDF form field's name)
    name_like: bool = False  # a name of something: no newlines, no '/'


def _slots() -> tuple[Slot, ...]:
    plain = ("txt.body", "csv.cell", "json.value", "json.nested_value", "jsonl.value",
             "html.title", "html.body", "html.attribute", "html.meta", "xml.text",
             "xml.attribute", "eml.subject", "eml.body", "eml.html_body",
             "eml.attachment_body", "mbox.body", "pdf.text", "pdf.title", "pdf.author",
             "pdf.subject", "pdf.keywords", "pdf.annotation", "pdf.field_value",
             "docx.body", "docx.table_cell", "docx.header", "docx.footer", "docx.footnote",
             "docx.comment", "docx.title", "docx.custom_value", "xlsx.cell", "xlsx.comment",
             "xlsx.title", "pptx.title", "pptx.body", "pptx.notes", "pptx.comment",
             "zip.member_body", "zip.nested_member_body", "tgz.member_body", "gz.body")
    names = ("csv.header", "json.key", "json.nested_key", "jsonl.key", "eml.from_name",
             "eml.to_name", "eml.attachment_name", "mbox.from_name", "docx.table_header",
             "docx.comment_author", "docx.creator", "docx.custom_name", "xlsx.sheet_name",
             "xlsx.header", "xlsx.comment_author", "xlsx.creator", "pptx.creator",
             "zip.member_name", "zip.nested_name", "zip.nested_member_name",
             "tgz.member_name", "tar.member_name", "tar.link_name")
    return (*(Slot(n) for n in plain), *(Slot(n, name_like=True) for n in names),
            Slot("pdf.field_name", ascii_only=True, name_like=True))


SLOTS = _slots()
NEUTRAL = "本日の会議では来期の予算について議論した。"


def build(folder: Path, texts: dict[str, str]) -> list[Path]:
    """Write every format into ``folder``; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    t = {slot.name: texts.get(slot.name, NEUTRAL) for slot in SLOTS}
    writers = (_text, _csv, _json, _jsonl, _html, _xml, _eml, _mbox, _pdf, _docx, _xlsx,
               _pptx, _zip, _tgz, _tar, _gz)
    return [writer(folder, t) for writer in writers]


def _text(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "memo.txt"
    path.write_text(f"{NEUTRAL}\n{t['txt.body']}\n", encoding="utf-8")
    return path


def _csv(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "list.csv"
    header = t["csv.header"].replace('"', "'")
    cell = t["csv.cell"].replace('"', "'")
    path.write_text(f'"{header}","備考"\n"{cell}","{NEUTRAL}"\n', encoding="utf-8")
    return path


def _json(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "data.json"
    data = {t["json.key"]: t["json.value"], "list": [{t["json.nested_key"]: {
        "note": t["json.nested_value"]}}]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _jsonl(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "events.jsonl"
    lines = [{"event": "login"}, {t["jsonl.key"]: t["jsonl.value"]}]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                    encoding="utf-8")
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;")


def _html(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "page.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><title>{_escape(t['html.title'])}</title>"
        f'<meta name="description" content="{_escape(t["html.meta"])}"></head><body>'
        f"<p>{NEUTRAL}</p><p>{_escape(t['html.body'])}</p>"
        f'<input value="{_escape(t["html.attribute"])}"></body></html>', encoding="utf-8")
    return path


def _xml(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "records.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><records><record note="'
        f'{_escape(t["xml.attribute"])}"><memo>{_escape(t["xml.text"])}</memo></record>'
        "</records>", encoding="utf-8")
    return path


def _message(from_name: str, to_name: str, subject: str, body: str) -> MIMEMultipart:
    message = MIMEMultipart()
    message["From"] = formataddr((str(Header(from_name, "utf-8")), "sender@example.jp"))
    message["To"] = formataddr((str(Header(to_name, "utf-8")), "office@example.jp"))
    message["Subject"] = str(Header(subject, "utf-8"))
    message.attach(MIMEText(body, "plain", "utf-8"))
    return message


def _eml(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "mail.eml"
    message = _message(t["eml.from_name"], t["eml.to_name"], t["eml.subject"], t["eml.body"])
    message.attach(MIMEText(f"<p>{_escape(t['eml.html_body'])}</p>", "html", "utf-8"))
    attachment = MIMEApplication(t["eml.attachment_body"].encode(), Name="x.txt")
    attachment.add_header("Content-Disposition", "attachment",
                          filename=("utf-8", "", f"{t['eml.attachment_name']}.txt"))
    message.attach(attachment)
    path.write_bytes(message.as_bytes())
    return path


def _mbox(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "inbox.mbox"
    first = _message("総務", "office", "案内", NEUTRAL)
    second = _message(t["mbox.from_name"], "office", "連絡", t["mbox.body"])
    path.write_bytes(b"".join(b"From sender@example.jp Mon Jan  1 00:00:00 2024\n"
                              + m.as_bytes() + b"\n" for m in (first, second)))
    return path


def _pdf(folder: Path, t: dict[str, str]) -> Path:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    path = folder / "form.pdf"
    draft = folder / "form.draft.pdf"
    face = office._register_cid_font()
    c = office._pdf_canvas(draft)
    office._draw_lines(c, face, [NEUTRAL, t["pdf.text"]])
    c.setTitle(t["pdf.title"])
    c.setAuthor(t["pdf.author"])
    c.setSubject(t["pdf.subject"])
    c.setKeywords(t["pdf.keywords"])
    c.textAnnotation(t["pdf.annotation"], Rect=(50, 500, 100, 550))
    c.acroForm.textfield(name=t["pdf.field_name"], value="", x=50, y=650, width=200,
                         height=20)
    c.save()
    writer = PdfWriter(clone_from=PdfReader(str(draft)))
    for annotation in writer.pages[0].get("/Annots", []):
        field = annotation.get_object()
        if field.get("/FT") == "/Tx":  # reportlab writes only Latin values: set it here
            field[NameObject("/V")] = TextStringObject(t["pdf.field_value"])
    with path.open("wb") as fh:
        writer.write(fh)
    draft.unlink()
    return path


def _docx(folder: Path, t: dict[str, str]) -> Path:
    import docx

    path = folder / "letter.docx"
    doc = docx.Document()
    doc.add_paragraph(NEUTRAL)
    paragraph = doc.add_paragraph(t["docx.body"])
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = t["docx.table_header"], "備考"
    table.cell(1, 0).text, table.cell(1, 1).text = t["docx.table_cell"], NEUTRAL
    section = doc.sections[0]
    section.header.paragraphs[0].text = t["docx.header"]
    section.footer.paragraphs[0].text = t["docx.footer"]
    doc.add_comment(paragraph.runs[0], text=t["docx.comment"],
                    author=t["docx.comment_author"], initials="C")
    office._add_notes_part(doc, "footnote", _escape(t["docx.footnote"]))
    doc.core_properties.author = t["docx.creator"]
    doc.core_properties.title = t["docx.title"]
    doc.save(str(path))
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="'
              'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="'
              f'{_escape(t["docx.custom_name"])}"><vt:lpwstr>{_escape(t["docx.custom_value"])}'
              "</vt:lpwstr></property></Properties>")
    office.replace_member(path, "docProps/custom.xml", custom.encode())
    return path


def _sheet_title(text: str) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


def _xlsx(folder: Path, t: dict[str, str]) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    path = folder / "book.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(t["xlsx.sheet_name"])
    sheet["A1"], sheet["B1"] = t["xlsx.header"], "備考"
    sheet["A2"], sheet["B2"] = t["xlsx.cell"], NEUTRAL
    sheet["B2"].comment = Comment(t["xlsx.comment"], t["xlsx.comment_author"])
    book.properties.creator = t["xlsx.creator"]
    book.properties.title = t["xlsx.title"]
    book.save(str(path))
    return path


def _pptx(folder: Path, t: dict[str, str]) -> Path:
    from pptx import Presentation

    path = folder / "deck.pptx"
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = t["pptx.title"]
    slide.placeholders[1].text = t["pptx.body"]
    slide.notes_slide.notes_text_frame.text = t["pptx.notes"]
    office._add_pptx_comment(deck, slide, "総務", _escape(t["pptx.comment"]))
    deck.core_properties.author = t["pptx.creator"]
    deck.save(str(path))
    return path


def _zip(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "archive.zip"
    inner = zip_bytes({f"{t['zip.nested_member_name']}.txt":
                        t["zip.nested_member_body"].encode()})
    path.write_bytes(zip_bytes({
        "readme.txt": NEUTRAL.encode(),
        f"{t['zip.member_name']}.txt": t["zip.member_body"].encode(),
        f"{t['zip.nested_name']}.zip": inner,
    }))
    return path


def _tar_file(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def _tgz(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "backup.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        _tar_file(tf, f"backup/{t['tgz.member_name']}.txt", t["tgz.member_body"].encode())
    return path


def _tar(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "plain.tar"
    with tarfile.open(path, "w") as tf:
        _tar_file(tf, f"{t['tar.member_name']}.txt", NEUTRAL.encode())
        link = tarfile.TarInfo(f"{t['tar.link_name']}.lnk")
        link.type = tarfile.SYMTYPE
        link.linkname = f"{t['tar.member_name']}.txt"
        tf.addfile(link)
    return path


def _gz(folder: Path, t: dict[str, str]) -> Path:
    path = folder / "notes.txt.gz"
    path.write_bytes(gzip.compress(t["gz.body"].encode(), mtime=0))
    return path


def read_back(paths: list[Path]) -> set[str]:
    """Every string piiscan's extractors produce for these files: texts, headers,
    location components and skip paths, to check each planted text is read at all."""
    from piiscan.extract import Blob, ExtractContext, extract_blob
    from piiscan.models import Location, Segment, Skip

    seen: set[str] = set()
    for path in paths:
        blob = Blob(path.name, Location(path.name), path=str(path))
        for item in extract_blob(blob, ExtractContext()):
            if isinstance(item, Segment):
                seen.add(item.text)
                seen.add(item.header or "")
                seen.add(item.location.render())
            elif isinstance(item, Skip):
                seen.add(item.path)
    return seen

