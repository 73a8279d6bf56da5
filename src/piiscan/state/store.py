"""The state database: incremental-scan cache, run history, the per-state fingerprint key.

One SQLite file (WAL mode), created owner-only (0600, in a 0700 folder when piiscan creates
the folder), one writer at a time (``lock.py``). Schema changes are numbered upgrade
functions applied in order on open (``PRAGMA user_version`` holds the version), so an old
state file is upgraded in place, never silently discarded.

What is stored: file paths with size, mtime, inode and (when the mtime is too recent to
trust) a SHA-256 of the content; masked findings as JSON; keyed fingerprints
(HMAC-SHA256 under a random 32-byte key kept in this database). Never a raw value.

Why the key lives in the database and not in a key file beside it: both would sit in the same
owner-only folder, so a key file protects against no one who can read the database, and it
adds a failure mode (database and key restored from different backups: every fingerprint
silently changes meaning). The keyed hash protects what leaves the state: fingerprints in
reports, logs and tickets cannot be brute-forced without this file. Keep the file as
private as the reports (docs/state.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piiscan import __version__
from piiscan.clock import now_iso
from piiscan.errors import PiiscanError
from piiscan.models import FileRef, FileResult, ScanResult
from piiscan.state.codec import decode_result, encode_result
from piiscan.state.lock import StateLock

DB_NAME = "state.db"
HISTORY_RUNS = 50  # runs whose findings are kept for `piiscan diff`; run rows are kept forever
AMBIGUOUS_SECONDS = 2.0  # an mtime this close to the read time is not trusted alone
_FLUSH_FILES = 256
_FLUSH_SECONDS = 1.0


class StateError(PiiscanError):
    """The state database cannot be used (damaged, from a newer piiscan, not writable)."""


def default_state_path() -> Path:
    """``$XDG_STATE_HOME/piiscan/state.db``, else ``~/.local/state/piiscan/state.db``."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join("~", ".local", "state")
    return Path(os.path.expanduser(base)) / "piiscan" / DB_NAME


def resolve_state_path(text: str | None) -> Path:
    """``None`` or ``""`` -> the default; a folder (existing, or written with a trailing
    slash, or without a suffix like ``~/.piiscan``) -> ``state.db`` inside it."""
    if not text:
        return default_state_path()
    path = Path(os.path.expanduser(text))
    if path.is_dir() or text.endswith(("/", os.sep)) or (not path.exists() and not path.suffix):
        return path / DB_NAME
    return path


# --- schema -------------------------------------------------------------------------------

def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statements one by one: ``executescript`` would commit the upgrade's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _schema_v1(conn: sqlite3.Connection) -> None:
    _run_script(conn, """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE files (
            path TEXT PRIMARY KEY,      -- absolute path
            display TEXT NOT NULL,      -- the path reports showed when this was stored
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            sha256 TEXT,                -- content hash, only when the mtime was ambiguous
            digest TEXT NOT NULL,       -- piiscan version + rules + settings that produced it
            result TEXT NOT NULL,       -- masked FileResult as JSON (codec.py)
            stored TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            finished TEXT,
            complete INTEGER NOT NULL DEFAULT 0,
            roots TEXT NOT NULL,        -- JSON list of absolute paths, sorted
            counts TEXT,                -- JSON summary
            unreadable TEXT,            -- JSON list of display paths that could not be read
            rules_digest TEXT,
            settings_digest TEXT,
            version TEXT
        );
        CREATE TABLE run_findings (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            type TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            severity TEXT NOT NULL,
            masked_value TEXT NOT NULL,
            location TEXT NOT NULL,
            suppressed_by TEXT
        );
        CREATE INDEX run_findings_run ON run_findings(run_id);
    """)


# UPGRADES[i] takes a database from schema version i to i + 1. Append, never edit.
UPGRADES: list[Callable[[sqlite3.Connection], None]] = [_schema_v1]
SCHEMA_VERSION = len(UPGRADES)


@dataclass(frozen=True)
class RunInfo:
    id: int
    started: str
    finished: str | None
    complete: bool
    roots: list[str]
    counts: dict[str, Any]
    unreadable: list[str]


@dataclass(frozen=True)
class FindingRow:
    path: str
    type: str
    fingerprint: str
    rule_id: str
    severity: str
    masked_value: str
    location: str
    suppressed_by: str | None

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.path, self.type, self.fingerprint)


def roots_key(roots: list[str]) -> list[str]:
    return sorted({os.path.abspath(r) for r in roots})


