"""The EDM index file: keyed hashes of a customer master, grouped by row, memory-mapped.

Layout (little-endian; every section starts on an 8-byte boundary)::

    "PIISEDM1"                  magic
    uint32                      length of the header
    header                      JSON: format version, key id, content digest, the master's
                                name, row count, columns and their types, section offsets
    directory  uint32 x (2^b+1) where the keys starting with each b-bit prefix begin (b
                                grows with the keys, up to 16: a bisection spans a few keys)
    keys       uint64 x P       primary values' keyed hashes, sorted
    rows       uint32 x P       the row of each key (a value shared by rows appears twice)
    field_at   uint32 x (N+1)   where each row's corroborating hashes begin in ``fields``
    fields     uint32 x F       corroborating values' keyed hashes, row by row
    id_at      uint32 x (N+1)   where each row's id begins in ``ids``
    ids        UTF-8            the id column's values (or row numbers), back to back

What it holds: keyed hashes (``mask.EdmHasher``: HMAC-SHA256 under the key file's key,
truncated to 64 bits for primary values and 32 for corroborating ones), the row ids, the
column names and types. Never a value, never the key: ``key_id`` (an HMAC of a constant)
only tells a wrong key from the right one.

Why this format and not SQLite: a lookup is a bisection over a memory-mapped array, a few
microseconds with nothing to open or parse per process, and every worker of a scan shares
the same pages from the page cache; the file is about 16 bytes per value (docs/edm.md has
the measurements). The bytes depend only on the master, the schema and the key: a rebuild
of an unchanged master gives the same ``content`` digest, so incremental scans keep their
cached results.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import mmap
import os
import struct
import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from piiscan.errors import ConfigError

MAGIC = b"PIISEDM1"
FORMAT_VERSION = 1
MAX_PREFIX_BITS = 16
SECTIONS = ("directory", "keys", "rows", "field_at", "fields", "id_at", "ids")
_TYPECODES = {"directory": "I", "keys": "Q", "rows": "I", "field_at": "I", "fields": "I",
              "id_at": "I", "ids": "B"}
MAX_ROWS = 2**32 - 2


class EdmIndexError(ConfigError):
    """An index file that cannot be used."""


def _little(values: array[int]) -> array[int]:
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        values = array(values.typecode, values)
        values.byteswap()
    return values


@dataclass
class IndexData:
    """An index in memory, as the builder makes it."""

    keys: array[int] = field(default_factory=lambda: array("Q"))
    rows: array[int] = field(default_factory=lambda: array("I"))
    field_at: array[int] = field(default_factory=lambda: array("I", [0]))
    fields: array[int] = field(default_factory=lambda: array("I"))
    id_at: array[int] = field(default_factory=lambda: array("I", [0]))
    ids: bytearray = field(default_factory=bytearray)

    @property
    def prefix_bits(self) -> int:
        """About eight keys per directory entry, at most 2^16 entries."""
        return max(1, min(MAX_PREFIX_BITS, (len(self.keys) // 8).bit_length()))

    def directory(self) -> array[int]:
        """Offsets of the first key of each prefix (keys must be sorted)."""
        bits = self.prefix_bits
        out = array("I", bytes(4 * ((1 << bits) + 1)))
        shift = 64 - bits
        keys = self.keys
        position = 0
        for prefix in range(1 << bits):
            out[prefix] = position
            position = bisect.bisect_left(keys, (prefix + 1) << shift, position)
        out[1 << bits] = len(keys)
        return out


def write(fh: BinaryIO, data: IndexData, header: dict[str, Any]) -> str:
    """Write ``data`` with ``header`` (sections and content digest added); returns the
    content digest."""
    sections: dict[str, bytes | memoryview] = {}
    digest = hashlib.sha256()
    for name in SECTIONS:
        if name == "ids":
            raw: bytes | memoryview = bytes(data.ids)
        elif name == "directory":
            raw = memoryview(_little(data.directory())).cast("B")
        else:
            raw = memoryview(_little(getattr(data, name))).cast("B")
        sections[name] = raw
        digest.update(name.encode() + b"\0" + struct.pack("<Q", len(raw)))
        digest.update(raw)
    content = digest.hexdigest()[:32]
    header = {**header, "format": "piiscan-edm", "version": FORMAT_VERSION,
              "content": content, "prefix_bits": data.prefix_bits}
    # Section offsets depend on the header's length, which depends on them: place the
    # sections after a header padded to a fixed size.
    layout: dict[str, list[int]] = {}
    body = json.dumps({**header, "sections": {n: [0, 0] for n in SECTIONS}}).encode()
    start = _align(len(MAGIC) + 4 + len(body) + 64 + 24 * len(SECTIONS))
    offset = start
    for name in SECTIONS:
        layout[name] = [offset, len(sections[name]) // (8 if _TYPECODES[name] == "Q" else
                                                        4 if _TYPECODES[name] == "I" else 1)]
        offset = _align(offset + len(sections[name]))
    text = json.dumps({**header, "sections": layout}, ensure_ascii=False).encode()
    fh.write(MAGIC + struct.pack("<I", len(text)) + text)
    position = len(MAGIC) + 4 + len(text)
    if position > start:  # pragma: no cover - the reserve above is generous
        raise AssertionError("EDM index header larger than reserved")
    for name in SECTIONS:
        fh.write(b"\0" * (layout[name][0] - position))
        fh.write(sections[name])
        position = layout[name][0] + len(sections[name])
    return content


def _align(n: int) -> int:
    return (n + 7) & ~7


def read_header(path: str) -> dict[str, Any]:
    """The header of an index file; a clear error for anything else."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC) + 4)
            if len(head) < len(MAGIC) + 4 or head[:len(MAGIC)] != MAGIC:
                raise EdmIndexError(f"{path}: not a piiscan EDM index (build one with "
                                  "`piiscan edm build`)")
            (length,) = struct.unpack("<I", head[len(MAGIC):])
            if length > 16 * 1024 * 1024:
                raise EdmIndexError(f"{path}: damaged EDM index (header too large)")
            header: dict[str, Any] = json.loads(fh.read(length).decode("utf-8"))
    except FileNotFoundError:
        raise EdmIndexError(f"{path}: no such EDM index") from None
    except OSError as exc:
        raise EdmIndexError(f"{path}: cannot read the EDM index: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EdmIndexError(f"{path}: damaged EDM index (unreadable header)") from None
    if header.get("format") != "piiscan-edm" or not isinstance(header.get("sections"), dict):
        raise EdmIndexError(f"{path}: not a piiscan EDM index")
    if header.get("version") != FORMAT_VERSION:
        raise EdmIndexError(f"{path}: EDM index format {header.get('version')} is not one "
                          f"this piiscan reads ({FORMAT_VERSION}); rebuild it with "
                          "`piiscan edm build`")
    if not _well_formed(header):
        raise EdmIndexError(f"{path}: damaged EDM index (header)")
    return header


def _well_formed(header: dict[str, Any]) -> bool:
    sections = header["sections"]
    return (all(isinstance(header.get(k), str) for k in ("key_id", "content"))
            and isinstance(header.get("rows"), int)
            and header.get("prefix_bits") in range(1, MAX_PREFIX_BITS + 1)
            and all(isinstance(header.get(g), list) and all(
                isinstance(c, dict) and isinstance(c.get("type"), str) for c in header[g])
                for g in ("primary", "corroborating"))
            and all(isinstance(sections.get(n), list) and len(sections[n]) == 2
                    and all(isinstance(v, int) and v >= 0 for v in sections[n])
                    for n in SECTIONS))


class EdmIndex:
    """A built index, memory-mapped. Pickles as its path and content digest, so a pool
    worker maps the same file itself (once, on first use) and shares its pages."""

    def __init__(self, path: str, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header
        self._mm: mmap.mmap | None = None
        self._views: dict[str, Sequence[int]] = {}
        self._exported: list[memoryview] = []
        self._shift = 64 - int(header.get("prefix_bits", MAX_PREFIX_BITS))

    @classmethod
    def open(cls, path: str) -> EdmIndex:
        index = cls(os.path.abspath(path), read_header(path))
        index._map()
        return index

    @property
    def content(self) -> str:
        return str(self.header["content"])

    @property
    def key_id(self) -> str:
        return str(self.header["key_id"])

    @property
    def row_count(self) -> int:
        return int(self.header["rows"])

    @property
    def prefix_bits(self) -> int:
        return int(self.header["prefix_bits"])

    def _map(self) -> dict[str, Sequence[int]]:
        if self._views:
            return self._views
        header = read_header(self.path)
        if header.get("content") != self.header.get("content"):
            raise EdmIndexError(f"{self.path}: the EDM index changed during the run")
        try:
            with open(self.path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except (OSError, ValueError) as exc:
            raise EdmIndexError(f"{self.path}: cannot map the EDM index: {exc}") from None
        views: dict[str, Sequence[int]] = {}
        exported: list[memoryview] = []
        for name in SECTIONS:
            offset, count = header["sections"][name]
            code = _TYPECODES[name]
            width = 8 if code == "Q" else 4 if code == "I" else 1
            if mm is None or offset + count * width > size or offset % 8:
                self._release(exported, mm)
                raise EdmIndexError(f"{self.path}: damaged EDM index (section {name})")
            raw = memoryview(mm)[offset:offset + count * width]
            view = _native(raw, code)
            views[name] = view
            exported += [raw, view] if isinstance(view, memoryview) and view is not raw \
                else [raw]
        self._exported = exported
        if len(views["directory"]) != (1 << self.prefix_bits) + 1 or \
                len(views["field_at"]) != self.row_count + 1 or \
                len(views["id_at"]) != self.row_count + 1:
            self._release(exported, mm)
            raise EdmIndexError(f"{self.path}: damaged EDM index (row tables)")
        self._mm, self._views = mm, views
        return views

    def rows_for(self, key: int) -> list[int]:
        """The rows holding the primary value with this keyed hash (usually one or none)."""
        views = self._views or self._map()
        keys = views["keys"]
        directory = views["directory"]
        prefix = key >> self._shift
        lo, hi = directory[prefix], directory[prefix + 1]
        if lo == hi:
            return []
        i = bisect.bisect_left(keys, key, lo, hi)
        out = []
        rows = views["rows"]
        while i < hi and keys[i] == key:
            out.append(rows[i])
            i += 1
        return out

    def fields(self, row: int) -> Sequence[int]:
        """The corroborating hashes of one row."""
        views = self._views or self._map()
        at = views["field_at"]
        return views["fields"][at[row]:at[row + 1]]

    def row_id(self, row: int) -> str:
        views = self._views or self._map()
        at = views["id_at"]
        return bytes(views["ids"][at[row]:at[row + 1]]).decode("utf-8")

    def entries(self) -> Iterator[tuple[int, int]]:
        """Every (key, row), in key order."""
        views = self._views or self._map()
        yield from zip(views["keys"], views["rows"], strict=True)

    def close(self) -> None:
        exported, mm = self._exported, self._mm
        self._views, self._exported, self._mm = {}, [], None
        self._release(exported, mm)

    @staticmethod
    def _release(exported: list[memoryview], mm: mmap.mmap | None) -> None:
        for view in reversed(exported):
            view.release()
        if mm is not None:
            mm.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "header": self.header}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], state["header"])  # type: ignore[misc]


def _native(raw: memoryview, code: str) -> Sequence[int]:
    if code == "B":
        return raw
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        values = array(code, raw.tobytes())
        values.byteswap()
        return values
    return raw.cast("Q" if code == "Q" else "I")
