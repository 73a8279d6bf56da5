"""The state database itself: owner-only files, WAL, versioned schema, the key, the lock."""

from __future__ import annotations

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
