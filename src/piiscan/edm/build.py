"""``piiscan edm build``: a customer master in, an index of keyed hashes out.

    master rows ─> each chosen column: cell text ─> mask.canonical ─> mask.EdmHasher
                ─> primary keys (bucketed by their top byte, each bucket sorted at the end)
                ─> corroborating hashes and the row id, row by row ─> index.write

Memory stays at about 20 bytes per value plus the row ids: keys are kept in ``array``s, not
Python objects, and sorted one bucket (1/256 of them) at a time.
"""

from __future__ import annotations

import itertools
import os
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from piiscan.clock import now_iso
from piiscan.edm import index
from piiscan.edm.master import MasterRows, cell_text, read_master
from piiscan.edm.schema import NAME_TYPES, Column, ColumnRef, EdmSchema
from piiscan.errors import ConfigError
from piiscan.mask import EdmHasher, canonical

MAX_ID_CHARS = 64
SHARED_ROWS = 10  # a primary value in more rows than this is reported (a company number?)


@dataclass
class BuildStats:
    rows: int = 0
    values: Counter[str] = field(default_factory=Counter)  # column label -> values hashed
    rows_without_primary: int = 0
    restored_zeros: int = 0
    shared_values: int = 0  # primary values found in more than SHARED_ROWS rows
    missing_ids: int = 0
    bytes: int = 0
    seconds: float = 0.0
    content: str = ""
    encoding: str | None = None


@dataclass(frozen=True)
class _Hashed:
    """One schema column, resolved against the master's header."""

    column: Column
    positions: tuple[int, ...]
    digest: Callable[[str, str], int]


def build(master: str, schema: EdmSchema, hasher: EdmHasher, out: str) -> BuildStats:
    """Read ``master``, hash what ``schema`` names, write the index to ``out`` (0600,
    atomically)."""
    started = time.monotonic()
    table = read_master(master, schema.header_row, schema.sheet)
    stats = BuildStats(encoding=table.encoding)
    primary = [_Hashed(c, _positions(c.refs, table, schema, f"primary.{i}.column"),
                       hasher.form) for i, c in enumerate(schema.primary)]
    corroborating = [_Hashed(c, _positions(c.refs, table, schema,
                                           f"corroborating.{i}.column"), hasher.field)
                     for i, c in enumerate(schema.corroborating)]
    id_position = (_positions((schema.id_column,), table, schema, "id_column")[0]
                   if schema.id_column is not None else None)
    data, buckets = _hash_rows(table, hasher, primary, corroborating, id_position, stats)
    _sort_into(data, buckets, stats)
    header = _header(master, schema, hasher, stats, primary, corroborating)
    from piiscan.atomic import write_atomic

    def write(fh: Any) -> None:
        stats.content = index.write(fh, data, header)

    write_atomic(out, write)
    stats.bytes = os.path.getsize(out)
    stats.seconds = time.monotonic() - started
    return stats


def _positions(refs: tuple[ColumnRef, ...], table: MasterRows, schema: EdmSchema,
               field_name: str) -> tuple[int, ...]:
    out = []
    for ref in refs:
        if isinstance(ref, int):
            out.append(ref - 1)
            continue
        found = [i for i, name in enumerate(table.header) if name == ref]
        if not found:
            shown = ", ".join(h for h in table.header if h)[:300]
            raise schema.error(field_name, f"the master has no column '{ref}' (its columns: "
                                           f"{shown or 'none'})")
        if len(found) > 1:
            raise schema.error(field_name, f"the master has {len(found)} columns named "
                                           f"'{ref}': give the column's number instead")
        out.append(found[0])
    return tuple(out)


def _text(cells: list[Any], positions: tuple[int, ...], value_type: str,
          stats: BuildStats) -> str:
    """The column's text in this row: its cells joined by a space, typed cells as text."""
    parts = []
    count = len(cells)
    for p in positions:
        value = cells[p] if p < count else None
        if value is None or value == "":
            continue
        if type(value) is str:
            text = value.strip()
        else:
            text = cell_text(value, value_type)
            stats.restored_zeros += text[:1] == "0" and not str(value).startswith("0")
        if text:
            parts.append(text)
    return parts[0] if len(parts) == 1 else " ".join(parts)


