"""Tables read the way a person reads them: which row is the header, what each column
holds, for every format that has rows (CSV/TSV, spreadsheets, SQL INSERTs, text tables).

An extractor hands ``Table.segments`` its rows (cells with their locations); the table
looks at the first rows before it yields anything and decides:

- **the header row**, tolerating title rows above it (a one-cell ``顧客一覧`` or ``（見本）``
  line is a title, not the header), and recognising a table with no header at all (its
  first row holds e-mail addresses, phone numbers, dates or dictionary names);
- **headers that span columns**: an empty header cell after ``住所`` continues it (a merged
  cell), so ``住所,,,,`` is one address over five cells;
- **what each column holds** (piiscan.columns): a header the column table knows; for a
  column without one (or with a header it does not know), what most of its values are
  (piiscan.structure.values): e-mail, phone, postal code, prefecture + municipality + town
  + street, surname and given name, their readings and romaji forms, and — in a table of
  people with no header at all — birth dates;
- **ambiguous headers**: an English ``name`` column counts as names only if most of its
  values look like names; a column of foods, stations or facilities does not.

Each data cell becomes a Segment whose ``header`` says what the column holds in words the
rules know (``tanjobi → 生年月日``, ``#3 → 郵便番号``), with the row as its record. Memory is
bounded: only the first ``SAMPLE_ROWS`` rows are held.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from piiscan import columns
from piiscan.columns import KANA_KINDS, Column
from piiscan.models import Location, Segment
from piiscan.structure import values
from piiscan.validators.identifiers import parse_date

SAMPLE_ROWS = 40
MAJORITY = 0.6  # share of a column's values that must agree to name it
HEADER_SEARCH = 6  # rows looked at for the header (titles above it)
_DATA_SHAPES = frozenset({"EMAIL", "PHONE", "POSTAL_CODE", "DATE", "PERSON_NAME"})
_Put = Callable[[int, str], None]


@dataclass(slots=True)
class Cell:
    column: int  # 1-based position in the row
    text: str
    location: Location
    hidden: bool = False
    numeric: bool = False  # a spreadsheet number: a phone stored as one lost its leading 0


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    record: str


class Table:
    """One table's header and column meanings, decided from its first rows.

    ``header`` gives the column names when they are known apart from the rows (an SQL
    INSERT's column list, a CREATE TABLE); an empty list says the rows have none (an
    INSERT without one): then only the values say what each column holds.
    """

    def __init__(self, header: list[str] | None = None, subject: str | None = None) -> None:
        self.given = header
        self.subject = subject  # the table's own name (an SQL table): users, 顧客
        self.decided = False
        self.header_index: int | None = None
        self.headers: dict[int, str] = {}  # column -> header as the rules read it
        self.kinds: dict[int, Column] = {}

    def header(self, column: int | None) -> str | None:
        return self.headers.get(column) if column is not None else None

    def segments(self, rows: Iterable[Row]) -> Iterator[Segment]:
        pending: list[Row] = []
        try:
            for row in rows:
                if self.decided:
                    yield from self._data(row)
                    continue
                pending.append(row)
                if len(pending) >= SAMPLE_ROWS:
                    yield from self._decide(pending)
        except Exception:
            # The rows read before a broken one (a malformed CSV line) are still scanned.
            if not self.decided:
                yield from self._decide(pending)
            raise
        if not self.decided:
            yield from self._decide(pending)

    def _decide(self, rows: list[Row]) -> Iterator[Segment]:
        self.decided = True
        if self.given is not None:
            index = None
            raw = {i: name.strip() for i, name in enumerate(self.given, start=1) if name}
        else:
            index = find_header(rows)
            raw = _spanned({c.column: c.text.strip() for c in rows[index].cells}
                           if index is not None else {})
        self.header_index = index
        body = rows[index + 1:] if index is not None else rows
        self.kinds = read_columns(raw, body, self.subject)
        for col in set(raw) | set(self.kinds):
            column = self.kinds.get(col)
            text = raw.get(col) or None
            self.headers[col] = (columns.annotate(text, column, col)
                                 if column is not None and not column.annotated
                                 else text or "")
        self.headers = {c: h for c, h in self.headers.items() if h}
        for i, row in enumerate(rows):
            if index is not None and i <= index:
                yield from (_segment(cell, None, row.record) for cell in row.cells if cell.text)
            else:
                yield from self._data(row)

    def _data(self, row: Row) -> Iterator[Segment]:
        headers, record = self.headers, row.record
        for cell in row.cells:
            text = cell.text
            if not text or text.isspace():
                continue
            if cell.numeric:
                column = self.kinds.get(cell.column)
                if column is not None:
                    text = restore_zeros(text, column.kind)
            yield Segment(text, cell.location, header=headers.get(cell.column),
                          hidden=cell.hidden, record=record)


def _segment(cell: Cell, header: str | None, record: str) -> Segment:
    return Segment(cell.text, cell.location, header=header, hidden=cell.hidden, record=record)


def restore_zeros(text: str, kind: str) -> str:
    """A phone or postal code stored as a spreadsheet number lost its leading zero:
    198872715 in a phone column is 0198872715, 292501 in a postal-code column 0292501."""
    if not text.isdigit():
        return text
    if kind == "PHONE" and len(text) in (9, 10) and values.classify("0" + text) == "PHONE":
        return "0" + text
    if kind == "POSTAL_CODE" and len(text) < 7:
        return text.zfill(7)
    return text


# --------------------------------------------------------------------------- the header


def find_header(rows: list[Row]) -> int | None:
    """Index of the header row among the first rows, or None for a table without one.

    Rows with fewer cells than the table is wide, before the header, are titles. A row whose
    cells the column table knows is a header; a row holding data shapes (e-mail, phone,
    date, a dictionary name) is data, and then the table has no header.
    """
    if not rows:
        return None
    width = max(len(_filled(r)) for r in rows[:HEADER_SEARCH * 2])
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        cells = _filled(row)
        if len(cells) < min(2, width) or (width >= 4 and len(cells) * 2 < width):
            continue  # a title or a note above the table
        verdict = _header_like(cells, rows[i + 1:i + 11])
        if verdict is not None:
            return i if verdict else None
    return None


def _filled(row: Row) -> list[Cell]:
    return [c for c in row.cells if c.text and not c.text.isspace()]


def _header_like(cells: list[Cell], below: list[Row]) -> bool | None:
    """True: a header row; False: a data row; None: cannot tell (a title-like row)."""
    known = sum(1 for c in cells if columns.read_header(c.text) is not None)
    shapes = [values.classify(c.text) for c in cells]
    data = sum(1 for s in shapes if s in _DATA_SHAPES) + sum(
        1 for c in cells if len(c.text.strip()) > 40)
    if data and known * 2 < len(cells):
        return False
    if known:
        return True
    # Nothing known and no data shape: a header if the columns below change type (text
    # above numbers); a data row if they hold the same kinds of values as this row.
    below_cells = [{c.column: c.text for c in _filled(r)} for r in below]
    if not below_cells:
        return None
    same = change = 0
    for cell, shape in zip(cells, shapes, strict=True):
        under = [values.classify(b[cell.column]) for b in below_cells if cell.column in b]
        if not under:
            continue
        common = Counter(under).most_common(1)[0][0]
        if shape is None and common in (*_DATA_SHAPES, "NUMBER"):
            change += 1
        elif shape is not None and shape == common:
            same += 1
    if change:
        return True
    return not same


def _spanned(raw: dict[int, str]) -> dict[int, str]:
    """Empty header cells continue the header to their left (a merged cell), up to the
    next named one: ``住所,,,,`` heads five columns."""
    if not raw:
        return raw
    out = dict(raw)
    last = None
    for col in range(1, max(raw) + 1):
        text = raw.get(col, "")
        if text:
            last = text
        elif last is not None:
            out[col] = last
    return out


# --------------------------------------------------------------------------- the columns


def read_columns(raw: dict[int, str], body: list[Row], subject: str | None = None
                 ) -> dict[int, Column]:
    """What each column holds: its header if the column table knows it (an ambiguous one
    checked against the values and the other columns), else what its values are."""
    samples: dict[int, list[str]] = {}
    for row in body[:SAMPLE_ROWS]:
        for cell in _filled(row):
            samples.setdefault(cell.column, []).append(cell.text.strip())
    named = {col: columns.read_header(raw[col]) for col in sorted(raw) if raw.get(col)}
    people = columns.table().names_people(subject) or any(
        k is not None and k.person and not k.verify for k in named.values())
    kinds: dict[int, Column] = {}
    for col in sorted(set(raw) | set(samples)):
        column = named.get(col)
        if column is not None and column.verify:
            column = verified(column, samples.get(col, []), people)
        if column is not None:
            kinds[col] = column
    unknown = [c for c in sorted(samples) if c not in kinds]
    inferred = infer(samples, unknown, kinds, headerless=not raw)
    kinds.update(inferred)
    return kinds


def verified(column: Column, sample: list[str], people: bool = False) -> Column | None:
    """What an ambiguous name column (``name``, ``user_name``) holds, from its values and
    what else the table says:

    - organisations or places when enough of its values are named like them (荒巻小,
      医療法人 … 医院, ペンション SAMURAI): a third of them, or most of them in a table
      whose other columns or own name say its rows are people (a customer table with a
      few companies in it);
    - people's names when the table's other columns or its own name say its rows are
      people (a reading or a birth-date column, an SQL table ``users``) — whatever the
      dictionaries say of the names (侍 太郎) — or when most values are names anyway;
    - otherwise things (foods, stations, products).

    Names, organisations and places come back as definite columns: the rows are then
    about them (piiscan.structure.records)."""
    if not sample:
        return column
    table = columns.table()
    orgs = sum(1 for v in sample if values.looks_like_organisation(v))
    if orgs >= len(sample) * (MAJORITY if people else 1 / 3):
        return table.column("ORG_NAME")
    names = sum(1 for v in sample if values.looks_like_person_name(v)
                or values.ROMAJI_WORD.fullmatch(v) is not None)
    if people or names >= len(sample) * MAJORITY:
        return table.column(column.kind)
    return table.column("THING")


def infer(samples: dict[int, list[str]], unknown: list[int], known: dict[int, Column],
          headerless: bool) -> dict[int, Column]:
    """Kinds for the columns the header does not name, from their values. Names, readings
    and addresses are inferred wherever the header is silent; birth dates only in a table
    with no header at all and a name column (where else would a column of dates of the
    1930s-2000s come from)."""
    shapes = {c: _majority(samples[c]) for c in unknown}
    out: dict[int, Column] = {}
    table = columns.table()
    kinds = {c: k.kind for c, k in known.items()}

    def put(col: int, kind: str) -> None:
        out[col] = table.column(kind)
        kinds[col] = kind

    for col in unknown:
        shape = shapes[col]
        if shape in ("EMAIL", "PHONE", "POSTAL_CODE", "PREFECTURE", "MUNICIPALITY",
                     "PERSON_NAME"):
            put(col, shape)
        elif shape == "SEX":
            put(col, "SEX")
    _name_parts(unknown, shapes, put, kinds)
    _address_parts(sorted(samples), samples, shapes, put, kinds)
    people = any(table.kinds[k].person for k in kinds.values() if k in table.kinds)
    header_named = {k.kind for k in known.values()}
    for col in unknown:
        if col in out:
            continue
        shape = shapes[col]
        if shape == "KANA" and people and not (header_named & KANA_KINDS):
            put(col, "NAME_KANA")  # a second kana column beside a named reading: キャリア
        elif shape == "DATE" and headerless and people and _birth_years(samples[col]):
            put(col, "BIRTH_DATE")
        elif shape is None and _organisations(samples[col]):
            put(col, "ORG_NAME")
        elif shape is None and _labels_not_names(samples[col]):
            put(col, "THING")
    return out


def _organisations(sample: list[str]) -> bool:
    """A column most of whose values name organisations or places (a headerless list of
    clinics: 加藤医院, 医療法人社団 清陽会 すこやか医院): its rows are theirs."""
    return len(sample) >= 3 and sum(1 for v in sample if values.looks_like_organisation(v)) \
        >= len(sample) * MAJORITY


def _labels_not_names(sample: list[str]) -> bool:
    """A column of short words (stations, products, places) almost none of which is a
    person's name: the few that look like one (安中榛名) are not either."""
    if len(sample) < 5:
        return False
    short = [v for v in sample if 1 < len(v) <= 12 and not any(ch.isdigit() for ch in v)]
    if len(short) < len(sample) * MAJORITY:
        return False
    names = sum(1 for v in short if values.classify(v) == "PERSON_NAME")
    return names < len(short) * 0.2


