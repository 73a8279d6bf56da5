"""HTML and XML: the text a person sees, plus attribute values that hold data.

HTML goes through the stdlib ``html.parser``, which never fetches or expands anything
external. Each block element (paragraph, table cell, list item, ...) becomes its own
segment so words from neighbouring cells never merge; a table cell gets its column's
``th`` (or its row's ``th``) as header. ``.xml`` files go through defusedxml (no DTD
entities, no external references) with the element name as header and an XPath-like
``Location.part``; if that fails, the rest is read as HTML.
"""

from __future__ import annotations

import codecs
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.etree.ElementTree import ParseError

from piiscan.extract import locator
from piiscan.extract.text import sniff_text
from piiscan.models import Location, Note, Segment, Skip

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext

Item = Segment | Skip | Note

_READ_BYTES = 1 << 20
_HIDDEN_CONTENT = frozenset({"script", "style", "noscript", "template"})
_DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")  # data, not code
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "keygen"}
)  # fmt: skip
_BLOCK = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd",
     "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
     "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "label",
     "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "select",
     "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr",
     "ul"}
)  # fmt: skip
_DATA_ATTRIBUTES = frozenset(
    {"value", "alt", "title", "content", "placeholder", "aria-label", "label"}
)


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    sniffed = sniff_text(blob, ctx)
    if isinstance(sniffed, Skip):
        yield sniffed
        return
    encoding, head = sniffed
    if not head.strip():
        return  # empty: nothing to scan, and not worth a "not well-formed" note
    if blob.extension == "xml" and not _looks_like_html(head.decode(encoding, "replace")):
        yield from _xml(blob, encoding, ctx)
        return
    with blob.open() as raw:
        yield from _html_stream(raw, encoding, blob.location, ctx)


def _looks_like_html(head: str) -> bool:
    start = head[:2048].lower()
    return "<!doctype html" in start or "<html" in start


def html_segments(
    text: str, location: Location, ctx: ExtractContext, part: str | None = None
) -> Iterator[Segment]:
    """Segments of an HTML document held in memory (a mail's HTML body)."""
    collector = _Collector(location, part)
    for start in range(0, len(text), _READ_BYTES):
        ctx.check_time()
        collector.feed(text[start : start + _READ_BYTES])
        yield from collector.drain()
    collector.close()
    yield from collector.drain()


def _html_stream(
    raw: BinaryIO, encoding: str, location: Location, ctx: ExtractContext, skip_lines: int = 0
) -> Iterator[Segment]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    collector = _Collector(location, None, line_offset=skip_lines)
    pending = skip_lines  # lines still to drop before parsing (after an XML failure)
    while True:
        ctx.check_time()
        chunk = raw.read(_READ_BYTES)
        text = decoder.decode(chunk, final=not chunk)
        start = 0
        while pending:
            cut = text.find("\n", start)
            if cut < 0:
                start = len(text)
                break
            start = cut + 1
            pending -= 1
        collector.feed(text[start:] if start else text)
        yield from collector.drain()
        if not chunk:
            break
    collector.close()
    yield from collector.drain()


@dataclass
class _Table:
    number: int
    headers: dict[int, str] = field(default_factory=dict)  # column -> th text
    row: int = 0
    next_column: int = 1
    row_headers: dict[int, str] = field(default_factory=dict)  # th cells of this row
    row_has_data: bool = False
    cell: _Cell | None = None  # the open td/th


@dataclass
class _Cell:
    column: int
    is_header: bool


