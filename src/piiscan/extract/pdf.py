"""PDF: text per page, form field values, annotations and document properties.

pdfium (pypdfium2) is the engine: fast, and right about Japanese (CID fonts, embedded
TrueType, full-width '－'). pdfminer.six reads what pdfium refuses to open; a note says so.
A page without a text layer is a scan or a drawing: with ``--ocr`` it is rendered and read
by OCR (extract/ocr.py), otherwise it is noted as not scanned. An encrypted PDF is opened
with the empty user password, as viewers do; one that needs a real password is skipped with
that reason.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from piiscan.extract import BudgetExceeded, pdfstreams
from piiscan.models import Location, Note, Segment, Skip, SkipKind
from piiscan.structure.texttable import segments as text_segments

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext

Item = Segment | Skip | Note

ENCRYPTED = "encrypted PDF — password required, not scanned"
_METADATA = ("Author", "Title", "Subject", "Keywords")
_TAIL = 2048  # '%%EOF' sits in the last bytes of a complete file
OCR_DPI = 300  # pages without a text layer are rendered at this resolution for --ocr
_SKIP_ANNOTS = frozenset({pdfium_c.FPDF_ANNOT_POPUP, pdfium_c.FPDF_ANNOT_LINK})
# Checkbox and radio 'values' are export names like 'Off' or 'Yes', not personal data.
_BUTTON_FIELDS = frozenset(
    {
        pdfium_c.FPDF_FORMFIELD_CHECKBOX,
        pdfium_c.FPDF_FORMFIELD_RADIOBUTTON,
        pdfium_c.FPDF_FORMFIELD_PUSHBUTTON,
    }
)


class _PasswordRequired(Exception):
    """The PDF does not open with the empty user password."""


@dataclass(frozen=True)
class _Page:
    """What one page held, engine-neutral."""

    number: int  # 1-based
    text: str
    images: bool  # has image objects
    graphics: bool  # has any other drawing (vector paths, shadings)
    ocr: bool = False  # no text layer: its text was read by OCR


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    refused = pdfstreams.check(blob, ctx)  # before any parser inflates anything
    if refused is not None:
        yield Skip(blob.display, refused)
        return
    with ExitStack() as stack:
        try:
            doc = _open_pdfium(blob, stack)
        except _PasswordRequired:
            yield Skip(blob.display, ENCRYPTED)
            return
        except pdfium.PdfiumError as exc:
            yield from _fallback(blob, ctx, _pdfium_reason(exc))
            return
        yield from _read_pdfium(doc, blob, ctx)


def _pdfium_reason(exc: pdfium.PdfiumError) -> str:
    text = str(exc)
    if "(PDFium: " in text:  # "Failed to load document (PDFium: Data format error)."
        text = text.split("(PDFium: ", 1)[1].rstrip(").")
    return text


# --------------------------------------------------------------------------- pdfium


def _open_pdfium(blob: Blob, stack: ExitStack) -> pdfium.PdfDocument:
    # A file on disk is read by pdfium on demand; a member already in memory is passed as is.
    source: Any = blob.read() if blob.size <= (32 << 20) else stack.enter_context(blob.open())
    try:
        doc = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise _PasswordRequired from exc
        raise
    stack.callback(doc.close)
    return doc


def _read_pdfium(doc: pdfium.PdfDocument, blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    loc = blob.location
    prefix = _prefix(blob)
    has_form = doc.get_formtype() != pdfium_c.FORMTYPE_NONE
    if has_form:
        doc.init_forms()  # must precede page loading for field values to resolve
    pages: list[_Page] = []
    for index in range(len(doc)):
        ctx.check_time()
        try:
            page = doc[index]
        except pdfium.PdfiumError as exc:
            yield Skip(blob.display, f"page {index + 1}: unreadable ({_pdfium_reason(exc)})")
            continue
        try:
            info = _pdfium_page(page, index + 1)
            if ctx.ocr and not info.text.strip() and (info.images or info.graphics):
                info = replace(info, text=_ocr_page(page, ctx), ocr=True)
            pages.append(info)
            if info.text.strip():
                yield from text_segments(info.text, replace(loc, page=info.number), prefix)
            yield from _annotations(doc, page, replace(loc, page=index + 1), has_form)
        finally:
            page.close()
    yield from _page_notes(pages, blob)
    yield from _pdfium_metadata(doc, loc)


def _prefix(blob: Blob) -> str:
    """Record ids of tables stay unique across the members of one container."""
    return "!".join(blob.location.members) + "!" if blob.location.members else ""


def _pdfium_page(page: pdfium.PdfPage, number: int) -> _Page:
    textpage = page.get_textpage()
    try:
        # get_text_bounded keeps characters outside the BMP (𠮷); a generous box keeps
        # text placed outside the visible page, a known way to hide it.
        text = textpage.get_text_bounded(left=-1e5, bottom=-1e5, right=1e5, top=1e5)
    finally:
        textpage.close()
    images = graphics = False
    if not text.strip():
        for obj in page.get_objects(max_depth=4):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images = True
                break
            graphics = graphics or obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT
    return _Page(number, _clean(text), images, graphics)


def _ocr_page(page: pdfium.PdfPage, ctx: ExtractContext) -> str:
    """Render a page without a text layer at OCR_DPI (less, if that would pass the pixel
    limit: a page can claim to be metres wide) and read it with OCR."""
    from piiscan.extract import ocr

    width, height = page.get_size()  # points, 1/72 inch
    scale = min(OCR_DPI / 72, (ctx.limits.image_pixels / max(width * height, 1.0)) ** 0.5)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        return ocr.read_page(bitmap.to_pil(), ctx)
    finally:
        bitmap.close()


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _annotations(
    doc: pdfium.PdfDocument, page: pdfium.PdfPage, loc: Location, has_form: bool
) -> Iterator[Segment]:
    """Filled-in form fields (field name as header) and comment annotations."""
    form = doc.formenv.raw if has_form and doc.formenv else None
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            yield from _annotation(annot, form, loc)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)


def _annotation(annot: Any, form: Any, loc: Location) -> Iterator[Segment]:
    subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
    if subtype in _SKIP_ANNOTS:
        return
    if subtype == pdfium_c.FPDF_ANNOT_WIDGET:
        if form is None or pdfium_c.FPDFAnnot_GetFormFieldType(form, annot) in _BUTTON_FIELDS:
            return
        value = _wide(lambda buf, n: pdfium_c.FPDFAnnot_GetFormFieldValue(form, annot, buf, n))
        name = _wide(lambda buf, n: pdfium_c.FPDFAnnot_GetFormFieldName(form, annot, buf, n))
        if value.strip():
            yield Segment(value, replace(loc, part="form field"), header=name or None)
        return
    contents = _wide(lambda buf, n: pdfium_c.FPDFAnnot_GetStringValue(annot, b"Contents", buf, n))
    if contents.strip():
        yield Segment(_clean(contents), replace(loc, part="annotation"))


def _wide(call: Callable[[Any, int], int]) -> str:
    """Call a pdfium getter that fills a UTF-16LE buffer: ask the size, then the text."""
    size = call(None, 0)
    if size <= 2:  # just the terminator
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    call(buffer, size)
    return bytes(buffer).decode("utf-16-le", errors="replace").rstrip("\x00")


def _pdfium_metadata(doc: pdfium.PdfDocument, loc: Location) -> Iterator[Segment]:
    values = doc.get_metadata_dict(skip_empty=True)
    for key in _METADATA:
        value = values.get(key, "").strip()
        if value:
            yield Segment(value, replace(loc, part=f"metadata:{key.lower()}"))


# --------------------------------------------------------------------------- notes


def _page_notes(pages: list[_Page], blob: Blob) -> Iterator[Item]:
    """Pages nothing could be read from. A PDF that is all scans is a skip, not a clean file."""
    unread = [p for p in pages if not p.text.strip() and not p.ocr]
    images = [p.number for p in unread if p.images]
    drawn = [p.number for p in unread if not p.images and p.graphics]
    for number in (p.number for p in pages if p.ocr):
        yield Note(f"page {number}: no text layer — read with OCR")
    for number in images:
        yield Note(f"page {number}: image only — not scanned; --ocr reads it")
    for number in drawn:
        yield Note(f"page {number}: no text layer (vector graphics only) — not scanned; "
                   "--ocr reads it")
    if pages and images and not any(p.text.strip() or p.ocr for p in pages):
        yield Skip(
            blob.display,
            f"scanned PDF ({len(pages)} page(s), images only) — not scanned; --ocr reads it",
            SkipKind.UNSUPPORTED,
        )


# --------------------------------------------------------------------------- pdfminer


def _fallback(blob: Blob, ctx: ExtractContext, pdfium_reason: str) -> Iterator[Item]:
    """pdfium would not open the file: try pdfminer.six, which repairs some damage."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    pages: list[_Page] = []
    try:
        with blob.open() as fh:
            for item in _pdfminer_read(fh, ctx, blob.location):
                if isinstance(item, Segment):
                    yield item
                    continue
                pages.append(item)
                if item.text.strip():
                    yield from text_segments(item.text, replace(blob.location, page=item.number),
                                             _prefix(blob))
    except PDFPasswordIncorrect:
        yield Skip(blob.display, ENCRYPTED)
        return
    except (BudgetExceeded, MemoryError):
        raise
    except Exception as exc:  # both engines failed: one skip that says why
        detail = f"{type(exc).__name__}: {exc}".strip().rstrip(":")[:200]
        damage = (
            "truncated PDF (the file ends early)" if not _has_eof_marker(blob) else "corrupt PDF"
        )
        if not pages:
            yield Skip(
                blob.display,
                f"{damage} — unreadable (pdfium: {pdfium_reason}; pdfminer.six: {detail})",
            )
            return
        yield Skip(blob.display, f"{damage} — read up to page {len(pages)}, then: {detail}")
    yield Note(f"read with pdfminer.six: pdfium could not open it ({pdfium_reason})")
    yield from _page_notes(pages, blob)


