"""Reporters: one module per format, one registry. A reporter writes a ScanResult to a
binary stream as it goes (``write``), so a report of a million findings is never a million
objects, or one huge string, in memory; ``render`` gives the same bytes at once.

Report files are written atomically (temporary file + rename) and readable by their owner
only: a report is a map of where personal data lives.
"""

from __future__ import annotations

import errno
import importlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from piiscan.atomic import temporary_for as temporary_for
from piiscan.atomic import write_atomic as write_atomic
from piiscan.errors import UsageError
from piiscan.models import FileRef, FileResult, ScanResult, TypeRegistry
from piiscan.score import active_counts

if TYPE_CHECKING:
    from piiscan.report.jsonl import Stream

Render = Callable[[ScanResult], bytes]
Write = Callable[[ScanResult, BinaryIO], None]

# format name -> module under piiscan.report defining ``write(result, out)`` and
# ``render(result) -> bytes``
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


def type_counts(fr: FileResult, types: TypeRegistry, *, short: bool = False) -> list[str]:
    """A file's findings that count, by type, most first (``電話番号 12``): from the counts
    the run kept, so findings written out of memory are not read back for them. Ties keep
    the order the file first holds the types in."""
    counts = Counter(active_counts(fr).by_type)
    return [f"{types.label(t, short=short)} {n}" for t, n in counts.most_common()]


def _module(name: str) -> Any:
    if name not in REGISTRY:
        raise UsageError(f"unknown report format '{name}' (known: {', '.join(sorted(REGISTRY))})")
    return importlib.import_module(f"piiscan.report.{REGISTRY[name]}")


def get(name: str) -> Render:
    """The whole report as bytes (tests, and small outputs)."""
    return _module(name).render  # type: ignore[no-any-return]


def writer(name: str) -> Write:
    """The report written to a stream as it is made."""
    return _module(name).write  # type: ignore[no-any-return]


def write_report(path: str, name: str, result: ScanResult) -> None:
    """Write one report file, streamed into its temporary file and renamed at the end."""
    write = writer(name)
    write_atomic(path, lambda out: write(result, out))


def write_error(path: str, exc: OSError) -> str:
    """One line for a report file that could not be written, with the way out."""
    why = (exc.strerror or str(exc)).lower()
    folder = Path(path).parent
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"choose a folder you can write to, or fix the permissions of {folder}"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = f"free some space on the disk holding {folder}"
    else:
        fix = "check the path"
    return f"report {path} not written: {why}; {fix} (any other report was written)"


class Streams:
    """The streamed report targets of one run (JSON Lines, docs/reports.md).

    Each gets a line per file as the file finishes (pass ``on_file`` to ``scan_paths``) and
    its summary at ``finish``; a file target is written to an owner-only temporary file
    and renamed over the target only then. Leaving the ``with`` block without ``finish``
    (an error) deletes the temporary files. A file target that cannot be written is dropped
    with a line in ``errors``; the scan and the other reports go on.
    """

    def __init__(self, targets: list[tuple[str, str]], stdout_format: str | None = None) -> None:
        self.streams: list[Stream] = []
        self.errors: list[str] = []
        if stdout_format not in STREAMED and all(name not in STREAMED for name, _ in targets):
            return  # nothing to stream (a pre-commit run): the writer is not even imported
        from piiscan.report.jsonl import Stream

        try:
            if stdout_format in STREAMED:
                import sys

                self.streams.append(Stream(sys.stdout.buffer))
            for name, path in targets:
                if name in STREAMED:
                    try:
                        self.streams.append(Stream(path))
                    except OSError as exc:
                        self.errors.append(write_error(path, exc))
        except BaseException:
            self.abort()
            raise

    def __enter__(self) -> Streams:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def _each(self, action: Callable[[Stream], None]) -> None:
        for stream in list(self.streams):
            try:
                action(stream)
            except OSError as exc:
                if stream.path is None:
                    raise  # standard output: the caller's to handle
                stream.abort()
                self.streams.remove(stream)
                self.errors.append(write_error(str(stream.path), exc))

    def on_file(self, file_result: FileResult) -> None:
        self._each(lambda stream: stream.on_file(file_result))

    def finish(self, result: ScanResult) -> None:
        self._each(lambda stream: stream.finish(result))

    def abort(self) -> None:
        for stream in self.streams:
            stream.abort()
