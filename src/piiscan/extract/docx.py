"""Word documents (.docx, .docm): every place text hides, read straight from the XML.

Body paragraphs, tables (with the column header as context), headers and footers,
footnotes, endnotes, comments, text boxes, tracked insertions and deletions (deleted text
is a classic leak: invisible on screen, still in the file), document properties, external
hyperlink targets and embedded files. Parts are stream-parsed so a huge document.xml is
never held as a whole tree; macros are never run, only their document is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

from piiscan.extract.ooxml import Package, PackageError, embedded, local, metadata, open_package
from piiscan.labels import is_field_label
from piiscan.models import Location, Segment, Skip

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item


MAIN = "word/document.xml"
_BLOCKS = frozenset({"p", "tbl"})
# Parts beside the body, by relationship type; label is Location.part.
_SIDE_PARTS = (
    ("header", "header"),
    ("footer", "footer"),
    ("footnotes", "footnote"),
    ("endnotes", "endnote"),
    ("comments", "comment"),
)
_SIDE_NAMES = re.compile(r"word/(header|footer|footnotes|endnotes|comments)\d*\.xml")
_LABEL_BY_STEM = {
    "header": "header",
    "footer": "footer",
    "footnotes": "footnote",
    "endnotes": "endnote",
    "comments": "comment",
}
# Elements whose subtree holds no document text: properties, field codes, VML fallbacks,
# and ruby (furigana) readings, which would split 山田 into やまだ山田.
_SKIP = frozenset(
    {"pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr", "instrText", "delInstrText", "Fallback", "rt"}
)
# Notes whose subtree is Word's separator line, not content.
_SEPARATOR_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    try:
        with open_package(blob, ctx, "docx") as pkg:
            yield from _read(pkg, ctx)
    except PackageError as exc:
        yield Skip(blob.display, exc.reason)


def _read(pkg: Package, ctx: ExtractContext) -> Iterator[Item]:
    loc = pkg.blob.location
    if not pkg.has(MAIN):
        raise PackageError(f"not a Word document: {MAIN} is missing")
    yield from _part(pkg, ctx, MAIN, loc, label=None, prefix="")
    for name, label in _side_parts(pkg):
        prefix = name.rsplit("/", 1)[-1].removesuffix(".xml") + ":"
        try:
            yield from _part(pkg, ctx, name, loc, label=label, prefix=prefix)
        except ParseError as exc:
            # A damaged header or comments part must not hide the rest of the document.
            yield Skip(pkg.blob.display, f"{label} part {name} unreadable ({exc})")
    yield from _hyperlinks(pkg, loc)
    yield from metadata(pkg, loc)
    yield from embedded(pkg, "word/embeddings/", ctx)


def _side_parts(pkg: Package) -> list[tuple[str, str]]:
    """Headers, footers, notes and comments: those the body links to, then orphans."""
    found: dict[str, str] = {}
    for rel_type, label in _SIDE_PARTS:
        for name in pkg.related(MAIN, rel_type):
            found.setdefault(name, label)
    for name in pkg.names:
        match = _SIDE_NAMES.fullmatch(name)
        if match:
            found.setdefault(name, _LABEL_BY_STEM[match.group(1)])
    return list(found.items())


# --------------------------------------------------------------------------- streaming


@dataclass
class _PartState:
    """Counters for one part while it streams past."""

    location: Location
    label: str | None  # Location.part for ordinary text in this part
    prefix: str  # record prefix, so table rows of different parts never share an id
    paragraphs: int = 0
    tables: int = 0
    note_id: str | None = None  # current footnote/endnote/comment id
    authors: set[str] = field(default_factory=set)


def _part(
    pkg: Package, ctx: ExtractContext, name: str, loc: Location, *, label: str | None, prefix: str
) -> Iterator[Item]:
    """Stream one part, handling each outermost paragraph or table as soon as it closes.

    Handled blocks are removed from their parent, so memory stays bounded by the largest
    single paragraph or table, not by the document.
    """
    state = _PartState(loc, label, prefix)
    stack: list[Element] = []
    block_depth = 0  # open w:p / w:tbl elements
    fallback_depth = 0  # open mc:Fallback elements: a duplicate of the mc:Choice content
    for event, elem in pkg.iterparse(name, ("start", "end")):
        tag = local(elem.tag)
        if event == "start":
            stack.append(elem)
            if tag in _BLOCKS:
                block_depth += 1
            elif tag == "Fallback":
                fallback_depth += 1
            elif tag in ("footnote", "endnote", "comment"):
                state.note_id = _note_id(elem)
                _add_author(state, elem)
            elif tag in ("ins", "del"):
                _add_author(state, elem)
            continue
        stack.pop()
        if tag == "Fallback":
            fallback_depth -= 1
        if tag not in _BLOCKS:
            continue
        block_depth -= 1
        if block_depth:
            continue
        ctx.check_time()
        if not fallback_depth and state.note_id != "":
            yield from _block(elem, tag, state)
        if stack:
            stack[-1].remove(elem)
    yield from _authors(state)


def _note_id(elem: Element) -> str | None:
    """The note's id, or '' for a separator note whose content is skipped."""
    if _attr(elem, "type") in _SEPARATOR_TYPES:
        return ""
    return _attr(elem, "id")


