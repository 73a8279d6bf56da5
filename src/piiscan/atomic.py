"""Files piiscan writes (reports, baselines) appear whole or not at all, owner-only by default:
a report is a map of where personal data lives."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write a file so that readers see the old or the new content, never half of it. The
    folder must exist: piiscan does not create folders (report.targets checks first)."""
    target = Path(path)
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
