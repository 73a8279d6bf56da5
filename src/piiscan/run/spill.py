"""A run's findings written out of memory as it goes, so its memory stays flat however many
files it reads.

A run keeps every file's result until its reports are written: reports are sorted by risk
and summed over the whole run. The findings are most of that memory (about 800 bytes each,
a finding-dense share holds hundreds of thousands). Past ``Spill.IN_MEMORY`` findings held,
the findings of the oldest files are written to one unnamed temporary file and the file's
result keeps a ``SpilledFindings`` in their place, which reads them back each time a
reporter goes through them. The file results themselves (path, risk, counts) stay in memory:
a few hundred bytes a file.

What is written is what a report may show (masked values, masked snippets, keyed
fingerprints), as rows of plain values (``marshal``: the fastest way back to objects; the
file is read only by the process that wrote it), compressed. Raw values (``--show-values``)
and the baseline's fingerprints are never written: the values stay in memory beside the
spilled findings and are put back as they are read; the baseline's were used up before. The file
is created unlinked (``tempfile.TemporaryFile``) and owner-only, so nothing is left behind
however the process ends, and it closes when the last result pointing into it is gone.

The spill starts after a file is finished (baseline, suppressions, score) and reported to
the streamed reports: from then on its findings are only read.

A file finished in a worker process (``run.pool``, ``--jobs``) reaches this process with its
findings already in that form (``PackedFindings``: the same compressed rows, in memory), so
the process holding the run neither unpickles them into objects nor lays them out again; the
spill writes their bytes as they are.
"""

from __future__ import annotations

import marshal
import os
import weakref
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import IO, Any, overload

from piiscan.models import (
    Category,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    finding_fields,
    location_fields,
)
from piiscan.pii_types import CATEGORY_VALUES

_FIELDS = tuple(f.name for f in fields(Finding))
_LOCATION_FIELDS = tuple(f.name for f in fields(Location))
_LEVELS = {int(level): level for level in Level}
_CATEGORIES = {c.value: c for c in Category}
_CATEGORY, _SEVERITY, _CONFIDENCE, _REASONS, _LOCATION = (
    _FIELDS.index(name) for name in ("category", "severity", "confidence", "reasons", "location"))
_NOT_WRITTEN = tuple(_FIELDS.index(name) for name in ("value", "baseline_fingerprint"))
_VALUE = _FIELDS.index("value")


class Spill:
    """The temporary file of one run, and the results still held in memory, oldest first."""

    IN_MEMORY = 50_000  # findings held in memory before the oldest files' are written out

    def __init__(self, in_memory: int | None = None) -> None:
        self.in_memory = self.IN_MEMORY if in_memory is None else in_memory
        self._file: IO[bytes] | None = None
        self._end = 0
        self._held: deque[FileResult] = deque()
        self._count = 0
        self.spilled = 0  # findings written out so far
        self.failed: str | None = None  # why nothing more is written out (no room on disk)

    def hold(self, result: FileResult) -> None:
        """Keep ``result``'s findings in memory while there is room, else write out those of
        the oldest results until half the room is free again."""
        if not result.findings:
            return
        self._held.append(result)
        self._count += len(result.findings)
        if self._count <= self.in_memory:
            return
        while self._held and self._count > self.in_memory // 2 and self.failed is None:
            oldest = self._held[0]
            try:
                spilled = self._write(oldest.findings)
            except OSError as exc:
                # No temporary folder, or no room in it: the findings stay in memory, as
                # they did before there was a spill; the run and its reports go on.
                self.failed = exc.strerror or str(exc)
                return
            self._held.popleft()
            self._count -= len(oldest.findings)
            oldest.findings = spilled

    def _write(self, findings: Sequence[Finding]) -> SpilledFindings:
        if self._file is None:
            import tempfile  # a run that never spills (a pre-commit run) does not import it

            self._file = tempfile.TemporaryFile(prefix="piiscan-")  # noqa: SIM115 (kept open)
            weakref.finalize(self, self._file.close)  # once no result points into it
        packed = findings if isinstance(findings, PackedFindings) else pack(findings)
        data = packed.data
        offset = self._end
        written = 0
        while written < len(data):
            written += os.pwrite(self._file.fileno(), data[written:], offset + written)
        self._end += len(data)
        self.spilled += len(findings)
        return SpilledFindings(self, offset, len(data), len(findings), packed.values)

    def _read(self, offset: int, size: int, values: tuple[str | None, ...] | None
              ) -> list[Finding]:
        assert self._file is not None
        data = os.pread(self._file.fileno(), size, offset)
        if len(data) != size:
            raise OSError(f"the run's spill file was cut short ({len(data)} of {size} bytes)")
        return unpack(data, values)


