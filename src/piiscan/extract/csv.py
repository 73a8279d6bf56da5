"""CSV and TSV: one segment per cell, with its column header as context.

The file is streamed through ``csv.reader`` (quoted fields may span lines), so a CSV of a
million rows never sits in memory. Row numbers count records as a spreadsheet shows them:
the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO, Protocol

from piiscan.extract import locator
from piiscan.extract.text import sniff_text
from piiscan.models import Note, Segment, Skip
from piiscan.structure.table import SAMPLE_ROWS, Cell, Row, Table

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item

_SNIFF_CHARS = 8 * 1024  # csv.Sniffer is quadratic on odd input: a few lines are enough
_DELIMITERS = ",\t;|"


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    sniffed = sniff_text(blob, ctx)
    if isinstance(sniffed, Skip):
        yield sniffed
        return
    encoding, sample = sniffed
    dialect = sniff_dialect(sample.decode(encoding, errors="replace"), blob.extension)
    rows = _RowReader(blob, ctx)
    with blob.open() as raw, _text_stream(raw, encoding) as stream:
        reader = csv.reader(stream, dialect)
        try:
            yield from rows.cells(reader)
        except csv.Error as exc:
            yield Note(
                f"malformed CSV from line {rows.lines_done + 1} ({exc}); "
                "the rest was scanned as plain text"
            )
            yield from text_from_line(blob, encoding, rows.lines_done, ctx)
    if rows.replaced:
        yield Note(
            f"{rows.replaced} undecodable byte sequences replaced while reading as {encoding}"
        )


def sniff_dialect(sample: str, extension: str) -> type[csv.Dialect]:
    """The sample's dialect; a plain comma (tab for .tsv) when the sniffer is unsure."""
    default: type[csv.Dialect] = csv.excel_tab if extension == "tsv" else csv.excel
    text = sample[:_SNIFF_CHARS]
    if "\n" in text:
        text = text.rsplit("\n", 1)[0]  # the sample may end mid-line
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(text, delimiters=_DELIMITERS)
    except csv.Error:
        return default
    # The sniffer sometimes picks a character that only occurs in the data.
    if dialect.delimiter not in first_line:
        return default
    if extension == "tsv" and "\t" in first_line and dialect.delimiter != "\t":
        return default
    return dialect


def _text_stream(raw: BinaryIO, encoding: str) -> io.TextIOWrapper:
    # newline='' is what the csv module wants: quoted fields keep their own line breaks.
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


class _Reader(Protocol):
    """What ``csv.reader`` returns: rows, and how many physical lines it has read."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...


class _RowReader:
    """Turns csv rows into cell segments through the table layer (header row, title rows,
    headerless tables, what each column holds: piiscan.structure.table), remembering how
    far it got."""

    def __init__(self, blob: Blob, ctx: ExtractContext) -> None:
        self.blob = blob
        self.ctx = ctx
        self.lines_done = 0  # physical lines consumed by complete records
        self.replaced = 0
        self.table = Table(subject=blob.name.rsplit(".", 1)[0])  # users.csv: rows of people
        members = blob.location.members
        # Record ids must stay unique across the members of one container.
        self.record_prefix = "!".join(members) + "!" if members else ""

    def cells(self, reader: _Reader) -> Iterator[Segment]:
        """The first rows go through the table layer, which decides the header and what
        each column holds; the rest become segments here, with those headers (one step
        less per cell on a million-row file)."""
        locate = locator(self.blob.location, "row", "column")
        rows = enumerate(reader, start=1)
        sample: list[Row] = []
        try:
            for row_number, row in rows:
                self._advance(reader, row)
                cells = [Cell(column, value, locate(row=row_number, column=column))
                         for column, value in enumerate(row, start=1)]
                if any(c.text and not c.text.isspace() for c in cells):
                    sample.append(Row(cells, f"{self.record_prefix}row {row_number}"))
                if len(sample) >= SAMPLE_ROWS:
                    break
        except Exception:
            # A malformed line stops the reader: the rows before it are still scanned.
            yield from self.table.segments(sample)
            raise
        yield from self.table.segments(sample)
        headers, prefix = self.table.headers, self.record_prefix
        for row_number, row in rows:
            self._advance(reader, row)
            record = f"{prefix}row {row_number}"
            for column, value in enumerate(row, start=1):
                if value and not value.isspace():
                    yield Segment(value, locate(row=row_number, column=column),
                                  header=headers.get(column), record=record)

    def _advance(self, reader: _Reader, row: list[str]) -> None:
        self.ctx.check_time()
        self.lines_done = reader.line_num
        for value in row:
            if "\ufffd" in value:
                self.replaced += value.count("\ufffd")


def text_from_line(
    blob: Blob, encoding: str, skip_lines: int, ctx: ExtractContext
) -> Iterator[Segment]:
    """Line-based segments for the file from line ``skip_lines + 1`` on."""
    with blob.open() as raw, _text_stream(raw, encoding) as stream:
        for _ in itertools.islice(stream, skip_lines):
            pass
        yield from line_segments(stream, blob, skip_lines + 1, ctx)


# A line as str.splitlines(keepends=True) cuts them: \r\n, or one of these, ends a line.
_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*"
                   "(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])?")


def iter_lines(text: str) -> Iterator[str]:
    """``text.splitlines(keepends=True)``, one line at a time: a 30 MiB log's lines as a list
    took 50 MB more than the text itself."""
    end = len(text)
    for m in _LINE.finditer(text):
        if m.start() == end:
            return
        yield m.group()


def line_segments(
    lines: Iterable[str], blob: Blob, first_line: int, ctx: ExtractContext
) -> Iterator[Segment]:
    """Group lines into segments of about ``ctx.chunk_chars`` characters."""
    buffer: list[str] = []
    size = 0
    start = line = first_line
    for text in lines:
        ctx.check_time()
        buffer.append(text)
        size += len(text)
        line += 1
        if size >= ctx.chunk_chars:
            yield Segment("".join(buffer), blob.location, line_based=True, first_line=start)
            buffer, size, start = [], 0, line
    if buffer:
        yield Segment("".join(buffer), blob.location, line_based=True, first_line=start)
