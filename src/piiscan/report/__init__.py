"""Reporters: one module per format, one registry. A reporter turns a ScanResult into bytes.

Report files are written atomically (temporary file + rename) and readable by their owner
only: a report is a map of where personal data lives.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from piiscan.errors import UsageError
from piiscan.models import ScanResult

Render = Callable[[ScanResult], bytes]

# format name -> module under piiscan.report defining ``render(result) -> bytes``
REGISTRY: dict[str, str] = {
    "table": "table",
    "json": "json",
}
EXTENSIONS: dict[str, str] = {".json": "json", ".txt": "table"}


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


def write_atomic(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write a file so that readers see the old or the new content, never half of it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
