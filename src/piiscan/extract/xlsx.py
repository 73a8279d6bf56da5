"""Excel workbooks (.xlsx, .xlsm): every cell of every sheet, hidden ones included.

Cell values come from python-calamine (Rust, ~10x faster than openpyxl). What calamine
does not expose is read from the XML directly: sheet visibility and paths from
workbook.xml, hidden rows and columns and formula string literals from a regex pass over
each sheet's XML (far cheaper than an XML parse of every cell), and comments. Hiding a
sheet, row or column is not protection, so hidden text is reported with ``hidden=True``.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
)

from piiscan.extract.ooxml import (
    Package,
    PackageError,
    embedded,
    local,
    metadata,
    open_package,
    texts,
)
from piiscan.models import Location, Note, Segment, Skip, column_letters
from piiscan.structure.table import Cell, Row, Table

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item


WORKBOOK = "xl/workbook.xml"
_CHUNK = 4 << 20
# Targeted patterns over the raw sheet XML: each runs in C, and only matches (hidden rows,
# column ranges, formulas holding a string literal) reach Python.
_ROW_START = re.compile(rb"<(?:\w+:)?row\b")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_WITHOUT_R = re.compile(rb"<(?:\w+:)?row\b(?![^>]*\br=)")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b([^>]*\bhidden="(?:1|true)"[^>]*)>')
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_FORMULA = re.compile(rb'<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*>([^<]*"[^<]*)</(?:\w+:)?f>')
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_LITERAL = re.compile(r'"((?:[^"]|"")*)"')
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    try:
        with open_package(blob, ctx, "xlsx") as pkg:
            yield from _read(pkg, ctx)
    except PackageError as exc:
        yield Skip(blob.display, exc.reason)
    except Exception:
        raise
    except BaseException as exc:
        # A Rust panic inside calamine surfaces as pyo3's PanicException, a BaseException
        # that would slip past extract_blob's handler and end the whole scan.
        if type(exc).__name__ == "PanicException":
            raise RuntimeError(f"spreadsheet reader crashed: {exc}") from exc
        raise


@dataclass(frozen=True)
class _SheetInfo:
    name: str
    state: str  # 'visible', 'hidden', 'veryHidden'
    path: str | None  # worksheet part, None if the relationship is broken


@dataclass
class _Layout:
    """What only the sheet XML knows: hidden rows and columns, formula string literals."""

    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # 1-based, inclusive
    literals: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> text

    def col_hidden(self, col: int) -> bool:
        return any(lo <= col <= hi for lo, hi in self.hidden_cols)


def _read(pkg: Package, ctx: ExtractContext) -> Iterator[Item]:
    loc = pkg.blob.location
    sheets = {info.name: info for info in _workbook_sheets(pkg)}
    for name in pkg.names:  # calamine trusts declared sizes: check what it may inflate
        if name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/"):
            pkg.verify(name)
    with pkg.blob.open() as fh:
        book = _open_calamine(fh)
        try:
            for meta in book.sheets_metadata:
                info = sheets.get(meta.name, _SheetInfo(meta.name, "visible", None))
                yield from _sheet(pkg, ctx, book, info, loc)
        finally:
            book.close()
    yield from _persons(pkg, loc)
    yield from metadata(pkg, loc)
    yield from embedded(pkg, "xl/embeddings/", ctx)


def _open_calamine(fh: Any) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(fh)
    except PasswordError as exc:
        raise PackageError("encrypted workbook — password required, not scanned") from exc


def _workbook_sheets(pkg: Package) -> list[_SheetInfo]:
    targets = {rel.id: rel.target for rel in pkg.rels(WORKBOOK) if not rel.external}
    out: list[_SheetInfo] = []
    for node in pkg.xml(WORKBOOK).iter():
        if local(node.tag) != "sheet":
            continue
        rel_id = next((v for k, v in node.attrib.items() if local(k) == "id"), "")
        path = targets.get(rel_id)
        out.append(_SheetInfo(node.get("name", ""), node.get("state", "visible"), path))
    return out


# --------------------------------------------------------------------------- one sheet


def _sheet(
    pkg: Package, ctx: ExtractContext, book: CalamineWorkbook, info: _SheetInfo, loc: Location
) -> Iterator[Item]:
    sheet_hidden = info.state != "visible"
    if info.state == "hidden":
        yield Note(f"sheet '{info.name}' is hidden")
    elif info.state == "veryHidden":
        yield Note(f"sheet '{info.name}' is very hidden (visible only to macros)")
    sheet_loc = replace(loc, sheet=info.name)
    yield Segment(info.name, replace(sheet_loc, part="sheet name"), hidden=sheet_hidden)
    layout = _layout(pkg, ctx, info.path) if info.path else _Layout()
    yield from _layout_notes(info.name, layout)
    try:
        sheet = _calamine_sheet(book, info.name)
    except CalamineError as exc:
        # One damaged sheet must not hide the others: skip it by name and go on.
        yield Skip(
            pkg.blob.display, f"sheet '{info.name}' unreadable ({type(exc).__name__}: {exc})"
        )
        sheet = None
    headers = Table(subject=info.name)  # a sheet named 会員名簿 or customers: rows of people
    if sheet is not None:
        yield from _cells(ctx, sheet, layout, sheet_loc, sheet_hidden, headers)
    else:
        yield from _formula_only_cells(layout, sheet_loc, None, headers, sheet_hidden)
    if info.path:
        yield from _comments(pkg, info.path, sheet_loc, sheet_hidden, layout, headers)


def _calamine_sheet(book: CalamineWorkbook, name: str) -> CalamineSheet | None:
    """The sheet's cells, or None when it has none (empty sheet, chart sheet)."""
    meta = next((m for m in book.sheets_metadata if m.name == name), None)
    if meta is not None and meta.typ == SheetTypeEnum.ChartSheet:
        return None
    sheet = book.get_sheet_by_name(name)  # a damaged sheet raises: reported by the caller
    return sheet if sheet.start is not None else None