def _hash_rows(table: MasterRows, hasher: EdmHasher, primary: list[_Hashed],
               corroborating: list[_Hashed], id_position: int | None, stats: BuildStats
               ) -> tuple[index.IndexData, list[tuple[array[int], array[int]]]]:
    """The loop every value of the master goes through, kept lean: one canonical form and
    one HMAC per value, appended to arrays."""
    data = index.IndexData()
    buckets = [(array("Q"), array("I")) for _ in range(256)]
    fields, field_at, ids, id_at = data.fields, data.field_at, data.ids, data.id_at
    columns = [(h.positions, h.column.type, h.digest, i < len(primary))
               for i, h in enumerate((*primary, *corroborating))]
    starts = {h.column.type for h in corroborating if h.column.type in NAME_TYPES}
    counts = [0] * len(columns)
    row = 0
    for number, cells in table.rows:
        if row >= index.MAX_ROWS:
            raise ConfigError("the master has more rows than an EDM index holds")
        found = False
        for i, (positions, value_type, digest, is_primary) in enumerate(columns):
            text = _text(cells, positions, value_type, stats)
            form = canonical(value_type, text) if text else ""
            if not form:
                continue
            counts[i] += 1
            if is_primary:
                key = digest(value_type, form)
                keys, rows = buckets[key >> 56]
                keys.append(key)
                rows.append(row)
                found = True
            else:
                fields.append(digest(value_type, form))
                if value_type in starts and len(form) >= hasher.START_CHARS:
                    fields.append(hasher.field_start(value_type, form))
        field_at.append(len(fields))
        ids.extend(_row_id(cells, id_position, number, stats).encode("utf-8"))
        id_at.append(len(ids))
        stats.rows_without_primary += not found
        row += 1
    stats.rows = row
    for h, count in zip((*primary, *corroborating), counts, strict=True):
        stats.values[h.column.label] += count
    return data, buckets


def _row_id(cells: list[Any], position: int | None, number: int, stats: BuildStats) -> str:
    if position is None:
        return str(number)
    value = cells[position] if position < len(cells) else None
    text = cell_text(value, "") if value is not None else ""
    if not text:
        stats.missing_ids += 1
        return f"(row {number})"
    return text[:MAX_ID_CHARS]


def _sort_into(data: index.IndexData, buckets: list[tuple[array[int], array[int]]],
               stats: BuildStats) -> None:
    """Sort each bucket and append it: the buckets split the keys by their top byte, so the
    result is sorted. One bucket's sorting order is all the extra memory it takes."""
    for i, (keys, rows) in enumerate(buckets):
        order = sorted(range(len(keys)), key=keys.__getitem__)
        data.keys.extend(keys[j] for j in order)
        data.rows.extend(rows[j] for j in order)
        run = 1
        for a, b in itertools.pairwise(order):
            if keys[a] == keys[b]:
                run += 1
                if run == SHARED_ROWS + 1:
                    stats.shared_values += 1
            else:
                run = 1
        buckets[i] = (array("Q"), array("I"))


def _header(master: str, schema: EdmSchema, hasher: EdmHasher, stats: BuildStats,
            primary: list[_Hashed], corroborating: list[_Hashed]) -> dict[str, Any]:
    def columns(hashed: list[_Hashed]) -> list[dict[str, Any]]:
        return [{"column": h.column.label, "type": h.column.type,
                 "values": stats.values[h.column.label]} for h in hashed]

    return {
        "key_id": hasher.key_id,
        "created": now_iso(),
        "name": schema.name,
        "master": os.path.basename(master),
        "rows": stats.rows,
        "id_column": str(schema.id_column) if schema.id_column is not None else None,
        "window": schema.window,
        "primary": columns(primary),
        "corroborating": columns(corroborating),
        "value_bits": EdmHasher.VALUE_BITS,
        "field_bits": EdmHasher.FIELD_BITS,
    }