def _majority(sample: list[str]) -> str | None:
    if not sample:
        return None
    counts = Counter(values.classify(v) for v in sample)
    both = counts.pop("SURNAME_OR_GIVEN", 0)
    for part in ("SURNAME", "GIVEN_NAME"):
        if part in counts:
            counts[part] += both
    shape, n = counts.most_common(1)[0]
    # Names the dictionaries confirm are strong evidence: half of a column is enough
    # (the rest are names the dictionaries lack).
    need = 0.5 if shape == "PERSON_NAME" else MAJORITY
    return shape if shape is not None and n >= len(sample) * need else None


def _name_parts(cols: list[int], shapes: dict[int, str | None], put: _Put,
                kinds: dict[int, str]) -> None:
    """A surname column then a given-name column; then their readings and romaji forms
    in the same order (姓, 名, セイ, メイ, Sei, Mei)."""
    order = sorted(set(cols) | set(kinds))
    for i, col in enumerate(order[:-1]):
        nxt = order[i + 1]
        if col in cols and nxt in cols and shapes[col] == "SURNAME" and \
                shapes[nxt] == "GIVEN_NAME":
            put(col, "SURNAME")
            put(nxt, "GIVEN_NAME")
    pairs = {"KANA": ("SURNAME_KANA", "GIVEN_KANA"), "ROMAJI": ("SURNAME_ROMAJI", "GIVEN_ROMAJI")}
    has_parts = "SURNAME" in kinds.values()
    for i, col in enumerate(order[:-1]):
        nxt = order[i + 1]
        shape = shapes.get(col)
        if col in cols and nxt in cols and col not in kinds and shape in pairs and \
                shapes.get(nxt) == shape and has_parts:
            first, second = pairs[shape]
            put(col, first)
            put(nxt, second)