def _layout_notes(sheet: str, layout: _Layout) -> Iterator[Note]:
    if layout.hidden_rows:
        yield Note(f"sheet '{sheet}' has {len(layout.hidden_rows)} hidden row(s)")
    if layout.hidden_cols:
        count = sum(min(hi, 16384) - lo + 1 for lo, hi in layout.hidden_cols)
        yield Note(f"sheet '{sheet}' has {count} hidden column(s)")


def _cells(
    ctx: ExtractContext,
    sheet: CalamineSheet,
    layout: _Layout,
    loc: Location,
    sheet_hidden: bool,
    headers: Table,
) -> Iterator[Segment]:
    """One segment per non-empty cell, with its column header (piiscan.structure.table
    decides which row is the header and what each column holds).

    calamine's iter_rows yields rows from row 1 (leading empty rows padded) but columns
    only from the first used column: ``sheet.start[1]`` is the column offset.
    This loop runs once per cell, so per-column facts are cached and locations are built
    directly rather than with dataclasses.replace (five times slower).
    """
    yield from headers.segments(_rows(ctx, sheet, layout, loc, sheet_hidden))
    yield from _formula_only_cells(layout, loc, sheet, headers, sheet_hidden)


def _rows(ctx: ExtractContext, sheet: CalamineSheet, layout: _Layout, loc: Location,
          sheet_hidden: bool) -> Iterator[Row]:
    assert sheet.start is not None
    first_col = sheet.start[1] + 1
    name = loc.sheet or ""
    at = _location_factory(loc)
    columns: dict[int, tuple[str, bool]] = {}  # col -> (letters, hidden)
    for row_index, values in enumerate(sheet.iter_rows(), start=1):
        ctx.check_time()
        cells = _row_cells(values, first_col, row_index, layout)
        if not cells:
            continue
        row_hidden = sheet_hidden or row_index in layout.hidden_rows
        out = []
        for col, text, numeric in cells:
            column = columns.get(col)
            if column is None:
                column = columns[col] = (column_letters(col), layout.col_hidden(col))
            hidden = row_hidden or column[1]
            ref = f"{column[0]}{row_index}"
            out.append(Cell(col, text, at(ref), hidden, numeric))
            literal = layout.literals.get((row_index, col)) if layout.literals else None
            if literal and literal not in text:
                out.append(Cell(col, literal, at(ref, "formula"), hidden))
        yield Row(out, f"{name}!{row_index}")


