"""JSON and JSON Lines: every string and number, with its key as context.

``Location.part`` is a JSON path (``$.customers[3].tel``); for JSON Lines
``Location.line`` is the line number too. Numbers keep the digits as written, so a phone
or card number stored as a number is scanned like one (never ``4.1e+15``).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from piiscan.columns import resolve
from piiscan.extract import text as text_extractor
from piiscan.extract.csv import line_segments
from piiscan.models import Location, Note, Segment, Skip
from piiscan.structure.table import Cell, Row, Table

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # above this a JSON document is scanned as text
_LINE_EXTENSIONS = frozenset({"jsonl", "ndjson"})
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")  # 'tel', 'customer_id': no data
_MAX_EXPONENT = 40  # wider numbers stay as written rather than grow to huge strings



class _Number(str):
    """A JSON number, kept as the text it was written as."""


def _plain_float(text: str) -> _Number:
    if "e" not in text and "E" not in text:
        return _Number(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _Number(text)
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or abs(exponent) > _MAX_EXPONENT:
        return _Number(text)
    return _Number(format(value, "f"))


def _skip_constant(_text: str) -> None:
    return None  # NaN and Infinity hold no data


def loads(text: str) -> object:
    return json.loads(
        text, parse_int=_Number, parse_float=_plain_float, parse_constant=_skip_constant
    )


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    sniffed = text_extractor.sniff_text(blob, ctx)
    if isinstance(sniffed, Skip):
        yield sniffed
        return
    encoding, _ = sniffed
    if blob.extension in _LINE_EXTENSIONS:
        with blob.open() as raw, io.TextIOWrapper(raw, encoding, errors="replace") as lines:
            yield from _json_lines(lines, blob, ctx)
        return
    if blob.size > MAX_DOCUMENT_BYTES:
        yield Note("JSON document over 64 MiB: scanned as text, without key names")
        yield from text_extractor.extract(blob, ctx)
        return
    yield from _document(blob, blob.read().decode(encoding, errors="replace"), ctx)


def _document(blob: Blob, text: str, ctx: ExtractContext) -> Iterator[Item]:
    try:
        value = loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _first_line_parses(text):
            yield from _json_lines(io.StringIO(text), blob, ctx)  # JSON Lines named .json
            return
        yield Note(f"not valid JSON, scanned as text ({exc.msg} at line {exc.lineno})")
        yield from text_extractor.extract(blob, ctx)
        return
    except RecursionError:
        yield Note("JSON nested too deeply to parse, scanned as text")
        yield from text_extractor.extract(blob, ctx)
        return
    prefix = _member_prefix(blob)
    yield from _Walker(ctx, blob.location, f"{prefix}$", prefix).walk(value)


def _first_line_parses(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        loads(first)
    except (ValueError, RecursionError):
        return False
    return True


def _json_lines(lines: Iterable[str], blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    bad = 0
    prefix = _member_prefix(blob)
    seen_keys: set[str] = set()  # shared: every line repeats the same keys
    for number, line in enumerate(lines, start=1):
        ctx.check_time()
        if not line.strip():
            continue
        try:
            value = loads(line)
        except (ValueError, RecursionError):
            bad += 1
            yield from line_segments([line], blob, number, ctx)
            continue
        location = replace(blob.location, line=number)
        record = f"{prefix}line {number}"
        yield from _Walker(ctx, location, record, f"{record} ", seen_keys).walk(value)
    if bad:
        yield Note(f"{bad} lines are not valid JSON, scanned as text")


def _member_prefix(blob: Blob) -> str:
    # Record ids must stay unique across the members of one container.
    members = blob.location.members
    return "!".join(members) + "!" if members else ""


MIN_TABLE_ROWS = 3  # as for arrays of rows in code (piiscan.extract.structured)


def _rows_of_a_table(items: list[Any]) -> bool:
    """Three or more arrays of one width (three or more), holding strings, numbers (kept as
    strings), booleans and nulls only."""
    if len(items) < MIN_TABLE_ROWS or not all(isinstance(row, list) for row in items):
        return False
    widths = {len(row) for row in items}
    return len(widths) == 1 and widths.pop() >= 3 and all(
        item is None or isinstance(item, (str, bool)) for row in items for item in row)


def child_path(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


@dataclass
class _Node:
    value: object
    path: str
    key: str | None  # nearest key above this value
    record: str  # innermost array element that is an object, else the document


class _Walker:
    """Walks a parsed document without recursion (deep documents must not crash us)."""

    def __init__(
        self,
        ctx: ExtractContext,
        location: Location,
        root_record: str,
        record_prefix: str,
        seen_keys: set[str] | None = None,
    ) -> None:
        self.ctx = ctx
        self.location = location
        self.root_record = root_record
        self.record_prefix = record_prefix  # put before the path of an array element
        self.seen_keys = seen_keys if seen_keys is not None else set()

    def walk(self, value: object) -> Iterator[Segment]:
        """Every string of the document, one record at a time: an object in an array (a
        record of its own) is walked after the rest of the record it sits in, so the
        values of one record arrive together (piiscan.structure.records reads them so)."""
        later = [_Node(value, "$", None, self.root_record)]
        while later:
            yield from self._record(later.pop(0), later)

    def _record(self, start: _Node, later: list[_Node]) -> Iterator[Segment]:
        stack = [start]
        while stack:
            self.ctx.check_time()
            node = stack.pop()
            if node.record != start.record:
                later.append(node)
                continue
            if isinstance(node.value, dict):
                yield from self._keys(node)
                stack.extend(
                    _Node(v, child_path(node.path, k), k, node.record)
                    for k, v in reversed(list(node.value.items()))
                )
            elif isinstance(node.value, list) and _rows_of_a_table(node.value):
                yield from self._table(node)
            elif isinstance(node.value, list):
                stack.extend(self._items(node))
            elif isinstance(node.value, str) and node.value.strip():
                yield Segment(
                    node.value,
                    replace(self.location, part=node.path),
                    header=resolve(node.key),
                    record=node.record,
                )

    def _table(self, node: _Node) -> Iterator[Segment]:
        """An array of rows (``[["氏名", "電話"], ["山田 太郎", "090…"], …]``, a spreadsheet
        API's ``values``): a table whose header row, if it has one, names the columns."""
        assert isinstance(node.value, list)
        yield from Table().segments(self._rows(node.path, node.value))

    def _rows(self, path: str, table: list[Any]) -> Iterator[Row]:
        """The rows of an array of rows, made as the table reads them."""
        for index, row in enumerate(table):
            self.ctx.check_time()
            at = f"{path}[{index}]"
            cells = [Cell(col, item, replace(self.location, part=f"{at}[{col - 1}]"))
                     for col, item in enumerate(row, start=1)
                     if isinstance(item, str) and item.strip()]
            yield Row(cells, f"{self.record_prefix}{at}")

    def _items(self, node: _Node) -> Iterator[_Node]:
        assert isinstance(node.value, list)
        for index in reversed(range(len(node.value))):
            item = node.value[index]
            path = f"{node.path}[{index}]"
            record = f"{self.record_prefix}{path}" if isinstance(item, dict) else node.record
            yield _Node(item, path, node.key, record)

    def _keys(self, node: _Node) -> Iterator[Segment]:
        """Keys can be data too (``{"yamada@example.com": {...}}``); each is scanned once."""
        assert isinstance(node.value, dict)
        for key in node.value:
            if key in self.seen_keys or _PLAIN_KEY.match(key) or not key.strip():
                continue
            self.seen_keys.add(key)
            path = child_path(node.path, key)
            yield Segment(key, replace(self.location, part=path), record=node.record)
