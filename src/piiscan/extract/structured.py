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
- **Markdown tables**: the header line above the ``|---|`` line.

Each value becomes a segment with its header, its record and its line and column. The rest
of the text is scanned as plain text, with those values blanked out so nothing is reported
twice. A file over ``MAX_BYTES`` is read as plain text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from piiscan.columns import resolve
from piiscan.extract import text as text_extractor
from piiscan.extract.csv import line_segments
from piiscan.models import Location, Note, Segment, Skip
from piiscan.structure.table import Cell, Row, Table

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
_STATEMENT = re.compile(
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
_QUOTED_KEY = re.compile(r"(?<![\w$.])(?P<qk>[\"'])(?P<key>[^\"'\n]{1,60})(?P=qk)\s*(?::|=>|=)\s*"
                         r"(?P<q>[\"'`])(?P<value>(?:\\.|(?!(?P=q))[^\n\\])*)(?P=q)")
_YAML_PAIR = re.compile(r"^(?P<indent>[ \t]*(?:-[ \t]+)?)(?P<key>[\w\u3040-\u30ff\u3400-\u9fff.-]+)"
                        r":[ \t]+(?P<value>[^#\n\"'{}\[\]|>&*!][^#\n]*?)[ \t]*(?:#.*)?$", re.M)
# FHIR shorthand: ``* code = system#code "display"`` and ``* name.text = "…"``.
_FSH_PAIR = re.compile(r"^\*\s*(?P<key>[\w\[\]=+.]+)\s*=\s*(?:\S*#\S+\s+)?\"(?P<value>[^\"\n]*)\"",
                       re.M)
# A log value runs to the next space, or on through spaced digit groups (tel=090 1234 5678).
_LOG_PAIR = re.compile(r"(?<![\w.])(?P<key>[A-Za-z_][\w.-]{0,40})=(?P<value>\"[^\"\n]*\"|"
                       r"[^\s,;&\"'<>\[\]{}]+(?:[ 　][0-9０-９(（][^\s,;&\"'<>\[\]{}]*)*)")
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
    else:
        yield from doc.pairs(ext)
    yield from line_segments(doc.rest().splitlines(keepends=True), blob, 1, ctx)


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
        for m in _STATEMENT.finditer(self.text):
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
                tables[name] = Table(columns if columns is not None else known.get(name, []))
                pending[name] = []
            elif columns is not None and tables[name].given != columns:
                yield from tables[name].segments(pending.pop(name, []))
                tables[name] = Table(columns)
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
            while i < len(self.text) and self.text[i] in " \t\r\n,":
                i += 1
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

    def pairs(self, ext: str) -> Iterator[Segment]:
        found: list[tuple[int, str, str, int]] = []  # (start, key, value, value start)
        if ext in LOG_EXTENSIONS:
            patterns = [_LOG_PAIR, _QUOTED_PAIR]
        elif ext in YAML_EXTENSIONS:
            patterns = [_QUOTED_PAIR, _QUOTED_KEY, _YAML_PAIR]
        elif ext in FSH_EXTENSIONS:
            patterns = [_FSH_PAIR, _QUOTED_PAIR]
        else:
            patterns = [_QUOTED_PAIR, _QUOTED_KEY]
        seen: set[int] = set()
        for pattern in patterns:
            for m in pattern.finditer(self.text):
                start = m.start("value")
                value = m.group("value")
                if value.startswith('"') and value.endswith('"') and len(value) >= 2:
                    value, start = value[1:-1], start + 1
                if start in seen or not value.strip() or self._inside_taken(start):
                    continue
                seen.add(start)
                found.append((m.start(), _key(m.group("key")), value, start))
        records = _Records(self.text, ext)
        urls = _extension_urls(self.text) if ext in FSH_EXTENSIONS else []
        for at, key, value, start in sorted(found):
            key = _extension_header(urls, at, key) if urls else key
            if not self.take(start, start + len(value)):
                break
            yield Segment(value, self.at(start), header=resolve(key),
                          record=f"{self.prefix}{records.of(start)}")

    def _inside_taken(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.taken)

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
    YAML mapping or list item, an FSH instance, a line of a log."""

    def __init__(self, text: str, ext: str) -> None:
        self.text = text
        self.ext = ext
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self._blocks: list[tuple[int, int]] | None = None
        self._owners: list[int] | None = None

    def of(self, offset: int) -> str:
        line = bisect.bisect_right(self.lines, offset) - 1
        if self.ext in LOG_EXTENSIONS:
            return f"line {line + 1}"
        if self.ext in FSH_EXTENSIONS:
            return f"instance {self._fsh_instance(offset)}"
        if self.ext in YAML_EXTENSIONS:
            return f"block {self._yaml_owner(line) + 1}"
        return f"object {self._brace(offset)}"

    def _fsh_instance(self, offset: int) -> int:
        found = [m.start() for m in re.finditer(r"^Instance:", self.text[:offset], re.M)]
        return found[-1] if found else 0

    def _yaml_owner(self, line: int) -> int:
        if self._owners is None:
            self._owners = _yaml_owners(self.text)
        return self._owners[line] if line < len(self._owners) else line

    def _brace(self, offset: int) -> int:
        """The innermost ``{...}`` or ``(...)`` around the value that is not itself the
        value of a key: an object in a list, a call's arguments (``create!(name: …)``),
        not ``medication: {…}`` inside a patient."""
        if self._blocks is None:
            self._blocks = [b for b in _brace_blocks(self.text) if not _is_value(self.text, b[0])]
        best = -1
        for start, end in self._blocks:
            if start <= offset < end and start > best:
                best = start
        return best


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


def _is_value(text: str, start: int) -> bool:
    """Whether the block opening at ``start`` is the value of a key (``key: {``)."""
    before = text[max(0, start - 4):start].rstrip()
    return before.endswith((":", "=>"))


def _brace_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``{...}`` and ``(...)`` block, quotes skipped."""
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
        elif ch in "{(":
            stack.append(i)
        elif ch in "})" and stack:
            blocks.append((stack.pop(), i + 1))
        i += 1
    return blocks