def _row_cells(
    values: list[Any], first_col: int, row: int, layout: _Layout
) -> list[tuple[int, str, bool]]:
    """(column, text, is a number) of a row's non-empty cells; a formula-only cell has
    text ''."""
    cells: list[tuple[int, str, bool]] = []
    for offset, value in enumerate(values):
        is_text = type(value) is str
        text = value if is_text else render(value)
        if (text and not text.isspace()) or (
            layout.literals and (row, first_col + offset) in layout.literals
        ):
            cells.append((first_col + offset, "" if text.isspace() else text,
                          not is_text and isinstance(value, int | float)))
    return cells


def _location_factory(base: Location) -> Callable[..., Location]:
    """``at('B3')`` -> ``base`` with that cell, keeping every other field of ``base``."""
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(Location)}

    def at(cell: str, part: str | None = None) -> Location:
        return Location(**{**fields, "cell": cell, "part": part})

    return at


def _formula_only_cells(
    layout: _Layout,
    loc: Location,
    sheet: CalamineSheet | None,
    headers: Table,
    sheet_hidden: bool,
) -> Iterator[Segment]:
    """Formula literals in cells calamine never reached (outside its used range)."""
    if sheet is not None and sheet.start is not None and sheet.end is not None:
        last_row, last_col = sheet.end[0] + 1, sheet.end[1] + 1
        first_col = sheet.start[1] + 1
    else:
        last_row = last_col = first_col = 0
    for (row, col), literal in layout.literals.items():
        if row > last_row or col > last_col or col < first_col:
            hidden = sheet_hidden or row in layout.hidden_rows or layout.col_hidden(col)
            yield Segment(
                literal,
                replace(loc, cell=f"{column_letters(col)}{row}", part="formula"),
                header=headers.header(col),
                hidden=hidden,
                record=f"{loc.sheet}!{row}",
            )


