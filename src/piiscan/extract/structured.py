"""Text with structure in it: SQL, source code and configuration, logs, Markdown tables.

Personal data in these files sits in values whose key or column says what they are:

- **SQL**: ``INSERT INTO t (name, birthday) VALUES ('山田 太郎', '1980-03-04'), (...)`` — the
  column list is the header of each tuple's values; without one, the columns of the
  table's ``CREATE TABLE`` (or of an earlier INSERT into it) are, and without those the
  values alone say what each column holds (piiscan.structure.table);
- **key/value pairs**: ``kana: 'ヤマダ'`` (Ruby, YAML, JS/TS, Python), ``"tel" => "03..."``,
  FHIR shorthand ``* name.family = "山田"``, ``email=...`` in a log line: the key is the
  header of its value, and the enclosing object (braces, a YAML block, an FSH instance, a
  log line) its record;
- **Markdown tables**: the header line above the ``|---|`` line;
- **rows as arrays**: ``[1, "田原 美菜", "1979/8/25"], [2, …]`` (a query tool's output, a
  spreadsheet API's ``values``, a test table in code): three or more arrays of the same
  width in a row are a table, its first row the header when it reads as one.

Each value becomes a segment with its header, its record and its line and column. The rest
of the text is scanned as plain text, with those values blanked out so nothing is reported
twice. A file over ``MAX_BYTES`` is read as plain text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import accumulate
from typing import TYPE_CHECKING

from piiscan.columns import annotate, read_header, resolve
from piiscan.columns import table as columns_table
from piiscan.extract import text as text_extractor
from piiscan.extract.csv import iter_lines, line_segments
from piiscan.lazyre import first_not_after, lazy
from piiscan.models import RECORD_NESTING, Location, Note, Segment, Skip
from piiscan.structure.table import SAMPLE_ROWS, Cell, Row, Table, verified

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item

MAX_BYTES = 32 * 1024 * 1024
MAX_VALUES = 100_000  # values handed out one by one; the rest stay in the plain text
SQL_EXTENSIONS = frozenset({"sql", "ddl", "dml", "pgsql", "mysql"})
MARKDOWN_EXTENSIONS = frozenset({"md", "markdown", "mdown", "mkd"})
YAML_EXTENSIONS = frozenset({"yml", "yaml"})
FSH_EXTENSIONS = frozenset({"fsh"})
LOG_EXTENSIONS = frozenset({"log", "properties", "env", "ini", "cfg", "conf"})

_NAME = r"[`\"\[]?[\w$\u3040-\u30ff\u3400-\u9fff]+[`\"\]]?"
# SQL and YAML patterns compile when a file needs them (piiscan.lazyre): _STATEMENT alone
# takes 5 ms, which a run over source code and Markdown would pay for nothing.
_STATEMENT = lazy(
    rf"\b(?P<verb>INSERT(?:\s+IGNORE)?\s+INTO|REPLACE\s+INTO|CREATE\s+(?:TEMPORARY\s+)?TABLE"
    rf"(?:\s+IF\s+NOT\s+EXISTS)?)\s+(?P<table>{_NAME}(?:\.{_NAME})?)", re.I)
_VALUES = re.compile(r"\s*VALUES\s*", re.I)
_CONSTRAINT = re.compile(r"(?:PRIMARY|UNIQUE|KEY|CONSTRAINT|INDEX|FOREIGN|CHECK|FULLTEXT)\b",
                         re.I)
_NUMBER = re.compile(r"[+-]?[0-9][0-9.]*")
_KEY = r"[A-Za-z_$\u3040-\u30ff\u3400-\u9fff][\w$.\[\]=\u3040-\u30ff\u3400-\u9fff-]*"
_QUOTED_PAIR = re.compile(
    rf"(?<![\w$.\"'])(?P<key>:?{_KEY})\s*(?::|=>|=|:=)\s*(?:\{{\s*)?"
    r"(?P<q>[\"'`])(?P<value>(?:\\.|(?!(?P=q))[^\n\\])*)(?P=q)")
# A key or a quote that starts where no word, dot or quote runs into it, written so that
# ``re`` can search for its first character (lazyre.first_not_after).
_QUOTE_OPENS = first_not_after("[\"']", r"[\w$.]")
_LOG_KEY_STARTS = first_not_after("[A-Za-z_]", r"[\w.]")
_QUOTED_KEY = re.compile(rf"(?P<qk>{_QUOTE_OPENS})"
                         r"(?P<key>[^\"'\n]{1,60})(?P=qk)\s*(?::|=>|=)\s*"
                         r"(?P<q>[\"'`])(?P<value>(?:\\.|(?!(?P=q))[^\n\\])*)(?P=q)")
_YAML_PAIR = lazy(r"^(?P<indent>[ \t]*(?:-[ \t]+)?)(?P<key>[\w\u3040-\u30ff\u3400-\u9fff.-]+)"
                        r":[ \t]+(?P<value>[^#\n\"'{}\[\]|>&*!][^#\n]*?)[ \t]*(?:#.*)?$", re.M)
# FHIR shorthand: ``* code = system#code "display"`` and ``* name.text = "…"``.
_FSH_PAIR = re.compile(r"^\*\s*(?P<key>[\w\[\]=+.]+)\s*=\s*(?:\S*#\S+\s+)?\"(?P<value>[^\"\n]*)\"",
                       re.M)
# Quoted pairs are looked for only on the lines that hold a quote (_quoted_lines).
_QUOTED = (_QUOTED_PAIR, _QUOTED_KEY)
_QUOTE = re.compile("[\"'`]")
_JOINERS = re.compile(r"[\s:=>{]*")  # what may stand between a key and its value's quote
# A log value runs to the next space, or on through spaced digit groups (tel=090 1234 5678).
_LOG_PAIR = re.compile(rf"(?P<key>{_LOG_KEY_STARTS}[\w.-]{{0,40}})="
                       r"(?P<value>\"[^\"\n]*\"|"
                       r"[^\s,;&\"'<>\[\]{}]+(?:[ 　][0-9０-９(（][^\s,;&\"'<>\[\]{}]*)*)")
# A date built in code (``date(1980, 5, 15)``, ``Date.new(1994, 4, 1)``, ``LocalDate.of(…)``,
# ``new Date(1980, 4, 15)`` whose months count from 0): handed out as an ISO date.
_DATE_CALL = re.compile(
    rf"(?<![\w$.])(?P<qk>[\"']?)(?P<key>{_KEY})(?P=qk)\s*(?::|=>|=)\s*(?P<new>new\s+)?"
    r"[A-Za-z_][\w.]{0,30}\(\s*(?P<y>(?:18|19|20)[0-9]{2})\s*,\s*(?P<m>[0-9]{1,2})\s*,\s*"
    r"(?P<d>[0-9]{1,2})\s*\)")
# An array of three or more literals (strings, numbers, null/true/false), one row of a table.
_ARRAY_ITEM = r'(?:"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|-?[0-9][0-9.]*|null|true|false|None|nil)'
# (No two runs of white space side by side: ``[1,2,3`` before a long run of spaces must fail
# in linear time.)
_ARRAY_ROW = lazy(rf"\[[ \t\n]*{_ARRAY_ITEM}(?:[ \t\n]*,[ \t\n]*{_ARRAY_ITEM}){{2,}}"
                  rf"[ \t\n]*(?:,[ \t\n]*)?\]")
_ARRAY_GAP = re.compile(r"[ \t\n]*,[ \t\n]*\Z")
MIN_ARRAY_ROWS = 3
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    if blob.size > MAX_BYTES:
        yield Note("structured text over 32 MiB: scanned as plain text, without its keys")
        yield from text_extractor.extract(blob, ctx)
        return
    sniffed = text_extractor.sniff_text(blob, ctx)
    if isinstance(sniffed, Skip):
        yield sniffed
        return
    encoding, _ = sniffed
    text = blob.read().decode(encoding, errors="replace").replace("\r\n", "\n")
    doc = _Document(text, blob.location, _member_prefix(blob))
    ext = blob.extension
    if ext in SQL_EXTENSIONS or _looks_like_sql(text):
        yield from doc.sql()
    if ext in MARKDOWN_EXTENSIONS:
        yield from doc.markdown()
        fences = _fences(text)
        blocks = sorted(span for spans in fences.values() for span in spans)
        yield from doc.tab_separated(blocks)
        yield from doc.arrays(within=blocks)
        for language, spans in fences.items():
            yield from doc.pairs(language, within=spans)  # ```json, ```ts, ```yaml blocks
    else:
        if ext not in LOG_EXTENSIONS:
            yield from doc.arrays()
        yield from doc.pairs(ext)
    yield from line_segments(iter_lines(doc.rest()), blob, 1, ctx)


_FENCE = re.compile(r"^[ \t]*(```|~~~)[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*\1", re.M | re.S)


def _fences(text: str) -> dict[str, list[tuple[int, int]]]:
    """The fenced code blocks of a Markdown text, by the syntax their pairs are read with
    (a ``yaml`` block as YAML, anything else as code: JSON, TS, Ruby, Python)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for m in _FENCE.finditer(text):
        language = "yml" if m.group(2).lower() in ("yaml", "yml") else "js"
        out.setdefault(language, []).append((m.start(3), m.end(3)))
    return out


