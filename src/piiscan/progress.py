"""A progress bar for a person at a terminal: files, MB, MB/s and, once the total is known,
an ETA.

It is drawn on standard error, only when standard error is a terminal, ``--quiet`` is off and
piiscan does not run as a pre-commit hook or in CI (``wanted``): cron mail, CI logs and hook
output never see it. The bar disappears when the scan ends, before the report is printed.

The walker feeds the scan lazily, so the number of files is not known while it runs. A
background thread walks the same paths a second time (names and sizes only, nothing is
opened) to count them; until it is done the bar pulses and shows no ETA.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from piiscan.models import FileRef, FileResult, Skip

if TYPE_CHECKING:
    from piiscan.config import Settings

OnFile = Callable[[FileResult], None]
Walk = Callable[[], Iterable[FileRef | Skip]]


def wanted(stream: TextIO | None = None, *, quiet: bool = False, hook: bool = False) -> bool:
    """Whether a person is watching: a terminal on ``stream`` (standard error), no --quiet,
    no pre-commit (PRE_COMMIT is set by pre-commit), no CI, no dumb terminal."""
    stream = sys.stderr if stream is None else stream
    if quiet or hook or os.environ.get("PRE_COMMIT") or os.environ.get("CI"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class ScanProgress:
    """``with ScanProgress(paths, settings) as bar: scan(..., on_file=bar.wrap(on_file))``."""

    def __init__(self, paths: Sequence[str], settings: Settings,
                 stream: TextIO | None = None, walk: Walk | None = None) -> None:
        self.paths = list(paths)
        self.walk = walk  # lists the files again, for the total (default: walk the paths)
        self.settings = settings
        self.stream = sys.stderr if stream is None else stream
        self.files = 0
        self.total_files: int | None = None
        self.done_bytes = 0
        self._stop = threading.Event()
        self._counter: threading.Thread | None = None
        self._progress: Any = None
        self._task: Any = None

    def _readable(self, size: int) -> int:
        """Bytes a file adds to the bar: over-size files are listed, not read."""
        return size if size <= self.settings.limits.max_file_size else 0

    def _files_text(self) -> str:
        if self.total_files is None:
            return f"{self.files:,} files"
        return f"{self.files:,}/{self.total_files:,} files"

    def on_file(self, file_result: FileResult) -> None:
        self.files += 1
        self.done_bytes += self._readable(file_result.file.size)
        self._progress.update(self._task, completed=self.done_bytes, files=self._files_text())

    def wrap(self, inner: OnFile | None = None) -> OnFile:
        """An ``on_file`` callback that moves the bar, then calls ``inner``."""
        if inner is None:
            return self.on_file

        def both(file_result: FileResult) -> None:
            self.on_file(file_result)
            inner(file_result)
        return both

    def _count(self) -> None:
        from piiscan.sources.walk import iter_sources

        files = size = 0
        items = iter(self.walk() if self.walk is not None
                     else iter_sources(self.paths, self.settings))
        try:
            for item in items:
                if self._stop.is_set():
                    return
                if isinstance(item, FileRef):
                    files += 1
                    size += self._readable(item.size)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a listing that runs a process (git) stops it
        self.total_files = files
        self._progress.update(self._task, total=size, files=self._files_text())

    def __enter__(self) -> ScanProgress:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(file=self.stream, stderr=True)
        self._progress = Progress(
            SpinnerColumn(), TextColumn("scanning"), BarColumn(),
            TextColumn("{task.fields[files]}"), DownloadColumn(), TransferSpeedColumn(),
            TimeRemainingColumn(), console=console, transient=True, refresh_per_second=4,
            redirect_stdout=False, redirect_stderr=False)
        self._task = self._progress.add_task("scan", total=None, files=self._files_text())
        self._progress.start()
        self._counter = threading.Thread(target=self._count, name="piiscan-count",
                                         daemon=True)
        self._counter.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._progress.stop()


class NoProgress:
    """Stands in for ScanProgress when nobody is watching."""

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def wrap(self, inner: OnFile | None = None) -> OnFile | None:
        return inner


def for_scan(paths: Sequence[str], settings: Settings, *, quiet: bool = False,
             hook: bool = False, stream: TextIO | None = None,
             walk: Walk | None = None) -> ScanProgress | NoProgress:
    if wanted(stream, quiet=quiet, hook=hook):
        return ScanProgress(paths, settings, stream, walk)
    return NoProgress()