def _address_parts(order: list[int], samples: dict[int, list[str]],
                   shapes: dict[int, str | None], put: _Put, kinds: dict[int, str]) -> None:
    """Prefecture | municipality | town | street | building in consecutive columns: the
    columns after a municipality column hold the rest of the address while their values
    look like it (a town name, then street numbers, then a building)."""
    for i, col in enumerate(order):
        if kinds.get(col) != "MUNICIPALITY":
            continue
        rest = [c for c in order[i + 1:i + 4] if c not in kinds]
        expected = ["TOWN", "STREET", "BUILDING"]
        for c in rest:
            if not expected:
                break
            shape = shapes.get(c)
            if expected[0] == "TOWN" and shape is None and _mostly_text(samples[c]):
                put(c, expected.pop(0))
            elif expected[0] in ("TOWN", "STREET") and shape == "STREET":
                if expected[0] == "TOWN":
                    expected.pop(0)
                put(c, expected.pop(0))
            elif expected[0] == "BUILDING" and shape is None and _mostly_text(samples[c]):
                put(c, expected.pop(0))
            else:
                break


def _mostly_text(sample: list[str]) -> bool:
    return bool(sample) and sum(1 for v in sample if not v.isdigit() and len(v) <= 40) \
        >= len(sample) * MAJORITY


def _birth_years(sample: list[str]) -> bool:
    """Dates spread over decades and at least 15 years back: birth dates, not the dates a
    system records (orders, logins, updates)."""
    years = []
    for v in sample:
        found = parse_date(v)
        if found is not None:
            years.append(found.year)
    if len(years) < 3:
        return False
    years.sort()
    this_year = datetime.date.today().year
    return years[len(years) // 2] <= this_year - 15 and years[-1] - years[0] >= 10


