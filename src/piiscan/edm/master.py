"""Read a customer master, row by row: CSV/TSV in any Japanese encoding, or XLSX.

CSV is decoded with piiscan's own encoding sniffing (piiscan.extract.encoding: BOM, UTF-8,
UTF-16, CP932 against EUC-JP, ISO-2022-JP) and dialect sniffing (piiscan.extract.csv), and
streamed: a master of millions of rows is never held whole. Unlike a scan, which replaces
undecodable bytes and goes on, a master must be read exactly: a byte that does not decode
stops the build with the row it is in, because a value hashed with a replacement character
would silently never match. XLSX cells come from python-calamine with their types; a number
in a phone or My Number column gets back the leading zeros a spreadsheet strips.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piiscan.errors import ConfigError, UsageError

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class MasterRows:
    """The master's column names (empty when it has no header row) and its data rows as
    ``(row number as a spreadsheet shows it, cells)``."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str | None = None


def read_master(path: str, header_row: int = 1, sheet: str | None = None) -> MasterRows:
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such master file")
    if path.lower().endswith(XLSX_SUFFIXES):
        return _xlsx(path, header_row, sheet)
    if sheet is not None:
        raise ConfigError(f"{path}: the schema names a sheet, but the master is not XLSX")
    return _csv(path, header_row)


def _csv(path: str, header_row: int) -> MasterRows:
    from piiscan.extract.csv import sniff_dialect
    from piiscan.extract.encoding import SAMPLE_BYTES, sniff_encoding

    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES + 1)
    encoding = sniff_encoding(sample[:SAMPLE_BYTES], whole=len(sample) <= SAMPLE_BYTES)
    if encoding is None:
        raise UsageError(f"{path}: looks like a binary file, not a CSV master")
    text = sample[:SAMPLE_BYTES].decode(encoding, errors="replace")
    dialect = sniff_dialect(text, Path(path).suffix.lower().lstrip("."))

    def records() -> Iterator[list[str]]:
        done = 0  # records read, for the error message
        with open(path, "rb") as raw, \
                io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="") as stream:
            try:
                for row in csv.reader(stream, dialect):
                    done += 1
                    yield row
            except UnicodeDecodeError:
                raise ConfigError(f"{path}: the bytes after row {done} are not valid "
                                  f"{encoding}; re-save the master in one encoding (UTF-8 or "
                                  "CP932)") from None
            except csv.Error as exc:
                raise ConfigError(f"{path}: malformed CSV after row {done}: {exc}") from None

    header, rows = _split(records(), header_row)
    return MasterRows(header, rows, encoding)


def _xlsx(path: str, header_row: int, sheet: str | None) -> MasterRows:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        book = CalamineWorkbook.from_path(path)
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise ConfigError(f"{path}: no sheet named '{sheet}' (sheets: {', '.join(names)})")
        cells = book.get_sheet_by_name(sheet if sheet is not None else names[0])
    except PasswordError:
        raise UsageError(f"{path}: the workbook is encrypted: save a copy without a "
                         "password for the build") from None
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise UsageError(f"{path}: cannot read the workbook ({type(exc).__name__}: {exc})"
                         ) from None
    header, rows = _split(_sheet_rows(cells), header_row)
    return MasterRows(header, rows)


def _sheet_rows(sheet: Any) -> Iterator[list[Any]]:
    """Rows from row 1; calamine starts each row at the first used column, so the columns
    before it are put back (column numbers in the schema count from A)."""
    if sheet.start is None:
        return
    pad = [None] * sheet.start[1]
    for values in sheet.iter_rows():
        yield pad + values if pad else values


def _split(records: Iterator[list[Any]], header_row: int
           ) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """Take the header (row ``header_row``, 0: none) off the records; number the rest."""
    header: list[Any] = []
    number = 0
    for record in records:
        number += 1
        if number == header_row:
            header = [str(h).strip() if h is not None else "" for h in record]
            break
        if number >= header_row:  # header_row 0: this record is data; put it back
            records = _chain(record, records)
            number -= 1
            break

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = number
        for record in records:
            n += 1
            if any(_present(v) for v in record):
                yield n, record

    return header, rows()


def _chain(first: list[Any], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield first
    yield from rest


def _present(value: Any) -> bool:
    return value is not None and value != "" and not (isinstance(value, str)
                                                      and value.isspace())


def cell_text(value: Any, value_type: str) -> str:
    """A master cell as text. Spreadsheets store phone numbers and My Numbers typed as
    numbers without their leading zeros; those come back."""
    from piiscan.extract.xlsx import render

    if isinstance(value, str):
        return value.strip()
    text = render(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and text.isdigit():
        if value_type == "PHONE" and not text.startswith("0"):
            return "0" + text
        if value_type == "MY_NUMBER":
            return text.zfill(12)
    return text