class _Collector(HTMLParser):
    """Collects block-level text and data attributes as segments, in document order."""

    def __init__(self, location: Location, part: str | None, line_offset: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.locate = locator(location, "line", "part")
        self.part = part
        self.line_offset = line_offset
        members = location.members
        self.record_prefix = "!".join(members) + "!" if members else ""
        self.out: list[Segment] = []
        self.buffer: list[str] = []
        self.buffer_line = 0
        self.hidden: list[str] = []  # open script/style/noscript/template elements
        self.data_script = False
        self.tables: list[_Table] = []
        self.table_count = 0
        self.block: str | None = None  # innermost open block element
        self.term: str | None = None  # last <dt> text: the header of the next <dd>

    def drain(self) -> Iterator[Segment]:
        out, self.out = self.out, []
        return iter(out)

    def close(self) -> None:
        super().close()
        self._flush()

    # --- parser callbacks -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_CONTENT:
            kind = (dict(attrs).get("type") or "").lower()
            if not self.hidden and tag == "script" and kind.startswith(_DATA_SCRIPT_TYPES):
                self._flush()
                self.data_script = True
            self.hidden.append(tag)
            return
        if self.hidden:
            return
        if tag in _BLOCK:
            self._flush()
            self._open_block(tag, attrs)
        self._attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("body", "html"):
            self.hidden.clear()  # an unclosed <noscript> must not hide the rest
        if self.hidden:
            if tag == self.hidden[-1]:
                if tag == "script" and self.data_script:
                    self._flush(part="script")
                self.hidden.pop()
                self.data_script = False
            return
        if tag in _BLOCK and tag not in _VOID:
            self._flush()
            self._close_block(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden and not self.data_script:
            return
        if not self.buffer:
            if data.isspace():
                return  # the segment's line is that of its first visible character
            self.buffer_line = self.getpos()[0]
        self.buffer.append(data)

    def handle_comment(self, data: str) -> None:
        # Developers leave real data in comments; they ship to every visitor.
        if data.strip() and not self.hidden:
            self._emit(" ".join(data.split()), self.getpos()[0], part="comment")

    # --- structure --------------------------------------------------------------------

    def _open_block(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.block = tag
        if tag == "table":
            self.table_count += 1
            self.tables.append(_Table(self.table_count))
        elif not self.tables:
            return
        elif tag == "tr":
            self._end_row(self.tables[-1])
            self.tables[-1].row += 1
        elif tag in ("td", "th"):
            table = self.tables[-1]
            table.row = table.row or 1  # a cell without <tr>
            table.cell = _Cell(table.next_column, tag == "th")
            table.next_column += _span(dict(attrs).get("colspan"))

    def _close_block(self, tag: str) -> None:
        self.block = None
        if not self.tables:
            return
        if tag in ("td", "th"):
            self.tables[-1].cell = None
        elif tag == "tr":
            self._end_row(self.tables[-1])
        elif tag == "table":
            self._end_row(self.tables.pop())

    def _end_row(self, table: _Table) -> None:
        # A row of th cells only is the table's header row.
        if table.row_headers and not table.row_has_data and not table.headers:
            table.headers = dict(table.row_headers)
        table.row_headers = {}
        table.row_has_data = False
        table.next_column = 1

    # --- output -----------------------------------------------------------------------

    def _flush(self, part: str | None = None) -> None:
        if not self.buffer:
            return
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if not text:
            return
        header, record = None, None
        table = self.tables[-1] if self.tables else None
        if part is not None:
            pass
        elif self.block == "dt":
            self.term = text
        elif self.block == "dd":
            header = self.term
        elif table is not None and table.cell is not None:
            record = f"{self.record_prefix}table {table.number} row {table.row}"
            header = self._cell_header(table, table.cell, text)
        self._emit(text, self.buffer_line, header=header, record=record, part=part)

    @staticmethod
    def _cell_header(table: _Table, cell: _Cell, text: str) -> str | None:
        if cell.is_header:
            table.row_headers[cell.column] = text
            return None
        table.row_has_data = True
        return table.headers.get(cell.column) or _left_header(table, cell.column)

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            if not value or not value.strip() or not _holds_data(name, value):
                continue
            header = name[5:] if name.startswith("data-") else None
            if name == "value":
                header = named.get("name") or named.get("id")
            self._emit(value.strip(), line, header=header, part=f"{tag}/@{name}")

    def _emit(
        self,
        text: str,
        line: int,
        *,
        header: str | None = None,
        record: str | None = None,
        part: str | None = None,
    ) -> None:
        if self.part and part:
            part = f"{self.part}:{part}"
        location = self.locate(line=line + self.line_offset, part=part or self.part)
        self.out.append(Segment(text, location, header=header, record=record))


def _holds_data(name: str, value: str) -> bool:
    if name in _DATA_ATTRIBUTES or name.startswith("data-"):
        return True
    return name == "href" and value.lower().startswith(("mailto:", "tel:"))


def _left_header(table: _Table, column: int) -> str | None:
    """A ``th`` to the left in the same row: key/value tables (氏名 | 山田太郎)."""
    left = [c for c in table.row_headers if c < column]
    return table.row_headers[max(left)] if left else None


def _span(text: str | None) -> int:
    try:
        return max(1, min(int(text or "1"), 1000))
    except ValueError:
        return 1


# --- XML -------------------------------------------------------------------------------


@dataclass
class _Frame:
    element: Any
    path: str
    name: str
    record: str
    text_done: bool = False
    last_child: Any = None
    counts: dict[str, int] = field(default_factory=dict)


def _xml(blob: Blob, encoding: str, ctx: ExtractContext) -> Iterator[Item]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    emitted = 0
    failure: Exception | None = None
    with blob.open() as raw, io.TextIOWrapper(raw, encoding, errors="replace") as text:
        # Fed as text, so the parser ignores the declared encoding (expat has no CP932).
        events = iterparse(text, events=("start", "end"))
        try:
            for segment in _xml_segments(events, blob.location, ctx):
                emitted += 1
                yield segment
        except (ParseError, DefusedXmlException, ValueError) as exc:
            failure = exc
    if failure is None:
        return
    line = getattr(failure, "position", (1, 0))[0] if emitted else 1
    reason = str(failure).strip() or type(failure).__name__
    yield Note(f"not well-formed or unsafe XML ({reason}); scanned as HTML from line {line}")
    with blob.open() as raw:
        yield from _html_stream(raw, encoding, blob.location, ctx, skip_lines=line - 1)


def _xml_segments(
    events: Iterator[tuple[str, Any]], location: Location, ctx: ExtractContext
) -> Iterator[Segment]:
    """Text, tails and attributes of each element, emitted as soon as they are final."""
    stack: list[_Frame] = []
    for count in itertools.count():
        try:
            event, element = next(events)
        except StopIteration:
            return
        if count % 256 == 0:
            ctx.check_time()
        if event == "start":
            if stack:
                yield from _pending_text(stack[-1], location)
            frame = _open_frame(element, stack)
            stack.append(frame)
            yield from _xml_attributes(frame, location)
            continue
        frame = stack.pop()
        yield from _pending_text(frame, location)
        tail = element.tail
        element.clear()  # free memory as we go; keep the tail, the parent still needs it
        element.tail = tail
        if stack:
            stack[-1].last_child = element


def _open_frame(element: Any, stack: list[_Frame]) -> _Frame:
    name = _local(element.tag)
    if not stack:
        return _Frame(element, f"/{name}", name, record=f"/{name}")
    parent = stack[-1]
    number = parent.counts[name] = parent.counts.get(name, 0) + 1
    return _Frame(element, f"{parent.path}/{name}[{number}]", name, record=parent.path)


def _pending_text(frame: _Frame, location: Location) -> Iterator[Segment]:
    """The frame's own text, then the tail of its last closed child."""
    if not frame.text_done:
        frame.text_done = True
        yield from _xml_text(frame.element.text, frame, location)
    child = frame.last_child
    if child is not None:
        frame.last_child = None
        frame.element.remove(child)
        yield from _xml_text(child.tail, frame, location)


def _xml_text(text: str | None, frame: _Frame, location: Location) -> Iterator[Segment]:
    if text and text.strip():
        loc = replace(location, part=frame.path)
        yield Segment(text.strip(), loc, header=frame.name, record=frame.record)


def _xml_attributes(frame: _Frame, location: Location) -> Iterator[Segment]:
    for name, value in frame.element.attrib.items():
        if value and value.strip():
            local = _local(name)
            loc = replace(location, part=f"{frame.path}/@{local}")
            yield Segment(value.strip(), loc, header=local, record=frame.path)


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1] if "}" in text else text