def _looks_like_sql(text: str) -> bool:
    return re.search(r"^\s*INSERT\s+INTO\b", text[:65536], re.I | re.M) is not None


def _member_prefix(blob: Blob) -> str:
    members = blob.location.members
    return "!".join(members) + "!" if members else ""


@dataclass
class _Value:
    text: str
    start: int  # offset in the document


class _Document:
    """One text, the values found in it so far, and where they are."""

    def __init__(self, text: str, location: Location, prefix: str) -> None:
        self.text = text
        self.location = location
        self.prefix = prefix
        self.taken: list[tuple[int, int]] = []  # spans of values handed out as segments
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> Location:
        index = bisect.bisect_right(self.lines, offset) - 1
        return replace(self.location, line=index + 1, column=offset - self.lines[index] + 1)

    def take(self, start: int, end: int) -> bool:
        """Hand out a value as its own segment; False once MAX_VALUES have been."""
        if len(self.taken) >= MAX_VALUES:
            return False
        self.taken.append((start, end))
        return True

    def rest(self) -> str:
        """The text with every value handed out as a segment blanked (lines kept)."""
        if not self.taken:
            return self.text
        pieces: list[str] = []
        pos = 0
        for start, end in sorted(self.taken):
            if start < pos:
                continue
            pieces.append(self.text[pos:start])
            pieces.append(re.sub(r"[^\n]", " ", self.text[start:end]))
            pos = end
        pieces.append(self.text[pos:])
        return "".join(pieces)

    # ---------------------------------------------------------------- SQL

    def sql(self) -> Iterator[Segment]:
        tables: dict[str, Table] = {}
        known: dict[str, list[str]] = {}
        pending: dict[str, list[Row]] = {}
        for m in _STATEMENT().finditer(self.text):
            name = _bare_name(m.group("table"))
            if m.group("verb").upper().startswith("CREATE"):
                created = self._create_columns(m.end())
                if created:
                    known[name] = created
                continue
            columns, after = self._column_list(m.end())
            values = _VALUES.match(self.text, after)
            if values is None:
                continue
            if name not in tables:
                tables[name] = Table(columns if columns is not None else known.get(name, []),
                                     subject=name)
                pending[name] = []
            elif columns is not None and tables[name].given != columns:
                yield from tables[name].segments(pending.pop(name, []))
                tables[name] = Table(columns, subject=name)
                pending[name] = []
            if columns is not None:
                known[name] = columns
            pending[name] += self._tuples(values.end(), name, len(pending[name]))
        for name, table in tables.items():
            yield from table.segments(pending.get(name, []))

    def _create_columns(self, start: int) -> list[str]:
        while start < len(self.text) and self.text[start].isspace():
            start += 1
        if self.text[start:start + 1] != "(":
            return []
        body = _parenthesised(self.text, start)
        if body is None:
            return []
        out = []
        for item, _ in _split(self.text, body[0], body[1]):
            item = item.strip()
            if not item or _CONSTRAINT.match(item):
                continue
            out.append(_bare_name(item.split()[0]))
        return out

    def _column_list(self, start: int) -> tuple[list[str] | None, int]:
        i = start
        while i < len(self.text) and self.text[i].isspace():
            i += 1
        if i >= len(self.text) or self.text[i] != "(":
            return None, i
        body = _parenthesised(self.text, i)
        if body is None:
            return None, i
        names = [_bare_name(part.strip()) for part, _ in _split(self.text, body[0], body[1])]
        return names, body[1] + 1

    def _tuples(self, start: int, table: str, first: int) -> list[Row]:
        rows: list[Row] = []
        i = start
        while i < len(self.text):
            i = _between_tuples(self.text, i)
            if i >= len(self.text) or self.text[i] != "(":
                break
            body = _parenthesised(self.text, i)
            if body is None:
                break
            cells = []
            for col, (raw, at) in enumerate(_split(self.text, body[0], body[1]), start=1):
                value = _literal(raw, at)
                if value is not None and value.text and \
                        self.take(value.start, value.start + len(value.text)):
                    cells.append(Cell(col, value.text, self.at(value.start)))
            rows.append(Row(cells, f"{self.prefix}{table} row {first + len(rows) + 1}"))
            i = body[1] + 1
        return rows

    # ---------------------------------------------------------------- key/value pairs

    def pairs(self, ext: str, within: list[tuple[int, int]] | None = None
              ) -> Iterator[Segment]:
        """Key/value pairs, each value a segment with its key as header; ``within`` limits
        them to spans of the text (the fenced code blocks of a Markdown file)."""
        found = self._pairs(ext)
        if within is not None:
            found = [f for f in found if any(s <= f[0] < e for s, e in within)]
        records = _Records(self.text, ext)
        urls = _extension_urls(self.text) if ext in FSH_EXTENSIONS else []
        items: list[_Item] = []
        for at, key, value, start, end in sorted(found):
            key = _extension_header(urls, at, key) if urls else key
            record, parent = records.of(start)
            items.append(_Item(_with_parent(key, parent), value, start, end, record, parent))
        headers = _key_headers(items)
        for item in items:
            key, value, start, record = item.key, item.value, item.start, item.record
            if not self.take(start, item.end):
                break
            yield Segment(value, self.at(start), header=headers.get(key, key),
                          record=f"{self.prefix}{record}")

    def _pairs(self, ext: str) -> list[tuple[int, str, str, int, int]]:
        """(start, key, value, value start, value end) of every pair the file's syntax
        writes."""
        found: list[tuple[int, str, str, int, int]] = []
        if ext in LOG_EXTENSIONS:
            patterns = [_LOG_PAIR, _QUOTED_PAIR]
        elif ext in YAML_EXTENSIONS:
            patterns = [_QUOTED_PAIR, _QUOTED_KEY, _YAML_PAIR()]
        elif ext in FSH_EXTENSIONS:
            patterns = [_FSH_PAIR, _QUOTED_PAIR]
        else:
            patterns = [_QUOTED_PAIR, _QUOTED_KEY]
        seen: set[int] = set()
        inside_taken = self._inside_taken()
        quoted_lines: list[tuple[int, int]] | None = None
        for pattern in patterns:
            spans = [(0, len(self.text))]
            if pattern in _QUOTED:
                if quoted_lines is None:
                    quoted_lines = _quoted_lines(self.text)
                spans = quoted_lines
            # Only the first MAX_VALUES values of the file become segments (take), so no
            # pattern needs to give more: a log of a million key=value pairs stays small.
            first = len(found)
            for m in (m for start, end in spans
                      for m in pattern.finditer(self.text, start, end)):
                if len(found) - first >= MAX_VALUES:
                    break
                start = m.start("value")
                value = m.group("value")
                if value.startswith('"') and value.endswith('"') and len(value) >= 2:
                    value, start = value[1:-1], start + 1
                if start in seen or not value.strip() or inside_taken(start):
                    continue
                seen.add(start)
                found.append((m.start(), _key(m.group("key")), value, start,
                              start + len(value)))
        if ext not in LOG_EXTENSIONS and ext not in YAML_EXTENSIONS and ext not in FSH_EXTENSIONS:
            for m in _DATE_CALL.finditer(self.text):
                month = int(m.group("m")) + (1 if m.group("new") else 0)
                if 1 <= month <= 12 and 1 <= int(m.group("d")) <= 31:
                    value = f"{m.group('y')}-{month:02d}-{int(m.group('d')):02d}"
                    found.append((m.start(), _key(m.group("key")), value, m.start("key"),
                                  m.end()))
        return found

    def _inside_taken(self) -> Callable[[int], bool]:
        """Whether an offset lies in a value already handed out (SQL, arrays, tables), by
        bisection: a file of a hundred thousand values asks this once per pair."""
        spans = sorted(self.taken)
        starts = [start for start, _ in spans]
        reach = list(accumulate((end for _, end in spans), max))

        def inside(offset: int) -> bool:
            i = bisect.bisect_right(starts, offset) - 1
            return i >= 0 and reach[i] > offset

        return inside

    # ---------------------------------------------------------------- tab-separated blocks

    def tab_separated(self, blocks: list[tuple[int, int]]) -> Iterator[Segment]:
        """Fenced blocks of tab-separated rows (sample rows to paste into a spreadsheet):
        each a table; a block of one row just before rows of its width is their header
        (「1行目に以下をコピペ」, then 「サンプルデータ（2行目以降）」)."""
        tables = [(n, rows) for n, (start, end) in enumerate(blocks)
                  if (rows := self._tsv_rows(start, end))]
        i = 0
        while i < len(tables):
            block, rows = tables[i]
            if len(rows) == 1 and i + 1 < len(tables) and tables[i + 1][0] == block + 1 and \
                    len(tables[i + 1][1][0]) == len(rows[0]):
                header = [text for text, _ in rows[0]]
                rows, i = tables[i + 1][1], i + 1
                yield from Table(header).segments(self._rows(rows))
            else:
                yield from Table().segments(self._rows(rows))
            i += 1

    def _tsv_rows(self, start: int, end: int) -> list[list[tuple[str, int]]]:
        """The cells (text, offset) of each line of a block whose lines all hold the same
        number of tabs, two or more; else nothing."""
        rows = []
        pos = start
        for line in self.text[start:end].split("\n"):
            if line.strip():
                cells, at = [], pos
                for part in line.split("\t"):
                    cells.append((part, at))
                    at += len(part) + 1
                rows.append(cells)
            pos += len(line) + 1
        widths = {len(r) for r in rows}
        return rows if len(widths) == 1 and widths.pop() >= 3 else []

    def _rows(self, rows: list[list[tuple[str, int]]]) -> Iterator[Row]:
        for cells in rows:
            line = self.at(cells[0][1]).line
            row = []
            for col, (raw, at) in enumerate(cells, start=1):
                text = raw.strip()
                at += len(raw) - len(raw.lstrip())
                if text and self.take(at, at + len(text)):
                    row.append(Cell(col, text, self.at(at)))
            yield Row(row, f"{self.prefix}line {line}")

    # ---------------------------------------------------------------- rows as arrays

    def arrays(self, within: list[tuple[int, int]] | None = None) -> Iterator[Segment]:
        """Runs of MIN_ARRAY_ROWS or more arrays of literals of one width, separated by
        commas only: each run a table (structure.table finds its header row, or reads its
        columns from their values), its rows read as they are found: a JSON-like file of a
        million rows is never a million rows in memory."""
        spans = within if within is not None else [(0, len(self.text))]
        found = (m for start, end in spans for m in _ARRAY_ROW().finditer(self.text, start, end))
        pending = next(found, None)
        while pending is not None:
            run = [pending]
            pending = None
            for m in found:
                if not _continues(self.text, run[-1], m):
                    pending = m
                    break
                run.append(m)
                if len(run) == MIN_ARRAY_ROWS:
                    break
            if len(run) < MIN_ARRAY_ROWS:
                continue
            after: list[re.Match[str]] = []  # the first array after the run, if any
            yield from Table().segments(self._array_rows(run, found, after))
            pending = after[0] if after else None

    def _array_rows(self, run: list[re.Match[str]], found: Iterator[re.Match[str]],
                    after: list[re.Match[str]]) -> Iterator[Row]:
        """The rows of a run: its first arrays, then the next ones while they continue it
        (the first that does not is left in ``after``)."""
        first = self.at(run[0].start()).line
        last = run[-1]
        for n, m in enumerate(run, start=1):
            yield self._array_row(m, f"{self.prefix}array line {first} row {n}")
        n = len(run)
        for m in found:
            if not _continues(self.text, last, m):
                after.append(m)
                return
            n += 1
            last = m
            yield self._array_row(m, f"{self.prefix}array line {first} row {n}")

    def _array_row(self, m: re.Match[str], record: str) -> Row:
        cells = []
        start, end = m.start() + 1, m.end() - 1
        for col, (raw, at) in enumerate(_split(self.text, start, end), start=1):
            value = _literal(raw, at)
            if value is not None and value.text and \
                    self.take(value.start, value.start + len(value.text)):
                cells.append(Cell(col, value.text, self.at(value.start)))
        return Row(cells, record)

    # ---------------------------------------------------------------- Markdown tables

    def markdown(self) -> Iterator[Segment]:
        lines = self.text.split("\n")
        i = 0
        while i + 1 < len(lines):
            if "|" in lines[i] and _MD_SEPARATOR.match(lines[i + 1]):
                header = [c for c, _ in _md_cells(lines[i], self.lines[i])]
                rows = []
                j = i + 2
                while j < len(lines) and "|" in lines[j] and lines[j].strip():
                    cells = []
                    for col, (cell, at) in enumerate(_md_cells(lines[j], self.lines[j]),
                                                     start=1):
                        if cell and self.take(at, at + len(cell)):
                            cells.append(Cell(col, cell, self.at(at)))
                    rows.append(Row(cells, f"{self.prefix}table line {i + 1} row {j + 1}"))
                    j += 1
                yield from Table(header).segments(rows)
                i = j
            else:
                i += 1


