"""JSON Lines report: one line per file, written as each file finishes (docs/reports.md).

    {"type": "header", "schema": "piiscan-report-jsonl", "version": 1, "tool": {...}}
    {"type": "file", ...}        one per scanned file, in scan order, as in the JSON report
    {"type": "skip", ...}        files that never reached an extractor
    {"type": "summary", "scan": {...}, "summary": {...}}   always the last line

A consumer knows the report is whole when it has read the summary line. ``Stream`` writes
the lines to a temporary file beside the target (owner-only) and renames it over the target
when the scan ends, so the target is replaced atomically while the temporary file shows
progress; on standard output the lines go out as they are made.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from piiscan import __version__
from piiscan.models import FileResult, ScanResult
from piiscan.report.json import SCHEMA_VERSION, file_dict, skip_dict, summary_dict

SCHEMA = "piiscan-report-jsonl"


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def header_line() -> bytes:
    return _line({"type": "header", "schema": SCHEMA, "version": SCHEMA_VERSION,
                  "tool": {"name": "piiscan", "version": __version__}})


def file_line(fr: FileResult) -> bytes:
    return _line({"type": "file", **file_dict(fr)})


def tail_lines(result: ScanResult) -> bytes:
    out = [_line({"type": "skip", **skip_dict(s)}) for s in result.skips]
    out.append(_line({
        "type": "summary",
        "scan": {"roots": result.roots, "started": result.started, "finished": result.finished,
                 "complete": result.complete, "rules_digest": result.rules_digest,
                 "settings": result.settings},
        "summary": summary_dict(result),
    }))
    return b"".join(out)


def render(result: ScanResult) -> bytes:
    """The whole report at once: the same bytes a ``Stream`` writes for this result."""
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
            self.path = Path(target)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                            dir=self.path.parent)
            os.fchmod(fd, 0o600)
            self.out: BinaryIO = os.fdopen(fd, "wb")
        else:
            self.out = target
        self.done = False
        self._write(header_line())

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.out.flush()

    def on_file(self, fr: FileResult) -> None:
        self._write(file_line(fr))

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
