"""Tables that are only lines of text: a PDF table, a space-aligned listing.

A PDF keeps no cells, only positioned text: a table comes out as a line of column names
(姓 名 電話番号 メールアドレス 住所 生年月日 ...) and then one line per row, the values
separated by spaces — and a value may itself hold spaces (住所: 岩手県 宮古市 築地 1-5).
``find_tables(text)`` finds a header line (most of its words name a column kind in the
column table), then reads each following line as a row by aligning its words to the
columns: each column takes the words whose shape fits it (an e-mail, a phone number, a
date, a katakana reading, an address of several words), in order, and a line that cannot
be aligned ends the table. The rows come back as cells for the table layer
(piiscan.structure.table), and the lines they came from are blanked from the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from piiscan import columns
from piiscan.models import Location, Segment
from piiscan.structure import values
from piiscan.structure.table import Cell, Row, Table

MIN_COLUMNS = 3
MAX_WORDS_PER_ADDRESS = 7
_WORD = re.compile(r"\S+")
_KANJI_NAME = re.compile(r"[\u3400-\u9fff々〆ヵヶ]{1,8}")
_BAD = -100.0
_MISFIT = -4.0  # one value that does not look like its column (a 9-digit phone): kept


@dataclass
class TextCell:
    column: int
    text: str
    start: int  # offset in the text


@dataclass
class TextTable:
    header: list[str]
    rows: list[tuple[int, list[TextCell]]]  # (line number, cells), 1-based lines
    spans: list[tuple[int, int]]  # text offsets of the row lines


def find_tables(text: str) -> list[TextTable]:
    lines = text.split("\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        header = _header(lines[i])
        if header is None:
            i += 1
            continue
        kinds = [columns.kind_of(h) for h in header]
        table = TextTable(header, [], [])
        j = i + 1
        while j < len(lines):
            cells = align(lines[j], kinds, offsets[j])
            if cells is None:
                break
            table.rows.append((j + 1, cells))
            table.spans.append((offsets[j], offsets[j] + len(lines[j])))
            j += 1
        if table.rows:
            tables.append(table)
        i = max(j, i + 1)
    return tables


def _header(line: str) -> list[str] | None:
    words = line.split()
    if len(words) < MIN_COLUMNS or len(words) > 40:
        return None
    known = sum(1 for w in words if columns.read_header(w) is not None)
    return words if known >= MIN_COLUMNS and known * 3 >= len(words) * 2 else None


def align(line: str, kinds: list[str | None], offset: int) -> list[TextCell] | None:
    """The line's words assigned to the columns in order, or None when they do not fit."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(line.rstrip("\r"))]
    n, m = len(words), len(kinds)
    if n == 0 or n > 4 * m:
        return None
    # best[i][j]: best score with the first i words in the first j columns
    best = [[_BAD * 10] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], int] = {}
    best[0][0] = 0.0
    for j in range(1, m + 1):
        most = _most_words(kinds[j - 1])
        for i in range(n + 1):
            for t in range(min(most, i) + 1):
                prev = best[i - t][j - 1]
                if prev <= _BAD * 5:
                    continue
                score = prev + _fit(kinds[j - 1], [w for w, _ in words[i - t:i]])
                if score > best[i][j]:
                    best[i][j] = score
                    back[(i, j)] = t
    if best[n][m] < 0:
        return None
    cells: list[TextCell] = []
    i = n
    for j in range(m, 0, -1):
        t = back[(i, j)]
        if t:
            first, last = words[i - t], words[i - 1]
            cells.append(TextCell(j, line[first[1]:last[1] + len(last[0])],
                                  offset + first[1]))
        i -= t
    return list(reversed(cells))


def _most_words(kind: str | None) -> int:
    if kind in ("ADDRESS", "ORG_ADDRESS"):
        return MAX_WORDS_PER_ADDRESS
    if kind in ("PERSON_NAME", "NAME_KANA", "NAME_ROMAJI", "BUILDING", "TOWN"):
        return 2
    return 1


def _fit(kind: str | None, words: list[str]) -> float:
    """How well these words fit a column of this kind (an empty cell costs a little)."""
    if not words:
        return -1.0
    shapes = [values.classify(w) for w in words]
    if kind is None:
        return 0.5 if len(words) == 1 else _BAD
    if kind == "ADDRESS":
        if any(s in ("EMAIL", "PHONE", "POSTAL_CODE", "DATE") for s in shapes):
            return _BAD
        placed = values.is_prefecture(words[0]) or values.is_municipality(words[0])
        return 2.0 + 0.5 * len(words) if placed else _BAD
    if len(words) > 1 and kind not in ("PERSON_NAME", "NAME_KANA", "NAME_ROMAJI"):
        return _BAD
    word, shape = words[0], shapes[0]
    simple = {"EMAIL": "EMAIL", "PHONE": "PHONE", "POSTAL_CODE": "POSTAL_CODE",
              "BIRTH_DATE": "DATE"}
    if kind in simple:
        return 3.0 if shape == simple[kind] else _MISFIT
    if kind in ("SEX", "BLOOD_TYPE", "AGE"):
        return 1.0 if len(word) <= 3 else _MISFIT
    if kind in columns.NAME_KINDS:
        return float(len(words)) if all(_KANJI_NAME.fullmatch(w) for w in words) else _BAD
    if kind in columns.KANA_KINDS:
        return float(len(words)) if all(values.classify(w) == "KANA" for w in words) else _BAD
    if kind in columns.ROMAJI_KINDS:
        return float(len(words)) if all(w.isascii() and w.isalpha() for w in words) else _BAD
    return 0.5


def segments(text: str, location: Location, record_prefix: str = "") -> Iterator[Segment]:
    """The text as segments: each table found in it as cells with their column headers
    (through the table layer), the rest as one text segment with the table rows blanked."""
    tables = find_tables(text) if "\n" in text else []
    if not tables:
        yield Segment(text, location)
        return
    rest = list(text)
    for number, table in enumerate(tables, start=1):
        rows = []
        for line, cells in table.rows:
            at = replace(location, line=line)
            rows.append(Row([Cell(c.column, c.text, at) for c in cells],
                            f"{record_prefix}table {number} line {line}"))
        yield from Table(table.header).segments(rows)
        for start, end in table.spans:
            rest[start:end] = " " * (end - start)
    remaining = "".join(rest)
    if remaining.strip():
        yield Segment(remaining, location)