_FSH_URL = re.compile(r"^\*\s*(?P<path>[\w\[\]=+.]+?)\.(?:url|system)\s*=\s*\"?"
                      r"(?P<url>[^\"\s]+)", re.M)


def _quoted_lines(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` where a quoted pair (``_QUOTED``) can lie, in order: each line
    that holds a quote, from the line of a key that may stand above it. A pattern run in
    these spans finds what it finds in the whole text, for a fraction of the time over a log
    or prose (a quoted pattern tries every word as a key).

    Why: a quoted pair's value lies on the line of its opening quote (no newline in it), and
    its key runs into that quote through white space, a separator and ``{`` only. So a key
    on an earlier line is there only when the quote's line holds nothing else before its
    first quote; the lines between then hold only those too, and the key is on the first line
    above them that holds more. Spans start at a line start, where a look-behind sees what
    it sees in the whole text, and end at a line end, past which no match reaches."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (quote := _QUOTE.search(text, at)) is not None:
        q = quote.start()
        start = text.rfind("\n", 0, q) + 1
        end = text.find("\n", q)
        end = len(text) if end < 0 else end
        line, upto = start, q
        while line > 0 and _JOINERS.fullmatch(text, line, upto):  # up to the key's line
            upto = line - 1  # the newline that ends the line above
            line = text.rfind("\n", 0, upto) + 1
        if spans and spans[-1][1] >= line - 1:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((line, end))
        at = end + 1
    return spans


def _extension_urls(text: str) -> list[tuple[int, str, str]]:
    """(offset, element path, what it names) of each FHIR extension url and identifier
    system line: ``* extension[0].url = $patient-religion`` and ``* identifier.system =
    ".../JP_Insurance_memberID"`` name the value of that element."""
    return [(m.start(), _key(m.group("path")), re.split(r"[/#$]", m.group("url"))[-1])
            for m in _FSH_URL.finditer(text)]


def _extension_header(urls: list[tuple[int, str, str]], at: int, key: str) -> str:
    """The header of an extension's value is what its url names (patient-religion), not
    ``valueCodeableConcept``."""
    base, _, last = key.rpartition(".")
    if not last.startswith("value"):
        return key
    named = [tail for offset, path, tail in urls if offset < at and path == base]
    return named[-1] if named else key


def _bare_name(name: str) -> str:
    return name.strip().strip("`\"[]").split(".")[-1].strip("`\"[]")