def pack(findings: Sequence[Finding]) -> PackedFindings:
    """Findings as compressed rows of what a report may show; raw values (``--show-values``)
    beside them, never in the rows."""
    values = (tuple(f.value for f in findings)
              if any(f.value is not None for f in findings) else None)
    return PackedFindings(zlib.compress(marshal.dumps(_rows(findings)), 1), len(findings),
                          values)


def unpack(data: bytes, values: tuple[str | None, ...] | None) -> list[Finding]:
    return _findings(marshal.loads(zlib.decompress(data)), values)


def _rows(findings: Sequence[Finding]) -> tuple[list[Any], list[list[Any]]]:
    """Findings as plain lists in field order; reason lists once each, by index (the
    findings of a file share their reason tuples: looked up by identity, not hashed)."""
    index: dict[int, int] = {}
    listed: list[tuple[Reason, ...]] = []
    rows = []
    for f in findings:
        row = list(finding_fields(f))
        row[_CATEGORY] = CATEGORY_VALUES[f.category]
        row[_SEVERITY], row[_CONFIDENCE] = int(f.severity), int(f.confidence)
        at = index.get(id(f.reasons))
        if at is None:
            at = index[id(f.reasons)] = len(listed)
            listed.append(f.reasons)
        row[_REASONS] = at
        row[_LOCATION] = location_fields(f.location)
        for position in _NOT_WRITTEN:
            row[position] = None
        rows.append(row)
    return [[(r.code, r.detail) for r in reasons] for reasons in listed], rows


def _findings(data: tuple[list[Any], list[list[Any]]],
              values: tuple[str | None, ...] | None) -> list[Finding]:
    listed, rows = data
    reasons = [tuple(Reason(code, detail) for code, detail in each) for each in listed]
    out = []
    for index, row in enumerate(rows):
        if values is not None:
            row[_VALUE] = values[index]
        row[_CATEGORY] = _CATEGORIES[row[_CATEGORY]]
        row[_SEVERITY], row[_CONFIDENCE] = _LEVELS[row[_SEVERITY]], _LEVELS[row[_CONFIDENCE]]
        row[_REASONS] = reasons[row[_REASONS]]
        row[_LOCATION] = Location(*row[_LOCATION])
        out.append(Finding(*row))
    return out


class PackedFindings(Sequence[Finding]):
    """The findings of one file as compressed rows in memory (``pack``): what a worker
    sends, unpacked each time they are gone through."""

    __slots__ = ("data", "length", "values")

    def __init__(self, data: bytes, length: int, values: tuple[str | None, ...] | None
                 ) -> None:
        self.data = data
        self.length = length
        self.values = values

    def __reduce__(self) -> tuple[Any, ...]:
        return PackedFindings, (self.data, self.length, self.values)

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[Finding]:
        return iter(unpack(self.data, self.values))

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        return unpack(self.data, self.values)[index]

    def __repr__(self) -> str:
        return f"<{self.length} findings packed>"


class SpilledFindings(Sequence[Finding]):
    """The findings of one file, on disk: read back each time they are gone through."""

    __slots__ = ("_count", "_offset", "_size", "_spill", "_values")

    def __init__(self, spill: Spill, offset: int, size: int, count: int,
                 values: tuple[str | None, ...] | None) -> None:
        self._spill = spill  # keeps the temporary file open while this is alive
        self._offset = offset
        self._size = size
        self._count = count
        self._values = values

    def _load(self) -> list[Finding]:
        return self._spill._read(self._offset, self._size, self._values)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._load())

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        return self._load()[index]

    def __repr__(self) -> str:
        return f"<{self._count} findings written out of memory>"