def _add_author(state: _PartState, elem: Element) -> None:
    author = _attr(elem, "author")
    if author and author.strip():
        state.authors.add(author.strip())


def _attr(elem: Element, name: str) -> str | None:
    """A w: attribute in either namespace flavour (transitional or strict)."""
    for key, value in elem.attrib.items():
        if local(key) == name:
            return value
    return None


def _authors(state: _PartState) -> Iterator[Segment]:
    # Reviewer and commenter names are personal data about the people who handled the file.
    label = "metadata:comment author" if state.label == "comment" else "metadata:revision author"
    for author in sorted(state.authors):
        yield Segment(author, replace(state.location, part=label))


def _block(elem: Element, tag: str, state: _PartState) -> Iterator[Segment]:
    if tag == "p":
        state.paragraphs += 1
        yield from _paragraph_segments(elem, state)
    else:
        state.tables += 1
        yield from _table_segments(elem, state)


def _record(state: _PartState) -> str | None:
    if state.note_id:
        return f"{state.label}{state.note_id}"
    return None


def _paragraph_segments(p: Element, state: _PartState) -> Iterator[Segment]:
    content = _Content()
    content.add_paragraph(p)
    loc = replace(state.location, paragraph=state.paragraphs, part=state.label)
    yield from content.segments(loc, record=_record(state))


# --------------------------------------------------------------------------- text


