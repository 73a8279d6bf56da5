"""The state database itself: owner-only files, WAL, versioned schema, the key, the lock."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from statekit import Run, make_share

from piiscan.errors import LockedError
from piiscan.state.store import SCHEMA_VERSION, StateError, StateStore, resolve_state_path


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_are_owner_only_and_wal(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    make_share(share, 5)
    folder = tmp_path / "new" / "state"
    old_umask = os.umask(0o022)
    store = StateStore.open(resolve_state_path(str(folder)))
    try:
        store.conn.execute("CREATE TABLE IF NOT EXISTS scratch (x)")  # forces -wal and -shm
        assert mode(folder) == 0o700
        db = folder / "state.db"
        for path in (db, folder / "state.db-wal", folder / "state.db-shm",
                     folder / "state.db.lock"):
            assert path.exists(), path
            assert mode(path) == 0o600, (path, oct(mode(path)))
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        store.close()
        os.umask(old_umask)


def test_existing_loose_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    StateStore.open(db).close()
    os.chmod(db, 0o644)
    StateStore.open(db).close()
    assert mode(db) == 0o600


def test_key_is_random_per_state_and_stable(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "a.db") as a:
        key_a = a.key
    with StateStore.open(tmp_path / "a.db") as a:
        assert a.key == key_a
    with StateStore.open(tmp_path / "b.db") as b:
        assert b.key != key_a
    assert len(key_a) == 32


def test_lock_stops_a_second_writer(tmp_path: Path, run: Run) -> None:
    db = tmp_path / "s.db"
    holder = StateStore.open(db)
    try:
        with pytest.raises(LockedError) as info:
            StateStore.open(db)
        message = str(info.value)
        assert f"another piiscan run holds the lock on {db}" in message
        assert f"pid {os.getpid()} since " in message
        # readers are not blocked (WAL)
        with StateStore.open(db, write=False) as reader:
            assert reader.runs() == []
        (tmp_path / "f.txt").write_text("x", encoding="utf-8")
        result = run("scan", f"--state={db}", str(tmp_path / "f.txt"))
        assert result.exit_code == 2
        assert "another piiscan run holds the lock" in result.stderr
    finally:
        holder.close()
    StateStore.open(db).close()  # released


def test_newer_schema_and_damaged_file_are_clear_errors(tmp_path: Path, run: Run) -> None:
    db = tmp_path / "s.db"
    StateStore.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StateError, match="newer piiscan"):
        StateStore.open(db)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    result = run("scan", f"--state={junk}", str(tmp_path / "f.txt"))
    assert result.exit_code == 2
    assert "not a usable piiscan state database" in result.stderr
    StateStore.open(db.with_name("fresh.db")).close()


def test_state_path_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert resolve_state_path(None) == tmp_path / "xdg" / "piiscan" / "state.db"
    assert resolve_state_path(str(tmp_path)) == tmp_path / "state.db"  # existing folder
    folder = tmp_path / "dot-piiscan"  # not there yet, no suffix: a folder
    assert resolve_state_path(str(folder)) == folder / "state.db"
    assert resolve_state_path(str(tmp_path / "x.db")) == tmp_path / "x.db"


def test_default_location_with_bare_flag(tmp_path: Path, run: Run) -> None:
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    result = run("scan", str(tmp_path / "f.txt"), "--state")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg-state" / "piiscan" / "state.db").exists()
    history = run("history")
    assert "#1" in history.stdout and "complete" in history.stdout


def test_schema_1_database_is_upgraded_in_place(tmp_path: Path, run: Run) -> None:
    """A state written before per-file records and verdicts (schema 1) gains the new tables
    and keeps its runs; quarantine asks for a new scan instead of guessing."""
    from piiscan.state.store import UPGRADES

    share = tmp_path / "share"
    make_share(share, 10)
    db = tmp_path / "old" / "state.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    UPGRADES[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO runs (started, finished, complete, roots, counts) VALUES "
                 "('t', 't', 1, '[]', '{}')")
    conn.execute("INSERT INTO run_findings VALUES (1, 'a.txt', 'PHONE', 'fp', 'jp.phone', "
                 "'medium', '***', 'a.txt:1:1', NULL)")
    conn.execute("COMMIT")
    conn.close()
    with StateStore.open(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [r.id for r in store.runs()] == [1]
        assert store.verdicts() == {} and store.files(1) == []
        assert not store.has_file_records(1)
    proc = run("quarantine", f"--state={db}", "--chmod")
    assert proc.exit_code == 2 and "recorded by an older piiscan" in proc.stderr
    result = run("scan", f"--state={db}", str(share), "-q")
    assert result.exit_code == 1
    with StateStore.open(db, write=False) as store:
        latest = store.latest_complete_run()
        assert latest is not None and store.has_file_records(latest.id)
        assert len(store.files(latest.id)) == 1


def test_file_records_hash_once(tmp_path: Path, run: Run,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file with findings is recorded with a keyed hash of its bytes (not a bare
    one); an unchanged file's hash is carried over from the previous run, not read again."""
    from piiscan.mask import ContentFingerprinter

    hashed: list[int] = []
    original = ContentFingerprinter.of_fd

    def counting(self: ContentFingerprinter, fd: int) -> str:
        hashed.append(fd)
        return original(self, fd)

    monkeypatch.setattr(ContentFingerprinter, "of_fd", counting)
    share = tmp_path / "share"
    (personal,) = make_share(share, 3, every=3)
    state = tmp_path / "state"
    for _ in range(2):
        assert run("scan", f"--state={state}", str(share), "-q").exit_code == 1
    assert len(hashed) == 1
    with StateStore.open(state / "state.db", write=False) as store:
        runs = [r.id for r in store.runs()]
        first, second = (store.files(r)[0] for r in sorted(runs))
    assert first == second and first.abspath == str(personal)
    assert first.content is not None and len(first.content) == 64
    assert (first.size, first.inode) == (personal.stat().st_size, personal.stat().st_ino)
    assert first.content != hashlib.sha256(personal.read_bytes()).hexdigest()


def test_verdicts_and_their_history(tmp_path: Path) -> None:
    from piiscan.state.store import CLEARED, Verdict

    with StateStore.open(tmp_path / "s.db") as store:
        store.set_verdict(Verdict("fp1", "false-positive", "n", "PHONE", "jp.phone", "a", "t1",
                                  "me"))
        store.set_verdict(Verdict("fp1", "confirmed", "", "PHONE", "jp.phone", "a", "t2",
                                  "me"))
        assert store.verdicts()["fp1"].verdict == "confirmed"
        store.set_verdict(Verdict("fp1", CLEARED, "", decided="t3", decided_by="me"))
        assert store.verdicts() == {}
        assert [v.verdict for v in store.verdict_history()] == [
            "false-positive", "confirmed", CLEARED]
        with pytest.raises(ValueError):
            store.set_verdict(Verdict("fp2", "maybe", ""))
