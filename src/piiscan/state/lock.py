"""One writer at a time: an advisory lock on a file beside the state database.

``fcntl.flock`` is released by the kernel when the holder exits, however it exits (even
SIGKILL), so a crashed run never leaves a stale lock behind. The lock file holds the
holder's pid and start time, for the message the next run prints.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from piiscan.errors import LockedError


class StateLock:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> StateLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockedError(f"another piiscan run holds the lock on {self.db_path} "
                              f"({self._holder()}); wait for it to finish") from None
        since = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {since}\n".encode(), 0)
        self._fd = fd
        return self

    def _holder(self) -> str:
        try:
            pid, _, since = self.path.read_text(encoding="ascii").strip().partition(" ")
        except (OSError, UnicodeDecodeError):
            return "pid unknown"
        return f"pid {pid} since {since}" if pid and since else "pid unknown"

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> StateLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
