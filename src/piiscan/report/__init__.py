"""Reporters: one module per format, one registry. A reporter turns a ScanResult into bytes.

Report files are written atomically (temporary file + rename) and readable by their owner
only: a report is a map of where personal data lives.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from piiscan.atomic import write_atomic as write_atomic
from piiscan.errors import UsageError
from piiscan.models import FileRef, FileResult, ScanResult

Render = Callable[[ScanResult], bytes]

# format name -> module under piiscan.report defining ``render(result) -> bytes``
REGISTRY: dict[str, str] = {
    "table": "table",
    "json": "json",
    "jsonl": "jsonl",
    "csv": "csv",
    "sarif": "sarif",
    "html": "html",
    "xlsx": "xlsx",
}
EXTENSIONS: dict[str, str] = {".json": "json", ".txt": "table", ".jsonl": "jsonl",
                              ".ndjson": "jsonl", ".csv": "csv", ".sarif": "sarif",
                              ".html": "html", ".htm": "html", ".xlsx": "xlsx"}
STREAMED = frozenset({"jsonl"})  # written file by file while the scan runs (Streams)


def run_timezone(result: ScanResult) -> timezone:
    """The time zone the run started in, for the times a person reads in a report."""
    try:
        tz = datetime.fromisoformat(result.started).tzinfo
    except ValueError:
        tz = None
    return tz if isinstance(tz, timezone) else timezone.utc


# What people read about a file version from a git history, in this order (revision_facts).
REVISION_LABELS = ("コミット (commit)", "コミット日時 (commit date)",
                   "リポジトリ内のパス (path in repository)", "作成者 (author)")


def revision_facts(ref: FileRef) -> list[tuple[str, str]]:
    """The commit that added a file version, its date and the path in the repository (and
    the author, only when the run asked for authors), labelled for people; empty for a file
    that is not from a git history."""
    rev = ref.revision
    if rev is None:
        return []
    values = (rev.commit, rev.date, rev.path, rev.author)
    return [(label, value) for label, value in zip(REVISION_LABELS, values, strict=True)
            if value is not None]


def get(name: str) -> Render:
    if name not in REGISTRY:
        raise UsageError(f"unknown report format '{name}' (known: {', '.join(sorted(REGISTRY))})")
    module = importlib.import_module(f"piiscan.report.{REGISTRY[name]}")
    return module.render  # type: ignore[no-any-return]


def format_for(path: str, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise UsageError(f"cannot tell the report format of '{path}' from its extension "
                         f"({known}); write FORMAT:PATH, e.g. json:{path}")
    return EXTENSIONS[suffix]


class Streams:
    """The streamed report targets of one run (JSON Lines, docs/reports.md).

    Each gets a line per file as the file finishes (pass ``on_file`` to ``scan_paths``) and
    its summary at ``finish``; a file target is written to an owner-only temporary file
    and renamed over the target only then. Leaving the ``with`` block without ``finish``
    (an error) deletes the temporary files.
    """

    def __init__(self, targets: list[tuple[str, str]], stdout_format: str | None = None) -> None:
        from piiscan.report.jsonl import Stream

        self.streams: list[Stream] = []
        try:
            if stdout_format in STREAMED:
                import sys

                self.streams.append(Stream(sys.stdout.buffer))
            self.streams += [Stream(path) for name, path in targets if name in STREAMED]
        except BaseException:
            self.abort()
            raise

    def __enter__(self) -> Streams:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def on_file(self, file_result: FileResult) -> None:
        for stream in self.streams:
            stream.on_file(file_result)

    def finish(self, result: ScanResult) -> None:
        for stream in self.streams:
            stream.finish(result)

    def abort(self) -> None:
        for stream in self.streams:
            stream.abort()