@dataclass
class _Content:
    """Text gathered from paragraphs: visible lines, deleted text, text boxes."""

    lines: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    boxes: list[Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The visible text, one line per non-empty paragraph."""
        return "\n".join(line for line in self.lines if line.strip())

    def add_paragraph(self, p: Element) -> None:
        visible: list[str] = []
        deleted: list[str] = []
        _runs(p, visible, deleted, self.boxes)
        self.lines.append("".join(visible))
        if deleted:
            self.deleted.append("".join(deleted))

    def add_container(self, container: Element) -> None:
        """Paragraphs of a cell, note or text box; nested tables are read row by row."""
        for child in container:
            tag = local(child.tag)
            if tag == "p":
                self.add_paragraph(child)
            elif tag == "tbl":
                for row in _rows(child):
                    for _col, _span, cell in row:
                        self.add_container(cell)
            elif tag not in _SKIP:
                self.add_container(child)  # w:sdt, w:customXml, w:ins around paragraphs

    def segments(
        self,
        loc: Location,
        *,
        header: str | None = None,
        record: str | None = None,
        joined: bool = False,
    ) -> Iterator[Segment]:
        lines = [line for line in self.lines if line.strip()]
        if joined and lines:
            yield Segment("\n".join(lines), loc, header=header, record=record)
        elif lines:
            yield from (Segment(line, loc, header=header, record=record) for line in lines)
        for text in self.deleted:
            if text.strip():
                yield Segment(text, replace(loc, part="deleted text"), header=header, record=record)
        for box in self.boxes:
            inner = _Content()
            inner.add_container(box)
            yield from inner.segments(replace(loc, part="text box"), record=record)


def _runs(elem: Element, visible: list[str], deleted: list[str], boxes: list[Element]) -> None:
    """Text of one paragraph in document order; text boxes are set aside, not inlined."""
    for child in elem:
        tag = local(child.tag)
        if tag == "t":
            visible.append(child.text or "")
        elif tag == "delText":
            deleted.append(child.text or "")
        elif tag == "tab":
            visible.append("\t")
        elif tag in ("br", "cr"):
            visible.append("\n")
        elif tag == "noBreakHyphen":
            visible.append("-")
        elif tag == "txbxContent":
            boxes.append(child)
        elif tag not in _SKIP:
            _runs(child, visible, deleted, boxes)


# --------------------------------------------------------------------------- tables


def _rows(tbl: Element) -> Iterator[list[tuple[int, int, Element]]]:
    """Rows of a table as (grid column 1-based, span, w:tc); merged cells keep the grid."""
    for tr in _children(tbl, "tr"):
        col = 1 + _grid_before(tr)
        cells: list[tuple[int, int, Element]] = []
        for tc in _children(tr, "tc"):
            span = _int_val(tc, "gridSpan", 1)
            cells.append((col, span, tc))
            col += span
        yield cells


def _children(elem: Element, name: str) -> Iterator[Element]:
    """Direct children called ``name``, looking through content controls and custom XML."""
    for child in elem:
        tag = local(child.tag)
        if tag == name:
            yield child
        elif tag in ("sdt", "sdtContent", "customXml"):
            yield from _children(child, name)


def _grid_before(tr: Element) -> int:
    for child in tr:
        if local(child.tag) == "trPr":
            return _int_val(child, "gridBefore", 0)
    return 0


def _int_val(elem: Element, prop: str, default: int) -> int:
    """``<w:tcPr><w:gridSpan w:val="2"/>``-style integer property of a cell or row."""
    for node in elem.iter():
        if local(node.tag) == prop:
            try:
                return max(int(_attr(node, "val") or default), 0)
            except ValueError:
                return default
        if local(node.tag) in ("p", "tbl"):
            break  # properties come first; don't search nested content
    return default


def _table_segments(tbl: Element, state: _PartState) -> Iterator[Segment]:
    """A list reads its first row as column headers; a form (label | value, as on a 履歴書)
    gives each value the label to its left, and is one record: one person."""
    t = state.tables
    rows = [[(col, span, _cell(cell)) for col, span, cell in row] for row in _rows(tbl)]
    if _is_form(rows):
        yield from _form_segments(rows, state)
        return
    headers: dict[int, str] = {}
    for r, row in enumerate(rows, start=1):
        record = f"{state.prefix}T{t}R{r}"
        for col, span, content in row:
            if r == 1:
                for c in range(col, col + span):
                    headers[c] = content.text
            loc = replace(state.location, cell=f"T{t}R{r}C{col}", part=state.label)
            header = (headers.get(col) or None) if r > 1 else None
            yield from content.segments(loc, header=header, record=record, joined=True)


_Row = list[tuple[int, int, "_Content"]]


def _cell(tc: Element) -> _Content:
    content = _Content()
    content.add_container(tc)
    return content


def _is_form(rows: list[_Row]) -> bool:
    """Label and value cells side by side: the first row and at least half of the rows
    start with a field label followed by a cell that is not one."""
    def pair(row: _Row) -> bool:
        return (len(row) >= 2 and is_field_label(row[0][2].text)
                and not is_field_label(row[1][2].text))

    return bool(rows) and pair(rows[0]) and 2 * sum(map(pair, rows)) >= len(rows)


def _form_segments(rows: list[_Row], state: _PartState) -> Iterator[Segment]:
    t = state.tables
    record = f"{state.prefix}T{t}"
    for r, row in enumerate(rows, start=1):
        label: str | None = None
        for col, _span, content in row:
            loc = replace(state.location, cell=f"T{t}R{r}C{col}", part=state.label)
            if is_field_label(content.text):
                label = content.text.strip().rstrip(":：").strip()
                yield from content.segments(loc, record=record, joined=True)
            else:
                yield from content.segments(loc, header=label, record=record, joined=True)


# --------------------------------------------------------------------------- links


def _hyperlinks(pkg: Package, loc: Location) -> Iterator[Segment]:
    """External link targets: a 'mailto:' behind the words 'contact me' is an address."""
    seen: set[str] = set()
    for rel in pkg.rels(MAIN):
        if rel.type == "hyperlink" and rel.external and rel.target not in seen:
            seen.add(rel.target)
            yield Segment(rel.target, replace(loc, part="hyperlink"))