class StateStore:
    """An open state database. ``write=True`` takes the lock; read-only users (``diff``,
    ``history``) do not, since WAL lets them read while a scan writes."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: StateLock | None) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self.key: bytes = self._meta_key()

    @classmethod
    def open(cls, path: Path, *, write: bool = True) -> StateStore:
        path = path.absolute()
        if not write and not path.exists():
            raise StateError(f"no state database at {path}: run `piiscan scan --state` first")
        _prepare_files(path)
        lock = StateLock(path).acquire() if write else None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            try:
                conn.execute("PRAGMA busy_timeout = 30000")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":
                    raise StateError(f"{path}: cannot switch the state database to WAL mode")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
                _upgrade(conn, path)
                return cls(path, conn, lock)
            except BaseException:
                conn.close()
                raise
        except sqlite3.DatabaseError as exc:
            if lock is not None:
                lock.release()
            raise StateError(f"{path}: not a usable piiscan state database ({exc}); move it "
                             "away to start a new one") from None
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; any exception, KeyboardInterrupt included, rolls back.
        A transaction left open by a signal that landed right after BEGIN is rolled back
        before the next one starts."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _meta_key(self) -> bytes:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'hmac_key'").fetchone()
        if row is not None:
            return bytes(row[0])
        key = os.urandom(32)
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('hmac_key', ?)", (key,))
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (now_iso(),))
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'hmac_key'").fetchone()
        return bytes(row[0])

    # --- incremental cache ---------------------------------------------------------------

    def cache(self, digest: str, bypass: Callable[[FileRef], bool] | None = None) -> ResultCache:
        return ResultCache(self, digest, bypass)

    # --- run history ---------------------------------------------------------------------

    def begin_run(self, roots: list[str], started: str, rules_digest: str,
                  settings_digest: str) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (started, roots, rules_digest, settings_digest, version) "
                "VALUES (?, ?, ?, ?, ?)",
                (started, json.dumps(roots_key(roots)), rules_digest, settings_digest,
                 __version__))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, result: ScanResult, counts: dict[str, Any]) -> None:
        rows = []
        for fr in result.files:
            for f in fr.findings:
                rows.append((run_id, fr.file.display, f.type, f.fingerprint, f.rule_id,
                             str(f.severity), f.masked_value, f.location.render(),
                             f.suppressed_by))
        unreadable = sorted({s.path for s in result.all_skips() if s.kind.value == "error"})
        with self.transaction() as conn:
            conn.executemany("INSERT INTO run_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.execute(
                "UPDATE runs SET finished = ?, complete = ?, counts = ?, unreadable = ? "
                "WHERE id = ?",
                (result.finished, int(result.complete), json.dumps(counts, ensure_ascii=False),
                 json.dumps(unreadable, ensure_ascii=False), run_id))
            conn.execute(
                "DELETE FROM run_findings WHERE run_id NOT IN "
                "(SELECT id FROM runs ORDER BY id DESC LIMIT ?)", (HISTORY_RUNS,))

    def runs(self, limit: int | None = None) -> list[RunInfo]:
        sql = "SELECT * FROM runs ORDER BY id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        return [_run_info(row) for row in self.conn.execute(sql, params)]

    def run(self, run_id: int) -> RunInfo | None:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run_info(row) if row else None

    def previous_complete_run(self, roots: list[str], before: int | None = None
                              ) -> RunInfo | None:
        """The latest complete run over the same roots (before run id ``before``)."""
        key = json.dumps(roots_key(roots))
        row = self.conn.execute(
            "SELECT * FROM runs WHERE complete = 1 AND roots = ? AND id < ? "
            "ORDER BY id DESC LIMIT 1", (key, before if before is not None else 2**62)
        ).fetchone()
        return _run_info(row) if row else None

    def findings(self, run_id: int) -> list[FindingRow]:
        cur = self.conn.execute(
            "SELECT path, type, fingerprint, rule_id, severity, masked_value, location, "
            "suppressed_by FROM run_findings WHERE run_id = ? ORDER BY path, location, type",
            (run_id,))
        return [FindingRow(*row) for row in cur]


def _run_info(row: tuple[Any, ...]) -> RunInfo:
    return RunInfo(id=row[0], started=row[1], finished=row[2], complete=bool(row[3]),
                   roots=json.loads(row[4]), counts=json.loads(row[5] or "{}"),
                   unreadable=json.loads(row[6] or "[]"))




def _prepare_files(path: Path) -> None:
    """Create the folder (0700) and the database file (0600) before SQLite does, so they are
    owner-only from their first byte; tighten an existing database that is not."""
    parent = path.parent
    if not parent.exists():
        try:
            parent.mkdir(parents=True, mode=0o700)
            parent.chmod(0o700)
        except OSError as exc:
            raise StateError(f"cannot create the state folder {parent}: {exc.strerror}; "
                             "give --state a folder you can write to") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)
    except OSError as exc:
        raise StateError(f"cannot create the state database {path}: {exc.strerror}; give "
                         "--state a folder you can write to") from None
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists() and stat.S_IMODE(side.stat().st_mode) & 0o077:
            side.chmod(0o600)


def _upgrade(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StateError(f"{path} was written by a newer piiscan (schema {version}, this one "
                         f"knows {SCHEMA_VERSION}); upgrade piiscan or use another --state")
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            UPGRADES[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version += 1


def sha256_file(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass
class _Stat:
    size: int
    mtime_ns: int
    inode: int
    sha256: str | None


class ResultCache:
    """Reuse a file's stored result when nothing that produced it has changed.

    A stored result is reused when path, size, mtime (ns) and inode match and the digest
    (piiscan version, ruleset digest, settings digest) is the current one. A file whose
    mtime was within ``AMBIGUOUS_SECONDS`` of the moment it was read could have changed again
    within the same timestamp tick, so its content hash is stored and checked as well.
    Writes are batched in transactions; an interrupted batch rolls back and those files are
    simply scanned again next time.
    """

    def __init__(self, store: StateStore, digest: str,
                 bypass: Callable[[FileRef], bool] | None) -> None:
        self.store = store
        self.digest = digest
        self.bypass = bypass
        self.hits = 0
        self.misses = 0
        self.seen: set[str] = set()
        self._stats: dict[str, _Stat] = {}
        self._pending: list[tuple[Any, ...]] = []
        self._last_flush = time.monotonic()

    def get(self, ref: FileRef) -> FileResult | None:
        key = os.path.abspath(ref.path)
        self.seen.add(key)
        if self.bypass is not None and self.bypass(ref):
            self.misses += 1
            return None
        try:
            st = os.stat(ref.path)
        except OSError:
            self.misses += 1
            return None
        sha = sha256_file(ref.path) if time.time() - st.st_mtime < AMBIGUOUS_SECONDS else None
        current = _Stat(st.st_size, st.st_mtime_ns, st.st_ino, sha)
        self._stats[key] = current
        row = self.store.conn.execute(
            "SELECT display, size, mtime_ns, inode, sha256, digest, result FROM files "
            "WHERE path = ?", (key,)).fetchone()
        if row is not None and self._same(row, current, ref):
            try:
                result = decode_result(row[6], ref, row[0])
            except (ValueError, KeyError, TypeError):
                result = None  # an entry this version cannot read: scan again
            if result is not None:
                self.hits += 1
                del self._stats[key]
                return result
        self.misses += 1
        return None

    def _same(self, row: tuple[Any, ...], current: _Stat, ref: FileRef) -> bool:
        _, size, mtime_ns, inode, stored_sha, digest, _ = row
        if (size, mtime_ns, inode, digest) != (current.size, current.mtime_ns, current.inode,
                                              self.digest):
            return False
        if stored_sha is None:
            return True
        now_sha = current.sha256 or sha256_file(ref.path)
        return bool(now_sha == stored_sha)

    def put(self, ref: FileRef, result: FileResult) -> None:
        key = os.path.abspath(ref.path)
        st = self._stats.pop(key, None)
        if st is None:
            return  # bypassed, or could not be stat-ed before scanning
        self._pending.append((key, ref.display, st.size, st.mtime_ns, st.inode, st.sha256,
                              self.digest, encode_result(result), now_iso()))
        if (len(self._pending) >= _FLUSH_FILES
                or time.monotonic() - self._last_flush > _FLUSH_SECONDS):
            self.flush()

    def flush(self) -> None:
        if self._pending:
            with self.store.transaction() as conn:
                conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 self._pending)
            self._pending = []
        self._last_flush = time.monotonic()

    def prune(self, roots: list[str]) -> int:
        """After a complete run: forget files under the scanned folders that are gone."""
        removed = 0
        with self.store.transaction() as conn:
            for root in roots_key(roots):
                if not os.path.isdir(root):
                    continue
                prefix = root.rstrip(os.sep) + os.sep
                cur = conn.execute("SELECT path FROM files WHERE substr(path, 1, ?) = ?",
                                   (len(prefix), prefix))
                gone = [(p,) for (p,) in cur.fetchall() if p not in self.seen]
                conn.executemany("DELETE FROM files WHERE path = ?", gone)
                removed += len(gone)
        return removed