def _key(raw: str) -> str:
    """A key as a header: ``:name`` -> name, ``name[=].text`` -> name.text."""
    return re.sub(r"\[[^\]]*\]", "", raw.lstrip(":")).strip(".")


def _parenthesised(text: str, start: int) -> tuple[int, int] | None:
    """(start of the body, index of the closing parenthesis) of ``(...)`` at ``start``,
    skipping quoted strings and nested parentheses."""
    depth, quote, i = 0, "", start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                if text[i + 1:i + 2] == quote:
                    i += 1
                else:
                    quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return start + 1, i
        elif ch == ";" and depth <= 1:
            return None
        i += 1
    return None


def _split(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    """Top-level comma-separated items between start and end, with their offsets."""
    depth, quote, begin, i = 0, "", start, start
    while i < end:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                if text[i + 1:i + 2] == quote:
                    i += 1
                else:
                    quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            yield text[begin:i], begin
            begin = i + 1
        i += 1
    yield text[begin:end], begin


def _literal(raw: str, at: int) -> _Value | None:
    """A string or number literal of an SQL tuple, without its quotes."""
    lead = len(raw) - len(raw.lstrip())
    item = raw.strip()
    at += lead
    if item[:2].upper() in ("N'", "E'"):
        item, at = item[1:], at + 1
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
        inner = item[1:-1]
        return _Value(inner.replace(item[0] * 2, item[0]).replace("\\" + item[0], item[0])
                      if item[0] * 2 in inner or "\\" in inner else inner, at + 1)
    if _NUMBER.fullmatch(item):
        return _Value(item, at)
    return None


def _continues(text: str, last: re.Match[str], m: re.Match[str]) -> bool:
    """``m`` is the next row of the run ``last`` ends: only a comma between, same width."""
    return _ARRAY_GAP.match(text, last.end(), m.start()) is not None and \
        _width(last.group()) == _width(m.group())


def _width(array: str) -> int:
    return sum(1 for item, _ in _split(array, 1, len(array) - 1) if item.strip())


def _md_cells(line: str, offset: int) -> Iterator[tuple[str, int]]:
    body = line.strip()
    lead = len(line) - len(line.lstrip())
    if body.startswith("|"):
        body, lead = body[1:], lead + 1
    if body.endswith("|"):
        body = body[:-1]
    pos = lead
    for part in body.split("|"):
        inner = part.strip()
        yield inner, offset + pos + (len(part) - len(part.lstrip()))
        pos += len(part) + 1


class _Records:
    """Which object a value belongs to: the innermost ``{...}`` of code, the block of a
    YAML mapping or list item, an FSH instance, a line of a log — and the key of the list
    or object it sits in, if any (``allergies: [{ name: '花粉' }]``).

    An object nested in another one's list is its own record, named after its ancestors
    (``object 0 › object 57``): a fact in it is about the person of the object around it
    (piiscan.link). Values are asked for in the order of the text."""

    def __init__(self, text: str, ext: str) -> None:
        self.text = text
        self.ext = ext
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self._blocks: list[_Block] | None = None
        self._next = 0
        self._open: list[_Block] = []
        self._owners: list[int] | None = None

    def of(self, offset: int) -> tuple[str, str | None]:
        """(record, key of the enclosing list or object) of the value at ``offset``."""
        line = bisect.bisect_right(self.lines, offset) - 1
        if self.ext in LOG_EXTENSIONS:
            return f"line {line + 1}", None
        if self.ext in FSH_EXTENSIONS:
            start, profile = self._fsh_instance(offset)
            return f"instance {start}", profile
        if self.ext in YAML_EXTENSIONS:
            return f"block {self._yaml_owner(line) + 1}", None
        return self._enclosing(offset)

    def _fsh_instance(self, offset: int) -> tuple[int, str | None]:
        """Where the FSH instance around ``offset`` starts, and what it is an instance of
        (JP_Patient, JP_Practitioner)."""
        found = [m.start() for m in re.finditer(r"^Instance:", self.text[:offset], re.M)]
        start = found[-1] if found else 0
        of = _INSTANCE_OF.search(self.text, start, offset)
        return start, of.group(1) if of else None

    def _yaml_owner(self, line: int) -> int:
        if self._owners is None:
            self._owners = _yaml_owners(self.text)
        return self._owners[line] if line < len(self._owners) else line

    def _enclosing(self, offset: int) -> tuple[str, str | None]:
        """A sweep over the nested blocks (offsets come in order): the objects and calls
        around the value that are not themselves the value of a key (``create!(name: …)``,
        an object in a list; not ``medication: {…}`` inside a patient) name the record;
        the innermost block that is a key's value names its key."""
        if self._blocks is None:
            self._blocks = _blocks(self.text)
        if offset < (self._open[-1].start if self._open else -1):
            self._next, self._open = 0, []  # asked out of order: sweep again
        blocks, stack = self._blocks, self._open
        while self._next < len(blocks) and blocks[self._next].start <= offset:
            block = blocks[self._next]
            while stack and stack[-1].end <= block.start:
                stack.pop()
            stack.append(block)
            self._next += 1
        while stack and stack[-1].end <= offset:
            stack.pop()
        objects = [b.start for b in stack if b.char != "[" and not b.value]
        record = RECORD_NESTING.join(f"object {start}" for start in objects) or "object -1"
        parent = next((b.key for b in reversed(stack) if b.key is not None), None)
        return record, parent


@dataclass(frozen=True, slots=True)
class _Block:
    start: int
    end: int
    char: str  # "{", "(" or "["
    key: str | None  # the key or variable the block is assigned to (``allergies: [``)
    value: bool  # the value of a key (``key: {``), part of the object around it


_KEY_BEFORE = re.compile(r"([A-Za-z_$][\w$]*)[\"']?\s*(:|=>|=)\s*$")
_CALLEE = re.compile(r"([A-Za-z_$][\w$.]*[!?]?)\s*$")  # Employee.create!( …
_INSTANCE_OF = re.compile(r"^InstanceOf:\s*(\S+)", re.M)


@dataclass(frozen=True, slots=True)
class _Item:
    key: str
    value: str
    start: int
    end: int  # where the value's text ends (a date call: its closing parenthesis)
    record: str
    parent: str | None  # the list, object, call or FSH profile the value sits in


def _blocks(text: str) -> list[_Block]:
    """Every ``{...}``, ``(...)`` and ``[...]`` block in order of its start, quotes
    skipped, with the key it is the value of."""
    out = []
    for start, end in sorted(_brace_blocks(text)):
        m = _KEY_BEFORE.search(text, max(0, start - 64), start)
        if m is None and text[start] == "(":  # a call's arguments: named after the callee
            callee = _CALLEE.search(text, max(0, start - 64), start)
            out.append(_Block(start, end, "(", callee.group(1) if callee else None, False))
            continue
        out.append(_Block(start, end, text[start], m.group(1) if m else None,
                          m is not None and m.group(2) != "="))
    return out


def _with_parent(key: str, parent: str | None) -> str:
    """``name`` inside ``allergies: [...]`` is ``allergies.name`` when that says more: an
    ambiguous or unknown key takes its list's or object's meaning (allergies.name is an
    allergy, patient.name a patient's name); a key the column table knows keeps its own."""
    if parent is None or "." in key:
        return key
    own = read_header(key)
    if own is not None and not own.verify:
        return key
    joined = f"{parent}.{key}"
    column = read_header(joined)
    return joined if column is not None and not column.verify else key


def _key_headers(items: list[_Item]) -> dict[str, str]:
    """The header each key gives its values. An ambiguous key (``name``) is read like a
    table's column, from all its values and what their records say
    (piiscan.structure.table.verified): a reading or a birth date beside it, or a record
    that is a patient, a user or an employee (``Employee.create!(…)``, ``users = [{…}]``,
    ``InstanceOf: JP_Practitioner``) makes it a name; a list of schools or clinics makes
    it an organisation's."""
    values: dict[str, list[str]] = {}
    holders: dict[str, list[_Item]] = {}
    keys_in: dict[str, set[str]] = {}
    for item in items:
        values.setdefault(item.key, []).append(item.value.strip())
        holders.setdefault(item.key, []).append(item)
        keys_in.setdefault(item.record, set()).add(item.key)
    people_names = columns_table().names_people
    out = {}
    for key in values:
        column = read_header(key)
        if column is None or not column.verify:
            out[key] = resolve(key) or key
            continue
        with_people = sum(1 for i in holders[key] if people_names(i.parent)
                          or any(_says_person(k) for k in keys_in[i.record]))
        decided = verified(column, values[key][:SAMPLE_ROWS],
                           people=with_people * 2 >= len(holders[key]))
        out[key] = annotate(key, decided) if decided is not None else key
    return out


def _says_person(key: str) -> bool:
    column = read_header(key)
    return column is not None and column.person and not column.verify

def _yaml_owners(text: str) -> list[int]:
    """For each line, the line that opens its mapping: the nearest line above with less
    indentation (or a list item's dash)."""
    owners: list[int] = []
    stack: list[tuple[int, int]] = []  # (indent, line)
    for number, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            owners.append(stack[-1][1] if stack else number)
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stripped.startswith("- "):
            owners.append(number)
            stack.append((indent, number))
            continue
        owners.append(stack[-1][1] if stack else number)
        if stripped.endswith(":"):
            stack.append((indent, number))
    return owners


def _brace_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``{...}``, ``(...)`` and ``[...]`` block, quotes skipped."""
    blocks: list[tuple[int, int]] = []
    stack: list[int] = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote or ch == "\n":
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "{([":
            stack.append(i)
        elif ch in "})]" and stack:
            blocks.append((stack.pop(), i + 1))
        i += 1
    return blocks


_SQL_GAP = re.compile(r"(?:[\s,]|--[^\n]*|/\*.*?\*/)*", re.S)


def _between_tuples(text: str, i: int) -> int:
    """Where the next tuple of a multi-row INSERT starts: past commas, white space and
    comments (``(1, 'さくら'), -- password: hashed_pw1``)."""
    gap = _SQL_GAP.match(text, i)
    return gap.end() if gap else i
