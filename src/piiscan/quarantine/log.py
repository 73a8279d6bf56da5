"""The quarantine audit log: one JSON object per line, appended, never rewritten.

    {"id": "…", "time": "…", "user": "…", "host": "…", "action": "quarantine",
     "file": "/srv/share/営業/顧客リスト.csv", "destination": "/srv/quarantine/営業/…",
     "reason": {"level": "critical", "types": {"MY_NUMBER": 3}, …, "text": "…"},
     "fingerprint": "<keyed hash of the file's bytes>", …}

What it holds: paths, the account and host, the reason in levels and type names, keyed
hashes, permission bits. Never a value: not even masked ones.

The file is created owner-only (0600) and opened with O_APPEND; each entry is one
``write`` followed by ``fsync``. One piiscan quarantine runs at a time: the log is locked
(``flock``) for the whole command, so two runs never move the same file. A line torn by a
crash is skipped when the log is read, and said.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piiscan.clock import now_iso
from piiscan.errors import UsageError
from piiscan.record import account_name, host_name

QUARANTINE, CHMOD, RESTORE = "quarantine", "chmod", "restore"


@dataclass
class AuditLog:
    """``create=False`` (a dry run): a missing log is read as empty and not created."""

    path: Path
    create: bool = True
    fd: int = -1
    damaged: int = 0  # lines that are not JSON (a write cut short), skipped
    _entries: list[dict[str, Any]] = field(default_factory=list)

    def __enter__(self) -> AuditLog:
        new = not self.path.exists()
        if new and not self.create:
            return self
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW,
                              0o600)
        except OSError as exc:
            raise UsageError(f"cannot open the quarantine log {self.path}: "
                             f"{exc.strerror}") from None
        if stat.S_IMODE(os.fstat(self.fd).st_mode) & 0o077:
            os.fchmod(self.fd, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise UsageError(f"another piiscan quarantine is using {self.path}; wait for it "
                             "to finish") from None
        if new:
            _fsync_dir(self.path.parent)
        self._entries = self._read()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the lock
            self.fd = -1

    def _read(self) -> list[dict[str, Any]]:
        with open(self.fd, "rb", closefd=False) as fh:
            fh.seek(0)
            data = fh.read()
        out = []
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                self.damaged += 1
                continue
            if isinstance(entry, dict) and "id" in entry and "action" in entry:
                out.append(entry)
            else:
                self.damaged += 1
        return out

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self._entries)

    def append(self, action: str, **fields: Any) -> dict[str, Any]:
        """Write one entry (id, time, user, host and action first) and make it durable."""
        assert self.fd >= 0, "the log was opened for a dry run"
        entry = {"id": uuid.uuid4().hex, "time": now_iso(), "user": account_name(),
                 "host": host_name(), "action": action, **fields}
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        written = 0
        while written < len(line):
            written += os.write(self.fd, line[written:])
        os.fsync(self.fd)
        self._entries.append(entry)
        return entry

    def open_actions(self) -> list[dict[str, Any]]:
        """Quarantine and chmod entries that no restore entry has undone, oldest first."""
        undone = {e.get("undoes") for e in self._entries if e["action"] == RESTORE}
        return [e for e in self._entries
                if e["action"] in (QUARANTINE, CHMOD) and e["id"] not in undone]

    def active_for(self, path: str) -> dict[str, Any] | None:
        return next((e for e in reversed(self.open_actions()) if e.get("file") == path), None)


def default_log(state_path: Path) -> Path:
    """``state.db`` -> ``state.quarantine.jsonl`` beside it: one log per state."""
    return state_path.with_name(state_path.stem + ".quarantine.jsonl")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
