"""JSON Lines report: one line per file, written as each file finishes (docs/reports.md).

    {"type": "header", "schema": "piiscan-report-jsonl", "version": 1, "tool": {...}}
    {"type": "file", ...}        one per scanned file, in scan order, as in the JSON report
    {"type": "skip", ...}        files that never reached an extractor
    {"type": "summary", "scan": {...}, "summary": {...}, "retention": {...}}   always last

A consumer knows the report is whole when it has read the summary line. ``Stream`` writes
the lines to a temporary file beside the target (owner-only) and renames it over the target
when the scan ends, so the target is replaced atomically while the temporary file shows
progress; on standard output the lines go out as they are made.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from piiscan import __version__
from piiscan.models import FileResult, ScanResult
from piiscan.report.json import (
    SCHEMA_VERSION,
    file_dict,
    finding_batches,
    in_pieces,
    scan_dict,
    skip_dict,
    summary_dict,
)
from piiscan.report.record import overdue_dict

SCHEMA = "piiscan-report-jsonl"


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def header_line() -> bytes:
    return _line({"type": "header", "schema": SCHEMA, "version": SCHEMA_VERSION,
                  "tool": {"name": "piiscan", "version": __version__}})


def file_line(fr: FileResult) -> bytes:
    return b"".join(file_chunks(fr))


_MARK = "\x00piiscan-findings\x00"  # stands for the findings while the rest is laid out


def file_chunks(fr: FileResult) -> Iterator[bytes]:
    """A file's line, in pieces when its findings are many (``report.json.in_pieces``)."""
    ordered = in_pieces(fr)
    if ordered is None:
        yield _line({"type": "file", **file_dict(fr)})
        return
    head, tail = _line({"type": "file", **file_dict(fr, [_MARK], ordered)}).split(
        json.dumps(_MARK).encode("utf-8"), 1)
    yield head
    for index, batch in enumerate(finding_batches(ordered)):
        laid = json.dumps(batch, ensure_ascii=False, separators=(",", ":"))[1:-1]
        yield (b"," if index else b"") + laid.encode("utf-8")
    yield tail


def tail_lines(result: ScanResult) -> bytes:
    out = [_line({"type": "skip", **skip_dict(s)}) for s in result.skips]
    out.append(_line({
        "type": "summary",
        "scan": scan_dict(result),
        "summary": summary_dict(result),
        "retention": overdue_dict(result),
    }))
    return b"".join(out)


def write(result: ScanResult, out: BinaryIO) -> None:
    """The whole report at once, line by line: the same bytes a ``Stream`` writes."""
    out.write(header_line())
    for fr in result.files:
        for chunk in file_chunks(fr):
            out.write(chunk)
    out.write(tail_lines(result))


def render(result: ScanResult) -> bytes:
    return header_line() + b"".join(file_line(fr) for fr in result.files) + tail_lines(result)


class Stream:
    """Write a JSON Lines report while the scan runs.

    With a path: lines go to an owner-only temporary file in the target's folder, renamed
    over the target by ``finish``; ``abort`` deletes it. With a binary stream (standard
    output): lines are written and flushed as they are made.
    """

    def __init__(self, target: str | BinaryIO) -> None:
        self.path: Path | None = None
        self.tmp: str | None = None
        if isinstance(target, str):
            from piiscan.report import temporary_for

            self.path = Path(target)
            self.out: BinaryIO
            self.out, self.tmp = temporary_for(target)
        else:
            self.out = target
        self.done = False
        self._write(header_line())

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.out.flush()

    def on_file(self, fr: FileResult) -> None:
        for chunk in file_chunks(fr):
            self.out.write(chunk)
        self.out.flush()

    def finish(self, result: ScanResult) -> None:
        self._write(tail_lines(result))
        if self.path is not None and self.tmp is not None:
            os.fsync(self.out.fileno())
            self.out.close()
            os.replace(self.tmp, self.path)
        self.done = True

    def abort(self) -> None:
        if self.done or self.tmp is None:
            return
        self.out.close()
        Path(self.tmp).unlink(missing_ok=True)
