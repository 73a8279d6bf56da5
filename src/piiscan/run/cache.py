"""What the run asks of an incremental cache (piiscan.state.store.ResultCache is one)."""

from __future__ import annotations

from typing import Protocol

from piiscan.models import FileRef, FileResult


class FileCache(Protocol):
    """Stored results of unchanged files: what ``scan_file`` gave, before suppressions and
    scoring, which are applied afresh on every run."""

    def get(self, ref: FileRef) -> FileResult | None: ...

    def put(self, ref: FileRef, result: FileResult) -> None: ...
