"""Files piiscan writes (reports, baselines) appear whole or not at all, owner-only by default:
a report is a map of where personal data lives."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str, data: bytes, mode: int = 0o600, overwrite: bool = True) -> None:
    """Write a file so that readers see the old or the new content, never half of it.
    With ``overwrite`` False an existing file is left alone (FileExistsError)."""
    write_atomic_with(path, lambda fh: fh.write(data), mode, overwrite)


def write_atomic_with(path: str, write: Callable[[BinaryIO], object], mode: int = 0o600,
                      overwrite: bool = True) -> None:
    """``write_atomic`` for content written piece by piece (``write(fh)``), so a large file
    need not be held in memory whole."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the target exists, atomically
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
