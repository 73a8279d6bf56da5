"""What the run asks of an incremental cache (piiscan.state.store.ResultCache and
BlobCache are the two), and of a source that is not a folder walk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from piiscan.models import FileRef, FileResult, Skip


class FileCache(Protocol):
    """Stored results of unchanged files: what ``scan_file`` gave, before suppressions and
    scoring, which are applied afresh on every run."""

    def get(self, ref: FileRef) -> FileResult | None: ...

    def put(self, ref: FileRef, result: FileResult) -> None: ...


class RunCache(FileCache, Protocol):
    """A FileCache a session keeps for one run: counted, written out, pruned at the end."""

    hits: int
    misses: int

    def flush(self) -> None: ...

    def prune(self, roots: list[str]) -> int: ...


class Source(Protocol):
    """Files a run reads that are not found by walking folders: the blobs of a git history,
    the git index (piiscan.run.history). Each FileRef's ``version`` names its content (a
    blob id), so the state remembers results by it, whatever the path.

    ``prepare`` sees every scanned result in order, before suppressions and scoring; it may
    change it, or answer None to leave it out of the report (a version read only to compare
    with). ``scan`` scans one more file the same way (the cache, then ``scan_file``)."""

    roots: list[str]

    def items(self) -> Iterator[FileRef | Skip]: ...

    def preview(self) -> Iterator[FileRef | Skip]:
        """The files ``items`` lists, listed again on their own (a progress bar's total)."""
        ...

    def prepare(self, result: FileResult, scan: Callable[[FileRef], FileResult]
                ) -> FileResult | None: ...