def render(value: object) -> str:
    """A cell value as a person would read it: integers without '.0' or exponent, dates
    as YYYY-MM-DD. A phone stored as a number keeps the digits it has."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ""  # TRUE/FALSE carry no personal data and would only add noise
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _render_float(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return "" if value is None else str(value)


def _render_float(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text



def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


# --------------------------------------------------------------------------- sheet XML


def _layout(pkg: Package, ctx: ExtractContext, path: str) -> _Layout:
    """Hidden rows/columns and formula literals, from a chunked regex pass over the XML."""
    layout = _Layout()
    if not pkg.has(path):
        return layout
    state = [0]  # last row number seen: rows may omit their r attribute
    carry = b""
    with pkg.stream(path) as fh:
        while True:
            ctx.check_time()
            chunk = fh.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                _scan(data, layout, state)
                break
            cut = _last_row_start(data)
            _scan(data[:cut], layout, state)
            carry = data[cut:]
    return layout


def _last_row_start(data: bytes) -> int:
    """Where the last <row> begins: everything before it is complete rows."""
    last = 0
    window = max(0, len(data) - (1 << 20))
    for match in _ROW_START.finditer(data, window):
        last = match.start()
    if last == 0 and window:
        for match in _ROW_START.finditer(data):
            last = match.start()
    return last


def _scan(data: bytes, layout: _Layout, state: list[int]) -> None:
    _scan_rows(data, layout, state)
    for match in _COL_TAG.finditer(data):
        attrs = match.group(1)
        if _is_true(attrs, b"hidden"):
            found = dict(_ATTR.findall(attrs))
            lo, hi = int(found.get(b"min", b"0")), int(found.get(b"max", b"0"))
            if lo > 0:
                layout.hidden_cols.append((lo, max(lo, hi)))
    for match in _FORMULA.finditer(data):
        _add_literal(match.group(1), match.group(2), layout)


def _scan_rows(data: bytes, layout: _Layout, state: list[int]) -> None:
    """Hidden row numbers. Rows may omit r="" (then they follow the previous row): only
    then is every row tag visited."""
    if _ROW_WITHOUT_R.search(data) is None:
        for match in _HIDDEN_ROW.finditer(data):
            layout.hidden_rows.add(_row_number(match.group(1), 0))
        last = _last_row_start(data)
        tag = _ROW_TAG.match(data, last)
        if tag:
            state[0] = _row_number(tag.group(1), state[0])
        return
    for match in _ROW_TAG.finditer(data):
        state[0] = _row_number(match.group(1), state[0])
        if _is_true(match.group(1), b"hidden"):
            layout.hidden_rows.add(state[0])


def _row_number(attrs: bytes, previous: int) -> int:
    found = dict(_ATTR.findall(attrs))
    try:
        return int(found[b"r"])
    except (KeyError, ValueError):
        return previous + 1


def _is_true(attrs: bytes, name: bytes) -> bool:
    return b"hidden" in attrs and dict(_ATTR.findall(attrs)).get(name) in (b"1", b"true")


def _add_literal(attrs: bytes, formula: bytes, layout: _Layout) -> None:
    """String literals of a formula (``="090-"&A1``): text that is in the file but may not be
    in any cached value."""
    ref = dict(_ATTR.findall(attrs)).get(b"r", b"").decode("ascii", "replace")
    match = _CELL_REF.fullmatch(ref)
    if not match:
        return
    text = html.unescape(formula.decode("utf-8", "replace"))
    parts = [lit.replace('""', '"').strip() for lit in _LITERAL.findall(text)]
    joined = " ".join(part for part in parts if part)
    if joined:
        layout.literals[(int(match.group(2)), column_number(match.group(1)))] = joined


# --------------------------------------------------------------------------- comments


def _comments(
    pkg: Package,
    sheet_path: str,
    loc: Location,
    sheet_hidden: bool,
    layout: _Layout,
    headers: Table,
) -> Iterator[Segment]:
    legacy = pkg.related(sheet_path, "comments")
    # Threaded comments are mirrored into the legacy part; read them only when it is absent.
    parts = legacy or pkg.related(sheet_path, "threadedComment")
    authors: set[str] = set()
    for part in parts:
        root = pkg.xml(part)
        for node in root.iter():
            name = local(node.tag)
            if name == "author" and node.text and node.text.strip():
                authors.add(node.text.strip())
            elif name in ("comment", "threadedComment"):
                yield from _comment_segment(node, loc, sheet_hidden, layout, headers)
    for author in sorted(authors):
        if not author.startswith("tc="):  # threaded-comment placeholder ids, not names
            yield Segment(author, replace(loc, part="metadata:comment author"), hidden=sheet_hidden)


def _comment_segment(
    node: Any, loc: Location, sheet_hidden: bool, layout: _Layout, headers: Table
) -> Iterator[Segment]:
    ref = node.get("ref", "")
    text = texts(node, "t") or texts(node, "text")
    if not text.strip():
        return
    match = _CELL_REF.fullmatch(ref)
    row = int(match.group(2)) if match else None
    col = column_number(match.group(1)) if match else None
    hidden = (
        sheet_hidden or (row in layout.hidden_rows) or (col is not None and layout.col_hidden(col))
    )
    yield Segment(
        text.strip(),
        replace(loc, cell=ref or None, part="comment"),
        header=headers.header(col),
        hidden=hidden,
        record=f"{loc.sheet}!{row}" if row else None,
    )


def _persons(pkg: Package, loc: Location) -> Iterator[Segment]:
    """Names of people in threaded comments (xl/persons/person.xml)."""
    for name in pkg.names:
        if name.startswith("xl/persons/") and name.endswith(".xml"):
            for node in pkg.xml(name).iter():
                display = node.get("displayName")
                if local(node.tag) == "person" and display:
                    yield Segment(display, replace(loc, part="metadata:comment author"))
