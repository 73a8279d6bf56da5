"""The state database: incremental-scan cache, run history, the per-state fingerprint key.

One SQLite file (WAL mode), created owner-only (0600, in a 0700 folder when piiscan creates
the folder), one writer at a time (``lock.py``). Schema changes are numbered upgrade
functions applied in order on open (``PRAGMA user_version`` holds the version), so an old
state file is upgraded in place, never silently discarded.

What is stored: file paths with size, mtime, inode and (when the mtime is too recent to
trust) a SHA-256 of the content; masked findings as JSON; keyed fingerprints
(HMAC-SHA256 under a random 32-byte key kept in this database); per run, the files with
findings as the scan saw them with a keyed hash of their bytes; triage verdicts with masked
notes. Never a raw value.

The key lives in the database by default: a key file in the same owner-only folder would
protect against no one who can read the database. For a database that is backed up or
copied elsewhere, ``--key-file`` keeps the key outside it (state.keyfile); the database
then records only the key's id, so a mismatched key is refused instead of silently changing
what every fingerprint means. The keyed hash protects what leaves the state: fingerprints
in reports, logs and tickets cannot be brute-forced without the key. Keep the file as
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
from piiscan.mask import ContentFingerprinter
from piiscan.models import FileRef, FileResult, ScanResult
from piiscan.sources import is_url
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


def _schema_v2(conn: sqlite3.Connection) -> None:
    """The settings that decide what a run reports, as JSON (Settings.reporting)."""
    conn.execute("ALTER TABLE runs ADD COLUMN settings TEXT")


def _schema_v3(conn: sqlite3.Connection) -> None:
    """Per-run file facts (quarantine, triage, alerts) and triage verdicts."""
    _run_script(conn, """
        CREATE TABLE run_files (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,         -- display path, as run_findings spells it
            abspath TEXT,               -- absolute path, NULL for a file not on this machine
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,        -- as the scan saw them
            inode INTEGER NOT NULL,
            mode INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            gid INTEGER NOT NULL,
            content TEXT,               -- keyed hash of the bytes (mask.ContentFingerprinter)
            risk_level TEXT NOT NULL,
            risk_score INTEGER NOT NULL,
            flags TEXT NOT NULL,        -- JSON list (score.FLAGS)
            triggers TEXT NOT NULL      -- JSON list (score.TRIGGERS)
        );
        CREATE INDEX run_files_run ON run_files(run_id);
        CREATE INDEX run_files_abspath ON run_files(abspath);
        CREATE TABLE verdicts (
            fingerprint TEXT PRIMARY KEY,   -- keyed fingerprint of a type and value
            verdict TEXT NOT NULL,          -- confirmed | false-positive | accepted-risk
            note TEXT NOT NULL,             -- masked before it is stored (triage.py)
            type TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            path TEXT NOT NULL,             -- where it was judged, for people
            decided TEXT NOT NULL,
            decided_by TEXT NOT NULL
        );
        CREATE TABLE verdict_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL,
            verdict TEXT NOT NULL,          -- a verdict, or 'cleared'
            note TEXT NOT NULL,
            decided TEXT NOT NULL,
            decided_by TEXT NOT NULL
        );
    """)


def _schema_v4(conn: sqlite3.Connection) -> None:
    """Remote files (s3://, smb://) are keyed by URL and carry their origin's version."""
    conn.execute("ALTER TABLE files ADD COLUMN version TEXT")  # ETag, blob id...


def _schema_v5(conn: sqlite3.Connection) -> None:
    """Results of git blobs by object id (``piiscan git``, ``scan --staged``)."""
    _run_script(conn, """
        CREATE TABLE blobs (
            oid TEXT NOT NULL,          -- git object id: names the content itself
            name TEXT NOT NULL,         -- file name it was scanned under (sniffing, name text)
            display TEXT NOT NULL,      -- the path reports showed when this was stored
            digest TEXT NOT NULL,       -- piiscan version + rules + settings that produced it
            result TEXT NOT NULL,       -- masked FileResult as JSON (codec.py)
            stored TEXT NOT NULL,
            PRIMARY KEY (oid, name)
        )
    """)



# UPGRADES[i] takes a database from schema version i to i + 1. Append, never edit.
UPGRADES: list[Callable[[sqlite3.Connection], None]] = [_schema_v1, _schema_v2, _schema_v3,
                                                        _schema_v4, _schema_v5]
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
    rules_digest: str | None = None
    settings_digest: str | None = None
    settings: dict[str, Any] | None = None  # None: recorded before schema 2


@dataclass(frozen=True)
class StoredResult:
    """A file's latest result as the incremental cache keeps it, and when it was stored."""

    result: FileResult
    stored: str
    size: int
    mtime_ns: int


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


@dataclass(frozen=True)
class FileRow:
    """A file with findings in one run, as the scan saw it (run_files)."""

    path: str
    abspath: str | None
    size: int
    mtime: float
    inode: int
    mode: int
    uid: int
    gid: int
    content: str | None
    risk_level: str
    risk_score: int
    flags: tuple[str, ...]
    triggers: tuple[str, ...]


VERDICTS = ("confirmed", "false-positive", "accepted-risk")
CLEARED = "cleared"


@dataclass(frozen=True)
class Verdict:
    """A person's verdict on a value (by its keyed fingerprint), with a masked note."""

    fingerprint: str
    verdict: str  # one of VERDICTS, or CLEARED in the history
    note: str
    type: str = ""
    rule_id: str = ""
    path: str = ""
    decided: str = ""
    decided_by: str = ""


def roots_key(roots: list[str]) -> list[str]:
    """Roots as a run records them: absolute paths; URLs (``s3://b/x``) and git histories
    (``git:/srv/repo --all``) as given."""
    return sorted({r.rstrip("/") if _named_root(r) else os.path.abspath(r) for r in roots})


def _named_root(root: str) -> bool:
    return is_url(root) or root.startswith("git:")


class StateStore:
    """An open state database. ``write=True`` takes the lock; read-only users (``diff``,
    ``history``) do not, since WAL lets them read while a scan writes."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: StateLock | None,
                 key: bytes | None = None) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self.key: bytes = self._meta_key(key, write=lock is not None)

    @classmethod
    def open(cls, path: Path, *, write: bool = True, key: bytes | None = None) -> StateStore:
        """``key``: the fingerprint key from a key file (state.keyfile); without one the
        database keeps its own."""
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
                return cls(path, conn, lock, key)
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

    def _meta(self, name: str) -> bytes | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        return bytes(row[0]) if row is not None else None

    def _meta_key(self, key: bytes | None, write: bool) -> bytes:
        """The fingerprint key: kept in the database, or given from a key file whose id the
        database records. The two are never mixed: a database keeps one or the other."""
        from piiscan.state.keyfile import key_id

        inside, recorded = self._meta("hmac_key"), self._meta("key_id")
        if inside is not None:
            if key is not None:
                raise StateError(f"{self.path} keeps its fingerprint key inside the database; "
                                 "a --key-file needs a state created with it: move the "
                                 "database away to start one")
            return inside
        if recorded is not None:
            if key is None:
                if write:
                    raise StateError(f"{self.path} was created with a --key-file (key id "
                                     f"{recorded.decode()}); give the same --key-file")
                return b""  # diff and history compare fingerprints; they need no key
            if key_id(key).encode() != recorded:
                raise StateError(f"{self.path}: the --key-file is not the key this state was "
                                 f"created with (key id {key_id(key)}, the state's "
                                 f"{recorded.decode()}): every fingerprint would change "
                                 "meaning; use the right key or another --state")
            return key
        with self.transaction() as conn:
            if key is None:
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('hmac_key', ?)",
                             (os.urandom(32),))
            else:
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('key_id', ?)",
                             (key_id(key).encode(),))
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (now_iso(),))
        return self._meta_key(key, write)

    # --- incremental cache ---------------------------------------------------------------

    def cache(self, digest: str, bypass: Callable[[FileRef], bool] | None = None) -> ResultCache:
        return ResultCache(self, digest, bypass)

    def blob_cache(self, digest: str, bypass: Callable[[FileRef], bool] | None = None
                   ) -> BlobCache:
        return BlobCache(self, digest, bypass)

    # --- run history ---------------------------------------------------------------------

    def begin_run(self, roots: list[str], started: str, rules_digest: str,
                  settings_digest: str, settings: dict[str, Any] | None = None) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (started, roots, rules_digest, settings_digest, version, "
                "settings) VALUES (?, ?, ?, ?, ?, ?)",
                (started, json.dumps(roots_key(roots)), rules_digest, settings_digest,
                 __version__, None if settings is None else
                 json.dumps(settings, ensure_ascii=False, sort_keys=True, default=str)))
            return int(cur.lastrowid or 0)

    def file_recorder(self) -> FileRecorder:
        return FileRecorder(self)

    def finish_run(self, run_id: int, result: ScanResult, counts: dict[str, Any],
                   files: FileRecorder | None = None) -> None:
        # Laid out as SQLite takes them, never all at once: spilled findings are read back a
        # file at a time, so memory stays flat however many findings the run has.
        rows = ((run_id, fr.file.display, f.type, f.fingerprint, f.rule_id, str(f.severity),
                 f.masked_value, f.location.render(), f.suppressed_by)
                for fr in result.files for f in fr.findings)
        unreadable = sorted({s.path for s in result.unreadable()})
        with self.transaction() as conn:
            conn.executemany("INSERT INTO run_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if files is not None:
                conn.executemany(
                    "INSERT INTO run_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, *row) for row in files.rows])
            conn.execute(
                "UPDATE runs SET finished = ?, complete = ?, counts = ?, unreadable = ? "
                "WHERE id = ?",
                (result.finished, int(result.complete), json.dumps(counts, ensure_ascii=False),
                 json.dumps(unreadable, ensure_ascii=False), run_id))
            for table in ("run_findings", "run_files"):
                conn.execute(
                    f"DELETE FROM {table} WHERE run_id NOT IN "
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

    def latest_complete_run(self) -> RunInfo | None:
        row = self.conn.execute(
            "SELECT * FROM runs WHERE complete = 1 ORDER BY id DESC LIMIT 1").fetchone()
        return _run_info(row) if row else None

    def complete_run(self, run_id: int | None = None) -> RunInfo:
        """Run ``run_id`` (default: the latest complete one), which must have completed and
        have file records: what quarantine and triage act on."""
        run = self.run(run_id) if run_id is not None else self.latest_complete_run()
        if run is None:
            raise StateError(f"{self.path}: " + (f"no run {run_id}" if run_id is not None
                                                 else "no complete run recorded yet"))
        if not run.complete:
            raise StateError(f"{self.path}: run {run.id} did not complete: scan again")
        if not self.has_file_records(run.id):
            raise StateError(f"{self.path}: run {run.id} was recorded by an older piiscan "
                             "without file records: scan again")
        return run

    def files(self, run_id: int) -> list[FileRow]:
        """The files with findings in run ``run_id``, riskiest first."""
        cur = self.conn.execute(
            "SELECT path, abspath, size, mtime, inode, mode, uid, gid, content, risk_level, "
            "risk_score, flags, triggers FROM run_files WHERE run_id = ? "
            "ORDER BY risk_score DESC, path", (run_id,))
        return [FileRow(path=row[0], abspath=row[1], size=row[2], mtime=row[3], inode=row[4],
                        mode=row[5], uid=row[6], gid=row[7], content=row[8],
                        risk_level=row[9], risk_score=row[10],
                        flags=tuple(json.loads(row[11])), triggers=tuple(json.loads(row[12])))
                for row in cur]

    def has_file_records(self, run_id: int) -> bool:
        """False for a run with findings recorded before the state kept per-file facts
        (schema 1)."""
        findings = self.conn.execute("SELECT 1 FROM run_findings WHERE run_id = ? LIMIT 1",
                                     (run_id,)).fetchone()
        files = self.conn.execute("SELECT 1 FROM run_files WHERE run_id = ? LIMIT 1",
                                  (run_id,)).fetchone()
        return files is not None or findings is None

    # --- triage verdicts ------------------------------------------------------------------

    def verdicts(self) -> dict[str, Verdict]:
        cur = self.conn.execute(
            "SELECT fingerprint, verdict, note, type, rule_id, path, decided, decided_by "
            "FROM verdicts")
        return {row[0]: Verdict(*row) for row in cur}

    def set_verdict(self, verdict: Verdict) -> None:
        """Record a verdict (replacing an earlier one on the same fingerprint) and keep it in
        the history; ``CLEARED`` removes the verdict."""
        if verdict.verdict not in (*VERDICTS, CLEARED):
            raise ValueError(f"unknown verdict {verdict.verdict!r}")
        with self.transaction() as conn:
            if verdict.verdict == CLEARED:
                conn.execute("DELETE FROM verdicts WHERE fingerprint = ?",
                             (verdict.fingerprint,))
            else:
                conn.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (verdict.fingerprint, verdict.verdict, verdict.note, verdict.type,
                              verdict.rule_id, verdict.path, verdict.decided,
                              verdict.decided_by))
            conn.execute("INSERT INTO verdict_log (fingerprint, verdict, note, decided, "
                         "decided_by) VALUES (?, ?, ?, ?, ?)",
                         (verdict.fingerprint, verdict.verdict, verdict.note, verdict.decided,
                          verdict.decided_by))

    def verdict_history(self) -> list[Verdict]:
        cur = self.conn.execute("SELECT fingerprint, verdict, note, decided, decided_by "
                                "FROM verdict_log ORDER BY id")
        return [Verdict(fp, v, note, decided=when, decided_by=who)
                for fp, v, note, when, who in cur]

    def known_fingerprints(self, prefix: str) -> list[FindingRow]:
        """Findings recorded in the kept runs whose fingerprint starts with ``prefix``,
        newest run first (one row per fingerprint)."""
        cur = self.conn.execute(
            "SELECT path, type, fingerprint, rule_id, severity, masked_value, location, "
            "suppressed_by FROM run_findings WHERE substr(fingerprint, 1, ?) = ? "
            "ORDER BY run_id DESC", (len(prefix), prefix.lower()))
        out: dict[str, FindingRow] = {}
        for row in cur:
            out.setdefault(row[2], FindingRow(*row))
        return list(out.values())

    def stored_result(self, abspath: str, ref: FileRef) -> FileResult | None:
        """The masked result the cache holds for a file (snippets and reasons for triage),
        or None."""
        row = self.conn.execute("SELECT display, result FROM files WHERE path = ?",
                                (abspath,)).fetchone()
        if row is None:
            return None
        try:
            return decode_result(row[1], ref, row[0])
        except (ValueError, KeyError, TypeError):
            return None
    def results_containing(self, needles: list[str]) -> Iterator[StoredResult]:
        """Every stored file result whose encoded form contains one of ``needles``
        (fingerprints, ``codec.edm_row_needle``), in path order: what ``piiscan subject``
        searches, without reading any file again."""
        if not needles:
            return
        where = " OR ".join(["instr(result, ?) > 0"] * len(needles))
        cur = self.conn.execute(
            "SELECT path, display, size, mtime_ns, inode, stored, result FROM files "
            f"WHERE {where} ORDER BY path", needles)
        for path, display, size, mtime_ns, inode, stored, text in cur:
            ref = FileRef(path=path, display=display, size=size, mtime=mtime_ns / 1e9,
                          inode=inode)
            try:
                result = decode_result(text, ref, display)
            except (ValueError, KeyError, TypeError):
                continue  # an entry this version cannot read
            yield StoredResult(result, stored, size, mtime_ns)

    def findings(self, run_id: int) -> list[FindingRow]:
        cur = self.conn.execute(
            "SELECT path, type, fingerprint, rule_id, severity, masked_value, location, "
            "suppressed_by FROM run_findings WHERE run_id = ? ORDER BY path, location, type",
            (run_id,))
        return [FindingRow(*row) for row in cur]


class FileRecorder:
    """The facts of one run's files with findings, gathered as each file is finished and
    written by ``finish_run``: what the scan saw (size, mtime, inode, mode, owner) and a keyed
    hash of the bytes, so quarantine can refuse a file that changed since the scan.

    The hash is computed as the file's result arrives (interruptible, in walk order), or
    taken from the previous run when the file is unchanged. A file that changed between its
    scan and its hashing gets no hash (quarantine refuses it: its metadata differs too).
    """

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.hasher = ContentFingerprinter(store.key)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, fr: FileResult) -> None:
        if not fr.findings:
            return
        ref = fr.file
        abspath = os.path.abspath(ref.path) if ref.origin is None else None
        content = self._content(ref, abspath) if abspath is not None else None
        self.rows.append((ref.display, abspath, ref.size, ref.mtime, ref.inode, ref.mode,
                          ref.uid, ref.gid, content, fr.risk_level, fr.risk_score,
                          json.dumps(fr.flags), json.dumps(fr.triggers)))

    def _content(self, ref: FileRef, abspath: str) -> str | None:
        row = self.store.conn.execute(
            "SELECT content FROM run_files WHERE abspath = ? AND size = ? AND mtime = ? "
            "AND inode = ? AND content IS NOT NULL ORDER BY run_id DESC LIMIT 1",
            (abspath, ref.size, ref.mtime, ref.inode)).fetchone()
        if row is not None:
            return str(row[0])
        try:
            fd = os.open(abspath, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            seen = (ref.size, ref.mtime, ref.inode)
            if _identity(os.fstat(fd)) != seen:
                return None
            content = self.hasher.of_fd(fd)
            return content if _identity(os.fstat(fd)) == seen else None
        except OSError:
            return None
        finally:
            os.close(fd)


def _identity(st: os.stat_result) -> tuple[int, float, int]:
    return (st.st_size, st.st_mtime, st.st_ino) if stat.S_ISREG(st.st_mode) else (-1, 0.0, 0)


def _run_info(row: tuple[Any, ...]) -> RunInfo:
    return RunInfo(id=row[0], started=row[1], finished=row[2], complete=bool(row[3]),
                   roots=json.loads(row[4]), counts=json.loads(row[5] or "{}"),
                   unreadable=json.loads(row[6] or "[]"), rules_digest=row[7],
                   settings_digest=row[8], settings=json.loads(row[10]) if row[10] else None)




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


class _Writes:
    """Rows for one cache table, written in batches: a transaction every ``_FLUSH_FILES``
    rows or ``_FLUSH_SECONDS``. An interrupted batch rolls back; those files are simply
    scanned again next time."""

    def __init__(self, store: StateStore, table: str, columns: int) -> None:
        self.store = store
        self.sql = f"INSERT OR REPLACE INTO {table} VALUES ({', '.join('?' * columns)})"
        self.pending: list[tuple[Any, ...]] = []
        self.last_flush = time.monotonic()

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row)
        if (len(self.pending) >= _FLUSH_FILES
                or time.monotonic() - self.last_flush > _FLUSH_SECONDS):
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with self.store.transaction() as conn:
                conn.executemany(self.sql, self.pending)
            self.pending = []
        self.last_flush = time.monotonic()


@dataclass
class _Stat:
    size: int
    mtime_ns: int
    inode: int
    sha256: str | None
    version: str | None = None


def cache_key(ref: FileRef) -> str:
    """A file's row in the cache: its absolute path, or the URL of a remote file."""
    return ref.origin if ref.origin is not None else os.path.abspath(ref.path)


class _StoredResults:
    """What both caches share: the digest a stored result must have, files that bypass
    the cache, hit and miss counts, and batched writes to their table."""

    TABLE = ""
    COLUMNS = 0

    def __init__(self, store: StateStore, digest: str,
                 bypass: Callable[[FileRef], bool] | None) -> None:
        self.store = store
        self.digest = digest
        self.bypass = bypass
        self.hits = 0
        self.misses = 0
        self._writes = _Writes(store, self.TABLE, self.COLUMNS)

    def _reuse(self, stored: str, ref: FileRef, display: str) -> FileResult | None:
        """A stored result for ``ref`` (a hit), or None when this version cannot read it."""
        try:
            result = decode_result(stored, ref, display)
        except (ValueError, KeyError, TypeError):
            return None  # scanned again
        self.hits += 1
        return result

    def flush(self) -> None:
        self._writes.flush()


class ResultCache(_StoredResults):
    """Reuse a file's stored result when nothing that produced it has changed.

    A stored result is reused when path, size, mtime (ns) and inode match and the digest
    (piiscan version, ruleset digest, settings digest) is the current one. A file whose
    mtime was within ``AMBIGUOUS_SECONDS`` of the moment it was read could have changed again
    within the same timestamp tick, so its content hash is stored and checked as well.
    A remote file (s3://, smb://) is keyed by its URL and compared by the size, mtime and
    version (ETag) its listing gave: this process never reads it. One with no version whose
    mtime is that recent is scanned and not stored.
    Writes are batched in transactions; an interrupted batch rolls back and those files are
    simply scanned again next time.
    """

    TABLE = "files"
    COLUMNS = 10

    def __init__(self, store: StateStore, digest: str,
                 bypass: Callable[[FileRef], bool] | None) -> None:
        super().__init__(store, digest, bypass)
        self.seen: set[str] = set()
        self._stats: dict[str, _Stat] = {}

    def get(self, ref: FileRef) -> FileResult | None:
        key = cache_key(ref)
        self.seen.add(key)
        if self.bypass is not None and self.bypass(ref):
            self.misses += 1
            return None
        current = _current_stat(ref)
        if current is None:
            self.misses += 1
            return None
        self._stats[key] = current
        row = self.store.conn.execute(
            "SELECT display, size, mtime_ns, inode, sha256, digest, result, version FROM files "
            "WHERE path = ?", (key,)).fetchone()
        if row is not None and self._same(row, current, ref):
            result = self._reuse(row[6], ref, row[0])
            if result is not None:
                del self._stats[key]
                return result
        self.misses += 1
        return None

    def _same(self, row: tuple[Any, ...], current: _Stat, ref: FileRef) -> bool:
        _, size, mtime_ns, inode, stored_sha, digest, _, version = row
        if (size, mtime_ns, inode, digest, version) != (
                current.size, current.mtime_ns, current.inode, self.digest, current.version):
            return False
        if stored_sha is None:
            return True
        now_sha = current.sha256 or sha256_file(ref.path)
        return bool(now_sha == stored_sha)

    def put(self, ref: FileRef, result: FileResult) -> None:
        key = cache_key(ref)
        st = self._stats.pop(key, None)
        if st is None:
            return  # bypassed, or could not be stat-ed before scanning
        self._writes.add((key, ref.display, st.size, st.mtime_ns, st.inode, st.sha256,
                          self.digest, _encoded(result), now_iso(), st.version))

    def prune(self, roots: list[str]) -> int:
        """After a complete run: forget files under the scanned folders (and URLs) that
        are gone."""
        removed = 0
        with self.store.transaction() as conn:
            for root in roots_key(roots):
                if is_url(root):
                    prefix = root + "/"
                elif os.path.isdir(root):
                    prefix = root.rstrip(os.sep) + os.sep
                else:
                    continue
                cur = conn.execute("SELECT path FROM files WHERE substr(path, 1, ?) = ?",
                                   (len(prefix), prefix))
                gone = [(p,) for (p,) in cur.fetchall() if p not in self.seen]
                conn.executemany("DELETE FROM files WHERE path = ?", gone)
                removed += len(gone)
        return removed


def _encoded(result: FileResult) -> str:
    """The result as the cache stores it: encoded where it was scanned, or here."""
    return result.cache_entry if result.cache_entry is not None else encode_result(result)


def _current_stat(ref: FileRef) -> _Stat | None:
    """What a file is now: from the filesystem for a local file, from its listing for a
    remote one; None when that cannot be trusted to say whether it changed."""
    recent = time.time() - AMBIGUOUS_SECONDS
    if ref.origin is not None:
        if ref.version is None and ref.mtime > recent:
            return None
        return _Stat(ref.size, int(ref.mtime * 1e9), 0, None, ref.version)
    try:
        st = os.stat(ref.path)
    except OSError:
        return None
    sha = sha256_file(ref.path) if st.st_mtime > recent else None
    return _Stat(st.st_size, st.st_mtime_ns, st.st_ino, sha)


class BlobCache(_StoredResults):
    """Reuse the result of a git blob scanned before: a blob id names its content, so a
    stored result stays right as long as the digest (piiscan version, rules, settings) is
    the current one -- the blob is not even read. Results are stored per blob id and file
    name (the name decides how the content is read, and is scanned itself). A result with
    an unreadable part (an error skip) is not stored: that blob is read again next time.
    """

    TABLE = "blobs"
    COLUMNS = 6

    def get(self, ref: FileRef) -> FileResult | None:
        if ref.version is None or (self.bypass is not None and self.bypass(ref)):
            self.misses += 1
            return None
        row = self.store.conn.execute(
            "SELECT display, digest, result FROM blobs WHERE oid = ? AND name = ?",
            (ref.version, ref.name)).fetchone()
        if row is not None and row[1] == self.digest:
            result = self._reuse(row[2], ref, row[0])
            if result is not None:
                return result
        self.misses += 1
        return None

    def put(self, ref: FileRef, result: FileResult) -> None:
        if ref.version is None or any(s.kind.value == "error" for s in result.skips):
            return
        self._writes.add((ref.version, ref.name, ref.display, self.digest,
                          _encoded(result), now_iso()))

    def prune(self, roots: list[str]) -> int:
        """Nothing to forget: a blob's result stays right for as long as its digest does
        (history does not change), and a newer digest replaces it when it is read again."""
        return 0