def _pdfminer_read(fh: Any, ctx: ExtractContext, loc: Location) -> Iterator[_Page | Segment]:
    """Pages, then document properties, read by pdfminer.six."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(fh), password="")
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(resources, device)
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        ctx.check_time()
        interpreter.process_page(page)
        yield _layout_page(device.get_result(), number)
    yield from _pdfminer_metadata(document, loc)


def _pdfminer_metadata(document: Any, loc: Location) -> Iterator[Segment]:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in document.info:
        for key in _METADATA:
            value = resolve1(info.get(key))
            text = decode_text(value) if isinstance(value, bytes) else value
            if isinstance(text, str) and text.strip():
                yield Segment(text.strip(), replace(loc, part=f"metadata:{key.lower()}"))


def _layout_page(layout: Any, number: int) -> _Page:
    from pdfminer.layout import LTCurve, LTImage, LTTextContainer

    texts: list[str] = []
    images = graphics = False
    stack = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextContainer):
            texts.append(item.get_text())
            continue
        images = images or isinstance(item, LTImage)
        graphics = graphics or isinstance(item, LTCurve)
        if hasattr(item, "__iter__"):
            stack.extend(reversed(list(item)))
    return _Page(number, "".join(texts).rstrip("\n"), images, graphics)


def _has_eof_marker(blob: Blob) -> bool:
    with blob.open() as fh:
        fh.seek(max(blob.size - _TAIL, 0))
        return b"%%EOF" in fh.read()
