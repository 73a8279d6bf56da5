"""Reporters: one module per format, one registry. A reporter writes a ScanResult to a
binary stream as it goes (``write``), so a report of a million findings is never a million
objects, or one huge string, in memory; ``render`` gives the same bytes at once.

Report files are written atomically (temporary file + rename) and readable by their owner
only: a report is a map of where personal data lives.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from piiscan.errors import UsageError
from piiscan.models import FileResult, ScanResult

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


def format_for(path: str, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise UsageError(f"cannot tell the report format of '{path}' from its extension "
                         f"({known}); write FORMAT:PATH, e.g. json:{path}")
    return EXTENSIONS[suffix]


# When this run started: temporary report files older than that, of our naming, owned by
# us and not locked by a writer are what a killed run left behind.
RUN_STARTED = time.time()


def target_folder(path: str | Path) -> Path:
    """The folder a report goes into; it must exist. piiscan never creates it: a typo in
    ``-o`` must not leave new folders (with a default mode) around the file system."""
    folder = Path(path).absolute().parent
    if not folder.exists():
        raise UsageError(f"cannot write the report {path}: the folder {folder} does not "
                         "exist; create it first or choose another -o path")
    if not folder.is_dir():
        raise UsageError(f"cannot write the report {path}: {folder} is not a folder")
    return folder


def temporary_for(path: str | Path) -> tuple[BinaryIO, str]:
    """An owner-only temporary file beside ``path``, locked while it is written (a run that
    starts meanwhile leaves it alone), after cleaning up the stale ones of earlier runs."""
    target = Path(path)
    folder = target_folder(target)
    clean_stale_temporaries(folder, target.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        _lock(fd)
        return os.fdopen(fd, "wb"), tmp
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no cleaning of others' files either
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def clean_stale_temporaries(folder: Path, name: str) -> list[str]:
    """Delete ``.NAME.XXXXXXXX.tmp`` files (our ``mkstemp`` naming for this target) that
    are regular files owned by us, older than this run and not locked by a writer: what a
    run killed while writing left behind. Returns the names removed."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return []
    pattern = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid()
                    or st.st_mtime >= RUN_STARTED):
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a live writer holds it
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def write_atomic(path: str, data: bytes | Callable[[BinaryIO], None], mode: int = 0o600) -> None:
    """Write a file so that readers see the old or the new content, never half of it.
    ``data`` is the bytes, or a function that writes them to the stream it is given."""
    out, tmp = temporary_for(path)
    try:
        with out:
            os.fchmod(out.fileno(), mode)
            if isinstance(data, bytes):
                out.write(data)
            else:
                data(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
